// Contracts and payments (docs/domain.md §3.8–3.9): a contract is generated from a live award,
// both sides confirm it (not before the notice period is over and the award is final), and
// amendments are new versions confirmed again, never overwrites. Payments are recorded against
// the portions of the version in force, never beyond the contract, and move the money from
// reserved to spent in the budget's ledger.

package purchase

import (
	"context"
	"strings"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
)

// ContractScope is what contracts the caller sees (see MayReadContracts): a provider its own
// organization's, the purchaser, the hub and the auditor those of places within scope.
func ContractScope(ac *gongzhi.Actor) (store.Scope, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return store.Scope{}, err
	}
	switch {
	case ac.IsSystem():
		return store.Scope{}, nil
	case ac.Has(gongzhi.RoleProvider):
		return kernel.OrgScope(ac), nil
	case MayReadPurchases(ac):
		return kernel.PlaceScope(ac), nil
	}
	return store.Scope{}, gongzhi.Forbidden()
}

// loadContract reads a contract within scope with its version in force (or its draft), its
// pending amendment, and what has been paid towards each portion.
func (a *Service) LoadContract(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Contract, error) {
	s, err := ContractScope(ac)
	if err != nil {
		return nil, err
	}
	ct, err := q.GetContract(ctx, s, id)
	if err != nil {
		return nil, err
	}
	versions, err := q.ListContractVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, v := range versions {
		switch {
		case v.State == gongzhi.VersionEffective:
			ct.Current = v
		case v.State == gongzhi.VersionPending && ct.State == gongzhi.ContractDraft:
			ct.Current = v
		case v.State == gongzhi.VersionPending:
			ct.Pending = v
		}
	}
	paid, err := q.PortionsPaid(ctx, id)
	if err != nil {
		return nil, err
	}
	if ct.Current != nil {
		for i, p := range ct.Current.Terms.Portions {
			ct.Current.Terms.Portions[i].Paid, ct.Current.Terms.Portions[i].PaidOn = paid[p.Index].Paid, paid[p.Index].LastOn
		}
	}
	return ct, nil
}

// pendingVersion is the version waiting for confirmation: the draft before signing, or an
// amendment after.
func pendingVersion(ct *gongzhi.Contract) *gongzhi.ContractVersion {
	if ct.State == gongzhi.ContractDraft {
		return ct.Current
	}
	return ct.Pending
}

