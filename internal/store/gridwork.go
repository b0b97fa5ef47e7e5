// Grid work (docs/grids.md): grid teams, responsibility lists, boundaries, household visits
// and their findings, and the visit figures.

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"gongzhi"
)

// ---- teams

const gridMemberCols = `m.id, m.grid_id, m.person_id, p.name, p.phone, m.post, COALESCE(m.backup_of, 0), COALESCE(bp.name, ''), m.created_at`

const gridMemberFrom = `grid_members m JOIN people p ON p.id = m.person_id
	LEFT JOIN grid_members b ON b.id = m.backup_of LEFT JOIN people bp ON bp.id = b.person_id`

func scanGridMember(s scanner) (*gongzhi.GridMember, error) {
	var m gongzhi.GridMember
	err := s.Scan(&m.ID, &m.GridID, &m.PersonID, &m.PersonName, &m.Phone, &m.Post, &m.BackupOf, &m.BackupName, &m.CreatedAt)
	return &m, mapErr(err)
}

// GridMembers lists a grid's team.
func (q *Q) GridMembers(ctx context.Context, gridID int64) ([]*gongzhi.GridMember, error) {
	rows, err := q.Query(ctx, `SELECT `+gridMemberCols+` FROM `+gridMemberFrom+` WHERE m.grid_id = ? ORDER BY m.id`, gridID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.GridMember
	for rows.Next() {
		m, err := scanGridMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// GetGridMember returns one member of a team.
func (q *Q) GetGridMember(ctx context.Context, id int64) (*gongzhi.GridMember, error) {
	return scanGridMember(q.QueryRow(ctx, `SELECT `+gridMemberCols+` FROM `+gridMemberFrom+` WHERE m.id = ?`, id))
}

// InsertGridMember adds a member; a person already on the team is a unique violation.
func (q *Q) InsertGridMember(ctx context.Context, m *gongzhi.GridMember, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO grid_members (grid_id, person_id, post, backup_of, created_at) VALUES (?, ?, ?, ?, ?)`,
		m.GridID, m.PersonID, m.Post, nullID(m.BackupOf), now.UTC())
	m.ID, m.CreatedAt = id, now.UTC()
	return err
}

// DeleteGridMember removes a member; those standing in for it stand in for no one. It reports
// whether the member was still there.
func (q *Q) DeleteGridMember(ctx context.Context, id int64) (bool, error) {
	if _, err := q.Exec(ctx, `UPDATE grid_members SET backup_of = NULL WHERE backup_of = ?`, id); err != nil {
		return false, mapErr(err)
	}
	res, err := q.Exec(ctx, `DELETE FROM grid_members WHERE id = ?`, id)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// GridsOfPerson lists the grids whose team a person is on.
func (q *Q) GridsOfPerson(ctx context.Context, personID int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT grid_id FROM grid_members WHERE person_id = ? ORDER BY grid_id`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, id)
	}
	return out, mapErr(rows.Err())
}

// ---- responsibility lists

// GridDuties lists a grid's responsibility list.
func (q *Q) GridDuties(ctx context.Context, gridID int64) ([]*gongzhi.GridDuty, error) {
	rows, err := q.Query(ctx, `SELECT id, grid_id, title, detail, post, created_at FROM grid_duties WHERE grid_id = ? ORDER BY id`, gridID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.GridDuty
	for rows.Next() {
		var d gongzhi.GridDuty
		if err := rows.Scan(&d.ID, &d.GridID, &d.Title, &d.Detail, &d.Post, &d.CreatedAt); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &d)
	}
	return out, mapErr(rows.Err())
}

// GetGridDuty returns one duty.
func (q *Q) GetGridDuty(ctx context.Context, id int64) (*gongzhi.GridDuty, error) {
	var d gongzhi.GridDuty
	err := q.QueryRow(ctx, `SELECT id, grid_id, title, detail, post, created_at FROM grid_duties WHERE id = ?`, id).
		Scan(&d.ID, &d.GridID, &d.Title, &d.Detail, &d.Post, &d.CreatedAt)
	return &d, mapErr(err)
}

// InsertGridDuty adds a duty to a grid's list.
func (q *Q) InsertGridDuty(ctx context.Context, d *gongzhi.GridDuty, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO grid_duties (grid_id, title, detail, post, created_at) VALUES (?, ?, ?, ?, ?)`,
		d.GridID, d.Title, d.Detail, d.Post, now.UTC())
	d.ID, d.CreatedAt = id, now.UTC()
	return err
}

// DeleteGridDuty removes a duty and reports whether it was still there.
func (q *Q) DeleteGridDuty(ctx context.Context, id int64) (bool, error) {
	res, err := q.Exec(ctx, `DELETE FROM grid_duties WHERE id = ?`, id)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// ---- boundaries

// SaveGridShape stores (or replaces) a grid's boundary.
func (q *Q) SaveGridShape(ctx context.Context, s *gongzhi.GridShape, now time.Time) error {
	rings, err := json.Marshal(s.Rings)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM grid_boundaries WHERE grid_id = ?`, s.GridID); err != nil {
		return mapErr(err)
	}
	_, err = q.Exec(ctx, `INSERT INTO grid_boundaries (grid_id, rings, min_lng, min_lat, max_lng, max_lat, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.GridID, string(rings), s.MinLng, s.MinLat, s.MaxLng, s.MaxLat, now.UTC())
	return mapErr(err)
}

// GridShapes lists the boundaries of the grids within scope and under the place prefix.
func (q *Q) GridShapes(ctx context.Context, s Scope, under string) ([]*gongzhi.GridShape, error) {
	return q.gridShapes(ctx, s, under, 0)
}

// GridShape returns the boundary of grid id within scope, nil if it has none.
func (q *Q) GridShape(ctx context.Context, s Scope, id int64) (*gongzhi.GridShape, error) {
	shapes, err := q.gridShapes(ctx, s, "", id)
	if len(shapes) == 0 {
		return nil, err
	}
	return shapes[0], err
}

func (q *Q) gridShapes(ctx context.Context, s Scope, under string, id int64) ([]*gongzhi.GridShape, error) {
	w := &where{}
	placeScope(w, "g.community_code", s)
	if under != "" {
		w.under("g.community_code", under)
	}
	if id != 0 {
		w.add("b.grid_id = ?", id)
	}
	rows, err := q.Query(ctx, `SELECT g.id, g.code, g.name, g.community_code, b.rings, b.min_lng, b.min_lat, b.max_lng, b.max_lat
		FROM grid_boundaries b JOIN grids g ON g.id = b.grid_id`+w.sql()+` ORDER BY g.community_code, g.code`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.GridShape
	for rows.Next() {
		var sh gongzhi.GridShape
		var rings string
		if err := rows.Scan(&sh.GridID, &sh.GridCode, &sh.GridName, &sh.CommunityCode, &rings, &sh.MinLng, &sh.MinLat, &sh.MaxLng, &sh.MaxLat); err != nil {
			return nil, mapErr(err)
		}
		if err := json.Unmarshal([]byte(rings), &sh.Rings); err != nil {
			return nil, err
		}
		out = append(out, &sh)
	}
	return out, mapErr(rows.Err())
}

// ---- visits

// InsertVisit records a visit with its findings.
func (q *Q) InsertVisit(ctx context.Context, v *gongzhi.Visit, userID int64, now time.Time) error {
	met := make([]string, len(v.PeopleMet))
	for i, id := range v.PeopleMet {
		met[i] = strconv.FormatInt(id, 10)
	}
	id, err := q.InsertID(ctx, `INSERT INTO visits (grid_id, household_id, community_code, visited_on, people_met, situation, photo, recorded_by,
		recorded_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.GridID, v.HouseholdID, v.CommunityCode, v.VisitedOn, joinList(met), v.Situation, v.Photo, nullID(userID), v.RecordedName, now.UTC())
	if err != nil {
		return err
	}
	v.ID, v.CreatedAt = id, now.UTC()
	for i := range v.Findings {
		f := &v.Findings[i]
		f.VisitID, f.CreatedAt = id, now.UTC()
		if f.ID, err = q.InsertID(ctx, `INSERT INTO visit_findings (visit_id, kind, description, created_at) VALUES (?, ?, ?, ?)`,
			id, f.Kind, f.Description, now.UTC()); err != nil {
			return err
		}
	}
	return nil
}

const visitCols = `v.id, v.grid_id, g.name, v.household_id, h.address, v.community_code, v.visited_on, v.people_met, v.situation, v.photo,
	v.recorded_name, v.created_at`

const visitFrom = `visits v JOIN grids g ON g.id = v.grid_id JOIN households h ON h.id = v.household_id`

func scanVisit(s scanner) (*gongzhi.Visit, error) {
	var v gongzhi.Visit
	var met string
	err := s.Scan(&v.ID, &v.GridID, &v.GridName, &v.HouseholdID, &v.Address, &v.CommunityCode, &v.VisitedOn, &met, &v.Situation, &v.Photo,
		&v.RecordedName, &v.CreatedAt)
	for _, s := range splitList(met) {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			v.PeopleMet = append(v.PeopleMet, id)
		}
	}
	v.Findings = []gongzhi.VisitFinding{}
	return &v, mapErr(err)
}

