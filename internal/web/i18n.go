// Messages in Chinese (the default) and English. Keys are stable identifiers used by templates,
// handlers and the domain's error reasons ("key" or "key:arg").

package web

import (
	"net/http"
	"slices"
	"strings"
)

// Languages the UI speaks; the first is the default.
var Languages = []string{"zh-CN", "en"}

func langIndex(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}

// T translates a message key into lang. "key:arg" fills %s in the message with arg. Unknown keys
// are shown as they are.
func T(lang, key string) string {
	k, arg, hasArg := strings.Cut(key, ":")
	m, ok := messages[k]
	if !ok {
		m, ok = messages[key]
		if !ok {
			return key
		}
		hasArg = false
	}
	s := m[langIndex(lang)]
	if s == "" {
		s = m[0]
	}
	if hasArg {
		s = strings.Replace(s, "%s", arg, 1)
	}
	return s
}

// requestLang picks the language: the "lang" cookie set by the language switch, else Chinese.
// API clients may ask for English with "Accept-Language: en".
func requestLang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "en" || c.Value == "zh-CN") {
		return c.Value
	}
	if strings.HasPrefix(r.URL.Path, "/api/") && strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "en") {
		return "en"
	}
	return "zh-CN"
}

// AddMessages adds a capability's messages to the catalogue. Capabilities call it from init.
func AddMessages(ms ...map[string][2]string) {
	for _, more := range ms {
		for k, v := range more {
			messages[k] = v
		}
	}
}

func init() { AddMessages(deliveryNavMessages) }

