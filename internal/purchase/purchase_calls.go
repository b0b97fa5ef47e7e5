// Calls for projects and applications (docs/domain.md §3.3–3.5): the purchaser writes, opens,
// closes and cancels calls; providers draft, submit and withdraw applications before the
// deadline, which the server's clock enforces; the hub or the purchaser does the preliminary
// review. Every state change leaves a line of state history and an audit entry.

package purchase

import (
	"context"
	"slices"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/registry"
	"gongzhi/internal/store"
)

// ---- calls

// checkCall checks a call's references within the purchaser's scope: the place exists and is in
// scope, the budget is in scope and covers the place, the categories are active catalog
// entries, the needs are needs of communities under the place, and the amount is within the
// budget's amount.
func (a *Service) checkCall(ctx context.Context, q *store.Q, ac *gongzhi.Actor, c *gongzhi.Call) error {
	var ck gongzhi.Checks // every failed field at once
	if err := ck.Check(c.Validate()); err != nil {
		return err
	}
	prefix := ""
	if !ck.Failed("place_code") {
		if err := ck.Check(registry.InScope(ac, "place_code", c.PlaceCode)); err != nil {
			return err
		}
	}
	if !ck.Failed("place_code") {
		p, _, err := kernel.PlacePrefix(ctx, q, c.PlaceCode)
		if err != nil {
			ck.Check(gongzhi.Invalid("place_code", "place.missing"))
		}
		prefix = p
	}
	if !ck.Failed("budget_id") {
		b, err := q.GetBudget(ctx, kernel.PlaceScope(ac), c.BudgetID)
		if err != nil {
			ck.Check(gongzhi.Invalid("budget_id", "budget.missing"))
		} else {
			bprefix, _, err := kernel.PlacePrefix(ctx, q, b.PlaceCode)
			if err != nil {
				return err
			}
			if prefix != "" && !strings.HasPrefix(c.PlaceCode, bprefix) {
				ck.Check(gongzhi.Invalid("budget_id", "call.budget_place"))
			}
			if !ck.Failed("amount") && c.Amount > b.Amount {
				ck.Check(gongzhi.Invalid("amount", "call.amount_above_budget:"+b.Amount.Format()))
			}
		}
	}
	if !ck.Failed("categories") {
		for _, code := range c.Categories {
			if cat, err := q.GetServiceCategory(ctx, code); err != nil || !cat.Active {
				ck.Check(gongzhi.Invalid("categories", "choice"))
				break
			}
		}
	}
	needs, err := q.NeedsByIDs(ctx, c.NeedIDs)
	if err != nil {
		return err
	}
	if len(needs) != len(c.NeedIDs) {
		ck.Check(gongzhi.Invalid("need_ids", "choice"))
	} else if prefix != "" {
		for _, n := range needs {
			if !strings.HasPrefix(n.CommunityCode, prefix) {
				ck.Check(gongzhi.Invalid("need_ids", "call.need_place"))
				break
			}
		}
	}
	return ck.Err()
}

// CreateCall writes a draft call for projects at a place within the purchaser's scope, drawing
// on one of its budgets. Only the purchaser may. The criteria default to DefaultCriteria, the
// aggregation to trim_mean and the notice to 5 working days. Returns EINVALID for bad fields
// (call.weights_sum when the criteria's weights do not add up to 100, money.max_below_min for a
// band, call.closes_before_opens …) or references (budget.missing, call.budget_place,
// call.amount_above_budget, call.need_place).
func (a *Service) CreateCall(ctx context.Context, ac *gongzhi.Actor, c *gongzhi.Call) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := a.checkCall(ctx, q, ac, c); err != nil {
			return err
		}
		if err := q.InsertCall(ctx, c, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: c.ID, Entity: "call", EntityID: c.ID, To: gongzhi.CallDraft}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResCalls, kernel.Id10(c.ID), nil, c, "")
	})
}

// UpdateCall saves a draft call's terms. Only the purchaser may, within scope, and only while
// the call is a draft: once open its terms are public and fixed (ECONFLICT state:
// state.illegal:open).
func (a *Service) UpdateCall(ctx context.Context, ac *gongzhi.Actor, c *gongzhi.Call) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := a.LockCall(ctx, q, ac, c.ID)
		if err != nil {
			return err
		}
		if before.State != gongzhi.CallDraft {
			return gongzhi.Refused("state", "state.illegal:"+before.State)
		}
		if err := a.checkCall(ctx, q, ac, c); err != nil {
			return err
		}
		if err := q.UpdateCall(ctx, c, a.NowUTC()); err != nil {
			return err
		}
		c.State, c.CreatedAt = before.State, before.CreatedAt
		return a.WriteAudit(ctx, q, ac, "update", ResCalls, kernel.Id10(c.ID), before, c, "")
	})
}

