// Who may do what in consultation: one predicate per rule, asked by the service methods (to
// refuse) and by the pages (to show or hide a link or a button). Topics, meetings and idea
// contests are public: anyone, signed in or not, reads them (personal names masked).

package consult

import (
	"gongzhi"
	"gongzhi/internal/kernel"
)

// MayManageConsultation: community staff keep their community's bodies and members, call
// meetings (agenda, sign-in, speakers, proposals, minutes), open idea contests, and act for the
// deliberation committee: they accept, merge or decline topics, shortlist ideas and hide
// comments with a reason.
func MayManageConsultation(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleCommunity) }

// MayReadConsultation: staff read the consultation of their place with the full names of
// members and attendees: community staff, grid workers, the street's purchaser, the hub and the
// auditor (the supervision committee's reader).
func MayReadConsultation(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleCommunity, gongzhi.RoleGridWorker, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor)
}

// MayRaiseTopics: a resident raises a topic in their own community; community staff enter a
// resident's paper one, a committee's or a need's; a grid worker raises one from their grid.
func MayRaiseTopics(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleResident, gongzhi.RoleCommunity, gongzhi.RoleGridWorker)
}

// MayDeliberate: residents of a topic's community comment, make counter-proposals and support
// it (once each), submit and support ideas, and sign in at a meeting's door with their phone.
func MayDeliberate(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleResident) }

// MayManageConsultationOf: community staff manage the consultation of a community in their place.
func MayManageConsultationOf(ac *gongzhi.Actor, place string) bool {
	return MayManageConsultation(ac) && kernel.InPlace(ac, place)
}
