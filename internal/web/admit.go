// Requests in flight (docs/operations.md, "Requests in flight"). A server's processor time is
// shared by the requests it runs at once: sixteen at a time on two cores each run at an eighth
// of a core, thrash the caches they share (SQLite's page caches, the processor's), and a page
// that asks the database fifty times waits for a pooled connection fifty times. Past a few
// requests at a time the server does less in all, not more. So the reads of pages and of the
// API wait their turn for one of Options.MaxInFlight places; the rest is not held: writes (few,
// and an upload is read at the client's pace), static files, the health check and metrics
// (monitoring answers under load) and files streamed for seconds (Excel exports, evidence
// downloads).
//
// The turn is not strictly first come first served. Each route's cost is learnt as it runs (the
// time its requests hold a place, a moving average), and a waiting read's turn comes at its
// arrival plus a grace proportional to that cost, capped: a list that costs a millisecond is not
// kept behind a dashboard that costs thirty, while the dashboard waits at most maxGrace more than
// it would have. Shortest first is what makes the mean wait least; the cap keeps anyone from
// waiting for ever.

package web

import (
	"container/heap"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gongzhi"
)

// DefaultMaxWait is how long a read waits for its place before it is refused as busy (503).
const DefaultMaxWait = 30 * time.Second

const (
	// graceByCost is how many times its route's cost a read may be overtaken for.
	graceByCost = 4
	// maxGrace caps that grace.
	maxGrace = 25 * time.Millisecond
	// costWeight is the weight of the last request in a route's moving average (1/costWeight).
	costWeight = 8
)

// admission is the places of the reads in flight and the reads waiting for one.
type admission struct {
	wait    time.Duration
	waiting prometheus.Gauge

	mu     sync.Mutex
	n      int // places
	busy   int // places taken
	queue  waiters
	costs  map[string]time.Duration // by route pattern
	arrive uint64                   // arrivals, to order equal turns
}

// waiter is a read waiting for a place; ready is closed when the place is handed to it.
type waiter struct {
	turn  time.Time
	seq   uint64
	ready chan struct{}
	index int // in the queue; -1 once handed a place or gone
}

type waiters []*waiter

func (q waiters) Len() int { return len(q) }
func (q waiters) Less(i, j int) bool {
	if !q[i].turn.Equal(q[j].turn) {
		return q[i].turn.Before(q[j].turn)
	}
	return q[i].seq < q[j].seq
}
func (q waiters) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *waiters) Push(x any) {
	w := x.(*waiter)
	w.index = len(*q)
	*q = append(*q, w)
}
func (q *waiters) Pop() any {
	old := *q
	w := old[len(old)-1]
	old[len(old)-1] = nil
	w.index = -1
	*q = old[:len(old)-1]
	return w
}

func newAdmission(n int, wait time.Duration, reg prometheus.Registerer) *admission {
	if n <= 0 {
		return nil
	}
	if wait <= 0 {
		wait = DefaultMaxWait
	}
	a := &admission{n: n, wait: wait, costs: map[string]time.Duration{},
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{Name: "gongzhi_http_requests_waiting", Help: "Reads waiting for a place among the requests in flight."})}
	reg.MustRegister(a.waiting, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongzhi_http_requests_in_flight",
		Help: "Reads holding a place among the requests in flight."}, func() float64 { return float64(a.inFlight()) }))
	return a
}

func (a *admission) inFlight() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.busy
}

// grace is how long a read of route may be overtaken for: graceByCost times the route's cost,
// at most maxGrace; nothing for a route not yet measured.
func (a *admission) grace(route string) time.Duration {
	return min(graceByCost*a.costs[route], maxGrace)
}

// enter takes a place for a read of route, or queues it: it returns nil when the read has its
// place, else the waiter whose ready channel is closed when the place is handed over.
func (a *admission) enter(route string, now time.Time) *waiter {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.busy < a.n && len(a.queue) == 0 {
		a.busy++
		return nil
	}
	a.arrive++
	w := &waiter{turn: now.Add(a.grace(route)), seq: a.arrive, ready: make(chan struct{})}
	heap.Push(&a.queue, w)
	a.waiting.Inc()
	return w
}

// leave gives up a waiter's turn; it reports false when the place was handed over meanwhile
// (the caller then holds it and must release it).
func (a *admission) leave(w *waiter) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if w.index < 0 {
		return false
	}
	heap.Remove(&a.queue, w.index)
	a.waiting.Dec()
	return true
}

// release frees a place held for held (how long) by a read of route, learning the route's cost
// (not for route ""), and hands the place to the waiter whose turn comes first.
func (a *admission) release(route string, held time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if route != "" {
		c, ok := a.costs[route]
		if !ok {
			c = held
		}
		a.costs[route] = c + (held-c)/costWeight
	}
	if len(a.queue) == 0 {
		a.busy--
		return
	}
	w := heap.Pop(&a.queue).(*waiter)
	a.waiting.Dec()
	close(w.ready)
}

// held reports whether a request waits for a place: a read of a page or of the API, other than
// a static file, the health check, the metrics and a streamed file.
func held(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/static/"), p == "/healthz", p == "/metrics",
		strings.HasSuffix(p, ".xlsx"), strings.HasSuffix(p, ".csv"), strings.HasSuffix(p, "/export"),
		strings.HasSuffix(p, "/download"), strings.Contains(p, "/evidence/"):
		return false
	}
	return true
}

// admit runs next once the request has a place (held requests), in the order of their turns; one
// that waits longer than the admission's wait is refused as busy, with Retry-After.
func (s *Server) admit(next http.Handler) http.Handler {
	a := s.admission
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !held(r) {
			next.ServeHTTP(w, r)
			return
		}
		route := r.URL.Path
		if s.mux != nil {
			_, route = s.mux.Handler(r)
		}
		if wt := a.enter(route, time.Now()); wt != nil {
			t := time.NewTimer(a.wait)
			select {
			case <-wt.ready:
				t.Stop()
			case <-t.C:
				if a.leave(wt) {
					w.Header().Set("Retry-After", "1")
					s.busy(w, r)
					return
				}
			case <-r.Context().Done():
				t.Stop()
				if !a.leave(wt) {
					a.release("", 0) // handed a place it no longer wants
				}
				return
			}
		}
		start := time.Now()
		defer func() { a.release(route, time.Since(start)) }()
		next.ServeHTTP(w, r)
	})
}

// busy answers a read refused for want of a place: the API's error body (fail), or a short page
// (the request has not reached the pages' middleware, so no layout is rendered).
func (s *Server) busy(w http.ResponseWriter, r *http.Request) {
	if IsAPIPath(r) {
		s.fail(w, r, &gongzhi.Error{Code: gongzhi.EBUSY, Message: "title." + gongzhi.EBUSY})
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(T(LangOf(r), "title."+gongzhi.EBUSY) + "\n"))
}
