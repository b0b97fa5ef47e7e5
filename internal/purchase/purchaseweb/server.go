// Package purchaseweb serves buying social services: the office's needs, budgets, catalog, calls, review, awards, contracts, payments and reports, the providers' applications, the experts' reviews and the public pages in the pages and the JSON API, on the web kit.
package purchaseweb

import "gongzhi/internal/web"

// Server is the purchase pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

// Part registers the purchase pages and API on the kit's server.
func Part(k *web.Server) { (&Server{k}).purchaseRoutes() }
