// Complaints and inquiries (投诉/问询, docs/domain.md §6), run like a public-service hotline
// (12345 工单): anyone may submit one — with a contact when not signed in — and follow it with a
// tracking code and the last four digits of the phone given. A complaint about a contract goes to
// its provider, one about the hub's work to the hub, anything else to the street office; staff may
// re-route it with a reason. The assigned party answers within a number of working days set by
// kind; unanswered ones escalate, first to the hub and then to the street office. The submitter
// rates the answer once; a low rating (≤ LowRating) reopens it for a second, final answer by the
// street office.

package gongzhi

import (
	"strings"
	"time"
)

// Kinds of complaint.
const (
	ComplaintKindComplaint  = "complaint"  // 投诉
	ComplaintKindInquiry    = "inquiry"    // 问询
	ComplaintKindSuggestion = "suggestion" // 建议
)

// ComplaintKinds lists the kinds in display order.
var ComplaintKinds = []string{ComplaintKindComplaint, ComplaintKindInquiry, ComplaintKindSuggestion}

// ComplaintAnswerDays is the answer deadline of each kind in working days (office calendar).
var ComplaintAnswerDays = map[string]int{ComplaintKindComplaint: 5, ComplaintKindInquiry: 3, ComplaintKindSuggestion: 10}

// ComplaintReanswerDays is the deadline of the office's second answer after a low rating.
const ComplaintReanswerDays = 5

// ComplaintEscalateDays is how many working days after the deadline an unanswered complaint
// escalates from the hub (level 1, at the deadline) to the street office (level 2).
const ComplaintEscalateDays = 2

// LowRating is the highest rating that reopens a complaint for a second answer.
const LowRating = 2

// States of a complaint.
const (
	ComplaintOpen     = "open"     // waiting for the assigned party's answer
	ComplaintAnswered = "answered" // answered; waiting for the submitter's rating
	ComplaintReopened = "reopened" // rated low; waiting for the street office's second answer
	ComplaintClosed   = "closed"   // rated, or answered a second time
)

// ComplaintStates lists the states in display order.
var ComplaintStates = []string{ComplaintOpen, ComplaintAnswered, ComplaintReopened, ComplaintClosed}

// Routes: who must answer.
const (
	RouteProvider = "provider" // the provider of the contract concerned
	RouteHub      = "hub"      // the hub organization of the street (枢纽型社会组织)
	RouteOffice   = "office"   // the street office (the purchaser)
)

// ComplaintRoutes lists the routes in display order.
var ComplaintRoutes = []string{RouteOffice, RouteHub, RouteProvider}

