// Public disclosure (信息公开), no account needed: an index at /public/disclosure linking the calls
// and their results (/public), the final awards, contract summaries (/public/contracts and
// /public/contracts/{id}), the payments made (/public/payments-made), the purchasers' on-time
// payment rate (/public/payments), the published monthly supervision reports
// (/public/supervision-reports) and evaluation results (/public/evaluations); and the same under
// /api/v1/public. Contracts carry organizations only; nothing here names a person, shows an ID
// number or a phone (see app/disclosure.go).

package overviewweb

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/web"
)

func (s *Server) disclosureRoutes() {
	s.Handle("GET /public/disclosure", web.Public, s.dsIndex)
	s.Handle("GET /public/contracts", web.Public, s.dsContracts)
	s.Handle("GET /public/contracts/{id}", web.Public, s.dsContract)
	s.Handle("GET /public/payments-made", web.Public, s.dsPayments)
	s.ApiPublic("GET /api/v1/public/disclosure", s.dsIndex)
	s.ApiPublic("GET /api/v1/public/contracts", s.dsContracts)
	s.ApiPublic("GET /api/v1/public/contracts/{id}", s.dsContract)
	s.ApiPublic("GET /api/v1/public/payments-made", s.dsPayments)
}

func disclosureAPIDocs() map[string]web.ApiDoc {
	return map[string]web.ApiDoc{
		"GET /api/v1/public/disclosure": {Summary: "The public disclosure index: final awards, the latest contract summaries and payments made, " +
			"and where the calls, supervision reports and evaluation results are published", Resp: dsIndexBody{}, Public: true},
		"GET /api/v1/public/contracts": {Summary: "Signed contracts as public summaries (organizations only, no people)", Resp: gongzhi.ContractSummary{},
			List: true, Filters: []string{"fiscal_year", "category", "place"}, Public: true},
		"GET /api/v1/public/contracts/{id}": {Summary: "A signed contract's public summary: parties, amount, period, category, communities served, " +
			"indicators with targets, payment portions with due dates and what was paid and when", Resp: gongzhi.ContractSummary{}, Public: true},
		"GET /api/v1/public/payments-made": {Summary: "Payments made on signed contracts: contract, portion, amount and date", Resp: gongzhi.PaymentMade{},
			List: true, Filters: []string{"contract", "place", "year"}, Public: true},
	}
}

// dsLinks are the other public pages the index points to.
type dsLinks struct {
	Calls              string `json:"calls"`
	Contracts          string `json:"contracts"`
	PaymentsMade       string `json:"payments_made"`
	OnTimeRate         string `json:"on_time_rate"`
	SupervisionReports string `json:"supervision_reports"`
	Evaluations        string `json:"evaluations"`
}

var dsLinkSet = dsLinks{Calls: "/public", Contracts: "/public/contracts", PaymentsMade: "/public/payments-made", OnTimeRate: "/public/payments",
	SupervisionReports: "/public/supervision-reports", Evaluations: "/public/evaluations"}

// dsIndexBody is the disclosure index as the API returns it.
type dsIndexBody struct {
	Awards         []*gongzhi.FinalAward      `json:"awards"`
	Contracts      []*gongzhi.ContractSummary `json:"contracts"`
	ContractsTotal int                        `json:"contracts_total"`
	Payments       []*gongzhi.PaymentMade     `json:"payments"`
	PaymentsTotal  int                        `json:"payments_total"`
	Links          dsLinks                    `json:"links"`
}

type dsIndexView struct {
	Links          dsLinks
	Awards         template.HTML
	Contracts      template.HTML
	ContractsTotal int
	Payments       template.HTML
	PaymentsTotal  int
}

