// Buying social services, the parties' side: providers' applications, experts' reviews and the
// public pages (open calls, notices, objections, the public needs form) (issue 3).
//
// Providers work under /applications, experts under /reviews, and anyone, without an account,
// under /public. Every action has its JSON twin under /api/v1: the providers' and experts' routes
// are registered with s.api (token or session) and documented in partyAPIDocs; the public ones
// under /api/v1/public are registered with s.handle(…, public, …) because they need no account,
// and are therefore not part of the OpenAPI document (which describes the signed-in API).

package purchaseweb

import (
	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
)

func (s *Server) purchasePartyRoutes() {
	// providers: applications
	s.Handle("GET /applications", web.Changed, s.ppApps)
	s.Handle("GET /applications/new", web.Changed, s.ppAppNew)
	s.Handle("POST /applications/new", web.Changed, s.ppAppSave(true))
	s.Handle("GET /applications/{id}", web.Changed, s.ppAppDetail)
	s.Handle("GET /applications/{id}/edit", web.Changed, s.ppAppEdit)
	s.Handle("POST /applications/{id}/edit", web.Changed, s.ppAppSave(false))
	s.Handle("POST /applications/{id}/submit", web.Changed, s.ppAppSubmit)
	s.Handle("POST /applications/{id}/withdraw", web.Changed, s.ppAppWithdraw)

	s.Api("GET /api/v1/applications", s.ppApiApps)
	s.Api("POST /api/v1/applications", s.ppApiAppCreate)
	s.Api("GET /api/v1/applications/{id}", s.ppApiApp)
	s.Api("PUT /api/v1/applications/{id}", s.ppApiAppUpdate)
	s.Api("POST /api/v1/applications/{id}/submit", s.ppApiAppSubmit)
	s.Api("POST /api/v1/applications/{id}/withdraw", s.ppApiAppWithdraw)
	s.Api("GET /api/v1/applications/{id}/history", s.ppApiAppHistory)
	s.Api("GET /api/v1/applications/{id}/progress", s.ppApiAppProgress)
	s.Api("POST /api/v1/applications/{id}/attachments", s.ppApiAttachmentAdd)
	s.Api("DELETE /api/v1/applications/{id}/attachments/{att}", s.ppApiAttachmentRemove)

	// experts: reviews
	s.Handle("GET /reviews", web.Changed, s.ppReviews)
	s.Handle("GET /reviews/{id}", web.Changed, s.ppReview)
	s.Handle("POST /reviews/{id}/no-conflict", web.Changed, s.ppNoConflict)
	s.Handle("POST /reviews/{id}/conflict", web.Changed, s.ppConflict)
	s.Handle("GET /reviews/{id}/applications/{app}", web.Changed, s.ppScorePage)
	s.Handle("POST /reviews/{id}/applications/{app}/score", web.Changed, s.ppScore)

	s.Api("GET /api/v1/reviews", s.ppApiReviews)
	s.Api("GET /api/v1/reviews/{id}", s.ppApiReview)
	s.Api("POST /api/v1/reviews/{id}/no-conflict", s.ppNoConflict)
	s.Api("POST /api/v1/reviews/{id}/conflict", s.ppConflict)
	s.Api("GET /api/v1/reviews/{id}/applications", s.ppApiReviewApps)
	s.Api("GET /api/v1/applications/{id}/scores", s.ppApiScores)
	s.Api("POST /api/v1/applications/{id}/scores", s.ppApiScoreSubmit)

	// the public: no account needed
	s.Handle("GET /public", web.Public, s.ppPublicIndex)
	s.Handle("GET /public/calls/{id}", web.Public, s.ppPublicCall)
	s.Handle("POST /public/calls/{id}/objections", web.Public, s.ppPublicObjection)
	s.Handle("GET /public/needs", web.Public, s.ppPublicNeedForm)
	s.Handle("POST /public/needs", web.Public, s.ppPublicNeed)
	s.Handle("GET /public/payments", web.Public, s.ppPublicPayments)

	s.ApiPublic("GET /api/v1/public/calls", s.ppApiPublicCalls)
	s.ApiPublic("GET /api/v1/public/calls/{id}", s.ppApiPublicCall)
	s.ApiPublic("GET /api/v1/public/calls/{id}/notice", s.ppApiPublicNotice)
	s.ApiPublic("GET /api/v1/public/calls/{id}/objections", s.ppApiPublicObjections)
	s.ApiPublic("POST /api/v1/public/calls/{id}/objections", s.ppPublicObjection)
	s.ApiPublic("GET /api/v1/public/communities", s.ppApiPublicCommunities)
	s.ApiPublic("POST /api/v1/public/needs", s.ppPublicNeed)
	s.ApiPublic("GET /api/v1/public/on-time-rate", s.ppApiPublicOnTime)
}

