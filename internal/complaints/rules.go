// Who may do what with complaints and inquiries: one predicate per rule, asked by the service
// methods (to refuse) and by the pages (to show or hide a link or a button).

package complaints

import (
	"gongzhi"
	"gongzhi/internal/kernel"
)

// MayReadComplaints: purchasers, hubs, auditors and community staff read the complaints of their
// place, a provider those routed to it, a resident their own.
func MayReadComplaints(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor, gongzhi.RoleCommunity,
		gongzhi.RoleProvider, gongzhi.RoleResident)
}

// MayReadComplaintHistory: everyone who reads complaints reads their history, except residents,
// who follow the state and the answers instead.
func MayReadComplaintHistory(ac *gongzhi.Actor) bool { return !ac.Has(gongzhi.RoleResident) }

// MayHandleComplaints: purchasers and hubs route complaints and may reveal a submitter's full
// contact (each view audited).
func MayHandleComplaints(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub)
}

// MayAnswerComplaints: providers, hubs and purchasers answer the complaints waiting for them
// (see MayAnswerComplaint).
func MayAnswerComplaints(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleProvider)
}

// FilesAsResident: a signed-in resident files complaints under their own account (their name and
// phone from it, the complaint theirs to follow and rate); anyone else gives a contact.
func FilesAsResident(ac *gongzhi.Actor) bool { return ac.Has(gongzhi.RoleResident) }

// MayRateComplaints: residents rate the answers to their own complaints.
func MayRateComplaints(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleResident) }

// MayRateComplaint: the resident who filed complaint c rates it once it is answered, once.
func MayRateComplaint(ac *gongzhi.Actor, c *gongzhi.Complaint) bool {
	return ac.Has(gongzhi.RoleResident) && c.UserID == ac.User.ID && c.State == gongzhi.ComplaintAnswered && c.Rating == 0
}

// mayAnswer reports whether the actor may answer a waiting complaint: the
// provider it is routed to; the hub for those routed to the hub or escalated; the office for
// those routed to it, escalated to level 2 or reopened. A reopened complaint is the office's.
func mayAnswer(ac *gongzhi.Actor, c *gongzhi.Complaint) bool {
	if ac.IsSystem() {
		return true
	}
	switch ac.Role() {
	case gongzhi.RolePurchaser:
		return c.State == gongzhi.ComplaintReopened || c.Route == gongzhi.RouteOffice || c.Escalation >= 2
	case gongzhi.RoleHub:
		return c.State == gongzhi.ComplaintOpen && (c.Route == gongzhi.RouteHub || c.Escalation >= 1)
	case gongzhi.RoleProvider:
		return c.State == gongzhi.ComplaintOpen && c.Route == gongzhi.RouteProvider && c.OrgID == ac.User.OrgID
	}
	return false
}

// MayAnswerComplaint reports whether the actor may answer the complaint now (for the pages).
func MayAnswerComplaint(ac *gongzhi.Actor, c *gongzhi.Complaint) bool {
	return c.Open() && mayAnswer(ac, c)
}
