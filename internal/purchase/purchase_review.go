// Expert review, awards and the public notice (docs/domain.md §3.6–3.7): the purchaser draws a
// panel with a recorded seed (conflicted experts excluded and replaced), experts declare
// conflicts and score alone, the purchaser ranks, proposes and adjusts awards within the budget
// and the bands, publishes them for a notice period in working days, answers objections (an
// upheld one may overturn an award), and makes the awards final once the notice is over.

package purchase

import (
	"context"
	"slices"
	"strconv"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
)

// ---- conflicts and visibility

// conflictWith returns why an expert may not review an organization's application in a call:
// affiliated (the person's organization is the applicant) or declared (a recorded conflict);
// "" for none.
func (a *Service) conflictWith(ctx context.Context, q *store.Q, callID, personID, orgID int64) (string, error) {
	org, err := q.PersonOrg(ctx, personID)
	if err != nil {
		return "", err
	}
	if org != 0 && org == orgID {
		return gongzhi.ExcludedAffiliated, nil
	}
	orgs, err := q.ConflictOrgs(ctx, callID, personID)
	if err != nil {
		return "", err
	}
	if slices.Contains(orgs, orgID) {
		return gongzhi.ExcludedDeclared, nil
	}
	return "", nil
}

// expertMaySee checks that an expert may see an application: the call's panel selected them,
// they declared no conflict, the application passed the preliminary review, and they have no
// conflict with its organization. ENOTFOUND otherwise, like a missing application.
func (a *Service) expertMaySee(ctx context.Context, q *store.Q, ap *gongzhi.Application, personID int64) error {
	m, err := q.GetPanelMember(ctx, ap.CallID, personID)
	if err != nil || !m.Active() || m.DeclaredAt.IsZero() {
		return gongzhi.NotFound()
	}
	switch ap.State {
	case gongzhi.AppEligible, gongzhi.AppAwarded, gongzhi.AppNotFunded:
	default:
		return gongzhi.NotFound()
	}
	if r, err := a.conflictWith(ctx, q, ap.CallID, personID, ap.OrgID); err != nil {
		return err
	} else if r != "" {
		return gongzhi.NotFound()
	}
	return nil
}

// conflictFunc builds the draw's conflict test for a call: an expert affiliated (orgs: person →
// organization) with an applicant organization, or with a recorded conflict with one, is
// excluded; the detail names the organization.
func (a *Service) conflictFunc(ctx context.Context, q *store.Q, callID int64, orgs map[int64]int64) (func(int64) (string, string), error) {
	applicants, err := q.ApplicantOrgs(ctx, callID)
	if err != nil {
		return nil, err
	}
	conflicts, err := q.CallConflicts(ctx, callID)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, org := range applicants {
		names[org] = strconv.FormatInt(org, 10)
		if o, err := q.GetOrganization(ctx, store.Scope{}, org); err == nil {
			names[org] = o.Name
		}
	}
	return func(p int64) (string, string) {
		if org := orgs[p]; org != 0 && slices.Contains(applicants, org) {
			return gongzhi.ExcludedAffiliated, names[org]
		}
		for _, o := range conflicts[p] {
			if slices.Contains(applicants, o) {
				return gongzhi.ExcludedDeclared, names[o]
			}
		}
		return "", ""
	}, nil
}

// ---- the panel

// DrawPanel draws a call's review panel of size experts from the expert pool — people of kind
// expert registered at the call's place, below it or above it, with any of fields (none: every
// expert) — using seed (0: a random one), which is recorded with the pool so that anyone can
// repeat the draw with gongzhi.DrawOrder: sort the pool by id, shuffle with the seed, walk in
// order selecting experts and skipping (recording as excluded) those affiliated with an
// applicant organization or with a recorded conflict with one. Only the purchaser may, within
// scope, once, while the call is closed. Refuses (ECONFLICT) another state (state.illegal), a
// second draw (panel: panel.already_drawn) and a pool too small for the size once conflicts
// are excluded (size: panel.pool_too_small:SELECTED); EINVALID for a size outside 1–50 or an
// unknown field.
func (a *Service) DrawPanel(ctx context.Context, ac *gongzhi.Actor, callID int64, size int, fields []string, seed int64) (*gongzhi.PanelDraw, error) {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return nil, err
	}
	if size < 1 || size > 50 {
		return nil, gongzhi.Invalid("size", "range:1-50")
	}
	for _, f := range fields {
		if !slices.Contains(gongzhi.ExpertFields, f) {
			return nil, gongzhi.Invalid("fields", "choice")
		}
	}
	if seed == 0 {
		seed = randomSeed()
	}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if c.State != gongzhi.CallClosed {
			return gongzhi.Refused("state", "state.illegal:"+c.State)
		}
		if !c.PanelDrawnAt.IsZero() {
			return gongzhi.Refused("panel", "panel.already_drawn")
		}
		prefix, lvl, err := kernel.PlacePrefix(ctx, q, c.PlaceCode)
		if err != nil {
			return err
		}
		pool, orgs, err := q.ExpertPool(ctx, prefix, ancestors(c.PlaceCode, lvl), fields)
		if err != nil {
			return err
		}
		conflict, err := a.conflictFunc(ctx, q, callID, orgs)
		if err != nil {
			return err
		}
		members, selected := gongzhi.WalkDraw(gongzhi.DrawOrder(pool, seed), 0, size, conflict)
		if selected < size {
			return gongzhi.Refused("size", "panel.pool_too_small:"+strconv.Itoa(selected))
		}
		if err := q.InsertPanelMembers(ctx, callID, members); err != nil {
			return err
		}
		if err := q.SetCallPanel(ctx, callID, size, fields, seed, pool, a.NowUTC()); err != nil {
			return err
		}
		note := gongzhi.NoteOf("drawn", seed, len(pool), len(members))
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: callID, Entity: "panel", EntityID: callID, To: "drawn", Note: note}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResPanels, kernel.Id10(callID), nil, members, note.String())
	})
	if err != nil {
		return nil, err
	}
	return a.Panel(ctx, ac, callID)
}

// Panel returns a call's draw: seed, pool and every expert examined in draw order, selected or
// excluded and why. The purchaser, the hub and the auditor may, within scope; once the results
// are published anyone who may see the call may. ENOTFOUND before the draw.
func (a *Service) Panel(ctx context.Context, ac *gongzhi.Actor, callID int64) (*gongzhi.PanelDraw, error) {
	q := a.DB.Q()
	var c *gongzhi.Call
	var err error
	if MayReadPurchases(ac) {
		c, err = q.GetCall(ctx, kernel.PlaceScope(ac), callID)
	} else if c, err = a.callFor(ctx, q, ac, callID); err == nil && c.State != gongzhi.CallNotice && c.State != gongzhi.CallFinal {
		err = gongzhi.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if c.PanelDrawnAt.IsZero() {
		return nil, gongzhi.NotFound()
	}
	members, err := q.ListPanel(ctx, callID)
	if err != nil {
		return nil, err
	}
	return &gongzhi.PanelDraw{CallID: callID, Seed: c.PanelSeed, Size: c.PanelSize, Fields: c.PanelFields, Pool: c.PanelPool,
		DrawnAt: c.PanelDrawnAt, Members: members}, nil
}

// replaceMember continues a call's draw from where it stopped, in the same seeded order, until
// one more expert is selected, recording the experts it skips. It returns the new member, or
// nil when the pool is exhausted.
func (a *Service) replaceMember(ctx context.Context, q *store.Q, ac *gongzhi.Actor, c *gongzhi.Call) (*gongzhi.PanelMember, error) {
	members, err := q.ListPanel(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	next := 0
	for _, m := range members {
		next = max(next, m.Seq+1)
	}
	orgs, err := q.PeopleOrgs(ctx, c.PanelPool)
	if err != nil {
		return nil, err
	}
	conflict, err := a.conflictFunc(ctx, q, c.ID, orgs)
	if err != nil {
		return nil, err
	}
	examined, selected := gongzhi.WalkDraw(gongzhi.DrawOrder(c.PanelPool, c.PanelSeed), next, 1, conflict)
	if err := q.InsertPanelMembers(ctx, c.ID, examined); err != nil {
		return nil, err
	}
	if selected == 0 {
		return nil, a.Change(ctx, q, ac, gongzhi.StateChange{CallID: c.ID, Entity: "panel", EntityID: c.ID, From: "drawn", To: "drawn",
			Note: gongzhi.NoteOf("pool_exhausted")})
	}
	m := examined[len(examined)-1]
	return &m, a.Change(ctx, q, ac, gongzhi.StateChange{CallID: c.ID, Entity: "panel_member", EntityID: m.PersonID, To: gongzhi.PanelSelected,
		Note: gongzhi.NoteOf("replacement", m.Seq)})
}

// excludeAndReplace takes a selected expert off the panel and draws the replacement.
func (a *Service) excludeAndReplace(ctx context.Context, q *store.Q, ac *gongzhi.Actor, c *gongzhi.Call, personID int64, reason, detail string) (*gongzhi.PanelMember, error) {
	if err := q.ExcludePanelMember(ctx, c.ID, personID, reason, detail, a.NowUTC()); err != nil {
		return nil, err
	}
	if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: c.ID, Entity: "panel_member", EntityID: personID,
		From: gongzhi.PanelSelected, To: gongzhi.PanelExcluded, Note: gongzhi.NoteOf("panel_excluded", reason, detail)}); err != nil {
		return nil, err
	}
	return a.replaceMember(ctx, q, ac, c)
}

