// A meeting's minutes as a 公示 sheet to print and post, and as an Excel workbook: the meeting,
// its attendance (names masked, as on every public page), speakers, proposals and minutes.

package consultweb

import (
	"fmt"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

type sheetView struct {
	Back, Heading, Sub, Agenda, Minutes, Foot string
	Rows                                      []web.Kv
	Speakers                                  []gongzhi.ConsultSpeaker
	Proposals                                 []gongzhi.TabledProposal
}

func (s *Server) sheet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	lang := web.LangOf(r)
	mv, err := s.meetingData(r, id)
	if err != nil {
		return err
	}
	m := mv.ConsultMeeting
	v := &sheetView{Back: href("/consult/meetings/", id), Heading: m.PlaceName + " " + t(lang, "consult.sheet_heading:"+t(lang, "consult.meeting_kind."+m.Kind)),
		Sub: m.Title, Agenda: m.Agenda, Minutes: m.Minutes, Speakers: mv.Speakers, Proposals: mv.ProposalsList,
		Foot: web.TN(lang, "consult.sheet_foot", 0, m.PlaceName, s.svc.Today()),
		Rows: []web.Kv{
			{Label: t(lang, "consult.starts_at"), Value: m.StartsAt.In(gongzhi.ChinaTime).Format("2006-01-02 15:04")},
			{Label: t(lang, "consult.location"), Value: m.Location},
			{Label: t(lang, "consult.state"), Value: t(lang, "consult.meeting_state."+m.State)},
			{Label: t(lang, "consult.attendees"), Value: attendance(lang, mv.AttendeeList)},
		}}
	if m.TopicTitle != "" {
		v.Rows = append(v.Rows, web.Kv{Label: t(lang, "consult.topic"), Value: m.TopicTitle})
	}
	for i := range v.Speakers {
		if v.Speakers[i].PersonID != 0 {
			v.Speakers[i].Name = gongzhi.MaskName(v.Speakers[i].Name)
		}
	}
	s.Render(w, r, http.StatusOK, "consult_sheet", &web.Page{Title: m.Title, Active: "/public", Data: v})
	return nil
}

// attendance counts a meeting's attendees by how they signed in.
func attendance(lang string, as []gongzhi.ConsultAttendee) string {
	n := 0
	for _, a := range as {
		if a.How == "qr" {
			n++
		}
	}
	return web.TN(lang, "consult.attendance_count", len(as), strconv.Itoa(n), strconv.Itoa(len(as)-n))
}

// minutesXLSX exports a meeting's minutes: one sheet, one row per line of the record.
func (s *Server) minutesXLSX(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	lang := web.LangOf(r)
	mv, err := s.meetingData(r, id)
	if err != nil {
		return err
	}
	m := mv.ConsultMeeting
	rows := [][]any{
		{t(lang, "consult.community"), m.PlaceName, ""},
		{t(lang, "consult.meeting"), m.Title, ""},
		{t(lang, "consult.meeting_kind"), t(lang, "consult.meeting_kind."+m.Kind), ""},
		{t(lang, "consult.starts_at"), m.StartsAt.In(gongzhi.ChinaTime), ""},
		{t(lang, "consult.location"), m.Location, ""},
		{t(lang, "consult.state"), t(lang, "consult.meeting_state."+m.State), ""},
		{t(lang, "consult.topic"), m.TopicTitle, ""},
		{t(lang, "consult.agenda"), m.Agenda, ""},
		{t(lang, "consult.attendees"), attendance(lang, mv.AttendeeList), ""},
	}
	for _, a := range mv.AttendeeList {
		name := a.Name
		if a.PersonID != 0 {
			name = gongzhi.MaskName(name)
		}
		rows = append(rows, []any{t(lang, "consult.attendee"), name, t(lang, "consult.how."+a.How)})
	}
	for i, sp := range mv.Speakers {
		name := sp.Name
		if sp.PersonID != 0 {
			name = gongzhi.MaskName(name)
		}
		rows = append(rows, []any{t(lang, "consult.speaker") + " " + strconv.Itoa(i+1), name, sp.Summary})
	}
	for i, p := range mv.ProposalsList {
		rows = append(rows, []any{t(lang, "consult.proposal") + " " + strconv.Itoa(i+1), p.Title, p.Body})
	}
	rows = append(rows, []any{t(lang, "consult.minutes"), m.Minutes, ""})
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="meeting-%d-minutes.xlsx"`, id))
	return xlsx.Export(w, t(lang, "consult.minutes"), []string{t(lang, "consult.item"), t(lang, "consult.content"), t(lang, "consult.note")},
		func(yield func([]any) bool) {
			for _, row := range rows {
				if !yield(row) {
					return
				}
			}
		})
}
