package store_test

import (
	"context"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// TestAuditHead: the head of the audit log, which versions the public pages' cache, moves with
// every audited write.
func TestAuditHead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := db.Q()
		before, err := q.AuditHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.InsertAudit(ctx, &gongzhi.AuditEntry{At: time.Now(), Username: "t", Action: "update", Entity: "calls", EntityID: "1"}); err != nil {
			t.Fatal(err)
		}
		after, err := q.AuditHead(ctx)
		if err != nil || after <= before {
			t.Fatalf("head %d after a write, %d before (%v)", after, before, err)
		}
	})
}
