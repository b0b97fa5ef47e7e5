package gongzhi

import (
	"slices"
	"testing"
	"time"
)

// TestVoteCount: quorum and threshold at their boundaries (exactly at them, one below), for
// each threshold and base, and a participatory budget's choice over its total.
func TestVoteCount(t *testing.T) {
	yn := func(th, base string, quorum int) *Vote {
		v := &Vote{Title: "x", Electorate: ElectorateResidents, BallotKind: BallotYesNo, QuorumPct: quorum, Threshold: th, ThresholdBase: base}
		v.Validate()
		return v
	}
	ballots := func(yes, no, abstain int) [][]int {
		var out [][]int
		for range yes {
			out = append(out, []int{1})
		}
		for range no {
			out = append(out, []int{2})
		}
		for range abstain {
			out = append(out, []int{3})
		}
		return out
	}
	for _, c := range []struct {
		name          string
		v             *Vote
		electors      int
		yes, no, abst int
		quorum, pass  bool
	}{
		{"quorum exactly met", yn(ThresholdMajority, BaseCast, 50), 10, 5, 0, 0, true, true},
		{"quorum one below", yn(ThresholdMajority, BaseCast, 50), 10, 4, 0, 0, false, false},
		{"majority: one more than half", yn(ThresholdMajority, BaseCast, 0), 10, 3, 2, 0, true, true},
		{"majority: exactly half is not", yn(ThresholdMajority, BaseCast, 0), 10, 3, 3, 0, true, false},
		{"majority: abstentions count as cast", yn(ThresholdMajority, BaseCast, 0), 10, 3, 1, 2, true, false},
		{"two thirds exactly", yn(ThresholdTwoThirds, BaseCast, 0), 10, 4, 2, 0, true, true},
		{"two thirds one below", yn(ThresholdTwoThirds, BaseCast, 0), 10, 3, 2, 0, true, false},
		{"majority of the electorate exactly", yn(ThresholdMajority, BaseElectorate, 0), 10, 6, 0, 0, true, true},
		{"majority of the electorate: half is not", yn(ThresholdMajority, BaseElectorate, 0), 10, 5, 0, 0, true, false},
		{"two thirds of the electorate exactly", yn(ThresholdTwoThirds, BaseElectorate, 0), 9, 6, 0, 0, true, true},
		{"two thirds of the electorate one below", yn(ThresholdTwoThirds, BaseElectorate, 0), 9, 5, 1, 0, true, false},
	} {
		tl := c.v.Count(c.electors, ballots(c.yes, c.no, c.abst))
		if tl.QuorumMet != c.quorum || tl.Passed != c.pass {
			t.Errorf("%s: quorum %v passed %v, want %v %v", c.name, tl.QuorumMet, tl.Passed, c.quorum, c.pass)
		}
	}
	b := &Vote{Title: "x", Electorate: ElectorateResidents, BallotKind: BallotBudget, Budget: 100, QuorumPct: 0, Threshold: ThresholdMajority,
		ThresholdBase: BaseCast, OpensAt: time.Unix(1, 0), ClosesAt: time.Unix(2, 0), Options: []VoteOption{{Label: "a", Cost: 60}, {Label: "b", Cost: 40}, {Label: "c", Cost: 50}}}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckChoice([]int{1, 2}); err != nil {
		t.Errorf("exactly the total: %v", err)
	}
	if _, err := b.CheckChoice([]int{1, 3}); err == nil || AsError(err).Fields["choice"] != "vote.over_budget:1.10" {
		t.Errorf("over the total: %v", err)
	}
	// funded most-voted first while they fit: c (3 votes, 50) then a (2 votes, 60) does not fit, b (2, 40) does
	tl := b.Count(3, [][]int{{3, 2}, {3, 2}, {3}, {1}, {1}})
	if !slices.Equal(tl.Chosen, []int{3}) {
		t.Errorf("chosen %v", tl.Chosen)
	}
}
