// Tests of the demo seed: it loads a fresh SQLite (and, when configured, PostgreSQL) database
// through the service layer within the expected ranges, with valid credit codes and ID
// numbers, working accounts, and scopes that keep 长芦街道 away from 葛塘街道's accounts.

package demo

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// testKey is the tests' secret key, fixed so that every test can read a template seeded once.
var testKey = bytes.Repeat([]byte{7}, secret.KeySize)

func newApp(t testing.TB, db *store.DB) *app.App {
	t.Helper()
	a, err := appOver(db)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func appOver(db *store.DB) (*app.App, error) {
	box, err := secret.NewBox(testKey)
	if err != nil {
		return nil, err
	}
	return app.New(db, box, kernel.Config{Argon2: secret.Argon2{Time: 1, Memory: 1024, Threads: 1}}, nil), nil
}

// seeded7 is an app over a copy of a database seeded with seed 7 at the present time: a
// template seeded once (storetest.Template) for the tests that read what Seed wrote.
func seeded7(t *testing.T) *app.App {
	t.Helper()
	return newApp(t, storetest.Template(t, "demo-pkg-seed7", func(ctx context.Context, db *store.DB) error {
		a, err := appOver(db)
		if err == nil {
			_, err = Seed(ctx, a, 7)
		}
		return err
	}))
}

func TestPlanDeterministic(t *testing.T) {
	t.Parallel()
	a, b, c := newPlan(7, nil), newPlan(7, nil), newPlan(8, nil)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans from the same seed differ")
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("plans from different seeds are equal")
	}
}

func TestPlanWithExistingPlaceNames(t *testing.T) {
	t.Parallel()
	p := newPlan(1, map[string]string{ZhongshanCode: "中山社区居民委员会"})
	for _, c := range p.communities {
		if c.code == ZhongshanCode && c.grids[0].g.Name != "中山社区第1网格" {
			t.Fatalf("grid named %q", c.grids[0].g.Name)
		}
	}
}

// TestSeed seeds the demo street on each database and checks what it made; BenchmarkSeed
// measures how long the seed takes.
func TestSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := newApp(t, db)
		res, err := Seed(ctx, a, 2026)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: seeded in %s: %+v", db.Dialect, res.Elapsed, res.Counts)
		var out strings.Builder
		if err := res.Print(&out); err != nil || !strings.Contains(out.String(), "gt-purchaser") {
			t.Errorf("Print: %v\n%s", err, out.String())
		}

		checkCounts(t, res.Counts)
		sys := gongzhi.SystemActor("test")
		checkOrganizations(ctx, t, a, sys)
		checkResidents(ctx, t, a, sys)
		checkAccounts(ctx, t, a, res)
		checkScopes(ctx, t, a)
		checkDelivery(ctx, t, a)

		if _, err := Seed(ctx, a, 2026); !errors.Is(err, ErrNotFresh) {
			t.Errorf("second seed: %v, want ErrNotFresh", err)
		}
	})
}

func between(t *testing.T, what string, n, lo, hi int) {
	t.Helper()
	if n < lo || n > hi {
		t.Errorf("%s = %d, want %d–%d", what, n, lo, hi)
	}
}

func checkCounts(t *testing.T, c Counts) {
	between(t, "places", c.Places, 15, 15)
	between(t, "organizations", c.Organizations, 20, 20)
	between(t, "grids", c.Grids, 8*3+3, 8*5+3)
	between(t, "households", c.Households, 800, 1800)
	between(t, "residents", c.Residents, 1800, 4500) // every member of every household
	between(t, "social workers", c.SocialWorkers, 20, 60)
	between(t, "volunteers", c.Volunteers, 60, 150)
	between(t, "experts", c.Experts, 10, 15)
	between(t, "accounts", c.Accounts, 15, 15)
}

