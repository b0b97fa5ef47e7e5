package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// Links a role is shown lead somewhere it may go: community staff follow the ledger's contract
// links, the auditor is offered no 开始评估.
func TestLinksDoNotLeadTo403(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		// community staff: every contract link on /ledger opens
		f := newOffFix(t, db)
		ct := ledSign(f)
		f.e.user("zs-community")
		zs := f.browser("zs-community", false)
		body := offPage(t, zs, "zs-community", "/ledger", 200)
		links := regexp.MustCompile(`href="(/ledger/contracts/\d+)"`).FindAllStringSubmatch(body, -1)
		for _, m := range links {
			offPage(t, zs, "zs-community", m[1], 200)
		}
		page := offPage(t, zs, "zs-community", fmt.Sprintf("/ledger/contracts/%d", ct.ID), 200)
		checkTranslated(t, "zs-community", "/ledger/contracts/", page)
		f.api(f.e.token("zs-community"), "GET", fmt.Sprintf("/api/v1/ledger/contracts/%d/progress", ct.ID), nil, 200)

		// the auditor reads evaluations but is offered no round to start
		f.e.user("gt-auditor")
		aud := f.browser("gt-auditor", false)
		body = offPage(t, aud, "gt-auditor", "/evaluations", 200)
		if strings.Contains(body, "/evaluations/new?") {
			t.Fatal("the auditor is offered to start a round")
		}
		f.e.user("gt-purchaser")
		if body := offPage(t, f.browser("gt-purchaser", false), "gt-purchaser", "/evaluations", 200); !strings.Contains(body, fmt.Sprintf("/evaluations/new?contract=%d", ct.ID)) {
			t.Fatal("the purchaser is not offered to start a round")
		}
	})
}

// A public call open for applications offers the apply link to providers and to anonymous
// visitors (with a sign-in hint), not to a resident (who would get 403).
func TestPublicCallApplyLinkForProviders(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		path := fmt.Sprintf("/public/calls/%d", f.call.ID)
		apply := fmt.Sprintf(`href="/applications/new?call=%d"`, f.call.ID)
		if _, body := f.e.browser().get(path); !strings.Contains(body, apply) || !strings.Contains(body, `id="apply-hint"`) {
			t.Fatal("an anonymous visitor is not offered the apply link with a sign-in hint")
		}
		res := f.signedIn("zs-resident")
		if st, body := res.get(path); st != 200 || strings.Contains(body, apply) {
			t.Fatalf("a resident is offered the apply link: %d", st)
		}
		if st, _ := res.get(fmt.Sprintf("/applications/new?call=%d", f.call.ID)); st != 403 {
			t.Fatalf("a resident applies: %d", st)
		}
		prov := f.signedIn("gt-provider")
		if st, body := prov.get(path); st != 200 || !strings.Contains(body, apply) || strings.Contains(body, `id="apply-hint"`) {
			t.Fatalf("a provider is not offered the apply link: %d", st)
		}
	})
}
