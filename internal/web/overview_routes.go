// The home page: each role's to-do list and overview figures.
package web

import (
	"net/http"

	"gongzhi/internal/kernel"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	todos, stats, err := s.app.Todos(r.Context(), actorOf(r))
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		if todos == nil {
			todos = []kernel.Todo{}
		}
		if stats == nil {
			stats = []kernel.Todo{}
		}
		writeJSON(w, http.StatusOK, homeData{Todos: todos, Stats: stats})
		return nil
	}
	s.render(w, r, http.StatusOK, "home", &page{Title: T(langOf(r), "todo.title"), Active: "/", Data: homeData{Todos: todos, Stats: stats}})
	return nil
}

// overviewRoutes registers the home page with its to-do list, the dashboards and the public
// disclosure section.
func (s *Server) overviewRoutes() {
	s.handle("GET /{$}", changed, s.home)
	s.api("GET /api/v1/todos", s.home)
	s.dashboardRoutes()
}
