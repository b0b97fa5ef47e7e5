// The audit log, target groups and settings.

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gongzhi"
)

// InsertAudit appends an audit entry. It is the only write the audit log ever receives.
func (q *Q) InsertAudit(ctx context.Context, e *gongzhi.AuditEntry) error {
	_, err := q.Exec(ctx, `INSERT INTO audit_log (at, user_id, username, role, ip, via, action, entity, entity_id, before, after, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.At.UTC(), nullID(e.UserID), e.Username, e.Role, e.IP, e.Via, e.Action,
		e.Entity, e.EntityID, e.Before, e.After, e.Note)
	return err
}

const auditCols = `id, at, COALESCE(user_id, 0), username, role, ip, via, action, entity, entity_id, before, after, note`

func scanAudit(s scanner) (*gongzhi.AuditEntry, error) {
	var e gongzhi.AuditEntry
	err := s.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Role, &e.IP, &e.Via, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After, &e.Note)
	return &e, mapErr(err)
}

var auditSorts = map[string]string{"at": "at", "action": "action", "username": "username"}

// ListAudit lists audit entries. Filters: entity, entity_id, action, user, from, to (YYYY-MM-DD, China time),
// writes ("1": only create/update/delete, for a record's change history).
func (q *Q) ListAudit(ctx context.Context, opts ListOptions, each func(*gongzhi.AuditEntry) error) (int, error) {
	w := &where{}
	w.search(opts.Q, "username", "entity", "entity_id", "note")
	for _, k := range []string{"entity", "entity_id", "action"} {
		if v := opts.Filters[k]; v != "" {
			w.add(k+" = ?", v)
		}
	}
	if v := opts.Filters["user"]; v != "" {
		w.add("username = ?", v)
	}
	if t, err := time.ParseInLocation("2006-01-02", opts.Filters["from"], gongzhi.ChinaTime); err == nil {
		w.add("at >= ?", t.UTC())
	}
	if t, err := time.ParseInLocation("2006-01-02", opts.Filters["to"], gongzhi.ChinaTime); err == nil {
		w.add("at < ?", t.Add(24*time.Hour).UTC())
	}
	if opts.Filters["writes"] == "1" {
		w.add("action IN ('create', 'update', 'delete', 'import')")
	}
	if opts.Sort == "" {
		opts.Sort, opts.Desc = "at", true
	}
	return list(ctx, q, auditCols, "audit_log", w, orderBy(opts, auditSorts, "id DESC", "id"), opts, scanAudit, each)
}

// CountAuditSince counts entries of an action since a time.
func (q *Q) CountAuditSince(ctx context.Context, action string, since time.Time) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND at >= ?`, action, since.UTC()).Scan(&n)
	return n, mapErr(err)
}

