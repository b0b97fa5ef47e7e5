package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"gongzhi"
)

// versionOnly is the services of a server whose public data has version v (the other methods
// are not called).
type versionOnly struct {
	Services
	mu sync.Mutex
	v  gongzhi.PublicVersion
}

func (s *versionOnly) PublicVersion(context.Context) (gongzhi.PublicVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.v, nil
}

func (s *versionOnly) set(v gongzhi.PublicVersion) {
	s.mu.Lock()
	s.v = v
	s.mu.Unlock()
}

// TestPublicCached: a value is computed once per version of the public data, by one of the
// requests that ask for it at once; a new version (a write) computes it again; an error is not
// kept.
func TestPublicCached(t *testing.T) {
	svc := &versionOnly{v: gongzhi.PublicVersion{Head: 1}}
	s, err := New(svc, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var fills atomic.Int32
	fill := func(context.Context) (int, error) { return int(fills.Add(1)), nil }
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
	svc.set(gongzhi.PublicVersion{Head: 2}) // a write
	if v, _ := PublicCached(ctx, s, "k", fill); v != 2 {
		t.Fatalf("after a write got %d, want a new value 2", v)
	}
	if v, _ := PublicCached(ctx, s, "other", fill); v != 3 {
		t.Fatalf("another key got %d, want 3", v)
	}
	boom := errors.New("boom")
	if _, err := PublicCached(ctx, s, "bad", func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the fill's error", err)
	}
	if v, err := PublicCached(ctx, s, "bad", fill); err != nil || v != 4 {
		t.Fatalf("after an error got %d, %v; want it computed again (4)", v, err)
	}
}

// TestPublicCachedAcrossWindows: when only the clock's window has moved, every request is
// answered at once with the value computed before, while one computation of the next runs in the
// background, on a context that outlives the request that started it; its value replaces the
// old one, unless a write came meanwhile, and an error leaves the old value to be tried again.
func TestPublicCachedAcrossWindows(t *testing.T) {
	svc := &versionOnly{v: gongzhi.PublicVersion{Head: 1, Window: 0}}
	s, err := New(svc, slog.New(slog.DiscardHandler), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var fills atomic.Int32
	release := make(chan struct{})
	var ctxErr atomic.Value
	fill := func(ctx context.Context) (int, error) {
		n := int(fills.Add(1))
		if n > 1 {
			<-release
			ctxErr.Store(fmt.Sprint(ctx.Err()))
		}
		return n, nil
	}
	get := func(ctx context.Context) int {
		t.Helper()
		v, err := PublicCached(ctx, s, "k", fill)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := get(context.Background()); v != 1 {
		t.Fatalf("first value %d, want 1", v)
	}

	svc.set(gongzhi.PublicVersion{Head: 1, Window: 1}) // the clock moved, nothing was written
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel() // the request ends before the computation does
			if v := get(ctx); v != 1 {
				t.Errorf("while the next window is computed got %d, want the value it had (1)", v)
			}
		})
	}
	wg.Wait() // all answered while the computation still waits for release
	close(release)
	s.public.refresh.Wait()
	if n := fills.Load(); n != 2 {
		t.Fatalf("computed %d times, want once more for the new window (2)", n)
	}
	if e := ctxErr.Load(); e != "<nil>" {
		t.Fatalf("the background computation's context ended (%v) with the request that started it", e)
	}
	if v := get(context.Background()); v != 2 {
		t.Fatalf("after the computation got %d, want its value 2", v)
	}

	// a write while the next window is computed: the computed value is not kept
	svc.set(gongzhi.PublicVersion{Head: 1, Window: 2})
	block := make(chan struct{})
	slow := func(context.Context) (int, error) { <-block; return 100, nil }
	if v, _ := PublicCached(context.Background(), s, "k", slow); v != 2 {
		t.Fatalf("got %d, want 2 while the window's value is computed", v)
	}
	svc.set(gongzhi.PublicVersion{Head: 2, Window: 2})
	if v, _ := PublicCached(context.Background(), s, "k", func(context.Context) (int, error) { return 7, nil }); v != 7 {
		t.Fatalf("after a write got %d, want a value computed for it (7)", v)
	}
	close(block)
	s.public.refresh.Wait()
	if v, _ := PublicCached(context.Background(), s, "k", fill); v != 7 {
		t.Fatalf("got %d, want 7: the computation begun before the write must not replace it", v)
	}

	// an error in the background: the old value stays and the next request tries again
	svc.set(gongzhi.PublicVersion{Head: 2, Window: 3})
	boom := func(context.Context) (int, error) { return 0, errors.New("boom") }
	if v, err := PublicCached(context.Background(), s, "k", boom); err != nil || v != 7 {
		t.Fatalf("got %d, %v; want the old value 7", v, err)
	}
	s.public.refresh.Wait()
	if v, err := PublicCached(context.Background(), s, "k", func(context.Context) (int, error) { return 8, nil }); err != nil || v != 7 {
		t.Fatalf("got %d, %v; want the old value 7 while it is tried again", v, err)
	}
	s.public.refresh.Wait()
	if v, _ := PublicCached(context.Background(), s, "k", fill); v != 8 {
		t.Fatalf("got %d, want 8 from the second try", v)
	}
}
