// Package kernel is what every capability's service layer stands on: the database and the
// secret box, the clock, the audit log written inside each transaction, the scopes that decide
// what an account sees, and the role checks every rule is built from. Each action a person or an
// integration can take is a method of a capability's service, with its permission rule, its
// validation, its single transaction and its audit entry; none of the web UI, the JSON API or
// the command line touches storage directly.
package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"gongzhi"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
)

// Config holds the service layer's policy settings.
type Config struct {
	LockThreshold int           // failed sign-ins before an account locks (default 5)
	LockDuration  time.Duration // how long it stays locked (default 15 minutes)
	IPThreshold   int           // failed sign-ins from one address within IPWindow before it is throttled (default 20)
	IPWindow      time.Duration
	SessionIdle   time.Duration // a session ends after this long unused (default 8 hours)
	SessionMax    time.Duration // and after this long in any case (default 7 days)
	Argon2        secret.Argon2
	Audit         AuditPolicy // retention, integrity hash and alarm thresholds of the audit log (audit_policy.go)
	// TOTPRoles are the roles that must sign in with a second factor besides the three
	// administrators, who always must (accounts.TOTPRequired).
	TOTPRoles []string
	// Accounts and sessions (等保 level 3, internal/accounts).
	HashSlots      int           // password hashes computed at once, each holding Argon2.Memory (default 2: 128 MiB at the production cost)
	HashWait       time.Duration // how long a password check waits for a slot before it is refused (default 2 s)
	MaxSessions    int           // live sessions per account; a sign-in beyond it ends the oldest (default 5)
	PasswordMaxAge time.Duration // a password older than this must be changed at sign-in (default 90 days; negative: never)
	InactiveAfter  time.Duration // the daily job disables accounts unused this long (default 90 days; negative: never)
	PolicyExempt   []string      // roles spared password expiry and inactivity disabling (nil: residents)
	// LogOrigin is the public ledger's origin line (internal/publog; "": derived from its key).
	LogOrigin string
}

// App is the service layer.
type Kernel struct {
	DB  *store.DB
	Box *secret.Box
	Cfg Config
	Now func() time.Time
	Log *slog.Logger
	// PublicSkips are the audit entities whose writes leave the public pages' version as it was
	// (PublicVersion): entities no cached public page reads.
	PublicSkips []string
}

// New returns an App with defaults filled in.
func New(db *store.DB, box *secret.Box, cfg Config, log *slog.Logger) *Kernel {
	if cfg.LockThreshold == 0 {
		cfg.LockThreshold = 5
	}
	if cfg.LockDuration == 0 {
		cfg.LockDuration = 15 * time.Minute
	}
	if cfg.IPThreshold == 0 {
		cfg.IPThreshold = 20
	}
	if cfg.IPWindow == 0 {
		cfg.IPWindow = 15 * time.Minute
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 8 * time.Hour
	}
	if cfg.SessionMax == 0 {
		cfg.SessionMax = 7 * 24 * time.Hour
	}
	if cfg.HashSlots <= 0 {
		cfg.HashSlots = 2
	}
	if cfg.HashWait <= 0 {
		cfg.HashWait = 2 * time.Second
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 5
	}
	if cfg.PasswordMaxAge == 0 {
		cfg.PasswordMaxAge = 90 * 24 * time.Hour
	}
	if cfg.InactiveAfter == 0 {
		cfg.InactiveAfter = 90 * 24 * time.Hour
	}
	if cfg.PolicyExempt == nil {
		cfg.PolicyExempt = []string{gongzhi.RoleResident}
	}
	if cfg.Argon2.Time == 0 {
		cfg.Argon2 = secret.DefaultArgon2
	}
	if log == nil {
		log = slog.Default()
	}
	cfg.Audit = cfg.Audit.WithDefaults()
	return &Kernel{DB: db, Box: box, Cfg: cfg, Now: time.Now, Log: log}
}

func (a *Kernel) NowUTC() time.Time { return a.Now().UTC().Truncate(time.Microsecond) }

// Audit entity names of the registry's records, accounts and the audit log.
const (
	ResPlaces       = "places"
	ResGrids        = "grids"
	ResHouseholds   = "households"
	ResOrgs         = "organizations"
	ResPeople       = "people"
	ResTargetGroups = "target_groups"
	ResUsers        = "users"
	ResAudit        = "audit"
)

// placeScope is what the actor sees of places, grids and households.
func PlaceScope(ac *gongzhi.Actor) store.Scope {
	switch {
	case ac.IsSystem():
		return store.Scope{}
	case gongzhi.IsAdminRole(ac.Role()) || ac.Scope == "":
		return store.Scope{None: true}
	}
	return store.Scope{Prefix: ac.Scope}
}

