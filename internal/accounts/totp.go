// Two factors (等保 2.0 level 3: identification by two techniques, one of them cryptographic):
// a password and a TOTP authenticator (RFC 6238, six digits, 30-second steps, one step of skew
// either way). The three administrators always need both, and so does every role listed in
// Cfg.TOTPRoles; residents sign in with a password unless a role list says otherwise.
//
// When the password is right and a second step is due, Login opens no session: it stores a
// short-lived pending sign-in in the database and answers *SecondStep, whose token the pages keep
// in a cookie. The second step is a code (or a recovery code), or — for an account whose role
// requires two factors and that has none — enrolment, confirmed by a first code. A wrong code is
// a failed sign-in: it counts toward the account's lockout like a wrong password, and the count
// is taken under the account's row lock, so parallel guesses cannot pass the limit. The password
// step does not clear the count; only a completed sign-in does.
//
// Secrets are sealed by the field cipher (Box, context "user_totp.secret"); recovery codes are
// kept by their SHA-256 only; a code's time step is accepted once (last_step), a recovery code
// is used once, a pending sign-in completes once.

package accounts

import (
	"context"
	"crypto/subtle"
	"encoding/base32"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
)

const (
	// PendingLoginTTL is how long a sign-in waits for its second step.
	PendingLoginTTL = 5 * time.Minute
	// RecoveryCodeCount is how many recovery codes an enrolment gives.
	RecoveryCodeCount = 10
	// TOTPIssuer names the instance in the authenticator app.
	TOTPIssuer = "Gongzhi 共治"

	TOTPContext = "user_totp.secret" // the field cipher's context of the sealed secrets (for re-encryption)
	totpPeriod  = 30
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// SecondStep is Login's answer when the password was right and the sign-in needs its second
// step: Token names the pending sign-in (kept by the pages in a short-lived cookie), and Enrol
// says the account must first set up an authenticator.
type SecondStep struct {
	Token string
	Enrol bool
}

func (s *SecondStep) Error() string { return "sign-in needs its second step" }

// TOTPRequired reports whether an account must sign in with two factors: the three
// administrators always, and every role of Cfg.TOTPRoles.
func (a *Service) TOTPRequired(u *gongzhi.User) bool {
	return gongzhi.IsAdminRole(u.Role) || slices.Contains(a.Cfg.TOTPRoles, u.Role)
}

// secondStep is Login's hook once the password is right: nil when the account signs in with a
// password only, else a *SecondStep for a new pending sign-in (for an account that must enrol,
// with a fresh secret waiting for its first code).
func (a *Service) secondStep(ctx context.Context, u *gongzhi.User, ip, ua string) error {
	t, err := a.DB.Q().GetTOTP(ctx, u.ID)
	if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
		return err
	}
	enrolled := err == nil && t.Enabled
	if !enrolled && !a.TOTPRequired(u) {
		return nil
	}
	now := a.NowUTC()
	step := &SecondStep{Token: secret.Token(), Enrol: !enrolled}
	ac := &gongzhi.Actor{User: u, IP: ip, Via: "web"}
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if step.Enrol {
			if _, err := q.PutPendingTOTP(ctx, u.ID, a.Box.Seal(newTOTPSecret(), TOTPContext), now); err != nil {
				return err
			}
		}
		p := store.PendingLogin{UserID: u.ID, Enrol: step.Enrol, ExpiresAt: now.Add(PendingLoginTTL)}
		if err := q.InsertPendingLogin(ctx, secret.SHA256(step.Token), p, ip, Truncate(ua, 200), now); err != nil {
			return err
		}
		note := "second step: code"
		if step.Enrol {
			note = "second step: enrolment"
		}
		return a.WriteAudit(ctx, q, ac, "login_pending", kernel.ResUsers, strconv.FormatInt(u.ID, 10), nil, nil, note)
	})
	if err != nil {
		return err
	}
	return step
}

// Enrolment is an authenticator waiting for its first code: the secret as text (base32) and the
// otpauth:// address that the QR code carries.
type Enrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
}

// SignedIn is a completed sign-in: the session's cookie value and CSRF token, the account, and
// the recovery codes of an enrolment made at sign-in (shown once).
type SignedIn struct {
	Token, CSRF   string
	User          *gongzhi.User
	RecoveryCodes []string
}

