package web

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
)

// versionOnly is the services of a server whose public data has version v (the other methods
// are not called).
type versionOnly struct {
	Services
	mu sync.Mutex
	v  string
}

func (s *versionOnly) PublicVersion(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.v, nil
}

func (s *versionOnly) set(v string) {
	s.mu.Lock()
	s.v = v
	s.mu.Unlock()
}

// TestPublicCached: a value is computed once per version of the public data, by one of the
// requests that ask for it at once; a new version (a write) computes it again; an error is not
// kept.
func TestPublicCached(t *testing.T) {
	svc := &versionOnly{v: "1/0"}
	s, err := New(svc, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var fills atomic.Int32
	fill := func() (int, error) { return int(fills.Add(1)), nil }
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if v, err := PublicCached(ctx, s, "k", fill); err != nil || v != 1 {
				t.Errorf("got %d, %v; want 1", v, err)
			}
		})
	}
	wg.Wait()
	if n := fills.Load(); n != 1 {
		t.Fatalf("computed %d times for one version, want 1", n)
	}
	svc.set("2/0") // a write
	if v, _ := PublicCached(ctx, s, "k", fill); v != 2 {
		t.Fatalf("after a write got %d, want a new value 2", v)
	}
	if v, _ := PublicCached(ctx, s, "other", fill); v != 3 {
		t.Fatalf("another key got %d, want 3", v)
	}
	boom := errors.New("boom")
	if _, err := PublicCached(ctx, s, "bad", func() (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the fill's error", err)
	}
	if v, err := PublicCached(ctx, s, "bad", fill); err != nil || v != 4 {
		t.Fatalf("after an error got %d, %v; want it computed again (4)", v, err)
	}
}
