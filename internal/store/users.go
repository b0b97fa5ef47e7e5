// Accounts, sessions, login failures and API tokens.

package store

import (
	"context"
	"database/sql"
	"time"

	"gongzhi"
)

// The place's and organization's names are looked up for the page's rows only (see needCols).
const userCols = `u.id, u.username, u.display_name, u.role, COALESCE(u.place_code, ''),
	COALESCE((SELECT p.name FROM places p WHERE p.code = u.place_code), ''), COALESCE(u.org_id, 0),
	COALESCE((SELECT o.name FROM organizations o WHERE o.id = u.org_id), ''), u.phone, u.must_change_password, u.disabled, u.failed_logins, u.locked_until, u.last_login_at, u.last_login_ip,
	u.password_changed_at, u.created_at, u.updated_at`

const userFrom = "users u"

func scanUser(s scanner) (*gongzhi.User, error) {
	var u gongzhi.User
	var locked, last, changed sql.NullTime
	err := s.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.PlaceCode, &u.PlaceName, &u.OrgID, &u.OrgName, &u.Phone,
		&u.MustChangePassword, &u.Disabled, &u.FailedLogins, &locked, &last, &u.LastLoginIP, &changed, &u.CreatedAt, &u.UpdatedAt)
	u.LockedUntil, u.LastLoginAt, u.PasswordChangedAt = locked.Time, last.Time, changed.Time
	if !changed.Valid {
		u.PasswordChangedAt = u.CreatedAt
	}
	return &u, mapErr(err)
}

// GetUser returns an account by id.
func (q *Q) GetUser(ctx context.Context, id int64) (*gongzhi.User, error) {
	return scanUser(q.QueryRow(ctx, "SELECT "+userCols+" FROM "+userFrom+" WHERE u.id = ?", id))
}

// UserByUsername returns an account and its password hash.
func (q *Q) UserByUsername(ctx context.Context, username string) (*gongzhi.User, string, error) {
	var hash string
	u, err := scanUser(q.QueryRow(ctx, "SELECT "+userCols+" FROM "+userFrom+" WHERE u.username = ?", username))
	if err != nil {
		return nil, "", err
	}
	err = q.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = ?", u.ID).Scan(&hash)
	return u, hash, mapErr(err)
}

// PasswordHash returns an account's password hash.
func (q *Q) PasswordHash(ctx context.Context, id int64) (string, error) {
	var hash string
	err := q.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = ?", id).Scan(&hash)
	return hash, mapErr(err)
}

var userSorts = map[string]string{"username": "u.username", "role": "u.role", "created_at": "u.created_at", "last_login_at": "u.last_login_at"}

// ListUsers lists accounts. Filters: role, locked ("1"), disabled ("1").
func (q *Q) ListUsers(ctx context.Context, opts ListOptions, now time.Time, each func(*gongzhi.User) error) (int, error) {
	w := &where{}
	w.search(opts.Q, "u.username", "u.display_name")
	if v := opts.Filters["role"]; v != "" {
		w.add("u.role = ?", v)
	}
	if opts.Filters["locked"] == "1" {
		w.add("u.locked_until > ?", now.UTC())
	}
	if opts.Filters["disabled"] == "1" {
		w.add("u.disabled = TRUE")
	}
	return list(ctx, q, userCols, userFrom, w, orderBy(opts, userSorts, "u.id", "u.id"), opts, scanUser, each)
}

// CountUsers returns the number of accounts.
func (q *Q) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n, mapErr(err)
}

// InsertUser adds an account.
func (q *Q) InsertUser(ctx context.Context, u *gongzhi.User, hash string, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO users (username, display_name, role, place_code, org_id, phone, password_hash,
		must_change_password, disabled, created_at, updated_at, password_changed_at, active_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Username, u.DisplayName, u.Role, nullStr(u.PlaceCode), nullID(u.OrgID), u.Phone, hash, u.MustChangePassword, u.Disabled, now.UTC(), now.UTC(),
		now.UTC(), now.UTC())
	u.ID = id
	return err
}

