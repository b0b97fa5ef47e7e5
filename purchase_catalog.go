// Needs, the purchase catalog and budgets (docs/domain.md §3.1–3.2): what residents need, the
// service categories an office may buy with their standards and price ranges, and the money each
// source (city, district, street; fiscal, lottery public-welfare fund, other) puts up per fiscal
// year, with its ledger of reservations, releases and payments.

package gongzhi

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// How a need reached the office (需求征集渠道).
var NeedSources = []string{"household_visit", "hub_reception", "salon", "grid_report", "online"}

// Need is one need (需求) of a community's residents: who, what, how many, and how it was heard.
// Contact details are kept for whoever recorded it and never shown to the public.
type Need struct {
	ID             int64     `json:"id"`
	CommunityCode  string    `json:"community_code"`
	CommunityName  string    `json:"community_name"`
	TargetGroup    string    `json:"target_group"`
	CategoryCode   string    `json:"category_code"`
	CategoryName   string    `json:"category_name"`
	Description    string    `json:"description"`
	PeopleAffected int       `json:"people_affected"`
	Source         string    `json:"source"`
	ContactName    string    `json:"contact_name,omitempty"`
	ContactPhone   string    `json:"contact_phone,omitempty"`
	RecordedBy     string    `json:"recorded_by"` // username, "anonymous" for the public form
	Answered       bool      `json:"answered"`    // a funded project answers it
	CreatedAt      time.Time `json:"created_at"`
	// PublishedAt is when the office published it to the residents of its community and the
	// public (zero: not published); Supports counts the residents who support it.
	PublishedAt time.Time `json:"published_at,omitzero"`
	Supports    int       `json:"supports"`
}

// Validate checks a need. A need from the public form must leave a contact.
func (n *Need) Validate(public bool) error {
	f := FieldErrors{}
	var r string
	if len(n.CommunityCode) != 12 {
		f.Add("community_code", "required")
	}
	if n.TargetGroup = strings.TrimSpace(n.TargetGroup); n.TargetGroup == "" {
		f.Add("target_group", "required")
	}
	if n.CategoryCode = strings.TrimSpace(n.CategoryCode); n.CategoryCode == "" {
		f.Add("category_code", "required")
	}
	if n.Description, r = CheckText(n.Description, 2000, true); r != "" {
		f.Add("description", r)
	}
	if n.PeopleAffected < 1 || n.PeopleAffected > 1_000_000 {
		f.Add("people_affected", "range:1-1000000")
	}
	oneOf(f, "source", n.Source, NeedSources, true)
	if n.ContactName, r = CheckText(n.ContactName, 50, public); r != "" {
		f.Add("contact_name", r)
	}
	n.ContactPhone = strings.TrimSpace(n.ContactPhone)
	if public && n.ContactPhone == "" {
		f.Add("contact_phone", "required")
	} else if ValidatePhone(n.ContactPhone) != "" {
		f.Add("contact_phone", "phone.format")
	}
	return f.Err()
}

// NeedsCell is one cell of the needs map: the needs of one community for one target group in
// one category, counted, with the people they touch.
type NeedsCell struct {
	CommunityCode string `json:"community_code"`
	CommunityName string `json:"community_name"`
	TargetGroup   string `json:"target_group"`
	CategoryCode  string `json:"category_code"`
	Needs         int    `json:"needs"`
	People        int    `json:"people"`
	Answered      int    `json:"answered"` // needs a funded project answers
}

// ServiceCategory is an entry of the purchase catalog (购买目录) with its service standard and
// the price range a project in it may cost.
type ServiceCategory struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	NameEn   string `json:"name_en"`
	Standard string `json:"standard"` // the service standard (服务标准) in plain text
	PriceMin Money  `json:"price_min"`
	PriceMax Money  `json:"price_max"`
	Builtin  bool   `json:"builtin"`
	Active   bool   `json:"active"` // inactive categories stay on old records but take no new calls
	// AllowExceptions lets an application or an award lie outside the price range when it
	// records the reason (Application.PriceException, Award.PriceException); otherwise an amount
	// outside the range is refused.
	AllowExceptions bool `json:"allow_exceptions"`
	Position        int  `json:"position"`
	CallCount       int  `json:"call_count,omitempty"`
}

