// Budgets and the purchase catalog in the office's pages and the API: budgets by source and
// fiscal year with their ledger of reservations, releases and payments and what is still
// available; the catalog of service categories with standards and price ranges, which the
// purchaser adds to and edits. Money is typed and shown in yuan with two decimals and kept in fen.

package purchaseweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

var offBudgetFilters = []string{"fiscal_year", "level", "fund", "place"}

func (s *Server) offBudgetRoutes() {
	s.Handle("GET /budgets", web.Changed, s.OffWrap(s.offBudgetsList))
	s.Handle("GET /budgets/export.xlsx", web.Changed, s.OffWrap(s.offBudgetsExport))
	s.Handle("GET /budgets/new", web.Changed, s.OffWrap(s.offBudgetForm(true)))
	s.Handle("POST /budgets/new", web.Changed, s.OffWrap(s.offBudgetSave(true)))
	s.Handle("GET /budgets/{id}", web.Changed, s.OffWrap(s.offBudgetDetail))
	s.Handle("GET /budgets/{id}/edit", web.Changed, s.OffWrap(s.offBudgetForm(false)))
	s.Handle("POST /budgets/{id}/edit", web.Changed, s.OffWrap(s.offBudgetSave(false)))
	s.Api("GET /api/v1/budgets", s.OffWrap(s.offBudgetsList))
	s.Api("GET /api/v1/budgets.xlsx", s.OffWrap(s.offBudgetsExport))
	s.Api("POST /api/v1/budgets", s.OffWrap(s.offBudgetSave(true)))
	s.Api("GET /api/v1/budgets/{id}", s.OffWrap(s.offBudgetDetail))
	s.Api("PUT /api/v1/budgets/{id}", s.OffWrap(s.offBudgetSave(false)))
	s.Api("GET /api/v1/budgets/{id}/ledger", s.OffWrap(s.offBudgetLedger))

	s.Handle("GET /catalog", web.Public, s.OffWrap(s.offCatalogList))
	s.Handle("GET /catalog/new", web.Changed, s.OffWrap(s.offCategoryForm(true)))
	s.Handle("POST /catalog/new", web.Changed, s.OffWrap(s.offCategorySave(true)))
	s.Handle("GET /catalog/{code}/edit", web.Changed, s.OffWrap(s.offCategoryForm(false)))
	s.Handle("POST /catalog/{code}/edit", web.Changed, s.OffWrap(s.offCategorySave(false)))
	s.Api("GET /api/v1/catalog", s.OffWrap(s.offCatalogList))
	s.Api("POST /api/v1/catalog", s.OffWrap(s.offCategorySave(true)))
	s.Api("PUT /api/v1/catalog/{code}", s.OffWrap(s.offCategorySave(false)))
}

func offBudgetHref(id int64) string { return "/budgets/" + strconv.FormatInt(id, 10) }

// offBudgetView is a budget as the API returns it: with what is still available.
type offBudgetView struct {
	ID         int64         `json:"id"`
	PlaceCode  string        `json:"place_code"`
	PlaceName  string        `json:"place_name"`
	FiscalYear int           `json:"fiscal_year"`
	Level      string        `json:"level"`
	Fund       string        `json:"fund"`
	Name       string        `json:"name"`
	Amount     gongzhi.Money `json:"amount"`
	Reserved   gongzhi.Money `json:"reserved"`
	Spent      gongzhi.Money `json:"spent"`
	Available  gongzhi.Money `json:"available"`
	Notes      string        `json:"notes"`
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
}

