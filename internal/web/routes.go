// Routes: every page and API endpoint, and the handlers that are not generic resources —
// signing in and out, the first-run setup, passwords, the home page, language, target groups,
// API tokens, the audit log and Excel imports.

package web

import (
	"io/fs"
	"net/http"
	"strings"
)

func (s *Server) routes() {
	s.Handle("GET /healthz", Public, s.healthz)
	s.mux.Handle("GET /metrics", s.metrics())
	s.mux.Handle("GET /static/", s.staticHandler())
	s.Handle("GET /api/openapi.json", Public, s.openAPI)

	s.Handle("GET /lang", Public, s.setLang)
	// every path no other route serves: a styled page or the API's error body (notfound.go)
	s.mux.HandleFunc("/", s.unknownPath)
}

func (s *Server) staticHandler() http.Handler {
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.assetsMu.RLock()
		static := s.static
		s.assetsMu.RUnlock()
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		if _, err := fs.Stat(static, strings.TrimPrefix(r.URL.Path, "/")); err != nil {
			http.NotFound(w, r)
			return
		}
		http.FileServerFS(static).ServeHTTP(w, r)
	}))
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.URL.Query().Get("to")
	if lang != "en" {
		lang = "zh-CN"
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, SafeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

// safeNext keeps a redirect target on this site.
func SafeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
