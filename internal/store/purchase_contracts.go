// Storage of contracts (with their versions and payment portions), payments, and the purchase
// reports: funding by category and year, on-time payments, and the needs funded projects answer.

package store

import (
	"context"
	"database/sql"
	"time"

	"gongzhi"
)

// The call's title is looked up for the page's rows only (see needCols).
const contractCols = `ct.id, ct.call_id, COALESCE((SELECT c.title FROM calls c WHERE c.id = ct.call_id), ''), ct.award_id, ct.application_id, ct.org_id, ct.place_code,
	ct.fiscal_year, ct.category_code, ct.title, ct.purchaser_name, ct.provider_name, ct.state, ct.version, ct.amount, ct.paid,
	ct.signed_at, ct.created_at, ct.updated_at, COALESCE((SELECT w.price_exception FROM awards w WHERE w.id = ct.award_id), '')`

const contractFrom = `contracts ct`

func scanContract(s scanner) (*gongzhi.Contract, error) {
	var ct gongzhi.Contract
	var signed sql.NullTime
	err := s.Scan(&ct.ID, &ct.CallID, &ct.CallTitle, &ct.AwardID, &ct.ApplicationID, &ct.OrgID, &ct.PlaceCode, &ct.FiscalYear,
		&ct.CategoryCode, &ct.Title, &ct.PurchaserName, &ct.ProviderName, &ct.State, &ct.Version, &ct.Amount, &ct.Paid, &signed,
		&ct.CreatedAt, &ct.UpdatedAt, &ct.PriceException)
	ct.SignedAt = signed.Time
	return &ct, mapErr(err)
}

func contractScope(w *where, s Scope) {
	w.scope(s, "ct.org_id", "ct.place_code")
}

// GetContract returns a contract within scope (without its versions).
func (q *Q) GetContract(ctx context.Context, s Scope, id int64) (*gongzhi.Contract, error) {
	w := &where{}
	w.add("ct.id = ?", id)
	contractScope(w, s)
	return scanContract(q.QueryRow(ctx, "SELECT "+contractCols+" FROM "+contractFrom+w.sql(), w.args...))
}

var contractSorts = map[string]string{"amount": "ct.amount", "signed_at": "ct.signed_at", "fiscal_year": "ct.fiscal_year",
	"title": "ct.title", "created_at": "ct.created_at"}

// ListContracts lists contracts. Filters: call, org, state, fiscal_year, category, place.
func (q *Q) ListContracts(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Contract) error) (int, error) {
	w := &where{}
	contractScope(w, s)
	w.search(opts.Q, "ct.title", "ct.provider_name")
	for k, col := range map[string]string{"call": "ct.call_id", "org": "ct.org_id", "fiscal_year": "ct.fiscal_year"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", atoiOr(v, -1))
		}
	}
	if v := opts.Filters["state"]; v != "" {
		w.add("ct.state = ?", v)
	}
	if v := opts.Filters["category"]; v != "" {
		w.add("ct.category_code = ?", v)
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("ct.place_code", v)
	}
	return list(ctx, q, contractCols, contractFrom, w, orderBy(opts, contractSorts, "ct.id DESC", "ct.id"), opts, scanContract, each)
}

// SignedContractIDs returns the IDs of the signed contracts of a fiscal year within scope, in
// order: what a caller that reads the contracts in force by ID needs of the list, without its
// columns or its count.
func (q *Q) SignedContractIDs(ctx context.Context, s Scope, year int) ([]int64, error) {
	w := &where{}
	w.add("ct.state = ?", gongzhi.ContractSigned)
	w.add("ct.fiscal_year = ?", year)
	contractScope(w, s)
	return q.ids(ctx, "SELECT ct.id FROM contracts ct"+w.sql()+" ORDER BY ct.id", w.args...)
}