// GenerateContract drafts the contract for a published or final award: the purchaser (甲方,
// purchaserName, default the call's place) and the provider (乙方), the award's amount, the
// application's indicators as deliverables, three milestones over six months from the end of
// the notice (or today, if later) and the 50/30/20 payment schedule. Only the purchaser may,
// within scope. Refuses (ECONFLICT award_id) an award that is not live
// (contract.award_not_live) or already has a contract (contract.exists).
func (a *Service) GenerateContract(ctx context.Context, ac *gongzhi.Actor, awardID int64, purchaserName string) (*gongzhi.Contract, error) {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return nil, err
	}
	purchaserName, r := gongzhi.CheckText(purchaserName, 100, false)
	if r != "" {
		return nil, gongzhi.Invalid("purchaser_name", r)
	}
	var id int64
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := q.GetAward(ctx, kernel.PlaceScope(ac), awardID); err != nil {
			return err
		}
		// the award is read again once locked: of concurrent requests for its contract, the
		// later ones see the first one's
		if err := q.LockRow(ctx, "awards", awardID); err != nil {
			return err
		}
		w, err := q.GetAward(ctx, store.Scope{}, awardID)
		if err != nil {
			return err
		}
		if w.State != gongzhi.AwardPublished && w.State != gongzhi.AwardFinal {
			return gongzhi.Refused("award_id", "contract.award_not_live")
		}
		if w.ContractID != 0 {
			return gongzhi.Refused("award_id", "contract.exists")
		}
		c, err := q.GetCall(ctx, store.Scope{}, w.CallID)
		if err != nil {
			return err
		}
		ap, err := q.GetApplication(ctx, store.Scope{}, w.ApplicationID)
		if err != nil {
			return err
		}
		if purchaserName == "" {
			purchaserName = c.PlaceName
		}
		start := a.NowUTC()
		if c.NoticeEndsAt.After(start) {
			start = c.NoticeEndsAt
		}
		ct := &gongzhi.Contract{AwardID: w.ID, CallID: c.ID, ApplicationID: ap.ID, OrgID: ap.OrgID, PlaceCode: c.PlaceCode,
			FiscalYear: c.FiscalYear, CategoryCode: ap.CategoryCode, Title: ap.Title, PurchaserName: purchaserName,
			ProviderName: ap.OrgName, Amount: w.Amount}
		if err := q.InsertContract(ctx, ct, a.NowUTC()); err != nil {
			if store.IsUnique(err, "") {
				return gongzhi.Refused("award_id", "contract.exists")
			}
			return err
		}
		v := &gongzhi.ContractVersion{ContractID: ct.ID, Version: 1, State: gongzhi.VersionPending,
			Terms: gongzhi.DefaultTerms(ap, w.Amount, start), CreatedBy: kernel.ActorName(ac)}
		if err := q.InsertContractVersion(ctx, v, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: c.ID, AppID: ap.ID, Entity: "contract", EntityID: ct.ID,
			To: gongzhi.ContractDraft, Note: gongzhi.NoteOf("amount", w.Amount)}); err != nil {
			return err
		}
		id = ct.ID
		return a.WriteAudit(ctx, q, ac, "create", ResContracts, kernel.Id10(ct.ID), nil, map[string]any{"contract": ct, "terms": v.Terms}, "")
	})
	if err != nil {
		return nil, err
	}
	return a.Contract(ctx, ac, id)
}

// Contract returns a contract with its version in force (or its draft), any pending amendment,
// and what has been paid towards each portion — the printable contract. A provider sees its
// own organization's; the purchaser, the hub and the auditor those within scope.
func (a *Service) Contract(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Contract, error) {
	return a.LoadContract(ctx, a.DB.Q(), ac, id)
}

// Contracts lists contracts (without their terms) as Contract scopes them. Filters: see
// store.ListContracts.
func (a *Service) Contracts(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Contract) error) (int, error) {
	s, err := ContractScope(ac)
	if err != nil {
		return 0, err
	}
	return a.DB.Q().ListContracts(ctx, s, opts, each)
}

// ContractVersions returns every version of a contract, oldest first, each with its
// confirmations: the record that amendments never overwrite. Same visibility as Contract.
func (a *Service) ContractVersions(ctx context.Context, ac *gongzhi.Actor, id int64) ([]*gongzhi.ContractVersion, error) {
	if _, err := a.Contract(ctx, ac, id); err != nil {
		return nil, err
	}
	return a.DB.Q().ListContractVersions(ctx, id)
}

// checkTerms normalizes and validates terms for a contract: the draft keeps the award's amount
// (EINVALID amount: contract.amount_award); an amendment cannot go below what has been paid
// (amount: contract.below_paid:PAID) nor make a portion smaller than what was paid towards it
// (portions.N: contract.portion_below_paid:PAID).
func (a *Service) checkTerms(ctx context.Context, q *store.Q, ct *gongzhi.Contract, t *gongzhi.ContractTerms) error {
	t.Normalize()
	var ck gongzhi.Checks // every failed field at once
	if err := ck.Check(t.Validate()); err != nil {
		return err
	}
	if ct.State == gongzhi.ContractDraft {
		w, err := q.GetAward(ctx, store.Scope{}, ct.AwardID)
		if err != nil {
			return err
		}
		if t.Amount != w.Amount && !ck.Failed("amount") {
			ck.Check(gongzhi.Invalid("amount", "contract.amount_award:"+w.Amount.Format()))
		}
		return ck.Err()
	}
	if t.Amount < ct.Paid && !ck.Failed("amount") {
		ck.Check(gongzhi.Invalid("amount", "contract.below_paid:"+ct.Paid.Format()))
	}
	paid, err := q.PortionsPaid(ctx, ct.ID)
	if err != nil {
		return err
	}
	for i, p := range paid {
		if k := "portions." + kernel.Itoa(i); p.Paid > 0 && (i >= len(t.Portions) || t.Portions[i].Amount < p.Paid) && !ck.Failed(k) {
			ck.Check(gongzhi.Invalid(k, "contract.portion_below_paid:"+p.Paid.Format()))
		}
	}
	return ck.Err()
}

