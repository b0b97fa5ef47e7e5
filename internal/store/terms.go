// A contract version's terms, parsed from their JSON text. Home pages, dashboards and the
// ledger's to-dos read the terms of every signed contract in scope on every request (a city:
// hundreds), and decoding the JSON was most of their processor time (BENCHMARKS.md, "Processor
// time per request"). The parse depends on the text alone, so it is kept by the text: a write
// that changes the terms writes another text, which is parsed anew; nothing kept can go stale.

package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"gongzhi"
)

// termsKept is how many distinct terms texts are kept; past it the memo starts again (a city
// has a few thousand contract versions).
const termsKept = 4096

var termsMemo struct {
	sync.RWMutex
	m map[string]gongzhi.ContractTerms
}

// sharedTerms returns the terms the JSON text s holds, as kept: the caller reads them and never
// changes their slices (parseTerms gives a copy of its own).
func sharedTerms(s string) (gongzhi.ContractTerms, error) {
	if s == "" {
		return gongzhi.ContractTerms{}, nil
	}
	termsMemo.RLock()
	t, ok := termsMemo.m[s]
	termsMemo.RUnlock()
	if ok {
		return t, nil
	}
	if err := json.Unmarshal([]byte(s), &t); err != nil {
		return gongzhi.ContractTerms{}, err
	}
	termsMemo.Lock()
	if termsMemo.m == nil || len(termsMemo.m) >= termsKept {
		termsMemo.m = make(map[string]gongzhi.ContractTerms)
	}
	termsMemo.m[s] = t
	termsMemo.Unlock()
	return t, nil
}

// parseTerms sets *t to the terms the JSON text s holds, with slices of its own ("" leaves *t
// as it is, as fromJSON does).
func parseTerms(s string, t *gongzhi.ContractTerms) error {
	if s == "" {
		return nil
	}
	v, err := sharedTerms(s)
	if err != nil {
		return err
	}
	v.Outputs, v.Outcomes = slices.Clone(v.Outputs), slices.Clone(v.Outcomes)
	v.Milestones, v.Portions = slices.Clone(v.Milestones), slices.Clone(v.Portions)
	*t = v
	return nil
}

// TermsInForce returns the terms of the versions in force of the contracts ids, ignoring scope
// (the caller listed them within its own): contract ID → terms, for the contracts with a version
// in force. It reads the terms alone (ContractsInForce reads the contracts too).
func (q *Q) TermsInForce(ctx context.Context, ids []int64) (map[int64]*gongzhi.ContractTerms, error) {
	out := make(map[int64]*gongzhi.ContractTerms, len(ids))
	const batch = 500
	for len(ids) > 0 {
		n := min(batch, len(ids))
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		query := `SELECT v.contract_id, v.amount, v.terms FROM contract_versions v WHERE v.state = 'effective' AND v.contract_id IN (` +
			strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
		if err := q.termsInForce(ctx, query, args, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (q *Q) termsInForce(ctx context.Context, query string, args []any, out map[int64]*gongzhi.ContractTerms) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, amount int64
		var text string
		if err := rows.Scan(&id, &amount, &text); err != nil {
			return mapErr(err)
		}
		t := &gongzhi.ContractTerms{}
		if err := parseTerms(text, t); err != nil {
			return err
		}
		t.Amount = gongzhi.Money(amount)
		out[id] = t
	}
	return mapErr(rows.Err())
}

// TitledTerms is a signed contract's title and the terms of its version in force.
type TitledTerms struct {
	ID    int64
	Title string
	Terms gongzhi.ContractTerms // as kept (sharedTerms): the caller reads them and never changes their slices
}

// NewestSignedTerms returns the signed contracts within scope that have a version in force, the
// newest first, at most limit: their titles and terms in one query, for a reader that looks at
// the terms alone (a contract's columns and the list's count are not read).
func (q *Q) NewestSignedTerms(ctx context.Context, s Scope, limit int) ([]TitledTerms, error) {
	w := &where{}
	w.add("ct.state = ?", gongzhi.ContractSigned)
	contractScope(w, s)
	rows, err := q.Query(ctx, `SELECT ct.id, ct.title, v.terms FROM contracts ct
		JOIN contract_versions v ON v.contract_id = ct.id AND v.state = 'effective'`+w.sql()+" ORDER BY ct.id DESC LIMIT "+itoa(limit), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TitledTerms
	for rows.Next() {
		var r TitledTerms
		var text string
		if err := rows.Scan(&r.ID, &r.Title, &text); err != nil {
			return nil, mapErr(err)
		}
		if r.Terms, err = sharedTerms(text); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}
