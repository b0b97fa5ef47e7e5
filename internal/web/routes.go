// Routes: every page and API endpoint, and the handlers that are not generic resources —
// signing in and out, the first-run setup, passwords, the home page, language, target groups,
// API tokens, the audit log and Excel imports.
package web

import (
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/kernel"
	"gongzhi/internal/registry"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

func (s *Server) routes() {
	s.handle("GET /healthz", public, s.healthz)
	s.mux.Handle("GET /metrics", s.metrics())
	s.mux.Handle("GET /static/", s.staticHandler())
	s.handle("GET /api/openapi.json", public, s.openAPI)

	s.handle("GET /{$}", changed, s.home)
	s.handle("GET /login", public, s.loginPage)
	s.handle("POST /login", public, s.login)
	s.handle("POST /logout", signedIn, s.logout)
	s.handle("GET /password", signedIn, s.passwordPage)
	s.handle("POST /password", signedIn, s.changePassword)
	s.handle("GET /setup", public, s.setupPage)
	s.handle("POST /setup", public, s.setup)
	s.handle("GET /lang", public, s.setLang)

	register(s, s.placeResource())
	register(s, s.gridResource())
	register(s, s.householdResource())
	register(s, s.orgResource())
	register(s, s.personResource())
	register(s, s.userResource())

	s.handle("POST /people/{id}/reveal", changed, s.revealID)
	s.api("POST /api/v1/people/{id}/reveal", s.revealID)
	s.handle("GET /users/new", changed, s.createUser)
	s.handle("POST /users/new", changed, s.createUser)
	s.api("POST /api/v1/users", s.createUser)
	for _, a := range []string{"unlock", "reset", "end-sessions"} {
		s.handle("POST /users/{id}/"+a, changed, s.securityAction(a))
		s.api("POST /api/v1/users/{id}/"+a, s.securityAction(a))
	}

	for _, kind := range []string{"organizations", "people"} {
		s.handle("GET /"+kind+"/import", changed, s.importPage(kind))
		s.handle("POST /"+kind+"/import", changed, s.importUpload(kind))
		s.handle("GET /"+kind+"/import-template.xlsx", changed, s.importTemplate(kind))
		s.api("POST /api/v1/"+kind+"/import", s.importUpload(kind))
		s.api("GET /api/v1/"+kind+"/import-template.xlsx", s.importTemplate(kind))
	}

	s.handle("GET /target-groups", changed, s.targetGroups)
	s.handle("POST /target-groups", changed, s.saveTargetGroup)
	s.api("GET /api/v1/target-groups", s.targetGroups)
	s.api("POST /api/v1/target-groups", s.saveTargetGroup)

	s.handle("GET /tokens", changed, s.tokens)
	s.handle("POST /tokens", changed, s.createToken)
	s.handle("POST /tokens/{id}/revoke", changed, s.revokeToken)
	s.api("GET /api/v1/tokens", s.tokens)
	s.api("POST /api/v1/tokens", s.createToken)
	s.api("POST /api/v1/tokens/{id}/revoke", s.revokeToken)

	s.handle("GET /audit", changed, s.audit)
	s.handle("GET /audit/export.xlsx", changed, s.auditExport)
	s.api("GET /api/v1/audit", s.audit)

	s.handle("POST /applications/{id}/attachments/upload", changed, s.uploadAttachment)
	s.handle("GET /applications/{id}/attachments/{att}", changed, s.downloadAttachment)
	s.api("POST /api/v1/applications/{id}/attachments/upload", s.uploadAttachment)
	s.api("GET /api/v1/applications/{id}/attachments/{att}", s.downloadAttachment)

	s.purchaseOfficeRoutes()
	s.purchasePartyRoutes()
	s.deliveryRoutes()

	s.api("GET /api/v1/me", s.me)
	s.api("GET /api/v1/todos", s.home)
}

func (s *Server) staticHandler() http.Handler {
	files := http.FileServerFS(s.static)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		if _, err := fs.Stat(s.static, strings.TrimPrefix(r.URL.Path, "/")); err != nil {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
}

// ---- signing in

type loginData struct{ Next, Username string }

func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

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

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.URL.Query().Get("to")
	if lang != "en" {
		lang = "zh-CN"
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

// ---- home

type homeData struct {
	Todos []kernel.Todo `json:"todos"`
	Stats []kernel.Todo `json:"stats"`
}

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

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	ac := actorOf(r)
	writeJSON(w, http.StatusOK, map[string]any{"user": ac.User, "scope_code": ac.ScopeCode})
	return nil
}

// ---- target groups

func (s *Server) targetGroups(w http.ResponseWriter, r *http.Request) error {
	return s.renderTargetGroups(w, r, http.StatusOK, &gongzhi.TargetGroup{}, nil)
}

func (s *Server) renderTargetGroups(w http.ResponseWriter, r *http.Request, status int, t *gongzhi.TargetGroup, e *gongzhi.Error) error {
	ac, lang := actorOf(r), langOf(r)
	groups, err := s.app.TargetGroups(r.Context(), ac)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, status, map[string]any{"items": groups})
		return nil
	}
	lv := listView{Action: "/target-groups", Total: len(groups), Page: 1}
	pageLinks(r, &lv, []colDef{{T(lang, "target_group.code"), ""}, {T(lang, "target_group.name"), ""}, {T(lang, "target_group.name_en"), ""}, {T(lang, "target_group.builtin"), ""}}, 0)
	for _, g := range groups {
		lv.Rows = append(lv.Rows, []cell{{Text: g.Code}, {Text: g.Name}, {Text: g.NameEn}, {Text: yesNo(lang, g.Builtin)}})
	}
	data := struct {
		listView
		Form *formView
	}{lv, nil}
	if canWrite(ac, "target_groups") {
		errs := map[string]string{}
		if e != nil {
			for k, v := range e.Fields {
				errs[k] = T(lang, v)
			}
		}
		data.Form = &formView{Action: "/target-groups", Submit: T(lang, "action.create"), Fields: []field{
			{Name: "code", Label: T(lang, "target_group.code"), Type: "text", Value: t.Code, Error: errs["code"], Required: true},
			{Name: "name", Label: T(lang, "target_group.name"), Type: "text", Value: t.Name, Error: errs["name"], Required: true},
			{Name: "name_en", Label: T(lang, "target_group.name_en"), Type: "text", Value: t.NameEn, Error: errs["name_en"]},
		}}
	}
	s.render(w, r, status, "target_groups", &page{Title: T(lang, "nav.target_groups"), Active: "/target-groups", Data: &data, Error: e})
	return nil
}

