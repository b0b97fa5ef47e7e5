// Complaints and inquiries (投诉/问询): the routes, the API documentation and the messages. The
// staff pages (list, detail with the answer, re-route, reveal and rating forms) are in
// complaints_pages.go, the public pages (submission without an account, tracking and rating by
// code, the monthly aggregate) in complaints_public.go.

package complaintsweb

import (
	"time"

	"gongzhi"
	"gongzhi/internal/complaints"
	"gongzhi/internal/store"
	"gongzhi/internal/web"
)

func (s *Server) complaintRoutes() {
	s.Handle("GET /complaints", web.Changed, s.cmpList)
	s.Handle("GET /complaints/export.xlsx", web.Changed, s.cmpExport)
	s.Handle("GET /complaints/{id}", web.Changed, s.cmpDetail)
	s.Handle("POST /complaints/{id}/answer", web.Changed, s.cmpAnswer)
	s.Handle("POST /complaints/{id}/route", web.Changed, s.cmpRoute)
	s.Handle("POST /complaints/{id}/reveal", web.Changed, s.cmpReveal)
	s.Handle("POST /complaints/{id}/rate", web.Changed, s.cmpRate)
	s.Handle("GET /public/complaints", web.Public, s.cmpPublicForm)
	s.Handle("POST /public/complaints", web.Public, s.cmpPublicSubmit)
	s.Handle("GET /public/complaints/track", web.Public, s.cmpTrackForm)
	s.Handle("POST /public/complaints/track", web.Public, s.cmpTrack)
	s.Handle("POST /public/complaints/rate", web.Public, s.cmpPublicRate)

	s.Api("GET /api/v1/complaints", s.cmpList)
	s.Api("POST /api/v1/complaints", s.cmpPublicSubmit)
	s.Api("GET /api/v1/complaints/{id}", s.cmpDetail)
	s.Api("GET /api/v1/complaints/{id}/history", s.cmpAPIHistory)
	s.Api("POST /api/v1/complaints/{id}/answer", s.cmpAnswer)
	s.Api("POST /api/v1/complaints/{id}/route", s.cmpRoute)
	s.Api("POST /api/v1/complaints/{id}/reveal", s.cmpReveal)
	s.Api("POST /api/v1/complaints/{id}/rate", s.cmpRate)
	s.ApiPublic("POST /api/v1/public/complaints", s.cmpPublicSubmit)
	s.ApiPublic("POST /api/v1/public/complaints/track", s.cmpTrack)
	s.ApiPublic("POST /api/v1/public/complaints/rate", s.cmpPublicRate)
	s.ApiPublic("GET /api/v1/public/complaints/stats", s.cmpAPIStats)
	s.ApiPublic("GET /api/v1/public/complaints/contracts", s.cmpAPIContracts)
}

// API bodies.
type cmpSubmitRequest struct {
	Kind          string `json:"kind"`
	CommunityCode string `json:"community_code"`
	ContractID    int64  `json:"contract_id"`
	AboutHub      bool   `json:"about_hub"`
	Concerning    string `json:"concerning"` // the form's one choice: "", "hub" or a contract id
	Subject       string `json:"subject"`
	Description   string `json:"description"`
	ContactName   string `json:"contact_name"`
	ContactPhone  string `json:"contact_phone"`
}

type cmpReceipt struct {
	ID    int64     `json:"id"`
	Code  string    `json:"code"`
	State string    `json:"state"`
	Route string    `json:"route"`
	DueAt time.Time `json:"due_at"`
}

type cmpAnswerRequest struct {
	Answer string `json:"answer"`
}

type cmpRateRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

type cmpTrackRequest struct {
	Code   string `json:"code"`
	Phone4 string `json:"phone4"`
}

