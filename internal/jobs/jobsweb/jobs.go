// The page and the API of the scheduled jobs.
package jobsweb

import (
	"net/http"
	"strconv"
	"time"

	"gongzhi/internal/jobs"
	"gongzhi/internal/store"
	"gongzhi/internal/web"
)

func (s *Server) routes() {
	s.Handle("GET /jobs", web.Changed, s.jobs)
	s.Api("GET /api/v1/jobs", s.jobs)
}

// jobRow is one job's line on the page.
type jobRow struct {
	Kind, Name, Schedule string
	LastRun              *store.JobRun
	Result               string // what the last run did, or its error
	Failed               bool
	NextRun              time.Time
	Failures             []store.JobRun
}

func (s *Server) jobs(w http.ResponseWriter, r *http.Request) error {
	sts, err := jobs.Statuses(r.Context(), s.App, web.ActorOf(r))
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[jobs.Status]{Items: sts})
		return nil
	}
	lang := web.LangOf(r)
	rows := make([]jobRow, 0, len(sts))
	for _, st := range sts {
		row := jobRow{Kind: st.Kind, Name: web.T(lang, "jobs.kind."+st.Kind), Schedule: web.T(lang, "jobs.schedule."+st.Kind),
			LastRun: st.LastRun, NextRun: st.NextRun, Failures: st.Failures}
		switch {
		case st.LastRun == nil:
			row.Result = web.T(lang, "jobs.never")
		case st.LastRun.Error != "":
			row.Result, row.Failed = web.T(lang, "jobs.failed:"+st.LastRun.Error), true
		default:
			row.Result = web.T(lang, "jobs.result."+st.Kind+":"+strconv.Itoa(st.LastRun.Done))
		}
		rows = append(rows, row)
	}
	s.Render(w, r, http.StatusOK, "jobs", &web.Page{Title: web.T(lang, "jobs.title"), Active: "/jobs", Data: rows})
	return nil
}

var messages = map[string][2]string{
	"nav.jobs":   {"定时任务", "Scheduled jobs"},
	"jobs.title": {"定时任务", "Scheduled jobs"},
	"jobs.intro": {"到期要做的事由系统按计划完成，不因有人打开页面而发生：生成每月督导，逾期整改通知上报街道，逾期投诉升级督办。多个实例共用一个数据库时，每项任务每个周期只运行一次。",
		"Work that falls due is done by the system on a schedule, never because someone opened a page: the monthly inspections are created, " +
			"overdue rectification orders go to the street office, overdue complaints are escalated. With several instances on one database, " +
			"each job runs once per period."},
	"jobs.col.job":      {"任务", "Job"},
	"jobs.col.schedule": {"计划", "Schedule"},
	"jobs.col.last_run": {"上次运行", "Last run"},
	"jobs.col.result":   {"上次结果", "Last result"},
	"jobs.col.next_run": {"下次运行", "Next run"},
	"jobs.failures":     {"失败记录", "Failures"},
	"jobs.col.period":   {"周期", "Period"},
	"jobs.col.attempt":  {"尝试次数", "Attempt"},
	"jobs.col.error":    {"错误", "Error"},
	"jobs.no_failures":  {"近 90 天没有失败。", "No failures in the last 90 days."},
	"jobs.never":        {"尚未运行", "Not run yet"},
	"jobs.failed":       {"失败：%s", "Failed: %s"},

	"jobs.kind.monthly_inspections":     {"生成月度督导", "Create the monthly inspections"},
	"jobs.kind.escalate_rectifications": {"逾期整改上报街道", "Escalate overdue rectification orders"},
	"jobs.kind.escalate_complaints":     {"逾期投诉升级督办", "Escalate overdue complaints"},
	"jobs.schedule.monthly_inspections": {"每小时第 5 分钟（每月 1 日 00:05 生成当月督导），启动时运行一次；生成本月及上月的督导",
		"Hourly at :05 (the month's inspections at 00:05 on the 1st), and once at start; covers this month and the last"},
	"jobs.schedule.escalate_rectifications": {"每 5 分钟，启动时运行一次", "Every 5 minutes, and once at start"},
	"jobs.schedule.escalate_complaints":     {"每 5 分钟，启动时运行一次", "Every 5 minutes, and once at start"},
	"jobs.result.monthly_inspections":       {"新建督导 %s 项", "%s inspections created"},
	"jobs.result.escalate_rectifications":   {"上报整改通知 %s 份", "%s orders escalated"},
	"jobs.result.escalate_complaints":       {"投诉升级 %s 次", "%s complaint escalations"},
}