// ListTargetGroups returns every target group in display order.
func (q *Q) ListTargetGroups(ctx context.Context) ([]gongzhi.TargetGroup, error) {
	rows, err := q.Query(ctx, `SELECT code, name, name_en, builtin FROM target_groups ORDER BY position, created_at, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.TargetGroup
	for rows.Next() {
		var t gongzhi.TargetGroup
		if err := rows.Scan(&t.Code, &t.Name, &t.NameEn, &t.Builtin); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, t)
	}
	return out, mapErr(rows.Err())
}

// InsertTargetGroup adds a target group.
func (q *Q) InsertTargetGroup(ctx context.Context, t *gongzhi.TargetGroup, position int, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO target_groups (code, name, name_en, builtin, position, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.Code, t.Name, t.NameEn, t.Builtin, position, now.UTC())
	return err
}

// UpdateTargetGroup renames a target group.
func (q *Q) UpdateTargetGroup(ctx context.Context, t *gongzhi.TargetGroup) error {
	_, err := q.Exec(ctx, `UPDATE target_groups SET name = ?, name_en = ? WHERE code = ?`, t.Name, t.NameEn, t.Code)
	return err
}

// Setting returns a setting's value, "" if unset.
func (q *Q) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, mapErr(err)
}

// SetSetting stores a setting.
func (q *Q) SetSetting(ctx context.Context, key, value string, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, now.UTC())
	return err
}

// AuditHead returns the id of the last audit entry (0 for none): it changes with every audited
// write, so it versions what is read from the database (one lookup of the primary key's end).
// With entities to skip, it is the last entry of another entity. The skipped entities are
// written into the statement as they are (names of audit entities: lower case and '_'), as a
// partial index answers it only when its condition is the index's word for word: the public
// pages' skips, PublicHeadSkips, have audit_public_head (migration 0042), which finds the last
// such entry at its end however many skipped ones came after; other skips read the log backwards.
//
// Ids are given in order, but transactions commit in any order: an entry whose transaction
// commits after a later id's has been read leaves the head as it was. Readers that must see
// every write bound their staleness otherwise (the public pages' cache by the clock's window).
func (q *Q) AuditHead(ctx context.Context, skip ...string) (int64, error) {
	query, err := auditHeadQuery(skip)
	if err != nil {
		return 0, err
	}
	var id int64
	err = q.QueryRow(ctx, query).Scan(&id)
	return id, mapErr(err)
}

// PublicHeadSkips are the entities whose writes the version of the public pages leaves out (the
// service ledger's entries and evidence: kernel.PublicVersion), the condition of the partial
// index audit_public_head.
var PublicHeadSkips = []string{"service_entries", "service_evidence"}

// ExplainAuditHead returns the database's plan for AuditHead with skip, one line per step (a
// test keeps PublicHeadSkips and the index in step with it).
func (q *Q) ExplainAuditHead(ctx context.Context, skip ...string) (string, error) {
	query, err := auditHeadQuery(skip)
	if err != nil {
		return "", err
	}
	explain := "EXPLAIN "
	if q.d == SQLite {
		explain = "EXPLAIN QUERY PLAN "
	}
	rows, err := q.Query(ctx, explain+query)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			return "", err
		}
		out = append(out, fmt.Sprint(*vals[len(vals)-1].(*any)))
	}
	return strings.Join(out, "\n"), rows.Err()
}

func auditHeadQuery(skip []string) (string, error) {
	if len(skip) == 0 {
		return `SELECT COALESCE(MAX(id), 0) FROM audit_log`, nil
	}
	quoted := make([]string, len(skip))
	for i, s := range skip {
		if s == "" || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz_") != "" {
			return "", fmt.Errorf("store: audit entity %q is not a name", s)
		}
		quoted[i] = "'" + s + "'"
	}
	return `SELECT COALESCE(MAX(id), 0) FROM audit_log WHERE entity NOT IN (` + strings.Join(quoted, ", ") + `)`, nil
}

// AuditUserNames returns the display names of the accounts ids (those that exist), for the audit
// register, which names people rather than usernames.
func (q *Q) AuditUserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT id, display_name FROM users WHERE id IN (`+placeholders(len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, mapErr(err)
		}
		out[id] = name
	}
	return out, mapErr(rows.Err())
}

// AuditAccountNames returns the display names of the accounts named by username or by id (as
// text) in keys, keyed as given; keys that name no account are left out.
func (q *Q) AuditAccountNames(ctx context.Context, keys []string) (map[string]string, error) {
	out := map[string]string{}
	var names []any
	var ids []int64
	seen := map[string]bool{}
	for _, k := range keys {
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		if id, err := strconv.ParseInt(k, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		} else {
			names = append(names, k)
		}
	}
	if len(names) > 0 {
		rows, err := q.Query(ctx, `SELECT username, display_name FROM users WHERE username IN (`+placeholders(len(names))+`)`, names...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var u, n string
			if err := rows.Scan(&u, &n); err != nil {
				return nil, mapErr(err)
			}
			if n != "" {
				out[u] = n
			}
		}
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	byID, err := q.AuditUserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, n := range byID {
		if n != "" {
			out[strconv.FormatInt(id, 10)] = n
		}
	}
	return out, nil
}
