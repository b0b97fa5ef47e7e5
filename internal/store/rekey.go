// Sealed personal data: the columns sealed with the secret box, the lookup hashes computed from
// them, and Rekey, which moves all of them to another field cipher (AES ⇄ SM4).

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"gongzhi"
	"gongzhi/internal/secret"
)

// SealedColumn is a column holding values sealed with the secret box under a context.
type SealedColumn struct{ Column, Context string }

// SealedTable describes a table's sealed columns and the lookup hash derived from one of them.
type SealedTable struct {
	Table   string
	Key     string // the table's integer key ("" for id)
	Columns []SealedColumn
	// Hash is the keyed-hash column (HashContext) of HashValue(the plain text of Columns[HashOf]),
	// "" for a table without one; an empty HashValue stores no hash: NULL when HashNull, else ''.
	Hash        string
	HashOf      int
	HashContext string
	HashValue   func(plain string) string
	HashNull    bool
	// Throttle is the kind of complaint_throttle rows keyed by the hash ("" for none).
	Throttle string
}

// SealedTables lists every sealed column of the schema (a test checks that every *_enc column of
// the migrations is here): what Rekey re-encrypts and what the server's start checks.
var SealedTables = []SealedTable{
	{Table: "people", Columns: []SealedColumn{{"id_enc", "people.id_number"}},
		Hash: "id_hash", HashContext: "people.id_number", HashValue: func(s string) string { return s }, HashNull: true},
	{Table: "complaints", Columns: []SealedColumn{{"contact_name_enc", "complaints.contact_name"}, {"contact_phone_enc", "complaints.contact_phone"}},
		Hash: "phone_hash", HashOf: 1, HashContext: "complaints.contact_phone", HashValue: gongzhi.PhoneDigits, Throttle: "phone"},
	// the reporters of grid events (docs/events.md)
	{Table: "events", Columns: []SealedColumn{{"reporter_name_enc", "events.reporter_name"}, {"reporter_phone_enc", "events.reporter_phone"}}},
	// the accounts' TOTP secrets (context accounts.TOTPContext)
	{Table: "user_totp", Key: "user_id", Columns: []SealedColumn{{"secret_enc", "user_totp.secret"}}},
}

// KeyColumn is the table's integer key column.
func (t SealedTable) KeyColumn() string {
	if t.Key == "" {
		return "id"
	}
	return t.Key
}

