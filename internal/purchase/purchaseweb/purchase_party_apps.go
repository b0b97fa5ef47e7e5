// Providers' applications (申报): the list of one's own applications and of the calls open to
// them, the draft form with its repeated rows (budget lines, team, indicators, attachments' metadata)
// as numbered inputs that need no script, submission and withdrawal, and the detail page that shows
// where an application stands at every step, with its history.

package purchaseweb

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
)

// ---- the form model

// ppRowCol is one column of a repeated row.
type ppRowCol struct {
	Key  string // json name inside the row: "amount"
	Kind string // text, money, int
}

type ppRowGroup struct {
	Name string // json name of the list: "budget_lines"
	Cols []ppRowCol
}

var ppAppRowGroups = []ppRowGroup{
	{"budget_lines", []ppRowCol{{"item", "text"}, {"amount", "money"}, {"note", "text"}}},
	{"team", []ppRowCol{{"name", "text"}, {"role", "text"}, {"qualification", "text"}}},
	{"outputs", []ppRowCol{{"name", "text"}, {"target", "int"}, {"unit", "text"}}},
	{"outcomes", []ppRowCol{{"name", "text"}, {"target", "int"}, {"unit", "text"}}},
}

var ppAttachmentGroup = ppRowGroup{"attachments", []ppRowCol{{"name", "text"}, {"size", "int"}, {"sha256", "text"}, {"content_type", "text"}}}

// ppAppForm is an application as the form holds it: text as typed, so that a refused form comes
// back exactly as it was sent.
type ppAppForm struct {
	ID     int64
	CallID int64
	vals   map[string]string
	multi  map[string][]string
	rows   map[string][][]string // group → rows (non-blank, in order) → values by column
	remove []string              // attachment ids to remove
	then   string                // "submit" to submit after saving
}

var ppAppSingles = []string{"title", "category_code", "beneficiaries", "summary", "activity_plan", "requested", "price_exception", "contact_name", "contact_phone"}

// ppReadRows collects the rows of a group from numbered inputs ("budget_lines.0.item"), skipping
// rows left blank, in the order of their numbers.
func ppReadRows(form url.Values, g ppRowGroup) [][]string {
	idx := map[int]bool{}
	for k := range form {
		rest, ok := strings.CutPrefix(k, g.Name+".")
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(n); err == nil && i >= 0 && i < 200 {
			idx[i] = true
		}
	}
	order := make([]int, 0, len(idx))
	for i := range idx {
		order = append(order, i)
	}
	sort.Ints(order)
	var out [][]string
	for _, i := range order {
		row := make([]string, len(g.Cols))
		blank := true
		for c, col := range g.Cols {
			row[c] = strings.TrimSpace(form.Get(g.Name + "." + strconv.Itoa(i) + "." + col.Key))
			if row[c] != "" {
				blank = false
			}
		}
		if !blank {
			out = append(out, row)
		}
	}
	return out
}

func ppParseAppForm(form url.Values) *ppAppForm {
	f := &ppAppForm{vals: map[string]string{}, multi: map[string][]string{}, rows: map[string][][]string{}}
	f.CallID, _ = strconv.ParseInt(form.Get("call_id"), 10, 64)
	for _, k := range ppAppSingles {
		f.vals[k] = strings.TrimSpace(form.Get(k))
	}
	for _, k := range []string{"target_groups", "communities", "need_ids"} {
		for _, v := range form[k] {
			if v = strings.TrimSpace(v); v != "" {
				f.multi[k] = append(f.multi[k], v)
			}
		}
	}
	for _, g := range append(slices.Clone(ppAppRowGroups), ppAttachmentGroup) {
		f.rows[g.Name] = ppReadRows(form, g)
	}
	f.remove = form["remove_attachment"]
	f.then = form.Get("then")
	return f
}

// application converts the form; amounts are yuan as people type them. Values that cannot be
// read are reported by field, the rest is left to the service's validation.
func (f *ppAppForm) application() (*gongzhi.Application, []*gongzhi.Attachment, gongzhi.FieldErrors) {
	errs := gongzhi.FieldErrors{}
	ap := &gongzhi.Application{ID: f.ID, CallID: f.CallID, Title: f.vals["title"], CategoryCode: f.vals["category_code"],
		Summary: f.vals["summary"], ActivityPlan: f.vals["activity_plan"], ContactName: f.vals["contact_name"],
		ContactPhone: f.vals["contact_phone"], TargetGroups: f.multi["target_groups"], Communities: f.multi["communities"],
		PriceException: f.vals["price_exception"]}
	if v := f.vals["beneficiaries"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs.Add("beneficiaries", "number")
		}
		ap.Beneficiaries = n
	}
	if v := f.vals["requested"]; v != "" {
		m, r := gongzhi.ParseMoney(v)
		if r != "" {
			errs.Add("requested", r)
		}
		ap.Requested = m
	}
	for _, v := range f.multi["need_ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ap.NeedIDs = append(ap.NeedIDs, id)
		}
	}
	money := func(k, v string) gongzhi.Money {
		if v == "" {
			return 0
		}
		m, r := gongzhi.ParseMoney(v)
		if r != "" {
			errs.Add(k, r)
		}
		return m
	}
	integer := func(k, v string) int64 {
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs.Add(k, "number")
		}
		return n
	}
	key := func(g string, i int, col string) string { return g + "." + strconv.Itoa(i) + "." + col }
	for i, r := range f.rows["budget_lines"] {
		ap.BudgetLines = append(ap.BudgetLines, gongzhi.BudgetLine{Item: r[0], Amount: money(key("budget_lines", i, "amount"), r[1]), Note: r[2]})
	}
	for _, r := range f.rows["team"] {
		ap.Team = append(ap.Team, gongzhi.TeamMember{Name: r[0], Role: r[1], Qualification: r[2]})
	}
	for _, g := range []string{"outputs", "outcomes"} {
		var xs []gongzhi.Indicator
		for i, r := range f.rows[g] {
			xs = append(xs, gongzhi.Indicator{Name: r[0], Target: integer(key(g, i, "target"), r[1]), Unit: r[2]})
		}
		if g == "outputs" {
			ap.Outputs = xs
		} else {
			ap.Outcomes = xs
		}
	}
	var atts []*gongzhi.Attachment
	for i, r := range f.rows["attachments"] {
		a := &gongzhi.Attachment{Name: r[0], Size: integer(key("attachments", i, "size"), r[1]), SHA256: r[2], ContentType: r[3]}
		if err := a.Validate(); err != nil {
			for k, v := range gongzhi.AsError(err).Fields {
				errs.Add(key("attachments", i, k), v)
			}
		}
		atts = append(atts, a)
	}
	return ap, atts, errs
}

