// Concluded purchases of earlier years (issue 11, item 3): an office that adopts Gongzhi brings
// its past contracts from its own records, so that the funding report covers the years before it
// and every provider's history is whole from the first day. They are records of their own, never
// live contracts: no version, payment schedule, ledger or inspection belongs to them.

package gongzhi

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// States of an imported past contract.
const (
	PastCompleted  = "completed"  // 已完成: delivered and closed
	PastTerminated = "terminated" // 已终止: ended early; the amount is what was contracted
)

// PastStates are the states a past contract may have, in the order of the template's choices.
var PastStates = []string{PastCompleted, PastTerminated}

// PastContract is a concluded purchase of an earlier year, imported from the office's records.
// It counts in the funding report of its year and appears in the provider's history, marked as
// imported.
type PastContract struct {
	ID           int64     `json:"id"`
	PlaceCode    string    `json:"place_code"` // the purchaser's place
	FiscalYear   int       `json:"fiscal_year"`
	CategoryCode string    `json:"category_code"`
	OrgID        int64     `json:"org_id"`
	CreditCode   string    `json:"credit_code"` // the provider's, as the registry holds it
	ProviderName string    `json:"provider_name"`
	Title        string    `json:"title"`
	ContractNo   string    `json:"contract_no"` // the office's own number (合同编号), "" if it kept none
	Amount       Money     `json:"amount"`
	SignedOn     string    `json:"signed_on"` // YYYY-MM-DD or ""
	StartOn      string    `json:"start_on"`
	EndOn        string    `json:"end_on"`
	Communities  []string  `json:"communities"` // place codes of the communities served
	State        string    `json:"state"`       // PastCompleted or PastTerminated
	Notes        string    `json:"notes"`
	Imported     bool      `json:"imported"` // always true: the mark pages show as a badge
	Version      int       `json:"version"`  // 1 when imported, one more with each correction
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"` // the last correction's time; zero if never corrected
}

// Validate checks a past contract's own fields: a fiscal year from 2000 to thisYear (a past
// purchase cannot be of a year to come), a category, a provider, a title, a positive amount,
// well-formed dates with the service ending after it starts, and a state. Places, the category's existence and the provider are checked by the
// import against the registry.
func (p *PastContract) Validate(thisYear int) error {
	f := FieldErrors{}
	var r string
	if p.FiscalYear < 2000 || p.FiscalYear > thisYear {
		f.Add("fiscal_year", "past.year:"+strconv.Itoa(thisYear))
	}
	if p.CategoryCode == "" {
		f.Add("category_code", "required")
	}
	if p.OrgID == 0 {
		f.Add("org_id", "required")
	}
	if p.Title, r = CheckText(p.Title, 200, true); r != "" {
		f.Add("title", r)
	}
	if p.Amount <= 0 || p.Amount > MaxMoney {
		f.Add("amount", "money.positive")
	}
	var start, end time.Time
	okS, okE := true, true
	for _, d := range []struct {
		key string
		v   string
		t   *time.Time
		ok  *bool
	}{{"signed_on", p.SignedOn, nil, nil}, {"start_on", p.StartOn, &start, &okS}, {"end_on", p.EndOn, &end, &okE}} {
		if d.v == "" {
			if d.ok != nil {
				*d.ok = false
			}
			continue
		}
		t, ok := ParseDate(d.v)
		if !ok {
			f.Add(d.key, "date.format")
		}
		if d.t != nil {
			*d.t, *d.ok = t, ok
		}
	}
	if okS && okE && !end.After(start) {
		f.Add("end_on", "contract.end_before_start")
	}
	switch p.State {
	case PastCompleted, PastTerminated:
	case "":
		f.Add("state", "required")
	default:
		f.Add("state", "choice")
	}
	if p.ContractNo, r = CheckText(p.ContractNo, 64, false); r != "" {
		f.Add("contract_no", r)
	}
	if p.Notes, r = CheckText(p.Notes, 1000, false); r != "" {
		f.Add("notes", r)
	}
	return f.Err()
}

// PastImportNote is the audit note of an import of past contracts, as note codes with their
// arguments joined by "; " like every note of the log: `past_import ["12","322000000"]`, then one
// `past_year ["2019","4"]` per fiscal year in order, then `past_orgs ["2"]` when the import
// registered providers the registry lacked.
func PastImportNote(rows int, total Money, years map[int]int, orgs int) string {
	parts := []string{NoteOf("past_import", rows, total).String()}
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	for _, y := range ys {
		parts = append(parts, NoteOf("past_year", y, years[y]).String())
	}
	if orgs > 0 {
		parts = append(parts, NoteOf("past_orgs", orgs).String())
	}
	return strings.Join(parts, "; ")
}
