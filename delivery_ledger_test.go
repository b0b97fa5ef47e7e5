package gongzhi

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestSampleSize(t *testing.T) {
	// n0 = 1.96²·0.25/e²; n = n0/(1+(n0−1)/N), rounded up:
	// N=1000, e=5%: n0 = 384.16, n = 384.16/1.38316 = 277.74 → 278.
	// N=200, e=10%: n0 = 96.04, n = 96.04/1.4752 = 65.10 → 66.
	// N=50, e=5%: 384.16/8.6632 = 44.34 → 45. N=10000, e=3%: n0 = 1067.11, n = 964.31 → 965.
	for _, c := range []struct{ n, bp, want int }{{1000, 500, 278}, {200, 1000, 66}, {50, 500, 45}, {10000, 300, 965}, {5, 500, 5}, {1, 1000, 1}, {0, 500, 0}} {
		if got := SampleSize(c.n, c.bp); got != c.want {
			t.Errorf("SampleSize(%d, %d) = %d, want %d", c.n, c.bp, got, c.want)
		}
	}
}

func TestWilson(t *testing.T) {
	for _, c := range []struct {
		s, n   int
		lo, hi float64
	}{{45, 50, 0.786398, 0.956524}, {0, 10, 0, 0.277533}, {8, 10, 0.490162, 0.943318}, {0, 0, 0, 0}} {
		lo, hi := Wilson(c.s, c.n)
		if math.Abs(lo-c.lo) > 1e-5 || math.Abs(hi-c.hi) > 1e-5 {
			t.Errorf("Wilson(%d, %d) = %.6f, %.6f, want %.6f, %.6f", c.s, c.n, lo, hi, c.lo, c.hi)
		}
	}
	r := NewRate("", 45, 50)
	if r.RateBP != 9000 || r.LowBP != 7864 || r.HighBP != 9565 {
		t.Errorf("NewRate = %+v", r)
	}
}

func TestAllocate(t *testing.T) {
	for _, c := range []struct {
		sizes []int
		n     int
		want  []int
	}{{[]int{600, 300, 100}, 278, []int{167, 83, 28}}, {[]int{1, 1, 1}, 2, []int{1, 1, 0}}, {[]int{5, 3}, 8, []int{5, 3}}, {[]int{3, 3}, 10, []int{3, 3}}} {
		if got := Allocate(c.sizes, c.n); !slices.Equal(got, c.want) {
			t.Errorf("Allocate(%v, %d) = %v, want %v", c.sizes, c.n, got, c.want)
		}
	}
}

func TestDrawSample(t *testing.T) {
	var pop []Recipient
	for i := range 1000 {
		code := "320116004001"
		if i%10 >= 6 {
			code = "320116004002"
		}
		if i%10 == 9 {
			code = "320116004003"
		}
		pop = append(pop, Recipient{PersonID: int64(1000 + i*7%1000), PlaceCode: code})
	}
	n := SampleSize(len(pop), 500)
	a := DrawSample(pop, n, 42)
	// the order of the population does not matter
	rev := slices.Clone(pop)
	slices.Reverse(rev)
	b := DrawSample(rev, n, 42)
	c := DrawSample(pop, n, 43)
	ids := func(xs []Recipient) []int64 {
		var out []int64
		for _, x := range xs {
			out = append(out, x.PersonID)
		}
		return out
	}
	if len(a) != 278 || !slices.Equal(ids(a), ids(b)) {
		t.Fatalf("same seed, same population: %d vs %d, equal %v", len(a), len(b), slices.Equal(ids(a), ids(b)))
	}
	if slices.Equal(ids(a), ids(c)) {
		t.Fatal("a different seed draws the same sample")
	}
	per := map[string]int{}
	seen := map[int64]bool{}
	for _, x := range a {
		per[x.PlaceCode]++
		if seen[x.PersonID] {
			t.Fatalf("person %d drawn twice", x.PersonID)
		}
		seen[x.PersonID] = true
	}
	// strata of 600, 300, 100 share 278 in proportion: 166.8, 83.4, 27.8 → 167, 83, 28
	if per["320116004001"] != 167 || per["320116004002"] != 83 || per["320116004003"] != 28 {
		t.Fatalf("strata %v", per)
	}
}

