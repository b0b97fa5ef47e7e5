// Calls for projects and applications (docs/domain.md §3.3–3.4): what a call offers (kind,
// categories, budget, funding bands, timeline, eligibility, scoring criteria, the needs it
// answers) and what a provider applies with (plan, budget lines that add up, team, indicators,
// attachments), with the rules each must satisfy.

package gongzhi

import (
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Call kinds (征集方式).
var CallKinds = []string{"venture_philanthropy", "competitive_negotiation", "public_tender", "commission"}

// Aggregation rules for experts' scores.
const (
	AggTrimMean = "trim_mean" // drop the highest and the lowest total, average the rest (needs 3+ scores)
	AggMean     = "mean"      // average every total
)

// Aggregations lists the rules a call may use.
var Aggregations = []string{AggTrimMean, AggMean}

// FundingBand is a range a project's grant must fall in, by the size and nature of the service
// (for example 小型 20,000–50,000 yuan, 中型 50,000–90,000 yuan).
type FundingBand struct {
	Name string `json:"name"`
	Min  Money  `json:"min"`
	Max  Money  `json:"max"`
}

// Criterion is one scoring criterion; experts give 0..Weight points for it.
type Criterion struct {
	Name        string `json:"name"`
	Weight      int    `json:"weight"`
	Description string `json:"description"`
}

// Call is a call for projects (项目征集).
type Call struct {
	ID                int64         `json:"id"`
	PlaceCode         string        `json:"place_code"`
	PlaceName         string        `json:"place_name"`
	Kind              string        `json:"kind"`
	Title             string        `json:"title"`
	Description       string        `json:"description"`
	Categories        []string      `json:"categories"`
	BudgetID          int64         `json:"budget_id"`
	BudgetName        string        `json:"budget_name"`
	FiscalYear        int           `json:"fiscal_year"`
	Amount            Money         `json:"amount"`   // the call's total: reserved from the budget when it opens
	Reserved          Money         `json:"reserved"` // still held for the call (awards and unpaid contracts once published)
	Awarded           Money         `json:"awarded"`  // sum of live awards
	Bands             []FundingBand `json:"bands"`
	OpensAt           time.Time     `json:"opens_at"`
	ClosesAt          time.Time     `json:"closes_at"` // the deadline, enforced on the server
	ReviewBy          time.Time     `json:"review_by"`
	NoticeDays        int           `json:"notice_days"` // working days of the public notice, default 5
	NoticeStartsAt    time.Time     `json:"notice_starts_at"`
	NoticeEndsAt      time.Time     `json:"notice_ends_at"`
	Eligibility       []string      `json:"eligibility"` // the rules in words, as published
	RequireRegistered bool          `json:"require_registered"`
	MinGrade          string        `json:"min_grade"`
	ExcludeIneligible bool          `json:"exclude_ineligible"`
	Criteria          []Criterion   `json:"criteria"`
	Aggregation       string        `json:"aggregation"`
	NeedIDs           []int64       `json:"need_ids"`
	State             string        `json:"state"`
	PanelSize         int           `json:"panel_size"`
	PanelFields       []string      `json:"panel_fields"`
	PanelSeed         int64         `json:"panel_seed"`
	PanelPool         []int64       `json:"-"` // the expert pool at the draw, sorted by id
	PanelDrawnAt      time.Time     `json:"panel_drawn_at"`
	CancelReason      string        `json:"cancel_reason,omitempty"`
	Applications      int           `json:"applications"` // submitted (not drafts, not withdrawn)
	CreatedAt         time.Time     `json:"created_at"`
	UpdatedAt         time.Time     `json:"updated_at"`
}

// DefaultCriteria are the usual venture-philanthropy criteria, weights adding up to 100.
func DefaultCriteria() []Criterion {
	return []Criterion{
		{Name: "需求分析与目标", Weight: 20, Description: "需求调研充分，目标明确可衡量"},
		{Name: "服务方案与可行性", Weight: 30, Description: "活动设计合理，进度安排可行"},
		{Name: "团队与执行能力", Weight: 20, Description: "专业人员配备，既往项目经验"},
		{Name: "预算合理性", Weight: 15, Description: "预算明细清楚，标准合理"},
		{Name: "创新与可持续性", Weight: 15, Description: "方法创新，资源整合，可持续发展"},
	}
}

// Validate checks a call's own fields. It does not check references (place, budget,
// categories, needs) against storage; the service layer does.
func (c *Call) Validate() error {
	f := FieldErrors{}
	var r string
	if len(c.PlaceCode) != 12 {
		f.Add("place_code", "required")
	}
	oneOf(f, "kind", c.Kind, CallKinds, true)
	if c.Title, r = CheckText(c.Title, 200, true); r != "" {
		f.Add("title", r)
	}
	if c.Description, r = CheckText(c.Description, 10000, false); r != "" {
		f.Add("description", r)
	}
	if r = checkCodes(c.Categories, func(s string) bool { return s != "" && len(s) <= 40 }, true); r != "" {
		f.Add("categories", r)
	}
	if c.BudgetID == 0 {
		f.Add("budget_id", "required")
	}
	if c.Amount <= 0 || c.Amount > MaxMoney {
		f.Add("amount", "money.positive")
	}
	if len(c.Bands) == 0 {
		f.Add("bands", "required")
	}
	for i, b := range c.Bands {
		k := "bands." + strconv.Itoa(i)
		if b.Name, r = CheckText(b.Name, 50, false); r != "" {
			f.Add(k+".name", r)
		}
		c.Bands[i].Name = b.Name
		if b.Min <= 0 {
			f.Add(k+".min", "money.positive")
		} else if b.Max < b.Min {
			f.Add(k+".max", "money.max_below_min")
		} else if b.Max > c.Amount && c.Amount > 0 {
			f.Add(k+".max", "call.band_above_amount")
		}
	}
	if c.OpensAt.IsZero() {
		f.Add("opens_at", "required")
	}
	if c.ClosesAt.IsZero() {
		f.Add("closes_at", "required")
	} else if !c.OpensAt.IsZero() && !c.ClosesAt.After(c.OpensAt) {
		f.Add("closes_at", "call.closes_before_opens")
	}
	if !c.ReviewBy.IsZero() && !c.ClosesAt.IsZero() && c.ReviewBy.Before(c.ClosesAt) {
		f.Add("review_by", "call.review_before_close")
	}
	if c.NoticeDays == 0 {
		c.NoticeDays = 5
	}
	if c.NoticeDays < 1 || c.NoticeDays > 30 {
		f.Add("notice_days", "range:1-30")
	}
	for i, e := range c.Eligibility {
		if c.Eligibility[i], r = CheckText(e, 500, true); r != "" {
			f.Add("eligibility."+strconv.Itoa(i), r)
		}
	}
	oneOf(f, "min_grade", c.MinGrade, OrgGrades, false)
	if len(c.Criteria) == 0 {
		c.Criteria = DefaultCriteria()
	}
	sum := 0
	for i, cr := range c.Criteria {
		k := "criteria." + strconv.Itoa(i)
		if c.Criteria[i].Name, r = CheckText(cr.Name, 100, true); r != "" {
			f.Add(k+".name", r)
		}
		if c.Criteria[i].Description, r = CheckText(cr.Description, 500, false); r != "" {
			f.Add(k+".description", r)
		}
		if cr.Weight < 1 || cr.Weight > 100 {
			f.Add(k+".weight", "range:1-100")
		}
		sum += cr.Weight
	}
	if sum != 100 {
		f.Add("criteria", "call.weights_sum:"+strconv.Itoa(sum))
	}
	if c.Aggregation == "" {
		c.Aggregation = AggTrimMean
	}
	oneOf(f, "aggregation", c.Aggregation, Aggregations, true)
	seen := map[int64]bool{}
	for _, id := range c.NeedIDs {
		if id <= 0 || seen[id] {
			f.Add("need_ids", "choice")
		}
		seen[id] = true
	}
	return f.Err()
}

// AcceptsAt reports whether the call takes submissions at now: open, and opens_at ≤ now <
// closes_at. The deadline is the server's clock, not the browser's.
func (c *Call) AcceptsAt(now time.Time) bool {
	return c.State == CallOpen && !now.Before(c.OpensAt) && now.Before(c.ClosesAt)
}

// BandFor returns the index of the first band holding amount, or -1.
func (c *Call) BandFor(amount Money) int {
	for i, b := range c.Bands {
		if amount >= b.Min && amount <= b.Max {
			return i
		}
	}
	return -1
}

// TotalWeight is the highest total score an expert can give (100 for a valid call).
func (c *Call) TotalWeight() int {
	n := 0
	for _, cr := range c.Criteria {
		n += cr.Weight
	}
	return n
}

// BudgetLine is one line of an application's budget.
type BudgetLine struct {
	Item   string `json:"item"`
	Amount Money  `json:"amount"`
	Note   string `json:"note"`
}

// Indicator is an output (产出) or outcome (成效) indicator with its target: 服务 500 人次.
type Indicator struct {
	Name   string `json:"name"`
	Target int64  `json:"target"`
	Unit   string `json:"unit"`
	// Measure says what the ledger counts towards it (see IndicatorMeasure); empty: inferred
	// from the unit.
	Measure string `json:"measure,omitempty"`
}

// TeamMember is one person of the project team.
type TeamMember struct {
	Name          string `json:"name"`
	Role          string `json:"role"`          // 项目负责人, 社工, 志愿者督导 …
	Qualification string `json:"qualification"` // licence, training, experience
}

// Attachment is the metadata of a file attached to an application; the bytes are stored
// elsewhere under their SHA-256.
type Attachment struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	Name          string    `json:"name"`
	Size          int64     `json:"size"`
	SHA256        string    `json:"sha256"`
	ContentType   string    `json:"content_type"`
	UploadedAt    time.Time `json:"uploaded_at"`
}

