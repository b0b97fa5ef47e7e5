// SQLite's prepared statements, kept per connection (issue 10: the ledger write).
//
// modernc's driver prepares a statement anew each time database/sql runs a query string on a
// connection: SQLite's parser and planner were a fifth of a ledger write's CPU. PostgreSQL needs
// nothing of the kind (pgx keeps a statement cache of its own on every connection). A database/sql
// *sql.Stmt per query string would not do either: preparing one inside a transaction takes a
// second connection from the pool, and eight transactions waiting on SQLite's write lock would
// hold all eight while the one holding the lock waits for a ninth.
//
// So the cache lives in the driver's connection itself: the SQLite connector wraps each
// connection, which keeps the statements it has prepared, by query string, the most recently used
// StmtCacheSize of them, and runs a query string it has seen on its prepared statement (bound,
// stepped, reset). database/sql hands a connection to one goroutine at a time, so the cache needs
// no lock. A statement whose rows are still open is not run again meanwhile: a second use of the
// same string then runs unprepared, as before. Strings holding more than one statement (a
// migration's script) are never kept.

package store

import (
	lru "container/list"
	"context"
	"database/sql/driver"
	"reflect"
	"strings"
)

// StmtCacheSize is how many prepared statements each SQLite connection keeps. A statement
// costs SQLite a few kilobytes to a few tens of kilobytes; the pool's connections together keep
// at most DefaultSQLiteConns × StmtCacheSize of them.
const StmtCacheSize = 256

// stmtConnector opens SQLite connections that keep their prepared statements.
type stmtConnector struct {
	base driver.Connector
	size int
}

func (c *stmtConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	qpsg(conn, true)
	return newStmtConn(conn, c.size), nil
}

func (c *stmtConnector) Driver() driver.Driver { return c.base.Driver() }

// sqliteConn is what the wrapper needs of modernc's connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// stmtConn is a SQLite connection with its prepared statements.
type stmtConn struct {
	sqliteConn
	size  int
	stmts map[string]*lru.Element // query → element of order holding a *cachedStmt
	order lru.List                // front: most recently used
}

type cachedStmt struct {
	query string
	st    driver.Stmt
	busy  bool // its rows are open
}

// stmtDriverStmt is what a cached statement must offer: modernc's statement does.
type stmtDriverStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

func newStmtConn(c driver.Conn, size int) driver.Conn {
	sc, ok := c.(sqliteConn)
	if !ok || size <= 0 {
		return c
	}
	return &stmtConn{sqliteConn: sc, size: size, stmts: map[string]*lru.Element{}}
}

// stmt returns the prepared statement of query, preparing and keeping it the first time; nil
// when query is not to be kept (several statements) or could not be prepared (the caller then
// runs it unprepared, which reports the error as before).
func (c *stmtConn) stmt(ctx context.Context, query string) *cachedStmt {
	if el, ok := c.stmts[query]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*cachedStmt)
	}
	if strings.Contains(strings.TrimRight(query, "; \t\r\n"), ";") {
		return nil
	}
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if _, ok := st.(stmtDriverStmt); !ok {
		st.Close()
		return nil
	}
	cs := &cachedStmt{query: query, st: st}
	c.stmts[query] = c.order.PushFront(cs)
	for c.order.Len() > c.size {
		old := c.order.Back()
		c.order.Remove(old)
		ocs := old.Value.(*cachedStmt)
		delete(c.stmts, ocs.query)
		if !ocs.busy { // a statement with open rows is closed when they are
			ocs.st.Close()
		} else {
			ocs.query = ""
		}
	}
	return cs
}

// ExecContext runs query on its prepared statement.
func (c *stmtConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs := c.stmt(ctx, query)
	if cs == nil || cs.busy {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	return cs.st.(stmtDriverStmt).ExecContext(ctx, args)
}

// QueryContext runs query on its prepared statement; the statement is busy until the rows close.
func (c *stmtConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs := c.stmt(ctx, query)
	if cs == nil || cs.busy {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	r, err := cs.st.(stmtDriverStmt).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &stmtRows{Rows: r, cs: cs}, nil
}

// Close finalizes the kept statements and closes the connection.
func (c *stmtConn) Close() error {
	for el := c.order.Front(); el != nil; el = el.Next() {
		el.Value.(*cachedStmt).st.Close()
	}
	c.order.Init()
	clear(c.stmts)
	return c.sqliteConn.Close()
}

// stmtRows are the rows of a kept statement; closing them frees the statement for its next use
// (or finalizes it when it was dropped from the cache meanwhile).
type stmtRows struct {
	driver.Rows
	cs     *cachedStmt
	closed bool
}

func (r *stmtRows) Close() error {
	err := r.Rows.Close()
	if !r.closed {
		r.closed = true
		r.cs.busy = false
		if r.cs.query == "" {
			if e := r.cs.st.Close(); err == nil {
				err = e
			}
		}
	}
	return err
}

// The column type methods database/sql asks for (Rows.ColumnTypes), passed through.

func (r *stmtRows) ColumnTypeDatabaseTypeName(i int) string {
	if x, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return x.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *stmtRows) ColumnTypeLength(i int) (int64, bool) {
	if x, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return x.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *stmtRows) ColumnTypeNullable(i int) (bool, bool) {
	if x, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return x.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *stmtRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if x, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return x.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

func (r *stmtRows) ColumnTypeScanType(i int) reflect.Type {
	if x, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return x.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
