// The vouchers' records on the public ledger (internal/publog): voucher.issued, .redeemed,
// .settled and .expired, each appended in the transaction of the change it records. People
// appear only as the instance's pseudonyms.

package vouchers

import (
	"context"

	"gongzhi/internal/publog"
	"gongzhi/internal/store"
)

// RecordVersion is the version of the voucher records' fields (docs/ledger.md).
const RecordVersion = 1

// publish appends a voucher record to the public ledger in the caller's transaction.
func (a *Service) publish(ctx context.Context, q *store.Q, typ string, body map[string]any) error {
	_, err := publog.Append(ctx, q, publog.Record{Type: typ, Version: RecordVersion, Body: body})
	return err
}

// pseudonym is a person's pseudonym on this instance's ledger.
func (a *Service) pseudonym(personID int64) string {
	return publog.Pseudonym(a.Box.DeriveKey(publog.PseudonymKeyLabel), personID)
}
