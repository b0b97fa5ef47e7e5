// Buying social services (docs/domain.md §3): the permission rules of the purchase workflow and its
// foundations — needs and the needs map, the purchase catalog, budgets with their ledger, the
// office calendar, ineligible organizations, and the link from an expert's account to the
// expert's person record. Calls and applications are in purchase_calls.go, the review and the
// notice in purchase_review.go, contracts and payments in purchase_contracts.go, reports in
// purchase_reports.go.
//
// Who may do what:
//   - purchaser (place-scoped): budgets, the catalog, calls, the panel draw, awards, the notice,
//     answers to objections, contracts, payments; everything within its place and below.
//   - hub (place-scoped): preliminary review, needs; reads calls, applications and budgets.
//   - community, grid worker: record and read needs of their communities.
//   - provider (organization-scoped): its own applications and contracts only.
//   - expert (an account linked to a person of kind expert): the calls whose panel selected
//     them; applications only after declaring no conflict; its own scores.
//   - auditor: reads what the purchaser reads, never writes.
//   - the public (no account): open calls, published notices and final awards, objections, the
//     needs form, the funding report and on-time payment rate.
//
// A record outside the caller's scope answers ENOTFOUND exactly like a missing one; a role that
// may never do an action gets EFORBIDDEN; a move the state, the clock or the money forbids gets
// ECONFLICT naming the field and the reason; bad input gets EINVALID. Every write runs in one
// transaction with its audit entry and, for every state change, a line of state history.

package purchase

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"maps"
	"slices"
	"strings"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/registry"
	"gongzhi/internal/store"
)

// Audit entities of the purchase workflow.
const (
	ResNeeds       = "needs"
	ResCategories  = "service_categories"
	ResBudgets     = "budgets"
	ResHolidays    = "holidays"
	ResIneligible  = "org_ineligibility"
	ResCalls       = "calls"
	ResApps        = "applications"
	ResPanels      = "panels"
	ResScores      = "review_scores"
	ResAwards      = "awards"
	ResObjections  = "objections"
	ResContracts   = "contracts"
	ResPayments    = "payments"
	ResExpertLinks = "expert_links"
)

var (
	// publicCallStates are the states in which anyone may see a call.
	publicCallStates = []string{gongzhi.CallOpen, gongzhi.CallClosed, gongzhi.CallReviewing, gongzhi.CallNotice, gongzhi.CallFinal}
)

// ancestors returns the full codes of the places above a place of level lvl.
func ancestors(code string, lvl int) []string {
	var out []string
	for l := 1; l < lvl; l++ {
		p := gongzhi.PlacePrefix(code, l)
		out = append(out, p+strings.Repeat("0", 12-len(p)))
	}
	return out
}

// PoolAbove returns the codes of the places above the caller's place, whose experts are in the
// pool of the caller's calls (see DrawPanel).
func PoolAbove(ac *gongzhi.Actor) []string {
	if ac == nil || len(ac.ScopeCode) != 12 {
		return nil
	}
	for lvl := 1; lvl <= gongzhi.LevelCommunity; lvl++ {
		if len(gongzhi.PlacePrefix(ac.ScopeCode, lvl)) == len(ac.Scope) {
			return ancestors(ac.ScopeCode, lvl)
		}
	}
	return nil
}

// randomSeed returns a non-zero seed from the operating system's random source.
func randomSeed() int64 {
	var b [8]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err)
		}
		if s := int64(binary.LittleEndian.Uint64(b[:]) >> 1); s != 0 {
			return s
		}
	}
}

// ---- money movements

// moveMoney moves a purchase's money (MoveMoney), a refusal naming the field amount.
func (a *Service) moveMoney(ctx context.Context, q *store.Q, ac *gongzhi.Actor, e gongzhi.LedgerEntry) error {
	return a.MoveMoney(ctx, q, ac, e, "amount")
}

