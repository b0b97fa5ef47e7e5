// Storage of the service ledger: entries with their named participants, earlier versions and
// evidence; the sums indicators count; satisfaction surveys with their samples; residents'
// ratings of the services they took part in.

package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongzhi"
)

// EntryScope limits ledger entries: Scope on the contract's place or the provider's
// organization, and Community, when set, to entries serving a community within that prefix.
type EntryScope struct {
	Scope
	Community string
}

const entryCols = `e.id, e.contract_id, ct.title, e.org_id, ct.provider_name, e.place_code, e.kind, e.title, e.held_on, e.start_time,
	e.end_time, e.minutes, e.venue, e.communities, e.target_groups, e.counted, e.visits, e.volunteers, e.summary, e.state,
	e.version, e.reason, e.created_name, e.created_at, e.updated_at, e.tags`

// A LEFT JOIN although every entry has its contract: a list's count then leaves the contract out
// (countFrom) and counts on the scope's index alone.
const entryFrom = `service_entries e LEFT JOIN contracts ct ON ct.id = e.contract_id`

func scanEntry(s scanner) (*gongzhi.ServiceEntry, error) {
	var e gongzhi.ServiceEntry
	var comms, groups, vols, tags string
	err := s.Scan(&e.ID, &e.ContractID, &e.ContractTitle, &e.OrgID, &e.ProviderName, &e.PlaceCode, &e.Kind, &e.Title, &e.HeldOn,
		&e.StartTime, &e.EndTime, &e.Minutes, &e.Venue, &comms, &groups, &e.Counted, &e.Visits, &vols, &e.Summary, &e.State,
		&e.Version, &e.Reason, &e.CreatedBy, &e.CreatedAt, &e.UpdatedAt, &tags)
	if err != nil {
		return nil, mapErr(err)
	}
	e.Communities, e.TargetGroups, e.Tags = splitList(comms), splitList(groups), splitList(tags)
	if err := fromJSON(vols, &e.Volunteers); err != nil {
		return nil, err
	}
	return &e, nil
}

func entryScope(w *where, s EntryScope) {
	w.scope(s.Scope, "e.org_id", "e.place_code")
	if s.Community != "" {
		w.add("e.id IN (SELECT entry_id FROM service_entry_communities WHERE community_code = ?)", s.Community)
	}
}

// GetEntry returns an entry within scope with its participants and evidence.
func (q *Q) GetEntry(ctx context.Context, s EntryScope, id int64) (*gongzhi.ServiceEntry, error) {
	w := &where{}
	w.add("e.id = ?", id)
	entryScope(w, s)
	e, err := scanEntry(q.QueryRow(ctx, "SELECT "+entryCols+" FROM "+entryFrom+w.sql(), w.args...))
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT sp.person_id, pe.name, sp.place_code FROM service_entry_people sp
		JOIN people pe ON pe.id = sp.person_id WHERE sp.entry_id = ? ORDER BY sp.person_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p gongzhi.Participant
		if err := rows.Scan(&p.PersonID, &p.Name, &p.PlaceCode); err != nil {
			return nil, mapErr(err)
		}
		e.Participants = append(e.Participants, p)
		e.ParticipantIDs = append(e.ParticipantIDs, p.PersonID)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	rows.Close()
	e.Evidence, err = q.ListEvidence(ctx, id)
	return e, err
}

var entrySorts = map[string]string{"held_on": "e.held_on", "title": "e.title", "kind": "e.kind", "visits": "e.visits"}

// ListEntries lists entries (without participants and evidence). Filters: contract, kind,
// community, month (YYYY-MM), state, org.
func (q *Q) ListEntries(ctx context.Context, s EntryScope, opts ListOptions, each func(*gongzhi.ServiceEntry) error) (int, error) {
	w := &where{}
	from := entryFrom
	// The default order is the scope's index (migration 0016): an organization's entries newest
	// first; a place's by place, then newest first, so that a city's first page is the first rows
	// of an index range rather than a sort of a million entries (docs/lists.md); a community's
	// newest first from its rows of service_entry_communities with their days (migration 0038),
	// not its thousands of entries sorted on every page.
	def := "e.place_code, e.held_on DESC, e.id DESC"
	if s.OrgID != 0 {
		def = "e.held_on DESC, e.id DESC"
	}
	if _, sorted := entrySorts[opts.Sort]; s.Community != "" && !sorted {
		// the community's rows first, the entry joined to each: every row of sc has its entry
		// (a foreign key), so the count leaves the entries out (countFrom) and reads the
		// community's index alone, not an entry for each of its thousands of rows
		from = "service_entry_communities sc LEFT JOIN service_entries e ON e.id = sc.entry_id LEFT JOIN contracts ct ON ct.id = e.contract_id"
		w.add("sc.community_code = ?", s.Community)
		def = "sc.held_on DESC, sc.entry_id DESC"
		s.Community = ""
	}
	entryScope(w, s)
	w.search(opts.Q, "e.title", "e.summary", "e.venue", "ct.provider_name")
	if v := opts.Filters["contract"]; v != "" {
		w.add("e.contract_id = ?", atoiOr(v, -1))
	}
	if v := opts.Filters["org"]; v != "" {
		w.add("e.org_id = ?", atoiOr(v, -1))
	}
	if v := opts.Filters["kind"]; v != "" {
		w.add("e.kind = ?", v)
	}
	if v := opts.Filters["state"]; v != "" {
		w.add("e.state = ?", v)
	}
	if v := opts.Filters["community"]; v != "" {
		w.add("e.id IN (SELECT entry_id FROM service_entry_communities WHERE community_code = ?)", v)
	}
	if v := opts.Filters["month"]; v != "" {
		w.add("e.held_on >= ? AND e.held_on < ?", v+"-01", v+"-99")
	}
	return list(ctx, q, entryCols, from, w, orderBy(opts, entrySorts, def, "e.id"), opts, scanEntry, each)
}