func TestIndicatorMeasure(t *testing.T) {
	for _, c := range []struct {
		ind  Indicator
		want string
	}{
		{Indicator{Name: "个案服务", Unit: "次"}, "entries:casework"},
		{Indicator{Name: "开展小组活动", Unit: "节"}, "entries:group"},
		{Indicator{Name: "社区活动", Unit: "场"}, "entries:community"},
		{Indicator{Name: "志愿者培训", Unit: "期"}, "entries:training"},
		// an indicator naming no kind counts nothing until the office says what it counts, never
		// every entry of the contract (issue 11 item 6)
		{Indicator{Name: "入户探访", Unit: "次"}, "none"},
		{Indicator{Name: "活动次数", Unit: "次"}, "none"},
		{Indicator{Name: "各类活动", Unit: "次"}, "entries"},
		{Indicator{Name: "上门探访", Unit: "次", Measure: "tag:上门探访"}, "tag:上门探访"},
		{Indicator{Name: "助餐人次", Unit: "人次"}, "visits"},
		{Indicator{Name: "服务对象", Unit: "人"}, "people"},
		{Indicator{Name: "服务家庭", Unit: "户"}, "people"},
		{Indicator{Name: "志愿服务时长", Unit: "小时"}, "volunteer_hours"},
		{Indicator{Name: "服务对象满意度", Unit: "%"}, "satisfaction"},
		{Indicator{Name: "结案率", Unit: "%"}, "none"},
		{Indicator{Name: "走访", Unit: "次", Measure: "visits"}, "visits"},
	} {
		if got := IndicatorMeasure(c.ind); got != c.want {
			t.Errorf("IndicatorMeasure(%+v) = %q, want %q", c.ind, got, c.want)
		}
	}
	f := FieldErrors{}
	checkIndicators(f, "outputs", []Indicator{{Name: "x", Target: 1, Measure: "bogus"}, {Name: "y", Target: 1, Measure: "entries:group"},
		{Name: "z", Target: 1, Measure: "tag:上门探访"}, {Name: "w", Target: 1, Measure: "tag:"}, {Name: "v", Target: 1, Measure: "tag:a,b"}}, true)
	if f["outputs.0.measure"] != "choice" || f["outputs.1.measure"] != "" || f["outputs.2.measure"] != "" ||
		f["outputs.3.measure"] != "choice" || f["outputs.4.measure"] != "choice" {
		t.Fatalf("measure validation %v", f)
	}
	tot := LedgerTotals{Entries: 9, ByKind: map[string]int64{ActivityCasework: 5, ActivityGroup: 4}, ByTag: map[string]int64{"上门探访": 3}}
	for m, want := range map[string]int64{"entries": 9, "entries:casework": 5, "entries:group": 4, "tag:上门探访": 3, "tag:助餐": 0} {
		if got, ok := MeasureDone(m, tot); !ok || got != want {
			t.Errorf("MeasureDone(%q) = %d, %v; want %d", m, got, ok, want)
		}
	}
}

func TestEntryTags(t *testing.T) {
	if got := SplitTags("上门探访、助餐, 上门探访，　电话关怀"); !slices.Equal(got, []string{"上门探访", "助餐", "电话关怀"}) {
		t.Fatalf("SplitTags: %q", got)
	}
	e := &ServiceEntry{Kind: "casework", Title: "探访", HeldOn: "2026-12-01", Communities: []string{"320116004001"}, Counted: 1, Summary: "探访",
		Tags: []string{"上门探访", "a:b", strings.Repeat("长", 21), "1", "2", "3"}}
	got := AsError(e.Validate()).Fields
	if got["tags"] != "too_many:5" || got["tags.1"] != "ledger.tag_format" || got["tags.2"] != "too_long:20" || got["tags.0"] != "" {
		t.Fatalf("tag errors %v", got)
	}
}

func TestServiceEntryValidate(t *testing.T) {
	e := &ServiceEntry{Kind: "group", Title: "手工小组", HeldOn: "2026-12-01", StartTime: "09:00", EndTime: "10:30",
		Communities: []string{"320116004001", " 320116004001"}, Counted: 12, Summary: "十二位老人参加",
		Volunteers: []Volunteer{{Name: "李四", Minutes: 90}}}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if e.Minutes != 90 || len(e.Communities) != 1 || e.VolunteerMinutes() != 90 {
		t.Fatalf("normalized %+v", e)
	}
	bad := &ServiceEntry{Kind: "party", HeldOn: "2026-13-01", StartTime: "10:00", EndTime: "09:00", Volunteers: []Volunteer{{Minutes: 0}}}
	err := bad.Validate()
	want := map[string]string{"kind": "choice", "title": "required", "held_on": "date.format", "end_time": "ledger.end_before_start",
		"communities": "required", "counted": "ledger.no_participants", "volunteers.0.name": "required",
		"volunteers.0.minutes": "range:1-1440", "summary": "required"}
	got := AsError(err).Fields
	for k, v := range want {
		if got[k] != v {
			t.Errorf("field %s: %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if !EvidenceNameOK("a.PNG") || EvidenceNameOK("a.docx") || !EvidenceTypeOK("image/webp") || EvidenceTypeOK("application/zip") {
		t.Fatal("evidence kinds")
	}
}

func TestIndicatorUnchosen(t *testing.T) {
	for _, tt := range []struct {
		ind  Indicator
		want bool
	}{
		{Indicator{Name: "上门探访", Unit: "次"}, true},
		{Indicator{Name: "活动次数", Unit: "场"}, true},
		{Indicator{Name: "上门探访", Unit: "次", Measure: MeasureTagPrefix + "上门探访"}, false},
		{Indicator{Name: "个案服务", Unit: "个"}, false},
		{Indicator{Name: "各类活动", Unit: "次"}, false},
		{Indicator{Name: "服务人数", Unit: "人"}, false},
		{Indicator{Name: "满意度", Unit: "%"}, false},
		{Indicator{Name: "活动次数", Unit: "次", Measure: MeasureNone}, false}, // chosen: counts nothing on purpose
	} {
		if got := IndicatorUnchosen(tt.ind); got != tt.want {
			t.Errorf("%+v: %v, want %v", tt.ind, got, tt.want)
		}
	}
	if got := UnchosenIndicators(ContractTerms{Outputs: []Indicator{{Name: "上门探访", Unit: "次"}, {Name: "小组活动", Unit: "节"}},
		Outcomes: []Indicator{{Name: "活动次数", Unit: "次"}}}); len(got) != 2 || got[0] != "上门探访" || got[1] != "活动次数" {
		t.Errorf("UnchosenIndicators: %v", got)
	}
}
