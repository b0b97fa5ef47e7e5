// Package jobs runs Gongzhi's scheduled work — what happens because time passes, not because
// someone acted (DOMAIN.md §4 step 11: the monthly inspection of every contract in force,
// rectification orders and complaints escalated past their deadlines). No read of a page or of
// the API writes anything: these jobs do, on a schedule, as the system actor, with the audit
// entries and state history the rules ask for.
//
// The jobs and their schedules (clock-aligned, China time; each also runs when a worker starts):
//
//   - monthly_inspections, every hour at :05 (so on the first of the month at 00:05, and within
//     the hour for a contract that comes into force mid-month): the inspections of this month
//     and of the last for every signed contract whose period covers them
//     (supervision.EnsureInspections; existing ones are left alone).
//   - escalate_rectifications, every 5 minutes: open orders past their deadline go to the street
//     office (supervision.EscalateOverdue).
//   - escalate_complaints, every 5 minutes: complaints still waiting past their deadline go to the
//     hub, and later to the office (complaints.EscalateOverdueComplaints).
//   - seal_audit, every hour at :20: each closed day of the audit log is sealed in the hash chain
//     (security.SealAudit; docs/audit.md).
//   - purge_audit, every hour at :40: the audit entries older than the retention go, whole days,
//     so once a day in effect (security.PurgeAudit).
//   - security_alarms, every 5 minutes: the security administrator's alarms (security.RaiseAlarms).
//   - expire_vouchers, every hour at :10: issued service vouchers past their last day expire and
//     their money returns to the budget (vouchers.ExpireVouchers).
//   - disable_inactive_accounts, daily at 02:30 China time: accounts unused for the configured
//     days are disabled (accounts.DisableInactive).
//   - close_votes, every minute: open votes past their closing time close with their result,
//     quorum and threshold on the public ledger, and a vote that passed becomes a decision
//     (votes.CloseDue).
//   - escalate_events, every 5 minutes: grid events whose step is overdue go to the community,
//     the street and the district department (events.EscalateOverdueEvents).
//   - integrate_log, every minute: the public ledger's pending records get their leaf indexes,
//     tiles and a signed checkpoint (publog.Log.Integrate); the server also does it every second
//     and at every 256 records.
//   - monitor_log, every hour at :25: the public ledger verified and every record compared with
//     the database, and the audit log with its seals; what differs is raised as tamper alarms
//     for the auditor (security.MonitorLedger; docs/ledger.md). `gongzhi log monitor` runs it
//     at once.
//
// Joint-meeting action items need no job: whether one is overdue is worked out when it is read,
// and nothing about it is stored.
//
// The queue is River's (river.go): the jobs live in the database, so several app instances
// share them; the elected leader enqueues each period's job once (unique by kind and period),
// and exactly one worker of one instance runs it, retrying a failure a few times. Each run is
// logged in job_runs for the operator's page (Statuses). Run and RunAll run the same work
// directly, with the app's clock: the demo seeds with them and tests call them.
package jobs

