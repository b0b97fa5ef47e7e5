package store_test

import (
	"os"
	"testing"

	"gongzhi/internal/store/storetest"
)

// TestMain drops the seeded PostgreSQL templates (demodb) the package's tests made.
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
