// Command gongzhi is the whole of Gongzhi in one binary: the web UI and JSON API (serve), a
// demo street to try it (demo), migrations, accounts, backups and imports.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/files"
	"gongzhi/internal/jobs"
	"gongzhi/internal/kernel"
	"gongzhi/internal/publog"
	"gongzhi/internal/registry"
	"gongzhi/internal/secret"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

const usage = `gongzhi — 共治 community co-governance platform

Usage:
  gongzhi serve   [flags]                 serve the web UI and the API
  gongzhi demo    [flags]                 serve a fresh demo street (葛塘街道) with demo accounts (--scale city: and 舟山市)
  gongzhi gen     [--scale city|town|tiny] build a city-scale instance (舟山市) with the demo street, into --db
  gongzhi migrate [flags]                 apply database migrations and exit
  gongzhi user add [flags] USERNAME ROLE [PLACE_CODE|ORG_ID]
                                          add an account (first administrator: ROLE sysadmin)
  gongzhi token create [flags] USERNAME --name NAME --expires 90d [--scope read|write|full]
  gongzhi token list [flags] USERNAME | gongzhi token revoke [flags] ID
                                          API tokens for integrations (the secret is printed once)
  gongzhi backup  [flags] FILE            consistent copy of a live SQLite database
  gongzhi restore [flags] [--force] FILE  put a SQLite backup in place of the database (stop the server first)
  gongzhi rekey   [flags]                 re-encrypt personal data with --field-cipher (aes|sm4; stop the servers first)
  gongzhi audit verify [flags]            check the audit log against its daily seals
  gongzhi log key [flags]                 print the public ledger's origin and verifier key
  gongzhi log verify [--vkey KEY] [--state FILE] [--receipt FILE] [--db DSN] [URL]
                                          check a public ledger (docs/ledger.md): its checkpoint,
                                          tree and tiles, consistency with the last one seen; a
                                          receipt offline; with --db, every record against the rows
  gongzhi log monitor [flags]             run the tamper check now (the monitor_log job): differences
                                          become tamper alarms for the auditor; fails while any is open
  gongzhi import divisions [flags] FILE…  statistical division codes (CSV)
  gongzhi import orgs|people|grids|households [flags] FILE.xlsx|FILE.csv
  gongzhi import contracts [flags] --place CODE FILE.xlsx|FILE.csv
                                          concluded purchases of earlier years (past contracts)
  gongzhi loadtest [flags] URL            drive a running server with N clients; p50/p95/p99 per route, peak RSS
  gongzhi version

Run "gongzhi COMMAND -h" for the flags; every flag has an environment variable too.
`

