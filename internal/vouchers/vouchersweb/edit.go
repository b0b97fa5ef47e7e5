// Editing a scheme, the resident picker of "issue one voucher", the service ledger entries a
// redemption links, and the purchaser's figures (the dashboard's vouchers block).

package vouchersweb

import (
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/vouchers"
	"gongzhi/internal/web"
)

// ---- editing a scheme

func (s *Server) editForm(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.renderEdit(w, r, id, http.StatusOK, nil)
}

func (s *Server) renderEdit(w http.ResponseWriter, r *http.Request, id int64, status int, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !vouchers.MayManageVoucherSchemes(ac) {
		return gongzhi.Forbidden()
	}
	sc, err := s.svc.Scheme(r.Context(), ac, id)
	if err != nil {
		return err
	}
	f, err := s.schemeForm(r, e, sc)
	if err != nil {
		return err
	}
	v := &pageView{Back: href("/vouchers/schemes/", id), Sections: []section{{Forms: []*web.FormView{f}}}}
	s.render(w, r, status, web.T(lang, "voucher.edit_title:"+sc.Name), v, e)
	return nil
}

// editScheme saves an edited scheme: the page's form (once vouchers are issued it holds only
// what may change; the rest is kept), or the API's body (fields left out keep their values).
func (s *Server) editScheme(w http.ResponseWriter, r *http.Request) error {
	ac := web.ActorOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	cur, err := s.svc.Scheme(r.Context(), ac, id)
	if err != nil {
		return err
	}
	var sc gongzhi.VoucherScheme
	if web.IsAPIPath(r) {
		req := schemeRequest{Name: cur.Name, BudgetID: cur.BudgetID, FaceValue: cur.FaceValue, TargetGroups: cur.TargetGroups, MinAge: cur.MinAge,
			Communities: cur.Communities, LivingAlone: cur.LivingAlone, Categories: cur.Categories, Providers: cur.Providers,
			ValidFrom: cur.ValidFrom, ValidUntil: cur.ValidUntil, PerPerson: cur.PerPerson}
		if err = s.Decode(w, r, &req); err == nil {
			sc = req.scheme()
		}
	} else {
		var f schemeForm
		if err = s.Decode(w, r, &f); err == nil {
			sc = f.scheme()
			if cur.Issued > 0 { // the form holds only what may change
				sc.BudgetID, sc.FaceValue, sc.TargetGroups, sc.MinAge, sc.Communities = cur.BudgetID, cur.FaceValue, cur.TargetGroups, cur.MinAge, cur.Communities
				sc.LivingAlone, sc.ValidFrom, sc.PerPerson = cur.LivingAlone, cur.ValidFrom, cur.PerPerson
			}
		}
	}
	sc.ID = id
	if err == nil {
		err = s.svc.UpdateScheme(r.Context(), ac, &sc)
	}
	return s.answer(w, r, http.StatusOK, &sc, err, func(e *gongzhi.Error) error { return s.renderEdit(w, r, id, web.StatusOf[e.Code], e) },
		href("/vouchers/schemes/", id), "voucher.saved_flash")
}

// ---- issuing one voucher: the resident picker

// matchLabel tells residents of one name apart: masked ID number, community, birth year and the
// vouchers of the scheme they hold.
func matchLabel(lang string, m vouchers.EligibleMatch) string {
	parts := []string{m.Name}
	if m.IDMasked != "" {
		parts = append(parts, m.IDMasked)
	}
	parts = append(parts, m.PlaceName)
	if m.BirthYear > 0 {
		parts = append(parts, web.T(lang, "voucher.born:"+strconv.Itoa(m.BirthYear)))
	}
	parts = append(parts, web.T(lang, "voucher.holds:"+strconv.Itoa(m.Held)))
	return strings.Join(parts, " · ")
}

// issueOneForm issues one voucher to a resident picked by name among those the scheme admits
// (the product's search-box picker: app.js fills the select as one types; without JavaScript the
// "find" button shows the page again with the matches).
func (s *Server) issueOneForm(r *http.Request, sc *gongzhi.VoucherScheme, e *gongzhi.Error) (*web.FormView, error) {
	lang := web.LangOf(r)
	typed := strings.TrimSpace(r.FormValue("person_q"))
	opts := []web.Option{{Value: "", Label: "—"}}
	help := web.T(lang, "voucher.pick_help")
	if typed != "" {
		ms, err := s.svc.IssueCandidates(r.Context(), web.ActorOf(r), sc.ID, typed)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			opts = append(opts, web.Option{Value: strconv.FormatInt(m.ID, 10), Label: matchLabel(lang, m)})
		}
		if len(ms) == 0 {
			help = web.T(lang, "voucher.pick_none") + " " + help
		}
	}
	var errText, value string
	if e != nil {
		errText = web.T(lang, e.Fields["person_id"])
		value = r.FormValue("person_id")
	} else if len(opts) == 2 {
		value = opts[1].Value
	}
	base := href("/vouchers/schemes/", sc.ID)
	return &web.FormView{Action: base + "/issue-one", Submit: web.T(lang, "voucher.issue_one"), Intro: web.T(lang, "voucher.issue_one_help"), Fields: []web.Field{
		{Name: "person_id", Label: web.T(lang, "voucher.resident"), Type: "select", Options: opts, Value: value, Required: true, Wide: true,
			Error: errText, Help: help, Search: &web.FieldSearch{Name: "person_q", Value: typed, Label: web.T(lang, "voucher.pick_search"),
				Button: web.T(lang, "voucher.pick_find"), Source: base + "/pick"}},
	}}, nil
}

// pick answers the resident search box as one types: the residents the scheme admits whose
// name contains q, as JSON options.
func (s *Server) pick(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	out := []web.PickOption{}
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		ms, err := s.svc.IssueCandidates(r.Context(), web.ActorOf(r), id, q)
		if err != nil {
			return err
		}
		for _, m := range ms {
			out = append(out, web.PickOption{Value: strconv.FormatInt(m.ID, 10), Label: matchLabel(web.LangOf(r), m)})
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiCandidates(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ms, err := s.svc.IssueCandidates(r.Context(), web.ActorOf(r), id, r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []vouchers.EligibleMatch{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[vouchers.EligibleMatch]{Items: ms})
	return nil
}

// ---- redemption: the provider's service ledger entries

// redeemEntriesMax is how many of its latest entries the redeem form offers the provider.
const redeemEntriesMax = 30

// entryOption is an entry of the service ledger as the redeem form offers it.
type entryOption struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	HeldOn   string `json:"held_on"`
	Contract string `json:"contract_title"`
}

func (s *Server) redeemEntries(r *http.Request) ([]entryOption, error) {
	es, err := s.svc.RedeemEntries(r.Context(), web.ActorOf(r), redeemEntriesMax)
	if err != nil {
		return nil, err
	}
	out := []entryOption{}
	for _, e := range es {
		out = append(out, entryOption{ID: e.ID, Title: e.Title, HeldOn: e.HeldOn, Contract: e.ContractTitle})
	}
	return out, nil
}

func (s *Server) apiRedeemEntries(w http.ResponseWriter, r *http.Request) error {
	es, err := s.redeemEntries(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[entryOption]{Items: es})
	return nil
}

// ---- the purchaser's figures

func (s *Server) apiSummary(w http.ResponseWriter, r *http.Request) error {
	f, err := s.svc.Summary(r.Context(), web.ActorOf(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, f)
	return nil
}