import (
	"context"
	"fmt"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// Kinds of job.
const (
	KindInspections     = "monthly_inspections"
	KindRectifications  = "escalate_rectifications"
	KindComplaints      = "escalate_complaints"
	KindSealAudit       = "seal_audit"
	KindPurgeAudit      = "purge_audit"
	KindSecurityAlarms  = "security_alarms"
	KindInactive        = "disable_inactive_accounts"
	KindVouchers        = "expire_vouchers"
	KindIntegrateLog    = "integrate_log"
	KindMonitorLog      = "monitor_log"
	KindCloseVotes      = "close_votes"
	KindEvents          = "escalate_events"
	runRetention        = 90 * 24 * time.Hour // job_runs lines kept this long
	failuresShown       = 10
	periodLayout        = "2006-01-02 15:04"
	scheduleEarlyMargin = time.Second // River enqueues up to 100 ms before a scheduled time
)

// Via is how the audit log names the system actor's scheduled work.
const Via = "auto"

// Schedule is a clock-aligned schedule: every Every, Offset past each multiple of Every (UTC
// multiples, which are China-time ones too for whole hours and their divisors).
type Schedule struct {
	Every  time.Duration
	Offset time.Duration
}

// Next returns the first scheduled time after t (River calls it as a river.PeriodicSchedule).
func (s Schedule) Next(t time.Time) time.Time {
	n := t.Truncate(s.Every).Add(s.Offset)
	for !n.After(t) {
		n = n.Add(s.Every)
	}
	return n
}

// Slot returns the scheduled time a run at t belongs to: the latest one at or before t, counting
// a run enqueued a moment early as its own slot's.
func (s Schedule) Slot(t time.Time) time.Time {
	return t.Add(scheduleEarlyMargin - s.Offset).Truncate(s.Every).Add(s.Offset)
}

// Job is one periodic job: its kind, its schedule and its work, which returns how many records
// it created or escalated.
type Job struct {
	Kind     string
	Schedule Schedule
	Work     func(ctx context.Context, a *app.App, at time.Time) (int, error)
}

// Jobs are the periodic jobs, in the order of the operator's page. A capability's new job is one
// line here (its kind, its schedule and its work) and its name in the operator page's messages.
var Jobs = []*Job{
	{Kind: KindInspections, Schedule: Schedule{Every: time.Hour, Offset: 5 * time.Minute}, Work: CreateInspections},
	{Kind: KindRectifications, Schedule: Schedule{Every: 5 * time.Minute}, Work: EscalateRectifications},
	{Kind: KindComplaints, Schedule: Schedule{Every: 5 * time.Minute}, Work: EscalateComplaints},
	{Kind: KindSealAudit, Schedule: Schedule{Every: time.Hour, Offset: 20 * time.Minute}, Work: SealAudit},
	{Kind: KindPurgeAudit, Schedule: Schedule{Every: time.Hour, Offset: 40 * time.Minute}, Work: PurgeAudit},
	{Kind: KindSecurityAlarms, Schedule: Schedule{Every: 5 * time.Minute}, Work: RaiseSecurityAlarms},
	{Kind: KindInactive, Schedule: Schedule{Every: 24 * time.Hour, Offset: 18*time.Hour + 30*time.Minute}, Work: DisableInactiveAccounts},
	{Kind: KindVouchers, Schedule: Schedule{Every: time.Hour, Offset: 10 * time.Minute}, Work: ExpireVouchers},
	{Kind: KindCloseVotes, Schedule: Schedule{Every: time.Minute}, Work: CloseVotes},
	{Kind: KindIntegrateLog, Schedule: Schedule{Every: time.Minute}, Work: IntegrateLog},
	{Kind: KindMonitorLog, Schedule: Schedule{Every: time.Hour, Offset: 25 * time.Minute}, Work: MonitorLog},
	{Kind: KindEvents, Schedule: Schedule{Every: 5 * time.Minute}, Work: EscalateEvents},
}

// MonitorLog runs the public ledger's monitor and the audit log's check against its seals, and
// raises each difference as a tamper alarm, once (security.MonitorLedger). Returns how many new
// alarms it raised.
func MonitorLog(ctx context.Context, a *app.App, at time.Time) (int, error) {
	return a.MonitorLedger(ctx, a.PubLog, at)
}

// EscalateEvents raises every open grid event whose step is overdue at the app's clock: to the
// community, then the street, then the district department (events.EscalateOverdueEvents,
// docs/events.md). Returns how many levels it raised.
func EscalateEvents(ctx context.Context, a *app.App, _ time.Time) (int, error) {
	return a.EscalateOverdueEvents(ctx, a.NowUTC())
}

// IntegrateLog integrates the public ledger's pending records and signs a new checkpoint
// (publog.Log.Integrate; safe with several instances). Each instance also runs it every second
// (publog.Log.Run, started with the server): this job is the backstop that leaves no record
// pending for long even where that loop is not running. Returns how many records it integrated.
func IntegrateLog(ctx context.Context, a *app.App, _ time.Time) (int, error) {
	return a.PubLog.Integrate(ctx)
}

// ByKind returns the job of a kind, nil for an unknown one.
func ByKind(kind string) *Job {
	for _, j := range Jobs {
		if j.Kind == kind {
			return j
		}
	}
	return nil
}

// Period names the slot a run at t belongs to, in China time ("2026-12-01 00:05").
func (j *Job) Period(t time.Time) string {
	return j.Schedule.Slot(t).In(gongzhi.ChinaTime).Format(periodLayout)
}

// system is the actor of scheduled work.
func system() *gongzhi.Actor { return gongzhi.SystemActor(Via) }

// CreateInspections creates the inspections of at's month and of the month before for every
// signed contract whose period covers them, in every place; those that exist are left alone.
// The month before is there so that a month the service was down over still gets its
// inspections (and shows them overdue). Returns how many it created.
func CreateInspections(ctx context.Context, a *app.App, at time.Time) (int, error) {
	t := at.In(gongzhi.ChinaTime)
	first := time.Date(t.Year(), t.Month(), 1, 12, 0, 0, 0, gongzhi.ChinaTime)
	n := 0
	for _, m := range []string{gongzhi.MonthOf(first.AddDate(0, -1, 0)), gongzhi.MonthOf(first)} {
		k, err := a.EnsureInspections(ctx, system(), m)
		n += k
		if err != nil {
			return n, fmt.Errorf("inspections of %s: %w", m, err)
		}
	}
	return n, nil
}

// EscalateRectifications escalates to the street office every open rectification order past its
// deadline at the app's clock, once each. Returns how many it escalated.
func EscalateRectifications(ctx context.Context, a *app.App, _ time.Time) (int, error) {
	return a.EscalateOverdue(ctx, system())
}

// EscalateComplaints raises every complaint still waiting past its deadline at the app's clock:
// to the hub, then to the office. Returns how many it raised.
func EscalateComplaints(ctx context.Context, a *app.App, _ time.Time) (int, error) {
	return a.EscalateOverdueComplaints(ctx, a.NowUTC())
}

// SealAudit seals each closed day of the audit log not sealed yet (security.SealAudit).
// Returns how many days it sealed.
func SealAudit(ctx context.Context, a *app.App, at time.Time) (int, error) {
	return a.SealAudit(ctx, at)
}

// PurgeAudit removes the audit entries of the days older than the retention
// (security.PurgeAudit): hourly, so in effect once a day, the first run after midnight. Returns
// how many entries it removed.
func PurgeAudit(ctx context.Context, a *app.App, at time.Time) (int, error) {
	return a.PurgeAudit(ctx, at)
}

// RaiseSecurityAlarms raises the security administrator's alarms found in the last day of the
// audit log, each once (security.RaiseAlarms). Returns how many new alarms it raised.
func RaiseSecurityAlarms(ctx context.Context, a *app.App, at time.Time) (int, error) {
	return a.RaiseAlarms(ctx, at)
}

// DisableInactiveAccounts disables the accounts unused for the configured days at the app's clock.
// Returns how many it disabled.
func DisableInactiveAccounts(ctx context.Context, a *app.App, _ time.Time) (int, error) {
	return a.DisableInactive(ctx, system())
}

// Run runs a job's work as of at (when it was enqueued, by the app's clock), logs the run under
// the period at falls in and returns how many records the work created or escalated. attempt is
// River's count, 1 for a direct run. The work's error is returned; failing to log a run that
// succeeded is an error too, so that River tries again.
func Run(ctx context.Context, a *app.App, j *Job, at time.Time, attempt int) (int, error) {
	r := &store.JobRun{Kind: j.Kind, Period: j.Period(at), Attempt: attempt, StartedAt: a.NowUTC()}
	n, err := j.Work(ctx, a, at)
	r.Done, r.FinishedAt = n, a.NowUTC()
	if err != nil {
		r.Error = err.Error()
		a.Log.Error("job failed", "kind", j.Kind, "period", r.Period, "attempt", attempt, "err", err)
	} else if n > 0 {
		a.Log.Info("job done", "kind", j.Kind, "period", r.Period, "done", n)
	}
	// logged even when the context is cancelled, so that a run cut short still shows
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if lerr := a.DB.Transact(lctx, func(lctx context.Context, q *store.Q) error {
		return q.InsertJobRun(lctx, r, r.StartedAt.Add(-runRetention))
	}); lerr != nil {
		a.Log.Error("log job run", "kind", j.Kind, "err", lerr)
		if err == nil {
			return n, fmt.Errorf("log the run: %w", lerr)
		}
	}
	return n, err
}

// RunAll runs every job once, in order, at the app's clock: what the workers would do at start.
// The demo runs it when it seeds; tests run it instead of waiting for the schedule.
func RunAll(ctx context.Context, a *app.App) error {
	for _, j := range Jobs {
		if _, err := Run(ctx, a, j, a.Now(), 1); err != nil {
			return fmt.Errorf("%s: %w", j.Kind, err)
		}
	}
	return nil
}

// Status is a job's line on the operator's page: its schedule, its last run, its recent
// failures with their errors, and its next scheduled run.
type Status struct {
	Kind         string         `json:"kind"`
	EverySeconds int            `json:"every_seconds"`
	OffsetSecs   int            `json:"offset_seconds"`
	LastRun      *store.JobRun  `json:"last_run"`
	Failures     []store.JobRun `json:"failures"`
	NextRun      time.Time      `json:"next_run"`
}

// JobRun is one recorded run of a job.
type JobRun = store.JobRun

// Service is the operators' view of the jobs, for their page (jobsweb).
type Service struct{ app *app.App }

// NewService returns the jobs' operator service over the assembled services.
func NewService(a *app.App) *Service { return &Service{app: a} }

// Statuses returns every job's status; see the function Statuses.
func (s *Service) Statuses(ctx context.Context, ac *gongzhi.Actor) ([]Status, error) {
	return Statuses(ctx, s.app, ac)
}

// MayReadJobs: only the system administrator sees the scheduled jobs and their runs.
func MayReadJobs(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleSysAdmin) }