func offBudgetOf(b *gongzhi.Budget) offBudgetView {
	return offBudgetView{ID: b.ID, PlaceCode: b.PlaceCode, PlaceName: b.PlaceName, FiscalYear: b.FiscalYear, Level: b.Level, Fund: b.Fund,
		Name: b.Name, Amount: b.Amount, Reserved: b.Reserved, Spent: b.Spent, Available: b.Available(), Notes: b.Notes,
		CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

func (s *Server) offBudgetsList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, offBudgetFilters...)
	if web.IsAPIPath(r) {
		body := web.ListBody[offBudgetView]{Items: []offBudgetView{}, Page: pg, PerPage: opts.Limit}
		total, err := s.svc.Budgets(r.Context(), ac, opts, func(b *gongzhi.Budget) error {
			body.Items = append(body.Items, offBudgetOf(b))
			return nil
		})
		if err != nil {
			return err
		}
		body.Total = total
		web.WriteJSON(w, http.StatusOK, body)
		return nil
	}
	lv := &web.ListView{Action: "/budgets", Q: opts.Q}
	var amount, reserved, spent gongzhi.Money
	total, err := s.svc.Budgets(r.Context(), ac, opts, func(b *gongzhi.Budget) error {
		lv.Rows = append(lv.Rows, []web.Cell{{Text: b.Name, Href: offBudgetHref(b.ID)}, {Text: b.PlaceName}, {Text: strconv.Itoa(b.FiscalYear)},
			{Text: web.T(lang, "budget.level."+b.Level)}, {Text: web.T(lang, "budget.fund."+b.Fund)}, {Text: web.OffYuan(b.Amount), Class: "num"},
			{Text: web.OffYuan(b.Reserved), Class: "num"}, {Text: web.OffYuan(b.Spent), Class: "num"}, {Text: web.OffYuan(b.Available()), Class: "num"}})
		amount, reserved, spent = amount+b.Amount, reserved+b.Reserved, spent+b.Spent
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	web.PageLinks(r, lv, []web.ColDef{{Label: web.T(lang, "budget.name"), Sort: "name"}, {Label: web.T(lang, "budget.place_code"), Sort: ""}, {Label: web.T(lang, "budget.fiscal_year"), Sort: "fiscal_year"},
		{Label: web.T(lang, "budget.level"), Sort: ""}, {Label: web.T(lang, "budget.fund"), Sort: ""}, {Label: web.T(lang, "budget.amount"), Sort: "amount"}, {Label: web.T(lang, "budget.reserved"), Sort: ""},
		{Label: web.T(lang, "budget.spent"), Sort: ""}, {Label: web.T(lang, "budget.available"), Sort: ""}}, opts.Limit)
	lv.Filters = []web.Field{
		{Name: "fiscal_year", Label: web.T(lang, "budget.fiscal_year"), Type: "number", Value: r.URL.Query().Get("fiscal_year")},
		web.FilterSelect(r, "level", web.T(lang, "budget.level"), web.EnumOptions(lang, "budget.level", gongzhi.BudgetLevels, true)),
		web.FilterSelect(r, "fund", web.T(lang, "budget.fund"), web.EnumOptions(lang, "budget.fund", gongzhi.BudgetFunds, true)),
	}
	if len(lv.Rows) > 0 {
		lv.Note = web.T(lang, "budget.page_sum") + " " + web.OffYuan(amount) + " · " + web.T(lang, "budget.reserved") + " " + web.OffYuan(reserved) + " · " +
			web.T(lang, "budget.spent") + " " + web.OffYuan(spent) + " · " + web.T(lang, "budget.available") + " " + web.OffYuan(amount-reserved-spent)
	}
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/budgets/export.xlsx?" + q.Encode()
	if purchase.MayPurchase(ac) {
		lv.NewURL = "/budgets/new"
	}
	lp := &web.OffListPage{ListView: lv, Links: []web.ActionLink{{Label: web.T(lang, "nav.catalog"), Href: "/catalog"}}}
	s.Render(w, r, http.StatusOK, "p_office_list", &web.Page{Title: web.T(lang, "nav.budgets"), Active: "/budgets", Data: lp})
	return nil
}

func (s *Server) offBudgetsExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, _ := web.ListOptions(r, offBudgetFilters...)
	opts.Limit, opts.Offset = 0, 0
	var rows [][]any
	if _, err := s.svc.Budgets(r.Context(), ac, opts, func(b *gongzhi.Budget) error {
		rows = append(rows, []any{b.ID, b.Name, b.PlaceName, b.FiscalYear, web.T(lang, "budget.level."+b.Level), web.T(lang, "budget.fund."+b.Fund),
			web.OffAmount(b.Amount), web.OffAmount(b.Reserved), web.OffAmount(b.Spent), web.OffAmount(b.Available()), b.Notes})
		return nil
	}); err != nil {
		return err
	}
	web.OffSendXLSX(w, web.OffXlsxName("budgets"))
	headers := []string{"ID", web.T(lang, "budget.name"), web.T(lang, "budget.place_code"), web.T(lang, "budget.fiscal_year"), web.T(lang, "budget.level"),
		web.T(lang, "budget.fund"), web.T(lang, "budget.amount") + web.T(lang, "unit.yuan"), web.T(lang, "budget.reserved") + web.T(lang, "unit.yuan"),
		web.T(lang, "budget.spent") + web.T(lang, "unit.yuan"), web.T(lang, "budget.available") + web.T(lang, "unit.yuan"), web.T(lang, "budget.notes")}
	return xlsx.Export(w, web.T(lang, "nav.budgets"), headers, web.OffRowsSeq(rows))
}

// offBudgetFromForm reads the budget form; money in yuan.
func offBudgetFromForm(r *http.Request) (*gongzhi.Budget, web.OffRawValues, gongzhi.FieldErrors) {
	f := gongzhi.FieldErrors{}
	b := &gongzhi.Budget{PlaceCode: strings.TrimSpace(r.PostFormValue("place_code")), Level: r.PostFormValue("level"),
		Fund: r.PostFormValue("fund"), Name: r.PostFormValue("name"), Notes: r.PostFormValue("notes")}
	b.FiscalYear = web.OffParseInt(f, "fiscal_year", r.PostFormValue("fiscal_year"))
	b.Amount = web.OffParseYuan(f, "amount", r.PostFormValue("amount"), true)
	return b, web.OffRawValues{"amount": r.PostFormValue("amount"), "fiscal_year": r.PostFormValue("fiscal_year")}, f
}

func (s *Server) offBudgetFields(r *http.Request, b *gongzhi.Budget, raw web.OffRawValues, errs map[string]string, create bool) []web.Field {
	lang := web.LangOf(r)
	year := ""
	if b.FiscalYear != 0 {
		year = strconv.Itoa(b.FiscalYear)
	}
	fs := []web.Field{
		{Name: "name", Label: web.T(lang, "budget.name"), Type: "text", Value: b.Name, Error: errs["name"], Required: true, Wide: true,
			Help: web.T(lang, "budget.name_help")},
		{Name: "fiscal_year", Label: web.T(lang, "budget.fiscal_year"), Type: "number", Value: raw.Or("fiscal_year", year), Error: errs["fiscal_year"], Required: true},
		{Name: "amount", Label: web.T(lang, "budget.amount") + web.T(lang, "unit.yuan"), Type: "text", Value: raw.Or("amount", web.OffMoneyValue(b.Amount)), Error: errs["amount"],
			Required: true, Help: web.T(lang, "money.help")},
		{Name: "level", Label: web.T(lang, "budget.level"), Type: "select", Value: b.Level,
			Options: web.OffWithBlank("—", web.EnumOptions(lang, "budget.level", gongzhi.BudgetLevels, false)), Error: errs["level"], Required: true,
			Help: web.T(lang, "budget.level_help")},
		{Name: "fund", Label: web.T(lang, "budget.fund"), Type: "select", Value: b.Fund,
			Options: web.OffWithBlank("—", web.EnumOptions(lang, "budget.fund", gongzhi.BudgetFunds, false)), Error: errs["fund"], Required: true},
	}
	if create {
		fs = append(fs, web.Field{Name: "place_code", Label: web.T(lang, "budget.place_code"), Type: "select", Value: b.PlaceCode,
			Options: s.PlaceOptions(r, purchase.PurchaseLevels...), Error: errs["place_code"], Required: true})
	}
	return append(fs, web.Field{Name: "notes", Label: web.T(lang, "budget.notes"), Type: "textarea", Value: b.Notes, Error: errs["notes"], Wide: true})
}

func (s *Server) offRenderBudgetForm(w http.ResponseWriter, r *http.Request, status int, b *gongzhi.Budget, raw web.OffRawValues, e *gongzhi.Error, create bool) {
	lang := web.LangOf(r)
	title, action, cancel := web.T(lang, "budget.new"), "/budgets/new", "/budgets"
	if !create {
		title, action, cancel = web.T(lang, "action.edit")+" · "+b.Name, offBudgetHref(b.ID)+"/edit", offBudgetHref(b.ID)
	}
	fv := &web.FormView{Action: action, Cancel: cancel, Submit: web.T(lang, "action.save"), Fields: s.offBudgetFields(r, b, raw, web.OffFieldErrs(lang, e), create)}
	s.Render(w, r, status, "form", &web.Page{Title: title, Active: "/budgets", Data: fv, Error: e})
}

func (s *Server) offBudgetForm(create bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := web.ActorOf(r)
		if !purchase.MayPurchase(ac) {
			return gongzhi.Forbidden()
		}
		b := &gongzhi.Budget{PlaceCode: ac.ScopeCode, FiscalYear: s.svc.Now().In(gongzhi.ChinaTime).Year(),
			Level: gongzhi.BudgetLevelOf(gongzhi.LevelOfCode(ac.ScopeCode)), Fund: "fiscal"}
		if !create {
			id, err := web.PathID(r)
			if err != nil {
				return err
			}
			if b, err = s.svc.Budget(r.Context(), ac, id); err != nil {
				return err
			}
		}
		s.offRenderBudgetForm(w, r, http.StatusOK, b, nil, nil, create)
		return nil
	}
}