// reviewState refuses panel changes outside the closed and reviewing states.
func reviewState(c *gongzhi.Call) error {
	if c.State != gongzhi.CallClosed && c.State != gongzhi.CallReviewing {
		return gongzhi.Refused("state", "state.illegal:"+c.State)
	}
	return nil
}

// RecordConflict records a conflict of interest of an expert with an organization in a call,
// known to the purchaser (a board seat, a family tie). A selected member in conflict with an
// applicant is excluded and replaced at once; before the draw, the draw skips them. Only the
// purchaser may, within scope, while the call is open, closed or in review. Returns the
// replacement, if one was drawn. EINVALID (person_id: expert.not_expert) for a person who is not
// an expert, (org_id: org.missing) for an unknown organization; ECONFLICT (org_id:
// conflict.duplicate) for a conflict already on record.
func (a *Service) RecordConflict(ctx context.Context, ac *gongzhi.Actor, callID, personID, orgID int64, reason string) (*gongzhi.PanelMember, error) {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return nil, err
	}
	reason, r := gongzhi.CheckText(reason, 500, true)
	if r != "" {
		return nil, gongzhi.Invalid("reason", r)
	}
	var repl *gongzhi.PanelMember
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if c.State != gongzhi.CallOpen {
			if err := reviewState(c); err != nil {
				return err
			}
		}
		if p, err := q.GetPerson(ctx, store.Scope{}, personID); err != nil || p.Kind != "expert" {
			return gongzhi.Invalid("person_id", "expert.not_expert")
		}
		if _, err := q.GetOrganization(ctx, store.Scope{}, orgID); err != nil {
			return gongzhi.Invalid("org_id", "org.missing")
		}
		if err := q.InsertConflict(ctx, callID, personID, orgID, 0, reason, kernel.UserID(ac), a.NowUTC()); err != nil {
			if store.IsUnique(err, "") {
				return gongzhi.Refused("org_id", "conflict.duplicate")
			}
			return err
		}
		applicants, err := q.ApplicantOrgs(ctx, callID)
		if err != nil {
			return err
		}
		if m, err := q.GetPanelMember(ctx, callID, personID); err == nil && m.Active() && slices.Contains(applicants, orgID) {
			if repl, err = a.excludeAndReplace(ctx, q, ac, c, personID, gongzhi.ExcludedDeclared, reason); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "create", ResPanels, kernel.Id10(callID), nil,
			map[string]any{"person_id": personID, "org_id": orgID, "reason": reason}, "conflict recorded")
	})
	return repl, err
}

// RemovePanelMember takes a selected expert who has scored nothing off the panel (unavailable,
// ill …) with the reason, and draws the replacement in the same seeded order. Only the
// purchaser may, within scope, while the call is closed or in review. Refuses (ECONFLICT) a
// person not on the panel (person_id: panel.not_member) or who has scored
// (panel.member_has_scored).
func (a *Service) RemovePanelMember(ctx context.Context, ac *gongzhi.Actor, callID, personID int64, reason string) (*gongzhi.PanelMember, error) {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return nil, err
	}
	reason, r := gongzhi.CheckText(reason, 500, true)
	if r != "" {
		return nil, gongzhi.Invalid("reason", r)
	}
	var repl *gongzhi.PanelMember
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if err := reviewState(c); err != nil {
			return err
		}
		m, err := q.GetPanelMember(ctx, callID, personID)
		if err != nil || !m.Active() {
			return gongzhi.Refused("person_id", "panel.not_member")
		}
		if m.Scored > 0 {
			return gongzhi.Refused("person_id", "panel.member_has_scored")
		}
		if repl, err = a.excludeAndReplace(ctx, q, ac, c, personID, gongzhi.ExcludedRemoved, reason); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResPanels, kernel.Id10(callID), nil, map[string]any{"removed": personID, "reason": reason}, "member removed")
	})
	return repl, err
}

// ReviewAssignment is one call an expert's draw examined, with the expert's line of the draw,
// the applicants to declare conflicts against, and how many applications are left to score.
type ReviewAssignment struct {
	Call       *gongzhi.Call       `json:"call"`
	Member     gongzhi.PanelMember `json:"member"`
	Applicants []Applicant         `json:"applicants"`
	Pending    int                 `json:"pending"`
}

// Applicant is an applying organization and its project's title, which a panel member sees to
// declare conflicts before seeing any application.
type Applicant struct {
	ApplicationID int64  `json:"application_id"`
	OrgID         int64  `json:"org_id"`
	OrgName       string `json:"org_name"`
	Title         string `json:"title"`
}

// ReviewAssignments lists the calls an expert's draw examined, newest first, with the expert's
// line of the draw (selected or excluded), the applicants (for a selected member) and the
// number of applications still to score. Only an expert account linked to a person may.
func (a *Service) ReviewAssignments(ctx context.Context, ac *gongzhi.Actor) ([]ReviewAssignment, error) {
	person, err := a.ExpertPersonID(ctx, ac)
	if err != nil {
		return nil, err
	}
	q := a.DB.Q()
	ids, err := q.PanelCalls(ctx, person)
	if err != nil {
		return nil, err
	}
	var out []ReviewAssignment
	for i := len(ids) - 1; i >= 0; i-- {
		c, err := q.GetCall(ctx, store.Scope{}, ids[i])
		if err != nil {
			return nil, err
		}
		m, err := q.GetPanelMember(ctx, c.ID, person)
		if err != nil {
			return nil, err
		}
		ra := ReviewAssignment{Call: c, Member: *m}
		if m.Active() {
			if ra.Applicants, err = a.applicants(ctx, q, c.ID); err != nil {
				return nil, err
			}
			if !m.DeclaredAt.IsZero() && c.State == gongzhi.CallReviewing {
				apps, err := a.reviewable(ctx, q, c.ID, person)
				if err != nil {
					return nil, err
				}
				ra.Pending = len(apps) - m.Scored
			}
		}
		out = append(out, ra)
	}
	return out, nil
}

// applicants lists a call's applicants still in the running (submitted or eligible).
func (a *Service) applicants(ctx context.Context, q *store.Q, callID int64) ([]Applicant, error) {
	var out []Applicant
	_, err := q.ListApplications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": kernel.Id10(callID),
		"states": "submitted,eligible,awarded,not_funded"}}, func(ap *gongzhi.Application) error {
		out = append(out, Applicant{ApplicationID: ap.ID, OrgID: ap.OrgID, OrgName: ap.OrgName, Title: ap.Title})
		return nil
	})
	return out, err
}

// reviewable lists the applications of a call an expert scores: eligible ones of organizations
// they have no conflict with.
func (a *Service) reviewable(ctx context.Context, q *store.Q, callID, person int64) ([]*gongzhi.Application, error) {
	org, err := q.PersonOrg(ctx, person)
	if err != nil {
		return nil, err
	}
	conflicts, err := q.ConflictOrgs(ctx, callID, person)
	if err != nil {
		return nil, err
	}
	var out []*gongzhi.Application
	_, err = q.ListApplications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": kernel.Id10(callID),
		"states": "eligible,awarded,not_funded"}}, func(ap *gongzhi.Application) error {
		if (org == 0 || ap.OrgID != org) && !slices.Contains(conflicts, ap.OrgID) {
			ap.ContactPhone = ""
			out = append(out, ap)
		}
		return nil
	})
	return out, err
}

