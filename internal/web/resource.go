// Resources: one generic set of UI pages and API endpoints (list with search, filters, sorting
// and pages; Excel export; detail with change history; create, edit and delete forms) that each
// registry record plugs its own columns, fields and service calls into.

package web

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"gongzhi"
	"gongzhi/internal/xlsx"
)

type ColDef struct {
	Label string
	Sort  string
}

// resource describes one kind of record to the generic handlers.
type Resource[R any] struct {
	Name     string // URL segment and audit entity: "organizations"
	TitleKey string // nav key
	ItemKey  string // message key prefix of field labels: "org"
	Filters  []string
	NoDelete bool

	// MayWrite is the capability's rule for creating and editing the records (it decides the
	// New and Edit buttons and the forms); MayCreate, if set, narrows it for creating and
	// MayDelete, for the Delete button, for deleting.
	MayWrite  func(ac *gongzhi.Actor) bool
	MayCreate func(ac *gongzhi.Actor) bool
	MayDelete func(ac *gongzhi.Actor) bool
	// MayChange, if set, narrows editing and deleting to the records the caller may change (a
	// provider keeps its social workers and volunteers, not the experts linked to it).
	MayChange func(ac *gongzhi.Actor, v R) bool

	List   func(ctx context.Context, ac *gongzhi.Actor, opts gongzhi.ListOptions, each func(R) error) (int, error)
	Get    func(ctx context.Context, ac *gongzhi.Actor, id string) (R, error)
	Create func(ctx context.Context, ac *gongzhi.Actor, v R) error
	Update func(ctx context.Context, ac *gongzhi.Actor, id string, v R) error
	Del    func(ctx context.Context, ac *gongzhi.Actor, id string) error
	NewT   func() R
	IdOf   func(R) string
	Title  func(R) string

	Columns   func(lang string) []ColDef
	Row       func(lang string, v R) []Cell
	FilterBar func(r *http.Request, lang string) []Field
	Export    func(lang string) ([]string, func(R) []any)
	Fields    func(r *http.Request, lang string, v R, errs map[string]string) []Field
	Detail    func(r *http.Request, lang string, v R) (DetailView, error)
}

// mayWrite asks the resource's rule for the signed-in actor.
func (res *Resource[R]) mayWrite(ac *gongzhi.Actor) bool {
	return ac != nil && res.MayWrite != nil && res.MayWrite(ac)
}

// A Section is one part's addition to the record page of another part's resource: a related
// list and actions (the purchase part adds an organization's bars to the registry's organization
// page). It returns a nil list and no actions when the actor may not see it.
type Section func(r *http.Request, lang, id string) (*Related, []ActionLink, error)

// AddSection adds sec to the record pages of the resource named name, after the resource's own
// related lists and actions.
func (s *Server) AddSection(name string, sec Section) {
	s.sections[name] = append(s.sections[name], sec)
}

// register adds the resource's UI and API routes.
func Register[R any](s *Server, res *Resource[R]) {
	base := "/" + res.Name
	api := "/api/v1/" + res.Name
	s.Handle("GET "+base, Changed, res.uiList(s))
	s.Handle("GET "+base+"/export.xlsx", Changed, res.exportXLSX(s))
	s.Handle("GET "+base+"/{id}", Changed, res.uiDetail(s))
	if res.Create != nil {
		s.Handle("GET "+base+"/new", Changed, res.uiForm(s, true))
		s.Handle("POST "+base+"/new", Changed, res.uiSave(s, true))
		s.Api("POST "+api, res.apiCreate(s))
	}
	if res.Update != nil {
		s.Handle("GET "+base+"/{id}/edit", Changed, res.uiForm(s, false))
		s.Handle("POST "+base+"/{id}/edit", Changed, res.uiSave(s, false))
		s.Api("PUT "+api+"/{id}", res.apiUpdate(s))
	}
	if res.Del != nil && !res.NoDelete {
		s.Handle("POST "+base+"/{id}/delete", Changed, res.uiDelete(s))
		s.Api("DELETE "+api+"/{id}", res.apiDelete(s))
	}
	s.Api("GET "+api, res.apiList(s))
	s.Api("GET "+api+"/{id}", res.apiGet(s))
	s.Api("GET "+api+"/{id}/history", res.apiHistory(s))
	s.Api("GET "+api+".xlsx", res.exportXLSX(s))
}

