// Signing in and out, sessions kept in the database, API tokens, passwords and the first-run
// setup. Failed sign-ins lock the account after Cfg.LockThreshold tries and throttle the address
// after Cfg.IPThreshold; both counters live in the database so every app instance shares them.

package accounts

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
)

// dummyHash makes sign-ins for unknown users cost as much as for known ones.
var dummyHash = secret.Argon2{Time: 1, Memory: 64 * 1024, Threads: 2}.HashPassword("not a password")

// staleTry is how old a reserved sign-in try must be to count as a crashed process's.
const staleTry = time.Minute

// Login checks a username and password and opens a session. It returns the session cookie value
// and the CSRF token of the session. Unknown users, wrong passwords, disabled and locked accounts
// all answer EUNAUTHORIZED or ETOOMANY without saying which, so accounts cannot be probed. An
// account that signs in with two factors gets no session yet: the error is a *SecondStep, and
// CompleteLogin finishes the sign-in (totp.go).
//
// The lockout holds whatever arrives at once: a try is reserved in the database before its
// password is hashed (ReserveLoginTry), so at most Cfg.LockThreshold checks run for an account
// before it locks, across every app instance, and every further try is refused, a correct
// password too, until the lock ends. Hashes wait for a slot of the password gate (hashes.go).
func (a *Service) Login(ctx context.Context, username, password, ip, ua string) (token, csrf string, u *gongzhi.User, err error) {
	now := a.NowUTC()
	q := a.DB.Q()
	if n, err := q.IPFailures(ctx, ip, now.Add(-a.Cfg.IPWindow)); err != nil {
		return "", "", nil, err
	} else if n >= a.Cfg.IPThreshold {
		return "", "", nil, &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "err.login_throttled"}
	}
	u, hash, err := q.UserByUsername(ctx, strings.TrimSpace(username))
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		if _, err := a.checkPassword(ctx, dummyHash, password); err != nil {
			return "", "", nil, err
		}
		return "", "", nil, a.loginFailed(ctx, nil, username, ip)
	} else if err != nil {
		return "", "", nil, err
	}
	if ok, err := q.ReserveLoginTry(ctx, u.ID, a.Cfg.LockThreshold, now, now.Add(-staleTry)); err != nil {
		return "", "", nil, err
	} else if !ok {
		// locked, or as many tries in flight as the account has left
		msg := "err.login_in_flight"
		if cur, err := q.GetUser(ctx, u.ID); err != nil {
			return "", "", nil, err
		} else if cur.Locked(now) {
			msg = "err.account_locked"
		}
		return "", "", nil, &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: msg}
	}
	match, err := a.checkPassword(ctx, hash, password)
	if err == nil && (!match || u.Disabled) {
		return "", "", nil, a.failLogin(ctx, u, username, ip, true)
	}
	// the password is accepted (or was not checked): the try is given back; the failures are
	// cleared only when the sign-in completes (a second step's wrong code still counts)
	if rerr := q.ReleaseLoginTry(context.WithoutCancel(ctx), u.ID); err == nil {
		err = rerr
	}
	if err != nil {
		return "", "", nil, err
	}
	if err := a.secondStep(ctx, u, ip, ua); err != nil { // two factors: *SecondStep (totp.go)
		return "", "", u, err
	}
	var expired bool
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		token, csrf, expired, err = a.startSession(ctx, q, u, ip, ua, "", now)
		return err
	})
	if expired {
		u.MustChangePassword = true
	}
	return token, csrf, u, err
}

// startSession opens a session for an account whose credentials were all accepted, inside a
// transaction: it records the sign-in (the one before it stays as the previous sign-in, shown to
// the user) and clears the failed sign-ins, ends the account's oldest sessions beyond
// Cfg.MaxSessions, and forces a password change when a staff password is older than
// Cfg.PasswordMaxAge (expired). u keeps the sign-in before this one.
func (a *Service) startSession(ctx context.Context, q *store.Q, u *gongzhi.User, ip, ua, note string, now time.Time) (token, csrf string, expired bool, err error) {
	token, csrf = secret.Token(), secret.Token()
	ac := &gongzhi.Actor{User: u, IP: ip, Via: "web"}
	expired = !u.MustChangePassword && a.PasswordExpired(u, now)
	if err := q.LockRow(ctx, "users", u.ID); err != nil {
		return "", "", false, err
	}
	if err := q.RecordLoginSuccess(ctx, u.ID, ip, now); err != nil {
		return "", "", false, err
	}
	ended, err := q.TrimSessions(ctx, u.ID, a.Cfg.MaxSessions-1, now)
	if err != nil {
		return "", "", false, err
	}
	if expired {
		if err := q.ForcePasswordChange(ctx, u.ID); err != nil {
			return "", "", false, err
		}
	}
	if err := q.InsertSession(ctx, secret.SHA256(token), store.Session{UserID: u.ID, CSRF: csrf,
		ExpiresAt: now.Add(a.Cfg.SessionIdle)}, ip, Truncate(ua, 200), now); err != nil {
		return "", "", false, err
	}
	var notes []string
	if note != "" {
		notes = append(notes, note)
	}
	if ended > 0 {
		notes = append(notes, "sessions_ended="+strconv.Itoa(ended))
	}
	if expired {
		notes = append(notes, "password_expired")
	}
	return token, csrf, expired, a.WriteAudit(ctx, q, ac, "login", kernel.ResUsers, strconv.FormatInt(u.ID, 10), nil, nil, strings.Join(notes, "; "))
}