// lockCall locks a call's row and returns it, within the caller's place scope.
func (a *Service) LockCall(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Call, error) {
	c, err := q.GetCall(ctx, kernel.PlaceScope(ac), id)
	if err != nil {
		return nil, err
	}
	if err := q.LockRow(ctx, "calls", id); err != nil {
		return nil, err
	}
	return q.GetCall(ctx, store.Scope{}, c.ID)
}

// moveCall changes a call's state after checking the move, with history and audit.
func (a *Service) moveCall(ctx context.Context, q *store.Q, ac *gongzhi.Actor, c *gongzhi.Call, to string, note gongzhi.Note) error {
	if err := gongzhi.CheckMove(gongzhi.CallMoves, c.State, to); err != nil {
		return err
	}
	if err := q.SetCallState(ctx, c.ID, c.State, to, a.NowUTC()); err != nil {
		return err
	}
	if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: c.ID, Entity: "call", EntityID: c.ID, From: c.State, To: to, Note: note}); err != nil {
		return err
	}
	from := c.State
	c.State = to
	return a.WriteAudit(ctx, q, ac, "update", ResCalls, kernel.Id10(c.ID), map[string]string{"state": from}, map[string]string{"state": to}, note.String())
}

// OpenCall publishes a draft call and reserves its amount from its budget. Only the purchaser
// may, within scope. Refuses (ECONFLICT) a call that is not a draft (state.illegal), whose
// deadline has already passed (closes_at: call.closes_in_past), or whose budget cannot cover
// it (amount: budget.insufficient:AVAILABLE) — two calls opening at once on one budget cannot
// both take the same money: the budget's row is locked while it is checked.
func (a *Service) OpenCall(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if err := gongzhi.CheckMove(gongzhi.CallMoves, c.State, gongzhi.CallOpen); err != nil {
			return err
		}
		if !a.NowUTC().Before(c.ClosesAt) {
			return gongzhi.Refused("closes_at", "call.closes_in_past")
		}
		if err := a.moveMoney(ctx, q, ac, gongzhi.LedgerEntry{BudgetID: c.BudgetID, CallID: c.ID, Kind: gongzhi.LedgerReserve,
			Amount: c.Amount, Note: gongzhi.NoteOf("call_opened")}); err != nil {
			return err
		}
		if err := q.AddCallReserved(ctx, c.ID, c.Amount, a.NowUTC()); err != nil {
			return err
		}
		return a.moveCall(ctx, q, ac, c, gongzhi.CallOpen, gongzhi.NoteOf("reserved", c.Amount))
	})
}

// CloseCall closes an open call once its deadline has passed; applications still in draft stay
// drafts and are never reviewed. Only the purchaser may, within scope. Refuses (ECONFLICT)
// before the deadline (closes_at: call.deadline_not_passed) and a call that is not open.
func (a *Service) CloseCall(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if err := gongzhi.CheckMove(gongzhi.CallMoves, c.State, gongzhi.CallClosed); err != nil {
			return err
		}
		if a.NowUTC().Before(c.ClosesAt) {
			return gongzhi.Refused("closes_at", "call.deadline_not_passed")
		}
		return a.moveCall(ctx, q, ac, c, gongzhi.CallClosed, gongzhi.Note{})
	})
}

// CloseCallEarly closes an open call before its deadline, with the reason (required), as an
// office does when it must (the budget was cut, the service is needed sooner, enough
// applications are in): applications still in draft stay drafts and can no longer be
// submitted. The reason and the deadline the call had are kept in its history and the audit.
// Only the purchaser may, within scope. Refuses (ECONFLICT) a call that is not open
// (state.illegal); a call whose deadline has passed is closed the same way, with the reason.
func (a *Service) CloseCallEarly(ctx context.Context, ac *gongzhi.Actor, id int64, reason string) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	reason, r := gongzhi.CheckText(reason, 500, true)
	if r != "" {
		return gongzhi.Invalid("reason", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if err := gongzhi.CheckMove(gongzhi.CallMoves, c.State, gongzhi.CallClosed); err != nil {
			return err
		}
		deadline := c.ClosesAt.In(gongzhi.ChinaTime).Format(time.DateOnly)
		return a.moveCall(ctx, q, ac, c, gongzhi.CallClosed, gongzhi.NoteOf("closed_early", deadline, reason))
	})
}

