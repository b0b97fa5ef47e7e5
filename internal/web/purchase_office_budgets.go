// Budgets and the purchase catalog in the office's pages and the API: budgets by source and
// fiscal year with their ledger of reservations, releases and payments and what is still
// available; the catalog of service categories with standards and price ranges, which the
// purchaser adds to and edits. Money is typed and shown in yuan with two decimals and kept in fen.
package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

var offBudgetFilters = []string{"fiscal_year", "level", "fund", "place"}

func (s *Server) offBudgetRoutes() {
	s.handle("GET /budgets", changed, s.offWrap(s.offBudgetsList))
	s.handle("GET /budgets/export.xlsx", changed, s.offWrap(s.offBudgetsExport))
	s.handle("GET /budgets/new", changed, s.offWrap(s.offBudgetForm(true)))
	s.handle("POST /budgets/new", changed, s.offWrap(s.offBudgetSave(true)))
	s.handle("GET /budgets/{id}", changed, s.offWrap(s.offBudgetDetail))
	s.handle("GET /budgets/{id}/edit", changed, s.offWrap(s.offBudgetForm(false)))
	s.handle("POST /budgets/{id}/edit", changed, s.offWrap(s.offBudgetSave(false)))
	s.api("GET /api/v1/budgets", s.offWrap(s.offBudgetsList))
	s.api("GET /api/v1/budgets.xlsx", s.offWrap(s.offBudgetsExport))
	s.api("POST /api/v1/budgets", s.offWrap(s.offBudgetSave(true)))
	s.api("GET /api/v1/budgets/{id}", s.offWrap(s.offBudgetDetail))
	s.api("PUT /api/v1/budgets/{id}", s.offWrap(s.offBudgetSave(false)))
	s.api("GET /api/v1/budgets/{id}/ledger", s.offWrap(s.offBudgetLedger))

	s.handle("GET /catalog", public, s.offWrap(s.offCatalogList))
	s.handle("GET /catalog/new", changed, s.offWrap(s.offCategoryForm(true)))
	s.handle("POST /catalog/new", changed, s.offWrap(s.offCategorySave(true)))
	s.handle("GET /catalog/{code}/edit", changed, s.offWrap(s.offCategoryForm(false)))
	s.handle("POST /catalog/{code}/edit", changed, s.offWrap(s.offCategorySave(false)))
	s.api("GET /api/v1/catalog", s.offWrap(s.offCatalogList))
	s.api("POST /api/v1/catalog", s.offWrap(s.offCategorySave(true)))
	s.api("PUT /api/v1/catalog/{code}", s.offWrap(s.offCategorySave(false)))
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
	ac, lang := actorOf(r), langOf(r)
	opts, pg := listOptions(r, offBudgetFilters...)
	if isAPIPath(r) {
		body := listBody[offBudgetView]{Items: []offBudgetView{}, Page: pg, PerPage: opts.Limit}
		total, err := s.app.Budgets(r.Context(), ac, opts, func(b *gongzhi.Budget) error {
			body.Items = append(body.Items, offBudgetOf(b))
			return nil
		})
		if err != nil {
			return err
		}
		body.Total = total
		writeJSON(w, http.StatusOK, body)
		return nil
	}
	lv := &listView{Action: "/budgets", Q: opts.Q}
	var amount, reserved, spent gongzhi.Money
	total, err := s.app.Budgets(r.Context(), ac, opts, func(b *gongzhi.Budget) error {
		lv.Rows = append(lv.Rows, []cell{{Text: b.Name, Href: offBudgetHref(b.ID)}, {Text: b.PlaceName}, {Text: strconv.Itoa(b.FiscalYear)},
			{Text: T(lang, "budget.level."+b.Level)}, {Text: T(lang, "budget.fund."+b.Fund)}, {Text: offYuan(b.Amount), Class: "num"},
			{Text: offYuan(b.Reserved), Class: "num"}, {Text: offYuan(b.Spent), Class: "num"}, {Text: offYuan(b.Available()), Class: "num"}})
		amount, reserved, spent = amount+b.Amount, reserved+b.Reserved, spent+b.Spent
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	pageLinks(r, lv, []colDef{{T(lang, "budget.name"), "name"}, {T(lang, "budget.place_code"), ""}, {T(lang, "budget.fiscal_year"), "fiscal_year"},
		{T(lang, "budget.level"), ""}, {T(lang, "budget.fund"), ""}, {T(lang, "budget.amount"), "amount"}, {T(lang, "budget.reserved"), ""},
		{T(lang, "budget.spent"), ""}, {T(lang, "budget.available"), ""}}, opts.Limit)
	lv.Filters = []field{
		{Name: "fiscal_year", Label: T(lang, "budget.fiscal_year"), Type: "number", Value: r.URL.Query().Get("fiscal_year")},
		filterSelect(r, "level", T(lang, "budget.level"), enumOptions(lang, "budget.level", gongzhi.BudgetLevels, true)),
		filterSelect(r, "fund", T(lang, "budget.fund"), enumOptions(lang, "budget.fund", gongzhi.BudgetFunds, true)),
	}
	if len(lv.Rows) > 0 {
		lv.Note = T(lang, "budget.page_sum") + " " + offYuan(amount) + " · " + T(lang, "budget.reserved") + " " + offYuan(reserved) + " · " +
			T(lang, "budget.spent") + " " + offYuan(spent) + " · " + T(lang, "budget.available") + " " + offYuan(amount-reserved-spent)
	}
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/budgets/export.xlsx?" + q.Encode()
	if offIsPurchaser(ac) {
		lv.NewURL = "/budgets/new"
	}
	lp := &offListPage{listView: lv, Links: []actionLink{{Label: T(lang, "nav.catalog"), Href: "/catalog"}}}
	s.render(w, r, http.StatusOK, "p_office_list", &page{Title: T(lang, "nav.budgets"), Active: "/budgets", Data: lp})
	return nil
}

func (s *Server) offBudgetsExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, _ := listOptions(r, offBudgetFilters...)
	opts.Limit, opts.Offset = 0, 0
	var rows [][]any
	if _, err := s.app.Budgets(r.Context(), ac, opts, func(b *gongzhi.Budget) error {
		rows = append(rows, []any{b.ID, b.Name, b.PlaceName, b.FiscalYear, T(lang, "budget.level."+b.Level), T(lang, "budget.fund."+b.Fund),
			b.Amount.String(), b.Reserved.String(), b.Spent.String(), b.Available().String(), b.Notes})
		return nil
	}); err != nil {
		return err
	}
	offSendXLSX(w, offXlsxName("budgets"))
	headers := []string{"ID", T(lang, "budget.name"), T(lang, "budget.place_code"), T(lang, "budget.fiscal_year"), T(lang, "budget.level"),
		T(lang, "budget.fund"), T(lang, "budget.amount") + T(lang, "unit.yuan"), T(lang, "budget.reserved") + T(lang, "unit.yuan"),
		T(lang, "budget.spent") + T(lang, "unit.yuan"), T(lang, "budget.available") + T(lang, "unit.yuan"), T(lang, "budget.notes")}
	return xlsx.Export(w, T(lang, "nav.budgets"), headers, offRowsSeq(rows))
}

// offBudgetFromForm reads the budget form; money in yuan.
func offBudgetFromForm(r *http.Request) (*gongzhi.Budget, offRawValues, gongzhi.FieldErrors) {
	f := gongzhi.FieldErrors{}
	b := &gongzhi.Budget{PlaceCode: strings.TrimSpace(r.PostFormValue("place_code")), Level: r.PostFormValue("level"),
		Fund: r.PostFormValue("fund"), Name: r.PostFormValue("name"), Notes: r.PostFormValue("notes")}
	b.FiscalYear = offParseInt(f, "fiscal_year", r.PostFormValue("fiscal_year"))
	b.Amount = offParseYuan(f, "amount", r.PostFormValue("amount"), true)
	return b, offRawValues{"amount": r.PostFormValue("amount"), "fiscal_year": r.PostFormValue("fiscal_year")}, f
}

func (s *Server) offBudgetFields(r *http.Request, b *gongzhi.Budget, raw offRawValues, errs map[string]string, create bool) []field {
	lang := langOf(r)
	year := ""
	if b.FiscalYear != 0 {
		year = strconv.Itoa(b.FiscalYear)
	}
	fs := []field{
		{Name: "name", Label: T(lang, "budget.name"), Type: "text", Value: b.Name, Error: errs["name"], Required: true, Wide: true,
			Help: T(lang, "budget.name_help")},
		{Name: "fiscal_year", Label: T(lang, "budget.fiscal_year"), Type: "number", Value: raw.or("fiscal_year", year), Error: errs["fiscal_year"], Required: true},
		{Name: "amount", Label: T(lang, "budget.amount") + T(lang, "unit.yuan"), Type: "text", Value: raw.or("amount", offMoneyValue(b.Amount)), Error: errs["amount"],
			Required: true, Help: T(lang, "money.help")},
		{Name: "level", Label: T(lang, "budget.level"), Type: "select", Value: b.Level,
			Options: offWithBlank("—", enumOptions(lang, "budget.level", gongzhi.BudgetLevels, false)), Error: errs["level"], Required: true},
		{Name: "fund", Label: T(lang, "budget.fund"), Type: "select", Value: b.Fund,
			Options: offWithBlank("—", enumOptions(lang, "budget.fund", gongzhi.BudgetFunds, false)), Error: errs["fund"], Required: true},
	}
	if create {
		fs = append(fs, field{Name: "place_code", Label: T(lang, "budget.place_code"), Type: "select", Value: b.PlaceCode,
			Options: s.placeOptions(r, gongzhi.LevelDistrict, gongzhi.LevelStreet), Error: errs["place_code"], Required: true})
	}
	return append(fs, field{Name: "notes", Label: T(lang, "budget.notes"), Type: "textarea", Value: b.Notes, Error: errs["notes"], Wide: true})
}

func (s *Server) offRenderBudgetForm(w http.ResponseWriter, r *http.Request, status int, b *gongzhi.Budget, raw offRawValues, e *gongzhi.Error, create bool) {
	lang := langOf(r)
	title, action, cancel := T(lang, "budget.new"), "/budgets/new", "/budgets"
	if !create {
		title, action, cancel = T(lang, "action.edit")+" · "+b.Name, offBudgetHref(b.ID)+"/edit", offBudgetHref(b.ID)
	}
	fv := &formView{Action: action, Cancel: cancel, Submit: T(lang, "action.save"), Fields: s.offBudgetFields(r, b, raw, offFieldErrs(lang, e), create)}
	s.render(w, r, status, "form", &page{Title: title, Active: "/budgets", Data: fv, Error: e})
}

func (s *Server) offBudgetForm(create bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := actorOf(r)
		if !offIsPurchaser(ac) {
			return gongzhi.Forbidden()
		}
		b := &gongzhi.Budget{PlaceCode: ac.ScopeCode, FiscalYear: s.app.Now().In(gongzhi.ChinaTime).Year(), Level: "street", Fund: "fiscal"}
		if !create {
			id, err := pathID(r)
			if err != nil {
				return err
			}
			if b, err = s.app.Budget(r.Context(), ac, id); err != nil {
				return err
			}
		}
		s.offRenderBudgetForm(w, r, http.StatusOK, b, nil, nil, create)
		return nil
	}
}

