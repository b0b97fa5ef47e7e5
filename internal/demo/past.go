// The street's concluded purchases of three earlier years (issue 11, item 3): an office brings
// them on its first day, so the demo's funding report has a history to show (five to seven years
// back, before the report's default window of five years, which stays the platform's own:
// /reports?from=YEAR-7 shows them). They go in through the same import an office uses, as the
// purchaser, and are marked imported.

package demo

import (
	"context"
	"fmt"
	"strconv"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/xlsx"
)

// pastSpecs are the street's past contracts of a year, by years before the current one (5 to 7).
var pastSpecs = []struct {
	yearsAgo            int
	category, org, what string
	yuan                int64
	communities         string
	terminated          bool
}{
	{7, "elderly_home_care", "zhangzhe", "居家养老助餐助洁服务", 380000, "中山社区、接待寺社区", false},
	{7, "community_social_work", "tongxin", "社区困难群体个案与小组服务", 260000, "中山社区、工农社区", false},
	{7, "incubation_base", "hub", "社会组织孵化基地运营", 300000, "", false},
	{7, "staff_training", "renai", "社区社会组织骨干培训", 80000, "", false},
	{6, "elderly_home_care", "zhangzhe", "高龄独居老人上门探访", 420000, "中山社区、芳庭社区、新城社区", false},
	{6, "community_social_work", "mulin", "邻里互助社区营造", 240000, "接待寺社区、长城社区", false},
	{6, "community_social_work", "yixin", "残障人士康复与社区融入", 180000, "工农社区", true},
	{6, "incubation_base", "hub", "社会组织孵化基地运营", 320000, "", false},
	{5, "elderly_home_care", "zhangzhe", "居家养老服务提质", 450000, "中山社区、接待寺社区、前程社区", false},
	{5, "community_social_work", "tongxin", "青少年成长与家庭支持", 280000, "中山社区、官塘河社区", false},
	{5, "community_social_work", "xinhang", "留守儿童关爱服务", 220000, "长城社区、前程社区", false},
	{5, "staff_training", "qiming", "社会工作者能力建设培训", 90000, "", false},
}

// seedPast imports the street's past contracts as the purchaser does.
func seedPast(ctx context.Context, a *app.App, purchaser *gongzhi.Actor, p *plan) error {
	codes := map[string]string{}
	for _, o := range p.orgs {
		codes[o.key] = o.o.CreditCode
	}
	year := a.Now().In(gongzhi.ChinaTime).Year()
	rows := make([]xlsx.Row, len(pastSpecs))
	for i, s := range pastSpecs {
		y := strconv.Itoa(year - s.yearsAgo)
		state := "已完成"
		if s.terminated {
			state = "已终止"
		}
		rows[i] = xlsx.Row{Line: i + 2, Values: map[string]string{"fiscal_year": y, "category": s.category, "credit_code": codes[s.org],
			"title": y + "年" + s.what + "项目", "amount": strconv.FormatInt(s.yuan, 10), "signed_on": y + "-03-15", "start_on": y + "-04-01",
			"end_on": y + "-12-31", "communities": s.communities, "state": state}}
	}
	n, err := a.ImportPastContracts(ctx, purchaser, rows, false)
	if err != nil {
		return err
	}
	if n != len(rows) {
		return fmt.Errorf("imported %d of %d", n, len(rows))
	}
	return nil
}
