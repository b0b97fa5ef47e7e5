// Calls for projects (项目征集) in the office's pages and the API: the list with its state filter,
// and the form of a draft call — kind, title, categories, budget, funding bands, timeline,
// notice period in working days, eligibility, scoring criteria with weights, the aggregation
// rule and the needs it answers. Repeated rows (bands, criteria) are plain numbered inputs, so
// the form needs no JavaScript.

package purchaseweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

var offCallFilters = []string{"state", "kind", "category", "budget", "fiscal_year"}

// CallStates lists a call's states in workflow order, for the filter and the steps.
var offCallStates = []string{gongzhi.CallDraft, gongzhi.CallOpen, gongzhi.CallClosed, gongzhi.CallReviewing, gongzhi.CallNotice,
	gongzhi.CallFinal, gongzhi.CallCancelled}

func offCallHref(id int64) string { return "/calls/" + strconv.FormatInt(id, 10) }

func (s *Server) offCallListRoutes() {
	s.Handle("GET /calls", web.Changed, s.OffWrap(s.offCallsList))
	s.Handle("GET /calls/export.xlsx", web.Changed, s.OffWrap(s.offCallsExport))
	s.Handle("GET /calls/new", web.Changed, s.OffWrap(s.offCallForm(true)))
	s.Handle("POST /calls/new", web.Changed, s.OffWrap(s.offCallSave(true)))
	s.Handle("GET /calls/{id}/edit", web.Changed, s.OffWrap(s.offCallForm(false)))
	s.Handle("POST /calls/{id}/edit", web.Changed, s.OffWrap(s.offCallSave(false)))
	s.Api("GET /api/v1/calls", s.OffWrap(s.offCallsList))
	s.Api("GET /api/v1/calls.xlsx", s.OffWrap(s.offCallsExport))
	s.Api("POST /api/v1/calls", s.OffWrap(s.offCallSave(true)))
	s.Api("PUT /api/v1/calls/{id}", s.OffWrap(s.offCallSave(false)))
}

func (s *Server) offCallsList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, offCallFilters...)
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.Calls))
	}
	lv := &web.ListView{Action: "/calls", Q: opts.Q}
	total, err := s.svc.Calls(r.Context(), ac, opts, func(c *gongzhi.Call) error {
		lv.Rows = append(lv.Rows, []web.Cell{{Text: c.Title, Href: offCallHref(c.ID)}, {Text: web.T(lang, "call.kind."+c.Kind)},
			{Text: web.T(lang, "call.state."+c.State), Class: "state"}, {Text: strconv.Itoa(c.FiscalYear)}, {Text: web.OffYuan(c.Amount), Class: "num"},
			{Text: web.OffShowTime(c.OpensAt)}, {Text: web.OffShowTime(c.ClosesAt)}, {Text: strconv.Itoa(c.Applications), Class: "num"},
			{Text: web.OffYuan(c.Awarded), Class: "num"}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	web.PageLinks(r, lv, []web.ColDef{{Label: web.T(lang, "call.title"), Sort: "title"}, {Label: web.T(lang, "call.kind"), Sort: ""}, {Label: web.T(lang, "call.state"), Sort: ""},
		{Label: web.T(lang, "call.fiscal_year"), Sort: ""}, {Label: web.T(lang, "call.amount"), Sort: "amount"}, {Label: web.T(lang, "call.opens_at"), Sort: "opens_at"},
		{Label: web.T(lang, "call.closes_at"), Sort: "closes_at"}, {Label: web.T(lang, "call.applications"), Sort: ""}, {Label: web.T(lang, "call.awarded"), Sort: ""}}, opts.Limit)
	l := s.OffLabelsFor(r)
	lv.Filters = []web.Field{
		web.FilterSelect(r, "state", web.T(lang, "call.state"), web.EnumOptions(lang, "call.state", offCallStates, true)),
		web.FilterSelect(r, "kind", web.T(lang, "call.kind"), web.EnumOptions(lang, "call.kind", gongzhi.CallKinds, true)),
		web.FilterSelect(r, "category", web.T(lang, "call.categories"), s.OffCategoryOptions(r, l, true, web.T(lang, "list.all"))),
		{Name: "fiscal_year", Label: web.T(lang, "call.fiscal_year"), Type: "number", Value: r.URL.Query().Get("fiscal_year")},
	}
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/calls/export.xlsx?" + q.Encode()
	if purchase.MayPurchase(ac) {
		lv.NewURL = "/calls/new"
	}
	lp := &web.OffListPage{ListView: lv}
	if purchase.MayReadPurchases(ac) {
		for _, st := range []string{gongzhi.CallOpen, gongzhi.CallClosed, gongzhi.CallReviewing, gongzhi.CallNotice} {
			lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "call.state."+st), Href: "/calls?state=" + st})
		}
		lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "nav.catalog"), Href: "/catalog"}, web.ActionLink{Label: web.T(lang, "nav.calendar"), Href: "/calendar"})
	}
	s.Render(w, r, http.StatusOK, "p_office_list", &web.Page{Title: web.T(lang, "nav.calls"), Active: "/calls", Data: lp})
	return nil
}

