// Public needs in the pages and the API (issue 11 item 15): the published needs of a community
// with their support, comments and the calls and contracts answering them; a resident's
// support and comment; the office's publishing and the hiding of a comment with a reason.

package purchaseweb

import (
	"net/http"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
)

func init() {
	web.AddAPIDocs(map[string]web.ApiDoc{
		"GET /api/v1/public/needs": {Summary: "The published needs of a community (?community=CODE; a signed-in resident: their own) with support, comments and the calls and contracts answering each (no account needed)",
			Public: true, Resp: ppPublicNeedsBody{}, Filters: []string{"community"}},
		"GET /api/v1/public/needs/{id}": {Summary: "A published need with its visible comments (moderators of its place also see hidden ones with the reason; no account needed)",
			Public: true, Resp: ppPublicNeedBody{}},
		"POST /api/v1/needs/{id}/publish": {Summary: "Publish a need to its community's residents and the public, once; refused when its description holds personal data (purchaser, hub, community)",
			Resp: gongzhi.Need{}},
		"POST /api/v1/needs/{id}/support": {Summary: "Support a published need of your own community, once per resident (resident)",
			Resp: gongzhi.PublicNeed{}, Status: http.StatusCreated},
		"POST /api/v1/needs/{id}/comments": {Summary: "Comment on a published need of your own community; no personal data (resident)",
			Req: ppNeedCommentReq{}, Resp: gongzhi.NeedComment{}, Status: http.StatusCreated},
		"POST /api/v1/need-comments/{id}/hide": {Summary: "Hide a comment with the reason, once (community staff, hub, purchaser of the need's place)",
			Req: ppHideReq{}, Resp: gongzhi.NeedComment{}},
	})
}

func (s *Server) publicNeedRoutes() {
	s.Handle("GET /public/needs/published", web.Public, s.ppNeedsPublished)
	s.Handle("GET /public/needs/{id}", web.Public, s.ppNeedPublic)
	s.Handle("POST /public/needs/{id}/support", web.Changed, s.ppNeedSupport)
	s.Handle("POST /public/needs/{id}/comments", web.Changed, s.ppNeedComment)
	s.Handle("POST /public/need-comments/{id}/hide", web.Changed, s.ppNeedCommentHide)
	s.Handle("POST /needs/{id}/publish", web.Changed, s.OffWrap(s.ppNeedPublish))

	s.ApiPublic("GET /api/v1/public/needs", s.ppNeedsPublished)
	s.ApiPublic("GET /api/v1/public/needs/{id}", s.ppNeedPublic)
	s.Api("POST /api/v1/needs/{id}/publish", s.ppNeedPublish)
	s.Api("POST /api/v1/needs/{id}/support", s.ppNeedSupport)
	s.Api("POST /api/v1/needs/{id}/comments", s.ppNeedComment)
	s.Api("POST /api/v1/need-comments/{id}/hide", s.ppNeedCommentHide)
}

// ppPublicNeedsBody is the API's list of published needs.
type ppPublicNeedsBody struct {
	Community string                `json:"community"`
	Items     []*gongzhi.PublicNeed `json:"items"`
}

// ppPublicNeedBody is one published need with its comments.
type ppPublicNeedBody struct {
	Need     *gongzhi.PublicNeed    `json:"need"`
	Comments []*gongzhi.NeedComment `json:"comments"`
}

type ppNeedCommentReq struct {
	Body string `json:"body"`
}

type ppHideReq struct {
	Reason string `json:"reason"`
}

// ppNeedCard is a published need as its card shows it.
type ppNeedCard struct {
	ID                    int64
	Href                  string
	Heading               string
	Community             string
	Description           string
	People                int
	Supports, Comments    int
	Supported, CanSupport bool
	Answers               []web.PickLink
}

type ppNeedsView struct {
	Pick      *web.CommunityPick
	Community string
	Needs     []ppNeedCard
	Resident  bool // a resident signed in reads their own community
}

type ppNeedView struct {
	Card        ppNeedCard
	Comments    []ppCommentRow
	CanComment  bool
	Moderate    bool
	CommentErr  string
	CommentBody string
	Back        string
}

type ppCommentRow struct {
	ID                     int64
	Author, Body, At       string
	Hidden                 bool
	HiddenReason, HiddenBy string
	HideAction             string
}

// residentCommunity is the community of a signed-in resident ("" for anyone else).
func residentCommunity(ac *gongzhi.Actor) string {
	if purchase.MaySupportNeed(ac) && ac.User != nil && len(ac.ScopeCode) == 12 {
		return ac.ScopeCode
	}
	return ""
}

// ppGroupNames are the target groups' names for the public pages, in the page's language.
func (s *Server) ppGroupNames(r *http.Request) map[string]string {
	out := map[string]string{}
	if gs, err := s.svc.PublicTargetGroups(r.Context()); err == nil {
		for _, g := range gs {
			out[g.Code] = web.PpPick(web.LangOf(r), g.Name, g.NameEn)
		}
	}
	return out
}

func (s *Server) ppNeedCard(lang string, ac *gongzhi.Actor, n *gongzhi.PublicNeed, groups map[string]string) ppNeedCard {
	group := groups[n.TargetGroup]
	if group == "" {
		group = n.TargetGroup
	}
	c := ppNeedCard{ID: n.ID, Href: "/public/needs/" + web.FmtInt(n.ID), Heading: n.CategoryName + " · " + group,
		Community: n.CommunityName, Description: n.Description, People: n.PeopleAffected, Supports: n.Supports, Comments: n.Comments,
		Supported: n.Supported, CanSupport: !n.Supported && residentCommunity(ac) == n.CommunityCode}
	for _, a := range n.Answers {
		if a.ContractID != 0 {
			c.Answers = append(c.Answers, web.PickLink{Label: web.T(lang, "needs.public.contract:"+a.ContractTitle+" · "+a.ProviderName),
				Href: "/public/contracts/" + web.FmtInt(a.ContractID)})
		} else {
			c.Answers = append(c.Answers, web.PickLink{Label: web.T(lang, "needs.public.call:"+a.CallTitle), Href: "/public/calls/" + web.FmtInt(a.CallID)})
		}
	}
	return c
}

