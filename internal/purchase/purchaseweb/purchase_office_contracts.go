// Contracts (合同) and payments (拨付) in the office's pages and the API: the list; the contract
// as a printable page — parties, amount (also in Chinese capitals), deliverables and indicators,
// milestones, payment portions, breach terms, versions and confirmations, payments and the
// purchaser's on-time payment rate; and the moves: confirm (either side), edit the draft's
// terms, amend a signed contract with a reason (a new version, never an overwrite), record a
// payment against a portion.

package purchaseweb

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

var offContractFilters = []string{"state", "fiscal_year", "category", "call", "org"}

func (s *Server) offContractRoutes() {
	s.Handle("GET /contracts", web.Changed, s.OffWrap(s.offContractsList))
	s.Handle("GET /contracts/export.xlsx", web.Changed, s.OffWrap(s.offContractsExport))
	s.Handle("GET /contracts/{id}", web.Changed, s.OffWrap(s.offContractPage))
	s.Handle("POST /contracts/{id}/confirm", web.Changed, s.OffWrap(s.offContractConfirm))
	s.Handle("GET /contracts/{id}/terms", web.Changed, s.OffWrap(s.offTermsForm(false)))
	s.Handle("POST /contracts/{id}/terms", web.Changed, s.OffWrap(s.offTermsSave(false)))
	s.Handle("GET /contracts/{id}/amend", web.Changed, s.OffWrap(s.offTermsForm(true)))
	s.Handle("POST /contracts/{id}/amend", web.Changed, s.OffWrap(s.offTermsSave(true)))
	s.Handle("POST /contracts/{id}/payments", web.Changed, s.OffWrap(s.offPaymentSave))
	s.Api("GET /api/v1/contracts", s.OffWrap(s.offContractsList))
	s.Api("GET /api/v1/contracts.xlsx", s.OffWrap(s.offContractsExport))
	s.Api("GET /api/v1/contracts/{id}", s.OffWrap(s.offContractPage))
	s.Api("GET /api/v1/contracts/{id}/versions", s.OffWrap(s.offContractVersions))
	s.Api("POST /api/v1/contracts/{id}/confirm", s.OffWrap(s.offContractConfirm))
	s.Api("PUT /api/v1/contracts/{id}/terms", s.OffWrap(s.offTermsSave(false)))
	s.Api("POST /api/v1/contracts/{id}/amend", s.OffWrap(s.offTermsSave(true)))
	s.Api("GET /api/v1/contracts/{id}/payments", s.OffWrap(s.offPaymentsGet))
	s.Api("POST /api/v1/contracts/{id}/payments", s.OffWrap(s.offPaymentSave))
}

// ---- the list

func (s *Server) offContractsList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, offContractFilters...)
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.Contracts))
	}
	l := s.OffLabelsFor(r)
	lv := &web.ListView{Action: "/contracts", Q: opts.Q}
	var amount, paid gongzhi.Money
	total, err := s.svc.Contracts(r.Context(), ac, opts, func(c *gongzhi.Contract) error {
		lv.Rows = append(lv.Rows, []web.Cell{{Text: c.Title, Href: web.OffContractHref(c.ID)}, {Text: c.ProviderName}, {Text: c.CallTitle},
			{Text: strconv.Itoa(c.FiscalYear)}, {Text: l.Category(c.CategoryCode)}, {Text: web.OffYuan(c.Amount), Class: "num"},
			{Text: web.OffYuan(c.Paid), Class: "num"}, {Text: web.T(lang, "contract.state."+c.State)}, {Text: offVersionText(lang, c.Version)},
			{Text: web.OffShowDate(c.SignedAt)}})
		amount, paid = amount+c.Amount, paid+c.Paid
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	web.PageLinks(r, lv, []web.ColDef{{Label: web.T(lang, "contract.title"), Sort: "title"}, {Label: web.T(lang, "contract.provider"), Sort: ""}, {Label: web.T(lang, "contract.call"), Sort: ""},
		{Label: web.T(lang, "contract.fiscal_year"), Sort: "fiscal_year"}, {Label: web.T(lang, "contract.category"), Sort: ""}, {Label: web.T(lang, "contract.amount"), Sort: "amount"},
		{Label: web.T(lang, "contract.paid"), Sort: ""}, {Label: web.T(lang, "contract.state"), Sort: ""}, {Label: web.T(lang, "contract.version"), Sort: ""}, {Label: web.T(lang, "contract.signed_at"), Sort: "signed_at"}},
		opts.Limit)
	lv.Filters = []web.Field{
		web.FilterSelect(r, "state", web.T(lang, "contract.state"), web.EnumOptions(lang, "contract.state", []string{gongzhi.ContractDraft, gongzhi.ContractSigned}, true)),
		{Name: "fiscal_year", Label: web.T(lang, "contract.fiscal_year"), Type: "number", Value: r.URL.Query().Get("fiscal_year")},
		web.FilterSelect(r, "category", web.T(lang, "contract.category"), s.OffCategoryOptions(r, l, true, web.T(lang, "list.all"))),
	}
	if len(lv.Rows) > 0 {
		lv.Note = web.T(lang, "contract.page_sum") + " " + web.OffYuan(amount) + " · " + web.T(lang, "contract.paid") + " " + web.OffYuan(paid)
	}
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/contracts/export.xlsx?" + q.Encode()
	lp := &web.OffListPage{ListView: lv}
	if purchase.MayReadPurchases(ac) {
		lp.Links = []web.ActionLink{{Label: web.T(lang, "contract.state.draft"), Href: "/contracts?state=draft"},
			{Label: web.T(lang, "contract.state.signed"), Href: "/contracts?state=signed"}}
		if purchase.MayPurchase(ac) {
			lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "nav.reports"), Href: "/reports"})
		}
	}
	if purchase.MayReadPastContracts(ac) {
		lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "past.title"), Href: "/past-contracts"})
	}
	if purchase.MayImportPastContracts(ac) {
		lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "past.import"), Href: "/past-contracts/import"})
	}
	s.Render(w, r, http.StatusOK, "p_office_list", &web.Page{Title: web.T(lang, "nav.contracts"), Active: "/contracts", Data: lp})
	return nil
}