func (s *Server) offCallsExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, _ := web.ListOptions(r, offCallFilters...)
	opts.Limit, opts.Offset = 0, 0
	l := s.OffLabelsFor(r)
	var rows [][]any
	if _, err := s.svc.Calls(r.Context(), ac, opts, func(c *gongzhi.Call) error {
		rows = append(rows, []any{c.ID, c.Title, web.T(lang, "call.kind."+c.Kind), web.T(lang, "call.state."+c.State), c.PlaceName, c.FiscalYear,
			c.BudgetName, l.CategoryList(c.Categories), web.OffAmount(c.Amount), web.OffAmount(c.Awarded), web.OffShowTime(c.OpensAt), web.OffShowTime(c.ClosesAt),
			c.Applications})
		return nil
	}); err != nil {
		return err
	}
	web.OffSendXLSX(w, web.OffXlsxName("calls"))
	headers := []string{"ID", web.T(lang, "call.title"), web.T(lang, "call.kind"), web.T(lang, "call.state"), web.T(lang, "call.place_code"),
		web.T(lang, "call.fiscal_year"), web.T(lang, "call.budget_id"), web.T(lang, "call.categories"), web.T(lang, "call.amount") + web.T(lang, "unit.yuan"),
		web.T(lang, "call.awarded") + web.T(lang, "unit.yuan"), web.T(lang, "call.opens_at"), web.T(lang, "call.closes_at"), web.T(lang, "call.applications")}
	return xlsx.Export(w, web.T(lang, "nav.calls"), headers, web.OffRowsSeq(rows))
}

// ---- the form

const (
	offBandRows     = 5 // empty band rows offered at least
	offCriteriaRows = 8 // criterion rows offered at least
)

