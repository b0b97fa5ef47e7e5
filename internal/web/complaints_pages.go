// The complaint pages of signed-in accounts: the list with its filters and Excel export, and a
// complaint's page with its answers, the forms its reader may use (answer, re-route, reveal the
// contact, rate) and its history. The same handlers answer the JSON API.
package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/complaints"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

var cmpFilters = []string{"state", "kind", "route", "overdue", "escalated", "org", "community", "contract"}

func cmpHref(id int64) string { return "/complaints/" + strconv.FormatInt(id, 10) }

// cmpDueDay is the last day of a deadline that ends at the midnight after it.
func cmpDueDay(lang string, due time.Time) string {
	if due.IsZero() {
		return ""
	}
	return T(lang, "complaint.due_day:"+gongzhi.DateOf(due.Add(-time.Second)))
}

// cmpHandler names who handles a complaint: the provider's name, the hub or the office.
func cmpHandler(lang string, c *gongzhi.Complaint) string {
	if c.Route == gongzhi.RouteProvider && c.OrgName != "" {
		return c.OrgName
	}
	return T(lang, "complaint.route."+c.Route)
}

func cmpRating(lang string, c *gongzhi.Complaint) string {
	if c.Rating == 0 {
		return "—"
	}
	return T(lang, "complaint.rating_n:"+strconv.Itoa(c.Rating))
}

