// Dashboards (看板): the street's (purchaser, hub, auditor) and a provider's, server-rendered with
// inline SVG charts (dashboard_charts.go) and a table under each chart, with a year selector;
// GET /api/v1/dashboard?year= returns every block as one document. The public disclosure section
// is in disclosure.go.

package overviewweb

import (
	"fmt"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/overview"
	"gongzhi/internal/web"
)

func (s *Server) dashboardRoutes() {
	s.Handle("GET /dashboard", web.Changed, s.dashboard)
	s.Api("GET /api/v1/dashboard", s.dashboard)
	s.disclosureRoutes()
}

func dashboardAPIDocs() map[string]web.ApiDoc {
	d := map[string]web.ApiDoc{
		"GET /api/v1/dashboard": {Summary: "The caller's dashboard for a fiscal year (?year=, default this year): for the purchaser, the hub and the auditor " +
			"the street's coverage of communities × target groups, money by category and budget level, payments by month, indicator progress per contract, " +
			"open and overdue items and satisfaction over time; for a provider the same for its own contracts", Resp: overview.Dashboard{}, Filters: []string{"year"}},
	}
	for k, v := range disclosureAPIDocs() {
		d[k] = v
	}
	return d
}

// dashYear reads ?year= (2000–2100), else the current year in China.
func (s *Server) dashYear(r *http.Request) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && n >= 2000 && n <= 2100 {
		return n
	}
	return s.svc.Now().In(gongzhi.ChinaTime).Year()
}

type dashCard struct {
	Label, Value, Note string
	Alert              bool
	Href               string
}

type dashView struct {
	Place        bool // a place's dashboard (any level), not a provider's
	Year         int
	Years        []int
	AsOf         string
	Scope        string
	Cards        []dashCard
	Coverage     *svgChart
	CoverageNote string
	ByCategory   *svgChart
	ByLevel      *svgChart
	Months       *svgChart
	Progress     *svgChart
	Contracts    [][]web.Cell
	Heads        []string
	Attention    []gongzhi.Todo
	Satisfaction *svgChart
	Vouchers     *dashVouchers
	APIURL       string
}

