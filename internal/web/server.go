// Package web serves Gongzhi's server-rendered UI and its JSON API (/api/v1) from one handler:
// routing on the standard library's ServeMux, sessions in the database, CSRF tokens on every
// form, an embedded template set and static files, and one place where errors become an HTML
// page or the API's error body.
package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"gongzhi"
	"gongzhi/internal/files"
)

//go:embed templates static
var assets embed.FS

// Options configure the web server.
type Options struct {
	// DevDir, when set, is the repository's root: templates and static files are read from the
	// kit's and each part's directory under it on every request, for template work without
	// rebuilding.
	DevDir string
	// MaxUpload is the largest accepted upload in bytes (default 10 MiB).
	MaxUpload int64
	// SecureCookies sets the Secure flag on cookies and sends Strict-Transport-Security (serve
	// behind HTTPS).
	SecureCookies bool
	// Registry collects metrics; nil uses a new one.
	Registry *prometheus.Registry
	// Files keeps uploaded files; nil keeps them under the system's temporary directory.
	Files *files.Store
	// SessionIdle is the session cookie's Max-Age, renewed on every signed-in request so that the
	// cookie lives as long as the session's idle timeout; the accounts part sets it from its
	// service's (0: a cookie for the browser's session).
	SessionIdle time.Duration
	// MaxInFlight is how many reads of pages and of the API run at once; the others wait their
	// turn (admit.go). 0 runs every request at once.
	MaxInFlight int
	// MaxWait is how long a read waits for its turn before it is refused as busy (default
	// DefaultMaxWait).
	MaxWait time.Duration
}

// Server is the HTTP side of Gongzhi.
type Server struct {
	services  Services
	log       *slog.Logger
	Opts      Options
	parts     []Part
	assetsMu  sync.RWMutex // guards the three below, which --dev mode reloads on every page
	tmpl      map[string]*template.Template
	static    fs.FS
	sums      map[string]string // static file name → content hash, for cache-busting URLs
	Files     *files.Store
	mux       *http.ServeMux
	nav       []NavLink            // every part's links, in menu order
	sections  map[string][]Section // resource name → other parts' additions to its record pages
	apiRoutes []string             // "METHOD /api/v1/…" patterns, for the OpenAPI check
	uiRoutes  []string             // "METHOD /…" patterns of the pages, for tests that visit every route
	reqs      *prometheus.CounterVec
	dur       *prometheus.HistogramVec
	reg       *prometheus.Registry
	public    publicCache // what anonymous public pages read (public_cache.go)
	admission *admission  // the places of the reads in flight (admit.go); nil: no limit
}

// A Part is one capability's share of the server: its page templates and the routes of its pages
// and API. A capability's messages (its messages/*.json files) and API documentation are added
// when its package is loaded (AddMessageFiles, AddAPIDocs).
type Part struct {
	// Name names the capability ("purchase").
	Name string
	// Dir is the capability's web package in the repository ("internal/purchase/purchaseweb"),
	// whose templates directory --dev mode reads.
	Dir string
	// Templates holds the capability's pages as templates/NAME.html; each is parsed with the
	// kit's layout and partials and rendered by NAME.
	Templates fs.FS
	// Routes registers the capability's pages and API on the server.
	Routes func(*Server)
	// Nav is the capability's links in the navigation, each shown to those its predicate allows.
	Nav []NavLink
}

// New builds the server over the services the kit needs (see Services) with the kit's own routes
// and then each part's.
func New(svcs Services, log *slog.Logger, opts Options, parts ...Part) (*Server, error) {
	if err := errors.Join(catalogue.problems...); err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	if opts.MaxUpload == 0 {
		opts.MaxUpload = 10 << 20
	}
	s := &Server{services: svcs, log: log, Opts: opts, mux: http.NewServeMux(), Files: opts.Files, parts: parts,
		sections: map[string][]Section{}}
	if s.Files == nil {
		s.Files = &files.Store{Dir: filepath.Join(os.TempDir(), "gongzhi-files")}
	}
	s.reg = opts.Registry
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
		s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	s.reqs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongzhi_http_requests_total", Help: "HTTP requests by route and status class."}, []string{"route", "code"})
	s.dur = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "gongzhi_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: prometheus.DefBuckets}, []string{"route"})
	s.reg.MustRegister(s.reqs, s.dur)
	s.admission = newAdmission(opts.MaxInFlight, opts.MaxWait, s.reg)
	if err := s.loadAssets(); err != nil {
		return nil, err
	}
	s.routes()
	for _, p := range parts {
		p.Routes(s)
		s.nav = append(s.nav, p.Nav...)
	}
	slices.SortStableFunc(s.nav, func(a, b NavLink) int { return a.Order - b.Order })
	return s, nil
}

