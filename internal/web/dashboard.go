// Dashboards (看板): the street's (purchaser, hub, auditor) and a provider's, server-rendered with
// inline SVG charts (dashboard_charts.go) and a table under each chart, with a year selector;
// GET /api/v1/dashboard?year= returns every block as one document. The public disclosure section
// is in disclosure.go.
package web

import (
	"fmt"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/overview"
)

func (s *Server) dashboardRoutes() {
	s.handle("GET /dashboard", changed, s.dashboard)
	s.api("GET /api/v1/dashboard", s.dashboard)
	s.disclosureRoutes()
}

func dashboardAPIDocs() map[string]apiDoc {
	d := map[string]apiDoc{
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
	return s.app.Now().In(gongzhi.ChinaTime).Year()
}

type dashCard struct {
	Label, Value, Note string
	Alert              bool
	Href               string
}

type dashView struct {
	Street       bool
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
	Contracts    [][]cell
	Heads        []string
	Attention    []kernel.Todo
	Satisfaction *svgChart
	APIURL       string
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	year := s.dashYear(r)
	d, err := s.app.Dashboard(r.Context(), ac, year)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, d)
		return nil
	}
	l := s.offLabelsFor(r)
	v := &dashView{Street: d.Kind == "street", Year: year, AsOf: d.AsOf, Scope: ppFirstNonEmpty(d.PlaceName, d.OrgName),
		Attention: d.Attention, APIURL: "/api/v1/dashboard?year=" + strconv.Itoa(year)}
	this := s.app.Now().In(gongzhi.ChinaTime).Year()
	for y := this + 1; y >= this-4; y-- {
		v.Years = append(v.Years, y)
	}
	if !dashContains(v.Years, year) {
		v.Years = append(v.Years, year)
	}
	for i := range d.ByCategory {
		d.ByCategory[i].Name = l.category(d.ByCategory[i].Key)
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
		{Label: T(lang, "dash.card.contracts"), Value: strconv.Itoa(len(d.Contracts)), Note: T(lang, "dash.card.active:"+strconv.Itoa(active))},
		{Label: T(lang, "dash.card.contracted"), Value: dashShortYuan(lang, d.Total.Contracted), Note: offYuan(d.Total.Contracted)},
		{Label: T(lang, "dash.card.paid"), Value: dashShortYuan(lang, d.Total.Paid), Note: T(lang, "dash.card.paid_share:"+paidShare)},
		{Label: T(lang, "dash.card.behind"), Value: strconv.Itoa(d.Behind), Alert: d.Behind > 0, Href: "#progress"},
		{Label: T(lang, "dash.card.attention"), Value: strconv.Itoa(attention), Alert: attention > 0, Href: "#attention"},
	}
	if v.Street && d.Coverage != nil {
		v.Cards = append(v.Cards[:3], append([]dashCard{{Label: T(lang, "dash.card.gaps"), Value: strconv.Itoa(d.Coverage.Gaps),
			Alert: d.Coverage.Gaps > 0, Href: "#coverage", Note: T(lang, "dash.card.gaps_note")}}, v.Cards[3:]...)...)
		v.Coverage, v.CoverageNote = dashCoverageChart(lang, l, d.Coverage)
	}
	v.ByCategory = dashMoneyChart(lang, "chart-category", T(lang, "dash.by_category"), d.ByCategory, false)
	if v.Street {
		levels := d.ByLevel
		for i := range levels {
			levels[i].Name = T(lang, "budget.level."+levels[i].Key)
			if levels[i].Key == "" {
				levels[i].Name = T(lang, "dash.level_none")
			}
		}
		v.ByLevel = dashMoneyChart(lang, "chart-level", T(lang, "dash.by_level"), levels, true)
		v.Months = dashMonthsChart(lang, year, d.PaidByMonth)
	}
	v.Progress = dashProgressChart(lang, d.Contracts)
	v.Satisfaction = dashSatisfactionChart(lang, year, d.Satisfaction)
	v.Heads = []string{T(lang, "dash.contract")}
	if v.Street {
		v.Heads = append(v.Heads, T(lang, "dash.provider"))
	}
	v.Heads = append(v.Heads, T(lang, "dash.amount"), T(lang, "dash.paid"), T(lang, "dash.period"), T(lang, "dash.elapsed"), T(lang, "dash.progress_done"), T(lang, "dash.state"))
	for _, c := range d.Contracts {
		progress := "—"
		if c.Indicators > 0 {
			progress = svgPct(c.ProgressBP)
		}
		state := T(lang, "dash.on_track")
		switch {
		case c.Indicators == 0:
			state = T(lang, "dash.no_ledger")
		case c.Behind:
			state = T(lang, "dash.behind")
		}
		row := []cell{{Text: c.Title, Href: offContractHref(c.ContractID)}}
		if v.Street {
			row = append(row, cell{Text: c.ProviderName})
		}
		row = append(row, cell{Text: offYuan(c.Amount), Class: "num"}, cell{Text: offYuan(c.Paid), Class: "num"},
			cell{Text: c.StartOn + " — " + c.EndOn}, cell{Text: svgPct(c.ElapsedBP), Class: "num"}, cell{Text: progress, Class: "num"}, cell{Text: state})
		v.Contracts = append(v.Contracts, row)
	}
	s.render(w, r, http.StatusOK, "dashboard_page", &page{Title: T(lang, "nav.dashboard"), Active: "/dashboard", Data: v})
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

