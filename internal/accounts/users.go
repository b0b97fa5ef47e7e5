// Account administration under the separation of duties (三权分立): the system administrator
// creates accounts and sets their role and scope; the security administrator unlocks them,
// resets passwords and ends sessions; the audit administrator only reads the audit log. No
// administrator acts on their own account, and only the command line makes administrators
// beyond the first three.

package accounts

import (
	"context"
	"strconv"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// Users lists accounts. Only the system and security administrators may.
func (a *Service) Users(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions) (store.Page[*gongzhi.User], error) {
	if err := kernel.Allow(ac, MayReadUsers(ac)); err != nil {
		return store.Page[*gongzhi.User]{}, err
	}
	var p store.Page[*gongzhi.User]
	total, err := a.DB.Q().ListUsers(ctx, opts, a.NowUTC(), func(u *gongzhi.User) error { p.Items = append(p.Items, u); return nil })
	p.Total = total
	return p, err
}

// User returns one account to an administrator who may list accounts.
func (a *Service) User(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.User, error) {
	if err := kernel.Allow(ac, MayReadUsers(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetUser(ctx, id)
}

// ScopePlaces lists the places of the whole instance that opts selects, for the system
// administrator choosing an account's scope: the same callers as CreateUser.
func (a *Service) ScopePlaces(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Place) error) (int, error) {
	if err := kernel.Allow(ac, MayManageUsers(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListPlaces(ctx, store.Scope{}, opts, each)
}

// ScopeOrganizations lists the organizations of the whole instance that opts selects, for the
// system administrator choosing a provider account's organization (see ScopePlaces).
func (a *Service) ScopeOrganizations(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Organization) error) (int, error) {
	if err := kernel.Allow(ac, MayManageUsers(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListOrganizations(ctx, store.Scope{}, opts, each)
}

// checkUserScope verifies that the role's scope exists: a place for place-scoped roles, an
// organization for providers; a social worker has a place and may have the organization it works
// for (gongzhi.WorksForOrg). Administrators carry neither.
func (a *Service) checkUserScope(ctx context.Context, q *store.Q, u *gongzhi.User) error {
	if gongzhi.IsAdminRole(u.Role) {
		u.PlaceCode, u.OrgID = "", 0
		return nil
	}
	if gongzhi.OrgScoped(u.Role) {
		u.PlaceCode = ""
		if _, err := q.GetOrganization(ctx, store.Scope{}, u.OrgID); err != nil {
			return gongzhi.Invalid("org_id", "user.org_missing")
		}
		return nil
	}
	f := gongzhi.FieldErrors{} // the organization and the place at once
	if gongzhi.WorksForOrg(u.Role) && u.OrgID != 0 {
		// a social worker is placed where it serves and works for its organization, whose ledger
		// it records (ledger.MayRecordEntries)
		if _, err := q.GetOrganization(ctx, store.Scope{}, u.OrgID); err != nil {
			f.Add("org_id", "user.org_missing")
		}
	} else {
		u.OrgID = 0
	}
	if lvl, err := q.PlaceExists(ctx, u.PlaceCode); err != nil {
		return err
	} else if lvl == 0 {
		f.Add("place_code", "place.missing")
	}
	return f.Err()
}

// CreateUser makes an account with a one-time password that must be changed at first sign-in.
// Only the system administrator may, and only for non-administrator roles unless ac is the
// command line. Returns ECONFLICT for a taken username.
func (a *Service) CreateUser(ctx context.Context, ac *gongzhi.Actor, u *gongzhi.User, password string) (string, error) {
	if err := kernel.Allow(ac, MayManageUsers(ac)); err != nil {
		return "", err
	}
	var ck gongzhi.Checks // every failed field at once
	if gongzhi.IsAdminRole(u.Role) && !ac.IsSystem() {
		ck.Check(gongzhi.Invalid("role", "user.admin_cli_only"))
	}
	if err := ck.Check(u.Validate()); err != nil {
		return "", err
	}
	if password == "" {
		password = OneTimePassword()
		u.MustChangePassword = true
	} else if r := gongzhi.CheckPassword(password, u.Username); r != "" {
		ck.Check(gongzhi.Invalid("password", r))
	}
	if ck.Failed("role") {
		return "", ck.Err() // the scope a role needs is not known
	}
	if ck.Err() != nil { // the scope's refusals with these, before any password is hashed
		return "", a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			if err := ck.Check(a.checkUserScope(ctx, q, u)); err != nil {
				return err
			}
			return ck.Err()
		})
	}
	hash, err := a.hashPassword(ctx, password)
	if err != nil {
		return "", err
	}
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := ck.Check(a.checkUserScope(ctx, q, u)); err != nil {
			return err
		}
		if err := ck.Err(); err != nil {
			return err
		}
		if err := q.InsertUser(ctx, u, hash, a.NowUTC()); err != nil {
			if store.IsUnique(err, "") {
				return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"username": "user.username_taken"}}
			}
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", kernel.ResUsers, strconv.FormatInt(u.ID, 10), nil, u, "")
	})
	return password, err
}

