// Accounts in the pages and the API: signing in and out, the first-run setup, passwords, API
// tokens and the audit log.

package accountsweb

import (
	"net/http"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/web"
)

type loginData struct{ Next, Username string }

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if need, err := s.svc.NeedsSetup(r.Context()); err != nil {
		return err
	} else if need {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return nil
	}
	if web.ActorOf(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	s.Render(w, r, http.StatusOK, "login", &web.Page{Title: web.T(web.LangOf(r), "login.title"), Data: loginData{Next: web.SafeNext(r.URL.Query().Get("next"))}})
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return gongzhi.Invalid("form", "bad_text")
	}
	username := web.TruncateRunes(r.PostFormValue("username"), 64)
	token, _, u, err := s.svc.Login(r.Context(), username, r.PostFormValue("password"), web.ClientIP(r), r.UserAgent())
	next := web.SafeNext(r.PostFormValue("next"))
	if step, ok := isSecondStep(err); ok {
		return s.toSecondStep(w, r, step, next) // two factors (totp.go)
	}
	if err != nil {
		e := gongzhi.AsError(err)
		if e.Code == gongzhi.EINTERNAL {
			return err
		}
		s.retryAfter(w, err)
		s.Render(w, r, web.StatusOf[e.Code], "login", &web.Page{Title: web.T(web.LangOf(r), "login.title"), Error: e, Data: loginData{Next: next, Username: username}})
		return nil
	}
	s.SetSessionCookie(w, token)
	if u.MustChangePassword {
		next = "/password"
	}
	return s.Redirect(w, r, next, signInFlash(web.LangOf(r), u.LastLoginAt, u.LastLoginIP))
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	tok, _ := r.Context().Value(web.KeySession).(string)
	if err := s.svc.Logout(r.Context(), web.ActorOf(r), tok); err != nil {
		return err
	}
	s.ClearCookie(w, web.SessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func passwordForm(lang string, errs map[string]string) *web.FormView {
	return &web.FormView{Action: "/password", Submit: web.T(lang, "action.save"), Fields: []web.Field{
		{Name: "current", Label: web.T(lang, "password.current"), Type: "password", Error: errs["current"], Required: true, Wide: true},
		{Name: "password", Label: web.T(lang, "password.new"), Type: "password", Error: errs["password"], Required: true, Wide: true, Help: web.T(lang, "password.policy")},
		{Name: "confirm", Label: web.T(lang, "password.confirm"), Type: "password", Error: errs["confirm"], Required: true, Wide: true},
	}}
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	s.Render(w, r, http.StatusOK, "password", &web.Page{Title: web.T(lang, "password.title"), Data: passwordForm(lang, nil)})
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	tok, _ := r.Context().Value(web.KeySession).(string)
	err := s.svc.ChangePassword(r.Context(), web.ActorOf(r), tok, r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm"))
	if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 {
		errs := map[string]string{}
		for k, v := range e.Fields {
			errs[k] = web.T(lang, v)
		}
		s.Render(w, r, web.StatusOf[e.Code], "password", &web.Page{Title: web.T(lang, "password.title"), Data: passwordForm(lang, errs), Error: e})
		return nil
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/", web.T(lang, "password.changed"))
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) error {
	need, err := s.svc.NeedsSetup(r.Context())
	if err != nil {
		return err
	}
	if !need {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	s.Render(w, r, http.StatusOK, "setup", &web.Page{Title: web.T(web.LangOf(r), "setup.title"), Data: &accounts.SetupResult{}})
	return nil
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	res, err := s.svc.Setup(r.Context(), web.TruncateRunes(r.PostFormValue("prefix"), 40), web.ClientIP(r))
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "setup", &web.Page{Title: web.T(web.LangOf(r), "setup.title"), Data: res})
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	ac := web.ActorOf(r)
	web.WriteJSON(w, http.StatusOK, map[string]any{"user": ac.User, "scope_code": ac.ScopeCode})
	return nil
}

func (s *Server) tokens(w http.ResponseWriter, r *http.Request) error {
	return s.renderTokens(w, r, "", nil)
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, newToken string, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	list, err := s.svc.Tokens(r.Context(), ac)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if list == nil {
			list = []gongzhi.APIToken{}
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"items": list})
		return nil
	}
	errs := map[string]string{}
	if e != nil {
		for k, v := range e.Fields {
			errs[k] = web.T(lang, v)
		}
	}
	places, err := s.svc.TokenPlaces(r.Context(), list)
	if err != nil {
		return err
	}
	fields := []web.Field{
		{Name: "name", Label: web.T(lang, "token.name"), Type: "text", Error: errs["name"], Required: true},
		{Name: "days", Label: web.T(lang, "token.days"), Type: "number", Value: "90", Error: errs["days"], Required: true},
		{Name: "scope", Label: web.T(lang, "token.scope_label"), Type: "select", Value: gongzhi.TokenRead, Options: scopeOptions(lang), Error: errs["scope"], Help: web.T(lang, "token.scope_help")},
	}
	if ac.Scope != "" { // an account with a place may limit a token to a place under it
		fields = append(fields, web.Field{Name: "place_code", Label: web.T(lang, "token.place_label"), Type: "text", Value: r.PostFormValue("place_code"),
			Error: errs["place_code"], Help: web.T(lang, "token.place_help")})
	}
	data := struct {
		*web.FormView
		Tokens   []gongzhi.APIToken
		Places   map[string]string
		NewToken string
		ShowUser bool
	}{&web.FormView{Action: "/tokens", Submit: web.T(lang, "action.create"), Fields: fields}, list, places, newToken, accounts.MayManageAllTokens(ac)}
	status := http.StatusOK
	if e != nil {
		status = web.StatusOf[e.Code]
	}
	s.Render(w, r, status, "tokens", &web.Page{Title: web.T(lang, "nav.tokens"), Active: "/tokens", Data: &data, Error: e})
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var req web.TokenRequest
	err := s.Decode(w, r, &req)
	var text string
	var t *gongzhi.APIToken
	if err == nil {
		t, text, err = s.svc.IssueToken(r.Context(), web.ActorOf(r), accounts.TokenSpec{Name: req.Name, Days: req.Days, Scope: req.Scope, Place: req.Place})
	}
	if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 && !web.IsAPIPath(r) {
		return s.renderTokens(w, r, "", e)
	} else if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": text})
		return nil
	}
	return s.renderTokens(w, r, text, nil)
}

