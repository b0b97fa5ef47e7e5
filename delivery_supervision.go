// Monthly supervision and holding providers to account (docs/domain.md §5): the inspection
// every signed contract gets each month of its period, with progress against plan and the
// findings of a checklist; rectification orders (整改) raised from findings or talks, answered by
// the provider and verified by the inspector; one-to-one talks (约谈); joint meetings (联席会议)
// with action items tracked until done; and the monthly supervision report of a street, written
// from aggregates and published only when it holds no personal data.

package gongzhi

import (
	"strconv"
	"strings"
	"time"
)

// Inspection states.
const (
	InspectionDue  = "due"  // created for the month, not yet recorded
	InspectionDone = "done" // recorded by the inspector
)

// InspectionDueDay is the day of the month an inspection is due: the 25th, which leaves the
// last working days of the month for rectification orders and the monthly report.
const InspectionDueDay = 25

// Checklist results and severities.
const (
	CheckOK      = "ok"
	CheckFinding = "finding"

	SeverityMinor   = "minor"
	SeverityMajor   = "major"
	SeveritySerious = "serious"
)

// Severities in increasing order.
var Severities = []string{SeverityMinor, SeverityMajor, SeveritySerious}

// DefaultChecklist is what an inspector checks every month (message keys check.KEY).
var DefaultChecklist = []string{"ledger_true", "recipients_match", "evidence_complete", "staffing", "funds_compliant",
	"on_plan", "satisfaction", "safety"}

// CheckItem is one line of an inspection's checklist.
type CheckItem struct {
	Key      string `json:"key"`
	Result   string `json:"result"`             // ok or finding
	Severity string `json:"severity,omitempty"` // for a finding: minor, major, serious
	Note     string `json:"note,omitempty"`
}

