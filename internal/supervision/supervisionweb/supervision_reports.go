// The monthly supervision report's pages (generate, edit, publish, print) and its public pages,
// and the joint meetings' pages (list, record, action items tracked until done).

package supervisionweb

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/supervision"
	"gongzhi/internal/web"
)

// ---- the monthly report

type supReportView struct {
	CSS       string
	Month     string
	R         *gongzhi.SupervisionReport
	Paras     []string
	Figures   []web.Kv
	ByCheck   []web.Kv
	Lines     [][]string
	State     string
	Public    bool
	CanWrite  bool
	Generate  *web.OffMiniForm
	Edit      *web.OffMiniForm
	Publish   *web.OffMiniForm
	ErrText   string
	BackHref  string
	Published string
	Early     string // a warning before publishing a month not yet over or not fully inspected
}

func supReportFill(lang string, v *supReportView) {
	r := v.R
	if r == nil {
		return
	}
	v.State = web.T(lang, "report.state."+r.State)
	for _, p := range strings.Split(r.Body, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			v.Paras = append(v.Paras, p)
		}
	}
	f := r.Figures
	n := strconv.Itoa
	v.Figures = []web.Kv{
		{Label: web.T(lang, "report.fig.contracts"), Value: n(f.Contracts)},
		{Label: web.T(lang, "report.fig.inspections"), Value: n(f.InspectionsDone) + " / " + n(f.InspectionsDue)},
		{Label: web.T(lang, "report.fig.overdue"), Value: n(f.InspectionsOverdue)},
		{Label: web.T(lang, "report.fig.avg_progress"), Value: n(f.AvgProgressPct) + "%"},
		{Label: web.T(lang, "report.fig.findings"), Value: n(f.Findings)},
		{Label: web.T(lang, "report.fig.rects"), Value: n(f.RectClosed) + " / " + n(f.RectRaised)},
		{Label: web.T(lang, "report.fig.escalated"), Value: n(f.RectEscalated)},
		{Label: web.T(lang, "report.fig.talks"), Value: n(f.Talks)},
		{Label: web.T(lang, "report.fig.meetings"), Value: n(f.Meetings)},
		{Label: web.T(lang, "report.fig.actions"), Value: n(f.ActionsDone) + " / " + n(f.ActionsDue)},
	}
	keys := make([]string, 0, len(f.FindingsByCheck))
	for k := range f.FindingsByCheck {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v.ByCheck = append(v.ByCheck, web.Kv{Label: web.T(lang, "check."+k), Value: n(f.FindingsByCheck[k])})
	}
	for _, l := range f.ByContract {
		pct := "—"
		if l.State == gongzhi.InspectionDone {
			pct = n(l.ProgressPct) + "%"
		}
		v.Lines = append(v.Lines, []string{l.ContractTitle, l.ProviderName, web.T(lang, "inspection.state."+l.State), pct, n(l.Findings), n(l.RectOpen)})
	}
	if !r.PublishedAt.IsZero() {
		v.Published = web.OffShowDate(r.PublishedAt)
	}
}

func (s *Server) supReportPage(w http.ResponseWriter, r *http.Request) error {
	return s.supRenderReport(w, r, http.StatusOK, r.PathValue("month"), nil)
}

