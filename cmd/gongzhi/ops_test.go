package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// loadID is a valid ID number of n, outside the demo's region.
func loadID(n int) string {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n/900)
	first := fmt.Sprintf("110101%s%03d", birth.Format("20060102"), 100+n%900)
	return first + string(gongzhi.IDNumberCheck(first))
}

// sealedPlains opens every sealed value of the database: "table id column" → plain text.
func sealedPlains(t *testing.T, db *store.DB, box *secret.Box, wantPrefix string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, st := range store.SealedTables {
		for _, c := range st.Columns {
			rows, err := db.SQL.Query(`SELECT ` + st.KeyColumn() + `, ` + c.Column + ` FROM ` + st.Table + ` WHERE ` + c.Column + ` IS NOT NULL AND ` + c.Column + ` <> ''`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				var v string
				if err := rows.Scan(&id, &v); err != nil {
					t.Fatal(err)
				}
				if wantPrefix != "" && !strings.HasPrefix(v, wantPrefix) {
					t.Errorf("%s %d %s is %.6s…, not %s", st.Table, id, c.Column, v, wantPrefix)
				}
				plain, err := box.Open(v, c.Context)
				if err != nil {
					t.Fatalf("%s %d %s: %v", st.Table, id, c.Column, err)
				}
				out[fmt.Sprintf("%s %d %s", st.Table, id, c.Column)] = plain
			}
			rows.Close()
		}
	}
	return out
}

