// Bulk imports of grids and households (ImportExcel and ImportCSV with kind "grids" or
// "households"), with the rules of the people import: every row checked like SaveGrid or
// SaveHousehold checks one, every problem reported by line and column, nothing imported if any
// row is bad, otherwise all rows in one transaction with one audit entry. Households carry a
// code (户编号) unique within their community, by which the people import links residents.

package registry

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

// GridColumns are the columns of the list of grids, in the order of the import template.
func GridColumns() []xlsx.Column {
	return []xlsx.Column{
		{Key: "community", Header: "所属社区（代码或名称）", Required: true, Note: "12位统计用区划代码或社区名称", Width: 24},
		{Key: "code", Header: "网格编号", Required: true, Note: "社区内唯一，如 01"},
		{Key: "name", Header: "网格名称", Required: true, Width: 20},
		{Key: "leader", Header: "网格长"},
		{Key: "phone", Header: "联系电话", Width: 14},
		{Key: "team", Header: "网格团队", Width: 30},
		{Key: "notes", Header: "备注", Width: 30},
	}
}

// HouseholdColumns are the columns of the list of households, in the order of the import
// template.
func HouseholdColumns() []xlsx.Column {
	return []xlsx.Column{
		{Key: "community", Header: "所属社区（代码或名称）", Required: true, Note: "12位统计用区划代码或社区名称", Width: 24},
		{Key: "code", Header: "户编号", Required: true, Note: "社区内唯一；导入居民时用它关联家庭", Width: 14},
		{Key: "grid", Header: "网格编号", Note: "该社区已有网格的编号，如 01；可不填"},
		{Key: "address", Header: "住址", Required: true, Width: 36},
		{Key: "head_name", Header: "户主"},
		{Key: "phone", Header: "联系电话", Width: 14},
		{Key: "members", Header: "家庭人数", Note: "整数，0–99"},
		{Key: "notes", Header: "备注", Width: 30},
	}
}

// communityRefs resolves the community column of a sheet once per distinct value: its code,
// or why it cannot be used, and the community's grids and household codes as they stand.
type communityRefs struct {
	a      *Service
	ac     *gongzhi.Actor
	rs     *refs
	checks map[string]string // community code → problem ("" if usable)
	grids  map[string]map[string]int64
	codes  map[string]map[string]int64
}

func (a *Service) newCommunityRefs(ac *gongzhi.Actor) *communityRefs {
	return &communityRefs{a: a, ac: ac, rs: a.newRefs(ac), checks: map[string]string{},
		grids: map[string]map[string]int64{}, codes: map[string]map[string]int64{}}
}

// community resolves a cell naming a community to its code; problems go to p under key.
func (cr *communityRefs) community(ctx context.Context, p *rowProblems, key, v string) (string, error) {
	ref, err := cr.rs.place(ctx, v)
	if err != nil || ref.reason != "" {
		if ref.reason != "" {
			p.add(key, ref.reason)
		}
		return "", err
	}
	reason, ok := cr.checks[ref.code]
	if !ok {
		if err := cr.a.CheckCommunity(ctx, cr.a.DB.Q(), cr.ac, key, ref.code); err != nil {
			var probs rowProblems
			if !probs.merge(err) {
				return "", err
			}
			reason = probs[key]
		}
		cr.checks[ref.code] = reason
	}
	if reason != "" {
		p.add(key, reason)
		return "", nil
	}
	return ref.code, nil
}

func (cr *communityRefs) gridCodes(ctx context.Context, community string) (map[string]int64, error) {
	m, ok := cr.grids[community]
	if !ok {
		var err error
		if m, err = cr.a.DB.Q().GridCodes(ctx, community); err != nil {
			return nil, err
		}
		cr.grids[community] = m
	}
	return m, nil
}

func (cr *communityRefs) householdCodes(ctx context.Context, community string) (map[string]int64, error) {
	m, ok := cr.codes[community]
	if !ok {
		var err error
		if m, err = cr.a.DB.Q().HouseholdCodes(ctx, community); err != nil {
			return nil, err
		}
		cr.codes[community] = m
	}
	return m, nil
}

