// Service vouchers: the routes, the API documentation and the handlers. The same handlers answer
// the pages and the JSON API.

package vouchersweb

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/vouchers"
	"gongzhi/internal/web"
)

func (s *Server) routes() {
	s.Handle("GET /vouchers", web.Changed, s.home)
	s.Handle("POST /vouchers/schemes", web.Changed, s.createScheme)
	s.Handle("GET /vouchers/schemes/{id}", web.Changed, s.scheme)
	s.Handle("POST /vouchers/schemes/{id}/issue", web.Changed, s.issueAll)
	s.Handle("POST /vouchers/schemes/{id}/issue-one", web.Changed, s.issueOne)
	s.Handle("GET /vouchers/schemes/{id}/pick", web.Changed, s.pick)
	s.Handle("GET /vouchers/schemes/{id}/edit", web.Changed, s.editForm)
	s.Handle("POST /vouchers/schemes/{id}/edit", web.Changed, s.editScheme)
	s.Handle("POST /vouchers/schemes/{id}/sheets", web.Changed, s.sheets)
	s.Handle("POST /vouchers/schemes/{id}/statements", web.Changed, s.draftStatements)
	s.Handle("POST /vouchers/statements/{id}/approve", web.Changed, s.approve)
	s.Handle("POST /vouchers/statements/{id}/pay", web.Changed, s.pay)
	s.Handle("GET /vouchers/redeem", web.Changed, s.redeemPage)
	s.Handle("POST /vouchers/redeem", web.Changed, s.redeem)
	s.Handle("GET /vouchers/report", web.Changed, s.report)
	s.Handle("GET /vouchers/{id}", web.Changed, s.voucher)
	s.Handle("POST /vouchers/{id}/choose", web.Changed, s.choose)
	s.Handle("POST /vouchers/{id}/pin", web.Changed, s.newPIN)
	s.Handle("POST /vouchers/{id}/rate", web.Changed, s.rate)
	s.Handle("GET /public/vouchers", web.Public, s.public)

	s.Api("GET /api/v1/voucher-schemes", s.apiSchemes)
	s.Api("POST /api/v1/voucher-schemes", s.createScheme)
	s.Api("GET /api/v1/voucher-schemes/{id}", s.scheme)
	s.Api("PUT /api/v1/voucher-schemes/{id}", s.editScheme)
	s.Api("GET /api/v1/voucher-schemes/{id}/candidates", s.apiCandidates)
	s.Api("GET /api/v1/voucher-entries", s.apiRedeemEntries)
	s.Api("GET /api/v1/vouchers/summary", s.apiSummary)
	s.Api("POST /api/v1/voucher-schemes/{id}/issue", s.issueAll)
	s.Api("POST /api/v1/voucher-schemes/{id}/issue-one", s.issueOne)
	s.Api("POST /api/v1/voucher-schemes/{id}/sheets", s.sheets)
	s.Api("POST /api/v1/voucher-schemes/{id}/statements", s.draftStatements)
	s.Api("GET /api/v1/voucher-statements", s.apiStatements)
	s.Api("POST /api/v1/voucher-statements/{id}/approve", s.approve)
	s.Api("POST /api/v1/voucher-statements/{id}/pay", s.pay)
	s.Api("GET /api/v1/vouchers", s.apiVouchers)
	s.Api("POST /api/v1/vouchers/redeem", s.redeem)
	s.Api("GET /api/v1/vouchers/report", s.report)
	s.Api("GET /api/v1/vouchers/{id}", s.voucher)
	s.Api("POST /api/v1/vouchers/{id}/choose", s.choose)
	s.Api("POST /api/v1/vouchers/{id}/pin", s.newPIN)
	s.Api("POST /api/v1/vouchers/{id}/rate", s.rate)
	s.ApiPublic("GET /api/v1/public/vouchers/providers", s.public)
}

// API bodies.
type schemeRequest struct {
	Name         string        `json:"name"`
	BudgetID     int64         `json:"budget_id"`
	FaceValue    gongzhi.Money `json:"face_value"` // fen
	TargetGroups []string      `json:"target_groups"`
	MinAge       int           `json:"min_age"`
	Communities  []string      `json:"communities"`
	LivingAlone  bool          `json:"living_alone"`
	Categories   []string      `json:"categories"`
	Providers    []int64       `json:"providers"`
	ValidFrom    string        `json:"valid_from"`
	ValidUntil   string        `json:"valid_until"`
	PerPerson    int           `json:"per_person"`
}

// schemeForm is the page's form of a scheme: the face value in yuan, providers as chosen.
type schemeForm struct {
	Name         string   `json:"name"`
	BudgetID     int64    `json:"budget_id"`
	FaceValue    string   `json:"face_value"`
	TargetGroups []string `json:"target_groups"`
	MinAge       int      `json:"min_age"`
	Communities  []string `json:"communities"`
	LivingAlone  bool     `json:"living_alone"`
	Categories   []string `json:"categories"`
	Providers    []string `json:"providers"`
	ValidFrom    string   `json:"valid_from"`
	ValidUntil   string   `json:"valid_until"`
	PerPerson    int      `json:"per_person"`
}

type issueOneRequest struct {
	PersonID int64  `json:"person_id"`
	PersonQ  string `json:"person_q,omitempty"` // the page's search box (the name typed to find the resident)
	Then     string `json:"then,omitempty"`     // the page's "find" button: show the form again with the matches
}

type sheetsRequest struct {
	Community string `json:"community"`
	IDs       string `json:"ids"` // comma-separated voucher ids; "" for every issued voucher of the community
}

type monthRequest struct {
	Month string `json:"month"`
}

type payRequest struct {
	PaidOn string `json:"paid_on"`
}

type chooseRequest struct {
	OrgID int64 `json:"org_id"`
}

type rateRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

type issued struct {
	Issued   int                `json:"issued"`
	Vouchers []*gongzhi.Voucher `json:"vouchers"`
}