// CancelCall withdraws a call before its awards are final, with the reason (required), and
// releases every reservation; published awards are overturned. Only the purchaser may, within
// scope. Refuses (ECONFLICT) a final or cancelled call (state.illegal) and a call with a
// contract (state: call.has_contracts).
func (a *Service) CancelCall(ctx context.Context, ac *gongzhi.Actor, id int64, reason string) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	reason, r := gongzhi.CheckText(reason, 500, true)
	if r != "" {
		return gongzhi.Invalid("reason", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.LockCall(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if err := gongzhi.CheckMove(gongzhi.CallMoves, c.State, gongzhi.CallCancelled); err != nil {
			return err
		}
		if n, err := q.ListContracts(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": kernel.Id10(id)}, Limit: 1},
			func(*gongzhi.Contract) error { return nil }); err != nil {
			return err
		} else if n > 0 {
			return gongzhi.Refused("state", "call.has_contracts")
		}
		awards, err := q.ListAwards(ctx, id, gongzhi.AwardPublished)
		if err != nil {
			return err
		}
		for _, w := range awards {
			if err := q.SetAwardState(ctx, w.ID, w.State, gongzhi.AwardOverturned, reason, a.NowUTC()); err != nil {
				return err
			}
			if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: id, AppID: w.ApplicationID, Entity: "award", EntityID: w.ID,
				From: w.State, To: gongzhi.AwardOverturned, Note: gongzhi.TextNote(reason)}); err != nil {
				return err
			}
			ap, err := q.GetApplication(ctx, store.Scope{}, w.ApplicationID)
			if err != nil {
				return err
			}
			if err := a.moveApp(ctx, q, ac, ap, gongzhi.AppNotFunded, gongzhi.TextNote(reason)); err != nil {
				return err
			}
			if err := q.SetUnfunded(ctx, ap.ID, gongzhi.UnfundedDecision, reason, a.NowUTC()); err != nil {
				return err
			}
		}
		if err := q.DeleteProposedAwards(ctx, id); err != nil {
			return err
		}
		if err := a.moveMoney(ctx, q, ac, gongzhi.LedgerEntry{BudgetID: c.BudgetID, CallID: id, Kind: gongzhi.LedgerRelease,
			Amount: c.Reserved, Note: gongzhi.NoteOf("call_cancelled")}); err != nil {
			return err
		}
		if err := q.AddCallReserved(ctx, id, -c.Reserved, a.NowUTC()); err != nil {
			return err
		}
		if err := q.SetCallCancelReason(ctx, id, reason); err != nil {
			return err
		}
		return a.moveCall(ctx, q, ac, c, gongzhi.CallCancelled, gongzhi.TextNote(reason))
	})
}

// callFor returns a call the caller may see: staff (purchaser, hub, auditor) every call within
// scope; an expert also the calls whose draw examined them; everyone else, without an account
// too, calls that are open or past it (never drafts or calls cancelled as drafts).
func (a *Service) callFor(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Call, error) {
	if MayReadPurchases(ac) {
		return q.GetCall(ctx, kernel.PlaceScope(ac), id)
	}
	c, err := q.GetCall(ctx, store.Scope{}, id)
	if err != nil {
		return nil, err
	}
	if slices.Contains(publicCallStates, c.State) {
		return publicCall(c), nil
	}
	return nil, gongzhi.NotFound()
}

// publicCall hides what only staff see: the draw's seed and pool before the results are out.
func publicCall(c *gongzhi.Call) *gongzhi.Call {
	if c.State != gongzhi.CallNotice && c.State != gongzhi.CallFinal {
		c.PanelSeed, c.PanelPool, c.PanelFields, c.PanelSize = 0, nil, nil, 0
	}
	return c
}

// Call returns a call the caller may see (see callFor); anyone may call it, without an account
// too. Outside that, ENOTFOUND.
func (a *Service) Call(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Call, error) {
	return a.callFor(ctx, a.DB.Q(), ac, id)
}

// Calls lists calls: staff every call within scope; everyone else, without an account too,
// calls open or past it (the public list of open calls is filter state=open). Filters: see
// store.ListCalls.
func (a *Service) Calls(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Call) error) (int, error) {
	if MayReadPurchases(ac) {
		return a.DB.Q().ListCalls(ctx, kernel.PlaceScope(ac), opts, each)
	}
	f := map[string]string{}
	for k, v := range opts.Filters {
		f[k] = v
	}
	if v := f["state"]; v != "" && !slices.Contains(publicCallStates, v) {
		return 0, nil
	}
	delete(f, "states")
	delete(f, "panel_person")
	f["states"] = strings.Join(publicCallStates, ",")
	opts.Filters = f
	return a.DB.Q().ListCalls(ctx, store.Scope{}, opts, func(c *gongzhi.Call) error { return each(publicCall(c)) })
}

