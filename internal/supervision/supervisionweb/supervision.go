// Monthly supervision in the UI and the API: the overview of a month (inspections, rectification
// orders, talks, reports), an inspection with its checklist form and the ledger month beside it,
// a rectification order with the provider's answer and the inspector's verification, talks,
// joint meetings with their action items (supervision_meetings.go), the monthly report with its
// print layout, and the public pages of published reports (supervision_reports.go).

package supervisionweb

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/supervision"
	"gongzhi/internal/web"
)

func (s *Server) supervisionRoutes() {
	s.Handle("GET /supervision", web.Changed, s.OffWrap(s.supIndex))
	s.Handle("GET /supervision/inspections/{id}", web.Changed, s.OffWrap(s.supInspectionPage))
	s.Handle("POST /supervision/inspections/{id}", web.Changed, s.OffWrap(s.supInspectionRecord))
	s.Handle("POST /supervision/inspections/{id}/rectifications", web.Changed, s.OffWrap(s.supRectRaise))
	s.Handle("GET /supervision/rectifications/{id}", web.Changed, s.OffWrap(s.supRectPage))
	s.Handle("POST /supervision/rectifications/{id}/{move}", web.Changed, s.OffWrap(s.supRectMove))
	s.Handle("GET /supervision/rectifications/{id}/evidence/{sum}", web.Changed, s.OffWrap(s.supEvidenceGet))
	s.Handle("GET /supervision/talks/new", web.Changed, s.OffWrap(s.supTalkForm))
	s.Handle("POST /supervision/talks", web.Changed, s.OffWrap(s.supTalkSave))
	s.Handle("GET /supervision/talks/{id}", web.Changed, s.OffWrap(s.supTalkPage))
	s.Handle("GET /supervision/reports/{month}", web.Changed, s.OffWrap(s.supReportPage))
	s.Handle("POST /supervision/reports/{month}/{move}", web.Changed, s.OffWrap(s.supReportMove))
	s.Handle("GET /meetings", web.Changed, s.OffWrap(s.supMeetings))
	s.Handle("GET /meetings/new", web.Changed, s.OffWrap(s.supMeetingForm))
	s.Handle("POST /meetings", web.Changed, s.OffWrap(s.supMeetingSave))
	s.Handle("GET /meetings/{id}", web.Changed, s.OffWrap(s.supMeetingPage))
	s.Handle("POST /meetings/{id}/actions", web.Changed, s.OffWrap(s.supActionAdd))
	s.Handle("POST /meetings/{id}/actions/{action}/done", web.Changed, s.OffWrap(s.supActionDone))
	s.Handle("GET /public/supervision-reports", web.Public, s.OffWrap(s.supPublicList))
	s.Handle("GET /public/supervision-reports/{id}", web.Public, s.OffWrap(s.supPublicReport))

	s.Api("GET /api/v1/inspections", s.OffWrap(s.supAPIInspections))
	s.Api("GET /api/v1/inspections/{id}", s.OffWrap(s.supAPIInspection))
	s.Api("PUT /api/v1/inspections/{id}", s.OffWrap(s.supInspectionRecord))
	s.Api("POST /api/v1/inspections/{id}/rectifications", s.OffWrap(s.supRectRaise))
	s.Api("GET /api/v1/rectifications", s.OffWrap(s.supAPIRects))
	s.Api("GET /api/v1/rectifications/{id}", s.OffWrap(s.supAPIRect))
	s.Api("GET /api/v1/rectifications/{id}/history", s.OffWrap(s.supAPIRectHistory))
	s.Api("POST /api/v1/rectifications/{id}/answer", s.OffWrap(s.supRectMove))
	s.Api("POST /api/v1/rectifications/{id}/evidence", s.OffWrap(s.supEvidenceUpload))
	s.Api("GET /api/v1/rectifications/{id}/evidence/{sum}", s.OffWrap(s.supEvidenceGet))
	s.Api("POST /api/v1/rectifications/{id}/verify", s.OffWrap(s.supRectMove))
	s.Api("POST /api/v1/rectifications/{id}/reopen", s.OffWrap(s.supRectMove))
	s.Api("POST /api/v1/rectifications/{id}/extend", s.OffWrap(s.supRectMove))
	s.Api("GET /api/v1/talks", s.OffWrap(s.supAPITalks))
	s.Api("POST /api/v1/talks", s.OffWrap(s.supTalkSave))
	s.Api("GET /api/v1/talks/{id}", s.OffWrap(s.supAPITalk))
	s.Api("GET /api/v1/supervision-reports", s.OffWrap(s.supAPIReports))
	s.Api("POST /api/v1/supervision-reports", s.OffWrap(s.supAPIReportGenerate))
	s.Api("GET /api/v1/supervision-reports/{id}", s.OffWrap(s.supAPIReport))
	s.Api("PUT /api/v1/supervision-reports/{id}", s.OffWrap(s.supAPIReportEdit))
	s.Api("POST /api/v1/supervision-reports/{id}/publish", s.OffWrap(s.supAPIReportPublish))
	s.Api("GET /api/v1/meetings", s.OffWrap(s.supAPIMeetings))
	s.Api("POST /api/v1/meetings", s.OffWrap(s.supMeetingSave))
	s.Api("GET /api/v1/meetings/{id}", s.OffWrap(s.supAPIMeeting))
	s.Api("POST /api/v1/meetings/{id}/actions", s.OffWrap(s.supActionAdd))
	s.Api("POST /api/v1/meetings/{id}/actions/{action}/done", s.OffWrap(s.supActionDone))
	s.ApiPublic("GET /api/v1/public/supervision-reports", s.OffWrap(s.supPublicList))
	s.ApiPublic("GET /api/v1/public/supervision-reports/{id}", s.OffWrap(s.supPublicReport))
}

