// Storage of the purchase workflow's foundations: row locks, the state history, the catalog,
// needs and the needs map, budgets and their ledger, the office calendar, ineligible
// organizations, and the link from an expert's account to the expert's person record.

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

// forUpdate is the row-locking suffix of a SELECT inside a transaction. On PostgreSQL,
// "FOR UPDATE" makes a second transaction that wants the same row wait until the first commits,
// so two concurrent awards (or two calls opening on one budget) see each other's writes. On
// SQLite it is "": every write transaction begins IMMEDIATE and holds the database's write lock
// from its first statement, so writers are already serialized.
func (q *Q) forUpdate() string {
	if q.d == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// LockRow locks one row of table by id for the rest of the transaction and reports whether it
// exists (ENOTFOUND if not). table is a constant of this package's callers, never user input.
func (q *Q) LockRow(ctx context.Context, table string, id int64) error {
	var got int64
	err := q.QueryRow(ctx, "SELECT id FROM "+table+" WHERE id = ?"+q.forUpdate(), id).Scan(&got)
	return mapErr(err)
}

// changed checks a conditional UPDATE that moves a row from the state its WHERE names: no row
// changed means another transaction moved it first, ECONFLICT (state: state.changed).
func changed(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return gongzhi.Refused("state", "state.changed")
	}
	return nil
}

// jsonText encodes a value for a JSON text column.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// fromJSON decodes a JSON text column, leaving v as it is for an empty one.
func fromJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

