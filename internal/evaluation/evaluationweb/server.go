// Package evaluationweb serves evaluation: indicator systems, rounds, panels, score sheets, grades
// and their publication in the pages and the JSON API, on the web kit.
package evaluationweb

import (
	"embed"

	"gongzhi/internal/evaluation"
	"gongzhi/internal/web"
)

// Server is the evaluation pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *evaluation.Service
}

//go:embed templates
var templates embed.FS

// Part is the evaluation pages' and API's share of the server, calling svc.
func Part(svc *evaluation.Service) web.Part {
	return web.Part{Name: "evaluation", Dir: "internal/evaluation/evaluationweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).evaluationRoutes() },
		Nav: []web.NavLink{
			{Key: "nav.evaluations", Href: "/evaluations", Show: evaluation.MayFollowEvaluations, Order: 270},
		}}
}
