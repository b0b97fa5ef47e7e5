// Dashboards and public disclosure (docs/domain.md §8–9): the figures a street's dashboard
// shows — coverage of communities × target groups by services in force, money by category and by
// budget level, indicator progress against the time elapsed — and the records the public
// disclosure section publishes: contract summaries, final awards and payments made, which carry
// organizations only, never people.

package gongzhi

import (
	"time"
)

// CoverageCell is one community and one target group: how many signed contracts in force today
// serve them and how many recorded needs (with the people they affect) they have. A gap is a cell
// with needs and no service.
type CoverageCell struct {
	CommunityCode string `json:"community_code"`
	TargetGroup   string `json:"target_group"`
	Services      int    `json:"services"`
	Needs         int    `json:"needs"`
	People        int    `json:"people"`
	Gap           bool   `json:"gap"`
}

// NamedCode is a code with its display name (a community, a target group, a category).
type NamedCode struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Coverage is the grid of communities × target groups. Cells lists only cells with a service or
// a need; the rest are empty.
type Coverage struct {
	Communities []NamedCode    `json:"communities"`
	Groups      []NamedCode    `json:"groups"`
	Cells       []CoverageCell `json:"cells"`
	Gaps        int            `json:"gaps"`
	Active      int            `json:"active_contracts"`
}

// MoneyRow is money of one fiscal year by one key (a service category or a budget level):
// the budgets of that level (levels only), the signed contracts and what has been paid on them.
type MoneyRow struct {
	Key        string `json:"key"`
	Name       string `json:"name"`
	Contracts  int    `json:"contracts"`
	Budgeted   Money  `json:"budgeted"`
	Contracted Money  `json:"contracted"`
	Paid       Money  `json:"paid"`
}

// MonthMoney is what was paid in one month (YYYY-MM).
type MonthMoney struct {
	Month string `json:"month"`
	Paid  Money  `json:"paid"`
}

// ContractStatus is one signed contract on a dashboard: its money, how much of its period has
// elapsed, and the average completion of its indicators computed from the ledger. It is behind
// when its average completion trails the elapsed share of the period by more than BehindSlackBP.
type ContractStatus struct {
	ContractID   int64  `json:"contract_id"`
	Title        string `json:"title"`
	OrgID        int64  `json:"org_id"`
	ProviderName string `json:"provider_name"`
	CategoryCode string `json:"category_code"`
	Amount       Money  `json:"amount"`
	Paid         Money  `json:"paid"`
	StartOn      string `json:"start_on"`
	EndOn        string `json:"end_on"`
	ElapsedBP    int    `json:"elapsed_bp"`
	Indicators   int    `json:"indicators"`  // indicators with progress reported
	ProgressBP   int    `json:"progress_bp"` // average completion, each indicator capped at 10000
	Behind       bool   `json:"behind"`      // progress trails the elapsed time
	Active       bool   `json:"active"`      // its period covers the day looked at
}

// BehindSlackBP is how far (in basis points of completion) a contract's indicator progress may
// trail the elapsed share of its period before the dashboard flags it.
const BehindSlackBP = 1000

// ElapsedBP is the share of the period start..end (YYYY-MM-DD, inclusive) elapsed by the end of
// day today, in basis points from 0 to 10000. A malformed period counts as not started.
func ElapsedBP(start, end, today string) int {
	s, err1 := time.Parse(time.DateOnly, start)
	e, err2 := time.Parse(time.DateOnly, end)
	t, err3 := time.Parse(time.DateOnly, today)
	if err1 != nil || err2 != nil || err3 != nil || e.Before(s) {
		return 0
	}
	total := int64(e.Sub(s)/(24*time.Hour)) + 1
	done := int64(t.Sub(s)/(24*time.Hour)) + 1
	switch {
	case done <= 0:
		return 0
	case done >= total:
		return 10000
	}
	return int(done * 10000 / total)
}

// Covers reports whether the period start..end (YYYY-MM-DD, inclusive) covers day.
func Covers(start, end, day string) bool {
	return start != "" && end != "" && start <= day && day <= end
}

// AverageProgress averages the completion of each contract's indicators, each capped at 10000
// basis points so that one overshoot cannot hide another shortfall; it returns the average and
// the number of indicators per contract.
func AverageProgress(ps []IndicatorProgress) (avg map[int64]int, n map[int64]int) {
	sum := map[int64]int{}
	n = map[int64]int{}
	for _, p := range ps {
		sum[p.ContractID] += min(max(p.DoneBP, 0), 10000)
		n[p.ContractID]++
	}
	avg = map[int64]int{}
	for id, s := range sum {
		avg[id] = s / n[id]
	}
	return avg, n
}

// IsBehind reports whether progress trails elapsed by more than BehindSlackBP.
func IsBehind(progressBP, elapsedBP int) bool { return progressBP+BehindSlackBP < elapsedBP }

// ContractSummary is a signed contract as the public sees it: the parties are organizations
// (the purchaser and the provider), the communities are named, the indicators carry their
// targets, and the payment portions say when they fall due and what has been paid and when.
// Nothing in it names a person.
type ContractSummary struct {
	ID            int64       `json:"id"`
	Title         string      `json:"title"`
	CallID        int64       `json:"call_id"`
	CallTitle     string      `json:"call_title"`
	OrgID         int64       `json:"org_id"`
	ProviderName  string      `json:"provider_name"`
	PurchaserName string      `json:"purchaser_name"`
	PlaceCode     string      `json:"place_code"`
	PlaceName     string      `json:"place_name"`
	FiscalYear    int         `json:"fiscal_year"`
	CategoryCode  string      `json:"category_code"`
	CategoryName  string      `json:"category_name"`
	Amount        Money       `json:"amount"`
	Paid          Money       `json:"paid"`
	StartOn       string      `json:"start_on"`
	EndOn         string      `json:"end_on"`
	SignedOn      string      `json:"signed_on"`
	Communities   []NamedCode `json:"communities"`
	TargetGroups  []NamedCode `json:"target_groups"`
	Outputs       []Indicator `json:"outputs"`
	Outcomes      []Indicator `json:"outcomes"`
	Portions      []Portion   `json:"portions"`
}

// PaymentMade is one payment as published: which contract and portion, how much and when — not
// who recorded it nor the office's note.
type PaymentMade struct {
	ID           int64  `json:"id"`
	ContractID   int64  `json:"contract_id"`
	Title        string `json:"contract_title"`
	ProviderName string `json:"provider_name"`
	PlaceCode    string `json:"place_code"`
	Portion      int    `json:"portion"`
	Amount       Money  `json:"amount"`
	PaidOn       string `json:"paid_on"`
}

// FinalAward is an award made final at the end of a call's notice period, as published.
type FinalAward struct {
	CallID        int64  `json:"call_id"`
	CallTitle     string `json:"call_title"`
	PlaceCode     string `json:"place_code"`
	ApplicationID int64  `json:"application_id"`
	Title         string `json:"title"`
	OrgID         int64  `json:"org_id"`
	OrgName       string `json:"org_name"`
	CategoryCode  string `json:"category_code"`
	Amount        Money  `json:"amount"`
	ContractID    int64  `json:"contract_id"` // 0 until the contract is signed
}

// Redact returns text unless it carries personal data (FindPersonalData with names), in which
// case it returns the placeholder: what is published never carries an ID number, a phone or a
// known name, even when an office typed one into a free-text field.
func Redact(text, placeholder string, names ...string) string {
	if len(FindPersonalData(text, names...)) > 0 {
		return placeholder
	}
	return text
}
