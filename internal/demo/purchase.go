// The demo street's purchasing year: the street's venture-philanthropy budget, residents' needs
// heard in its communities, and a call open for applications (two already in, the demo
// provider's still to write), so that the whole cycle can be tried at once; the calls at the
// later stages are in stages.go (docs/domain.md §3.3: a street's first call took 38 applications and funded 17,
// each 20,000–90,000 yuan).

package demo

import (
	"context"
	"fmt"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
)

// CallTitle is the demo's open call.
const CallTitle = "葛塘街道“邻里守望”社区公益创投（演示）"

type demoNeed struct {
	community, group, category, text string
	people                           int
	source                           string
}

var demoNeeds = []demoNeed{
	{ZhongshanCode, "elderly_alone", "elderly_home_care", "独居高龄老人午餐无人照料，希望社区提供助餐和定期探访。", 86, "household_visit"},
	{ZhongshanCode, "left_behind_children", "community_social_work", "放学后无人看护的留守儿童较多，需要课后托管和心理陪伴。", 42, "grid_report"},
	{"320116004005", "elderly", "elderly_home_care", "老年人慢病管理意识弱，希望开展健康讲座和上门测血压。", 130, "salon"},
	{"320116004007", "disabled", "community_social_work", "残疾人就业和康复信息缺乏，需要个案跟进与资源链接。", 25, "hub_reception"},
	{"320116004008", "migrants", "community_social_work", "新市民融入困难，邻里互不相识，希望组织邻里活动。", 200, "online"},
	{"320116004200", "elderly_alone", "elderly_home_care", "村里独居老人冬季取暖和用电安全隐患多。", 58, "household_visit"},
	{"320116004009", "hardship", "community_social_work", "困难家庭子女学业辅导需求。", 31, "grid_report"},
}

// seedPurchasing records the demo's budget, needs and open call as the demo purchaser would.
func seedPurchasing(ctx context.Context, a *app.App, ac *gongzhi.Actor, orgIDs map[string]int64, now time.Time) error {
	b := &gongzhi.Budget{PlaceCode: StreetCode, FiscalYear: now.Year(), Level: "street", Fund: "fiscal",
		Name: fmt.Sprintf("葛塘街道%d年度公益创投资金", now.Year()), Amount: gongzhi.Yuan(1_000_000)}
	if err := a.CreateBudget(ctx, ac, b); err != nil {
		return fmt.Errorf("budget: %w", err)
	}
	var needIDs []int64
	for _, dn := range demoNeeds {
		n := &gongzhi.Need{CommunityCode: dn.community, TargetGroup: dn.group, CategoryCode: dn.category, Description: dn.text,
			PeopleAffected: dn.people, Source: dn.source}
		if err := a.RecordNeed(ctx, ac, n); err != nil {
			return fmt.Errorf("need: %w", err)
		}
		needIDs = append(needIDs, n.ID)
	}
	c := &gongzhi.Call{PlaceCode: StreetCode, Kind: "venture_philanthropy", Title: CallTitle,
		Description: "面向本街道登记或备案的社会组织，征集为老、为小、助残、邻里融合等社区公益服务项目。",
		Categories:  []string{"elderly_home_care", "community_social_work"}, BudgetID: b.ID, Amount: gongzhi.Yuan(900_000),
		Bands: []gongzhi.FundingBand{{Name: "小型项目", Min: gongzhi.Yuan(20_000), Max: gongzhi.Yuan(50_000)},
			{Name: "中型项目", Min: gongzhi.Yuan(50_000), Max: gongzhi.Yuan(90_000)}},
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour), ReviewBy: now.Add(40 * 24 * time.Hour),
		Eligibility: []string{"在民政部门登记或备案的社会组织", "近两年评估结果不为不合格"}, NeedIDs: needIDs}
	// on the services' own clock: the call opens and the applications come in as the demo is made
	s := &stageRun{Driver: &Driver{Ctx: ctx, A: a, Purchaser: ac, Clock: now}, orgIDs: orgIDs}
	if err := s.Open(c); err != nil {
		return err
	}
	if _, err := s.apply(c, openProjects); err != nil {
		return fmt.Errorf("open call: %w", err)
	}
	return publishNeeds(ctx, a, ac, needIDs)
}

// publishNeeds publishes 中山社区's needs to its residents; the demo resident supports the
// first and comments on it, and a second comment holding a phone number was hidden by the
// community with the reason (issue 11 item 15).
func publishNeeds(ctx context.Context, a *app.App, ac *gongzhi.Actor, ids []int64) error {
	var zs []int64
	for i, dn := range demoNeeds {
		if dn.community == ZhongshanCode {
			if err := a.PublishNeed(ctx, ac, ids[i]); err != nil {
				return fmt.Errorf("publish need: %w", err)
			}
			zs = append(zs, ids[i])
		}
	}
	actor := func(name string) (*gongzhi.Actor, error) {
		u, _, err := a.DB.Q().UserByUsername(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", name, err)
		}
		x := &gongzhi.Actor{User: u, Via: "demo"}
		return x, a.ScopeFor(ctx, x)
	}
	res, err := actor("zs-resident")
	if err != nil {
		return err
	}
	if len(zs) == 0 {
		return nil
	}
	if err := a.SupportNeed(ctx, res, zs[0]); err != nil {
		return fmt.Errorf("support need: %w", err)
	}
	if _, err := a.CommentNeed(ctx, res, zs[0], "我家楼上的王奶奶今年88岁，一个人住，中午经常只吃泡饭，希望助餐点能送餐上门。"); err != nil {
		return fmt.Errorf("comment need: %w", err)
	}
	c, err := a.CommentNeed(ctx, res, zs[0], "助餐点能不能放在党群服务中心一楼？离菜场近，方便大家。")
	if err != nil {
		return fmt.Errorf("comment need: %w", err)
	}
	com, err := actor("zs-community")
	if err != nil {
		return err
	}
	if _, err := a.HideNeedComment(ctx, com, c.ID, "与需求无关的选址建议，已转社区议事会"); err != nil {
		return fmt.Errorf("hide comment: %w", err)
	}
	return nil
}

// streetPrices are the demo street's own price ranges in the catalog (yuan): the built-in
// catalog is a province's, whose projects start at 50,000 yuan, while a street's community
// projects cost 20,000–90,000 (docs/domain.md §4.3). Community social work allows an amount
// outside the range with a recorded reason; home care for the elderly does not.
var streetPrices = []struct {
	code       string
	min, max   int64
	exceptions bool
}{
	{"elderly_home_care", 20_000, 500_000, false},
	{"community_social_work", 20_000, 300_000, true},
}

// StreetCatalog sets the demo street's price ranges on the catalog (tests building their own
// purchases use it too).
func StreetCatalog(ctx context.Context, a *app.App, ac *gongzhi.Actor) error {
	cats, err := a.ServiceCategories(ctx, false)
	if err != nil {
		return err
	}
	for _, p := range streetPrices {
		for _, c := range cats {
			if c.Code != p.code {
				continue
			}
			c.PriceMin, c.PriceMax, c.AllowExceptions = gongzhi.Yuan(p.min), gongzhi.Yuan(p.max), p.exceptions
			if err := a.SaveServiceCategory(ctx, ac, c, false); err != nil {
				return fmt.Errorf("demo: catalog %s: %w", c.Code, err)
			}
		}
	}
	return nil
}
