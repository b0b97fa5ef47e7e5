// Reports of the purchase workflow (DOMAIN.md §4, §12): funding by category and fiscal year —
// contracts, total amount and share of the year — as a table, a bar chart drawn by the server as
// inline SVG (no script, no outside service) and an Excel export; the needs each funded project
// answers and the needs left unanswered; the purchaser's on-time payment rate.
package web

import (
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

func (s *Server) offReportRoutes() {
	s.handle("GET /reports", changed, s.offWrap(s.offFundingReport))
	s.handle("GET /reports/funding.xlsx", changed, s.offWrap(s.offFundingExport))
	s.handle("GET /reports/needs", changed, s.offWrap(s.offNeedsReport))
	s.api("GET /api/v1/reports/funding", s.offWrap(s.offFundingReport))
	s.api("GET /api/v1/reports/funding.xlsx", s.offWrap(s.offFundingExport))
	s.api("GET /api/v1/reports/needs-answered", s.offWrap(s.offNeedsReport))
	s.api("GET /api/v1/reports/on-time", s.offWrap(s.offOnTime))
	s.handle("GET /purchase-office.css", public, s.offServeOfficeCSS)
}

// offReportPlace is the place a report covers: ?place= if the caller sees it, else the caller's
// own place.
func offReportPlace(r *http.Request) string {
	ac := actorOf(r)
	if p := r.URL.Query().Get("place"); len(p) == 12 && (ac.SeesPlace(p) || ac.ScopeCode == "") {
		return p
	}
	return ac.ScopeCode
}

// offYears reads the from and to years of a report (default: the last five years).
func (s *Server) offYears(r *http.Request) (int, int) {
	to := s.app.Now().In(gongzhi.ChinaTime).Year()
	if n, err := strconv.Atoi(r.URL.Query().Get("to")); err == nil && n >= 2000 && n <= 2100 {
		to = n
	}
	from := to - 4
	if n, err := strconv.Atoi(r.URL.Query().Get("from")); err == nil && n >= 2000 && n <= 2100 {
		from = n
	}
	return from, to
}

// offFundingBody is the funding report as the API returns it.
type offFundingBody struct {
	PlaceCode string                `json:"place_code"`
	From      int                   `json:"from"`
	To        int                   `json:"to"`
	Years     []gongzhi.FundingYear `json:"years"`
}

type offReportView struct {
	CSS       string
	From, To  string
	Place     string
	Years     []offYearView
	Chart     *offChart
	ExportURL string
	Rate      string
	RateNote  string
	Empty     bool
}

type offYearView struct {
	Year      int
	Contracts int
	Amount    string
	Rows      [][]string
}

// offChart is a horizontal bar chart in SVG user units; the page scales it to its width.
type offChart struct {
	Width, Height int
	Title         string
	Rows          []offChartRow
}

type offChartRow struct {
	Year         bool
	Label, Value string
	TextY, BarY  int
	BarW, ValueX int
	Fill         string
}

// offPalette colours categories, the same colour for a category in every year.
var offPalette = []string{"#b42318", "#1f5fbf", "#0f7b45", "#b7791f", "#6b46c1", "#2c7a7b", "#c05621", "#4a5568", "#d53f8c", "#2b6cb0"}

func offFundingChart(lang string, years []gongzhi.FundingYear) *offChart {
	const width, barMax, rowH, yearH = 480, 300, 40, 30
	c := &offChart{Width: width, Title: T(lang, "report.chart_title")}
	var top gongzhi.Money
	colour := map[string]string{}
	for _, y := range years {
		for _, row := range y.Categories {
			top = max(top, row.Amount)
			if colour[row.CategoryCode] == "" {
				colour[row.CategoryCode] = offPalette[len(colour)%len(offPalette)]
			}
		}
	}
	yPos := 0
	for _, y := range years {
		yPos += yearH
		c.Rows = append(c.Rows, offChartRow{Year: true, Label: strconv.Itoa(y.Year) + " · " + offYuan(y.Amount) + " · " +
			T(lang, "report.contracts_n:"+strconv.Itoa(y.Contracts)), TextY: yPos - 8})
		for _, row := range y.Categories {
			w := 0
			if top > 0 {
				w = int(row.Amount.MulBP(10000*barMax) / top)
				w = max(w, 2)
			}
			c.Rows = append(c.Rows, offChartRow{Label: row.CategoryName, Value: offYuan(row.Amount) + " · " + gongzhi.FormatBP(row.ShareBP),
				TextY: yPos + 13, BarY: yPos + 18, BarW: w, ValueX: w + 6, Fill: colour[row.CategoryCode]})
			yPos += rowH
		}
	}
	c.Height = yPos + 6
	return c
}

func (s *Server) offFundingReport(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	place := offReportPlace(r)
	from, to := s.offYears(r)
	years, err := s.app.FundingByCategory(r.Context(), place, from, to)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		if years == nil {
			years = []gongzhi.FundingYear{}
		}
		writeJSON(w, http.StatusOK, offFundingBody{PlaceCode: place, From: from, To: to, Years: years})
		return nil
	}
	s.offTranslateCategories(r, years)
	v := &offReportView{CSS: officeCSSURL(), From: strconv.Itoa(from), To: strconv.Itoa(to), Place: place, Empty: len(years) == 0}
	q := r.URL.Query()
	v.ExportURL = "/reports/funding.xlsx?" + q.Encode()
	for _, y := range years {
		yv := offYearView{Year: y.Year, Contracts: y.Contracts, Amount: offYuan(y.Amount)}
		for _, row := range y.Categories {
			yv.Rows = append(yv.Rows, []string{row.CategoryName, strconv.Itoa(row.Contracts), offYuan(row.Amount), gongzhi.FormatBP(row.ShareBP)})
		}
		v.Years = append(v.Years, yv)
	}
	if len(years) > 0 {
		v.Chart = offFundingChart(lang, years)
	}
	if rate, err := s.app.OnTimeRate(r.Context(), place); err == nil {
		v.Rate = gongzhi.FormatBP(rate.RateBP)
		v.RateNote = offTr(lang, "contract.rate_note", rate.AsOf, strconv.Itoa(rate.Due), strconv.Itoa(rate.OnTime), strconv.Itoa(rate.Late),
			strconv.Itoa(rate.Unpaid))
	}
	s.render(w, r, http.StatusOK, "p_office_reports", &page{Title: T(lang, "nav.reports"), Active: "/reports", Data: v})
	return nil
}

