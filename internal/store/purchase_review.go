// Storage of the expert review and its outcome: the expert pool, the panel draw, conflicts of
// interest, scores, awards and objections to the public notice.

package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"gongzhi"
)

// ---- the expert pool and the panel

// ExpertPool returns the experts a call may draw from, by ascending id, with the organization
// each is affiliated with (0 for none): people of kind expert registered at the call's place
// or below (prefix) or at one of its ancestors (ancestors: full codes), having any of fields
// (no fields: every expert).
func (q *Q) ExpertPool(ctx context.Context, prefix string, ancestors []string, fields []string) ([]int64, map[int64]int64, error) {
	w := &where{}
	w.add("kind = 'expert'")
	c, a := scopeRange("place_code", prefix)
	if len(ancestors) > 0 {
		c = "(" + c + " OR place_code IN (" + placeholders(len(ancestors)) + "))"
		for _, an := range ancestors {
			a = append(a, an)
		}
	}
	w.add(c, a...)
	if len(fields) > 0 {
		var ors []string
		var args []any
		for _, f := range fields {
			ors = append(ors, "expert_fields LIKE ?")
			args = append(args, "%,"+f+",%")
		}
		w.add("("+strings.Join(ors, " OR ")+")", args...)
	}
	rows, err := q.Query(ctx, `SELECT id, COALESCE(org_id, 0) FROM people`+w.sql()+` ORDER BY id`, w.args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	orgs := map[int64]int64{}
	for rows.Next() {
		var id, org int64
		if err := rows.Scan(&id, &org); err != nil {
			return nil, nil, mapErr(err)
		}
		ids = append(ids, id)
		orgs[id] = org
	}
	return ids, orgs, mapErr(rows.Err())
}

// PersonOrg returns the organization a person is affiliated with (0 for none).
func (q *Q) PersonOrg(ctx context.Context, personID int64) (int64, error) {
	var org sql.NullInt64
	err := q.QueryRow(ctx, `SELECT org_id FROM people WHERE id = ?`, personID).Scan(&org)
	return org.Int64, mapErr(err)
}

// PeopleOrgs returns the organization each person is affiliated with (0 for none).
func (q *Q) PeopleOrgs(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		end := min(start+batch, len(ids))
		rows, err := q.Query(ctx, `SELECT id, COALESCE(org_id, 0) FROM people WHERE id IN (`+placeholders(end-start)+`)`, idArgs(ids[start:end])...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, org int64
			if err := rows.Scan(&id, &org); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			out[id] = org
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

// InsertPanelMembers records experts examined by a draw.
func (q *Q) InsertPanelMembers(ctx context.Context, callID int64, ms []gongzhi.PanelMember) error {
	for _, m := range ms {
		if _, err := q.Exec(ctx, `INSERT INTO panel_members (call_id, seq, person_id, outcome, reason, detail) VALUES (?, ?, ?, ?, ?, ?)`,
			callID, m.Seq, m.PersonID, m.Outcome, m.Reason, m.Detail); err != nil {
			return err
		}
	}
	return nil
}

const panelCols = `m.call_id, m.seq, m.person_id, COALESCE(pe.name, ''), COALESCE(pe.affiliation, ''), COALESCE(pe.expert_fields, ''),
	m.outcome, m.reason, m.detail, m.declared_at, m.excluded_at,
	(SELECT COUNT(*) FROM review_scores s WHERE s.call_id = m.call_id AND s.person_id = m.person_id)`

func scanPanelMember(s scanner) (*gongzhi.PanelMember, error) {
	var m gongzhi.PanelMember
	var fields string
	var declared, excluded sql.NullTime
	err := s.Scan(&m.CallID, &m.Seq, &m.PersonID, &m.Name, &m.Affiliation, &fields, &m.Outcome, &m.Reason, &m.Detail, &declared,
		&excluded, &m.Scored)
	m.Fields, m.DeclaredAt, m.ExcludedAt = splitList(fields), declared.Time, excluded.Time
	return &m, mapErr(err)
}

// ListPanel returns every expert a call's draw examined, in draw order.
func (q *Q) ListPanel(ctx context.Context, callID int64) ([]gongzhi.PanelMember, error) {
	rows, err := q.Query(ctx, `SELECT `+panelCols+` FROM panel_members m LEFT JOIN people pe ON pe.id = m.person_id
		WHERE m.call_id = ? ORDER BY m.seq`, callID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.PanelMember
	for rows.Next() {
		m, err := scanPanelMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, mapErr(rows.Err())
}

// GetPanelMember returns one expert's line of a call's draw (ENOTFOUND if the draw never
// examined them).
func (q *Q) GetPanelMember(ctx context.Context, callID, personID int64) (*gongzhi.PanelMember, error) {
	return scanPanelMember(q.QueryRow(ctx, `SELECT `+panelCols+` FROM panel_members m LEFT JOIN people pe ON pe.id = m.person_id
		WHERE m.call_id = ? AND m.person_id = ?`, callID, personID))
}

// ExcludePanelMember takes a selected expert off the panel with the reason; ECONFLICT (state:
// state.changed) if they are no longer selected.
func (q *Q) ExcludePanelMember(ctx context.Context, callID, personID int64, reason, detail string, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE panel_members SET outcome = 'excluded', reason = ?, detail = ?, excluded_at = ?
		WHERE call_id = ? AND person_id = ? AND outcome = 'selected'`, reason, detail, now.UTC(), callID, personID))
}

// DeclareNoConflict stamps a selected member's declaration that they have no conflict in the
// call, once: ECONFLICT (state: state.changed) if they declared already or are no longer
// selected.
func (q *Q) DeclareNoConflict(ctx context.Context, callID, personID int64, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE panel_members SET declared_at = ? WHERE call_id = ? AND person_id = ? AND declared_at IS NULL
		AND outcome = 'selected'`, now.UTC(), callID, personID))
}

// PanelCalls returns the ids of the calls whose draw examined a person.
func (q *Q) PanelCalls(ctx context.Context, personID int64) ([]int64, error) {
	return q.ids(ctx, `SELECT call_id FROM panel_members WHERE person_id = ? ORDER BY call_id`, personID)
}

// ---- conflicts of interest

// InsertConflict records a conflict of an expert with an organization (and, if known, one of
// its applications) in a call.
func (q *Q) InsertConflict(ctx context.Context, callID, personID, orgID, appID int64, reason string, userID int64, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO review_conflicts (call_id, person_id, org_id, application_id, reason, declared_by, declared_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, callID, personID, orgID, nullID(appID), reason, nullID(userID), now.UTC())
	return err
}

// ConflictOrgs returns the organizations an expert has a recorded conflict with in a call.
func (q *Q) ConflictOrgs(ctx context.Context, callID, personID int64) ([]int64, error) {
	return q.ids(ctx, `SELECT DISTINCT org_id FROM review_conflicts WHERE call_id = ? AND person_id = ? ORDER BY org_id`, callID, personID)
}

// CallConflicts returns every recorded conflict of a call: person → organizations.
func (q *Q) CallConflicts(ctx context.Context, callID int64) (map[int64][]int64, error) {
	rows, err := q.Query(ctx, `SELECT person_id, org_id FROM review_conflicts WHERE call_id = ? ORDER BY person_id, org_id`, callID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var p, o int64
		if err := rows.Scan(&p, &o); err != nil {
			return nil, mapErr(err)
		}
		out[p] = append(out[p], o)
	}
	return out, mapErr(rows.Err())
}

// ---- scores

// InsertScore stores an expert's scores for an application; a second score by the same expert
// for the same application is a unique violation. enteredBy is the account that transcribed a
// paper sheet, 0 for the expert's own.
func (q *Q) InsertScore(ctx context.Context, s *gongzhi.Score, enteredBy int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO review_scores (call_id, application_id, person_id, criteria, total, comment, submitted_at, entered_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.CallID, s.ApplicationID, s.PersonID, jsonText(s.Criteria), s.Total, s.Comment, now.UTC(), nullID(enteredBy))
	s.ID, s.SubmittedAt = id, now
	return err
}

// HasScored reports whether an expert has scored an application.
func (q *Q) HasScored(ctx context.Context, appID, personID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM review_scores WHERE application_id = ? AND person_id = ?`, appID, personID).Scan(&n)
	return n > 0, mapErr(err)
}

// ListScores returns the scores of a call (appID 0) or of one application, by application and
// submission.
func (q *Q) ListScores(ctx context.Context, callID, appID int64) ([]gongzhi.Score, error) {
	w := &where{}
	w.add("s.call_id = ?", callID)
	if appID != 0 {
		w.add("s.application_id = ?", appID)
	}
	rows, err := q.Query(ctx, `SELECT s.id, s.call_id, s.application_id, s.person_id, COALESCE(pe.name, ''), s.criteria, s.total,
		s.comment, s.submitted_at, COALESCE(eu.display_name, '') FROM review_scores s LEFT JOIN people pe ON pe.id = s.person_id
		LEFT JOIN users eu ON eu.id = s.entered_by`+w.sql()+
		` ORDER BY s.application_id, s.submitted_at, s.id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.Score
	for rows.Next() {
		var s gongzhi.Score
		var crit string
		if err := rows.Scan(&s.ID, &s.CallID, &s.ApplicationID, &s.PersonID, &s.ExpertName, &crit, &s.Total, &s.Comment, &s.SubmittedAt, &s.EnteredBy); err != nil {
			return nil, mapErr(err)
		}
		if err := fromJSON(crit, &s.Criteria); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

// ScoreStats are the scores that count for one application: their number, sum, lowest and
// highest total.
type ScoreStats struct {
	N           int
	Sum, Lo, Hi gongzhi.Points
}

// CountingScores sums, per application of a call, the scores that count: those of the given
// experts (the members still on the panel) except, for each expert, the applications in
// excluded (those they have a conflict with). The database aggregates from the covering index
// review_scores_call alone; the rule is applied by the caller.
func (q *Q) CountingScores(ctx context.Context, callID int64, persons []int64, excluded map[int64][]int64) (map[int64]ScoreStats, error) {
	out := map[int64]ScoreStats{}
	if len(persons) == 0 {
		return out, nil
	}
	w := &where{}
	w.add("call_id = ?", callID)
	w.add("person_id IN ("+placeholders(len(persons))+")", idArgs(persons)...)
	for p, apps := range excluded {
		if len(apps) > 0 {
			w.add("NOT (person_id = ? AND application_id IN ("+placeholders(len(apps))+"))", append([]any{p}, idArgs(apps)...)...)
		}
	}
	rows, err := q.Query(ctx, `SELECT application_id, COUNT(*), SUM(total), MIN(total), MAX(total) FROM review_scores`+w.sql()+
		` GROUP BY application_id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var st ScoreStats
		if err := rows.Scan(&id, &st.N, &st.Sum, &st.Lo, &st.Hi); err != nil {
			return nil, mapErr(err)
		}
		out[id] = st
	}
	return out, mapErr(rows.Err())
}

// ---- awards

const awardCols = `w.id, w.call_id, w.application_id, w.org_id, COALESCE(o.name, ''), a.title, COALESCE(a.category_code, ''), a.rank_no,
	a.score, a.requested, w.amount, w.state, w.note, w.overturn_reason, COALESCE(ct.id, 0), w.created_at, w.updated_at, w.price_exception`

const awardFrom = `awards w JOIN applications a ON a.id = w.application_id JOIN calls c ON c.id = w.call_id
	LEFT JOIN organizations o ON o.id = w.org_id LEFT JOIN contracts ct ON ct.award_id = w.id`

func scanAward(s scanner) (*gongzhi.Award, error) {
	var w gongzhi.Award
	err := s.Scan(&w.ID, &w.CallID, &w.ApplicationID, &w.OrgID, &w.OrgName, &w.Title, &w.CategoryCode, &w.Rank, &w.Score, &w.Requested,
		&w.Amount, &w.State, &w.Note, &w.OverturnReason, &w.ContractID, &w.CreatedAt, &w.UpdatedAt, &w.PriceException)
	return &w, mapErr(err)
}

// awardScope limits awards like applications: the provider's own, or the calls of a place.
func awardScope(w *where, s Scope) {
	w.scope(s, "w.org_id", "c.place_code")
}

// GetAward returns an award within scope.
func (q *Q) GetAward(ctx context.Context, s Scope, id int64) (*gongzhi.Award, error) {
	w := &where{}
	w.add("w.id = ?", id)
	awardScope(w, s)
	return scanAward(q.QueryRow(ctx, "SELECT "+awardCols+" FROM "+awardFrom+w.sql(), w.args...))
}

// AwardOf returns the award of an application (ENOTFOUND if none).
func (q *Q) AwardOf(ctx context.Context, appID int64) (*gongzhi.Award, error) {
	return scanAward(q.QueryRow(ctx, "SELECT "+awardCols+" FROM "+awardFrom+" WHERE w.application_id = ?", appID))
}

// ListAwards returns a call's awards in rank order; states limits them ("" for all).
func (q *Q) ListAwards(ctx context.Context, callID int64, states ...string) ([]*gongzhi.Award, error) {
	w := &where{}
	w.add("w.call_id = ?", callID)
	if len(states) > 0 {
		args := make([]any, len(states))
		for i, s := range states {
			args[i] = s
		}
		w.add("w.state IN ("+placeholders(len(states))+")", args...)
	}
	rows, err := q.Query(ctx, "SELECT "+awardCols+" FROM "+awardFrom+w.sql()+" ORDER BY a.rank_no, w.id", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Award
	for rows.Next() {
		a, err := scanAward(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, mapErr(rows.Err())
}

// SumAwards returns the total of a call's live (not overturned) awards.
func (q *Q) SumAwards(ctx context.Context, callID int64) (gongzhi.Money, error) {
	var m gongzhi.Money
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM awards WHERE call_id = ? AND state <> 'overturned'`, callID).Scan(&m)
	return m, mapErr(err)
}

// InsertAwards adds proposed awards in batched statements.
func (q *Q) InsertAwards(ctx context.Context, ws []*gongzhi.Award, now time.Time) error {
	const batch = 200
	for start := 0; start < len(ws); start += batch {
		end := min(start+batch, len(ws))
		var b strings.Builder
		b.WriteString(`INSERT INTO awards (call_id, application_id, org_id, amount, state, note, created_at, updated_at, price_exception) VALUES `)
		args := make([]any, 0, 9*(end-start))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
			w := ws[i]
			args = append(args, w.CallID, w.ApplicationID, w.OrgID, w.Amount, w.State, w.Note, now.UTC(), now.UTC(), w.PriceException)
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// UpdateAwardAmount changes a proposed award's amount with the purchaser's note.
func (q *Q) UpdateAwardAmount(ctx context.Context, id int64, amount gongzhi.Money, note string, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE awards SET amount = ?, note = ?, updated_at = ? WHERE id = ?`, amount, note, now.UTC(), id)
	return err
}

// SetAwardPriceException records why an award lies outside its category's price range ("": it
// lies within).
func (q *Q) SetAwardPriceException(ctx context.Context, id int64, reason string) error {
	_, err := q.Exec(ctx, `UPDATE awards SET price_exception = ? WHERE id = ?`, reason, id)
	return err
}

// DeleteAward removes a proposed award.
func (q *Q) DeleteAward(ctx context.Context, id int64) error {
	_, err := q.Exec(ctx, `DELETE FROM awards WHERE id = ? AND state = 'proposed'`, id)
	return err
}

// DeleteProposedAwards removes every proposed award of a call (before a new proposal).
func (q *Q) DeleteProposedAwards(ctx context.Context, callID int64) error {
	_, err := q.Exec(ctx, `DELETE FROM awards WHERE call_id = ? AND state = 'proposed'`, callID)
	return err
}

// SetAwardState moves one award from state from to state to; reason is kept when it is
// overturned. ECONFLICT (state: state.changed) if it is no longer in from.
func (q *Q) SetAwardState(ctx context.Context, id int64, from, to, reason string, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE awards SET state = ?, overturn_reason = ?, updated_at = ? WHERE id = ? AND state = ?`,
		to, reason, now.UTC(), id, from))
}

// MoveCallAwards moves every award of a call in state from to state to.
func (q *Q) MoveCallAwards(ctx context.Context, callID int64, from, to string, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE awards SET state = ?, updated_at = ? WHERE call_id = ? AND state = ?`, to, now.UTC(), callID, from)
	return err
}

// SettleApplications moves a call's eligible applications to awarded (those with a live award)
// or not_funded (the rest) when the results are published.
func (q *Q) SettleApplications(ctx context.Context, callID int64, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE applications SET state = CASE WHEN EXISTS (SELECT 1 FROM awards w WHERE w.application_id = applications.id
		AND w.state <> 'overturned') THEN 'awarded' ELSE 'not_funded' END, updated_at = ? WHERE call_id = ? AND state = 'eligible'`,
		now.UTC(), callID)
	return err
}

// InsertStateChanges appends many history lines in batched statements.
func (q *Q) InsertStateChanges(ctx context.Context, cs []gongzhi.StateChange) error {
	const batch = 200
	for start := 0; start < len(cs); start += batch {
		end := min(start+batch, len(cs))
		var b strings.Builder
		b.WriteString(`INSERT INTO purchase_history (at, call_id, application_id, entity, entity_id, from_state, to_state, user_id,
			username, role, note_code, note_args) VALUES `)
		args := make([]any, 0, 12*(end-start))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			c := cs[i]
			if err := c.Note.Check(); err != nil {
				return err
			}
			args = append(args, c.At.UTC(), nullID(c.CallID), nullID(c.AppID), c.Entity, c.EntityID, c.From, c.To, nullID(c.UserID),
				c.Username, c.Role, c.Note.Code, c.Note.ArgsJSON())
		}
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// ---- objections

const objectionCols = `id, call_id, COALESCE(application_id, 0), name, contact, body, state, filed_at, answer, upheld, overturned,
	answered_name, answered_at`

func scanObjection(s scanner) (*gongzhi.Objection, error) {
	var o gongzhi.Objection
	var answered sql.NullTime
	err := s.Scan(&o.ID, &o.CallID, &o.ApplicationID, &o.Name, &o.Contact, &o.Body, &o.State, &o.FiledAt, &o.Answer, &o.Upheld,
		&o.Overturned, &o.AnsweredBy, &answered)
	o.AnsweredAt = answered.Time
	return &o, mapErr(err)
}

// InsertObjection records an objection; userID is 0 for the public.
func (q *Q) InsertObjection(ctx context.Context, o *gongzhi.Objection, userID int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO objections (call_id, application_id, name, contact, body, state, filed_by, filed_at)
		VALUES (?, ?, ?, ?, ?, 'open', ?, ?)`, o.CallID, nullID(o.ApplicationID), o.Name, o.Contact, o.Body, nullID(userID), now.UTC())
	o.ID, o.State, o.FiledAt = id, gongzhi.ObjectionOpen, now
	return err
}

// GetObjection returns an objection.
func (q *Q) GetObjection(ctx context.Context, id int64) (*gongzhi.Objection, error) {
	return scanObjection(q.QueryRow(ctx, `SELECT `+objectionCols+` FROM objections WHERE id = ?`, id))
}

// ListObjections returns a call's objections in the order they were filed.
func (q *Q) ListObjections(ctx context.Context, callID int64) ([]*gongzhi.Objection, error) {
	rows, err := q.Query(ctx, `SELECT `+objectionCols+` FROM objections WHERE call_id = ? ORDER BY filed_at, id`, callID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Objection
	for rows.Next() {
		o, err := scanObjection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, mapErr(rows.Err())
}

// AnswerObjection records the purchaser's answer to an open objection, once: ECONFLICT (state:
// state.changed) if it is answered already.
func (q *Q) AnswerObjection(ctx context.Context, o *gongzhi.Objection, userID int64, now time.Time) error {
	err := changed(q.Exec(ctx, `UPDATE objections SET state = 'answered', answer = ?, upheld = ?, overturned = ?, answered_by = ?,
		answered_name = ?, answered_at = ? WHERE id = ? AND state = 'open'`, o.Answer, o.Upheld, o.Overturned, nullID(userID), o.AnsweredBy,
		now.UTC(), o.ID))
	o.State, o.AnsweredAt = gongzhi.ObjectionAnswered, now
	return err
}