// MaxAttachmentSize is the largest attachment accepted: 50 MiB.
const MaxAttachmentSize = 50 << 20

// Validate checks an attachment's metadata.
func (a *Attachment) Validate() error {
	f := FieldErrors{}
	var r string
	if a.Name, r = CheckText(a.Name, 200, true); r != "" {
		f.Add("name", r)
	} else if strings.ContainsAny(a.Name, `/\`) {
		f.Add("name", "attachment.name")
	}
	if a.Size <= 0 || a.Size > MaxAttachmentSize {
		f.Add("size", "attachment.size")
	}
	a.SHA256 = strings.ToLower(strings.TrimSpace(a.SHA256))
	if b, err := hex.DecodeString(a.SHA256); err != nil || len(b) != 32 {
		f.Add("sha256", "attachment.sha256")
	}
	if a.ContentType, r = CheckText(a.ContentType, 100, false); r != "" {
		f.Add("content_type", r)
	}
	return f.Err()
}

// Application is a provider's application (申报) to a call.
type Application struct {
	ID             int64         `json:"id"`
	CallID         int64         `json:"call_id"`
	CallTitle      string        `json:"call_title"`
	OrgID          int64         `json:"org_id"`
	OrgName        string        `json:"org_name"`
	Title          string        `json:"title"`
	CategoryCode   string        `json:"category_code"`
	TargetGroups   []string      `json:"target_groups"`
	Communities    []string      `json:"communities"` // community codes within the call's place
	Beneficiaries  int           `json:"beneficiaries"`
	Summary        string        `json:"summary"`
	ActivityPlan   string        `json:"activity_plan"`
	Requested      Money         `json:"requested"`
	PriceException string        `json:"price_exception,omitempty"` // why the request lies outside its category's price range
	Band           int           `json:"band"`                      // index of the call's band the request falls in, -1 if none
	BudgetLines    []BudgetLine  `json:"budget_lines"`
	Team           []TeamMember  `json:"team"`
	Outputs        []Indicator   `json:"outputs"`
	Outcomes       []Indicator   `json:"outcomes"`
	NeedIDs        []int64       `json:"need_ids"` // needs of the call this project answers
	ContactName    string        `json:"contact_name"`
	ContactPhone   string        `json:"contact_phone"`
	Attachments    []*Attachment `json:"attachments,omitempty"`
	State          string        `json:"state"`
	SubmittedAt    time.Time     `json:"submitted_at"`
	PrelimReason   string        `json:"prelim_reason"` // why it was rejected (or a note on eligibility)
	Score          Points        `json:"score"`         // aggregated, once ranked
	Scores         int           `json:"scores"`        // number of expert scores aggregated
	Rank           int           `json:"rank"`          // 1 = best, 0 = not ranked
	UnfundedReason string        `json:"unfunded_reason,omitempty"`
	UnfundedNote   string        `json:"unfunded_note,omitempty"`
	Awarded        Money         `json:"awarded"` // live award amount, 0 if none
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// Validate checks an application against its call. A draft needs only a title and valid
// values where given; submit requires it to be complete: a category of the call, target groups,
// communities, beneficiaries, a plan, a request within one of the call's bands, budget lines
// adding up to the request exactly, a team, and output and outcome indicators.
func (a *Application) Validate(c *Call, submit bool) error {
	f := FieldErrors{}
	var r string
	if a.Title, r = CheckText(a.Title, 200, true); r != "" {
		f.Add("title", r)
	}
	if a.CategoryCode = strings.TrimSpace(a.CategoryCode); a.CategoryCode != "" && !slices.Contains(c.Categories, a.CategoryCode) {
		f.Add("category_code", "application.category_not_in_call")
	} else if a.CategoryCode == "" && submit {
		f.Add("category_code", "required")
	}
	if r = checkCodes(a.TargetGroups, func(s string) bool { return s != "" && len(s) <= 40 }, submit); r != "" {
		f.Add("target_groups", r)
	}
	if r = checkCodes(a.Communities, func(s string) bool { return len(s) == 12 }, submit); r != "" {
		f.Add("communities", r)
	}
	if a.Beneficiaries < 0 || a.Beneficiaries > 1_000_000 || submit && a.Beneficiaries == 0 {
		f.Add("beneficiaries", "range:1-1000000")
	}
	if a.Summary, r = CheckText(a.Summary, 2000, false); r != "" {
		f.Add("summary", r)
	}
	if a.ActivityPlan, r = CheckText(a.ActivityPlan, 20000, submit); r != "" {
		f.Add("activity_plan", r)
	}
	a.Band = -1
	if a.Requested < 0 || a.Requested > MaxMoney || submit && a.Requested == 0 {
		f.Add("requested", "money.positive")
	} else if a.Requested > 0 {
		if a.Band = c.BandFor(a.Requested); a.Band < 0 {
			f.Add("requested", "application.outside_bands")
		}
	}
	var sum Money
	for i, l := range a.BudgetLines {
		k := "budget_lines." + strconv.Itoa(i)
		if a.BudgetLines[i].Item, r = CheckText(l.Item, 200, true); r != "" {
			f.Add(k+".item", r)
		}
		if a.BudgetLines[i].Note, r = CheckText(l.Note, 500, false); r != "" {
			f.Add(k+".note", r)
		}
		if l.Amount <= 0 || l.Amount > MaxMoney {
			f.Add(k+".amount", "money.positive")
		}
		sum += l.Amount
	}
	if submit && len(a.BudgetLines) == 0 {
		f.Add("budget_lines", "required")
	} else if len(a.BudgetLines) > 0 && sum != a.Requested {
		f.Add("budget_lines", "application.budget_sum:"+sum.Format())
	}
	for i, m := range a.Team {
		k := "team." + strconv.Itoa(i)
		if a.Team[i].Name, r = CheckText(m.Name, 50, true); r != "" {
			f.Add(k+".name", r)
		}
		if a.Team[i].Role, r = CheckText(m.Role, 50, false); r != "" {
			f.Add(k+".role", r)
		}
		if a.Team[i].Qualification, r = CheckText(m.Qualification, 200, false); r != "" {
			f.Add(k+".qualification", r)
		}
	}
	if submit && len(a.Team) == 0 {
		f.Add("team", "required")
	}
	checkIndicators(f, "outputs", a.Outputs, submit)
	checkIndicators(f, "outcomes", a.Outcomes, submit)
	for _, id := range a.NeedIDs {
		if !slices.Contains(c.NeedIDs, id) {
			f.Add("need_ids", "application.need_not_in_call")
		}
	}
	if a.ContactName, r = CheckText(a.ContactName, 50, false); r != "" {
		f.Add("contact_name", r)
	}
	if a.ContactPhone = strings.TrimSpace(a.ContactPhone); ValidatePhone(a.ContactPhone) != "" {
		f.Add("contact_phone", "phone.format")
	}
	return f.Err()
}

func checkIndicators(f FieldErrors, field string, xs []Indicator, required bool) {
	if required && len(xs) == 0 {
		f.Add(field, "required")
	}
	var r string
	for i, x := range xs {
		k := field + "." + strconv.Itoa(i)
		if xs[i].Name, r = CheckText(x.Name, 100, true); r != "" {
			f.Add(k+".name", r)
		}
		if xs[i].Unit, r = CheckText(x.Unit, 20, false); r != "" {
			f.Add(k+".unit", r)
		}
		if x.Target <= 0 || x.Target > 1_000_000_000 {
			f.Add(k+".target", "range:1-1000000000")
		}
		if xs[i].Measure = strings.TrimSpace(x.Measure); !ValidMeasure(xs[i].Measure) {
			f.Add(k+".measure", "choice")
		}
	}
}
