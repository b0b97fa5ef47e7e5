package web_test

// Service vouchers (issue 12 part 2), through the API on both databases: a scheme that would
// overspend is refused; a scheme for elderly people living alone in 中山社区 issues to exactly
// the eligible residents, reserving the money; a sheet makes a one-time PIN; a wrong PIN is
// refused and five lock the voucher; 100 identical redemptions at once redeem it exactly once;
// a provider not admitted, an expired voucher and a second redemption are refused with nothing
// written; the month is settled and paid out of the budget; the expiry job returns money; the
// resident rates the service once; the public shares show it; every change is on the ledger.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// burst sends n identical API requests at once and returns how many got each status.
func (e *env) burst(n int, tok, method, path string, body any) map[int]int {
	e.t.Helper()
	raw, _ := json.Marshal(body)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		got   = map[int]int{}
		start = make(chan struct{})
		errs  []error
	)
	for range n {
		wg.Go(func() {
			req, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(raw))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			<-start
			res, err := http.DefaultClient.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			got[res.StatusCode]++
		})
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		e.t.Fatalf("burst: %v", errs[0])
	}
	return got
}

func TestVouchers(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		q := db.Q()
		count := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := q.QueryRow(ctx, query, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		pur, com, res := e.token("gt-purchaser"), e.token("zs-community"), e.token("zs-resident")
		prov, other := e.token("gt-provider"), e.token("gt-provider2")
		tongxin, xiyanghong := e.user("gt-provider").OrgID, e.user("gt-provider2").OrgID

		r := e.call(pur, "POST", "/api/v1/budgets", map[string]any{"place_code": demo.StreetCode, "fiscal_year": 2026, "level": "street",
			"fund": "fiscal", "name": "居家养老服务券资金", "amount": 2_000_000})
		if r.Status != 201 {
			t.Fatalf("budget: %d %s", r.Status, r.Raw)
		}
		budget := int64(r.Body["id"].(float64))
		scheme := map[string]any{"name": "独居老人居家服务券", "budget_id": budget, "face_value": 5000, "target_groups": []string{"elderly_alone"},
			"min_age": 60, "communities": []string{demo.ZhongshanCode}, "living_alone": true, "categories": []string{"elderly_home_care"},
			"providers": []int64{tongxin}, "valid_from": "2026-01-01", "valid_until": "2099-12-31", "per_person": 2}
		eligible := count(`SELECT COUNT(*) FROM people p WHERE p.kind = 'resident' AND p.place_code = ? AND p.target_groups LIKE '%,elderly_alone,%'
			AND p.birth_year > 0 AND p.birth_year <= 1966 AND (SELECT COUNT(*) FROM people p2 WHERE p2.household_id = p.household_id AND p2.kind = 'resident') = 1`,
			demo.ZhongshanCode)
		if eligible < 2 {
			t.Fatalf("the demo has %d elderly residents living alone in 中山社区", eligible)
		}

		// what the demo street holds already
		records := func(typ string) int { return count(`SELECT COUNT(*) FROM publog_records WHERE type = ?`, typ) }
		issued0, redeemed0, settled0 := records("voucher.issued"), records("voucher.redeemed"), records("voucher.settled")+records("voucher.expired")
		redemptions0 := count(`SELECT COUNT(*) FROM voucher_redemptions`)
		audits0 := count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'vouchers' AND action = 'redeem'`)

		// bad input and overspending: refused, nothing written
		schemes := count(`SELECT COUNT(*) FROM voucher_schemes`)
		bad := map[string]any{"name": "", "budget_id": budget, "face_value": 0, "per_person": 0, "valid_from": "2026-13-01", "valid_until": "x",
			"categories": []string{}, "providers": []int64{}}
		if r := e.call(pur, "POST", "/api/v1/voucher-schemes", bad); r.Status != 422 {
			t.Fatalf("bad scheme: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); len(fs) < 6 {
			t.Fatalf("bad scheme: every field named? %s", r.Raw)
		}
		big := map[string]any{}
		for k, v := range scheme {
			big[k] = v
		}
		big["face_value"] = 2_000_000
		if r := e.call(pur, "POST", "/api/v1/voucher-schemes", big); r.Status != 409 {
			t.Fatalf("overspending scheme: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); fs["budget_id"].Code != "voucher.overspend" {
			t.Fatalf("overspending scheme: %s", r.Raw)
		}
		if r := e.call(res, "POST", "/api/v1/voucher-schemes", scheme); r.Status != 403 {
			t.Fatalf("a resident creates a scheme: %d", r.Status)
		}
		if n := count(`SELECT COUNT(*) FROM voucher_schemes`); n != schemes {
			t.Fatalf("refused schemes wrote %d rows", n-schemes)
		}

		r = e.call(pur, "POST", "/api/v1/voucher-schemes", scheme)
		if r.Status != 201 {
			t.Fatalf("scheme: %d %s", r.Status, r.Raw)
		}
		sid := int64(r.Body["id"].(float64))
		base := fmt.Sprintf("/api/v1/voucher-schemes/%d", sid)

		// issue to everyone eligible, once: money reserved; the second batch has nobody left
		r = e.call(pur, "POST", base+"/issue", nil)
		if r.Status != 200 || int(r.Body["issued"].(float64)) != 2*eligible {
			t.Fatalf("issue: %d %s (eligible %d)", r.Status, r.Raw, eligible)
		}
		var reserved int64
		if err := q.QueryRow(ctx, `SELECT reserved FROM budgets WHERE id = ?`, budget).Scan(&reserved); err != nil || reserved != int64(2*eligible*5000) {
			t.Fatalf("reserved %d, want %d (%v)", reserved, 2*eligible*5000, err)
		}
		if r := e.call(pur, "POST", base+"/issue", nil); r.Status != 409 {
			t.Fatalf("second batch: %d %s", r.Status, r.Raw)
		}
		if n := records("voucher.issued") - issued0; n != 2*eligible {
			t.Fatalf("%d issued records on the ledger, want %d", n, 2*eligible)
		}
		if n := count(`SELECT COUNT(*) FROM publog_records WHERE type = 'voucher.issued' AND entry LIKE '%holder%p-%'`) - issued0; n != 2*eligible {
			t.Fatalf("holders are not pseudonyms on the ledger")
		}

		// the community prints a sheet: one voucher, its PIN
		var vid int64
		var serial string
		var holder int64
		if err := q.QueryRow(ctx, `SELECT id, serial, person_id FROM vouchers WHERE scheme_id = ? ORDER BY id LIMIT 1`, sid).Scan(&vid, &serial, &holder); err != nil {
			t.Fatal(err)
		}
		// the ledger holds the serial's SHA-256, never the serial (with the PIN it spends the voucher)
		sum := sha256.Sum256([]byte(serial))
		if count(`SELECT COUNT(*) FROM publog_records WHERE entry LIKE ?`, "%"+serial+"%") != 0 ||
			count(`SELECT COUNT(*) FROM publog_records WHERE type = 'voucher.issued' AND entry LIKE ?`, "%"+hex.EncodeToString(sum[:])+"%") != 1 {
			t.Fatalf("the ledger does not hold the serial %s as its digest only", serial)
		}
		r = e.call(com, "POST", base+"/sheets", map[string]any{"community": demo.ZhongshanCode, "ids": fmt.Sprint(vid)})
		items, _ := r.Body["items"].([]any)
		if r.Status != 200 || len(items) != 1 {
			t.Fatalf("sheet: %d %s", r.Status, r.Raw)
		}
		pin := items[0].(map[string]any)["pin"].(string)
		if len(pin) != 6 || count(`SELECT COUNT(*) FROM vouchers WHERE id = ? AND pin_hash <> '' AND pin_hash <> ?`, vid, pin) != 1 {
			t.Fatalf("the PIN %q is not kept hashed", pin)
		}
		wrong := "000000"
		if pin == wrong {
			wrong = "111111"
		}

		// a provider not admitted, a wrong PIN: refused, nothing redeemed
		redeem := map[string]any{"serial": strings.ToLower(serial[:4]) + "-" + serial[4:], "pin": pin}
		if r := e.call(other, "POST", "/api/v1/vouchers/redeem", redeem); r.Status != 409 {
			t.Fatalf("a provider not admitted: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); fs["org"].Code != "voucher.provider_not_admitted" {
			t.Fatalf("not admitted: %s", r.Raw)
		}
		if r := e.call(prov, "POST", "/api/v1/vouchers/redeem", map[string]any{"serial": serial, "pin": wrong}); r.Status != 422 {
			t.Fatalf("wrong PIN: %d %s", r.Status, r.Raw)
		}
		if r := e.call(prov, "POST", "/api/v1/vouchers/redeem", map[string]any{"serial": serial, "pin": pin, "entry_id": 999999}); r.Status != 422 {
			t.Fatalf("an unknown ledger entry: %d %s", r.Status, r.Raw)
		}
		if n := count(`SELECT COUNT(*) FROM voucher_redemptions`) - redemptions0; n != 0 {
			t.Fatalf("refusals redeemed %d", n)
		}

		// the provider's own ledger entry, then 100 identical redemptions at once: exactly one
		var entry int64
		if err := q.QueryRow(ctx, `SELECT id FROM service_entries WHERE org_id = ? AND state <> 'voided' ORDER BY id LIMIT 1`, tongxin).Scan(&entry); err != nil {
			t.Fatal(err)
		}
		redeem["entry_id"] = entry
		got := e.burst(100, prov, "POST", "/api/v1/vouchers/redeem", redeem)
		if got[200] != 1 || got[409] != 99 {
			t.Fatalf("100 redemptions at once: %v", got)
		}
		if n := count(`SELECT COUNT(*) FROM voucher_redemptions WHERE voucher_id = ? AND entry_id = ?`, vid, entry); n != 1 {
			t.Fatalf("%d redemptions", n)
		}
		if n := records("voucher.redeemed") - redeemed0; n != 1 {
			t.Fatalf("%d redeemed records", n)
		}
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE entity = 'vouchers' AND action = 'redeem'`) - audits0; n != 1 {
			t.Fatalf("%d redemption audit entries", n)
		}

		// five wrong PINs lock another voucher, even with the right one after
		var v2 int64
		var s2 string
		if err := q.QueryRow(ctx, `SELECT id, serial FROM vouchers WHERE scheme_id = ? AND id <> ? ORDER BY id LIMIT 1`, sid, vid).Scan(&v2, &s2); err != nil {
			t.Fatal(err)
		}
		r = e.call(com, "POST", base+"/sheets", map[string]any{"community": demo.ZhongshanCode, "ids": fmt.Sprint(v2)})
		pin2 := r.Body["items"].([]any)[0].(map[string]any)["pin"].(string)
		w2 := "000000"
		if pin2 == w2 {
			w2 = "111111"
		}
		for i := range 5 {
			if r := e.call(prov, "POST", "/api/v1/vouchers/redeem", map[string]any{"serial": s2, "pin": w2}); r.Status != 422 {
				t.Fatalf("wrong PIN %d: %d", i, r.Status)
			}
		}
		if r := e.call(prov, "POST", "/api/v1/vouchers/redeem", map[string]any{"serial": s2, "pin": pin2}); r.Status != 429 {
			t.Fatalf("a locked voucher: %d %s", r.Status, r.Raw)
		}

		// an expired voucher is refused; the job expires it and returns its money
		if _, err := q.Exec(ctx, `UPDATE vouchers SET valid_until = '2026-01-01', pin_locked_until = NULL WHERE id = ?`, v2); err != nil {
			t.Fatal(err)
		}
		if r := e.call(prov, "POST", "/api/v1/vouchers/redeem", map[string]any{"serial": s2, "pin": pin2}); r.Status != 409 {
			t.Fatalf("an expired voucher: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); fs["serial"].Code != "voucher.expired" {
			t.Fatalf("expired: %s", r.Raw)
		}
		n, err := e.app.ExpireVouchers(ctx, gongzhi.SystemActor("test"))
		if err != nil || n != 1 {
			t.Fatalf("expire: %d %v", n, err)
		}
		if n, _ := e.app.ExpireVouchers(ctx, gongzhi.SystemActor("test")); n != 0 {
			t.Fatalf("expired twice: %d", n)
		}
		if err := q.QueryRow(ctx, `SELECT reserved FROM budgets WHERE id = ?`, budget).Scan(&reserved); err != nil || reserved != int64((2*eligible-1)*5000) {
			t.Fatalf("reserved after expiry %d", reserved)
		}

		// the month is settled: drafted, approved and paid, once each
		month := gongzhi.MonthOf(e.app.NowUTC())
		r = e.call(pur, "POST", base+"/statements", map[string]any{"month": month})
		if r.Status != 201 || len(r.Body["items"].([]any)) != 1 {
			t.Fatalf("statements: %d %s", r.Status, r.Raw)
		}
		st := int64(r.Body["items"].([]any)[0].(map[string]any)["id"].(float64))
		if r := e.call(pur, "POST", base+"/statements", map[string]any{"month": month}); r.Status != 409 {
			t.Fatalf("statements twice: %d", r.Status)
		}
		if got := e.burst(20, pur, "POST", fmt.Sprintf("/api/v1/voucher-statements/%d/approve", st), nil); got[200] != 1 || got[409] != 19 {
			t.Fatalf("approve at once: %v", got)
		}
		if got := e.burst(20, pur, "POST", fmt.Sprintf("/api/v1/voucher-statements/%d/pay", st), map[string]any{"paid_on": e.app.Today()}); got[200] != 1 || got[409] != 19 {
			t.Fatalf("pay at once: %v", got)
		}
		var spent int64
		if err := q.QueryRow(ctx, `SELECT spent FROM budgets WHERE id = ?`, budget).Scan(&spent); err != nil || spent != 5000 {
			t.Fatalf("spent %d %v", spent, err)
		}
		if n := count(`SELECT COUNT(*) FROM vouchers WHERE id = ? AND state = 'settled'`, vid); n != 1 {
			t.Fatal("the voucher is not settled")
		}
		if n := records("voucher.settled") + records("voucher.expired") - settled0; n != 2 {
			t.Fatalf("%d settled and expired records", n)
		}
		if r := e.call(prov, "GET", "/api/v1/voucher-statements", nil); r.Status != 200 || len(r.Body["items"].([]any)) != 1 {
			t.Fatalf("the provider's statements: %d %s", r.Status, r.Raw)
		}

		// the resident (linked to the holder) sees the voucher and rates it once
		if _, err := q.Exec(ctx, `UPDATE users SET person_id = ? WHERE username = 'zs-resident'`, holder); err != nil {
			t.Fatal(err)
		}
		if r := e.call(res, "GET", fmt.Sprintf("/api/v1/vouchers?scheme=%d", sid), nil); r.Status != 200 || len(r.Body["items"].([]any)) != 2 {
			t.Fatalf("the resident's vouchers: %d %s", r.Status, r.Raw)
		}
		path := fmt.Sprintf("/api/v1/vouchers/%d/rate", vid)
		if got := e.burst(20, res, "POST", path, map[string]any{"rating": 5, "comment": "服务周到"}); got[200] != 1 || got[409] != 19 {
			t.Fatalf("rate at once: %v", got)
		}
		r = e.call("", "GET", "/api/v1/public/vouchers/providers", nil)
		if r.Status != 200 || !strings.Contains(string(r.Raw), `"share":1`) || !strings.Contains(string(r.Raw), `"rating":5`) || strings.Contains(string(r.Raw), "服务周到") {
			t.Fatalf("public shares: %d %s", r.Status, r.Raw)
		}
		if r := e.call(pur, "GET", "/api/v1/vouchers/report?by=scheme", nil); r.Status != 200 || !strings.Contains(string(r.Raw), `"name":"独居老人居家服务券","issued":`+fmt.Sprint(2*eligible)+`,"redeemed":1,"expired":1,"settled":5000`) {
			t.Fatalf("report: %d %s", r.Status, r.Raw)
		}
		_ = xiyanghong

		// the ledger's records match the rows, except the voucher whose last day was edited in
		// the database directly above: the monitor reports that one
		if _, err := e.app.PubLog.Integrate(ctx); err != nil {
			t.Fatal(err)
		}
		rows, err := q.Query(ctx, `SELECT entry FROM publog_records WHERE idx IS NOT NULL ORDER BY idx`)
		if err != nil {
			t.Fatal(err)
		}
		var leaves [][]byte
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			leaves = append(leaves, []byte(s))
		}
		rows.Close()
		diffs, unchecked, err := publog.CompareDB(ctx, q, leaves)
		if err != nil {
			t.Fatal(err)
		}
		for k := range unchecked {
			if strings.HasPrefix(k, "voucher.") {
				t.Fatalf("voucher records unchecked: %v", unchecked)
			}
		}
		if len(diffs) != 1 || diffs[0].Type != "voucher.issued" || !strings.Contains(diffs[0].Detail, "valid_until") {
			t.Fatalf("the monitor reports %v, want the edited voucher's issue only", diffs)
		}
	})
}
