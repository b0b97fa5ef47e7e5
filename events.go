// Grid events (事件, docs/events.md, docs/events.md): what a grid worker or a resident reports
// and the street runs through the seven steps of the urban-grid workflow (GB/T 30428): collect →
// register (立案) → dispatch → handle and report back → verify → close → evaluate.

package gongzhi

import (
	"math"
	"strings"
	"time"
)

// States of an event.
const (
	EventCollected  = "collected"  // reported, waiting to be registered (立案) or rejected
	EventRejected   = "rejected"   // not registered, with a reason (final)
	EventRegistered = "registered" // registered, waiting to be dispatched (or sent back by a department)
	EventHandling   = "handling"   // dispatched to a department, or to be solved in the grid
	EventHandled    = "handled"    // handled and reported back with evidence, waiting for verification on site
	EventVerified   = "verified"   // verified on site by the grid worker, waiting to be closed
	EventClosed     = "closed"     // closed by the centre; the reporter may evaluate it once
)

// EventStates lists the states in workflow order.
var EventStates = []string{EventCollected, EventRegistered, EventHandling, EventHandled, EventVerified, EventClosed, EventRejected}

// EventOpen reports whether an event still moves (neither closed nor rejected).
func EventOpen(state string) bool { return state != EventClosed && state != EventRejected }

// Sources of an event.
const (
	SourcePatrol  = "patrol"  // a grid worker's patrol
	SourceOnline  = "online"  // a resident online (the report page, a signed-in resident)
	SourcePhone   = "phone"   // a resident by phone, recorded by staff
	SourceHotline = "hotline" // a 12345 hotline work order transferred (imported from Excel)
	SourceOpen311 = "open311" // an Open311 GeoReport v2 client
	SourceVisit   = "visit"   // a household visit's finding
	SourceTopic   = "topic"   // a consultation topic
)

// EventSources lists the sources.
var EventSources = []string{SourcePatrol, SourceOnline, SourcePhone, SourceHotline, SourceOpen311, SourceVisit, SourceTopic}

// Urgencies of a category.
const (
	UrgencyNormal   = "normal"
	UrgencyUrgent   = "urgent"
	UrgencyCritical = "critical"
)

// EventUrgencies lists the urgencies.
var EventUrgencies = []string{UrgencyNormal, UrgencyUrgent, UrgencyCritical}

// Working hours of the office day that deadlines count (China time), and the working hours each
// step other than handling gets: register within a working day, dispatch within half a day,
// verify on site within a working day, close within a working day.
const (
	WorkdayStartHour = 9
	WorkdayEndHour   = 17
	RegisterHours    = 8
	DispatchHours    = 4
	VerifyHours      = 8
	CloseHours       = 8
	// EscalateStepHours: an overdue step goes to the community at its deadline, to the street
	// this many working hours later, to the district department as many again.
	EscalateStepHours = 8
)

// Escalation levels of an overdue event.
const (
	EscalationGrid      = 0
	EscalationCommunity = 1
	EscalationStreet    = 2
	EscalationDistrict  = 3
)

// EventCodeLen is the length of an event's tracking code (ComplaintCodeAlphabet).
const EventCodeLen = 10

// Department is a functional department (职能部门) of a street or a district.
type Department struct {
	ID         int64     `json:"id"`
	PlaceCode  string    `json:"place_code"`
	PlaceName  string    `json:"place_name"`
	Name       string    `json:"name"`
	Phone      string    `json:"phone"`
	Categories []int64   `json:"categories"` // the categories it handles besides those it is responsible for
	UpdatedAt  time.Time `json:"updated_at"`
}

// Validate checks a department's own fields.
func (d *Department) Validate() error {
	f := FieldErrors{}
	var r string
	if d.Name, r = CheckText(d.Name, 100, true); r != "" {
		f.Add("name", r)
	}
	if d.PlaceCode == "" {
		f.Add("place_code", "required")
	}
	if r = ValidatePhone(d.Phone); d.Phone != "" && r != "" {
		f.Add("phone", r)
	}
	return f.Err()
}

