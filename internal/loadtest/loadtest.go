// Package loadtest drives a running Gongzhi server the way its users do and reports how fast it
// answered: it signs in as several roles through the real sign-in form, finds records to visit
// in the lists' answers, runs a weighted mix of lists, deep pages, searches, filters, detail
// pages, dashboards, public pages and ledger writes with N concurrent clients for a duration or
// a number of requests, and prints per route the count, errors, p50/p95/p99/max and throughput,
// with the server's peak memory and the machine's load average (`gongzhi loadtest`; README,
// "Measuring at scale"; the goals are issue 10's: p99 under 50 ms for lists and details, under
// 200 ms for dashboards, RSS under 300 MB).
package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// Goals checked by Report.Check (issue 10, "Done when").
const (
	GoalListP99      = 50 * time.Millisecond  // lists, deep pages, searches, filters, details, public pages
	GoalDashboardP99 = 200 * time.Millisecond // dashboards
	GoalRSSBytes     = 300 << 20
)

// Role is one signed-in kind of user the mix acts as.
type Role string

const (
	Purchaser Role = "purchaser" // a street (or city-level) purchaser: the registry and purchases of its scope
	Community Role = "community" // a community worker: its community's residents, households and ledger
	Provider  Role = "provider"  // a provider: its contracts and ledger, and the ledger writes
	Resident  Role = "resident"  // a resident: its services and to-dos
	Public    Role = "public"    // no account: the public pages
)

// Account is who signs in for a role. Administrators are not used: they need a second factor.
type Account struct {
	Role     Role
	Username string
}

// DefaultAccounts are the demo street's accounts, which a city-scale instance holds too.
var DefaultAccounts = []Account{
	{Purchaser, "gt-purchaser"}, {Community, "zs-community"}, {Provider, "gt-provider"}, {Resident, "zs-resident"},
}

// DefaultPassword is the demo accounts' password.
const DefaultPassword = "Gongzhi-Demo-2026"

// Options configure a run. Duration and Requests bound it: it stops at whichever comes first.
type Options struct {
	BaseURL  string
	Clients  int           // concurrent clients (default 16)
	Duration time.Duration // default 30 s when Requests is 0; at most 1 h
	Requests int           // total requests (0: by duration only)
	// Warmup is how long the clients run the mix before the measured run: the server's pools,
	// prepared statements, caches and heap reach their working state, and every route has been
	// visited. Its latencies are not counted; its errors are (Report.WarmupErrors). 0: none.
	Warmup   time.Duration
	Accounts []Account
	Password string
	// NewPassword, when set, is what an account that must change its password at first sign-in
	// (the demo's) changes it to, through the password form; later runs sign in with it.
	NewPassword string
	PID         int  // the server's process, on this machine: its peak RSS from /proc/PID/status
	AllowRemote bool // targets other than this machine
	NoWrites    bool // leave out the ledger writes
	Seed        uint64
	Log         io.Writer // progress lines; nil: none
	// CursorParam is the query parameter that carries a list answer's "next" cursor when the
	// answer gives a bare value rather than a link (default "after").
	CursorParam string
}

// RouteStats is what one route of the mix measured. Times are in milliseconds.
type RouteStats struct {
	Route      string  `json:"route"`
	Group      string  `json:"group"`
	Role       Role    `json:"role"`
	Count      int     `json:"count"`
	Errors     int     `json:"errors"`
	P50        float64 `json:"p50_ms"`
	P95        float64 `json:"p95_ms"`
	P99        float64 `json:"p99_ms"`
	Max        float64 `json:"max_ms"`
	PerSecond  float64 `json:"per_second"`
	FirstError string  `json:"first_error,omitempty"`
}

// Memory is the server's resident memory during the run.
type Memory struct {
	Source   string `json:"source"` // "proc" (/proc/PID/status), "metrics" (process_resident_memory_bytes), or "" when unmeasured
	PeakRSS  int64  `json:"peak_rss_bytes"`
	StartRSS int64  `json:"start_rss_bytes"`
	EndRSS   int64  `json:"end_rss_bytes"`
	Samples  int    `json:"samples"`
}

// Report is the outcome of a run.
type Report struct {
	Target  string    `json:"target"`
	Clients int       `json:"clients"`
	Started time.Time `json:"started"`
	Seconds float64   `json:"seconds"`
	Warmup  float64   `json:"warmup_seconds"` // run before Seconds, not counted
	// WarmupErrors are the errors of the warm-up's requests (also in Errors and their routes').
	WarmupErrors int          `json:"warmup_errors"`
	Requests     int          `json:"requests"`
	Errors       int          `json:"errors"`
	PerSecond    float64      `json:"per_second"`
	Routes       []RouteStats `json:"routes"`
	Memory       Memory       `json:"memory"`
	LoadStart    string       `json:"loadavg_start"` // /proc/loadavg of this machine
	LoadEnd      string       `json:"loadavg_end"`
	Skipped      []string     `json:"skipped,omitempty"` // routes left out, with why (no record to visit)
}