func (res *Resource[R]) uiList(s *Server) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := ActorOf(r), LangOf(r)
		opts, pg := ListOptions(r, res.Filters...)
		lv := ListView{Action: "/" + res.Name, Q: opts.Q}
		total, err := res.List(r.Context(), ac, opts, func(v R) error {
			lv.Rows = append(lv.Rows, res.Row(lang, v))
			return nil
		})
		if err != nil {
			return err
		}
		lv.Total, lv.Page, lv.Info = total, pg, opts.Info
		PageLinks(r, &lv, res.Columns(lang), opts.Limit)
		if res.FilterBar != nil {
			lv.Filters = res.FilterBar(r, lang)
		}
		q := r.URL.Query()
		q.Del("page")
		q.Del("after")
		q.Del("before")
		lv.ExportURL = "/" + res.Name + "/export.xlsx?" + q.Encode()
		if res.Create != nil && res.mayWrite(ac) && (res.MayCreate == nil || res.MayCreate(ac)) {
			lv.NewURL = "/" + res.Name + "/new"
			if res.Name == "organizations" || res.Name == "people" || res.Name == "grids" || res.Name == "households" {
				lv.ImportURL = "/" + res.Name + "/import"
			}
		}
		s.Render(w, r, http.StatusOK, "list", &Page{Title: T(lang, res.TitleKey), Active: "/" + res.Name, Data: &lv})
		return nil
	}
}

// pageLinks fills the sort and page links of a list from the current query.
func PageLinks(r *http.Request, lv *ListView, cols []ColDef, per int) {
	q := r.URL.Query()
	for _, c := range cols {
		lc := ListCol{Label: c.Label}
		if c.Sort != "" {
			sq := CloneQuery(q)
			sq.Del("page")
			sq.Del("after")
			sq.Del("before")
			sq.Set("sort", c.Sort)
			if q.Get("sort") == c.Sort {
				lc.Sorted = true
				lc.Desc = q.Get("desc") == "1"
				if lc.Desc {
					sq.Del("desc")
				} else {
					sq.Set("desc", "1")
				}
			} else {
				sq.Del("desc")
			}
			lc.SortURL = r.URL.Path + "?" + sq.Encode()
		}
		lv.Columns = append(lv.Columns, lc)
	}
	if per > 0 {
		lv.Pages = (lv.Total + per - 1) / per
	}
	if lv.Info != nil {
		lv.More = !lv.Info.TotalExact
		if lv.Info.Next != "" || lv.Info.Prev != "" || q.Get("after") != "" || q.Get("before") != "" {
			// cursor pages: the pager links name the rows around this page, at any depth
			cursorLink := func(key, cur string) string {
				pq := CloneQuery(q)
				for _, k := range []string{"page", "after", "before"} {
					pq.Del(k)
				}
				pq.Set(key, cur)
				return r.URL.Path + "?" + pq.Encode()
			}
			if lv.Info.Prev != "" {
				lv.PrevURL = cursorLink("before", lv.Info.Prev)
			}
			if lv.Info.Next != "" {
				lv.NextURL = cursorLink("after", lv.Info.Next)
			}
			return
		}
	}
	link := func(p int) string {
		pq := CloneQuery(q)
		pq.Set("page", strconv.Itoa(p))
		return r.URL.Path + "?" + pq.Encode()
	}
	if lv.Page > 1 {
		lv.PrevURL = link(lv.Page - 1)
	}
	if lv.Page < lv.Pages {
		lv.NextURL = link(lv.Page + 1)
	}
}

func CloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func (res *Resource[R]) exportXLSX(s *Server) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := ActorOf(r), LangOf(r)
		opts, _ := ListOptions(r, res.Filters...)
		opts.Limit, opts.Offset = 0, 0
		headers, row := res.Export(lang)
		// The rows stream from the list (read in chunks, see store.list) into the sheet: the
		// export holds one chunk in memory, not the whole list. A first one-row read surfaces a
		// refusal (scope, a bad filter) as an error page before the file starts.
		probe := opts
		probe.Limit, probe.Info = 1, nil
		if _, err := res.List(r.Context(), ac, probe, func(R) error { return nil }); err != nil {
			return err
		}
		name := fmt.Sprintf("%s-%s.xlsx", res.Name, time.Now().In(ChinaTime).Format("20060102-1504"))
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		var listErr error
		var seq iter.Seq[[]any] = func(yield func([]any) bool) {
			_, listErr = res.List(r.Context(), ac, opts, func(v R) error {
				if !yield(row(v)) {
					return errStopExport
				}
				return nil
			})
		}
		if err := xlsx.Export(w, T(lang, res.TitleKey), headers, seq); err != nil {
			return err
		}
		if listErr != nil && listErr != errStopExport {
			return listErr
		}
		return nil
	}
}

// errStopExport ends a list whose export stopped taking rows.
var errStopExport = errors.New("export stopped")

func (res *Resource[R]) uiDetail(s *Server) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := res.Get(r.Context(), ActorOf(r), r.PathValue("id"))
		if err != nil {
			return err
		}
		return res.RenderDetail(s, w, r, http.StatusOK, v, nil)
	}
}

// RenderDetail renders the record page of v; e, if set, is the refusal of a form of the page (a
// related list's form), shown in a summary and beside that form's fields.
func (res *Resource[R]) RenderDetail(s *Server, w http.ResponseWriter, r *http.Request, status int, v R, e *gongzhi.Error) error {
	ac, lang := ActorOf(r), LangOf(r)
	dv, err := res.Detail(r, lang, v)
	if err != nil {
		return err
	}
	id := res.IdOf(v)
	for _, sec := range s.sections[res.Name] {
		rel, acts, err := sec(r, lang, id)
		if err != nil {
			return err
		}
		if rel != nil {
			dv.Related = append(dv.Related, *rel)
		}
		dv.Actions = append(dv.Actions, acts...)
	}
	if e != nil {
		for _, rel := range dv.Related {
			if rel.Form == nil {
				continue
			}
			for i, f := range rel.Form.Fields {
				if reason, ok := e.Fields[f.Name]; ok {
					rel.Form.Fields[i].Error = T(lang, reason)
				}
			}
		}
	}
	mayChange := res.MayChange == nil || res.MayChange(ac, v)
	if res.Update != nil && res.mayWrite(ac) && mayChange {
		dv.Actions = append([]ActionLink{{Label: T(lang, "action.edit"), Href: "/" + res.Name + "/" + id + "/edit"}}, dv.Actions...)
	}
	if res.Del != nil && !res.NoDelete && res.mayWrite(ac) && mayChange && res.MayDelete != nil && res.MayDelete(ac) {
		dv.Actions = append(dv.Actions, ActionLink{Label: T(lang, "action.delete"), Href: "/" + res.Name + "/" + id + "/delete",
			Post: true, Confirm: T(lang, "action.confirm_delete"), Danger: true})
	}
	hist, err := s.services.History(r.Context(), ac, res.Name, id)
	if err != nil {
		return err
	}
	dv.ShowHistory = true
	dv.History = historyRows(lang, hist, res.ItemKey)
	s.Render(w, r, status, "detail", &Page{Title: res.Title(v), Active: "/" + res.Name, Data: &dv, Error: e})
	return nil
}