func offVersionText(lang string, v int) string {
	if v == 0 {
		return "—"
	}
	return web.T(lang, "contract.version_n:"+strconv.Itoa(v))
}

func (s *Server) offContractsExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, _ := web.ListOptions(r, offContractFilters...)
	opts.Limit, opts.Offset = 0, 0
	l := s.OffLabelsFor(r)
	var rows [][]any
	if _, err := s.svc.Contracts(r.Context(), ac, opts, func(c *gongzhi.Contract) error {
		rows = append(rows, []any{c.ID, c.Title, c.PurchaserName, c.ProviderName, c.CallTitle, c.FiscalYear, l.Category(c.CategoryCode),
			web.OffAmount(c.Amount), web.OffAmount(c.Paid), web.T(lang, "contract.state."+c.State), c.Version, web.OffShowDate(c.SignedAt)})
		return nil
	}); err != nil {
		return err
	}
	web.OffSendXLSX(w, web.OffXlsxName("contracts"))
	headers := []string{"ID", web.T(lang, "contract.title"), web.T(lang, "contract.purchaser"), web.T(lang, "contract.provider"), web.T(lang, "contract.call"),
		web.T(lang, "contract.fiscal_year"), web.T(lang, "contract.category"), web.T(lang, "contract.amount") + web.T(lang, "unit.yuan"),
		web.T(lang, "contract.paid") + web.T(lang, "unit.yuan"), web.T(lang, "contract.state"), web.T(lang, "contract.version"), web.T(lang, "contract.signed_at")}
	return xlsx.Export(w, web.T(lang, "nav.contracts"), headers, web.OffRowsSeq(rows))
}

// ---- the contract

type offContractView struct {
	CSS         string
	No          string
	Title       string
	CallTitle   string
	CallHref    string
	Category    string
	Year        int
	Purchaser   string
	Provider    string
	State       string
	StateCode   string
	InForce     string
	Terms       *offTermsView
	Pending     *offTermsView
	Versions    [][]string
	Payments    [][]string
	Paid        string
	Left        string
	Rate        string
	RateNote    string
	Confirm     *web.OffMiniForm
	ConfirmNote string
	EditTerms   string
	Amend       string
	Pay         *web.OffMiniForm
	Portions    []web.Option
	Today       string
	ErrText     string
	Staff       bool
	LedgerHref  string // the service ledger of a signed contract
	// PriceException is why the award lies outside its category's price range
	PriceException string
	EvalHref       string // its evaluation rounds
	// Unchosen names the count indicators of the terms in force (or of the draft) that count
	// nothing until the office chooses a kind or a tag for them; UnchosenHref is where the
	// actor may choose (the terms form or the amendment), if it may.
	Unchosen     string
	UnchosenHref string
}

// offTermsView is one version's terms as the contract shows them.
type offTermsView struct {
	Version       int
	State         string
	Reason        string
	Amount        string
	AmountWords   string
	Period        string
	Deliverables  string
	Outputs       [][]string
	Outcomes      [][]string
	Milestones    [][]string
	Portions      [][]string
	Breach        string
	Confirmations []string
}

