// Tests of the purchase workflow's pure rules: money in fen (parsing, formatting, shares that add
// up), working days, the reproducible panel draw, aggregation, ranking, the award proposal,
// payment portions, and the validation of calls, applications and contract terms.

package gongzhi

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   Money
		reason string
	}{
		{"20000", 2000000, ""},
		{"20,000.5", 2000050, ""},
		{"¥20,000.50", 2000050, ""},
		{"20000元", 2000000, ""},
		{"2万", 2000000, ""},
		{"2.5万元", 2500000, ""},
		{"0.01", 1, ""},
		{"１２３．４５", 12345, ""},
		{"-3.10", -310, ""},
		{"0.001", 0, "money.format"},
		{"1.2.3", 0, "money.format"},
		{"abc", 0, "money.format"},
		{"", 0, "money.format"},
		{"12.", 0, "money.format"},
		{"1.234567万", 1234567, ""},
		{"1.2345678万", 0, "money.format"},
		{"10000000000000", MaxMoney, ""},
		{"10000000000000.01", 0, "money.too_large"},
		{"99999999999999999999", 0, "money.too_large"},
	} {
		got, r := ParseMoney(tc.in)
		if got != tc.want || r != tc.reason {
			t.Errorf("ParseMoney(%q) = %d, %q; want %d, %q", tc.in, got, r, tc.want, tc.reason)
		}
	}
}

func TestMoneyFormat(t *testing.T) {
	for _, tc := range []struct {
		m            Money
		plain, group string
	}{
		{0, "0.00", "0.00"},
		{5, "0.05", "0.05"},
		{2000050, "20000.50", "20,000.50"},
		{123456789012, "1234567890.12", "1,234,567,890.12"},
		{-100, "-1.00", "-1.00"},
	} {
		if got := tc.m.String(); got != tc.plain {
			t.Errorf("%d.String() = %q, want %q", tc.m, got, tc.plain)
		}
		if got := tc.m.Format(); got != tc.group {
			t.Errorf("%d.Format() = %q, want %q", tc.m, got, tc.group)
		}
		if back, r := ParseMoney(tc.m.Format()); r != "" || back != tc.m {
			t.Errorf("round trip of %d: %d %q", tc.m, back, r)
		}
	}
}

