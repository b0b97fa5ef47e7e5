// A cache of what anonymous public pages read: the list of streets and communities to choose from,
// the open calls and results, the purchasers' payment record. These are the same for every visitor
// and change only when something is written, yet a city's public pages are what the public and the
// press open most. An entry is kept while the public data's version (Services.PublicVersion: the
// last audited write, the ledger's left out, and a window of ten seconds of the clock) stays the
// same, so a page never shows data older than the last write, and content that depends on the time
// is at most ten seconds late. Concurrent requests for a missing entry wait for the one that
// computes it. Only public, anonymous data goes in: nothing personal or scoped to a signed-in
// caller, and no search results (their keys would be unbounded); at most publicCacheMax entries are
// kept.

package web

import (
	"context"
	"sync"
)

const publicCacheMax = 256

type publicCache struct {
	mu      sync.Mutex
	version string
	entries map[string]*publicEntry
}

type publicEntry struct {
	ready chan struct{}
	val   any
	err   error
}

// PublicCached returns what fill returns for key under the public data's current version,
// computing it once per version. The value is shared by every request: callers must not change
// it.
func PublicCached[T any](ctx context.Context, s *Server, key string, fill func() (T, error)) (T, error) {
	var zero T
	v, err := s.services.PublicVersion(ctx)
	if err != nil {
		return zero, err
	}
	c := &s.public
	c.mu.Lock()
	if c.version != v || len(c.entries) >= publicCacheMax {
		c.version, c.entries = v, map[string]*publicEntry{}
	}
	e, ok := c.entries[key]
	if !ok {
		e = &publicEntry{ready: make(chan struct{})}
		c.entries[key] = e
	}
	c.mu.Unlock()
	if !ok {
		val, err := fill()
		e.val, e.err = val, err
		close(e.ready)
		if err != nil {
			c.mu.Lock()
			if c.entries[key] == e {
				delete(c.entries, key)
			}
			c.mu.Unlock()
		}
		return val, err
	}
	select {
	case <-e.ready:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	if e.err != nil {
		return fill()
	}
	return e.val.(T), nil
}
