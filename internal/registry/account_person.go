// Linking an account to the person it belongs to: shared by residents' and experts' accounts.

package registry

import (
	"context"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// LinkAccountPerson links account userID to personID (0 unlinks) in one transaction and audits
// the change with reason. checkUser refuses the account; checkPerson, called only when personID
// is not 0 with what GetPerson returned, refuses the person. The account is locked before it is
// read: of concurrent identical links one writes and audits, the others find it done, write
// nothing and are refused with ECONFLICT (person_id: link.already_linked; an unlink of an
// account not linked: link.unlinked_already). A person is linked to at most one account: a
// person linked to another account is refused with ECONFLICT (person_id:
// link.person_taken:USERNAME, naming that account), also when two links of one person race
// (the person's row is locked; the UNIQUE index users_person_once).
func (a *Service) LinkAccountPerson(ctx context.Context, ac *gongzhi.Actor, userID, personID int64, reason string,
	checkUser func(*gongzhi.User) error, checkPerson func(*gongzhi.Person, error) error) error {
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.LockRow(ctx, "users", userID); err != nil {
			return err
		}
		u, err := q.GetUser(ctx, userID)
		if err != nil {
			return err
		}
		if err := checkUser(u); err != nil {
			return err
		}
		if personID != 0 {
			if err := checkPerson(q.GetPerson(ctx, store.Scope{}, personID)); err != nil {
				return err
			}
		}
		before, err := q.UserPersonID(ctx, userID)
		switch {
		case err != nil:
			return err
		case before == personID && personID != 0:
			return gongzhi.Refused("person_id", "link.already_linked")
		case before == 0 && personID == 0:
			return gongzhi.Refused("person_id", "link.unlinked_already")
		}
		if personID != 0 {
			// the person is locked too, so that of two links of it to different accounts the
			// second sees the first
			if err := q.LockRow(ctx, "people", personID); err != nil {
				return err
			}
			if holder, name, err := q.PersonHolder(ctx, personID); err != nil {
				return err
			} else if holder != 0 && holder != userID {
				return personTaken(name)
			}
		}
		if err := q.SetUserPerson(ctx, userID, personID, a.NowUTC()); err != nil {
			if store.IsUnique(err, "person") {
				return personTaken("?") // unreachable while the person is locked
			}
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", kernel.ResUsers, kernel.Id10(userID), map[string]int64{"person_id": before},
			map[string]int64{"person_id": personID}, reason)
	})
}

// personTaken refuses a link to a person already linked to the account username.
func personTaken(username string) error {
	return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"person_id": "link.person_taken:" + username}}
}

// LinkedPerson returns the person the signed-in account is linked to, if the capability's rule
// allows the caller (EFORBIDDEN otherwise), or EFORBIDDEN (notLinked) when it is not linked: the
// link read with the account for the request (kernel.LinkedOf).
func (a *Service) LinkedPerson(ctx context.Context, ac *gongzhi.Actor, allowed bool, notLinked string) (int64, error) {
	if err := kernel.Allow(ac, allowed); err != nil {
		return 0, err
	}
	l, err := kernel.LinkedOf(ctx, a.DB.Q(), ac)
	return linked(l.Person, err, notLinked)
}

// LinkedPersonIn is LinkedPerson read through q as it is now: inside a transaction, its handle,
// never the pool.
func LinkedPersonIn(ctx context.Context, q *store.Q, ac *gongzhi.Actor, allowed bool, notLinked string) (int64, error) {
	if err := kernel.Allow(ac, allowed); err != nil {
		return 0, err
	}
	id, err := q.UserPersonID(ctx, ac.User.ID)
	return linked(id, err, notLinked)
}

// linked refuses an account linked to no person (EFORBIDDEN notLinked).
func linked(person int64, err error, notLinked string) (int64, error) {
	if err == nil && person == 0 {
		err = &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: notLinked}
	}
	return person, err
}

// ---- social workers' accounts

// LinkSocialWorkerAccount links an account of role social worker to the social worker's record
// (personID 0 unlinks), so that the account acts as that person. The hub, which keeps the social
// workers of its place, may, for an account and a record within its place (ENOTFOUND
// otherwise). EINVALID (role: social_worker.account_role) for an account of another role,
// (person_id: social_worker.not_social_worker) for a person who is not a social worker.
func (a *Service) LinkSocialWorkerAccount(ctx context.Context, ac *gongzhi.Actor, userID, personID int64) error {
	if err := kernel.Allow(ac, MayLinkSocialWorkers(ac)); err != nil {
		return err
	}
	// an account of an organization is reached through its organization's place, read before
	// the transaction (inside it only its handle reads)
	orgPlace := ""
	if u, err := a.DB.Q().GetUser(ctx, userID); err == nil && u.OrgID != 0 {
		orgPlace, _, _ = a.DB.Q().OrgPlace(ctx, u.OrgID)
	}
	return a.LinkAccountPerson(ctx, ac, userID, personID, "social_worker_link",
		func(u *gongzhi.User) error {
			if !MayLinkSocialWorkerAt(ac, u.PlaceCode) && (u.OrgID == 0 || !MayLinkSocialWorkerAt(ac, orgPlace)) {
				return gongzhi.NotFound()
			}
			if u.Role != gongzhi.RoleSocialWorker {
				return gongzhi.Invalid("role", "social_worker.account_role")
			}
			return nil
		},
		func(p *gongzhi.Person, err error) error {
			if err != nil || p.Kind != "social_worker" || !MayLinkSocialWorkerAt(ac, p.PlaceCode) {
				return gongzhi.Invalid("person_id", "social_worker.not_social_worker")
			}
			return nil
		})
}
