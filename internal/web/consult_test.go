package web_test

// Resident consultation (issue 13 part 1, docs/consultation.md), through the API on both
// databases: a body and its members from the registry; a resident raises a topic, which is due
// an answer in working days; a resident of another community is refused; 50 identical supports
// at once count once; the committee accepts once, declines another with a reason code, hides a
// comment with one; a hearing on the topic signs residents in by the door's code and by staff,
// once each, and its minutes end it; an idea contest takes ideas and supports and shortlists;
// the public page and API show it all with names masked; bad input writes nothing.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/consult"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// consultResident makes a resident account linked to a resident of the community (not yet
// linked to any account) and returns its token and person.
func consultResident(t *testing.T, e *env, username, community string) (string, int64) {
	t.Helper()
	ctx := context.Background()
	var person int64
	var name string
	if err := e.app.DB.Q().QueryRow(ctx, `SELECT p.id, p.name FROM people p JOIN households h ON h.id = p.household_id
		WHERE h.community_code = ? AND p.kind = 'resident' AND p.id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL)
		ORDER BY p.id LIMIT 1`, community).Scan(&person, &name); err != nil {
		t.Fatalf("a resident of %s: %v", community, err)
	}
	sys := gongzhi.SystemActor("test")
	u := &gongzhi.User{Username: username, DisplayName: name, Role: gongzhi.RoleResident, PlaceCode: community}
	if _, err := e.app.CreateUser(ctx, sys, u, demo.Password); err != nil {
		t.Fatal(err)
	}
	if err := e.app.LinkResidentAccount(ctx, sys, u.ID, person); err != nil {
		t.Fatal(err)
	}
	return e.token(username), person
}