// EventCategory is a kind of event with its responsible department, handling deadline and urgency.
type EventCategory struct {
	ID             int64     `json:"id"`
	Code           string    `json:"code"`
	Name           string    `json:"name"`
	NameEn         string    `json:"name_en"`
	DepartmentID   int64     `json:"department_id"`
	DepartmentName string    `json:"department_name"`
	DeadlineHours  int       `json:"deadline_hours"` // working hours to handle it
	Urgency        string    `json:"urgency"`
	Active         bool      `json:"active"`
	Position       int       `json:"position"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Validate checks a category's own fields.
func (c *EventCategory) Validate() error {
	f := FieldErrors{}
	var r string
	if c.Name, r = CheckText(c.Name, 50, true); r != "" {
		f.Add("name", r)
	}
	if c.NameEn, r = CheckText(c.NameEn, 100, false); r != "" {
		f.Add("name_en", r)
	}
	if c.Code, r = CheckText(c.Code, 40, true); r != "" {
		f.Add("code", r)
	} else if !validUsername(c.Code) {
		f.Add("code", "event.code_format")
	}
	if c.DeadlineHours < 1 || c.DeadlineHours > 2000 {
		f.Add("deadline_hours", "event.deadline_range")
	}
	if !eventOneOf(c.Urgency, EventUrgencies) {
		f.Add("urgency", "choice")
	}
	return f.Err()
}

func eventOneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Event is a grid event.
type Event struct {
	ID             int64       `json:"id"`
	Code           string      `json:"code,omitempty"` // tracking code: shown to its reporter and staff
	Source         string      `json:"source"`
	SourceRef      string      `json:"source_ref"` // the 12345 work order number, the visit, the topic, the Open311 token
	CategoryID     int64       `json:"category_id"`
	CategoryCode   string      `json:"category_code"`
	CategoryName   string      `json:"category_name"`
	Urgency        string      `json:"urgency"`
	CommunityCode  string      `json:"community_code"`
	CommunityName  string      `json:"community_name"`
	GridID         int64       `json:"grid_id"`
	GridName       string      `json:"grid_name"`
	HouseholdID    int64       `json:"household_id"`
	Address        string      `json:"address"`
	Lat            *float64    `json:"lat"`
	Lon            *float64    `json:"lon"`
	Title          string      `json:"title"`
	Description    string      `json:"description"`
	MediaURL       string      `json:"media_url"`
	State          string      `json:"state"`
	DepartmentID   int64       `json:"department_id"`
	DepartmentName string      `json:"department_name"`
	InGrid         bool        `json:"in_grid"`
	StepStartedAt  time.Time   `json:"step_started_at"`
	StepDueAt      time.Time   `json:"step_due_at"`
	DueAt          time.Time   `json:"due_at"` // the handling deadline, once dispatched
	Escalation     int         `json:"escalation"`
	EscalatedAt    time.Time   `json:"escalated_at"`
	Overdue        bool        `json:"overdue"`
	Returns        int         `json:"returns"`
	Reopens        int         `json:"reopens"`
	ReporterUserID int64       `json:"reporter_user_id"`
	ReporterName   string      `json:"reporter_name"`  // masked except for its reporter and the centre
	ReporterPhone  string      `json:"reporter_phone"` // masked except for its reporter
	CreatedBy      int64       `json:"created_by"`
	RegisteredAt   time.Time   `json:"registered_at"`
	DispatchedAt   time.Time   `json:"dispatched_at"`
	HandledAt      time.Time   `json:"handled_at"`
	VerifiedAt     time.Time   `json:"verified_at"`
	ClosedAt       time.Time   `json:"closed_at"`
	Rating         int         `json:"rating"`
	RatingComment  string      `json:"rating_comment"`
	RatedAt        time.Time   `json:"rated_at"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
	Files          []EventFile `json:"files,omitempty"`
}

// IsOverdue reports whether an open event's current step is past its deadline at now.
func (e *Event) IsOverdue(now time.Time) bool { return EventOpen(e.State) && now.After(e.StepDueAt) }

// EventFile is a photo of an event.
type EventFile struct {
	ID          int64     `json:"id"`
	Step        string    `json:"step"` // collected, handled, verified
	SHA256      string    `json:"sha256"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	At          time.Time `json:"at"`
}

// EventStep is a line of an event's history: every step timed.
type EventStep struct {
	At       time.Time `json:"at"`
	Action   string    `json:"action"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Username string    `json:"username"`
	Role     string    `json:"role"`
	Seconds  int64     `json:"seconds"` // how long the state it left had lasted
	OnTime   bool      `json:"on_time"`
	Note     Note      `json:"note"`
}

// PublicEvent is what anyone sees of an event: nothing personal.
type PublicEvent struct {
	ID            int64     `json:"id"`
	CategoryName  string    `json:"category_name"`
	CommunityName string    `json:"community_name"`
	GridName      string    `json:"grid_name"`
	Title         string    `json:"title"`
	State         string    `json:"state"`
	CreatedAt     time.Time `json:"created_at"`
	ClosedAt      time.Time `json:"closed_at"`
	Rating        int       `json:"rating"`
}

