// Who may do what with accounts, tokens and the audit log: one predicate per rule, asked by the
// service methods (to refuse) and by the pages (to show or hide a link or a button).

package accounts

import (
	"gongzhi"
	"gongzhi/internal/kernel"
)

// MayReadUsers: the system and security administrators may list and open accounts.
func MayReadUsers(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleSysAdmin, gongzhi.RoleSecAdmin)
}

// MayManageUsers: only the system administrator creates accounts and changes their role, scope
// and state (and links accounts to the people they belong to).
func MayManageUsers(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleSysAdmin) }

// MaySecureAccounts: only the security administrator unlocks accounts, resets passwords and ends
// sessions.
func MaySecureAccounts(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleSecAdmin) }

// MaySecure: the security administrator may unlock, reset or end the sessions of the account
// userID unless it is their own (no administrator acts on their own account).
func MaySecure(ac *gongzhi.Actor, userID int64) bool {
	return MaySecureAccounts(ac) && ac.User.ID != userID
}

// MayManageAllTokens: the security administrator lists and revokes every account's API tokens;
// everyone else only their own.
func MayManageAllTokens(ac *gongzhi.Actor) bool { return ac.Has(gongzhi.RoleSecAdmin) }

// MayReadAudit: only the audit administrator reads the audit log.
func MayReadAudit(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleAuditAdmin) }

// ShowTokens: every account's menu offers its API tokens, except the audit administrator's, who
// reads the audit log and nothing else, and a resident's, who uses the pages and has no
// integration to connect. (Tokens themselves are every signed-in account's.)
func ShowTokens(ac *gongzhi.Actor) bool { return !ac.Has(gongzhi.RoleAuditAdmin, gongzhi.RoleResident) }

// MayKeepOwnSessions: every signed-in account sees its own sessions and last sign-in and may end
// any of its sessions (the command line, which has no account, has none).
func MayKeepOwnSessions(ac *gongzhi.Actor) bool {
	return ac != nil && ac.User != nil && ac.User.ID != 0
}