// MoveMoney locks a budget and moves money in the caller's transaction: reserve (available →
// reserved, refused with budget.insufficient when the budget cannot cover it, naming field),
// release (reserved → available) or spend (reserved → spent). Every movement is a ledger line.
// Purchases and service vouchers draw on budgets through it.
func (a *Service) MoveMoney(ctx context.Context, q *store.Q, ac *gongzhi.Actor, e gongzhi.LedgerEntry, field string) error {
	if e.Amount == 0 {
		return nil
	}
	if err := q.LockRow(ctx, "budgets", e.BudgetID); err != nil {
		return err
	}
	b, err := q.GetBudget(ctx, store.Scope{}, e.BudgetID)
	if err != nil {
		return err
	}
	var dr, ds gongzhi.Money
	switch e.Kind {
	case gongzhi.LedgerReserve:
		if b.Available() < e.Amount {
			return gongzhi.Refused(field, "budget.insufficient:"+b.Available().Format())
		}
		dr = e.Amount
	case gongzhi.LedgerRelease:
		e.Amount = min(e.Amount, b.Reserved) // never below zero; the ledger records what moved
		dr = -e.Amount
	case gongzhi.LedgerSpend:
		if b.Reserved < e.Amount {
			return gongzhi.Refused(field, "budget.insufficient:"+b.Reserved.Format())
		}
		dr, ds = -e.Amount, e.Amount
	}
	e.At, e.Username = a.NowUTC(), kernel.ActorName(ac)
	return q.MoveBudgetMoney(ctx, &e, dr, ds, kernel.UserID(ac))
}

// ---- needs

// RecordNeed records a need heard by staff — at a household visit, the hub's reception, a salon
// or a grid report — for a community within the caller's scope. The purchaser, the hub,
// community staff and grid workers may. Returns EFORBIDDEN for other roles; EINVALID for a
// community outside scope or not a community (place.missing, place.not_community), an unknown
// target group or category (choice), or bad fields.
func (a *Service) RecordNeed(ctx context.Context, ac *gongzhi.Actor, n *gongzhi.Need) error {
	if err := kernel.Allow(ac, MayRecordNeed(ac)); err != nil {
		return err
	}
	var ck gongzhi.Checks // every failed field at once
	if err := ck.Check(n.Validate(false)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error { return a.recordNeed(ctx, q, ac, n, &ck) })
}

// RecordNeedIn records a need heard by staff inside the caller's transaction q, with the checks
// of RecordNeed: a household visit's finding turned into a need (docs/grids.md) records the need
// and the finding's link to it in one transaction.
func (a *Service) RecordNeedIn(ctx context.Context, q *store.Q, ac *gongzhi.Actor, n *gongzhi.Need) error {
	if err := kernel.Allow(ac, MayRecordNeed(ac)); err != nil {
		return err
	}
	var ck gongzhi.Checks
	if err := ck.Check(n.Validate(false)); err != nil {
		return err
	}
	return a.recordNeed(ctx, q, ac, n, &ck)
}

func (a *Service) recordNeed(ctx context.Context, q *store.Q, ac *gongzhi.Actor, n *gongzhi.Need, ck *gongzhi.Checks) error {
	n.RecordedBy = ac.User.Username
	if !ck.Failed("community_code") {
		if err := ck.Check(a.CheckCommunity(ctx, q, ac, "community_code", n.CommunityCode)); err != nil {
			return err
		}
	}
	return a.insertNeed(ctx, q, ac, n, ck)
}

