// Resources: one generic set of UI pages and API endpoints (list with search, filters, sorting
// and pages; Excel export; detail with change history; create, edit and delete forms) that each
// registry record plugs its own columns, fields and service calls into.
package web

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

type colDef struct {
	Label string
	Sort  string
}

// resource describes one kind of record to the generic handlers.
type resource[R any] struct {
	name     string // URL segment and audit entity: "organizations"
	titleKey string // nav key
	itemKey  string // message key prefix of field labels: "org"
	filters  []string
	perm     string // app resource name for CanRead/CanWrite
	noDelete bool

	list   func(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(R) error) (int, error)
	get    func(ctx context.Context, ac *gongzhi.Actor, id string) (R, error)
	create func(ctx context.Context, ac *gongzhi.Actor, v R) error
	update func(ctx context.Context, ac *gongzhi.Actor, id string, v R) error
	del    func(ctx context.Context, ac *gongzhi.Actor, id string) error
	newT   func() R
	idOf   func(R) string
	title  func(R) string

	columns   func(lang string) []colDef
	row       func(lang string, v R) []cell
	filterBar func(r *http.Request, lang string) []field
	export    func(lang string) ([]string, func(R) []any)
	fields    func(r *http.Request, lang string, v R, errs map[string]string) []field
	detail    func(r *http.Request, lang string, v R) detailView
	canCreate func(ac *gongzhi.Actor) bool
}

func canRead(ac *gongzhi.Actor, res string) bool  { return ac != nil && kernel.CanRead(ac, res) }
func canWrite(ac *gongzhi.Actor, res string) bool { return ac != nil && kernel.CanWrite(ac, res) }

// register adds the resource's UI and API routes.
func register[R any](s *Server, res *resource[R]) {
	base := "/" + res.name
	api := "/api/v1/" + res.name
	s.handle("GET "+base, changed, res.uiList(s))
	s.handle("GET "+base+"/export.xlsx", changed, res.exportXLSX(s))
	s.handle("GET "+base+"/{id}", changed, res.uiDetail(s))
	if res.create != nil {
		s.handle("GET "+base+"/new", changed, res.uiForm(s, true))
		s.handle("POST "+base+"/new", changed, res.uiSave(s, true))
		s.api("POST "+api, res.apiCreate(s))
	}
	if res.update != nil {
		s.handle("GET "+base+"/{id}/edit", changed, res.uiForm(s, false))
		s.handle("POST "+base+"/{id}/edit", changed, res.uiSave(s, false))
		s.api("PUT "+api+"/{id}", res.apiUpdate(s))
	}
	if res.del != nil && !res.noDelete {
		s.handle("POST "+base+"/{id}/delete", changed, res.uiDelete(s))
		s.api("DELETE "+api+"/{id}", res.apiDelete(s))
	}
	s.api("GET "+api, res.apiList(s))
	s.api("GET "+api+"/{id}", res.apiGet(s))
	s.api("GET "+api+"/{id}/history", res.apiHistory(s))
	s.api("GET "+api+".xlsx", res.exportXLSX(s))
}

func (res *resource[R]) label(lang, field string) string { return T(lang, res.itemKey+"."+field) }

func (res *resource[R]) uiList(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := actorOf(r), langOf(r)
		opts, pg := listOptions(r, res.filters...)
		lv := listView{Action: "/" + res.name, Q: opts.Q}
		total, err := res.list(r.Context(), ac, opts, func(v R) error {
			lv.Rows = append(lv.Rows, res.row(lang, v))
			return nil
		})
		if err != nil {
			return err
		}
		lv.Total, lv.Page = total, pg
		pageLinks(r, &lv, res.columns(lang), opts.Limit)
		if res.filterBar != nil {
			lv.Filters = res.filterBar(r, lang)
		}
		q := r.URL.Query()
		q.Del("page")
		lv.ExportURL = "/" + res.name + "/export.xlsx?" + q.Encode()
		if res.create != nil && canWrite(ac, res.perm) && (res.canCreate == nil || res.canCreate(ac)) {
			lv.NewURL = "/" + res.name + "/new"
			if res.name == "organizations" || res.name == "people" {
				lv.ImportURL = "/" + res.name + "/import"
			}
		}
		s.render(w, r, http.StatusOK, "list", &page{Title: T(lang, res.titleKey), Active: "/" + res.name, Data: &lv})
		return nil
	}
}

