// Tests of the registry's forms as a person uses them (issue 11, item 12): a resident's
// household picked by address, with and without JavaScript; the fields of a person's kind; a
// household page that adds members, refusals shown on the page beside the field; the same
// through the API.

package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store/storetest/demodb"
)

// fieldDiv returns the opening tag of a form field's box on a page ("" if the page has none).
func fieldDiv(page, name string) string {
	m := regexp.MustCompile(`<div class="field[^"]*" id="field-` + regexp.QuoteMeta(name) + `"[^>]*>`).FindString(page)
	return m
}

func TestRegistryHouseholdPickAndMembers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	ctx := context.Background()
	sys := gongzhi.SystemActor("test")
	var hs []*gongzhi.Household
	if _, err := e.app.Households(ctx, sys, gongzhi.ListOptions{Filters: map[string]string{"community": demo.ZhongshanCode}, Sort: "address", Limit: 2},
		func(h *gongzhi.Household) error { hs = append(hs, h); return nil }); err != nil || len(hs) < 2 {
		t.Fatalf("demo households: %v %d", err, len(hs))
	}
	h := hs[0]
	var resident *gongzhi.Person
	if _, err := e.app.People(ctx, sys, gongzhi.ListOptions{Filters: map[string]string{"place": demo.ZhongshanCode, "kind": "resident"}, Limit: 50},
		func(p *gongzhi.Person) error {
			if resident == nil && p.HouseholdID != h.ID {
				resident = p
			}
			return nil
		}); err != nil || resident == nil {
		t.Fatalf("demo resident: %v", err)
	}
	hid := strconv.FormatInt(h.ID, 10)
	e.user("zs-community")
	b := e.browser()
	b.login("zs-community", demo.Password)

	t.Run("fields of the kind chosen", func(t *testing.T) {
		_, page := b.get("/people/new?kind=resident&household_id=" + hid)
		if d := fieldDiv(page, "household_id"); d == "" || strings.Contains(d, " hidden") || !strings.Contains(d, `data-when="kind"`) {
			t.Errorf("household field of a resident: %q", d)
		}
		if !strings.Contains(page, `<option value="`+hid+`" selected>`) {
			t.Error("the household of the link that opened the form is not chosen")
		}
		for _, name := range []string{"expert_fields", "licence", "volunteer_hours"} {
			if d := fieldDiv(page, name); !strings.Contains(d, " hidden") {
				t.Errorf("%s shown to a resident: %q", name, d)
			}
		}
		_, page = b.get("/people/new?kind=volunteer")
		if d := fieldDiv(page, "household_id"); !strings.Contains(d, " hidden") {
			t.Errorf("household field shown for a volunteer: %q", d)
		}
		if d := fieldDiv(page, "volunteer_hours"); d == "" || strings.Contains(d, " hidden") {
			t.Errorf("volunteer hours hidden for a volunteer: %q", d)
		}
		// without JavaScript: choosing a kind and asking to show its fields saves nothing
		tok := b.csrf("/people/new")
		st, page := b.post("/people/new", url.Values{"csrf": {tok}, "then": {"refresh"}, "kind": {"volunteer"}, "name": {"换类别"}, "place_code": {demo.ZhongshanCode}})
		if st != http.StatusOK || !strings.Contains(page, `value="换类别"`) || strings.Contains(fieldDiv(page, "volunteer_hours"), " hidden") {
			t.Errorf("refresh by kind: %d", st)
		}
		n, _ := e.app.People(ctx, sys, gongzhi.ListOptions{Q: "换类别"}, func(*gongzhi.Person) error { return nil })
		if n != 0 {
			t.Errorf("a refresh saved %d people", n)
		}
	})

	t.Run("household by address", func(t *testing.T) {
		part := []rune(hs[1].Address)
		typed := string(part[len(part)-8:]) // the end of the address: building, unit and room
		// without JavaScript: the Find button shows the form again with the matches
		tok := b.csrf("/people/new")
		st, page := b.post("/people/new", url.Values{"csrf": {tok}, "then": {"refresh"}, "kind": {"resident"}, "name": {"找住户"},
			"place_code": {demo.ZhongshanCode}, "household_q": {typed}})
		if st != http.StatusOK || !strings.Contains(page, `<option value="`+strconv.FormatInt(hs[1].ID, 10)+`">`) || !strings.Contains(page, `value="`+typed+`"`) {
			t.Errorf("no-JS search for %q: %d, match listed %v", typed, st, strings.Contains(page, strconv.FormatInt(hs[1].ID, 10)))
		}
		// as one types: the JSON list the script asks
		st, body := b.get("/households/pick?scope=" + demo.ZhongshanCode + "&q=" + url.QueryEscape(typed))
		var opts []struct{ Value, Label string }
		if err := json.Unmarshal([]byte(body), &opts); st != http.StatusOK || err != nil {
			t.Fatalf("pick: %d %v", st, err)
		}
		found := false
		for _, o := range opts {
			found = found || o.Value == strconv.FormatInt(hs[1].ID, 10) && strings.HasPrefix(o.Label, hs[1].Address)
		}
		if !found || len(opts) > 30 {
			t.Errorf("pick %q: %v", typed, opts)
		}
		// another street's community is out of scope: nothing
		if _, body := b.get("/households/pick?scope=320116005001&q="); strings.TrimSpace(body) != "[]" {
			t.Errorf("pick outside the scope: %s", body)
		}
	})

	t.Run("household page adds a member", func(t *testing.T) {
		_, page := b.get("/households/" + hid)
		if !strings.Contains(page, `action="/households/`+hid+`/members"`) || !strings.Contains(page, `href="/people/new?kind=resident&amp;household_id=`+hid+`"`) {
			t.Fatal("the household page has no form to add a member or no link to register one")
		}
		tok := b.csrf("/households/" + hid)
		st, page := b.post("/households/"+hid+"/members", url.Values{"csrf": {tok}, "person_id": {""}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, `id="error-summary"`) || !strings.Contains(fieldDiv(page, "person_id"), "has-error") {
			t.Fatalf("no person chosen: %d", st)
		}
		st, loc := b.post("/households/"+hid+"/members", url.Values{"csrf": {tok}, "person_id": {strconv.FormatInt(resident.ID, 10)}})
		if st != http.StatusSeeOther || loc != "/households/"+hid {
			t.Fatalf("add: %d %s", st, loc)
		}
		p, err := e.app.Person(ctx, sys, resident.ID)
		if err != nil || p.HouseholdID != h.ID {
			t.Fatalf("person's household after adding: %v %d", err, p.HouseholdID)
		}
		hist, err := e.app.History(ctx, sys, "people", strconv.FormatInt(resident.ID, 10))
		if err != nil || len(hist) == 0 || hist[0].Action != "update" || hist[0].Username != "zs-community" {
			t.Errorf("the change is not audited: %v %+v", err, hist)
		}
		if _, page := b.get("/households/" + hid); !strings.Contains(page, `href="/people/`+strconv.FormatInt(resident.ID, 10)+`"`) {
			t.Error("the member is not listed on the household page")
		}
		// the API: the same person again is refused naming the field, as a conflict (a member is
		// added once: TestOnceAccounts)
		r := e.call(e.token("zs-community"), "POST", "/api/v1/households/"+hid+"/members", map[string]any{"person_id": resident.ID})
		code, fields := errOf(r)
		if r.Status != http.StatusConflict || code != gongzhi.ECONFLICT || !fieldIs(fields["person_id"], "zh-CN", "household.member_already") {
			t.Errorf("API, a member already: %d %s", r.Status, r.Raw)
		}
	})
}