// SubmitNeedPublic records a need sent through the public form by anyone — no account needed,
// or a resident's account. The source is "online", and the sender's name and phone are
// required; they are shown to staff only. The community may be any community on the instance.
// Returns EINVALID for a missing contact, an unknown community (place.missing) or bad fields,
// and ETOOMANY once an anonymous address has sent PublicFormLimit needs within the hour.
func (a *Service) SubmitNeedPublic(ctx context.Context, ac *gongzhi.Actor, n *gongzhi.Need) error {
	n.Source = "online"
	var ck gongzhi.Checks // every failed field at once
	if err := ck.Check(n.Validate(true)); err != nil {
		return err
	}
	n.RecordedBy = kernel.ActorName(ac)
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := a.ThrottleAnonymous(ctx, q, ac, "need"); err != nil {
			return err
		}
		if !ck.Failed("community_code") {
			if err := ck.Check(CommunityExists(ctx, q, n.CommunityCode)); err != nil {
				return err
			}
		}
		return a.insertNeed(ctx, q, ac, n, &ck)
	})
}

// insertNeed checks a need's target group and category, and records it unless a check (with
// those in ck, made before) failed: then every failed field is named at once.
func (a *Service) insertNeed(ctx context.Context, q *store.Q, ac *gongzhi.Actor, n *gongzhi.Need, ck *gongzhi.Checks) error {
	groups, err := q.ListTargetGroups(ctx)
	if err != nil {
		return err
	}
	if !ck.Failed("target_group") && !slices.ContainsFunc(groups, func(g gongzhi.TargetGroup) bool { return g.Code == n.TargetGroup }) {
		ck.Check(gongzhi.Invalid("target_group", "choice"))
	}
	if c, err := q.GetServiceCategory(ctx, n.CategoryCode); !ck.Failed("category_code") && (err != nil || !c.Active) {
		ck.Check(gongzhi.Invalid("category_code", "choice"))
	}
	if err := ck.Err(); err != nil {
		return err
	}
	if err := q.InsertNeed(ctx, n, kernel.UserID(ac), a.NowUTC()); err != nil {
		return err
	}
	if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "need", EntityID: n.ID, To: "recorded", Note: gongzhi.NoteOf("need_source", n.Source)}); err != nil {
		return err
	}
	return a.WriteAudit(ctx, q, ac, "create", ResNeeds, kernel.Id10(n.ID), nil, n, "")
}

// stripNeed hides a need's contact from callers who may not see it.
func stripNeed(ac *gongzhi.Actor, n *gongzhi.Need) *gongzhi.Need {
	if MayRecordNeed(ac) {
		return n
	}
	c := *n
	c.ContactName, c.ContactPhone = "", ""
	return &c
}

