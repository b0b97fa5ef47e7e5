package store

// An exact total is kept under the audit log's head and the clock's window: a second count asks
// the head alone; an audited write is seen at once; a ledger write moves the head of a count over
// the ledger's tables only; an unaudited change is seen when the window moves; counts over the
// accounts and counts in a transaction are made every time.

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestKeptCounts(t *testing.T) {
	ctx := context.Background()
	db, run := bareSQLite(t, "kept.db")
	now := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	db.kept.now = func() time.Time { return now }
	q := db.Q()
	audit := func(entity string) { t.Helper(); run(`INSERT INTO audit_log (entity) VALUES (?)`, entity) }
	run(`CREATE TABLE audit_log (id INTEGER PRIMARY KEY, entity TEXT)`)
	for _, table := range []string{"rows_kept", "ledger_rows", "users"} {
		run(`CREATE TABLE ` + table + ` (id INTEGER PRIMARY KEY, k TEXT)`)
		run(`INSERT INTO `+table+` (k) VALUES (?), (?)`, "a", "a")
	}
	// count returns the total of table's rows with k = "a" and how many statements it ran
	count := func(q *Q, table string) (int, int64) {
		t.Helper()
		var stmts atomic.Int64
		w := &where{}
		w.add("k = ?", "a")
		n, exact, err := q.boundedCount(CountingStatements(ctx, &stmts), table, w)
		if err != nil || !exact {
			t.Fatalf("%s: %d %v %v", table, n, exact, err)
		}
		return n, stmts.Load()
	}
	want := func(table string, n int, stmts int64, why string) {
		t.Helper()
		if got, ran := count(q, table); got != n || ran != stmts {
			t.Errorf("%s, %s: %d in %d statements, want %d in %d", table, why, got, ran, n, stmts)
		}
	}
	for _, table := range []string{"rows_kept", "ledger_rows"} {
		want(table, 2, 2, "first count (the head, the count)")
		want(table, 2, 1, "kept (the head alone)")
	}
	want("users", 2, 1, "never kept (the count alone)")

	run(`INSERT INTO rows_kept (k) VALUES ('a')`)
	audit("rows_kept")
	want("rows_kept", 3, 2, "after an audited write")

	run(`INSERT INTO ledger_rows (k) VALUES ('a')`)
	audit("service_entries")
	want("ledger_rows", 3, 2, "after a ledger write")
	want("rows_kept", 3, 1, "after a ledger write, which its head leaves out")

	run(`INSERT INTO rows_kept (k) VALUES ('a')`) // no audit row: seen once the window moves
	want("rows_kept", 3, 1, "after a write without an audit row, in the same window")
	now = now.Add(keptCountWindow)
	want("rows_kept", 4, 2, "once the window has moved")

	run(`INSERT INTO users (k) VALUES ('a')`)
	want("users", 3, 1, "after a change without an audit row")

	if err := db.Transact(ctx, func(ctx context.Context, tq *Q) error {
		if _, err := tq.Exec(ctx, `INSERT INTO rows_kept (k) VALUES ('a')`); err != nil {
			return err
		}
		if n, ran := count(tq, "rows_kept"); n != 5 || ran != 1 {
			t.Errorf("in a transaction after its own write: %d in %d statements, want 5 in 1", n, ran)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestKeptCountsMost: a full cache starts again empty.
func TestKeptCountsMost(t *testing.T) {
	k := newKeptCounts()
	for i := range keptCountsMost {
		k.keep(itoa(i), keptCount{head: 1, n: i})
	}
	if _, ok := k.get("7", 1, 0); !ok {
		t.Fatal("a kept total not found")
	}
	k.keep("one more", keptCount{head: 1, n: 1})
	if _, ok := k.get("7", 1, 0); ok || len(k.seen) != 1 {
		t.Fatalf("past %d totals: %d kept", keptCountsMost, len(k.seen))
	}
	if _, ok := k.get("one more", 2, 0); ok {
		t.Fatal("a total kept under another head")
	}
}
