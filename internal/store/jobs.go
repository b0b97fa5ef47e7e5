// The run log of scheduled jobs (internal/jobs): one line per run, for the operator's page.

package store

import (
	"context"
	"time"
)

// JobRun is one run of a periodic job: the period it ran for, its attempt (River retries a
// failed one), when it started and finished, and how many records it created or escalated, or
// the error it failed with.
type JobRun struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Period     string    `json:"period"`
	Attempt    int       `json:"attempt"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Done       int       `json:"done"`
	Error      string    `json:"error,omitempty"`
}

// InsertJobRun appends a run to the log and drops the kind's lines that started before prune.
func (q *Q) InsertJobRun(ctx context.Context, r *JobRun, prune time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO job_runs (kind, period, attempt, started_at, finished_at, done, error)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, r.Kind, r.Period, r.Attempt, r.StartedAt.UTC(), r.FinishedAt.UTC(), r.Done, r.Error)
	if err != nil {
		return err
	}
	r.ID = id
	_, err = q.Exec(ctx, `DELETE FROM job_runs WHERE kind = ? AND started_at < ?`, r.Kind, prune.UTC())
	return err
}

// JobRuns returns a kind's latest runs, newest first: at most limit of them, only failed ones
// when failed is set.
func (q *Q) JobRuns(ctx context.Context, kind string, failed bool, limit int) ([]JobRun, error) {
	query := `SELECT id, kind, period, attempt, started_at, finished_at, done, error FROM job_runs WHERE kind = ?`
	if failed {
		query += ` AND error <> ''`
	}
	rows, err := q.Query(ctx, query+` ORDER BY started_at DESC, id DESC LIMIT ?`, kind, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobRun
	for rows.Next() {
		var r JobRun
		if err := rows.Scan(&r.ID, &r.Kind, &r.Period, &r.Attempt, &r.StartedAt, &r.FinishedAt, &r.Done, &r.Error); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}
