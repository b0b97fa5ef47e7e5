package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestAdmission: with one place, a read holds it and the next reads wait, then run in the order
// they came; writes, static files, the health check and exports pass meanwhile; a read that
// waits past the limit is refused as busy (503, Retry-After, the API's error body).
func TestAdmission(t *testing.T) {
	s := &Server{admission: newAdmission(1, 300*time.Millisecond, prometheus.NewRegistry())}
	release := make(chan struct{})
	var mu sync.Mutex
	var ran []string
	h := s.admit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ran = append(ran, r.Method+" "+r.URL.Path)
		mu.Unlock()
		if r.URL.Path == "/hold" {
			<-release
		}
		w.WriteHeader(http.StatusOK)
	}))
	serve := func(method, path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, path, nil))
		return w
	}
	waiting := func() int {
		var m dto.Metric
		if err := s.admission.waiting.Write(&m); err != nil {
			t.Fatal(err)
		}
		return int(m.GetGauge().GetValue())
	}
	until := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); waiting() != n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d reads waiting, want %d", waiting(), n)
			}
		}
	}

	held := make(chan int)
	go func() { held <- serve("GET", "/hold").Code }()
	for deadline := time.Now().Add(5 * time.Second); s.admission.inFlight() != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first read did not take the place")
		}
	}
	// what is not held passes while the place is taken
	for _, r := range [][2]string{{"POST", "/needs"}, {"GET", "/static/app.css"}, {"GET", "/healthz"}, {"GET", "/metrics"},
		{"GET", "/people/export.xlsx"}, {"GET", "/api/v1/needs.xlsx"}, {"GET", "/audit/export"}, {"GET", "/ledger/7/evidence/x.jpg"}} {
		if code := serve(r[0], r[1]).Code; code != http.StatusOK {
			t.Errorf("%s %s while the place is taken: %d", r[0], r[1], code)
		}
	}
	// a read waiting past the limit is refused as busy
	w := serve("GET", "/api/v1/people")
	var body struct {
		Error ApiError `json:"error"`
	}
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" || json.Unmarshal(w.Body.Bytes(), &body) != nil || body.Error.Code != "busy" {
		t.Errorf("a read past the wait: %d %q %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	if w := serve("GET", "/people"); w.Code != http.StatusServiceUnavailable || w.Body.Len() == 0 {
		t.Errorf("a page past the wait: %d %s", w.Code, w.Body)
	}
	// two reads waiting run in the order they came once the place is free
	s.admission.wait = time.Minute
	done := make(chan int, 2)
	go func() { done <- serve("GET", "/first").Code }()
	until(1)
	go func() { done <- serve("GET", "/second").Code }()
	until(2)
	close(release)
	for _, ch := range []<-chan int{held, done, done} {
		if code := <-ch; code != http.StatusOK {
			t.Errorf("a read that waited: %d", code)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if n := len(ran); n < 2 || ran[n-2] != "GET /first" || ran[n-1] != "GET /second" {
		t.Errorf("the waiting reads ran in the order %v", ran)
	}
	if waiting() != 0 || s.admission.inFlight() != 0 {
		t.Errorf("after all: %d waiting, %d in flight", waiting(), s.admission.inFlight())
	}
}

// TestAdmissionByCost: a waiting read of a cheap route overtakes one of a dear route that came
// just before it, but not one that has waited longer than its grace (maxGrace at most); the
// routes' costs are learnt from the time their reads hold a place.
func TestAdmissionByCost(t *testing.T) {
	a := newAdmission(1, time.Minute, prometheus.NewRegistry())
	s := &Server{admission: a}
	hold := make(chan struct{})
	var mu sync.Mutex
	var ran []string
	h := s.admit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ran = append(ran, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/hold":
			<-hold
		case "/dear":
			time.Sleep(40 * time.Millisecond)
		}
	}))
	serve := func(path string, done chan<- struct{}) {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
		done <- struct{}{}
	}
	queued := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			a.mu.Lock()
			got := len(a.queue)
			a.mu.Unlock()
			if got == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d reads waiting, want %d", got, n)
			}
		}
	}
	// the costs are learnt: one read of each route alone
	done := make(chan struct{}, 3)
	serve("/dear", done)
	serve("/cheap", done)
	<-done
	<-done
	a.mu.Lock()
	dear, cheap := a.costs["/dear"], a.costs["/cheap"]
	a.mu.Unlock()
	if dear < 40*time.Millisecond || cheap >= dear/4 {
		t.Fatalf("learnt costs: dear %v, cheap %v", dear, cheap)
	}

	round := func(pause time.Duration) []string {
		t.Helper()
		mu.Lock()
		ran = nil
		mu.Unlock()
		go serve("/hold", done)
		for deadline := time.Now().Add(5 * time.Second); a.inFlight() != 1; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the first read did not take the place")
			}
		}
		go serve("/dear", done)
		queued(1)
		time.Sleep(pause)
		go serve("/cheap", done)
		queued(2)
		hold <- struct{}{}
		for range 3 {
			<-done
		}
		mu.Lock()
		defer mu.Unlock()
		return ran
	}
	if got := round(0); len(got) != 3 || got[1] != "/cheap" || got[2] != "/dear" {
		t.Errorf("a cheap read just after a dear one: ran %v, want the cheap one first", got)
	}
	if got := round(maxGrace + 20*time.Millisecond); len(got) != 3 || got[1] != "/dear" || got[2] != "/cheap" {
		t.Errorf("a cheap read after a dear one waited past its grace: ran %v, want the dear one first", got)
	}
	if a.inFlight() != 0 || len(a.queue) != 0 {
		t.Errorf("after all: %d in flight, %d waiting", a.inFlight(), len(a.queue))
	}
}
