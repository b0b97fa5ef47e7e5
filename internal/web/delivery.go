// The navigation of the delivery pages (ledger, supervision, complaints, evaluation and the
// dashboards) and the messages they share.

package web

import "gongzhi"

var deliveryNavMessages = map[string][2]string{
	"nav.dashboard":   {"看板", "Dashboard"},
	"nav.ledger":      {"服务台账", "Service ledger"},
	"nav.surveys":     {"满意度抽查", "Satisfaction sampling"},
	"nav.my_services": {"我参加的服务", "My services"},
	"nav.supervision": {"督导监管", "Supervision"},
	"nav.meetings":    {"联席会议", "Joint meetings"},
	"nav.complaints":  {"投诉问询", "Complaints"},
	"nav.evaluations": {"评估", "Evaluation"},
	"nav.disclosure":  {"信息公开", "Disclosure"},

	"err.too_many_submissions": {"提交过于频繁，请一小时后再试。", "Too many submissions from your address: try again in an hour."},

	// the reasons of gongzhi.FindPersonalData
	"personal.id_number": {"含有身份证号码，公开内容不得包含个人信息", "Contains an ID number: published text may not hold personal data"},
	"personal.phone":     {"含有电话号码，公开内容不得包含个人信息", "Contains a phone number: published text may not hold personal data"},
	"personal.name":      {"含有个人姓名“%s”，公开内容不得包含个人信息", "Contains the name “%s”: published text may not hold personal data"},
}

// deliveryNav is the navigation of the delivery pages for the actor's role.
func deliveryNav(ac *gongzhi.Actor) []navItem {
	var keys []string
	switch ac.Role() {
	case gongzhi.RolePurchaser, gongzhi.RoleAuditor:
		keys = []string{"dashboard", "ledger", "supervision", "meetings", "complaints", "evaluations"}
	case gongzhi.RoleHub:
		keys = []string{"dashboard", "ledger", "surveys", "supervision", "meetings", "complaints", "evaluations"}
	case gongzhi.RoleProvider:
		keys = []string{"dashboard", "ledger", "supervision", "complaints", "evaluations"}
	case gongzhi.RoleSocialWorker:
		keys = []string{"ledger"}
	case gongzhi.RoleCommunity:
		keys = []string{"ledger", "complaints"}
	case gongzhi.RoleExpert:
		keys = []string{"evaluations"}
	case gongzhi.RoleResident:
		keys = []string{"my_services", "complaints"}
	}
	paths := map[string]string{"dashboard": "/dashboard", "ledger": "/ledger", "surveys": "/surveys", "my_services": "/my-services",
		"supervision": "/supervision", "meetings": "/meetings", "complaints": "/complaints", "evaluations": "/evaluations"}
	var out []navItem
	for _, k := range keys {
		out = append(out, navItem{"nav." + k, paths[k]})
	}
	return out
}