// ppFormOf fills the form from a stored application.
func ppFormOf(ap *gongzhi.Application) *ppAppForm {
	f := &ppAppForm{ID: ap.ID, CallID: ap.CallID, vals: map[string]string{}, multi: map[string][]string{}, rows: map[string][][]string{}}
	f.vals["title"], f.vals["category_code"], f.vals["summary"], f.vals["activity_plan"] = ap.Title, ap.CategoryCode, ap.Summary, ap.ActivityPlan
	f.vals["contact_name"], f.vals["contact_phone"] = ap.ContactName, ap.ContactPhone
	if ap.Beneficiaries > 0 {
		f.vals["beneficiaries"] = strconv.Itoa(ap.Beneficiaries)
	}
	if ap.Requested > 0 {
		f.vals["requested"] = ap.Requested.String()
		f.vals["price_exception"] = ap.PriceException
	}
	f.multi["target_groups"], f.multi["communities"] = ap.TargetGroups, ap.Communities
	for _, id := range ap.NeedIDs {
		f.multi["need_ids"] = append(f.multi["need_ids"], web.FmtInt(id))
	}
	for _, l := range ap.BudgetLines {
		f.rows["budget_lines"] = append(f.rows["budget_lines"], []string{l.Item, l.Amount.String(), l.Note})
	}
	for _, m := range ap.Team {
		f.rows["team"] = append(f.rows["team"], []string{m.Name, m.Role, m.Qualification})
	}
	for _, x := range ap.Outputs {
		f.rows["outputs"] = append(f.rows["outputs"], []string{x.Name, web.FmtInt(x.Target), x.Unit})
	}
	for _, x := range ap.Outcomes {
		f.rows["outcomes"] = append(f.rows["outcomes"], []string{x.Name, web.FmtInt(x.Target), x.Unit})
	}
	return f
}

// ---- the form view

type ppCellInput struct {
	Name, Value, Label, Type, Error string
}

type ppRowView struct {
	N     int
	Cells []ppCellInput
}

type ppRowGroupView struct {
	Required                 bool
	Name, Title, Help, Error string
	Cols                     []string
	Rows                     []ppRowView
}

type ppAttView struct {
	ID                                    int64
	Name, Size, SHA256, Type, RemoveLabel string
	Removed                               bool
}

type ppAppFormView struct {
	Action, Cancel  string
	Intro           string
	Call            []web.Kv
	Fields          []web.Field
	Groups          []ppRowGroupView
	Attachments     []ppAttView
	AttachmentGroup ppRowGroupView
	Submit, Also    string
}

// ppAppFormData is what the form needs besides the application: its call and the choices.
type ppAppFormData struct {
	call        *gongzhi.Call
	categories  []web.Option
	groups      []web.Option
	communities []web.Option
	needs       []web.Option
	attachments []*gongzhi.Attachment
}

func (s *Server) ppLoadFormData(ctx context.Context, ac *gongzhi.Actor, lang string, c *gongzhi.Call) (*ppAppFormData, error) {
	d := &ppAppFormData{call: c}
	cats, err := s.svc.ServiceCategories(ctx, false)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, k := range cats {
		names[k.Code] = web.PpPick(lang, k.Name, k.NameEn)
	}
	d.categories = []web.Option{{Value: "", Label: "—"}}
	for _, code := range c.Categories {
		d.categories = append(d.categories, web.Option{Value: code, Label: web.PpFirstNonEmpty(names[code], code)})
	}
	groups, err := s.svc.TargetGroups(ctx, ac)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		d.groups = append(d.groups, web.Option{Value: g.Code, Label: web.PpPick(lang, g.Name, g.NameEn)})
	}
	if d.communities, err = s.ppCommunitiesUnder(ctx, c.PlaceCode); err != nil {
		return nil, err
	}
	needs, err := s.svc.CallNeeds(ctx, ac, c.ID)
	if err != nil {
		return nil, err
	}
	for _, n := range needs {
		d.needs = append(d.needs, web.Option{Value: web.FmtInt(n.ID), Label: n.CommunityName + " · " + web.PpFirstNonEmpty(names[n.CategoryCode], n.CategoryCode) + " · " +
			web.TruncateRunes(n.Description, 60) + " (" + web.T(lang, "party.people:"+strconv.Itoa(n.PeopleAffected)) + ")"})
	}
	return d, nil
}

// ppCommunitiesUnder lists the communities under a place (the call's street). Community names and
// codes are public administrative data; a provider's own scope may not include the call's place.
func (s *Server) ppCommunitiesUnder(ctx context.Context, code string) ([]web.Option, error) {
	var out []web.Option
	_, err := s.svc.PublicPlaces(ctx, code, gongzhi.ListOptions{Filters: map[string]string{"level": "5"}, Sort: "code"},
		func(p *gongzhi.Place) error {
			out = append(out, web.Option{Value: p.Code, Label: p.Name})
			return nil
		})
	return out, err
}