// pageLinks fills the sort and page links of a list from the current query.
func pageLinks(r *http.Request, lv *listView, cols []colDef, per int) {
	q := r.URL.Query()
	for _, c := range cols {
		lc := listCol{Label: c.Label}
		if c.Sort != "" {
			sq := cloneQuery(q)
			sq.Del("page")
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
	link := func(p int) string {
		pq := cloneQuery(q)
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

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func (res *resource[R]) exportXLSX(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := actorOf(r), langOf(r)
		opts, _ := listOptions(r, res.filters...)
		opts.Limit, opts.Offset = 0, 0
		headers, row := res.export(lang)
		var rows [][]any
		if _, err := res.list(r.Context(), ac, opts, func(v R) error { rows = append(rows, row(v)); return nil }); err != nil {
			return err
		}
		name := fmt.Sprintf("%s-%s.xlsx", res.name, time.Now().In(chinaTime).Format("20060102-1504"))
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		var seq iter.Seq[[]any] = func(yield func([]any) bool) {
			for _, row := range rows {
				if !yield(row) {
					return
				}
			}
		}
		return xlsx.Export(w, T(lang, res.titleKey), headers, seq)
	}
}

func (res *resource[R]) uiDetail(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := actorOf(r), langOf(r)
		v, err := res.get(r.Context(), ac, r.PathValue("id"))
		if err != nil {
			return err
		}
		dv := res.detail(r, lang, v)
		id := res.idOf(v)
		if res.update != nil && canWrite(ac, res.perm) {
			dv.Actions = append([]actionLink{{Label: T(lang, "action.edit"), Href: "/" + res.name + "/" + id + "/edit"}}, dv.Actions...)
		}
		if res.del != nil && !res.noDelete && canWrite(ac, res.perm) && !gongzhi.OrgScoped(ac.Role()) {
			dv.Actions = append(dv.Actions, actionLink{Label: T(lang, "action.delete"), Href: "/" + res.name + "/" + id + "/delete",
				Post: true, Confirm: T(lang, "action.confirm_delete"), Danger: true})
		}
		hist, err := s.app.History(r.Context(), ac, res.name, id)
		if err != nil {
			return err
		}
		dv.ShowHistory = true
		dv.History = historyRows(lang, hist, res.itemKey)
		s.render(w, r, http.StatusOK, "detail", &page{Title: res.title(v), Active: "/" + res.name, Data: &dv})
		return nil
	}
}

func (res *resource[R]) uiForm(s *Server, create bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := actorOf(r), langOf(r)
		if !canWrite(ac, res.perm) {
			return gongzhi.Forbidden()
		}
		v := res.newT()
		title := T(lang, "action.create") + " · " + T(lang, res.titleKey)
		action := "/" + res.name + "/new"
		if !create {
			var err error
			if v, err = res.get(r.Context(), ac, r.PathValue("id")); err != nil {
				return err
			}
			title = T(lang, "action.edit") + " · " + res.title(v)
			action = "/" + res.name + "/" + res.idOf(v) + "/edit"
		}
		res.renderForm(s, w, r, http.StatusOK, title, action, v, nil, create)
		return nil
	}
}

func (res *resource[R]) renderForm(s *Server, w http.ResponseWriter, r *http.Request, status int, title, action string, v R, e *gongzhi.Error, create bool) {
	lang := langOf(r)
	errs := map[string]string{}
	if e != nil {
		for k, reason := range e.Fields {
			errs[k] = T(lang, reason)
		}
	}
	cancel := "/" + res.name
	if !create {
		cancel += "/" + res.idOf(v)
	}
	fv := &formView{Action: action, Cancel: cancel, Fields: res.fields(r, lang, v, errs), Submit: T(lang, "action.save")}
	s.render(w, r, status, "form", &page{Title: title, Active: "/" + res.name, Data: fv, Error: e})
}

func (res *resource[R]) uiSave(s *Server, create bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := actorOf(r), langOf(r)
		v := res.newT()
		id := r.PathValue("id")
		title := T(lang, "action.create") + " · " + T(lang, res.titleKey)
		action := "/" + res.name + "/new"
		if !create {
			old, err := res.get(r.Context(), ac, id)
			if err != nil {
				return err
			}
			title = T(lang, "action.edit") + " · " + res.title(old)
			action = "/" + res.name + "/" + id + "/edit"
		}
		err := s.decode(w, r, v)
		if err == nil {
			if create {
				err = res.create(r.Context(), ac, v)
			} else {
				err = res.update(r.Context(), ac, id, v)
			}
		}
		if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 {
			res.renderForm(s, w, r, statusOf[e.Code], title, action, v, e, create)
			return nil
		} else if err != nil {
			return err
		}
		return s.redirect(w, r, "/"+res.name+"/"+url.PathEscape(res.idOf(v)), T(lang, "saved"))
	}
}

