// Past contracts (issue 11, item 3) in the office's pages and the API: the import of the
// concluded purchases of earlier years from the office's Excel template (or a CSV file with its
// headers), every row or none, with each bad row's line, column and reason; their list, each
// marked as imported; and the provider's history on the registry's organization page.

package purchaseweb

import (
	"errors"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

func init() {
	web.AddAPIDocs(pastAPIDocs())
	web.AddAPIDocs(pastEditAPIDocs())
}

var offPastFilters = []string{"org", "fiscal_year", "category", "state", "place"}

func (s *Server) offPastRoutes() {
	s.Handle("GET /past-contracts", web.Changed, s.OffWrap(s.offPastList))
	s.Handle("GET /past-contracts/import", web.Changed, s.OffWrap(s.offPastImportPage))
	s.Handle("POST /past-contracts/import", web.Changed, s.OffWrap(s.offPastImport))
	s.Handle("GET /past-contracts/import-template.xlsx", web.Changed, s.OffWrap(s.offPastTemplate))
	s.Api("GET /api/v1/past-contracts", s.OffWrap(s.offPastList))
	s.Api("POST /api/v1/past-contracts/import", s.OffWrap(s.offPastImport))
	s.Api("GET /api/v1/past-contracts/import-template.xlsx", s.OffWrap(s.offPastTemplate))
	s.AddSection("organizations", s.orgPastContracts)
	s.offPastEditRoutes()
}

// pastAPIDocs are the past contracts' operations of the OpenAPI document.
func pastAPIDocs() map[string]web.ApiDoc {
	return map[string]web.ApiDoc{
		"GET /api/v1/past-contracts": {Summary: "Concluded purchases of earlier years imported from the office's records, each marked imported: a place's and below (purchaser, hub, auditor) or your organization's (provider)",
			Resp: gongzhi.PastContract{}, List: true, Filters: offPastFilters},
		"POST /api/v1/past-contracts/import": {Summary: "Import concluded purchases of earlier years from an Excel (.xlsx, the template's Chinese headers) or CSV file (purchaser): all rows or none; a bad file answers 422 with every problem's line, column and reason code. They count in the funding report and the provider's history, never in the delivery workflows",
			Upload: true, Resp: pastImportResult{}},
		"GET /api/v1/past-contracts/import-template.xlsx": {Summary: "Excel template for importing past contracts (a CSV file takes the same headers)", Binary: true},
	}
}

// pastImportResult is the answer to a successful import.
type pastImportResult struct {
	Imported int `json:"imported"`
}

// pastProblem is one problem of a refused file: its line in the sheet (the header is line 1),
// the column's header and key, the reason's code and its text in the request's language.
type pastProblem struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Field  string `json:"field"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

type pastImportView struct {
	*web.FormView
	TemplateURL string
	Problems    []pastProblem
}

func (s *Server) pastImportForm(lang string) *pastImportView {
	return &pastImportView{
		FormView: &web.FormView{Action: "/past-contracts/import", Submit: web.T(lang, "action.upload"), Multipart: true, Cancel: "/past-contracts",
			Intro:  web.T(lang, "past.import_intro"),
			Fields: []web.Field{{Name: "file", Label: "Excel (.xlsx) / CSV", Type: "file", Required: true, Wide: true}}},
		TemplateURL: "/past-contracts/import-template.xlsx",
	}
}

func (s *Server) offPastImportPage(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !purchase.MayImportPastContracts(ac) {
		return gongzhi.Forbidden()
	}
	s.Render(w, r, http.StatusOK, "import", &web.Page{Title: web.T(lang, "past.import"), Active: "/contracts", Data: s.pastImportForm(lang)})
	return nil
}

func (s *Server) offPastTemplate(w http.ResponseWriter, r *http.Request) error {
	ac := web.ActorOf(r)
	if !purchase.MayImportPastContracts(ac) {
		return gongzhi.Forbidden()
	}
	web.OffSendXLSX(w, "past-contracts-template.xlsx")
	example := map[string]string{"fiscal_year": "2017", "category": "社区老人居家养老服务", "credit_code": "52320116MJ5555555X",
		"provider": "某某社会工作服务中心", "title": "2017年社区居家养老服务项目", "amount": "200000", "signed_on": "2017-03-01",
		"start_on": "2017-03-01", "end_on": "2017-12-31", "communities": "某某社区、某某社区", "state": "已完成"}
	return xlsx.Template(w, web.T("zh-CN", "past.title"), purchase.PastContractColumns(), example)
}

func (s *Server) offPastImport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !purchase.MayImportPastContracts(ac) {
		return gongzhi.Forbidden()
	}
	file, csv, err := web.ImportFile(w, r, s.Opts.MaxUpload)
	if err != nil {
		return err
	}
	defer file.Close()
	n, err := s.svc.ImportPastContractsFile(r.Context(), ac, file, csv, 100_000)
	var rowErrs xlsx.Errors
	switch {
	case err == nil:
	case errors.As(err, &rowErrs):
		problems := make([]pastProblem, 0, len(rowErrs))
		fields := map[string]web.FieldError{}
		for _, e := range rowErrs {
			code := e.Reason
			problems = append(problems, pastProblem{Line: e.Line, Column: e.Column, Field: e.Key, Code: web.ReasonCode(code), Reason: web.T(lang, code)})
			fields["row "+strconv.Itoa(e.Line)+" "+e.Key] = web.FieldErrorOf(lang, code)
		}
		if web.IsAPIPath(r) {
			web.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": web.ApiError{Code: gongzhi.EINVALID,
				Message: web.T(lang, "err.import:"+strconv.Itoa(len(problems))), Fields: fields}, "problems": problems})
			return nil
		}
		d := s.pastImportForm(lang)
		d.Problems = problems
		s.Render(w, r, http.StatusUnprocessableEntity, "import", &web.Page{Title: web.T(lang, "past.import"), Active: "/contracts", Data: d})
		return nil
	case errors.Is(err, xlsx.ErrNotExcel):
		return gongzhi.Invalid("file", "err.not_excel")
	case errors.Is(err, xlsx.ErrNoHeader), errors.Is(err, xlsx.ErrTooManyRows):
		return &gongzhi.Error{Code: gongzhi.EINVALID, Message: err.Error(), Fields: map[string]string{"file": err.Error()}}
	default:
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, pastImportResult{Imported: n})
		return nil
	}
	return s.Redirect(w, r, "/past-contracts", web.T(lang, "imported:"+strconv.Itoa(n)))
}

// pastCells are a past contract's cells in the lists: year, title, provider, category, amount,
// dates, state, and the imported mark.
func pastCells(lang string, l *web.OffLabels, p *gongzhi.PastContract, withProvider bool) []web.Cell {
	period := p.StartOn
	if p.EndOn != "" {
		period += " – " + p.EndOn
	}
	cells := []web.Cell{{Text: strconv.Itoa(p.FiscalYear)}, {Text: p.Title, Href: pastHref(p.ID)}}
	if withProvider {
		cells = append(cells, web.Cell{Text: p.ProviderName, Href: "/organizations/" + strconv.FormatInt(p.OrgID, 10)})
	}
	return append(cells, web.Cell{Text: l.Category(p.CategoryCode)}, web.Cell{Text: web.OffYuan(p.Amount), Class: "num"},
		web.Cell{Text: period}, web.Cell{Text: web.T(lang, "past.state."+p.State)}, web.Cell{Text: web.T(lang, "past.imported"), Class: "mark-imported"})
}

func (s *Server) offPastList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, offPastFilters...)
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.PastContracts))
	}
	l := s.OffLabelsFor(r)
	lv := &web.ListView{Action: "/past-contracts", Q: opts.Q}
	var amount gongzhi.Money
	total, err := s.svc.PastContracts(r.Context(), ac, opts, func(p *gongzhi.PastContract) error {
		lv.Rows = append(lv.Rows, pastCells(lang, l, p, true))
		amount += p.Amount
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	web.PageLinks(r, lv, []web.ColDef{{Label: web.T(lang, "contract.fiscal_year"), Sort: "fiscal_year"}, {Label: web.T(lang, "contract.title"), Sort: "title"},
		{Label: web.T(lang, "contract.provider")}, {Label: web.T(lang, "contract.category")}, {Label: web.T(lang, "contract.amount"), Sort: "amount"},
		{Label: web.T(lang, "past.period")}, {Label: web.T(lang, "contract.state")}, {Label: web.T(lang, "past.source")}}, opts.Limit)
	lv.Filters = []web.Field{
		{Name: "fiscal_year", Label: web.T(lang, "contract.fiscal_year"), Type: "number", Value: r.URL.Query().Get("fiscal_year")},
		web.FilterSelect(r, "category", web.T(lang, "contract.category"), s.OffCategoryOptions(r, l, true, web.T(lang, "list.all"))),
		web.FilterSelect(r, "state", web.T(lang, "contract.state"), web.EnumOptions(lang, "past.state", gongzhi.PastStates, true)),
	}
	if len(lv.Rows) > 0 {
		lv.Note = web.T(lang, "contract.page_sum") + " " + web.OffYuan(amount) + " · " + web.T(lang, "past.note")
	}
	lp := &web.OffListPage{ListView: lv}
	if purchase.MayImportPastContracts(ac) {
		lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "past.import"), Href: "/past-contracts/import"})
	}
	if purchase.MayWorkOnContracts(ac) {
		lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "nav.contracts"), Href: "/contracts"})
	}
	if purchase.MayPurchase(ac) {
		lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "nav.reports"), Href: "/reports"})
	}
	s.Render(w, r, http.StatusOK, "p_office_list", &web.Page{Title: web.T(lang, "past.title"), Active: "/contracts", Data: lp})
	return nil
}

// orgPastContracts is the provider's history of imported past contracts on the registry's
// organization page, newest year first, for those who may read them (a provider its own).
func (s *Server) orgPastContracts(r *http.Request, lang, id string) (*web.Related, []web.ActionLink, error) {
	ac := web.ActorOf(r)
	if !purchase.MayReadPastContracts(ac) {
		return nil, nil, nil
	}
	orgID, err := web.ParseID(id)
	if err != nil {
		return nil, nil, err
	}
	l := s.OffLabelsFor(r)
	rel := &web.Related{Title: web.T(lang, "past.history")}
	rel.List.Columns = []web.ListCol{{Label: web.T(lang, "contract.fiscal_year")}, {Label: web.T(lang, "contract.title")}, {Label: web.T(lang, "contract.category")},
		{Label: web.T(lang, "contract.amount")}, {Label: web.T(lang, "past.period")}, {Label: web.T(lang, "contract.state")}, {Label: web.T(lang, "past.source")}}
	opts := gongzhi.ListOptions{Limit: 20, Sort: "fiscal_year", Desc: true, Filters: map[string]string{"org": id}}
	n, err := s.svc.PastContracts(r.Context(), ac, opts, func(p *gongzhi.PastContract) error {
		rel.List.Rows = append(rel.List.Rows, pastCells(lang, l, p, false))
		return nil
	})
	if err != nil {
		if gongzhi.ErrorCode(err) == gongzhi.EFORBIDDEN {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	if n > len(rel.List.Rows) {
		rel.More = "/past-contracts?org=" + strconv.FormatInt(orgID, 10)
	}
	if n == 0 {
		return nil, nil, nil
	}
	return rel, nil, nil
}
