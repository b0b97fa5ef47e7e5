// gongzhi loadtest: drives a running server with a realistic mix and reports how fast it
// answered (internal/loadtest).

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"gongzhi/internal/loadtest"
)

func cmdLoadtest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gongzhi loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	clients := fs.Int("c", 16, "concurrent clients")
	dur := fs.Duration("d", 30*time.Second, "how long to run (at most 1h); with -n, whichever ends first")
	n := fs.Int("n", 0, "total requests (0: run for -d)")
	warmup := fs.Duration("warmup", 10*time.Second, "run the mix this long first, its latencies not counted (its errors are): the server's pools, prepared statements and caches reach their working state")
	purchaser := fs.String("purchaser", "gt-purchaser", "a purchaser's account (street or city level; empty: none)")
	community := fs.String("community", "zs-community", "a community worker's account (empty: none)")
	provider := fs.String("provider", "gt-provider", "a provider's account, which also writes ledger entries (empty: none)")
	resident := fs.String("resident", "zs-resident", "a resident's account (empty: none)")
	password := fs.String("password", loadtest.DefaultPassword, "the accounts' password")
	newPassword := fs.String("new-password", "", "for accounts that must change their password at first sign-in (a fresh demo): change it to this, and sign in with it when the first password is refused")
	pid := fs.Int("pid", 0, "the server's process id on this machine: its peak RSS from /proc/PID/status (else from /metrics)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	check := fs.Bool("check", false, "exit non-zero when a goal is missed (p99 < 50 ms lists and details, < 200 ms dashboards, RSS < 300 MB, no errors)")
	allowRemote := fs.Bool("allow-remote", false, "allow a target other than this machine")
	noWrites := fs.Bool("no-writes", false, "leave out the ledger writes")
	cursor := fs.String("cursor-param", "after", "query parameter of a list's bare \"next\" cursor")
	seed := fs.Uint64("seed", 1, "seed of the clients' choices")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gongzhi loadtest [flags] URL   (e.g. http://127.0.0.1:8080)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("loadtest: give the server's URL")
	}
	var accounts []loadtest.Account
	for _, a := range []loadtest.Account{{Role: loadtest.Purchaser, Username: *purchaser}, {Role: loadtest.Community, Username: *community},
		{Role: loadtest.Provider, Username: *provider}, {Role: loadtest.Resident, Username: *resident}} {
		if strings.TrimSpace(a.Username) != "" {
			accounts = append(accounts, a)
		}
	}
	if accounts == nil {
		accounts = []loadtest.Account{} // public pages only
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	rep, err := loadtest.Run(ctx, loadtest.Options{BaseURL: fs.Arg(0), Clients: *clients, Duration: *dur, Requests: *n, Warmup: *warmup,
		Accounts: accounts, Password: *password, NewPassword: *newPassword, PID: *pid, AllowRemote: *allowRemote,
		NoWrites: *noWrites, Seed: *seed, CursorParam: *cursor, Log: stderr})
	if err != nil {
		return err
	}
	if *asJSON {
		if err := rep.JSON(stdout); err != nil {
			return err
		}
	} else {
		rep.Print(stdout)
	}
	if *check {
		if miss := rep.Check(); len(miss) > 0 {
			for _, m := range miss {
				fmt.Fprintln(stderr, "missed:", m)
			}
			return fmt.Errorf("loadtest: %d goals missed", len(miss))
		}
	}
	return nil
}
