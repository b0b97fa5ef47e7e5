// The grid work and grid events of the generated city (docs/grids.md, docs/events.md): every
// grid gets a team from its registry (网格长, full- and part-time grid workers with A/B posts,
// police, doctor, volunteers) and a responsibility list; nine households in ten a visit over the
// last quarter; each street its functional departments handling the standard categories (and
// each district its 住房和城乡建设局), with an account each; and a year of events through the
// seven steps. Events are played step by step as the events service plays them (deadlines in
// working hours of the office calendar, escalation by the scheduled job at each level's time,
// returns, reopenings, evaluations), then bulk-loaded with their history (store.InsertEventsBatch).
// The stage reads the city from the database, so it also runs on a city built before it
// existed (gongzhi gen --stage events).

package citygen

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
)

// eventCats are the standard categories' weights among a year's events, titles and what the
// department reports back.
var eventCats = []struct {
	code    string
	weight  int
	inGrid  int // percent solved in the grid
	titles  []string
	handled string
}{
	{"sanitation", 24, 35, []string{"垃圾分类亭周边垃圾堆积", "楼道杂物堆放", "绿化带内建筑垃圾未清运", "小区化粪池外溢"}, "已安排保洁清运，并张贴规范投放告示。"},
	{"facilities", 18, 15, []string{"路灯损坏不亮", "窨井盖缺失", "人行道地砖破损", "公共座椅损坏", "雨水管堵塞积水"}, "已联系养护单位维修完毕。"},
	{"dispute", 15, 60, []string{"邻里噪音纠纷", "楼上漏水引发纠纷", "停车位占用纠纷", "宠物扰民纠纷"}, "已组织双方调解，达成一致意见。"},
	{"livelihood", 14, 45, []string{"高龄老人申请助餐服务", "困难家庭申请临时救助", "残疾人无障碍设施需求", "独居老人需要上门探访"}, "已对接相关服务并落实。"},
	{"building", 8, 10, []string{"屋顶违章搭建", "底楼私自扩建", "占用公共绿地搭棚"}, "已下达整改通知，违建已拆除。"},
	{"hazard", 8, 20, []string{"电动车楼道充电", "外墙瓷砖脱落", "广告牌松动", "燃气管道老化"}, "已现场排除隐患。"},
	{"order", 5, 20, []string{"夜间聚集喧哗", "可疑人员出入", "群租房人员复杂"}, "已会同社区民警处置。"},
	{"other", 6, 50, []string{"咨询政策办理流程", "建议增设公交站点", "其他事项反映"}, "已答复并办结。"},
	{"fire", 2, 10, []string{"消防通道堵塞", "灭火器过期", "楼道堆放易燃物"}, "已清理通道并更换消防器材。"},
}

// eventSources are the sources' weights.
var eventSources = []struct {
	source string
	weight int
}{
	{gongzhi.SourcePatrol, 40}, {gongzhi.SourceVisit, 12}, {gongzhi.SourceOnline, 14}, {gongzhi.SourcePhone, 8},
	{gongzhi.SourceHotline, 20}, {gongzhi.SourceOpen311, 4}, {gongzhi.SourceTopic, 2},
}

// streetDepts are the functional departments of each street and the categories each handles;
// districtDepts those of each district.
var streetDepts = []struct {
	key, name string
	cats      []string
}{
	{"cg", "城市管理办公室", []string{"sanitation", "building", "facilities"}},
	{"zz", "综治中心", []string{"dispute", "order", "hazard"}},
	{"sy", "社会事业办", []string{"livelihood", "other"}},
	{"xf", "消防安全办公室", []string{"fire", "hazard"}},
}

var districtDepts = []struct {
	key, name string
	cats      []string
}{
	{"zj", "住房和城乡建设局", []string{"facilities", "building"}},
}

var gridDuties = []struct{ title, post string }{
	{"每季度走访网格内全部住户，独居老人、残疾人、困难家庭每月走访", "full_time"},
	{"矛盾纠纷排查化解，重大情况当日上报社区", "leader"},
	{"安全隐患、环境卫生日常巡查，发现问题即时上报事件", "part_time"},
	{"网格内治安情况通报与重点人员关注", "police"},
	{"重点人群健康随访与家庭医生签约服务", "doctor"},
}

// evDept is a department the stage made, with its account.
type evDept struct {
	id   int64
	name string
	user *gongzhi.User
	cats map[string]bool
}

