// Helpers every capability's services share: who the caller is, the role checks that every
// rule is built from, history lines, dates and the to-do line type.

package kernel

import (
	"context"
	"strconv"

	"gongzhi"
	"gongzhi/internal/store"
)

// SignedIn refuses the anonymous caller (EUNAUTHORIZED).
func SignedIn(ac *gongzhi.Actor) error {
	if ac == nil || ac.User == nil {
		return &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.unauthorized"}
	}
	return nil
}

// HasRole reports whether the caller is signed in with one of roles, or is the command line
// (which may do anything). Each capability's rules (its rules.go) are built from it.
func HasRole(ac *gongzhi.Actor, roles ...string) bool {
	return ac != nil && ac.User != nil && (ac.IsSystem() || ac.Has(roles...))
}

// Allow turns a rule's answer into a service method's refusal: EUNAUTHORIZED for the anonymous
// caller, EFORBIDDEN when the rule does not allow the signed-in one, nil otherwise.
func Allow(ac *gongzhi.Actor, allowed bool) error {
	if err := SignedIn(ac); err != nil {
		return err
	}
	if !allowed {
		return gongzhi.Forbidden()
	}
	return nil
}

// inPlace reports whether a place code is within the caller's place scope.
func InPlace(ac *gongzhi.Actor, code string) bool {
	return ac.IsSystem() || ac.SeesPlace(code)
}

// identity is who the caller is, for history lines.
func Identity(ac *gongzhi.Actor) (int64, string, string) {
	if ac == nil || ac.User == nil {
		return 0, "anonymous", ""
	}
	return ac.User.ID, ac.User.Username, ac.User.Role
}

func UserID(ac *gongzhi.Actor) int64 {
	id, _, _ := Identity(ac)
	return id
}

func ActorName(ac *gongzhi.Actor) string {
	_, n, _ := Identity(ac)
	return n
}

// placePrefix returns the significant prefix of a place code, from its level in storage.
func PlacePrefix(ctx context.Context, q *store.Q, code string) (string, int, error) {
	lvl, err := q.PlaceExists(ctx, code)
	if err != nil {
		return "", 0, err
	}
	if lvl == 0 {
		return "", 0, gongzhi.NotFound()
	}
	return gongzhi.PlacePrefix(code, lvl), lvl, nil
}

// today is the current date in China Standard Time.
func (a *Kernel) Today() string { return gongzhi.DateOf(a.NowUTC()) }

// change appends one line of state history inside the caller's transaction.
func (a *Kernel) Change(ctx context.Context, q *store.Q, ac *gongzhi.Actor, c gongzhi.StateChange) error {
	c.At = a.NowUTC()
	c.UserID, c.Username, c.Role = Identity(ac)
	return q.InsertStateChange(ctx, &c)
}

func Id10(id int64) string { return strconv.FormatInt(id, 10) }

func Itoa(n int) string { return strconv.Itoa(n) }

// Todo is one line of a to-do list (defined in the domain).
type Todo = gongzhi.Todo