func (s *Server) dsIndex(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.LangOf(r)
	// the same for everyone: read once per version of the public data (web.PublicCached)
	d, err := web.PublicCached(ctx, s.Server, "disclosure.index", func(ctx context.Context) (*dsIndexBody, error) {
		d := &dsIndexBody{Links: dsLinkSet}
		var err error
		if d.Awards, _, err = s.svc.FinalAwards(ctx, gongzhi.ListOptions{Limit: 200}); err != nil {
			return nil, err
		}
		if d.Contracts, d.ContractsTotal, err = s.svc.DisclosedContracts(ctx, gongzhi.ListOptions{Limit: 10}); err != nil {
			return nil, err
		}
		if d.Payments, d.PaymentsTotal, err = s.svc.PaymentsMade(ctx, gongzhi.ListOptions{Limit: 10}); err != nil {
			return nil, err
		}
		return d, nil
	})
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, d)
		return nil
	}
	v := &dsIndexView{Links: dsLinkSet, ContractsTotal: d.ContractsTotal, PaymentsTotal: d.PaymentsTotal}
	var rows [][]web.Cell
	catNames := s.PpCategoryNamer(ctx, lang)
	for _, a := range d.Awards {
		ct := web.Cell{Text: "—"}
		if a.ContractID != 0 {
			ct = web.Cell{Text: web.T(lang, "ds.summary"), Href: dsContractHref(a.ContractID)}
		}
		rows = append(rows, []web.Cell{{Text: a.CallTitle, Href: "/public/calls/" + web.FmtInt(a.CallID)}, {Text: a.Title}, {Text: a.OrgName},
			{Text: catNames([]string{a.CategoryCode})}, {Text: web.OffYuan(a.Amount), Class: "num"}, ct})
	}
	v.Awards = dsTable([]string{web.T(lang, "ds.call"), web.T(lang, "ds.project"), web.T(lang, "ds.org"), web.T(lang, "ds.category"), web.T(lang, "ds.amount"), web.T(lang, "ds.contract")},
		rows, web.T(lang, "ds.no_awards"))
	v.Contracts = s.dsContractsTable(ctx, lang, d.Contracts)
	v.Payments = dsPaymentsTable(lang, d.Payments, true)
	s.Render(w, r, http.StatusOK, "disclosure_index", &web.Page{Title: web.T(lang, "nav.disclosure"), Active: "/public", Data: v})
	return nil
}

func dsContractHref(id int64) string { return "/public/contracts/" + web.FmtInt(id) }

// dsTD is one cell of a disclosure table with its column's name, for narrow screens.
type dsTD struct {
	web.Cell
	Label string
}

// dsTable renders a table whose cells carry their column's name for narrow screens, or the empty
// text when there are no rows (the ds_table fragment).
func dsTable(cols []string, rows [][]web.Cell, empty string) template.HTML {
	v := struct {
		Cols  []string
		Rows  [][]dsTD
		Empty string
	}{Cols: cols, Empty: empty}
	for _, r := range rows {
		var tr []dsTD
		for i, c := range r {
			label := ""
			if i < len(cols) {
				label = cols[i]
			}
			tr = append(tr, dsTD{Cell: c, Label: label})
		}
		v.Rows = append(v.Rows, tr)
	}
	return renderFragment("ds_table", v)
}

func dsPeriod(c *gongzhi.ContractSummary) string {
	if c.StartOn == "" {
		return "—"
	}
	return c.StartOn + " — " + c.EndOn
}

func (s *Server) dsContractsTable(ctx context.Context, lang string, cs []*gongzhi.ContractSummary) template.HTML {
	var rows [][]web.Cell
	catNames := s.PpCategoryNamer(ctx, lang)
	for _, c := range cs {
		rows = append(rows, []web.Cell{{Text: c.Title, Href: dsContractHref(c.ID)}, {Text: c.ProviderName}, {Text: c.PurchaserName},
			{Text: catNames([]string{c.CategoryCode})}, {Text: web.OffYuan(c.Amount), Class: "num"}, {Text: web.OffYuan(c.Paid), Class: "num"},
			{Text: dsPeriod(c)}})
	}
	return dsTable([]string{web.T(lang, "ds.project"), web.T(lang, "ds.provider"), web.T(lang, "ds.purchaser"), web.T(lang, "ds.category"), web.T(lang, "ds.amount"),
		web.T(lang, "ds.paid"), web.T(lang, "ds.period")}, rows, web.T(lang, "ds.no_contracts"))
}

