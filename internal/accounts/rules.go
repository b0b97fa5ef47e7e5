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
// and state. It does not link accounts to the people they are: it sees no registry data; the
// roles that keep the records do (purchase.MayLinkExperts, registry.MayLinkSocialWorkers,
// ledger.MayLinkResidents).
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

// MayMakeTokens: every signed-in account makes its own API tokens in the pages or the API; an
// actor that came with a token only if that token's scope is full (and then none wider than it).
func MayMakeTokens(ac *gongzhi.Actor) bool {
	return MayKeepOwnSessions(ac) && ac.TokenScope() == gongzhi.TokenFull
}

// MayIssueTokensFor: only the command line (the operator of the server) makes and lists tokens
// for a named account.
func MayIssueTokensFor(ac *gongzhi.Actor) bool { return ac.IsSystem() }

// MayRevokeToken: an account revokes its own tokens (the security administrator anyone's, the
// command line any); an actor that came with a token revokes that token, and others only if its
// scope is full.
func MayRevokeToken(ac *gongzhi.Actor, id int64) bool {
	if ac.IsSystem() {
		return true
	}
	if ac == nil || ac.User == nil {
		return false
	}
	return ac.Token == nil || ac.Token.ID == id || ac.Token.Scope == gongzhi.TokenFull
}

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
