// Contracts (合同) and payments (拨付) in the office's pages and the API: the list; the contract
// as a printable page — parties, amount (also in Chinese capitals), deliverables and indicators,
// milestones, payment portions, breach terms, versions and confirmations, payments and the
// purchaser's on-time payment rate; and the moves: confirm (either side), edit the draft's
// terms, amend a signed contract with a reason (a new version, never an overwrite), record a
// payment against a portion.
package web

import (
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/xlsx"
)

var offContractFilters = []string{"state", "fiscal_year", "category", "call", "org"}

func (s *Server) offContractRoutes() {
	s.handle("GET /contracts", changed, s.offWrap(s.offContractsList))
	s.handle("GET /contracts/export.xlsx", changed, s.offWrap(s.offContractsExport))
	s.handle("GET /contracts/{id}", changed, s.offWrap(s.offContractPage))
	s.handle("POST /contracts/{id}/confirm", changed, s.offWrap(s.offContractConfirm))
	s.handle("GET /contracts/{id}/terms", changed, s.offWrap(s.offTermsForm(false)))
	s.handle("POST /contracts/{id}/terms", changed, s.offWrap(s.offTermsSave(false)))
	s.handle("GET /contracts/{id}/amend", changed, s.offWrap(s.offTermsForm(true)))
	s.handle("POST /contracts/{id}/amend", changed, s.offWrap(s.offTermsSave(true)))
	s.handle("POST /contracts/{id}/payments", changed, s.offWrap(s.offPaymentSave))
	s.api("GET /api/v1/contracts", s.offWrap(s.offContractsList))
	s.api("GET /api/v1/contracts.xlsx", s.offWrap(s.offContractsExport))
	s.api("GET /api/v1/contracts/{id}", s.offWrap(s.offContractPage))
	s.api("GET /api/v1/contracts/{id}/versions", s.offWrap(s.offContractVersions))
	s.api("POST /api/v1/contracts/{id}/confirm", s.offWrap(s.offContractConfirm))
	s.api("PUT /api/v1/contracts/{id}/terms", s.offWrap(s.offTermsSave(false)))
	s.api("POST /api/v1/contracts/{id}/amend", s.offWrap(s.offTermsSave(true)))
	s.api("GET /api/v1/contracts/{id}/payments", s.offWrap(s.offPaymentsGet))
	s.api("POST /api/v1/contracts/{id}/payments", s.offWrap(s.offPaymentSave))
}

// ---- the list

