// Who may read and change the registry: one predicate per rule, asked by the service methods (to
// refuse) and by the pages (to show or hide a link or a button). Scope applies on top: a role a
// rule allows still sees only its place (and below) or its own organization.

package registry

import (
	"slices"

	"gongzhi"
	"gongzhi/internal/kernel"
)

// registryReaders read places, grids and organizations of their place.
var registryReaders = []string{gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleCommunity, gongzhi.RoleGridWorker, gongzhi.RoleAuditor}

// MayReadPlaces: every role but the administrators reads the places of its scope.
func MayReadPlaces(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, append(registryReaders, gongzhi.RoleProvider, gongzhi.RoleSocialWorker, gongzhi.RoleExpert,
		gongzhi.RoleResident)...)
}

// ShowPlaces: the lists of places and target groups, with their codes, are in the menu of every
// role that reads them but residents, who meet places and groups by name on their own pages.
func ShowPlaces(ac *gongzhi.Actor) bool { return MayReadPlaces(ac) && !ac.Has(gongzhi.RoleResident) }

// MayWritePlaces: purchasers add and rename the places under them.
func MayWritePlaces(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RolePurchaser) }

// MayReadGrids: purchasers, hubs, community staff, grid workers and auditors read the grids.
func MayReadGrids(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, registryReaders...) }

// MayWriteGrids: purchasers and community staff draw the grids.
func MayWriteGrids(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleCommunity)
}

// MayReadHouseholds: purchasers, community staff and grid workers read the households.
func MayReadHouseholds(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleCommunity, gongzhi.RoleGridWorker)
}

// MayWriteHouseholds: community staff and grid workers keep the households.
func MayWriteHouseholds(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleCommunity, gongzhi.RoleGridWorker)
}

// MayReadOrganizations: the registry's readers and providers (their own) read organizations.
func MayReadOrganizations(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, append(registryReaders, gongzhi.RoleProvider)...)
}

// MayWriteOrganizations: purchasers, hubs (incubation) and providers (their own profile) keep
// organizations.
func MayWriteOrganizations(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleProvider)
}

// MayRegisterOrganizations: purchasers and hubs register and remove organizations; a provider
// keeps only its own profile.
func MayRegisterOrganizations(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub)
}

// MayReadPeople: purchasers, hubs, community staff, grid workers and providers (their own staff)
// read people.
func MayReadPeople(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleCommunity, gongzhi.RoleGridWorker,
		gongzhi.RoleProvider)
}

// MayWritePeople: the same roles keep people.
func MayWritePeople(ac *gongzhi.Actor) bool { return MayReadPeople(ac) }

// MayDeletePeople: those who keep people may delete them (MayKeepPerson says which).
func MayDeletePeople(ac *gongzhi.Actor) bool { return MayWritePeople(ac) }

// MayAddHouseholdMember: those who keep households and people (community staff, grid workers)
// add a person of a household's community to it from the household's page (MayKeepPerson says
// which people).
func MayAddHouseholdMember(ac *gongzhi.Actor) bool {
	return MayWriteHouseholds(ac) && MayWritePeople(ac)
}

// MayKeepPerson: of the people a caller sees, it edits and deletes those of the kinds its role
// keeps (PersonKindsFor): a provider its own social workers and volunteers, not an expert who
// sits on its board.
func MayKeepPerson(ac *gongzhi.Actor, p *gongzhi.Person) bool {
	return MayWritePeople(ac) && (ac.IsSystem() || slices.Contains(PersonKindsFor(ac), p.Kind))
}

// MayRevealID: community staff and grid workers may see a resident's full ID number, each view
// audited.
func MayRevealID(ac *gongzhi.Actor) bool {
	return ac.Has(gongzhi.RoleCommunity, gongzhi.RoleGridWorker)
}

// MayReadTargetGroups: every role but the administrators reads the target groups.
func MayReadTargetGroups(ac *gongzhi.Actor) bool { return MayReadPlaces(ac) }

// MayWriteTargetGroups: purchasers define target groups.
func MayWriteTargetGroups(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RolePurchaser) }

// MayImportDivisions: only the system administrator (or the command line) imports the national
// division list.
func MayImportDivisions(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleSysAdmin) }

// MayLinkSocialWorkers: the hub, which keeps the social workers of its place, links social
// workers' accounts to their records. Not the system administrator, who manages accounts but
// sees no registry data (三权分立) and could not tell one person from another.
func MayLinkSocialWorkers(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleHub) }

// MayLinkSocialWorkerAt: of social workers' accounts and records, the hub reaches those of its
// place (an account of an organization: whose organization is registered there).
func MayLinkSocialWorkerAt(ac *gongzhi.Actor, placeCode string) bool {
	return MayLinkSocialWorkers(ac) && kernel.InPlace(ac, placeCode)
}
