// Storage of past contracts: concluded purchases of earlier years imported from an office's
// records (migration 0020). They live in a table of their own, so that nothing that works on
// live contracts (versions, payment portions, the ledger, inspections, evaluations, the jobs that
// remind of due payments) can ever see them; the funding report and the provider's history add
// them in.

package store

import (
	"context"
	"database/sql"
	"time"

	"gongzhi"
)

const pastCols = `pc.id, pc.place_code, pc.fiscal_year, pc.category_code, pc.org_id, COALESCE(o.credit_code, ''), pc.provider_name,
	pc.title, pc.contract_no, pc.amount, pc.signed_on, pc.start_on, pc.end_on, pc.communities, pc.state, pc.notes, pc.version,
	pc.created_at, pc.updated_at`

const pastFrom = `past_contracts pc LEFT JOIN organizations o ON o.id = pc.org_id`

func scanPast(s scanner) (*gongzhi.PastContract, error) {
	var p gongzhi.PastContract
	var comms string
	var updated sql.NullTime
	err := s.Scan(&p.ID, &p.PlaceCode, &p.FiscalYear, &p.CategoryCode, &p.OrgID, &p.CreditCode, &p.ProviderName, &p.Title,
		&p.ContractNo, &p.Amount, &p.SignedOn, &p.StartOn, &p.EndOn, &comms, &p.State, &p.Notes, &p.Version, &p.CreatedAt, &updated)
	p.Communities, p.Imported = splitList(comms), true
	if updated.Valid {
		p.UpdatedAt = updated.Time
	}
	return &p, mapErr(err)
}

var pastSorts = map[string]string{"amount": "pc.amount", "fiscal_year": "pc.fiscal_year", "title": "pc.title"}

// ListPastContracts lists past contracts within scope (an organization sees its own, a place
// those bought at it and below). Filters: org, fiscal_year, category, state, place.
func (q *Q) ListPastContracts(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.PastContract) error) (int, error) {
	w := &where{}
	w.scope(s, "pc.org_id", "pc.place_code")
	w.search(opts.Q, "pc.title", "pc.provider_name")
	for k, col := range map[string]string{"org": "pc.org_id", "fiscal_year": "pc.fiscal_year"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", atoiOr(v, -1))
		}
	}
	for k, col := range map[string]string{"category": "pc.category_code", "state": "pc.state"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", v)
		}
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("pc.place_code", v)
	}
	return list(ctx, q, pastCols, pastFrom, w, orderBy(opts, pastSorts, "pc.id DESC", "pc.id"), opts, scanPast, each)
}

// GetPastContract returns a past contract within scope.
func (q *Q) GetPastContract(ctx context.Context, s Scope, id int64) (*gongzhi.PastContract, error) {
	w := &where{}
	w.add("pc.id = ?", id)
	w.scope(s, "pc.org_id", "pc.place_code")
	return scanPast(q.QueryRow(ctx, "SELECT "+pastCols+" FROM "+pastFrom+w.sql(), w.args...))
}

// PastContractTaken reports whether the place already holds another past contract (not
// exceptID) that is the same one by the duplicate rule (the table's two partial unique indexes):
// with a contract number, the same year and number; without one, the same year, provider and
// title among those without a number.
func (q *Q) PastContractTaken(ctx context.Context, p *gongzhi.PastContract, exceptID int64) (bool, error) {
	var n int
	var err error
	if p.ContractNo != "" {
		err = q.QueryRow(ctx, `SELECT COUNT(*) FROM past_contracts WHERE place_code = ? AND fiscal_year = ? AND contract_no = ? AND id <> ?`,
			p.PlaceCode, p.FiscalYear, p.ContractNo, exceptID).Scan(&n)
	} else {
		err = q.QueryRow(ctx, `SELECT COUNT(*) FROM past_contracts WHERE place_code = ? AND fiscal_year = ? AND org_id = ? AND title = ?
			AND contract_no = '' AND id <> ?`, p.PlaceCode, p.FiscalYear, p.OrgID, p.Title, exceptID).Scan(&n)
	}
	return n > 0, mapErr(err)
}