func ppBandsText(lang string, c *gongzhi.Call) string {
	var parts []string
	for _, b := range c.Bands {
		p := web.T(lang, "party.yuan:"+b.Min.Format()+"–"+b.Max.Format())
		if b.Name != "" {
			p = b.Name + " " + p
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, web.T(lang, "party.sep"))
}

func (s *Server) ppAppFormView(lang string, f *ppAppForm, d *ppAppFormData, errs map[string]string) *ppAppFormView {
	c := d.call
	v := &ppAppFormView{Submit: web.T(lang, "party.save_draft"), Also: web.T(lang, "party.save_submit"),
		Call: []web.Kv{
			{Label: web.T(lang, "party.call"), Value: c.Title, Href: "/public/calls/" + web.FmtInt(c.ID)},
			{Label: web.T(lang, "party.closes_at"), Value: ppDatetimeCN(c.ClosesAt)},
			{Label: web.T(lang, "party.bands"), Value: ppBandsText(lang, c)},
		}}
	if f.ID == 0 {
		v.Action, v.Cancel = "/applications/new", "/applications"
	} else {
		v.Action, v.Cancel = "/applications/"+web.FmtInt(f.ID)+"/edit", "/applications/"+web.FmtInt(f.ID)
	}
	v.Fields = []web.Field{
		{Name: "call_id", Type: "hidden", Value: web.FmtInt(f.CallID)},
		{Name: "title", Label: web.T(lang, "party.app.title"), Type: "text", Value: f.vals["title"], Error: errs["title"], Required: true, Wide: true},
		{Name: "category_code", Label: web.T(lang, "party.app.category"), Type: "select", Value: f.vals["category_code"], Options: d.categories, Error: errs["category_code"], Required: true},
		{Name: "beneficiaries", Label: web.T(lang, "party.app.beneficiaries"), Type: "number", Value: f.vals["beneficiaries"], Error: errs["beneficiaries"], Required: true},
		{Name: "target_groups", Label: web.T(lang, "party.app.target_groups"), Type: "multi", Values: f.multi["target_groups"], Options: d.groups, Error: errs["target_groups"], Required: true, Wide: true},
		{Name: "communities", Label: web.T(lang, "party.app.communities"), Type: "multi", Values: f.multi["communities"], Options: d.communities, Error: errs["communities"], Required: true, Wide: true,
			Help: web.T(lang, "party.app.communities_help")},
		{Name: "summary", Label: web.T(lang, "party.app.summary"), Type: "textarea", Value: f.vals["summary"], Error: errs["summary"], Wide: true},
		{Name: "activity_plan", Label: web.T(lang, "party.app.activity_plan"), Type: "textarea", Value: f.vals["activity_plan"], Error: errs["activity_plan"], Required: true, Wide: true},
		{Name: "requested", Label: web.T(lang, "party.app.requested"), Type: "text", Value: f.vals["requested"], Error: errs["requested"], Required: true,
			Help: web.T(lang, "party.app.requested_help:"+ppBandsText(lang, c))},
		{Name: "price_exception", Label: web.T(lang, "party.app.price_exception"), Type: "textarea", Value: f.vals["price_exception"], Error: errs["price_exception"],
			Wide: true, Help: web.T(lang, "party.app.price_exception_help")},
		{Name: "contact_name", Label: web.T(lang, "party.app.contact_name"), Type: "text", Value: f.vals["contact_name"], Error: errs["contact_name"]},
		{Name: "contact_phone", Label: web.T(lang, "party.app.contact_phone"), Type: "text", Value: f.vals["contact_phone"], Error: errs["contact_phone"]},
	}
	if len(d.needs) > 0 {
		v.Fields = append(v.Fields, web.Field{Name: "need_ids", Label: web.T(lang, "party.app.needs"), Type: "multi", Values: f.multi["need_ids"], Options: d.needs,
			Error: errs["need_ids"], Wide: true})
	}
	for _, g := range ppAppRowGroups {
		v.Groups = append(v.Groups, ppRowsView(lang, g, f.rows[g.Name], errs))
	}
	removed := map[string]bool{}
	for _, id := range f.remove {
		removed[id] = true
	}
	for _, a := range d.attachments {
		v.Attachments = append(v.Attachments, ppAttView{ID: a.ID, Name: a.Name, Size: ppSizeText(a.Size), SHA256: a.SHA256, Type: a.ContentType,
			RemoveLabel: web.T(lang, "party.remove"), Removed: removed[web.FmtInt(a.ID)]})
	}
	v.AttachmentGroup = ppRowsView(lang, ppAttachmentGroup, f.rows["attachments"], errs)
	return v
}

// ppRowsView shows a group's rows, then blank ones to add: two more, at least three in all.
func ppRowsView(lang string, g ppRowGroup, rows [][]string, errs map[string]string) ppRowGroupView {
	gv := ppRowGroupView{Name: g.Name, Title: web.T(lang, "party.rows."+g.Name), Help: web.T(lang, "party.rows."+g.Name+".help"), Error: errs[g.Name],
		Required: g.Name != ppAttachmentGroup.Name}
	for _, c := range g.Cols {
		gv.Cols = append(gv.Cols, web.T(lang, "party.col."+g.Name+"."+c.Key))
	}
	n := max(len(rows)+2, 3)
	for i := range n {
		rv := ppRowView{N: i + 1}
		for c, col := range g.Cols {
			name := g.Name + "." + strconv.Itoa(i) + "." + col.Key
			ci := ppCellInput{Name: name, Label: gv.Cols[c], Type: "text", Error: errs[name]}
			if col.Kind == "int" {
				ci.Type = "number"
			}
			if i < len(rows) {
				ci.Value = rows[i][c]
			}
			rv.Cells = append(rv.Cells, ci)
		}
		gv.Rows = append(gv.Rows, rv)
	}
	return gv
}

func ppSizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

func ppDatetimeCN(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(web.ChinaTime).Format("2006-01-02 15:04")
}

func ppDateCN(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(web.ChinaTime).Format("2006-01-02")
}

func (s *Server) ppRenderAppForm(w http.ResponseWriter, r *http.Request, status int, f *ppAppForm, d *ppAppFormData, e *gongzhi.Error, intro string) {
	lang := web.LangOf(r)
	v := s.ppAppFormView(lang, f, d, web.PpTranslated(lang, e))
	v.Intro = intro
	title := web.T(lang, "party.new_application")
	if f.ID != 0 {
		title = web.T(lang, "action.edit") + " · " + web.PpFirstNonEmpty(f.vals["title"], web.T(lang, "party.application"))
	}
	s.Render(w, r, status, "p_party_app_form", &web.Page{Title: title, Active: "/applications", Data: v, Error: e})
}

// ---- provider pages

func ppMustProvider(ac *gongzhi.Actor) error {
	if !purchase.MayApply(ac) {
		return gongzhi.Forbidden()
	}
	return nil
}

type ppAppsPage struct {
	List      web.ListView
	OpenCalls []ppOpenCallRow
	Provider  bool
}

type ppOpenCallRow struct {
	ID                                int64
	Title, Kind, Place, Bands, Closes string
	Categories                        string
	CanApply                          bool
	Existing                          int64
	ExistingState                     string
	Status                            string
}

func (s *Server) ppApps(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ctx := r.Context()
	opts, pg := web.ListOptions(r, "state", "call")
	if opts.Sort == "" {
		opts.Sort, opts.Desc = "created_at", true
	}
	data := &ppAppsPage{List: web.ListView{Action: "/applications", Q: opts.Q}, Provider: purchase.MayApply(ac)}
	mine := map[int64]*gongzhi.Application{}
	total, err := s.svc.Applications(ctx, ac, opts, func(ap *gongzhi.Application) error {
		row := []web.Cell{{Text: ap.Title, Href: "/applications/" + web.FmtInt(ap.ID)}, {Text: ap.CallTitle, Href: "/public/calls/" + web.FmtInt(ap.CallID)}}
		if !data.Provider {
			row = append(row, web.Cell{Text: ap.OrgName})
		}
		row = append(row, web.Cell{Text: ppMoneyOrDash(ap.Requested), Class: "num"}, web.Cell{Text: ppAppStateLabel(lang, ap.State)},
			web.Cell{Text: ppDatetimeCN(ap.UpdatedAt)})
		data.List.Rows = append(data.List.Rows, row)
		return nil
	})
	if err != nil {
		return err
	}
	data.List.Total, data.List.Page = total, pg
	cols := []web.ColDef{{Label: web.T(lang, "party.app.title"), Sort: "title"}, {Label: web.T(lang, "party.call"), Sort: ""}}
	if !data.Provider {
		cols = append(cols, web.ColDef{Label: web.T(lang, "party.org"), Sort: ""})
	}
	cols = append(cols, web.ColDef{Label: web.T(lang, "party.app.requested"), Sort: "requested"}, web.ColDef{Label: web.T(lang, "party.state"), Sort: ""}, web.ColDef{Label: web.T(lang, "party.updated_at"), Sort: "created_at"})
	web.PageLinks(r, &data.List, cols, opts.Limit)
	states := []web.Option{{Value: "", Label: web.T(lang, "list.all")}}
	for _, st := range []string{gongzhi.AppDraft, gongzhi.AppSubmitted, gongzhi.AppWithdrawn, gongzhi.AppRejected, gongzhi.AppEligible, gongzhi.AppAwarded, gongzhi.AppNotFunded} {
		states = append(states, web.Option{Value: st, Label: ppAppStateLabel(lang, st)})
	}
	data.List.Filters = []web.Field{web.FilterSelect(r, "state", web.T(lang, "party.state"), states)}
	if data.Provider {
		// the organization's applications to the open calls listed below, to link a call to the one
		// already started (not every application the organization ever made)
		if _, err := s.svc.Applications(ctx, ac, gongzhi.ListOptions{Filters: map[string]string{"call_state": gongzhi.CallOpen}}, func(ap *gongzhi.Application) error {
			if old := mine[ap.CallID]; old == nil || ap.State != gongzhi.AppWithdrawn {
				mine[ap.CallID] = ap
			}
			return nil
		}); err != nil {
			return err
		}
		now := s.svc.Now()
		catNames := s.PpCategoryNamer(ctx, lang)
		if _, err := s.svc.OpenCalls(ctx, gongzhi.ListOptions{Sort: "closes_at", Limit: 200}, func(c *gongzhi.Call) error {
			oc := ppOpenCallRow{ID: c.ID, Title: c.Title, Kind: web.EnumLabel(lang, "party.kind", c.Kind), Place: c.PlaceName, Bands: ppBandsText(lang, c),
				Closes: ppDatetimeCN(c.ClosesAt), CanApply: c.AcceptsAt(now)}
			oc.Categories = catNames(c.Categories)
			if !oc.CanApply {
				oc.Status = web.T(lang, "party.call_not_yet:"+ppDatetimeCN(c.OpensAt))
				if !now.Before(c.ClosesAt) {
					oc.Status = web.T(lang, "party.call_closed")
				}
			}
			if ap := mine[c.ID]; ap != nil {
				oc.Existing, oc.ExistingState = ap.ID, ppAppStateLabel(lang, ap.State)
			}
			data.OpenCalls = append(data.OpenCalls, oc)
			return nil
		}); err != nil {
			return err
		}
	}
	s.Render(w, r, http.StatusOK, "p_party_apps", &web.Page{Title: web.T(lang, "nav.applications"), Active: "/applications", Data: data})
	return nil
}

func ppMoneyOrDash(m gongzhi.Money) string {
	if m == 0 {
		return "—"
	}
	return m.Format()
}

func (s *Server) ppAppNew(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if err := ppMustProvider(ac); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.URL.Query().Get("call"), 10, 64)
	if err != nil || id <= 0 {
		return s.Redirect(w, r, "/applications", "")
	}
	c, err := s.svc.Call(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if err := s.ppAccepts(c); err != nil {
		return err
	}
	d, err := s.ppLoadFormData(r.Context(), ac, lang, c)
	if err != nil {
		return err
	}
	f := &ppAppForm{CallID: c.ID, vals: map[string]string{}, multi: map[string][]string{}, rows: map[string][][]string{}}
	if len(c.Categories) == 1 {
		f.vals["category_code"] = c.Categories[0]
	}
	s.ppRenderAppForm(w, r, http.StatusOK, f, d, nil, web.T(lang, "party.form_intro"))
	return nil
}

func (s *Server) ppAppEdit(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if err := ppMustProvider(ac); err != nil {
		return err
	}
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ap, err := s.svc.Application(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if ap.State != gongzhi.AppDraft {
		return gongzhi.Refused("state", "state.illegal:"+ap.State)
	}
	c, err := s.svc.Call(r.Context(), ac, ap.CallID)
	if err != nil {
		return err
	}
	if err := s.ppAccepts(c); err != nil {
		return err
	}
	d, err := s.ppLoadFormData(r.Context(), ac, lang, c)
	if err != nil {
		return err
	}
	d.attachments = ap.Attachments
	s.ppRenderAppForm(w, r, http.StatusOK, ppFormOf(ap), d, nil, web.T(lang, "party.form_intro"))
	return nil
}

// ppAppSave saves a draft from the form (new or edited), with its attachments' metadata,
// and submits it when the person pressed "save and submit".
func (s *Server) ppAppSave(create bool) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := web.ActorOf(r), web.LangOf(r)
		ctx := r.Context()
		if err := ppMustProvider(ac); err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return gongzhi.Invalid("form", "bad_text")
		}
		f := ppParseAppForm(r.Form)
		var old *gongzhi.Application
		if !create {
			id, err := web.PathID(r)
			if err != nil {
				return err
			}
			if old, err = s.svc.Application(ctx, ac, id); err != nil {
				return err
			}
			f.ID, f.CallID = old.ID, old.CallID
		}
		c, err := s.svc.Call(ctx, ac, f.CallID)
		if err != nil {
			return err
		}
		d, err := s.ppLoadFormData(ctx, ac, lang, c)
		if err != nil {
			return err
		}
		if old != nil {
			d.attachments = old.Attachments
		}
		ap, atts, perrs := f.application()
		if len(perrs) > 0 {
			e := gongzhi.AsError(perrs.Err())
			s.ppRenderAppForm(w, r, web.PpStatusFor(e), f, d, e, "")
			return nil
		}
		var remove []int64
		for _, v := range f.remove {
			if attID, err := strconv.ParseInt(v, 10, 64); err == nil {
				remove = append(remove, attID)
			}
		}
		// saved, attachments added and removed and, with "save and submit", submitted in one
		// transaction: a refusal leaves nothing written (no draft behind a failed submission)
		submit := f.then == "submit"
		err = s.svc.SaveApplication(ctx, ac, ap, atts, remove, submit)
		if e, ok := web.PpFieldErr(err); ok {
			intro := ""
			if submit && e.Code == gongzhi.EINVALID {
				intro = web.T(lang, "party.submit_incomplete")
			}
			s.ppRenderAppForm(w, r, web.PpStatusFor(e), f, d, e, intro)
			return nil
		} else if err != nil {
			return err
		}
		f.ID = ap.ID
		if submit {
			return s.Redirect(w, r, "/applications/"+web.FmtInt(ap.ID), web.T(lang, "party.submitted"))
		}
		return s.Redirect(w, r, "/applications/"+web.FmtInt(ap.ID), web.T(lang, "party.draft_saved"))
	}
}

