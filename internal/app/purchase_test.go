// Test fixture of the purchase workflow (purchase*.go) on SQLite and, when GONGZHI_TEST_POSTGRES
// is set, PostgreSQL: a street (葛塘街道) with two communities and a neighbouring street, provider
// organizations with their accounts, an expert pool with linked expert accounts (some affiliated
// with providers: conflicts of interest), a purchaser, a hub, an auditor, community staff, a
// clock the tests move, and helpers that take a call through each step. The tests themselves are
// in purchase_flow_test.go, purchase_review_test.go and purchase_money_test.go.

package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
)

// purStart is Monday 2 November 2026, 09:00 China Standard Time.
var purStart = time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)

const (
	purStreet     = "320116004000"
	purZhongshan  = "320116004001"
	purChangcheng = "320116004002"
	purNeighbour  = "320116005000"
	purNeighbourC = "320116005001"
)

var purPlaces = []gongzhi.Place{
	{Code: "320000000000", Name: "江苏省", Level: 1},
	{Code: "320100000000", Name: "南京市", Level: 2, ParentCode: "320000000000"},
	{Code: "320116000000", Name: "六合区", Level: 3, ParentCode: "320100000000"},
	{Code: purStreet, Name: "葛塘街道", Level: 4, ParentCode: "320116000000"},
	{Code: purZhongshan, Name: "中山社区居委会", Level: 5, ParentCode: purStreet},
	{Code: purChangcheng, Name: "长城社区居委会", Level: 5, ParentCode: purStreet},
	{Code: purNeighbour, Name: "长芦街道", Level: 4, ParentCode: "320116000000"},
	{Code: purNeighbourC, Name: "玉带社区居委会", Level: 5, ParentCode: purNeighbour},
}

// purFix is one test's world.
type purFix struct {
	t   testing.TB
	ctx context.Context
	db  *store.DB
	a   *app.App

	mu  sync.Mutex
	now time.Time

	sys, purchaser, hub, auditor, community, other, resident *gongzhi.Actor
	orgs                                                     []int64          // provider organizations, one account each
	providers                                                []*gongzhi.Actor // providers[i] acts for orgs[i]
	experts                                                  []int64          // expert people
	expertAc                                                 map[int64]*gongzhi.Actor
	budget                                                   *gongzhi.Budget
	users                                                    int
}

// purOptions size the fixture.
type purOptions struct {
	orgs, experts int
	affiliated    map[int]int // expert index → org index: the expert works for that provider
	budget        gongzhi.Money
}

