// View helpers that every capability's pages share: anonymous visitors, field errors and their
// status, communities, target groups and categories by name, and links to records.

package web

import (
	"context"
	"gongzhi"
	"net/http"
	"strconv"
	"strings"
)

// ppAnonymous is the caller of a public action: the signed-in account if there is one, else an
// anonymous actor that carries the client's address into the audit log.
func PpAnonymous(r *http.Request) *gongzhi.Actor {
	if ac := ActorOf(r); ac != nil {
		return ac
	}
	via := "web"
	if IsAPIPath(r) {
		via = "api"
	}
	return &gongzhi.Actor{IP: ClientIP(r), Via: via}
}

// ppFieldErr splits a service error into one with field reasons (shown beside a form's fields)
// and anything else.
func PpFieldErr(err error) (*gongzhi.Error, bool) {
	if err == nil {
		return nil, false
	}
	e := gongzhi.AsError(err)
	return e, len(e.Fields) > 0 && e.Code != gongzhi.EINTERNAL
}

func PpStatusFor(e *gongzhi.Error) int {
	if st := StatusOf[e.Code]; st != 0 {
		return st
	}
	return http.StatusInternalServerError
}

// ppTranslated turns an error's field reasons into messages in lang.
func PpTranslated(lang string, e *gongzhi.Error) map[string]string {
	out := map[string]string{}
	if e != nil {
		for k, v := range e.Fields {
			out[k] = T(lang, v)
		}
	}
	return out
}

// ppHas reports whether a translation exists for key.
func PpHas(key string) bool { _, ok := catalogue.messages[key]; return ok }

func PpFirstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

// PpCommunities lists the instance's communities (the first 5,000), the same for everyone:
// cached (public_cache.go).
func (s *Server) PpCommunities(ctx context.Context) ([]PpCommunity, error) {
	return PublicCached(ctx, s, "communities", func(ctx context.Context) ([]PpCommunity, error) {
		var out []PpCommunity
		_, err := s.services.PublicPlaces(ctx, "", gongzhi.ListOptions{Filters: map[string]string{"level": "5"}, Sort: "code", Limit: 5000},
			func(p *gongzhi.Place) error {
				out = append(out, PpCommunity{Code: p.Code, Name: p.Name, StreetCode: p.ParentCode, StreetName: p.ParentName})
				return nil
			})
		return out, err
	})
}

func (s *Server) PpGroupNames(ctx context.Context, lang string) map[string]string {
	out := map[string]string{}
	if gs, err := s.services.PublicTargetGroups(ctx); err == nil {
		for _, g := range gs {
			out[g.Code] = PpPick(lang, g.Name, g.NameEn)
		}
	}
	return out
}

// PpCategoryNamer reads the service catalog once and returns what joins the catalog names of
// category codes. A page that names the categories of many rows takes the namer before its loop,
// so that the catalog is read once per page, never once per row (nor while a list's rows are open).
func (s *Server) PpCategoryNamer(ctx context.Context, lang string) func(codes []string) string {
	names := map[string]string{}
	if cats, err := s.services.ServiceCategories(ctx, false); err == nil {
		for _, c := range cats {
			names[c.Code] = PpPick(lang, c.Name, c.NameEn)
		}
	}
	return func(codes []string) string {
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = PpFirstNonEmpty(names[c], c)
		}
		return strings.Join(out, "、")
	}
}

func OffContractHref(id int64) string { return "/contracts/" + strconv.FormatInt(id, 10) }

func IdText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// ppCommunity is a community anyone may raise a need for.
type PpCommunity struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	StreetCode string `json:"street_code"`
	StreetName string `json:"street_name"`
}

// offRawValues are what was typed into a form's inputs, shown back as typed after an error (a
// mistyped amount cannot be shown from the parsed record).
type OffRawValues map[string]string

func PpPick(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

// Or returns the typed value of k, if there is one, else the value shown from the record.
func (rv OffRawValues) Or(k, shown string) string {
	if v, ok := rv[k]; ok {
		return v
	}
	return shown
}
