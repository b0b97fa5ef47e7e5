package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// TestSealedTablesCoverSchema: every column of the schema named *_enc (a value sealed with the
// secret box) is one Rekey re-encrypts and the server's start checks.
func TestSealedTablesCoverSchema(t *testing.T) {
	known := map[string]bool{}
	for _, st := range store.SealedTables {
		for _, c := range st.Columns {
			known[st.Table+"."+c.Column] = true
		}
	}
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	create := regexp.MustCompile(`(?i)^\s*CREATE TABLE (?:IF NOT EXISTS )?(\w+)`)
	alter := regexp.MustCompile(`(?i)ALTER TABLE (\w+) ADD (?:COLUMN )?(\w+_enc)\b`)
	column := regexp.MustCompile(`^\s*(\w+_enc)\s`)
	found := 0
	for _, m := range ms {
		table := ""
		for _, line := range strings.Split(m.SQL, "\n") {
			if c := create.FindStringSubmatch(line); c != nil {
				table = c[1]
			} else if strings.HasPrefix(strings.TrimSpace(line), ");") {
				table = ""
			}
			var name string
			if a := alter.FindStringSubmatch(line); a != nil {
				name = a[1] + "." + a[2]
			} else if c := column.FindStringSubmatch(line); c != nil && table != "" {
				name = table + "." + c[1]
			}
			if name == "" {
				continue
			}
			found++
			if !known[name] {
				t.Errorf("%s: sealed column %s is not in store.SealedTables: rekey would leave it in the old cipher", m.Name, name)
			}
		}
	}
	if found < 3 {
		t.Fatalf("found only %d sealed columns in the migrations: the scan is broken", found)
	}
}

// TestRestoreChecks: a backup is checked before it replaces anything, a database in use is
// refused, and an existing one is replaced only with force and kept aside.
func TestRestoreChecks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := storetest.SQLite(t)
	if inUse, err := store.SQLiteInUse(ctx, db.Path); err != nil || !inUse {
		t.Fatalf("an open database is not in use: %v %v", inUse, err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL.Exec(`INSERT INTO target_groups (code, name, created_at) VALUES ('after_backup', 'x', CURRENT_TIMESTAMP)`); err != nil {
		t.Fatal(err)
	}
	// a database another connection has open is refused, even with force
	tmp, v, err := store.PrepareRestore(ctx, backup, db.Path)
	if err != nil || v != store.LatestVersion() {
		t.Fatalf("prepare: %d %v", v, err)
	}
	if _, err := store.CommitRestore(ctx, tmp, db.Path, true); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("restored over a database in use: %v", err)
	}
	db.Close()
	if inUse, err := store.SQLiteInUse(ctx, db.Path); err != nil || inUse {
		t.Fatalf("a closed database is in use: %v %v", inUse, err)
	}
	// an existing database is kept unless forced
	if _, err := store.CommitRestore(ctx, tmp, db.Path, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("replaced an existing database without force: %v", err)
	}
	aside, err := store.CommitRestore(ctx, tmp, db.Path, true)
	if err != nil || aside == "" {
		t.Fatalf("forced restore: %q %v", aside, err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Fatalf("the prepared copy is still there: %v", err)
	}
	count := func(path string) int {
		raw, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM target_groups WHERE code = 'after_backup'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count(db.Path) != 0 || count(aside) != 1 {
		t.Fatalf("restored %d, aside %d rows written after the backup", count(db.Path), count(aside))
	}
	reopened, err := store.Open(ctx, "sqlite:"+db.Path)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := reopened.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("migrate the restored database: %d %v", n, err)
	}
	reopened.Close()

	// what is not a Gongzhi database of a known schema is refused, and leaves nothing behind
	target := filepath.Join(dir, "new.db")
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 500)), 0o600)
	other := filepath.Join(dir, "other.db")
	newer := filepath.Join(dir, "newer.db")
	for _, f := range []string{other, newer} {
		raw, err := sql.Open("sqlite", "file:"+f)
		if err != nil {
			t.Fatal(err)
		}
		raw.Exec(`CREATE TABLE things (id INTEGER PRIMARY KEY)`)
		raw.Close()
	}
	if err := copyTo(backup, newer); err != nil {
		t.Fatal(err)
	}
	raw, _ := sql.Open("sqlite", "file:"+newer)
	raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future', CURRENT_TIMESTAMP)`)
	raw.Close()
	for f, want := range map[string]string{garbage: "SQLite", other: "not a Gongzhi database", newer: "newer gongzhi",
		filepath.Join(dir, "missing.db"): "no such file"} {
		if _, _, err := store.PrepareRestore(ctx, f, target); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("restore %s: %v, want %q", filepath.Base(f), err, want)
		}
	}
	if left, _ := filepath.Glob(target + "*"); len(left) > 0 {
		t.Fatalf("refused restores left %v", left)
	}
}

func copyTo(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o600)
}
