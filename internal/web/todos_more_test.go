package web_test

// The home to-do items of consultation, votes and grid events: each counts what is waiting for
// the account at that step, and goes away once it is done.

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestCapabilityTodos(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		count := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := db.Q().QueryRow(ctx, query, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		want := func(name, key string, n int) {
			t.Helper()
			todos, _, _ := homeOf(t, e, name)
			if got := todos[key].Count; got != n {
				t.Fatalf("%s: %s counts %d, want %d (%v)", name, key, got, n, todos)
			}
		}
		zs := demo.ZhongshanCode + "%"

		// the centre: each step waiting for it, as the events table has them
		for state, key := range map[string]string{"collected": "todo.events_to_register", "registered": "todo.events_to_dispatch",
			"verified": "todo.events_to_close"} {
			n := count(`SELECT COUNT(*) FROM events WHERE state = ? AND community_code LIKE ?`, state, zs)
			if state == "collected" && n == 0 {
				t.Fatal("the demo has no event waiting to be registered")
			}
			want("zs-community", key, n)
		}
		// a department: what was dispatched to it
		dept := count(`SELECT COALESCE(MAX(department_id), 0) FROM events WHERE state = 'handling' AND department_id IS NOT NULL`)
		if dept == 0 {
			t.Fatal("the demo has no event with a department")
		}
		var deptUser string
		if err := db.Q().QueryRow(ctx, `SELECT u.username FROM users u WHERE u.role = 'department' ORDER BY u.id LIMIT 1`).Scan(&deptUser); err != nil {
			t.Fatal(err)
		}
		todos, _, _ := homeOf(t, e, deptUser)
		if todos["todo.events_to_handle"].Count == 0 || todos["todo.events_to_handle"].Href != "/events?state=handling" {
			t.Fatalf("%s: no events to handle on the home page: %v", deptUser, todos)
		}
		// the deliberation committee: topics raised and not answered, those past their deadline apart
		late := count(`SELECT COUNT(*) FROM consult_topics WHERE state = 'raised' AND accept_by < ? AND place_code LIKE ?`, e.app.Today(), zs)
		raised := count(`SELECT COUNT(*) FROM consult_topics WHERE state = 'raised' AND place_code LIKE ?`, zs)
		if raised == 0 {
			t.Fatal("the demo has no topic waiting for an answer")
		}
		want("zs-community", "todo.topics_overdue", late)
		want("zs-community", "todo.topics_to_answer", raised-late)

		// a resident: the open vote they may vote in, gone once they vote
		want("zs-resident", "todo.votes_to_cast", 1)
		r := e.call(e.token("zs-resident"), "GET", "/api/v1/votes", nil)
		var votes struct {
			Items []struct {
				ID    int64  `json:"id"`
				State string `json:"state"`
			} `json:"items"`
		}
		if err := json.Unmarshal(r.Raw, &votes); err != nil || r.Status != http.StatusOK {
			t.Fatalf("votes: %d %s", r.Status, r.Raw)
		}
		var open int64
		for _, v := range votes.Items {
			if v.State == "open" {
				open = v.ID
			}
		}
		if r := e.call(e.token("zs-resident"), "POST", "/api/v1/votes/"+strconv.FormatInt(open, 10)+"/ballots", map[string]any{"choice": []int{1}}); r.Status != http.StatusCreated && r.Status != http.StatusOK {
			t.Fatalf("cast: %d %s", r.Status, r.Raw)
		}
		want("zs-resident", "todo.votes_to_cast", 0)

		// a paper ballot: waiting for a second staff member's witness, not the one who entered it
		var voter int64
		if err := db.Q().QueryRow(ctx, `SELECT p.id FROM vote_electors v JOIN people p ON p.household_id = v.household_id
			WHERE v.vote_id = ? AND p.birth_year BETWEEN 1930 AND 1990
			AND NOT EXISTS (SELECT 1 FROM vote_ballots b WHERE b.vote_id = v.vote_id AND b.voter = v.voter) ORDER BY p.id LIMIT 1`, open).Scan(&voter); err != nil {
			t.Fatal(err)
		}
		if r := e.call(e.token("zs-community"), "POST", "/api/v1/votes/"+strconv.FormatInt(open, 10)+"/paper",
			map[string]any{"person_id": voter, "choice": []int{1}}); r.Status >= 300 {
			t.Fatalf("paper ballot: %d %s", r.Status, r.Raw)
		}
		want("zs-community", "todo.ballots_to_witness", 0)
		want("zs-grid", "todo.ballots_to_witness", 1)
	})
}
