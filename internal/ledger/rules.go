// Who may do what with the service ledger, satisfaction surveys and residents' ratings: one
// predicate per rule, asked by the service methods (to refuse) and by the pages (to show or hide
// a link or a button).

package ledger

import (
	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/purchase"
	"gongzhi/internal/registry"
)

// MayRecordEntries: providers and social workers of an organization record its service ledger.
func MayRecordEntries(ac *gongzhi.Actor) bool {
	return ac != nil && ac.User != nil && ac.User.OrgID != 0 && ac.Has(gongzhi.RoleProvider, gongzhi.RoleSocialWorker)
}

// MayRecordEntryFor: they record, correct and void the entries of their own organization (orgID)
// only.
func MayRecordEntryFor(ac *gongzhi.Actor, orgID int64) bool {
	return MayRecordEntries(ac) && ac.User.OrgID == orgID
}

// MayReadLedgers: those who read the purchase records (purchasers, hubs, auditors) read the
// ledgers of their place's contracts and their progress.
func MayReadLedgers(ac *gongzhi.Actor) bool { return purchase.MayReadPurchases(ac) }

// MayReadSurveys: hubs, purchasers and auditors read the satisfaction surveys of their place.
func MayReadSurveys(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleHub, gongzhi.RolePurchaser, gongzhi.RoleAuditor)
}

// MayRunSurveys: hubs and purchasers draw satisfaction samples and record the answers.
func MayRunSurveys(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleHub, gongzhi.RolePurchaser)
}

// MayLinkResidents: community staff link residents' accounts to their records, for residents of
// their community. Not the system administrator, who manages accounts but sees no registry data
// (三权分立) and could not tell one resident from another.
func MayLinkResidents(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleCommunity)
}

// MayLinkAccounts: those who link accounts to the people they are open the account links page:
// the purchaser its experts' (purchase.MayLinkExperts), the hub its social workers'
// (registry.MayLinkSocialWorkers), community staff their residents' (MayLinkResidents).
func MayLinkAccounts(ac *gongzhi.Actor) bool { return len(LinkableRoles(ac)) > 0 }

// LinkableRoles lists the roles whose accounts the caller may link, by the rules above.
func LinkableRoles(ac *gongzhi.Actor) []string {
	var out []string
	if purchase.MayLinkExperts(ac) {
		out = append(out, gongzhi.RoleExpert)
	}
	if registry.MayLinkSocialWorkers(ac) {
		out = append(out, gongzhi.RoleSocialWorker)
	}
	if MayLinkResidents(ac) {
		out = append(out, gongzhi.RoleResident)
	}
	return out
}

// MayRateServices: residents see and rate the services they took part in.
func MayRateServices(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleResident) }

// MayFollowLedger: purchasers, hubs and auditors (their place), providers and social workers
// (their organization) and community staff (their community) follow the service ledger: the
// ledger is in their menu.
func MayFollowLedger(ac *gongzhi.Actor) bool {
	return MayReadLedgers(ac) || kernel.HasRole(ac, gongzhi.RoleProvider, gongzhi.RoleSocialWorker, gongzhi.RoleCommunity)
}

// RunsSurveys: the hub runs the satisfaction surveys day to day (the surveys page is in its
// menu); the purchaser, who may too (MayRunSurveys), reaches them from the ledger.
func RunsSurveys(ac *gongzhi.Actor) bool { return ac.Has(gongzhi.RoleHub) }

// MayLinkResidentOf: of the residents' accounts and records the caller may link
// (MayLinkResidents), community staff reach those of their own community only.
func MayLinkResidentOf(ac *gongzhi.Actor, placeCode string) bool {
	return MayLinkResidents(ac) && (!ac.Has(gongzhi.RoleCommunity) || kernel.InPlace(ac, placeCode))
}