func dsPaymentsTable(lang string, ps []*gongzhi.PaymentMade, withContract bool) template.HTML {
	var rows [][]web.Cell
	cols := []string{web.T(lang, "ds.paid_on")}
	if withContract {
		cols = append(cols, web.T(lang, "ds.contract"), web.T(lang, "ds.provider"))
	}
	cols = append(cols, web.T(lang, "ds.portion"), web.T(lang, "ds.amount"))
	for _, p := range ps {
		row := []web.Cell{{Text: p.PaidOn}}
		if withContract {
			row = append(row, web.Cell{Text: p.Title, Href: dsContractHref(p.ContractID)}, web.Cell{Text: p.ProviderName})
		}
		row = append(row, web.Cell{Text: web.T(lang, "ds.portion_n:"+strconv.Itoa(p.Portion+1))}, web.Cell{Text: web.OffYuan(p.Amount), Class: "num"})
		rows = append(rows, row)
	}
	return dsTable(cols, rows, web.T(lang, "ds.no_payments"))
}

type dsListView struct {
	Action      string
	Q, Year     string
	Total       int
	Table       template.HTML
	Prev, Next  string
	Intro       string
	YearLabel   string
	SearchLabel string
}

// dsPager fills the previous and next page links.
func dsPager(r *http.Request, v *dsListView, page, per, total int) {
	link := func(p int) string {
		q := web.CloneQuery(r.URL.Query())
		q.Set("page", strconv.Itoa(p))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		v.Prev = link(page - 1)
	}
	if page*per < total {
		v.Next = link(page + 1)
	}
}

func (s *Server) dsContracts(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.LangOf(r)
	opts, pg := web.ListOptions(r, "fiscal_year", "category", "place")
	cs, total, err := s.svc.DisclosedContracts(ctx, opts)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, web.ListBody[*gongzhi.ContractSummary]{Items: cs, Total: total, Page: pg, PerPage: opts.Limit})
		return nil
	}
	v := &dsListView{Action: "/public/contracts", Q: opts.Q, Year: opts.Filters["fiscal_year"], Total: total, Table: s.dsContractsTable(ctx, lang, cs),
		Intro: web.T(lang, "ds.contracts_intro"), YearLabel: web.T(lang, "ds.fiscal_year"), SearchLabel: web.T(lang, "ds.search")}
	dsPager(r, v, pg, opts.Limit, total)
	s.Render(w, r, http.StatusOK, "disclosure_list", &web.Page{Title: web.T(lang, "ds.contracts"), Active: "/public", Data: v})
	return nil
}

func (s *Server) dsPayments(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	opts, pg := web.ListOptions(r, "contract", "place", "year")
	ps, total, err := s.svc.PaymentsMade(r.Context(), opts)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, web.ListBody[*gongzhi.PaymentMade]{Items: ps, Total: total, Page: pg, PerPage: opts.Limit})
		return nil
	}
	v := &dsListView{Action: "/public/payments-made", Q: opts.Q, Year: opts.Filters["year"], Total: total, Table: dsPaymentsTable(lang, ps, true),
		Intro: web.T(lang, "ds.payments_intro"), YearLabel: web.T(lang, "ds.pay_year"), SearchLabel: web.T(lang, "ds.search")}
	dsPager(r, v, pg, opts.Limit, total)
	s.Render(w, r, http.StatusOK, "disclosure_list", &web.Page{Title: web.T(lang, "ds.payments"), Active: "/public", Data: v})
	return nil
}

type dsContractView struct {
	Rows       []web.Kv
	Indicators template.HTML
	Portions   template.HTML
	Payments   template.HTML
	Paid       *svgChart
}