func (res *Resource[R]) uiForm(s *Server, create bool) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := ActorOf(r), LangOf(r)
		if !res.mayWrite(ac) {
			return gongzhi.Forbidden()
		}
		v := res.NewT()
		title := T(lang, "action.create") + " · " + T(lang, res.TitleKey)
		action := "/" + res.Name + "/new"
		if !create {
			var err error
			if v, err = res.Get(r.Context(), ac, r.PathValue("id")); err != nil {
				return err
			}
			if res.MayChange != nil && !res.MayChange(ac, v) {
				return gongzhi.Forbidden()
			}
			title = T(lang, "action.edit") + " · " + res.Title(v)
			action = "/" + res.Name + "/" + res.IdOf(v) + "/edit"
		}
		res.RenderForm(s, w, r, http.StatusOK, title, action, v, nil, create)
		return nil
	}
}

func (res *Resource[R]) RenderForm(s *Server, w http.ResponseWriter, r *http.Request, status int, title, action string, v R, e *gongzhi.Error, create bool) {
	lang := LangOf(r)
	errs := map[string]string{}
	if e != nil {
		for k, reason := range e.Fields {
			errs[k] = T(lang, reason)
		}
	}
	cancel := "/" + res.Name
	if !create {
		cancel += "/" + res.IdOf(v)
	}
	fv := &FormView{Action: action, Cancel: cancel, Fields: res.Fields(r, lang, v, errs), Submit: T(lang, "action.save")}
	s.Render(w, r, status, "form", &Page{Title: title, Active: "/" + res.Name, Data: fv, Error: e})
}

func (res *Resource[R]) uiSave(s *Server, create bool) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := ActorOf(r), LangOf(r)
		v := res.NewT()
		id := r.PathValue("id")
		title := T(lang, "action.create") + " · " + T(lang, res.TitleKey)
		action := "/" + res.Name + "/new"
		if !create {
			old, err := res.Get(r.Context(), ac, id)
			if err != nil {
				return err
			}
			title = T(lang, "action.edit") + " · " + res.Title(old)
			action = "/" + res.Name + "/" + id + "/edit"
			if Refreshing(r) {
				v = old // shown again as typed over the stored record
			}
		}
		err := s.Decode(w, r, v)
		if Refreshing(r) {
			// shown again, nothing saved: a search box's matches, the fields of the kind chosen
			if !res.mayWrite(ac) {
				return gongzhi.Forbidden()
			}
			res.RenderForm(s, w, r, http.StatusOK, title, action, v, nil, create)
			return nil
		}
		if err == nil {
			if create {
				err = res.Create(r.Context(), ac, v)
			} else {
				err = res.Update(r.Context(), ac, id, v)
			}
		}
		if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 {
			res.RenderForm(s, w, r, StatusOf[e.Code], title, action, v, e, create)
			return nil
		} else if err != nil {
			return err
		}
		return s.Redirect(w, r, "/"+res.Name+"/"+url.PathEscape(res.IdOf(v)), T(lang, "saved"))
	}
}

func (res *Resource[R]) uiDelete(s *Server) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := res.Del(r.Context(), ActorOf(r), r.PathValue("id")); err != nil {
			return err
		}
		return s.Redirect(w, r, "/"+res.Name, T(LangOf(r), "deleted"))
	}
}

// ---- API

type ListBody[R any] struct {
	Items []R `json:"items"`
	Total int `json:"total"`
	// TotalExact is false when more than Total rows match (counting stops at gongzhi.MaxCount).
	TotalExact bool `json:"total_exact"`
	Page       int  `json:"page"`
	PerPage    int  `json:"per_page"`
	// Next and Prev are the cursors of the pages after and before this one (after=, before=).
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

func (res *Resource[R]) apiList(s *Server) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		return ListJSON(w, r, res.Filters, ListOf(r.Context(), ActorOf(r), res.List))
	}
}

