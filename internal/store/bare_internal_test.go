package store

import (
	"context"
	"path/filepath"
	"testing"
)

// bareSQLite opens a SQLite database of no tables in the test's directory (closed when the test
// ends) and returns it with run, which executes a statement on its pool or fails the test.
func bareSQLite(t *testing.T, name string) (*DB, func(s string, args ...any)) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	run := func(s string, args ...any) {
		t.Helper()
		if _, err := db.Q().Exec(ctx, s, args...); err != nil {
			t.Fatal(err)
		}
	}
	return db, run
}