func apiDocs() map[string]web.ApiDoc {
	return map[string]web.ApiDoc{
		"GET /api/v1/voucher-schemes": {Summary: "Voucher schemes: a purchaser's, hub's, auditor's or community's place; a provider the schemes admitting it",
			Resp: web.ItemsOf[gongzhi.VoucherScheme]{}},
		"POST /api/v1/voucher-schemes": {Summary: "Create a voucher scheme for the purchaser's place on one of its budgets (face value in fen); " +
			"refused when the vouchers for everyone eligible would overspend the budget", Req: schemeRequest{}, Resp: gongzhi.VoucherScheme{}, Status: http.StatusCreated},
		"GET /api/v1/voucher-schemes/{id}": {Summary: "A voucher scheme with its counts", Resp: gongzhi.VoucherScheme{}},
		"PUT /api/v1/voucher-schemes/{id}": {Summary: "Edit a voucher scheme (purchaser; fields left out keep their values): everything before its first voucher is issued, " +
			"then only the name, the last day (for vouchers issued from then on), the admitted providers and the categories; audited", Req: schemeRequest{}, Resp: gongzhi.VoucherScheme{}},
		"GET /api/v1/voucher-schemes/{id}/candidates": {Summary: "Residents the scheme admits whose name (or its pinyin) contains q, for issuing one voucher (purchaser; at most 20, ID numbers masked)",
			Resp: web.ItemsOf[vouchers.EligibleMatch]{}, Filters: []string{"q"}},
		"GET /api/v1/voucher-entries": {Summary: "The provider's latest service ledger entries in force, which a redemption may link (entry_id)", Resp: web.ItemsOf[entryOption]{}},
		"GET /api/v1/vouchers/summary": {Summary: "The place's voucher figures this month and in all: issued, redeemed, expired, settled, money reserved and paid (purchaser, hub, auditor)",
			Resp: vouchers.Figures{}},
		"POST /api/v1/voucher-schemes/{id}/issue":      {Summary: "Issue the scheme's vouchers to every eligible resident up to the per-person limit, in one transaction, reserving their money (purchaser)", Resp: issued{}},
		"POST /api/v1/voucher-schemes/{id}/issue-one":  {Summary: "Issue one voucher of the scheme to one eligible resident (purchaser)", Req: issueOneRequest{}, Resp: gongzhi.Voucher{}, Status: http.StatusCreated},
		"POST /api/v1/voucher-schemes/{id}/sheets":     {Summary: "Make a new one-time PIN for each issued voucher of a community (or the ids given) and answer them for the printed sheet (community staff, purchaser; audited)", Req: sheetsRequest{}, Resp: web.ItemsOf[gongzhi.Voucher]{}},
		"POST /api/v1/voucher-schemes/{id}/statements": {Summary: "Draft the month's statement of each provider from its redemptions not yet on one (purchaser)", Req: monthRequest{}, Resp: web.ItemsOf[gongzhi.VoucherStatement]{}, Status: http.StatusCreated},
		"GET /api/v1/voucher-statements":               {Summary: "Voucher statements: of the place's schemes, or a provider's own (query scheme)", Resp: web.ItemsOf[gongzhi.VoucherStatement]{}},
		"POST /api/v1/voucher-statements/{id}/approve": {Summary: "Approve a drafted statement, once (purchaser)", Resp: gongzhi.VoucherStatement{}},
		"POST /api/v1/voucher-statements/{id}/pay":     {Summary: "Record an approved statement paid: its money moves from reserved to spent in the scheme's budget and its vouchers are settled, once (purchaser)", Req: payRequest{}, Resp: gongzhi.VoucherStatement{}},
		"GET /api/v1/vouchers": {Summary: "Vouchers: staff of their place's communities, a provider those chosen by or redeemed at it, a resident their own and their household's",
			Resp: web.ItemsOf[gongzhi.Voucher]{}, Filters: []string{"scheme", "state", "community", "person"}},
		"POST /api/v1/vouchers/redeem": {Summary: "Redeem a voucher at the caller's organization with the resident's PIN, once, linking an entry of its service ledger; " +
			"a wrong PIN is counted and five in a row lock the voucher for 15 minutes", Req: vouchers.RedeemRequest{}, Resp: gongzhi.Voucher{}},
		"GET /api/v1/vouchers/report":       {Summary: "Vouchers issued, redeemed and expired and money settled, by scheme, community, provider or month (query by)", Resp: web.ItemsOf[gongzhi.VoucherCount]{}},
		"GET /api/v1/vouchers/{id}":         {Summary: "A voucher with its redemption", Resp: gongzhi.Voucher{}},
		"POST /api/v1/vouchers/{id}/choose": {Summary: "Choose an admitted provider for one's issued voucher (resident)", Req: chooseRequest{}, Resp: gongzhi.Voucher{}},
		"POST /api/v1/vouchers/{id}/pin":    {Summary: "Make a new one-time PIN for one's issued voucher and answer it once (resident)", Resp: gongzhi.Voucher{}},
		"POST /api/v1/vouchers/{id}/rate":   {Summary: "Rate the service a spent voucher bought, once, 1–5 (resident)", Req: rateRequest{}, Resp: gongzhi.Voucher{}},
		"GET /api/v1/public/vouchers/providers": {Summary: "Each provider's share of each scheme's redemptions and its residents' average rating",
			Resp: web.ItemsOf[gongzhi.VoucherProviderShare]{}, Public: true},
	}
}

func init() { web.AddAPIDocs(apiDocs()) }

// ---- views

type section struct {
	Title, Intro, Big string
	QR                template.HTML
	Rows              []web.Kv
	Cols              []string
	Table             [][]web.Cell
	Forms             []*web.FormView
}

type pageView struct {
	Back     string
	Problems []string
	Sections []section
}

type sheetItem struct {
	V      *gongzhi.Voucher
	Serial string
	Value  string
	QR     template.HTML
}

func href(prefix string, id int64) string { return prefix + strconv.FormatInt(id, 10) }

func yuan(lang string, m gongzhi.Money) string { return web.T(lang, "voucher.yuan:"+m.Format()) }

// groupSerial shows a serial in groups of four, as people type it.
func groupSerial(s string) string {
	var parts []string
	for len(s) > 4 {
		parts, s = append(parts, s[:4]), s[4:]
	}
	return strings.Join(append(parts, s), "-")
}

// render renders a page of sections; e is a refusal to show above them.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, title string, v *pageView, e *gongzhi.Error) {
	lang := web.LangOf(r)
	if e != nil {
		for _, reason := range e.Fields {
			v.Problems = append(v.Problems, web.T(lang, reason))
		}
		if len(e.Fields) == 0 {
			v.Problems = append(v.Problems, web.T(lang, e.Message))
		}
	}
	s.Render(w, r, status, "vouchers_page", &web.Page{Title: title, Active: "/vouchers", Data: v, Error: e})
}

