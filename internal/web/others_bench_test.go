package web_test

// BenchmarkOthersRoutes times the list, detail and public pages of purchase, supervision,
// complaints, evaluation, accounts and audit (issue 10, item 3) through the real handler, with 16
// concurrent clients, on a copy of the demo street whose purchases are cloned many times over:
// every call with its budget, needs, applications, panel, scores, awards, objections, contract,
// versions, portions, payments, history, inspections, talks, rectifications, complaints and
// evaluations is copied K times (new ids, the same street, communities and organizations, so
// every copy is in the purchaser's scope: the worst case of a scoped list); needs, the audit log
// and the accounts (with a session each) are copied more often. Each route reports p50 and p99
// in milliseconds, and fails unless it answers 200.
//
//	go test ./internal/web -run '^$' -bench OthersRoutes -benchtime 160x -v
//
// The scale is GONGZHI_BENCH_SCALE copies (default 2); at 600 copies the demo street holds
// 1,200 calls, 3,000 applications and contracts, 50,000 needs, 4,800 payments, 15,000
// inspections, 3,000 complaints, 89,000 lines of purchase history, 28,000 accounts and (copied at
// most 70 times) 200,000 audit rows.
// GONGZHI_BENCH_FILE names a SQLite file kept between runs (built on the first run, reused while
// its scale matches); on PostgreSQL (GONGZHI_TEST_POSTGRES) the copy is made on each run.

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/secret"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

// benchStride separates the ids of the copies: copy k of row id is id + k*benchStride.
const benchStride = 1 << 16

// benchClone describes how one table is copied: the columns that hold ids of copied rows (its
// own id included) are shifted into the copy's range, unique text columns get a suffix, and
// times a factor of the purchases' copies (needs, audit rows and accounts grow faster).
type benchClone struct {
	table  string
	shift  []string // id columns shifted by k*benchStride
	suffix []string // unique text columns: value || '~' || k
	times  int      // copies per purchase copy (0: 1)
	most   int      // at most this many copies (0: no limit)
}

// benchClones are in dependency order. Copies of a child refer to the same copy of its parents,
// so a table is never copied more often than the tables it refers to (needs, audit rows and
// accounts are copied more often: nothing copied refers to their extra copies).
var benchClones = []benchClone{
	{table: "needs", shift: []string{"id"}, times: 12},
	{table: "budgets", shift: []string{"id"}},
	{table: "calls", shift: []string{"id", "budget_id"}},
	{table: "call_needs", shift: []string{"call_id", "need_id"}},
	{table: "applications", shift: []string{"id", "call_id"}},
	{table: "application_needs", shift: []string{"application_id", "need_id"}},
	{table: "application_attachments", shift: []string{"id", "application_id"}},
	{table: "panel_members", shift: []string{"call_id"}},
	{table: "review_conflicts", shift: []string{"id", "call_id", "application_id"}},
	{table: "review_scores", shift: []string{"id", "call_id", "application_id"}},
	{table: "awards", shift: []string{"id", "call_id", "application_id"}},
	{table: "objections", shift: []string{"id", "call_id", "application_id"}},
	{table: "contracts", shift: []string{"id", "award_id", "call_id", "application_id"}},
	{table: "contract_versions", shift: []string{"contract_id"}},
	{table: "contract_portions", shift: []string{"contract_id"}},
	{table: "payments", shift: []string{"id", "contract_id"}},
	{table: "budget_ledger", shift: []string{"id", "budget_id", "call_id", "contract_id"}},
	{table: "purchase_history", shift: []string{"id", "call_id", "application_id", "entity_id"}},
	{table: "evaluation_schemes", shift: []string{"call_id"}},
	{table: "evaluations", shift: []string{"id", "contract_id", "call_id"}},
	{table: "evaluation_members", shift: []string{"id", "evaluation_id"}},
	{table: "inspections", shift: []string{"id", "contract_id"}},
	{table: "talks", shift: []string{"id", "contract_id", "rectification_id"}},
	{table: "rectifications", shift: []string{"id", "inspection_id", "talk_id", "contract_id"}},
	{table: "complaints", shift: []string{"id", "contract_id"}, suffix: []string{"code"}},
	{table: "complaint_answers", shift: []string{"id", "complaint_id"}},
	{table: "complaint_history", shift: []string{"id", "complaint_id"}},
	{table: "audit_log", shift: []string{"id"}, times: 12, most: 70},
	{table: "users", shift: []string{"id"}, suffix: []string{"username"}, times: 4, most: 300},
}

