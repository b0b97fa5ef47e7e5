// Storage of service vouchers: schemes with their admitted providers, vouchers with their PIN's
// keyed hash and throttle, redemptions (once per voucher: the primary key), monthly statements
// (once per scheme, provider and month), the report and the public provider shares.

package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"gongzhi"
)

const schemeCols = `s.id, s.place_code, COALESCE((SELECT pl.name FROM places pl WHERE pl.code = s.place_code), ''), s.budget_id,
	COALESCE((SELECT b.name FROM budgets b WHERE b.id = s.budget_id), ''), s.name, s.face_value, s.target_groups, s.min_age,
	s.communities, s.living_alone, s.categories, s.valid_from, s.valid_until, s.per_person,
	(SELECT COUNT(*) FROM vouchers v WHERE v.scheme_id = s.id),
	(SELECT COUNT(*) FROM vouchers v WHERE v.scheme_id = s.id AND v.state IN ('redeemed', 'settled')),
	(SELECT COUNT(*) FROM vouchers v WHERE v.scheme_id = s.id AND v.state = 'expired'),
	s.created_at, s.updated_at`

func scanScheme(sc scanner) (*gongzhi.VoucherScheme, error) {
	var s gongzhi.VoucherScheme
	var groups, comms, cats string
	err := sc.Scan(&s.ID, &s.PlaceCode, &s.PlaceName, &s.BudgetID, &s.BudgetName, &s.Name, &s.FaceValue, &groups, &s.MinAge, &comms,
		&s.LivingAlone, &cats, &s.ValidFrom, &s.ValidUntil, &s.PerPerson, &s.Issued, &s.Redeemed, &s.Expired, &s.CreatedAt, &s.UpdatedAt)
	s.TargetGroups, s.Communities, s.Categories = splitList(groups), splitList(comms), splitList(cats)
	return &s, mapErr(err)
}

// InsertVoucherScheme adds a scheme with its admitted providers.
func (q *Q) InsertVoucherScheme(ctx context.Context, s *gongzhi.VoucherScheme, userID int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO voucher_schemes (place_code, budget_id, name, face_value, target_groups, min_age, communities,
		living_alone, categories, valid_from, valid_until, per_person, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.PlaceCode, s.BudgetID, s.Name, s.FaceValue, joinList(s.TargetGroups),
		s.MinAge, joinList(s.Communities), s.LivingAlone, joinList(s.Categories), s.ValidFrom, s.ValidUntil, s.PerPerson, nullID(userID),
		now.UTC(), now.UTC())
	if err != nil {
		return err
	}
	s.ID, s.CreatedAt, s.UpdatedAt = id, now, now
	for _, org := range s.Providers {
		if _, err := q.Exec(ctx, `INSERT INTO voucher_providers (scheme_id, org_id) VALUES (?, ?)`, id, org); err != nil {
			return err
		}
	}
	return nil
}

// GetVoucherScheme returns a scheme at the scope's place or below, with its providers.
func (q *Q) GetVoucherScheme(ctx context.Context, sc Scope, id int64) (*gongzhi.VoucherScheme, error) {
	w := &where{}
	w.add("s.id = ?", id)
	placeScope(w, "s.place_code", sc)
	s, err := scanScheme(q.QueryRow(ctx, "SELECT "+schemeCols+" FROM voucher_schemes s"+w.sql(), w.args...))
	if err != nil {
		return nil, err
	}
	s.Providers, err = q.schemeProviders(ctx, id)
	return s, err
}

func (q *Q) schemeProviders(ctx context.Context, id int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT org_id FROM voucher_providers WHERE scheme_id = ? ORDER BY org_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, o)
	}
	return out, mapErr(rows.Err())
}

