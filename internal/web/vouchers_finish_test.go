package web_test

// Service vouchers as people meet them, on both databases: a scheme is edited (everything before
// its first voucher, then only the name, last day, providers and categories, the rest refused
// with nothing written, each edit audited); one voucher is issued to a resident picked by name
// (the API's candidates, the search box's JSON, the page's "find" without JavaScript); the
// provider redeems choosing an entry of its service ledger by its date and title, never typing an
// id; the voucher and statement pages link the receipts of the public ledger; the purchaser's
// dashboard shows the vouchers block; the demo resident holds a spent, rated voucher with its
// receipts and an unused one.

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestVoucherSchemeEdit(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		count := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := db.Q().QueryRow(ctx, query, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		pur, prov := e.token("gt-purchaser"), e.token("gt-provider")
		tongxin, xiyanghong := e.user("gt-provider").OrgID, e.user("gt-provider2").OrgID
		var budget int64
		if err := db.Q().QueryRow(ctx, `SELECT id FROM budgets WHERE name = '居家养老服务券资金'`).Scan(&budget); err != nil {
			t.Fatal(err)
		}
		r := e.call(pur, "POST", "/api/v1/voucher-schemes", map[string]any{"name": "助浴券", "budget_id": budget, "face_value": 3000,
			"target_groups": []string{"elderly_alone"}, "min_age": 60, "communities": []string{demo.ZhongshanCode}, "living_alone": true,
			"categories": []string{"elderly_home_care"}, "providers": []int64{tongxin}, "valid_from": "2026-01-01", "valid_until": "2099-12-31", "per_person": 1})
		if r.Status != 201 {
			t.Fatalf("scheme: %d %s", r.Status, r.Raw)
		}
		sid := int64(r.Body["id"].(float64))
		path := fmt.Sprintf("/api/v1/voucher-schemes/%d", sid)
		audits := func() int {
			return count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'voucher_schemes' AND action = 'update' AND entity_id = ?`, fmt.Sprint(sid))
		}

		// before the first voucher: everything may change (fields left out keep their values)
		if r := e.call(pur, "PUT", path, map[string]any{"face_value": 4000, "per_person": 2, "name": "独居老人助浴券"}); r.Status != 200 ||
			r.Body["face_value"].(float64) != 4000 || r.Body["per_person"].(float64) != 2 || r.Body["min_age"].(float64) != 60 {
			t.Fatalf("edit before issuing: %d %s", r.Status, r.Raw)
		}
		if r := e.call(pur, "PUT", path, map[string]any{"face_value": 900_000_000}); r.Status != 409 {
			t.Fatalf("an overspending edit: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); fs["budget_id"].Code != "voucher.overspend" {
			t.Fatalf("an overspending edit: %s", r.Raw)
		}
		if r := e.call(prov, "PUT", path, map[string]any{"name": "x"}); r.Status != 403 && r.Status != 404 {
			t.Fatalf("a provider edits: %d", r.Status)
		}
		if n := audits(); n != 1 {
			t.Fatalf("%d update audits, want 1", n)
		}

		// issued: face value, budget and eligibility frozen; name, last day, providers, categories not
		if r := e.call(pur, "POST", path+"/issue", nil); r.Status != 200 {
			t.Fatalf("issue: %d %s", r.Status, r.Raw)
		}
		for field, v := range map[string]any{"face_value": 5000, "per_person": 3, "min_age": 70, "living_alone": false, "valid_from": "2026-02-01",
			"communities": []string{demo.ZhongshanCode, "320116004002"}} {
			r := e.call(pur, "PUT", path, map[string]any{field: v, "name": "改名不应生效"})
			if _, fs := errOf(r); r.Status != 409 || fs[field].Code != "voucher.frozen_issued" {
				t.Fatalf("a frozen %s: %d %s", field, r.Status, r.Raw)
			}
		}
		if r := e.call(pur, "PUT", path, map[string]any{"valid_until": "2026-01-02"}); r.Status != 422 || !strings.Contains(string(r.Raw), "voucher.ends_past") {
			t.Fatalf("a last day in the past: %d %s", r.Status, r.Raw)
		}
		if n := count(`SELECT COUNT(*) FROM voucher_schemes WHERE id = ? AND name = '独居老人助浴券' AND face_value = 4000 AND valid_until = '2099-12-31'`, sid); n != 1 || audits() != 1 {
			t.Fatalf("refused edits wrote: scheme %d, audits %d", n, audits())
		}
		r = e.call(pur, "PUT", path, map[string]any{"name": "独居老人助浴服务券", "valid_until": "2098-06-30", "providers": []int64{tongxin, xiyanghong},
			"categories": []string{"elderly_home_care", "community_social_work"}})
		if r.Status != 200 || r.Body["name"] != "独居老人助浴服务券" || len(r.Body["providers"].([]any)) != 2 {
			t.Fatalf("edit after issuing: %d %s", r.Status, r.Raw)
		}
		if audits() != 2 {
			t.Fatalf("the edit is not audited")
		}
		// vouchers already out keep the last day on their sheet and on the ledger
		if n := count(`SELECT COUNT(*) FROM vouchers WHERE scheme_id = ? AND valid_until <> '2099-12-31'`, sid); n != 0 {
			t.Fatalf("%d issued vouchers changed their last day", n)
		}

		// the page: the edit form holds only what may change, and says why
		b := e.browser()
		e.user("gt-purchaser")
		if st, _ := b.login("gt-purchaser", demo.Password); st != 303 {
			t.Fatalf("login: %d", st)
		}
		edit := fmt.Sprintf("/vouchers/schemes/%d/edit", sid)
		st, page := b.get(edit)
		if st != 200 || strings.Contains(page, `name="face_value"`) || !strings.Contains(page, `name="valid_until"`) || !strings.Contains(page, "已冻结") {
			t.Fatalf("the edit form after issuing: %d", st)
		}
		form := url.Values{"csrf": {b.csrf(edit)}, "name": {"助浴券（页面修改）"}, "valid_until": {"2098-06-30"}, "categories": {"elderly_home_care"},
			"providers": {fmt.Sprint(tongxin)}}
		if st, loc := b.post(edit, form); st != 303 || loc != fmt.Sprintf("/vouchers/schemes/%d", sid) {
			t.Fatalf("save the page's form: %d %s", st, loc)
		}
		form.Set("valid_until", "2026-01-02") // after the first day, before today
		if st, page := b.post(edit, form); st != 422 || !strings.Contains(page, "截止日期不能早于今天") {
			t.Fatalf("a refused edit on the page: %d %s", st, regexp.MustCompile(`(?s)<main.*</main>`).FindString(page))
		}
		if n := count(`SELECT COUNT(*) FROM voucher_schemes WHERE id = ? AND name = '助浴券（页面修改）' AND face_value = 4000 AND per_person = 2 AND min_age = 60`, sid); n != 1 {
			t.Fatal("the page's edit changed frozen fields")
		}
	})
}

func TestVoucherPickers(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		pur, prov, res := e.token("gt-purchaser"), e.token("gt-provider"), e.token("zs-resident")
		tongxin := e.user("gt-provider").OrgID
		var budget int64
		if err := db.Q().QueryRow(ctx, `SELECT id FROM budgets WHERE name = '居家养老服务券资金'`).Scan(&budget); err != nil {
			t.Fatal(err)
		}
		r := e.call(pur, "POST", "/api/v1/voucher-schemes", map[string]any{"name": "助餐券", "budget_id": budget, "face_value": 1000,
			"target_groups": []string{"elderly_alone"}, "min_age": 60, "communities": []string{demo.ZhongshanCode}, "living_alone": true,
			"categories": []string{"elderly_home_care"}, "providers": []int64{tongxin}, "valid_from": "2026-01-01", "valid_until": "2099-12-31", "per_person": 1})
		if r.Status != 201 {
			t.Fatalf("scheme: %d %s", r.Status, r.Raw)
		}
		sid := int64(r.Body["id"].(float64))

		// the resident picker finds by name among those the scheme admits only
		var name string
		var pid int64
		if err := db.Q().QueryRow(ctx, `SELECT p.id, p.name FROM people p JOIN users u ON u.person_id = p.id WHERE u.username = 'zs-resident'`).Scan(&pid, &name); err != nil {
			t.Fatal(err)
		}
		var other string // a resident of 中山社区 the scheme does not admit (not living alone)
		if err := db.Q().QueryRow(ctx, `SELECT p.name FROM people p WHERE p.kind = 'resident' AND p.place_code = ? AND p.household_id IS NOT NULL
			AND (SELECT COUNT(*) FROM people p2 WHERE p2.household_id = p.household_id) > 1 ORDER BY p.id LIMIT 1`, demo.ZhongshanCode).Scan(&other); err != nil {
			t.Fatal(err)
		}
		cands := fmt.Sprintf("/api/v1/voucher-schemes/%d/candidates?q=", sid)
		r = e.call(pur, "GET", cands+url.QueryEscape(name), nil)
		if r.Status != 200 || !strings.Contains(string(r.Raw), fmt.Sprintf(`"id":%d,`, pid)) || !strings.Contains(string(r.Raw), `"id_masked":"`) {
			t.Fatalf("candidates for %s: %d %s", name, r.Status, r.Raw)
		}
		if r := e.call(pur, "GET", cands+url.QueryEscape(other), nil); r.Status != 200 || strings.Contains(string(r.Raw), `"name":"`+other+`"`) {
			t.Fatalf("a resident not admitted is offered: %s", r.Raw)
		}
		if r := e.call(prov, "GET", cands+"a", nil); r.Status != 403 {
			t.Fatalf("a provider searches residents: %d", r.Status)
		}

		// 50 identical requests to issue one voucher to a resident at the per-person limit of 1: one
		var another int64
		if err := db.Q().QueryRow(ctx, `SELECT p.id FROM people p WHERE p.kind = 'resident' AND p.place_code = ? AND p.target_groups LIKE '%,elderly_alone,%'
			AND p.birth_year > 0 AND p.birth_year <= 1966 AND p.id <> ?
			AND (SELECT COUNT(*) FROM people p2 WHERE p2.household_id = p.household_id AND p2.kind = 'resident') = 1 ORDER BY p.id LIMIT 1`,
			demo.ZhongshanCode, pid).Scan(&another); err != nil {
			t.Fatal(err)
		}
		if got := e.burst(50, pur, "POST", fmt.Sprintf("/api/v1/voucher-schemes/%d/issue-one", sid), map[string]any{"person_id": another}); got[201] != 1 || got[409] != 49 {
			t.Fatalf("50 issue-one at once: %v", got)
		}
		var held int
		if err := db.Q().QueryRow(ctx, `SELECT COUNT(*) FROM vouchers WHERE scheme_id = ? AND person_id = ?`, sid, another).Scan(&held); err != nil || held != 1 {
			t.Fatalf("%d vouchers issued to one resident (%v)", held, err)
		}

		b := e.browser()
		e.user("gt-purchaser")
		if st, _ := b.login("gt-purchaser", demo.Password); st != 303 {
			t.Fatal("login")
		}
		spage := fmt.Sprintf("/vouchers/schemes/%d", sid)
		if st, js := b.get(spage + "/pick?q=" + url.QueryEscape(name)); st != 200 || !strings.Contains(js, fmt.Sprintf(`"value":"%d"`, pid)) {
			t.Fatalf("the search box's JSON: %d %s", st, js)
		}
		if st, page := b.get(spage); st != 200 || strings.Contains(page, `name="person_id" type="number"`) || !strings.Contains(page, `data-pick-source="`+spage+`/pick"`) {
			t.Fatalf("the scheme page's resident picker: %d", st)
		}
		// without JavaScript: "find" shows the page again with the matches, then the chosen one is issued
		csrf := b.csrf(spage)
		st, page := b.post(spage+"/issue-one", url.Values{"csrf": {csrf}, "person_q": {name}, "person_id": {""}, "then": {"refresh"}})
		if st != 200 || !regexp.MustCompile(`<option value="`+fmt.Sprint(pid)+`" selected>`+regexp.QuoteMeta(name)).MatchString(page) {
			t.Fatalf("find %s on the page: %d", name, st)
		}
		if st, loc := b.post(spage+"/issue-one", url.Values{"csrf": {csrf}, "person_q": {name}, "person_id": {fmt.Sprint(pid)}}); st != 303 || loc != spage {
			t.Fatalf("issue one: %d %s", st, loc)
		}
		var vid int64
		var serial string
		if err := db.Q().QueryRow(ctx, `SELECT id, serial FROM vouchers WHERE scheme_id = ? AND person_id = ?`, sid, pid).Scan(&vid, &serial); err != nil {
			t.Fatalf("the voucher issued to %s: %v", name, err)
		}

		// the provider's redeem form offers its ledger entries by date and title, not an id box
		r = e.call(prov, "GET", "/api/v1/voucher-entries", nil)
		items, _ := r.Body["items"].([]any)
		if r.Status != 200 || len(items) == 0 {
			t.Fatalf("the provider's entries: %d %s", r.Status, r.Raw)
		}
		first := items[0].(map[string]any)
		entry, title := int64(first["id"].(float64)), first["title"].(string)
		pb := e.browser()
		e.user("gt-provider")
		if st, _ := pb.login("gt-provider", demo.Password); st != 303 {
			t.Fatal("provider login")
		}
		st, page = pb.get("/vouchers")
		if st != 200 || strings.Contains(page, `name="entry_id" type="number"`) || !strings.Contains(page, `<select id="in-entry_id" name="entry_id"`) ||
			!strings.Contains(page, title) || !strings.Contains(page, `href="/ledger/new"`) {
			t.Fatalf("the redeem form: %d", st)
		}
		r = e.call(res, "POST", fmt.Sprintf("/api/v1/vouchers/%d/pin", vid), nil)
		pin, _ := r.Body["pin"].(string)
		if r.Status != 200 || len(pin) != 6 {
			t.Fatalf("the resident's PIN: %d %s", r.Status, r.Raw)
		}
		if st, loc := pb.post("/vouchers/redeem", url.Values{"csrf": {pb.csrf("/vouchers")}, "serial": {serial}, "pin": {pin}, "entry_id": {fmt.Sprint(entry)}}); st != 303 ||
			loc != fmt.Sprintf("/vouchers/%d", vid) {
			t.Fatalf("redeem with the entry chosen: %d %s", st, loc)
		}
		if st, page := pb.get(fmt.Sprintf("/vouchers/%d", vid)); st != 200 || !strings.Contains(page, title) || !strings.Contains(page, fmt.Sprintf(`href="/ledger/%d"`, entry)) {
			t.Fatalf("the redeemed voucher names its ledger entry: %d", st)
		}

		// the receipts: the voucher page links issue and redemption; the statement, once paid, its settlement
		rb := e.browser()
		e.user("zs-resident")
		if st, _ := rb.login("zs-resident", demo.Password); st != 303 {
			t.Fatal("resident login")
		}
		var issuedSeq, redeemedSeq int64
		if err := db.Q().QueryRow(ctx, `SELECT v.issued_seq, r.log_seq FROM vouchers v JOIN voucher_redemptions r ON r.voucher_id = v.id WHERE v.id = ?`, vid).
			Scan(&issuedSeq, &redeemedSeq); err != nil || issuedSeq == 0 || redeemedSeq == 0 {
			t.Fatalf("the ledger's sequence numbers are not kept: %d %d %v", issuedSeq, redeemedSeq, err)
		}
		for _, seq := range []int64{issuedSeq, redeemedSeq} {
			var typ string
			if err := db.Q().QueryRow(ctx, `SELECT type FROM publog_records WHERE id = ?`, seq).Scan(&typ); err != nil || !strings.HasPrefix(typ, "voucher.") {
				t.Fatalf("seq %d is %q (%v)", seq, typ, err)
			}
		}
		st, page = rb.get(fmt.Sprintf("/vouchers/%d", vid))
		if st != 200 || !strings.Contains(page, fmt.Sprintf(`href="/public/ledger/receipts/%d"`, issuedSeq)) ||
			!strings.Contains(page, fmt.Sprintf(`href="/public/ledger/receipts/%d"`, redeemedSeq)) || strings.Contains(page, fmt.Sprintf(`href="/ledger/%d"`, entry)) {
			t.Fatalf("the resident's voucher page and its receipts: %d", st)
		}
		month := gongzhi.MonthOf(e.app.NowUTC())
		r = e.call(pur, "POST", fmt.Sprintf("/api/v1/voucher-schemes/%d/statements", sid), map[string]any{"month": month})
		if r.Status != 201 {
			t.Fatalf("statements: %d %s", r.Status, r.Raw)
		}
		stID := int64(r.Body["items"].([]any)[0].(map[string]any)["id"].(float64))
		e.call(pur, "POST", fmt.Sprintf("/api/v1/voucher-statements/%d/approve", stID), nil)
		r = e.call(pur, "POST", fmt.Sprintf("/api/v1/voucher-statements/%d/pay", stID), map[string]any{"paid_on": e.app.Today()})
		settled, _ := r.Body["log_seq"].(float64)
		if r.Status != 200 || settled == 0 {
			t.Fatalf("pay: %d %s", r.Status, r.Raw)
		}
		if st, page := pb.get("/vouchers"); st != 200 || !strings.Contains(page, fmt.Sprintf(`href="/public/ledger/receipts/%d"`, int64(settled))) {
			t.Fatalf("the provider's statements link the settlement's receipt: %d", st)
		}
		if st, page := rb.get(fmt.Sprintf("/vouchers/%d", vid)); st != 200 || !strings.Contains(page, fmt.Sprintf(`href="/public/ledger/receipts/%d"`, int64(settled))) {
			t.Fatalf("the resident's voucher links the settlement's receipt: %d", st)
		}
	})
}

