// Buying social services (docs/domain.md §3): the shared vocabulary of the purchase workflow — money
// in fen, dates and working days in China Standard Time, the state machines of calls,
// applications, awards, contracts and objections, the state-history record every change leaves,
// and the refusal errors every illegal move returns. The records themselves live in
// purchase_catalog.go (needs, categories, budgets), purchase_call.go (calls, applications),
// purchase_review.go (panel draw, scores, ranking, awards, objections) and purchase_contract.go
// (contracts, payments, reports).

package gongzhi

import (
	"encoding/json"
	"math/bits"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ---- money

// Money is an amount in fen (分, 0.01 yuan). Arithmetic on money is integer arithmetic only; no
// float ever holds an amount. In JSON a Money is an integer number of fen; a JSON string is also
// accepted and read as yuan ("20000", "20,000.50", "2万").
type Money int64

// Yuan returns n whole yuan as Money.
func Yuan(n int64) Money { return Money(n * 100) }

// MaxMoney is the largest amount the platform accepts: ten trillion yuan, far above any budget,
// and small enough that multiplying by 10,000 basis points cannot overflow a uint64.
const MaxMoney = Money(1_000_000_000_000_000)

// String formats plain yuan with two decimals and no grouping, as forms want it: "20000.00".
func (m Money) String() string { return m.format(false) }

// Format formats yuan with thousands separators for display: "20,000.00".
func (m Money) Format() string { return m.format(true) }

func (m Money) format(group bool) string {
	neg := m < 0
	u := uint64(m)
	if neg {
		u = uint64(-m)
	}
	whole := strconv.FormatUint(u/100, 10)
	if group && len(whole) > 3 {
		var b strings.Builder
		pre := len(whole) % 3
		if pre > 0 {
			b.WriteString(whole[:pre])
		}
		for i := pre; i < len(whole); i += 3 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(whole[i : i+3])
		}
		whole = b.String()
	}
	frac := u % 100
	s := whole + "." + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
	if neg {
		return "-" + s
	}
	return s
}

// ParseMoney reads an amount of yuan as people type it: "20000", "20,000.5", "¥20,000.50",
// "2万", "2.5万元", full-width digits. It returns the amount and "" or a reason key:
// "money.format" or "money.too_large". Fractions finer than a fen are refused, never rounded.
func ParseMoney(s string) (Money, string) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '．':
			return '.'
		case r == '，' || r == ',' || r == ' ' || r == '\u00a0' || r == '\u3000':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	s = strings.TrimSuffix(s, "元")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	shift := 2 // decimal places from yuan to fen
	if strings.HasSuffix(s, "万") {
		s, shift = strings.TrimSuffix(s, "万"), 6
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || hasDot && frac == "" || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, "money.format"
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > shift {
		return 0, "money.format"
	}
	digits := strings.TrimLeft(whole+frac+strings.Repeat("0", shift-len(frac)), "0")
	if len(digits) > 18 {
		return 0, "money.too_large"
	}
	var v uint64
	for _, c := range digits {
		v = v*10 + uint64(c-'0')
	}
	if v > uint64(MaxMoney) {
		return 0, "money.too_large"
	}
	if neg {
		return -Money(v), ""
	}
	return Money(v), ""
}

// UnmarshalJSON accepts an integer number of fen or a string of yuan. A bad amount is refused
// with a *json.UnmarshalTypeError whose Value is the reason key ("money.format",
// "money.too_large"): the decoder adds the name of the field to that error type alone, so the
// caller can say which amount is wrong.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		if err != nil {
			return moneyJSONError("money.format")
		}
		v, r := ParseMoney(u)
		if r != "" {
			return moneyJSONError(r)
		}
		*m = v
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > int64(MaxMoney) || n < -int64(MaxMoney) {
		return moneyJSONError("money.format")
	}
	*m = Money(n)
	return nil
}

func moneyJSONError(reason string) error {
	return &json.UnmarshalTypeError{Value: reason, Type: reflect.TypeFor[Money]()}
}

// MulBP returns m × bp / 10,000 rounded down, for a share in basis points (1 bp = 0.01%), with a
// 128-bit intermediate product so that no amount overflows. m must not be negative.
func (m Money) MulBP(bp int) Money {
	if m <= 0 || bp <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(m), uint64(bp))
	q, _ := bits.Div64(hi, lo, 10000)
	return Money(q)
}

