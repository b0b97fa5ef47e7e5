// Storage of grid events (docs/events.md): departments and their accounts, categories, events
// moved through the seven steps by conditional UPDATEs on the old state, their timed history,
// photos, the reporter's evaluation (once) and the escalation of overdue steps.

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gongzhi"
)

// ---- departments

const departmentCols = `d.id, d.place_code, COALESCE((SELECT p.name FROM places p WHERE p.code = d.place_code), ''), d.name, d.phone, d.updated_at`

func scanDepartment(s scanner) (*gongzhi.Department, error) {
	d := &gongzhi.Department{}
	err := s.Scan(&d.ID, &d.PlaceCode, &d.PlaceName, &d.Name, &d.Phone, &d.UpdatedAt)
	return d, mapErr(err)
}

// Departments lists the departments whose place lies under prefix or is one of the places at
// (a reader's place and those above it), by place and name; with neither, all of them. Their
// categories come in one more statement, not one per department.
func (q *Q) Departments(ctx context.Context, prefix string, at ...string) ([]*gongzhi.Department, error) {
	var cond []string
	var args []any
	if prefix != "" {
		c, a := scopeRange("d.place_code", prefix)
		cond, args = append(cond, c), append(args, a...)
	}
	if len(at) > 0 {
		cond = append(cond, "d.place_code IN "+inList(len(at)))
		for _, c := range at {
			args = append(args, c)
		}
	}
	where := ""
	if len(cond) > 0 {
		where = " WHERE (" + strings.Join(cond, ") OR (") + ")"
	}
	rows, err := q.Query(ctx, "SELECT "+departmentCols+" FROM departments d"+where+" ORDER BY d.place_code, d.name", args...)
	if err != nil {
		return nil, err
	}
	var out []*gongzhi.Department
	byID := map[int64]*gongzhi.Department{}
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		d.Categories = []int64{}
		out = append(out, d)
		byID[d.ID] = d
	}
	err = rows.Err()
	rows.Close()
	if err != nil || len(out) == 0 {
		return out, mapErr(err)
	}
	rows, err = q.Query(ctx, `SELECT dc.department_id, dc.category_id FROM department_categories dc
		WHERE dc.department_id IN (SELECT d.id FROM departments d`+where+`) ORDER BY dc.department_id, dc.category_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var dept, cat int64
		if err := rows.Scan(&dept, &cat); err != nil {
			return nil, mapErr(err)
		}
		if d := byID[dept]; d != nil { // a department added since the first statement: not listed
			d.Categories = append(d.Categories, cat)
		}
	}
	return out, mapErr(rows.Err())
}

// GetDepartment returns a department.
func (q *Q) GetDepartment(ctx context.Context, id int64) (*gongzhi.Department, error) {
	d, err := scanDepartment(q.QueryRow(ctx, "SELECT "+departmentCols+" FROM departments d WHERE d.id = ?", id))
	if err != nil {
		return nil, err
	}
	d.Categories, err = q.DepartmentCategories(ctx, id)
	return d, err
}

// DepartmentCategories lists the categories a department handles besides those it is
// responsible for.
func (q *Q) DepartmentCategories(ctx context.Context, id int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT category_id FROM department_categories WHERE department_id = ? ORDER BY category_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// SaveDepartment inserts (ID 0) or updates a department with the categories it handles.
func (q *Q) SaveDepartment(ctx context.Context, d *gongzhi.Department, now time.Time) error {
	if d.ID == 0 {
		id, err := q.InsertID(ctx, `INSERT INTO departments (place_code, name, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			d.PlaceCode, d.Name, d.Phone, now.UTC(), now.UTC())
		if err != nil {
			return err
		}
		d.ID = id
	} else if _, err := q.Exec(ctx, `UPDATE departments SET name = ?, phone = ?, updated_at = ? WHERE id = ?`, d.Name, d.Phone, now.UTC(), d.ID); err != nil {
		return err
	}
	d.UpdatedAt = now
	if _, err := q.Exec(ctx, `DELETE FROM department_categories WHERE department_id = ?`, d.ID); err != nil {
		return err
	}
	for _, c := range d.Categories {
		if _, err := q.Exec(ctx, `INSERT INTO department_categories (department_id, category_id) VALUES (?, ?)`, d.ID, c); err != nil {
			return err
		}
	}
	return nil
}