// PasswordExpired reports whether an account's password is older than the policy allows at now.
// Roles in Cfg.PolicyExempt (residents, by default) never expire.
func (a *Service) PasswordExpired(u *gongzhi.User, now time.Time) bool {
	if a.Cfg.PasswordMaxAge < 0 || slices.Contains(a.Cfg.PolicyExempt, u.Role) || u.PasswordChangedAt.IsZero() {
		return false
	}
	return !now.Before(u.PasswordChangedAt.Add(a.Cfg.PasswordMaxAge))
}

// loginFailed records a failed sign-in that held no reserved try (an unknown user; a wrong
// second factor) and returns the refusal to show.
func (a *Service) loginFailed(ctx context.Context, u *gongzhi.User, username, ip string) error {
	return a.failLogin(ctx, u, username, ip, false)
}

// failLogin records a failed sign-in against the address and the account (giving back its
// reserved try, if reserved), locking the account at the threshold.
func (a *Service) failLogin(ctx context.Context, u *gongzhi.User, username, ip string, reserved bool) error {
	now := a.NowUTC()
	locked := false
	// recorded even when the client has gone, so that a reserved try is never left held
	ctx = context.WithoutCancel(ctx)
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := q.AddIPFailure(ctx, ip, now, now.Add(-a.Cfg.IPWindow)); err != nil {
			return err
		}
		ac := &gongzhi.Actor{IP: ip, Via: "web"}
		id := ""
		if u != nil {
			n, err := q.RecordLoginFailure(ctx, u.ID, a.Cfg.LockThreshold, now.Add(a.Cfg.LockDuration), reserved)
			if err != nil {
				return err
			}
			locked = n >= a.Cfg.LockThreshold
			id = strconv.FormatInt(u.ID, 10)
		}
		note := "username=" + Truncate(username, 64)
		if locked {
			note += "; account locked"
		}
		return a.WriteAudit(ctx, q, ac, "login_failed", kernel.ResUsers, id, nil, nil, note)
	})
	if err != nil {
		return err
	}
	if locked {
		return &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "err.account_locked"}
	}
	return &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.bad_login"}
}

func Truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// SessionActor returns the actor of a live session and its CSRF token, sliding its idle expiry.
func (a *Service) SessionActor(ctx context.Context, token, ip string) (*gongzhi.Actor, string, error) {
	now := a.NowUTC()
	hash := secret.SHA256(token)
	s, seen, err := a.DB.Q().GetSession(ctx, hash, now)
	if err != nil {
		return nil, "", err
	}
	u, err := a.DB.Q().GetUser(ctx, s.UserID)
	if err != nil {
		return nil, "", err
	}
	if u.Disabled {
		return nil, "", gongzhi.NotFound()
	}
	if now.Sub(seen) > time.Minute { // write at most once a minute per session
		expires := now.Add(a.Cfg.SessionIdle)
		if limit := s.CreatedAt.Add(a.Cfg.SessionMax); expires.After(limit) {
			expires = limit // a session ends after SessionMax however busy it is
		}
		a.DB.Q().TouchSession(ctx, hash, now, expires)
	}
	ac := &gongzhi.Actor{User: u, IP: ip, Via: "web"}
	if err := a.ScopeFor(ctx, ac); err != nil {
		return nil, "", err
	}
	return ac, s.CSRF, nil
}

// Logout ends the session.
func (a *Service) Logout(ctx context.Context, ac *gongzhi.Actor, token string) error {
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.DeleteSession(ctx, secret.SHA256(token)); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "logout", kernel.ResUsers, strconv.FormatInt(ac.User.ID, 10), nil, nil, "")
	})
}

// TokenActor returns the actor for an API bearer token.
func (a *Service) TokenActor(ctx context.Context, token, ip string) (*gongzhi.Actor, error) {
	u, err := a.DB.Q().TokenUser(ctx, secret.SHA256(token), a.NowUTC())
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, gongzhi.NotFound()
	}
	ac := &gongzhi.Actor{User: u, IP: ip, Via: "api"}
	return ac, a.ScopeFor(ctx, ac)
}

