package web_test

import (
	"fmt"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// A count indicator whose name names no kind counts nothing until the office chooses what it
// counts (issue 11, item 6): the contract's page says so with a link to the amendment, and the
// purchaser's home to-do list names the contract and the indicator, on both databases. Once the
// office chooses a tag, both warnings go.
func TestUnchosenIndicatorsWarned(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		e, ctx := f.e, f.ctx
		prov := f.actor("gt-provider")
		var ct *gongzhi.Contract
		_, err := e.app.Contracts(ctx, f.pur, store.ListOptions{Filters: map[string]string{"state": gongzhi.ContractSigned}}, func(c *gongzhi.Contract) error {
			if ct == nil && c.OrgID == prov.User.OrgID {
				ct = c
			}
			return nil
		})
		if err != nil || ct == nil {
			t.Fatalf("no signed contract of gt-provider's organization: %v", err)
		}
		if ct, err = e.app.Contract(ctx, f.pur, ct.ID); err != nil {
			t.Fatal(err)
		}
		amend := func(ind gongzhi.Indicator, reason string) {
			t.Helper()
			terms := ct.Current.Terms
			terms.Outputs = append(terms.Outputs, ind)
			_, err := e.app.AmendContract(ctx, f.pur, ct.ID, terms, reason)
			f.must(err)
			f.must(e.app.ConfirmContract(ctx, f.pur, ct.ID))
			f.must(e.app.ConfirmContract(ctx, prov, ct.ID))
		}
		amend(gongzhi.Indicator{Name: "上门探访", Target: 30, Unit: "次"}, "增加上门探访指标")

		b := loginBrowser(t, e, "gt-purchaser")
		page := offPage(t, b, "gt-purchaser", fmt.Sprintf("/contracts/%d", ct.ID), 200)
		if !strings.Contains(page, `id="unchosen"`) || !strings.Contains(page, "尚未选择统计口径") ||
			!strings.Contains(page, fmt.Sprintf(`href="/contracts/%d/amend"`, ct.ID)) {
			t.Fatalf("the contract page does not warn of 上门探访")
		}
		home := offPage(t, b, "gt-purchaser", "/", 200)
		if !strings.Contains(home, fmt.Sprintf(`/contracts/%d#unchosen`, ct.ID)) || !strings.Contains(home, "上门探访") {
			t.Fatalf("the home to-do list does not name the contract's indicator")
		}
		todos := e.call(e.token("gt-purchaser"), "GET", "/api/v1/todos", nil)
		if !strings.Contains(string(todos.Raw), `"todo.indicators_unchosen"`) {
			t.Fatalf("todos: %s", todos.Raw)
		}

		// chosen: the office counts a tag; the warnings go
		if ct, err = e.app.Contract(ctx, f.pur, ct.ID); err != nil {
			t.Fatal(err)
		}
		terms := ct.Current.Terms
		for i := range terms.Outputs {
			if terms.Outputs[i].Name == "上门探访" {
				terms.Outputs[i].Measure = gongzhi.MeasureTagPrefix + "上门探访"
			}
		}
		_, err = e.app.AmendContract(ctx, f.pur, ct.ID, terms, "上门探访按标签计数")
		f.must(err)
		f.must(e.app.ConfirmContract(ctx, f.pur, ct.ID))
		f.must(e.app.ConfirmContract(ctx, prov, ct.ID))
		if page := offPage(t, b, "gt-purchaser", fmt.Sprintf("/contracts/%d", ct.ID), 200); strings.Contains(page, `id="unchosen"`) {
			t.Error("the contract page still warns after the choice")
		}
		if home := offPage(t, b, "gt-purchaser", "/", 200); strings.Contains(home, fmt.Sprintf(`/contracts/%d#unchosen`, ct.ID)) {
			t.Error("the home page still lists the contract after the choice")
		}
	})
}
