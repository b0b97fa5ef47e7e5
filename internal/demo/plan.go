// The plan: every record of the demo street computed from the seed before anything is written,
// with references between records (household → grid, person → household or organization,
// account → organization) held as positions and keys that Seed resolves to IDs as it writes.
// Keeping generation apart from writing makes it deterministic and testable without a database.

package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gongzhi"
)

type plan struct {
	places      []gongzhi.Place
	orgs        []orgPlan
	communities []*communityPlan
	staff       []staffPlan // social workers, volunteers, experts
	accounts    []accountPlan
}

type orgPlan struct {
	key string
	o   gongzhi.Organization
}

type communityPlan struct {
	code, name, short string
	grids             []*gridPlan
}

type gridPlan struct {
	g          gongzhi.Grid
	households []*householdPlan
}

type householdPlan struct {
	h         gongzhi.Household
	residents []gongzhi.Person
	noGrid    bool // registered in the community but not yet in a grid
}

type staffPlan struct {
	org string // key of the person's organization, or ""
	p   gongzhi.Person
}

type accountPlan struct {
	u     gongzhi.User
	org   string // key of the organization a provider is scoped to, or a social worker works for
	scope string
}

// shortName drops the committee suffix: 中山社区居委会 → 中山社区.
func shortName(name string) string {
	for _, s := range []string{"居民委员会", "村民委员会", "居委会", "村委会"} {
		if n, ok := strings.CutSuffix(name, s); ok {
			return n
		}
	}
	return name
}

// newPlan computes the demo street for a seed. names overrides the names of places already on
// the instance (from an imported national list), so that grids are named after them.
func newPlan(seed int64, names map[string]string) *plan {
	g := newGen(seed)
	p := &plan{}
	placeName := map[string]string{}
	for _, pl := range placeSpecs {
		if n, ok := names[pl.Code]; ok {
			pl.Name = n
		}
		placeName[pl.Code] = pl.Name
		p.places = append(p.places, pl)
	}
	for _, s := range orgSpecs {
		p.orgs = append(p.orgs, orgPlan{key: s.key, o: g.organization(s)})
	}
	for _, cs := range communitySpecs {
		p.communities = append(p.communities, g.community(cs, placeName[cs.code]))
	}
	p.staff = append(p.staff, g.socialWorkers()...)
	p.staff = append(p.staff, g.volunteers()...)
	p.staff = append(p.staff, g.experts()...)
	p.accounts = g.accounts(p, placeName)
	return p
}

func (g *gen) organization(s orgSpec) gongzhi.Organization {
	legal, _ := g.adultName(35, 62)
	contact, _ := g.adultName(24, 50)
	o := gongzhi.Organization{
		Name: s.name, Type: s.typ, RegState: s.regState, Origin: s.origin, LegalRep: legal, ContactName: contact,
		ContactPhone: g.mobile(), Email: s.email, Address: s.address, PlaceCode: s.place, ServiceFields: s.fields,
		Staff: s.staff, LicensedSW: s.licensed, Grade: s.grade, Incubation: s.incubation, Notes: s.notes,
	}
	if o.Incubation == "" {
		o.Incubation = "none"
	}
	if s.regKind != "" {
		o.CreditCode = g.creditCode(s.regKind, s.division)
	}
	if s.year != 0 {
		o.RegisteredOn = g.date(s.year)
	}
	if s.typ == "community" && s.regState != "registered" {
		o.LegalRep = "" // a team that is only filed or preparing has a leader, not a legal representative
		o.Notes += "负责人：" + contact + "。"
	}
	return o
}