// API request bodies.
type (
	supAnswerReq struct {
		Answer   string   `json:"answer"`
		Evidence []string `json:"evidence"`
	}
	supNoteReq struct {
		Note string `json:"note"`
	}
	supReasonReq struct {
		Reason string `json:"reason"`
	}
	supExtendReq struct {
		Deadline string `json:"deadline"`
		Reason   string `json:"reason"`
	}
	supEvidence struct {
		SHA256      string `json:"sha256"`
		Size        int64  `json:"size"`
		ContentType string `json:"content_type"`
	}
	supMonthReq struct {
		Month string `json:"month"`
	}
	supReportEditReq struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	}
)

var (
	supInspectionFilters = []string{"month", "state", "contract", "overdue"}
	supRectFilters       = []string{"state", "contract", "inspection", "talk", "month", "escalated", "overdue"}
	supTalkFilters       = []string{"month", "contract"}
)

func supervisionAPIDocs() map[string]web.ApiDoc {
	return map[string]web.ApiDoc{
		"GET /api/v1/inspections":                          {Summary: "List monthly inspections within your scope (a scheduled job creates each month's, due on the 25th; a read creates nothing). A provider sees its own once done. overdue=YYYY-MM-DD lists those due before that day and not done", Resp: gongzhi.Inspection{}, List: true, Filters: supInspectionFilters},
		"GET /api/v1/inspections/{id}":                     {Summary: "Get one inspection with its checklist", Resp: gongzhi.Inspection{}},
		"PUT /api/v1/inspections/{id}":                     {Summary: "Record an inspection: progress against plan, difficulties, results and the checklist's findings (hub, purchaser)", Req: gongzhi.InspectionRecord{}, Resp: gongzhi.Inspection{}},
		"POST /api/v1/inspections/{id}/rectifications":     {Summary: "Raise a rectification order from a finding of a recorded inspection (hub, purchaser)", Req: gongzhi.RectificationOrder{}, Resp: gongzhi.Rectification{}, Status: http.StatusCreated},
		"GET /api/v1/rectifications":                       {Summary: "List rectification orders within your scope (a provider: its own); overdue open orders are escalated first. state=active lists those not closed", Resp: gongzhi.Rectification{}, List: true, Filters: supRectFilters},
		"GET /api/v1/rectifications/{id}":                  {Summary: "Get one rectification order", Resp: gongzhi.Rectification{}},
		"GET /api/v1/rectifications/{id}/history":          {Summary: "A rectification order's state history", Resp: web.ItemsOf[gongzhi.StateChange]{}},
		"POST /api/v1/rectifications/{id}/answer":          {Summary: "Answer a rectification order (the provider it is addressed to)", Req: supAnswerReq{}, Resp: gongzhi.Rectification{}},
		"POST /api/v1/rectifications/{id}/evidence":        {Summary: "Upload an evidence file (picture or PDF, at most 10 MiB) for your answer to an open order; send its sha256 in the answer's evidence (the provider it is addressed to)", Upload: true, Resp: supEvidence{}, Status: http.StatusCreated},
		"GET /api/v1/rectifications/{id}/evidence/{sum}":   {Summary: "Download an evidence file of an order", Binary: true},
		"POST /api/v1/rectifications/{id}/verify":          {Summary: "Verify an answered order and close it (hub, purchaser); an order never answered cannot be closed", Req: supNoteReq{}, Resp: gongzhi.Rectification{}},
		"POST /api/v1/rectifications/{id}/reopen":          {Summary: "Reopen an answered order with a reason (hub, purchaser)", Req: supReasonReq{}, Resp: gongzhi.Rectification{}},
		"POST /api/v1/rectifications/{id}/extend":          {Summary: "Set a new deadline, with a reason, on an order not closed, typically one escalated to the street office (purchaser); the order stays in its state, the escalation flag is cleared and the history gets a line \"extended\" with the note rect_extended (the new deadline, the reason)", Req: supExtendReq{}, Resp: gongzhi.Rectification{}},
		"GET /api/v1/talks":                                {Summary: "List one-to-one talks within your scope (a provider: its own)", Resp: gongzhi.Talk{}, List: true, Filters: supTalkFilters},
		"POST /api/v1/talks":                               {Summary: "Record a talk with attendees, reason and conclusions, and optionally a follow-up rectification order (hub, purchaser)", Req: gongzhi.TalkInput{}, Resp: gongzhi.Talk{}, Status: http.StatusCreated},
		"GET /api/v1/talks/{id}":                           {Summary: "Get one talk", Resp: gongzhi.Talk{}},
		"GET /api/v1/supervision-reports":                  {Summary: "List your place's monthly supervision reports (purchaser, hub, auditor)", Resp: gongzhi.SupervisionReport{}, List: true, Filters: []string{"state", "month"}},
		"POST /api/v1/supervision-reports":                 {Summary: "Generate or regenerate your place's report of a month from its records (hub, purchaser; not once published)", Req: supMonthReq{}, Resp: gongzhi.SupervisionReport{}},
		"GET /api/v1/supervision-reports/{id}":             {Summary: "Get one monthly supervision report", Resp: gongzhi.SupervisionReport{}},
		"PUT /api/v1/supervision-reports/{id}":             {Summary: "Edit a draft report's title and narrative (hub, purchaser)", Req: supReportEditReq{}, Resp: gongzhi.SupervisionReport{}},
		"POST /api/v1/supervision-reports/{id}/publish":    {Summary: "Publish a report (hub, purchaser); refused if its text holds personal data", Resp: gongzhi.SupervisionReport{}},
		"GET /api/v1/meetings":                             {Summary: "List joint meetings within your scope (a provider: those it attended or owns an action of)", Resp: gongzhi.Meeting{}, List: true, Filters: []string{"month"}},
		"POST /api/v1/meetings":                            {Summary: "Record a joint meeting with attendees, minutes, decisions and action items (hub, purchaser)", Req: gongzhi.MeetingInput{}, Resp: gongzhi.Meeting{}, Status: http.StatusCreated},
		"GET /api/v1/meetings/{id}":                        {Summary: "Get one meeting with its action items", Resp: gongzhi.Meeting{}},
		"POST /api/v1/meetings/{id}/actions":               {Summary: "Add an action item with its owner and deadline (hub, purchaser)", Req: gongzhi.ActionInput{}, Resp: gongzhi.MeetingAction{}, Status: http.StatusCreated},
		"POST /api/v1/meetings/{id}/actions/{action}/done": {Summary: "Mark an action item done with a note (hub, purchaser, or the provider that owns it)", Req: supNoteReq{}, Resp: gongzhi.MeetingAction{}},
		"GET /api/v1/public/supervision-reports":           {Summary: "Published monthly supervision reports (no account needed)", Public: true, List: true, Resp: gongzhi.SupervisionReport{}, Filters: []string{"month"}},
		"GET /api/v1/public/supervision-reports/{id}":      {Summary: "One published monthly supervision report (no account needed)", Public: true, Resp: gongzhi.SupervisionReport{}},
	}
}