func firstUser(t *testing.T, db *store.DB) int64 {
	t.Helper()
	var id int64
	if err := db.SQL.QueryRow(`SELECT MIN(id) FROM users`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRekey switches the demo street's database to SM4 and back with the command, from a state an
// interrupted rekey left, and reads every ID number and contact back; lookups by ID number still
// find each person, and a server configured with the other cipher refuses to start meanwhile.
func TestRekey(t *testing.T) {
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		box := demodb.Box()
		sm, _ := box.With(secret.CipherSM4)
		key := hex.EncodeToString(demodb.Key)
		// an administrator's TOTP secret is sealed too
		if _, err := db.Q().Exec(ctx, `INSERT INTO user_totp (user_id, secret_enc, enabled, last_step, created_at)
			SELECT MIN(id), ?, TRUE, 0, ? FROM users`, box.Seal("JBSWY3DPEHPK3PXP", "user_totp.secret"), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		before := sealedPlains(t, db, box, "v1:")
		var people, complaints int
		for k := range before {
			if strings.HasPrefix(k, "people ") {
				people++
			} else if strings.HasSuffix(k, "contact_name_enc") {
				complaints++
			}
		}
		if before[fmt.Sprintf("user_totp %d secret_enc", firstUser(t, db))] != "JBSWY3DPEHPK3PXP" {
			t.Fatal("the TOTP secret is not among the sealed values")
		}
		if people < 20 || complaints < 5 {
			t.Fatalf("the demo street holds %d ID numbers and %d complaints: too few to test", people, complaints)
		}
		// an earlier rekey was interrupted after three people
		var ids []int64
		rows, err := db.SQL.Query(`SELECT id FROM people WHERE id_enc IS NOT NULL ORDER BY id LIMIT 3`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			plain := before[fmt.Sprintf("people %d id_enc", id)]
			if _, err := db.Q().Exec(ctx, `UPDATE people SET id_enc = ?, id_hash = ? WHERE id = ?`,
				sm.Seal(plain, "people.id_number"), sm.Hash(plain, "people.id_number"), id); err != nil {
				t.Fatal(err)
			}
		}
		if db.Dialect == store.SQLite {
			// the command refuses a SQLite database another connection has open
			if out, err := runCmd(t, "rekey", "--db", db.DSN, "--secret-key", key, "--field-cipher", "sm4"); err == nil || !strings.Contains(err.Error(), "in use") {
				t.Fatalf("rekey of a database in use: %s %v", out, err)
			}
			db.Close()
		}
		if db.Dialect == store.Postgres {
			// a migration or another rekey holds the migration lock: the rekey waits for nobody
			conn, err := db.SQL.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7260815)`); err != nil {
				t.Fatal(err)
			}
			out, err := runCmd(t, "rekey", "--db", db.DSN, "--secret-key", key, "--field-cipher", "sm4")
			conn.ExecContext(ctx, `SELECT pg_advisory_unlock(7260815)`)
			conn.Close()
			if err == nil || !strings.Contains(err.Error(), "another rekey or a migration") {
				t.Fatalf("rekey beside a migration: %s %v", out, err)
			}
		}
		// neither setting starts on a half-switched database
		for _, c := range secret.Ciphers {
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			err := run(sctx, []string{"serve", "--db", db.DSN, "--secret-key", key, "--field-cipher", c, "--addr", "127.0.0.1:0",
				"--data-dir", t.TempDir()}, &strings.Builder{}, &strings.Builder{})
			cancel()
			if err == nil || !strings.Contains(err.Error(), "gongzhi rekey --field-cipher "+c) {
				t.Fatalf("serve with %s on a half-switched database: %v", c, err)
			}
		}
		out, err := runCmd(t, "rekey", "--db", db.DSN, "--secret-key", key, "--field-cipher", "sm4", "--batch", "7")
		if err != nil {
			t.Fatalf("rekey: %s %v", out, err)
		}
		if want := fmt.Sprintf("people: %d rows re-encrypted with sm4", people-3); !strings.Contains(out, want) ||
			!strings.Contains(out, fmt.Sprintf("complaints: %d rows", complaints)) {
			t.Fatalf("rekey said %q, want %q and %d complaints", out, want, complaints)
		}
		db2, err := store.Open(ctx, db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		after := sealedPlains(t, db2, box, "sm4:")
		if len(after) != len(before) {
			t.Fatalf("%d sealed values before, %d after", len(before), len(after))
		}
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s: %q before, %q after", k, v, after[k])
			}
		}
		// each person is found by their ID number, with the SM3 lookup hash; each complaint's
		// phone hash and throttle key follow
		a := app.New(db2, sm, demodb.Config, slog.New(slog.DiscardHandler))
		sys := gongzhi.SystemActor("test") // people of every place: experts live outside the street
		found := 0
		for k, id := range after {
			var pid int64
			if _, err := fmt.Sscanf(k, "people %d id_enc", &pid); err != nil {
				continue
			}
			var got []int64
			if _, err := a.People(ctx, sys, store.ListOptions{Filters: map[string]string{"id_number": strings.ToLower(id)}},
				func(p *gongzhi.Person) error { got = append(got, p.ID); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0] != pid {
				t.Errorf("looking up person %d by ID number found %v", pid, got)
			}
			found++
		}
		if found != people {
			t.Fatalf("looked up %d of %d people", found, people)
		}
		var bad int
		if err := db2.SQL.QueryRow(`SELECT COUNT(*) FROM complaint_throttle th WHERE th.kind = 'phone'
			AND NOT EXISTS (SELECT 1 FROM complaints c WHERE c.phone_hash = th.key)`).Scan(&bad); err != nil || bad != 0 {
			t.Fatalf("%d throttle keys match no complaint's phone hash (%v)", bad, err)
		}
		for k, phone := range after {
			var cid int64
			if _, err := fmt.Sscanf(k, "complaints %d contact_phone_enc", &cid); err != nil {
				continue
			}
			var h string
			if err := db2.Q().QueryRow(ctx, `SELECT phone_hash FROM complaints WHERE id = ?`, cid).Scan(&h); err != nil {
				t.Fatal(err)
			}
			if d := gongzhi.PhoneDigits(phone); d != "" && h != sm.Hash(d, "complaints.contact_phone") {
				t.Errorf("complaint %d: phone hash is not the SM3 one", cid)
			}
		}
		// every batch is in the audit log
		var audited int
		db2.SQL.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'rekey'`).Scan(&audited)
		if audited < (people-3)/7 {
			t.Fatalf("%d audit entries for the rekey", audited)
		}
		// again: nothing left to do; and back to AES, losing nothing
		db2.Close()
		if out, err := runCmd(t, "rekey", "--db", db.DSN, "--secret-key", key, "--field-cipher", "sm4"); err != nil ||
			!strings.Contains(out, "people: 0 rows") || !strings.Contains(out, "complaints: 0 rows") {
			t.Fatalf("second rekey: %s %v", out, err)
		}
		if out, err := runCmd(t, "rekey", "--db", db.DSN, "--secret-key", key, "--field-cipher", "aes"); err != nil ||
			!strings.Contains(out, fmt.Sprintf("people: %d rows", people)) {
			t.Fatalf("rekey back to aes: %s %v", out, err)
		}
		if out, err := runCmd(t, "rekey", "--db", db.DSN, "--secret-key", hex.EncodeToString(secret.Random(32)), "--field-cipher", "sm4"); err == nil ||
			!strings.Contains(out+err.Error(), "cannot decrypt") {
			t.Fatalf("rekey with the wrong key: %s %v", out, err)
		}
		db3, err := store.Open(ctx, db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer db3.Close()
		back := sealedPlains(t, db3, box, "v1:")
		for k, v := range before {
			if back[k] != v {
				t.Errorf("%s: %q before, %q after going back", k, v, back[k])
			}
		}
		if n, err := db3.Q().SealedNotWith(ctx, secret.CipherAES); err != nil || len(n) != 0 {
			t.Fatalf("after the wrong key's attempt: %v %v", n, err)
		}
	})
}

// TestRestoreUnderLoad takes a backup while writers create people through the service API and
// restores it: every write acknowledged before the backup started is there, with its ID number,
// nothing is there that was not written, and the restored database opens and migrates.
func TestRestoreUnderLoad(t *testing.T) {
	t.Parallel()
	db := demodb.SQLite(t)
	ctx := context.Background()
	a := app.New(db, demodb.Box(), demodb.Config, slog.New(slog.DiscardHandler))
	sys := gongzhi.SystemActor("test")
	type write struct {
		name, id string
		acked    time.Time
	}
	var mu sync.Mutex
	var acked []write
	attempted := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	const writers = 6
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				n := w*100000 + i
				p := &gongzhi.Person{Kind: "resident", Name: fmt.Sprintf("负载%d", n), IDNumber: loadID(n), PlaceCode: "320116004001"}
				mu.Lock()
				attempted[p.Name] = true
				mu.Unlock()
				if err := a.CreatePerson(ctx, sys, p); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
				at := time.Now()
				mu.Lock()
				acked = append(acked, write{p.Name, p.IDNumber, at})
				mu.Unlock()
			}
		}()
	}
	dir := t.TempDir()
	backup := filepath.Join(dir, "backup.db")
	ackedBefore := func(at time.Time) int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, w := range acked {
			if w.acked.Before(at) {
				n++
			}
		}
		return n
	}
	for deadline := time.Now().Add(20 * time.Second); ackedBefore(time.Now()) < 30 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	started := time.Now()
	out, err := runCmd(t, "backup", "--db", db.DSN, backup)
	backedUp := time.Now()
	time.Sleep(100 * time.Millisecond) // writers go on after the backup
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if err != nil {
		t.Fatalf("backup under load: %s %v", out, err)
	}
	before, during, total := ackedBefore(started), ackedBefore(backedUp), len(acked)
	if before < 30 || total <= during {
		t.Fatalf("the load was too light: %d writes acknowledged before the backup, %d during, %d in all", before, during-before, total)
	}
	target := filepath.Join(dir, "restored", "gongzhi.db")
	out, err = runCmd(t, "restore", "--db", "sqlite:"+target, "--secret-key", hex.EncodeToString(demodb.Key), backup)
	if err != nil || !strings.Contains(out, "restored") || !strings.Contains(out, "key opens") {
		t.Fatalf("restore: %s %v", out, err)
	}
	rdb, err := store.Open(ctx, "sqlite:"+target)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if _, err := rdb.Migrate(ctx); err != nil {
		t.Fatalf("the restored database does not migrate: %v", err)
	}
	box := demodb.Box()
	restored := map[string]string{}
	rows, err := rdb.SQL.Query(`SELECT name, id_enc FROM people WHERE name LIKE '负载%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, enc string
		if err := rows.Scan(&name, &enc); err != nil {
			t.Fatal(err)
		}
		if restored[name], err = box.Open(enc, "people.id_number"); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	for _, w := range acked {
		got, ok := restored[w.name]
		switch {
		case w.acked.Before(started) && !ok:
			t.Errorf("%s, acknowledged %s before the backup started, is not in the backup", w.name, started.Sub(w.acked))
		case ok && got != w.id:
			t.Errorf("%s: ID number %s restored, %s written", w.name, got, w.id)
		}
	}
	for name := range restored {
		if !attempted[name] {
			t.Errorf("%s is in the backup but was never written", name)
		}
	}
	if len(restored) < before || len(restored) > total+writers {
		t.Fatalf("%d load writes restored: %d acknowledged before the backup, %d in all", len(restored), before, total)
	}
	t.Logf("%d writes acknowledged before the backup started, %d while it ran, %d in all; %d in the backup", before, during-before, total, len(restored))
	// the restored database serves: the people service reads it
	ra := app.New(rdb, box, demodb.Config, slog.New(slog.DiscardHandler))
	n, err := ra.People(ctx, sys, store.ListOptions{Filters: map[string]string{"id_number": acked[0].id}}, func(*gongzhi.Person) error { return nil })
	if err != nil || n != 1 {
		t.Fatalf("lookup in the restored database: %d %v", n, err)
	}
	// a second restore over it needs --force and keeps it aside
	if out, err := runCmd(t, "restore", "--db", "sqlite:"+target, backup); err == nil {
		t.Fatalf("restored over a database in use: %s", out)
	}
	rdb.Close()
	if out, err := runCmd(t, "restore", "--db", "sqlite:"+target, backup); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restored over a database without --force: %s %v", out, err)
	}
	if out, err := runCmd(t, "restore", "--db", "sqlite:"+target, "--secret-key", hex.EncodeToString(secret.Random(32)), "--force", backup); err == nil ||
		!strings.Contains(err.Error(), "does not open") {
		t.Fatalf("restored under the wrong key: %s %v", out, err)
	}
	if out, err := runCmd(t, "restore", "--db", "sqlite:"+target, "--data-dir", filepath.Join(dir, "none"), "--force", backup); err != nil ||
		!strings.Contains(out, "kept as") || !strings.Contains(out, "no secret key") {
		t.Fatalf("forced restore: %s %v", out, err)
	}
}

// TestHelpAndReadme: `gongzhi help` names the operations commands, and the README's
// configuration table has a row for every setting.
func TestHelpAndReadme(t *testing.T) {
	out, err := runCmd(t, "help")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"gongzhi backup", "gongzhi restore", "gongzhi rekey"} {
		if !strings.Contains(out, c) {
			t.Errorf("help does not name %s", c)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings {
		if !strings.Contains(string(readme), "| `--"+s.flag+"` | `"+s.env+"` |") {
			t.Errorf("README's configuration table has no row for --%s (%s)", s.flag, s.env)
		}
	}
	for _, c := range []string{"gongzhi restore", "gongzhi rekey"} {
		if !strings.Contains(string(readme), c) {
			t.Errorf("README does not describe %s", c)
		}
	}
	if out, err := runCmd(t, "serve", "--field-cipher", "des"); err == nil || !strings.Contains(err.Error(), "aes or sm4") {
		t.Fatalf("a bad field cipher: %s %v", out, err)
	}
	if out, err := runCmd(t, "serve", "--integrity-hash", "md5"); err == nil || !strings.Contains(err.Error(), "sha256 or sm3") {
		t.Fatalf("a bad integrity hash: %s %v", out, err)
	}
	if out, err := runCmd(t, "restore", "--db", "postgres://nobody@127.0.0.1:1/x", "f.db"); err == nil || !strings.Contains(err.Error(), "pg_restore") {
		t.Fatalf("restore on PostgreSQL: %s %v", out, err)
	}
}
