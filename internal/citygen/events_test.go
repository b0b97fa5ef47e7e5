package citygen

import (
	"context"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
)

// checkGridEvents checks the events stage of a built city: every grid has a team with its A/B
// posts and duties, about nine households in ten were visited this quarter, and the events hold
// together as the events service would have left them — each state reached by its history, the
// stamps of the steps taken, departments that handle the category, returns, reopenings and
// escalations counted by their history lines, evaluations once, timed steps on time exactly when
// within their deadline — and the service takes the next step of a generated event.
func checkGridEvents(t *testing.T, a *app.App, s Scale, res *Result) {
	t.Helper()
	ctx := context.Background()
	q := a.DB.Q()
	if res.Counts.Events != s.Events {
		t.Errorf("%d events, want %d", res.Counts.Events, s.Events)
	}
	if n := count(t, q, `SELECT COUNT(*) FROM events WHERE community_code LIKE '3309%'`); n != s.Events {
		t.Errorf("%d events in the city, want %d", n, s.Events)
	}
	if n := count(t, q, `SELECT COUNT(*) FROM grids g WHERE g.community_code LIKE '3309%' AND NOT EXISTS
		(SELECT 1 FROM grid_members m WHERE m.grid_id = g.id AND m.post = 'leader')`); n != 0 {
		t.Errorf("%d grids without a leader", n)
	}
	if n := count(t, q, `SELECT COUNT(*) FROM grid_members m JOIN grid_members b ON b.id = m.backup_of
		WHERE m.post = 'part_time' AND b.post = 'full_time' AND b.grid_id = m.grid_id`); n < s.Grids {
		t.Errorf("%d A/B posts for %d grids", n, s.Grids)
	}
	if n := count(t, q, `SELECT COUNT(*) FROM grid_members m JOIN people p ON p.id = m.person_id JOIN households h ON h.id = p.household_id
		WHERE h.grid_id <> m.grid_id`); n != 0 {
		t.Errorf("%d team members living outside their grid", n)
	}
	if n := count(t, q, `SELECT COUNT(*) FROM grid_duties d JOIN grids g ON g.id = d.grid_id WHERE g.community_code LIKE '3309%'`); n != s.Grids*len(gridDuties) {
		t.Errorf("%d duties", n)
	}
	if v, h := count(t, q, `SELECT COUNT(DISTINCT v.household_id) FROM visits v JOIN households h ON h.id = v.household_id AND h.grid_id = v.grid_id
		WHERE v.community_code LIKE '3309%' AND v.recorded_by IS NOT NULL`), s.Households; v < h*8/10 || v > h*97/100 {
		t.Errorf("%d of %d households visited", v, h)
	}
	// every state, most closed
	states := map[string]int{}
	rows, err := q.Query(ctx, `SELECT state, COUNT(*) FROM events GROUP BY state`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			t.Fatal(err)
		}
		states[st] = n
	}
	rows.Close()
	if states[gongzhi.EventClosed] < s.Events*3/4 || states[gongzhi.EventRejected] == 0 {
		t.Errorf("states %v", states)
	}
	for _, x := range []struct {
		what  string
		query string
		least int
	}{
		{"rated", `SELECT COUNT(*) FROM events WHERE rating > 0`, 1},
		{"returned", `SELECT COUNT(*) FROM events WHERE returns > 0`, 1},
		{"reopened", `SELECT COUNT(*) FROM events WHERE reopens > 0`, 1},
		{"escalated", `SELECT COUNT(*) FROM events WHERE escalation > 0`, 1},
		{"in the grid", `SELECT COUNT(*) FROM events WHERE in_grid`, 1},
		{"by a department", `SELECT COUNT(*) FROM events WHERE department_id IS NOT NULL`, 1},
	} {
		if n := count(t, q, x.query); n < x.least {
			t.Errorf("%d events %s", n, x.what)
		}
	}
	if n := count(t, q, `SELECT COUNT(*) FROM events WHERE state NOT IN ('closed', 'rejected') AND step_due_at < ?`, a.Now().UTC()); n == 0 {
		t.Errorf("no open event overdue")
	}
	for _, x := range []struct{ what, query string }{
		{"whose history does not start with their report", `SELECT COUNT(*) FROM events e WHERE (SELECT s.action FROM event_steps s WHERE s.event_id = e.id ORDER BY s.id LIMIT 1) <> 'reported'`},
		{"whose state is not their last step's", `SELECT COUNT(*) FROM events e WHERE e.state <> (SELECT s.to_state FROM event_steps s WHERE s.event_id = e.id ORDER BY s.id DESC LIMIT 1)`},
		{"whose returns are not their history's", `SELECT COUNT(*) FROM events e WHERE e.returns <> (SELECT COUNT(*) FROM event_steps s WHERE s.event_id = e.id AND s.action = 'returned')`},
		{"whose reopenings are not their history's", `SELECT COUNT(*) FROM events e WHERE e.reopens <> (SELECT COUNT(*) FROM event_steps s WHERE s.event_id = e.id AND s.action = 'reopened')`},
		{"whose escalation is not their history's", `SELECT COUNT(*) FROM events e WHERE e.escalation <> (SELECT COUNT(*) FROM event_steps s WHERE s.event_id = e.id AND s.action = 'escalated')`},
		{"rated not once", `SELECT COUNT(*) FROM events e WHERE (e.rating > 0) <> EXISTS (SELECT 1 FROM event_ratings r WHERE r.event_id = e.id AND r.rating = e.rating)`},
		{"closed without their stamps", `SELECT COUNT(*) FROM events WHERE state = 'closed' AND (registered_at IS NULL OR dispatched_at IS NULL OR handled_at IS NULL OR verified_at IS NULL OR closed_at IS NULL)`},
		{"with a department that does not handle the category", `SELECT COUNT(*) FROM events e WHERE e.department_id IS NOT NULL AND NOT EXISTS
			(SELECT 1 FROM department_categories dc WHERE dc.department_id = e.department_id AND dc.category_id = e.category_id)
			AND e.community_code LIKE '3309%'`},
		{"handled by another department's account", `SELECT COUNT(*) FROM event_steps s JOIN events e ON e.id = s.event_id JOIN department_accounts da ON da.user_id = s.user_id
			WHERE s.action = 'handled' AND e.department_id IS NOT NULL AND da.department_id <> e.department_id`},
		{"with a step after now or before their report", `SELECT COUNT(*) FROM event_steps s JOIN events e ON e.id = s.event_id WHERE (s.at < e.created_at OR s.at > e.updated_at) AND e.community_code LIKE '3309%'`},
		{"with a step's time out of order", `SELECT COUNT(*) FROM event_steps s JOIN event_steps p ON p.event_id = s.event_id AND p.id < s.id WHERE p.at > s.at`},
	} {
		if n := count(t, q, x.query); n != 0 {
			t.Errorf("%d events %s", n, x.what)
		}
	}
	// timed steps: on time exactly when within the deadline the step before set
	rows, err = q.Query(ctx, `SELECT e.id, s.at, s.seconds, s.on_time, s.action FROM event_steps s JOIN events e ON e.id = s.event_id
		WHERE s.action NOT IN ('reported', 'escalated', 'rated') ORDER BY s.id`)
	if err != nil {
		t.Fatal(err)
	}
	late, timed := 0, 0
	for rows.Next() {
		var id, secs int64
		var at time.Time
		var on bool
		var action string
		if err := rows.Scan(&id, &at, &secs, &on, &action); err != nil {
			t.Fatal(err)
		}
		timed++
		if !on {
			late++
		}
		if secs < 0 {
			t.Errorf("event %d: %s after %d s", id, action, secs)
		}
	}
	rows.Close()
	if late == 0 || late > timed/3 {
		t.Errorf("%d of %d steps late", late, timed)
	}
	// the scheduled job finds nothing left to raise before the stage's time
	if n, err := a.EventsService.EscalateOverdueEvents(ctx, a.Now().Add(-res.Elapsed-10*time.Minute)); err != nil || n != 0 {
		t.Errorf("the job raised %d more levels (%v)", n, err)
	}
}
