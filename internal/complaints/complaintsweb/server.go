// Package complaintsweb serves complaints and inquiries: the public form and tracking, and the pages of those who answer in the pages and the JSON API, on the web kit.
package complaintsweb

import "gongzhi/internal/web"

// Server is the complaints pages' and API's handlers on the kit's server.
type Server struct{ *web.Server }

// Part registers the complaints pages and API on the kit's server.
func Part(k *web.Server) { (&Server{k}).complaintRoutes() }
