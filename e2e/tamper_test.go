package e2e

import (
	"context"
	"strings"
	"testing"

	"gongzhi/internal/jobs"
)

// TestTamperAlarmsShown: a payment edited directly in the database is found by the monitor_log
// job; the auditor finds the alarm on their to-do list, opens the tamper alarms from the menu and
// reads which record differs, in what, and when it was found, on a desktop and on a phone.
func TestTamperAlarmsShown(t *testing.T) {
	requireBrowser(t)
	t.Parallel()
	s := sqliteServer(t)
	ctx := context.Background()
	if _, err := s.App.DB.Q().Exec(ctx, `UPDATE payments SET amount = amount + 100 WHERE id = (SELECT MIN(id) FROM payments)`); err != nil {
		t.Fatal(err)
	}
	if n, err := jobs.Run(ctx, s.App, jobs.ByKind(jobs.KindMonitorLog), s.App.Now(), 1); err != nil || n != 1 {
		t.Fatalf("the monitor raised %d alarms: %v", n, err)
	}
	b := newBrowser(t, s.Base)
	b.login("gt-auditor")
	if !strings.Contains(b.text("main"), "条篡改告警待核查") {
		t.Fatalf("the to-do list does not show the tamper alarm: %q", b.text("main"))
	}
	b.menu("/tamper-alarms", "篡改告警")
	got := b.text("#tamper-alarms")
	for _, want := range []string{"账本记录与数据库不符", "付款 #", "数据库中的业务数据与账本记录不同", "amount_fen 账本"} {
		if !strings.Contains(got, want) {
			t.Fatalf("the alarms' table lacks %q: %q", want, got)
		}
	}
	b.shot("desktop")
	b.phone("tamper-alarms")
}
