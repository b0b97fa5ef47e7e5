package main

// BenchmarkCityCPU measures the processor time one request costs on a city built by
// `gongzhi gen --scale city` (BENCHMARKS.md, "City scale"): each route is one sub-benchmark
// that sends its request b.N times, one after another, through the real handler in this
// process, and reports cpu-ms/op, the process's user and system time per request (for SQLite
// that includes the database; for PostgreSQL its backends' time is not counted). Processor time,
// unlike wall time, changes little when other jobs share the machine. Skipped unless
// GONGZHI_BENCH_CITY_DB names the city's database and GONGZHI_BENCH_CITY_DATA its data
// directory. The city's accounts get the demo password and a session each (this writes to the
// city's database: sessions and the password). GONGZHI_BENCH_CITY_USERS names other accounts:
// "purchaser,community,provider" (gt-purchaser,zs-community,gt-provider for the demo street).
//
//	GONGZHI_BENCH_CITY_DB=sqlite:/tmp/city.db GONGZHI_BENCH_CITY_DATA=/tmp/city-data \
//	  go test ./cmd/gongzhi -run '^$' -bench CityCPU -benchtime 200x [-cpuprofile cpu.out]

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongzhi/internal/demo"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/web"
)

func BenchmarkCityCPU(b *testing.B) {
	dsn, dataDir := os.Getenv("GONGZHI_BENCH_CITY_DB"), os.Getenv("GONGZHI_BENCH_CITY_DATA")
	if dsn == "" || dataDir == "" {
		b.Skip("set GONGZHI_BENCH_CITY_DB and GONGZHI_BENCH_CITY_DATA to a city built by gongzhi gen --scale city")
	}
	store.TrackOpenRows(false) // as in production: measure what a server runs
	defer store.TrackOpenRows(true)
	ctx := context.Background()
	c, _, err := parseConfig("serve", []string{"--db", dsn, "--data-dir", dataDir}, nil)
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	a, err := openApp(ctx, c, log)
	if err != nil {
		b.Fatal(err)
	}
	defer a.DB.Close()
	ws, err := site.New(a, log, web.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := ws.Handler()
	srv := httptest.NewServer(h)
	defer srv.Close()
	pur, com, pro := "zs-purchaser", "zs-dh-s01-community", "gt-provider"
	if v := strings.Split(os.Getenv("GONGZHI_BENCH_CITY_USERS"), ","); len(v) == 3 { // a purchaser, a community worker, a provider
		pur, com, pro = v[0], v[1], v[2]
	}
	cookies := map[string][]*http.Cookie{}
	for _, name := range []string{pur, com, pro} {
		u, _, err := a.DB.Q().UserByUsername(ctx, name)
		if err != nil {
			b.Fatal(name, err)
		}
		if err := a.DB.Q().SetPassword(ctx, u.ID, a.Cfg.Argon2.HashPassword(demo.Password), false, time.Now()); err != nil {
			b.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		req, _ := http.NewRequest("POST", srv.URL+"/login", bytes.NewBufferString(url.Values{"username": {name}, "password": {demo.Password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", srv.URL)
		res, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			b.Fatalf("sign in as %s: %d", name, res.StatusCode)
		}
		su, _ := url.Parse(srv.URL)
		cookies[name] = jar.Cookies(su)
	}
	get := func(who, path string) (int, []byte) {
		req := httptest.NewRequest("GET", path, nil)
		for _, ck := range cookies[who] {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	var first struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if code, body := get(pur, "/api/v1/people"); code != 200 || json.Unmarshal(body, &first) != nil || len(first.Items) == 0 {
		b.Fatalf("people: %d %.200s", code, body)
	}
	person := strconv.FormatInt(first.Items[0].ID, 10)
	if code, body := get(pur, "/api/v1/organizations"); code != 200 || json.Unmarshal(body, &first) != nil || len(first.Items) == 0 {
		b.Fatalf("organizations: %d %.200s", code, body)
	}
	org := strconv.FormatInt(first.Items[0].ID, 10)
	routes := []struct{ name, who, path string }{
		{"api-person", pur, "/api/v1/people/" + person},
		{"person", pur, "/people/" + person},
		{"api-todos", pur, "/api/v1/todos"},
		{"api-people", pur, "/api/v1/people"},
		{"people", pur, "/people"},
		{"api-people-surname", pur, "/api/v1/people?q=" + url.QueryEscape("王")},
		{"api-people-pinyin", pur, "/api/v1/people?q=wang"},
		{"api-people-initials", pur, "/api/v1/people?q=zw"},
		{"api-people-elderly", pur, "/api/v1/people?target_group=elderly"},
		{"households", pur, "/households"},
		{"api-households", pur, "/api/v1/households"},
		{"grids", pur, "/grids"},
		{"places", pur, "/places"},
		{"organization", pur, "/organizations/" + org},
		{"home", pur, "/"},
		{"dashboard", pur, "/dashboard"},
		{"api-dashboard", pur, "/api/v1/dashboard"},
		{"api-ledger", pur, "/api/v1/ledger"},
		{"api-contracts", pur, "/api/v1/contracts"},
		{"needs", pur, "/needs"},
		{"community-api-ledger", com, "/api/v1/ledger"},
		{"community-home", com, "/"},
		{"provider-ledger", pro, "/ledger"},
		{"provider-dashboard", pro, "/dashboard"},
		{"public-needs", "", "/public/needs"},
		{"public", "", "/public"},
	}
	for _, r := range routes {
		b.Run(r.name, func(b *testing.B) {
			if code, body := get(r.who, r.path); code != 200 {
				b.Fatalf("%s: %d %.300s", r.path, code, body)
			}
			before := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				get(r.who, r.path)
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-before)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
