package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// TestGridTeamPicker: the grid page's team form finds a person of the community by name, as one
// types (JSON) and without JavaScript (the Find button shows the page again), and lists at most
// 30 choices, the first by name in pinyin order; the list is community staff's alone.
func TestGridTeamPicker(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		var gid, pid int64
		var name string
		if err := db.Q().QueryRow(ctx, `SELECT id FROM grids WHERE community_code = ? ORDER BY code LIMIT 1`, demo.ZhongshanCode).Scan(&gid); err != nil {
			t.Fatal(err)
		}
		// a resident whose name is late in pinyin order, so not among the first 30 by name
		if err := db.Q().QueryRow(ctx, `SELECT id, name FROM people WHERE place_code = ? ORDER BY name_py DESC, id LIMIT 1`,
			demo.ZhongshanCode).Scan(&pid, &name); err != nil {
			t.Fatal(err)
		}
		b := loginBrowser(t, e, "zs-community")
		page := fmt.Sprintf("/gridwork/grids/%d", gid)
		st, body := b.get(page)
		pick := page + "/pick"
		if st != http.StatusOK || !strings.Contains(body, `name="person_q"`) || !strings.Contains(body, `data-pick-source="`+pick+`"`) {
			t.Fatalf("grid page: %d, search box %v", st, strings.Contains(body, `name="person_q"`))
		}
		sel := body[strings.Index(body, `id="in-person_id"`):]
		sel = sel[:strings.Index(sel, "</select>")]
		if n := strings.Count(sel, "<option"); n < 2 || n > 31 {
			t.Errorf("%d choices before a search", n)
		}
		// the first choices are the first by pinyin
		var first int64
		if err := db.Q().QueryRow(ctx, `SELECT id FROM people WHERE place_code = ? ORDER BY name_py, name_initials, name, id LIMIT 1`,
			demo.ZhongshanCode).Scan(&first); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sel, `<option value="`+strconv.FormatInt(first, 10)+`">`) {
			t.Errorf("the first person by name is not listed")
		}

		// as one types: JSON
		st, body = b.get(pick + "?q=" + url.QueryEscape(name))
		var opts []struct{ Value, Label string }
		if err := json.Unmarshal([]byte(body), &opts); st != http.StatusOK || err != nil {
			t.Fatalf("pick: %d %v %.200s", st, err, body)
		}
		found := false
		for _, o := range opts {
			found = found || o.Value == strconv.FormatInt(pid, 10) && strings.HasPrefix(o.Label, name)
		}
		if !found || len(opts) > 30 {
			t.Errorf("pick %q: %v", name, opts)
		}
		// without JavaScript: the Find button, which saves nothing
		tok := b.csrf(page)
		st, body = b.post(page+"/members", url.Values{"csrf": {tok}, "then": {"refresh"}, "person_q": {name}, "post": {"doctor"}})
		if st != http.StatusOK || !strings.Contains(body, `<option value="`+strconv.FormatInt(pid, 10)+`">`) || !strings.Contains(body, `value="`+name+`"`) {
			t.Errorf("no-JS search for %q: %d", name, st)
		}
		var n int
		if err := db.Q().QueryRow(ctx, `SELECT COUNT(*) FROM grid_members WHERE person_id = ?`, pid).Scan(&n); err != nil || n != 0 {
			t.Errorf("a search added %d members (%v)", n, err)
		}
		// a grid worker does not keep the team: no list of the community's people
		if st, _ := loginBrowser(t, e, "zs-grid").get(pick + "?q=" + url.QueryEscape(name)); st != http.StatusForbidden {
			t.Errorf("a grid worker's pick: %d", st)
		}
	})
}
