package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

// apiStatuses are the statuses every API operation the tests call answered on success, read
// from the server's own request log (the "http" line: the route's pattern and the status).
var apiStatuses = struct {
	sync.Mutex
	seen map[string]map[int]bool // "POST /api/v1/calls/{id}/open" → statuses
}{seen: map[string]map[int]bool{}}

// statusLog is the test servers' logger: it keeps the success status of each API operation.
type statusLog struct{}

func (statusLog) Enabled(context.Context, slog.Level) bool { return true }

func (h statusLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "http" {
		return nil
	}
	var route string
	var status int64
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "route":
			route = a.Value.String()
		case "status":
			status = a.Value.Int64()
		}
		return true
	})
	if _, p, _ := strings.Cut(route, " "); strings.HasPrefix(p, "/api/v1/") && status >= 200 && status < 300 {
		apiStatuses.Lock()
		if apiStatuses.seen[route] == nil {
			apiStatuses.seen[route] = map[int]bool{}
		}
		apiStatuses.seen[route][int(status)] = true
		apiStatuses.Unlock()
	}
	return nil
}

func (h statusLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h statusLog) WithGroup(string) slog.Handler      { return h }

// documentedStatuses are the success statuses the OpenAPI document states, by "METHOD path".
func documentedStatuses() map[string]int {
	out := map[string]int{}
	for p, ops := range web.OpenAPI()["paths"].(map[string]map[string]any) {
		for method, op := range ops {
			for code := range op.(map[string]any)["responses"].(map[string]any) {
				if n, err := strconv.Atoi(code); err == nil && n < 300 {
					out[strings.ToUpper(method)+" "+p] = n
				}
			}
		}
	}
	return out
}

// TestMain runs the tests, then checks that every API operation they called answered, on
// success, the status the OpenAPI document states for it.
func TestMain(m *testing.M) {
	code := storetest.Main(m) // drops the PostgreSQL templates at the end
	if code == 0 {
		doc := documentedStatuses()
		apiStatuses.Lock()
		var bad []string
		for _, route := range slices.Sorted(maps.Keys(apiStatuses.seen)) {
			for status := range apiStatuses.seen[route] {
				if want, ok := doc[route]; !ok || status != want {
					bad = append(bad, fmt.Sprintf("%s answered %d, the OpenAPI document states %d", route, status, want))
				}
			}
		}
		apiStatuses.Unlock()
		if len(bad) > 0 {
			fmt.Fprintln(os.Stderr, "FAIL: API operations answer other statuses than documented:\n  "+strings.Join(bad, "\n  "))
			code = 1
		}
	}
	os.Exit(code)
}

// TestAPIStatusesAsDocumented checks the document's success statuses against what a
// representative set of operations answers: a POST that creates a record answers 201, a
// POST that acts on one (with a body or without) 200, a PUT 200, a DELETE 204.
func TestAPIStatusesAsDocumented(t *testing.T) {
	t.Parallel()
	doc := documentedStatuses()
	for route, want := range map[string]int{
		"POST /api/v1/needs": 201, "POST /api/v1/budgets": 201, "POST /api/v1/calls": 201, "POST /api/v1/organizations": 201,
		"POST /api/v1/contracts/{id}/payments": 201, "POST /api/v1/public/complaints": 201, "POST /api/v1/tokens": 201,
		"PUT /api/v1/calls/{id}": 200, "POST /api/v1/calls/{id}/open": 200, "POST /api/v1/calls/{id}/cancel": 200,
		"POST /api/v1/calls/{id}/awards/set": 200, "POST /api/v1/calls/{id}/panel": 200, "POST /api/v1/rectifications/{id}/extend": 200,
		"POST /api/v1/tokens/{id}/revoke": 200, "POST /api/v1/people/{id}/reveal": 200, "PUT /api/v1/holidays/{day}": 200,
		"DELETE /api/v1/holidays/{day}": 204, "GET /api/v1/calls": 200,
	} {
		if doc[route] != want {
			t.Errorf("%s: the document states %d, want %d", route, doc[route], want)
		}
	}
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		pur := f.e.token("gt-purchaser")
		check := func(route, path string, body any) apiResp {
			t.Helper()
			method, _, _ := strings.Cut(route, " ")
			r := f.e.call(pur, method, path, body)
			if r.Status != doc[route] {
				t.Fatalf("%s: answered %d, the document states %d: %s", route, r.Status, doc[route], r.Raw)
			}
			return r
		}
		need := check("POST /api/v1/needs", "/api/v1/needs", map[string]any{"community_code": demo.ZhongshanCode, "target_group": "elderly_alone",
			"category_code": "elderly_home_care", "description": "独居老人午餐无人照料", "people_affected": 3, "source": "household_visit"})
		b := check("POST /api/v1/budgets", "/api/v1/budgets", map[string]any{"place_code": demo.StreetCode, "fiscal_year": 2026,
			"level": "street", "fund": "lottery", "name": "福彩公益金", "amount": "300,000"})
		call := map[string]any{"place_code": demo.StreetCode, "kind": "venture_philanthropy", "title": "社区公益创投",
			"categories": []string{"elderly_home_care"}, "budget_id": offNum(b.Body["id"]), "amount": "100000",
			"bands":    []map[string]any{{"name": "小型", "min": "20000", "max": "50000"}},
			"opens_at": offStart.Format(time.RFC3339), "closes_at": offStart.Add(10 * 24 * time.Hour).Format(time.RFC3339),
			"need_ids": []int64{offNum(need.Body["id"])}}
		c := check("POST /api/v1/calls", "/api/v1/calls", call)
		path := fmt.Sprintf("/api/v1/calls/%d", offNum(c.Body["id"]))
		check("PUT /api/v1/calls/{id}", path, call)
		if r := check("POST /api/v1/calls/{id}/open", path+"/open", nil); r.Body["state"] != "open" {
			t.Fatalf("open: %s", r.Raw)
		}
		if r := check("POST /api/v1/calls/{id}/cancel", path+"/cancel", map[string]any{"reason": "上级要求暂停"}); r.Body["state"] != "cancelled" {
			t.Fatalf("cancel: %s", r.Raw)
		}
		check("PUT /api/v1/holidays/{day}", "/api/v1/holidays/2027-01-04", map[string]any{"name": "调休", "workday": false})
		check("DELETE /api/v1/holidays/{day}", "/api/v1/holidays/2027-01-04", nil)
		tok := check("POST /api/v1/tokens", "/api/v1/tokens", map[string]any{"name": "报表", "days": 1})
		check("POST /api/v1/tokens/{id}/revoke", fmt.Sprintf("/api/v1/tokens/%d/revoke", offNum(tok.Body["token"].(map[string]any)["id"])), nil)
		if r := f.e.call(pur, "GET", "/api/v1/calls", nil); r.Status != http.StatusOK {
			t.Fatalf("list: %d", r.Status)
		}
	})
}
