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

// periodMemo keeps the service periods of contract versions in force, by contract and version, for
// one database: a version's terms change only while it is pending (UpdateVersionTerms), so once
// in force they are its for good, and a count of contracts by their period (the ledger's
// to-dos) reads their IDs alone instead of every version's terms text, a kilobyte and a half a
// contract. It is filled outside transactions only: a version made effective inside one could
// still roll back, and be amended under the same number.
type periodMemo struct {
	sync.RWMutex
	m map[[2]int64][2]string // contract and version → start and end (periodOf)
}

func (p *periodMemo) get(id, version int64) ([2]string, bool) {
	p.RLock()
	defer p.RUnlock()
	x, ok := p.m[[2]int64{id, version}]
	return x, ok
}

func (p *periodMemo) put(id, version int64, x [2]string) {
	p.Lock()
	defer p.Unlock()
	if p.m == nil || len(p.m) >= termsKept {
		p.m = make(map[[2]int64][2]string)
	}
	p.m[[2]int64{id, version}] = x
}

// inForcePeriods returns the service periods (start, end) of versions in force, by contract,
// each read from its terms unless kept.
func (q *Q) inForcePeriods(ctx context.Context, vs [][2]int64) (map[int64][2]string, error) {
	out := make(map[int64][2]string, len(vs))
	var missing []int64
	for _, v := range vs {
		if q.periods != nil {
			if x, ok := q.periods.get(v[0], v[1]); ok {
				out[v[0]] = x
				continue
			}
		}
		missing = append(missing, v[0])
	}
	for start := 0; start < len(missing); start += 500 {
		chunk := missing[start:min(start+500, len(missing))]
		rows, err := q.Query(ctx, `SELECT contract_id, version, terms FROM contract_versions WHERE state = 'effective' AND contract_id IN `+
			inList(len(chunk)), idArgs(chunk)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, version int64
			var terms string
			if err := rows.Scan(&id, &version, &terms); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			x, err := periodOf(terms)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = x
			if q.periods != nil {
				q.periods.put(id, version, x)
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
