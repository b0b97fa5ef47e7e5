// The registry's services: places, grids, households, organizations, people and target groups.
// Reads are limited to the caller's scope; a record outside it answers ENOTFOUND exactly like a
// missing one. Every write checks the role, the scope of the record before and after the change,
// validates, runs in one transaction and appends an audit entry with the before and after.

package registry

import (
	"context"
	"slices"
	"strconv"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// inScope checks that a place code lies in the actor's scope; outside it, the place "does not
// exist" for this actor.
func InScope(ac *gongzhi.Actor, field, code string) error {
	if ac.IsSystem() || code == "" || ac.SeesPlace(code) {
		return nil
	}
	return gongzhi.Invalid(field, "place.out_of_scope")
}

// ---- places

// Places lists places in scope. Everyone but administrators may read the places they work in.
func (a *Service) Places(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Place) error) (int, error) {
	if err := kernel.Allow(ac, MayReadPlaces(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListPlaces(ctx, kernel.PlaceScope(ac), opts, each)
}

// PlaceNamesAt returns the codes and names of the places of a level in scope, by code: what a
// page names places with or offers as choices, without the places list's counts of children.
func (a *Service) PlaceNamesAt(ctx context.Context, ac *gongzhi.Actor, level int) ([]gongzhi.NamedCode, error) {
	if err := kernel.Allow(ac, MayReadPlaces(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().PlacesAtLevel(ctx, kernel.PlaceScope(ac), level)
}

// Place returns a place in scope.
func (a *Service) Place(ctx context.Context, ac *gongzhi.Actor, code string) (*gongzhi.Place, error) {
	if err := kernel.Allow(ac, MayReadPlaces(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetPlace(ctx, kernel.PlaceScope(ac), code)
}

// CreatePlace adds a place under a parent in the purchaser's scope (a new community, say). The
// code must carry the parent's prefix and the parent must be one level up.
func (a *Service) CreatePlace(ctx context.Context, ac *gongzhi.Actor, p *gongzhi.Place) error {
	if err := kernel.Allow(ac, MayWritePlaces(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if p.ParentCode == "" && !ac.IsSystem() {
			return gongzhi.Invalid("parent_code", "required")
		}
		if p.ParentCode != "" {
			parent, err := q.GetPlace(ctx, kernel.PlaceScope(ac), p.ParentCode)
			if err != nil {
				return gongzhi.Invalid("parent_code", "place.missing")
			}
			p.Level = parent.Level + 1
		} else {
			p.Level = gongzhi.LevelProvince
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if err := InScope(ac, "code", p.Code); err != nil {
			return err
		}
		if lvl, err := q.PlaceExists(ctx, p.Code); err != nil {
			return err
		} else if lvl != 0 {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"code": "place.code_taken"}}
		}
		if err := q.InsertPlace(ctx, p, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", kernel.ResPlaces, p.Code, nil, p, "")
	})
}

// RenamePlace changes a place's name.
func (a *Service) RenamePlace(ctx context.Context, ac *gongzhi.Actor, code, name string) error {
	if err := kernel.Allow(ac, MayWritePlaces(ac)); err != nil {
		return err
	}
	name, r := gongzhi.CheckText(name, 100, true)
	if r != "" {
		return gongzhi.Invalid("name", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetPlace(ctx, kernel.PlaceScope(ac), code)
		if err != nil {
			return err
		}
		after := *before
		after.Name = name
		if err := q.UpdatePlaceName(ctx, code, name, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", kernel.ResPlaces, code, before, &after, "")
	})
}

// ---- grids

// Grids lists grids in scope.
func (a *Service) Grids(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Grid) error) (int, error) {
	if err := kernel.Allow(ac, MayReadGrids(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListGrids(ctx, kernel.PlaceScope(ac), opts, each)
}

// Grid returns a grid in scope.
func (a *Service) Grid(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Grid, error) {
	if err := kernel.Allow(ac, MayReadGrids(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetGrid(ctx, kernel.PlaceScope(ac), id)
}

func (a *Service) CheckCommunity(ctx context.Context, q *store.Q, ac *gongzhi.Actor, field, code string) error {
	p, err := q.GetPlace(ctx, kernel.PlaceScope(ac), code)
	if err != nil {
		return gongzhi.Invalid(field, "place.missing")
	}
	if p.Level != gongzhi.LevelCommunity {
		return gongzhi.Invalid(field, "place.not_community")
	}
	return nil
}

// SaveGrid creates (ID 0) or updates a grid of a community in scope. A grid number is unique
// within its community.
func (a *Service) SaveGrid(ctx context.Context, ac *gongzhi.Actor, g *gongzhi.Grid) error {
	if err := kernel.Allow(ac, MayWriteGrids(ac)); err != nil {
		return err
	}
	if err := g.Validate(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := a.CheckCommunity(ctx, q, ac, "community_code", g.CommunityCode); err != nil {
			return err
		}
		var before *gongzhi.Grid
		var err error
		if g.ID != 0 {
			if before, err = q.GetGrid(ctx, kernel.PlaceScope(ac), g.ID); err != nil {
				return err
			}
			err = q.UpdateGrid(ctx, g, a.NowUTC())
		} else {
			err = q.InsertGrid(ctx, g, a.NowUTC())
		}
		if store.IsUnique(err, "") {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"code": "grid.code_taken"}}
		} else if err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, createOrUpdate(before == nil), kernel.ResGrids, kernel.Id10(g.ID), before, g, "")
	})
}

func createOrUpdate(create bool) string {
	if create {
		return "create"
	}
	return "update"
}

// DeleteGrid removes a grid with nothing attached to it. A grid that still has households, a
// team, duties, a boundary, visits or events is refused (ECONFLICT grid.in_use, each attached
// kind named in Fields with its count), nothing removed: docs/grids.md §1 "Removing a grid".
func (a *Service) DeleteGrid(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayWriteGrids(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetGrid(ctx, kernel.PlaceScope(ac), id)
		if err != nil {
			return err
		}
		att, err := q.GridAttachments(ctx, id)
		if err != nil {
			return err
		}
		fields := map[string]string{}
		for k, n := range att {
			switch {
			case n > 0 && k == "boundary":
				fields[k] = "grid.has_boundary"
			case n > 0:
				fields[k] = "grid.has_" + k + ":" + strconv.Itoa(n)
			}
		}
		if len(fields) > 0 {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "grid.in_use", Fields: fields}
		}
		if err := q.DeleteGrid(ctx, id); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "delete", kernel.ResGrids, kernel.Id10(id), before, nil, "")
	})
}

// ---- households

// Households lists households in scope.
func (a *Service) Households(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Household) error) (int, error) {
	if err := kernel.Allow(ac, MayReadHouseholds(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListHouseholds(ctx, kernel.PlaceScope(ac), opts, each)
}

// Household returns a household in scope.
func (a *Service) Household(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Household, error) {
	if err := kernel.Allow(ac, MayReadHouseholds(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetHousehold(ctx, kernel.PlaceScope(ac), id)
}

// SaveHousehold creates or updates a household; its grid must belong to its community.
func (a *Service) SaveHousehold(ctx context.Context, ac *gongzhi.Actor, h *gongzhi.Household) error {
	if err := kernel.Allow(ac, MayWriteHouseholds(ac)); err != nil {
		return err
	}
	// every failed field at once: the household's own, its community and its grid
	f := gongzhi.FieldErrors{}
	if err := f.Merge(h.Validate()); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if f["community_code"] == "" {
			if err := f.Merge(a.CheckCommunity(ctx, q, ac, "community_code", h.CommunityCode)); err != nil {
				return err
			}
		}
		if h.GridID != 0 {
			g, err := q.GetGrid(ctx, kernel.PlaceScope(ac), h.GridID)
			if err != nil || g.CommunityCode != h.CommunityCode {
				f.Add("grid_id", "household.grid_community")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		var before *gongzhi.Household
		var err error
		if h.ID != 0 {
			if before, err = q.GetHousehold(ctx, kernel.PlaceScope(ac), h.ID); err != nil {
				return err
			}
			err = q.UpdateHousehold(ctx, h, a.NowUTC())
		} else {
			err = q.InsertHousehold(ctx, h, a.NowUTC())
		}
		if store.IsUnique(err, "") {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"code": "household.code_taken"}}
		} else if err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, createOrUpdate(before == nil), kernel.ResHouseholds, kernel.Id10(h.ID), before, h, "")
	})
}

// AddHouseholdMember makes an existing resident of the household's community a member of the
// household, by the rule MayAddHouseholdMember, both records in the caller's scope. Refused
// naming person_id: a person not found or of another community (person.household_place), not a
// resident (household.member_kind), already a member (household.member_already); ECONFLICT if the
// person's household changed meanwhile. The change is audited as an update of the person.
func (a *Service) AddHouseholdMember(ctx context.Context, ac *gongzhi.Actor, householdID, personID int64) error {
	if err := kernel.Allow(ac, MayAddHouseholdMember(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		h, err := q.GetHousehold(ctx, kernel.PlaceScope(ac), householdID)
		if err != nil {
			return err
		}
		if personID <= 0 {
			return gongzhi.Invalid("person_id", "required")
		}
		p, err := q.GetPerson(ctx, kernel.OrgScope(ac), personID)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return gongzhi.Invalid("person_id", "person.household_place")
		} else if err != nil {
			return err
		}
		if !MayKeepPerson(ac, p) {
			return gongzhi.Forbidden()
		}
		switch {
		case p.PlaceCode != h.CommunityCode:
			return gongzhi.Invalid("person_id", "person.household_place")
		case p.Kind != "resident":
			return gongzhi.Invalid("person_id", "household.member_kind")
		case p.HouseholdID == h.ID:
			return gongzhi.Refused("person_id", "household.member_already") // once: the same request again, or at once, is a conflict
		}
		before := *p
		ok, err := q.SetPersonHousehold(ctx, p.ID, p.HouseholdID, h.ID, a.NowUTC())
		if err != nil {
			return err
		}
		if !ok {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"person_id": "state.changed"}}
		}
		p.HouseholdID, p.HouseholdAddr, p.UpdatedAt = h.ID, h.Address, a.NowUTC()
		return a.WriteAudit(ctx, q, ac, "update", kernel.ResPeople, kernel.Id10(p.ID), &before, p, "")
	})
}

