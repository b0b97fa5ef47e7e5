package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"gongzhi/internal/publog"
	"gongzhi/internal/store"
	"gongzhi/internal/votes"
)

// TestLogVerifyRecount: `gongzhi log verify URL --recount VOTE` recounts a vote from the ballot
// records of the log it verified and agrees with a result that matches them; a vote whose
// published result differs from its ballots is reported (RECOUNT DIFFERS).
func TestLogVerifyRecount(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, _, err := parseConfig("test", []string{"--db", "sqlite:" + filepath.Join(dir, "g.db"), "--data-dir", filepath.Join(dir, "data")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := openApp(ctx, c, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.DB.Close()
	result := func(vote int64, counts []int64, passed bool, trackers string) map[string]any {
		return map[string]any{"vote_id": vote, "community": "320116004001", "ballot_kind": "yes_no", "options": 3, "max_choices": 1,
			"budget_fen": 0, "costs_fen": []int64{0, 0, 0}, "quorum_pct": 50, "threshold": "majority", "threshold_base": "cast",
			"electors": 4, "cast": 3, "counts": counts, "quorum_met": true, "passed": passed, "chosen": map[bool][]int64{true: {1}, false: {}}[passed],
			"trackers_sha256": trackers}
	}
	recs := []publog.Record{}
	for vote := int64(1); vote <= 2; vote++ {
		for i, ch := range []int64{1, 1, 2} {
			recs = append(recs, publog.Record{Type: votes.RecBallot, Version: 1, Body: map[string]any{"vote_id": vote, "choice": []int64{ch},
				"channel": "online", "tracker": string(rune('A' + i))}})
		}
	}
	rc, err := votes.RecountVote(nil, 1)
	if err != nil || rc.Published {
		t.Fatal(rc, err)
	}
	digest := votes.TrackersDigest([]string{"A", "B", "C"})
	recs = append(recs,
		publog.Record{Type: votes.RecResult, Version: 1, Body: result(1, []int64{2, 1, 0}, true, digest)},
		publog.Record{Type: votes.RecResult, Version: 1, Body: result(2, []int64{1, 2, 0}, false, digest)}) // vote 2's ballots say 2 yes
	if err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		for _, r := range recs {
			if _, err := publog.Append(ctx, q, r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PubLog.Integrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _, err := publog.Serve(r.Context(), a.DB.Q(), strings.TrimPrefix(r.URL.Path, "/log/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	defer srv.Close()
	state := filepath.Join(dir, "seen")
	out, err := runCmd(t, "log", "verify", "--vkey", a.PubLog.VKey, "--state", state, srv.URL, "--recount", "1")
	if err != nil || !strings.Contains(out, "vote 1 recounted from 3 ballots") || !strings.Contains(out, "OK: the published result is exactly") {
		t.Fatalf("recount 1: %q %v", out, err)
	}
	out, err = runCmd(t, "log", "verify", "--vkey", a.PubLog.VKey, "--state", state, srv.URL, "--recount", "2")
	if !errors.Is(err, errRecount) || !strings.Contains(out, "ALERT counts: published [1 2 0], recounted [2 1 0]") {
		t.Fatalf("recount 2: %q %v", out, err)
	}
}
