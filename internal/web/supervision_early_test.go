package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// Before publishing a month that is not over, or not fully inspected, the page says so and how
// many inspections are still to be done.
func TestSupervisionReportEarlyWarning(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		month := gongzhi.MonthOf(e.app.Now())
		hub := loginBrowser(t, e, "gt-hub")
		path := "/supervision/reports/" + month
		if st, _ := hub.post(path+"/generate", url.Values{"csrf": {hub.csrf(path)}}); st != http.StatusSeeOther {
			t.Fatalf("generate %s: %d", month, st)
		}
		ac := &gongzhi.Actor{User: e.user("gt-hub")}
		if err := e.app.ScopeFor(t.Context(), ac); err != nil {
			t.Fatal(err)
		}
		rep, err := e.app.SupervisionReportFor(t.Context(), ac, month)
		if err != nil {
			t.Fatal(err)
		}
		pending := rep.Figures.InspectionsDue - rep.Figures.InspectionsDone
		if pending <= 0 {
			t.Fatalf("the demo's month %s has no inspection to do", month)
		}
		_, page := hub.get(path)
		i := strings.Index(page, `id="publish-early"`)
		if i < 0 || !strings.Contains(page[i:], "本月尚未结束，还有 "+strconv.Itoa(pending)+" 项督导未完成") {
			t.Fatalf("no warning before publishing %s with %d inspections to do", month, pending)
		}
	})
}
