// Storage of calls for projects and of applications with their needs and attachments.

package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"gongzhi"
)

// The place's and the budget's names are looked up for the page's rows only (see needCols).
const callCols = `c.id, c.place_code, COALESCE((SELECT pl.name FROM places pl WHERE pl.code = c.place_code), ''), c.kind, c.title,
	c.description, c.categories, c.budget_id, COALESCE((SELECT b.name FROM budgets b WHERE b.id = c.budget_id), ''),
	COALESCE((SELECT b.fiscal_year FROM budgets b WHERE b.id = c.budget_id), 0), c.amount, c.reserved,
	(SELECT COALESCE(SUM(w.amount), 0) FROM awards w WHERE w.call_id = c.id AND w.state <> 'overturned'),
	c.bands, c.opens_at, c.closes_at, c.review_by, c.notice_days, c.notice_starts_at, c.notice_ends_at, c.eligibility,
	c.require_registered, c.min_grade, c.exclude_ineligible, c.criteria, c.aggregation, c.state, c.panel_size, c.panel_fields,
	COALESCE(c.panel_seed, 0), c.panel_pool, c.panel_drawn_at, c.cancel_reason,
	(SELECT COUNT(*) FROM applications a WHERE a.call_id = c.id AND a.state NOT IN ('draft', 'withdrawn')),
	c.created_at, c.updated_at`

const callFrom = `calls c`

func scanCall(s scanner) (*gongzhi.Call, error) {
	var c gongzhi.Call
	var cats, bands, elig, crit, fields, pool string
	var review, nStart, nEnd, drawn sql.NullTime
	err := s.Scan(&c.ID, &c.PlaceCode, &c.PlaceName, &c.Kind, &c.Title, &c.Description, &cats, &c.BudgetID, &c.BudgetName,
		&c.FiscalYear, &c.Amount, &c.Reserved, &c.Awarded, &bands, &c.OpensAt, &c.ClosesAt, &review, &c.NoticeDays, &nStart, &nEnd,
		&elig, &c.RequireRegistered, &c.MinGrade, &c.ExcludeIneligible, &crit, &c.Aggregation, &c.State, &c.PanelSize, &fields,
		&c.PanelSeed, &pool, &drawn, &c.CancelReason, &c.Applications, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return nil, mapErr(err)
	}
	c.Categories, c.PanelFields, c.PanelPool = splitList(cats), splitList(fields), splitIDs(pool)
	c.ReviewBy, c.NoticeStartsAt, c.NoticeEndsAt, c.PanelDrawnAt = review.Time, nStart.Time, nEnd.Time, drawn.Time
	if err := fromJSON(bands, &c.Bands); err != nil {
		return nil, err
	}
	if err := fromJSON(elig, &c.Eligibility); err != nil {
		return nil, err
	}
	if err := fromJSON(crit, &c.Criteria); err != nil {
		return nil, err
	}
	return &c, nil
}

// GetCall returns a call within scope (by the call's place), with the needs it answers.
func (q *Q) GetCall(ctx context.Context, s Scope, id int64) (*gongzhi.Call, error) {
	w := &where{}
	w.add("c.id = ?", id)
	placeScope(w, "c.place_code", s)
	c, err := scanCall(q.QueryRow(ctx, "SELECT "+callCols+" FROM "+callFrom+w.sql(), w.args...))
	if err != nil {
		return nil, err
	}
	c.NeedIDs, err = q.ids(ctx, `SELECT need_id FROM call_needs WHERE call_id = ? ORDER BY need_id`, id)
	return c, err
}

func (q *Q) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
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

var callSorts = map[string]string{"closes_at": "c.closes_at", "opens_at": "c.opens_at", "title": "c.title", "amount": "c.amount",
	"created_at": "c.created_at"}