// UpdateUser changes an account's name, role, scope, phone or disabled flag. Only the system
// administrator may, never on their own account, and never to or from an administrator role.
func (a *Service) UpdateUser(ctx context.Context, ac *gongzhi.Actor, u *gongzhi.User) error {
	if err := kernel.Allow(ac, MayManageUsers(ac)); err != nil {
		return err
	}
	if u.ID == ac.User.ID {
		return &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: "err.self_approval"}
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetUser(ctx, u.ID)
		if err != nil {
			return err
		}
		u.Username = before.Username
		var ck gongzhi.Checks // every failed field at once
		if (gongzhi.IsAdminRole(u.Role) || gongzhi.IsAdminRole(before.Role)) && u.Role != before.Role && !ac.IsSystem() {
			ck.Check(gongzhi.Invalid("role", "user.admin_cli_only"))
		}
		if err := ck.Check(u.Validate()); err != nil {
			return err
		}
		if !ck.Failed("role") {
			if err := ck.Check(a.checkUserScope(ctx, q, u)); err != nil {
				return err
			}
		}
		if err := ck.Err(); err != nil {
			return err
		}
		if err := q.UpdateUser(ctx, u, a.NowUTC()); err != nil {
			return err
		}
		if u.Disabled {
			if err := q.DeleteUserSessions(ctx, u.ID, ""); err != nil {
				return err
			}
		} else if before.Disabled {
			// enabled again: its unused days count from now, or the daily job would disable it again
			if err := q.MarkActive(ctx, u.ID, a.NowUTC()); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "update", kernel.ResUsers, strconv.FormatInt(u.ID, 10), before, u, "")
	})
}

// securityAction is an action of the security administrator on another account.
func (a *Service) securityAction(ctx context.Context, ac *gongzhi.Actor, id int64, action string, fn func(q *store.Q) error) error {
	if !MaySecureAccounts(ac) {
		return gongzhi.Forbidden()
	}
	if !MaySecure(ac, id) {
		return &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: "err.self_approval"}
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := q.GetUser(ctx, id); err != nil {
			return err
		}
		if err := fn(q); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, action, kernel.ResUsers, strconv.FormatInt(id, 10), nil, nil, "")
	})
}

// UnlockUser clears a lockout. Security administrator only, not on their own account.
func (a *Service) UnlockUser(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	return a.securityAction(ctx, ac, id, "unlock", func(q *store.Q) error { return q.Unlock(ctx, id, a.NowUTC()) })
}

// ResetPassword gives an account a one-time password, ends its sessions, and forces a change at
// the next sign-in. Security administrator only, not on their own account.
func (a *Service) ResetPassword(ctx context.Context, ac *gongzhi.Actor, id int64) (string, error) {
	pw := OneTimePassword()
	hash, err := a.hashPassword(ctx, pw)
	if err != nil {
		return "", err
	}
	err = a.securityAction(ctx, ac, id, "password_reset", func(q *store.Q) error {
		if err := q.SetPassword(ctx, id, hash, true, a.NowUTC()); err != nil {
			return err
		}
		return q.DeleteUserSessions(ctx, id, "")
	})
	return pw, err
}

// EndSessions signs an account out everywhere. Security administrator only.
func (a *Service) EndSessions(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	return a.securityAction(ctx, ac, id, "end_sessions", func(q *store.Q) error { return q.DeleteUserSessions(ctx, id, "") })
}

// Audit lists the audit log. Only the audit administrator may read it; the record's own change
// history (History) is a narrower view for those who may see the record.
func (a *Service) Audit(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.AuditEntry) error) (int, error) {
	if err := kernel.Allow(ac, MayReadAudit(ac)); err != nil {
		return 0, err
	}
	// entries written before masking existed are masked on the way out
	return a.DB.Q().ListAudit(ctx, opts, func(e *gongzhi.AuditEntry) error { gongzhi.MaskAuditEntry(e); return each(e) })
}

// AuditNames returns the display names of the accounts that made the audit entries ids name, for
// the audit register (only the audit administrator, like the log itself).
func (a *Service) AuditNames(ctx context.Context, ac *gongzhi.Actor, ids []int64) (map[int64]string, error) {
	if err := kernel.Allow(ac, MayReadAudit(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().AuditUserNames(ctx, ids)
}

// AuditNamesOf names the accounts the register's "*_by" fields hold, each by username or by
// account id (as text), to the audit administrator only: the accounts' display names, keyed as
// given. Values that name no account are left out.
func (a *Service) AuditNamesOf(ctx context.Context, ac *gongzhi.Actor, keys []string) (map[string]string, error) {
	if err := kernel.Allow(ac, MayReadAudit(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().AuditAccountNames(ctx, keys)
}
