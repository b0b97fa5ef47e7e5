// Package demodb gives tests a database holding the demo street (demo.Seed with seed 1), copied
// from a template seeded once (storetest.Template) instead of seeded by each test. Its personal
// data is encrypted under Key, and its demo passwords are hashed with Config's cheap argon2
// parameters: a test opens the database with Box and Config.
package demodb

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"gongzhi/internal/app"
	"gongzhi/internal/demo"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// Name is the template's name. Change it if Seed changes in a way its source does not show.
const Name = "demo-1"

// Key is the secret key the template's personal data is encrypted under (a test key, fixed so
// that copies of the template can be read).
var Key = bytes.Repeat([]byte("gongzhi-demo-test-key/"), 2)[:secret.KeySize]

// Config is the service configuration of the tests: argon2 made cheap, so that a sign-in takes
// no time; password expiry and the disabling of unused accounts off, because the tests move the
// clock by months (their own tests, internal/app/login_test.go, turn them on).
var Config = kernel.Config{Argon2: secret.Argon2{Time: 1, Memory: 1024, Threads: 1}, PasswordMaxAge: -1, InactiveAfter: -1}

// Box returns a secret box under Key.
func Box() *secret.Box {
	box, err := secret.NewBox(Key)
	if err != nil {
		panic(err)
	}
	return box
}

// Seed loads the demo street, seed 1, at the present time, into a migrated database.
func Seed(ctx context.Context, db *store.DB) error {
	_, err := demo.Seed(ctx, app.New(db, Box(), Config, slog.New(slog.DiscardHandler)), 1)
	return err
}

// SQLite returns a SQLite database with the demo street, in tb's temporary directory.
func SQLite(tb testing.TB) *store.DB {
	tb.Helper()
	return storetest.Template(tb, Name, Seed)
}

// Postgres returns a PostgreSQL database with the demo street, dropped when the test ends (see
// storetest.PostgresTemplate: the package's TestMain runs its tests with storetest.Main).
func Postgres(tb testing.TB) *store.DB {
	tb.Helper()
	return storetest.PostgresTemplate(tb, Name, Seed)
}

// Each runs fn as parallel subtests on a database with the demo street on SQLite and on
// PostgreSQL (skipped when not configured).
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	storetest.EachSeeded(t, Name, Seed, fn)
}

// EachB runs a benchmark on a database with the demo street on SQLite and on PostgreSQL.
func EachB(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	b.Helper()
	storetest.EachSeededB(b, Name, Seed, fn)
}