func benchScale() int {
	if n, err := strconv.Atoi(os.Getenv("GONGZHI_BENCH_SCALE")); err == nil && n > 0 {
		return n
	}
	return 2
}

// benchKey names a grown database's size: the scale and the provinces.
func benchKey(scale int) string {
	return strconv.Itoa(scale) + "/" + os.Getenv("GONGZHI_BENCH_PROVINCES")
}

// benchColumns lists a table's columns.
func benchColumns(ctx context.Context, q *store.Q, table string) ([]string, error) {
	query := `SELECT name FROM pragma_table_info(?) ORDER BY cid`
	if q.Dialect() == store.Postgres {
		query = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`
	}
	rows, err := q.Query(ctx, query, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// benchGrow copies the demo street's purchases scale times (see benchClones), in one statement
// per table and copy batch, and records the scale in settings.
func benchGrow(ctx context.Context, db *store.DB, scale int) (map[string]int, error) {
	q := db.Q()
	counts := map[string]int{}
	for _, c := range benchClones {
		if slices.Contains(c.shift, "id") {
			var top int64
			if err := q.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+c.table).Scan(&top); err != nil || top >= benchStride {
				return nil, fmt.Errorf("%s: ids reach %d, beyond the copies' stride (%v)", c.table, top, err)
			}
		}
		cols, err := benchColumns(ctx, q, c.table)
		if err != nil {
			return nil, err
		}
		copies := scale * max(c.times, 1)
		if c.most > 0 {
			copies = min(copies, c.most)
		}
		exprs := make([]string, len(cols))
		for i, col := range cols {
			switch {
			case slices.Contains(c.shift, col):
				exprs[i] = "CASE WHEN t." + col + " IS NULL THEN NULL ELSE t." + col + " + k.n * " + strconv.Itoa(benchStride) + " END"
				if c.times > 1 && col != "id" {
					exprs[i] = "t." + col // a faster-growing table refers to the originals
				}
			case slices.Contains(c.suffix, col):
				exprs[i] = "t." + col + " || '~' || CAST(k.n AS TEXT)"
			default:
				exprs[i] = "t." + col
			}
			if c.table == "users" && col == "username" {
				exprs[i] = "t.username || '~' || CAST(k.n AS TEXT)"
			}
			if c.table == "users" && col == "person_id" {
				exprs[i] = "NULL" // a person has one account (users_person_once): copies hold none
			}
		}
		// copies in batches of 10, so that no statement holds the database for long
		for from := 1; from <= copies; from += 10 {
			to := min(from+9, copies)
			stmt := `WITH RECURSIVE k(n) AS (SELECT ` + strconv.Itoa(from) + ` UNION ALL SELECT n + 1 FROM k WHERE n < ` + strconv.Itoa(to) + `)
				INSERT INTO ` + c.table + ` (` + strings.Join(cols, ", ") + `) SELECT ` + strings.Join(exprs, ", ") +
				` FROM ` + c.table + ` t CROSS JOIN k`
			if slices.Contains(c.shift, "id") {
				stmt += ` WHERE t.id < ` + strconv.Itoa(benchStride)
			} else {
				stmt += ` WHERE t.` + c.shift[0] + ` < ` + strconv.Itoa(benchStride)
			}
			if _, err := q.Exec(ctx, stmt); err != nil {
				return nil, fmt.Errorf("%s: %w", c.table, err)
			}
		}
		var n int
		if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM "+c.table).Scan(&n); err != nil {
			return nil, err
		}
		counts[c.table] = n
		if db.Dialect == store.Postgres && slices.Contains(c.shift, "id") {
			if _, err := q.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+c.table+`', 'id'), (SELECT MAX(id) FROM `+c.table+`))`); err != nil {
				return nil, fmt.Errorf("%s sequence: %w", c.table, err)
			}
		}
	}
	// a province's divisions per GONGZHI_BENCH_PROVINCES (default 1): 10 cities of 10 counties
	// of 20 streets of 15 communities each, 2,000 streets and 30,000 communities a province (the
	// national list is about 20 provinces' worth)
	provinces := 1
	if n, err := strconv.Atoi(os.Getenv("GONGZHI_BENCH_PROVINCES")); err == nil && n >= 0 {
		provinces = n
	}
	for p := range provinces {
		prov := 81 + p // codes no real province uses
		var ps []gongzhi.Place
		add := func(code string, level int, parent string) {
			ps = append(ps, gongzhi.Place{Code: code, Name: "试点" + code, Level: level, ParentCode: parent})
		}
		pc := fmt.Sprintf("%02d0000000000", prov)
		add(pc, 1, "")
		for c := 1; c <= 10; c++ {
			cc := fmt.Sprintf("%02d%02d00000000", prov, c)
			add(cc, 2, pc)
			for d := 1; d <= 10; d++ {
				dc := fmt.Sprintf("%02d%02d%02d000000", prov, c, d)
				add(dc, 3, cc)
				for t := 1; t <= 20; t++ {
					tc := fmt.Sprintf("%02d%02d%02d%03d000", prov, c, d, t)
					add(tc, 4, dc)
					for v := 1; v <= 15; v++ {
						add(fmt.Sprintf("%02d%02d%02d%03d%03d", prov, c, d, t, 200+v), 5, tc)
					}
				}
			}
		}
		if _, err := q.UpsertPlaces(ctx, ps, time.Now()); err != nil {
			return nil, err
		}
	}
	var places int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM places").Scan(&places); err != nil {
		return nil, err
	}
	counts["places"] = places
	if _, err := q.Exec(ctx, `ANALYZE`); err != nil {
		return nil, err
	}
	_, err := q.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('bench.others.scale', ?, ?)`, benchKey(scale), time.Now().UTC())
	return counts, err
}

// benchOthersDB returns the demo street grown to scale on SQLite (kept in GONGZHI_BENCH_FILE
// when set) or PostgreSQL.
func benchOthersDB(b *testing.B, dialect string, scale int) *store.DB {
	ctx := context.Background()
	file := os.Getenv("GONGZHI_BENCH_FILE")
	if dialect == "sqlite" && file != "" {
		if _, err := os.Stat(file); err == nil {
			db, err := store.Open(ctx, "sqlite:"+file)
			if err != nil {
				b.Fatal(err)
			}
			var have string
			if err := db.Q().QueryRow(ctx, `SELECT value FROM settings WHERE key = 'bench.others.scale'`).Scan(&have); err == nil && have == benchKey(scale) {
				b.Cleanup(func() { db.Close() })
				b.Logf("reusing %s (scale %d)", file, scale)
				return db
			}
			db.Close()
			os.Remove(file)
		}
	}
	var db *store.DB
	if dialect == "sqlite" {
		db = demodb.SQLite(b)
	} else {
		db = demodb.Postgres(b)
	}
	start := time.Now()
	counts, err := benchGrow(ctx, db, scale)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: grown to scale %d in %s: %v", dialect, scale, time.Since(start).Round(time.Millisecond), counts)
	if dialect == "sqlite" && file != "" {
		if _, err := db.Q().Exec(ctx, `VACUUM INTO '`+strings.ReplaceAll(file, "'", "''")+`'`); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// benchRoute is one page or API list: the path, who asks, and a piece of text that must be in
