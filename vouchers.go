// Service vouchers (服务券, docs/vouchers.md): a purchaser's scheme gives part of the purchase
// money to eligible residents as vouchers; a resident chooses an admitted provider, the provider
// redeems the voucher with the resident's one-time PIN and records the service in its ledger,
// and the purchaser settles each provider's redemptions by a monthly statement.

package gongzhi

import (
	"slices"
	"strings"
	"time"
)

// Voucher states: issued (held, spendable until valid_until), redeemed (spent at a provider),
// settled (its provider paid), expired (never spent; its money went back to the budget).
const (
	VoucherIssued   = "issued"
	VoucherRedeemed = "redeemed"
	VoucherSettled  = "settled"
	VoucherExpired  = "expired"
)

// VoucherStates in their order.
var VoucherStates = []string{VoucherIssued, VoucherRedeemed, VoucherSettled, VoucherExpired}

// Statement states: drafted from the redemptions, approved by the purchaser, paid.
const (
	StatementDraft    = "draft"
	StatementApproved = "approved"
	StatementPaid     = "paid"
)

// Voucher limits.
const (
	VoucherSerialLen   = 16 // characters of VoucherAlphabet: 80 random bits
	VoucherAlphabet    = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	VoucherPINLen      = 6
	VoucherMaxPerson   = 100
	VoucherPINFailures = 5 // wrong PINs in a row before a voucher is locked for VoucherPINLock
	VoucherPINLock     = 15 * time.Minute
)