// ListCalls lists calls. Filters: state, states (comma-separated), kind, category, budget,
// fiscal_year, place (code prefix), panel_person (calls whose draw selected that expert).
func (q *Q) ListCalls(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Call) error) (int, error) {
	w := &where{}
	placeScope(w, "c.place_code", s)
	w.search(opts.Q, "c.title", "c.description")
	if v := opts.Filters["state"]; v != "" {
		w.add("c.state = ?", v)
	}
	if v := opts.Filters["states"]; v != "" {
		states := strings.Split(v, ",")
		args := make([]any, len(states))
		for i, st := range states {
			args[i] = st
		}
		w.add("c.state IN ("+placeholders(len(states))+")", args...)
	}
	if v := opts.Filters["kind"]; v != "" {
		w.add("c.kind = ?", v)
	}
	if v := opts.Filters["category"]; v != "" {
		w.add("c.categories LIKE ?", "%,"+v+",%")
	}
	if v := opts.Filters["budget"]; v != "" {
		w.add("c.budget_id = ?", atoiOr(v, -1))
	}
	if v := opts.Filters["fiscal_year"]; v != "" {
		w.add("c.budget_id IN (SELECT b.id FROM budgets b WHERE b.fiscal_year = ?)", atoiOr(v, -1))
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("c.place_code", v)
	}
	if v := opts.Filters["panel_person"]; v != "" {
		w.add("c.id IN (SELECT call_id FROM panel_members WHERE person_id = ? AND outcome = 'selected')", atoiOr(v, -1))
	}
	return list(ctx, q, callCols, callFrom, w, orderBy(opts, callSorts, "c.id DESC", "c.id"), opts, scanCall, each)
}

// PurchaserPlaces lists the places of the enabled purchaser accounts (at most limit, in code
// order): the offices that buy, at whatever level they sit.
func (q *Q) PurchaserPlaces(ctx context.Context, limit int) ([]string, error) {
	return q.queryStrings(ctx, `SELECT DISTINCT place_code FROM users WHERE role = ? AND disabled = FALSE AND place_code <> ''
		ORDER BY place_code LIMIT ?`, gongzhi.RolePurchaser, limit)
}

// CallPlaces returns the distinct places of the calls in the states, in code order.
func (q *Q) CallPlaces(ctx context.Context, states []string) ([]string, error) {
	return q.queryStrings(ctx, `SELECT DISTINCT place_code FROM calls WHERE state IN (`+placeholders(len(states))+`) ORDER BY place_code`,
		idArgsOf(states)...)
}

func idArgsOf(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func callArgs(c *gongzhi.Call) []any {
	return []any{c.PlaceCode, c.Kind, c.Title, c.Description, joinList(c.Categories), c.BudgetID, c.Amount, jsonText(c.Bands),
		c.OpensAt.UTC(), c.ClosesAt.UTC(), nullTime(c.ReviewBy), c.NoticeDays, jsonText(c.Eligibility), c.RequireRegistered,
		c.MinGrade, c.ExcludeIneligible, jsonText(c.Criteria), c.Aggregation}
}

// InsertCall adds a draft call with the needs it answers.
func (q *Q) InsertCall(ctx context.Context, c *gongzhi.Call, userID int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO calls (place_code, kind, title, description, categories, budget_id, amount, bands, opens_at,
		closes_at, review_by, notice_days, eligibility, require_registered, min_grade, exclude_ineligible, criteria, aggregation,
		state, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)`,
		append(callArgs(c), nullID(userID), now.UTC(), now.UTC())...)
	if err != nil {
		return err
	}
	c.ID, c.State, c.CreatedAt, c.UpdatedAt = id, gongzhi.CallDraft, now, now
	return q.replaceLinks(ctx, "call_needs", "call_id", id, c.NeedIDs)
}

// UpdateCall saves a draft call's terms and needs.
func (q *Q) UpdateCall(ctx context.Context, c *gongzhi.Call, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE calls SET place_code = ?, kind = ?, title = ?, description = ?, categories = ?, budget_id = ?,
		amount = ?, bands = ?, opens_at = ?, closes_at = ?, review_by = ?, notice_days = ?, eligibility = ?, require_registered = ?,
		min_grade = ?, exclude_ineligible = ?, criteria = ?, aggregation = ?, updated_at = ? WHERE id = ?`,
		append(callArgs(c), now.UTC(), c.ID)...)
	if err != nil {
		return err
	}
	c.UpdatedAt = now
	return q.replaceLinks(ctx, "call_needs", "call_id", c.ID, c.NeedIDs)
}

