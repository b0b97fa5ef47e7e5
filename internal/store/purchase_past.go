// Storage of past contracts: concluded purchases of earlier years imported from an office's
// records (migration 0020). They live in a table of their own, so that nothing that works on
// live contracts (versions, payment portions, the ledger, inspections, evaluations, the jobs that
// remind of due payments) can ever see them; the funding report and the provider's history add
// them in.

package store

import (
	"context"
	"time"

	"gongzhi"
)

const pastCols = `pc.id, pc.place_code, pc.fiscal_year, pc.category_code, pc.org_id, COALESCE(o.credit_code, ''), pc.provider_name,
	pc.title, pc.amount, pc.signed_on, pc.start_on, pc.end_on, pc.communities, pc.state, pc.notes, pc.created_at`

const pastFrom = `past_contracts pc LEFT JOIN organizations o ON o.id = pc.org_id`

func scanPast(s scanner) (*gongzhi.PastContract, error) {
	var p gongzhi.PastContract
	var comms string
	err := s.Scan(&p.ID, &p.PlaceCode, &p.FiscalYear, &p.CategoryCode, &p.OrgID, &p.CreditCode, &p.ProviderName, &p.Title,
		&p.Amount, &p.SignedOn, &p.StartOn, &p.EndOn, &comms, &p.State, &p.Notes, &p.CreatedAt)
	p.Communities, p.Imported = splitList(comms), true
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
		c, a := scopeRange("pc.place_code", v)
		w.add(c, a...)
	}
	return list(ctx, q, pastCols, pastFrom, w, orderBy(opts, pastSorts, "pc.id DESC", "pc.id"), opts, scanPast, each)
}

// PastContractTaken reports whether the place already holds a past contract of that year with
// that provider and title (the table's UNIQUE key).
func (q *Q) PastContractTaken(ctx context.Context, placeCode string, year int, orgID int64, title string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM past_contracts WHERE place_code = ? AND fiscal_year = ? AND org_id = ? AND title = ?`,
		placeCode, year, orgID, title).Scan(&n)
	return n > 0, mapErr(err)
}

// InsertPastContracts adds past contracts in multi-row statements, inside the caller's
// transaction. IDs are not read back.
func (q *Q) InsertPastContracts(ctx context.Context, ps []*gongzhi.PastContract, userID int64, now time.Time) error {
	t := now.UTC()
	return q.multiInsert(ctx, `INSERT INTO past_contracts (place_code, fiscal_year, category_code, org_id, provider_name, title, amount,
		signed_on, start_on, end_on, communities, state, notes, imported_by, created_at)`, "", 15, len(ps), func(i int, args []any) []any {
		p := ps[i]
		return append(args, p.PlaceCode, p.FiscalYear, p.CategoryCode, p.OrgID, p.ProviderName, p.Title, p.Amount, p.SignedOn,
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
