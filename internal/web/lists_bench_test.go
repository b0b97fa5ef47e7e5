package web_test

// BenchmarkRegistryLists times the registry's lists at scale through the real handler: the demo
// street with GONGZHI_BENCH_PEOPLE residents (default 20,000; the city has 1,000,000) in
// 39 households per 100 residents, all in the street purchaser's scope (the worst case: every
// row in scope), 16 clients at once, on SQLite and PostgreSQL. Each route reports its p50 and
// p99 in ms. The API routes use a bearer token, the pages a session.
//
//	GONGZHI_BENCH_PEOPLE=200000 GONGZHI_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test \
//	  go test ./internal/web -run '^$' -bench RegistryLists -benchtime 400x -v

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

func BenchmarkRegistryLists(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("GONGZHI_BENCH_PEOPLE")); err == nil && v > 0 {
		n = v
	}
	demodb.EachB(b, func(b *testing.B, db *store.DB) {
		ctx := context.Background()
		start := time.Now()
		a := app.New(db, demodb.Box(), demodb.Config, slog.New(slog.DiscardHandler))
		personID, householdID := benchSeedRegistry(b, db, n)
		b.Logf("%s: seeded %d residents and %d households in %s", db.Dialect, n, n*39/100, time.Since(start).Round(time.Millisecond))
		if _, err := db.Q().Exec(ctx, "ANALYZE"); err != nil { // planner statistics, as after an import
			b.Fatal(err)
		}
		ws, err := site.New(a, slog.New(slog.DiscardHandler), web.Options{})
		if err != nil {
			b.Fatal(err)
		}
		h := ws.Handler()
		u, _, err := db.Q().UserByUsername(ctx, "gt-purchaser")
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Q().SetPassword(ctx, u.ID, a.Cfg.Argon2.HashPassword(demo.Password), false, time.Now()); err != nil {
			b.Fatal(err)
		}
		u.MustChangePassword = false
		pur := &gongzhi.Actor{User: u, Via: "bench"}
		if err := a.ScopeFor(ctx, pur); err != nil {
			b.Fatal(err)
		}
		_, token, err := a.CreateToken(ctx, pur, "bench-"+rand.Text()[:10], 1)
		if err != nil {
			b.Fatal(err)
		}
		cookies := benchSignIn(b, h)
		get := func(path string, api bool) (int, []byte) {
			req := httptest.NewRequest("GET", path, nil)
			if api {
				req.Header.Set("Authorization", "Bearer "+token)
			} else {
				for _, c := range cookies {
					req.AddCookie(c)
				}
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code, rec.Body.Bytes()
		}
		// a deep cursor: 25 pages of 200 in
		deep := ""
		for range 25 {
			code, body := get("/api/v1/people?per_page=200&after="+url.QueryEscape(deep), true)
			var lb struct{ Next string }
			if code != 200 || json.Unmarshal(body, &lb) != nil || lb.Next == "" {
				b.Fatalf("walking the cursor: %d %.300s", code, body)
			}
			deep = lb.Next
		}
		code, body := get("/api/v1/households?per_page=200", true)
		var hb struct{ Next string }
		if code != 200 || json.Unmarshal(body, &hb) != nil {
			b.Fatalf("households: %d %.300s", code, body)
		}
		routes := []struct {
			name, path string
			api        bool
		}{
			{"api-people", "/api/v1/people", true},
			{"api-people-search-name", "/api/v1/people?q=" + url.QueryEscape("张伟"), true},
			{"api-people-search-initials", "/api/v1/people?q=zw", true},
			{"api-people-search-pinyin", "/api/v1/people?q=wang", true},
			{"api-people-target-group", "/api/v1/people?target_group=elderly", true},
			{"api-people-rare-group", "/api/v1/people?target_group=disabled", true},
			{"api-people-deep-cursor", "/api/v1/people?after=" + url.QueryEscape(deep), true},
			{"api-people-page-101", "/api/v1/people?page=101", true}, // the deepest page= (offset 2,000)
			{"people", "/people", false},
			{"people-search", "/people?q=" + url.QueryEscape("李"), false},
			{"households", "/households", false},
			{"households-deep", "/households?after=" + url.QueryEscape(hb.Next), false},
			{"grids", "/grids", false},
			{"places", "/places", false},
			{"organizations", "/organizations", false},
			{"person", "/people/" + strconv.FormatInt(personID, 10), false},
			{"household", "/households/" + strconv.FormatInt(householdID, 10), false},
		}
		// the Excel export of every resident, once whatever b.N: the heap it adds, sampled while
		// it runs
		b.Run("export-people", func(b *testing.B) {
			{
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				var peak atomic.Uint64
				done := make(chan struct{})
				go func() {
					t := time.NewTicker(20 * time.Millisecond)
					defer t.Stop()
					for {
						select {
						case <-done:
							return
						case <-t.C:
							var ms runtime.MemStats
							runtime.ReadMemStats(&ms)
							if ms.HeapAlloc > peak.Load() {
								peak.Store(ms.HeapAlloc)
							}
						}
					}
				}()
				t0 := time.Now()
				req := httptest.NewRequest("GET", "/people/export.xlsx", nil)
				for _, c := range cookies {
					req.AddCookie(c)
				}
				rec := httptest.NewRecorder() // the file is not kept: what is measured is the server's heap
				h.ServeHTTP(discardRecorder{rec}, req)
				close(done)
				if rec.Code != 200 {
					b.Fatalf("export: %d", rec.Code)
				}
				b.ReportMetric(float64(peak.Load()-min(peak.Load(), base))/(1<<20), "heap+MB")
				b.ReportMetric(time.Since(t0).Seconds(), "s/export")
			}
			b.ReportMetric(0, "ns/op")
		})
		for _, rt := range routes {
			b.Run(rt.name, func(b *testing.B) {
				if code, body := get(rt.path, rt.api); code != 200 {
					b.Fatalf("GET %s: %d %.300s", rt.path, code, body)
				}
				clients := 16
				if v, err := strconv.Atoi(os.Getenv("GONGZHI_BENCH_CLIENTS")); err == nil && v > 0 {
					clients = v
				}
				var mu sync.Mutex
				var times []time.Duration
				var next atomic.Int64
				total := int64(b.N)
				b.ResetTimer()
				var wg sync.WaitGroup
				for range clients {
					wg.Go(func() {
						for next.Add(1) <= total {
							t0 := time.Now()
							code, body := get(rt.path, rt.api)
							d := time.Since(t0)
							if code != 200 {
								b.Errorf("GET %s: %d %.200s", rt.path, code, body)
								return
							}
							mu.Lock()
							times = append(times, d)
							mu.Unlock()
						}
					})
				}
				wg.Wait()
				slices.Sort(times)
				pct := func(p float64) float64 {
					return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
				}
				b.ReportMetric(pct(0.50), "p50-ms")
				b.ReportMetric(pct(0.99), "p99-ms")
				b.ReportMetric(0, "ns/op")
			})
		}
	})
}

