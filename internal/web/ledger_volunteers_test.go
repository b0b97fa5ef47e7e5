package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// Volunteers' time on the ledger form: a bare number is minutes, a unit says hours or minutes;
// a bare fraction is refused; the help text gives an example.
func TestLedgerVolunteerUnits(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		ct := ledSign(f)
		start, _ := gongzhi.ParseDate(ct.Current.Terms.StartOn)
		b := f.browser("gt-provider", false)
		newPath := fmt.Sprintf("/ledger/new?contract=%d", ct.ID)
		if body := offPage(t, b, "gt-provider", newPath, 200); !strings.Contains(body, "张三 90”= 90 分钟") {
			t.Fatal("the volunteers' help gives no example")
		}
		form := url.Values{"contract_id": {fmt.Sprint(ct.ID)}, "kind": {gongzhi.ActivityCommunity}, "title": {"社区义诊"},
			"held_on": {start.AddDate(0, 0, 5).Format(time.DateOnly)}, "communities": {demo.ZhongshanCode}, "counted": {"30"}, "summary": {"义诊"},
			"volunteers": {"张三 1.5\n李四 90"}}
		st, page := offPost(t, b, newPath, "/ledger/new", form)
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, "第 1 行应为") {
			t.Fatalf("a bare fraction: %d", st)
		}
		form.Set("volunteers", "张三 1.5小时\n李四 90分钟\n王五 45\n赵六 2 小时\n钱七 0.5h")
		st, loc := offPost(t, b, newPath, "/ledger/new", form)
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/ledger/") {
			t.Fatalf("create: %d %s", st, loc)
		}
		r := f.api(f.e.token("gt-provider"), "GET", "/api/v1"+loc, nil, 200)
		var got []string
		for _, v := range r.Body["volunteers"].([]any) {
			m := v.(map[string]any)
			got = append(got, fmt.Sprintf("%v %v", m["name"], m["minutes"]))
		}
		if fmt.Sprint(got) != "[张三 90 李四 90 王五 45 赵六 120 钱七 30]" {
			t.Fatalf("volunteers %v", got)
		}
	})
}