// ChangePassword sets the actor's own password after checking the current one, and ends the
// actor's other sessions.
func (a *Service) ChangePassword(ctx context.Context, ac *gongzhi.Actor, keepSession, current, next, confirm string) error {
	hash, err := a.DB.Q().PasswordHash(ctx, ac.User.ID)
	if err != nil {
		return err
	}
	f := gongzhi.FieldErrors{}
	if ok, err := a.checkPassword(ctx, hash, current); err != nil {
		return err
	} else if !ok {
		f.Add("current", "password.wrong")
	}
	if r := gongzhi.CheckPassword(next, ac.User.Username); r != "" {
		f.Add("password", r)
	} else if next == current {
		f.Add("password", "password.same")
	}
	if next != confirm {
		f.Add("confirm", "password.mismatch")
	}
	if err := f.Err(); err != nil {
		return err
	}
	newHash, err := a.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.SetPassword(ctx, ac.User.ID, newHash, false, a.NowUTC()); err != nil {
			return err
		}
		if err := q.DeleteUserSessions(ctx, ac.User.ID, secret.SHA256(keepSession)); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "password_change", kernel.ResUsers, strconv.FormatInt(ac.User.ID, 10), nil, nil, "")
	})
}

// NeedsSetup reports whether the instance has no account yet (first run).
func (a *Service) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := a.DB.Q().CountUsers(ctx)
	return n == 0, err
}

// SetupResult lists the three administrators made at first run with their one-time passwords.
type SetupResult struct {
	Accounts []InitialAccount
}

// InitialAccount is an account with a one-time password that must be changed at first sign-in.
type InitialAccount struct {
	Username, Role, Password string
}

// Setup creates the three separated administrators (system, security, audit) on an instance
// with no accounts, each with a one-time password shown once. It refuses when any account exists.
func (a *Service) Setup(ctx context.Context, prefix, ip string) (*SetupResult, error) {
	prefix = strings.TrimSpace(prefix)
	if prefix == "" {
		prefix = "admin"
	}
	res := &SetupResult{}
	// the one-time passwords are hashed before the transaction, in the gate's slots
	pws, hashes := make([]string, 3), make([]string, 3)
	for i := range pws {
		pws[i] = OneTimePassword()
		var err error
		if hashes[i], err = a.hashPassword(ctx, pws[i]); err != nil {
			return nil, err
		}
	}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		n, err := q.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.setup_done"}
		}
		for i, r := range []struct{ role, suffix, name string }{
			{gongzhi.RoleSysAdmin, "sys", "系统管理员"}, {gongzhi.RoleSecAdmin, "sec", "安全管理员"}, {gongzhi.RoleAuditAdmin, "audit", "审计管理员"},
		} {
			u := &gongzhi.User{Username: prefix + "-" + r.suffix, DisplayName: r.name, Role: r.role, MustChangePassword: true}
			if err := u.Validate(); err != nil {
				return err
			}
			pw := pws[i]
			if err := q.InsertUser(ctx, u, hashes[i], a.NowUTC()); err != nil {
				return err
			}
			res.Accounts = append(res.Accounts, InitialAccount{Username: u.Username, Role: u.Role, Password: pw})
			if err := a.WriteAudit(ctx, q, &gongzhi.Actor{IP: ip, Via: "setup"}, "create", kernel.ResUsers, strconv.FormatInt(u.ID, 10), nil, u, "first-run setup"); err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}

// OneTimePassword returns a random password that satisfies the policy.
func OneTimePassword() string {
	t := secret.Token()
	return "Gz-" + t[:12] + "9a"
}

// CreateToken makes an API token for the actor; the token text is returned only now.
func (a *Service) CreateToken(ctx context.Context, ac *gongzhi.Actor, name string, days int) (*gongzhi.APIToken, string, error) {
	if ac == nil || ac.User == nil || ac.User.ID == 0 {
		return nil, "", &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.unauthorized"}
	}
	name, r := gongzhi.CheckText(name, 100, true)
	if r != "" {
		return nil, "", gongzhi.Invalid("name", r)
	}
	if days < 0 || days > 3650 {
		return nil, "", gongzhi.Invalid("days", "range:0-3650")
	}
	text := "gz_" + secret.Token()
	t := &gongzhi.APIToken{UserID: ac.User.ID, Name: name, Prefix: text[:9], CreatedAt: a.NowUTC()}
	if days > 0 {
		t.ExpiresAt = t.CreatedAt.Add(time.Duration(days) * 24 * time.Hour)
	}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.InsertToken(ctx, t, secret.SHA256(text)); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", "api_tokens", strconv.FormatInt(t.ID, 10), nil, t, "")
	})
	return t, text, err
}

// Tokens lists the actor's own API tokens (every account's, for the security administrator).
func (a *Service) Tokens(ctx context.Context, ac *gongzhi.Actor) ([]gongzhi.APIToken, error) {
	uid := ac.User.ID
	if MayManageAllTokens(ac) {
		uid = 0
	}
	return a.DB.Q().ListTokens(ctx, uid)
}

// RevokeToken revokes one of the actor's tokens (any token, for the security administrator).
func (a *Service) RevokeToken(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	uid := ac.User.ID
	if MayManageAllTokens(ac) {
		uid = 0
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		n, err := q.RevokeToken(ctx, id, uid)
		if err != nil {
			return err
		}
		if n == 0 {
			return gongzhi.NotFound()
		}
		return a.WriteAudit(ctx, q, ac, "revoke", "api_tokens", strconv.FormatInt(id, 10), nil, nil, "")
	})
}
