// Rendering: the template set, the page model every template receives, the generic list, form
// and detail views, and cache-busted static URLs.

package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi"
)

// page is what every template receives.
type Page struct {
	Title  string
	Actor  *gongzhi.Actor
	CSRF   string
	Lang   string
	Flash  string
	Error  *gongzhi.Error
	Active string
	Nav    []navItem
	Groups []NavGroup // the menu in groups, when it is long (then Nav holds the home page only)
	Path   string
	Data   any
}

type navItem struct {
	Key, Href string
}

// A NavGroup is one group of a long menu (采购 / 履约监管 / 名录 / 报表 / 账号): a heading that
// opens its links, a <details> that works without script and keeps a phone's menu short.
type NavGroup struct {
	Key    string
	Items  []navItem
	Active bool // the page shown is one of its links
}

// A NavLink is one link of the navigation that a part adds: its message key, where it goes, the
// capability's predicate that decides who sees it, and its place in the menu (lower first; the
// purchase links are in the 100s, the delivery pages' in the 200s, the registry's in the 300s,
// the administrators' and the tokens in the 900s).
type NavLink struct {
	Key   string
	Href  string
	Show  func(*gongzhi.Actor) bool
	Order int
	Group string // the menu group (NavGroups); "" for the group its order falls in
}

// Menu groups, in the order a long menu shows them. A link without a group of its own goes by
// its order: the purchase links (100s) under 采购, the delivery pages (200s) under 履约监管, the
// registry (300s) under 名录, the administrators' and the account's (900s) under 账号.
const (
	NavPurchase = "nav.group.purchase"
	NavDelivery = "nav.group.delivery"
	NavRegistry = "nav.group.registry"
	NavReports  = "nav.group.reports"
	NavAccount  = "nav.group.account"
)

var navGroupOrder = []string{NavPurchase, NavDelivery, NavRegistry, NavReports, NavAccount}

// navGroupMin is the number of links above which a menu is grouped: a short menu (a resident's,
// an expert's, an administrator's) stays one row of links.
const navGroupMin = 8

func (l NavLink) group() string {
	switch {
	case l.Group != "":
		return l.Group
	case l.Order < 200:
		return NavPurchase
	case l.Order < 300:
		return NavDelivery
	case l.Order < 900:
		return NavRegistry
	}
	return NavAccount
}

type Option struct {
	Value, Label string
}

// field is one input of a form or a filter bar.
type Field struct {
	Name     string
	Label    string
	Type     string // text, number, date, select, suggest (see SuggestField), multi, textarea, password, hidden, file, checkbox
	Value    string
	Values   []string
	Options  []Option
	Error    string
	Help     string
	Required bool
	Wide     bool
	// Search makes a select one of records found by what is typed (a household by its address):
	// see FieldSearch.
	Search *FieldSearch
	// Refresh, on a select that decides which other fields apply (a person's kind), labels the
	// button that shows the form again for the chosen value when JavaScript does not.
	Refresh string
	// When names the select of the form that decides whether the field applies (a person's
	// kind) and WhenValues the values, space-separated, for which it does; Hidden says it does
	// not apply to the value chosen now. app.js shows and hides the field as the select changes.
	When       string
	WhenValues string
	Hidden     bool
}

// FieldSearch is the search box of a select of records found by what is typed. As one types,
// app.js asks Source (a JSON list of options, the typed text as q and, if Scope names another
// input, that input's value as scope) and fills the select; without JavaScript, the box's button
// shows the form again (then=refresh) with the select holding the matches.
type FieldSearch struct {
	Name   string // the box's form name: "household_q"
	Value  string // what was typed
	Label  string // the box's label and placeholder
	Button string // the button's label
	Source string // the JSON list: "/households/pick"
	Scope  string // the form name of the input whose value narrows the search: "place_code"
}