// ---- helpers

func supHref(kind string, id int64) string {
	return "/supervision/" + kind + "/" + strconv.FormatInt(id, 10)
}

// supMonth is the month asked for, or the current one.
func (s *Server) supMonth(v string) string {
	if _, ok := gongzhi.ParseMonth(v); ok {
		return v
	}
	return gongzhi.MonthOf(s.svc.Now())
}

func supShiftMonth(m string, n int) string {
	t, _ := gongzhi.ParseMonth(m)
	return gongzhi.MonthOf(t.AddDate(0, n, 0))
}

// supDone ends a move: JSON for the API; for the UI a redirect with a flash, or the page again
// with the refusal beside the form that was sent.
func (s *Server) supDone(w http.ResponseWriter, r *http.Request, res any, err error, to, flash string,
	again func(fs *web.OffFormState) error, key string) error {
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		status := http.StatusOK
		if r.Method == http.MethodPost && (strings.HasSuffix(r.URL.Path, "/rectifications") || r.URL.Path == "/api/v1/talks" ||
			r.URL.Path == "/api/v1/meetings" || strings.HasSuffix(r.URL.Path, "/actions")) {
			status = http.StatusCreated
		}
		web.WriteJSON(w, status, res)
		return nil
	}
	if e, ok := web.OffFormError(err); ok {
		return again(&web.OffFormState{Key: key, Err: e, Vals: r.PostForm, Lang: web.LangOf(r)})
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, to, web.T(web.LangOf(r), flash))
}

// supDecodeInput reads a record's input: the JSON body as it is on the API; otherwise the page's
// form, kept in form for the page shown again, turned into the input by convert.
func supDecodeInput[In, Form any](s *Server, w http.ResponseWriter, r *http.Request, in *In, form *Form, convert func(*Form) In) error {
	if web.IsAPIPath(r) {
		return s.Decode(w, r, in)
	}
	if err := s.Decode(w, r, form); err != nil {
		return err
	}
	*in = convert(form)
	return nil
}

// supAttendeeErrs is a form's field errors, with an error on one attendee shown on the
// attendees field.
func supAttendeeErrs(lang string, e *gongzhi.Error) map[string]string {
	errs := web.OffFieldErrs(lang, e)
	for k, v := range errs {
		if strings.HasPrefix(k, "attendees.") {
			errs["attendees"] = v
		}
	}
	return errs
}

// ledgerMonthFor is the service ledger's month of a contract, shown beside the inspection form
// as label/value lines (entries, participant visits, distinct people, volunteer hours, evidence
// files), the entries linking to the contract's ledger. None when the caller may not read the
// contract's ledger (the page then says so); any other failure is the page's.
func (s *Server) ledgerMonthFor(ctx context.Context, ac *gongzhi.Actor, lang string, contractID int64, month string) ([]web.Kv, error) {
	m, err := s.svc.LedgerMonth(ctx, ac, contractID, month)
	switch gongzhi.ErrorCode(err) {
	case "":
	case gongzhi.ENOTFOUND, gongzhi.EFORBIDDEN:
		return nil, nil
	default:
		return nil, err
	}
	return []web.Kv{
		{Label: web.T(lang, "ledger.entries"), Value: strconv.Itoa(m.Entries), Href: "/ledger/contracts/" + strconv.FormatInt(contractID, 10)},
		{Label: web.T(lang, "ledger.visits"), Value: strconv.FormatInt(m.Visits, 10)},
		{Label: web.T(lang, "ledger.people"), Value: strconv.FormatInt(m.People, 10)},
		{Label: web.T(lang, "ledger.volunteer_hours"), Value: strconv.FormatFloat(m.VolunteerHours, 'f', -1, 64)},
		{Label: web.T(lang, "ledger.evidence_count"), Value: strconv.Itoa(m.Evidence)},
	}, nil
}

// ---- the overview

// supInspectionsShown is how many inspections a page of the supervision page lists.
const supInspectionsShown = 100

type supIndexView struct {
	CSS               string
	Month, Prev, Next string
	Inspections       [][]web.Cell
	// InspectionsPrev and InspectionsNext link the pages of inspections ("" for none)
	InspectionsPrev, InspectionsNext string
	Rects                            [][]web.Cell
	RectFilter                       string
	RectFilters                      []web.ActionLink
	Talks                            [][]web.Cell
	Reports                          [][]web.Cell
	ReportHref                       string
	Inspector, Staff                 bool
	OverdueOnly                      bool
	InspectionsNote                  string
	MeetingsHref                     string
	PublicReportsHref                string
}

