// Package accountsweb serves signing in and out, the first-run setup, passwords, accounts, API
// tokens and the audit log in the pages and the JSON API, on the web kit.
package accountsweb

import (
	"embed"

	"gongzhi/internal/accounts"
	"gongzhi/internal/web"
)

// Server is the accounts pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *accounts.Service
}

//go:embed templates
var templates embed.FS

// Part is the accounts pages' and API's share of the server, calling svc.
func Part(svc *accounts.Service) web.Part {
	return web.Part{Name: "accounts", Dir: "internal/accounts/accountsweb", Templates: templates,
		Routes: func(k *web.Server) {
			k.Opts.SessionIdle = svc.Cfg.SessionIdle // the session cookie lives as long as an idle session
			for _, c := range svc.Collectors() {
				k.Metrics().MustRegister(c)
			}
			(&Server{k, svc}).accountsRoutes()
		},
		Nav: []web.NavLink{
			{Key: "nav.users", Href: "/users", Show: accounts.MayReadUsers, Order: 900},
			{Key: "nav.tokens", Href: "/tokens", Show: accounts.ShowTokens, Order: 920},
			{Key: "nav.sessions", Href: "/sessions", Show: accounts.MayKeepOwnSessions, Order: 935},
			{Key: "nav.audit", Href: "/audit", Show: accounts.MayReadAudit, Order: 930},
		}}
}
