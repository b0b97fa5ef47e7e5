// Who may do what with grid events: one predicate per rule, asked by the service methods (to
// refuse) and by the pages (to show or hide a link, a form or a button). docs/events.md.

package events

import (
	"gongzhi"
	"gongzhi/internal/kernel"
)

// MayReadEvents: the street office (purchaser), community staff, grid workers and auditors read
// the events of their place; a department those dispatched to it; a resident those they reported.
func MayReadEvents(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleCommunity, gongzhi.RoleGridWorker, gongzhi.RoleDepartment,
		gongzhi.RoleAuditor, gongzhi.RoleResident)
}

// MayReadEventHistory: everyone who reads events reads their timed history, residents included
// (their own events; the names of staff are shown as roles to them).
func MayReadEventHistory(ac *gongzhi.Actor) bool { return MayReadEvents(ac) }

// MayCollectEvents: grid workers collect events on patrol; community staff and the street office
// also record those residents phone in and 12345 hotline transfers; residents report online.
func MayCollectEvents(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleGridWorker, gongzhi.RoleCommunity, gongzhi.RolePurchaser, gongzhi.RoleResident)
}

// ReportsAsResident: a signed-in resident reports under their own account (the event theirs to
// follow and evaluate); staff record where it came from.
func ReportsAsResident(ac *gongzhi.Actor) bool { return ac.Has(gongzhi.RoleResident) }

// MayImportHotline: the street office and community staff import 12345 hotline work orders.
func MayImportHotline(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleCommunity)
}

// MayRegisterEvents: the centre — community staff or the street office — registers (立案) or
// rejects collected events, dispatches registered ones and closes verified ones, within its place.
func MayRegisterEvents(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleCommunity, gongzhi.RolePurchaser)
}

// MayDispatchEvents: the centre dispatches registered events (see MayRegisterEvents).
func MayDispatchEvents(ac *gongzhi.Actor) bool { return MayRegisterEvents(ac) }

// MayCloseEvents: the centre closes verified events (see MayRegisterEvents).
func MayCloseEvents(ac *gongzhi.Actor) bool { return MayRegisterEvents(ac) }

// MayHandleEvents: departments handle the events dispatched to them; grid workers and community
// staff those to be solved in the grid.
func MayHandleEvents(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleDepartment, gongzhi.RoleGridWorker, gongzhi.RoleCommunity)
}

// MayHandleEvent: the department an event is dispatched to handles it and reports back; an
// event solved in the grid is the grid worker's or the community's.
func MayHandleEvent(ac *gongzhi.Actor, deptID int64, e *gongzhi.Event) bool {
	if e.State != gongzhi.EventHandling {
		return false
	}
	if ac.IsSystem() {
		return true
	}
	if e.InGrid {
		return ac.Has(gongzhi.RoleGridWorker, gongzhi.RoleCommunity)
	}
	return ac.Has(gongzhi.RoleDepartment) && deptID != 0 && deptID == e.DepartmentID
}

// MayReturnEvent: the department an event is dispatched to may send it back to the centre with a
// reason (not its business, wrongly dispatched).
func MayReturnEvent(ac *gongzhi.Actor, deptID int64, e *gongzhi.Event) bool {
	return e.State == gongzhi.EventHandling && !e.InGrid && ac.Has(gongzhi.RoleDepartment) && deptID != 0 && deptID == e.DepartmentID
}

// MayVerifyEvents: grid workers verify handled events on site.
func MayVerifyEvents(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleGridWorker) }

// MayRateEvent: the resident who reported an event evaluates it once it is closed, once. An
// event born of a household visit's finding (source visit) has no reporter account: the
// residents of the visited household who have accounts evaluate it (visited: the actor's own
// record lives in the event's household), the first of them once for the household.
// docs/events.md "Who evaluates".
func MayRateEvent(ac *gongzhi.Actor, e *gongzhi.Event, visited bool) bool {
	if !ac.Has(gongzhi.RoleResident) || e.State != gongzhi.EventClosed || e.Rating != 0 {
		return false
	}
	return ac.User.ID == e.ReporterUserID || (e.Source == gongzhi.SourceVisit && e.HouseholdID != 0 && visited)
}

// MayManageEventCategories: the street office edits the categories (responsible department,
// deadline, urgency) and the departments with their accounts.
func MayManageEventCategories(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser)
}

// MayReadEventStats: the street office, community staff, departments and auditors read the
// performance figures of what they see.
func MayReadEventStats(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleCommunity, gongzhi.RoleDepartment, gongzhi.RoleAuditor)
}
