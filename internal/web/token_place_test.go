package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// A token limited to a place (issue 11): the street's purchaser makes a token for 中山社区 only;
// with it, needs are listed and read only there, and recorded only there; the token can make no
// token over a wider place, nor can one be made over a place beyond the account's area or not in
// the registry. POST /api/v1/auth/token takes the place too. On SQLite and on PostgreSQL.
func TestTokenPlace(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		e, a, ctx := f.e, f.e.app, context.Background()
		_, pur, err := a.IssueToken(ctx, f.pur, accounts.TokenSpec{Name: "street", Days: 30, Scope: gongzhi.TokenFull})
		f.must(err)
		// another community of the street
		var other string
		_, err = db.Q().ListPlaces(ctx, store.Scope{Prefix: demo.StreetCode[:9]}, store.ListOptions{Filters: map[string]string{"level": "5"}},
			func(p *gongzhi.Place) error {
				if other == "" && p.Code != demo.ZhongshanCode {
					other = p.Code
				}
				return nil
			})
		f.must(err)
		record := func(tok, community string) apiResp {
			t.Helper()
			return e.call(tok, "POST", "/api/v1/needs", map[string]any{"community_code": community, "target_group": "elderly_alone",
				"category_code": "elderly_home_care", "description": "楼道照明损坏，老人夜间出行不便。", "people_affected": 8, "source": "household_visit"})
		}
		elsewhere := record(pur, other)
		if elsewhere.Status != http.StatusCreated {
			t.Fatalf("need of %s: %d %s", other, elsewhere.Status, elsewhere.Raw)
		}
		elsewhereID := offNum(elsewhere.Body["id"])

		// refused: a place beyond the street, a place not in the registry
		for place, reason := range map[string]string{demo.DistrictCode: "token.place_wider", demo.NeighbourCode: "token.place_wider", "320116004999": "token.place_unknown"} {
			r := e.call(pur, "POST", "/api/v1/tokens", map[string]any{"name": "x" + place, "days": 1, "scope": "write", "place_code": place})
			if _, fields := errOf(r); r.Status != http.StatusUnprocessableEntity || fields["place_code"].Code != reason {
				t.Errorf("a token over %s: %d %s, want 422 %s", place, r.Status, r.Raw, reason)
			}
		}
		// the token over 中山社区
		r := e.call(pur, "POST", "/api/v1/tokens", map[string]any{"name": "中山社区", "days": 5, "scope": "full", "place_code": demo.ZhongshanCode})
		if r.Status != http.StatusCreated {
			t.Fatalf("token over 中山社区: %d %s", r.Status, r.Raw)
		}
		zs := r.Body["secret"].(string)
		if r.Body["token"].(map[string]any)["place_code"] != demo.ZhongshanCode {
			t.Fatalf("the token's place: %s", r.Raw)
		}
		// writes only there
		if r := record(zs, demo.ZhongshanCode); r.Status != http.StatusCreated {
			t.Fatalf("need of 中山社区 with the token: %d %s", r.Status, r.Raw)
		}
		if r := record(zs, other); r.Status < 400 || r.Status >= 500 {
			t.Fatalf("need of %s with the 中山社区 token: %d %s", other, r.Status, r.Raw)
		}
		// reads only there: the list holds 中山社区's needs only, another community's need is not found
		r = e.call(zs, "GET", "/api/v1/needs?per_page=200", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("needs: %d %s", r.Status, r.Raw)
		}
		items, _ := r.Body["items"].([]any)
		if len(items) == 0 {
			t.Fatal("the 中山社区 token lists no needs")
		}
		for _, it := range items {
			if c := it.(map[string]any)["community_code"]; c != demo.ZhongshanCode {
				t.Fatalf("the 中山社区 token lists a need of %v", c)
			}
		}
		if r := e.call(zs, "GET", fmt.Sprintf("/api/v1/needs/%d", elsewhereID), nil); r.Status != http.StatusNotFound {
			t.Fatalf("the 中山社区 token reads a need of %s: %d", other, r.Status)
		}
		if r := e.call(pur, "GET", fmt.Sprintf("/api/v1/needs/%d", elsewhereID), nil); r.Status != http.StatusOK {
			t.Fatalf("the street's token does not read it: %d", r.Status)
		}
		// a token it makes keeps its place, and may not widen it
		r = e.call(zs, "POST", "/api/v1/tokens", map[string]any{"name": "child", "days": 1, "scope": "read"})
		if r.Status != http.StatusCreated || r.Body["token"].(map[string]any)["place_code"] != demo.ZhongshanCode {
			t.Fatalf("a token made by the 中山社区 token: %d %s", r.Status, r.Raw)
		}
		r = e.call(zs, "POST", "/api/v1/tokens", map[string]any{"name": "wider", "days": 1, "scope": "read", "place_code": demo.StreetCode})
		if _, fields := errOf(r); r.Status != http.StatusUnprocessableEntity || fields["place_code"].Code != "token.place_wider" {
			t.Fatalf("the 中山社区 token widens: %d %s", r.Status, r.Raw)
		}
		// the tokens page names the place
		b := e.browser()
		if st, loc := b.login("gt-purchaser", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("sign-in: %d %s", st, loc)
		}
		if st, page := b.get("/tokens"); st != http.StatusOK || !strings.Contains(page, "中山社区") || !strings.Contains(page, "账号全部辖区") {
			t.Fatalf("/tokens: %d, the places not named", st)
		}
		// POST /api/v1/auth/token takes a place too
		e.user("gt-hub")
		r = e.call("", "POST", "/api/v1/auth/token", map[string]any{"username": "gt-hub", "password": demo.Password, "name": "hub-zs", "days": 1,
			"scope": "read", "place_code": demo.ZhongshanCode})
		if r.Status != http.StatusCreated || r.Body["token"].(map[string]any)["place_code"] != demo.ZhongshanCode {
			t.Fatalf("auth/token with a place: %d %s", r.Status, r.Raw)
		}
		hub := r.Body["secret"].(string)
		if r := e.call(hub, "GET", fmt.Sprintf("/api/v1/needs/%d", elsewhereID), nil); r.Status != http.StatusNotFound {
			t.Fatalf("the hub's 中山社区 token reads a need of %s: %d", other, r.Status)
		}
	})
}