func cmpEscalation(lang string, c *gongzhi.Complaint) string {
	if c.Escalation == 0 || !c.Open() {
		return ""
	}
	return T(lang, "complaint.escalation."+strconv.Itoa(c.Escalation))
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func cmpStateText(lang string, c *gongzhi.Complaint) string {
	s := T(lang, "complaint.state."+c.State)
	if c.Overdue {
		s += " · " + T(lang, "complaint.overdue")
	}
	return s
}

// ---- the list

func (s *Server) cmpList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, pg := listOptions(r, cmpFilters...)
	if isAPIPath(r) {
		return writeList(w, opts, pg, listOf(r.Context(), ac, s.app.Complaints))
	}
	lv := &listView{Action: "/complaints", Q: opts.Q}
	total, err := s.app.Complaints(r.Context(), ac, opts, func(c *gongzhi.Complaint) error {
		state := cell{Text: cmpStateText(lang, c), Class: "cmp-state s-" + c.State}
		if c.Overdue {
			state.Class += " overdue"
		}
		lv.Rows = append(lv.Rows, []cell{{Text: "#" + strconv.FormatInt(c.ID, 10), Href: cmpHref(c.ID)}, {Text: c.Subject, Href: cmpHref(c.ID)},
			{Text: T(lang, "complaint.kind."+c.Kind)}, {Text: c.CommunityName}, {Text: cmpHandler(lang, c)}, state,
			{Text: cmpDueDay(lang, c.DueAt)}, {Text: cmpOr(cmpEscalation(lang, c), "—")}, {Text: cmpRating(lang, c)}, {Text: datetimeCN(c.CreatedAt)}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	pageLinks(r, lv, []colDef{{"#", ""}, {T(lang, "complaint.subject"), "subject"}, {T(lang, "complaint.kind"), "kind"},
		{T(lang, "complaint.community"), ""}, {T(lang, "complaint.route"), ""}, {T(lang, "complaint.state"), "state"},
		{T(lang, "complaint.due"), "due_at"}, {T(lang, "complaint.escalation"), ""}, {T(lang, "complaint.rating"), ""},
		{T(lang, "complaint.submitted_at"), "created_at"}}, opts.Limit)
	states := append([]option{{"", T(lang, "list.all")}, {"waiting", T(lang, "complaint.state.waiting")}},
		enumOptions(lang, "complaint.state", gongzhi.ComplaintStates, false)...)
	lv.Filters = []field{
		filterSelect(r, "state", T(lang, "complaint.state"), states),
		filterSelect(r, "kind", T(lang, "complaint.kind"), enumOptions(lang, "complaint.kind", gongzhi.ComplaintKinds, true)),
		filterSelect(r, "route", T(lang, "complaint.route"), enumOptions(lang, "complaint.route", gongzhi.ComplaintRoutes, true)),
		filterSelect(r, "overdue", T(lang, "complaint.overdue"), []option{{"", T(lang, "list.all")}, {"1", T(lang, "complaint.overdue_only")}}),
		filterSelect(r, "escalated", T(lang, "complaint.escalation"), []option{{"", T(lang, "list.all")}, {"1", T(lang, "complaint.escalated_only")},
			{"2", T(lang, "complaint.escalation.2")}}),
	}
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/complaints/export.xlsx?" + q.Encode()
	if ac.Has(gongzhi.RoleResident) {
		lv.NewURL = "/public/complaints"
	}
	s.render(w, r, http.StatusOK, "list", &page{Title: T(lang, "complaint.title_list"), Active: "/complaints", Data: lv})
	return nil
}

func datetimeCN(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(gongzhi.ChinaTime).Format("2006-01-02 15:04")
}

func (s *Server) cmpExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, _ := listOptions(r, cmpFilters...)
	opts.Limit, opts.Offset = 0, 0
	var rows [][]any
	if _, err := s.app.Complaints(r.Context(), ac, opts, func(c *gongzhi.Complaint) error {
		rating := ""
		if c.Rating > 0 {
			rating = strconv.Itoa(c.Rating)
		}
		rows = append(rows, []any{c.ID, T(lang, "complaint.kind."+c.Kind), c.CommunityName, c.Subject, c.Description, cmpHandler(lang, c),
			c.ContractTitle, cmpStateText(lang, c), datetimeCN(c.CreatedAt), cmpDueDay(lang, c.DueAt), datetimeCN(c.AnsweredAt),
			cmpEscalation(lang, c), rating, c.RatingComment, c.ContactName, c.ContactPhone})
		return nil
	}); err != nil {
		return err
	}
	offSendXLSX(w, offXlsxName("complaints"))
	headers := []string{"ID", T(lang, "complaint.kind"), T(lang, "complaint.community"), T(lang, "complaint.subject"),
		T(lang, "complaint.description"), T(lang, "complaint.route"), T(lang, "complaint.contract"), T(lang, "complaint.state"),
		T(lang, "complaint.submitted_at"), T(lang, "complaint.due"), T(lang, "complaint.answered_at"), T(lang, "complaint.escalation"),
		T(lang, "complaint.rating"), T(lang, "complaint.rating_comment"), T(lang, "complaint.contact_name"), T(lang, "complaint.contact_phone")}
	return xlsx.Export(w, T(lang, "complaint.title_list"), headers, offRowsSeq(rows))
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
	Rows       []kv
	Desc       string
	Answers    []cmpAnswerView
	Revealed   string
	RevealURL  string
	AnswerForm *formView
	RouteForm  *formView
	RateForm   *formView
	History    []historyRow
	Back       string
	Problems   []string // a refused move's reasons (state, route, rating), shown above the forms
}

func cmpAnswerViews(lang string, c *gongzhi.Complaint) []cmpAnswerView {
	var out []cmpAnswerView
	for _, a := range c.Answers {
		who := T(lang, "role."+a.Role)
		switch a.Role { // residents read who answered them, not the platform's role names
		case gongzhi.RolePurchaser:
			who = T(lang, "complaint.by_office")
		case gongzhi.RoleHub:
			who = T(lang, "complaint.by_hub")
		}
		if a.OrgName != "" {
			who = a.OrgName
		}
		out = append(out, cmpAnswerView{Title: T(lang, "complaint.answer_round."+strconv.Itoa(a.Round)), Who: who, At: a.At, Body: a.Body})
	}
	return out
}

func cmpRows(lang string, c *gongzhi.Complaint) []kv {
	rows := []kv{
		{Label: T(lang, "complaint.kind"), Value: T(lang, "complaint.kind."+c.Kind)},
		{Label: T(lang, "complaint.community"), Value: c.CommunityName},
		{Label: T(lang, "complaint.route"), Value: cmpHandler(lang, c)},
	}
	if c.ContractTitle != "" {
		rows = append(rows, kv{Label: T(lang, "complaint.contract"), Value: c.ContractTitle})
	}
	rows = append(rows, kv{Label: T(lang, "complaint.submitted_at"), Value: datetimeCN(c.CreatedAt)},
		kv{Label: T(lang, "complaint.due"), Value: cmpDueDay(lang, c.DueAt)})
	if e := cmpEscalation(lang, c); e != "" {
		rows = append(rows, kv{Label: T(lang, "complaint.escalation"), Value: e})
	}
	if c.Rating > 0 {
		v := cmpRating(lang, c)
		if c.RatingComment != "" {
			v += " · " + c.RatingComment
		}
		rows = append(rows, kv{Label: T(lang, "complaint.rating"), Value: v})
	}
	return rows
}

func (s *Server) cmpDetail(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.app.Complaint(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, c)
		return nil
	}
	return s.cmpRenderDetail(w, r, c, http.StatusOK, nil, "", "")
}

// cmpRenderDetail renders a complaint's page; e is the refusal of a form (form names which),
// revealed the contact just revealed.
func (s *Server) cmpRenderDetail(w http.ResponseWriter, r *http.Request, c *gongzhi.Complaint, status int, e *gongzhi.Error, form, revealed string) error {
	ac, lang := actorOf(r), langOf(r)
	errs := map[string]string{}
	var problems []string
	if e != nil {
		for k, v := range e.Fields {
			errs[k] = T(lang, v)
			if e.Code == gongzhi.ECONFLICT {
				problems = append(problems, T(lang, v))
			}
		}
	}
	v := &cmpDetailView{ID: c.ID, Subject: c.Subject, StateClass: "s-" + c.State, StateText: cmpStateText(lang, c), Desc: c.Description,
		Rows: cmpRows(lang, c), Answers: cmpAnswerViews(lang, c), Revealed: revealed, Back: "/complaints", Problems: problems}
	contact := strings.TrimSpace(c.ContactName + " " + c.ContactPhone)
	if contact != "" {
		v.Rows = append(v.Rows, kv{Label: T(lang, "complaint.contact"), Value: contact})
	}
	base := cmpHref(c.ID)
	if ac.Has(gongzhi.RolePurchaser, gongzhi.RoleHub) && c.PhoneMasked && revealed == "" {
		v.RevealURL = base + "/reveal"
	}
	if complaints.MayAnswerComplaint(ac, c) {
		f := &formView{Action: base + "/answer", Submit: T(lang, "complaint.do_answer"), Fields: []field{
			{Name: "answer", Label: T(lang, "complaint.answer"), Type: "textarea", Required: true, Wide: true, Error: errs["answer"]}}}
		if form == "answer" && e != nil {
			f.Fields[0].Value = r.FormValue("answer")
		}
		v.AnswerForm = f
	}
	if ac.Has(gongzhi.RolePurchaser, gongzhi.RoleHub) && c.State == gongzhi.ComplaintOpen {
		opts := []option{{"", "—"}, {"office", T(lang, "complaint.route.office")}, {"hub", T(lang, "complaint.route.hub")}}
		cs, err := s.app.PublicContracts(r.Context())
		if err != nil {
			return err
		}
		for _, ct := range cs {
			if strings.HasPrefix(c.CommunityCode, strings.TrimRight(ct.PlaceCode, "0")) {
				opts = append(opts, option{"c" + strconv.FormatInt(ct.ID, 10), ct.Title + " — " + ct.Provider})
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
		v.RouteForm = &formView{Action: base + "/route", Submit: T(lang, "complaint.do_route"), Fields: []field{
			{Name: "target", Label: T(lang, "complaint.new_route"), Type: "select", Options: opts, Value: target, Required: true, Error: routeErr},
			{Name: "reason", Label: T(lang, "complaint.reason"), Type: "text", Required: true, Wide: true, Error: errs["reason"]}}}
		if form == "route" {
			v.RouteForm.Fields[1].Value = r.FormValue("reason")
		}
	}
	if ac.Has(gongzhi.RoleResident) && c.UserID == ac.User.ID && c.State == gongzhi.ComplaintAnswered && c.Rating == 0 {
		v.RateForm = cmpRateForm(lang, base+"/rate", nil, errs)
	}
	if !ac.Has(gongzhi.RoleResident) {
		hist, err := s.app.ComplaintHistory(r.Context(), ac, c.ID)
		if err != nil {
			return err
		}
		for _, h := range hist {
			row := historyRow{At: h.At, Who: cmpWho(lang, h), Action: T(lang, "complaint.action."+h.Action)}
			if n := cmpNote(lang, h); n != "" {
				row.Changes = []string{n}
			}
			v.History = append(v.History, row)
		}
	}
	s.render(w, r, status, "complaints_detail", &page{Title: T(lang, "complaint.title_list") + " #" + strconv.FormatInt(c.ID, 10),
		Active: "/complaints", Data: v, Error: e})
	return nil
}

// cmpWho names who made a history line: the public, the system's escalation, or an account.
func cmpWho(lang string, h gongzhi.ComplaintEvent) string {
	switch {
	case h.Username == "anonymous":
		return T(lang, "complaint.by_public")
	case h.Username == "system" && h.Role == gongzhi.RoleSysAdmin:
		return T(lang, "complaint.by_system")
	case h.Role != "":
		return h.Username + " · " + T(lang, "role."+h.Role)
	}
	return h.Username
}

var cmpRouteNote = regexp.MustCompile(`^(office|hub|provider) → (office|hub|provider)`)

// cmpNote translates the structured note of a history line: the route at submission, the
// answer's round, the escalation level, the route change, the rating.
func cmpNote(lang string, h gongzhi.ComplaintEvent) string {
	n := h.Note
	switch h.Action {
	case "submitted":
		return T(lang, "complaint.route") + ": " + T(lang, "complaint.route."+n)
	case "answered":
		if r, ok := strings.CutPrefix(n, "round "); ok {
			return T(lang, "complaint.answer_round."+r)
		}
	case "escalated":
		if l, ok := strings.CutPrefix(n, "level "); ok {
			return T(lang, "complaint.escalation."+l)
		}
	case "rated":
		if r, ok := strings.CutSuffix(n, "/5"); ok {
			return T(lang, "complaint.rating_n:"+r)
		}
	case "revealed":
		return ""
	}
	return cmpRouteNote.ReplaceAllStringFunc(n, func(m string) string {
		p := cmpRouteNote.FindStringSubmatch(m)
		return T(lang, "complaint.route."+p[1]) + " → " + T(lang, "complaint.route."+p[2])
	})
}

// cmpRateForm is the rating form; hidden carries the tracking code and phone suffix.
func cmpRateForm(lang, action string, hidden []field, errs map[string]string) *formView {
	ratings := []option{{"", "—"}}
	for i := 5; i >= 1; i-- {
		ratings = append(ratings, option{strconv.Itoa(i), T(lang, "complaint.rating_n:"+strconv.Itoa(i))})
	}
	fields := append(hidden,
		field{Name: "rating", Label: T(lang, "complaint.rating"), Type: "select", Options: ratings, Required: true, Error: errs["rating"],
			Help: T(lang, "complaint.rating_help")},
		field{Name: "comment", Label: T(lang, "complaint.rating_comment"), Type: "textarea", Wide: true, Error: errs["comment"]})
	return &formView{Action: action, Submit: T(lang, "complaint.do_rate"), Fields: fields}
}

// cmpAfter answers a write: the complaint as JSON, or back to its page with a message; a refusal
// of the form's input is shown on the page beside the form's fields.
func (s *Server) cmpAfter(w http.ResponseWriter, r *http.Request, id int64, err error, form, flash string) error {
	if isAPIPath(r) {
		if err != nil {
			return err
		}
		c, err := s.app.Complaint(r.Context(), actorOf(r), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, c)
		return nil
	}
	if e := gongzhi.AsError(err); err != nil && (e.Code == gongzhi.EINVALID || e.Code == gongzhi.ECONFLICT) {
		c, cerr := s.app.Complaint(r.Context(), actorOf(r), id)
		if cerr != nil {
			return cerr
		}
		return s.cmpRenderDetail(w, r, c, statusOf[e.Code], e, form, "")
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, cmpHref(id), T(langOf(r), flash))
}

func (s *Server) cmpAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req cmpAnswerRequest
	if err = s.decode(w, r, &req); err == nil {
		err = s.app.AnswerComplaint(r.Context(), actorOf(r), id, req.Answer)
	}
	return s.cmpAfter(w, r, id, err, "answer", "complaint.answered_flash")
}

func (s *Server) cmpRoute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var t complaints.RouteTarget
	if isAPIPath(r) {
		err = s.decode(w, r, &t)
	} else {
		var form struct {
			Target string `json:"target"`
			Reason string `json:"reason"`
		}
		if err = s.decode(w, r, &form); err == nil {
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
		err = s.app.RouteComplaint(r.Context(), actorOf(r), id, t)
	}
	return s.cmpAfter(w, r, id, err, "route", "complaint.routed_flash")
}

func (s *Server) cmpReveal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	name, phone, err := s.app.RevealComplaintContact(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, cmpContact{ContactName: name, ContactPhone: phone})
		return nil
	}
	c, err := s.app.Complaint(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	return s.cmpRenderDetail(w, r, c, http.StatusOK, nil, "", strings.TrimSpace(name+" "+phone))
}

func (s *Server) cmpRate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req cmpRateRequest
	if err = s.decode(w, r, &req); err == nil {
		err = s.app.RateComplaint(r.Context(), actorOf(r), id, req.Rating, req.Comment)
	}
	return s.cmpAfter(w, r, id, err, "rate", "complaint.rated_flash")
}

func (s *Server) cmpAPIHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	hist, err := s.app.ComplaintHistory(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if hist == nil {
		hist = []gongzhi.ComplaintEvent{}
	}
	writeJSON(w, http.StatusOK, itemsOf[gongzhi.ComplaintEvent]{Items: hist})
	return nil
}

// cmpContracts lists the signed contracts a complaint may concern.
func (s *Server) cmpAPIContracts(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.app.PublicContracts(r.Context())
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []store.PublicContract{}
	}
	writeJSON(w, http.StatusOK, itemsOf[store.PublicContract]{Items: cs})
	return nil
}