// SharesBP divides 10,000 basis points among parts in proportion to them, by the largest
// remainder method, so that the shares add up to exactly 100.00% whenever the total is positive.
// Ties in the remainder go to the earlier part.
func SharesBP(parts []Money) []int {
	out := make([]int, len(parts))
	var total Money
	for _, p := range parts {
		if p > 0 {
			total += p
		}
	}
	if total <= 0 {
		return out
	}
	rem := make([]uint64, len(parts))
	given := 0
	for i, p := range parts {
		if p <= 0 {
			continue
		}
		hi, lo := bits.Mul64(uint64(p), 10000)
		q, r := bits.Div64(hi, lo, uint64(total))
		out[i], rem[i] = int(q), r
		given += int(q)
	}
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rem[a] > rem[b]:
			return -1
		case rem[a] < rem[b]:
			return 1
		}
		return 0
	})
	for i := 0; given < 10000 && i < len(order); i++ {
		if parts[order[i]] > 0 {
			out[order[i]]++
			given++
		}
	}
	return out
}

// FormatBP writes basis points as a percentage with two decimals: 6000 → "60.00%".
func FormatBP(bp int) string {
	return strconv.Itoa(bp/100) + "." + string(rune('0'+bp%100/10)) + string(rune('0'+bp%10)) + "%"
}

// ---- dates and working days

// ChinaTime is China Standard Time (UTC+8, no daylight saving), the zone in which deadlines,
// dates and working days are counted. A fixed zone needs no time-zone database.
var ChinaTime = time.FixedZone("CST", 8*3600)

// DateOf returns the date of t in China Standard Time, as YYYY-MM-DD.
func DateOf(t time.Time) string { return t.In(ChinaTime).Format(time.DateOnly) }

// ParseDate reads a YYYY-MM-DD date as midnight China Standard Time at its start. Dates outside
// MinYear–MaxYear are refused: no record of the platform is dated there, and such a date is a
// mistake (a meeting on 9999-12-31) or a probe.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), ChinaTime)
	return t, err == nil && SaneYear(t)
}

// The years a date or time may fall in.
const (
	MinYear = 1900
	MaxYear = 2100
)

// SaneYear reports whether t falls within MinYear–MaxYear (in China Standard Time).
func SaneYear(t time.Time) bool {
	y := t.In(ChinaTime).Year()
	return y >= MinYear && y <= MaxYear
}

// Holiday is one day of the office's calendar that differs from Monday–Friday: a public
// holiday on a weekday (Workday false), or a weekend day worked in exchange (调休, Workday true).
type Holiday struct {
	Day     string `json:"day"` // YYYY-MM-DD
	Name    string `json:"name"`
	Workday bool   `json:"workday"`
}

// Validate checks a calendar day.
func (h *Holiday) Validate() error {
	f := FieldErrors{}
	h.Day = strings.TrimSpace(h.Day)
	if _, ok := ParseDate(h.Day); !ok {
		f.Add("day", "date.format")
	}
	var r string
	if h.Name, r = CheckText(h.Name, 50, false); r != "" {
		f.Add("name", r)
	}
	return f.Err()
}

// Calendar counts working days: Monday to Friday, except the days its holidays override.
type Calendar struct{ override map[string]bool }

// NewCalendar returns a calendar with the office's holidays and make-up working days.
func NewCalendar(days []Holiday) *Calendar {
	c := &Calendar{override: make(map[string]bool, len(days))}
	for _, d := range days {
		c.override[d.Day] = d.Workday
	}
	return c
}

// IsWorkday reports whether the date (YYYY-MM-DD, China Standard Time) is a working day.
func (c *Calendar) IsWorkday(day time.Time) bool {
	day = day.In(ChinaTime)
	if c != nil {
		if w, ok := c.override[day.Format(time.DateOnly)]; ok {
			return w
		}
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// NoticeEnd returns when a notice published at start and running for n working days ends: the
// first working day is the day of publication if that is a working day, else the next one; the
// notice ends at midnight (China Standard Time) after its n-th working day. A notice published
// on Monday 1 December for 5 working days ends at 00:00 on Saturday 6 December.
func (c *Calendar) NoticeEnd(start time.Time, n int) time.Time {
	day := start.In(ChinaTime)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, ChinaTime)
	for counted := 0; ; day = day.AddDate(0, 0, 1) {
		if c.IsWorkday(day) {
			counted++
			if counted >= n {
				return day.AddDate(0, 0, 1)
			}
		}
	}
}

// WorkdaysBetween counts the working days d with from ≤ d < to (dates in China Standard Time).
func (c *Calendar) WorkdaysBetween(from, to time.Time) int {
	f, t := from.In(ChinaTime), to.In(ChinaTime)
	day := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, ChinaTime)
	end := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, ChinaTime)
	n := 0
	for ; day.Before(end); day = day.AddDate(0, 0, 1) {
		if c.IsWorkday(day) {
			n++
		}
	}
	return n
}

// ---- states

