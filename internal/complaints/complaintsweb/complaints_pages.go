// The complaint pages of signed-in accounts: the list with its filters and Excel export, and a
// complaint's page with its answers, the forms its reader may use (answer, re-route, reveal the
// contact, rate) and its history. The same handlers answer the JSON API.

package complaintsweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/complaints"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

var cmpFilters = []string{"state", "kind", "route", "overdue", "escalated", "org", "community", "contract"}

func cmpHref(id int64) string { return "/complaints/" + strconv.FormatInt(id, 10) }

// cmpDueDay is the last day of a deadline that ends at the midnight after it.
func cmpDueDay(lang string, due time.Time) string {
	if due.IsZero() {
		return ""
	}
	return web.T(lang, "complaint.due_day:"+gongzhi.DateOf(due.Add(-time.Second)))
}

// cmpHandler names who handles a complaint: the provider's name, the hub or the office.
func cmpHandler(lang string, c *gongzhi.Complaint) string {
	if c.Route == gongzhi.RouteProvider && c.OrgName != "" {
		return c.OrgName
	}
	return web.T(lang, "complaint.route."+c.Route)
}

func cmpRating(lang string, c *gongzhi.Complaint) string {
	if c.Rating == 0 {
		return "—"
	}
	return web.T(lang, "complaint.rating_n:"+strconv.Itoa(c.Rating))
}

