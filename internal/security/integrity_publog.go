// The audit log's daily digest on the public ledger (internal/publog; docs/ledger.md): each
// day's seal is appended in the transaction that seals the day, so that the seals — and through
// them every sealed entry — can no longer be rewritten unnoticed: `gongzhi audit verify` finds an
// entry that differs from its seal, and `gongzhi log verify --db` a seal that differs from the
// ledger.

package security

import (
	"context"

	"gongzhi/internal/publog"
	"gongzhi/internal/store"
)

// RecAuditDaySealed is the ledger record of a sealed day of the audit log.
const RecAuditDaySealed = "audit.day_sealed"

func sealRecord(s *store.AuditSeal) publog.Record {
	return publog.Record{Type: RecAuditDaySealed, Version: 1, Body: map[string]any{
		"day": s.Day, "count": s.Count, "first_id": s.FirstID, "last_id": s.LastID,
		"digest": s.Digest, "chain": s.Chain, "algorithm": s.Algorithm}}
}

func init() {
	publog.RegisterCheck(RecAuditDaySealed, 1, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		seals, err := q.AuditSeals(ctx)
		if err != nil {
			return "", err
		}
		for _, s := range seals {
			if s.Day != r.Str("day") {
				continue
			}
			var d publog.Differ
			d.Field("count", r.Int("count"), s.Count)
			d.Field("first_id", r.Int("first_id"), s.FirstID)
			d.Field("last_id", r.Int("last_id"), s.LastID)
			d.Field("digest", r.Str("digest"), s.Digest)
			d.Field("chain", r.Str("chain"), s.Chain)
			d.Field("algorithm", r.Str("algorithm"), s.Algorithm)
			return d.String(), nil
		}
		return "the day's seal is gone", nil
	})
}
