// Delivering and holding to account (DOMAIN.md §4 steps 10–13): the figures shared by the
// ledger, supervision, complaints and evaluation, which dashboards and public pages read.
package gongzhi

// IndicatorProgress is how far one of a contract's indicators has come, computed from the
// service ledger and never typed in.
type IndicatorProgress struct {
	ContractID    int64  `json:"contract_id"`
	ContractTitle string `json:"contract_title"`
	OrgID         int64  `json:"org_id"`
	Kind          string `json:"kind"`  // "output" or "outcome"
	Index         int    `json:"index"` // position in the contract's outputs or outcomes
	Name          string `json:"name"`
	Unit          string `json:"unit"`
	Target        int64  `json:"target"`
	Done          int64  `json:"done"`
	DoneBP        int    `json:"done_bp"` // Done / Target in basis points, not capped at 10000
}

// SatisfactionPoint is satisfaction in one month: answers from sampled recipients and ratings
// residents gave the services they took part in, with a 95% confidence interval.
type SatisfactionPoint struct {
	Month     string `json:"month"` // YYYY-MM
	Responses int    `json:"responses"`
	Satisfied int    `json:"satisfied"`
	RateBP    int    `json:"rate_bp"`
	LowBP     int    `json:"low_bp"`
	HighBP    int    `json:"high_bp"`
}