// replaceLinks replaces the need links of a call or an application.
func (q *Q) replaceLinks(ctx context.Context, table, col string, id int64, needs []int64) error {
	if _, err := q.Exec(ctx, "DELETE FROM "+table+" WHERE "+col+" = ?", id); err != nil {
		return err
	}
	for _, n := range needs {
		if _, err := q.Exec(ctx, "INSERT INTO "+table+" ("+col+", need_id) VALUES (?, ?)", id, n); err != nil {
			return err
		}
	}
	return nil
}

// SetCallState moves a call from state from to state to; ECONFLICT (state: state.changed) if it
// is no longer in from.
func (q *Q) SetCallState(ctx context.Context, id int64, from, to string, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE calls SET state = ?, updated_at = ? WHERE id = ? AND state = ?`, to, now.UTC(), id, from))
}

// AddCallReserved changes the money held for a call by delta.
func (q *Q) AddCallReserved(ctx context.Context, id int64, delta gongzhi.Money, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE calls SET reserved = reserved + ?, updated_at = ? WHERE id = ?`, delta, now.UTC(), id)
	return err
}

// SetCallNotice records the notice period.
func (q *Q) SetCallNotice(ctx context.Context, id int64, starts, ends time.Time) error {
	_, err := q.Exec(ctx, `UPDATE calls SET notice_starts_at = ?, notice_ends_at = ?, updated_at = ? WHERE id = ?`,
		starts.UTC(), ends.UTC(), starts.UTC(), id)
	return err
}

// SetCallCancelReason records why a call was cancelled.
func (q *Q) SetCallCancelReason(ctx context.Context, id int64, reason string) error {
	_, err := q.Exec(ctx, `UPDATE calls SET cancel_reason = ? WHERE id = ?`, reason, id)
	return err
}

