// A user's own sessions and last sign-in, and the daily disabling of accounts left unused
// (等保 level 3: sessions limited and listed, the last sign-in shown, unused accounts disabled).

package accounts

import (
	"context"
	"slices"
	"strconv"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
)

// MySessions is what a signed-in user sees of their account's sign-ins.
type MySessions struct {
	Sessions    []store.SessionInfo `json:"sessions"`
	LastSignIn  *store.SignIn       `json:"last_sign_in"` // the sign-in before the latest one; null when there was none
	MaxSessions int                 `json:"max_sessions"`
}

// OwnSessions lists the actor's live sessions (current marks the one whose cookie value is
// current) and their sign-in before the latest.
func (a *Service) OwnSessions(ctx context.Context, ac *gongzhi.Actor, current string) (*MySessions, error) {
	if err := kernel.Allow(ac, MayKeepOwnSessions(ac)); err != nil {
		return nil, err
	}
	q := a.DB.Q()
	list, err := q.UserSessions(ctx, ac.User.ID, a.NowUTC())
	if err != nil {
		return nil, err
	}
	if current != "" {
		id := secret.SHA256(current)[:store.SessionIDLen]
		for i := range list {
			list[i].Current = list[i].ID == id
		}
	}
	last, err := q.PreviousSignIn(ctx, ac.User.ID)
	if err != nil {
		return nil, err
	}
	out := &MySessions{Sessions: list, MaxSessions: a.Cfg.MaxSessions}
	if !last.At.IsZero() {
		out.LastSignIn = &last
	}
	return out, nil
}

// EndOwnSession ends one of the actor's own sessions by its shown ID (ENOTFOUND for any other).
func (a *Service) EndOwnSession(ctx context.Context, ac *gongzhi.Actor, id string) error {
	if err := kernel.Allow(ac, MayKeepOwnSessions(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		n, err := q.DeleteUserSession(ctx, ac.User.ID, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return gongzhi.NotFound()
		}
		return a.WriteAudit(ctx, q, ac, "end_session", kernel.ResUsers, strconv.FormatInt(ac.User.ID, 10), nil, nil, "session="+id)
	})
}

// DisableInactive disables every enabled account unused for Cfg.InactiveAfter at the app's clock
// (no sign-in, session activity or API token use, and not enabled again since), each in its own
// transaction with its audit entry as the system actor ac, and ends their sessions. Roles in
// Cfg.PolicyExempt are spared, and so is the last enabled account of each administrator role,
// which only the command line could replace; a system administrator enables an account again.
// Returns how many it disabled.
func (a *Service) DisableInactive(ctx context.Context, ac *gongzhi.Actor) (int, error) {
	if err := kernel.Allow(ac, ac.IsSystem()); err != nil {
		return 0, err
	}
	if a.Cfg.InactiveAfter < 0 {
		return 0, nil
	}
	now := a.NowUTC()
	cutoff := now.Add(-a.Cfg.InactiveAfter)
	list, err := a.DB.Q().InactiveUsers(ctx, cutoff, a.Cfg.PolicyExempt)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range list {
		done := false
		err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			if gongzhi.IsAdminRole(u.Role) {
				// every enabled administrator of the role is locked, so that two runs together
				// cannot each leave the other as the last one
				ids, err := q.LockEnabledOfRole(ctx, u.Role)
				if err != nil || len(ids) < 2 || !slices.Contains(ids, u.ID) {
					return err
				}
			}
			var err error
			if done, err = q.DisableUser(ctx, u.ID, now); err != nil || !done {
				return err
			}
			return a.WriteAudit(ctx, q, ac, "disable_inactive", kernel.ResUsers, strconv.FormatInt(u.ID, 10), nil, nil,
				"username="+u.Username+"; unused_since="+cutoff.Format("2006-01-02"))
		})
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}