func (s *Server) saveTargetGroup(w http.ResponseWriter, r *http.Request) error {
	t := &gongzhi.TargetGroup{}
	err := s.decode(w, r, t)
	if err == nil {
		err = s.app.SaveTargetGroup(r.Context(), actorOf(r), t, true)
	}
	if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 && !isAPIPath(r) {
		return s.renderTargetGroups(w, r, statusOf[e.Code], t, e)
	} else if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusCreated, t)
		return nil
	}
	return s.redirect(w, r, "/target-groups", T(langOf(r), "saved"))
}

// ---- API tokens

type tokenRequest struct {
	Name string `json:"name"`
	Days int    `json:"days"`
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

// ---- audit log

var auditFilters = []string{"entity", "entity_id", "action", "user", "from", "to"}

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

// ---- Excel import

type importData struct {
	*formView
	TemplateURL string
	Problems    []importProblem
}

type importProblem struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func importColumns(kind string) []xlsx.Column {
	if kind == "people" {
		return registry.PeopleColumns()
	}
	return registry.OrgColumns()
}

func (s *Server) importForm(kind, lang string) *importData {
	return &importData{
		formView: &formView{Action: "/" + kind + "/import", Submit: T(lang, "action.upload"), Multipart: true, Cancel: "/" + kind,
			Fields: []field{{Name: "file", Label: "Excel (.xlsx)", Type: "file", Required: true, Wide: true}}},
		TemplateURL: "/" + kind + "/import-template.xlsx",
	}
}

func (s *Server) importPage(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := actorOf(r), langOf(r)
		if !canWrite(ac, kind) {
			return gongzhi.Forbidden()
		}
		s.render(w, r, http.StatusOK, "import", &page{Title: T(lang, "action.import") + " · " + T(lang, "nav."+kind), Active: "/" + kind, Data: s.importForm(kind, lang)})
		return nil
	}
}

func (s *Server) importTemplate(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !canWrite(actorOf(r), kind) {
			return gongzhi.Forbidden()
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+kind+`-template.xlsx"`)
		return xlsx.Template(w, T("zh-CN", "nav."+kind), importColumns(kind), nil)
	}
}

func (s *Server) importUpload(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := actorOf(r), langOf(r)
		if !canWrite(ac, kind) {
			return gongzhi.Forbidden()
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxUpload+1<<16)
		file, _, err := r.FormFile("file")
		if err != nil {
			if errors.Is(err, http.ErrMissingFile) {
				return gongzhi.Invalid("file", "err.no_file")
			}
			return uploadErr(err, s.opts.MaxUpload)
		}
		defer file.Close()
		n, err := s.app.ImportExcel(r.Context(), ac, kind, file, 200_000)
		var rowErrs xlsx.Errors
		switch {
		case err == nil:
		case errors.As(err, &rowErrs):
			problems := make([]importProblem, 0, len(rowErrs))
			for _, e := range rowErrs {
				problems = append(problems, importProblem{Line: e.Line, Column: e.Column, Field: e.Key, Reason: T(lang, e.Reason)})
			}
			if isAPIPath(r) {
				fields := map[string]string{}
				for _, p := range problems {
					fields["row "+strconv.Itoa(p.Line)+" "+p.Field] = p.Reason
				}
				writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": apiError{Code: gongzhi.EINVALID,
					Message: T(lang, "err.import:"+strconv.Itoa(len(problems))), Fields: fields}, "problems": problems})
				return nil
			}
			d := s.importForm(kind, lang)
			d.Problems = problems
			s.render(w, r, http.StatusUnprocessableEntity, "import", &page{Title: T(lang, "action.import") + " · " + T(lang, "nav."+kind), Active: "/" + kind, Data: d})
			return nil
		case errors.Is(err, xlsx.ErrNotExcel):
			return gongzhi.Invalid("file", "err.not_excel")
		case errors.Is(err, xlsx.ErrNoHeader), errors.Is(err, xlsx.ErrTooManyRows):
			return &gongzhi.Error{Code: gongzhi.EINVALID, Message: err.Error(), Fields: map[string]string{"file": err.Error()}}
		default:
			return err
		}
		if isAPIPath(r) {
			writeJSON(w, http.StatusOK, map[string]int{"imported": n})
			return nil
		}
		return s.redirect(w, r, "/"+kind, T(lang, "imported:"+strconv.Itoa(n)))
	}
}

var _ = url.QueryEscape
var _ = store.Scope{}
