// Grid teams and responsibility lists.
//
// Who may do what (rules.go):
//   - community staff add people of the registry to a grid's team in a post (网格长, 专职网格员,
//     兼职网格员, 社区民警, 家庭医生, 教师, 党小组长, 志愿者), name the member each stands in for
//     (AB岗), remove members, and keep the grid's responsibility list (责任清单);
//   - everyone who reads the grids reads teams and lists.
//
// Once: a person is on a grid's team once (UNIQUE (grid_id, person_id): ECONFLICT person_id:
// grid.member_taken); removing a member or a duty already gone answers ECONFLICT (grid.gone).
// Errors: a grid or person outside scope answers ENOTFOUND / EINVALID (person_id:
// grid.person_unknown); a stand-in who is not on the same team EINVALID (backup_of:
// grid.backup_unknown). Every write is one transaction with its audit entry.

package gridwork

import (
	"context"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// GridPage is what a grid's page shows: the grid with its free-text leader and team (kept from
// the registry), its team of people, its responsibility list and its visit figures for the
// quarter.
type GridPage struct {
	Grid    *gongzhi.Grid         `json:"grid"`
	Members []*gongzhi.GridMember `json:"members"`
	Duties  []*gongzhi.GridDuty   `json:"duties"`
	Period  string                `json:"period"`
	Rate    gongzhi.VisitRate     `json:"rate"`
	// Households are the grid's households with their last visit and the plan's visits of the
	// quarter (only for those who may read visits).
	Households []*gongzhi.HouseholdVisitState `json:"households"`
	Shape      *gongzhi.GridShape             `json:"shape,omitempty"`
	// Events are the grid's events (open and overdue counts, the latest), for those who read
	// events.
	Events *gongzhi.GridEvents `json:"events,omitempty"`
}

// gridPageEvents is how many of a grid's latest events its page lists.
const gridPageEvents = 10

// GridPage returns a grid in scope with its team, list, visit figures for the quarter of today
// and, for those who read visits, its households.
func (a *Service) GridPage(ctx context.Context, ac *gongzhi.Actor, id int64) (*GridPage, error) {
	if err := kernel.Allow(ac, MayReadGridWork(ac)); err != nil {
		return nil, err
	}
	q := a.DB.Q()
	g, err := q.GetGrid(ctx, kernel.PlaceScope(ac), id)
	if err != nil {
		return nil, err
	}
	p := &GridPage{Grid: g}
	if p.Members, err = q.GridMembers(ctx, id); err != nil {
		return nil, err
	}
	if p.Duties, err = q.GridDuties(ctx, id); err != nil {
		return nil, err
	}
	today := a.NowUTC().In(gongzhi.ChinaTime)
	period, from, until := gongzhi.Quarter(today)
	p.Period = period
	states, err := a.states(ctx, q, kernel.PlaceScope(ac), store.HouseholdFilter{GridIDs: []int64{id}}, from, until, today)
	if err != nil {
		return nil, err
	}
	p.Rate = rateOf(states, today)
	p.Rate.Code, p.Rate.Name, p.Rate.GridID = kernel.Id10(id), g.Name, id
	if MayReadVisits(ac) {
		p.Households = states
	}
	if a.GridEvents != nil {
		if p.Events, err = a.GridEvents(ctx, ac, id, gridPageEvents); err != nil {
			return nil, err
		}
	}
	if p.Households == nil {
		p.Households = []*gongzhi.HouseholdVisitState{}
	}
	if p.Members == nil {
		p.Members = []*gongzhi.GridMember{}
	}
	if p.Duties == nil {
		p.Duties = []*gongzhi.GridDuty{}
	}
	if p.Shape, err = q.GridShape(ctx, kernel.PlaceScope(ac), id); err != nil {
		return nil, err
	}
	return p, nil
}

// Grid returns a grid within the actor's scope, without its page's figures.
func (a *Service) Grid(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Grid, error) {
	if err := kernel.Allow(ac, MayReadGridWork(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetGrid(ctx, kernel.PlaceScope(ac), id)
}

// gridForWrite returns a grid in scope for a write by community staff.
func gridForWrite(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Grid, error) {
	return q.GetGrid(ctx, kernel.PlaceScope(ac), id)
}

// AddMember puts a person of the registry on a grid's team in a post, standing in (AB岗) for
// another member of the same team if BackupOf is set.
func (a *Service) AddMember(ctx context.Context, ac *gongzhi.Actor, m *gongzhi.GridMember) error {
	if err := kernel.Allow(ac, MayKeepGridTeams(ac)); err != nil {
		return err
	}
	var ck gongzhi.Checks
	ck.Check(m.Validate())
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := gridForWrite(ctx, q, ac, m.GridID); err != nil {
			return err
		}
		if !ck.Failed("person_id") {
			p, err := q.GetPerson(ctx, kernel.OrgScope(ac), m.PersonID)
			if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
				ck.Check(gongzhi.Invalid("person_id", "grid.person_unknown"))
			} else if err != nil {
				return err
			} else {
				m.PersonName, m.Phone = p.Name, p.Phone
			}
		}
		if m.BackupOf != 0 {
			b, err := q.GetGridMember(ctx, m.BackupOf)
			if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND || (err == nil && (b.GridID != m.GridID || b.PersonID == m.PersonID)) {
				ck.Check(gongzhi.Invalid("backup_of", "grid.backup_unknown"))
			} else if err != nil {
				return err
			} else {
				m.BackupName = b.PersonName
			}
		}
		if err := ck.Err(); err != nil {
			return err
		}
		if err := q.InsertGridMember(ctx, m, a.NowUTC()); store.IsUnique(err, "") {
			return gongzhi.Refused("person_id", "grid.member_taken")
		} else if err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResMembers, kernel.Id10(m.ID), nil, m, "")
	})
}