// offCallFormView is the draft call's form.
type offCallFormView struct {
	Action, Cancel string
	Basic          []web.Field
	Timeline       []web.Field
	Eligibility    []web.Field
	Aggregation    web.Field
	Needs          web.Field
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
func offCallFromForm(r *http.Request) (*gongzhi.Call, web.OffRawValues, gongzhi.FieldErrors) {
	f := gongzhi.FieldErrors{}
	raw := web.OffRawValues{}
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
	c.Amount = web.OffParseYuan(f, "amount", v.Get("amount"), true)
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
		c.Bands = append(c.Bands, gongzhi.FundingBand{Name: name, Min: web.OffParseYuan(f, j+".min", lo, true), Max: web.OffParseYuan(f, j+".max", hi, true)})
	}
	c.OpensAt = web.OffParseDateTime(f, "opens_at", v.Get("opens_at"), false)
	c.ClosesAt = web.OffParseDateTime(f, "closes_at", v.Get("closes_at"), true)
	c.ReviewBy = web.OffParseDateTime(f, "review_by", v.Get("review_by"), true)
	c.NoticeDays = web.OffParseInt(f, "notice_days", v.Get("notice_days"))
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
		c.Criteria = append(c.Criteria, gongzhi.Criterion{Name: name, Weight: web.OffParseInt(f, j+".weight", weight), Description: desc})
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

func (s *Server) offCallFormView(r *http.Request, c *gongzhi.Call, raw web.OffRawValues, e *gongzhi.Error, create bool) *offCallFormView {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	errs := web.OffFieldErrs(lang, e)
	l := s.OffLabelsFor(r)
	v := &offCallFormView{Action: "/calls/new", Cancel: "/calls", CSS: web.OfficeCSSURL()}
	if !create {
		v.Action, v.Cancel = offCallHref(c.ID)+"/edit", offCallHref(c.ID)
	}
	// the budgets and the needs of the purchaser's scope, every one: its scope bounds them
	var budgets []web.Option
	_, err := s.svc.Budgets(r.Context(), ac, gongzhi.ListOptions{}, func(b *gongzhi.Budget) error {
		budgets = append(budgets, web.Option{Value: strconv.FormatInt(b.ID, 10), Label: b.Name + " · " + strconv.Itoa(b.FiscalYear) + " · " +
			web.T(lang, "budget.available") + " " + web.OffYuan(b.Available())})
		return nil
	})
	s.LogListError(r, "budget options", err)
	budgetID := ""
	if c.BudgetID != 0 {
		budgetID = strconv.FormatInt(c.BudgetID, 10)
	}
	v.Basic = []web.Field{
		{Name: "title", Label: web.T(lang, "call.title"), Type: "text", Value: c.Title, Error: errs["title"], Required: true, Wide: true},
		{Name: "kind", Label: web.T(lang, "call.kind"), Type: "select", Value: c.Kind,
			Options: web.OffWithBlank("—", web.EnumOptions(lang, "call.kind", gongzhi.CallKinds, false)), Error: errs["kind"], Required: true},
		{Name: "place_code", Label: web.T(lang, "call.place_code"), Type: "select", Value: c.PlaceCode,
			Options: s.PlaceOptions(r, purchase.PurchaseLevels...), Error: errs["place_code"], Required: true},
		{Name: "budget_id", Label: web.T(lang, "call.budget_id"), Type: "select", Value: budgetID, Options: web.OffWithBlank("—", budgets),
			Error: errs["budget_id"], Required: true},
		{Name: "amount", Label: web.T(lang, "call.amount") + web.T(lang, "unit.yuan"), Type: "text", Value: raw.Or("amount", web.OffMoneyValue(c.Amount)), Error: errs["amount"],
			Required: true, Help: web.T(lang, "call.amount_help")},
		{Name: "categories", Label: web.T(lang, "call.categories"), Type: "multi", Values: c.Categories,
			Options: s.OffCategoryOptions(r, l, false, ""), Error: errs["categories"], Required: true, Wide: true},
		{Name: "description", Label: web.T(lang, "call.description"), Type: "textarea", Value: c.Description, Error: errs["description"], Wide: true},
	}
	notice := ""
	if c.NoticeDays != 0 {
		notice = strconv.Itoa(c.NoticeDays)
	}
	v.Timeline = []web.Field{
		{Name: "opens_at", Label: web.T(lang, "call.opens_at"), Type: "datetime-local", Value: raw.Or("opens_at", web.OffDateTimeValue(c.OpensAt)), Error: errs["opens_at"], Required: true},
		{Name: "closes_at", Label: web.T(lang, "call.closes_at"), Type: "datetime-local", Value: raw.Or("closes_at", web.OffDateTimeValue(c.ClosesAt)), Error: errs["closes_at"],
			Required: true, Help: web.T(lang, "call.closes_help")},
		{Name: "review_by", Label: web.T(lang, "call.review_by"), Type: "datetime-local", Value: raw.Or("review_by", web.OffDateTimeValue(c.ReviewBy)), Error: errs["review_by"]},
		{Name: "notice_days", Label: web.T(lang, "call.notice_days"), Type: "number", Value: raw.Or("notice_days", notice), Error: errs["notice_days"],
			Help: web.T(lang, "call.notice_help")},
	}
	boolVal := func(b bool) string {
		if b {
			return "true"
		}
		return ""
	}
	v.Eligibility = []web.Field{
		{Name: "eligibility", Label: web.T(lang, "call.eligibility"), Type: "textarea", Value: strings.Join(c.Eligibility, "\n"),
			Error: offFirstErr(errs, "eligibility"), Wide: true, Help: web.T(lang, "call.eligibility_help")},
		{Name: "min_grade", Label: web.T(lang, "call.min_grade"), Type: "select", Value: c.MinGrade,
			Options: web.EnumOptions(lang, "org.grade", gongzhi.OrgGrades, false), Error: errs["min_grade"]},
		{Name: "require_registered", Label: web.T(lang, "call.require_registered"), Type: "checkbox", Value: boolVal(c.RequireRegistered)},
		{Name: "exclude_ineligible", Label: web.T(lang, "call.exclude_ineligible"), Type: "checkbox", Value: boolVal(c.ExcludeIneligible), Wide: true},
	}
	v.Aggregation = web.Field{Name: "aggregation", Label: web.T(lang, "call.aggregation"), Type: "select", Value: c.Aggregation,
		Options: web.EnumOptions(lang, "call.aggregation", gongzhi.Aggregations, false), Error: errs["aggregation"], Wide: true}
	var needs []web.Option
	selected := map[string]bool{}
	for _, id := range c.NeedIDs {
		selected[strconv.FormatInt(id, 10)] = true
	}
	_, err = s.svc.Needs(r.Context(), ac, gongzhi.ListOptions{Sort: "community"}, func(n *gongzhi.Need) error {
		id := strconv.FormatInt(n.ID, 10)
		if n.Answered && !selected[id] {
			return nil
		}
		needs = append(needs, web.Option{Value: id, Label: n.CommunityName + " · " + l.Group(n.TargetGroup) + " · " + l.Category(n.CategoryCode) + web.T(lang, "p.colon") +
			web.OffTruncate(n.Description, 40) + web.T(lang, "p.open") + web.TN(lang, "unit.people", n.PeopleAffected) + web.T(lang, "p.close")})
		return nil
	})
	s.LogListError(r, "need options", err)
	var needValues []string
	for id := range selected {
		needValues = append(needValues, id)
	}
	v.Needs = web.Field{Name: "need_ids", Label: web.T(lang, "call.need_ids"), Type: "multi", Values: needValues, Options: needs,
		Error: errs["need_ids"], Wide: true, Help: web.T(lang, "call.needs_help")}
	for i, b := range c.Bands {
		k := "bands." + strconv.Itoa(i)
		v.Bands = append(v.Bands, offBandRow{N: i + 1, I: i, Name: b.Name, Min: raw.Or(k+".min", web.OffMoneyValue(b.Min)), Max: raw.Or(k+".max", web.OffMoneyValue(b.Max)),
			ErrName: errs[k+".name"], ErrMin: errs[k+".min"], ErrMax: errs[k+".max"]})
	}
	for i := len(c.Bands); i < max(offBandRows, len(c.Bands)+2); i++ {
		v.Bands = append(v.Bands, offBandRow{N: i + 1, I: i})
	}
	v.BandsErr = errs["bands"]
	for i, cr := range c.Criteria {
		k := "criteria." + strconv.Itoa(i)
		v.Criteria = append(v.Criteria, offCriterionRow{N: i + 1, I: i, Name: cr.Name, Weight: raw.Or(k+".weight", strconv.Itoa(cr.Weight)), Description: cr.Description,
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
	for _, k := range web.OffSortedKeys(errs) {
		if strings.HasPrefix(k, name+".") {
			return errs[k]
		}
	}
	return ""
}

func (s *Server) offRenderCallForm(w http.ResponseWriter, r *http.Request, status int, c *gongzhi.Call, raw web.OffRawValues, e *gongzhi.Error, create bool) {
	lang := web.LangOf(r)
	title := web.T(lang, "call.new")
	if !create {
		title = web.T(lang, "action.edit") + " · " + c.Title
	}
	s.Render(w, r, status, "p_office_call_form", &web.Page{Title: title, Active: "/calls", Data: s.offCallFormView(r, c, raw, e, create), Error: e})
}

func (s *Server) offCallForm(create bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := web.ActorOf(r)
		if !purchase.MayPurchase(ac) {
			return gongzhi.Forbidden()
		}
		var c *gongzhi.Call
		if create {
			now := s.svc.Now().In(gongzhi.ChinaTime)
			at := func(days, hour int) time.Time {
				d := now.AddDate(0, 0, days)
				return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, gongzhi.ChinaTime)
			}
			c = &gongzhi.Call{PlaceCode: ac.ScopeCode, Kind: "venture_philanthropy", NoticeDays: 5, Aggregation: gongzhi.AggTrimMean,
				Criteria: gongzhi.DefaultCriteria(), RequireRegistered: true, ExcludeIneligible: true,
				OpensAt: at(1, 9), ClosesAt: at(22, 17), ReviewBy: at(36, 17),
				Eligibility: []string{web.T(web.LangOf(r), "call.eligibility_default.1"), web.T(web.LangOf(r), "call.eligibility_default.2")}}
			if id, err := strconv.ParseInt(r.URL.Query().Get("budget_id"), 10, 64); err == nil {
				c.BudgetID = id
			}
		} else {
			id, err := web.PathID(r)
			if err != nil {
				return err
			}
			if c, err = s.svc.Call(r.Context(), ac, id); err != nil {
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

func (s *Server) offCallSave(create bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := web.ActorOf(r)
		return web.OffSave(s.Server, w, r, create, web.OffRecordSave[gongzhi.Call]{
			Load: func(r *http.Request) (func(*gongzhi.Call), error) {
				id, err := web.PathID(r)
				if err != nil {
					return nil, err
				}
				return func(c *gongzhi.Call) { c.ID = id }, nil
			},
			FromForm: offCallFromForm,
			Validate: (*gongzhi.Call).Validate,
			Save: func(r *http.Request, c *gongzhi.Call) error {
				if create {
					return s.svc.CreateCall(r.Context(), ac, c)
				}
				return s.svc.UpdateCall(r.Context(), ac, c)
			},
			Saved: func(r *http.Request, c *gongzhi.Call) (any, string, error) {
				stored, err := s.svc.Call(r.Context(), ac, c.ID)
				return stored, "/api/v1/calls/" + strconv.FormatInt(c.ID, 10), err
			},
			Form: func(w http.ResponseWriter, r *http.Request, status int, c *gongzhi.Call, raw web.OffRawValues, e *gongzhi.Error) {
				s.offRenderCallForm(w, r, status, c, raw, e, create)
			},
			Href: func(c *gongzhi.Call) string { return offCallHref(c.ID) },
		})
	}
}