// GetVisit returns a visit within scope with its findings and the names of the people met.
func (q *Q) GetVisit(ctx context.Context, s Scope, id int64) (*gongzhi.Visit, error) {
	w := &where{}
	w.add("v.id = ?", id)
	placeScope(w, "v.community_code", s)
	v, err := scanVisit(q.QueryRow(ctx, `SELECT `+visitCols+` FROM `+visitFrom+w.sql(), w.args...))
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id, visit_id, kind, description, COALESCE(need_id, 0), COALESCE(event_id, 0), created_at
		FROM visit_findings WHERE visit_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f gongzhi.VisitFinding
		if err := rows.Scan(&f.ID, &f.VisitID, &f.Kind, &f.Description, &f.NeedID, &f.EventID, &f.CreatedAt); err != nil {
			return nil, mapErr(err)
		}
		v.Findings = append(v.Findings, f)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	for _, pid := range v.PeopleMet {
		var name string
		if err := q.QueryRow(ctx, `SELECT name FROM people WHERE id = ?`, pid).Scan(&name); err == nil {
			v.PeopleNames = append(v.PeopleNames, name)
		}
	}
	return v, nil
}

// VisitFilter narrows a list of visits: a grid, a household, the latest first, at most Limit.
type VisitFilter struct {
	GridID, HouseholdID int64
	Limit               int
}

