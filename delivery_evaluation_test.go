package gongzhi

import (
	"testing"
	"time"
)

func evalFieldIs(t *testing.T, err error, field, reason string) {
	t.Helper()
	e := AsError(err)
	if err == nil || e.Code != EINVALID || e.Fields[field] != reason {
		t.Fatalf("want EINVALID %s: %s, got %v", field, reason, err)
	}
}

func TestEvalSchemeValidate(t *testing.T) {
	d := DefaultEvalScheme()
	if err := d.Validate(); err != nil {
		t.Fatalf("default scheme: %v", err)
	}
	if len(d.Dimensions) != 8 || d.Dimensions[0].Name != "机构管理" || d.Dimensions[7].Name != "财务管理" {
		t.Fatalf("default dimensions %+v", d.Dimensions)
	}
	cases := []struct {
		name          string
		edit          func(s *EvalScheme)
		field, reason string
	}{
		{"zero weight", func(s *EvalScheme) { s.Dimensions[6].Weight = 0 }, "dimensions.6.weight", "range:1-100"},
		{"weights sum", func(s *EvalScheme) {
			s.Dimensions = s.Dimensions[:7] // without 财务管理 (15)
		}, "dimensions", "eval.weights_sum:85"},
		{"empty dimension name", func(s *EvalScheme) { s.Dimensions[1].Name = " " }, "dimensions.1.name", "required"},
		{"duplicate dimension", func(s *EvalScheme) { s.Dimensions[1].Name = "机构管理" }, "dimensions.1.name", "eval.duplicate"},
		{"duplicate indicator", func(s *EvalScheme) {
			s.Dimensions[0].Indicators[1].Name = s.Dimensions[0].Indicators[0].Name
		}, "dimensions.0.indicators.1.name", "eval.duplicate"},
		{"empty indicator name", func(s *EvalScheme) { s.Dimensions[2].Indicators[0].Name = "" }, "dimensions.2.indicators.0.name", "required"},
		{"indicators do not add up", func(s *EvalScheme) { s.Dimensions[2].Indicators[0].Max = 9 }, "dimensions.2.indicators", "eval.indicators_sum:19"},
		{"no indicators", func(s *EvalScheme) { s.Dimensions[2].Indicators = nil }, "dimensions.2.indicators", "required"},
		{"thresholds not descending", func(s *EvalScheme) { s.Good = 9000 }, "excellent", "eval.thresholds_order"},
		{"threshold above 100", func(s *EvalScheme) { s.Excellent = 10001 }, "excellent", "range:0-100"},
		{"threshold below 0", func(s *EvalScheme) { s.Pass = -1 }, "pass", "range:0-100"},
		{"bar months", func(s *EvalScheme) { s.BarMonths = 121 }, "bar_months", "range:0-120"},
		{"bonus", func(s *EvalScheme) { s.Bonus = 2001 }, "bonus", "range:0-20"},
		{"panel size", func(s *EvalScheme) { s.Panel.MinMembers = 0 }, "panel.min_members", "range:1-30"},
		{"panel kind", func(s *EvalScheme) { s.Panel.Kinds = map[string]int{"astrologer": 1} }, "panel.kinds", "choice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := DefaultEvalScheme()
			c.edit(&s)
			evalFieldIs(t, s.Validate(), c.field, c.reason)
		})
	}
}

func TestEvalGradeBoundaries(t *testing.T) {
	s := DefaultEvalScheme()
	for _, c := range []struct {
		total Points
		grade string
	}{
		{10000, GradeExcellent}, {9000, GradeExcellent}, {8999, GradeGood}, {8000, GradeGood}, {7999, GradePass},
		{6000, GradePass}, {5999, GradeFail}, {0, GradeFail},
	} {
		if g := s.Grade(c.total); g != c.grade {
			t.Errorf("%s: %s, want %s", c.total, g, c.grade)
		}
	}
	s.Excellent, s.Good, s.Pass = 8500, 7500, 5000
	if s.Grade(8500) != GradeExcellent || s.Grade(8499) != GradeGood || s.Grade(5000) != GradePass || s.Grade(4999) != GradeFail {
		t.Fatal("custom thresholds")
	}
}

// sheet spreads a member's total over the sub-indicators in proportion to their maximum, the
// rest on the last one.
func evalSheet(s *EvalScheme, total Points) []Points {
	flat, _ := s.Flat()
	out := make([]Points, len(flat))
	var given Points
	for i, in := range flat {
		if i == len(flat)-1 {
			out[i] = total - given
			break
		}
		out[i] = total * Points(in.Max) / 100
		given += out[i]
	}
	return out
}

