// Package ledgerweb serves the service ledger, indicator progress, satisfaction sampling and residents' ratings in the pages and the JSON API, on the web kit.
package ledgerweb

import "gongzhi/internal/web"

// Server is the ledger pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

// Part registers the ledger pages and API on the kit's server.
func Part(k *web.Server) { (&Server{k}).ledgerRoutes() }
