// A past contract's page, its correction and its deletion (issue 11, item 3's leftovers): the
// office that imported it fixes a field or removes it, with a reason, once per version of the
// row; the API's PATCH and DELETE do the same.

package purchaseweb

import (
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
)

func pastHref(id int64) string { return "/past-contracts/" + strconv.FormatInt(id, 10) }

func (s *Server) offPastEditRoutes() {
	s.Handle("GET /past-contracts/{id}", web.Changed, s.OffWrap(s.offPastDetail))
	s.Handle("GET /past-contracts/{id}/edit", web.Changed, s.OffWrap(s.offPastEditPage))
	s.Handle("POST /past-contracts/{id}/edit", web.Changed, s.OffWrap(s.offPastCorrect))
	s.Handle("GET /past-contracts/{id}/delete", web.Changed, s.OffWrap(s.offPastDeletePage))
	s.Handle("POST /past-contracts/{id}/delete", web.Changed, s.OffWrap(s.offPastDelete))
	s.Api("GET /api/v1/past-contracts/{id}", s.OffWrap(s.offPastDetail))
	s.Api("PATCH /api/v1/past-contracts/{id}", s.OffWrap(s.offPastCorrect))
	s.Api("DELETE /api/v1/past-contracts/{id}", s.OffWrap(s.offPastDelete))
}

// pastDeleteReq is the body of a deletion: the version read and the reason.
type pastDeleteReq struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

func pastEditAPIDocs() map[string]web.ApiDoc {
	return map[string]web.ApiDoc{
		"GET /api/v1/past-contracts/{id}": {Summary: "One imported past contract with its version (purchaser, hub, auditor of its place; provider, its own)",
			Resp: gongzhi.PastContract{}},
		"PATCH /api/v1/past-contracts/{id}": {Summary: "Correct an imported past contract (purchaser of its place): the fields given change, the others stay; version (the one read) and reason are required. Of concurrent corrections of one version one is saved, the others answer 409 on version; audited",
			Req: purchase.PastCorrection{}, Resp: gongzhi.PastContract{}},
		"DELETE /api/v1/past-contracts/{id}": {Summary: "Delete an imported past contract (purchaser of its place), with the version read and a reason; it no longer counts in the funding report. A stale version answers 409; audited",
			Req: pastDeleteReq{}},
	}
}

func (s *Server) offPastDetail(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	p, err := s.svc.PastContract(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, p)
		return nil
	}
	l := s.OffLabelsFor(r)
	names := s.OffPlaceNames(r.Context(), ac, gongzhi.LevelCommunity)
	comms := make([]string, len(p.Communities))
	for i, c := range p.Communities {
		comms[i] = c
		if n := names[c]; n != "" {
			comms[i] = n
		}
	}
	dash := func(v string) string {
		if v == "" {
			return "—"
		}
		return v
	}
	dv := &web.DetailView{Rows: []web.Kv{
		{Label: web.T(lang, "contract.fiscal_year"), Value: strconv.Itoa(p.FiscalYear)},
		{Label: web.T(lang, "contract.category"), Value: l.Category(p.CategoryCode)},
		{Label: web.T(lang, "contract.provider"), Value: p.ProviderName, Href: "/organizations/" + strconv.FormatInt(p.OrgID, 10)},
		{Label: web.T(lang, "past.credit_code"), Value: p.CreditCode},
		{Label: web.T(lang, "past.contract_no"), Value: dash(p.ContractNo)},
		{Label: web.T(lang, "contract.amount"), Value: web.OffYuan(p.Amount)},
		{Label: web.T(lang, "past.signed_on"), Value: dash(p.SignedOn)},
		{Label: web.T(lang, "past.period"), Value: dash(strings.Trim(p.StartOn+" – "+p.EndOn, " –"))},
		{Label: web.T(lang, "past.communities"), Value: dash(strings.Join(comms, web.T(lang, "p.sep")))},
		{Label: web.T(lang, "contract.state"), Value: web.T(lang, "past.state."+p.State)},
		{Label: web.T(lang, "past.notes"), Value: dash(p.Notes)},
		{Label: web.T(lang, "past.source"), Value: web.T(lang, "past.imported") + " · " + web.T(lang, "past.version:"+strconv.Itoa(p.Version))},
	}}
	if purchase.MayCorrectPastContracts(ac) {
		dv.Actions = append(dv.Actions, web.ActionLink{Label: web.T(lang, "past.correct"), Href: pastHref(id) + "/edit"},
			web.ActionLink{Label: web.T(lang, "past.delete"), Href: pastHref(id) + "/delete"})
	}
	s.Render(w, r, http.StatusOK, "detail", &web.Page{Title: p.Title, Active: "/contracts", Data: dv})
	return nil
}

// pastRaw is what the correction form held, shown again beside its errors.
type pastRaw struct {
	c      *purchase.PastCorrection
	amount string
	year   string
}

