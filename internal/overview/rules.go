// Who sees which overview: one predicate per rule, asked by the service methods (to refuse) and
// by the pages (to show or hide a link).

package overview

import (
	"gongzhi"
	"gongzhi/internal/kernel"
)

// MayReadStreetDashboard: purchasers, hubs and auditors see the dashboard of their place.
func MayReadStreetDashboard(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor)
}

// MayReadDashboard: they, and providers (the dashboard of their own contracts), have a dashboard.
func MayReadDashboard(ac *gongzhi.Actor) bool {
	return MayReadStreetDashboard(ac) || kernel.HasRole(ac, gongzhi.RoleProvider)
}
