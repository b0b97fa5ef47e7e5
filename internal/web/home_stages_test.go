package web_test

// The demo's home pages are each role's to-do list, every item linking where the job is done;
// and the demo's calls at every stage offer, on the call page, only next steps that work for
// the role that sees them.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

type homeTodo struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
	Href  string `json:"href"`
	Extra string `json:"extra"`
}

// homeOf reads an account's to-do list and figures through the API.
func homeOf(t *testing.T, e *env, name string) (todos, stats map[string]homeTodo, all []homeTodo) {
	t.Helper()
	r := e.call(e.token(name), "GET", "/api/v1/todos", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("%s: todos %d %s", name, r.Status, r.Raw)
	}
	var body struct{ Todos, Stats []homeTodo }
	if err := json.Unmarshal(r.Raw, &body); err != nil {
		t.Fatal(err)
	}
	todos, stats = map[string]homeTodo{}, map[string]homeTodo{}
	for _, x := range body.Todos {
		todos[x.Key] = x
	}
	for _, x := range body.Stats {
		stats[x.Key] = x
	}
	return todos, stats, append(body.Todos, body.Stats...)
}

func demoActor(t *testing.T, e *env, name string) *gongzhi.Actor {
	t.Helper()
	ac := &gongzhi.Actor{User: e.user(name), Via: "test"}
	if err := e.app.ScopeFor(context.Background(), ac); err != nil {
		t.Fatal(err)
	}
	return ac
}

