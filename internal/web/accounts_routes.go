// Accounts in the pages and the API: signing in and out, the first-run setup, passwords, API
// tokens and the audit log.
package web

import (
	"net/http"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/xlsx"
)

type loginData struct{ Next, Username string }

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if need, err := s.app.NeedsSetup(r.Context()); err != nil {
		return err
	} else if need {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return nil
	}
	if actorOf(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login", &page{Title: T(langOf(r), "login.title"), Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return gongzhi.Invalid("form", "bad_text")
	}
	username := truncateRunes(r.PostFormValue("username"), 64)
	token, _, u, err := s.app.Login(r.Context(), username, r.PostFormValue("password"), clientIP(r), r.UserAgent())
	next := safeNext(r.PostFormValue("next"))
	if err != nil {
		e := gongzhi.AsError(err)
		if e.Code == gongzhi.EINTERNAL {
			return err
		}
		s.render(w, r, statusOf[e.Code], "login", &page{Title: T(langOf(r), "login.title"), Error: e, Data: loginData{Next: next, Username: username}})
		return nil
	}
	s.setCookie(w, sessionCookie, token, int(s.app.Cfg.SessionMax.Seconds()))
	if u.MustChangePassword {
		next = "/password"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	tok, _ := r.Context().Value(keySession).(string)
	if err := s.app.Logout(r.Context(), actorOf(r), tok); err != nil {
		return err
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func passwordForm(lang string, errs map[string]string) *formView {
	return &formView{Action: "/password", Submit: T(lang, "action.save"), Fields: []field{
		{Name: "current", Label: T(lang, "password.current"), Type: "password", Error: errs["current"], Required: true, Wide: true},
		{Name: "password", Label: T(lang, "password.new"), Type: "password", Error: errs["password"], Required: true, Wide: true, Help: T(lang, "password.policy")},
		{Name: "confirm", Label: T(lang, "password.confirm"), Type: "password", Error: errs["confirm"], Required: true, Wide: true},
	}}
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	s.render(w, r, http.StatusOK, "password", &page{Title: T(lang, "password.title"), Data: passwordForm(lang, nil)})
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	tok, _ := r.Context().Value(keySession).(string)
	err := s.app.ChangePassword(r.Context(), actorOf(r), tok, r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("confirm"))
	if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 {
		errs := map[string]string{}
		for k, v := range e.Fields {
			errs[k] = T(lang, v)
		}
		s.render(w, r, statusOf[e.Code], "password", &page{Title: T(lang, "password.title"), Data: passwordForm(lang, errs), Error: e})
		return nil
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/", T(lang, "password.changed"))
}

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) error {
	need, err := s.app.NeedsSetup(r.Context())
	if err != nil {
		return err
	}
	if !need {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "setup", &page{Title: T(langOf(r), "setup.title"), Data: &accounts.SetupResult{}})
	return nil
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	res, err := s.app.Setup(r.Context(), truncateRunes(r.PostFormValue("prefix"), 40), clientIP(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "setup", &page{Title: T(langOf(r), "setup.title"), Data: res})
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	ac := actorOf(r)
	writeJSON(w, http.StatusOK, map[string]any{"user": ac.User, "scope_code": ac.ScopeCode})
	return nil
}

func (s *Server) tokens(w http.ResponseWriter, r *http.Request) error {
	return s.renderTokens(w, r, "", nil)
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, newToken string, e *gongzhi.Error) error {
	ac, lang := actorOf(r), langOf(r)
	list, err := s.app.Tokens(r.Context(), ac)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		if list == nil {
			list = []gongzhi.APIToken{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": list})
		return nil
	}
	errs := map[string]string{}
	if e != nil {
		for k, v := range e.Fields {
			errs[k] = T(lang, v)
		}
	}
	data := struct {
		*formView
		Tokens   []gongzhi.APIToken
		NewToken string
		ShowUser bool
	}{&formView{Action: "/tokens", Submit: T(lang, "action.create"), Fields: []field{
		{Name: "name", Label: T(lang, "token.name"), Type: "text", Error: errs["name"], Required: true},
		{Name: "days", Label: T(lang, "token.days"), Type: "number", Value: "365", Error: errs["days"]},
	}}, list, newToken, ac.Has(gongzhi.RoleSecAdmin)}
	status := http.StatusOK
	if e != nil {
		status = statusOf[e.Code]
	}
	s.render(w, r, status, "tokens", &page{Title: T(lang, "nav.tokens"), Active: "/tokens", Data: &data, Error: e})
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	err := s.decode(w, r, &req)
	var text string
	var t *gongzhi.APIToken
	if err == nil {
		t, text, err = s.app.CreateToken(r.Context(), actorOf(r), req.Name, req.Days)
	}
	if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 && !isAPIPath(r) {
		return s.renderTokens(w, r, "", e)
	} else if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": text})
		return nil
	}
	return s.renderTokens(w, r, text, nil)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.app.RevokeToken(r.Context(), actorOf(r), id); err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "revoked"})
		return nil
	}
	return s.redirect(w, r, "/tokens", T(langOf(r), "saved"))
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, pg := listOptions(r, auditFilters...)
	if isAPIPath(r) {
		return writeList(w, opts, pg, listOf(r.Context(), ac, s.app.Audit))
	}
	lv := listView{Action: "/audit", Q: opts.Q}
	total, err := s.app.Audit(r.Context(), ac, opts, func(e *gongzhi.AuditEntry) error {
		lv.Rows = append(lv.Rows, []cell{{Text: fmtTime(e.At)}, {Text: e.Username}, {Text: T(lang, "role."+e.Role)}, {Text: e.IP},
			{Text: e.Action}, {Text: e.Entity}, {Text: e.EntityID}, {Text: truncateRunes(e.Note+" "+e.After, 160)}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	pageLinks(r, &lv, []colDef{{T(lang, "audit.at"), "at"}, {T(lang, "audit.user"), "username"}, {T(lang, "audit.role"), ""}, {T(lang, "audit.ip"), ""},
		{T(lang, "audit.action"), "action"}, {T(lang, "audit.entity"), ""}, {T(lang, "audit.entity_id"), ""}, {T(lang, "audit.note"), ""}}, opts.Limit)
	actions := []option{{"", T(lang, "list.all")}}
	for _, a := range []string{"create", "update", "delete", "import", "view_sensitive", "login", "login_failed", "logout", "password_change", "password_reset", "unlock", "end_sessions", "revoke"} {
		actions = append(actions, option{a, a})
	}
	lv.Filters = []field{
		filterSelect(r, "action", T(lang, "audit.action"), actions),
		{Name: "entity", Label: T(lang, "audit.entity"), Type: "text", Value: r.URL.Query().Get("entity")},
		{Name: "user", Label: T(lang, "audit.user"), Type: "text", Value: r.URL.Query().Get("user")},
		{Name: "from", Label: T(lang, "audit.from"), Type: "date", Value: r.URL.Query().Get("from")},
		{Name: "to", Label: T(lang, "audit.to"), Type: "date", Value: r.URL.Query().Get("to")},
	}
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/audit/export.xlsx?" + q.Encode()
	s.render(w, r, http.StatusOK, "list", &page{Title: T(lang, "nav.audit"), Active: "/audit", Data: &lv})
	return nil
}

func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, _ := listOptions(r, auditFilters...)
	opts.Limit = 0
	var rows [][]any
	if _, err := s.app.Audit(r.Context(), ac, opts, func(e *gongzhi.AuditEntry) error {
		rows = append(rows, []any{e.At.In(chinaTime), e.Username, e.Role, e.IP, e.Via, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.Note})
		return nil
	}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.xlsx"`)
	headers := []string{T(lang, "audit.at"), T(lang, "audit.user"), T(lang, "audit.role"), T(lang, "audit.ip"), "via", T(lang, "audit.action"),
		T(lang, "audit.entity"), T(lang, "audit.entity_id"), T(lang, "audit.before"), T(lang, "audit.after"), T(lang, "audit.note")}
	return xlsx.Export(w, T(lang, "nav.audit"), headers, func(yield func([]any) bool) {
		for _, row := range rows {
			if !yield(row) {
				return
			}
		}
	})
}

// accountsRoutes registers signing in and out, the first-run setup, passwords, accounts, API
// tokens and the audit log.
func (s *Server) accountsRoutes() {
	s.handle("GET /login", public, s.loginPage)
	s.handle("POST /login", public, s.login)
	s.handle("POST /logout", signedIn, s.logout)
	s.handle("GET /password", signedIn, s.passwordPage)
	s.handle("POST /password", signedIn, s.changePassword)
	s.handle("GET /setup", public, s.setupPage)
	s.handle("POST /setup", public, s.setup)
	register(s, s.userResource())
	s.handle("GET /users/new", changed, s.createUser)
	s.handle("POST /users/new", changed, s.createUser)
	s.api("POST /api/v1/users", s.createUser)
	for _, a := range []string{"unlock", "reset", "end-sessions"} {
		s.handle("POST /users/{id}/"+a, changed, s.securityAction(a))
		s.api("POST /api/v1/users/{id}/"+a, s.securityAction(a))
	}
	s.handle("GET /tokens", changed, s.tokens)
	s.handle("POST /tokens", changed, s.createToken)
	s.handle("POST /tokens/{id}/revoke", changed, s.revokeToken)
	s.api("GET /api/v1/tokens", s.tokens)
	s.api("POST /api/v1/tokens", s.createToken)
	s.api("POST /api/v1/tokens/{id}/revoke", s.revokeToken)
	s.handle("GET /audit", changed, s.audit)
	s.handle("GET /audit/export.xlsx", changed, s.auditExport)
	s.api("GET /api/v1/audit", s.audit)
	s.api("GET /api/v1/me", s.me)
}
