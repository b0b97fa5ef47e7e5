// Storage side of the dashboards and the public disclosure section: a few aggregate queries over
// contracts, payments, budgets and needs (the street dashboard runs a handful of GROUP BY
// queries, never one query per contract), signed contracts with the terms in force and the
// communities and target groups of their application, payments made, and final awards.

package store

import (
	"context"
	"strconv"
	"strings"

	"gongzhi"
)

// ContractRow is a signed contract with the terms of its version in force and the communities
// and target groups its application serves.
type ContractRow struct {
	*gongzhi.Contract
	Terms        gongzhi.ContractTerms
	Communities  []string
	TargetGroups []string
}

// dashExtraScan scans a row whose first columns are contractCols and whose last are extra.
type dashExtraScan struct {
	s     scanner
	extra []any
}

func (e dashExtraScan) Scan(dest ...any) error { return e.s.Scan(append(dest, e.extra...)...) }

// The terms and the application's communities and groups are looked up for the page's rows only
// (signedExtra), so that a list's count reads the contracts alone.
const signedFrom = `contracts ct`

const signedExtra = `, COALESCE((SELECT v.terms FROM contract_versions v WHERE v.contract_id = ct.id AND v.version = ct.version), ''),
	COALESCE((SELECT a.communities FROM applications a WHERE a.id = ct.application_id), ''),
	COALESCE((SELECT a.target_groups FROM applications a WHERE a.id = ct.application_id), '')`

func scanContractRow(s scanner) (*ContractRow, error) {
	var terms, comms, groups string
	ct, err := scanContract(dashExtraScan{s, []any{&terms, &comms, &groups}})
	if err != nil {
		return nil, err
	}
	r := &ContractRow{Contract: ct, Communities: splitList(comms), TargetGroups: splitList(groups)}
	if terms != "" {
		if err := parseTerms(terms, &r.Terms); err != nil {
			return nil, err
		}
	}
	return r, nil
}

var signedSorts = map[string]string{"amount": "ct.amount", "signed_at": "ct.signed_at", "fiscal_year": "ct.fiscal_year", "title": "ct.title"}

// ListSignedContracts lists signed contracts within scope with their terms in force, newest
// signature first. Filters: id, fiscal_year, year_from, year_to, category, place (a place-code prefix), org.
func (q *Q) ListSignedContracts(ctx context.Context, s Scope, opts ListOptions, each func(*ContractRow) error) (int, error) {
	w := &where{}
	w.add("ct.state = 'signed'")
	contractScope(w, s)
	w.search(opts.Q, "ct.title", "ct.provider_name")
	for k, col := range map[string]string{"id": "ct.id", "fiscal_year": "ct.fiscal_year", "org": "ct.org_id"} {
		if v := opts.Filters[k]; v != "" {
			w.add(col+" = ?", atoiOr(v, -1))
		}
	}
	if v := opts.Filters["year_from"]; v != "" {
		w.add("ct.fiscal_year >= ?", atoiOr(v, -1))
	}
	if v := opts.Filters["year_to"]; v != "" {
		w.add("ct.fiscal_year <= ?", atoiOr(v, -1))
	}
	if v := opts.Filters["category"]; v != "" {
		w.add("ct.category_code = ?", v)
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("ct.place_code", v)
	}
	return list(ctx, q, contractCols+signedExtra, signedFrom, w,
		orderBy(opts, signedSorts, "ct.signed_at DESC, ct.id DESC", "ct.id"), opts, scanContractRow, each)
}

// NeedCell is the count of recorded needs of one community and target group.
type NeedCell struct {
	CommunityCode, TargetGroup string
	Needs, People              int
}

// NeedsByCell counts the needs recorded in communities under prefix by community and target
// group.
func (q *Q) NeedsByCell(ctx context.Context, prefix string) ([]NeedCell, error) {
	c, a := scopeRange("community_code", prefix)
	rows, err := q.Query(ctx, `SELECT community_code, target_group, COUNT(*), COALESCE(SUM(people_affected), 0) FROM needs
		WHERE `+c+` GROUP BY community_code, target_group ORDER BY community_code, target_group`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NeedCell
	for rows.Next() {
		var n NeedCell
		if err := rows.Scan(&n.CommunityCode, &n.TargetGroup, &n.Needs, &n.People); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, n)
	}
	return out, mapErr(rows.Err())
}

