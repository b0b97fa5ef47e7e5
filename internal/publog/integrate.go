// Integration: pending records get their leaf indexes, the tree's hashes, tiles and a signed
// checkpoint, in batches, once, whichever instance runs it.

package publog

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"gongzhi"
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
	return l.IntegrateBatches(ctx, BatchSize)
}

// IntegrateBatches is Integrate with batches of at most size records (a bulk load integrates in
// batches of tens of thousands: one checkpoint each, every tile written once per batch).
func (l *Log) IntegrateBatches(ctx context.Context, size int) (int, error) {
	total := 0
	for {
		n, err := l.integrateBatch(ctx, size)
		total += n
		if err != nil || n < size {
			return total, err
		}
	}
}

func (l *Log) integrateBatch(ctx context.Context, limit int) (int, error) {
	done := 0
	err := l.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		done = 0
		size, err := q.LockLogState(ctx, l.Now())
		if err != nil {
			return err
		}
		recs, err := q.PendingLogRecords(ctx, limit)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			if size == 0 {
				return l.firstCheckpoint(ctx, q)
			}
			return nil
		}
		// leaf indexes in id order, one statement per run of consecutive sequence numbers
		for i := 0; i < len(recs); {
			j := i + 1
			for j < len(recs) && recs[j].Seq == recs[j-1].Seq+1 {
				j++
			}
			if err := q.SetLogIndexRange(ctx, recs[i].Seq, recs[j-1].Seq, size+int64(i)); err != nil {
				return fmt.Errorf("publog: %w", err)
			}
			i = j
		}
		hr := storeHashReader(ctx, q)
		ids := make([]int64, 0, 2*len(recs))
		hashes := make([][]byte, 0, 2*len(recs))
		for i, p := range recs {
			idx := size + int64(i)
			hs, err := tlog.StoredHashes(idx, []byte(p.Entry), hr)
			if err != nil {
				return err
			}
			first := tlog.StoredHashIndex(0, idx)
			for j, h := range hs {
				hr.cache[first+int64(j)] = h
				ids = append(ids, first+int64(j))
				hashes = append(hashes, h[:])
			}
		}
		if err := q.InsertLogHashes(ctx, ids, hashes); err != nil {
			return err
		}
		newSize := size + int64(len(recs))
		for _, t := range tlog.NewTiles(TileHeight, size, newSize) {
			data, err := tlog.ReadTileData(t, hr)
			if err != nil {
				return err
			}
			if err := q.PutLogTile(ctx, t.L, t.N, t.W, data); err != nil {
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
		if err := q.SetLogSize(ctx, size, newSize); err != nil {
			return err
		}
		done = len(recs)
		return nil
	})
	return done, err
}

// firstCheckpoint signs the empty tree's checkpoint once, so that a new log serves one.
func (l *Log) firstCheckpoint(ctx context.Context, q *store.Q) error {
	if n, err := q.CountLogCheckpoints(ctx); err != nil || n > 0 {
		return err
	}
	return l.addCheckpoint(ctx, q, Checkpoint{Origin: l.Origin, Size: 0, Root: emptyRoot})
}

func (l *Log) addCheckpoint(ctx context.Context, q *store.Q, c Checkpoint) error {
	signed, err := l.sign(c)
	if err != nil {
		return err
	}
	return q.InsertLogCheckpoint(ctx, c.Size, c.Root.String(), signed, l.Now())
}

// writeBundles appends the batch's records to their entry bundles: each entry a big-endian
// 16-bit length and the record's bytes (C2SP tlog-tiles).
func writeBundles(ctx context.Context, q *store.Q, size int64, recs []store.LogRecord) error {
	for i := 0; i < len(recs); {
		idx := size + int64(i)
		n := idx >> TileHeight
		_, old, err := q.LogTile(ctx, -1, n)
		if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return err
		}
		b := append([]byte(nil), old...)
		w := int(idx - n<<TileHeight)
		for ; i < len(recs) && (size+int64(i))>>TileHeight == n; i++ {
			d := recs[i].Entry
			if len(d) > maxEntry {
				return fmt.Errorf("publog: record %d is longer than %d bytes", recs[i].Seq, maxEntry)
			}
			b = binary.BigEndian.AppendUint16(b, uint16(len(d)))
			b = append(b, d...)
			w++
		}
		if err := q.PutLogTile(ctx, -1, n, w, b); err != nil {
			return err
		}
	}
	return nil
}

// hashReader reads stored hashes from the database, and those of the batch from its cache.
type hashReader struct {
	ctx   context.Context
	q     *store.Q
	cache map[int64]tlog.Hash
}

// storeHashReader reads the tree's stored hashes on q.
func storeHashReader(ctx context.Context, q *store.Q) *hashReader {
	return &hashReader{ctx: ctx, q: q, cache: map[int64]tlog.Hash{}}
}

func (r *hashReader) ReadHashes(ids []int64) ([]tlog.Hash, error) {
	var miss []int64
	for _, id := range ids {
		if _, ok := r.cache[id]; !ok {
			miss = append(miss, id)
		}
	}
	got, err := r.q.LogHashes(r.ctx, miss)
	if err != nil {
		return nil, err
	}
	for id, b := range got {
		r.cache[id] = tlog.Hash(b)
	}
	out := make([]tlog.Hash, len(ids))
	for i, id := range ids {
		h, ok := r.cache[id]
		if !ok {
			return nil, fmt.Errorf("publog: stored hash %d missing", id)
		}
		out[i] = h
	}
	return out, nil
}

// appended counts the records this process committed since its integration loop last ran, and
// wake tells the loop (Run) that BatchSize of them are waiting.
var (
	appended atomic.Int64
	wake     = make(chan struct{}, 1)
)

// committed is Append's after-commit hook: the BatchSize-th record committed since the last
// integration wakes the loop.
func committed() {
	if appended.Add(1) == BatchSize {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}

// Run integrates pending records every interval, and as soon as BatchSize records have been
// committed by this process since the last integration, until ctx ends (each server instance
// runs it; Integrate's row lock keeps instances from integrating one record twice, and the
// records another instance writes are integrated by its own loop or at the next tick).
// Failures are logged and retried at the next tick.
func (l *Log) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
		appended.Store(0)
		if _, err := l.Integrate(ctx); err != nil && ctx.Err() == nil && log != nil {
			log.Warn("public ledger: integration", "err", err)
		}
	}
}
