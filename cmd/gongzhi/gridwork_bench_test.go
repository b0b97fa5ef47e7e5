package main

// BenchmarkCityGridWork measures grid work (docs/grids.md) on a city built by `gongzhi gen
// --scale city` (2,464 grids, 390,000 households): a grid's page, the visit figures of the whole
// city, a district and a community, a community's map and a community worker's overdue list,
// each as a sub-benchmark sending its request b.N times through the real handler, reporting
// wall time (ns/op) and the process's processor time (cpu-ms/op, as BenchmarkCityCPU). The city
// gets a quarter of visits first if it has none: about nine households in ten visited over the
// last 90 days, written straight into the store in one transaction (this writes to the city's
// database, like BenchmarkCityCPU's sessions). Skipped unless GONGZHI_BENCH_CITY_DB and
// GONGZHI_BENCH_CITY_DATA name the city (see BenchmarkCityCPU); -benchtime=1x runs each route
// once.
//
//	GONGZHI_BENCH_CITY_DB=sqlite:/tmp/city.db GONGZHI_BENCH_CITY_DATA=/tmp/city-data \
//	  go test ./cmd/gongzhi -run '^$' -bench CityGridWork -benchtime 20x

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
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/web"
)

func BenchmarkCityGridWork(b *testing.B) {
	dsn, dataDir := os.Getenv("GONGZHI_BENCH_CITY_DB"), os.Getenv("GONGZHI_BENCH_CITY_DATA")
	if dsn == "" || dataDir == "" {
		b.Skip("the city is not built: set GONGZHI_BENCH_CITY_DB and GONGZHI_BENCH_CITY_DATA to a city built by gongzhi gen --scale city (BENCHMARKS.md)")
	}
	store.TrackOpenRows(false)
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
	q := a.DB.Q()

	// the city's figures: grids and households, and a quarter of visits if it has none
	var grids, households, visits int
	if err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM grids), (SELECT COUNT(*) FROM households), (SELECT COUNT(*) FROM visits)`).
		Scan(&grids, &households, &visits); err != nil {
		b.Fatal(err)
	}
	if visits < households/2 {
		start := time.Now()
		today := time.Now().In(gongzhi.ChinaTime)
		err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			for k := range 9 { // households whose id ends in 0 are left unvisited: overdue
				day := today.AddDate(0, 0, -10*k-1).Format(time.DateOnly)
				if _, err := q.Exec(ctx, `INSERT INTO visits (grid_id, household_id, community_code, visited_on, situation, recorded_name, created_at)
					SELECT grid_id, id, community_code, ?, '入户走访', 'bench', ? FROM households
					WHERE grid_id IS NOT NULL AND id % 10 <> 0 AND id % 9 = ?`, day, time.Now().UTC(), k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		q.QueryRow(ctx, `SELECT COUNT(*) FROM visits`).Scan(&visits)
		b.Logf("a quarter of visits written: %d in %s", visits, time.Since(start).Round(time.Millisecond))
	}
	b.Logf("%d grids, %d households, %d visits", grids, households, visits)

	ws, err := site.New(a, log, web.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := ws.Handler()
	srv := httptest.NewServer(h)
	defer srv.Close()
	pur, com := "zs-purchaser", "zs-dh-s01-community"
	cookies := map[string][]*http.Cookie{}
	for _, name := range []string{pur, com} {
		u, _, err := q.UserByUsername(ctx, name)
		if err != nil {
			b.Fatal(name, err)
		}
		if err := q.SetPassword(ctx, u.ID, a.Cfg.Argon2.HashPassword(demo.Password), false, time.Now()); err != nil {
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
	// the community worker's community, its first grid and its district
	var comPlace, district string
	var grid int64
	if err := q.QueryRow(ctx, `SELECT u.place_code, g.id FROM users u JOIN grids g ON g.community_code = u.place_code WHERE u.username = ? ORDER BY g.id LIMIT 1`, com).
		Scan(&comPlace, &grid); err != nil {
		b.Fatal("the community worker's grid: ", err)
	}
	district = comPlace[:6] + "000000"
	var rates struct {
		Grids []json.RawMessage `json:"grids"`
	}
	var cityGrids int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM grids WHERE community_code LIKE (SELECT RTRIM(place_code, '0') FROM users WHERE username = ?) || '%'`, pur).
		Scan(&cityGrids); err != nil {
		b.Fatal(err)
	}
	if code, body := get(pur, "/api/v1/gridwork/rates"); code != 200 || json.Unmarshal(body, &rates) != nil || len(rates.Grids) != cityGrids {
		b.Fatalf("the city's rates: %d, %d grids of the city's %d: %.200s", code, len(rates.Grids), cityGrids, body)
	}
	g := strconv.FormatInt(grid, 10)
	routes := []struct{ name, who, path string }{
		{"grid-page", com, "/gridwork/grids/" + g},
		{"api-grid", com, "/api/v1/gridwork/grids/" + g},
		{"api-rates-city", pur, "/api/v1/gridwork/rates"},
		{"rates-city", pur, "/gridwork"},
		{"api-rates-district", pur, "/api/v1/gridwork/rates?place=" + district},
		{"api-rates-community", com, "/api/v1/gridwork/rates"},
		{"map-community", com, "/gridwork/map"},
		{"api-overdue-community", com, "/api/v1/gridwork/overdue"},
		{"api-plan", com, "/api/v1/gridwork/grids/" + g + "/plan"},
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