// Needs lists needs of communities within the caller's scope. The purchaser, the hub, community
// staff, grid workers and the auditor may (the auditor without contacts). Filters: see
// store.ListNeeds (answered=0 lists the needs no funded project answers yet).
func (a *Service) Needs(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Need) error) (int, error) {
	if err := kernel.Allow(ac, MayReadNeeds(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListNeeds(ctx, kernel.PlaceScope(ac), opts, func(n *gongzhi.Need) error { return each(stripNeed(ac, n)) })
}

// Need returns one need within scope, to the roles that list needs.
func (a *Service) Need(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Need, error) {
	if err := kernel.Allow(ac, MayReadNeeds(ac)); err != nil {
		return nil, err
	}
	n, err := a.DB.Q().GetNeed(ctx, kernel.PlaceScope(ac), id)
	if err != nil {
		return nil, err
	}
	return stripNeed(ac, n), nil
}

// NeedsMap counts the needs within scope by community × target group × category, with the
// people they touch and how many a funded project answers. Same roles and filters as Needs.
func (a *Service) NeedsMap(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions) ([]gongzhi.NeedsCell, error) {
	if err := kernel.Allow(ac, MayReadNeeds(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().NeedsMap(ctx, kernel.PlaceScope(ac), opts)
}

// ---- the catalog

// ServiceCategories returns the purchase catalog. Anyone may read it, without an account.
func (a *Service) ServiceCategories(ctx context.Context, activeOnly bool) ([]*gongzhi.ServiceCategory, error) {
	return a.DB.Q().ListServiceCategories(ctx, activeOnly)
}

// SaveServiceCategory adds a catalog entry (create) or changes one's names, standard, price
// range or whether it takes new calls. Only the purchaser may. Returns ECONFLICT (code:
// code.taken) for an existing code, ENOTFOUND for a missing one on update.
func (a *Service) SaveServiceCategory(ctx context.Context, ac *gongzhi.Actor, c *gongzhi.ServiceCategory, create bool) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetServiceCategory(ctx, c.Code)
		if create {
			if err == nil {
				return gongzhi.Refused("code", "code.taken")
			}
			c.Active = true
			if err := q.InsertServiceCategory(ctx, c, a.NowUTC()); err != nil {
				if store.IsUnique(err, "") { // the same code added at the same moment
					return gongzhi.Refused("code", "code.taken")
				}
				return err
			}
			return a.WriteAudit(ctx, q, ac, "create", ResCategories, c.Code, nil, c, "")
		}
		if err != nil {
			return err
		}
		c.Builtin, c.Position = before.Builtin, before.Position
		if err := q.UpdateServiceCategory(ctx, c, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResCategories, c.Code, before, c, "")
	})
}

// ---- budgets

// Budgets lists the budgets of places within scope. The purchaser, the hub and the auditor may.
// Filters: see store.ListBudgets.
func (a *Service) Budgets(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Budget) error) (int, error) {
	if err := kernel.Allow(ac, MayReadPurchases(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListBudgets(ctx, kernel.PlaceScope(ac), opts, each)
}

// Budget returns one budget within scope, to the roles that list budgets.
func (a *Service) Budget(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Budget, error) {
	if err := kernel.Allow(ac, MayReadPurchases(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetBudget(ctx, kernel.PlaceScope(ac), id)
}

// BudgetLedger returns every movement of a budget's money within scope: reservations when calls
// open, releases when calls close or award less, payments. Same roles as Budgets.
func (a *Service) BudgetLedger(ctx context.Context, ac *gongzhi.Actor, id int64) ([]gongzhi.LedgerEntry, error) {
	if _, err := a.Budget(ctx, ac, id); err != nil {
		return nil, err
	}
	return a.DB.Q().ListLedger(ctx, id)
}

// CreateBudget records money a source puts up for a fiscal year at a place within the
// purchaser's scope — a province, a city, a district or a street. Only the purchaser may. The
// budget's level is the level of the place that holds it unless the money comes from higher up
// (a district's lottery fund held by a street for its call): a level left blank is the place's,
// and a level below the place's is refused (EINVALID level: budget.level_below_place),
// as is a community (place_code: budget.place_level). Returns EINVALID for bad fields or a
// place outside scope (place.out_of_scope) or missing (place.missing).
func (a *Service) CreateBudget(ctx context.Context, ac *gongzhi.Actor, b *gongzhi.Budget) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	var ck gongzhi.Checks // every failed field at once
	derived := b.Level == ""
	if derived && len(b.PlaceCode) == 12 && registry.InScope(ac, "place_code", b.PlaceCode) == nil {
		if lvl, err := a.DB.Q().PlaceExists(ctx, b.PlaceCode); err == nil && lvl != 0 {
			b.Level = gongzhi.BudgetLevelOf(lvl) // the level comes from the place
		}
	}
	if err := b.Validate(); err != nil {
		e := gongzhi.AsError(err)
		if derived && b.Level == "" && e.Fields["level"] == "required" {
			// a level left blank is the place's: the place's own reason says why there is none
			e = &gongzhi.Error{Code: e.Code, Message: e.Message, Fields: maps.Clone(e.Fields)}
			delete(e.Fields, "level")
		}
		if len(e.Fields) > 0 {
			if err := ck.Check(e); err != nil {
				return err
			}
		}
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if !ck.Failed("place_code") {
			if err := ck.Check(registry.InScope(ac, "place_code", b.PlaceCode)); err != nil {
				return err
			}
		}
		if !ck.Failed("place_code") {
			if lvl, err := q.PlaceExists(ctx, b.PlaceCode); err != nil {
				return err
			} else if lvl == 0 {
				ck.Check(gongzhi.Invalid("place_code", "place.missing"))
			} else if !ck.Failed("level") {
				ck.Check(checkBudgetLevel(b.Level, lvl))
			}
		}
		if err := ck.Err(); err != nil {
			return err
		}
		if err := q.InsertBudget(ctx, b, a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "budget", EntityID: b.ID, To: "created", Note: gongzhi.NoteOf("amount", b.Amount)}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResBudgets, kernel.Id10(b.ID), nil, b, "")
	})
}

// checkBudgetLevel refuses a budget of level held by a place of division level placeLevel when
// the place is a community (place_code: budget.place_level) or the level is below the place's
// (level: budget.level_below_place).
func checkBudgetLevel(level string, placeLevel int) error {
	own := gongzhi.BudgetLevelOf(placeLevel)
	if own == "" {
		return gongzhi.Invalid("place_code", "budget.place_level")
	}
	if slices.Index(gongzhi.BudgetLevels, level) > slices.Index(gongzhi.BudgetLevels, own) {
		return gongzhi.Invalid("level", "budget.level_below_place")
	}
	return nil
}

// UpdateBudget changes a budget's name, level, fund, year, notes or amount. Only the purchaser
// may, within scope; the place cannot change. The amount cannot drop below what is reserved
// and spent (ECONFLICT amount: budget.below_committed), and the year cannot change once money
// is committed (ECONFLICT fiscal_year: budget.committed).
func (a *Service) UpdateBudget(ctx context.Context, ac *gongzhi.Actor, b *gongzhi.Budget) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.LockRow(ctx, "budgets", b.ID); err != nil {
			return err
		}
		before, err := q.GetBudget(ctx, kernel.PlaceScope(ac), b.ID)
		if err != nil {
			return err
		}
		b.PlaceCode = before.PlaceCode
		if b.Level == "" {
			b.Level = before.Level
		}
		var ck gongzhi.Checks // every failed field at once
		if err := ck.Check(b.Validate()); err != nil {
			return err
		}
		if lvl, err := q.PlaceExists(ctx, b.PlaceCode); err != nil {
			return err
		} else if !ck.Failed("level") {
			ck.Check(checkBudgetLevel(b.Level, lvl))
		}
		committed := before.Reserved + before.Spent
		if b.Amount < committed && !ck.Failed("amount") {
			ck.Check(gongzhi.Refused("amount", "budget.below_committed:"+committed.Format()))
		}
		if committed > 0 && b.FiscalYear != before.FiscalYear && !ck.Failed("fiscal_year") {
			ck.Check(gongzhi.Refused("fiscal_year", "budget.committed"))
		}
		if err := ck.Err(); err != nil {
			return err
		}
		if err := q.UpdateBudget(ctx, b, a.NowUTC()); err != nil {
			return err
		}
		b.Reserved, b.Spent, b.CreatedAt = before.Reserved, before.Spent, before.CreatedAt
		if b.Amount != before.Amount {
			if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "budget", EntityID: b.ID, From: before.Amount.Format(),
				To: b.Amount.Format(), Note: gongzhi.NoteOf("budget_amount")}); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "update", ResBudgets, kernel.Id10(b.ID), before, b, "")
	})
}