// Validate checks a catalog entry.
func (c *ServiceCategory) Validate() error {
	f := FieldErrors{}
	var r string
	if c.Code = strings.TrimSpace(strings.ToLower(c.Code)); c.Code == "" {
		f.Add("code", "required")
	} else if !validUsername(c.Code) || len(c.Code) > 40 {
		f.Add("code", "code.format")
	}
	if c.Name, r = CheckText(c.Name, 100, true); r != "" {
		f.Add("name", r)
	}
	if c.NameEn, r = CheckText(c.NameEn, 100, false); r != "" {
		f.Add("name_en", r)
	}
	if c.Standard, r = CheckText(c.Standard, 4000, false); r != "" {
		f.Add("standard", r)
	}
	if c.PriceMin < 0 || c.PriceMin > MaxMoney {
		f.Add("price_min", "money.range")
	}
	if c.PriceMax < 0 || c.PriceMax > MaxMoney {
		f.Add("price_max", "money.range")
	} else if c.PriceMax > 0 && c.PriceMax < c.PriceMin {
		f.Add("price_max", "money.max_below_min")
	}
	return f.Err()
}

// OutsideRange returns why amount lies outside the category's price range —
// "price.below_min:MIN" or "price.above_max:MAX" (yuan) — or "" when it lies within (a
// PriceMax of 0 sets no upper bound).
func (c *ServiceCategory) OutsideRange(amount Money) string {
	switch {
	case amount < c.PriceMin:
		return "price.below_min:" + c.RangeText()
	case c.PriceMax > 0 && amount > c.PriceMax:
		return "price.above_max:" + c.RangeText()
	}
	return ""
}

// RangeText is the category's price range in yuan as reasons name it: "20,000.00–500,000.00",
// or "≥ 20,000.00" without an upper bound.
func (c *ServiceCategory) RangeText() string {
	if c.PriceMax == 0 {
		return "≥ " + c.PriceMin.Format()
	}
	return c.PriceMin.Format() + "–" + c.PriceMax.Format()
}

// CatalogEditPath is the page where the office edits a category's price range: where a price
// refusal links (Error.Links).
func CatalogEditPath(code string) string { return "/catalog/" + url.PathEscape(code) + "/edit" }

// BuiltinPriceRanges are the price ranges the built-in catalog came with (migration 0003: one
// province's catalog, in fen), by category: an office whose categories still hold them has not
// yet set its own, and a street's smaller projects are refused below them.
var BuiltinPriceRanges = map[string][2]Money{
	"elderly_home_care":     {5000000, 50000000},
	"community_social_work": {5000000, 30000000},
	"incubation_base":       {10000000, 50000000},
	"registration_assist":   {2000000, 10000000},
	"staff_training":        {2000000, 15000000},
	"service_evaluation":    {2000000, 20000000},
}

// HasBuiltinRange reports whether a built-in category still holds the price range it came with.
func (c *ServiceCategory) HasBuiltinRange() bool {
	r, ok := BuiltinPriceRanges[c.Code]
	return ok && c.Builtin && c.PriceMin == r[0] && c.PriceMax == r[1]
}

// ClipToRange returns amount moved into the category's price range.
func (c *ServiceCategory) ClipToRange(amount Money) Money {
	amount = max(amount, c.PriceMin)
	if c.PriceMax > 0 {
		amount = min(amount, c.PriceMax)
	}
	return amount
}

// CheckPrice checks an amount of field (an application's request, an award) against its
// category's price range: within it, nothing to say (and no exception is kept: the returned
// reason is ""); outside it, refused (field: price.below_min / price.above_max) unless the
// category allows exceptions and reason gives one (else price_exception: required).
// It returns the exception's reason to record.
func CheckPrice(c *ServiceCategory, field string, amount Money, reason string) (string, error) {
	if c == nil {
		return "", nil
	}
	out := c.OutsideRange(amount)
	if out == "" {
		return "", nil
	}
	f := FieldErrors{}
	refuse := func() error {
		e := AsError(f.Err())
		e.Links = map[string]string{field: CatalogEditPath(c.Code)}
		return e
	}
	if !c.AllowExceptions {
		f.Add(field, out)
		return "", refuse()
	}
	reason, r := CheckText(reason, 500, true)
	if r != "" {
		f.Add(field, out)
		f.Add("price_exception", "price.exception_reason")
		return "", refuse()
	}
	return reason, nil
}

// Budget levels (who puts the money up: a province, a city, a district or a street, highest
// first) and funds (what kind of money it is).
var (
	BudgetLevels = []string{"province", "city", "district", "street"}
	BudgetFunds  = []string{"fiscal", "lottery", "other"} // 财政资金, 福彩公益金, 其他
)

