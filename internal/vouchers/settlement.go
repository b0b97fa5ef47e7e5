// Settlement and expiry of vouchers: monthly statements per provider drafted from its
// redemptions, approved and paid by the purchaser out of the scheme's budget (reserved → spent,
// a line of the budget's ledger); issued vouchers past their last day expire and release their
// money (a scheduled job). And the report and the public provider shares.

package vouchers

import (
	"context"
	"maps"
	"slices"
	"strings"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// statementScope is what the actor sees of statements: its place's schemes, or a provider its own.
func statementScope(ac *gongzhi.Actor) (store.Scope, error) {
	if err := kernel.Allow(ac, MayReadVoucherStatements(ac)); err != nil {
		return store.Scope{}, err
	}
	return kernel.OrgScope(ac), nil
}

// DraftStatements drafts, for a month of the scheme (YYYY-MM, not after this one), one statement
// per provider of its redemptions not yet on a statement. ECONFLICT month:
// voucher.nothing_to_settle when there are none.
func (a *Service) DraftStatements(ctx context.Context, ac *gongzhi.Actor, schemeID int64, month string) ([]*gongzhi.VoucherStatement, error) {
	if err := kernel.Allow(ac, MayManageVoucherSchemes(ac)); err != nil {
		return nil, err
	}
	month = strings.TrimSpace(month)
	if _, ok := gongzhi.ParseDate(month + "-01"); !ok || len(month) != 7 {
		return nil, gongzhi.Invalid("month", "month.format")
	}
	if month > gongzhi.MonthOf(a.NowUTC()) {
		return nil, gongzhi.Invalid("month", "voucher.month_future")
	}
	var out []*gongzhi.VoucherStatement
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		out = nil
		s, err := a.lockScheme(ctx, q, ac, schemeID)
		if err != nil {
			return err
		}
		sums, err := q.UnstatedRedemptions(ctx, s.ID, month)
		if err != nil {
			return err
		}
		if len(sums) == 0 {
			return gongzhi.Refused("month", "voucher.nothing_to_settle")
		}
		for _, org := range slices.Sorted(maps.Keys(sums)) {
			st := &gongzhi.VoucherStatement{SchemeID: s.ID, SchemeName: s.Name, OrgID: org, Month: month, Vouchers: int(sums[org][0]),
				Amount: gongzhi.Money(sums[org][1]), State: gongzhi.StatementDraft}
			if err := q.InsertStatement(ctx, st, a.NowUTC()); err != nil {
				if store.IsUnique(err, "") {
					return gongzhi.Refused("month", "voucher.statement_exists")
				}
				return err
			}
			if err := a.WriteAudit(ctx, q, ac, "create", ResStatements, kernel.Id10(st.ID), nil, st, ""); err != nil {
				return err
			}
			out = append(out, st)
		}
		return nil
	})
	return out, err
}

// Statements lists the statements the actor reads, of one scheme when schemeID is not 0.
func (a *Service) Statements(ctx context.Context, ac *gongzhi.Actor, schemeID int64) ([]*gongzhi.VoucherStatement, error) {
	sc, err := statementScope(ac)
	if err != nil {
		return nil, err
	}
	return a.DB.Q().ListStatements(ctx, sc, schemeID)
}

// Statement returns a statement the actor reads.
func (a *Service) Statement(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.VoucherStatement, error) {
	sc, err := statementScope(ac)
	if err != nil {
		return nil, err
	}
	return a.DB.Q().GetStatement(ctx, sc, id)
}

// ApproveStatement approves a drafted statement, once (ECONFLICT state: voucher.statement_state).
func (a *Service) ApproveStatement(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.VoucherStatement, error) {
	if err := kernel.Allow(ac, MayManageVoucherSchemes(ac)); err != nil {
		return nil, err
	}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.LockRow(ctx, "voucher_statements", id); err != nil {
			return err
		}
		st, err := q.GetStatement(ctx, kernel.PlaceScope(ac), id)
		if err != nil {
			return err
		}
		if err := q.ApproveStatement(ctx, id, kernel.ActorName(ac), a.NowUTC()); err != nil {
			return gongzhi.Refused("state", "voucher.statement_state")
		}
		return a.WriteAudit(ctx, q, ac, "approve", ResStatements, kernel.Id10(id), map[string]any{"state": st.State},
			map[string]any{"state": gongzhi.StatementApproved}, "")
	})
	if err != nil {
		return nil, err
	}
	return a.Statement(ctx, ac, id)
}