// DeleteHousehold removes a household nobody is registered in.
func (a *Service) DeleteHousehold(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayWriteHouseholds(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetHousehold(ctx, kernel.PlaceScope(ac), id)
		if err != nil {
			return err
		}
		n, err := q.ListPeople(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"household": kernel.Id10(id)}, Limit: 1},
			func(*gongzhi.Person) error { return nil })
		if err != nil {
			return err
		}
		if n > 0 {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "household.has_people"}
		}
		if err := q.DeleteHousehold(ctx, id); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "delete", kernel.ResHouseholds, kernel.Id10(id), before, nil, "")
	})
}

// ---- organizations

// Organizations lists organizations in scope: a provider sees only its own.
func (a *Service) Organizations(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Organization) error) (int, error) {
	if err := kernel.Allow(ac, MayReadOrganizations(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListOrganizations(ctx, kernel.OrgScope(ac), opts, each)
}

// Organization returns an organization in scope.
func (a *Service) Organization(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Organization, error) {
	if err := kernel.Allow(ac, MayReadOrganizations(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetOrganization(ctx, kernel.OrgScope(ac), id)
}

func (a *Service) checkOrg(ctx context.Context, q *store.Q, ac *gongzhi.Actor, o *gongzhi.Organization) error {
	var ck gongzhi.Checks // every failed field at once
	if err := ck.Check(o.Validate()); err != nil {
		return err
	}
	if !ck.Failed("place_code") {
		if err := InScope(ac, "place_code", o.PlaceCode); err != nil && !gongzhi.OrgScoped(ac.Role()) {
			if err := ck.Check(err); err != nil {
				return err
			}
		}
	}
	if !ck.Failed("place_code") {
		if lvl, err := q.PlaceExists(ctx, o.PlaceCode); err != nil {
			return err
		} else if lvl == 0 {
			ck.Check(gongzhi.Invalid("place_code", "place.missing"))
		}
	}
	if o.CreditCode != "" && !ck.Failed("credit_code") {
		taken, err := q.CreditCodeTaken(ctx, o.CreditCode, o.ID)
		if err != nil {
			return err
		}
		if taken {
			ck.Check(&gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"credit_code": "credit_code.taken"}})
		}
	}
	return ck.Err()
}

// CreateOrganization registers an organization on a registry in the caller's scope. The
// purchaser and the hub may; a provider may not register others. Returns EINVALID for a bad
// credit code and ECONFLICT for one that is already registered.
func (a *Service) CreateOrganization(ctx context.Context, ac *gongzhi.Actor, o *gongzhi.Organization) error {
	if err := kernel.Allow(ac, MayRegisterOrganizations(ac)); err != nil {
		return err
	}
	o.ID, o.CreatedByImport = 0, "" // only an import marks what it registered
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := a.checkOrg(ctx, q, ac, o); err != nil {
			return err
		}
		if err := q.InsertOrganization(ctx, o, a.NowUTC()); err != nil {
			return uniqueCredit(err)
		}
		return a.WriteAudit(ctx, q, ac, "create", kernel.ResOrgs, kernel.Id10(o.ID), nil, o, "")
	})
}

