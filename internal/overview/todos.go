// To-do lists (我的待办): what each role should look at next, computed from the records.

package overview

import (
	"context"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/purchase"
	"gongzhi/internal/security"
	"gongzhi/internal/store"
)

// Todos returns the actor's to-do list and a few overview figures for its home page.
func (a *Service) Todos(ctx context.Context, ac *gongzhi.Actor) (todos, stats []kernel.Todo, err error) {
	if ac.User.MustChangePassword {
		todos = append(todos, kernel.Todo{Key: "todo.change_password", Href: "/password"})
	}
	q := a.DB.Q()
	count := func(list func(opts store.ListOptions) (int, error), filters map[string]string) int {
		if err != nil {
			return 0
		}
		var n int
		n, err = list(store.ListOptions{Filters: filters, Limit: 1, CountOnly: true})
		return n
	}
	orgs := func(f map[string]string) int {
		return count(func(o store.ListOptions) (int, error) {
			return q.ListOrganizations(ctx, kernel.OrgScope(ac), o, func(*gongzhi.Organization) error { return nil })
		}, f)
	}
	people := func(f map[string]string) int {
		return count(func(o store.ListOptions) (int, error) {
			return q.ListPeople(ctx, kernel.OrgScope(ac), o, func(*gongzhi.Person) error { return nil })
		}, f)
	}
	households := func(f map[string]string) int {
		return count(func(o store.ListOptions) (int, error) {
			return q.ListHouseholds(ctx, kernel.PlaceScope(ac), o, func(*gongzhi.Household) error { return nil })
		}, f)
	}
	add := func(list *[]kernel.Todo, key string, n int, href string) {
		if n > 0 {
			*list = append(*list, kernel.Todo{Key: key, Count: n, Href: href})
		}
	}
	now := a.NowUTC()
	calls := func(f map[string]string) int {
		return count(func(o store.ListOptions) (int, error) {
			return a.Calls(ctx, ac, o, func(*gongzhi.Call) error { return nil })
		}, f)
	}
	apps := func(f map[string]string) int {
		return count(func(o store.ListOptions) (int, error) {
			return a.Applications(ctx, ac, o, func(*gongzhi.Application) error { return nil })
		}, f)
	}
	contracts := func(f map[string]string) int {
		return count(func(o store.ListOptions) (int, error) {
			return a.Contracts(ctx, ac, o, func(*gongzhi.Contract) error { return nil })
		}, f)
	}
	switch ac.Role() {
	case gongzhi.RolePurchaser:
		add(&todos, "todo.calls_open", calls(map[string]string{"state": gongzhi.CallOpen}), "/calls?state=open")
		add(&todos, "todo.calls_closed", calls(map[string]string{"state": gongzhi.CallClosed}), "/calls?state=closed")
		add(&todos, "todo.calls_reviewing", calls(map[string]string{"state": gongzhi.CallReviewing}), "/calls?state=reviewing")
		add(&todos, "todo.calls_notice", calls(map[string]string{"state": gongzhi.CallNotice}), "/calls?state=notice")
		add(&todos, "todo.contracts_draft", contracts(map[string]string{"state": gongzhi.ContractDraft}), "/contracts?state=draft")
		if err == nil {
			var un []kernel.Todo
			un, err = a.unchosenTodos(ctx, ac)
			todos = append(todos, un...)
		}
	case gongzhi.RoleHub:
		add(&todos, "todo.apps_prelim", apps(map[string]string{"state": gongzhi.AppSubmitted, "call_state": gongzhi.CallClosed}), "/calls?state=closed")
	case gongzhi.RoleProvider:
		if err == nil {
			var n int
			n, err = a.callsToApply(ctx, ac)
			add(&todos, "todo.calls_to_apply", n, "/applications#open-calls")
		}
		add(&todos, "todo.apps_draft", apps(map[string]string{"state": gongzhi.AppDraft}), "/applications?state=draft")
		add(&todos, "todo.contracts_draft", contracts(map[string]string{"state": gongzhi.ContractDraft}), "/contracts?state=draft")
	case gongzhi.RoleExpert:
		// each panel waiting for the expert, by call: the declaration first, then the scores
		if as, aerr := a.ReviewAssignments(ctx, ac); aerr == nil {
			for _, x := range as {
				href := "/reviews/" + kernel.Id10(x.Call.ID)
				waiting := x.Call.State == gongzhi.CallClosed || x.Call.State == gongzhi.CallReviewing
				switch {
				case x.Member.Active() && waiting && x.Member.DeclaredAt.IsZero():
					todos = append(todos, kernel.Todo{Key: "task.review_declare", Href: href, Extra: " · " + x.Call.Title})
				case x.Pending > 0:
					todos = append(todos, kernel.Todo{Key: "todo.reviews_pending", Count: x.Pending, Href: href, Extra: " · " + x.Call.Title})
				}
			}
		}
	case gongzhi.RoleResident:
		// the services the resident took part in and has not rated yet
		if mine, merr := a.MyServices(ctx, ac); merr == nil {
			n := 0
			for _, m := range mine {
				if m.Rating == nil {
					n++
				}
			}
			add(&todos, "todo.services_to_rate", n, "/my-services")
		}
	case gongzhi.RoleSocialWorker:
		// the ledger of the social worker's organization: this month's entries and all of them
		if ac.User.OrgID != 0 && err == nil {
			month := now.In(gongzhi.ChinaTime).Format("2006-01")
			entries := func(f map[string]string) int {
				return count(func(o store.ListOptions) (int, error) {
					return a.Entries(ctx, ac, o, func(*gongzhi.ServiceEntry) error { return nil })
				}, f)
			}
			todos = append(todos, kernel.Todo{Key: "task.sw_record", Href: "/ledger/new"})
			stats = append(stats, kernel.Todo{Key: "todo.sw_entries_month", Count: entries(map[string]string{"month": month, "state": gongzhi.EntryActive}),
				Href: "/ledger?month=" + month})
			add(&stats, "todo.sw_entries", entries(map[string]string{"state": gongzhi.EntryActive}), "/ledger")
		} else if ac.User.OrgID == 0 {
			todos = append(todos, kernel.Todo{Key: "task.sw_no_org", Href: "/ledger"})
		}
	}
	switch ac.Role() {
	case gongzhi.RolePurchaser, gongzhi.RoleHub:
		add(&todos, "todo.orgs_no_code", orgs(map[string]string{"reg_state": "preparing"}), "/organizations?reg_state=preparing")
		add(&todos, "todo.orgs_incubating", orgs(map[string]string{"incubation": "incubating"}), "/organizations?incubation=incubating")
		add(&stats, "nav.organizations", orgs(nil), "/organizations")
		add(&stats, "person.kind.social_worker", people(map[string]string{"kind": "social_worker"}), "/people?kind=social_worker")
		add(&stats, "person.kind.volunteer", people(map[string]string{"kind": "volunteer"}), "/people?kind=volunteer")
		add(&stats, "person.kind.expert", people(map[string]string{"kind": "expert"}), "/people?kind=expert")
		if ac.Has(gongzhi.RolePurchaser) {
			add(&stats, "person.kind.resident", people(map[string]string{"kind": "resident"}), "/people?kind=resident")
			add(&stats, "nav.households", households(nil), "/households")
		}
	case gongzhi.RoleCommunity, gongzhi.RoleGridWorker:
		add(&todos, "todo.households_no_grid", households(map[string]string{"no_grid": "1"}), "/households?no_grid=1")
		add(&stats, "nav.households", households(nil), "/households")
		add(&stats, "person.kind.resident", people(map[string]string{"kind": "resident"}), "/people?kind=resident")
		add(&stats, "person.kind.volunteer", people(map[string]string{"kind": "volunteer"}), "/people?kind=volunteer")
	case gongzhi.RoleProvider:
		if o, gerr := q.GetOrganization(ctx, kernel.OrgScope(ac), ac.User.OrgID); gerr == nil {
			missing := ""
			for _, m := range []struct{ v, k string }{{o.ContactName, "联系人"}, {o.ContactPhone, "联系电话"}, {o.Address, "地址"}} {
				if m.v == "" {
					missing += m.k + " "
				}
			}
			if len(o.ServiceFields) == 0 {
				missing += "服务领域"
			}
			if missing != "" {
				todos = append(todos, kernel.Todo{Key: "todo.org_profile", Href: "/organizations/" + kernel.Id10(o.ID) + "/edit", Extra: missing})
			}
		}
		add(&stats, "person.kind.social_worker", people(map[string]string{"kind": "social_worker"}), "/people?kind=social_worker")
		add(&stats, "person.kind.volunteer", people(map[string]string{"kind": "volunteer"}), "/people?kind=volunteer")
	case gongzhi.RoleSysAdmin, gongzhi.RoleSecAdmin:
		var locked, must int
		_, err = q.ListUsers(ctx, store.ListOptions{}, now, func(u *gongzhi.User) error {
			if u.Locked(now) {
				locked++
			}
			if u.MustChangePassword && u.LastLoginAt.IsZero() {
				must++
			}
			return nil
		})
		add(&todos, "todo.locked_accounts", locked, "/users?locked=1")
		if ac.Has(gongzhi.RoleSecAdmin) && err == nil {
			var n int
			n, err = q.CountOpenAlarms(ctx)
			add(&todos, "todo.security_alarms", n, "/security/alarms?open=1")
		}
		if ac.Has(gongzhi.RoleSysAdmin) {
			add(&stats, "todo.must_change", must, "/users")
		}
	case gongzhi.RoleAuditAdmin:
		day := now.Add(-24 * time.Hour)
		if n, cerr := q.CountAuditSince(ctx, "view_sensitive", day); cerr == nil {
			add(&todos, "todo.sensitive_views", n, "/audit?action=view_sensitive")
		}
		if n, cerr := q.CountAuditSince(ctx, "login_failed", day); cerr == nil {
			add(&todos, "todo.failed_logins", n, "/audit?action=login_failed")
		}
	}
	if err == nil && security.MayReadTamperAlarms(ac) && !ac.Has(gongzhi.RoleSecAdmin) { // hers are among the security alarms
		var n int
		n, err = q.CountOpenAlarmsOf(ctx, security.TamperKinds)
		add(&todos, "todo.tamper_alarms", n, "/tamper-alarms?open=1")
	}
	if err == nil && !gongzhi.IsAdminRole(ac.Role()) {
		var more []kernel.Todo
		if more, _, err = a.DeliveryItems(ctx, ac); err == nil {
			todos = append(todos, more...)
		}
		for _, f := range a.More {
			if err == nil {
				if more, err = f(ctx, ac); err == nil {
					todos = append(todos, more...)
				}
			}
		}
	}
	return todos, stats, err
}

