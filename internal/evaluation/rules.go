// Who may do what in evaluating projects: one predicate per rule, asked by the service methods
// (to refuse) and by the pages (to show or hide a link or a button).

package evaluation

import (
	"slices"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/purchase"
)

// MayReadEvaluations: purchasers, hubs and auditors read the schemes and every round of their
// place's contracts (panel members and providers see the rounds that concern them).
func MayReadEvaluations(ac *gongzhi.Actor) bool { return purchase.MayReadPurchases(ac) }

// MayOverseeEvaluation: they see round e as staff — every sheet and the result so far — when it
// is within their place.
func MayOverseeEvaluation(ac *gongzhi.Actor, e *gongzhi.Evaluation) bool {
	return ac.IsSystem() || MayReadEvaluations(ac) && kernel.InPlace(ac, e.PlaceCode)
}

// MayStartEvaluation: purchasers and hubs start rounds and transcribe the sheets of members
// without an account.
func MayStartEvaluation(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub)
}

// MayGrade: purchasers keep a call's evaluation scheme, finalize rounds with their grade and
// publish them.
func MayGrade(ac *gongzhi.Actor) bool { return purchase.MayPurchase(ac) }

// MayFollowEvaluations: purchasers, hubs and auditors (their place's rounds), providers (their
// results) and experts (the rounds they sit on) follow evaluations: the page is in their menu.
func MayFollowEvaluations(ac *gongzhi.Actor) bool {
	return MayReadEvaluations(ac) || kernel.HasRole(ac, gongzhi.RoleProvider, gongzhi.RoleExpert)
}

// SeesOwnEvaluations: providers see the rounds of their own organization's contracts, in the
// states OwnEvaluationStates (MaySeeOwnEvaluation).
func SeesOwnEvaluations(ac *gongzhi.Actor) bool { return ac.Has(gongzhi.RoleProvider) }

// OwnEvaluationStates are the states in which a provider sees its own rounds: once scoring is
// over, never while the panel is still scoring.
var OwnEvaluationStates = []string{gongzhi.EvalFinalized, gongzhi.EvalPublished}

// MaySeeOwnEvaluation: a provider sees a round of its own organization's contract once scoring
// is over (OwnEvaluationStates).
func MaySeeOwnEvaluation(ac *gongzhi.Actor, e *gongzhi.Evaluation) bool {
	return SeesOwnEvaluations(ac) && ac.User.OrgID == e.OrgID && slices.Contains(OwnEvaluationStates, e.State)
}
