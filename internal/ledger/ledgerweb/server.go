// Package ledgerweb serves the service ledger, indicator progress, satisfaction sampling and
// residents' ratings in the pages and the JSON API, on the web kit.
package ledgerweb

import (
	"embed"

	"gongzhi/internal/ledger"
	"gongzhi/internal/web"
)

// Server is the ledger pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *ledger.Service
}

//go:embed templates
var templates embed.FS

// Part is the ledger pages' and API's share of the server, calling svc.
func Part(svc *ledger.Service) web.Part {
	return web.Part{Name: "ledger", Dir: "internal/ledger/ledgerweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).ledgerRoutes() },
		Nav: []web.NavLink{
			{Key: "nav.ledger", Href: "/ledger", Show: ledger.MayFollowLedger, Order: 210},
			{Key: "nav.surveys", Href: "/surveys", Show: ledger.RunsSurveys, Order: 220},
			{Key: "nav.my_services", Href: "/my-services", Show: ledger.MayRateServices, Order: 230},
			{Key: "nav.account_links", Href: "/account-links", Show: ledger.MayLinkAccounts, Order: 390, Group: web.NavAccount},
		}}
}
