// Package accountsweb serves signing in and out, the first-run setup, passwords, accounts, API tokens and the audit log in the pages and the JSON API, on the web kit.
package accountsweb

import "gongzhi/internal/web"

// Server is the accounts pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

// Part registers the accounts pages and API on the kit's server.
func Part(k *web.Server) { (&Server{k}).accountsRoutes() }
