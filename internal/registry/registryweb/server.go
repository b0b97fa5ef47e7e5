// Package registryweb serves the registry: places, grids, households, organizations, people, target
// groups and the Excel imports in the pages and the JSON API, on the web kit.
package registryweb

import (
	"embed"

	"gongzhi/internal/registry"
	"gongzhi/internal/web"
)

// Server is the registry pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *registry.Service
}

//go:embed templates
var templates embed.FS

// Part is the registry pages' and API's share of the server, calling svc.
func Part(svc *registry.Service) web.Part {
	return web.Part{Name: "registry", Dir: "internal/registry/registryweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).registryRoutes() },
		Nav: []web.NavLink{
			{Key: "nav.organizations", Href: "/organizations", Show: registry.MayReadOrganizations, Order: 300},
			{Key: "nav.people", Href: "/people", Show: registry.MayReadPeople, Order: 310},
			{Key: "nav.places", Href: "/places", Show: registry.ShowPlaces, Order: 320},
			{Key: "nav.grids", Href: "/grids", Show: registry.MayReadGrids, Order: 330},
			{Key: "nav.households", Href: "/households", Show: registry.MayReadHouseholds, Order: 340},
			{Key: "nav.target_groups", Href: "/target-groups", Show: registry.ShowPlaces, Order: 350},
		}}
}

func init() { web.AddAPIDocs(householdAPIDocs()) }
