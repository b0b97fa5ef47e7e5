// The demo street's delivery: the months of service since the contracts of the earlier call
// were signed, recorded as the people concerned would have recorded them (docs/domain.md §4–9)
// — the providers' service ledgers, the hub's monthly inspections with a finding, its
// rectification order answered and verified and another left open and escalated, a talk, a
// joint meeting with its action items, each past month's supervision report published, complaints
// answered, rated and escalated, a resident's own rating and a satisfaction survey, and a
// mid-term evaluation published with its grade. Every write goes through the service layer with
// the clock of a moved to the day it happened; the clock is put back afterwards.

package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/evaluation"
	"gongzhi/internal/jobs"
	"gongzhi/internal/store"
)

// delivery is what seedDelivery works with.
type delivery struct {
	ctx        context.Context
	a          *app.App
	now        time.Time
	today      string
	rng        *rand.Rand
	hub, pur   *gongzhi.Actor
	providers  map[int64]*gongzhi.Actor // by organization
	orgKey     map[int64]string         // organization → its key in the plan
	orgIDs     map[string]int64
	shortName  map[string]string           // community code → 中山社区
	residents  map[string][]gongzhi.Person // community code → its residents
	volunteers map[string][]gongzhi.Person // community code → volunteers stationed there (street-wide ones under "")
	resident   gongzhi.Person              // the zs-resident account's own record
	contracts  []*gongzhi.Contract
	events     []event
}

// event is one thing done on one day: the timeline is sorted and run in order.
type event struct {
	at   time.Time
	what string
	do   func() error
}

func (d *delivery) at(t time.Time, what string, do func() error) {
	if t.After(d.now) {
		return
	}
	d.events = append(d.events, event{t, what, do})
}

// chinaAt is a day at a time of day, Beijing time.
func chinaAt(date string, hour, minute int) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, date, gongzhi.ChinaTime)
	return t.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

func addDays(date string, n int) string {
	t, _ := time.ParseInLocation(time.DateOnly, date, gongzhi.ChinaTime)
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// seedDelivery records the months since the delivered call's contracts started.
func seedDelivery(ctx context.Context, a *app.App, p *plan, orgIDs map[string]int64, seed int64) (err error) {
	saved := a.Now
	now := saved()
	clock := now
	a.Now = func() time.Time { return clock }
	defer func() { a.Now = saved }()
	d, err := newDelivery(ctx, a, p, orgIDs, now, rand.New(rand.NewPCG(uint64(seed), 20260401)))
	if err != nil {
		return err
	}
	if d.hub, err = d.actor("gt-hub"); err != nil {
		return err
	}
	resAc, err := d.actor("zs-resident")
	if err != nil {
		return err
	}
	for _, r := range d.residents[ZhongshanCode] {
		if r.Name == resAc.User.DisplayName && r.Phone == resAc.User.Phone {
			d.resident = r
		}
	}
	cts, err := a.LedgerContracts(ctx, d.pur)
	if err != nil {
		return err
	}
	for _, c := range cts {
		if _, ok := d.orgKey[c.OrgID]; !ok {
			continue
		}
		ct, err := a.Contract(ctx, d.pur, c.ID)
		if err != nil {
			return err
		}
		if ct.Current == nil || ct.CallTitle != "" && ct.CallTitle != DeliveredCallTitle {
			continue
		}
		d.contracts = append(d.contracts, ct)
		if d.providers[ct.OrgID] == nil {
			name := "gt-org-" + d.orgKey[ct.OrgID]
			switch d.orgKey[ct.OrgID] {
			case "tongxin":
				name = "gt-provider"
			case "xiyanghong":
				name = "gt-provider2"
			}
			if d.providers[ct.OrgID], err = d.actor(name); err != nil {
				return err
			}
		}
	}
	slices.SortFunc(d.contracts, func(x, y *gongzhi.Contract) int { return cmp.Compare(x.ID, y.ID) })
	if len(d.contracts) == 0 {
		return nil
	}

	for _, ct := range d.contracts {
		d.ledger(ct)
	}
	d.supervision()
	d.complaints()
	d.satisfaction(resAc)
	d.evaluations()

	if err := d.run(func(t time.Time) { clock = t }); err != nil {
		return err
	}
	clock = now
	// what is due and overdue today: the scheduled jobs' first run, as a worker's start would do;
	// the audit log is sealed (and checked) once the whole demo is seeded (Seed, sealAndCheck), as
	// later parts write entries dated months back, into days a seal would already have closed
	for _, j := range jobs.Jobs {
		if j.Kind == jobs.KindSealAudit || j.Kind == jobs.KindMonitorLog {
			continue
		}
		if _, err := jobs.Run(ctx, a, j, a.Now(), 1); err != nil {
			return fmt.Errorf("scheduled job %s: %w", j.Kind, err)
		}
	}
	return nil
}

// sealAndCheck seals the closed days of the demo's audit log and runs the public ledger's
// monitor once (no tamper alarm: every record matches its rows), as the workers' start would.
func sealAndCheck(ctx context.Context, a *app.App) error {
	if _, err := jobs.Run(ctx, a, jobs.ByKind(jobs.KindSealAudit), a.Now(), 1); err != nil {
		return fmt.Errorf("scheduled job %s: %w", jobs.KindSealAudit, err)
	}
	if _, err := a.PubLog.Integrate(ctx); err != nil { // the seals' records, as the server's loop would
		return err
	}
	n, err := jobs.Run(ctx, a, jobs.ByKind(jobs.KindMonitorLog), a.Now(), 1)
	if err != nil {
		return fmt.Errorf("scheduled job %s: %w", jobs.KindMonitorLog, err)
	}
	if n > 0 {
		return fmt.Errorf("the demo's public ledger differs from its database: %d tamper alarms", n)
	}
	return nil
}

// newDelivery gathers what the months of delivery draw on: the street purchaser, the
// communities' residents and volunteers, the organizations by key.
func newDelivery(ctx context.Context, a *app.App, p *plan, orgIDs map[string]int64, now time.Time, rng *rand.Rand) (*delivery, error) {
	d := &delivery{ctx: ctx, a: a, now: now, today: gongzhi.DateOf(now), rng: rng,
		providers: map[int64]*gongzhi.Actor{}, orgKey: map[int64]string{}, orgIDs: orgIDs, shortName: map[string]string{},
		residents: map[string][]gongzhi.Person{}, volunteers: map[string][]gongzhi.Person{}}
	for k, id := range orgIDs {
		d.orgKey[id] = k
	}
	var err error
	if d.pur, err = d.actor("gt-purchaser"); err != nil {
		return nil, err
	}
	for _, c := range p.communities {
		d.shortName[c.code] = c.short
		for _, gp := range c.grids {
			for _, hp := range gp.households {
				d.residents[c.code] = append(d.residents[c.code], hp.residents...)
			}
		}
	}
	for _, s := range p.staff {
		if s.p.Kind == "volunteer" {
			d.volunteers[s.p.PlaceCode] = append(d.volunteers[s.p.PlaceCode], s.p)
			d.volunteers[""] = append(d.volunteers[""], s.p)
		}
	}
	return d, nil
}

// run runs the events scheduled, the earliest first, each at its time (set moves the services'
// clock); events may schedule more (an answer to an order raised at an inspection).
func (d *delivery) run(set func(time.Time)) error {
	for len(d.events) > 0 {
		slices.SortStableFunc(d.events, func(x, y event) int { return x.at.Compare(y.at) })
		ev := d.events[0]
		d.events = d.events[1:]
		set(ev.at)
		if err := ev.do(); err != nil {
			return fmt.Errorf("%s (%s): %w", ev.what, gongzhi.DateOf(ev.at), err)
		}
	}
	return nil
}

func (d *delivery) actor(username string) (*gongzhi.Actor, error) {
	u, _, err := d.a.DB.Q().UserByUsername(d.ctx, username)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", username, err)
	}
	ac := &gongzhi.Actor{User: u, Via: "demo"}
	return ac, d.a.ScopeFor(d.ctx, ac)
}

