// Issue 10: the public reports and Open311's default lists are kept under the public data's
// version (web.PublicCached): the same for everyone, read again after any write to them; the
// month's public figures follow a report too.

package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestPublicEventsFollowWrites(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		list := func() (first float64, n int) {
			t.Helper()
			r := e.call("", "GET", "/api/v1/public/events?place=320116004001", nil)
			items, _ := r.Body["items"].([]any)
			if r.Status != http.StatusOK || len(items) == 0 {
				t.Fatalf("public events: %d %.300s", r.Status, r.Raw)
			}
			return items[0].(map[string]any)["id"].(float64), len(items)
		}
		month := func() float64 {
			t.Helper()
			r := e.call("", "GET", "/api/v1/public/events/stats?place=320116004001", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("public stats: %d %.300s", r.Status, r.Raw)
			}
			return r.Body["total"].(map[string]any)["events"].(float64)
		}
		open311 := func(query string) string {
			t.Helper()
			res, err := http.Get(e.srv.URL + "/open311/v2/requests.json" + query)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var items []map[string]any
			if err := json.NewDecoder(res.Body).Decode(&items); err != nil || res.StatusCode != http.StatusOK || len(items) == 0 {
				t.Fatalf("Open311 requests: %d %v %d", res.StatusCode, err, len(items))
			}
			return fmt.Sprint(items[0]["service_request_id"])
		}
		before, n := list()
		events := month()
		newest311 := open311("")
		newestOpen := open311("?status=open")
		if again, m := list(); again != before || m != n || month() != events { // kept: the same answer
			t.Fatalf("read twice: %v %d then %v %d", before, n, again, m)
		}
		r := e.call("", "POST", "/api/v1/public/events", map[string]any{"category_code": "other", "community_code": "320116004001", "title": "路灯不亮"})
		if r.Status != http.StatusCreated {
			t.Fatalf("report: %d %s", r.Status, r.Raw)
		}
		if first, _ := list(); first <= before {
			t.Fatalf("the new report is not first in the public list: %v (was %v)", first, before)
		}
		if got := month(); got != events+1 {
			t.Fatalf("the month's public figures count %v events after a report, were %v", got, events)
		}
		// the default lists, kept, and one asked with a date, read each time
		for query, was := range map[string]string{"": newest311, "?status=open": newestOpen, "?start_date=2020-01-01T00:00:00Z": newest311} {
			if got := open311(query); got == was || got != fmt.Sprint(r.Body["id"]) {
				t.Fatalf("Open311's newest request%s %s after the report %v (was %s)", query, got, r.Body["id"], was)
			}
		}
		// the page shows the same list
		if _, page := e.browser().get("/public/events?place=320116004001"); !strings.Contains(page, "路灯不亮") {
			t.Fatal("the public page does not list the new report")
		}
	})
}