func uniqueCredit(err error) error {
	if store.IsUnique(err, "") {
		return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"credit_code": "credit_code.taken"}}
	}
	return err
}

// UpdateOrganization saves an organization in scope. A provider may edit its own contacts,
// address, service fields, staff and notes, never its registration facts, grade or incubation
// stage, which the office and the hub keep.
func (a *Service) UpdateOrganization(ctx context.Context, ac *gongzhi.Actor, o *gongzhi.Organization) error {
	if err := kernel.Allow(ac, MayWriteOrganizations(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetOrganization(ctx, kernel.OrgScope(ac), o.ID)
		if err != nil {
			return err
		}
		if gongzhi.OrgScoped(ac.Role()) {
			o.Name, o.CreditCode, o.Type, o.RegState, o.Origin = before.Name, before.CreditCode, before.Type, before.RegState, before.Origin
			o.PlaceCode, o.Grade, o.Incubation, o.RegisteredOn = before.PlaceCode, before.Grade, before.Incubation, before.RegisteredOn
		}
		if err := a.checkOrg(ctx, q, ac, o); err != nil {
			return err
		}
		if err := q.UpdateOrganization(ctx, o, a.NowUTC()); err != nil {
			return uniqueCredit(err)
		}
		o.CreatedAt, o.CreatedByImport = before.CreatedAt, before.CreatedByImport
		return a.WriteAudit(ctx, q, ac, "update", kernel.ResOrgs, kernel.Id10(o.ID), before, o, "")
	})
}