// ---- the office calendar

// Holidays returns the office calendar's days from from to to (YYYY-MM-DD, inclusive; ""
// for open ends). Anyone may read it: notice periods are counted with it.
func (a *Service) Holidays(ctx context.Context, from, to string) ([]gongzhi.Holiday, error) {
	return a.DB.Q().ListHolidays(ctx, from, to)
}

// SetHoliday marks a day: a public holiday on a weekday (Workday false) or a weekend day worked
// in exchange (调休, Workday true). Only the purchaser may; the calendar is the instance's.
func (a *Service) SetHoliday(ctx context.Context, ac *gongzhi.Actor, h *gongzhi.Holiday) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	if err := h.Validate(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.UpsertHoliday(ctx, h, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResHolidays, h.Day, nil, h, "")
	})
}

// DeleteHoliday returns a day to the Monday–Friday rule. Only the purchaser may.
func (a *Service) DeleteHoliday(ctx context.Context, ac *gongzhi.Actor, day string) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.DeleteHoliday(ctx, day); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "delete", ResHolidays, day, nil, nil, "")
	})
}

// calendar loads the office calendar.
func (a *Service) Calendar(ctx context.Context, q *store.Q) (*gongzhi.Calendar, error) {
	days, err := q.ListHolidays(ctx, "", "")
	if err != nil {
		return nil, err
	}
	return gongzhi.NewCalendar(days), nil
}