// panelMember returns the caller's line of a call's draw: ENOTFOUND if the draw never examined
// them (they cannot see the call's review at all).
func (a *Service) panelMember(ctx context.Context, q *store.Q, ac *gongzhi.Actor, callID int64) (int64, *gongzhi.PanelMember, error) {
	person, err := expertPerson(ctx, q, ac)
	if err != nil {
		return 0, nil, err
	}
	m, err := q.GetPanelMember(ctx, callID, person)
	if err != nil {
		return 0, nil, gongzhi.NotFound()
	}
	return person, m, nil
}

// DeclareNoConflict records a selected expert's declaration that they have no conflict of
// interest with any applicant of the call; only then may they see and score its applications.
// Only the expert may, while the call is closed or in review. Refuses (ECONFLICT) an expert
// excluded from the panel (panel: panel.excluded) and a second declaration (panel:
// panel.already_declared): the declaration is made once, with one line of history.
func (a *Service) DeclareNoConflict(ctx context.Context, ac *gongzhi.Actor, callID int64) error {
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		// the call's row is locked before the member's line is read: the panel's changes (a
		// declaration, an exclusion, a replacement) happen one at a time
		if err := q.LockRow(ctx, "calls", callID); err != nil {
			return err
		}
		person, m, err := a.panelMember(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if !m.Active() {
			return gongzhi.Refused("panel", "panel.excluded")
		}
		if !m.DeclaredAt.IsZero() {
			return gongzhi.Refused("panel", "panel.already_declared")
		}
		c, err := q.GetCall(ctx, store.Scope{}, callID)
		if err != nil {
			return err
		}
		if err := reviewState(c); err != nil {
			return err
		}
		if err := q.DeclareNoConflict(ctx, callID, person, a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: callID, Entity: "panel_member", EntityID: person,
			From: gongzhi.PanelSelected, To: "declared_no_conflict"}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResPanels, kernel.Id10(callID), nil, map[string]int64{"person_id": person}, "no conflict declared")
	})
}

// DeclareConflict records a panel member's conflict of interest with the organizations of the
// given applications (at least one) of the call, with the reason. A selected member is then
// excluded from the panel and replaced, in the same seeded order; their conflict stays on
// record, so they can never score those applications (review.conflict). Only the expert may,
// while the call is closed or in review. Returns the replacement, if one was drawn. EINVALID
// (application_ids: required / choice) for no or foreign applications; ECONFLICT
// (application_ids: conflict.duplicate) for a conflict declared already.
func (a *Service) DeclareConflict(ctx context.Context, ac *gongzhi.Actor, callID int64, appIDs []int64, reason string) (*gongzhi.PanelMember, error) {
	reason, r := gongzhi.CheckText(reason, 500, true)
	if r != "" {
		return nil, gongzhi.Invalid("reason", r)
	}
	if len(appIDs) == 0 {
		return nil, gongzhi.Invalid("application_ids", "required")
	}
	var repl *gongzhi.PanelMember
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		// the call's row is locked before the member's line is read (see DeclareNoConflict)
		if err := q.LockRow(ctx, "calls", callID); err != nil {
			return err
		}
		person, m, err := a.panelMember(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		c, err := q.GetCall(ctx, store.Scope{}, callID)
		if err != nil {
			return err
		}
		if err := reviewState(c); err != nil {
			return err
		}
		for _, id := range appIDs {
			ap, err := q.GetApplication(ctx, store.Scope{}, id)
			if err != nil || ap.CallID != callID || ap.State == gongzhi.AppDraft {
				return gongzhi.Invalid("application_ids", "choice")
			}
			if err := q.InsertConflict(ctx, callID, person, ap.OrgID, ap.ID, reason, kernel.UserID(ac), a.NowUTC()); err != nil {
				if store.IsUnique(err, "") {
					return gongzhi.Refused("application_ids", "conflict.duplicate")
				}
				return err
			}
		}
		if m.Active() {
			if repl, err = a.excludeAndReplace(ctx, q, ac, c, person, gongzhi.ExcludedDeclared, reason); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "create", ResPanels, kernel.Id10(callID), nil,
			map[string]any{"person_id": person, "application_ids": appIDs, "reason": reason}, "conflict declared")
	})
	return repl, err
}

// ReviewApplications lists the applications of a call a panel member scores: the eligible ones
// of organizations they have no conflict with. Only a selected expert who has declared no
// conflict may: ENOTFOUND for a call whose panel does not include them, ECONFLICT (panel:
// panel.excluded / review.declare_first) otherwise.
func (a *Service) ReviewApplications(ctx context.Context, ac *gongzhi.Actor, callID int64) ([]*gongzhi.Application, error) {
	q := a.DB.Q()
	person, m, err := a.panelMember(ctx, q, ac, callID)
	if err != nil {
		return nil, err
	}
	if !m.Active() {
		return nil, gongzhi.Refused("panel", "panel.excluded")
	}
	if m.DeclaredAt.IsZero() {
		return nil, gongzhi.Refused("panel", "review.declare_first")
	}
	return a.reviewable(ctx, q, callID, person)
}

// StartReview moves a closed call to expert review once every submitted application has had
// its preliminary review and the panel is drawn. Only the purchaser may, within scope. Refuses
// (ECONFLICT) with applications: review.prelim_incomplete:N, panel: panel.not_drawn, or panel:
// panel.incomplete:ACTIVE when exclusions left fewer than min(size, 3) members.
func (a *Service) StartReview(ctx context.Context, ac *gongzhi.Actor, callID int64) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if err := gongzhi.CheckMove(gongzhi.CallMoves, c.State, gongzhi.CallReviewing); err != nil {
			return err
		}
		counts, err := q.CountApplications(ctx, callID)
		if err != nil {
			return err
		}
		if n := callPrelimPending(counts); n > 0 {
			return gongzhi.Refused("applications", "review.prelim_incomplete:"+kernel.Itoa(n))
		}
		if c.PanelDrawnAt.IsZero() {
			return gongzhi.Refused("panel", "panel.not_drawn")
		}
		members, err := q.ListPanel(ctx, callID)
		if err != nil {
			return err
		}
		active := 0
		for _, m := range members {
			if m.Active() {
				active++
			}
		}
		if active < min(c.PanelSize, 3) {
			return gongzhi.Refused("panel", "panel.incomplete:"+kernel.Itoa(active))
		}
		return a.moveCall(ctx, q, ac, c, gongzhi.CallReviewing, gongzhi.NoteOf("review_started", counts[gongzhi.AppEligible], active))
	})
}

// ---- scores

// SubmitScores records a panel member's scores for one application, one per criterion in the
// call's order (0..weight each, in hundredths of a point), with an optional comment. Each
// expert scores each application once and alone. Only the expert may, while the call is in
// review. ENOTFOUND for an application of a call whose draw never examined them. Refuses
// (ECONFLICT) with application_id: review.conflict when they are affiliated with the
// applicant or declared a conflict with it; panel: panel.excluded; panel: review.declare_first
// before the no-conflict declaration; application_id: review.not_eligible; application_id:
// review.already_scored for a second score; state: state.illegal outside review. EINVALID for
// scores out of range (criteria.N: range:0-WEIGHT) or of the wrong count.
func (a *Service) SubmitScores(ctx context.Context, ac *gongzhi.Actor, appID int64, criteria []gongzhi.Points, comment string) (*gongzhi.Score, error) {
	return a.submitScore(ctx, ac, appID, 0, criteria, comment, false)
}