func (d *delivery) contractOf(key string) *gongzhi.Contract {
	for _, ct := range d.contracts {
		if d.orgKey[ct.OrgID] == key {
			return ct
		}
	}
	return nil
}

// pool is the residents of the communities in one of the groups (any resident when too few).
func (d *delivery) pool(communities, groups []string, atLeast int) []gongzhi.Person {
	var out []gongzhi.Person
	for _, c := range communities {
		for _, r := range d.residents[c] {
			if slices.ContainsFunc(r.TargetGroups, func(g string) bool { return slices.Contains(groups, g) }) {
				out = append(out, r)
			}
		}
	}
	if len(out) < atLeast {
		for _, c := range communities {
			for _, r := range d.residents[c] {
				if !slices.ContainsFunc(out, func(x gongzhi.Person) bool { return x.ID == r.ID }) {
					out = append(out, r)
				}
				if len(out) >= atLeast {
					return out
				}
			}
		}
	}
	return out
}

// pick draws n distinct people of a pool.
func (d *delivery) pick(pool []gongzhi.Person, n int) []int64 {
	n = min(n, len(pool))
	var ids []int64
	for _, i := range d.rng.Perm(len(pool))[:n] {
		ids = append(ids, pool[i].ID)
	}
	return ids
}

// vols draws n volunteers stationed in a community (street-wide ones otherwise), each serving
// about minutes.
func (d *delivery) vols(community string, n, minutes int) []gongzhi.Volunteer {
	pool := d.volunteers[community]
	if len(pool) < n {
		pool = d.volunteers[""]
	}
	var out []gongzhi.Volunteer
	for _, i := range d.rng.Perm(len(pool))[:min(n, len(pool))] {
		m := minutes + 15*d.rng.IntN(3) - 15
		out = append(out, gongzhi.Volunteer{PersonID: pool[i].ID, Minutes: max(m, 30)})
	}
	return out
}

// entry schedules a ledger entry of a contract.
func (d *delivery) entry(ct *gongzhi.Contract, e gongzhi.ServiceEntry, with ...int64) {
	if e.HeldOn >= d.today || e.HeldOn < ct.Current.Terms.StartOn || e.HeldOn > ct.Current.Terms.EndOn {
		return
	}
	e.ContractID = ct.ID
	for _, id := range with {
		if !slices.Contains(e.ParticipantIDs, id) {
			e.ParticipantIDs = append(e.ParticipantIDs, id)
		}
	}
	pr := d.providers[ct.OrgID]
	end := 18
	if e.EndTime != "" {
		fmt.Sscanf(e.EndTime, "%d", &end)
	}
	d.at(chinaAt(e.HeldOn, min(end+2, 23), 10+d.rng.IntN(40)), "ledger "+e.Title, func() error {
		x := e
		return d.a.RecordEntry(d.ctx, pr, &x)
	})
}