func (s *Server) supIndex(w http.ResponseWriter, r *http.Request) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	if !supervision.MayReadSupervision(ac) {
		return gongzhi.Forbidden()
	}
	q := r.URL.Query()
	month := s.supMonth(q.Get("month"))
	v := &supIndexView{CSS: web.OfficeCSSURL(), Month: month, Prev: supShiftMonth(month, -1), Next: supShiftMonth(month, 1),
		Inspector: supervision.MayInspect(ac), Staff: supervision.MayOversee(ac), OverdueOnly: q.Get("overdue") == "1", MeetingsHref: "/meetings",
		PublicReportsHref: "/public/supervision-reports", RectFilter: q.Get("rect")}
	today := gongzhi.DateOf(s.svc.Now())
	f := map[string]string{"month": month}
	if v.OverdueOnly {
		f = map[string]string{"overdue": today}
	}
	// a page of supInspectionsShown inspections (?ipage=), not every contract of the scope at once
	ipage, _ := strconv.Atoi(q.Get("ipage"))
	ipage = max(1, ipage)
	pageHref := func(n int) string {
		qq := url.Values{"ipage": {strconv.Itoa(n)}}
		for _, k := range []string{"month", "overdue", "rect"} {
			if v := q.Get(k); v != "" {
				qq.Set(k, v)
			}
		}
		return "/supervision?" + qq.Encode()
	}
	if ipage > 1 {
		v.InspectionsPrev = pageHref(ipage - 1)
	}
	nIns, err := s.svc.Inspections(ctx, ac, gongzhi.ListOptions{Filters: f, Sort: "title", Limit: supInspectionsShown, Offset: (ipage - 1) * supInspectionsShown}, func(in *gongzhi.Inspection) error {
		state := web.T(lang, "inspection.state."+in.State)
		if in.Overdue {
			state = web.T(lang, "sup.overdue")
		}
		v.Inspections = append(v.Inspections, []web.Cell{{Text: in.ContractTitle, Href: supHref("inspections", in.ID)}, {Text: in.ProviderName},
			{Text: in.Month}, {Text: in.DueOn}, {Text: state, Class: "s-" + supStateClass(in.State, in.Overdue)},
			{Text: supPct(in)}, {Text: strconv.Itoa(in.Findings()), Class: "num"}})
		return nil
	})
	if err != nil {
		return err
	}
	if nIns > ipage*supInspectionsShown {
		v.InspectionsNext = pageHref(ipage + 1)
	}
	// rectifications
	rf := map[string]string{"state": "active"}
	switch v.RectFilter {
	case "open", "answered", "closed":
		rf = map[string]string{"state": v.RectFilter}
	case "escalated":
		rf = map[string]string{"escalated": "1"}
	case "overdue":
		rf = map[string]string{"overdue": today}
	case "all":
		rf = nil
	default:
		v.RectFilter = "active"
	}
	for _, k := range []string{"active", "open", "answered", "escalated", "overdue", "closed", "all"} {
		v.RectFilters = append(v.RectFilters, web.ActionLink{Label: web.T(lang, "sup.rect_filter."+k), Href: "/supervision?month=" + month + "&rect=" + k + "#rectifications",
			Danger: k == v.RectFilter})
	}
	if _, err := s.svc.Rectifications(ctx, ac, gongzhi.ListOptions{Filters: rf, Limit: 100}, func(x *gongzhi.Rectification) error {
		v.Rects = append(v.Rects, supRectRow(lang, x))
		return nil
	}); err != nil {
		return err
	}
	if _, err := s.svc.Talks(ctx, ac, gongzhi.ListOptions{Filters: map[string]string{"month": month}}, func(t *gongzhi.Talk) error {
		v.Talks = append(v.Talks, []web.Cell{{Text: t.Date, Href: supHref("talks", t.ID)}, {Text: t.ContractTitle}, {Text: t.ProviderName},
			{Text: web.OffTruncate(t.Reason, 40)}})
		return nil
	}); err != nil {
		return err
	}
	if v.Staff {
		v.ReportHref = "/supervision/reports/" + month
		if _, err := s.svc.SupervisionReports(ctx, ac, gongzhi.ListOptions{Limit: 24}, func(rep *gongzhi.SupervisionReport) error {
			v.Reports = append(v.Reports, []web.Cell{{Text: rep.Month, Href: "/supervision/reports/" + rep.Month}, {Text: rep.Title},
				{Text: web.T(lang, "report.state."+rep.State), Class: "s-" + rep.State}, {Text: web.OffShowTime(rep.GeneratedAt)}})
			return nil
		}); err != nil {
			return err
		}
	}
	s.Render(w, r, http.StatusOK, "supervision_index", &web.Page{Title: web.T(lang, "nav.supervision"), Active: "/supervision", Data: v})
	return nil
}

func supStateClass(state string, overdue bool) string {
	if overdue {
		return "rejected"
	}
	if state == gongzhi.InspectionDue {
		return "pending"
	}
	return "signed"
}

func supPct(in *gongzhi.Inspection) string {
	if in.State != gongzhi.InspectionDone {
		return "—"
	}
	return strconv.Itoa(in.ProgressPct) + "%"
}

func supRectRow(lang string, x *gongzhi.Rectification) []web.Cell {
	state := web.T(lang, "rect.state."+x.State)
	class := map[string]string{gongzhi.RectOpen: "pending", gongzhi.RectAnswered: "submitted", gongzhi.RectClosed: "signed"}[x.State]
	if x.Overdue {
		state += " · " + web.T(lang, "sup.overdue")
		class = "rejected"
	}
	if x.Escalated && x.State != gongzhi.RectClosed {
		state += " · " + web.T(lang, "rect.escalated")
		class = "rejected"
	}
	return []web.Cell{{Text: "#" + strconv.FormatInt(x.ID, 10), Href: supHref("rectifications", x.ID)}, {Text: x.ContractTitle},
		{Text: x.ProviderName}, {Text: web.OffTruncate(x.Requirement, 40)}, {Text: x.Deadline}, {Text: state, Class: "s-" + class}}
}