func offTermsOf(lang string, v *gongzhi.ContractVersion) *offTermsView {
	t := v.Terms
	tv := &offTermsView{Version: v.Version, State: web.T(lang, "version.state."+v.State), Reason: v.Reason, Amount: web.OffYuan(t.Amount),
		AmountWords: offChineseAmount(t.Amount), Period: t.StartOn + " — " + t.EndOn, Deliverables: t.Deliverables, Breach: t.BreachTerms}
	for _, x := range t.Outputs {
		tv.Outputs = append(tv.Outputs, []string{x.Name, strconv.FormatInt(x.Target, 10), x.Unit})
	}
	for _, x := range t.Outcomes {
		tv.Outcomes = append(tv.Outcomes, []string{x.Name, strconv.FormatInt(x.Target, 10), x.Unit})
	}
	for i, m := range t.Milestones {
		tv.Milestones = append(tv.Milestones, []string{strconv.Itoa(i + 1), m.Name, m.Due, m.Deliverable})
	}
	for _, p := range t.Portions {
		ms := ""
		if p.Milestone >= 0 && p.Milestone < len(t.Milestones) {
			ms = t.Milestones[p.Milestone].Name
		}
		paid := ""
		if p.Paid > 0 {
			paid = web.OffYuan(p.Paid)
		}
		tv.Portions = append(tv.Portions, []string{web.T(lang, "contract.portion_n:"+strconv.Itoa(p.Index+1)), ms, gongzhi.FormatBP(p.BasisPoints),
			web.OffYuan(p.Amount), p.DueOn, paid, p.PaidOn})
	}
	confirm := func(side, by string, at string) string {
		if by == "" {
			return web.T(lang, "contract.side."+side) + web.T(lang, "p.colon") + web.T(lang, "contract.not_confirmed")
		}
		return web.T(lang, "contract.side."+side) + web.T(lang, "p.colon") + by + " · " + at
	}
	tv.Confirmations = []string{confirm("purchaser", v.PurchaserConfirmedBy, web.OffShowTime(v.PurchaserConfirmedAt)),
		confirm("provider", v.ProviderConfirmedBy, web.OffShowTime(v.ProviderConfirmedAt))}
	if !v.EffectiveAt.IsZero() {
		tv.Confirmations = append(tv.Confirmations, web.T(lang, "contract.effective_at")+web.T(lang, "p.colon")+web.OffShowTime(v.EffectiveAt))
	}
	return tv
}

// offPendingVersion is the version waiting for confirmation: the draft, or an amendment.
func offPendingVersion(ct *gongzhi.Contract) *gongzhi.ContractVersion {
	if ct.State == gongzhi.ContractDraft {
		return ct.Current
	}
	return ct.Pending
}

func (s *Server) offContractID(r *http.Request) (int64, error) { return web.PathID(r) }

func (s *Server) offContractPage(w http.ResponseWriter, r *http.Request) error {
	id, err := s.offContractID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		ct, err := s.svc.Contract(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, ct)
		return nil
	}
	return s.offRenderContract(w, r, http.StatusOK, id, nil)
}

