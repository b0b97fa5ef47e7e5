// Public disclosure (信息公开), no account needed: an index at /public/disclosure linking the calls
// and their results (/public), the final awards, contract summaries (/public/contracts and
// /public/contracts/{id}), the payments made (/public/payments-made), the purchasers' on-time
// payment rate (/public/payments), the published monthly supervision reports
// (/public/supervision-reports) and evaluation results (/public/evaluations); and the same under
// /api/v1/public. Contracts carry organizations only; nothing here names a person, shows an ID
// number or a phone (see app/disclosure.go).
package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/store"
)

func (s *Server) disclosureRoutes() {
	s.handle("GET /public/disclosure", public, s.dsIndex)
	s.handle("GET /public/contracts", public, s.dsContracts)
	s.handle("GET /public/contracts/{id}", public, s.dsContract)
	s.handle("GET /public/payments-made", public, s.dsPayments)
	s.apiPublic("GET /api/v1/public/disclosure", s.dsIndex)
	s.apiPublic("GET /api/v1/public/contracts", s.dsContracts)
	s.apiPublic("GET /api/v1/public/contracts/{id}", s.dsContract)
	s.apiPublic("GET /api/v1/public/payments-made", s.dsPayments)
}

func disclosureAPIDocs() map[string]apiDoc {
	return map[string]apiDoc{
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
	ctx, lang := r.Context(), langOf(r)
	awards, _, err := s.app.FinalAwards(ctx, store.ListOptions{Limit: 200})
	if err != nil {
		return err
	}
	cs, ctotal, err := s.app.DisclosedContracts(ctx, store.ListOptions{Limit: 10})
	if err != nil {
		return err
	}
	ps, ptotal, err := s.app.PaymentsMade(ctx, store.ListOptions{Limit: 10})
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, dsIndexBody{Awards: awards, Contracts: cs, ContractsTotal: ctotal, Payments: ps, PaymentsTotal: ptotal, Links: dsLinkSet})
		return nil
	}
	v := &dsIndexView{Links: dsLinkSet, ContractsTotal: ctotal, PaymentsTotal: ptotal}
	var rows [][]cell
	for _, a := range awards {
		ct := cell{Text: "—"}
		if a.ContractID != 0 {
			ct = cell{Text: T(lang, "ds.summary"), Href: dsContractHref(a.ContractID)}
		}
		rows = append(rows, []cell{{Text: a.CallTitle, Href: "/public/calls/" + fmtInt(a.CallID)}, {Text: a.Title}, {Text: a.OrgName},
			{Text: s.ppCategoryNames(ctx, lang, []string{a.CategoryCode})}, {Text: offYuan(a.Amount), Class: "num"}, ct})
	}
	v.Awards = dsTable([]string{T(lang, "ds.call"), T(lang, "ds.project"), T(lang, "ds.org"), T(lang, "ds.category"), T(lang, "ds.amount"), T(lang, "ds.contract")},
		rows, T(lang, "ds.no_awards"))
	v.Contracts = s.dsContractsTable(ctx, lang, cs)
	v.Payments = dsPaymentsTable(lang, ps, true)
	s.render(w, r, http.StatusOK, "disclosure_index", &page{Title: T(lang, "nav.disclosure"), Active: "/public", Data: v})
	return nil
}

func dsContractHref(id int64) string { return "/public/contracts/" + fmtInt(id) }