// PendingEnrolment returns the authenticator that the pending sign-in token must set up, for the
// enrolment page; ENOTFOUND when the pending sign-in expired, was used or needs no enrolment.
func (a *Service) PendingEnrolment(ctx context.Context, token string) (*Enrolment, *gongzhi.User, error) {
	q := a.DB.Q()
	p, err := q.GetPendingLogin(ctx, secret.SHA256(token), a.NowUTC())
	if err != nil {
		return nil, nil, err
	}
	if !p.Enrol {
		return nil, nil, gongzhi.NotFound()
	}
	u, err := q.GetUser(ctx, p.UserID)
	if err != nil {
		return nil, nil, err
	}
	t, err := q.GetTOTP(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	if t.Enabled {
		return nil, nil, gongzhi.NotFound()
	}
	e, err := a.enrolment(u, t)
	return e, u, err
}

// PendingUser returns the account of a live pending sign-in and whether it must enrol.
func (a *Service) PendingUser(ctx context.Context, token string) (*gongzhi.User, bool, error) {
	q := a.DB.Q()
	p, err := q.GetPendingLogin(ctx, secret.SHA256(token), a.NowUTC())
	if err != nil {
		return nil, false, err
	}
	u, err := q.GetUser(ctx, p.UserID)
	return u, p.Enrol, err
}

// CompleteLogin takes the second step of a pending sign-in: a code of the account's authenticator
// or one of its recovery codes, or, for a pending enrolment, the first code of the new
// authenticator, which switches it on and gives the recovery codes. A wrong code counts toward the
// account's lockout like a wrong password (EUNAUTHORIZED, or ETOOMANY once it locks, which also
// drops the account's pending sign-ins); an expired or used pending sign-in is EUNAUTHORIZED
// with err.login_expired. Everything happens under the account's row lock.
func (a *Service) CompleteLogin(ctx context.Context, token, code, ip, ua string) (*SignedIn, error) {
	now := a.NowUTC()
	hash := secret.SHA256(token)
	var out *SignedIn
	var refused error
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		p, err := q.GetPendingLogin(ctx, hash, now)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			refused = &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.login_expired"}
			return nil
		} else if err != nil {
			return err
		}
		if err := q.LockRow(ctx, "users", p.UserID); err != nil {
			return err
		}
		u, err := q.GetUser(ctx, p.UserID)
		if err != nil {
			return err
		}
		if u.Locked(now) {
			refused = &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "err.account_locked"}
			return q.DeletePendingLogins(ctx, u.ID)
		}
		if u.Disabled {
			refused = &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.login_expired"}
			return q.DeletePendingLogins(ctx, u.ID)
		}
		how, codes, err := a.checkSecondFactor(ctx, q, u.ID, p.Enrol, code, now)
		if err != nil {
			return err
		}
		if how == "" {
			refused, err = a.wrongCode(ctx, q, u, ip, "second step")
			if gongzhi.ErrorCode(refused) == gongzhi.ETOOMANY {
				return q.DeletePendingLogins(ctx, u.ID)
			}
			return err
		}
		if ok, err := q.TakePendingLogin(ctx, hash, now); err != nil {
			return err
		} else if !ok {
			refused = &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.login_expired"}
			return nil
		}
		if how == "enrolment" {
			ac := &gongzhi.Actor{User: u, IP: ip, Via: "web"}
			if err := a.WriteAudit(ctx, q, ac, "totp_enable", kernel.ResUsers, strconv.FormatInt(u.ID, 10), nil, nil, "at sign-in"); err != nil {
				return err
			}
		}
		out = &SignedIn{User: u, RecoveryCodes: codes}
		var expired bool
		out.Token, out.CSRF, expired, err = a.startSession(ctx, q, u, ip, ua, "second factor: "+how, now)
		if expired {
			u.MustChangePassword = true
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	return out, nil
}

// checkSecondFactor checks code against the account's authenticator inside the caller's
// transaction and uses it: for enrol, the first code of the authenticator waiting for it, which
// switches it on and makes new recovery codes; otherwise a code of the switched-on authenticator
// (each time step once) or an unused recovery code. how is "totp", "recovery" or "enrolment", or
// "" for a wrong code.
func (a *Service) checkSecondFactor(ctx context.Context, q *store.Q, userID int64, enrol bool, code string, now time.Time) (how string, codes []string, err error) {
	t, err := q.GetTOTP(ctx, userID)
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		return "", nil, nil
	} else if err != nil {
		return "", nil, err
	}
	if t.Enabled == enrol {
		return "", nil, nil
	}
	sec, err := a.Box.Open(t.Sealed, TOTPContext)
	if err != nil {
		return "", nil, err
	}
	if step, ok := matchCode(sec, code, now, t.LastStep); ok {
		if enrol {
			if ok, err := q.EnableTOTP(ctx, userID, step, now); err != nil || !ok {
				return "", nil, err
			}
			codes, err := a.newRecoveryCodes(ctx, q, userID)
			return "enrolment", codes, err
		}
		if ok, err := q.UseTOTPStep(ctx, userID, step); err != nil || !ok {
			return "", nil, err
		}
		return "totp", nil, nil
	}
	if rc := normalizeRecovery(code); !enrol && len(rc) == recoveryLen {
		if ok, err := q.UseRecoveryCode(ctx, userID, secret.SHA256(rc), now); err != nil || !ok {
			return "", nil, err
		}
		return "recovery", nil, nil
	}
	return "", nil, nil
}