// ledger schedules the service each project delivered since its start.
func (d *delivery) ledger(ct *gongzhi.Contract) {
	t := ct.Current.Terms
	var comms, groups []string
	for _, p := range append(slices.Clip(deliveredProjects), provinceProjects...) {
		if p.org == d.orgKey[ct.OrgID] {
			comms, groups = p.communities, p.groups
		}
	}
	short := func(c string) string { return d.shortName[c] }
	start := t.StartOn
	weeks := 0
	for day := addDays(start, 2); day < d.today && day <= t.EndOn; day = addDays(day, 7) {
		weeks++
	}
	month := func(i int) string { return gongzhi.AddMonths(start, i) }
	switch d.orgKey[ct.OrgID] {
	case "tongxin": // 银龄食堂: weekly meals in each community, home visits, a monthly activity
		elders := d.pool(comms, groups, 30)
		zs := d.pool(comms[:1], groups, 10)
		for w := range weeks {
			day := addDays(start, 2+7*w)
			for i, c := range comms {
				local := d.pool([]string{c}, groups, 10)
				counted := 100 + d.rng.IntN(25) - 10*i
				d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityCommunity, HeldOn: addDays(day, i),
					Title: fmt.Sprintf("银龄食堂助餐服务（第%d周）", w+1), StartTime: "10:30", EndTime: "12:30",
					Venue: short(c) + "居家养老服务站长者助餐点", Communities: []string{c}, TargetGroups: groups,
					ParticipantIDs: d.pick(local, 3+d.rng.IntN(3)), Counted: counted,
					Volunteers: d.vols(c, 3, 180),
					Summary:    fmt.Sprintf("本周助餐点堂食与送餐上门共%d人次左右，高龄独居老人按名单送餐到户，志愿者协助分餐、清洁。", counted+4)})
			}
			for v := range 6 {
				c := comms[(w+v)%len(comms)]
				ids := d.pick(d.pool([]string{c}, groups, 10), 1)
				if w%3 == 0 && v == 0 && d.resident.ID != 0 && c == ZhongshanCode {
					ids = []int64{d.resident.ID}
				}
				d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityCasework, HeldOn: addDays(day, v),
					Title: "高龄独居老人上门探访", StartTime: fmt.Sprintf("%d:30", 14+v%3), EndTime: fmt.Sprintf("%d:30", 15+v%3),
					Venue: "服务对象家中", Communities: []string{c}, TargetGroups: groups, ParticipantIDs: ids,
					Volunteers: d.vols(c, 1, 60), Tags: []string{"上门探访"},
					Summary: []string{"了解老人近期饮食起居与用药情况，检查燃气、用电安全，老人精神状态良好。",
						"老人反映膝关节疼痛，已联系社区卫生服务站上门随访，下周继续跟进。",
						"协助老人清理冰箱过期食品，讲解助餐点就餐时间，约定下次探访时间。",
						"老人子女在外地工作，已与子女电话沟通老人近况，更新紧急联系人信息。"}[(w+v)%4]})
			}
		}
		events := []gongzhi.ServiceEntry{
			{Kind: gongzhi.ActivityTraining, Title: "助餐志愿者食品安全与服务礼仪培训", Venue: "中山社区党群服务中心二楼会议室",
				StartTime: "09:00", EndTime: "11:00", Counted: 18, Summary: "邀请区市场监管局工作人员讲解食品留样、分餐卫生和过敏原提示，志愿者现场演练送餐服务流程。"},
			{Kind: gongzhi.ActivityCommunity, Title: "“银龄同乐”重阳敬老活动", Venue: "中山社区文化广场",
				StartTime: "09:00", EndTime: "11:30", Counted: 45, Summary: "为辖区高龄老人送上长寿面和重阳糕，志愿者表演戏曲和快板，为老人测量血压。"},
			{Kind: gongzhi.ActivityCommunity, Title: "老年人防跌倒健康讲座", Venue: "居家养老服务站活动室",
				StartTime: "14:30", EndTime: "16:00", Counted: 32, Summary: "社区医生讲解居家防跌倒要点，发放防滑垫，现场评估老人居家环境改造需求。"},
			{Kind: gongzhi.ActivityCommunity, Title: "反诈宣传进助餐点", Venue: "长者助餐点",
				StartTime: "11:00", EndTime: "12:00", Counted: 38, Summary: "结合近期针对老年人的保健品诈骗案例进行提醒，发放反诈宣传折页。"},
			{Kind: gongzhi.ActivityTraining, Title: "探访志愿者沟通技巧培训", Venue: "中山社区党群服务中心二楼会议室",
				StartTime: "14:00", EndTime: "16:00", Counted: 16, Summary: "讲解与失能、失智老人沟通的方法，分组进行探访情景模拟。"},
		}
		d.monthly(ct, events, month, comms, groups, elders, zs, 6, 150)
	case "xiyanghong": // 夕阳红: pairing groups and neighbourly activities, twice a month
		elders := d.pool(comms, groups, 45)
		titles := []string{"邻里守望结对见面会", "“楼道长”互助小组活动", "独居老人生日会", "邻里互助手工坊", "“守望相助”安全知识小课堂",
			"结对老人茶话会", "邻里包饺子活动", "健康操互助小组"}
		n := 0
		for m := 0; m < 6; m++ {
			for k, day := range []int{8, 22} {
				held := addDays(month(m), day)
				ids := d.pick(elders, 10+d.rng.IntN(5))
				if d.resident.ID != 0 && n%2 == 0 {
					ids = append(ids, d.resident.ID)
				}
				kind := gongzhi.ActivityGroup
				if k == 1 {
					kind = gongzhi.ActivityCommunity
				}
				d.entry(ct, gongzhi.ServiceEntry{Kind: kind, HeldOn: held, Title: titles[n%len(titles)],
					StartTime: "14:30", EndTime: "16:30", Venue: "中山社区邻里中心", Communities: comms, TargetGroups: groups,
					ParticipantIDs: ids, Counted: 4 + d.rng.IntN(6), Volunteers: d.vols(comms[0], 4, 120),
					Summary: "结对志愿者与独居老人一同参加，活动后逐一确认老人身体状况，记录需要跟进的困难。"})
				n++
			}
		}
	case "qiming": // 四点半课堂: weekly after-school care, a parent-child group, casework
		kids := d.pool(comms, groups, 20)
		for w := range weeks {
			day := addDays(start, 2+7*w)
			for i, c := range comms {
				local := d.pool([]string{c}, groups, 8)
				counted := 34 + d.rng.IntN(12)
				d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityCommunity, HeldOn: addDays(day, i),
					Title: fmt.Sprintf("“四点半课堂”课后托管（第%d周）", w+1), StartTime: "16:30", EndTime: "18:00",
					Venue: short(c) + "党群服务中心四点半课堂", Communities: []string{c}, TargetGroups: groups,
					ParticipantIDs: d.pick(local, 3), Counted: counted, Volunteers: d.vols(c, 2, 90),
					Summary: "本周五天课后托管，辅导作业、阅读打卡和安全教育，家长按时接送并签字。"})
			}
			if w%3 == 1 {
				d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityGroup, HeldOn: addDays(day, 3),
					Title: fmt.Sprintf("“亲子共成长”小组第%d节", w/3+1), StartTime: "19:00", EndTime: "20:30",
					Venue: short(comms[0]) + "党群服务中心活动室", Communities: comms, TargetGroups: groups,
					ParticipantIDs: d.pick(kids, 8), Counted: 8, Volunteers: d.vols(comms[0], 1, 90),
					Summary: "通过亲子游戏和分享，帮助隔代照料的祖辈与孩子建立沟通方式，布置本周亲子阅读任务。"})
			}
			if w%3 == 2 {
				d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityCasework, HeldOn: addDays(day, 4),
					Title: "留守儿童个案跟进", StartTime: "15:00", EndTime: "16:00", Venue: "服务对象家中",
					Communities: comms[:1], TargetGroups: groups, ParticipantIDs: d.pick(d.pool(comms[:1], groups, 5), 1),
					Summary: "与孩子和祖辈面谈，了解学业和情绪状况，与班主任沟通后调整辅导计划。"})
			}
		}
	case "yixin": // 残疾人康复: behind plan
		people := d.pool(comms, groups, 12)
		for i := 0; ; i++ {
			held := addDays(start, 10+24*i)
			if held >= d.today || held > t.EndOn {
				break
			}
			c := comms[i%len(comms)]
			d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityCasework, HeldOn: held, Title: "残疾人康复需求评估与个案管理",
				StartTime: "09:30", EndTime: "11:00", Venue: "服务对象家中", Communities: []string{c}, TargetGroups: groups,
				ParticipantIDs: d.pick(d.pool([]string{c}, groups, 4), 1),
				Summary:        "入户评估肢体功能和就业意愿，制定康复训练计划，链接残联辅具适配服务。"})
			if i >= 1 {
				d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityGroup, HeldOn: addDays(held, 3),
					Title: fmt.Sprintf("康复训练小组第%d节", i), StartTime: "14:00", EndTime: "16:00",
					Venue: "长城社区康复驿站", Communities: comms, TargetGroups: groups, ParticipantIDs: d.pick(people, 6),
					Counted: 3, Volunteers: d.vols(comms[0], 2, 120),
					Summary: "康复师带领组员进行上肢功能训练和平衡训练，组员分享居家练习情况。"})
			}
		}
	case "xinhang": // the province's 青少年社工督导: casework every five days, a youth group every fortnight
		for i := 0; ; i++ {
			held := addDays(start, 3+5*i)
			if held >= d.today || held > t.EndOn {
				break
			}
			c := comms[i%len(comms)]
			d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityCasework, HeldOn: held, Title: "青少年个案督导",
				StartTime: "15:00", EndTime: "16:30", Venue: short(c) + "社工站个案室", Communities: []string{c}, TargetGroups: groups,
				ParticipantIDs: d.pick(d.pool([]string{c}, groups, 4), 1), Tags: []string{"个案督导"},
				Summary: []string{"督导社区社工跟进留守儿童个案，梳理家庭支持网络，调整服务计划。",
					"与孩子和监护人面谈，评估学业压力和情绪状况，督导社工完善个案记录。",
					"复盘上次面谈，督导社工链接学校心理老师，约定下次跟进时间。"}[i%3]})
			if i%3 == 1 {
				d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityGroup, HeldOn: addDays(held, 2),
					Title: fmt.Sprintf("“向阳成长”青少年小组第%d节", i/3+1), StartTime: "09:00", EndTime: "11:00",
					Venue: short(c) + "党群服务中心活动室", Communities: []string{c}, TargetGroups: groups,
					ParticipantIDs: d.pick(d.pool([]string{c}, groups, 8), 6+d.rng.IntN(3)), Volunteers: d.vols(c, 1, 120),
					Summary: "通过团体游戏和情景讨论，提升青少年沟通与情绪管理能力，督导现场观察并反馈带组技巧。"})
			}
		}
	case "renai": // the province's 能力提升培训: a course every twelve days, alternating its two sites
		titles := []string{"项目设计与需求评估", "服务台账规范与档案管理", "社会组织财务管理", "志愿者招募与激励",
			"社区协商议事方法", "项目评估与成效表达", "为老服务风险防范", "残障人士服务专业方法"}
		for i := 0; ; i++ {
			held := addDays(start, 6+12*i)
			if held >= d.today || held > t.EndOn {
				break
			}
			c := comms[i%len(comms)]
			counted := 28 + d.rng.IntN(9)
			d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityTraining, HeldOn: held,
				Title: fmt.Sprintf("社会组织能力提升培训第%d期：%s", i+1, titles[i%len(titles)]), StartTime: "09:00", EndTime: "16:30",
				Venue: short(c) + "党群服务中心培训室", Communities: []string{c}, TargetGroups: groups, Counted: counted,
				Summary: fmt.Sprintf("区内社会组织负责人和专职社工%d人参训，讲授与案例研讨结合，课后完成作业并提交学习心得。", counted)})
		}
	case "mulin": // 新市民融入: a neighbourhood festival event a month, a volunteer training
		titles := []string{"新市民“邻里节”开幕暨百家宴", "新市民子女安全教育课堂", "“我的新家”社区融入茶话会", "新市民就业政策咨询会",
			"邻里趣味运动会", "“邻里节”总结表彰会"}
		for m := range 6 {
			held := addDays(month(m), 16)
			c := comms[m%len(comms)]
			counted := 180 + d.rng.IntN(50)
			d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityCommunity, HeldOn: held, Title: titles[m],
				StartTime: "09:00", EndTime: "11:30", Venue: short(c) + "文化广场", Communities: []string{c}, TargetGroups: groups,
				ParticipantIDs: d.pick(d.pool([]string{c}, groups, 5), 5), Counted: counted, Volunteers: d.vols(c, 6, 180),
				Summary: fmt.Sprintf("活动吸引新市民家庭约%d人次参与，现场登记服务需求，建立新市民联络群。", counted+5)})
		}
		for m, title := range []string{"新市民亲子读书会", "新市民家庭包粽子活动"} {
			c := comms[(m+1)%len(comms)]
			d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityGroup, HeldOn: addDays(month(2*m+1), 4), Title: title,
				StartTime: "19:00", EndTime: "20:30", Venue: short(c) + "党群服务中心", Communities: []string{c}, TargetGroups: groups,
				ParticipantIDs: d.pick(d.pool([]string{c}, groups, 6), 6), Counted: 30 + d.rng.IntN(10), Volunteers: d.vols(c, 3, 90),
				Summary: "新市民家庭与本地居民家庭结对参加，促进邻里相识。"})
		}
		d.entry(ct, gongzhi.ServiceEntry{Kind: gongzhi.ActivityTraining, HeldOn: addDays(start, 12), Title: "邻里节志愿者骨干培训",
			StartTime: "14:00", EndTime: "16:00", Venue: "前程社区党群服务中心", Communities: comms, TargetGroups: groups,
			Counted: 22, Summary: "讲解活动组织分工、安全预案和新市民需求登记方法。"})
	}
}

