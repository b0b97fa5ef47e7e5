package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "g.db")
	data := filepath.Join(dir, "data")
	if out, err := runCmd(t, "version"); err != nil || !strings.Contains(out, "schema") {
		t.Fatalf("version: %q %v", out, err)
	}
	if _, err := runCmd(t, "frobnicate"); err == nil {
		t.Fatal("unknown command accepted")
	}
	if out, err := runCmd(t, "migrate", "--db", db); err != nil || !strings.Contains(out, "applied") || strings.Contains(out, "applied 0 migration(s) of the job queue") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	// the job queue's tables are there, and a second run has nothing left to do
	if out, err := runCmd(t, "migrate", "--db", db); err != nil || !strings.Contains(out, "applied 0 migration(s) of the job queue") {
		t.Fatalf("migrate again: %q %v", out, err)
	}
	if raw, err := sql.Open("sqlite", filepath.Join(dir, "g.db")); err != nil {
		t.Fatal(err)
	} else {
		var n int
		err := raw.QueryRow(`SELECT COUNT(*) FROM river_job`).Scan(&n)
		raw.Close()
		if err != nil || n != 0 {
			t.Fatalf("river_job after migrate: %d %v", n, err)
		}
	}
	out, err := runCmd(t, "user", "add", "--db", db, "--data-dir", data, "admin-sys", "sysadmin")
	if err != nil || !strings.Contains(out, "one-time password") {
		t.Fatalf("user add: %q %v", out, err)
	}
	if _, err := runCmd(t, "user", "add", "--db", db, "--data-dir", data, "admin-sys", "sysadmin"); err == nil {
		t.Fatal("duplicate username accepted")
	}
	if out, err := runCmd(t, "user", "add", "--db", db, "--data-dir", data, "bob", "purchaser", "320116004000"); err == nil || !strings.Contains(out+err.Error(), "place_code") {
		t.Fatalf("purchaser on a missing place: %q %v", out, err)
	}
	backup := filepath.Join(dir, "copy.db")
	if out, err := runCmd(t, "backup", "--db", db, backup); err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %q %v", out, err)
	}
	if _, err := runCmd(t, "backup", "--db", db, backup); err == nil {
		t.Fatal("backup overwrote a file")
	}
	// a database from a newer gongzhi is refused
	raw, err := sql.Open("sqlite", filepath.Join(dir, "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', CURRENT_TIMESTAMP)`)
	raw.Close()
	if _, err := runCmd(t, "serve", "--db", db, "--data-dir", data, "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("newer schema: %v", err)
	}
	if _, err := runCmd(t, "serve", "--log-format", "xml"); err == nil {
		t.Fatal("bad log format accepted")
	}
}