func TestMoneyJSON(t *testing.T) {
	var v struct{ A, B Money }
	if err := json.Unmarshal([]byte(`{"A": 2000050, "B": "2万"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 2000050 || v.B != Yuan(20000) {
		t.Fatalf("got %+v", v)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"A":2000050,"B":2000000}` {
		t.Fatalf("marshal: %s", b)
	}
	if err := json.Unmarshal([]byte(`{"A": 1.5}`), &v); err == nil {
		t.Fatal("a float of fen was accepted")
	}
	// a refused amount names its field and the reason
	var typ *json.UnmarshalTypeError
	if err := json.Unmarshal([]byte(`{"A": 1, "B": "20,000.555"}`), &v); !errors.As(err, &typ) || typ.Field != "B" || typ.Value != "money.format" {
		t.Fatalf("a bad amount: %#v", err)
	}
}

func TestShares(t *testing.T) {
	if got := Yuan(33333).MulBP(3333); got != 1110988 { // 3,333,300 fen × 0.3333 = 1,110,988.89 → down
		t.Fatalf("MulBP = %d", got)
	}
	if got := MaxMoney.MulBP(10000); got != MaxMoney {
		t.Fatalf("MulBP overflowed: %d", got)
	}
	for _, parts := range [][]Money{
		{1, 1, 1},
		{Yuan(12000000), Yuan(5000000), Yuan(3000000)}, // the province's 20 million, 60% elderly home care
		{7, 0, 13, 29, 1},
		{MaxMoney / 3, MaxMoney / 3, MaxMoney / 3},
	} {
		s := SharesBP(parts)
		sum := 0
		for _, x := range s {
			sum += x
		}
		if sum != 10000 {
			t.Errorf("SharesBP(%v) = %v, sum %d", parts, s, sum)
		}
	}
	if s := SharesBP([]Money{Yuan(12000000), Yuan(5000000), Yuan(3000000)}); !slices.Equal(s, []int{6000, 2500, 1500}) {
		t.Errorf("shares %v", s)
	}
	if s := SharesBP([]Money{1, 1, 1}); !slices.Equal(s, []int{3334, 3333, 3333}) {
		t.Errorf("ties should go to the first part: %v", s)
	}
	if s := SharesBP([]Money{0, 0}); !slices.Equal(s, []int{0, 0}) {
		t.Errorf("no total: %v", s)
	}
	if FormatBP(6000) != "60.00%" || FormatBP(3333) != "33.33%" || FormatBP(5) != "0.05%" {
		t.Error("FormatBP")
	}
}

func cst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ChinaTime)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWorkingDays(t *testing.T) {
	plain := NewCalendar(nil)
	// 2026-12-01 is a Tuesday.
	cal := NewCalendar([]Holiday{
		{Day: "2026-10-01", Name: "国庆节"}, {Day: "2026-10-02", Name: "国庆节"}, {Day: "2026-10-05", Name: "国庆节"},
		{Day: "2026-10-06", Name: "国庆节"}, {Day: "2026-10-07", Name: "国庆节"},
		{Day: "2026-10-10", Name: "国庆节调休", Workday: true}, // a Saturday worked
	})
	for _, tc := range []struct {
		name  string
		cal   *Calendar
		start string
		n     int
		want  string
	}{
		{"Monday, 5 days", plain, "2026-11-30 10:00", 5, "2026-12-05 00:00"},
		{"Tuesday, 5 days, over a weekend", plain, "2026-12-01 10:00", 5, "2026-12-08 00:00"},
		{"published on Saturday starts Monday", plain, "2026-12-05 09:00", 5, "2026-12-12 00:00"},
		{"late at night still counts the day", plain, "2026-12-01 23:59", 1, "2026-12-02 00:00"},
		{"one day on Friday", plain, "2026-12-04 08:00", 1, "2026-12-05 00:00"},
		{"national day holidays and the worked Saturday", cal, "2026-09-30 10:00", 5, "2026-10-13 00:00"},
		{"UTC midnight is 08:00 in China", plain, "2026-12-07 07:59", 1, "2026-12-08 00:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.NoticeEnd(cst(tc.start).UTC(), tc.n); !got.Equal(cst(tc.want)) {
				t.Errorf("NoticeEnd = %s, want %s", got.In(ChinaTime), tc.want)
			}
		})
	}
	if n := cal.WorkdaysBetween(cst("2026-09-28 00:00"), cst("2026-10-12 00:00")); n != 6 {
		// 9/28–9/30 (3) + 10/8, 10/9 (2) + Saturday 10/10 (1) = 6
		t.Errorf("WorkdaysBetween = %d", n)
	}
	if !cal.IsWorkday(cst("2026-10-10 12:00")) || cal.IsWorkday(cst("2026-10-05 12:00")) || plain.IsWorkday(cst("2026-10-11 12:00")) {
		t.Error("IsWorkday")
	}
}

func TestDrawOrder(t *testing.T) {
	pool := []int64{31, 7, 12, 5, 99, 42, 18, 3, 64, 27}
	a, b := DrawOrder(pool, 20261122), DrawOrder(slices.Clone(pool), 20261122)
	if !slices.Equal(a, b) {
		t.Fatalf("same seed and pool, different orders: %v %v", a, b)
	}
	reversed := slices.Clone(pool)
	slices.Reverse(reversed)
	if !slices.Equal(a, DrawOrder(reversed, 20261122)) {
		t.Fatal("the order depends on how the pool was listed")
	}
	if slices.Equal(a, DrawOrder(pool, 20261123)) {
		t.Fatal("another seed gave the same order")
	}
	sorted := slices.Clone(a)
	slices.Sort(sorted)
	want := slices.Clone(pool)
	slices.Sort(want)
	if !slices.Equal(sorted, want) {
		t.Fatalf("not a permutation: %v", a)
	}
	// The published algorithm, written out independently: the draw is repeatable by anyone.
	if got := DrawOrder([]int64{1, 2, 3, 4, 5}, 1); !slices.Equal(got, DrawOrder([]int64{5, 4, 3, 2, 1}, 1)) {
		t.Fatal("unstable")
	}
	// Every expert is drawn first about as often: a crude check that the shuffle is fair.
	first := map[int64]int{}
	for seed := int64(1); seed <= 5000; seed++ {
		first[DrawOrder(pool, seed)[0]]++
	}
	for id, n := range first {
		if n < 400 || n > 600 {
			t.Errorf("expert %d drawn first %d times in 5000", id, n)
		}
	}
}