// UpdateUser saves an account's profile, role and scope.
func (q *Q) UpdateUser(ctx context.Context, u *gongzhi.User, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE users SET display_name = ?, role = ?, place_code = ?, org_id = ?, phone = ?, disabled = ?, updated_at = ?
		WHERE id = ?`, u.DisplayName, u.Role, nullStr(u.PlaceCode), nullID(u.OrgID), u.Phone, u.Disabled, now.UTC(), u.ID)
	return err
}

// SetPassword replaces a password hash and whether it must be changed at next sign-in.
func (q *Q) SetPassword(ctx context.Context, id int64, hash string, mustChange bool, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL, updated_at = ?,
		password_changed_at = ? WHERE id = ?`, hash, mustChange, now.UTC(), now.UTC(), id)
	return err
}

// RecordLoginFailure counts a failed sign-in and locks the account at the threshold. reserved says
// the try held a reservation (ReserveLoginTry), which it gives back in the same statement.
func (q *Q) RecordLoginFailure(ctx context.Context, id int64, threshold int, lockUntil time.Time, reserved bool) (failures int, err error) {
	release := 0
	if reserved {
		release = 1
	}
	err = q.QueryRow(ctx, `UPDATE users SET failed_logins = failed_logins + 1,
		login_tries = CASE WHEN login_tries >= ? THEN login_tries - ? ELSE 0 END WHERE id = ? RETURNING failed_logins`,
		release, release, id).Scan(&failures)
	if err != nil {
		return 0, mapErr(err)
	}
	if failures >= threshold {
		_, err = q.Exec(ctx, `UPDATE users SET locked_until = ?, failed_logins = 0 WHERE id = ?`, lockUntil.UTC(), id)
	}
	return failures, err
}

// ReserveLoginTry takes one of an account's remaining sign-in tries before its password is
// checked: in one conditional UPDATE, only while the account is not locked at now and its failures
// plus the tries already reserved stay under threshold. A reservation taken before stale belongs
// to a process that died mid-check and no longer counts. It reports whether the try was reserved;
// a reserved try ends with ReleaseLoginTry or RecordLoginFailure(…, true).
func (q *Q) ReserveLoginTry(ctx context.Context, id int64, threshold int, now, stale time.Time) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE users SET
		login_tries = CASE WHEN login_tries_at IS NULL OR login_tries_at < ? THEN 1 ELSE login_tries + 1 END,
		login_tries_at = ?
		WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)
		AND failed_logins + CASE WHEN login_tries_at IS NULL OR login_tries_at < ? THEN 0 ELSE login_tries END < ?`,
		stale.UTC(), now.UTC(), id, now.UTC(), stale.UTC(), threshold)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseLoginTry gives back a reserved sign-in try whose password was accepted (or not checked).
func (q *Q) ReleaseLoginTry(ctx context.Context, id int64) error {
	_, err := q.Exec(ctx, `UPDATE users SET login_tries = CASE WHEN login_tries > 0 THEN login_tries - 1 ELSE 0 END WHERE id = ?`, id)
	return err
}

// RecordLoginSuccess clears failures, keeps the previous sign-in and stamps this one (time and
// address), which also counts as the account's use.
func (q *Q) RecordLoginSuccess(ctx context.Context, id int64, ip string, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, prev_login_at = last_login_at,
		prev_login_ip = last_login_ip, last_login_at = ?, last_login_ip = ?, active_at = ? WHERE id = ?`, now.UTC(), ip, now.UTC(), id)
	return err
}

// SignIn is a sign-in's time and address.
type SignIn struct {
	At time.Time `json:"at"`
	IP string    `json:"ip"`
}

// PreviousSignIn is the account's sign-in before the latest one (zero if none).
func (q *Q) PreviousSignIn(ctx context.Context, id int64) (SignIn, error) {
	var s SignIn
	var at sql.NullTime
	err := q.QueryRow(ctx, `SELECT prev_login_at, prev_login_ip FROM users WHERE id = ?`, id).Scan(&at, &s.IP)
	s.At = at.Time
	return s, mapErr(err)
}