// writeList answers an API list request: the items run yields for opts (page pg), with their
// total.
func WriteList[R any](w http.ResponseWriter, opts gongzhi.ListOptions, pg int, run func(gongzhi.ListOptions, func(R) error) (int, error)) error {
	body := ListBody[R]{Items: []R{}, Page: pg, PerPage: opts.Limit}
	if opts.Info == nil {
		opts.Info = &gongzhi.ListInfo{TotalExact: true}
	}
	total, err := run(opts, func(v R) error { body.Items = append(body.Items, v); return nil })
	if err != nil {
		return err
	}
	body.Total, body.TotalExact, body.Next, body.Prev = total, opts.Info.TotalExact, opts.Info.Next, opts.Info.Prev
	WriteJSON(w, http.StatusOK, body)
	return nil
}

// listJSON answers an API list request that may filter on filters (see writeList).
func ListJSON[R any](w http.ResponseWriter, r *http.Request, filters []string, run func(gongzhi.ListOptions, func(R) error) (int, error)) error {
	opts, pg := ListOptions(r, filters...)
	return WriteList(w, opts, pg, run)
}

// decodeAt reads the id in the request's path, then decodes the request into v.
func (s *Server) DecodeAt(w http.ResponseWriter, r *http.Request, v any) (int64, error) {
	id, err := PathID(r)
	if err != nil {
		return 0, err
	}
	return id, s.Decode(w, r, v)
}

// getJSON answers an API request for the record whose id is in the path, as get returns it to
// the signed-in actor.
func GetJSON[R any](w http.ResponseWriter, r *http.Request, get func(context.Context, *gongzhi.Actor, int64) (R, error)) error {
	id, err := PathID(r)
	if err != nil {
		return err
	}
	v, err := get(r.Context(), ActorOf(r), id)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, v)
	return nil
}

// listOf binds a service's list method to the request's context and actor.
func ListOf[R any](ctx context.Context, ac *gongzhi.Actor, list func(context.Context, *gongzhi.Actor, gongzhi.ListOptions, func(R) error) (int, error)) func(gongzhi.ListOptions, func(R) error) (int, error) {
	return func(opts gongzhi.ListOptions, each func(R) error) (int, error) { return list(ctx, ac, opts, each) }
}

func (res *Resource[R]) apiGet(s *Server) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := res.Get(r.Context(), ActorOf(r), r.PathValue("id"))
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusOK, v)
		return nil
	}
}

func (res *Resource[R]) apiCreate(s *Server) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := res.NewT()
		if err := s.Decode(w, r, v); err != nil {
			return err
		}
		if err := res.Create(r.Context(), ActorOf(r), v); err != nil {
			return err
		}
		stored, err := res.Get(r.Context(), ActorOf(r), res.IdOf(v))
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/"+res.Name+"/"+url.PathEscape(res.IdOf(v)))
		WriteJSON(w, http.StatusCreated, stored)
		return nil
	}
}

func (res *Resource[R]) apiUpdate(s *Server) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := res.NewT()
		if err := s.Decode(w, r, v); err != nil {
			return err
		}
		id := r.PathValue("id")
		if err := res.Update(r.Context(), ActorOf(r), id, v); err != nil {
			return err
		}
		stored, err := res.Get(r.Context(), ActorOf(r), id)
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusOK, stored)
		return nil
	}
}

func (res *Resource[R]) apiDelete(s *Server) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := res.Del(r.Context(), ActorOf(r), r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

func (res *Resource[R]) apiHistory(s *Server) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		hist, err := s.services.History(r.Context(), ActorOf(r), res.Name, r.PathValue("id"))
		if err != nil {
			return err
		}
		if hist == nil {
			hist = []*gongzhi.AuditEntry{}
		}
		WriteJSON(w, http.StatusOK, map[string]any{"items": hist})
		return nil
	}
}

// parseID parses a numeric record id; anything else is simply not found.
func ParseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, gongzhi.NotFound()
	}
	return id, nil
}
