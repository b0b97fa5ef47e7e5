// Bulk loading of grid work and grid events for the city generator (internal/citygen): grid
// teams and duties, visits, and events with their timed history and evaluations, written as the
// services would write them (internal/gridwork, internal/events) but in multi-row statements
// inside the caller's transaction. Like InsertEntriesBatch, these write no audit rows.

package store

import (
	"context"
	"time"

	"gongzhi"
)

// BulkMember is a grid team member with the ID it carries (from NextID), so that a stand-in's
// BackupOf may name a member of the same batch.
type BulkMember struct {
	ID, GridID, PersonID, BackupOf int64
	Post                           string
	CreatedAt                      time.Time
}

// InsertGridMembersBatch adds grid team members with their IDs. Call FixSequence afterwards.
func (q *Q) InsertGridMembersBatch(ctx context.Context, ms []BulkMember) error {
	return q.multiInsert(ctx, `INSERT INTO grid_members (id, grid_id, person_id, post, backup_of, created_at)`, "", 6, len(ms),
		func(i int, args []any) []any {
			m := &ms[i]
			return append(args, m.ID, m.GridID, m.PersonID, m.Post, nullID(m.BackupOf), m.CreatedAt.UTC())
		}, nil)
}

// InsertGridDutiesBatch adds lines of grids' responsibility lists.
func (q *Q) InsertGridDutiesBatch(ctx context.Context, ds []gongzhi.GridDuty) error {
	return q.multiInsert(ctx, `INSERT INTO grid_duties (grid_id, title, detail, post, created_at)`, "", 5, len(ds),
		func(i int, args []any) []any {
			d := &ds[i]
			return append(args, d.GridID, d.Title, d.Detail, d.Post, d.CreatedAt.UTC())
		}, nil)
}

// BulkVisit is a household visit without findings.
type BulkVisit struct {
	GridID, HouseholdID, RecordedBy int64
	CommunityCode, VisitedOn        string
	Situation, RecordedName         string
	CreatedAt                       time.Time
}

// InsertVisitsBatch adds household visits.
func (q *Q) InsertVisitsBatch(ctx context.Context, vs []BulkVisit) error {
	return q.multiInsert(ctx, `INSERT INTO visits (grid_id, household_id, community_code, visited_on, people_met, situation, photo,
		recorded_by, recorded_name, created_at)`, "", 10, len(vs), func(i int, args []any) []any {
		v := &vs[i]
		return append(args, v.GridID, v.HouseholdID, v.CommunityCode, v.VisitedOn, "", v.Situation, "", nullID(v.RecordedBy),
			v.RecordedName, v.CreatedAt.UTC())
	}, nil)
}

// BulkStep is one line of an event's history with the account that took the step (0: none).
type BulkStep struct {
	gongzhi.EventStep
	UserID int64
}

// BulkEvent is an event as it stands after its steps: the row as MoveEvent, EscalateEvents and
// RateEvent leave it, its sealed reporter contact, its escalation times and its history.
type BulkEvent struct {
	gongzhi.Event
	NameEnc, PhoneEnc string
	Esc               [3]time.Time
	Steps             []BulkStep
}