// Handler returns the root handler with its middleware.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	return s.recoverer(s.observe(s.admit(cop.Handler(s.secureHeaders(s.mux)))))
}

// APIRoutes lists the registered API patterns ("GET /api/v1/organizations/{id}").
func (s *Server) APIRoutes() []string { return s.apiRoutes }

// UIRoutes lists the registered page patterns ("GET /supervision/inspections/{id}").
func (s *Server) UIRoutes() []string { return s.uiRoutes }

// assetsFS is the kit's templates and static files.
func (s *Server) assetsFS() fs.FS {
	if s.Opts.DevDir != "" {
		return os.DirFS(filepath.Join(s.Opts.DevDir, "internal", "web"))
	}
	return assets
}

// partTemplates is a part's templates directory.
func (s *Server) partTemplates(p Part) (fs.FS, error) {
	if s.Opts.DevDir != "" {
		return os.DirFS(filepath.Join(s.Opts.DevDir, filepath.FromSlash(p.Dir), "templates")), nil
	}
	return fs.Sub(p.Templates, "templates")
}

// ---- request context

type ctxKey int

const (
	keyActor ctxKey = iota
	keyCSRF
	keyLang
	KeySession
	keyRoute
	keyUploadCut
)

func ActorOf(r *http.Request) *gongzhi.Actor {
	ac, _ := r.Context().Value(keyActor).(*gongzhi.Actor)
	return ac
}

func csrfOf(r *http.Request) string { s, _ := r.Context().Value(keyCSRF).(string); return s }

func LangOf(r *http.Request) string {
	if l, ok := r.Context().Value(keyLang).(string); ok {
		return l
	}
	return requestLang(r)
}

func withValue(r *http.Request, k ctxKey, v any) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), k, v))
}