// Complaint is one complaint, inquiry or suggestion. ContactName and ContactPhone are personal
// data: stored encrypted, shown masked except to the hub and the office through an audited
// reveal. Code is the submitter's tracking code, shown only to the submitter.
type Complaint struct {
	ID            int64     `json:"id"`
	Code          string    `json:"code,omitempty"`
	Kind          string    `json:"kind"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	ContractID    int64     `json:"contract_id,omitempty"`
	ContractTitle string    `json:"contract_title,omitempty"`
	AboutHub      bool      `json:"about_hub"`
	Subject       string    `json:"subject"`
	Description   string    `json:"description"`
	Route         string    `json:"route"`
	OrgID         int64     `json:"org_id,omitempty"` // the provider it is routed to
	OrgName       string    `json:"org_name,omitempty"`
	State         string    `json:"state"`
	Escalation    int       `json:"escalation"` // 0 none, 1 to the hub, 2 to the street office
	DueAt         time.Time `json:"due_at"`
	EscalateAt    time.Time `json:"escalate_at"` // when it reaches level 2 if still unanswered
	EscalatedAt   time.Time `json:"escalated_at"`
	AnsweredAt    time.Time `json:"answered_at"` // the first answer
	Rating        int       `json:"rating"`      // 1–5, 0 before rating
	RatingComment string    `json:"rating_comment"`
	RatedAt       time.Time `json:"rated_at"`
	ContactName   string    `json:"contact_name"`
	ContactPhone  string    `json:"contact_phone"`
	PhoneMasked   bool      `json:"phone_masked"`
	UserID        int64     `json:"user_id,omitempty"` // the resident's account, if signed in
	Overdue       bool      `json:"overdue"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`

	Answers []ComplaintAnswer `json:"answers,omitempty"`
}

// ComplaintAnswer is an answer: round 1 by the assigned party, round 2 by the street office
// after a low rating.
type ComplaintAnswer struct {
	Round   int    `json:"round"`
	Body    string `json:"body"`
	Role    string `json:"role"`
	OrgName string `json:"org_name,omitempty"`
	// The answering office: the place of the purchaser or hub that answered (a province's, a
	// district's or a street's), or the provider's organization; pages name it from these
	// (江苏省民政厅, 葛塘街道办事处). Empty for answers recorded before they were kept.
	PlaceCode  string    `json:"place_code,omitempty"`
	PlaceName  string    `json:"place_name,omitempty"`
	PlaceLevel int       `json:"place_level,omitempty"`
	OrgID      int64     `json:"org_id,omitempty"`
	At         time.Time `json:"at"`
}

// ComplaintEvent is one line of a complaint's history.
type ComplaintEvent struct {
	At       time.Time `json:"at"`
	Action   string    `json:"action"` // submitted, answered, rated, reopened, routed, escalated, closed, revealed
	From     string    `json:"from"`
	To       string    `json:"to"`
	Username string    `json:"username"`
	Role     string    `json:"role"`
	Note     Note      `json:"note"` // the route, round, level, rating or reason, as data (NoteCodes)
}

// ComplaintMonth is the public aggregate of one month (by submission).
type ComplaintMonth struct {
	Month         string         `json:"month"` // YYYY-MM
	Total         int            `json:"total"`
	ByKind        map[string]int `json:"by_kind"`
	Answered      int            `json:"answered"`
	OnTime        int            `json:"on_time"`
	OnTimeRate    float64        `json:"on_time_rate"` // on time ÷ answered, 0 when none answered
	Rated         int            `json:"rated"`
	AverageRating float64        `json:"average_rating"`
}

// IsComplaintKind reports whether k is a known kind.
func IsComplaintKind(k string) bool { _, ok := ComplaintAnswerDays[k]; return ok }

// Validate checks a new complaint's own fields. anonymous requires the contact.
func (c *Complaint) Validate(anonymous bool) error {
	f := FieldErrors{}
	var r string
	if !IsComplaintKind(c.Kind) {
		f.Add("kind", "choice")
	}
	c.CommunityCode = strings.TrimSpace(c.CommunityCode)
	if c.CommunityCode == "" {
		f.Add("community_code", "required")
	}
	if c.Subject, r = CheckText(c.Subject, 100, true); r != "" {
		f.Add("subject", r)
	}
	if c.Description, r = CheckText(c.Description, 2000, true); r != "" {
		f.Add("description", r)
	}
	if c.ContactName, r = CheckText(c.ContactName, 50, anonymous); r != "" {
		f.Add("contact_name", r)
	}
	c.ContactPhone = strings.TrimSpace(c.ContactPhone)
	if c.ContactPhone == "" && anonymous {
		f.Add("contact_phone", "required")
	} else if r = ValidatePhone(c.ContactPhone); r != "" {
		f.Add("contact_phone", r)
	}
	return f.Err()
}

// PhoneDigits keeps the digits of a phone number: the form in which it is hashed and matched.
func PhoneDigits(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// PhoneLast4 returns the last four digits of a phone number.
func PhoneLast4(p string) string {
	d := PhoneDigits(p)
	if len(d) < 4 {
		return d
	}
	return d[len(d)-4:]
}

// MaskName keeps a name's first character: 张**.
func MaskName(n string) string {
	r := []rune(strings.TrimSpace(n))
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + strings.Repeat("*", max(len(r)-1, 1))
}

// ComplaintCodeAlphabet has no characters that are easy to confuse (0/O, 1/I/L).
const ComplaintCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// ComplaintCodeLen is the length of a tracking code: 31^10 ≈ 8×10^14 codes.
const ComplaintCodeLen = 10

// NormalizeComplaintCode upper-cases a typed code and drops spaces and dashes.
func NormalizeComplaintCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r != ' ' && r != '-' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Open reports whether a complaint waits for an answer.
func (c *Complaint) Open() bool { return c.State == ComplaintOpen || c.State == ComplaintReopened }

// IsOverdue reports whether a complaint waits for an answer past its deadline at now.
func (c *Complaint) IsOverdue(now time.Time) bool { return c.Open() && now.After(c.DueAt) }

// ComplaintDeadlines returns the answer deadline of a complaint of kind received at now and
// when it escalates to the street office if still unanswered: the deadline is midnight after
// the n-th working day (the day of receipt counts if it is a working day), level 2 follows
// ComplaintEscalateDays working days later.
func ComplaintDeadlines(cal *Calendar, now time.Time, days int) (due, escalate time.Time) {
	due = cal.NoticeEnd(now, days)
	return due, cal.NoticeEnd(due, ComplaintEscalateDays)
}

// CheckRating validates a rating and its comment.
func CheckRating(rating int, comment string) (string, error) {
	f := FieldErrors{}
	if rating < 1 || rating > 5 {
		f.Add("rating", "complaint.rating_range")
	}
	var r string
	if comment, r = CheckText(comment, 500, false); r != "" {
		f.Add("comment", r)
	}
	return comment, f.Err()
}
