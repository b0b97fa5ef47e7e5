// People: residents, social workers, volunteers and experts. ID numbers arrive here already
// encrypted (id_enc) with a keyed hash (id_hash) for uniqueness and lookup; the plain number
// never reaches this package.

package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gongzhi"
)

// personCols read a person's place, household and organization names as lookups in the select
// list, not joins: a list that sorts its matches (a name searched, a filter of few rows) then
// looks them up for its page's rows only. PostgreSQL postpones such lookups past the sort and
// LIMIT; joined, they were made for every match first (a common name at city scale: 449
// households read from disk for a page of 20, 57 ms on average under load, issue 10).
const personCols = `pe.id, pe.kind, pe.name, pe.gender, pe.id_masked, pe.birth_year, pe.phone, pe.place_code,
	COALESCE((SELECT pl.name FROM places pl WHERE pl.code = pe.place_code), ''), COALESCE(pe.household_id, 0),
	COALESCE((SELECT h.address FROM households h WHERE h.id = pe.household_id), ''), COALESCE(pe.org_id, 0),
	COALESCE((SELECT o.name FROM organizations o WHERE o.id = pe.org_id), ''), pe.licence,
	pe.expert_fields, pe.affiliation, pe.volunteer_hours, pe.target_groups, pe.notes, pe.created_at, pe.updated_at`

const personFrom = `people pe`

func scanPerson(s scanner) (*gongzhi.Person, error) {
	var p gongzhi.Person
	var fields, groups string
	err := s.Scan(&p.ID, &p.Kind, &p.Name, &p.Gender, &p.IDMasked, &p.BirthYear, &p.Phone, &p.PlaceCode, &p.PlaceName,
		&p.HouseholdID, &p.HouseholdAddr, &p.OrgID, &p.OrgName, &p.Licence, &fields, &p.Affiliation, &p.VolunteerHours,
		&groups, &p.Notes, &p.CreatedAt, &p.UpdatedAt)
	p.ExpertFields = splitList(fields)
	p.TargetGroups = splitList(groups)
	return &p, mapErr(err)
}

func personScope(w *where, s Scope) {
	if !s.None && s.OrgID == 0 && len(s.Prefix) == placeCodeLen { // wider: a range through under
		c, a := placeRange("pe.place_code", s.Prefix)
		w.add(c, a...)
		return
	}
	w.scope(s, "pe.org_id", "pe.place_code")
}

// GetPerson returns a person within scope.
func (q *Q) GetPerson(ctx context.Context, s Scope, id int64) (*gongzhi.Person, error) {
	w := &where{}
	w.add("pe.id = ?", id)
	personScope(w, s)
	return scanPerson(q.QueryRow(ctx, "SELECT "+personCols+" FROM "+personFrom+w.sql(), w.args...))
}

// PersonIDCipher returns the encrypted ID number of a person within scope ("" if none).
func (q *Q) PersonIDCipher(ctx context.Context, s Scope, id int64) (string, error) {
	w := &where{}
	w.add("pe.id = ?", id)
	personScope(w, s)
	var enc sql.NullString
	err := q.QueryRow(ctx, "SELECT pe.id_enc FROM people pe"+w.sql(), w.args...).Scan(&enc)
	return enc.String, mapErr(err)
}

