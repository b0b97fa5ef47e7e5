package app_test

import (
	"context"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func newAuthApp(t *testing.T, db *store.DB) (*app.App, *time.Time) {
	t.Helper()
	return newLoginApp(t, db, kernel.Config{})
}

func mustBox(t testing.TB) *secret.Box {
	b, err := secret.NewBox(secret.Random(32))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSessionsAndSeparationOfDuties(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, now := newAuthApp(t, db)
		res, err := a.Setup(ctx, "ops", "127.0.0.1")
		if err != nil || len(res.Accounts) != 3 {
			t.Fatalf("setup: %v", err)
		}
		if _, err := a.Setup(ctx, "again", "127.0.0.1"); gongzhi.ErrorCode(err) != gongzhi.ECONFLICT {
			t.Fatalf("second setup: %v", err)
		}
		pw := map[string]string{}
		for _, acc := range res.Accounts {
			pw[acc.Role] = acc.Password
		}
		tok, u, err := signIn(t, a, "ops-sec", pw[gongzhi.RoleSecAdmin], "10.0.0.1") // with the second step (totp_test.go)
		if err != nil || !u.MustChangePassword {
			t.Fatalf("login: %v %+v", err, u)
		}
		sec, _, err := a.SessionActor(ctx, tok, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		// no one acts on their own account
		if err := a.UnlockUser(ctx, sec, sec.User.ID); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("self unlock: %v", err)
		}
		if _, err := a.ResetPassword(ctx, sec, sec.User.ID); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("self reset: %v", err)
		}
		// the security administrator cannot create accounts; only the system administrator can
		if _, err := a.CreateUser(ctx, sec, &gongzhi.User{Username: "x1", DisplayName: "x", Role: gongzhi.RoleAuditor}, ""); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("secadmin creates: %v", err)
		}
		// administrators see no registry
		if _, err := a.Organizations(ctx, sec, store.ListOptions{}, func(*gongzhi.Organization) error { return nil }); gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
			t.Fatalf("secadmin reads organizations: %v", err)
		}
		// idle sessions end
		*now = now.Add(9 * time.Hour)
		if _, _, err := a.SessionActor(ctx, tok, "10.0.0.1"); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("idle session still alive: %v", err)
		}
		// a busy session ends after the maximum lifetime
		tok2, _, err := signIn(t, a, "ops-sec", pw[gongzhi.RoleSecAdmin], "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 7*24; i++ {
			*now = now.Add(time.Hour)
			if _, _, err := a.SessionActor(ctx, tok2, "10.0.0.1"); err != nil {
				if i < 7*24-2 {
					t.Fatalf("session ended early, after %d hours: %v", i+1, err)
				}
				break
			}
			if i == 7*24-1 {
				t.Fatal("session outlived the maximum lifetime")
			}
		}
		// lockout after five failures, and the right password does not help while locked
		for i := 0; i < 5; i++ {
			a.Login(ctx, "ops-audit", "wrong", "10.0.0.2", "test")
		}
		if _, _, _, err := a.Login(ctx, "ops-audit", pw[gongzhi.RoleAuditAdmin], "10.0.0.2", "test"); gongzhi.ErrorCode(err) != gongzhi.ETOOMANY {
			t.Fatalf("locked account signed in: %v", err)
		}
		*now = now.Add(16 * time.Minute)
		if _, _, err := signIn(t, a, "ops-audit", pw[gongzhi.RoleAuditAdmin], "10.0.0.3"); err != nil {
			t.Fatalf("after the lockout: %v", err)
		}
		// an unknown user and a wrong password answer the same
		_, _, _, e1 := a.Login(ctx, "nobody", "x", "10.0.0.4", "test")
		_, _, _, e2 := a.Login(ctx, "ops-sys", "x", "10.0.0.4", "test")
		if e1.Error() != e2.Error() {
			t.Fatalf("login errors differ: %v / %v", e1, e2)
		}
		// a revoked token stops working
		sys, _, err := a.SessionActor(ctx, mustLogin(t, a, "ops-sys", pw[gongzhi.RoleSysAdmin]), "10.0.0.5")
		if err != nil {
			t.Fatal(err)
		}
		tk, text, err := a.CreateToken(ctx, sys, "integration", 30)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.TokenActor(ctx, text, "10.0.0.5"); err != nil {
			t.Fatal(err)
		}
		if err := a.RevokeToken(ctx, sys, tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.TokenActor(ctx, text, "10.0.0.5"); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("revoked token works: %v", err)
		}
		// every write was audited
		n, err := db.Q().ListAudit(ctx, store.ListOptions{Filters: map[string]string{"action": "login_failed"}}, func(*gongzhi.AuditEntry) error { return nil })
		if err != nil || n < 7 {
			t.Fatalf("failed logins audited: %d %v", n, err)
		}
	})
}

func mustLogin(t *testing.T, a *app.App, user, pw string) string {
	t.Helper()
	tok, _, err := signIn(t, a, user, pw, "10.0.0.9")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