// offTranslateCategories names the report's categories in English when the page is in English.
func (s *Server) offTranslateCategories(r *http.Request, years []gongzhi.FundingYear) {
	l := s.offLabelsFor(r)
	for i := range years {
		for j := range years[i].Categories {
			years[i].Categories[j].CategoryName = l.category(years[i].Categories[j].CategoryCode)
		}
	}
}

func (s *Server) offFundingExport(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	from, to := s.offYears(r)
	years, err := s.app.FundingByCategory(r.Context(), offReportPlace(r), from, to)
	if err != nil {
		return err
	}
	s.offTranslateCategories(r, years)
	var rows [][]any
	for _, y := range years {
		for _, row := range y.Categories {
			rows = append(rows, []any{y.Year, row.CategoryName, row.CategoryCode, row.Contracts, row.Amount.String(), gongzhi.FormatBP(row.ShareBP)})
		}
		rows = append(rows, []any{y.Year, T(lang, "report.year_total"), "", y.Contracts, y.Amount.String(), "100.00%"})
	}
	offSendXLSX(w, offXlsxName("funding-by-category"))
	headers := []string{T(lang, "report.year"), T(lang, "report.category"), T(lang, "category.code"), T(lang, "report.contracts"),
		T(lang, "report.amount") + T(lang, "unit.yuan"), T(lang, "report.share")}
	return xlsx.Export(w, T(lang, "report.funding"), headers, offRowsSeq(rows))
}

func (s *Server) offOnTime(w http.ResponseWriter, r *http.Request) error {
	rate, err := s.app.OnTimeRate(r.Context(), offReportPlace(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rate)
	return nil
}

// ---- needs answered and unanswered

type offNeedsReportView struct {
	CSS         string
	Projects    []offProjectView
	Unanswered  [][]cell
	UnTotal     int
	MoreURL     string
	CanSeeNeeds bool
}

type offProjectView struct {
	Title    string
	Href     string
	Org      string
	Amount   string
	CallHref string
	Needs    []cell
}

func (s *Server) offNeedsReport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	var callID int64
	if v := r.URL.Query().Get("call"); v != "" {
		callID, _ = strconv.ParseInt(v, 10, 64)
	}
	ps, err := s.app.NeedsAnswered(r.Context(), ac, offReportPlace(r), callID)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		if ps == nil {
			ps = []gongzhi.ProjectNeeds{}
		}
		writeJSON(w, http.StatusOK, itemsOf[gongzhi.ProjectNeeds]{Items: ps})
		return nil
	}
	l := s.offLabelsFor(r)
	needCell := func(n *gongzhi.Need) cell {
		return cell{Text: n.CommunityName + " · " + l.group(n.TargetGroup) + " · " + l.category(n.CategoryCode) + T(lang, "p.colon") + offTruncate(n.Description, 60) +
			T(lang, "p.open") + strconv.Itoa(n.PeopleAffected) + T(lang, "unit.people") + T(lang, "p.close"), Href: offNeedHref(n.ID)}
	}
	v := &offNeedsReportView{CSS: officeCSSURL()}
	for _, p := range ps {
		pv := offProjectView{Title: p.Title, Org: p.OrgName, Amount: offYuan(p.Amount), CallHref: offCallHref(p.CallID)}
		if p.ContractID != 0 {
			pv.Href = offContractHref(p.ContractID)
		}
		for _, n := range p.Needs {
			pv.Needs = append(pv.Needs, needCell(n))
		}
		v.Projects = append(v.Projects, pv)
	}
	opts := store.ListOptions{Limit: 100, Sort: "people_affected", Desc: true, Filters: map[string]string{}}
	n, err := s.app.NeedsUnanswered(r.Context(), ac, opts, func(n *gongzhi.Need) error {
		v.Unanswered = append(v.Unanswered, []cell{needCell(n), {Text: offShowDate(n.CreatedAt)}, {Text: T(lang, "need.source."+n.Source)}})
		return nil
	})
	if err == nil {
		v.CanSeeNeeds, v.UnTotal = true, n
		if n > len(v.Unanswered) {
			v.MoreURL = "/needs?answered=0"
		}
	} else if gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
		return err
	}
	s.render(w, r, http.StatusOK, "p_office_report_needs", &page{Title: T(lang, "report.needs"), Active: "/reports", Data: v})
	return nil
}