var version = "dev"

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gongzhi:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr, false)
	case "demo":
		return cmdServe(ctx, rest, stdout, stderr, true)
	case "gen":
		return cmdGen(ctx, rest, stdout, stderr) // gen.go
	case "migrate":
		return cmdMigrate(ctx, rest, stdout)
	case "user":
		if len(rest) > 0 && rest[0] == "reset-2fa" {
			return cmdUserResetTOTP(ctx, rest[1:], stdout) // totp.go
		}
		if len(rest) == 0 || rest[0] != "add" {
			return errors.New(`usage: gongzhi user add USERNAME ROLE [PLACE_CODE|ORG_ID] | gongzhi user reset-2fa USERNAME`)
		}
		return cmdUserAdd(ctx, rest[1:], stdout)
	case "token":
		return cmdToken(ctx, rest, stdout) // token.go
	case "backup":
		return cmdBackup(ctx, rest, stdout)
	case "restore":
		return cmdRestore(ctx, rest, stdout)
	case "rekey":
		return cmdRekey(ctx, rest, stdout)
	case "audit":
		if len(rest) == 0 || rest[0] != "verify" {
			return errors.New("usage: gongzhi audit verify [flags]")
		}
		return cmdAuditVerify(ctx, rest[1:], stdout)
	case "log":
		return cmdLog(ctx, rest, stdout) // publog.go
	case "import":
		if len(rest) == 0 {
			return errors.New("usage: gongzhi import divisions|orgs|people|grids|households|contracts FILE…")
		}
		return cmdImport(ctx, rest[0], rest[1:], stdout)
	case "loadtest":
		return cmdLoadtest(ctx, rest, stdout, stderr) // loadtest.go
	case "version", "-v", "--version":
		fmt.Fprintln(stdout, "gongzhi", version, "schema", store.LatestVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(c *Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openApp opens and migrates the database and builds the service layer.
func openApp(ctx context.Context, c *Config, log *slog.Logger) (*app.App, error) {
	if err := c.Audit.Check(); err != nil {
		return nil, err
	}
	db, err := store.OpenWith(ctx, c.DB, store.Options{Conns: c.DBConns, CacheMiB: c.SQLiteCacheMiB})
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("migrated database", "applied", n, "version", store.LatestVersion())
	}
	if n, err := jobs.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	} else if n > 0 {
		log.Info("migrated the job queue's tables", "applied", n)
	}
	key, created, err := c.secretKey()
	if err != nil {
		db.Close()
		return nil, err
	}
	if created {
		log.Warn("created a new secret key: back it up, without it encrypted ID numbers cannot be read", "file", filepath.Join(c.DataDir, "secret.key"))
	}
	box, err := secret.NewBoxWith(key, c.FieldCipher)
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Q().CheckFieldCipher(ctx, c.FieldCipher); err != nil {
		db.Close()
		return nil, err
	}
	return app.New(db, box, kernel.Config{SessionIdle: c.SessionIdle, Audit: c.Audit, TOTPRoles: c.TOTPRoles,
		HashSlots: c.HashSlots, MaxSessions: c.MaxSessions, PasswordMaxAge: c.PasswordMaxAge, InactiveAfter: c.InactiveAfter,
		PolicyExempt: c.PolicyExempt, LogOrigin: c.LogOrigin}, log), nil
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer, isDemo bool) error {
	name := "serve"
	if isDemo {
		name = "demo"
	}
	var gf *genFlags
	c, fs, err := parseConfig(name, args, func(fs *flag.FlagSet) {
		if isDemo {
			gf = addGenFlags(fs, "") // gen.go; --scale "" is the demo street alone
		}
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	log := newLogger(c, stderr)
	setMemoryLimit(c, log)
	setGCPercent(c, log)
	if isDemo {
		dir, err := os.MkdirTemp("", "gongzhi-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if !flagGiven(fs, "db") && os.Getenv("GONGZHI_DB") == "" {
			c.DB = "sqlite:" + filepath.Join(dir, "demo.db")
		}
		if !flagGiven(fs, "data-dir") && os.Getenv("GONGZHI_DATA_DIR") == "" {
			c.DataDir = filepath.Join(dir, "data")
		}
	}
	a, err := openApp(ctx, c, log)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if !isDemo {
		warnLogOrigin(ctx, a, log)
	}
	var res *demo.Result
	if isDemo && *gf.scale != "" {
		opts, err := gf.options(stderr)
		if err != nil {
			return err
		}
		cres, err := genCity(ctx, a, opts, stdout)
		if err != nil {
			return err
		}
		res, cres.Demo = cres.Demo, nil // printed with the address below
		cres.Print(stdout)
	} else if isDemo {
		fmt.Fprintln(stdout, "正在生成演示数据（葛塘街道）… / seeding the demo street…")
		if res, err = demo.Seed(ctx, a, *gf.seed); err != nil {
			return err
		}
	}
	fileStore := &files.Store{Dir: filepath.Join(c.DataDir, "files")}
	if err := fileStore.Check(); err != nil {
		return err
	}
	srv, err := site.New(a, log, web.Options{DevDir: c.Dev, MaxUpload: int64(c.MaxUploadMiB) << 20, SecureCookies: c.SecureCookies,
		Files: fileStore, MaxInFlight: cmp.Or(c.MaxInFlight, maxInFlightFor(a.DB.Dialect, runtime.GOMAXPROCS(0)))})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	if res != nil {
		printDemo(stdout, url, res)
	} else {
		fmt.Fprintf(stdout, "Gongzhi serving on %s (database %s)\n", url, a.DB.Dialect)
		if need, _ := a.NeedsSetup(ctx); need {
			fmt.Fprintf(stdout, "First run: open %s/setup to create the administrators, or run `gongzhi user add`.\n", url)
		}
	}
	return serve(ctx, ln, srv.Handler(), a, log)
}

// setMemoryLimit gives the Go runtime its soft memory limit (--memory-limit-mib) unless the
// GOMEMLIMIT environment variable set one. It bounds the Go heap only: SQLite's page cache
// (--sqlite-cache-mib) is allocated outside it. docs/operations.md, "Memory", adds them up.
func setMemoryLimit(c *Config, log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" || c.MemoryLimitMiB == 0 {
		return
	}
	debug.SetMemoryLimit(int64(c.MemoryLimitMiB) << 20)
	log.Debug("memory limit", "mib", c.MemoryLimitMiB)
}

// setGCPercent gives the Go collector its heap growth (--gc-percent) unless the GOGC environment
// variable set one. Under the city's load test the collector took 8 % of the processors at Go's
// 100; at 200 the server answered about a tenth more requests a second for 14 MiB more at its
// peak (BENCHMARKS.md), and the memory limit bounds the heap whatever the growth.
func setGCPercent(c *Config, log *slog.Logger) {
	if os.Getenv("GOGC") != "" || c.GCPercent == 0 {
		return
	}
	debug.SetGCPercent(c.GCPercent)
	log.Debug("gc percent", "percent", c.GCPercent)
}

// warnLogOrigin warns when the public ledger's origin is the placeholder (no --public-url or
// --log-origin given), or differs from the one the log's checkpoints were signed under (the
// origin names the log and its key: verifiers holding the old key fail).
func warnLogOrigin(ctx context.Context, a *app.App, log *slog.Logger) {
	if a.PubLog.Placeholder() {
		log.Warn("the public ledger's origin is a placeholder: set --public-url (or --log-origin) before the ledger's first record, "+
			"as the origin names the log and its key for good (docs/ledger.md)", "origin", a.PubLog.Origin)
	}
	if _, c, err := publog.LatestCheckpoint(ctx, a.DB.Q()); err == nil && c.Origin != a.PubLog.Origin {
		log.Warn("the public ledger's checkpoints were signed under another origin: verifiers holding its key will fail "+
			"(docs/ledger.md)", "origin", a.PubLog.Origin, "signed_under", c.Origin)
	}
}

// startJobs starts this instance's workers of the scheduled jobs (internal/jobs); with several
// instances on one database each job still runs once per period.
func startJobs(ctx context.Context, a *app.App) (*jobs.Runner, error) {
	r, err := jobs.New(ctx, a, jobs.Options{})
	if err != nil {
		return nil, fmt.Errorf("scheduled jobs: %w", err)
	}
	if err := r.Start(ctx); err != nil {
		r.Stop(context.Background())
		return nil, fmt.Errorf("start the scheduled jobs: %w", err)
	}
	return r, nil
}

func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			given = true
		}
	})
	return given
}