func (s *Server) offBudgetSave(create bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := actorOf(r)
		return offSave(s, w, r, create, offRecordSave[gongzhi.Budget]{
			load: func(r *http.Request) (func(*gongzhi.Budget), error) {
				id, err := pathID(r)
				if err != nil {
					return nil, err
				}
				old, err := s.app.Budget(r.Context(), ac, id)
				if err != nil {
					return nil, err
				}
				return func(b *gongzhi.Budget) { b.ID, b.PlaceCode = old.ID, old.PlaceCode }, nil
			},
			fromForm: offBudgetFromForm,
			validate: (*gongzhi.Budget).Validate,
			save: func(r *http.Request, b *gongzhi.Budget) error {
				if create {
					return s.app.CreateBudget(r.Context(), ac, b)
				}
				return s.app.UpdateBudget(r.Context(), ac, b)
			},
			saved: func(r *http.Request, b *gongzhi.Budget) (any, string, error) {
				stored, err := s.app.Budget(r.Context(), ac, b.ID)
				if err != nil {
					return nil, "", err
				}
				return offBudgetOf(stored), "/api/v1/budgets/" + strconv.FormatInt(b.ID, 10), nil
			},
			form: func(w http.ResponseWriter, r *http.Request, status int, b *gongzhi.Budget, raw offRawValues, e *gongzhi.Error) {
				s.offRenderBudgetForm(w, r, status, b, raw, e, create)
			},
			href: func(b *gongzhi.Budget) string { return offBudgetHref(b.ID) },
		})
	}
}

