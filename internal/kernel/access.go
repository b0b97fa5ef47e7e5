// Helpers every capability's services share: who the caller is, the role checks that every
// rule is built from, history lines, dates and the to-do line type.

package kernel

import (
	"context"
	"strconv"

	"gongzhi"
	"gongzhi/internal/store"
)

// signedIn refuses the anonymous caller.
func SignedIn(ac *gongzhi.Actor) error {
	if ac == nil || ac.User == nil {
		return &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.unauthorized"}
	}
	return nil
}

// mustBe requires a signed-in caller with one of roles (the command line may do anything).
func MustBe(ac *gongzhi.Actor, roles ...string) error {
	if err := SignedIn(ac); err != nil {
		return err
	}
	if ac.IsSystem() || ac.Has(roles...) {
		return nil
	}
	return gongzhi.Forbidden()
}

// isStaff reports whether the caller reads the purchase records of its place.
func IsStaff(ac *gongzhi.Actor) bool {
	return ac != nil && ac.User != nil && (ac.IsSystem() || ac.Has(PurchaseReaders...))
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

// purchaseReaders see a place's budgets, calls, applications, panels, awards and contracts.
var PurchaseReaders = []string{gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor}
