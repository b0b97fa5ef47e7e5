package gongzhi

import "testing"

func TestElapsedBP(t *testing.T) {
	for _, c := range []struct {
		name, start, end, today string
		want                    int
	}{
		{"before the start", "2026-01-01", "2026-01-10", "2025-12-31", 0},
		{"first day", "2026-01-01", "2026-01-10", "2026-01-01", 1000},
		{"half way", "2026-01-01", "2026-01-10", "2026-01-05", 5000},
		{"last day", "2026-01-01", "2026-01-10", "2026-01-10", 10000},
		{"after the end", "2026-01-01", "2026-01-10", "2026-03-01", 10000},
		{"one-day period", "2026-01-01", "2026-01-01", "2026-01-01", 10000},
		{"end before start", "2026-01-10", "2026-01-01", "2026-01-05", 0},
		{"malformed", "2026-1-1", "2026-01-10", "2026-01-05", 0},
		{"no period", "", "", "2026-01-05", 0},
	} {
		if got := ElapsedBP(c.start, c.end, c.today); got != c.want {
			t.Errorf("%s: ElapsedBP(%s, %s, %s) = %d, want %d", c.name, c.start, c.end, c.today, got, c.want)
		}
	}
}

func TestCovers(t *testing.T) {
	for _, c := range []struct {
		start, end, day string
		want            bool
	}{
		{"2026-01-01", "2026-06-30", "2026-01-01", true},
		{"2026-01-01", "2026-06-30", "2026-06-30", true},
		{"2026-01-01", "2026-06-30", "2026-07-01", false},
		{"2026-01-01", "2026-06-30", "2025-12-31", false},
		{"", "", "2026-01-01", false},
	} {
		if got := Covers(c.start, c.end, c.day); got != c.want {
			t.Errorf("Covers(%s, %s, %s) = %v", c.start, c.end, c.day, got)
		}
	}
}

func TestAverageProgress(t *testing.T) {
	avg, n := AverageProgress([]IndicatorProgress{
		{ContractID: 1, DoneBP: 15000}, // an overshoot counts as 100%
		{ContractID: 1, DoneBP: 2000},
		{ContractID: 2, DoneBP: 4000},
		{ContractID: 2, DoneBP: -10}, // never below zero
	})
	if avg[1] != 6000 || n[1] != 2 || avg[2] != 2000 || n[2] != 2 || len(avg) != 2 {
		t.Fatalf("avg %v n %v", avg, n)
	}
	if a, n := AverageProgress(nil); len(a) != 0 || len(n) != 0 {
		t.Fatal("no progress, no contracts")
	}
}

func TestIsBehind(t *testing.T) {
	for _, c := range []struct {
		progress, elapsed int
		want              bool
	}{
		{5000, 5000, false},
		{4000, 5000, false}, // within the slack
		{3999, 5000, true},
		{9000, 2000, false},
		{0, 10000, true},
	} {
		if got := IsBehind(c.progress, c.elapsed); got != c.want {
			t.Errorf("IsBehind(%d, %d) = %v", c.progress, c.elapsed, got)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, c := range []struct {
		text  string
		names []string
		want  string
	}{
		{"长者助餐服务", nil, "长者助餐服务"},
		{"联系13912345678", nil, "—"},
		{"张三的个案", []string{"张三"}, "—"},
		{"张三的个案", []string{"李四"}, "张三的个案"},
	} {
		if got := Redact(c.text, "—", c.names...); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
