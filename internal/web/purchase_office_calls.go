// Calls for projects (项目征集) in the office's pages and the API: the list with its state filter,
// and the form of a draft call — kind, title, categories, budget, funding bands, timeline,
// notice period in working days, eligibility, scoring criteria with weights, the aggregation
// rule and the needs it answers. Repeated rows (bands, criteria) are plain numbered inputs, so
// the form needs no JavaScript.
package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

var offCallFilters = []string{"state", "kind", "category", "budget", "fiscal_year"}

// CallStates lists a call's states in workflow order, for the filter and the steps.
var offCallStates = []string{gongzhi.CallDraft, gongzhi.CallOpen, gongzhi.CallClosed, gongzhi.CallReviewing, gongzhi.CallNotice,
	gongzhi.CallFinal, gongzhi.CallCancelled}

func offCallHref(id int64) string { return "/calls/" + strconv.FormatInt(id, 10) }

func (s *Server) offCallListRoutes() {
	s.handle("GET /calls", changed, s.offWrap(s.offCallsList))
	s.handle("GET /calls/export.xlsx", changed, s.offWrap(s.offCallsExport))
	s.handle("GET /calls/new", changed, s.offWrap(s.offCallForm(true)))
	s.handle("POST /calls/new", changed, s.offWrap(s.offCallSave(true)))
	s.handle("GET /calls/{id}/edit", changed, s.offWrap(s.offCallForm(false)))
	s.handle("POST /calls/{id}/edit", changed, s.offWrap(s.offCallSave(false)))
	s.api("GET /api/v1/calls", s.offWrap(s.offCallsList))
	s.api("GET /api/v1/calls.xlsx", s.offWrap(s.offCallsExport))
	s.api("POST /api/v1/calls", s.offWrap(s.offCallSave(true)))
	s.api("PUT /api/v1/calls/{id}", s.offWrap(s.offCallSave(false)))
}