// evStreet is a street's centre and departments.
type evStreet struct {
	centre *gongzhi.User // the street office (its purchaser)
	depts  []*evDept
	dist   []*evDept // its district's
}

// evCommunity is a community's accounts and grids.
type evCommunity struct {
	code     string
	st       *evStreet
	centre   *gongzhi.User // the community's account, or the street office's
	worker   *gongzhi.User // its grid worker
	grids    []int
	lat, lon float64
}

type evGrid struct {
	store.BulkGrid
	cm         *evCommunity
	households []int // indexes into the stage's households
	weight     float64
}

// gridEvents is the state of the events stage.
type gridEvents struct {
	c      *city
	cal    *gongzhi.Calendar
	now    time.Time
	prefix string
	cats   map[string]*gongzhi.EventCategory
	grids  []*evGrid
	hh     []store.BulkHousehold
	comms  map[string]*evCommunity
	cum    []float64 // cumulative grid weights
}

// writeGridEvents is the events stage: teams, duties, visits, departments and events.
func (c *city) writeGridEvents(ctx context.Context) error {
	q := c.a.DB.Q()
	prefix := CityCode[:4]
	if n, err := q.CountEventsUnder(ctx, prefix); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("the city has %d events already", n)
	}
	g := &gridEvents{c: c, now: c.now, prefix: prefix, comms: map[string]*evCommunity{}, cats: map[string]*gongzhi.EventCategory{}}
	var err error
	if g.cal, err = c.a.PurchaseService.Calendar(ctx, q); err != nil {
		return err
	}
	cats, err := c.a.EventsService.Categories(ctx, false)
	if err != nil {
		return err
	}
	for _, x := range cats {
		g.cats[x.Code] = x
	}
	for _, x := range eventCats {
		if g.cats[x.code] == nil {
			return fmt.Errorf("no event category %s", x.code)
		}
	}
	if err := g.load(ctx); err != nil {
		return err
	}
	if len(g.grids) == 0 {
		return nil
	}
	// the departments' and grid workers' accounts first, on a line of their own: each password is
	// hashed (argon2id), hundreds a minute, which the events' rate and time left must not count
	c.prog.start("event accounts", 0)
	err = g.accounts(ctx)
	c.prog.finish()
	if err != nil {
		return err
	}
	c.prog.start("events", c.opts.Scale.Events)
	if err := g.teams(ctx); err != nil {
		return err
	}
	if err := g.visits(ctx); err != nil {
		return err
	}
	return g.events(ctx)
}

// load reads the city's grids, households and accounts.
func (g *gridEvents) load(ctx context.Context) error {
	q := g.c.a.DB.Q()
	grids, err := q.GridsUnder(ctx, g.prefix)
	if err != nil {
		return err
	}
	byID := map[int64]*evGrid{}
	for _, x := range grids {
		cm := g.comms[x.CommunityCode]
		if cm == nil {
			// a point within 舟山 for the community: coordinates of its events
			cm = &evCommunity{code: x.CommunityCode, lat: 29.93 + 0.2*g.c.r.Float64(), lon: 122.05 + 0.3*g.c.r.Float64()}
			g.comms[x.CommunityCode] = cm
		}
		eg := &evGrid{BulkGrid: x, cm: cm, weight: math.Exp(0.7 * g.c.r.NormFloat64())} // some grids are hot spots
		cm.grids = append(cm.grids, len(g.grids))
		g.grids = append(g.grids, eg)
		byID[x.ID] = eg
	}
	if g.hh, err = q.HouseholdsInGrids(ctx, g.prefix); err != nil {
		return err
	}
	for i, h := range g.hh {
		if eg := byID[h.GridID]; eg != nil {
			eg.households = append(eg.households, i)
		}
	}
	sum := 0.0
	for _, eg := range g.grids {
		eg.weight *= float64(len(eg.households) + 1)
		sum += eg.weight
		g.cum = append(g.cum, sum)
	}
	return nil
}

// streetKey is the account prefix of a street (zs-dh-s01), as writeAccounts names it.
func streetKey(code string) string {
	n, _ := strconv.Atoi(code[6:9])
	return fmt.Sprintf("zs-%s-s%02d", districtKeys[code[:6]], n)
}