// ---- ineligible organizations

// BarOrganization makes an organization ineligible for calls until a date (inclusive), with the
// reason — a failed evaluation, a breached contract. Only the purchaser may, for an organization
// within its scope (ENOTFOUND otherwise). The last day may not be before today (EINVALID until:
// bar.until_past). The same bar twice (a bar of the place for the organization in force to the
// same last day) is refused (ECONFLICT bar: bar.duplicate): a form sent twice or a retried
// request decides once. Calls that exclude ineligible organizations refuse its applications at
// submission.
func (a *Service) BarOrganization(ctx context.Context, ac *gongzhi.Actor, i *gongzhi.Ineligibility) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	if err := i.Validate(); err != nil {
		return err
	}
	if i.Until < a.Today() {
		return gongzhi.Invalid("until", "bar.until_past")
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		o, err := q.GetOrganization(ctx, kernel.OrgScope(ac), i.OrgID)
		if err != nil {
			return err
		}
		// concurrent decisions on one organization wait for each other, so the check below sees them
		if err := q.LockRow(ctx, "organizations", o.ID); err != nil {
			return err
		}
		i.OrgName = o.Name
		i.PlaceCode = ac.ScopeCode
		if i.PlaceCode == "" {
			i.PlaceCode = o.PlaceCode
		}
		inForce, err := q.ListIneligibility(ctx, kernel.PlaceScope(ac), o.ID, a.Today())
		if err != nil {
			return err
		}
		if slices.ContainsFunc(inForce, func(b *gongzhi.Ineligibility) bool { return b.PlaceCode == i.PlaceCode && b.Until == i.Until }) {
			return gongzhi.Refused("bar", "bar.duplicate")
		}
		if err := q.InsertIneligibility(ctx, i, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResIneligible, kernel.Id10(i.ID), nil, i, "")
	})
}

// LiftBar ends an organization's ineligibility early. Only the purchaser may, for a bar its
// place decided (ENOTFOUND otherwise), and only while the bar is in force (ECONFLICT bar:
// bar.not_in_force for one lifted or ended). Of concurrent lifts of one bar exactly one succeeds.
func (a *Service) LiftBar(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		bars, err := q.ListIneligibility(ctx, kernel.PlaceScope(ac), 0, "")
		if err != nil {
			return err
		}
		i := slices.IndexFunc(bars, func(b *gongzhi.Ineligibility) bool { return b.ID == id })
		if i < 0 {
			return gongzhi.NotFound()
		}
		if bars[i].StateOn(a.Today()) != "in_force" {
			return gongzhi.Refused("bar", "bar.not_in_force")
		}
		lifted, err := q.LiftIneligibility(ctx, id)
		if err != nil {
			return err
		}
		if !lifted {
			return gongzhi.Refused("bar", "bar.not_in_force")
		}
		return a.WriteAudit(ctx, q, ac, "update", ResIneligible, kernel.Id10(id), bars[i], nil, "lifted")
	})
}