// GridEvents are the events of a grid as its grid page shows them: how many are still moving,
// how many of those have their current step overdue, and the latest ones.
type GridEvents struct {
	Open    int      `json:"open"`
	Overdue int      `json:"overdue"`
	Latest  []*Event `json:"latest"`
}

// NewEvent is what a report gives: everything else is the workflow's.
type NewEvent struct {
	Source        string   `json:"source"`
	SourceRef     string   `json:"source_ref"`
	CategoryID    int64    `json:"category_id"`
	CategoryCode  string   `json:"category_code"` // instead of category_id
	CommunityCode string   `json:"community_code"`
	GridID        int64    `json:"grid_id"`
	HouseholdID   int64    `json:"household_id"`
	Address       string   `json:"address"`
	Lat           *float64 `json:"lat"`
	Lon           *float64 `json:"lon"`
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	MediaURL      string   `json:"media_url"`
	ReporterName  string   `json:"reporter_name"`
	ReporterPhone string   `json:"reporter_phone"`
}

// Validate checks a report's own fields: a source, a title, a place (grid or community, or an
// address), coordinates in range and both or neither.
func (n *NewEvent) Validate() error {
	f := FieldErrors{}
	var r string
	if !eventOneOf(n.Source, EventSources) {
		f.Add("source", "choice")
	}
	if n.SourceRef, r = CheckText(n.SourceRef, 100, false); r != "" {
		f.Add("source_ref", r)
	}
	if n.Title, r = CheckText(n.Title, 100, true); r != "" {
		f.Add("title", r)
	}
	if n.Description, r = CheckText(n.Description, 2000, false); r != "" {
		f.Add("description", r)
	}
	if n.Address, r = CheckText(n.Address, 200, false); r != "" {
		f.Add("address", r)
	}
	if n.CategoryID == 0 && n.CategoryCode == "" {
		f.Add("category_id", "required")
	}
	if n.GridID == 0 && n.CommunityCode == "" {
		f.Add("community_code", "required")
	}
	if (n.Lat == nil) != (n.Lon == nil) {
		f.Add("lat", "event.coordinates_both")
	} else if n.Lat != nil && (math.IsNaN(*n.Lat) || *n.Lat < -90 || *n.Lat > 90) {
		f.Add("lat", "event.lat_range")
	} else if n.Lon != nil && (math.IsNaN(*n.Lon) || *n.Lon < -180 || *n.Lon > 180) {
		f.Add("lon", "event.lon_range")
	}
	if n.MediaURL, r = CheckText(n.MediaURL, 500, false); r != "" {
		f.Add("media_url", r)
	} else if n.MediaURL != "" && !strings.HasPrefix(n.MediaURL, "http://") && !strings.HasPrefix(n.MediaURL, "https://") {
		f.Add("media_url", "event.media_url")
	}
	if n.ReporterName, r = CheckText(n.ReporterName, 50, false); r != "" {
		f.Add("reporter_name", r)
	}
	if n.ReporterPhone != "" {
		if r = ValidatePhone(n.ReporterPhone); r != "" {
			f.Add("reporter_phone", r)
		}
	}
	return f.Err()
}

// WorkingDeadline returns the moment n working hours after start on the office calendar:
// working days from WorkdayStartHour to WorkdayEndHour, China time. A start outside working
// hours counts from the next working hour.
func WorkingDeadline(cal *Calendar, start time.Time, hours int) time.Time {
	t := start.In(ChinaTime)
	left := time.Duration(hours) * time.Hour
	for i := 0; i < 3660; i++ {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, ChinaTime)
		open, shut := day.Add(WorkdayStartHour*time.Hour), day.Add(WorkdayEndHour*time.Hour)
		if !cal.IsWorkday(day) || !t.Before(shut) {
			t = day.AddDate(0, 0, 1).Add(WorkdayStartHour * time.Hour)
			continue
		}
		if t.Before(open) {
			t = open
		}
		if avail := shut.Sub(t); left <= avail {
			return t.Add(left)
		} else {
			left -= avail
		}
		t = day.AddDate(0, 0, 1).Add(WorkdayStartHour * time.Hour)
	}
	return t
}

// Event note codes (the history's notes, docs/events.md).
func init() {
	NoteCodes["event_source"] = []string{ArgCode + "event.source."}        // reported, from this source
	NoteCodes["event_dept"] = []string{ArgText}                            // dispatched to this department
	NoteCodes["event_in_grid"] = []string{}                                // dispatched to be solved in the grid
	NoteCodes["event_escalated"] = []string{ArgCode + "event.escalation."} // escalated to this level
	NoteCodes["event_rating"] = []string{ArgCount}                         // evaluated with this many stars
}
