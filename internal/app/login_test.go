package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/jobs"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

const loginPW = "Sign-In-Test-2026"

// newLoginApp is an app with cheap password hashes and cfg's account settings, its clock at a
// fixed time that the test moves.
func newLoginApp(t *testing.T, db *store.DB, cfg kernel.Config) (*app.App, *time.Time) {
	t.Helper()
	cfg.Argon2 = secret.Argon2{Time: 1, Memory: 1024, Threads: 1}
	a := app.New(db, mustBox(t), cfg, nil)
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	a.Now = func() time.Time { return now }
	return a, &now
}

// addUser stores an account of a role, without scope, whose password is loginPW and needs no
// change, created at the app's clock.
func addUser(t *testing.T, a *app.App, name, role string) *gongzhi.User {
	t.Helper()
	u := &gongzhi.User{Username: name, DisplayName: name, Role: role}
	if err := a.DB.Q().InsertUser(context.Background(), u, a.Cfg.Argon2.HashPassword(loginPW), a.NowUTC()); err != nil {
		t.Fatal(err)
	}
	return u
}

// Twenty wrong passwords for one account arriving together: at most LockThreshold of them are
// checked against the password (each a costly hash), every one is refused, and then even the right
// password is refused until the lock ends.
func TestLockoutHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, now := newLoginApp(t, db, kernel.Config{})
		u := addUser(t, a, "target", gongzhi.RolePurchaser)
		before, _ := a.PasswordHashes()
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			start = make(chan struct{})
			codes = map[string]int{}
		)
		for i := range 20 {
			wg.Go(func() {
				<-start
				_, _, _, err := a.Login(ctx, "target", "Wrong-Password-1", fmt.Sprintf("10.1.0.%d", i), "test")
				mu.Lock()
				codes[gongzhi.ErrorCode(err)]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		after, refused := a.PasswordHashes()
		if checks := after - before; checks > int64(a.Cfg.LockThreshold) || checks < 1 {
			t.Fatalf("%d password checks for 20 concurrent wrong logins, limit %d", checks, a.Cfg.LockThreshold)
		}
		if refused != 0 || codes[gongzhi.EUNAUTHORIZED]+codes[gongzhi.ETOOMANY] != 20 {
			t.Fatalf("answers: %v (%d refused for want of a slot)", codes, refused)
		}
		got, err := a.DB.Q().GetUser(ctx, u.ID)
		if err != nil || !got.Locked(a.NowUTC()) {
			t.Fatalf("account not locked: %+v %v", got, err)
		}
		// locked: the right password is refused too, and costs no hash
		for range 3 {
			if _, _, _, err := a.Login(ctx, "target", loginPW, "10.1.1.1", "test"); gongzhi.ErrorCode(err) != gongzhi.ETOOMANY {
				t.Fatalf("locked account, right password: %v", err)
			}
		}
		if n, _ := a.PasswordHashes(); n != after {
			t.Fatalf("a locked account's password was checked %d times", n-after)
		}
		// the lock ends; no try stays reserved
		*now = now.Add(a.Cfg.LockDuration + time.Minute)
		if _, _, _, err := a.Login(ctx, "target", loginPW, "10.1.1.1", "test"); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
	})
}

// A sign-in beyond MaxSessions ends the oldest session; a user lists their own sessions with the
// sign-in before the latest, and ends one of them, never another account's.
func TestSessionsLimitedListedEnded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, now := newLoginApp(t, db, kernel.Config{MaxSessions: 2})
		addUser(t, a, "worker", gongzhi.RolePurchaser)
		addUser(t, a, "other", gongzhi.RolePurchaser)
		var toks []string
		for i, ip := range []string{"10.2.0.1", "10.2.0.2", "10.2.0.3"} {
			tok, _, u, err := a.Login(ctx, "worker", loginPW, ip, "Browser "+ip)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 && !u.LastLoginAt.IsZero() || i > 0 && (u.LastLoginIP != []string{"10.2.0.1", "10.2.0.2"}[i-1]) {
				t.Fatalf("sign-in %d: the previous sign-in is %v %q", i, u.LastLoginAt, u.LastLoginIP)
			}
			toks = append(toks, tok)
			*now = now.Add(time.Minute)
			if i == 0 {
				// the first sign-in has none before it: the list says so (null in the API)
				ac, _, err := a.SessionActor(ctx, tok, ip)
				if err != nil {
					t.Fatal(err)
				}
				if my, err := a.OwnSessions(ctx, ac, tok); err != nil || my.LastSignIn != nil {
					t.Fatalf("first sign-in: previous %+v, %v", my, err)
				}
			}
		}
		if _, _, err := a.SessionActor(ctx, toks[0], "10.2.0.1"); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("the oldest session outlived the limit: %v", err)
		}
		ac, _, err := a.SessionActor(ctx, toks[2], "10.2.0.3")
		if err != nil {
			t.Fatal(err)
		}
		my, err := a.OwnSessions(ctx, ac, toks[2])
		if err != nil || len(my.Sessions) != 2 || my.MaxSessions != 2 {
			t.Fatalf("own sessions: %+v %v", my, err)
		}
		if s := my.Sessions[1]; !s.Current || s.IP != "10.2.0.3" || s.UserAgent != "Browser 10.2.0.3" || s.CreatedAt.IsZero() || s.LastSeenAt.IsZero() {
			t.Fatalf("current session: %+v", s)
		}
		if my.Sessions[0].Current || my.LastSignIn == nil || my.LastSignIn.IP != "10.2.0.2" || my.LastSignIn.At.IsZero() {
			t.Fatalf("sessions: %+v, last sign-in %+v", my.Sessions, my.LastSignIn)
		}
		// another account cannot end it, nor can a made-up id
		other, _, err := a.SessionActor(ctx, mustLogin(t, a, "other", loginPW), "10.2.0.9")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.EndOwnSession(ctx, other, my.Sessions[0].ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("another account ended a session: %v", err)
		}
		if err := a.EndOwnSession(ctx, ac, "0123456789abcdef"); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("made-up session ended: %v", err)
		}
		if err := a.EndOwnSession(ctx, ac, my.Sessions[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.SessionActor(ctx, toks[1], "10.2.0.2"); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("ended session still works: %v", err)
		}
		if err := a.EndOwnSession(ctx, ac, my.Sessions[0].ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("ended twice: %v", err)
		}
		if n, err := db.Q().ListAudit(ctx, store.ListOptions{Filters: map[string]string{"action": "end_session"}}, func(*gongzhi.AuditEntry) error { return nil }); err != nil || n != 1 {
			t.Fatalf("end_session audited %d times: %v", n, err)
		}
	})
}