// ---- an inspection

type supCheckRow struct {
	Key, Label, Result, Severity, Note, Err string
	Finding                                 bool
	Raise                                   *web.OffMiniForm
}

type supInspectionView struct {
	CSS          string
	Ins          *gongzhi.Inspection
	State        string
	StateClass   string
	ContractHref string
	Ledger       []web.Kv
	LedgerNote   string
	Checks       []supCheckRow
	Form         *web.OffMiniForm
	CanRecord    bool
	Severities   []web.Option
	Results      []web.Option
	Rects        [][]web.Cell
	ErrText      string
	Today        string
	Deadline     string
}

func (s *Server) supInspectionPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.supRenderInspection(w, r, http.StatusOK, id, nil)
}

func (s *Server) supAPIInspection(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, s.svc.Inspection)
}

func (s *Server) supAPIInspections(w http.ResponseWriter, r *http.Request) error {
	return web.ListJSON(w, r, supInspectionFilters, web.ListOf(r.Context(), web.ActorOf(r), s.svc.Inspections))
}

func (s *Server) supRenderInspection(w http.ResponseWriter, r *http.Request, status int, id int64, fs *web.OffFormState) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	in, err := s.svc.Inspection(ctx, ac, id)
	if err != nil {
		return err
	}
	today := gongzhi.DateOf(s.svc.Now())
	v := &supInspectionView{CSS: web.OfficeCSSURL(), Ins: in, State: web.T(lang, "inspection.state."+in.State),
		StateClass: supStateClass(in.State, in.Overdue), ContractHref: web.OffContractHref(in.ContractID), CanRecord: supervision.MayInspect(ac),
		Today: today, Deadline: gongzhi.DateOf(s.svc.Now().AddDate(0, 0, 14))}
	if in.Overdue {
		v.State = web.T(lang, "sup.overdue")
	}
	if v.Ledger, err = s.ledgerMonthFor(ctx, ac, lang, in.ContractID, in.Month); err != nil {
		return err
	}
	if v.Ledger == nil {
		v.LedgerNote = web.T(lang, "sup.ledger_none")
	}
	for _, sv := range gongzhi.Severities {
		v.Severities = append(v.Severities, web.Option{Value: sv, Label: web.T(lang, "severity."+sv)})
	}
	v.Results = []web.Option{{Value: gongzhi.CheckOK, Label: web.T(lang, "check.result.ok")}, {Value: gongzhi.CheckFinding, Label: web.T(lang, "check.result.finding")}}
	defaults := map[string]string{"inspected_on": in.InspectedOn, "progress_pct": strconv.Itoa(in.ProgressPct), "progress": in.Progress,
		"difficulties": in.Difficulties, "results": in.Results}
	if in.InspectedOn == "" {
		defaults["inspected_on"] = today
	}
	recorded := map[string]gongzhi.CheckItem{}
	for _, c := range in.Checklist {
		recorded[c.Key] = c
	}
	for i, k := range gongzhi.DefaultChecklist {
		c, ok := recorded[k]
		if !ok {
			c = gongzhi.CheckItem{Key: k, Result: gongzhi.CheckOK}
		}
		defaults["result."+k], defaults["severity."+k], defaults["note."+k] = c.Result, c.Severity, c.Note
		row := supCheckRow{Key: k, Label: web.T(lang, "check."+k), Result: web.T(lang, "check.result."+c.Result), Severity: c.Severity,
			Note: c.Note, Finding: c.Result == gongzhi.CheckFinding}
		if row.Severity != "" {
			row.Severity = web.T(lang, "severity."+c.Severity)
		}
		if fs != nil && fs.Key == "record" {
			for _, suffix := range []string{"", ".severity", ".note"} {
				if reason, ok := fs.Err.Fields["checklist."+strconv.Itoa(i)+suffix]; ok {
					row.Err = web.T(lang, web.OffLocalReason(lang, reason))
				}
			}
		}
		if row.Finding && in.State == gongzhi.InspectionDone && v.CanRecord {
			row.Raise = fs.Mini("raise."+k, supHref("inspections", id)+"/rectifications", map[string]string{"check_key": k, "deadline": v.Deadline,
				"requirement": c.Note})
		}
		v.Checks = append(v.Checks, row)
	}
	v.Form = fs.Mini("record", supHref("inspections", id), defaults)
	if _, err := s.svc.Rectifications(ctx, ac, gongzhi.ListOptions{Filters: map[string]string{"inspection": strconv.FormatInt(id, 10)}},
		func(x *gongzhi.Rectification) error { v.Rects = append(v.Rects, supRectRow(lang, x)); return nil }); err != nil {
		return err
	}
	var e *gongzhi.Error
	if fs != nil {
		e, v.ErrText = fs.Err, web.OffErrText(lang, fs.Err)
	}
	s.Render(w, r, status, "supervision_inspection", &web.Page{Title: in.ContractTitle + " · " + in.Month, Active: "/supervision", Data: v, Error: e})
	return nil
}

// supRecordOf reads an inspection record from the form: result.KEY, severity.KEY, note.KEY per
// checklist item.
func supRecordOf(r *http.Request) (gongzhi.InspectionRecord, gongzhi.FieldErrors) {
	f := gongzhi.FieldErrors{}
	rec := gongzhi.InspectionRecord{InspectedOn: r.PostForm.Get("inspected_on"), Progress: r.PostForm.Get("progress"),
		Difficulties: r.PostForm.Get("difficulties"), Results: r.PostForm.Get("results")}
	if p := strings.TrimSpace(r.PostForm.Get("progress_pct")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			f.Add("progress_pct", "number")
		}
		rec.ProgressPct = n
	}
	for _, k := range gongzhi.DefaultChecklist {
		res := r.PostForm.Get("result." + k)
		if res == "" {
			res = gongzhi.CheckOK
		}
		rec.Checklist = append(rec.Checklist, gongzhi.CheckItem{Key: k, Result: res, Severity: r.PostForm.Get("severity." + k),
			Note: r.PostForm.Get("note." + k)})
	}
	return rec, f
}