// ListVoucherSchemes lists the schemes at the scope's place or below, newest first; with
// orgID, only those admitting that provider; with community, only those of a place above it
// that cover it.
func (q *Q) ListVoucherSchemes(ctx context.Context, sc Scope, orgID int64, community string) ([]*gongzhi.VoucherScheme, error) {
	w := &where{}
	placeScope(w, "s.place_code", sc)
	if orgID != 0 {
		w.add("EXISTS (SELECT 1 FROM voucher_providers vp WHERE vp.scheme_id = s.id AND vp.org_id = ?)", orgID)
	}
	if community != "" { // a scheme of the community's street (or a place above it) that covers it
		w.add("(s.communities = '' OR s.communities LIKE ?) AND CAST(? AS TEXT) LIKE RTRIM(s.place_code, '0') || '%'", "%,"+community+",%", community)
	}
	rows, err := q.Query(ctx, "SELECT "+schemeCols+" FROM voucher_schemes s"+w.sql()+" ORDER BY s.id DESC", w.args...)
	if err != nil {
		return nil, err
	}
	var out []*gongzhi.VoucherScheme
	for rows.Next() {
		s, err := scanScheme(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	for _, s := range out {
		if s.Providers, err = q.schemeProviders(ctx, s.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EligiblePerson is a resident a scheme may issue to, with the vouchers they already hold.
type EligiblePerson struct {
	ID, HouseholdID int64
	PlaceCode       string
	Held            int
}

// eligibleWhere is the registry's residents a scheme's eligibility admits, born in or before
// maxBirthYear when the scheme has a minimum age.
func eligibleWhere(s *gongzhi.VoucherScheme, maxBirthYear int) *where {
	w := &where{}
	w.add("p.kind = 'resident'")
	w.under("p.place_code", strings.TrimRight(s.PlaceCode, "0"))
	if len(s.Communities) > 0 {
		w.add("p.place_code IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(s.Communities)), ", ")+")", anys(s.Communities)...)
	}
	if s.MinAge > 0 {
		w.add("p.birth_year > 0 AND p.birth_year <= ?", maxBirthYear)
	}
	if len(s.TargetGroups) > 0 {
		var ors []string
		var args []any
		for _, g := range s.TargetGroups {
			ors = append(ors, "p.target_groups LIKE ?")
			args = append(args, "%,"+g+",%")
		}
		w.add("("+strings.Join(ors, " OR ")+")", args...)
	}
	if s.LivingAlone {
		w.add(`p.household_id IS NOT NULL AND (SELECT COUNT(*) FROM people p2 WHERE p2.household_id = p.household_id AND p2.kind = 'resident') = 1`)
	}
	return w
}

// EligiblePeople returns every resident the scheme admits, with the vouchers of the scheme
// each holds, in id order.
func (q *Q) EligiblePeople(ctx context.Context, s *gongzhi.VoucherScheme, maxBirthYear int) ([]EligiblePerson, error) {
	w := eligibleWhere(s, maxBirthYear)
	args := append([]any{s.ID}, w.args...)
	rows, err := q.Query(ctx, `SELECT p.id, COALESCE(p.household_id, 0), p.place_code,
		(SELECT COUNT(*) FROM vouchers v WHERE v.scheme_id = ? AND v.person_id = p.id) FROM people p`+w.sql()+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EligiblePerson
	for rows.Next() {
		var e EligiblePerson
		if err := rows.Scan(&e.ID, &e.HouseholdID, &e.PlaceCode, &e.Held); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// EligiblePerson returns one resident if the scheme admits them; ENOTFOUND otherwise.
func (q *Q) EligiblePerson(ctx context.Context, s *gongzhi.VoucherScheme, maxBirthYear int, personID int64) (*EligiblePerson, error) {
	w := eligibleWhere(s, maxBirthYear)
	w.add("p.id = ?", personID)
	args := append([]any{s.ID}, w.args...)
	var e EligiblePerson
	err := q.QueryRow(ctx, `SELECT p.id, COALESCE(p.household_id, 0), p.place_code,
		(SELECT COUNT(*) FROM vouchers v WHERE v.scheme_id = ? AND v.person_id = p.id) FROM people p`+w.sql(), args...).
		Scan(&e.ID, &e.HouseholdID, &e.PlaceCode, &e.Held)
	return &e, mapErr(err)
}

// InsertVoucher adds an issued voucher with its PIN's hash.
func (q *Q) InsertVoucher(ctx context.Context, v *gongzhi.Voucher, pinHash string) error {
	id, err := q.InsertID(ctx, `INSERT INTO vouchers (scheme_id, serial, person_id, household_id, community_code, seq, face_value,
		valid_until, pin_hash, state, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.SchemeID, v.Serial, v.PersonID,
		nullID(v.HouseholdID), v.CommunityCode, v.Seq, v.FaceValue, v.ValidUntil, pinHash, v.State, v.IssuedAt.UTC())
	v.ID = id
	return err
}

// VoucherScope limits vouchers to what a caller sees: those of communities at a place and below
// (staff), of a household (a resident: their own and their household's), or those chosen by or
// redeemed at an organization (a provider).
type VoucherScope struct {
	Prefix      string
	PersonID    int64
	HouseholdID int64
	OrgID       int64
	None        bool
}

func (w *where) voucherScope(s VoucherScope) {
	switch {
	case s.None:
		w.add("1 = 0")
	case s.PersonID != 0 || s.HouseholdID != 0:
		w.add("(v.person_id = ? OR (v.household_id IS NOT NULL AND v.household_id = ?))", s.PersonID, s.HouseholdID)
	case s.OrgID != 0:
		w.add("(v.chosen_org_id = ? OR EXISTS (SELECT 1 FROM voucher_redemptions r WHERE r.voucher_id = v.id AND r.org_id = ?))", s.OrgID, s.OrgID)
	case s.Prefix != "":
		w.under("v.community_code", s.Prefix)
	}
}

// VoucherRow is a voucher with what the service needs and never shows.
type VoucherRow struct {
	*gongzhi.Voucher
	PINHash        string
	PINFailures    int
	PINLockedUntil time.Time
	SchemePlace    string
	BudgetID       int64
}

const voucherCols = `v.id, v.scheme_id, s.name, v.serial, v.person_id, p.name, COALESCE(v.household_id, 0), v.community_code,
	COALESCE((SELECT pl.name FROM places pl WHERE pl.code = v.community_code), ''), v.seq, v.face_value, v.valid_until, v.state,
	COALESCE(v.chosen_org_id, 0), COALESCE((SELECT o.name FROM organizations o WHERE o.id = v.chosen_org_id), ''), v.issued_at,
	v.closed_at, v.rating, v.rating_comment, v.pin_hash, v.pin_failures, v.pin_locked_until, s.place_code, s.budget_id, v.issued_seq`

const voucherFrom = ` FROM vouchers v JOIN voucher_schemes s ON s.id = v.scheme_id JOIN people p ON p.id = v.person_id`

func scanVoucher(sc scanner) (*VoucherRow, error) {
	v := &gongzhi.Voucher{}
	r := &VoucherRow{Voucher: v}
	var closed, locked sql.NullTime
	err := sc.Scan(&v.ID, &v.SchemeID, &v.SchemeName, &v.Serial, &v.PersonID, &v.PersonName, &v.HouseholdID, &v.CommunityCode,
		&v.CommunityName, &v.Seq, &v.FaceValue, &v.ValidUntil, &v.State, &v.ChosenOrgID, &v.ChosenOrgName, &v.IssuedAt, &closed,
		&v.Rating, &v.RatingComment, &r.PINHash, &r.PINFailures, &locked, &r.SchemePlace, &r.BudgetID, &v.IssuedSeq)
	v.ClosedAt, r.PINLockedUntil = closed.Time, locked.Time
	return r, mapErr(err)
}

// GetVoucher returns a voucher within scope, with its redemption.
func (q *Q) GetVoucher(ctx context.Context, s VoucherScope, id int64) (*VoucherRow, error) {
	w := &where{}
	w.add("v.id = ?", id)
	w.voucherScope(s)
	r, err := scanVoucher(q.QueryRow(ctx, "SELECT "+voucherCols+voucherFrom+w.sql(), w.args...))
	if err != nil {
		return nil, err
	}
	r.Redemption, err = q.redemption(ctx, id)
	return r, err
}

// LockVoucherBySerial returns the voucher with the serial for an update in the caller's
// transaction (PostgreSQL locks the row; SQLite's write transaction already excludes others).
func (q *Q) LockVoucherBySerial(ctx context.Context, serial string) (*VoucherRow, error) {
	var id int64
	if err := q.QueryRow(ctx, `SELECT id FROM vouchers WHERE serial = ?`+q.forUpdate(), serial).Scan(&id); err != nil {
		return nil, mapErr(err)
	}
	return q.GetVoucher(ctx, VoucherScope{}, id)
}

// LockVoucher locks a voucher by id for an update in the caller's transaction.
func (q *Q) LockVoucher(ctx context.Context, s VoucherScope, id int64) (*VoucherRow, error) {
	if err := q.LockRow(ctx, "vouchers", id); err != nil {
		return nil, err
	}
	return q.GetVoucher(ctx, s, id)
}

func (q *Q) redemption(ctx context.Context, id int64) (*gongzhi.Redemption, error) {
	var r gongzhi.Redemption
	err := q.QueryRow(ctx, `SELECT r.voucher_id, r.org_id, o.name, COALESCE(r.entry_id, 0), r.amount, r.month, COALESCE(r.statement_id, 0),
		r.username, r.at, r.log_seq, COALESCE(e.title, ''), COALESCE(e.held_on, ''), COALESCE(st.log_seq, 0)
		FROM voucher_redemptions r JOIN organizations o ON o.id = r.org_id
		LEFT JOIN service_entries e ON e.id = r.entry_id LEFT JOIN voucher_statements st ON st.id = r.statement_id
		WHERE r.voucher_id = ?`, id).
		Scan(&r.VoucherID, &r.OrgID, &r.OrgName, &r.EntryID, &r.Amount, &r.Month, &r.StatementID, &r.Username, &r.At, &r.LogSeq,
			&r.EntryTitle, &r.EntryOn, &r.SettledSeq)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return &r, mapErr(err)
}

// ListVouchers lists vouchers within scope, newest first. Filters: scheme, state, community,
// person, ids (comma-separated).
func (q *Q) ListVouchers(ctx context.Context, s VoucherScope, f map[string]string, each func(*gongzhi.Voucher) error) error {
	w := &where{}
	w.voucherScope(s)
	if v := f["scheme"]; v != "" {
		w.add("v.scheme_id = ?", atoiOr(v, -1))
	}
	if v := f["state"]; v != "" {
		w.add("v.state = ?", v)
	}
	if v := f["community"]; v != "" {
		w.add("v.community_code = ?", v)
	}
	if v := f["person"]; v != "" {
		w.add("v.person_id = ?", atoiOr(v, -1))
	}
	if v := f["ids"]; v != "" {
		var ids []string
		var args []any
		for _, x := range strings.Split(v, ",") {
			if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				ids = append(ids, "?")
				args = append(args, n)
			}
		}
		if len(ids) == 0 {
			w.add("1 = 0")
		} else {
			w.add("v.id IN ("+strings.Join(ids, ", ")+")", args...)
		}
	}
	rows, err := q.Query(ctx, "SELECT "+voucherCols+voucherFrom+w.sql()+" ORDER BY v.community_code, p.name, v.id", w.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanVoucher(rows)
		if err != nil {
			return err
		}
		if err := each(r.Voucher); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

// SetVoucherPIN replaces a voucher's PIN hash and clears its failures.
func (q *Q) SetVoucherPIN(ctx context.Context, id int64, hash string) error {
	_, err := q.Exec(ctx, `UPDATE vouchers SET pin_hash = ?, pin_failures = 0, pin_locked_until = NULL WHERE id = ?`, hash, id)
	return err
}

// VoucherPINFailed counts a wrong PIN; lockedUntil, when set, locks the voucher until then and
// starts the count again.
func (q *Q) VoucherPINFailed(ctx context.Context, id int64, lockedUntil time.Time) error {
	if lockedUntil.IsZero() {
		_, err := q.Exec(ctx, `UPDATE vouchers SET pin_failures = pin_failures + 1 WHERE id = ?`, id)
		return err
	}
	_, err := q.Exec(ctx, `UPDATE vouchers SET pin_failures = 0, pin_locked_until = ? WHERE id = ?`, lockedUntil.UTC(), id)
	return err
}

// ChooseVoucherProvider records the provider a resident chose for an issued voucher.
func (q *Q) ChooseVoucherProvider(ctx context.Context, id, orgID int64) error {
	return changed(q.Exec(ctx, `UPDATE vouchers SET chosen_org_id = ? WHERE id = ? AND state = 'issued'`, orgID, id))
}

// MoveVoucher moves a voucher from one state to another, once: ECONFLICT state.changed when
// another transaction moved it first.
func (q *Q) MoveVoucher(ctx context.Context, id int64, from, to string, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE vouchers SET state = ?, closed_at = ? WHERE id = ? AND state = ?`, to, now.UTC(), id, from))
}

// InsertRedemption records a redemption (the primary key refuses a second one of the voucher).
func (q *Q) InsertRedemption(ctx context.Context, v *gongzhi.Voucher, r *gongzhi.Redemption, userID int64) error {
	_, err := q.Exec(ctx, `INSERT INTO voucher_redemptions (voucher_id, scheme_id, org_id, entry_id, amount, month, user_id, username, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, v.SchemeID, r.OrgID, nullID(r.EntryID), r.Amount, r.Month, nullID(userID), r.Username, r.At.UTC())
	return err
}

// SetVoucherLogSeq keeps the sequence number of a voucher's record on the public ledger:
// what "voucher.issued" (vouchers), "voucher.redeemed" (voucher_redemptions) or "voucher.settled"
// (voucher_statements) wrote.
func (q *Q) SetVoucherLogSeq(ctx context.Context, typ string, id, seq int64) error {
	var query string
	switch typ {
	case "voucher.issued":
		query = `UPDATE vouchers SET issued_seq = ? WHERE id = ?`
	case "voucher.redeemed":
		query = `UPDATE voucher_redemptions SET log_seq = ? WHERE voucher_id = ?`
	case "voucher.settled":
		query = `UPDATE voucher_statements SET log_seq = ? WHERE id = ?`
	default:
		return nil
	}
	return changed(q.Exec(ctx, query, seq, id))
}

// RateVoucher records the holder's rating of the service a voucher bought, once.
func (q *Q) RateVoucher(ctx context.Context, id int64, rating int, comment string, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE vouchers SET rating = ?, rating_comment = ?, rated_at = ? WHERE id = ? AND rating = 0
		AND state IN ('redeemed', 'settled')`, rating, comment, now.UTC(), id))
}

// EntryOfOrg reports whether a ledger entry is one of the organization's, in force.
func (q *Q) EntryOfOrg(ctx context.Context, entryID, orgID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM service_entries WHERE id = ? AND org_id = ? AND state <> 'voided'`, entryID, orgID).Scan(&n)
	return n > 0, mapErr(err)
}

// ---- statements

// UnstatedRedemptions sums a scheme's redemptions of a month not yet on a statement, by
// provider.
func (q *Q) UnstatedRedemptions(ctx context.Context, schemeID int64, month string) (map[int64][2]int64, error) {
	rows, err := q.Query(ctx, `SELECT org_id, COUNT(*), SUM(amount) FROM voucher_redemptions WHERE scheme_id = ? AND month = ?
		AND statement_id IS NULL GROUP BY org_id`, schemeID, month)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][2]int64{}
	for rows.Next() {
		var org, n, sum int64
		if err := rows.Scan(&org, &n, &sum); err != nil {
			return nil, mapErr(err)
		}
		out[org] = [2]int64{n, sum}
	}
	return out, mapErr(rows.Err())
}

// InsertStatement adds a provider's statement and puts its redemptions on it.
func (q *Q) InsertStatement(ctx context.Context, st *gongzhi.VoucherStatement, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO voucher_statements (scheme_id, org_id, month, vouchers, amount, state, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, st.SchemeID, st.OrgID, st.Month, st.Vouchers, st.Amount, st.State, now.UTC())
	if err != nil {
		return err
	}
	st.ID, st.CreatedAt = id, now
	res, err := q.Exec(ctx, `UPDATE voucher_redemptions SET statement_id = ? WHERE scheme_id = ? AND org_id = ? AND month = ?
		AND statement_id IS NULL`, id, st.SchemeID, st.OrgID, st.Month)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(st.Vouchers) {
		return gongzhi.Refused("state", "state.changed")
	}
	return nil
}

const statementCols = `st.id, st.scheme_id, s.name, st.org_id, o.name, st.month, st.vouchers, st.amount, st.state, st.approved_by,
	st.approved_at, st.paid_on, st.paid_by, st.created_at, st.log_seq`

const statementFrom = ` FROM voucher_statements st JOIN voucher_schemes s ON s.id = st.scheme_id JOIN organizations o ON o.id = st.org_id`

func scanStatement(sc scanner) (*gongzhi.VoucherStatement, error) {
	var st gongzhi.VoucherStatement
	var approved sql.NullTime
	err := sc.Scan(&st.ID, &st.SchemeID, &st.SchemeName, &st.OrgID, &st.OrgName, &st.Month, &st.Vouchers, &st.Amount, &st.State,
		&st.ApprovedBy, &approved, &st.PaidOn, &st.PaidBy, &st.CreatedAt, &st.LogSeq)
	st.ApprovedAt = approved.Time
	return &st, mapErr(err)
}

// GetStatement returns a statement of a scheme at the scope's place or below (or, with
// sc.OrgID, one of that provider).
func (q *Q) GetStatement(ctx context.Context, sc Scope, id int64) (*gongzhi.VoucherStatement, error) {
	w := &where{}
	w.add("st.id = ?", id)
	w.scope(sc, "st.org_id", "s.place_code")
	return scanStatement(q.QueryRow(ctx, "SELECT "+statementCols+statementFrom+w.sql(), w.args...))
}

// ListStatements lists statements within scope, of one scheme when schemeID is not 0.
func (q *Q) ListStatements(ctx context.Context, sc Scope, schemeID int64) ([]*gongzhi.VoucherStatement, error) {
	w := &where{}
	w.scope(sc, "st.org_id", "s.place_code")
	if schemeID != 0 {
		w.add("st.scheme_id = ?", schemeID)
	}
	rows, err := q.Query(ctx, "SELECT "+statementCols+statementFrom+w.sql()+" ORDER BY st.month DESC, st.id", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.VoucherStatement
	for rows.Next() {
		st, err := scanStatement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, mapErr(rows.Err())
}

// ApproveStatement moves a draft statement to approved, once.
func (q *Q) ApproveStatement(ctx context.Context, id int64, by string, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE voucher_statements SET state = 'approved', approved_by = ?, approved_at = ? WHERE id = ?
		AND state = 'draft'`, by, now.UTC(), id))
}

// PayStatement moves an approved statement to paid, once, and settles its vouchers.
func (q *Q) PayStatement(ctx context.Context, id int64, paidOn, by string, now time.Time) error {
	if err := changed(q.Exec(ctx, `UPDATE voucher_statements SET state = 'paid', paid_on = ?, paid_by = ? WHERE id = ?
		AND state = 'approved'`, paidOn, by, id)); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `UPDATE vouchers SET state = 'settled', closed_at = ? WHERE state = 'redeemed'
		AND id IN (SELECT voucher_id FROM voucher_redemptions WHERE statement_id = ?)`, now.UTC(), id)
	return err
}

// StatementVouchers returns the ids of the vouchers a statement settles.
func (q *Q) StatementVouchers(ctx context.Context, id int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT voucher_id FROM voucher_redemptions WHERE statement_id = ? ORDER BY voucher_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// DueVouchers returns the ids of issued vouchers whose last valid day is before today.
func (q *Q) DueVouchers(ctx context.Context, today string, limit int) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM vouchers WHERE state = 'issued' AND valid_until < ? ORDER BY id LIMIT ?`, today, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// ---- reports

// VoucherReport counts the vouchers of schemes at the prefix's place and below by "scheme",
// "community", "provider" (the redeeming one) or "month" (of issue for issued and expired, of
// redemption for redeemed).
func (q *Q) VoucherReport(ctx context.Context, prefix, by string) ([]gongzhi.VoucherCount, error) {
	w := &where{}
	if prefix != "" {
		w.under("s.place_code", prefix)
	}
	var key, name string
	switch by {
	case "community":
		key, name = "v.community_code", "COALESCE((SELECT pl.name FROM places pl WHERE pl.code = v.community_code), '')"
	case "provider":
		key, name = "COALESCE(CAST(r.org_id AS TEXT), '')", "COALESCE((SELECT o.name FROM organizations o WHERE o.id = r.org_id), '')"
	case "month":
		key, name = "COALESCE(r.month, '')", "COALESCE(r.month, '')"
	default:
		key, name = "CAST(s.id AS TEXT)", "s.name"
	}
	rows, err := q.Query(ctx, `SELECT `+key+`, `+name+`, COUNT(*),
		SUM(CASE WHEN v.state IN ('redeemed', 'settled') THEN 1 ELSE 0 END),
		SUM(CASE WHEN v.state = 'expired' THEN 1 ELSE 0 END),
		SUM(CASE WHEN v.state = 'settled' THEN v.face_value ELSE 0 END)
		FROM vouchers v JOIN voucher_schemes s ON s.id = v.scheme_id LEFT JOIN voucher_redemptions r ON r.voucher_id = v.id`+w.sql()+
		` GROUP BY 1, 2 ORDER BY 1`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.VoucherCount
	for rows.Next() {
		var c gongzhi.VoucherCount
		if err := rows.Scan(&c.Key, &c.Name, &c.Issued, &c.Redeemed, &c.Expired, &c.Settled); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// VoucherProviderShares returns, for every scheme, each provider's redemptions, its share of
// the scheme's redemptions and the average rating of the vouchers redeemed there.
func (q *Q) VoucherProviderShares(ctx context.Context) ([]gongzhi.VoucherProviderShare, error) {
	rows, err := q.Query(ctx, `SELECT r.scheme_id, s.name, r.org_id, o.name, COUNT(*),
		(SELECT COUNT(*) FROM voucher_redemptions r2 WHERE r2.scheme_id = r.scheme_id),
		SUM(CASE WHEN v.rating > 0 THEN 1 ELSE 0 END), SUM(v.rating)
		FROM voucher_redemptions r JOIN vouchers v ON v.id = r.voucher_id JOIN voucher_schemes s ON s.id = r.scheme_id
		JOIN organizations o ON o.id = r.org_id GROUP BY r.scheme_id, s.name, r.org_id, o.name ORDER BY r.scheme_id, COUNT(*) DESC, r.org_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.VoucherProviderShare
	for rows.Next() {
		var p gongzhi.VoucherProviderShare
		var total, sum int
		if err := rows.Scan(&p.SchemeID, &p.SchemeName, &p.OrgID, &p.OrgName, &p.Redeemed, &total, &p.Ratings, &sum); err != nil {
			return nil, mapErr(err)
		}
		if total > 0 {
			p.Share = float64(p.Redeemed) / float64(total)
		}
		if p.Ratings > 0 {
			p.Rating = float64(sum) / float64(p.Ratings)
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}

// EligibleMatch is a resident a scheme admits, found by name for issuing one voucher: what tells
// people of one name apart (masked ID number, community, birth year) and what they hold.
type EligibleMatch struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	IDMasked  string `json:"id_masked"`
	PlaceCode string `json:"place_code"`
	PlaceName string `json:"place_name"`
	BirthYear int    `json:"birth_year"`
	Held      int    `json:"held"` // vouchers of the scheme they hold
}

// EligibleMatches returns at most limit residents the scheme admits whose name (or its pinyin)
// contains name, in name order.
func (q *Q) EligibleMatches(ctx context.Context, s *gongzhi.VoucherScheme, maxBirthYear int, name string, limit int) ([]EligibleMatch, error) {
	w := eligibleWhere(s, maxBirthYear)
	w.add(`(LOWER(p.name) LIKE ? ESCAPE '\' OR p.name_py LIKE ? ESCAPE '\')`, likeArg(name), likeArg(strings.ReplaceAll(name, " ", "")))
	args := append([]any{s.ID}, w.args...)
	rows, err := q.Query(ctx, `SELECT p.id, p.name, p.id_masked, p.place_code, COALESCE((SELECT pl.name FROM places pl WHERE pl.code = p.place_code), ''),
		p.birth_year, (SELECT COUNT(*) FROM vouchers v WHERE v.scheme_id = ? AND v.person_id = p.id) FROM people p`+w.sql()+
		` ORDER BY p.name, p.id LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EligibleMatch
	for rows.Next() {
		var m EligibleMatch
		if err := rows.Scan(&m.ID, &m.Name, &m.IDMasked, &m.PlaceCode, &m.PlaceName, &m.BirthYear, &m.Held); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// UpdateVoucherScheme writes a scheme's fields and replaces its admitted providers.
func (q *Q) UpdateVoucherScheme(ctx context.Context, s *gongzhi.VoucherScheme, now time.Time) error {
	if err := changed(q.Exec(ctx, `UPDATE voucher_schemes SET budget_id = ?, name = ?, face_value = ?, target_groups = ?, min_age = ?,
		communities = ?, living_alone = ?, categories = ?, valid_from = ?, valid_until = ?, per_person = ?, updated_at = ? WHERE id = ?`,
		s.BudgetID, s.Name, s.FaceValue, joinList(s.TargetGroups), s.MinAge, joinList(s.Communities), s.LivingAlone, joinList(s.Categories),
		s.ValidFrom, s.ValidUntil, s.PerPerson, now.UTC(), s.ID)); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM voucher_providers WHERE scheme_id = ?`, s.ID); err != nil {
		return err
	}
	for _, org := range s.Providers {
		if _, err := q.Exec(ctx, `INSERT INTO voucher_providers (scheme_id, org_id) VALUES (?, ?)`, s.ID, org); err != nil {
			return err
		}
	}
	s.UpdatedAt = now
	return nil
}

// VoucherFigures counts the vouchers of the schemes at a place and below over one period: issued,
// redeemed, expired and settled (on a paid statement), the face value reserved (of the vouchers
// issued in the period; over all time, of those still unspent) and the money settled.
type VoucherFigures struct {
	Issued   int           `json:"issued"`
	Redeemed int           `json:"redeemed"`
	Expired  int           `json:"expired"`
	Settled  int           `json:"settled"`
	Reserved gongzhi.Money `json:"reserved"`
	Paid     gongzhi.Money `json:"paid"`
}

// VoucherSummary returns the figures of the schemes at the place prefix and below for the month
// (YYYY-MM, China time) and over all time.
func (q *Q) VoucherSummary(ctx context.Context, prefix, month string, from, to time.Time) (monthly, total VoucherFigures, err error) {
	c, a := scopeRange("s.place_code", prefix)
	one := func(f *VoucherFigures, cond string, args ...any) error {
		return mapErr(q.QueryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM vouchers v JOIN voucher_schemes s ON s.id = v.scheme_id WHERE `+c+cond+`),
			(SELECT COALESCE(SUM(v.face_value), 0) FROM vouchers v JOIN voucher_schemes s ON s.id = v.scheme_id WHERE `+c+cond+`)`,
			append(append(append([]any{}, a...), args...), append(append([]any{}, a...), args...)...)...).Scan(&f.Issued, &f.Reserved))
	}
	count := func(out *int, query string, args ...any) error {
		return mapErr(q.QueryRow(ctx, query, append(append([]any{}, a...), args...)...).Scan(out))
	}
	redeemed := `SELECT COUNT(*) FROM voucher_redemptions r JOIN voucher_schemes s ON s.id = r.scheme_id WHERE ` + c
	expired := `SELECT COUNT(*) FROM vouchers v JOIN voucher_schemes s ON s.id = v.scheme_id WHERE ` + c + ` AND v.state = 'expired'`
	settled := `SELECT COALESCE(SUM(st.vouchers), 0) FROM voucher_statements st JOIN voucher_schemes s ON s.id = st.scheme_id WHERE ` + c + ` AND st.state = 'paid'`
	paid := `SELECT COALESCE(SUM(st.amount), 0) FROM voucher_statements st JOIN voucher_schemes s ON s.id = st.scheme_id WHERE ` + c + ` AND st.state = 'paid'`
	var pm, pt int64
	for _, step := range []func() error{
		func() error { return one(&monthly, ` AND v.issued_at >= ? AND v.issued_at < ?`, from.UTC(), to.UTC()) },
		func() error { return count(&monthly.Redeemed, redeemed+` AND r.month = ?`, month) },
		func() error {
			return count(&monthly.Expired, expired+` AND v.closed_at >= ? AND v.closed_at < ?`, from.UTC(), to.UTC())
		},
		func() error { return count(&monthly.Settled, settled+` AND st.paid_on LIKE ?`, month+"-%") },
		func() error {
			return mapErr(q.QueryRow(ctx, paid+` AND st.paid_on LIKE ?`, append(append([]any{}, a...), month+"-%")...).Scan(&pm))
		},
		func() error { return one(&total, ` AND v.state = 'issued'`) },
		func() error { return count(&total.Redeemed, redeemed) },
		func() error { return count(&total.Expired, expired) },
		func() error { return count(&total.Settled, settled) },
		func() error { return mapErr(q.QueryRow(ctx, paid, a...).Scan(&pt)) },
	} {
		if err = step(); err != nil {
			return
		}
	}
	monthly.Paid, total.Paid = gongzhi.Money(pm), gongzhi.Money(pt)
	// total.Issued counted the unspent only (for the money they hold): all issued is every voucher
	err = count(&total.Issued, `SELECT COUNT(*) FROM vouchers v JOIN voucher_schemes s ON s.id = v.scheme_id WHERE `+c)
	return
}
