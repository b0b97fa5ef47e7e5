// Paths no route serves: a page in the UI's language with the layout (the menu for a signed-in
// account) and a link home, or the API's JSON error body under /api/. A path that another method
// serves answers 405 with the methods it allows, in the same two shapes.

package web

import (
	"net/http"
	"strings"

	"gongzhi"
)

// unknownPath answers every request that no other pattern matches (it is registered as "/", the
// least specific pattern).
func (s *Server) unknownPath(w http.ResponseWriter, r *http.Request) {
	isAPI := IsAPIPath(r)
	r = withValue(r, keyLang, requestLang(r))
	// the account, for the menu; a bad token or session is answered as on any other path
	if err := s.authenticate(w, r, &r, isAPI); err != nil {
		s.fail(w, r, err)
		return
	}
	if allow := s.allowedMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.fail(w, r, &gongzhi.Error{Code: "method", Message: "err.method"})
		return
	}
	e := &gongzhi.Error{Code: gongzhi.ENOTFOUND, Message: "err.no_page"}
	if isAPI {
		s.fail(w, r, e)
		return
	}
	s.Render(w, r, http.StatusNotFound, "error", &Page{Title: T(LangOf(r), "title.no_page"), Error: e})
}

// allowedMethods lists the methods that other routes serve at the request's path.
func (s *Server) allowedMethods(r *http.Request) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			out = append(out, m)
		}
	}
	return out
}