type cmpPublicRateRequest struct {
	Code    string `json:"code"`
	Phone4  string `json:"phone4"`
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

type cmpContact struct {
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
}

func complaintAPIDocs() map[string]web.ApiDoc {
	filters := []string{"state", "kind", "route", "overdue", "escalated", "org", "community", "contract"}
	return map[string]web.ApiDoc{
		"GET /api/v1/complaints": {Summary: "List complaints and inquiries within scope (office, hub, auditor and community staff: their place; provider: " +
			"those routed to it; resident: their own). Escalates overdue ones first.", Resp: gongzhi.Complaint{}, List: true, Filters: filters},
		"POST /api/v1/complaints": {Summary: "Submit a complaint, inquiry or suggestion as a signed-in resident (the contact is the account's); " +
			"answers the tracking code", Req: cmpSubmitRequest{}, Resp: cmpReceipt{}},
		"GET /api/v1/complaints/{id}":         {Summary: "A complaint with its answers; the contact masked except for its submitter", Resp: gongzhi.Complaint{}},
		"GET /api/v1/complaints/{id}/history": {Summary: "A complaint's history: submission, routing, escalation, answers, rating, reveals", Resp: web.ItemsOf[gongzhi.ComplaintEvent]{}},
		"POST /api/v1/complaints/{id}/answer": {Summary: "Answer a complaint (the party it waits for: its provider, the hub, the street office)", Req: cmpAnswerRequest{}, Resp: gongzhi.Complaint{}},
		"POST /api/v1/complaints/{id}/route":  {Summary: "Re-route a waiting complaint to the office, the hub or a contract's provider, with a reason (hub, purchaser)", Req: complaints.RouteTarget{}, Resp: gongzhi.Complaint{}},
		"POST /api/v1/complaints/{id}/reveal": {Summary: "Reveal a complaint's full contact (hub, purchaser; audited)", Resp: cmpContact{}},
		"POST /api/v1/complaints/{id}/rate":   {Summary: "Rate the answer of one's own complaint, once, 1–5 (resident); 2 or less reopens it for the office", Req: cmpRateRequest{}, Resp: gongzhi.Complaint{}},
		"POST /api/v1/public/complaints": {Summary: "Submit a complaint, inquiry or suggestion without an account: contact name and phone required; " +
			"throttled per address and phone. Answers the tracking code", Req: cmpSubmitRequest{}, Resp: cmpReceipt{}, Public: true},
		"POST /api/v1/public/complaints/track": {Summary: "Follow a complaint by its tracking code and the last four digits of its phone (not found for either wrong)",
			Req: cmpTrackRequest{}, Resp: gongzhi.Complaint{}, Public: true},
		"POST /api/v1/public/complaints/rate": {Summary: "Rate the answer by tracking code and phone suffix, once, 1–5", Req: cmpPublicRateRequest{}, Resp: gongzhi.Complaint{}, Public: true},
		"GET /api/v1/public/complaints/stats": {Summary: "Monthly aggregate: counts by kind, answered on time, average rating (query place, months)",
			Resp: web.ItemsOf[gongzhi.ComplaintMonth]{}, Public: true},
		"GET /api/v1/public/complaints/contracts": {Summary: "Signed contracts a complaint may concern: title and provider only", Resp: web.ItemsOf[store.PublicContract]{}, Public: true},
	}
}

var complaintMessages = map[string][2]string{
	"complaint.title_list":      {"投诉问询", "Complaints and inquiries"},
	"complaint.title_public":    {"投诉、问询与建议", "Complaints, inquiries and suggestions"},
	"complaint.title_track":     {"办理进度查询", "Track your complaint"},
	"complaint.title_receipt":   {"已受理", "Received"},
	"complaint.intro":           {"对街道购买的社会服务项目、枢纽组织或街道办事处的工作有意见、疑问或建议，可在此提交，无需注册。我们将按时限答复，您可凭受理编号查询进度并评价答复。", "Tell us about a purchased social service, the hub or the street office: no account needed. We answer within a deadline; follow it with your tracking code and rate the answer."},
	"complaint.intro_resident":  {"您已登录，联系人和电话取自您的账户。", "You are signed in: the contact is taken from your account."},
	"complaint.contact_private": {"仅用于联系您，不会公开；承接机构只能看到部分隐藏的号码。", "Only used to contact you, never published; providers see it masked."},
	"complaint.kind":            {"类型", "Kind"},
	"complaint.kind.complaint":  {"投诉", "Complaint"},
	"complaint.kind.inquiry":    {"问询", "Inquiry"},
	"complaint.kind.suggestion": {"建议", "Suggestion"},
	"complaint.state":           {"状态", "State"},
	"complaint.state.open":      {"待答复", "Waiting for an answer"},
	"complaint.state.answered":  {"已答复，待评价", "Answered, to be rated"},
	"complaint.state.reopened":  {"差评重办", "Reopened after a low rating"},
	"complaint.state.closed":    {"已办结", "Closed"},
	"complaint.state.waiting":   {"办理中（含重办）", "Waiting (incl. reopened)"},
	"complaint.route":           {"承办方", "Handled by"},
	"complaint.route.office":    {"街道办事处", "Street office"},
	"complaint.route.hub":       {"枢纽组织", "Hub organization"},
	"complaint.route.provider":  {"承接机构", "Provider"},
	"complaint.escalation":      {"督办", "Escalation"},
	"complaint.escalation.1":    {"已升级至枢纽组织督办", "Escalated to the hub"},
	"complaint.escalation.2":    {"已升级至街道督办", "Escalated to the street office"},
	"complaint.escalated_only":  {"仅看已升级", "Escalated only"},
	"complaint.overdue":         {"超期", "Overdue"},
	"complaint.overdue_only":    {"仅看超期", "Overdue only"},
	"complaint.yes":             {"是", "Yes"},
	"complaint.community":       {"所在社区", "Community"},
	"complaint.concerning":      {"涉及项目或单位", "Concerning"},
	"complaint.concerning_help": {"不清楚可不选，由街道办事处受理并转办。", "Leave it if unsure: the street office receives and forwards it."},
	"complaint.concerning_none": {"不确定 / 街道办事处", "Not sure / the street office"},
	"complaint.concerning_hub":  {"枢纽组织（社会组织服务中心）的工作", "The hub's work (social organization service centre)"},
	"complaint.contract":        {"项目", "Project"},
	"complaint.subject":         {"标题", "Subject"},
	"complaint.description":     {"具体内容", "Details"},
	"complaint.contact_name":    {"联系人", "Your name"},
	"complaint.contact_phone":   {"联系电话", "Your phone"},
	"complaint.contact":         {"联系人", "Contact"},
	"complaint.code":            {"受理编号", "Tracking code"},
	"complaint.code_help":       {"请记下受理编号，凭编号和手机号后四位查询办理进度、评价答复。", "Keep the tracking code: with your phone's last four digits it lets you follow the case and rate the answer."},
	"complaint.phone4":          {"联系电话后四位", "Last four digits of your phone"},
	"complaint.submitted_at":    {"提交时间", "Submitted"},
	"complaint.due":             {"答复期限", "Answer due"},
	"complaint.due_day":         {"%s（含当日）", "%s (end of day)"},
	"complaint.answered_at":     {"首次答复时间", "First answered"},
	"complaint.answers":         {"答复", "Answers"},
	"complaint.answer":          {"答复内容", "Answer"},
	"complaint.answer_round.1":  {"答复", "Answer"},
	"complaint.answer_round.2":  {"街道复核答复", "Street office's second answer"},
	"complaint.rating":          {"评价", "Rating"},
	"complaint.rating_n":        {"%s 分（满分5分）", "%s of 5"},
	"complaint.rating_comment":  {"评价说明", "Comment"},
	"complaint.rating_help":     {"1分最不满意，5分最满意；2分及以下将由街道办事处重新办理。每件只能评价一次。", "1 is worst, 5 best; 2 or less sends it to the street office for a second answer. You rate once."},
	"complaint.reason":          {"转办理由", "Reason"},
	"complaint.new_route":       {"转至", "Send to"},
	"complaint.no_answer":       {"尚未答复。", "No answer yet."},
	"complaint.history":         {"办理记录", "History"},
	"complaint.submit":          {"提交", "Submit"},
	"complaint.do_track":        {"查询", "Look up"},
	"complaint.do_rate":         {"提交评价", "Rate"},
	"complaint.do_answer":       {"提交答复", "Send answer"},
	"complaint.do_route":        {"转办", "Re-route"},
	"complaint.do_reveal":       {"查看完整号码（留痕）", "Show full number (audited)"},
	"complaint.answer_title":    {"填写答复", "Write the answer"},
	"complaint.route_title":     {"转办", "Re-route"},
	"complaint.rate_title":      {"评价答复", "Rate the answer"},
	"complaint.answered_flash":  {"已提交答复。", "Answer sent."},
	"complaint.routed_flash":    {"已转办。", "Re-routed."},
	"complaint.rated_flash":     {"感谢您的评价。", "Thank you for rating."},
	"complaint.new":             {"我要投诉/问询", "New complaint or inquiry"},
	"complaint.track_link":      {"查询办理进度", "Track a complaint"},
	"complaint.stats_title":     {"月度办理情况", "Monthly figures"},
	"complaint.stats_note":      {"按提交月份统计；按时答复率 = 期限内首次答复件数 ÷ 已答复件数。", "By month of submission; on-time rate = first answers within the deadline ÷ answered."},
	"complaint.month":           {"月份", "Month"},
	"complaint.total":           {"件数", "Total"},
	"complaint.answered":        {"已答复", "Answered"},
	"complaint.on_time_rate":    {"按时答复率", "On time"},
	"complaint.avg_rating":      {"平均评分", "Average rating"},
	"complaint.no_stats":        {"暂无数据。", "No figures yet."},
	"complaint.receipt_text":    {"我们已受理您的%s。", "We have received your %s."},
	"complaint.revealed":        {"完整联系方式（本次查看已记录）", "Full contact (this view is recorded)"},
	"complaint.by_public":       {"群众（未登录）", "Member of the public"},
	"complaint.by_system":       {"系统", "System"},
	"complaint.who_answered":    {"答复方", "Answered by"},

	"complaint.action.submitted": {"提交", "submitted"},
	"complaint.action.answered":  {"答复", "answered"},
	"complaint.action.rated":     {"评价", "rated"},
	"complaint.action.reopened":  {"差评重办，转街道办事处", "reopened for the street office"},
	"complaint.action.routed":    {"转办", "re-routed"},
	"complaint.action.escalated": {"超期升级督办", "escalated as overdue"},
	"complaint.action.revealed":  {"查看联系人完整信息", "viewed the full contact"},

	"complaint.by_office":            {"街道办事处", "The street office"},
	"complaint.by_hub":               {"社会组织发展服务中心", "The social organization service centre"},
	"complaint.too_many":             {"提交过于频繁，请稍后再试。", "Too many submissions; try again later."},
	"complaint.track_not_found":      {"未找到：请核对受理编号和电话后四位。", "Not found: check the tracking code and the last four digits."},
	"complaint.contract_unknown":     {"不是本街道正在履行的项目", "Not a signed contract of this street"},
	"complaint.not_waiting":          {"该件不在待答复状态", "It is not waiting for an answer"},
	"complaint.not_yours":            {"该件应由其他单位答复", "Another party must answer it"},
	"complaint.not_open":             {"只能转办待答复的件", "Only a waiting complaint can be re-routed"},
	"complaint.same_route":           {"已由该单位承办", "It is already routed there"},
	"complaint.already_rated":        {"已评价过，不能重复评价", "Already rated"},
	"complaint.not_answered":         {"尚未答复，暂不能评价", "Not answered yet"},
	"complaint.rating_range":         {"请选择1到5分", "Choose 1 to 5"},
	"todo.complaints_to_answer":      {"件投诉问询待答复", "complaints and inquiries to answer"},
	"todo.complaints_overdue":        {"件投诉问询已超期", "complaints past their deadline"},
	"todo.complaints_escalated":      {"件投诉问询升级督办", "complaints escalated to you"},
	"todo.complaints_reopened":       {"件差评投诉待重新答复", "low-rated complaints to answer again"},
	"todo.complaints_to_rate":        {"件答复待您评价", "answers for you to rate"},
	"attention.complaints_open":      {"件投诉问询办理中", "complaints and inquiries open"},
	"attention.complaints_overdue":   {"件投诉问询超期未答复", "complaints overdue"},
	"attention.complaints_escalated": {"件投诉问询已升级督办", "complaints escalated"},
}

func init() {
	web.AddMessages(complaintMessages)
	web.AddAPIDocs(complaintAPIDocs())
}