var messages = map[string][2]string{
	// punctuation, which differs between the languages
	"p.colon": {"：", ": "},
	"p.sep":   {"、", ", "},
	"p.open":  {"（", " ("},
	"p.close": {"）", ")"},
	"p.comma": {"，", ", "},

	// product and navigation
	"app.name":              {"共治", "Gongzhi"},
	"app.tagline":           {"社区共建共治共享平台", "Community co-governance platform"},
	"nav.home":              {"我的待办", "My to-do"},
	"nav.places":            {"行政区划", "Places"},
	"nav.grids":             {"网格", "Grids"},
	"nav.households":        {"住户", "Households"},
	"nav.organizations":     {"社会组织", "Organizations"},
	"nav.people":            {"人员", "People"},
	"nav.target_groups":     {"服务对象类别", "Target groups"},
	"nav.users":             {"账号管理", "Accounts"},
	"nav.tokens":            {"API 令牌", "API tokens"},
	"nav.needs":             {"需求征集", "Needs"},
	"nav.budgets":           {"预算", "Budgets"},
	"nav.calls":             {"项目征集", "Calls"},
	"nav.contracts":         {"合同与拨付", "Contracts"},
	"nav.reports":           {"统计报表", "Reports"},
	"nav.applications":      {"项目申报", "Applications"},
	"nav.reviews":           {"评审任务", "Reviews"},
	"nav.public":            {"信息公开", "Public"},
	"nav.audit":             {"审计日志", "Audit log"},
	"nav.password":          {"修改密码", "Change password"},
	"nav.logout":            {"退出", "Sign out"},
	"nav.login":             {"登录", "Sign in"},
	"nav.menu":              {"菜单", "Menu"},
	"lang.switch":           {"English", "中文"},
	"action.save":           {"保存", "Save"},
	"action.create":         {"新建", "New"},
	"action.edit":           {"编辑", "Edit"},
	"action.delete":         {"删除", "Delete"},
	"action.search":         {"查询", "Search"},
	"action.reset":          {"重置", "Reset"},
	"action.export":         {"导出 Excel", "Export to Excel"},
	"action.import":         {"Excel 导入", "Import from Excel"},
	"action.template":       {"下载导入模板", "Download template"},
	"action.upload":         {"上传并导入", "Upload and import"},
	"action.cancel":         {"取消", "Cancel"},
	"action.back":           {"返回", "Back"},
	"action.reveal":         {"查看完整号码（将记入审计）", "Show full number (audited)"},
	"action.confirm_delete": {"确定删除？此操作将记入审计日志。", "Delete this record? The deletion is audited."},
	"list.total":            {"共 %s 条", "%s in all"},
	"list.empty":            {"没有符合条件的记录。", "No records match."},
	"list.prev":             {"上一页", "Previous"},
	"list.next":             {"下一页", "Next"},
	"list.page":             {"第 %s 页", "Page %s"},
	"list.search":           {"关键词", "Search"},
	"list.all":              {"全部", "All"},
	"list.sort":             {"排序", "Sort"},
	"detail.history":        {"变更记录", "Change history"},
	"detail.no_history":     {"暂无变更记录。", "No changes recorded."},
	"history.at":            {"时间", "When"},
	"history.who":           {"操作人", "Who"},
	"history.action":        {"操作", "Action"},
	"history.changes":       {"变更内容", "Changes"},
	"action.create.past":    {"新建", "created"},
	"action.update.past":    {"修改", "updated"},
	"action.delete.past":    {"删除", "deleted"},
	"action.import.past":    {"导入", "imported"},
	"saved":                 {"已保存。", "Saved."},
	"deleted":               {"已删除。", "Deleted."},
	"imported":              {"已导入 %s 条记录。", "%s records imported."},
	"form.required_note":    {"带 * 的为必填项", "Fields marked * are required"},
	"form.fix_errors":       {"请修改标出的字段后重新提交。", "Please correct the marked fields and submit again."},
	"yes":                   {"是", "Yes"},
	"no":                    {"否", "No"},

	// login and accounts
	"login.title":          {"登录共治平台", "Sign in to Gongzhi"},
	"login.username":       {"用户名", "Username"},
	"login.password":       {"密码", "Password"},
	"login.submit":         {"登录", "Sign in"},
	"password.title":       {"修改密码", "Change your password"},
	"password.must_change": {"首次登录或密码被重置后，请先设置新密码。", "Please choose a new password before you continue."},
	"password.current":     {"当前密码", "Current password"},
	"password.new":         {"新密码", "New password"},
	"password.confirm":     {"再次输入新密码", "New password again"},
	"password.policy":      {"至少 10 位，包含大写字母、小写字母、数字、符号中的三类，且不含用户名。", "At least 10 characters with three of: upper case, lower case, digits, symbols; must not contain the username."},
	"password.changed":     {"密码已修改。", "Password changed."},
	"setup.title":          {"首次运行：创建管理员", "First run: create the administrators"},
	"setup.intro":          {"按等保 2.0 三级要求，系统管理员、安全管理员、审计管理员为三个独立账号。下面将为您创建这三个账号及一次性密码，首次登录时须修改。", "As required for classified protection level 3, the system, security and audit administrators are three separate accounts. They are created now with one-time passwords that must be changed at first sign-in."},
	"setup.prefix":         {"账号前缀", "Username prefix"},
	"setup.submit":         {"创建管理员账号", "Create the administrator accounts"},
	"setup.done":           {"已创建以下账号。请立即记下一次性密码，此页面关闭后将不再显示。", "These accounts were created. Write down the one-time passwords now: they are not shown again."},
	"user.username":        {"用户名", "Username"},
	"user.display_name":    {"姓名", "Name"},
	"user.role":            {"角色", "Role"},
	"user.place_code":      {"所辖区域", "Place scope"},
	"user.org_id":          {"所属组织", "Organization"},
	"user.phone":           {"手机号", "Phone"},
	"user.disabled":        {"已停用", "Disabled"},
	"user.locked":          {"已锁定", "Locked"},
	"user.last_login":      {"最近登录", "Last sign-in"},
	"user.must_change":     {"须修改密码", "Must change password"},
	"user.unlock":          {"解除锁定", "Unlock"},
	"user.reset":           {"重置密码", "Reset password"},
	"user.end_sessions":    {"强制下线", "Sign out everywhere"},
	"user.created":         {"账号已创建，一次性密码：%s（首次登录须修改）", "Account created. One-time password: %s (must be changed at first sign-in)"},
	"user.reset_done":      {"密码已重置，一次性密码：%s", "Password reset. One-time password: %s"},
	"user.scope":           {"权限范围", "Scope"},
	"token.name":           {"名称", "Name"},
	"token.days":           {"有效天数（0 为长期）", "Valid for days (0: no expiry)"},
	"token.prefix":         {"令牌前缀", "Prefix"},
	"token.created":        {"令牌已创建，请立即复制，之后不再显示：%s", "Token created. Copy it now; it is not shown again: %s"},
	"token.last_used":      {"最近使用", "Last used"},
	"token.expires":        {"到期", "Expires"},
	"token.revoked":        {"已吊销", "Revoked"},
	"token.revoke":         {"吊销", "Revoke"},
	"token.user":           {"账号", "Account"},
	"token.help":           {"集成系统在请求头中携带 Authorization: Bearer <令牌> 调用 /api/v1，权限与本账号相同。", "Integrations send Authorization: Bearer <token> to /api/v1 and act with this account's permissions."},

	// roles
	"role.purchaser":     {"购买方（街道/民政）", "Purchaser"},
	"role.hub":           {"枢纽组织（社服中心）", "Hub"},
	"role.provider":      {"承接方（社会组织）", "Provider"},
	"role.community":     {"社区居委会", "Community"},
	"role.grid_worker":   {"网格员", "Grid worker"},
	"role.social_worker": {"社工/助工/义工", "Social worker"},
	"role.expert":        {"评审专家", "Expert"},
	"role.resident":      {"居民", "Resident"},
	"role.auditor":       {"监督委员会/公众", "Auditor"},
	"role.sysadmin":      {"系统管理员", "System administrator"},
	"role.secadmin":      {"安全管理员", "Security administrator"},
	"role.auditadmin":    {"审计管理员", "Audit administrator"},

	// places
	"place.code":        {"区划代码", "Code"},
	"place.name":        {"名称", "Name"},
	"place.level":       {"级别", "Level"},
	"place.parent_code": {"上级区划代码", "Parent code"},
	"place.parent":      {"上级", "Parent"},
	"place.children":    {"下级数量", "Children"},
	"place.level.1":     {"省", "Province"},
	"place.level.2":     {"市", "City"},
	"place.level.3":     {"区县", "District"},
	"place.level.4":     {"街道/乡镇", "Street/township"},
	"place.level.5":     {"社区/村", "Community/village"},
	"place.import_help": {"全国统计用区划代码请由系统管理员用命令 gongzhi import divisions 导入。", "The national division list is imported by the system administrator with gongzhi import divisions."},

	// grids and households
	"grid.community_code":      {"所属社区", "Community"},
	"grid.code":                {"网格编号", "Grid number"},
	"grid.name":                {"网格名称", "Name"},
	"grid.leader":              {"网格长", "Grid leader"},
	"grid.phone":               {"联系电话", "Phone"},
	"grid.team":                {"网格团队", "Grid team"},
	"grid.households":          {"住户数", "Households"},
	"grid.notes":               {"备注", "Notes"},
	"household.community_code": {"所属社区", "Community"},
	"household.grid_id":        {"所属网格", "Grid"},
	"household.address":        {"住址", "Address"},
	"household.head_name":      {"户主", "Head of household"},
	"household.phone":          {"联系电话", "Phone"},
	"household.members":        {"人口数", "Members"},
	"household.notes":          {"备注", "Notes"},
	"household.no_grid":        {"未划入网格", "Not in a grid"},

	// organizations
	"org.name":                              {"组织名称", "Name"},
	"org.credit_code":                       {"统一社会信用代码", "Unified social credit code"},
	"org.type":                              {"组织类型", "Type"},
	"org.reg_state":                         {"登记状态", "Registration"},
	"org.origin":                            {"本土/外来", "Local or external"},
	"org.legal_rep":                         {"法定代表人", "Legal representative"},
	"org.contact_name":                      {"联系人", "Contact"},
	"org.contact_phone":                     {"联系电话", "Contact phone"},
	"org.email":                             {"电子邮箱", "Email"},
	"org.address":                           {"地址", "Address"},
	"org.place_code":                        {"所属街道/社区", "Registry (place)"},
	"org.service_fields":                    {"服务领域", "Service fields"},
	"org.staff":                             {"工作人员数", "Staff"},
	"org.licensed_sw":                       {"持证社工数", "Licensed social workers"},
	"org.grade":                             {"评估等级", "Grade"},
	"org.incubation":                        {"孵化阶段", "Incubation stage"},
	"org.registered_on":                     {"登记日期", "Registered on"},
	"org.notes":                             {"备注", "Notes"},
	"org.credit_help":                       {"18 位，按 GB 32100-2015 校验；筹备中的组织可暂不填写。", "18 characters, checked per GB 32100-2015; may be left empty while preparing."},
	"org.type.professional":                 {"专业社工机构", "Professional agency"},
	"org.type.community":                    {"社区社会组织", "Community self-organization"},
	"org.type.hub":                          {"枢纽型组织", "Hub"},
	"org.type.enterprise":                   {"社会企业", "Social enterprise"},
	"org.reg_state.registered":              {"已登记", "Registered"},
	"org.reg_state.filed":                   {"已备案", "Filed"},
	"org.reg_state.preparing":               {"筹备中", "Preparing"},
	"org.origin.local":                      {"本土", "Local"},
	"org.origin.external":                   {"外来", "External"},
	"org.grade.":                            {"未评级", "Not graded"},
	"org.grade.1A":                          {"1A 级", "1A"},
	"org.grade.2A":                          {"2A 级", "2A"},
	"org.grade.3A":                          {"3A 级", "3A"},
	"org.grade.4A":                          {"4A 级", "4A"},
	"org.grade.5A":                          {"5A 级", "5A"},
	"org.incubation.none":                   {"未孵化", "Not incubated"},
	"org.incubation.idea":                   {"创意阶段", "Idea"},
	"org.incubation.incubating":             {"孵化中", "Incubating"},
	"org.incubation.preparing_registration": {"准备登记", "Preparing registration"},
	"org.incubation.graduated":              {"已出壳", "Graduated"},
	"field.elderly":                         {"养老服务", "Elderly care"},
	"field.children":                        {"儿童服务", "Children"},
	"field.disability":                      {"助残服务", "Disability"},
	"field.social_work":                     {"社会工作", "Social work"},
	"field.community_governance":            {"社区治理", "Community governance"},
	"field.volunteering":                    {"志愿服务", "Volunteering"},
	"field.culture":                         {"文体活动", "Culture and sport"},
	"field.health":                          {"健康服务", "Health"},
	"field.education":                       {"教育", "Education"},
	"field.employment":                      {"就业服务", "Employment"},
	"field.legal":                           {"法律服务", "Legal aid"},
	"field.environment":                     {"环境保护", "Environment"},
	"field.poverty":                         {"困难帮扶", "Poverty relief"},
	"field.other":                           {"其他", "Other"},
	"field.finance":                         {"财务", "Finance"},
	"field.law":                             {"法律", "Law"},
	"field.management":                      {"管理", "Management"},
	"field.evaluation":                      {"评估", "Evaluation"},

	// people
	"person.kind":                 {"类别", "Kind"},
	"person.name":                 {"姓名", "Name"},
	"person.gender":               {"性别", "Gender"},
	"person.id_number":            {"身份证号", "ID number"},
	"person.id_help":              {"18 位，按 GB 11643 校验；加密存储，仅脱敏显示。修改时留空则保持原号码。", "18 characters, checked per GB 11643; stored encrypted and shown masked. Leave empty when editing to keep the stored number."},
	"person.birth_year":           {"出生年份", "Born"},
	"person.phone":                {"手机号", "Phone"},
	"person.place_code":           {"所属社区", "Community"},
	"person.household_id":         {"所属住户", "Household"},
	"person.org_id":               {"所属组织", "Organization"},
	"person.licence":              {"社工证等级", "Licence"},
	"person.expert_fields":        {"专家领域", "Expert fields"},
	"person.affiliation":          {"工作单位", "Affiliation"},
	"person.volunteer_hours":      {"志愿服务时长（小时）", "Volunteer hours"},
	"person.target_groups":        {"服务对象类别", "Target groups"},
	"person.notes":                {"备注", "Notes"},
	"person.kind.resident":        {"居民", "Resident"},
	"person.kind.social_worker":   {"社工", "Social worker"},
	"person.kind.volunteer":       {"志愿者", "Volunteer"},
	"person.kind.expert":          {"专家", "Expert"},
	"person.gender.":              {"未填", "Not given"},
	"person.gender.male":          {"男", "Male"},
	"person.gender.female":        {"女", "Female"},
	"person.licence.":             {"无", "None"},
	"person.licence.assistant":    {"助理社会工作师", "Assistant social worker"},
	"person.licence.intermediate": {"社会工作师", "Social worker"},
	"person.licence.senior":       {"高级社会工作师", "Senior social worker"},
	"target_group.code":           {"代码", "Code"},
	"target_group.name":           {"名称", "Name"},
	"target_group.name_en":        {"英文名称", "English name"},
	"target_group.builtin":        {"内置", "Built in"},

	// audit
	"audit.at":        {"时间", "When"},
	"audit.user":      {"操作人", "Who"},
	"audit.role":      {"角色", "Role"},
	"audit.ip":        {"IP", "IP"},
	"audit.action":    {"操作", "Action"},
	"audit.entity":    {"对象", "Record"},
	"audit.entity_id": {"编号", "ID"},
	"audit.before":    {"变更前", "Before"},
	"audit.after":     {"变更后", "After"},
	"audit.note":      {"说明", "Note"},
	"audit.from":      {"起始日期", "From"},
	"audit.to":        {"截止日期", "To"},

	// to-dos
	"todo.title":                  {"我的待办", "My to-do list"},
	"todo.none":                   {"暂无待办事项。", "Nothing to do right now."},
	"todo.change_password":        {"请修改初始密码", "Change your initial password"},
	"todo.orgs_no_code":           {"家组织尚无统一社会信用代码（筹备中）", "organizations without a credit code (preparing)"},
	"todo.orgs_incubating":        {"家组织处于孵化阶段，需跟进", "organizations in incubation to follow up"},
	"todo.households_no_grid":     {"户住户尚未划入网格", "households not yet in a grid"},
	"todo.residents_no_household": {"名居民尚未关联住户", "residents not linked to a household"},
	"todo.locked_accounts":        {"个账号因登录失败被锁定", "accounts locked after failed sign-ins"},
	"todo.must_change":            {"个账号尚未修改初始密码", "accounts still on their initial password"},
	"todo.sensitive_views":        {"次敏感信息查看（近 24 小时）", "views of sensitive data in the last 24 hours"},
	"todo.failed_logins":          {"次登录失败（近 24 小时）", "failed sign-ins in the last 24 hours"},
	"todo.org_profile":            {"请完善本组织资料：", "Complete your organization's profile: "},
	"todo.stats":                  {"概况", "Overview"},
	"todo.calls_open":             {"个项目征集正在接受申报", "calls are taking applications"},
	"todo.calls_reviewing":        {"个项目征集在评审中，待汇总与确定资助", "calls in review: rank and award"},
	"todo.calls_notice":           {"个项目征集在公示期，留意异议", "calls in their notice period: watch for objections"},
	"todo.contracts_draft":        {"份合同待确认", "contracts awaiting confirmation"},
	"todo.apps_prelim":            {"份申报待初审", "applications awaiting preliminary review"},
	"todo.apps_draft":             {"份申报草稿尚未提交", "draft applications not yet submitted"},
	"todo.reviews_pending":        {"份申报待您评分", "applications awaiting your scores"},

	// errors and reasons
	"title.invalid":                 {"提交的内容有误", "Some fields need correcting"},
	"title.not_found":               {"记录不存在", "Not found"},
	"title.conflict":                {"操作未完成", "Not done"},
	"title.unauthorized":            {"请先登录", "Please sign in"},
	"title.forbidden":               {"无权操作", "Not allowed"},
	"title.too_large":               {"上传内容过大", "Too large"},
	"title.too_many":                {"请稍后再试", "Try again later"},
	"title.internal":                {"服务器出错", "Something went wrong"},
	"title.method":                  {"不支持的请求", "Not supported"},
	"err.invalid":                   {"提交的内容有误，请检查标出的字段。", "Some fields need correcting."},
	"err.not_found":                 {"记录不存在。", "Not found."},
	"err.forbidden":                 {"您的角色无权执行此操作。", "Your role may not do this."},
	"err.unauthorized":              {"请先登录。", "Please sign in."},
	"err.internal":                  {"服务器出错，已记录，请稍后重试。", "Something went wrong on our side; it has been logged."},
	"err.bad_login":                 {"用户名或密码错误。", "Wrong username or password."},
	"err.account_locked":            {"登录失败次数过多，账号已暂时锁定，请稍后再试或联系安全管理员。", "Too many failed sign-ins: the account is locked for a while. Try later or ask the security administrator."},
	"err.login_throttled":           {"来自此地址的登录失败过多，请稍后再试。", "Too many failed sign-ins from this address; try again later."},
	"err.csrf":                      {"表单已过期或来源无效，请刷新页面后重试。", "The form expired or came from elsewhere; reload the page and try again."},
	"err.setup_done":                {"系统已完成初始化。", "Setup has already been done."},
	"err.self_approval":             {"不能对自己的账号执行此操作（职责分离）。", "You cannot do this to your own account (separation of duties)."},
	"err.too_large":                 {"上传内容过大（上限 %s）。", "The upload is too large (limit %s)."},
	"err.bad_json":                  {"请求体不是有效的 JSON。", "The request body is not valid JSON."},
	"err.unknown_field":             {"不认识的字段。", "Unknown field."},
	"err.wrong_type":                {"类型错误，应为 %s。", "Wrong type: expected %s."},
	"err.must_change_password":      {"请先修改初始密码。", "Change your initial password first."},
	"err.import":                    {"文件中有 %s 处错误，未导入任何记录。请修改后重新上传。", "The file has %s problems; nothing was imported. Correct them and upload again."},
	"err.not_excel":                 {"上传的文件不是 Excel（.xlsx）文件。", "The uploaded file is not an Excel (.xlsx) file."},
	"err.no_file":                   {"请选择要上传的文件。", "Choose a file to upload."},
	"err.method":                    {"不支持的请求方法。", "Method not allowed."},
	"required":                      {"必填", "Required"},
	"import.empty":                  {"文件中没有数据行", "The file has no data rows"},
	"import.bad_rows":               {"有 %s 行数据有误，未导入任何记录", "%s rows are wrong; nothing was imported"},
	"number.format":                 {"应为数字", "Must be a number"},
	"place.ambiguous":               {"名称对应多个区划，请填写区划代码", "The name matches several places: give the code"},
	"org.ambiguous":                 {"名称对应多个组织，请填写统一社会信用代码", "The name matches several organizations: give the credit code"},
	"credit_code.duplicate_in_file": {"与文件第 %s 行的统一社会信用代码重复", "Same credit code as row %s of the file"},
	"id_number.duplicate_in_file":   {"与文件第 %s 行的身份证号重复", "Same ID number as row %s of the file"},
	"too_long":                      {"过长（最多 %s 字）", "Too long (at most %s characters)"},
	"bad_text":                      {"包含无效字符", "Contains invalid characters"},
	"choice":                        {"不是可选的值", "Not one of the choices"},
	"range":                         {"超出范围（%s）", "Out of range (%s)"},
	"number":                        {"应为数字", "Must be a number"},
	"date.format":                   {"日期格式应为 YYYY-MM-DD", "Use the date format YYYY-MM-DD"},
	"phone.format":                  {"电话号码格式不正确", "Not a valid phone number"},
	"email.format":                  {"邮箱格式不正确", "Not a valid email address"},
	"code.format":                   {"只能包含字母、数字、下划线和连字符", "Letters, digits, _ and - only"},
	"code.taken":                    {"代码已存在", "This code is taken"},
	"credit_code.length":            {"统一社会信用代码应为 18 位", "A credit code has 18 characters"},
	"credit_code.charset":           {"包含不允许的字符（不使用 I、O、Z、S、V）", "Contains a character not allowed (no I, O, Z, S, V)"},
	"credit_code.division":          {"第 3–8 位应为登记管理机关行政区划码（数字）", "Characters 3–8 must be the registering authority's division code (digits)"},
	"credit_code.check":             {"校验位错误，请核对统一社会信用代码", "Wrong check character: please check the credit code"},
	"credit_code.taken":             {"该统一社会信用代码已登记", "This credit code is already registered"},
	"id_number.length":              {"身份证号应为 18 位", "An ID number has 18 characters"},
	"id_number.charset":             {"身份证号只能是数字，最后一位可为 X", "Digits only; the last may be X"},
	"id_number.birth":               {"出生日期无效", "The birth date is not valid"},
	"id_number.check":               {"校验位错误，请核对身份证号", "Wrong check digit: please check the ID number"},
	"id_number.taken":               {"该身份证号已登记", "This ID number is already registered"},
	"place.code_format":             {"区划代码应为 12 位数字", "A division code has 12 digits"},
	"place.code_level":              {"区划代码与级别不符", "The code does not fit the level"},
	"place.level_invalid":           {"级别无效", "Invalid level"},
	"place.parent_level":            {"上级区划级别不符", "The parent is not one level up"},
	"place.parent_prefix":           {"区划代码须以上级代码开头", "The code must start with the parent's code"},
	"place.missing":                 {"区划不存在或不在您的权限范围内", "No such place within your scope"},
	"place.out_of_scope":            {"不在您的权限范围内", "Outside your scope"},
	"place.not_community":           {"请选择社区/村一级", "Choose a community or village"},
	"place.code_taken":              {"该区划代码已存在", "This code already exists"},
	"grid.code_taken":               {"该社区已有此编号的网格", "The community already has a grid with this number"},
	"grid.has_households":           {"网格内还有住户，不能删除", "The grid still has households"},
	"household.grid_community":      {"网格不属于所选社区", "The grid is not in this community"},
	"household.has_people":          {"住户下还有人员，不能删除", "People are still registered in this household"},
	"org.licensed_gt_staff":         {"持证社工数不能超过工作人员数", "Cannot exceed the staff count"},
	"org.in_use":                    {"该组织仍被账号或人员引用，不能删除", "Accounts or people still refer to this organization"},
	"org.missing":                   {"组织不存在或不在您的权限范围内", "No such organization within your scope"},
	"person.licence_kind":           {"只有社工可填写社工证等级", "Only social workers hold a licence"},
	"person.household_place":        {"住户不属于所选社区", "The household is not in this community"},
	"person.kind_role":              {"您的角色不能登记此类人员", "Your role cannot register this kind of person"},
	"user.username_format":          {"3 位以上，只能包含字母、数字、点、下划线和连字符", "3+ characters: letters, digits, '.', '_' and '-'"},
	"user.username_taken":           {"用户名已存在", "This username is taken"},
	"user.role_invalid":             {"角色无效", "Invalid role"},
	"user.org_required":             {"承接方账号须指定所属组织", "A provider account needs an organization"},
	"user.place_required":           {"须指定所辖区域", "Choose the place this account covers"},
	"user.org_missing":              {"组织不存在", "No such organization"},
	"user.admin_cli_only":           {"管理员账号只能在初始化时或用命令行创建", "Administrator accounts are made at setup or on the command line"},
	"password.short":                {"密码至少 10 位", "At least 10 characters"},
	"password.classes":              {"须包含大写字母、小写字母、数字、符号中的至少三类", "Use three of: upper case, lower case, digits, symbols"},
	"password.username":             {"密码不能包含用户名", "Must not contain the username"},
	"password.wrong":                {"当前密码不正确", "The current password is wrong"},
	"password.same":                 {"新密码不能与当前密码相同", "Choose a password different from the current one"},
	"password.mismatch":             {"两次输入不一致", "The two entries differ"},
}

// MessagePrefixes returns the first parts of the catalogue's keys ("nav", "eval", "personal" …),
// sorted: tests use them to spot a key a page shows untranslated.
func MessagePrefixes() []string {
	seen := map[string]bool{}
	for k := range messages {
		if p, _, ok := strings.Cut(k, "."); ok && p != "" {
			seen[p] = true
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}