func (s *Server) supRenderReport(w http.ResponseWriter, r *http.Request, status int, month string, fs *web.OffFormState) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if _, ok := gongzhi.ParseMonth(month); !ok {
		return gongzhi.NotFound()
	}
	rep, err := s.svc.SupervisionReportFor(r.Context(), ac, month)
	if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
		return err
	}
	v := &supReportView{CSS: web.OfficeCSSURL(), Month: month, R: rep, CanWrite: supervision.MayInspect(ac), BackHref: "/supervision?month=" + month}
	supReportFill(lang, v)
	base := "/supervision/reports/" + month
	if v.CanWrite && (rep == nil || rep.State == gongzhi.ReportDraft) {
		v.Generate = fs.Mini("generate", base+"/generate", nil)
		if rep != nil {
			v.Edit = fs.Mini("edit", base+"/edit", map[string]string{"title": rep.Title, "body": rep.Body})
			v.Publish = fs.Mini("publish", base+"/publish", nil)
			pending := rep.Figures.InspectionsDue - rep.Figures.InspectionsDone
			if open := month >= gongzhi.MonthOf(s.svc.Now()); open || pending > 0 {
				key := "report.early_pending"
				if open {
					key = "report.early_month"
				}
				v.Early = web.TN(lang, key, pending)
			}
		}
	}
	var e *gongzhi.Error
	if fs != nil {
		e, v.ErrText = fs.Err, web.OffErrText(lang, fs.Err)
	}
	title := web.T(lang, "sup.reports") + " · " + month
	if rep != nil {
		title = rep.Title
	}
	s.Render(w, r, status, "supervision_report", &web.Page{Title: title, Active: "/supervision", Data: v, Error: e})
	return nil
}

func (s *Server) supReportMove(w http.ResponseWriter, r *http.Request) error {
	ac, ctx := web.ActorOf(r), r.Context()
	month, move := r.PathValue("month"), r.PathValue("move")
	if err := r.ParseForm(); err != nil {
		return gongzhi.Invalid("form", "bad_text")
	}
	var err error
	switch move {
	case "generate":
		_, err = s.svc.GenerateSupervisionReport(ctx, ac, month)
	case "edit", "publish":
		var rep *gongzhi.SupervisionReport
		if rep, err = s.svc.SupervisionReportFor(ctx, ac, month); err != nil {
			return err
		}
		if move == "edit" {
			_, err = s.svc.EditSupervisionReport(ctx, ac, rep.ID, r.PostForm.Get("title"), r.PostForm.Get("body"))
		} else {
			_, err = s.svc.PublishSupervisionReport(ctx, ac, rep.ID)
		}
	default:
		return gongzhi.NotFound()
	}
	return s.supDone(w, r, nil, err, "/supervision/reports/"+month, "sup.flash."+move, func(fs *web.OffFormState) error {
		return s.supRenderReport(w, r, web.StatusOf[fs.Err.Code], month, fs)
	}, move)
}

func (s *Server) supAPIReports(w http.ResponseWriter, r *http.Request) error {
	return web.ListJSON(w, r, []string{"state", "month"}, web.ListOf(r.Context(), web.ActorOf(r), s.svc.SupervisionReports))
}

func (s *Server) supAPIReport(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, s.svc.SupervisionReport)
}

func (s *Server) supAPIReportGenerate(w http.ResponseWriter, r *http.Request) error {
	var req supMonthReq
	if err := s.Decode(w, r, &req); err != nil {
		return err
	}
	rep, err := s.svc.GenerateSupervisionReport(r.Context(), web.ActorOf(r), req.Month)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) supAPIReportEdit(w http.ResponseWriter, r *http.Request) error {
	var req supReportEditReq
	id, err := s.DecodeAt(w, r, &req)
	if err != nil {
		return err
	}
	rep, err := s.svc.EditSupervisionReport(r.Context(), web.ActorOf(r), id, req.Title, req.Body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) supAPIReportPublish(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, s.svc.PublishSupervisionReport)
}

// ---- public pages

type supPublicListView struct {
	CSS  string
	Rows [][]web.Cell
}