func TestWalkDraw(t *testing.T) {
	order := []int64{10, 20, 30, 40, 50, 60}
	conflicted := map[int64]string{20: ExcludedAffiliated, 40: ExcludedDeclared}
	conflict := func(id int64) (string, string) { return conflicted[id], "" }
	ms, n := WalkDraw(order, 0, 3, conflict)
	if n != 3 || len(ms) != 5 {
		t.Fatalf("selected %d of %d examined", n, len(ms))
	}
	var sel, exc []int64
	for i, m := range ms {
		if m.Seq != i {
			t.Errorf("seq %d at %d", m.Seq, i)
		}
		if m.Outcome == PanelSelected {
			sel = append(sel, m.PersonID)
		} else {
			exc = append(exc, m.PersonID)
		}
	}
	if !slices.Equal(sel, []int64{10, 30, 50}) || !slices.Equal(exc, []int64{20, 40}) {
		t.Fatalf("selected %v, excluded %v", sel, exc)
	}
	// A replacement continues where the draw stopped.
	ms, n = WalkDraw(order, 5, 1, conflict)
	if n != 1 || ms[0].PersonID != 60 || ms[0].Seq != 5 {
		t.Fatalf("replacement %+v", ms)
	}
	if _, n = WalkDraw(order, 6, 1, conflict); n != 0 {
		t.Fatal("drew from an exhausted pool")
	}
}

func TestAggregate(t *testing.T) {
	for _, tc := range []struct {
		rule   string
		totals []Points
		want   Points
	}{
		// 90, 85, 80, 70, 60: drop 90 and 60, (85+80+70)/3 = 78.333… → 78.33
		{AggTrimMean, []Points{9000, 8500, 8000, 7000, 6000}, 7833},
		{AggMean, []Points{9000, 8500, 8000, 7000, 6000}, 7700},
		// 80.5, 79, 95, 20.25: drop 95 and 20.25, (80.5+79)/2 = 79.75
		{AggTrimMean, []Points{8050, 7900, 9500, 2025}, 7975},
		// ties at the extremes drop one of each only: 80, 80, 70, 70 → (80+70)/2 = 75
		{AggTrimMean, []Points{8000, 8000, 7000, 7000}, 7500},
		// 1, 2, 2: drop 1 and 2 → 2
		{AggTrimMean, []Points{100, 200, 200}, 200},
		// fewer than three: plain mean, rounded half up: (70 + 70.01)/2 = 70.005 → 70.01
		{AggTrimMean, []Points{7000, 7001}, 7001},
		{AggTrimMean, []Points{6666}, 6666},
		{AggTrimMean, nil, 0},
		// rounding half up: (1+2+2+2+100)/… trim → (2+2+2)/3 = 2 → exact
		{AggTrimMean, []Points{1, 2, 2, 2, 100}, 2},
		// (10 + 11 + 11)/3 = 10.67 hundredths → 11
		{AggMean, []Points{10, 11, 11}, 11},
	} {
		if got := Aggregate(tc.rule, tc.totals); got != tc.want {
			t.Errorf("Aggregate(%s, %v) = %d, want %d", tc.rule, tc.totals, got, tc.want)
		}
	}
}

func TestPoints(t *testing.T) {
	for in, want := range map[string]Points{"8": 800, "8.5": 850, "8.25": 825, "0": 0, "100.00": 10000} {
		if got, r := ParsePoints(in); r != "" || got != want {
			t.Errorf("ParsePoints(%q) = %d %q", in, got, r)
		}
	}
	for _, bad := range []string{"", "8.", "8.255", "-1", "a", "1e3"} {
		if _, r := ParsePoints(bad); r != "points.format" {
			t.Errorf("ParsePoints(%q) accepted", bad)
		}
	}
	if Points(7833).String() != "78.33" || Points(5).String() != "0.05" {
		t.Error("Points.String")
	}
}