// EnterPaperScore records the scores of one application from the signed paper score sheet of a
// panel member without an account (personID), as SubmitScores would for the member: the
// purchaser running the review (its secretary) transcribes it, and the score records who entered
// it. A member who has not declared the absence of conflicts with their account declares it on
// the paper sheet: declared says the sheet carries that signed declaration, which is recorded
// with the score (EINVALID declared: review.paper_declaration without it). Only the purchaser may,
// within scope. Refuses as SubmitScores does, and ECONFLICT (person_id: review.member_has_account)
// for a member linked to an account, who scores with it; (person_id: panel.not_member) for a
// person the draw did not examine. Each member's score of an application is entered once
// (application_id: review.already_scored; a unique constraint keeps it).
func (a *Service) EnterPaperScore(ctx context.Context, ac *gongzhi.Actor, appID, personID int64, criteria []gongzhi.Points, comment string, declared bool) (*gongzhi.Score, error) {
	if err := kernel.Allow(ac, MayEnterPaperScores(ac)); err != nil {
		return nil, err
	}
	if personID == 0 {
		return nil, gongzhi.Invalid("person_id", "required")
	}
	return a.submitScore(ctx, ac, appID, personID, criteria, comment, declared)
}

// PaperMembers returns the panel members whose paper score sheet for application appID the
// purchaser may enter now (EnterPaperScore): on the panel, without an account, without a
// conflict with the applicant and not yet scored for it; none outside the review. Only the
// purchaser may, within scope.
func (a *Service) PaperMembers(ctx context.Context, ac *gongzhi.Actor, appID int64) ([]gongzhi.PanelMember, error) {
	if err := kernel.Allow(ac, MayEnterPaperScores(ac)); err != nil {
		return nil, err
	}
	q := a.DB.Q()
	ap, err := a.appFor(ctx, q, ac, appID)
	if err != nil {
		return nil, err
	}
	c, err := q.GetCall(ctx, store.Scope{}, ap.CallID)
	if err != nil || c.State != gongzhi.CallReviewing || ap.State != gongzhi.AppEligible {
		return nil, err
	}
	members, err := q.ListPanel(ctx, ap.CallID)
	if err != nil {
		return nil, err
	}
	var out []gongzhi.PanelMember
	for _, m := range members {
		if !m.Active() {
			continue
		}
		if holder, err := q.PersonAccount(ctx, m.PersonID); err != nil || holder != 0 {
			if err != nil {
				return nil, err
			}
			continue
		}
		if r, err := a.conflictWith(ctx, q, ap.CallID, m.PersonID, ap.OrgID); err != nil || r != "" {
			if err != nil {
				return nil, err
			}
			continue
		}
		if done, err := q.HasScored(ctx, appID, m.PersonID); err != nil || done {
			if err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// submitScore is SubmitScores (paper 0: the caller's own) and EnterPaperScore (the member paper).
func (a *Service) submitScore(ctx context.Context, ac *gongzhi.Actor, appID, paper int64, criteria []gongzhi.Points, comment string, declared bool) (*gongzhi.Score, error) {
	var s *gongzhi.Score
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		person := paper
		var ap *gongzhi.Application
		var err error
		if paper == 0 {
			if person, err = expertPerson(ctx, q, ac); err != nil {
				return err
			}
			if ap, err = q.GetApplication(ctx, store.Scope{}, appID); err != nil {
				return err
			}
		} else if ap, err = a.appFor(ctx, q, ac, appID); err != nil {
			return err
		}
		// the call's row is locked before the panel, the call's state and the scores are read:
		// a score cannot slip in beside the member's removal, the ranking or a second score
		if err := q.LockRow(ctx, "calls", ap.CallID); err != nil {
			return err
		}
		m, err := q.GetPanelMember(ctx, ap.CallID, person)
		if err != nil {
			if paper != 0 {
				return gongzhi.Refused("person_id", "panel.not_member")
			}
			return gongzhi.NotFound()
		}
		if paper != 0 {
			if holder, err := q.PersonAccount(ctx, person); err != nil {
				return err
			} else if holder != 0 {
				return gongzhi.Refused("person_id", "review.member_has_account")
			}
		}
		if r, err := a.conflictWith(ctx, q, ap.CallID, person, ap.OrgID); err != nil {
			return err
		} else if r != "" {
			return gongzhi.Refused("application_id", "review.conflict")
		}
		if !m.Active() {
			return gongzhi.Refused("panel", "panel.excluded")
		}
		if m.DeclaredAt.IsZero() && (paper == 0 || !declared) {
			if paper != 0 {
				return gongzhi.Invalid("declared", "review.paper_declaration")
			}
			return gongzhi.Refused("panel", "review.declare_first")
		}
		c, err := q.GetCall(ctx, store.Scope{}, ap.CallID)
		if err != nil {
			return err
		}
		if c.State != gongzhi.CallReviewing {
			return gongzhi.Refused("state", "state.illegal:"+c.State)
		}
		if ap.State != gongzhi.AppEligible {
			return gongzhi.Refused("application_id", "review.not_eligible")
		}
		if done, err := q.HasScored(ctx, appID, person); err != nil {
			return err
		} else if done {
			return gongzhi.Refused("application_id", "review.already_scored")
		}
		s = &gongzhi.Score{CallID: ap.CallID, ApplicationID: appID, PersonID: person, Criteria: criteria, Comment: comment}
		if err := s.Validate(c); err != nil {
			return err
		}
		if m.DeclaredAt.IsZero() {
			// the paper sheet's signed declaration, recorded as the member's
			if err := q.DeclareNoConflict(ctx, ap.CallID, person, a.NowUTC()); err != nil {
				return err
			}
			if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: ap.CallID, Entity: "panel_member", EntityID: person,
				From: gongzhi.PanelSelected, To: "declared_no_conflict"}); err != nil {
				return err
			}
		}
		var enteredBy int64
		if paper != 0 {
			enteredBy = kernel.UserID(ac)
			s.EnteredBy = ac.User.DisplayName
		}
		if err := q.InsertScore(ctx, s, enteredBy, a.NowUTC()); err != nil {
			if store.IsUnique(err, "") {
				return gongzhi.Refused("application_id", "review.already_scored")
			}
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: ap.CallID, Entity: "score", EntityID: s.ID, To: "submitted",
			Note: gongzhi.NoteOf("score_for", appID)}); err != nil {
			return err
		}
		reason := ""
		if paper != 0 {
			reason = "paper sheet"
		}
		return a.WriteAudit(ctx, q, ac, "create", ResScores, kernel.Id10(s.ID), nil, s, reason)
	})
	return s, err
}

// Scores returns the experts' scores of an application. The purchaser, the hub and the auditor
// may, within scope, at any time; a panel member only once they have submitted their own score
// for it (ECONFLICT application_id: review.scores_hidden before). Others: EFORBIDDEN.
func (a *Service) Scores(ctx context.Context, ac *gongzhi.Actor, appID int64) ([]gongzhi.Score, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return nil, err
	}
	q := a.DB.Q()
	switch {
	case MayReadPurchases(ac):
		ap, err := a.appFor(ctx, q, ac, appID)
		if err != nil {
			return nil, err
		}
		return q.ListScores(ctx, ap.CallID, appID)
	case ac.Has(gongzhi.RoleExpert):
		person, err := expertPerson(ctx, q, ac)
		if err != nil {
			return nil, err
		}
		ap, err := a.appFor(ctx, q, ac, appID)
		if err != nil {
			return nil, err
		}
		if done, err := q.HasScored(ctx, appID, person); err != nil {
			return nil, err
		} else if !done {
			return nil, gongzhi.Refused("application_id", "review.scores_hidden")
		}
		return q.ListScores(ctx, ap.CallID, appID)
	}
	return nil, gongzhi.Forbidden()
}

// ---- ranking and awards

