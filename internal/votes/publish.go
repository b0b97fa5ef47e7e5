// The votes' records on the public ledger (internal/publog; docs/ledger.md, docs/votes.md), each
// appended in the transaction of the change it records, checked against the database by
// `gongzhi log verify --db`, and recounted by `gongzhi log verify --recount VOTE`. Version 1
// bodies:
//
//   - ballot.cast: vote_id, choice (option positions, sorted), channel (online, paper, proxy),
//     and tracker (secret ballot: a random code only the voter learns) or voter (open ballot: the
//     voter's pseudonym — the household's for a household vote);
//   - vote.result: vote_id, community, the rules the count needs (ballot_kind, options,
//     max_choices, budget_fen, costs_fen, quorum_pct, threshold, threshold_base), electors,
//     cast, counts (by position), quorum_met, passed, chosen (positions in the order chosen) and
//     trackers_sha256 (SHA-256 of the counted trackers, sorted, one per line).
//
// No personal data: no name, no person id; a secret ballot's tracker is not linked to its voter
// anywhere on the ledger.

package votes

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
)

// The votes' record types and their version.
const (
	RecBallot     = "ballot.cast"
	RecResult     = "vote.result"
	RecordVersion = 1
)

// voterPseudonym is an open ballot's voter on the ledger: the person's pseudonym
// (publog.Pseudonym), or for a household vote the household's, derived with the same key over
// "household\0<id>" as "h-" and 24 hex digits.
func (a *Service) voterPseudonym(e *store.Elector) string {
	key := a.Box.DeriveKey(publog.PseudonymKeyLabel)
	if strings.HasPrefix(e.Voter, "h") {
		m := hmac.New(sha256.New, key)
		m.Write([]byte("household\x00" + strconv.FormatInt(e.HouseholdID, 10)))
		return "h-" + hex.EncodeToString(m.Sum(nil)[:12])
	}
	return publog.Pseudonym(key, e.PersonID)
}

// TrackersDigest is the SHA-256 of the counted trackers, sorted, one per line.
func TrackersDigest(trackers []string) string {
	s := slices.Clone(trackers)
	slices.Sort(s)
	sum := sha256.Sum256([]byte(strings.Join(s, "\n")))
	return hex.EncodeToString(sum[:])
}

func resultBody(v *gongzhi.Vote, t gongzhi.Tally, cs []store.VoteChoice) map[string]any {
	costs := make([]int64, len(v.Options))
	for i, o := range v.Options {
		costs[i] = int64(o.Cost)
	}
	trackers := make([]string, len(cs))
	for i, c := range cs {
		trackers[i] = c.Tracker
	}
	return map[string]any{"vote_id": v.ID, "community": v.PlaceCode, "ballot_kind": v.BallotKind, "options": len(v.Options),
		"max_choices": v.MaxChoices, "budget_fen": int64(v.Budget), "costs_fen": costs, "quorum_pct": v.QuorumPct,
		"threshold": v.Threshold, "threshold_base": v.ThresholdBase, "electors": t.Electors, "cast": t.Cast,
		"counts": toInt64s(t.Counts), "quorum_met": t.QuorumMet, "passed": t.Passed, "chosen": toInt64s(t.Chosen),
		"trackers_sha256": TrackersDigest(trackers)}
}

// Recount is a vote's tally recomputed from the ledger's records alone.
type Recount struct {
	VoteID    int64
	Ballots   int           // ballot.cast records of the vote
	Tally     gongzhi.Tally // recomputed under the rules the result record states
	Published bool          // a vote.result record was found
	// Problems are the differences between the recount and the published result (empty: the
	// published result is exactly what the ballots make).
	Problems []string
}

