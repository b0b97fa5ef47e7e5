// A signed-in user's own sessions and last sign-in, in the pages and the API, and the Retry-After
// of refused sign-ins and password hashes.

package accountsweb

import (
	"embed"
	"net/http"
	"strconv"
	"time"

	"gongzhi/internal/accounts"
	"gongzhi/internal/web"
)

// messageFiles are the accounts pages' own messages, one file per language (the older ones are
// still the kit's).
//
//go:embed messages
var messageFiles embed.FS

func init() {
	web.AddMessageFiles("internal/accounts/accountsweb", messageFiles)
	web.AddAPIDocs(map[string]web.ApiDoc{
		"GET /api/v1/sessions": {Summary: "Your own live sessions (started, last seen, address, device; current marks this one) and your sign-in before the latest",
			Resp: accounts.MySessions{}},
		"POST /api/v1/sessions/{id}/end": {Summary: "End one of your own sessions", Resp: statusBody{}},
	})
}

type statusBody struct {
	Status string `json:"status"`
}

// retryAfter tells a client refused for want of a password slot, or for a locked or throttled
// sign-in, when to try again (the header goes out with the error page or body).
func (s *Server) retryAfter(w http.ResponseWriter, err error) {
	if n := s.svc.RetryAfter(err); n > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(n))
	}
}

// retrying is h with retryAfter on its error.
func (s *Server) retrying(h web.Handler) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		if err != nil {
			s.retryAfter(w, err)
		}
		return err
	}
}

// signInFlash is the notice after signing in: the account's sign-in before this one.
func signInFlash(lang string, at time.Time, ip string) string {
	if at.IsZero() {
		return web.T(lang, "session.first_sign_in")
	}
	return web.T(lang, "session.last_sign_in:"+fmtTime(at)+" "+ip)
}

func (s *Server) sessions(w http.ResponseWriter, r *http.Request) error {
	tok, _ := r.Context().Value(web.KeySession).(string)
	my, err := s.svc.OwnSessions(r.Context(), web.ActorOf(r), tok)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, my)
		return nil
	}
	lang := web.LangOf(r)
	s.Render(w, r, http.StatusOK, "sessions", &web.Page{Title: web.T(lang, "nav.sessions"), Active: "/sessions", Data: my})
	return nil
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.EndOwnSession(r.Context(), web.ActorOf(r), r.PathValue("id")); err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, statusBody{Status: "ended"})
		return nil
	}
	return s.Redirect(w, r, "/sessions", web.T(web.LangOf(r), "session.ended"))
}

func (s *Server) sessionRoutes() {
	s.Handle("GET /sessions", web.Changed, s.sessions)
	s.Handle("POST /sessions/{id}/end", web.Changed, s.endSession)
	s.Api("GET /api/v1/sessions", s.sessions)
	s.Api("POST /api/v1/sessions/{id}/end", s.endSession)
}