// DeleteOrganization removes an organization that no account or person refers to.
func (a *Service) DeleteOrganization(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayRegisterOrganizations(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetOrganization(ctx, kernel.OrgScope(ac), id)
		if err != nil {
			return err
		}
		if err := q.DeleteOrganization(ctx, id); err != nil {
			if kernel.IsFK(err) {
				return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "org.in_use"}
			}
			return err
		}
		return a.WriteAudit(ctx, q, ac, "delete", kernel.ResOrgs, kernel.Id10(id), before, nil, "")
	})
}

// ---- people

// People lists people in scope: a provider sees its own staff and volunteers.
func (a *Service) People(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Person) error) (int, error) {
	if err := kernel.Allow(ac, MayReadPeople(ac)); err != nil {
		return 0, err
	}
	if v := opts.Filters["id_number"]; v != "" {
		delete(opts.Filters, "id_number")
		opts.Filters["id_hash"] = a.Box.Hash(gongzhi.NormalizeIDNumber(v), "people.id_number")
	}
	// a keyword that is a whole, well-formed ID number finds its holder through the same keyed
	// hash as the id_number filter (numbers are encrypted at rest: no part of one is searchable)
	if id := gongzhi.NormalizeIDNumber(opts.Q); id != "" && gongzhi.ValidateIDNumber(id, a.NowUTC()) == "" {
		if opts.Filters == nil {
			opts.Filters = map[string]string{}
		}
		opts.Filters["id_hash"], opts.Q = a.Box.Hash(id, "people.id_number"), ""
	}
	return a.DB.Q().ListPeople(ctx, kernel.OrgScope(ac), opts, each)
}

