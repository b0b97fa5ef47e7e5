// Who may do what in buying services: one predicate per rule, asked by the service methods (to
// refuse) and by the pages (to show or hide a link or a button). Scope applies on top: a role a
// rule allows still sees only its place (and below) or its own organization.

package purchase

import (
	"slices"

	"gongzhi"
	"gongzhi/internal/kernel"
)

// MayPurchase: purchasers run the purchase of their place — the catalog, budgets, the office
// calendar, calls, panels, rankings and awards, the notice and objections' answers, contracts,
// payments and bars.
func MayPurchase(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RolePurchaser) }

// MayReadPurchases: purchasers, hubs and auditors read the purchase records of their place:
// budgets, calls, applications, panels, scores, awards and contracts.
func MayReadPurchases(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor)
}

// MayWorkOnCalls: purchasers and hubs work on calls and contracts day to day (their menu shows
// them; auditors open them from elsewhere).
func MayWorkOnCalls(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub)
}

// MayPrelim: purchasers and hubs do the preliminary review of applications.
func MayPrelim(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub)
}

// MayRecordNeed: purchasers, hubs, community staff and grid workers record residents' needs (and
// see who raised them).
func MayRecordNeed(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleCommunity, gongzhi.RoleGridWorker)
}

// MayReadNeeds: those who record needs, and auditors, read the needs of their place.
func MayReadNeeds(ac *gongzhi.Actor) bool {
	return MayRecordNeed(ac) || kernel.HasRole(ac, gongzhi.RoleAuditor)
}

// MayApply: providers apply to calls for their own organization and follow their applications.
func MayApply(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleProvider) }

// MayReview: experts declare conflicts and score the applications of the panels they are drawn
// for.
func MayReview(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleExpert) }

// MayConfirmContract: the purchaser and the provider each confirm a contract's version for their
// side.
func MayConfirmContract(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleProvider)
}

// MayOpenContract: those who read the purchase records open a contract, and so does the provider
// (organization orgID) it is with.
func MayOpenContract(ac *gongzhi.Actor, orgID int64) bool {
	return MayReadPurchases(ac) || ac.Has(gongzhi.RoleProvider) && ac.User.OrgID == orgID
}

// MayLinkExperts: the purchaser, who owns the expert pool its panels are drawn from, links expert
// accounts to the experts they are. Not the system administrator: it creates the accounts but
// sees no registry data (三权分立), and could not tell one expert from another.
func MayLinkExperts(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RolePurchaser) }

// MayLinkExpertAt: of expert accounts and experts, the purchaser reaches those of the pool its
// calls draw from (see DrawPanel): registered at its place, below it or above it (a district's
// experts serve the streets of the district).
func MayLinkExpertAt(ac *gongzhi.Actor, placeCode string) bool {
	return MayLinkExperts(ac) && (kernel.InPlace(ac, placeCode) || slices.Contains(PoolAbove(ac), placeCode))
}

// MayEnterPaperScores: the purchaser running a review is its secretary: it transcribes the
// signed paper score sheet of a panel member who has no account.
func MayEnterPaperScores(ac *gongzhi.Actor) bool { return MayPurchase(ac) }

// MayReadContracts: purchasers, hubs and auditors read the contracts of their place, and a
// provider its own organization's.
func MayReadContracts(ac *gongzhi.Actor) bool {
	return MayReadPurchases(ac) || kernel.HasRole(ac, gongzhi.RoleProvider)
}

// MayReadApplications: purchasers, hubs and auditors read the applications to their place's
// calls, and a provider its own.
func MayReadApplications(ac *gongzhi.Actor) bool { return MayReadPurchases(ac) || MayApply(ac) }

// MayWorkOnContracts: purchasers, hubs and providers work on contracts day to day (their menu
// shows them).
func MayWorkOnContracts(ac *gongzhi.Actor) bool { return MayWorkOnCalls(ac) || MayApply(ac) }

// ConfirmsForProvider: a provider confirms a contract's version for the provider's side (anyone
// else who may confirm, for the purchaser's).
func ConfirmsForProvider(ac *gongzhi.Actor) bool { return ac.Has(gongzhi.RoleProvider) }

// MayImportPastContracts: purchasers bring the concluded purchases of earlier years of their place
// (and the places under it) from the office's records.
func MayImportPastContracts(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RolePurchaser) }

// MayCorrectPastContracts: the office that imports past contracts corrects or deletes those of
// its place (and the places under it), with a reason.
func MayCorrectPastContracts(ac *gongzhi.Actor) bool { return MayImportPastContracts(ac) }

// MayReadPastContracts: those who read the purchase records read the past contracts of their
// place, and a provider reads its own organization's.
func MayReadPastContracts(ac *gongzhi.Actor) bool {
	return MayReadPurchases(ac) || kernel.HasRole(ac, gongzhi.RoleProvider)
}

// MayPublishNeed: purchasers, hubs and community staff publish the needs of their place to its
// residents and the public.
func MayPublishNeed(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleCommunity)
}

// MaySupportNeed: a resident supports and comments on the published needs of their own
// community.
func MaySupportNeed(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleResident) }

// MayModerateNeeds: community staff and the office (purchaser, hub) hide a comment on a need of
// their place, with a reason, and see hidden comments.
func MayModerateNeeds(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleCommunity)
}