func list[T any](t *testing.T, run func(func(T) error) (int, error)) []T {
	t.Helper()
	var out []T
	if _, err := run(func(v T) error { out = append(out, v); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func checkOrganizations(ctx context.Context, t *testing.T, a *app.App, ac *gongzhi.Actor) {
	orgs := list(t, func(each func(*gongzhi.Organization) error) (int, error) {
		return a.Organizations(ctx, ac, store.ListOptions{}, each)
	})
	kinds := map[string]int{}
	for _, o := range orgs {
		kinds[o.Type]++
		kinds[o.RegState]++
		kinds[o.Origin]++
		if o.CreditCode == "" && o.RegState != "preparing" {
			t.Errorf("%s (%s) has no credit code", o.Name, o.RegState)
		}
		if o.CreditCode != "" {
			if r := gongzhi.ValidateCreditCode(o.CreditCode); r != "" {
				t.Errorf("%s: credit code %s: %s", o.Name, o.CreditCode, r)
			}
			if o.Type != "enterprise" && o.CreditCode[0] != '5' {
				t.Errorf("%s: credit code %s is not a civil-affairs registration", o.Name, o.CreditCode)
			}
		}
	}
	for _, k := range []string{"professional", "community", "hub", "enterprise", "registered", "filed", "preparing", "local", "external"} {
		if kinds[k] == 0 {
			t.Errorf("no organization is %s", k)
		}
	}
}

func checkResidents(ctx context.Context, t *testing.T, a *app.App, ac *gongzhi.Actor) {
	people := list(t, func(each func(*gongzhi.Person) error) (int, error) {
		return a.People(ctx, ac, store.ListOptions{Filters: map[string]string{"kind": "resident"}}, each)
	})
	now := time.Now()
	groups := map[string]int{}
	for _, p := range people {
		enc, err := a.DB.Q().PersonIDCipher(ctx, store.Scope{}, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		id, err := a.Box.Open(enc, "people.id_number")
		if err != nil {
			t.Fatal(err)
		}
		if r := gongzhi.ValidateIDNumber(id, now); r != "" {
			t.Errorf("%s: ID number %s: %s", p.Name, id, r)
			continue
		}
		if !strings.HasPrefix(id, "320116") || p.BirthYear < minBirthYear || p.BirthYear > maxBirthYear {
			t.Errorf("%s: ID number %s, birth year %d", p.Name, id, p.BirthYear)
		}
		if male := (id[16]-'0')%2 == 1; male != (p.Gender == "male") {
			t.Errorf("%s: gender %s but ID number %s", p.Name, p.Gender, id)
		}
		if p.HouseholdID == 0 || p.PlaceCode[9:] == "000" {
			t.Errorf("%s: household %d, place %s", p.Name, p.HouseholdID, p.PlaceCode)
		}
		for _, g := range p.TargetGroups {
			groups[g]++
		}
	}
	for _, g := range []string{"elderly", "elderly_alone", "children", "youth", "left_behind_children", "disabled", "veterans", "hardship", "cancer_patients"} {
		if groups[g] == 0 {
			t.Errorf("no resident is in the target group %s", g)
		}
	}
	t.Logf("target groups: %v", groups)

	// every household lists its members, as many as its count says (issue 11, demo)
	inHousehold := map[int64]int{}
	for _, p := range people {
		inHousehold[p.HouseholdID]++
	}
	households := list(t, func(each func(*gongzhi.Household) error) (int, error) {
		return a.Households(ctx, ac, store.ListOptions{}, each)
	})
	noGrid := 0
	for _, h := range households {
		if h.Members == 0 || inHousehold[h.ID] != h.Members {
			t.Errorf("household %s: %d members, %d people registered in it", h.Address, h.Members, inHousehold[h.ID])
		}
		if h.GridID == 0 {
			noGrid++
			if h.CommunityCode != ZhongshanCode {
				t.Errorf("household %s of %s has no grid", h.Address, h.CommunityCode)
			}
		}
	}
	if noGrid != 2 { // 中山社区's newcomers: the community's first thing to do
		t.Errorf("%d households without a grid, want 2", noGrid)
	}

	experts := list(t, func(each func(*gongzhi.Person) error) (int, error) {
		return a.People(ctx, ac, store.ListOptions{Filters: map[string]string{"kind": "expert"}}, each)
	})
	tied := 0
	for _, e := range experts {
		if e.OrgID != 0 {
			tied++
		}
		if len(e.ExpertFields) == 0 || e.Affiliation == "" {
			t.Errorf("expert %s: fields %v, affiliation %q", e.Name, e.ExpertFields, e.Affiliation)
		}
	}
	if tied == 0 {
		t.Error("no expert is tied to an organization: conflict-of-interest checks have nothing to find")
	}
}

// actor signs in as a demo account without a password: the user record and its scope.
func actor(ctx context.Context, t *testing.T, a *app.App, username string) *gongzhi.Actor {
	t.Helper()
	u, _, err := a.DB.Q().UserByUsername(ctx, username)
	if err != nil {
		t.Fatalf("%s: %v", username, err)
	}
	ac := &gongzhi.Actor{User: u}
	if err := a.ScopeFor(ctx, ac); err != nil {
		t.Fatal(err)
	}
	return ac
}

func checkAccounts(ctx context.Context, t *testing.T, a *app.App, res *Result) {
	roles := map[string]bool{}
	for _, acc := range res.Accounts {
		roles[acc.Role] = true
		if acc.Scope == "" || acc.DisplayName == "" {
			t.Errorf("%s: display %q, scope %q", acc.Username, acc.DisplayName, acc.Scope)
		}
		ac := actor(ctx, t, a, acc.Username)
		if !ac.User.MustChangePassword {
			t.Errorf("%s need not change its password", acc.Username)
		}
	}
	for _, r := range gongzhi.Roles {
		if !roles[r] {
			t.Errorf("no account has the role %s", r)
		}
	}
	if _, _, u, err := a.Login(ctx, "gt-purchaser", Password, "192.0.2.1", "test"); err != nil || u.Role != gongzhi.RolePurchaser {
		t.Errorf("sign-in with the demo password: %v", err)
	}
}

func checkScopes(ctx context.Context, t *testing.T, a *app.App) {
	const changlu = "320116005"
	sys := gongzhi.SystemActor("test")
	pur := actor(ctx, t, a, "gt-purchaser")
	if pur.Scope != "320116004" {
		t.Fatalf("purchaser scope %q", pur.Scope)
	}
	opts := store.ListOptions{}
	for _, c := range []struct {
		what  string
		codes func(ac *gongzhi.Actor) []string
	}{
		{"places", func(ac *gongzhi.Actor) []string {
			var out []string
			for _, p := range list(t, func(each func(*gongzhi.Place) error) (int, error) { return a.Places(ctx, ac, opts, each) }) {
				out = append(out, p.Code)
			}
			return out
		}},
		{"grids", func(ac *gongzhi.Actor) []string {
			var out []string
			for _, g := range list(t, func(each func(*gongzhi.Grid) error) (int, error) { return a.Grids(ctx, ac, opts, each) }) {
				out = append(out, g.CommunityCode)
			}
			return out
		}},
		{"households", func(ac *gongzhi.Actor) []string {
			var out []string
			for _, h := range list(t, func(each func(*gongzhi.Household) error) (int, error) { return a.Households(ctx, ac, opts, each) }) {
				out = append(out, h.CommunityCode)
			}
			return out
		}},
		{"organizations", func(ac *gongzhi.Actor) []string {
			var out []string
			for _, o := range list(t, func(each func(*gongzhi.Organization) error) (int, error) { return a.Organizations(ctx, ac, opts, each) }) {
				out = append(out, o.PlaceCode)
			}
			return out
		}},
		{"people", func(ac *gongzhi.Actor) []string {
			var out []string
			for _, p := range list(t, func(each func(*gongzhi.Person) error) (int, error) { return a.People(ctx, ac, opts, each) }) {
				out = append(out, p.PlaceCode)
			}
			return out
		}},
	} {
		all, mine := c.codes(sys), c.codes(pur)
		outside, getang := 0, 0
		for _, code := range all {
			if strings.HasPrefix(code, changlu) {
				outside++
			}
			if strings.HasPrefix(code, "320116004") {
				getang++
			}
		}
		if outside == 0 {
			t.Errorf("%s: 长芦街道 has no records to hide", c.what)
		}
		if len(mine) == 0 {
			t.Errorf("%s: the purchaser sees none", c.what)
		}
		for _, code := range mine {
			if !strings.HasPrefix(code, "320116004") {
				t.Errorf("%s: the purchaser of 葛塘街道 sees a record of %s", c.what, code)
				break
			}
		}
		if len(mine) != getang {
			t.Errorf("%s: the purchaser sees %d of the %d records of 葛塘街道", c.what, len(mine), getang)
		}
	}

	// A 长芦 record is "not found" for 葛塘's purchaser.
	var clOrg *gongzhi.Organization
	for _, o := range list(t, func(each func(*gongzhi.Organization) error) (int, error) {
		return a.Organizations(ctx, sys, opts, each)
	}) {
		if strings.HasPrefix(o.PlaceCode, changlu) {
			clOrg = o
		}
	}
	if _, err := a.Organization(ctx, pur, clOrg.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
		t.Errorf("purchaser reads %s: %v", clOrg.Name, err)
	}

	// The community account sees its own community only; the provider its own organization.
	zs := actor(ctx, t, a, "zs-community")
	for _, h := range list(t, func(each func(*gongzhi.Household) error) (int, error) { return a.Households(ctx, zs, opts, each) }) {
		if h.CommunityCode != ZhongshanCode {
			t.Fatalf("zs-community sees a household of %s", h.CommunityCode)
		}
	}
	prov := actor(ctx, t, a, "gt-provider")
	orgs := list(t, func(each func(*gongzhi.Organization) error) (int, error) {
		return a.Organizations(ctx, prov, opts, each)
	})
	if len(orgs) != 1 || orgs[0].ID != prov.User.OrgID {
		t.Errorf("gt-provider sees %d organizations", len(orgs))
	}
	staff := list(t, func(each func(*gongzhi.Person) error) (int, error) { return a.People(ctx, prov, opts, each) })
	if len(staff) == 0 {
		t.Error("gt-provider sees none of its staff")
	}
	for _, p := range staff {
		if p.OrgID != prov.User.OrgID {
			t.Fatalf("gt-provider sees %s of another organization", p.Name)
		}
	}
}

func TestExpertAccountLinked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := seeded7(t)
	u, _, err := a.DB.Q().UserByUsername(ctx, "gt-expert")
	if err != nil {
		t.Fatal(err)
	}
	ac := &gongzhi.Actor{User: u}
	if err := a.ScopeFor(ctx, ac); err != nil {
		t.Fatal(err)
	}
	id, err := a.ExpertPersonID(ctx, ac)
	if err != nil || id == 0 {
		t.Fatalf("gt-expert is not linked to an expert: %d %v", id, err)
	}
}

// The demo has projects in service today: contracts signed by both sides, in force, their
// first portion paid; and its open call for next year.
func TestDeliveredProjects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := seeded7(t)
	pur := actor(ctx, t, a, "gt-purchaser")
	today := time.Now().In(gongzhi.ChinaTime).Format(time.DateOnly)
	contracts := list(t, func(f func(*gongzhi.Contract) error) (int, error) {
		return a.Contracts(ctx, pur, store.ListOptions{}, f)
	})
	if len(contracts) != len(deliveredProjects) {
		t.Fatalf("%d contracts, want %d", len(contracts), len(deliveredProjects))
	}
	orgs := map[int64]bool{}
	for _, c := range contracts {
		c, err := a.Contract(ctx, pur, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.State != gongzhi.ContractSigned || c.Current.Terms.StartOn > today || c.Current.Terms.EndOn < today {
			t.Errorf("%s: %s %s–%s is not in force on %s", c.Title, c.State, c.Current.Terms.StartOn, c.Current.Terms.EndOn, today)
		}
		if c.Paid < c.Current.Terms.Portions[0].Amount {
			t.Errorf("%s: first portion not paid (%s)", c.Title, c.Paid.Format())
		}
		orgs[c.OrgID] = true
	}
	if prov := actor(ctx, t, a, "gt-provider"); !orgs[prov.User.OrgID] {
		t.Error("gt-provider has no contract in service")
	}
}

// checkDelivery checks that the projects in service have months of delivery behind them: a
// ledger for every contract with progress neither nil nor done (one project behind), a published
// supervision report, rated complaints, a published evaluation and satisfaction points.
func checkDelivery(ctx context.Context, t *testing.T, a *app.App) {
	t.Helper()
	actor := func(username string) *gongzhi.Actor {
		u, _, err := a.DB.Q().UserByUsername(ctx, username)
		if err != nil {
			t.Fatal(username, err)
		}
		ac := &gongzhi.Actor{User: u, Via: "test"}
		if err := a.ScopeFor(ctx, ac); err != nil {
			t.Fatal(err)
		}
		return ac
	}
	pur, hub := actor("gt-purchaser"), actor("gt-hub")
	cts, err := a.LedgerContracts(ctx, pur)
	if err != nil {
		t.Fatal(err)
	}
	if len(cts) != len(deliveredProjects) {
		t.Fatalf("%d contracts in service, want %d", len(cts), len(deliveredProjects))
	}
	behind := 0
	for _, ct := range cts {
		n, err := a.Entries(ctx, pur, store.ListOptions{Filters: map[string]string{"contract": strconv.FormatInt(ct.ID, 10)}, Limit: 1},
			func(*gongzhi.ServiceEntry) error { return nil })
		if err != nil || n < 4 {
			t.Errorf("%s: %d ledger entries (%v), want at least 4", ct.Title, n, err)
		}
		_, progress, err := a.ContractProgress(ctx, pur, ct.ID)
		if err != nil {
			t.Fatal(err)
		}
		low := 10000
		for _, p := range progress {
			if p.Kind != "output" {
				continue
			}
			low = min(low, p.DoneBP)
			if p.DoneBP < 2500 || p.DoneBP > 9000 {
				t.Errorf("%s: %s %d/%d %s (%d bp), want between 25%% and 90%%", ct.Title, p.Name, p.Done, p.Target, p.Unit, p.DoneBP)
			}
		}
		t.Logf("%s: %d entries, lowest output at %d bp", ct.Title, n, low)
		if low < 4000 {
			behind++
		}
	}
	if behind < 1 {
		t.Error("no project is visibly behind plan")
	}
	if d, err := a.Dashboard(ctx, pur, cts[0].FiscalYear); err != nil || d.Behind != 1 {
		t.Errorf("street dashboard: %v; want exactly one project behind plan: %+v", err, d.Contracts)
	}

	// the province's contracts have their months of service in the ledger too
	prov := actor(ProvincePurchaser)
	pcts, err := a.LedgerContracts(ctx, prov)
	if err != nil {
		t.Fatal(err)
	}
	var provinceContracts int
	for _, c := range pcts {
		ct, progress, err := a.ContractProgress(ctx, prov, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ct.CallTitle != ProvinceCallTitle {
			continue
		}
		provinceContracts++
		for _, p := range progress {
			if p.Kind == "output" && (p.DoneBP < 7000 || p.DoneBP > 11000) {
				t.Errorf("province %s: %s %d/%d %s (%d bp), want between 70%% and 110%%", ct.Title, p.Name, p.Done, p.Target, p.Unit, p.DoneBP)
			}
		}
	}
	if provinceContracts != len(provinceProjects) {
		t.Errorf("the province has %d contracts in service, want %d", provinceContracts, len(provinceProjects))
	}

	var published int
	if _, err := a.SupervisionReports(ctx, hub, store.ListOptions{Limit: 50}, func(r *gongzhi.SupervisionReport) error {
		if r.State == gongzhi.ReportPublished {
			published++
		}
		return nil
	}); err != nil || published == 0 {
		t.Errorf("published supervision reports: %d (%v)", published, err)
	}
	if n, err := a.PublicSupervisionReports(ctx, store.ListOptions{Limit: 10}, func(*gongzhi.SupervisionReport) error { return nil }); err != nil || n == 0 {
		t.Errorf("public supervision reports: %d (%v)", n, err)
	}
	var rects, openRects, escalated int
	if _, err := a.Rectifications(ctx, hub, store.ListOptions{Limit: 50}, func(x *gongzhi.Rectification) error {
		rects++
		if x.State == gongzhi.RectOpen {
			openRects++
		}
		if x.Escalated {
			escalated++
		}
		return nil
	}); err != nil || rects < 2 || openRects != 1 || escalated != 1 {
		t.Errorf("rectifications: %d, %d open, %d escalated (%v); want 2, 1, 1", rects, openRects, escalated, err)
	}

	var rated, low, open, escalatedC int
	if _, err := a.Complaints(ctx, pur, store.ListOptions{Limit: 50}, func(c *gongzhi.Complaint) error {
		switch {
		case c.Rating > gongzhi.LowRating:
			rated++
		case c.Rating > 0:
			low++
		}
		if c.State == gongzhi.ComplaintOpen {
			open++
		}
		if c.Escalation == 2 {
			escalatedC++
		}
		return nil
	}); err != nil || rated == 0 || low == 0 || open < 2 || escalatedC == 0 {
		t.Errorf("complaints: %d rated well, %d rated low, %d open, %d escalated (%v)", rated, low, open, escalatedC, err)
	}

	n, err := a.PublicEvaluations(ctx, store.ListOptions{Limit: 10}, func(e *gongzhi.Evaluation) error {
		if e.Grade == "" {
			t.Errorf("published evaluation %d without a grade", e.ID)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Errorf("published evaluations: %d (%v)", n, err)
	}

	now := a.Now()
	points, err := a.SatisfactionTrend(ctx, pur, gongzhi.MonthOf(now.AddDate(0, -6, 0)), gongzhi.MonthOf(now))
	if err != nil {
		t.Fatal(err)
	}
	answered := 0
	for _, p := range points {
		if p.Responses > 0 {
			answered++
		}
	}
	if answered == 0 {
		t.Errorf("no satisfaction points: %+v", points)
	}
}

// BenchmarkSeed measures seeding the demo street into a fresh database: what `gongzhi demo`
// does before it serves.
func BenchmarkSeed(b *testing.B) {
	for _, d := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(d.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				a := newApp(b, d.open(b))
				b.StartTimer()
				if _, err := Seed(context.Background(), a, 2026); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The demo holds a call at every stage a visitor may want to try, and the next step of each
// works at once for the role whose step it is: a provider applies to the open call and the
// office may close it early with a reason; the hub does the preliminary review of the closed
// one; the demo expert, on the panel of the call in review with some scores in, scores; the
// office answers the objection to the results in notice, whose final step waits for the notice
// to end.
func TestCallsAtEveryStage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := seeded7(t)
	pur := actor(ctx, t, a, "gt-purchaser")
	calls := map[string]*gongzhi.Call{}
	for _, c := range list(t, func(f func(*gongzhi.Call) error) (int, error) { return a.Calls(ctx, pur, store.ListOptions{}, f) }) {
		calls[c.Title] = c
	}
	for title, state := range map[string]string{CallTitle: gongzhi.CallOpen, PrelimCallTitle: gongzhi.CallClosed,
		ReviewCallTitle: gongzhi.CallReviewing, NoticeCallTitle: gongzhi.CallNotice, DeliveredCallTitle: gongzhi.CallFinal} {
		if c := calls[title]; c == nil || c.State != state {
			t.Fatalf("%s: %+v, want a call in state %s", title, c, state)
		}
	}
	now := a.Now()

	t.Run("open", func(t *testing.T) {
		c := calls[CallTitle]
		if !c.AcceptsAt(now) || c.ClosesAt.Before(now.Add(7*24*time.Hour)) {
			t.Errorf("the open call does not take applications for a while: %s–%s", c.OpensAt, c.ClosesAt)
		}
		apps := list(t, func(f func(*gongzhi.Application) error) (int, error) {
			return a.Applications(ctx, pur, store.ListOptions{Filters: map[string]string{"call": strconv.FormatInt(c.ID, 10)}}, f)
		})
		if len(apps) == 0 {
			t.Error("no application is in yet")
		}
		prov := actor(ctx, t, a, "gt-provider")
		for _, ap := range apps {
			if ap.OrgID == prov.User.OrgID {
				t.Errorf("gt-provider has applied already: %s", ap.Title)
			}
		}
		amount := gongzhi.Yuan(30_000)
		ap := &gongzhi.Application{CallID: c.ID, Title: "测试申报", CategoryCode: "elderly_home_care", TargetGroups: []string{"elderly"},
			Communities: []string{ZhongshanCode}, Beneficiaries: 20, ActivityPlan: "每月开展服务。", Requested: amount,
			BudgetLines: []gongzhi.BudgetLine{{Item: "活动费", Amount: amount}},
			Team:        []gongzhi.TeamMember{{Name: "负责人", Role: "项目负责人"}},
			Outputs:     []gongzhi.Indicator{{Name: "服务活动", Target: 10, Unit: "场"}},
			Outcomes:    []gongzhi.Indicator{{Name: "满意度", Target: 90, Unit: "%"}}}
		if err := a.CreateApplication(ctx, prov, ap); err != nil {
			t.Fatal(err)
		}
		if err := a.SubmitApplication(ctx, prov, ap.ID); err != nil {
			t.Fatal(err)
		}
		// closing at the deadline is for later; early, only with a reason, kept in the history
		if err := a.CloseCall(ctx, pur, c.ID); gongzhi.ErrorCode(err) != gongzhi.ECONFLICT {
			t.Errorf("close before the deadline: %v", err)
		}
		if err := a.CloseCallEarly(ctx, pur, c.ID, ""); gongzhi.ErrorCode(err) != gongzhi.EINVALID {
			t.Errorf("close early without a reason: %v", err)
		}
		if err := a.CloseCallEarly(ctx, prov, c.ID, "预算调整"); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Errorf("a provider closes the call: %v", err)
		}
		if err := a.CloseCallEarly(ctx, pur, c.ID, "区财政预算调整，提前截止"); err != nil {
			t.Fatal(err)
		}
		got, err := a.Call(ctx, pur, c.ID)
		if err != nil || got.State != gongzhi.CallClosed {
			t.Fatalf("after closing early: %+v %v", got, err)
		}
		hist, err := a.CallHistory(ctx, pur, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := hist[len(hist)-1]
		if last.To != gongzhi.CallClosed || last.Note.Code != "closed_early" || last.Note.Args[1] != "区财政预算调整，提前截止" {
			t.Errorf("history of the early close: %+v", last)
		}
		if err := a.CloseCallEarly(ctx, pur, c.ID, "再次截止"); gongzhi.ErrorCode(err) != gongzhi.ECONFLICT {
			t.Errorf("closing a closed call again: %v", err)
		}
	})

	t.Run("closed, ready for the preliminary review", func(t *testing.T) {
		c := calls[PrelimCallTitle]
		hub := actor(ctx, t, a, "gt-hub")
		apps := list(t, func(f func(*gongzhi.Application) error) (int, error) {
			return a.Applications(ctx, hub, store.ListOptions{Filters: map[string]string{"call": strconv.FormatInt(c.ID, 10)}}, f)
		})
		if len(apps) < 3 {
			t.Fatalf("%d applications to review", len(apps))
		}
		for _, ap := range apps {
			if ap.State != gongzhi.AppSubmitted {
				t.Errorf("%s: %s, want submitted", ap.Title, ap.State)
			}
		}
		if err := a.PrelimReview(ctx, hub, apps[0].ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := a.PrelimReview(ctx, hub, apps[1].ID, false, "未提供登记证书"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("in expert review", func(t *testing.T) {
		c := calls[ReviewCallTitle]
		ex := actor(ctx, t, a, "gt-expert")
		missing, err := a.ScoresMissing(ctx, pur, c.ID)
		if err != nil || missing == 0 {
			t.Fatalf("scores missing: %d %v", missing, err)
		}
		if _, err := a.RankCall(ctx, pur, c.ID); gongzhi.ErrorCode(err) != gongzhi.ECONFLICT {
			t.Errorf("rank with scores missing: %v", err)
		}
		visible, err := a.ReviewApplications(ctx, ex, c.ID)
		if err != nil {
			t.Fatalf("gt-expert is not on the panel: %v", err)
		}
		if len(visible) < 2 {
			t.Fatalf("gt-expert sees %d applications", len(visible))
		}
		// the first is scored, the next is the demo expert's to score now
		scores := make([]gongzhi.Points, len(c.Criteria))
		for k, cr := range c.Criteria {
			scores[k] = gongzhi.Points(cr.Weight) * 80
		}
		if _, err := a.SubmitScores(ctx, ex, visible[0].ID, scores, ""); gongzhi.ErrorCode(err) != gongzhi.ECONFLICT {
			t.Errorf("the first application is not scored yet: %v", err)
		}
		if _, err := a.SubmitScores(ctx, ex, visible[1].ID, scores, "方案可行。"); err != nil {
			t.Fatal(err)
		}
		if after, err := a.ScoresMissing(ctx, pur, c.ID); err != nil || after != missing-1 {
			t.Errorf("scores missing after one more: %d %v, want %d", after, err, missing-1)
		}
		d, err := a.Panel(ctx, pur, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		scored := 0
		for _, m := range d.Members {
			if m.Active() && m.Scored > 0 {
				scored++
			}
		}
		if scored < 2 {
			t.Errorf("%d members have scored, want the scores partly in", scored)
		}
	})

	t.Run("in public notice", func(t *testing.T) {
		c := calls[NoticeCallTitle]
		if !c.NoticeEndsAt.After(now) {
			t.Fatalf("the notice ended at %s", c.NoticeEndsAt)
		}
		objs, err := a.Objections(ctx, pur, c.ID)
		if err != nil || len(objs) != 1 || objs[0].State != gongzhi.ObjectionOpen {
			t.Fatalf("objections: %+v %v", objs, err)
		}
		if err := a.AnswerObjection(ctx, pur, objs[0].ID, "服务点按各社区需求调查确定，本社区设有活动点。", false, false); err != nil {
			t.Fatal(err)
		}
		if err := a.FinalizeCall(ctx, pur, c.ID); gongzhi.ErrorCode(err) != gongzhi.ECONFLICT {
			t.Errorf("finalize during the notice: %v", err)
		}
		if err := a.FileObjection(ctx, &gongzhi.Actor{Via: "test"}, &gongzhi.Objection{CallID: c.ID, Name: "王女士",
			Contact: "13900000000", Body: "请公开评分明细。"}); err != nil {
			t.Errorf("the public objects during the notice: %v", err)
		}
	})
}
