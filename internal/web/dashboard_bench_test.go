package web_test

// BenchmarkStreetDashboard renders the street dashboard of a street of 30 communities with 50
// signed contracts over a year of delivery — two calls (one on the street's budget, one on the
// district's), every contract's first portion paid at signing and most second portions at the
// mid-term, two needs per community, each contract amended to run twelve months and a year of
// its ledger, inspections, rectifications and satisfaction surveys (seedDashboardLedger) —
// through the real handler, looked at on 20 December: the HTML page (as a signed-in purchaser
// with a session) and the JSON API (with a bearer token), on SQLite and PostgreSQL. The setup
// fails unless the dashboard shows indicator progress, satisfaction and attention lines, and the
// street's progress of a few contracts equals their own ContractProgress.
//
//	GONGZHI_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test \
//	  go test ./internal/web -run '^$' -bench StreetDashboard -benchtime 20x -v

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
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

const (
	benchCommunities = 30
	benchContracts   = 50
)

// benchStreet is the seeded street: the app, the handler, the purchaser's session cookie and
// API token, and what was seeded.
type benchStreet struct {
	a          *app.App
	h          http.Handler
	cookies    []*http.Cookie
	token      string
	contracts  []*gongzhi.Contract
	payments   int
	ledger     benchLedger
	ledgerTook time.Duration
}

func BenchmarkStreetDashboard(b *testing.B) {
	demodb.EachB(b, func(b *testing.B, db *store.DB) {
		start := time.Now()
		st := benchSeedStreet(b, db)
		b.Logf("%s: seeded %d communities, %d contracts, %d payments and %s in %s (the delivery year in %s)", db.Dialect, benchCommunities,
			len(st.contracts), st.payments, st.ledger, time.Since(start).Round(time.Millisecond), st.ledgerTook.Round(time.Millisecond))
		year := st.contracts[0].FiscalYear
		render := func(b *testing.B, path string, auth func(*http.Request), want string) {
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				auth(req)
				rec := httptest.NewRecorder()
				st.h.ServeHTTP(rec, req)
				if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
					b.Fatalf("GET %s: %d %.300s", path, rec.Code, rec.Body.String())
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/render")
			b.ReportMetric(0, "ns/op")
		}
		b.Run("html", func(b *testing.B) {
			render(b, fmt.Sprintf("/dashboard?year=%d", year), func(r *http.Request) {
				for _, c := range st.cookies {
					r.AddCookie(c)
				}
			}, `id="chart-coverage"`)
		})
		b.Run("api", func(b *testing.B) {
			render(b, fmt.Sprintf("/api/v1/dashboard?year=%d", year), func(r *http.Request) {
				r.Header.Set("Authorization", "Bearer "+st.token)
			}, `"coverage"`)
		})
	})
}