// RecountVote recomputes a vote's result from the log's records (leaves, in index order, as
// publog.Verify keeps them after checking them against the signed tree): every ballot.cast
// record of the vote, under the rules its vote.result record states, with the same counting
// function that closed it (gongzhi.Vote.Count), and compares the two. A tracker counted twice,
// a ballot after the result, a count, quorum, pass or choice that differs is a problem.
func RecountVote(leaves [][]byte, voteID int64) (*Recount, error) {
	out := &Recount{VoteID: voteID}
	var choices [][]int
	var trackers []string
	seen := map[string]bool{}
	var result *publog.Record
	for i, leaf := range leaves {
		r, err := publog.Decode(leaf)
		if err != nil {
			return nil, fmt.Errorf("record #%d: %w", i, err)
		}
		if (r.Type != RecBallot && r.Type != RecResult) || r.Int("vote_id") != voteID {
			continue
		}
		if r.Type == RecResult {
			if result != nil {
				out.Problems = append(out.Problems, fmt.Sprintf("record #%d: a second result", i))
				continue
			}
			rr := r
			result = &rr
			continue
		}
		if result != nil {
			out.Problems = append(out.Problems, fmt.Sprintf("record #%d: a ballot after the result", i))
			continue
		}
		t := r.Str("tracker") + r.Str("voter")
		if seen[t] {
			out.Problems = append(out.Problems, fmt.Sprintf("record #%d: tracker %s counted twice", i, t))
			continue
		}
		seen[t] = true
		trackers = append(trackers, t)
		choices = append(choices, intsOf(r.Body["choice"]))
		out.Ballots++
	}
	if result == nil {
		return out, nil
	}
	out.Published = true
	r := *result
	v := &gongzhi.Vote{ID: voteID, BallotKind: r.Str("ballot_kind"), MaxChoices: int(r.Int("max_choices")),
		Budget: gongzhi.Money(r.Int("budget_fen")), QuorumPct: int(r.Int("quorum_pct")), Threshold: r.Str("threshold"),
		ThresholdBase: r.Str("threshold_base")}
	costs := intsOf(r.Body["costs_fen"])
	for i := range int(r.Int("options")) {
		o := gongzhi.VoteOption{Position: i + 1}
		if i < len(costs) {
			o.Cost = gongzhi.Money(costs[i])
		}
		v.Options = append(v.Options, o)
	}
	for _, c := range choices {
		if _, err := v.CheckChoice(c); err != nil {
			out.Problems = append(out.Problems, fmt.Sprintf("a ballot the rules refuse: %v", c))
		}
	}
	out.Tally = v.Count(int(r.Int("electors")), choices)
	cmp := func(name string, published, recounted any) {
		if fmt.Sprint(published) != fmt.Sprint(recounted) {
			out.Problems = append(out.Problems, fmt.Sprintf("%s: published %v, recounted %v", name, published, recounted))
		}
	}
	cmp("cast", r.Int("cast"), int64(out.Tally.Cast))
	cmp("counts", intsOf(r.Body["counts"]), out.Tally.Counts)
	cmp("quorum_met", r.Body["quorum_met"], out.Tally.QuorumMet)
	cmp("passed", r.Body["passed"], out.Tally.Passed)
	cmp("chosen", intsOf(r.Body["chosen"]), nonNil(out.Tally.Chosen))
	cmp("trackers_sha256", r.Str("trackers_sha256"), TrackersDigest(trackers))
	return out, nil
}

func nonNil(xs []int) []int {
	if xs == nil {
		return []int{}
	}
	return xs
}

// intsOf reads a list of integers of a record's body (as built, or as decoded).
func intsOf(v any) []int {
	out := []int{}
	switch x := v.(type) {
	case []int64:
		for _, n := range x {
			out = append(out, int(n))
		}
	case []int:
		out = append(out, x...)
	case []any:
		for _, e := range x {
			if n, err := strconv.ParseInt(fmt.Sprint(e), 10, 64); err == nil {
				out = append(out, int(n))
			}
		}
	}
	return out
}

func init() {
	publog.RegisterCheck(RecBallot, RecordVersion, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		t := r.Str("tracker") + r.Str("voter")
		c, err := q.VoteChoiceOf(ctx, r.Int("vote_id"), t)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return "the counted ballot is gone", nil
		} else if err != nil {
			return "", err
		}
		var d publog.Differ
		d.Field("choice", fmt.Sprint(intsOf(r.Body["choice"])), fmt.Sprint(c.Choice))
		d.Field("channel", r.Str("channel"), c.Channel)
		return d.String(), nil
	})
	publog.RegisterCheck(RecResult, RecordVersion, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		v, err := q.GetVote(ctx, store.Scope{}, r.Int("vote_id"))
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return "the vote is gone", nil
		} else if err != nil {
			return "", err
		}
		var d publog.Differ
		d.Field("community", r.Str("community"), v.PlaceCode)
		d.Field("electors", r.Int("electors"), int64(v.Electors))
		d.Field("cast", r.Int("cast"), int64(v.Cast))
		d.Field("quorum_met", fmt.Sprint(r.Body["quorum_met"]), fmt.Sprint(v.QuorumMet))
		d.Field("passed", fmt.Sprint(r.Body["passed"]), fmt.Sprint(v.Passed))
		d.Field("state", gongzhi.VoteClosed, v.State)
		return d.String(), nil
	})
}