// PayStatement records an approved statement paid on a date (not in the future): its sum moves
// from reserved to spent in the scheme's budget (a line of the budget's ledger, like a contract's
// payment), its vouchers become settled and the ledger records it. Once (ECONFLICT state:
// voucher.statement_state).
func (a *Service) PayStatement(ctx context.Context, ac *gongzhi.Actor, id int64, paidOn string) (*gongzhi.VoucherStatement, error) {
	if err := kernel.Allow(ac, MayManageVoucherSchemes(ac)); err != nil {
		return nil, err
	}
	paidOn = strings.TrimSpace(paidOn)
	if _, ok := gongzhi.ParseDate(paidOn); !ok {
		return nil, gongzhi.Invalid("paid_on", "date.format")
	}
	if paidOn > a.Today() {
		return nil, gongzhi.Invalid("paid_on", "payment.future_date")
	}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.LockRow(ctx, "voucher_statements", id); err != nil {
			return err
		}
		st, err := q.GetStatement(ctx, kernel.PlaceScope(ac), id)
		if err != nil {
			return err
		}
		if st.State != gongzhi.StatementApproved {
			return gongzhi.Refused("state", "voucher.statement_state")
		}
		s, err := q.GetVoucherScheme(ctx, store.Scope{}, st.SchemeID)
		if err != nil {
			return err
		}
		if err := q.PayStatement(ctx, id, paidOn, kernel.ActorName(ac), a.NowUTC()); err != nil {
			return gongzhi.Refused("state", "voucher.statement_state")
		}
		if err := a.moveMoney(ctx, q, ac, gongzhi.LedgerEntry{BudgetID: s.BudgetID, Kind: gongzhi.LedgerSpend, Amount: st.Amount,
			Note: gongzhi.NoteOf("voucher_settle", st.OrgName, st.Month, st.Vouchers)}); err != nil {
			return err
		}
		ids, err := q.StatementVouchers(ctx, id)
		if err != nil {
			return err
		}
		var serials []string
		if err := q.ListVouchers(ctx, store.VoucherScope{}, map[string]string{"ids": joinIDs(ids)}, func(v *gongzhi.Voucher) error {
			serials = append(serials, serialDigest(v.Serial))
			return nil
		}); err != nil {
			return err
		}
		slices.Sort(serials)
		if err := a.publish(ctx, q, RecSettled, id, map[string]any{"statement_id": id, "scheme_id": s.ID, "org_id": st.OrgID, "month": st.Month,
			"amount_fen": int64(st.Amount), "paid_on": paidOn, "serial_sha256s": serials}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "pay", ResStatements, kernel.Id10(id), map[string]any{"state": st.State},
			map[string]any{"state": gongzhi.StatementPaid, "paid_on": paidOn, "amount": st.Amount}, "")
	})
	if err != nil {
		return nil, err
	}
	return a.Statement(ctx, ac, id)
}

func joinIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = kernel.Id10(id)
	}
	return strings.Join(s, ",")
}

// ExpireVouchers expires every issued voucher whose last day has passed, releasing its face
// value to its scheme's budget and recording it on the ledger, at most batch vouchers per
// transaction; each voucher moves once even with several instances running the job. Returns
// how many expired. The system actor runs it (internal/jobs).
func (a *Service) ExpireVouchers(ctx context.Context, ac *gongzhi.Actor) (int, error) {
	if !ac.IsSystem() {
		return 0, gongzhi.Forbidden()
	}
	const batch = 500
	n := 0
	for {
		ids, err := a.DB.Q().DueVouchers(ctx, a.Today(), batch)
		if err != nil || len(ids) == 0 {
			return n, err
		}
		done := 0
		err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			done = 0
			type key struct {
				budget int64
				scheme string
			}
			sums, counts := map[key]gongzhi.Money{}, map[key]int{}
			for _, id := range ids {
				r, err := q.LockVoucher(ctx, store.VoucherScope{}, id)
				if err != nil {
					return err
				}
				if r.State != gongzhi.VoucherIssued || r.ValidUntil >= a.Today() {
					continue // moved by another instance meanwhile
				}
				if err := q.MoveVoucher(ctx, id, gongzhi.VoucherIssued, gongzhi.VoucherExpired, a.NowUTC()); err != nil {
					return err
				}
				if err := a.publish(ctx, q, RecExpired, id, map[string]any{"voucher_id": id, "serial_sha256": serialDigest(r.Serial), "scheme_id": r.SchemeID,
					"amount_fen": int64(r.FaceValue), "valid_until": r.ValidUntil}); err != nil {
					return err
				}
				k := key{r.BudgetID, r.SchemeName}
				sums[k] += r.FaceValue
				counts[k]++
				done++
			}
			for k, sum := range sums {
				if err := a.moveMoney(ctx, q, ac, gongzhi.LedgerEntry{BudgetID: k.budget, Kind: gongzhi.LedgerRelease, Amount: sum,
					Note: gongzhi.NoteOf("voucher_expire", k.scheme, counts[k])}); err != nil {
					return err
				}
			}
			if done == 0 {
				return nil
			}
			return a.WriteAudit(ctx, q, ac, "expire", ResVouchers, "", nil, map[string]any{"vouchers": done}, "")
		})
		n += done
		if err != nil || len(ids) < batch {
			return n, err
		}
	}
}

// Report counts the vouchers of the schemes of the actor's place by "scheme", "community",
// "provider" or "month".
func (a *Service) Report(ctx context.Context, ac *gongzhi.Actor, by string) ([]gongzhi.VoucherCount, error) {
	if err := kernel.Allow(ac, MayReadVoucherReport(ac)); err != nil {
		return nil, err
	}
	s := kernel.PlaceScope(ac)
	if s.None {
		return nil, nil
	}
	if !slices.Contains([]string{"scheme", "community", "provider", "month"}, by) {
		return nil, gongzhi.Invalid("by", "choice")
	}
	return a.DB.Q().VoucherReport(ctx, s.Prefix, by)
}

// ProviderShares are the public figures: each provider's share of each scheme's redemptions and
// its residents' average rating. No personal data.
func (a *Service) ProviderShares(ctx context.Context) ([]gongzhi.VoucherProviderShare, error) {
	return a.DB.Q().VoucherProviderShares(ctx)
}
