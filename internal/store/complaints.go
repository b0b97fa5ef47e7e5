// Storage of complaints and inquiries: the work orders with their sealed contact, answers, state
// history, escalation of overdue ones (by a scheduled job), the throttle of anonymous submissions
// and tracking requests, and the public monthly aggregate.

package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"gongzhi"
)

// ComplaintScope limits complaints to what a caller may see: a place and below (office, hub,
// auditor, community staff), the complaints routed to an organization (a provider: still after
// a low rating sends its answer to the office for a second one), or a resident's own.
type ComplaintScope struct {
	Prefix string
	OrgID  int64
	UserID int64
	None   bool
}

// ComplaintRow is a complaint with its sealed contact, for the service layer to open.
type ComplaintRow struct {
	*gongzhi.Complaint
	NameEnc, PhoneEnc, Last4 string
	FirstDueAt               time.Time
}

// The names of the community, contract and organization are looked up for the page's rows only
// (see needCols).
const complaintCols = `cp.id, cp.code, cp.kind, cp.community_code, COALESCE((SELECT pl.name FROM places pl WHERE pl.code = cp.community_code), ''),
	COALESCE(cp.contract_id, 0), COALESCE((SELECT ct.title FROM contracts ct WHERE ct.id = cp.contract_id), ''),
	cp.about_hub, cp.subject, cp.description, cp.route, COALESCE(cp.org_id, 0),
	COALESCE((SELECT o.name FROM organizations o WHERE o.id = cp.org_id), ''), cp.state, cp.escalation,
	cp.due_at, cp.escalate_at, cp.escalated_at, cp.answered_at, cp.first_due_at, cp.rating, cp.rating_comment, cp.rated_at,
	cp.contact_name_enc, cp.contact_phone_enc, cp.phone_last4, COALESCE(cp.user_id, 0), cp.created_at, cp.updated_at`

const complaintFrom = `complaints cp`

func scanComplaint(s scanner) (*ComplaintRow, error) {
	c := &gongzhi.Complaint{}
	r := &ComplaintRow{Complaint: c}
	var esc, ans, rated sql.NullTime
	err := s.Scan(&c.ID, &c.Code, &c.Kind, &c.CommunityCode, &c.CommunityName, &c.ContractID, &c.ContractTitle, &c.AboutHub,
		&c.Subject, &c.Description, &c.Route, &c.OrgID, &c.OrgName, &c.State, &c.Escalation, &c.DueAt, &c.EscalateAt, &esc, &ans,
		&r.FirstDueAt, &c.Rating, &c.RatingComment, &rated, &r.NameEnc, &r.PhoneEnc, &r.Last4, &c.UserID, &c.CreatedAt, &c.UpdatedAt)
	c.EscalatedAt, c.AnsweredAt, c.RatedAt = esc.Time, ans.Time, rated.Time
	return r, mapErr(err)
}

func complaintScope(w *where, s ComplaintScope) {
	switch {
	case s.None:
		w.add("1 = 0")
	case s.UserID != 0:
		w.add("cp.user_id = ?", s.UserID)
	case s.OrgID != 0:
		w.add("cp.org_id = ?", s.OrgID)
	case s.Prefix != "":
		w.under("cp.community_code", s.Prefix)
	}
}

// GetComplaint returns a complaint within scope.
func (q *Q) GetComplaint(ctx context.Context, s ComplaintScope, id int64) (*ComplaintRow, error) {
	w := &where{}
	w.add("cp.id = ?", id)
	complaintScope(w, s)
	return scanComplaint(q.QueryRow(ctx, "SELECT "+complaintCols+" FROM "+complaintFrom+w.sql(), w.args...))
}

