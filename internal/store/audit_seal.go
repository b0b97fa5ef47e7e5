// The audit log's seals, retention purge, export batches and security alarms (internal/security;
// docs/audit.md).

package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"gongzhi"
)

// AuditSeal is one closed day's seal of the audit log.
type AuditSeal struct {
	Day       string    `json:"day"` // YYYY-MM-DD, China time
	Count     int       `json:"count"`
	FirstID   int64     `json:"first_id"`
	LastID    int64     `json:"last_id"`
	Digest    string    `json:"digest"`
	Prev      string    `json:"prev"`
	Chain     string    `json:"chain"`
	Algorithm string    `json:"algorithm"`
	SealedAt  time.Time `json:"sealed_at"`
	PurgedAt  time.Time `json:"purged_at,omitzero"`
}

// SealedEntry is one entry's hash as its day's seal recorded it.
type SealedEntry struct {
	ID   int64
	Day  string
	Hash string
}

const sealCols = `day, count, first_id, last_id, digest, prev, chain, algorithm, sealed_at, purged_at`

func scanSeal(s scanner) (*AuditSeal, error) {
	var a AuditSeal
	var purged sql.NullTime
	err := s.Scan(&a.Day, &a.Count, &a.FirstID, &a.LastID, &a.Digest, &a.Prev, &a.Chain, &a.Algorithm, &a.SealedAt, &purged)
	if purged.Valid {
		a.PurgedAt = purged.Time
	}
	return &a, mapErr(err)
}

// LastAuditSeal returns the latest seal, nil if none.
func (q *Q) LastAuditSeal(ctx context.Context) (*AuditSeal, error) {
	s, err := scanSeal(q.QueryRow(ctx, `SELECT `+sealCols+` FROM audit_seals ORDER BY day DESC LIMIT 1`))
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		return nil, nil
	}
	return s, err
}

// AuditSeals returns every seal in day order.
func (q *Q) AuditSeals(ctx context.Context) ([]*AuditSeal, error) {
	rows, err := q.Query(ctx, `SELECT `+sealCols+` FROM audit_seals ORDER BY day`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*AuditSeal
	for rows.Next() {
		s, err := scanSeal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

// InsertAuditSeal records a day's seal and its entries' hashes, once: false when the day was
// already sealed (by another instance), with nothing written.
func (q *Q) InsertAuditSeal(ctx context.Context, s *AuditSeal, entries []SealedEntry) (bool, error) {
	res, err := q.Exec(ctx, `INSERT INTO audit_seals (`+sealCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
		ON CONFLICT (day) DO NOTHING`, s.Day, s.Count, s.FirstID, s.LastID, s.Digest, s.Prev, s.Chain, s.Algorithm, s.SealedAt.UTC())
	if err != nil {
		return false, mapErr(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	const batch = 200
	for i := 0; i < len(entries); i += batch {
		part := entries[i:min(i+batch, len(entries))]
		args := make([]any, 0, 3*len(part))
		for _, e := range part {
			args = append(args, e.ID, e.Day, e.Hash)
		}
		if _, err := q.Exec(ctx, `INSERT INTO audit_seal_entries (entry_id, day, hash) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(part)), ", "), args...); err != nil {
			return false, mapErr(err)
		}
	}
	return true, nil
}

// SealedEntries returns the hashes a day's seal recorded, in id order.
func (q *Q) SealedEntries(ctx context.Context, day string) ([]SealedEntry, error) {
	return q.sealedEntries(ctx, `SELECT entry_id, day, hash FROM audit_seal_entries WHERE day = ? ORDER BY entry_id`, day)
}

// SealedEntry returns the recorded hash of one entry, nil if no seal recorded it.
func (q *Q) SealedEntry(ctx context.Context, id int64) (*SealedEntry, error) {
	out, err := q.sealedEntries(ctx, `SELECT entry_id, day, hash FROM audit_seal_entries WHERE entry_id = ?`, id)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}