// RemoveMember takes a member off its grid's team; those standing in for it stand in for no one.
func (a *Service) RemoveMember(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayKeepGridTeams(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		m, err := q.GetGridMember(ctx, id)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return gongzhi.Refused("id", "grid.gone")
		} else if err != nil {
			return err
		}
		if _, err := gridForWrite(ctx, q, ac, m.GridID); err != nil {
			return err
		}
		if ok, err := q.DeleteGridMember(ctx, id); err != nil {
			return err
		} else if !ok {
			return gongzhi.Refused("id", "grid.gone")
		}
		return a.WriteAudit(ctx, q, ac, "delete", ResMembers, kernel.Id10(id), m, nil, "")
	})
}

// AddDuty adds a line to a grid's responsibility list.
func (a *Service) AddDuty(ctx context.Context, ac *gongzhi.Actor, d *gongzhi.GridDuty) error {
	if err := kernel.Allow(ac, MayKeepGridTeams(ac)); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := gridForWrite(ctx, q, ac, d.GridID); err != nil {
			return err
		}
		if err := q.InsertGridDuty(ctx, d, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResDuties, kernel.Id10(d.ID), nil, d, "")
	})
}

// RemoveDuty removes a line of a grid's responsibility list.
func (a *Service) RemoveDuty(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayKeepGridTeams(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		d, err := q.GetGridDuty(ctx, id)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return gongzhi.Refused("id", "grid.gone")
		} else if err != nil {
			return err
		}
		if _, err := gridForWrite(ctx, q, ac, d.GridID); err != nil {
			return err
		}
		if ok, err := q.DeleteGridDuty(ctx, id); err != nil {
			return err
		} else if !ok {
			return gongzhi.Refused("id", "grid.gone")
		}
		return a.WriteAudit(ctx, q, ac, "delete", ResDuties, kernel.Id10(id), d, nil, "")
	})
}

// LinkGridWorkerAccount links a grid worker's account to the worker's own record in the
// registry (a resident of their community), so that their home page and overdue list are those
// of the grids whose team holds them (MyGrids). Community staff of the account's place may.
// Refuses an account that is not a grid worker's of the caller's place (EINVALID user_id:
// gridwork.not_grid_worker) and a person outside it (person_id: grid.person_unknown); a person
// linked to another account ECONFLICT (link.person_taken), as every link of an account.
func (a *Service) LinkGridWorkerAccount(ctx context.Context, ac *gongzhi.Actor, userID, personID int64) error {
	if err := kernel.Allow(ac, MayKeepGridTeams(ac)); err != nil {
		return err
	}
	return a.LinkAccountPerson(ctx, ac, userID, personID, "grid_worker_link",
		func(u *gongzhi.User) error {
			if u.Role != gongzhi.RoleGridWorker || !kernel.InPlace(ac, u.PlaceCode) {
				return gongzhi.Invalid("user_id", "gridwork.not_grid_worker")
			}
			return nil
		},
		func(p *gongzhi.Person, err error) error {
			if err != nil || p.Kind != "resident" || !kernel.InPlace(ac, p.PlaceCode) {
				return gongzhi.Invalid("person_id", "grid.person_unknown")
			}
			return nil
		})
}