// Inspection is the monthly supervision visit of one contract.
type Inspection struct {
	ID            int64       `json:"id"`
	ContractID    int64       `json:"contract_id"`
	ContractTitle string      `json:"contract_title"`
	OrgID         int64       `json:"org_id"`
	ProviderName  string      `json:"provider_name"`
	PlaceCode     string      `json:"place_code"`
	Month         string      `json:"month"`  // YYYY-MM
	DueOn         string      `json:"due_on"` // YYYY-MM-DD
	State         string      `json:"state"`
	Overdue       bool        `json:"overdue"` // computed: due and past its day
	ProgressPct   int         `json:"progress_pct"`
	Progress      string      `json:"progress"`
	Difficulties  string      `json:"difficulties"`
	Results       string      `json:"results"`
	Checklist     []CheckItem `json:"checklist"`
	InspectedOn   string      `json:"inspected_on"`
	Inspector     string      `json:"inspector"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
}

// Findings counts the checklist's findings.
func (in *Inspection) Findings() int {
	n := 0
	for _, c := range in.Checklist {
		if c.Result == CheckFinding {
			n++
		}
	}
	return n
}

// InspectionRecord is what the inspector records.
type InspectionRecord struct {
	InspectedOn  string      `json:"inspected_on"`
	ProgressPct  int         `json:"progress_pct"`
	Progress     string      `json:"progress"`
	Difficulties string      `json:"difficulties"`
	Results      string      `json:"results"`
	Checklist    []CheckItem `json:"checklist"`
}

// Validate normalizes and checks a record: every checklist key once, from the default list; a
// finding needs a severity and a note.
func (r *InspectionRecord) Validate() error {
	f := FieldErrors{}
	if _, ok := ParseDate(r.InspectedOn); !ok {
		f.Add("inspected_on", "date.format")
	}
	if r.ProgressPct < 0 || r.ProgressPct > 100 {
		f.Add("progress_pct", "range:0–100")
	}
	for _, p := range []struct {
		name string
		v    *string
		req  bool
	}{{"progress", &r.Progress, true}, {"difficulties", &r.Difficulties, false}, {"results", &r.Results, false}} {
		var reason string
		if *p.v, reason = CheckText(*p.v, 2000, p.req); reason != "" {
			f.Add(p.name, reason)
		}
	}
	seen := map[string]bool{}
	for i, c := range r.Checklist {
		name := "checklist." + strconv.Itoa(i)
		c.Note = strings.TrimSpace(c.Note)
		r.Checklist[i].Note = c.Note
		switch {
		case !isCheckKey(c.Key) || seen[c.Key]:
			f.Add(name, "check.unknown")
		case c.Result == CheckOK:
			r.Checklist[i].Severity = ""
		case c.Result == CheckFinding:
			if !isSeverity(c.Severity) {
				f.Add(name+".severity", "required")
			}
			if c.Note == "" {
				f.Add(name+".note", "required")
			}
		default:
			f.Add(name, "check.result")
		}
		if _, reason := CheckText(c.Note, 500, false); reason != "" {
			f.Add(name+".note", reason)
		}
		seen[c.Key] = true
	}
	return f.Err()
}

func isCheckKey(k string) bool {
	for _, x := range DefaultChecklist {
		if x == k {
			return true
		}
	}
	return false
}

func isSeverity(s string) bool {
	for _, x := range Severities {
		if x == s {
			return true
		}
	}
	return false
}

// MonthDueOn is the due date of a month's inspection.
func MonthDueOn(month string) string { return month + "-" + strconv.Itoa(InspectionDueDay) }

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01", strings.TrimSpace(s), ChinaTime)
	return t, err == nil
}

// MonthOf is the YYYY-MM of a time in China Standard Time.
func MonthOf(t time.Time) string { return t.In(ChinaTime).Format("2006-01") }

// PeriodCovers reports whether a contract period [start, end] (YYYY-MM-DD) overlaps month.
func PeriodCovers(start, end, month string) bool {
	if len(start) < 7 || len(end) < 7 {
		return false
	}
	return start[:7] <= month && month <= end[:7]
}

// EvidenceExts are the kinds of evidence file accepted: pictures and PDF only.
var EvidenceExts = []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf"}

// IsContentHash reports whether s looks like a SHA-256 in lowercase hex.
func IsContentHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Rectification states: open (waiting for the provider), answered (waiting for verification),
// closed (verified). Reopening sends an answered order back to open with a reason.
const (
	RectOpen     = "open"
	RectAnswered = "answered"
	RectClosed   = "closed"
)

// Rectification is an order to put a finding right by a deadline.
type Rectification struct {
	ID            int64     `json:"id"`
	InspectionID  int64     `json:"inspection_id,omitempty"`
	CheckKey      string    `json:"check_key,omitempty"`
	TalkID        int64     `json:"talk_id,omitempty"`
	ContractID    int64     `json:"contract_id"`
	ContractTitle string    `json:"contract_title"`
	OrgID         int64     `json:"org_id"`
	ProviderName  string    `json:"provider_name"`
	PlaceCode     string    `json:"place_code"`
	Month         string    `json:"month"`
	Severity      string    `json:"severity"`
	Requirement   string    `json:"requirement"`
	Deadline      string    `json:"deadline"`
	State         string    `json:"state"`
	Escalated     bool      `json:"escalated"`
	Overdue       bool      `json:"overdue"` // computed: not closed and past its deadline
	Answer        string    `json:"answer"`
	Evidence      []string  `json:"evidence"` // content hashes of evidence files (image or PDF)
	AnsweredAt    time.Time `json:"answered_at,omitzero"`
	ReopenReason  string    `json:"reopen_reason"`
	VerifiedBy    string    `json:"verified_by"`
	ClosedAt      time.Time `json:"closed_at,omitzero"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// RectificationOrder is what raises an order.
type RectificationOrder struct {
	CheckKey    string `json:"check_key"`
	Requirement string `json:"requirement"`
	Deadline    string `json:"deadline"`
	Severity    string `json:"severity"`
}

// Validate checks an order: a requirement and a deadline not before today.
func (o *RectificationOrder) Validate(today string) error {
	f := FieldErrors{}
	var reason string
	if o.Requirement, reason = CheckText(o.Requirement, 2000, true); reason != "" {
		f.Add("requirement", reason)
	}
	if _, ok := ParseDate(o.Deadline); !ok {
		f.Add("deadline", "date.format")
	} else if o.Deadline < today {
		f.Add("deadline", "rect.deadline_past")
	}
	if o.Severity == "" {
		o.Severity = SeverityMinor
	}
	if !isSeverity(o.Severity) {
		f.Add("severity", "check.result")
	}
	return f.Err()
}

// Attendee is a person at a talk or a meeting: a name, a role or position, and the organization.
type Attendee struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	OrgID int64  `json:"org_id,omitempty"`
}

