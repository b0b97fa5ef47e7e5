// `gongzhi token create|list|revoke`: API tokens made on the server's command line, for an
// integration that has no browser (issue 11). The operator acts for the account named; the token
// acts within that account's role and area, narrowed by its scope (read, write, full), and
// expires. Its secret is printed once.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gongzhi"
	"gongzhi/internal/accounts"
)

const tokenUsage = `usage:
  gongzhi token create [flags] USERNAME --name NAME --expires 90d [--scope read|write|full] [--place CODE]
  gongzhi token list   [flags] USERNAME
  gongzhi token revoke [flags] ID`

func cmdToken(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	switch args[0] {
	case "create":
		return cmdTokenCreate(ctx, args[1:], stdout)
	case "list":
		return cmdTokenList(ctx, args[1:], stdout)
	case "revoke":
		return cmdTokenRevoke(ctx, args[1:], stdout)
	}
	return errors.New(tokenUsage)
}

// flagsFirst moves the positional arguments after the flags, so that `token create alice --name
// x` parses as written (the flag package stops at the first argument that is not a flag). Every
// flag of these commands takes a value.
func flagsFirst(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case a == "-h" || a == "-help" || a == "--help":
			flags = append(flags, a)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

// parseDays reads a lifetime: "90d", "12w" or a number of days.
func parseDays(s string) (int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	mult := 1
	switch {
	case strings.HasSuffix(s, "d"):
		s = strings.TrimSuffix(s, "d")
	case strings.HasSuffix(s, "w"):
		s, mult = strings.TrimSuffix(s, "w"), 7
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("--expires: want a number of days such as 90d or 12w, got %q", s)
	}
	return n * mult, nil
}

func cmdTokenCreate(ctx context.Context, args []string, stdout io.Writer) error {
	var name, expires, scope, place *string
	c, fs, err := parseConfig("token create", flagsFirst(args), func(fs *flag.FlagSet) {
		name = fs.String("name", "", "the token's name, saying what uses it (required)")
		expires = fs.String("expires", "90d", "lifetime: days (90d), weeks (12w); at most 3650 days")
		scope = fs.String("scope", gongzhi.TokenRead, "read (queries only), write (queries and work) or full (tokens too)")
		place = fs.String("place", "", "a place code within the account's area the token is limited to (default: the account's whole area)")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(tokenUsage)
	}
	days, err := parseDays(*expires)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.DB.Close()
	t, text, err := a.IssueTokenFor(ctx, gongzhi.SystemActor("cli"), fs.Arg(0), accounts.TokenSpec{Name: *name, Days: days, Scope: *scope, Place: *place})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "created token %d %q for %s: scope %s, expires %s\n", t.ID, t.Name, fs.Arg(0), t.Scope, t.ExpiresAt.Local().Format("2006-01-02 15:04"))
	if t.PlaceCode != "" {
		fmt.Fprintf(stdout, "limited to place %s\n", t.PlaceCode)
	}
	fmt.Fprintln(stdout, "the token is shown only now; send it as Authorization: Bearer <token>:")
	fmt.Fprintln(stdout, text)
	return nil
}

func cmdTokenList(ctx context.Context, args []string, stdout io.Writer) error {
	c, fs, err := parseConfig("token list", flagsFirst(args), nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(tokenUsage)
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.DB.Close()
	list, err := a.TokensOf(ctx, gongzhi.SystemActor("cli"), fs.Arg(0))
	if err != nil {
		return describe(err)
	}
	now := a.Now()
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tSCOPE\tPLACE\tCREATED\tEXPIRES\tLAST USED\tSTATE")
	for _, t := range list {
		state := "active"
		switch {
		case t.Revoked:
			state = "revoked"
		case !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt):
			state = "expired"
		}
		place := t.PlaceCode
		if place == "" {
			place = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Prefix, t.Scope, place, day(t.CreatedAt), day(t.ExpiresAt), day(t.LastUsedAt), state)
	}
	if len(list) == 0 {
		fmt.Fprintln(tw, "(no tokens)")
	}
	return tw.Flush()
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02")
}

func cmdTokenRevoke(ctx context.Context, args []string, stdout io.Writer) error {
	c, fs, err := parseConfig("token revoke", flagsFirst(args), nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(tokenUsage)
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("token revoke: %q is not a token id (see gongzhi token list USERNAME)", fs.Arg(0))
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if err := a.RevokeToken(ctx, gongzhi.SystemActor("cli"), id); err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "revoked token %d\n", id)
	return nil
}
