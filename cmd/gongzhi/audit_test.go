package main

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
)

// TestAuditVerify: `gongzhi audit verify` passes on a sealed log, names a changed entry and fails;
// a retention below six months and an unknown hash are refused.
func TestAuditVerify(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "g.db")
	args := []string{"--db", db, "--data-dir", filepath.Join(dir, "data"), "--integrity-hash", "sm3"}
	if out, err := runCmd(t, append([]string{"audit", "verify"}, args...)...); err != nil || !strings.Contains(out, "no day of the audit log is sealed yet") {
		t.Fatalf("verify an empty log: %q %v", out, err)
	}
	c, _, err := parseConfig("test", args, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	// noon four days back: at least three closed days to seal whatever the hour, also in the
	// first SealGrace of a day (China time), when yesterday is not yet closed
	now := time.Now().In(gongzhi.ChinaTime)
	day := time.Date(now.Year(), now.Month(), now.Day()-4, 12, 0, 0, 0, gongzhi.ChinaTime)
	for i := range 3 {
		e := &gongzhi.AuditEntry{At: day.Add(time.Duration(i) * time.Minute).UTC().Truncate(time.Microsecond), Username: "x", Action: "update"}
		if err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.InsertAudit(ctx, e) }); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := a.SealAudit(ctx, a.Now()); err != nil || n < 3 {
		t.Fatalf("sealed %d: %v", n, err)
	}
	a.DB.Close()
	out, err := runCmd(t, append([]string{"audit", "verify"}, args...)...)
	if err != nil || !strings.Contains(out, "OK:") {
		t.Fatalf("verify: %q %v", out, err)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`UPDATE audit_log SET username = 'y' WHERE id = 2`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, append([]string{"audit", "verify"}, args...)...)
	if !errors.Is(err, errAuditTampered) || !strings.Contains(out, "PROBLEM "+day.Format(time.DateOnly)+" changed entry 2") {
		t.Fatalf("verify a changed log: %q %v", out, err)
	}
	if _, err := runCmd(t, "audit", "verify", "--db", db, "--audit-retention-days", "182"); err == nil || !strings.Contains(err.Error(), "183") {
		t.Fatalf("a retention of 182 days: %v", err)
	}
	if _, err := runCmd(t, "audit", "verify", "--db", db, "--integrity-hash", "md5"); err == nil {
		t.Fatal("integrity hash md5 accepted")
	}
	if _, err := runCmd(t, "audit", "verify", "--db", db, "--work-hours", "19:00-08:00"); err == nil {
		t.Fatal("working hours ending before they start accepted")
	}
}