func purSetup(tb testing.TB, db *store.DB, o purOptions) *purFix {
	tb.Helper()
	if o.orgs == 0 {
		o.orgs = 4
	}
	if o.experts == 0 {
		o.experts = 8
	}
	if o.budget == 0 {
		o.budget = gongzhi.Yuan(2_000_000)
	}
	box, err := secret.NewBox(bytes.Repeat([]byte{9}, secret.KeySize))
	if err != nil {
		tb.Fatal(err)
	}
	f := &purFix{t: tb, ctx: context.Background(), db: db, now: purStart, expertAc: map[int64]*gongzhi.Actor{}}
	f.a = app.New(db, box, kernel.Config{Argon2: secret.Argon2{Time: 1, Memory: 1024, Threads: 1}}, slog.New(slog.DiscardHandler))
	f.a.Now = f.clock
	if _, err := db.Q().UpsertPlaces(f.ctx, purPlaces, purStart); err != nil {
		tb.Fatal(err)
	}
	f.sys = gongzhi.SystemActor("test")
	// the street's own price ranges: the built-in catalog is a province's, from 50,000 yuan
	cats, err := f.a.ServiceCategories(f.ctx, false)
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == "elderly_home_care" || c.Code == "community_social_work" {
			c.PriceMin = gongzhi.Yuan(10_000)
			if err := f.a.SaveServiceCategory(f.ctx, f.sys, c, false); err != nil {
				tb.Fatal(err)
			}
		}
	}
	f.purchaser = f.user(gongzhi.RolePurchaser, purStreet, 0)
	f.hub = f.user(gongzhi.RoleHub, purStreet, 0)
	f.auditor = f.user(gongzhi.RoleAuditor, purStreet, 0)
	f.community = f.user(gongzhi.RoleCommunity, purZhongshan, 0)
	f.other = f.user(gongzhi.RolePurchaser, purNeighbour, 0)
	f.resident = f.user(gongzhi.RoleResident, purZhongshan, 0)
	for i := range o.orgs {
		org := &gongzhi.Organization{Name: fmt.Sprintf("葛塘第%d社会工作服务中心", i+1), CreditCode: purCredit(i + 1), Type: "professional",
			RegState: "registered", Origin: "local", PlaceCode: purStreet, Grade: "3A", ServiceFields: []string{"elderly"}}
		if err := f.a.CreateOrganization(f.ctx, f.sys, org); err != nil {
			tb.Fatal(err)
		}
		f.orgs = append(f.orgs, org.ID)
		f.providers = append(f.providers, f.user(gongzhi.RoleProvider, "", org.ID))
	}
	for i := range o.experts {
		p := &gongzhi.Person{Kind: "expert", Name: fmt.Sprintf("专家%02d", i+1), PlaceCode: purStreet,
			ExpertFields: []string{"social_work", "evaluation"}, Affiliation: "南京大学"}
		if i%2 == 1 {
			p.ExpertFields = []string{"elderly", "finance"}
		}
		if org, ok := o.affiliated[i]; ok {
			p.OrgID = f.orgs[org]
		}
		if err := f.a.CreatePerson(f.ctx, f.sys, p); err != nil {
			tb.Fatal(err)
		}
		f.experts = append(f.experts, p.ID)
		ac := f.user(gongzhi.RoleExpert, "320116000000", 0)
		if err := f.a.LinkExpertAccount(f.ctx, f.sys, ac.User.ID, p.ID); err != nil {
			tb.Fatal(err)
		}
		f.expertAc[p.ID] = ac
	}
	f.budget = &gongzhi.Budget{PlaceCode: purStreet, FiscalYear: 2026, Level: "street", Fund: "fiscal", Name: "2026年街道公益创投资金", Amount: o.budget}
	f.must(f.a.CreateBudget(f.ctx, f.purchaser, f.budget))
	return f
}

func purCredit(n int) string {
	first := fmt.Sprintf("52320116MP%07d", n)
	return first + string(gongzhi.CreditCodeCheck(first))
}

func (f *purFix) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// at sets the clock.
func (f *purFix) at(t time.Time) {
	f.mu.Lock()
	f.now = t
	f.mu.Unlock()
}

func (f *purFix) advance(d time.Duration) { f.at(f.clock().Add(d)) }

// user makes an account and returns it signed in, with its scope.
func (f *purFix) user(role, place string, org int64) *gongzhi.Actor {
	f.t.Helper()
	f.users++
	u := &gongzhi.User{Username: fmt.Sprintf("%s-%d", role, f.users), DisplayName: role, Role: role, PlaceCode: place, OrgID: org}
	if _, err := f.a.CreateUser(f.ctx, f.sys, u, ""); err != nil {
		f.t.Fatal(err)
	}
	ac := &gongzhi.Actor{User: u, Via: "test"}
	if err := f.a.ScopeFor(f.ctx, ac); err != nil {
		f.t.Fatal(err)
	}
	return ac
}

func (f *purFix) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// purIs checks that err is a *gongzhi.Error with code and, if field is given, that reason.
func purIs(tb testing.TB, err error, code, field, reason string) {
	tb.Helper()
	var e *gongzhi.Error
	if !errors.As(err, &e) {
		tb.Fatalf("want %s %s: %s, got %v", code, field, reason, err)
	}
	if e.Code != code || field != "" && e.Fields[field] != reason {
		tb.Fatalf("want %s %s: %s, got %v", code, field, reason, e)
	}
}

