package e2e

import (
	"context"
	"net/http"
	"testing"

	"gongzhi/internal/demo"
)

// TestAccountsLeftovers walks issue 11's leftovers in accounts through the pages, on a desktop
// and a phone: the purchaser makes an API token limited to 中山社区 and sees the place in the
// list; the audit administrator reads who recorded a payment by name. (The refusal of a second
// account for one person is tested through the API: TestOnceAccounts.)
func TestAccountsLeftovers(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	ctx := context.Background()

	p := newBrowser(t, srv.Base)
	p.login("gt-purchaser")
	p.open("/tokens")
	p.set("the token", map[string]string{"name": "中山社区报表", "days": "30", "place_code": demo.ZhongshanCode})
	p.press("create the token", `main form[action="/tokens"] button[type="submit"]`, http.StatusOK)
	p.expect("the new token", "令牌已创建", "中山社区报表", "中山社区", "限定地区")
	p.shot("tokens")
	p.phone("tokens-phone")

	a := newBrowser(t, srv.Base)
	a.login("admin-audit")
	a.open("/audit?entity=payments")
	pu, _, err := srv.App.DB.Q().UserByUsername(ctx, "gt-purchaser")
	if err != nil {
		t.Fatal(err)
	}
	a.expect("the register", "记录人："+pu.DisplayName)
	a.shot("audit-payments")
	a.phone("audit-payments-phone")
}