// Statuses returns every job's status. The system administrator only (EFORBIDDEN otherwise):
// keeping the service running is an administrator's work, and the page shows no records.
func Statuses(ctx context.Context, a *app.App, ac *gongzhi.Actor) ([]Status, error) {
	if err := kernel.Allow(ac, MayReadJobs(ac)); err != nil {
		return nil, err
	}
	q, now := a.DB.Q(), a.Now()
	out := make([]Status, 0, len(Jobs))
	for _, j := range Jobs {
		st := Status{Kind: j.Kind, EverySeconds: int(j.Schedule.Every.Seconds()), OffsetSecs: int(j.Schedule.Offset.Seconds()),
			NextRun: j.Schedule.Next(now).UTC(), Failures: []store.JobRun{}}
		last, err := q.JobRuns(ctx, j.Kind, false, 1)
		if err != nil {
			return nil, err
		}
		if len(last) > 0 {
			st.LastRun = &last[0]
		}
		failed, err := q.JobRuns(ctx, j.Kind, true, failuresShown)
		if err != nil {
			return nil, err
		}
		if failed != nil {
			st.Failures = failed
		}
		out = append(out, st)
	}
	return out, nil
}

// CloseVotes closes the open votes past their closing time, each once, with its result
// (votes.CloseDue). Returns how many it closed.
func CloseVotes(ctx context.Context, a *app.App, _ time.Time) (int, error) {
	return a.VotesService.CloseDue(ctx, system())
}

// ExpireVouchers expires the service vouchers past their last day, releasing their money.
func ExpireVouchers(ctx context.Context, a *app.App, _ time.Time) (int, error) {
	return a.VouchersService.ExpireVouchers(ctx, system())
}