// RankCall aggregates the experts' scores of every eligible application by the call's rule
// (trim_mean: drop the highest and the lowest total, average the rest) and ranks them: higher
// score first, ties to the earlier submission, then the lower id. An organization whose final
// evaluation was graded 优秀 and published in the year before the call opened gets that
// evaluation's bonus points added, named in the ranking's history note. Only scores of members still
// on the panel, and without a conflict, count. Only the purchaser may, within scope, while the
// call is in review, and only when every member has scored every application they may score
// (ECONFLICT scores: review.incomplete:MISSING). Ranking again when no score changed is refused
// (ECONFLICT ranking: ranking.unchanged): the ranking is recorded once.
func (a *Service) RankCall(ctx context.Context, ac *gongzhi.Actor, callID int64) ([]gongzhi.Ranked, error) {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return nil, err
	}
	var rs []gongzhi.Ranked
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if c.State != gongzhi.CallReviewing {
			return gongzhi.Refused("state", "state.illegal:"+c.State)
		}
		var apps []*gongzhi.Application
		if _, err := q.ListApplications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": kernel.Id10(callID),
			"state": gongzhi.AppEligible}}, func(ap *gongzhi.Application) error { apps = append(apps, ap); return nil }); err != nil {
			return err
		}
		members, err := q.ListPanel(ctx, callID)
		if err != nil {
			return err
		}
		conflicts, err := q.CallConflicts(ctx, callID)
		if err != nil {
			return err
		}
		orgOf := map[int64]int64{}
		var active []int64
		for _, m := range members {
			if m.Active() {
				active = append(active, m.PersonID)
				if orgOf[m.PersonID], err = q.PersonOrg(ctx, m.PersonID); err != nil {
					return err
				}
			}
		}
		excluded := map[int64][]int64{}
		expected := make([]int, len(apps))
		for i, ap := range apps {
			for _, p := range active {
				if orgOf[p] == ap.OrgID || slices.Contains(conflicts[p], ap.OrgID) {
					excluded[p] = append(excluded[p], ap.ID)
				} else {
					expected[i]++
				}
			}
		}
		stats, err := q.CountingScores(ctx, callID, active, excluded)
		if err != nil {
			return err
		}
		missing := 0
		var bonuses []gongzhi.Note // evaluation bonus (evaluation.go): an 优秀 final round in the year before the call opened, one history line each
		rs = make([]gongzhi.Ranked, 0, len(apps))
		for i, ap := range apps {
			st := stats[ap.ID]
			missing += expected[i] - st.N
			score := gongzhi.AggregateStats(c.Aggregation, st.N, st.Sum, st.Lo, st.Hi)
			// the largest bonus of an 优秀 final round published in the year before the call opened,
			// noted with the evaluation it comes from
			bonus, evalID, err := q.EvalBonus(ctx, ap.OrgID, c.OpensAt)
			if err != nil {
				return err
			}
			if bonus > 0 {
				score += bonus
				bonuses = append(bonuses, gongzhi.NoteOf("eval_bonus", ap.OrgName, bonus, evalID))
			}
			rs = append(rs, gongzhi.Ranked{ApplicationID: ap.ID, OrgID: ap.OrgID, OrgName: ap.OrgName, Title: ap.Title,
				Score: score, Scores: st.N, SubmittedAt: ap.SubmittedAt, Requested: ap.Requested, Band: ap.Band})
		}
		if missing > 0 {
			return gongzhi.Refused("scores", "review.incomplete:"+kernel.Itoa(missing))
		}
		gongzhi.RankOrder(rs)
		if stored, unranked, err := ranking(ctx, q, callID); err != nil {
			return err
		} else if unranked == 0 && slices.EqualFunc(stored, rs, func(x, y gongzhi.Ranked) bool {
			return x.ApplicationID == y.ApplicationID && x.Score == y.Score && x.Scores == y.Scores
		}) {
			return gongzhi.Refused("ranking", "ranking.unchanged")
		}
		if err := q.SetRanking(ctx, callID, rs, a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: callID, Entity: "ranking", EntityID: callID, To: "ranked",
			Note: gongzhi.NoteOf("ranked", len(rs), c.Aggregation)}); err != nil {
			return err
		}
		for _, note := range bonuses {
			if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: callID, Entity: "ranking", EntityID: callID, To: "ranked", Note: note}); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "update", ResCalls, kernel.Id10(callID), nil, map[string]int{"ranked": len(rs)}, "ranked")
	})
	return rs, err
}

// ranking reads a call's stored ranking of eligible (or, after publication, settled)
// applications in rank order, and reports how many eligible ones are unranked.
func ranking(ctx context.Context, q *store.Q, callID int64) ([]gongzhi.Ranked, int, error) {
	var rs []gongzhi.Ranked
	unranked := 0
	_, err := q.ListApplications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": kernel.Id10(callID),
		"states": "eligible,awarded,not_funded"}, Sort: "rank"}, func(ap *gongzhi.Application) error {
		if ap.Rank == 0 {
			unranked++
			return nil
		}
		rs = append(rs, gongzhi.Ranked{ApplicationID: ap.ID, OrgID: ap.OrgID, OrgName: ap.OrgName, Title: ap.Title, Score: ap.Score,
			Scores: ap.Scores, SubmittedAt: ap.SubmittedAt, Requested: ap.Requested, Band: ap.Band, Rank: ap.Rank})
		return nil
	})
	return rs, unranked, err
}

// Ranking returns a call's ranking. The purchaser, the hub and the auditor may, within scope;
// once the results are published anyone who may see the call may.
func (a *Service) Ranking(ctx context.Context, ac *gongzhi.Actor, callID int64) ([]gongzhi.Ranked, error) {
	c, err := a.Call(ctx, ac, callID)
	if err != nil {
		return nil, err
	}
	if !MayReadPurchases(ac) && c.State != gongzhi.CallNotice && c.State != gongzhi.CallFinal {
		return nil, gongzhi.NotFound()
	}
	rs, _, err := ranking(ctx, a.DB.Q(), callID)
	return rs, err
}

// ProposeAwards replaces the call's proposed awards with the automatic proposal: in rank order,
// every application scoring at least threshold is funded with its request clipped to its band
// while the call's amount lasts; the first one the money cannot cover, and all after it, are
// not funded for budget_exhausted (below_threshold for those under the threshold). The reason
// is recorded on every application not funded. Only the purchaser may, within scope, in review,
// after RankCall (ECONFLICT ranking: award.not_ranked). A proposal that changes nothing — the
// same request sent twice — is refused (ECONFLICT threshold: award.unchanged), so that it leaves
// no second set of history lines.
func (a *Service) ProposeAwards(ctx context.Context, ac *gongzhi.Actor, callID int64, threshold gongzhi.Points) ([]gongzhi.Proposal, error) {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return nil, err
	}
	var props []gongzhi.Proposal
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if c.State != gongzhi.CallReviewing {
			return gongzhi.Refused("state", "state.illegal:"+c.State)
		}
		rs, unranked, err := ranking(ctx, q, callID)
		if err != nil {
			return err
		}
		if unranked > 0 || len(rs) == 0 {
			return gongzhi.Refused("ranking", "award.not_ranked")
		}
		rules, err := priceRules(ctx, q, callID)
		if err != nil {
			return err
		}
		props = gongzhi.ProposeAwardsPriced(c, rs, threshold, rules)
		var ws []*gongzhi.Award
		reasons := map[int64]string{}
		var total gongzhi.Money
		for i, p := range props {
			reasons[p.ApplicationID] = p.Reason
			if p.Amount > 0 {
				ws = append(ws, &gongzhi.Award{CallID: callID, ApplicationID: p.ApplicationID, OrgID: rs[i].OrgID, Amount: p.Amount,
					State: gongzhi.AwardProposed, PriceException: p.PriceException})
				total += p.Amount
			}
		}
		if same, err := sameProposal(ctx, q, callID, ws, reasons); err != nil {
			return err
		} else if same {
			return gongzhi.Refused("threshold", "award.unchanged")
		}
		if err := q.DeleteProposedAwards(ctx, callID); err != nil {
			return err
		}
		if err := q.InsertAwards(ctx, ws, a.NowUTC()); err != nil {
			return err
		}
		if err := q.SetUnfundedMany(ctx, reasons, a.NowUTC()); err != nil {
			return err
		}
		awards, err := q.ListAwards(ctx, callID, gongzhi.AwardProposed)
		if err != nil {
			return err
		}
		lines := make([]gongzhi.StateChange, 0, len(awards))
		uid, uname, role := kernel.Identity(ac)
		for _, w := range awards {
			lines = append(lines, gongzhi.StateChange{At: a.NowUTC(), CallID: callID, AppID: w.ApplicationID, Entity: "award", EntityID: w.ID,
				To: gongzhi.AwardProposed, UserID: uid, Username: uname, Role: role, Note: gongzhi.NoteOf("award_amount", w.ApplicationID, w.Amount, "")})
		}
		if err := q.InsertStateChanges(ctx, lines); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResAwards, kernel.Id10(callID), nil,
			map[string]any{"funded": len(ws), "total": total, "threshold": threshold, "proposal": props}, "awards proposed")
	})
	return props, err
}