// callsToApply counts the open calls taking applications now to which the provider's
// organization has no application yet (one withdrawn does not count).
func (a *Service) callsToApply(ctx context.Context, ac *gongzhi.Actor) (int, error) {
	applied := map[int64]bool{}
	if _, err := a.Applications(ctx, ac, store.ListOptions{Filters: map[string]string{"call_state": gongzhi.CallOpen}}, func(ap *gongzhi.Application) error {
		if ap.State != gongzhi.AppWithdrawn {
			applied[ap.CallID] = true
		}
		return nil
	}); err != nil {
		return 0, err
	}
	now, n := a.NowUTC(), 0
	_, err := a.OpenCalls(ctx, store.ListOptions{Limit: 200}, func(c *gongzhi.Call) error {
		if c.AcceptsAt(now) && !applied[c.ID] {
			n++
		}
		return nil
	})
	return n, err
}

// unchosenLimit bounds the signed contracts the home page reads for indicators that count
// nothing (the newest first), and the to-dos it lists.
const unchosenLimit, unchosenShown = 500, 10

// unchosenTodos is one to-do per signed contract in the purchaser's scope whose terms in force
// hold a count indicator that counts nothing until the office chooses what it counts
// (gongzhi.IndicatorUnchosen): the indicators' names, and the contract's page, which says so and
// links to the amendment. The newest contracts first, at most unchosenShown.
func (a *Service) unchosenTodos(ctx context.Context, ac *gongzhi.Actor) ([]kernel.Todo, error) {
	s, err := purchase.ContractScope(ac)
	if err != nil {
		return nil, err
	}
	signed, err := a.DB.Q().NewestSignedTerms(ctx, s, unchosenLimit)
	if err != nil {
		return nil, err
	}
	var out []kernel.Todo
	for _, ct := range signed {
		if names := gongzhi.UnchosenIndicators(ct.Terms); len(names) > 0 {
			out = append(out, kernel.Todo{Key: "todo.indicators_unchosen", Count: len(names), Href: "/contracts/" + kernel.Id10(ct.ID) + "#unchosen",
				Extra: " · " + ct.Title + " · " + strings.Join(names, "、")})
			if len(out) == unchosenShown {
				break
			}
		}
	}
	return out, nil
}
