// Reports of the purchase workflow (docs/domain.md §3.10, §8): funding by category and fiscal year —
// contracts, total amount and share of the year — as a table, a bar chart drawn by the server as
// inline SVG (no script, no outside service) and an Excel export; the needs each funded project
// answers and the needs left unanswered; the purchaser's on-time payment rate.

package purchaseweb

import (
	"net/http"
	"net/url"
	"strconv"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

func (s *Server) offReportRoutes() {
	s.Handle("GET /reports", web.Changed, s.OffWrap(s.offFundingReport))
	s.Handle("GET /reports/funding.xlsx", web.Changed, s.OffWrap(s.offFundingExport))
	s.Handle("GET /reports/needs", web.Changed, s.OffWrap(s.offNeedsReport))
	s.Api("GET /api/v1/reports/funding", s.OffWrap(s.offFundingReport))
	s.Api("GET /api/v1/reports/funding.xlsx", s.OffWrap(s.offFundingExport))
	s.Handle("GET /reports/funding-by-place.xlsx", web.Changed, s.OffWrap(s.offFundingPlacesExport))
	s.Api("GET /api/v1/reports/funding-by-place.xlsx", s.OffWrap(s.offFundingPlacesExport))
	s.Api("GET /api/v1/reports/needs-answered", s.OffWrap(s.offNeedsReport))
	s.Api("GET /api/v1/reports/on-time", s.OffWrap(s.offOnTime))
	s.publicReportRoutes() // public_reports.go
	s.Handle("GET /purchase-office.css", web.Public, s.OffServeOfficeCSS)
}

// offReportPlace is the place a report covers: ?place= if the caller sees it, else the caller's
// own place.
func offReportPlace(r *http.Request) string {
	ac := web.ActorOf(r)
	if p := r.URL.Query().Get("place"); len(p) == 12 && (ac.SeesPlace(p) || ac.ScopeCode == "") {
		return p
	}
	return ac.ScopeCode
}

// offYears reads the from and to years of a report (default: the last five years).
func (s *Server) offYears(r *http.Request) (int, int) {
	to := s.svc.Now().In(gongzhi.ChinaTime).Year()
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
	// Unit is the unit asked for with ?unit= ("yuan" or "wan", 万元) and UnitFen the fen in one
	// of it: amounts stay integers of fen, as everywhere in the API; the unit is for display and
	// for the Excel export, whose amounts are numbers in that unit.
	Unit    string `json:"unit"`
	UnitFen int64  `json:"unit_fen"`
}

// offUnit is a report's unit of money: ?unit=wan for 万元, anything else 元.
type offUnit struct {
	Name string        // "yuan" or "wan"
	Fen  gongzhi.Money // fen in one unit
}

func offUnitOf(r *http.Request) offUnit {
	if r.URL.Query().Get("unit") == "wan" {
		return offUnit{"wan", 1_000_000}
	}
	return offUnit{"yuan", 100}
}

// Show formats an amount for the page: "¥20,000.00" in 元, "2.00 万元" in 万元 (rounded to the
// hundredth).
func (u offUnit) Show(lang string, m gongzhi.Money) string {
	if u.Name == "wan" {
		h := (m + 5000) / 10000 // hundredths of 万元, the fen of Format
		if m < 0 {
			h = (m - 5000) / 10000
		}
		return h.Format() + " " + web.T(lang, "report.unit.wan")
	}
	return web.OffYuan(m)
}

// Cell is an amount for the Excel export: a number in the unit.
func (u offUnit) Cell(m gongzhi.Money) xlsx.Amount { return xlsx.Amount(float64(m) / float64(u.Fen)) }

type offReportView struct {
	CSS       string
	From, To  string
	Unit      string
	Units     []web.Option
	PastHref  string // the list of imported past contracts, for those who may read it
	Place     string
	PlaceName string
	PlaceArg  string // ?place= as asked, kept by the year form
	Years     []offYearView
	Chart     *offChart
	ExportURL string
	// the roll-up by place as Excel
	PlacesExportURL string
	Rate            string
	RateNote        string
	Empty           bool
}

type offYearView struct {
	Year      int
	Contracts int
	Amount    string
	Imported  string // how many of the contracts were imported, "" if none
	Rows      [][]string
	Levels    [][]string       // level, contracts, amount, share
	Places    []offPlaceRollup // the places below the report's, each with its subtotal
}

// offPlaceRollup is one place's line of a year rolled up by place.
type offPlaceRollup struct {
	Name, Href, Level string
	Depth             int
	Contracts         int
	Amount            string
	TotalContracts    int
	TotalAmount       string
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

func offFundingChart(lang string, u offUnit, years []gongzhi.FundingYear) *offChart {
	const width, barMax, rowH, yearH = 480, 300, 40, 30
	c := &offChart{Width: width, Title: web.T(lang, "report.chart_title")}
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
		c.Rows = append(c.Rows, offChartRow{Year: true, Label: strconv.Itoa(y.Year) + " · " + u.Show(lang, y.Amount) + " · " +
			web.T(lang, "report.contracts_n:"+strconv.Itoa(y.Contracts)), TextY: yPos - 8})
		for _, row := range y.Categories {
			w := 0
			if top > 0 {
				w = int(row.Amount.MulBP(10000*barMax) / top)
				w = max(w, 2)
			}
			c.Rows = append(c.Rows, offChartRow{Label: row.CategoryName, Value: u.Show(lang, row.Amount) + " · " + gongzhi.FormatBP(row.ShareBP),
				TextY: yPos + 13, BarY: yPos + 18, BarW: w, ValueX: w + 6, Fill: colour[row.CategoryCode]})
			yPos += rowH
		}
	}
	c.Height = yPos + 6
	return c
}

func (s *Server) offFundingReport(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	place := offReportPlace(r)
	from, to := s.offYears(r)
	u := offUnitOf(r)
	years, err := s.svc.FundingByCategory(r.Context(), place, from, to)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if years == nil {
			years = []gongzhi.FundingYear{}
		}
		web.WriteJSON(w, http.StatusOK, offFundingBody{PlaceCode: place, From: from, To: to, Years: years, Unit: u.Name, UnitFen: int64(u.Fen)})
		return nil
	}
	s.offTranslateCategories(r, years)
	v := &offReportView{CSS: web.OfficeCSSURL(), From: strconv.Itoa(from), To: strconv.Itoa(to), Place: place, Empty: len(years) == 0, Unit: u.Name,
		Units: []web.Option{{Value: "yuan", Label: web.T(lang, "report.unit.yuan")}, {Value: "wan", Label: web.T(lang, "report.unit.wan")}}}
	if purchase.MayReadPastContracts(web.ActorOf(r)) {
		v.PastHref = "/past-contracts"
	}
	q := r.URL.Query()
	v.ExportURL = "/reports/funding.xlsx?" + q.Encode()
	v.PlacesExportURL = "/reports/funding-by-place.xlsx?" + q.Encode()
	if q.Get("place") == place {
		v.PlaceArg = place
	}
	if p, err := s.svc.Place(r.Context(), web.ActorOf(r), place); err == nil {
		v.PlaceName = p.Name
	}
	top := gongzhi.LevelOfCode(place)
	for _, y := range years {
		yv := offYearView{Year: y.Year, Contracts: y.Contracts, Amount: u.Show(lang, y.Amount)}
		if y.Imported > 0 {
			yv.Imported = web.TN(lang, "report.imported_n", y.Imported)
		}
		for _, row := range y.Categories {
			yv.Rows = append(yv.Rows, []string{row.CategoryName, strconv.Itoa(row.Contracts), u.Show(lang, row.Amount), gongzhi.FormatBP(row.ShareBP)})
		}
		for _, l := range y.Levels {
			yv.Levels = append(yv.Levels, []string{web.T(lang, "budget.level."+l.Level), strconv.Itoa(l.Contracts), u.Show(lang, l.Amount), gongzhi.FormatBP(l.ShareBP)})
		}
		// the roll-up by place is worth a table only when more than one place signed
		if len(y.Places) > 1 || len(y.Places) == 1 && y.Places[0].PlaceCode != place {
			for _, p := range y.Places {
				pr := offPlaceRollup{Name: p.PlaceName, Level: web.T(lang, "budget.level."+p.Level), Depth: gongzhi.LevelOfCode(p.PlaceCode) - top,
					Contracts: p.Contracts, Amount: u.Show(lang, p.Amount), TotalContracts: p.TotalContracts, TotalAmount: u.Show(lang, p.TotalAmount)}
				if p.PlaceCode != place {
					pq := url.Values{"place": {p.PlaceCode}, "from": {v.From}, "to": {v.To}, "unit": {u.Name}}
					pr.Href = "/reports?" + pq.Encode()
				}
				yv.Places = append(yv.Places, pr)
			}
		} else {
			yv.Levels = nil
		}
		v.Years = append(v.Years, yv)
	}
	if len(years) > 0 {
		v.Chart = offFundingChart(lang, u, years)
	}
	if rate, err := s.svc.OnTimeRate(r.Context(), place); err == nil {
		v.Rate = gongzhi.FormatBP(rate.RateBP)
		v.RateNote = web.TN(lang, "contract.rate_note", rate.Due, rate.AsOf, strconv.Itoa(rate.OnTime), strconv.Itoa(rate.Late),
			strconv.Itoa(rate.Unpaid))
	}
	s.Render(w, r, http.StatusOK, "p_office_reports", &web.Page{Title: web.T(lang, "nav.reports"), Active: "/reports", Data: v})
	return nil
}

