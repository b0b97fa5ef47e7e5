// Storage of evaluations: the schemes of calls, the rounds of contracts with their panels and
// score sheets, the bonus the ranking of later calls reads, and the conflicts of interest
// recorded against an organization in any call.

package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"gongzhi"
)

// GetEvalScheme returns a call's stored scheme; ENOTFOUND when none is stored (the caller uses
// the default). Locked tells whether an evaluation of the call has started.
func (q *Q) GetEvalScheme(ctx context.Context, callID int64) (*gongzhi.EvalScheme, error) {
	var s gongzhi.EvalScheme
	var text string
	var at time.Time
	if err := q.QueryRow(ctx, `SELECT scheme, updated_at FROM evaluation_schemes WHERE call_id = ?`, callID).Scan(&text, &at); err != nil {
		return nil, mapErr(err)
	}
	if err := fromJSON(text, &s); err != nil {
		return nil, err
	}
	s.CallID, s.UpdatedAt = callID, at
	return &s, nil
}

// EvalStarted reports whether an evaluation of the call exists.
func (q *Q) EvalStarted(ctx context.Context, callID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM evaluations WHERE call_id = ?`, callID).Scan(&n)
	return n > 0, mapErr(err)
}

// PutEvalScheme stores a call's scheme, replacing the one stored.
func (q *Q) PutEvalScheme(ctx context.Context, s *gongzhi.EvalScheme, userID int64, now time.Time) error {
	c := *s
	c.Locked, c.UpdatedAt = false, time.Time{}
	res, err := q.Exec(ctx, `UPDATE evaluation_schemes SET scheme = ?, updated_by = ?, updated_at = ? WHERE call_id = ?`,
		jsonText(c), nullID(userID), now.UTC(), s.CallID)
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		_, err = q.Exec(ctx, `INSERT INTO evaluation_schemes (call_id, scheme, updated_by, updated_at) VALUES (?, ?, ?, ?)`,
			s.CallID, jsonText(c), nullID(userID), now.UTC())
	}
	s.UpdatedAt = now
	return mapErr(err)
}

// The contract's, call's and organization's names are looked up for the page's rows only (see
// needCols in purchase.go).
const evalCols = `e.id, e.contract_id, COALESCE((SELECT ct.title FROM contracts ct WHERE ct.id = e.contract_id), ''), e.call_id,
	COALESCE((SELECT c.title FROM calls c WHERE c.id = e.call_id), ''), e.org_id,
	COALESCE((SELECT o.name FROM organizations o WHERE o.id = e.org_id), ''),
	e.place_code, e.round, e.state, e.scheme, e.total, e.grade, e.grade_note, e.strengths, e.problems, e.bonus, e.barred_until,
	e.created_name, e.created_at, e.finalized_at, e.published_at`

const evalFrom = `evaluations e`

func scanEval(s scanner) (*gongzhi.Evaluation, error) {
	var e gongzhi.Evaluation
	var scheme string
	var fin, pub sql.NullTime
	err := s.Scan(&e.ID, &e.ContractID, &e.ContractTitle, &e.CallID, &e.CallTitle, &e.OrgID, &e.OrgName, &e.PlaceCode, &e.Round,
		&e.State, &scheme, &e.Total, &e.Grade, &e.GradeNote, &e.Strengths, &e.Problems, &e.Bonus, &e.BarredUntil, &e.CreatedBy,
		&e.CreatedAt, &fin, &pub)
	if err != nil {
		return nil, mapErr(err)
	}
	e.FinalizedAt, e.PublishedAt = fin.Time, pub.Time
	if err := fromJSON(scheme, &e.Scheme); err != nil {
		return nil, err
	}
	e.Scheme.CallID, e.Scheme.Locked = e.CallID, true
	return &e, nil
}

// EvalScope narrows evaluations: by place (staff), by organization and states (a provider), or
// to the rounds whose panel has the account as a member (MemberUserID).
type EvalScope struct {
	Scope
	States       []string
	MemberUserID int64
}

func evalScope(w *where, s EvalScope) {
	w.scope(s.Scope, "e.org_id", "e.place_code")
	if len(s.States) > 0 {
		w.add("e.state IN ("+placeholders(len(s.States))+")", strArgs(s.States)...)
	}
	if s.MemberUserID != 0 {
		w.add("e.id IN (SELECT evaluation_id FROM evaluation_members WHERE user_id = ?)", s.MemberUserID)
	}
}

func strArgs(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// GetEvaluation returns an evaluation within scope, without its members.
func (q *Q) GetEvaluation(ctx context.Context, s EvalScope, id int64) (*gongzhi.Evaluation, error) {
	w := &where{}
	w.add("e.id = ?", id)
	evalScope(w, s)
	return scanEval(q.QueryRow(ctx, "SELECT "+evalCols+" FROM "+evalFrom+w.sql(), w.args...))
}

var evalSorts = map[string]string{"created_at": "e.created_at", "total": "e.total", "published_at": "e.published_at"}

// ListEvaluations lists evaluations. Filters: contract, call, org, round, state, grade.
func (q *Q) ListEvaluations(ctx context.Context, s EvalScope, opts ListOptions, each func(*gongzhi.Evaluation) error) (int, error) {
	w := &where{}
	evalScope(w, s)
	if v := strings.TrimSpace(opts.Q); v != "" { // the contract's title or the organization's name (see where.search)
		w.add(`(e.contract_id IN (SELECT ct.id FROM contracts ct WHERE LOWER(ct.title) LIKE ? ESCAPE '\')
			OR e.org_id IN (SELECT o.id FROM organizations o WHERE LOWER(o.name) LIKE ? ESCAPE '\'))`, likeArg(v), likeArg(v))
	}
	for k, col := range map[string]string{"contract": "e.contract_id", "call": "e.call_id", "org": "e.org_id"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", atoiOr(v, -1))
		}
	}
	for k, col := range map[string]string{"round": "e.round", "state": "e.state", "grade": "e.grade"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", v)
		}
	}
	return list(ctx, q, evalCols, evalFrom, w, orderBy(opts, evalSorts, "e.id DESC", "e.id"), opts, scanEval, each)
}

