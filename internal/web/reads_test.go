package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// What a read may write, and why; everything else in the database must stay as it was.
//   - sessions.last_seen_at and sessions.expires_at: a signed-in request slides its session's
//     idle expiry, at most once a minute per session (accounts.SessionActor).
//   - api_tokens.last_used_at: an API request by token records when the token was last used
//     (store.TokenUser, at most once per store.TokenUsedEvery), shown on the tokens page.
var readWrites = map[string][]string{
	"sessions":   {"last_seen_at", "expires_at"},
	"api_tokens": {"last_used_at"},
}

// TestReadsWriteNothing reads every GET route — every page and every /api/v1 route, with its
// path filled with real records of the demo street — as each demo account and as an anonymous
// visitor, weeks after the demo was seeded, and checks that no table changed: the same rows with
// the same values, apart from the columns in readWrites. Scheduled work (internal/jobs) is the
// only writer besides the people acting; a read must never create, escalate or stamp anything.
func TestReadsWriteNothing(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// Weeks after the demo was seeded, work has fallen due that no job has done yet: next
		// month's inspections, complaints past their deadline. Reads must leave it for the jobs.
		now := e.app.Now().In(gongzhi.ChinaTime)
		later := time.Date(now.Year(), now.Month()+1, 10, 10, 0, 0, 0, gongzhi.ChinaTime)
		e.app.Now = func() time.Time { return later }
		paths := readPaths(t, e, db)

		type reader struct {
			name string
			page *browser // nil: anonymous
			tok  string
		}
		readers := []reader{{name: "anonymous", page: e.browser()}}
		for _, acct := range demoAccounts(t, db) {
			readers = append(readers, reader{name: acct, page: loginBrowser(t, e, acct), tok: e.token(acct)})
		}

		before := snapshot(t, db)
		served := map[string]bool{} // patterns that answered 200 to someone
		for _, rd := range readers {
			for _, p := range paths {
				var status int
				if strings.HasPrefix(p.url, "/api/") && rd.tok != "" {
					status = e.call(rd.tok, "GET", p.url, nil).Status
				} else {
					status, _ = rd.page.get(p.url)
				}
				if status >= 500 {
					t.Errorf("%s: GET %s (%s): %d", rd.name, p.url, p.pattern, status)
				}
				if status == http.StatusOK {
					served[p.pattern] = true
				}
			}
			after := snapshot(t, db)
			if diff := before.diff(after); diff != "" {
				t.Fatalf("reading every route as %s changed the database:\n%s", rd.name, diff)
			}
		}
		var never []string
		for _, p := range paths {
			if !served[p.pattern] && !slices.Contains(never, p.pattern) {
				never = append(never, p.pattern)
			}
		}
		t.Logf("%s: %d readers × %d paths; %d patterns answered 200 to no one (no such record in the demo, or a redirect): %v",
			db.Dialect, len(readers), len(paths), len(never), never)
		if len(never) > len(paths)/5 {
			t.Errorf("%d of %d paths answered 200 to no reader: the ids chosen are not the demo's", len(never), len(paths))
		}
	})
}

