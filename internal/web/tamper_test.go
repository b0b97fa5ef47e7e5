package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gongzhi/internal/demo"
	"gongzhi/internal/jobs"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// The monitor_log job on the demo street: an untouched database raises no tamper alarm; a
// voucher row, a payment row and a sealed audit entry edited directly in the database are each
// raised once (however many runs find them, at once or later), and shown to the auditor on the
// home page and the tamper alarms' page with what record, what differs and when it was found;
// the system administrator may not read them.
func TestTamperAlarms(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		if _, err := e.app.PubLog.Integrate(ctx); err != nil {
			t.Fatal(err)
		}
		monitor := func() int {
			t.Helper()
			n, err := jobs.Run(ctx, e.app, jobs.ByKind(jobs.KindMonitorLog), e.app.Now(), 1)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := monitor(); n != 0 {
			rows, _ := db.Q().Query(ctx, `SELECT kind, subject, reason, detail FROM security_alarms`)
			for rows.Next() {
				var k, s, r, d string
				rows.Scan(&k, &s, &r, &d)
				t.Log(k, s, r, d)
			}
			rows.Close()
			t.Fatalf("the untouched demo raised %d tamper alarms", n)
		}
		var sealed int64
		if err := db.Q().QueryRow(ctx, `SELECT MIN(entry_id) FROM audit_seal_entries`).Scan(&sealed); err != nil || sealed == 0 {
			t.Fatalf("the demo has no sealed audit entry: %v", err)
		}
		for _, sql := range []string{
			`UPDATE vouchers SET face_value = face_value + 1 WHERE id = (SELECT MIN(id) FROM vouchers)`,
			`UPDATE payments SET amount = amount + 100 WHERE id = (SELECT MIN(id) FROM payments)`,
			`UPDATE audit_log SET note = note || ' ' WHERE id = (SELECT MIN(entry_id) FROM audit_seal_entries)`,
		} {
			if res, err := db.Q().Exec(ctx, sql); err != nil {
				t.Fatal(err)
			} else if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("%s: %d rows", sql, n)
			}
		}
		// 20 runs at once raise each difference once
		var wg sync.WaitGroup
		var mu sync.Mutex
		raised := 0
		for range 20 {
			wg.Go(func() {
				n, err := e.app.MonitorLedger(ctx, e.app.PubLog, e.app.Now())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				raised += n
				mu.Unlock()
			})
		}
		wg.Wait()
		if n := monitor(); n != 0 || raised < 3 {
			t.Fatalf("%d alarms raised by 20 runs, %d by the next", raised, n)
		}
		type alarm struct{ kind, subject, reason, detail string }
		var got []alarm
		rows, err := db.Q().Query(ctx, `SELECT kind, subject, reason, detail, count FROM security_alarms WHERE kind IN ('ledger_record', 'ledger_log', 'audit_entry')`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a alarm
			var count int
			if err := rows.Scan(&a.kind, &a.subject, &a.reason, &a.detail, &count); err != nil {
				t.Fatal(err)
			}
			if count != 21 {
				t.Errorf("alarm %v found %d times, want 21", a, count)
			}
			got = append(got, a)
		}
		rows.Close()
		find := func(kind, needle string) *alarm {
			for i, a := range got {
				if a.kind == kind && (strings.Contains(a.subject, needle) || a.reason == needle) {
					return &got[i]
				}
			}
			return nil
		}
		if a := find("ledger_record", "voucher.issued"); a == nil || a.reason != "row_differs" || !strings.Contains(a.detail, "face_value_fen") {
			t.Errorf("the edited voucher: %+v among %v", a, got)
		}
		if a := find("ledger_record", "payment.made"); a == nil || a.reason != "row_differs" || !strings.Contains(a.detail, "amount_fen") {
			t.Errorf("the edited payment: %+v among %v", a, got)
		}
		if a := find("audit_entry", "changed"); a == nil || !strings.HasSuffix(a.subject, " #"+strconv.FormatInt(sealed, 10)) {
			t.Errorf("the edited audit entry %d: %+v among %v", sealed, a, got)
		}

		if r := e.call(e.token("admin-sys"), "GET", "/api/v1/tamper-alarms", nil); r.Status != http.StatusForbidden {
			t.Fatalf("the system administrator reads the tamper alarms: %d", r.Status)
		}
		r := e.call(e.token("gt-auditor"), "GET", "/api/v1/tamper-alarms?open=1", nil)
		if items, _ := r.Body["items"].([]any); r.Status != 200 || len(items) != len(got) {
			t.Fatalf("the auditor's API: %d %s", r.Status, r.Raw)
		}
		for _, acc := range []string{"gt-auditor", "admin-audit"} {
			b := e.browser()
			e.user(acc)
			if st, loc := b.login(acc, demo.Password); st != http.StatusSeeOther {
				t.Fatalf("login %s: %d %s", acc, st, loc)
			}
			if st, page := b.get("/"); st != 200 || !strings.Contains(page, `href="/tamper-alarms?open=1"`) {
				t.Fatalf("%s's home page lacks the tamper alarms: %d", acc, st)
			}
			st, page := b.get("/tamper-alarms")
			if st != 200 {
				t.Fatalf("%s: the tamper alarms' page: %d", acc, st)
			}
			for _, s := range []string{"付款 #", "<code>face_value_fen</code>", "<code>amount_fen</code>", "#" + strconv.FormatInt(sealed, 10), "审计记录在封存后被改动"} {
				if !strings.Contains(page, s) {
					t.Errorf("%s: the tamper alarms' page lacks %q", acc, s)
				}
			}
		}
	})
}
