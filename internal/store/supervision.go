// Storage of monthly supervision: inspections, rectification orders, talks, joint meetings with
// their action items, and the monthly supervision reports. Contracts scope what a caller sees:
// a place prefix for the street's staff, an organization for a provider.

package store

import (
	"context"
	"database/sql"
	"time"

	"gongzhi"
)

// ---- inspections

const inspectionCols = `i.id, i.contract_id, ct.title, i.org_id, ct.provider_name, i.place_code, i.month, i.due_on, i.state,
	i.progress_pct, i.progress, i.difficulties, i.results, i.checklist, i.inspected_on, i.inspector, i.created_at, i.updated_at`

const inspectionFrom = `inspections i JOIN contracts ct ON ct.id = i.contract_id`

func scanInspection(s scanner) (*gongzhi.Inspection, error) {
	var in gongzhi.Inspection
	var checklist string
	err := s.Scan(&in.ID, &in.ContractID, &in.ContractTitle, &in.OrgID, &in.ProviderName, &in.PlaceCode, &in.Month, &in.DueOn,
		&in.State, &in.ProgressPct, &in.Progress, &in.Difficulties, &in.Results, &checklist, &in.InspectedOn, &in.Inspector,
		&in.CreatedAt, &in.UpdatedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	if err := fromJSON(checklist, &in.Checklist); err != nil {
		return nil, err
	}
	if in.Checklist == nil {
		in.Checklist = []gongzhi.CheckItem{}
	}
	return &in, nil
}

// EnsureInspection adds the inspection of a contract for a month unless it exists; it reports
// whether it added one.
func (q *Q) EnsureInspection(ctx context.Context, in *gongzhi.Inspection, now time.Time) (bool, error) {
	r, err := q.Exec(ctx, `INSERT INTO inspections (contract_id, org_id, place_code, month, due_on, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'due', ?, ?) ON CONFLICT (contract_id, month) DO NOTHING`, in.ContractID, in.OrgID, in.PlaceCode,
		in.Month, in.DueOn, now.UTC(), now.UTC())
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n > 0, mapErr(err)
}

// GetInspection returns an inspection within scope.
func (q *Q) GetInspection(ctx context.Context, s Scope, id int64) (*gongzhi.Inspection, error) {
	w := &where{}
	w.add("i.id = ?", id)
	contractScope(w, s)
	return scanInspection(q.QueryRow(ctx, "SELECT "+inspectionCols+" FROM "+inspectionFrom+w.sql(), w.args...))
}

// ListInspections lists inspections. Filters: month, state, contract, org, place, overdue
// (a date: due before it and not done), due_from (a date: not done and due on or after it).
func (q *Q) ListInspections(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Inspection) error) (int, error) {
	w := &where{}
	contractScope(w, s)
	w.search(opts.Q, "ct.title", "ct.provider_name")
	for k, col := range map[string]string{"month": "i.month", "state": "i.state"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", v)
		}
	}
	for k, col := range map[string]string{"contract": "i.contract_id", "org": "i.org_id"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", atoiOr(v, -1))
		}
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("i.place_code", v)
	}
	if v := opts.Filters["overdue"]; v != "" {
		w.add("i.state = 'due' AND i.due_on < ?", v)
	}
	if v := opts.Filters["due_from"]; v != "" {
		w.add("i.state = 'due' AND i.due_on >= ?", v)
	}
	return list(ctx, q, inspectionCols, inspectionFrom, w, orderBy(opts, map[string]string{"title": "ct.title", "due_on": "i.due_on"},
		"i.month DESC, ct.title, i.id", "i.id"), opts, scanInspection, each)
}