func TestVoucherDashboardAndDemo(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		pur, prov, res := e.token("gt-purchaser"), e.token("gt-provider"), e.token("zs-resident")

		// the demo resident: one voucher spent and rated with its receipts, others unused
		r := e.call(res, "GET", "/api/v1/vouchers", nil)
		items, _ := r.Body["items"].([]any)
		var spent, unused map[string]any
		for _, it := range items {
			v := it.(map[string]any)
			switch v["state"] {
			case "redeemed", "settled":
				spent = v
			case "issued":
				unused = v
			}
		}
		if r.Status != 200 || spent == nil || unused == nil {
			t.Fatalf("the demo resident's vouchers: %d %s", r.Status, r.Raw)
		}
		if spent["rating"].(float64) != 5 || spent["issued_seq"].(float64) == 0 {
			t.Fatalf("the demo resident's spent voucher: %v", spent)
		}
		b := e.browser()
		e.user("zs-resident")
		if st, _ := b.login("zs-resident", demo.Password); st != 303 {
			t.Fatal("login")
		}
		st, page := b.get(fmt.Sprintf("/vouchers/%d", int64(spent["id"].(float64))))
		if st != 200 || strings.Count(page, `href="/public/ledger/receipts/`) != 2 || !strings.Contains(page, "5 星") {
			t.Fatalf("the demo resident's spent voucher page: %d", st)
		}
		unusedPage := fmt.Sprintf("/vouchers/%d", int64(unused["id"].(float64)))
		if st, page := b.get(unusedPage); st != 200 || !strings.Contains(page, `action="`+unusedPage+`/pin"`) || !strings.Contains(page, "<svg") {
			t.Fatalf("the demo resident's unused voucher page (QR code, PIN on the phone): %d", st)
		}
		// its sheet is reachable: community staff print it with a new PIN
		com := e.browser()
		e.user("zs-community")
		if st, _ := com.login("zs-community", demo.Password); st != 303 {
			t.Fatal("community login")
		}
		scheme := fmt.Sprintf("/vouchers/schemes/%d", int64(unused["scheme_id"].(float64)))
		if st, page := com.get(scheme); st != 200 || !strings.Contains(page, `action="`+scheme+`/sheets"`) {
			t.Fatalf("community staff reach the scheme's sheets: %d", st)
		}
		// the voucher's own page prints its sheet alone
		st, page = com.get(unusedPage)
		if st != 200 || !strings.Contains(page, `action="`+scheme+`/sheets"`) || !strings.Contains(page, fmt.Sprintf(`name="ids" value="%d"`, int64(unused["id"].(float64)))) {
			t.Fatalf("the voucher page's print button: %d", st)
		}
		st, page = com.post(scheme+"/sheets", url.Values{"csrf": {com.csrf(unusedPage)}, "community": {demo.ZhongshanCode}, "ids": {fmt.Sprint(int64(unused["id"].(float64)))}})
		if st != 200 || strings.Count(page, `class="voucher-sheet"`) != 1 || !regexp.MustCompile(`class="pin"><b>\d{6}</b>`).MatchString(page) {
			t.Fatalf("the demo resident's sheet: %d", st)
		}

		// the purchaser's dashboard: the vouchers block, this month and in all, with the report
		r = e.call(pur, "GET", "/api/v1/dashboard", nil)
		v, _ := r.Body["vouchers"].(map[string]any)
		if r.Status != 200 || v == nil {
			t.Fatalf("the dashboard's vouchers: %d %s", r.Status, r.Raw)
		}
		total, this := v["total"].(map[string]any), v["this_month"].(map[string]any)
		var issued, redeemed, unspent int
		q := db.Q()
		q.QueryRow(ctx, `SELECT COUNT(*) FROM vouchers`).Scan(&issued)
		q.QueryRow(ctx, `SELECT COUNT(*) FROM voucher_redemptions`).Scan(&redeemed)
		q.QueryRow(ctx, `SELECT COALESCE(SUM(face_value), 0) FROM vouchers WHERE state = 'issued'`).Scan(&unspent)
		if int(total["issued"].(float64)) != issued || int(total["redeemed"].(float64)) != redeemed || int(total["reserved"].(float64)) != unspent ||
			int(this["issued"].(float64)) != issued || total["paid"].(float64) != 0 {
			t.Fatalf("the vouchers block %v, want %d issued, %d redeemed, %d reserved", v, issued, redeemed, unspent)
		}
		if r := e.call(pur, "GET", "/api/v1/vouchers/summary", nil); r.Status != 200 || r.Body["total"].(map[string]any)["issued"].(float64) != float64(issued) {
			t.Fatalf("summary: %d %s", r.Status, r.Raw)
		}
		if r := e.call(prov, "GET", "/api/v1/dashboard", nil); r.Status != 200 || r.Body["vouchers"] != nil {
			t.Fatalf("a provider's dashboard shows the place's vouchers: %s", r.Raw)
		}
		pb := e.browser()
		e.user("gt-purchaser")
		if st, _ := pb.login("gt-purchaser", demo.Password); st != 303 {
			t.Fatal("purchaser login")
		}
		if st, page := pb.get("/dashboard"); st != 200 || !strings.Contains(page, `id="vouchers"`) || !strings.Contains(page, `href="/vouchers/report"`) ||
			!strings.Contains(page, "预留资金") {
			t.Fatalf("the dashboard page's vouchers block: %d", st)
		}
	})
}
