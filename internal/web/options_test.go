package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

// The system administrator chooses an account's place among every place of the instance. With
// more than web.OptionCap of them the form does not cut the list silently: it suggests the first
// ones, says how many there are, and takes a code typed by hand, even one it does not suggest.
func TestAccountPlaceChoicesBeyondTheCap(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	ctx := context.Background()
	e.user("admin-sys") // its initial password changed
	sys := e.browser()
	if st, loc := sys.login("admin-sys", demo.Password); st != http.StatusSeeOther {
		t.Fatalf("sysadmin login: %d %s", st, loc)
	}
	// few places: a plain dropdown
	if st, body := sys.get("/users/new"); st != 200 || !strings.Contains(body, `<select id="in-place_code"`) || strings.Contains(body, `list="dl-place_code"`) {
		t.Fatalf("the account form with few places: %d", st)
	}
	// many places: suggestions and the count
	const added = web.OptionCap + 100
	err := e.app.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		street := &gongzhi.Place{Code: "320116099000", Name: "测试街道", Level: gongzhi.LevelStreet, ParentCode: demo.DistrictCode}
		if err := q.InsertPlace(ctx, street, e.app.Now()); err != nil {
			return err
		}
		for i := range added {
			p := &gongzhi.Place{Code: fmt.Sprintf("320116099%03d", 100+i), Name: fmt.Sprintf("测试社区%d", i), Level: gongzhi.LevelCommunity, ParentCode: street.Code}
			if err := q.InsertPlace(ctx, p, e.app.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, lvl := range []string{"1", "2", "3", "4", "5"} { // every level an account can be scoped to
		n, err := e.app.DB.Q().ListPlaces(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"level": lvl}, Limit: 1}, func(*gongzhi.Place) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	st, body := sys.get("/users/new")
	if st != 200 {
		t.Fatalf("the account form with many places: %d", st)
	}
	hint := fmt.Sprintf("仅提示前 %d 项（共 %d 项）", web.OptionCap, total)
	if !strings.Contains(body, `<input id="in-place_code" type="text" name="place_code" value="" list="dl-place_code"`) ||
		!strings.Contains(body, `<datalist id="dl-place_code">`) || !strings.Contains(body, hint) {
		t.Fatalf("the place field is not a suggesting input saying %q", hint)
	}
	if n := strings.Count(body[strings.Index(body, `<datalist id="dl-place_code">`):], `<option value="`); n < web.OptionCap {
		t.Errorf("%d suggestions, want at least %d", n, web.OptionCap)
	}
	if !strings.Contains(body, `<select id="in-org_id"`) {
		t.Error("the organizations, fewer than the cap, are no longer a dropdown")
	}
	// the last community, beyond the suggestions, typed by hand
	last := fmt.Sprintf("320116099%03d", 100+added-1)
	if strings.Contains(body, `value="`+last+`"`) {
		t.Fatalf("%s is suggested: the test needs a place beyond the cap", last)
	}
	form := url.Values{"csrf": {sys.csrf("/users/new")}, "username": {"far-community"}, "display_name": {"远处社区"}, "role": {gongzhi.RoleCommunity}, "place_code": {last}}
	if st, loc := sys.post("/users/new", form); st != http.StatusSeeOther {
		t.Fatalf("create with a typed code: %d %s", st, loc)
	}
	u, _, err := e.app.DB.Q().UserByUsername(ctx, "far-community")
	if err != nil || u.PlaceCode != last {
		t.Fatalf("the account: %+v %v", u, err)
	}
}