func (s *Server) offRenderContract(w http.ResponseWriter, r *http.Request, status int, id int64, fs *web.OffFormState) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ctx := r.Context()
	ct, err := s.svc.Contract(ctx, ac, id)
	if err != nil {
		return err
	}
	versions, err := s.svc.ContractVersions(ctx, ac, id)
	if err != nil {
		return err
	}
	payments, err := s.svc.Payments(ctx, ac, id)
	if err != nil {
		return err
	}
	// the records keep usernames; the page and its printout show the accounts' names
	var users []string
	for _, ver := range append(slices.Clone(versions), ct.Current, ct.Pending) {
		if ver != nil {
			users = append(users, ver.CreatedBy, ver.PurchaserConfirmedBy, ver.ProviderConfirmedBy)
		}
	}
	for _, p := range payments {
		users = append(users, p.RecordedBy)
	}
	names, err := s.svc.AccountNames(ctx, ac, users)
	if err != nil {
		return err
	}
	name := func(u string) string {
		if n, ok := names[u]; ok {
			return n
		}
		return u
	}
	for _, ver := range append(slices.Clone(versions), ct.Current, ct.Pending) {
		if ver != nil {
			ver.CreatedBy, ver.PurchaserConfirmedBy, ver.ProviderConfirmedBy = name(ver.CreatedBy), name(ver.PurchaserConfirmedBy), name(ver.ProviderConfirmedBy)
		}
	}
	for i := range payments {
		payments[i].RecordedBy = name(payments[i].RecordedBy)
	}
	l := s.OffLabelsFor(r)
	staff := purchase.MayReadPurchases(ac)
	base := web.OffContractHref(id)
	v := &offContractView{CSS: web.OfficeCSSURL(), No: "GZ-" + strconv.Itoa(ct.FiscalYear) + "-" + strconv.FormatInt(ct.ID, 10), Title: ct.Title,
		CallTitle: ct.CallTitle, Category: l.Category(ct.CategoryCode), Year: ct.FiscalYear, Purchaser: ct.PurchaserName,
		Provider: ct.ProviderName, State: web.T(lang, "contract.state."+ct.State), StateCode: ct.State, Staff: staff,
		Paid: web.OffYuan(ct.Paid), Left: web.OffYuan(ct.Amount - ct.Paid), Today: gongzhi.DateOf(s.svc.Now()), PriceException: ct.PriceException}
	if ct.Current != nil && ct.Current.PriceException != "" {
		v.PriceException = ct.Current.PriceException // an amendment's reason replaces the award's
	}
	if staff {
		v.CallHref = offCallHref(ct.CallID)
	}
	if fs != nil {
		v.ErrText = web.OffErrText(lang, fs.Err)
	}
	if ct.State == gongzhi.ContractSigned {
		v.LedgerHref = "/ledger/contracts/" + strconv.FormatInt(ct.ID, 10)
		v.EvalHref = "/evaluations?contract=" + strconv.FormatInt(ct.ID, 10)
	}
	if ct.Version > 0 {
		v.InForce = web.T(lang, "contract.version_n:"+strconv.Itoa(ct.Version)) + " · " + web.T(lang, "contract.signed_at") + " " + web.OffShowTime(ct.SignedAt)
	}
	if ct.Current != nil {
		v.Terms = offTermsOf(lang, ct.Current)
	}
	if ct.Pending != nil {
		v.Pending = offTermsOf(lang, ct.Pending)
	}
	for _, ver := range versions {
		v.Versions = append(v.Versions, []string{web.T(lang, "contract.version_n:"+strconv.Itoa(ver.Version)), web.T(lang, "version.state."+ver.State),
			web.OffYuan(ver.Terms.Amount), ver.Reason, ver.CreatedBy + " · " + web.OffShowTime(ver.CreatedAt),
			strings.TrimSpace(ver.PurchaserConfirmedBy + " " + web.OffShowTime(ver.PurchaserConfirmedAt)),
			strings.TrimSpace(ver.ProviderConfirmedBy + " " + web.OffShowTime(ver.ProviderConfirmedAt)), web.OffShowTime(ver.EffectiveAt)})
	}
	for _, p := range payments {
		v.Payments = append(v.Payments, []string{p.PaidOn, web.T(lang, "contract.portion_n:"+strconv.Itoa(p.Portion+1)), web.OffYuan(p.Amount), p.Note,
			p.RecordedBy})
	}
	if rate, err := s.svc.OwnOnTimeRate(ctx, ct.PlaceCode); err == nil {
		v.Rate = gongzhi.FormatBP(rate.RateBP)
		v.RateNote = web.TN(lang, "contract.rate_note", rate.Due, rate.AsOf, strconv.Itoa(rate.OnTime), strconv.Itoa(rate.Late),
			strconv.Itoa(rate.Unpaid))
	}
	// the moves the caller may make now
	if pv := offPendingVersion(ct); pv != nil {
		side := ""
		switch {
		case purchase.MayPurchase(ac) && pv.PurchaserConfirmedAt.IsZero():
			side = "purchaser"
		case purchase.ConfirmsForProvider(ac) && pv.ProviderConfirmedAt.IsZero():
			side = "provider"
		}
		if side != "" {
			v.Confirm = fs.Mini("confirm", base+"/confirm", nil)
			v.ConfirmNote = web.OffTr(lang, "contract.confirm_note", web.T(lang, "contract.side."+side), strconv.Itoa(pv.Version))
		}
		if purchase.MayPurchase(ac) && pv.PurchaserConfirmedAt.IsZero() && pv.ProviderConfirmedAt.IsZero() {
			v.EditTerms = base + "/terms"
		}
	}
	if purchase.MayPurchase(ac) && ct.State == gongzhi.ContractSigned && ct.Pending == nil {
		v.Amend = base + "/amend"
	}
	if purchase.MayPurchase(ac) && ct.State == gongzhi.ContractSigned && ct.Paid < ct.Amount && ct.Current != nil {
		next := -1
		for _, p := range ct.Current.Terms.Portions {
			left := p.Amount - p.Paid
			label := web.T(lang, "contract.portion_n:"+strconv.Itoa(p.Index+1)) + " · " + gongzhi.FormatBP(p.BasisPoints) + " · " +
				web.T(lang, "contract.left") + " " + web.OffYuan(left) + " · " + web.T(lang, "contract.due_on") + " " + p.DueOn
			v.Portions = append(v.Portions, web.Option{Value: strconv.Itoa(p.Index), Label: label})
			if next < 0 && left > 0 {
				next = p.Index
			}
		}
		defaults := map[string]string{"paid_on": v.Today}
		if next >= 0 {
			p := ct.Current.Terms.Portions[next]
			defaults["portion"], defaults["amount"] = strconv.Itoa(next), (p.Amount - p.Paid).String()
		}
		v.Pay = fs.Mini("pay", base+"/payments", defaults)
	}
	terms := ct.Current
	if terms == nil {
		terms = ct.Pending
	}
	if terms != nil {
		if names := gongzhi.UnchosenIndicators(terms.Terms); len(names) > 0 {
			v.Unchosen = strings.Join(names, web.T(lang, "p.sep"))
			v.UnchosenHref = v.EditTerms
			if v.UnchosenHref == "" {
				v.UnchosenHref = v.Amend
			}
		}
	}
	var e *gongzhi.Error
	if fs != nil {
		e = fs.Err
	}
	s.Render(w, r, status, "p_office_contract", &web.Page{Title: ct.Title, Active: "/contracts", Data: v, Error: e})
	return nil
}

