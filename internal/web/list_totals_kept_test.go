// Issue 10: a list's exact total is kept until the next write (store's counts_kept.go); an
// audited write through the API shows in the next total at once, on both databases: a household
// in the community's households, an entry in the provider's ledger.

package web_test

import (
	"net/http"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestListTotalsFollowWrites(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		e := f.e
		ct := ledSign(f)
		zs, _ := ledResidents(f)
		com, prov := e.token("zs-community"), e.token("gt-provider")
		total := func(tok, path string) float64 {
			t.Helper()
			r := e.call(tok, "GET", path, nil)
			n, ok := r.Body["total"].(float64)
			if r.Status != http.StatusOK || !ok {
				t.Fatalf("%s: %d %.300s", path, r.Status, r.Raw)
			}
			return n
		}
		households := "/api/v1/households?per_page=5&community=" + demo.ZhongshanCode
		ledger := "/api/v1/ledger?per_page=5"
		hs, es := total(com, households), total(prov, ledger)
		if total(com, households) != hs || total(prov, ledger) != es {
			t.Fatal("a total read twice changed with no write")
		}
		r := e.call(com, "POST", "/api/v1/households", map[string]any{"community_code": demo.ZhongshanCode, "address": "中山花园 9 栋 102 室",
			"head_name": "计数测试", "members": 1})
		if r.Status != http.StatusCreated {
			t.Fatalf("household: %d %s", r.Status, r.Raw)
		}
		if got := total(com, households); got != hs+1 {
			t.Errorf("households after one was added: %v, want %v", got, hs+1)
		}
		start, _ := gongzhi.ParseDate(ct.Current.Terms.StartOn)
		f.api(prov, "POST", "/api/v1/ledger", ledEntry(ct, start.AddDate(0, 0, 2).Format(time.DateOnly), zs[:2], 1), 201)
		if got := total(prov, ledger); got != es+1 {
			t.Errorf("the provider's ledger after an entry: %v, want %v", got, es+1)
		}
		if got := total(com, households); got != hs+1 {
			t.Errorf("households after a ledger entry: %v, want %v", got, hs+1)
		}
	})
}
