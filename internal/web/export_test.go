// What the kit's tests (package web_test) may see of its insides, compiled only into the tests.

package web

// APIRoutes lists the registered API patterns ("GET /api/v1/organizations/{id}"), for the test
// that keeps the OpenAPI document in step with the routes.
func (s *Server) APIRoutes() []string { return s.apiRoutes }
