// The mix: which routes the clients visit, how often, and the records they visit, found in the
// lists' answers before the run.

package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// route is one kind of request of the mix: a name for the report, a group for the goals, a
// weight, and how to make the next request.
type route struct {
	name   string
	group  string // list, deep, search, filter, detail, dashboard, public, write
	role   Role
	weight int
	make   func(rnd *rand.Rand) request
}

// listAnswer is a list's answer: its items and how to reach further pages.
type listAnswer struct {
	Items   []map[string]any `json:"items"`
	Total   int              `json:"total"`
	PerPage int              `json:"per_page"`
	Next    any              `json:"next"`
}

// pinyinTerms are what offices type for common surnames (full pinyin and initials).
var pinyinTerms = []string{"zhang", "wang", "li", "chen", "liu", "zh", "wj", "zw"}

// discover reads each role's lists, keeps the records to visit, and builds the mix; routes with
// nothing to visit are left out, and named.
func (t *target) discover(ctx context.Context) ([]*route, []string, error) {
	var mix []*route
	var skipped []string
	add := func(r *route) { mix = append(mix, r) }
	get := func(role Role, name, group string, weight int, path string) {
		add(&route{name: name, group: group, role: role, weight: weight, make: fixed(role, http.MethodGet, path)})
	}
	// one of ids, each visit
	oneOf := func(role Role, name, group string, weight int, paths []string) {
		if len(paths) == 0 {
			skipped = append(skipped, name+": nothing to visit")
			return
		}
		add(&route{name: name, group: group, role: role, weight: weight, make: func(rnd *rand.Rand) request {
			return request{role: role, method: http.MethodGet, path: paths[rnd.IntN(len(paths))]}
		}})
	}
	has := func(r Role) bool { return t.sessions[r] != nil && t.sessions[r].token != "" }

	// the lists of the registry, as a street's purchaser (or a city's) and a community worker
	for _, role := range []Role{Purchaser, Community} {
		if !has(role) {
			continue
		}
		for _, l := range []struct {
			api, page string
			detail    func(item map[string]any) string
		}{
			{"/api/v1/people", "/people", byID("/people/")},
			{"/api/v1/households", "/households", byID("/households/")},
			{"/api/v1/grids", "/grids", byID("/grids/")},
			{"/api/v1/places", "/places", func(it map[string]any) string { return "/places/" + str(it["code"]) }},
			{"/api/v1/organizations", "/organizations", byID("/organizations/")},
		} {
			var first listAnswer
			if err := t.getJSON(ctx, role, l.api, &first); err != nil {
				return nil, nil, err
			}
			get(role, "GET "+l.api, "list", 6, l.api)
			get(role, "GET "+l.page, "list", 4, l.page)
			deep, err := t.deepPages(ctx, role, l.api, first)
			if err != nil {
				return nil, nil, err
			}
			oneOf(role, "GET "+l.api+" deep", "deep", 3, deep)
			var details []string
			for _, it := range first.Items {
				if d := l.detail(it); d != "" && !strings.HasSuffix(d, "/") {
					details = append(details, d)
				}
			}
			oneOf(role, "GET "+l.page+"/{id}", "detail", 4, details)
			var apiDetails []string
			for _, d := range details {
				apiDetails = append(apiDetails, "/api/v1"+d)
			}
			oneOf(role, "GET "+l.api+"/{id}", "detail", 4, apiDetails)
			if l.api == "/api/v1/people" {
				var names, terms []string
				for _, it := range first.Items {
					if n := str(it["name"]); n != "" {
						names = append(names, n)
						r, _ := utf8.DecodeRuneInString(n)
						terms = append(terms, string(r))
					}
				}
				oneOf(role, "GET /api/v1/people?q=name", "search", 3, queries(l.api, "q", names))
				oneOf(role, "GET /api/v1/people?q=surname", "search", 3, queries(l.api, "q", terms))
				oneOf(role, "GET /api/v1/people?q=pinyin", "search", 3, queries(l.api, "q", pinyinTerms))
				oneOf(role, "GET /people?q=surname", "search", 2, queries(l.page, "q", terms))
				get(role, "GET /api/v1/people?target_group=elderly", "filter", 3, l.api+"?target_group=elderly")
				get(role, "GET /api/v1/people?kind=resident", "filter", 2, l.api+"?kind=resident")
			}
			if l.api == "/api/v1/households" {
				var communities, grids []string
				for _, it := range first.Items {
					if c := str(it["community_code"]); c != "" {
						communities = append(communities, c)
					}
					if g := str(it["grid_id"]); g != "" && g != "0" {
						grids = append(grids, g)
					}
				}
				oneOf(role, "GET /api/v1/households?community=", "filter", 2, queries(l.api, "community", communities))
				oneOf(role, "GET /api/v1/households?grid=", "filter", 2, queries(l.api, "grid", grids))
			}
		}
		get(role, "GET /", "dashboard", 2, "/") // the home page: the role's to-do list
	}
	// grid events (docs/events.md): the lists with their filters, a page deep by cursor, events
	// and their grids, the statistics
	for _, role := range []Role{Purchaser, Community} {
		if !has(role) {
			continue
		}
		var first listAnswer
		if err := t.getJSON(ctx, role, "/api/v1/events", &first); err != nil {
			return nil, nil, err
		}
		get(role, "GET /api/v1/events", "list", 4, "/api/v1/events")
		get(role, "GET /events", "list", 3, "/events")
		for _, f := range []string{"state=open", "overdue=1", "escalated=1", "state=handling"} {
			get(role, "GET /api/v1/events?"+f, "filter", 1, "/api/v1/events?"+f)
		}
		deep, err := t.deepPages(ctx, role, "/api/v1/events", first)
		if err != nil {
			return nil, nil, err
		}
		oneOf(role, "GET /api/v1/events deep", "deep", 2, deep)
		var details, apiDetails, grids, cats []string
		for _, it := range first.Items {
			if id := str(it["id"]); id != "" {
				details = append(details, "/events/"+id)
				apiDetails = append(apiDetails, "/api/v1/events/"+id)
			}
			if g := str(it["grid_id"]); g != "" && g != "0" {
				grids = append(grids, "/gridwork/grids/"+g)
			}
			if c := str(it["category_id"]); c != "" {
				cats = append(cats, c)
			}
		}
		oneOf(role, "GET /events/{id}", "detail", 3, details)
		oneOf(role, "GET /api/v1/events/{id}", "detail", 2, apiDetails)
		oneOf(role, "GET /gridwork/grids/{id}", "detail", 2, grids)
		oneOf(role, "GET /api/v1/events?category=", "filter", 1, queries("/api/v1/events", "category", cats))
		get(role, "GET /events/stats", "dashboard", 1, "/events/stats")
		get(role, "GET /api/v1/events/stats", "dashboard", 1, "/api/v1/events/stats")
	}
	if has(Purchaser) {
		get(Purchaser, "GET /dashboard", "dashboard", 3, "/dashboard")
		get(Purchaser, "GET /api/v1/dashboard", "dashboard", 2, "/api/v1/dashboard")
		for _, p := range []string{"/api/v1/needs", "/api/v1/contracts", "/api/v1/calls", "/api/v1/complaints", "/api/v1/ledger"} {
			get(Purchaser, "GET "+p, "list", 2, p)
		}
		for _, p := range []string{"/needs", "/contracts", "/ledger", "/supervision"} {
			get(Purchaser, "GET "+p, "list", 1, p)
		}
	}
	if has(Community) {
		get(Community, "GET /api/v1/ledger", "list", 2, "/api/v1/ledger")
		get(Community, "GET /complaints", "list", 1, "/complaints")
	}
	if has(Provider) {
		get(Provider, "GET /api/v1/contracts", "list", 2, "/api/v1/contracts")
		get(Provider, "GET /api/v1/ledger", "list", 3, "/api/v1/ledger")
		get(Provider, "GET /ledger", "list", 2, "/ledger")
		get(Provider, "GET /dashboard", "dashboard", 2, "/dashboard")
		get(Provider, "GET /api/v1/dashboard", "dashboard", 1, "/api/v1/dashboard")
		var entries listAnswer
		if err := t.getJSON(ctx, Provider, "/api/v1/ledger?per_page=20", &entries); err != nil {
			return nil, nil, err
		}
		var details []string
		for _, it := range entries.Items {
			if id := str(it["id"]); id != "" {
				details = append(details, "/ledger/"+id)
			}
		}
		oneOf(Provider, "GET /ledger/{id}", "detail", 2, details)
		if !t.o.NoWrites {
			if w := ledgerWrite(entries.Items); w != nil {
				add(&route{name: "POST /api/v1/ledger", group: "write", role: Provider, weight: 2, make: w})
			} else {
				skipped = append(skipped, "POST /api/v1/ledger: the provider has no entry to copy")
			}
		}
	}
	if has(Resident) {
		get(Resident, "GET /api/v1/my-services", "list", 1, "/api/v1/my-services")
		get(Resident, "GET /api/v1/todos", "list", 1, "/api/v1/todos")
		get(Resident, "GET /my-services", "list", 1, "/my-services")
	}
	for _, p := range []string{"/public", "/public/needs", "/public/contracts", "/public/payments", "/public/evaluations"} {
		get(Public, "GET "+p, "public", 2, p)
	}
	for _, p := range []string{"/api/v1/public/calls", "/api/v1/public/contracts", "/api/v1/public/disclosure", "/api/v1/public/communities",
		"/public/events", "/api/v1/public/events/stats", "/open311/v2/requests.json", "/open311/v2/requests.json?status=open",
		"/open311/v2/services.json"} {
		get(Public, "GET "+p, "public", 1, p)
	}
	if len(mix) == 0 {
		return nil, nil, fmt.Errorf("loadtest: nothing to do")
	}
	return mix, skipped, nil
}