// answer finishes a write: JSON for the API; for a page, a refusal of the input is shown on
// the page again (again renders it), anything else goes back to to with a message.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error, again func(*gongzhi.Error) error, to, flash string) error {
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, status, v)
		return nil
	}
	if e := gongzhi.AsError(err); err != nil && again != nil && (e.Code == gongzhi.EINVALID || e.Code == gongzhi.ECONFLICT || e.Code == gongzhi.ETOOMANY) {
		return again(e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, to, web.T(web.LangOf(r), flash))
}

func stateText(lang string, v *gongzhi.Voucher) string { return web.T(lang, "voucher.state."+v.State) }

// ---- home

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	return s.renderHome(w, r, http.StatusOK, nil)
}

func (s *Server) renderHome(w http.ResponseWriter, r *http.Request, status int, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ctx := r.Context()
	v := &pageView{}
	if vouchers.MayRedeemVouchers(ac) {
		f, err := s.redeemForm(r, e)
		if err != nil {
			return err
		}
		v.Sections = append(v.Sections, section{Title: web.T(lang, "voucher.redeem_title"), Forms: []*web.FormView{f},
			Rows: []web.Kv{{Label: web.T(lang, "voucher.entry_new"), Value: web.T(lang, "voucher.entry_new_open"), Href: "/ledger/new"}}})
	}
	if vouchers.MayReadVoucherSchemes(ac) {
		list, err := s.svc.Schemes(ctx, ac)
		if err != nil {
			return err
		}
		sec := section{Title: web.T(lang, "voucher.schemes"), Cols: []string{web.T(lang, "voucher.scheme"), web.T(lang, "voucher.face_value"),
			web.T(lang, "voucher.valid"), web.T(lang, "voucher.issued"), web.T(lang, "voucher.redeemed"), web.T(lang, "voucher.expired")}}
		for _, sc := range list {
			sec.Table = append(sec.Table, []web.Cell{{Text: sc.Name, Href: href("/vouchers/schemes/", sc.ID)}, {Text: yuan(lang, sc.FaceValue)},
				{Text: sc.ValidFrom + " – " + sc.ValidUntil}, {Text: strconv.Itoa(sc.Issued)}, {Text: strconv.Itoa(sc.Redeemed)}, {Text: strconv.Itoa(sc.Expired)}})
		}
		if vouchers.MayReadVoucherReport(ac) {
			sec.Rows = []web.Kv{{Label: web.T(lang, "voucher.report"), Value: web.T(lang, "voucher.report_open"), Href: "/vouchers/report"}}
		}
		v.Sections = append(v.Sections, sec)
		if vouchers.MayManageVoucherSchemes(ac) {
			f, err := s.schemeForm(r, e, nil)
			if err != nil {
				return err
			}
			v.Sections = append(v.Sections, section{Title: web.T(lang, "voucher.new_scheme"), Forms: []*web.FormView{f}})
		}
	}
	if ac.Has(gongzhi.RoleResident) || ac.Has(gongzhi.RoleProvider) || ac.Has(gongzhi.RoleCommunity) {
		sec := section{Title: web.T(lang, "voucher.list"), Cols: []string{web.T(lang, "voucher.serial"), web.T(lang, "voucher.scheme"),
			web.T(lang, "voucher.holder"), web.T(lang, "voucher.face_value"), web.T(lang, "voucher.valid_until"), web.T(lang, "voucher.state"),
			web.T(lang, "voucher.provider")}}
		if err := s.svc.Vouchers(ctx, ac, map[string]string{}, func(x *gongzhi.Voucher) error {
			sec.Table = append(sec.Table, []web.Cell{{Text: groupSerial(x.Serial), Href: href("/vouchers/", x.ID)}, {Text: x.SchemeName},
				{Text: x.PersonName}, {Text: yuan(lang, x.FaceValue)}, {Text: x.ValidUntil}, {Text: stateText(lang, x)}, {Text: x.ChosenOrgName}})
			return nil
		}); err != nil {
			return err
		}
		if ac.Has(gongzhi.RoleResident) && len(sec.Table) == 0 {
			sec.Intro = web.T(lang, "voucher.none_yet")
		}
		v.Sections = append(v.Sections, sec)
	}
	if ac.Has(gongzhi.RoleProvider) {
		sts, err := s.svc.Statements(ctx, ac, 0)
		if err != nil {
			return err
		}
		v.Sections = append(v.Sections, s.statementsSection(r, sts, false))
	}
	s.render(w, r, status, web.T(lang, "voucher.title"), v, e)
	return nil
}

func (s *Server) apiSchemes(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Schemes(r.Context(), web.ActorOf(r))
	if err != nil {
		return err
	}
	items := make([]gongzhi.VoucherScheme, 0, len(list))
	for _, x := range list {
		items = append(items, *x)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.VoucherScheme]{Items: items})
	return nil
}