func (s *Server) pastFields(r *http.Request, p *gongzhi.PastContract, raw pastRaw, errs map[string]string) []web.Field {
	lang := web.LangOf(r)
	l := s.OffLabelsFor(r)
	c := raw.c
	comms := s.OffPlaceNames(r.Context(), web.ActorOf(r), gongzhi.LevelCommunity)
	var commOpts []web.Option
	for code, name := range comms {
		if strings.HasPrefix(code, gongzhi.PlacePrefix(p.PlaceCode, gongzhi.LevelOfCode(p.PlaceCode))) {
			commOpts = append(commOpts, web.Option{Value: code, Label: name})
		}
	}
	sortOptions(commOpts)
	return []web.Field{
		{Name: "version", Type: "hidden", Value: strconv.Itoa(c.Version)},
		{Name: "fiscal_year", Label: web.T(lang, "contract.fiscal_year"), Type: "number", Value: raw.year, Error: errs["fiscal_year"], Required: true},
		{Name: "category_code", Label: web.T(lang, "contract.category"), Type: "select", Value: c.CategoryCode,
			Options: s.OffCategoryOptions(r, l, true, "—"), Error: errs["category_code"], Required: true},
		{Name: "credit_code", Label: web.T(lang, "past.credit_code"), Type: "text", Value: c.CreditCode, Error: errs["credit_code"], Required: true,
			Help: web.T(lang, "past.credit_code_help")},
		{Name: "provider_name", Label: web.T(lang, "past.provider_name"), Type: "text", Value: c.ProviderName, Error: errs["provider_name"],
			Help: web.T(lang, "past.provider_name_help")},
		{Name: "title", Label: web.T(lang, "contract.title"), Type: "text", Value: c.Title, Error: errs["title"], Required: true, Wide: true},
		{Name: "contract_no", Label: web.T(lang, "past.contract_no"), Type: "text", Value: c.ContractNo, Error: errs["contract_no"]},
		{Name: "amount", Label: web.T(lang, "contract.amount") + web.T(lang, "unit.yuan"), Type: "text", Value: raw.amount, Error: errs["amount"],
			Required: true, Help: web.T(lang, "money.help")},
		{Name: "signed_on", Label: web.T(lang, "past.signed_on"), Type: "date", Value: c.SignedOn, Error: errs["signed_on"]},
		{Name: "start_on", Label: web.T(lang, "past.start_on"), Type: "date", Value: c.StartOn, Error: errs["start_on"]},
		{Name: "end_on", Label: web.T(lang, "past.end_on"), Type: "date", Value: c.EndOn, Error: errs["end_on"]},
		{Name: "state", Label: web.T(lang, "contract.state"), Type: "select", Value: c.State,
			Options: web.EnumOptions(lang, "past.state", gongzhi.PastStates, false), Error: errs["state"], Required: true},
		{Name: "communities", Label: web.T(lang, "past.communities"), Type: "multi", Values: c.Communities, Options: commOpts,
			Error: errs["communities"], Wide: true},
		{Name: "notes", Label: web.T(lang, "past.notes"), Type: "textarea", Value: c.Notes, Error: errs["notes"], Wide: true},
		{Name: "reason", Label: web.T(lang, "past.reason"), Type: "textarea", Value: c.Reason, Error: errs["reason"], Required: true, Wide: true,
			Help: web.T(lang, "past.reason_help")},
	}
}

func sortOptions(o []web.Option) {
	for i := 1; i < len(o); i++ {
		for j := i; j > 0 && o[j].Value < o[j-1].Value; j-- {
			o[j], o[j-1] = o[j-1], o[j]
		}
	}
}

func (s *Server) renderPastForm(w http.ResponseWriter, r *http.Request, status int, p *gongzhi.PastContract, raw pastRaw, e *gongzhi.Error) {
	lang := web.LangOf(r)
	fv := &web.FormView{Action: pastHref(p.ID) + "/edit", Cancel: pastHref(p.ID), Submit: web.T(lang, "action.save"),
		Intro: web.T(lang, "past.correct_intro"), Fields: s.pastFields(r, p, raw, web.OffFieldErrs(lang, e))}
	s.Render(w, r, status, "form", &web.Page{Title: web.T(lang, "past.correct") + " · " + p.Title, Active: "/contracts", Data: fv, Error: e})
}

func (s *Server) offPastEditPage(w http.ResponseWriter, r *http.Request) error {
	ac := web.ActorOf(r)
	if !purchase.MayCorrectPastContracts(ac) {
		return gongzhi.Forbidden()
	}
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	p, err := s.svc.PastContract(r.Context(), ac, id)
	if err != nil {
		return err
	}
	c := purchase.PastCorrectionOf(p)
	s.renderPastForm(w, r, http.StatusOK, p, pastRaw{c: c, amount: web.OffMoneyValue(p.Amount), year: strconv.Itoa(p.FiscalYear)}, nil)
	return nil
}

