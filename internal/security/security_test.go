// Tests of the audit log's seals, retention, export and alarms, on SQLite and PostgreSQL: a
// changed, deleted or inserted entry of a sealed day is named by the check; the purge keeps the
// chain of seals verifiable; each alarm kind is raised once; an alarm is acknowledged once
// whatever arrives at the same time.

package security_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/security"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func newService(t *testing.T, db *store.DB, now *time.Time, p kernel.AuditPolicy) *security.Service {
	t.Helper()
	box, err := secret.NewBox(make([]byte, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	k := kernel.New(db, box, kernel.Config{Audit: p}, nil)
	k.Now = func() time.Time { return *now }
	return security.New(k)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func cst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, gongzhi.ChinaTime)
}

// insert appends an entry at a time and returns its id.
func insert(t *testing.T, db *store.DB, e gongzhi.AuditEntry) int64 {
	t.Helper()
	ctx := context.Background()
	must(t, db.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.InsertAudit(ctx, &e) }))
	var id int64
	must(t, db.Q().QueryRow(ctx, `SELECT MAX(id) FROM audit_log`).Scan(&id))
	return id
}

func entry(at time.Time, user, action string) gongzhi.AuditEntry {
	return gongzhi.AuditEntry{At: at.UTC(), UserID: 7, Username: user, Role: gongzhi.RoleGridWorker, IP: "10.1.1.1", Via: "web",
		Action: action, Entity: "people", EntityID: "42", After: `{"name":"张三"}`}
}

func verify(t *testing.T, s *security.Service, now time.Time) *security.Report {
	t.Helper()
	r, err := s.VerifyAudit(context.Background(), now)
	must(t, err)
	return r
}

// problems renders a report's problems as "day kind id" lines, sorted as found.
func problems(r *security.Report) string {
	var b []string
	for _, p := range r.Problems {
		b = append(b, fmt.Sprintf("%s %s %d", p.Day, p.Kind, p.EntryID))
	}
	return strings.Join(b, "\n")
}

func TestSealAndVerify(t *testing.T) {
	for _, alg := range []string{"sha256", "sm3"} {
		t.Run(alg, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) { testSealAndVerify(t, db, alg) })
		})
	}
}

