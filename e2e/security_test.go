package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
)

// TestSecurityAlarmsAndAuditExport: the security administrator finds an alarm on their to-do
// list, opens the alarms from the menu and acknowledges it; the audit administrator goes from the
// audit page's Export to the export's form, filled with the page's filter.
func TestSecurityAlarmsAndAuditExport(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	s := sqliteServer(t)
	ctx := context.Background()
	now := s.App.Now()
	// twelve failures within one window of the alarm (windows start on the hour): two hours ago
	// at five past, so that they never straddle a window's start, as "the last twelve seconds"
	// did in the first seconds of an hour
	start := now.Add(-2 * time.Hour).Truncate(time.Hour).Add(5 * time.Minute)
	for i := range 12 {
		e := &gongzhi.AuditEntry{At: start.Add(time.Duration(i) * time.Second).UTC(), Username: "anonymous",
			IP: "198.51.100.9", Via: "web", Action: "login_failed", Entity: "users", EntityID: "1", Note: "username=gt-hub"}
		if err := s.App.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.InsertAudit(ctx, e) }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.App.RaiseAlarms(ctx, now); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := s.App.DB.Q().QueryRow(ctx, `SELECT id FROM security_alarms WHERE kind = 'failed_logins_account' AND subject = 'gt-hub'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	row := "#alarm-" + strconv.FormatInt(id, 10)

	b := newBrowser(t, s.Base)
	b.login("admin-sec")
	if !strings.Contains(b.text("main"), "安全告警待核查") {
		t.Fatalf("the to-do list does not show the alarms: %q", b.text("main"))
	}
	b.menu("/security/alarms", "安全告警")
	if got := b.text(row); !strings.Contains(got, "gt-hub") || !strings.Contains(got, "账号多次登录失败") {
		t.Fatalf("the alarm's row reads %q", got)
	}
	b.shot("alarms")
	b.press("acknowledge the alarm", row+` form button`, http.StatusOK)
	b.open("/security/alarms")
	if got := b.text(row); !strings.Contains(got, "已确认") || b.count(row+" form") != 0 {
		t.Fatalf("after acknowledging, the row reads %q", got)
	}

	a := newBrowser(t, s.Base)
	a.login("admin-audit")
	a.menu("/audit", "审计日志")
	a.open("/audit?action=login")
	a.press("export", `#export`, http.StatusOK)
	if p := a.path(); !strings.HasPrefix(p, "/audit/export?") || a.value("#in-action") != "login" {
		t.Fatalf("the export's form at %s has action %q", p, a.value("#in-action"))
	}
	a.shot("export")
}
