// Package overviewweb serves the home page's to-do list, the dashboards and the public disclosure
// section in the pages and the JSON API, on the web kit.
package overviewweb

import (
	"embed"

	"gongzhi/internal/web"
)

// Server is the overview pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

//go:embed templates
var templates embed.FS

// Part is the overview pages' and API's share of the server.
var Part = web.Part{Name: "overview", Dir: "internal/overview/overviewweb", Templates: templates,
	Routes: func(k *web.Server) { (&Server{k}).overviewRoutes() }}
