// Roles and scopes: who an account is (docs/domain.md §1), what part of the registry it may see, and
// what it may change. Every service method checks these before touching storage.

package gongzhi

import "time"

// Role names. Each account holds exactly one role; a person with two jobs has two accounts, as
// government systems require for the three separated administrators.
const (
	RolePurchaser    = "purchaser"     // 购买方: street social-affairs office, civil affairs bureau
	RoleHub          = "hub"           // 枢纽型社会组织 / 社服中心
	RoleProvider     = "provider"      // 承接方: a social organization
	RoleCommunity    = "community"     // 社区居委会 staff
	RoleGridWorker   = "grid_worker"   // 网格员
	RoleDepartment   = "department"    // 职能部门: a street's or district's functional department, scoped to its place; handles the events dispatched to it (docs/events.md)
	RoleSocialWorker = "social_worker" // 社工/助工/义工
	RoleExpert       = "expert"        // 专家库成员
	RoleResident     = "resident"      // 居民
	RoleAuditor      = "auditor"       // 监督委员会, third-party evaluator: reads disclosed information
	RoleSysAdmin     = "sysadmin"      // 系统管理员: accounts and configuration
	RoleSecAdmin     = "secadmin"      // 安全管理员: unlocks, password resets, sessions and tokens
	RoleAuditAdmin   = "auditadmin"    // 审计管理员: reads the audit log, nothing else
)

// Roles lists every role in display order.
var Roles = []string{RolePurchaser, RoleHub, RoleProvider, RoleCommunity, RoleGridWorker, RoleDepartment,
	RoleSocialWorker, RoleExpert, RoleResident, RoleAuditor, RoleSysAdmin, RoleSecAdmin, RoleAuditAdmin}

// IsRole reports whether r is a known role.
func IsRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsAdminRole reports whether r is one of the three separated administrators. Administrators
// see no registry data: their work is accounts, security and audit.
func IsAdminRole(r string) bool { return r == RoleSysAdmin || r == RoleSecAdmin || r == RoleAuditAdmin }

// OrgScoped reports whether a role is scoped to an organization rather than a place.
func OrgScoped(r string) bool { return r == RoleProvider }

// WorksForOrg reports whether a place-scoped role's account also names the organization it
// works for: a social worker is placed in a street or community and employed by a social
// organization, for which it records the service ledger. Its scope stays its place.
func WorksForOrg(r string) bool { return r == RoleSocialWorker }

// User is an account.
type User struct {
	ID                 int64     `json:"id"`
	Username           string    `json:"username"`
	DisplayName        string    `json:"display_name"`
	Role               string    `json:"role"`
	PlaceCode          string    `json:"place_code"` // scope of place-scoped roles: the place and everything below
	PlaceName          string    `json:"place_name"`
	OrgID              int64     `json:"org_id"` // scope of organization-scoped roles
	OrgName            string    `json:"org_name"`
	Phone              string    `json:"phone"`
	MustChangePassword bool      `json:"must_change_password"`
	Disabled           bool      `json:"disabled"`
	FailedLogins       int       `json:"failed_logins"`
	LockedUntil        time.Time `json:"locked_until"`
	LastLoginAt        time.Time `json:"last_login_at"`
	LastLoginIP        string    `json:"last_login_ip"`
	PasswordChangedAt  time.Time `json:"password_changed_at"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

// Locked reports whether the account is locked out at now.
func (u *User) Locked(now time.Time) bool {
	return !u.LockedUntil.IsZero() && now.Before(u.LockedUntil)
}

// Validate checks an account's own fields (not its password).
func (u *User) Validate() error {
	f := FieldErrors{}
	var r string
	if u.Username, r = CheckText(u.Username, 64, true); r != "" {
		f.Add("username", r)
	} else if !validUsername(u.Username) {
		f.Add("username", "user.username_format")
	}
	if u.DisplayName, r = CheckText(u.DisplayName, 64, true); r != "" {
		f.Add("display_name", r)
	}
	if !IsRole(u.Role) {
		f.Add("role", "user.role_invalid")
	}
	if OrgScoped(u.Role) && u.OrgID == 0 {
		f.Add("org_id", "user.org_required")
	}
	if !OrgScoped(u.Role) && !IsAdminRole(u.Role) && u.PlaceCode == "" {
		f.Add("place_code", "user.place_required")
	}
	if r = ValidatePhone(u.Phone); r != "" {
		f.Add("phone", r)
	}
	return f.Err()
}

func validUsername(s string) bool {
	if len(s) < 3 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// Actor is the signed-in caller of a service method.
type Actor struct {
	User      *User
	ScopeCode string `json:"scope_code"` // the user's place code, for place-scoped roles
	Scope     string `json:"scope"`      // significant prefix of ScopeCode: every visible place code starts with it
	IP        string `json:"ip"`
	Via       string `json:"via"` // "web", "api", "cli"
	// Token is the API token the actor came with (nil for a session or the command line): its
	// scope bounds what the request may do (tokens.go).
	Token *APIToken `json:"-"`
	// Linked is the person the account is linked to, read with the account when the request
	// was authenticated (nil when it was not read then: kernel.LinkedOf reads it).
	Linked *PersonLink `json:"-"`
}

// PersonLink is the person an account is linked to (0 for none), that person's household and
// community (the household's, else the person's own place; "" for none).
type PersonLink struct {
	Person, Household int64
	Community         string
}

// Role returns the actor's role, "" for an anonymous actor.
func (a *Actor) Role() string {
	if a == nil || a.User == nil {
		return ""
	}
	return a.User.Role
}

// Has reports whether the actor holds one of the roles.
func (a *Actor) Has(roles ...string) bool {
	r := a.Role()
	for _, x := range roles {
		if r == x {
			return true
		}
	}
	return false
}

// SeesPlace reports whether a place code lies within the actor's place scope (for a provider:
// the place of its organization's registry).
func (a *Actor) SeesPlace(code string) bool {
	if a == nil || a.User == nil || IsAdminRole(a.User.Role) || a.Scope == "" {
		return false
	}
	return len(code) >= len(a.Scope) && code[:len(a.Scope)] == a.Scope
}

// SystemActor performs writes from the command line (import, demo seeding, migrations).
func SystemActor(via string) *Actor {
	return &Actor{User: &User{ID: 0, Username: "system", DisplayName: "系统", Role: RoleSysAdmin}, Via: via}
}

// IsSystem reports whether this is the command-line actor, which is not scoped.
func (a *Actor) IsSystem() bool { return a != nil && a.User != nil && a.User.ID == 0 }

// Password policy: at least 10 characters with three of lower case, upper case, digits and symbols;
// not the username.
func CheckPassword(pw, username string) string {
	if len([]rune(pw)) < 10 {
		return "password.short"
	}
	if len(pw) > 256 {
		return "too_long:256"
	}
	var lower, upper, digit, other bool
	for _, c := range pw {
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			n++
		}
	}
	if n < 3 {
		return "password.classes"
	}
	if username != "" && containsFold(pw, username) {
		return "password.username"
	}
	return ""
}

func containsFold(s, sub string) bool {
	ls, lsub := []rune(s), []rune(sub)
	for i := 0; i+len(lsub) <= len(ls); i++ {
		match := true
		for j := range lsub {
			a, b := ls[i+j], lsub[j]
			if a >= 'A' && a <= 'Z' {
				a += 'a' - 'A'
			}
			if b >= 'A' && b <= 'Z' {
				b += 'a' - 'A'
			}
			if a != b {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