// UpdatePastContract saves a correction of a past contract if it is still at version (its
// version becomes version+1); it reports false when another correction or a deletion came
// first. A duplicate by the table's rule is a unique violation.
func (q *Q) UpdatePastContract(ctx context.Context, p *gongzhi.PastContract, version int, now time.Time) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE past_contracts SET fiscal_year = ?, category_code = ?, org_id = ?, provider_name = ?, title = ?,
		contract_no = ?, amount = ?, signed_on = ?, start_on = ?, end_on = ?, communities = ?, state = ?, notes = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		p.FiscalYear, p.CategoryCode, p.OrgID, p.ProviderName, p.Title, p.ContractNo, p.Amount, p.SignedOn, p.StartOn, p.EndOn,
		joinList(p.Communities), p.State, p.Notes, now.UTC(), p.ID, version)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, mapErr(err)
	}
	if n == 1 {
		p.Version, p.UpdatedAt = version+1, now
	}
	return n == 1, nil
}

// DeletePastContract removes a past contract if it is still at version; it reports false when a
// correction or another deletion came first.
func (q *Q) DeletePastContract(ctx context.Context, id int64, version int) (bool, error) {
	res, err := q.Exec(ctx, `DELETE FROM past_contracts WHERE id = ? AND version = ?`, id, version)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// InsertPastContracts adds past contracts in multi-row statements, inside the caller's
// transaction. IDs are not read back.
func (q *Q) InsertPastContracts(ctx context.Context, ps []*gongzhi.PastContract, userID int64, now time.Time) error {
	t := now.UTC()
	return q.multiInsert(ctx, `INSERT INTO past_contracts (place_code, fiscal_year, category_code, org_id, provider_name, title, contract_no,
		amount, signed_on, start_on, end_on, communities, state, notes, imported_by, created_at)`, "", 16, len(ps), func(i int, args []any) []any {
		p := ps[i]
		return append(args, p.PlaceCode, p.FiscalYear, p.CategoryCode, p.OrgID, p.ProviderName, p.Title, p.ContractNo, p.Amount, p.SignedOn,
			p.StartOn, p.EndOn, joinList(p.Communities), p.State, p.Notes, nullID(userID), t)
	}, nil)
}

// PastFundingByCategory is FundingByCategory for the past contracts bought at places under
// prefix: every one counts, completed or terminated (each was a signed contract of its year).
func (q *Q) PastFundingByCategory(ctx context.Context, prefix string, from, to int) ([]gongzhi.FundingRow, error) {
	c, a := scopeRange("place_code", prefix)
	rows, err := q.Query(ctx, `SELECT fiscal_year, category_code, COUNT(*), SUM(amount) FROM past_contracts
		WHERE `+c+` AND fiscal_year >= ? AND fiscal_year <= ?
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
		r.Imported = r.Contracts
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// OrgsByCreditCode returns the organizations holding the given unified social credit codes,
// whatever their place (a provider of years past may be registered anywhere): code → ID and name.
func (q *Q) OrgsByCreditCode(ctx context.Context, codes []string) (map[string]OrgRef, error) {
	out := make(map[string]OrgRef, len(codes))
	for start := 0; start < len(codes); start += 500 {
		chunk := codes[start:min(start+500, len(codes))]
		args := make([]any, len(chunk))
		marks := make([]byte, 0, 2*len(chunk))
		for i, c := range chunk {
			args[i] = c
			if i > 0 {
				marks = append(marks, ',')
			}
			marks = append(marks, '?')
		}
		rows, err := q.Query(ctx, `SELECT id, name, credit_code FROM organizations WHERE credit_code IN (`+string(marks)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r OrgRef
			var code string
			if err := rows.Scan(&r.ID, &r.Name, &code); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			out[code] = r
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

// OrgRef is an organization's ID and name.
type OrgRef struct {
	ID   int64
	Name string
}