// SetCallPanel records the draw's parameters: size, fields, seed and the pool.
func (q *Q) SetCallPanel(ctx context.Context, id int64, size int, fields []string, seed int64, pool []int64, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE calls SET panel_size = ?, panel_fields = ?, panel_seed = ?, panel_pool = ?, panel_drawn_at = ?,
		updated_at = ? WHERE id = ?`, size, joinList(fields), seed, joinIDs(pool), now.UTC(), now.UTC(), id)
	return err
}

// ---- applications

// The organization's name and the award are looked up for the page's rows only (see needCols);
// the call stays joined: a place's scope is its calls' place.
const appCols = `a.id, a.call_id, COALESCE(c.title, ''), a.org_id, COALESCE((SELECT o.name FROM organizations o WHERE o.id = a.org_id), ''),
	a.title, COALESCE(a.category_code, ''),
	a.target_groups, a.communities, a.beneficiaries, a.summary, a.activity_plan, a.requested, a.band, a.budget_lines, a.team,
	a.outputs, a.outcomes, a.contact_name, a.contact_phone, a.state, a.submitted_at, a.prelim_reason, a.score, a.scores, a.rank_no,
	a.unfunded_reason, a.unfunded_note,
	COALESCE((SELECT w.amount FROM awards w WHERE w.application_id = a.id AND w.state <> 'overturned'), 0), a.created_at, a.updated_at,
	a.price_exception`

const appFrom = `applications a JOIN calls c ON c.id = a.call_id`

func scanApp(s scanner) (*gongzhi.Application, error) {
	var a gongzhi.Application
	var groups, comms, lines, team, outputs, outcomes string
	var submitted sql.NullTime
	err := s.Scan(&a.ID, &a.CallID, &a.CallTitle, &a.OrgID, &a.OrgName, &a.Title, &a.CategoryCode, &groups, &comms, &a.Beneficiaries,
		&a.Summary, &a.ActivityPlan, &a.Requested, &a.Band, &lines, &team, &outputs, &outcomes, &a.ContactName, &a.ContactPhone,
		&a.State, &submitted, &a.PrelimReason, &a.Score, &a.Scores, &a.Rank, &a.UnfundedReason, &a.UnfundedNote, &a.Awarded,
		&a.CreatedAt, &a.UpdatedAt, &a.PriceException)
	if err != nil {
		return nil, mapErr(err)
	}
	a.TargetGroups, a.Communities, a.SubmittedAt = splitList(groups), splitList(comms), submitted.Time
	for _, j := range []struct {
		s string
		v any
	}{{lines, &a.BudgetLines}, {team, &a.Team}, {outputs, &a.Outputs}, {outcomes, &a.Outcomes}} {
		if err := fromJSON(j.s, j.v); err != nil {
			return nil, err
		}
	}
	return &a, nil
}

// appScope limits applications: a provider's own organization, or the calls of a place.
func appScope(w *where, s Scope) {
	w.scope(s, "a.org_id", "c.place_code")
}

// GetApplication returns an application within scope, with its needs and attachments.
func (q *Q) GetApplication(ctx context.Context, s Scope, id int64) (*gongzhi.Application, error) {
	w := &where{}
	w.add("a.id = ?", id)
	appScope(w, s)
	a, err := scanApp(q.QueryRow(ctx, "SELECT "+appCols+" FROM "+appFrom+w.sql(), w.args...))
	if err != nil {
		return nil, err
	}
	if a.NeedIDs, err = q.ids(ctx, `SELECT need_id FROM application_needs WHERE application_id = ? ORDER BY need_id`, id); err != nil {
		return nil, err
	}
	a.Attachments, err = q.ListAttachments(ctx, id)
	return a, err
}

var appSorts = map[string]string{"rank": "a.rank_no", "score": "a.score", "submitted_at": "a.submitted_at", "title": "a.title",
	"requested": "a.requested", "created_at": "a.created_at"}

// ListApplications lists applications. Filters: call, org, state, states (comma-separated),
// category, visible ("1": not drafts, which only their provider sees), call_state (the call's).
func (q *Q) ListApplications(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Application) error) (int, error) {
	w := &where{}
	appScope(w, s)
	if v := strings.TrimSpace(opts.Q); v != "" { // the title or the organization's name (see where.search)
		w.add(`(LOWER(a.title) LIKE ? ESCAPE '\' OR a.org_id IN (SELECT o.id FROM organizations o WHERE LOWER(o.name) LIKE ? ESCAPE '\'))`,
			likeArg(v), likeArg(v))
	}
	if v := opts.Filters["call"]; v != "" {
		w.add("a.call_id = ?", atoiOr(v, -1))
	}
	if v := opts.Filters["org"]; v != "" {
		w.add("a.org_id = ?", atoiOr(v, -1))
	}
	if v := opts.Filters["state"]; v != "" {
		w.add("a.state = ?", v)
	}
	if v := opts.Filters["states"]; v != "" {
		states := strings.Split(v, ",")
		args := make([]any, len(states))
		for i, st := range states {
			args[i] = st
		}
		w.add("a.state IN ("+placeholders(len(states))+")", args...)
	}
	if v := opts.Filters["category"]; v != "" {
		w.add("a.category_code = ?", v)
	}
	if opts.Filters["visible"] == "1" {
		w.add("a.state <> 'draft'")
	}
	if v := opts.Filters["call_state"]; v != "" {
		w.add("c.state = ?", v)
	}
	return list(ctx, q, appCols, appFrom, w, orderBy(opts, appSorts, "a.id", "a.id"), opts, scanApp, each)
}

