// `gongzhi log key` and `gongzhi log verify`: the public ledger's key, and the check anyone can
// run against any instance, offline for a receipt, and against its own database for an operator
// (internal/publog; docs/ledger.md).

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/jobs"
	"gongzhi/internal/publog"
	"gongzhi/internal/secret"
	"gongzhi/internal/security"
	"gongzhi/internal/store"
	"gongzhi/internal/votes"
)

// errLogTampered is the failure of `gongzhi log verify --db` when a record differs from the
// database.
var errLogTampered = errors.New("the database differs from the public ledger")

func cmdLog(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "key":
			return cmdLogKey(args[1:], stdout)
		case "verify":
			return cmdLogVerify(ctx, args[1:], stdout)
		case "monitor":
			return cmdLogMonitor(ctx, args[1:], stdout)
		}
	}
	return errors.New("usage: gongzhi log key [flags] | gongzhi log verify [--vkey KEY] [--state FILE] [--receipt FILE] [--db DSN] [URL] | gongzhi log monitor [flags]")
}

// cmdLogMonitor runs the monitor_log job at once, as the schedule would (its run is logged on
// the jobs page): the ledger's monitor and the audit log's check against its seals, each
// difference raised once as a tamper alarm. It prints the open tamper alarms and fails when
// there are any.
func cmdLogMonitor(ctx context.Context, args []string, stdout io.Writer) error {
	c, fs, err := parseConfig("log monitor", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.DB.Close()
	n, err := jobs.Run(ctx, a, jobs.ByKind(jobs.KindMonitorLog), a.Now(), 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d new tamper alarms\n", n)
	open, err := a.DB.Q().ListAlarms(ctx, store.ListOptions{Filters: map[string]string{"open": "1"}}, func(al *store.SecurityAlarm) error {
		fmt.Fprintf(stdout, "ALERT %s %s %s (found %s, %d checks) %s\n", al.Kind, al.Subject, al.Reason,
			al.FirstAt.In(gongzhi.ChinaTime).Format(time.DateTime), al.Count, al.Detail)
		return nil
	}, security.TamperKinds...)
	if err != nil {
		return err
	}
	if open > 0 {
		fmt.Fprintf(stdout, "%d tamper alarms not acknowledged (the auditor's page: /tamper-alarms)\n", open)
		return errLogTampered
	}
	fmt.Fprintln(stdout, "OK: no open tamper alarm")
	return nil
}

// cmdLogKey prints the origin and the verifier key, derived from the instance's secret key.
func cmdLogKey(args []string, stdout io.Writer) error {
	c, fs, err := parseConfig("log key", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	key, err := c.existingSecretKey()
	if err != nil {
		return err
	}
	if key == nil {
		return errors.New("no secret key: give --secret-key or --data-dir of an instance (its secret.key)")
	}
	box, err := secret.NewBox(key)
	if err != nil {
		return err
	}
	l, err := publog.New(nil, box, c.LogOrigin)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "origin", l.Origin)
	fmt.Fprintln(stdout, "vkey", l.VKey)
	return nil
}

// cmdLogVerify checks a log: a receipt offline (--receipt), the log at URL (or, with --db and no
// URL, straight from the database), and with --db every record against the database.
func cmdLogVerify(ctx context.Context, args []string, stdout io.Writer) error {
	var vkey, state, receipt *string
	var recount *int64
	c, fs, err := parseConfig("log verify", args, func(fs *flag.FlagSet) {
		vkey = fs.String("vkey", "", "the log's verifier key (`gongzhi log key`, or the ledger page); default with --db: the instance's own")
		state = fs.String("state", "", "file keeping the last checkpoint seen (default: the user's config directory, one file per log)")
		receipt = fs.String("receipt", "", "a receipt file to check offline (with a URL also against the live log)")
		recount = fs.Int64("recount", 0, "recount vote `VOTE` from the verified log's ballot records and compare it with its published result (docs/votes.md)")
	})
	if err != nil {
		return err
	}
	rest := fs.Args()
	var url string
	for len(rest) > 0 { // flags may follow the URL
		if url != "" {
			return fmt.Errorf("unexpected arguments: %v", rest)
		}
		url = rest[0]
		if err := fs.Parse(rest[1:]); err != nil {
			return err
		}
		rest = fs.Args()
	}
	_, dbEnv := os.LookupEnv("GONGZHI_DB")
	withDB := flagGiven(fs, "db") || dbEnv
	var a *app.App
	if withDB {
		if a, err = openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			return err
		}
		defer a.DB.Close()
		if *vkey == "" {
			*vkey = a.PubLog.VKey
		}
	}
	if *vkey == "" {
		return errors.New("give the log's key with --vkey (the ledger page shows it)")
	}
	var fromReceipt *publog.Checkpoint
	if *receipt != "" {
		text, err := os.ReadFile(*receipt)
		if err != nil {
			return err
		}
		rec, cp, r, err := publog.VerifyReceipt(text, *vkey)
		if err != nil {
			return fmt.Errorf("RECEIPT INVALID: %w", err)
		}
		fmt.Fprintf(stdout, "OK: the receipt proves record #%d (%s v%d) in the tree of %d records signed by %s\n%s\n",
			r.Index, rec.Type, rec.Version, cp.Size, cp.Origin, r.Record)
		if url == "" && a == nil {
			return nil
		}
		fromReceipt = &cp
	}
	var fetch publog.Fetcher
	switch {
	case url != "":
		fetch = publog.HTTPFetcher(nil, logPrefix(url))
	case a != nil:
		fetch = publog.DBFetcher(a.DB.Q())
	default:
		return errors.New("give the log's URL (https://host/log/), or --db for the instance's own database")
	}
	if *state == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			dir = "."
		}
		name, _, _ := strings.Cut(*vkey, "+")
		*state = filepath.Join(dir, "gongzhi", "log-"+strings.NewReplacer("/", "_", ":", "_", "\\", "_").Replace(name)+".checkpoint")
	}
	prev, err := os.ReadFile(*state)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	v, err := publog.Verify(ctx, fetch, *vkey, string(prev), a != nil || *recount != 0)
	if err != nil {
		return fmt.Errorf("LOG INVALID: %w", err)
	}
	fmt.Fprintf(stdout, "OK: %s holds %d records; the tree recomputed from them has the signed root %s, and every tile matches\n",
		v.Checkpoint.Origin, v.Checkpoint.Size, v.Checkpoint.Root)
	if v.Previous != nil {
		fmt.Fprintf(stdout, "OK: consistent with the checkpoint seen before (%d records)\n", v.Previous.Size)
	} else {
		fmt.Fprintln(stdout, "first check of this log: its checkpoint is kept in", *state)
	}
	if fromReceipt != nil {
		if err := publog.CheckConsistency(ctx, fetch, *fromReceipt, v.Checkpoint); err != nil {
			return fmt.Errorf("RECEIPT INVALID: its checkpoint is not part of this log: %w", err)
		}
		fmt.Fprintln(stdout, "OK: the receipt's checkpoint is part of the log")
	}
	if err := os.MkdirAll(filepath.Dir(*state), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(*state, []byte(v.Signed), 0o600); err != nil {
		return err
	}
	if *recount != 0 {
		if err := recountVote(stdout, v.Records, *recount); err != nil {
			return err
		}
	}
	if a == nil {
		return nil
	}
	diffs, unchecked, err := publog.CompareDB(ctx, a.DB.Q(), v.Records)
	if err != nil {
		return err
	}
	for t, n := range unchecked {
		fmt.Fprintf(stdout, "note: %d records of type %s have no check against the database\n", n, t)
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, "ALERT", d.String())
	}
	if len(diffs) > 0 {
		fmt.Fprintf(stdout, "%d records differ from the database\n", len(diffs))
		return errLogTampered
	}
	fmt.Fprintln(stdout, "OK: every record matches the database rows it describes")
	return nil
}