func cmpEscalation(lang string, c *gongzhi.Complaint) string {
	if c.Escalation == 0 || !c.Open() {
		return ""
	}
	return web.T(lang, "complaint.escalation."+strconv.Itoa(c.Escalation))
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func cmpStateText(lang string, c *gongzhi.Complaint) string {
	s := web.T(lang, "complaint.state."+c.State)
	if c.Overdue {
		s += " · " + web.T(lang, "complaint.overdue")
	}
	return s
}

// ---- the list

func (s *Server) cmpList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, cmpFilters...)
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.Complaints))
	}
	lv := &web.ListView{Action: "/complaints", Q: opts.Q}
	total, err := s.svc.Complaints(r.Context(), ac, opts, func(c *gongzhi.Complaint) error {
		state := web.Cell{Text: cmpStateText(lang, c), Class: "cmp-state s-" + c.State}
		if c.Overdue {
			state.Class += " overdue"
		}
		lv.Rows = append(lv.Rows, []web.Cell{{Text: "#" + strconv.FormatInt(c.ID, 10), Href: cmpHref(c.ID)}, {Text: c.Subject, Href: cmpHref(c.ID)},
			{Text: web.T(lang, "complaint.kind."+c.Kind)}, {Text: c.CommunityName}, {Text: cmpHandler(lang, c)}, state,
			{Text: cmpDueDay(lang, c.DueAt)}, {Text: cmpOr(cmpEscalation(lang, c), "—")}, {Text: cmpRating(lang, c)}, {Text: datetimeCN(c.CreatedAt)}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	web.PageLinks(r, lv, []web.ColDef{{Label: "#", Sort: ""}, {Label: web.T(lang, "complaint.subject"), Sort: "subject"}, {Label: web.T(lang, "complaint.kind"), Sort: "kind"},
		{Label: web.T(lang, "complaint.community"), Sort: ""}, {Label: web.T(lang, "complaint.route"), Sort: ""}, {Label: web.T(lang, "complaint.state"), Sort: "state"},
		{Label: web.T(lang, "complaint.due"), Sort: "due_at"}, {Label: web.T(lang, "complaint.escalation"), Sort: ""}, {Label: web.T(lang, "complaint.rating"), Sort: ""},
		{Label: web.T(lang, "complaint.submitted_at"), Sort: "created_at"}}, opts.Limit)
	states := append([]web.Option{{Value: "", Label: web.T(lang, "list.all")}, {Value: "waiting", Label: web.T(lang, "complaint.state.waiting")}},
		web.EnumOptions(lang, "complaint.state", gongzhi.ComplaintStates, false)...)
	lv.Filters = []web.Field{
		web.FilterSelect(r, "state", web.T(lang, "complaint.state"), states),
		web.FilterSelect(r, "kind", web.T(lang, "complaint.kind"), web.EnumOptions(lang, "complaint.kind", gongzhi.ComplaintKinds, true)),
		web.FilterSelect(r, "route", web.T(lang, "complaint.route"), web.EnumOptions(lang, "complaint.route", gongzhi.ComplaintRoutes, true)),
		web.FilterSelect(r, "overdue", web.T(lang, "complaint.overdue"), []web.Option{{Value: "", Label: web.T(lang, "list.all")}, {Value: "1", Label: web.T(lang, "complaint.overdue_only")}}),
		web.FilterSelect(r, "escalated", web.T(lang, "complaint.escalation"), []web.Option{{Value: "", Label: web.T(lang, "list.all")}, {Value: "1", Label: web.T(lang, "complaint.escalated_only")},
			{Value: "2", Label: web.T(lang, "complaint.escalation.2")}}),
	}
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/complaints/export.xlsx?" + q.Encode()
	if complaints.FilesAsResident(ac) {
		lv.NewURL = "/public/complaints"
	}
	s.Render(w, r, http.StatusOK, "list", &web.Page{Title: web.T(lang, "complaint.title_list"), Active: "/complaints", Data: lv})
	return nil
}

func datetimeCN(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(gongzhi.ChinaTime).Format("2006-01-02 15:04")
}

func (s *Server) cmpExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, _ := web.ListOptions(r, cmpFilters...)
	opts.Limit, opts.Offset = 0, 0
	var rows [][]any
	if _, err := s.svc.Complaints(r.Context(), ac, opts, func(c *gongzhi.Complaint) error {
		var rating any // a number in the sheet, empty if not rated
		if c.Rating > 0 {
			rating = c.Rating
		}
		rows = append(rows, []any{c.ID, web.T(lang, "complaint.kind."+c.Kind), c.CommunityName, c.Subject, c.Description, cmpHandler(lang, c),
			c.ContractTitle, cmpStateText(lang, c), datetimeCN(c.CreatedAt), cmpDueDay(lang, c.DueAt), datetimeCN(c.AnsweredAt),
			cmpEscalation(lang, c), rating, c.RatingComment, c.ContactName, c.ContactPhone})
		return nil
	}); err != nil {
		return err
	}
	web.OffSendXLSX(w, web.OffXlsxName("complaints"))
	headers := []string{"ID", web.T(lang, "complaint.kind"), web.T(lang, "complaint.community"), web.T(lang, "complaint.subject"),
		web.T(lang, "complaint.description"), web.T(lang, "complaint.route"), web.T(lang, "complaint.contract"), web.T(lang, "complaint.state"),
		web.T(lang, "complaint.submitted_at"), web.T(lang, "complaint.due"), web.T(lang, "complaint.answered_at"), web.T(lang, "complaint.escalation"),
		web.T(lang, "complaint.rating"), web.T(lang, "complaint.rating_comment"), web.T(lang, "complaint.contact_name"), web.T(lang, "complaint.contact_phone")}
	return xlsx.Export(w, web.T(lang, "complaint.title_list"), headers, web.OffRowsSeq(rows))
}

// ---- one complaint

type cmpAnswerView struct {
	Title string
	Who   string
	At    time.Time
	Body  string
}

type cmpDetailView struct {
	ID         int64
	Subject    string
	StateClass string
	StateText  string
	Rows       []web.Kv
	Desc       string
	Answers    []cmpAnswerView
	Revealed   string
	RevealURL  string
	AnswerForm *web.FormView
	RouteForm  *web.FormView
	RateForm   *web.FormView
	History    []web.HistoryRow
	Back       string
	Problems   []string // a refused move's reasons (state, route, rating), shown above the forms
}

func cmpAnswerViews(lang string, c *gongzhi.Complaint) []cmpAnswerView {
	var out []cmpAnswerView
	for _, a := range c.Answers {
		out = append(out, cmpAnswerView{Title: web.T(lang, "complaint.answer_round."+strconv.Itoa(a.Round)), Who: answerOffice(lang, a), At: a.At, Body: a.Body})
	}
	return out
}

// answerOffice names who answered, as residents read it: the provider's name, or the office
// of the place the purchaser or hub answered for, by its level (江苏省民政厅, 南京市民政局,
// 葛塘街道办事处, a town's 人民政府, 葛塘街道社会组织发展服务中心). An answer recorded before the
// office was kept says only the kind of office, as it always did.
func answerOffice(lang string, a gongzhi.ComplaintAnswer) string {
	if a.OrgName != "" {
		return a.OrgName
	}
	if a.PlaceName != "" {
		switch a.Role {
		case gongzhi.RolePurchaser:
			switch a.PlaceLevel {
			case gongzhi.LevelProvince:
				return web.OffTr(lang, "complaint.office.province", a.PlaceName)
			case gongzhi.LevelCity, gongzhi.LevelDistrict:
				return web.OffTr(lang, "complaint.office.bureau", a.PlaceName)
			case gongzhi.LevelStreet:
				if strings.HasSuffix(a.PlaceName, "街道") {
					return web.OffTr(lang, "complaint.office.street", a.PlaceName)
				}
				return web.OffTr(lang, "complaint.office.town", a.PlaceName)
			}
		case gongzhi.RoleHub:
			return web.OffTr(lang, "complaint.office.hub", a.PlaceName)
		}
	}
	switch a.Role { // residents read who answered them, not the platform's role names
	case gongzhi.RolePurchaser:
		return web.T(lang, "complaint.by_office")
	case gongzhi.RoleHub:
		return web.T(lang, "complaint.by_hub")
	}
	return web.T(lang, "role."+a.Role)
}

func cmpRows(lang string, c *gongzhi.Complaint) []web.Kv {
	rows := []web.Kv{
		{Label: web.T(lang, "complaint.kind"), Value: web.T(lang, "complaint.kind."+c.Kind)},
		{Label: web.T(lang, "complaint.community"), Value: c.CommunityName},
		{Label: web.T(lang, "complaint.route"), Value: cmpHandler(lang, c)},
	}
	if c.ContractTitle != "" {
		rows = append(rows, web.Kv{Label: web.T(lang, "complaint.contract"), Value: c.ContractTitle})
	}
	rows = append(rows, web.Kv{Label: web.T(lang, "complaint.submitted_at"), Value: datetimeCN(c.CreatedAt)},
		web.Kv{Label: web.T(lang, "complaint.due"), Value: cmpDueDay(lang, c.DueAt)})
	if e := cmpEscalation(lang, c); e != "" {
		rows = append(rows, web.Kv{Label: web.T(lang, "complaint.escalation"), Value: e})
	}
	if c.Rating > 0 {
		v := cmpRating(lang, c)
		if c.RatingComment != "" {
			v += " · " + c.RatingComment
		}
		rows = append(rows, web.Kv{Label: web.T(lang, "complaint.rating"), Value: v})
	}
	return rows
}

func (s *Server) cmpDetail(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, err := s.svc.Complaint(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, c)
		return nil
	}
	return s.cmpRenderDetail(w, r, c, http.StatusOK, nil, "", "")
}

// cmpRenderDetail renders a complaint's page; e is the refusal of a form (form names which),
// revealed the contact just revealed.
func (s *Server) cmpRenderDetail(w http.ResponseWriter, r *http.Request, c *gongzhi.Complaint, status int, e *gongzhi.Error, form, revealed string) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	errs := map[string]string{}
	var problems []string
	if e != nil {
		for k, v := range e.Fields {
			errs[k] = web.T(lang, v)
			if e.Code == gongzhi.ECONFLICT {
				problems = append(problems, web.T(lang, v))
			}
		}
	}
	v := &cmpDetailView{ID: c.ID, Subject: c.Subject, StateClass: "s-" + c.State, StateText: cmpStateText(lang, c), Desc: c.Description,
		Rows: cmpRows(lang, c), Answers: cmpAnswerViews(lang, c), Revealed: revealed, Back: "/complaints", Problems: problems}
	contact := strings.TrimSpace(c.ContactName + " " + c.ContactPhone)
	if contact != "" {
		v.Rows = append(v.Rows, web.Kv{Label: web.T(lang, "complaint.contact"), Value: contact})
	}
	base := cmpHref(c.ID)
	if complaints.MayHandleComplaints(ac) && c.PhoneMasked && revealed == "" {
		v.RevealURL = base + "/reveal"
	}
	if complaints.MayAnswerComplaint(ac, c) {
		f := &web.FormView{Action: base + "/answer", Submit: web.T(lang, "complaint.do_answer"), Fields: []web.Field{
			{Name: "answer", Label: web.T(lang, "complaint.answer"), Type: "textarea", Required: true, Wide: true, Error: errs["answer"]}}}
		if form == "answer" && e != nil {
			f.Fields[0].Value = r.FormValue("answer")
		}
		v.AnswerForm = f
	}
	if complaints.MayHandleComplaints(ac) && c.State == gongzhi.ComplaintOpen {
		opts := []web.Option{{Value: "", Label: "—"}, {Value: "office", Label: web.T(lang, "complaint.route.office")}, {Value: "hub", Label: web.T(lang, "complaint.route.hub")}}
		cs, err := s.svc.PublicContractsCovering(r.Context(), c.CommunityCode)
		if err != nil {
			return err
		}
		for _, ct := range cs {
			if strings.HasPrefix(c.CommunityCode, strings.TrimRight(ct.PlaceCode, "0")) {
				opts = append(opts, web.Option{Value: "c" + strconv.FormatInt(ct.ID, 10), Label: ct.Title + " — " + ct.Provider})
			}
		}
		target := ""
		if form == "route" {
			target = r.FormValue("target")
		}
		routeErr := errs["route"]
		if routeErr == "" {
			routeErr = errs["contract_id"]
		}
		v.RouteForm = &web.FormView{Action: base + "/route", Submit: web.T(lang, "complaint.do_route"), Fields: []web.Field{
			{Name: "target", Label: web.T(lang, "complaint.new_route"), Type: "select", Options: opts, Value: target, Required: true, Error: routeErr},
			{Name: "reason", Label: web.T(lang, "complaint.reason"), Type: "text", Required: true, Wide: true, Error: errs["reason"]}}}
		if form == "route" {
			v.RouteForm.Fields[1].Value = r.FormValue("reason")
		}
	}
	if complaints.MayRateComplaint(ac, c) {
		v.RateForm = cmpRateForm(lang, base+"/rate", nil, errs)
	}
	if complaints.MayReadComplaintHistory(ac) {
		hist, err := s.svc.ComplaintHistory(r.Context(), ac, c.ID)
		if err != nil {
			return err
		}
		for _, h := range hist {
			row := web.HistoryRow{At: h.At, Who: cmpWho(lang, h), Action: web.T(lang, "complaint.action."+h.Action)}
			if n := cmpNote(lang, h); n != "" {
				row.Changes = []string{n}
			}
			v.History = append(v.History, row)
		}
	}
	s.Render(w, r, status, "complaints_detail", &web.Page{Title: web.T(lang, "complaint.title_list") + " #" + strconv.FormatInt(c.ID, 10),
		Active: "/complaints", Data: v, Error: e})
	return nil
}

