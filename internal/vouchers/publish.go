// The vouchers' records on the public ledger (internal/publog; docs/ledger.md), each appended in
// the transaction of the change it records and checked against its rows by
// `gongzhi log verify --db`. People appear only as the instance's pseudonyms. Version 1 bodies:
//
//   - voucher.issued: voucher_id, scheme_id, serial_sha256, face_value_fen, holder (pseudonym),
//     community (12-digit code), valid_until (YYYY-MM-DD)
//   - voucher.redeemed: voucher_id, serial_sha256, org_id, entry_id (0: none), amount_fen, month (YYYY-MM)
//   - voucher.settled: statement_id, scheme_id, org_id, month, amount_fen, paid_on, serial_sha256s (sorted)
//   - voucher.expired: voucher_id, serial_sha256, scheme_id, amount_fen, valid_until
//
// A serial is never published: with the voucher's PIN it spends the voucher, so the ledger holds
// its SHA-256 (lower-case hex), which its holder can compute from the sheet to find their records.

package vouchers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"gongzhi"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
)

// The vouchers' record types and their version.
const (
	RecIssued     = "voucher.issued"
	RecRedeemed   = "voucher.redeemed"
	RecSettled    = "voucher.settled"
	RecExpired    = "voucher.expired"
	RecordVersion = 1
)

// serialDigest is what the ledger holds of a voucher's serial.
func serialDigest(serial string) string {
	sum := sha256.Sum256([]byte(serial))
	return hex.EncodeToString(sum[:])
}

// publish appends a voucher record to the public ledger in the caller's transaction and, for
// the records a voucher's holder or a provider takes a receipt of (issued, redeemed, settled),
// keeps its sequence number on the row id it concerns (store.SetVoucherLogSeq).
func (a *Service) publish(ctx context.Context, q *store.Q, typ string, id int64, body map[string]any) error {
	seq, err := publog.Append(ctx, q, publog.Record{Type: typ, Version: RecordVersion, Body: body})
	if err != nil || typ == RecExpired {
		return err
	}
	return q.SetVoucherLogSeq(ctx, typ, id, seq)
}

// pseudonym is a person's pseudonym on this instance's ledger.
func (a *Service) pseudonym(personID int64) string {
	return publog.Pseudonym(a.Box.DeriveKey(publog.PseudonymKeyLabel), personID)
}

// voucherOf reads the voucher a record names ("" and the reason when it is gone).
func voucherOf(ctx context.Context, q *store.Q, r publog.Record) (*store.VoucherRow, string, error) {
	v, err := q.GetVoucher(ctx, store.VoucherScope{}, r.Int("voucher_id"))
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		return nil, "the voucher is gone", nil
	}
	return v, "", err
}

func init() {
	publog.RegisterCheck(RecIssued, RecordVersion, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		v, gone, err := voucherOf(ctx, q, r)
		if v == nil {
			return gone, err
		}
		var d publog.Differ
		d.Field("serial_sha256", r.Str("serial_sha256"), serialDigest(v.Serial))
		d.Field("scheme_id", r.Int("scheme_id"), v.SchemeID)
		d.Field("face_value_fen", r.Int("face_value_fen"), int64(v.FaceValue))
		d.Field("community", r.Str("community"), v.CommunityCode)
		d.Field("valid_until", r.Str("valid_until"), v.ValidUntil)
		return d.String(), nil
	})
	publog.RegisterCheck(RecRedeemed, RecordVersion, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		v, gone, err := voucherOf(ctx, q, r)
		if v == nil {
			return gone, err
		}
		if v.Redemption == nil {
			return "the redemption is gone", nil
		}
		var d publog.Differ
		d.Field("serial_sha256", r.Str("serial_sha256"), serialDigest(v.Serial))
		d.Field("org_id", r.Int("org_id"), v.Redemption.OrgID)
		d.Field("entry_id", r.Int("entry_id"), v.Redemption.EntryID)
		d.Field("amount_fen", r.Int("amount_fen"), int64(v.Redemption.Amount))
		d.Field("month", r.Str("month"), v.Redemption.Month)
		return d.String(), nil
	})
	publog.RegisterCheck(RecSettled, RecordVersion, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		st, err := q.GetStatement(ctx, store.Scope{}, r.Int("statement_id"))
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return "the statement is gone", nil
		} else if err != nil {
			return "", err
		}
		var d publog.Differ
		d.Field("scheme_id", r.Int("scheme_id"), st.SchemeID)
		d.Field("org_id", r.Int("org_id"), st.OrgID)
		d.Field("month", r.Str("month"), st.Month)
		d.Field("amount_fen", r.Int("amount_fen"), int64(st.Amount))
		d.Field("paid_on", r.Str("paid_on"), st.PaidOn)
		d.Field("state", gongzhi.StatementPaid, st.State)
		return d.String(), nil
	})
	publog.RegisterCheck(RecExpired, RecordVersion, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		v, gone, err := voucherOf(ctx, q, r)
		if v == nil {
			return gone, err
		}
		var d publog.Differ
		d.Field("serial_sha256", r.Str("serial_sha256"), serialDigest(v.Serial))
		d.Field("amount_fen", r.Int("amount_fen"), int64(v.FaceValue))
		d.Field("state", gongzhi.VoucherExpired, v.State)
		return d.String(), nil
	})
}