func (s *Server) offCallsList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, pg := listOptions(r, offCallFilters...)
	if isAPIPath(r) {
		return writeList(w, opts, pg, listOf(r.Context(), ac, s.app.Calls))
	}
	lv := &listView{Action: "/calls", Q: opts.Q}
	total, err := s.app.Calls(r.Context(), ac, opts, func(c *gongzhi.Call) error {
		lv.Rows = append(lv.Rows, []cell{{Text: c.Title, Href: offCallHref(c.ID)}, {Text: T(lang, "call.kind."+c.Kind)},
			{Text: T(lang, "call.state."+c.State), Class: "state"}, {Text: strconv.Itoa(c.FiscalYear)}, {Text: offYuan(c.Amount), Class: "num"},
			{Text: offShowTime(c.OpensAt)}, {Text: offShowTime(c.ClosesAt)}, {Text: strconv.Itoa(c.Applications), Class: "num"},
			{Text: offYuan(c.Awarded), Class: "num"}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	pageLinks(r, lv, []colDef{{T(lang, "call.title"), "title"}, {T(lang, "call.kind"), ""}, {T(lang, "call.state"), ""},
		{T(lang, "call.fiscal_year"), ""}, {T(lang, "call.amount"), "amount"}, {T(lang, "call.opens_at"), "opens_at"},
		{T(lang, "call.closes_at"), "closes_at"}, {T(lang, "call.applications"), ""}, {T(lang, "call.awarded"), ""}}, opts.Limit)
	l := s.offLabelsFor(r)
	lv.Filters = []field{
		filterSelect(r, "state", T(lang, "call.state"), enumOptions(lang, "call.state", offCallStates, true)),
		filterSelect(r, "kind", T(lang, "call.kind"), enumOptions(lang, "call.kind", gongzhi.CallKinds, true)),
		filterSelect(r, "category", T(lang, "call.categories"), s.offCategoryOptions(r, l, true, T(lang, "list.all"))),
		{Name: "fiscal_year", Label: T(lang, "call.fiscal_year"), Type: "number", Value: r.URL.Query().Get("fiscal_year")},
	}
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/calls/export.xlsx?" + q.Encode()
	if offIsPurchaser(ac) {
		lv.NewURL = "/calls/new"
	}
	lp := &offListPage{listView: lv}
	if ac.Has(gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor) {
		for _, st := range []string{gongzhi.CallOpen, gongzhi.CallClosed, gongzhi.CallReviewing, gongzhi.CallNotice} {
			lp.Links = append(lp.Links, actionLink{Label: T(lang, "call.state."+st), Href: "/calls?state=" + st})
		}
		lp.Links = append(lp.Links, actionLink{Label: T(lang, "nav.catalog"), Href: "/catalog"}, actionLink{Label: T(lang, "nav.calendar"), Href: "/calendar"})
	}
	s.render(w, r, http.StatusOK, "p_office_list", &page{Title: T(lang, "nav.calls"), Active: "/calls", Data: lp})
	return nil
}

func (s *Server) offCallsExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, _ := listOptions(r, offCallFilters...)
	opts.Limit, opts.Offset = 0, 0
	l := s.offLabelsFor(r)
	var rows [][]any
	if _, err := s.app.Calls(r.Context(), ac, opts, func(c *gongzhi.Call) error {
		rows = append(rows, []any{c.ID, c.Title, T(lang, "call.kind."+c.Kind), T(lang, "call.state."+c.State), c.PlaceName, c.FiscalYear,
			c.BudgetName, l.categoryList(c.Categories), c.Amount.String(), c.Awarded.String(), offShowTime(c.OpensAt), offShowTime(c.ClosesAt),
			c.Applications})
		return nil
	}); err != nil {
		return err
	}
	offSendXLSX(w, offXlsxName("calls"))
	headers := []string{"ID", T(lang, "call.title"), T(lang, "call.kind"), T(lang, "call.state"), T(lang, "call.place_code"),
		T(lang, "call.fiscal_year"), T(lang, "call.budget_id"), T(lang, "call.categories"), T(lang, "call.amount") + T(lang, "unit.yuan"),
		T(lang, "call.awarded") + T(lang, "unit.yuan"), T(lang, "call.opens_at"), T(lang, "call.closes_at"), T(lang, "call.applications")}
	return xlsx.Export(w, T(lang, "nav.calls"), headers, offRowsSeq(rows))
}

// ---- the form

const (
	offBandRows     = 5 // empty band rows offered at least
	offCriteriaRows = 8 // criterion rows offered at least
)

// offCallFormView is the draft call's form.
type offCallFormView struct {
	Action, Cancel string
	Basic          []field
	Timeline       []field
	Eligibility    []field
	Aggregation    field
	Needs          field
	Bands          []offBandRow
	BandsErr       string
	Criteria       []offCriterionRow
	CriteriaErr    string
	WeightSum      int
	CSS            string
}

type offBandRow struct {
	N                       int // the row's number as people count, from 1
	I                       int
	Name, Min, Max          string
	ErrName, ErrMin, ErrMax string
}

type offCriterionRow struct {
	N                                  int
	I                                  int
	Name, Weight, Description          string
	ErrName, ErrWeight, ErrDescription string
}

// offCallFromForm reads the call form. Empty band and criterion rows are dropped, so that the rows'
// numbers match the indices the validation's errors name.
func offCallFromForm(r *http.Request) (*gongzhi.Call, offRawValues, gongzhi.FieldErrors) {
	f := gongzhi.FieldErrors{}
	raw := offRawValues{}
	if err := r.ParseForm(); err != nil {
		f.Add("form", "bad_text")
	}
	v := r.PostForm
	c := &gongzhi.Call{PlaceCode: strings.TrimSpace(v.Get("place_code")), Kind: v.Get("kind"), Title: v.Get("title"),
		Description: v.Get("description"), MinGrade: v.Get("min_grade"), Aggregation: v.Get("aggregation"),
		RequireRegistered: v.Get("require_registered") == "true", ExcludeIneligible: v.Get("exclude_ineligible") == "true"}
	for _, x := range v["categories"] {
		if x = strings.TrimSpace(x); x != "" {
			c.Categories = append(c.Categories, x)
		}
	}
	if id := strings.TrimSpace(v.Get("budget_id")); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			f.Add("budget_id", "choice")
		}
		c.BudgetID = n
	}
	c.Amount = offParseYuan(f, "amount", v.Get("amount"), true)
	for _, k := range []string{"amount", "opens_at", "closes_at", "review_by", "notice_days"} {
		raw[k] = v.Get(k)
	}
	for i := 0; i < 50; i++ {
		k := "bands." + strconv.Itoa(i)
		name, lo, hi := strings.TrimSpace(v.Get(k+".name")), strings.TrimSpace(v.Get(k+".min")), strings.TrimSpace(v.Get(k+".max"))
		if _, ok := v[k+".min"]; !ok {
			break
		}
		if name == "" && lo == "" && hi == "" {
			continue
		}
		j := "bands." + strconv.Itoa(len(c.Bands))
		raw[j+".min"], raw[j+".max"] = lo, hi
		c.Bands = append(c.Bands, gongzhi.FundingBand{Name: name, Min: offParseYuan(f, j+".min", lo, true), Max: offParseYuan(f, j+".max", hi, true)})
	}
	c.OpensAt = offParseDateTime(f, "opens_at", v.Get("opens_at"), false)
	c.ClosesAt = offParseDateTime(f, "closes_at", v.Get("closes_at"), true)
	c.ReviewBy = offParseDateTime(f, "review_by", v.Get("review_by"), true)
	c.NoticeDays = offParseInt(f, "notice_days", v.Get("notice_days"))
	for _, line := range strings.Split(strings.ReplaceAll(v.Get("eligibility"), "\r\n", "\n"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			c.Eligibility = append(c.Eligibility, line)
		}
	}
	for i := 0; i < 50; i++ {
		k := "criteria." + strconv.Itoa(i)
		if _, ok := v[k+".name"]; !ok {
			break
		}
		name, weight, desc := strings.TrimSpace(v.Get(k+".name")), strings.TrimSpace(v.Get(k+".weight")), strings.TrimSpace(v.Get(k+".description"))
		if name == "" && weight == "" && desc == "" {
			continue
		}
		j := "criteria." + strconv.Itoa(len(c.Criteria))
		raw[j+".weight"] = weight
		c.Criteria = append(c.Criteria, gongzhi.Criterion{Name: name, Weight: offParseInt(f, j+".weight", weight), Description: desc})
	}
	if len(c.Criteria) == 0 {
		// an empty criteria table would silently become the default criteria: say so instead
		f.Add("criteria", "required")
	}
	for _, x := range v["need_ids"] {
		if x = strings.TrimSpace(x); x == "" {
			continue
		}
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			f.Add("need_ids", "choice")
			continue
		}
		c.NeedIDs = append(c.NeedIDs, n)
	}
	return c, raw, f
}