// schemeForm is the form of a new scheme (cur nil) or of an edited one, with the values sent
// back when refused. Once cur has issued vouchers, the form holds only what may still change
// (vouchers.UpdateScheme).
func (s *Server) schemeForm(r *http.Request, e *gongzhi.Error, cur *gongzhi.VoucherScheme) (*web.FormView, error) {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	errs := map[string]string{}
	if e != nil {
		for k, v := range e.Fields {
			errs[k] = web.T(lang, v)
		}
	}
	curVals := schemeValues(cur)
	val := func(k string) string {
		if e == nil {
			if v := curVals[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		return r.FormValue(k)
	}
	vals := func(k string) []string {
		if e == nil {
			return curVals[k]
		}
		return r.Form[k]
	}
	var budgets []web.Option
	opts := gongzhi.ListOptions{Filters: map[string]string{}}
	if _, err := s.svc.Budgets(ctx, ac, opts, func(b *gongzhi.Budget) error {
		budgets = append(budgets, web.Option{Value: strconv.FormatInt(b.ID, 10), Label: fmt.Sprintf("%d %s（%s）", b.FiscalYear, b.Name,
			web.T(lang, "voucher.available:"+b.Available().Format()))})
		return nil
	}); err != nil {
		return nil, err
	}
	groups, err := s.svc.TargetGroups(ctx, ac)
	if err != nil {
		return nil, err
	}
	var gopts []web.Option
	for _, g := range groups {
		gopts = append(gopts, web.Option{Value: g.Code, Label: g.Name})
	}
	cats, err := s.svc.ServiceCategories(ctx, true)
	if err != nil {
		return nil, err
	}
	var copts []web.Option
	for _, c := range cats {
		copts = append(copts, web.Option{Value: c.Code, Label: c.Name})
	}
	var comms []web.Option
	if _, err := s.svc.Places(ctx, ac, gongzhi.ListOptions{Filters: map[string]string{"level": "5"}}, func(p *gongzhi.Place) error {
		comms = append(comms, web.Option{Value: p.Code, Label: p.Name})
		return nil
	}); err != nil {
		return nil, err
	}
	var orgs []web.Option
	if _, err := s.svc.Organizations(ctx, ac, gongzhi.ListOptions{Filters: map[string]string{}}, func(o *gongzhi.Organization) error {
		orgs = append(orgs, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
		return nil
	}); err != nil {
		return nil, err
	}
	fv := &web.FormView{Action: "/vouchers/schemes", Submit: web.T(lang, "voucher.create"), Fields: []web.Field{
		{Name: "name", Label: web.T(lang, "voucher.scheme_name"), Type: "text", Required: true, Wide: true, Value: val("name"), Error: errs["name"]},
		{Name: "budget_id", Label: web.T(lang, "voucher.budget"), Type: "select", Required: true, Options: append([]web.Option{{Value: "", Label: "—"}}, budgets...),
			Value: val("budget_id"), Error: errs["budget_id"]},
		{Name: "face_value", Label: web.T(lang, "voucher.face_value_yuan"), Type: "text", Required: true, Value: val("face_value"), Error: errs["face_value"]},
		{Name: "per_person", Label: web.T(lang, "voucher.per_person"), Type: "number", Required: true, Value: val("per_person"), Error: errs["per_person"]},
		{Name: "valid_from", Label: web.T(lang, "voucher.valid_from"), Type: "date", Required: true, Value: val("valid_from"), Error: errs["valid_from"]},
		{Name: "valid_until", Label: web.T(lang, "voucher.valid_until"), Type: "date", Required: true, Value: val("valid_until"), Error: errs["valid_until"]},
		{Name: "min_age", Label: web.T(lang, "voucher.min_age"), Type: "number", Value: val("min_age"), Error: errs["min_age"]},
		{Name: "living_alone", Label: web.T(lang, "voucher.living_alone"), Type: "checkbox", Value: val("living_alone"), Error: errs["living_alone"]},
		{Name: "target_groups", Label: web.T(lang, "voucher.target_groups"), Type: "multi", Options: gopts, Values: vals("target_groups"), Wide: true, Error: errs["target_groups"]},
		{Name: "communities", Label: web.T(lang, "voucher.communities"), Type: "multi", Options: comms, Values: vals("communities"), Wide: true, Error: errs["communities"],
			Help: web.T(lang, "voucher.communities_help")},
		{Name: "categories", Label: web.T(lang, "voucher.categories"), Type: "multi", Options: copts, Values: vals("categories"), Wide: true, Required: true, Error: errs["categories"]},
		{Name: "providers", Label: web.T(lang, "voucher.providers"), Type: "multi", Options: orgs, Values: vals("providers"), Wide: true, Required: true, Error: errs["providers"]},
	}}
	if cur != nil {
		fv.Action, fv.Submit = href("/vouchers/schemes/", cur.ID)+"/edit", web.T(lang, "voucher.save")
		if cur.Issued > 0 {
			fv.Intro = web.T(lang, "voucher.edit_frozen")
			fv.Fields = slices.DeleteFunc(fv.Fields, func(f web.Field) bool { return !editableIssued[f.Name] })
		}
	}
	return fv, nil
}

// editableIssued are the fields of a scheme that may change once vouchers are issued.
var editableIssued = map[string]bool{"name": true, "valid_until": true, "categories": true, "providers": true}

// schemeValues are a scheme's fields as its form holds them.
func schemeValues(sc *gongzhi.VoucherScheme) url.Values {
	v := url.Values{}
	if sc == nil {
		return v
	}
	v.Set("name", sc.Name)
	v.Set("budget_id", strconv.FormatInt(sc.BudgetID, 10))
	v.Set("face_value", sc.FaceValue.String())
	v.Set("per_person", strconv.Itoa(sc.PerPerson))
	v.Set("valid_from", sc.ValidFrom)
	v.Set("valid_until", sc.ValidUntil)
	if sc.MinAge > 0 {
		v.Set("min_age", strconv.Itoa(sc.MinAge))
	}
	if sc.LivingAlone {
		v.Set("living_alone", "true")
	}
	v["target_groups"], v["communities"], v["categories"] = sc.TargetGroups, sc.Communities, sc.Categories
	for _, p := range sc.Providers {
		v.Add("providers", strconv.FormatInt(p, 10))
	}
	return v
}

func (s *Server) createScheme(w http.ResponseWriter, r *http.Request) error {
	var sc gongzhi.VoucherScheme
	var err error
	if web.IsAPIPath(r) {
		var req schemeRequest
		if err = s.Decode(w, r, &req); err == nil {
			sc = req.scheme()
		}
	} else {
		var f schemeForm
		if err = s.Decode(w, r, &f); err == nil {
			sc = f.scheme()
		}
	}
	if err == nil {
		err = s.svc.CreateScheme(r.Context(), web.ActorOf(r), &sc)
	}
	return s.answer(w, r, http.StatusCreated, &sc, err, func(e *gongzhi.Error) error { return s.renderHome(w, r, web.StatusOf[e.Code], e) },
		href("/vouchers/schemes/", sc.ID), "voucher.created_flash")
}

func (req schemeRequest) scheme() gongzhi.VoucherScheme {
	return gongzhi.VoucherScheme{Name: req.Name, BudgetID: req.BudgetID, FaceValue: req.FaceValue, TargetGroups: req.TargetGroups,
		MinAge: req.MinAge, Communities: req.Communities, LivingAlone: req.LivingAlone, Categories: req.Categories,
		Providers: req.Providers, ValidFrom: req.ValidFrom, ValidUntil: req.ValidUntil, PerPerson: req.PerPerson}
}

func (f schemeForm) scheme() gongzhi.VoucherScheme {
	sc := gongzhi.VoucherScheme{Name: f.Name, BudgetID: f.BudgetID, TargetGroups: f.TargetGroups, MinAge: f.MinAge,
		Communities: f.Communities, LivingAlone: f.LivingAlone, Categories: f.Categories, ValidFrom: f.ValidFrom,
		ValidUntil: f.ValidUntil, PerPerson: f.PerPerson}
	m, reason := gongzhi.ParseMoney(f.FaceValue)
	if reason != "" || m <= 0 {
		m = -1 // refused by Validate as money.positive
	}
	sc.FaceValue = m
	for _, p := range f.Providers {
		id, _ := strconv.ParseInt(p, 10, 64)
		sc.Providers = append(sc.Providers, id)
	}
	return sc
}

// ---- a scheme

func (s *Server) scheme(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		sc, err := s.svc.Scheme(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, sc)
		return nil
	}
	return s.renderScheme(w, r, id, http.StatusOK, nil)
}

func (s *Server) renderScheme(w http.ResponseWriter, r *http.Request, id int64, status int, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	sc, err := s.svc.Scheme(ctx, ac, id)
	if err != nil {
		return err
	}
	names, err := s.svc.SchemeProviders(ctx, sc)
	if err != nil {
		return err
	}
	var provs []string
	for _, p := range sc.Providers {
		provs = append(provs, names[p])
	}
	elig := []string{}
	if sc.MinAge > 0 {
		elig = append(elig, web.T(lang, "voucher.age_at_least:"+strconv.Itoa(sc.MinAge)))
	}
	if sc.LivingAlone {
		elig = append(elig, web.T(lang, "voucher.living_alone"))
	}
	groups, err := s.svc.TargetGroups(ctx, ac)
	if err != nil {
		return err
	}
	var gnames []string
	for _, g := range groups {
		if slices.Contains(sc.TargetGroups, g.Code) {
			gnames = append(gnames, g.Name)
		}
	}
	if len(gnames) > 0 {
		elig = append(elig, strings.Join(gnames, "、"))
	}
	var cnames []string
	for _, c := range sc.Communities {
		name := c
		if p, err := s.svc.Place(ctx, ac, c); err == nil {
			name = p.Name
		}
		cnames = append(cnames, name)
	}
	if len(cnames) > 0 {
		elig = append(elig, strings.Join(cnames, "、"))
	}
	cats, err := s.svc.ServiceCategories(ctx, false)
	if err != nil {
		return err
	}
	var catNames []string
	for _, c := range cats {
		if slices.Contains(sc.Categories, c.Code) {
			catNames = append(catNames, c.Name)
		}
	}
	base := href("/vouchers/schemes/", id)
	main := section{Rows: []web.Kv{
		{Label: web.T(lang, "voucher.place"), Value: sc.PlaceName},
		{Label: web.T(lang, "voucher.budget"), Value: sc.BudgetName},
		{Label: web.T(lang, "voucher.face_value"), Value: yuan(lang, sc.FaceValue)},
		{Label: web.T(lang, "voucher.per_person"), Value: strconv.Itoa(sc.PerPerson)},
		{Label: web.T(lang, "voucher.valid"), Value: sc.ValidFrom + " – " + sc.ValidUntil},
		{Label: web.T(lang, "voucher.eligibility"), Value: strings.Join(elig, " · ")},
		{Label: web.T(lang, "voucher.categories"), Value: strings.Join(catNames, "、")},
		{Label: web.T(lang, "voucher.providers"), Value: strings.Join(provs, "、")},
		{Label: web.T(lang, "voucher.counts"), Value: web.T(lang, fmt.Sprintf("voucher.counts_text:%d", sc.Issued)) + " · " +
			web.T(lang, fmt.Sprintf("voucher.redeemed_text:%d", sc.Redeemed)) + " · " + web.T(lang, fmt.Sprintf("voucher.expired_text:%d", sc.Expired))},
	}}
	v := &pageView{Back: "/vouchers", Sections: []section{main}}
	if vouchers.MayManageVoucherSchemes(ac) {
		edit := web.T(lang, "voucher.edit_open")
		if sc.Issued > 0 {
			edit = web.T(lang, "voucher.edit_open_issued")
		}
		v.Sections[0].Rows = append(v.Sections[0].Rows, web.Kv{Label: web.T(lang, "voucher.edit"), Value: edit, Href: base + "/edit"})
		one, err := s.issueOneForm(r, sc, e)
		if err != nil {
			return err
		}
		v.Sections = append(v.Sections, section{Title: web.T(lang, "voucher.issue_title"), Forms: []*web.FormView{
			{Action: base + "/issue", Submit: web.T(lang, "voucher.issue_all"), Intro: web.T(lang, "voucher.issue_all_help")}, one,
		}})
	}
	if vouchers.MayPrintVoucherSheets(ac) {
		var comms []web.Option
		if _, err := s.svc.Places(ctx, ac, gongzhi.ListOptions{Filters: map[string]string{"level": "5"}}, func(p *gongzhi.Place) error {
			comms = append(comms, web.Option{Value: p.Code, Label: p.Name})
			return nil
		}); err != nil {
			return err
		}
		v.Sections = append(v.Sections, section{Title: web.T(lang, "voucher.sheets_title"), Forms: []*web.FormView{
			{Action: base + "/sheets", Submit: web.T(lang, "voucher.print"), Intro: web.T(lang, "voucher.sheets_help"), Fields: []web.Field{
				{Name: "community", Label: web.T(lang, "voucher.community"), Type: "select", Options: comms, Required: true}}}}})
	}
	if vouchers.MayReadVoucherStatements(ac) {
		sts, err := s.svc.Statements(ctx, ac, id)
		if err != nil {
			return err
		}
		sec := s.statementsSection(r, sts, vouchers.MayManageVoucherSchemes(ac))
		if vouchers.MayManageVoucherSchemes(ac) {
			sec.Forms = append(sec.Forms, &web.FormView{Action: base + "/statements", Submit: web.T(lang, "voucher.draft_statements"), Fields: []web.Field{
				{Name: "month", Label: web.T(lang, "voucher.month"), Type: "month", Required: true, Value: gongzhi.MonthOf(s.svc.NowUTC())}}})
		}
		v.Sections = append(v.Sections, sec)
	}
	s.render(w, r, status, sc.Name, v, e)
	return nil
}

func (s *Server) statementsSection(r *http.Request, sts []*gongzhi.VoucherStatement, manage bool) section {
	lang := web.LangOf(r)
	sec := section{Title: web.T(lang, "voucher.statements"), Cols: []string{"#", web.T(lang, "voucher.scheme"), web.T(lang, "voucher.provider"),
		web.T(lang, "voucher.month"), web.T(lang, "voucher.count"), web.T(lang, "voucher.amount"), web.T(lang, "voucher.statement_state"),
		web.T(lang, "voucher.receipt")}}
	for _, st := range sts {
		state := web.T(lang, "voucher.statement."+st.State)
		if st.PaidOn != "" {
			state += " " + st.PaidOn
		}
		sec.Table = append(sec.Table, []web.Cell{{Text: strconv.FormatInt(st.ID, 10)}, {Text: st.SchemeName}, {Text: st.OrgName}, {Text: st.Month},
			{Text: strconv.Itoa(st.Vouchers)}, {Text: yuan(lang, st.Amount)}, {Text: state}, receiptCell(lang, st.LogSeq)})
		if manage {
			switch st.State {
			case gongzhi.StatementDraft:
				sec.Forms = append(sec.Forms, &web.FormView{Action: href("/vouchers/statements/", st.ID) + "/approve",
					Submit: web.T(lang, fmt.Sprintf("voucher.approve:%d", st.ID))})
			case gongzhi.StatementApproved:
				sec.Forms = append(sec.Forms, &web.FormView{Action: href("/vouchers/statements/", st.ID) + "/pay",
					Submit: web.T(lang, fmt.Sprintf("voucher.pay:%d", st.ID)), Fields: []web.Field{
						{Name: "paid_on", Label: web.T(lang, "voucher.paid_on"), Type: "date", Required: true, Value: s.svc.Today()}}})
			}
		}
	}
	return sec
}

// receiptCell links a record's receipt on the public ledger, or shows a dash.
func receiptCell(lang string, seq int64) web.Cell {
	if seq == 0 {
		return web.Cell{Text: "—"}
	}
	return web.Cell{Text: web.T(lang, "voucher.receipt_open"), Href: "/public/ledger/receipts/" + strconv.FormatInt(seq, 10)}
}

func (s *Server) issueAll(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	vs, err := s.svc.IssueVouchers(r.Context(), web.ActorOf(r), id)
	if vs == nil {
		vs = []*gongzhi.Voucher{}
	}
	return s.answer(w, r, http.StatusOK, issued{Issued: len(vs), Vouchers: vs}, err,
		func(e *gongzhi.Error) error { return s.renderScheme(w, r, id, web.StatusOf[e.Code], e) }, href("/vouchers/schemes/", id), "voucher.issued_flash")
}

func (s *Server) issueOne(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.Refreshing(r) {
		return s.renderScheme(w, r, id, http.StatusOK, nil)
	}
	var req issueOneRequest
	var v *gongzhi.Voucher
	if err = s.Decode(w, r, &req); err == nil {
		v, err = s.svc.IssueVoucher(r.Context(), web.ActorOf(r), id, req.PersonID)
	}
	return s.answer(w, r, http.StatusCreated, v, err,
		func(e *gongzhi.Error) error { return s.renderScheme(w, r, id, web.StatusOf[e.Code], e) }, href("/vouchers/schemes/", id), "voucher.issued_flash")
}

// qrSVG draws a voucher's serial as a QR code (web.QRSVG), or nothing.
func qrSVG(text string) template.HTML {
	svg, err := web.QRSVG(text, 0, false)
	if err != nil {
		return ""
	}
	return svg
}

func (s *Server) sheets(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req sheetsRequest
	if err := s.Decode(w, r, &req); err != nil {
		return err
	}
	vs, err := s.svc.PrintSheets(r.Context(), web.ActorOf(r), id, req.Community, req.IDs)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		items := make([]gongzhi.Voucher, 0, len(vs))
		for _, v := range vs {
			items = append(items, *v)
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Voucher]{Items: items})
		return nil
	}
	lang := web.LangOf(r)
	items := make([]sheetItem, 0, len(vs))
	for _, v := range vs {
		items = append(items, sheetItem{V: v, Serial: groupSerial(v.Serial), Value: yuan(lang, v.FaceValue), QR: qrSVG(v.Serial)})
	}
	w.Header().Set("Cache-Control", "no-store")
	s.Render(w, r, http.StatusOK, "vouchers_sheet", &web.Page{Title: web.T(lang, "voucher.sheets_title"), Active: "/vouchers", Data: items})
	return nil
}