func (s *Server) offContractsList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, pg := listOptions(r, offContractFilters...)
	if isAPIPath(r) {
		return writeList(w, opts, pg, listOf(r.Context(), ac, s.app.Contracts))
	}
	l := s.offLabelsFor(r)
	lv := &listView{Action: "/contracts", Q: opts.Q}
	var amount, paid gongzhi.Money
	total, err := s.app.Contracts(r.Context(), ac, opts, func(c *gongzhi.Contract) error {
		lv.Rows = append(lv.Rows, []cell{{Text: c.Title, Href: offContractHref(c.ID)}, {Text: c.ProviderName}, {Text: c.CallTitle},
			{Text: strconv.Itoa(c.FiscalYear)}, {Text: l.category(c.CategoryCode)}, {Text: offYuan(c.Amount), Class: "num"},
			{Text: offYuan(c.Paid), Class: "num"}, {Text: T(lang, "contract.state."+c.State)}, {Text: offVersionText(lang, c.Version)},
			{Text: offShowDate(c.SignedAt)}})
		amount, paid = amount+c.Amount, paid+c.Paid
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	pageLinks(r, lv, []colDef{{T(lang, "contract.title"), "title"}, {T(lang, "contract.provider"), ""}, {T(lang, "contract.call"), ""},
		{T(lang, "contract.fiscal_year"), "fiscal_year"}, {T(lang, "contract.category"), ""}, {T(lang, "contract.amount"), "amount"},
		{T(lang, "contract.paid"), ""}, {T(lang, "contract.state"), ""}, {T(lang, "contract.version"), ""}, {T(lang, "contract.signed_at"), "signed_at"}},
		opts.Limit)
	lv.Filters = []field{
		filterSelect(r, "state", T(lang, "contract.state"), enumOptions(lang, "contract.state", []string{gongzhi.ContractDraft, gongzhi.ContractSigned}, true)),
		{Name: "fiscal_year", Label: T(lang, "contract.fiscal_year"), Type: "number", Value: r.URL.Query().Get("fiscal_year")},
		filterSelect(r, "category", T(lang, "contract.category"), s.offCategoryOptions(r, l, true, T(lang, "list.all"))),
	}
	if len(lv.Rows) > 0 {
		lv.Note = T(lang, "contract.page_sum") + " " + offYuan(amount) + " · " + T(lang, "contract.paid") + " " + offYuan(paid)
	}
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/contracts/export.xlsx?" + q.Encode()
	lp := &offListPage{listView: lv}
	if offIsPurchaser(ac) || ac.Has(gongzhi.RoleHub, gongzhi.RoleAuditor) {
		lp.Links = []actionLink{{Label: T(lang, "contract.state.draft"), Href: "/contracts?state=draft"},
			{Label: T(lang, "contract.state.signed"), Href: "/contracts?state=signed"}}
		if offIsPurchaser(ac) {
			lp.Links = append(lp.Links, actionLink{Label: T(lang, "nav.reports"), Href: "/reports"})
		}
	}
	s.render(w, r, http.StatusOK, "p_office_list", &page{Title: T(lang, "nav.contracts"), Active: "/contracts", Data: lp})
	return nil
}

func offVersionText(lang string, v int) string {
	if v == 0 {
		return "—"
	}
	return T(lang, "contract.version_n:"+strconv.Itoa(v))
}

func (s *Server) offContractsExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, _ := listOptions(r, offContractFilters...)
	opts.Limit, opts.Offset = 0, 0
	l := s.offLabelsFor(r)
	var rows [][]any
	if _, err := s.app.Contracts(r.Context(), ac, opts, func(c *gongzhi.Contract) error {
		rows = append(rows, []any{c.ID, c.Title, c.PurchaserName, c.ProviderName, c.CallTitle, c.FiscalYear, l.category(c.CategoryCode),
			c.Amount.String(), c.Paid.String(), T(lang, "contract.state."+c.State), c.Version, offShowDate(c.SignedAt)})
		return nil
	}); err != nil {
		return err
	}
	offSendXLSX(w, offXlsxName("contracts"))
	headers := []string{"ID", T(lang, "contract.title"), T(lang, "contract.purchaser"), T(lang, "contract.provider"), T(lang, "contract.call"),
		T(lang, "contract.fiscal_year"), T(lang, "contract.category"), T(lang, "contract.amount") + T(lang, "unit.yuan"),
		T(lang, "contract.paid") + T(lang, "unit.yuan"), T(lang, "contract.state"), T(lang, "contract.version"), T(lang, "contract.signed_at")}
	return xlsx.Export(w, T(lang, "nav.contracts"), headers, offRowsSeq(rows))
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
	Confirm     *offMiniForm
	ConfirmNote string
	EditTerms   string
	Amend       string
	Pay         *offMiniForm
	Portions    []option
	Today       string
	ErrText     string
	Staff       bool
	LedgerHref  string // the service ledger of a signed contract
	EvalHref    string // its evaluation rounds
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
	tv := &offTermsView{Version: v.Version, State: T(lang, "version.state."+v.State), Reason: v.Reason, Amount: offYuan(t.Amount),
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
			paid = offYuan(p.Paid)
		}
		tv.Portions = append(tv.Portions, []string{T(lang, "contract.portion_n:"+strconv.Itoa(p.Index+1)), ms, gongzhi.FormatBP(p.BasisPoints),
			offYuan(p.Amount), p.DueOn, paid, p.PaidOn})
	}
	confirm := func(side, by string, at string) string {
		if by == "" {
			return T(lang, "contract.side."+side) + T(lang, "p.colon") + T(lang, "contract.not_confirmed")
		}
		return T(lang, "contract.side."+side) + T(lang, "p.colon") + by + " · " + at
	}
	tv.Confirmations = []string{confirm("purchaser", v.PurchaserConfirmedBy, offShowTime(v.PurchaserConfirmedAt)),
		confirm("provider", v.ProviderConfirmedBy, offShowTime(v.ProviderConfirmedAt))}
	if !v.EffectiveAt.IsZero() {
		tv.Confirmations = append(tv.Confirmations, T(lang, "contract.effective_at")+T(lang, "p.colon")+offShowTime(v.EffectiveAt))
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

func (s *Server) offContractID(r *http.Request) (int64, error) { return pathID(r) }

func (s *Server) offContractPage(w http.ResponseWriter, r *http.Request) error {
	id, err := s.offContractID(r)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		ct, err := s.app.Contract(r.Context(), actorOf(r), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, ct)
		return nil
	}
	return s.offRenderContract(w, r, http.StatusOK, id, nil)
}