func (s *Server) supInspectionRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var rec gongzhi.InspectionRecord
	if web.IsAPIPath(r) {
		if err := s.Decode(w, r, &rec); err != nil {
			return err
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return gongzhi.Invalid("form", "bad_text")
		}
		var f gongzhi.FieldErrors
		rec, f = supRecordOf(r)
		if err := f.Err(); err != nil {
			return s.supDone(w, r, nil, err, "", "", func(fs *web.OffFormState) error {
				return s.supRenderInspection(w, r, http.StatusUnprocessableEntity, id, fs)
			}, "record")
		}
	}
	in, err := s.svc.RecordInspection(r.Context(), web.ActorOf(r), id, rec)
	return s.supDone(w, r, in, err, supHref("inspections", id), "sup.flash.recorded", func(fs *web.OffFormState) error {
		return s.supRenderInspection(w, r, web.StatusOf[fs.Err.Code], id, fs)
	}, "record")
}

func (s *Server) supRectRaise(w http.ResponseWriter, r *http.Request) error {
	var o gongzhi.RectificationOrder
	id, err := s.DecodeAt(w, r, &o)
	if err != nil {
		return err
	}
	x, err := s.svc.RaiseRectification(r.Context(), web.ActorOf(r), id, o)
	to := ""
	if x != nil {
		to = supHref("rectifications", x.ID)
	}
	return s.supDone(w, r, x, err, to, "sup.flash.raised", func(fs *web.OffFormState) error {
		return s.supRenderInspection(w, r, web.StatusOf[fs.Err.Code], id, fs)
	}, "raise."+o.CheckKey)
}

// ---- a rectification order

type supRectView struct {
	CSS            string
	X              *gongzhi.Rectification
	State          string
	StateClass     string
	Check          string
	Severity       string
	InspectionHref string
	TalkHref       string
	Answer         *web.OffMiniForm
	AnswerFile     *web.UploadWidget // the answer's evidence file (the shared upload field)
	Verify         *web.OffMiniForm
	Reopen         *web.OffMiniForm
	Extend         *web.OffMiniForm
	TalkNewHref    string
	History        []web.HistoryRow
	Evidence       []web.Kv
	ErrText        string
}

func (s *Server) supRectPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.supRenderRect(w, r, http.StatusOK, id, nil)
}

func (s *Server) supAPIRect(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, s.svc.Rectification)
}

func (s *Server) supAPIRects(w http.ResponseWriter, r *http.Request) error {
	return web.ListJSON(w, r, supRectFilters, web.ListOf(r.Context(), web.ActorOf(r), s.svc.Rectifications))
}

func (s *Server) supAPIRectHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	hs, err := s.svc.RectificationHistory(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if hs == nil {
		hs = []gongzhi.StateChange{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.StateChange]{Items: web.WithNoteTexts(web.LangOf(r), hs)})
	return nil
}

func (s *Server) supRenderRect(w http.ResponseWriter, r *http.Request, status int, id int64, fs *web.OffFormState) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	x, err := s.svc.Rectification(ctx, ac, id)
	if err != nil {
		return err
	}
	hs, err := s.svc.RectificationHistory(ctx, ac, id)
	if err != nil {
		return err
	}
	row := supRectRow(lang, x)
	v := &supRectView{CSS: web.OfficeCSSURL(), X: x, State: row[5].Text, StateClass: strings.TrimPrefix(row[5].Class, "s-"),
		Severity: web.T(lang, "severity."+x.Severity), History: supHistory(lang, hs)}
	if x.CheckKey != "" {
		v.Check = web.T(lang, "check."+x.CheckKey)
	}
	for i, e := range x.Evidence {
		v.Evidence = append(v.Evidence, web.Kv{Label: web.T(lang, "rect.evidence_n:"+strconv.Itoa(i+1)), Value: e[:12] + "…",
			Href: supHref("rectifications", id) + "/evidence/" + e})
	}
	if x.InspectionID != 0 {
		v.InspectionHref = supHref("inspections", x.InspectionID)
	}
	if x.TalkID != 0 {
		v.TalkHref = supHref("talks", x.TalkID)
	}
	base := supHref("rectifications", id)
	if supervision.MayAnswerRectifications(ac) && x.State == gongzhi.RectOpen {
		v.Answer = fs.Mini("answer", base+"/answer", nil)
		v.AnswerFile = &web.UploadWidget{Label: web.T(lang, "rect.evidence_file:"+web.SizeText(s.UploadLimit(gongzhi.MaxEvidenceSize))),
			Accept: supEvidenceAccept, Optional: true, Error: v.Answer.E("file")}
	}
	if supervision.MayInspect(ac) && x.State == gongzhi.RectAnswered {
		v.Verify = fs.Mini("verify", base+"/verify", nil)
		v.Reopen = fs.Mini("reopen", base+"/reopen", nil)
	}
	if supervision.MayExtendRectifications(ac) && x.State != gongzhi.RectClosed {
		v.Extend = fs.Mini("extend", base+"/extend", nil)
		v.TalkNewHref = "/supervision/talks/new?contract=" + strconv.FormatInt(x.ContractID, 10)
	}
	var e *gongzhi.Error
	if fs != nil {
		e, v.ErrText = fs.Err, web.OffErrText(lang, fs.Err)
	}
	s.Render(w, r, status, "supervision_rect", &web.Page{Title: web.T(lang, "rect.title") + " #" + strconv.FormatInt(id, 10), Active: "/supervision", Data: v, Error: e})
	return nil
}