func (q *Q) insertEntryPeople(ctx context.Context, e *gongzhi.ServiceEntry) error {
	if len(e.Participants) == 0 {
		return nil
	}
	// one multi-row INSERT (at most 200 rows a statement, 800 parameters)
	for start := 0; start < len(e.Participants); start += 200 {
		chunk := e.Participants[start:min(start+200, len(e.Participants))]
		var b strings.Builder
		args := make([]any, 0, 4*len(chunk))
		b.WriteString(`INSERT INTO service_entry_people (entry_id, contract_id, person_id, place_code) VALUES `)
		for i, p := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?)")
			args = append(args, e.ID, e.ContractID, p.PersonID, p.PlaceCode)
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// entryChange is what an entry counts for in the kept totals (ledger_totals.go).
func entryChange(e *gongzhi.ServiceEntry) ledgerChange {
	c := ledgerChange{contractID: e.ContractID, kind: e.Kind, visits: int64(e.Visits), volunteerMinute: int64(e.VolunteerMinutes()), tags: e.Tags}
	for _, p := range e.Participants {
		c.people = append(c.people, p.PersonID)
	}
	return c
}

const insertEntrySQL = `INSERT INTO service_entries (contract_id, org_id, place_code, kind, title, held_on, start_time, end_time,
		minutes, venue, communities, target_groups, counted, visits, volunteers, volunteer_minutes, summary, state, version, reason,
		created_by, created_name, created_at, updated_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', 1, '', ?, ?, ?, ?, ?)`

func insertEntryArgs(e *gongzhi.ServiceEntry, userID int64, now time.Time) []any {
	return []any{e.ContractID, e.OrgID, e.PlaceCode, e.Kind, e.Title, e.HeldOn, e.StartTime, e.EndTime, e.Minutes, e.Venue, joinList(e.Communities),
		joinList(e.TargetGroups), e.Counted, e.Visits, jsonText(e.Volunteers), e.VolunteerMinutes(), e.Summary, nullID(userID), e.CreatedBy,
		now.UTC(), now.UTC(), joinList(e.Tags)}
}

// InsertEntry adds an entry with its participants and the communities it served, and adds it to
// the kept totals.
func (q *Q) InsertEntry(ctx context.Context, e *gongzhi.ServiceEntry, userID int64, now time.Time) error {
	if q.d == Postgres && len(e.Participants) <= 1000 && len(e.Communities) <= 1000 {
		return q.insertEntryPG(ctx, e, userID, now)
	}
	// the entry's id is its rowid (INTEGER PRIMARY KEY): an Exec, cheaper than RETURNING's rows
	res, err := q.Exec(ctx, insertEntrySQL, insertEntryArgs(e, userID, now)...)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return mapErr(err)
	}
	e.ID, e.State, e.Version, e.CreatedAt, e.UpdatedAt = id, gongzhi.EntryActive, 1, now, now
	if err := q.insertEntryPeople(ctx, e); err != nil {
		return err
	}
	if err := q.setEntryCommunities(ctx, e.ID, e.HeldOn, e.Communities, false); err != nil {
		return err
	}
	return q.applyLedgerChange(ctx, entryChange(e), 1)
}

