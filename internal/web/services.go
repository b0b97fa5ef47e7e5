// The services the kit itself calls: finding the actor of a request, the health check, a record's
// change history for the generic record pages, and the few look-ups the shared views make (place,
// organization, target group and category names). *app.App implements it; each capability's
// part calls its own service, never this.

package web

import (
	"context"

	"gongzhi"
)

// Services is what the kit needs of the service layer.
type Services interface {
	// SessionActor returns the actor and the CSRF token of a session cookie's value.
	SessionActor(ctx context.Context, token, ip string) (*gongzhi.Actor, string, error)
	// TokenActor returns the actor of an API token.
	TokenActor(ctx context.Context, token, ip string) (*gongzhi.Actor, error)
	// Health pings the database and names its dialect.
	Health(ctx context.Context) (string, error)
	// History is the change history of a registry record or an account the actor may see.
	History(ctx context.Context, ac *gongzhi.Actor, entity, id string) ([]*gongzhi.AuditEntry, error)
	// Places and Organizations list those within the actor's scope.
	Places(ctx context.Context, ac *gongzhi.Actor, opts gongzhi.ListOptions, each func(*gongzhi.Place) error) (int, error)
	Organizations(ctx context.Context, ac *gongzhi.Actor, opts gongzhi.ListOptions, each func(*gongzhi.Organization) error) (int, error)
	// PlaceNamesAt returns the codes and names of the places of a level in the actor's scope.
	PlaceNamesAt(ctx context.Context, ac *gongzhi.Actor, level int) ([]gongzhi.NamedCode, error)
	// TargetGroups lists the target groups to a signed-in actor, PublicTargetGroups to anyone.
	TargetGroups(ctx context.Context, ac *gongzhi.Actor) ([]gongzhi.TargetGroup, error)
	PublicTargetGroups(ctx context.Context) ([]gongzhi.TargetGroup, error)
	// PublicPlaces lists places under a code ("" for all), to anyone.
	PublicPlaces(ctx context.Context, under string, opts gongzhi.ListOptions, each func(*gongzhi.Place) error) (int, error)
	// PublicPlace returns a place by its code, to anyone.
	PublicPlace(ctx context.Context, code string) (*gongzhi.Place, error)
	// ServiceCategories is the service catalog (active entries only, if activeOnly).
	ServiceCategories(ctx context.Context, activeOnly bool) ([]*gongzhi.ServiceCategory, error)
	// PublicVersion names the state of what anonymous public pages show (public_cache.go).
	PublicVersion(ctx context.Context) (gongzhi.PublicVersion, error)
}
