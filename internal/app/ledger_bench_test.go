// Benchmark of writing the service ledger through the HTTP API (httptest server, bearer token,
// POST /api/v1/ledger: decoding, permission, contract and registry checks, the entry with three
// named participants, its audit entry, the kept ledger totals, one transaction) against raw
// inserts of the same rows on the same database — the entry, its participants and an audit row
// of the same size, in one transaction per entry, as issue 10 defines the database's own rate —
// interleaved one for one in the same run, so that both see the same load. Reports entries/s for
// both and the ratio api/raw (in %), and the same from the process's CPU time (unix): CPU µs per
// entry of each side and their ratio, which a loaded machine changes less than the wall time;
// on SQLite, the pages each side's commit writes, and the statements of one checked write.
//
//	GONGZHI_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test go test ./internal/app -run '^$' -bench LedgerWrite -benchtime 2000x

package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/web"
)

func BenchmarkLedgerWrite(b *testing.B) {
	store.TrackOpenRows(false) // as in production: measure what a server runs (internal/store/rows.go)
	defer store.TrackOpenRows(true)
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
		entries := make([]*gongzhi.ServiceEntry, len(bodies))
		for i := range bodies {
			e := f.entry(f.ct, gongzhi.ActivityKinds[i%4], 1+i, f.zs[i%4:i%4+3], 5)
			bodies[i], _ = json.Marshal(map[string]any{"contract_id": e.ContractID, "kind": e.Kind, "title": e.Title, "held_on": e.HeldOn,
				"start_time": e.StartTime, "end_time": e.EndTime, "venue": e.Venue, "communities": e.Communities, "target_groups": e.TargetGroups,
				"participant_ids": e.ParticipantIDs, "counted": e.Counted, "volunteers": e.Volunteers, "summary": e.Summary})
			entries[i] = e
		}
		places := map[int64]string{}
		for _, id := range f.zs {
			p, err := db.Q().GetPerson(f.ctx, store.Scope{}, id)
			f.must(err)
			places[id] = p.PlaceCode
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
		// the raw rate: the same rows a checked write stores (the entry, its participants, the community
		// it served, the audit row), with no check, one transaction each
		now := f.clock().UTC()
		raw := func(i int) {
			e := entries[i%len(entries)]
			err := db.Transact(f.ctx, func(ctx context.Context, q *store.Q) error {
				id, err := q.InsertID(ctx, `INSERT INTO service_entries (contract_id, org_id, place_code, kind, title, held_on, start_time,
					end_time, minutes, venue, communities, target_groups, counted, visits, volunteers, volunteer_minutes, summary, state,
					version, reason, created_by, created_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
					'active', 1, '', NULL, 'bench', ?, ?)`, f.ct.ID, f.ct.OrgID, f.ct.PlaceCode, e.Kind, e.Title, e.HeldOn,
					e.StartTime, e.EndTime, 120, e.Venue, ","+purZhongshan+",", ",elderly,", e.Counted, e.Counted+len(e.ParticipantIDs),
					`[{"name":"志愿者甲","minutes":120}]`, 120, e.Summary, now, now)
				if err != nil {
					return err
				}
				args := []any{}
				for _, p := range e.ParticipantIDs {
					args = append(args, id, f.ct.ID, p, places[p])
				}
				if _, err := q.Exec(ctx, `INSERT INTO service_entry_people (entry_id, contract_id, person_id, place_code)
					VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)`, args...); err != nil {
					return err
				}
				if _, err := q.Exec(ctx, `INSERT INTO service_entry_communities (community_code, entry_id) VALUES (?, ?)`,
					purZhongshan, id); err != nil {
					return err
				}
				after, _ := json.Marshal(e)
				return q.InsertAudit(ctx, &gongzhi.AuditEntry{At: now, UserID: prov.User.ID, Username: prov.User.Username,
					Role: prov.User.Role, IP: "127.0.0.1", Via: "api", Action: "create", Entity: "service_entries",
					EntityID: fmt.Sprint(id), After: string(after)})
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		post(0) // warm up: connection, caches
		raw(0)
		var apiPages, rawPages float64
		if db.Dialect == store.SQLite {
			// pages each side's commit writes to the WAL (every page a write dirties, once)
			apiPages, rawPages = walPages(b, db, func() { post(1) }), walPages(b, db, func() { raw(1) })
		}
		store.CountStatements(true)
		defer store.CountStatements(false)
		stmts := store.Statements()
		post(0) // its people are counted already: the statements of most writes
		apiStmts := store.Statements() - stmts
		b.ResetTimer()
		// wall time, and the process's CPU time (every thread: the client, the server, the database
		// driver, the collector), which the other processes on a shared machine change far less
		var apiTime, rawTime, apiCPU, rawCPU time.Duration
		for i := range b.N {
			cpu, start := processCPU(), time.Now()
			post(i)
			apiTime += time.Since(start)
			cpu2 := processCPU()
			apiCPU += cpu2 - cpu
			start = time.Now()
			raw(i)
			rawTime += time.Since(start)
			rawCPU += processCPU() - cpu2
		}
		b.StopTimer()
		apiRate := float64(b.N) / apiTime.Seconds()
		rawRate := float64(b.N) / rawTime.Seconds()
		b.ReportMetric(apiRate, "api-entries/s")
		b.ReportMetric(rawRate, "raw-entries/s")
		b.ReportMetric(100*apiRate/rawRate, "api/raw-%")
		b.ReportMetric(float64(apiStmts), "api-statements/op")
		if apiPages > 0 {
			b.ReportMetric(apiPages, "api-wal-pages/op")
			b.ReportMetric(rawPages, "raw-wal-pages/op")
		}
		if apiCPU > 0 && rawCPU > 0 {
			b.ReportMetric(float64(apiCPU.Microseconds())/float64(b.N), "api-cpu-µs/op")
			b.ReportMetric(float64(rawCPU.Microseconds())/float64(b.N), "raw-cpu-µs/op")
			b.ReportMetric(100*float64(rawCPU)/float64(apiCPU), "api/raw-cpu-%")
		}
	})
}

// walPages runs write on a SQLite database with an empty write-ahead log and returns how many
// pages its commit appended to the log: the pages the write dirtied.
func walPages(b *testing.B, db *store.DB, write func()) float64 {
	b.Helper()
	var busy, frames, done int
	if err := db.SQL.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done); err != nil || busy != 0 {
		b.Fatalf("checkpoint: %v (busy %d)", err, busy)
	}
	write()
	st, err := os.Stat(db.Path + "-wal")
	if err != nil {
		b.Fatal(err)
	}
	var pageSize int64
	if err := db.SQL.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		b.Fatal(err)
	}
	const walHeader, frameHeader = 32, 24
	return float64(st.Size()-walHeader) / float64(pageSize+frameHeader)
}