// wrongCode counts a wrong code as a failed sign-in of u inside the caller's transaction, writes
// it to the audit log, and returns the refusal to give once the transaction commits: ETOOMANY
// when the account is now locked, else EUNAUTHORIZED.
func (a *Service) wrongCode(ctx context.Context, q *store.Q, u *gongzhi.User, ip, where string) (refused, err error) {
	n, err := q.RecordLoginFailure(ctx, u.ID, a.Cfg.LockThreshold, a.NowUTC().Add(a.Cfg.LockDuration), false)
	if err != nil {
		return nil, err
	}
	note := "wrong code: " + where
	refused = &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.bad_code"}
	if n >= a.Cfg.LockThreshold {
		note += "; account locked"
		refused = &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "err.account_locked"}
	}
	ac := &gongzhi.Actor{User: u, IP: ip, Via: "web"}
	return refused, a.WriteAudit(ctx, q, ac, "login_failed", kernel.ResUsers, strconv.FormatInt(u.ID, 10), nil, nil, note)
}

// TOTPStatus is an account's two-factor state, for its own page and the API.
type TOTPStatus struct {
	Enabled      bool      `json:"enabled"`
	Pending      bool      `json:"pending"`  // an authenticator waits for its first code
	Required     bool      `json:"required"` // the account's role must sign in with two factors
	EnabledAt    time.Time `json:"enabled_at,omitzero"`
	RecoveryLeft int       `json:"recovery_codes_left"`
}

// MyTOTP returns the actor's own two-factor state, with the authenticator waiting for its first
// code (nil when none waits).
func (a *Service) MyTOTP(ctx context.Context, ac *gongzhi.Actor) (*TOTPStatus, *Enrolment, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return nil, nil, err
	}
	q := a.DB.Q()
	st := &TOTPStatus{Required: a.TOTPRequired(ac.User)}
	t, err := q.GetTOTP(ctx, ac.User.ID)
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		return st, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	if !t.Enabled {
		st.Pending = true
		e, err := a.enrolment(ac.User, t)
		return st, e, err
	}
	st.Enabled, st.EnabledAt = true, t.EnabledAt
	st.RecoveryLeft, err = q.RecoveryCodesLeft(ctx, ac.User.ID)
	return st, nil, err
}

// StartTOTP gives the actor a new authenticator secret waiting for its first code (replacing one
// that waits). ECONFLICT when the actor's authenticator is already switched on.
func (a *Service) StartTOTP(ctx context.Context, ac *gongzhi.Actor) (*Enrolment, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return nil, err
	}
	sec := newTOTPSecret()
	now := a.NowUTC()
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if ok, err := q.PutPendingTOTP(ctx, ac.User.ID, a.Box.Seal(sec, TOTPContext), now); err != nil {
			return err
		} else if !ok {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.totp_on"}
		}
		return a.WriteAudit(ctx, q, ac, "totp_start", kernel.ResUsers, strconv.FormatInt(ac.User.ID, 10), nil, nil, "")
	})
	if err != nil {
		return nil, err
	}
	return enrolmentOf(ac.User, sec)
}

// ConfirmTOTP switches on the actor's waiting authenticator with its first code and returns the
// ten recovery codes, shown once. A wrong code is refused (EINVALID on "code"); it is not a
// sign-in and does not count toward the lockout.
func (a *Service) ConfirmTOTP(ctx context.Context, ac *gongzhi.Actor, code string) ([]string, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return nil, err
	}
	var codes []string
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.LockRow(ctx, "users", ac.User.ID); err != nil {
			return err
		}
		t, err := q.GetTOTP(ctx, ac.User.ID)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND || (err == nil && t.Enabled) {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.totp_not_pending"}
		} else if err != nil {
			return err
		}
		how, cs, err := a.checkSecondFactor(ctx, q, ac.User.ID, true, code, a.NowUTC())
		if err != nil {
			return err
		}
		if how == "" {
			return gongzhi.Invalid("code", "totp.bad_code")
		}
		codes = cs
		return a.WriteAudit(ctx, q, ac, "totp_enable", kernel.ResUsers, strconv.FormatInt(ac.User.ID, 10), nil, nil, "")
	})
	return codes, err
}

