// Requests in flight (docs/operations.md, "Requests in flight"). A server's processor time is
// shared by the requests it runs at once: sixteen at a time on two cores each run at an eighth
// of a core, thrash the caches they share (SQLite's page caches, the processor's), and a page
// that asks the database fifty times waits for a pooled connection fifty times. Past a few
// requests at a time the server does less in all, not more. So the reads of pages and of the
// API wait their turn, first come first served, for one of Options.MaxInFlight places; the
// rest is not held: writes (few, and an upload is read at the client's pace), static files,
// the health check and metrics (monitoring answers under load) and files streamed for seconds
// (Excel exports, evidence downloads).

package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gongzhi"
)

// DefaultMaxWait is how long a read waits for its place before it is refused as busy (503).
const DefaultMaxWait = 30 * time.Second

// admission is the places of the reads in flight.
type admission struct {
	places  chan struct{}
	wait    time.Duration
	waiting prometheus.Gauge
}

func newAdmission(n int, wait time.Duration, reg prometheus.Registerer) *admission {
	if n <= 0 {
		return nil
	}
	if wait <= 0 {
		wait = DefaultMaxWait
	}
	a := &admission{places: make(chan struct{}, n), wait: wait,
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{Name: "gongzhi_http_requests_waiting", Help: "Reads waiting for a place among the requests in flight."})}
	reg.MustRegister(a.waiting, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongzhi_http_requests_in_flight",
		Help: "Reads holding a place among the requests in flight."}, func() float64 { return float64(len(a.places)) }))
	return a
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

// admit runs next once the request has a place (held requests), in the order they came; one
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
		select {
		case a.places <- struct{}{}:
		default:
			a.waiting.Inc()
			t := time.NewTimer(a.wait)
			select {
			case a.places <- struct{}{}:
				t.Stop()
				a.waiting.Dec()
			case <-t.C:
				a.waiting.Dec()
				w.Header().Set("Retry-After", "1")
				s.busy(w, r)
				return
			case <-r.Context().Done():
				t.Stop()
				a.waiting.Dec()
				return
			}
		}
		defer func() { <-a.places }()
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