// dashVouchers is the service vouchers block: this month and in all, with a link to the report.
type dashVouchers struct {
	Heads []string
	Rows  [][]web.Cell
	Note  string
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	year := s.dashYear(r)
	d, err := s.svc.Dashboard(r.Context(), ac, year)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, d)
		return nil
	}
	l := s.OffLabelsFor(r)
	v := &dashView{Place: d.Kind != "provider", Year: year, AsOf: d.AsOf, Scope: web.PpFirstNonEmpty(d.PlaceName, d.OrgName),
		Attention: d.Attention, APIURL: "/api/v1/dashboard?year=" + strconv.Itoa(year)}
	this := s.svc.Now().In(gongzhi.ChinaTime).Year()
	for y := this + 1; y >= this-4; y-- {
		v.Years = append(v.Years, y)
	}
	if !dashContains(v.Years, year) {
		v.Years = append(v.Years, year)
	}
	for i := range d.ByCategory {
		d.ByCategory[i].Name = l.Category(d.ByCategory[i].Key)
	}
	active := 0
	for _, c := range d.Contracts {
		if c.Active {
			active++
		}
	}
	attention := 0
	for _, t := range d.Attention {
		attention += max(t.Count, 1)
	}
	paidShare := "—"
	if d.Total.Contracted > 0 {
		paidShare = svgPct(int(d.Total.Paid * 10000 / d.Total.Contracted))
	}
	v.Cards = []dashCard{
		{Label: web.T(lang, "dash.card.contracts"), Value: strconv.Itoa(len(d.Contracts)), Note: web.T(lang, "dash.card.active:"+strconv.Itoa(active))},
		{Label: web.T(lang, "dash.card.contracted"), Value: dashShortYuan(lang, d.Total.Contracted), Note: web.OffYuan(d.Total.Contracted)},
		{Label: web.T(lang, "dash.card.paid"), Value: dashShortYuan(lang, d.Total.Paid), Note: web.T(lang, "dash.card.paid_share:"+paidShare)},
		{Label: web.T(lang, "dash.card.behind"), Value: strconv.Itoa(d.Behind), Alert: d.Behind > 0, Href: "#progress"},
		{Label: web.T(lang, "dash.card.attention"), Value: strconv.Itoa(attention), Alert: attention > 0, Href: "#attention"},
	}
	if v.Place && d.Coverage != nil {
		v.Cards = append(v.Cards[:3], append([]dashCard{{Label: web.T(lang, "dash.card.gaps"), Value: strconv.Itoa(d.Coverage.Gaps),
			Alert: d.Coverage.Gaps > 0, Href: "#coverage", Note: web.T(lang, "dash.card.gaps_note")}}, v.Cards[3:]...)...)
		v.Coverage, v.CoverageNote = dashCoverageChart(lang, l, d.Coverage)
	}
	v.ByCategory = dashMoneyChart(lang, "chart-category", web.T(lang, "dash.by_category"), d.ByCategory, false)
	if v.Place {
		levels := d.ByLevel
		for i := range levels {
			levels[i].Name = web.T(lang, "budget.level."+levels[i].Key)
			if levels[i].Key == "" {
				levels[i].Name = web.T(lang, "dash.level_none")
			}
		}
		v.ByLevel = dashMoneyChart(lang, "chart-level", web.T(lang, "dash.by_level"), levels, true)
		v.Months = dashMonthsChart(lang, year, d.PaidByMonth)
	}
	if f := d.Vouchers; f != nil {
		v.Vouchers = &dashVouchers{Heads: []string{web.T(lang, "voucher.dash_title"), web.T(lang, "voucher.dash_this_month:"+f.Month), web.T(lang, "voucher.dash_total")},
			Note: web.T(lang, "voucher.dash_reserved_note")}
		count := func(key string, m, t int) {
			v.Vouchers.Rows = append(v.Vouchers.Rows, []web.Cell{{Text: web.T(lang, key)}, {Text: strconv.Itoa(m), Class: "num"}, {Text: strconv.Itoa(t), Class: "num"}})
		}
		money := func(key string, m, t gongzhi.Money) {
			v.Vouchers.Rows = append(v.Vouchers.Rows, []web.Cell{{Text: web.T(lang, key)}, {Text: web.OffYuan(m), Class: "num"}, {Text: web.OffYuan(t), Class: "num"}})
		}
		count("voucher.dash_issued", f.This.Issued, f.Total.Issued)
		count("voucher.dash_redeemed", f.This.Redeemed, f.Total.Redeemed)
		count("voucher.dash_expired", f.This.Expired, f.Total.Expired)
		count("voucher.dash_settled", f.This.Settled, f.Total.Settled)
		money("voucher.dash_reserved", f.This.Reserved, f.Total.Reserved)
		money("voucher.dash_paid", f.This.Paid, f.Total.Paid)
	}
	v.Progress = dashProgressChart(lang, d.Contracts)
	v.Satisfaction = dashSatisfactionChart(lang, year, d.Satisfaction)
	v.Heads = []string{web.T(lang, "dash.contract")}
	if v.Place {
		v.Heads = append(v.Heads, web.T(lang, "dash.provider"))
	}
	v.Heads = append(v.Heads, web.T(lang, "dash.amount"), web.T(lang, "dash.paid"), web.T(lang, "dash.period"), web.T(lang, "dash.elapsed"), web.T(lang, "dash.progress_done"), web.T(lang, "dash.state"))
	for _, c := range d.Contracts {
		progress := "—"
		if c.Indicators > 0 {
			progress = svgPct(c.ProgressBP)
		}
		state := web.T(lang, "dash.on_track")
		switch {
		case c.Indicators == 0:
			state = web.T(lang, "dash.no_ledger")
		case c.Behind:
			state = web.T(lang, "dash.behind")
		}
		row := []web.Cell{{Text: c.Title, Href: web.OffContractHref(c.ContractID)}}
		if v.Place {
			row = append(row, web.Cell{Text: c.ProviderName})
		}
		row = append(row, web.Cell{Text: web.OffYuan(c.Amount), Class: "num"}, web.Cell{Text: web.OffYuan(c.Paid), Class: "num"},
			web.Cell{Text: c.StartOn + " — " + c.EndOn}, web.Cell{Text: svgPct(c.ElapsedBP), Class: "num"}, web.Cell{Text: progress, Class: "num"}, web.Cell{Text: state})
		v.Contracts = append(v.Contracts, row)
	}
	s.Render(w, r, http.StatusOK, "dashboard_page", &web.Page{Title: web.T(lang, "nav.dashboard"), Active: "/dashboard", Data: v})
	return nil
}

