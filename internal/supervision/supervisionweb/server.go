// Package supervisionweb serves monthly supervision: inspections, rectification orders, talks,
// joint meetings and the monthly report in the pages and the JSON API, on the web kit.
package supervisionweb

import (
	"embed"

	"gongzhi/internal/supervision"
	"gongzhi/internal/web"
)

// Server is the supervision pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *supervision.Service
}

//go:embed templates
var templates embed.FS

// Part is the supervision pages' and API's share of the server, calling svc.
func Part(svc *supervision.Service) web.Part {
	return web.Part{Name: "supervision", Dir: "internal/supervision/supervisionweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).supervisionRoutes() },
		Nav: []web.NavLink{
			{Key: "nav.supervision", Href: "/supervision", Show: supervision.MayReadSupervision, Order: 240},
			{Key: "nav.meetings", Href: "/meetings", Show: supervision.MayOversee, Order: 250},
		}}
}
