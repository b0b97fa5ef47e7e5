// The queue: River (github.com/riverqueue/river) on the app's own database — PostgreSQL through
// a pgx pool of its own, SQLite through a one-connection database/sql pool on the same file, as
// River's SQLite driver advises (SQLite lets one writer in at a time; the busy timeout and
// immediate transactions of store.Open make River's writes and the app's wait for each other).
//
// Several instances may run workers on one PostgreSQL database: River elects one leader, which
// alone enqueues the periodic jobs; each job is unique by kind and period, so a period's job is
// inserted once however many instances (or leaders, one after another) try; and a job is locked
// by the one worker that runs it. The work itself is idempotent besides (unique inspections per
// contract and month, escalation flags checked under a row lock), so a retry changes nothing
// that was already done.

package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"gongzhi/internal/app"
	"gongzhi/internal/store"
)

// migrateLock is the advisory lock store.Migrate holds on PostgreSQL; River's migrations take it
// too, so that instances starting together migrate one after the other.
const migrateLock = 7260815

// Migrate brings River's tables (river_*) to the version this binary knows, beside the app's own
// migrations (store.Migrate, which must have run first). River tracks its versions in
// river_migration. On SQLite they run in one transaction; on PostgreSQL each of River's versions
// runs in a transaction of its own (one of them adds an enum value that a later one uses, which
// PostgreSQL refuses within a single transaction), under the advisory lock store.Migrate takes,
// held on a connection of its own, so that instances starting together migrate one after the
// other. Returns how many of River's migrations it applied.
func Migrate(ctx context.Context, db *store.DB) (int, error) {
	switch db.Dialect {
	case store.Postgres:
		pool, err := pgxpool.New(ctx, db.DSN)
		if err != nil {
			return 0, err
		}
		defer pool.Close()
		lock, err := pool.Acquire(ctx)
		if err != nil {
			return 0, err
		}
		defer lock.Release()
		if _, err := lock.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
			return 0, err
		}
		defer lock.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLock)
		m, err := migrator(riverpgxv5.New(pool))
		if err != nil {
			return 0, err
		}
		res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err != nil {
			return 0, fmt.Errorf("river migrations: %w", err)
		}
		return len(res.Versions), nil
	case store.SQLite:
		tx, err := db.SQL.BeginTx(ctx, nil) // BEGIN IMMEDIATE (store.Open): one migrator at a time
		if err != nil {
			return 0, err
		}
		defer tx.Rollback()
		m, err := migrator(riversqlite.New(db.SQL))
		if err != nil {
			return 0, err
		}
		// One transaction holds SQLite's write lock for the whole run, so two instances starting
		// together cannot both migrate; SQLite has none of the statements PostgreSQL refuses to
		// batch, which is why River deprecates this method.
		//lint:ignore SA1019 see above: on SQLite the batch is safe and the lock is the point
		res, err := m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil)
		if err != nil {
			return 0, fmt.Errorf("river migrations: %w", err)
		}
		return len(res.Versions), tx.Commit()
	}
	return 0, fmt.Errorf("jobs: unsupported database %q", db.Dialect)
}

func migrator[TTx any](driver riverdriver.Driver[TTx]) (*rivermigrate.Migrator[TTx], error) {
	return rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
}

// args are a periodic job's arguments: which job, the period it is for (the two together are
// unique) and when it was enqueued, by the app's clock. Every job shares River's one kind
// (riverKind) and one worker that runs the job args names, so that a new job is one line in
// Jobs.
type args struct {
	Job    string    `json:"job" river:"unique"`
	Period string    `json:"period" river:"unique"`
	At     time.Time `json:"at"`
}

// riverKind is River's name for Gongzhi's periodic jobs.
const riverKind = "gongzhi_periodic"

func (args) Kind() string { return riverKind }

// argsFor returns the arguments of a job enqueued at at.
func argsFor(j *Job, at time.Time) args {
	return args{Job: j.Kind, Period: j.Period(at), At: at.UTC()}
}

// insertOpts make a period's job unique (in every state but cancelled and discarded, River's
// default) and give a failing run a few more tries; the next period's run is never far.
func insertOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// worker runs every periodic job, each by its own Work.
type worker struct {
	river.WorkerDefaults[args]
	a *app.App
}