func joinIDs(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return "," + strings.Join(parts, ",") + ","
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, p := range splitList(s) {
		if n, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func idArgs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// ---- state history

// InsertStateChange appends a line to the purchase workflow's state history.
// A note that is not one of gongzhi.NoteCodes with fitting arguments is refused.
func (q *Q) InsertStateChange(ctx context.Context, c *gongzhi.StateChange) error {
	if err := c.Note.Check(); err != nil {
		return err
	}
	id, err := q.InsertID(ctx, `INSERT INTO purchase_history (at, call_id, application_id, entity, entity_id, from_state, to_state,
		user_id, username, role, note_code, note_args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.At.UTC(), nullID(c.CallID),
		nullID(c.AppID), c.Entity, c.EntityID, c.From, c.To, nullID(c.UserID), c.Username, c.Role, c.Note.Code, c.Note.ArgsJSON())
	c.ID = id
	return err
}

// HistoryFilter selects state history: by call, by application, or by one record.
type HistoryFilter struct {
	CallID   int64
	AppID    int64
	Entity   string
	EntityID int64
}

// ListStateChanges returns the history selected by f in time order.
func (q *Q) ListStateChanges(ctx context.Context, f HistoryFilter) ([]gongzhi.StateChange, error) {
	w := &where{}
	if f.CallID != 0 {
		w.add("call_id = ?", f.CallID)
	}
	if f.AppID != 0 {
		w.add("application_id = ?", f.AppID)
	}
	if f.Entity != "" {
		w.add("entity = ? AND entity_id = ?", f.Entity, f.EntityID)
	}
	if len(w.parts) == 0 {
		w.add("1 = 0")
	}
	rows, err := q.Query(ctx, `SELECT h.id, h.at, COALESCE(h.call_id, 0), COALESCE(h.application_id, 0), h.entity, h.entity_id, h.from_state,
		h.to_state, COALESCE(h.user_id, 0), h.username, COALESCE(u.display_name, ''), h.role, h.note_code, h.note_args
		FROM purchase_history h LEFT JOIN users u ON u.id = h.user_id`+w.sql()+` ORDER BY h.at, h.id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.StateChange
	for rows.Next() {
		var c gongzhi.StateChange
		var code, args string
		if err := rows.Scan(&c.ID, &c.At, &c.CallID, &c.AppID, &c.Entity, &c.EntityID, &c.From, &c.To, &c.UserID, &c.Username,
			&c.DisplayName, &c.Role, &code, &args); err != nil {
			return nil, mapErr(err)
		}
		if c.Note, err = gongzhi.ParseNote(code, args); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// ---- the catalog

const categoryCols = `code, name, name_en, standard, price_min, price_max, builtin, active, position, allow_exceptions`

func scanCategory(s scanner) (*gongzhi.ServiceCategory, error) {
	var c gongzhi.ServiceCategory
	err := s.Scan(&c.Code, &c.Name, &c.NameEn, &c.Standard, &c.PriceMin, &c.PriceMax, &c.Builtin, &c.Active, &c.Position, &c.AllowExceptions)
	return &c, mapErr(err)
}

// ListServiceCategories returns the catalog in display order.
func (q *Q) ListServiceCategories(ctx context.Context, activeOnly bool) ([]*gongzhi.ServiceCategory, error) {
	query := `SELECT ` + categoryCols + ` FROM service_categories`
	if activeOnly {
		query += ` WHERE active = TRUE`
	}
	rows, err := q.Query(ctx, query+` ORDER BY position, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.ServiceCategory
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// GetServiceCategory returns one catalog entry.
func (q *Q) GetServiceCategory(ctx context.Context, code string) (*gongzhi.ServiceCategory, error) {
	return scanCategory(q.QueryRow(ctx, `SELECT `+categoryCols+` FROM service_categories WHERE code = ?`, code))
}

// InsertServiceCategory adds a catalog entry at the end.
func (q *Q) InsertServiceCategory(ctx context.Context, c *gongzhi.ServiceCategory, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO service_categories (code, name, name_en, standard, price_min, price_max, builtin, active,
		position, created_at, updated_at, allow_exceptions) VALUES (?, ?, ?, ?, ?, ?, FALSE, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM service_categories), ?, ?, ?)`,
		c.Code, c.Name, c.NameEn, c.Standard, c.PriceMin, c.PriceMax, c.Active, now.UTC(), now.UTC(), c.AllowExceptions)
	return err
}

// UpdateServiceCategory saves a catalog entry's text, prices and whether it is active.
func (q *Q) UpdateServiceCategory(ctx context.Context, c *gongzhi.ServiceCategory, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE service_categories SET name = ?, name_en = ?, standard = ?, price_min = ?, price_max = ?, active = ?,
		updated_at = ?, allow_exceptions = ? WHERE code = ?`, c.Name, c.NameEn, c.Standard, c.PriceMin, c.PriceMax, c.Active, now.UTC(),
		c.AllowExceptions, c.Code)
	return err
}

// ---- needs

const answeredExpr = `EXISTS (SELECT 1 FROM application_needs an JOIN applications a ON a.id = an.application_id
	WHERE an.need_id = n.id AND a.state = 'awarded')`

// The names of a need's community and category are looked up for the rows of the page only, not
// joined in the list's FROM: the count of a list then reads the needs table's index alone.
const needCols = `n.id, n.community_code, COALESCE((SELECT pl.name FROM places pl WHERE pl.code = n.community_code), ''), n.target_group,
	n.category_code, COALESCE((SELECT sc.name FROM service_categories sc WHERE sc.code = n.category_code), ''),
	n.description, n.people_affected, n.source, n.contact_name, n.contact_phone, n.recorded_name, ` + answeredExpr + `, n.created_at,
	n.published_at, (SELECT COUNT(*) FROM need_supports ns WHERE ns.need_id = n.id)`

const needFrom = `needs n`

func scanNeed(s scanner) (*gongzhi.Need, error) {
	var n gongzhi.Need
	var published sql.NullTime
	err := s.Scan(&n.ID, &n.CommunityCode, &n.CommunityName, &n.TargetGroup, &n.CategoryCode, &n.CategoryName, &n.Description,
		&n.PeopleAffected, &n.Source, &n.ContactName, &n.ContactPhone, &n.RecordedBy, &n.Answered, &n.CreatedAt, &published, &n.Supports)
	n.PublishedAt = published.Time
	return &n, mapErr(err)
}

// InsertNeed records a need; recordedBy is 0 for the public form.
func (q *Q) InsertNeed(ctx context.Context, n *gongzhi.Need, recordedBy int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO needs (community_code, target_group, category_code, description, people_affected, source,
		contact_name, contact_phone, recorded_by, recorded_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.CommunityCode, n.TargetGroup, n.CategoryCode, n.Description, n.PeopleAffected, n.Source, n.ContactName, n.ContactPhone,
		nullID(recordedBy), n.RecordedBy, now.UTC())
	n.ID, n.CreatedAt = id, now
	return err
}

// GetNeed returns a need within scope.
func (q *Q) GetNeed(ctx context.Context, s Scope, id int64) (*gongzhi.Need, error) {
	w := &where{}
	w.add("n.id = ?", id)
	placeScope(w, "n.community_code", s)
	return scanNeed(q.QueryRow(ctx, "SELECT "+needCols+" FROM "+needFrom+w.sql(), w.args...))
}

func needFilters(w *where, s Scope, opts ListOptions) {
	placeScope(w, "n.community_code", s)
	w.search(opts.Q, "n.description")
	for _, k := range []string{"target_group", "category_code", "source"} {
		if v := opts.Filters[k]; v != "" {
			w.add("n."+k+" = ?", v)
		}
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("n.community_code", v)
	}
	switch opts.Filters["answered"] {
	case "1":
		w.add(answeredExpr)
	case "0":
		w.add("NOT " + answeredExpr)
	}
	if v := opts.Filters["year"]; v != "" {
		y := atoiOr(v, 0)
		w.add("n.created_at >= ? AND n.created_at < ?", time.Date(y, 1, 1, 0, 0, 0, 0, gongzhi.ChinaTime).UTC(),
			time.Date(y+1, 1, 1, 0, 0, 0, 0, gongzhi.ChinaTime).UTC())
	}
	if v := opts.Filters["call"]; v != "" {
		w.add("n.id IN (SELECT need_id FROM call_needs WHERE call_id = ?)", atoiOr(v, -1))
	}
}

var needSorts = map[string]string{"created_at": "n.created_at", "people_affected": "n.people_affected", "community": "n.community_code"}

// ListNeeds lists needs. Filters: target_group, category_code, source, place (code prefix),
// answered ("1" or "0"), year (recorded in), call (needs a call answers).
func (q *Q) ListNeeds(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Need) error) (int, error) {
	w := &where{}
	needFilters(w, s, opts)
	return list(ctx, q, needCols, needFrom, w, orderBy(opts, needSorts, "n.id DESC", "n.id"), opts, scanNeed, each)
}

// NeedsByIDs returns needs by id, in id order, ignoring scope (for a call's public page).
func (q *Q) NeedsByIDs(ctx context.Context, ids []int64) ([]*gongzhi.Need, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := q.Query(ctx, "SELECT "+needCols+" FROM "+needFrom+" WHERE n.id IN ("+placeholders(len(ids))+") ORDER BY n.id", idArgs(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Need
	for rows.Next() {
		n, err := scanNeed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, mapErr(rows.Err())
}

// NeedsMap counts needs by community × target group × category. It takes the same filters as
// ListNeeds.
func (q *Q) NeedsMap(ctx context.Context, s Scope, opts ListOptions) ([]gongzhi.NeedsCell, error) {
	w := &where{}
	needFilters(w, s, opts)
	rows, err := q.Query(ctx, `SELECT n.community_code, COALESCE(MAX(pl.name), ''), n.target_group, n.category_code, COUNT(*),
		COALESCE(SUM(n.people_affected), 0), COALESCE(SUM(CASE WHEN `+answeredExpr+` THEN 1 ELSE 0 END), 0)
		FROM needs n LEFT JOIN places pl ON pl.code = n.community_code`+w.sql()+` GROUP BY n.community_code, n.target_group, n.category_code
		ORDER BY n.community_code, n.target_group, n.category_code`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.NeedsCell
	for rows.Next() {
		var c gongzhi.NeedsCell
		if err := rows.Scan(&c.CommunityCode, &c.CommunityName, &c.TargetGroup, &c.CategoryCode, &c.Needs, &c.People, &c.Answered); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// ---- budgets

const budgetCols = `b.id, b.place_code, COALESCE(pl.name, ''), b.fiscal_year, b.level, b.fund, b.name, b.amount, b.reserved, b.spent,
	b.notes, b.created_at, b.updated_at`

const budgetFrom = `budgets b LEFT JOIN places pl ON pl.code = b.place_code`

func scanBudget(s scanner) (*gongzhi.Budget, error) {
	var b gongzhi.Budget
	err := s.Scan(&b.ID, &b.PlaceCode, &b.PlaceName, &b.FiscalYear, &b.Level, &b.Fund, &b.Name, &b.Amount, &b.Reserved, &b.Spent,
		&b.Notes, &b.CreatedAt, &b.UpdatedAt)
	return &b, mapErr(err)
}

// GetBudget returns a budget within scope. Inside a transaction that will change the budget's
// money, call LockRow(ctx, "budgets", id) first.
func (q *Q) GetBudget(ctx context.Context, s Scope, id int64) (*gongzhi.Budget, error) {
	w := &where{}
	w.add("b.id = ?", id)
	placeScope(w, "b.place_code", s)
	return scanBudget(q.QueryRow(ctx, "SELECT "+budgetCols+" FROM "+budgetFrom+w.sql(), w.args...))
}

var budgetSorts = map[string]string{"fiscal_year": "b.fiscal_year", "name": "b.name", "amount": "b.amount", "created_at": "b.created_at"}

// ListBudgets lists budgets. Filters: fiscal_year, level, fund, place (code prefix).
func (q *Q) ListBudgets(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Budget) error) (int, error) {
	w := &where{}
	placeScope(w, "b.place_code", s)
	w.search(opts.Q, "b.name")
	for _, k := range []string{"level", "fund"} {
		if v := opts.Filters[k]; v != "" {
			w.add("b."+k+" = ?", v)
		}
	}
	if v := opts.Filters["fiscal_year"]; v != "" {
		w.add("b.fiscal_year = ?", atoiOr(v, -1))
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("b.place_code", v)
	}
	return list(ctx, q, budgetCols, budgetFrom, w, orderBy(opts, budgetSorts, "b.fiscal_year DESC, b.id DESC", "b.id"), opts, scanBudget, each)
}

// InsertBudget adds a budget with nothing reserved or spent.
func (q *Q) InsertBudget(ctx context.Context, b *gongzhi.Budget, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO budgets (place_code, fiscal_year, level, fund, name, amount, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, b.PlaceCode, b.FiscalYear, b.Level, b.Fund, b.Name, b.Amount, b.Notes, now.UTC(), now.UTC())
	b.ID, b.CreatedAt, b.UpdatedAt = id, now, now
	return err
}

// UpdateBudget saves a budget's description and amount (never its reserved or spent money).
func (q *Q) UpdateBudget(ctx context.Context, b *gongzhi.Budget, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE budgets SET fiscal_year = ?, level = ?, fund = ?, name = ?, amount = ?, notes = ?, updated_at = ?
		WHERE id = ?`, b.FiscalYear, b.Level, b.Fund, b.Name, b.Amount, b.Notes, now.UTC(), b.ID)
	b.UpdatedAt = now
	return err
}

// MoveBudgetMoney changes a budget's reserved and spent money by the deltas and appends the
// ledger entry e. The caller holds the budget's row lock and has checked availability; the
// table's CHECK constraint refuses overspending in any case.
func (q *Q) MoveBudgetMoney(ctx context.Context, e *gongzhi.LedgerEntry, reservedDelta, spentDelta gongzhi.Money, userID int64) error {
	if err := e.Note.Check(); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `UPDATE budgets SET reserved = reserved + ?, spent = spent + ?, updated_at = ? WHERE id = ?`,
		reservedDelta, spentDelta, e.At.UTC(), e.BudgetID); err != nil {
		return err
	}
	id, err := q.InsertID(ctx, `INSERT INTO budget_ledger (budget_id, call_id, contract_id, payment_id, kind, amount, at, user_id,
		username, note_code, note_args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.BudgetID, nullID(e.CallID), nullID(e.ContractID),
		nullID(e.PaymentID), e.Kind, e.Amount, e.At.UTC(), nullID(userID), e.Username, e.Note.Code, e.Note.ArgsJSON())
	e.ID = id
	return err
}

// ListLedger returns a budget's ledger in order.
func (q *Q) ListLedger(ctx context.Context, budgetID int64) ([]gongzhi.LedgerEntry, error) {
	rows, err := q.Query(ctx, `SELECT id, budget_id, COALESCE(call_id, 0), COALESCE(contract_id, 0), COALESCE(payment_id, 0), kind,
		amount, at, username, note_code, note_args FROM budget_ledger WHERE budget_id = ? ORDER BY id`, budgetID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.LedgerEntry
	for rows.Next() {
		var e gongzhi.LedgerEntry
		var code, args string
		if err := rows.Scan(&e.ID, &e.BudgetID, &e.CallID, &e.ContractID, &e.PaymentID, &e.Kind, &e.Amount, &e.At, &e.Username,
			&code, &args); err != nil {
			return nil, mapErr(err)
		}
		if e.Note, err = gongzhi.ParseNote(code, args); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// ---- the office calendar

// ListHolidays returns the calendar days from from to to (YYYY-MM-DD, inclusive; "" for open).
func (q *Q) ListHolidays(ctx context.Context, from, to string) ([]gongzhi.Holiday, error) {
	w := &where{}
	if from != "" {
		w.add("day >= ?", from)
	}
	if to != "" {
		w.add("day <= ?", to)
	}
	rows, err := q.Query(ctx, `SELECT day, name, workday FROM holidays`+w.sql()+` ORDER BY day`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.Holiday
	for rows.Next() {
		var h gongzhi.Holiday
		if err := rows.Scan(&h.Day, &h.Name, &h.Workday); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, h)
	}
	return out, mapErr(rows.Err())
}

// UpsertHoliday sets a calendar day.
func (q *Q) UpsertHoliday(ctx context.Context, h *gongzhi.Holiday, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO holidays (day, name, workday, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (day) DO UPDATE SET name = excluded.name, workday = excluded.workday, updated_at = excluded.updated_at`,
		h.Day, h.Name, h.Workday, now.UTC())
	return err
}

// DeleteHoliday returns a day to the Monday–Friday rule.
func (q *Q) DeleteHoliday(ctx context.Context, day string) error {
	_, err := q.Exec(ctx, `DELETE FROM holidays WHERE day = ?`, day)
	return err
}

// ---- ineligible organizations

// InsertIneligibility bars an organization until a date.
func (q *Q) InsertIneligibility(ctx context.Context, i *gongzhi.Ineligibility, userID int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO org_ineligibility (org_id, place_code, until_on, reason, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, i.OrgID, i.PlaceCode, i.Until, i.Reason, nullID(userID), now.UTC())
	i.ID, i.CreatedAt = id, now
	return err
}

// LiftIneligibility ends a bar early. It reports false, writing nothing, when the bar was
// lifted already: the update is conditional on the old state, so of two concurrent lifts only
// one succeeds.
func (q *Q) LiftIneligibility(ctx context.Context, id int64) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE org_ineligibility SET lifted = TRUE WHERE id = ? AND lifted = FALSE`, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ListIneligibility lists bars decided within scope; activeOn ("YYYY-MM-DD") keeps those in
// force that day, orgID 0 means every organization.
func (q *Q) ListIneligibility(ctx context.Context, s Scope, orgID int64, activeOn string) ([]*gongzhi.Ineligibility, error) {
	w := &where{}
	placeScope(w, "i.place_code", s)
	if orgID != 0 {
		w.add("i.org_id = ?", orgID)
	}
	if activeOn != "" {
		w.add("i.lifted = FALSE AND i.until_on >= ?", activeOn)
	}
	rows, err := q.Query(ctx, `SELECT i.id, i.org_id, COALESCE(o.name, ''), i.place_code, i.until_on, i.reason, i.created_at, i.lifted
		FROM org_ineligibility i LEFT JOIN organizations o ON o.id = i.org_id`+w.sql()+` ORDER BY i.id DESC`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Ineligibility
	for rows.Next() {
		var i gongzhi.Ineligibility
		if err := rows.Scan(&i.ID, &i.OrgID, &i.OrgName, &i.PlaceCode, &i.Until, &i.Reason, &i.CreatedAt, &i.Lifted); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &i)
	}
	return out, mapErr(rows.Err())
}

// ---- experts' accounts

// UserPersonID returns the person an account is linked to (0 for none).
func (q *Q) UserPersonID(ctx context.Context, userID int64) (int64, error) {
	var id sql.NullInt64
	err := q.QueryRow(ctx, `SELECT person_id FROM users WHERE id = ?`, userID).Scan(&id)
	return id.Int64, mapErr(err)
}

// SetUserPerson links an account to a person (0 unlinks).
func (q *Q) SetUserPerson(ctx context.Context, userID, personID int64, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE users SET person_id = ?, updated_at = ? WHERE id = ?`, nullID(personID), now.UTC(), userID)
	return err
}
