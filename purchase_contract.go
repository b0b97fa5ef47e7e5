// Contracts, payments and the figures users quote (docs/domain.md §3.8–3.10, §8): a contract's
// terms and versions (amendments never overwrite), payment portions that add up to the amount
// exactly in fen, payments tied to milestones, the purchaser's on-time payment rate, funding by
// category and year, and the needs each project answers.

package gongzhi

import (
	"strconv"
	"time"
)

// Milestone is a point of the service period with its date and what is due then.
type Milestone struct {
	Name        string `json:"name"`
	Due         string `json:"due"` // YYYY-MM-DD
	Deliverable string `json:"deliverable"`
}

// Portion is one payment portion (e.g. 50%/30%/20%), due at its milestone's date.
type Portion struct {
	Index       int    `json:"index"`
	Milestone   int    `json:"milestone"`    // index into the terms' milestones
	BasisPoints int    `json:"basis_points"` // share of the amount, 5000 = 50%
	Amount      Money  `json:"amount"`       // computed: see SplitPortions
	DueOn       string `json:"due_on"`       // the milestone's date
	Paid        Money  `json:"paid"`         // paid so far (read only)
	PaidOn      string `json:"paid_on"`      // date of the last payment towards it (read only)
}

// DefaultPortions is the usual schedule: 50% on signing, 30% at the mid-term review, 20% after
// the final evaluation.
var DefaultPortions = []int{5000, 3000, 2000}

// SplitPortions divides amount by basis points: each portion is rounded down to the fen and the
// last one takes the remainder, so the portions add up to amount exactly.
func SplitPortions(amount Money, bps []int) []Money {
	out := make([]Money, len(bps))
	var given Money
	for i, bp := range bps {
		if i == len(bps)-1 {
			out[i] = amount - given
			break
		}
		out[i] = amount.MulBP(bp)
		given += out[i]
	}
	return out
}

// ContractTerms are what a contract version says.
type ContractTerms struct {
	Amount       Money       `json:"amount"`
	StartOn      string      `json:"start_on"`
	EndOn        string      `json:"end_on"`
	Deliverables string      `json:"deliverables"`
	Outputs      []Indicator `json:"outputs"`
	Outcomes     []Indicator `json:"outcomes"`
	Milestones   []Milestone `json:"milestones"`
	Portions     []Portion   `json:"portions"`
	BreachTerms  string      `json:"breach_terms"` // 违约责任
}

// DefaultBreachTerms is the breach clause a generated contract starts with.
const DefaultBreachTerms = "乙方未按合同约定提供服务或服务质量未达到约定指标的，甲方有权要求限期整改；整改不到位的，" +
	"甲方可暂停拨付、扣减相应服务费用直至解除合同，并将其纳入社会组织信用记录。甲方未按约定时间拨付资金的，" +
	"应向乙方说明原因并在十五个工作日内补足。"

// Normalize numbers the portions, takes their due dates from their milestones and computes their
// amounts from the basis points (see SplitPortions). Call it before Validate.
func (t *ContractTerms) Normalize() {
	bps := make([]int, len(t.Portions))
	for i := range t.Portions {
		t.Portions[i].Index = i
		bps[i] = t.Portions[i].BasisPoints
		if m := t.Portions[i].Milestone; m >= 0 && m < len(t.Milestones) {
			t.Portions[i].DueOn = t.Milestones[m].Due
		}
	}
	for i, a := range SplitPortions(t.Amount, bps) {
		t.Portions[i].Amount = a
	}
}