// Budget is money one source puts up for buying services in a fiscal year at a place. Reserved
// is held by open calls and unpaid contracts; Spent has been paid out. Available = Amount −
// Reserved − Spent never goes below zero: the database refuses it too.
type Budget struct {
	ID         int64     `json:"id"`
	PlaceCode  string    `json:"place_code"`
	PlaceName  string    `json:"place_name"`
	FiscalYear int       `json:"fiscal_year"`
	Level      string    `json:"level"`
	Fund       string    `json:"fund"`
	Name       string    `json:"name"`
	Amount     Money     `json:"amount"`
	Reserved   Money     `json:"reserved"`
	Spent      Money     `json:"spent"`
	Notes      string    `json:"notes"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// BudgetLevelOf is the budget level of a place of division level lvl: "province" for a
// province … "street" for a street; "" for a community, which holds no budget.
func BudgetLevelOf(lvl int) string {
	if lvl < LevelProvince || lvl > LevelStreet {
		return ""
	}
	return BudgetLevels[lvl-LevelProvince]
}

// Available is what the budget can still reserve.
func (b *Budget) Available() Money { return b.Amount - b.Reserved - b.Spent }

// Validate checks a budget's own fields.
func (b *Budget) Validate() error {
	f := FieldErrors{}
	var r string
	if len(b.PlaceCode) != 12 {
		f.Add("place_code", "required")
	}
	if b.FiscalYear < 2000 || b.FiscalYear > 2100 {
		f.Add("fiscal_year", "range:2000-2100")
	}
	oneOf(f, "level", b.Level, BudgetLevels, true)
	oneOf(f, "fund", b.Fund, BudgetFunds, true)
	if b.Name, r = CheckText(b.Name, 100, true); r != "" {
		f.Add("name", r)
	}
	if b.Amount <= 0 || b.Amount > MaxMoney {
		f.Add("amount", "money.positive")
	}
	if b.Notes, r = CheckText(b.Notes, 2000, false); r != "" {
		f.Add("notes", r)
	}
	return f.Err()
}

// Ledger entry kinds. A reservation moves money from available to reserved, a release moves it
// back, a payment moves it from reserved to spent.
const (
	LedgerReserve = "reserve"
	LedgerRelease = "release"
	LedgerSpend   = "spend"
)

// LedgerEntry is one movement of a budget's money.
type LedgerEntry struct {
	ID         int64     `json:"id"`
	BudgetID   int64     `json:"budget_id"`
	CallID     int64     `json:"call_id"`
	ContractID int64     `json:"contract_id"`
	PaymentID  int64     `json:"payment_id"`
	Kind       string    `json:"kind"`
	Amount     Money     `json:"amount"`
	At         time.Time `json:"at"`
	Username   string    `json:"username"`
	Note       Note      `json:"note"` // why the money moved, as data (NoteCodes)
}

// Ineligibility bars an organization from calls (不合格 in an evaluation, a breach of contract)
// until a date, with the reason.
type Ineligibility struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	OrgName   string    `json:"org_name"`
	PlaceCode string    `json:"place_code"` // the office that decided
	Until     string    `json:"until"`      // YYYY-MM-DD, inclusive
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	Lifted    bool      `json:"lifted"`
}

// Validate checks an ineligibility.
func (i *Ineligibility) Validate() error {
	f := FieldErrors{}
	var r string
	if i.OrgID == 0 {
		f.Add("org_id", "required")
	}
	if _, ok := ParseDate(i.Until); !ok {
		f.Add("until", "date.format")
	}
	if i.Reason, r = CheckText(i.Reason, 500, true); r != "" {
		f.Add("reason", r)
	}
	return f.Err()
}

// StateOn is the bar's state on a day (YYYY-MM-DD): "lifted" (ended early by the purchaser),
// "ended" (its last day has passed) or "in_force".
func (i *Ineligibility) StateOn(day string) string {
	switch {
	case i.Lifted:
		return "lifted"
	case i.Until < day:
		return "ended"
	}
	return "in_force"
}

// gradeRank orders organization grades: "" (none) < 1A < … < 5A.
func gradeRank(g string) int { return slices.Index(OrgGrades, g) }

// GradeAtLeast reports whether grade meets a minimum ("" requires nothing).
func GradeAtLeast(grade, min string) bool { return min == "" || gradeRank(grade) >= gradeRank(min) }