// Sign-ins arriving together (no more than the tries an account may have in flight) never leave
// more than MaxSessions sessions.
func TestSessionsLimitUnderConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _ := newLoginApp(t, db, kernel.Config{MaxSessions: 2})
		u := addUser(t, a, "busy", gongzhi.RoleHub)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range a.Cfg.LockThreshold {
			wg.Go(func() {
				<-start
				if _, _, _, err := a.Login(ctx, "busy", loginPW, "10.3.0.1", "test"); err != nil {
					t.Error(err)
				}
			})
		}
		close(start)
		wg.Wait()
		list, err := db.Q().UserSessions(ctx, u.ID, a.NowUTC())
		if err != nil || len(list) != 2 {
			t.Fatalf("%d sessions after %d concurrent sign-ins, limit 2: %v", len(list), a.Cfg.LockThreshold, err)
		}
	})
}

// A staff password older than PasswordMaxAge must be changed at the next sign-in; a resident's
// does not expire; a changed password starts again.
func TestPasswordExpiry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, now := newLoginApp(t, db, kernel.Config{PasswordMaxAge: 90 * 24 * time.Hour})
		addUser(t, a, "staff", gongzhi.RoleCommunity)
		addUser(t, a, "resident", gongzhi.RoleResident)
		*now = now.Add(89 * 24 * time.Hour)
		if _, _, u, err := a.Login(ctx, "staff", loginPW, "10.4.0.1", "test"); err != nil || u.MustChangePassword {
			t.Fatalf("day 89: %+v %v", u, err)
		}
		*now = now.Add(2 * 24 * time.Hour)
		tok, _, u, err := a.Login(ctx, "staff", loginPW, "10.4.0.1", "test")
		if err != nil || !u.MustChangePassword {
			t.Fatalf("day 91, staff: %+v %v", u, err)
		}
		ac, _, err := a.SessionActor(ctx, tok, "10.4.0.1")
		if err != nil || !ac.User.MustChangePassword {
			t.Fatalf("the expiry is stored: %+v %v", ac, err)
		}
		if _, _, r, err := a.Login(ctx, "resident", loginPW, "10.4.0.2", "test"); err != nil || r.MustChangePassword {
			t.Fatalf("day 91, resident: %+v %v", r, err)
		}
		if err := a.ChangePassword(ctx, ac, tok, loginPW, "Fresh-Password-2027", "Fresh-Password-2027"); err != nil {
			t.Fatal(err)
		}
		if _, _, u, err := a.Login(ctx, "staff", "Fresh-Password-2027", "10.4.0.1", "test"); err != nil || u.MustChangePassword {
			t.Fatalf("after the change: %+v %v", u, err)
		}
		// a negative age turns expiry off
		b, _ := newLoginApp(t, db, kernel.Config{PasswordMaxAge: -1})
		if b.PasswordExpired(&gongzhi.User{Role: gongzhi.RoleCommunity, PasswordChangedAt: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}, b.NowUTC()) {
			t.Fatal("expiry off, still expired")
		}
	})
}