func (s *Server) offBudgetLedger(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ledger, err := s.app.BudgetLedger(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if ledger == nil {
		ledger = []gongzhi.LedgerEntry{}
	}
	writeJSON(w, http.StatusOK, itemsOf[gongzhi.LedgerEntry]{Items: ledger})
	return nil
}

func (s *Server) offBudgetDetail(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	b, err := s.app.Budget(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, offBudgetOf(b))
		return nil
	}
	ledger, err := s.app.BudgetLedger(r.Context(), ac, id)
	if err != nil {
		return err
	}
	dv := &detailView{Rows: []kv{
		{Label: T(lang, "budget.place_code"), Value: b.PlaceName},
		{Label: T(lang, "budget.fiscal_year"), Value: strconv.Itoa(b.FiscalYear)},
		{Label: T(lang, "budget.level"), Value: T(lang, "budget.level."+b.Level)},
		{Label: T(lang, "budget.fund"), Value: T(lang, "budget.fund."+b.Fund)},
		{Label: T(lang, "budget.amount"), Value: offYuan(b.Amount)},
		{Label: T(lang, "budget.reserved"), Value: offYuan(b.Reserved)},
		{Label: T(lang, "budget.spent"), Value: offYuan(b.Spent)},
		{Label: T(lang, "budget.available"), Value: offYuan(b.Available())},
		{Label: T(lang, "budget.notes"), Value: b.Notes},
	}}
	if offIsPurchaser(ac) {
		dv.Actions = append(dv.Actions, actionLink{Label: T(lang, "action.edit"), Href: offBudgetHref(id) + "/edit"},
			actionLink{Label: T(lang, "call.new"), Href: "/calls/new?budget_id=" + strconv.FormatInt(id, 10)})
	}
	titles := map[int64]string{}
	calls := related{Title: T(lang, "budget.calls")}
	calls.List.Columns = []listCol{{Label: T(lang, "call.title")}, {Label: T(lang, "call.state")}, {Label: T(lang, "call.amount")},
		{Label: T(lang, "call.reserved")}, {Label: T(lang, "call.awarded")}}
	n, err := s.app.Calls(r.Context(), ac, store.ListOptions{Filters: map[string]string{"budget": strconv.FormatInt(id, 10)}, Limit: 50},
		func(c *gongzhi.Call) error {
			titles[c.ID] = c.Title
			calls.List.Rows = append(calls.List.Rows, []cell{{Text: c.Title, Href: offCallHref(c.ID)}, {Text: T(lang, "call.state."+c.State)},
				{Text: offYuan(c.Amount), Class: "num"}, {Text: offYuan(c.Reserved), Class: "num"}, {Text: offYuan(c.Awarded), Class: "num"}})
			return nil
		})
	if err != nil {
		return err
	}
	if n > 50 {
		calls.More = "/calls?budget=" + strconv.FormatInt(id, 10)
	}
	led := related{Title: T(lang, "budget.ledger")}
	led.List.Columns = []listCol{{Label: T(lang, "ledger.at")}, {Label: T(lang, "ledger.kind")}, {Label: T(lang, "ledger.amount")},
		{Label: T(lang, "ledger.call")}, {Label: T(lang, "ledger.contract")}, {Label: T(lang, "ledger.user")}, {Label: T(lang, "ledger.note")}}
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
		row := []cell{{Text: offShowTime(e.At)}, {Text: T(lang, "ledger.kind."+e.Kind)}, {Text: sign + offYuan(e.Amount), Class: "num"}, {}, {},
			{Text: e.Username}, {Text: offNote(lang, e.Note)}}
		if e.CallID != 0 {
			row[3] = cell{Text: "#" + strconv.FormatInt(e.CallID, 10), Href: offCallHref(e.CallID)}
			if t := titles[e.CallID]; t != "" {
				row[3].Text = t
			}
		}
		if e.ContractID != 0 {
			row[4] = cell{Text: "#" + strconv.FormatInt(e.ContractID, 10), Href: offContractHref(e.ContractID)}
		}
		led.List.Rows = append(led.List.Rows, row)
	}
	if len(ledger) > 0 {
		led.List.Rows = append(led.List.Rows, []cell{{Text: T(lang, "ledger.balance")}, {},
			{Text: T(lang, "budget.reserved") + " " + offYuan(res) + " · " + T(lang, "budget.spent") + " " + offYuan(spent), Class: "num"}, {}, {}, {}, {}})
	}
	dv.Related = []related{led, calls}
	hist, err := s.offRecordHistory(r, "budget", id)
	if err != nil {
		return err
	}
	dv.ShowHistory, dv.History = true, offHistoryOf(lang, hist)
	s.render(w, r, http.StatusOK, "detail", &page{Title: b.Name, Active: "/budgets", Data: dv})
	return nil
}

