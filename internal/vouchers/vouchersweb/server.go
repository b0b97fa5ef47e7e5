// Package vouchersweb serves service vouchers (服务券) in the pages and the JSON API, on the web
// kit: schemes, issuing, printed sheets, residents' vouchers, redemption at the provider,
// statements, the report and the public provider shares.
package vouchersweb

import (
	"embed"

	"gongzhi/internal/vouchers"
	"gongzhi/internal/web"
)

// Server is the vouchers pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *vouchers.Service
}

//go:embed templates
var templates embed.FS

// Part is the vouchers pages' and API's share of the server, calling svc.
func Part(svc *vouchers.Service) web.Part {
	return web.Part{Name: "vouchers", Dir: "internal/vouchers/vouchersweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).routes() },
		Nav: []web.NavLink{
			{Key: "nav.vouchers", Href: "/vouchers", Show: vouchers.MayReadVouchers, Order: 270},
		}}
}