func testSealAndVerify(t *testing.T, db *store.DB, alg string) {
	ctx := context.Background()
	now := cst(2026, 12, 4, 10, 0)
	s := newService(t, db, &now, kernel.AuditPolicy{Hash: alg})

	// an empty log seals nothing
	if n, err := s.SealAudit(ctx, now); err != nil || n != 0 {
		t.Fatalf("empty log sealed %d: %v", n, err)
	}
	d1a := insert(t, db, entry(cst(2026, 12, 1, 0, 0), "a", "create")) // midnight belongs to its day
	d1b := insert(t, db, entry(cst(2026, 12, 1, 9, 30), "b", "update"))
	d1c := insert(t, db, entry(cst(2026, 12, 1, 23, 59), "c", "delete"))
	d3a := insert(t, db, entry(cst(2026, 12, 3, 8, 0), "a", "update"))
	insert(t, db, entry(cst(2026, 12, 3, 17, 0), "b", "update"))
	insert(t, db, entry(cst(2026, 12, 4, 9, 0), "a", "update")) // today: not closed

	// 1, 2 (empty) and 3 December are closed; the 4th is not
	n, err := s.SealAudit(ctx, now)
	if err != nil || n != 3 {
		t.Fatalf("sealed %d days: %v", n, err)
	}
	if n, err := s.SealAudit(ctx, now); err != nil || n != 0 {
		t.Fatalf("sealed again %d: %v", n, err)
	}
	seals, err := db.Q().AuditSeals(ctx)
	must(t, err)
	if len(seals) != 3 || seals[0].Day != "2026-12-01" || seals[0].Count != 3 || seals[0].FirstID != d1a || seals[0].LastID != d1c ||
		seals[1].Count != 0 || seals[2].Count != 2 || seals[0].Prev != "" || seals[1].Prev != seals[0].Chain || seals[2].Algorithm != alg {
		t.Fatalf("seals %+v %+v %+v", seals[0], seals[1], seals[2])
	}
	if n := len(seals[0].Digest); n != 64 {
		t.Fatalf("digest %q", seals[0].Digest)
	}
	r := verify(t, s, now)
	// today's entry and the sealing's own entry are not sealed yet
	if !r.OK() || r.Seals != 3 || r.DaysChecked != 3 || r.Entries != 5 || r.Unsealed != 2 || r.UnsealedSince != "2026-12-04" {
		t.Fatalf("report %+v", r)
	}

	// the 4th is sealed 15 minutes after its midnight, not before
	now = cst(2026, 12, 5, 0, 10)
	if n, err := s.SealAudit(ctx, now); err != nil || n != 0 {
		t.Fatalf("sealed %d days within the grace period: %v", n, err)
	}
	now = cst(2026, 12, 5, 0, 16)
	if n, err := s.SealAudit(ctx, now); err != nil || n != 1 {
		t.Fatalf("sealed %d days after the grace period: %v", n, err)
	}

	// tamper: change one entry, delete one, insert one into a sealed day, move one to another day
	_, err = db.Q().Exec(ctx, `UPDATE audit_log SET note = 'nothing happened' WHERE id = ?`, d1b)
	must(t, err)
	_, err = db.Q().Exec(ctx, `DELETE FROM audit_log WHERE id = ?`, d1c)
	must(t, err)
	added := insert(t, db, entry(cst(2026, 12, 2, 12, 0), "intruder", "delete"))
	_, err = db.Q().Exec(ctx, `UPDATE audit_log SET at = ? WHERE id = ?`, cst(2026, 12, 3, 0, 0).Add(-time.Hour).UTC(), d3a)
	must(t, err)
	r = verify(t, s, now)
	want := fmt.Sprintf("2026-12-01 changed %d\n2026-12-01 removed %d\n2026-12-02 added %d\n2026-12-03 changed %d", d1b, d1c, added, d3a)
	if got := problems(r); got != want {
		t.Fatalf("problems:\n%s\nwant:\n%s", got, want)
	}

	// a seal's recorded hashes or fields changed are named too
	_, err = db.Q().Exec(ctx, `UPDATE audit_seals SET count = 9 WHERE day = '2026-12-02'`)
	must(t, err)
	_, err = db.Q().Exec(ctx, `UPDATE audit_seal_entries SET hash = ? WHERE entry_id = ?`, strings.Repeat("0", 64), d1a)
	must(t, err)
	r = verify(t, s, now)
	got := problems(r)
	for _, w := range []string{"2026-12-01 seal_altered 0", fmt.Sprintf("2026-12-01 changed %d", d1a), "2026-12-02 seal_altered 0"} {
		if !strings.Contains(got, w) {
			t.Errorf("problems lack %q:\n%s", w, got)
		}
	}
	// and a seal removed from the chain
	_, err = db.Q().Exec(ctx, `DELETE FROM audit_seals WHERE day = '2026-12-02'`)
	must(t, err)
	got = problems(verify(t, s, now))
	for _, w := range []string{"2026-12-03 seal_missing 0", "2026-12-03 chain_broken 0"} {
		if !strings.Contains(got, w) {
			t.Errorf("problems lack %q:\n%s", w, got)
		}
	}
}

// TestSealConcurrent: instances sealing at once seal each day once, in one chain.
func TestSealConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := cst(2026, 12, 10, 10, 0)
		s := newService(t, db, &now, kernel.AuditPolicy{})
		for d := 1; d <= 5; d++ {
			insert(t, db, entry(cst(2026, 12, d, 12, 0), "a", "update"))
		}
		var wg sync.WaitGroup
		total := make(chan int, 8)
		for range 8 {
			wg.Go(func() {
				n, err := s.SealAudit(ctx, now)
				if err != nil {
					t.Error(err)
				}
				total <- n
			})
		}
		wg.Wait()
		close(total)
		sum := 0
		for n := range total {
			sum += n
		}
		if sum != 9 { // 1 to 9 December
			t.Fatalf("%d days sealed in all, want 9", sum)
		}
		if r := verify(t, s, now); !r.OK() || r.Seals != 9 {
			t.Fatalf("report %+v: %s", r, problems(r))
		}
	})
}

