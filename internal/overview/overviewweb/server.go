// Package overviewweb serves the home page's to-do list, the dashboards and the public disclosure
// section in the pages and the JSON API, on the web kit.
package overviewweb

import (
	"embed"

	"gongzhi/internal/overview"
	"gongzhi/internal/web"
)

// Server is the overview pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *overview.Service
}

//go:embed templates
var templates embed.FS

// Part is the overview pages' and API's share of the server, calling svc.
func Part(svc *overview.Service) web.Part {
	return web.Part{Name: "overview", Dir: "internal/overview/overviewweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).overviewRoutes() },
		Nav: []web.NavLink{
			{Key: "nav.dashboard", Href: "/dashboard", Show: overview.MayReadDashboard, Order: 200, Group: web.NavReports},
		}}
}