func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ---- middleware

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		route := new(string)
		next.ServeHTTP(sw, withValue(r, keyRoute, route))
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		name := *route
		if name == "" {
			name = "other"
		}
		d := time.Since(start)
		s.reqs.WithLabelValues(name, fmt.Sprintf("%dxx", sw.code/100)).Inc()
		s.dur.WithLabelValues(name).Observe(d.Seconds())
		if name != "GET /healthz" && name != "GET /static/" {
			s.log.Info("http", "method", r.Method, "path", r.URL.Path, "route", name, "status", sw.code,
				"ms", d.Milliseconds(), "ip", ClientIP(r))
		}
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "err", p, "path", r.URL.Path, "stack", string(debug.Stack()))
				s.fail(w, r, gongzhi.Internal(fmt.Errorf("panic: %v", p)))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
		if s.Opts.SecureCookies {
			// served behind HTTPS: browsers keep to it (identification data never crosses in clear)
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// handler is the shape of every route: it returns an error, and fail renders it.
type Handler func(w http.ResponseWriter, r *http.Request) error

// access says who may reach a route.
type access int

const (
	Public   access = iota // anyone, signed in or not
	SignedIn               // any signed-in account
	Changed                // a signed-in account that has changed its initial password
)

// handle registers a UI route.
func (s *Server) Handle(pattern string, acc access, h Handler) {
	s.uiRoutes = append(s.uiRoutes, pattern)
	s.mux.Handle(pattern, s.wrap(pattern, acc, false, h))
}

// api registers an API route; every API route needs a signed-in account (session or token).
func (s *Server) Api(pattern string, h Handler) {
	s.apiRoutes = append(s.apiRoutes, pattern)
	s.mux.Handle(pattern, s.wrap(pattern, Changed, true, h))
}

// apiPublic registers an API route that needs no account (the public section).
func (s *Server) ApiPublic(pattern string, h Handler) {
	s.apiRoutes = append(s.apiRoutes, pattern)
	s.mux.Handle(pattern, s.wrap(pattern, Public, true, h))
}

func (s *Server) wrap(pattern string, acc access, isAPI bool, h Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := r.Context().Value(keyRoute).(*string); ok {
			*p = pattern
		}
		r = withValue(r, keyLang, requestLang(r))
		if err := s.authenticate(w, r, &r, isAPI); err != nil {
			s.fail(w, r, err)
			return
		}
		ac := ActorOf(r)
		if acc >= SignedIn && ac == nil {
			if isAPI || r.Method != http.MethodGet {
				s.fail(w, r, &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.unauthorized"})
				return
			}
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if isAPI && ac != nil && !ac.ScopeAllows(r.Method) {
			// a read-only token (gongzhi.TokenRead) makes no other request, on any route
			s.fail(w, r, &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: "err.token_read_only"})
			return
		}
		if acc == Changed && ac != nil && ac.User.MustChangePassword {
			if isAPI || r.Method != http.MethodGet {
				s.fail(w, r, &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: "err.must_change_password"})
				return
			}
			http.Redirect(w, r, "/password", http.StatusSeeOther)
			return
		}
		if !isAPI && r.Method == http.MethodPost && ac != nil {
			var err error
			if r, err = s.checkCSRF(w, r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if isAPI && r.Method != http.MethodGet && r.Method != http.MethodHead && takesNoBody(pattern) {
			if err := refuseBody(r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

const SessionCookie = "gz_session"

// authenticate finds the actor from a bearer token (API) or the session cookie.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, out **http.Request, isAPI bool) error {
	ctx := r.Context()
	if auth := r.Header.Get("Authorization"); isAPI && auth != "" {
		tok, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.unauthorized"}
		}
		ac, err := s.services.TokenActor(ctx, strings.TrimSpace(tok), ClientIP(r))
		if err != nil {
			if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
				return &gongzhi.Error{Code: gongzhi.EUNAUTHORIZED, Message: "err.unauthorized"}
			}
			return err
		}
		*out = withValue(r, keyActor, ac)
		return nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	ac, csrf, err := s.services.SessionActor(ctx, c.Value, ClientIP(r))
	if err != nil {
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			s.ClearCookie(w, SessionCookie)
			return nil
		}
		return err
	}
	if isAPI {
		ac.Via = "api"
		// cookie-authenticated API writes need the session's CSRF token in a header
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get("X-CSRF-Token") != csrf {
			return &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: "err.csrf"}
		}
	}
	s.SetSessionCookie(w, c.Value)
	r = withValue(r, keyActor, ac)
	r = withValue(r, keyCSRF, csrf)
	*out = withValue(r, KeySession, c.Value)
	return nil
}

// SetSessionCookie sets the session cookie, living for the session's idle timeout.
func (s *Server) SetSessionCookie(w http.ResponseWriter, token string) {
	s.SetCookie(w, SessionCookie, token, int(s.Opts.SessionIdle.Seconds()))
}

// Metrics is the registry of the server's metrics, where a part registers its own.
func (s *Server) Metrics() prometheus.Registerer { return s.reg }

// checkCSRF checks a page's form post for the session's CSRF token. A multipart body is read at
// most to the server's upload limit: one larger is cut off there, and if the form's fields before
// its file (the token first) were received and the token is right, the handler still runs, its
// upload refused as too large (ReceiveUpload), so that the form is shown again with the limit.
func (s *Server) checkCSRF(w http.ResponseWriter, r *http.Request) (*http.Request, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		head := &headBuffer{max: uploadHead}
		orig := r.Body
		body := http.MaxBytesReader(w, r.Body, s.Opts.MaxUpload+1<<16)
		r.Body = readCloser{io.TeeReader(body, head), body}
		if err := r.ParseMultipartForm(s.Opts.MaxUpload); err != nil {
			err = UploadErr(err, s.Opts.MaxUpload)
			if gongzhi.ErrorCode(err) != gongzhi.ETOOLARGE {
				return r, err
			}
			discardRest(w, orig)
			vals := leadingValues(r, head.Bytes())
			if tok := vals.Get("csrf"); tok == "" || tok != csrfOf(r) {
				return r, err // the page that answers names the limit and links back (fail)
			}
			r.MultipartForm = &multipart.Form{Value: vals, File: map[string][]*multipart.FileHeader{}}
			r.PostForm = vals
			r.Form = url.Values{}
			for k, v := range r.URL.Query() {
				r.Form[k] = v
			}
			for k, v := range vals {
				r.Form[k] = append(v, r.Form[k]...)
			}
			return withValue(r, keyUploadCut, true), nil
		}
	}
	if tok := r.FormValue("csrf"); tok == "" || tok != csrfOf(r) {
		return r, &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: "err.csrf"}
	}
	return r, nil
}

