// Messages of the purchase workflow's note codes (gongzhi.NoteCodes), shown in the history of
// needs, budgets, calls, applications, awards and contracts, and in a budget's ledger. Money
// arguments come formatted with their unit.
package purchaseweb

import "gongzhi/internal/web"

func init() { web.AddMessages(noteMessages) }

var noteMessages = map[string][2]string{
	// needs and budgets
	"note.need_source":   {"来源：%s", "source: %s"},
	"note.amount":        {"金额 %s", "amount %s"},
	"note.budget_amount": {"预算金额", "amount"},

	// a call and its review
	"note.reserved":       {"从预算预留 %s", "%s reserved from the budget"},
	"note.review_started": {"%s 个项目进入专家评审，评审组 %s 人", "%s applications to the experts, a panel of %s"},
	"note.drawn":          {"随机种子 %s，专家库 %s 人，依序审查 %s 人", "seed %s, pool of %s, %s examined in order"},
	"note.pool_exhausted": {"专家库已用尽，无人递补", "the pool is exhausted: no replacement"},
	"note.replacement":    {"递补入选（抽取顺序 %s）", "drawn as a replacement (position %s)"},
	"note.panel_excluded": {"%s：%s", "%s: %s"},
	"note.score_for":      {"申报 #%s", "application #%s"},
	"note.ranked":         {"%s 个项目排名，汇总规则：%s", "%s applications ranked by the rule: %s"},
	"note.eval_bonus":     {"%s 结项评估优秀加分 +%s（评估 #%s）", "%s: bonus +%s for an excellent final evaluation (evaluation #%s)"},
	"note.award_amount":   {"申报 #%s：%s %s", "application #%s: %s %s"},
	"note.award_removed":  {"%s %s", "%s %s"},
	"note.unfunded":       {"%s", "%s"},
	"note.published":      {"资助 %s 个项目，共 %s，公示至 %s", "%s funded, %s in all, in notice until %s"},
	"note.final":          {"%s 项资助确定", "%s awards final"},
	"note.upheld":         {"异议成立", "Upheld"},
	"note.not_upheld":     {"异议不成立", "Not upheld"},
	"note.overturned":     {"异议成立，已撤销资助", "Upheld, award overturned"},

	// contracts and payments
	"note.version":        {"第 %s 版", "version %s"},
	"note.version_reason": {"第 %s 版：%s", "version %s: %s"},
	"note.paid_on_time":   {"第 %s 期：%s，%s 支付，按时", "portion %s: %s paid on %s, on time"},
	"note.paid_late":      {"第 %s 期：%s，%s 支付，逾期（应于 %s 前）", "portion %s: %s paid on %s, late (due %s)"},

	// a budget's ledger
	"note.call_opened":      {"征集发布，预留资金", "call opened: money reserved"},
	"note.call_cancelled":   {"征集撤销，释放预留", "call cancelled: reservation released"},
	"note.released_rest":    {"资助总额低于征集总额，释放余额", "awards below the call's amount: the rest released"},
	"note.award_overturned": {"资助被撤销，释放资金", "award overturned: money released"},
	"note.amendment":        {"合同第 %s 版变更", "amendment, version %s"},
	"note.portion":          {"第 %s 期拨付", "portion %s"},
}