func (s *Server) ppNeedsPublished(w http.ResponseWriter, r *http.Request) error {
	ctx, lang, ac := r.Context(), web.LangOf(r), web.ActorOf(r)
	code := r.URL.Query().Get("community")
	if code == "" {
		code = residentCommunity(ac)
	}
	if web.IsAPIPath(r) {
		ns, err := s.svc.PublicNeeds(ctx, ac, code)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, ppPublicNeedsBody{Community: code, Items: ns})
		return nil
	}
	pick, err := s.PickCommunity(ctx, "/public/needs/published", code, r.URL.Query())
	if err != nil {
		return err
	}
	v := &ppNeedsView{Pick: pick, Resident: residentCommunity(ac) != ""}
	if pick.Chosen != nil {
		v.Community = pick.Chosen.Code
		ns, err := s.svc.PublicNeeds(ctx, ac, pick.Chosen.Code)
		if err != nil {
			return err
		}
		groups := s.ppGroupNames(r)
		for _, n := range ns {
			v.Needs = append(v.Needs, s.ppNeedCard(lang, ac, n, groups))
		}
	}
	s.Render(w, r, http.StatusOK, "p_party_public_needs", &web.Page{Title: web.T(lang, "needs.public.title"), Active: "/public", Data: v})
	return nil
}

func (s *Server) ppNeedPublic(w http.ResponseWriter, r *http.Request) error {
	return s.ppRenderNeed(w, r, http.StatusOK, "", "")
}

func (s *Server) ppRenderNeed(w http.ResponseWriter, r *http.Request, status int, commentErr, body string) error {
	ctx, lang, ac := r.Context(), web.LangOf(r), web.ActorOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	n, cs, err := s.svc.PublicNeed(ctx, ac, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, status, ppPublicNeedBody{Need: n, Comments: cs})
		return nil
	}
	v := &ppNeedView{Card: s.ppNeedCard(lang, ac, n, s.ppGroupNames(r)), CanComment: residentCommunity(ac) == n.CommunityCode,
		Moderate: s.svc.MayModerateNeed(ctx, ac, id), CommentErr: commentErr, CommentBody: body,
		Back: "/public/needs/published?community=" + n.CommunityCode}
	for _, c := range cs {
		row := ppCommentRow{ID: c.ID, Author: c.Author, Body: c.Body, At: web.OffShowTime(c.CreatedAt), Hidden: c.Hidden,
			HiddenReason: c.HiddenReason, HiddenBy: c.HiddenBy}
		if v.Moderate && !c.Hidden {
			row.HideAction = "/public/need-comments/" + web.FmtInt(c.ID) + "/hide"
		}
		v.Comments = append(v.Comments, row)
	}
	s.Render(w, r, status, "p_party_public_need_detail", &web.Page{Title: web.T(lang, "needs.public.need") + " #" + web.FmtInt(id), Active: "/public", Data: v})
	return nil
}

func (s *Server) ppNeedSupport(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if !web.IsAPIPath(r) {
		if err := r.ParseForm(); err != nil {
			return gongzhi.Invalid("form", "bad_text")
		}
	}
	if err := s.svc.SupportNeed(r.Context(), web.ActorOf(r), id); err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		n, _, err := s.svc.PublicNeed(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, n)
		return nil
	}
	return s.Redirect(w, r, "/public/needs/"+web.FmtInt(id), web.T(web.LangOf(r), "needs.public.supported_done"))
}

func (s *Server) ppNeedComment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req ppNeedCommentReq
	if web.IsAPIPath(r) {
		if err := web.DecodeJSON(w, r, &req); err != nil {
			return err
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return gongzhi.Invalid("form", "bad_text")
		}
		req.Body = r.PostFormValue("body")
	}
	c, err := s.svc.CommentNeed(r.Context(), web.ActorOf(r), id, req.Body)
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, c)
		return nil
	}
	if e := gongzhi.AsError(err); e != nil && e.Code == gongzhi.EINVALID && e.Fields["body"] != "" {
		return s.ppRenderNeed(w, r, http.StatusUnprocessableEntity, web.T(web.LangOf(r), e.Fields["body"]), req.Body)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/public/needs/"+web.FmtInt(id)+"#comments", web.T(web.LangOf(r), "needs.public.commented"))
}

func (s *Server) ppNeedCommentHide(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req ppHideReq
	if web.IsAPIPath(r) {
		if err := web.DecodeJSON(w, r, &req); err != nil {
			return err
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return gongzhi.Invalid("form", "bad_text")
		}
		req.Reason = r.PostFormValue("reason")
	}
	c, err := s.svc.HideNeedComment(r.Context(), web.ActorOf(r), id, req.Reason)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, c)
		return nil
	}
	return s.Redirect(w, r, "/public/needs/"+web.FmtInt(c.NeedID)+"#comments", web.T(web.LangOf(r), "needs.public.hidden_done"))
}

func (s *Server) ppNeedPublish(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.PublishNeed(r.Context(), web.ActorOf(r), id); err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		n, err := s.svc.Need(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, n)
		return nil
	}
	return s.Redirect(w, r, offNeedHref(id), web.T(web.LangOf(r), "needs.public.published_done"))
}
