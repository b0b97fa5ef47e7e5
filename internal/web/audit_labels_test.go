package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/accounts/accountsweb"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// Every field an audited write records has a label in Chinese and in English (issue 11): the
// test walks the fields of every entry the demo's writes put in the audit log — the demo runs
// the purchase, delivery, supervision, complaints and evaluation loops through the services —
// and of the writes it makes itself through the API (an API token limited to a place, its
// revoke), and fails on any field the register would show as its code. The "*_by" fields
// (recorded_by, hidden_by…) show the account's name, not its username.
func TestAuditFieldsLabelled(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		pur := e.token("gt-purchaser")
		ac := &gongzhi.Actor{User: e.user("gt-purchaser"), Via: "test"}
		if err := e.app.ScopeFor(context.Background(), ac); err != nil {
			t.Fatal(err)
		}
		tk, _, err := e.app.IssueToken(context.Background(), ac, accounts.TokenSpec{Name: "只读报表", Days: 5, Scope: gongzhi.TokenRead, Place: "320116004000"})
		if err != nil {
			t.Fatal(err)
		}
		id := tk.ID
		if r := e.call(pur, "POST", fmt.Sprintf("/api/v1/tokens/%d/revoke", id), nil); r.Status != http.StatusOK {
			t.Fatalf("revoke: %d %s", r.Status, r.Raw)
		}
		missing := map[string][]string{} // field → the entities it was written for
		n := 0
		_, err = db.Q().ListAudit(context.Background(), store.ListOptions{Limit: 1 << 30}, func(a *gongzhi.AuditEntry) error {
			n++
			for _, stored := range []string{a.Before, a.After} {
				for _, k := range accountsweb.AuditFieldKeys(stored) {
					for _, lang := range []string{"zh-CN", "en"} {
						if !accountsweb.AuditFieldLabelled(lang, k) {
							key := k + " (" + lang + ")"
							if len(missing[key]) < 3 && !slices.Contains(missing[key], a.Entity) {
								missing[key] = append(missing[key], a.Entity)
							}
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n < 1000 {
			t.Fatalf("only %d audit entries: the demo wrote less than it should", n)
		}
		// who recorded a payment is shown by name, not by username
		pu := e.user("gt-purchaser")
		e.user("admin-audit") // its demo password, changed already
		b := e.browser()
		if st, loc := b.login("admin-audit", demo.Password); st != http.StatusSeeOther {
			t.Fatalf("audit administrator's sign-in: %d %s", st, loc)
		}
		st, page := b.get("/audit?entity=payments&per_page=20")
		if st != http.StatusOK {
			t.Fatalf("/audit: %d", st)
		}
		if !strings.Contains(page, "记录人：") || strings.Contains(page, "记录人："+pu.Username) || !strings.Contains(page, "记录人："+pu.DisplayName) {
			t.Errorf("the register does not name who recorded the payments (%s, not %s)", pu.DisplayName, pu.Username)
		}
		var lines []string
		for k, ents := range missing {
			lines = append(lines, k+" in "+strings.Join(ents, ", "))
		}
		sort.Strings(lines)
		if len(lines) > 0 {
			t.Errorf("%d audited fields without a label (audit.field.NAME in internal/accounts/accountsweb/messages):\n%s", len(lines), strings.Join(lines, "\n"))
		}
	})
}
