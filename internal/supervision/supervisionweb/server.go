// Package supervisionweb serves monthly supervision: inspections, rectification orders, talks, joint meetings and the monthly report in the pages and the JSON API, on the web kit.
package supervisionweb

import "gongzhi/internal/web"

// Server is the supervision pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

// Part registers the supervision pages and API on the kit's server.
func Part(k *web.Server) { (&Server{k}).supervisionRoutes() }
