package web_test

// Votes offered from consultation (docs/votes.md), on both databases: an idea contest's
// shortlist goes to a vote whose options are the shortlisted ideas — the contest page's link
// fills in the votes page's form, which community staff submit as it is.

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestShortlistToVote(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		var contest, idea int64
		var shortlisted, second string
		q := db.Q()
		if err := q.QueryRow(ctx, `SELECT id FROM consult_contests WHERE title = ?`, demo.ConsultContestTitle).Scan(&contest); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRow(ctx, `SELECT title FROM consult_ideas WHERE contest_id = ? AND shortlisted`, contest).Scan(&shortlisted); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRow(ctx, `SELECT id, title FROM consult_ideas WHERE contest_id = ? AND NOT shortlisted ORDER BY id LIMIT 1`, contest).Scan(&idea, &second); err != nil {
			t.Fatal(err)
		}
		com := e.user("zs-community")
		ac := &gongzhi.Actor{User: com, Via: "test"}
		if err := e.app.ScopeFor(ctx, ac); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.ShortlistIdea(ctx, ac, idea, "feasible", ""); err != nil {
			t.Fatal(err)
		}
		b := e.browser()
		if st, _ := b.login("zs-community", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("login: %d", st)
		}
		st, page := b.get("/consult/contests/" + strconv.FormatInt(contest, 10))
		m := regexp.MustCompile(`href="(/votes\?[^"]+)"`).FindStringSubmatch(page)
		if st != http.StatusOK || m == nil {
			t.Fatalf("the contest page offers no vote: %d", st)
		}
		link := html.UnescapeString(m[1])
		st, form := b.get(link)
		if st != http.StatusOK || !strings.Contains(form, html.EscapeString(shortlisted)) || !strings.Contains(form, html.EscapeString(second)) {
			t.Fatalf("the vote form is not filled in with the shortlist: %d %s", st, link)
		}
		u, _ := url.Parse(link)
		v := u.Query()
		v.Set("csrf", b.csrf(link))
		v.Set("electorate", gongzhi.ElectorateHouseholds)
		v.Set("opens_at", "2099-01-01T09:00")
		v.Set("closes_at", "2099-01-08T09:00")
		v.Set("quorum_pct", "10")
		v.Set("threshold", gongzhi.ThresholdMajority)
		v.Set("threshold_base", gongzhi.BaseCast)
		if st, loc := b.post("/votes", v); st != http.StatusSeeOther || !strings.HasPrefix(loc, "/votes/") {
			t.Fatalf("create the vote: %d %s", st, loc)
		}
		var labels []string
		rows, err := q.Query(ctx, `SELECT o.label FROM vote_options o JOIN votes v ON v.id = o.vote_id WHERE v.title = ? ORDER BY o.position`, demo.ConsultContestTitle)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				t.Fatal(err)
			}
			labels = append(labels, l)
		}
		slices.Sort(labels)
		want := []string{shortlisted, second}
		slices.Sort(want)
		if !slices.Equal(labels, want) {
			t.Fatalf("the vote's options: %q", labels)
		}
	})
}
