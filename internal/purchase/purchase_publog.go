// The purchase's records on the public ledger (internal/publog; docs/ledger.md): each award
// published, each contract signed and each payment made is appended in the transaction that
// makes it, and checked against its row by `gongzhi log verify --db`.

package purchase

import (
	"context"
	"time"

	"gongzhi"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
)

// Ledger record types of the purchase.
const (
	RecAwardPublished = "award.published"
	RecContractSigned = "contract.signed"
	RecPaymentMade    = "payment.made"
)

func awardRecord(w *gongzhi.Award) publog.Record {
	return publog.Record{Type: RecAwardPublished, Version: 1, Body: map[string]any{
		"award_id": w.ID, "call_id": w.CallID, "application_id": w.ApplicationID,
		"org_id": w.OrgID, "org": w.OrgName, "amount_fen": int64(w.Amount)}}
}

func contractRecord(ct *gongzhi.Contract, v *gongzhi.ContractVersion, now time.Time) publog.Record {
	return publog.Record{Type: RecContractSigned, Version: 1, Body: map[string]any{
		"contract_id": ct.ID, "call_id": ct.CallID, "award_id": ct.AwardID, "org_id": ct.OrgID,
		"purchaser": ct.PurchaserName, "provider": ct.ProviderName, "version": v.Version,
		"amount_fen": int64(v.Terms.Amount), "signed_on": gongzhi.DateOf(now)}}
}

func paymentRecord(p *gongzhi.Payment) publog.Record {
	return publog.Record{Type: RecPaymentMade, Version: 1, Body: map[string]any{
		"payment_id": p.ID, "contract_id": p.ContractID, "portion": p.Portion + 1,
		"amount_fen": int64(p.Amount), "paid_on": p.PaidOn}}
}

func init() {
	publog.RegisterCheck(RecAwardPublished, 1, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		w, err := q.GetAward(ctx, store.Scope{}, r.Int("award_id"))
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return "the award is gone", nil
		} else if err != nil {
			return "", err
		}
		var d publog.Differ
		d.Field("call_id", r.Int("call_id"), w.CallID)
		d.Field("application_id", r.Int("application_id"), w.ApplicationID)
		d.Field("org_id", r.Int("org_id"), w.OrgID)
		d.Field("amount_fen", r.Int("amount_fen"), int64(w.Amount))
		return d.String(), nil
	})
	publog.RegisterCheck(RecContractSigned, 1, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		ct, err := q.GetContract(ctx, store.Scope{}, r.Int("contract_id"))
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return "the contract is gone", nil
		} else if err != nil {
			return "", err
		}
		var d publog.Differ
		d.Field("call_id", r.Int("call_id"), ct.CallID)
		d.Field("award_id", r.Int("award_id"), ct.AwardID)
		d.Field("org_id", r.Int("org_id"), ct.OrgID)
		if !ct.SignedAt.IsZero() {
			d.Field("signed_on", r.Str("signed_on"), gongzhi.DateOf(ct.SignedAt))
		}
		if int64(ct.Version) == r.Int("version") {
			d.Field("amount_fen", r.Int("amount_fen"), int64(ct.Amount))
		}
		return d.String(), nil
	})
	publog.RegisterCheck(RecPaymentMade, 1, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		ps, err := q.ListPayments(ctx, r.Int("contract_id"))
		if err != nil {
			return "", err
		}
		for _, p := range ps {
			if p.ID != r.Int("payment_id") {
				continue
			}
			var d publog.Differ
			d.Field("portion", r.Int("portion"), p.Portion+1)
			d.Field("amount_fen", r.Int("amount_fen"), int64(p.Amount))
			d.Field("paid_on", r.Str("paid_on"), p.PaidOn)
			return d.String(), nil
		}
		return "the payment is gone (or moved to another contract)", nil
	})
}