// ---- the catalog

func (s *Server) offCatalogList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	cats, err := s.app.ServiceCategories(r.Context(), false)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		if cats == nil {
			cats = []*gongzhi.ServiceCategory{}
		}
		writeJSON(w, http.StatusOK, itemsOf[*gongzhi.ServiceCategory]{Items: cats})
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
	lv := &listView{Action: "/catalog", Total: len(cats), Page: 1, Q: r.URL.Query().Get("q")}
	cols := []colDef{{T(lang, "category.code"), ""}, {T(lang, "category.name"), ""}, {T(lang, "category.price"), ""},
		{T(lang, "category.standard"), ""}, {T(lang, "category.active"), ""}}
	if offIsPurchaser(ac) {
		cols = append(cols, colDef{"", ""})
	}
	pageLinks(r, lv, cols, 0)
	for _, c := range cats {
		name := c.Name
		if c.NameEn != "" {
			name += " / " + c.NameEn
		}
		row := []cell{{Text: c.Code}, {Text: name}, {Text: offPriceRange(lang, c), Class: "num"}, {Text: c.Standard},
			{Text: yesNo(lang, c.Active)}}
		if offIsPurchaser(ac) {
			row = append(row, cell{Text: T(lang, "action.edit"), Href: "/catalog/" + url.PathEscape(c.Code) + "/edit"})
		}
		lv.Rows = append(lv.Rows, row)
	}
	if offIsPurchaser(ac) {
		lv.NewURL = "/catalog/new"
	}
	lv.Note = T(lang, "category.intro")
	lp := &offListPage{listView: lv}
	if ac != nil && canRead(ac, "places") && ac.Has(gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor) {
		lp.Links = []actionLink{{Label: T(lang, "nav.budgets"), Href: "/budgets"}, {Label: T(lang, "nav.calls"), Href: "/calls"}}
	}
	s.render(w, r, http.StatusOK, "p_office_list", &page{Title: T(lang, "nav.catalog"), Active: "/budgets", Data: lp})
	return nil
}

