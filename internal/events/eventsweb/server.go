// Package eventsweb serves grid events (docs/events.md) in the pages and the JSON API, on the web
// kit: the list and an event's page with the form of each step its reader may take, reporting
// (staff and residents), the categories and departments the office keeps, the performance
// figures, and the public pages — report without an account, follow by tracking code, evaluate,
// the community's list of reports and the public statistics.
package eventsweb

import (
	"embed"

	"gongzhi/internal/events"
	"gongzhi/internal/web"
)

// Server is the events pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *events.Service
}

//go:embed templates
var templates embed.FS

//go:embed messages
var messageFiles embed.FS

func init() { web.AddMessageFiles("internal/events/eventsweb", messageFiles) }

// Part is the events pages' and API's share of the server, calling svc.
func Part(svc *events.Service) web.Part {
	return web.Part{Name: "events", Dir: "internal/events/eventsweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).routes() },
		Nav: []web.NavLink{
			{Key: "nav.events", Href: "/events", Show: events.MayReadEvents, Order: 335},
			{Key: "nav.event_categories", Href: "/events/categories", Show: events.MayManageEventCategories, Order: 336},
			{Key: "nav.event_stats", Href: "/events/stats", Show: events.MayReadEventStats, Order: 205, Group: web.NavReports},
		}}
}
