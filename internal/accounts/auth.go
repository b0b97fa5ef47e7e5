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
	if u, err = a.checkCredentials(ctx, username, password, ip); err != nil {
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

// checkCredentials is the password step of every sign-in (Login, PasswordToken): the address's
// throttle, the account's reserved try, the password hashed in a slot of the gate. It answers the
// account whose password is right, or the refusal to give.
func (a *Service) checkCredentials(ctx context.Context, username, password, ip string) (*gongzhi.User, error) {
	now := a.NowUTC()
	q := a.DB.Q()
	if n, err := q.IPFailures(ctx, ip, now.Add(-a.Cfg.IPWindow)); err != nil {
		return nil, err
	} else if n >= a.Cfg.IPThreshold {
		return nil, &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "err.login_throttled"}
	}
	u, hash, err := q.UserByUsername(ctx, strings.TrimSpace(username))
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		if _, err := a.checkPassword(ctx, dummyHash, password); err != nil {
			return nil, err
		}
		return nil, a.loginFailed(ctx, nil, username, ip)
	} else if err != nil {
		return nil, err
	}
	if ok, err := q.ReserveLoginTry(ctx, u.ID, a.Cfg.LockThreshold, now, now.Add(-staleTry)); err != nil {
		return nil, err
	} else if !ok {
		// locked, or as many tries in flight as the account has left
		msg := "err.login_in_flight"
		if cur, err := q.GetUser(ctx, u.ID); err != nil {
			return nil, err
		} else if cur.Locked(now) {
			msg = "err.account_locked"
		}
		return nil, &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: msg}
	}
	match, err := a.checkPassword(ctx, hash, password)
	if err == nil && (!match || u.Disabled) {
		return nil, a.failLogin(ctx, u, username, ip, true)
	}
	// the password is accepted (or was not checked): the try is given back; the failures are
	// cleared only when the sign-in completes (a second step's wrong code still counts)
	if rerr := q.ReleaseLoginTry(context.WithoutCancel(ctx), u.ID); err == nil {
		err = rerr
	}
	if err != nil {
		return nil, err
	}
	return u, nil
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
	u, s, seen, sp, err := a.DB.Q().SessionUser(ctx, hash, now)
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
	if err := kernel.ScopeFrom(ac, sp); err != nil { // the places came with the account: no second query
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

// TokenActor returns the actor for an API bearer token, carrying the token (its scope bounds the
// request: gongzhi.Actor.ScopeAllows).
func (a *Service) TokenActor(ctx context.Context, token, ip string) (*gongzhi.Actor, error) {
	u, t, sp, err := a.DB.Q().TokenUser(ctx, secret.SHA256(token), a.NowUTC())
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, gongzhi.NotFound()
	}
	ac := &gongzhi.Actor{User: u, IP: ip, Via: "api", Token: t}
	if err := kernel.ScopeFrom(ac, sp); err != nil { // the places came with the account: no second query
		return nil, err
	}
	return ac, a.narrowToToken(ctx, ac)
}