// States of a call for projects (项目征集).
const (
	CallDraft     = "draft"     // being written by the purchaser; invisible to everyone else
	CallOpen      = "open"      // published, money reserved; applications accepted between opens_at and closes_at
	CallClosed    = "closed"    // deadline passed; preliminary review and the panel draw
	CallReviewing = "reviewing" // experts score; ranking and awards
	CallNotice    = "notice"    // awards published (公示) for the notice period; objections
	CallFinal     = "final"     // awards final; contracts can be signed
	CallCancelled = "cancelled" // withdrawn; every reservation released
)

// States of an application (申报).
const (
	AppDraft     = "draft"      // the provider is writing it
	AppSubmitted = "submitted"  // submitted before the deadline
	AppWithdrawn = "withdrawn"  // withdrawn by the provider before the deadline
	AppRejected  = "rejected"   // failed the preliminary review (reason given)
	AppEligible  = "eligible"   // passed the preliminary review; goes to the experts
	AppAwarded   = "awarded"    // funded in the published results
	AppNotFunded = "not_funded" // not funded (reason given), or an award overturned
)

// States of an award.
const (
	AwardProposed   = "proposed"   // chosen by the purchaser, not yet published
	AwardPublished  = "published"  // in the public notice
	AwardFinal      = "final"      // the notice ended with every objection answered
	AwardOverturned = "overturned" // removed after an upheld objection
)

// States of a contract and of each of its versions.
const (
	ContractDraft  = "draft"  // no version has been confirmed by both sides yet
	ContractSigned = "signed" // a version is in force

	VersionPending    = "pending"    // waiting for both sides' confirmation
	VersionEffective  = "effective"  // in force
	VersionSuperseded = "superseded" // replaced by a later effective version
)

// States of an objection (异议).
const (
	ObjectionOpen     = "open"
	ObjectionAnswered = "answered"
)

// The moves each state machine allows. Anything else is refused with ECONFLICT naming "state".
var (
	CallMoves = map[string][]string{
		CallDraft:     {CallOpen, CallCancelled},
		CallOpen:      {CallClosed, CallCancelled},
		CallClosed:    {CallReviewing, CallCancelled},
		CallReviewing: {CallNotice, CallCancelled},
		CallNotice:    {CallFinal, CallCancelled},
	}
	AppMoves = map[string][]string{
		AppDraft:     {AppSubmitted, AppWithdrawn},
		AppSubmitted: {AppWithdrawn, AppEligible, AppRejected},
		AppEligible:  {AppAwarded, AppNotFunded},
		AppAwarded:   {AppNotFunded},
	}
	AwardMoves = map[string][]string{
		AwardProposed:  {AwardPublished},
		AwardPublished: {AwardFinal, AwardOverturned},
	}
)

// CheckMove returns nil if the machine allows from → to, or an ECONFLICT error naming the
// field "state" with the reason "state.illegal:FROM".
func CheckMove(moves map[string][]string, from, to string) error {
	if slices.Contains(moves[from], to) {
		return nil
	}
	return Refused("state", "state.illegal:"+from)
}

// Refused is an ECONFLICT error: the request is well formed but the record's state, the clock,
// the budget or a rule forbids it now. Field names what is refused; reason is a message key.
func Refused(field, reason string) *Error {
	return &Error{Code: ECONFLICT, Message: "err.refused", Fields: map[string]string{field: reason}}
}

// StateChange is one line of the purchase workflow's state history: who moved what from which
// state to which, and when. Every change of a call, application, award, objection, contract,
// contract version, payment, budget and need leaves one.
type StateChange struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	CallID   int64     `json:"call_id"`        // 0 for records outside any call (a budget, a need)
	AppID    int64     `json:"application_id"` // the application concerned, if any: its provider sees the line
	Entity   string    `json:"entity"`         // call, application, award, objection, contract, contract_version, payment, budget, need, panel
	EntityID int64     `json:"entity_id"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	UserID   int64     `json:"user_id"`
	Username string    `json:"username"` // "anonymous" for the public
	// DisplayName is the account's name as it is now ("" for the public and removed accounts).
	DisplayName string `json:"display_name,omitempty"`
	Role        string `json:"role"`
	Note        Note   `json:"note"` // what the line says, as data (NoteCodes)
}

// checkList validates a list of codes against allowed ones; it returns "" or a reason key.
func checkCodes(xs []string, allowed func(string) bool, required bool) string {
	if len(xs) == 0 {
		if required {
			return "required"
		}
		return ""
	}
	seen := map[string]bool{}
	for _, x := range xs {
		if !allowed(x) {
			return "choice"
		}
		if seen[x] {
			return "duplicate"
		}
		seen[x] = true
	}
	return ""
}
