// Grids and households under a community.

package store

import (
	"context"
	"time"

	"gongzhi"
)

const gridListCols = `g.id, g.community_code, COALESCE(c.name, ''), g.code, g.name, g.leader, g.phone, g.team, g.notes, g.updated_at`

const gridCols = gridListCols + `, (SELECT COUNT(*) FROM households h WHERE h.grid_id = g.id)`

func scanGrid(s scanner) (*gongzhi.Grid, error) {
	var g gongzhi.Grid
	err := s.Scan(&g.ID, &g.CommunityCode, &g.CommunityName, &g.Code, &g.Name, &g.Leader, &g.Phone, &g.Team, &g.Notes, &g.UpdatedAt, &g.Households)
	return &g, mapErr(err)
}

func scanGridRow(s scanner) (*gongzhi.Grid, error) {
	var g gongzhi.Grid
	err := s.Scan(&g.ID, &g.CommunityCode, &g.CommunityName, &g.Code, &g.Name, &g.Leader, &g.Phone, &g.Team, &g.Notes, &g.UpdatedAt)
	return &g, mapErr(err)
}

// gridHouseholds sets the household counts of a page of grids in one grouped query.
func (q *Q) gridHouseholds(ctx context.Context, gs []*gongzhi.Grid) error {
	b := []byte(`SELECT grid_id, COUNT(*) FROM households WHERE grid_id IN (`)
	args := make([]any, len(gs))
	byID := make(map[int64]*gongzhi.Grid, len(gs))
	for i, g := range gs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
		args[i], byID[g.ID] = g.ID, g
	}
	rows, err := q.Query(ctx, string(b)+`) GROUP BY grid_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return mapErr(err)
		}
		byID[id].Households = n
	}
	return mapErr(rows.Err())
}

const gridFrom = "grids g LEFT JOIN places c ON c.code = g.community_code"

// GetGrid returns a grid within scope.
func (q *Q) GetGrid(ctx context.Context, s Scope, id int64) (*gongzhi.Grid, error) {
	w := &where{}
	w.add("g.id = ?", id)
	placeScope(w, "g.community_code", s)
	return scanGrid(q.QueryRow(ctx, "SELECT "+gridCols+" FROM "+gridFrom+w.sql(), w.args...))
}

var gridSorts = map[string]string{"code": "g.community_code, g.code", "name": "g.name", "updated_at": "g.updated_at"}

// ListGrids lists grids. Filters: community.
func (q *Q) ListGrids(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Grid) error) (int, error) {
	w := &where{}
	placeScope(w, "g.community_code", s)
	w.search(opts.Q, "g.name", "g.code", "g.leader")
	if v := opts.Filters["community"]; v != "" {
		w.under("g.community_code", v)
	}
	return listWith(ctx, q, gridListCols, gridFrom, w, orderBy(opts, gridSorts, "g.community_code, g.code, g.id", "g.id"), opts,
		scanGridRow, func(gs []*gongzhi.Grid) error { return q.gridHouseholds(ctx, gs) }, each)
}

// InsertGrid adds a grid.
func (q *Q) InsertGrid(ctx context.Context, g *gongzhi.Grid, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO grids (community_code, code, name, leader, phone, team, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, g.CommunityCode, g.Code, g.Name, g.Leader, g.Phone, g.Team, g.Notes, now.UTC(), now.UTC())
	g.ID = id
	return err
}

// UpdateGrid saves a grid.
func (q *Q) UpdateGrid(ctx context.Context, g *gongzhi.Grid, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE grids SET community_code = ?, code = ?, name = ?, leader = ?, phone = ?, team = ?, notes = ?, updated_at = ?
		WHERE id = ?`, g.CommunityCode, g.Code, g.Name, g.Leader, g.Phone, g.Team, g.Notes, now.UTC(), g.ID)
	return err
}