// UpdateInspection stores what the inspector recorded.
func (q *Q) UpdateInspection(ctx context.Context, in *gongzhi.Inspection, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE inspections SET state = ?, progress_pct = ?, progress = ?, difficulties = ?, results = ?,
		checklist = ?, inspected_on = ?, inspector = ?, updated_at = ? WHERE id = ?`, in.State, in.ProgressPct, in.Progress,
		in.Difficulties, in.Results, jsonText(in.Checklist), in.InspectedOn, in.Inspector, now.UTC(), in.ID)
	in.UpdatedAt = now
	return err
}

// ---- rectifications

const rectCols = `r.id, COALESCE(r.inspection_id, 0), r.check_key, COALESCE(r.talk_id, 0), r.contract_id, ct.title, r.org_id,
	ct.provider_name, r.place_code, r.month, r.severity, r.requirement, r.deadline, r.state, r.escalated, r.answer, r.evidence,
	r.answered_at, r.reopen_reason, r.verified_by, r.closed_at, r.created_by, r.created_at, r.updated_at`

const rectFrom = `rectifications r JOIN contracts ct ON ct.id = r.contract_id`

func scanRect(s scanner) (*gongzhi.Rectification, error) {
	var x gongzhi.Rectification
	var evidence string
	var answered, closed sql.NullTime
	err := s.Scan(&x.ID, &x.InspectionID, &x.CheckKey, &x.TalkID, &x.ContractID, &x.ContractTitle, &x.OrgID, &x.ProviderName,
		&x.PlaceCode, &x.Month, &x.Severity, &x.Requirement, &x.Deadline, &x.State, &x.Escalated, &x.Answer, &evidence, &answered,
		&x.ReopenReason, &x.VerifiedBy, &closed, &x.CreatedBy, &x.CreatedAt, &x.UpdatedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	x.AnsweredAt, x.ClosedAt = answered.Time, closed.Time
	if err := fromJSON(evidence, &x.Evidence); err != nil {
		return nil, err
	}
	if x.Evidence == nil {
		x.Evidence = []string{}
	}
	return &x, nil
}

// InsertRectification adds an open order.
func (q *Q) InsertRectification(ctx context.Context, x *gongzhi.Rectification, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO rectifications (inspection_id, check_key, talk_id, contract_id, org_id, place_code, month,
		severity, requirement, deadline, state, escalated, evidence, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', FALSE, '[]', ?, ?, ?)`, nullID(x.InspectionID), x.CheckKey, nullID(x.TalkID),
		x.ContractID, x.OrgID, x.PlaceCode, x.Month, x.Severity, x.Requirement, x.Deadline, x.CreatedBy, now.UTC(), now.UTC())
	x.ID, x.State, x.CreatedAt, x.UpdatedAt = id, gongzhi.RectOpen, now, now
	return err
}

// GetRectification returns an order within scope.
func (q *Q) GetRectification(ctx context.Context, s Scope, id int64) (*gongzhi.Rectification, error) {
	w := &where{}
	w.add("r.id = ?", id)
	contractScope(w, s)
	return scanRect(q.QueryRow(ctx, "SELECT "+rectCols+" FROM "+rectFrom+w.sql(), w.args...))
}

// ListRectifications lists orders. Filters: state ("active" for open or answered), org,
// contract, inspection, check_key, talk, month, escalated ("1"), overdue (a date: not closed and past
// deadline), place.
func (q *Q) ListRectifications(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Rectification) error) (int, error) {
	w := &where{}
	contractScope(w, s)
	w.search(opts.Q, "ct.title", "ct.provider_name", "r.requirement")
	switch v := opts.Filters["state"]; v {
	case "":
	case "active":
		w.add("r.state <> 'closed'")
	default:
		w.add("r.state = ?", v)
	}
	for k, col := range map[string]string{"org": "r.org_id", "contract": "r.contract_id", "inspection": "r.inspection_id", "talk": "r.talk_id"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", atoiOr(v, -1))
		}
	}
	if v := opts.Filters["month"]; v != "" {
		w.add("r.month = ?", v)
	}
	if v := opts.Filters["check_key"]; v != "" {
		w.add("r.check_key = ?", v)
	}
	if opts.Filters["escalated"] == "1" {
		w.add("r.escalated = TRUE AND r.state <> 'closed'")
	}
	if v := opts.Filters["overdue"]; v != "" {
		w.add("r.state <> 'closed' AND r.deadline < ?", v)
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("r.place_code", v)
	}
	return list(ctx, q, rectCols, rectFrom, w, orderBy(opts, map[string]string{"deadline": "r.deadline", "title": "ct.title"},
		"r.id DESC", "r.id"), opts, scanRect, each)
}