func TestRankOrder(t *testing.T) {
	t0 := time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)
	rs := []Ranked{
		{ApplicationID: 5, Score: 8000, SubmittedAt: t0.Add(time.Hour)},
		{ApplicationID: 3, Score: 9000, SubmittedAt: t0.Add(3 * time.Hour)},
		{ApplicationID: 9, Score: 8000, SubmittedAt: t0},
		{ApplicationID: 2, Score: 8000, SubmittedAt: t0.Add(time.Hour)},
		{ApplicationID: 1, Score: 7000, SubmittedAt: t0},
	}
	RankOrder(rs)
	var ids []int64
	for i, r := range rs {
		ids = append(ids, r.ApplicationID)
		if r.Rank != i+1 {
			t.Errorf("rank %d at %d", r.Rank, i)
		}
	}
	// 9000 first; the 8000s by submission (9 earliest), then id (2 before 5); 7000 last.
	if !slices.Equal(ids, []int64{3, 9, 2, 5, 1}) {
		t.Fatalf("order %v", ids)
	}
}

func TestProposeAwards(t *testing.T) {
	c := &Call{Amount: Yuan(200000), Bands: []FundingBand{{"小型", Yuan(20000), Yuan(50000)}, {"中型", Yuan(50001), Yuan(90000)}}}
	rs := []Ranked{
		{ApplicationID: 1, Score: 9000, Requested: Yuan(90000), Band: 1},
		{ApplicationID: 2, Score: 8800, Requested: Yuan(60000), Band: 1},
		{ApplicationID: 3, Score: 8500, Requested: Yuan(40000), Band: 0},
		{ApplicationID: 4, Score: 8000, Requested: Yuan(30000), Band: 0}, // 10,000 left: exhausted
		{ApplicationID: 5, Score: 7900, Requested: Yuan(5000), Band: -1}, // fits no band
		{ApplicationID: 6, Score: 5900, Requested: Yuan(20000), Band: 0}, // below the threshold
	}
	got := ProposeAwards(c, rs, 6000)
	want := []Proposal{
		{1, Yuan(90000), "", ""}, {2, Yuan(60000), "", ""}, {3, Yuan(40000), "", ""},
		{4, 0, UnfundedBudget, ""}, {5, 0, UnfundedBands, ""}, {6, 0, UnfundedThreshold, ""},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("proposal\n got %v\nwant %v", got, want)
	}
	// within the catalog's price range (issue 11 item 7): 90,000 above a 20,000–80,000 range is
	// moved into it; 60,000 above a 20,000–50,000 range that allows exceptions keeps its amount
	// with the application's reason; 40,000 below a 45,000 minimum with no exception is not funded
	priced := ProposeAwardsPriced(c, rs[:3], 6000, map[int64]PriceRule{
		1: {Category: &ServiceCategory{PriceMin: Yuan(20000), PriceMax: Yuan(80000)}},
		2: {Category: &ServiceCategory{PriceMin: Yuan(20000), PriceMax: Yuan(50000), AllowExceptions: true}, Reason: "服务人数多"},
		3: {Category: &ServiceCategory{PriceMin: Yuan(45000)}},
	})
	wantPriced := []Proposal{{1, Yuan(80000), "", ""}, {2, Yuan(60000), "", "服务人数多"}, {3, 0, UnfundedPriceRange, ""}}
	if !slices.Equal(priced, wantPriced) {
		t.Fatalf("priced proposal\n got %v\nwant %v", priced, wantPriced)
	}
	var total Money
	for _, p := range got {
		total += p.Amount
	}
	if total > c.Amount {
		t.Fatalf("proposal spends %s of %s", total.Format(), c.Amount.Format())
	}
	if ClipToBand(Yuan(95000), c.Bands[1]) != Yuan(90000) || ClipToBand(Yuan(10000), c.Bands[0]) != Yuan(20000) {
		t.Error("ClipToBand")
	}
	for _, tc := range []struct {
		req, amt Money
		want     string
	}{
		{Yuan(60000), Yuan(55000), ""},
		{Yuan(60000), Yuan(70000), "award.exceeds_request"},
		{Yuan(60000), Yuan(10000), "award.outside_bands"},
		{Yuan(60000), 0, "money.positive"},
	} {
		if got := CheckAward(c, tc.req, tc.amt); got != tc.want {
			t.Errorf("CheckAward(%d, %d) = %q", tc.req, tc.amt, got)
		}
	}
}