// DepartmentOfUser returns the department an account works for, 0 for none.
func (q *Q) DepartmentOfUser(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT department_id FROM department_accounts WHERE user_id = ?`, userID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, mapErr(err)
}

// SetDepartmentAccount links an account to a department (replacing its link).
func (q *Q) SetDepartmentAccount(ctx context.Context, userID, deptID int64) error {
	if _, err := q.Exec(ctx, `DELETE FROM department_accounts WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO department_accounts (user_id, department_id) VALUES (?, ?)`, userID, deptID)
	return err
}

// DepartmentHandles reports whether a department handles a category: responsible for it, or
// listed as handling it.
func (q *Q) DepartmentHandles(ctx context.Context, deptID, catID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM event_categories WHERE id = ? AND department_id = ?) +
		(SELECT COUNT(*) FROM department_categories WHERE department_id = ? AND category_id = ?)`, catID, deptID, deptID, catID).Scan(&n)
	return n > 0, mapErr(err)
}

// ---- categories

const eventCategoryCols = `c.id, c.code, c.name, c.name_en, COALESCE(c.department_id, 0),
	COALESCE((SELECT d.name FROM departments d WHERE d.id = c.department_id), ''), c.deadline_hours, c.urgency, c.active, c.position, c.updated_at`

func scanEventCategory(s scanner) (*gongzhi.EventCategory, error) {
	c := &gongzhi.EventCategory{}
	err := s.Scan(&c.ID, &c.Code, &c.Name, &c.NameEn, &c.DepartmentID, &c.DepartmentName, &c.DeadlineHours, &c.Urgency, &c.Active, &c.Position, &c.UpdatedAt)
	return c, mapErr(err)
}

