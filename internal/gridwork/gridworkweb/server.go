// Package gridworkweb serves grid work (docs/grids.md) in the pages and the JSON API, on the web
// kit: the grid page with its team, responsibility list, households and visit figures; the maps
// drawn as inline SVG from the imported boundaries; the overdue households; the phone form of a
// household visit; a finding turned into a need or a grid event; the visit plan and figures.
package gridworkweb

import (
	"embed"

	"gongzhi/internal/gridwork"
	"gongzhi/internal/web"
)

// Server is the grid work pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *gridwork.Service
}

//go:embed templates
var templates embed.FS

//go:embed messages
var messageFiles embed.FS

func init() { web.AddMessageFiles("internal/gridwork/gridworkweb", messageFiles) }

// Part is grid work's share of the server, calling svc.
func Part(svc *gridwork.Service) web.Part {
	return web.Part{Name: "gridwork", Dir: "internal/gridwork/gridworkweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).routes() },
		Nav: []web.NavLink{
			{Key: "nav.gridwork", Href: "/gridwork", Show: gridwork.MayReadGridWork, Order: 335},
		}}
}