func dashCoverageChart(lang string, l *offLabels, cov *gongzhi.Coverage) (*svgChart, string) {
	if len(cov.Communities) == 0 || len(cov.Groups) == 0 {
		return nil, T(lang, "dash.coverage_empty")
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
		cols = append(cols, l.group(g.Code))
	}
	grid := make([][]svgCell, len(cov.Communities))
	ch := &svgChart{ID: "chart-coverage", Title: T(lang, "dash.coverage"), TableTip: T(lang, "dash.show_table"),
		Head: []string{T(lang, "dash.community"), T(lang, "dash.group"), T(lang, "dash.services"), T(lang, "dash.needs"), T(lang, "dash.people")},
		Legend: []svgLegend{{Color: svgHeatFills[1], Label: T(lang, "dash.legend.services_few")}, {Color: svgHeatFills[4], Label: T(lang, "dash.legend.services_many")},
			{Color: "#fde8e8", Label: T(lang, "dash.legend.gap")}},
		Caption: T(lang, "dash.coverage_caption:"+strconv.Itoa(cov.Active))}
	for i, c := range cov.Communities {
		grid[i] = make([]svgCell, len(cov.Groups))
		for j, g := range cov.Groups {
			x, ok := cells[key{c.Code, g.Code}]
			if !ok {
				grid[i][j] = svgCell{Tip: c.Name + " · " + cols[j] + T(lang, "p.colon") + T(lang, "dash.cell_none")}
				continue
			}
			hc := svgCell{Level: min(x.Services, 4), Tip: c.Name + " · " + cols[j] + T(lang, "p.colon") +
				offTr(lang, "dash.cell_tip", strconv.Itoa(x.Services), strconv.Itoa(x.Needs), strconv.Itoa(x.People))}
			if x.Services > 0 {
				hc.Text = strconv.Itoa(x.Services)
			}
			if x.Gap {
				hc.Alert, hc.Text = true, T(lang, "dash.gap_mark")
			} else if x.Needs > 0 && x.Services > 0 {
				hc.Text += "·"
			}
			grid[i][j] = hc
			ch.Rows = append(ch.Rows, []string{c.Name, cols[j], strconv.Itoa(x.Services), strconv.Itoa(x.Needs), strconv.Itoa(x.People)})
		}
	}
	ch.SVG, ch.Width = svgHeat(ch.ID, ch.Title, T(lang, "dash.coverage_desc:"+strconv.Itoa(cov.Gaps)), rows, cols, grid)
	return ch, T(lang, "dash.coverage_help")
}

func dashMoneyChart(lang, id, title string, rows []gongzhi.MoneyRow, budgets bool) *svgChart {
	if len(rows) == 0 {
		return nil
	}
	ch := &svgChart{ID: id, Title: title, TableTip: T(lang, "dash.show_table"),
		Head: []string{title, T(lang, "dash.contracts"), T(lang, "dash.contracted"), T(lang, "dash.paid")}}
	colors := []string{svgColContract, svgColPaid}
	ch.Legend = []svgLegend{{Color: svgColContract, Label: T(lang, "dash.contracted")}, {Color: svgColPaid, Label: T(lang, "dash.paid")}}
	if budgets {
		colors = []string{svgColBudget, svgColContract, svgColPaid}
		ch.Legend = append([]svgLegend{{Color: svgColBudget, Label: T(lang, "dash.budgeted")}}, ch.Legend...)
		ch.Head = []string{title, T(lang, "dash.budgeted"), T(lang, "dash.contracts"), T(lang, "dash.contracted"), T(lang, "dash.paid")}
	}
	var bars []svgBar
	for _, r := range rows {
		b := svgBar{Label: r.Name, Marker: -1, Values: []int64{int64(r.Contracted), int64(r.Paid)},
			Note: dashShortYuan(lang, r.Contracted) + " / " + dashShortYuan(lang, r.Paid)}
		tr := []string{r.Name, strconv.Itoa(r.Contracts), offYuan(r.Contracted), offYuan(r.Paid)}
		if budgets {
			b.Values = append([]int64{int64(r.Budgeted)}, b.Values...)
			tr = append([]string{r.Name, offYuan(r.Budgeted)}, tr[1:]...)
		}
		b.Tip = r.Name + T(lang, "p.colon") + T(lang, "dash.contracted") + " " + offYuan(r.Contracted) + "，" + T(lang, "dash.paid") + " " + offYuan(r.Paid)
		bars = append(bars, b)
		ch.Rows = append(ch.Rows, tr)
	}
	ch.SVG = svgHBars(id, title, T(lang, "dash.money_desc"), colors, bars, 0)
	return ch
}