// ContractHeads returns the contracts in a state within scope, newest first, with their heads
// only (id, organization, place, fiscal year, category, title, provider, amount, state): what a
// page's choice of contracts shows, without the rest of ListContracts's columns or a count (a
// city's 300 signed contracts were a third of its ledger page).
func (q *Q) ContractHeads(ctx context.Context, s Scope, state string) ([]*gongzhi.Contract, error) {
	w := &where{}
	w.add("ct.state = ?", state)
	contractScope(w, s)
	rows, err := q.Query(ctx, "SELECT ct.id, ct.org_id, ct.place_code, ct.fiscal_year, ct.category_code, ct.title, ct.provider_name, ct.amount, ct.state FROM contracts ct"+w.sql()+
		" ORDER BY ct.id DESC", w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Contract
	for rows.Next() {
		c := &gongzhi.Contract{}
		if err := rows.Scan(&c.ID, &c.OrgID, &c.PlaceCode, &c.FiscalYear, &c.CategoryCode, &c.Title, &c.ProviderName, &c.Amount, &c.State); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// InsertContract adds a draft contract.
func (q *Q) InsertContract(ctx context.Context, ct *gongzhi.Contract, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO contracts (award_id, call_id, application_id, org_id, place_code, fiscal_year, category_code,
		title, purchaser_name, provider_name, state, version, amount, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', 0, ?, ?, ?)`, ct.AwardID, ct.CallID, ct.ApplicationID, ct.OrgID, ct.PlaceCode,
		ct.FiscalYear, ct.CategoryCode, ct.Title, ct.PurchaserName, ct.ProviderName, ct.Amount, now.UTC(), now.UTC())
	ct.ID, ct.State, ct.CreatedAt, ct.UpdatedAt = id, gongzhi.ContractDraft, now, now
	return err
}

// SetContractAmount sets the amount of a contract not yet signed (its draft's amount).
func (q *Q) SetContractAmount(ctx context.Context, id int64, amount gongzhi.Money, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE contracts SET amount = ?, updated_at = ? WHERE id = ?`, amount, now.UTC(), id)
	return err
}

// PutContractInForce records that a version is in force: the contract is signed (stamped the
// first time), at that version's amount.
func (q *Q) PutContractInForce(ctx context.Context, id int64, version int, amount gongzhi.Money, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE contracts SET state = 'signed', version = ?, amount = ?, signed_at = COALESCE(signed_at, ?),
		updated_at = ? WHERE id = ?`, version, amount, now.UTC(), now.UTC(), id)
	return err
}

// AddContractPaid adds a payment to a contract's paid total.
func (q *Q) AddContractPaid(ctx context.Context, id int64, amount gongzhi.Money, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE contracts SET paid = paid + ?, updated_at = ? WHERE id = ?`, amount, now.UTC(), id)
	return err
}

// ---- versions

const versionCols = `contract_id, version, state, amount, terms, reason, created_name, created_at, purchaser_confirmed_by,
	purchaser_confirmed_at, provider_confirmed_by, provider_confirmed_at, effective_at, price_exception`

func scanVersion(s scanner) (*gongzhi.ContractVersion, error) {
	var v gongzhi.ContractVersion
	var terms string
	var pAt, prAt, eff sql.NullTime
	err := s.Scan(&v.ContractID, &v.Version, &v.State, &v.Terms.Amount, &terms, &v.Reason, &v.CreatedBy, &v.CreatedAt,
		&v.PurchaserConfirmedBy, &pAt, &v.ProviderConfirmedBy, &prAt, &eff, &v.PriceException)
	if err != nil {
		return nil, mapErr(err)
	}
	v.PurchaserConfirmedAt, v.ProviderConfirmedAt, v.EffectiveAt = pAt.Time, prAt.Time, eff.Time
	amount := v.Terms.Amount
	if err := parseTerms(terms, &v.Terms); err != nil {
		return nil, err
	}
	v.Terms.Amount = amount
	return &v, nil
}

// InsertContractVersion adds a version with its payment portions.
func (q *Q) InsertContractVersion(ctx context.Context, v *gongzhi.ContractVersion, userID int64, now time.Time) error {
	if _, err := q.Exec(ctx, `INSERT INTO contract_versions (contract_id, version, state, amount, terms, reason, created_by,
		created_name, created_at, price_exception) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ContractID, v.Version, v.State, v.Terms.Amount,
		jsonText(v.Terms), v.Reason, nullID(userID), v.CreatedBy, now.UTC(), v.PriceException); err != nil {
		return err
	}
	v.CreatedAt = now
	return q.insertPortions(ctx, v)
}

func (q *Q) insertPortions(ctx context.Context, v *gongzhi.ContractVersion) error {
	for _, p := range v.Terms.Portions {
		if _, err := q.Exec(ctx, `INSERT INTO contract_portions (contract_id, version, idx, milestone, basis_points, amount, due_on)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, v.ContractID, v.Version, p.Index, p.Milestone, p.BasisPoints, p.Amount, p.DueOn); err != nil {
			return err
		}
	}
	return nil
}

// UpdateVersionTerms replaces the terms of a pending version nobody has confirmed yet.
func (q *Q) UpdateVersionTerms(ctx context.Context, v *gongzhi.ContractVersion) error {
	if _, err := q.Exec(ctx, `UPDATE contract_versions SET amount = ?, terms = ?, reason = ?, price_exception = ? WHERE contract_id = ? AND version = ?`,
		v.Terms.Amount, jsonText(v.Terms), v.Reason, v.PriceException, v.ContractID, v.Version); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM contract_portions WHERE contract_id = ? AND version = ?`, v.ContractID, v.Version); err != nil {
		return err
	}
	return q.insertPortions(ctx, v)
}

// ListContractVersions returns every version of a contract, oldest first.
func (q *Q) ListContractVersions(ctx context.Context, contractID int64) ([]*gongzhi.ContractVersion, error) {
	rows, err := q.Query(ctx, `SELECT `+versionCols+` FROM contract_versions WHERE contract_id = ? ORDER BY version`, contractID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.ContractVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// ConfirmVersion stamps one side's confirmation of a version, once: side is "purchaser" or
// "provider"; ECONFLICT (state: state.changed) if that side confirmed it already.
func (q *Q) ConfirmVersion(ctx context.Context, contractID int64, version int, side, name string, now time.Time) error {
	col := "provider"
	if side == "purchaser" {
		col = "purchaser"
	}
	return changed(q.Exec(ctx, `UPDATE contract_versions SET `+col+`_confirmed_by = ?, `+col+`_confirmed_at = ? WHERE contract_id = ?
		AND version = ? AND `+col+`_confirmed_at IS NULL`, name, now.UTC(), contractID, version))
}

// SetVersionState moves a version; effective stamps effective_at.
func (q *Q) SetVersionState(ctx context.Context, contractID int64, version int, state string, now time.Time) error {
	query := `UPDATE contract_versions SET state = ?`
	args := []any{state}
	if state == gongzhi.VersionEffective {
		query += `, effective_at = ?`
		args = append(args, now.UTC())
	}
	_, err := q.Exec(ctx, query+` WHERE contract_id = ? AND version = ?`, append(args, contractID, version)...)
	return err
}

// PortionPaid is what has been paid towards one portion of a contract.
type PortionPaid struct {
	Paid   gongzhi.Money
	LastOn string
}

// PortionsPaid returns the payments towards each portion of a contract.
func (q *Q) PortionsPaid(ctx context.Context, contractID int64) (map[int]PortionPaid, error) {
	rows, err := q.Query(ctx, `SELECT portion, SUM(amount), MAX(paid_on) FROM payments WHERE contract_id = ? GROUP BY portion`, contractID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]PortionPaid{}
	for rows.Next() {
		var i int
		var p PortionPaid
		if err := rows.Scan(&i, &p.Paid, &p.LastOn); err != nil {
			return nil, mapErr(err)
		}
		out[i] = p
	}
	return out, mapErr(rows.Err())
}

// ---- payments

// InsertPayment records a payment.
func (q *Q) InsertPayment(ctx context.Context, p *gongzhi.Payment, userID int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO payments (contract_id, portion, amount, paid_on, note, recorded_by, recorded_name, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ContractID, p.Portion, p.Amount, p.PaidOn, p.Note, nullID(userID), p.RecordedBy, now.UTC())
	p.ID, p.RecordedAt = id, now
	return err
}

// ListPayments returns a contract's payments in the order they were made.
func (q *Q) ListPayments(ctx context.Context, contractID int64) ([]*gongzhi.Payment, error) {
	rows, err := q.Query(ctx, `SELECT id, contract_id, portion, amount, paid_on, note, recorded_name, recorded_at FROM payments
		WHERE contract_id = ? ORDER BY paid_on, id`, contractID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Payment
	for rows.Next() {
		var p gongzhi.Payment
		if err := rows.Scan(&p.ID, &p.ContractID, &p.Portion, &p.Amount, &p.PaidOn, &p.Note, &p.RecordedBy, &p.RecordedAt); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, &p)
	}
	return out, mapErr(rows.Err())
}

// DuePortion is one payment portion due by a date, with what was paid towards it.
type DuePortion struct {
	ContractID int64
	Index      int
	Amount     gongzhi.Money
	DueOn      string
	Paid       gongzhi.Money
	LastPaidOn string
}

// DuePortions returns the portions of signed contracts in force at places under prefix that
// fall due on or before asOf (YYYY-MM-DD).
func (q *Q) DuePortions(ctx context.Context, prefix, asOf string) ([]DuePortion, error) {
	c, a := scopeRange("ct.place_code", prefix)
	rows, err := q.Query(ctx, `SELECT cp.contract_id, cp.idx, cp.amount, cp.due_on, COALESCE(SUM(p.amount), 0), COALESCE(MAX(p.paid_on), '')
		FROM contracts ct JOIN contract_portions cp ON cp.contract_id = ct.id AND cp.version = ct.version
		LEFT JOIN payments p ON p.contract_id = ct.id AND p.portion = cp.idx
		WHERE ct.state = 'signed' AND `+c+` AND cp.due_on <= ?
		GROUP BY cp.contract_id, cp.idx, cp.amount, cp.due_on ORDER BY cp.due_on, cp.contract_id, cp.idx`, append(a, asOf)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DuePortion
	for rows.Next() {
		var d DuePortion
		if err := rows.Scan(&d.ContractID, &d.Index, &d.Amount, &d.DueOn, &d.Paid, &d.LastPaidOn); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

// ---- reports

// FundingByCategory sums signed contracts at places under prefix by fiscal year and category,
// for fiscal years from..to inclusive, from the covering index contracts_report alone. Category
// names and shares are left to the caller.
func (q *Q) FundingByCategory(ctx context.Context, prefix string, from, to int) ([]gongzhi.FundingRow, error) {
	c, a := scopeRange("place_code", prefix)
	rows, err := q.Query(ctx, `SELECT fiscal_year, category_code, COUNT(*), SUM(amount) FROM contracts
		WHERE state = 'signed' AND `+c+` AND fiscal_year >= ? AND fiscal_year <= ?
		GROUP BY fiscal_year, category_code ORDER BY fiscal_year, category_code`, append(a, from, to)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.FundingRow
	for rows.Next() {
		var r gongzhi.FundingRow
		if err := rows.Scan(&r.Year, &r.CategoryCode, &r.Contracts, &r.Amount); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// FundingByPlace sums the signed contracts at places under prefix by fiscal year (from to to,
// inclusive) and the place that signed them (the call's place), in year and code order. It
// counts exactly the contracts FundingByCategory counts: a change to what the funding report
// counts goes into both.
func (q *Q) FundingByPlace(ctx context.Context, prefix string, from, to int) ([]gongzhi.FundingPlaceYear, error) {
	c, a := scopeRange("place_code", prefix)
	// the past contracts imported from the office's records count where they were signed, as
	// they do in the report's categories
	args := append(append(a, from, to), a...)
	rows, err := q.Query(ctx, `SELECT fiscal_year, place_code, COUNT(*), SUM(amount) FROM (
		SELECT fiscal_year, place_code, amount FROM contracts
		WHERE state = 'signed' AND `+c+` AND fiscal_year >= ? AND fiscal_year <= ?
		UNION ALL SELECT fiscal_year, place_code, amount FROM past_contracts
		WHERE `+c+` AND fiscal_year >= ? AND fiscal_year <= ?) x
		GROUP BY fiscal_year, place_code ORDER BY fiscal_year, place_code`, append(args, from, to)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.FundingPlaceYear
	for rows.Next() {
		var r gongzhi.FundingPlaceYear
		if err := rows.Scan(&r.Year, &r.PlaceCode, &r.Contracts, &r.Amount); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// FundedProjects returns the funded (awarded) applications of calls at places under prefix
// (callID 0: every call), with their contract if any and the needs they answer.
func (q *Q) FundedProjects(ctx context.Context, prefix string, callID int64) ([]gongzhi.ProjectNeeds, error) {
	w := &where{}
	w.under("c.place_code", prefix)
	w.add("ap.state = 'awarded'")
	if callID != 0 {
		w.add("ap.call_id = ?", callID)
	}
	rows, err := q.Query(ctx, `SELECT ap.call_id, ap.id, COALESCE(ct.id, 0), ap.title, COALESCE(o.name, ''),
		COALESCE(ct.amount, w.amount, 0) FROM applications ap JOIN calls c ON c.id = ap.call_id
		LEFT JOIN organizations o ON o.id = ap.org_id LEFT JOIN awards w ON w.application_id = ap.id AND w.state <> 'overturned'
		LEFT JOIN contracts ct ON ct.award_id = w.id`+w.sql()+` ORDER BY ap.call_id, ap.rank_no, ap.id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.ProjectNeeds
	for rows.Next() {
		var p gongzhi.ProjectNeeds
		if err := rows.Scan(&p.CallID, &p.ApplicationID, &p.ContractID, &p.Title, &p.OrgName, &p.Amount); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	rows.Close()
	// the needs of every project at once, 500 projects a query (not two queries per project)
	for start := 0; start < len(out); start += 500 {
		chunk := out[start:min(start+500, len(out))]
		apps := make([]any, len(chunk))
		at := make(map[int64][]int, len(chunk)) // application → its projects' indexes in chunk
		for i, p := range chunk {
			apps[i] = p.ApplicationID
			at[p.ApplicationID] = append(at[p.ApplicationID], i)
		}
		rows, err := q.Query(ctx, `SELECT an.application_id, `+needCols+` FROM application_needs an JOIN needs n ON n.id = an.need_id
			WHERE an.application_id IN (`+placeholders(len(apps))+`) ORDER BY an.application_id, n.id`, apps...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var app int64
			n, err := scanNeed(leadScan{rows, &app})
			if err != nil {
				rows.Close()
				return nil, err
			}
			for _, i := range at[app] {
				chunk[i].Needs = append(chunk[i].Needs, n)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

// leadScan scans a row whose first column is first and whose others are s's.
type leadScan struct {
	s     scanner
	first any
}

func (e leadScan) Scan(dest ...any) error { return e.s.Scan(append([]any{e.first}, dest...)...) }

// EffectiveVersions returns the version in force of each of the contracts ids that has one, by
// contract, in one query per 500 contracts (for a page of contracts: no query per row).
func (q *Q) EffectiveVersions(ctx context.Context, ids []int64) (map[int64]*gongzhi.ContractVersion, error) {
	out := make(map[int64]*gongzhi.ContractVersion, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := q.Query(ctx, `SELECT `+versionCols+` FROM contract_versions WHERE state = ? AND contract_id IN (`+
			placeholders(len(chunk))+`) ORDER BY contract_id, version`, append([]any{gongzhi.VersionEffective}, idArgs(chunk)...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			v, err := scanVersion(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[v.ContractID] = v
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}
