// Package registryweb serves the registry: places, grids, households, organizations, people, target groups and the Excel imports in the pages and the JSON API, on the web kit.
package registryweb

import "gongzhi/internal/web"

// Server is the registry pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

// Part registers the registry pages and API on the kit's server.
func Part(k *web.Server) { (&Server{k}).registryRoutes() }