// priceRules returns, for each eligible application of a call, its category (with the price
// range) and the reason it gave for a request outside the range.
func priceRules(ctx context.Context, q *store.Q, callID int64) (map[int64]gongzhi.PriceRule, error) {
	cats, err := q.ListServiceCategories(ctx, false)
	if err != nil {
		return nil, err
	}
	byCode := map[string]*gongzhi.ServiceCategory{}
	for _, c := range cats {
		byCode[c.Code] = c
	}
	out := map[int64]gongzhi.PriceRule{}
	_, err = q.ListApplications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": kernel.Id10(callID),
		"state": gongzhi.AppEligible}}, func(ap *gongzhi.Application) error {
		out[ap.ID] = gongzhi.PriceRule{Category: byCode[ap.CategoryCode], Reason: ap.PriceException}
		return nil
	})
	return out, err
}

// sameProposal reports whether a call's awards and reasons are already what a proposal would
// make them (the awards ws, the reasons of the applications not funded, no notes): proposing
// again would change nothing.
func sameProposal(ctx context.Context, q *store.Q, callID int64, ws []*gongzhi.Award, reasons map[int64]string) (bool, error) {
	have, err := q.ListAwards(ctx, callID)
	if err != nil || len(have) != len(ws) {
		return false, err
	}
	want := make(map[int64]gongzhi.Money, len(ws))
	for _, w := range ws {
		want[w.ApplicationID] = w.Amount
	}
	for _, w := range have {
		if w.State != gongzhi.AwardProposed || w.Note != "" || want[w.ApplicationID] != w.Amount {
			return false, nil
		}
	}
	same := true
	_, err = q.ListApplications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": kernel.Id10(callID),
		"state": gongzhi.AppEligible}}, func(ap *gongzhi.Application) error {
		if r, ok := reasons[ap.ID]; ok && (ap.UnfundedReason != r || ap.UnfundedNote != "") {
			same = false
		}
		return nil
	})
	return same, err
}

// eligibleInCall returns an eligible, ranked application of the call.
func eligibleInCall(ctx context.Context, q *store.Q, callID, appID int64) (*gongzhi.Application, error) {
	ap, err := q.GetApplication(ctx, store.Scope{}, appID)
	if err != nil || ap.CallID != callID {
		return nil, gongzhi.NotFound()
	}
	if ap.State != gongzhi.AppEligible {
		return nil, gongzhi.Refused("application_id", "award.not_eligible")
	}
	if ap.Rank == 0 {
		return nil, gongzhi.Refused("ranking", "award.not_ranked")
	}
	return ap, nil
}

// SetAward gives (or changes) an eligible application's proposed award, with the purchaser's
// note. The amount must lie within one of the call's bands (EINVALID amount:
// award.outside_bands) and not exceed the request (award.exceeds_request); the call's awards
// together can never exceed its amount (ECONFLICT amount: award.exceeds_budget:LEFT) — the
// call's row is locked while they are added up, so two concurrent awards cannot overspend.
// Only the purchaser may, within scope, in review, after ranking. The same award again (amount
// and note unchanged) is refused (ECONFLICT amount: award.unchanged).
func (a *Service) SetAward(ctx context.Context, ac *gongzhi.Actor, callID, appID int64, amount gongzhi.Money, note string) error {
	return a.SetAwardPriced(ctx, ac, callID, appID, amount, note, "")
}

// SetAwardPriced is SetAward with the reason for an amount outside the category's price range
// (the catalog entry's allow_exceptions): outside the range, the award is refused (EINVALID
// amount: price.below_min:MIN / price.above_max:MAX) unless the category allows exceptions and
// a reason is given here or was given by the application (else price_exception:
// price.exception_reason). The reason is recorded on the award, in its history and the audit.
func (a *Service) SetAwardPriced(ctx context.Context, ac *gongzhi.Actor, callID, appID int64, amount gongzhi.Money, note, exception string) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	note, r := gongzhi.CheckText(note, 500, false)
	if r != "" {
		return gongzhi.Invalid("note", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if c.State != gongzhi.CallReviewing {
			return gongzhi.Refused("state", "state.illegal:"+c.State)
		}
		ap, err := eligibleInCall(ctx, q, callID, appID)
		if err != nil {
			return err
		}
		if r := gongzhi.CheckAward(c, ap.Requested, amount); r != "" {
			return gongzhi.Invalid("amount", r)
		}
		cat, err := q.GetServiceCategory(ctx, ap.CategoryCode)
		if err != nil {
			return err
		}
		if exception == "" {
			exception = ap.PriceException
		}
		if exception, err = gongzhi.CheckPrice(cat, "amount", amount, exception); err != nil {
			return err
		}
		sum, err := q.SumAwards(ctx, callID)
		if err != nil {
			return err
		}
		existing, err := q.AwardOf(ctx, appID)
		if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return err
		}
		if err == nil {
			sum -= existing.Amount
		}
		if sum+amount > c.Amount {
			return gongzhi.Refused("amount", "award.exceeds_budget:"+(c.Amount-sum).Format())
		}
		from := ""
		if existing != nil && err == nil && existing.Amount == amount && existing.Note == note && existing.PriceException == exception &&
			ap.UnfundedReason == "" {
			return gongzhi.Refused("amount", "award.unchanged")
		}
		if existing != nil && err == nil {
			from = existing.State
			if err := q.UpdateAwardAmount(ctx, existing.ID, amount, note, a.NowUTC()); err != nil {
				return err
			}
			if err := q.SetAwardPriceException(ctx, existing.ID, exception); err != nil {
				return err
			}
		} else {
			w := &gongzhi.Award{CallID: callID, ApplicationID: appID, OrgID: ap.OrgID, Amount: amount, State: gongzhi.AwardProposed, Note: note,
				PriceException: exception}
			if err := q.InsertAwards(ctx, []*gongzhi.Award{w}, a.NowUTC()); err != nil {
				return err
			}
			if existing, err = q.AwardOf(ctx, appID); err != nil {
				return err
			}
		}
		if err := q.SetUnfunded(ctx, appID, "", "", a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: callID, AppID: appID, Entity: "award", EntityID: existing.ID, From: from,
			To: gongzhi.AwardProposed, Note: gongzhi.NoteOf("award_amount", appID, amount, note)}); err != nil {
			return err
		}
		after := map[string]any{"application_id": appID, "amount": amount, "note": note}
		if exception != "" {
			after["price_exception"] = exception
		}
		return a.WriteAudit(ctx, q, ac, "update", ResAwards, kernel.Id10(existing.ID), nil, after, "award set")
	})
}

// RemoveAward takes an eligible application out of the awards with the reason it is not funded
// (one of gongzhi.UnfundedReasons; unfunded.decision needs a note saying why). Only the
// purchaser may, within scope, in review. EINVALID (reason: choice, note: required). Removing an
// application already out with that reason and note changes nothing and writes nothing.
func (a *Service) RemoveAward(ctx context.Context, ac *gongzhi.Actor, callID, appID int64, reason, note string) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	if !slices.Contains(gongzhi.UnfundedReasons, reason) {
		return gongzhi.Invalid("reason", "choice")
	}
	note, r := gongzhi.CheckText(note, 500, reason == gongzhi.UnfundedDecision)
	if r != "" {
		return gongzhi.Invalid("note", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if c.State != gongzhi.CallReviewing {
			return gongzhi.Refused("state", "state.illegal:"+c.State)
		}
		ap, err := eligibleInCall(ctx, q, callID, appID)
		if err != nil {
			return err
		}
		w, err := q.AwardOf(ctx, appID)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND && ap.UnfundedReason == reason && ap.UnfundedNote == note {
			return nil // already so: nothing to write
		}
		if err == nil {
			if err := q.DeleteAward(ctx, w.ID); err != nil {
				return err
			}
			if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: callID, AppID: appID, Entity: "award", EntityID: w.ID, From: w.State,
				To: "removed", Note: gongzhi.NoteOf("award_removed", reason, note)}); err != nil {
				return err
			}
		} else if gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return err
		}
		if err := q.SetUnfunded(ctx, appID, reason, note, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResAwards, kernel.Id10(callID), nil, map[string]any{"application_id": appID, "reason": reason, "note": note}, "award removed")
	})
}