func (s *Server) dsContract(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, err := s.svc.DisclosedContract(ctx, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, c)
		return nil
	}
	groups := s.PpGroupNames(ctx, lang)
	var comms, gs []string
	for _, x := range c.Communities {
		comms = append(comms, x.Name)
	}
	for _, g := range c.TargetGroups {
		gs = append(gs, web.PpFirstNonEmpty(groups[g.Code], g.Name))
	}
	v := &dsContractView{Rows: []web.Kv{
		{Label: web.T(lang, "ds.provider"), Value: c.ProviderName},
		{Label: web.T(lang, "ds.purchaser"), Value: c.PurchaserName},
		{Label: web.T(lang, "ds.place"), Value: c.PlaceName},
		{Label: web.T(lang, "ds.call"), Value: c.CallTitle},
		{Label: web.T(lang, "ds.category"), Value: s.PpCategoryNamer(ctx, lang)([]string{c.CategoryCode})},
		{Label: web.T(lang, "ds.fiscal_year"), Value: strconv.Itoa(c.FiscalYear)},
		{Label: web.T(lang, "ds.amount"), Value: web.OffYuan(c.Amount)},
		{Label: web.T(lang, "ds.paid"), Value: web.OffYuan(c.Paid)},
		{Label: web.T(lang, "ds.period"), Value: dsPeriod(c)},
		{Label: web.T(lang, "ds.signed_on"), Value: web.PpFirstNonEmpty(c.SignedOn, "—")},
		{Label: web.T(lang, "ds.communities"), Value: web.PpFirstNonEmpty(strings.Join(comms, "、"), "—")},
		{Label: web.T(lang, "ds.groups"), Value: web.PpFirstNonEmpty(strings.Join(gs, "、"), "—")},
	}}
	var ind [][]web.Cell
	for _, x := range c.Outputs {
		ind = append(ind, []web.Cell{{Text: web.T(lang, "ds.output")}, {Text: x.Name}, {Text: strconv.FormatInt(int64(x.Target), 10) + " " + x.Unit, Class: "num"}})
	}
	for _, x := range c.Outcomes {
		ind = append(ind, []web.Cell{{Text: web.T(lang, "ds.outcome")}, {Text: x.Name}, {Text: strconv.FormatInt(int64(x.Target), 10) + " " + x.Unit, Class: "num"}})
	}
	v.Indicators = dsTable([]string{web.T(lang, "ds.kind"), web.T(lang, "ds.indicator"), web.T(lang, "ds.target")}, ind, "—")
	var por [][]web.Cell
	var bars []svgBar
	for _, p := range c.Portions {
		paidOn := web.PpFirstNonEmpty(p.PaidOn, "—")
		por = append(por, []web.Cell{{Text: web.T(lang, "ds.portion_n:"+strconv.Itoa(p.Index+1))}, {Text: gongzhi.FormatBP(p.BasisPoints), Class: "num"},
			{Text: web.OffYuan(p.Amount), Class: "num"}, {Text: p.DueOn}, {Text: web.OffYuan(p.Paid), Class: "num"}, {Text: paidOn}})
		bars = append(bars, svgBar{Label: web.T(lang, "ds.portion_n:"+strconv.Itoa(p.Index+1)) + " · " + p.DueOn, Marker: -1,
			Values: []int64{int64(p.Amount), int64(p.Paid)}, Note: dashShortYuan(lang, p.Amount) + " / " + dashShortYuan(lang, p.Paid),
			Tip: web.OffYuan(p.Amount) + " / " + web.OffYuan(p.Paid)})
	}
	v.Portions = dsTable([]string{web.T(lang, "ds.portion"), web.T(lang, "ds.share"), web.T(lang, "ds.amount"), web.T(lang, "ds.due_on"), web.T(lang, "ds.paid"), web.T(lang, "ds.paid_on")}, por, "—")
	if len(bars) > 0 {
		v.Paid = &svgChart{ID: "chart-portions", Title: web.T(lang, "ds.portions_chart"), Legend: []svgLegend{{Color: svgColContract, Label: web.T(lang, "ds.due_amount")}, {Color: svgColPaid, Label: web.T(lang, "ds.paid")}}}
		v.Paid.SVG = svgHBars(v.Paid.ID, v.Paid.Title, web.T(lang, "ds.portions_desc"), []string{svgColContract, svgColPaid}, bars, 0)
	}
	ps, _, err := s.svc.PaymentsMade(ctx, gongzhi.ListOptions{Filters: map[string]string{"contract": web.FmtInt(id)}, Limit: 200})
	if err != nil {
		return err
	}
	v.Payments = dsPaymentsTable(lang, ps, false)
	s.Render(w, r, http.StatusOK, "disclosure_contract", &web.Page{Title: c.Title, Active: "/public", Data: v})
	return nil
}
