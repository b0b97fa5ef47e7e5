// Tests of the scheduled jobs on the demo street, on SQLite and PostgreSQL: each job does its
// work once as the system actor, with its audit entries and history, and a second run changes
// nothing; River runs them on both databases; two instances sharing one database run each
// period's job once.

package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/jobs"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// clock is a settable clock shared by the test and the workers.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock { c := &clock{}; c.set(t); return c }
func (c *clock) set(t time.Time)  { c.ns.Store(t.UnixNano()) }
func (c *clock) now() time.Time   { return time.Unix(0, c.ns.Load()) }

// key is the secret key of the tests' apps, fixed: the street they copy is seeded once, under it.
var key = bytes.Repeat([]byte("jobs-test-key/"), 3)[:secret.KeySize]

// TestMain runs the tests with storetest.Main, which drops the PostgreSQL templates at the end.
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func newApp(t *testing.T, db *store.DB, c *clock) *app.App {
	t.Helper()
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(db, box, kernel.Config{Argon2: secret.Argon2{Time: 1, Memory: 1024, Threads: 1}}, nil)
	a.Now = c.now
	return a
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Q().QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// riverJobs counts River's jobs by the job their arguments name.
func riverJobs(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	query := `SELECT json(args) FROM river_job` // River's SQLite driver keeps args as binary JSONB
	if db.Dialect == store.Postgres {
		query = `SELECT args::text FROM river_job`
	}
	rows, err := db.Q().Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var raw string
		must(t, rows.Scan(&raw))
		var x struct{ Job string }
		must(t, json.Unmarshal([]byte(raw), &x))
		out[x.Job]++
	}
	must(t, rows.Err())
	return out
}

func actor(t *testing.T, a *app.App, username string) *gongzhi.Actor {
	t.Helper()
	u, _, err := a.DB.Q().UserByUsername(context.Background(), username)
	must(t, err)
	ac := &gongzhi.Actor{User: u, Via: "test"}
	must(t, a.ScopeFor(context.Background(), ac))
	return ac
}

// world is the demo street seeded at t0 with work left for the jobs a month and a half later: an
// order due two days after t0 and a complaint submitted at t0, both unanswered; next month's
// inspections not created.
type world struct {
	a         *app.App
	order     int64
	complaint int64
	t1        time.Time // the middle of next month, when the jobs run
}

// t0 is when the demo street of the jobs' tests is seeded: a Monday.
var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, gongzhi.ChinaTime)

// seedStreet migrates River's tables and seeds the demo street at t0: the template of the jobs'
// tests (storetest.Template), seeded once.
func seedStreet(ctx context.Context, db *store.DB) error {
	if _, err := jobs.Migrate(ctx, db); err != nil {
		return err
	}
	box, err := secret.NewBox(key)
	if err != nil {
		return err
	}
	a := app.New(db, box, kernel.Config{Argon2: secret.Argon2{Time: 1, Memory: 1024, Threads: 1}}, nil)
	a.Now = func() time.Time { return t0 }
	_, err = demo.Seed(ctx, a, 1)
	return err
}

// eachStreet runs fn as parallel subtests on SQLite and on PostgreSQL, each on a copy of the
// street seedStreet seeds.
func eachStreet(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	storetest.EachSeeded(t, "jobs-street-t0", seedStreet, fn)
}

// seed adds the work left for the jobs to db, a copy of the street seedStreet seeds, at t0.
func seed(t *testing.T, db *store.DB, c *clock) *world {
	t.Helper()
	ctx := context.Background()
	c.set(t0)
	a := newApp(t, db, c)
	hub := actor(t, a, "gt-hub")
	var ct int64
	_, err := a.Contracts(ctx, hub, store.ListOptions{Filters: map[string]string{"state": gongzhi.ContractSigned}, Limit: 1},
		func(c *gongzhi.Contract) error { ct = c.ID; return nil })
	must(t, err)
	talk, err := a.RecordTalk(ctx, hub, gongzhi.TalkInput{Date: gongzhi.DateOf(t0), ContractID: ct,
		Attendees: []gongzhi.Attendee{{Name: "王建国", Role: "机构负责人"}}, Reason: "台账不全", Conclusions: "限期补齐",
		Requirement: "两日内补齐签到表", Deadline: gongzhi.DateOf(t0.AddDate(0, 0, 2))})
	must(t, err)
	cmp := &gongzhi.Complaint{Kind: "complaint", CommunityCode: demo.ZhongshanCode, Subject: "助餐送餐不及时",
		Description: "最近两周送餐经常晚一个多小时。", ContactName: "李秀英", ContactPhone: "13812345678"}
	must(t, a.SubmitComplaint(ctx, &gongzhi.Actor{IP: "10.9.0.1", Via: "web"}, cmp))
	return &world{a: a, order: talk.RectificationID, complaint: cmp.ID, t1: time.Date(2027, 1, 15, 10, 0, 0, 0, gongzhi.ChinaTime)}
}

