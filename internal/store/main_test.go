package store_test

import (
	"context"
	"os"
	"testing"

	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// TestMain drops the seeded PostgreSQL templates (demodb) the package's tests made.
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// execer returns a function that runs a statement on q as a script or an import would, failing
// the test on an error.
func execer(t *testing.T, q *store.Q) func(query string, args ...any) {
	return func(query string, args ...any) {
		t.Helper()
		if _, err := q.Exec(context.Background(), query, args...); err != nil {
			t.Fatal(err)
		}
	}
}