// Run signs in, discovers and drives the mix, and returns the report.
func Run(ctx context.Context, o Options) (*Report, error) {
	u, err := url.Parse(strings.TrimRight(o.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("loadtest: target must be an http(s) URL, not %q", o.BaseURL)
	}
	if !o.AllowRemote && !isLocal(u.Hostname()) {
		return nil, fmt.Errorf("loadtest: %s is not this machine (127.0.0.1, ::1 or localhost); pass --allow-remote to load another server", u.Host)
	}
	o.BaseURL = u.String()
	if o.Clients <= 0 {
		o.Clients = 16
	}
	if o.Duration <= 0 && o.Requests <= 0 {
		o.Duration = 30 * time.Second
	}
	if o.Duration <= 0 || o.Duration > time.Hour {
		o.Duration = time.Hour
	}
	if o.Accounts == nil {
		o.Accounts = DefaultAccounts
	}
	if o.Password == "" {
		o.Password = DefaultPassword
	}
	if o.CursorParam == "" {
		o.CursorParam = "after"
	}
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", args...)
		}
	}
	t := newTarget(o)
	for _, a := range o.Accounts {
		s, err := t.signIn(ctx, a)
		if err != nil {
			return nil, err
		}
		t.sessions[a.Role] = s
		logf("signed in as %s (%s)", a.Username, a.Role)
	}
	t.sessions[Public] = &session{role: Public}
	mix, skipped, err := t.discover(ctx)
	if err != nil {
		return nil, err
	}
	logf("%d routes in the mix; %d clients for %s (at most %d requests)", len(mix), o.Clients, o.Duration, o.Requests)

	rep := &Report{Target: o.BaseURL, Clients: o.Clients, Skipped: skipped, LoadStart: loadavg()}
	mem := newSampler(t, o.PID)
	mctx, stopMem := context.WithCancel(ctx)
	memDone := make(chan struct{})
	go func() { mem.run(mctx); close(memDone) }()

	o.Warmup = min(max(o.Warmup, 0), time.Hour)
	rctx, cancel := context.WithTimeout(ctx, o.Warmup+o.Duration)
	defer cancel()
	rec, warm := newRecorder(mix), newRecorder(mix)
	var issued sync.Mutex
	n := 0
	take := func() bool { // one more request within the count
		issued.Lock()
		defer issued.Unlock()
		if o.Requests > 0 && n >= o.Requests {
			return false
		}
		n++
		return true
	}
	start := time.Now().Add(o.Warmup) // of the measured run
	rep.Started = start.UTC()
	var wg sync.WaitGroup
	for c := range o.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(o.Seed, uint64(c)+1))
			// each client first visits its share of the routes once (c, c+N, …), so that every
			// route is visited and each record's first visit is not left to chance; these count
			// like the others unless the warm-up is still on
			for k := 0; rctx.Err() == nil; k++ {
				into := warm
				if !time.Now().Before(start) {
					if !take() {
						return
					}
					into = rec
				}
				i := c + k*o.Clients
				if i >= len(mix) {
					i = pick(mix, rnd)
				}
				req := mix[i].make(rnd)
				d, err := t.do(rctx, req)
				if rctx.Err() != nil && err != nil {
					return // cut off by the end of the run: not the server's error
				}
				into.add(i, d, err)
			}
		}()
	}
	wg.Wait()
	elapsed := max(time.Since(start), time.Millisecond)
	stopMem()
	<-memDone
	rep.LoadEnd = loadavg()
	rep.Seconds = round(elapsed.Seconds(), 3)
	rep.Warmup = round(o.Warmup.Seconds(), 3)
	rep.Memory = mem.result()
	rec.addErrors(warm)
	rep.Routes = rec.stats(mix, elapsed)
	for _, r := range rep.Routes {
		rep.Requests += r.Count
		rep.Errors += r.Errors
	}
	for _, n := range warm.errs {
		rep.WarmupErrors += n
	}
	rep.PerSecond = round(float64(rep.Requests)/elapsed.Seconds(), 1)
	return rep, nil
}

