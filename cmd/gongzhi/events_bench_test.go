package main

// BenchmarkCityEvents measures grid events (docs/events.md) on a city built by `gongzhi gen
// --scale city` with its events stage (a year of events, about 100,000; `gongzhi gen --stage
// events` adds it to a city built before): the events list of the city's office, a street
// office, a community worker and a department (first page, a page 20 deep by cursor, the
// filters category, step, overdue, escalated and grid), an event's page and its API, a grid's
// page with its events and team, the statistics of the city, a district and a community with
// their Excel export, the public list and Open311's GET requests with its standard filters.
// Each route is a sub-benchmark reporting wall time (ns/op) and processor time (cpu-ms/op);
// see cityBench. Skipped unless GONGZHI_BENCH_CITY_DB and GONGZHI_BENCH_CITY_DATA name the city.
//
//	GONGZHI_BENCH_CITY_DB=sqlite:/tmp/city.db GONGZHI_BENCH_CITY_DATA=/tmp/city-data \
//	  go test ./cmd/gongzhi -run '^$' -bench CityEvents -benchtime 20x

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"testing"
	"time"

	"gongzhi"
)

func BenchmarkCityEvents(b *testing.B) {
	cb := openCityBench(b)
	defer cb.done()
	ctx := context.Background()
	q := cb.a.DB.Q()
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM events WHERE community_code LIKE '3309%'`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n < 1000 {
		b.Skip("the city has no events: run gongzhi gen --stage events on it (BENCHMARKS.md)")
	}
	city, district, street, com, dept := "zs-purchaser", "zs-dh-purchaser", "zs-dh-s01-purchaser", "zs-dh-s01-community", "zs-dh-s01-cg"
	cb.signIn(b, city, district, street, com, dept)
	var comPlace string
	var grid, sanitation int64
	if err := q.QueryRow(ctx, `SELECT u.place_code, (SELECT e.grid_id FROM events e WHERE e.community_code = u.place_code AND e.grid_id IS NOT NULL
		ORDER BY e.id DESC LIMIT 1) FROM users u WHERE u.username = ?`, com).Scan(&comPlace, &grid); err != nil {
		b.Fatal("the community worker's grid: ", err)
	}
	if err := q.QueryRow(ctx, `SELECT id FROM event_categories WHERE code = 'sanitation'`).Scan(&sanitation); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d events; %s, grid %d", n, comPlace, grid)
	// a page 20 deep by cursor, and an event of the community
	deep := func(who string) string {
		path := "/api/v1/events"
		for range 20 {
			var page struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
				Next string `json:"next"`
			}
			code, body := cb.get(who, path)
			if code != 200 || json.Unmarshal(body, &page) != nil || page.Next == "" {
				b.Fatalf("%s: %d %.200s", path, code, body)
			}
			path = "/api/v1/events?after=" + url.QueryEscape(page.Next)
		}
		return path
	}
	var one struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if code, body := cb.get(com, "/api/v1/events?state=handling"); code != 200 || json.Unmarshal(body, &one) != nil || len(one.Items) == 0 {
		b.Fatalf("the community's events: %d %.200s", code, body)
	}
	ev := strconv.FormatInt(one.Items[0].ID, 10)
	g, cat := strconv.FormatInt(grid, 10), strconv.FormatInt(sanitation, 10)
	month := time.Now().In(gongzhi.ChinaTime).AddDate(0, -1, 0).Format("2006-01")
	from := time.Now().AddDate(0, 0, -30).UTC().Format(time.RFC3339)
	routes := []benchRoute{
		{"list-city", city, "/events"},
		{"api-list-city", city, "/api/v1/events"},
		{"api-list-city-deep", city, deep(city)},
		{"api-list-city-category", city, "/api/v1/events?category=" + cat},
		{"api-list-city-handling", city, "/api/v1/events?state=handling"},
		{"api-list-city-overdue", city, "/api/v1/events?overdue=1"},
		{"api-list-city-escalated", city, "/api/v1/events?escalated=1"},
		{"list-city-overdue", city, "/events?overdue=1"},
		{"list-street", street, "/events"},
		{"api-list-street", street, "/api/v1/events"},
		{"api-list-street-deep", street, deep(street)},
		{"api-list-street-open", street, "/api/v1/events?state=open"},
		{"list-community", com, "/events"},
		{"api-list-community", com, "/api/v1/events"},
		{"api-list-community-grid", com, "/api/v1/events?grid=" + g},
		{"api-list-community-overdue", com, "/api/v1/events?overdue=1"},
		{"list-department", dept, "/events"},
		{"api-list-department", dept, "/api/v1/events"},
		{"api-list-department-deep", dept, deep(dept)},
		{"api-list-department-handling", dept, "/api/v1/events?state=handling"},
		{"event", com, "/events/" + ev},
		{"api-event", com, "/api/v1/events/" + ev},
		{"api-event-history", com, "/api/v1/events/" + ev + "/history"},
		{"grid-page", com, "/gridwork/grids/" + g},
		{"stats-city", city, "/events/stats"},
		{"stats-city-last-month", city, "/events/stats?month=" + month},
		{"api-stats-city", city, "/api/v1/events/stats?month=" + month},
		{"stats-district", district, "/events/stats?month=" + month},
		{"stats-community", com, "/events/stats?month=" + month},
		{"stats-city-xlsx", city, "/events/stats.xlsx?month=" + month},
		{"public-events", "", "/public/events"},
		{"api-public-events-district", "", "/api/v1/public/events?place=" + comPlace[:6] + "000000"},
		{"api-public-stats-city", "", "/api/v1/public/events/stats?month=" + month},
		{"open311-requests", "", "/open311/v2/requests.json"},
		{"open311-requests-open", "", "/open311/v2/requests.json?status=open"},
		{"open311-requests-service", "", "/open311/v2/requests.json?service_code=sanitation"},
		{"open311-requests-dates", "", "/open311/v2/requests.json?start_date=" + url.QueryEscape(from)},
		{"open311-requests-ids", "", "/open311/v2/requests.json?service_request_id=" + ev + "," + strconv.FormatInt(one.Items[0].ID-1, 10)},
		{"open311-requests-xml", "", "/open311/v2/requests.xml?status=closed"},
	}
	cb.run(b, routes)
}
