// Package citygen builds a city-scale instance for measuring: 舟山市 with its districts,
// streets, communities, grids, households and residents, social organizations, accounts at
// every level, five years of purchases and a large service ledger, on top of the ordinary demo
// street (internal/demo). Places, organizations, accounts and purchases go through the services
// like any other write; grids, households, residents and ledger entries, which are counted in
// hundreds of thousands, go through the store's batch inserts (internal/store/bulk.go and
// InsertPeopleBatch) in large transactions. The same seed always gives the same city.
package citygen

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/demo"
)

// Scale sets the size of the generated city.
type Scale struct {
	Districts   int // the first n of 舟山市's four districts and counties
	Streets     int // the first n streets of those districts, in order
	Communities int
	Grids       int
	Households  int
	Residents   int // about: households are drawn with 1 to 5 members, 2.57 on average
	Orgs        int // social organizations registered in the city
	Entries     int // ledger entries, spread over the contracts
	Years       int // years of purchases, ending with the current one
	AppsPerCall int // funded applications of each call; one call a year per district and one for the city
	Events      int // grid events over the last year (events.go)
}

// Scales are the named scales of `gongzhi gen --scale`.
var Scales = map[string]Scale{
	// Zhoushan: 4 districts, 36 streets and towns, 289 communities, 2,464 grids, 390,000
	// households, about 1,000,000 residents; 300 contracts over five years.
	"city": {Districts: 4, Streets: 36, Communities: 289, Grids: 2464, Households: 390000, Residents: 1000000,
		Orgs: 300, Entries: 1000000, Years: 5, AppsPerCall: 12, Events: 100000},
	// one district, about 50,000 residents
	"town": {Districts: 1, Streets: 12, Communities: 15, Grids: 125, Households: 19500, Residents: 50000,
		Orgs: 40, Entries: 50000, Years: 5, AppsPerCall: 4, Events: 5000},
	// for tests: seconds
	"tiny": {Districts: 1, Streets: 2, Communities: 3, Grids: 6, Households: 120, Residents: 300,
		Orgs: 6, Entries: 300, Years: 2, AppsPerCall: 2, Events: 400},
}

// avgMembers is the mean of the household sizes drawn (householdSizes).
const avgMembers = 2.57

// WithResidents returns the scale resized to about n residents, keeping the proportions.
func (s Scale) WithResidents(n int) Scale {
	f := float64(n) / float64(s.Residents)
	scale := func(x, least int) int { return max(least, int(float64(x)*f+0.5)) }
	s.Households = max(1, int(float64(n)/avgMembers+0.5))
	s.Grids = min(scale(s.Grids, 1), s.Households)
	s.Communities = min(scale(s.Communities, 1), s.Grids)
	s.Streets = min(s.Streets, s.Communities)
	s.Entries = scale(s.Entries, 1)
	s.Events = scale(s.Events, 1)
	s.Residents = n
	return s
}

// Options of Build.
type Options struct {
	Scale    Scale
	Seed     int64
	SkipDemo bool // the demo street is already on the instance
	// Stage, if set, runs only that stage ("events") on a city already built (the city's
	// places, registry and accounts are read from the database).
	Stage    string
	Progress io.Writer // where the progress bar goes (nil: nowhere)
}

// Counts are the numbers of records Build wrote.
type Counts struct {
	Places, Orgs, Grids, Households, Residents, Accounts, Calls, Contracts, Entries, Participants, Events int
}

// Result describes the generated city.
type Result struct {
	Demo     *demo.Result
	Accounts []demo.Account
	Counts   Counts
	Stages   []Stage
	Elapsed  time.Duration
}

// Stage is the time one stage of the build took.
type Stage struct {
	Name    string
	Rows    int
	Elapsed time.Duration
}

