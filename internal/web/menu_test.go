package web_test

// The navigation: each part adds its links, shown by its capability's predicates. Every demo
// role is shown exactly its menu, and every link in it opens.

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store/storetest/demodb"
)

// menus is each role's navigation after the home page, in order: a long menu in its groups
// (采购, 履约监管, 名录, 报表, 账号); a resident's without API tokens or the lists of places and
// target groups, whose codes are the staff's.
var menus = map[string][]string{
	gongzhi.RolePurchaser: {"/needs", "/budgets", "/calls", "/contracts", "/ledger", "/supervision", "/meetings", "/complaints",
		"/evaluations", "/vouchers", "/consult", "/votes", "/organizations", "/people", "/places", "/grids", "/events", "/gridwork", "/events/categories", "/households", "/target-groups", "/reports", "/dashboard",
		"/events/stats", "/account-links", "/tokens", "/sessions"},
	gongzhi.RoleHub: {"/needs", "/calls", "/contracts", "/ledger", "/surveys", "/supervision", "/meetings", "/complaints",
		"/evaluations", "/vouchers", "/consult", "/votes", "/organizations", "/people", "/places", "/grids", "/gridwork", "/target-groups", "/dashboard", "/account-links", "/tokens", "/sessions"},
	gongzhi.RoleProvider: {"/applications", "/contracts", "/ledger", "/supervision", "/complaints", "/evaluations", "/vouchers",
		"/organizations", "/people", "/places", "/target-groups", "/dashboard", "/tokens", "/sessions"},
	gongzhi.RoleCommunity: {"/needs", "/ledger", "/complaints", "/vouchers", "/consult", "/votes", "/organizations", "/people", "/places", "/grids", "/events", "/gridwork", "/households",
		"/target-groups", "/events/stats", "/account-links", "/tokens", "/sessions"},
	gongzhi.RoleGridWorker:   {"/needs", "/consult", "/votes", "/organizations", "/people", "/places", "/grids", "/events", "/gridwork", "/households", "/target-groups", "/tokens", "/sessions"},
	gongzhi.RoleDepartment:   {"/events/stats", "/events", "/tokens", "/sessions"},
	gongzhi.RoleSocialWorker: {"/ledger", "/votes", "/places", "/target-groups", "/tokens", "/sessions"},
	gongzhi.RoleExpert:       {"/reviews", "/evaluations", "/places", "/target-groups", "/tokens", "/sessions"},
	gongzhi.RoleResident:     {"/my-services", "/public/needs/published", "/complaints", "/vouchers", "/consult", "/votes", "/events", "/sessions"},
	gongzhi.RoleAuditor: {"/ledger", "/supervision", "/meetings", "/complaints", "/evaluations", "/vouchers", "/consult", "/votes", "/organizations",
		"/places", "/grids", "/events", "/gridwork", "/target-groups", "/dashboard", "/events/stats", "/tokens", "/sessions", "/tamper-alarms"},
	gongzhi.RoleSysAdmin:   {"/users", "/jobs", "/tokens", "/sessions"},
	gongzhi.RoleSecAdmin:   {"/users", "/tokens", "/sessions", "/security/alarms", "/tamper-alarms"},
	gongzhi.RoleAuditAdmin: {"/audit", "/sessions", "/tamper-alarms"},
}

// menuAccounts are demo accounts, one of each role.
var menuAccounts = []string{"gt-purchaser", "gt-hub", "gt-provider", "zs-community", "zs-grid", "gt-department", "gt-socialworker", "gt-expert",
	"zs-resident", "gt-auditor", "admin-sys", "admin-sec", "admin-audit"}

var (
	menuRe     = regexp.MustCompile(`(?s)<nav class="menu"[^>]*>(.*?)</nav>`)
	menuLinkRe = regexp.MustCompile(`<a href="([^"]+)"`)
)

// TestMenuLinksOpen signs in as one demo account of each role, checks the menu it is shown and
// opens every link in it.
func TestMenuLinksOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	byRole := map[string]string{}
	for _, name := range menuAccounts {
		u, _, err := e.app.DB.Q().UserByUsername(context.Background(), name)
		if err != nil {
			t.Fatalf("demo account %s: %v", name, err)
		}
		byRole[u.Role] = name
	}
	for _, role := range gongzhi.Roles {
		name, ok := byRole[role]
		if !ok {
			t.Errorf("the demo has no account of role %s", role)
			continue
		}
		t.Run(role, func(t *testing.T) {
			e.user(name)
			b := e.browser()
			if st, loc := b.login(name, demo.Password); st != 303 {
				t.Fatalf("%s login: %d %s", name, st, loc)
			}
			st, home := b.get("/")
			if st != 200 {
				t.Fatalf("%s: / answers %d", name, st)
			}
			m := menuRe.FindStringSubmatch(home)
			if m == nil {
				t.Fatalf("%s: no menu on the home page", name)
			}
			var links []string
			for _, l := range menuLinkRe.FindAllStringSubmatch(m[1], -1) {
				if l[1] != "/password" && l[1] != "/account/2fa" { // the account's own pages
					links = append(links, l[1])
				}
			}
			if want := append([]string{"/"}, menus[role]...); !slices.Equal(links, want) {
				t.Errorf("%s (%s) is shown the menu\n%s\nwant\n%s", name, role, strings.Join(links, " "), strings.Join(want, " "))
			}
			for _, href := range links {
				if st, body := b.get(href); st != 200 {
					t.Errorf("%s (%s): menu link %s answers %d %.200s", name, role, href, st, body)
				}
			}
		})
	}
}