func (g *gen) community(cs communitySpec, name string) *communityPlan {
	c := &communityPlan{code: cs.code, name: name, short: shortName(name)}
	n := g.intn(cs.grids[0], cs.grids[1])
	next := map[string]int{} // next free building of each estate
	for i := range n {
		gp := &gridPlan{}
		leader, _ := g.adultName(28, 55)
		gp.g = gongzhi.Grid{
			CommunityCode: cs.code, Code: fmt.Sprintf("%02d", i+1), Name: fmt.Sprintf("%s第%d网格", c.short, i+1),
			Leader: leader, Phone: g.mobile(), Team: g.team(cs, leader),
		}
		// One estate or village group per grid; an estate bigger than one grid's share is split.
		e := cs.estates[i%len(cs.estates)]
		var addr func() string
		if e.buildings == 0 {
			gp.g.Notes = "网格范围：" + c.short + e.name
			used := map[int]bool{}
			addr = func() string {
				for {
					if n := g.intn(1, 90); !used[n] {
						used[n] = true
						return fmt.Sprintf("%s%s%d号", c.short, e.name, n)
					}
				}
			}
		} else {
			share := max(e.buildings/max(1, countUses(cs.estates, e, n)), 3)
			first := next[e.name] + 1
			if first > e.buildings {
				first = 1
			}
			last := min(first+share-1, e.buildings)
			next[e.name] = last
			gp.g.Notes = fmt.Sprintf("网格范围：%s%d—%d%s", e.name, first, last, e.block)
			used := map[string]bool{}
			addr = func() string {
				for {
					floor := g.intn(1, e.floors)
					a := fmt.Sprintf("%s%s%d%s%d单元%d%02d室", e.road, e.name, g.intn(first, last), e.block, g.intn(1, 3), floor, g.intn(1, 2))
					if !used[a] {
						used[a] = true
						return a
					}
				}
			}
		}
		for range g.intn(cs.households[0], cs.households[1]) {
			gp.households = append(gp.households, g.household(cs, e.buildings == 0, addr()))
		}
		c.grids = append(c.grids, gp)
	}
	// 中山社区's two newest households moved in lately: the community has still to put them in a
	// grid, the first thing on its list of things to do
	if cs.code == ZhongshanCode {
		last := c.grids[len(c.grids)-1]
		for _, hp := range last.households[max(len(last.households)-2, 0):] {
			hp.noGrid = true
			hp.h.Notes = strings.TrimPrefix(hp.h.Notes+"；新迁入，待分配网格", "；")
		}
	}
	return c
}

// countUses counts the grids (of n) that fall on estate e.
func countUses(es []estate, e estate, n int) int {
	k := 0
	for i := range n {
		if es[i%len(es)].name == e.name {
			k++
		}
	}
	return k
}

// team describes a grid team (组团式服务): the grid worker who leads it, a community cadre, a
// police officer, a teacher, a doctor, a party-group leader and volunteers.
func (g *gen) team(cs communitySpec, leader string) string {
	n := func() string { s, _ := g.adultName(25, 58); return s }
	police := "葛塘派出所"
	if strings.HasPrefix(cs.code, NeighbourCode[:9]) {
		police = "长芦派出所"
	}
	return fmt.Sprintf("专职网格员：%s；社区干部：%s；民警：%s（%s）；教师：%s（%s）；医生：%s（%s）；党小组长：%s；志愿者：%s、%s",
		leader, n(), n(), police, n(), cs.school, n(), cs.clinic, n(), n(), n())
}

// member is a person living in a household.
type member struct {
	age    int
	male   bool
	name   string
	away   bool // registered here but working elsewhere (parents of left-behind children)
	alone  bool
	groups []string
	notes  []string
}

// Household kinds with their weights in town and in the villages.
var householdKinds = []struct {
	kind         string
	urban, rural int
}{
	{"elderly_alone", 8, 12},
	{"elderly_couple", 14, 17},
	{"family", 30, 22},
	{"left_behind", 3, 10},
	{"adults", 30, 30},
	{"single", 15, 9},
}

func (g *gen) householdKind(rural bool) string {
	weight := func(i int) int {
		if rural {
			return householdKinds[i].rural
		}
		return householdKinds[i].urban
	}
	total := 0
	for i := range householdKinds {
		total += weight(i)
	}
	n := g.r.IntN(total)
	for i, k := range householdKinds {
		if n < weight(i) {
			return k.kind
		}
		n -= weight(i)
	}
	return "adults"
}

var workCities = strings.Fields(`苏州 无锡 上海 常州 南京市区 杭州 昆山`)