// PublicCallPlaces returns the places of the public calls (those Calls shows to anyone), in code
// order, without reading the calls: the purchasers whose payment record the public pages show.
func (a *Service) PublicCallPlaces(ctx context.Context) ([]string, error) {
	return a.DB.Q().CallPlaces(ctx, publicCallStates)
}

// PurchaserPlaces returns the places of the purchasers (the places of enabled purchaser
// accounts, at any level: province, city, district or street), at most fifty, in code order.
func (a *Service) PurchaserPlaces(ctx context.Context) ([]string, error) {
	return a.DB.Q().PurchaserPlaces(ctx, 50)
}

// OpenCalls lists the calls taking applications now — the public page, no account needed.
func (a *Service) OpenCalls(ctx context.Context, opts store.ListOptions, each func(*gongzhi.Call) error) (int, error) {
	f := map[string]string{"state": gongzhi.CallOpen}
	for k, v := range opts.Filters {
		if k != "state" && k != "states" {
			f[k] = v
		}
	}
	opts.Filters = f
	return a.Calls(ctx, nil, opts, each)
}

// CallNeeds returns the needs a call answers, as anyone who may see the call sees them
// (contacts only for staff who record needs).
func (a *Service) CallNeeds(ctx context.Context, ac *gongzhi.Actor, id int64) ([]*gongzhi.Need, error) {
	c, err := a.Call(ctx, ac, id)
	if err != nil {
		return nil, err
	}
	needs, err := a.DB.Q().NeedsByIDs(ctx, c.NeedIDs)
	for i, n := range needs {
		needs[i] = stripNeed(ac, n)
	}
	return needs, err
}

// ---- applications

// ownApp locks and returns an application of the provider's organization (ENOTFOUND for any
// other). The row is locked before the state the caller decides on is read, so that concurrent
// changes of one application (a submission sent twice, an edit racing the submission) wait for
// each other and the later one sees what the earlier did.
func (a *Service) ownApp(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Application, error) {
	if err := kernel.Allow(ac, MayApply(ac)); err != nil {
		return nil, err
	}
	s := kernel.OrgScope(ac)
	if ac.IsSystem() {
		s = store.Scope{}
	}
	if _, err := q.GetApplication(ctx, s, id); err != nil {
		return nil, err
	}
	return lockApp(ctx, q, id)
}

// lockApp locks an application's row and reads it again: the state read after the lock is the
// one every concurrent change waited for.
func lockApp(ctx context.Context, q *store.Q, id int64) (*gongzhi.Application, error) {
	if err := q.LockRow(ctx, "applications", id); err != nil {
		return nil, err
	}
	return q.GetApplication(ctx, store.Scope{}, id)
}

// deadline refuses an action on an application once the call no longer takes submissions:
// ECONFLICT (call_id: application.deadline_passed) after closes_at by the server's clock,
// (call_id: application.call_not_open) before opens_at or when the call is not open.
func (a *Service) deadline(c *gongzhi.Call) error {
	now := a.NowUTC()
	switch {
	case c.AcceptsAt(now):
		return nil
	case !now.Before(c.ClosesAt):
		return gongzhi.Refused("call_id", "application.deadline_passed")
	}
	return gongzhi.Refused("call_id", "application.call_not_open")
}

// checkAppRefs checks an application's references: communities under the call's place, known
// target groups.
func (a *Service) checkAppRefs(ctx context.Context, q *store.Q, c *gongzhi.Call, ap *gongzhi.Application) error {
	prefix, _, err := kernel.PlacePrefix(ctx, q, c.PlaceCode)
	if err != nil {
		return err
	}
	for _, code := range ap.Communities {
		lvl, err := q.PlaceExists(ctx, code)
		if err != nil {
			return err
		}
		if lvl != gongzhi.LevelCommunity || !strings.HasPrefix(code, prefix) {
			return gongzhi.Invalid("communities", "application.community_not_in_call")
		}
	}
	if len(ap.TargetGroups) > 0 {
		groups, err := q.ListTargetGroups(ctx)
		if err != nil {
			return err
		}
		for _, g := range ap.TargetGroups {
			if !slices.ContainsFunc(groups, func(t gongzhi.TargetGroup) bool { return t.Code == g }) {
				return gongzhi.Invalid("target_groups", "choice")
			}
		}
	}
	return nil
}

