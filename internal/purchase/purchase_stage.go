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

// ScoresMissing counts the scores still to come before a call in review can be ranked: for each
// eligible application, every active panel member not affiliated with the applicant nor in a
// declared conflict with it, less the scores that count. It counts as RankCall does (which
// refuses while any is missing, scores: review.incomplete:MISSING). Those who read the call's
// purchase records may ask, within scope; 0 for a call that is not in review.
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
	var apps []*gongzhi.Application
	if _, err := q.ListApplications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": kernel.Id10(callID),
		"state": gongzhi.AppEligible}}, func(ap *gongzhi.Application) error { apps = append(apps, ap); return nil }); err != nil {
		return 0, err
	}
	members, err := q.ListPanel(ctx, callID)
	if err != nil {
		return 0, err
	}
	conflicts, err := q.CallConflicts(ctx, callID)
	if err != nil {
		return 0, err
	}
	orgOf := map[int64]int64{}
	var active []int64
	for _, m := range members {
		if m.Active() {
			active = append(active, m.PersonID)
			if orgOf[m.PersonID], err = q.PersonOrg(ctx, m.PersonID); err != nil {
				return 0, err
			}
		}
	}
	excluded := map[int64][]int64{}
	expected := 0
	for _, ap := range apps {
		for _, p := range active {
			if orgOf[p] == ap.OrgID || slices.Contains(conflicts[p], ap.OrgID) {
				excluded[p] = append(excluded[p], ap.ID)
			} else {
				expected++
			}
		}
	}
	stats, err := q.CountingScores(ctx, callID, active, excluded)
	if err != nil {
		return 0, err
	}
	for _, ap := range apps {
		expected -= stats[ap.ID].N
	}
	return max(expected, 0), nil
}