func (s *Server) offContractVersions(w http.ResponseWriter, r *http.Request) error {
	id, err := s.offContractID(r)
	if err != nil {
		return err
	}
	vs, err := s.svc.ContractVersions(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if vs == nil {
		vs = []*gongzhi.ContractVersion{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[*gongzhi.ContractVersion]{Items: vs})
	return nil
}

func (s *Server) offPaymentsGet(w http.ResponseWriter, r *http.Request) error {
	id, err := s.offContractID(r)
	if err != nil {
		return err
	}
	ps, err := s.svc.Payments(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []*gongzhi.Payment{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[*gongzhi.Payment]{Items: ps})
	return nil
}

// offContractDone ends a contract move: the contract for the API, the contract page for the UI
// (with the refusal beside the form that was sent).
func (s *Server) offContractDone(w http.ResponseWriter, r *http.Request, id int64, key, flash string, res any, err error) error {
	lang := web.LangOf(r)
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		if res == nil {
			if res, err = s.svc.Contract(r.Context(), web.ActorOf(r), id); err != nil {
				return err
			}
		}
		web.WriteJSON(w, http.StatusOK, res)
		return nil
	}
	if e, ok := web.OffFormError(err); ok {
		return s.offRenderContract(w, r, web.StatusOf[e.Code], id, &web.OffFormState{Key: key, Err: e, Vals: r.PostForm, Lang: lang})
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, web.OffContractHref(id), web.T(lang, flash))
}

func (s *Server) offContractConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := s.offContractID(r)
	if err != nil {
		return err
	}
	err = s.svc.ConfirmContract(r.Context(), web.ActorOf(r), id)
	return s.offContractDone(w, r, id, "confirm", "contract.done.confirm", nil, err)
}

// offPaymentReq is a payment as the API takes it.
type offPaymentReq struct {
	Portion int           `json:"portion"` // index of the portion, from 0
	Amount  gongzhi.Money `json:"amount"`
	PaidOn  string        `json:"paid_on"` // YYYY-MM-DD
	Note    string        `json:"note"`
}

func (s *Server) offPaymentSave(w http.ResponseWriter, r *http.Request) error {
	id, err := s.offContractID(r)
	if err != nil {
		return err
	}
	var req offPaymentReq
	err = s.offIn(w, r, &req, func(f gongzhi.FieldErrors) {
		req.Portion = web.OffParseInt(f, "portion", r.PostFormValue("portion"))
		req.Amount = web.OffParseYuan(f, "amount", r.PostFormValue("amount"), true)
		req.PaidOn, req.Note = r.PostFormValue("paid_on"), r.PostFormValue("note")
	})
	var p *gongzhi.Payment
	if err == nil {
		p, err = s.svc.RecordPayment(r.Context(), web.ActorOf(r), id, req.Portion, req.Amount, req.PaidOn, req.Note)
	}
	if web.IsAPIPath(r) && err == nil {
		web.WriteJSON(w, http.StatusCreated, p)
		return nil
	}
	return s.offContractDone(w, r, id, "pay", "contract.done.pay", nil, err)
}

// ---- terms: the draft's, or an amendment's

const offTermRows = 5 // empty rows offered at least in each table of the terms form

// offTermsReq is an amendment as the API takes it (the draft's terms are a bare ContractTerms).
type offTermsReq struct {
	Terms  gongzhi.ContractTerms `json:"terms"`
	Reason string                `json:"reason"`
	// PriceException is why the amount lies outside the category's price range, where the
	// category allows exceptions ("": the reason of the version in force or of the award)
	PriceException string `json:"price_exception,omitempty"`
}

type offTermsFormView struct {
	CSS              string
	Action           string
	Cancel           string
	Amend            bool
	Intro            string
	Main             []web.Field
	Reason           web.Field
	PriceException   web.Field // an amendment's reason for an amount outside the price range
	Breach           web.Field
	Outputs          []offRowInputs
	Outcomes         []offRowInputs
	Milestones       []offRowInputs
	Portions         []offRowInputs
	Errs             map[string]string
	MilestoneOptions []web.Option
	MeasureOptions   []web.Option // what an indicator counts in the ledger
}

// offMeasureTag is the form's choice "entries carrying a tag"; the tag is typed beside it.
const offMeasureTag = "tag"

// offMeasureOptions are the choices of what an indicator counts (gongzhi.IndicatorMeasure):
// inferred from the unit, entries of one kind, entries with a tag, every entry, visits, people,
// volunteer hours, satisfaction, or nothing from the ledger.
func offMeasureOptions(lang string) []web.Option {
	out := []web.Option{{Value: "", Label: web.T(lang, "contract.measure.auto")}}
	for _, k := range gongzhi.ActivityKinds {
		out = append(out, web.Option{Value: gongzhi.MeasureEntries + ":" + k, Label: web.T(lang, "contract.measure.kind:"+web.T(lang, "ledger.kind."+k))})
	}
	out = append(out, web.Option{Value: offMeasureTag, Label: web.T(lang, "contract.measure.tag")})
	for _, m := range gongzhi.Measures {
		out = append(out, web.Option{Value: m, Label: web.T(lang, "contract.measure."+m)})
	}
	return out
}

// offRowInputs is one numbered row of a repeated table: its inputs' values and errors by column.
type offRowInputs struct {
	N    int // the row's number as people count, from 1
	I    int
	V    map[string]string
	E    map[string]string
	Opts []web.Option // an indicator row's choices of what it counts
}

func (row offRowInputs) Val(k string) string { return row.V[k] }
func (row offRowInputs) Err(k string) string { return row.E[k] }

// offTermsFromForm reads the terms form. Empty rows are dropped; a portion names its milestone
// by the milestone's row, mapped to the milestone's place among those kept.
func offTermsFromForm(r *http.Request) (gongzhi.ContractTerms, web.OffRawValues, gongzhi.FieldErrors) {
	f := gongzhi.FieldErrors{}
	raw := web.OffRawValues{}
	v := r.PostForm
	t := gongzhi.ContractTerms{StartOn: strings.TrimSpace(v.Get("start_on")), EndOn: strings.TrimSpace(v.Get("end_on")),
		Deliverables: v.Get("deliverables"), BreachTerms: v.Get("breach_terms")}
	raw["amount"] = v.Get("amount")
	t.Amount = web.OffParseYuan(f, "amount", v.Get("amount"), true)
	rows := func(prefix string, cols ...string) [][]string {
		var out [][]string
		for i := 0; i < 50; i++ {
			k := prefix + "." + strconv.Itoa(i) + "."
			if _, ok := v[k+cols[0]]; !ok {
				break
			}
			row := make([]string, len(cols))
			empty := true
			for j, c := range cols {
				row[j] = strings.TrimSpace(v.Get(k + c))
				empty = empty && row[j] == ""
			}
			if empty {
				out = append(out, nil)
				continue
			}
			out = append(out, row)
		}
		return out
	}
	indicators := func(name string) []gongzhi.Indicator {
		var out []gongzhi.Indicator
		for _, row := range rows(name, "name", "target", "unit", "measure", "tag") {
			if row == nil || row[0]+row[1]+row[2]+row[4] == "" {
				continue
			}
			k := name + "." + strconv.Itoa(len(out))
			raw[k+".target"] = row[1]
			n, err := strconv.ParseInt(row[1], 10, 64)
			if err != nil {
				f.Add(k+".target", "number")
			}
			measure := row[3]
			if measure == offMeasureTag {
				raw[k+".tag"] = row[4]
				if r := gongzhi.CheckTag(row[4]); r != "" {
					f.Add(k+".tag", r)
				}
				measure = gongzhi.MeasureTagPrefix + row[4]
			}
			out = append(out, gongzhi.Indicator{Name: row[0], Target: n, Unit: row[2], Measure: measure})
		}
		return out
	}
	t.Outputs, t.Outcomes = indicators("outputs"), indicators("outcomes")
	milestoneAt := map[int]int{} // form row → index among kept milestones
	for i, row := range rows("milestones", "name", "due", "deliverable") {
		if row == nil {
			continue
		}
		milestoneAt[i] = len(t.Milestones)
		t.Milestones = append(t.Milestones, gongzhi.Milestone{Name: row[0], Due: row[1], Deliverable: row[2]})
	}
	for _, row := range rows("portions", "percent", "milestone") {
		if row == nil || row[0] == "" {
			continue
		}
		k := "portions." + strconv.Itoa(len(t.Portions))
		raw[k+".percent"] = row[0]
		p := gongzhi.Portion{BasisPoints: web.OffParsePercent(f, k+".basis_points", row[0]), Milestone: -1}
		if m, err := strconv.Atoi(row[1]); err == nil {
			if at, ok := milestoneAt[m]; ok {
				p.Milestone = at
			}
		}
		t.Portions = append(t.Portions, p)
	}
	return t, raw, f
}

func (s *Server) offTermsView(r *http.Request, ct *gongzhi.Contract, t gongzhi.ContractTerms, reason string, raw web.OffRawValues, e *gongzhi.Error, amend bool) *offTermsFormView {
	lang := web.LangOf(r)
	errs := web.OffFieldErrs(lang, e)
	base := web.OffContractHref(ct.ID)
	v := &offTermsFormView{CSS: web.OfficeCSSURL(), Action: base + "/terms", Cancel: base, Amend: amend, Errs: errs, Intro: web.T(lang, "contract.terms_intro")}
	if amend {
		v.Action, v.Intro = base+"/amend", web.T(lang, "contract.amend_intro")
	}
	v.Main = []web.Field{
		{Name: "amount", Label: web.T(lang, "contract.amount") + web.T(lang, "unit.yuan"), Type: "text", Value: raw.Or("amount", web.OffMoneyValue(t.Amount)),
			Error: errs["amount"], Required: true, Help: web.T(lang, "contract.amount_help")},
		{Name: "start_on", Label: web.T(lang, "contract.start_on"), Type: "date", Value: t.StartOn, Error: errs["start_on"], Required: true},
		{Name: "end_on", Label: web.T(lang, "contract.end_on"), Type: "date", Value: t.EndOn, Error: errs["end_on"], Required: true},
		{Name: "deliverables", Label: web.T(lang, "contract.deliverables"), Type: "textarea", Value: t.Deliverables, Error: errs["deliverables"],
			Required: true, Wide: true},
	}
	v.Breach = web.Field{Name: "breach_terms", Label: web.T(lang, "contract.breach_terms"), Type: "textarea", Value: t.BreachTerms,
		Error: errs["breach_terms"], Required: true, Wide: true}
	v.Reason = web.Field{Name: "reason", Label: web.T(lang, "contract.reason"), Type: "textarea", Value: reason, Error: errs["reason"], Required: true,
		Wide: true, Help: web.T(lang, "contract.reason_help")}
	v.PriceException = web.Field{Name: "price_exception", Label: web.T(lang, "award.price_exception"), Type: "text", Value: r.PostFormValue("price_exception"),
		Error: errs["price_exception"], Wide: true, Help: web.T(lang, "contract.price_exception_help")}
	indicatorRows := func(name string, xs []gongzhi.Indicator) []offRowInputs {
		var out []offRowInputs
		for i := 0; i < max(offTermRows, len(xs)+2); i++ {
			k := name + "." + strconv.Itoa(i)
			row := offRowInputs{N: i + 1, I: i, V: map[string]string{}, E: map[string]string{"name": errs[k+".name"], "target": errs[k+".target"], "unit": errs[k+".unit"],
				"measure": errs[k+".measure"], "tag": errs[k+".tag"]}, Opts: v.MeasureOptions}
			if i < len(xs) {
				row.V["name"], row.V["target"], row.V["unit"] = xs[i].Name, raw.Or(k+".target", strconv.FormatInt(xs[i].Target, 10)), xs[i].Unit
				row.V["measure"] = xs[i].Measure
				if t, ok := strings.CutPrefix(xs[i].Measure, gongzhi.MeasureTagPrefix); ok {
					row.V["measure"], row.V["tag"] = offMeasureTag, t
				} else if _, ok := raw[k+".tag"]; ok {
					row.V["measure"], row.V["tag"] = offMeasureTag, raw[k+".tag"]
				}
			}
			out = append(out, row)
		}
		return out
	}
	v.MeasureOptions = offMeasureOptions(lang)
	v.Outputs, v.Outcomes = indicatorRows("outputs", t.Outputs), indicatorRows("outcomes", t.Outcomes)
	for i := 0; i < max(offTermRows, len(t.Milestones)+2); i++ {
		k := "milestones." + strconv.Itoa(i)
		row := offRowInputs{N: i + 1, I: i, V: map[string]string{}, E: map[string]string{"name": errs[k+".name"], "due": errs[k+".due"], "deliverable": errs[k+".deliverable"]}}
		if i < len(t.Milestones) {
			m := t.Milestones[i]
			row.V["name"], row.V["due"], row.V["deliverable"] = m.Name, m.Due, m.Deliverable
		}
		v.Milestones = append(v.Milestones, row)
		v.MilestoneOptions = append(v.MilestoneOptions, web.Option{Value: strconv.Itoa(i), Label: web.T(lang, "contract.milestone_n:"+strconv.Itoa(i+1))})
	}
	for i := 0; i < max(offTermRows, len(t.Portions)+2); i++ {
		k := "portions." + strconv.Itoa(i)
		row := offRowInputs{N: i + 1, I: i, V: map[string]string{"milestone": strconv.Itoa(min(i, len(v.Milestones)-1))},
			E: map[string]string{"percent": errs[k+".basis_points"], "milestone": errs[k+".milestone"]}}
		if i < len(t.Portions) {
			p := t.Portions[i]
			row.V["percent"], row.V["milestone"] = raw.Or(k+".percent", web.OffPercentValue(p.BasisPoints)), strconv.Itoa(p.Milestone)
		}
		v.Portions = append(v.Portions, row)
	}
	return v
}

func (s *Server) offRenderTerms(w http.ResponseWriter, r *http.Request, status int, ct *gongzhi.Contract, t gongzhi.ContractTerms, reason string,
	raw web.OffRawValues, e *gongzhi.Error, amend bool) {
	lang := web.LangOf(r)
	title := web.T(lang, "contract.edit_terms") + " · " + ct.Title
	if amend {
		title = web.T(lang, "contract.amend") + " · " + ct.Title
	}
	s.Render(w, r, status, "p_office_terms", &web.Page{Title: title, Active: "/contracts", Data: s.offTermsView(r, ct, t, reason, raw, e, amend), Error: e})
}

func (s *Server) offTermsForm(amend bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := web.ActorOf(r)
		if !purchase.MayPurchase(ac) {
			return gongzhi.Forbidden()
		}
		id, err := s.offContractID(r)
		if err != nil {
			return err
		}
		ct, err := s.svc.Contract(r.Context(), ac, id)
		if err != nil {
			return err
		}
		var t gongzhi.ContractTerms
		switch {
		case amend && ct.State != gongzhi.ContractSigned:
			return gongzhi.Refused("state", "contract.not_signed")
		case amend && ct.Pending != nil:
			return gongzhi.Refused("version", "contract.amendment_pending")
		case amend:
			t = ct.Current.Terms
		default:
			pv := offPendingVersion(ct)
			if pv == nil {
				return gongzhi.Refused("version", "contract.nothing_pending")
			}
			t = pv.Terms
		}
		s.offRenderTerms(w, r, http.StatusOK, ct, t, "", nil, nil, amend)
		return nil
	}
}