// ppSubmitFromUI submits a draft; an incomplete one comes back as the form with every missing or
// wrong field marked, any other refusal (the deadline) as the detail page with the reason.
func (s *Server) ppSubmitFromUI(w http.ResponseWriter, r *http.Request, id int64) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ctx := r.Context()
	err := s.svc.SubmitApplication(ctx, ac, id)
	if err == nil {
		return s.Redirect(w, r, "/applications/"+web.FmtInt(id), web.T(lang, "party.submitted"))
	}
	e, ok := web.PpFieldErr(err)
	if !ok {
		return err
	}
	if e.Code == gongzhi.EINVALID {
		ap, gerr := s.svc.Application(ctx, ac, id)
		if gerr != nil {
			return gerr
		}
		c, gerr := s.svc.Call(ctx, ac, ap.CallID)
		if gerr != nil {
			return gerr
		}
		d, gerr := s.ppLoadFormData(ctx, ac, lang, c)
		if gerr != nil {
			return gerr
		}
		d.attachments = ap.Attachments
		s.ppRenderAppForm(w, r, web.PpStatusFor(e), ppFormOf(ap), d, e, web.T(lang, "party.submit_incomplete"))
		return nil
	}
	return s.ppRenderAppDetail(w, r, id, e)
}

func (s *Server) ppAppSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := ppMustProvider(web.ActorOf(r)); err != nil {
		return err
	}
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.ppSubmitFromUI(w, r, id)
}