// offPriceRange shows a category's price range.
func offPriceRange(lang string, c *gongzhi.ServiceCategory) string {
	switch {
	case c.PriceMin == 0 && c.PriceMax == 0:
		return T(lang, "category.no_range")
	case c.PriceMax == 0:
		return offYuan(c.PriceMin) + " " + T(lang, "category.and_up")
	}
	return offYuan(c.PriceMin) + " – " + offYuan(c.PriceMax)
}

func offCategoryFromForm(r *http.Request) (*gongzhi.ServiceCategory, offRawValues, gongzhi.FieldErrors) {
	f := gongzhi.FieldErrors{}
	c := &gongzhi.ServiceCategory{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), NameEn: r.PostFormValue("name_en"),
		Standard: r.PostFormValue("standard"), Active: r.PostFormValue("active") == "true"}
	c.PriceMin = offParseYuan(f, "price_min", r.PostFormValue("price_min"), false)
	c.PriceMax = offParseYuan(f, "price_max", r.PostFormValue("price_max"), false)
	return c, offRawValues{"price_min": r.PostFormValue("price_min"), "price_max": r.PostFormValue("price_max")}, f
}

func (s *Server) offRenderCategoryForm(w http.ResponseWriter, r *http.Request, status int, c *gongzhi.ServiceCategory, raw offRawValues, e *gongzhi.Error, create bool) {
	lang := langOf(r)
	errs := offFieldErrs(lang, e)
	title, action := T(lang, "category.new"), "/catalog/new"
	codeField := field{Name: "code", Label: T(lang, "category.code"), Type: "text", Value: c.Code, Error: errs["code"], Required: true,
		Help: T(lang, "category.code_help")}
	if !create {
		title, action = T(lang, "action.edit")+" · "+c.Name, "/catalog/"+url.PathEscape(c.Code)+"/edit"
		codeField = field{Name: "code", Type: "hidden", Value: c.Code}
	}
	fs := []field{codeField,
		{Name: "name", Label: T(lang, "category.name"), Type: "text", Value: c.Name, Error: errs["name"], Required: true},
		{Name: "name_en", Label: T(lang, "category.name_en"), Type: "text", Value: c.NameEn, Error: errs["name_en"]},
		{Name: "price_min", Label: T(lang, "category.price_min") + T(lang, "unit.yuan"), Type: "text", Value: raw.or("price_min", offMoneyValue(c.PriceMin)),
			Error: errs["price_min"], Help: T(lang, "money.help")},
		{Name: "price_max", Label: T(lang, "category.price_max") + T(lang, "unit.yuan"), Type: "text", Value: raw.or("price_max", offMoneyValue(c.PriceMax)),
			Error: errs["price_max"], Help: T(lang, "category.max_help")},
		{Name: "standard", Label: T(lang, "category.standard"), Type: "textarea", Value: c.Standard, Error: errs["standard"], Wide: true},
	}
	if !create {
		v := ""
		if c.Active {
			v = "true"
		}
		fs = append(fs, field{Name: "active", Label: T(lang, "category.active_help"), Type: "checkbox", Value: v, Error: errs["active"], Wide: true})
	}
	fv := &formView{Action: action, Cancel: "/catalog", Submit: T(lang, "action.save"), Fields: fs}
	s.render(w, r, status, "form", &page{Title: title, Active: "/budgets", Data: fv, Error: e})
}

