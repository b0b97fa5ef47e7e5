package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// The purchaser bars an organization from calls by hand, with the reason and the last day, and
// lifts a bar early, on the bars page and through the API; the organization's page lists every
// bar with its state; the hub and the auditor read them, a provider does not; every decision is
// audited.
func TestBarOrganizationByHand(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		orgID := f.streetOrg()
		bars, page := fmt.Sprintf("/organizations/%d/bars", orgID), fmt.Sprintf("/organizations/%d", orgID)
		api := "/api/v1" + bars

		// the purchaser's page: no bar yet, and the form
		pb := f.browser("gt-purchaser", false)
		body := offPage(t, pb, "purchaser", bars, 200)
		if !strings.Contains(body, "该组织没有禁入记录") || !strings.Contains(body, `action="`+bars+`"`) {
			t.Fatalf("the empty bars page: %s", tagRe.ReplaceAllString(body, " "))
		}
		if body := offPage(t, pb, "purchaser", page, 200); !strings.Contains(body, `href="`+bars+`"`) || !strings.Contains(body, "禁入记录") {
			t.Fatal("the organization's page does not link to its bars")
		}
		// bad input is shown beside its field and nothing is written
		st, body := offPost(t, pb, bars, bars, url.Values{"until": {"2026-11-29"}, "reason": {"严重违约"}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("a last day in the past: %d", st)
		}
		offBeside(t, body, "field-until", "截止日不能早于今天")
		st, body = offPost(t, pb, bars, bars, url.Values{"until": {"2027-06-30"}, "reason": {"  "}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("no reason: %d", st)
		}
		if !strings.Contains(body, `id="field-reason"`) || !strings.Contains(body, "has-error") {
			t.Fatal("the missing reason is not marked")
		}
		if got, err := f.e.app.Bars(f.ctx, f.pur, orgID); err != nil || len(got) != 0 {
			t.Fatalf("refused bars were written: %v %v", got, err)
		}
		// a bar decided on the page
		if st, loc := offPost(t, pb, bars, bars, url.Values{"until": {"2027-06-30"}, "reason": {"严重违约：连续两月未开展服务"}}); st != http.StatusSeeOther || loc != bars {
			t.Fatalf("bar: %d %s", st, loc)
		}
		body = offPage(t, pb, "purchaser", bars, 200)
		for _, want := range []string{"2026-11-30 – 2027-06-30", "严重违约：连续两月未开展服务", "生效中", "/lift"} {
			if !strings.Contains(body, want) {
				t.Errorf("the bars page lacks %q", want)
			}
		}
		body = offPage(t, pb, "purchaser", page, 200)
		if !strings.Contains(body, "严重违约：连续两月未开展服务") || !strings.Contains(body, "生效中") {
			t.Error("the organization's page does not list the bar")
		}

		// the hub and the auditor read, in English too; they may not decide; a provider sees nothing
		hb := f.browser("gt-hub", true)
		if body := offPage(t, hb, "hub", bars, 200); strings.Contains(body, "/lift") || strings.Contains(body, `action="`+bars+`"`) || !strings.Contains(body, "In force") {
			t.Error("the hub's bars page")
		}
		offPage(t, hb, "hub", page, 200)
		if st, _ := hb.post(bars, url.Values{"csrf": {hb.csrf(bars)}, "until": {"2027-06-30"}, "reason": {"x"}}); st != http.StatusForbidden {
			t.Errorf("the hub bars: %d", st)
		}
		hub, aud := f.e.token("gt-hub"), f.e.token("gt-auditor")
		if r := f.api(aud, "GET", api, nil, 200); len(offItems(r)) != 1 || offItems(r)[0]["reason"] != "严重违约：连续两月未开展服务" {
			t.Fatalf("the auditor's list: %s", r.Raw)
		}
		f.api(hub, "POST", api, map[string]any{"until": "2027-06-30", "reason": "x"}, 403)
		prov := f.e.token("gt-provider")
		if r := f.e.call(prov, "GET", api, nil); r.Status != 403 && r.Status != 404 {
			t.Errorf("a provider reads bars: %d", r.Status)
		}

		// the API: refusals, a second bar, lifting it, lifting it again
		pur := f.e.token("gt-purchaser")
		offRefused(t, f.e.call(pur, "POST", api, map[string]any{"until": "2027-13-01", "reason": "违约"}), 422, "invalid", "until", "")
		offRefused(t, f.e.call(pur, "POST", api, map[string]any{"until": "2027-06-30", "reason": "违约", "org_id": 1}), 422, "invalid", "", "")
		f.api(pur, "POST", "/api/v1/organizations/999999/bars", map[string]any{"until": "2027-06-30", "reason": "违约"}, 404)
		r := f.api(pur, "POST", api, map[string]any{"until": "2027-03-31", "reason": "合同履约检查未通过"}, 201)
		second := offNum(r.Body["id"])
		if offNum(r.Body["org_id"]) != orgID || r.Body["lifted"] != false {
			t.Fatalf("the second bar: %s", r.Raw)
		}
		f.api(hub, "POST", fmt.Sprintf("%s/%d/lift", api, second), nil, 403)
		f.api(pur, "POST", fmt.Sprintf("/api/v1/organizations/%d/bars/%d/lift", orgID+1000, second), nil, 404)
		if r := f.api(pur, "POST", fmt.Sprintf("%s/%d/lift", api, second), nil, 200); r.Body["lifted"] != true {
			t.Fatalf("lift: %s", r.Raw)
		}
		offRefused(t, f.e.call(pur, "POST", fmt.Sprintf("%s/%d/lift", api, second), nil), 409, "conflict", "bar", "")

		// lifting the first on the page
		got, err := f.e.app.Bars(f.ctx, f.pur, orgID)
		f.must(err)
		if len(got) != 2 || got[0].ID != second || !got[0].Lifted || got[1].Lifted {
			t.Fatalf("bars: %+v", got)
		}
		first := got[1].ID
		if st, loc := offPost(t, pb, bars, fmt.Sprintf("%s/%d/lift", bars, first), url.Values{}); st != http.StatusSeeOther || loc != bars {
			t.Fatalf("lift on the page: %d %s", st, loc)
		}
		body = offPage(t, pb, "purchaser", bars, 200)
		if strings.Count(body, "已提前解除") != 2 || strings.Contains(body, "/lift") {
			t.Errorf("after lifting both: %s", tagRe.ReplaceAllString(body, " "))
		}
		// a bar whose last day has passed has ended
		f.api(pur, "POST", api, map[string]any{"until": "2027-01-31", "reason": "短期禁入"}, 201)
		f.at(offStart.AddDate(0, 3, 0))
		pb = f.browser("gt-purchaser", false) // the session has expired meanwhile
		if body := offPage(t, pb, "purchaser", page, 200); !strings.Contains(body, "已到期") || strings.Count(body, "已提前解除") != 2 {
			t.Error("the organization's page does not show the ended bar beside the lifted ones")
		}
		if body := offPage(t, pb, "purchaser", bars, 200); strings.Contains(body, "/lift") {
			t.Error("an ended bar can still be lifted")
		}

		// every decision in the audit log
		var actions []string
		_, err = db.Q().ListAudit(context.Background(), store.ListOptions{Filters: map[string]string{"entity": purchase.ResIneligible}},
			func(e *gongzhi.AuditEntry) error {
				actions = append(actions, e.Action+" "+e.Note)
				return nil
			})
		f.must(err)
		want := map[string]int{"create ": 3, "update lifted": 2}
		for _, a := range actions {
			want[a]--
		}
		for a, n := range want {
			if n != 0 {
				t.Errorf("audit %q: %d more or fewer than expected in %v", a, n, actions)
			}
		}
	})
}