// narrowToToken limits the actor of a token with a place to that place: its scope becomes the
// token's place. A token whose place is no longer within its account's scope (the account moved)
// is refused as if it did not exist.
func (a *Service) narrowToToken(ctx context.Context, ac *gongzhi.Actor) error {
	if ac.Token == nil || ac.Token.PlaceCode == "" {
		return nil
	}
	lvl, err := a.DB.Q().PlaceExists(ctx, ac.Token.PlaceCode)
	if err != nil {
		return err
	}
	prefix := gongzhi.PlacePrefix(ac.Token.PlaceCode, lvl)
	if lvl == 0 || ac.Scope == "" || !strings.HasPrefix(prefix, ac.Scope) {
		return &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.unauthorized"}
	}
	ac.ScopeCode, ac.Scope = ac.Token.PlaceCode, prefix
	return nil
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

// TokenSpec is what a new API token is made with: a name (unique among the account's live
// tokens), a lifetime in days (1 to MaxTokenDays; every token expires), a scope
// (gongzhi.TokenRead, TokenWrite, TokenFull) and optionally a place code within the account's
// scope that the token is limited to ("" for the account's own, or the making token's place).
type TokenSpec struct {
	Name  string
	Days  int
	Scope string
	Place string
}

// MaxTokenDays is the longest lifetime of an API token.
const MaxTokenDays = 3650

// CreateToken makes a full-scope API token for the actor; the token text is returned only now.
// (IssueToken takes a scope.)
func (a *Service) CreateToken(ctx context.Context, ac *gongzhi.Actor, name string, days int) (*gongzhi.APIToken, string, error) {
	return a.IssueToken(ctx, ac, TokenSpec{Name: name, Days: days, Scope: gongzhi.TokenFull})
}

// IssueToken makes an API token for the actor's own account; the token text is returned only now.
// The token acts within the account's role and scope; its own scope narrows that. An actor that
// came with a token may make one only if MayMakeTokens (its scope is full), and never wider than
// its own: the scope must be covered by it (token.scope_wider) and the token may not outlive it
// (days: token.outlives). The command line makes tokens for any account (IssueTokenFor).
func (a *Service) IssueToken(ctx context.Context, ac *gongzhi.Actor, spec TokenSpec) (*gongzhi.APIToken, string, error) {
	if ac == nil || ac.User == nil || ac.User.ID == 0 {
		return nil, "", &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.unauthorized"}
	}
	if err := kernel.Allow(ac, MayMakeTokens(ac)); err != nil {
		return nil, "", err
	}
	t, text, err := a.newToken(ctx, ac, ac, spec)
	if err != nil {
		return nil, "", err
	}
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		return a.insertToken(ctx, q, ac, t, text, "")
	})
	return t, text, err
}

// newToken checks spec for the account of owner (an actor of it, its scope filled in), as made by
// ac, and returns the token to insert and its text. Every field's problem is named at once. The
// place must be a place of the registry (place_code: token.place_unknown) within owner's scope
// (token.place_wider; token.place_unscoped for an account without a place), so that a token is
// never wider than its account, nor than the token that makes it.
func (a *Service) newToken(ctx context.Context, ac, owner *gongzhi.Actor, spec TokenSpec) (*gongzhi.APIToken, string, error) {
	userID := owner.User.ID
	f := gongzhi.FieldErrors{}
	name, r := gongzhi.CheckText(spec.Name, 100, true)
	if r != "" {
		f.Add("name", r)
	}
	now := a.NowUTC()
	if spec.Days < 1 || spec.Days > MaxTokenDays {
		f.Add("days", "range:1-"+strconv.Itoa(MaxTokenDays))
	}
	expires := now.Add(time.Duration(spec.Days) * 24 * time.Hour)
	if spec.Scope == "" {
		spec.Scope = gongzhi.TokenRead
	}
	if !gongzhi.ValidTokenScope(spec.Scope) {
		f.Add("scope", "token.scope")
	} else if !gongzhi.ScopeCovers(ac.TokenScope(), spec.Scope) {
		f.Add("scope", "token.scope_wider")
	}
	if ac.Token != nil && !ac.Token.ExpiresAt.IsZero() && expires.After(ac.Token.ExpiresAt) && f["days"] == "" {
		f.Add("days", "token.outlives")
	}
	place := strings.TrimSpace(spec.Place)
	if place == "" && owner.Token != nil {
		place = owner.Token.PlaceCode
	}
	if place != "" {
		lvl, err := a.DB.Q().PlaceExists(ctx, place)
		if err != nil {
			return nil, "", err
		}
		switch {
		case lvl == 0:
			f.Add("place_code", "token.place_unknown")
		case owner.Scope == "":
			f.Add("place_code", "token.place_unscoped")
		case !strings.HasPrefix(gongzhi.PlacePrefix(place, lvl), owner.Scope):
			f.Add("place_code", "token.place_wider")
		}
	}
	if err := f.Err(); err != nil {
		return nil, "", err
	}
	text := "gz_" + secret.Token()
	return &gongzhi.APIToken{UserID: userID, Name: name, Prefix: text[:9], CreatedAt: now, ExpiresAt: expires, Scope: spec.Scope, PlaceCode: place}, text, nil
}