func (g *gen) household(cs communitySpec, rural bool, address string) *householdPlan {
	kind := g.householdKind(rural)
	surname := pick(g, surnames)
	person := func(age int, male bool, sur string) member {
		y := refYear - age
		return member{age: age, male: male, name: g.name(sur, y, male)}
	}
	spouse := func(of member, spread int) member {
		return person(min(max(of.age+g.intn(-spread, spread), 20), 91), !of.male, "")
	}
	var ms []member
	var hnotes []string
	switch kind {
	case "elderly_alone":
		m := person(g.intn(66, 91), g.chance(0.35), surname)
		m.alone = true
		m.notes = append(m.notes, pick(g, []string{"独居，子女在" + pick(g, workCities) + "工作", "独居，配偶已故", "独居，子女每周探望"}))
		ms = append(ms, m)
		hnotes = append(hnotes, "独居老人户")
	case "elderly_couple":
		h := person(g.intn(62, 88), true, surname)
		ms = append(ms, h, spouse(h, 4))
		hnotes = append(hnotes, "老年夫妇户")
	case "family":
		h := person(g.intn(30, 46), true, surname)
		ms = append(ms, h, spouse(h, 3))
		for range g.intn(1, 2) {
			ms = append(ms, person(g.intn(8, min(17, h.age-22)), g.chance(0.5), surname))
		}
		if g.chance(0.25) {
			ms = append(ms, person(g.intn(h.age+24, min(h.age+34, 90)), g.chance(0.4), surname))
		}
	case "left_behind":
		gp := person(g.intn(58, 76), true, surname)
		child := person(g.intn(8, 15), g.chance(0.5), surname)
		city := pick(g, workCities)
		child.notes = append(child.notes, "父母在"+city+"务工，由祖父母照料")
		ms = append(ms, gp, child, spouse(gp, 3))
		father := person(g.intn(32, 42), true, surname)
		father.away = true
		father.notes = append(father.notes, "在"+city+"务工")
		mother := spouse(father, 3)
		mother.away = true
		mother.notes = append(mother.notes, "在"+city+"务工")
		ms = append(ms, father, mother)
		hnotes = append(hnotes, "留守儿童家庭，父母在"+city+"务工")
	case "adults":
		h := person(g.intn(25, 64), g.chance(0.75), surname)
		ms = append(ms, h, spouse(h, 4))
		if h.age > 45 && g.chance(0.5) {
			ms = append(ms, person(g.intn(19, h.age-23), g.chance(0.5), surname))
		}
	case "single":
		ms = append(ms, person(g.intn(22, 55), g.chance(0.6), surname))
		if !rural && g.chance(0.6) {
			hnotes = append(hnotes, "租住户")
		}
	}
	hardship := g.chance(0.05)
	if hardship {
		hnotes = append(hnotes, pick(g, []string{"低保户", "低保边缘户", "特困供养户"}))
	}
	for i := range ms {
		g.targetGroups(&ms[i], kind, hardship)
	}
	hp := &householdPlan{h: gongzhi.Household{
		CommunityCode: cs.code, Address: address, HeadName: ms[0].name, Members: len(ms), Notes: strings.Join(hnotes, "；"),
	}}
	if kind == "elderly_alone" && g.chance(0.4) {
		hp.h.Phone = g.landline()
	} else {
		hp.h.Phone = g.mobile()
	}
	// Every member is registered in the household, so that its count and its list agree; those
	// away keep their registration here.
	for i, m := range ms {
		y, mo, d := g.birth(m.age)
		p := gongzhi.Person{
			Kind: "resident", Name: m.name, IDNumber: g.idNumber(y, mo, d, m.male), PlaceCode: cs.code,
			TargetGroups: m.groups, Notes: strings.Join(m.notes, "；"),
		}
		p.Gender = gender(m.male)
		if i == 0 {
			p.Phone = hp.h.Phone
		} else if m.age >= 16 {
			p.Phone = g.mobile()
		}
		hp.residents = append(hp.residents, p)
	}
	return hp
}

var disabilities = strings.Fields(`肢体残疾二级 肢体残疾三级 视力残疾一级 视力残疾三级 听力残疾二级 智力残疾三级 精神残疾二级 言语残疾四级`)

// targetGroups tags a member with the groups services are for, by age, household and chance.
func (g *gen) targetGroups(m *member, kind string, hardship bool) {
	add := func(code, note string) {
		m.groups = append(m.groups, code)
		if note != "" {
			m.notes = append(m.notes, note)
		}
	}
	switch {
	case m.age < 14:
		add("children", "")
	case m.age < 18:
		add("youth", "")
	case m.age >= 60:
		add("elderly", "")
	}
	if m.alone && m.age >= 60 {
		add("elderly_alone", "")
	}
	if kind == "left_behind" && m.age < 18 {
		add("left_behind_children", "")
	}
	if p := 0.025 + 0.04*float64(max(m.age-60, 0))/30; g.chance(p) {
		add("disabled", "持证残疾人（"+pick(g, disabilities)+"）")
	}
	if m.male && m.age >= 38 && g.chance(0.07) {
		add("veterans", fmt.Sprintf("退役军人，%d年入伍", refYear-m.age+g.intn(18, 20)))
	}
	if m.age >= 45 && g.chance(0.015+0.02*float64(m.age-45)/45) {
		add("cancer_patients", pick(g, []string{"癌症康复期，定期随访", "正在化疗", "术后康复"}))
	}
	if hardship && !m.away {
		add("hardship", "")
	}
}