func (s *Server) ppAppWithdraw(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	err = s.svc.WithdrawApplication(r.Context(), ac, id, r.PostFormValue("reason"))
	if e, ok := web.PpFieldErr(err); ok {
		return s.ppRenderAppDetail(w, r, id, e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/applications/"+web.FmtInt(id), web.T(lang, "party.withdrawn"))
}

// ppAttachmentRemove removes an attachment from a draft, from the application's page (the
// service audits it and refuses it once the application is submitted: the refusal is shown on
// the page, saying attachments change only before submission).
func (s *Server) ppAttachmentRemove(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	att, err := web.ParseID(r.PathValue("att"))
	if err != nil {
		return err
	}
	err = s.svc.RemoveAttachment(r.Context(), ac, id, att)
	if e, ok := web.PpFieldErr(err); ok {
		if e.Fields["state"] != "" {
			e = &gongzhi.Error{Code: e.Code, Message: e.Message, Fields: map[string]string{"attachments": "attachment.not_draft"}}
		}
		return s.ppRenderAppDetail(w, r, id, e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/applications/"+web.FmtInt(id), web.T(lang, "attachment.removed"))
}

func (s *Server) ppAppDetail(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.ppRenderAppDetail(w, r, id, nil)
}

// ---- the detail view

type ppTextBlock struct {
	Label string
	Lines []string
}

func ppLines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

type ppTableView struct {
	Title   string
	Columns []string
	Rows    [][]string
	Foot    []string
}

type ppAppView struct {
	App       *gongzhi.Application
	State     string
	Notice    string
	Steps     []ppAppStep
	Rows      []web.Kv
	Texts     []ppTextBlock
	Tables    []ppTableView
	Files     []ppAttView
	CanRemove bool              // the draft's attachments may be removed (a form beside each)
	Upload    *web.UploadWidget // the form that uploads a file to the draft, when the provider may
	Actions   []web.ActionLink
	Withdraw  bool
	WithdrawA string
	History   []web.HistoryRow
	Review    *ppScoreView // the expert's scoring, on the review page
	Back      string
}

// ppAppStep is one step of the workflow as it concerns an application.
type ppAppStep struct {
	Key    string    `json:"key"`
	Label  string    `json:"label"`
	Status string    `json:"status"` // done, current, todo, skipped
	At     time.Time `json:"at"`
	Note   string    `json:"note"`
	Href   string    `json:"href,omitempty"`
}

func (st ppAppStep) Mark() string {
	switch st.Status {
	case "done":
		return "✓"
	case "current":
		return "→"
	case "skipped":
		return "–"
	}
	return "○"
}

func ppAppStateLabel(lang, st string) string {
	if web.PpHas("party.app_state." + st) {
		return web.T(lang, "party.app_state."+st)
	}
	return st
}

// ppChangeLabel describes one line of state history: "申报：已提交 → 初审合格".
func ppChangeLabel(lang string, c gongzhi.StateChange) string {
	ent := "party.entity." + c.Entity
	label := c.Entity
	if web.PpHas(ent) {
		label = web.T(lang, ent)
	}
	st := func(v string) string {
		if v == "" {
			return ""
		}
		for _, k := range []string{"party.state." + c.Entity + "." + v, "party.app_state." + v} {
			if (c.Entity == "application" || !strings.HasPrefix(k, "party.app_state.")) && web.PpHas(k) {
				return web.T(lang, k)
			}
		}
		return v
	}
	if c.From == "" {
		return label + ppColon(lang) + st(c.To)
	}
	return label + ppColon(lang) + st(c.From) + " → " + st(c.To)
}

func ppStateRows(lang string, hist []gongzhi.StateChange) []web.HistoryRow {
	out := make([]web.HistoryRow, 0, len(hist))
	for _, h := range hist {
		row := web.HistoryRow{At: h.At, Who: web.PpFirstNonEmpty(h.Username, web.T(lang, "party.someone")), Action: ppChangeLabel(lang, h)}
		if t := web.NoteText(lang, h.Note); t != "" {
			row.Changes = []string{t}
		}
		out = append(out, row)
	}
	return out
}

// ppProgress works out where an application stands.
func (s *Server) ppProgress(ctx context.Context, ac *gongzhi.Actor, lang string, ap *gongzhi.Application, c *gongzhi.Call,
	hist []gongzhi.StateChange) ([]ppAppStep, *gongzhi.Award) {
	var award *gongzhi.Award
	if c.State == gongzhi.CallNotice || c.State == gongzhi.CallFinal || purchase.MayReadPurchases(ac) {
		if ws, err := s.svc.Awards(ctx, ac, c.ID); err == nil {
			for _, w := range ws {
				if w.ApplicationID == ap.ID && (purchase.MayReadPurchases(ac) || w.State != gongzhi.AwardProposed) {
					award = w
				}
			}
		}
	}
	when := func(entity, to string) time.Time {
		for _, h := range hist {
			if h.Entity == entity && h.To == to {
				return h.At
			}
		}
		return time.Time{}
	}
	step := func(key string) ppAppStep {
		return ppAppStep{Key: key, Label: web.T(lang, "party.step."+key), Status: "todo"}
	}
	st := ap.State
	reviewed := st == gongzhi.AppEligible || st == gongzhi.AppRejected || st == gongzhi.AppAwarded || st == gongzhi.AppNotFunded
	settled := st == gongzhi.AppAwarded || st == gongzhi.AppNotFunded

	draft := step("draft")
	draft.Status, draft.At = "done", ap.CreatedAt
	if st == gongzhi.AppDraft {
		draft.Status = "current"
		draft.Note = web.T(lang, "party.step.draft_note:"+ppDatetimeCN(c.ClosesAt))
	}
	submitted := step("submitted")
	if !ap.SubmittedAt.IsZero() {
		submitted.Status, submitted.At = "done", ap.SubmittedAt
	}
	steps := []ppAppStep{draft, submitted}
	if st == gongzhi.AppWithdrawn {
		wd := step("withdrawn")
		wd.Status, wd.At = "done", when("application", gongzhi.AppWithdrawn)
		for _, h := range hist {
			if h.Entity == "application" && h.To == gongzhi.AppWithdrawn {
				wd.Note = web.NoteText(lang, h.Note)
			}
		}
		return append(steps, wd), award
	}
	prelim := step("prelim")
	switch {
	case st == gongzhi.AppSubmitted:
		prelim.Status = "current"
		prelim.Note = web.T(lang, "party.step.prelim_waiting")
	case st == gongzhi.AppRejected:
		prelim.Status, prelim.At = "done", when("application", gongzhi.AppRejected)
		prelim.Note = web.T(lang, "party.step.prelim_rejected:"+ap.PrelimReason)
	case reviewed:
		prelim.Status, prelim.At = "done", when("application", gongzhi.AppEligible)
		prelim.Note = web.T(lang, "party.step.prelim_eligible")
		if ap.PrelimReason != "" {
			prelim.Note += ppColon(lang) + ap.PrelimReason
		}
	}
	review := step("review")
	notice := step("notice")
	final := step("final")
	contract := step("contract")
	if st == gongzhi.AppRejected {
		for _, x := range []*ppAppStep{&review, &notice, &final, &contract} {
			x.Status = "skipped"
		}
		return append(steps, prelim, review, notice, final, contract), award
	}
	switch {
	case settled:
		review.Status = "done"
		if ap.Rank > 0 {
			review.Note = web.T(lang, "party.score") + " " + ap.Score.String() + " · " + web.T(lang, "party.rank") + " " + strconv.Itoa(ap.Rank)
		}
	case st == gongzhi.AppEligible && (c.State == gongzhi.CallClosed || c.State == gongzhi.CallReviewing):
		review.Status = "current"
		review.Note = web.T(lang, "party.step.review_running")
	}
	if settled {
		notice.At = c.NoticeStartsAt
		notice.Status = "done"
		if c.State == gongzhi.CallNotice {
			notice.Status = "current"
		}
		if st == gongzhi.AppAwarded {
			amt := ap.Awarded
			if award != nil {
				amt = award.Amount
			}
			notice.Note = web.T(lang, "party.step.awarded:"+amt.Format())
		} else {
			notice.Note = web.T(lang, "party.step.not_funded") + ppColon(lang) + web.T(lang, ap.UnfundedReason)
			if ap.UnfundedNote != "" {
				notice.Note += ppParen(lang, ap.UnfundedNote)
			}
		}
		if !c.NoticeEndsAt.IsZero() {
			notice.Note += " · " + web.T(lang, "party.notice_until:"+ppDateCN(c.NoticeEndsAt.Add(-time.Second)))
		}
		notice.Href = "/public/calls/" + web.FmtInt(c.ID)
	}
	if c.State == gongzhi.CallFinal && settled {
		final.Status = "done"
		final.At = when("award", gongzhi.AwardFinal)
		if award != nil && award.State == gongzhi.AwardOverturned {
			final.Note = web.T(lang, "party.step.overturned") + ppColon(lang) + award.OverturnReason
		}
	}
	if st == gongzhi.AppNotFunded {
		contract.Status = "skipped"
	} else if award != nil && award.ContractID != 0 {
		contract.Status, contract.Href = "done", "/contracts/"+web.FmtInt(award.ContractID)
		contract.At = when("contract", gongzhi.ContractSigned)
		contract.Note = web.T(lang, "party.step.contract_signed")
		if contract.At.IsZero() {
			contract.Status = "current"
			contract.Note = web.T(lang, "party.step.contract_draft")
		}
	} else if c.State == gongzhi.CallFinal && st == gongzhi.AppAwarded {
		contract.Status = "current"
		contract.Note = web.T(lang, "party.step.contract_waiting")
	}
	return append(steps, prelim, review, notice, final, contract), award
}

// ppAppContent lays out an application for reading.
func (s *Server) ppAppContent(ctx context.Context, ac *gongzhi.Actor, lang string, ap *gongzhi.Application, c *gongzhi.Call, v *ppAppView) {
	catNames := s.PpCategoryNamer(ctx, lang)
	groups := map[string]string{}
	if gs, err := s.svc.TargetGroups(ctx, ac); err == nil {
		for _, g := range gs {
			groups[g.Code] = web.PpPick(lang, g.Name, g.NameEn)
		}
	}
	comms := map[string]string{}
	if cs, err := s.ppCommunitiesUnder(ctx, c.PlaceCode); err == nil {
		for _, o := range cs {
			comms[o.Value] = o.Label
		}
	}
	names := func(m map[string]string, codes []string) string {
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = web.PpFirstNonEmpty(m[c], c)
		}
		if len(out) == 0 {
			return "—"
		}
		return strings.Join(out, "、")
	}
	band := "—"
	if ap.Band >= 0 && ap.Band < len(c.Bands) {
		b := c.Bands[ap.Band]
		band = strings.TrimSpace(b.Name + " " + b.Min.Format() + "–" + b.Max.Format())
	}
	v.Rows = append(v.Rows,
		web.Kv{Label: web.T(lang, "party.call"), Value: c.Title, Href: "/public/calls/" + web.FmtInt(c.ID)},
		web.Kv{Label: web.T(lang, "party.org"), Value: ap.OrgName},
		web.Kv{Label: web.T(lang, "party.app.category"), Value: web.PpFirstNonEmpty(catNames(ppNonEmpty(ap.CategoryCode)), "—")},
		web.Kv{Label: web.T(lang, "party.app.requested"), Value: ppYuanOrDash(lang, ap.Requested)},
		web.Kv{Label: web.T(lang, "party.band"), Value: band},
		web.Kv{Label: web.T(lang, "party.app.beneficiaries"), Value: strconv.Itoa(ap.Beneficiaries)},
		web.Kv{Label: web.T(lang, "party.app.target_groups"), Value: names(groups, ap.TargetGroups)},
		web.Kv{Label: web.T(lang, "party.app.communities"), Value: names(comms, ap.Communities)},
	)
	if ap.ContactName != "" || ap.ContactPhone != "" {
		v.Rows = append(v.Rows, web.Kv{Label: web.T(lang, "party.app.contact"), Value: strings.TrimSpace(ap.ContactName + " " + ap.ContactPhone)})
	}
	if ap.Summary != "" {
		v.Texts = append(v.Texts, ppTextBlock{web.T(lang, "party.app.summary"), ppLines(ap.Summary)})
	}
	v.Texts = append(v.Texts, ppTextBlock{web.T(lang, "party.app.activity_plan"), ppLines(web.PpFirstNonEmpty(ap.ActivityPlan, "—"))})
	bl := ppTableView{Title: web.T(lang, "party.rows.budget_lines"), Columns: []string{"#", web.T(lang, "party.col.budget_lines.item"), web.T(lang, "party.col.budget_lines.amount"), web.T(lang, "party.col.budget_lines.note")}}
	var sum gongzhi.Money
	for i, l := range ap.BudgetLines {
		bl.Rows = append(bl.Rows, []string{strconv.Itoa(i + 1), l.Item, l.Amount.Format(), l.Note})
		sum += l.Amount
	}
	bl.Foot = []string{"", web.T(lang, "party.total"), sum.Format(), ""}
	team := ppTableView{Title: web.T(lang, "party.rows.team"), Columns: []string{"#", web.T(lang, "party.col.team.name"), web.T(lang, "party.col.team.role"), web.T(lang, "party.col.team.qualification")}}
	for i, m := range ap.Team {
		team.Rows = append(team.Rows, []string{strconv.Itoa(i + 1), m.Name, m.Role, m.Qualification})
	}
	v.Tables = append(v.Tables, bl, team)
	for _, g := range []string{"outputs", "outcomes"} {
		t := ppTableView{Title: web.T(lang, "party.rows."+g), Columns: []string{"#", web.T(lang, "party.col."+g+".name"), web.T(lang, "party.col."+g+".target"), web.T(lang, "party.col."+g+".unit")}}
		xs := ap.Outputs
		if g == "outcomes" {
			xs = ap.Outcomes
		}
		for i, x := range xs {
			t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), x.Name, web.FmtInt(x.Target), x.Unit})
		}
		v.Tables = append(v.Tables, t)
	}
	if len(ap.NeedIDs) > 0 {
		if needs, err := s.svc.CallNeeds(ctx, ac, c.ID); err == nil {
			t := ppTableView{Title: web.T(lang, "party.app.needs"), Columns: []string{web.T(lang, "party.community"), web.T(lang, "party.app.category"), web.T(lang, "party.description"), web.T(lang, "party.people_affected")}}
			for _, n := range needs {
				if slices.Contains(ap.NeedIDs, n.ID) {
					t.Rows = append(t.Rows, []string{n.CommunityName, catNames([]string{n.CategoryCode}), n.Description, strconv.Itoa(n.PeopleAffected)})
				}
			}
			v.Tables = append(v.Tables, t)
		}
	}
	for _, a := range ap.Attachments {
		v.Files = append(v.Files, ppAttView{ID: a.ID, Name: a.Name, Size: ppSizeText(a.Size), SHA256: a.SHA256, Type: a.ContentType})
	}
}

func ppNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func ppYuanOrDash(lang string, m gongzhi.Money) string {
	if m == 0 {
		return "—"
	}
	return ppYuan(lang, m)
}

// ppAppWithCall reads an application the caller may see, its call and its state history.
func (s *Server) ppAppWithCall(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Application, *gongzhi.Call, []gongzhi.StateChange, error) {
	ap, err := s.svc.Application(ctx, ac, id)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := s.svc.Call(ctx, ac, ap.CallID)
	if err != nil {
		return nil, nil, nil, err
	}
	hist, err := s.svc.ApplicationHistory(ctx, ac, id)
	return ap, c, hist, err
}

// ppRenderAppDetail shows an application with where it stands; e is a refusal to show on top.
func (s *Server) ppRenderAppDetail(w http.ResponseWriter, r *http.Request, id int64, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ctx := r.Context()
	ap, c, hist, err := s.ppAppWithCall(ctx, ac, id)
	if err != nil {
		return err
	}
	v := &ppAppView{App: ap, State: ppAppStateLabel(lang, ap.State), Back: "/applications"}
	if ap.State == gongzhi.AppAwarded && c.State == gongzhi.CallFinal {
		v.State = web.T(lang, "party.app_state.awarded_final")
	}
	v.Steps, _ = s.ppProgress(ctx, ac, lang, ap, c, hist)
	s.ppAppContent(ctx, ac, lang, ap, c, v)
	v.History = ppStateRows(lang, hist)
	now := s.svc.Now()
	open := c.AcceptsAt(now)
	if purchase.MayApply(ac) {
		switch {
		case open && ap.State == gongzhi.AppDraft:
			v.Actions = append(v.Actions,
				web.ActionLink{Label: web.T(lang, "action.edit"), Href: "/applications/" + web.FmtInt(id) + "/edit"},
				web.ActionLink{Label: web.T(lang, "party.submit"), Href: "/applications/" + web.FmtInt(id) + "/submit", Post: true, Confirm: web.T(lang, "party.confirm_submit")})
			v.Notice = web.T(lang, "party.deadline_note:"+ppDatetimeCN(c.ClosesAt))
			v.Upload = &web.UploadWidget{Action: "/applications/" + web.FmtInt(id) + "/attachments/upload", Submit: web.T(lang, "action.upload"),
				Label:  web.T(lang, "attachment.upload:"+web.SizeText(s.UploadLimit(gongzhi.MaxAttachmentSize))),
				Accept: ".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv,.zip"}
			if e != nil && e.Fields["file"] != "" {
				v.Upload.Error = web.T(lang, e.Fields["file"])
			}
			v.CanRemove = true
		case !open && (ap.State == gongzhi.AppDraft || ap.State == gongzhi.AppSubmitted) && !now.Before(c.ClosesAt):
			v.Notice = web.T(lang, "party.deadline_passed_note:"+ppDatetimeCN(c.ClosesAt))
		case open && ap.State == gongzhi.AppSubmitted:
			v.Notice = web.T(lang, "party.withdraw_note:"+ppDatetimeCN(c.ClosesAt))
		}
		if open && (ap.State == gongzhi.AppDraft || ap.State == gongzhi.AppSubmitted) {
			v.Withdraw, v.WithdrawA = true, "/applications/"+web.FmtInt(id)+"/withdraw"
		}
	}
	status := http.StatusOK
	if e != nil {
		status = web.PpStatusFor(e)
	}
	s.Render(w, r, status, "p_party_app", &web.Page{Title: ap.Title, Active: "/applications", Data: v, Error: e})
	return nil
}

