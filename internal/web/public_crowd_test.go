package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// crowdClients is how many anonymous visitors arrive together: four times the SQLite pool.
const crowdClients = 32

// Eight anonymous visitors of /public once hung the whole server: a list's row callback read the
// catalog while the list's rows held a connection, so eight of them held all eight SQLite
// connections and each waited for a ninth. 32 concurrent clients now read every anonymous page
// and public API route (the community picker's steps too), each answered within the bound, as
// answered to one visitor alone, while /healthz keeps answering 200.
func TestPublicPagesUnderCrowd(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDashFix(t, db)
		dashPublished(f)
		var paths []string
		for _, p := range readPaths(t, f.e, db) {
			if (strings.HasPrefix(p.url, "/public") || strings.HasPrefix(p.url, "/api/v1/public")) && !strings.Contains(p.url, "999999") {
				paths = append(paths, p.url)
			}
		}
		paths = append(paths, "/public/needs?q=中山", "/public/needs?street="+demo.StreetCode, "/public/needs?community="+demo.ZhongshanCode,
			"/public/complaints?q=街道", "/public/complaints?community="+demo.ZhongshanCode, "/catalog")
		if len(paths) < 25 {
			t.Fatalf("only %d public paths: %v", len(paths), paths)
		}
		client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(path string) (int, time.Duration, error) {
			start := time.Now()
			res, err := client.Get(f.e.srv.URL + path)
			if err != nil {
				return 0, time.Since(start), err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return res.StatusCode, time.Since(start), nil
		}
		// alone first: every public page answers 200
		for _, p := range paths {
			if st, _, err := get(p); err != nil || st != http.StatusOK {
				t.Fatalf("anonymous GET %s alone: %d %v", p, st, err)
			}
		}

		const bound = 20 * time.Second // the machine is shared; a hang is minutes
		ctx, cancel := context.WithCancel(context.Background())
		health := make(chan string, 1)
		go func() { // /healthz throughout
			defer close(health)
			for ctx.Err() == nil {
				st, d, err := get("/healthz")
				if err != nil || st != http.StatusOK || d > bound {
					health <- "healthz: " + http.StatusText(st) + " after " + d.String()
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
		var wg sync.WaitGroup
		var mu sync.Mutex
		var bad []string
		var slowest time.Duration
		for c := range crowdClients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range paths {
					p := paths[(i+c*7)%len(paths)]
					st, d, err := get(p)
					mu.Lock()
					slowest = max(slowest, d)
					if err != nil || st != http.StatusOK || d > bound {
						bad = append(bad, p+": "+http.StatusText(st)+" in "+d.String())
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		cancel()
		if msg, ok := <-health; ok {
			t.Error(msg)
		}
		if len(bad) > 0 {
			t.Fatalf("%d of %d requests failed or were slow, e.g. %v", len(bad), crowdClients*len(paths), bad[:min(len(bad), 5)])
		}
		t.Logf("%d clients × %d public paths, slowest %s", crowdClients, len(paths), slowest)
	})
}