// Awards returns a call's awards in rank order. The purchaser, the hub and the auditor see every
// award within scope at any time; once the results are published anyone who may see the call —
// providers and the public too — sees the published, final and overturned ones.
func (a *Service) Awards(ctx context.Context, ac *gongzhi.Actor, callID int64) ([]*gongzhi.Award, error) {
	c, err := a.Call(ctx, ac, callID)
	if err != nil {
		return nil, err
	}
	if MayReadPurchases(ac) {
		return a.DB.Q().ListAwards(ctx, callID)
	}
	if c.State != gongzhi.CallNotice && c.State != gongzhi.CallFinal {
		return nil, gongzhi.NotFound()
	}
	return a.DB.Q().ListAwards(ctx, callID, gongzhi.AwardPublished, gongzhi.AwardFinal, gongzhi.AwardOverturned)
}

// PublishAwards publishes a call's results for the public notice (公示): the proposed awards
// become published, every eligible application becomes awarded or not_funded, the money the
// call reserved beyond its awards goes back to the budget, and the notice runs for the call's
// notice_days working days (Monday–Friday and the office calendar) from today. Only the
// purchaser may, within scope, in review. Refuses (ECONFLICT) unranked applications (ranking:
// award.not_ranked), applications neither funded nor given a reason (awards:
// award.reason_missing:N), and awards above the call's amount (amount: award.exceeds_budget).
func (a *Service) PublishAwards(ctx context.Context, ac *gongzhi.Actor, callID int64) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if err := gongzhi.CheckMove(gongzhi.CallMoves, c.State, gongzhi.CallNotice); err != nil {
			return err
		}
		var apps []*gongzhi.Application
		if _, err := q.ListApplications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": kernel.Id10(callID),
			"state": gongzhi.AppEligible}}, func(ap *gongzhi.Application) error { apps = append(apps, ap); return nil }); err != nil {
			return err
		}
		awards, err := q.ListAwards(ctx, callID, gongzhi.AwardProposed)
		if err != nil {
			return err
		}
		awarded := map[int64]*gongzhi.Award{}
		var sum gongzhi.Money
		for _, w := range awards {
			awarded[w.ApplicationID] = w
			sum += w.Amount
		}
		missing := 0
		for _, ap := range apps {
			if ap.Rank == 0 {
				return gongzhi.Refused("ranking", "award.not_ranked")
			}
			if awarded[ap.ID] == nil && ap.UnfundedReason == "" {
				missing++
			}
		}
		if missing > 0 {
			return gongzhi.Refused("awards", "award.reason_missing:"+kernel.Itoa(missing))
		}
		if sum > c.Amount || sum > c.Reserved {
			return gongzhi.Refused("amount", "award.exceeds_budget:"+c.Amount.Format())
		}
		now := a.NowUTC()
		if err := q.MoveCallAwards(ctx, callID, gongzhi.AwardProposed, gongzhi.AwardPublished, now); err != nil {
			return err
		}
		if err := q.SettleApplications(ctx, callID, now); err != nil {
			return err
		}
		for _, w := range awards {
			if _, err := publog.Append(ctx, q, awardRecord(w)); err != nil {
				return err
			}
		}
		uid, uname, role := kernel.Identity(ac)
		lines := make([]gongzhi.StateChange, 0, len(awards)+len(apps))
		for _, w := range awards {
			lines = append(lines, gongzhi.StateChange{At: now, CallID: callID, AppID: w.ApplicationID, Entity: "award", EntityID: w.ID,
				From: gongzhi.AwardProposed, To: gongzhi.AwardPublished, UserID: uid, Username: uname, Role: role, Note: gongzhi.NoteOf("amount", w.Amount)})
		}
		for _, ap := range apps {
			to, note := gongzhi.AppNotFunded, gongzhi.NoteOf("unfunded", ap.UnfundedReason)
			if awarded[ap.ID] != nil {
				to, note = gongzhi.AppAwarded, gongzhi.Note{}
			}
			lines = append(lines, gongzhi.StateChange{At: now, CallID: callID, AppID: ap.ID, Entity: "application", EntityID: ap.ID,
				From: ap.State, To: to, UserID: uid, Username: uname, Role: role, Note: note})
		}
		if err := q.InsertStateChanges(ctx, lines); err != nil {
			return err
		}
		settled := map[string]string{}
		for _, l := range lines {
			settled[l.Entity+" "+kernel.Id10(l.EntityID)] = l.To
		}
		if err := a.WriteAudit(ctx, q, ac, "update", ResAwards, kernel.Id10(callID), nil, settled, "results published"); err != nil {
			return err
		}
		if left := c.Reserved - sum; left > 0 {
			if err := a.moveMoney(ctx, q, ac, gongzhi.LedgerEntry{BudgetID: c.BudgetID, CallID: callID, Kind: gongzhi.LedgerRelease,
				Amount: left, Note: gongzhi.NoteOf("released_rest")}); err != nil {
				return err
			}
			if err := q.AddCallReserved(ctx, callID, -left, now); err != nil {
				return err
			}
		}
		cal, err := a.Calendar(ctx, q)
		if err != nil {
			return err
		}
		ends := cal.NoticeEnd(now, c.NoticeDays)
		if err := q.SetCallNotice(ctx, callID, now, ends); err != nil {
			return err
		}
		return a.moveCall(ctx, q, ac, c, gongzhi.CallNotice, gongzhi.NoteOf("published", len(awards), sum, gongzhi.DateOf(ends.Add(-1))))
	})
}

// Notice returns what the public sees of a call's results: the call, its published (later
// final, or overturned) awards in rank order, and the count of objections filed and still
// open. Anyone may, without an account, once the results are published; ENOTFOUND before.
func (a *Service) Notice(ctx context.Context, ac *gongzhi.Actor, callID int64) (*gongzhi.Notice, error) {
	c, err := a.Call(ctx, ac, callID)
	if err != nil {
		return nil, err
	}
	if c.State != gongzhi.CallNotice && c.State != gongzhi.CallFinal {
		return nil, gongzhi.NotFound()
	}
	q := a.DB.Q()
	awards, err := q.ListAwards(ctx, callID, gongzhi.AwardPublished, gongzhi.AwardFinal, gongzhi.AwardOverturned)
	if err != nil {
		return nil, err
	}
	objs, err := q.ListObjections(ctx, callID)
	if err != nil {
		return nil, err
	}
	n := &gongzhi.Notice{Call: c, Awards: awards, Objections: len(objs), Final: c.State == gongzhi.CallFinal}
	for _, o := range objs {
		if o.State == gongzhi.ObjectionOpen {
			n.OpenObjections++
		}
	}
	return n, nil
}

// ---- objections

// FileObjection records an objection (异议) to a call's published results — to one application's
// result, or to the call as a whole — by anyone, without an account too, with a name and a
// contact. Refuses (ECONFLICT call_id) after the notice period (objection.period_over) and when
// the results are not in notice (state.illegal); EINVALID (application_id: choice) for an
// application that is not a published result of the call; ECONFLICT (body: objection.duplicate)
// for the same objection again (same result, name, contact and text: a form sent twice files
// once); ENOTFOUND for a call the caller cannot see; ETOOMANY once an anonymous address has filed PublicFormLimit objections within
// the hour.
func (a *Service) FileObjection(ctx context.Context, ac *gongzhi.Actor, o *gongzhi.Objection) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.callFor(ctx, q, ac, o.CallID)
		if err != nil {
			return err
		}
		// the call's row is locked before its state and objections are read: an objection cannot
		// slip in beside the awards becoming final, nor the same one be filed twice
		if err := q.LockRow(ctx, "calls", c.ID); err != nil {
			return err
		}
		if c, err = q.GetCall(ctx, store.Scope{}, c.ID); err != nil {
			return err
		}
		if err := a.ThrottleAnonymous(ctx, q, ac, "objection"); err != nil {
			return err
		}
		if c.State == gongzhi.CallFinal || c.State == gongzhi.CallNotice && !a.NowUTC().Before(c.NoticeEndsAt) {
			return gongzhi.Refused("call_id", "objection.period_over")
		}
		if c.State != gongzhi.CallNotice {
			return gongzhi.Refused("call_id", "state.illegal:"+c.State)
		}
		if o.ApplicationID != 0 {
			ap, err := q.GetApplication(ctx, store.Scope{}, o.ApplicationID)
			if err != nil || ap.CallID != c.ID || ap.State != gongzhi.AppAwarded && ap.State != gongzhi.AppNotFunded {
				return gongzhi.Invalid("application_id", "choice")
			}
		}
		objs, err := q.ListObjections(ctx, c.ID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(objs, func(x *gongzhi.Objection) bool {
			return x.ApplicationID == o.ApplicationID && x.Name == o.Name && x.Contact == o.Contact && x.Body == o.Body
		}) {
			return gongzhi.Refused("body", "objection.duplicate")
		}
		if err := q.InsertObjection(ctx, o, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: c.ID, AppID: o.ApplicationID, Entity: "objection", EntityID: o.ID,
			To: gongzhi.ObjectionOpen}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResObjections, kernel.Id10(o.ID), nil, o, "")
	})
}

