// The SQLite statement cache: each SQL text the app runs is compiled once per connection and
// kept, instead of being parsed and planned again on every call (issue 10).

package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache keeps prepared statements by SQL text, for SQLite. modernc's driver compiles every
// statement it is given (parser and query planner: about a third of the processor time of a
// cheap request, measured on a city-scale instance), while a *sql.Stmt is prepared on each
// pooled connection once, the first time it runs there, and then only reset and bound again.
// A transaction uses the same compiled statement through Tx.StmtContext.
//
// PostgreSQL needs none: pgx keeps its own per-connection cache of prepared statements.
//
// The cache is bounded: SQL texts that vary with their input (an IN list of N placeholders)
// could otherwise fill it. When it holds stmtCacheMax texts it is emptied and starts again;
// database/sql closes a statement only after the queries using it have finished.
type stmtCache struct {
	db      *sql.DB
	mu      sync.RWMutex
	m       map[string]*sql.Stmt
	pending map[string]bool // being prepared in the background for a transaction
}

const (
	stmtCacheMax    = 400  // SQL texts kept (each compiled on up to every pooled connection)
	stmtCacheMaxLen = 8192 // longer texts (bulk inserts of hundreds of rows) are not kept
)

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// cacheable reports whether query is one statement of the kinds a request runs again and again.
func cacheable(query string) bool {
	if len(query) > stmtCacheMaxLen || strings.Contains(query, ";") {
		return false
	}
	s := strings.TrimLeft(query, " \t\r\n")
	if len(s) < 6 {
		return false
	}
	switch strings.ToUpper(s[:6]) {
	case "SELECT", "INSERT", "UPDATE", "DELETE":
		return true
	}
	return strings.EqualFold(s[:4], "WITH")
}

// get returns the statement of query, preparing it (on one connection; database/sql prepares it
// on others as they run it) if it is new; nil when query is not kept or could not be prepared,
// and the caller runs it the ordinary way (which reports any error). Inside a transaction
// (inTx) a new statement is prepared in the background and nil returned: preparing takes a
// pooled connection, and with every other connection waiting for this transaction's write lock
// the transaction would wait for itself.
func (c *stmtCache) get(ctx context.Context, query string, inTx bool) *sql.Stmt {
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil || !cacheable(query) {
		return st
	}
	if inTx {
		c.mu.Lock()
		if c.pending[query] {
			c.mu.Unlock()
			return nil
		}
		c.pending[query] = true
		c.mu.Unlock()
		bg := context.WithoutCancel(ctx) // the transaction may end first; the statement is for later
		go func() {
			c.prepare(bg, query)
			c.mu.Lock()
			delete(c.pending, query)
			c.mu.Unlock()
		}()
		return nil
	}
	return c.prepare(ctx, query)
}

// prepare prepares query and keeps it; nil if it cannot be prepared.
func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[query]; old != nil { // prepared meanwhile by another request
		st.Close()
		return old
	}
	if len(c.m) >= stmtCacheMax {
		for k, s := range c.m {
			s.Close()
			delete(c.m, k)
		}
	}
	c.m[query] = st
	return st
}

// close closes every kept statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, s := range c.m {
		s.Close()
		delete(c.m, k)
	}
}

// stmt returns the cached statement of query for q (bound to q's transaction), or nil.
func (q *Q) stmt(ctx context.Context, query string) *sql.Stmt {
	if q.stmts == nil {
		return nil
	}
	st := q.stmts.get(ctx, query, q.tx != nil)
	if st == nil || q.tx == nil {
		return st
	}
	return q.tx.StmtContext(ctx, st)
}