// Person returns a person in scope, ID number masked.
func (a *Service) Person(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Person, error) {
	if err := kernel.Allow(ac, MayReadPeople(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetPerson(ctx, kernel.OrgScope(ac), id)
}

// RevealIDNumber returns a person's full ID number to a role allowed to see it (community staff,
// grid workers), within scope, and records the view in the audit log.
func (a *Service) RevealIDNumber(ctx context.Context, ac *gongzhi.Actor, id int64) (string, error) {
	if err := kernel.Allow(ac, MayReadPeople(ac)); err != nil {
		return "", err
	}
	if !MayRevealID(ac) {
		return "", gongzhi.Forbidden()
	}
	var plain string
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		enc, err := q.PersonIDCipher(ctx, kernel.OrgScope(ac), id)
		if err != nil {
			return err
		}
		if enc == "" {
			return nil
		}
		if plain, err = a.Box.Open(enc, "people.id_number"); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "view_sensitive", kernel.ResPeople, kernel.Id10(id), nil, nil, "id_number")
	})
	return plain, err
}

// PersonKindsFor lists the kinds of people a role may register: a provider its own staff
// (social workers and volunteers), the hub social workers, volunteers and experts, community
// staff and grid workers residents and volunteers, the purchaser everyone.
func PersonKindsFor(ac *gongzhi.Actor) []string {
	switch ac.Role() {
	case gongzhi.RoleProvider:
		return []string{"social_worker", "volunteer"}
	case gongzhi.RoleHub:
		return []string{"social_worker", "volunteer", "expert"}
	case gongzhi.RoleCommunity, gongzhi.RoleGridWorker:
		return []string{"resident", "volunteer"}
	}
	return gongzhi.PersonKinds
}