// UpdateRectification stores an order's state, deadline, answer, verification and escalation.
func (q *Q) UpdateRectification(ctx context.Context, x *gongzhi.Rectification, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE rectifications SET state = ?, deadline = ?, escalated = ?, answer = ?, evidence = ?, answered_at = ?,
		reopen_reason = ?, verified_by = ?, closed_at = ?, updated_at = ? WHERE id = ?`, x.State, x.Deadline, x.Escalated, x.Answer,
		jsonText(x.Evidence), nullTime(x.AnsweredAt), x.ReopenReason, x.VerifiedBy, nullTime(x.ClosedAt), now.UTC(), x.ID)
	x.UpdatedAt = now
	return err
}

// ---- talks

const talkCols = `t.id, t.day, t.contract_id, ct.title, t.org_id, ct.provider_name, t.place_code, t.attendees, t.reason,
	t.conclusions, COALESCE(t.rectification_id, 0), t.created_by, t.created_at`

const talkFrom = `talks t JOIN contracts ct ON ct.id = t.contract_id`

func scanTalk(s scanner) (*gongzhi.Talk, error) {
	var t gongzhi.Talk
	var att string
	err := s.Scan(&t.ID, &t.Date, &t.ContractID, &t.ContractTitle, &t.OrgID, &t.ProviderName, &t.PlaceCode, &att, &t.Reason,
		&t.Conclusions, &t.RectificationID, &t.CreatedBy, &t.CreatedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	return &t, fromJSON(att, &t.Attendees)
}

// InsertTalk adds a talk.
func (q *Q) InsertTalk(ctx context.Context, t *gongzhi.Talk, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO talks (day, contract_id, org_id, place_code, attendees, reason, conclusions, created_by,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.Date, t.ContractID, t.OrgID, t.PlaceCode, jsonText(t.Attendees), t.Reason,
		t.Conclusions, t.CreatedBy, now.UTC())
	t.ID, t.CreatedAt = id, now
	return err
}

// SetTalkRectification links a talk to its follow-up order.
func (q *Q) SetTalkRectification(ctx context.Context, talkID, rectID int64) error {
	_, err := q.Exec(ctx, `UPDATE talks SET rectification_id = ? WHERE id = ?`, rectID, talkID)
	return err
}

// GetTalk returns a talk within scope.
func (q *Q) GetTalk(ctx context.Context, s Scope, id int64) (*gongzhi.Talk, error) {
	w := &where{}
	w.add("t.id = ?", id)
	contractScope(w, s)
	return scanTalk(q.QueryRow(ctx, "SELECT "+talkCols+" FROM "+talkFrom+w.sql(), w.args...))
}

// ListTalks lists talks. Filters: month (YYYY-MM), org, contract, place.
func (q *Q) ListTalks(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Talk) error) (int, error) {
	w := &where{}
	contractScope(w, s)
	w.search(opts.Q, "ct.title", "ct.provider_name", "t.reason")
	if v := opts.Filters["month"]; v != "" {
		w.add("t.day >= ? AND t.day < ?", v, v+":")
	}
	for k, col := range map[string]string{"org": "t.org_id", "contract": "t.contract_id"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", atoiOr(v, -1))
		}
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("t.place_code", v)
	}
	return list(ctx, q, talkCols, talkFrom, w, " ORDER BY t.day DESC, t.id DESC", opts, scanTalk, each)
}

// ---- meetings

const meetingCols = `m.id, m.place_code, m.day, m.title, m.venue, m.attendees, m.minutes, m.decisions, m.created_by, m.created_at`

func scanMeeting(s scanner) (*gongzhi.Meeting, error) {
	var m gongzhi.Meeting
	var att string
	err := s.Scan(&m.ID, &m.PlaceCode, &m.Date, &m.Title, &m.Venue, &att, &m.Minutes, &m.Decisions, &m.CreatedBy, &m.CreatedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	return &m, fromJSON(att, &m.Attendees)
}

// meetingScope: a provider sees the meetings its organization attended or owns an action of.
func meetingScope(w *where, s Scope) {
	switch {
	case s.None:
		w.add("1 = 0")
	case s.OrgID != 0:
		w.add(`(m.id IN (SELECT meeting_id FROM meeting_orgs WHERE org_id = ?)
			OR m.id IN (SELECT meeting_id FROM meeting_actions WHERE owner_org_id = ?))`, s.OrgID, s.OrgID)
	case s.Prefix != "":
		w.under("m.place_code", s.Prefix)
	}
}

// InsertMeeting adds a meeting with its organizations and action items.
func (q *Q) InsertMeeting(ctx context.Context, m *gongzhi.Meeting, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO meetings (place_code, day, title, venue, attendees, minutes, decisions, created_by,
		created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.PlaceCode, m.Date, m.Title, m.Venue, jsonText(m.Attendees), m.Minutes,
		m.Decisions, m.CreatedBy, now.UTC())
	if err != nil {
		return err
	}
	m.ID, m.CreatedAt = id, now
	for _, o := range m.OrgIDs {
		if _, err := q.Exec(ctx, `INSERT INTO meeting_orgs (meeting_id, org_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, o); err != nil {
			return err
		}
	}
	for _, x := range m.Actions {
		x.MeetingID = id
		if err := q.InsertMeetingAction(ctx, m.PlaceCode, x); err != nil {
			return err
		}
	}
	return nil
}

