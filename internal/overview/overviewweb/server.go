// Package overviewweb serves the home page's to-do list, the dashboards and the public disclosure section in the pages and the JSON API, on the web kit.
package overviewweb

import "gongzhi/internal/web"

// Server is the overview pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

// Part registers the overview pages and API on the kit's server.
func Part(k *web.Server) { (&Server{k}).overviewRoutes() }
