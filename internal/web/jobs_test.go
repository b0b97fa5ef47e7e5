package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/jobs"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// The system administrator's page of the scheduled jobs: each job with its schedule, last run and
// result, failures with their errors, and next run, in both languages and in the API; nobody
// else reads it.
func TestJobsPage(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		// the demo ran each job once when it seeded; a later run of one failed
		failedAt := e.app.Now().Add(time.Minute)
		j := jobs.ByKind(jobs.KindComplaints)
		if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			return q.InsertJobRun(ctx, &store.JobRun{Kind: j.Kind, Period: j.Period(failedAt), Attempt: 2, StartedAt: failedAt,
				FinishedAt: failedAt, Error: "escalate complaints: database is locked"}, failedAt.Add(-time.Hour))
		}); err != nil {
			t.Fatal(err)
		}

		admin := loginBrowser(t, e, "admin-sys")
		st, body := admin.get("/")
		if st != 200 || !strings.Contains(body, `<a href="/jobs">定时任务</a>`) {
			t.Fatalf("the system administrator's menu lacks the jobs page: %d", st)
		}
		st, body = admin.get("/jobs")
		if st != 200 {
			t.Fatalf("GET /jobs: %d", st)
		}
		checkTranslated(t, "admin-sys", "/jobs", body)
		for _, want := range []string{"生成月度督导", "逾期整改上报购买方", "逾期投诉升级督办", "每 5 分钟", "新建督导", "上报整改通知",
			"失败：escalate complaints: database is locked", "近 90 天没有失败。", `id="job-monthly_inspections"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the jobs page lacks %q", want)
			}
		}
		if st, _ := admin.get("/lang?to=en&next=/jobs"); st != 303 {
			t.Fatalf("switch to English: %d", st)
		}
		if _, body = admin.get("/jobs"); !strings.Contains(body, "Scheduled jobs") || !strings.Contains(body, "Create the monthly inspections") ||
			!strings.Contains(body, "Failed: escalate complaints: database is locked") {
			t.Error("the English jobs page is not in English")
		}

		r := e.call(e.token("admin-sys"), "GET", "/api/v1/jobs", nil)
		items, _ := r.Body["items"].([]any)
		if r.Status != 200 || len(items) != len(jobs.Jobs) {
			t.Fatalf("GET /api/v1/jobs: %d %s", r.Status, r.Raw)
		}
		for _, it := range items {
			m := it.(map[string]any)
			last, _ := m["last_run"].(map[string]any)
			failures, _ := m["failures"].([]any)
			if last == nil || m["next_run"] == "" || m["every_seconds"].(float64) <= 0 {
				t.Errorf("job %v", m)
			}
			if m["kind"] == jobs.KindComplaints {
				if len(failures) != 1 || failures[0].(map[string]any)["error"] != "escalate complaints: database is locked" ||
					last["error"] == "" {
					t.Errorf("the complaints job's failures %v, last run %v", failures, last)
				}
			} else if len(failures) != 0 {
				t.Errorf("%s: failures %v", m["kind"], failures)
			}
		}

		for _, name := range []string{"gt-purchaser", "gt-hub", "admin-sec", "admin-audit"} {
			if st, _ := loginBrowser(t, e, name).get("/jobs"); st != 403 {
				t.Errorf("%s reads the jobs page: %d", name, st)
			}
			if r := e.call(e.token(name), "GET", "/api/v1/jobs", nil); r.Status != 403 {
				t.Errorf("%s reads the jobs API: %d", name, r.Status)
			}
		}
		if st, loc := e.browser().get("/jobs"); st != 303 || !strings.HasPrefix(loc, "/login") {
			t.Errorf("an anonymous visitor: %d %s", st, loc)
		}
	})
}
