// Benchmarks of the purchase workflow on SQLite and, when GONGZHI_TEST_POSTGRES is set,
// PostgreSQL: ranking and awarding a call with 1,000 applications scored by a panel of 50
// experts (50,000 scores), and the funding report by category over 10 fiscal years and 100,000
// contracts. The records are written in the setup with batched multi-row inserts, outside the
// timing; each reports ms per operation.
//
//	GONGZHI_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test go test ./internal/app -run '^$' -bench Purchase -benchtime 5x

package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// purBatch inserts rows into table in multi-row statements of up to 500 rows.
func purBatch(tb testing.TB, ctx context.Context, q *store.Q, table string, cols []string, rows [][]any) {
	tb.Helper()
	const batch = 500
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, len(cols)*(end-start))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, rows[i]...)
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			tb.Fatal(err)
		}
	}
}

// purIDs returns the ids a query selects, in order.
func purIDs(tb testing.TB, ctx context.Context, q *store.Q, query string, args ...any) []int64 {
	tb.Helper()
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			tb.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// purOrgs inserts n organizations on the street and returns their ids.
func purOrgs(tb testing.TB, ctx context.Context, q *store.Q, n int, now time.Time) []int64 {
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("基准测试机构%05d", i), "professional", "registered", "local", purStreet, "3A", now, now}
	}
	purBatch(tb, ctx, q, "organizations", []string{"name", "type", "reg_state", "origin", "place_code", "grade", "created_at", "updated_at"}, rows)
	return purIDs(tb, ctx, q, `SELECT id FROM organizations WHERE name LIKE '基准测试机构%' ORDER BY id`)
}