func (s *Server) offBudgetSave(create bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := web.ActorOf(r)
		return web.OffSave(s.Server, w, r, create, web.OffRecordSave[gongzhi.Budget]{
			Load: func(r *http.Request) (func(*gongzhi.Budget), error) {
				id, err := web.PathID(r)
				if err != nil {
					return nil, err
				}
				old, err := s.svc.Budget(r.Context(), ac, id)
				if err != nil {
					return nil, err
				}
				return func(b *gongzhi.Budget) { b.ID, b.PlaceCode = old.ID, old.PlaceCode }, nil
			},
			FromForm: offBudgetFromForm,
			Validate: (*gongzhi.Budget).Validate,
			Save: func(r *http.Request, b *gongzhi.Budget) error {
				if create {
					return s.svc.CreateBudget(r.Context(), ac, b)
				}
				return s.svc.UpdateBudget(r.Context(), ac, b)
			},
			Saved: func(r *http.Request, b *gongzhi.Budget) (any, string, error) {
				stored, err := s.svc.Budget(r.Context(), ac, b.ID)
				if err != nil {
					return nil, "", err
				}
				return offBudgetOf(stored), "/api/v1/budgets/" + strconv.FormatInt(b.ID, 10), nil
			},
			Form: func(w http.ResponseWriter, r *http.Request, status int, b *gongzhi.Budget, raw web.OffRawValues, e *gongzhi.Error) {
				s.offRenderBudgetForm(w, r, status, b, raw, e, create)
			},
			Href: func(b *gongzhi.Budget) string { return offBudgetHref(b.ID) },
		})
	}
}