func TestConsultation(t *testing.T) {
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
		id := func(r apiResp) int64 { return int64(r.Body["id"].(float64)) }
		com, res, grid, pur := e.token("zs-community"), e.token("zs-resident"), e.token("zs-grid"), e.token("gt-purchaser")
		res2, person2 := consultResident(t, e, "zs-resident-b", demo.ZhongshanCode)
		var other string // a resident of another community of the street
		if err := q.QueryRow(ctx, `SELECT code FROM places WHERE level = 5 AND code LIKE '320116004%' AND code <> ? ORDER BY code`,
			demo.ZhongshanCode).Scan(&other); err != nil {
			t.Fatal(err)
		}
		outsider, _ := consultResident(t, e, "other-resident", other)

		// bodies and members
		bodies := count(`SELECT COUNT(*) FROM consult_bodies`)
		if r := e.call(com, "POST", "/api/v1/consult/bodies", map[string]any{"kind": "nonsense", "name": ""}); r.Status != 422 {
			t.Fatalf("bad body: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); fs["kind"].Code == "" || fs["name"].Code == "" {
			t.Fatalf("bad body: every field named? %s", r.Raw)
		}
		if r := e.call(res, "POST", "/api/v1/consult/bodies", map[string]any{"kind": "deliberation", "name": "议事委员会"}); r.Status != 403 {
			t.Fatalf("a resident makes a body: %d", r.Status)
		}
		if n := count(`SELECT COUNT(*) FROM consult_bodies`); n != bodies {
			t.Fatalf("refused bodies wrote %d rows", n-bodies)
		}
		r := e.call(com, "POST", "/api/v1/consult/bodies", map[string]any{"kind": "deliberation", "name": "测试议事委员会"})
		if r.Status != 201 {
			t.Fatalf("body: %d %s", r.Status, r.Raw)
		}
		body := id(r)
		member := map[string]any{"person_id": person2, "role": "resident_rep", "term_from": "2026-01-01"}
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/consult/bodies/%d/members", body), member); r.Status != 201 {
			t.Fatalf("member: %d %s", r.Status, r.Raw)
		}
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/consult/bodies/%d/members", body), member); r.Status != 409 {
			t.Fatalf("the same member twice: %d %s", r.Status, r.Raw)
		}
		var outsiderPerson int64
		q.QueryRow(ctx, `SELECT person_id FROM users WHERE username = 'other-resident'`).Scan(&outsiderPerson)
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/consult/bodies/%d/members", body), map[string]any{"person_id": outsiderPerson,
			"role": "member", "term_from": "2026-01-01"}); r.Status != 422 {
			t.Fatalf("a member from another community: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); fs["person_id"].Code != "consult.person_not_here" {
			t.Fatalf("a member from another community: %s", r.Raw)
		}

		// a resident raises a topic; its answer is due in working days
		r = e.call(res, "POST", "/api/v1/consult/topics", map[string]any{"title": "小区南门加装非机动车充电桩", "body": "电动车在楼道充电有火灾隐患。",
			"place_code": other})
		if r.Status != 201 {
			t.Fatalf("topic: %d %s", r.Status, r.Raw)
		}
		topic := id(r)
		if r.Body["place_code"] != demo.ZhongshanCode || r.Body["state"] != "raised" || r.Body["source"] != "resident" {
			t.Fatalf("a resident's topic is in their own community, raised: %s", r.Raw)
		}
		due, _ := time.ParseInLocation(time.DateOnly, r.Body["accept_by"].(string), gongzhi.ChinaTime)
		if days := time.Until(due).Hours() / 24; days < 3 || days > 12 {
			t.Fatalf("answer due %v: not %d working days away", r.Body["accept_by"], gongzhi.TopicAnswerDays)
		}
		if r := e.call(res, "POST", "/api/v1/consult/topics", map[string]any{"title": ""}); r.Status != 422 {
			t.Fatalf("a topic without a title: %d", r.Status)
		}
		r = e.call(grid, "POST", "/api/v1/consult/topics", map[string]any{"title": "三号楼外墙瓷砖脱落", "place_code": demo.ZhongshanCode})
		if r.Status != 201 || r.Body["source"] != "grid" {
			t.Fatalf("grid worker's topic: %d %s", r.Status, r.Raw)
		}
		declined := id(r)
		r = e.call(com, "POST", "/api/v1/consult/topics", map[string]any{"title": "楼道堆物清理", "source": "paper", "person_id": person2,
			"place_code": demo.ZhongshanCode})
		if r.Status != 201 || r.Body["source"] != "paper" || r.Body["raised_by"] == "" {
			t.Fatalf("paper topic: %d %s", r.Status, r.Raw)
		}
		merged := id(r)

		// residents of the community comment; a resident of another community is refused
		comments := count(`SELECT COUNT(*) FROM consult_comments`)
		r = e.call(outsider, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/comments", topic), map[string]any{"body": "我也支持"})
		if code, _ := errOf(r); r.Status != 403 || code != "forbidden" || !strings.Contains(string(r.Raw), "只有本社区居民") {
			t.Fatalf("a resident of another community comments: %d %s", r.Status, r.Raw)
		}
		if r := e.call(outsider, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/support", topic), nil); r.Status != 403 {
			t.Fatalf("a resident of another community supports: %d", r.Status)
		}
		if r := e.call(res2, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/comments", topic), map[string]any{"body": ""}); r.Status != 422 {
			t.Fatalf("an empty comment: %d", r.Status)
		}
		if n := count(`SELECT COUNT(*) FROM consult_comments`); n != comments {
			t.Fatalf("refused comments wrote %d rows", n-comments)
		}
		r = e.call(res2, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/comments", topic), map[string]any{"body": "建议装在南门车棚，夜间有照明。"})
		if r.Status != 201 {
			t.Fatalf("comment: %d %s", r.Status, r.Raw)
		}
		r = e.call(res, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/comments", topic), map[string]any{"kind": "proposal", "body": "反方案：装在北门，离楼远。电话 13912345678"})
		if r.Status != 201 {
			t.Fatalf("counter-proposal: %d %s", r.Status, r.Raw)
		}
		hideMe := id(r)

		// 50 identical supports at once: one counted
		got := e.burst(50, res, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/support", topic), nil)
		if got[200] != 1 || got[409] != 49 {
			t.Fatalf("50 supports at once: %v", got)
		}
		if n := count(`SELECT supports FROM consult_topics WHERE id = ?`, topic); n != 1 {
			t.Fatalf("supports counted %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM consult_supports WHERE topic_id = ?`, topic); n != 1 {
			t.Fatalf("support rows %d", n)
		}
		if r := e.call(res2, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/support", topic), nil); r.Status != 200 || r.Body["supports"].(float64) != 2 {
			t.Fatalf("a second resident's support: %d %s", r.Status, r.Raw)
		}

		// the committee answers: accept once, merge, decline with a reason code
		if r := e.call(res, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/accept", topic), nil); r.Status != 403 {
			t.Fatalf("a resident accepts: %d", r.Status)
		}
		got = e.burst(50, com, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/accept", topic), nil)
		if got[200] != 1 || got[409] != 49 {
			t.Fatalf("50 accepts at once: %v", got)
		}
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/merge", merged), map[string]any{"into": merged}); r.Status != 422 {
			t.Fatalf("a topic merged into itself: %d %s", r.Status, r.Raw)
		}
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/merge", merged), map[string]any{"into": topic}); r.Status != 200 || r.Body["merged_into"].(float64) != float64(topic) {
			t.Fatalf("merge: %d %s", r.Status, r.Raw)
		}
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/decline", declined), map[string]any{"reason": "other"}); r.Status != 422 {
			t.Fatalf("declined as other without words: %d %s", r.Status, r.Raw)
		} else if _, fs := errOf(r); fs["words"].Code != "required" {
			t.Fatalf("declined as other without words: %s", r.Raw)
		}
		if n := count(`SELECT COUNT(*) FROM consult_topics WHERE id = ? AND state = 'raised'`, declined); n != 1 {
			t.Fatal("a refused decline changed the topic")
		}
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/consult/topics/%d/decline", declined), map[string]any{"reason": "not_community", "words": "外墙维修属物业公司责任，已转交物业。"}); r.Status != 200 {
			t.Fatalf("decline: %d %s", r.Status, r.Raw)
		}
		var reason string
		q.QueryRow(ctx, `SELECT reason FROM consult_topics WHERE id = ?`, declined).Scan(&reason)
		if !strings.Contains(reason, `"code":"consult.decline.not_community"`) {
			t.Fatalf("the reason is stored as a code with arguments: %s", reason)
		}

		// moderation: hidden with a reason, kept, its text shown to staff only
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/consult/comments/%d/hide", hideMe), map[string]any{"reason": "personal_data"}); r.Status != 200 {
			t.Fatalf("hide: %d %s", r.Status, r.Raw)
		}
		if r := e.call(com, "POST", fmt.Sprintf("/api/v1/consult/comments/%d/hide", hideMe), map[string]any{"reason": "personal_data"}); r.Status != 409 {
			t.Fatalf("hidden twice: %d", r.Status)
		}
		r = e.call(res2, "GET", fmt.Sprintf("/api/v1/consult/topics/%d", topic), nil)
		if r.Status != 200 || strings.Contains(string(r.Raw), "13912345678") || !strings.Contains(string(r.Raw), `"hidden":true`) {
			t.Fatalf("a hidden comment's text reached a resident: %s", r.Raw)
		}
		if r := e.call(com, "GET", fmt.Sprintf("/api/v1/consult/topics/%d", topic), nil); !strings.Contains(string(r.Raw), "13912345678") {
			t.Fatalf("staff do not see the hidden text: %s", r.Raw)
		}

		// a hearing on the topic: QR sign-in at the door and by staff, once each; minutes end it
		r = e.call(com, "POST", "/api/v1/consult/meetings", map[string]any{"kind": "hearing", "title": "充电桩选址听证会",
			"starts_at": time.Now().Add(time.Hour).Format(time.RFC3339), "location": "社区党群服务中心二楼", "topic_id": topic, "agenda": "一、介绍方案\n二、居民发言"})
		if r.Status != 201 {
			t.Fatalf("meeting: %d %s", r.Status, r.Raw)
		}
		meeting := id(r)
		base := fmt.Sprintf("/api/v1/consult/meetings/%d", meeting)
		r = e.call(com, "POST", base+"/signin-open", nil)
		url, _ := r.Body["signin_url"].(string)
		if r.Status != 200 || !strings.Contains(url, "/consult/signin/") {
			t.Fatalf("open sign-in: %d %s", r.Status, r.Raw)
		}
		key := url[strings.LastIndex(url, "/")+1:]
		if r := e.call(res2, "GET", base, nil); strings.Contains(string(r.Raw), key) {
			t.Fatal("a resident reads the door's sign-in key")
		}
		got = e.burst(30, res, "POST", "/api/v1/consult/signin", map[string]any{"key": key})
		if got[201] != 1 || got[409] != 29 {
			t.Fatalf("30 QR sign-ins at once: %v", got)
		}
		if r := e.call(outsider, "POST", "/api/v1/consult/signin", map[string]any{"key": key}); r.Status != 403 {
			t.Fatalf("a resident of another community signs in: %d %s", r.Status, r.Raw)
		}
		if r := e.call(res2, "POST", "/api/v1/consult/signin", map[string]any{"key": "wrong"}); r.Status != 404 {
			t.Fatalf("a wrong key: %d", r.Status)
		}
		if r := e.call(com, "POST", base+"/attendees", map[string]any{"person_id": person2}); r.Status != 201 {
			t.Fatalf("staff sign-in: %d %s", r.Status, r.Raw)
		}
		if r := e.call(com, "POST", base+"/attendees", map[string]any{"person_id": outsiderPerson}); r.Status != 422 {
			t.Fatalf("staff sign in a person of another community: %d", r.Status)
		}
		if r := e.call(com, "POST", base+"/speakers", map[string]any{"person_id": person2, "summary": "支持南门方案。"}); r.Status != 201 {
			t.Fatalf("speaker: %d %s", r.Status, r.Raw)
		}
		if r := e.call(com, "POST", base+"/proposals", map[string]any{"title": "南门车棚方案", "tabled_by": "议事委员会"}); r.Status != 201 {
			t.Fatalf("proposal: %d %s", r.Status, r.Raw)
		}
		if r := e.call(com, "POST", base+"/minutes", map[string]any{"minutes": ""}); r.Status != 422 {
			t.Fatalf("empty minutes: %d", r.Status)
		}
		if r := e.call(com, "POST", base+"/minutes", map[string]any{"minutes": "到会居民一致同意在南门车棚加装充电桩。"}); r.Status != 200 || r.Body["state"] != "held" {
			t.Fatalf("minutes: %d %s", r.Status, r.Raw)
		}
		if r := e.call(res2, "POST", "/api/v1/consult/signin", map[string]any{"key": key}); r.Status != 404 {
			t.Fatalf("the door's code after the meeting: %d", r.Status)
		}
		r = e.call(pur, "GET", base, nil)
		if r.Status != 200 || len(r.Body["attendee_list"].([]any)) != 2 || len(r.Body["speakers"].([]any)) != 1 {
			t.Fatalf("the street reads the meeting: %d %s", r.Status, r.Raw)
		}

		// an idea contest
		today := time.Now().In(gongzhi.ChinaTime)
		r = e.call(com, "POST", "/api/v1/consult/contests", map[string]any{"title": "微更新金点子", "theme": "口袋公园", "opens_on": today.Format(time.DateOnly),
			"closes_on": today.AddDate(0, 0, -1).Format(time.DateOnly)})
		if r.Status != 422 {
			t.Fatalf("a contest closing before it opens: %d %s", r.Status, r.Raw)
		}
		r = e.call(com, "POST", "/api/v1/consult/contests", map[string]any{"title": "微更新金点子", "theme": "口袋公园", "opens_on": today.Format(time.DateOnly),
			"closes_on": today.AddDate(0, 0, 30).Format(time.DateOnly)})
		if r.Status != 201 {
			t.Fatalf("contest: %d %s", r.Status, r.Raw)
		}
		contest := id(r)
		r = e.call(res2, "POST", fmt.Sprintf("/api/v1/consult/contests/%d/ideas", contest), map[string]any{"title": "废弃花坛改成共享菜园"})
		if r.Status != 201 {
			t.Fatalf("idea: %d %s", r.Status, r.Raw)
		}
		idea := id(r)
		got = e.burst(50, res, "POST", fmt.Sprintf("/api/v1/consult/ideas/%d/support", idea), nil)
		if got[200] != 1 || got[409] != 49 {
			t.Fatalf("50 idea supports at once: %v", got)
		}
		if r := e.call(outsider, "POST", fmt.Sprintf("/api/v1/consult/ideas/%d/support", idea), nil); r.Status != 403 {
			t.Fatalf("an outsider supports an idea: %d", r.Status)
		}
		got = e.burst(50, com, "POST", fmt.Sprintf("/api/v1/consult/ideas/%d/shortlist", idea), map[string]any{"reason": "low_cost", "words": "利用现有花坛"})
		if got[200] != 1 || got[409] != 49 {
			t.Fatalf("50 shortlists at once: %v", got)
		}
		r = e.call(res, "GET", fmt.Sprintf("/api/v1/consult/contests/%d", contest), nil)
		if ideas := r.Body["idea_list"].([]any); len(ideas) != 1 || ideas[0].(map[string]any)["supports"].(float64) != 1 || ideas[0].(map[string]any)["shortlisted"] != true {
			t.Fatalf("contest: %s", r.Raw)
		}

		// the public page and API: no account, names masked, overdue shown
		anon := e.browser()
		st, page := anon.get("/public/consult/" + demo.ZhongshanCode)
		if st != 200 || !strings.Contains(page, "小区南门加装非机动车充电桩") || !strings.Contains(page, "充电桩选址听证会") || !strings.Contains(page, "微更新金点子") {
			t.Fatalf("public page: %d", st)
		}
		st, page = anon.get(fmt.Sprintf("/consult/topics/%d", topic))
		if st != 200 || !strings.Contains(page, "议题进程") || strings.Contains(page, "13912345678") {
			t.Fatalf("public topic page: %d", st)
		}
		st, page = anon.get(fmt.Sprintf("/consult/meetings/%d/sheet", meeting))
		if st != 200 || !strings.Contains(page, "到会居民一致同意") {
			t.Fatalf("minutes sheet: %d", st)
		}
		var fullName string
		q.QueryRow(ctx, `SELECT name FROM people WHERE id = ?`, person2).Scan(&fullName)
		if strings.Contains(page, fullName) {
			t.Fatalf("the public sheet names %s in full", fullName)
		}
		res3, err := http.Get(e.srv.URL + fmt.Sprintf("/consult/meetings/%d/minutes.xlsx", meeting))
		if err != nil || res3.StatusCode != 200 || !strings.Contains(res3.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("minutes.xlsx: %v %v", err, res3)
		}
		res3.Body.Close()
		if r := e.call("", "GET", "/api/v1/public/consult/"+demo.ZhongshanCode, nil); r.Status != 200 || len(r.Body["topics"].([]any)) < 3 {
			t.Fatalf("public API: %d %s", r.Status, r.Raw)
		}
		// an unanswered topic past its deadline is shown overdue
		r = e.call(res2, "POST", "/api/v1/consult/topics", map[string]any{"title": "垃圾分类亭搬离窗下"})
		if r.Status != 201 {
			t.Fatalf("topic: %d %s", r.Status, r.Raw)
		}
		late := id(r)
		ac := &gongzhi.Actor{User: e.user("zs-community"), Via: "test"}
		if err := e.app.ScopeFor(ctx, ac); err != nil {
			t.Fatal(err)
		}
		later := time.Now().AddDate(0, 1, 0)
		e.app.Now = func() time.Time { return later }
		overdue, err := e.app.ConsultService.Topics(ctx, ac, consult.TopicFilter{Community: demo.ZhongshanCode, Overdue: true})
		found := false
		for _, tp := range overdue {
			if !tp.Overdue || tp.State != gongzhi.TopicRaised {
				t.Errorf("topic %d listed overdue: %s, overdue %v", tp.ID, tp.State, tp.Overdue)
			}
			found = found || tp.ID == late
		}
		if err != nil || !found {
			t.Fatalf("the topic unanswered a month on is not overdue: %v", err)
		}
		e.app.Now = time.Now
		if n := count(`SELECT COUNT(*) FROM audit_log WHERE entity LIKE 'consult_%'`); n < 15 {
			t.Fatalf("only %d audit entries of consultation", n)
		}
	})
}