// insertEntryPG is InsertEntry on PostgreSQL in one statement, one round trip instead of five
// (issue 10): the entry, its participants, its communities and the kept totals
// (applyLedgerChange's three upserts) as data-modifying WITH queries, which PostgreSQL runs
// each exactly once, to completion, in the statement.
func (q *Q) insertEntryPG(ctx context.Context, e *gongzhi.ServiceEntry, userID int64, now time.Time) error {
	c := entryChange(e)
	people := slices.Clone(c.people)
	slices.Sort(people) // the same lock order in every writer (applyLedgerChange)
	people = slices.Compact(people)
	communities := make([]string, 0, len(e.Communities))
	for _, code := range e.Communities { // as insertEntryCommunities: no empty code, none twice
		if code != "" && !slices.Contains(communities, code) {
			communities = append(communities, code)
		}
	}
	var b strings.Builder
	args := insertEntryArgs(e, userID, now)
	b.WriteString("WITH e AS (" + insertEntrySQL + " RETURNING id, held_on)")
	values := func(n int, one string, add func(i int)) {
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
			add(i)
		}
	}
	if len(e.Participants) > 0 {
		b.WriteString(`, ep AS (INSERT INTO service_entry_people (entry_id, contract_id, person_id, place_code)
			SELECT e.id, v.contract_id, v.person_id, v.place_code FROM e, (VALUES `)
		values(len(e.Participants), "(?::bigint, ?::bigint, ?::text)", func(i int) {
			args = append(args, e.ContractID, e.Participants[i].PersonID, e.Participants[i].PlaceCode)
		})
		b.WriteString(`) AS v (contract_id, person_id, place_code))`)
	}
	if len(communities) > 0 {
		b.WriteString(`, ec AS (INSERT INTO service_entry_communities (community_code, entry_id, held_on) SELECT v.code, e.id, e.held_on FROM e, (VALUES `)
		values(len(communities), "(?::text)", func(i int) { args = append(args, communities[i]) })
		b.WriteString(`) AS v (code))`)
	}
	rs := c.rows(1)
	b.WriteString(", lt AS (" + upsertTotalsHead + " VALUES ")
	values(len(rs), "(?::bigint, ?::text, ?::text, ?::bigint, ?::bigint, ?::bigint)", func(i int) {
		args = append(args, c.contractID, c.kind, rs[i].tag, rs[i].entries, rs[i].visits, rs[i].volunteerMinute)
	})
	b.WriteString(upsertTotalsTail + ")")
	if len(people) > 0 {
		b.WriteString(`, lr AS (INSERT INTO ledger_recipients (contract_id, person_id, entries) VALUES `)
		values(len(people), "(?, ?, 1)", func(i int) { args = append(args, c.contractID, people[i]) })
		b.WriteString(` ON CONFLICT (contract_id, person_id) DO UPDATE SET entries = ledger_recipients.entries + 1 RETURNING entries),
			lp AS (INSERT INTO ledger_people (contract_id, people) SELECT ?::bigint, n FROM (SELECT COUNT(*) AS n FROM lr WHERE entries = 1) x
			WHERE n > 0 ON CONFLICT (contract_id) DO UPDATE SET people = ledger_people.people + excluded.people)`)
		args = append(args, c.contractID)
	}
	b.WriteString(" SELECT id FROM e")
	var id int64
	if err := q.QueryRow(ctx, b.String(), args...).Scan(&id); err != nil {
		return mapErr(err)
	}
	e.ID, e.State, e.Version, e.CreatedAt, e.UpdatedAt = id, gongzhi.EntryActive, 1, now, now
	return nil
}

// UpdateEntry stores a corrected or voided entry (its version already moved on) and its
// participants, and moves the kept totals from what the entry stood for to what it stands for.
func (q *Q) UpdateEntry(ctx context.Context, e *gongzhi.ServiceEntry, now time.Time) error {
	var old ledgerChange
	var oldState, oldTags string
	if err := q.QueryRow(ctx, `SELECT contract_id, kind, visits, volunteer_minutes, state, tags FROM service_entries WHERE id = ?`, e.ID).Scan(
		&old.contractID, &old.kind, &old.visits, &old.volunteerMinute, &oldState, &oldTags); err != nil {
		return mapErr(err)
	}
	old.tags = splitList(oldTags)
	if oldState == gongzhi.EntryActive {
		rows, err := q.Query(ctx, `SELECT person_id FROM service_entry_people WHERE entry_id = ?`, e.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return mapErr(err)
			}
			old.people = append(old.people, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return mapErr(err)
		}
		if err := q.applyLedgerChange(ctx, old, -1); err != nil {
			return err
		}
	}
	if _, err := q.Exec(ctx, `UPDATE service_entries SET kind = ?, title = ?, held_on = ?, start_time = ?, end_time = ?, minutes = ?,
		venue = ?, communities = ?, target_groups = ?, counted = ?, visits = ?, volunteers = ?, volunteer_minutes = ?, summary = ?,
		state = ?, version = ?, reason = ?, updated_at = ?, tags = ? WHERE id = ?`, e.Kind, e.Title, e.HeldOn, e.StartTime, e.EndTime, e.Minutes,
		e.Venue, joinList(e.Communities), joinList(e.TargetGroups), e.Counted, e.Visits, jsonText(e.Volunteers), e.VolunteerMinutes(),
		e.Summary, e.State, e.Version, e.Reason, now.UTC(), joinList(e.Tags), e.ID); err != nil {
		return mapErr(err)
	}
	if err := q.setEntryCommunities(ctx, e.ID, e.HeldOn, e.Communities, true); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM service_entry_people WHERE entry_id = ?`, e.ID); err != nil {
		return mapErr(err)
	}
	e.UpdatedAt = now
	if err := q.insertEntryPeople(ctx, e); err != nil {
		return err
	}
	if e.State != gongzhi.EntryActive {
		return nil
	}
	return q.applyLedgerChange(ctx, entryChange(e), 1)
}

// InsertEntryVersion keeps an entry as it stood before a correction or voiding.
func (q *Q) InsertEntryVersion(ctx context.Context, v *gongzhi.EntryVersion) error {
	_, err := q.Exec(ctx, `INSERT INTO service_entry_versions (entry_id, version, action, data, reason, created_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, v.EntryID, v.Version, v.Action, jsonText(v.Entry), v.Reason, v.By, v.CreatedAt.UTC())
	return mapErr(err)
}