// Bars lists the ineligibility decisions of the caller's place (orgID 0: every organization).
// The purchaser, the hub and the auditor may.
func (a *Service) Bars(ctx context.Context, ac *gongzhi.Actor, orgID int64) ([]*gongzhi.Ineligibility, error) {
	if err := kernel.Allow(ac, MayReadPurchases(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().ListIneligibility(ctx, kernel.PlaceScope(ac), orgID, "")
}

// communityExists refuses (EINVALID community_code) a place code that does not exist
// (place.missing) or is not a community (place.not_community), wherever it lies.
func CommunityExists(ctx context.Context, q *store.Q, code string) error {
	lvl, err := q.PlaceExists(ctx, code)
	if err != nil {
		return err
	}
	if lvl == 0 {
		return gongzhi.Invalid("community_code", "place.missing")
	}
	if lvl != gongzhi.LevelCommunity {
		return gongzhi.Invalid("community_code", "place.not_community")
	}
	return nil
}

// ---- experts' accounts

// LinkExpertAccount links an account of role expert to the person of kind expert it belongs to
// (personID 0 unlinks), so that the account can see the calls whose panel drew that person.
// Only the purchaser may (or the command line), for an account and an expert of the pool its
// calls draw from (MayLinkExpertAt; ENOTFOUND for an account beyond it). Returns EINVALID
// (person_id: expert.not_expert) for a person who is not an expert of that pool, (role:
// expert.account_role) for an account of another role.
func (a *Service) LinkExpertAccount(ctx context.Context, ac *gongzhi.Actor, userID, personID int64) error {
	if err := kernel.Allow(ac, MayLinkExperts(ac)); err != nil {
		return err
	}
	return a.LinkAccountPerson(ctx, ac, userID, personID, "expert_link",
		func(u *gongzhi.User) error {
			if !MayLinkExpertAt(ac, u.PlaceCode) {
				return gongzhi.NotFound()
			}
			if u.Role != gongzhi.RoleExpert {
				return gongzhi.Invalid("role", "expert.account_role")
			}
			return nil
		},
		func(p *gongzhi.Person, err error) error {
			if err != nil || p.Kind != "expert" || !MayLinkExpertAt(ac, p.PlaceCode) {
				return gongzhi.Invalid("person_id", "expert.not_expert")
			}
			return nil
		})
}

// ExpertPersonID returns the person an expert account is linked to, or EFORBIDDEN
// (expert.not_linked) for an account that is not an expert or not linked.
func (a *Service) ExpertPersonID(ctx context.Context, ac *gongzhi.Actor) (int64, error) {
	return a.LinkedPerson(ctx, ac, MayReview(ac), "expert.not_linked")
}

// expertPerson is ExpertPersonID read through q, the transaction's handle.
func expertPerson(ctx context.Context, q *store.Q, ac *gongzhi.Actor) (int64, error) {
	return registry.LinkedPersonIn(ctx, q, ac, MayReview(ac), "expert.not_linked")
}

// NeedHistory returns the state history of a need, to whoever may open it (see Need).
func (a *Service) NeedHistory(ctx context.Context, ac *gongzhi.Actor, id int64) ([]gongzhi.StateChange, error) {
	if _, err := a.Need(ctx, ac, id); err != nil {
		return nil, err
	}
	return a.DB.Q().ListStateChanges(ctx, store.HistoryFilter{Entity: "need", EntityID: id})
}

// BudgetHistory returns the state history of a budget, to whoever may open it (see Budget).
func (a *Service) BudgetHistory(ctx context.Context, ac *gongzhi.Actor, id int64) ([]gongzhi.StateChange, error) {
	if _, err := a.Budget(ctx, ac, id); err != nil {
		return nil, err
	}
	return a.DB.Q().ListStateChanges(ctx, store.HistoryFilter{Entity: "budget", EntityID: id})
}
