// Counts that stopped at their cap, kept for a while (docs/lists.md, "Totals").
//
// A list's bounded count costs a row read per row counted: a city's residents, its households or
// its events step 10,001 index entries on every first page and every deep page, a quarter of
// the server's processor time under the city's load test. Its answer past the cap, "more than
// 10,000", is also the steadiest one a list has: it changes only when all but 10,000 of the rows
// go, which no day's work does within a minute (an import adds rows, and a refused import leaves
// none). So such an answer is kept by its query and arguments for cappedFor, whatever is written;
// the lists whose total is exact (those of 10,000 rows or fewer, a community's, a grid's, a
// search's) are kept only until the next write (counts_kept.go), so that a row added or removed
// shows at once.

package store

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

const (
	// cappedFor is how long a count that stopped at its cap is kept.
	cappedFor = 30 * time.Second
	// cappedMost is how many of them are kept; past it the oldest go first.
	cappedMost = 1024
)

// capped keeps the counts that stopped at their cap, by query and arguments.
type capped struct {
	mu   sync.Mutex
	now  func() time.Time
	seen map[string]time.Time // key → when it was counted
}

func newCapped() *capped { return &capped{now: time.Now, seen: map[string]time.Time{}} }

func cappedKey(query string, args []any) string {
	var b strings.Builder
	b.WriteString(query)
	for _, a := range args {
		fmt.Fprintf(&b, "\x00%v", a)
	}
	return b.String()
}

// has reports whether key's count stopped at its cap less than cappedFor ago.
func (c *capped) has(key string) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.seen[key]
	if ok && c.now().Sub(at) >= cappedFor {
		delete(c.seen, key)
		return false
	}
	return ok
}

// keep notes that key's count stopped at its cap now.
func (c *capped) keep(key string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.seen) >= cappedMost {
		oldest, first := "", now
		for k, at := range c.seen {
			if now.Sub(at) >= cappedFor {
				delete(c.seen, k)
			} else if !at.After(first) {
				oldest, first = k, at
			}
		}
		if len(c.seen) >= cappedMost {
			delete(c.seen, oldest)
		}
	}
	c.seen[key] = now
}