// TestRetention: the purge removes whole days past the retention, records it, and the chain of
// seals stays verifiable; a retention below six months is refused.
func TestRetention(t *testing.T) {
	if err := (kernel.AuditPolicy{RetentionDays: 182}).Check(); err == nil {
		t.Fatal("a retention of 182 days was accepted")
	}
	if err := (kernel.AuditPolicy{RetentionDays: 183}).Check(); err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := cst(2026, 1, 5, 10, 0)
		s := newService(t, db, &now, kernel.AuditPolicy{RetentionDays: 200})
		old := insert(t, db, entry(cst(2026, 1, 1, 12, 0), "a", "update"))
		insert(t, db, entry(cst(2026, 1, 2, 12, 0), "a", "update"))
		_, err := s.SealAudit(ctx, now)
		must(t, err)

		// 201 days after 2 January, 1 January is past the retention, 2 January not yet
		now = cst(2026, 1, 2, 10, 0).AddDate(0, 0, 200)
		_, err = s.SealAudit(ctx, now)
		must(t, err)
		n, err := s.PurgeAudit(ctx, now)
		if err != nil || n != 1 {
			t.Fatalf("purged %d: %v", n, err)
		}
		if e, _ := db.Q().AuditEntry(ctx, old); e != nil {
			t.Fatal("the old entry is still there")
		}
		var note string
		must(t, db.Q().QueryRow(ctx, `SELECT note FROM audit_log WHERE action = 'purge'`).Scan(&note))
		if note != "entries=1; retention_days=200" {
			t.Fatalf("purge recorded as %q", note)
		}
		if n, err := s.PurgeAudit(ctx, now); err != nil || n != 0 {
			t.Fatalf("purged again %d: %v", n, err)
		}
		now = now.Add(24 * time.Hour)
		_, err = s.SealAudit(ctx, now)
		must(t, err)
		r := verify(t, s, now)
		if !r.OK() || r.Purged != 1 || r.FirstDay != "2026-01-01" {
			t.Fatalf("after the purge: %+v: %s", r, problems(r))
		}

		// a purge never goes below six months, whatever the configuration says
		s2 := newService(t, db, &now, kernel.AuditPolicy{RetentionDays: 30})
		if s2.RetentionDays() != kernel.MinAuditRetentionDays {
			t.Fatalf("retention %d", s2.RetentionDays())
		}
		// a seal marked purged within six months is reported
		_, err = db.Q().Exec(ctx, `UPDATE audit_seals SET purged_at = ? WHERE day = '2026-07-01'`, now.UTC())
		must(t, err)
		if got := problems(verify(t, s, now)); !strings.Contains(got, "2026-07-01 purged_early 0") {
			t.Fatalf("problems: %s", got)
		}
	})
}

func admin(role string, id int64) *gongzhi.Actor {
	return &gongzhi.Actor{User: &gongzhi.User{ID: id, Username: role + "-user", Role: role}, IP: "10.0.0.9", Via: "web"}
}

func TestExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := cst(2026, 12, 4, 10, 0)
		s := newService(t, db, &now, kernel.AuditPolicy{})
		for i := range 2500 {
			e := entry(cst(2026, 12, 1+i%3, 10, 0), "u"+fmt.Sprint(i%2), "update")
			insert(t, db, e)
		}
		if _, err := s.ExportAudit(ctx, admin(gongzhi.RoleSecAdmin, 2), &security.ExportFilter{}); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("the security administrator exported: %v", err)
		}
		_, err := s.ExportAudit(ctx, admin(gongzhi.RoleAuditAdmin, 3), &security.ExportFilter{From: "2026-12-09", To: "2026-12-01", Format: "pdf"})
		if e := gongzhi.AsError(err); e.Code != gongzhi.EINVALID || e.Fields["to"] != "audit.range" || e.Fields["format"] != "audit.format" {
			t.Fatalf("bad filter: %v", err)
		}
		read, err := s.ExportAudit(ctx, admin(gongzhi.RoleAuditAdmin, 3), &security.ExportFilter{From: "2026-12-02", To: "2026-12-03", User: "u1", Format: "csv"})
		must(t, err)
		n, last := 0, int64(0)
		must(t, read(ctx, func(e *gongzhi.AuditEntry) error {
			d := e.At.In(gongzhi.ChinaTime).Day()
			if e.Username != "u1" || d < 2 || d > 3 || e.ID <= last {
				t.Fatalf("exported %+v", e)
			}
			n, last = n+1, e.ID
			return nil
		}))
		// i%3 in {1, 2} and i odd: 2500 entries, 1250 odd, two thirds of them
		want := 0
		for i := range 2500 {
			if i%2 == 1 && i%3 != 0 {
				want++
			}
		}
		if n != want {
			t.Fatalf("exported %d, want %d", n, want)
		}
		var note string
		must(t, db.Q().QueryRow(ctx, `SELECT note FROM audit_log WHERE action = 'export' AND username = ?`, "auditadmin-user").Scan(&note))
		if note != "format=csv; from=2026-12-02; to=2026-12-03; user=u1; action=" {
			t.Fatalf("export recorded as %q", note)
		}
	})
}