// InsertMeetingAction adds an open action item to a meeting.
func (q *Q) InsertMeetingAction(ctx context.Context, place string, x *gongzhi.MeetingAction) error {
	id, err := q.InsertID(ctx, `INSERT INTO meeting_actions (meeting_id, place_code, text, owner_org_id, owner_name, deadline, state)
		VALUES (?, ?, ?, ?, ?, ?, 'open')`, x.MeetingID, place, x.Text, nullID(x.OwnerOrgID), x.OwnerName, x.Deadline)
	x.ID, x.State = id, gongzhi.ActionOpen
	return err
}

// GetMeeting returns a meeting within scope with its organizations and action items.
func (q *Q) GetMeeting(ctx context.Context, s Scope, id int64) (*gongzhi.Meeting, error) {
	w := &where{}
	w.add("m.id = ?", id)
	meetingScope(w, s)
	m, err := scanMeeting(q.QueryRow(ctx, "SELECT "+meetingCols+" FROM meetings m"+w.sql(), w.args...))
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT org_id FROM meeting_orgs WHERE meeting_id = ? ORDER BY org_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			return nil, mapErr(err)
		}
		m.OrgIDs = append(m.OrgIDs, o)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	rows.Close()
	_, err = q.ListMeetingActions(ctx, Scope{}, ListOptions{Filters: map[string]string{"meeting": itoa(int(id))}},
		func(x *gongzhi.MeetingAction) error { m.Actions = append(m.Actions, x); return nil })
	return m, err
}

// ListMeetings lists meetings. Filters: month (YYYY-MM).
func (q *Q) ListMeetings(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Meeting) error) (int, error) {
	w := &where{}
	meetingScope(w, s)
	w.search(opts.Q, "m.title", "m.venue")
	if v := opts.Filters["month"]; v != "" {
		w.add("m.day >= ? AND m.day < ?", v, v+":")
	}
	return list(ctx, q, meetingCols, "meetings m", w, " ORDER BY m.day DESC, m.id DESC", opts, scanMeeting, each)
}

const actionCols = `a.id, a.meeting_id, m.title, a.text, COALESCE(a.owner_org_id, 0), COALESCE(o.name, ''), a.owner_name,
	a.deadline, a.state, a.note, a.done_at, a.done_by`

const actionFrom = `meeting_actions a JOIN meetings m ON m.id = a.meeting_id LEFT JOIN organizations o ON o.id = a.owner_org_id`

func scanAction(s scanner) (*gongzhi.MeetingAction, error) {
	var x gongzhi.MeetingAction
	var done sql.NullTime
	err := s.Scan(&x.ID, &x.MeetingID, &x.MeetingTitle, &x.Text, &x.OwnerOrgID, &x.OwnerOrgName, &x.OwnerName, &x.Deadline,
		&x.State, &x.Note, &done, &x.DoneBy)
	x.DoneAt = done.Time
	return &x, mapErr(err)
}

// ListMeetingActions lists action items. For a provider (Scope.OrgID) only those it owns.
// Filters: meeting, state, overdue (a date: open and past deadline), owner_org, month (of the
// meeting).
func (q *Q) ListMeetingActions(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.MeetingAction) error) (int, error) {
	w := &where{}
	w.scope(s, "a.owner_org_id", "a.place_code")
	for k, col := range map[string]string{"meeting": "a.meeting_id", "owner_org": "a.owner_org_id"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", atoiOr(v, -1))
		}
	}
	if v := opts.Filters["state"]; v != "" {
		w.add("a.state = ?", v)
	}
	if v := opts.Filters["overdue"]; v != "" {
		w.add("a.state = 'open' AND a.deadline < ?", v)
	}
	if v := opts.Filters["month"]; v != "" {
		w.add("m.day >= ? AND m.day < ?", v, v+":")
	}
	return list(ctx, q, actionCols, actionFrom, w, " ORDER BY a.meeting_id, a.id", opts, scanAction, each)
}

// GetMeetingAction returns one action item (unscoped: the caller checks the meeting's scope).
func (q *Q) GetMeetingAction(ctx context.Context, id int64) (*gongzhi.MeetingAction, error) {
	return scanAction(q.QueryRow(ctx, "SELECT "+actionCols+" FROM "+actionFrom+" WHERE a.id = ?", id))
}

// UpdateMeetingAction stores an action item's state and note.
func (q *Q) UpdateMeetingAction(ctx context.Context, x *gongzhi.MeetingAction) error {
	_, err := q.Exec(ctx, `UPDATE meeting_actions SET state = ?, note = ?, done_at = ?, done_by = ? WHERE id = ?`, x.State, x.Note,
		nullTime(x.DoneAt), x.DoneBy, x.ID)
	return err
}

