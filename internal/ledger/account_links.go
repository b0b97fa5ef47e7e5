// Accounts linked to the people they are, in one place for those who link them: the purchaser
// links expert accounts to the experts of its pool, the hub social workers' accounts to their
// records, community staff residents' accounts to theirs (rules.go, LinkableRoles). The person
// is found by name, never by typing an internal id, and shown with the ID number masked.

package ledger

import (
	"context"
	"slices"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/purchase"
	"gongzhi/internal/store"
)

// linkReach is where the caller reaches the accounts and people of role: its place and below,
// and for experts the places above it whose pool its calls draw from.
func linkReach(ac *gongzhi.Actor, role string) store.Reach {
	if ac.IsSystem() {
		return store.Reach{}
	}
	r := store.Reach{Prefix: ac.Scope}
	if role == gongzhi.RoleExpert {
		r.At = purchase.PoolAbove(ac)
	}
	return r
}

// linkRole returns role if the caller may link accounts of it, the first role it may link when
// role is "", EFORBIDDEN otherwise.
func linkRole(ac *gongzhi.Actor, role string) (string, error) {
	roles := LinkableRoles(ac)
	if err := kernel.Allow(ac, len(roles) > 0 && (role == "" || slices.Contains(roles, role))); err != nil {
		return "", err
	}
	if role == "" {
		role = roles[0]
	}
	if !ac.IsSystem() && ac.Scope == "" {
		return "", gongzhi.Forbidden()
	}
	return role, nil
}

// AccountLinks lists the accounts of role ("" for the first the caller may link) the caller may
// link, each with the person it is linked to (ID number masked). Filters: linked ("1", "0").
// EFORBIDDEN for a caller who may not link accounts of role.
func (a *Service) AccountLinks(ctx context.Context, ac *gongzhi.Actor, role string, opts store.ListOptions, each func(*gongzhi.AccountLink) error) (int, error) {
	role, err := linkRole(ac, role)
	if err != nil {
		return 0, err
	}
	delete(opts.Filters, "user")
	return a.DB.Q().ListAccountLinks(ctx, role, linkReach(ac, role), opts, each)
}

// AccountLink returns one account the caller may link, with the person it is linked to;
// ENOTFOUND for an account beyond the caller's reach or of a role it does not link.
func (a *Service) AccountLink(ctx context.Context, ac *gongzhi.Actor, userID int64) (*gongzhi.AccountLink, error) {
	if _, err := linkRole(ac, ""); err != nil {
		return nil, err
	}
	q := a.DB.Q()
	l, err := q.GetAccountLink(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(LinkableRoles(ac), l.Role) {
		return nil, gongzhi.NotFound()
	}
	var found *gongzhi.AccountLink
	if _, err := q.ListAccountLinks(ctx, l.Role, linkReach(ac, l.Role), store.ListOptions{Limit: 1, Filters: map[string]string{"user": kernel.Id10(userID)}},
		func(x *gongzhi.AccountLink) error { found = x; return nil }); err != nil {
		return nil, err
	}
	if found == nil {
		return nil, gongzhi.NotFound()
	}
	return found, nil
}

// LinkCandidatesMax is the most people LinkCandidates returns.
const LinkCandidatesMax = 20

// LinkCandidates returns at most LinkCandidatesMax people the account userID may be linked to: of the kind its
// role is linked to (gongzhi.LinkKinds), within the caller's reach, whose name contains name
// (every one when name is ""), by name, ID numbers masked.
func (a *Service) LinkCandidates(ctx context.Context, ac *gongzhi.Actor, userID int64, name string) ([]*gongzhi.Person, error) {
	l, err := a.AccountLink(ctx, ac, userID)
	if err != nil {
		return nil, err
	}
	name, _ = gongzhi.CheckText(name, 50, false)
	return a.DB.Q().LinkCandidates(ctx, gongzhi.LinkKinds[l.Role], linkReach(ac, l.Role), name, LinkCandidatesMax)
}

// LinkAccount links the account userID to personID (0 unlinks) by the rule of the account's
// role: an expert's by LinkExpertAccount, a social worker's by LinkSocialWorkerAccount, a
// resident's by LinkResidentAccount, each audited. ENOTFOUND for an account the caller may not
// link; the refusals of those methods otherwise.
func (a *Service) LinkAccount(ctx context.Context, ac *gongzhi.Actor, userID, personID int64) (*gongzhi.AccountLink, error) {
	l, err := a.AccountLink(ctx, ac, userID)
	if err != nil {
		return nil, err
	}
	switch l.Role {
	case gongzhi.RoleExpert:
		err = a.LinkExpertAccount(ctx, ac, userID, personID)
	case gongzhi.RoleSocialWorker:
		err = a.LinkSocialWorkerAccount(ctx, ac, userID, personID)
	case gongzhi.RoleResident:
		err = a.LinkResidentAccount(ctx, ac, userID, personID)
	default:
		err = gongzhi.NotFound()
	}
	if err != nil {
		return nil, err
	}
	return a.DB.Q().GetAccountLink(ctx, userID)
}