// insertToken stores a checked token and audits it (with note, if any) in the caller's
// transaction. A name already used by a live token of the account is ECONFLICT (name:
// token.name_taken), also when two are made at once (the UNIQUE index api_tokens_user_name).
func (a *Service) insertToken(ctx context.Context, q *store.Q, ac *gongzhi.Actor, t *gongzhi.APIToken, text, note string) error {
	if err := q.InsertToken(ctx, t, secret.SHA256(text)); err != nil {
		if store.IsUnique(err, "name") {
			return gongzhi.Refused("name", "token.name_taken")
		}
		return err
	}
	return a.WriteAudit(ctx, q, ac, "create", "api_tokens", strconv.FormatInt(t.ID, 10), nil, t, note)
}

// IssueTokenFor makes an API token for the account username from the command line (`gongzhi
// token create`): the operator of the server acts for the account, which must be enabled. The
// token acts within the account's role and scope, narrowed by its own.
func (a *Service) IssueTokenFor(ctx context.Context, ac *gongzhi.Actor, username string, spec TokenSpec) (*gongzhi.APIToken, string, error) {
	if err := kernel.Allow(ac, MayIssueTokensFor(ac)); err != nil {
		return nil, "", err
	}
	u, _, err := a.DB.Q().UserByUsername(ctx, strings.TrimSpace(username))
	if err != nil {
		return nil, "", err
	}
	if u.Disabled {
		return nil, "", gongzhi.Invalid("user", "token.user_disabled")
	}
	owner := &gongzhi.Actor{User: u, Via: "cli"}
	if err := a.ScopeFor(ctx, owner); err != nil {
		return nil, "", err
	}
	t, text, err := a.newToken(ctx, ac, owner, spec)
	if err != nil {
		return nil, "", err
	}
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		return a.insertToken(ctx, q, ac, t, text, "for "+u.Username)
	})
	return t, text, err
}

// TokensOf lists the API tokens of the account username, for the command line (`gongzhi token
// list`).
func (a *Service) TokensOf(ctx context.Context, ac *gongzhi.Actor, username string) ([]gongzhi.APIToken, error) {
	if err := kernel.Allow(ac, MayIssueTokensFor(ac)); err != nil {
		return nil, err
	}
	u, _, err := a.DB.Q().UserByUsername(ctx, strings.TrimSpace(username))
	if err != nil {
		return nil, err
	}
	return a.DB.Q().ListTokens(ctx, u.ID)
}

// Tokens lists the actor's own API tokens (every account's, for the security administrator),
// never their secrets. A token that may not make tokens (MayMakeTokens) sees only itself.
func (a *Service) Tokens(ctx context.Context, ac *gongzhi.Actor) ([]gongzhi.APIToken, error) {
	uid := ac.User.ID
	if MayManageAllTokens(ac) {
		uid = 0
	}
	list, err := a.DB.Q().ListTokens(ctx, uid)
	if err != nil || MayMakeTokens(ac) || ac.Token == nil {
		return list, err
	}
	own := []gongzhi.APIToken{}
	for _, t := range list {
		if t.ID == ac.Token.ID {
			own = append(own, t)
		}
	}
	return own, nil
}