// Objections returns a call's objections in the order filed. The purchaser, the hub and the
// auditor see them in full within scope; anyone else who may see the results sees them
// without the name and contact of whoever filed them.
func (a *Service) Objections(ctx context.Context, ac *gongzhi.Actor, callID int64) ([]*gongzhi.Objection, error) {
	c, err := a.Call(ctx, ac, callID)
	if err != nil {
		return nil, err
	}
	if !MayReadPurchases(ac) && c.State != gongzhi.CallNotice && c.State != gongzhi.CallFinal {
		return nil, gongzhi.NotFound()
	}
	objs, err := a.DB.Q().ListObjections(ctx, callID)
	if err != nil || MayReadPurchases(ac) {
		return objs, err
	}
	for _, o := range objs {
		o.Name, o.Contact, o.AnsweredBy = "", "", ""
	}
	return objs, nil
}

// AnswerObjection records the purchaser's answer to an open objection, upheld or not. An upheld
// objection to an application's award may overturn it (overturn): the award is removed, the
// application becomes not_funded (unfunded.objection_upheld, with the answer as the note) and
// its money goes back to the budget. Only the purchaser may, within scope, while the call is in
// notice. Refuses (ECONFLICT) an answered objection (state: state.illegal:answered) and a call
// past the notice (call_id: state.illegal); EINVALID (answer: required; overturn:
// objection.overturn_needs_upheld / objection.no_award).
func (a *Service) AnswerObjection(ctx context.Context, ac *gongzhi.Actor, id int64, answer string, upheld, overturn bool) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	answer, r := gongzhi.CheckText(answer, 5000, true)
	if r != "" {
		return gongzhi.Invalid("answer", r)
	}
	if overturn && !upheld {
		return gongzhi.Invalid("overturn", "objection.overturn_needs_upheld")
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		o, err := q.GetObjection(ctx, id)
		if err != nil {
			return err
		}
		c, err := a.LockCall(ctx, q, ac, o.CallID)
		if err != nil {
			return err
		}
		// read again under the call's lock: a concurrent answer has committed by now
		if o, err = q.GetObjection(ctx, id); err != nil {
			return err
		}
		if o.State != gongzhi.ObjectionOpen {
			return gongzhi.Refused("state", "state.illegal:"+o.State)
		}
		if c.State != gongzhi.CallNotice {
			return gongzhi.Refused("call_id", "state.illegal:"+c.State)
		}
		if overturn {
			if o.ApplicationID == 0 {
				return gongzhi.Invalid("overturn", "objection.no_award")
			}
			w, err := q.AwardOf(ctx, o.ApplicationID)
			if err != nil || w.State != gongzhi.AwardPublished {
				return gongzhi.Invalid("overturn", "objection.no_award")
			}
			if err := gongzhi.CheckMove(gongzhi.AwardMoves, w.State, gongzhi.AwardOverturned); err != nil {
				return err
			}
			if err := q.SetAwardState(ctx, w.ID, w.State, gongzhi.AwardOverturned, answer, a.NowUTC()); err != nil {
				return err
			}
			if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: c.ID, AppID: w.ApplicationID, Entity: "award", EntityID: w.ID,
				From: w.State, To: gongzhi.AwardOverturned, Note: gongzhi.TextNote(answer)}); err != nil {
				return err
			}
			ap, err := q.GetApplication(ctx, store.Scope{}, w.ApplicationID)
			if err != nil {
				return err
			}
			if err := a.moveApp(ctx, q, ac, ap, gongzhi.AppNotFunded, gongzhi.NoteOf("unfunded", gongzhi.UnfundedObjection)); err != nil {
				return err
			}
			if err := q.SetUnfunded(ctx, ap.ID, gongzhi.UnfundedObjection, answer, a.NowUTC()); err != nil {
				return err
			}
			if err := a.moveMoney(ctx, q, ac, gongzhi.LedgerEntry{BudgetID: c.BudgetID, CallID: c.ID, Kind: gongzhi.LedgerRelease,
				Amount: w.Amount, Note: gongzhi.NoteOf("award_overturned")}); err != nil {
				return err
			}
			if err := q.AddCallReserved(ctx, c.ID, -w.Amount, a.NowUTC()); err != nil {
				return err
			}
		}
		before := *o
		o.Answer, o.Upheld, o.Overturned, o.AnsweredBy = answer, upheld, overturn, kernel.ActorName(ac)
		if err := q.AnswerObjection(ctx, o, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		note := gongzhi.NoteOf("not_upheld")
		if upheld {
			note = gongzhi.NoteOf("upheld")
		}
		if overturn {
			note = gongzhi.NoteOf("overturned")
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: c.ID, AppID: o.ApplicationID, Entity: "objection", EntityID: o.ID,
			From: gongzhi.ObjectionOpen, To: gongzhi.ObjectionAnswered, Note: note}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResObjections, kernel.Id10(o.ID), &before, o, note.String())
	})
}

// FinalizeCall makes a call's published awards final once the notice period has ended and every
// objection is answered; contracts can then be signed. Only the purchaser may, within scope.
// Refuses (ECONFLICT) before the notice ends (notice_ends_at: notice.not_over:DATE), with
// objections open (objections: notice.objections_open:N), and outside the notice state.
func (a *Service) FinalizeCall(ctx context.Context, ac *gongzhi.Actor, callID int64) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, callID)
		if err != nil {
			return err
		}
		if err := gongzhi.CheckMove(gongzhi.CallMoves, c.State, gongzhi.CallFinal); err != nil {
			return err
		}
		if a.NowUTC().Before(c.NoticeEndsAt) {
			return gongzhi.Refused("notice_ends_at", "notice.not_over:"+gongzhi.DateOf(c.NoticeEndsAt.Add(-1)))
		}
		objs, err := q.ListObjections(ctx, callID)
		if err != nil {
			return err
		}
		open := 0
		for _, o := range objs {
			if o.State == gongzhi.ObjectionOpen {
				open++
			}
		}
		if open > 0 {
			return gongzhi.Refused("objections", "notice.objections_open:"+kernel.Itoa(open))
		}
		awards, err := q.ListAwards(ctx, callID, gongzhi.AwardPublished)
		if err != nil {
			return err
		}
		if err := q.MoveCallAwards(ctx, callID, gongzhi.AwardPublished, gongzhi.AwardFinal, a.NowUTC()); err != nil {
			return err
		}
		uid, uname, role := kernel.Identity(ac)
		lines := make([]gongzhi.StateChange, 0, len(awards))
		for _, w := range awards {
			lines = append(lines, gongzhi.StateChange{At: a.NowUTC(), CallID: callID, AppID: w.ApplicationID, Entity: "award", EntityID: w.ID,
				From: gongzhi.AwardPublished, To: gongzhi.AwardFinal, UserID: uid, Username: uname, Role: role})
		}
		if err := q.InsertStateChanges(ctx, lines); err != nil {
			return err
		}
		final := make([]int64, len(awards))
		for i, w := range awards {
			final[i] = w.ID
		}
		if err := a.WriteAudit(ctx, q, ac, "update", ResAwards, kernel.Id10(callID), nil, map[string]any{"final": final}, "awards final"); err != nil {
			return err
		}
		return a.moveCall(ctx, q, ac, c, gongzhi.CallFinal, gongzhi.NoteOf("final", len(awards)))
	})
}