// The daily job disables accounts unused for InactiveAfter, each audited, sparing residents, an
// account whose API token is in use, and the last enabled administrator of each role; an account
// the system administrator enables again is not disabled by the next run.
func TestDisableInactiveAccounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, now := newLoginApp(t, db, kernel.Config{InactiveAfter: 90 * 24 * time.Hour})
		res, err := a.Setup(ctx, "ops", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		idle := addUser(t, a, "idle", gongzhi.RolePurchaser)
		spare := addUser(t, a, "ops-sys2", gongzhi.RoleSysAdmin)
		active := addUser(t, a, "active", gongzhi.RolePurchaser)
		resident := addUser(t, a, "resident", gongzhi.RoleResident)
		integ := addUser(t, a, "integration", gongzhi.RoleHub)
		_, text, err := a.CreateToken(ctx, &gongzhi.Actor{User: integ}, "feed", 365)
		if err != nil {
			t.Fatal(err)
		}
		*now = now.Add(60 * 24 * time.Hour)
		mustLogin(t, a, "active", loginPW)
		*now = now.Add(31 * 24 * time.Hour)
		if _, err := a.TokenActor(ctx, text, "10.5.0.1"); err != nil {
			t.Fatal(err)
		}
		job := jobs.ByKind(jobs.KindInactive)
		if job == nil {
			t.Fatal("no disable_inactive_accounts job")
		}
		n, err := jobs.Run(ctx, a, job, a.Now(), 1)
		if err != nil || n != 2 {
			t.Fatalf("disabled %d: %v", n, err)
		}
		state := func(id int64) bool {
			u, err := db.Q().GetUser(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return u.Disabled
		}
		var sysID int64
		for _, acc := range res.Accounts {
			u, _, _ := db.Q().UserByUsername(ctx, acc.Username)
			if acc.Role == gongzhi.RoleSysAdmin {
				sysID = u.ID
			}
			if u.Role != gongzhi.RoleSysAdmin && u.Disabled {
				t.Fatalf("the only %s was disabled", u.Role)
			}
		}
		// of the two unused system administrators, one stays
		if !state(idle.ID) || state(active.ID) || state(resident.ID) || state(integ.ID) || state(sysID) == state(spare.ID) {
			t.Fatalf("disabled: idle %v active %v resident %v integration %v sys %v spare %v", state(idle.ID), state(active.ID),
				state(resident.ID), state(integ.ID), state(sysID), state(spare.ID))
		}
		if n, err := db.Q().ListAudit(ctx, store.ListOptions{Filters: map[string]string{"action": "disable_inactive"}}, func(*gongzhi.AuditEntry) error { return nil }); err != nil || n != 2 {
			t.Fatalf("disabling audited %d times: %v", n, err)
		}
		if _, _, _, err := a.Login(ctx, "idle", loginPW, "10.5.0.2", "test"); gongzhi.ErrorCode(err) != gongzhi.EUNAUTHORIZED {
			t.Fatalf("a disabled account signed in: %v", err)
		}
		// the remaining system administrator signs in and enables the other again; the next run
		// leaves it
		keeper, gone, keeperPW := sysID, spare.ID, ""
		for _, acc := range res.Accounts {
			if acc.Role == gongzhi.RoleSysAdmin {
				keeperPW = acc.Password
			}
		}
		keeperName := "ops-sys"
		if state(sysID) {
			keeper, gone, keeperName, keeperPW = spare.ID, sysID, "ops-sys2", loginPW
		}
		tok, _, err := signIn(t, a, keeperName, keeperPW, "10.5.0.3") // an administrator: two factors
		if err != nil {
			t.Fatal(err)
		}
		sys, _, err := a.SessionActor(ctx, tok, "10.5.0.3")
		if err != nil || sys.User.ID != keeper {
			t.Fatal(err)
		}
		again, err := a.User(ctx, sys, gone)
		if err != nil {
			t.Fatal(err)
		}
		again.Disabled = false
		if err := a.UpdateUser(ctx, sys, again); err != nil {
			t.Fatal(err)
		}
		*now = now.Add(24 * time.Hour)
		if n, err := jobs.Run(ctx, a, job, a.Now(), 1); err != nil || n != 0 || state(gone) || state(keeper) || !state(idle.ID) {
			t.Fatalf("next run disabled %d (enabled again: %v, keeper %v, idle %v): %v", n, !state(gone), !state(keeper), !state(idle.ID), err)
		}
		// only the system actor runs it
		if _, err := a.DisableInactive(ctx, sys); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("an administrator ran the job: %v", err)
		}
	})
}

// Tries reserved by a process that died mid-check hold the account only for a minute.
func TestStaleLoginTriesExpire(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, now := newLoginApp(t, db, kernel.Config{})
		u := addUser(t, a, "crashed", gongzhi.RoleHub)
		for range a.Cfg.LockThreshold {
			if ok, err := db.Q().ReserveLoginTry(ctx, u.ID, a.Cfg.LockThreshold, a.NowUTC(), a.NowUTC().Add(-time.Minute)); err != nil || !ok {
				t.Fatalf("reserve: %v %v", ok, err)
			}
		}
		_, _, _, err := a.Login(ctx, "crashed", loginPW, "10.6.0.1", "test")
		if e := gongzhi.AsError(err); e.Code != gongzhi.ETOOMANY || e.Message != "err.login_in_flight" {
			t.Fatalf("every try in flight: %v", err)
		}
		*now = now.Add(2 * time.Minute)
		if _, _, _, err := a.Login(ctx, "crashed", loginPW, "10.6.0.1", "test"); err != nil {
			t.Fatalf("after the stale tries: %v", err)
		}
	})
}