func TestSplitPortions(t *testing.T) {
	for _, tc := range []struct {
		amount Money
		bps    []int
	}{
		{Yuan(50000), DefaultPortions},
		{3333333, DefaultPortions}, // 33,333.33 yuan
		{1, DefaultPortions},       // one fen: all of it in the last portion
		{1000001, []int{3333, 3333, 3334}},
		{MaxMoney - 1, DefaultPortions},
	} {
		ps := SplitPortions(tc.amount, tc.bps)
		var sum Money
		for i, p := range ps {
			if p < 0 {
				t.Errorf("negative portion %d of %d", i, tc.amount)
			}
			sum += p
		}
		if sum != tc.amount {
			t.Errorf("SplitPortions(%d, %v) = %v, sum %d", tc.amount, tc.bps, ps, sum)
		}
	}
	if ps := SplitPortions(3333333, DefaultPortions); !slices.Equal(ps, []Money{1666666, 999999, 666668}) {
		t.Errorf("50/30/20 of 33,333.33: %v", ps)
	}
}

func TestContractTerms(t *testing.T) {
	a := &Application{Title: "幸福食堂", Outputs: []Indicator{{Name: "助餐人次", Target: 5000, Unit: "人次"}}}
	terms := DefaultTerms(a, 3333333, cst("2026-12-10 10:00"))
	if err := terms.Validate(); err != nil {
		t.Fatalf("default terms: %v", err)
	}
	if terms.Portions[0].DueOn != "2026-12-10" || terms.Portions[2].DueOn != "2027-07-09" || terms.EndOn != "2027-06-09" {
		t.Fatalf("dates: %+v %s", terms.Portions, terms.EndOn)
	}
	bad := terms
	bad.Portions = []Portion{{Milestone: 0, BasisPoints: 5000}, {Milestone: 1, BasisPoints: 3000}}
	bad.Normalize()
	checkField(t, bad.Validate(), "portions", "contract.portions_percent:80.00%")
	bad = terms
	bad.Portions = slices.Clone(terms.Portions)
	bad.Portions[1].Amount++ // a hand-made amount that does not add up
	checkField(t, bad.Validate(), "portions", "contract.portions_sum:33,333.34")
	bad = terms
	bad.EndOn = "2026-12-01"
	checkField(t, bad.Validate(), "end_on", "contract.end_before_start")
}

func checkField(t *testing.T, err error, field, reason string) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok || e.Fields[field] != reason {
		t.Fatalf("want %s: %s, got %v", field, reason, err)
	}
}

func TestCallValidate(t *testing.T) {
	good := func() *Call {
		return &Call{PlaceCode: "320116004000", Kind: "venture_philanthropy", Title: "2026年度公益创投", Categories: []string{"elderly_home_care"},
			BudgetID: 1, Amount: Yuan(1000000), Bands: []FundingBand{{"", Yuan(20000), Yuan(90000)}},
			OpensAt: cst("2026-11-02 09:00"), ClosesAt: cst("2026-11-20 17:00")}
	}
	c := good()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.NoticeDays != 5 || c.Aggregation != AggTrimMean || c.TotalWeight() != 100 {
		t.Fatalf("defaults: %d %s %d", c.NoticeDays, c.Aggregation, c.TotalWeight())
	}
	for _, tc := range []struct {
		name          string
		edit          func(*Call)
		field, reason string
	}{
		{"weights", func(c *Call) { c.Criteria = []Criterion{{Name: "a", Weight: 60}, {Name: "b", Weight: 30}} }, "criteria", "call.weights_sum:90"},
		{"band reversed", func(c *Call) { c.Bands[0].Max = Yuan(10000) }, "bands.0.max", "money.max_below_min"},
		{"band above the call", func(c *Call) { c.Amount = Yuan(50000) }, "bands.0.max", "call.band_above_amount"},
		{"closes before opens", func(c *Call) { c.ClosesAt = c.OpensAt }, "closes_at", "call.closes_before_opens"},
		{"kind", func(c *Call) { c.Kind = "lottery" }, "kind", "choice"},
		{"no categories", func(c *Call) { c.Categories = nil }, "categories", "required"},
		{"aggregation", func(c *Call) { c.Aggregation = "median" }, "aggregation", "choice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.edit(c)
			checkField(t, c.Validate(), tc.field, tc.reason)
		})
	}
}