// dashMoneyScope limits the money queries to a place prefix or an organization.
func dashMoneyScope(w *where, s Scope) { contractScope(w, s) }

// MoneyByCategory sums the signed contracts of fiscal year year within scope by service
// category: contracts, amount and paid.
func (q *Q) MoneyByCategory(ctx context.Context, s Scope, year int) ([]gongzhi.MoneyRow, error) {
	w := &where{}
	w.add("ct.state = 'signed'")
	w.add("ct.fiscal_year = ?", year)
	dashMoneyScope(w, s)
	return q.moneyRows(ctx, `SELECT ct.category_code, COUNT(*), SUM(ct.amount), SUM(ct.paid) FROM contracts ct`+w.sql()+
		` GROUP BY ct.category_code ORDER BY SUM(ct.amount) DESC, ct.category_code`, w.args)
}

// MoneyByLevel sums the signed contracts of fiscal year year within scope by the level of the
// budget their call draws on (street, district, city).
func (q *Q) MoneyByLevel(ctx context.Context, s Scope, year int) ([]gongzhi.MoneyRow, error) {
	w := &where{}
	w.add("ct.state = 'signed'")
	w.add("ct.fiscal_year = ?", year)
	dashMoneyScope(w, s)
	return q.moneyRows(ctx, `SELECT COALESCE(b.level, ''), COUNT(*), SUM(ct.amount), SUM(ct.paid) FROM contracts ct
		LEFT JOIN calls c ON c.id = ct.call_id LEFT JOIN budgets b ON b.id = c.budget_id`+w.sql()+
		` GROUP BY COALESCE(b.level, '') ORDER BY COALESCE(b.level, '')`, w.args)
}

