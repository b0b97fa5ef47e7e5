// Editing a scheme, finding the resident to issue one voucher to, the provider's service ledger
// entries a redemption links, and the purchaser's figures for the dashboard (docs/vouchers.md).

package vouchers

import (
	"context"
	"slices"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// UpdateScheme edits a scheme of the purchaser's place (s.ID names it; s carries every field).
// Before its first voucher is issued everything may change, checked as CreateScheme checks a new
// one (overspending included). Once a voucher is issued only the name, the last day, the admitted
// providers and the categories may: the money reserved and the vouchers already held depend on
// the rest, so a change of the budget, face value, eligibility, first day or per-person limit is
// refused (ECONFLICT naming the field: voucher.frozen_issued). A new last day applies to the
// vouchers issued from then on: each voucher issued keeps the last day printed on its sheet and
// written on the public ledger. A new last day before today is refused (valid_until:
// voucher.ends_past) once vouchers are out. Audited with the fields before and after.
func (a *Service) UpdateScheme(ctx context.Context, ac *gongzhi.Actor, s *gongzhi.VoucherScheme) error {
	if err := kernel.Allow(ac, MayManageVoucherSchemes(ac)); err != nil {
		return err
	}
	var checks gongzhi.Checks
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		checks = gongzhi.Checks{}
		old, err := a.lockScheme(ctx, q, ac, s.ID)
		if err != nil {
			return err
		}
		s.PlaceCode = old.PlaceCode
		checks.Check(s.Validate())
		if old.Issued > 0 {
			frozen := []struct {
				field string
				same  bool
			}{
				{"budget_id", s.BudgetID == old.BudgetID},
				{"face_value", s.FaceValue == old.FaceValue},
				{"per_person", s.PerPerson == old.PerPerson},
				{"valid_from", s.ValidFrom == old.ValidFrom},
				{"min_age", s.MinAge == old.MinAge},
				{"living_alone", s.LivingAlone == old.LivingAlone},
				{"target_groups", sameSet(s.TargetGroups, old.TargetGroups)},
				{"communities", sameSet(s.Communities, old.Communities)},
			}
			f := gongzhi.FieldErrors{}
			for _, x := range frozen {
				if !x.same {
					f.Add(x.field, "voucher.frozen_issued")
				}
			}
			if err := f.Err(); err != nil {
				return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "voucher.frozen_issued", Fields: f}
			}
			if !checks.Failed("valid_until") && s.ValidUntil < a.Today() && s.ValidUntil != old.ValidUntil {
				checks.Check(gongzhi.Invalid("valid_until", "voucher.ends_past"))
			}
		}
		b, err := a.checkRefs(ctx, q, ac, s, &checks)
		if err != nil {
			return err
		}
		if err := checks.Err(); err != nil {
			return err
		}
		if old.Issued == 0 {
			people, err := q.EligiblePeople(ctx, s, a.maxBirthYear(s))
			if err != nil {
				return err
			}
			if need := gongzhi.Money(len(people)*s.PerPerson) * s.FaceValue; need > b.Available() {
				return gongzhi.Refused("budget_id", "voucher.overspend:"+need.Format())
			}
		}
		if err := q.UpdateVoucherScheme(ctx, s, a.NowUTC()); err != nil {
			return err
		}
		s.BudgetName, s.PlaceName, s.Issued, s.Redeemed, s.Expired, s.CreatedAt = b.Name, b.PlaceName, old.Issued, old.Redeemed, old.Expired, old.CreatedAt
		return a.WriteAudit(ctx, q, ac, "update", ResSchemes, kernel.Id10(s.ID), old, s, "")
	})
}

// sameSet reports whether two lists hold the same items, in any order.
func sameSet[T string | int64](a, b []T) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// IssueCandidatesMax is the most residents IssueCandidates returns: a longer name narrows.
const IssueCandidatesMax = 20

// IssueCandidates finds, for the purchaser issuing one voucher, the residents the scheme admits
// (its communities, target groups, age, living alone) whose name or its pinyin contains name
// (at least one character), with their masked ID number and the vouchers of the scheme they
// hold; at most IssueCandidatesMax.
func (a *Service) IssueCandidates(ctx context.Context, ac *gongzhi.Actor, schemeID int64, name string) ([]store.EligibleMatch, error) {
	if err := kernel.Allow(ac, MayManageVoucherSchemes(ac)); err != nil {
		return nil, err
	}
	s, err := a.DB.Q().GetVoucherScheme(ctx, kernel.PlaceScope(ac), schemeID)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, gongzhi.Invalid("q", "required")
	}
	return a.DB.Q().EligibleMatches(ctx, s, a.maxBirthYear(s), name, IssueCandidatesMax)
}

// RedeemEntries are the entries of the provider's service ledger (台账) in force that a
// redemption may link: the newest first, at most limit.
func (a *Service) RedeemEntries(ctx context.Context, ac *gongzhi.Actor, limit int) ([]*gongzhi.ServiceEntry, error) {
	if err := kernel.Allow(ac, MayRedeemVouchers(ac)); err != nil {
		return nil, err
	}
	var out []*gongzhi.ServiceEntry
	_, err := a.Entries(ctx, ac, store.ListOptions{Limit: limit, Filters: map[string]string{"state": gongzhi.EntryActive}},
		func(e *gongzhi.ServiceEntry) error { out = append(out, e); return nil })
	return out, err
}

// Figures are a purchaser's voucher figures this month and over all time (the dashboard's
// block): issued, redeemed, expired, settled; money reserved (this month: the face value
// issued; in all: what the unspent vouchers still hold) and paid.
type Figures struct {
	Month string               `json:"month"`
	This  store.VoucherFigures `json:"this_month"`
	Total store.VoucherFigures `json:"total"`
}

// Summary returns the figures of the schemes of the actor's place (those who read the report).
func (a *Service) Summary(ctx context.Context, ac *gongzhi.Actor) (*Figures, error) {
	if err := kernel.Allow(ac, MayReadVoucherReport(ac)); err != nil {
		return nil, err
	}
	return FiguresOf(ctx, a.DB.Q(), kernel.PlaceScope(ac), a.NowUTC())
}

// FiguresOf returns the figures of the schemes at a place's scope for the month of now (China
// time) and in all; the caller has checked MayReadVoucherReport (the dashboard reads it too).
func FiguresOf(ctx context.Context, q *store.Q, s store.Scope, now time.Time) (*Figures, error) {
	f := &Figures{Month: gongzhi.MonthOf(now)}
	if s.None {
		return f, nil
	}
	from, _ := time.ParseInLocation("2006-01", f.Month, gongzhi.ChinaTime)
	var err error
	f.This, f.Total, err = q.VoucherSummary(ctx, s.Prefix, f.Month, from, from.AddDate(0, 1, 0))
	return f, err
}
