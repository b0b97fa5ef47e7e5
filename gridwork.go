// Grid work (docs/grids.md, docs/domain.md §7): grid teams with their posts and A/B stand-ins,
// each grid's responsibility list, boundaries, household visits and their findings, and the
// visit figures.

package gongzhi

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// GridPosts are the posts of a grid team (组团式服务), in the order a team is listed.
var GridPosts = []string{"leader", "full_time", "part_time", "police", "doctor", "teacher", "party_group", "volunteer"}

// VulnerableGroups are the target groups that make a household vulnerable: visited monthly
// instead of quarterly (docs/grids.md).
var VulnerableGroups = []string{"elderly_alone", "disabled", "hardship"}

// Visit intervals: a household is overdue when its last visit is older than this many days (or
// it was never visited): a quarter for every household, a month for a vulnerable one.
const (
	VisitIntervalDays           = 92
	VulnerableVisitIntervalDays = 31
)

// FindingKinds: a visit finds a need (a service someone lacks) or a problem (a hazard, a
// dispute, something broken).
var FindingKinds = []string{"need", "problem"}

// GridMember is one member of a grid team: a person of the registry in a post, and the member
// it stands in for (AB岗: B stands in for A when A is away), if any.
type GridMember struct {
	ID         int64     `json:"id"`
	GridID     int64     `json:"grid_id"`
	PersonID   int64     `json:"person_id"`
	PersonName string    `json:"person_name"`
	Phone      string    `json:"phone"`
	Post       string    `json:"post"`
	BackupOf   int64     `json:"backup_of,omitempty"` // the member this one stands in for
	BackupName string    `json:"backup_name,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Validate checks a member's post.
func (m *GridMember) Validate() error {
	f := FieldErrors{}
	if m.PersonID <= 0 {
		f.Add("person_id", "required")
	}
	oneOf(f, "post", m.Post, GridPosts, true)
	return f.Err()
}

// GridDuty is one line of a grid's responsibility list (责任清单): a task and the post that
// answers for it.
type GridDuty struct {
	ID        int64     `json:"id"`
	GridID    int64     `json:"grid_id"`
	Title     string    `json:"title"`
	Detail    string    `json:"detail"`
	Post      string    `json:"post"` // "" for the whole team
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a duty.
func (d *GridDuty) Validate() error {
	f := FieldErrors{}
	var r string
	if d.Title, r = CheckText(d.Title, 100, true); r != "" {
		f.Add("title", r)
	}
	if d.Detail, r = CheckText(d.Detail, 1000, false); r != "" {
		f.Add("detail", r)
	}
	if d.Post != "" {
		oneOf(f, "post", d.Post, GridPosts, false)
	}
	return f.Err()
}

// GridShape is a grid's boundary: its polygon's rings (the outer ring first, then holes) as
// [longitude, latitude] pairs, with the bounding box.
type GridShape struct {
	GridID        int64          `json:"grid_id"`
	GridCode      string         `json:"grid_code"`
	GridName      string         `json:"grid_name"`
	CommunityCode string         `json:"community_code"`
	Rings         [][][2]float64 `json:"rings"`
	MinLng        float64        `json:"min_lng"`
	MinLat        float64        `json:"min_lat"`
	MaxLng        float64        `json:"max_lng"`
	MaxLat        float64        `json:"max_lat"`
}

// Visit is one household visit (入户走访): who was met, how things are, what was found, and a
// photo stored by its SHA-256.
type Visit struct {
	ID            int64          `json:"id"`
	GridID        int64          `json:"grid_id"`
	GridName      string         `json:"grid_name"`
	HouseholdID   int64          `json:"household_id"`
	Address       string         `json:"address"`
	CommunityCode string         `json:"community_code"`
	VisitedOn     string         `json:"visited_on"` // YYYY-MM-DD
	PeopleMet     []int64        `json:"people_met"` // person ids of the household's members
	PeopleNames   []string       `json:"people_names,omitempty"`
	Situation     string         `json:"situation"`
	Photo         string         `json:"photo,omitempty"` // SHA-256 of the photo in the file store
	RecordedName  string         `json:"recorded_name"`
	CreatedAt     time.Time      `json:"created_at"`
	Findings      []VisitFinding `json:"findings"`
}

// VisitFinding is a need or problem found at a visit. It turns into one need (NeedID) and, once
// events exist, into one event (EventID).
type VisitFinding struct {
	ID          int64     `json:"id"`
	VisitID     int64     `json:"visit_id"`
	Kind        string    `json:"kind"`
	Description string    `json:"description"`
	NeedID      int64     `json:"need_id,omitempty"`
	EventID     int64     `json:"event_id,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Validate checks a visit's own fields and its findings (the household and the people met are
// checked against the registry by the service).
func (v *Visit) Validate() error {
	f := FieldErrors{}
	var r string
	if v.HouseholdID <= 0 {
		f.Add("household_id", "required")
	}
	if _, ok := ParseDate(v.VisitedOn); !ok {
		f.Add("visited_on", "date")
	}
	if v.Situation, r = CheckText(v.Situation, 2000, true); r != "" {
		f.Add("situation", r)
	}
	if v.Photo = strings.ToLower(strings.TrimSpace(v.Photo)); v.Photo != "" && !sha256Hex.MatchString(v.Photo) {
		f.Add("photo", "visit.photo_bad")
	}
	if len(v.Findings) > 10 {
		f.Add("findings", "visit.too_many_findings")
	}
	for i := range v.Findings {
		fd := &v.Findings[i]
		oneOf(f, "findings", fd.Kind, FindingKinds, true)
		if fd.Description, r = CheckText(fd.Description, 1000, true); r != "" {
			f.Add("findings", r)
		}
	}
	slices.Sort(v.PeopleMet)
	v.PeopleMet = slices.Compact(v.PeopleMet)
	return f.Err()
}

// HouseholdVisitState is a household of a grid with its last visit and whether it is overdue.
type HouseholdVisitState struct {
	HouseholdID int64  `json:"household_id"`
	GridID      int64  `json:"grid_id"`
	GridName    string `json:"grid_name"`
	Address     string `json:"address"`
	HeadName    string `json:"head_name"`
	Members     int    `json:"members"`
	Vulnerable  bool   `json:"vulnerable"`
	LastVisit   string `json:"last_visit,omitempty"` // YYYY-MM-DD, "" if never
	DueOn       string `json:"due_on"`               // the day the next visit is due ("" never visited: now)
	Overdue     bool   `json:"overdue"`
	Visits      int    `json:"visits"`   // in the period asked
	Required    int    `json:"required"` // visits the plan asks of the period: 1, or one a month if vulnerable
}

// VisitRate is the visit figures of a grid, a community or a street for a period: households,
// those visited at least once, the vulnerable ones and those of them visited this month.
type VisitRate struct {
	Code              string  `json:"code"` // a place code, or the grid's id for a grid
	Name              string  `json:"name"`
	GridID            int64   `json:"grid_id,omitempty"`
	Households        int     `json:"households"`
	Visited           int     `json:"visited"`
	Rate              float64 `json:"rate"` // visited / households, 0–1
	Vulnerable        int     `json:"vulnerable"`
	VulnerableVisited int     `json:"vulnerable_visited"` // visited in the period's last month
	Visits            int     `json:"visits"`
}

// SetRate fills Rate from the counts.
func (r *VisitRate) SetRate() {
	if r.Households > 0 {
		r.Rate = float64(r.Visited) / float64(r.Households)
	}
}

// Quarter returns the calendar quarter of a day as "2026Q4" with its first day and the first day
// after it.
func Quarter(day time.Time) (name string, from, until time.Time) {
	q := (int(day.Month()) - 1) / 3
	from = time.Date(day.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, time.UTC)
	return from.Format("2006") + "Q" + string(rune('1'+q)), from, from.AddDate(0, 3, 0)
}

// ParseQuarter reads "2026Q4" into its first day and the first day after it.
func ParseQuarter(s string) (from, until time.Time, ok bool) {
	if len(s) != 6 || s[4] != 'Q' || s[5] < '1' || s[5] > '4' {
		return time.Time{}, time.Time{}, false
	}
	y, err := time.Parse("2006", s[:4])
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	from = time.Date(y.Year(), time.Month(int(s[5]-'1')*3+1), 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(0, 3, 0), true
}