// or returns the typed value of k, if there is one, else the value shown from the record.
func (rv offRawValues) or(k, shown string) string {
	if v, ok := rv[k]; ok {
		return v
	}
	return shown
}

func (s *Server) offCallFormView(r *http.Request, c *gongzhi.Call, raw offRawValues, e *gongzhi.Error, create bool) *offCallFormView {
	ac, lang := actorOf(r), langOf(r)
	errs := offFieldErrs(lang, e)
	l := s.offLabelsFor(r)
	v := &offCallFormView{Action: "/calls/new", Cancel: "/calls", CSS: officeCSSURL()}
	if !create {
		v.Action, v.Cancel = offCallHref(c.ID)+"/edit", offCallHref(c.ID)
	}
	var budgets []option
	s.app.Budgets(r.Context(), ac, store.ListOptions{Limit: 200}, func(b *gongzhi.Budget) error {
		budgets = append(budgets, option{strconv.FormatInt(b.ID, 10), b.Name + " · " + strconv.Itoa(b.FiscalYear) + " · " +
			T(lang, "budget.available") + " " + offYuan(b.Available())})
		return nil
	})
	budgetID := ""
	if c.BudgetID != 0 {
		budgetID = strconv.FormatInt(c.BudgetID, 10)
	}
	v.Basic = []field{
		{Name: "title", Label: T(lang, "call.title"), Type: "text", Value: c.Title, Error: errs["title"], Required: true, Wide: true},
		{Name: "kind", Label: T(lang, "call.kind"), Type: "select", Value: c.Kind,
			Options: offWithBlank("—", enumOptions(lang, "call.kind", gongzhi.CallKinds, false)), Error: errs["kind"], Required: true},
		{Name: "place_code", Label: T(lang, "call.place_code"), Type: "select", Value: c.PlaceCode,
			Options: s.placeOptions(r, gongzhi.LevelDistrict, gongzhi.LevelStreet), Error: errs["place_code"], Required: true},
		{Name: "budget_id", Label: T(lang, "call.budget_id"), Type: "select", Value: budgetID, Options: offWithBlank("—", budgets),
			Error: errs["budget_id"], Required: true},
		{Name: "amount", Label: T(lang, "call.amount") + T(lang, "unit.yuan"), Type: "text", Value: raw.or("amount", offMoneyValue(c.Amount)), Error: errs["amount"],
			Required: true, Help: T(lang, "call.amount_help")},
		{Name: "categories", Label: T(lang, "call.categories"), Type: "multi", Values: c.Categories,
			Options: s.offCategoryOptions(r, l, false, ""), Error: errs["categories"], Required: true, Wide: true},
		{Name: "description", Label: T(lang, "call.description"), Type: "textarea", Value: c.Description, Error: errs["description"], Wide: true},
	}
	notice := ""
	if c.NoticeDays != 0 {
		notice = strconv.Itoa(c.NoticeDays)
	}
	v.Timeline = []field{
		{Name: "opens_at", Label: T(lang, "call.opens_at"), Type: "datetime-local", Value: raw.or("opens_at", offDateTimeValue(c.OpensAt)), Error: errs["opens_at"], Required: true},
		{Name: "closes_at", Label: T(lang, "call.closes_at"), Type: "datetime-local", Value: raw.or("closes_at", offDateTimeValue(c.ClosesAt)), Error: errs["closes_at"],
			Required: true, Help: T(lang, "call.closes_help")},
		{Name: "review_by", Label: T(lang, "call.review_by"), Type: "datetime-local", Value: raw.or("review_by", offDateTimeValue(c.ReviewBy)), Error: errs["review_by"]},
		{Name: "notice_days", Label: T(lang, "call.notice_days"), Type: "number", Value: raw.or("notice_days", notice), Error: errs["notice_days"],
			Help: T(lang, "call.notice_help")},
	}
	boolVal := func(b bool) string {
		if b {
			return "true"
		}
		return ""
	}
	v.Eligibility = []field{
		{Name: "eligibility", Label: T(lang, "call.eligibility"), Type: "textarea", Value: strings.Join(c.Eligibility, "\n"),
			Error: offFirstErr(errs, "eligibility"), Wide: true, Help: T(lang, "call.eligibility_help")},
		{Name: "min_grade", Label: T(lang, "call.min_grade"), Type: "select", Value: c.MinGrade,
			Options: enumOptions(lang, "org.grade", gongzhi.OrgGrades, false), Error: errs["min_grade"]},
		{Name: "require_registered", Label: T(lang, "call.require_registered"), Type: "checkbox", Value: boolVal(c.RequireRegistered)},
		{Name: "exclude_ineligible", Label: T(lang, "call.exclude_ineligible"), Type: "checkbox", Value: boolVal(c.ExcludeIneligible), Wide: true},
	}
	v.Aggregation = field{Name: "aggregation", Label: T(lang, "call.aggregation"), Type: "select", Value: c.Aggregation,
		Options: enumOptions(lang, "call.aggregation", gongzhi.Aggregations, false), Error: errs["aggregation"], Wide: true}
	var needs []option
	selected := map[string]bool{}
	for _, id := range c.NeedIDs {
		selected[strconv.FormatInt(id, 10)] = true
	}
	s.app.Needs(r.Context(), ac, store.ListOptions{Limit: 300, Sort: "community"}, func(n *gongzhi.Need) error {
		id := strconv.FormatInt(n.ID, 10)
		if n.Answered && !selected[id] {
			return nil
		}
		needs = append(needs, option{id, n.CommunityName + " · " + l.group(n.TargetGroup) + " · " + l.category(n.CategoryCode) + T(lang, "p.colon") +
			offTruncate(n.Description, 40) + T(lang, "p.open") + strconv.Itoa(n.PeopleAffected) + T(lang, "unit.people") + T(lang, "p.close")})
		return nil
	})
	var needValues []string
	for id := range selected {
		needValues = append(needValues, id)
	}
	v.Needs = field{Name: "need_ids", Label: T(lang, "call.need_ids"), Type: "multi", Values: needValues, Options: needs,
		Error: errs["need_ids"], Wide: true, Help: T(lang, "call.needs_help")}
	for i, b := range c.Bands {
		k := "bands." + strconv.Itoa(i)
		v.Bands = append(v.Bands, offBandRow{N: i + 1, I: i, Name: b.Name, Min: raw.or(k+".min", offMoneyValue(b.Min)), Max: raw.or(k+".max", offMoneyValue(b.Max)),
			ErrName: errs[k+".name"], ErrMin: errs[k+".min"], ErrMax: errs[k+".max"]})
	}
	for i := len(c.Bands); i < max(offBandRows, len(c.Bands)+2); i++ {
		v.Bands = append(v.Bands, offBandRow{N: i + 1, I: i})
	}
	v.BandsErr = errs["bands"]
	for i, cr := range c.Criteria {
		k := "criteria." + strconv.Itoa(i)
		v.Criteria = append(v.Criteria, offCriterionRow{N: i + 1, I: i, Name: cr.Name, Weight: raw.or(k+".weight", strconv.Itoa(cr.Weight)), Description: cr.Description,
			ErrName: errs[k+".name"], ErrWeight: errs[k+".weight"], ErrDescription: errs[k+".description"]})
		v.WeightSum += cr.Weight
	}
	for i := len(c.Criteria); i < max(offCriteriaRows, len(c.Criteria)+2); i++ {
		v.Criteria = append(v.Criteria, offCriterionRow{N: i + 1, I: i})
	}
	v.CriteriaErr = errs["criteria"]
	return v
}

