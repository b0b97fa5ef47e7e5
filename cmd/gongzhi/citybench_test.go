package main

// The city benchmarks' common part: open the city named by GONGZHI_BENCH_CITY_DB and
// GONGZHI_BENCH_CITY_DATA, serve it through the real handler, sign accounts in (each gets the
// demo password: this writes to the city's database), and run routes as sub-benchmarks that
// report wall time (ns/op) and the process's processor time (cpu-ms/op, as BenchmarkCityCPU).

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/web"
)

type cityBench struct {
	a       *app.App
	h       http.Handler
	srv     *httptest.Server
	cookies map[string][]*http.Cookie
}

// benchRoute is one request of a city benchmark, sent as the account who ("" for anyone).
type benchRoute struct{ name, who, path string }

// openCityBench opens the city (or skips the benchmark when it is not named); close it with done.
func openCityBench(b *testing.B) *cityBench {
	dsn, dataDir := os.Getenv("GONGZHI_BENCH_CITY_DB"), os.Getenv("GONGZHI_BENCH_CITY_DATA")
	if dsn == "" || dataDir == "" {
		b.Skip("the city is not built: set GONGZHI_BENCH_CITY_DB and GONGZHI_BENCH_CITY_DATA to a city built by gongzhi gen --scale city (BENCHMARKS.md)")
	}
	store.TrackOpenRows(false)
	c, _, err := parseConfig("serve", []string{"--db", dsn, "--data-dir", dataDir}, nil)
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	a, err := openApp(context.Background(), c, log)
	if err != nil {
		b.Fatal(err)
	}
	ws, err := site.New(a, log, web.Options{})
	if err != nil {
		b.Fatal(err)
	}
	cb := &cityBench{a: a, h: ws.Handler(), cookies: map[string][]*http.Cookie{}}
	cb.srv = httptest.NewServer(cb.h)
	return cb
}

func (cb *cityBench) done() {
	cb.srv.Close()
	cb.a.DB.Close()
	store.TrackOpenRows(true)
}

// signIn gives each account the demo password and a session.
func (cb *cityBench) signIn(b *testing.B, names ...string) {
	ctx := context.Background()
	for _, name := range names {
		u, _, err := cb.a.DB.Q().UserByUsername(ctx, name)
		if err != nil {
			b.Fatal(name, err)
		}
		if err := cb.a.DB.Q().SetPassword(ctx, u.ID, cb.a.Cfg.Argon2.HashPassword(demo.Password), false, time.Now()); err != nil {
			b.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		req, _ := http.NewRequest("POST", cb.srv.URL+"/login", bytes.NewBufferString(url.Values{"username": {name}, "password": {demo.Password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", cb.srv.URL)
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			b.Fatalf("sign in as %s: %d", name, res.StatusCode)
		}
		su, _ := url.Parse(cb.srv.URL)
		cb.cookies[name] = jar.Cookies(su)
	}
}

// get sends a request through the handler as an account ("" for anyone).
func (cb *cityBench) get(who, path string) (int, []byte) {
	req := httptest.NewRequest("GET", path, nil)
	for _, ck := range cb.cookies[who] {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	cb.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// run runs each route as a sub-benchmark: one request that must answer 200, then b.N timed.
func (cb *cityBench) run(b *testing.B, routes []benchRoute) {
	for _, r := range routes {
		b.Run(r.name, func(b *testing.B) {
			if code, body := cb.get(r.who, r.path); code != 200 {
				b.Fatalf("%s: %d %.300s", r.path, code, body)
			}
			before := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				cb.get(r.who, r.path)
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-before)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}