// TokenPlaces names the places the tokens are limited to, by code, for the tokens page.
func (a *Service) TokenPlaces(ctx context.Context, list []gongzhi.APIToken) (map[string]string, error) {
	var codes []string
	for _, t := range list {
		if t.PlaceCode != "" {
			codes = append(codes, t.PlaceCode)
		}
	}
	if len(codes) == 0 {
		return map[string]string{}, nil
	}
	return a.DB.Q().PlaceNames(ctx, codes)
}

// RevokeToken revokes one of the actor's tokens (any token, for the security administrator; any
// account's from the command line). A token may revoke itself, and others only if its scope is
// full (MayRevokeToken). Once: a token already revoked is ECONFLICT (id:
// token.already_revoked:WHEN, WHEN in RFC 3339, "-" if not kept), and of concurrent revokes one
// writes and audits.
func (a *Service) RevokeToken(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayRevokeToken(ac, id)); err != nil {
		return err
	}
	uid := ac.User.ID
	if MayManageAllTokens(ac) || ac.IsSystem() {
		uid = 0
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		n, err := q.RevokeToken(ctx, id, uid, a.NowUTC())
		if err != nil {
			return err
		}
		if n == 0 {
			revoked, at, err := q.TokenRevoked(ctx, id, uid)
			if err != nil || !revoked {
				return gongzhi.NotFound()
			}
			when := "-"
			if !at.IsZero() {
				when = at.UTC().Format(time.RFC3339)
			}
			return gongzhi.Refused("id", "token.already_revoked:"+when)
		}
		return a.WriteAudit(ctx, q, ac, "revoke", "api_tokens", strconv.FormatInt(id, 10), nil, nil, "")
	})
}

// PasswordToken gives an integration its first API token without the pages (POST
// /api/v1/auth/token): the account's username and password — and, for an account that signs in
// with two factors, a current code or a recovery code of its authenticator — answer a new token
// of spec. It is a sign-in: throttled by address, counted toward the account's lockout (a wrong
// code too, under the account's row lock), refused in the same words whatever was wrong. An
// account that must still change its password, or set up the authenticator its role needs, does
// that in the pages first.
func (a *Service) PasswordToken(ctx context.Context, username, password, code, ip string, spec TokenSpec) (*gongzhi.APIToken, string, error) {
	u, err := a.checkCredentials(ctx, username, password, ip)
	if err != nil {
		return nil, "", err
	}
	now := a.NowUTC()
	if u.MustChangePassword || a.PasswordExpired(u, now) {
		return nil, "", &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: "err.must_change_password"}
	}
	tt, err := a.DB.Q().GetTOTP(ctx, u.ID)
	if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
		return nil, "", err
	}
	enrolled := err == nil && tt.Enabled
	if !enrolled && a.TOTPRequired(u) {
		return nil, "", &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: "err.totp_enrol_first"}
	}
	ac := &gongzhi.Actor{User: u, IP: ip, Via: "api"}
	if err := a.ScopeFor(ctx, ac); err != nil {
		return nil, "", err
	}
	t, text, err := a.newToken(ctx, ac, ac, spec)
	if err != nil {
		return nil, "", err
	}
	var refused error
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.LockRow(ctx, "users", u.ID); err != nil {
			return err
		}
		cur, err := q.GetUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if cur.Locked(now) || cur.Disabled {
			refused = &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.bad_login"}
			return nil
		}
		how := "password"
		if enrolled {
			if how, _, err = a.checkSecondFactor(ctx, q, u.ID, false, code, now); err != nil {
				return err
			}
			if how == "" {
				refused, err = a.wrongCode(ctx, q, u, ip, "api token")
				return err
			}
		}
		if err := q.RecordLoginSuccess(ctx, u.ID, ip, now); err != nil {
			return err
		}
		note := "by password"
		if how != "password" {
			note += "; second factor: " + how
		}
		return a.insertToken(ctx, q, ac, t, text, note)
	})
	if err == nil && refused != nil {
		err = refused
	}
	if err != nil {
		return nil, "", err
	}
	return t, text, nil
}
