// Benchmark of the other hot writes of issue 10 beside the ledger's (BenchmarkLedgerWrite): a
// need recorded by community staff and a complaint submitted by a resident, each through its
// service, one transaction per write. Reports each write's wall time, the process's processor
// time (unix) and the statements it runs (store.CountStatements), on each database.
//
//	GONGZHI_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test go test ./internal/app -run '^$' -bench HotWrites -benchtime 300x

package app_test

import (
	"fmt"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func BenchmarkHotWrites(b *testing.B) {
	store.TrackOpenRows(false) // as in production: measure what a server runs (internal/store/rows.go)
	defer store.TrackOpenRows(true)
	storetest.EachB(b, func(b *testing.B, db *store.DB) {
		f := cmpSetup(b, db)
		writes := []struct {
			name  string
			write func(i int) error
		}{
			{"need", func(i int) error {
				return f.a.RecordNeed(f.ctx, f.community, &gongzhi.Need{CommunityCode: purZhongshan, TargetGroup: "elderly",
					CategoryCode: "elderly_home_care", Description: fmt.Sprintf("楼道灯坏了，老人夜里出门不便（%d）。", i), PeopleAffected: 12,
					Source: "household_visit"})
			}},
			{"complaint", func(i int) error {
				c := cmpNew("complaint")
				c.Subject = fmt.Sprintf("助餐服务送餐不及时（%d）", i)
				return f.a.SubmitComplaint(f.ctx, f.resident, c)
			}},
		}
		for _, w := range writes {
			b.Run(w.name, func(b *testing.B) {
				if err := w.write(-1); err != nil { // warm up: connections, caches
					b.Fatal(err)
				}
				store.CountStatements(true)
				defer store.CountStatements(false)
				stmts, cpu, start := store.Statements(), processCPU(), time.Now()
				b.ResetTimer()
				for i := range b.N {
					if err := w.write(i); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				elapsed, used := time.Since(start), processCPU()-cpu
				b.ReportMetric(float64(elapsed.Microseconds())/float64(b.N), "µs/write")
				b.ReportMetric(float64(store.Statements()-stmts)/float64(b.N), "statements/write")
				if used > 0 {
					b.ReportMetric(float64(used.Microseconds())/float64(b.N), "cpu-µs/write")
				}
			})
		}
	})
}
