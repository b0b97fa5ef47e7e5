package web_test

import (
	"fmt"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// A round being scored shows no total nor grade before a sheet is in, then a provisional one.
func TestEvaluationNoTotalBeforeSheets(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		ct := evSigned(f)
		e := f.e
		ev := &gongzhi.Evaluation{ContractID: ct.ID, Round: gongzhi.RoundFinal, Members: []gongzhi.EvalMember{
			{Kind: "expert", Username: "gt-expert"}, {Kind: "official", Username: "gt-hub"},
			{Kind: "resident", Name: "居民代表甲", Affiliation: "中山社区"}}}
		f.must(e.app.StartEvaluation(f.ctx, f.pur, ev))
		detail := fmt.Sprintf("/evaluations/%d", ev.ID)
		pur := loginBrowser(t, e, "gt-purchaser")
		page := offPage(t, pur, "purchaser", detail, 200)
		if strings.Contains(page, `class="ev-total"`) || strings.Contains(page, "不合格") || !strings.Contains(page, "评分完成并确定后显示结果") {
			t.Fatal("a round without sheets shows a total")
		}
		offPage(t, pur, "purchaser", detail+"/report", 404)
		ev, err := e.app.Evaluation(f.ctx, f.pur, ev.ID)
		f.must(err)
		flat, _ := ev.Scheme.Flat()
		scores := make([]int64, len(flat))
		for i, in := range flat {
			scores[i] = int64(in.Max) * 92
		}
		f.api(e.token("gt-expert"), "POST", fmt.Sprintf("/api/v1/evaluations/%d/sheets", ev.ID), map[string]any{"scores": scores}, 201)
		page = offPage(t, pur, "purchaser", detail, 200)
		if !strings.Contains(page, `class="ev-total"`) || !strings.Contains(page, `id="provisional"`) {
			t.Fatal("a round with a sheet shows no provisional total")
		}
		checkTranslated(t, "gt-purchaser", detail, page)
	})
}