// ForcePasswordChange makes an account change its password at the next page it opens.
func (q *Q) ForcePasswordChange(ctx context.Context, id int64) error {
	_, err := q.Exec(ctx, `UPDATE users SET must_change_password = TRUE WHERE id = ?`, id)
	return err
}

// MarkActive restarts an account's unused days (when it is enabled again).
func (q *Q) MarkActive(ctx context.Context, id int64, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE users SET active_at = ? WHERE id = ?`, now.UTC(), id)
	return err
}

// InactiveUser is an enabled account unused since before a cutoff.
type InactiveUser struct {
	ID       int64
	Username string
	Role     string
}

// InactiveUsers lists enabled accounts with no sign-in, re-enabling, session activity or API
// token use since cutoff, of the given roles only (nil: every role), oldest first.
func (q *Q) InactiveUsers(ctx context.Context, cutoff time.Time, exempt []string) ([]InactiveUser, error) {
	w := &where{}
	w.add("u.disabled = FALSE")
	w.add("COALESCE(u.active_at, u.created_at) < ?", cutoff.UTC())
	w.add("NOT EXISTS (SELECT 1 FROM api_tokens t WHERE t.user_id = u.id AND t.last_used_at >= ?)", cutoff.UTC())
	w.add("NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.last_seen_at >= ?)", cutoff.UTC())
	for _, r := range exempt {
		w.add("u.role <> ?", r)
	}
	rows, err := q.Query(ctx, "SELECT u.id, u.username, u.role FROM users u"+w.sql()+" ORDER BY u.id", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InactiveUser
	for rows.Next() {
		var u InactiveUser
		if err := rows.Scan(&u.ID, &u.Username, &u.Role); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, u)
	}
	return out, mapErr(rows.Err())
}

// LockEnabledOfRole locks the enabled accounts of a role (in id order, so that two callers
// cannot hold each other up) and returns their ids.
func (q *Q) LockEnabledOfRole(ctx context.Context, role string) ([]int64, error) {
	return q.ids(ctx, `SELECT id FROM users WHERE role = ? AND disabled = FALSE ORDER BY id`+q.forUpdate(), role)
}

// DisableUser disables an enabled account and ends its sessions; it reports whether it was
// enabled (false: someone disabled it first).
func (q *Q) DisableUser(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE users SET disabled = TRUE, updated_at = ? WHERE id = ? AND disabled = FALSE`, now.UTC(), id)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	return true, q.DeleteUserSessions(ctx, id, "")
}

// Unlock clears a lockout.
func (q *Q) Unlock(ctx context.Context, id int64, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?`, now.UTC(), id)
	return err
}

// AddIPFailure records a failed sign-in from an address and returns the failures since since.
func (q *Q) AddIPFailure(ctx context.Context, ip string, now, since time.Time) (int, error) {
	if _, err := q.Exec(ctx, `INSERT INTO login_failures (ip, at) VALUES (?, ?)`, ip, now.UTC()); err != nil {
		return 0, err
	}
	return q.IPFailures(ctx, ip, since)
}

// IPFailures counts failed sign-ins from an address since a time.
func (q *Q) IPFailures(ctx context.Context, ip string, since time.Time) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE ip = ? AND at > ?`, ip, since.UTC()).Scan(&n)
	return n, mapErr(err)
}

// Session is a signed-in browser.
type Session struct {
	UserID    int64
	CSRF      string
	ExpiresAt time.Time
	CreatedAt time.Time
}

// InsertSession stores a session by the hash of its cookie value.
func (q *Q) InsertSession(ctx context.Context, idHash string, s Session, ip, ua string, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, ip, user_agent, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, idHash, s.UserID, s.CSRF, ip, ua, now.UTC(), now.UTC(), s.ExpiresAt.UTC())
	return err
}

