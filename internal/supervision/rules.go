// Who may do what in supervising the service: one predicate per rule, asked by the service
// methods (to refuse) and by the pages (to show or hide a link or a button).

package supervision

import (
	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/purchase"
)

// MayReadSupervision: those who read contracts read their supervision — purchasers, hubs and
// auditors of their place's, a provider of its own: inspections, orders, talks, meetings.
func MayReadSupervision(ac *gongzhi.Actor) bool { return purchase.MayReadContracts(ac) }

// MayOversee: purchasers, hubs and auditors read the supervision of every contract of their
// place, with its reports and figures.
func MayOversee(ac *gongzhi.Actor) bool { return purchase.MayReadPurchases(ac) }

// MayInspect: hubs and purchasers inspect, raise, verify and reopen rectification orders, record
// talks and joint meetings and their action items, and write the monthly report.
func MayInspect(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleHub, gongzhi.RolePurchaser)
}

// MayAnswerRectifications: providers answer the rectification orders addressed to them.
func MayAnswerRectifications(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleProvider) }

// MayExtendRectifications: purchasers extend an order's deadline (and take escalated ones).
func MayExtendRectifications(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser)
}

// OwnsAction: a provider owns the meeting action items given to its organization (orgID).
func OwnsAction(ac *gongzhi.Actor, orgID int64) bool {
	return ac.Has(gongzhi.RoleProvider) && ac.User.OrgID == orgID
}

// MayCompleteActions: hubs, purchasers and providers mark meeting action items done.
func MayCompleteActions(ac *gongzhi.Actor) bool {
	return MayInspect(ac) || MayAnswerRectifications(ac)
}

// MayCompleteAction: hubs and purchasers mark any action item of their meetings done, a provider
// only the items it owns (orgID the owner).
func MayCompleteAction(ac *gongzhi.Actor, orgID int64) bool {
	return MayInspect(ac) || OwnsAction(ac, orgID)
}

// SeesDoneInspectionsOnly: a provider sees the inspections of its own contracts once they are
// done, with their findings, and not those still due (which would announce a visit).
func SeesDoneInspectionsOnly(ac *gongzhi.Actor) bool { return ac.Has(gongzhi.RoleProvider) }