func printDemo(w io.Writer, url string, res *demo.Result) {
	fmt.Fprintf(w, "\n共治 Gongzhi demo: %s\n", url)
	res.Print(w)
	fmt.Fprintln(w, "\nPress Ctrl+C to stop; the demo database is deleted on exit.")
}

// serve runs the HTTP server and the scheduled jobs' workers until SIGINT/SIGTERM, then shuts
// both down gracefully.
func serve(ctx context.Context, ln net.Listener, h http.Handler, a *app.App, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	runner, err := startJobs(ctx, a)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := runner.Stop(sctx); err != nil {
			log.Warn("stop the scheduled jobs", "err", err)
		}
	}()
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := a.DB.Q().PurgeExpired(ctx, a.Now()); err != nil {
					log.Warn("purge expired sessions", "err", err)
				}
			}
		}
	}()
	go a.PubLog.Run(ctx, time.Second, log)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	c, _, err := parseConfig("migrate", args, nil)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s); schema version %d\n", n, store.LatestVersion())
	nq, err := jobs.Migrate(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s) of the job queue (River)\n", nq)
	return nil
}

func cmdUserAdd(ctx context.Context, args []string, stdout io.Writer) error {
	var display, password *string
	c, fs, err := parseConfig("user add", args, func(fs *flag.FlagSet) {
		display = fs.String("name", "", "display name (default: the username)")
		password = fs.String("password", "", "password (default: a one-time password, printed, to be changed at first sign-in)")
	})
	if err != nil {
		return err
	}
	if fs.NArg() < 2 {
		return fmt.Errorf("usage: gongzhi user add [flags] USERNAME ROLE [PLACE_CODE|ORG_ID]; roles: %s", strings.Join(gongzhi.Roles, ", "))
	}
	log := newLogger(c, io.Discard)
	a, err := openApp(ctx, c, log)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	u := &gongzhi.User{Username: fs.Arg(0), Role: fs.Arg(1), DisplayName: *display, MustChangePassword: *password == ""}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	if fs.NArg() > 2 {
		if gongzhi.OrgScoped(u.Role) {
			fmt.Sscan(fs.Arg(2), &u.OrgID)
		} else {
			u.PlaceCode = fs.Arg(2)
		}
	}
	pw, err := a.CreateUser(ctx, gongzhi.SystemActor("cli"), u, *password)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "created %s (%s)\n", u.Username, u.Role)
	if *password == "" {
		fmt.Fprintf(stdout, "one-time password: %s (must be changed at first sign-in)\n", pw)
	}
	return nil
}

// describe turns a service error into a readable command-line error.
func describe(err error) error {
	e := gongzhi.AsError(err)
	if e.Code == gongzhi.EINTERNAL {
		return err
	}
	msg := web.T("en", e.Message)
	for k, v := range e.Fields {
		msg += fmt.Sprintf("\n  %s: %s / %s", k, web.T("zh-CN", v), web.T("en", v))
	}
	return errors.New(msg)
}