// Validate checks the terms: a positive amount, a service period, milestones with dates,
// portions whose shares add up to 100% and whose amounts add up to the amount to the fen, and a
// breach clause.
func (t *ContractTerms) Validate() error {
	f := FieldErrors{}
	var r string
	if t.Amount <= 0 || t.Amount > MaxMoney {
		f.Add("amount", "money.positive")
	}
	start, okS := ParseDate(t.StartOn)
	end, okE := ParseDate(t.EndOn)
	if !okS {
		f.Add("start_on", "date.format")
	}
	if !okE {
		f.Add("end_on", "date.format")
	} else if okS && !end.After(start) {
		f.Add("end_on", "contract.end_before_start")
	}
	if t.Deliverables, r = CheckText(t.Deliverables, 10000, true); r != "" {
		f.Add("deliverables", r)
	}
	checkIndicators(f, "outputs", t.Outputs, false)
	checkIndicators(f, "outcomes", t.Outcomes, false)
	if len(t.Milestones) == 0 {
		f.Add("milestones", "required")
	}
	for i, m := range t.Milestones {
		k := "milestones." + strconv.Itoa(i)
		if t.Milestones[i].Name, r = CheckText(m.Name, 100, true); r != "" {
			f.Add(k+".name", r)
		}
		if t.Milestones[i].Deliverable, r = CheckText(m.Deliverable, 1000, false); r != "" {
			f.Add(k+".deliverable", r)
		}
		if _, ok := ParseDate(m.Due); !ok {
			f.Add(k+".due", "date.format")
		}
	}
	if len(t.Portions) == 0 {
		f.Add("portions", "required")
	}
	bp := 0
	var sum Money
	for i, p := range t.Portions {
		k := "portions." + strconv.Itoa(i)
		if p.Milestone < 0 || p.Milestone >= len(t.Milestones) {
			f.Add(k+".milestone", "choice")
		}
		if p.BasisPoints <= 0 || p.BasisPoints > 10000 {
			f.Add(k+".basis_points", "range:1-10000")
		}
		bp += p.BasisPoints
		sum += p.Amount
	}
	if len(t.Portions) > 0 && bp != 10000 {
		f.Add("portions", "contract.portions_percent:"+FormatBP(bp))
	} else if len(t.Portions) > 0 && sum != t.Amount {
		f.Add("portions", "contract.portions_sum:"+sum.Format())
	}
	if t.BreachTerms, r = CheckText(t.BreachTerms, 10000, true); r != "" {
		f.Add("breach_terms", r)
	}
	return f.Err()
}

// DefaultTerms drafts the terms of a contract for an award: the award's amount, a service
// period of six months from start, the application's indicators, three milestones (signing,
// mid-term review, final evaluation a month after the end) and the 50/30/20 schedule.
func DefaultTerms(a *Application, amount Money, start time.Time) ContractTerms {
	start = start.In(ChinaTime)
	end := start.AddDate(0, 6, -1)
	mid := start.AddDate(0, 3, 0)
	t := ContractTerms{
		Amount:       amount,
		StartOn:      start.Format(time.DateOnly),
		EndOn:        end.Format(time.DateOnly),
		Deliverables: a.Title + "：按申报书所列活动计划提供服务，完成下列产出与成效指标，按月提交服务台账，接受中期与结项评估。",
		Outputs:      a.Outputs,
		Outcomes:     a.Outcomes,
		Milestones: []Milestone{
			{Name: "合同签订", Due: start.Format(time.DateOnly), Deliverable: "项目实施方案与团队名单"},
			{Name: "中期评估", Due: mid.Format(time.DateOnly), Deliverable: "中期报告与服务台账"},
			{Name: "结项评估", Due: end.AddDate(0, 1, 0).Format(time.DateOnly), Deliverable: "结项报告、财务决算与评估结论"},
		},
		BreachTerms: DefaultBreachTerms,
	}
	for i, bp := range DefaultPortions {
		t.Portions = append(t.Portions, Portion{Milestone: i, BasisPoints: bp})
	}
	t.Normalize()
	return t
}

// ContractVersion is one version of a contract's terms. Version 1 is generated from the award;
// each amendment is a new version with its reason. A version takes effect when both the
// purchaser and the provider have confirmed it; earlier versions are kept as superseded.
type ContractVersion struct {
	ContractID int64         `json:"contract_id"`
	Version    int           `json:"version"`
	State      string        `json:"state"`
	Terms      ContractTerms `json:"terms"`
	Reason     string        `json:"reason,omitempty"`
	// PriceException is why an amendment's amount lies outside the contract's category's price
	// range (the catalog entry allows exceptions); "" within the range.
	PriceException       string    `json:"price_exception,omitempty"`
	CreatedBy            string    `json:"created_by"`
	CreatedAt            time.Time `json:"created_at"`
	PurchaserConfirmedBy string    `json:"purchaser_confirmed_by,omitempty"`
	PurchaserConfirmedAt time.Time `json:"purchaser_confirmed_at"`
	ProviderConfirmedBy  string    `json:"provider_confirmed_by,omitempty"`
	ProviderConfirmedAt  time.Time `json:"provider_confirmed_at"`
	EffectiveAt          time.Time `json:"effective_at"`
}

