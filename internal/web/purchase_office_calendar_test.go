package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// The purchaser keeps the office calendar on its page and through the API; others read it; a
// notice published before a holiday ends later by the holiday.
func TestOfficeCalendar(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		f.at(time.Date(2026, 9, 20, 9, 0, 0, 0, gongzhi.ChinaTime))
		pb := f.browser("gt-purchaser", false)
		body := offPage(t, pb, "purchaser", "/calendar?year=2026", 200)
		if !strings.Contains(body, "2026年共有 261 个工作日") || !strings.Contains(body, `action="/calendar?year=2026"`) {
			t.Fatalf("the empty calendar: %s", tagRe.ReplaceAllString(body, " "))
		}
		csrf := pb.csrf("/calendar?year=2026")
		st, body := pb.post("/calendar?year=2026", url.Values{"csrf": {csrf}, "day": {"2026-10-32"}, "name": {"国庆节"}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("a bad date: %d", st)
		}
		offBeside(t, body, "field-day", "日期格式")
		for _, day := range []url.Values{
			{"csrf": {csrf}, "day": {"2026-10-01"}, "name": {"国庆节"}},
			{"csrf": {csrf}, "day": {"2026-10-02"}, "name": {"国庆节"}},
			{"csrf": {csrf}, "day": {"2026-10-10"}, "name": {"国庆节调休"}, "workday": {"true"}},
		} {
			if st, _ := pb.post("/calendar?year=2026", day); st != http.StatusSeeOther {
				t.Fatalf("add %s: %d", day.Get("day"), st)
			}
		}
		body = offPage(t, pb, "purchaser", "/calendar?year=2026", 200)
		for _, want := range []string{"2026-10-01", "国庆节调休", "调休上班", "2026年共有 260 个工作日"} {
			if !strings.Contains(body, want) {
				t.Errorf("the calendar lacks %q", want)
			}
		}
		// the hub reads it but may not change it
		hb := f.browser("gt-hub", true)
		if body := offPage(t, hb, "hub", "/calendar?year=2026", 200); strings.Contains(body, "/delete") || !strings.Contains(body, "Worked in exchange") {
			t.Error("the hub's calendar")
		}
		if st, _ := hb.post("/calendar?year=2026", url.Values{"csrf": {hb.csrf("/calendar")}, "day": {"2026-10-05"}}); st != http.StatusForbidden {
			t.Errorf("the hub adds a day: %d", st)
		}
		// the API
		pur, hub := f.e.token("gt-purchaser"), f.e.token("gt-hub")
		if r := f.api(hub, "GET", "/api/v1/holidays?year=2026", nil, 200); len(offItems(r)) != 3 {
			t.Fatalf("API list: %s", r.Raw)
		}
		f.api(hub, "PUT", "/api/v1/holidays/2026-10-05", map[string]any{"name": "国庆节"}, 403)
		offRefused(t, f.e.call(pur, "PUT", "/api/v1/holidays/10-05", map[string]any{"name": "国庆节"}), 422, "invalid", "day", "")
		if r := f.api(pur, "PUT", "/api/v1/holidays/2026-10-05", map[string]any{"name": "国庆节"}, 200); r.Body["day"] != "2026-10-05" {
			t.Fatalf("API put: %s", r.Raw)
		}
		f.api(pur, "DELETE", "/api/v1/holidays/2026-10-05", nil, 204)
		// a notice of 5 working days published on Wednesday 30 September skips 1–2 October and
		// the weekend, and counts Saturday 10 October
		cal, err := f.e.app.Holidays(f.ctx, "2026-01-01", "2026-12-31")
		f.must(err)
		end := gongzhi.NewCalendar(cal).NoticeEnd(time.Date(2026, 9, 30, 10, 0, 0, 0, gongzhi.ChinaTime), 5)
		if got := end.Format(time.DateOnly); got != "2026-10-09" {
			t.Errorf("notice end %s, want 2026-10-09", got)
		}
		// deleting on the page
		if st, _ := pb.post("/calendar/2026-10-10/delete", url.Values{"csrf": {csrf}}); st != http.StatusSeeOther {
			t.Fatalf("delete: %d", st)
		}
		if r := f.api(hub, "GET", "/api/v1/holidays?year=2026", nil, 200); len(offItems(r)) != 2 {
			t.Fatalf("after the delete: %s", r.Raw)
		}
	})
}