func dashContains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// dashShortYuan shows money briefly: 12.3万元 in Chinese, ¥123.4k in English.
func dashShortYuan(lang string, m gongzhi.Money) string {
	yuan := float64(m) / 100
	if lang == "en" {
		switch {
		case yuan >= 1e6:
			return fmt.Sprintf("¥%.2fM", yuan/1e6)
		case yuan >= 1e3:
			return fmt.Sprintf("¥%.1fk", yuan/1e3)
		}
		return fmt.Sprintf("¥%.0f", yuan)
	}
	if yuan >= 1e4 {
		return fmt.Sprintf("%.1f万元", yuan/1e4)
	}
	return fmt.Sprintf("%.0f元", yuan)
}

func dashCoverageChart(lang string, l *web.OffLabels, cov *gongzhi.Coverage) (*svgChart, string) {
	if len(cov.Communities) == 0 || len(cov.Groups) == 0 {
		return nil, web.T(lang, "dash.coverage_empty")
	}
	type key struct{ c, g string }
	cells := map[key]gongzhi.CoverageCell{}
	for _, c := range cov.Cells {
		cells[key{c.CommunityCode, c.TargetGroup}] = c
	}
	var rows, cols []string
	for _, c := range cov.Communities {
		rows = append(rows, c.Name)
	}
	for _, g := range cov.Groups {
		cols = append(cols, l.Group(g.Code))
	}
	grid := make([][]svgCell, len(cov.Communities))
	ch := &svgChart{ID: "chart-coverage", Title: web.T(lang, "dash.coverage"), TableTip: web.T(lang, "dash.show_table"),
		Head: []string{web.T(lang, "dash.community"), web.T(lang, "dash.group"), web.T(lang, "dash.services"), web.T(lang, "dash.needs"), web.T(lang, "dash.people")},
		Legend: []svgLegend{{Color: svgHeatFills[1], Label: web.T(lang, "dash.legend.services_few")}, {Color: svgHeatFills[4], Label: web.T(lang, "dash.legend.services_many")},
			{Color: "#fde8e8", Label: web.T(lang, "dash.legend.gap")}},
		Caption: web.T(lang, "dash.coverage_caption:"+strconv.Itoa(cov.Active))}
	for i, c := range cov.Communities {
		grid[i] = make([]svgCell, len(cov.Groups))
		for j, g := range cov.Groups {
			x, ok := cells[key{c.Code, g.Code}]
			if !ok {
				grid[i][j] = svgCell{Tip: c.Name + " · " + cols[j] + web.T(lang, "p.colon") + web.T(lang, "dash.cell_none")}
				continue
			}
			hc := svgCell{Level: min(x.Services, 4), Tip: c.Name + " · " + cols[j] + web.T(lang, "p.colon") +
				web.TN(lang, "dash.cell_tip", x.Services, web.TN(lang, "dash.cell_tip.needs", x.Needs), web.TN(lang, "dash.cell_tip.people", x.People))}
			if x.Services > 0 {
				hc.Text = strconv.Itoa(x.Services)
			}
			if x.Gap {
				hc.Alert, hc.Text = true, web.T(lang, "dash.gap_mark")
			} else if x.Needs > 0 && x.Services > 0 {
				hc.Text += "·"
			}
			grid[i][j] = hc
			ch.Rows = append(ch.Rows, []string{c.Name, cols[j], strconv.Itoa(x.Services), strconv.Itoa(x.Needs), strconv.Itoa(x.People)})
		}
	}
	ch.SVG, ch.Width = svgHeat(ch.ID, ch.Title, web.T(lang, "dash.coverage_desc:"+strconv.Itoa(cov.Gaps)), rows, cols, grid)
	return ch, web.T(lang, "dash.coverage_help")
}