// InsertEvaluation adds a round in state scoring with its members.
func (q *Q) InsertEvaluation(ctx context.Context, e *gongzhi.Evaluation, userID int64, now time.Time) error {
	sc := e.Scheme
	sc.Locked, sc.UpdatedAt = false, time.Time{}
	id, err := q.InsertID(ctx, `INSERT INTO evaluations (contract_id, call_id, org_id, place_code, round, state, scheme, created_by,
		created_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ContractID, e.CallID, e.OrgID, e.PlaceCode, e.Round,
		gongzhi.EvalScoring, jsonText(sc), nullID(userID), e.CreatedBy, now.UTC())
	if err != nil {
		return mapErr(err)
	}
	e.ID, e.State, e.CreatedAt = id, gongzhi.EvalScoring, now
	for i := range e.Members {
		m := &e.Members[i]
		m.EvaluationID, m.Seq = id, i
		if m.ID, err = q.InsertID(ctx, `INSERT INTO evaluation_members (evaluation_id, seq, kind, name, affiliation, user_id, person_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, i, m.Kind, m.Name, m.Affiliation, nullID(m.UserID), nullID(m.PersonID)); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// EvalMembers returns a round's members in order with their score sheets.
func (q *Q) EvalMembers(ctx context.Context, evalID int64) ([]gongzhi.EvalMember, error) {
	rows, err := q.Query(ctx, `SELECT id, evaluation_id, seq, kind, name, affiliation, COALESCE(user_id, 0), COALESCE(person_id, 0),
		scores, comments, total, entered_by, scored_at FROM evaluation_members WHERE evaluation_id = ? ORDER BY seq`, evalID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []gongzhi.EvalMember
	for rows.Next() {
		var m gongzhi.EvalMember
		var scores, comments string
		var at sql.NullTime
		if err := rows.Scan(&m.ID, &m.EvaluationID, &m.Seq, &m.Kind, &m.Name, &m.Affiliation, &m.UserID, &m.PersonID, &scores,
			&comments, &m.Total, &m.EnteredBy, &at); err != nil {
			return nil, mapErr(err)
		}
		m.ScoredAt = at.Time
		if m.Scored() {
			if err := fromJSON(scores, &m.Scores); err != nil {
				return nil, err
			}
			if err := fromJSON(comments, &m.Comments); err != nil {
				return nil, err
			}
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// SetEvalSheet records a member's score sheet once: false when the member had already handed
// one in.
func (q *Q) SetEvalSheet(ctx context.Context, memberID int64, scores []gongzhi.Points, comments []string, total gongzhi.Points,
	enteredBy string, now time.Time) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE evaluation_members SET scores = ?, comments = ?, total = ?, entered_by = ?, scored_at = ?
		WHERE id = ? AND scored_at IS NULL`, jsonText(scores), jsonText(comments), total, enteredBy, now.UTC(), memberID)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinalizeEvaluation records the purchaser's result.
func (q *Q) FinalizeEvaluation(ctx context.Context, e *gongzhi.Evaluation, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE evaluations SET state = ?, total = ?, grade = ?, grade_note = ?, strengths = ?, problems = ?,
		finalized_at = ? WHERE id = ?`, gongzhi.EvalFinalized, e.Total, e.Grade, e.GradeNote, e.Strengths, e.Problems, now.UTC(), e.ID)
	e.State, e.FinalizedAt = gongzhi.EvalFinalized, now
	return mapErr(err)
}

// PublishEvaluation records the publication with the bonus and the bar it brings.
func (q *Q) PublishEvaluation(ctx context.Context, e *gongzhi.Evaluation, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE evaluations SET state = ?, bonus = ?, barred_until = ?, published_at = ? WHERE id = ?`,
		gongzhi.EvalPublished, e.Bonus, e.BarredUntil, now.UTC(), e.ID)
	e.State, e.PublishedAt = gongzhi.EvalPublished, now
	return mapErr(err)
}

// EvalBonus returns the largest bonus an organization earned by an 优秀 final round published in
// the year before (and not after) at, with that evaluation's id; 0, 0 for none.
func (q *Q) EvalBonus(ctx context.Context, orgID int64, at time.Time) (gongzhi.Points, int64, error) {
	var bonus gongzhi.Points
	var id int64
	err := q.QueryRow(ctx, `SELECT bonus, id FROM evaluations WHERE org_id = ? AND round = ? AND state = ? AND grade = ?
		AND bonus > 0 AND published_at <= ? AND published_at > ? ORDER BY bonus DESC, id LIMIT 1`, orgID, gongzhi.RoundFinal,
		gongzhi.EvalPublished, gongzhi.GradeExcellent, at.UTC(), at.AddDate(-1, 0, 0).UTC()).Scan(&bonus, &id)
	if err == sql.ErrNoRows {
		return 0, 0, nil
	}
	return bonus, id, mapErr(err)
}

// RecordedConflict reports whether an expert has a conflict of interest with an organization
// recorded in any call's review.
func (q *Q) RecordedConflict(ctx context.Context, personID, orgID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM review_conflicts WHERE person_id = ? AND org_id = ?`, personID, orgID).Scan(&n)
	return n > 0, mapErr(err)
}

// ContractsWithoutRound returns the ids of the signed contracts within scope without an
// evaluation of the round.
func (q *Q) ContractsWithoutRound(ctx context.Context, s Scope, round string) ([]int64, error) {
	w := &where{}
	w.add("ct.state = ?", gongzhi.ContractSigned)
	contractScope(w, s)
	w.add("NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.contract_id = ct.id AND e.round = ?)", round)
	rows, err := q.Query(ctx, "SELECT ct.id FROM contracts ct"+w.sql()+" ORDER BY ct.id", w.args...)
	if err != nil {
		return nil, mapErr(err)
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

// EvalRounds returns the rounds started for each of the contracts ids, by contract, in one query
// per 500 contracts.
func (q *Q) EvalRounds(ctx context.Context, ids []int64) (map[int64]map[string]bool, error) {
	out := map[int64]map[string]bool{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := q.Query(ctx, `SELECT contract_id, round FROM evaluations WHERE contract_id IN (`+placeholders(len(chunk))+`)`, idArgs(chunk)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var round string
			if err := rows.Scan(&id, &round); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			if out[id] == nil {
				out[id] = map[string]bool{}
			}
			out[id][round] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}