// PickOption is one choice of a JSON list behind a FieldSearch.
type PickOption struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Refreshing reports whether a form was posted to be shown again (a search box's button, a
// choice that decides which fields apply) rather than to be saved.
func Refreshing(r *http.Request) bool {
	return !IsAPIPath(r) && r.FormValue("then") == "refresh"
}

// Has reports whether v is among the field's selected values.
func (f Field) Has(v string) bool {
	for _, x := range f.Values {
		if x == v {
			return true
		}
	}
	return f.Value == v
}

// OptionTags are the select's <option> elements, those f.Has chosen marked selected; FilterTags
// the same for a list's filter, where only f.Value is chosen. A filter of a city's communities
// or grids has hundreds of options, and writing each through the template's escapers was most
// of a list page's rendering (BENCHMARKS.md, "Processor time per request").
func (f Field) OptionTags() template.HTML { return optionTags(f.Options, f.Has) }

// FilterTags: see OptionTags.
func (f Field) FilterTags() template.HTML {
	return optionTags(f.Options, func(v string) bool { return v == f.Value })
}

func optionTags(opts []Option, selected func(string) bool) template.HTML {
	var b strings.Builder
	for _, o := range opts {
		b.WriteString(`<option value="`)
		b.WriteString(template.HTMLEscapeString(o.Value))
		b.WriteByte('"')
		if selected(o.Value) {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(template.HTMLEscapeString(o.Label))
		b.WriteString("</option>")
	}
	return template.HTML(b.String())
}

// RowTags are a table's body rows: each cell a <td> labelled by its column's heading (heads:
// []string or []ListCol; a narrow screen stacks a row's cells under their labels), with its
// class, and its text inside a link when it has one. Written at once: through the template's
// escapers each cell cost about 9 µs, and a grid's page of 200 households 9 ms of processor
// time at city scale (BENCHMARKS.md, "Processor time per request"). Links are checked and
// escaped as html/template would (cellHref).
func RowTags(heads any, rows [][]Cell) template.HTML {
	var labels []string
	switch h := heads.(type) {
	case []string:
		labels = h
	case []ListCol:
		for _, c := range h {
			labels = append(labels, c.Label)
		}
	}
	var b strings.Builder
	for _, row := range rows {
		b.WriteString("<tr>")
		for i, c := range row {
			b.WriteString(`<td data-label="`)
			if i < len(labels) {
				b.WriteString(htmlEsc.Replace(labels[i]))
			}
			b.WriteByte('"')
			if c.Class != "" {
				b.WriteString(` class="`)
				b.WriteString(htmlEsc.Replace(c.Class))
				b.WriteByte('"')
			}
			b.WriteByte('>')
			if c.Href != "" {
				b.WriteString(`<a href="`)
				b.WriteString(cellHref(c.Href))
				b.WriteString(`">`)
				b.WriteString(htmlEsc.Replace(c.Text))
				b.WriteString("</a>")
			} else {
				b.WriteString(htmlEsc.Replace(c.Text))
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}

// htmlEsc escapes text and quoted attribute values as html/template does.
var htmlEsc = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// cellHref is a link for an href attribute as html/template writes one: a scheme other than
// http, https or mailto is refused ("#ZgotmplZ"), bytes outside a URL's own characters are
// percent-encoded (existing escapes kept) and the rest escaped for the attribute.
func cellHref(u string) string {
	if i := strings.IndexAny(u, ":/?#"); i > 0 && u[i] == ':' {
		switch strings.ToLower(u[:i]) {
		case "http", "https", "mailto":
		default:
			return "#ZgotmplZ"
		}
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c == '&':
			b.WriteString("&amp;")
		case c == '+':
			b.WriteString("&#43;")
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("!#$*,/:;=?@[]-._~%", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteString(fmt.Sprintf("%%%02x", c))
		}
	}
	return b.String()
}

type FormView struct {
	Action    string
	Cancel    string
	Fields    []Field
	Submit    string
	Multipart bool
	Intro     string
}

// hasSearch reports whether one of a form's fields has a search box, whose own button ("查找")
// would otherwise be the one Enter presses: such a form starts with a hidden default button
// that saves.
func hasSearch(fields []Field) bool {
	for _, f := range fields {
		if f.Search != nil {
			return true
		}
	}
	return false
}

type Cell struct {
	Text  string
	Href  string
	Class string
}

type ListCol struct {
	Label   string
	SortURL string
	Sorted  bool
	Desc    bool
}

type ListView struct {
	Columns   []ListCol
	Rows      [][]Cell
	Filters   []Field
	Q         string
	Total     int
	Page      int
	Pages     int
	PrevURL   string
	NextURL   string
	ExportURL string
	NewURL    string
	ImportURL string
	Action    string
	Note      string
	// Info is what the list query told of the page (ListOptions makes one): with it the pager
	// links are cursors (after=, before=) and the total says when it is a lower bound.
	Info *gongzhi.ListInfo
	// More: the total is a lower bound (more than Total rows match).
	More bool
}

type Kv struct {
	Label string
	Value string
	Href  string
	Form  *InlineForm // e.g. the audited reveal of an ID number
}

type InlineForm struct {
	Action, Label string
}

type ActionLink struct {
	Label   string
	Href    string
	Post    bool
	Confirm string
	Danger  bool
}

type HistoryRow struct {
	At      time.Time
	Who     string
	Action  string
	Changes []string
}

type DetailView struct {
	Rows        []Kv
	Actions     []ActionLink
	History     []HistoryRow
	Related     []Related
	ShowHistory bool
}

type Related struct {
	Title string
	List  ListView
	More  string
	Form  *RelatedForm // a form under the list that adds to it, if the actor may
}

// RelatedForm adds to a record page's related list (a household's members): an optional search
// box (a GET of the page itself, named Search.Name) that narrows the choices of the POST form's
// fields, and links to other ways of adding (register a new member). A refusal of the POST is
// shown on the record page, the reasons beside these fields (Resource.RenderDetail).
type RelatedForm struct {
	Title  string
	Intro  string
	Search *FieldSearch
	Action string
	Fields []Field
	Submit string
	Links  []ActionLink
}

// loadAssets reads the kit's static files and layout and every page template, the kit's and each
// part's. --dev mode calls it on every page, so it builds new sets and swaps them in under the
// lock: a request being served keeps the set it started with.
func (s *Server) loadAssets() error {
	fsys := s.assetsFS()
	static, err := fs.Sub(fsys, "static")
	if err != nil {
		return err
	}
	sums := map[string]string{}
	err = fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		sums[p] = hex.EncodeToString(h[:6])
		return nil
	})
	if err != nil {
		return err
	}
	funcs := s.funcs(sums)
	tmpl := map[string]*template.Template{}
	add := func(pages fs.FS, glob string) error {
		names, err := fs.Glob(pages, glob)
		if err != nil {
			return err
		}
		for _, p := range names {
			name := strings.TrimSuffix(path.Base(p), ".html")
			if pages == fsys && (name == "layout" || name == "partials") {
				continue
			}
			if tmpl[name] != nil {
				return fmt.Errorf("template %s: defined twice", name)
			}
			t, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/partials.html")
			if err == nil {
				t, err = t.ParseFS(pages, p)
			}
			if err != nil {
				return fmt.Errorf("template %s: %w", name, err)
			}
			tmpl[name] = t
		}
		return nil
	}
	if err := add(fsys, "templates/*.html"); err != nil {
		return err
	}
	for _, p := range s.parts {
		if p.Templates == nil {
			continue
		}
		pages, err := s.partTemplates(p)
		if err != nil {
			return err
		}
		if err := add(pages, "*.html"); err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
	}
	s.assetsMu.Lock()
	s.static, s.sums, s.tmpl = static, sums, tmpl
	s.assetsMu.Unlock()
	return nil
}

// funcs are the template functions; static links carry the content hash from sums.
func (s *Server) funcs(sums map[string]string) template.FuncMap {
	return template.FuncMap{
		"t":         T,
		"tn":        TN,
		"unplaced":  unplaced,
		"summary":   summaryFunc,
		"hasSearch": hasSearch,
		"rows":      RowTags,
		"static": func(name string) string {
			return "/static/" + name + "?v=" + sums[name]
		},
		"roleLabel": func(lang, role string) string { return T(lang, "role."+role) },
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(ChinaTime).Format("2006-01-02 15:04")
		},
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i + 1
			}
			return out
		},
		"itoa": strconv.Itoa,
		"wrap": func(p *Page, d any) *Page { c := *p; c.Data = d; return &c },
	}
}

