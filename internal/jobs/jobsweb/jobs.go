// The page and the API of the scheduled jobs.

package jobsweb

import (
	"net/http"
	"strconv"
	"time"

	"gongzhi/internal/jobs"
	"gongzhi/internal/web"
)

func (s *Server) routes() {
	s.Handle("GET /jobs", web.Changed, s.jobs)
	s.Api("GET /api/v1/jobs", s.jobs)
}

// jobRow is one job's line on the page.
type jobRow struct {
	Kind, Name, Schedule string
	LastRun              *jobs.JobRun
	Result               string // what the last run did, or its error
	Failed               bool
	NextRun              time.Time
	Failures             []jobs.JobRun
}

func (s *Server) jobs(w http.ResponseWriter, r *http.Request) error {
	sts, err := s.svc.Statuses(r.Context(), web.ActorOf(r))
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
