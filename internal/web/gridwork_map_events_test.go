package web_test

// The grid map shaded by open events as well as by visits (docs/grids.md §2), on SQLite and on
// PostgreSQL: the map's API counts each grid's open events as the events list does; the page
// offers both shadings as links, and shaded by events fills each grid with its band and shows
// the events' legend; the hub, who does not read events, is offered no event shading.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestGridMapShadedByEvents(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		com := e.token("zs-community")
		r := e.call(com, "GET", "/api/v1/gridwork/map?place="+demo.ZhongshanCode, nil)
		if r.Status != 200 || r.Body["events"] != true {
			t.Fatalf("map: %d %.300s", r.Status, r.Raw)
		}
		fills := map[string]string{}
		total := 0
		for _, x := range r.Body["grids"].([]any) {
			g := x.(map[string]any)
			gid, n := offNum(g["grid_id"]), int(offNum(g["open_events"]))
			listed := e.call(com, "GET", fmt.Sprintf("/api/v1/events?grid=%d&state=open&per_page=1", gid), nil)
			if want := int(offNum(listed.Body["total"])); n != want {
				t.Errorf("grid %d: %d open events on the map, %d in the list", gid, n, want)
			}
			total += n
			band := map[bool]string{true: "#edf8e9"}[n == 0]
			switch {
			case n >= 6:
				band = "#a63603"
			case n >= 4:
				band = "#f16913"
			case n >= 2:
				band = "#fdae6b"
			case n == 1:
				band = "#fee6ce"
			}
			fills[fmt.Sprintf(`<a href="/gridwork/grids/%d"><path`, gid)] = band
		}
		if total < 3 {
			t.Fatalf("中山社区's grids hold %d open events: the demo has more", total)
		}

		b := e.browser()
		e.user("zs-community")
		if st, loc := b.login("zs-community", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("sign-in: %d %s", st, loc)
		}
		st, page := b.get("/gridwork/map?place=" + demo.ZhongshanCode)
		if st != 200 || !strings.Contains(page, `href="/gridwork/map?place=`+demo.ZhongshanCode+`&amp;shade=events"`) || !strings.Contains(page, "走访率图例") {
			t.Fatalf("the map offers no shading by events: %d", st)
		}
		st, page = b.get("/gridwork/map?place=" + demo.ZhongshanCode + "&shade=events")
		if st != 200 || !strings.Contains(page, "未办结事件图例") || !strings.Contains(page, "≥ 6") {
			t.Fatalf("the events' map has no legend: %d", st)
		}
		for link, fill := range fills {
			i := strings.Index(page, link)
			j := strings.Index(page[max(i, 0):], "</path>")
			if i < 0 || j < 0 || !strings.Contains(page[i:i+j], `fill="`+fill+`"`) {
				t.Errorf("%s… not filled %s", link, fill)
			}
		}

		hub := e.browser()
		e.user("gt-hub")
		if st, loc := hub.login("gt-hub", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("hub sign-in: %d %s", st, loc)
		}
		if st, page = hub.get("/gridwork/map?place=" + demo.StreetCode + "&shade=events"); st != 200 || strings.Contains(page, "shade=events") || strings.Contains(page, "未办结事件图例") {
			t.Errorf("the hub is offered the events' shading: %d", st)
		}
	})
}
