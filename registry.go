// The registry (docs/domain.md §2): places, grids, households, social organizations, people and
// target groups, with the rules each record must satisfy before it is stored.

package gongzhi

import (
	"slices"
	"strings"
	"time"
)

// Place is a division with its 12-digit statistical code: province → city → district → street → community.
type Place struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Level      int       `json:"level"`
	ParentCode string    `json:"parent_code"`
	ParentName string    `json:"parent_name"`
	Children   int       `json:"children"` // number of direct children, when listed
	UpdatedAt  time.Time `json:"updated_at"`
}

// Validate checks the code, its level and its parent.
func (p *Place) Validate() error {
	f := FieldErrors{}
	var r string
	if p.Name, r = CheckText(p.Name, 100, true); r != "" {
		f.Add("name", r)
	}
	if field, reason := ValidatePlaceCode(p.Code, p.Level, p.ParentCode); field != "" {
		f.Add(field, reason)
	}
	return f.Err()
}

// Grid is a 网格 within a community, typically 100–150 households, with a grid team.
type Grid struct {
	ID            int64     `json:"id"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	Code          string    `json:"code"` // the grid's number within the community, e.g. "01"
	Name          string    `json:"name"`
	Leader        string    `json:"leader"`
	Phone         string    `json:"phone"`
	Team          string    `json:"team"`       // members of the grid team: cadres, police, teachers, doctors, volunteers
	Households    int       `json:"households"` // counted
	Notes         string    `json:"notes"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Validate checks a grid.
func (g *Grid) Validate() error {
	f := FieldErrors{}
	var r string
	if len(g.CommunityCode) != 12 {
		f.Add("community_code", "required")
	}
	if g.Code, r = CheckText(g.Code, 20, true); r != "" {
		f.Add("code", r)
	}
	if g.Name, r = CheckText(g.Name, 100, true); r != "" {
		f.Add("name", r)
	}
	if g.Leader, r = CheckText(g.Leader, 50, false); r != "" {
		f.Add("leader", r)
	}
	if g.Phone = strings.TrimSpace(g.Phone); ValidatePhone(g.Phone) != "" {
		f.Add("phone", "phone.format")
	}
	if g.Team, r = CheckText(g.Team, 1000, false); r != "" {
		f.Add("team", r)
	}
	if g.Notes, r = CheckText(g.Notes, 2000, false); r != "" {
		f.Add("notes", r)
	}
	return f.Err()
}

// Household is a 户 at an address, in a community and usually a grid.
type Household struct {
	ID            int64     `json:"id"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	GridID        int64     `json:"grid_id"`
	GridName      string    `json:"grid_name"`
	Code          string    `json:"code"` // 户编号: unique within the community, "" if none; imports link residents by it
	Address       string    `json:"address"`
	HeadName      string    `json:"head_name"`
	Phone         string    `json:"phone"`
	Members       int       `json:"members"`
	Notes         string    `json:"notes"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Validate checks a household.
func (h *Household) Validate() error {
	f := FieldErrors{}
	var r string
	if len(h.CommunityCode) != 12 {
		f.Add("community_code", "required")
	}
	if h.Code, r = CheckText(h.Code, 30, false); r != "" {
		f.Add("code", r)
	}
	if h.Address, r = CheckText(h.Address, 200, true); r != "" {
		f.Add("address", r)
	}
	if h.HeadName, r = CheckText(h.HeadName, 50, false); r != "" {
		f.Add("head_name", r)
	}
	if h.Phone = strings.TrimSpace(h.Phone); ValidatePhone(h.Phone) != "" {
		f.Add("phone", "phone.format")
	}
	if h.Members < 0 || h.Members > 99 {
		f.Add("members", "range:0-99")
	}
	if h.Notes, r = CheckText(h.Notes, 2000, false); r != "" {
		f.Add("notes", r)
	}
	return f.Err()
}

// Organization kinds, registration states, origins, grades and incubation stages (docs/domain.md §2.2).
var (
	OrgTypes       = []string{"professional", "community", "hub", "enterprise"}
	OrgRegStates   = []string{"registered", "filed", "preparing"}
	OrgOrigins     = []string{"local", "external"}
	OrgGrades      = []string{"", "1A", "2A", "3A", "4A", "5A"}
	OrgIncubations = []string{"none", "idea", "incubating", "preparing_registration", "graduated"}
	ServiceFields  = []string{"elderly", "children", "disability", "social_work", "community_governance",
		"volunteering", "culture", "health", "education", "employment", "legal", "environment", "poverty", "other"}
)

// Organization is a social organization of the governance community.
type Organization struct {
	ID            int64    `json:"id"`
	Name          string   `json:"name"`
	CreditCode    string   `json:"credit_code"` // unified social credit code; required unless the organization is only preparing
	Type          string   `json:"type"`
	RegState      string   `json:"reg_state"`
	Origin        string   `json:"origin"`
	LegalRep      string   `json:"legal_rep"`
	ContactName   string   `json:"contact_name"`
	ContactPhone  string   `json:"contact_phone"`
	Email         string   `json:"email"`
	Address       string   `json:"address"`
	PlaceCode     string   `json:"place_code"` // the registry it is on: the street (or community) that keeps it
	PlaceName     string   `json:"place_name"`
	ServiceFields []string `json:"service_fields"`
	Staff         int      `json:"staff"`
	LicensedSW    int      `json:"licensed_sw"` // licensed social workers among the staff
	Grade         string   `json:"grade"`
	Incubation    string   `json:"incubation"`
	RegisteredOn  string   `json:"registered_on"` // YYYY-MM-DD
	Notes         string   `json:"notes"`
	// CreatedByImport names the import that registered the organization because a record it
	// brought named a provider the registry lacked ("past_contracts"); "" for one registered
	// by hand or from the registry's own import. Set only when created.
	CreatedByImport string    `json:"created_by_import"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Validate normalizes and checks an organization.
func (o *Organization) Validate() error {
	f := FieldErrors{}
	var r string
	if o.Name, r = CheckText(o.Name, 100, true); r != "" {
		f.Add("name", r)
	}
	o.CreditCode = NormalizeCreditCode(o.CreditCode)
	if o.CreditCode != "" || o.RegState != "preparing" {
		if r = ValidateCreditCode(o.CreditCode); r != "" {
			f.Add("credit_code", r)
		}
	}
	oneOf(f, "type", o.Type, OrgTypes, true)
	oneOf(f, "reg_state", o.RegState, OrgRegStates, true)
	oneOf(f, "origin", o.Origin, OrgOrigins, true)
	oneOf(f, "grade", o.Grade, OrgGrades, false)
	if o.Incubation == "" {
		o.Incubation = "none"
	}
	oneOf(f, "incubation", o.Incubation, OrgIncubations, true)
	if o.LegalRep, r = CheckText(o.LegalRep, 50, false); r != "" {
		f.Add("legal_rep", r)
	}
	if o.ContactName, r = CheckText(o.ContactName, 50, false); r != "" {
		f.Add("contact_name", r)
	}
	if o.ContactPhone = strings.TrimSpace(o.ContactPhone); ValidatePhone(o.ContactPhone) != "" {
		f.Add("contact_phone", "phone.format")
	}
	if o.Email, r = CheckText(o.Email, 100, false); r != "" {
		f.Add("email", r)
	} else if o.Email != "" && (!strings.Contains(o.Email, "@") || strings.ContainsAny(o.Email, " <>")) {
		f.Add("email", "email.format")
	}
	if o.Address, r = CheckText(o.Address, 200, false); r != "" {
		f.Add("address", r)
	}
	if len(o.PlaceCode) != 12 {
		f.Add("place_code", "required")
	}
	for _, s := range o.ServiceFields {
		if !slices.Contains(ServiceFields, s) {
			f.Add("service_fields", "choice")
		}
	}
	if o.Staff < 0 || o.Staff > 100000 {
		f.Add("staff", "range:0-100000")
	}
	if o.LicensedSW < 0 || o.LicensedSW > o.Staff && o.Staff > 0 {
		f.Add("licensed_sw", "org.licensed_gt_staff")
	}
	if o.RegisteredOn = strings.TrimSpace(o.RegisteredOn); o.RegisteredOn != "" {
		if _, ok := ParseDate(o.RegisteredOn); !ok {
			f.Add("registered_on", "date.format")
		}
	}
	if o.Notes, r = CheckText(o.Notes, 2000, false); r != "" {
		f.Add("notes", r)
	}
	return f.Err()
}

func oneOf(f FieldErrors, field, v string, allowed []string, required bool) {
	if v == "" && required {
		f.Add(field, "required")
		return
	}
	if !slices.Contains(allowed, v) {
		f.Add(field, "choice")
	}
}

// People kinds and social-worker licence levels.
var (
	PersonKinds  = []string{"resident", "social_worker", "volunteer", "expert"}
	Genders      = []string{"", "male", "female"}
	Licences     = []string{"", "assistant", "intermediate", "senior"} // 助理社会工作师, 社会工作师, 高级社会工作师
	ExpertFields = []string{"social_work", "elderly", "children", "disability", "finance", "law",
		"management", "health", "education", "community_governance", "evaluation"}
)

// Person is a resident, social worker, volunteer or expert. The ID number is sensitive personal
// data: it is stored encrypted and only its masked form leaves the service layer, except through
// the audited reveal.
type Person struct {
	ID             int64     `json:"id"`
	Kind           string    `json:"kind"`
	Name           string    `json:"name"`
	Gender         string    `json:"gender"`
	IDNumber       string    `json:"id_number,omitempty"` // plain text only on the way in; never read back from storage
	IDMasked       string    `json:"id_masked"`
	HasStoredID    bool      `json:"-"` // on update: a number is stored, so an empty one keeps it
	BirthYear      int       `json:"birth_year"`
	Phone          string    `json:"phone"`
	PlaceCode      string    `json:"place_code"` // the community (or street) they belong to
	PlaceName      string    `json:"place_name"`
	HouseholdID    int64     `json:"household_id"`
	HouseholdAddr  string    `json:"household_address"`
	OrgID          int64     `json:"org_id"` // employer of a social worker, team of a volunteer, affiliation of an expert
	OrgName        string    `json:"org_name"`
	Licence        string    `json:"licence"`
	ExpertFields   []string  `json:"expert_fields"`
	Affiliation    string    `json:"affiliation"` // free text: university, agency, department
	VolunteerHours float64   `json:"volunteer_hours"`
	TargetGroups   []string  `json:"target_groups"`
	Notes          string    `json:"notes"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Validate normalizes and checks a person. ID numbers are required for residents only.
func (p *Person) Validate(now time.Time) error {
	f := FieldErrors{}
	var r string
	oneOf(f, "kind", p.Kind, PersonKinds, true)
	if p.Name, r = CheckText(p.Name, 50, true); r != "" {
		f.Add("name", r)
	}
	oneOf(f, "gender", p.Gender, Genders, false)
	p.IDNumber = NormalizeIDNumber(p.IDNumber)
	if p.IDNumber != "" || p.Kind == "resident" && !p.HasStoredID {
		if r = ValidateIDNumber(p.IDNumber, now); r != "" {
			f.Add("id_number", r)
		}
	}
	if p.Phone = strings.TrimSpace(p.Phone); ValidatePhone(p.Phone) != "" {
		f.Add("phone", "phone.format")
	}
	if len(p.PlaceCode) != 12 {
		f.Add("place_code", "required")
	}
	oneOf(f, "licence", p.Licence, Licences, false)
	if p.Licence != "" && p.Kind != "social_worker" {
		f.Add("licence", "person.licence_kind")
	}
	for _, s := range p.ExpertFields {
		if !slices.Contains(ExpertFields, s) {
			f.Add("expert_fields", "choice")
		}
	}
	if p.Kind == "expert" && len(p.ExpertFields) == 0 {
		f.Add("expert_fields", "required")
	}
	if p.Affiliation, r = CheckText(p.Affiliation, 100, false); r != "" {
		f.Add("affiliation", r)
	}
	if p.VolunteerHours < 0 || p.VolunteerHours > 100000 {
		f.Add("volunteer_hours", "range:0-100000")
	}
	if p.Notes, r = CheckText(p.Notes, 2000, false); r != "" {
		f.Add("notes", r)
	}
	if p.IDNumber != "" && f["id_number"] == "" {
		// the ID number states the birth date and the sex: a gender or birth year given with it
		// must agree (left blank, they are taken from it)
		birth := int(p.IDNumber[6]-'0')*1000 + int(p.IDNumber[7]-'0')*100 + int(p.IDNumber[8]-'0')*10 + int(p.IDNumber[9]-'0')
		if p.BirthYear != 0 && p.BirthYear != birth {
			f.Add("birth_year", "person.birth_id")
		}
		if g := IDNumberGender(p.IDNumber); p.Gender != "" && f["gender"] == "" && p.Gender != g {
			f.Add("gender", "person.gender_id")
		}
		p.IDMasked = MaskIDNumber(p.IDNumber)
		p.BirthYear = birth
		if p.Gender == "" {
			p.Gender = IDNumberGender(p.IDNumber)
		}
	} else if p.IDNumber == "" && p.HasStoredID && len(p.IDMasked) == 18 && p.Gender != "" && f["gender"] == "" {
		// kept number: its masked form still shows the sex digit
		if g := IDNumberGender(p.IDMasked); g != "" && p.Gender != g {
			f.Add("gender", "person.gender_id")
		}
	}
	return f.Err()
}

// IDNumberGender is the sex an 18-character ID number states by its 17th character (odd: male,
// even: female), or "" if that character is not a digit (a masked number keeps it).
func IDNumberGender(id string) string {
	if len(id) < 17 || id[16] < '0' || id[16] > '9' {
		return ""
	}
	if (id[16]-'0')%2 == 1 {
		return "male"
	}
	return "female"
}

// TargetGroup is a group services are for (服务对象). The built-in ones come with the product;
// an office adds its own.
type TargetGroup struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	NameEn  string `json:"name_en"`
	Builtin bool   `json:"builtin"`
}

// Validate checks an office-defined target group.
func (t *TargetGroup) Validate() error {
	f := FieldErrors{}
	var r string
	if t.Code = strings.TrimSpace(strings.ToLower(t.Code)); t.Code == "" {
		f.Add("code", "required")
	} else if !validUsername(t.Code) || len(t.Code) > 40 {
		f.Add("code", "code.format")
	}
	if t.Name, r = CheckText(t.Name, 50, true); r != "" {
		f.Add("name", r)
	}
	if t.NameEn, r = CheckText(t.NameEn, 50, false); r != "" {
		f.Add("name_en", r)
	}
	return f.Err()
}

// AuditEntry is one line of the audit log: a write, a sign-in, or a view of sensitive data.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id"`
	Username string    `json:"username"`
	Role     string    `json:"role"`
	IP       string    `json:"ip"`
	Via      string    `json:"via"`
	Action   string    `json:"action"` // create, update, delete, view_sensitive, login, login_failed, logout, ...
	Entity   string    `json:"entity"` // places, organizations, people, users, ...
	EntityID string    `json:"entity_id"`
	Before   string    `json:"before"` // JSON, sensitive values masked
	After    string    `json:"after"`
	Note     string    `json:"note"`
}

// APIToken lets an integration act as the user who made it.
type APIToken struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	Name       string    `json:"name"`
	Prefix     string    `json:"prefix"` // first characters of the token, to recognize it in a list
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	Revoked    bool      `json:"revoked"`
	Scope      string    `json:"scope"` // TokenRead, TokenWrite or TokenFull (tokens.go)
	// PlaceCode limits the token to a place within its account's scope ("" for the account's
	// own): its reads and writes reach only that place and the places under it.
	PlaceCode string    `json:"place_code,omitempty"`
	RevokedAt time.Time `json:"revoked_at,omitzero"` // when it was revoked (zero if not, or revoked before this was kept)
}

// AccountLink is an account that may be linked to the person it belongs to (an expert's to their
// record in the expert pool, a social worker's or a resident's to theirs), with the person it is
// linked to, ID number masked.
type AccountLink struct {
	UserID         int64  `json:"user_id"`
	Username       string `json:"username"`
	DisplayName    string `json:"display_name"`
	Role           string `json:"role"`
	PlaceCode      string `json:"place_code"`
	PlaceName      string `json:"place_name"`
	OrgName        string `json:"org_name"`
	PersonID       int64  `json:"person_id"` // 0: not linked
	PersonName     string `json:"person_name"`
	PersonIDMasked string `json:"person_id_masked"`
}

// LinkKinds maps the roles whose accounts are linked to a person to the kind of that person.
var LinkKinds = map[string]string{RoleExpert: "expert", RoleSocialWorker: "social_worker", RoleResident: "resident"}
