// Who may do what with the service ledger, satisfaction surveys and residents' ratings: one
// predicate per rule, asked by the service methods (to refuse) and by the pages (to show or hide
// a link or a button).

package ledger

import (
	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/purchase"
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

// MayLinkResidents: community staff (for residents of their community) and the system
// administrator link residents' accounts to their records.
func MayLinkResidents(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleCommunity, gongzhi.RoleSysAdmin)
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
// (MayLinkResidents), community staff reach those of their own community only, the system
// administrator any.
func MayLinkResidentOf(ac *gongzhi.Actor, placeCode string) bool {
	return MayLinkResidents(ac) && (!ac.Has(gongzhi.RoleCommunity) || kernel.InPlace(ac, placeCode))
}