// the answer.
type benchRoute struct {
	name, user, path string
}

func BenchmarkOthersRoutes(b *testing.B) {
	scale := benchScale()
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			if dialect == "postgres" && os.Getenv("GONGZHI_TEST_POSTGRES") == "" {
				b.Skip("GONGZHI_TEST_POSTGRES not set")
			}
			benchOthersRoutes(b, benchOthersDB(b, dialect, scale))
		})
	}
}

func benchOthersRoutes(b *testing.B, db *store.DB) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	a := app.New(db, demodb.Box(), demodb.Config, log)
	ws, err := site.New(a, log, web.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := ws.Handler()
	q := db.Q()
	now := time.Now()
	if _, err := q.Exec(ctx, `UPDATE users SET must_change_password = FALSE`); err != nil {
		b.Fatal(err)
	}
	// a session for each account the routes use
	cookies := map[string]string{}
	for _, u := range []string{"gt-purchaser", "gt-hub", "gt-provider", "gt-auditor", "zs-community", "admin-sys", "admin-sec", "admin-audit", "gt-expert"} {
		var id int64
		if err := q.QueryRow(ctx, `SELECT id FROM users WHERE username = ?`, u).Scan(&id); err != nil {
			b.Fatalf("%s: %v", u, err)
		}
		token := fmt.Sprintf("bench-%s-%d", u, now.UnixNano())
		if err := q.InsertSession(ctx, secret.SHA256(token), store.Session{UserID: id, CSRF: "csrf", ExpiresAt: now.Add(24 * time.Hour)}, "127.0.0.1", "bench", now); err != nil {
			b.Fatal(err)
		}
		cookies[u] = token
	}
	last := func(query string) string {
		var id int64
		if err := q.QueryRow(ctx, query).Scan(&id); err != nil {
			b.Fatalf("%s: %v", query, err)
		}
		return strconv.FormatInt(id, 10)
	}
	call := last(`SELECT MAX(call_id) FROM applications WHERE state <> 'draft'`)
	app1 := last(`SELECT MAX(id) FROM applications WHERE call_id = ` + call + ` AND state <> 'draft'`)
	// the demo street's records: the routes are read as its purchaser, and the demo's province
	// signs contracts of its own, which the street may not read
	ours := "'" + demo.StreetCode[:9] + "%'"
	contract := last(`SELECT MAX(id) FROM contracts WHERE place_code LIKE ` + ours)
	signed := last(`SELECT MAX(id) FROM contracts WHERE state = 'signed' AND place_code LIKE ` + ours)
	need := last(`SELECT MAX(id) FROM needs`)
	budget := last(`SELECT MAX(id) FROM budgets`)
	insp := last(`SELECT MAX(id) FROM inspections WHERE place_code LIKE ` + ours)
	rect := last(`SELECT COALESCE(MAX(id), 0) FROM rectifications`)
	cmp := last(`SELECT MAX(id) FROM complaints`)
	ev := last(`SELECT COALESCE(MAX(id), 0) FROM evaluations`)
	pubEv := last(`SELECT COALESCE(MAX(id), 0) FROM evaluations WHERE published_at IS NOT NULL`)
	pubCall := last(`SELECT MAX(id) FROM calls WHERE state NOT IN ('draft', 'cancelled')`)
	user := last(`SELECT MAX(id) FROM users`)
	provApp := last(`SELECT MAX(id) FROM applications WHERE org_id = (SELECT org_id FROM users WHERE username = 'gt-provider')`)
	var community, street string
	if err := q.QueryRow(ctx, `SELECT MIN(code) FROM places WHERE level = 5 AND code LIKE '320116004%'`).Scan(&community); err != nil {
		b.Fatal(err)
	}
	street = community[:9] + "000"

	routes := []benchRoute{
		// purchase, the office
		{"needs", "gt-purchaser", "/needs"},
		{"needs-q", "gt-purchaser", "/needs?q=" + "老人"},
		{"api-needs", "gt-purchaser", "/api/v1/needs"},
		{"need", "gt-purchaser", "/needs/" + need},
		{"calls", "gt-purchaser", "/calls"},
		{"api-calls", "gt-purchaser", "/api/v1/calls"},
		{"call", "gt-purchaser", "/calls/" + call},
		{"call-app", "gt-purchaser", "/calls/" + call + "/applications/" + app1},
		{"api-call-apps", "gt-purchaser", "/api/v1/calls/" + call + "/applications"},
		{"contracts", "gt-purchaser", "/contracts"},
		{"api-contracts", "gt-purchaser", "/api/v1/contracts"},
		{"contract", "gt-purchaser", "/contracts/" + contract},
		{"api-payments", "gt-purchaser", "/api/v1/contracts/" + contract + "/payments"},
		{"budgets", "gt-purchaser", "/budgets"},
		{"budget", "gt-purchaser", "/budgets/" + budget},
		{"catalog", "gt-purchaser", "/catalog"},
		{"reports", "gt-purchaser", "/reports"},
		{"reports-needs", "gt-purchaser", "/reports/needs"},
		{"calendar", "gt-purchaser", "/calendar"},
		// purchase, the parties
		{"applications", "gt-provider", "/applications"},
		{"api-applications", "gt-purchaser", "/api/v1/applications"},
		{"application", "gt-provider", "/applications/" + provApp},
		{"reviews", "gt-expert", "/reviews"},
		// supervision
		{"supervision", "gt-purchaser", "/supervision"},
		{"api-inspections", "gt-purchaser", "/api/v1/inspections"},
		{"inspection", "gt-purchaser", "/supervision/inspections/" + insp},
		{"api-rectifications", "gt-purchaser", "/api/v1/rectifications"},
		{"rectification", "gt-purchaser", "/supervision/rectifications/" + rect},
		{"meetings", "gt-purchaser", "/meetings"},
		// complaints
		{"complaints", "gt-purchaser", "/complaints"},
		{"api-complaints", "gt-purchaser", "/api/v1/complaints"},
		{"complaint", "gt-purchaser", "/complaints/" + cmp},
		{"complaints-hub", "gt-hub", "/complaints"},
		// evaluation
		{"evaluations", "gt-purchaser", "/evaluations"},
		{"api-evaluations", "gt-purchaser", "/api/v1/evaluations"},
		{"evaluation", "gt-purchaser", "/evaluations/" + ev},
		// accounts, audit, security
		{"users", "admin-sys", "/users"},
		{"api-users", "admin-sys", "/api/v1/users"},
		{"user", "admin-sys", "/users/" + user},
		{"sessions", "admin-sec", "/sessions"},
		{"api-sessions", "admin-sec", "/api/v1/sessions"},
		{"audit", "admin-audit", "/audit"},
		{"api-audit", "admin-audit", "/api/v1/audit"},
		{"audit-export", "admin-audit", "/audit/export"},
		{"alarms", "admin-sec", "/security/alarms"},
		// public
		{"public", "", "/public"},
		{"public-needs", "", "/public/needs"},
		{"public-needs-street", "", "/public/needs?street=" + street},
		{"public-needs-q", "", "/public/needs?q=" + "社区"},
		{"public-needs-community", "", "/public/needs?community=" + community},
		{"community", "gt-purchaser", "/places/" + community},
		{"street", "gt-purchaser", "/places/" + street},
		{"places", "gt-purchaser", "/places"},
		{"home", "gt-purchaser", "/"},
		{"public-call", "", "/public/calls/" + pubCall},
		{"public-payments", "", "/public/payments"},
		{"public-complaints", "", "/public/complaints"},
		{"public-disclosure", "", "/public/disclosure"},
		{"public-contracts", "", "/public/contracts"},
		{"public-contract", "", "/public/contracts/" + signed},
		{"public-payments-made", "", "/public/payments-made"},
		{"public-evaluations", "", "/public/evaluations"},
		{"public-evaluation", "", "/public/evaluations/" + pubEv},
		{"public-supervision", "", "/public/supervision-reports"},
		{"api-public-calls", "", "/api/v1/public/calls"},
		{"api-public-communities", "", "/api/v1/public/communities"},
		{"api-public-on-time", "", "/api/v1/public/on-time-rate"},
		{"api-public-complaints", "", "/api/v1/public/complaints/stats"},
		{"catalog-public", "", "/catalog"},
	}
	if only := os.Getenv("GONGZHI_BENCH_ROUTES"); only != "" {
		routes = slices.DeleteFunc(routes, func(r benchRoute) bool { return !slices.Contains(strings.Split(only, ","), r.name) })
	}
	for _, rt := range routes {
		b.Run(rt.name, func(b *testing.B) {
			do := func() (int, time.Duration, string) {
				req := httptest.NewRequest("GET", rt.path, nil)
				if rt.user != "" {
					req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: cookies[rt.user]})
				}
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				return rec.Code, time.Since(start), rec.Body.String()
			}
			if code, _, body := do(); code != 200 {
				b.Fatalf("GET %s as %q: %d %.400s", rt.path, rt.user, code, body)
			}
			var mu sync.Mutex
			var took []time.Duration
			b.SetParallelism(8) // 16 clients on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					code, d, body := do()
					if code != 200 {
						b.Errorf("GET %s: %d %.200s", rt.path, code, body)
						return
					}
					mu.Lock()
					took = append(took, d)
					mu.Unlock()
				}
			})
			b.StopTimer()
			slices.Sort(took)
			pct := func(p float64) float64 {
				return float64(took[min(len(took)-1, int(float64(len(took))*p))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.5), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}