// ---- reports

const reportCols = `s.id, s.place_code, COALESCE(p.name, ''), s.month, s.state, s.title, s.body, s.figures, s.generated_at,
	s.generated_by, s.published_at, s.published_by`

const reportFrom = `supervision_reports s LEFT JOIN places p ON p.code = s.place_code`

func scanReport(sc scanner) (*gongzhi.SupervisionReport, error) {
	var r gongzhi.SupervisionReport
	var figures string
	var pub sql.NullTime
	err := sc.Scan(&r.ID, &r.PlaceCode, &r.PlaceName, &r.Month, &r.State, &r.Title, &r.Body, &figures, &r.GeneratedAt,
		&r.GeneratedBy, &pub, &r.PublishedBy)
	if err != nil {
		return nil, mapErr(err)
	}
	r.PublishedAt = pub.Time
	return &r, fromJSON(figures, &r.Figures)
}

func reportScope(w *where, s Scope) {
	switch {
	case s.None, s.OrgID != 0:
		w.add("1 = 0")
	case s.Prefix != "":
		w.under("s.place_code", s.Prefix)
	}
}

// GetSupervisionReport returns a report within scope.
func (q *Q) GetSupervisionReport(ctx context.Context, s Scope, id int64) (*gongzhi.SupervisionReport, error) {
	w := &where{}
	w.add("s.id = ?", id)
	reportScope(w, s)
	return scanReport(q.QueryRow(ctx, "SELECT "+reportCols+" FROM "+reportFrom+w.sql(), w.args...))
}

// FindSupervisionReport returns the report of a place and month (ENOTFOUND if none).
func (q *Q) FindSupervisionReport(ctx context.Context, place, month string) (*gongzhi.SupervisionReport, error) {
	return scanReport(q.QueryRow(ctx, "SELECT "+reportCols+" FROM "+reportFrom+" WHERE s.place_code = ? AND s.month = ?", place, month))
}

// ListSupervisionReports lists reports, newest month first. Filters: state, month.
func (q *Q) ListSupervisionReports(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.SupervisionReport) error) (int, error) {
	w := &where{}
	reportScope(w, s)
	w.search(opts.Q, "s.title")
	for _, k := range []string{"state", "month"} {
		if v := opts.Filters[k]; v != "" {
			w.add("s."+k+" = ?", v)
		}
	}
	return list(ctx, q, reportCols, reportFrom, w, " ORDER BY s.month DESC, s.id DESC", opts, scanReport, each)
}

// AddSupervisionReport adds a place's draft report of a month unless it has one; it reports
// whether it added it (r.ID and r.State are then set). Concurrent callers add one report: the
// others find it there.
func (q *Q) AddSupervisionReport(ctx context.Context, r *gongzhi.SupervisionReport) (bool, error) {
	res, err := q.Exec(ctx, `INSERT INTO supervision_reports (place_code, month, state, title, body, figures, generated_at, generated_by)
		VALUES (?, ?, 'draft', ?, ?, ?, ?, ?) ON CONFLICT (place_code, month) DO NOTHING`, r.PlaceCode, r.Month, r.Title, r.Body,
		jsonText(r.Figures), r.GeneratedAt.UTC(), r.GeneratedBy)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, mapErr(err)
	}
	got, err := q.FindSupervisionReport(ctx, r.PlaceCode, r.Month)
	if err != nil {
		return false, err
	}
	r.ID, r.State = got.ID, got.State
	return true, nil
}

// SaveSupervisionReport inserts a report or replaces its generated content.
func (q *Q) SaveSupervisionReport(ctx context.Context, r *gongzhi.SupervisionReport) error {
	if r.ID == 0 {
		id, err := q.InsertID(ctx, `INSERT INTO supervision_reports (place_code, month, state, title, body, figures, generated_at,
			generated_by) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?)`, r.PlaceCode, r.Month, r.Title, r.Body, jsonText(r.Figures),
			r.GeneratedAt.UTC(), r.GeneratedBy)
		r.ID, r.State = id, gongzhi.ReportDraft
		return err
	}
	_, err := q.Exec(ctx, `UPDATE supervision_reports SET state = ?, title = ?, body = ?, figures = ?, generated_at = ?,
		generated_by = ?, published_at = ?, published_by = ? WHERE id = ?`, r.State, r.Title, r.Body, jsonText(r.Figures),
		r.GeneratedAt.UTC(), r.GeneratedBy, nullTime(r.PublishedAt), r.PublishedBy, r.ID)
	return err
}
