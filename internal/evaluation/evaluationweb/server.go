// Package evaluationweb serves evaluation: indicator systems, rounds, panels, score sheets, grades and their publication in the pages and the JSON API, on the web kit.
package evaluationweb

import "gongzhi/internal/web"

// Server is the evaluation pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

// Part registers the evaluation pages and API on the kit's server.
func Part(k *web.Server) { (&Server{k}).evaluationRoutes() }