// EventCategories lists the categories in order (active ones only, if activeOnly).
func (q *Q) EventCategories(ctx context.Context, activeOnly bool) ([]*gongzhi.EventCategory, error) {
	cond := ""
	if activeOnly {
		cond = " WHERE c.active = TRUE"
	}
	rows, err := q.Query(ctx, "SELECT "+eventCategoryCols+" FROM event_categories c"+cond+" ORDER BY c.position, c.id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.EventCategory
	for rows.Next() {
		c, err := scanEventCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// GetEventCategory returns a category by id, or by code when id is 0.
func (q *Q) GetEventCategory(ctx context.Context, id int64, code string) (*gongzhi.EventCategory, error) {
	if id != 0 {
		return scanEventCategory(q.QueryRow(ctx, "SELECT "+eventCategoryCols+" FROM event_categories c WHERE c.id = ?", id))
	}
	return scanEventCategory(q.QueryRow(ctx, "SELECT "+eventCategoryCols+" FROM event_categories c WHERE c.code = ?", code))
}

// SaveEventCategory inserts (ID 0) or updates a category.
func (q *Q) SaveEventCategory(ctx context.Context, c *gongzhi.EventCategory, now time.Time) error {
	if c.ID == 0 {
		id, err := q.InsertID(ctx, `INSERT INTO event_categories (code, name, name_en, department_id, deadline_hours, urgency, active, position, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.Code, c.Name, c.NameEn, nullID(c.DepartmentID), c.DeadlineHours, c.Urgency, c.Active, c.Position, now.UTC())
		c.ID = id
		return err
	}
	_, err := q.Exec(ctx, `UPDATE event_categories SET name = ?, name_en = ?, department_id = ?, deadline_hours = ?, urgency = ?, active = ?,
		position = ?, updated_at = ? WHERE id = ?`, c.Name, c.NameEn, nullID(c.DepartmentID), c.DeadlineHours, c.Urgency, c.Active, c.Position, now.UTC(), c.ID)
	return err
}

// ---- events

// EventScope limits events to what a caller may see: a place and below, a department's (those
// dispatched to it), a resident's (UserID: those they reported, and those born of a household
// visit to the household their own record lives in, docs/events.md "Residents").
type EventScope struct {
	Prefix string
	DeptID int64
	UserID int64
	None   bool
}

// EventRow is an event with its sealed reporter contact.
type EventRow struct {
	*gongzhi.Event
	NameEnc, PhoneEnc string
}

// eventColumns are an event's columns with deptName for its department's name.
func eventColumns(deptName string) string {
	return `e.id, e.code, e.source, e.source_ref, e.category_id, c.code, c.name, c.urgency, e.community_code,
	COALESCE((SELECT p.name FROM places p WHERE p.code = e.community_code), ''), COALESCE(e.grid_id, 0),
	COALESCE((SELECT g.name FROM grids g WHERE g.id = e.grid_id), ''), COALESCE(e.household_id, 0), e.address, e.lat, e.lon,
	e.title, e.description, e.media_url, e.state, COALESCE(e.department_id, 0),
	` + deptName + `, e.in_grid, e.step_started_at, e.step_due_at,
	e.due_at, e.escalation, e.escalated_at, e.returns, e.reopens, COALESCE(e.reporter_user_id, 0), e.reporter_name_enc,
	e.reporter_phone_enc, COALESCE(e.created_by, 0), e.registered_at, e.dispatched_at, e.handled_at, e.verified_at, e.closed_at,
	e.rating, e.rating_comment, e.rated_at, e.created_at, e.updated_at`
}

// eventCols are one event's columns, its department's name looked up.
var eventCols = eventColumns(`COALESCE((SELECT d.name FROM departments d WHERE d.id = e.department_id), '')`)

// eventListCols are a list's: the departments' names are read once for the page (ListEvents).
// The departments are few rows in a page or two, so PostgreSQL reads the whole table for a
// lookup rather than its key's index, once a row: 150 rows read for each of a page's 200 events.
var eventListCols = eventColumns(`''`)

// eventFrom joins each event's category (category_id is NOT NULL, so the LEFT JOIN keeps the same
// rows): a count leaves a LEFT JOIN of one row out and counts on an index alone (docs/lists.md).
const eventFrom = `events e LEFT JOIN event_categories c ON c.id = e.category_id`

func scanEvent(s scanner) (*EventRow, error) {
	e := &gongzhi.Event{}
	r := &EventRow{Event: e}
	var lat, lon sql.NullFloat64
	var due, esc, reg, disp, hand, ver, clo, rated sql.NullTime
	err := s.Scan(&e.ID, &e.Code, &e.Source, &e.SourceRef, &e.CategoryID, &e.CategoryCode, &e.CategoryName, &e.Urgency, &e.CommunityCode,
		&e.CommunityName, &e.GridID, &e.GridName, &e.HouseholdID, &e.Address, &lat, &lon, &e.Title, &e.Description, &e.MediaURL, &e.State,
		&e.DepartmentID, &e.DepartmentName, &e.InGrid, &e.StepStartedAt, &e.StepDueAt, &due, &e.Escalation, &esc, &e.Returns, &e.Reopens,
		&e.ReporterUserID, &r.NameEnc, &r.PhoneEnc, &e.CreatedBy, &reg, &disp, &hand, &ver, &clo, &e.Rating, &e.RatingComment, &rated,
		&e.CreatedAt, &e.UpdatedAt)
	if lat.Valid && lon.Valid {
		la, lo := lat.Float64, lon.Float64
		e.Lat, e.Lon = &la, &lo
	}
	e.DueAt, e.EscalatedAt, e.RegisteredAt, e.DispatchedAt, e.HandledAt = due.Time, esc.Time, reg.Time, disp.Time, hand.Time
	e.VerifiedAt, e.ClosedAt, e.RatedAt = ver.Time, clo.Time, rated.Time
	return r, mapErr(err)
}

func eventScope(w *where, s EventScope) { eventScopeOn(w, s, "e.community_code") }

// eventScopeOn limits events to the scope, naming the community column col.
func eventScopeOn(w *where, s EventScope, col string) {
	switch {
	case s.None:
		w.add("1 = 0")
	case s.UserID != 0:
		// each part through its own index (events_reporter, events_household): an OR of the two
		// read every event of the filter's state instead
		w.add(`e.id IN (SELECT id FROM events WHERE reporter_user_id = ? UNION ALL SELECT id FROM events
			WHERE source = 'visit' AND household_id IN (`+userHousehold+`))`, s.UserID, s.UserID)
	case s.DeptID != 0:
		w.add("e.department_id = ?", s.DeptID)
	case len(s.Prefix) == 12: // a community's code: one community, which its index counts exactly
		w.add(col+" = ?", s.Prefix)
	case s.Prefix != "":
		w.under(col, s.Prefix)
	}
}

// userHousehold is the household of a user's own record in the registry (none if unlinked).
const userHousehold = `SELECT p.household_id FROM people p JOIN users u ON u.person_id = p.id WHERE u.id = ? AND p.household_id IS NOT NULL`

// InVisitedHousehold reports whether a user's own record lives in a household.
func (q *Q) InVisitedHousehold(ctx context.Context, userID, householdID int64) (bool, error) {
	if userID == 0 || householdID == 0 {
		return false, nil
	}
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (`+userHousehold+`) x WHERE x.household_id = ?`, userID, householdID).Scan(&n)
	return n > 0, err
}

// GridEventCounts counts a grid's events within scope that are still moving (not closed or
// rejected) and, of those, the ones past their step's deadline at now: the two figures of a
// grid's page in one statement, as ListEvents's filters state=open and overdue=1 count them.
func (q *Q) GridEventCounts(ctx context.Context, s EventScope, gridID int64, now time.Time) (open, overdue int, err error) {
	w := &where{}
	q.wideEventScope(w, s)
	w.add("e.grid_id = ?", gridID)
	w.add("e.state NOT IN ('closed', 'rejected')")
	args := append([]any{now.UTC()}, w.args...)
	if !w.narrow() { // a grid within a street's range or wider: planned for its values (listQuery)
		args = q.valued(args)
	}
	err = q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN e.step_due_at < ? THEN 1 ELSE 0 END), 0) FROM events e`+w.sql(),
		args...).Scan(&open, &overdue)
	return open, overdue, mapErr(err)
}

// OpenEventsByGrid counts the events still moving (not closed or rejected) of each grid under
// a place code prefix, within scope, for the grid map.
func (q *Q) OpenEventsByGrid(ctx context.Context, s EventScope, prefix string) (map[int64]int, error) {
	w := &where{}
	eventScope(w, s)
	w.add("e.grid_id IS NOT NULL AND e.state NOT IN ('closed', 'rejected')")
	if prefix != "" {
		w.under("e.community_code", prefix)
	}
	rows, err := q.Query(ctx, `SELECT e.grid_id, COUNT(*) FROM events e`+w.sql()+` GROUP BY e.grid_id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// wideEventScope limits events to a scope for a list or a month's statistics. A district's or a
// city's place range holds a large share of the events, which SQLite's planner, without
// histograms, may still read through events_community and sort: there the range is written
// +e.community_code (no index serves it), so that a list walks the events newest first (or
// through the index of its filter: a state, a category, the open events) and the statistics read
// the month through events_created. PostgreSQL's planner weighs the range itself. A street's or a
// community's range stays indexed.
func (q *Q) wideEventScope(w *where, s EventScope) {
	if q.d != Postgres && s.Prefix != "" && len(s.Prefix) <= 6 {
		eventScopeOn(w, s, "+e.community_code")
		return
	}
	eventScope(w, s)
}

// GetEvent returns an event within scope.
func (q *Q) GetEvent(ctx context.Context, s EventScope, id int64) (*EventRow, error) {
	w := &where{}
	w.add("e.id = ?", id)
	eventScope(w, s)
	return scanEvent(q.QueryRow(ctx, "SELECT "+eventCols+" FROM "+eventFrom+w.sql(), w.args...))
}

// LockEvent returns an event within scope for an update in the caller's transaction.
func (q *Q) LockEvent(ctx context.Context, s EventScope, id int64) (*EventRow, error) {
	if q.d == Postgres {
		if _, err := q.Exec(ctx, `SELECT id FROM events WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
	}
	return q.GetEvent(ctx, s, id)
}

// EventByCode returns the event with a tracking code.
func (q *Q) EventByCode(ctx context.Context, code string) (*EventRow, error) {
	return scanEvent(q.QueryRow(ctx, "SELECT "+eventCols+" FROM "+eventFrom+" WHERE e.code = ?", code))
}

// eventCountCap is where a place's list filtered by category or source stops counting ("more
// than eventCountCap"): no index holds both, so each row counted is a row read.
const eventCountCap = 1000

var eventSorts = map[string]string{"created_at": "e.created_at", "step_due_at": "e.step_due_at", "state": "e.state", "title": "e.title"}

// ListEvents lists events, newest first. Filters: state ("open" for every state still moving),
// category (id), community, grid, department, source, rated (0: not evaluated yet), escalated (1: level ≥ 1), overdue (1: the
// current step past its deadline at now), since/until (created, YYYY-MM-DD China time), ids
// (comma-separated).
func (q *Q) ListEvents(ctx context.Context, s EventScope, opts ListOptions, now time.Time, each func(*EventRow) error) (int, error) {
	w := &where{}
	q.wideEventScope(w, s)
	w.search(opts.Q, "e.title", "e.address")
	switch v := opts.Filters["state"]; v {
	case "":
	case "open":
		w.add("e.state NOT IN ('closed', 'rejected')")
	case "done":
		w.add("e.state IN ('closed', 'rejected')")
	default:
		w.add("e.state = ?", v)
	}
	for k, col := range map[string]string{"category": "e.category_id", "grid": "e.grid_id", "department": "e.department_id"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", atoiOr(v, -1))
		}
	}
	if v := opts.Filters["category_code"]; v != "" { // one code, or several separated by commas
		codes := strings.Split(v, ",")
		args := make([]any, len(codes))
		for i, c := range codes {
			args[i] = strings.TrimSpace(c)
		}
		w.add("c.code IN ("+strings.Repeat("?, ", len(codes)-1)+"?)", args...)
	}
	if s.Prefix != "" && (opts.Filters["category"] != "" || opts.Filters["category_code"] != "" || opts.Filters["source"] != "") {
		// events_category walks the category in order; its count reads each row for its place
		w.countCap = eventCountCap
	}
	if v := opts.Filters["community"]; v != "" {
		w.add("e.community_code = ?", v)
	}
	if v := opts.Filters["source"]; v != "" {
		w.add("e.source = ?", v)
	}
	if opts.Filters["rated"] == "0" {
		w.add("e.rating = 0")
	}
	if opts.Filters["escalated"] == "1" {
		w.add("e.escalation >= 1 AND e.state NOT IN ('closed', 'rejected')")
	}
	if opts.Filters["overdue"] == "1" {
		w.add("e.state NOT IN ('closed', 'rejected') AND e.step_due_at < ?", now.UTC())
	}
	// the creation dates through events_created, except for the open events: their partial
	// indexes hold a few thousand of a year's hundred thousand, fewer rows than three months'
	// dates (Open311's default window), which SQLite's planner, counting them, did not know
	created := "e.created_at"
	if q.d != Postgres && opts.Filters["state"] == "open" {
		created = "+e.created_at"
	}
	if v := opts.Filters["since"]; v != "" {
		if t, err := time.ParseInLocation(time.DateOnly, v, gongzhi.ChinaTime); err == nil {
			w.add(created+" >= ?", t.UTC())
		}
	}
	if v := opts.Filters["until"]; v != "" {
		if t, err := time.ParseInLocation(time.DateOnly, v, gongzhi.ChinaTime); err == nil {
			w.add(created+" < ?", t.AddDate(0, 0, 1).UTC())
		}
	}
	if v := opts.Filters["updated_since"]; v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			w.add("e.updated_at >= ?", t.UTC())
		}
	}
	if v := opts.Filters["updated_until"]; v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			w.add("e.updated_at <= ?", t.UTC())
		}
	}
	if v := opts.Filters["created_since"]; v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			w.add(created+" >= ?", t.UTC())
		}
	}
	if v := opts.Filters["created_until"]; v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			w.add(created+" <= ?", t.UTC())
		}
	}
	return listWith(ctx, q, eventListCols, eventFrom, w, orderBy(opts, eventSorts, "e.id DESC", "e.id"), opts, scanEvent,
		func(rs []*EventRow) error { return q.departmentNames(ctx, rs) }, each)
}

// departmentNames fills in the names of the rows' departments, read once for them all.
func (q *Q) departmentNames(ctx context.Context, rows []*EventRow) error {
	names := map[int64]string{}
	for _, r := range rows {
		if r.DepartmentID != 0 {
			names[r.DepartmentID] = ""
		}
	}
	if err := q.namesOf(ctx, "departments", names); err != nil {
		return err
	}
	for _, r := range rows {
		r.DepartmentName = names[r.DepartmentID]
	}
	return nil
}

// InsertEvent adds an event in its first state.
func (q *Q) InsertEvent(ctx context.Context, e *gongzhi.Event, nameEnc, phoneEnc string, esc [3]time.Time, now time.Time) error {
	var lat, lon any
	if e.Lat != nil && e.Lon != nil {
		lat, lon = *e.Lat, *e.Lon
	}
	id, err := q.InsertID(ctx, `INSERT INTO events (code, source, source_ref, category_id, community_code, grid_id, household_id, address,
		lat, lon, title, description, media_url, state, step_started_at, step_due_at, esc1_at, esc2_at, esc3_at, reporter_user_id,
		reporter_name_enc, reporter_phone_enc, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Code, e.Source, e.SourceRef, e.CategoryID, e.CommunityCode, nullID(e.GridID), nullID(e.HouseholdID), e.Address, lat, lon,
		e.Title, e.Description, e.MediaURL, e.State, now.UTC(), e.StepDueAt.UTC(), esc[0].UTC(), esc[1].UTC(), esc[2].UTC(),
		nullID(e.ReporterUserID), nameEnc, phoneEnc, nullID(e.CreatedBy), now.UTC(), now.UTC())
	e.ID, e.CreatedAt, e.UpdatedAt, e.StepStartedAt = id, now, now, now
	return err
}

// EventMove is one step of an event: from one state to another, with the new step's deadline
// and escalation times, and what the step sets.
type EventMove struct {
	ID       int64
	From, To string
	StepDue  time.Time
	Esc      [3]time.Time
	Stamp    string // the step's time column: registered_at, dispatched_at, handled_at, verified_at, closed_at ("" none)
	Dispatch bool   // set department_id (DeptID, 0 for none), in_grid and due_at (DueAt)
	DeptID   int64
	InGrid   bool
	DueAt    time.Time
	Return   bool // count a return by a department
	Reopen   bool // count a reopening (verification failed)
}

var eventStamps = map[string]bool{"registered_at": true, "dispatched_at": true, "handled_at": true, "verified_at": true, "closed_at": true}

// MoveEvent moves an event from m.From to m.To by a conditional UPDATE on the old state, the
// escalation level back to 0 for a step still moving. It reports false when the event is no longer in m.From (a concurrent move won).
func (q *Q) MoveEvent(ctx context.Context, m EventMove, now time.Time) (bool, error) {
	set := "state = ?, step_started_at = ?, step_due_at = ?, esc1_at = ?, esc2_at = ?, esc3_at = ?, updated_at = ?"
	args := []any{m.To, now.UTC(), m.StepDue.UTC(), m.Esc[0].UTC(), m.Esc[1].UTC(), m.Esc[2].UTC(), now.UTC()}
	if m.To != gongzhi.EventClosed && m.To != gongzhi.EventRejected {
		// the level is the current step's: the next step starts unescalated, with its own
		// deadlines (docs/events.md "Escalation"); a final state keeps the level it ended at
		set += ", escalation = 0"
	}
	if m.Stamp != "" {
		if !eventStamps[m.Stamp] {
			return false, fmt.Errorf("store: unknown event stamp %q", m.Stamp)
		}
		set += ", " + m.Stamp + " = ?"
		args = append(args, now.UTC())
	}
	if m.Dispatch {
		set += ", department_id = ?, in_grid = ?, due_at = ?"
		args = append(args, nullID(m.DeptID), m.InGrid, nullTime(m.DueAt))
	}
	if m.Return {
		set += ", returns = returns + 1, department_id = NULL, due_at = NULL"
	}
	if m.Reopen {
		set += ", reopens = reopens + 1"
	}
	args = append(args, m.ID, m.From)
	res, err := q.Exec(ctx, "UPDATE events SET "+set+" WHERE id = ? AND state = ?", args...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RateEvent records the reporter's evaluation of a closed event, once: the event_ratings row's
// primary key and the conditional UPDATE both hold it. It reports false when it was rated.
func (q *Q) RateEvent(ctx context.Context, id int64, rating int, comment string, now time.Time) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE events SET rating = ?, rating_comment = ?, rated_at = ?, updated_at = ? WHERE id = ? AND rating = 0 AND state = 'closed'`,
		rating, comment, now.UTC(), now.UTC(), id)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := q.Exec(ctx, `INSERT INTO event_ratings (event_id, rating, at) VALUES (?, ?, ?)`, id, rating, now.UTC()); err != nil {
		if IsUnique(err, "") {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// InsertEventStep appends a line of an event's history.
func (q *Q) InsertEventStep(ctx context.Context, id int64, st *gongzhi.EventStep, userID int64) error {
	if err := st.Note.Check(); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO event_steps (event_id, at, action, from_state, to_state, user_id, username, role, seconds, on_time,
		note_code, note_args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, st.At.UTC(), st.Action, st.From, st.To, nullID(userID),
		st.Username, st.Role, st.Seconds, st.OnTime, st.Note.Code, st.Note.ArgsJSON())
	return err
}

// EventSteps returns an event's history, oldest first.
func (q *Q) EventSteps(ctx context.Context, id int64) ([]gongzhi.EventStep, error) {
	rows, err := q.Query(ctx, `SELECT at, action, from_state, to_state, username, role, seconds, on_time, note_code, note_args FROM event_steps
		WHERE event_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.EventStep
	for rows.Next() {
		var st gongzhi.EventStep
		var code, args string
		if err := rows.Scan(&st.At, &st.Action, &st.From, &st.To, &st.Username, &st.Role, &st.Seconds, &st.OnTime, &code, &args); err != nil {
			return nil, mapErr(err)
		}
		if st.Note, err = gongzhi.ParseNote(code, args); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, mapErr(rows.Err())
}

// InsertEventFile records a photo of an event.
func (q *Q) InsertEventFile(ctx context.Context, id int64, f *gongzhi.EventFile) error {
	fid, err := q.InsertID(ctx, `INSERT INTO event_files (event_id, step, sha256, name, content_type, size, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, f.Step, f.SHA256, f.Name, f.ContentType, f.Size, f.At.UTC())
	f.ID = fid
	return err
}

// EventFiles lists an event's photos in order.
func (q *Q) EventFiles(ctx context.Context, id int64) ([]gongzhi.EventFile, error) {
	rows, err := q.Query(ctx, `SELECT id, step, sha256, name, content_type, size, at FROM event_files WHERE event_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.EventFile
	for rows.Next() {
		var f gongzhi.EventFile
		if err := rows.Scan(&f.ID, &f.Step, &f.SHA256, &f.Name, &f.ContentType, &f.Size, &f.At); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, f)
	}
	return out, mapErr(rows.Err())
}

// EventFile returns a photo of an event by the file's SHA-256.
func (q *Q) EventFile(ctx context.Context, id int64, sha string) (*gongzhi.EventFile, error) {
	var f gongzhi.EventFile
	err := q.QueryRow(ctx, `SELECT id, step, sha256, name, content_type, size, at FROM event_files WHERE event_id = ? AND sha256 = ? ORDER BY id LIMIT 1`,
		id, sha).Scan(&f.ID, &f.Step, &f.SHA256, &f.Name, &f.ContentType, &f.Size, &f.At)
	return &f, mapErr(err)
}

// EscalatedEvent is one event raised a level by EscalateEvents.
type EscalatedEvent struct {
	ID    int64
	Level int
	State string
}

// EventsToEscalate reports whether any open event is due a higher level at now (a cheap check
// before the escalating transaction).
func (q *Q) EventsToEscalate(ctx context.Context, now time.Time) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM events WHERE state NOT IN ('closed', 'rejected') AND (
		(escalation < 1 AND esc1_at < ?) OR (escalation < 2 AND esc2_at < ?) OR (escalation < 3 AND esc3_at < ?))`,
		now.UTC(), now.UTC(), now.UTC()).Scan(&n)
	return n > 0, mapErr(err)
}

// EscalateEvents raises every open event whose step is overdue: to the community (1) at the
// step's deadline, the street (2) and the district department (3) later, level by level (an
// event overdue long enough passes each, one line of history each). Each UPDATE changes a row
// only if its level is still lower, so concurrent callers never raise one twice.
func (q *Q) EscalateEvents(ctx context.Context, now time.Time) ([]EscalatedEvent, error) {
	var out []EscalatedEvent
	for _, step := range []struct {
		level int
		col   string
	}{{1, "esc1_at"}, {2, "esc2_at"}, {3, "esc3_at"}} {
		rows, err := q.Query(ctx, `UPDATE events SET escalation = ?, escalated_at = ?, updated_at = ?
			WHERE state NOT IN ('closed', 'rejected') AND escalation < ? AND `+step.col+` < ? RETURNING id, state`,
			step.level, now.UTC(), now.UTC(), step.level, now.UTC())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			e := EscalatedEvent{Level: step.level}
			if err := rows.Scan(&e.ID, &e.State); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			out = append(out, e)
		}
		if err := rows.Close(); err != nil {
			return nil, mapErr(err)
		}
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

// EventStatRow is what the performance figures need of one event: nothing personal.
type EventStatRow struct {
	CategoryID    int64
	CategoryName  string
	CommunityCode string
	GridID        int64
	GridName      string
	DeptID        int64
	DeptName      string
	State         string
	CreatedAt     time.Time
	DispatchedAt  time.Time
	HandledAt     time.Time
	ClosedAt      time.Time
	DueAt         time.Time
	Returns       int
	Reopens       int
	Rating        int
}

// EventStats returns the stat rows of the events created from a time on, within scope.
func (q *Q) EventStats(ctx context.Context, s EventScope, from, to time.Time) ([]EventStatRow, error) {
	w := &where{}
	q.wideEventScope(w, s)
	w.add("e.created_at >= ? AND e.created_at < ?", from.UTC(), to.UTC())
	// the grids' and departments' names are read once each after the rows, not once a row
	rows, err := q.Query(ctx, `SELECT e.category_id, c.name, e.community_code, COALESCE(e.grid_id, 0), COALESCE(e.department_id, 0),
		e.state, e.created_at, e.dispatched_at, e.handled_at, e.closed_at, e.due_at, e.returns, e.reopens, e.rating FROM `+eventFrom+w.sql(), w.args...)
	if err != nil {
		return nil, err
	}
	var out []EventStatRow
	grids, depts := map[int64]string{}, map[int64]string{}
	for rows.Next() {
		var r EventStatRow
		var disp, hand, clo, due sql.NullTime
		if err := rows.Scan(&r.CategoryID, &r.CategoryName, &r.CommunityCode, &r.GridID, &r.DeptID, &r.State,
			&r.CreatedAt, &disp, &hand, &clo, &due, &r.Returns, &r.Reopens, &r.Rating); err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		r.DispatchedAt, r.HandledAt, r.ClosedAt, r.DueAt = disp.Time, hand.Time, clo.Time, due.Time
		if r.GridID != 0 {
			grids[r.GridID] = ""
		}
		if r.DeptID != 0 {
			depts[r.DeptID] = ""
		}
		out = append(out, r)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, mapErr(err)
	}
	if err := q.namesOf(ctx, "grids", grids); err != nil {
		return nil, err
	}
	if err := q.namesOf(ctx, "departments", depts); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].GridName, out[i].DeptName = grids[out[i].GridID], depts[out[i].DeptID]
	}
	return out, nil
}

// namesOf fills in the names of the rows of table (grids or departments) whose IDs are the keys
// of names, a few hundred IDs a query.
func (q *Q) namesOf(ctx context.Context, table string, names map[int64]string) error {
	if table != "grids" && table != "departments" {
		return fmt.Errorf("store: namesOf %q", table)
	}
	ids := make([]any, 0, len(names))
	for id := range names {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		rows, err := q.Query(ctx, `SELECT id, name FROM `+table+` WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`, part...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return mapErr(err)
			}
			names[id] = name
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// HotlineOrderTaken reports whether a 12345 work order number has an event already.
func (q *Q) HotlineOrderTaken(ctx context.Context, ref string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM events WHERE source = 'hotline' AND source_ref = ?`, ref).Scan(&n)
	return n > 0, mapErr(err)
}