// demoAccounts are one demo account of each role: the first one made.
func demoAccounts(t *testing.T, db *store.DB) []string {
	t.Helper()
	rows, err := db.Q().Query(context.Background(), `SELECT username FROM users WHERE id IN (SELECT MIN(id) FROM users GROUP BY role) ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		rows.Scan(&u)
		out = append(out, u)
	}
	if len(out) != len(gongzhi.Roles) {
		t.Fatalf("demo accounts %v, want one of each of %d roles", out, len(gongzhi.Roles))
	}
	return out
}

type readPath struct{ pattern, url string }

var wildcardRe = regexp.MustCompile(`\{([a-z_]+)\}`)

// pathIDs fill the wildcards of a route: the first rule whose pattern matches gives a query
// whose columns are the wildcards' values, in order, and for the records of an organization a
// second one giving gt-provider's own, so that the provider reads a record it sees too. A route
// no rule fills fails the test, so a new route must say which records it reads.
type pathRule struct {
	re         *regexp.Regexp
	query, own string
}

const provider = `(SELECT org_id FROM users WHERE username = 'gt-provider')`

func rule(pattern, query string, own ...string) pathRule {
	r := pathRule{re: regexp.MustCompile(pattern), query: query}
	if len(own) > 0 {
		r.own = own[0]
	}
	return r
}

var pathIDs = []pathRule{
	rule(`/past-contracts/\{id\}`, `SELECT id FROM past_contracts ORDER BY id`, `SELECT id FROM past_contracts WHERE org_id = `+provider+` ORDER BY id`),
	rule(`/calls/\{id\}/applications/\{app\}`, `SELECT call_id, id FROM applications WHERE state <> 'draft' ORDER BY id`, `SELECT call_id, id FROM applications WHERE org_id = `+provider+` ORDER BY id`),
	rule(`/reviews/\{id\}/applications/\{app\}`, `SELECT a.call_id, a.id FROM applications a JOIN panel_members m ON m.call_id = a.call_id
		JOIN users u ON u.person_id = m.person_id WHERE a.state <> 'draft' ORDER BY a.id`),
	rule(`/applications/\{id\}/attachments/\{att\}`, `SELECT application_id, id FROM application_attachments ORDER BY id`),
	rule(`/ledger/\{id\}/evidence/\{file\}`, `SELECT entry_id, id FROM service_evidence ORDER BY id`),
	rule(`/rectifications/\{id\}/evidence/\{sum\}`, `SELECT id, evidence FROM rectifications WHERE evidence <> '[]' ORDER BY id`),
	rule(`/ledger/summary/\{id\}/\{month\}`, `SELECT contract_id, month FROM inspections ORDER BY id DESC`, `SELECT contract_id, month FROM inspections WHERE org_id = `+provider+` ORDER BY id DESC`),
	rule(`/evaluations/\{id\}/\{page\}`, `SELECT id, 'report' FROM evaluations ORDER BY id`, `SELECT id, 'report' FROM evaluations WHERE org_id = `+provider+` ORDER BY id`),
	rule(`/applications/\{id\}/edit`, `SELECT id FROM applications ORDER BY CASE state WHEN 'draft' THEN 0 ELSE 1 END, id`),
	rule(`/calls/\{id\}/edit`, `SELECT id FROM calls ORDER BY CASE state WHEN 'draft' THEN 0 ELSE 1 END, id`),
	rule(`/contracts/\{id\}/(terms|amend)`, `SELECT id FROM contracts ORDER BY CASE state WHEN 'draft' THEN 0 ELSE 1 END, id`),
	rule(`/supervision/reports/\{month\}`, `SELECT month FROM supervision_reports ORDER BY id DESC`),
	rule(`/catalog/\{code\}`, `SELECT code FROM service_categories ORDER BY code`),
	rule(`/(evaluation-schemes|evaluations/schemes)/\{id\}`, `SELECT call_id FROM evaluations ORDER BY id`),
	rule(`/evaluations/\{id\}`, `SELECT id FROM evaluations ORDER BY id`, `SELECT id FROM evaluations WHERE org_id = `+provider+` ORDER BY id`),
	rule(`/ledger/contracts/\{id\}`, `SELECT id FROM contracts WHERE state = 'signed' ORDER BY id`, `SELECT id FROM contracts WHERE state = 'signed' AND org_id = `+provider+` ORDER BY id`),
	rule(`/ledger/\{id\}`, `SELECT id FROM service_entries ORDER BY id`, `SELECT id FROM service_entries WHERE org_id = `+provider+` ORDER BY id`),
	rule(`/(supervision/)?inspections/\{id\}`, `SELECT id FROM inspections WHERE state = 'done' ORDER BY id`, `SELECT id FROM inspections WHERE state = 'done' AND org_id = `+provider+` ORDER BY id`),
	rule(`/(supervision/)?rectifications/\{id\}`, `SELECT id FROM rectifications ORDER BY escalated DESC, id`, `SELECT id FROM rectifications WHERE org_id = `+provider+` ORDER BY id`),
	rule(`/(supervision/)?talks/\{id\}`, `SELECT id FROM talks ORDER BY id`, `SELECT id FROM talks WHERE org_id = `+provider+` ORDER BY id`),
	rule(`/supervision-reports/\{id\}`, `SELECT id FROM supervision_reports WHERE state = 'published' ORDER BY id`),
	rule(`/meetings/\{id\}`, `SELECT id FROM meetings ORDER BY id`),
	rule(`/complaints/\{id\}`, `SELECT id FROM complaints ORDER BY escalation DESC, id`, `SELECT id FROM complaints WHERE org_id = `+provider+` ORDER BY id`),
	rule(`/surveys/\{id\}`, `SELECT id FROM surveys ORDER BY id`),
	rule(`/contracts/\{id\}`, `SELECT id FROM contracts WHERE state = 'signed' ORDER BY id`, `SELECT id FROM contracts WHERE state = 'signed' AND org_id = `+provider+` ORDER BY id`),
	rule(`/applications/\{id\}`, `SELECT id FROM applications ORDER BY id`, `SELECT id FROM applications WHERE org_id = `+provider+` ORDER BY id`),
	rule(`/reviews/\{id\}`, `SELECT m.call_id FROM panel_members m JOIN users u ON u.person_id = m.person_id ORDER BY m.call_id`),
	rule(`/calls/\{id\}`, `SELECT id FROM calls ORDER BY id`),
	rule(`/budgets/\{id\}`, `SELECT id FROM budgets ORDER BY id`),
	rule(`/public/ledger/receipts/\{seq\}`, `SELECT id FROM publog_records ORDER BY id`),
	rule(`/(voucher-schemes|vouchers/schemes)/\{id\}`, `SELECT id FROM voucher_schemes ORDER BY id`),
	rule(`/vouchers/\{id\}`, `SELECT id FROM vouchers ORDER BY id`, `SELECT voucher_id FROM voucher_redemptions WHERE org_id = `+provider+` ORDER BY voucher_id`),
	rule(`/consult/bodies/\{id\}`, `SELECT id FROM consult_bodies ORDER BY id`),
	rule(`/consult/topics/\{id\}`, `SELECT id FROM consult_topics ORDER BY id`),
	rule(`/consult/meetings/\{id\}`, `SELECT id FROM consult_meetings ORDER BY id`),
	rule(`/consult/contests/\{id\}`, `SELECT id FROM consult_contests ORDER BY id`),
	rule(`/consult/signin/\{key\}`, `SELECT signin_key FROM consult_meetings WHERE signin_key <> '' ORDER BY id`),
	rule(`/public/consult/\{community\}`, `SELECT place_code FROM consult_topics ORDER BY id`),
	rule(`/votes/\{id\}/trackers/\{tracker\}`, `SELECT vote_id, tracker FROM vote_choices ORDER BY vote_id, tracker`),
	rule(`/votes/\{id\}`, `SELECT id FROM votes ORDER BY state, id`),
	rule(`/decisions/\{id\}`, `SELECT id FROM vote_decisions ORDER BY id`),
	rule(`/events/\{id\}/photos/\{sum\}`, `SELECT event_id, sha256 FROM event_files ORDER BY id`),
	rule(`/events/\{id\}`, `SELECT id FROM events ORDER BY escalation DESC, id`),
	rule(`/open311/v2/services/\{code\}`, `SELECT code || '.xml' FROM event_categories ORDER BY id`),
	rule(`/open311/v2/requests/\{id\}`, `SELECT id || '.json' FROM events ORDER BY id`),
	rule(`/open311/v2/tokens/\{token\}`, `SELECT code || '.xml' FROM events ORDER BY id`),
	rule(`/open311/v2/\{resource\}`, `SELECT 'requests.xml'`),
	rule(`/needs/\{id\}`, `SELECT id FROM needs ORDER BY id`),
	rule(`/gridwork/visits/\{id\}`, `SELECT id FROM visits ORDER BY CASE photo WHEN '' THEN 1 ELSE 0 END, id`),
	rule(`/gridwork/grids/\{id\}`, `SELECT grid_id FROM grid_members ORDER BY grid_id`),
	rule(`/places/\{id\}`, `SELECT code FROM places WHERE code LIKE '320116004%' ORDER BY level DESC, code`),
	rule(`/grids/\{id\}`, `SELECT id FROM grids ORDER BY id`),
	rule(`/households/\{id\}`, `SELECT id FROM households ORDER BY id`),
	rule(`/organizations/\{id\}`, `SELECT id FROM organizations ORDER BY id`, `SELECT `+provider),
	rule(`/people/\{id\}`, `SELECT id FROM people ORDER BY id`),
	rule(`/users/\{id\}`, `SELECT id FROM users ORDER BY id`),
}

// readPaths is every GET route with its wildcards filled, plus the list pages with the query
// strings that used to make reads write (a month's inspections, overdue filters).
func readPaths(t *testing.T, e *env, db *store.DB) []readPath {
	t.Helper()
	ctx := context.Background()
	var out []readPath
	patterns := append(slices.Clone(e.web.UIRoutes()), e.web.APIRoutes()...)
	sort.Strings(patterns)
	for _, pat := range patterns {
		method, path, ok := strings.Cut(pat, " ")
		if !ok || method != http.MethodGet {
			continue
		}
		path = strings.TrimSuffix(path, "{$}")
		names := wildcardRe.FindAllStringSubmatch(path, -1)
		if len(names) == 0 {
			out = append(out, readPath{pat, path})
			continue
		}
		i := slices.IndexFunc(pathIDs, func(r pathRule) bool { return r.re.MatchString(path) })
		if i < 0 {
			t.Fatalf("no rule gives the records of %s: add one to pathIDs", pat)
		}
		fill := func(query string, missing bool) (string, bool) {
			vals := make([]any, len(names))
			ptrs := make([]any, len(names))
			for k := range vals {
				ptrs[k] = &vals[k]
			}
			if err := db.Q().QueryRow(ctx, query+` LIMIT 1`).Scan(ptrs...); err != nil {
				if !missing {
					return "", false
				}
				// no such record in the demo (an attachment nobody uploaded): a missing one is read
				t.Logf("%s: no record (%v); reading a missing one", pat, err)
				for k := range vals {
					vals[k] = "999999"
				}
			}
			k := 0
			return wildcardRe.ReplaceAllStringFunc(path, func(string) string {
				v := fmt.Sprint(text(vals[k]))
				if names[k][1] == "sum" { // a JSON list of file hashes
					v = strings.Trim(strings.SplitN(v, ",", 2)[0], `[]" `)
				}
				k++
				return v
			}), true
		}
		url, _ := fill(pathIDs[i].query, true)
		out = append(out, readPath{pat, url})
		if pathIDs[i].own != "" {
			if own, ok := fill(pathIDs[i].own, false); ok && own != url {
				out = append(out, readPath{pat, own})
			}
		}
	}
	// the old triggers of writes on read, the lists' filters, and the pages that take a query
	first := func(query string) string {
		var v any
		if err := db.Q().QueryRow(ctx, query+` LIMIT 1`).Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return fmt.Sprint(text(v))
	}
	now := e.app.Now().In(gongzhi.ChinaTime)
	month, prev := gongzhi.MonthOf(now), gongzhi.MonthOf(now.AddDate(0, 0, -now.Day()))
	for _, u := range []string{"/supervision?month=" + month, "/supervision?month=" + prev, "/supervision?overdue=1",
		"/supervision?rect=escalated", "/supervision?rect=overdue", "/meetings?actions=overdue", "/complaints?overdue=1",
		"/complaints?escalated=1", "/complaints?state=open", "/api/v1/inspections?month=" + month, "/api/v1/inspections?month=" + prev,
		"/api/v1/rectifications?overdue=" + gongzhi.DateOf(now), "/api/v1/complaints?overdue=1",
		"/supervision/reports/" + month, "/events?overdue=1", "/events?escalated=1&state=open",
		"/api/v1/events?overdue=1", "/public/events?place=" + demo.StreetCode, "/open311/v2/discovery.json", "/open311/v2/services.xml",
		"/open311/v2/requests.json?status=open", "/api/v1/public/events/stats?place=" + demo.StreetCode, "/public/complaints?place=" + demo.StreetCode, "/static/app.css", "/metrics",
		"/api/v1/ledger/progress?fiscal_year=" + strconv.Itoa(now.Year()), "/api/v1/satisfaction?from=" + prev + "&to=" + month,
		"/applications/new?call=" + first(`SELECT id FROM calls WHERE state = 'open' ORDER BY id`),
		"/evaluations/new?contract=" + first(`SELECT id FROM contracts WHERE state = 'signed' ORDER BY id`),
		"/gridwork/visits/new?household=" + first(`SELECT id FROM households WHERE grid_id IS NOT NULL ORDER BY id`),
		"/gridwork/map?place=" + demo.ZhongshanCode, "/api/v1/gridwork/rates?period=2026Q3"} {
		out = append(out, readPath{"extra " + u, u})
	}
	return out
}