// monthly schedules one activity a month from a list.
func (d *delivery) monthly(ct *gongzhi.Contract, xs []gongzhi.ServiceEntry, month func(int) string, comms, groups []string,
	pool, local []gongzhi.Person, vols, minutes int) {
	for m, e := range xs {
		e.HeldOn = addDays(month(m), 18)
		e.Communities, e.TargetGroups = comms, groups
		if e.Kind != gongzhi.ActivityTraining {
			e.ParticipantIDs = append(d.pick(pool, 6), d.pick(local, 2)...)
		}
		e.Volunteers = d.vols(comms[0], vols, minutes)
		d.entry(ct, e)
	}
}

// allChecks is a clean checklist but for the findings given.
func allChecks(findings ...gongzhi.CheckItem) []gongzhi.CheckItem {
	var out []gongzhi.CheckItem
	for _, k := range gongzhi.DefaultChecklist {
		item := gongzhi.CheckItem{Key: k, Result: gongzhi.CheckOK}
		for _, f := range findings {
			if f.Key == k {
				item = f
			}
		}
		out = append(out, item)
	}
	return out
}

// supervision schedules the hub's monthly inspections, the rectification orders, a talk, a
// joint meeting and last month's report.
func (d *delivery) supervision() {
	thisMonth := gongzhi.MonthOf(d.now)
	first := gongzhi.MonthOf(chinaAt(d.contracts[0].Current.Terms.StartOn, 0, 0))
	var months []string
	for m := first; m < thisMonth; {
		months = append(months, m)
		t, _ := gongzhi.ParseMonth(m)
		m = gongzhi.MonthOf(t.AddDate(0, 1, 0))
	}
	tongxin, yixin, qiming := d.contractOf("tongxin"), d.contractOf("yixin"), d.contractOf("qiming")
	for mi, m := range months {
		on := m + "-22"
		for _, ct := range d.contracts {
			if s := ct.Current.Terms.StartOn; s > on && s[:7] == m {
				on = m + "-28"
			}
		}
		d.at(chinaAt(on, 9, 30), "inspections "+m, func() error {
			if _, err := d.a.EnsureInspections(d.ctx, d.hub, m); err != nil {
				return err
			}
			var ins []*gongzhi.Inspection
			if _, err := d.a.Inspections(d.ctx, d.hub, store.ListOptions{Filters: map[string]string{"month": m}, Limit: 100},
				func(in *gongzhi.Inspection) error { ins = append(ins, in); return nil }); err != nil {
				return err
			}
			slices.SortFunc(ins, func(x, y *gongzhi.Inspection) int { return cmp.Compare(x.ContractID, y.ContractID) })
			for _, in := range ins {
				if in.State != gongzhi.InspectionDue {
					continue
				}
				sum, err := d.a.LedgerMonth(d.ctx, d.hub, in.ContractID, m)
				if err != nil {
					return err
				}
				rec := gongzhi.InspectionRecord{InspectedOn: on, Checklist: allChecks(),
					Progress: fmt.Sprintf("本月台账记录活动%d次，服务%d人次，志愿服务%.0f小时，与月度计划基本一致。",
						sum.Entries, sum.Visits, sum.VolunteerHours),
					Difficulties: "部分服务对象白天独自在家，入户时间需提前与家属约定。",
					Results:      "服务对象对活动反响较好，社区居委会配合到位。"}
				ct := d.find(in.ContractID)
				// the inspector reads progress off the ledger: the mean completion of the outputs
				_, progress, err := d.a.ContractProgress(d.ctx, d.hub, in.ContractID)
				if err != nil {
					return err
				}
				sumBP, n := 0, 0
				for _, p := range progress {
					if p.Kind == "output" {
						sumBP, n = sumBP+min(p.DoneBP, 10000), n+1
					}
				}
				if n > 0 {
					rec.ProgressPct = sumBP / n / 100
				}
				switch {
				case ct == yixin:
					rec.Progress = fmt.Sprintf("本月台账记录活动%d次，服务%d人次，个案管理和康复小组均落后于计划。", sum.Entries, sum.Visits)
					rec.Difficulties = "康复师兼职，到岗时间不固定；部分服务对象行动不便，小组活动召集困难。"
					rec.Results = "已完成首批服务对象的康复需求评估。"
					if mi == len(months)-2 {
						rec.Checklist = allChecks(gongzhi.CheckItem{Key: "on_plan", Result: gongzhi.CheckFinding, Severity: gongzhi.SeverityMajor,
							Note: "个案管理和康复训练小组完成进度明显低于合同计划，未提交追赶计划。"})
					}
				case ct == tongxin && mi == len(months)-1 && mi > 0:
					rec.Checklist = allChecks(gongzhi.CheckItem{Key: "evidence_complete", Result: gongzhi.CheckFinding, Severity: gongzhi.SeverityMinor,
						Note: "抽查本月上门探访记录，部分缺少服务对象或家属签字确认，助餐签到表未按日装订。"})
				case ct == qiming && mi == 0:
					rec.Difficulties = "开学初学生名单变动较大，托管人数每周不稳定。"
				}
				done, err := d.a.RecordInspection(d.ctx, d.hub, in.ID, rec)
				if err != nil {
					return err
				}
				if done.Findings() > 0 {
					if err := d.rectify(done, on); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	// a talk with the provider that is behind
	if yixin != nil && len(months) >= 2 {
		on := addDays(months[len(months)-2]+"-22", 5)
		d.at(chinaAt(on, 10, 0), "talk", func() error {
			_, err := d.a.RecordTalk(d.ctx, d.hub, gongzhi.TalkInput{Date: on, ContractID: yixin.ID,
				Attendees: []gongzhi.Attendee{{Name: "周建平", Role: "葛塘街道社会事业办副主任"}, {Name: "陈敏", Role: "社服中心督导"},
					{Name: "吴海燕", Role: "项目负责人", OrgID: yixin.OrgID}},
				Reason:      "项目连续两个月进度滞后，月度督导发现个案管理和康复小组完成率偏低。",
				Conclusions: "机构承认人员配备不足，承诺增加一名专职康复师，两周内提交进度追赶计划，街道社服中心每两周跟进一次。"})
			return err
		})
	}
	d.meeting(months)
	// each month's report, written and published in the first days of the next month
	for i, m := range months {
		next := thisMonth
		if i+1 < len(months) {
			next = months[i+1]
		}
		at := chinaAt(next+"-03", 10, 0)
		if at.After(d.now) {
			at = d.now.Add(-time.Minute)
		}
		d.at(at, "report "+m, func() error {
			rep, err := d.a.GenerateSupervisionReport(d.ctx, d.hub, m)
			if err != nil {
				return err
			}
			_, err = d.a.PublishSupervisionReport(d.ctx, d.hub, rep.ID)
			return err
		})
	}
}

func (d *delivery) find(id int64) *gongzhi.Contract {
	for _, ct := range d.contracts {
		if ct.ID == id {
			return ct
		}
	}
	return nil
}

// rectify raises an order from an inspection's finding: the small one is answered and verified,
// the large one (the project behind plan) is left open past its deadline.
func (d *delivery) rectify(in *gongzhi.Inspection, on string) error {
	for _, c := range in.Checklist {
		if c.Result != gongzhi.CheckFinding {
			continue
		}
		order := gongzhi.RectificationOrder{CheckKey: c.Key, Severity: c.Severity, Deadline: addDays(on, 10)}
		answered := c.Key == "evidence_complete"
		if answered {
			order.Requirement = "补齐本月上门探访记录的服务对象签字，助餐签到表按日装订归档，下月起每次探访当场签字确认。"
		} else {
			order.Requirement = "十日内提交进度追赶计划，增加康复师到岗时间，下月个案管理和小组活动须达到月度计划。"
		}
		x, err := d.a.RaiseRectification(d.ctx, d.hub, in.ID, order)
		if err != nil {
			return fmt.Errorf("rectification: %w", err)
		}
		if answered {
			pr := d.providers[in.OrgID]
			d.at(chinaAt(addDays(on, 6), 16, 0), "answer rectification", func() error {
				_, err := d.a.AnswerRectification(d.ctx, pr, x.ID, "已补签探访记录46份，助餐签到表按日装订成册；项目组制定了台账填写规范，每周五由项目主管核对。", nil)
				return err
			})
			d.at(chinaAt(addDays(on, 8), 10, 0), "verify rectification", func() error {
				_, err := d.a.VerifyRectification(d.ctx, d.hub, x.ID, "现场核查补签记录和签到表，整改到位。")
				return err
			})
		}
	}
	return nil
}

// meeting schedules the quarter's joint meeting with its action items.
func (d *delivery) meeting(months []string) {
	if len(months) < 2 {
		return
	}
	on := months[len(months)-2] + "-10"
	hubID := d.orgIDs["hub"]
	var orgs []int64
	for _, ct := range d.contracts {
		orgs = append(orgs, ct.OrgID)
	}
	tongxin, yixin := d.contractOf("tongxin"), d.contractOf("yixin")
	d.at(chinaAt(on, 14, 30), "meeting", func() error {
		in := gongzhi.MeetingInput{Date: on, Title: "葛塘街道社区服务项目联席会议", Venue: "葛塘街道办事处三楼会议室",
			Attendees: []gongzhi.Attendee{{Name: "周建平", Role: "葛塘街道社会事业办副主任"}, {Name: "陈敏", Role: "社服中心督导"},
				{Name: "刘芳", Role: "中山社区党委书记"}, {Name: "各项目负责人", Role: "承接机构"}},
			OrgIDs:    orgs,
			Minutes:   "通报各项目前两个月台账和督导情况；助餐项目服务量稳定，残疾人康复项目进度滞后；讨论服务对象签字确认和台账规范问题。",
			Decisions: "统一台账填写规范；进度滞后的项目提交追赶计划；下次联席会议听取整改情况汇报。"}
		if tongxin != nil {
			in.Actions = append(in.Actions, gongzhi.ActionInput{Text: "各项目于每月5日前完成上月服务台账录入并上传签到表", OwnerOrgID: tongxin.OrgID,
				Deadline: addDays(on, 12)})
		}
		if yixin != nil {
			in.Actions = append(in.Actions, gongzhi.ActionInput{Text: "制定残疾人康复项目进度追赶计划，报街道社会事业办备案", OwnerOrgID: yixin.OrgID,
				Deadline: addDays(on, 14)})
		}
		in.Actions = append(in.Actions, gongzhi.ActionInput{Text: "组织一次项目财务规范培训", OwnerOrgID: hubID, OwnerName: "",
			Deadline: addDays(d.today, 20)})
		m, err := d.a.RecordMeeting(d.ctx, d.pur, in)
		if err != nil {
			return err
		}
		if tongxin == nil {
			return nil
		}
		for _, x := range m.Actions {
			if x.OwnerOrgID == tongxin.OrgID {
				id := x.ID
				pr := d.providers[tongxin.OrgID]
				d.at(chinaAt(addDays(on, 8), 17, 0), "meeting action", func() error {
					_, err := d.a.CompleteMeetingAction(d.ctx, pr, m.ID, id, "已制定台账填写规范并发至各项目组，上月台账均已按时录入。")
					return err
				})
			}
		}
		return nil
	})
}

// complaints schedules the complaints and inquiries of the past weeks.
func (d *delivery) complaints() {
	anon := &gongzhi.Actor{Via: "demo"}
	tongxin, xiyanghong, qiming, mulin := d.contractOf("tongxin"), d.contractOf("xiyanghong"), d.contractOf("qiming"), d.contractOf("mulin")
	day := func(n int) time.Time {
		t := d.now.AddDate(0, 0, -n).In(gongzhi.ChinaTime)
		return chinaAt(t.Format(time.DateOnly), 9+(n*5)%9, (n*17)%60)
	}
	id := func(ct *gongzhi.Contract) int64 {
		if ct == nil {
			return 0
		}
		return ct.ID
	}
	// answered by the provider, rated low, answered again by the street office
	low := &gongzhi.Complaint{Kind: gongzhi.ComplaintKindComplaint, CommunityCode: "320116004005", ContractID: id(tongxin),
		Subject: "送餐时间不固定，饭菜送到时已经凉了", Description: "我家老人在银龄食堂订的午餐，最近两周送到时经常过了十二点半，饭菜都凉了，老人胃不好。",
		ContactName: "马丽华", ContactPhone: "13851726643"}
	d.at(day(46), "complaint", func() error { return d.a.SubmitComplaint(d.ctx, anon, low) })
	d.at(day(45), "answer complaint", func() error {
		return d.a.AnswerComplaint(d.ctx, d.providers[tongxin.OrgID], low.ID, "经核实，送餐路线调整后第二批次送达偏晚。已增加一名送餐志愿者，并配备保温箱，确保十二点前送达。")
	})
	d.at(day(41), "rate complaint", func() error {
		return d.a.RateComplaintByCode(d.ctx, anon, low.Code, gongzhi.PhoneLast4(low.ContactPhone), 2, "这周还是有两天晚到，问题没有真正解决。")
	})
	d.at(day(39), "answer again", func() error {
		return d.a.AnswerComplaint(d.ctx, d.pur, low.ID, "街道社会事业办已约谈项目负责人，要求按送餐台账逐日核对送达时间，社服中心下周起每周抽查两次，结果在月度督导中通报。")
	})
	// the resident's inquiry: answered and rated well
	if d.resident.ID != 0 && xiyanghong != nil {
		ac, err := d.actor("zs-resident")
		if err == nil {
			inq := &gongzhi.Complaint{Kind: gongzhi.ComplaintKindInquiry, CommunityCode: ZhongshanCode, ContractID: xiyanghong.ID,
				Subject: "独居老人结对探访怎么报名？", Description: "我家隔壁的老人一个人住，想问问邻里守望结对探访怎么报名，需要准备什么材料？"}
			d.at(day(30), "inquiry", func() error { return d.a.SubmitComplaint(d.ctx, ac, inq) })
			d.at(day(29), "answer inquiry", func() error {
				return d.a.AnswerComplaint(d.ctx, d.providers[xiyanghong.OrgID], inq.ID, "不需要材料，可由本人或家属到中山社区邻里中心登记，也可拨打项目服务电话，我们会在一周内安排志愿者上门结对。")
			})
			d.at(day(27), "rate inquiry", func() error {
				return d.a.RateComplaint(d.ctx, ac, inq.ID, 5, "回复很快，志愿者第二天就上门了。")
			})
		}
	}
	// a suggestion answered by the street office, not yet rated
	sug := &gongzhi.Complaint{Kind: gongzhi.ComplaintKindSuggestion, CommunityCode: ZhongshanCode,
		Subject: "建议社区活动室晚上也开放", Description: "白天上班没时间，建议社区活动室每周有两个晚上开放，方便年轻人和孩子参加活动。",
		ContactName: "钱志强", ContactPhone: "15062283317"}
	d.at(day(20), "suggestion", func() error { return d.a.SubmitComplaint(d.ctx, anon, sug) })
	d.at(day(16), "answer suggestion", func() error {
		return d.a.AnswerComplaint(d.ctx, d.pur, sug.ID, "感谢建议。经与中山社区商议，自下月起每周二、周四晚七点至九点开放活动室，由社区志愿者值守。")
	})
	// unanswered past its deadline: escalated
	if qiming != nil {
		late := &gongzhi.Complaint{Kind: gongzhi.ComplaintKindComplaint, CommunityCode: "320116004008", ContractID: qiming.ID,
			Subject: "四点半课堂放学后无人接孩子", Description: "上周三下午四点半课堂的老师提前离开，孩子在门口等了快一个小时，希望加强管理。",
			ContactName: "孙晓燕", ContactPhone: "18795531204"}
		d.at(day(18), "complaint", func() error { return d.a.SubmitComplaint(d.ctx, anon, late) })
	}
	// yesterday's inquiry, waiting for its answer
	if mulin != nil {
		open := &gongzhi.Complaint{Kind: gongzhi.ComplaintKindInquiry, CommunityCode: "320116004201", ContractID: mulin.ID,
			Subject: "邻里节活动外来务工人员能参加吗？", Description: "我在前程社区租房住，没有本地户口，想问问邻里节的活动能不能带孩子参加？",
			ContactName: "冯建军", ContactPhone: "13770419856"}
		d.at(day(1), "inquiry", func() error { return d.a.SubmitComplaint(d.ctx, anon, open) })
	}
}

// satisfaction links the resident account to its record, has the resident rate a service, and
// draws and answers a survey of one project's recipients.
func (d *delivery) satisfaction(resAc *gongzhi.Actor) {
	xiyanghong := d.contractOf("xiyanghong")
	if xiyanghong == nil {
		return
	}
	if d.resident.ID != 0 {
		d.at(d.now.AddDate(0, 0, -60), "link resident", func() error {
			zs, err := d.actor("zs-community")
			if err != nil {
				return err
			}
			return d.a.LinkResidentAccount(d.ctx, zs, resAc.User.ID, d.resident.ID)
		})
		d.at(d.now.AddDate(0, 0, -9), "rate service", func() error {
			mine, err := d.a.MyServices(d.ctx, resAc)
			if err != nil {
				return err
			}
			for _, s := range mine {
				if s.ContractTitle == xiyanghong.Title {
					return d.a.RateService(d.ctx, resAc, &gongzhi.ServiceRating{EntryID: s.EntryID, Score: 5,
						Comment: "志愿者很耐心，活动后还送我回家。"})
				}
			}
			return nil
		})
	}
	for i, key := range []string{"xiyanghong", "tongxin", "qiming", "mulin"} {
		if ct := d.contractOf(key); ct != nil {
			margin := 1500
			if i == 0 {
				margin = 1000
			}
			d.survey(ct, margin, uint64(20260915+i), time.Duration(i)*time.Hour)
		}
	}
}

// survey draws a satisfaction survey of a project about forty days ago and answers most of the
// sample by telephone, half then and the rest last week; a few people could not be reached.
func (d *delivery) survey(ct *gongzhi.Contract, margin int, seed uint64, offset time.Duration) {
	var s *gongzhi.Survey
	d.at(d.now.AddDate(0, 0, -40).Add(offset), "survey", func() error {
		var err error
		s, err = d.a.DrawSurvey(d.ctx, d.hub, ct.ID, margin, seed, "中期评估前的服务对象满意度电话回访")
		return err
	})
	answer := func(from, to int) func() error {
		return func() error {
			for i := from; i < min(to, len(s.Samples)); i++ {
				x := gongzhi.SurveySample{SurveyID: s.ID, PersonID: s.Samples[i].PersonID, Score: []int{5, 4, 5, 4, 3, 5, 4, 5, 2, 4}[i%10]}
				switch {
				case i%11 == 7:
					x.Answer, x.Score = gongzhi.AnswerUnreachable, 0
				case x.Score == 2:
					x.Comment = "希望活动时间再早一点。"
				}
				if err := d.a.AnswerSample(d.ctx, d.hub, &x); err != nil {
					return err
				}
			}
			return nil
		}
	}
	d.at(d.now.AddDate(0, 0, -36).Add(offset), "survey answers", func() error { return answer(0, len(s.Samples)/2)() })
	d.at(d.now.AddDate(0, 0, -6).Add(offset), "survey answers", func() error { return answer(len(s.Samples)/2, len(s.Samples)-3)() })
}

// evaluations runs the mid-term round of the two oldest projects whose mid-term date has passed.
func (d *delivery) evaluations() {
	type round struct {
		key        string
		ratio      int // per cent of each maximum
		strengths  string
		problems   string
		memberName string
	}
	for _, r := range []round{
		{"tongxin", 86, "助餐服务覆盖稳定，送餐到户及时，上门探访记录完整；志愿者队伍稳定，服务时长达到进度要求。",
			"上门探访次数低于时间进度；前期台账签字确认不规范，已按督导意见整改；个别时段送餐偏晚，曾被投诉。", "王秀英"},
		{"xiyanghong", 92, "结对探访覆盖面广，活动形式贴近独居老人需求，满意度抽查结果良好。",
			"互助活动以中山社区邻里中心为主，楼道层面的互助网络仍需培育。", "张桂兰"},
	} {
		ct := d.contractOf(r.key)
		if ct == nil {
			continue
		}
		mid := evaluation.MidTermDate(ct)
		if mid == "" || addDays(mid, 11) >= d.today {
			continue
		}
		var e *gongzhi.Evaluation
		d.at(chinaAt(addDays(mid, 2), 10, 0), "evaluation", func() error {
			e = &gongzhi.Evaluation{ContractID: ct.ID, Round: gongzhi.RoundMid, Members: []gongzhi.EvalMember{
				{Kind: gongzhi.MemberExpert, Username: "gt-expert"},
				{Kind: gongzhi.MemberResident, Name: r.memberName, Affiliation: "中山社区居民代表"},
				{Kind: gongzhi.MemberOfficial, Name: "黄立新", Affiliation: "六合区民政局社会组织管理科"}}}
			return d.a.StartEvaluation(d.ctx, d.pur, e)
		})
		sheet := func(delta int) ([]gongzhi.Points, []string) {
			scheme := gongzhi.DefaultEvalScheme()
			flat, _ := scheme.Flat()
			var scores []gongzhi.Points
			for i, ind := range flat {
				pct := min(100, r.ratio+delta+[]int{0, 4, -4, 2, -2}[i%5])
				scores = append(scores, gongzhi.Points(ind.Max*pct))
			}
			return scores, nil
		}
		d.at(chinaAt(addDays(mid, 6), 15, 0), "evaluation sheets", func() error {
			ex, err := d.actor("gt-expert")
			if err != nil {
				return err
			}
			full, err := d.a.Evaluation(d.ctx, d.pur, e.ID)
			if err != nil {
				return err
			}
			for i, m := range full.Members {
				sc, cm := sheet(i - 1)
				if m.UserID != 0 {
					_, err = d.a.SubmitEvalSheet(d.ctx, ex, e.ID, 0, sc, cm)
				} else {
					_, err = d.a.SubmitEvalSheet(d.ctx, d.hub, e.ID, m.ID, sc, cm)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		d.at(chinaAt(addDays(mid, 9), 10, 0), "finalize evaluation", func() error {
			if _, err := d.a.FinalizeEvaluation(d.ctx, d.pur, e.ID, gongzhi.Evaluation{Strengths: r.strengths, Problems: r.problems}); err != nil {
				return err
			}
			_, err := d.a.PublishEvaluation(d.ctx, d.pur, e.ID)
			return err
		})
	}
}