// call writes and opens a call of amount with one band [min, max], closing in 10 days.
func (f *purFix) call(amount, min, max gongzhi.Money) *gongzhi.Call {
	f.t.Helper()
	now := f.clock()
	c := &gongzhi.Call{PlaceCode: purStreet, Kind: "venture_philanthropy", Title: "葛塘街道首届社区公益创投", Categories: []string{"elderly_home_care", "community_social_work"},
		BudgetID: f.budget.ID, Amount: amount, Bands: []gongzhi.FundingBand{{Name: "资助档", Min: min, Max: max}},
		OpensAt: now, ClosesAt: now.Add(10 * 24 * time.Hour), Eligibility: []string{"在民政部门登记的社会组织"},
		RequireRegistered: true, ExcludeIneligible: true}
	f.must(f.a.CreateCall(f.ctx, f.purchaser, c))
	f.must(f.a.OpenCall(f.ctx, f.purchaser, c.ID))
	return c
}

// application returns a complete application of amount to call c.
func purApplication(c *gongzhi.Call, title string, amount gongzhi.Money) *gongzhi.Application {
	staff := amount * 6 / 10
	return &gongzhi.Application{CallID: c.ID, Title: title, CategoryCode: "elderly_home_care", TargetGroups: []string{"elderly"},
		Communities: []string{purZhongshan}, Beneficiaries: 120, ActivityPlan: "每周五天为高龄独居老人提供助餐、探访与健康讲座。",
		Requested: amount, BudgetLines: []gongzhi.BudgetLine{{Item: "人员费", Amount: staff}, {Item: "活动费", Amount: amount - staff}},
		Team:     []gongzhi.TeamMember{{Name: "王芳", Role: "项目负责人", Qualification: "社会工作师"}},
		Outputs:  []gongzhi.Indicator{{Name: "助餐人次", Target: 5000, Unit: "人次"}},
		Outcomes: []gongzhi.Indicator{{Name: "服务对象满意度", Target: 90, Unit: "%"}}}
}

// apply drafts and submits an application of provider i.
func (f *purFix) apply(c *gongzhi.Call, i int, amount gongzhi.Money) *gongzhi.Application {
	f.t.Helper()
	ap := purApplication(c, fmt.Sprintf("项目%02d：幸福食堂", i+1), amount)
	f.must(f.a.CreateApplication(f.ctx, f.providers[i], ap))
	f.must(f.a.SubmitApplication(f.ctx, f.providers[i], ap.ID))
	return ap
}

// closeAndReview closes the call after its deadline, passes every submitted application in the
// preliminary review, draws a panel of size with seed, has every member declare no conflict,
// and starts the review.
func (f *purFix) closeAndReview(c *gongzhi.Call, size int, seed int64) *gongzhi.PanelDraw {
	f.t.Helper()
	f.at(c.ClosesAt.Add(time.Hour))
	f.must(f.a.CloseCall(f.ctx, f.purchaser, c.ID))
	var ids []int64
	_, err := f.a.Applications(f.ctx, f.hub, store.ListOptions{Filters: map[string]string{"call": fmt.Sprint(c.ID), "state": gongzhi.AppSubmitted}},
		func(ap *gongzhi.Application) error { ids = append(ids, ap.ID); return nil })
	f.must(err)
	for _, id := range ids {
		f.must(f.a.PrelimReview(f.ctx, f.hub, id, true, ""))
	}
	d, err := f.a.DrawPanel(f.ctx, f.purchaser, c.ID, size, nil, seed)
	f.must(err)
	for _, m := range d.Members {
		if m.Active() {
			f.must(f.a.DeclareNoConflict(f.ctx, f.expertAc[m.PersonID], c.ID))
		}
	}
	f.must(f.a.StartReview(f.ctx, f.purchaser, c.ID))
	return d
}

// active returns the panel's selected members.
func (f *purFix) active(callID int64) []int64 {
	f.t.Helper()
	d, err := f.a.Panel(f.ctx, f.purchaser, callID)
	f.must(err)
	var out []int64
	for _, m := range d.Members {
		if m.Active() {
			out = append(out, m.PersonID)
		}
	}
	return out
}

// purScores spreads a total over the call's criteria in proportion to their weights.
func purScores(c *gongzhi.Call, total gongzhi.Points) []gongzhi.Points {
	out := make([]gongzhi.Points, len(c.Criteria))
	var given gongzhi.Points
	for i, cr := range c.Criteria {
		if i == len(c.Criteria)-1 {
			out[i] = total - given
			break
		}
		out[i] = total * gongzhi.Points(cr.Weight) / 100
		given += out[i]
	}
	return out
}