func text(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// tables is a snapshot of every table: each row as text (the columns a read may write left
// out), counted, so that an added, removed or changed row shows.
type tables map[string]map[string]int

func snapshot(t *testing.T, db *store.DB) tables {
	t.Helper()
	ctx := context.Background()
	var names []string
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Dialect == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.Q().Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	if len(names) < 40 {
		t.Fatalf("only %d tables: %v", len(names), names)
	}
	out := tables{}
	for _, name := range names {
		rows, err := db.Q().Query(ctx, `SELECT * FROM `+name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		set := map[string]int{}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var b strings.Builder
			for i, c := range cols {
				if slices.Contains(readWrites[name], c) {
					continue
				}
				switch v := vals[i].(type) {
				case nil:
					fmt.Fprintf(&b, "%s=NULL ", c)
				case []byte:
					fmt.Fprintf(&b, "%s=%q ", c, v)
				case time.Time:
					fmt.Fprintf(&b, "%s=%s ", c, v.UTC().Format(time.RFC3339Nano))
				default:
					fmt.Fprintf(&b, "%s=%v ", c, v)
				}
			}
			set[b.String()]++
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rows.Close()
		out[name] = set
	}
	return out
}

// diff describes the rows added to or gone from each table, at most a few per table.
func (before tables) diff(after tables) string {
	var b strings.Builder
	names := make([]string, 0, len(after))
	for n := range after {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		var added, gone []string
		for row, k := range after[n] {
			if before[n][row] < k {
				added = append(added, row)
			}
		}
		for row, k := range before[n] {
			if after[n][row] < k {
				gone = append(gone, row)
			}
		}
		if len(added)+len(gone) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s: %d rows added or changed, %d gone or changed\n", n, len(added), len(gone))
		for i, r := range added {
			if i == 3 {
				break
			}
			fmt.Fprintf(&b, "    + %.400s\n", r)
		}
		for i, r := range gone {
			if i == 3 {
				break
			}
			fmt.Fprintf(&b, "    - %.400s\n", r)
		}
	}
	for n := range before {
		if _, ok := after[n]; !ok {
			fmt.Fprintf(&b, "  table %s is gone\n", n)
		}
	}
	return b.String()
}