// ---- API documentation

type ppWithdrawRequest struct {
	Reason string `json:"reason"`
}

type ppConflictRequest struct {
	ApplicationIDs []int64 `json:"application_ids"`
	Reason         string  `json:"reason"`
}

type ppReviewStatus struct {
	Status      string               `json:"status"`
	Member      *gongzhi.PanelMember `json:"member,omitempty"`
	Replacement *gongzhi.PanelMember `json:"replacement,omitempty"`
}

// ppProgressBody is where an application stands: each step of the workflow, the preliminary
// review's reason and, once the results are published, the award.
type ppProgressBody struct {
	Application *gongzhi.Application `json:"application"`
	CallState   string               `json:"call_state"`
	ClosesAt    string               `json:"closes_at"`
	Open        bool                 `json:"open"` // the call takes submissions and withdrawals now
	Steps       []ppAppStep          `json:"steps"`
	Award       *gongzhi.Award       `json:"award,omitempty"`
}

type ppStateHistory struct {
	Items []gongzhi.StateChange `json:"items"`
}

type ppScoresBody struct {
	Items []gongzhi.Score `json:"items"`
}

// partyAPIDocs documents the API routes of this file for the OpenAPI document.
func partyAPIDocs() map[string]web.ApiDoc {
	appFilters := []string{"call", "state", "states", "category"}
	return map[string]web.ApiDoc{
		"GET /api/v1/applications": {Summary: "List applications: a provider its own organization's (drafts included); the purchaser, hub and auditor the submitted ones in scope",
			Resp: gongzhi.Application{}, List: true, Filters: appFilters},
		"POST /api/v1/applications": {Summary: "Start a draft application to an open call before its deadline (provider). Money: integer fen, or a string of yuan (\"20000\", \"2万\"); budget lines must add up to the request",
			Req: gongzhi.Application{}, Resp: gongzhi.Application{}},
		"GET /api/v1/applications/{id}":                      {Summary: "An application with its attachments (its provider, staff in scope, a panel expert who declared no conflict)", Resp: gongzhi.Application{}},
		"PUT /api/v1/applications/{id}":                      {Summary: "Replace a draft application before the deadline (provider)", Req: gongzhi.Application{}, Resp: gongzhi.Application{}},
		"POST /api/v1/applications/{id}/submit":              {Summary: "Submit a complete draft before the deadline (provider); 409 application.deadline_passed after it", Resp: gongzhi.Application{}},
		"POST /api/v1/applications/{id}/withdraw":            {Summary: "Withdraw a draft or submitted application before the deadline (provider); the body is optional; answers 200", Req: ppWithdrawRequest{}, Resp: gongzhi.Application{}},
		"GET /api/v1/applications/{id}/history":              {Summary: "Every state change of an application, its award, contract and payments", Resp: ppStateHistory{}},
		"GET /api/v1/applications/{id}/progress":             {Summary: "Where an application stands: each step, the preliminary review's reason, the award", Resp: ppProgressBody{}},
		"POST /api/v1/applications/{id}/attachments":         {Summary: "Record an attachment's metadata (name, size, sha256, content_type) on a draft (provider)", Req: gongzhi.Attachment{}, Resp: gongzhi.Attachment{}},
		"DELETE /api/v1/applications/{id}/attachments/{att}": {Summary: "Remove an attachment from a draft (provider)"},
		"GET /api/v1/reviews":                                {Summary: "The expert's review assignments: the calls whose panel draw examined them", Resp: web.ItemsOf[purchase.ReviewAssignment]{}},
		"GET /api/v1/reviews/{id}":                           {Summary: "The expert's assignment for one call (id is the call's)", Resp: purchase.ReviewAssignment{}},
		"POST /api/v1/reviews/{id}/no-conflict":              {Summary: "Declare no conflict of interest with any applicant of the call (expert); only then are the applications shown", Resp: ppReviewStatus{}},
		"POST /api/v1/reviews/{id}/conflict":                 {Summary: "Declare a conflict of interest with the organizations of some applications, with the reason (expert): excluded and replaced; answers 200", Req: ppConflictRequest{}, Resp: ppReviewStatus{}},
		"GET /api/v1/reviews/{id}/applications":              {Summary: "The applications of a call the expert scores, with whether each is scored", Resp: web.ItemsOf[ppReviewItem]{}},
		"GET /api/v1/applications/{id}/scores":               {Summary: "The experts' scores of an application (staff; a panel expert only after submitting their own). Points are hundredths", Resp: ppScoresBody{}},
		"POST /api/v1/applications/{id}/scores":              {Summary: "Submit the expert's scores, once: criteria in the call's order, each an integer of hundredths of a point or a string of points (\"18.5\"), 0..weight", Req: ppScoreRequest{}, Resp: gongzhi.Score{}},
	}
}

