// Who may do what with votes and decisions: one predicate per rule, asked by the service
// methods (to refuse) and by the pages (to show or hide a link or a button).

package votes

import (
	"gongzhi"
	"gongzhi/internal/kernel"
)

// MayReadVotes: staff of the place, the supervision committee (auditor) and residents of the
// community read its votes, results and decisions.
func MayReadVotes(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleCommunity, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleGridWorker,
		gongzhi.RoleSocialWorker, gongzhi.RoleAuditor, gongzhi.RoleResident)
}

// MayManageVotes: community staff set a vote's rules and open it.
func MayManageVotes(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleCommunity) }

// MayEnterBallots: community staff and grid workers enter paper and proxy ballots at a meeting
// and witness the ballots another staff account entered.
func MayEnterBallots(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleCommunity, gongzhi.RoleGridWorker)
}

// MayCastBallot: a resident whose account is linked to their registry record votes online.
func MayCastBallot(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleResident) }

// MayReadVoters: the supervision committee (auditor) and community staff read who voted (never
// what they chose) to check eligibility.
func MayReadVoters(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleAuditor, gongzhi.RoleCommunity)
}

// MayManageDecisions: community staff (the residents' committee carrying decisions out) add
// tasks, record them done, report a decision completed and turn one into a need.
func MayManageDecisions(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleCommunity) }

// MayReviewDecisions: the supervision committee (auditor) reviews a completed decision.
func MayReviewDecisions(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleAuditor) }

// MayRateDecisions: residents of the community rate a decision, once each.
func MayRateDecisions(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleResident) }