func dashMoneyChart(lang, id, title string, rows []gongzhi.MoneyRow, budgets bool) *svgChart {
	if len(rows) == 0 {
		return nil
	}
	ch := &svgChart{ID: id, Title: title, TableTip: web.T(lang, "dash.show_table"),
		Head: []string{title, web.T(lang, "dash.contracts"), web.T(lang, "dash.contracted"), web.T(lang, "dash.paid")}}
	colors := []string{svgColContract, svgColPaid}
	ch.Legend = []svgLegend{{Color: svgColContract, Label: web.T(lang, "dash.contracted")}, {Color: svgColPaid, Label: web.T(lang, "dash.paid")}}
	if budgets {
		colors = []string{svgColBudget, svgColContract, svgColPaid}
		ch.Legend = append([]svgLegend{{Color: svgColBudget, Label: web.T(lang, "dash.budgeted")}}, ch.Legend...)
		ch.Head = []string{title, web.T(lang, "dash.budgeted"), web.T(lang, "dash.contracts"), web.T(lang, "dash.contracted"), web.T(lang, "dash.paid")}
	}
	var bars []svgBar
	for _, r := range rows {
		b := svgBar{Label: r.Name, Marker: -1, Values: []int64{int64(r.Contracted), int64(r.Paid)},
			Note: dashShortYuan(lang, r.Contracted) + " / " + dashShortYuan(lang, r.Paid)}
		tr := []string{r.Name, strconv.Itoa(r.Contracts), web.OffYuan(r.Contracted), web.OffYuan(r.Paid)}
		if budgets {
			b.Values = append([]int64{int64(r.Budgeted)}, b.Values...)
			tr = append([]string{r.Name, web.OffYuan(r.Budgeted)}, tr[1:]...)
		}
		b.Tip = r.Name + web.T(lang, "p.colon") + web.T(lang, "dash.contracted") + " " + web.OffYuan(r.Contracted) + "，" + web.T(lang, "dash.paid") + " " + web.OffYuan(r.Paid)
		bars = append(bars, b)
		ch.Rows = append(ch.Rows, tr)
	}
	ch.SVG = svgHBars(id, title, web.T(lang, "dash.money_desc"), colors, bars, 0)
	return ch
}

func dashMonthsChart(lang string, year int, months []gongzhi.MonthMoney) *svgChart {
	paid := map[string]gongzhi.Money{}
	for _, m := range months {
		paid[m.Month] = m.Paid
	}
	ch := &svgChart{ID: "chart-months", Title: web.T(lang, "dash.paid_by_month"), TableTip: web.T(lang, "dash.show_table"),
		Head: []string{web.T(lang, "dash.month"), web.T(lang, "dash.paid")}}
	var labels []string
	var values []int64
	for m := 1; m <= 12; m++ {
		key := fmt.Sprintf("%d-%02d", year, m)
		labels = append(labels, web.T(lang, "dash.month_short:"+strconv.Itoa(m)))
		values = append(values, int64(paid[key]))
		if paid[key] > 0 {
			ch.Rows = append(ch.Rows, []string{key, web.OffYuan(paid[key])})
		}
	}
	ch.SVG = svgVBars(ch.ID, ch.Title, web.T(lang, "dash.months_desc"), svgColPaid, labels, values, func(v int64) string { return dashShortYuan(lang, gongzhi.Money(v)) })
	return ch
}

