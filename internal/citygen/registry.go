// The registry of the generated city: grids, households and residents, written a street at a
// time in one transaction each, through the store's batch inserts.

package citygen

import (
	"context"
	"fmt"
	"strconv"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

// householdSizes are the weights of households of 1 to 5 members (mean avgMembers).
var householdSizes = []float64{0.24, 0.30, 0.21, 0.15, 0.10}

func (c *city) size() int {
	x := c.r.Float64()
	for i, w := range householdSizes {
		if x < w {
			return i + 1
		}
		x -= w
	}
	return len(householdSizes)
}

// member is a resident being generated.
type member struct {
	age    int
	male   bool
	groups []string
}

// members draws the ages and genders of a household of n and its notes: about one resident in
// five is 60 or older, most households of one are elderly people living alone.
func (c *city) members(n int) ([]member, string) {
	adult := func(lo, hi int) member { return member{age: lo + c.r.IntN(hi-lo+1), male: c.r.IntN(2) == 0} }
	spouse := func(m member) member {
		return member{age: min(max(m.age+c.r.IntN(7)-3, 20), 95), male: !m.male}
	}
	var ms []member
	note := ""
	switch {
	case n == 1 && c.r.Float64() < 0.45:
		m := adult(65, 92)
		m.groups = []string{"elderly", "elderly_alone"}
		ms, note = append(ms, m), "独居老人户"
	case n == 1:
		ms = append(ms, adult(20, 59))
	case n == 2 && c.r.Float64() < 0.5:
		h := adult(60, 88)
		ms, note = append(ms, h, spouse(h)), "老年夫妇户"
	case n == 2:
		h := adult(22, 59)
		ms = append(ms, h, spouse(h))
	default:
		h := adult(28, 52)
		ms = append(ms, h, spouse(h))
		rest := n - 2
		if n >= 4 && c.r.Float64() < 0.5 {
			ms = append(ms, member{age: min(h.age+24+c.r.IntN(10), 95), male: c.r.IntN(2) == 0})
			rest--
		}
		for range rest {
			ms = append(ms, member{age: c.r.IntN(min(18, h.age-20)), male: c.r.IntN(2) == 0})
		}
	}
	return ms, note
}

// tag adds the target groups that follow from age, and the drawn ones.
func (c *city) tag(m *member, village, hardship bool) {
	has := func(g string) bool {
		for _, x := range m.groups {
			if x == g {
				return true
			}
		}
		return false
	}
	addg := func(g string) {
		if !has(g) {
			m.groups = append(m.groups, g)
		}
	}
	switch {
	case m.age >= 60:
		addg("elderly")
	case m.age < 14:
		addg("children")
		if village && c.r.Float64() < 0.12 {
			addg("left_behind_children")
		}
	case m.age < 28:
		if c.r.Float64() < 0.3 {
			addg("youth")
		}
	}
	if c.r.Float64() < 0.055 {
		addg("disabled")
	}
	if hardship {
		addg("hardship")
	}
	if m.male && m.age >= 35 && c.r.Float64() < 0.04 {
		addg("veterans")
	}
	if !village && m.age >= 18 && m.age < 60 && c.r.Float64() < 0.08 {
		addg("migrants")
	}
}

// idNumber returns the next free ID number of the district's area for a birth date and gender:
// sequence numbers are handed out in order, so numbers never repeat.
func (c *city) idNumber(area string, y, m, d int, male bool) string {
	key := fmt.Sprintf("%s%04d%02d%02d", area, y, m, d)
	if male {
		key += "1"
	}
	n := c.idSeq[key]
	c.idSeq[key] = n + 1
	if n >= 500 {
		area = fmt.Sprintf("%s%02d", area[:4], 81+n/500) // a neighbouring area code takes the overflow
	}
	sex := 2 * ((n / 100) % 5)
	if male {
		sex++
	}
	first := fmt.Sprintf("%s%04d%02d%02d%02d%d", area, y, m, d, n%100, sex)
	return first + string(gongzhi.IDNumberCheck(first))
}

// address returns a household's address in a community: a flat in an estate, or a house of a
// village group.
func (c *city) addresser(cm *community) func(grid, k int) string {
	used := map[string]bool{}
	estates := make([]string, max(1, cm.grids))
	for i := range estates {
		estates[i] = c.twoWords(used) + estateSuffix[c.r.IntN(len(estateSuffix))]
	}
	road := cm.st.roads[c.r.IntN(len(cm.st.roads))]
	no := 1 + c.r.IntN(200)
	return func(grid, k int) string {
		if cm.village {
			return fmt.Sprintf("%s%s%d组%d号", cm.st.name, cm.short, grid+1, k+1)
		}
		// 6 floors, 2 flats a floor, 3 units a building: 36 flats a building
		b, rest := k/36+1, k%36
		return fmt.Sprintf("%s%d号%s%d幢%d单元%d%02d室", road, no+grid*2, estates[grid], b, rest/12+1, rest%12/2+1, rest%2+1)
	}
}

// writeRegistry writes the grids, households and residents of each street in one transaction.
func (c *city) writeRegistry(ctx context.Context) error {
	for _, d := range c.districts {
		for _, st := range d.streets {
			if err := c.writeStreet(ctx, st); err != nil {
				return fmt.Errorf("%s: %w", st.name, err)
			}
		}
	}
	// the residents' IDs, for the ledger's participants
	for _, cm := range c.communities {
		ids, err := c.a.DB.Q().ResidentIDs(ctx, cm.code)
		if err != nil {
			return err
		}
		cm.residents = ids
	}
	return nil
}

func (c *city) writeStreet(ctx context.Context, st *street) error {
	now := c.now
	var grids []*gongzhi.Grid
	var hs []*gongzhi.Household
	var ps []*gongzhi.Person
	var secs []store.PersonSecret
	var psHousehold []int // index in hs of each person's household
	perGrid := map[*community][]int{}
	for _, cm := range st.communities {
		perGrid[cm] = c.spread(cm.households, cm.grids, 1)
		addr := c.addresser(cm)
		for gi := range cm.grids {
			leader := c.names.Name("", 1970+c.r.IntN(28), c.r.IntN(2) == 0)
			g := &gongzhi.Grid{CommunityCode: cm.code, Code: fmt.Sprintf("%02d", gi+1),
				Name: fmt.Sprintf("%s第%d网格", cm.short, gi+1), Leader: leader, Phone: c.mobile(),
				Team: "专职网格员：" + leader, Notes: "网格范围：" + addr(gi, 0)}
			grids = append(grids, g)
			for k := range perGrid[cm][gi] {
				n := c.size()
				ms, note := c.members(n)
				hardship := c.r.Float64() < 0.03
				if hardship {
					note = joinNote(note, []string{"低保户", "低保边缘户", "特困供养户"}[c.r.IntN(3)])
				}
				surname := c.names.Surname()
				h := &gongzhi.Household{CommunityCode: cm.code, Code: fmt.Sprintf("%02d%04d", gi+1, k+1),
					Address: addr(gi, k), Phone: c.mobile(), Members: n, Notes: note}
				for i := range ms {
					m := &ms[i]
					c.tag(m, cm.village, hardship)
					sur := surname
					if i == 1 && n >= 2 { // the spouse keeps her or his own surname
						sur = ""
					}
					y, mo, da := c.names.Birth(m.age)
					id := c.idNumber(st.d.spec.area, y, mo, da, m.male)
					p := &gongzhi.Person{Kind: "resident", Name: c.names.Name(sur, y, m.male), Gender: gender(m.male),
						IDNumber: id, IDMasked: gongzhi.MaskIDNumber(id), BirthYear: y, PlaceCode: cm.code, TargetGroups: m.groups}
					if m.age >= 18 && c.r.Float64() < 0.8 {
						p.Phone = c.mobile()
					}
					if i == 0 {
						h.HeadName = p.Name
					}
					ps = append(ps, p)
					secs = append(secs, store.PersonSecret{Enc: c.a.Box.Seal(id, "people.id_number"), Hash: c.a.Box.Hash(id, "people.id_number")})
					psHousehold = append(psHousehold, len(hs))
				}
				hs = append(hs, h)
			}
		}
	}
	// Grids and households go through the bulk import (the office's own path, checked row by
	// row), residents through the store's batch insert with their household IDs.
	gridRows := make([]xlsx.Row, len(grids))
	for i, g := range grids {
		gridRows[i] = xlsx.Row{Line: i + 2, Values: map[string]string{"community": g.CommunityCode, "code": g.Code, "name": g.Name,
			"leader": g.Leader, "phone": g.Phone, "team": g.Team, "notes": g.Notes}}
	}
	if _, err := c.a.ImportRows(ctx, c.sys, "grids", gridRows); err != nil {
		return fmt.Errorf("grids: %w", err)
	}
	hhRows := make([]xlsx.Row, len(hs))
	for i, h := range hs {
		hhRows[i] = xlsx.Row{Line: i + 2, Values: map[string]string{"community": h.CommunityCode, "code": h.Code, "grid": h.Code[:2],
			"address": h.Address, "head_name": h.HeadName, "phone": h.Phone, "members": strconv.Itoa(h.Members), "notes": h.Notes}}
	}
	if _, err := c.a.ImportRows(ctx, c.sys, "households", hhRows); err != nil {
		return fmt.Errorf("households: %w", err)
	}
	c.prog.add(len(hs) / 2)
	ids := map[string]map[string]int64{}
	for _, cm := range st.communities {
		m, err := c.a.DB.Q().HouseholdCodes(ctx, cm.code)
		if err != nil {
			return err
		}
		ids[cm.code] = m
	}
	for i, p := range ps {
		h := hs[psHousehold[i]]
		if p.HouseholdID = ids[h.CommunityCode][h.Code]; p.HouseholdID == 0 {
			return fmt.Errorf("household %s %s not imported", h.CommunityCode, h.Code)
		}
	}
	return c.a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.BulkCache(ctx); err != nil {
			return err
		}
		const chunk = 5000
		for start := 0; start < len(ps); start += chunk {
			end := min(start+chunk, len(ps))
			if err := q.InsertPeopleBatch(ctx, ps[start:end], secs[start:end], now); err != nil {
				return err
			}
		}
		c.prog.add(len(hs) - len(hs)/2)
		c.res.Counts.Grids += len(grids)
		c.res.Counts.Households += len(hs)
		c.res.Counts.Residents += len(ps)
		return c.a.WriteAudit(ctx, q, c.sys, "import", "people", st.code, nil,
			map[string]int{"residents": len(ps)}, "citygen")
	})
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "；" + b
}

func gender(male bool) string {
	if male {
		return "male"
	}
	return "female"
}