func (s *Server) offPastCorrect(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !purchase.MayCorrectPastContracts(ac) {
		return gongzhi.Forbidden()
	}
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	p, err := s.svc.PastContract(r.Context(), ac, id)
	if err != nil {
		return err
	}
	c := purchase.PastCorrectionOf(p)
	var raw pastRaw
	if web.IsAPIPath(r) {
		c.Version = 0 // the version read must be given
		if err := web.DecodeJSON(w, r, c); err != nil {
			return err
		}
	} else {
		f := gongzhi.FieldErrors{}
		c.Version = web.OffParseInt(f, "version", r.PostFormValue("version"))
		raw = pastRaw{c: c, amount: r.PostFormValue("amount"), year: r.PostFormValue("fiscal_year")}
		c.FiscalYear = web.OffParseInt(f, "fiscal_year", raw.year)
		c.Amount = web.OffParseYuan(f, "amount", raw.amount, true)
		for _, k := range []struct {
			key string
			v   *string
		}{{"category_code", &c.CategoryCode}, {"credit_code", &c.CreditCode}, {"provider_name", &c.ProviderName}, {"title", &c.Title},
			{"contract_no", &c.ContractNo}, {"signed_on", &c.SignedOn}, {"start_on", &c.StartOn}, {"end_on", &c.EndOn}, {"state", &c.State},
			{"notes", &c.Notes}, {"reason", &c.Reason}} {
			*k.v = r.PostFormValue(k.key)
		}
		c.Communities = r.PostForm["communities"]
		if len(f) > 0 {
			e := gongzhi.AsError(f.Err())
			s.renderPastForm(w, r, http.StatusUnprocessableEntity, p, raw, e)
			return nil
		}
	}
	got, err := s.svc.CorrectPastContract(r.Context(), ac, id, c)
	if err != nil {
		if e, ok := web.OffFormError(err); ok && !web.IsAPIPath(r) {
			s.renderPastForm(w, r, web.PpStatusFor(e), p, raw, e)
			return nil
		}
		return err
	}
	if web.IsAPIPath(r) {
		stored, err := s.svc.PastContract(r.Context(), ac, got.ID)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, stored)
		return nil
	}
	return s.Redirect(w, r, pastHref(id), web.T(lang, "saved"))
}

func (s *Server) renderPastDelete(w http.ResponseWriter, r *http.Request, status int, p *gongzhi.PastContract, req pastDeleteReq, e *gongzhi.Error) {
	lang := web.LangOf(r)
	errs := web.OffFieldErrs(lang, e)
	fv := &web.FormView{Action: pastHref(p.ID) + "/delete", Cancel: pastHref(p.ID), Submit: web.T(lang, "past.delete"),
		Intro: web.OffTr(lang, "past.delete_intro", p.Title, web.OffYuan(p.Amount), strconv.Itoa(p.FiscalYear)),
		Fields: []web.Field{
			{Name: "version", Type: "hidden", Value: strconv.Itoa(req.Version)},
			{Name: "reason", Label: web.T(lang, "past.reason"), Type: "textarea", Value: req.Reason, Error: errs["reason"], Required: true, Wide: true,
				Help: web.T(lang, "past.reason_help")},
		}}
	if msg, ok := errs["version"]; ok {
		fv.Intro += " " + msg
	}
	s.Render(w, r, status, "form", &web.Page{Title: web.T(lang, "past.delete") + " · " + p.Title, Active: "/contracts", Data: fv, Error: e})
}

func (s *Server) offPastDeletePage(w http.ResponseWriter, r *http.Request) error {
	ac := web.ActorOf(r)
	if !purchase.MayCorrectPastContracts(ac) {
		return gongzhi.Forbidden()
	}
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	p, err := s.svc.PastContract(r.Context(), ac, id)
	if err != nil {
		return err
	}
	s.renderPastDelete(w, r, http.StatusOK, p, pastDeleteReq{Version: p.Version}, nil)
	return nil
}

func (s *Server) offPastDelete(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !purchase.MayCorrectPastContracts(ac) {
		return gongzhi.Forbidden()
	}
	var req pastDeleteReq
	id, err := s.DecodeAt(w, r, &req)
	if err != nil {
		return err
	}
	if err := s.svc.DeletePastContract(r.Context(), ac, id, req.Version, req.Reason); err != nil {
		if e, ok := web.OffFormError(err); ok && !web.IsAPIPath(r) {
			p, perr := s.svc.PastContract(r.Context(), ac, id)
			if perr != nil {
				return perr
			}
			s.renderPastDelete(w, r, web.PpStatusFor(e), p, req, e)
			return nil
		}
		return err
	}
	if web.IsAPIPath(r) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return s.Redirect(w, r, "/past-contracts", web.T(lang, "past.deleted"))
}