// checkPerson validates a person and the references it makes, in the caller's scope, and
// returns the encrypted ID number to store (nil: keep the stored one). It runs checkPersonFields
// (no database), checkPersonRefs with one query per reference, and the uniqueness of the ID
// number, and refuses with every failed field at once. importPeople runs the same parts in the
// same order, with each distinct reference of a sheet looked up once.
func (a *Service) checkPerson(ctx context.Context, q *store.Q, ac *gongzhi.Actor, p *gongzhi.Person, groups []gongzhi.TargetGroup) (*store.PersonSecret, error) {
	f := gongzhi.FieldErrors{}
	if err := f.Merge(a.checkPersonFields(ac, p)); err != nil {
		return nil, err
	}
	if err := f.Merge(checkPersonRefs(ctx, queryRefs{q: q, ac: ac}, ac, p, groups)); err != nil {
		return nil, err
	}
	if p.IDNumber == "" || f["id_number"] != "" {
		return nil, f.Err()
	}
	sec := a.personSecret(p)
	other, err := q.PersonByIDHash(ctx, sec.Hash)
	if err != nil {
		return nil, err
	}
	if err := idNumberFree(p, other); err != nil {
		if len(f) == 0 {
			return nil, err // a conflict alone keeps its code
		}
		f.Merge(err)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return sec, nil
}

// checkPersonFields is the part of checkPerson that needs no database: the person's own fields
// (normalizing them, deriving the masked ID number, birth year and gender, which must agree with
// the ID number), the kinds of people the actor may register, and the place code's scope, every
// failed field at once. A provider's people join its organization.
func (a *Service) checkPersonFields(ac *gongzhi.Actor, p *gongzhi.Person) error {
	f := gongzhi.FieldErrors{}
	if err := f.Merge(p.Validate(a.NowUTC())); err != nil {
		return err
	}
	if !ac.IsSystem() && !slices.Contains(PersonKindsFor(ac), p.Kind) {
		f.Add("kind", "person.kind_role")
	}
	if gongzhi.OrgScoped(ac.Role()) {
		p.OrgID = ac.User.OrgID
	}
	if err := f.Merge(InScope(ac, "place_code", p.PlaceCode)); err != nil {
		return err
	}
	return f.Err()
}

// personRefs looks up what a person refers to, as the actor sees it.
type personRefs interface {
	// placeExists reports whether a place is stored; an error is the database's.
	placeExists(ctx context.Context, code string) (bool, error)
	// householdCommunity is the community of a household in the actor's scope ("" if none).
	householdCommunity(ctx context.Context, id int64) string
	// orgVisible reports whether the actor sees an organization.
	orgVisible(ctx context.Context, id int64) bool
}

// checkPersonRefs is the part of checkPerson that looks at other records: the place exists, the
// household is in the person's community and the organization is in the actor's scope (both
// looked up in scope), and the target groups are known; every failed reference at once.
func checkPersonRefs(ctx context.Context, refs personRefs, ac *gongzhi.Actor, p *gongzhi.Person, groups []gongzhi.TargetGroup) error {
	f := gongzhi.FieldErrors{}
	if ok, err := refs.placeExists(ctx, p.PlaceCode); err != nil {
		return err
	} else if !ok {
		f.Add("place_code", "place.missing")
	}
	if p.HouseholdID != 0 && refs.householdCommunity(ctx, p.HouseholdID) != p.PlaceCode {
		f.Add("household_id", "person.household_place")
	}
	if p.OrgID != 0 && !gongzhi.OrgScoped(ac.Role()) && !refs.orgVisible(ctx, p.OrgID) {
		f.Add("org_id", "org.missing")
	}
	for _, g := range p.TargetGroups {
		if !slices.ContainsFunc(groups, func(t gongzhi.TargetGroup) bool { return t.Code == g }) {
			f.Add("target_groups", "choice")
		}
	}
	return f.Err()
}

// queryRefs looks each reference up with its own query.
type queryRefs struct {
	q  *store.Q
	ac *gongzhi.Actor
}

func (r queryRefs) placeExists(ctx context.Context, code string) (bool, error) {
	lvl, err := r.q.PlaceExists(ctx, code)
	return lvl != 0, err
}

// householdCommunity: any failure to read the household, the database's included, means none.
// The system actor's place scope is the whole instance.
func (r queryRefs) householdCommunity(ctx context.Context, id int64) string {
	h, err := r.q.GetHousehold(ctx, kernel.PlaceScope(r.ac), id)
	if err != nil {
		return ""
	}
	return h.CommunityCode
}

// orgVisible: any failure to read the organization, the database's included, means not visible.
func (r queryRefs) orgVisible(ctx context.Context, id int64) bool {
	_, err := r.q.GetOrganization(ctx, kernel.OrgScope(r.ac), id)
	return err == nil
}

// personSecret encrypts the (validated, non-empty) ID number and computes its keyed hash.
func (a *Service) personSecret(p *gongzhi.Person) *store.PersonSecret {
	return &store.PersonSecret{Enc: a.Box.Seal(p.IDNumber, "people.id_number"), Hash: a.Box.Hash(p.IDNumber, "people.id_number")}
}

// idNumberFree refuses an ID number another person holds; other is the holder's ID (0: nobody).
func idNumberFree(p *gongzhi.Person, other int64) error {
	if other != 0 && other != p.ID {
		return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"id_number": "id_number.taken"}}
	}
	return nil
}

// CreatePerson registers a person in the caller's scope. A resident needs a valid ID number,
// unique across the instance.
func (a *Service) CreatePerson(ctx context.Context, ac *gongzhi.Actor, p *gongzhi.Person) error {
	if err := kernel.Allow(ac, MayWritePeople(ac)); err != nil {
		return err
	}
	groups, err := a.DB.Q().ListTargetGroups(ctx)
	if err != nil {
		return err
	}
	p.ID = 0
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		sec, err := a.checkPerson(ctx, q, ac, p, groups)
		if err != nil {
			return err
		}
		if sec == nil {
			sec = &store.PersonSecret{}
		}
		if err := q.InsertPerson(ctx, p, *sec, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", kernel.ResPeople, kernel.Id10(p.ID), nil, p, "")
	})
}