// SessionUser returns a live session, when it was last seen, its account and what the account's
// scope is made of (ScopePlaces), in one query: a signed-in request's authentication (TokenUser
// is the same for an API token).
func (q *Q) SessionUser(ctx context.Context, idHash string, now time.Time) (*gongzhi.User, *Session, time.Time, ScopePlaces, error) {
	var s Session
	var seen time.Time
	var sp scopePlacesScan
	// one row by a unique key, never long: without the driver's watch of the request's context
	u, err := scanUser(dashExtraScan{q.QueryRow(context.WithoutCancel(ctx), `SELECT `+userCols+`, se.csrf, se.expires_at, se.last_seen_at, se.created_at, `+
		scopePlacesCols+` FROM `+userFrom+` JOIN sessions se ON se.user_id = u.id `+scopePlacesJoins+` WHERE se.id_hash = ? AND se.expires_at > ?`,
		idHash, now.UTC()), append([]any{&s.CSRF, &s.ExpiresAt, &seen, &s.CreatedAt}, sp.dest()...)})
	if err != nil {
		return nil, nil, seen, ScopePlaces{}, err
	}
	s.UserID = u.ID
	return u, &s, seen, sp.places(), nil
}

// TouchSession extends a session's idle expiry.
func (q *Q) TouchSession(ctx context.Context, idHash string, now, expires time.Time) error {
	_, err := q.Exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?`, now.UTC(), expires.UTC(), idHash)
	return err
}

// DeleteSession ends one session.
func (q *Q) DeleteSession(ctx context.Context, idHash string) error {
	_, err := q.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
	return err
}

// DeleteUserSessions ends every session of an account, except keep ("" ends all).
func (q *Q) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	_, err := q.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, userID, keep)
	return err
}

// SessionInfo is a live session as its account sees it: ID is the first 16 characters of its
// key's hash (the cookie's value is never stored, nor shown).
type SessionInfo struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

// SessionIDLen is the length of a session's ID as shown (SessionInfo.ID).
const SessionIDLen = 16

// UserSessions lists an account's live sessions at now, oldest first.
func (q *Q) UserSessions(ctx context.Context, userID int64, now time.Time) ([]SessionInfo, error) {
	rows, err := q.Query(ctx, `SELECT id_hash, created_at, last_seen_at, expires_at, ip, user_agent FROM sessions
		WHERE user_id = ? AND expires_at > ? ORDER BY created_at, id_hash`, userID, now.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SessionInfo{}
	for rows.Next() {
		var s SessionInfo
		if err := rows.Scan(&s.ID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.IP, &s.UserAgent); err != nil {
			return nil, mapErr(err)
		}
		s.ID = s.ID[:min(len(s.ID), SessionIDLen)]
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

// DeleteUserSession ends one session of an account by its shown ID; it returns how many ended.
func (q *Q) DeleteUserSession(ctx context.Context, userID int64, id string) (int64, error) {
	if len(id) != SessionIDLen {
		return 0, nil
	}
	res, err := q.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND substr(id_hash, 1, 16) = ?`, userID, id)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// TrimSessions ends an account's expired sessions and then its oldest live ones until at most
