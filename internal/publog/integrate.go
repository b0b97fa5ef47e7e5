// Integration: pending records get their leaf indexes, the tree's hashes, tiles and a signed
// checkpoint, in batches, once, whichever instance runs it.

package publog

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"gongzhi/internal/store"
)

// BatchSize is the most records one batch integrates; each batch signs one checkpoint.
const BatchSize = 256

// maxEntry is the largest record an entry bundle can hold (a 16-bit length).
const maxEntry = 1<<16 - 1

// Integrate integrates every pending record, in batches of at most BatchSize, each in its own
// transaction under the row lock of publog_state (PostgreSQL: the UPDATE's row lock; SQLite: the
// immediate transaction's write lock), so two instances never integrate one record twice: the
// second waits, then sees the records already integrated. It also signs the first, empty,
// checkpoint of a new log. Returns how many records it integrated.
func (l *Log) Integrate(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := l.integrateBatch(ctx)
		total += n
		if err != nil || n < BatchSize {
			return total, err
		}
	}
}

type pending struct {
	seq  int64
	data []byte
}

func (l *Log) integrateBatch(ctx context.Context) (int, error) {
	done := 0
	err := l.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		done = 0
		var size int64
		if err := q.QueryRow(ctx, `UPDATE publog_state SET updated_at = ? WHERE id = 1 RETURNING size`,
			l.Now().UTC()).Scan(&size); err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT id, entry FROM publog_records WHERE idx IS NULL ORDER BY id LIMIT ?`, BatchSize)
		if err != nil {
			return err
		}
		var recs []pending
		for rows.Next() {
			var p pending
			var s string
			if err := rows.Scan(&p.seq, &s); err != nil {
				rows.Close()
				return err
			}
			p.data = []byte(s)
			recs = append(recs, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(recs) == 0 {
			if size == 0 {
				return l.firstCheckpoint(ctx, q)
			}
			return nil
		}
		hr := &hashReader{ctx: ctx, q: q, cache: map[int64]tlog.Hash{}}
		var newHashes []int64
		for i, p := range recs {
			idx := size + int64(i)
			res, err := q.Exec(ctx, `UPDATE publog_records SET idx = ? WHERE id = ? AND idx IS NULL`, idx, p.seq)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("publog: record %d integrated twice", p.seq)
			}
			hs, err := tlog.StoredHashes(idx, p.data, hr)
			if err != nil {
				return err
			}
			first := tlog.StoredHashIndex(0, idx)
			for j, h := range hs {
				hr.cache[first+int64(j)] = h
				newHashes = append(newHashes, first+int64(j))
			}
		}
		if err := insertHashes(ctx, q, newHashes, hr.cache); err != nil {
			return err
		}
		newSize := size + int64(len(recs))
		for _, t := range tlog.NewTiles(TileHeight, size, newSize) {
			data, err := tlog.ReadTileData(t, hr)
			if err != nil {
				return err
			}
			if err := putTile(ctx, q, t.L, t.N, t.W, data); err != nil {
				return err
			}
		}
		if err := writeBundles(ctx, q, size, recs); err != nil {
			return err
		}
		root, err := tlog.TreeHash(newSize, hr)
		if err != nil {
			return err
		}
		if err := l.addCheckpoint(ctx, q, Checkpoint{Origin: l.Origin, Size: newSize, Root: root}); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE publog_state SET size = ? WHERE id = 1 AND size = ?`, newSize, size); err != nil {
			return err
		}
		done = len(recs)
		return nil
	})
	return done, err
}

// firstCheckpoint signs the empty tree's checkpoint once, so that a new log serves one.
func (l *Log) firstCheckpoint(ctx context.Context, q *store.Q) error {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM publog_checkpoints`).Scan(&n); err != nil || n > 0 {
		return err
	}
	return l.addCheckpoint(ctx, q, Checkpoint{Origin: l.Origin, Size: 0, Root: emptyRoot})
}

func (l *Log) addCheckpoint(ctx context.Context, q *store.Q, c Checkpoint) error {
	signed, err := l.sign(c)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO publog_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)`,
		c.Size, c.Root.String(), signed, l.Now().UTC())
	return err
}

// insertHashes stores new hashes, many rows a statement.
func insertHashes(ctx context.Context, q *store.Q, ids []int64, hs map[int64]tlog.Hash) error {
	const per = 200
	for len(ids) > 0 {
		k := min(per, len(ids))
		var sb strings.Builder
		args := make([]any, 0, 2*k)
		sb.WriteString(`INSERT INTO publog_hashes (id, hash) VALUES `)
		for i, id := range ids[:k] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?)")
			h := hs[id]
			args = append(args, id, h[:])
		}
		if _, err := q.Exec(ctx, sb.String(), args...); err != nil {
			return err
		}
		ids = ids[k:]
	}
	return nil
}

// putTile stores the latest tile at a level and number (level -1: an entry bundle).
func putTile(ctx context.Context, q *store.Q, level int, n int64, width int, data []byte) error {
	_, err := q.Exec(ctx, `INSERT INTO publog_tiles (level, n, width, data) VALUES (?, ?, ?, ?)
		ON CONFLICT (level, n) DO UPDATE SET width = excluded.width, data = excluded.data`, level, n, width, data)
	return err
}

// writeBundles appends the batch's records to their entry bundles: each entry a big-endian
// 16-bit length and the record's bytes (C2SP tlog-tiles).
func writeBundles(ctx context.Context, q *store.Q, size int64, recs []pending) error {
	for i := 0; i < len(recs); {
		idx := size + int64(i)
		n := idx >> TileHeight
		var old []byte
		err := q.QueryRow(ctx, `SELECT data FROM publog_tiles WHERE level = -1 AND n = ?`, n).Scan(&old)
		if err != nil && !isNotFound(err) {
			return err
		}
		b := append([]byte(nil), old...)
		w := int(idx - n<<TileHeight)
		for ; i < len(recs) && (size+int64(i))>>TileHeight == n; i++ {
			d := recs[i].data
			if len(d) > maxEntry {
				return fmt.Errorf("publog: record %d is longer than %d bytes", recs[i].seq, maxEntry)
			}
			b = binary.BigEndian.AppendUint16(b, uint16(len(d)))
			b = append(b, d...)
			w++
		}
		if err := putTile(ctx, q, -1, n, w, b); err != nil {
			return err
		}
	}
	return nil
}

// hashReader reads stored hashes from publog_hashes, and those of the batch from its cache.
type hashReader struct {
	ctx   context.Context
	q     *store.Q
	cache map[int64]tlog.Hash
}

func (r *hashReader) ReadHashes(ids []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(ids))
	var miss []any
	for _, id := range ids {
		if _, ok := r.cache[id]; !ok {
			miss = append(miss, id)
		}
	}
	if len(miss) > 0 {
		rows, err := r.q.Query(r.ctx, `SELECT id, hash FROM publog_hashes WHERE id IN (?`+strings.Repeat(", ?", len(miss)-1)+`)`, miss...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var b []byte
			if err := rows.Scan(&id, &b); err != nil {
				rows.Close()
				return nil, err
			}
			var h tlog.Hash
			copy(h[:], b)
			r.cache[id] = h
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for i, id := range ids {
		h, ok := r.cache[id]
		if !ok {
			return nil, fmt.Errorf("publog: stored hash %d missing", id)
		}
		out[i] = h
	}
	return out, nil
}

func isNotFound(err error) bool { return errors.Is(err, sql.ErrNoRows) }