// supHistory is a record's state history as timeline lines.
func supHistory(lang string, hs []gongzhi.StateChange) []web.HistoryRow {
	out := make([]web.HistoryRow, 0, len(hs))
	for _, h := range hs {
		who := h.Username
		switch {
		case h.Username == "system" && h.Role == gongzhi.RoleSysAdmin: // the rules' own moves, such as escalation
			who = web.T(lang, "complaint.by_system")
		case h.Role != "":
			who += web.T(lang, "p.open") + web.T(lang, "role."+h.Role) + web.T(lang, "p.close")
		}
		prefix := map[string]string{"rectification": "rect.state.", "meeting_action": "action.state.", "supervision_report": "report.state.",
			"inspection": "inspection.state."}[h.Entity]
		name := func(st string) string {
			if k := prefix + st; web.T(lang, k) != k {
				return web.T(lang, k)
			}
			if st == "escalated" || st == "extended" {
				return web.T(lang, "rect."+st)
			}
			return st
		}
		move := name(h.To)
		if h.From != "" {
			move = name(h.From) + " → " + move
		}
		row := web.HistoryRow{At: h.At, Who: who, Action: move}
		if t := web.NoteText(lang, h.Note); t != "" {
			row.Changes = []string{t}
		}
		out = append(out, row)
	}
	return out
}

func (s *Server) supRectMove(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	move := r.PathValue("move")
	if web.IsAPIPath(r) {
		move = r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
	}
	ac, ctx := web.ActorOf(r), r.Context()
	var x *gongzhi.Rectification
	switch move {
	case "answer":
		var req supAnswerReq
		if err := s.Decode(w, r, &req); err != nil {
			return err
		}
		if !web.IsAPIPath(r) && (web.UploadCut(r) || r.MultipartForm != nil && len(r.MultipartForm.File["file"]) > 0) {
			ev, ferr := s.supStoreEvidence(w, r, id)
			if ferr != nil {
				err = ferr
				break
			}
			req.Evidence = append(req.Evidence, ev.SHA256)
		}
		x, err = s.svc.AnswerRectification(ctx, ac, id, req.Answer, req.Evidence)
	case "verify":
		var req supNoteReq
		if err := s.Decode(w, r, &req); err != nil {
			return err
		}
		x, err = s.svc.VerifyRectification(ctx, ac, id, req.Note)
	case "reopen":
		var req supReasonReq
		if err := s.Decode(w, r, &req); err != nil {
			return err
		}
		x, err = s.svc.ReopenRectification(ctx, ac, id, req.Reason)
	case "extend":
		var req supExtendReq
		if err := s.Decode(w, r, &req); err != nil {
			return err
		}
		x, err = s.svc.ExtendRectification(ctx, ac, id, req.Deadline, req.Reason)
	default:
		return gongzhi.NotFound()
	}
	return s.supDone(w, r, x, err, supHref("rectifications", id), "sup.flash."+move, func(fs *web.OffFormState) error {
		return s.supRenderRect(w, r, web.StatusOf[fs.Err.Code], id, fs)
	}, move)
}

// supEvidenceAccept is what the evidence file input offers to choose (gongzhi.EvidenceExts).
const supEvidenceAccept = ".jpg,.jpeg,.png,.gif,.webp,.pdf"

// supStoreEvidence stores the request's "file" as evidence for an order the caller may answer:
// a picture or a PDF by its extension and its bytes, at most MaxEvidenceSize (10 MiB), like ledger evidence.
func (s *Server) supStoreEvidence(w http.ResponseWriter, r *http.Request, id int64) (*supEvidence, error) {
	if err := s.svc.CanAnswerRectification(r.Context(), web.ActorOf(r), id); err != nil {
		return nil, err
	}
	up, err := s.ReceiveUpload(w, r, s.UploadLimit(gongzhi.MaxEvidenceSize), func(name string) bool {
		return slices.Contains(gongzhi.EvidenceExts, strings.ToLower(filepath.Ext(name)))
	}, "rect.evidence_type")
	if err != nil {
		return nil, err
	}
	return &supEvidence{SHA256: up.SHA256, Size: up.Size, ContentType: up.ContentType}, nil
}

func (s *Server) supEvidenceUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ev, err := s.supStoreEvidence(w, r, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, ev)
	return nil
}

// supEvidenceGet sends an evidence file of an order to whoever may see the order.
func (s *Server) supEvidenceGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	x, err := s.svc.Rectification(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	sum := r.PathValue("sum")
	if !slices.Contains(x.Evidence, sum) {
		return gongzhi.NotFound()
	}
	f, err := s.Files.Open(sum)
	if err != nil {
		return gongzhi.NotFound()
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := f.Read(head)
	if _, err := f.Seek(0, 0); err != nil {
		return err
	}
	w.Header().Set("Content-Type", http.DetectContentType(head[:n]))
	w.Header().Set("X-Content-SHA256", sum)
	http.ServeContent(w, r, "", x.AnsweredAt, f)
	return nil
}

// ---- talks

func (s *Server) supAPITalks(w http.ResponseWriter, r *http.Request) error {
	return web.ListJSON(w, r, supTalkFilters, web.ListOf(r.Context(), web.ActorOf(r), s.svc.Talks))
}

func (s *Server) supAPITalk(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, s.svc.Talk)
}

// supTalkForm is the form that records a talk.
type supTalkForm struct {
	Date        string `json:"date"`
	ContractID  int64  `json:"contract_id"`
	Attendees   string `json:"attendees"`
	Reason      string `json:"reason"`
	Conclusions string `json:"conclusions"`
	Requirement string `json:"requirement"`
	Deadline    string `json:"deadline"`
}

