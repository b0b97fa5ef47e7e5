package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"gongzhi/internal/app"
	"gongzhi/internal/site"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

// Every answer carries the browser protections (no sniffing, no framing, our own sources only);
// behind HTTPS (secure cookies) browsers are also told to keep to HTTPS, and without it they are
// not (a plain-HTTP instance would lock itself out).
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	db := demodb.SQLite(t)
	a := app.New(db, demodb.Box(), demodb.Config, slog.New(slog.DiscardHandler))
	for _, secure := range []bool{false, true} {
		ws, err := site.New(a, slog.New(slog.DiscardHandler), web.Options{MaxUpload: 1 << 20, SecureCookies: secure})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(ws.Handler())
		for _, path := range []string{"/login", "/public", "/api/v1/public/calls"} {
			res, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			h := res.Header
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" ||
				h.Get("Content-Security-Policy") == "" || h.Get("Referrer-Policy") != "same-origin" {
				t.Errorf("secure=%v %s: protections missing: %v", secure, path, h)
			}
			if hsts := h.Get("Strict-Transport-Security"); (hsts != "") != secure {
				t.Errorf("secure=%v %s: Strict-Transport-Security %q", secure, path, hsts)
			}
		}
		srv.Close()
	}
}
