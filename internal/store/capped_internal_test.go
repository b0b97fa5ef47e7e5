package store

// A count that stopped at its cap is kept for cappedFor, by its query and arguments, whatever is
// written; an exact count follows every write; a transaction's handle keeps nothing.

import (
	"context"
	"testing"
	"time"
)

func TestCappedCountsKept(t *testing.T) {
	ctx := context.Background()
	db, run := bareSQLite(t, "capped.db")
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	db.counts.now = func() time.Time { return now }
	q := db.Q()
	run(`CREATE TABLE rows_kept (id INTEGER PRIMARY KEY, k TEXT)`)
	run(`CREATE TABLE audit_log (id INTEGER PRIMARY KEY, entity TEXT)`) // every write is audited
	for i := range 12 {
		k := "big"
		if i >= 9 {
			k = "small"
		}
		run(`INSERT INTO rows_kept (k) VALUES (?)`, k)
	}
	count := func(q *Q, k string) (int, bool) {
		t.Helper()
		w := &where{countCap: 5}
		w.add("k = ?", k)
		n, exact, err := q.boundedCount(ctx, "rows_kept", w)
		if err != nil {
			t.Fatal(err)
		}
		return n, exact
	}
	if n, exact := count(q, "big"); n != 5 || exact {
		t.Fatalf("nine rows under a cap of five: %d %v", n, exact)
	}
	if n, exact := count(q, "small"); n != 3 || !exact {
		t.Fatalf("three rows: %d %v", n, exact)
	}
	// an exact count follows a row added at once; the capped one is kept though its rows went
	run(`INSERT INTO rows_kept (k) VALUES ('small')`)
	run(`DELETE FROM rows_kept WHERE k = 'big'`)
	run(`INSERT INTO audit_log (entity) VALUES ('rows_kept')`)
	if n, exact := count(q, "small"); n != 4 || !exact {
		t.Errorf("a row added: %d %v, want 4 exact", n, exact)
	}
	if n, exact := count(q, "big"); n != 5 || exact {
		t.Errorf("the kept capped count: %d %v, want more than 5", n, exact)
	}
	// inside a transaction nothing kept is used
	if err := db.Transact(ctx, func(ctx context.Context, tq *Q) error {
		if n, exact := count(tq, "big"); n != 0 || !exact {
			t.Errorf("in a transaction: %d %v, want 0 exact", n, exact)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// once cappedFor has passed, it is counted again
	now = now.Add(cappedFor)
	if n, exact := count(q, "big"); n != 0 || !exact {
		t.Errorf("after %v: %d %v, want 0 exact", cappedFor, n, exact)
	}
}

// TestCappedMost: past cappedMost kept counts, the oldest goes first.
func TestCappedMost(t *testing.T) {
	c := newCapped()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	for i := range cappedMost + 1 {
		c.keep(cappedKey("q", []any{i}))
		now = now.Add(time.Millisecond)
	}
	if len(c.seen) != cappedMost || c.has(cappedKey("q", []any{0})) || !c.has(cappedKey("q", []any{1})) || !c.has(cappedKey("q", []any{cappedMost})) {
		t.Errorf("%d kept; the first kept: %v", len(c.seen), c.has(cappedKey("q", []any{0})))
	}
}
