package publog_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi/internal/publog"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// appendTarget is the rate the issue asks of the ledger (issue 12, "Done when").
const appendTarget = 5000

// benchRecord is a record the size of a voucher's (about 250 bytes).
func benchRecord(i int) publog.Record {
	return publog.Record{Type: "voucher.redeemed", Version: 1, Body: map[string]any{
		"voucher_id": i, "serial_sha256": fmt.Sprintf("%064x", i), "org_id": 7, "entry_id": i, "amount_fen": 5000, "month": "2026-12",
		"holder": publog.Pseudonym([]byte("bench"), int64(i))}}
}

// BenchmarkAppendIntegrated measures the ledger's appends per second: each record written in a
// transaction of its own (as a business change writes it), by 16 writers at once, while the
// integration loop runs as the server runs it (every second and at every BatchSize records);
// the clock stops when the last record is integrated under a signed checkpoint. It reports
// appends/s against the target of 5,000/s. With -benchtime=1x (CI) it writes 2,000 records;
// GONGZHI_BENCH_APPENDS=N writes N (BENCHMARKS.md used 50,000).
func BenchmarkAppendIntegrated(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("GONGZHI_BENCH_APPENDS")); err == nil && v > 0 {
		n = v
	}
	storetest.EachB(b, func(b *testing.B, db *store.DB) {
		l := newLog(b, db)
		ctx := context.Background()
		integrate(b, l)
		const writers = 16
		var total time.Duration
		done := 0
		for b.Loop() {
			_, c0 := latest(b, db)
			rctx, cancel := context.WithCancel(ctx)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); l.Run(rctx, time.Second, nil) }()
			t0 := time.Now()
			var next atomic.Int64
			var ww sync.WaitGroup
			for range writers {
				ww.Add(1)
				go func() {
					defer ww.Done()
					for {
						i := int(next.Add(1))
						if i > n {
							return
						}
						if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
							_, err := publog.Append(ctx, q, benchRecord(i))
							return err
						}); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			ww.Wait()
			want := c0.Size + int64(n)
			for {
				_, c := latest(b, db)
				if c.Size >= want {
					break
				}
				time.Sleep(2 * time.Millisecond)
			}
			total += time.Since(t0)
			done += n
			cancel()
			wg.Wait()
		}
		rate := float64(done) / total.Seconds()
		b.ReportMetric(rate, "appends/s")
		b.ReportMetric(appendTarget, "target_appends/s")
		b.Logf("%s: %d records appended and integrated in %v: %.0f/s (target %d/s)", db.Dialect, done, total.Round(time.Millisecond), rate, appendTarget)
	})
}

// BenchmarkVerifyLog measures a full verification of a log as `gongzhi log verify` makes it:
// the checkpoint's signature, every entry bundle read and the whole tree recomputed from the
// records, every hash tile compared. The log is built quickly first (records bulk-appended,
// integrated in large batches). With -benchtime=1x (CI) the log holds 20,000 records;
// GONGZHI_BENCH_VERIFY=1000000 builds the million-record log BENCHMARKS.md reports.
func BenchmarkVerifyLog(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("GONGZHI_BENCH_VERIFY")); err == nil && v > 0 {
		n = v
	}
	storetest.EachB(b, func(b *testing.B, db *store.DB) {
		l := newLog(b, db)
		ctx := context.Background()
		t0 := time.Now()
		bulkAppend(b, db, n)
		tApp := time.Since(t0)
		t0 = time.Now()
		if got, err := l.IntegrateBatches(ctx, 1<<16); err != nil || got != n {
			b.Fatalf("integrated %d, %v", got, err)
		}
		b.Logf("%s: %d records appended in %v, integrated in %v", db.Dialect, n, tApp.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
		fetch := publog.DBFetcher(db.Q())
		var v *publog.Verified
		for b.Loop() {
			var err error
			if v, err = publog.Verify(ctx, fetch, l.VKey, "", false); err != nil {
				b.Fatal(err)
			}
		}
		if v.Checkpoint.Size != int64(n) {
			b.Fatalf("verified %d records, want %d", v.Checkpoint.Size, n)
		}
		b.ReportMetric(float64(n), "records")
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/verify")
	})
}

// bulkAppend appends n records in transactions of 5,000.
func bulkAppend(b *testing.B, db *store.DB, n int) {
	b.Helper()
	for i := 0; i < n; {
		err := db.Transact(context.Background(), func(ctx context.Context, q *store.Q) error {
			for k := 0; k < 5000 && i < n; k, i = k+1, i+1 {
				if _, err := publog.Append(ctx, q, benchRecord(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