// ListEntryVersions returns an entry's earlier versions, oldest first.
func (q *Q) ListEntryVersions(ctx context.Context, id int64) ([]gongzhi.EntryVersion, error) {
	rows, err := q.Query(ctx, `SELECT entry_id, version, action, data, reason, created_name, created_at FROM service_entry_versions
		WHERE entry_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.EntryVersion
	for rows.Next() {
		var v gongzhi.EntryVersion
		var data string
		if err := rows.Scan(&v.EntryID, &v.Version, &v.Action, &data, &v.Reason, &v.By, &v.CreatedAt); err != nil {
			return nil, mapErr(err)
		}
		v.Entry = &gongzhi.ServiceEntry{}
		if err := fromJSON(data, v.Entry); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// ---- evidence

// InsertEvidence records an evidence file of an entry.
func (q *Q) InsertEvidence(ctx context.Context, ev *gongzhi.Evidence) error {
	id, err := q.InsertID(ctx, `INSERT INTO service_evidence (entry_id, name, size, sha256, content_type, uploaded_name, uploaded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, ev.EntryID, ev.Name, ev.Size, ev.SHA256, ev.ContentType, ev.UploadedBy, ev.UploadedAt.UTC())
	ev.ID = id
	return err
}

// ListEvidence returns an entry's evidence files, oldest first.
func (q *Q) ListEvidence(ctx context.Context, entryID int64) ([]gongzhi.Evidence, error) {
	rows, err := q.Query(ctx, `SELECT id, entry_id, name, size, sha256, content_type, uploaded_name, uploaded_at FROM service_evidence
		WHERE entry_id = ? ORDER BY id`, entryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.Evidence
	for rows.Next() {
		var ev gongzhi.Evidence
		if err := rows.Scan(&ev.ID, &ev.EntryID, &ev.Name, &ev.Size, &ev.SHA256, &ev.ContentType, &ev.UploadedBy, &ev.UploadedAt); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, ev)
	}
	return out, mapErr(rows.Err())
}

// ---- sums

// LedgerTotals sums a contract's active entries held from..to (YYYY-MM-DD, inclusive; "" for
// open ends).
func (q *Q) LedgerTotals(ctx context.Context, contractID int64, from, to string) (gongzhi.LedgerTotals, int, error) {
	t := gongzhi.LedgerTotals{ByKind: map[string]int64{}}
	w := &where{}
	w.add("e.contract_id = ?", contractID)
	w.add("e.state = 'active'")
	if from != "" {
		w.add("e.held_on >= ?", from)
	}
	if to != "" {
		w.add("e.held_on <= ?", to)
	}
	rows, err := q.Query(ctx, `SELECT e.kind, COUNT(*), COALESCE(SUM(e.visits), 0), COALESCE(SUM(e.volunteer_minutes), 0)
		FROM service_entries e`+w.sql()+` GROUP BY e.kind`, w.args...)
	if err != nil {
		return t, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var n, visits, mins int64
		if err := rows.Scan(&kind, &n, &visits, &mins); err != nil {
			return t, 0, mapErr(err)
		}
		t.ByKind[kind] = n
		t.Entries += n
		t.Visits += visits
		t.VolunteerMinutes += mins
	}
	if err := rows.Err(); err != nil {
		return t, 0, mapErr(err)
	}
	rows.Close()
	if err := q.tagTotals(ctx, w, func(_ int64, tag string) {
		if t.ByTag == nil {
			t.ByTag = map[string]int64{}
		}
		t.ByTag[tag]++
	}); err != nil {
		return t, 0, err
	}
	if err := q.QueryRow(ctx, `SELECT COUNT(DISTINCT sp.person_id) FROM service_entry_people sp JOIN service_entries e ON e.id = sp.entry_id`+
		w.sql(), w.args...).Scan(&t.People); err != nil {
		return t, 0, mapErr(err)
	}
	var files int
	err = q.QueryRow(ctx, `SELECT COUNT(*) FROM service_evidence ev JOIN service_entries e ON e.id = ev.entry_id`+w.sql(), w.args...).Scan(&files)
	return t, files, mapErr(err)
}

// tagTotals calls add once for each tag of each active entry matching w (entries e): the
// entries an indicator counting by tag counts. Only entries that carry tags are read.
func (q *Q) tagTotals(ctx context.Context, w *where, add func(contractID int64, tag string)) error {
	rows, err := q.Query(ctx, `SELECT e.contract_id, e.tags FROM service_entries e`+w.sql()+` AND e.tags <> ''`, w.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var tags string
		if err := rows.Scan(&id, &tags); err != nil {
			return mapErr(err)
		}
		for _, tag := range splitList(tags) {
			add(id, tag)
		}
	}
	return mapErr(rows.Err())
}

// Recipients returns the distinct named participants of a contract's active entries, by person id.
func (q *Q) Recipients(ctx context.Context, contractID int64) ([]gongzhi.Recipient, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT sp.person_id, pe.name, pe.place_code FROM service_entry_people sp
		JOIN service_entries e ON e.id = sp.entry_id JOIN people pe ON pe.id = sp.person_id
		WHERE sp.contract_id = ? AND e.state = 'active' ORDER BY sp.person_id`, contractID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.Recipient
	for rows.Next() {
		var r gongzhi.Recipient
		if err := rows.Scan(&r.PersonID, &r.Name, &r.PlaceCode); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// ContractsWithoutEntries counts the signed contracts within scope whose version in force has a
// service period overlapping from..to (YYYY-MM-DD) and whose ledger has no active entry held
// from..to. The periods come first, mostly kept (periodMemo): only the contracts in service
// then are looked for in the ledger, not all those a city ever signed.
func (q *Q) ContractsWithoutEntries(ctx context.Context, s Scope, from, to string) (int, error) {
	w := &where{}
	w.add("ct.state = 'signed'")
	contractScope(w, s)
	rows, err := q.Query(ctx, `SELECT ct.id, v.version FROM contracts ct JOIN contract_versions v ON v.contract_id = ct.id AND v.state = 'effective'`+
		w.sql(), w.args...)
	if err != nil {
		return 0, err
	}
	var vs [][2]int64
	for rows.Next() {
		var v [2]int64
		if err := rows.Scan(&v[0], &v[1]); err != nil {
			rows.Close()
			return 0, mapErr(err)
		}
		vs = append(vs, v)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return 0, mapErr(err)
	}
	ps, err := q.inForcePeriods(ctx, vs)
	if err != nil {
		return 0, err
	}
	var serving []int64
	for id, p := range ps {
		if p[0] <= to && p[1] >= from {
			serving = append(serving, id)
		}
	}
	n := 0
	for start := 0; start < len(serving); start += 500 {
		chunk := serving[start:min(start+500, len(serving))]
		var k int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM contracts ct WHERE ct.id IN `+inList(len(chunk))+`
			AND NOT EXISTS (SELECT 1 FROM service_entries e WHERE e.contract_id = ct.id AND e.state = 'active'
			AND e.held_on >= ? AND e.held_on <= ?)`, append(idArgs(chunk), from, to)...).Scan(&k); err != nil {
			return 0, mapErr(err)
		}
		n += k
	}
	return n, nil
}

