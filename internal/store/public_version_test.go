package store_test

import (
	"context"
	"strings"
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

		// skipping the ledger's entries: they leave the head where it was, another write moves it
		skip := store.PublicHeadSkips
		head := func() int64 {
			t.Helper()
			h, err := q.AuditHead(ctx, skip...)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		write := func(entity string) {
			t.Helper()
			if err := q.InsertAudit(ctx, &gongzhi.AuditEntry{At: time.Now(), Username: "t", Action: "create", Entity: entity, EntityID: "1"}); err != nil {
				t.Fatal(err)
			}
		}
		if h := head(); h != after {
			t.Fatalf("head skipping the ledger %d, want the call's %d", h, after)
		}
		write("service_entries")
		write("service_evidence")
		if h := head(); h != after {
			t.Errorf("head %d after ledger writes, want %d still", h, after)
		}
		write("payments")
		moved := head()
		if moved <= after {
			t.Errorf("head %d after a payment, want past %d", moved, after)
		}
		// however many ledger entries come after (a provider's busy hour), it stays: it is read
		// from its own index's end, not from a window of the latest entries
		for range 201 {
			write("service_entries")
		}
		if h := head(); h != moved {
			t.Errorf("head %d after 201 ledger writes, want the payment's %d still", h, moved)
		}
		plan, err := q.ExplainAuditHead(ctx, store.PublicHeadSkips...)
		if err != nil || !strings.Contains(plan, "audit_public_head") {
			t.Errorf("the head of the public pages is not read through audit_public_head (%v):\n%s", err, plan)
		}
		if _, err := q.AuditHead(ctx, "x') OR ('1"); err == nil {
			t.Error("an entity that is not a name was written into the statement")
		}
	})
}
