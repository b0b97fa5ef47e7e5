// The demo street's grid work (docs/grids.md): every grid's team (residents of the grid as its
// 网格长, a part-time worker standing in for the leader, a party-group leader and a volunteer), its responsibility list, boundaries imported by the office as
// GeoJSON, and a quarter of household visits — most households visited, vulnerable ones monthly,
// some overdue — with findings, a few of them turned into needs. All through the services, as
// the people would; zs-grid is linked to its own record and visits its grid itself.

package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/gridwork"
)

// Where the street's communities lie, roughly: 葛塘 is at about 118.83° E, 32.27° N; each
// community a block of the street, its grids strips of it.
const (
	mapLng0, mapLat0 = 118.800, 32.250
	blockW, blockH   = 0.018, 0.014
)

var visitSituations = []string{
	"家中整洁，老人身体状况良好，按时服药。",
	"一家人在家，生活正常，对社区服务满意。",
	"住户外出务工，见到家中老人，情况稳定。",
	"家中有小孩上学，家长反映接送不便。",
	"老人独自在家，精神尚可，子女每周回来一次。",
	"房屋老旧，楼道灯不亮，已提醒物业。",
	"住户刚搬入，已登记家庭成员信息并宣传社区服务。",
	"残疾人家庭，护理补贴已按时发放，生活基本稳定。",
}

type demoFinding struct {
	kind, text, group, category string
}

var visitFindings = []demoFinding{
	{"need", "独居老人希望有人定期上门助浴、打扫卫生", "elderly_alone", "elderly_home_care"},
	{"need", "老人腿脚不便，希望社区提供助餐送餐服务", "elderly", "elderly_home_care"},
	{"need", "家长希望放学后有课后托管和作业辅导", "children", "community_social_work"},
	{"need", "残疾人家属希望得到康复训练指导和喘息服务", "disabled", "community_social_work"},
	{"need", "困难家庭希望了解临时救助政策，需要社工帮助申请", "hardship", "community_social_work"},
	{"problem", "楼道堆放杂物，存在消防安全隐患", "", ""},
	{"problem", "楼上住户漏水，邻里之间有矛盾", "", ""},
	{"problem", "小区路灯损坏，夜间出行不便", "", ""},
}

var gridDuties = []gongzhi.GridDuty{
	{Title: "入户走访", Detail: "每季度走访网格内全部住户，独居、残疾、困难等重点户每月一次，发现问题及时记录上报", Post: "leader"},
	{Title: "矛盾纠纷排查化解", Detail: "摸排邻里、家庭矛盾，小事不出网格，化解不了的上报社区", Post: "party_group"},
	{Title: "安全隐患巡查", Detail: "每周巡查楼道、消防通道、电动车充电等安全隐患", Post: "part_time"},
	{Title: "政策宣传与民情收集", Detail: "宣传惠民政策，收集居民需求和意见建议", Post: "volunteer"},
}