// LockComplaint returns a complaint within scope for an update in the caller's transaction
// (PostgreSQL locks the row; SQLite's write transaction already excludes other writers).
func (q *Q) LockComplaint(ctx context.Context, s ComplaintScope, id int64) (*ComplaintRow, error) {
	if q.d == Postgres {
		if _, err := q.Exec(ctx, `SELECT id FROM complaints WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
	}
	return q.GetComplaint(ctx, s, id)
}

// ComplaintByCode returns the complaint with a tracking code.
func (q *Q) ComplaintByCode(ctx context.Context, code string) (*ComplaintRow, error) {
	return scanComplaint(q.QueryRow(ctx, "SELECT "+complaintCols+" FROM "+complaintFrom+" WHERE cp.code = ?", code))
}

var complaintSorts = map[string]string{"created_at": "cp.created_at", "due_at": "cp.due_at", "kind": "cp.kind", "state": "cp.state",
	"subject": "cp.subject"}

// ListComplaints lists complaints, newest first. Filters: state (or "open" for open and
// reopened alike: "waiting"), kind, route, org, community, contract, escalated (1: level ≥ 1,
// 2: level 2), overdue (1: waiting past the deadline at now), answerable (the route a hub or
// office answers: "hub" also takes in escalated ones).
func (q *Q) ListComplaints(ctx context.Context, s ComplaintScope, opts ListOptions, now time.Time, each func(*ComplaintRow) error) (int, error) {
	w := &where{}
	complaintScope(w, s)
	w.search(opts.Q, "cp.subject", "cp.description")
	switch v := opts.Filters["state"]; v {
	case "":
	case "waiting":
		w.add("cp.state IN ('open', 'reopened')")
	default:
		w.add("cp.state = ?", v)
	}
	for k, col := range map[string]string{"kind": "cp.kind", "route": "cp.route"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", v)
		}
	}
	for k, col := range map[string]string{"org": "cp.org_id", "contract": "cp.contract_id"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", atoiOr(v, -1))
		}
	}
	if v := opts.Filters["community"]; v != "" {
		w.add("cp.community_code = ?", v)
	}
	switch opts.Filters["escalated"] {
	case "1":
		w.add("cp.escalation >= 1 AND cp.state IN ('open', 'reopened')")
	case "2":
		w.add("cp.escalation = 2 AND cp.state IN ('open', 'reopened')")
	}
	if opts.Filters["overdue"] == "1" {
		w.add("cp.state IN ('open', 'reopened') AND cp.due_at < ?", now.UTC())
	}
	return list(ctx, q, complaintCols, complaintFrom, w, orderBy(opts, complaintSorts, "cp.id DESC", "cp.id"), opts, scanComplaint, each)
}

// InsertComplaint adds a complaint with its sealed contact.
func (q *Q) InsertComplaint(ctx context.Context, c *gongzhi.Complaint, nameEnc, phoneEnc, last4, phoneHash string, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO complaints (code, kind, community_code, contract_id, about_hub, subject, description, route,
		org_id, state, escalation, due_at, escalate_at, first_due_at, contact_name_enc, contact_phone_enc, phone_last4, phone_hash, user_id,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Code, c.Kind, c.CommunityCode, nullID(c.ContractID), c.AboutHub, c.Subject, c.Description, c.Route, nullID(c.OrgID), c.State,
		c.DueAt.UTC(), c.EscalateAt.UTC(), c.DueAt.UTC(), nameEnc, phoneEnc, last4, phoneHash, nullID(c.UserID), now.UTC(), now.UTC())
	c.ID, c.CreatedAt, c.UpdatedAt = id, now, now
	return err
}

// SetComplaintRoute re-routes a complaint.
func (q *Q) SetComplaintRoute(ctx context.Context, c *gongzhi.Complaint, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE complaints SET route = ?, org_id = ?, contract_id = ?, about_hub = ?, updated_at = ? WHERE id = ?`,
		c.Route, nullID(c.OrgID), nullID(c.ContractID), c.AboutHub, now.UTC(), c.ID)
	return err
}

// InsertComplaintAnswer records an answer and moves the complaint to state, stamping the first
// answer's time. It reports false when the round was answered already (a concurrent answer).
func (q *Q) InsertComplaintAnswer(ctx context.Context, id int64, a *gongzhi.ComplaintAnswer, userID int64, state string, now time.Time) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE complaints SET state = ?, answered_at = COALESCE(answered_at, ?), updated_at = ?
		WHERE id = ? AND state IN ('open', 'reopened')`, state, now.UTC(), now.UTC(), id)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	_, err = q.Exec(ctx, `INSERT INTO complaint_answers (complaint_id, round, body, user_id, role, org_name, place_code, org_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, a.Round, a.Body, nullID(userID), a.Role, a.OrgName, a.PlaceCode, nullID(a.OrgID), now.UTC())
	return err == nil, err
}

// RateComplaint records the submitter's rating of an answered, unrated complaint and moves it
// to state. It reports false when it was rated already or is not waiting for a rating.
func (q *Q) RateComplaint(ctx context.Context, id int64, rating int, comment, state string, now time.Time) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE complaints SET rating = ?, rating_comment = ?, rated_at = ?, state = ?, updated_at = ?
		WHERE id = ? AND rating = 0 AND state = 'answered'`, rating, comment, now.UTC(), state, now.UTC(), id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReopenComplaint sends a complaint to the street office for a second answer, with new
// deadlines and no escalation.
func (q *Q) ReopenComplaint(ctx context.Context, id int64, due, escalate, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE complaints SET state = 'reopened', route = 'office', escalation = 0, escalated_at = NULL, due_at = ?,
		escalate_at = ?, updated_at = ? WHERE id = ?`, due.UTC(), escalate.UTC(), now.UTC(), id)
	return err
}