// ---- API

func (s *Server) ppApiApps(w http.ResponseWriter, r *http.Request) error {
	opts, pg := web.ListOptions(r, "call", "state", "states", "category")
	return web.WriteList(w, opts, pg, web.ListOf(r.Context(), web.ActorOf(r), s.svc.Applications))
}

func (s *Server) ppWriteApp(w http.ResponseWriter, r *http.Request, status int, id int64) error {
	ap, err := s.svc.Application(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if ap.Attachments == nil {
		ap.Attachments = []*gongzhi.Attachment{}
	}
	web.WriteJSON(w, status, ap)
	return nil
}

func (s *Server) ppApiAppCreate(w http.ResponseWriter, r *http.Request) error {
	ap := &gongzhi.Application{}
	if err := s.Decode(w, r, ap); err != nil {
		return err
	}
	ap.ID = 0
	if err := s.svc.CreateApplication(r.Context(), web.ActorOf(r), ap); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/applications/"+web.FmtInt(ap.ID))
	return s.ppWriteApp(w, r, http.StatusCreated, ap.ID)
}

func (s *Server) ppApiApp(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.ppWriteApp(w, r, http.StatusOK, id)
}

func (s *Server) ppApiAppUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ap := &gongzhi.Application{}
	if err := s.Decode(w, r, ap); err != nil {
		return err
	}
	ap.ID = id
	if err := s.svc.UpdateApplication(r.Context(), web.ActorOf(r), ap); err != nil {
		return err
	}
	return s.ppWriteApp(w, r, http.StatusOK, id)
}