func (s *Server) supPublicList(w http.ResponseWriter, r *http.Request) error {
	if web.IsAPIPath(r) {
		return web.ListJSON(w, r, []string{"month"}, func(o gongzhi.ListOptions, each func(*gongzhi.SupervisionReport) error) (int, error) {
			return s.svc.PublicSupervisionReports(r.Context(), o, each)
		})
	}
	lang := web.LangOf(r)
	v := &supPublicListView{CSS: web.OfficeCSSURL()}
	if _, err := s.svc.PublicSupervisionReports(r.Context(), gongzhi.ListOptions{Limit: 200}, func(rep *gongzhi.SupervisionReport) error {
		v.Rows = append(v.Rows, []web.Cell{{Text: rep.Title, Href: "/public/supervision-reports/" + strconv.FormatInt(rep.ID, 10)},
			{Text: rep.PlaceName}, {Text: rep.Month}, {Text: web.OffShowDate(rep.PublishedAt)}})
		return nil
	}); err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "supervision_public", &web.Page{Title: web.T(lang, "sup.public_reports"), Data: v})
	return nil
}

func (s *Server) supPublicReport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rep, err := s.svc.PublicSupervisionReport(r.Context(), id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, rep)
		return nil
	}
	v := &supReportView{CSS: web.OfficeCSSURL(), Month: rep.Month, R: rep, Public: true, BackHref: "/public/supervision-reports"}
	supReportFill(web.LangOf(r), v)
	s.Render(w, r, http.StatusOK, "supervision_report", &web.Page{Title: rep.Title, Data: v})
	return nil
}

// ---- joint meetings

type supMeetingsView struct {
	Rows    [][]web.Cell
	Actions [][]web.Cell
	NewHref string
	Filter  string
	Links   []web.ActionLink
}

func (s *Server) supMeetings(w http.ResponseWriter, r *http.Request) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	if !supervision.MayReadSupervision(ac) {
		return gongzhi.Forbidden()
	}
	v := &supMeetingsView{Filter: r.URL.Query().Get("actions")}
	if supervision.MayInspect(ac) {
		v.NewHref = "/meetings/new"
	}
	if _, err := s.svc.Meetings(ctx, ac, gongzhi.ListOptions{Limit: 200}, func(m *gongzhi.Meeting) error {
		v.Rows = append(v.Rows, []web.Cell{{Text: m.Date}, {Text: m.Title, Href: "/meetings/" + strconv.FormatInt(m.ID, 10)}, {Text: m.Venue}})
		return nil
	}); err != nil {
		return err
	}
	f := map[string]string{"state": gongzhi.ActionOpen}
	if v.Filter == "overdue" {
		f = map[string]string{"overdue": gongzhi.DateOf(s.svc.Now())}
	} else {
		v.Filter = "open"
	}
	for _, k := range []string{"open", "overdue"} {
		v.Links = append(v.Links, web.ActionLink{Label: web.T(lang, "meeting.actions_filter."+k), Href: "/meetings?actions=" + k + "#actions", Danger: k == v.Filter})
	}
	if _, err := s.svc.MeetingActions(ctx, ac, gongzhi.ListOptions{Filters: f, Limit: 200}, func(x *gongzhi.MeetingAction) error {
		v.Actions = append(v.Actions, supActionRow(lang, x, true))
		return nil
	}); err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "supervision_meetings", &web.Page{Title: web.T(lang, "nav.meetings"), Active: "/meetings", Data: v})
	return nil
}

func supActionRow(lang string, x *gongzhi.MeetingAction, withMeeting bool) []web.Cell {
	owner := x.OwnerOrgName
	if owner == "" {
		owner = x.OwnerName
	}
	state := web.T(lang, "action.state."+x.State)
	class := "s-pending"
	if x.State == gongzhi.ActionDone {
		class = "s-signed"
	} else if x.Overdue {
		state += " · " + web.T(lang, "sup.overdue")
		class = "s-rejected"
	}
	row := []web.Cell{{Text: x.Text}, {Text: owner}, {Text: x.Deadline}, {Text: state, Class: class}, {Text: x.Note}}
	if withMeeting {
		row = append([]web.Cell{{Text: x.MeetingTitle, Href: "/meetings/" + strconv.FormatInt(x.MeetingID, 10)}}, row...)
	}
	return row
}

func (s *Server) supAPIMeetings(w http.ResponseWriter, r *http.Request) error {
	return web.ListJSON(w, r, []string{"month"}, web.ListOf(r.Context(), web.ActorOf(r), s.svc.Meetings))
}