func benchSeedStreet(b *testing.B, db *store.DB) *benchStreet {
	b.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	a := app.New(db, demodb.Box(), demodb.Config, log) // db holds the demo street
	var clock atomic.Int64
	at := func(t time.Time) { clock.Store(t.UnixNano()) }
	a.Now = func() time.Time { return time.Unix(0, clock.Load()) }
	year := time.Now().In(gongzhi.ChinaTime).Year()
	at(time.Date(year, 1, 5, 9, 0, 0, 0, gongzhi.ChinaTime))
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	sys := gongzhi.SystemActor("bench")
	account := func(username, role, place string, org int64) *gongzhi.Actor {
		u := &gongzhi.User{Username: username, DisplayName: username, Role: role, PlaceCode: place, OrgID: org}
		_, err := a.CreateUser(ctx, sys, u, "")
		must(err)
		must(a.DB.Q().SetPassword(ctx, u.ID, a.Cfg.Argon2.HashPassword(demo.Password), false, a.Now()))
		u.MustChangePassword = false
		ac := &gongzhi.Actor{User: u, Via: "bench"}
		must(a.ScopeFor(ctx, ac))
		return ac
	}
	demoActor := func(name string) *gongzhi.Actor {
		u, _, err := a.DB.Q().UserByUsername(ctx, name)
		must(err)
		must(a.DB.Q().SetPassword(ctx, u.ID, a.Cfg.Argon2.HashPassword(demo.Password), false, a.Now()))
		u.MustChangePassword = false
		ac := &gongzhi.Actor{User: u, Via: "bench"}
		must(a.ScopeFor(ctx, ac))
		return ac
	}
	pur, hub := demoActor("gt-purchaser"), demoActor("gt-hub")

	// 30 communities in the street, two needs in each
	var comms []string
	_, err := a.DB.Q().ListPlaces(ctx, store.Scope{Prefix: demo.StreetCode[:9]}, store.ListOptions{Filters: map[string]string{"level": "5"}},
		func(p *gongzhi.Place) error { comms = append(comms, p.Code); return nil })
	must(err)
	var more []gongzhi.Place
	for i := 0; len(comms)+len(more) < benchCommunities; i++ {
		more = append(more, gongzhi.Place{Code: fmt.Sprintf("320116004%03d", 300+i), Name: fmt.Sprintf("新建第%d社区居委会", i+1), Level: 5, ParentCode: demo.StreetCode})
	}
	_, err = a.DB.Q().UpsertPlaces(ctx, more, a.Now())
	must(err)
	for _, p := range more {
		comms = append(comms, p.Code)
	}
	groups, err := a.DB.Q().ListTargetGroups(ctx)
	must(err)
	for i, c := range comms {
		for j := range 2 {
			g := groups[(i*3+j*5)%len(groups)].Code
			must(a.RecordNeed(ctx, hub, &gongzhi.Need{CommunityCode: c, TargetGroup: g, CategoryCode: "community_social_work",
				Description: "居民反映需要社区服务。", PeopleAffected: 10 + i + j, Source: "grid_report"}))
		}
	}

	// 50 provider organizations with an account each, and the expert accounts
	provs := map[int64]*gongzhi.Actor{}
	var orgs []int64
	for i := range benchContracts {
		first := fmt.Sprintf("52320116MB%07d", i+1)
		o := &gongzhi.Organization{Name: fmt.Sprintf("葛塘第%d社会工作服务社", i+1), CreditCode: first + string(gongzhi.CreditCodeCheck(first)),
			Type: "professional", RegState: "registered", Origin: "local", PlaceCode: demo.StreetCode, Grade: "3A", ServiceFields: []string{"elderly"}}
		must(a.CreateOrganization(ctx, sys, o))
		orgs = append(orgs, o.ID)
		provs[o.ID] = account(fmt.Sprintf("bench-prov-%d", i+1), gongzhi.RoleProvider, "", o.ID)
	}
	experts := map[int64]*gongzhi.Actor{}
	w := &dashWorld{tb: b, ctx: ctx, a: a, at: at, sys: sys, pur: pur, hub: hub,
		provider: func(org int64) *gongzhi.Actor { return provs[org] },
		expert: func(person int64) *gongzhi.Actor {
			if experts[person] == nil {
				// a person has one account: the demo's, if it made one
				holder, name, err := a.DB.Q().PersonHolder(ctx, person)
				must(err)
				if holder != 0 {
					experts[person] = demoActor(name)
					return experts[person]
				}
				experts[person] = account(fmt.Sprintf("bench-expert-%d", person), gongzhi.RoleExpert, demo.DistrictCode, 0)
				must(a.LinkExpertAccount(ctx, sys, experts[person].User.ID, person))
			}
			return experts[person]
		}}

	// two calls of 25 contracts each, on the street's and the district's budget
	st := &benchStreet{a: a}
	for k, level := range []string{"street", "district"} {
		bud := &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: year, Level: level, Fund: "fiscal", Name: fmt.Sprintf("%d年%s购买服务资金", year, level),
			Amount: gongzhi.Yuan(3_000_000)}
		must(a.CreateBudget(ctx, pur, bud))
		var apps []dashApp
		for i := k * benchContracts / 2; i < (k+1)*benchContracts/2; i++ {
			cat := []string{"elderly_home_care", "community_social_work"}[i%2]
			apps = append(apps, dashApp{org: orgs[i], title: fmt.Sprintf("社区服务项目%02d", i+1), category: cat,
				groups: []string{groups[i%len(groups)].Code, groups[(i+4)%len(groups)].Code},
				comms:  []string{comms[i%len(comms)], comms[(i+7)%len(comms)], comms[(i+13)%len(comms)]}, yuan: int64(40_000 + 1_000*i)})
		}
		cts := w.fund(bud, fmt.Sprintf("%d年葛塘街道社区服务项目（第%d批）", year, k+1), apps)
		for _, ct := range cts {
			w.pay(ct, 0)
			st.payments++
		}
		st.contracts = append(st.contracts, cts...)
	}
	// the mid-term portions, paid on their due dates
	for i, ct := range st.contracts {
		if i%10 < 7 {
			due, _ := gongzhi.ParseDate(ct.Current.Terms.Portions[1].DueOn)
			at(due.Add(10 * time.Hour))
			w.pay(ct, 1)
			st.payments++
		}
	}
	// a year of service: every contract runs twelve months from its start (an amendment both sides
	// confirm), and the dashboard is looked at on 20 December with a year of delivery behind it
	for i, ct := range st.contracts {
		t := ct.Current.Terms
		start, _ := gongzhi.ParseDate(t.StartOn)
		t.EndOn = gongzhi.DateOf(start.AddDate(1, 0, -1))
		_, err := a.AmendContract(ctx, pur, ct.ID, t, "服务期延长至一年")
		must(err)
		must(a.ConfirmContract(ctx, pur, ct.ID))
		must(a.ConfirmContract(ctx, provs[ct.OrgID], ct.ID))
		st.contracts[i], err = a.Contract(ctx, pur, ct.ID)
		must(err)
	}
	until := time.Date(year, 12, 20, 10, 0, 0, 0, gongzhi.ChinaTime)
	seeded := time.Now()
	st.ledger = seedDashboardLedger(b, a, st.contracts, until)
	st.ledgerTook = time.Since(seeded)
	at(until)
	// the indicator progress, the attention lines and the satisfaction trend have real data
	d, err := a.Dashboard(ctx, pur, year)
	must(err)
	var done, sat int
	for _, p := range d.Progress {
		if p.DoneBP > 0 {
			done++
		}
	}
	for _, p := range d.Satisfaction {
		sat += p.Responses
	}
	if done == 0 || sat == 0 || len(d.Attention) == 0 || d.Coverage == nil || len(d.Contracts) < benchContracts {
		b.Fatalf("dashboard without delivery data: %d of %d indicators under way, %d satisfaction responses, %d attention lines, %d contracts",
			done, len(d.Progress), sat, len(d.Attention), len(d.Contracts))
	}
	// the street's progress (the ledger summed for all contracts at once) is each contract's own
	for _, ct := range st.contracts[:5] {
		_, own, err := a.ContractProgress(ctx, pur, ct.ID)
		must(err)
		i := slices.IndexFunc(d.Progress, func(p gongzhi.IndicatorProgress) bool { return p.ContractID == ct.ID })
		if i < 0 || !slices.Equal(d.Progress[i:i+len(own)], own) {
			b.Fatalf("contract %d: street progress differs from the contract's own %+v", ct.ID, own)
		}
	}
	b.Logf("%d of %d indicators under way, %d behind, %d satisfaction responses, attention %+v", done, len(d.Progress), d.Behind, sat, d.Attention)

	ws, err := site.New(a, log, web.Options{})
	must(err)
	st.h = ws.Handler()
	_, st.token, err = a.CreateToken(ctx, pur, "bench", 1)
	must(err)
	srv := httptest.NewServer(st.h)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"username": {"gt-purchaser"}, "password": {demo.Password}}
	req, _ := http.NewRequest("POST", srv.URL+"/login", bytes.NewBufferString(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	res, err := c.Do(req)
	must(err)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: %d", res.StatusCode)
	}
	u, _ := url.Parse(srv.URL)
	st.cookies = jar.Cookies(u)
	return st
}