// chinaTime is UTC+8: times are shown as the office sees them.
var ChinaTime = time.FixedZone("CST", 8*3600)

// render executes a page template with the layout.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	if s.Opts.DevDir != "" {
		if err := s.loadAssets(); err != nil {
			s.log.Error("reload templates", "err", err)
		}
	}
	s.assetsMu.RLock()
	t, ok := s.tmpl[name]
	s.assetsMu.RUnlock()
	if !ok {
		s.log.Error("no template", "name", name)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	p.Actor = ActorOf(r)
	p.CSRF = csrfOf(r)
	p.Lang = LangOf(r)
	p.Path = r.URL.RequestURI()
	if p.Flash == "" {
		if c, err := r.Cookie("flash"); err == nil {
			if v, err := url.QueryUnescape(c.Value); err == nil {
				p.Flash = v
			}
			s.ClearCookie(w, "flash")
		}
	}
	p.Nav, p.Groups = s.navFor(p.Actor, p.Active)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.log.Error("render", "template", name, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// redirect sends the browser on after a successful POST, with a one-time message.
func (s *Server) Redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		s.SetCookie(w, "flash", url.QueryEscape(flash), 60)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// navFor is the navigation of a signed-in actor: the home page, then every part's links the
// actor may see, in their order.
// A menu of more than navGroupMin links comes in groups (NavGroups' order), the home page
// before them.
func (s *Server) navFor(ac *gongzhi.Actor, active string) ([]navItem, []NavGroup) {
	if ac == nil {
		return nil, nil
	}
	nav := []navItem{{"nav.home", "/"}}
	var shown []NavLink
	for _, l := range s.nav {
		if l.Show(ac) {
			shown = append(shown, l)
			nav = append(nav, navItem{l.Key, l.Href})
		}
	}
	if len(shown) <= navGroupMin {
		return nav, nil
	}
	var groups []NavGroup
	for _, g := range navGroupOrder {
		ng := NavGroup{Key: g}
		for _, l := range shown {
			if l.group() == g {
				ng.Items = append(ng.Items, navItem{l.Key, l.Href})
				ng.Active = ng.Active || l.Href == active
			}
		}
		if len(ng.Items) > 0 {
			groups = append(groups, ng)
		}
	}
	return nav[:1], groups
}

// urlQueryEscape escapes a value for a query string.
func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// unplaced is the reasons of a refusal that belong to no field of the form shown (a conflict
// with another record, a rule about the whole request), in lang, so that the form can say them
// above itself instead of only asking to fix marked fields that are not marked.
func unplaced(lang string, e *gongzhi.Error, fields []Field) []string {
	if e == nil {
		return nil
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		if !slices.ContainsFunc(fields, func(f Field) bool { return f.Name == k }) {
			out = append(out, T(lang, OffLocalReason(lang, e.Fields[k])))
		}
	}
	return out
}