// checkAppPrice checks a complete application's request against its category's price range
// (gongzhi.CheckPrice: EINVALID requested: price.below_min:MIN / price.above_max:MAX, or
// price_exception: price.exception_reason where the category allows exceptions and no reason is
// given). A request within the range keeps no exception.
func (a *Service) checkAppPrice(ctx context.Context, q *store.Q, ap *gongzhi.Application) error {
	cat, err := q.GetServiceCategory(ctx, ap.CategoryCode)
	if err != nil {
		return err
	}
	reason, err := gongzhi.CheckPrice(cat, "requested", ap.Requested, ap.PriceException)
	if err != nil {
		return err
	}
	if reason != ap.PriceException {
		ap.PriceException = reason
		return q.UpdateApplication(ctx, ap, a.NowUTC())
	}
	return nil
}

// checkEligible applies a call's machine checks to the applying organization: registered
// (eligibility.not_registered), at least the minimum grade (eligibility.grade:MIN), and not
// barred (eligibility.barred:UNTIL). Refusals are ECONFLICT naming org_id.
func (a *Service) checkEligible(ctx context.Context, q *store.Q, c *gongzhi.Call, orgID int64) error {
	o, err := q.GetOrganization(ctx, store.Scope{}, orgID)
	if err != nil {
		return err
	}
	if c.RequireRegistered && o.RegState != "registered" {
		return gongzhi.Refused("org_id", "eligibility.not_registered")
	}
	if !gongzhi.GradeAtLeast(o.Grade, c.MinGrade) {
		return gongzhi.Refused("org_id", "eligibility.grade:"+c.MinGrade)
	}
	if c.ExcludeIneligible {
		bars, err := q.ListIneligibility(ctx, store.Scope{}, orgID, a.Today())
		if err != nil {
			return err
		}
		if len(bars) > 0 {
			return gongzhi.Refused("org_id", "eligibility.barred:"+bars[0].Until)
		}
	}
	return nil
}

// CreateApplication starts a draft application of the provider's organization to an open call
// before its deadline. Only a provider may. A draft needs a title; everything else is checked
// where given and in full at submission. Returns ENOTFOUND for a call the provider cannot see,
// ECONFLICT (call_id: application.deadline_passed / application.call_not_open), EINVALID for
// bad fields (application.outside_bands, application.budget_sum:SUM,
// application.category_not_in_call, application.community_not_in_call …).
func (a *Service) CreateApplication(ctx context.Context, ac *gongzhi.Actor, ap *gongzhi.Application) error {
	if err := kernel.Allow(ac, MayApply(ac)); err != nil {
		return err
	}
	if !ac.IsSystem() {
		ap.OrgID = ac.User.OrgID
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		return a.createApp(ctx, q, ac, ap)
	})
}

// createApp is CreateApplication inside the caller's transaction.
func (a *Service) createApp(ctx context.Context, q *store.Q, ac *gongzhi.Actor, ap *gongzhi.Application) error {
	c, err := a.callFor(ctx, q, ac, ap.CallID)
	if err != nil {
		return err
	}
	if err := a.deadline(c); err != nil {
		return err
	}
	if err := ap.Validate(c, false); err != nil {
		return err
	}
	if err := a.checkAppRefs(ctx, q, c, ap); err != nil {
		return err
	}
	if err := q.InsertApplication(ctx, ap, kernel.UserID(ac), a.NowUTC()); err != nil {
		return err
	}
	if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: c.ID, AppID: ap.ID, Entity: "application", EntityID: ap.ID,
		To: gongzhi.AppDraft}); err != nil {
		return err
	}
	return a.WriteAudit(ctx, q, ac, "create", ResApps, kernel.Id10(ap.ID), nil, ap, "")
}

// UpdateApplication saves a draft application of the provider's own organization before the
// deadline. Refuses (ECONFLICT) a submitted or withdrawn application (state.illegal) and any
// change after the deadline (application.deadline_passed).
func (a *Service) UpdateApplication(ctx context.Context, ac *gongzhi.Actor, ap *gongzhi.Application) error {
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		return a.updateApp(ctx, q, ac, ap)
	})
}

// updateApp is UpdateApplication inside the caller's transaction.
func (a *Service) updateApp(ctx context.Context, q *store.Q, ac *gongzhi.Actor, ap *gongzhi.Application) error {
	before, err := a.ownApp(ctx, q, ac, ap.ID)
	if err != nil {
		return err
	}
	if before.State != gongzhi.AppDraft {
		return gongzhi.Refused("state", "state.illegal:"+before.State)
	}
	c, err := q.GetCall(ctx, store.Scope{}, before.CallID)
	if err != nil {
		return err
	}
	if err := a.deadline(c); err != nil {
		return err
	}
	ap.CallID, ap.OrgID = before.CallID, before.OrgID
	if err := ap.Validate(c, false); err != nil {
		return err
	}
	if err := a.checkAppRefs(ctx, q, c, ap); err != nil {
		return err
	}
	if err := q.UpdateApplication(ctx, ap, a.NowUTC()); err != nil {
		return err
	}
	ap.State, ap.CreatedAt = before.State, before.CreatedAt
	return a.WriteAudit(ctx, q, ac, "update", ResApps, kernel.Id10(ap.ID), before, ap, "")
}

