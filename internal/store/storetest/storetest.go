// Package storetest opens fresh, migrated databases for tests: a SQLite file in the test's
// temporary directory, and, when GONGZHI_TEST_POSTGRES is set, a PostgreSQL schema of its own
// that is dropped when the test ends. Template (template.go) gives tests a copy of a database
// seeded once, instead of seeding each test's own.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"gongzhi/internal/store"
)

// EnvPostgres names the variable holding a PostgreSQL URL for tests.
const EnvPostgres = "GONGZHI_TEST_POSTGRES"

// SQLite returns a migrated SQLite database in t's temporary directory: a copy of a database
// migrated once (see Template), which is what migrating a new file gives, only faster.
func SQLite(tb testing.TB) *store.DB {
	tb.Helper()
	return Template(tb, "migrated", nil)
}

// PostgresDSN creates a schema of its own in the test server and returns a URL whose
// search_path points at it; the schema is dropped when the test ends. It skips the test, loudly,
// when GONGZHI_TEST_POSTGRES is unset.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	base := postgresBase(tb)
	var b [6]byte
	rand.Read(b[:])
	schema := "gz_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema on %s: %v", EnvPostgres, err)
	}
	tb.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	return u.String()
}

// postgresBase is GONGZHI_TEST_POSTGRES; it skips the test, loudly, when that is unset.
func postgresBase(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		tb.Skip("SKIPPING PostgreSQL: set " + EnvPostgres + "=postgres://user@host:port/db to run storage tests on PostgreSQL")
	}
	return base
}

// Postgres returns a migrated PostgreSQL database in a schema of its own.
func Postgres(tb testing.TB) *store.DB {
	tb.Helper()
	dsn := PostgresDSN(tb)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// Each runs fn as a subtest on SQLite and on PostgreSQL (skipped when not configured).
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// EachB runs a benchmark on SQLite and on PostgreSQL (skipped when not configured).
func EachB(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	b.Helper()
	b.Run("sqlite", func(b *testing.B) { fn(b, SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, Postgres(b)) })
}
