// A cache of what anonymous public pages read: the list of streets and communities to choose from,
// the open calls and results, the purchasers' payment record, the disclosure index. These are the
// same for every visitor and change only when something is written, yet a city's public pages are
// what the public and the press open most (docs/lists.md, "Public pages").
//
// An entry is kept under the public data's version (Services.PublicVersion): the last audited
// write, the ledger's left out, and a window of ten seconds of the clock.
//   - A write (a new head) empties the cache: a page never shows data older than the last write,
//     and the requests that ask for a missing entry at once wait for the one that computes it.
//   - When only the clock's window has moved, the entry is still shown while it is computed again
//     in the background, once, and replaced when done. So content that depends on the time (a
//     call that takes applications until its deadline) is at most a window and a computation
//     late, and no visitor waits for the computation: under load it had put one public page in a
//     hundred behind it every ten seconds.
//
// Only public, anonymous data goes in: nothing personal or scoped to a signed-in caller, and no
// search results. Keys are names, languages, checked values and places that exist, never what a
// visitor types as it is (those keys would be unbounded); at most publicCacheMax entries are kept.

package web

import (
	"context"
	"sync"
	"time"

	"gongzhi"
)

const (
	publicCacheMax = 256
	// publicRefreshTimeout bounds a computation in the background, which no request waits for.
	publicRefreshTimeout = 30 * time.Second
)

type publicCache struct {
	mu      sync.Mutex
	head    int64 // the write the entries show
	entries map[string]*publicEntry
	refresh sync.WaitGroup // computations in the background (for tests)
}

type publicEntry struct {
	window     int64         // the clock's window it was computed in
	ready      chan struct{} // closed once val and err are set
	val        any
	err        error
	refreshing bool // a computation for a later window is under way (under publicCache.mu)
}

// PublicCached returns what fill returns for key under the public data's current version,
// computing it once per version; when only the clock's window has moved since it was computed,
// it returns the value it has and computes the next one in the background (fill then runs with
// ctx's values but not its end). The value is shared by every request: callers must not change
// it.
func PublicCached[T any](ctx context.Context, s *Server, key string, fill func(context.Context) (T, error)) (T, error) {
	var zero T
	v, err := s.services.PublicVersion(ctx)
	if err != nil {
		return zero, err
	}
	c := &s.public
	c.mu.Lock()
	if c.head != v.Head || c.entries == nil || len(c.entries) >= publicCacheMax {
		c.head, c.entries = v.Head, map[string]*publicEntry{}
	}
	e, ok := c.entries[key]
	if !ok {
		e = &publicEntry{window: v.Window, ready: make(chan struct{})}
		c.entries[key] = e
	}
	stale := ok && e.window < v.Window && !e.refreshing && isClosed(e.ready) && e.err == nil
	if stale {
		e.refreshing = true
		c.refresh.Add(1)
		go publicRecompute(c, context.WithoutCancel(ctx), key, e, v, fill)
	}
	c.mu.Unlock()
	if !ok {
		val, err := fill(ctx)
		e.val, e.err = val, err
		close(e.ready)
		if err != nil {
			c.drop(key, e)
		}
		return val, err
	}
	select {
	case <-e.ready:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	if e.err != nil {
		return fill(ctx)
	}
	return e.val.(T), nil
}

// publicRecompute computes key's value for version v in the background and puts it in place of
// old, unless a write has emptied the cache meanwhile; on an error old stays, to be tried again.
func publicRecompute[T any](c *publicCache, ctx context.Context, key string, old *publicEntry, v gongzhi.PublicVersion,
	fill func(context.Context) (T, error)) {
	defer c.refresh.Done()
	ctx, cancel := context.WithTimeout(ctx, publicRefreshTimeout)
	defer cancel()
	val, err := fill(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	old.refreshing = false
	if err != nil || c.head != v.Head || c.entries[key] != old {
		return
	}
	e := &publicEntry{window: v.Window, ready: make(chan struct{}), val: val}
	close(e.ready)
	c.entries[key] = e
}

// drop removes e from the cache if it is still key's entry.
func (c *publicCache) drop(key string, e *publicEntry) {
	c.mu.Lock()
	if c.entries[key] == e {
		delete(c.entries, key)
	}
	c.mu.Unlock()
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