// notSealedWith is the condition "some sealed column of t holds a value not sealed with prefix".
func (t SealedTable) notSealedWith() string {
	var or []string
	for _, c := range t.Columns {
		or = append(or, fmt.Sprintf("(%s <> '' AND SUBSTR(%s, 1, ?) <> ?)", c.Column, c.Column))
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

func (t SealedTable) prefixArgs(prefix string) []any {
	var args []any
	for range t.Columns {
		args = append(args, len(prefix), prefix)
	}
	return args
}

// SealedNotWith counts, per table, the rows holding a value not sealed with cipher (an empty map
// when every sealed value is).
func (q *Q) SealedNotWith(ctx context.Context, cipher string) (map[string]int, error) {
	prefix := secret.Prefix(cipher)
	if prefix == "" {
		return nil, fmt.Errorf("unknown field cipher %q", cipher)
	}
	out := map[string]int{}
	for _, t := range SealedTables {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+t.Table+` WHERE `+t.notSealedWith(), t.prefixArgs(prefix)...).Scan(&n); err != nil {
			return nil, mapErr(err)
		}
		if n > 0 {
			out[t.Table] = n
		}
	}
	return out, nil
}

// CheckFieldCipher refuses a database holding values sealed with another cipher than cipher: its
// lookup hashes would not find them. `gongzhi rekey` moves a database to a cipher.
func (q *Q) CheckFieldCipher(ctx context.Context, cipher string) error {
	left, err := q.SealedNotWith(ctx, cipher)
	if err != nil || len(left) == 0 {
		return err
	}
	return fmt.Errorf("the database holds personal data not sealed with the configured field cipher %s (%s): "+
		"stop every gongzhi server and run `gongzhi rekey --field-cipher %s` (or configure the cipher the database is in)",
		cipher, describeCounts(left), cipher)
}

func describeCounts(m map[string]int) string {
	var parts []string
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%s: %d rows", k, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// RekeyOptions tunes Rekey.
type RekeyOptions struct {
	Batch int // rows per transaction (default 500)
	// OnBatch runs inside each batch's transaction with the IDs it re-encrypted (the audit entry).
	OnBatch func(ctx context.Context, q *Q, table string, ids []int64) error
}

// RekeyReport counts what Rekey changed, per table.
type RekeyReport struct {
	Rows    map[string]int // rows re-encrypted
	Skipped map[string]int // rows changed meanwhile by someone else, left for the final check
}

// ErrRekeyBusy: another rekey or a migration holds the migration lock (PostgreSQL).
var ErrRekeyBusy = errors.New("another rekey or a migration is running on this database")

// Rekey re-encrypts every sealed value not yet sealed with box's cipher and recomputes its lookup
// hash (and the throttle rows keyed by it), in batches of one transaction each. Each row is
// rewritten by an UPDATE conditional on its old values, so a value changed meanwhile is never
// overwritten; values already in the target cipher are skipped, so an interrupted rekey resumes
// where it stopped. A value that does not open, or whose lookup hash does not match it, stops the
// rekey with nothing of that batch written. On PostgreSQL it holds the migration lock throughout.
// At the end it checks that no value is left in another cipher (a server still writing with the
// old setting leaves some: stop it and run again).
func (db *DB) Rekey(ctx context.Context, box *secret.Box, opts RekeyOptions) (*RekeyReport, error) {
	if opts.Batch <= 0 {
		opts.Batch = 500
	}
	if db.Dialect == Postgres {
		conn, err := db.SQL.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		var got bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(7260815)`).Scan(&got); err != nil {
			return nil, err
		}
		if !got {
			return nil, ErrRekeyBusy
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7260815)`)
	}
	rep := &RekeyReport{Rows: map[string]int{}, Skipped: map[string]int{}}
	for _, t := range SealedTables {
		var after int64
		rep.Rows[t.Table] = 0
		for {
			var last int64
			var ids []int64
			var skipped int
			err := db.Transact(ctx, func(ctx context.Context, q *Q) error {
				var err error
				if last, ids, skipped, err = q.rekeyBatch(ctx, t, box, after, opts.Batch); err != nil || last == 0 {
					return err
				}
				if len(ids) > 0 && opts.OnBatch != nil {
					return opts.OnBatch(ctx, q, t.Table, ids)
				}
				return nil
			})
			if err != nil {
				return rep, fmt.Errorf("rekey %s after id %d: %w", t.Table, after, err)
			}
			if last == 0 {
				break
			}
			after = last
			rep.Rows[t.Table] += len(ids)
			rep.Skipped[t.Table] += skipped
		}
	}
	left, err := db.Q().SealedNotWith(ctx, box.Cipher())
	if err != nil {
		return rep, err
	}
	if len(left) > 0 {
		return rep, fmt.Errorf("values were sealed with another cipher while rekeying (%s): a gongzhi server is still running "+
			"with the old setting; stop it and run rekey again", describeCounts(left))
	}
	return rep, nil
}

// rekeyBatch re-encrypts up to n rows of t after id, returning the last id read (0: none left),
// the ids rewritten and the number of rows changed meanwhile by someone else.
func (q *Q) rekeyBatch(ctx context.Context, t SealedTable, box *secret.Box, after int64, n int) (last int64, ids []int64, skipped int, err error) {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = "COALESCE(" + c.Column + ", '')"
	}
	type row struct {
		id   int64
		vals []string
		hash string
	}
	var batch []row
	hashCol, hashSet := "''", ""
	if t.Hash != "" {
		hashCol, hashSet = "COALESCE("+t.Hash+", '')", ", "+t.Hash+" = ?"
	}
	k := t.KeyColumn()
	rows, err := q.Query(ctx, `SELECT `+k+`, `+strings.Join(cols, ", ")+`, `+hashCol+` FROM `+t.Table+
		` WHERE `+k+` > ? AND `+t.notSealedWith()+` ORDER BY `+k+` LIMIT ?`, append(append([]any{after}, t.prefixArgs(secret.Prefix(box.Cipher()))...), n)...)
	if err != nil {
		return 0, nil, 0, err
	}
	for rows.Next() {
		r := row{vals: make([]string, len(t.Columns))}
		dest := []any{&r.id}
		for i := range r.vals {
			dest = append(dest, &r.vals[i])
		}
		if err := rows.Scan(append(dest, &r.hash)...); err != nil {
			rows.Close()
			return 0, nil, 0, err
		}
		batch = append(batch, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, 0, err
	}
	if len(batch) == 0 {
		return 0, nil, 0, nil
	}
	sets := make([]string, len(t.Columns))
	where := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		sets[i] = c.Column + " = ?"
		where[i] = cols[i] + " = ?"
	}
	update := `UPDATE ` + t.Table + ` SET ` + strings.Join(sets, ", ") + hashSet + ` WHERE ` + k + ` = ? AND ` + strings.Join(where, " AND ")
	for _, r := range batch {
		newVals := make([]any, len(r.vals))
		plains := make([]string, len(r.vals))
		for i, v := range r.vals {
			if v == "" {
				newVals[i] = v
				continue
			}
			if plains[i], err = box.Open(v, t.Columns[i].Context); err != nil {
				return 0, nil, 0, fmt.Errorf("%s %d %s: %w", t.Table, r.id, t.Columns[i].Column, err)
			}
			newVals[i] = box.Seal(plains[i], t.Columns[i].Context)
		}
		var newHash any
		if t.HashNull {
			newHash = nil
		} else {
			newHash = ""
		}
		hv := ""
		if t.Hash != "" && r.vals[t.HashOf] != "" {
			hv = t.HashValue(plains[t.HashOf])
		}
		if hv != "" {
			src, err := box.With(secret.SealedWith(r.vals[t.HashOf]))
			if err != nil {
				return 0, nil, 0, err
			}
			if src.Hash(hv, t.HashContext) != r.hash {
				return 0, nil, 0, fmt.Errorf("%s %d: the lookup hash %s does not match the sealed value; nothing of this batch was changed", t.Table, r.id, t.Hash)
			}
			newHash = box.Hash(hv, t.HashContext)
		}
		args := newVals
		if t.Hash != "" {
			args = append(args, newHash)
		}
		args = append(append(args, r.id), anys(r.vals)...)
		res, err := q.Exec(ctx, update, args...)
		if err != nil {
			return 0, nil, 0, err
		}
		if k, err := res.RowsAffected(); err != nil {
			return 0, nil, 0, err
		} else if k == 0 {
			skipped++
			continue
		}
		if h, ok := newHash.(string); ok && t.Throttle != "" && r.hash != "" && h != "" {
			if _, err := q.Exec(ctx, `UPDATE complaint_throttle SET key = ? WHERE kind = ? AND key = ?`, h, t.Throttle, r.hash); err != nil {
				return 0, nil, 0, err
			}
		}
		ids = append(ids, r.id)
	}
	return batch[len(batch)-1].id, ids, skipped, nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// SQLiteInUse reports whether another connection has the SQLite database at path open. In WAL
// mode the last connection to close checkpoints and removes the -wal file: so after opening and
// closing a connection of our own, a -wal file left behind means someone else holds it open
// (a server, another command). A file that does not exist is not in use.
func SQLiteInUse(ctx context.Context, path string) (bool, error) {
	if _, err := os.Stat(path); err != nil {
		return false, nil
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return false, err
	}
	var mode string
	err = conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
	conn.Close()
	if err != nil {
		return false, err
	}
	if mode != "wal" {
		return false, nil
	}
	_, err = os.Stat(path + "-wal")
	return err == nil, nil
}

// SealedSample returns one sealed value and its context ("" when the database holds none), to
// check that a key opens the database's personal data.
func (q *Q) SealedSample(ctx context.Context) (sealed, label string, err error) {
	for _, t := range SealedTables {
		for _, c := range t.Columns {
			err := q.QueryRow(ctx, `SELECT `+c.Column+` FROM `+t.Table+` WHERE `+c.Column+` <> '' ORDER BY id LIMIT 1`).Scan(&sealed)
			if err == nil {
				return sealed, c.Context, nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return "", "", mapErr(err)
			}
		}
	}
	return "", "", nil
}