// keep stay; it returns how many live ones it ended. The caller holds the account's row lock, so
// that sign-ins arriving together count the same sessions.
func (q *Q) TrimSessions(ctx context.Context, userID int64, keep int, now time.Time) (int, error) {
	if _, err := q.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?`, userID, now.UTC()); err != nil {
		return 0, err
	}
	var ids []string
	rows, err := q.Query(ctx, `SELECT id_hash FROM sessions WHERE user_id = ? ORDER BY created_at, id_hash`, userID)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, mapErr(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, mapErr(err)
	}
	n := 0
	for ; len(ids)-n > keep; n++ {
		if _, err := q.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, ids[n]); err != nil {
			return n, err
		}
	}
	return n, nil
}

// PurgeExpired removes expired sessions and old login failures.
func (q *Q) PurgeExpired(ctx context.Context, now time.Time) error {
	if _, err := q.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UTC()); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `DELETE FROM login_failures WHERE at < ?`, now.Add(-24*time.Hour).UTC())
	return err
}

// InsertToken stores an API token by its hash.
func (q *Q) InsertToken(ctx context.Context, t *gongzhi.APIToken, hash string) error {
	id, err := q.InsertID(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at, scope, place_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.UserID, t.Name, hash, t.Prefix, t.CreatedAt.UTC(), nullTime(t.ExpiresAt), t.Scope, nullStr(t.PlaceCode))
	t.ID = id
	return err
}

// TokenUsedEvery is how stale a token's last_used_at may grow: TokenUser stamps a use only when
// the stored one is older, so that a busy token's requests are reads (on SQLite, a write would
// queue each of them behind the single writer) and the tokens page still shows the last use to
// within this interval.
const TokenUsedEvery = 5 * time.Minute

// TokenUser returns the account of a live token and the token (without its hash), read in one
// query, and stamps the token's use at most once per TokenUsedEvery: the stamp is a conditional
// UPDATE, issued only when the value read is older, so that concurrent requests stamp it once.
func (q *Q) TokenUser(ctx context.Context, hash string, now time.Time) (*gongzhi.User, *gongzhi.APIToken, ScopePlaces, error) {
	t := &gongzhi.APIToken{}
	var used, exp sql.NullTime
	var place sql.NullString
	var sc scopePlacesScan
	// one row by a unique key, never long: without the driver's watch of the request's context
	// (a goroutine per statement on SQLite, see stmtCtx), which every API request would pay
	u, err := scanUser(dashExtraScan{q.QueryRow(context.WithoutCancel(ctx), `SELECT `+userCols+`, t.id, t.name, t.prefix, t.created_at, t.last_used_at, t.expires_at, t.scope, t.place_code, `+
		scopePlacesCols+` FROM `+userFrom+` JOIN api_tokens t ON t.user_id = u.id `+scopePlacesJoins+` WHERE t.token_hash = ? AND t.revoked = FALSE
		AND (t.expires_at IS NULL OR t.expires_at > ?)`, hash, now.UTC()), append([]any{&t.ID, &t.Name, &t.Prefix, &t.CreatedAt, &used, &exp, &t.Scope, &place},
		sc.dest()...)})
	if err != nil {
		return nil, nil, ScopePlaces{}, err
	}
	sp := sc.places()
	t.UserID, t.LastUsedAt, t.ExpiresAt, t.PlaceCode = u.ID, used.Time, exp.Time, place.String
	cutoff := now.Add(-TokenUsedEvery).UTC()
	if used.Valid && used.Time.After(cutoff) {
		return u, t, sp, nil
	}
	_, err = q.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
		now.UTC(), t.ID, cutoff)
	return u, t, sp, err
}

// ScopePlaces are what an account's place scope is made of (kernel.ScopeFrom), read with the
// account itself so that a request's authentication is one query: its organization's place
// (OrgFound: the organization exists) with that place's level, and the level of the account's own
// place; a level is 0 when the place is not in the registry.
type ScopePlaces struct {
	OrgFound            bool
	OrgCode             string
	OrgLevel, UserLevel int
	// Linked is the person the account is linked to, with its household and community.
	Linked gongzhi.PersonLink
}

// scopePlacesCols and scopePlacesJoins read an account's ScopePlaces beside the account (users
// u): its organization's place with that place's level, its own place's level, and the person
// it is linked to (linkCols).
const (
	scopePlacesCols  = `o.place_code, COALESCE(op.level, 0), COALESCE(up.level, 0), ` + linkCols
	scopePlacesJoins = `LEFT JOIN organizations o ON o.id = u.org_id LEFT JOIN places op ON op.code = o.place_code
		LEFT JOIN places up ON up.code = u.place_code ` + linkJoins
)

// linkCols and linkJoins read the person an account (users u) is linked to, that person's
// household and community (the household's, else the person's place): gongzhi.PersonLink.
const (
	linkCols  = `COALESCE(pp.id, 0), COALESCE(pp.household_id, 0), COALESCE(ph.community_code, pp.place_code, '')`
	linkJoins = `LEFT JOIN people pp ON pp.id = u.person_id LEFT JOIN households ph ON ph.id = pp.household_id`
)

// UserLink returns the person an account is linked to, with its household and community, as
// the account's authentication reads them beside it (kernel.LinkedOf).
func (q *Q) UserLink(ctx context.Context, userID int64) (gongzhi.PersonLink, error) {
	var l gongzhi.PersonLink
	err := q.QueryRow(ctx, `SELECT `+linkCols+` FROM users u `+linkJoins+` WHERE u.id = ?`, userID).Scan(&l.Person, &l.Household, &l.Community)
	return l, mapErr(err)
}

// scopePlacesScan receives scopePlacesCols.
type scopePlacesScan struct {
	orgCode             sql.NullString
	orgLevel, userLevel int
	linked              gongzhi.PersonLink
}

func (s *scopePlacesScan) dest() []any {
	return []any{&s.orgCode, &s.orgLevel, &s.userLevel, &s.linked.Person, &s.linked.Household, &s.linked.Community}
}

func (s *scopePlacesScan) places() ScopePlaces {
	return ScopePlaces{OrgFound: s.orgCode.Valid, OrgCode: s.orgCode.String, OrgLevel: s.orgLevel, UserLevel: s.userLevel, Linked: s.linked}
}

// OrgPlace returns an organization's place and that place's level (0 when the place is not in
// the registry), in one query: the scope of a provider's every request (kernel.ScopeFor).
func (q *Q) OrgPlace(ctx context.Context, orgID int64) (code string, level int, err error) {
	err = q.QueryRow(ctx, `SELECT o.place_code, COALESCE(p.level, 0) FROM organizations o LEFT JOIN places p ON p.code = o.place_code
		WHERE o.id = ?`, orgID).Scan(&code, &level)
	return code, level, mapErr(err)
}

// ListTokens lists an account's tokens (userID 0: every account's).
func (q *Q) ListTokens(ctx context.Context, userID int64) ([]gongzhi.APIToken, error) {
	query := `SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked, scope, place_code, revoked_at FROM api_tokens`
	var args []any
	if userID != 0 {
		query += ` WHERE user_id = ?`
		args = append(args, userID)
	}
	rows, err := q.Query(ctx, query+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.APIToken
	for rows.Next() {
		var t gongzhi.APIToken
		var used, exp, revoked sql.NullTime
		var place sql.NullString
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &used, &exp, &t.Revoked, &t.Scope, &place, &revoked); err != nil {
			return nil, mapErr(err)
		}
		t.LastUsedAt, t.ExpiresAt, t.PlaceCode, t.RevokedAt = used.Time, exp.Time, place.String, revoked.Time
		out = append(out, t)
	}
	return out, mapErr(rows.Err())
}

// RevokeToken revokes a live token of an account (userID 0: any account's) at now: a conditional
// UPDATE, so that of concurrent revokes one changes the row (1) and the others none (0).
func (q *Q) RevokeToken(ctx context.Context, id, userID int64, now time.Time) (int64, error) {
	query, args := `UPDATE api_tokens SET revoked = TRUE, revoked_at = ? WHERE id = ? AND revoked = FALSE`, []any{now.UTC(), id}
	if userID != 0 {
		query += ` AND user_id = ?`
		args = append(args, userID)
	}
	res, err := q.Exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// TokenRevoked tells whether the token id of an account (userID 0: any account's) exists and is
// revoked, and when (zero when revoked before revoked_at was kept); ENOTFOUND when there is no
// such token.
func (q *Q) TokenRevoked(ctx context.Context, id, userID int64) (bool, time.Time, error) {
	query, args := `SELECT revoked, revoked_at FROM api_tokens WHERE id = ?`, []any{id}
	if userID != 0 {
		query += ` AND user_id = ?`
		args = append(args, userID)
	}
	var revoked bool
	var at sql.NullTime
	err := q.QueryRow(ctx, query, args...).Scan(&revoked, &at)
	return revoked, at.Time, mapErr(err)
}