func TestEvalResult(t *testing.T) {
	s := DefaultEvalScheme()
	n := s.Count()
	member := func(total Points) EvalMember {
		sc := evalSheet(&s, total)
		return EvalMember{Scores: sc, ScoredAt: ParseDateMust("2026-11-02")}
	}
	// Three sheets: the plain mean per sub-indicator.
	res := ComputeEvalResult(&s, []EvalMember{member(9000), member(9000), member(9000)})
	if res.Rule != AggMean || res.Total != 9000 || res.Grade != GradeExcellent || len(res.Indicators) != n || len(res.Dimensions) != 8 {
		t.Fatalf("three equal sheets: %+v", res)
	}
	var dims Points
	for _, d := range res.Dimensions {
		dims += d.Score
	}
	if dims != res.Total {
		t.Fatalf("dimensions add to %s, total %s", dims, res.Total)
	}
	// One indicator scored 1, 2 and 2 points by three members: mean 1.67 (half up).
	one := func(p ...Points) []EvalMember {
		var ms []EvalMember
		for _, x := range p {
			sc := make([]Points, n)
			sc[0] = x
			ms = append(ms, EvalMember{Scores: sc, ScoredAt: ParseDateMust("2026-11-02")})
		}
		return ms
	}
	if r := ComputeEvalResult(&s, one(100, 200, 200)); r.Indicators[0].Score != 167 || r.Total != 167 {
		t.Fatalf("mean of 1, 2, 2: %s", r.Indicators[0].Score)
	}
	// Five sheets: the highest and lowest of each indicator dropped.
	if r := ComputeEvalResult(&s, one(0, 300, 400, 500, 500)); r.Rule != AggTrimMean || r.Indicators[0].Score != 400 {
		t.Fatalf("trimmed mean of 0, 3, 4, 5, 5: %+v", r.Indicators[0])
	}
	// A sheet not handed in does not count.
	ms := one(300, 500)
	ms = append(ms, EvalMember{})
	if r := ComputeEvalResult(&s, ms); r.Sheets != 2 || r.Members != 3 || r.Indicators[0].Score != 400 {
		t.Fatalf("unscored member counted: %+v", r)
	}
	// Exactly 89.99 is 良好.
	sc := evalSheet(&s, 8999)
	if r := ComputeEvalResult(&s, []EvalMember{{Scores: sc, ScoredAt: ParseDateMust("2026-11-02")}}); r.Total != 8999 || r.Grade != GradeGood {
		t.Fatalf("89.99: %s %s", r.Total, r.Grade)
	}
}

func ParseDateMust(s string) time.Time {
	t, _ := ParseDate(s)
	return t
}

func TestEvalSheetAndPanel(t *testing.T) {
	s := DefaultEvalScheme()
	sc := evalSheet(&s, 8000)
	if total, err := CheckSheet(&s, sc, nil); err != nil || total != 8000 {
		t.Fatalf("sheet: %s %v", total, err)
	}
	sc[0] = 501 // max 5
	_, err := CheckSheet(&s, sc, nil)
	evalFieldIs(t, err, "scores.0", "range:0-5")
	sc[0] = -1
	_, err = CheckSheet(&s, sc, nil)
	evalFieldIs(t, err, "scores.0", "range:0-5")
	_, err = CheckSheet(&s, sc[:3], nil)
	evalFieldIs(t, err, "scores", "eval.scores_count:16")

	r := s.Panel
	for _, c := range []struct {
		kinds []string
		want  string
	}{
		{[]string{MemberExpert, MemberResident}, "eval.panel_size:3"},
		{[]string{MemberExpert, MemberOfficial, MemberOfficial}, "eval.panel_kind.resident:1"},
		{[]string{MemberResident, MemberOfficial, MemberOfficial}, "eval.panel_kind.expert:1"},
		{[]string{MemberResident, MemberOfficial, MemberExpert}, ""},
	} {
		if got := r.PanelMissing(c.kinds); got != c.want {
			t.Errorf("%v: %q, want %q", c.kinds, got, c.want)
		}
	}
	if AddMonths("2026-11-30", 24) != "2028-11-30" || AddMonths("2026-01-31", 1) != "2026-02-28" {
		t.Fatalf("AddMonths %s %s", AddMonths("2026-11-30", 24), AddMonths("2026-01-31", 1))
	}
}