func appArgs(a *gongzhi.Application) []any {
	return []any{a.Title, nullStr(a.CategoryCode), joinList(a.TargetGroups), joinList(a.Communities), a.Beneficiaries, a.Summary,
		a.ActivityPlan, a.Requested, a.Band, jsonText(a.BudgetLines), jsonText(a.Team), jsonText(a.Outputs), jsonText(a.Outcomes),
		a.ContactName, a.ContactPhone, a.PriceException}
}

// InsertApplication adds a draft application with the needs it answers.
func (q *Q) InsertApplication(ctx context.Context, a *gongzhi.Application, userID int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO applications (title, category_code, target_groups, communities, beneficiaries, summary,
		activity_plan, requested, band, budget_lines, team, outputs, outcomes, contact_name, contact_phone, price_exception, call_id, org_id,
		state, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)`,
		append(appArgs(a), a.CallID, a.OrgID, nullID(userID), now.UTC(), now.UTC())...)
	if err != nil {
		return err
	}
	a.ID, a.State, a.CreatedAt, a.UpdatedAt = id, gongzhi.AppDraft, now, now
	return q.replaceLinks(ctx, "application_needs", "application_id", id, a.NeedIDs)
}

// UpdateApplication saves a draft application.
func (q *Q) UpdateApplication(ctx context.Context, a *gongzhi.Application, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE applications SET title = ?, category_code = ?, target_groups = ?, communities = ?, beneficiaries = ?,
		summary = ?, activity_plan = ?, requested = ?, band = ?, budget_lines = ?, team = ?, outputs = ?, outcomes = ?, contact_name = ?,
		contact_phone = ?, price_exception = ?, updated_at = ? WHERE id = ?`, append(appArgs(a), now.UTC(), a.ID)...)
	if err != nil {
		return err
	}
	a.UpdatedAt = now
	return q.replaceLinks(ctx, "application_needs", "application_id", a.ID, a.NeedIDs)
}

// SetApplicationState moves an application from state from to state to; submitted also stamps
// submitted_at. ECONFLICT (state: state.changed) if it is no longer in from: of two concurrent
// moves from one state, one wins.
func (q *Q) SetApplicationState(ctx context.Context, id int64, from, to string, now time.Time) error {
	query := `UPDATE applications SET state = ?, updated_at = ?`
	args := []any{to, now.UTC()}
	if to == gongzhi.AppSubmitted {
		query += `, submitted_at = ?`
		args = append(args, now.UTC())
	}
	return changed(q.Exec(ctx, query+` WHERE id = ? AND state = ?`, append(args, id, from)...))
}

// SetPrelim records the preliminary review's outcome of a submitted application; ECONFLICT
// (state: state.changed) if it is no longer submitted.
func (q *Q) SetPrelim(ctx context.Context, id int64, state, reason string, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE applications SET state = ?, prelim_reason = ?, updated_at = ? WHERE id = ? AND state = ?`,
		state, reason, now.UTC(), id, gongzhi.AppSubmitted))
}

// SetUnfunded records why an application is not funded ("" clears it).
func (q *Q) SetUnfunded(ctx context.Context, id int64, reason, note string, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE applications SET unfunded_reason = ?, unfunded_note = ?, updated_at = ? WHERE id = ?`,
		reason, note, now.UTC(), id)
	return err
}

// SetUnfundedMany records, in batched statements, why each of many applications is not funded
// ("" clears it), clearing their notes; rows already so are left alone.
func (q *Q) SetUnfundedMany(ctx context.Context, reasons map[int64]string, now time.Time) error {
	ids := make([]int64, 0, len(reasons))
	for id := range reasons {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	const batch = 300
	for start := 0; start < len(ids); start += batch {
		end := min(start+batch, len(ids))
		var b strings.Builder
		b.WriteString(`WITH v (id, reason) AS (VALUES `)
		args := make([]any, 0, 2*(end-start)+1)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(`(CAST(? AS BIGINT), CAST(? AS TEXT))`)
			args = append(args, ids[i], reasons[ids[i]])
		}
		b.WriteString(`) UPDATE applications SET unfunded_reason = v.reason, unfunded_note = '', updated_at = ? FROM v
			WHERE applications.id = v.id AND (applications.unfunded_reason <> v.reason OR applications.unfunded_note <> '')`)
		if _, err := q.Exec(ctx, b.String(), append(args, now.UTC())...); err != nil {
			return err
		}
	}
	return nil
}