func BenchmarkPurchaseRankAndAward(b *testing.B) {
	storetest.EachB(b, func(b *testing.B, db *store.DB) {
		const nApps, nExperts = 1000, 50
		setup := time.Now()
		f := purSetup(b, db, purOptions{orgs: 1, experts: nExperts, budget: gongzhi.Yuan(50_000_000)})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(30_000_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		now := f.clock()
		orgs := purOrgs(b, ctx, db.Q(), nApps, now)
		rng := rand.New(rand.NewPCG(1, 2))
		rows := make([][]any, nApps)
		for i := range rows {
			req := gongzhi.Yuan(int64(20_000 + rng.IntN(70_001)))
			rows[i] = []any{c.ID, orgs[i], fmt.Sprintf("项目%04d", i), "elderly_home_care", int64(req), 0, "submitted",
				now.Add(time.Duration(i) * time.Second), now, now}
		}
		purBatch(b, ctx, db.Q(), "applications", []string{"call_id", "org_id", "title", "category_code", "requested", "band", "state",
			"submitted_at", "created_at", "updated_at"}, rows)
		f.at(c.ClosesAt.Add(time.Hour))
		f.must(a.CloseCall(ctx, f.purchaser, c.ID))
		if _, err := db.Q().Exec(ctx, `UPDATE applications SET state = 'eligible' WHERE call_id = ?`, c.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := a.DrawPanel(ctx, f.purchaser, c.ID, nExperts, nil, 20261122); err != nil {
			b.Fatal(err)
		}
		for _, p := range f.experts {
			f.must(a.DeclareNoConflict(ctx, f.expertAc[p], c.ID))
		}
		f.must(a.StartReview(ctx, f.purchaser, c.ID))
		apps := purIDs(b, ctx, db.Q(), `SELECT id FROM applications WHERE call_id = ? ORDER BY id`, c.ID)
		call, err := a.Call(ctx, f.purchaser, c.ID)
		f.must(err)
		scores := make([][]any, 0, nApps*nExperts)
		for _, ap := range apps {
			for _, p := range f.experts {
				total := gongzhi.Points(5000 + rng.IntN(5001))
				crit := purScores(call, total)
				js := strings.ReplaceAll(fmt.Sprint(crit), " ", ",")
				scores = append(scores, []any{c.ID, ap, p, js, int64(total), "", now})
			}
		}
		purBatch(b, ctx, db.Q(), "review_scores", []string{"call_id", "application_id", "person_id", "criteria", "total", "comment", "submitted_at"}, scores)
		if db.Dialect == store.Postgres {
			if _, err := db.Q().Exec(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("%s: setup of %d applications and %d scores in %s", db.Dialect, nApps, len(scores), time.Since(setup).Round(time.Millisecond))

		var funded int
		var rankTime, awardTime time.Duration
		n := 0
		for b.Loop() {
			// Every round ranks and awards from scratch; the reset is not counted.
			if _, err := db.Q().Exec(ctx, `UPDATE applications SET score = 0, scores = 0, rank_no = 0, unfunded_reason = '' WHERE call_id = ?`, c.ID); err != nil {
				b.Fatal(err)
			}
			if _, err := db.Q().Exec(ctx, `DELETE FROM awards WHERE call_id = ?`, c.ID); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			rs, err := a.RankCall(ctx, f.purchaser, c.ID)
			if err != nil || len(rs) != nApps {
				b.Fatalf("rank: %d, %v", len(rs), err)
			}
			t1 := time.Now()
			props, err := a.ProposeAwards(ctx, f.purchaser, c.ID, 6000)
			if err != nil {
				b.Fatal(err)
			}
			rankTime += t1.Sub(t0)
			awardTime += time.Since(t1)
			funded = 0
			for _, p := range props {
				if p.Amount > 0 {
					funded++
				}
			}
			n++
		}
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
		b.ReportMetric(ms(rankTime+awardTime), "ms/op")
		b.ReportMetric(ms(rankTime), "rank-ms")
		b.ReportMetric(ms(awardTime), "award-ms")
		b.ReportMetric(float64(funded), "funded")
		b.StopTimer()
		t0 := time.Now()
		f.must(a.PublishAwards(ctx, f.purchaser, c.ID))
		b.ReportMetric(float64(time.Since(t0).Microseconds())/1000, "publish-ms")
	})
}

func BenchmarkPurchaseFundingReport(b *testing.B) {
	storetest.EachB(b, func(b *testing.B, db *store.DB) {
		const years, perYear = 10, 10_000
		setup := time.Now()
		ctx := context.Background()
		now := purStart
		a := app.New(db, mustBox(b), kernel.Config{}, nil) // the public ledger derives its keys from the box
		a.Now = func() time.Time { return now }
		q := db.Q()
		if _, err := q.UpsertPlaces(ctx, purPlaces, now); err != nil {
			b.Fatal(err)
		}
		orgs := purOrgs(b, ctx, q, 200, now)
		cats, err := q.ListServiceCategories(ctx, false)
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(3, 4))
		err = db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			for y := 2017; y < 2017+years; y++ {
				bid, err := q.InsertID(ctx, `INSERT INTO budgets (place_code, fiscal_year, level, fund, name, amount, created_at, updated_at)
					VALUES (?, ?, 'street', 'fiscal', ?, ?, ?, ?)`, purStreet, y, fmt.Sprint(y, "年度预算"), int64(gongzhi.Yuan(10_000_000_000)), now, now)
				if err != nil {
					return err
				}
				cid, err := q.InsertID(ctx, `INSERT INTO calls (place_code, kind, title, categories, budget_id, amount, opens_at, closes_at, state,
					created_at, updated_at) VALUES (?, 'venture_philanthropy', ?, ',elderly_home_care,', ?, ?, ?, ?, 'final', ?, ?)`,
					purStreet, fmt.Sprint(y, "年度公益创投"), bid, int64(gongzhi.Yuan(10_000_000_000)), now, now, now, now)
				if err != nil {
					return err
				}
				cat := make([]string, perYear)
				amt := make([]int64, perYear)
				rows := make([][]any, perYear)
				for i := range rows {
					// Elderly home care takes about 60% of the money, as in the province's real year.
					cat[i] = cats[rng.IntN(len(cats))].Code
					if rng.IntN(100) < 45 {
						cat[i] = "elderly_home_care"
					}
					amt[i] = int64(gongzhi.Yuan(int64(20_000 + rng.IntN(480_001))))
					rows[i] = []any{cid, orgs[i%len(orgs)], fmt.Sprint("项目", i), cat[i], amt[i], 0, "awarded", now, now, now}
				}
				purBatch(b, ctx, q, "applications", []string{"call_id", "org_id", "title", "category_code", "requested", "band", "state",
					"submitted_at", "created_at", "updated_at"}, rows)
				apps := purIDs(b, ctx, q, `SELECT id FROM applications WHERE call_id = ? ORDER BY id`, cid)
				for i := range rows {
					rows[i] = []any{cid, apps[i], orgs[i%len(orgs)], amt[i], "final", now, now}
				}
				purBatch(b, ctx, q, "awards", []string{"call_id", "application_id", "org_id", "amount", "state", "created_at", "updated_at"}, rows)
				awards := purIDs(b, ctx, q, `SELECT id FROM awards WHERE call_id = ? ORDER BY application_id`, cid)
				for i := range rows {
					rows[i] = []any{awards[i], cid, apps[i], orgs[i%len(orgs)], purStreet, y, cat[i], fmt.Sprint("项目", i), "葛塘街道", "机构",
						"signed", 1, amt[i], now, now, now}
				}
				purBatch(b, ctx, q, "contracts", []string{"award_id", "call_id", "application_id", "org_id", "place_code", "fiscal_year",
					"category_code", "title", "purchaser_name", "provider_name", "state", "version", "amount", "signed_at", "created_at", "updated_at"}, rows)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if db.Dialect == store.Postgres {
			if _, err := q.Exec(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("%s: setup of %d contracts in %s", db.Dialect, years*perYear, time.Since(setup).Round(time.Millisecond))

		start := time.Now()
		n := 0
		for b.Loop() {
			ys, err := a.FundingByCategory(ctx, purStreet, 2017, 2017+years-1)
			if err != nil || len(ys) != years {
				b.Fatalf("report: %d years, %v", len(ys), err)
			}
			count, share := 0, 0
			for _, y := range ys {
				count += y.Contracts
				share = 0
				for _, c := range y.Categories {
					share += c.ShareBP
				}
				if share != 10000 {
					b.Fatalf("%d: shares add up to %d", y.Year, share)
				}
			}
			if count != years*perYear {
				b.Fatalf("%d contracts", count)
			}
			n++
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(n), "ms/op")
	})
}