// InsertEventsBatch adds events with the IDs they carry (from NextID), their history and their
// evaluations (event_ratings, once per event). Call FixSequence afterwards.
func (q *Q) InsertEventsBatch(ctx context.Context, es []BulkEvent) error {
	err := q.multiInsert(ctx, `INSERT INTO events (id, code, source, source_ref, category_id, community_code, grid_id, household_id,
		address, lat, lon, title, description, media_url, state, department_id, in_grid, step_started_at, step_due_at, esc1_at, esc2_at,
		esc3_at, due_at, escalation, escalated_at, returns, reopens, reporter_user_id, reporter_name_enc, reporter_phone_enc, created_by,
		registered_at, dispatched_at, handled_at, verified_at, closed_at, rating, rating_comment, rated_at, created_at, updated_at)`, "", 41,
		len(es), func(i int, args []any) []any {
			e := &es[i]
			var lat, lon any
			if e.Lat != nil && e.Lon != nil {
				lat, lon = *e.Lat, *e.Lon
			}
			return append(args, e.ID, e.Code, e.Source, e.SourceRef, e.CategoryID, e.CommunityCode, nullID(e.GridID), nullID(e.HouseholdID),
				e.Address, lat, lon, e.Title, e.Description, e.MediaURL, e.State, nullID(e.DepartmentID), e.InGrid, e.StepStartedAt.UTC(),
				e.StepDueAt.UTC(), e.Esc[0].UTC(), e.Esc[1].UTC(), e.Esc[2].UTC(), nullTime(e.DueAt), e.Escalation, nullTime(e.EscalatedAt),
				e.Returns, e.Reopens, nullID(e.ReporterUserID), e.NameEnc, e.PhoneEnc, nullID(e.CreatedBy), nullTime(e.RegisteredAt),
				nullTime(e.DispatchedAt), nullTime(e.HandledAt), nullTime(e.VerifiedAt), nullTime(e.ClosedAt), e.Rating, e.RatingComment,
				nullTime(e.RatedAt), e.CreatedAt.UTC(), e.UpdatedAt.UTC())
		}, nil)
	if err != nil {
		return err
	}
	type line struct {
		event int64
		st    *BulkStep
	}
	var lines []line
	var rated []int
	for i := range es {
		for j := range es[i].Steps {
			if err := es[i].Steps[j].Note.Check(); err != nil {
				return err
			}
			lines = append(lines, line{es[i].ID, &es[i].Steps[j]})
		}
		if es[i].Rating > 0 {
			rated = append(rated, i)
		}
	}
	err = q.multiInsert(ctx, `INSERT INTO event_steps (event_id, at, action, from_state, to_state, user_id, username, role, seconds, on_time,
		note_code, note_args)`, "", 12, len(lines), func(i int, args []any) []any {
		l := lines[i]
		return append(args, l.event, l.st.At.UTC(), l.st.Action, l.st.From, l.st.To, nullID(l.st.UserID), l.st.Username, l.st.Role,
			l.st.Seconds, l.st.OnTime, l.st.Note.Code, l.st.Note.ArgsJSON())
	}, nil)
	if err != nil {
		return err
	}
	return q.multiInsert(ctx, `INSERT INTO event_ratings (event_id, rating, at)`, "", 3, len(rated), func(i int, args []any) []any {
		e := &es[rated[i]]
		return append(args, e.ID, e.Rating, e.RatedAt.UTC())
	}, nil)
}

// BulkGrid is what the city generator needs of a grid.
type BulkGrid struct {
	ID            int64
	CommunityCode string
	Name          string
}

// GridsUnder lists the grids of the communities under a place-code prefix, by ID.
func (q *Q) GridsUnder(ctx context.Context, prefix string) ([]BulkGrid, error) {
	rows, err := q.Query(ctx, `SELECT id, community_code, name FROM grids WHERE community_code LIKE ? ORDER BY id`, prefix+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BulkGrid
	for rows.Next() {
		var g BulkGrid
		if err := rows.Scan(&g.ID, &g.CommunityCode, &g.Name); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, g)
	}
	return out, mapErr(rows.Err())
}

// BulkHousehold is what the city generator needs of a household.
type BulkHousehold struct {
	ID, GridID int64
	Address    string
}

// HouseholdsInGrids lists the households in a grid under a place-code prefix, by ID.
func (q *Q) HouseholdsInGrids(ctx context.Context, prefix string) ([]BulkHousehold, error) {
	rows, err := q.Query(ctx, `SELECT id, grid_id, address FROM households WHERE community_code LIKE ? AND grid_id IS NOT NULL ORDER BY id`, prefix+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BulkHousehold
	for rows.Next() {
		var h BulkHousehold
		if err := rows.Scan(&h.ID, &h.GridID, &h.Address); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, h)
	}
	return out, mapErr(rows.Err())
}

// AdultsByHousehold returns, for the residents under a place-code prefix born within the years
// given, their household and person IDs (pairs), by person ID.
func (q *Q) AdultsByHousehold(ctx context.Context, prefix string, fromYear, toYear int) ([][2]int64, error) {
	rows, err := q.Query(ctx, `SELECT household_id, id FROM people WHERE place_code LIKE ? AND kind = 'resident' AND household_id IS NOT NULL
		AND birth_year BETWEEN ? AND ? ORDER BY id`, prefix+"%", fromYear, toYear)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var p [2]int64
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}

// UsersUnder lists the enabled accounts whose place is under a place-code prefix, by ID.
func (q *Q) UsersUnder(ctx context.Context, prefix string) ([]*gongzhi.User, error) {
	rows, err := q.Query(ctx, `SELECT id, username, display_name, role, place_code FROM users WHERE place_code LIKE ? AND NOT disabled ORDER BY id`, prefix+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.User
	for rows.Next() {
		u := &gongzhi.User{}
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.PlaceCode); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, u)
	}
	return out, mapErr(rows.Err())
}

// CountEventsUnder counts the events of the communities under a place-code prefix.
func (q *Q) CountEventsUnder(ctx context.Context, prefix string) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM events WHERE community_code LIKE ?`, prefix+"%").Scan(&n)
	return n, mapErr(err)
}
