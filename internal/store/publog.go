// The public ledger's storage (internal/publog; migration 0025): records pending and
// integrated, the integration's row lock, the tree's stored hashes, the tiles and the signed
// checkpoints.

package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// LogRecord is one row of publog_records; Index is -1 while it is pending.
type LogRecord struct {
	Seq     int64
	Index   int64
	Type    string
	Version int
	Entry   string
}

// InsertLogRecord adds a pending record and returns its sequence number.
func (q *Q) InsertLogRecord(ctx context.Context, typ string, version int, entry string, at time.Time) (int64, error) {
	return q.InsertID(ctx, `INSERT INTO publog_records (type, version, entry, created_at) VALUES (?, ?, ?, ?)`,
		typ, version, entry, at.UTC())
}

// LogRecordBySeq returns a record by its sequence number (Index -1 while pending); ENOTFOUND.
func (q *Q) LogRecordBySeq(ctx context.Context, seq int64) (*LogRecord, error) {
	r := &LogRecord{Seq: seq}
	var idx sql.NullInt64
	err := q.QueryRow(ctx, `SELECT idx, type, version, entry FROM publog_records WHERE id = ?`, seq).Scan(&idx, &r.Type, &r.Version, &r.Entry)
	r.Index = -1
	if idx.Valid {
		r.Index = idx.Int64
	}
	return r, mapErr(err)
}

// LockLogState takes the integration's row lock (PostgreSQL: the row's; SQLite: the
// transaction's write lock) and returns the integrated tree's size.
func (q *Q) LockLogState(ctx context.Context, now time.Time) (int64, error) {
	var size int64
	err := q.QueryRow(ctx, `UPDATE publog_state SET updated_at = ? WHERE id = 1 RETURNING size`, now.UTC()).Scan(&size)
	return size, mapErr(err)
}

// SetLogSize records the integrated tree's new size, from old (under LockLogState's lock).
func (q *Q) SetLogSize(ctx context.Context, old, size int64) error {
	res, err := q.Exec(ctx, `UPDATE publog_state SET size = ? WHERE id = 1 AND size = ?`, size, old)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errors.New("store: the public ledger's size moved under its lock")
	}
	return nil
}

// PendingLogRecords returns up to limit pending records, oldest first.
func (q *Q) PendingLogRecords(ctx context.Context, limit int) ([]LogRecord, error) {
	rows, err := q.Query(ctx, `SELECT id, type, version, entry FROM publog_records WHERE idx IS NULL ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LogRecord
	for rows.Next() {
		r := LogRecord{Index: -1}
		if err := rows.Scan(&r.Seq, &r.Type, &r.Version, &r.Entry); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// CountPendingLogRecords counts the records not integrated yet.
func (q *Q) CountPendingLogRecords(ctx context.Context) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM publog_records WHERE idx IS NULL`).Scan(&n)
	return n, mapErr(err)
}

// SetLogIndexRange gives the pending records with sequence numbers first to last (contiguous,
// every one of them pending) the leaf indexes idx, idx+1, …, in one statement; it refuses (and
// the caller rolls back) when any of them had an index already or is missing.
func (q *Q) SetLogIndexRange(ctx context.Context, first, last, idx int64) error {
	res, err := q.Exec(ctx, `UPDATE publog_records SET idx = id + ? WHERE id BETWEEN ? AND ? AND idx IS NULL`, idx-first, first, last)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != last-first+1 {
		return errors.Join(err, errors.New("store: a public ledger record was integrated twice"))
	}
	return nil
}

// IntegratedLogRecords returns the integrated records with index below size, latest first, at
// most limit (0: all of them).
func (q *Q) IntegratedLogRecords(ctx context.Context, size int64, limit int) ([]LogRecord, error) {
	query := `SELECT id, idx, type, version, entry FROM publog_records WHERE idx IS NOT NULL AND idx < ? ORDER BY idx DESC`
	args := []any{size}
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LogRecord
	for rows.Next() {
		var r LogRecord
		if err := rows.Scan(&r.Seq, &r.Index, &r.Type, &r.Version, &r.Entry); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// InsertLogHashes stores new stored hashes of the tree, by their tlog stored-hash index.
func (q *Q) InsertLogHashes(ctx context.Context, ids []int64, hashes [][]byte) error {
	const per = 200
	for len(ids) > 0 {
		k := min(per, len(ids))
		args := make([]any, 0, 2*k)
		for i := range k {
			args = append(args, ids[i], hashes[i])
		}
		if _, err := q.Exec(ctx, `INSERT INTO publog_hashes (id, hash) VALUES (?, ?)`+strings.Repeat(", (?, ?)", k-1), args...); err != nil {
			return err
		}
		ids, hashes = ids[k:], hashes[k:]
	}
	return nil
}

// LogHashes returns the stored hashes of the ids there are.
func (q *Q) LogHashes(ctx context.Context, ids []int64) (map[int64][]byte, error) {
	out := make(map[int64][]byte, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, `SELECT id, hash FROM publog_hashes WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var h []byte
		if err := rows.Scan(&id, &h); err != nil {
			return nil, mapErr(err)
		}
		out[id] = h
	}
	return out, mapErr(rows.Err())
}

// PutLogTile stores the latest tile of a level (-1: an entry bundle) and number.
func (q *Q) PutLogTile(ctx context.Context, level int, n int64, width int, data []byte) error {
	_, err := q.Exec(ctx, `INSERT INTO publog_tiles (level, n, width, data) VALUES (?, ?, ?, ?)
		ON CONFLICT (level, n) DO UPDATE SET width = excluded.width, data = excluded.data`, level, n, width, data)
	return err
}

// LogTile returns the stored tile of a level and number with its width; ENOTFOUND.
func (q *Q) LogTile(ctx context.Context, level int, n int64) (int, []byte, error) {
	var w int
	var data []byte
	err := q.QueryRow(ctx, `SELECT width, data FROM publog_tiles WHERE level = ? AND n = ?`, level, n).Scan(&w, &data)
	return w, data, mapErr(err)
}

// InsertLogCheckpoint stores a signed checkpoint.
func (q *Q) InsertLogCheckpoint(ctx context.Context, size int64, root, note string, at time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO publog_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)`, size, root, note, at.UTC())
	return err
}

// CountLogCheckpoints counts the signed checkpoints.
func (q *Q) CountLogCheckpoints(ctx context.Context) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM publog_checkpoints`).Scan(&n)
	return n, mapErr(err)
}

// LatestLogCheckpoint returns the latest signed checkpoint and when it was signed; ENOTFOUND.
func (q *Q) LatestLogCheckpoint(ctx context.Context) (string, time.Time, error) {
	var note string
	var at time.Time
	err := q.QueryRow(ctx, `SELECT note, created_at FROM publog_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&note, &at)
	return note, at, mapErr(err)
}
