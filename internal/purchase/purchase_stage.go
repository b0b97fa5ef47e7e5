// What a call waits for before its next move, so that a page offers a move only when it can be
// made: the scores still missing before a call in review can be ranked.

package purchase

import (
	"context"
	"slices"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// ScoresMissing counts the scores still to come before a call in review can be ranked, as
// RankCall counts them (tallyScores), which refuses while any is missing (scores:
// review.incomplete:MISSING). Those who read the call's purchase records may ask, within scope;
// 0 for a call that is not in review.
func (a *Service) ScoresMissing(ctx context.Context, ac *gongzhi.Actor, callID int64) (int, error) {
	if err := kernel.Allow(ac, MayReadPurchases(ac)); err != nil {
		return 0, err
	}
	q := a.DB.Q()
	c, err := q.GetCall(ctx, kernel.PlaceScope(ac), callID)
	if err != nil {
		return 0, err
	}
	if c.State != gongzhi.CallReviewing {
		return 0, nil
	}
	t, err := tallyScores(ctx, q, callID)
	if err != nil {
		return 0, err
	}
	return t.missing, nil
}

// scoreTally is a call's scores as the ranking counts them: the eligible applications, the
// scores that count for each, and how many are still missing.
type scoreTally struct {
	apps    []*gongzhi.Application
	stats   map[int64]store.ScoreStats // by application: the scores that count
	missing int
}

// tallyScores counts a call's scores for the ranking: for each eligible application, every
// active panel member not affiliated with the applicant nor in a declared conflict with it is
// expected to score it, and only their scores count; missing is what is expected less what
// counts. The one count RankCall and ScoresMissing share.
func tallyScores(ctx context.Context, q *store.Q, callID int64) (*scoreTally, error) {
	t := &scoreTally{}
	if _, err := q.ListApplications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": kernel.Id10(callID),
		"state": gongzhi.AppEligible}}, func(ap *gongzhi.Application) error { t.apps = append(t.apps, ap); return nil }); err != nil {
		return nil, err
	}
	members, err := q.ListPanel(ctx, callID)
	if err != nil {
		return nil, err
	}
	conflicts, err := q.CallConflicts(ctx, callID)
	if err != nil {
		return nil, err
	}
	orgOf := map[int64]int64{}
	var active []int64
	for _, m := range members {
		if m.Active() {
			active = append(active, m.PersonID)
			if orgOf[m.PersonID], err = q.PersonOrg(ctx, m.PersonID); err != nil {
				return nil, err
			}
		}
	}
	excluded := map[int64][]int64{}
	expected := make([]int, len(t.apps))
	for i, ap := range t.apps {
		for _, p := range active {
			if orgOf[p] == ap.OrgID || slices.Contains(conflicts[p], ap.OrgID) {
				excluded[p] = append(excluded[p], ap.ID)
			} else {
				expected[i]++
			}
		}
	}
	if t.stats, err = q.CountingScores(ctx, callID, active, excluded); err != nil {
		return nil, err
	}
	for i, ap := range t.apps {
		t.missing += max(expected[i]-t.stats[ap.ID].N, 0)
	}
	return t, nil
}
