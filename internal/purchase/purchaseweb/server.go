// Package purchaseweb serves buying social services: the office's needs, budgets, catalog, calls,
// review, awards, contracts, payments and reports, the providers' applications, the experts'
// reviews and the public pages in the pages and the JSON API, on the web kit.
package purchaseweb

import (
	"embed"

	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
)

// Server is the purchase pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *purchase.Service
}

//go:embed templates
var templates embed.FS

// Part is the purchase pages' and API's share of the server, calling svc.
func Part(svc *purchase.Service) web.Part {
	return web.Part{Name: "purchase", Dir: "internal/purchase/purchaseweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).purchaseRoutes() },
		Nav: []web.NavLink{
			{Key: "nav.needs", Href: "/needs", Show: purchase.MayRecordNeed, Order: 100},
			{Key: "nav.budgets", Href: "/budgets", Show: purchase.MayPurchase, Order: 110},
			{Key: "nav.calls", Href: "/calls", Show: purchase.MayWorkOnCalls, Order: 120},
			{Key: "nav.applications", Href: "/applications", Show: purchase.MayApply, Order: 130},
			{Key: "nav.contracts", Href: "/contracts", Show: purchase.MayWorkOnContracts, Order: 140},
			{Key: "nav.reports", Href: "/reports", Show: purchase.MayPurchase, Order: 150, Group: web.NavReports},
			{Key: "nav.reviews", Href: "/reviews", Show: purchase.MayReview, Order: 160},
			{Key: "nav.community_needs", Href: "/public/needs/published", Show: purchase.MaySupportNeed, Order: 235},
		}}
}