// tally counts what the jobs write: inspections of a month, escalation lines in the state
// history and the audit log, each by the system.
type tally struct{ inspections, inspectionAudits, rectEscalations, rectAudits, cmpEscalations, cmpAudits int }

func tallyOf(t *testing.T, db *store.DB, month string) tally {
	return tally{
		inspections: count(t, db, `SELECT COUNT(*) FROM inspections WHERE month = ?`, month),
		inspectionAudits: count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'inspections' AND entity_id = ?
			AND username = 'system' AND via = ?`, month, jobs.Via),
		rectEscalations: count(t, db, `SELECT COUNT(*) FROM purchase_history WHERE entity = 'rectification' AND to_state = 'escalated' AND username = 'system'`),
		rectAudits:      count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'escalate' AND entity = 'rectifications' AND username = 'system'`),
		cmpEscalations:  count(t, db, `SELECT COUNT(*) FROM complaint_history WHERE action = 'escalated' AND username = 'system'`),
		cmpAudits:       count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'escalate' AND entity = 'complaints' AND username = 'system'`),
	}
}

// checkDone checks what the jobs did between two tallies, given what each reported.
func checkDone(t *testing.T, w *world, db *store.DB, before, after tally, inspections, rects, complaints int) {
	t.Helper()
	ctx := context.Background()
	month := gongzhi.MonthOf(w.t1)
	if inspections == 0 || after.inspections-before.inspections != inspections ||
		after.inspections != count(t, db, `SELECT COUNT(DISTINCT contract_id) FROM inspections WHERE month = ?`, month) ||
		after.inspectionAudits-before.inspectionAudits != 1 {
		t.Errorf("inspections of %s: the job reported %d; before %+v, after %+v", month, inspections, before, after)
	}
	if rects != 1 || after.rectEscalations-before.rectEscalations != 1 || after.rectAudits-before.rectAudits != 1 {
		t.Errorf("rectifications: the job reported %d; before %+v, after %+v", rects, before, after)
	}
	x, err := w.a.Rectification(ctx, gongzhi.SystemActor("test"), w.order)
	must(t, err)
	if !x.Escalated {
		t.Errorf("the overdue order is not escalated: %+v", x)
	}
	if complaints == 0 || after.cmpEscalations-before.cmpEscalations != complaints || after.cmpAudits-before.cmpAudits != complaints {
		t.Errorf("complaints: the job reported %d; before %+v, after %+v", complaints, before, after)
	}
	var level int
	if err := db.Q().QueryRow(ctx, `SELECT escalation FROM complaints WHERE id = ?`, w.complaint).Scan(&level); err != nil || level != 2 {
		t.Errorf("the overdue complaint is at level %d (%v), want 2 (the office)", level, err)
	}
}

// TestJobs runs each job directly with the injected clock, then through River's workers.
func TestJobs(t *testing.T) {
	t.Parallel()
	eachStreet(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newClock(time.Now())
		w := seed(t, db, c)
		a := w.a
		if n, err := jobs.Migrate(ctx, db); err != nil || n != 0 {
			t.Fatalf("River's migrations ran again: %d %v", n, err)
		}
		// the demo ran each job once when it seeded
		for _, j := range jobs.Jobs {
			if n := count(t, db, `SELECT COUNT(*) FROM job_runs WHERE kind = ? AND error = ''`, j.Kind); n != 1 {
				t.Fatalf("%s: %d runs logged by the demo's seeding, want 1", j.Kind, n)
			}
		}

		c.set(w.t1)
		month := gongzhi.MonthOf(w.t1)
		before := tallyOf(t, db, month)
		done := map[string]int{}
		for _, j := range jobs.Jobs {
			n, err := jobs.Run(ctx, a, j, a.Now(), 1)
			if err != nil {
				t.Fatalf("%s: %v", j.Kind, err)
			}
			done[j.Kind] = n
		}
		after := tallyOf(t, db, month)
		checkDone(t, w, db, before, after, done[jobs.KindInspections], done[jobs.KindRectifications], done[jobs.KindComplaints])

		// a second run finds nothing left to do
		must(t, jobs.RunAll(ctx, a))
		if again := tallyOf(t, db, month); again != after {
			t.Fatalf("a second run changed %+v into %+v", after, again)
		}

		// the operator's view: last runs, no failures, the next run on the schedule
		if _, err := jobs.Statuses(ctx, a, actor(t, a, "gt-hub")); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("the hub reads the jobs' status: %v", err)
		}
		sts, err := jobs.Statuses(ctx, a, gongzhi.SystemActor("test"))
		must(t, err)
		if len(sts) != len(jobs.Jobs) {
			t.Fatalf("statuses %+v", sts)
		}
		for _, st := range sts {
			if st.LastRun == nil || st.LastRun.Done != 0 || st.LastRun.Period != jobs.ByKind(st.Kind).Period(w.t1) || len(st.Failures) != 0 ||
				!st.NextRun.After(w.t1) || st.NextRun.Sub(w.t1) > jobs.ByKind(st.Kind).Schedule.Every {
				t.Errorf("status %+v (last run %+v)", st, st.LastRun)
			}
		}

		// a failing run is logged with its error and returned
		boom := &jobs.Job{Kind: "test_failing", Schedule: jobs.Schedule{Every: time.Hour}, Work: func(context.Context, *app.App, time.Time) (int, error) {
			return 0, errors.New("boom")
		}}
		if _, err := jobs.Run(ctx, a, boom, a.Now(), 3); err == nil || err.Error() != "boom" {
			t.Fatalf("failing run: %v", err)
		}
		runs, err := db.Q().JobRuns(ctx, "test_failing", true, 10)
		if err != nil || len(runs) != 1 || runs[0].Error != "boom" || runs[0].Attempt != 3 {
			t.Fatalf("failed runs %+v %v", runs, err)
		}

		// River's workers: at start the leader enqueues each job of the current period, a worker
		// runs it
		t2 := time.Date(2027, 2, 3, 9, 0, 0, 0, gongzhi.ChinaTime)
		c.set(t2)
		r, err := jobs.New(ctx, a, jobs.OptionsForTest())
		must(t, err)
		must(t, r.Start(ctx))
		waitRuns(t, db, t2, 1)
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		must(t, r.Stop(sctx))
		if n := count(t, db, `SELECT COUNT(*) FROM inspections WHERE month = ?`, gongzhi.MonthOf(t2)); n == 0 {
			t.Fatalf("River's run created no inspections for %s", gongzhi.MonthOf(t2))
		}
		if n := count(t, db, `SELECT COUNT(*) FROM job_runs WHERE error <> '' AND kind <> 'test_failing'`); n != 0 {
			t.Fatalf("%d failed runs", n)
		}
	})
}

// waitRuns waits until every job has logged want successful runs for the period of at, and
// River holds no unfinished job.
func waitRuns(t *testing.T, db *store.DB, at time.Time, want int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok := count(t, db, `SELECT COUNT(*) FROM river_job WHERE state NOT IN ('completed', 'discarded', 'cancelled')`) == 0
		for _, j := range jobs.Jobs {
			if count(t, db, `SELECT COUNT(*) FROM job_runs WHERE kind = ? AND period = ? AND error = ''`, j.Kind, j.Period(at)) < want {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			runs, _ := db.Q().Query(context.Background(), `SELECT kind, period, error FROM job_runs ORDER BY id`)
			for runs != nil && runs.Next() {
				var k, p, e string
				runs.Scan(&k, &p, &e)
				fmt.Fprintf(&b, "\n  %s %s %s", k, p, e)
			}
			t.Fatalf("the jobs of %s did not all run within a minute; runs:%s", at, b.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTwoInstances starts the workers of two app instances on one database, each with its own
// pool, over the same period; both also try to enqueue every job of that period. Each job runs
// once: one River job and one logged run per kind, the inspections created once, each overdue
// order and complaint escalated once.
func TestTwoInstances(t *testing.T) {
	t.Parallel()
	eachStreet(t, func(t *testing.T, db1 *store.DB) {
		ctx := context.Background()
		c := newClock(time.Now())
		w := seed(t, db1, c)
		db2, err := store.Open(ctx, db1.DSN)
		must(t, err)
		t.Cleanup(func() { db2.Close() })
		apps := []*app.App{w.a, newApp(t, db2, c)}

		c.set(w.t1)
		month := gongzhi.MonthOf(w.t1)
		before := tallyOf(t, db1, month)
		var runners []*jobs.Runner
		for _, a := range apps {
			r, err := jobs.New(ctx, a, jobs.OptionsForTest())
			must(t, err)
			runners = append(runners, r)
		}
		var wg sync.WaitGroup
		var inserted atomic.Int64
		for _, r := range runners {
			must(t, r.Start(ctx))
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, j := range jobs.Jobs {
					ok, err := r.Enqueue(ctx, j.Kind)
					if err != nil {
						t.Error(err)
					}
					if ok {
						inserted.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		waitRuns(t, db1, w.t1, 1)
		time.Sleep(time.Second) // time for a second run, were there one
		for _, r := range runners {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			must(t, r.Stop(sctx))
			cancel()
		}
		if n := inserted.Load(); n > int64(len(jobs.Jobs)) {
			t.Fatalf("%d jobs inserted by hand for %d kinds", n, len(jobs.Jobs))
		}
		queued := riverJobs(t, db1)
		done := map[string]int{}
		for _, j := range jobs.Jobs {
			period := j.Period(w.t1)
			if n := queued[j.Kind]; n != 1 {
				t.Errorf("%s: %d River jobs, want 1", j.Kind, n)
			}
			runs, err := db1.Q().JobRuns(ctx, j.Kind, false, 10)
			must(t, err)
			var mine []store.JobRun
			for _, r := range runs {
				if r.Period == period {
					mine = append(mine, r)
				}
			}
			if len(mine) != 1 || mine[0].Error != "" {
				t.Fatalf("%s: runs for %s: %+v", j.Kind, period, mine)
			}
			done[j.Kind] = mine[0].Done
		}
		after := tallyOf(t, db1, month)
		checkDone(t, w, db1, before, after, done[jobs.KindInspections], done[jobs.KindRectifications], done[jobs.KindComplaints])
	})
}

func TestSchedule(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04:05.000", s, gongzhi.ChinaTime)
		if err != nil {
			panic(err)
		}
		return t
	}
	hourly, five := jobs.ByKind(jobs.KindInspections), jobs.ByKind(jobs.KindComplaints)
	for _, c := range []struct {
		name       string
		job        *jobs.Job
		now        string
		next, slot string
	}{
		{"hourly before :05", hourly, "2026-12-31 23:59:00.000", "2027-01-01 00:05", "2026-12-31 23:05"},
		{"hourly on the first at 00:05", hourly, "2027-01-01 00:05:00.000", "2027-01-01 01:05", "2027-01-01 00:05"},
		{"hourly enqueued 100 ms early", hourly, "2027-01-01 00:04:59.900", "2027-01-01 00:05", "2027-01-01 00:05"},
		{"five minutes", five, "2026-12-07 10:03:10.000", "2026-12-07 10:05", "2026-12-07 10:00"},
		{"five minutes on the dot", five, "2026-12-07 10:05:00.000", "2026-12-07 10:10", "2026-12-07 10:05"},
	} {
		now := at(c.now)
		if got := c.job.Schedule.Next(now).In(gongzhi.ChinaTime).Format("2006-01-02 15:04"); got != c.next {
			t.Errorf("%s: next %s, want %s", c.name, got, c.next)
		}
		if got := c.job.Period(now); got != c.slot {
			t.Errorf("%s: period %s, want %s", c.name, got, c.slot)
		}
	}
}