// offTranslateCategories names the report's categories in English when the page is in English.
func (s *Server) offTranslateCategories(r *http.Request, years []gongzhi.FundingYear) {
	l := s.OffLabelsFor(r)
	for i := range years {
		for j := range years[i].Categories {
			years[i].Categories[j].CategoryName = l.Category(years[i].Categories[j].CategoryCode)
		}
	}
}

func (s *Server) offFundingExport(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	from, to := s.offYears(r)
	u := offUnitOf(r)
	years, err := s.svc.FundingByCategory(r.Context(), offReportPlace(r), from, to)
	if err != nil {
		return err
	}
	s.offTranslateCategories(r, years)
	var rows [][]any
	for _, y := range years {
		for _, row := range y.Categories {
			rows = append(rows, []any{y.Year, row.CategoryName, row.CategoryCode, row.Contracts, row.Imported, u.Cell(row.Amount), xlsx.Share(float64(row.ShareBP) / 10000)})
		}
		rows = append(rows, []any{y.Year, web.T(lang, "report.year_total"), "", y.Contracts, y.Imported, u.Cell(y.Amount), xlsx.Share(1)})
	}
	web.OffSendXLSX(w, web.OffXlsxName("funding-by-category"))
	headers := []string{web.T(lang, "report.year"), web.T(lang, "report.category"), web.T(lang, "category.code"), web.T(lang, "report.contracts"),
		web.T(lang, "past.title"), web.T(lang, "report.amount") + web.T(lang, "unit."+u.Name), web.T(lang, "report.share")}
	return xlsx.Export(w, web.T(lang, "report.funding"), headers, web.OffRowsSeq(rows))
}