func (s *Server) supAPIMeeting(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, s.svc.Meeting)
}

// supMeetingForm is the form that records a meeting; action items are added on its page.
type supMeetingForm struct {
	Date      string   `json:"date"`
	Title     string   `json:"title"`
	Venue     string   `json:"venue"`
	Attendees string   `json:"attendees"`
	OrgIDs    []string `json:"org_ids"`
	Minutes   string   `json:"minutes"`
	Decisions string   `json:"decisions"`
}

func (s *Server) supMeetingForm(w http.ResponseWriter, r *http.Request) error {
	if !supervision.MayInspect(web.ActorOf(r)) {
		return gongzhi.Forbidden()
	}
	return s.supRenderMeetingForm(w, r, http.StatusOK, supMeetingForm{Date: gongzhi.DateOf(s.svc.Now())}, nil)
}

func (s *Server) supRenderMeetingForm(w http.ResponseWriter, r *http.Request, status int, in supMeetingForm, e *gongzhi.Error) error {
	lang := web.LangOf(r)
	errs := supAttendeeErrs(lang, e)
	orgs := s.OrgOptions(r, lang)[1:]
	fv := &web.FormView{Action: "/meetings", Cancel: "/meetings", Submit: web.T(lang, "action.save"), Intro: web.T(lang, "meeting.intro"), Fields: []web.Field{
		{Name: "date", Label: web.T(lang, "meeting.date"), Type: "date", Value: in.Date, Error: errs["date"], Required: true},
		{Name: "title", Label: web.T(lang, "meeting.title"), Value: in.Title, Error: errs["title"], Required: true},
		{Name: "venue", Label: web.T(lang, "meeting.venue"), Value: in.Venue, Error: errs["venue"]},
		{Name: "attendees", Label: web.T(lang, "meeting.attendees"), Type: "textarea", Value: in.Attendees, Error: errs["attendees"], Wide: true, Help: web.T(lang, "sup.attendees_help")},
		{Name: "org_ids", Label: web.T(lang, "meeting.orgs"), Type: "multi", Values: in.OrgIDs, Options: orgs, Error: errs["org_ids"], Wide: true},
		{Name: "minutes", Label: web.T(lang, "meeting.minutes"), Type: "textarea", Value: in.Minutes, Error: errs["minutes"], Required: true, Wide: true},
		{Name: "decisions", Label: web.T(lang, "meeting.decisions"), Type: "textarea", Value: in.Decisions, Error: errs["decisions"], Wide: true},
	}}
	s.Render(w, r, status, "form", &web.Page{Title: web.T(lang, "meeting.new"), Active: "/meetings", Data: fv, Error: e})
	return nil
}

func (s *Server) supMeetingSave(w http.ResponseWriter, r *http.Request) error {
	var in gongzhi.MeetingInput
	var form supMeetingForm
	if err := supDecodeInput(s, w, r, &in, &form, func(form *supMeetingForm) gongzhi.MeetingInput {
		in := gongzhi.MeetingInput{Date: form.Date, Title: form.Title, Venue: form.Venue, Attendees: gongzhi.ParseAttendees(form.Attendees),
			Minutes: form.Minutes, Decisions: form.Decisions}
		for _, o := range form.OrgIDs {
			if id, err := strconv.ParseInt(o, 10, 64); err == nil {
				in.OrgIDs = append(in.OrgIDs, id)
			}
		}
		return in
	}); err != nil {
		return err
	}
	m, err := s.svc.RecordMeeting(r.Context(), web.ActorOf(r), in)
	to := ""
	if m != nil {
		to = "/meetings/" + strconv.FormatInt(m.ID, 10)
	}
	return s.supDone(w, r, m, err, to, "sup.flash.meeting", func(fs *web.OffFormState) error {
		return s.supRenderMeetingForm(w, r, web.StatusOf[fs.Err.Code], form, fs.Err)
	}, "meeting")
}