func (res *resource[R]) uiDelete(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := res.del(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
			return err
		}
		return s.redirect(w, r, "/"+res.name, T(langOf(r), "deleted"))
	}
}

// ---- API

type listBody[R any] struct {
	Items   []R `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func (res *resource[R]) apiList(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		return listJSON(w, r, res.filters, listOf(r.Context(), actorOf(r), res.list))
	}
}

// writeList answers an API list request: the items run yields for opts (page pg), with their
// total.
func writeList[R any](w http.ResponseWriter, opts store.ListOptions, pg int, run func(store.ListOptions, func(R) error) (int, error)) error {
	body := listBody[R]{Items: []R{}, Page: pg, PerPage: opts.Limit}
	total, err := run(opts, func(v R) error { body.Items = append(body.Items, v); return nil })
	if err != nil {
		return err
	}
	body.Total = total
	writeJSON(w, http.StatusOK, body)
	return nil
}

// listJSON answers an API list request that may filter on filters (see writeList).
func listJSON[R any](w http.ResponseWriter, r *http.Request, filters []string, run func(store.ListOptions, func(R) error) (int, error)) error {
	opts, pg := listOptions(r, filters...)
	return writeList(w, opts, pg, run)
}

// decodeAt reads the id in the request's path, then decodes the request into v.
func (s *Server) decodeAt(w http.ResponseWriter, r *http.Request, v any) (int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, err
	}
	return id, s.decode(w, r, v)
}

// getJSON answers an API request for the record whose id is in the path, as get returns it to
// the signed-in actor.
func getJSON[R any](w http.ResponseWriter, r *http.Request, get func(context.Context, *gongzhi.Actor, int64) (R, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := get(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// listOf binds a service's list method to the request's context and actor.
func listOf[R any](ctx context.Context, ac *gongzhi.Actor, list func(context.Context, *gongzhi.Actor, store.ListOptions, func(R) error) (int, error)) func(store.ListOptions, func(R) error) (int, error) {
	return func(opts store.ListOptions, each func(R) error) (int, error) { return list(ctx, ac, opts, each) }
}

func (res *resource[R]) apiGet(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := res.get(r.Context(), actorOf(r), r.PathValue("id"))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

func (res *resource[R]) apiCreate(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := res.newT()
		if err := s.decode(w, r, v); err != nil {
			return err
		}
		if err := res.create(r.Context(), actorOf(r), v); err != nil {
			return err
		}
		stored, err := res.get(r.Context(), actorOf(r), res.idOf(v))
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/"+res.name+"/"+url.PathEscape(res.idOf(v)))
		writeJSON(w, http.StatusCreated, stored)
		return nil
	}
}

func (res *resource[R]) apiUpdate(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		v := res.newT()
		if err := s.decode(w, r, v); err != nil {
			return err
		}
		id := r.PathValue("id")
		if err := res.update(r.Context(), actorOf(r), id, v); err != nil {
			return err
		}
		stored, err := res.get(r.Context(), actorOf(r), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, stored)
		return nil
	}
}

func (res *resource[R]) apiDelete(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := res.del(r.Context(), actorOf(r), r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

func (res *resource[R]) apiHistory(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		hist, err := s.app.History(r.Context(), actorOf(r), res.name, r.PathValue("id"))
		if err != nil {
			return err
		}
		if hist == nil {
			hist = []*gongzhi.AuditEntry{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": hist})
		return nil
	}
}

// parseID parses a numeric record id; anything else is simply not found.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, gongzhi.NotFound()
	}
	return id, nil
}