func (s *Server) offRenderContract(w http.ResponseWriter, r *http.Request, status int, id int64, fs *offFormState) error {
	ac, lang := actorOf(r), langOf(r)
	ctx := r.Context()
	ct, err := s.app.Contract(ctx, ac, id)
	if err != nil {
		return err
	}
	versions, err := s.app.ContractVersions(ctx, ac, id)
	if err != nil {
		return err
	}
	payments, err := s.app.Payments(ctx, ac, id)
	if err != nil {
		return err
	}
	l := s.offLabelsFor(r)
	staff := ac.IsSystem() || ac.Has(gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor)
	base := offContractHref(id)
	v := &offContractView{CSS: officeCSSURL(), No: "GZ-" + strconv.Itoa(ct.FiscalYear) + "-" + strconv.FormatInt(ct.ID, 10), Title: ct.Title,
		CallTitle: ct.CallTitle, Category: l.category(ct.CategoryCode), Year: ct.FiscalYear, Purchaser: ct.PurchaserName,
		Provider: ct.ProviderName, State: T(lang, "contract.state."+ct.State), StateCode: ct.State, Staff: staff,
		Paid: offYuan(ct.Paid), Left: offYuan(ct.Amount - ct.Paid), Today: gongzhi.DateOf(s.app.Now())}
	if staff {
		v.CallHref = offCallHref(ct.CallID)
	}
	if fs != nil {
		v.ErrText = offErrText(lang, fs.Err)
	}
	if ct.State == gongzhi.ContractSigned {
		v.LedgerHref = "/ledger/contracts/" + strconv.FormatInt(ct.ID, 10)
		v.EvalHref = "/evaluations?contract=" + strconv.FormatInt(ct.ID, 10)
	}
	if ct.Version > 0 {
		v.InForce = T(lang, "contract.version_n:"+strconv.Itoa(ct.Version)) + " · " + T(lang, "contract.signed_at") + " " + offShowTime(ct.SignedAt)
	}
	if ct.Current != nil {
		v.Terms = offTermsOf(lang, ct.Current)
	}
	if ct.Pending != nil {
		v.Pending = offTermsOf(lang, ct.Pending)
	}
	for _, ver := range versions {
		v.Versions = append(v.Versions, []string{T(lang, "contract.version_n:"+strconv.Itoa(ver.Version)), T(lang, "version.state."+ver.State),
			offYuan(ver.Terms.Amount), ver.Reason, ver.CreatedBy + " · " + offShowTime(ver.CreatedAt),
			strings.TrimSpace(ver.PurchaserConfirmedBy + " " + offShowTime(ver.PurchaserConfirmedAt)),
			strings.TrimSpace(ver.ProviderConfirmedBy + " " + offShowTime(ver.ProviderConfirmedAt)), offShowTime(ver.EffectiveAt)})
	}
	for _, p := range payments {
		v.Payments = append(v.Payments, []string{p.PaidOn, T(lang, "contract.portion_n:"+strconv.Itoa(p.Portion+1)), offYuan(p.Amount), p.Note,
			p.RecordedBy})
	}
	if rate, err := s.app.OnTimeRate(ctx, ct.PlaceCode); err == nil {
		v.Rate = gongzhi.FormatBP(rate.RateBP)
		v.RateNote = offTr(lang, "contract.rate_note", rate.AsOf, strconv.Itoa(rate.Due), strconv.Itoa(rate.OnTime), strconv.Itoa(rate.Late),
			strconv.Itoa(rate.Unpaid))
	}
	// the moves the caller may make now
	if pv := offPendingVersion(ct); pv != nil {
		side := ""
		switch {
		case offIsPurchaser(ac) && pv.PurchaserConfirmedAt.IsZero():
			side = "purchaser"
		case ac.Has(gongzhi.RoleProvider) && pv.ProviderConfirmedAt.IsZero():
			side = "provider"
		}
		if side != "" {
			v.Confirm = fs.mini("confirm", base+"/confirm", nil)
			v.ConfirmNote = offTr(lang, "contract.confirm_note", T(lang, "contract.side."+side), strconv.Itoa(pv.Version))
		}
		if offIsPurchaser(ac) && pv.PurchaserConfirmedAt.IsZero() && pv.ProviderConfirmedAt.IsZero() {
			v.EditTerms = base + "/terms"
		}
	}
	if offIsPurchaser(ac) && ct.State == gongzhi.ContractSigned && ct.Pending == nil {
		v.Amend = base + "/amend"
	}
	if offIsPurchaser(ac) && ct.State == gongzhi.ContractSigned && ct.Paid < ct.Amount && ct.Current != nil {
		next := -1
		for _, p := range ct.Current.Terms.Portions {
			left := p.Amount - p.Paid
			label := T(lang, "contract.portion_n:"+strconv.Itoa(p.Index+1)) + " · " + gongzhi.FormatBP(p.BasisPoints) + " · " +
				T(lang, "contract.left") + " " + offYuan(left) + " · " + T(lang, "contract.due_on") + " " + p.DueOn
			v.Portions = append(v.Portions, option{strconv.Itoa(p.Index), label})
			if next < 0 && left > 0 {
				next = p.Index
			}
		}
		defaults := map[string]string{"paid_on": v.Today}
		if next >= 0 {
			p := ct.Current.Terms.Portions[next]
			defaults["portion"], defaults["amount"] = strconv.Itoa(next), (p.Amount - p.Paid).String()
		}
		v.Pay = fs.mini("pay", base+"/payments", defaults)
	}
	var e *gongzhi.Error
	if fs != nil {
		e = fs.Err
	}
	s.render(w, r, status, "p_office_contract", &page{Title: ct.Title, Active: "/contracts", Data: v, Error: e})
	return nil
}