// accounts finds each community's centre and grid worker (adding a grid worker's account to
// communities without one) and adds the departments of each street and district, each with an
// account, through the services.
func (g *gridEvents) accounts(ctx context.Context) error {
	c := g.c
	users, err := c.a.DB.Q().UsersUnder(ctx, g.prefix)
	if err != nil {
		return err
	}
	byPlace := map[string]*gongzhi.User{}
	for _, u := range users {
		if k := u.PlaceCode + "/" + u.Role; byPlace[k] == nil {
			byPlace[k] = u
		}
	}
	codes := make([]string, 0, len(g.comms))
	for code := range g.comms {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	streets := map[string]*evStreet{}
	districts := map[string][]*evDept{}
	dept := func(name, place, username string, cats []string) (*evDept, error) {
		d := &gongzhi.Department{Name: name, PlaceCode: place}
		for _, x := range cats {
			d.Categories = append(d.Categories, g.cats[x].ID)
		}
		if err := c.a.EventsService.SaveDepartment(ctx, c.sys, d); err != nil {
			return nil, fmt.Errorf("department %s: %w", name, err)
		}
		p, err := c.a.Place(ctx, c.sys, place)
		if err != nil {
			return nil, err
		}
		if err := c.account(ctx, username, gongzhi.RoleDepartment, name, place, 0, p.Name+"（"+place+"）"); err != nil {
			return nil, err
		}
		if err := c.a.EventsService.LinkDepartmentAccount(ctx, c.sys, d.ID, username); err != nil {
			return nil, err
		}
		u, _, err := c.a.DB.Q().UserByUsername(ctx, username)
		if err != nil {
			return nil, err
		}
		x := &evDept{id: d.ID, name: name, user: u, cats: map[string]bool{}}
		for _, k := range cats {
			x.cats[k] = true
		}
		return x, nil
	}
	for _, code := range codes {
		cm := g.comms[code]
		stCode, dCode := code[:9]+"000", code[:6]+"000000"
		st := streets[stCode]
		if st == nil {
			if _, ok := districts[dCode]; !ok {
				dp, err := c.a.Place(ctx, c.sys, dCode)
				if err != nil {
					return err
				}
				for _, x := range districtDepts {
					d, err := dept(dp.Name+x.name, dCode, "zs-"+districtKeys[code[:6]]+"-"+x.key, x.cats)
					if err != nil {
						return err
					}
					districts[dCode] = append(districts[dCode], d)
				}
			}
			sp, err := c.a.Place(ctx, c.sys, stCode)
			if err != nil {
				return err
			}
			st = &evStreet{centre: byPlace[stCode+"/"+gongzhi.RolePurchaser], dist: districts[dCode]}
			if st.centre == nil {
				return fmt.Errorf("street %s has no office account", stCode)
			}
			for _, x := range streetDepts {
				d, err := dept(sp.Name+x.name, stCode, streetKey(stCode)+"-"+x.key, x.cats)
				if err != nil {
					return err
				}
				st.depts = append(st.depts, d)
			}
			streets[stCode] = st
		}
		cm.st = st
		cm.centre = byPlace[code+"/"+gongzhi.RoleCommunity]
		if cm.centre == nil {
			cm.centre = st.centre
		}
		cm.worker = byPlace[code+"/"+gongzhi.RoleGridWorker]
		if cm.worker == nil {
			name := streetKey(stCode) + "-g" + code[9:]
			p, err := c.a.Place(ctx, c.sys, code)
			if err != nil {
				return err
			}
			if err := c.account(ctx, name, gongzhi.RoleGridWorker, p.Name+"网格员", code, 0, p.Name+"（"+code+"）"); err != nil {
				return err
			}
			if cm.worker, _, err = c.a.DB.Q().UserByUsername(ctx, name); err != nil {
				return err
			}
		}
	}
	return nil
}

// teams writes each grid's team and responsibility list.
func (g *gridEvents) teams(ctx context.Context) error {
	c := g.c
	adults, err := c.a.DB.Q().AdultsByHousehold(ctx, g.prefix, g.now.Year()-65, g.now.Year()-22)
	if err != nil {
		return err
	}
	hhGrid := make(map[int64]int, len(g.hh))
	gridIdx := map[int64]int{}
	for i, eg := range g.grids {
		gridIdx[eg.ID] = i
	}
	for _, h := range g.hh {
		hhGrid[h.ID] = gridIdx[h.GridID]
	}
	people := make([][]int64, len(g.grids))
	for _, p := range adults {
		if i, ok := hhGrid[p[0]]; ok && len(people[i]) < 40 {
			people[i] = append(people[i], p[1])
		}
	}
	next, err := c.a.DB.Q().NextID(ctx, "grid_members")
	if err != nil {
		return err
	}
	now := g.now.UTC()
	var ms []store.BulkMember
	var ds []gongzhi.GridDuty
	for i, eg := range g.grids {
		ps := people[i]
		c.r.Shuffle(len(ps), func(a, b int) { ps[a], ps[b] = ps[b], ps[a] })
		posts := []string{"leader", "full_time", "part_time", "police", "doctor", "volunteer", "volunteer"}
		var fullTime int64
		for k, post := range posts {
			if k >= len(ps) || (post == "volunteer" && c.r.IntN(3) == 0) {
				continue
			}
			m := store.BulkMember{ID: next, GridID: eg.ID, PersonID: ps[k], Post: post, CreatedAt: now}
			next++
			switch post {
			case "full_time":
				fullTime = m.ID
			case "part_time":
				m.BackupOf = fullTime // A/B posts: the part-time worker stands in for the full-time one
			}
			ms = append(ms, m)
		}
		for _, d := range gridDuties {
			ds = append(ds, gongzhi.GridDuty{GridID: eg.ID, Title: d.title, Post: d.post, CreatedAt: now})
		}
	}
	return c.a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.InsertGridMembersBatch(ctx, ms); err != nil {
			return err
		}
		if err := q.FixSequence(ctx, "grid_members"); err != nil {
			return err
		}
		if err := q.InsertGridDutiesBatch(ctx, ds); err != nil {
			return err
		}
		return c.a.WriteAudit(ctx, q, c.sys, "import", "grid_members", "", nil, map[string]int{"members": len(ms), "duties": len(ds)}, "citygen")
	})
}

