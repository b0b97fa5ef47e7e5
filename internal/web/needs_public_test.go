package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// Public needs (issue 11 item 15), through the API and the pages: the office publishes a need
// once (never one holding personal data); anyone reads the published needs of a community;
// a resident of that community supports it once — fifty identical requests at once give one
// support — and comments; the community hides a comment with the reason; and a need answered
// by a project links to the call and the contract.
func TestPublicNeeds(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		o := &onceFix{partyFix: f, db: db}
		e := f.e
		pur, res, com := e.token("gt-purchaser"), e.token("zs-resident"), e.token("zs-community")
		record := func(community, text string) int64 {
			t.Helper()
			r := e.call(pur, "POST", "/api/v1/needs", map[string]any{"community_code": community, "target_group": "elderly_alone",
				"category_code": "elderly_home_care", "description": text, "people_affected": 12, "source": "household_visit"})
			if r.Status != 201 {
				t.Fatalf("record need: %d %s", r.Status, r.Raw)
			}
			return offNum(r.Body["id"])
		}
		id := record(demo.ZhongshanCode, "幸福里小区高龄老人就医无人陪同，希望有陪诊服务。")
		path := fmt.Sprintf("/api/v1/needs/%d", id)
		// not published: not public
		if r := e.call("", "GET", fmt.Sprintf("/api/v1/public/needs/%d", id), nil); r.Status != 404 {
			t.Fatalf("an unpublished need is public: %d", r.Status)
		}
		// a resident may not publish; a description with a phone number is refused
		if r := e.call(res, "POST", path+"/publish", nil); r.Status != 403 {
			t.Fatalf("a resident publishes: %d", r.Status)
		}
		bad := record(demo.ZhongshanCode, "联系人电话13812345678，请尽快安排。")
		if r := e.call(pur, "POST", fmt.Sprintf("/api/v1/needs/%d/publish", bad), nil); r.Status != 422 {
			t.Fatalf("a need holding a phone number published: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); fs["description"].Code != "personal.phone" {
			t.Fatalf("refusal %s", r.Raw)
		}
		o.once("publish", onceReq{pur, "POST", path + "/publish", ""}, 200, "state", "need.already_published", written{0, 1})

		// anyone reads the community's published needs, with no contact
		r := e.call("", "GET", "/api/v1/public/needs?community="+demo.ZhongshanCode, nil)
		if r.Status != 200 || !strings.Contains(string(r.Raw), "陪诊服务") || strings.Contains(string(r.Raw), "contact") {
			t.Fatalf("public list: %d %s", r.Status, r.Raw)
		}
		// support: once per resident, whatever arrives together
		won := o.once("support", onceReq{res, "POST", path + "/support", ""}, 201, "need_id", "need.already_supported", written{0, 1})
		if won["supports"] != float64(1) || won["supported"] != true {
			t.Fatalf("after supporting: %v", won)
		}
		var n int
		f.must(db.Q().QueryRow(f.ctx, `SELECT COUNT(*) FROM need_supports WHERE need_id = ?`, id).Scan(&n))
		if n != 1 {
			t.Fatalf("%d supports stored", n)
		}
		// staff do not support; a need of another community is not the resident's
		if r := e.call(com, "POST", path+"/support", nil); r.Status != 403 {
			t.Fatalf("community staff support: %d", r.Status)
		}
		other := record("320116004005", "小区路灯损坏，老人夜间出行不便。")
		f.must(e.app.PublishNeed(f.ctx, f.pur, other))
		if r := e.call(res, "POST", fmt.Sprintf("/api/v1/needs/%d/support", other), nil); r.Status != 404 {
			t.Fatalf("support of another community's need: %d", r.Status)
		}

		// comments: personal data refused; one posted; hidden by the community with a reason
		if r := e.call(res, "POST", path+"/comments", map[string]string{"body": "有事打我电话13812345678"}); r.Status != 422 {
			t.Fatalf("a comment with a phone number: %d", r.Status)
		}
		r = e.call(res, "POST", path+"/comments", map[string]string{"body": "我母亲每月去鼓楼医院复查，很需要有人陪同。"})
		if r.Status != 201 || r.Body["author"] == "" {
			t.Fatalf("comment: %d %s", r.Status, r.Raw)
		}
		comment := offNum(r.Body["id"])
		r = e.call(res, "POST", path+"/comments", map[string]string{"body": "楼下广场舞太吵了"})
		off := offNum(r.Body["id"])
		if r := e.call(res, "POST", fmt.Sprintf("/api/v1/need-comments/%d/hide", off), map[string]string{"reason": "x"}); r.Status != 403 {
			t.Fatalf("a resident hides a comment: %d", r.Status)
		}
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/need-comments/%d/hide", off), map[string]string{"reason": ""}); r.Status != 422 {
			t.Fatalf("hiding without a reason: %d", r.Status)
		}
		o.once("hide", onceReq{com, "POST", fmt.Sprintf("/api/v1/need-comments/%d/hide", off), `{"reason":"与本需求无关"}`}, 200, "state", "need.comment_hidden", written{0, 1})
		pub := e.call("", "GET", fmt.Sprintf("/api/v1/public/needs/%d", id), nil)
		if pub.Status != 200 || !strings.Contains(string(pub.Raw), "鼓楼医院") || strings.Contains(string(pub.Raw), "广场舞") {
			t.Fatalf("the public sees hidden comments, or not the visible one: %s", pub.Raw)
		}
		mod := e.call(com, "GET", fmt.Sprintf("/api/v1/public/needs/%d", id), nil)
		if !strings.Contains(string(mod.Raw), "广场舞") || !strings.Contains(string(mod.Raw), "与本需求无关") {
			t.Fatalf("the community does not see the hidden comment with its reason: %s", mod.Raw)
		}
		_ = comment

		// answered: a project whose application names the need links need → call → contract
		var ct *gongzhi.Contract
		_, err := e.app.Contracts(f.ctx, f.pur, store.ListOptions{Filters: map[string]string{"state": gongzhi.ContractSigned}, Limit: 1},
			func(c *gongzhi.Contract) error { ct = c; return nil })
		f.must(err)
		if ct == nil {
			t.Fatal("no signed contract in the demo")
		}
		_, err = db.Q().Exec(f.ctx, `INSERT INTO application_needs (application_id, need_id) VALUES (?, ?)`, ct.ApplicationID, id)
		f.must(err)
		pub = e.call("", "GET", fmt.Sprintf("/api/v1/public/needs/%d", id), nil)
		need := pub.Body["need"].(map[string]any)
		answers, _ := need["answers"].([]any)
		if len(answers) == 0 || offNum(answers[0].(map[string]any)["contract_id"]) != ct.ID || offNum(answers[0].(map[string]any)["call_id"]) != ct.CallID {
			t.Fatalf("answers %s", pub.Raw)
		}

		// the pages: anyone sees the list; the resident supports and comments from the pages
		b := e.browser()
		if st, page := b.get("/public/needs/published?community=" + demo.ZhongshanCode); st != 200 || !strings.Contains(page, "陪诊服务") ||
			!strings.Contains(page, "支持 1") || !strings.Contains(page, fmt.Sprintf(`href="/public/contracts/%d"`, ct.ID)) || strings.Contains(page, "我支持") {
			t.Fatalf("the public list page: %d", st)
		}
		rb := f.signedIn("zs-resident")
		fresh := record(demo.ZhongshanCode, "社区缺少老年大学课程，希望开设书法班。")
		f.must(e.app.PublishNeed(f.ctx, f.pur, fresh))
		_, page := rb.get("/public/needs/published")
		if !strings.Contains(page, "书法班") || !strings.Contains(page, fmt.Sprintf(`action="/public/needs/%d/support"`, fresh)) {
			t.Fatal("the resident's own community's needs, with a support button, are not shown")
		}
		csrf := rb.csrf("/public/needs/published")
		if st, loc := rb.post(fmt.Sprintf("/public/needs/%d/support", fresh), url.Values{"csrf": {csrf}}); st != http.StatusSeeOther {
			t.Fatalf("support from the page: %d %s", st, loc)
		}
		if st, body := rb.post(fmt.Sprintf("/public/needs/%d/comments", fresh), url.Values{"csrf": {csrf}, "body": {"请打电话13912345678"}}); st != 422 ||
			!strings.Contains(body, `name="body"`) {
			t.Fatalf("a bad comment from the page: %d %s", st, body)
		}
		if st, _ := rb.post(fmt.Sprintf("/public/needs/%d/comments", fresh), url.Values{"csrf": {csrf}, "body": {"支持开设书法班！"}}); st != http.StatusSeeOther {
			t.Fatalf("comment from the page: %d", st)
		}
		_, page = rb.get(fmt.Sprintf("/public/needs/%d", fresh))
		if !strings.Contains(page, "支持开设书法班！") || !strings.Contains(page, "您已支持") {
			t.Fatal("the need's page lacks the comment or the support")
		}
		cb := f.signedIn("zs-community")
		if _, page = cb.get(fmt.Sprintf("/public/needs/%d", id)); !strings.Contains(page, "隐藏留言") || !strings.Contains(page, "与本需求无关") {
			t.Fatal("the community's view has no moderation")
		}
	})
}
