// The demo street's grid events (docs/events.md): the street's functional departments with the
// categories they handle, the department account in 城市管理办公室, and events of 中山社区 at
// every step of the seven — collected, registered, dispatched, handled, verified, closed and
// evaluated by the demo resident, rejected, sent back by a department, solved in the grid, one
// born of a household visit's finding (linked both ways), and one overdue and escalated — all
// through the services, as their users would.

package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/gridwork"
	"gongzhi/internal/store"
)

// DepartmentAccount is the demo's department account (城市管理办公室 of the street).
const DepartmentAccount = "gt-department"

func seedEvents(ctx context.Context, a *app.App) error {
	pac, err := demoActor(ctx, a, "gt-purchaser")
	if err != nil {
		return err
	}
	comm, err := demoActor(ctx, a, "zs-community")
	if err != nil {
		return err
	}
	grid, err := demoActor(ctx, a, "zs-grid")
	if err != nil {
		return err
	}
	dept, err := demoActor(ctx, a, DepartmentAccount)
	if err != nil {
		return err
	}
	res, err := demoActor(ctx, a, "zs-resident")
	if err != nil {
		return err
	}
	cats, err := a.EventsService.Categories(ctx, false)
	if err != nil {
		return err
	}
	cat := map[string]*gongzhi.EventCategory{}
	for _, c := range cats {
		cat[c.Code] = c
	}
	street := placeNameOf(StreetCode)
	depts := []struct {
		name, place string
		responsible []string
		also        []string
	}{
		{street + "城市管理办公室", StreetCode, []string{"sanitation", "building"}, []string{"facilities"}},
		{street + "综治中心", StreetCode, []string{"dispute", "order", "hazard"}, nil},
		{street + "社会事业办", StreetCode, []string{"livelihood", "other"}, nil},
		{street + "消防安全办公室", StreetCode, []string{"fire"}, []string{"hazard"}},
		{placeNameOf(DistrictCode) + "住房和城乡建设局", DistrictCode, []string{"facilities"}, []string{"building"}},
	}
	ids := map[string]int64{}
	for _, d := range depts {
		x := &gongzhi.Department{Name: d.name, PlaceCode: d.place, Phone: ""}
		for _, c := range d.also {
			x.Categories = append(x.Categories, cat[c].ID)
		}
		if err := a.EventsService.SaveDepartment(ctx, pac, x); err != nil {
			return fmt.Errorf("department %s: %w", d.name, err)
		}
		ids[d.name] = x.ID
		for _, c := range d.responsible {
			cc := *cat[c]
			cc.DepartmentID = x.ID
			if err := a.EventsService.SaveCategory(ctx, pac, &cc); err != nil {
				return fmt.Errorf("category %s: %w", c, err)
			}
		}
	}
	cg := ids[street+"城市管理办公室"]
	if err := a.EventsService.LinkDepartmentAccount(ctx, pac, cg, DepartmentAccount); err != nil {
		return err
	}
	// the grids of 中山社区
	var grids []*gongzhi.Grid
	if _, err := a.Grids(ctx, comm, store.ListOptions{Filters: map[string]string{}, Limit: 20}, func(g *gongzhi.Grid) error {
		grids = append(grids, g)
		return nil
	}); err != nil {
		return err
	}
	if len(grids) == 0 {
		return fmt.Errorf("no grids in %s", ZhongshanCode)
	}
	gridOf := func(i int) int64 { return grids[i%len(grids)].ID }
	saved := a.Now
	defer func() { a.Now = saved }()
	now := saved()
	at := func(d time.Duration) { t := now.Add(d); a.Now = func() time.Time { return t } }
	report := func(ac *gongzhi.Actor, n gongzhi.NewEvent) (*gongzhi.Event, error) {
		e, err := a.EventsService.ReportEvent(ctx, ac, n, nil)
		if err != nil {
			return nil, fmt.Errorf("report %s: %w", n.Title, err)
		}
		return e, nil
	}
	patrol := func(i int, code, title, desc string) gongzhi.NewEvent {
		return gongzhi.NewEvent{Source: gongzhi.SourcePatrol, CategoryID: cat[code].ID, GridID: gridOf(i), Title: title, Description: desc}
	}
	day := 24 * time.Hour

	// closed and evaluated: reported online by the demo resident three weeks ago
	at(-21 * day)
	e, err := report(res, gongzhi.NewEvent{CategoryID: cat["sanitation"].ID, CommunityCode: ZhongshanCode, Address: "中山社区 3 幢北侧",
		Title: "垃圾分类亭周边垃圾堆积", Description: "垃圾分类亭旁边堆了好几天的装修垃圾，气味很大。"})
	if err != nil {
		return err
	}
	at(-21*day + 2*time.Hour)
	if _, err := a.EventsService.Register(ctx, comm, e.ID, ""); err != nil {
		return err
	}
	at(-21*day + 3*time.Hour)
	if _, err := a.EventsService.Dispatch(ctx, comm, e.ID, cg, false, ""); err != nil {
		return err
	}
	at(-20 * day)
	if _, err := a.EventsService.Handle(ctx, dept, e.ID, "已安排保洁公司清运装修垃圾 2 车，并张贴装修垃圾规范投放告示。", nil); err != nil {
		return err
	}
	at(-19 * day)
	if _, err := a.EventsService.Verify(ctx, grid, e.ID, true, "现场已清理干净。", nil); err != nil {
		return err
	}
	at(-19*day + 2*time.Hour)
	if _, err := a.EventsService.Close(ctx, comm, e.ID, ""); err != nil {
		return err
	}
	at(-18 * day)
	if err := a.EventsService.Rate(ctx, res, e.ID, 5, "处理得很快，谢谢网格员。"); err != nil {
		return err
	}

	// solved in the grid and closed, two weeks ago
	at(-14 * day)
	if e, err = report(grid, patrol(1, "dispute", "邻里噪音纠纷", "5 幢 2 单元楼上楼下因夜间噪音发生争吵。")); err != nil {
		return err
	}
	steps := []func() error{
		func() error { _, err := a.EventsService.Register(ctx, comm, e.ID, ""); return err },
		func() error {
			_, err := a.EventsService.Dispatch(ctx, comm, e.ID, 0, true, "网格内调解")
			return err
		},
		func() error {
			_, err := a.EventsService.Handle(ctx, grid, e.ID, "网格员与调解员上门调解，双方达成谅解。", nil)
			return err
		},
		func() error { _, err := a.EventsService.Verify(ctx, grid, e.ID, true, "", nil); return err },
		func() error { _, err := a.EventsService.Close(ctx, comm, e.ID, ""); return err },
	}
	for i, f := range steps {
		at(-14*day + time.Duration(i+1)*3*time.Hour)
		if err := f(); err != nil {
			return err
		}
	}

	// rejected: a duplicate report
	at(-6 * day)
	if e, err = report(grid, patrol(2, "sanitation", "绿化带内垃圾", "与上周已处理的事件重复。")); err != nil {
		return err
	}
	at(-6*day + time.Hour)
	if _, err := a.EventsService.Reject(ctx, comm, e.ID, "与已办结事件重复，不予立案。"); err != nil {
		return err
	}

	// verified, waiting to be closed
	at(-4 * day)
	if e, err = report(grid, patrol(0, "building", "楼顶违章搭建彩钢棚", "12 幢楼顶新搭建彩钢棚约 20 平方米。")); err != nil {
		return err
	}
	for i, f := range []func() error{
		func() error { _, err := a.EventsService.Register(ctx, comm, e.ID, ""); return err },
		func() error { _, err := a.EventsService.Dispatch(ctx, comm, e.ID, cg, false, ""); return err },
		func() error {
			_, err := a.EventsService.Handle(ctx, dept, e.ID, "已下达限期拆除通知书，业主已自行拆除。", nil)
			return err
		},
		func() error {
			_, err := a.EventsService.Verify(ctx, grid, e.ID, true, "现场已拆除。", nil)
			return err
		},
	} {
		at(-4*day + time.Duration(i+1)*4*time.Hour)
		if err := f(); err != nil {
			return err
		}
	}

	// handled, waiting for the grid worker's check on site
	at(-2 * day)
	if e, err = report(grid, patrol(1, "facilities", "路灯不亮", "中山路 18 号至 26 号路段 3 盏路灯夜间不亮。")); err != nil {
		return err
	}
	for i, f := range []func() error{
		func() error { _, err := a.EventsService.Register(ctx, comm, e.ID, ""); return err },
		func() error { _, err := a.EventsService.Dispatch(ctx, comm, e.ID, cg, false, ""); return err },
		func() error {
			_, err := a.EventsService.Handle(ctx, dept, e.ID, "已更换灯泡 3 个，线路检查正常。", nil)
			return err
		},
	} {
		at(-2*day + time.Duration(i+1)*2*time.Hour)
		if err := f(); err != nil {
			return err
		}
	}

	// sent back by the department once, then dispatched again: being handled
	at(-1 * day)
	if e, err = report(comm, gongzhi.NewEvent{Source: gongzhi.SourceHotline, SourceRef: "12345-" + now.In(gongzhi.ChinaTime).Format("20060102") + "-0318",
		CategoryID: cat["sanitation"].ID, CommunityCode: ZhongshanCode, Address: "中山社区农贸市场东门", Title: "农贸市场门口占道经营",
		Description: "12345 热线转办：市民反映农贸市场东门早高峰占道经营严重。", ReporterName: "王女士", ReporterPhone: "13951234567"}); err != nil {
		return err
	}
	for i, f := range []func() error{
		func() error { _, err := a.EventsService.Register(ctx, comm, e.ID, ""); return err },
		func() error { _, err := a.EventsService.Dispatch(ctx, comm, e.ID, cg, false, ""); return err },
		func() error {
			_, err := a.EventsService.SendBack(ctx, dept, e.ID, "农贸市场内由市场管理方负责，请核实位置：东门外人行道归城管。")
			return err
		},
		func() error {
			_, err := a.EventsService.Dispatch(ctx, comm, e.ID, cg, false, "东门外人行道，请城管办处置")
			return err
		},
	} {
		at(-1*day + time.Duration(i+1)*time.Hour)
		if err := f(); err != nil {
			return err
		}
	}

	// registered, waiting to be dispatched; and collected, waiting to be registered
	at(-3 * time.Hour)
	if e, err = report(grid, patrol(2, "livelihood", "独居老人家中水管漏水", "8 幢 101 独居老人家中水管漏水，需要帮助维修。")); err != nil {
		return err
	}
	at(-2 * time.Hour)
	if _, err := a.EventsService.Register(ctx, comm, e.ID, ""); err != nil {
		return err
	}
	at(-1 * time.Hour)
	if _, err = report(grid, patrol(0, "hazard", "楼道堆放杂物堵塞消防通道", "3 幢 1 单元楼道堆放纸箱和旧家具。")); err != nil {
		return err
	}

	// a problem the grid worker found visiting a household, turned into an event (linked both
	// ways: the finding to its event, the event back to the finding), registered and being
	// solved in the grid
	var fid int64
	var ftext string
	if err := a.DB.Q().QueryRow(ctx, `SELECT f.id, f.description FROM visit_findings f JOIN visits v ON v.id = f.visit_id
		WHERE f.kind = 'problem' AND f.event_id IS NULL AND v.recorded_by = ? ORDER BY v.visited_on DESC, f.id LIMIT 1`,
		grid.User.ID).Scan(&fid, &ftext); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("a finding of zs-grid's visits: %w", err)
	}
	// (the visits are drawn at random: a street seeded otherwise, as a generated city's, may
	// have no problem among zs-grid's findings, and goes without this event)
	if fid != 0 {
		if err := findingEvent(ctx, a, grid, comm, fid, ftext, at); err != nil {
			return err
		}
	}

	// overdue: a fire-safety hazard collected ten days ago and never registered, escalated by
	// the scheduled job up to the district
	at(-10 * day)
	if _, err = report(grid, patrol(1, "fire", "电动车楼道充电", "6 幢 2 单元有电动车在楼道内飞线充电。")); err != nil {
		return err
	}
	a.Now = saved
	if _, err := a.EventsService.EscalateOverdueEvents(ctx, a.NowUTC()); err != nil {
		return err
	}
	return nil
}

// findingEvent turns a finding of the grid worker's visits into an event, registered and being
// solved in the grid.
func findingEvent(ctx context.Context, a *app.App, grid, comm *gongzhi.Actor, fid int64, ftext string, at func(time.Duration)) error {
	const day = 24 * time.Hour
	fcat := "other"
	for text, code := range map[string]string{"消防": "hazard", "矛盾": "dispute", "路灯": "facilities"} {
		if strings.Contains(ftext, text) {
			fcat = code
		}
	}
	at(-3 * day)
	e, err := a.FindingToEvent(ctx, grid, fid, gridwork.EventOfFinding{CategoryCode: fcat})
	if err != nil {
		return fmt.Errorf("finding to event: %w", err)
	}
	at(-3*day + 2*time.Hour)
	if _, err := a.EventsService.Register(ctx, comm, e.ID, ""); err != nil {
		return err
	}
	at(-3*day + 3*time.Hour)
	if _, err := a.EventsService.Dispatch(ctx, comm, e.ID, 0, true, "网格内协调处置"); err != nil {
		return err
	}
	return nil
}
