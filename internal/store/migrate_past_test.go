package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// TestMigratePastCorrections builds a schema-22 database on each database holding a past contract
// and two past-contract imports' audit entries written as English sentences, one of a sealed day,
// migrates it, and checks that the unsealed note became note codes while the sealed one is kept
// as written (its hash is in the seal chain), that the past contract kept its ID with version 1
// and no contract number, that new rows get IDs after it (the identity sequence on PostgreSQL),
// and that the new duplicate rule holds: by contract number when given, by provider and title
// otherwise.
func TestMigratePastCorrections(t *testing.T) {
	ctx := context.Background()
	run := func(t *testing.T, dsn string) {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.MigrateTo(ctx, 22); err != nil {
			t.Fatal(err)
		}
		q := db.Q()
		now := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
		exec := func(sql string, args ...any) {
			t.Helper()
			if _, err := q.Exec(ctx, sql, args...); err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
		}
		exec(`INSERT INTO places (code, name, level, updated_at) VALUES ('320116004000', '葛塘街道', 4, ?)`, now)
		exec(`INSERT INTO service_categories (code, name, created_at, updated_at) VALUES ('cat_a', '类别甲', ?, ?)`, now, now)
		exec(`INSERT INTO organizations (id, name, type, reg_state, origin, place_code, created_at, updated_at)
			VALUES (1, '启明社工', 'professional', 'registered', 'local', '320116004000', ?, ?)`, now, now)
		exec(`INSERT INTO past_contracts (id, place_code, fiscal_year, category_code, org_id, provider_name, title, amount, state, created_at)
			VALUES (7, '320116004000', 2018, 'cat_a', 1, '启明社工', '老项目', 1000000, 'completed', ?)`, now)
		old := "12 rows, 3220000.00 yuan, years 2019 (4) 2020 (8)"
		exec(`INSERT INTO audit_log (id, at, username, action, entity, note) VALUES (1, ?, 'a', 'import', 'past_contracts', ?)`, now, old)
		exec(`INSERT INTO audit_log (id, at, username, action, entity, note) VALUES (2, ?, 'a', 'import', 'past_contracts', ?)`, now, old)
		exec(`INSERT INTO audit_seal_entries (entry_id, day, hash) VALUES (1, '2026-11-22', 'x')`)
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		notes := map[int64]string{}
		for _, id := range []int64{1, 2} {
			var n string
			if err := q.QueryRow(ctx, `SELECT note FROM audit_log WHERE id = ?`, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			notes[id] = n
		}
		if notes[1] != old {
			t.Errorf("the sealed entry was rewritten: %q", notes[1])
		}
		if want := `past_import ["12","322000000"]; past_year ["2019","4"]; past_year ["2020","8"]`; notes[2] != want {
			t.Errorf("the unsealed entry: %q, want %q", notes[2], want)
		}
		var version int
		var no string
		if err := q.QueryRow(ctx, `SELECT version, contract_no FROM past_contracts WHERE id = 7`).Scan(&version, &no); err != nil || version != 1 || no != "" {
			t.Fatalf("the kept row: %d %q %v", version, no, err)
		}
		ins := func(title, no string) (int64, error) {
			return q.InsertID(ctx, `INSERT INTO past_contracts (place_code, fiscal_year, category_code, org_id, provider_name, title, contract_no,
				amount, state, created_at) VALUES ('320116004000', 2018, 'cat_a', 1, '启明社工', ?, ?, 1000000, 'completed', ?)`, title, no, now)
		}
		if id, err := ins("新项目", ""); err != nil || id <= 7 {
			t.Fatalf("a new row: %d %v", id, err)
		}
		if _, err := ins("老项目", ""); !store.IsUnique(err, "") {
			t.Fatalf("the same provider and title without a number: %v", err)
		}
		if _, err := ins("老项目", "HT-1"); err != nil {
			t.Fatalf("the same title with a contract number: %v", err)
		}
		if _, err := ins("另一个项目", "HT-1"); !store.IsUnique(err, "") {
			t.Fatalf("a contract number twice: %v", err)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "sqlite:"+filepath.Join(t.TempDir(), "old.db")) })
	t.Run("postgres", func(t *testing.T) { run(t, storetest.PostgresDSN(t)) })
}
