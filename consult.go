// Resident consultation (议事协商, docs/consultation.md): a community's bodies (一委三会 and other
// councils) with their members, topics (议题) raised and answered within a deadline in working
// days, residents' comments, counter-proposals and supports, meetings with their attendance,
// speakers, proposals and minutes, and idea contests (金点子).

package gongzhi

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Kinds of bodies: the four of 一委三会, then other councils.
const (
	BodyParty        = "party_committee"     // 党组织 / 党委
	BodyDeliberation = "deliberation"        // 议事委员会
	BodyResidents    = "residents_committee" // 居民委员会
	BodySupervision  = "supervision"         // 监督委员会
	BodyBuilding     = "building_council"    // 楼栋议事会
	BodyOwners       = "owners_committee"    // 业主委员会
	BodyVillagerReps = "villager_reps"       // 村民代表会议
	BodyOther        = "other"
)

// BodyKinds lists the kinds of bodies in display order.
var BodyKinds = []string{BodyParty, BodyDeliberation, BodyResidents, BodySupervision, BodyBuilding, BodyOwners, BodyVillagerReps, BodyOther}

// MemberRoles are the roles a member holds in a body: 主任, 副主任, 委员, 居民代表, 楼栋长.
var MemberRoles = []string{"director", "deputy", "member", "resident_rep", "building_head"}

