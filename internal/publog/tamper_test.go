package publog_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"gongzhi/internal/app"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// The demo street's awards, contracts, payments, grades and sealed audit days are on its ledger,
// each matching its row; a payment, a seal or a ledger row edited directly in the database is
// reported by the operator's comparison (gongzhi log verify --db).
func TestTamperDetected(t *testing.T) {
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(db, demodb.Box(), demodb.Config, slog.New(slog.DiscardHandler))
		integrate(t, a.PubLog)
		kinds := map[string]int{}
		rows, err := db.Q().Query(ctx, `SELECT type, COUNT(*) FROM publog_records GROUP BY type`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			kinds[k] = n
		}
		for _, k := range []string{"award.published", "contract.signed", "payment.made", "evaluation.published"} {
			if kinds[k] == 0 {
				t.Errorf("the demo has no %s record (%v)", k, kinds)
			}
		}
		compare := func() []publog.Difference {
			t.Helper()
			v, err := publog.Verify(ctx, publog.DBFetcher(db.Q()), a.PubLog.VKey, "", true)
			if err != nil {
				t.Fatal(err)
			}
			diffs, unchecked, err := publog.CompareDB(ctx, db.Q(), v.Records)
			if err != nil {
				t.Fatal(err)
			}
			if len(unchecked) > 0 {
				t.Errorf("records without a check: %v", unchecked)
			}
			return diffs
		}
		if d := compare(); len(d) > 0 {
			t.Fatalf("the untouched demo differs from its ledger: %v", d)
		}
		mustExec := func(sql string) {
			t.Helper()
			if res, err := db.Q().Exec(ctx, sql); err != nil {
				t.Fatal(err)
			} else if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("%s: %d rows", sql, n)
			}
		}
		mustExec(`UPDATE payments SET amount = amount + 100 WHERE id = (SELECT MIN(id) FROM payments)`)
		mustExec(`UPDATE evaluations SET grade = CASE WHEN grade = 'fail' THEN 'pass' ELSE 'fail' END WHERE id = (SELECT MIN(id) FROM evaluations WHERE state = 'published')`)
		mustExec(`UPDATE publog_records SET entry = REPLACE(entry, '"v":1', '"v":1 ') WHERE idx = 0`)
		got := map[string]bool{}
		for _, d := range compare() {
			got[d.Type+" "+d.Kind] = true
			if !strings.Contains(d.String(), d.Kind) {
				t.Errorf("difference %v does not say its kind", d)
			}
		}
		for _, want := range []string{"payment.made row_differs", "evaluation.published row_differs"} {
			if !got[want] {
				t.Errorf("no %q among %v", want, got)
			}
		}
		found := false
		for k := range got {
			found = found || strings.HasSuffix(k, " record_changed")
		}
		if !found {
			t.Errorf("the edited ledger row was not reported: %v", got)
		}
	})
}
