// Exact totals kept until the next write (docs/lists.md, "Totals").
//
// A list's first page counts its rows (boundedCount): a community's 3,500 residents, an
// organization's 5,000 ledger entries or a city's 2,464 grids are that many index entries read on
// every view, which under the city's load test was three tenths of PostgreSQL's time. Yet a
// total changes only when something is written, and every write is audited in its own
// transaction: the audit log's last id (AuditHead) names the state of the data. So an exact
// total is kept by its query and arguments under the head it was counted at, and a list asks
// the head (one index entry) instead of counting again while the head has not moved.
//
//   - The head is read before the count: a write that commits in between has a later id, and the
//     next reader, seeing that id, counts again. A write whose id is lower than one already
//     committed (two writes committing in the other order) is not seen by the head; the clock's
//     window (keptCountWindow) bounds how long such a total can lag, as it does for the public
//     pages.
//   - Writes of the service ledger (several a second in a city) are left out of the head of a
//     count that reads none of the ledger's tables (PublicHeadSkips, the index
//     audit_public_head); a count that reads them, or the audit log, uses every write's head.
//   - Counts over the accounts and their sign-in state are never kept: a failed sign-in changes
//     them without an audit row of its own.
//   - Never inside a transaction, whose own writes a kept total would not show.

package store

import (
	"context"
	"regexp"
	"sync"
	"time"
)

const (
	// keptCountWindow bounds how long a kept total may be shown without its head moving.
	keptCountWindow = 10 * time.Second
	// keptCountsMost is how many totals are kept; when full the cache starts again empty.
	keptCountsMost = 2048
)

var (
	// ledgerTables are the tables the service ledger's writes change (with the audit log, which
	// every write changes): a count reading one uses the head of every write.
	ledgerTables = regexp.MustCompile(`\b(service_entr\w*|service_evidence|ledger_\w+|audit_log)\b`)
	// unkeptTables change without an audit row of their own (sign-ins, sessions, tokens' use).
	unkeptTables = regexp.MustCompile(`\b(users|sessions|api_tokens|login_failures)\b`)
)

type keptCount struct {
	head, window int64
	n            int
}

// keptCounts holds exact totals by query and arguments (cappedKey) under the audit head they
// were counted at.
type keptCounts struct {
	mu   sync.Mutex
	now  func() time.Time
	seen map[string]keptCount
}

func newKeptCounts() *keptCounts {
	return &keptCounts{now: time.Now, seen: map[string]keptCount{}}
}

// countVersion returns the head and window a count of query (its SQL, without its arguments) is
// kept under; ok is false for a count that is never kept (in a transaction, or over the
// accounts).
func (q *Q) countVersion(ctx context.Context, query string) (head, window int64, ok bool, err error) {
	if q.kept == nil || unkeptTables.MatchString(query) {
		return 0, 0, false, nil
	}
	var skip []string
	if !ledgerTables.MatchString(query) {
		skip = PublicHeadSkips
	}
	head, err = q.AuditHead(ctx, skip...)
	if err != nil {
		return 0, 0, false, err
	}
	return head, q.kept.now().UnixNano() / int64(keptCountWindow), true, nil
}

// get returns the total kept for key under head and window.
func (k *keptCounts) get(key string, head, window int64) (int, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c, ok := k.seen[key]
	return c.n, ok && c.head == head && c.window == window
}

// keep keeps a total counted at head and window.
func (k *keptCounts) keep(key string, c keptCount) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.seen) >= keptCountsMost {
		k.seen = map[string]keptCount{}
	}
	k.seen[key] = c
}