// DisableTOTP switches the actor's authenticator off with a current code of it (or a recovery
// code) and drops its recovery codes. A wrong code counts toward the lockout like a wrong
// password: EINVALID on "code", or ETOOMANY once the account locks. An account whose role
// requires two factors is asked to enrol again at its next sign-in.
func (a *Service) DisableTOTP(ctx context.Context, ac *gongzhi.Actor, code string) error {
	if err := kernel.SignedIn(ac); err != nil {
		return err
	}
	var refused error
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.LockRow(ctx, "users", ac.User.ID); err != nil {
			return err
		}
		t, err := q.GetTOTP(ctx, ac.User.ID)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND || (err == nil && !t.Enabled) {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.totp_off"}
		} else if err != nil {
			return err
		}
		how, _, err := a.checkSecondFactor(ctx, q, ac.User.ID, false, code, a.NowUTC())
		if err != nil {
			return err
		}
		if how == "" {
			refused, err = a.wrongCode(ctx, q, ac.User, ac.IP, "disable")
			if gongzhi.ErrorCode(refused) == gongzhi.EUNAUTHORIZED {
				refused = gongzhi.Invalid("code", "totp.bad_code")
			}
			return err
		}
		if _, err := q.DeleteTOTP(ctx, ac.User.ID); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "totp_disable", kernel.ResUsers, strconv.FormatInt(ac.User.ID, 10), nil, nil, "code: "+how)
	})
	if err != nil {
		return err
	}
	return refused
}

// ResetTOTP removes an account's authenticator and recovery codes, drops its pending sign-ins and
// ends its sessions, for a person who lost their phone: they enrol again at their next sign-in
// if their role requires two factors. Security administrator only, not on their own account
// (like a password reset; see MaySecure).
func (a *Service) ResetTOTP(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	return a.securityAction(ctx, ac, id, "totp_reset", func(q *store.Q) error {
		if _, err := q.DeleteTOTP(ctx, id); err != nil {
			return err
		}
		if err := q.DeletePendingLogins(ctx, id); err != nil {
			return err
		}
		return q.DeleteUserSessions(ctx, id, "")
	})
}

// enrolment opens a sealed secret into what the enrolment page shows.
func (a *Service) enrolment(u *gongzhi.User, t *store.TOTP) (*Enrolment, error) {
	sec, err := a.Box.Open(t.Sealed, TOTPContext)
	if err != nil {
		return nil, err
	}
	return enrolmentOf(u, sec)
}

// enrolmentOf is what the enrolment page shows of a secret.
func enrolmentOf(u *gongzhi.User, sec string) (*Enrolment, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(sec)
	if err != nil {
		return nil, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: u.Username, Period: totpPeriod, Secret: raw,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL()}, nil
}

// newTOTPSecret returns a fresh 160-bit secret in base32, as authenticator apps take it.
func newTOTPSecret() string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret.Random(20))
}

// matchCode reports the time step whose code is code, within one step either side of now and
// after last (a step accepted before is never accepted again).
func matchCode(sec, code string, now time.Time, last int64) (int64, bool) {
	code = typed(code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	for _, step := range []int64{cur - 1, cur, cur + 1} {
		if step <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(sec, time.Unix(step*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// Recovery codes are 16 characters of base32 (80 bits), shown in groups of four.
const recoveryLen = 16

// newRecoveryCodes makes RecoveryCodeCount recovery codes for an account inside the caller's
// transaction, replacing its old ones, and returns them as shown (stored by their SHA-256).
func (a *Service) newRecoveryCodes(ctx context.Context, q *store.Q, userID int64) ([]string, error) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	var shown, hashes []string
	for range RecoveryCodeCount {
		c := strings.ToLower(enc.EncodeToString(secret.Random(10)))
		shown = append(shown, c[0:4]+"-"+c[4:8]+"-"+c[8:12]+"-"+c[12:16])
		hashes = append(hashes, secret.SHA256(c))
	}
	return shown, q.ReplaceRecoveryCodes(ctx, userID, hashes)
}

// normalizeRecovery reads a recovery code as typed: case, spaces and dashes do not matter.
func normalizeRecovery(s string) string { return strings.ToLower(typed(s)) }

// typed is a code as typed without the spaces and dashes people put in to group its characters.
func typed(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s)
}
