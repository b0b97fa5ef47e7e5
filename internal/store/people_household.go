// A person's household set on its own: a household page adding an existing person as a member.

package store

import (
	"context"
	"time"
)

// SetPersonHousehold moves person id from household from (0: none) into household to. It reports
// false when the person's household is no longer from (another change came first).
func (q *Q) SetPersonHousehold(ctx context.Context, id, from, to int64, now time.Time) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE people SET household_id = ?, updated_at = ? WHERE id = ? AND COALESCE(household_id, 0) = ?`,
		nullID(to), now.UTC(), id, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
