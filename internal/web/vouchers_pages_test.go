package web_test

// Service vouchers through the pages, as people use them without JavaScript: the purchaser
// creates a scheme (an overspending one refused on the page) and issues it; the community prints
// a sheet with QR codes and PINs; the resident chooses a provider and takes a PIN on the phone;
// the provider redeems with it (a wrong PIN answered on the form); the public page shows the
// providers' shares.

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestVoucherPages(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		as := func(name string) *browser {
			t.Helper()
			e.user(name)
			b := e.browser()
			if st, _ := b.login(name, demo.Password); st != 303 {
				t.Fatalf("%s signs in: %d", name, st)
			}
			return b
		}
		pur, com, res, prov := as("gt-purchaser"), as("zs-community"), as("zs-resident"), as("gt-provider")
		tongxin := e.user("gt-provider").OrgID

		st, page := pur.get("/vouchers")
		if st != 200 || !strings.Contains(page, demo.VoucherSchemeName) || !strings.Contains(page, `action="/vouchers/schemes"`) {
			t.Fatalf("the purchaser's vouchers page: %d", st)
		}
		var budget int64
		if err := db.Q().QueryRow(ctx, `SELECT id FROM budgets WHERE name = '居家养老服务券资金'`).Scan(&budget); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"csrf": {pur.csrf("/vouchers")}, "name": {"独居老人助浴券"}, "budget_id": {fmt.Sprint(budget)}, "face_value": {"100万"},
			"per_person": {"1"}, "valid_from": {"2026-01-01"}, "valid_until": {"2099-12-31"}, "min_age": {"60"}, "living_alone": {"true"},
			"target_groups": {"elderly_alone"}, "communities": {demo.ZhongshanCode}, "categories": {"elderly_home_care"},
			"providers": {fmt.Sprint(tongxin)}}
		if st, page := pur.post("/vouchers/schemes", form); st != 409 || !strings.Contains(page, "超出预算可用金额") {
			t.Fatalf("an overspending scheme on the page: %d", st)
		}
		form.Set("face_value", "30")
		st, loc := pur.post("/vouchers/schemes", form)
		if st != 303 || !strings.HasPrefix(loc, "/vouchers/schemes/") {
			t.Fatalf("create: %d %s", st, loc)
		}
		if st, loc := pur.post(loc+"/issue", url.Values{"csrf": {pur.csrf(loc)}}); st != 303 {
			t.Fatalf("issue: %d %s", st, loc)
		}

		// the community prints the sheets of 中山社区
		st, page = com.post(loc+"/sheets", url.Values{"csrf": {com.csrf(loc)}, "community": {demo.ZhongshanCode}})
		if st != 200 || !strings.Contains(page, `class="voucher-sheet"`) || !strings.Contains(page, "<svg") {
			t.Fatalf("sheets: %d", st)
		}
		// the resident, linked to a holder, chooses 同心 and takes a PIN on the phone
		var vid, holder int64
		var serial string
		if err := db.Q().QueryRow(ctx, `SELECT v.id, v.person_id, v.serial FROM vouchers v JOIN voucher_schemes s ON s.id = v.scheme_id
			WHERE s.name = '独居老人助浴券' ORDER BY v.id LIMIT 1`).Scan(&vid, &holder, &serial); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Q().Exec(ctx, `UPDATE users SET person_id = ? WHERE username = 'zs-resident'`, holder); err != nil {
			t.Fatal(err)
		}
		vpage := fmt.Sprintf("/vouchers/%d", vid)
		if st, page := res.get("/vouchers"); st != 200 || !strings.Contains(page, vpage) {
			t.Fatalf("the resident's vouchers: %d", st)
		}
		if st, _ := res.post(vpage+"/choose", url.Values{"csrf": {res.csrf(vpage)}, "org_id": {fmt.Sprint(tongxin)}}); st != 303 {
			t.Fatalf("choose: %d", st)
		}
		st, page = res.post(vpage+"/pin", url.Values{"csrf": {res.csrf(vpage)}})
		m := regexp.MustCompile(`id="voucher-pin"><b>(\d{6})</b>`).FindStringSubmatch(page)
		if st != 200 || m == nil {
			t.Fatalf("PIN on the phone: %d", st)
		}
		// the provider: a wrong PIN is answered on the form, the right one redeems
		wrong := "000000"
		if m[1] == wrong {
			wrong = "111111"
		}
		if st, page := prov.post("/vouchers/redeem", url.Values{"csrf": {prov.csrf("/vouchers")}, "serial": {serial}, "pin": {wrong}}); st != 422 ||
			!strings.Contains(page, "密码不正确") || !strings.Contains(page, serial) {
			t.Fatalf("a wrong PIN on the page: %d", st)
		}
		if st, loc := prov.post("/vouchers/redeem", url.Values{"csrf": {prov.csrf("/vouchers")}, "serial": {serial}, "pin": {m[1]}}); st != 303 || loc != vpage {
			t.Fatalf("redeem: %d %s", st, loc)
		}
		if st, page := e.browser().get("/public/vouchers"); st != 200 || !strings.Contains(page, "独居老人助浴券") {
			t.Fatalf("public page: %d", st)
		}
	})
}
