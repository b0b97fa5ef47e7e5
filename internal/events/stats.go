// Performance of the grid system (docs/events.md): handling time, on-time rate, returns and
// reopenings per department, grid and category; hot spots by grid and category.

package events

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// PerfRow is one department's, grid's or category's figures over a period. Handling time runs
// from dispatch to report back, in hours of the clock.
type PerfRow struct {
	Key         string  `json:"key"`
	Name        string  `json:"name"`
	Events      int     `json:"events"`
	Closed      int     `json:"closed"`
	Handled     int     `json:"handled"`
	OnTime      int     `json:"on_time"`
	OnTimeRate  float64 `json:"on_time_rate"`
	MedianHours float64 `json:"median_hours"`
	P90Hours    float64 `json:"p90_hours"`
	Returns     int     `json:"returns"`
	Reopens     int     `json:"reopens"`
	AvgRating   float64 `json:"avg_rating"`
}

// HotSpot is a grid and category with many events.
type HotSpot struct {
	Grid     string `json:"grid"`
	Category string `json:"category"`
	Events   int    `json:"events"`
}

// Performance is the figures of a period (a month, China time).
type Performance struct {
	Month        string    `json:"month"`
	Total        PerfRow   `json:"total"`
	ByDepartment []PerfRow `json:"by_department"`
	ByGrid       []PerfRow `json:"by_grid"`
	ByCategory   []PerfRow `json:"by_category"`
	HotSpots     []HotSpot `json:"hot_spots"`
}

type acc struct {
	row    PerfRow
	hours  []float64
	rating int
	rated  int
}

func (a *acc) add(r store.EventStatRow) {
	a.row.Events++
	if r.State == gongzhi.EventClosed {
		a.row.Closed++
	}
	if !r.HandledAt.IsZero() && !r.DispatchedAt.IsZero() {
		a.row.Handled++
		a.hours = append(a.hours, r.HandledAt.Sub(r.DispatchedAt).Hours())
		if r.DueAt.IsZero() || !r.HandledAt.After(r.DueAt) {
			a.row.OnTime++
		}
	}
	a.row.Returns += r.Returns
	a.row.Reopens += r.Reopens
	if r.Rating > 0 {
		a.rating += r.Rating
		a.rated++
	}
}

// quantile is the nearest-rank quantile of sorted values.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func (a *acc) done() PerfRow {
	sort.Float64s(a.hours)
	a.row.MedianHours, a.row.P90Hours = quantile(a.hours, 0.5), quantile(a.hours, 0.9)
	if a.row.Handled > 0 {
		a.row.OnTimeRate = float64(a.row.OnTime) / float64(a.row.Handled)
	}
	if a.rated > 0 {
		a.row.AvgRating = float64(a.rating) / float64(a.rated)
	}
	return a.row
}

// monthRange is a month's first instant and the next month's, China time ("" for this month).
func monthRange(month string, now time.Time) (string, time.Time, time.Time, error) {
	if month == "" {
		month = now.In(gongzhi.ChinaTime).Format("2006-01")
	}
	t, err := time.ParseInLocation("2006-01", month, gongzhi.ChinaTime)
	if err != nil {
		return "", time.Time{}, time.Time{}, gongzhi.Invalid("month", "date.format")
	}
	return month, t, t.AddDate(0, 1, 0), nil
}

// Performance returns the figures of the events reported in a month ("" this month) that the
// actor sees.
func (a *Service) Performance(ctx context.Context, ac *gongzhi.Actor, month string) (*Performance, error) {
	if err := kernel.Allow(ac, MayReadEventStats(ac)); err != nil {
		return nil, err
	}
	q := a.DB.Q()
	s, err := eventScope(ctx, q, ac)
	if err != nil {
		return nil, err
	}
	return a.performance(ctx, s, month)
}

// PublicPerformance is Performance for anyone, for the communities under a place ("" for all).
func (a *Service) PublicPerformance(ctx context.Context, place, month string) (*Performance, error) {
	s := store.EventScope{}
	if place != "" {
		p, _, err := kernel.PlacePrefix(ctx, a.DB.Q(), place)
		if err != nil {
			return nil, err
		}
		s.Prefix = p
	}
	return a.performance(ctx, s, month)
}