// stationed returns where a street-level worker is placed: the street, or a community of it.
func (g *gen) stationed(street string) string {
	var codes []string
	for _, cs := range communitySpecs {
		if strings.HasPrefix(cs.code, street[:9]) {
			codes = append(codes, cs.code)
		}
	}
	if g.chance(0.4) {
		return street
	}
	return pick(g, codes)
}

func (g *gen) socialWorkers() []staffPlan {
	var out []staffPlan
	for _, s := range orgSpecs {
		licensed := min(s.licensed, s.workers-min(1, s.workers/3))
		for i := range s.workers {
			name, male := g.adultName(23, 50)
			if i == 0 {
				name, male = g.adultName(36, 55)
			}
			p := gongzhi.Person{Kind: "social_worker", Name: name, Phone: g.mobile(), PlaceCode: g.stationed(s.place)}
			p.Gender = gender(male)
			switch {
			case i >= licensed:
				p.Notes = "社区助工，备考助理社会工作师"
			case i == 0 && (s.grade == "5A" || s.grade == "4A"):
				p.Licence = "senior"
				p.Notes = "机构督导"
			case g.chance(0.45):
				p.Licence = "intermediate"
			default:
				p.Licence = "assistant"
			}
			if p.PlaceCode != s.place {
				p.Notes = strings.TrimPrefix(p.Notes+"；驻"+shortName(placeNameOf(p.PlaceCode)), "；")
			}
			out = append(out, staffPlan{org: s.key, p: p})
		}
	}
	return out
}

func placeNameOf(code string) string {
	for _, p := range placeSpecs {
		if p.Code == code {
			return p.Name
		}
	}
	return code
}

func (g *gen) volunteers() []staffPlan {
	var out []staffPlan
	// Share of men in a team: a knitting circle is mostly women, a veterans' troupe mostly men.
	men := map[string]float64{"qiaoshou": 0.05, "sidian": 0.25, "laobing": 0.9}
	vol := func(place, org string, ageLo, ageHi int, note string) staffPlan {
		age := g.intn(ageLo, ageHi)
		share, ok := men[org]
		if !ok {
			share = 0.45
		}
		male := g.chance(share)
		hours := math.Round(g.r.ExpFloat64()*90*2) / 2
		if age >= 60 {
			hours = math.Round(hours*1.6*2) / 2 // the retired give the most time
		}
		if note == "队长" {
			hours += float64(g.intn(200, 600))
		}
		p := gongzhi.Person{Kind: "volunteer", Name: g.name("", refYear-age, male), Phone: g.mobile(), PlaceCode: place,
			VolunteerHours: min(hours, 2400), Notes: note}
		p.Gender = gender(male)
		return staffPlan{org: org, p: p}
	}
	for _, cs := range communitySpecs {
		n := g.intn(8, 12)
		if !strings.HasPrefix(cs.code, StreetCode[:9]) {
			n = 3
		}
		for i := range n {
			if cs.team != "" && (i == 0 || g.chance(0.55)) {
				note := ""
				if i == 0 {
					note = "队长"
				}
				lo, hi := 45, 75
				switch cs.team {
				case "xiyanghong", "huzhu":
					lo = 60
				case "sidian":
					lo, hi = 20, 65
				}
				out = append(out, vol(cs.code, cs.team, lo, hi, note))
			} else {
				out = append(out, vol(cs.code, "", 18, 72, ""))
			}
		}
	}
	for range 10 { // the street's young volunteers' association: students and young workers
		out = append(out, vol(StreetCode, "qingxie", 18, 32, pick(g, []string{"", "在校大学生", "在校大学生", "企业职工"})))
	}
	return out
}

// experts are the pool the street draws review and evaluation panels from. They are registered
// on the street (not the district) so that 葛塘's purchaser and hub, whose scope is the street,
// can see them when they draw a panel.
func (g *gen) experts() []staffPlan {
	var out []staffPlan
	for _, e := range expertSpecs {
		name, male := g.adultName(38, 62)
		p := gongzhi.Person{Kind: "expert", Name: name, Phone: g.mobile(), PlaceCode: StreetCode,
			ExpertFields: e.fields, Affiliation: e.affiliation + " " + e.title, Notes: e.notes}
		p.Gender = gender(male)
		out = append(out, staffPlan{org: e.org, p: p})
	}
	return out
}

// Password is the demo accounts' shared password; every account must change it at first sign-in.
const Password = "Gongzhi-Demo-2026"

