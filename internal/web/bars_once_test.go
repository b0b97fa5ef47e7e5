package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// Fifty identical requests released together decide once: one bar of fifty identical POSTs, one
// lift of fifty, each with one audit entry, on SQLite and on PostgreSQL.
func TestBarDecidedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		orgID := f.streetOrg()
		tok := f.e.token("gt-purchaser")
		api := fmt.Sprintf("%s/api/v1/organizations/%d/bars", f.e.srv.URL, orgID)

		bar := burst(t, tok, api, `{"until":"2027-06-30","reason":"严重违约"}`)
		if bar[201] != 1 || bar[409] != 49 {
			t.Fatalf("50 identical bars answered %v, want one 201 and 49 409", bar)
		}
		got, err := f.e.app.Bars(f.ctx, f.pur, orgID)
		f.must(err)
		if len(got) != 1 {
			t.Fatalf("%d bars written, want 1", len(got))
		}
		// the same on the page: refused, and the page says why above the form
		pb := f.browser("gt-purchaser", false)
		page := fmt.Sprintf("/organizations/%d/bars", orgID)
		st, body := offPost(t, pb, page, page, url.Values{"until": {"2027-06-30"}, "reason": {"严重违约"}})
		if st != http.StatusConflict || !strings.Contains(body, "该组织已有截止日相同的生效禁入") {
			t.Fatalf("the same bar on the page: %d %s", st, tagRe.ReplaceAllString(body, " "))
		}
		lift := burst(t, tok, fmt.Sprintf("%s/%d/lift", api, got[0].ID), "")
		if lift[200] != 1 || lift[409] != 49 {
			t.Fatalf("50 identical lifts answered %v, want one 200 and 49 409", lift)
		}
		audit := map[string]int{}
		_, err = db.Q().ListAudit(context.Background(), store.ListOptions{Filters: map[string]string{"entity": purchase.ResIneligible}},
			func(e *gongzhi.AuditEntry) error {
				audit[e.Action+" "+e.Note]++
				return nil
			})
		f.must(err)
		if len(audit) != 2 || audit["create "] != 1 || audit["update lifted"] != 1 {
			t.Fatalf("audit entries %v, want one create and one lift", audit)
		}
	})
}

// streetOrg is the first organization within the purchaser's street.
func (f *offFix) streetOrg() int64 {
	f.t.Helper()
	var orgID int64
	for _, id := range f.orgs {
		if _, err := f.e.app.Organization(f.ctx, f.pur, id); err == nil && (orgID == 0 || id < orgID) {
			orgID = id
		}
	}
	if orgID == 0 {
		f.t.Fatal("no organization within the purchaser's street")
	}
	return orgID
}

// burst sends n = 50 identical POSTs at once and counts the answers by status.
func burst(t *testing.T, tok, url, body string) map[int]int {
	t.Helper()
	return burstMethod(t, "POST", tok, url, body)
}

// burstMethod sends n = 50 identical requests of a method at once, with a bearer token unless
// tok is "", and counts the answers by status.
func burstMethod(t *testing.T, method, tok, url, body string) map[int]int {
	t.Helper()
	return burstOf(t, func() *http.Request {
		req, _ := http.NewRequest(method, url, bytes.NewReader([]byte(body)))
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		return req
	})
}

// burstOf sends n = 50 requests made by req at once and counts the answers by status.
func burstOf(t *testing.T, req func() *http.Request) map[int]int {
	t.Helper()
	const n = 50
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		start = make(chan struct{})
		got   = map[int]int{}
		errs  []error
	)
	for range n {
		wg.Go(func() {
			req := req()
			<-start
			res, err := http.DefaultClient.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			res.Body.Close()
			got[res.StatusCode]++
		})
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d of %d requests failed: %v", len(errs), n, errs[0])
	}
	return got
}
