// Who signed, confirmed and recorded: the contract's records keep the account's username (a
// stable key); its pages and printout show the account's display name, the office or the
// organization as people know it.

package purchase

import (
	"context"

	"gongzhi"
	"gongzhi/internal/kernel"
)

// AccountNames maps the usernames kept on a contract's records (versions drafted and
// confirmed, payments recorded) to the accounts' display names; a username with no account
// (removed, or the command line's "system") maps to itself. Those who may read contracts may
// ask.
func (a *Service) AccountNames(ctx context.Context, ac *gongzhi.Actor, usernames []string) (map[string]string, error) {
	if err := kernel.Allow(ac, MayReadContracts(ac)); err != nil {
		return nil, err
	}
	out := map[string]string{}
	q := a.DB.Q()
	for _, n := range usernames {
		if _, ok := out[n]; ok || n == "" {
			continue
		}
		out[n] = n
		u, _, err := q.UserByUsername(ctx, n)
		switch {
		case err == nil && u.DisplayName != "":
			out[n] = u.DisplayName
		case err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND:
			return nil, err
		}
	}
	return out, nil
}
