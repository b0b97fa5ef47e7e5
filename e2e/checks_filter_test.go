package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A long list of checkboxes — the residents who may have taken part in an activity — narrows
// as the clerk types, keeps what is ticked, and counts the ticks.
func TestLongChecklistFilter(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	b := newBrowser(t, srv.Base)
	b.login("gt-provider")
	b.open("/ledger/new")
	href := eval[string](b, `(document.querySelector("main a[href^='/ledger/new?contract=']") || {}).getAttribute ? document.querySelector("main a[href^='/ledger/new?contract=']").getAttribute("href") : ""`)
	if href == "" {
		b.fatal("the provider is offered no contract to record on")
	}
	b.open(href)
	total := eval[int](b, `document.querySelectorAll("#in-participant_ids label.check").length`)
	if total <= 12 {
		t.Fatalf("only %d residents to choose from: the filter is not needed here", total)
	}
	first := eval[string](b, `document.querySelector("#in-participant_ids label.check").textContent.trim()`)
	name := []rune(first)[:2] // surname and the first character of the given name
	b.do("tick the first resident, then narrow the list",
		chromedp.Click(chromedp.CSS(`#in-participant_ids label.check input`)),
		chromedp.SendKeys(chromedp.CSS(`.checks-filter input`), string(name)))
	visible := eval[[]string](b, `Array.from(document.querySelectorAll("#in-participant_ids label.check")).filter(l => !l.hidden).map(l => l.textContent.trim())`)
	if len(visible) == 0 || len(visible) >= total {
		t.Fatalf("typing %q leaves %d of %d residents", string(name), len(visible), total)
	}
	for _, v := range visible {
		if !strings.Contains(v, string(name)) && v != first {
			t.Errorf("%q is still shown for %q", v, string(name))
		}
	}
	if got := b.text(".checks-count"); !strings.Contains(got, "已选 1") {
		t.Errorf("the count says %q, want one ticked", got)
	}
	b.shot("filtered")
}
