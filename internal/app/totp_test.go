package app_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/app"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// signIn signs in with a password and, when the account needs it, takes the second step with a
// code of its authenticator (for an account that must enrol, the new one's first code).
func signIn(t *testing.T, a *app.App, user, pw, ip string) (string, *gongzhi.User, error) {
	t.Helper()
	ctx := context.Background()
	tok, _, u, err := a.Login(ctx, user, pw, ip, "test")
	var step *accounts.SecondStep
	if !errors.As(err, &step) {
		return tok, u, err
	}
	in, err := a.CompleteLogin(ctx, step.Token, nextCode(t, a, u.ID), ip, "test")
	if err != nil {
		return "", u, err
	}
	return in.Token, in.User, nil
}

// totpSecret reads an account's authenticator secret as the app on the phone holds it.
func totpSecret(t *testing.T, a *app.App, userID int64) (string, int64) {
	t.Helper()
	tt, err := a.DB.Q().GetTOTP(context.Background(), userID)
	if err != nil {
		t.Fatalf("authenticator of account %d: %v", userID, err)
	}
	sec, err := a.Box.Open(tt.Sealed, accounts.TOTPContext)
	if err != nil {
		t.Fatal(err)
	}
	return sec, tt.LastStep
}

// codeAt is the authenticator's code for the time step of at.
func codeAt(t *testing.T, sec string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(sec, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// nextCode is a code the account's authenticator accepts now: of the earliest time step within
// one step of now that no code was accepted for.
func nextCode(t *testing.T, a *app.App, userID int64) string {
	t.Helper()
	sec, last := totpSecret(t, a, userID)
	cur := a.Now().Unix() / 30
	for step := cur - 1; step <= cur+1; step++ {
		if step > last {
			return codeAt(t, sec, time.Unix(step*30, 0))
		}
	}
	t.Fatalf("every code of account %d within a step of now was used: move the clock", userID)
	return ""
}

// wrongCode is a six-digit code that the authenticator does not show within a step of now.
func wrongCode(t *testing.T, a *app.App, userID int64) string {
	t.Helper()
	sec, _ := totpSecret(t, a, userID)
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		ok := true
		for d := -1; d <= 1; d++ {
			if codeAt(t, sec, a.Now().Add(time.Duration(d)*30*time.Second)) == c {
				ok = false
			}
		}
		if ok {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

// opsApp is an instance on db after the first-run setup of ops-sys, ops-sec and ops-audit, with
// its clock and their one-time passwords by username.
func opsApp(t *testing.T, db *store.DB) (*app.App, *time.Time, map[string]string) {
	t.Helper()
	a, now := newAuthApp(t, db)
	res, err := a.Setup(context.Background(), "ops", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	pw := map[string]string{}
	for _, acc := range res.Accounts {
		pw[acc.Username] = acc.Password
	}
	return a, now, pw
}

func auditCount(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	n, err := db.Q().ListAudit(context.Background(), store.ListOptions{Filters: map[string]string{"action": action}}, func(*gongzhi.AuditEntry) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The system administrator must enrol at the first sign-in: the password opens no session, the
// pending sign-in shows a secret, a wrong first code is refused, the right one switches the
// authenticator on, gives ten recovery codes and signs in. Later sign-ins ask for a code; a code
// once accepted is not accepted again; a recovery code works once.
func TestTOTPEnrolAtSignInThenCodesAndRecovery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, now, pws := opsApp(t, db)
		pw := pws["ops-sys"]
		tok, _, u, err := a.Login(ctx, "ops-sys", pw, "10.1.0.1", "test")
		var step *accounts.SecondStep
		if !errors.As(err, &step) || tok != "" || !step.Enrol {
			t.Fatalf("the system administrator signed in with a password only: %q %v", tok, err)
		}
		en, pu, err := a.PendingEnrolment(ctx, step.Token)
		if err != nil || pu.ID != u.ID || !strings.HasPrefix(en.URL, "otpauth://totp/") || len(en.Secret) != 32 {
			t.Fatalf("pending enrolment: %+v %v", en, err)
		}
		if sec, _ := totpSecret(t, a, u.ID); sec != en.Secret {
			t.Fatal("the page's secret is not the stored one")
		}
		if _, err := a.CompleteLogin(ctx, step.Token, wrongCode(t, a, u.ID), "10.1.0.1", "test"); gongzhi.ErrorCode(err) != gongzhi.EUNAUTHORIZED {
			t.Fatalf("wrong first code: %v", err)
		}
		first := codeAt(t, en.Secret, *now)
		in, err := a.CompleteLogin(ctx, step.Token, first, "10.1.0.1", "test")
		if err != nil || len(in.RecoveryCodes) != accounts.RecoveryCodeCount {
			t.Fatalf("enrolment: %+v %v", in, err)
		}
		if ac, _, err := a.SessionActor(ctx, in.Token, "10.1.0.1"); err != nil || ac.User.ID != u.ID {
			t.Fatalf("session after enrolment: %v", err)
		}
		if _, err := a.CompleteLogin(ctx, step.Token, first, "10.1.0.1", "test"); gongzhi.ErrorCode(err) != gongzhi.EUNAUTHORIZED {
			t.Fatalf("a pending sign-in completed twice: %v", err)
		}
		// the sealed secret is not the secret
		if tt, _ := db.Q().GetTOTP(ctx, u.ID); strings.Contains(tt.Sealed, en.Secret) || !tt.Enabled {
			t.Fatalf("secret stored in the clear or not switched on: %+v", tt)
		}

		// the next sign-in asks for a code; the first code's step is used: it is a replay
		_, _, _, err = a.Login(ctx, "ops-sys", pw, "10.1.0.1", "test")
		if !errors.As(err, &step) || step.Enrol {
			t.Fatalf("second sign-in: %v", err)
		}
		if _, err := a.CompleteLogin(ctx, step.Token, first, "10.1.0.1", "test"); gongzhi.ErrorCode(err) != gongzhi.EUNAUTHORIZED {
			t.Fatalf("a used code was accepted again: %v", err)
		}
		*now = now.Add(30 * time.Second)
		if _, err := a.CompleteLogin(ctx, step.Token, codeAt(t, en.Secret, *now), "10.1.0.1", "test"); err != nil {
			t.Fatalf("the next step's code: %v", err)
		}
		// a code one step old still works (skew), unless its step was used
		*now = now.Add(60 * time.Second)
		_, _, _, err = a.Login(ctx, "ops-sys", pw, "10.1.0.1", "test")
		errors.As(err, &step)
		if _, err := a.CompleteLogin(ctx, step.Token, codeAt(t, en.Secret, now.Add(-30*time.Second)), "10.1.0.1", "test"); err != nil {
			t.Fatalf("a code one step old: %v", err)
		}
		// two steps away is refused
		_, _, _, err = a.Login(ctx, "ops-sys", pw, "10.1.0.1", "test")
		errors.As(err, &step)
		if _, err := a.CompleteLogin(ctx, step.Token, codeAt(t, en.Secret, now.Add(90*time.Second)), "10.1.0.1", "test"); gongzhi.ErrorCode(err) != gongzhi.EUNAUTHORIZED {
			t.Fatalf("a code three steps ahead: %v", err)
		}
		// a recovery code signs in once, typed in any case and without dashes
		rc := strings.ToUpper(strings.ReplaceAll(in.RecoveryCodes[3], "-", ""))
		if _, err := a.CompleteLogin(ctx, step.Token, rc, "10.1.0.1", "test"); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		_, _, _, err = a.Login(ctx, "ops-sys", pw, "10.1.0.1", "test")
		errors.As(err, &step)
		if _, err := a.CompleteLogin(ctx, step.Token, in.RecoveryCodes[3], "10.1.0.1", "test"); gongzhi.ErrorCode(err) != gongzhi.EUNAUTHORIZED {
			t.Fatalf("a recovery code worked twice: %v", err)
		}
		sys, _, _ := a.SessionActor(ctx, in.Token, "10.1.0.1")
		if st, _, err := a.MyTOTP(ctx, sys); err != nil || !st.Enabled || !st.Required || st.RecoveryLeft != accounts.RecoveryCodeCount-1 {
			t.Fatalf("status: %+v %v", st, err)
		}
		// a pending sign-in expires
		_, _, _, err = a.Login(ctx, "ops-sys", pw, "10.1.0.1", "test")
		errors.As(err, &step)
		*now = now.Add(accounts.PendingLoginTTL + time.Second)
		if _, err := a.CompleteLogin(ctx, step.Token, nextCode(t, a, u.ID), "10.1.0.1", "test"); gongzhi.ErrorCode(err) != gongzhi.EUNAUTHORIZED {
			t.Fatalf("an expired pending sign-in: %v", err)
		}
		for _, action := range []string{"login_pending", "totp_enable", "login"} {
			if auditCount(t, db, action) == 0 {
				t.Errorf("no %s in the audit log", action)
			}
		}
	})
}

// A wrong code is a failed sign-in: it counts toward the same lockout as wrong passwords, the
// password step does not clear the count, and parallel guesses cannot pass the limit.
func TestTOTPWrongCodesLockTheAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, now, pws := opsApp(t, db)
		pw := pws["ops-sec"]
		if _, _, err := signIn(t, a, "ops-sec", pw, "10.2.0.1"); err != nil {
			t.Fatalf("enrolment: %v", err)
		}
		u, _, _ := db.Q().UserByUsername(ctx, "ops-sec")
		pending := func() string {
			_, _, _, err := a.Login(ctx, "ops-sec", pw, "10.2.0.1", "test")
			var step *accounts.SecondStep
			if !errors.As(err, &step) {
				t.Fatalf("password step: %v", err)
			}
			return step.Token
		}
		// two wrong codes, the password again (the count stays), two more wrong codes: four
		p := pending()
		for range 2 {
			if _, err := a.CompleteLogin(ctx, p, wrongCode(t, a, u.ID), "10.2.0.1", "test"); gongzhi.ErrorCode(err) != gongzhi.EUNAUTHORIZED {
				t.Fatalf("wrong code: %v", err)
			}
		}
		p = pending()
		for range 2 {
			a.CompleteLogin(ctx, p, wrongCode(t, a, u.ID), "10.2.0.1", "test")
		}
		if got, _ := db.Q().GetUser(ctx, u.ID); got.FailedLogins != 4 {
			t.Fatalf("failed sign-ins after four wrong codes around a right password: %d", got.FailedLogins)
		}
		// the fifth locks the account; its pending sign-ins are dropped, even the right code fails
		if _, err := a.CompleteLogin(ctx, p, wrongCode(t, a, u.ID), "10.2.0.1", "test"); gongzhi.ErrorCode(err) != gongzhi.ETOOMANY {
			t.Fatalf("fifth wrong code: %v", err)
		}
		if _, err := a.CompleteLogin(ctx, p, nextCode(t, a, u.ID), "10.2.0.1", "test"); gongzhi.ErrorCode(err) != gongzhi.EUNAUTHORIZED {
			t.Fatalf("the right code after the lock: %v", err)
		}
		if _, _, _, err := a.Login(ctx, "ops-sec", pw, "10.2.0.1", "test"); gongzhi.ErrorCode(err) != gongzhi.ETOOMANY {
			t.Fatalf("password while locked: %v", err)
		}
		if n := auditCount(t, db, "login_failed"); n != 5 {
			t.Fatalf("wrong codes audited: %d, want 5", n)
		}
		// after the lock ends: 20 parallel wrong codes on one pending sign-in are checked at
		// most five times, and all are refused
		*now = now.Add(16 * time.Minute)
		p = pending()
		codes := make(chan error, 20)
		var wg sync.WaitGroup
		bad := wrongCode(t, a, u.ID)
		for range 20 {
			wg.Go(func() {
				_, err := a.CompleteLogin(ctx, p, bad, "10.2.0.1", "test")
				codes <- err
			})
		}
		wg.Wait()
		close(codes)
		for err := range codes {
			if c := gongzhi.ErrorCode(err); c != gongzhi.EUNAUTHORIZED && c != gongzhi.ETOOMANY {
				t.Fatalf("parallel wrong code: %v", err)
			}
		}
		if n := auditCount(t, db, "login_failed"); n != 10 {
			t.Fatalf("parallel wrong codes checked %d times, want 5", n-5)
		}
		// 20 parallel right codes on one pending sign-in open one session
		*now = now.Add(16 * time.Minute)
		p = pending()
		good := nextCode(t, a, u.ID)
		var mu sync.Mutex
		var ok int
		for range 20 {
			wg.Go(func() {
				if _, err := a.CompleteLogin(ctx, p, good, "10.2.0.1", "test"); err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("one pending sign-in completed %d times", ok)
		}
	})
}

// Policy: the three administrators always need two factors, residents and other roles do not
// unless the configuration lists their role; anyone may switch it on; switching it off needs a
// current code (a wrong one counts); the security administrator resets it, not on their own
// account, and the system administrator cannot.
func TestTOTPPolicyDisableAndReset(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, pw := opsApp(t, db)
		a.Cfg.TOTPRoles = []string{gongzhi.RolePurchaser}
		for _, name := range []string{"ops-sys", "ops-sec", "ops-audit"} {
			_, _, _, err := a.Login(ctx, name, pw[name], "10.3.0.1", "test")
			var step *accounts.SecondStep
			if !errors.As(err, &step) || !step.Enrol {
				t.Fatalf("%s signs in without enrolling: %v", name, err)
			}
		}
		stok, _, err := signIn(t, a, "ops-sys", pw["ops-sys"], "10.3.0.1")
		if err != nil {
			t.Fatal(err)
		}
		sys, _, _ := a.SessionActor(ctx, stok, "10.3.0.1")
		place := "320116004001"
		if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			if err := q.InsertPlace(ctx, &gongzhi.Place{Code: "320116004000", Name: "街道", Level: gongzhi.LevelStreet}, a.Now()); err != nil {
				return err
			}
			return q.InsertPlace(ctx, &gongzhi.Place{Code: place, Name: "社区", Level: gongzhi.LevelCommunity, ParentCode: "320116004000"}, a.Now())
		}); err != nil {
			t.Fatal(err)
		}
		const upw = "Resident-Pass-2026"
		for _, nu := range []*gongzhi.User{
			{Username: "resident-1", DisplayName: "居民", Role: gongzhi.RoleResident, PlaceCode: place},
			{Username: "purchaser-1", DisplayName: "购买方", Role: gongzhi.RolePurchaser, PlaceCode: "320116004000"},
			{Username: "community-1", DisplayName: "社区", Role: gongzhi.RoleCommunity, PlaceCode: place},
		} {
			if _, err := a.CreateUser(ctx, sys, nu, upw); err != nil {
				t.Fatalf("create %s: %v", nu.Username, err)
			}
		}
		// residents and unlisted roles: a password; a listed role: enrolment
		rtok, _, _, err := a.Login(ctx, "resident-1", upw, "10.3.0.2", "test")
		if err != nil || rtok == "" {
			t.Fatalf("resident: %v", err)
		}
		if tok, _, _, err := a.Login(ctx, "community-1", upw, "10.3.0.2", "test"); err != nil || tok == "" {
			t.Fatalf("community staff: %v", err)
		}
		_, _, _, err = a.Login(ctx, "purchaser-1", upw, "10.3.0.2", "test")
		var step *accounts.SecondStep
		if !errors.As(err, &step) || !step.Enrol {
			t.Fatalf("purchaser, listed in the configuration: %v", err)
		}
		// a resident switches it on of their own accord: enrol, confirm, then sign-ins ask for a code
		res1, _, _ := a.SessionActor(ctx, rtok, "10.3.0.2")
		if st, _, _ := a.MyTOTP(ctx, res1); st.Enabled || st.Required {
			t.Fatalf("resident's status: %+v", st)
		}
		if _, err := a.ConfirmTOTP(ctx, res1, "123456"); gongzhi.ErrorCode(err) != gongzhi.ECONFLICT {
			t.Fatalf("confirm before start: %v", err)
		}
		en, err := a.StartTOTP(ctx, res1)
		if err != nil {
			t.Fatal(err)
		}
		en2, err := a.StartTOTP(ctx, res1) // a new key replaces the waiting one
		if err != nil || en2.Secret == en.Secret {
			t.Fatalf("restart: %v", err)
		}
		if _, err := a.ConfirmTOTP(ctx, res1, codeAt(t, en.Secret, a.Now())); gongzhi.ErrorCode(err) != gongzhi.EINVALID {
			t.Fatalf("the replaced key's code: %v", err)
		}
		codes, err := a.ConfirmTOTP(ctx, res1, codeAt(t, en2.Secret, a.Now()))
		if err != nil || len(codes) != 10 {
			t.Fatalf("confirm: %v", err)
		}
		if _, err := a.StartTOTP(ctx, res1); gongzhi.ErrorCode(err) != gongzhi.ECONFLICT {
			t.Fatalf("start while on: %v", err)
		}
		if _, _, _, err := a.Login(ctx, "resident-1", upw, "10.3.0.2", "test"); !errors.As(err, &step) || step.Enrol {
			t.Fatalf("resident with two factors switched on: %v", err)
		}
		// switching off needs a current code; a wrong one counts toward the lockout
		r1, _, _ := db.Q().UserByUsername(ctx, "resident-1")
		if err := a.DisableTOTP(ctx, res1, wrongCode(t, a, r1.ID)); gongzhi.ErrorCode(err) != gongzhi.EINVALID {
			t.Fatalf("disable with a wrong code: %v", err)
		}
		if got, _ := db.Q().GetUser(ctx, r1.ID); got.FailedLogins != 1 {
			t.Fatalf("a wrong code when switching off did not count: %d", got.FailedLogins)
		}
		if err := a.DisableTOTP(ctx, res1, nextCode(t, a, r1.ID)); err != nil {
			t.Fatalf("disable: %v", err)
		}
		if tok, _, _, err := a.Login(ctx, "resident-1", upw, "10.3.0.2", "test"); err != nil || tok == "" {
			t.Fatalf("resident after switching off: %v", err)
		}
		// reset: the security administrator, not on their own account; not the system administrator
		sectok, _, err := signIn(t, a, "ops-sec", pw["ops-sec"], "10.3.0.3")
		if err != nil {
			t.Fatal(err)
		}
		sec, _, _ := a.SessionActor(ctx, sectok, "10.3.0.3")
		if err := a.ResetTOTP(ctx, sys, sec.User.ID); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("the system administrator resets: %v", err)
		}
		if err := a.ResetTOTP(ctx, sec, sec.User.ID); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("own reset: %v", err)
		}
		if err := a.ResetTOTP(ctx, sec, sys.User.ID); err != nil {
			t.Fatalf("reset: %v", err)
		}
		if _, _, err := a.SessionActor(ctx, stok, "10.3.0.1"); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("the reset account's session lives on: %v", err)
		}
		if _, _, _, err := a.Login(ctx, "ops-sys", pw["ops-sys"], "10.3.0.1", "test"); !errors.As(err, &step) || !step.Enrol {
			t.Fatalf("after the reset the system administrator enrols again: %v", err)
		}
		var notes []string
		if _, err := db.Q().ListAudit(ctx, store.ListOptions{}, func(e *gongzhi.AuditEntry) error {
			notes = append(notes, e.Action)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"totp_start", "totp_enable", "totp_disable", "totp_reset", "login_pending"} {
			if !slices.Contains(notes, want) {
				t.Errorf("no %s in the audit log", want)
			}
		}
	})
}