// ParseAttendees reads one attendee a line, "name, role" or "name，role".
func ParseAttendees(text string) []Attendee {
	var out []Attendee
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		line = strings.ReplaceAll(line, "，", ",")
		name, role, _ := strings.Cut(line, ",")
		out = append(out, Attendee{Name: strings.TrimSpace(name), Role: strings.TrimSpace(role)})
	}
	return out
}

func checkAttendees(f FieldErrors, as []Attendee, required bool) {
	if required && len(as) == 0 {
		f.Add("attendees", "required")
	}
	if len(as) > 100 {
		f.Add("attendees", "sup.too_many:100")
	}
	for i, a := range as {
		if _, r := CheckText(a.Name, 50, true); r != "" {
			f.Add("attendees."+strconv.Itoa(i), r)
		}
		if _, r := CheckText(a.Role, 100, false); r != "" {
			f.Add("attendees."+strconv.Itoa(i), r)
		}
	}
}

// Talk is a one-to-one talk (约谈) with a provider about a contract.
type Talk struct {
	ID              int64      `json:"id"`
	Date            string     `json:"date"`
	ContractID      int64      `json:"contract_id"`
	ContractTitle   string     `json:"contract_title"`
	OrgID           int64      `json:"org_id"`
	ProviderName    string     `json:"provider_name"`
	PlaceCode       string     `json:"place_code"`
	Attendees       []Attendee `json:"attendees"`
	Reason          string     `json:"reason"`
	Conclusions     string     `json:"conclusions"`
	RectificationID int64      `json:"rectification_id,omitempty"`
	CreatedBy       string     `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
}

// TalkInput records a talk, optionally with a follow-up rectification order.
type TalkInput struct {
	Date        string     `json:"date"`
	ContractID  int64      `json:"contract_id"`
	Attendees   []Attendee `json:"attendees"`
	Reason      string     `json:"reason"`
	Conclusions string     `json:"conclusions"`
	Requirement string     `json:"requirement"` // a follow-up order when not empty
	Deadline    string     `json:"deadline"`
}

// Validate checks a talk.
func (t *TalkInput) Validate() error {
	f := FieldErrors{}
	if _, ok := ParseDate(t.Date); !ok {
		f.Add("date", "date.format")
	}
	if t.ContractID <= 0 {
		f.Add("contract_id", "required")
	}
	checkAttendees(f, t.Attendees, true)
	var r string
	if t.Reason, r = CheckText(t.Reason, 2000, true); r != "" {
		f.Add("reason", r)
	}
	if t.Conclusions, r = CheckText(t.Conclusions, 4000, true); r != "" {
		f.Add("conclusions", r)
	}
	return f.Err()
}

// Meeting action states.
const (
	ActionOpen = "open"
	ActionDone = "done"
)

// Meeting is a joint meeting (联席会议) of the street office, the hub and providers.
type Meeting struct {
	ID        int64            `json:"id"`
	PlaceCode string           `json:"place_code"`
	Date      string           `json:"date"`
	Title     string           `json:"title"`
	Venue     string           `json:"venue"`
	Attendees []Attendee       `json:"attendees"`
	OrgIDs    []int64          `json:"org_ids"` // organizations that attended
	Minutes   string           `json:"minutes"`
	Decisions string           `json:"decisions"`
	Actions   []*MeetingAction `json:"actions"`
	CreatedBy string           `json:"created_by"`
	CreatedAt time.Time        `json:"created_at"`
}

// MeetingAction is an action item of a meeting with its owner and deadline.
type MeetingAction struct {
	ID           int64     `json:"id"`
	MeetingID    int64     `json:"meeting_id"`
	MeetingTitle string    `json:"meeting_title,omitempty"`
	Text         string    `json:"text"`
	OwnerOrgID   int64     `json:"owner_org_id,omitempty"`
	OwnerOrgName string    `json:"owner_org_name,omitempty"`
	OwnerName    string    `json:"owner_name,omitempty"` // a named person, when not an organization
	Deadline     string    `json:"deadline"`
	State        string    `json:"state"`
	Overdue      bool      `json:"overdue"`
	Note         string    `json:"note"`
	DoneAt       time.Time `json:"done_at,omitzero"`
	DoneBy       string    `json:"done_by"`
}

// MeetingInput records a meeting.
type MeetingInput struct {
	Date      string        `json:"date"`
	Title     string        `json:"title"`
	Venue     string        `json:"venue"`
	Attendees []Attendee    `json:"attendees"`
	OrgIDs    []int64       `json:"org_ids"`
	Minutes   string        `json:"minutes"`
	Decisions string        `json:"decisions"`
	Actions   []ActionInput `json:"actions"`
}

// ActionInput is one action item to add.
type ActionInput struct {
	Text       string `json:"text"`
	OwnerOrgID int64  `json:"owner_org_id"`
	OwnerName  string `json:"owner_name"`
	Deadline   string `json:"deadline"`
}

// Validate checks an action item: a text, an owner (an organization or a named person) and a
// deadline.
func (x *ActionInput) Validate(f FieldErrors, prefix string) {
	var r string
	if x.Text, r = CheckText(x.Text, 1000, true); r != "" {
		f.Add(prefix+"text", r)
	}
	if x.OwnerName, r = CheckText(x.OwnerName, 50, false); r != "" {
		f.Add(prefix+"owner_name", r)
	}
	if x.OwnerOrgID == 0 && x.OwnerName == "" {
		f.Add(prefix+"owner", "required")
	}
	if _, ok := ParseDate(x.Deadline); !ok {
		f.Add(prefix+"deadline", "date.format")
	}
}

// Validate checks a meeting.
func (m *MeetingInput) Validate() error {
	f := FieldErrors{}
	if _, ok := ParseDate(m.Date); !ok {
		f.Add("date", "date.format")
	}
	var r string
	if m.Title, r = CheckText(m.Title, 200, true); r != "" {
		f.Add("title", r)
	}
	if m.Venue, r = CheckText(m.Venue, 200, false); r != "" {
		f.Add("venue", r)
	}
	if m.Minutes, r = CheckText(m.Minutes, 20000, true); r != "" {
		f.Add("minutes", r)
	}
	if m.Decisions, r = CheckText(m.Decisions, 10000, false); r != "" {
		f.Add("decisions", r)
	}
	checkAttendees(f, m.Attendees, false)
	for i := range m.Actions {
		m.Actions[i].Validate(f, "actions."+strconv.Itoa(i)+".")
	}
	return f.Err()
}

// Report states.
const (
	ReportDraft     = "draft"
	ReportPublished = "published"
)

// ReportFigures are the aggregates a monthly supervision report is written from.
type ReportFigures struct {
	Contracts          int            `json:"contracts"`
	InspectionsDue     int            `json:"inspections_due"`
	InspectionsDone    int            `json:"inspections_done"`
	InspectionsOverdue int            `json:"inspections_overdue"`
	AvgProgressPct     int            `json:"avg_progress_pct"`
	Findings           int            `json:"findings"`
	FindingsByCheck    map[string]int `json:"findings_by_check"`
	FindingsBySeverity map[string]int `json:"findings_by_severity"`
	RectRaised         int            `json:"rect_raised"`
	RectClosed         int            `json:"rect_closed"`
	RectOpen           int            `json:"rect_open"`
	RectEscalated      int            `json:"rect_escalated"`
	Talks              int            `json:"talks"`
	Meetings           int            `json:"meetings"`
	ActionsDue         int            `json:"actions_due"`
	ActionsDone        int            `json:"actions_done"`
	ActionsOverdue     int            `json:"actions_overdue"`
	ByContract         []ReportLine   `json:"by_contract"`
}

// ReportLine is one contract in a report: its title and provider (organizations, never people),
// progress and findings.
type ReportLine struct {
	ContractTitle string `json:"contract_title"`
	ProviderName  string `json:"provider_name"`
	State         string `json:"state"`
	ProgressPct   int    `json:"progress_pct"`
	Findings      int    `json:"findings"`
	RectOpen      int    `json:"rect_open"`
}

// SupervisionReport is the monthly supervision report of a street.
type SupervisionReport struct {
	ID          int64         `json:"id"`
	PlaceCode   string        `json:"place_code"`
	PlaceName   string        `json:"place_name"`
	Month       string        `json:"month"`
	State       string        `json:"state"`
	Title       string        `json:"title"`
	Body        string        `json:"body"` // the narrative, editable until published
	Figures     ReportFigures `json:"figures"`
	GeneratedAt time.Time     `json:"generated_at"`
	GeneratedBy string        `json:"generated_by"`
	PublishedAt time.Time     `json:"published_at,omitzero"`
	PublishedBy string        `json:"published_by,omitempty"`
}
