// Who may do what in grid work: one predicate per rule, asked by the service methods (to refuse)
// and by the pages (to show or hide a link or a button). Scope applies on top: a role a rule
// allows still reaches only the grids of its place.

package gridwork

import (
	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/purchase"
)

// MayReadGridWork: those who read the grids (purchasers, hubs, community staff, grid workers,
// auditors) read grid teams, responsibility lists, maps and the visit figures.
func MayReadGridWork(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleCommunity, gongzhi.RoleGridWorker, gongzhi.RoleAuditor)
}

// MayKeepGridTeams: community staff make up their grids' teams (posts, A/B stand-ins) and keep
// each grid's responsibility list.
func MayKeepGridTeams(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleCommunity) }

// MayImportBoundaries: community staff and purchasers import grid boundaries from GeoJSON.
func MayImportBoundaries(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleCommunity, gongzhi.RolePurchaser)
}

// MayReadVisits: those who read households (purchasers, community staff, grid workers) read the
// visits, the plan and the overdue households: a visit names the people met.
func MayReadVisits(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleCommunity, gongzhi.RoleGridWorker)
}

// MayVisit: grid workers and community staff record household visits.
func MayVisit(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleGridWorker, gongzhi.RoleCommunity)
}

// MayTurnFindingIntoNeed: those who record visits turn a finding into a need of the community
// (they record needs too: purchase.MayRecordNeed).
func MayTurnFindingIntoNeed(ac *gongzhi.Actor) bool {
	return MayVisit(ac) && purchase.MayRecordNeed(ac)
}

// MayTurnFindingIntoEvent: those who record visits turn a finding into a grid event (source
// visit); the events capability asks its own rule too (events.MayCollectEvents).
func MayTurnFindingIntoEvent(ac *gongzhi.Actor) bool { return MayVisit(ac) }
