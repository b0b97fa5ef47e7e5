package main

// BenchmarkCityGridWork measures grid work (docs/grids.md) on a city built by `gongzhi gen
// --scale city` (2,464 grids, 390,000 households): a grid's page, the visit figures of the whole
// city, a district and a community, a community's map and a community worker's overdue list,
// each as a sub-benchmark sending its request b.N times through the real handler, reporting
// wall time (ns/op) and the process's processor time (cpu-ms/op, as BenchmarkCityCPU). The city
// gets a quarter of visits first if it has none: about nine households in ten visited over the
// last 90 days, written straight into the store in one transaction (this writes to the city's
// database, like BenchmarkCityCPU's sessions). Skipped unless GONGZHI_BENCH_CITY_DB and
// GONGZHI_BENCH_CITY_DATA name the city (see BenchmarkCityCPU); -benchtime=1x runs each route
// once.
//
//	GONGZHI_BENCH_CITY_DB=sqlite:/tmp/city.db GONGZHI_BENCH_CITY_DATA=/tmp/city-data \
//	  go test ./cmd/gongzhi -run '^$' -bench CityGridWork -benchtime 20x

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
)

func BenchmarkCityGridWork(b *testing.B) {
	cb := openCityBench(b)
	defer cb.done()
	ctx := context.Background()
	a, q := cb.a, cb.a.DB.Q()

	// the city's figures: grids and households, and a quarter of visits if it has none
	var grids, households, visits int
	if err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM grids), (SELECT COUNT(*) FROM households), (SELECT COUNT(*) FROM visits)`).
		Scan(&grids, &households, &visits); err != nil {
		b.Fatal(err)
	}
	if visits < households/2 {
		start := time.Now()
		today := time.Now().In(gongzhi.ChinaTime)
		err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			for k := range 9 { // households whose id ends in 0 are left unvisited: overdue
				day := today.AddDate(0, 0, -10*k-1).Format(time.DateOnly)
				if _, err := q.Exec(ctx, `INSERT INTO visits (grid_id, household_id, community_code, visited_on, situation, recorded_name, created_at)
					SELECT grid_id, id, community_code, ?, '入户走访', 'bench', ? FROM households
					WHERE grid_id IS NOT NULL AND id % 10 <> 0 AND id % 9 = ?`, day, time.Now().UTC(), k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		q.QueryRow(ctx, `SELECT COUNT(*) FROM visits`).Scan(&visits)
		b.Logf("a quarter of visits written: %d in %s", visits, time.Since(start).Round(time.Millisecond))
	}
	b.Logf("%d grids, %d households, %d visits", grids, households, visits)

	pur, com := "zs-purchaser", "zs-dh-s01-community"
	cb.signIn(b, pur, com)
	get := cb.get
	// the community worker's community, its first grid and its district
	var comPlace, district string
	var grid int64
	if err := q.QueryRow(ctx, `SELECT u.place_code, g.id FROM users u JOIN grids g ON g.community_code = u.place_code WHERE u.username = ? ORDER BY g.id LIMIT 1`, com).
		Scan(&comPlace, &grid); err != nil {
		b.Fatal("the community worker's grid: ", err)
	}
	district = comPlace[:6] + "000000"
	var rates struct {
		Grids []json.RawMessage `json:"grids"`
	}
	var cityGrids int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM grids WHERE community_code LIKE (SELECT RTRIM(place_code, '0') FROM users WHERE username = ?) || '%'`, pur).
		Scan(&cityGrids); err != nil {
		b.Fatal(err)
	}
	if code, body := get(pur, "/api/v1/gridwork/rates"); code != 200 || json.Unmarshal(body, &rates) != nil || len(rates.Grids) != cityGrids {
		b.Fatalf("the city's rates: %d, %d grids of the city's %d: %.200s", code, len(rates.Grids), cityGrids, body)
	}
	g := strconv.FormatInt(grid, 10)
	routes := []benchRoute{
		{"grid-page", com, "/gridwork/grids/" + g},
		{"api-grid", com, "/api/v1/gridwork/grids/" + g},
		{"api-rates-city", pur, "/api/v1/gridwork/rates"},
		{"rates-city", pur, "/gridwork"},
		{"api-rates-district", pur, "/api/v1/gridwork/rates?place=" + district},
		{"api-rates-community", com, "/api/v1/gridwork/rates"},
		{"map-community", com, "/gridwork/map"},
		{"api-overdue-community", com, "/api/v1/gridwork/overdue"},
		{"api-plan", com, "/api/v1/gridwork/grids/" + g + "/plan"},
	}
	cb.run(b, routes)
}