func (s *Server) offTermsSave(amend bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := web.ActorOf(r)
		id, err := s.offContractID(r)
		if err != nil {
			return err
		}
		ct, err := s.svc.Contract(r.Context(), ac, id)
		if err != nil {
			return err
		}
		var t gongzhi.ContractTerms
		var reason, exception string
		var raw web.OffRawValues
		var parsed gongzhi.FieldErrors
		switch {
		case web.IsAPIPath(r) && amend:
			var req offTermsReq
			err = s.Decode(w, r, &req)
			t, reason, exception = req.Terms, req.Reason, req.PriceException
		case web.IsAPIPath(r):
			err = s.Decode(w, r, &t)
		default:
			if err = r.ParseForm(); err != nil {
				return gongzhi.Invalid("form", "bad_text")
			}
			t, raw, parsed = offTermsFromForm(r)
			reason, exception = r.PostFormValue("reason"), r.PostFormValue("price_exception")
		}
		if len(parsed) > 0 {
			t.Normalize()
			err = web.OffMergeErrs(parsed, t.Validate())
		}
		var res any
		if err == nil {
			if amend {
				var v *gongzhi.ContractVersion
				v, err = s.svc.AmendContractPriced(r.Context(), ac, id, t, reason, exception)
				res = v
			} else {
				err = s.svc.UpdateContractTerms(r.Context(), ac, id, t)
			}
		}
		if web.IsAPIPath(r) {
			if err != nil {
				return err
			}
			if res == nil {
				if res, err = s.svc.Contract(r.Context(), ac, id); err != nil {
					return err
				}
			}
			web.WriteJSON(w, http.StatusOK, res)
			return nil
		}
		if e, ok := web.OffFormError(err); ok {
			s.offRenderTerms(w, r, web.StatusOf[e.Code], ct, t, reason, raw, e, amend)
			return nil
		} else if err != nil {
			return err
		}
		flash := "contract.done.terms"
		if amend {
			flash = "contract.done.amend"
		}
		return s.Redirect(w, r, web.OffContractHref(id), web.T(web.LangOf(r), flash))
	}
}