// benchSeedRegistry adds n residents and 39 households per 100 of them to the demo street's
// communities and grids, and returns one of each.
func benchSeedRegistry(b *testing.B, db *store.DB, n int) (personID, householdID int64) {
	b.Helper()
	ctx := context.Background()
	q := db.Q()
	var grids []*gongzhi.Grid
	if _, err := q.ListGrids(ctx, store.Scope{}, store.ListOptions{}, func(g *gongzhi.Grid) error {
		if strings.HasPrefix(g.CommunityCode, demo.StreetCode[:9]) { // the street's, not the demo province's
			grids = append(grids, g)
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单")
	given := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然子涵欣怡梓轩思雨俊杰")
	households := n * 39 / 100
	const batch = 2000
	var hIDs []int64
	for start := 0; start < households; start += batch {
		end := min(start+batch, households)
		err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			sqlb := []byte(`INSERT INTO households (community_code, grid_id, address, head_name, phone, members, notes, created_at, updated_at) VALUES `)
			var args []any
			for i := start; i < end; i++ {
				if i > start {
					sqlb = append(sqlb, ',')
				}
				sqlb = append(sqlb, "(?, ?, ?, ?, ?, ?, '', ?, ?)"...)
				g := grids[i%len(grids)]
				head := string(surnames[i%len(surnames)]) + string(given[(i/7)%len(given)])
				args = append(args, g.CommunityCode, g.ID, fmt.Sprintf("%s%d幢%d室", g.Name, i/100%50+1, i%100+101), head,
					fmt.Sprintf("138%08d", i), 2+i%4, now.UTC(), now.UTC())
			}
			_, err := q.Exec(ctx, string(sqlb), args...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	rows, err := q.Query(ctx, `SELECT id, community_code FROM households ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	comm := map[int64]string{}
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			b.Fatal(err)
		}
		hIDs = append(hIDs, id)
		comm[id] = c
	}
	rows.Close()
	for start := 0; start < n; start += 10 * batch {
		end := min(start+10*batch, n)
		var ps []*gongzhi.Person
		var secs []store.PersonSecret
		for i := start; i < end; i++ {
			hid := hIDs[(i*7919)%len(hIDs)]
			p := &gongzhi.Person{Kind: "resident", Name: string(surnames[(i*31)%len(surnames)]) + string(given[(i/3)%len(given)]) + string(given[(i*13)%len(given)]),
				Gender: []string{"male", "female"}[i%2], BirthYear: 1930 + i%90, Phone: fmt.Sprintf("139%08d", i), PlaceCode: comm[hid], HouseholdID: hid}
			if i%11 == 0 {
				p.Name = string([]rune(p.Name)[:2])
			}
			if p.BirthYear < 1966 {
				p.TargetGroups = []string{"elderly"}
			}
			if i%97 == 0 {
				p.TargetGroups = append(p.TargetGroups, "disabled")
			}
			ps = append(ps, p)
			secs = append(secs, store.PersonSecret{})
		}
		if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.InsertPeopleBatch(ctx, ps, secs, now) }); err != nil {
			b.Fatal(err)
		}
		personID = ps[len(ps)/2].ID
	}
	return personID, hIDs[len(hIDs)/2]
}

// benchSignIn signs in as the street purchaser and returns the session cookies.
func benchSignIn(b *testing.B, h http.Handler) []*http.Cookie {
	b.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"username": {"gt-purchaser"}, "password": {demo.Password}}
	req, _ := http.NewRequest("POST", srv.URL+"/login", bytes.NewBufferString(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	res, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: %d", res.StatusCode)
	}
	u, _ := url.Parse(srv.URL)
	return jar.Cookies(u)
}

// discardRecorder records the status and headers of an answer and drops its body.
type discardRecorder struct{ *httptest.ResponseRecorder }

func (d discardRecorder) Write(p []byte) (int, error) {
	d.ResponseRecorder.WriteHeader(http.StatusOK) // a no-op after the first status
	return len(p), nil
}