func (s *Server) draftStatements(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req monthRequest
	var sts []*gongzhi.VoucherStatement
	if err = s.Decode(w, r, &req); err == nil {
		sts, err = s.svc.DraftStatements(r.Context(), web.ActorOf(r), id, req.Month)
	}
	items := make([]gongzhi.VoucherStatement, 0, len(sts))
	for _, st := range sts {
		items = append(items, *st)
	}
	return s.answer(w, r, http.StatusCreated, web.ItemsOf[gongzhi.VoucherStatement]{Items: items}, err,
		func(e *gongzhi.Error) error { return s.renderScheme(w, r, id, web.StatusOf[e.Code], e) }, href("/vouchers/schemes/", id), "voucher.drafted_flash")
}

func (s *Server) apiStatements(w http.ResponseWriter, r *http.Request) error {
	scheme, _ := strconv.ParseInt(r.URL.Query().Get("scheme"), 10, 64)
	sts, err := s.svc.Statements(r.Context(), web.ActorOf(r), scheme)
	if err != nil {
		return err
	}
	items := make([]gongzhi.VoucherStatement, 0, len(sts))
	for _, st := range sts {
		items = append(items, *st)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.VoucherStatement]{Items: items})
	return nil
}

func (s *Server) statementBack(r *http.Request, id int64) string {
	st, err := s.svc.Statement(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return "/vouchers"
	}
	return href("/vouchers/schemes/", st.SchemeID)
}

