// Package consultweb serves resident consultation (议事协商) in the pages and the JSON API, on the
// web kit: a community's bodies and members, topics with their path, comments and supports,
// meetings with the door's QR sign-in, minutes printed as a 公示 sheet and exported to Excel, idea
// contests, and the public page of each community.
package consultweb

import (
	"embed"

	"gongzhi"
	"gongzhi/internal/consult"
	"gongzhi/internal/web"
)

// Server is the consultation pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *consult.Service
}

//go:embed templates
var templates embed.FS

//go:embed messages
var messageFiles embed.FS

func init() { web.AddMessageFiles("internal/consult/consultweb", messageFiles) }

// showMenu: staff who read consultation and residents, who take part in it.
func showMenu(ac *gongzhi.Actor) bool {
	return consult.MayReadConsultation(ac) || consult.MayDeliberate(ac)
}

// Part is the consultation pages' and API's share of the server, calling svc.
func Part(svc *consult.Service) web.Part {
	return web.Part{Name: "consult", Dir: "internal/consult/consultweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).routes() },
		Nav: []web.NavLink{
			{Key: "nav.consult", Href: "/consult", Show: showMenu, Order: 280},
		}}
}