func isLocal(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Check lists the goals the run missed: a route's errors, its p99 over its group's goal, the
// server's peak RSS over 300 MB or not measured at all.
func (r *Report) Check() []string {
	var miss []string
	for _, s := range r.Routes {
		if s.Errors > 0 {
			miss = append(miss, fmt.Sprintf("%s: %d errors (%s)", s.Route, s.Errors, s.FirstError))
		}
		if goal := GoalOf(s.Group); goal > 0 && s.Count > 0 && s.P99 >= ms(goal) {
			miss = append(miss, fmt.Sprintf("%s: p99 %.1f ms, goal under %.0f ms", s.Route, s.P99, ms(goal)))
		}
	}
	switch {
	case r.Memory.Source == "":
		miss = append(miss, "server RSS not measured: give --pid, or let the server expose /metrics")
	case r.Memory.PeakRSS >= GoalRSSBytes:
		miss = append(miss, fmt.Sprintf("server peak RSS %.0f MiB, goal under %d MiB", mib(r.Memory.PeakRSS), GoalRSSBytes>>20))
	}
	return miss
}

// GoalOf is a group's p99 goal; 0 for writes, which have none here (issue 10 measures them
// against raw inserts in a benchmark).
func GoalOf(group string) time.Duration {
	switch group {
	case "dashboard":
		return GoalDashboardP99
	case "write":
		return 0
	}
	return GoalListP99
}

// Print writes the report as a table.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "target %s, %d clients, %.1f s, %d requests (%d errors), %.1f/s\n", r.Target, r.Clients, r.Seconds, r.Requests, r.Errors, r.PerSecond)
	if r.Warmup > 0 {
		fmt.Fprintf(w, "after a warm-up of %.1f s, not counted but for its %d errors\n", r.Warmup, r.WarmupErrors)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "route\tgroup\trole\tcount\terrors\tp50 ms\tp95 ms\tp99 ms\tmax ms\t/s\t")
	for _, s := range r.Routes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", s.Route, s.Group, s.Role, s.Count, s.Errors, s.P50, s.P95, s.P99, s.Max, s.PerSecond)
	}
	tw.Flush()
	for _, s := range r.Routes {
		if s.FirstError != "" {
			fmt.Fprintf(w, "first error of %s: %s\n", s.Route, s.FirstError)
		}
	}
	for _, s := range r.Skipped {
		fmt.Fprintln(w, "skipped:", s)
	}
	if r.Memory.Source != "" {
		fmt.Fprintf(w, "server RSS (%s, %d samples): start %.0f MiB, peak %.0f MiB, end %.0f MiB\n", r.Memory.Source, r.Memory.Samples,
			mib(r.Memory.StartRSS), mib(r.Memory.PeakRSS), mib(r.Memory.EndRSS))
	} else {
		fmt.Fprintln(w, "server RSS: not measured (give --pid, or expose /metrics)")
	}
	fmt.Fprintf(w, "load average (this machine): start %s, end %s\n", r.LoadStart, r.LoadEnd)
}

// JSON writes the report as indented JSON.
func (r *Report) JSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(r)
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(b int64) float64        { return float64(b) / (1 << 20) }
func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// ---- recording

type recorder struct {
	mu    sync.Mutex
	times [][]time.Duration
	errs  []int
	first []string
}

// maxSamples bounds the latencies kept per route (a long run keeps the first ones).
const maxSamples = 1 << 20

func newRecorder(mix []*route) *recorder {
	return &recorder{times: make([][]time.Duration, len(mix)), errs: make([]int, len(mix)), first: make([]string, len(mix))}
}

func (r *recorder) add(i int, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.times[i]) < maxSamples {
		r.times[i] = append(r.times[i], d)
	}
	if err != nil {
		r.errs[i]++
		if r.first[i] == "" {
			r.first[i] = err.Error()
		}
	}
}

// addErrors counts the errors of w (a warm-up's) as r's, without their latencies.
func (r *recorder) addErrors(w *recorder) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, n := range w.errs {
		r.errs[i] += n
		if r.first[i] == "" {
			r.first[i] = w.first[i]
		}
	}
}

func (r *recorder) stats(mix []*route, elapsed time.Duration) []RouteStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []RouteStats
	for i, rt := range mix {
		ts := r.times[i]
		s := RouteStats{Route: rt.name, Group: rt.group, Role: rt.role, Count: len(ts), Errors: r.errs[i], FirstError: r.first[i]}
		if len(ts) > 0 {
			slices.Sort(ts)
			q := func(p float64) float64 {
				k := int(math.Ceil(p*float64(len(ts)))) - 1
				return round(ms(ts[max(k, 0)]), 2)
			}
			s.P50, s.P95, s.P99, s.Max = q(0.50), q(0.95), q(0.99), round(ms(ts[len(ts)-1]), 2)
			s.PerSecond = round(float64(len(ts))/elapsed.Seconds(), 2)
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	return out
}

// pick draws a route by weight.
func pick(mix []*route, rnd *rand.Rand) int {
	total := 0
	for _, r := range mix {
		total += r.weight
	}
	n := rnd.IntN(total)
	for i, r := range mix {
		if n < r.weight {
			return i
		}
		n -= r.weight
	}
	return len(mix) - 1
}

// errStatus is a request answered with something other than 2xx.
type errStatus struct {
	code int
	body string
}

func (e *errStatus) Error() string { return fmt.Sprintf("status %d: %s", e.code, e.body) }

var errNoSession = errors.New("loadtest: no session for the route's role")
