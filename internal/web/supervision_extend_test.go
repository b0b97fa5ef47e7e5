package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/jobs"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// The street office acts on an escalated order: a new deadline with a reason, and a talk with
// the contract prefilled; the row shows 已逾期, the history labels its dates.
func TestSupervisionExtendWeb(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		ct1, _ := supSigned(t, f)
		a, ctx := f.e.app, f.ctx
		p1 := f.provider("同心")
		var ins int64
		_, err := a.Inspections(ctx, f.hub, store.ListOptions{Filters: map[string]string{"month": "2027-01", "contract": fmt.Sprint(ct1)}},
			func(in *gongzhi.Inspection) error { ins = in.ID; return nil })
		f.must(err)
		if ins == 0 {
			_, err = a.EnsureInspections(ctx, f.hub, "2027-01")
			f.must(err)
			_, err = a.Inspections(ctx, f.hub, store.ListOptions{Filters: map[string]string{"month": "2027-01", "contract": fmt.Sprint(ct1)}},
				func(in *gongzhi.Inspection) error { ins = in.ID; return nil })
			f.must(err)
		}
		rec := gongzhi.InspectionRecord{InspectedOn: "2027-01-10", ProgressPct: 40, Progress: "已开展助餐服务12次", Results: "服务记录基本完整"}
		for _, k := range gongzhi.DefaultChecklist {
			rec.Checklist = append(rec.Checklist, gongzhi.CheckItem{Key: k, Result: gongzhi.CheckOK})
		}
		rec.Checklist[2] = gongzhi.CheckItem{Key: gongzhi.DefaultChecklist[2], Result: gongzhi.CheckFinding, Severity: gongzhi.SeverityMajor, Note: "签到表缺失"}
		_, err = a.RecordInspection(ctx, f.hub, ins, rec)
		f.must(err)
		x, err := a.RaiseRectification(ctx, f.hub, ins, gongzhi.RectificationOrder{CheckKey: gongzhi.DefaultChecklist[2], Requirement: "补齐签到表", Deadline: "2027-01-12"})
		f.must(err)
		f.at(time.Date(2027, 1, 15, 9, 0, 0, 0, gongzhi.ChinaTime))
		_, err = jobs.EscalateRectifications(ctx, a, a.Now())
		f.must(err)
		hub, pur := f.browser("gt-hub", false), f.browser("gt-purchaser", false)
		rpath := fmt.Sprintf("/supervision/rectifications/%d", x.ID)

		body := offPage(t, pur, "purchaser", rpath, 200)
		for _, want := range []string{"已逾期", "已上报购买方", "重新设定整改期限", fmt.Sprintf(`href="/supervision/talks/new?contract=%d"`, ct1), "原期限 2027-01-12", "整改期限 2027-01-12"} {
			if !strings.Contains(body, want) {
				t.Fatalf("purchaser's order page lacks %q", want)
			}
		}
		// the escalation is the rule's, not the purchaser's whose call found the order overdue
		if text := strings.Join(strings.Fields(tagRe.ReplaceAllString(body, " ")), " "); !strings.Contains(text, "系统 待整改 → 已上报购买方") {
			t.Errorf("the escalation is not shown as the system's: %s", text[max(0, strings.LastIndex(text, "处理记录")):])
		}
		if body := offPage(t, hub, "hub", rpath, 200); strings.Contains(body, "重新设定整改期限") {
			t.Fatal("the hub is offered a new deadline")
		}
		if body := offPage(t, pur, "purchaser", "/supervision?rect=active#rectifications", 200); !strings.Contains(body, "待整改 · 已逾期 · 已上报购买方") {
			t.Fatal("the overdue order's row lacks 已逾期")
		}
		// the talk form takes the contract
		body = offPage(t, pur, "purchaser", fmt.Sprintf("/supervision/talks/new?contract=%d", ct1), 200)
		if !strings.Contains(body, fmt.Sprintf(`value="%d" selected`, ct1)) {
			t.Fatal("the talk form does not preselect the contract")
		}

		// refusals, then the new deadline
		if st, body := supPost(t, pur, rpath, rpath+"/extend", url.Values{"deadline": {"2027-01-14"}, "reason": {"延期"}}); st != http.StatusConflict || !strings.Contains(body, "has-error") && !strings.Contains(body, "field-error") {
			t.Fatalf("a past deadline: %d", st)
		}
		tok := f.e.token(p1.User.Username)
		offRefused(t, f.e.call(tok, "POST", "/api/v1"+rpath[len("/supervision"):]+"/extend", map[string]any{"deadline": "2027-01-30", "reason": "延期"}), 403, "forbidden", "", "")
		if st, loc := supPost(t, pur, rpath, rpath+"/extend", url.Values{"deadline": {"2027-01-30"}, "reason": {"机构人员变动，同意延期"}}); st != http.StatusSeeOther || loc != rpath {
			t.Fatalf("extend: %d %s", st, loc)
		}
		body = offPage(t, pur, "purchaser", rpath, 200)
		for _, want := range []string{"2027-01-30", "新整改期限 2027-01-30", "机构人员变动，同意延期", "购买方重新设定整改期限"} {
			if !strings.Contains(body, want) {
				t.Fatalf("after the new deadline the page lacks %q", want)
			}
		}
		r := f.api(tok, "GET", "/api/v1"+rpath[len("/supervision"):], nil, 200)
		if r.Body["deadline"] != "2027-01-30" || r.Body["state"] != "open" {
			t.Fatalf("the provider sees %s", r.Raw)
		}
	})
}
