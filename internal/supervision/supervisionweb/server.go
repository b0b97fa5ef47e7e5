// Package supervisionweb serves monthly supervision: inspections, rectification orders, talks,
// joint meetings and the monthly report in the pages and the JSON API, on the web kit.
package supervisionweb

import (
	"embed"

	"gongzhi/internal/web"
)

// Server is the supervision pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

//go:embed templates
var templates embed.FS

// Part is the supervision pages' and API's share of the server.
var Part = web.Part{Name: "supervision", Dir: "internal/supervision/supervisionweb", Templates: templates,
	Routes: func(k *web.Server) { (&Server{k}).supervisionRoutes() }}