// performance returns the figures of a scope's month: as kept while the month's version holds,
// computed anew (and kept) when it has changed.
func (a *Service) performance(ctx context.Context, s store.EventScope, month string) (*Performance, error) {
	month, from, to, err := monthRange(month, a.NowUTC())
	if err != nil {
		return nil, err
	}
	q := a.DB.Q()
	// the version is read before the events: figures computed from events newer than their
	// version are recomputed at the next read, never the other way round
	version, err := q.EventStatsVersion(ctx, store.EventMonthKey(from), store.EventMonthKey(to.Add(-time.Nanosecond)), store.EventNamesVersion)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s|%d|%d|%t|%s", s.Prefix, s.DeptID, s.UserID, s.None, month)
	if p := a.kept.get(key, version); p != nil {
		return p, nil
	}
	p, err := computePerformance(ctx, q, s, month, from, to)
	if err != nil {
		return nil, err
	}
	a.kept.put(key, version, p)
	return p.clone(), nil
}

// statsKept is how many scopes' months of figures the service keeps; past it, it starts again
// (a city: a few hundred places, a handful of months each read often).
const statsKept = 512

// keptStats are figures by scope and month, each with the version it was computed at.
type keptStats struct {
	mu sync.Mutex
	m  map[string]keptPerformance
}

type keptPerformance struct {
	version int64
	p       *Performance
}

// get returns a copy of the figures kept for key at version, or nil.
func (k *keptStats) get(key string, version int64) *Performance {
	k.mu.Lock()
	kp, ok := k.m[key]
	k.mu.Unlock()
	if !ok || kp.version != version {
		return nil
	}
	return kp.p.clone()
}

func (k *keptStats) put(key string, version int64, p *Performance) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil || len(k.m) >= statsKept {
		k.m = make(map[string]keptPerformance)
	}
	if kp, ok := k.m[key]; ok && kp.version > version {
		return // a later version is kept already
	}
	k.m[key] = keptPerformance{version: version, p: p}
}

// clone copies the figures, so that a caller may change its copy.
func (p *Performance) clone() *Performance {
	c := *p
	c.ByDepartment, c.ByGrid, c.ByCategory, c.HotSpots = slices.Clone(p.ByDepartment), slices.Clone(p.ByGrid), slices.Clone(p.ByCategory), slices.Clone(p.HotSpots)
	return &c
}

// computePerformance reads a month's events within scope and sums them.
func computePerformance(ctx context.Context, q *store.Q, s store.EventScope, month string, from, to time.Time) (*Performance, error) {
	rows, err := q.EventStats(ctx, s, from, to)
	if err != nil {
		return nil, err
	}
	total := &acc{row: PerfRow{Key: "all"}}
	by := map[string]map[string]*acc{"dept": {}, "grid": {}, "cat": {}}
	hot := map[[2]string]int{}
	get := func(kind, key, name string) *acc {
		x := by[kind][key]
		if x == nil {
			x = &acc{row: PerfRow{Key: key, Name: name}}
			by[kind][key] = x
		}
		return x
	}
	for _, r := range rows {
		total.add(r)
		if r.DeptID != 0 {
			get("dept", strconv.FormatInt(r.DeptID, 10), r.DeptName).add(r)
		}
		if r.GridID != 0 {
			get("grid", strconv.FormatInt(r.GridID, 10), r.GridName).add(r)
			hot[[2]string{r.GridName, r.CategoryName}]++
		}
		get("cat", strconv.FormatInt(r.CategoryID, 10), r.CategoryName).add(r)
	}
	list := func(kind string) []PerfRow {
		out := []PerfRow{}
		for _, x := range by[kind] {
			out = append(out, x.done())
		}
		sort.Slice(out, func(i, j int) bool {
			if out[i].Events != out[j].Events {
				return out[i].Events > out[j].Events
			}
			return out[i].Name < out[j].Name
		})
		return out
	}
	p := &Performance{Month: month, Total: total.done(), ByDepartment: list("dept"), ByGrid: list("grid"), ByCategory: list("cat"), HotSpots: []HotSpot{}}
	for k, n := range hot {
		p.HotSpots = append(p.HotSpots, HotSpot{Grid: k[0], Category: k[1], Events: n})
	}
	sort.Slice(p.HotSpots, func(i, j int) bool {
		if p.HotSpots[i].Events != p.HotSpots[j].Events {
			return p.HotSpots[i].Events > p.HotSpots[j].Events
		}
		return p.HotSpots[i].Grid+p.HotSpots[i].Category < p.HotSpots[j].Grid+p.HotSpots[j].Category
	})
	if len(p.HotSpots) > 10 {
		p.HotSpots = p.HotSpots[:10]
	}
	return p, nil
}