func (s *Server) offBudgetLedger(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ledger, err := s.svc.BudgetLedger(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if ledger == nil {
		ledger = []gongzhi.LedgerEntry{}
	}
	for i := range ledger {
		ledger[i].Note.Text = web.NoteText(web.LangOf(r), ledger[i].Note)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.LedgerEntry]{Items: ledger})
	return nil
}

func (s *Server) offBudgetDetail(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	b, err := s.svc.Budget(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, offBudgetOf(b))
		return nil
	}
	ledger, err := s.svc.BudgetLedger(r.Context(), ac, id)
	if err != nil {
		return err
	}
	dv := &web.DetailView{Rows: []web.Kv{
		{Label: web.T(lang, "budget.place_code"), Value: b.PlaceName},
		{Label: web.T(lang, "budget.fiscal_year"), Value: strconv.Itoa(b.FiscalYear)},
		{Label: web.T(lang, "budget.level"), Value: web.T(lang, "budget.level."+b.Level)},
		{Label: web.T(lang, "budget.fund"), Value: web.T(lang, "budget.fund."+b.Fund)},
		{Label: web.T(lang, "budget.amount"), Value: web.OffYuan(b.Amount)},
		{Label: web.T(lang, "budget.reserved"), Value: web.OffYuan(b.Reserved)},
		{Label: web.T(lang, "budget.spent"), Value: web.OffYuan(b.Spent)},
		{Label: web.T(lang, "budget.available"), Value: web.OffYuan(b.Available())},
		{Label: web.T(lang, "budget.notes"), Value: b.Notes},
	}}
	if purchase.MayPurchase(ac) {
		dv.Actions = append(dv.Actions, web.ActionLink{Label: web.T(lang, "action.edit"), Href: offBudgetHref(id) + "/edit"},
			web.ActionLink{Label: web.T(lang, "call.new"), Href: "/calls/new?budget_id=" + strconv.FormatInt(id, 10)})
	}
	titles := map[int64]string{}
	calls := web.Related{Title: web.T(lang, "budget.calls")}
	calls.List.Columns = []web.ListCol{{Label: web.T(lang, "call.title")}, {Label: web.T(lang, "call.state")}, {Label: web.T(lang, "call.amount")},
		{Label: web.T(lang, "call.reserved")}, {Label: web.T(lang, "call.awarded")}}
	n, err := s.svc.Calls(r.Context(), ac, gongzhi.ListOptions{Filters: map[string]string{"budget": strconv.FormatInt(id, 10)}, Limit: 50},
		func(c *gongzhi.Call) error {
			titles[c.ID] = c.Title
			calls.List.Rows = append(calls.List.Rows, []web.Cell{{Text: c.Title, Href: offCallHref(c.ID)}, {Text: web.T(lang, "call.state."+c.State)},
				{Text: web.OffYuan(c.Amount), Class: "num"}, {Text: web.OffYuan(c.Reserved), Class: "num"}, {Text: web.OffYuan(c.Awarded), Class: "num"}})
			return nil
		})
	if err != nil {
		return err
	}
	if n > 50 {
		calls.More = "/calls?budget=" + strconv.FormatInt(id, 10)
	}
	led := web.Related{Title: web.T(lang, "budget.ledger")}
	led.List.Columns = []web.ListCol{{Label: web.T(lang, "budget.ledger.at")}, {Label: web.T(lang, "budget.ledger.kind")}, {Label: web.T(lang, "budget.ledger.amount")},
		{Label: web.T(lang, "budget.ledger.call")}, {Label: web.T(lang, "budget.ledger.contract")}, {Label: web.T(lang, "budget.ledger.user")}, {Label: web.T(lang, "budget.ledger.note")}}
	var res gongzhi.Money
	var spent gongzhi.Money
	for _, e := range ledger {
		sign := "+"
		switch e.Kind {
		case gongzhi.LedgerReserve:
			res += e.Amount
		case gongzhi.LedgerRelease:
			res -= e.Amount
			sign = "−"
		case gongzhi.LedgerSpend:
			res -= e.Amount
			spent += e.Amount
		}
		row := []web.Cell{{Text: web.OffShowTime(e.At)}, {Text: web.T(lang, "budget.ledger.kind."+e.Kind)}, {Text: sign + web.OffYuan(e.Amount), Class: "num"}, {}, {},
			{Text: e.Username}, {Text: web.NoteText(lang, e.Note)}}
		if e.CallID != 0 {
			row[3] = web.Cell{Text: "#" + strconv.FormatInt(e.CallID, 10), Href: offCallHref(e.CallID)}
			if t := titles[e.CallID]; t != "" {
				row[3].Text = t
			}
		}
		if e.ContractID != 0 {
			row[4] = web.Cell{Text: "#" + strconv.FormatInt(e.ContractID, 10), Href: web.OffContractHref(e.ContractID)}
		}
		led.List.Rows = append(led.List.Rows, row)
	}
	if len(ledger) > 0 {
		led.List.Rows = append(led.List.Rows, []web.Cell{{Text: web.T(lang, "budget.ledger.balance")}, {},
			{Text: web.T(lang, "budget.reserved") + " " + web.OffYuan(res) + " · " + web.T(lang, "budget.spent") + " " + web.OffYuan(spent), Class: "num"}, {}, {}, {}, {}})
	}
	dv.Related = []web.Related{led, calls}
	hist, err := s.svc.BudgetHistory(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	dv.ShowHistory, dv.History = true, web.OffHistoryOf(lang, hist)
	s.Render(w, r, http.StatusOK, "detail", &web.Page{Title: b.Name, Active: "/budgets", Data: dv})
	return nil
}

