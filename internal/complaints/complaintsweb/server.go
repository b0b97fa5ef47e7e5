// Package complaintsweb serves complaints and inquiries: the public form and tracking, and the
// pages of those who answer in the pages and the JSON API, on the web kit.
package complaintsweb

import (
	"embed"

	"gongzhi/internal/complaints"
	"gongzhi/internal/web"
)

// Server is the complaints pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *complaints.Service
}

//go:embed templates
var templates embed.FS

// Part is the complaints pages' and API's share of the server, calling svc.
func Part(svc *complaints.Service) web.Part {
	return web.Part{Name: "complaints", Dir: "internal/complaints/complaintsweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).complaintRoutes() },
		Nav: []web.NavLink{
			{Key: "nav.complaints", Href: "/complaints", Show: complaints.MayReadComplaints, Order: 260},
		}}
}
