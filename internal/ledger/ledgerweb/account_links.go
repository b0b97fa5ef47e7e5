// Account links in the pages and the API: the accounts of experts, social workers and residents
// that the caller links to the people they are (the purchaser experts of its pool, the hub
// social workers, community staff residents: ledger.LinkableRoles), and one account's page,
// where the person is found by name among the people of the right kind, shown with the ID
// number masked, and linked or unlinked.

package ledgerweb

import (
	"net/http"
	"slices"
	"strings"

	"gongzhi"
	"gongzhi/internal/ledger"
	"gongzhi/internal/web"
)

func (s *Server) accountLinkRoutes() {
	s.Handle("GET /account-links", web.Changed, s.accountLinks)
	s.Handle("GET /users/{id}/person", web.Changed, s.accountLinkPage)
	s.Handle("POST /users/{id}/person", web.Changed, s.accountLinkSet)
	s.Handle("POST /users/{id}/person/unlink", web.Changed, s.accountLinkSet)
	s.Api("GET /api/v1/account-links", s.accountLinks)
	s.Api("GET /api/v1/users/{id}/person", s.accountLinkPage)
	s.Api("GET /api/v1/users/{id}/person/candidates", s.accountLinkCandidates)
	s.Api("PUT /api/v1/users/{id}/person", s.accountLinkSet)
	s.Api("DELETE /api/v1/users/{id}/person", s.accountLinkSet)
}

func accountLinkHref(id int64) string { return "/users/" + web.FmtInt(id) + "/person" }

// accountLinkReq is the link asked for: the person (0 unlinks).
type accountLinkReq struct {
	PersonID int64 `json:"person_id"`
}

func linkedText(lang string, l *gongzhi.AccountLink) string {
	if l.PersonID == 0 {
		return web.T(lang, "link.not_linked")
	}
	if l.PersonIDMasked == "" {
		return l.PersonName
	}
	return l.PersonName + "（" + l.PersonIDMasked + "）"
}

