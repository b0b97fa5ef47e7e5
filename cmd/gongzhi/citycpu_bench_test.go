package main

// BenchmarkCityCPU measures the processor time one request costs on a city built by
// `gongzhi gen --scale city` (BENCHMARKS.md, "City scale"): each route is one sub-benchmark
// that sends its request b.N times, one after another, through the real handler in this
// process, and reports cpu-ms/op, the process's user and system time per request (for SQLite
// that includes the database; for PostgreSQL its backends' time is not counted). Processor time,
// unlike wall time, changes little when other jobs share the machine. Skipped unless
// GONGZHI_BENCH_CITY_DB names the city's database and GONGZHI_BENCH_CITY_DATA its data
// directory. The city's accounts get the demo password and a session each (this writes to the
// city's database: sessions and the password). GONGZHI_BENCH_CITY_USERS names other accounts:
// "purchaser,community,provider" (gt-purchaser,zs-community,gt-provider for the demo street).
//
//	GONGZHI_BENCH_CITY_DB=sqlite:/tmp/city.db GONGZHI_BENCH_CITY_DATA=/tmp/city-data \
//	  go test ./cmd/gongzhi -run '^$' -bench CityCPU -benchtime 200x [-cpuprofile cpu.out]

import (
	"encoding/json"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func BenchmarkCityCPU(b *testing.B) {
	cb := openCityBench(b)
	defer cb.done()
	pur, com, pro := "zs-purchaser", "zs-dh-s01-community", "gt-provider"
	if v := strings.Split(os.Getenv("GONGZHI_BENCH_CITY_USERS"), ","); len(v) == 3 { // a purchaser, a community worker, a provider
		pur, com, pro = v[0], v[1], v[2]
	}
	cb.signIn(b, pur, com, pro)
	get := cb.get
	var first struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if code, body := get(pur, "/api/v1/people"); code != 200 || json.Unmarshal(body, &first) != nil || len(first.Items) == 0 {
		b.Fatalf("people: %d %.200s", code, body)
	}
	person := strconv.FormatInt(first.Items[0].ID, 10)
	if code, body := get(pur, "/api/v1/organizations"); code != 200 || json.Unmarshal(body, &first) != nil || len(first.Items) == 0 {
		b.Fatalf("organizations: %d %.200s", code, body)
	}
	org := strconv.FormatInt(first.Items[0].ID, 10)
	if code, body := get(com, "/api/v1/households"); code != 200 || json.Unmarshal(body, &first) != nil || len(first.Items) == 0 {
		b.Fatalf("households: %d %.200s", code, body)
	}
	household := strconv.FormatInt(first.Items[0].ID, 10)
	if code, body := get(com, "/api/v1/grids"); code != 200 || json.Unmarshal(body, &first) != nil || len(first.Items) == 0 {
		b.Fatalf("grids: %d %.200s", code, body)
	}
	grid := strconv.FormatInt(first.Items[0].ID, 10)
	routes := []benchRoute{
		{"api-person", pur, "/api/v1/people/" + person},
		{"person", pur, "/people/" + person},
		{"api-todos", pur, "/api/v1/todos"},
		{"api-people", pur, "/api/v1/people"},
		{"people", pur, "/people"},
		{"api-people-surname", pur, "/api/v1/people?q=" + url.QueryEscape("王")},
		{"api-people-pinyin", pur, "/api/v1/people?q=wang"},
		{"api-people-initials", pur, "/api/v1/people?q=zw"},
		{"api-people-elderly", pur, "/api/v1/people?target_group=elderly"},
		{"households", pur, "/households"},
		{"api-households", pur, "/api/v1/households"},
		{"grids", pur, "/grids"},
		{"places", pur, "/places"},
		{"organization", pur, "/organizations/" + org},
		{"home", pur, "/"},
		{"dashboard", pur, "/dashboard"},
		{"api-dashboard", pur, "/api/v1/dashboard"},
		{"api-ledger", pur, "/api/v1/ledger"},
		{"api-contracts", pur, "/api/v1/contracts"},
		{"needs", pur, "/needs"},
		{"community-api-ledger", com, "/api/v1/ledger"},
		{"community-home", com, "/"},
		{"community-household", com, "/households/" + household},
		{"community-grid", com, "/gridwork/grids/" + grid},
		{"community-people-by-name", com, "/people?sort=name"},
		{"provider-ledger", pro, "/ledger"},
		{"provider-dashboard", pro, "/dashboard"},
		{"public-needs", "", "/public/needs"},
		{"public", "", "/public"},
	}
	cb.run(b, routes)
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
