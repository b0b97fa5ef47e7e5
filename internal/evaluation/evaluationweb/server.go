// Package evaluationweb serves evaluation: indicator systems, rounds, panels, score sheets, grades
// and their publication in the pages and the JSON API, on the web kit.
package evaluationweb

import (
	"embed"

	"gongzhi/internal/web"
)

// Server is the evaluation pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

//go:embed templates
var templates embed.FS

// Part is the evaluation pages' and API's share of the server.
var Part = web.Part{Name: "evaluation", Dir: "internal/evaluation/evaluationweb", Templates: templates,
	Routes: func(k *web.Server) { (&Server{k}).evaluationRoutes() }}
