package votes_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/publog"
	"gongzhi/internal/secret"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/votes"
	"gongzhi/internal/web"
)

// BenchmarkBallots: residents of 中山社区 vote in one vote at once, each with their own API
// token, through the HTTP API (64 concurrent clients), on both databases; it reports ballots
// per second, the p50 and p99 latency of a ballot, and the time to verify the public ledger and
// recount the vote from it (gongzhi log verify --recount). GONGZHI_BENCH_VOTERS sets how many
// residents vote (default 200, so that CI's -benchtime=1x stays quick; BENCHMARKS.md reports
// 10,000).
func BenchmarkBallots(b *testing.B) {
	voters := 200
	if n, err := strconv.Atoi(os.Getenv("GONGZHI_BENCH_VOTERS")); err == nil && n > 0 {
		voters = n
	}
	demodb.EachB(b, func(b *testing.B, db *store.DB) {
		ctx := context.Background()
		log := slog.New(slog.DiscardHandler)
		a := app.New(db, demodb.Box(), demodb.Config, log)
		ws, err := site.New(a, log, web.Options{})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(ws.Handler())
		defer srv.Close()
		tokens := seedVoters(b, db, voters)
		staff := benchActor(b, a, "zs-community")
		for range b.N {
			now := time.Now().UTC()
			a.Now = time.Now
			v := &gongzhi.Vote{Title: "压测表决", Electorate: gongzhi.ElectorateResidents, BallotKind: gongzhi.BallotUpTo, MaxChoices: 2,
				Options: []gongzhi.VoteOption{{Label: "甲"}, {Label: "乙"}, {Label: "丙"}}, QuorumPct: 10, Threshold: gongzhi.ThresholdMajority,
				ThresholdBase: gongzhi.BaseCast, Secret: true, OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour)}
			if err := a.CreateVote(ctx, staff, v); err != nil {
				b.Fatal(err)
			}
			if _, err := a.OpenVote(ctx, staff, v.ID); err != nil {
				b.Fatal(err)
			}
			url := fmt.Sprintf("%s/api/v1/votes/%d/ballots", srv.URL, v.ID)
			work := make(chan int)
			lat := make([]time.Duration, len(tokens))
			var mu sync.Mutex
			fails := map[int]int{}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			var wg sync.WaitGroup
			start := time.Now()
			for range 64 {
				wg.Go(func() {
					for i := range work {
						body := []byte(`{"choice":[` + strconv.Itoa(1+i%3) + `]}`)
						req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
						req.Header.Set("Authorization", "Bearer "+tokens[i])
						req.Header.Set("Content-Type", "application/json")
						t0 := time.Now()
						res, err := client.Do(req)
						lat[i] = time.Since(t0)
						if err != nil || res.StatusCode != http.StatusCreated {
							mu.Lock()
							if err != nil {
								fails[0]++
							} else {
								fails[res.StatusCode]++
							}
							mu.Unlock()
						}
						if res != nil {
							res.Body.Close()
						}
					}
				})
			}
			for i := range tokens {
				work <- i
			}
			close(work)
			wg.Wait()
			elapsed := time.Since(start)
			if len(fails) > 0 {
				b.Fatalf("ballots refused: %v", fails)
			}
			slices.Sort(lat)
			b.ReportMetric(float64(len(tokens))/elapsed.Seconds(), "ballots/s")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
			b.ReportMetric(elapsed.Seconds(), "all_s")

			a.Now = func() time.Time { return v.ClosesAt.Add(time.Second) }
			if _, err := a.CloseDue(ctx, gongzhi.SystemActor("bench")); err != nil {
				b.Fatal(err)
			}
			for {
				n, err := a.PubLog.Integrate(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
			t0 := time.Now()
			ver, err := publog.Verify(ctx, publog.DBFetcher(db.Q()), a.PubLog.VKey, "", true)
			if err != nil {
				b.Fatal(err)
			}
			rc, err := votes.RecountVote(ver.Records, v.ID)
			if err != nil || len(rc.Problems) > 0 || rc.Ballots != len(tokens) {
				b.Fatalf("recount: %+v %v", rc, err)
			}
			b.ReportMetric(float64(time.Since(t0).Milliseconds()), "verify+recount_ms")
			b.ReportMetric(float64(len(ver.Records)), "log_records")
		}
	})
}

func benchActor(b *testing.B, a *app.App, name string) *gongzhi.Actor {
	b.Helper()
	u, _, err := a.DB.Q().UserByUsername(context.Background(), name)
	if err != nil {
		b.Fatal(err)
	}
	ac := &gongzhi.Actor{User: u, Via: "bench"}
	if err := a.ScopeFor(context.Background(), ac); err != nil {
		b.Fatal(err)
	}
	return ac
}

// seedVoters adds n adult residents of 中山社区 (four to a household), each with a resident
// account linked to them and an API token, in one transaction (benchmark setup, not demo data),
// and returns the tokens.
func seedVoters(b *testing.B, db *store.DB, n int) []string {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	tokens := make([]string, n)
	err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var household int64
		for i := range n {
			if i%4 == 0 {
				id, err := q.InsertID(ctx, `INSERT INTO households (community_code, address, created_at, updated_at) VALUES (?, ?, ?, ?)`,
					demo.ZhongshanCode, fmt.Sprintf("压测路%d号", i/4), now, now)
				if err != nil {
					return err
				}
				household = id
			}
			person, err := q.InsertID(ctx, `INSERT INTO people (kind, name, birth_year, place_code, household_id, created_at, updated_at)
				VALUES ('resident', ?, 1980, ?, ?, ?, ?)`, fmt.Sprintf("居民%d", i), demo.ZhongshanCode, household, now, now)
			if err != nil {
				return err
			}
			u := &gongzhi.User{Username: fmt.Sprintf("bench-voter-%d", i), DisplayName: "居民", Role: gongzhi.RoleResident, PlaceCode: demo.ZhongshanCode}
			if err := q.InsertUser(ctx, u, "x", now); err != nil {
				return err
			}
			if err := q.SetUserPerson(ctx, u.ID, person, now); err != nil {
				return err
			}
			tokens[i] = "gz_" + secret.Token()
			if err := q.InsertToken(ctx, &gongzhi.APIToken{UserID: u.ID, Name: "bench", Prefix: tokens[i][:9], CreatedAt: now, Scope: gongzhi.TokenFull},
				secret.SHA256(tokens[i])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return tokens
}