func (g *gen) accounts(p *plan, placeName map[string]string) []accountPlan {
	full := func(code string) string { // 江苏省南京市六合区葛塘街道
		var parts []string
		for _, pl := range placeSpecs {
			if strings.HasPrefix(code, gongzhi.PlacePrefix(pl.Code, pl.Level)) {
				parts = append(parts, placeName[pl.Code])
			}
		}
		return strings.Join(parts, "") + "（" + code + "）"
	}
	org := func(key string) gongzhi.Organization {
		i := slices.IndexFunc(p.orgs, func(o orgPlan) bool { return o.key == key })
		return p.orgs[i].o
	}
	staff := func(kind, orgKey string) gongzhi.Person {
		i := slices.IndexFunc(p.staff, func(s staffPlan) bool { return s.p.Kind == kind && (orgKey == "" || s.org == orgKey) })
		return p.staff[i].p
	}
	zs := p.communities[slices.IndexFunc(p.communities, func(c *communityPlan) bool { return c.code == ZhongshanCode })]
	// the demo resident lives alone, past 60, with a mobile phone: the services the demo records
	// for it (meals, home visits, the neighbours' pairing) are the ones for old people living alone
	var resident gongzhi.Person
	for _, gp := range zs.grids {
		for _, h := range gp.households {
			if len(h.residents) > 0 && resident.Name == "" && h.residents[0].Phone != "" && h.h.Phone[0] == '1' &&
				slices.Contains(h.residents[0].TargetGroups, "elderly_alone") {
				resident = h.residents[0]
			}
		}
	}
	street := placeName[StreetCode]
	zsName := placeName[ZhongshanCode]
	sw := staff("social_worker", "tongxin")
	expert := staff("expert", "")
	a := func(username, role, display, place, orgKey, phone, scope string) accountPlan {
		return accountPlan{u: gongzhi.User{Username: username, Role: role, DisplayName: display, PlaceCode: place,
			Phone: phone, MustChangePassword: true}, org: orgKey, scope: scope}
	}
	return []accountPlan{
		a("gt-purchaser", gongzhi.RolePurchaser, street+"社会事业办", StreetCode, "", g.mobile(), full(StreetCode)),
		a("gt-hub", gongzhi.RoleHub, org("hub").Name, StreetCode, "", org("hub").ContactPhone, full(StreetCode)),
		a("gt-provider", gongzhi.RoleProvider, org("tongxin").Name, "", "tongxin", org("tongxin").ContactPhone, org("tongxin").Name),
		a("gt-provider2", gongzhi.RoleProvider, org("xiyanghong").Name, "", "xiyanghong", org("xiyanghong").ContactPhone, org("xiyanghong").Name),
		a("zs-community", gongzhi.RoleCommunity, zsName, ZhongshanCode, "", g.landline(), full(ZhongshanCode)),
		a("zs-grid", gongzhi.RoleGridWorker, zs.grids[0].g.Name+" "+zs.grids[0].g.Leader, ZhongshanCode, "", zs.grids[0].g.Phone, full(ZhongshanCode)),
		a("gt-socialworker", gongzhi.RoleSocialWorker, sw.Name+"（"+org("tongxin").Name+"）", StreetCode, "tongxin", sw.Phone, full(StreetCode)+" · "+org("tongxin").Name),
		a("gt-expert", gongzhi.RoleExpert, expert.Name+"（"+strings.Fields(expert.Affiliation)[0]+"）", DistrictCode, "", expert.Phone, full(DistrictCode)),
		a("zs-resident", gongzhi.RoleResident, resident.Name, ZhongshanCode, "", resident.Phone, full(ZhongshanCode)),
		a("gt-auditor", gongzhi.RoleAuditor, street+"监督委员会", StreetCode, "", g.mobile(), full(StreetCode)),
		a(DepartmentAccount, gongzhi.RoleDepartment, street+"城市管理办公室", StreetCode, "", "025-57111234", full(StreetCode)+" · "+street+"城市管理办公室"),
		a(ProvincePurchaser, gongzhi.RolePurchaser, placeName[ProvinceCode]+"民政厅社会组织管理局", ProvinceCode, "", "025-83371234", full(ProvinceCode)),
		a("admin-sys", gongzhi.RoleSysAdmin, "系统管理员", "", "", "", "账号与系统配置（不看业务数据）"),
		a("admin-sec", gongzhi.RoleSecAdmin, "安全管理员", "", "", "", "解锁、重置密码、会话与令牌（不看业务数据）"),
		a("admin-audit", gongzhi.RoleAuditAdmin, "审计管理员", "", "", "", "只读审计日志"),
	}
}

func gender(male bool) string {
	if male {
		return "male"
	}
	return "female"
}