func (s *Server) offContractVersions(w http.ResponseWriter, r *http.Request) error {
	id, err := s.offContractID(r)
	if err != nil {
		return err
	}
	vs, err := s.app.ContractVersions(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if vs == nil {
		vs = []*gongzhi.ContractVersion{}
	}
	writeJSON(w, http.StatusOK, itemsOf[*gongzhi.ContractVersion]{Items: vs})
	return nil
}

func (s *Server) offPaymentsGet(w http.ResponseWriter, r *http.Request) error {
	id, err := s.offContractID(r)
	if err != nil {
		return err
	}
	ps, err := s.app.Payments(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []*gongzhi.Payment{}
	}
	writeJSON(w, http.StatusOK, itemsOf[*gongzhi.Payment]{Items: ps})
	return nil
}

// offContractDone ends a contract move: the contract for the API, the contract page for the UI
// (with the refusal beside the form that was sent).
func (s *Server) offContractDone(w http.ResponseWriter, r *http.Request, id int64, key, flash string, res any, err error) error {
	lang := langOf(r)
	if isAPIPath(r) {
		if err != nil {
			return err
		}
		if res == nil {
			if res, err = s.app.Contract(r.Context(), actorOf(r), id); err != nil {
				return err
			}
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	}
	if e, ok := offFormError(err); ok {
		return s.offRenderContract(w, r, statusOf[e.Code], id, &offFormState{Key: key, Err: e, Vals: r.PostForm, Lang: lang})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, offContractHref(id), T(lang, flash))
}

func (s *Server) offContractConfirm(w http.ResponseWriter, r *http.Request) error {
	id, err := s.offContractID(r)
	if err != nil {
		return err
	}
	err = s.app.ConfirmContract(r.Context(), actorOf(r), id)
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
		req.Portion = offParseInt(f, "portion", r.PostFormValue("portion"))
		req.Amount = offParseYuan(f, "amount", r.PostFormValue("amount"), true)
		req.PaidOn, req.Note = r.PostFormValue("paid_on"), r.PostFormValue("note")
	})
	var p *gongzhi.Payment
	if err == nil {
		p, err = s.app.RecordPayment(r.Context(), actorOf(r), id, req.Portion, req.Amount, req.PaidOn, req.Note)
	}
	if isAPIPath(r) && err == nil {
		writeJSON(w, http.StatusCreated, p)
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
}

type offTermsFormView struct {
	CSS              string
	Action           string
	Cancel           string
	Amend            bool
	Intro            string
	Main             []field
	Reason           field
	Breach           field
	Outputs          []offRowInputs
	Outcomes         []offRowInputs
	Milestones       []offRowInputs
	Portions         []offRowInputs
	Errs             map[string]string
	MilestoneOptions []option
}

// offRowInputs is one numbered row of a repeated table: its inputs' values and errors by column.
type offRowInputs struct {
	N int // the row's number as people count, from 1
	I int
	V map[string]string
	E map[string]string
}

func (row offRowInputs) Val(k string) string { return row.V[k] }
func (row offRowInputs) Err(k string) string { return row.E[k] }

// offTermsFromForm reads the terms form. Empty rows are dropped; a portion names its milestone
// by the milestone's row, mapped to the milestone's place among those kept.
func offTermsFromForm(r *http.Request) (gongzhi.ContractTerms, offRawValues, gongzhi.FieldErrors) {
	f := gongzhi.FieldErrors{}
	raw := offRawValues{}
	v := r.PostForm
	t := gongzhi.ContractTerms{StartOn: strings.TrimSpace(v.Get("start_on")), EndOn: strings.TrimSpace(v.Get("end_on")),
		Deliverables: v.Get("deliverables"), BreachTerms: v.Get("breach_terms")}
	raw["amount"] = v.Get("amount")
	t.Amount = offParseYuan(f, "amount", v.Get("amount"), true)
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
		for _, row := range rows(name, "name", "target", "unit") {
			if row == nil {
				continue
			}
			k := name + "." + strconv.Itoa(len(out))
			raw[k+".target"] = row[1]
			n, err := strconv.ParseInt(row[1], 10, 64)
			if err != nil {
				f.Add(k+".target", "number")
			}
			out = append(out, gongzhi.Indicator{Name: row[0], Target: n, Unit: row[2]})
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
		p := gongzhi.Portion{BasisPoints: offParsePercent(f, k+".basis_points", row[0]), Milestone: -1}
		if m, err := strconv.Atoi(row[1]); err == nil {
			if at, ok := milestoneAt[m]; ok {
				p.Milestone = at
			}
		}
		t.Portions = append(t.Portions, p)
	}
	return t, raw, f
}

func (s *Server) offTermsView(r *http.Request, ct *gongzhi.Contract, t gongzhi.ContractTerms, reason string, raw offRawValues, e *gongzhi.Error, amend bool) *offTermsFormView {
	lang := langOf(r)
	errs := offFieldErrs(lang, e)
	base := offContractHref(ct.ID)
	v := &offTermsFormView{CSS: officeCSSURL(), Action: base + "/terms", Cancel: base, Amend: amend, Errs: errs, Intro: T(lang, "contract.terms_intro")}
	if amend {
		v.Action, v.Intro = base+"/amend", T(lang, "contract.amend_intro")
	}
	v.Main = []field{
		{Name: "amount", Label: T(lang, "contract.amount") + T(lang, "unit.yuan"), Type: "text", Value: raw.or("amount", offMoneyValue(t.Amount)),
			Error: errs["amount"], Required: true, Help: T(lang, "contract.amount_help")},
		{Name: "start_on", Label: T(lang, "contract.start_on"), Type: "date", Value: t.StartOn, Error: errs["start_on"], Required: true},
		{Name: "end_on", Label: T(lang, "contract.end_on"), Type: "date", Value: t.EndOn, Error: errs["end_on"], Required: true},
		{Name: "deliverables", Label: T(lang, "contract.deliverables"), Type: "textarea", Value: t.Deliverables, Error: errs["deliverables"],
			Required: true, Wide: true},
	}
	v.Breach = field{Name: "breach_terms", Label: T(lang, "contract.breach_terms"), Type: "textarea", Value: t.BreachTerms,
		Error: errs["breach_terms"], Required: true, Wide: true}
	v.Reason = field{Name: "reason", Label: T(lang, "contract.reason"), Type: "textarea", Value: reason, Error: errs["reason"], Required: true,
		Wide: true, Help: T(lang, "contract.reason_help")}
	indicatorRows := func(name string, xs []gongzhi.Indicator) []offRowInputs {
		var out []offRowInputs
		for i := 0; i < max(offTermRows, len(xs)+2); i++ {
			k := name + "." + strconv.Itoa(i)
			row := offRowInputs{N: i + 1, I: i, V: map[string]string{}, E: map[string]string{"name": errs[k+".name"], "target": errs[k+".target"], "unit": errs[k+".unit"]}}
			if i < len(xs) {
				row.V["name"], row.V["target"], row.V["unit"] = xs[i].Name, raw.or(k+".target", strconv.FormatInt(xs[i].Target, 10)), xs[i].Unit
			}
			out = append(out, row)
		}
		return out
	}
	v.Outputs, v.Outcomes = indicatorRows("outputs", t.Outputs), indicatorRows("outcomes", t.Outcomes)
	for i := 0; i < max(offTermRows, len(t.Milestones)+2); i++ {
		k := "milestones." + strconv.Itoa(i)
		row := offRowInputs{N: i + 1, I: i, V: map[string]string{}, E: map[string]string{"name": errs[k+".name"], "due": errs[k+".due"], "deliverable": errs[k+".deliverable"]}}
		if i < len(t.Milestones) {
			m := t.Milestones[i]
			row.V["name"], row.V["due"], row.V["deliverable"] = m.Name, m.Due, m.Deliverable
		}
		v.Milestones = append(v.Milestones, row)
		v.MilestoneOptions = append(v.MilestoneOptions, option{strconv.Itoa(i), T(lang, "contract.milestone_n:"+strconv.Itoa(i+1))})
	}
	for i := 0; i < max(offTermRows, len(t.Portions)+2); i++ {
		k := "portions." + strconv.Itoa(i)
		row := offRowInputs{N: i + 1, I: i, V: map[string]string{"milestone": strconv.Itoa(min(i, len(v.Milestones)-1))},
			E: map[string]string{"percent": errs[k+".basis_points"], "milestone": errs[k+".milestone"]}}
		if i < len(t.Portions) {
			p := t.Portions[i]
			row.V["percent"], row.V["milestone"] = raw.or(k+".percent", offPercentValue(p.BasisPoints)), strconv.Itoa(p.Milestone)
		}
		v.Portions = append(v.Portions, row)
	}
	return v
}

func (s *Server) offRenderTerms(w http.ResponseWriter, r *http.Request, status int, ct *gongzhi.Contract, t gongzhi.ContractTerms, reason string,
	raw offRawValues, e *gongzhi.Error, amend bool) {
	lang := langOf(r)
	title := T(lang, "contract.edit_terms") + " · " + ct.Title
	if amend {
		title = T(lang, "contract.amend") + " · " + ct.Title
	}
	s.render(w, r, status, "p_office_terms", &page{Title: title, Active: "/contracts", Data: s.offTermsView(r, ct, t, reason, raw, e, amend), Error: e})
}

func (s *Server) offTermsForm(amend bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := actorOf(r)
		if !offIsPurchaser(ac) {
			return gongzhi.Forbidden()
		}
		id, err := s.offContractID(r)
		if err != nil {
			return err
		}
		ct, err := s.app.Contract(r.Context(), ac, id)
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

func (s *Server) offTermsSave(amend bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac := actorOf(r)
		id, err := s.offContractID(r)
		if err != nil {
			return err
		}
		ct, err := s.app.Contract(r.Context(), ac, id)
		if err != nil {
			return err
		}
		var t gongzhi.ContractTerms
		var reason string
		var raw offRawValues
		var parsed gongzhi.FieldErrors
		switch {
		case isAPIPath(r) && amend:
			var req offTermsReq
			err = s.decode(w, r, &req)
			t, reason = req.Terms, req.Reason
		case isAPIPath(r):
			err = s.decode(w, r, &t)
		default:
			if err = r.ParseForm(); err != nil {
				return gongzhi.Invalid("form", "bad_text")
			}
			t, raw, parsed = offTermsFromForm(r)
			reason = r.PostFormValue("reason")
		}
		if len(parsed) > 0 {
			t.Normalize()
			err = offMergeErrs(parsed, t.Validate())
		}
		var res any
		if err == nil {
			if amend {
				var v *gongzhi.ContractVersion
				v, err = s.app.AmendContract(r.Context(), ac, id, t, reason)
				res = v
			} else {
				err = s.app.UpdateContractTerms(r.Context(), ac, id, t)
			}
		}
		if isAPIPath(r) {
			if err != nil {
				return err
			}
			if res == nil {
				if res, err = s.app.Contract(r.Context(), ac, id); err != nil {
					return err
				}
			}
			writeJSON(w, http.StatusOK, res)
			return nil
		}
		if e, ok := offFormError(err); ok {
			s.offRenderTerms(w, r, statusOf[e.Code], ct, t, reason, raw, e, amend)
			return nil
		} else if err != nil {
			return err
		}
		flash := "contract.done.terms"
		if amend {
			flash = "contract.done.amend"
		}
		return s.redirect(w, r, offContractHref(id), T(langOf(r), flash))
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
