// What anyone may read of the registry without an account: the names and codes of places and
// the target groups — public administrative data, never people.

package registry

import (
	"context"

	"gongzhi"
	"gongzhi/internal/store"
)

// PublicPlaces lists the places under the place code under ("" for every place) that opts
// selects. Anyone may, signed in or not: division names and codes are public administrative data.
func (a *Service) PublicPlaces(ctx context.Context, under string, opts gongzhi.ListOptions, each func(*gongzhi.Place) error) (int, error) {
	q := a.DB.Q()
	var scope store.Scope
	if under != "" {
		lvl, err := q.PlaceExists(ctx, under)
		if err != nil || lvl == 0 {
			return 0, err
		}
		scope.Prefix = gongzhi.PlacePrefix(under, lvl)
	}
	return q.ListPlaces(ctx, scope, opts, each)
}

// PublicPlace returns a place by its code, to anyone (see PublicPlaces).
func (a *Service) PublicPlace(ctx context.Context, code string) (*gongzhi.Place, error) {
	return a.DB.Q().GetPlace(ctx, store.Scope{}, code)
}

// PublicTargetGroups lists the target groups, to anyone: the public pages name the groups a call
// or a project serves.
func (a *Service) PublicTargetGroups(ctx context.Context) ([]gongzhi.TargetGroup, error) {
	return a.DB.Q().ListTargetGroups(ctx)
}