func (s *Server) accountLinks(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, "linked")
	role := r.URL.Query().Get("role")
	list := func(o gongzhi.ListOptions, each func(*gongzhi.AccountLink) error) (int, error) {
		return s.svc.AccountLinks(r.Context(), ac, role, o, each)
	}
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, list)
	}
	roles := ledger.LinkableRoles(ac)
	if len(roles) == 0 {
		return gongzhi.Forbidden()
	}
	if !slices.Contains(roles, role) {
		role = roles[0]
	}
	lv := &web.ListView{Action: "/account-links", Q: opts.Q, Note: web.T(lang, "link.intro_"+role)}
	roleOpts := web.EnumOptions(lang, "role", roles, false)
	lv.Filters = []web.Field{web.FilterSelect(r, "role", web.T(lang, "user.role"), roleOpts),
		web.FilterSelect(r, "linked", web.T(lang, "link.state"), []web.Option{{Value: "", Label: web.T(lang, "list.all")},
			{Value: "0", Label: web.T(lang, "link.not_linked")}, {Value: "1", Label: web.T(lang, "link.linked")}})}
	lv.Filters[0].Value = role
	total, err := list(opts, func(l *gongzhi.AccountLink) error {
		action := web.T(lang, "link.link")
		if l.PersonID != 0 {
			action = web.T(lang, "link.change")
		}
		lv.Rows = append(lv.Rows, []web.Cell{{Text: l.DisplayName}, {Text: l.Username}, {Text: l.PlaceName + l.OrgName},
			{Text: linkedText(lang, l)}, {Text: action, Href: accountLinkHref(l.UserID)}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	web.PageLinks(r, lv, []web.ColDef{{Label: web.T(lang, "user.display_name")}, {Label: web.T(lang, "user.username"), Sort: "username"},
		{Label: web.T(lang, "user.scope")}, {Label: web.T(lang, "link.person")}, {Label: web.T(lang, "link.action")}}, opts.Limit)
	s.Render(w, r, http.StatusOK, "list", &web.Page{Title: web.T(lang, "nav.account_links"), Active: "/account-links", Data: lv})
	return nil
}

// accountLinkView is one account's link page: the account, the person it is linked to, the
// name searched for and the people found.
type accountLinkView struct {
	Link       *gongzhi.AccountLink
	RoleLabel  string
	Linked     string
	Q          string
	Searched   bool
	Candidates []linkCandidate
	More       bool // the search found the most it shows: a longer name narrows it
	Action     string
}

type linkCandidate struct {
	ID      int64
	Name    string
	Masked  string
	Place   string
	Detail  string
	Current bool
}

func (s *Server) accountLinkPage(w http.ResponseWriter, r *http.Request) error {
	return s.accountLinkRender(w, r, http.StatusOK, nil)
}

func (s *Server) accountLinkRender(w http.ResponseWriter, r *http.Request, status int, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	l, err := s.svc.AccountLink(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, l)
		return nil
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" && e != nil {
		q = strings.TrimSpace(r.PostFormValue("q"))
	}
	v := &accountLinkView{Link: l, RoleLabel: web.T(lang, "role."+l.Role), Linked: linkedText(lang, l), Q: q, Action: accountLinkHref(id)}
	if q != "" || r.URL.Query().Has("q") {
		v.Searched = true
		ppl, err := s.svc.LinkCandidates(r.Context(), ac, id, q)
		if err != nil {
			return err
		}
		for _, p := range ppl {
			detail := p.Affiliation
			if detail == "" {
				detail = p.OrgName
			}
			v.Candidates = append(v.Candidates, linkCandidate{ID: p.ID, Name: p.Name, Masked: p.IDMasked, Place: p.PlaceName, Detail: detail, Current: p.ID == l.PersonID})
		}
		v.More = len(ppl) >= ledger.LinkCandidatesMax
	}
	s.Render(w, r, status, "ledger_account_link", &web.Page{Title: web.T(lang, "link.title") + " · " + l.DisplayName, Active: "/account-links", Data: v, Error: e})
	return nil
}

func (s *Server) accountLinkCandidates(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ppl, err := s.svc.LinkCandidates(r.Context(), web.ActorOf(r), id, r.URL.Query().Get("q"))
	if err != nil {
		return err
	}
	out := []linkCandidateBody{}
	for _, p := range ppl {
		out = append(out, linkCandidateBody{ID: p.ID, Kind: p.Kind, Name: p.Name, IDMasked: p.IDMasked, PlaceCode: p.PlaceCode, PlaceName: p.PlaceName,
			OrgName: p.OrgName, Affiliation: p.Affiliation})
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[linkCandidateBody]{Items: out})
	return nil
}

// linkCandidateBody is a person found for a link: what tells people of one name apart, and
// nothing more (no phone, no full ID number).
type linkCandidateBody struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	IDMasked    string `json:"id_masked"`
	PlaceCode   string `json:"place_code"`
	PlaceName   string `json:"place_name"`
	OrgName     string `json:"org_name"`
	Affiliation string `json:"affiliation"`
}

// accountLinkSet links (PUT, POST) or unlinks (DELETE, POST …/unlink) an account.
func (s *Server) accountLinkSet(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req accountLinkReq
	unlink := r.Method == http.MethodDelete || strings.HasSuffix(r.URL.Path, "/unlink")
	if !unlink {
		if err := s.Decode(w, r, &req); err != nil {
			return err
		}
		if req.PersonID == 0 {
			err = gongzhi.Invalid("person_id", "required")
		}
	}
	var l *gongzhi.AccountLink
	if err == nil {
		l, err = s.svc.LinkAccount(r.Context(), ac, id, req.PersonID)
	}
	if err != nil {
		if e, ok := web.OffFormError(err); ok && !web.IsAPIPath(r) {
			return s.accountLinkRender(w, r, web.StatusOf[e.Code], e)
		}
		return err
	}
	if web.IsAPIPath(r) {
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		web.WriteJSON(w, http.StatusOK, l)
		return nil
	}
	msg := web.T(lang, "link.done:"+l.DisplayName+" → "+l.PersonName)
	if unlink {
		msg = web.T(lang, "link.undone:"+l.DisplayName)
	}
	return s.Redirect(w, r, "/account-links?role="+l.Role, msg)
}