// ---- money in words

var offDigits = []rune("零壹贰叁肆伍陆柒捌玖")

// offChineseAmount writes an amount in Chinese financial capitals, as contracts do:
// 2000050 fen → 人民币贰万元零伍角整.
func offChineseAmount(m gongzhi.Money) string {
	if m < 0 {
		return "负" + offChineseAmount(-m)
	}
	whole, jiao, fen := int64(m)/100, int64(m)/10%10, int64(m)%10
	var b strings.Builder
	b.WriteString("人民币")
	if whole > 0 {
		b.WriteString(offChineseInt(whole) + "元")
	}
	switch {
	case jiao == 0 && fen == 0:
		if whole == 0 {
			b.WriteString("零元")
		}
		b.WriteString("整")
	case fen == 0:
		if whole > 0 && whole%10 == 0 {
			b.WriteString("零")
		}
		b.WriteString(string(offDigits[jiao]) + "角整")
	default:
		if jiao > 0 {
			if whole > 0 && whole%10 == 0 {
				b.WriteString("零")
			}
			b.WriteString(string(offDigits[jiao]) + "角")
		} else if whole > 0 {
			b.WriteString("零")
		}
		b.WriteString(string(offDigits[fen]) + "分")
	}
	return b.String()
}

// offChineseInt writes a positive whole number in financial capitals: 120005 → 壹拾贰万零伍.
// Zeros at the end of a four-digit section are not read; zeros before a digit are read once.
func offChineseInt(n int64) string {
	units := []string{"", "拾", "佰", "仟"}
	bigs := []string{"", "万", "亿", "万亿", "亿亿"}
	var groups []int64
	for n > 0 {
		groups = append(groups, n%10000)
		n /= 10000
	}
	var b strings.Builder
	zero := false
	for gi := len(groups) - 1; gi >= 0; gi-- {
		g := groups[gi]
		if g == 0 {
			zero = b.Len() > 0
			continue
		}
		if b.Len() > 0 && g < 1000 {
			zero = true
		}
		pow := int64(1000)
		for di := 3; di >= 0; di, pow = di-1, pow/10 {
			d := g / pow % 10
			if d == 0 {
				zero = zero || b.Len() > 0 && g%pow != 0
				continue
			}
			if zero {
				b.WriteString("零")
				zero = false
			}
			b.WriteString(string(offDigits[d]) + units[di])
		}
		b.WriteString(bigs[gi])
		zero = false
	}
	return b.String()
}