func TestAlarms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := cst(2026, 12, 8, 12, 0) // a Tuesday
		s := newService(t, db, &now, kernel.AuditPolicy{FailedLogins: 5, BulkReveals: 3})
		fail := func(at time.Time, id, username, ip string) {
			insert(t, db, gongzhi.AuditEntry{At: at.UTC(), Username: "anonymous", IP: ip, Via: "web", Action: "login_failed",
				Entity: "users", EntityID: id, Note: "username=" + username})
		}
		// five failures of bob in one hour from two addresses: the account's alarm, no address's
		for i := range 5 {
			fail(cst(2026, 12, 8, 10, 10*i), "5", "bob", fmt.Sprintf("10.0.0.%d", i%2))
		}
		// four failures of carol in one hour and one in the next: no alarm
		for i := range 4 {
			fail(cst(2026, 12, 8, 9, 10*i), "6", "carol", "10.0.1.1")
		}
		fail(cst(2026, 12, 8, 10, 5), "6", "carol", "10.0.1.1")
		// five unknown names from one address: the address's alarm
		for i := range 5 {
			fail(cst(2026, 12, 8, 11, i), "", fmt.Sprintf("guess%d", i), "203.0.113.7")
		}
		// administrators: a write at 06:00 on a weekday, one at 10:00 on a holiday (alarms); one at
		// 10:00 on a weekday, a sign-in at 02:00, the system's work at 03:00 (none)
		must(t, db.Q().UpsertHoliday(ctx, &gongzhi.Holiday{Day: "2026-12-07", Name: "test"}, now))
		adm := func(at time.Time, id int64, user, role, action string) {
			insert(t, db, gongzhi.AuditEntry{At: at.UTC(), UserID: id, Username: user, Role: role, Action: action, Entity: "users", EntityID: "1"})
		}
		adm(cst(2026, 12, 8, 6, 0), 2, "admin-sys", gongzhi.RoleSysAdmin, "update")
		adm(cst(2026, 12, 7, 10, 0), 3, "admin-sec", gongzhi.RoleSecAdmin, "unlock")
		adm(cst(2026, 12, 8, 10, 0), 2, "admin-sys", gongzhi.RoleSysAdmin, "create")
		adm(cst(2026, 12, 8, 2, 0), 4, "admin-audit", gongzhi.RoleAuditAdmin, "login")
		adm(cst(2026, 12, 8, 3, 0), 0, "system", gongzhi.RoleSysAdmin, "escalate")
		// reveals: four by one grid worker in an hour (alarm), three by another (none)
		reveal := func(at time.Time, id int64, user string) {
			insert(t, db, gongzhi.AuditEntry{At: at.UTC(), UserID: id, Username: user, Role: gongzhi.RoleGridWorker,
				Action: "view_sensitive", Entity: "people", EntityID: "9", Note: "id_number"})
		}
		for i := range 4 {
			reveal(cst(2026, 12, 8, 11, 10*i), 8, "grid-a")
			if i < 3 {
				reveal(cst(2026, 12, 8, 11, 10*i), 9, "grid-b")
			}
		}

		n, err := s.RaiseAlarms(ctx, now)
		if err != nil || n != 5 {
			t.Fatalf("raised %d: %v", n, err)
		}
		if n, err := s.RaiseAlarms(ctx, now.Add(5*time.Minute)); err != nil || n != 0 {
			t.Fatalf("raised again %d: %v", n, err)
		}
		sec := admin(gongzhi.RoleSecAdmin, 3)
		var got []string
		var bobs int64
		_, err = s.Alarms(ctx, sec, gongzhi.ListOptions{Sort: "kind"}, func(a *security.Alarm) error {
			got = append(got, fmt.Sprintf("%s %s %s %d", a.Kind, a.Subject, a.Window, a.Count))
			if a.Subject == "bob" {
				bobs = a.ID
			}
			return nil
		})
		must(t, err)
		slices.Sort(got)
		want := []string{
			"bulk_id_reveals grid-a 2026-12-08 11:00 4",
			"failed_logins_account bob 2026-12-08 10:00 5",
			"failed_logins_ip 203.0.113.7 2026-12-08 11:00 5",
			"off_hours_admin admin-sec 2026-12-07 1",
			"off_hours_admin admin-sys 2026-12-08 1",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("alarms:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// a sixth failure brings the count up, without a new alarm
		fail(cst(2026, 12, 8, 10, 55), "5", "bob", "10.0.0.3")
		if n, err := s.RaiseAlarms(ctx, now); err != nil || n != 0 {
			t.Fatalf("raised %d: %v", n, err)
		}
		if a, _ := db.Q().GetAlarm(ctx, bobs); a.Count != 6 {
			t.Fatalf("bob's alarm counts %d", a.Count)
		}

		// only the security administrator reads and acknowledges, once, whatever arrives together
		if _, err := s.Alarms(ctx, admin(gongzhi.RoleSysAdmin, 2), gongzhi.ListOptions{}, func(*security.Alarm) error { return nil }); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("the system administrator reads the alarms: %v", err)
		}
		if _, err := s.AckAlarm(ctx, admin(gongzhi.RoleAuditAdmin, 4), bobs); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("the audit administrator acknowledged: %v", err)
		}
		var wg sync.WaitGroup
		codes := make(chan string, 50)
		for range 50 {
			wg.Go(func() {
				_, err := s.AckAlarm(ctx, sec, bobs)
				codes <- gongzhi.ErrorCode(err)
			})
		}
		wg.Wait()
		close(codes)
		tally := map[string]int{}
		for c := range codes {
			tally[c]++
		}
		if tally[""] != 1 || tally[gongzhi.ECONFLICT] != 49 {
			t.Fatalf("50 acknowledgements: %v", tally)
		}
		var acks int
		must(t, db.Q().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'acknowledge' AND entity_id = ?`, fmt.Sprint(bobs)).Scan(&acks))
		if acks != 1 {
			t.Fatalf("%d acknowledgements audited", acks)
		}
		if _, err := s.AckAlarm(ctx, sec, 99999); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("unknown alarm: %v", err)
		}
		if n, _ := db.Q().CountOpenAlarms(ctx); n != 4 {
			t.Fatalf("%d open alarms", n)
		}
	})
}