// SubmitApplication submits a complete draft of the provider's own organization before the
// deadline. Refuses (ECONFLICT) after the deadline (call_id: application.deadline_passed) by
// the server's clock, a non-draft (state.illegal), and an organization the call's eligibility
// excludes (org_id: eligibility.not_registered / eligibility.grade:MIN /
// eligibility.barred:UNTIL); EINVALID for an incomplete application (required, and the rules
// of Application.Validate).
func (a *Service) SubmitApplication(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		return a.submitApp(ctx, q, ac, id)
	})
}

// submitApp is SubmitApplication inside the caller's transaction.
func (a *Service) submitApp(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) error {
	ap, err := a.ownApp(ctx, q, ac, id)
	if err != nil {
		return err
	}
	c, err := q.GetCall(ctx, store.Scope{}, ap.CallID)
	if err != nil {
		return err
	}
	if err := a.deadline(c); err != nil {
		return err
	}
	if err := gongzhi.CheckMove(gongzhi.AppMoves, ap.State, gongzhi.AppSubmitted); err != nil {
		return err
	}
	if err := ap.Validate(c, true); err != nil {
		return err
	}
	if err := a.checkAppRefs(ctx, q, c, ap); err != nil {
		return err
	}
	if err := a.checkAppPrice(ctx, q, ap); err != nil {
		return err
	}
	if err := a.checkEligible(ctx, q, c, ap.OrgID); err != nil {
		return err
	}
	var note gongzhi.Note // a request outside the price range: the submission's line says so, with the reason
	if ap.PriceException != "" {
		note = priceNote(ap.Requested, ap.PriceException)
	}
	return a.moveApp(ctx, q, ac, ap, gongzhi.AppSubmitted, note)
}

// SaveApplication saves a draft application of the provider's own organization (a new one when
// ap.ID is 0, as CreateApplication; else as UpdateApplication), adds the attachments add and
// removes those of remove (as AddAttachment and RemoveAttachment; one not found is skipped), and,
// with submit, submits it (as SubmitApplication), all in one transaction: a refusal of any part
// leaves nothing written, so that a failed "save and submit" leaves no draft behind and no half
// of an edit. It refuses as the parts do.
func (a *Service) SaveApplication(ctx context.Context, ac *gongzhi.Actor, ap *gongzhi.Application, add []*gongzhi.Attachment, remove []int64, submit bool) error {
	create := ap.ID == 0
	if create {
		if err := kernel.Allow(ac, MayApply(ac)); err != nil {
			return err
		}
		if !ac.IsSystem() {
			ap.OrgID = ac.User.OrgID
		}
	}
	for _, att := range add {
		if err := att.Validate(); err != nil {
			return err
		}
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		if create {
			err = a.createApp(ctx, q, ac, ap)
		} else {
			err = a.updateApp(ctx, q, ac, ap)
		}
		if err != nil {
			return err
		}
		for _, att := range add {
			if err := a.addAttachment(ctx, q, ac, ap.ID, att); err != nil {
				return err
			}
		}
		for _, id := range remove {
			if err := a.removeAttachment(ctx, q, ac, ap.ID, id); err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
				return err
			}
		}
		if submit {
			if err := a.submitApp(ctx, q, ac, ap.ID); err != nil {
				return err
			}
			ap.State = gongzhi.AppSubmitted
		}
		return nil
	})
}

// moveApp changes an application's state with history and audit.
func (a *Service) moveApp(ctx context.Context, q *store.Q, ac *gongzhi.Actor, ap *gongzhi.Application, to string, note gongzhi.Note) error {
	if err := gongzhi.CheckMove(gongzhi.AppMoves, ap.State, to); err != nil {
		return err
	}
	if err := q.SetApplicationState(ctx, ap.ID, ap.State, to, a.NowUTC()); err != nil {
		return err
	}
	if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: ap.CallID, AppID: ap.ID, Entity: "application", EntityID: ap.ID,
		From: ap.State, To: to, Note: note}); err != nil {
		return err
	}
	from := ap.State
	ap.State = to
	return a.WriteAudit(ctx, q, ac, "update", ResApps, kernel.Id10(ap.ID), map[string]string{"state": from}, map[string]string{"state": to}, note.String())
}