// UpdateContractTerms replaces the terms of the version waiting for confirmation — the draft, or
// a pending amendment — while neither side has confirmed it. Only the purchaser may, within
// scope. Refuses (ECONFLICT version) when nothing is pending (contract.nothing_pending) or a side
// has confirmed (contract.already_confirmed); EINVALID for bad terms (see ContractTerms.Validate
// and checkTerms: portions must add up to 100% and to the amount to the fen).
func (a *Service) UpdateContractTerms(ctx context.Context, ac *gongzhi.Actor, id int64, t gongzhi.ContractTerms) error {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ct, err := a.lockContract(ctx, q, ac, id)
		if err != nil {
			return err
		}
		pv := pendingVersion(ct)
		if pv == nil {
			return gongzhi.Refused("version", "contract.nothing_pending")
		}
		if !pv.PurchaserConfirmedAt.IsZero() || !pv.ProviderConfirmedAt.IsZero() {
			return gongzhi.Refused("version", "contract.already_confirmed")
		}
		if err := a.checkTerms(ctx, q, ct, &t); err != nil {
			return err
		}
		before := pv.Terms
		pv.Terms = t
		if err := q.UpdateVersionTerms(ctx, pv); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResContracts, kernel.Id10(id), before, t, "terms of version "+kernel.Itoa(pv.Version))
	})
}

func (a *Service) lockContract(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Contract, error) {
	if _, err := a.LoadContract(ctx, q, ac, id); err != nil {
		return nil, err
	}
	if err := q.LockRow(ctx, "contracts", id); err != nil {
		return nil, err
	}
	return a.LoadContract(ctx, q, ac, id)
}

// AmendContract proposes an amendment to a signed contract: new terms with the reason, as a new
// version that takes effect only when both sides confirm it; the version in force stays until
// then and is kept afterwards as superseded. Only the purchaser may, within scope. Refuses
// (ECONFLICT) an unsigned contract (state: contract.not_signed) and a second pending amendment
// (version: contract.amendment_pending); EINVALID for bad terms or a missing reason.
func (a *Service) AmendContract(ctx context.Context, ac *gongzhi.Actor, id int64, t gongzhi.ContractTerms, reason string) (*gongzhi.ContractVersion, error) {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return nil, err
	}
	reason, r := gongzhi.CheckText(reason, 1000, true)
	var ck gongzhi.Checks // the reason's refusal with the terms', at once
	if r != "" {
		ck.Check(gongzhi.Invalid("reason", r))
	}
	var v *gongzhi.ContractVersion
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ct, err := a.lockContract(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if ct.State != gongzhi.ContractSigned {
			return gongzhi.Refused("state", "contract.not_signed")
		}
		if ct.Pending != nil {
			return gongzhi.Refused("version", "contract.amendment_pending")
		}
		if err := ck.Check(a.checkTerms(ctx, q, ct, &t)); err != nil {
			return err
		}
		if err := ck.Err(); err != nil {
			return err
		}
		versions, err := q.ListContractVersions(ctx, id)
		if err != nil {
			return err
		}
		v = &gongzhi.ContractVersion{ContractID: id, Version: versions[len(versions)-1].Version + 1, State: gongzhi.VersionPending,
			Terms: t, Reason: reason, CreatedBy: kernel.ActorName(ac)}
		if err := q.InsertContractVersion(ctx, v, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: ct.CallID, AppID: ct.ApplicationID, Entity: "contract_version",
			EntityID: id, To: gongzhi.VersionPending, Note: gongzhi.NoteOf("version_reason", v.Version, reason)}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResContracts, kernel.Id10(id), ct.Current.Terms, t, "amendment "+kernel.Itoa(v.Version)+": "+reason)
	})
	return v, err
}