func (s *Server) ppApiAppSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.svc.SubmitApplication(r.Context(), web.ActorOf(r), id); err != nil {
		return err
	}
	return s.ppWriteApp(w, r, http.StatusOK, id)
}

// ppDecodeOptional decodes a JSON body when there is one.
func (s *Server) ppDecodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return s.Decode(w, r, v)
}

func (s *Server) ppApiAppWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req ppWithdrawRequest
	if err := s.ppDecodeOptional(w, r, &req); err != nil {
		return err
	}
	if err := s.svc.WithdrawApplication(r.Context(), web.ActorOf(r), id, req.Reason); err != nil {
		return err
	}
	return s.ppWriteApp(w, r, http.StatusOK, id)
}

func (s *Server) ppApiAppHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	hist, err := s.svc.ApplicationHistory(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if hist == nil {
		hist = []gongzhi.StateChange{}
	}
	web.WriteJSON(w, http.StatusOK, ppStateHistory{Items: web.WithNoteTexts(web.LangOf(r), hist)})
	return nil
}

func (s *Server) ppApiAppProgress(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ctx := r.Context()
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ap, c, hist, err := s.ppAppWithCall(ctx, ac, id)
	if err != nil {
		return err
	}
	steps, award := s.ppProgress(ctx, ac, lang, ap, c, hist)
	web.WriteJSON(w, http.StatusOK, ppProgressBody{Application: ap, CallState: c.State, ClosesAt: c.ClosesAt.Format(time.RFC3339),
		Open: c.AcceptsAt(s.svc.Now()), Steps: steps, Award: award})
	return nil
}

func (s *Server) ppApiAttachmentAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	att := &gongzhi.Attachment{}
	if err := s.Decode(w, r, att); err != nil {
		return err
	}
	att.ID = 0
	if err := s.svc.AddAttachment(r.Context(), web.ActorOf(r), id, att); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, att)
	return nil
}

func (s *Server) ppApiAttachmentRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	att, err := web.ParseID(r.PathValue("att"))
	if err != nil {
		return err
	}
	if err := s.svc.RemoveAttachment(r.Context(), web.ActorOf(r), id, att); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ppAccepts refuses, as the service would, a form for a call that takes no submissions now.
func (s *Server) ppAccepts(c *gongzhi.Call) error {
	now := s.svc.Now()
	switch {
	case c.AcceptsAt(now):
		return nil
	case !now.Before(c.ClosesAt):
		return gongzhi.Refused("call_id", "application.deadline_passed")
	}
	return gongzhi.Refused("call_id", "application.call_not_open")
}

// ppColon and ppParen punctuate for the language: full-width in Chinese.
func ppColon(lang string) string { return web.T(lang, "party.colon") }

func ppParen(lang, s string) string { return web.T(lang, "party.paren:"+s) }