// ---- the catalog

func (s *Server) offCatalogList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	cats, err := s.svc.ServiceCategories(r.Context(), false)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if cats == nil {
			cats = []*gongzhi.ServiceCategory{}
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[*gongzhi.ServiceCategory]{Items: cats})
		return nil
	}
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	if q != "" {
		var kept []*gongzhi.ServiceCategory
		for _, c := range cats {
			if strings.Contains(strings.ToLower(c.Code+" "+c.Name+" "+c.NameEn+" "+c.Standard), q) {
				kept = append(kept, c)
			}
		}
		cats = kept
	}
	lv := &web.ListView{Action: "/catalog", Total: len(cats), Page: 1, Q: r.URL.Query().Get("q")}
	cols := []web.ColDef{{Label: web.T(lang, "category.code"), Sort: ""}, {Label: web.T(lang, "category.name"), Sort: ""}, {Label: web.T(lang, "category.price"), Sort: ""},
		{Label: web.T(lang, "category.standard"), Sort: ""}, {Label: web.T(lang, "category.active"), Sort: ""}}
	if purchase.MayPurchase(ac) {
		cols = append(cols, web.ColDef{Label: "", Sort: ""})
	}
	web.PageLinks(r, lv, cols, 0)
	for _, c := range cats {
		name := c.Name
		if c.NameEn != "" {
			name += " / " + c.NameEn
		}
		row := []web.Cell{{Text: c.Code}, {Text: name}, {Text: offPriceRange(lang, c), Class: "num"}, {Text: c.Standard},
			{Text: web.YesNo(lang, c.Active)}}
		if purchase.MayPurchase(ac) {
			row = append(row, web.Cell{Text: web.T(lang, "action.edit"), Href: "/catalog/" + url.PathEscape(c.Code) + "/edit"})
		}
		lv.Rows = append(lv.Rows, row)
	}
	if purchase.MayPurchase(ac) {
		lv.NewURL = "/catalog/new"
	}
	lv.Note = web.T(lang, "category.intro")
	lp := &web.OffListPage{ListView: lv}
	if purchase.MayPurchase(ac) {
		// ranges still the built-in ones (a province's) are said, read from the catalog as it
		// is: nothing is written on a page read
		var builtin []string
		for _, c := range cats {
			if c.Active && c.HasBuiltinRange() {
				builtin = append(builtin, c.Name+" "+offPriceRange(lang, c))
			}
		}
		if len(builtin) > 0 {
			lp.Warn = web.OffTr(lang, "category.builtin_ranges", strings.Join(builtin, web.T(lang, "p.sep")))
		}
	}
	if purchase.MayReadPurchases(ac) {
		lp.Links = []web.ActionLink{{Label: web.T(lang, "nav.budgets"), Href: "/budgets"}, {Label: web.T(lang, "nav.calls"), Href: "/calls"}}
	}
	s.Render(w, r, http.StatusOK, "p_office_list", &web.Page{Title: web.T(lang, "nav.catalog"), Active: "/budgets", Data: lp})
	return nil
}