// city holds the plan as it is generated and the IDs of what was written.
type city struct {
	a     *app.App
	opts  Options
	r     *rand.Rand
	names *demo.Names
	sys   *gongzhi.Actor
	now   time.Time
	prog  *progress
	res   *Result

	districts   []*district
	communities []*community // in code order
	orgs        []*gongzhi.Organization
	experts     []int64 // person IDs of the city's expert pool
	contracts   []*contractPlan
	idSeq       map[string]int // area+birth date+gender parity → next sequence number of ID numbers
}

type district struct {
	spec    districtSpec
	streets []*street
}

type street struct {
	code, name  string
	d           *district
	communities []*community
	roads       []string
}

type community struct {
	code, name, short string
	st                *street
	village           bool
	grids             int
	households        int
	residents         []int64 // IDs, after the registry is written
}

// Build generates the city into the instance of a. The demo street is seeded first unless
// opts.SkipDemo; Build refuses an instance that is not fresh, like demo.Seed.
func Build(ctx context.Context, a *app.App, opts Options) (*Result, error) {
	start := time.Now()
	c := &city{a: a, opts: opts, r: rand.New(rand.NewPCG(uint64(opts.Seed), 0x7a686f757368616e)), // "zhoushan"
		names: demo.NewNames(opts.Seed + 1), sys: gongzhi.SystemActor("citygen"), now: a.Now(),
		prog: newProgress(opts.Progress), res: &Result{}, idSeq: map[string]int{}}
	stage := func(name string, rows int, fn func() error) error {
		c.prog.start(name, rows)
		t := time.Now()
		err := fn()
		c.prog.finish()
		c.res.Stages = append(c.res.Stages, Stage{Name: name, Rows: c.prog.done, Elapsed: time.Since(t)})
		if err != nil {
			return fmt.Errorf("citygen: %s: %w", name, err)
		}
		return nil
	}
	if opts.Stage != "" {
		if opts.Stage != "events" {
			return nil, fmt.Errorf("citygen: unknown stage %q (events)", opts.Stage)
		}
		for _, s := range []struct {
			name string
			rows int
			fn   func() error
		}{
			{"events", opts.Scale.Events, func() error { return c.writeGridEvents(ctx) }},
			{"analyze", 0, func() error { return a.DB.Q().Analyze(ctx) }},
		} {
			if err := stage(s.name, s.rows, s.fn); err != nil {
				return nil, err
			}
		}
		c.res.Elapsed = time.Since(start)
		return c.res, nil
	}
	if !opts.SkipDemo {
		if err := stage("demo street", 0, func() (err error) {
			c.res.Demo, err = demo.Seed(ctx, a, opts.Seed)
			return err
		}); err != nil {
			return nil, err
		}
	}
	c.plan()
	steps := []struct {
		name string
		rows int
		fn   func(context.Context) error
	}{
		{"places", c.places(), c.writePlaces},
		{"organizations", opts.Scale.Orgs, c.writeOrgs},
		{"registry", c.households(), c.writeRegistry},
		{"accounts", 0, c.writeAccounts},
		{"purchases", opts.Scale.Years * (len(c.districts) + 1), c.writePurchases},
		{"ledger", opts.Scale.Entries, c.writeLedger},
		{"events", opts.Scale.Events, c.writeGridEvents},
		{"analyze", 0, func(ctx context.Context) error { return a.DB.Q().Analyze(ctx) }},
	}
	for _, s := range steps {
		if err := stage(s.name, s.rows, func() error { return s.fn(ctx) }); err != nil {
			return nil, err
		}
	}
	c.res.Elapsed = time.Since(start)
	return c.res, nil
}

func (c *city) places() int {
	n := 2 + len(c.districts) + len(c.communities)
	for _, d := range c.districts {
		n += len(d.streets)
	}
	return n
}

func (c *city) households() int {
	n := 0
	for _, cm := range c.communities {
		n += cm.households
	}
	return n
}