func (q *Q) sealedEntries(ctx context.Context, query string, args ...any) ([]SealedEntry, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SealedEntry
	for rows.Next() {
		var e SealedEntry
		if err := rows.Scan(&e.ID, &e.Day, &e.Hash); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// EachAuditBetween passes each entry with from ≤ at < to to each, in id order, holding one
// entry at a time: each must not use the database (the rows are still open).
func (q *Q) EachAuditBetween(ctx context.Context, from, to time.Time, each func(*gongzhi.AuditEntry) error) error {
	rows, err := q.Query(ctx, `SELECT `+auditCols+` FROM audit_log WHERE at >= ? AND at < ? ORDER BY id`, from.UTC(), to.UTC())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := each(e); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

// AuditEntry returns one entry, nil if there is none.
func (q *Q) AuditEntry(ctx context.Context, id int64) (*gongzhi.AuditEntry, error) {
	out, err := q.auditRows(ctx, `SELECT `+auditCols+` FROM audit_log WHERE id = ?`, id)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

func (q *Q) auditRows(ctx context.Context, query string, args ...any) ([]*gongzhi.AuditEntry, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// FirstAuditAt returns the time of the earliest entry, zero if the log is empty.
func (q *Q) FirstAuditAt(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := q.QueryRow(ctx, `SELECT at FROM audit_log ORDER BY at LIMIT 1`).Scan(&t)
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	return t, mapErr(err)
}

// CountAuditBetween counts the entries with from ≤ at < to (a zero to: no upper bound).
func (q *Q) CountAuditBetween(ctx context.Context, from, to time.Time) (int, error) {
	var n int
	var err error
	if to.IsZero() {
		err = q.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE at >= ?`, from.UTC()).Scan(&n)
	} else {
		err = q.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE at >= ? AND at < ?`, from.UTC(), to.UTC()).Scan(&n)
	}
	return n, mapErr(err)
}

// PurgeAudit removes the entries older than before (the start of a day, China time, named
// beforeDay) and their recorded hashes, and marks the seals of the days removed as purged. It is
// the only deletion the audit log ever sees. Returns how many entries it removed.
func (q *Q) PurgeAudit(ctx context.Context, before time.Time, beforeDay string, now time.Time) (int, error) {
	res, err := q.Exec(ctx, `DELETE FROM audit_log WHERE at < ?`, before.UTC())
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if _, err := q.Exec(ctx, `DELETE FROM audit_seal_entries WHERE day < ?`, beforeDay); err != nil {
		return 0, mapErr(err)
	}
	_, err = q.Exec(ctx, `UPDATE audit_seals SET purged_at = ? WHERE day < ? AND purged_at IS NULL`, now.UTC(), beforeDay)
	return int(n), mapErr(err)
}

// AuditFilter selects the entries of an export: from ≤ at < to (zero: unbounded), one user's
// (username), one action.
type AuditFilter struct {
	From, To     time.Time
	User, Action string
}

// AuditBatch returns at most limit entries matching f with an id above after, in id order: an
// export reads the log in such batches, holding no rows open while it writes.
func (q *Q) AuditBatch(ctx context.Context, f AuditFilter, after int64, limit int) ([]*gongzhi.AuditEntry, error) {
	w := &where{}
	w.add("id > ?", after)
	if !f.From.IsZero() {
		w.add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		w.add("at < ?", f.To.UTC())
	}
	if f.User != "" {
		w.add("username = ?", f.User)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	return q.auditRows(ctx, `SELECT `+auditCols+` FROM audit_log`+w.sql()+` ORDER BY id LIMIT ?`, append(w.args, limit)...)
}

// AuditSince returns the entries at or after since of the given actions (all actions if none),
// by the given roles (all if none), in id order: what the alarms job reads.
func (q *Q) AuditSince(ctx context.Context, since time.Time, actions, roles []string) ([]*gongzhi.AuditEntry, error) {
	w := &where{}
	w.add("at >= ?", since.UTC())
	in := func(col string, vals []string) {
		if len(vals) > 0 {
			args := make([]any, len(vals))
			for i, v := range vals {
				args[i] = v
			}
			w.add(col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")", args...)
		}
	}
	in("action", actions)
	in("role", roles)
	return q.auditRows(ctx, `SELECT `+auditCols+` FROM audit_log`+w.sql()+` ORDER BY id`, w.args...)
}

// SecurityAlarm is an alarm for the security administrator: of a kind, about a subject (an
// account or an address), in a window, once.
type SecurityAlarm struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`    // failed_logins_account, failed_logins_ip, off_hours_admin, bulk_id_reveals
	Subject   string    `json:"subject"` // a username or an IP address
	Window    string    `json:"window"`  // "2026-12-06 14:00" (an hour) or "2026-12-06" (a day), China time
	Count     int       `json:"count"`
	FirstAt   time.Time `json:"first_at"`
	LastAt    time.Time `json:"last_at"`
	CreatedAt time.Time `json:"created_at"`
	AckedBy   string    `json:"acked_by,omitempty"`
	AckedAt   time.Time `json:"acked_at,omitzero"`
	// Reason and Detail are a tamper alarm's (ledger_record, ledger_log, audit_entry): the
	// difference's code and what was compared; empty for the other kinds.
	Reason string `json:"reason,omitempty"`
	Detail string `json:"detail,omitempty"`
}

const alarmCols = `id, kind, subject, win, count, first_at, last_at, created_at, acked_name, acked_at, reason, detail`

func scanAlarm(s scanner) (*SecurityAlarm, error) {
	var a SecurityAlarm
	var acked sql.NullTime
	err := s.Scan(&a.ID, &a.Kind, &a.Subject, &a.Window, &a.Count, &a.FirstAt, &a.LastAt, &a.CreatedAt, &a.AckedBy, &acked, &a.Reason, &a.Detail)
	if acked.Valid {
		a.AckedAt = acked.Time
	}
	return &a, mapErr(err)
}

// RaiseAlarm records an alarm once per kind, subject and window; raised again, it only brings
// the count and the last time up to date. Returns whether it was new.
func (q *Q) RaiseAlarm(ctx context.Context, a *SecurityAlarm) (bool, error) {
	res, err := q.Exec(ctx, `INSERT INTO security_alarms (kind, subject, win, count, first_at, last_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, subject, win) DO NOTHING`,
		a.Kind, a.Subject, a.Window, a.Count, a.FirstAt.UTC(), a.LastAt.UTC(), a.CreatedAt.UTC())
	if err != nil {
		return false, mapErr(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return n == 1, err
	}
	_, err = q.Exec(ctx, `UPDATE security_alarms SET count = ?, last_at = ? WHERE kind = ? AND subject = ? AND win = ? AND count < ?`,
		a.Count, a.LastAt.UTC(), a.Kind, a.Subject, a.Window, a.Count)
	return false, mapErr(err)
}

// RaiseTamperAlarm records a tamper alarm once per kind, subject and window (the window names
// the difference, so that a new difference of the same record is a new alarm); found again by a
// later check, its count (the checks that found it) goes up by one and its last time moves on.
// Returns whether it was new.
func (q *Q) RaiseTamperAlarm(ctx context.Context, a *SecurityAlarm) (bool, error) {
	res, err := q.Exec(ctx, `INSERT INTO security_alarms (kind, subject, win, count, first_at, last_at, created_at, reason, detail)
		VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?) ON CONFLICT (kind, subject, win) DO NOTHING`,
		a.Kind, a.Subject, a.Window, a.FirstAt.UTC(), a.LastAt.UTC(), a.CreatedAt.UTC(), a.Reason, a.Detail)
	if err != nil {
		return false, mapErr(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return n == 1, err
	}
	_, err = q.Exec(ctx, `UPDATE security_alarms SET count = count + 1, last_at = ? WHERE kind = ? AND subject = ? AND win = ?`,
		a.LastAt.UTC(), a.Kind, a.Subject, a.Window)
	return false, mapErr(err)
}

// CountOpenAlarmsOf counts the alarms of the kinds given not yet acknowledged.
func (q *Q) CountOpenAlarmsOf(ctx context.Context, kinds []string) (int, error) {
	w := &where{}
	w.add("kind IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ")+")", anys(kinds)...)
	w.add("acked_at IS NULL")
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM security_alarms`+w.sql(), w.args...).Scan(&n)
	return n, mapErr(err)
}

var alarmSorts = map[string]string{"created_at": "created_at", "kind": "kind", "subject": "subject"}

// ListAlarms lists the alarms, newest first. Filters: kind, open ("1": not yet acknowledged).
// kinds, when given, limits the list to those kinds whatever the filters say.
func (q *Q) ListAlarms(ctx context.Context, opts ListOptions, each func(*SecurityAlarm) error, kinds ...string) (int, error) {
	w := &where{}
	if len(kinds) > 0 {
		w.add("kind IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(kinds)), ", ")+")", anys(kinds)...)
	}
	w.search(opts.Q, "subject")
	if v := opts.Filters["kind"]; v != "" {
		w.add("kind = ?", v)
	}
	if opts.Filters["open"] == "1" {
		w.add("acked_at IS NULL")
	}
	if opts.Sort == "" {
		opts.Sort, opts.Desc = "created_at", true
	}
	return list(ctx, q, alarmCols, "security_alarms", w, orderBy(opts, alarmSorts, "id DESC", "id"), opts, scanAlarm, each)
}

// GetAlarm returns an alarm.
func (q *Q) GetAlarm(ctx context.Context, id int64) (*SecurityAlarm, error) {
	return scanAlarm(q.QueryRow(ctx, `SELECT `+alarmCols+` FROM security_alarms WHERE id = ?`, id))
}

// AckAlarm acknowledges an open alarm: false if it was already acknowledged (nothing written).
func (q *Q) AckAlarm(ctx context.Context, id, userID int64, username string, now time.Time) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE security_alarms SET acked_by = ?, acked_name = ?, acked_at = ? WHERE id = ? AND acked_at IS NULL`,
		userID, username, now.UTC(), id)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CountOpenAlarms counts the alarms not yet acknowledged.
func (q *Q) CountOpenAlarms(ctx context.Context) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM security_alarms WHERE acked_at IS NULL`).Scan(&n)
	return n, mapErr(err)
}
