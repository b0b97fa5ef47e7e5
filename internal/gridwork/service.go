// Package gridwork runs grid work (网格化管理, docs/grids.md, docs/domain.md §7): grid teams with
// their posts and A/B stand-ins, each grid's responsibility list, grid boundaries imported from
// GeoJSON and drawn as maps, household visits (入户走访) with their plan, findings that turn into
// needs (and, once events exist, into events), and the visit figures per grid, community and
// street.
package gridwork

import (
	"gongzhi/internal/purchase"
)

// Service is the grid work capability's service layer. It builds on purchase (a finding turns
// into a need) and the registry below it (grids, households, people), whose methods it offers as
// its own.
type Service struct {
	*purchase.Service
}

// New returns the service over the ones below it.
func New(p *purchase.Service) *Service { return &Service{p} }

// Audit entities.
const (
	ResMembers    = "grid_members"
	ResDuties     = "grid_duties"
	ResBoundaries = "grid_boundaries"
	ResVisits     = "visits"
	ResFindings   = "visit_findings"
)