// visits writes a quarter of visits: nine households in ten visited once over the last 92 days
// by their community's grid worker.
func (g *gridEvents) visits(ctx context.Context) error {
	c := g.c
	today := time.Date(g.now.In(gongzhi.ChinaTime).Year(), g.now.In(gongzhi.ChinaTime).Month(), g.now.In(gongzhi.ChinaTime).Day(), 0, 0, 0, 0, gongzhi.ChinaTime)
	situations := []string{"入户走访，家庭情况稳定", "入户走访，了解家庭成员近况", "入户走访，宣传防诈骗知识", "入户走访，核实人口信息"}
	var vs []store.BulkVisit
	total := 0
	flush := func() error {
		err := c.a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.InsertVisitsBatch(ctx, vs) })
		total += len(vs)
		vs = vs[:0]
		return err
	}
	for _, eg := range g.grids {
		for _, hi := range eg.households {
			if c.r.IntN(10) == 0 {
				continue
			}
			day := today.AddDate(0, 0, -c.r.IntN(92))
			at := day.Add(time.Duration(9*60+c.r.IntN(8*60)) * time.Minute)
			vs = append(vs, store.BulkVisit{GridID: eg.ID, HouseholdID: g.hh[hi].ID, CommunityCode: eg.CommunityCode, VisitedOn: day.Format(time.DateOnly),
				Situation: situations[c.r.IntN(len(situations))], RecordedBy: eg.cm.worker.ID, RecordedName: eg.cm.worker.DisplayName, CreatedAt: at})
			if len(vs) == 20000 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return c.a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		return c.a.WriteAudit(ctx, q, c.sys, "import", "visits", "", nil, map[string]int{"visits": total}, "citygen")
	})
}

// pickGrid draws a grid by weight.
func (g *gridEvents) pickGrid() *evGrid {
	x := g.c.r.Float64() * g.cum[len(g.cum)-1]
	return g.grids[sort.SearchFloat64s(g.cum, x)]
}

func pickWeighted[T any](c *city, xs []T, w func(T) int) T {
	sum := 0
	for _, x := range xs {
		sum += w(x)
	}
	n := c.r.IntN(sum)
	for _, x := range xs {
		if n -= w(x); n < 0 {
			return x
		}
	}
	return xs[len(xs)-1]
}

