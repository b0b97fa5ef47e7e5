package main

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
)

// TestLogVerify: `gongzhi log key` prints the key the instance signs with; `gongzhi log verify`
// checks a receipt offline (and refuses it with one byte changed), verifies the log from the
// database and, run again, its consistency with the checkpoint it kept; with --db it reports a
// sealed audit day edited in the database.
func TestLogVerify(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "g.db")
	args := []string{"--db", db, "--data-dir", filepath.Join(dir, "data")}
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
	if n, err := a.PubLog.Integrate(ctx); err != nil || n < 3 {
		t.Fatalf("integrated %d: %v", n, err)
	}
	r, err := a.PubLog.Receipt(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	vkey := a.PubLog.VKey
	a.DB.Close()

	out, err := runCmd(t, append([]string{"log", "key"}, args[2:]...)...)
	if err != nil || !strings.Contains(out, "vkey "+vkey+"\n") {
		t.Fatalf("log key: %q %v", out, err)
	}
	receipt := filepath.Join(dir, "r.tlog-proof")
	if err := os.WriteFile(receipt, []byte(r.Text()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd(t, "log", "verify", "--vkey", vkey, "--receipt", receipt); err != nil || !strings.Contains(out, "OK: the receipt proves record #0 (audit.day_sealed v1)") {
		t.Fatalf("verify a receipt: %q %v", out, err)
	}
	bad := []byte(r.Text())
	bad[strings.Index(r.Text(), `"count":`)+8]++
	if err := os.WriteFile(receipt, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, "log", "verify", "--vkey", vkey, "--receipt", receipt); err == nil || !strings.Contains(err.Error(), "RECEIPT INVALID") {
		t.Fatalf("a changed receipt: %v", err)
	}
	state := filepath.Join(dir, "seen.checkpoint")
	vargs := append([]string{"log", "verify", "--state", state}, args...)
	if out, err := runCmd(t, vargs...); err != nil || !strings.Contains(out, "first check") || !strings.Contains(out, "OK: every record matches") {
		t.Fatalf("verify with the database: %q %v", out, err)
	}
	if out, err := runCmd(t, vargs...); err != nil || !strings.Contains(out, "consistent with the checkpoint seen before") {
		t.Fatalf("verify again: %q %v", out, err)
	}
	margs := append([]string{"log", "monitor"}, args...)
	if out, err := runCmd(t, margs...); err != nil || !strings.Contains(out, "OK: no open tamper alarm") {
		t.Fatalf("monitor an untouched database: %q %v", out, err)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`UPDATE audit_seals SET count = count + 1 WHERE day = (SELECT MIN(day) FROM audit_seals)`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, vargs...)
	if !errors.Is(err, errLogTampered) || !strings.Contains(out, "ALERT #0 audit.day_sealed row_differs: count: ledger 3, database 4") {
		t.Fatalf("verify a tampered database: %q %v", out, err)
	}
	// the monitor raises each difference once, as a tamper alarm: the ledger record, and the
	// seal's own check (its chain value and its recorded entries)
	for i, want := range []string{"3 new tamper alarms", "0 new tamper alarms"} {
		out, err = runCmd(t, margs...)
		if !errors.Is(err, errLogTampered) || !strings.HasPrefix(out, want) || !strings.Contains(out, "ALERT audit_entry "+day.Format(time.DateOnly)+" seal_altered") ||
			!strings.Contains(out, "ALERT ledger_record #0 audit.day_sealed row_differs") || !strings.Contains(out, "count: ledger 3, database 4") {
			t.Fatalf("monitor a tampered database (run %d): %q %v", i+1, out, err)
		}
	}
}

// The public ledger's origin: derived from --public-url, unless --log-origin names one; the
// placeholder otherwise.
func TestLogOrigin(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--public-url", "https://Gongzhi.Gedang.gov.cn/"}, "gongzhi.gedang.gov.cn"},
		{[]string{"--public-url", "https://x.gov.cn/gongzhi"}, "x.gov.cn/gongzhi"},
		{[]string{"--public-url", "https://x.gov.cn", "--log-origin", "x.gov.cn/log2"}, "x.gov.cn/log2"},
		{nil, ""},
	} {
		c, _, err := parseConfig("test", tc.args, nil)
		if err != nil || c.LogOrigin != tc.want {
			t.Errorf("%v: origin %q, %v; want %q", tc.args, c.LogOrigin, err, tc.want)
		}
	}
	for _, bad := range []string{"gongzhi.gedang.gov.cn", "ftp://x.gov.cn", "https://x.gov.cn/?a=1", "https://a+b.cn"} {
		if _, _, err := parseConfig("test", []string{"--public-url", bad}, nil); err == nil {
			t.Errorf("--public-url %q accepted", bad)
		}
	}
}