// scopeOptions are the token scopes to choose from, narrowest first.
func scopeOptions(lang string) []web.Option {
	var out []web.Option
	for _, sc := range gongzhi.TokenScopes {
		out = append(out, web.Option{Value: sc, Label: web.T(lang, "token.scope_"+sc)})
	}
	return out
}

// passwordToken gives an integration its first token for an account's credentials (no session).
func (s *Server) passwordToken(w http.ResponseWriter, r *http.Request) error {
	var req web.PasswordTokenRequest
	if err := s.Decode(w, r, &req); err != nil {
		return err
	}
	t, text, err := s.svc.PasswordToken(r.Context(), web.TruncateRunes(req.Username, 64), req.Password, req.Code, web.ClientIP(r),
		accounts.TokenSpec{Name: req.Name, Days: req.Days, Scope: req.Scope, Place: req.Place})
	if err != nil {
		s.retryAfter(w, err)
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": text})
	return nil
}

// deleteToken revokes a token (DELETE /api/v1/tokens/{id}).
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.RevokeToken(r.Context(), web.ActorOf(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.RevokeToken(r.Context(), web.ActorOf(r), id); err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, map[string]string{"status": "revoked"})
		return nil
	}
	return s.Redirect(w, r, "/tokens", web.T(web.LangOf(r), "saved"))
}

// accountsRoutes registers signing in and out, the first-run setup, passwords, accounts, API
// tokens and the audit log.
func (s *Server) accountsRoutes() {
	s.Handle("GET /login", web.Public, s.loginPage)
	s.Handle("POST /login", web.Public, s.login)
	s.Handle("POST /logout", web.SignedIn, s.logout)
	s.Handle("GET /password", web.SignedIn, s.passwordPage)
	s.Handle("POST /password", web.SignedIn, s.retrying(s.changePassword))
	s.Handle("GET /setup", web.Public, s.setupPage)
	s.Handle("POST /setup", web.Public, s.retrying(s.setup))
	web.Register(s.Server, s.userResource())
	s.Handle("GET /users/new", web.Changed, s.createUser)
	s.Handle("POST /users/new", web.Changed, s.retrying(s.createUser))
	s.Api("POST /api/v1/users", s.retrying(s.createUser))
	for _, a := range []string{"unlock", "reset", "end-sessions", "reset-2fa"} {
		s.Handle("POST /users/{id}/"+a, web.Changed, s.retrying(s.securityAction(a)))
		s.Api("POST /api/v1/users/{id}/"+a, s.retrying(s.securityAction(a)))
	}
	s.sessionRoutes()
	s.Handle("GET /tokens", web.Changed, s.tokens)
	s.Handle("POST /tokens", web.Changed, s.createToken)
	s.Handle("POST /tokens/{id}/revoke", web.Changed, s.revokeToken)
	s.Api("GET /api/v1/tokens", s.tokens)
	s.Api("POST /api/v1/tokens", s.createToken)
	s.Api("POST /api/v1/tokens/{id}/revoke", s.revokeToken)
	s.Api("DELETE /api/v1/tokens/{id}", s.deleteToken)
	s.ApiPublic("POST /api/v1/auth/token", s.passwordToken)
	s.Handle("GET /audit", web.Changed, s.audit)
	s.Api("GET /api/v1/audit", s.audit)
	s.Api("GET /api/v1/me", s.me)
	s.totpRoutes()
}