// events plays a year of events and loads them in batches.
func (g *gridEvents) events(ctx context.Context) error {
	c := g.c
	n := c.opts.Scale.Events
	if n == 0 {
		return nil
	}
	next, err := c.a.DB.Q().NextID(ctx, "events")
	if err != nil {
		return err
	}
	year := 365 * 24 * time.Hour
	var es []store.BulkEvent
	written := 0
	flush := func(last bool) error {
		err := c.a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			if err := q.InsertEventsBatch(ctx, es); err != nil {
				return err
			}
			if !last {
				return nil
			}
			if err := q.FixSequence(ctx, "events"); err != nil {
				return err
			}
			return c.a.WriteAudit(ctx, q, c.sys, "import", "events", "", nil, map[string]int{"events": written + len(es)}, "citygen")
		})
		if err != nil {
			return err
		}
		if written == 0 {
			// the events table was analyzed empty by its migrations: the steps' foreign keys
			// would scan it (AnalyzeTables)
			if err := c.a.DB.Q().AnalyzeTables(ctx, "events", "event_steps"); err != nil {
				return err
			}
		}
		written += len(es)
		c.res.Counts.Events += len(es)
		c.prog.add(len(es))
		es = es[:0]
		return nil
	}
	// creation times, oldest first, so that IDs follow time as they do when events are reported
	times := make([]time.Time, n)
	for i := range times {
		day := g.now.Add(-time.Duration(c.r.Int64N(int64(year))))
		d := day.In(gongzhi.ChinaTime)
		times[i] = time.Date(d.Year(), d.Month(), d.Day(), 7+c.r.IntN(14), c.r.IntN(60), c.r.IntN(60), 0, gongzhi.ChinaTime)
		if times[i].After(g.now) {
			times[i] = g.now.Add(-time.Duration(1+c.r.IntN(3600)) * time.Second)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	for _, t := range times {
		e := g.play(t)
		e.ID = next
		next++
		es = append(es, *e)
		if len(es) == 10000 || written == 0 && len(es) == 500 { // a small first batch, then the statistics (flush)
			if err := flush(false); err != nil {
				return err
			}
		}
	}
	return flush(true)
}

// actorOf is a step's account: uid, username and role as the service records them.
func actorOf(u *gongzhi.User) (int64, string, string) {
	if u == nil {
		return 0, "anonymous", ""
	}
	return u.ID, u.Username, u.Role
}

// workingAfter is the moment a fraction f of n working hours after t.
func (g *gridEvents) workingAfter(t time.Time, hours int, f float64) time.Time {
	d := time.Duration(f * float64(hours) * float64(time.Hour))
	whole := int(d / time.Hour)
	return gongzhi.WorkingDeadline(g.cal, t, whole).Add(d % time.Hour)
}

// play draws one event reported at t and plays its steps up to now.
func (g *gridEvents) play(t time.Time) *store.BulkEvent {
	c := g.c
	r := c.r
	cat := pickWeighted(c, eventCats, func(x struct {
		code    string
		weight  int
		inGrid  int
		titles  []string
		handled string
	}) int {
		return x.weight
	})
	category := g.cats[cat.code]
	src := pickWeighted(c, eventSources, func(x struct {
		source string
		weight int
	}) int {
		return x.weight
	}).source
	eg := g.pickGrid()
	cm := eg.cm
	e := &store.BulkEvent{}
	e.Code = g.code()
	e.Source, e.CategoryID, e.CategoryCode, e.CommunityCode, e.GridID = src, category.ID, category.Code, eg.CommunityCode, eg.ID
	e.Title = cat.titles[r.IntN(len(cat.titles))]
	e.Description = eg.Name + "范围内群众反映：" + e.Title + "，请尽快处理。"
	if len(eg.households) > 0 {
		h := g.hh[eg.households[r.IntN(len(eg.households))]]
		e.Address = h.Address
		if src == gongzhi.SourceVisit {
			e.HouseholdID = h.ID
		}
	}
	if src == gongzhi.SourceOnline || src == gongzhi.SourceOpen311 || r.IntN(5) == 0 {
		la, lo := cm.lat+0.004*r.NormFloat64(), cm.lon+0.004*r.NormFloat64()
		e.Lat, e.Lon = &la, &lo
	}
	var reporter *gongzhi.User
	name, phone := "", ""
	switch src {
	case gongzhi.SourcePatrol, gongzhi.SourceVisit:
		reporter = cm.worker
	case gongzhi.SourcePhone, gongzhi.SourceHotline, gongzhi.SourceTopic:
		reporter = cm.centre
		if src != gongzhi.SourceTopic {
			name, phone = c.names.Name("", 1950+r.IntN(50), r.IntN(2) == 0), c.mobile()
		}
		if src == gongzhi.SourceHotline {
			e.SourceRef = fmt.Sprintf("12345-%s-%06d", t.In(gongzhi.ChinaTime).Format("20060102"), r.IntN(1000000))
		}
	default:
		name, phone = c.names.Name("", 1950+r.IntN(50), r.IntN(2) == 0), c.mobile()
	}
	e.NameEnc, e.PhoneEnc = c.a.Box.Seal(name, "events.reporter_name"), c.a.Box.Seal(phone, "events.reporter_phone")
	e.CreatedBy, _, _ = actorOf(reporter)
	e.CreatedAt, e.UpdatedAt = t, t

	// the steps
	var due time.Time
	var esc [3]time.Time
	deadline := func(at time.Time, hours int) {
		due = gongzhi.WorkingDeadline(g.cal, at, hours)
		e2 := gongzhi.WorkingDeadline(g.cal, due, gongzhi.EscalateStepHours)
		esc = [3]time.Time{due, e2, gongzhi.WorkingDeadline(g.cal, e2, gongzhi.EscalateStepHours)}
	}
	line := func(at time.Time, u *gongzhi.User, action, from, to string, note gongzhi.Note, timed bool) {
		uid, un, role := actorOf(u)
		st := store.BulkStep{EventStep: gongzhi.EventStep{At: at, Action: action, From: from, To: to, Username: un, Role: role, Note: note, OnTime: true}, UserID: uid}
		if timed {
			st.Seconds = int64(at.Sub(e.StepStartedAt) / time.Second)
			st.OnTime = !at.After(e.StepDueAt)
		}
		e.Steps = append(e.Steps, st)
	}
	e.State, e.StepStartedAt = gongzhi.EventCollected, t
	deadline(t, gongzhi.RegisterHours)
	e.StepDueAt, e.Esc = due, esc
	line(t, reporter, "reported", "", gongzhi.EventCollected, gongzhi.NoteOf("event_source", src), false)

	// escalate raises the event level by level, as the job (every few minutes) would, until at.
	escalate := func(at time.Time) {
		for lvl := 1; lvl <= 3; lvl++ {
			x := e.Esc[lvl-1].Add(5 * time.Minute)
			if e.Escalation < lvl && e.Esc[lvl-1].Before(at) && x.Before(at) {
				e.Escalation, e.EscalatedAt, e.UpdatedAt = lvl, x, x
				line(x, &gongzhi.User{Username: "system", Role: gongzhi.RoleSysAdmin}, "escalated", e.State, e.State, gongzhi.NoteOf("event_escalated", lvl), false)
			}
		}
	}
	// move takes a step at time at if it is not after now; it reports whether it did.
	move := func(at time.Time, u *gongzhi.User, action, to string, note gongzhi.Note, hours int) bool {
		if at.After(g.now) {
			escalate(g.now)
			return false
		}
		escalate(at)
		line(at, u, action, e.State, to, note, true)
		e.State, e.StepStartedAt, e.UpdatedAt = to, at, at
		if hours > 0 {
			deadline(at, hours)
		} else {
			due, esc = at, [3]time.Time{at, at, at}
		}
		e.StepDueAt, e.Esc = due, esc
		return true
	}
	// delay is when a step is taken after the last: mostly within its deadline, sometimes late.
	delay := func(hours int) time.Time {
		f := 0.05 + 0.85*r.Float64()
		if r.IntN(100) < 10 {
			f = 1.05 + 2*r.Float64()
		}
		return g.workingAfter(e.StepStartedAt, hours, f)
	}
	stall := r.IntN(1000) < 12 // stuck at some step: overdue and escalated
	stallAt := r.IntN(5)
	step := 0
	ok := func() bool { step++; return !(stall && step > stallAt) }
	done := func() *store.BulkEvent { escalate(g.now); return e }
	centre, worker := cm.centre, cm.worker

	if !ok() {
		return done()
	}
	if r.IntN(100) < 4 {
		move(delay(gongzhi.RegisterHours), centre, "rejected", gongzhi.EventRejected, gongzhi.NoteOf("text", "不属于受理范围，已告知反映人。"), 0)
		if e.State == gongzhi.EventRejected {
			e.ClosedAt = e.StepStartedAt
		}
		return e
	}
	if !move(delay(gongzhi.RegisterHours), centre, "registered", gongzhi.EventRegistered, gongzhi.Note{}, gongzhi.DispatchHours) {
		return e
	}
	e.RegisteredAt = e.StepStartedAt
	// dispatch: to be solved in the grid, or to a department of the street (or the district's)
	// that handles the category
	var handlers []*evDept
	for _, d := range append(append([]*evDept{}, cm.st.depts...), cm.st.dist...) {
		if d.cats[cat.code] {
			handlers = append(handlers, d)
		}
	}
	dispatch := func(returned bool) bool {
		if !ok() {
			return false
		}
		inGrid := len(handlers) == 0 || r.IntN(100) < cat.inGrid
		if returned {
			inGrid = r.IntN(2) == 0 || len(handlers) == 0
		}
		var d *evDept
		note := gongzhi.NoteOf("event_in_grid")
		if !inGrid {
			d = handlers[r.IntN(len(handlers))]
			note = gongzhi.NoteOf("event_dept", d.name)
		}
		if !move(delay(gongzhi.DispatchHours), centre, "dispatched", gongzhi.EventHandling, note, category.DeadlineHours) {
			return false
		}
		e.DispatchedAt, e.InGrid, e.DueAt, e.DepartmentID, e.DepartmentName = e.StepStartedAt, inGrid, e.StepDueAt, 0, ""
		if d != nil {
			e.DepartmentID, e.DepartmentName = d.id, d.name
		}
		return true
	}
	if !dispatch(false) {
		return done()
	}
	handler := func() *gongzhi.User {
		for _, d := range handlers {
			if d.id == e.DepartmentID {
				return d.user
			}
		}
		return worker
	}
	if e.DepartmentID != 0 && r.IntN(100) < 6 {
		if !move(g.workingAfter(e.StepStartedAt, 4, 0.1+0.8*r.Float64()), handler(), "returned", gongzhi.EventRegistered,
			gongzhi.NoteOf("text", "不属于本部门职责，请重新派遣。"), gongzhi.DispatchHours) {
			return done()
		}
		e.Returns++
		e.DepartmentID, e.DepartmentName, e.DueAt = 0, "", time.Time{}
		if !dispatch(true) {
			return done()
		}
	}
	handle := func() bool {
		if !ok() {
			return false
		}
		if !move(delay(category.DeadlineHours), handler(), "handled", gongzhi.EventHandled, gongzhi.NoteOf("text", cat.handled), gongzhi.VerifyHours) {
			return false
		}
		e.HandledAt = e.StepStartedAt
		return true
	}
	if !handle() {
		return done()
	}
	if r.IntN(100) < 5 {
		if !ok() || !move(delay(gongzhi.VerifyHours), worker, "reopened", gongzhi.EventHandling, gongzhi.NoteOf("text", "现场复核未解决，退回重办。"),
			category.DeadlineHours) {
			return done()
		}
		e.Reopens++
		if !handle() {
			return done()
		}
	}
	if !ok() || !move(delay(gongzhi.VerifyHours), worker, "verified", gongzhi.EventVerified, gongzhi.NoteOf("text", "现场核查已解决。"), gongzhi.CloseHours) {
		return done()
	}
	e.VerifiedAt = e.StepStartedAt
	if !ok() || !move(delay(gongzhi.CloseHours), centre, "closed", gongzhi.EventClosed, gongzhi.Note{}, 0) {
		return done()
	}
	e.ClosedAt = e.StepStartedAt
	// the reporter's evaluation, through the tracking page, for residents' reports
	if name != "" && src != gongzhi.SourceTopic && r.IntN(100) < 55 {
		at := e.ClosedAt.Add(time.Duration(2+r.IntN(70)) * time.Hour)
		if !at.After(g.now) {
			e.Rating = pickWeighted(c, []int{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 3, 3, 2, 1}, func(int) int { return 1 })
			e.RatedAt, e.UpdatedAt = at, at
			line(at, nil, "rated", gongzhi.EventClosed, gongzhi.EventClosed, gongzhi.NoteOf("event_rating", e.Rating), false)
		}
	}
	return e
}

// code draws a tracking code from the seeded generator (the service draws from crypto/rand).
func (g *gridEvents) code() string {
	const alpha = gongzhi.ComplaintCodeAlphabet
	b := make([]byte, gongzhi.EventCodeLen)
	for i := range b {
		b[i] = alpha[g.c.r.IntN(len(alpha))]
	}
	return string(b)
}