// ---- surveys

const surveyCols = `s.id, s.contract_id, ct.title, s.org_id, s.place_code, s.margin_bp, s.seed, s.population, s.size, s.note,
	s.created_name, s.created_at, (SELECT COUNT(*) FROM survey_samples ss WHERE ss.survey_id = s.id AND ss.answer <> '')`

const surveyFrom = `surveys s JOIN contracts ct ON ct.id = s.contract_id`

func scanSurvey(sc scanner) (*gongzhi.Survey, error) {
	var s gongzhi.Survey
	var seed int64
	err := sc.Scan(&s.ID, &s.ContractID, &s.ContractTitle, &s.OrgID, &s.PlaceCode, &s.MarginBP, &seed, &s.Population, &s.Size,
		&s.Note, &s.CreatedBy, &s.CreatedAt, &s.Answered)
	s.Seed = uint64(seed)
	return &s, mapErr(err)
}

func surveyScope(w *where, s Scope) {
	w.scope(s, "s.org_id", "s.place_code")
}

// InsertSurvey adds a survey with its samples.
func (q *Q) InsertSurvey(ctx context.Context, s *gongzhi.Survey, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO surveys (contract_id, org_id, place_code, margin_bp, seed, population, size, note,
		created_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ContractID, s.OrgID, s.PlaceCode, s.MarginBP, int64(s.Seed),
		s.Population, s.Size, s.Note, s.CreatedBy, now.UTC())
	if err != nil {
		return err
	}
	s.ID, s.CreatedAt = id, now
	for i := range s.Samples {
		s.Samples[i].SurveyID = id
		if _, err := q.Exec(ctx, `INSERT INTO survey_samples (survey_id, person_id, place_code) VALUES (?, ?, ?)`, id,
			s.Samples[i].PersonID, s.Samples[i].PlaceCode); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// GetSurvey returns a survey within scope with its samples.
func (q *Q) GetSurvey(ctx context.Context, sc Scope, id int64) (*gongzhi.Survey, error) {
	w := &where{}
	w.add("s.id = ?", id)
	surveyScope(w, sc)
	s, err := scanSurvey(q.QueryRow(ctx, "SELECT "+surveyCols+" FROM "+surveyFrom+w.sql(), w.args...))
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT ss.survey_id, ss.person_id, pe.name, ss.place_code, COALESCE(pl.name, ''), ss.answer, ss.score,
		ss.comment, ss.answered_name, ss.answered_at FROM survey_samples ss JOIN people pe ON pe.id = ss.person_id
		LEFT JOIN places pl ON pl.code = ss.place_code WHERE ss.survey_id = ? ORDER BY ss.place_code, ss.person_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var x gongzhi.SurveySample
		var at sql.NullTime
		if err := rows.Scan(&x.SurveyID, &x.PersonID, &x.Name, &x.PlaceCode, &x.PlaceName, &x.Answer, &x.Score, &x.Comment,
			&x.AnsweredBy, &at); err != nil {
			return nil, mapErr(err)
		}
		x.AnsweredAt = at.Time
		s.Samples = append(s.Samples, x)
	}
	return s, mapErr(rows.Err())
}

var surveySorts = map[string]string{"created_at": "s.created_at", "size": "s.size"}

// ListSurveys lists surveys (without samples). Filters: contract.
func (q *Q) ListSurveys(ctx context.Context, sc Scope, opts ListOptions, each func(*gongzhi.Survey) error) (int, error) {
	w := &where{}
	surveyScope(w, sc)
	w.search(opts.Q, "ct.title")
	if v := opts.Filters["contract"]; v != "" {
		w.add("s.contract_id = ?", atoiOr(v, -1))
	}
	return list(ctx, q, surveyCols, surveyFrom, w, orderBy(opts, surveySorts, "s.id DESC", "s.id"), opts, scanSurvey, each)
}

// AnswerSample records a sampled person's answer (reports ENOTFOUND for a person not sampled).
func (q *Q) AnswerSample(ctx context.Context, x *gongzhi.SurveySample, now time.Time) error {
	res, err := q.Exec(ctx, `UPDATE survey_samples SET answer = ?, score = ?, comment = ?, answered_name = ?, answered_at = ?
		WHERE survey_id = ? AND person_id = ?`, x.Answer, x.Score, x.Comment, x.AnsweredBy, now.UTC(), x.SurveyID, x.PersonID)
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return gongzhi.NotFound()
	}
	x.AnsweredAt = now
	return nil
}

