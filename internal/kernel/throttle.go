package kernel

import (
	"context"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
)

// Limits of the public forms that need no account — needs and objections — per client address.
// Complaints have their own, stricter limits (complaints.go); all of them share one table.
var (
	PublicFormLimit  = 10 // submissions of one form per client address per PublicFormWindow
	PublicFormWindow = time.Hour
)

// throttleAnonymous counts a submission of form from an anonymous caller's address inside the
// transaction, refusing it with ETOOMANY when the address has reached PublicFormLimit within
// PublicFormWindow. Signed-in callers and callers without an address are not throttled. The
// count is taken under the same lock the complaint throttle uses, so concurrent submissions
// cannot slip past the limit on PostgreSQL.
func (a *Kernel) ThrottleAnonymous(ctx context.Context, q *store.Q, ac *gongzhi.Actor, form string) error {
	if ac == nil || ac.User != nil || ac.IP == "" {
		return nil
	}
	now := a.NowUTC()
	if err := q.LockComplaintThrottle(ctx, form, ac.IP); err != nil {
		return err
	}
	n, err := q.ComplaintThrottle(ctx, form, ac.IP, now.Add(-PublicFormWindow))
	if err != nil {
		return err
	}
	if n >= PublicFormLimit {
		return &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "err.too_many_submissions"}
	}
	return q.AddComplaintThrottle(ctx, form, ac.IP, now)
}