func (s *Server) approve(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	st, err := s.svc.ApproveStatement(r.Context(), web.ActorOf(r), id)
	return s.answer(w, r, http.StatusOK, st, err, nil, s.statementBack(r, id), "voucher.approved_flash")
}

func (s *Server) pay(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req payRequest
	var st *gongzhi.VoucherStatement
	if err = s.Decode(w, r, &req); err == nil {
		st, err = s.svc.PayStatement(r.Context(), web.ActorOf(r), id, req.PaidOn)
	}
	return s.answer(w, r, http.StatusOK, st, err, nil, s.statementBack(r, id), "voucher.paid_flash")
}

// ---- vouchers

func (s *Server) apiVouchers(w http.ResponseWriter, r *http.Request) error {
	f := map[string]string{}
	for _, k := range []string{"scheme", "state", "community", "person"} {
		if v := r.URL.Query().Get(k); v != "" {
			f[k] = v
		}
	}
	items := []gongzhi.Voucher{}
	if err := s.svc.Vouchers(r.Context(), web.ActorOf(r), f, func(v *gongzhi.Voucher) error { items = append(items, *v); return nil }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Voucher]{Items: items})
	return nil
}

func (s *Server) voucher(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		v, err := s.svc.Voucher(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, v)
		return nil
	}
	return s.renderVoucher(w, r, id, "", http.StatusOK, nil)
}