// cmpWho names who made a history line: the public, the system's escalation, or an account.
func cmpWho(lang string, h gongzhi.ComplaintEvent) string {
	switch {
	case h.Username == "anonymous":
		return web.T(lang, "complaint.by_public")
	case h.Username == "system" && h.Role == gongzhi.RoleSysAdmin:
		return web.T(lang, "complaint.by_system")
	case h.Role != "":
		return h.Username + " · " + web.T(lang, "role."+h.Role)
	}
	return h.Username
}

// cmpNote is the note of a history line in lang: the route at submission, the answer's round,
// the escalation level, the route change, the rating. A reveal's line says nothing more than its
// action does.
func cmpNote(lang string, h gongzhi.ComplaintEvent) string {
	if h.Note.Code == "contact" {
		return ""
	}
	return web.NoteText(lang, h.Note)
}

// cmpRateForm is the rating form; hidden carries the tracking code and phone suffix.
func cmpRateForm(lang, action string, hidden []web.Field, errs map[string]string) *web.FormView {
	ratings := []web.Option{{Value: "", Label: "—"}}
	for i := 5; i >= 1; i-- {
		ratings = append(ratings, web.Option{Value: strconv.Itoa(i), Label: web.T(lang, "complaint.rating_n:"+strconv.Itoa(i))})
	}
	fields := append(hidden,
		web.Field{Name: "rating", Label: web.T(lang, "complaint.rating"), Type: "select", Options: ratings, Required: true, Error: errs["rating"],
			Help: web.T(lang, "complaint.rating_help")},
		web.Field{Name: "comment", Label: web.T(lang, "complaint.rating_comment"), Type: "textarea", Wide: true, Error: errs["comment"]})
	return &web.FormView{Action: action, Submit: web.T(lang, "complaint.do_rate"), Fields: fields}
}