// importGrids registers the grids of a sheet (rows as read with GridColumns). Permission and
// scope are those of SaveGrid; a grid number must be new in its community and appear once in
// the file. It returns the number of grids imported.
func (a *Service) importGrids(ctx context.Context, ac *gongzhi.Actor, rows []xlsx.Row, checkOnly bool) (int, error) {
	if err := kernel.Allow(ac, MayWriteGrids(ac)); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, importEmpty()
	}
	cols := GridColumns()
	cr := a.newCommunityRefs(ac)
	grids := make([]*gongzhi.Grid, len(rows))
	firstLine := map[string]int{} // community and number → first line
	var errs xlsx.Errors
	for i, r := range rows {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		var p rowProblems
		g := &gongzhi.Grid{Code: xlsx.FoldWidth(cell(r, "code")), Name: cell(r, "name"), Leader: cell(r, "leader"),
			Phone: xlsx.FoldWidth(cell(r, "phone")), Team: cell(r, "team"), Notes: cell(r, "notes")}
		if v := cell(r, "community"); v != "" {
			code, err := cr.community(ctx, &p, "community", v)
			if err != nil {
				return 0, err
			}
			g.CommunityCode = code
		}
		if err := g.Validate(); err != nil && !p.merge(err) {
			return 0, err
		}
		delete(p, "community_code") // reported under community
		if g.CommunityCode != "" && g.Code != "" && p["code"] == "" {
			have, err := cr.gridCodes(ctx, g.CommunityCode)
			if err != nil {
				return 0, err
			}
			p.codeOnce("grid", have, firstLine, g.CommunityCode, g.Code, r.Line)
		}
		p.appendTo(&errs, r.Line, cols)
		grids[i] = g
	}
	if len(errs) > 0 {
		return 0, errs
	}
	if checkOnly {
		return 0, nil
	}
	now := a.NowUTC()
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.InsertGridsBatch(ctx, grids, now); err != nil {
			if store.IsUnique(err, "") {
				return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"code": "grid.code_taken"}}
			}
			return err
		}
		return a.WriteAudit(ctx, q, ac, "import", kernel.ResGrids, "", nil, nil, fmt.Sprintf("%d rows", len(grids)))
	})
	if err != nil {
		return 0, err
	}
	return len(grids), nil
}

// importHouseholds registers the households of a sheet (rows as read with HouseholdColumns).
// Permission and scope are those of SaveHousehold; the grid, when given, is a grid number of the
// household's community; the household code must be new in its community and appear once in the
// file. It returns the number of households imported.
func (a *Service) importHouseholds(ctx context.Context, ac *gongzhi.Actor, rows []xlsx.Row, checkOnly bool) (int, error) {
	if err := kernel.Allow(ac, MayWriteHouseholds(ac)); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, importEmpty()
	}
	cols := HouseholdColumns()
	cr := a.newCommunityRefs(ac)
	hs := make([]*gongzhi.Household, len(rows))
	firstLine := make(map[string]int, len(rows))
	var errs xlsx.Errors
	for i, r := range rows {
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		var p rowProblems
		h := &gongzhi.Household{Code: xlsx.FoldWidth(cell(r, "code")), Address: cell(r, "address"), HeadName: cell(r, "head_name"),
			Phone: xlsx.FoldWidth(cell(r, "phone")), Members: p.integer(r, "members"), Notes: cell(r, "notes")}
		if v := cell(r, "community"); v != "" {
			code, err := cr.community(ctx, &p, "community", v)
			if err != nil {
				return 0, err
			}
			h.CommunityCode = code
		}
		if err := h.Validate(); err != nil && !p.merge(err) {
			return 0, err
		}
		delete(p, "community_code")
		if h.CommunityCode != "" {
			if v := xlsx.FoldWidth(cell(r, "grid")); v != "" {
				grids, err := cr.gridCodes(ctx, h.CommunityCode)
				if err != nil {
					return 0, err
				}
				if id, ok := grids[v]; ok {
					h.GridID = id
				} else {
					p.add("grid", "household.grid_missing")
				}
			}
			if h.Code != "" && p["code"] == "" {
				have, err := cr.householdCodes(ctx, h.CommunityCode)
				if err != nil {
					return 0, err
				}
				p.codeOnce("household", have, firstLine, h.CommunityCode, h.Code, r.Line)
			}
		}
		p.appendTo(&errs, r.Line, cols)
		hs[i] = h
	}
	clear(firstLine)
	if len(errs) > 0 {
		return 0, errs
	}
	if checkOnly {
		return 0, nil
	}
	now := a.NowUTC()
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		const chunk = 10000
		for start := 0; start < len(hs); start += chunk {
			if err := q.InsertHouseholdsBatch(ctx, hs[start:min(start+chunk, len(hs))], now); err != nil {
				if store.IsUnique(err, "") {
					return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"code": "household.code_taken"}}
				}
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "import", kernel.ResHouseholds, "", nil, nil, fmt.Sprintf("%d rows", len(hs)))
	})
	if err != nil {
		return 0, err
	}
	return len(hs), nil
}

// householdOf resolves the household column of the people import: a household code of the
// person's community (the place column), or "" for none.
func (cr *communityRefs) householdOf(ctx context.Context, p *rowProblems, community, code string) (int64, error) {
	code = strings.TrimSpace(xlsx.FoldWidth(code))
	if code == "" || community == "" {
		return 0, nil
	}
	have, err := cr.householdCodes(ctx, community)
	if err != nil {
		return 0, err
	}
	id, ok := have[code]
	if !ok {
		p.add("household", "household.code_missing")
	}
	return id, nil
}

// codeOnce reports a code (of a grid or household: kind) that the community already holds
// (have) or that an earlier line of the file gave in the same community (firstLine, which it
// fills).
func (p *rowProblems) codeOnce(kind string, have map[string]int64, firstLine map[string]int, community, code string, line int) {
	key := community + "\x00" + code
	if _, ok := have[code]; ok {
		p.add("code", kind+".code_taken")
	} else if first, ok := firstLine[key]; ok {
		p.add("code", kind+".code_duplicate_in_file:"+strconv.Itoa(first))
	} else {
		firstLine[key] = line
	}
}
