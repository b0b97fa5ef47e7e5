// Package store keeps Gongzhi's records in SQLite (the embedded default, pure Go) or PostgreSQL
// (production), with one schema, one set of SQL strings and one behaviour. Dialect differences
// live in db.go: placeholders, column types in migrations and driver error codes.
package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"gongzhi"
)

// Dialect names the database family.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database with its migrations applied.
type DB struct {
	SQL     *sql.DB
	Dialect Dialect
	Path    string // SQLite file path, for backups
	DSN     string

	counts  *capped     // counts that stopped at their cap (capped.go)
	kept    *keptCounts // exact counts kept until the next write (counts_kept.go)
	periods *periodMemo // the service periods of versions in force (terms.go)
}

// ParseDSN splits a --db value: "sqlite:PATH", a bare path, or "postgres://…".
func ParseDSN(dsn string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		return SQLite, strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//"), nil
	case dsn == "":
		return "", "", errors.New("no database given: use sqlite:PATH or postgres://…")
	case strings.Contains(dsn, "://"):
		return "", "", fmt.Errorf("unsupported database %q: use sqlite:PATH or postgres://…", dsn)
	default:
		return SQLite, dsn, nil
	}
}

// Options size an open database's resources. The zero value means the defaults below.
type Options struct {
	// Conns is the most connections the pool opens (SQLite: DefaultSQLiteConns, PostgreSQL:
	// DefaultPostgresConns). Each PostgreSQL connection is a server process; two app instances
	// keep 2×Conns of the server's max_connections.
	Conns int
	// CacheMiB is SQLite's memory for the whole pool: the page cache, divided among the
	// connections (each SQLite connection has a cache of its own), and the soft limit of all of
	// SQLite's memory together (PRAGMA soft_heap_limit), which also holds the sorters of ORDER BY
	// without an index: each may take as much as its connection's cache before spilling to a
	// temporary file. Default DefaultSQLiteCacheMiB. Unused on PostgreSQL, whose shared_buffers
	// are the server's.
	CacheMiB int
}

// Defaults of Options, chosen for the memory goal (docs/operations.md, "Memory"): the whole
// server under 300 MB RSS.
//
// SQLite's default page cache is 2 MB per connection, and a city-scale list read the file
// through pread (57% of the time in profiles). A big cache is not the cure: each connection has
// its own, and each ORDER BY that no index serves gets a sorter as large as its connection's
// cache before it spills to a temporary file, so the pool's SQLite memory is up to twice the
// cache budget, and what the C allocator once took stays in the RSS. Measured with 16 clients on
// 200,000 residents (docs/operations.md): a 128 MiB budget peaked at 432 MiB RSS, 32 MiB at
// 248 MiB. So 32 MiB (4 MiB a connection, twice SQLite's default): enough for the upper levels of
// the indexes the lists seek through; the pages below come from the kernel's file cache, which
// is not the process's memory, and the lists read few of them once they seek by index (issue 10).
// Memory-mapped I/O (mmap_size) stays off: the pages of a mapped file count in the process's RSS
// as soon as they are read, so a 1 GB file would push the RSS past any bound, and an I/O error on
// a mapped page is a signal, not an error a request can report.
const (
	DefaultSQLiteConns    = 8
	DefaultPostgresConns  = 20
	DefaultSQLiteCacheMiB = 32
)

// postgresSession are the settings of each PostgreSQL connection the pool opens, unless the DSN
// sets them (docs/operations.md, "The settings of Gongzhi's connections"). Gongzhi's statements are
// short, and sixteen clients keep the server's processors busy: a parallel plan's workers then wait
// for the same processors, and a city's count of a common surname took 72 ms with two workers
// instead of the 12 its own process needed (the search's p99 117 → 60–70 ms under the load test).
var postgresSession = map[string]string{"max_parallel_workers_per_gather": "0"}

// Open connects to the database named by dsn with the default Options. It does not migrate;
// call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) { return OpenWith(ctx, dsn, Options{}) }