// offCategoryByCode finds a catalog entry by code.
func (s *Server) offCategoryByCode(r *http.Request, code string) (*gongzhi.ServiceCategory, error) {
	cats, err := s.app.ServiceCategories(r.Context(), false)
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

func (s *Server) offCategoryForm(create bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !offIsPurchaser(actorOf(r)) {
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

func (s *Server) offCategorySave(create bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := actorOf(r)
		return offSave(s, w, r, create, offRecordSave[gongzhi.ServiceCategory]{
			load: func(r *http.Request) (func(*gongzhi.ServiceCategory), error) {
				code := r.PathValue("code")
				if _, err := s.offCategoryByCode(r, code); err != nil {
					return nil, err
				}
				return func(c *gongzhi.ServiceCategory) { c.Code = code }, nil
			},
			fromForm: offCategoryFromForm,
			validate: (*gongzhi.ServiceCategory).Validate,
			save: func(r *http.Request, c *gongzhi.ServiceCategory) error {
				return s.app.SaveServiceCategory(r.Context(), ac, c, create)
			},
			saved: func(r *http.Request, c *gongzhi.ServiceCategory) (any, string, error) {
				stored, err := s.offCategoryByCode(r, c.Code)
				return stored, "/api/v1/catalog/" + url.PathEscape(c.Code), err
			},
			form: func(w http.ResponseWriter, r *http.Request, status int, c *gongzhi.ServiceCategory, raw offRawValues, e *gongzhi.Error) {
				s.offRenderCategoryForm(w, r, status, c, raw, e, create)
			},
			href: func(*gongzhi.ServiceCategory) string { return "/catalog" },
		})
	}
}
