package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// A provider sees the expert who sits on its board among its people, but keeps only its social
// workers and volunteers: the expert's page offers neither Edit nor Delete, and the API refuses
// both, as it does not let the provider turn the expert into a volunteer; its own volunteer's
// page offers both.
func TestProviderKeepsOnlyItsKindsOfPeople(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		tok := f.e.token("gt-provider")
		find := func(kind string) map[string]any {
			t.Helper()
			for _, p := range offItems(f.api(tok, "GET", "/api/v1/people?kind="+kind+"&limit=200", nil, 200)) {
				if p["kind"] == kind {
					return p
				}
			}
			t.Fatalf("the provider sees no %s", kind)
			return nil
		}
		expert, worker := find("expert"), find("social_worker")
		eid, wid := int64(offNum(expert["id"])), int64(offNum(worker["id"]))

		pb := f.browser("gt-provider", false)
		body := offPage(t, pb, "provider", fmt.Sprintf("/people/%d", eid), 200)
		if strings.Contains(body, fmt.Sprintf(`/people/%d/edit`, eid)) || strings.Contains(body, fmt.Sprintf(`/people/%d/delete`, eid)) {
			t.Error("the expert's page offers the provider Edit or Delete")
		}
		if st, _ := pb.get(fmt.Sprintf("/people/%d/edit", eid)); st != http.StatusForbidden {
			t.Errorf("the expert's edit form: %d, want 403", st)
		}
		body = offPage(t, pb, "provider", fmt.Sprintf("/people/%d", wid), 200)
		if !strings.Contains(body, fmt.Sprintf(`/people/%d/edit`, wid)) || !strings.Contains(body, fmt.Sprintf(`/people/%d/delete`, wid)) {
			t.Error("the social worker's page does not offer the provider Edit and Delete")
		}

		turned := map[string]any{"kind": "volunteer", "name": expert["name"], "place_code": expert["place_code"]}
		f.api(tok, "PUT", fmt.Sprintf("/api/v1/people/%d", eid), turned, 403)
		f.api(tok, "DELETE", fmt.Sprintf("/api/v1/people/%d", eid), nil, 403)
		if got := f.api(tok, "GET", fmt.Sprintf("/api/v1/people/%d", eid), nil, 200); got.Body["kind"] != "expert" {
			t.Errorf("the expert was changed: %s", got.Raw)
		}
	})
}