// ConfirmContract records one side's confirmation of the version waiting for it: the purchaser
// (within scope) or the provider (its own organization's contract). When both have confirmed,
// the version takes effect: the first makes the contract signed; an amendment supersedes the
// version in force and reserves more money from the budget, or releases some, by the change
// in amount. Signing refuses (ECONFLICT) before the notice period ends (contract:
// contract.notice_not_over:DATE) and while the award is not final (award_id:
// contract.award_not_final); a second confirmation by the same side (version:
// contract.already_confirmed), nothing to confirm (version: contract.nothing_pending), and an
// increase the budget cannot cover (amount: budget.insufficient) are refused too.
func (a *Service) ConfirmContract(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayConfirmContract(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ct, err := a.lockContract(ctx, q, ac, id)
		if err != nil {
			return err
		}
		pv := pendingVersion(ct)
		if pv == nil {
			return gongzhi.Refused("version", "contract.nothing_pending")
		}
		c, err := q.GetCall(ctx, store.Scope{}, ct.CallID)
		if err != nil {
			return err
		}
		if ct.State == gongzhi.ContractDraft {
			if a.NowUTC().Before(c.NoticeEndsAt) {
				return gongzhi.Refused("contract", "contract.notice_not_over:"+gongzhi.DateOf(c.NoticeEndsAt.Add(-1)))
			}
			w, err := q.GetAward(ctx, store.Scope{}, ct.AwardID)
			if err != nil {
				return err
			}
			if w.State != gongzhi.AwardFinal {
				return gongzhi.Refused("award_id", "contract.award_not_final")
			}
		}
		side := "purchaser"
		if ConfirmsForProvider(ac) {
			side = "provider"
		}
		if side == "purchaser" && !pv.PurchaserConfirmedAt.IsZero() || side == "provider" && !pv.ProviderConfirmedAt.IsZero() {
			return gongzhi.Refused("version", "contract.already_confirmed")
		}
		if err := q.ConfirmVersion(ctx, id, pv.Version, side, kernel.ActorName(ac), a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: ct.CallID, AppID: ct.ApplicationID, Entity: "contract_version",
			EntityID: id, From: gongzhi.VersionPending, To: side + "_confirmed", Note: gongzhi.NoteOf("version", pv.Version)}); err != nil {
			return err
		}
		bothDone := side == "purchaser" && !pv.ProviderConfirmedAt.IsZero() || side == "provider" && !pv.PurchaserConfirmedAt.IsZero()
		if bothDone {
			if err := a.putInForce(ctx, q, ac, ct, c, pv); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "update", ResContracts, kernel.Id10(id), nil, map[string]any{"version": pv.Version, "side": side}, "confirmed")
	})
}