// WithdrawApplication withdraws a draft or submitted application of the provider's own
// organization before the deadline, with an optional reason. Refuses (ECONFLICT) after the
// deadline (application.deadline_passed) and once reviewed (state.illegal).
func (a *Service) WithdrawApplication(ctx context.Context, ac *gongzhi.Actor, id int64, reason string) error {
	reason, r := gongzhi.CheckText(reason, 500, false)
	if r != "" {
		return gongzhi.Invalid("reason", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ap, err := a.ownApp(ctx, q, ac, id)
		if err != nil {
			return err
		}
		c, err := q.GetCall(ctx, store.Scope{}, ap.CallID)
		if err != nil {
			return err
		}
		if err := a.deadline(c); err != nil {
			return err
		}
		return a.moveApp(ctx, q, ac, ap, gongzhi.AppWithdrawn, gongzhi.TextNote(reason))
	})
}

// appFor returns an application the caller may see: a provider its own organization's (drafts
// included); the purchaser, the hub and the auditor any submitted one of a call within scope;
// an expert an eligible one of a call whose panel they sit on, once they declared no conflict,
// and not of an organization they are in conflict with. ENOTFOUND otherwise.
func (a *Service) appFor(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Application, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return nil, err
	}
	switch {
	case ac.IsSystem():
		return q.GetApplication(ctx, store.Scope{}, id)
	case ac.Has(gongzhi.RoleProvider):
		return q.GetApplication(ctx, kernel.OrgScope(ac), id)
	case MayReadPurchases(ac):
		ap, err := q.GetApplication(ctx, kernel.PlaceScope(ac), id)
		if err == nil && ap.State == gongzhi.AppDraft {
			return nil, gongzhi.NotFound()
		}
		return ap, err
	case ac.Has(gongzhi.RoleExpert):
		person, err := expertPerson(ctx, q, ac)
		if err != nil {
			return nil, err
		}
		ap, err := q.GetApplication(ctx, store.Scope{}, id)
		if err != nil {
			return nil, err
		}
		if err := a.expertMaySee(ctx, q, ap, person); err != nil {
			return nil, err
		}
		ap.ContactPhone = ""
		return ap, nil
	}
	return nil, gongzhi.Forbidden()
}

// Application returns an application the caller may see (see appFor), with its needs and
// attachments.
func (a *Service) Application(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Application, error) {
	return a.appFor(ctx, a.DB.Q(), ac, id)
}

// Applications lists applications: a provider its own organization's; the purchaser, the hub
// and the auditor the submitted ones of calls within scope; an expert uses
// ReviewApplications. Filters: see store.ListApplications (call=ID for one call's).
func (a *Service) Applications(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Application) error) (int, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return 0, err
	}
	switch {
	case ac.IsSystem():
		return a.DB.Q().ListApplications(ctx, store.Scope{}, opts, each)
	case ac.Has(gongzhi.RoleProvider):
		return a.DB.Q().ListApplications(ctx, kernel.OrgScope(ac), opts, each)
	case MayReadPurchases(ac):
		f := map[string]string{"visible": "1"}
		for k, v := range opts.Filters {
			if k != "visible" {
				f[k] = v
			}
		}
		opts.Filters = f
		return a.DB.Q().ListApplications(ctx, kernel.PlaceScope(ac), opts, each)
	}
	return 0, gongzhi.Forbidden()
}

// ApplicationHistory returns every state change of an application, its award, contract and
// payments, in time order — what a provider sees of where its application stands. Anyone who
// may see the application may read it.
//
// Whoever filed an objection stays unnamed to everyone but the purchaser, the hub and the
// auditor, who alone also see the award proposed, changed or taken away during the review: the
// applicant learns its award when the results are published.
func (a *Service) ApplicationHistory(ctx context.Context, ac *gongzhi.Actor, id int64) ([]gongzhi.StateChange, error) {
	if _, err := a.Application(ctx, ac, id); err != nil {
		return nil, err
	}
	hist, err := a.DB.Q().ListStateChanges(ctx, store.HistoryFilter{AppID: id})
	if err != nil || MayReadPurchases(ac) {
		return hist, err
	}
	out := hist[:0]
	for _, h := range hist {
		if h.Entity == "award" && (h.To == gongzhi.AwardProposed || h.To == "removed") {
			continue
		}
		if h.Entity == "objection" && h.To == gongzhi.ObjectionOpen {
			h.UserID, h.Username, h.Role = 0, "", ""
		}
		out = append(out, h)
	}
	return out, nil
}

// AddAttachment records the metadata of a file attached to a draft application of the
// provider's own organization, before the deadline (the bytes are stored by the caller under
// their SHA-256). Refuses like UpdateApplication; EINVALID for a bad name, size or digest. A
// file is attached to an application once: the same file again (same SHA-256) is refused
// (ECONFLICT sha256: attachment.duplicate).
func (a *Service) AddAttachment(ctx context.Context, ac *gongzhi.Actor, appID int64, att *gongzhi.Attachment) error {
	if err := att.Validate(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		return a.addAttachment(ctx, q, ac, appID, att)
	})
}