// SetRanking stores the aggregated scores and ranks of a call's eligible applications, in
// batched statements, and clears the rank of any other application of the call.
func (q *Q) SetRanking(ctx context.Context, callID int64, rs []gongzhi.Ranked, now time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE applications SET score = 0, scores = 0, rank_no = 0 WHERE call_id = ? AND rank_no <> 0
		AND state <> 'eligible'`, callID); err != nil {
		return err
	}
	const batch = 200
	for start := 0; start < len(rs); start += batch {
		end := min(start+batch, len(rs))
		var b strings.Builder
		b.WriteString(`WITH v (id, score, n, r) AS (VALUES `)
		args := make([]any, 0, 4*(end-start)+2)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(`(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS INTEGER))`)
			args = append(args, rs[i].ApplicationID, int64(rs[i].Score), rs[i].Scores, rs[i].Rank)
		}
		b.WriteString(`) UPDATE applications SET score = v.score, scores = v.n, rank_no = v.r, updated_at = ? FROM v
			WHERE applications.id = v.id AND applications.call_id = ?`)
		if _, err := q.Exec(ctx, b.String(), append(args, now.UTC(), callID)...); err != nil {
			return err
		}
	}
	return nil
}

// ApplicantOrgs returns the organizations with a submitted, eligible, awarded or not-funded
// application in a call: the applicants an expert must not be tied to.
func (q *Q) ApplicantOrgs(ctx context.Context, callID int64) ([]int64, error) {
	return q.ids(ctx, `SELECT DISTINCT org_id FROM applications WHERE call_id = ? AND state NOT IN ('draft', 'withdrawn', 'rejected')
		ORDER BY org_id`, callID)
}

// CountApplications counts a call's applications by state.
func (q *Q) CountApplications(ctx context.Context, callID int64) (map[string]int, error) {
	rows, err := q.Query(ctx, `SELECT state, COUNT(*) FROM applications WHERE call_id = ? GROUP BY state`, callID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, mapErr(err)
		}
		out[s] = n
	}
	return out, mapErr(rows.Err())
}

// ---- attachments

// InsertAttachment records an attachment's metadata.
func (q *Q) InsertAttachment(ctx context.Context, a *gongzhi.Attachment, userID int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO application_attachments (application_id, name, size, sha256, content_type, uploaded_by,
		uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ApplicationID, a.Name, a.Size, a.SHA256, a.ContentType, nullID(userID), now.UTC())
	a.ID, a.UploadedAt = id, now
	return err
}

// DeleteAttachment removes an attachment of an application; ENOTFOUND if it has no such one.
func (q *Q) DeleteAttachment(ctx context.Context, appID, id int64) error {
	res, err := q.Exec(ctx, `DELETE FROM application_attachments WHERE id = ? AND application_id = ?`, id, appID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return gongzhi.NotFound()
	}
	return nil
}

// ListAttachments returns an application's attachments.
func (q *Q) ListAttachments(ctx context.Context, appID int64) ([]*gongzhi.Attachment, error) {
	rows, err := q.Query(ctx, `SELECT id, application_id, name, size, sha256, content_type, uploaded_at FROM application_attachments
		WHERE application_id = ? ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Attachment
	for rows.Next() {
		var a gongzhi.Attachment
		if err := rows.Scan(&a.ID, &a.ApplicationID, &a.Name, &a.Size, &a.SHA256, &a.ContentType, &a.UploadedAt); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &a)
	}
	return out, mapErr(rows.Err())
}