// offPriceRange shows a category's price range.
func offPriceRange(lang string, c *gongzhi.ServiceCategory) string {
	switch {
	case c.PriceMin == 0 && c.PriceMax == 0:
		return web.T(lang, "category.no_range")
	case c.PriceMax == 0:
		return web.OffYuan(c.PriceMin) + " " + web.T(lang, "category.and_up") + offExceptionsText(lang, c)
	}
	return web.OffYuan(c.PriceMin) + " – " + web.OffYuan(c.PriceMax) + offExceptionsText(lang, c)
}

// offExceptionsText says whether amounts outside the range are refused or allowed with a reason.
func offExceptionsText(lang string, c *gongzhi.ServiceCategory) string {
	if c.AllowExceptions {
		return web.T(lang, "category.exceptions_allowed")
	}
	return web.T(lang, "category.range_enforced")
}

func offCategoryFromForm(r *http.Request) (*gongzhi.ServiceCategory, web.OffRawValues, gongzhi.FieldErrors) {
	f := gongzhi.FieldErrors{}
	c := &gongzhi.ServiceCategory{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), NameEn: r.PostFormValue("name_en"),
		Standard: r.PostFormValue("standard"), Active: r.PostFormValue("active") == "true", AllowExceptions: r.PostFormValue("allow_exceptions") == "true"}
	c.PriceMin = web.OffParseYuan(f, "price_min", r.PostFormValue("price_min"), false)
	c.PriceMax = web.OffParseYuan(f, "price_max", r.PostFormValue("price_max"), false)
	return c, web.OffRawValues{"price_min": r.PostFormValue("price_min"), "price_max": r.PostFormValue("price_max")}, f
}

