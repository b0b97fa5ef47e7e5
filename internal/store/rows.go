// Open rows: no statement may start while the same goroutine still holds a query's rows open.

package store

import (
	"bytes"
	"database/sql"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// Why: a query's rows hold a connection until they are closed. A statement started while they
// are open needs a second connection: on the pool, eight requests that each hold one and wait
// for another exhaust SQLite's eight connections and the whole server hangs (issue 9, /public);
// inside a transaction, PostgreSQL refuses a second statement on a busy connection. So reads are
// never nested. Lookups a list needs are loaded before the list (a map), or joined in its SQL;
// and the list helper (list in list.go) reads every row and closes them before it calls the
// caller's callback, so service and renderer code in a callback may read freely.
//
// How it stays that way: test binaries (testing.Testing) track, per goroutine, the rows each
// goroutine holds open, and a statement started on a goroutine that holds open rows panics with
// ErrNestedRead, naming the mistake at the line that makes it, on both databases, in every
// package's tests. A goroutine id is not part of Go's API, so it is read from the stack header;
// that costs a microsecond or two, which is why production binaries skip the bookkeeping.
// database/sql may close rows from its own goroutine when a context ends: the count is kept on
// the goroutine that opened them, and released once.

// ErrNestedRead is the panic value when a statement starts while the goroutine holds open rows.
var ErrNestedRead = errors.New("store: a statement started while this goroutine's rows were still open; " +
	"load lookups before the list (or join them) instead of reading inside a row loop")

var trackRows = testing.Testing()

// TrackOpenRows turns the test binaries' bookkeeping of open rows on or off. Benchmarks of whole
// requests turn it off to measure what a production binary runs: reading the goroutine's id
// walks its stack, tens of microseconds per query under a handler's deep stack. Call it before
// any query runs.
func TrackOpenRows(on bool) { trackRows = on }

var openRows struct {
	sync.Mutex
	by map[uint64]int
}

// Rows are a query's rows; Close (or Next returning false) releases them.
type Rows struct {
	*sql.Rows
	g    uint64 // goroutine holding them (0: not tracked)
	done atomic.Bool
}

func newRows(r *sql.Rows) *Rows {
	rs := &Rows{Rows: r}
	if trackRows && r != nil {
		rs.g = goid()
		openRows.Lock()
		if openRows.by == nil {
			openRows.by = map[uint64]int{}
		}
		openRows.by[rs.g]++
		openRows.Unlock()
	}
	return rs
}

// Next prepares the next row; after the last one the rows are closed and released.
func (r *Rows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.release()
	return false
}

// Close closes the rows and releases them.
func (r *Rows) Close() error {
	r.release()
	return r.Rows.Close()
}

func (r *Rows) release() {
	if r.g == 0 || r.done.Swap(true) {
		return
	}
	openRows.Lock()
	if openRows.by[r.g]--; openRows.by[r.g] <= 0 {
		delete(openRows.by, r.g)
	}
	openRows.Unlock()
}

// checkNoOpenRows panics with ErrNestedRead when the calling goroutine holds open rows.
func checkNoOpenRows() {
	if !trackRows {
		return
	}
	openRows.Lock()
	none := len(openRows.by) == 0 // no goroutine holds rows: skip reading this one's id
	openRows.Unlock()
	if none {
		return
	}
	g := goid()
	openRows.Lock()
	n := openRows.by[g]
	openRows.Unlock()
	if n > 0 {
		panic(ErrNestedRead)
	}
}

// goid reads the calling goroutine's id from the header of its stack trace ("goroutine 42 [").
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	n, _ := strconv.ParseUint(string(b), 10, 64)
	return n
}