func (q *Q) moneyRows(ctx context.Context, query string, args []any) ([]gongzhi.MoneyRow, error) {
	rows, err := q.Query(ctx, query, q.valued(args)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.MoneyRow
	for rows.Next() {
		var m gongzhi.MoneyRow
		if err := rows.Scan(&m.Key, &m.Contracts, &m.Contracted, &m.Paid); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// BudgetsByLevel sums the budgets of fiscal year year at places under prefix by level.
func (q *Q) BudgetsByLevel(ctx context.Context, prefix string, year int) (map[string]gongzhi.Money, error) {
	c, a := scopeRange("place_code", prefix)
	rows, err := q.Query(ctx, `SELECT level, SUM(amount) FROM budgets WHERE `+c+` AND fiscal_year = ? GROUP BY level`, append(a, year)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]gongzhi.Money{}
	for rows.Next() {
		var level string
		var m gongzhi.Money
		if err := rows.Scan(&level, &m); err != nil {
			return nil, mapErr(err)
		}
		out[level] = m
	}
	return out, mapErr(rows.Err())
}

// PaidByMonth sums the payments made in year on signed contracts within scope by month.
func (q *Q) PaidByMonth(ctx context.Context, s Scope, year int) ([]gongzhi.MonthMoney, error) {
	w := &where{}
	w.add("ct.state = 'signed'")
	dashMoneyScope(w, s)
	y := strconv.Itoa(year)
	w.add("p.paid_on >= ? AND p.paid_on <= ?", y+"-01-01", y+"-12-31")
	rows, err := q.Query(ctx, `SELECT SUBSTR(p.paid_on, 1, 7), SUM(p.amount) FROM payments p JOIN contracts ct ON ct.id = p.contract_id`+
		w.sql()+` GROUP BY SUBSTR(p.paid_on, 1, 7) ORDER BY SUBSTR(p.paid_on, 1, 7)`, q.valued(w.args)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.MonthMoney
	for rows.Next() {
		var m gongzhi.MonthMoney
		if err := rows.Scan(&m.Month, &m.Paid); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// ListPaymentsMade lists payments on signed contracts, newest first. Filters: contract, place
// (a place-code prefix), year (of the payment date).
func (q *Q) ListPaymentsMade(ctx context.Context, opts ListOptions, each func(*gongzhi.PaymentMade) error) (int, error) {
	w := &where{}
	w.add("ct.state = 'signed'")
	if v := opts.Filters["contract"]; v != "" {
		w.add("p.contract_id = ?", atoiOr(v, -1))
	}
	if v := opts.Filters["place"]; v != "" {
		w.under("ct.place_code", v)
	}
	if v := opts.Filters["year"]; len(v) == 4 {
		w.add("p.paid_on >= ? AND p.paid_on <= ?", v+"-01-01", v+"-12-31")
	}
	w.search(opts.Q, "ct.title", "ct.provider_name")
	scan := func(s scanner) (*gongzhi.PaymentMade, error) {
		var p gongzhi.PaymentMade
		err := s.Scan(&p.ID, &p.ContractID, &p.Title, &p.ProviderName, &p.PlaceCode, &p.Portion, &p.Amount, &p.PaidOn)
		return &p, mapErr(err)
	}
	return list(ctx, q, "p.id, p.contract_id, ct.title, ct.provider_name, ct.place_code, p.portion, p.amount, p.paid_on",
		"payments p JOIN contracts ct ON ct.id = p.contract_id", w, " ORDER BY p.paid_on DESC, p.id DESC", opts, scan, each)
}

// ListFinalAwards lists the final awards of calls in their final state, newest call first.
// Filters: place (a place-code prefix), call.
func (q *Q) ListFinalAwards(ctx context.Context, opts ListOptions, each func(*gongzhi.FinalAward) error) (int, error) {
	w := &where{}
	w.add("w.state = 'final'")
	w.add("c.state = 'final'")
	if v := opts.Filters["place"]; v != "" {
		w.under("c.place_code", v)
	}
	if v := opts.Filters["call"]; v != "" {
		w.add("w.call_id = ?", atoiOr(v, -1))
	}
	scan := func(s scanner) (*gongzhi.FinalAward, error) {
		var f gongzhi.FinalAward
		err := s.Scan(&f.CallID, &f.CallTitle, &f.PlaceCode, &f.ApplicationID, &f.Title, &f.OrgID, &f.OrgName, &f.CategoryCode, &f.Amount, &f.ContractID)
		return &f, mapErr(err)
	}
	return list(ctx, q, `w.call_id, c.title, c.place_code, w.application_id, a.title, w.org_id, COALESCE(o.name, ''),
		COALESCE(a.category_code, ''), w.amount, COALESCE(ct.id, 0)`,
		`awards w JOIN calls c ON c.id = w.call_id JOIN applications a ON a.id = w.application_id
		LEFT JOIN organizations o ON o.id = w.org_id LEFT JOIN contracts ct ON ct.award_id = w.id AND ct.state = 'signed'`,
		w, " ORDER BY w.call_id DESC, w.amount DESC, w.id", opts, scan, each)
}

// PlaceNames returns the names of the places with the given codes.
func (q *Q) PlaceNames(ctx context.Context, codes []string) (map[string]string, error) {
	out := map[string]string{}
	if len(codes) == 0 {
		return out, nil
	}
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	rows, err := q.Query(ctx, `SELECT code, name FROM places WHERE code IN (?`+strings.Repeat(", ?", len(codes)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, mapErr(err)
		}
		out[c] = n
	}
	return out, mapErr(rows.Err())
}

// SatisfactionCounts sums, for each contract, the satisfied answers of its surveys' samples
// and its residents' ratings of 4 or more, and how many there were (the contract's
// satisfaction, docs/domain.md §4.3), in two grouped queries: contract ID → {satisfied, all}.
func (q *Q) SatisfactionCounts(ctx context.Context, ids []int64) (map[int64][2]int, error) {
	out := make(map[int64][2]int, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ") + ")"
		for _, query := range []string{
			`SELECT s.contract_id, COALESCE(SUM(CASE WHEN ss.answer = 'satisfied' THEN 1 ELSE 0 END), 0), COUNT(*)
			FROM survey_samples ss JOIN surveys s ON s.id = ss.survey_id
			WHERE s.contract_id IN ` + in + ` AND ss.answer IN ('satisfied', 'unsatisfied') GROUP BY s.contract_id`,
			`SELECT contract_id, COALESCE(SUM(CASE WHEN score >= 4 THEN 1 ELSE 0 END), 0), COUNT(*) FROM service_ratings
			WHERE contract_id IN ` + in + ` GROUP BY contract_id`,
		} {
			rows, err := q.Query(ctx, query, args...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id int64
				var sat, n int
				if err := rows.Scan(&id, &sat, &n); err != nil {
					rows.Close()
					return nil, mapErr(err)
				}
				c := out[id]
				out[id] = [2]int{c[0] + sat, c[1] + n}
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, mapErr(err)
			}
		}
	}
	return out, nil
}
