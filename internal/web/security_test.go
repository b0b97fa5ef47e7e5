package web_test

// The audit administrator's export of the audit log (API and page, .xlsx and CSV, itself
// audited) and the security administrator's alarms (list, to-do, acknowledged once under 50
// concurrent requests), on SQLite and PostgreSQL.

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func countAudit(t *testing.T, e *env, where string, args ...any) int {
	t.Helper()
	var n int
	if err := e.app.DB.Q().QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAuditExport(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tok := e.token("admin-audit")
		if r := e.call(e.token("admin-sec"), "POST", "/api/v1/audit/export", map[string]string{"format": "csv"}); r.Status != 403 {
			t.Fatalf("the security administrator exports: %d", r.Status)
		}
		r := e.call(tok, "POST", "/api/v1/audit/export", map[string]string{"format": "pdf", "from": "2026-13-01"})
		if code, f := errOf(r); r.Status != 422 || code != gongzhi.EINVALID || f["format"].Code != "audit.format" || f["from"].Code != "date.format" {
			t.Fatalf("a bad export: %d %s", r.Status, r.Raw)
		}
		exports := countAudit(t, e, `action = 'export'`)

		// CSV of one action: every entry, each once, as the log has them
		logins := countAudit(t, e, `action = 'create'`)
		r = e.call(tok, "POST", "/api/v1/audit/export", map[string]string{"format": "csv", "action": "create"})
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !bytes.HasPrefix(r.Raw, []byte("\ufeff")) {
			t.Fatalf("csv export: %d %s", r.Status, r.Header)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Raw, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if logins == 0 || len(recs) != logins+1 {
			t.Fatalf("csv export: %d rows for %d entries", len(recs)-1, logins)
		}
		for _, rec := range recs[1:] {
			if rec[5] != "create" {
				t.Fatalf("csv row %v", rec)
			}
		}

		// Excel of a date range: today's entries
		today := time.Now().In(gongzhi.ChinaTime).Format(time.DateOnly)
		r = e.call(tok, "POST", "/api/v1/audit/export", map[string]string{"from": today, "to": today})
		if r.Status != 200 || !bytes.HasPrefix(r.Raw, []byte("PK")) {
			t.Fatalf("xlsx export: %d %s", r.Status, r.Raw[:min(len(r.Raw), 200)])
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		f.Close()
		if err != nil || len(rows) < 2 {
			t.Fatalf("xlsx rows %d %v", len(rows), err)
		}
		if got := countAudit(t, e, `action = 'export'`); got != exports+2 {
			t.Fatalf("%d exports audited, want %d", got-exports, 2)
		}

		// the page: a form filled from the audit page's filters, posted with its token
		b := e.browser()
		if st, loc := b.login("admin-audit", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("login: %d %s", st, loc)
		}
		if st, page := b.get("/audit?action=login"); st != 200 || !strings.Contains(page, `href="/audit/export?action=login"`) {
			t.Fatalf("the audit page offers no export: %d", st)
		}
		st, page := b.get("/audit/export?action=login&from=" + today)
		if st != 200 || !strings.Contains(page, `value="login"`) {
			t.Fatalf("export form: %d", st)
		}
		csrf := csrfRe.FindStringSubmatch(page)[1]
		st, page = b.post("/audit/export", url.Values{"csrf": {csrf}, "from": {today}, "to": {"2020-01-01"}, "format": {"csv"}})
		if st != 422 || !strings.Contains(page, "aria-invalid") {
			t.Fatalf("a bad range on the page: %d", st)
		}
		st, page = b.post("/audit/export", url.Values{"csrf": {csrf}, "action": {"login"}, "format": {"csv"}})
		if st != 200 || !strings.Contains(page, ",login,") {
			t.Fatalf("the page's export: %d %.200s", st, page)
		}
		if got := countAudit(t, e, `action = 'export'`); got != exports+3 {
			t.Fatalf("%d exports audited, want 3", got-exports)
		}
	})
}

func TestSecurityAlarms(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		now := e.app.Now()
		for i := range 12 {
			ent := &gongzhi.AuditEntry{At: now.Add(-time.Duration(i) * time.Second).UTC().Truncate(time.Microsecond), Username: "anonymous",
				IP: "198.51.100.4", Via: "web", Action: "login_failed", Entity: "users", EntityID: "1", Note: "username=gt-hub"}
			if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.InsertAudit(ctx, ent) }); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.app.RaiseAlarms(ctx, now); err != nil {
			t.Fatal(err)
		}
		sec := e.token("admin-sec")
		if r := e.call(e.token("admin-sys"), "GET", "/api/v1/security/alarms", nil); r.Status != 403 {
			t.Fatalf("the system administrator reads the alarms: %d", r.Status)
		}
		r := e.call(sec, "GET", "/api/v1/security/alarms?kind=failed_logins_account&open=1", nil)
		items, _ := r.Body["items"].([]any)
		if r.Status != 200 || len(items) != 1 {
			t.Fatalf("alarms: %d %s", r.Status, r.Raw)
		}
		al := items[0].(map[string]any)
		if al["subject"] != "gt-hub" || al["count"].(float64) < 12 {
			t.Fatalf("alarm %v", al)
		}
		id := int64(al["id"].(float64))

		b := e.browser()
		e.user("admin-sec")
		if st, loc := b.login("admin-sec", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("login: %d %s", st, loc)
		}
		if st, page := b.get("/"); st != 200 || !strings.Contains(page, `href="/security/alarms?open=1"`) {
			t.Fatalf("the security administrator's to-do list lacks the alarms: %d", st)
		}
		if st, page := b.get("/security/alarms"); st != 200 || !strings.Contains(page, "gt-hub") || !strings.Contains(page, "/security/alarms/"+strconv.FormatInt(id, 10)+"/ack") {
			t.Fatalf("alarms page: %d", st)
		}

		got := burst(t, sec, e.srv.URL+"/api/v1/security/alarms/"+strconv.FormatInt(id, 10)+"/ack", "")
		if got[200] != 1 || got[409] != 49 {
			t.Fatalf("50 acknowledgements: %v", got)
		}
		if n := countAudit(t, e, `action = 'acknowledge' AND entity_id = ?`, strconv.FormatInt(id, 10)); n != 1 {
			t.Fatalf("%d acknowledgements audited", n)
		}
		if st, page := b.get("/security/alarms"); st != 200 || strings.Contains(page, "/security/alarms/"+strconv.FormatInt(id, 10)+"/ack") {
			t.Fatalf("the acknowledged alarm is still offered: %d", st)
		}
	})
}