func dashProgressChart(lang string, cs []gongzhi.ContractStatus) *svgChart {
	if len(cs) == 0 {
		return nil
	}
	ch := &svgChart{ID: "chart-progress", Title: web.T(lang, "dash.progress"), TableTip: web.T(lang, "dash.show_table"),
		Head:    []string{web.T(lang, "dash.contract"), web.T(lang, "dash.progress_done"), web.T(lang, "dash.elapsed"), web.T(lang, "dash.state")},
		Legend:  []svgLegend{{Color: svgColProgress, Label: web.T(lang, "dash.progress_done")}, {Color: svgColBehind, Label: web.T(lang, "dash.behind")}, {Color: svgColMarker, Label: web.T(lang, "dash.elapsed"), Line: true}},
		Caption: web.T(lang, "dash.progress_caption:"+strconv.Itoa(gongzhi.BehindSlackBP/100))}
	var bars []svgBar
	for _, c := range cs {
		b := svgBar{Label: c.Title, Marker: int64(c.ElapsedBP), Alert: c.Behind}
		done, state := "—", web.T(lang, "dash.no_ledger")
		if c.Indicators > 0 {
			b.Values = []int64{int64(c.ProgressBP)}
			done, state = svgPct(c.ProgressBP), web.T(lang, "dash.on_track")
			if c.Behind {
				state = web.T(lang, "dash.behind")
			}
		}
		b.Note = web.OffTr(lang, "dash.progress_note", done, svgPct(c.ElapsedBP))
		b.Tip = c.Title + web.T(lang, "p.colon") + b.Note + "，" + state
		bars = append(bars, b)
		ch.Rows = append(ch.Rows, []string{c.Title, done, svgPct(c.ElapsedBP), state})
	}
	ch.SVG = svgHBars(ch.ID, ch.Title, web.T(lang, "dash.progress_desc"), []string{svgColProgress}, bars, 10000)
	return ch
}

func dashSatisfactionChart(lang string, year int, pts []gongzhi.SatisfactionPoint) *svgChart {
	by := map[string]gongzhi.SatisfactionPoint{}
	for _, p := range pts {
		by[p.Month] = p
	}
	ch := &svgChart{ID: "chart-satisfaction", Title: web.T(lang, "dash.satisfaction"), TableTip: web.T(lang, "dash.show_table"),
		Head:    []string{web.T(lang, "dash.month"), web.T(lang, "dash.rate"), web.T(lang, "dash.interval"), web.T(lang, "dash.responses")},
		Legend:  []svgLegend{{Color: svgColPaid, Label: web.T(lang, "dash.rate")}, {Color: "#c7d7f0", Label: web.T(lang, "dash.interval")}},
		Caption: web.T(lang, "dash.satisfaction_caption")}
	var labels []string
	var line []svgPoint
	for m := 1; m <= 12; m++ {
		key := fmt.Sprintf("%d-%02d", year, m)
		labels = append(labels, web.T(lang, "dash.month_short:"+strconv.Itoa(m)))
		p, ok := by[key]
		if !ok || p.Responses == 0 {
			line = append(line, svgPoint{})
			continue
		}
		tip := key + web.T(lang, "p.colon") + svgPct(p.RateBP) + "（" + svgPct(p.LowBP) + "–" + svgPct(p.HighBP) + "，" + web.T(lang, "dash.n:"+strconv.Itoa(p.Responses)) + "）"
		line = append(line, svgPoint{Has: true, Value: p.RateBP, Lo: p.LowBP, Hi: p.HighBP, Tip: tip})
		ch.Rows = append(ch.Rows, []string{key, svgPct(p.RateBP), svgPct(p.LowBP) + "–" + svgPct(p.HighBP), strconv.Itoa(p.Responses)})
	}
	if len(ch.Rows) == 0 {
		ch.Caption = web.T(lang, "dash.satisfaction_none")
	}
	ch.SVG = svgLineBand(ch.ID, ch.Title, web.T(lang, "dash.satisfaction_desc"), labels, line)
	return ch
}