// ---- shared helpers

func ppYuan(lang string, m gongzhi.Money) string {
	return web.T(lang, "party.yuan:"+m.Format())
}

// partyMessages are this file's message keys, merged into the catalogue.
var partyMessages = map[string][2]string{
	// common words
	"party.yuan":                         {"%s 元", "¥%s"},
	"party.call":                         {"项目征集", "Call"},
	"party.calls":                        {"项目征集", "Calls"},
	"party.application":                  {"申报书", "Application"},
	"party.org":                          {"申报机构", "Organization"},
	"party.state":                        {"状态", "Status"},
	"party.call_state":                   {"征集状态", "Call status"},
	"party.updated_at":                   {"更新时间", "Updated"},
	"party.submitted_at":                 {"提交时间", "Submitted"},
	"party.kind_label":                   {"征集方式", "Kind"},
	"party.categories":                   {"服务类别", "Categories"},
	"party.amount":                       {"项目资金总额", "Total funding"},
	"party.bands":                        {"资助档位", "Funding bands"},
	"party.band":                         {"所在档位", "Band"},
	"party.opens_at":                     {"开始申报", "Opens"},
	"party.closes_at":                    {"申报截止", "Deadline"},
	"party.review_by":                    {"评审完成", "Review by"},
	"party.timeline":                     {"时间安排", "Timeline"},
	"party.notice_days":                  {"公示期", "Notice period"},
	"party.workdays":                     {"%s 个工作日", "%s working days"},
	"party.aggregation":                  {"评分汇总规则", "Score aggregation"},
	"party.aggregation.trim_mean":        {"去掉一个最高分和一个最低分后取平均", "Drop the highest and the lowest, average the rest"},
	"party.aggregation.mean":             {"全部评分取平均", "Average of all scores"},
	"party.applications_count":           {"申报数", "Applications"},
	"party.purchaser":                    {"购买方", "Purchaser"},
	"party.eligibility":                  {"申报条件", "Eligibility"},
	"party.require_registered":           {"须为在民政部门登记的社会组织", "Registered social organizations only"},
	"party.min_grade":                    {"评估等级不低于 %s", "Grade %s or above"},
	"party.exclude_barred":               {"被取消申报资格且在期限内的组织不得申报", "Organizations barred from calls may not apply"},
	"party.criteria":                     {"评分标准", "Scoring criteria"},
	"party.criterion":                    {"评分项", "Criterion"},
	"party.weight":                       {"分值", "Points"},
	"party.description":                  {"说明", "Description"},
	"party.community":                    {"社区", "Community"},
	"party.target_group":                 {"服务对象", "Target group"},
	"party.people_affected":              {"涉及人数", "People affected"},
	"party.people":                       {"%s 人", "%s people"},
	"party.total":                        {"合计", "Total"},
	"party.remove":                       {"删除", "Remove"},
	"party.attached":                     {"已登记的附件", "Attachments recorded"},
	"party.colon":                        {"：", ": "},
	"party.sep":                          {"；", "; "},
	"party.comma":                        {"，", ", "},
	"party.paren":                        {"（%s）", " (%s)"},
	"party.no_attachments":               {"无附件。", "No attachments."},
	"party.go_score":                     {"阅读申报书后在页面底部评分 ↓", "Read the application, then score at the bottom ↓"},
	"err.conflict":                       {"当前不能执行此操作", "This cannot be done now"},
	"party.reason":                       {"原因", "Reason"},
	"party.someone":                      {"系统", "System"},
	"party.content":                      {"申报内容", "The application"},
	"party.score":                        {"得分", "Score"},
	"party.rank":                         {"排名", "Rank"},
	"party.comment":                      {"评审意见", "Comment"},
	"party.expert":                       {"专家", "Expert"},
	"party.kind.venture_philanthropy":    {"公益创投", "Venture philanthropy"},
	"party.kind.competitive_negotiation": {"竞争性磋商", "Competitive negotiation"},
	"party.kind.public_tender":           {"公开招标", "Public tender"},
	"party.kind.commission":              {"委托", "Commission"},

	// states
	"party.app_state.draft":                   {"草稿", "Draft"},
	"party.app_state.submitted":               {"已提交，待初审", "Submitted, awaiting preliminary review"},
	"party.app_state.withdrawn":               {"已撤回", "Withdrawn"},
	"party.app_state.rejected":                {"初审未通过", "Rejected at preliminary review"},
	"party.app_state.eligible":                {"初审合格，专家评审中", "Eligible, in expert review"},
	"party.app_state.awarded":                 {"拟资助", "Funded"},
	"party.app_state.awarded_final":           {"已获资助", "Funded (final)"},
	"party.app_state.not_funded":              {"未获资助", "Not funded"},
	"party.state.call.draft":                  {"草稿", "Draft"},
	"party.state.call.open":                   {"征集中", "Open"},
	"party.state.call.closed":                 {"已截止，初审中", "Closed, preliminary review"},
	"party.state.call.reviewing":              {"专家评审中", "In expert review"},
	"party.state.call.notice":                 {"结果公示中", "Results in public notice"},
	"party.state.call.final":                  {"结果已确定", "Results final"},
	"party.state.call.cancelled":              {"已取消", "Cancelled"},
	"party.state.award.proposed":              {"拟定", "Proposed"},
	"party.state.award.published":             {"公示中", "In notice"},
	"party.state.award.final":                 {"已确定", "Final"},
	"party.state.award.overturned":            {"已撤销", "Overturned"},
	"party.state.objection.open":              {"待答复", "Awaiting answer"},
	"party.state.objection.answered":          {"已答复", "Answered"},
	"party.state.contract.draft":              {"待签订", "Draft"},
	"party.state.contract.signed":             {"已签订", "Signed"},
	"party.state.contract_version.pending":    {"待双方确认", "Awaiting both sides"},
	"party.state.contract_version.effective":  {"生效", "In force"},
	"party.state.contract_version.superseded": {"已被替代", "Superseded"},
	"party.state.payment.paid":                {"已拨付", "Paid"},
	"party.state.score.submitted":             {"已提交", "Submitted"},
	"party.entity.application":                {"申报", "Application"},
	"party.entity.award":                      {"资助", "Award"},
	"party.entity.objection":                  {"异议", "Objection"},
	"party.entity.contract":                   {"合同", "Contract"},
	"party.entity.contract_version":           {"合同版本", "Contract version"},
	"party.entity.payment":                    {"拨付", "Payment"},
	"party.entity.call":                       {"项目征集", "Call"},
	"party.entity.score":                      {"评分", "Score"},
	"party.entity.panel_member":               {"评审专家", "Panel member"},

	// providers' applications
	"party.open_calls":                                 {"正在征集的项目", "Open calls"},
	"party.no_open_calls":                              {"目前没有正在征集的项目。", "No call is open at the moment."},
	"party.my_applications":                            {"本机构的申报", "Our applications"},
	"party.my_application":                             {"已申报", "Our application"},
	"party.apply":                                      {"申报", "Apply"},
	"party.apply_signin":                               {"服务机构请登录后申报", "Providers sign in to apply"},
	"party.call_not_yet":                               {"%s 开始申报", "Opens %s"},
	"party.call_closed":                                {"申报已截止", "Closed"},
	"party.new_application":                            {"新建申报书", "New application"},
	"party.form_intro":                                 {"可以先保存草稿，截止前随时修改；提交前须填写完整。金额以元为单位，可写“20000”“2万”或“20,000.50”。", "Save a draft and change it until the deadline; it must be complete to submit. Amounts are in yuan: 20000, 2万 or 20,000.50."},
	"party.save_draft":                                 {"保存草稿", "Save draft"},
	"party.save_submit":                                {"保存并提交", "Save and submit"},
	"party.draft_saved":                                {"草稿已保存。", "Draft saved."},
	"party.submitted":                                  {"申报书已提交。", "Application submitted."},
	"party.withdrawn":                                  {"申报已撤回。", "Application withdrawn."},
	"party.submit":                                     {"提交申报", "Submit"},
	"party.confirm_submit":                             {"确定提交？提交后不能再修改，但截止前可以撤回。", "Submit now? It cannot be edited afterwards, but may be withdrawn before the deadline."},
	"party.withdraw":                                   {"撤回申报", "Withdraw"},
	"party.confirm_withdraw":                           {"确定撤回这份申报？", "Withdraw this application?"},
	"party.withdraw_reason":                            {"撤回原因（可不填）", "Reason (optional)"},
	"party.submit_incomplete":                          {"申报书尚不完整，未能提交。请补全标出的内容后再提交。", "The application is not complete and was not submitted. Complete the marked fields and submit again."},
	"party.deadline_note":                              {"申报截止时间：%s（以服务器时间为准）。", "Deadline: %s (server time)."},
	"party.deadline_passed_note":                       {"申报已于 %s 截止，不能再提交、修改或撤回。", "The deadline passed at %s: the application can no longer be submitted, changed or withdrawn."},
	"party.withdraw_note":                              {"已提交。%s 截止前可以撤回。", "Submitted. It may be withdrawn until %s."},
	"party.progress":                                   {"办理进度", "Progress"},
	"party.app.title":                                  {"项目名称", "Project title"},
	"party.app.category":                               {"服务类别", "Category"},
	"party.app.beneficiaries":                          {"预计受益人数", "Expected beneficiaries"},
	"party.app.target_groups":                          {"服务对象", "Target groups"},
	"party.app.communities":                            {"服务社区", "Communities served"},
	"party.app.communities_help":                       {"只能选择本次征集所在街道的社区", "Communities of the call's street only"},
	"party.app.summary":                                {"项目概述", "Summary"},
	"party.app.activity_plan":                          {"活动计划", "Activity plan"},
	"party.app.requested":                              {"申请金额（元）", "Amount requested (yuan)"},
	"party.app.requested_help":                         {"须在资助档位内：%s；预算明细合计须与之相等", "Within a funding band: %s; the budget lines must add up to it"},
	"party.app.contact_name":                           {"项目联系人", "Contact person"},
	"party.app.contact_phone":                          {"联系电话", "Contact phone"},
	"party.app.contact":                                {"联系人", "Contact"},
	"party.app.needs":                                  {"回应的需求", "Needs answered"},
	"party.rows.budget_lines":                          {"预算明细", "Budget lines"},
	"party.rows.budget_lines.help":                     {"每行一项，金额以元计；合计须等于申请金额。空行不保存，保存后会再留出空行。", "One item a row, in yuan; they must add up to the amount requested. Blank rows are ignored; more appear after saving."},
	"party.rows.team":                                  {"项目团队", "Project team"},
	"party.rows.team.help":                             {"项目负责人、社工、督导等。", "Project lead, social workers, supervisors…"},
	"party.rows.outputs":                               {"产出指标", "Output indicators"},
	"party.rows.outputs.help":                          {"例如：服务 500 人次、开展小组活动 12 节。", "For example: 500 service visits, 12 group sessions."},
	"party.rows.outcomes":                              {"成效指标", "Outcome indicators"},
	"party.rows.outcomes.help":                         {"例如：服务对象满意度 90 %。", "For example: 90 % of recipients satisfied."},
	"party.rows.attachments":                           {"附件", "Attachments"},
	"party.rows.attachments.help":                      {"登记附件信息：文件名、大小（字节）、SHA-256 摘要与类型。", "Record each file: name, size in bytes, SHA-256 digest and type."},
	"party.col.budget_lines.item":                      {"支出项目", "Item"},
	"party.col.budget_lines.amount":                    {"金额（元）", "Amount (yuan)"},
	"party.col.budget_lines.note":                      {"测算说明", "Note"},
	"party.col.team.name":                              {"姓名", "Name"},
	"party.col.team.role":                              {"项目角色", "Role"},
	"party.col.team.qualification":                     {"资质与经验", "Qualification"},
	"party.col.outputs.name":                           {"指标", "Indicator"},
	"party.col.outputs.target":                         {"目标值", "Target"},
	"party.col.outputs.unit":                           {"单位", "Unit"},
	"party.col.outcomes.name":                          {"指标", "Indicator"},
	"party.col.outcomes.target":                        {"目标值", "Target"},
	"party.col.outcomes.unit":                          {"单位", "Unit"},
	"party.col.attachments.name":                       {"文件名", "File name"},
	"party.col.attachments.size":                       {"大小（字节）", "Size (bytes)"},
	"party.col.attachments.sha256":                     {"SHA-256", "SHA-256"},
	"party.col.attachments.content_type":               {"类型", "Type"},
	"party.step.draft":                                 {"填写申报书", "Drafting"},
	"party.step.draft_note":                            {"请在 %s 前提交", "Submit before %s"},
	"party.step.submitted":                             {"提交申报", "Submitted"},
	"party.step.withdrawn":                             {"已撤回", "Withdrawn"},
	"party.step.prelim":                                {"初审", "Preliminary review"},
	"party.step.prelim_waiting":                        {"等待初审", "Waiting for the preliminary review"},
	"party.step.prelim_eligible":                       {"合格", "Eligible"},
	"party.step.prelim_rejected":                       {"不合格：%s", "Rejected: %s"},
	"party.step.review":                                {"专家评审", "Expert review"},
	"party.step.review_running":                        {"专家评审进行中", "The experts are reviewing"},
	"party.step.notice":                                {"结果公示", "Public notice"},
	"party.step.awarded":                               {"拟资助 %s 元", "Funded: ¥%s"},
	"party.step.not_funded":                            {"未获资助", "Not funded"},
	"party.step.final":                                 {"结果确定", "Results final"},
	"party.step.overturned":                            {"资助已因异议撤销", "The award was overturned after an objection"},
	"party.step.contract":                              {"签订合同", "Contract"},
	"party.step.contract_draft":                        {"合同已生成，待双方确认", "The contract is drafted, awaiting both sides"},
	"party.step.contract_waiting":                      {"等待购买方生成合同", "Waiting for the purchaser to draft the contract"},
	"party.step.contract_signed":                       {"合同已签订，查看合同与拨付", "Signed: see the contract and payments"},
	"party.note.version":                               {"第 %s 版", "version %s"},
	"party.note.portion":                               {"第 %s 期", "portion %s"},
	"party.note.on_time":                               {"按时", "on time"},
	"party.note.late":                                  {"逾期（应于 %s 拨付）", "late (due %s)"},
	"party.state.contract_version.purchaser_confirmed": {"甲方已确认", "Confirmed by the purchaser"},
	"party.state.contract_version.provider_confirmed":  {"乙方已确认", "Confirmed by the provider"},
	"party.notice_until":                               {"公示至 %s", "notice until %s"},

	// experts' reviews
	"party.reviews_intro":       {"以下是抽中您参加评审的项目征集。请先就申报机构声明有无利益冲突，声明无冲突后才能看到申报书并评分；每份申报书只能评分一次，提交后才能看到其他专家的评分。", "These are the calls whose panel draw examined you. Declare first whether you have a conflict of interest with the applicants: only after declaring none do you see the applications. You score each application once, and see the other experts' scores only after submitting yours."},
	"party.no_assignments":      {"暂无评审任务。", "No review assignments."},
	"party.my_status":           {"我的状态", "My status"},
	"party.applicants":          {"申报机构", "Applicants"},
	"party.to_score":            {"待评分", "To score"},
	"party.member.excluded":     {"已回避", "Excluded"},
	"party.member.to_declare":   {"已抽中，待声明利益冲突", "Selected: declare conflicts first"},
	"party.member.declared":     {"已声明无利益冲突（%s）", "Declared no conflict (%s)"},
	"party.excluded.affiliated": {"与申报机构有关联", "affiliated with an applicant"},
	"party.excluded.declared":   {"本人申报回避", "declared a conflict"},
	"party.excluded.removed":    {"由购买方调整", "removed by the purchaser"},
	"party.excluded_note":       {"您已回避本次评审，不能查看申报书或评分。", "You are excluded from this review and cannot see or score the applications."},
	"party.declare_title":       {"利益冲突声明", "Conflict of interest"},
	"party.declare_intro":       {"请核对以下申报机构。与其中任何一家有任职、督导、亲属等关系的，须申报回避；声明后系统将另行抽取专家替补。", "Check the applicants below. If you work for, supervise or are related to any of them, declare a conflict: another expert will be drawn in your place."},
	"party.declare_no_conflict": {"本人与以上申报机构均无利益冲突", "I have no conflict with any of these applicants"},
	"party.or_declare_conflict": {"或：申报回避", "Or: declare a conflict"},
	"party.declare_conflict":    {"申报回避", "Declare a conflict"},
	"party.conflict_with":       {"存在利益冲突的申报", "Applications I have a conflict with"},
	"party.conflict_reason":     {"回避原因", "Reason"},
	"party.conflict_help":       {"例如：本人为该机构理事。", "For example: I sit on its board."},
	"party.later_conflict":      {"评审中发现利益冲突？申报回避", "Found a conflict during the review? Declare it"},
	"party.no_conflict_done":    {"已声明无利益冲突，可以开始评审。", "No conflict declared: you may now review."},
	"party.conflict_done":       {"已申报回避，系统已另行抽取替补专家。", "Conflict declared: another expert replaces you."},
	"party.to_score_title":      {"待评申报书", "Applications to score"},
	"party.nothing_to_score":    {"没有需要您评分的申报书。", "Nothing for you to score."},
	"party.not_scored":          {"未评分", "Not scored"},
	"party.scored":              {"已评分：%s", "Scored: %s"},
	"party.my_score":            {"我的评分", "My score"},
	"party.review_not_started":  {"评审尚未开始或已经结束，目前不能评分。", "The review has not started or is over: no scoring now."},
	"party.score_form":          {"评分", "Score"},
	"party.score_intro":         {"每项按分值打分（可保留两位小数），提交后不能修改。提交后可看到其他专家的评分。", "Give each criterion 0 up to its points (two decimals at most). Scores cannot be changed once submitted; then you see the other experts' scores."},
	"party.submit_scores":       {"提交评分", "Submit scores"},
	"party.scores_saved":        {"评分已提交。", "Scores submitted."},
	"party.all_scores":          {"专家评分", "The experts' scores"},

	// the public pages
	"party.public_intro":          {"政府购买社会服务信息公开：正在征集的项目、评审结果公示与异议、居民需求征集，以及购买方按时拨付资金的情况。无需登录。", "Public information on buying social services: open calls, results in notice and objections, residents' needs, and how punctually the purchaser pays. No sign-in needed."},
	"party.results":               {"评审进展与结果公示", "Reviews and results"},
	"party.no_results":            {"暂无。", "None yet."},
	"party.notice_until_label":    {"公示截止", "Notice until"},
	"party.call_details":          {"征集详情", "About the call"},
	"party.needs_answered":        {"本次征集回应的居民需求", "Residents' needs this call answers"},
	"party.notice_title":          {"评审结果公示", "Results in public notice"},
	"party.results_final":         {"评审结果（已确定）", "Results (final)"},
	"party.notice_period":         {"公示期", "Notice period"},
	"party.funded_total":          {"资助总额", "Total funded"},
	"party.objections":            {"异议", "Objections"},
	"party.objections_count":      {"收到 %s 件", "%s filed"},
	"party.objections_open":       {"%s 件待答复", "%s awaiting an answer"},
	"party.awards":                {"拟资助项目", "Funded projects"},
	"party.award_amount":          {"资助金额（元）", "Award (yuan)"},
	"party.objection_answers":     {"异议办理情况", "Objections and answers"},
	"party.filed_at":              {"提出时间", "Filed"},
	"party.objection_about":       {"异议对象", "About"},
	"party.objection_whole":       {"整个评审结果", "The results as a whole"},
	"party.objection_result":      {"某一申报结果", "One result"},
	"party.answer":                {"答复", "Answer"},
	"party.upheld":                {"异议成立", "Upheld"},
	"party.not_upheld":            {"异议不成立", "Not upheld"},
	"party.overturned":            {"撤销资助", "award overturned"},
	"party.file_objection":        {"提出异议", "File an objection"},
	"party.objection_intro":       {"对公示结果有异议的，可在 %s（含）前提出。请留下联系方式，以便答复；姓名与联系方式不会公开。", "Objections to these results may be filed until %s inclusive. Leave a contact for the answer; your name and contact are never published."},
	"party.your_name":             {"您的姓名", "Your name"},
	"party.your_contact":          {"联系方式（电话或邮箱）", "Contact (phone or email)"},
	"party.your_phone":            {"联系电话", "Phone"},
	"party.contact_private":       {"仅供工作人员联系您，不会公开", "Only for the office to reach you; never published"},
	"party.objection_body":        {"异议内容与理由", "Your objection and why"},
	"party.objection_filed":       {"异议已提交，购买方将在公示期内答复，办理结果在本页公布。", "Objection filed. The purchaser answers it during the notice; the outcome appears on this page."},
	"party.need_title":            {"反映需求", "Tell us what your community needs"},
	"party.complaint_link":        {"投诉、问询或建议", "Make a complaint, ask a question or suggest"},
	"party.complaint_track_link":  {"查询办理进度", "Track a complaint or inquiry"},
	"party.need_intro":            {"您所在的社区需要哪些服务？请告诉我们。工作人员会汇总需求，作为购买社会服务的依据；您的姓名和电话只用于回访，不会公开。", "What services does your community need? Tell us: the office gathers needs to decide which services to buy. Your name and phone are only for a call back, never published."},
	"party.need_category":         {"需要的服务类别", "Kind of service needed"},
	"party.need_description":      {"具体需求", "What is needed"},
	"party.need_description_help": {"请描述需求本身，不要填写他人的姓名、身份证号等个人信息。", "Describe the need; do not write anyone's name, ID number or other personal details."},
	"party.send_need":             {"提交需求", "Send"},
	"party.need_received":         {"已收到您反映的需求，谢谢！工作人员会尽快联系您。", "Thank you: your need was received. The office will contact you."},
	"party.payments_title":        {"购买方按时拨付率", "The purchaser's on-time payment rate"},
	"party.payments_intro":        {"政府购买服务的资金应按合同约定的节点按时足额拨付。下表为各购买方已到期的拨付节点中按时足额拨付的比例。", "Public money for purchased services must be paid on time and in full, at the milestones the contracts set. This is the share of each purchaser's due portions paid in full by their due date."},
	"party.on_time_rate":          {"按时拨付率", "On-time rate"},
	"party.due":                   {"已到期笔数", "Due"},
	"party.on_time":               {"按时足额", "On time"},
	"party.late":                  {"逾期拨付", "Paid late"},
	"party.unpaid":                {"到期未付", "Unpaid"},
	"party.as_of":                 {"统计日期", "As of"},
	"party.nothing_due":           {"尚无到期拨付", "Nothing due yet"},
	"party.on_time_help":          {"按时拨付率 = 到期当日或之前足额拨付的笔数 ÷ 已到期笔数。", "On-time rate = portions paid in full by their due date ÷ portions due."},

	// the domain's reasons, as these pages show them
	"err.refused":                       {"当前不能执行此操作。", "This cannot be done now."},
	"state.illegal":                     {"当前状态（%s）下不能执行此操作", "Not possible in the current state (%s)"},
	"money.format":                      {"金额格式不正确（以元为单位，最多两位小数）", "Not an amount in yuan (two decimals at most)"},
	"money.too_large":                   {"金额过大", "The amount is too large"},
	"money.positive":                    {"金额须大于零", "The amount must be above zero"},
	"money.range":                       {"金额超出范围", "The amount is out of range"},
	"money.max_below_min":               {"上限不能低于下限", "The maximum is below the minimum"},
	"points.format":                     {"分数格式不正确（最多两位小数）", "Not a score (two decimals at most)"},
	"application.budget_sum":            {"预算明细合计为 %s 元，与申请金额不符", "The budget lines add up to ¥%s, not the amount requested"},
	"application.call_not_open":         {"该项目征集目前不接受申报", "The call is not taking applications now"},
	"application.category_not_in_call":  {"不是本次征集的服务类别", "Not a category of this call"},
	"application.community_not_in_call": {"只能选择本次征集所在街道的社区", "Only communities of the call's street"},
	"application.deadline_passed":       {"申报已截止，不能再提交、修改或撤回", "The deadline has passed: no more submissions, changes or withdrawals"},
	"application.need_not_in_call":      {"不是本次征集回应的需求", "Not a need of this call"},
	"application.outside_bands":         {"申请金额不在任何资助档位内", "The amount is outside every funding band"},
	"attachment.name":                   {"文件名不能包含 / 或 \\", "A file name cannot contain / or \\"},
	"attachment.sha256":                 {"应为 64 位十六进制 SHA-256 摘要", "Must be a 64-hex-digit SHA-256 digest"},
	"attachment.size":                   {"文件大小应在 1 字节到 50 MiB 之间", "The size must be between 1 byte and 50 MiB"},
	"eligibility.barred":                {"本机构已被取消申报资格至 %s", "The organization is barred from calls until %s"},
	"eligibility.grade":                 {"本次征集要求评估等级不低于 %s", "The call requires grade %s or above"},
	"eligibility.not_registered":        {"本次征集仅限在民政部门登记的社会组织", "The call is for registered organizations only"},
	"review.already_scored":             {"您已对该申报书评过分，不能重复评分", "You have already scored this application"},
	"review.conflict":                   {"您与该申报机构存在利益冲突，不能评分", "You have a conflict of interest with this applicant"},
	"review.criteria_count":             {"须对全部 %s 项评分", "Score all %s criteria"},
	"review.declare_first":              {"请先声明有无利益冲突", "Declare your conflicts of interest first"},
	"review.not_eligible":               {"该申报书不在评审范围内", "This application is not under review"},
	"review.scores_hidden":              {"提交您自己的评分后才能看到其他专家的评分", "Submit your own score to see the others'"},
	"review.incomplete":                 {"还有 %s 份评分未完成", "%s scores are missing"},
	"review.prelim_incomplete":          {"还有 %s 份申报未完成初审", "%s applications still await the preliminary review"},
	"panel.excluded":                    {"您已回避本次评审", "You are excluded from this panel"},
	"panel.not_member":                  {"不是本次评审的专家", "Not a member of this panel"},
	"expert.not_linked":                 {"您的账号尚未关联专家库中的人员信息，请联系系统管理员。", "Your account is not linked to a member of the expert pool: ask the system administrator."},
	"expert.not_expert":                 {"该人员不是专家库成员", "This person is not in the expert pool"},
	"expert.account_role":               {"只有专家账号可以关联专家", "Only expert accounts can be linked"},
	"objection.period_over":             {"公示期已结束，不能再提出异议", "The notice period is over: objections are closed"},
	"objection.no_award":                {"该申报没有可撤销的资助", "This application has no award to overturn"},
	"objection.overturn_needs_upheld":   {"只有异议成立时才能撤销资助", "Only an upheld objection can overturn an award"},
	"notice.not_over":                   {"公示期至 %s 结束", "The notice runs until %s"},
	"notice.objections_open":            {"还有 %s 件异议未答复", "%s objections are not yet answered"},
	"unfunded.budget_exhausted":         {"资金已分配完毕", "The money ran out before its rank"},
	"unfunded.below_threshold":          {"得分未达到资助线", "Scored below the funding threshold"},
	"unfunded.outside_bands":            {"申请金额不在资助档位内", "The request fits no funding band"},
	"unfunded.objection_upheld":         {"因异议成立撤销资助", "Overturned after an upheld objection"},
	"unfunded.decision":                 {"购买方决定不予资助", "The purchaser decided not to fund it"},
}
