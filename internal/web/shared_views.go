// View helpers that every capability's pages share: anonymous visitors, field errors and their
// status, communities, target groups and categories by name, and links to records.
package web

import (
	"context"
	"gongzhi"
	"gongzhi/internal/store"
	"net/http"
	"strconv"
	"strings"
)

// ppAnonymous is the caller of a public action: the signed-in account if there is one, else an
// anonymous actor that carries the client's address into the audit log.
func ppAnonymous(r *http.Request) *gongzhi.Actor {
	if ac := actorOf(r); ac != nil {
		return ac
	}
	via := "web"
	if isAPIPath(r) {
		via = "api"
	}
	return &gongzhi.Actor{IP: clientIP(r), Via: via}
}

// ppFieldErr splits a service error into one with field reasons (shown beside a form's fields)
// and anything else.
func ppFieldErr(err error) (*gongzhi.Error, bool) {
	if err == nil {
		return nil, false
	}
	e := gongzhi.AsError(err)
	return e, len(e.Fields) > 0 && e.Code != gongzhi.EINTERNAL
}

func ppStatusFor(e *gongzhi.Error) int {
	if st := statusOf[e.Code]; st != 0 {
		return st
	}
	return http.StatusInternalServerError
}

// ppTranslated turns an error's field reasons into messages in lang.
func ppTranslated(lang string, e *gongzhi.Error) map[string]string {
	out := map[string]string{}
	if e != nil {
		for k, v := range e.Fields {
			out[k] = T(lang, v)
		}
	}
	return out
}

// ppHas reports whether a translation exists for key.
func ppHas(key string) bool { _, ok := messages[key]; return ok }

func ppFirstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

func (s *Server) ppCommunities(ctx context.Context) ([]ppCommunity, error) {
	var out []ppCommunity
	_, err := s.app.DB.Q().ListPlaces(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"level": "5"}, Sort: "code", Limit: 5000},
		func(p *gongzhi.Place) error {
			out = append(out, ppCommunity{Code: p.Code, Name: p.Name, StreetCode: p.ParentCode, StreetName: p.ParentName})
			return nil
		})
	return out, err
}

func (s *Server) ppGroupNames(ctx context.Context, lang string) map[string]string {
	out := map[string]string{}
	if gs, err := s.app.DB.Q().ListTargetGroups(ctx); err == nil {
		for _, g := range gs {
			out[g.Code] = ppPick(lang, g.Name, g.NameEn)
		}
	}
	return out
}

// ppCategoryNames joins the catalog names of category codes.
func (s *Server) ppCategoryNames(ctx context.Context, lang string, codes []string) string {
	cats, err := s.app.ServiceCategories(ctx, false)
	if err != nil {
		return strings.Join(codes, "、")
	}
	names := map[string]string{}
	for _, c := range cats {
		names[c.Code] = ppPick(lang, c.Name, c.NameEn)
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = ppFirstNonEmpty(names[c], c)
	}
	return strings.Join(out, "、")
}

func offContractHref(id int64) string { return "/contracts/" + strconv.FormatInt(id, 10) }

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// ppCommunity is a community anyone may raise a need for.
type ppCommunity struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	StreetCode string `json:"street_code"`
	StreetName string `json:"street_name"`
}


// offRawValues are what was typed into a form's inputs, shown back as typed after an error (a
// mistyped amount cannot be shown from the parsed record).
type offRawValues map[string]string

func ppPick(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}