func TestApplicationValidate(t *testing.T) {
	c := &Call{Categories: []string{"elderly_home_care"}, Bands: []FundingBand{{"", Yuan(20000), Yuan(90000)}}, NeedIDs: []int64{4}}
	good := func() *Application {
		return &Application{Title: "幸福食堂", CategoryCode: "elderly_home_care", TargetGroups: []string{"elderly"},
			Communities: []string{"320116004001"}, Beneficiaries: 120, ActivityPlan: "每周五天助餐", Requested: Yuan(50000),
			BudgetLines: []BudgetLine{{Item: "食材", Amount: Yuan(30000)}, {Item: "人员", Amount: Yuan(20000)}},
			Team:        []TeamMember{{Name: "王芳", Role: "项目负责人"}}, Outputs: []Indicator{{Name: "助餐人次", Target: 5000, Unit: "人次"}},
			Outcomes: []Indicator{{Name: "满意度", Target: 90, Unit: "%"}}, NeedIDs: []int64{4}}
	}
	ap := good()
	if err := ap.Validate(c, true); err != nil || ap.Band != 0 {
		t.Fatalf("%v band %d", err, ap.Band)
	}
	if err := (&Application{Title: "草稿"}).Validate(c, false); err != nil {
		t.Fatalf("a draft needs only a title: %v", err)
	}
	for _, tc := range []struct {
		name          string
		edit          func(*Application)
		field, reason string
	}{
		{"budget lines do not add up", func(a *Application) { a.BudgetLines[1].Amount = Yuan(19999) }, "budget_lines", "application.budget_sum:49,999.00"},
		{"outside the bands", func(a *Application) { a.Requested = Yuan(95000); a.BudgetLines = nil }, "requested", "application.outside_bands"},
		{"category not in the call", func(a *Application) { a.CategoryCode = "staff_training" }, "category_code", "application.category_not_in_call"},
		{"need not in the call", func(a *Application) { a.NeedIDs = []int64{5} }, "need_ids", "application.need_not_in_call"},
		{"no outcomes", func(a *Application) { a.Outcomes = nil }, "outcomes", "required"},
		{"no team", func(a *Application) { a.Team = nil }, "team", "required"},
		{"duplicate community", func(a *Application) { a.Communities = []string{"320116004001", "320116004001"} }, "communities", "duplicate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ap := good()
			tc.edit(ap)
			checkField(t, ap.Validate(c, true), tc.field, tc.reason)
		})
	}
	checkField(t, (&Attachment{Name: "../x", Size: 1, SHA256: strings.Repeat("a", 64)}).Validate(), "name", "attachment.name")
	checkField(t, (&Attachment{Name: "x.pdf", Size: 1, SHA256: "zz"}).Validate(), "sha256", "attachment.sha256")
}

func TestMoves(t *testing.T) {
	if CheckMove(CallMoves, CallDraft, CallOpen) != nil || CheckMove(CallMoves, CallNotice, CallFinal) != nil {
		t.Fatal("legal moves refused")
	}
	err := CheckMove(CallMoves, CallFinal, CallCancelled)
	if e, ok := err.(*Error); !ok || e.Code != ECONFLICT || e.Fields["state"] != "state.illegal:final" {
		t.Fatalf("got %v", err)
	}
	if CheckMove(AppMoves, AppRejected, AppEligible) == nil || CheckMove(AwardMoves, AwardFinal, AwardOverturned) == nil {
		t.Fatal("illegal moves allowed")
	}
}
