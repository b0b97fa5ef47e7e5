package publog_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"gongzhi/internal/publog"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func integrate(t testing.TB, l *publog.Log) int {
	t.Helper()
	n, err := l.Integrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func latest(t testing.TB, db *store.DB) (string, publog.Checkpoint) {
	t.Helper()
	s, c, err := publog.LatestCheckpoint(context.Background(), db.Q())
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// The tiles and checkpoints pass sumdb/tlog's own verifier: tlog.TileHashReader checks every
// tile it reads against the checkpoint's root, the tree hash it gives is the root, inclusion
// proofs of every record check, and each checkpoint is consistent with the earlier ones
// (tlog.ProveTree / tlog.CheckTree); our own full verification agrees.
func TestTilesAndConsistency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLog(t, db)
		if n := integrate(t, l); n != 0 {
			t.Fatalf("integrated %d of nothing", n)
		}
		empty, c0 := latest(t, db)
		if c0.Size != 0 || c0.Origin != "gongzhi.example/test" {
			t.Fatalf("first checkpoint %+v", c0)
		}
		fetch := publog.DBFetcher(db.Q())
		var signed []string
		var cps []publog.Checkpoint
		total := 0
		for _, k := range []int{1, 2, 5, 250, 300, 3} { // across full tiles and partial ones
			appendN(t, db, total, k)
			total += k
			if n := integrate(t, l); n != k {
				t.Fatalf("integrated %d, want %d", n, k)
			}
			s, c := latest(t, db)
			if c.Size != int64(total) {
				t.Fatalf("checkpoint size %d, want %d", c.Size, total)
			}
			signed, cps = append(signed, s), append(cps, c)
		}
		last := cps[len(cps)-1]
		hr := tlog.TileHashReader(tlog.Tree{N: last.Size, Hash: last.Root}, &publog.TileReader{Ctx: ctx, Fetch: fetch})
		root, err := tlog.TreeHash(last.Size, hr)
		if err != nil || root != last.Root {
			t.Fatalf("tlog.TreeHash over the tiles = %v, %v; want %v", root, err, last.Root)
		}
		for _, i := range []int64{0, 1, 255, 256, 511, last.Size - 1} {
			var data string
			if err := db.Q().QueryRow(ctx, `SELECT entry FROM publog_records WHERE idx = ?`, i).Scan(&data); err != nil {
				t.Fatal(err)
			}
			p, err := tlog.ProveRecord(last.Size, i, hr)
			if err != nil {
				t.Fatal(err)
			}
			if err := tlog.CheckRecord(p, last.Size, last.Root, i, tlog.RecordHash([]byte(data))); err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
		}
		for i, c := range cps[:len(cps)-1] {
			if err := publog.CheckConsistency(ctx, fetch, c, last); err != nil {
				t.Fatalf("checkpoint %d (size %d) and the last: %v", i, c.Size, err)
			}
		}
		// Verify recomputes the tree from the entry bundles, compares the tiles and proves
		// consistency with an earlier checkpoint.
		v, err := publog.Verify(ctx, fetch, l.VKey, signed[2], true)
		if err != nil {
			t.Fatal(err)
		}
		if v.Checkpoint != last || len(v.Records) != total {
			t.Fatalf("Verify: %+v, %d records", v.Checkpoint, len(v.Records))
		}
		if _, err := publog.Verify(ctx, fetch, l.VKey, empty, false); err != nil {
			t.Fatal(err)
		}
		// A checkpoint of another tree is not consistent, and a wrong key is refused.
		forged := cps[2]
		forged.Root[0] ^= 1
		if err := publog.CheckConsistency(ctx, fetch, forged, last); err == nil {
			t.Fatal("an altered old checkpoint passed as consistent")
		}
		other := newLogKey(t, db, 1)
		if _, err := publog.Verify(ctx, fetch, other.VKey, "", false); err == nil {
			t.Fatal("the checkpoint verified with another key")
		}
	})
}

// Receipts verify offline with the public key; any changed byte makes them fail.
func TestReceipt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLog(t, db)
		seqs := appendN(t, db, 0, 40)
		if _, err := publog.MakeReceipt(ctx, db.Q(), seqs[3]); err == nil {
			t.Fatal("a receipt for a pending record")
		}
		integrate(t, l)
		appendN(t, db, 40, 3)
		integrate(t, l)
		r, err := publog.MakeReceipt(ctx, db.Q(), seqs[3])
		if err != nil {
			t.Fatal(err)
		}
		text := r.Text()
		rec, c, _, err := publog.VerifyReceipt([]byte(text), l.VKey)
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		if rec.Type != "test.counted" || rec.Body["i"] == nil || c.Size != 43 {
			t.Fatalf("receipt of %+v at %+v", rec, c)
		}
		for i := range len(text) {
			b := []byte(text)
			b[i] ^= 0x01
			if _, _, _, err := publog.VerifyReceipt(b, l.VKey); err == nil {
				// a flipped bit in the signature line's key name or in base64 padding may
				// decode alike only where the format is not strict: say where
				t.Fatalf("receipt with byte %d changed (%q) verified", i, strings.Split(text[max(0, i-20):i+1], "\n"))
			}
		}
	})
}