func (s *Server) supTalkForm(w http.ResponseWriter, r *http.Request) error {
	if !supervision.MayInspect(web.ActorOf(r)) {
		return gongzhi.Forbidden()
	}
	c, _ := strconv.ParseInt(r.URL.Query().Get("contract"), 10, 64)
	return s.supRenderTalkForm(w, r, http.StatusOK, supTalkForm{Date: gongzhi.DateOf(s.svc.Now()), ContractID: c}, nil)
}

func (s *Server) supRenderTalkForm(w http.ResponseWriter, r *http.Request, status int, in supTalkForm, e *gongzhi.Error) error {
	lang := web.LangOf(r)
	errs := supAttendeeErrs(lang, e)
	// every contract in force within the inspector's scope: the scope bounds them
	contracts := []web.Option{{Value: "", Label: "—"}}
	if _, err := s.svc.Contracts(r.Context(), web.ActorOf(r), gongzhi.ListOptions{Filters: map[string]string{"state": gongzhi.ContractSigned}},
		func(c *gongzhi.Contract) error {
			contracts = append(contracts, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Title + " · " + c.ProviderName})
			return nil
		}); err != nil {
		return err
	}
	cid := ""
	if in.ContractID != 0 {
		cid = strconv.FormatInt(in.ContractID, 10)
	}
	fv := &web.FormView{Action: "/supervision/talks", Cancel: "/supervision", Submit: web.T(lang, "action.save"), Intro: web.T(lang, "talk.intro"), Fields: []web.Field{
		{Name: "date", Label: web.T(lang, "talk.date"), Type: "date", Value: in.Date, Error: errs["date"], Required: true},
		{Name: "contract_id", Label: web.T(lang, "sup.contract"), Type: "select", Value: cid, Options: contracts, Error: errs["contract_id"], Required: true},
		{Name: "attendees", Label: web.T(lang, "talk.attendees"), Type: "textarea", Value: in.Attendees, Error: errs["attendees"], Required: true, Wide: true, Help: web.T(lang, "sup.attendees_help")},
		{Name: "reason", Label: web.T(lang, "talk.reason"), Type: "textarea", Value: in.Reason, Error: errs["reason"], Required: true, Wide: true},
		{Name: "conclusions", Label: web.T(lang, "talk.conclusions"), Type: "textarea", Value: in.Conclusions, Error: errs["conclusions"], Required: true, Wide: true},
		{Name: "requirement", Label: web.T(lang, "talk.requirement"), Type: "textarea", Value: in.Requirement, Error: errs["requirement"], Wide: true, Help: web.T(lang, "talk.requirement_help")},
		{Name: "deadline", Label: web.T(lang, "rect.deadline"), Type: "date", Value: in.Deadline, Error: errs["deadline"]},
	}}
	s.Render(w, r, status, "form", &web.Page{Title: web.T(lang, "talk.new"), Active: "/supervision", Data: fv, Error: e})
	return nil
}

func (s *Server) supTalkSave(w http.ResponseWriter, r *http.Request) error {
	var in gongzhi.TalkInput
	var form supTalkForm
	if err := supDecodeInput(s, w, r, &in, &form, func(form *supTalkForm) gongzhi.TalkInput {
		return gongzhi.TalkInput{Date: form.Date, ContractID: form.ContractID, Attendees: gongzhi.ParseAttendees(form.Attendees),
			Reason: form.Reason, Conclusions: form.Conclusions, Requirement: form.Requirement, Deadline: form.Deadline}
	}); err != nil {
		return err
	}
	t, err := s.svc.RecordTalk(r.Context(), web.ActorOf(r), in)
	to := ""
	if t != nil {
		to = supHref("talks", t.ID)
	}
	return s.supDone(w, r, t, err, to, "sup.flash.talk", func(fs *web.OffFormState) error {
		return s.supRenderTalkForm(w, r, web.StatusOf[fs.Err.Code], form, fs.Err)
	}, "talk")
}

func (s *Server) supTalkPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac, lang := web.ActorOf(r), web.LangOf(r)
	t, err := s.svc.Talk(r.Context(), ac, id)
	if err != nil {
		return err
	}
	var people []string
	for _, a := range t.Attendees {
		people = append(people, strings.TrimSpace(a.Name+" "+a.Role))
	}
	d := &web.DetailView{Rows: []web.Kv{
		{Label: web.T(lang, "talk.date"), Value: t.Date},
		{Label: web.T(lang, "sup.contract"), Value: t.ContractTitle, Href: web.OffContractHref(t.ContractID)},
		{Label: web.T(lang, "sup.provider"), Value: t.ProviderName},
		{Label: web.T(lang, "talk.attendees"), Value: strings.Join(people, "；")},
		{Label: web.T(lang, "talk.reason"), Value: t.Reason},
		{Label: web.T(lang, "talk.conclusions"), Value: t.Conclusions},
		{Label: web.T(lang, "sup.recorded_by"), Value: t.CreatedBy + " · " + web.OffShowTime(t.CreatedAt)},
	}}
	if t.RectificationID != 0 {
		d.Rows = append(d.Rows, web.Kv{Label: web.T(lang, "talk.followup"), Value: "#" + strconv.FormatInt(t.RectificationID, 10),
			Href: supHref("rectifications", t.RectificationID)})
	}
	d.Actions = []web.ActionLink{{Label: "← " + web.T(lang, "nav.supervision"), Href: "/supervision?month=" + t.Date[:7] + "#talks"}}
	s.Render(w, r, http.StatusOK, "detail", &web.Page{Title: web.T(lang, "talk.title") + " · " + t.ProviderName, Active: "/supervision", Data: d})
	return nil
}

func init() {
	web.AddAPIDocs(supervisionAPIDocs())
}
