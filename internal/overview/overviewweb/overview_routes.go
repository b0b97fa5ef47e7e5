// The home page: each role's to-do list and overview figures.

package overviewweb

import (
	"net/http"

	"gongzhi"
	"gongzhi/internal/web"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	todos, stats, err := s.svc.Todos(r.Context(), web.ActorOf(r))
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if todos == nil {
			todos = []gongzhi.Todo{}
		}
		if stats == nil {
			stats = []gongzhi.Todo{}
		}
		web.WriteJSON(w, http.StatusOK, web.HomeData{Todos: todos, Stats: stats})
		return nil
	}
	s.Render(w, r, http.StatusOK, "home", &web.Page{Title: web.T(web.LangOf(r), "todo.title"), Active: "/", Data: web.HomeData{Todos: todos, Stats: stats}})
	return nil
}

// overviewRoutes registers the home page with its to-do list, the dashboards and the public
// disclosure section.
func (s *Server) overviewRoutes() {
	s.Handle("GET /{$}", web.Changed, s.home)
	s.Api("GET /api/v1/todos", s.home)
	s.dashboardRoutes()
}