func UploadErr(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || strings.Contains(err.Error(), "too large") {
		return &gongzhi.Error{Code: gongzhi.ETOOLARGE, Message: "err.too_large:" + SizeText(limit)}
	}
	return gongzhi.Invalid("file", "err.no_file")
}

func (s *Server) SetCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.Opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Server) ClearCookie(w http.ResponseWriter, name string) { s.SetCookie(w, name, "", -1) }

// ---- errors

var StatusOf = map[string]int{
	gongzhi.EINVALID: http.StatusUnprocessableEntity, gongzhi.EBADREQUEST: http.StatusBadRequest, gongzhi.ENOTFOUND: http.StatusNotFound,
	gongzhi.ECONFLICT: http.StatusConflict, gongzhi.EUNAUTHORIZED: http.StatusUnauthorized,
	gongzhi.EFORBIDDEN: http.StatusForbidden, gongzhi.ETOOLARGE: http.StatusRequestEntityTooLarge,
	gongzhi.ETOOMANY: http.StatusTooManyRequests, gongzhi.EBUSY: http.StatusServiceUnavailable, gongzhi.EINTERNAL: http.StatusInternalServerError,
	"method": http.StatusMethodNotAllowed,
}

// fail renders an error as the API's JSON body or an HTML error page. Internal details go to
// the log only.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := gongzhi.AsError(err)
	status := StatusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if e.Code == gongzhi.EINTERNAL {
		s.log.Error("internal error", "err", err, "path", r.URL.Path)
	}
	lang := LangOf(r)
	if IsAPIPath(r) {
		body := ApiError{Code: e.Code, Message: T(lang, e.Message), Links: e.Links}
		if len(e.Fields) > 0 {
			body.Fields = map[string]FieldError{}
			for k, v := range e.Fields {
				body.Fields[k] = FieldErrorOf(lang, v)
			}
		}
		WriteJSON(w, status, map[string]any{"error": body})
		return
	}
	var back string // a form whose upload was too large links back to it
	if e.Code == gongzhi.ETOOLARGE && r.Method == http.MethodPost {
		back = formPage(r)
	}
	s.Render(w, r, status, "error", &Page{Title: T(lang, "title."+e.Code), Error: e, Data: back})
}

// ApiError is the API's error body: {"error":{"code","message","fields"}}.
type ApiError struct {
	Code    string                `json:"code"`
	Message string                `json:"message"`
	Fields  map[string]FieldError `json:"fields,omitempty"`
	// Links says, by field, the page where the rule that refused it is changed (a category's
	// price range: /catalog/CODE/edit).
	Links map[string]string `json:"links,omitempty"`
}

// FieldError is why the API refused one field: a stable machine code — the reason's message key
// without its argument ("required", "state.illegal", "budget.insufficient") — and the reason
// in the reader's language, argument filled in.
type FieldError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// FieldErrorOf is a field's reason ("key" or "key:arg", see gongzhi.Error) for the API.
func FieldErrorOf(lang, reason string) FieldError {
	return FieldError{Code: ReasonCode(reason), Message: T(lang, reason)}
}

// ReasonCode is the message key of a reason without its argument, as T reads it.
func ReasonCode(reason string) string {
	k, _, _ := strings.Cut(reason, ":")
	if !PpHas(k) && PpHas(reason) {
		return reason
	}
	return k
}

func IsAPIPath(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// ---- operations

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	dialect, err := s.services.Health(ctx)
	if err != nil {
		WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return nil
	}
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": dialect})
	return nil
}

func (s *Server) metrics() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
}