func (s *Server) renderVoucher(w http.ResponseWriter, r *http.Request, id int64, pin string, status int, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	v, err := s.svc.Voucher(ctx, ac, id)
	if err != nil {
		return err
	}
	main := section{Rows: []web.Kv{
		{Label: web.T(lang, "voucher.serial"), Value: groupSerial(v.Serial)},
		{Label: web.T(lang, "voucher.scheme"), Value: v.SchemeName},
		{Label: web.T(lang, "voucher.holder"), Value: v.PersonName + " · " + v.CommunityName},
		{Label: web.T(lang, "voucher.face_value"), Value: yuan(lang, v.FaceValue)},
		{Label: web.T(lang, "voucher.valid_until"), Value: v.ValidUntil},
		{Label: web.T(lang, "voucher.state"), Value: stateText(lang, v)},
	}}
	if v.State == gongzhi.VoucherIssued { // the code the provider scans; a spent voucher needs none
		main.QR = qrSVG(v.Serial)
	}
	if v.ChosenOrgName != "" {
		main.Rows = append(main.Rows, web.Kv{Label: web.T(lang, "voucher.provider"), Value: v.ChosenOrgName})
	}
	if rd := v.Redemption; rd != nil {
		main.Rows = append(main.Rows, web.Kv{Label: web.T(lang, "voucher.redeemed_at"), Value: rd.At.In(gongzhi.ChinaTime).Format("2006-01-02 15:04") + " · " + rd.OrgName})
		if rd.EntryID != 0 {
			entry := web.Kv{Label: web.T(lang, "voucher.entry"), Value: rd.EntryOn + " " + rd.EntryTitle}
			if !vouchers.MayHoldVouchers(ac) {
				entry.Href = href("/ledger/", rd.EntryID)
			}
			main.Rows = append(main.Rows, entry)
		}
	}
	if v.Rating > 0 {
		main.Rows = append(main.Rows, web.Kv{Label: web.T(lang, "voucher.rating"), Value: web.T(lang, "voucher.rating_n:"+strconv.Itoa(v.Rating))})
	}
	pv := &pageView{Back: "/vouchers", Sections: []section{main}}
	// the voucher's records on the public ledger: each receipt verifies offline (docs/ledger.md)
	receipts := section{Title: web.T(lang, "voucher.receipts"), Intro: web.T(lang, "voucher.receipts_help")}
	add := func(key string, seq int64) {
		if seq > 0 {
			receipts.Rows = append(receipts.Rows, web.Kv{Label: web.T(lang, key), Value: web.T(lang, "voucher.receipt_open"),
				Href: "/public/ledger/receipts/" + strconv.FormatInt(seq, 10)})
		}
	}
	add("voucher.receipt_issued", v.IssuedSeq)
	if rd := v.Redemption; rd != nil {
		add("voucher.receipt_redeemed", rd.LogSeq)
		add("voucher.receipt_settled", rd.SettledSeq)
	}
	if len(receipts.Rows) > 0 {
		pv.Sections = append(pv.Sections, receipts)
	}
	if pin != "" {
		pv.Sections = append(pv.Sections, section{Title: web.T(lang, "voucher.your_pin"), Intro: web.T(lang, "voucher.pin_once"), Big: pin})
	}
	if vouchers.MayPrintVoucherSheets(ac) && v.State == gongzhi.VoucherIssued {
		pv.Sections = append(pv.Sections, section{Title: web.T(lang, "voucher.sheets_title"), Forms: []*web.FormView{
			{Action: href("/vouchers/schemes/", v.SchemeID) + "/sheets", Submit: web.T(lang, "voucher.print_one"), Intro: web.T(lang, "voucher.print_one_help"),
				Fields: []web.Field{{Name: "community", Type: "hidden", Value: v.CommunityCode}, {Name: "ids", Type: "hidden", Value: strconv.FormatInt(v.ID, 10)}}}}})
	}
	if vouchers.MayHoldVouchers(ac) && v.State == gongzhi.VoucherIssued {
		provs, names, err := s.svc.VoucherProviders(ctx, ac, id)
		if err != nil {
			return err
		}
		opts := []web.Option{{Value: "", Label: "—"}}
		for _, p := range provs {
			opts = append(opts, web.Option{Value: strconv.FormatInt(p, 10), Label: names[p]})
		}
		base := href("/vouchers/", id)
		pv.Sections = append(pv.Sections, section{Title: web.T(lang, "voucher.use_title"), Forms: []*web.FormView{
			{Action: base + "/choose", Submit: web.T(lang, "voucher.choose"), Fields: []web.Field{
				{Name: "org_id", Label: web.T(lang, "voucher.provider"), Type: "select", Options: opts, Required: true,
					Value: strconv.FormatInt(v.ChosenOrgID, 10)}}},
			{Action: base + "/pin", Submit: web.T(lang, "voucher.new_pin"), Intro: web.T(lang, "voucher.new_pin_help")},
		}})
	}
	if vouchers.MayHoldVouchers(ac) && v.Rating == 0 && (v.State == gongzhi.VoucherRedeemed || v.State == gongzhi.VoucherSettled) {
		ratings := []web.Option{{Value: "", Label: "—"}}
		for i := 5; i >= 1; i-- {
			ratings = append(ratings, web.Option{Value: strconv.Itoa(i), Label: web.T(lang, "voucher.rating_n:"+strconv.Itoa(i))})
		}
		pv.Sections = append(pv.Sections, section{Title: web.T(lang, "voucher.rate_title"), Forms: []*web.FormView{
			{Action: href("/vouchers/", id) + "/rate", Submit: web.T(lang, "voucher.rate"), Fields: []web.Field{
				{Name: "rating", Label: web.T(lang, "voucher.rating"), Type: "select", Options: ratings, Required: true},
				{Name: "comment", Label: web.T(lang, "voucher.comment"), Type: "textarea", Wide: true}}}}})
	}
	s.render(w, r, status, web.T(lang, "voucher.voucher_title"), pv, e)
	return nil
}

func (s *Server) choose(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req chooseRequest
	var v *gongzhi.Voucher
	if err = s.Decode(w, r, &req); err == nil {
		v, err = s.svc.ChooseProvider(r.Context(), web.ActorOf(r), id, req.OrgID)
	}
	return s.answer(w, r, http.StatusOK, v, err, func(e *gongzhi.Error) error { return s.renderVoucher(w, r, id, "", web.StatusOf[e.Code], e) },
		href("/vouchers/", id), "voucher.chosen_flash")
}

