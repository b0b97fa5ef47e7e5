// The navigation of the delivery pages (ledger, supervision, complaints, evaluation and the
// dashboards); its messages are in the kit's messages files.

package web

import "gongzhi"

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