func (w *worker) Work(ctx context.Context, j *river.Job[args]) error {
	job := ByKind(j.Args.Job)
	if job == nil {
		return river.JobCancel(errors.New("jobs: unknown job " + j.Args.Job))
	}
	_, err := Run(ctx, w.a, job, j.Args.At, j.Attempt)
	return err
}

// Options configure the workers.
type Options struct {
	// Workers is how many jobs this instance runs at once (default 2).
	Workers int
	// Log receives River's own log lines (default: the app's, warnings and up).
	Log *slog.Logger
	// testOnly starts River without its production start-up jitter (tests in this package).
	testOnly bool
}

// Runner is this instance's share of the queue: River's client with the periodic jobs and their
// workers, over a database pool of its own.
type Runner struct {
	a      *app.App
	start  func(context.Context) error
	stop   func(context.Context) error
	insert func(context.Context, river.JobArgs) (bool, error)
	close  func()
}

// New prepares the workers of every job on the app's database (Migrate must have run). Start
// them with Start; Stop stops them and closes the pool.
func New(ctx context.Context, a *app.App, o Options) (*Runner, error) {
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.Log == nil {
		o.Log = slog.New(&minLevel{a.Log.Handler(), slog.LevelWarn})
	}
	r := &Runner{a: a}
	switch a.DB.Dialect {
	case store.Postgres:
		cfg, err := pgxpool.ParseConfig(a.DB.DSN)
		if err != nil {
			return nil, err
		}
		// the workers, and River's own: the listener's connection, the producer, the leader
		// election and the maintenance services
		cfg.MaxConns = int32(o.Workers + 8)
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, err
		}
		r.close = pool.Close
		if err := build(r, riverpgxv5.New(pool), o); err != nil {
			pool.Close()
			return nil, err
		}
	case store.SQLite:
		qdb, err := store.Open(ctx, a.DB.DSN)
		if err != nil {
			return nil, err
		}
		qdb.SQL.SetMaxOpenConns(1)
		r.close = func() { qdb.Close() }
		if err := build(r, riversqlite.New(qdb.SQL), o); err != nil {
			qdb.Close()
			return nil, err
		}
	default:
		return nil, fmt.Errorf("jobs: unsupported database %q", a.DB.Dialect)
	}
	return r, nil
}

// build makes River's client over a driver, with every job's worker and periodic schedule.
func build[TTx any](r *Runner, driver riverdriver.Driver[TTx], o Options) error {
	ws := river.NewWorkers()
	river.AddWorker(ws, &worker{a: r.a})
	var periodic []*river.PeriodicJob
	for _, j := range Jobs {
		periodic = append(periodic, river.NewPeriodicJob(j.Schedule, func() (river.JobArgs, *river.InsertOpts) {
			return argsFor(j, r.a.Now()), insertOpts()
		}, &river.PeriodicJobOpts{ID: j.Kind, RunOnStart: true}))
	}
	c, err := river.NewClient(driver, &river.Config{
		Logger:       o.Log,
		Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}},
		Workers:      ws,
		PeriodicJobs: periodic,
		JobTimeout:   10 * time.Minute,
		TestOnly:     o.testOnly,
	})
	if err != nil {
		return err
	}
	r.start, r.stop = c.Start, c.Stop
	r.insert = func(ctx context.Context, x river.JobArgs) (bool, error) {
		res, err := c.Insert(ctx, x, insertOpts())
		if err != nil {
			return false, err
		}
		return !res.UniqueSkippedAsDuplicate, nil
	}
	return nil
}

// Start starts working jobs; the leader among the instances enqueues each job at once and then
// on its schedule.
func (r *Runner) Start(ctx context.Context) error { return r.start(ctx) }

// Stop waits for the running jobs (until ctx ends), stops and closes the pool.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.stop(ctx)
	r.close()
	return err
}

// Enqueue inserts a job of the current period by the app's clock, as the schedule would; it
// reports false when that period's job is already queued, running or done.
func (r *Runner) Enqueue(ctx context.Context, kind string) (bool, error) {
	j := ByKind(kind)
	if j == nil {
		return false, errors.New("jobs: unknown kind " + kind)
	}
	return r.insert(ctx, argsFor(j, r.a.Now()))
}

// minLevel passes on a handler's records at or above a level.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (h *minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

func (h *minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return &minLevel{h.Handler.WithAttrs(as), h.level}
}

func (h *minLevel) WithGroup(name string) slog.Handler {
	return &minLevel{h.Handler.WithGroup(name), h.level}
}
