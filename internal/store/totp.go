// Two factors: an account's TOTP authenticator, its recovery codes and the sign-ins waiting for
// their second step (migration 0010_totp.sql). Every "once" here is a conditional statement whose
// RowsAffected the service checks: a code's time step is accepted once, a recovery code is used
// once, a pending sign-in completes once.

package store

import (
	"context"
	"database/sql"
	"time"
)

// TOTP is an account's authenticator: its secret sealed by the field cipher, whether it is
// switched on, and the last time step a code was accepted for.
type TOTP struct {
	UserID    int64
	Sealed    string
	Enabled   bool
	LastStep  int64
	CreatedAt time.Time
	EnabledAt time.Time
}

// GetTOTP returns an account's authenticator, switched on or waiting for its first code
// (ENOTFOUND when it has none).
func (q *Q) GetTOTP(ctx context.Context, userID int64) (*TOTP, error) {
	var t TOTP
	var on sql.NullTime
	err := q.QueryRow(ctx, `SELECT user_id, secret_enc, enabled, last_step, created_at, enabled_at FROM user_totp WHERE user_id = ?`,
		userID).Scan(&t.UserID, &t.Sealed, &t.Enabled, &t.LastStep, &t.CreatedAt, &on)
	t.EnabledAt = on.Time
	return &t, mapErr(err)
}

// PutPendingTOTP stores a new secret waiting for its first code, replacing one that waits, and
// reports false when the account's authenticator is already switched on (nothing is written).
func (q *Q) PutPendingTOTP(ctx context.Context, userID int64, sealed string, now time.Time) (bool, error) {
	return q.oneRow(ctx, `INSERT INTO user_totp (user_id, secret_enc, enabled, last_step, created_at) VALUES (?, ?, FALSE, 0, ?)
		ON CONFLICT (user_id) DO UPDATE SET secret_enc = excluded.secret_enc, last_step = 0, created_at = excluded.created_at
		WHERE user_totp.enabled = FALSE`, userID, sealed, now.UTC())
}

// EnableTOTP switches a waiting authenticator on, its first code's step used, and reports false
// when there is none waiting.
func (q *Q) EnableTOTP(ctx context.Context, userID, step int64, now time.Time) (bool, error) {
	return q.oneRow(ctx, `UPDATE user_totp SET enabled = TRUE, enabled_at = ?, last_step = ? WHERE user_id = ? AND enabled = FALSE`,
		now.UTC(), step, userID)
}

// UseTOTPStep records that a code of step was accepted, and reports false when a code of that
// step or a later one was accepted before (a replay).
func (q *Q) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	return q.oneRow(ctx, `UPDATE user_totp SET last_step = ? WHERE user_id = ? AND enabled = TRUE AND last_step < ?`, step, userID, step)
}

// DeleteTOTP removes an account's authenticator and its recovery codes, and reports whether it
// had one.
func (q *Q) DeleteTOTP(ctx context.Context, userID int64) (bool, error) {
	if _, err := q.Exec(ctx, `DELETE FROM totp_recovery_codes WHERE user_id = ?`, userID); err != nil {
		return false, err
	}
	return q.oneRow(ctx, `DELETE FROM user_totp WHERE user_id = ?`, userID)
}

// ReplaceRecoveryCodes stores an account's recovery codes by their hashes, dropping its old ones.
func (q *Q) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string) error {
	if _, err := q.Exec(ctx, `DELETE FROM totp_recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := q.Exec(ctx, `INSERT INTO totp_recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// UseRecoveryCode marks an unused recovery code of the account used, and reports false when it
// has no such code or it was used before.
func (q *Q) UseRecoveryCode(ctx context.Context, userID int64, hash string, now time.Time) (bool, error) {
	return q.oneRow(ctx, `UPDATE totp_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		now.UTC(), userID, hash)
}

// RecoveryCodesLeft counts an account's unused recovery codes.
func (q *Q) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM totp_recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&n)
	return n, mapErr(err)
}

// PendingLogin is a sign-in whose password was right and whose second step is still to come:
// a code, or enrolment (Enrol) when the account's role requires two factors and it has none.
type PendingLogin struct {
	UserID    int64
	Enrol     bool
	ExpiresAt time.Time
}

// InsertPendingLogin stores a sign-in waiting for its second step by the hash of its cookie's
// value, and removes the expired ones of every account.
func (q *Q) InsertPendingLogin(ctx context.Context, idHash string, p PendingLogin, ip, ua string, now time.Time) error {
	if _, err := q.Exec(ctx, `DELETE FROM login_pending WHERE expires_at <= ?`, now.UTC()); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO login_pending (id_hash, user_id, enrol, ip, user_agent, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		idHash, p.UserID, p.Enrol, ip, ua, now.UTC(), p.ExpiresAt.UTC())
	return err
}

// GetPendingLogin returns a live sign-in waiting for its second step (ENOTFOUND when there is
// none or it expired).
func (q *Q) GetPendingLogin(ctx context.Context, idHash string, now time.Time) (*PendingLogin, error) {
	var p PendingLogin
	err := q.QueryRow(ctx, `SELECT user_id, enrol, expires_at FROM login_pending WHERE id_hash = ? AND expires_at > ?`,
		idHash, now.UTC()).Scan(&p.UserID, &p.Enrol, &p.ExpiresAt)
	return &p, mapErr(err)
}

// TakePendingLogin deletes a live sign-in waiting for its second step and reports whether this
// call was the one that deleted it.
func (q *Q) TakePendingLogin(ctx context.Context, idHash string, now time.Time) (bool, error) {
	return q.oneRow(ctx, `DELETE FROM login_pending WHERE id_hash = ? AND expires_at > ?`, idHash, now.UTC())
}

// DeletePendingLogins drops every sign-in of an account waiting for its second step.
func (q *Q) DeletePendingLogins(ctx context.Context, userID int64) error {
	_, err := q.Exec(ctx, `DELETE FROM login_pending WHERE user_id = ?`, userID)
	return err
}

// oneRow runs a statement and reports whether it changed exactly one row.
func (q *Q) oneRow(ctx context.Context, query string, args ...any) (bool, error) {
	res, err := q.Exec(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