// OpenWith connects to the database named by dsn, sized by o. It does not migrate.
func OpenWith(ctx context.Context, dsn string, o Options) (*DB, error) {
	d, target, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{Dialect: d, DSN: dsn, counts: newCapped(), kept: newKeptCounts(), periods: &periodMemo{}}
	switch d {
	case SQLite:
		if target == "" {
			return nil, errors.New("sqlite: empty path")
		}
		if dir := filepath.Dir(target); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, err
			}
		}
		db.Path = target
		conns := cmp.Or(o.Conns, DefaultSQLiteConns)
		cache := cmp.Or(o.CacheMiB, DefaultSQLiteCacheMiB)
		perConn := max(cache<<10/conns, 2048) // KiB; at least SQLite's own default of 2 MB
		v := url.Values{}
		for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)",
			"cache_size(-" + strconv.Itoa(perConn) + ")", "mmap_size(0)", "temp_store(FILE)",
			"soft_heap_limit(" + strconv.Itoa(cache<<20) + ")"} {
			v.Add("_pragma", p)
		}
		v.Set("_txlock", "immediate")
		base, err := sqlite.NewConnector("file:" + target + "?" + v.Encode())
		if err != nil {
			return nil, err
		}
		// each connection keeps its prepared statements (stmtcache.go)
		db.SQL = sql.OpenDB(&stmtConnector{base: base, size: StmtCacheSize})
		db.SQL.SetMaxOpenConns(conns)
		db.SQL.SetMaxIdleConns(conns)
		db.SQL.SetConnMaxIdleTime(5 * time.Minute)
	case Postgres:
		cfg, err := pgx.ParseConfig(target)
		if err != nil {
			return nil, err
		}
		for k, v := range postgresSession {
			if _, set := cfg.RuntimeParams[k]; !set { // the DSN's own setting wins
				cfg.RuntimeParams[k] = v
			}
		}
		db.SQL = stdlib.OpenDB(*cfg)
		conns := cmp.Or(o.Conns, DefaultPostgresConns)
		db.SQL.SetMaxOpenConns(conns)
		db.SQL.SetMaxIdleConns(max(conns/2, 1))
		db.SQL.SetConnMaxIdleTime(5 * time.Minute)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.SQL.PingContext(pctx); err != nil {
		db.SQL.Close()
		return nil, fmt.Errorf("connect to %s database: %w", d, err)
	}
	return db, nil
}

// Close closes the pool.
func (db *DB) Close() error { return db.SQL.Close() }

// Q returns a Querier outside any transaction, for reads.
//
// Inside a transaction only the transaction's handle reaches the database: Transact hands its
// function a context marked as inside a transaction, and every statement that q runs on the pool
// with such a context panics with ErrPoolInTx instead of taking a second connection. (On SQLite
// a second connection waits for the transaction's own write lock, so the request would hang; on
// PostgreSQL it would read outside the transaction's snapshot and locks.) Transact's function
// takes that context as its first parameter, named like the caller's context so that it shadows
// it; a test in this package checks every call site for that.
func (db *DB) Q() *Q {
	return &Q{x: db.SQL, d: db.Dialect, pool: true, counts: db.counts, kept: db.kept, periods: db.periods}
}

// ErrPoolInTx is the panic value when the connection pool is used with a transaction's context.
var ErrPoolInTx = errors.New("store: the connection pool was used inside a transaction; use the transaction's handle")

type txKey struct{}

// InTx reports whether ctx is the context of a transaction run by Transact.
func InTx(ctx context.Context) bool { return ctx.Value(txKey{}) != nil }

// Transact runs fn in one transaction: committed if fn returns nil, rolled back otherwise.
// fn receives ctx marked as inside the transaction (see Q): only q reaches the database there.
// PostgreSQL serialization failures and deadlocks are retried a few times.
func (db *DB) Transact(ctx context.Context, fn func(ctx context.Context, q *Q) error) error {
	for attempt := 0; ; attempt++ {
		err := db.transactOnce(ctx, fn)
		if err != nil && attempt < 3 && isRetryable(err) {
			time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
			continue
		}
		return err
	}
}

func (db *DB) transactOnce(ctx context.Context, fn func(ctx context.Context, q *Q) error) (err error) {
	var after []func()
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
			return
		}
		if err = mapErr(tx.Commit()); err == nil {
			for _, f := range after {
				f()
			}
		}
	}()
	return fn(context.WithValue(ctx, txKey{}, true), &Q{x: tx, d: db.Dialect, tx: tx, after: &after})
}

func isRetryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q runs SQL written with ? placeholders on either database, inside or outside a transaction.
type Q struct {
	x     execer
	d     Dialect
	tx    *sql.Tx
	pool  bool // q runs on the pool: refuses a transaction's context
	after *[]func()
	// counts keeps the counts that stopped at their cap (capped.go); nil in a transaction,
	// whose own writes a kept count would not see
	counts *capped
	// kept keeps exact counts until the next write (counts_kept.go); nil in a transaction
	kept *keptCounts
	// periods keeps the service periods of contract versions in force; nil in a transaction,
	// whose version made effective could still roll back
	periods *periodMemo
}

// AfterCommit runs f once the transaction q runs in has committed (never if it rolls back); on
// a handle outside a transaction it runs f at once. f must not block: the public ledger uses it
// to wake its integration loop (internal/publog).
func (q *Q) AfterCommit(f func()) {
	if q.after == nil {
		f()
		return
	}
	*q.after = append(*q.after, f)
}

// guard panics when a pool handle is asked to run a statement with a transaction's context.
// In test binaries it also panics with ErrNestedRead when the goroutine holds open rows (rows.go).
func (q *Q) guard(ctx context.Context) {
	if q.pool && InTx(ctx) {
		panic(ErrPoolInTx)
	}
	checkNoOpenRows()
	if countStatements.Load() {
		statementsRun.Add(1)
	}
	if countingContexts.Load() {
		if n, ok := ctx.Value(statementCounter{}).(*atomic.Int64); ok {
			n.Add(1)
		}
	}
}

type statementCounter struct{}

// countingContexts is set once a context counts its statements, so that no other statement
// looks for a counter in its context.
var countingContexts atomic.Bool

// CountingStatements returns ctx with n added to for every statement run with it through any
// Q: a test checks with it that a read's statements do not grow with its rows (docs/lists.md).
func CountingStatements(ctx context.Context, n *atomic.Int64) context.Context {
	countingContexts.Store(true)
	return context.WithValue(ctx, statementCounter{}, n)
}

var (
	countStatements atomic.Bool
	statementsRun   atomic.Int64
)

// CountStatements turns on or off the count of statements run through any Q (Statements):
// benchmarks report the statements of a write with it.
func CountStatements(on bool) { countStatements.Store(on) }

// Statements is how many statements have run through any Q while CountStatements was on.
func Statements() int64 { return statementsRun.Load() }

// stmtCtx is the context a statement of q runs with. Inside a SQLite transaction it is ctx without
// its cancellation, as long as ctx is not done: modernc's driver starts a goroutine for every
// statement run with a cancellable context, to interrupt it when the context ends, a goroutine and
// its wake-ups on every statement of a checked ledger write (issue 10; a write runs about ten
// statements, each short). The transaction still ends with the request: database/sql
// rolls it back when ctx is done, and a statement started after that runs with ctx itself, which
// the driver refuses at once. Reads on the pool keep the interruption, for the long ones.
func (q *Q) stmtCtx(ctx context.Context) context.Context {
	if q.tx == nil || q.d != SQLite || ctx.Err() != nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// Dialect returns the database family.
func (q *Q) Dialect() Dialect { return q.d }

// InTx reports whether q runs inside a transaction.
func (q *Q) InTx() bool { return q.tx != nil }

// Exec runs a statement.
func (q *Q) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q.guard(ctx)
	r, err := q.x.ExecContext(q.stmtCtx(ctx), q.rebind(query), args...)
	return r, mapErr(err)
}

// Query runs a query.
func (q *Q) Query(ctx context.Context, query string, args ...any) (*Rows, error) {
	q.guard(ctx)
	r, err := q.x.QueryContext(q.stmtCtx(ctx), q.rebind(query), args...)
	if err != nil {
		return nil, mapErr(err)
	}
	return newRows(r), nil
}