// seedGridWork gives the demo street's grids their teams, lists, boundaries and a quarter of
// visits up to now.
func seedGridWork(ctx context.Context, a *app.App, p *plan, seed int64, now time.Time) error {
	r := rand.New(rand.NewPCG(uint64(seed), 0x67726964)) // "grid": a source of its own, leaving the street's as it was
	sys := gongzhi.SystemActor("demo")
	zsGrid, err := demoActor(ctx, a, "zs-grid")
	if err != nil {
		return err
	}
	pur, err := demoActor(ctx, a, "gt-purchaser")
	if err != nil {
		return err
	}
	// people whose own accounts are linked already (residents who signed up) are not asked to
	// join a grid team here: zs-grid's account is linked to its team leader below
	linked := map[int64]bool{}
	rows, err := a.DB.Q().Query(ctx, `SELECT person_id FROM users WHERE person_id IS NOT NULL`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		linked[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	today := now.In(gongzhi.ChinaTime)
	var features []map[string]any
	block := 0
	for _, c := range p.communities {
		if c.code[:9] != StreetCode[:9] {
			continue
		}
		bx, by := mapLng0+float64(block%4)*blockW, mapLat0+float64(block/4)*blockH
		block++
		// the strips' dividing lines, shared by neighbours: bottom, middle and top x of each
		n := len(c.grids)
		lines := make([][3]float64, n+1)
		for i := range lines {
			x := bx + blockW*float64(i)/float64(n)
			if i == 0 || i == n {
				lines[i] = [3]float64{x, x, x}
				continue
			}
			j := blockW / float64(n) / 5
			lines[i] = [3]float64{x + (r.Float64()-0.5)*j, x + (r.Float64()-0.5)*j, x + (r.Float64()-0.5)*j}
		}
		for i, gp := range c.grids {
			l, rt := lines[i], lines[i+1]
			ring := [][2]float64{{l[0], by}, {rt[0], by}, {rt[1], by + blockH/2}, {rt[2], by + blockH}, {l[2], by + blockH}, {l[1], by + blockH/2}, {l[0], by}}
			for k := range ring {
				ring[k] = [2]float64{round6(ring[k][0]), round6(ring[k][1])}
			}
			features = append(features, map[string]any{"type": "Feature",
				"properties": map[string]string{"grid_code": gp.g.Code, "community_code": c.code, "name": gp.g.Name},
				"geometry":   map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}}})
		}
	}
	geo, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": features})
	if err != nil {
		return err
	}
	if _, err := a.ImportBoundaries(ctx, pur, StreetCode, geo); err != nil {
		return fmt.Errorf("boundaries: %w", err)
	}

	needsLeft := 6 // findings turned into needs
	for _, c := range p.communities {
		for gi, gp := range c.grids {
			// the team: four adults of the grid's households, the second standing in for the
			// first (AB岗)
			posts := []string{"leader", "part_time", "party_group", "volunteer"}
			var leader *gongzhi.GridMember
			for _, hp := range gp.households {
				if len(posts) == 0 {
					break
				}
				for _, res := range hp.residents {
					if age := refYear - res.BirthYear; age < 25 || age > 62 || hp.noGrid || linked[res.ID] {
						continue
					}
					m := &gongzhi.GridMember{GridID: gp.g.ID, PersonID: res.ID, Post: posts[0]}
					if leader != nil && posts[0] == "part_time" {
						m.BackupOf = leader.ID
					}
					if err := a.GridworkService.AddMember(ctx, sys, m); err != nil {
						return fmt.Errorf("team of %s: %w", gp.g.Name, err)
					}
					if leader == nil {
						leader = m
					}
					posts = posts[1:]
					break
				}
			}
			for _, d := range gridDuties {
				d.GridID = gp.g.ID
				if err := a.AddDuty(ctx, sys, &d); err != nil {
					return fmt.Errorf("duties of %s: %w", gp.g.Name, err)
				}
			}
			// who visits: zs-grid its own grid, linked to its record; the grid's leader elsewhere
			visitor := &gongzhi.Actor{User: &gongzhi.User{Username: "system", DisplayName: gp.g.Leader, Role: gongzhi.RoleSysAdmin}, Via: "demo"}
			if c.code == ZhongshanCode && gi == 0 && leader != nil {
				if err := a.LinkGridWorkerAccount(ctx, sys, zsGrid.User.ID, leader.PersonID); err != nil {
					return fmt.Errorf("link zs-grid: %w", err)
				}
				visitor = zsGrid
			}
			if err := seedVisits(ctx, a, r, visitor, gp, today, &needsLeft, c.code == ZhongshanCode && gi == 0); err != nil {
				return fmt.Errorf("visits of %s: %w", gp.g.Name, err)
			}
		}
	}
	return nil
}

func round6(x float64) float64 { return float64(int64(x*1e6+0.5)) / 1e6 }

// seedVisits records a quarter of visits of a grid's households up to today: about one in ten
// households not visited yet (overdue), the vulnerable ones monthly but some a month late.
// mine leaves a few more overdue for the grid worker to go to.
func seedVisits(ctx context.Context, a *app.App, r *rand.Rand, ac *gongzhi.Actor, gp *gridPlan, today time.Time, needsLeft *int, mine bool) error {
	skip := 0.1
	if mine {
		skip = 0.25
	}
	for _, hp := range gp.households {
		if hp.noGrid || r.Float64() < skip {
			continue
		}
		vulnerable := false
		for _, res := range hp.residents {
			for _, tg := range res.TargetGroups {
				if tg == "elderly_alone" || tg == "disabled" || tg == "hardship" {
					vulnerable = true
				}
			}
		}
		days := []int{r.IntN(80) + 3} // days ago
		if vulnerable {
			days = []int{r.IntN(8) + 62, r.IntN(8) + 33, r.IntN(25) + 2}
			if r.Float64() < 0.25 { // the last visit of the quarter is late
				days = days[:2]
			}
		}
		for _, ago := range days {
			v := &gongzhi.Visit{HouseholdID: hp.h.ID, VisitedOn: today.AddDate(0, 0, -ago).Format(time.DateOnly),
				Situation: visitSituations[r.IntN(len(visitSituations))]}
			for _, res := range hp.residents {
				if len(v.PeopleMet) < 2 && refYear-res.BirthYear >= 16 {
					v.PeopleMet = append(v.PeopleMet, res.ID)
				}
			}
			var f *demoFinding
			if r.Float64() < 0.15 {
				f = &visitFindings[r.IntN(len(visitFindings))]
				v.Findings = []gongzhi.VisitFinding{{Kind: f.kind, Description: f.text}}
			}
			if err := a.RecordVisit(ctx, ac, v); err != nil {
				return err
			}
			if f != nil && f.kind == "need" && *needsLeft > 0 {
				if _, err := a.FindingToNeed(ctx, ac, v.Findings[0].ID, gridwork.NeedOfFinding{TargetGroup: f.group, CategoryCode: f.category}); err != nil {
					return fmt.Errorf("finding to need: %w", err)
				}
				*needsLeft--
			}
		}
	}
	return nil
}