func demoCalls(t *testing.T, e *env) map[string]*gongzhi.Call {
	t.Helper()
	out := map[string]*gongzhi.Call{}
	if _, err := e.app.Calls(context.Background(), demoActor(t, e, "gt-purchaser"), store.ListOptions{}, func(c *gongzhi.Call) error {
		out[c.Title] = c
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestHomeTodosPerRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	ctx := context.Background()
	calls := demoCalls(t, e)
	review := calls[demo.ReviewCallTitle]

	t.Run("purchaser", func(t *testing.T) {
		todos, _, _ := homeOf(t, e, "gt-purchaser")
		for _, k := range []string{"todo.calls_open", "todo.calls_closed", "todo.calls_reviewing", "todo.calls_notice"} {
			if todos[k].Count != 1 {
				t.Errorf("%s: %+v, want 1", k, todos[k])
			}
		}
	})
	t.Run("hub", func(t *testing.T) {
		todos, _, _ := homeOf(t, e, "gt-hub")
		if x := todos["todo.apps_prelim"]; x.Count < 3 || x.Href != "/calls?state=closed" {
			t.Errorf("applications to review: %+v", x)
		}
	})
	t.Run("provider", func(t *testing.T) {
		todos, _, _ := homeOf(t, e, "gt-provider")
		if x := todos["todo.calls_to_apply"]; x.Count != 1 || x.Href != "/applications#open-calls" {
			t.Errorf("gt-provider, who has not applied to the open call: %+v", x)
		}
		todos, _, _ = homeOf(t, e, "gt-provider2")
		if x, ok := todos["todo.calls_to_apply"]; ok {
			t.Errorf("gt-provider2 has applied to the only open call, yet: %+v", x)
		}
	})
	t.Run("provider's overdue ledger months", func(t *testing.T) {
		// a month with no entry of a contract in force is overdue: void last month's entries of one
		prov := demoActor(t, e, "gt-provider")
		before, _, _ := homeOf(t, e, "gt-provider")
		last := e.app.Now().In(gongzhi.ChinaTime).AddDate(0, -1, 0).Format("2006-01")
		var ids []int64
		if _, err := e.app.Entries(ctx, prov, store.ListOptions{Filters: map[string]string{"month": last, "state": gongzhi.EntryActive}},
			func(en *gongzhi.ServiceEntry) error { ids = append(ids, en.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 {
			t.Skip("the demo provider recorded nothing last month")
		}
		for _, id := range ids {
			if err := e.app.VoidEntry(ctx, prov, id, "测试：作废"); err != nil {
				t.Fatal(err)
			}
		}
		after, _, _ := homeOf(t, e, "gt-provider")
		if x := after["todo.ledger_overdue"]; x.Count <= before["todo.ledger_overdue"].Count || x.Href != "/ledger" {
			t.Errorf("overdue months before %+v after %+v", before["todo.ledger_overdue"], x)
		}
	})
	t.Run("expert", func(t *testing.T) {
		todos, _, all := homeOf(t, e, "gt-expert")
		x := todos["todo.reviews_pending"]
		if x.Href != "/reviews/"+strconv.FormatInt(review.ID, 10) || x.Count == 0 || !strings.Contains(x.Extra, review.Title) {
			t.Errorf("the panel waiting for the demo expert's scores: %+v in %+v", x, all)
		}
		ex := demoActor(t, e, "gt-expert")
		as, err := e.app.ReviewAssignments(ctx, ex)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.Call.ID == review.ID && a.Pending != x.Count {
				t.Errorf("pending %d, the list says %d", a.Pending, x.Count)
			}
		}
	})
	t.Run("resident", func(t *testing.T) {
		todos, _, all := homeOf(t, e, "zs-resident")
		mine, err := e.app.MyServices(ctx, demoActor(t, e, "zs-resident"))
		if err != nil {
			t.Fatal(err)
		}
		unrated := 0
		for _, m := range mine {
			if m.Rating == nil {
				unrated++
			}
		}
		if unrated == 0 {
			t.Fatalf("the demo resident has no service to rate (%d services)", len(mine))
		}
		if x := todos["todo.services_to_rate"]; x.Count != unrated || x.Href != "/my-services" {
			t.Errorf("services to rate: %+v, want %d; all %+v", x, unrated, all)
		}
	})
	t.Run("social worker", func(t *testing.T) {
		sw := demoActor(t, e, "gt-socialworker")
		prov := demoActor(t, e, "gt-provider")
		if sw.User.OrgID == 0 || sw.User.OrgID != prov.User.OrgID {
			t.Fatalf("gt-socialworker works for org %d, gt-provider is %d", sw.User.OrgID, prov.User.OrgID)
		}
		todos, stats, _ := homeOf(t, e, "gt-socialworker")
		if _, ok := todos["task.sw_no_org"]; ok {
			t.Error("the social worker is told it has no organization")
		}
		n, err := e.app.Entries(ctx, prov, store.ListOptions{Filters: map[string]string{"state": gongzhi.EntryActive}, Limit: 1},
			func(*gongzhi.ServiceEntry) error { return nil })
		if err != nil || n == 0 {
			t.Fatalf("the organization's entries: %d %v", n, err)
		}
		if x := stats["todo.sw_entries"]; x.Count != n || x.Href != "/ledger" {
			t.Errorf("the social worker's ledger: %+v, want %d entries", x, n)
		}
		if _, ok := stats["todo.sw_entries_month"]; !ok {
			t.Error("no figure for this month's entries")
		}
	})
	// every item of every demo account's list opens
	for _, name := range menuAccounts {
		t.Run("links of "+name, func(t *testing.T) {
			_, _, all := homeOf(t, e, name)
			b := loginBrowser(t, e, name)
			for _, x := range all {
				href, _, _ := strings.Cut(x.Href, "#")
				if st, body := b.get(href); st != http.StatusOK {
					t.Errorf("%s: %s links %s, which answers %d %.200s", name, x.Key, x.Href, st, body)
				}
			}
		})
	}
}

var actionFormRe = regexp.MustCompile(`<form method="post" action="(/calls/\d+/[a-z/-]+)"`)

// actionsOf returns the forms of a call page's next-step section.
func actionsOf(t *testing.T, page string) []string {
	t.Helper()
	i := strings.Index(page, `id="actions"`)
	if i < 0 {
		return nil
	}
	sec := page[i:]
	if j := strings.Index(sec, "</section>"); j >= 0 {
		sec = sec[:j]
	}
	var out []string
	for _, m := range actionFormRe.FindAllStringSubmatch(sec, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestDemoCallStagesNextSteps(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	ctx := context.Background()
	calls := demoCalls(t, e)
	pur := loginBrowser(t, e, "gt-purchaser")
	href := func(c *gongzhi.Call) string { return "/calls/" + strconv.FormatInt(c.ID, 10) }
	post := func(b *browser, page, action string, form url.Values) {
		t.Helper()
		form.Set("csrf", b.csrf(page))
		if st, body := b.post(action, form); st != http.StatusSeeOther {
			t.Fatalf("%s: %d %.600s", action, st, body)
		}
	}
	steps := func(c *gongzhi.Call) []string {
		t.Helper()
		st, page := pur.get(href(c))
		if st != http.StatusOK {
			t.Fatalf("%s: %d", href(c), st)
		}
		var out []string
		for _, a := range actionsOf(t, page) {
			out = append(out, strings.TrimPrefix(a, href(c)+"/"))
		}
		return out
	}
	state := func(c *gongzhi.Call) string {
		t.Helper()
		got, err := e.app.Call(ctx, demoActor(t, e, "gt-purchaser"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.State
	}

	t.Run("open: close early with a reason", func(t *testing.T) {
		c := calls[demo.CallTitle]
		if got := steps(c); strings.Join(got, " ") != "close-early cancel" {
			t.Fatalf("the open call offers %v", got)
		}
		post(pur, href(c), href(c)+"/close-early", url.Values{"reason": {"预算调整，提前截止"}})
		if s := state(c); s != gongzhi.CallClosed {
			t.Errorf("after closing early: %s", s)
		}
	})

	t.Run("closed: preliminary review, panel, review", func(t *testing.T) {
		c := calls[demo.PrelimCallTitle]
		if got := steps(c); strings.Join(got, " ") != "cancel" {
			t.Fatalf("the closed call offers %v before its preliminary review", got)
		}
		hub := loginBrowser(t, e, "gt-hub")
		_, page := hub.get(href(c))
		prelims := regexp.MustCompile(`action="(/calls/\d+/applications/\d+/prelim)"`).FindAllStringSubmatch(page, -1)
		if len(prelims) == 0 {
			t.Fatal("the hub is offered no preliminary review")
		}
		seen := map[string]bool{}
		for _, m := range prelims {
			if !seen[m[1]] {
				seen[m[1]] = true
				post(hub, href(c), m[1], url.Values{"decision": {"eligible"}})
			}
		}
		if got := steps(c); strings.Join(got, " ") != "cancel" {
			t.Fatalf("the call offers %v before its panel is drawn", got)
		}
		post(pur, href(c), href(c)+"/panel", url.Values{"size": {"3"}})
		got := steps(c)
		if len(got) == 0 || got[0] != "review" {
			t.Fatalf("with the panel drawn the call offers %v", got)
		}
		post(pur, href(c), href(c)+"/review", url.Values{})
		if s := state(c); s != gongzhi.CallReviewing {
			t.Errorf("after starting the review: %s", s)
		}
	})

	t.Run("reviewing: rank once every score is in", func(t *testing.T) {
		c := calls[demo.ReviewCallTitle]
		if got := steps(c); strings.Join(got, " ") != "cancel" {
			t.Fatalf("the call in review offers %v with scores missing", got)
		}
		// the demo expert's panel page answers, then every missing score is given
		if st, _ := loginBrowser(t, e, "gt-expert").get("/reviews/" + strconv.FormatInt(c.ID, 10)); st != http.StatusOK {
			t.Fatalf("the demo expert's review page: %d", st)
		}
		d, err := e.app.Panel(ctx, demoActor(t, e, "gt-purchaser"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range d.Members {
			if !m.Active() {
				continue
			}
			var uid int64
			if err := e.app.DB.Q().QueryRow(ctx, `SELECT id FROM users WHERE person_id = ?`, m.PersonID).Scan(&uid); err != nil {
				t.Fatalf("panel member %d has no account: %v", m.PersonID, err)
			}
			u, err := e.app.DB.Q().GetUser(ctx, uid)
			if err != nil {
				t.Fatal(err)
			}
			ex := &gongzhi.Actor{User: u, Via: "test"}
			if err := e.app.ScopeFor(ctx, ex); err != nil {
				t.Fatal(err)
			}
			visible, err := e.app.ReviewApplications(ctx, ex, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, ap := range visible {
				scores := make([]gongzhi.Points, len(c.Criteria))
				for k, cr := range c.Criteria {
					scores[k] = gongzhi.Points(cr.Weight) * 75
				}
				if _, err := e.app.SubmitScores(ctx, ex, ap.ID, scores, ""); err != nil && gongzhi.ErrorCode(err) != gongzhi.ECONFLICT {
					t.Fatal(err)
				}
			}
		}
		got := steps(c)
		if len(got) == 0 || got[0] != "rank" {
			t.Fatalf("with every score in the call offers %v", got)
		}
		post(pur, href(c), href(c)+"/rank", url.Values{})
	})

	t.Run("notice: answer the objection; final after the notice", func(t *testing.T) {
		c := calls[demo.NoticeCallTitle]
		// finalizing waits for the notice's end, and the contracts for the final results (an
		// objection may overturn an award): the next-step box says so and offers neither
		if got := steps(c); strings.Join(got, " ") != "cancel" {
			t.Fatalf("the call in notice offers %v before the notice ends", got)
		}
		_, page := pur.get(href(c))
		if !strings.Contains(page, "然后为各项资助生成合同") {
			t.Fatal("the call in notice does not say that the contracts wait for the final results")
		}
		m := regexp.MustCompile(`action="(/calls/\d+/objections/\d+/answer)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no objection to answer")
		}
		post(pur, href(c), m[1], url.Values{"answer": {"服务点按社区需求调查确定。"}})
		if st, _ := pur.post(href(c)+"/contracts", url.Values{"csrf": {pur.csrf(href(c))}, "purchaser_name": {"南京市六合区葛塘街道办事处"}}); st != http.StatusConflict {
			t.Fatalf("contracts during the notice: %d, want 409", st)
		}
		// after the notice: finalize, then the contracts
		got, err := e.app.Call(ctx, demoActor(t, e, "gt-purchaser"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		after := got.NoticeEndsAt.Add(time.Hour)
		e.app.Now = func() time.Time { return after }
		later := loginBrowser(t, e, "gt-purchaser")
		pur = later // the steps are read as the new session sees them
		if got := steps(c); strings.Join(got, " ") != "finalize cancel" {
			t.Fatalf("the call after its notice offers %v", got)
		}
		post(later, href(c), href(c)+"/finalize", url.Values{})
		if s := state(c); s != gongzhi.CallFinal {
			t.Fatalf("after finalize the call is %s", s)
		}
		post(later, href(c), href(c)+"/contracts", url.Values{"purchaser_name": {"南京市六合区葛塘街道办事处"}})
		if cts, err := e.app.Awards(ctx, demoActor(t, e, "gt-purchaser"), c.ID); err != nil || len(cts) == 0 || cts[0].ContractID == 0 {
			t.Errorf("contracts drafted: %+v %v", cts, err)
		}
	})
}

// The contract page, which is also its printout, names who drafted, confirmed and recorded
// payments by their accounts' names, never by usernames.
func TestContractShowsNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	ctx := context.Background()
	pur := demoActor(t, e, "gt-purchaser")
	prov := demoActor(t, e, "gt-provider")
	var id int64
	if _, err := e.app.Contracts(ctx, prov, store.ListOptions{}, func(c *gongzhi.Contract) error { id = c.ID; return nil }); err != nil || id == 0 {
		t.Fatalf("gt-provider's contract: %d %v", id, err)
	}
	for _, who := range []string{"gt-purchaser", "gt-provider"} {
		st, page := loginBrowser(t, e, who).get("/contracts/" + strconv.FormatInt(id, 10))
		if st != http.StatusOK {
			t.Fatalf("%s: contract page %d", who, st)
		}
		if !strings.Contains(page, pur.User.DisplayName) || !strings.Contains(page, prov.User.DisplayName) {
			t.Errorf("%s: the contract does not name %s and %s", who, pur.User.DisplayName, prov.User.DisplayName)
		}
		main := page[strings.Index(page, "<main>"):]
		for _, u := range []string{"gt-purchaser", "gt-provider"} {
			if strings.Contains(main, u) {
				t.Errorf("%s: the contract shows the username %s", who, u)
			}
		}
	}
}

var (
	resTagRe = regexp.MustCompile(`(?s)<[^>]*>`)
	placeRe  = regexp.MustCompile(`\b\d{12}\b`)
	codeWord = regexp.MustCompile(`\b[a-z]+(?:_[a-z]+)+\b`)
)

// A resident's pages show no API tokens and no internal codes: no place codes, no snake_case
// codes of states, kinds or groups, in the text a person reads.
func TestResidentSeesNoCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	b := loginBrowser(t, e, "zs-resident")
	for _, p := range []string{"/", "/my-services", "/complaints", "/sessions"} {
		st, page := b.get(p)
		if st != http.StatusOK {
			t.Fatalf("%s: %d", p, st)
		}
		if strings.Contains(page, `href="/tokens"`) {
			t.Errorf("%s links the API tokens", p)
		}
		text := resTagRe.ReplaceAllString(page[strings.Index(page, "<body"):], " ")
		if m := placeRe.FindString(text); m != "" {
			t.Errorf("%s shows the code %s", p, m)
		}
		if m := codeWord.FindString(text); m != "" {
			t.Errorf("%s shows the code %q", p, m)
		}
	}
}