// putInForce makes a version confirmed by both sides the one in force.
func (a *Service) putInForce(ctx context.Context, q *store.Q, ac *gongzhi.Actor, ct *gongzhi.Contract, c *gongzhi.Call, v *gongzhi.ContractVersion) error {
	now := a.NowUTC()
	if ct.State == gongzhi.ContractSigned {
		diff := v.Terms.Amount - ct.Amount
		kind := gongzhi.LedgerReserve
		if diff < 0 {
			kind = gongzhi.LedgerRelease
		}
		if err := a.moveMoney(ctx, q, ac, gongzhi.LedgerEntry{BudgetID: c.BudgetID, CallID: c.ID, ContractID: ct.ID, Kind: kind,
			Amount: max(diff, -diff), Note: gongzhi.NoteOf("amendment", v.Version)}); err != nil {
			return err
		}
		if err := q.AddCallReserved(ctx, c.ID, diff, now); err != nil {
			return err
		}
		if err := q.SetVersionState(ctx, ct.ID, ct.Current.Version, gongzhi.VersionSuperseded, now); err != nil {
			return err
		}
	}
	if err := q.SetVersionState(ctx, ct.ID, v.Version, gongzhi.VersionEffective, now); err != nil {
		return err
	}
	if err := q.PutContractInForce(ctx, ct.ID, v.Version, v.Terms.Amount, now); err != nil {
		return err
	}
	if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: ct.CallID, AppID: ct.ApplicationID, Entity: "contract_version",
		EntityID: ct.ID, From: gongzhi.VersionPending, To: gongzhi.VersionEffective, Note: gongzhi.NoteOf("version", v.Version)}); err != nil {
		return err
	}
	if ct.State == gongzhi.ContractDraft {
		if _, err := publog.Append(ctx, q, contractRecord(ct, v, now)); err != nil {
			return err
		}
		return a.Change(ctx, q, ac, gongzhi.StateChange{CallID: ct.CallID, AppID: ct.ApplicationID, Entity: "contract", EntityID: ct.ID,
			From: gongzhi.ContractDraft, To: gongzhi.ContractSigned, Note: gongzhi.NoteOf("amount", v.Terms.Amount)})
	}
	return nil
}

// ---- payments

// RecordPayment records money paid towards one portion of a signed contract on a date (not in
// the future, not before signing), and moves it from reserved to spent in the budget. Only the
// purchaser may, within scope. Refuses (ECONFLICT) an unsigned contract (contract_id:
// contract.not_signed), paying more than the contract (amount: payment.exceeds_contract:LEFT)
// or than the portion (amount: payment.exceeds_portion:LEFT); EINVALID for a bad amount, date
// (paid_on: date.format / payment.future_date / payment.before_signing) or portion (choice).
func (a *Service) RecordPayment(ctx context.Context, ac *gongzhi.Actor, contractID int64, portion int, amount gongzhi.Money,
	paidOn, note string) (*gongzhi.Payment, error) {
	if err := kernel.Allow(ac, MayPurchase(ac)); err != nil {
		return nil, err
	}
	if amount <= 0 || amount > gongzhi.MaxMoney {
		return nil, gongzhi.Invalid("amount", "money.positive")
	}
	paidOn = strings.TrimSpace(paidOn)
	if _, ok := gongzhi.ParseDate(paidOn); !ok {
		return nil, gongzhi.Invalid("paid_on", "date.format")
	}
	if paidOn > a.Today() {
		return nil, gongzhi.Invalid("paid_on", "payment.future_date")
	}
	note, r := gongzhi.CheckText(note, 500, false)
	if r != "" {
		return nil, gongzhi.Invalid("note", r)
	}
	var p *gongzhi.Payment
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ct, err := a.lockContract(ctx, q, ac, contractID)
		if err != nil {
			return err
		}
		if ct.State != gongzhi.ContractSigned {
			return gongzhi.Refused("contract_id", "contract.not_signed")
		}
		if paidOn < gongzhi.DateOf(ct.SignedAt) {
			return gongzhi.Invalid("paid_on", "payment.before_signing")
		}
		if ct.Paid+amount > ct.Amount {
			return gongzhi.Refused("amount", "payment.exceeds_contract:"+(ct.Amount-ct.Paid).Format())
		}
		portions := ct.Current.Terms.Portions
		if portion < 0 || portion >= len(portions) {
			return gongzhi.Invalid("portion", "choice")
		}
		pt := portions[portion]
		if pt.Paid+amount > pt.Amount {
			return gongzhi.Refused("amount", "payment.exceeds_portion:"+(pt.Amount-pt.Paid).Format())
		}
		p = &gongzhi.Payment{ContractID: contractID, Portion: portion, Amount: amount, PaidOn: paidOn, Note: note, RecordedBy: kernel.ActorName(ac)}
		if err := q.InsertPayment(ctx, p, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		if err := q.AddContractPaid(ctx, contractID, amount, a.NowUTC()); err != nil {
			return err
		}
		if _, err := publog.Append(ctx, q, paymentRecord(p)); err != nil {
			return err
		}
		c, err := q.GetCall(ctx, store.Scope{}, ct.CallID)
		if err != nil {
			return err
		}
		if err := a.moveMoney(ctx, q, ac, gongzhi.LedgerEntry{BudgetID: c.BudgetID, CallID: c.ID, ContractID: contractID,
			PaymentID: p.ID, Kind: gongzhi.LedgerSpend, Amount: amount, Note: gongzhi.NoteOf("portion", portion+1)}); err != nil {
			return err
		}
		if err := q.AddCallReserved(ctx, c.ID, -amount, a.NowUTC()); err != nil {
			return err
		}
		note := gongzhi.NoteOf("paid_on_time", portion+1, amount, paidOn)
		if paidOn > pt.DueOn {
			note = gongzhi.NoteOf("paid_late", portion+1, amount, paidOn, pt.DueOn)
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: ct.CallID, AppID: ct.ApplicationID, Entity: "payment", EntityID: p.ID,
			To: "paid", Note: note}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResPayments, kernel.Id10(p.ID), nil, p, "")
	})
	return p, err
}