// dsTable renders a table whose cells carry their column's name for narrow screens.
func dsTable(cols []string, rows [][]cell, empty string) template.HTML {
	if len(rows) == 0 {
		return template.HTML(`<p class="empty">` + svgEsc(empty) + `</p>`)
	}
	var b strings.Builder
	b.WriteString(`<div class="table-wrap"><table><thead><tr>`)
	for _, c := range cols {
		b.WriteString(`<th>` + svgEsc(c) + `</th>`)
	}
	b.WriteString(`</tr></thead><tbody>`)
	for _, r := range rows {
		b.WriteString(`<tr>`)
		for i, c := range r {
			label := ""
			if i < len(cols) {
				label = cols[i]
			}
			b.WriteString(`<td data-label="` + svgEsc(label) + `"`)
			if c.Class != "" {
				b.WriteString(` class="` + svgEsc(c.Class) + `"`)
			}
			b.WriteString(`>`)
			if c.Href != "" {
				b.WriteString(`<a href="` + svgEsc(c.Href) + `">` + svgEsc(c.Text) + `</a>`)
			} else {
				b.WriteString(svgEsc(c.Text))
			}
			b.WriteString(`</td>`)
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></div>`)
	return template.HTML(b.String())
}

func dsPeriod(c *gongzhi.ContractSummary) string {
	if c.StartOn == "" {
		return "—"
	}
	return c.StartOn + " — " + c.EndOn
}

func (s *Server) dsContractsTable(ctx context.Context, lang string, cs []*gongzhi.ContractSummary) template.HTML {
	var rows [][]cell
	for _, c := range cs {
		rows = append(rows, []cell{{Text: c.Title, Href: dsContractHref(c.ID)}, {Text: c.ProviderName}, {Text: c.PurchaserName},
			{Text: s.ppCategoryNames(ctx, lang, []string{c.CategoryCode})}, {Text: offYuan(c.Amount), Class: "num"}, {Text: offYuan(c.Paid), Class: "num"},
			{Text: dsPeriod(c)}})
	}
	return dsTable([]string{T(lang, "ds.project"), T(lang, "ds.provider"), T(lang, "ds.purchaser"), T(lang, "ds.category"), T(lang, "ds.amount"),
		T(lang, "ds.paid"), T(lang, "ds.period")}, rows, T(lang, "ds.no_contracts"))
}

func dsPaymentsTable(lang string, ps []*gongzhi.PaymentMade, withContract bool) template.HTML {
	var rows [][]cell
	cols := []string{T(lang, "ds.paid_on")}
	if withContract {
		cols = append(cols, T(lang, "ds.contract"), T(lang, "ds.provider"))
	}
	cols = append(cols, T(lang, "ds.portion"), T(lang, "ds.amount"))
	for _, p := range ps {
		row := []cell{{Text: p.PaidOn}}
		if withContract {
			row = append(row, cell{Text: p.Title, Href: dsContractHref(p.ContractID)}, cell{Text: p.ProviderName})
		}
		row = append(row, cell{Text: T(lang, "ds.portion_n:"+strconv.Itoa(p.Portion+1))}, cell{Text: offYuan(p.Amount), Class: "num"})
		rows = append(rows, row)
	}
	return dsTable(cols, rows, T(lang, "ds.no_payments"))
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
		q := cloneQuery(r.URL.Query())
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
	ctx, lang := r.Context(), langOf(r)
	opts, pg := listOptions(r, "fiscal_year", "category", "place")
	cs, total, err := s.app.DisclosedContracts(ctx, opts)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, listBody[*gongzhi.ContractSummary]{Items: cs, Total: total, Page: pg, PerPage: opts.Limit})
		return nil
	}
	v := &dsListView{Action: "/public/contracts", Q: opts.Q, Year: opts.Filters["fiscal_year"], Total: total, Table: s.dsContractsTable(ctx, lang, cs),
		Intro: T(lang, "ds.contracts_intro"), YearLabel: T(lang, "ds.fiscal_year"), SearchLabel: T(lang, "ds.search")}
	dsPager(r, v, pg, opts.Limit, total)
	s.render(w, r, http.StatusOK, "disclosure_list", &page{Title: T(lang, "ds.contracts"), Active: "/public", Data: v})
	return nil
}

func (s *Server) dsPayments(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	opts, pg := listOptions(r, "contract", "place", "year")
	ps, total, err := s.app.PaymentsMade(r.Context(), opts)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, listBody[*gongzhi.PaymentMade]{Items: ps, Total: total, Page: pg, PerPage: opts.Limit})
		return nil
	}
	v := &dsListView{Action: "/public/payments-made", Q: opts.Q, Year: opts.Filters["year"], Total: total, Table: dsPaymentsTable(lang, ps, true),
		Intro: T(lang, "ds.payments_intro"), YearLabel: T(lang, "ds.pay_year"), SearchLabel: T(lang, "ds.search")}
	dsPager(r, v, pg, opts.Limit, total)
	s.render(w, r, http.StatusOK, "disclosure_list", &page{Title: T(lang, "ds.payments"), Active: "/public", Data: v})
	return nil
}

type dsContractView struct {
	Rows       []kv
	Indicators template.HTML
	Portions   template.HTML
	Payments   template.HTML
	Paid       *svgChart
}

func (s *Server) dsContract(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), langOf(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.app.DisclosedContract(ctx, id)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, c)
		return nil
	}
	groups := s.ppGroupNames(ctx, lang)
	var comms, gs []string
	for _, x := range c.Communities {
		comms = append(comms, x.Name)
	}
	for _, g := range c.TargetGroups {
		gs = append(gs, ppFirstNonEmpty(groups[g.Code], g.Name))
	}
	v := &dsContractView{Rows: []kv{
		{Label: T(lang, "ds.provider"), Value: c.ProviderName},
		{Label: T(lang, "ds.purchaser"), Value: c.PurchaserName},
		{Label: T(lang, "ds.place"), Value: c.PlaceName},
		{Label: T(lang, "ds.call"), Value: c.CallTitle},
		{Label: T(lang, "ds.category"), Value: s.ppCategoryNames(ctx, lang, []string{c.CategoryCode})},
		{Label: T(lang, "ds.fiscal_year"), Value: strconv.Itoa(c.FiscalYear)},
		{Label: T(lang, "ds.amount"), Value: offYuan(c.Amount)},
		{Label: T(lang, "ds.paid"), Value: offYuan(c.Paid)},
		{Label: T(lang, "ds.period"), Value: dsPeriod(c)},
		{Label: T(lang, "ds.signed_on"), Value: ppFirstNonEmpty(c.SignedOn, "—")},
		{Label: T(lang, "ds.communities"), Value: ppFirstNonEmpty(strings.Join(comms, "、"), "—")},
		{Label: T(lang, "ds.groups"), Value: ppFirstNonEmpty(strings.Join(gs, "、"), "—")},
	}}
	var ind [][]cell
	for _, x := range c.Outputs {
		ind = append(ind, []cell{{Text: T(lang, "ds.output")}, {Text: x.Name}, {Text: strconv.FormatInt(int64(x.Target), 10) + " " + x.Unit, Class: "num"}})
	}
	for _, x := range c.Outcomes {
		ind = append(ind, []cell{{Text: T(lang, "ds.outcome")}, {Text: x.Name}, {Text: strconv.FormatInt(int64(x.Target), 10) + " " + x.Unit, Class: "num"}})
	}
	v.Indicators = dsTable([]string{T(lang, "ds.kind"), T(lang, "ds.indicator"), T(lang, "ds.target")}, ind, "—")
	var por [][]cell
	var bars []svgBar
	for _, p := range c.Portions {
		paidOn := ppFirstNonEmpty(p.PaidOn, "—")
		por = append(por, []cell{{Text: T(lang, "ds.portion_n:"+strconv.Itoa(p.Index+1))}, {Text: gongzhi.FormatBP(p.BasisPoints), Class: "num"},
			{Text: offYuan(p.Amount), Class: "num"}, {Text: p.DueOn}, {Text: offYuan(p.Paid), Class: "num"}, {Text: paidOn}})
		bars = append(bars, svgBar{Label: T(lang, "ds.portion_n:"+strconv.Itoa(p.Index+1)) + " · " + p.DueOn, Marker: -1,
			Values: []int64{int64(p.Amount), int64(p.Paid)}, Note: dashShortYuan(lang, p.Amount) + " / " + dashShortYuan(lang, p.Paid),
			Tip: offYuan(p.Amount) + " / " + offYuan(p.Paid)})
	}
	v.Portions = dsTable([]string{T(lang, "ds.portion"), T(lang, "ds.share"), T(lang, "ds.amount"), T(lang, "ds.due_on"), T(lang, "ds.paid"), T(lang, "ds.paid_on")}, por, "—")
	if len(bars) > 0 {
		v.Paid = &svgChart{ID: "chart-portions", Title: T(lang, "ds.portions_chart"), Legend: []svgLegend{{Color: svgColContract, Label: T(lang, "ds.due_amount")}, {Color: svgColPaid, Label: T(lang, "ds.paid")}}}
		v.Paid.SVG = svgHBars(v.Paid.ID, v.Paid.Title, T(lang, "ds.portions_desc"), []string{svgColContract, svgColPaid}, bars, 0)
	}
	ps, _, err := s.app.PaymentsMade(ctx, store.ListOptions{Filters: map[string]string{"contract": fmtInt(id)}, Limit: 200})
	if err != nil {
		return err
	}
	v.Payments = dsPaymentsTable(lang, ps, false)
	s.render(w, r, http.StatusOK, "disclosure_contract", &page{Title: c.Title, Active: "/public", Data: v})
	return nil
}