// valued returns args for a statement that PostgreSQL plans for the values bound each time: a
// list's page and count (docs/lists.md "Plans"). pgx otherwise keeps every statement prepared,
// and after five runs PostgreSQL may keep one generic plan, made without the values. A generic
// plan takes any place range for a few rows: a grid's visits within a city intersected the grid's
// 162 index entries with the city's 351,000 (issue 10). Run as pgx's unnamed statement, with
// its description kept, a list is planned with its values at each run; the rest stay prepared,
// and so do the lists whose rows are few whatever their values (listQuery: where.narrow, where.placesWritten).
// SQLite plans each statement once (qpsg.go) and needs no such argument.
func (q *Q) valued(args []any) []any {
	if q.d != Postgres {
		return args
	}
	return append([]any{pgx.QueryExecModeCacheDescribe}, args...)
}

// QueryRow runs a query for one row.
func (q *Q) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	q.guard(ctx)
	return q.x.QueryRowContext(q.stmtCtx(ctx), q.rebind(query), args...)
}

// InsertID runs an INSERT … RETURNING id and returns the id.
func (q *Q) InsertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, mapErr(err)
}

// rebind turns ? into $1, $2… for PostgreSQL. SQL in this package never puts ? in a literal.
func (q *Q) rebind(s string) string {
	if q.d != Postgres || !strings.Contains(s, "?") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Sentinel errors that driver errors are mapped to.
var (
	ErrUnique     = errors.New("store: unique value already exists")
	ErrForeignKey = errors.New("store: referenced record missing or still referenced")
)

// UniqueError is a unique-constraint violation, naming the constraint or column when known.
type UniqueError struct{ Detail string }

func (e *UniqueError) Error() string { return "unique violation: " + e.Detail }
func (e *UniqueError) Unwrap() error { return ErrUnique }

func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return gongzhi.NotFound()
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return &UniqueError{Detail: pg.ConstraintName + " " + pg.Detail}
		case "23503":
			return fmt.Errorf("%w: %s", ErrForeignKey, pg.Message)
		}
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &UniqueError{Detail: se.Error()}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %s", ErrForeignKey, se.Error())
		}
	}
	return err
}

// IsUnique reports whether err is a unique violation mentioning column (or any, if column is "").
func IsUnique(err error, column string) bool {
	var ue *UniqueError
	if !errors.As(err, &ue) {
		return false
	}
	return column == "" || strings.Contains(ue.Detail, column)
}

// deleteOne deletes the row id of table; ENOTFOUND when there is none (any more): of concurrent
// deletes of one row one succeeds, and only it goes on to its audit entry.
func (q *Q) deleteOne(ctx context.Context, table string, id int64) error {
	r, err := q.Exec(ctx, "DELETE FROM "+table+" WHERE id = ?", id)
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil {
		return mapErr(err)
	} else if n == 0 {
		return gongzhi.NotFound()
	}
	return nil
}

// nullStr stores "" as NULL.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullID stores 0 as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// scopeRange returns the bounds of every code starting with prefix: [prefix, prefix+":").
// ':' sorts right after '9' in byte order, and code columns use byte order on both databases.
func scopeRange(col, prefix string) (string, []any) {
	return col + " >= ? AND " + col + " < ?", []any{prefix, prefix + ":"}
}

// placeRange is scopeRange for a column that holds a place's whole code (12 digits, a community's
// significant digits all of them; gongzhi.ValidatePlaceCode): under a community's prefix that
// is the code itself, an equality, through which an index on (place, …) also gives the
// community's rows in the order of its next columns (a community's people by name, its visits
// by day) instead of a range the database sorts.
func placeRange(col, prefix string) (string, []any) {
	if len(prefix) == 12 {
		return col + " = ?", []any{prefix}
	}
	return scopeRange(col, prefix)
}

// Like escapes a search term for LIKE … ESCAPE '\'.
func likeArg(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(s)) + "%"
}

// joinList stores a list as ",a,b," so that one item is found with LIKE '%,a,%'.
func joinList(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return "," + strings.Join(xs, ",") + ","
}

func splitList(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Backup writes a consistent copy of a live SQLite database to path (VACUUM INTO), which must
// not exist yet.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return errors.New("backup: only for SQLite")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	_, err := db.SQL.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}