// addAttachment is AddAttachment inside the caller's transaction.
func (a *Service) addAttachment(ctx context.Context, q *store.Q, ac *gongzhi.Actor, appID int64, att *gongzhi.Attachment) error {
	ap, err := a.editableApp(ctx, q, ac, appID)
	if err != nil {
		return err
	}
	att.ApplicationID = ap.ID
	if err := q.InsertAttachment(ctx, att, kernel.UserID(ac), a.NowUTC()); err != nil {
		if store.IsUnique(err, "") {
			return gongzhi.Refused("sha256", "attachment.duplicate")
		}
		return err
	}
	return a.WriteAudit(ctx, q, ac, "update", ResApps, kernel.Id10(ap.ID), nil, att, "attachment added")
}

// RemoveAttachment removes an attachment from a draft application of the provider's own
// organization before the deadline.
func (a *Service) RemoveAttachment(ctx context.Context, ac *gongzhi.Actor, appID, attID int64) error {
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		return a.removeAttachment(ctx, q, ac, appID, attID)
	})
}

// removeAttachment is RemoveAttachment inside the caller's transaction.
func (a *Service) removeAttachment(ctx context.Context, q *store.Q, ac *gongzhi.Actor, appID, attID int64) error {
	ap, err := a.editableApp(ctx, q, ac, appID)
	if err != nil {
		return err
	}
	if err := q.DeleteAttachment(ctx, ap.ID, attID); err != nil {
		return err
	}
	return a.WriteAudit(ctx, q, ac, "update", ResApps, kernel.Id10(ap.ID), map[string]int64{"attachment": attID}, nil, "attachment removed")
}

func (a *Service) editableApp(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Application, error) {
	ap, err := a.ownApp(ctx, q, ac, id)
	if err != nil {
		return nil, err
	}
	if ap.State != gongzhi.AppDraft {
		return nil, gongzhi.Refused("state", "state.illegal:"+ap.State)
	}
	c, err := q.GetCall(ctx, store.Scope{}, ap.CallID)
	if err != nil {
		return nil, err
	}
	return ap, a.deadline(c)
}

// ---- preliminary review

// PrelimReview records the preliminary review (初审) of a submitted application: eligible, or
// rejected with the reason the provider will see (required for a rejection). The hub and the
// purchaser may, for calls within scope, while the call is closed. Refuses (ECONFLICT) when the
// call is not closed (call_id: state.illegal:STATE) or the application was already reviewed
// (state.illegal); EINVALID (reason: required) for a rejection without a reason.
func (a *Service) PrelimReview(ctx context.Context, ac *gongzhi.Actor, appID int64, eligible bool, reason string) error {
	if err := kernel.Allow(ac, MayPrelim(ac)); err != nil {
		return err
	}
	reason, r := gongzhi.CheckText(reason, 1000, !eligible)
	if r != "" {
		return gongzhi.Invalid("reason", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ap, err := q.GetApplication(ctx, kernel.PlaceScope(ac), appID)
		if err != nil || ap.State == gongzhi.AppDraft {
			return gongzhi.NotFound()
		}
		// the call, then the application, locked before their states are read: of concurrent
		// reviews of one application (the same twice, or eligible and rejected together) the
		// first decides and the others see its decision
		if err := q.LockRow(ctx, "calls", ap.CallID); err != nil {
			return err
		}
		if ap, err = lockApp(ctx, q, appID); err != nil {
			return err
		}
		c, err := q.GetCall(ctx, store.Scope{}, ap.CallID)
		if err != nil {
			return err
		}
		if c.State != gongzhi.CallClosed {
			return gongzhi.Refused("call_id", "state.illegal:"+c.State)
		}
		to := gongzhi.AppRejected
		if eligible {
			to = gongzhi.AppEligible
		}
		if err := gongzhi.CheckMove(gongzhi.AppMoves, ap.State, to); err != nil {
			return err
		}
		if err := q.SetPrelim(ctx, ap.ID, to, reason, a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: ap.CallID, AppID: ap.ID, Entity: "application", EntityID: ap.ID,
			From: ap.State, To: to, Note: gongzhi.TextNote(reason)}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResApps, kernel.Id10(ap.ID), map[string]string{"state": ap.State},
			map[string]string{"state": to, "reason": reason}, "prelim")
	})
}

// callPrelimPending counts a call's submitted applications not yet reviewed.
func callPrelimPending(counts map[string]int) int { return counts[gongzhi.AppSubmitted] }