// offFirstErr returns the error of a field or of any of its rows ("eligibility.2").
func offFirstErr(errs map[string]string, name string) string {
	if e := errs[name]; e != "" {
		return e
	}
	for _, k := range offSortedKeys(errs) {
		if strings.HasPrefix(k, name+".") {
			return errs[k]
		}
	}
	return ""
}

func (s *Server) offRenderCallForm(w http.ResponseWriter, r *http.Request, status int, c *gongzhi.Call, raw offRawValues, e *gongzhi.Error, create bool) {
	lang := langOf(r)
	title := T(lang, "call.new")
	if !create {
		title = T(lang, "action.edit") + " · " + c.Title
	}
	s.render(w, r, status, "p_office_call_form", &page{Title: title, Active: "/calls", Data: s.offCallFormView(r, c, raw, e, create), Error: e})
}

func (s *Server) offCallForm(create bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := actorOf(r)
		if !offIsPurchaser(ac) {
			return gongzhi.Forbidden()
		}
		var c *gongzhi.Call
		if create {
			now := s.app.Now().In(gongzhi.ChinaTime)
			at := func(days, hour int) time.Time {
				d := now.AddDate(0, 0, days)
				return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, gongzhi.ChinaTime)
			}
			c = &gongzhi.Call{PlaceCode: ac.ScopeCode, Kind: "venture_philanthropy", NoticeDays: 5, Aggregation: gongzhi.AggTrimMean,
				Criteria: gongzhi.DefaultCriteria(), RequireRegistered: true, ExcludeIneligible: true,
				OpensAt: at(1, 9), ClosesAt: at(22, 17), ReviewBy: at(36, 17),
				Eligibility: []string{T(langOf(r), "call.eligibility_default.1"), T(langOf(r), "call.eligibility_default.2")}}
			if id, err := strconv.ParseInt(r.URL.Query().Get("budget_id"), 10, 64); err == nil {
				c.BudgetID = id
			}
		} else {
			id, err := pathID(r)
			if err != nil {
				return err
			}
			if c, err = s.app.Call(r.Context(), ac, id); err != nil {
				return err
			}
			if c.State != gongzhi.CallDraft {
				return gongzhi.Refused("state", "state.illegal:"+c.State)
			}
		}
		s.offRenderCallForm(w, r, http.StatusOK, c, nil, nil, create)
		return nil
	}
}

func (s *Server) offCallSave(create bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := actorOf(r)
		return offSave(s, w, r, create, offRecordSave[gongzhi.Call]{
			load: func(r *http.Request) (func(*gongzhi.Call), error) {
				id, err := pathID(r)
				if err != nil {
					return nil, err
				}
				return func(c *gongzhi.Call) { c.ID = id }, nil
			},
			fromForm: offCallFromForm,
			validate: (*gongzhi.Call).Validate,
			save: func(r *http.Request, c *gongzhi.Call) error {
				if create {
					return s.app.CreateCall(r.Context(), ac, c)
				}
				return s.app.UpdateCall(r.Context(), ac, c)
			},
			saved: func(r *http.Request, c *gongzhi.Call) (any, string, error) {
				stored, err := s.app.Call(r.Context(), ac, c.ID)
				return stored, "/api/v1/calls/" + strconv.FormatInt(c.ID, 10), err
			},
			form: func(w http.ResponseWriter, r *http.Request, status int, c *gongzhi.Call, raw offRawValues, e *gongzhi.Error) {
				s.offRenderCallForm(w, r, status, c, raw, e, create)
			},
			href: func(c *gongzhi.Call) string { return offCallHref(c.ID) },
		})
	}
}