// Body is a committee or council of a community.
type Body struct {
	ID        int64     `json:"id"`
	PlaceCode string    `json:"place_code"`
	PlaceName string    `json:"place_name"`
	Kind      string    `json:"kind"`
	Name      string    `json:"name"`
	Notes     string    `json:"notes"`
	Members   int       `json:"members"` // serving today
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks a body's own fields.
func (b *Body) Validate() error {
	f := FieldErrors{}
	if !slices.Contains(BodyKinds, b.Kind) {
		f.Add("kind", "consult.kind_invalid")
	}
	var r string
	if b.Name, r = CheckText(b.Name, 100, true); r != "" {
		f.Add("name", r)
	}
	if b.Notes, r = CheckText(b.Notes, 2000, false); r != "" {
		f.Add("notes", r)
	}
	return f.Err()
}

// Member is a person of the registry serving on a body for a term.
type Member struct {
	ID         int64     `json:"id"`
	BodyID     int64     `json:"body_id"`
	PersonID   int64     `json:"person_id"`
	PersonName string    `json:"person_name"`
	Role       string    `json:"role"`
	TermFrom   string    `json:"term_from"`  // YYYY-MM-DD
	TermUntil  string    `json:"term_until"` // YYYY-MM-DD, "" while serving
	CreatedAt  time.Time `json:"created_at"`
}

// Validate checks a member's own fields.
func (m *Member) Validate() error {
	f := FieldErrors{}
	if m.PersonID <= 0 {
		f.Add("person_id", "required")
	}
	if !slices.Contains(MemberRoles, m.Role) {
		f.Add("role", "consult.role_invalid")
	}
	if _, err := time.Parse(time.DateOnly, m.TermFrom); err != nil {
		f.Add("term_from", "date.format")
	}
	if m.TermUntil != "" {
		if _, err := time.Parse(time.DateOnly, m.TermUntil); err != nil {
			f.Add("term_until", "date.format")
		} else if m.TermUntil < m.TermFrom {
			f.Add("term_until", "consult.term_order")
		}
	}
	return f.Err()
}

// Where topics come from, and their states.
const (
	TopicFromResident  = "resident"  // a signed-in resident
	TopicFromPaper     = "paper"     // a resident on paper, entered by community staff
	TopicFromGrid      = "grid"      // a grid worker
	TopicFromCommittee = "committee" // a body of the community
	TopicFromNeed      = "need"      // a resident's need (the purchase workflow's needs)

	TopicRaised   = "raised"
	TopicAccepted = "accepted" // 受理: under deliberation
	TopicMerged   = "merged"
	TopicDeclined = "declined"
	TopicVoting   = "voting"
	TopicDecided  = "decided"
	TopicClosed   = "closed"
)

// TopicSources lists where topics come from.
var TopicSources = []string{TopicFromResident, TopicFromPaper, TopicFromGrid, TopicFromCommittee, TopicFromNeed}

// TopicStates lists the states of a topic.
var TopicStates = []string{TopicRaised, TopicAccepted, TopicMerged, TopicDeclined, TopicVoting, TopicDecided, TopicClosed}

// TopicAnswerDays is how many working days the deliberation committee has to answer a topic
// (accept, merge or decline), counted from the day it is raised (docs/consultation.md).
const TopicAnswerDays = 5

// DeclineReasons are the codes a topic is declined with; "other" takes the committee's words as
// its argument.
var DeclineReasons = []string{"private_matter", "not_community", "unlawful", "duplicate", "insufficient", "other"}

// Reason is a refusal or a decision's reason as stored: a message code with its arguments, never
// a sentence (the pages translate it).
type Reason struct {
	Code string   `json:"code"`
	Args []string `json:"args,omitempty"`
}

// Key is the reason as a message key with its arguments ("code:arg1:arg2").
func (r Reason) Key() string {
	if len(r.Args) == 0 {
		return r.Code
	}
	return r.Code + ":" + strings.Join(r.Args, ":")
}

// Encode is the reason as stored.
func (r Reason) Encode() string {
	if r.Code == "" {
		return ""
	}
	b, _ := json.Marshal(r)
	return string(b)
}

// DecodeReason reads a stored reason ("" for none).
func DecodeReason(s string) Reason {
	var r Reason
	if s != "" {
		_ = json.Unmarshal([]byte(s), &r)
	}
	return r
}

// Topic is a matter raised for deliberation in a community.
type Topic struct {
	ID           int64      `json:"id"`
	PlaceCode    string     `json:"place_code"`
	PlaceName    string     `json:"place_name"`
	Title        string     `json:"title"`
	Body         string     `json:"body"`
	Source       string     `json:"source"`
	RaisedBy     string     `json:"raised_by"` // the resident's name, masked (张*); "" for staff and committees
	PersonID     int64      `json:"-"`
	UserID       int64      `json:"-"`
	NeedID       int64      `json:"need_id,omitempty"`
	BodyID       int64      `json:"body_id,omitempty"`
	BodyName     string     `json:"body_name,omitempty"`
	State        string     `json:"state"`
	AcceptBy     string     `json:"accept_by"` // the last working day of the committee's answer
	MergedInto   int64      `json:"merged_into,omitempty"`
	Reason       Reason     `json:"reason"`
	Supports     int        `json:"supports"`
	Comments     int        `json:"comments"` // visible ones
	Overdue      bool       `json:"overdue"`  // still unanswered after AcceptBy
	AnsweredLate bool       `json:"answered_late"`
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Validate checks a topic's own fields.
func (t *Topic) Validate() error {
	f := FieldErrors{}
	var r string
	if t.Title, r = CheckText(t.Title, 100, true); r != "" {
		f.Add("title", r)
	}
	if t.Body, r = CheckText(t.Body, 5000, false); r != "" {
		f.Add("body", r)
	}
	if !slices.Contains(TopicSources, t.Source) {
		f.Add("source", "consult.source_invalid")
	}
	return f.Err()
}

// Open reports whether a topic still takes comments and supports.
func (t *Topic) Open() bool { return t.State == TopicRaised || t.State == TopicAccepted }

// Comment kinds.
const (
	CommentPlain    = "comment"
	CommentProposal = "proposal" // a counter-proposal
)

// Comment is a resident's comment or counter-proposal on a topic. A hidden one keeps its text
// for staff; others see only that it was hidden, and why.
type Comment struct {
	ID           int64     `json:"id"`
	TopicID      int64     `json:"topic_id"`
	Author       string    `json:"author"` // masked name
	PersonID     int64     `json:"-"`
	Kind         string    `json:"kind"`
	Body         string    `json:"body"`
	Hidden       bool      `json:"hidden"`
	HiddenReason Reason    `json:"hidden_reason"`
	CreatedAt    time.Time `json:"created_at"`
}

// ModerationReasons are the codes a comment is hidden with.
var ModerationReasons = []string{"abuse", "personal_data", "off_topic", "advertising", "other"}

// Kinds and states of meetings.
const (
	MeetingDeliberation = "deliberation" // 议事会
	MeetingHearing      = "hearing"      // 听证会
	MeetingReview       = "review"       // 评议会
	MeetingDialogue     = "dialogue"     // 恳谈会

	MeetingPlanned   = "planned"
	MeetingOpen      = "open" // sign-in running
	MeetingHeld      = "held" // minutes recorded
	MeetingCancelled = "cancelled"
)

// MeetingKinds lists the kinds of meetings.
var MeetingKinds = []string{MeetingDeliberation, MeetingHearing, MeetingReview, MeetingDialogue}

// ConsultMeeting is a meeting of a community, perhaps of one body and on one topic.
type ConsultMeeting struct {
	ID         int64     `json:"id"`
	PlaceCode  string    `json:"place_code"`
	PlaceName  string    `json:"place_name"`
	BodyID     int64     `json:"body_id,omitempty"`
	BodyName   string    `json:"body_name,omitempty"`
	TopicID    int64     `json:"topic_id,omitempty"`
	TopicTitle string    `json:"topic_title,omitempty"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	StartsAt   time.Time `json:"starts_at"`
	Location   string    `json:"location"`
	Agenda     string    `json:"agenda"`
	Minutes    string    `json:"minutes"`
	State      string    `json:"state"`
	SigninKey  string    `json:"-"`
	Attendees  int       `json:"attendees"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Validate checks a meeting's own fields.
func (m *ConsultMeeting) Validate() error {
	f := FieldErrors{}
	if !slices.Contains(MeetingKinds, m.Kind) {
		f.Add("kind", "consult.kind_invalid")
	}
	var r string
	if m.Title, r = CheckText(m.Title, 100, true); r != "" {
		f.Add("title", r)
	}
	if m.Location, r = CheckText(m.Location, 100, false); r != "" {
		f.Add("location", r)
	}
	if m.Agenda, r = CheckText(m.Agenda, 5000, false); r != "" {
		f.Add("agenda", r)
	}
	if m.StartsAt.IsZero() {
		f.Add("starts_at", "required")
	}
	return f.Err()
}

// ConsultAttendee is a person signed in at a meeting: how is qr (at the door, on their phone) or staff.
type ConsultAttendee struct {
	MeetingID int64     `json:"meeting_id"`
	PersonID  int64     `json:"person_id"`
	Name      string    `json:"name"` // masked on public pages
	How       string    `json:"how"`
	SignedAt  time.Time `json:"signed_at"`
}

// ConsultSpeaker is who spoke at a meeting and the gist of it.
type ConsultSpeaker struct {
	ID        int64     `json:"id"`
	MeetingID int64     `json:"meeting_id"`
	PersonID  int64     `json:"person_id,omitempty"`
	Name      string    `json:"name"`
	Summary   string    `json:"summary"`
	CreatedAt time.Time `json:"created_at"`
}

// TabledProposal is a proposal tabled at a meeting.
type TabledProposal struct {
	ID        int64     `json:"id"`
	MeetingID int64     `json:"meeting_id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	TabledBy  string    `json:"tabled_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Contest is an idea contest (金点子) of a community.
type Contest struct {
	ID        int64     `json:"id"`
	PlaceCode string    `json:"place_code"`
	PlaceName string    `json:"place_name"`
	Title     string    `json:"title"`
	Theme     string    `json:"theme"`
	OpensOn   string    `json:"opens_on"`
	ClosesOn  string    `json:"closes_on"`
	Ideas     int       `json:"ideas"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks a contest's own fields.
func (c *Contest) Validate() error {
	f := FieldErrors{}
	var r string
	if c.Title, r = CheckText(c.Title, 100, true); r != "" {
		f.Add("title", r)
	}
	if c.Theme, r = CheckText(c.Theme, 2000, false); r != "" {
		f.Add("theme", r)
	}
	if _, err := time.Parse(time.DateOnly, c.OpensOn); err != nil {
		f.Add("opens_on", "date.format")
	}
	if _, err := time.Parse(time.DateOnly, c.ClosesOn); err != nil {
		f.Add("closes_on", "date.format")
	} else if c.ClosesOn < c.OpensOn {
		f.Add("closes_on", "consult.period_order")
	}
	return f.Err()
}

// OpenOn reports whether the contest takes ideas and supports on day (YYYY-MM-DD).
func (c *Contest) OpenOn(day string) bool { return c.OpensOn <= day && day <= c.ClosesOn }

// Idea is a resident's idea in a contest.
type Idea struct {
	ID              int64     `json:"id"`
	ContestID       int64     `json:"contest_id"`
	Author          string    `json:"author"` // masked name
	PersonID        int64     `json:"-"`
	Title           string    `json:"title"`
	Body            string    `json:"body"`
	Supports        int       `json:"supports"`
	Shortlisted     bool      `json:"shortlisted"`
	ShortlistReason Reason    `json:"shortlist_reason"`
	CreatedAt       time.Time `json:"created_at"`
}

// ShortlistReasons are the codes the committee shortlists an idea with; each takes the
// committee's words as an optional argument.
var ShortlistReasons = []string{"feasible", "widely_supported", "low_cost", "urgent", "other"}

// TopicLink is a record elsewhere that carries a topic further (a vote, a decision), shown on the
// topic's path.
type TopicLink struct {
	Kind  string    `json:"kind"` // vote, decision, ...
	Title string    `json:"title"`
	Href  string    `json:"href"`
	At    time.Time `json:"at"`
	State string    `json:"state"`
}