// SurveysOpen counts surveys within scope with samples not yet answered.
func (q *Q) SurveysOpen(ctx context.Context, sc Scope) (int, error) {
	w := &where{}
	surveyScope(w, sc)
	w.add("EXISTS (SELECT 1 FROM survey_samples ss WHERE ss.survey_id = s.id AND ss.answer = '')")
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM surveys s"+w.sql(), w.args...).Scan(&n)
	return n, mapErr(err)
}

// MonthSatisfaction is one month's count of answers and ratings, and how many were satisfied.
type MonthSatisfaction struct{ Responses, Satisfied int }

// SatisfactionByMonth counts the survey answers (not unreachable) and residents' ratings given
// on contracts within scope in each period between consecutive bounds (UTC instants, ascending):
// out[i] is bounds[i]..bounds[i+1]. The database sums them (one query, no row per answer read
// back), so the dashboard's trend does not grow with the answers.
func (q *Q) SatisfactionByMonth(ctx context.Context, sc Scope, bounds []time.Time) ([]MonthSatisfaction, error) {
	out := make([]MonthSatisfaction, max(len(bounds)-1, 0))
	if len(out) == 0 {
		return out, nil
	}
	from, to := bounds[0].UTC(), bounds[len(bounds)-1].UTC()
	w := &where{}
	surveyScope(w, sc)
	w.add("ss.answer IN ('satisfied', 'unsatisfied') AND ss.answered_at >= ? AND ss.answered_at < ?", from, to)
	w2 := &where{}
	w2.scope(sc, "ct.org_id", "r.place_code")
	w2.add("r.created_at >= ? AND r.created_at < ?", from, to)
	var bucket strings.Builder
	var args []any
	if len(out) == 1 {
		bucket.WriteString("0")
	} else {
		bucket.WriteString("CASE")
		for i, b := range bounds[1 : len(bounds)-1] {
			bucket.WriteString(" WHEN x.given_at < ? THEN " + strconv.Itoa(i))
			args = append(args, b.UTC())
		}
		bucket.WriteString(" ELSE " + strconv.Itoa(len(out)-1) + " END")
	}
	query := `SELECT ` + bucket.String() + `, COUNT(*), COALESCE(SUM(x.sat), 0) FROM (
		SELECT ss.answered_at AS given_at, CASE WHEN ss.answer = 'satisfied' THEN 1 ELSE 0 END AS sat
		FROM survey_samples ss JOIN surveys s ON s.id = ss.survey_id` + w.sql() + `
		UNION ALL SELECT r.created_at AS given_at, CASE WHEN r.score >= 4 THEN 1 ELSE 0 END AS sat
		FROM service_ratings r JOIN contracts ct ON ct.id = r.contract_id` + w2.sql() + `) x GROUP BY 1`
	args = append(append(args, w.args...), w2.args...)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i, n, sat int
		if err := rows.Scan(&i, &n, &sat); err != nil {
			return nil, mapErr(err)
		}
		if i >= 0 && i < len(out) {
			out[i] = MonthSatisfaction{Responses: n, Satisfied: sat}
		}
	}
	return out, mapErr(rows.Err())
}

// ---- residents' ratings

