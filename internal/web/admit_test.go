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
	for deadline := time.Now().Add(5 * time.Second); len(s.admission.places) != 1; time.Sleep(time.Millisecond) {
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
	if waiting() != 0 || len(s.admission.places) != 0 {
		t.Errorf("after all: %d waiting, %d in flight", waiting(), len(s.admission.places))
	}
}
