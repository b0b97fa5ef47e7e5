package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// errAuditTampered is the failure of `gongzhi audit verify` when the log does not match its seals.
var errAuditTampered = errors.New("the audit log does not match its seals")

// cmdAuditVerify recomputes every sealed day of the audit log still retained and the chain of
// seals, prints every problem (day, kind, entry) and fails when there is one (docs/audit.md).
func cmdAuditVerify(ctx context.Context, args []string, stdout io.Writer) error {
	c, fs, err := parseConfig("audit verify", args, nil)
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
	r, err := a.VerifyAudit(ctx, a.Now())
	if err != nil {
		return err
	}
	if r.Seals == 0 {
		fmt.Fprintln(stdout, "no day of the audit log is sealed yet")
	} else {
		fmt.Fprintf(stdout, "%d seals from %s to %s; %d days recomputed (%d entries), %d days purged by the retention\n",
			r.Seals, r.FirstDay, r.LastDay, r.DaysChecked, r.Entries, r.Purged)
	}
	for _, p := range r.Problems {
		fmt.Fprintln(stdout, "PROBLEM", p.String())
	}
	if r.UnsealedSince != "" {
		fmt.Fprintf(stdout, "%d entries since %s not yet sealed\n", r.Unsealed, r.UnsealedSince)
	} else {
		fmt.Fprintf(stdout, "%d entries not yet sealed\n", r.Unsealed)
	}
	if !r.OK() {
		fmt.Fprintf(stdout, "%d problems\n", len(r.Problems))
		return errAuditTampered
	}
	fmt.Fprintln(stdout, "OK: every sealed day matches its seal, and the seals form one chain")
	return nil
}