// PersonByIDHash finds the person holding an ID number's keyed hash, ignoring scope (for uniqueness).
func (q *Q) PersonByIDHash(ctx context.Context, hash string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM people WHERE id_hash = ?`, hash).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, mapErr(err)
}

// PeopleByIDHashes finds the people holding any of the keyed hashes, ignoring scope (for the
// uniqueness checks of an import): hash → person ID, for the hashes found. It asks 500 hashes
// per query.
func (q *Q) PeopleByIDHashes(ctx context.Context, hashes []string) (map[string]int64, error) {
	const batch = 500
	found := map[string]int64{}
	for start := 0; start < len(hashes); start += batch {
		chunk := hashes[start:min(start+batch, len(hashes))]
		b := []byte(`SELECT id_hash, id FROM people WHERE id_hash IN (`)
		args := make([]any, len(chunk))
		for i, h := range chunk {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, '?')
			args[i] = h
		}
		b = append(b, ')')
		if err := q.peopleByIDHashes(ctx, string(b), args, found); err != nil {
			return nil, err
		}
	}
	return found, nil
}

func (q *Q) peopleByIDHashes(ctx context.Context, query string, args []any, found map[string]int64) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var hash string
		var id int64
		if err := rows.Scan(&hash, &id); err != nil {
			return mapErr(err)
		}
		found[hash] = id
	}
	return mapErr(rows.Err())
}

// personSorts: names sort by their pinyin, as a Chinese directory does (and as people_place_names
// holds a community's people, so that a community's first names by name read the index in order
// instead of sorting every person of the community).
var personSorts = map[string]string{"name": "pe.name_py, pe.name_initials, pe.name", "kind": "pe.kind", "birth_year": "pe.birth_year",
	"volunteer_hours": "pe.volunteer_hours", "created_at": "pe.created_at", "updated_at": "pe.updated_at"}

// ListPeople lists people. Filters: kind, gender, licence, expert_field, target_group, org, place,
// household, id_hash (exact ID-number lookup).
func (q *Q) ListPeople(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Person) error) (int, error) {
	w := &where{}
	personScope(w, s)
	if err := q.personSearch(ctx, w, opts.Q); err != nil {
		return 0, err
	}
	for _, k := range []string{"kind", "gender", "licence"} {
		if v := opts.Filters[k]; v != "" {
			w.add("pe."+k+" = ?", v)
		}
	}
	if v := opts.Filters["expert_field"]; v != "" {
		w.add("pe.expert_fields LIKE ?", "%,"+v+",%")
	}
	if v := opts.Filters["target_group"]; v != "" {
		if err := q.targetGroupFilter(ctx, w, v); err != nil {
			return 0, err
		}
	}
	if v := opts.Filters["org"]; v != "" {
		// an organization's people are few, but people_org also holds every resident's NULL, so
		// SQLite's statistics call it unselective and it walked the whole scope in order instead
		// (an organization's page: 2–4 s on the city); written as the list of its people, which
		// both planners start from, then sort
		w.add("pe.id IN (SELECT id FROM people WHERE org_id = ?)", atoiOr(v, -1))
	}
	if v := opts.Filters["household"]; v != "" {
		w.add("pe.household_id = ?", atoiOr(v, -1))
	}
	if v := opts.Filters["place"]; v != "" {
		c, a := placeRange("pe.place_code", v)
		w.add(c, a...)
	}
	if v := opts.Filters["id_hash"]; v != "" {
		w.add("pe.id_hash = ?", v)
	}
	// the default order is the index people_place's (place_code, id DESC): within a scope the
	// first page is the first rows of an index range, and a cursor a seek into it
	return list(ctx, q, personCols, personFrom, w, orderBy(opts, personSorts, "pe.place_code, pe.id DESC", "pe.id"), opts, scanPerson, each)
}

// PersonSecret is the encrypted ID number and its keyed hash.
type PersonSecret struct {
	Enc, Hash string
}

func personArgs(p *gongzhi.Person) []any {
	py, ini := nameKeys(p.Name)
	return []any{py, ini, p.Kind, p.Name, p.Gender, p.IDMasked, p.BirthYear, p.Phone, p.PlaceCode, nullID(p.HouseholdID), nullID(p.OrgID),
		p.Licence, joinList(p.ExpertFields), p.Affiliation, p.VolunteerHours, joinList(p.TargetGroups), p.Notes}
}

// InsertPerson adds a person.
func (q *Q) InsertPerson(ctx context.Context, p *gongzhi.Person, sec PersonSecret, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO people (name_py, name_initials, kind, name, gender, id_masked, birth_year, phone, place_code, household_id, org_id,
		licence, expert_fields, affiliation, volunteer_hours, target_groups, notes, id_enc, id_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append(personArgs(p), nullStr(sec.Enc), nullStr(sec.Hash), now.UTC(), now.UTC())...)
	if err != nil {
		return err
	}
	p.ID = id
	p.CreatedAt, p.UpdatedAt = now, now
	return q.setPersonTargetGroups(ctx, id, p.TargetGroups, false)
}

// UpdatePerson saves a person; sec replaces the stored ID number when non-nil.
func (q *Q) UpdatePerson(ctx context.Context, p *gongzhi.Person, sec *PersonSecret, now time.Time) error {
	query := `UPDATE people SET name_py = ?, name_initials = ?, kind = ?, name = ?, gender = ?, id_masked = ?, birth_year = ?, phone = ?, place_code = ?,
		household_id = ?, org_id = ?, licence = ?, expert_fields = ?, affiliation = ?, volunteer_hours = ?, target_groups = ?,
		notes = ?, updated_at = ?`
	args := append(personArgs(p), now.UTC())
	if sec != nil {
		query += `, id_enc = ?, id_hash = ?`
		args = append(args, nullStr(sec.Enc), nullStr(sec.Hash))
	}
	if _, err := q.Exec(ctx, query+` WHERE id = ?`, append(args, p.ID)...); err != nil {
		return err
	}
	p.UpdatedAt = now
	return q.setPersonTargetGroups(ctx, p.ID, p.TargetGroups, true)
}

// DeletePerson removes a person.
func (q *Q) DeletePerson(ctx context.Context, id int64) error {
	if _, err := q.Exec(ctx, `DELETE FROM person_target_groups WHERE person_id = ?`, id); err != nil {
		return err
	}
	return q.deleteOne(ctx, "people", id)
}

// InsertPeopleBatch adds many people in multi-row statements (imports), with their search keys
// and target-group rows; it sets each person's ID.
func (q *Q) InsertPeopleBatch(ctx context.Context, ps []*gongzhi.Person, secs []PersonSecret, now time.Time) error {
	const cols = 21
	const batch = 400
	for start := 0; start < len(ps); start += batch {
		end := min(start+batch, len(ps))
		b := []byte(`INSERT INTO people (name_py, name_initials, kind, name, gender, id_masked, birth_year, phone, place_code, household_id, org_id,
		licence, expert_fields, affiliation, volunteer_hours, target_groups, notes, id_enc, id_hash, created_at, updated_at) VALUES `)
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			if i > start {
				b = append(b, ',')
			}
			b = append(b, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"...)
			args = append(args, personArgs(ps[i])...)
			args = append(args, nullStr(secs[i].Enc), nullStr(secs[i].Hash), now.UTC(), now.UTC())
		}
		b = append(b, " RETURNING id, name"...)
		ids, err := q.insertedIDs(ctx, string(b), args, ps[start:end])
		if err != nil {
			return err
		}
		groups := make([][]string, end-start)
		for i, p := range ps[start:end] {
			p.ID, p.CreatedAt, p.UpdatedAt = ids[i], now, now
			groups[i] = p.TargetGroups
		}
		if err := q.insertTargetGroupRows(ctx, ids, groups); err != nil {
			return err
		}
	}
	return nil
}

// insertedIDs runs a multi-row INSERT … RETURNING id, name and returns the IDs in the order of
// ps; both databases return the rows in the order of VALUES, and the names are checked to be sure.
func (q *Q) insertedIDs(ctx context.Context, query string, args []any, ps []*gongzhi.Person) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, len(ps))
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, mapErr(err)
		}
		if len(ids) >= len(ps) || ps[len(ids)].Name != name {
			return nil, gongzhi.Internal(errInsertOrder)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	if len(ids) != len(ps) {
		return nil, gongzhi.Internal(errInsertOrder)
	}
	return ids, nil
}

var errInsertOrder = errors.New("store: INSERT … RETURNING gave rows out of the order of VALUES")