// spread divides total into n parts of about equal size (each at least least), varying by up to
// a quarter.
func (c *city) spread(total, n, least int) []int {
	w := make([]float64, n)
	sum := 0.0
	for i := range w {
		w[i] = 0.75 + 0.5*c.r.Float64()
		sum += w[i]
	}
	parts := make([]int, n)
	given := 0
	for i := range parts {
		parts[i] = max(least, int(float64(total)*w[i]/sum))
		given += parts[i]
	}
	for i := 0; given < total; i = (i + 1) % n {
		parts[i]++
		given++
	}
	for i := 0; given > total; i = (i + 1) % n {
		if parts[i] > least {
			parts[i]--
			given--
		}
	}
	return parts
}

// plan lays out districts, streets, communities and the number of grids and households of each.
func (c *city) plan() {
	s := c.opts.Scale
	var streets []*street
	for _, ds := range districts[:min(s.Districts, len(districts))] {
		d := &district{spec: ds}
		for i, name := range ds.streets {
			if len(streets) == s.Streets {
				break
			}
			st := &street{code: fmt.Sprintf("%s%03d000", ds.code[:6], i+1), name: name, d: d}
			used := map[string]bool{}
			for range 4 {
				st.roads = append(st.roads, c.twoWords(used)+roadSuffix[c.r.IntN(len(roadSuffix))])
			}
			d.streets = append(d.streets, st)
			streets = append(streets, st)
		}
		if len(d.streets) > 0 {
			c.districts = append(c.districts, d)
		}
	}
	perStreet := c.spread(s.Communities, len(streets), 1)
	for i, st := range streets {
		used := map[string]bool{}
		nVillages := 0
		if isTown(st.name) {
			nVillages = perStreet[i] * 2 / 3
		}
		for k := range perStreet[i] {
			village := k >= perStreet[i]-nVillages
			short := c.twoWords(used)
			cm := &community{st: st, village: village}
			if village {
				cm.code = fmt.Sprintf("%s%03d", st.code[:9], 200+k)
				cm.short = short + "村"
				cm.name = cm.short + "村民委员会"
			} else {
				cm.code = fmt.Sprintf("%s%03d", st.code[:9], 1+k)
				cm.short = short + "社区"
				cm.name = cm.short + "居民委员会"
			}
			st.communities = append(st.communities, cm)
			c.communities = append(c.communities, cm)
		}
	}
	grids := c.spread(s.Grids, len(c.communities), 1)
	perGrid := c.spread(s.Households, s.Grids, 1)
	g := 0
	for i, cm := range c.communities {
		cm.grids = grids[i]
		for range cm.grids {
			cm.households += perGrid[g]
			g++
		}
	}
}