func dashMonthsChart(lang string, year int, months []gongzhi.MonthMoney) *svgChart {
	paid := map[string]gongzhi.Money{}
	for _, m := range months {
		paid[m.Month] = m.Paid
	}
	ch := &svgChart{ID: "chart-months", Title: T(lang, "dash.paid_by_month"), TableTip: T(lang, "dash.show_table"),
		Head: []string{T(lang, "dash.month"), T(lang, "dash.paid")}}
	var labels []string
	var values []int64
	for m := 1; m <= 12; m++ {
		key := fmt.Sprintf("%d-%02d", year, m)
		labels = append(labels, T(lang, "dash.month_short:"+strconv.Itoa(m)))
		values = append(values, int64(paid[key]))
		if paid[key] > 0 {
			ch.Rows = append(ch.Rows, []string{key, offYuan(paid[key])})
		}
	}
	ch.SVG = svgVBars(ch.ID, ch.Title, T(lang, "dash.months_desc"), svgColPaid, labels, values, func(v int64) string { return dashShortYuan(lang, gongzhi.Money(v)) })
	return ch
}

func dashProgressChart(lang string, cs []gongzhi.ContractStatus) *svgChart {
	if len(cs) == 0 {
		return nil
	}
	ch := &svgChart{ID: "chart-progress", Title: T(lang, "dash.progress"), TableTip: T(lang, "dash.show_table"),
		Head:    []string{T(lang, "dash.contract"), T(lang, "dash.progress_done"), T(lang, "dash.elapsed"), T(lang, "dash.state")},
		Legend:  []svgLegend{{Color: svgColProgress, Label: T(lang, "dash.progress_done")}, {Color: svgColBehind, Label: T(lang, "dash.behind")}, {Color: svgColMarker, Label: T(lang, "dash.elapsed"), Line: true}},
		Caption: T(lang, "dash.progress_caption:"+strconv.Itoa(gongzhi.BehindSlackBP/100))}
	var bars []svgBar
	for _, c := range cs {
		b := svgBar{Label: c.Title, Marker: int64(c.ElapsedBP), Alert: c.Behind}
		done, state := "—", T(lang, "dash.no_ledger")
		if c.Indicators > 0 {
			b.Values = []int64{int64(c.ProgressBP)}
			done, state = svgPct(c.ProgressBP), T(lang, "dash.on_track")
			if c.Behind {
				state = T(lang, "dash.behind")
			}
		}
		b.Note = offTr(lang, "dash.progress_note", done, svgPct(c.ElapsedBP))
		b.Tip = c.Title + T(lang, "p.colon") + b.Note + "，" + state
		bars = append(bars, b)
		ch.Rows = append(ch.Rows, []string{c.Title, done, svgPct(c.ElapsedBP), state})
	}
	ch.SVG = svgHBars(ch.ID, ch.Title, T(lang, "dash.progress_desc"), []string{svgColProgress}, bars, 10000)
	return ch
}

func dashSatisfactionChart(lang string, year int, pts []gongzhi.SatisfactionPoint) *svgChart {
	by := map[string]gongzhi.SatisfactionPoint{}
	for _, p := range pts {
		by[p.Month] = p
	}
	ch := &svgChart{ID: "chart-satisfaction", Title: T(lang, "dash.satisfaction"), TableTip: T(lang, "dash.show_table"),
		Head:    []string{T(lang, "dash.month"), T(lang, "dash.rate"), T(lang, "dash.interval"), T(lang, "dash.responses")},
		Legend:  []svgLegend{{Color: svgColPaid, Label: T(lang, "dash.rate")}, {Color: "#c7d7f0", Label: T(lang, "dash.interval")}},
		Caption: T(lang, "dash.satisfaction_caption")}
	var labels []string
	var line []svgPoint
	for m := 1; m <= 12; m++ {
		key := fmt.Sprintf("%d-%02d", year, m)
		labels = append(labels, T(lang, "dash.month_short:"+strconv.Itoa(m)))
		p, ok := by[key]
		if !ok || p.Responses == 0 {
			line = append(line, svgPoint{})
			continue
		}
		tip := key + T(lang, "p.colon") + svgPct(p.RateBP) + "（" + svgPct(p.LowBP) + "–" + svgPct(p.HighBP) + "，" + T(lang, "dash.n:"+strconv.Itoa(p.Responses)) + "）"
		line = append(line, svgPoint{Has: true, Value: p.RateBP, Lo: p.LowBP, Hi: p.HighBP, Tip: tip})
		ch.Rows = append(ch.Rows, []string{key, svgPct(p.RateBP), svgPct(p.LowBP) + "–" + svgPct(p.HighBP), strconv.Itoa(p.Responses)})
	}
	if len(ch.Rows) == 0 {
		ch.Caption = T(lang, "dash.satisfaction_none")
	}
	ch.SVG = svgLineBand(ch.ID, ch.Title, T(lang, "dash.satisfaction_desc"), labels, line)
	return ch
}