func (s *Server) newPIN(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.NewPIN(r.Context(), web.ActorOf(r), id)
	if web.IsAPIPath(r) || err != nil {
		return s.answer(w, r, http.StatusOK, v, err, func(e *gongzhi.Error) error { return s.renderVoucher(w, r, id, "", web.StatusOf[e.Code], e) }, "", "")
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.renderVoucher(w, r, id, v.PIN, http.StatusOK, nil)
}

func (s *Server) rate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req rateRequest
	var v *gongzhi.Voucher
	if err = s.Decode(w, r, &req); err == nil {
		v, err = s.svc.Rate(r.Context(), web.ActorOf(r), id, req.Rating, req.Comment)
	}
	return s.answer(w, r, http.StatusOK, v, err, func(e *gongzhi.Error) error { return s.renderVoucher(w, r, id, "", web.StatusOf[e.Code], e) },
		href("/vouchers/", id), "voucher.rated_flash")
}

// ---- redemption

// redeemForm is the provider's form at the service: the voucher's code (typed, or read from
// its QR code) and the resident's PIN, and the entry of its service ledger (台账) recording the
// service, chosen among its latest by date and title; "record the service" leads to the ledger's
// form first.
func (s *Server) redeemForm(r *http.Request, e *gongzhi.Error) (*web.FormView, error) {
	lang := web.LangOf(r)
	errs := map[string]string{}
	serial, entry := r.URL.Query().Get("serial"), r.URL.Query().Get("entry_id")
	if e != nil {
		for k, v := range e.Fields {
			errs[k] = web.T(lang, v)
		}
		serial, entry = r.FormValue("serial"), r.FormValue("entry_id")
	}
	es, err := s.redeemEntries(r)
	if err != nil {
		return nil, err
	}
	opts := []web.Option{{Value: "", Label: web.T(lang, "voucher.entry_none")}}
	for _, x := range es {
		opts = append(opts, web.Option{Value: strconv.FormatInt(x.ID, 10), Label: x.HeldOn + " " + x.Title + "（" + x.Contract + "）"})
	}
	return &web.FormView{Action: "/vouchers/redeem", Submit: web.T(lang, "voucher.redeem"), Intro: web.T(lang, "voucher.redeem_help"), Fields: []web.Field{
		{Name: "serial", Label: web.T(lang, "voucher.serial"), Type: "text", Required: true, Value: serial, Error: errs["serial"]},
		{Name: "pin", Label: web.T(lang, "voucher.pin"), Type: "password", Required: true, Error: errs["pin"]},
		{Name: "entry_id", Label: web.T(lang, "voucher.entry"), Type: "select", Options: opts, Value: entry, Error: errs["entry_id"], Wide: true,
			Help: web.T(lang, "voucher.entry_help")},
	}}, nil
}

func (s *Server) redeemPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderHome(w, r, http.StatusOK, nil)
}

func (s *Server) redeem(w http.ResponseWriter, r *http.Request) error {
	var req vouchers.RedeemRequest
	var v *gongzhi.Voucher
	err := s.Decode(w, r, &req)
	if err == nil {
		v, err = s.svc.Redeem(r.Context(), web.ActorOf(r), req)
	}
	to := "/vouchers"
	if v != nil {
		to = href("/vouchers/", v.ID)
	}
	return s.answer(w, r, http.StatusOK, v, err, func(e *gongzhi.Error) error { return s.renderHome(w, r, web.StatusOf[e.Code], e) }, to, "voucher.redeemed_flash")
}

// ---- report and public figures

func (s *Server) report(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	by := r.URL.Query().Get("by")
	if by == "" {
		by = "scheme"
	}
	rows, err := s.svc.Report(r.Context(), ac, by)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if rows == nil {
			rows = []gongzhi.VoucherCount{}
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.VoucherCount]{Items: rows})
		return nil
	}
	v := &pageView{Back: "/vouchers"}
	var links []web.Kv
	for _, b := range []string{"scheme", "community", "provider", "month"} {
		links = append(links, web.Kv{Label: web.T(lang, "voucher.by."+b), Value: web.T(lang, "voucher.report_open"), Href: "/vouchers/report?by=" + b})
	}
	sec := section{Title: web.T(lang, "voucher.by."+by), Rows: links, Cols: []string{web.T(lang, "voucher.by."+by), web.T(lang, "voucher.issued"),
		web.T(lang, "voucher.redeemed"), web.T(lang, "voucher.expired"), web.T(lang, "voucher.settled_money")}}
	for _, c := range rows {
		name := c.Name
		if name == "" {
			name = web.T(lang, "voucher.not_redeemed")
		}
		sec.Table = append(sec.Table, []web.Cell{{Text: name}, {Text: strconv.Itoa(c.Issued)}, {Text: strconv.Itoa(c.Redeemed)},
			{Text: strconv.Itoa(c.Expired)}, {Text: yuan(lang, c.Settled)}})
	}
	v.Sections = append(v.Sections, sec)
	s.render(w, r, http.StatusOK, web.T(lang, "voucher.report"), v, nil)
	return nil
}

func (s *Server) public(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	shares, err := s.svc.ProviderShares(r.Context())
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if shares == nil {
			shares = []gongzhi.VoucherProviderShare{}
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.VoucherProviderShare]{Items: shares})
		return nil
	}
	sec := section{Intro: web.T(lang, "voucher.public_intro"), Cols: []string{web.T(lang, "voucher.scheme"), web.T(lang, "voucher.provider"),
		web.T(lang, "voucher.redeemed"), web.T(lang, "voucher.share"), web.T(lang, "voucher.rating")}}
	for _, p := range shares {
		rating := "—"
		if p.Ratings > 0 {
			rating = web.T(lang, fmt.Sprintf("voucher.rating_avg:%.1f", p.Rating)) + " (" + strconv.Itoa(p.Ratings) + ")"
		}
		sec.Table = append(sec.Table, []web.Cell{{Text: p.SchemeName}, {Text: p.OrgName}, {Text: strconv.Itoa(p.Redeemed)},
			{Text: fmt.Sprintf("%.0f%%", p.Share*100)}, {Text: rating}})
	}
	s.Render(w, r, http.StatusOK, "vouchers_page", &web.Page{Title: web.T(lang, "voucher.public_title"), Active: "/public", Data: &pageView{Sections: []section{sec}}})
	return nil
}