func (s *Server) offRenderCategoryForm(w http.ResponseWriter, r *http.Request, status int, c *gongzhi.ServiceCategory, raw web.OffRawValues, e *gongzhi.Error, create bool) {
	lang := web.LangOf(r)
	errs := web.OffFieldErrs(lang, e)
	title, action := web.T(lang, "category.new"), "/catalog/new"
	codeField := web.Field{Name: "code", Label: web.T(lang, "category.code"), Type: "text", Value: c.Code, Error: errs["code"], Required: true,
		Help: web.T(lang, "category.code_help")}
	if !create {
		title, action = web.T(lang, "action.edit")+" · "+c.Name, "/catalog/"+url.PathEscape(c.Code)+"/edit"
		codeField = web.Field{Name: "code", Type: "hidden", Value: c.Code}
	}
	fs := []web.Field{codeField,
		{Name: "name", Label: web.T(lang, "category.name"), Type: "text", Value: c.Name, Error: errs["name"], Required: true},
		{Name: "name_en", Label: web.T(lang, "category.name_en"), Type: "text", Value: c.NameEn, Error: errs["name_en"]},
		{Name: "price_min", Label: web.T(lang, "category.price_min") + web.T(lang, "unit.yuan"), Type: "text", Value: raw.Or("price_min", web.OffMoneyValue(c.PriceMin)),
			Error: errs["price_min"], Help: web.T(lang, "money.help")},
		{Name: "price_max", Label: web.T(lang, "category.price_max") + web.T(lang, "unit.yuan"), Type: "text", Value: raw.Or("price_max", web.OffMoneyValue(c.PriceMax)),
			Error: errs["price_max"], Help: web.T(lang, "category.max_help")},
		{Name: "standard", Label: web.T(lang, "category.standard"), Type: "textarea", Value: c.Standard, Error: errs["standard"], Wide: true},
		{Name: "allow_exceptions", Label: web.T(lang, "category.allow_exceptions_help"), Type: "checkbox", Value: map[bool]string{true: "true"}[c.AllowExceptions],
			Error: errs["allow_exceptions"], Wide: true},
	}
	if !create {
		v := ""
		if c.Active {
			v = "true"
		}
		fs = append(fs, web.Field{Name: "active", Label: web.T(lang, "category.active_help"), Type: "checkbox", Value: v, Error: errs["active"], Wide: true})
	}
	fv := &web.FormView{Action: action, Cancel: "/catalog", Submit: web.T(lang, "action.save"), Fields: fs}
	s.Render(w, r, status, "form", &web.Page{Title: title, Active: "/budgets", Data: fv, Error: e})
}

// offCategoryByCode finds a catalog entry by code.
func (s *Server) offCategoryByCode(r *http.Request, code string) (*gongzhi.ServiceCategory, error) {
	cats, err := s.svc.ServiceCategories(r.Context(), false)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		if c.Code == code {
			return c, nil
		}
	}
	return nil, gongzhi.NotFound()
}

func (s *Server) offCategoryForm(create bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !purchase.MayPurchase(web.ActorOf(r)) {
			return gongzhi.Forbidden()
		}
		c := &gongzhi.ServiceCategory{Active: true}
		if !create {
			var err error
			if c, err = s.offCategoryByCode(r, r.PathValue("code")); err != nil {
				return err
			}
		}
		s.offRenderCategoryForm(w, r, http.StatusOK, c, nil, nil, create)
		return nil
	}
}

func (s *Server) offCategorySave(create bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := web.ActorOf(r)
		return web.OffSave(s.Server, w, r, create, web.OffRecordSave[gongzhi.ServiceCategory]{
			Load: func(r *http.Request) (func(*gongzhi.ServiceCategory), error) {
				code := r.PathValue("code")
				if _, err := s.offCategoryByCode(r, code); err != nil {
					return nil, err
				}
				return func(c *gongzhi.ServiceCategory) { c.Code = code }, nil
			},
			FromForm: offCategoryFromForm,
			Validate: (*gongzhi.ServiceCategory).Validate,
			Save: func(r *http.Request, c *gongzhi.ServiceCategory) error {
				return s.svc.SaveServiceCategory(r.Context(), ac, c, create)
			},
			Saved: func(r *http.Request, c *gongzhi.ServiceCategory) (any, string, error) {
				stored, err := s.offCategoryByCode(r, c.Code)
				return stored, "/api/v1/catalog/" + url.PathEscape(c.Code), err
			},
			Form: func(w http.ResponseWriter, r *http.Request, status int, c *gongzhi.ServiceCategory, raw web.OffRawValues, e *gongzhi.Error) {
				s.offRenderCategoryForm(w, r, status, c, raw, e, create)
			},
			Href: func(*gongzhi.ServiceCategory) string { return "/catalog" },
		})
	}
}