// Contract is a contract (合同) for a funded project between the purchaser (甲方) and the
// provider (乙方). Amount is the amount in force (or of the draft before signing).
type Contract struct {
	ID            int64  `json:"id"`
	CallID        int64  `json:"call_id"`
	CallTitle     string `json:"call_title"`
	AwardID       int64  `json:"award_id"`
	ApplicationID int64  `json:"application_id"`
	OrgID         int64  `json:"org_id"`
	PlaceCode     string `json:"place_code"`
	FiscalYear    int    `json:"fiscal_year"`
	CategoryCode  string `json:"category_code"`
	Title         string `json:"title"`
	PurchaserName string `json:"purchaser_name"` // 甲方
	ProviderName  string `json:"provider_name"`  // 乙方
	State         string `json:"state"`
	Version       int    `json:"version"` // the version in force, 0 before signing
	Amount        Money  `json:"amount"`
	Paid          Money  `json:"paid"`
	// PriceException is why the award lies outside its category's price range (the catalog
	// allowed the exception; the reason was recorded on the award).
	PriceException string           `json:"price_exception,omitempty"`
	SignedAt       time.Time        `json:"signed_at"`
	CreatedAt      time.Time        `json:"created_at"`
	UpdatedAt      time.Time        `json:"updated_at"`
	Current        *ContractVersion `json:"current,omitempty"` // in force, or the draft before signing
	Pending        *ContractVersion `json:"pending,omitempty"` // an amendment waiting for confirmation
}

// Payment is money paid towards one portion of a contract.
type Payment struct {
	ID         int64     `json:"id"`
	ContractID int64     `json:"contract_id"`
	Portion    int       `json:"portion"`
	Amount     Money     `json:"amount"`
	PaidOn     string    `json:"paid_on"` // YYYY-MM-DD
	Note       string    `json:"note"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// OnTimeRate is a purchaser's record of paying on time: of the portions due by AsOf, how many
// were paid in full on or before their due date.
type OnTimeRate struct {
	PlaceCode string `json:"place_code"`
	AsOf      string `json:"as_of"`
	Due       int    `json:"due"`     // portions due so far
	OnTime    int    `json:"on_time"` // paid in full on or before the due date
	Late      int    `json:"late"`    // paid in full, after the due date
	Unpaid    int    `json:"unpaid"`  // due and not yet paid in full
	RateBP    int    `json:"rate_bp"` // OnTime / Due in basis points; 10000 when nothing is due yet
}

// FundingRow is one category's funding in one fiscal year.
type FundingRow struct {
	Year         int    `json:"year"`
	CategoryCode string `json:"category_code"`
	CategoryName string `json:"category_name"`
	Contracts    int    `json:"contracts"`
	Amount       Money  `json:"amount"`
	ShareBP      int    `json:"share_bp"` // of the year's total; a year's shares add up to 10000
	Imported     int    `json:"imported"` // of Contracts, past contracts imported from the office's records
}

// FundingYear is one fiscal year of the funding report.
type FundingYear struct {
	Year       int          `json:"year"`
	Contracts  int          `json:"contracts"`
	Amount     Money        `json:"amount"`
	Imported   int          `json:"imported"`   // of Contracts, past contracts imported from the office's records
	Categories []FundingRow `json:"categories"` // largest amount first
	// Levels and Places roll the year up over the places below the report's place: the
	// contracts signed at each budget level ("province" … "street"), highest level first, and
	// each place that signed any (itself or below it), in code order — a province, then each
	// city, district and street under it.
	Levels []FundingLevel `json:"levels"`
	Places []FundingPlace `json:"places"`
}

// FundingLevel is the funding of the contracts signed by places of one level in one fiscal year.
type FundingLevel struct {
	Level     string `json:"level"` // a budget level: province, city, district or street
	Contracts int    `json:"contracts"`
	Amount    Money  `json:"amount"`
	ShareBP   int    `json:"share_bp"` // of the year's total
}

// FundingPlaceYear is what one place signed itself in one fiscal year, as storage sums it.
type FundingPlaceYear struct {
	Year      int
	PlaceCode string
	Contracts int
	Amount    Money
}

// FundingPlace is one place's funding in one fiscal year: the contracts it signed itself (its
// calls) and its subtotal with those of every place below it.
type FundingPlace struct {
	PlaceCode      string `json:"place_code"`
	PlaceName      string `json:"place_name"`
	Level          string `json:"level"` // a budget level: province, city, district or street
	Contracts      int    `json:"contracts"`
	Amount         Money  `json:"amount"`
	TotalContracts int    `json:"total_contracts"`
	TotalAmount    Money  `json:"total_amount"`
}

// ProjectNeeds is a funded project with the needs it answers.
type ProjectNeeds struct {
	CallID        int64   `json:"call_id"`
	ApplicationID int64   `json:"application_id"`
	ContractID    int64   `json:"contract_id"`
	Title         string  `json:"title"`
	OrgName       string  `json:"org_name"`
	Amount        Money   `json:"amount"`
	Needs         []*Need `json:"needs"`
}