// UpdatePerson saves a person in scope, of a kind the caller keeps (MayKeepPerson; EFORBIDDEN
// otherwise). An empty ID number keeps the stored one.
func (a *Service) UpdatePerson(ctx context.Context, ac *gongzhi.Actor, p *gongzhi.Person) error {
	if err := kernel.Allow(ac, MayWritePeople(ac)); err != nil {
		return err
	}
	groups, err := a.DB.Q().ListTargetGroups(ctx)
	if err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetPerson(ctx, kernel.OrgScope(ac), p.ID)
		if err != nil {
			return err
		}
		if !MayKeepPerson(ac, before) {
			return gongzhi.Forbidden()
		}
		p.HasStoredID, p.IDMasked = before.IDMasked != "", before.IDMasked
		sec, err := a.checkPerson(ctx, q, ac, p, groups)
		if err != nil {
			return err
		}
		if sec == nil {
			p.IDMasked, p.BirthYear = before.IDMasked, before.BirthYear
		}
		err = q.UpdatePerson(ctx, p, sec, a.NowUTC())
		if err != nil {
			return err
		}
		p.CreatedAt = before.CreatedAt
		return a.WriteAudit(ctx, q, ac, "update", kernel.ResPeople, kernel.Id10(p.ID), before, p, "")
	})
}

// DeletePerson removes a person in scope.
func (a *Service) DeletePerson(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayDeletePeople(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetPerson(ctx, kernel.OrgScope(ac), id)
		if err != nil {
			return err
		}
		if !MayKeepPerson(ac, before) {
			return gongzhi.Forbidden()
		}
		if err := q.DeletePerson(ctx, id); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "delete", kernel.ResPeople, kernel.Id10(id), before, nil, "")
	})
}

// ---- target groups

// TargetGroups lists the target groups.
func (a *Service) TargetGroups(ctx context.Context, ac *gongzhi.Actor) ([]gongzhi.TargetGroup, error) {
	if err := kernel.Allow(ac, MayReadTargetGroups(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().ListTargetGroups(ctx)
}

// SaveTargetGroup adds an office-defined target group, or renames one. The purchaser may.
func (a *Service) SaveTargetGroup(ctx context.Context, ac *gongzhi.Actor, t *gongzhi.TargetGroup, create bool) error {
	if err := kernel.Allow(ac, MayWriteTargetGroups(ac)); err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		groups, err := q.ListTargetGroups(ctx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(groups, func(g gongzhi.TargetGroup) bool { return g.Code == t.Code })
		if create {
			if i >= 0 {
				return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"code": "code.taken"}}
			}
			if err := q.InsertTargetGroup(ctx, t, len(groups)+1, a.NowUTC()); err != nil {
				return err
			}
			return a.WriteAudit(ctx, q, ac, "create", kernel.ResTargetGroups, t.Code, nil, t, "")
		}
		if i < 0 {
			return gongzhi.NotFound()
		}
		t.Builtin = groups[i].Builtin
		if err := q.UpdateTargetGroup(ctx, t); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", kernel.ResTargetGroups, t.Code, groups[i], t, "")
	})
}

// ---- history

// History returns the change history (writes only) of a record the actor can see.
func (a *Service) History(ctx context.Context, ac *gongzhi.Actor, entity, id string) ([]*gongzhi.AuditEntry, error) {
	var err error
	n, _ := strconv.ParseInt(id, 10, 64)
	switch entity {
	case kernel.ResPlaces:
		_, err = a.Place(ctx, ac, id)
	case kernel.ResGrids:
		_, err = a.Grid(ctx, ac, n)
	case kernel.ResHouseholds:
		_, err = a.Household(ctx, ac, n)
	case kernel.ResOrgs:
		_, err = a.Organization(ctx, ac, n)
	case kernel.ResPeople:
		_, err = a.Person(ctx, ac, n)
	case kernel.ResUsers:
		_, err = a.User(ctx, ac, n)
	default:
		err = gongzhi.NotFound()
	}
	if err != nil {
		return nil, err
	}
	var out []*gongzhi.AuditEntry
	_, err = a.DB.Q().ListAudit(ctx, store.ListOptions{Filters: map[string]string{"entity": entity, "entity_id": id, "writes": "1"}, Limit: 200},
		func(e *gongzhi.AuditEntry) error { gongzhi.MaskAuditEntry(e); out = append(out, e); return nil })
	return out, err
}