// writePlaces adds 浙江省, 舟山市, the districts, streets and communities.
func (c *city) writePlaces(ctx context.Context) error {
	add := func(p gongzhi.Place) error {
		if _, err := c.a.Place(ctx, c.sys, p.Code); err == nil {
			c.prog.add(1)
			return nil // already on the instance (an imported national list)
		}
		if err := c.a.CreatePlace(ctx, c.sys, &p); err != nil {
			return fmt.Errorf("%s %s: %w", p.Code, p.Name, err)
		}
		c.res.Counts.Places++
		c.prog.add(1)
		return nil
	}
	if err := add(gongzhi.Place{Code: ProvinceCode, Name: "浙江省", Level: gongzhi.LevelProvince}); err != nil {
		return err
	}
	if err := add(gongzhi.Place{Code: CityCode, Name: "舟山市", Level: gongzhi.LevelCity, ParentCode: ProvinceCode}); err != nil {
		return err
	}
	for _, d := range c.districts {
		if err := add(gongzhi.Place{Code: d.spec.code, Name: d.spec.name, Level: gongzhi.LevelDistrict, ParentCode: CityCode}); err != nil {
			return err
		}
		for _, st := range d.streets {
			if err := add(gongzhi.Place{Code: st.code, Name: st.name, Level: gongzhi.LevelStreet, ParentCode: d.spec.code}); err != nil {
				return err
			}
			for _, cm := range st.communities {
				if err := add(gongzhi.Place{Code: cm.code, Name: cm.name, Level: gongzhi.LevelCommunity, ParentCode: st.code}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

var orgKinds = []struct {
	suffix string
	fields []string
}{
	{"社会工作服务中心", []string{"social_work", "community_governance"}},
	{"居家养老服务中心", []string{"elderly"}},
	{"青少年服务中心", []string{"children"}},
	{"残疾人康复服务中心", []string{"disability", "social_work"}},
	{"志愿者协会", []string{"volunteering"}},
	{"社区发展服务中心", []string{"community_governance"}},
	{"公益服务社", []string{"elderly", "children"}},
}

// writeOrgs registers the city's social organizations, spread over its districts and streets.
func (c *city) writeOrgs(ctx context.Context) error {
	used := map[string]bool{}
	grades := []string{"", "", "3A", "4A", "5A"}
	for i := range c.opts.Scale.Orgs {
		d := c.districts[i%len(c.districts)]
		st := d.streets[c.r.IntN(len(d.streets))]
		k := orgKinds[c.r.IntN(len(orgKinds))]
		contact := c.names.Name("", 1970+c.r.IntN(30), c.r.IntN(2) == 0)
		legal := c.names.Name("", 1960+c.r.IntN(30), c.r.IntN(2) == 0)
		o := &gongzhi.Organization{
			Name: "舟山市" + d.spec.name + c.twoWords(used) + k.suffix, Type: "professional", RegState: "registered",
			Origin: "local", LegalRep: legal, ContactName: contact, ContactPhone: c.mobile(), CreditCode: c.names.CreditCode(d.spec.area),
			Address:   st.name + st.roads[c.r.IntN(len(st.roads))] + fmt.Sprint(1+c.r.IntN(300)) + "号",
			PlaceCode: st.code, ServiceFields: k.fields, Staff: 3 + c.r.IntN(40), Grade: grades[c.r.IntN(len(grades))],
			Incubation: "none", RegisteredOn: fmt.Sprintf("%d-%02d-%02d", 2008+c.r.IntN(17), 1+c.r.IntN(12), 1+c.r.IntN(28)),
		}
		o.LicensedSW = c.r.IntN(o.Staff/2 + 1)
		if k.suffix == "志愿者协会" {
			o.Type = "community"
		}
		if err := c.a.CreateOrganization(ctx, c.sys, o); err != nil {
			return fmt.Errorf("%s: %w", o.Name, err)
		}
		c.orgs = append(c.orgs, o)
		c.res.Counts.Orgs++
		c.prog.add(1)
	}
	return nil
}

var mobilePrefixes = strings.Fields(`133 135 136 137 138 139 150 151 152 157 158 159 177 180 181 182 183 187 188 189 199`)

func (c *city) mobile() string {
	return mobilePrefixes[c.r.IntN(len(mobilePrefixes))] + fmt.Sprintf("%08d", c.r.IntN(100000000))
}

// Print writes what was generated, the time of each stage and the accounts, for whoever ran it.
func (r *Result) Print(w io.Writer) {
	if r.Demo != nil {
		r.Demo.Print(w)
		fmt.Fprintln(w)
	}
	c := r.Counts
	fmt.Fprintf(w, "City 舟山市（%s）: %d places, %d organizations, %d grids, %d households, %d residents, %d accounts, %d calls, %d contracts, %d ledger entries with %d participants, %d grid events.\n",
		CityCode, c.Places, c.Orgs, c.Grids, c.Households, c.Residents, c.Accounts, c.Calls, c.Contracts, c.Entries, c.Participants, c.Events)
	for _, s := range r.Stages {
		fmt.Fprintf(w, "  %-14s %9d rows  %s\n", s.Name, s.Rows, s.Elapsed.Round(10*time.Millisecond))
	}
	fmt.Fprintln(w, "\nCity accounts (password "+demo.Password+"; each must change it at first sign-in):")
	for _, a := range r.Accounts {
		fmt.Fprintf(w, "  %-24s %-14s %s — %s\n", a.Username, a.Role, a.DisplayName, a.Scope)
	}
	fmt.Fprintf(w, "\nTotal time: %s\n", r.Elapsed.Round(10*time.Millisecond))
}