// offFundingPlacesExport is the funding report rolled up by place as Excel: for each year, each
// place with what it signed itself and its subtotal with the places below it.
func (s *Server) offFundingPlacesExport(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	from, to := s.offYears(r)
	u := offUnitOf(r)
	years, err := s.svc.FundingByCategory(r.Context(), offReportPlace(r), from, to)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, y := range years {
		for _, p := range y.Places {
			rows = append(rows, []any{y.Year, p.PlaceName, p.PlaceCode, web.T(lang, "budget.level."+p.Level), p.Contracts, u.Cell(p.Amount),
				p.TotalContracts, u.Cell(p.TotalAmount)})
		}
	}
	web.OffSendXLSX(w, web.OffXlsxName("funding-by-place"))
	headers := []string{web.T(lang, "report.year"), web.T(lang, "report.place"), web.T(lang, "place.code"), web.T(lang, "budget.level"),
		web.T(lang, "report.own_contracts"), web.T(lang, "report.own_amount") + web.T(lang, "unit."+u.Name),
		web.T(lang, "report.subtotal_contracts"), web.T(lang, "report.subtotal_amount") + web.T(lang, "unit."+u.Name)}
	return xlsx.Export(w, web.T(lang, "report.by_place"), headers, web.OffRowsSeq(rows))
}

func (s *Server) offOnTime(w http.ResponseWriter, r *http.Request) error {
	rate, err := s.svc.OnTimeRate(r.Context(), offReportPlace(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rate)
	return nil
}

// ---- needs answered and unanswered

type offNeedsReportView struct {
	CSS         string
	Projects    []offProjectView
	Unanswered  [][]web.Cell
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
	Needs    []web.Cell
}

func (s *Server) offNeedsReport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	var callID int64
	if v := r.URL.Query().Get("call"); v != "" {
		callID, _ = strconv.ParseInt(v, 10, 64)
	}
	ps, err := s.svc.NeedsAnswered(r.Context(), ac, offReportPlace(r), callID)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if ps == nil {
			ps = []gongzhi.ProjectNeeds{}
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.ProjectNeeds]{Items: ps})
		return nil
	}
	l := s.OffLabelsFor(r)
	needCell := func(n *gongzhi.Need) web.Cell {
		return web.Cell{Text: n.CommunityName + " · " + l.Group(n.TargetGroup) + " · " + l.Category(n.CategoryCode) + web.T(lang, "p.colon") + web.OffTruncate(n.Description, 60) +
			web.T(lang, "p.open") + web.TN(lang, "unit.people", n.PeopleAffected) + web.T(lang, "p.close"), Href: offNeedHref(n.ID)}
	}
	v := &offNeedsReportView{CSS: web.OfficeCSSURL()}
	for _, p := range ps {
		pv := offProjectView{Title: p.Title, Org: p.OrgName, Amount: web.OffYuan(p.Amount), CallHref: offCallHref(p.CallID)}
		if p.ContractID != 0 {
			pv.Href = web.OffContractHref(p.ContractID)
		}
		for _, n := range p.Needs {
			pv.Needs = append(pv.Needs, needCell(n))
		}
		v.Projects = append(v.Projects, pv)
	}
	opts := gongzhi.ListOptions{Limit: 100, Sort: "people_affected", Desc: true, Filters: map[string]string{}}
	n, err := s.svc.NeedsUnanswered(r.Context(), ac, opts, func(n *gongzhi.Need) error {
		v.Unanswered = append(v.Unanswered, []web.Cell{needCell(n), {Text: web.OffShowDate(n.CreatedAt)}, {Text: web.T(lang, "need.source."+n.Source)}})
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
	s.Render(w, r, http.StatusOK, "p_office_report_needs", &web.Page{Title: web.T(lang, "report.needs"), Active: "/reports", Data: v})
	return nil
}
