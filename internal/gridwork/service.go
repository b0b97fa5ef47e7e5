// Package gridwork runs grid work (网格化管理, docs/grids.md, docs/domain.md §7): grid teams with
// their posts and A/B stand-ins, each grid's responsibility list, grid boundaries imported from
// GeoJSON and drawn as maps, household visits (入户走访) with their plan, findings that turn into
// needs or grid events, and the visit figures per grid, community and street.
package gridwork

import (
	"context"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/store"
)

// Service is the grid work capability's service layer. It builds on purchase (a finding turns
// into a need) and the registry below it (grids, households, people), whose methods it offers as
// its own.
type Service struct {
	*purchase.Service

	// ReportEvent reports an event inside the caller's transaction q (the events capability's
	// Report); EventCategories lists the active event categories. Both are set by the wiring
	// (internal/app) so that a finding becomes an event without grid work depending on the
	// events capability; while they are nil, findings do not become events (EINVALID).
	ReportEvent     func(ctx context.Context, q *store.Q, ac *gongzhi.Actor, n gongzhi.NewEvent) (*gongzhi.Event, error)
	EventCategories func(ctx context.Context) ([]*gongzhi.EventCategory, error)
	// GridEvents returns the events of a grid for its page (nil for those who do not read
	// events), set by the wiring too.
	GridEvents func(ctx context.Context, ac *gongzhi.Actor, gridID int64, n int) (*gongzhi.GridEvents, error)
	// OpenEventsByGrid counts the open events of each grid under a place code prefix for the
	// map (nil for those who do not read events), set by the wiring too.
	OpenEventsByGrid func(ctx context.Context, ac *gongzhi.Actor, prefix string) (map[int64]int, error)
}

// New returns the service over the ones below it.
func New(p *purchase.Service) *Service { return &Service{Service: p} }

// Audit entities.
const (
	ResMembers    = "grid_members"
	ResDuties     = "grid_duties"
	ResBoundaries = "grid_boundaries"
	ResVisits     = "visits"
	ResFindings   = "visit_findings"
)

// VisitFilter narrows a list of visits (grid, household, period, limit): the store's own, named
// here so that the web package needs no storage import.
type VisitFilter = store.VisitFilter