// cmpAfter answers a write: the complaint as JSON, or back to its page with a message; a refusal
// of the form's input is shown on the page beside the form's fields.
func (s *Server) cmpAfter(w http.ResponseWriter, r *http.Request, id int64, err error, form, flash string) error {
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		c, err := s.svc.Complaint(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, c)
		return nil
	}
	if e := gongzhi.AsError(err); err != nil && (e.Code == gongzhi.EINVALID || e.Code == gongzhi.ECONFLICT) {
		c, cerr := s.svc.Complaint(r.Context(), web.ActorOf(r), id)
		if cerr != nil {
			return cerr
		}
		return s.cmpRenderDetail(w, r, c, web.StatusOf[e.Code], e, form, "")
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, cmpHref(id), web.T(web.LangOf(r), flash))
}

func (s *Server) cmpAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req cmpAnswerRequest
	if err = s.Decode(w, r, &req); err == nil {
		err = s.svc.AnswerComplaint(r.Context(), web.ActorOf(r), id, req.Answer)
	}
	return s.cmpAfter(w, r, id, err, "answer", "complaint.answered_flash")
}

func (s *Server) cmpRoute(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var t complaints.RouteTarget
	if web.IsAPIPath(r) {
		err = s.Decode(w, r, &t)
	} else {
		var form struct {
			Target string `json:"target"`
			Reason string `json:"reason"`
		}
		if err = s.Decode(w, r, &form); err == nil {
			t.Reason = form.Reason
			if n, ok := strings.CutPrefix(form.Target, "c"); ok {
				t.Route = gongzhi.RouteProvider
				t.ContractID, _ = strconv.ParseInt(n, 10, 64)
			} else {
				t.Route = form.Target
			}
		}
	}
	if err == nil {
		err = s.svc.RouteComplaint(r.Context(), web.ActorOf(r), id, t)
	}
	return s.cmpAfter(w, r, id, err, "route", "complaint.routed_flash")
}

func (s *Server) cmpReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	name, phone, err := s.svc.RevealComplaintContact(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, cmpContact{ContactName: name, ContactPhone: phone})
		return nil
	}
	c, err := s.svc.Complaint(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	return s.cmpRenderDetail(w, r, c, http.StatusOK, nil, "", strings.TrimSpace(name+" "+phone))
}

func (s *Server) cmpRate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req cmpRateRequest
	if err = s.Decode(w, r, &req); err == nil {
		err = s.svc.RateComplaint(r.Context(), web.ActorOf(r), id, req.Rating, req.Comment)
	}
	return s.cmpAfter(w, r, id, err, "rate", "complaint.rated_flash")
}

func (s *Server) cmpAPIHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	hist, err := s.svc.ComplaintHistory(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if hist == nil {
		hist = []gongzhi.ComplaintEvent{}
	}
	for i := range hist {
		hist[i].Note.Text = cmpNote(web.LangOf(r), hist[i])
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.ComplaintEvent]{Items: hist})
	return nil
}

// cmpContracts lists the signed contracts a complaint may concern.
func (s *Server) cmpAPIContracts(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.svc.PublicContracts(r.Context())
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []gongzhi.PublicContract{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.PublicContract]{Items: cs})
	return nil
}