// EscalatedComplaint is one complaint raised a level by EscalateComplaints.
type EscalatedComplaint struct {
	ID    int64
	Level int
	State string
}

// EscalateComplaints raises every complaint still waiting for an answer: to level 1 past its
// deadline, to level 2 past its escalate_at. Each UPDATE changes a row only if its level is
// still lower, so concurrent callers never raise one twice: the row is returned by exactly one.
func (q *Q) EscalateComplaints(ctx context.Context, now time.Time) ([]EscalatedComplaint, error) {
	var out []EscalatedComplaint
	for _, step := range []struct {
		level int
		col   string
	}{{2, "escalate_at"}, {1, "due_at"}} {
		rows, err := q.Query(ctx, `UPDATE complaints SET escalation = ?, escalated_at = ?, updated_at = ?
			WHERE state IN ('open', 'reopened') AND escalation < ? AND `+step.col+` < ? RETURNING id, state`,
			step.level, now.UTC(), now.UTC(), step.level, now.UTC())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			e := EscalatedComplaint{Level: step.level}
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

// ComplaintAnswers returns a complaint's answers in order.
func (q *Q) ComplaintAnswers(ctx context.Context, id int64) ([]gongzhi.ComplaintAnswer, error) {
	rows, err := q.Query(ctx, `SELECT a.round, a.body, a.role, a.org_name, a.place_code, COALESCE(p.name, ''), COALESCE(p.level, 0),
		COALESCE(a.org_id, 0), a.at FROM complaint_answers a LEFT JOIN places p ON p.code = a.place_code
		WHERE a.complaint_id = ? ORDER BY a.round`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.ComplaintAnswer
	for rows.Next() {
		var a gongzhi.ComplaintAnswer
		if err := rows.Scan(&a.Round, &a.Body, &a.Role, &a.OrgName, &a.PlaceCode, &a.PlaceName, &a.PlaceLevel, &a.OrgID, &a.At); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, a)
	}
	return out, mapErr(rows.Err())
}

// InsertComplaintEvent appends a line of a complaint's history.
// A note that is not one of gongzhi.NoteCodes with fitting arguments is refused.
func (q *Q) InsertComplaintEvent(ctx context.Context, id int64, e *gongzhi.ComplaintEvent, userID int64) error {
	if err := e.Note.Check(); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO complaint_history (complaint_id, at, action, from_state, to_state, user_id, username, role,
		note_code, note_args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, e.At.UTC(), e.Action, e.From, e.To, nullID(userID), e.Username,
		e.Role, e.Note.Code, e.Note.ArgsJSON())
	return err
}

// ComplaintHistory returns a complaint's history, oldest first.
func (q *Q) ComplaintHistory(ctx context.Context, id int64) ([]gongzhi.ComplaintEvent, error) {
	rows, err := q.Query(ctx, `SELECT at, action, from_state, to_state, username, role, note_code, note_args FROM complaint_history
		WHERE complaint_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.ComplaintEvent
	for rows.Next() {
		var e gongzhi.ComplaintEvent
		var code, args string
		if err := rows.Scan(&e.At, &e.Action, &e.From, &e.To, &e.Username, &e.Role, &code, &args); err != nil {
			return nil, mapErr(err)
		}
		if e.Note, err = gongzhi.ParseNote(code, args); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// LockComplaintThrottle serializes, until the end of the caller's transaction, the submissions
// counted under a key, so that concurrent submissions cannot all pass the same count. SQLite's
// write transactions are serialized already; PostgreSQL takes an advisory lock on the key.
func (q *Q) LockComplaintThrottle(ctx context.Context, kind, key string) error {
	if q.d != Postgres {
		return nil
	}
	_, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(?))`, "complaint_throttle:"+kind+":"+key)
	return err
}

// AddComplaintThrottle records one submission (or failed tracking request) under a key.
func (q *Q) AddComplaintThrottle(ctx context.Context, kind, key string, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO complaint_throttle (kind, key, at) VALUES (?, ?, ?)`, kind, key, now.UTC())
	return err
}

// TakeComplaintThrottle records one request under a key unless limit of them were recorded
// since a time: it locks the key, counts and adds in the caller's transaction, so that
// concurrent requests cannot all pass the same count. It returns the record's id, 0 when the
// limit is reached.
func (q *Q) TakeComplaintThrottle(ctx context.Context, kind, key string, since time.Time, limit int, now time.Time) (int64, error) {
	if err := q.LockComplaintThrottle(ctx, kind, key); err != nil {
		return 0, err
	}
	if n, err := q.ComplaintThrottle(ctx, kind, key, since); err != nil || n >= limit {
		return 0, err
	}
	return q.InsertID(ctx, `INSERT INTO complaint_throttle (kind, key, at) VALUES (?, ?, ?)`, kind, key, now.UTC())
}

// GiveBackComplaintThrottle forgets one throttle record taken by TakeComplaintThrottle.
func (q *Q) GiveBackComplaintThrottle(ctx context.Context, id int64) error {
	_, err := q.Exec(ctx, `DELETE FROM complaint_throttle WHERE id = ?`, id)
	return err
}

// PruneComplaintThrottle forgets the throttle records older than a time.
func (q *Q) PruneComplaintThrottle(ctx context.Context, before time.Time) error {
	_, err := q.Exec(ctx, `DELETE FROM complaint_throttle WHERE at < ?`, before.UTC())
	return err
}

// ComplaintThrottle counts the records under a key since a time.
func (q *Q) ComplaintThrottle(ctx context.Context, kind, key string, since time.Time) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM complaint_throttle WHERE kind = ? AND key = ? AND at > ?`, kind, key, since.UTC()).Scan(&n)
	return n, mapErr(err)
}

// ComplaintStatRow is what the public aggregate needs of one complaint: nothing personal.
type ComplaintStatRow struct {
	CreatedAt  time.Time
	Kind       string
	FirstDueAt time.Time
	AnsweredAt time.Time
	Rating     int
}

// ComplaintStats returns the stat rows of complaints of communities under prefix ("" for all)
// submitted since a time.
func (q *Q) ComplaintStats(ctx context.Context, prefix string, since time.Time) ([]ComplaintStatRow, error) {
	w := &where{}
	w.add("created_at >= ?", since.UTC())
	if prefix != "" {
		w.under("community_code", prefix)
	}
	rows, err := q.Query(ctx, `SELECT created_at, kind, first_due_at, answered_at, rating FROM complaints`+w.sql()+` ORDER BY created_at`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ComplaintStatRow
	for rows.Next() {
		var r ComplaintStatRow
		var ans sql.NullTime
		if err := rows.Scan(&r.CreatedAt, &r.Kind, &r.FirstDueAt, &ans, &r.Rating); err != nil {
			return nil, mapErr(err)
		}
		r.AnsweredAt = ans.Time
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// PublicContract is what anyone may see of a signed contract to name it in a complaint (defined
// in the domain).
type PublicContract = gongzhi.PublicContract

// SignedContracts lists signed contracts (their titles and providers only).
func (q *Q) SignedContracts(ctx context.Context) ([]PublicContract, error) {
	rows, err := q.Query(ctx, `SELECT id, title, provider_name, place_code, org_id FROM contracts WHERE state = 'signed' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PublicContract
	for rows.Next() {
		var c PublicContract
		if err := rows.Scan(&c.ID, &c.Title, &c.Provider, &c.PlaceCode, &c.OrgID); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// SignedContractsCovering lists the signed contracts whose place is the community or one of the
// places above it (those a complaint from the community may concern), in id order: a lookup of
// the contracts of five places, not a read of every contract.
func (q *Q) SignedContractsCovering(ctx context.Context, community string) ([]PublicContract, error) {
	var codes []any
	for lv := 1; lv <= 5; lv++ {
		if p := gongzhi.PlacePrefix(community, lv); len(p) < len(community) || lv == 5 {
			codes = append(codes, p+strings.Repeat("0", len(community)-len(p)))
		}
	}
	rows, err := q.Query(ctx, `SELECT id, title, provider_name, place_code, org_id FROM contracts WHERE state = 'signed'
		AND place_code IN (`+placeholders(len(codes))+`) ORDER BY id`, codes...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PublicContract
	for rows.Next() {
		var c PublicContract
		if err := rows.Scan(&c.ID, &c.Title, &c.Provider, &c.PlaceCode, &c.OrgID); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// ComplaintsToEscalate reports whether EscalateComplaints would raise any complaint at now: a
// cheap read that spares the write transaction when nothing is due.
func (q *Q) ComplaintsToEscalate(ctx context.Context, now time.Time) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM complaints WHERE state IN ('open', 'reopened')
		AND ((escalation < 1 AND due_at < ?) OR (escalation < 2 AND escalate_at < ?)) LIMIT 1) x`, now.UTC(), now.UTC()).Scan(&n)
	return n > 0, mapErr(err)
}