// 50 concurrent appends, integrated by four integrators at once (as four instances would),
// each get exactly one leaf index: 0…49, no gap, no double, and the tree checks.
func TestConcurrentAppendsOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := newLog(t, db)
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for i := range 50 {
			wg.Go(func() {
				errs <- db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
					_, err := publog.Append(ctx, q, publog.Record{Type: "test.concurrent", Version: 1, Body: map[string]any{"i": i}})
					return err
				})
			})
		}
		for range 4 {
			wg.Go(func() {
				for range 5 {
					_, err := l.Integrate(ctx)
					errs <- err
				}
			})
		}
		wg.Wait()
		integrate(t, l)
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var n, distinct, lo, hi int64
		if err := db.Q().QueryRow(ctx, `SELECT COUNT(*), COUNT(DISTINCT idx), MIN(idx), MAX(idx) FROM publog_records`).Scan(&n, &distinct, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		if n != 50 || distinct != 50 || lo != 0 || hi != 49 {
			t.Fatalf("records %d, distinct indexes %d, from %d to %d", n, distinct, lo, hi)
		}
		var hashes int64
		if err := db.Q().QueryRow(ctx, `SELECT COUNT(*) FROM publog_hashes`).Scan(&hashes); err != nil || hashes != tlog.StoredHashCount(50) {
			t.Fatalf("stored hashes %d, want %d (%v)", hashes, tlog.StoredHashCount(50), err)
		}
		if _, err := publog.Verify(ctx, publog.DBFetcher(db.Q()), l.VKey, "", false); err != nil {
			t.Fatal(err)
		}
	})
}

// The integration loop runs every second and as soon as BatchSize records are committed: with a
// tick too long to matter, 255 committed records wait and the 256th wakes the loop. Two
// instances (two pools on one database, each with its loop) integrate every record once; the
// records of an instance whose loop is not running are integrated at the other's next tick.
func TestIntegrateEvery256(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		l := newLog(t, db)
		integrate(t, l)
		db2, err := store.Open(ctx, db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		l2 := newLog(t, db2)
		var wg sync.WaitGroup
		defer wg.Wait()
		defer cancel()
		publog.ResetWake() // the records of the tests before do not count
		for _, x := range []*publog.Log{l, l2} {
			wg.Go(func() { x.Run(ctx, time.Hour, slog.New(slog.DiscardHandler)) })
		}
		size := func() int64 {
			_, c := latest(t, db)
			return c.Size
		}
		waitSize := func(want int64) {
			t.Helper()
			for end := time.Now().Add(10 * time.Second); size() < want; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(end) {
					t.Fatalf("checkpoint size %d, want %d", size(), want)
				}
			}
		}
		appendN(t, db, 0, publog.BatchSize-1)
		time.Sleep(300 * time.Millisecond)
		if n := size(); n != 0 {
			t.Fatalf("%d records integrated before the %dth", n, publog.BatchSize)
		}
		appendN(t, db2, publog.BatchSize-1, 1)
		waitSize(publog.BatchSize)
		appendN(t, db, publog.BatchSize, 2*publog.BatchSize) // two more batches' worth: fewer than 256 wait
		waitSize(3*publog.BatchSize - (publog.BatchSize - 1))
		// a tick integrates what is left
		tctx, tcancel := context.WithCancel(ctx)
		appendN(t, db2, 3*publog.BatchSize, 10)
		wg.Go(func() { l2.Run(tctx, 20*time.Millisecond, nil) })
		waitSize(3*publog.BatchSize + 10)
		tcancel()
		var n, distinct, hi int64
		if err := db.Q().QueryRow(context.Background(), `SELECT COUNT(*), COUNT(DISTINCT idx), MAX(idx) FROM publog_records`).Scan(&n, &distinct, &hi); err != nil {
			t.Fatal(err)
		}
		if n != 3*publog.BatchSize+10 || distinct != n || hi != n-1 {
			t.Fatalf("records %d, distinct indexes %d, last %d", n, distinct, hi)
		}
		if _, err := publog.Verify(context.Background(), publog.DBFetcher(db.Q()), l.VKey, "", false); err != nil {
			t.Fatal(err)
		}
	})
}