// VoucherScheme is a purchaser's voucher scheme.
type VoucherScheme struct {
	ID           int64     `json:"id"`
	PlaceCode    string    `json:"place_code"` // the purchaser's place
	PlaceName    string    `json:"place_name"`
	BudgetID     int64     `json:"budget_id"`
	BudgetName   string    `json:"budget_name"`
	Name         string    `json:"name"`
	FaceValue    Money     `json:"face_value"` // fen
	TargetGroups []string  `json:"target_groups"`
	MinAge       int       `json:"min_age"`
	Communities  []string  `json:"communities"`
	LivingAlone  bool      `json:"living_alone"`
	Categories   []string  `json:"categories"`
	Providers    []int64   `json:"providers"`
	ValidFrom    string    `json:"valid_from"`
	ValidUntil   string    `json:"valid_until"`
	PerPerson    int       `json:"per_person"`
	Issued       int       `json:"issued"`
	Redeemed     int       `json:"redeemed"`
	Expired      int       `json:"expired"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Validate normalizes and checks a scheme's own fields (its references are checked against
// storage by the service).
func (s *VoucherScheme) Validate() error {
	f := FieldErrors{}
	var r string
	if s.Name, r = CheckText(s.Name, 100, true); r != "" {
		f.Add("name", r)
	}
	if s.BudgetID <= 0 {
		f.Add("budget_id", "required")
	}
	if s.FaceValue <= 0 || s.FaceValue > MaxMoney {
		f.Add("face_value", "money.positive")
	}
	if s.MinAge < 0 || s.MinAge > 130 {
		f.Add("min_age", "voucher.age_range")
	}
	if s.PerPerson < 1 || s.PerPerson > VoucherMaxPerson {
		f.Add("per_person", "voucher.per_person_range")
	}
	from, ok1 := ParseDate(strings.TrimSpace(s.ValidFrom))
	until, ok2 := ParseDate(strings.TrimSpace(s.ValidUntil))
	s.ValidFrom, s.ValidUntil = strings.TrimSpace(s.ValidFrom), strings.TrimSpace(s.ValidUntil)
	if !ok1 {
		f.Add("valid_from", "date.format")
	}
	if !ok2 {
		f.Add("valid_until", "date.format")
	}
	if ok1 && ok2 && until.Before(from) {
		f.Add("valid_until", "voucher.until_before_from")
	}
	s.TargetGroups = cleanList(s.TargetGroups)
	s.Communities = cleanList(s.Communities)
	s.Categories = cleanList(s.Categories)
	if len(s.Categories) == 0 {
		f.Add("categories", "required")
	}
	slices.Sort(s.Providers)
	s.Providers = slices.Compact(s.Providers)
	if len(s.Providers) == 0 || s.Providers[0] <= 0 {
		f.Add("providers", "required")
	}
	return f.Err()
}

func cleanList(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// Voucher is one voucher. PIN is set only in the answer that made it (issue or a new PIN).
type Voucher struct {
	ID            int64       `json:"id"`
	SchemeID      int64       `json:"scheme_id"`
	SchemeName    string      `json:"scheme_name"`
	Serial        string      `json:"serial"`
	PersonID      int64       `json:"person_id"`
	PersonName    string      `json:"person_name"` // masked for everyone but the holder's household and staff of the community
	HouseholdID   int64       `json:"household_id"`
	CommunityCode string      `json:"community_code"`
	CommunityName string      `json:"community_name"`
	Seq           int         `json:"seq"`
	FaceValue     Money       `json:"face_value"`
	ValidUntil    string      `json:"valid_until"`
	State         string      `json:"state"`
	ChosenOrgID   int64       `json:"chosen_org_id"`
	ChosenOrgName string      `json:"chosen_org_name"`
	IssuedAt      time.Time   `json:"issued_at"`
	ClosedAt      time.Time   `json:"closed_at,omitzero"`
	Rating        int         `json:"rating"`
	RatingComment string      `json:"rating_comment"`
	Redemption    *Redemption `json:"redemption,omitempty"`
	PIN           string      `json:"pin,omitempty"`
	IssuedSeq     int64       `json:"issued_seq"` // its voucher.issued record on the public ledger (its receipt); 0: none
}

// Redemption is a voucher spent at a provider.
type Redemption struct {
	VoucherID   int64     `json:"voucher_id"`
	OrgID       int64     `json:"org_id"`
	OrgName     string    `json:"org_name"`
	EntryID     int64     `json:"entry_id"`
	Amount      Money     `json:"amount"`
	Month       string    `json:"month"`
	StatementID int64     `json:"statement_id"`
	Username    string    `json:"username"`
	At          time.Time `json:"at"`
	LogSeq      int64     `json:"log_seq"`     // its voucher.redeemed record on the public ledger (its receipt)
	SettledSeq  int64     `json:"settled_seq"` // the voucher.settled record of its paid statement; 0: not yet
	EntryTitle  string    `json:"entry_title"` // the service ledger entry (台账) recording the service
	EntryOn     string    `json:"entry_on"`
}

// VoucherStatement is a provider's monthly statement of one scheme.
type VoucherStatement struct {
	ID         int64     `json:"id"`
	SchemeID   int64     `json:"scheme_id"`
	SchemeName string    `json:"scheme_name"`
	OrgID      int64     `json:"org_id"`
	OrgName    string    `json:"org_name"`
	Month      string    `json:"month"`
	Vouchers   int       `json:"vouchers"`
	Amount     Money     `json:"amount"`
	State      string    `json:"state"`
	ApprovedBy string    `json:"approved_by"`
	ApprovedAt time.Time `json:"approved_at,omitzero"`
	PaidOn     string    `json:"paid_on"`
	PaidBy     string    `json:"paid_by"`
	CreatedAt  time.Time `json:"created_at"`
	LogSeq     int64     `json:"log_seq"` // its voucher.settled record on the public ledger, once paid
}

// VoucherCount is one row of the vouchers report: a key (scheme, community, provider or month)
// with its counts and money.
type VoucherCount struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	Issued   int    `json:"issued"`
	Redeemed int    `json:"redeemed"` // redeemed or settled
	Expired  int    `json:"expired"`
	Settled  Money  `json:"settled"`
}

// VoucherProviderShare is a provider's share of a scheme's redemptions and its residents'
// average rating (public).
type VoucherProviderShare struct {
	SchemeID   int64   `json:"scheme_id"`
	SchemeName string  `json:"scheme_name"`
	OrgID      int64   `json:"org_id"`
	OrgName    string  `json:"org_name"`
	Redeemed   int     `json:"redeemed"`
	Share      float64 `json:"share"` // of the scheme's redemptions, 0–1
	Ratings    int     `json:"ratings"`
	Rating     float64 `json:"rating"` // average, 0 when none
}