func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	c, fs, err := parseConfig("backup", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: gongzhi backup [--db sqlite:PATH] FILE")
	}
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if db.Dialect == store.Postgres {
		return errors.New("for PostgreSQL use its own tools, which copy a live database consistently:\n" +
			"  pg_dump --format=custom --file=gongzhi.dump \"$GONGZHI_DB\"      (restore with pg_restore)\n" +
			"or continuous archiving (pg_basebackup + WAL) for point-in-time recovery; keep DATA_DIR/secret.key with the backup")
	}
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s; keep the secret key (DATA_DIR/secret.key or GONGZHI_SECRET_KEY) with it\n", db.Path, fs.Arg(0))
	return nil
}

func cmdImport(ctx context.Context, what string, args []string, stdout io.Writer) error {
	var place *string
	c, fs, err := parseConfig("import "+what, args, func(fs *flag.FlagSet) {
		if what == "contracts" {
			place = fs.String("place", "", "the purchaser's place (12-digit code) for rows whose place column is empty")
		}
	})
	if err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("usage: gongzhi import %s [flags] FILE…", what)
	}
	a, err := openApp(ctx, c, newLogger(c, io.Discard))
	if err != nil {
		return err
	}
	defer a.DB.Close()
	ac := gongzhi.SystemActor("cli")
	switch what {
	case "divisions":
		var readers []registry.NamedReader
		for _, name := range fs.Args() {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			readers = append(readers, registry.NamedReader{Name: filepath.Base(name), R: f})
		}
		start := time.Now()
		rep, err := a.ImportDivisions(ctx, ac, readers)
		if rep != nil {
			for _, p := range rep.Problems {
				fmt.Fprintf(stdout, "%s:%d %s %q: %s\n", p.File, p.Line, p.Field, p.Value, p.Reason)
			}
			if rep.BadRows > len(rep.Problems) {
				fmt.Fprintf(stdout, "… and %d more problems\n", rep.BadRows-len(rep.Problems))
			}
		}
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "read %d rows: %d inserted or changed, %d unchanged, %d placeholder rows skipped (%s)\n",
			rep.Read, rep.Changed, rep.Unchanged, len(rep.Skipped), time.Since(start).Round(time.Millisecond))
		return nil
	case "contracts":
		if fs.NArg() != 1 {
			return errors.New("usage: gongzhi import contracts [--place CODE] FILE.xlsx|FILE.csv")
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		ac.ScopeCode = *place // the purchaser of rows that name none
		n, err := a.ImportPastContractsFile(ctx, ac, f, strings.EqualFold(filepath.Ext(fs.Arg(0)), ".csv"), 0)
		var rowErrs xlsx.Errors
		if errors.As(err, &rowErrs) {
			for _, e := range rowErrs {
				fmt.Fprintf(stdout, "row %d, %s: %s / %s\n", e.Line, e.Column, web.T("zh-CN", e.Reason), web.T("en", e.Reason))
			}
			return fmt.Errorf("%d problems; nothing was imported", len(rowErrs))
		}
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "imported %d past contracts\n", n)
		return nil
	case "orgs", "organizations", "people", "grids", "households":
		if fs.NArg() != 1 {
			return fmt.Errorf("usage: gongzhi import %s FILE.xlsx|FILE.csv", what)
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		kind := what
		if what == "orgs" {
			kind = "organizations"
		}
		importFile := a.ImportExcel
		if strings.EqualFold(filepath.Ext(fs.Arg(0)), ".csv") {
			importFile = a.ImportCSV
		}
		start := time.Now()
		n, err := importFile(ctx, ac, kind, f, 0)
		var rowErrs xlsx.Errors
		if errors.As(err, &rowErrs) {
			for _, e := range rowErrs {
				fmt.Fprintf(stdout, "row %d, %s: %s / %s\n", e.Line, e.Column, web.T("zh-CN", e.Reason), web.T("en", e.Reason))
			}
			return fmt.Errorf("%d problems; nothing was imported", len(rowErrs))
		}
		if err != nil {
			return describe(err)
		}
		el := time.Since(start)
		fmt.Fprintf(stdout, "imported %d rows in %s (%.0f rows/s)\n", n, el.Round(time.Millisecond), float64(n)/max(el.Seconds(), 1e-3))
		return nil
	}
	return fmt.Errorf("unknown import %q: divisions, orgs, people, grids, households or contracts", what)
}

// maxInFlightFor is the default of --max-inflight (docs/operations.md, "Requests in flight"): on
// SQLite, whose queries run on the server's own processors, as many reads at once as it has
// processors; on PostgreSQL, whose queries run in the database's processes and wait on its
// connections, four times as many.
func maxInFlightFor(d store.Dialect, procs int) int {
	if d == store.Postgres {
		return 4 * procs
	}
	return procs
}