// GridAttachments counts what is attached to a grid, by kind: households, team members,
// duties, boundary (0 or 1), visits and events.
func (q *Q) GridAttachments(ctx context.Context, id int64) (map[string]int, error) {
	out := map[string]int{}
	for _, k := range []struct{ kind, table string }{{"households", "households"}, {"members", "grid_members"}, {"duties", "grid_duties"},
		{"boundary", "grid_boundaries"}, {"visits", "visits"}, {"events", "events"}} {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM `+k.table+` WHERE grid_id = ?`, id).Scan(&n); err != nil {
			return nil, err
		}
		out[k.kind] = n
	}
	return out, nil
}

// DeleteGrid removes a grid that no household uses.
func (q *Q) DeleteGrid(ctx context.Context, id int64) error {
	return q.deleteOne(ctx, "grids", id)
}

const householdCols = `h.id, h.community_code, COALESCE(c.name, ''), COALESCE(h.grid_id, 0), COALESCE(g.name, ''), h.code, h.address, h.head_name,
	h.phone, h.members, h.notes, h.updated_at`

const householdFrom = "households h LEFT JOIN places c ON c.code = h.community_code LEFT JOIN grids g ON g.id = h.grid_id"

func scanHousehold(s scanner) (*gongzhi.Household, error) {
	var h gongzhi.Household
	err := s.Scan(&h.ID, &h.CommunityCode, &h.CommunityName, &h.GridID, &h.GridName, &h.Code, &h.Address, &h.HeadName, &h.Phone, &h.Members, &h.Notes, &h.UpdatedAt)
	return &h, mapErr(err)
}

// GetHousehold returns a household within scope.
func (q *Q) GetHousehold(ctx context.Context, s Scope, id int64) (*gongzhi.Household, error) {
	w := &where{}
	w.add("h.id = ?", id)
	placeScope(w, "h.community_code", s)
	return scanHousehold(q.QueryRow(ctx, "SELECT "+householdCols+" FROM "+householdFrom+w.sql(), w.args...))
}

var householdSorts = map[string]string{"address": "h.address", "members": "h.members", "updated_at": "h.updated_at", "head_name": "h.head_name"}

// ListHouseholds lists households. Filters: community, grid, no_grid ("1").
func (q *Q) ListHouseholds(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Household) error) (int, error) {
	w := &where{}
	placeScope(w, "h.community_code", s)
	w.search(opts.Q, "h.address", "h.head_name")
	if v := opts.Filters["community"]; v != "" {
		w.under("h.community_code", v)
	}
	if v := opts.Filters["grid"]; v != "" {
		w.add("h.grid_id = ?", atoiOr(v, -1))
	}
	if opts.Filters["no_grid"] == "1" {
		w.add("h.grid_id IS NULL")
	}
	return list(ctx, q, householdCols, householdFrom, w, orderBy(opts, householdSorts, "h.community_code, h.id", "h.id"), opts, scanHousehold, each)
}

// InsertHousehold adds a household.
func (q *Q) InsertHousehold(ctx context.Context, h *gongzhi.Household, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO households (community_code, grid_id, code, address, head_name, phone, members, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.CommunityCode, nullID(h.GridID), h.Code, h.Address, h.HeadName, h.Phone, h.Members, h.Notes, now.UTC(), now.UTC())
	h.ID = id
	return err
}

// UpdateHousehold saves a household.
func (q *Q) UpdateHousehold(ctx context.Context, h *gongzhi.Household, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE households SET community_code = ?, grid_id = ?, code = ?, address = ?, head_name = ?, phone = ?, members = ?, notes = ?, updated_at = ?
		WHERE id = ?`, h.CommunityCode, nullID(h.GridID), h.Code, h.Address, h.HeadName, h.Phone, h.Members, h.Notes, now.UTC(), h.ID)
	return err
}

// DeleteHousehold removes a household nobody is registered in.
func (q *Q) DeleteHousehold(ctx context.Context, id int64) error {
	return q.deleteOne(ctx, "households", id)
}