// logPrefix turns an instance's address into its log's prefix: "https://host" and
// "https://host/log" both mean "https://host/log/".
func logPrefix(url string) string {
	url = strings.TrimSuffix(url, "/")
	if !strings.HasSuffix(url, "/log") {
		url += "/log"
	}
	return url + "/"
}

// errRecount is the recount's failure: the ballots on the log do not make the published result.
var errRecount = errors.New("RECOUNT DIFFERS")

// recountVote recounts a vote from the verified log's records (votes.RecountVote) and prints the
// tally, each problem as ALERT, and fails when the published result is not what the ballots make.
func recountVote(stdout io.Writer, records [][]byte, id int64) error {
	rc, err := votes.RecountVote(records, id)
	if err != nil {
		return err
	}
	if !rc.Published {
		fmt.Fprintf(stdout, "vote %d has no published result yet; %d ballots on the log so far\n", id, rc.Ballots)
		return nil
	}
	t := rc.Tally
	fmt.Fprintf(stdout, "vote %d recounted from %d ballots on the log: electors %d, cast %d, counts by option %v, quorum met %v, chosen %v, passed %v\n",
		id, rc.Ballots, t.Electors, t.Cast, t.Counts, t.QuorumMet, t.Chosen, t.Passed)
	for _, p := range rc.Problems {
		fmt.Fprintln(stdout, "ALERT", p)
	}
	if len(rc.Problems) > 0 {
		return errRecount
	}
	fmt.Fprintln(stdout, "OK: the published result is exactly what the ballots on the log make")
	return nil
}