// ListVisits lists visits within scope, the latest first (without findings).
func (q *Q) ListVisits(ctx context.Context, s Scope, f VisitFilter) ([]*gongzhi.Visit, error) {
	w := &where{}
	placeScope(w, "v.community_code", s)
	if f.GridID != 0 {
		w.add("v.grid_id = ?", f.GridID)
	}
	if f.HouseholdID != 0 {
		w.add("v.household_id = ?", f.HouseholdID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	cond, args := q.listQuery(w)
	rows, err := q.Query(ctx, `SELECT `+visitCols+` FROM `+visitFrom+cond+` ORDER BY v.visited_on DESC, v.id DESC LIMIT `+strconv.Itoa(f.Limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Visit
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// FindingPlace is a finding with where its visit was: the grid, the household and the community.
type FindingPlace struct {
	gongzhi.VisitFinding
	GridID        int64
	HouseholdID   int64
	CommunityCode string
	HeadName      string
	Phone         string
	Members       int
}

// GetFinding returns a finding within scope with its visit's place.
func (q *Q) GetFinding(ctx context.Context, s Scope, id int64) (*FindingPlace, error) {
	w := &where{}
	w.add("f.id = ?", id)
	placeScope(w, "v.community_code", s)
	var f FindingPlace
	err := q.QueryRow(ctx, `SELECT f.id, f.visit_id, f.kind, f.description, COALESCE(f.need_id, 0), COALESCE(f.event_id, 0), f.created_at,
		v.grid_id, v.household_id, v.community_code, h.head_name, h.phone, h.members
		FROM visit_findings f JOIN visits v ON v.id = f.visit_id JOIN households h ON h.id = v.household_id`+w.sql(), w.args...).
		Scan(&f.ID, &f.VisitID, &f.Kind, &f.Description, &f.NeedID, &f.EventID, &f.CreatedAt, &f.GridID, &f.HouseholdID, &f.CommunityCode,
			&f.HeadName, &f.Phone, &f.Members)
	return &f, mapErr(err)
}

// SetFindingNeed links a finding to the need it became, once: it reports false when the finding
// already has one.
func (q *Q) SetFindingNeed(ctx context.Context, findingID, needID int64) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE visit_findings SET need_id = ? WHERE id = ? AND need_id IS NULL`, needID, findingID)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// SetFindingEvent links a finding to the event it became, once: it reports false when the
// finding already has one.
func (q *Q) SetFindingEvent(ctx context.Context, findingID, eventID int64) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE visit_findings SET event_id = ? WHERE id = ? AND event_id IS NULL`, eventID, findingID)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// householdVulnerable is the condition that household h is vulnerable: a member in one of
// gongzhi.VulnerableGroups, kept on the household by the database (migration 0039,
// vulnerable.go) rather than asked of its people on every read.
const householdVulnerable = "h.vulnerable <> 0"

// HouseholdFilter chooses the households whose visit state is read: those of some grids, or
// every household with a grid within scope.
type HouseholdFilter struct {
	GridIDs []int64
}

// where is the condition on households h of grids within scope that the filter chooses; none
// when it chooses no grid.
func (f HouseholdFilter) where(s Scope) (w *where, none bool) {
	w = &where{}
	placeScope(w, "h.community_code", s)
	w.add("h.grid_id IS NOT NULL")
	if f.GridIDs != nil {
		if len(f.GridIDs) == 0 {
			return w, true
		}
		ph := make([]string, len(f.GridIDs))
		gargs := make([]any, len(f.GridIDs))
		for i, id := range f.GridIDs {
			ph[i], gargs[i] = "?", id
		}
		w.add("h.grid_id IN ("+strings.Join(ph, ", ")+")", gargs...)
	}
	return w, false
}

// HouseholdVisitStates reads the households of grids within scope with their last visit, whether
// they are vulnerable and how many visits they had in [from, until); the caller decides what is
// overdue.
func (q *Q) HouseholdVisitStates(ctx context.Context, s Scope, f HouseholdFilter, from, until string) ([]*gongzhi.HouseholdVisitState, error) {
	args := []any{from, until}
	w, none := f.where(s)
	if none {
		return nil, nil
	}
	args = append(args, w.args...)
	rows, err := q.Query(ctx, `SELECT h.id, h.grid_id, g.name, h.address, h.head_name, h.members,
		CASE WHEN `+householdVulnerable+` THEN 1 ELSE 0 END,
		(SELECT MAX(v.visited_on) FROM visits v WHERE v.household_id = h.id),
		(SELECT COUNT(*) FROM visits v WHERE v.household_id = h.id AND v.visited_on >= ? AND v.visited_on < ?)
		FROM households h JOIN grids g ON g.id = h.grid_id`+w.sql()+` ORDER BY g.community_code, g.code, h.address, h.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.HouseholdVisitState
	for rows.Next() {
		var h gongzhi.HouseholdVisitState
		var vulnerable int
		var last sql.NullString
		if err := rows.Scan(&h.HouseholdID, &h.GridID, &h.GridName, &h.Address, &h.HeadName, &h.Members, &vulnerable, &last, &h.Visits); err != nil {
			return nil, mapErr(err)
		}
		h.Vulnerable, h.LastVisit = vulnerable == 1, last.String
		out = append(out, &h)
	}
	return out, mapErr(rows.Err())
}

// CountOverdueHouseholds counts the households HouseholdVisitStates would read that are overdue
// for a visit: with no visit on or after regularFrom, or vulnerable with none on or after
// vulnerableFrom (today less each interval, YYYY-MM-DD; vulnerableFrom is the later). It answers
// the home page's to-do without reading every household's state: the scope's visits since each
// date are read once, as sets (uncorrelated NOT IN), and whether a household is vulnerable is
// its own kept flag.
func (q *Q) CountOverdueHouseholds(ctx context.Context, s Scope, f HouseholdFilter, regularFrom, vulnerableFrom string) (int, error) {
	w, none := f.where(s)
	if none {
		return 0, nil
	}
	visited := func(from string) (string, []any) {
		vw := &where{}
		if s.Prefix != "" { // a community's visits since from: one range of visits_community
			c, a := placeRange("v.community_code", s.Prefix)
			vw.add(c, a...)
		}
		vw.add("v.visited_on >= ? AND v.household_id IS NOT NULL", from)
		return "SELECT v.household_id FROM visits v" + vw.sql(), vw.args
	}
	recent, args := visited(vulnerableFrom)
	w.add("h.id NOT IN ("+recent+")", args...)
	regular, args := visited(regularFrom)
	w.add("(h.id NOT IN ("+regular+") OR "+householdVulnerable+")", args...)
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM households h`+w.sql(), w.args...).Scan(&n)
	return n, mapErr(err)
}

// GridVisitCount is one grid's visit counts for a period (VisitCounts).
type GridVisitCount struct {
	GridID            int64
	GridCode          string
	GridName          string
	CommunityCode     string
	CommunityName     string
	Households        int
	Visited           int
	Vulnerable        int
	VulnerableVisited int
	Visits            int
}

// VisitCounts counts, per grid within scope and under the place prefix, its households, those
// visited in [from, until), its vulnerable households and those of them visited since
// monthFrom, in one grouped query. Grids without households are listed with zeros.
func (q *Q) VisitCounts(ctx context.Context, s Scope, under, from, until, monthFrom string) ([]*GridVisitCount, error) {
	gw := &where{}
	placeScope(gw, "g.community_code", s)
	if under != "" {
		gw.under("g.community_code", under)
	}
	byID := map[int64]*GridVisitCount{}
	var out []*GridVisitCount
	rows, err := q.Query(ctx, `SELECT g.id, g.code, g.name, g.community_code, COALESCE(c.name, '') FROM grids g LEFT JOIN places c ON c.code = g.community_code`+
		gw.sql()+` ORDER BY g.community_code, g.code, g.id`, gw.args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c GridVisitCount
		if err := rows.Scan(&c.GridID, &c.GridCode, &c.GridName, &c.CommunityCode, &c.CommunityName); err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		out = append(out, &c)
		byID[c.GridID] = &c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	prefix := s.Prefix
	if len(under) > len(prefix) {
		prefix = under
	}
	// four grouped counts, each over what it needs: households, visits of the period (with
	// their households' grid now), vulnerable households, and those visited since monthFrom
	hw, vw := &where{}, &where{}
	if prefix != "" {
		hw.under("h.community_code", prefix)
		vw.under("v.community_code", prefix)
	}
	hw.add("h.grid_id IS NOT NULL")
	vw.add("h.grid_id IS NOT NULL")
	visits := func(from string) *where {
		w := &where{parts: append([]string{"v.visited_on >= ?", "v.visited_on < ?"}, vw.parts...), args: append([]any{from, until}, vw.args...)}
		return w
	}
	month := visits(monthFrom)
	month.add(householdVulnerable)
	vulw := &where{parts: append([]string{householdVulnerable}, hw.parts...), args: append([]any{}, hw.args...)}
	type count struct {
		query string
		args  []any
		set   func(c *GridVisitCount, a, b int)
	}
	for _, k := range []count{
		{`SELECT h.grid_id, COUNT(*), 0 FROM households h` + hw.sql() + ` GROUP BY h.grid_id`, hw.args,
			func(c *GridVisitCount, a, _ int) { c.Households = a }},
		{`SELECT h.grid_id, COUNT(DISTINCT v.household_id), COUNT(*) FROM visits v JOIN households h ON h.id = v.household_id` +
			visits(from).sql() + ` GROUP BY h.grid_id`, visits(from).args,
			func(c *GridVisitCount, a, b int) { c.Visited, c.Visits = a, b }},
		{`SELECT h.grid_id, COUNT(*), 0 FROM households h` + vulw.sql() + ` GROUP BY h.grid_id`, vulw.args,
			func(c *GridVisitCount, a, _ int) { c.Vulnerable = a }},
		{`SELECT h.grid_id, COUNT(DISTINCT v.household_id), 0 FROM visits v JOIN households h ON h.id = v.household_id` +
			month.sql() + ` GROUP BY h.grid_id`, month.args,
			func(c *GridVisitCount, a, _ int) { c.VulnerableVisited = a }},
	} {
		if err := func() error {
			rows, err := q.Query(ctx, k.query, k.args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var a, b int
				if err := rows.Scan(&id, &a, &b); err != nil {
					return mapErr(err)
				}
				if g := byID[id]; g != nil {
					k.set(g, a, b)
				}
			}
			return mapErr(rows.Err())
		}(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