// Payments returns a contract's payments in the order made. Same visibility as Contract.
func (a *Service) Payments(ctx context.Context, ac *gongzhi.Actor, contractID int64) ([]*gongzhi.Payment, error) {
	if _, err := a.Contract(ctx, ac, contractID); err != nil {
		return nil, err
	}
	return a.DB.Q().ListPayments(ctx, contractID)
}

// OnTimeRate returns the record of paying on time at placeCode and below — of the portions of
// contracts at placeCode and below falling due by today, how many were paid in full on or
// before their due date — for everyone to see, without an account: a province's rolls up its
// own and every city's, district's and street's below it (the funding report's). ENOTFOUND for
// an unknown place.
func (a *Service) OnTimeRate(ctx context.Context, placeCode string) (*gongzhi.OnTimeRate, error) {
	return a.onTimeRate(ctx, placeCode, false)
}

// OwnOnTimeRate returns a purchaser's own record of paying on time: as OnTimeRate, of the
// contracts signed at placeCode itself (its own calls), not those of the places below it — what
// the public pages and a contract show of the purchaser that signed.
func (a *Service) OwnOnTimeRate(ctx context.Context, placeCode string) (*gongzhi.OnTimeRate, error) {
	return a.onTimeRate(ctx, placeCode, true)
}

func (a *Service) onTimeRate(ctx context.Context, placeCode string, own bool) (*gongzhi.OnTimeRate, error) {
	q := a.DB.Q()
	prefix, _, err := kernel.PlacePrefix(ctx, q, placeCode)
	if err != nil {
		return nil, err
	}
	if own {
		prefix = placeCode // every code has 12 digits: the whole code matches the place alone
	}
	r := &gongzhi.OnTimeRate{PlaceCode: placeCode, AsOf: a.Today()}
	due, err := q.DuePortions(ctx, prefix, r.AsOf)
	if err != nil {
		return nil, err
	}
	for _, d := range due {
		r.Due++
		switch {
		case d.Paid < d.Amount:
			r.Unpaid++
		case d.LastPaidOn <= d.DueOn:
			r.OnTime++
		default:
			r.Late++
		}
	}
	r.RateBP = 10000
	if r.Due > 0 {
		r.RateBP = r.OnTime * 10000 / r.Due
	}
	return r, nil
}
