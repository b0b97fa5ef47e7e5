// gongzhi user reset-2fa: the operator's way back in when an account's authenticator is lost and
// no security administrator can reset it (the security administrator's own, above all: no
// administrator acts on their own account).

package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"gongzhi"
)

// cmdUserResetTOTP removes an account's authenticator and recovery codes and ends its sessions,
// as the command line (audited like the security administrator's reset); the account enrols
// again at its next sign-in if its role requires two factors.
func cmdUserResetTOTP(ctx context.Context, args []string, stdout io.Writer) error {
	c, fs, err := parseConfig("user reset-2fa", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: gongzhi user reset-2fa [flags] USERNAME")
	}
	a, err := openApp(ctx, c, newLogger(c, io.Discard))
	if err != nil {
		return err
	}
	defer a.DB.Close()
	u, _, err := a.DB.Q().UserByUsername(ctx, strings.TrimSpace(fs.Arg(0)))
	if err != nil {
		return describe(err)
	}
	if err := a.ResetTOTP(ctx, gongzhi.SystemActor("cli"), u.ID); err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "reset the second factor of %s; its sessions are ended\n", u.Username)
	return nil
}