// orgScope is what the actor sees of organizations and people: its own organization for a
// provider, its place and below for everyone else.
func OrgScope(ac *gongzhi.Actor) store.Scope {
	if gongzhi.OrgScoped(ac.Role()) {
		if ac.User.OrgID == 0 {
			return store.Scope{None: true}
		}
		return store.Scope{OrgID: ac.User.OrgID}
	}
	return PlaceScope(ac)
}

// audit appends an entry inside the caller's transaction.
func (a *Kernel) WriteAudit(ctx context.Context, q *store.Q, ac *gongzhi.Actor, action, entity, id string, before, after any, note string) error {
	e := &gongzhi.AuditEntry{At: a.NowUTC(), Action: action, Entity: entity, EntityID: id, Note: note,
		Before: auditJSON(before), After: auditJSON(after)}
	gongzhi.MaskAuditEntry(e) // personal data never enters the log unmasked (audit_mask.go)
	if ac != nil && ac.User != nil {
		e.UserID, e.Username, e.Role, e.IP, e.Via = ac.User.ID, ac.User.Username, ac.User.Role, ac.IP, ac.Via
	} else {
		e.Username = "anonymous"
		if ac != nil {
			e.IP, e.Via = ac.IP, ac.Via
		}
	}
	return q.InsertAudit(ctx, e)
}

func auditJSON(v any) string {
	if v == nil {
		return ""
	}
	if p, ok := v.(*gongzhi.Person); ok && p != nil && p.IDNumber != "" {
		c := *p
		c.IDNumber = ""
		v = &c
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// ScopeFor fills an actor's place scope from its account: the user's place for place-scoped
// roles, the organization's place for a provider.
func (a *Kernel) ScopeFor(ctx context.Context, ac *gongzhi.Actor) error {
	code, lvl := ac.User.PlaceCode, 0
	if gongzhi.OrgScoped(ac.User.Role) && ac.User.OrgID != 0 {
		// the organization's place with its level, in one query
		var err error
		if code, lvl, err = a.DB.Q().OrgPlace(ctx, ac.User.OrgID); err != nil {
			return err
		}
	}
	if code == "" || gongzhi.IsAdminRole(ac.User.Role) {
		ac.ScopeCode, ac.Scope = "", ""
		return nil
	}
	if !(gongzhi.OrgScoped(ac.User.Role) && ac.User.OrgID != 0) {
		var err error
		if lvl, err = a.DB.Q().PlaceExists(ctx, code); err != nil {
			return err
		}
	}
	setScope(ac, code, lvl)
	return nil
}

// ScopeFrom is ScopeFor with the places already read with the account (store.TokenUser): no
// query. An organization that is gone is ENOTFOUND, as ScopeFor's.
func ScopeFrom(ac *gongzhi.Actor, sp store.ScopePlaces) error {
	code, lvl := ac.User.PlaceCode, sp.UserLevel
	if gongzhi.OrgScoped(ac.User.Role) && ac.User.OrgID != 0 {
		if !sp.OrgFound {
			return gongzhi.NotFound()
		}
		code, lvl = sp.OrgCode, sp.OrgLevel
	}
	linked := sp.Linked
	ac.Linked = &linked
	if code == "" || gongzhi.IsAdminRole(ac.User.Role) {
		ac.ScopeCode, ac.Scope = "", ""
		return nil
	}
	setScope(ac, code, lvl)
	return nil
}

// LinkedOf returns the person the actor's account is linked to, with its household and
// community: as read with the account when the request was authenticated (ScopeFrom), so that
// the capabilities a page asks do not each read it again; else (an actor made otherwise) read
// through q. A write that must see the link as it is at its commit reads it inside its
// transaction instead (store.Q.UserPersonID).
func LinkedOf(ctx context.Context, q *store.Q, ac *gongzhi.Actor) (gongzhi.PersonLink, error) {
	if ac.Linked != nil {
		return *ac.Linked, nil
	}
	return q.UserLink(ctx, ac.User.ID)
}

func setScope(ac *gongzhi.Actor, code string, lvl int) {
	if lvl == 0 {
		lvl = gongzhi.LevelCommunity
	}
	ac.ScopeCode, ac.Scope = code, gongzhi.PlacePrefix(code, lvl)
}

func IsFK(err error) bool { return errors.Is(err, store.ErrForeignKey) }

// Health pings the database within ctx and names its dialect ("sqlite", "postgres"), for the
// load balancers' /healthz.
func (a *Kernel) Health(ctx context.Context) (string, error) {
	if err := a.DB.SQL.PingContext(ctx); err != nil {
		return "", err
	}
	return string(a.DB.Dialect), nil
}