// MyServices lists the active entries a person took part in, newest first, with their rating.
func (q *Q) MyServices(ctx context.Context, personID int64) ([]gongzhi.MyService, error) {
	rows, err := q.Query(ctx, `SELECT e.id, ct.title, ct.provider_name, e.kind, e.title, e.held_on, e.venue,
		COALESCE(r.id, 0), COALESCE(r.score, 0), COALESCE(r.comment, ''), r.created_at
		FROM service_entry_people sp JOIN service_entries e ON e.id = sp.entry_id JOIN contracts ct ON ct.id = e.contract_id
		LEFT JOIN service_ratings r ON r.entry_id = e.id AND r.person_id = sp.person_id
		WHERE sp.person_id = ? AND e.state = 'active' ORDER BY e.held_on DESC, e.id DESC`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.MyService
	for rows.Next() {
		var m gongzhi.MyService
		var r gongzhi.ServiceRating
		var at sql.NullTime
		if err := rows.Scan(&m.EntryID, &m.ContractTitle, &m.ProviderName, &m.Kind, &m.Title, &m.HeldOn, &m.Venue, &r.ID, &r.Score,
			&r.Comment, &at); err != nil {
			return nil, mapErr(err)
		}
		if r.ID != 0 {
			r.EntryID, r.PersonID, r.CreatedAt = m.EntryID, personID, at.Time
			m.Rating = &r
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// TookPart reports whether a person is a named participant of an active entry.
func (q *Q) TookPart(ctx context.Context, entryID, personID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM service_entry_people sp JOIN service_entries e ON e.id = sp.entry_id
		WHERE sp.entry_id = ? AND sp.person_id = ? AND e.state = 'active'`, entryID, personID).Scan(&n)
	return n > 0, mapErr(err)
}

// InsertRating adds a rating (a UniqueError when the person already rated the entry).
func (q *Q) InsertRating(ctx context.Context, r *gongzhi.ServiceRating, contractID, userID int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO service_ratings (entry_id, contract_id, place_code, person_id, user_id, score, comment, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.EntryID, contractID, r.PlaceCode, r.PersonID, nullID(userID), r.Score, r.Comment, now.UTC())
	r.ID, r.CreatedAt = id, now
	return err
}

// ContractCommunities returns the communities a contract's application serves.
func (q *Q) ContractCommunities(ctx context.Context, contractID int64) ([]string, error) {
	var s string
	err := q.QueryRow(ctx, `SELECT ap.communities FROM contracts ct JOIN applications ap ON ap.id = ct.application_id WHERE ct.id = ?`,
		contractID).Scan(&s)
	if err != nil {
		return nil, mapErr(err)
	}
	if strings.HasPrefix(s, "[") {
		var out []string
		err := fromJSON(s, &out)
		return out, err
	}
	return splitList(s), nil
}

// ContractInForce returns a contract within s with its version in force (Current; nil before
// signing) and the communities its application serves, in one query, without the contract's
// version history. (A ledger write reads less: LedgerContractOf.)
func (q *Q) ContractInForce(ctx context.Context, s Scope, id int64) (*gongzhi.Contract, []string, error) {
	w := &where{}
	w.add("ct.id = ?", id)
	contractScope(w, s)
	return scanInForce(q.QueryRow(ctx, inForceSelect+w.sql(), w.args...))
}

// LedgerContract is what a ledger write needs of its contract (LedgerContractOf): who and where,
// whether it is signed with a version in force, that version's service period, and the
// communities its application serves.
type LedgerContract struct {
	ID, OrgID                             int64
	PlaceCode, Title, ProviderName, State string
	InForce                               bool // a version is in force
	StartOn, EndOn                        string
	Served                                []string
}

// LedgerContractOf reads a contract within s for a ledger write, with the people of the registry
// the entry names (id → person, for those that exist), in one query of the columns the write
// needs (issue 10: ContractInForce's whole contract and terms, then the people, were two
// statements and a tenth of a write's processor time). The period is read from the terms of the
// version in force; the periods of the terms seen last are kept, by the terms' text, so that a
// contract's entries do not decode the same terms again and again.
func (q *Q) LedgerContractOf(ctx context.Context, s Scope, id int64, people []int64) (*LedgerContract, map[int64]LedgerPerson, error) {
	cols := `ct.id, ct.org_id, ct.place_code, ct.title, ct.provider_name, ct.state, v.terms, ap.communities`
	from := ` FROM contracts ct LEFT JOIN contract_versions v ON v.contract_id = ct.id AND v.state = 'effective'
		LEFT JOIN applications ap ON ap.id = ct.application_id`
	var args []any
	joined := len(people) > 0 && len(people) <= 500
	if joined {
		cols += `, pe.id, pe.kind, pe.name, pe.place_code`
		from += ` LEFT JOIN people pe ON pe.id IN ` + inList(len(people))
		for _, p := range people {
			args = append(args, p)
		}
	}
	w := &where{}
	w.add("ct.id = ?", id)
	contractScope(w, s)
	rows, err := q.Query(ctx, `SELECT `+cols+from+w.sql(), append(args, w.args...)...)
	if err != nil {
		return nil, nil, err
	}
	var c *LedgerContract
	var terms, comms sql.NullString
	found := make(map[int64]LedgerPerson, len(people))
	for rows.Next() {
		var x LedgerContract
		var pid sql.NullInt64
		var kind, name, place sql.NullString
		dest := []any{&x.ID, &x.OrgID, &x.PlaceCode, &x.Title, &x.ProviderName, &x.State, &terms, &comms}
		if joined {
			dest = append(dest, &pid, &kind, &name, &place)
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, nil, mapErr(err)
		}
		if c == nil {
			c = &x
		}
		if pid.Valid {
			found[pid.Int64] = LedgerPerson{ID: pid.Int64, Kind: kind.String, Name: name.String, PlaceCode: place.String}
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, nil, mapErr(err)
	}
	if c == nil {
		return nil, nil, mapErr(sql.ErrNoRows)
	}
	if c.InForce = terms.Valid; c.InForce {
		p, err := periodOf(terms.String)
		if err != nil {
			return nil, nil, err
		}
		c.StartOn, c.EndOn = p[0], p[1]
	}
	if strings.HasPrefix(comms.String, "[") {
		if err := fromJSON(comms.String, &c.Served); err != nil {
			return nil, nil, err
		}
	} else {
		c.Served = splitList(comms.String)
	}
	if len(people) > 0 && !joined {
		if found, err = q.LedgerPeople(ctx, people); err != nil {
			return nil, nil, err
		}
	}
	return c, found, nil
}

// periods keeps the service period of the contract terms decoded last, by the terms' JSON text
// (a value of the text alone, so never stale); at most 512, forgotten all at once beyond.
var periods struct {
	sync.Mutex
	of map[string][2]string
}

func periodOf(terms string) ([2]string, error) {
	periods.Lock()
	p, ok := periods.of[terms]
	periods.Unlock()
	if ok {
		return p, nil
	}
	var t struct {
		StartOn string `json:"start_on"`
		EndOn   string `json:"end_on"`
	}
	if err := fromJSON(terms, &t); err != nil {
		return p, err
	}
	p = [2]string{t.StartOn, t.EndOn}
	periods.Lock()
	if periods.of == nil || len(periods.of) >= 512 {
		periods.of = map[string][2]string{}
	}
	periods.of[terms] = p
	periods.Unlock()
	return p, nil
}

// ContractsInForce is ContractInForce for many contracts at once, ignoring scope (the caller
// listed them within its own): contract ID → the contract with its version in force, for those
// found. It asks 500 contracts per query.
func (q *Q) ContractsInForce(ctx context.Context, ids []int64) (map[int64]*gongzhi.Contract, error) {
	out := make(map[int64]*gongzhi.Contract, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.Query(ctx, inForceSelect+" WHERE ct.id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			ct, _, err := scanInForce(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[ct.ID] = ct
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

const inForceSelect = `SELECT ` + contractCols + `, v.contract_id, v.version, v.state, v.amount, v.terms,
		v.reason, v.created_name, v.created_at, v.purchaser_confirmed_by, v.purchaser_confirmed_at, v.provider_confirmed_by,
		v.provider_confirmed_at, v.effective_at, ap.communities FROM ` + contractFrom + `
		LEFT JOIN contract_versions v ON v.contract_id = ct.id AND v.state = 'effective'
		LEFT JOIN applications ap ON ap.id = ct.application_id`

// scanInForce reads a row of inForceSelect: the contract, its version in force and the
// communities its application serves.
func scanInForce(s scanner) (*gongzhi.Contract, []string, error) {
	var (
		vContract, vAmount                      sql.NullInt64
		vVersion                                sql.NullInt64
		vState, vTerms, vReason, vBy, pBy, prBy sql.NullString
		vAt, pAt, prAt, eff                     sql.NullTime
		comms                                   sql.NullString
	)
	ct, err := scanContract(dashExtraScan{s,
		[]any{&vContract, &vVersion, &vState, &vAmount, &vTerms, &vReason, &vBy, &vAt, &pBy, &pAt, &prBy, &prAt, &eff, &comms}})
	if err != nil {
		return nil, nil, err
	}
	if vContract.Valid {
		v := &gongzhi.ContractVersion{ContractID: vContract.Int64, Version: int(vVersion.Int64), State: vState.String, Reason: vReason.String,
			CreatedBy: vBy.String, CreatedAt: vAt.Time, PurchaserConfirmedBy: pBy.String, PurchaserConfirmedAt: pAt.Time,
			ProviderConfirmedBy: prBy.String, ProviderConfirmedAt: prAt.Time, EffectiveAt: eff.Time}
		if err := parseTerms(vTerms.String, &v.Terms); err != nil {
			return nil, nil, err
		}
		v.Terms.Amount = gongzhi.Money(vAmount.Int64)
		ct.Current = v
	}
	var served []string
	if strings.HasPrefix(comms.String, "[") {
		if err := fromJSON(comms.String, &served); err != nil {
			return nil, nil, err
		}
	} else {
		served = splitList(comms.String)
	}
	return ct, served, nil
}

// LedgerPerson is what the ledger needs of a person of the registry.
type LedgerPerson struct {
	ID         int64
	Kind, Name string
	PlaceCode  string
}

// LedgerPeople reads the people of ids (ignoring scope) in one query per 500: id → person, for
// those that exist.
func (q *Q) LedgerPeople(ctx context.Context, ids []int64) (map[int64]LedgerPerson, error) {
	out := make(map[int64]LedgerPerson, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.Query(ctx, `SELECT id, kind, name, place_code FROM people WHERE id IN `+inList(len(chunk)), args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p LedgerPerson
			if err := rows.Scan(&p.ID, &p.Kind, &p.Name, &p.PlaceCode); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			out[p.ID] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}
