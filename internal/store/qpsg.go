// SQLite's query planner stability guarantee (issue 10; docs/operations.md, "SQLite's plans").
//
// The city's statistics (ANALYZE, with the STAT4 samples modernc's SQLite is built with) let
// SQLite plan a statement for the very values bound to it: it then marks the statement as
// depending on them, and each time a value is bound again the statement is parsed and planned
// anew on its next step. Almost every statement compares a bound place code or id to an
// index's first column, so the kept statements (stmtcache.go) were re-prepared on nearly every
// use: a tenth of the server's processor time under the city's load test. With the guarantee
// on, SQLite plans a statement once, from the statistics alone, and the kept statement is run
// as it is; values written into the SQL still use the samples.
//
// The driver offers no setting for it, so it is set on each new connection through SQLite's
// own sqlite3_db_config, with the connection's handle read from the driver's connection.
// TestSQLitePlannerStable fails if a new version of the driver stops this from working.

package store

import (
	"database/sql/driver"
	"encoding/binary"
	"reflect"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// qpsg turns the guarantee on (on) or only reads it (!on) on a modernc connection, and reports
// whether it is on; false too when the connection is not modernc's as this version knows it.
func qpsg(c driver.Conn, on bool) bool {
	v := reflect.ValueOf(c)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return false
	}
	e := v.Elem()
	fdb, ftls := e.FieldByName("db"), e.FieldByName("tls")
	if !fdb.IsValid() || fdb.Kind() != reflect.Uintptr || !ftls.IsValid() || ftls.Type() != reflect.TypeFor[*libc.TLS]() {
		return false
	}
	db := *(*uintptr)(unsafe.Pointer(fdb.UnsafeAddr()))
	tls := *(**libc.TLS)(unsafe.Pointer(ftls.UnsafeAddr()))
	if db == 0 || tls == nil {
		return false
	}
	// the arguments (int onoff, int *pRes) as libc lays out C's variadic ones, 8 bytes each,
	// then pRes's int
	bp := libc.Xmalloc(tls, 2*8+4)
	if bp == 0 {
		return false
	}
	defer libc.Xfree(tls, bp)
	res := bp + 16
	libc.Xmemset(tls, res, 0, 4)
	set := int32(-1) // below 0: leave it as it is
	if on {
		set = 1
	}
	if sqlite3.Xsqlite3_db_config(tls, db, sqlite3.SQLITE_DBCONFIG_ENABLE_QPSG, libc.VaList(bp, set, res)) != sqlite3.SQLITE_OK {
		return false
	}
	return binary.NativeEndian.Uint32(libc.GoBytes(res, 4)) == 1
}
