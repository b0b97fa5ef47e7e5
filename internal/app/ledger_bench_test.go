// Benchmark of writing the service ledger through the HTTP API (httptest server, bearer token,
// POST /api/v1/ledger: decoding, permission, contract and registry checks, the entry with three
// named participants, its audit entry, one transaction) next to the raw rate of single-row
// INSERTs into the same table on the same database. Reports entries/s for both.
//
//	GONGZHI_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test go test ./internal/app -run '^$' -bench LedgerWrite -benchtime 2000x

package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/web"
)

func BenchmarkLedgerWrite(b *testing.B) {
	storetest.EachB(b, func(b *testing.B, db *store.DB) {
		f := ledSetup(b, db)
		prov := f.providers[0]
		f.must(db.Q().SetPassword(f.ctx, prov.User.ID, f.a.Cfg.Argon2.HashPassword("Bench-Pass-2026"), false, f.clock()))
		prov.User.MustChangePassword = false
		_, tok, err := f.a.CreateToken(f.ctx, prov, "bench", 30)
		f.must(err)
		ws, err := site.New(f.a, slog.New(slog.DiscardHandler), web.Options{})
		f.must(err)
		srv := httptest.NewServer(ws.Handler())
		defer srv.Close()
		client := srv.Client()
		bodies := make([][]byte, 30)
		for i := range bodies {
			e := f.entry(f.ct, gongzhi.ActivityKinds[i%4], 1+i, f.zs[i%4:i%4+3], 5)
			bodies[i], _ = json.Marshal(map[string]any{"contract_id": e.ContractID, "kind": e.Kind, "title": e.Title, "held_on": e.HeldOn,
				"start_time": e.StartTime, "end_time": e.EndTime, "venue": e.Venue, "communities": e.Communities, "target_groups": e.TargetGroups,
				"participant_ids": e.ParticipantIDs, "counted": e.Counted, "volunteers": e.Volunteers, "summary": e.Summary})
		}
		post := func(i int) {
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/ledger", bytes.NewReader(bodies[i%len(bodies)]))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				b.Fatalf("POST /api/v1/ledger: %d %s", res.StatusCode, raw)
			}
		}
		post(0) // warm up: connection, caches
		b.ResetTimer()
		start := time.Now()
		for i := range b.N {
			post(i)
		}
		apiRate := float64(b.N) / time.Since(start).Seconds()
		b.StopTimer()

		// the raw rate: single-row INSERTs of the same table, each committed on its own
		n := max(b.N, 500)
		q := db.Q()
		now := f.clock().UTC()
		start = time.Now()
		for i := range n {
			if _, err := q.Exec(f.ctx, `INSERT INTO service_entries (contract_id, org_id, place_code, kind, title, held_on, start_time,
				end_time, minutes, venue, communities, target_groups, counted, visits, volunteers, volunteer_minutes, summary, state,
				version, reason, created_by, created_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
				'active', 1, '', NULL, 'bench', ?, ?)`, f.ct.ID, f.ct.OrgID, f.ct.PlaceCode, "group", fmt.Sprintf("raw %d", i), f.day(1+i%30),
				"09:00", "10:30", 90, "活动室", ","+purZhongshan+",", ",elderly,", 5, 8, `[{"name":"志愿者甲","minutes":120}]`, 120,
				"按计划开展", now, now); err != nil {
				b.Fatal(err)
			}
		}
		rawRate := float64(n) / time.Since(start).Seconds()
		b.ReportMetric(apiRate, "api-entries/s")
		b.ReportMetric(rawRate, "raw-inserts/s")
	})
}