// scoreAll has every active member score every application it may score, the total given by
// score(application index in apps, member index).
func (f *purFix) scoreAll(c *gongzhi.Call, apps []*gongzhi.Application, score func(app, member int) gongzhi.Points) {
	f.t.Helper()
	c, err := f.a.Call(f.ctx, f.purchaser, c.ID)
	f.must(err)
	for m, person := range f.active(c.ID) {
		ac := f.expertAc[person]
		visible, err := f.a.ReviewApplications(f.ctx, ac, c.ID)
		f.must(err)
		can := map[int64]bool{}
		for _, ap := range visible {
			can[ap.ID] = true
		}
		for i, ap := range apps {
			if !can[ap.ID] {
				continue
			}
			if _, err := f.a.SubmitScores(f.ctx, ac, ap.ID, purScores(c, score(i, m)), ""); err != nil &&
				gongzhi.AsError(err).Fields["application_id"] != "review.already_scored" {
				f.t.Fatalf("expert %d scores application %d: %v", person, ap.ID, err)
			}
		}
	}
}

// publish ranks, proposes awards with threshold and publishes them.
func (f *purFix) publish(c *gongzhi.Call, threshold gongzhi.Points) []gongzhi.Proposal {
	f.t.Helper()
	_, err := f.a.RankCall(f.ctx, f.purchaser, c.ID)
	f.must(err)
	props, err := f.a.ProposeAwards(f.ctx, f.purchaser, c.ID, threshold)
	f.must(err)
	f.must(f.a.PublishAwards(f.ctx, f.purchaser, c.ID))
	return props
}

// finalize moves the clock past the notice and makes the awards final.
func (f *purFix) finalize(c *gongzhi.Call) {
	f.t.Helper()
	c, err := f.a.Call(f.ctx, f.purchaser, c.ID)
	f.must(err)
	f.at(c.NoticeEndsAt.Add(time.Minute))
	f.must(f.a.FinalizeCall(f.ctx, f.purchaser, c.ID))
}

// sign generates the contract of an application's award and has both sides confirm it.
func (f *purFix) sign(appID int64, provider *gongzhi.Actor) *gongzhi.Contract {
	f.t.Helper()
	ap, err := f.a.Application(f.ctx, f.purchaser, appID)
	f.must(err)
	awards, err := f.a.Awards(f.ctx, f.purchaser, ap.CallID)
	f.must(err)
	for _, w := range awards {
		if w.ApplicationID == appID {
			ct, err := f.a.GenerateContract(f.ctx, f.purchaser, w.ID, "葛塘街道办事处")
			f.must(err)
			f.must(f.a.ConfirmContract(f.ctx, f.purchaser, ct.ID))
			f.must(f.a.ConfirmContract(f.ctx, provider, ct.ID))
			ct, err = f.a.Contract(f.ctx, f.purchaser, ct.ID)
			f.must(err)
			return ct
		}
	}
	f.t.Fatalf("application %d has no award", appID)
	return nil
}

// budgetNow reads the budget and checks its invariants: available = amount − reserved − spent
// ≥ 0, and the ledger adds up to the reserved and spent money.
func (f *purFix) budgetNow() *gongzhi.Budget {
	f.t.Helper()
	b, err := f.a.Budget(f.ctx, f.purchaser, f.budget.ID)
	f.must(err)
	if b.Available() < 0 || b.Reserved < 0 || b.Spent < 0 {
		f.t.Fatalf("budget overspent: %+v", b)
	}
	ledger, err := f.a.BudgetLedger(f.ctx, f.purchaser, b.ID)
	f.must(err)
	var reserved, spent gongzhi.Money
	for _, e := range ledger {
		switch e.Kind {
		case gongzhi.LedgerReserve:
			reserved += e.Amount
		case gongzhi.LedgerRelease:
			reserved -= e.Amount
		case gongzhi.LedgerSpend:
			reserved -= e.Amount
			spent += e.Amount
		}
	}
	if reserved != b.Reserved || spent != b.Spent {
		f.t.Fatalf("ledger says reserved %s spent %s, budget says %s %s", reserved.Format(), spent.Format(), b.Reserved.Format(), b.Spent.Format())
	}
	return b
}
