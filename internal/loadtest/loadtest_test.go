package loadtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi/internal/app"
	"gongzhi/internal/loadtest"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// TestLoadtestDemoStreet runs the load test for a few seconds against the demo street served in
// process: the demo accounts change their password through the form, every route of the mix
// answers 2xx, and the report is complete.
func TestLoadtestDemoStreet(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		log := slog.New(slog.DiscardHandler)
		a := app.New(db, demodb.Box(), demodb.Config, log)
		ws, err := site.New(a, log, web.Options{MaxUpload: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		var served atomic.Int64
		h := ws.Handler()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			served.Add(1)
			h.ServeHTTP(w, r)
		}))
		defer srv.Close()
		rep, err := loadtest.Run(context.Background(), loadtest.Options{BaseURL: srv.URL, Clients: 4, Duration: 10 * time.Second, // every route of the mix (events added about 30) visited once on a busy machine
			Requests: 3000, NewPassword: "Gongzhi-Load-2026x", PID: os.Getpid()})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		rep.Print(&out)
		t.Log(out.String())
		groups := map[string]bool{}
		for _, r := range rep.Routes {
			groups[r.Group] = true
			if r.Count == 0 || r.Errors > 0 {
				t.Errorf("%s (%s): %d requests, %d errors: %s", r.Route, r.Role, r.Count, r.Errors, r.FirstError)
			}
			if r.P50 <= 0 || r.P50 > r.P95 || r.P95 > r.P99 || r.P99 > r.Max || r.PerSecond <= 0 {
				t.Errorf("%s: incoherent times %+v", r.Route, r)
			}
		}
		for _, g := range []string{"list", "deep", "search", "filter", "detail", "dashboard", "public", "write"} {
			if !groups[g] {
				t.Errorf("no route of group %s in the mix", g)
			}
		}
		if rep.Requests < len(rep.Routes) || rep.Errors != 0 || rep.PerSecond <= 0 || rep.Seconds <= 0 {
			t.Errorf("report: %d requests, %d errors, %.1f/s in %.1f s", rep.Requests, rep.Errors, rep.PerSecond, rep.Seconds)
		}
		if rep.Memory.Source != "proc" || rep.Memory.PeakRSS <= 0 || rep.Memory.Samples == 0 {
			t.Errorf("memory: %+v", rep.Memory)
		}
		if rep.LoadStart == "" || rep.LoadEnd == "" {
			t.Errorf("load average: %q, %q", rep.LoadStart, rep.LoadEnd)
		}
		var back loadtest.Report
		var js bytes.Buffer
		if err := rep.JSON(&js); err != nil || json.Unmarshal(js.Bytes(), &back) != nil || len(back.Routes) != len(rep.Routes) {
			t.Errorf("JSON report: %v\n%s", err, js.String())
		}
		// a second run signs in with the changed password
		before := served.Load()
		again, err := loadtest.Run(context.Background(), loadtest.Options{BaseURL: srv.URL, Clients: 2, Requests: 100,
			NewPassword: "Gongzhi-Load-2026x", NoWrites: true})
		if err != nil || again.Requests != 100 {
			t.Fatalf("second run: %v %+v", err, again)
		}
		if again.Memory.Source != "metrics" {
			t.Errorf("without a PID the RSS comes from /metrics: %+v", again.Memory)
		}
		// a warm-up's requests are sent but not counted
		cold := served.Load() - before
		before = served.Load()
		warm, err := loadtest.Run(context.Background(), loadtest.Options{BaseURL: srv.URL, Clients: 2, Requests: 100, Warmup: time.Second,
			NewPassword: "Gongzhi-Load-2026x", NoWrites: true})
		if err != nil || warm.Requests != 100 || warm.Warmup != 1 || warm.WarmupErrors != 0 || warm.Errors != 0 {
			t.Fatalf("run with a warm-up: %v %+v", err, warm)
		}
		if sent := served.Load() - before; sent < cold+10 {
			t.Errorf("the server answered %d requests with a warm-up of 1 s, %d without: the warm-up sent next to nothing", sent, cold)
		}
		out.Reset()
		warm.Print(&out)
		if !strings.Contains(out.String(), "warm-up of 1.0 s") {
			t.Errorf("the report does not say the warm-up:\n%s", out.String())
		}
	})
}

func TestLoadtestRefusesRemoteTargets(t *testing.T) {
	_, err := loadtest.Run(context.Background(), loadtest.Options{BaseURL: "http://192.0.2.1:8080"})
	if err == nil || !strings.Contains(err.Error(), "allow-remote") {
		t.Fatalf("remote target: %v", err)
	}
	rep := &loadtest.Report{Routes: []loadtest.RouteStats{
		{Route: "GET /api/v1/people", Group: "list", Count: 10, P99: 51},
		{Route: "GET /dashboard", Group: "dashboard", Count: 10, P99: 150},
		{Route: "POST /api/v1/ledger", Group: "write", Count: 10, P99: 900},
	}, Memory: loadtest.Memory{Source: "proc", PeakRSS: 310 << 20}}
	miss := rep.Check()
	if len(miss) != 2 || !strings.Contains(miss[0], "people") || !strings.Contains(miss[1], "RSS") {
		t.Errorf("check: %q", miss)
	}
}