// deepPages finds pages far into a list: by its "next" cursor when the answer gives one (up to
// 20 pages deep, the last few kept), else by page number in the last half of the list.
func (t *target) deepPages(ctx context.Context, role Role, api string, first listAnswer) ([]string, error) {
	if first.Next != nil {
		var out []string
		cur := first
		for hop := 0; hop < 20; hop++ {
			next := t.nextPath(api, cur.Next)
			if next == "" {
				break
			}
			out = append(out, next)
			if len(out) > 5 {
				out = out[1:]
			}
			cur = listAnswer{}
			if err := t.getJSON(ctx, role, next, &cur); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	per := max(first.PerPage, 1)
	last := (first.Total + per - 1) / per
	if last < 2 {
		return nil, nil
	}
	var out []string
	for _, p := range []int{last / 2, last * 3 / 4, last - 1, last} {
		if p >= 2 {
			out = append(out, api+"?page="+strconv.Itoa(p))
		}
	}
	return out, nil
}

// nextPath turns a list answer's "next" into the path of the next page: a link as given, or a
// bare cursor in Options.CursorParam.
func (t *target) nextPath(api string, next any) string {
	s := str(next)
	switch {
	case s == "" || s == "0":
		return ""
	case strings.HasPrefix(s, "/"):
		return s
	case strings.HasPrefix(s, "?"):
		return api + s
	case strings.HasPrefix(s, "http://"), strings.HasPrefix(s, "https://"):
		if u, err := url.Parse(s); err == nil {
			return u.RequestURI()
		}
		return ""
	}
	return api + "?" + url.Values{t.o.CursorParam: {s}}.Encode()
}

// ledgerWrite makes new ledger entries like the provider's latest one (its contract,
// communities and target groups, its date), counted participants only.
func ledgerWrite(items []map[string]any) func(rnd *rand.Rand) request {
	for _, it := range items {
		if str(it["state"]) != "active" || str(it["contract_id"]) == "" {
			continue
		}
		base := map[string]any{"contract_id": it["contract_id"], "kind": it["kind"], "title": "负载测试活动", "held_on": it["held_on"],
			"start_time": it["start_time"], "end_time": it["end_time"], "venue": it["venue"], "communities": it["communities"],
			"target_groups": it["target_groups"], "summary": "gongzhi loadtest"}
		return func(rnd *rand.Rand) request {
			e := make(map[string]any, len(base)+1)
			for k, v := range base {
				e[k] = v
			}
			e["counted"] = 1 + rnd.IntN(20)
			b, _ := json.Marshal(e)
			return request{role: Provider, method: http.MethodPost, path: "/api/v1/ledger", body: b}
		}
	}
	return nil
}

func fixed(role Role, method, path string) func(*rand.Rand) request {
	return func(*rand.Rand) request { return request{role: role, method: method, path: path} }
}

func byID(prefix string) func(map[string]any) string {
	return func(it map[string]any) string { return prefix + str(it["id"]) }
}

func queries(path, param string, values []string) []string {
	var out []string
	for _, v := range values {
		out = append(out, path+"?"+url.Values{param: {v}}.Encode())
	}
	return out
}

// str renders a JSON value (string or number) as text.
func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatInt(int64(x), 10)
	case json.Number:
		return x.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}