type supMeetingView struct {
	CSS       string
	M         *gongzhi.Meeting
	Attendees []string
	Orgs      []string
	Actions   []supActionView
	Add       *web.OffMiniForm
	OrgOpts   []web.Option
	ErrText   string
	Today     string
}

type supActionView struct {
	Cells []web.Cell
	Done  *web.OffMiniForm
}

func (s *Server) supMeetingPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.supRenderMeeting(w, r, http.StatusOK, id, nil)
}

func (s *Server) supRenderMeeting(w http.ResponseWriter, r *http.Request, status int, id int64, fs *web.OffFormState) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	m, err := s.svc.Meeting(ctx, ac, id)
	if err != nil {
		return err
	}
	v := &supMeetingView{CSS: web.OfficeCSSURL(), M: m, Today: gongzhi.DateOf(s.svc.Now())}
	for _, a := range m.Attendees {
		v.Attendees = append(v.Attendees, strings.TrimSpace(a.Name+" "+a.Role))
	}
	names := map[string]string{}
	if supervision.MayOversee(ac) {
		for _, o := range s.OrgOptions(r, lang)[1:] {
			names[o.Value] = o.Label
		}
		v.OrgOpts = s.OrgOptions(r, lang)
	}
	for _, o := range m.OrgIDs {
		if n := names[strconv.FormatInt(o, 10)]; n != "" {
			v.Orgs = append(v.Orgs, n)
		} else if supervision.OwnsAction(ac, o) {
			v.Orgs = append(v.Orgs, web.T(lang, "meeting.your_org"))
		}
	}
	base := "/meetings/" + strconv.FormatInt(id, 10)
	for _, x := range m.Actions {
		av := supActionView{Cells: supActionRow(lang, x, false)}
		if x.State == gongzhi.ActionOpen && supervision.MayCompleteAction(ac, x.OwnerOrgID) {
			av.Done = fs.Mini("done."+strconv.FormatInt(x.ID, 10), base+"/actions/"+strconv.FormatInt(x.ID, 10)+"/done", nil)
		}
		v.Actions = append(v.Actions, av)
	}
	if supervision.MayInspect(ac) {
		v.Add = fs.Mini("add", base+"/actions", map[string]string{"deadline": gongzhi.DateOf(s.svc.Now().AddDate(0, 0, 14))})
	}
	var e *gongzhi.Error
	if fs != nil {
		e, v.ErrText = fs.Err, web.OffErrText(lang, fs.Err)
	}
	s.Render(w, r, status, "supervision_meeting", &web.Page{Title: m.Title, Active: "/meetings", Data: v, Error: e})
	return nil
}

func (s *Server) supActionAdd(w http.ResponseWriter, r *http.Request) error {
	var in gongzhi.ActionInput
	id, err := s.DecodeAt(w, r, &in)
	if err != nil {
		return err
	}
	x, err := s.svc.AddMeetingAction(r.Context(), web.ActorOf(r), id, in)
	return s.supDone(w, r, x, err, "/meetings/"+strconv.FormatInt(id, 10), "sup.flash.action", func(fs *web.OffFormState) error {
		return s.supRenderMeeting(w, r, web.StatusOf[fs.Err.Code], id, fs)
	}, "add")
}

func (s *Server) supActionDone(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("action"), 10, 64)
	if err != nil {
		return gongzhi.NotFound()
	}
	var req supNoteReq
	if err := s.Decode(w, r, &req); err != nil {
		return err
	}
	x, err := s.svc.CompleteMeetingAction(r.Context(), web.ActorOf(r), id, aid, req.Note)
	return s.supDone(w, r, x, err, "/meetings/"+strconv.FormatInt(id, 10), "sup.flash.action_done", func(fs *web.OffFormState) error {
		return s.supRenderMeeting(w, r, web.StatusOf[fs.Err.Code], id, fs)
	}, "done."+strconv.FormatInt(aid, 10))
}
