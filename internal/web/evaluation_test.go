// Evaluation over HTTP, on both databases: the purchaser starts a final round on the page (a
// panel short of a residents' representative is refused beside the form), the expert scores
// through the API (twice is refused), the hub transcribes a paper sheet on the page, the
// purchaser finalizes, publishing with a phone number is refused, then published; the public
// page shows the grade without members; another provider sees nothing.

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// evSigned takes a call of the demo street through review to a signed contract of 同心.
func evSigned(f *offFix) *gongzhi.Contract {
	f.t.Helper()
	a, ctx := f.e.app, f.ctx
	b := &gongzhi.Budget{PlaceCode: demo.StreetCode, FiscalYear: 2026, Level: "street", Fund: "fiscal", Name: "评估测试资金", Amount: gongzhi.Yuan(500_000)}
	f.must(a.CreateBudget(ctx, f.pur, b))
	now := a.Now()
	c := &gongzhi.Call{PlaceCode: demo.StreetCode, Kind: "venture_philanthropy", Title: "葛塘街道社区公益创投（评估）", Categories: []string{"elderly_home_care"},
		BudgetID: b.ID, Amount: gongzhi.Yuan(200_000), Bands: []gongzhi.FundingBand{{Name: "资助档", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: now, ClosesAt: now.Add(10 * 24 * time.Hour), Eligibility: []string{"登记的社会组织"}, RequireRegistered: false, ExcludeIneligible: true}
	f.must(a.CreateCall(ctx, f.pur, c))
	f.must(a.OpenCall(ctx, f.pur, c.ID))
	app := f.apply(c.ID, f.provider("同心"), "长者助餐“幸福食堂”", 80_000)
	f.at(c.ClosesAt.Add(time.Hour))
	return f.signCall(c, []int64{app}, []*gongzhi.Actor{f.provider("同心")}, map[int64]gongzhi.Points{app: 8000},
		signSpec{panel: 3, seed: 5, afterNotice: time.Hour, purchaser: "葛塘街道办事处"})[app]
}

// evSheetForm is a full score sheet: each sub-indicator at share percent of its maximum.
func evSheetForm(csrf string, s gongzhi.EvalScheme, share int) url.Values {
	v := url.Values{"csrf": {csrf}}
	flat, _ := s.Flat()
	for i, in := range flat {
		v.Set("score_"+strconv.Itoa(i), gongzhi.Points(in.Max*share).String())
		v.Set("comment_"+strconv.Itoa(i), "")
	}
	return v
}

func TestEvaluationWeb(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		ct := evSigned(f)
		e := f.e
		pur := loginBrowser(t, e, "gt-purchaser")

		// the list offers the contract's rounds; the scheme page shows the eight dimensions
		st, page := pur.get("/evaluations")
		if st != 200 || !strings.Contains(page, fmt.Sprintf(`/evaluations/new?contract=%d&amp;round=final`, ct.ID)) {
			t.Fatalf("evaluations list: %d", st)
		}
		checkTranslated(t, "gt-purchaser", "/evaluations", page)
		st, page = pur.get(fmt.Sprintf("/evaluations/schemes/%d", ct.CallID))
		if st != 200 || !strings.Contains(page, "服务评价") || !strings.Contains(page, "满意度抽查") || !strings.Contains(page, `name="dim_0"`) {
			t.Fatalf("scheme page: %d", st)
		}
		checkTranslated(t, "gt-purchaser", "/evaluations/schemes", page)
		// a scheme whose weights do not add up is refused
		form := url.Values{"csrf": {pur.csrf(fmt.Sprintf("/evaluations/schemes/%d", ct.CallID))}, "dim_0": {"服务开展"}, "ind_0": {"活动完成率"},
			"max_0": {"60"}, "evid_0": {"服务台账"}, "excellent": {"90"}, "good": {"80"}, "pass": {"60"}, "bar_months": {"24"}, "bonus": {"3"},
			"min_members": {"3"}, "kind_expert": {"1"}, "kind_resident": {"1"}}
		st, page = pur.post(fmt.Sprintf("/evaluations/schemes/%d", ct.CallID), form)
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, "维度权重合计为 60") {
			t.Fatalf("bad scheme: %d %s", st, page)
		}

		// the default scheme with one more sub-indicator for 服务开展 (weight 20 → 25, 资源募集 5 → 0
		// removed) and 优秀 from 85 is saved
		good := url.Values{"csrf": {pur.csrf(fmt.Sprintf("/evaluations/schemes/%d", ct.CallID))}, "excellent": {"85"}, "good": {"75"},
			"pass": {"60"}, "bar_months": {"12"}, "bonus": {"2.5"}, "min_members": {"3"}, "kind_expert": {"1"}, "kind_resident": {"1"}}
		row := 0
		for _, d := range gongzhi.DefaultEvalScheme().Dimensions {
			if d.Name == "资源募集" {
				continue
			}
			for _, in := range d.Indicators {
				k := strconv.Itoa(row)
				good.Set("dim_"+k, d.Name)
				good.Set("ind_"+k, in.Name)
				good.Set("max_"+k, strconv.Itoa(in.Max))
				good.Set("evid_"+k, in.Evidence)
				row++
			}
		}
		k := strconv.Itoa(row)
		good.Set("dim_"+k, "服务开展")
		good.Set("ind_"+k, "志愿者参与服务")
		good.Set("max_"+k, "5")
		good.Set("evid_"+k, "服务台账志愿者记录")
		good.Set("dim_"+strconv.Itoa(row+1), "") // an empty row is ignored
		if st, loc := pur.post(fmt.Sprintf("/evaluations/schemes/%d", ct.CallID), good); st != http.StatusSeeOther {
			t.Fatalf("save the scheme: %d %s", st, loc)
		}
		sc := f.api(e.token("gt-hub"), "GET", fmt.Sprintf("/api/v1/evaluation-schemes/%d", ct.CallID), nil, 200)
		if offNum(sc.Body["excellent"]) != 8500 || offNum(sc.Body["bonus"]) != 250 || len(sc.Body["dimensions"].([]any)) != 7 ||
			offNum(sc.Body["dimensions"].([]any)[2].(map[string]any)["weight"]) != 25 {
			t.Fatalf("saved scheme: %s", sc.Raw)
		}
		f.api(e.token("gt-hub"), "PUT", fmt.Sprintf("/api/v1/evaluation-schemes/%d", ct.CallID), sc.Body, 403)

		// start: without a residents' representative the panel is refused
		newPath := fmt.Sprintf("/evaluations/new?contract=%d&round=final", ct.ID)
		st, page = pur.get(newPath)
		if st != 200 || !strings.Contains(page, "评估组至少 3 人") {
			t.Fatalf("new evaluation page: %d", st)
		}
		checkTranslated(t, "gt-purchaser", newPath, page)
		csrf := pur.csrf(newPath)
		start := url.Values{"csrf": {csrf}, "contract": {strconv.FormatInt(ct.ID, 10)}, "round": {"final"},
			"kind_0": {"expert"}, "username_0": {"gt-expert"}, "name_0": {""}, "affiliation_0": {""},
			"kind_1": {"official"}, "username_1": {"gt-hub"}, "name_1": {""}, "affiliation_1": {""},
			"kind_2": {"evaluator"}, "username_2": {""}, "name_2": {"评估师乙"}, "affiliation_2": {"南京众益评估中心"}}
		// the demo expert may already sit on the demo street's panels
		expRounds := len(offItems(f.api(e.token("gt-expert"), "GET", "/api/v1/evaluations?member=me", nil, 200)))
		st, page = pur.post("/evaluations/new", start)
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, "评估组至少需要 1 名居民代表") {
			t.Fatalf("panel without a resident: %d %s", st, page)
		}
		start.Set("kind_2", "resident")
		start.Set("name_2", "居民代表甲")
		start.Set("affiliation_2", "中山社区")
		st, loc := pur.post("/evaluations/new", start)
		if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/evaluations/") {
			t.Fatalf("start: %d %s", st, loc)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/evaluations/"), 10, 64)
		api := fmt.Sprintf("/api/v1/evaluations/%d", id)
		// the round has started: the scheme is locked
		offRefused(t, e.call(e.token("gt-purchaser"), "PUT", fmt.Sprintf("/api/v1/evaluation-schemes/%d", ct.CallID), sc.Body),
			409, "conflict", "scheme", "不能再修改")

		// the expert scores through the API, once
		exp := e.token("gt-expert")
		r := f.api(exp, "GET", "/api/v1/evaluations?member=me", nil, 200)
		if items := offItems(r); len(items) != expRounds+1 || !slices.ContainsFunc(items, func(x map[string]any) bool { return offNum(x["id"]) == id }) {
			t.Fatalf("expert's rounds: %s", r.Raw)
		}
		ev, err := e.app.Evaluation(f.ctx, f.pur, id)
		f.must(err)
		scores := make([]int64, ev.Scheme.Count())
		flat, _ := ev.Scheme.Flat()
		for i, in := range flat {
			scores[i] = int64(in.Max) * 92
		}
		f.api(exp, "POST", api+"/sheets", map[string]any{"scores": scores}, 201)
		offRefused(t, e.call(exp, "POST", api+"/sheets", map[string]any{"scores": scores}), 409, "conflict", "scores", "不能重复评分")
		// another provider sees nothing; the evaluated one nothing while scoring
		f.api(e.token("gt-provider2"), "GET", api, nil, 404)
		f.api(e.token("gt-provider"), "GET", api, nil, 404)

		// the hub transcribes the resident's paper sheet and scores its own on the page
		hub := loginBrowser(t, e, "gt-hub")
		var resident int64
		for _, m := range ev.Members {
			if m.UserID == 0 {
				resident = m.ID
			}
		}
		sheet := fmt.Sprintf("/evaluations/%d/score?member=%d", id, resident)
		st, page = hub.get(sheet)
		if st != 200 || !strings.Contains(page, "居民代表甲") || !strings.Contains(page, "活动按计划完成率") {
			t.Fatalf("transcription page: %d", st)
		}
		checkTranslated(t, "gt-hub", sheet, page)
		v := evSheetForm(hub.csrf(sheet), ev.Scheme, 95)
		v.Set("member", strconv.FormatInt(resident, 10))
		v.Set("score_0", "6") // max 5
		st, page = hub.post(fmt.Sprintf("/evaluations/%d/score", id), v)
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, "超出范围（0-5）") {
			t.Fatalf("out of range: %d", st)
		}
		v.Set("score_0", "4.75")
		if st, loc := hub.post(fmt.Sprintf("/evaluations/%d/score", id), v); st != http.StatusSeeOther {
			t.Fatalf("transcribe: %d %s", st, loc)
		}
		own := fmt.Sprintf("/evaluations/%d/score", id)
		if st, loc := hub.post(own, evSheetForm(hub.csrf(own), ev.Scheme, 90)); st != http.StatusSeeOther {
			t.Fatalf("hub's own sheet: %d %s", st, loc)
		}

		// the purchaser finalizes; a phone number in the text stops publication
		detail := fmt.Sprintf("/evaluations/%d", id)
		st, page = pur.get(detail)
		if st != 200 || !strings.Contains(page, `action="/evaluations/`+strconv.FormatInt(id, 10)+`/finalize"`) {
			t.Fatalf("detail: %d", st)
		}
		checkTranslated(t, "gt-purchaser", detail, page)
		fin := url.Values{"csrf": {pur.csrf(detail)}, "grade": {""}, "grade_note": {""}, "strengths": {"台账完整，活动按计划开展。"},
			"problems": {"回访电话 13912345678 未接通。"}}
		if st, loc := pur.post(detail+"/finalize", fin); st != http.StatusSeeOther {
			t.Fatalf("finalize: %d %s", st, loc)
		}
		st, page = pur.post(detail+"/publish", url.Values{"csrf": {pur.csrf(detail)}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, "电话") {
			t.Fatalf("publish with a phone number: %d", st)
		}
		fin.Set("csrf", pur.csrf(detail))
		fin.Set("problems", "满意度回访样本偏少。")
		if st, loc := pur.post(detail+"/finalize", fin); st != http.StatusSeeOther {
			t.Fatalf("finalize again: %d %s", st, loc)
		}
		if st, loc := pur.post(detail+"/publish", url.Values{"csrf": {pur.csrf(detail)}}); st != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", st, loc)
		}
		st, page = pur.get(detail + "/report")
		if st != 200 || !strings.Contains(page, "优秀") || !strings.Contains(page, "评估师") && !strings.Contains(page, "居民代表甲") {
			t.Fatalf("report: %d", st)
		}
		checkTranslated(t, "gt-purchaser", detail+"/report", page)

		// the public sees the grade and the dimensions, no members
		anon := e.browser()
		st, page = anon.get("/public/evaluations")
		if st != 200 || !strings.Contains(page, "长者助餐") || !strings.Contains(page, "优秀") {
			t.Fatalf("public list: %d", st)
		}
		st, page = anon.get(fmt.Sprintf("/public/evaluations/%d", id))
		if st != 200 || !strings.Contains(page, "优秀") || !strings.Contains(page, "财务管理") || strings.Contains(page, "居民代表甲") ||
			strings.Contains(page, "gt-hub") {
			t.Fatalf("public result: %d %s", st, page)
		}
		checkTranslated(t, "public", "/public/evaluations", page)
		r = f.api("", "GET", fmt.Sprintf("/api/v1/public/evaluations/%d", id), nil, 200)
		if r.Body["grade"] != "excellent" || r.Body["members"] != nil || strings.Contains(string(r.Raw), "居民代表甲") {
			t.Fatalf("public API: %s", r.Raw)
		}
		// the provider sees its result now; the other still nothing
		f.api(e.token("gt-provider"), "GET", api, nil, 200)
		f.api(e.token("gt-provider2"), "GET", api, nil, 404)
		f.api("", "GET", "/api/v1/public/evaluations/999999", nil, 404)
		prov := loginBrowser(t, e, f.provider("同心").User.Username)
		st, page = prov.get(detail)
		if st != 200 || !strings.Contains(page, "优秀") || strings.Contains(page, "居民代表甲") {
			t.Fatalf("the provider's page: %d", st)
		}
		checkTranslated(t, "provider", detail, page)
		if st, _ := loginBrowser(t, e, "gt-provider2").get(detail); st != http.StatusNotFound {
			t.Fatalf("another provider: %d", st)
		}
	})
}
