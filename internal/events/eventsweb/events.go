// Grid events: the routes, the API documentation and the staff pages (the list, an event with
// the form of each step its reader may take, the report form). The categories, departments and
// figures are in events_office.go, the public pages in events_public.go.

package eventsweb

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/events"
	"gongzhi/internal/web"
)

func (s *Server) routes() {
	s.Handle("GET /events", web.Changed, s.list)
	s.Handle("GET /events/new", web.Changed, s.newForm)
	s.Handle("POST /events", web.Changed, s.create)
	s.Handle("GET /events/categories", web.Changed, s.office)
	s.Handle("POST /events/categories", web.Changed, s.saveCategory)
	s.Handle("POST /events/departments", web.Changed, s.saveDepartment)
	s.Handle("POST /events/departments/{id}/accounts", web.Changed, s.linkAccount)
	s.Handle("GET /events/stats", web.Changed, s.stats)
	s.Handle("GET /events/stats.xlsx", web.Changed, s.statsExport)
	s.Handle("GET /events/report", web.Changed, s.report)
	s.Handle("GET /events/import", web.Changed, s.importPage)
	s.Handle("GET /events/import-template.xlsx", web.Changed, s.importTemplate)
	s.Handle("POST /events/import", web.Changed, s.importHotline)
	s.Handle("GET /events/{id}", web.Changed, s.detail)
	s.Handle("GET /events/{id}/photos/{sum}", web.Changed, s.photo)
	s.Handle("POST /events/{id}/{step}", web.Changed, s.move)
	s.Handle("GET /public/events", web.Public, s.publicHome)
	s.Handle("POST /public/events", web.Public, s.publicReport)
	s.Handle("GET /public/events/track", web.Public, s.trackForm)
	s.Handle("POST /public/events/track", web.Public, s.track)
	s.Handle("POST /public/events/rate", web.Public, s.publicRate)

	s.Api("GET /api/v1/events", s.list)
	s.Api("POST /api/v1/events", s.create)
	s.Api("GET /api/v1/events/stats", s.stats)
	s.Api("POST /api/v1/events/import", s.importHotline)
	s.Api("GET /api/v1/events/{id}", s.detail)
	s.Api("GET /api/v1/events/{id}/history", s.apiHistory)
	s.Api("POST /api/v1/events/{id}/{step}", s.move)
	s.Api("GET /api/v1/event-categories", s.apiCategories)
	s.Api("POST /api/v1/event-categories", s.saveCategory)
	s.Api("GET /api/v1/departments", s.apiDepartments)
	s.Api("POST /api/v1/departments", s.saveDepartment)
	s.Api("POST /api/v1/departments/{id}/accounts", s.linkAccount)
	s.ApiPublic("GET /api/v1/public/events", s.publicHome)
	s.ApiPublic("POST /api/v1/public/events", s.publicReport)
	s.ApiPublic("POST /api/v1/public/events/track", s.track)
	s.ApiPublic("POST /api/v1/public/events/rate", s.publicRate)
	s.ApiPublic("GET /api/v1/public/events/stats", s.publicStats)
}

// API bodies.
type stepRequest struct {
	Reason       string `json:"reason"`        // the reason, what was done, or a note
	DepartmentID int64  `json:"department_id"` // dispatch: the department
	InGrid       bool   `json:"in_grid"`       // dispatch: solve in the grid instead
	Solved       *bool  `json:"solved"`        // verify: solved on site (default true)
	Rating       int    `json:"rating"`        // rate: 1–5
	Comment      string `json:"comment"`       // rate
}

type trackRequest struct {
	Code string `json:"code"`
}

type rateCodeRequest struct {
	Code    string `json:"code"`
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

type linkRequest struct {
	Username string `json:"username"`
}

type receipt struct {
	ID    int64  `json:"id"`
	Code  string `json:"code"`
	State string `json:"state"`
}

var steps = []string{"register", "reject", "dispatch", "return", "handle", "verify", "close", "rate"}

func apiDocs() map[string]web.ApiDoc {
	d := map[string]web.ApiDoc{
		"GET /api/v1/events": {Summary: "Grid events: the street office's, community's, grid worker's and auditor's place; a department those dispatched to it; a resident their own",
			Resp: web.ItemsOf[gongzhi.Event]{}, Filters: listFilters},
		"POST /api/v1/events": {Summary: "Report an event (collect): a grid worker on patrol, staff recording a phone call or a 12345 transfer, a signed-in resident online",
			Req: gongzhi.NewEvent{}, Resp: receipt{}, Status: http.StatusCreated},
		"GET /api/v1/events/stats": {Summary: "Performance: handling time (median, 90th percentile), on-time rate, returns and reopenings by department, grid and category; hot spots (query month YYYY-MM)", Resp: events.Performance{}},
		"POST /api/v1/events/import": {Summary: "Import 12345 hotline work orders from Excel (multipart file; the template at /events/import-template.xlsx): every row or none, " +
			"each problem by line and column; a work order is imported once", Resp: imported{}, Upload: true},
		"GET /api/v1/events/{id}":         {Summary: "An event with its photos", Resp: gongzhi.Event{}},
		"GET /api/v1/events/{id}/history": {Summary: "An event's timed steps", Resp: web.ItemsOf[gongzhi.EventStep]{}},
		"GET /api/v1/event-categories":    {Summary: "Event categories with their responsible department, deadline (working hours) and urgency", Resp: web.ItemsOf[gongzhi.EventCategory]{}},
		"POST /api/v1/event-categories":   {Summary: "Create a category, or edit one (id given): the street office", Req: gongzhi.EventCategory{}, Resp: gongzhi.EventCategory{}},
		"GET /api/v1/departments":         {Summary: "Functional departments of the caller's place and the places above it", Resp: web.ItemsOf[gongzhi.Department]{}},
		"POST /api/v1/departments":        {Summary: "Create a department, or edit one (id given), with the categories it handles: the street office", Req: gongzhi.Department{}, Resp: gongzhi.Department{}},
		"POST /api/v1/departments/{id}/accounts": {Summary: "Make a department account (role department) work for the department: the street office",
			Req: linkRequest{}, Resp: gongzhi.Department{}},
		"GET /api/v1/public/events": {Summary: "The reports of a community or of the communities under a place (query place), with their state: nothing personal",
			Resp: web.ItemsOf[gongzhi.PublicEvent]{}, Public: true},
		"POST /api/v1/public/events": {Summary: "Report a problem without an account (throttled per address); answers the tracking code",
			Req: gongzhi.NewEvent{}, Resp: receipt{}, Status: http.StatusCreated, Public: true},
		"POST /api/v1/public/events/track": {Summary: "Follow a report by its tracking code", Req: trackRequest{}, Resp: events.Tracked{}, Public: true},
		"POST /api/v1/public/events/rate":  {Summary: "Evaluate a closed report by its tracking code, once", Req: rateCodeRequest{}, Resp: events.Tracked{}, Public: true},
		"GET /api/v1/public/events/stats":  {Summary: "Public statistics of a place's events (query place, month): counts, handling times, on-time rate — nothing personal", Resp: events.Performance{}, Public: true},
	}
	d["POST /api/v1/events/{id}/{step}"] = web.ApiDoc{Summary: "Take a step: register, reject (reason), dispatch (department_id or in_grid), return (reason; the department), " +
		"handle (reason: what was done; a multipart body may carry a photo as file), verify (solved, reason), close, rate (rating, comment; the reporter, or a resident of the household a visit found it in; once)",
		Req: stepRequest{}, Resp: gongzhi.Event{}}
	return d
}

func init() { web.AddAPIDocs(apiDocs()) }

var listFilters = []string{"state", "category", "community", "grid", "department", "source", "escalated", "overdue", "rated"}

// ---- views

type section struct {
	ID, Title, Intro, Big string
	Rows                  []web.Kv
	Photos                []string
	Cols                  []string
	Table                 [][]web.Cell
	Forms                 []*web.FormView
}

type pageView struct {
	Report   bool // a printable report: laid out for paper by the print CSS (event-report)
	Tools    []web.Kv
	Problems []string
	Sections []section
}

func href(id int64) string { return "/events/" + strconv.FormatInt(id, 10) }

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, title, active string, v *pageView, e *gongzhi.Error) {
	lang := web.LangOf(r)
	if e != nil {
		for _, reason := range e.Fields {
			v.Problems = append(v.Problems, web.T(lang, reason))
		}
		if len(e.Fields) == 0 {
			v.Problems = append(v.Problems, web.T(lang, e.Message))
		}
	}
	s.Render(w, r, status, "events_page", &web.Page{Title: title, Active: active, Data: v, Error: e})
}

// refusedAgain reports whether an error is one a page shows above its form again.
func refusedAgain(err error) (*gongzhi.Error, bool) {
	e := gongzhi.AsError(err)
	return e, err != nil && (e.Code == gongzhi.EINVALID || e.Code == gongzhi.ECONFLICT || e.Code == gongzhi.ETOOMANY || e.Code == gongzhi.ETOOLARGE)
}

func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(gongzhi.ChinaTime).Format("2006-01-02 15:04")
}

func stateText(lang string, e *gongzhi.Event) string {
	t := web.T(lang, "event.state."+e.State)
	if e.Overdue {
		t += " · " + web.T(lang, "event.overdue")
	}
	return t
}

func handler(lang string, e *gongzhi.Event) string {
	switch {
	case e.DepartmentName != "":
		return e.DepartmentName
	case e.InGrid:
		return web.T(lang, "event.in_grid")
	}
	return "—"
}

// ---- the list

func (s *Server) list(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, listFilters...)
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.Events))
	}
	lv := &web.ListView{Action: "/events", Q: opts.Q}
	total, err := s.svc.Events(r.Context(), ac, opts, func(e *gongzhi.Event) error {
		st := web.Cell{Text: stateText(lang, e), Class: "ev-state s-" + e.State}
		if e.Overdue {
			st.Class += " overdue"
		}
		esc := "—"
		if e.Escalation > 0 {
			esc = web.T(lang, fmt.Sprintf("event.escalation.%d", e.Escalation))
		}
		lv.Rows = append(lv.Rows, []web.Cell{{Text: "#" + strconv.FormatInt(e.ID, 10), Href: href(e.ID)}, {Text: e.Title, Href: href(e.ID)},
			{Text: e.CategoryName}, {Text: web.T(lang, "event.urgency."+e.Urgency)}, {Text: e.CommunityName + " " + e.GridName}, {Text: handler(lang, e)}, st,
			{Text: when(e.StepDueAt)}, {Text: esc}, {Text: when(e.CreatedAt)}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	web.PageLinks(r, lv, []web.ColDef{{Label: "#"}, {Label: web.T(lang, "event.title"), Sort: "title"}, {Label: web.T(lang, "event.category")},
		{Label: web.T(lang, "event.urgency")}, {Label: web.T(lang, "event.place")}, {Label: web.T(lang, "event.handler")},
		{Label: web.T(lang, "event.state"), Sort: "state"}, {Label: web.T(lang, "event.step_due"), Sort: "step_due_at"},
		{Label: web.T(lang, "event.escalation")}, {Label: web.T(lang, "event.reported_at"), Sort: "created_at"}}, opts.Limit)
	cats, err := s.svc.Categories(r.Context(), false)
	if err != nil {
		return err
	}
	copts := []web.Option{{Value: "", Label: web.T(lang, "list.all")}}
	for _, c := range cats {
		copts = append(copts, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
	}
	states := append([]web.Option{{Value: "", Label: web.T(lang, "list.all")}, {Value: "open", Label: web.T(lang, "event.state.open")}},
		web.EnumOptions(lang, "event.state", gongzhi.EventStates, false)...)
	lv.Filters = []web.Field{
		web.FilterSelect(r, "state", web.T(lang, "event.state"), states),
		web.FilterSelect(r, "category", web.T(lang, "event.category"), copts),
		web.FilterSelect(r, "source", web.T(lang, "event.source"), web.EnumOptions(lang, "event.source", gongzhi.EventSources, true)),
		web.FilterSelect(r, "overdue", web.T(lang, "event.overdue"), []web.Option{{Value: "", Label: web.T(lang, "list.all")}, {Value: "1", Label: web.T(lang, "event.overdue_only")}}),
		web.FilterSelect(r, "escalated", web.T(lang, "event.escalation"), []web.Option{{Value: "", Label: web.T(lang, "list.all")}, {Value: "1", Label: web.T(lang, "event.escalated_only")}}),
	}
	if events.MayCollectEvents(ac) {
		lv.NewURL = "/events/new"
	}
	if events.MayImportHotline(ac) {
		lv.ImportURL = "/events/import"
	}
	s.Render(w, r, http.StatusOK, "list", &web.Page{Title: web.T(lang, "event.title_list"), Active: "/events", Data: lv})
	return nil
}

// ---- reporting (staff and signed-in residents)

func (s *Server) newForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderNew(w, r, http.StatusOK, nil)
}

func (s *Server) renderNew(w http.ResponseWriter, r *http.Request, status int, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !events.MayCollectEvents(ac) {
		return gongzhi.Forbidden()
	}
	f, err := s.reportForm(r, "/events", e, !events.ReportsAsResident(ac))
	if err != nil {
		return err
	}
	v := &pageView{Tools: []web.Kv{{Label: web.T(lang, "event.back"), Href: "/events"}}, Sections: []section{{Forms: []*web.FormView{f}}}}
	s.render(w, r, status, web.T(lang, "event.new"), "/events", v, e)
	return nil
}

// reportForm is the form of a report: staff choose the source and may name a household; the
// place is a grid or a community.
func (s *Server) reportForm(r *http.Request, action string, e *gongzhi.Error, staff bool) (*web.FormView, error) {
	lang, ctx := web.LangOf(r), r.Context()
	errs := map[string]string{}
	if e != nil {
		for k, v := range e.Fields {
			errs[k] = web.T(lang, v)
		}
	}
	val := func(k string) string {
		if e == nil {
			return r.URL.Query().Get(k)
		}
		return r.FormValue(k)
	}
	cats, err := s.svc.Categories(ctx, true)
	if err != nil {
		return nil, err
	}
	copts := []web.Option{{Value: "", Label: "—"}}
	for _, c := range cats {
		copts = append(copts, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
	}
	var comms, grids []web.Option
	comms = append(comms, web.Option{Value: "", Label: "—"})
	grids = append(grids, web.Option{Value: "", Label: "—"})
	if staff {
		if _, err := s.svc.Places(ctx, web.ActorOf(r), gongzhi.ListOptions{Filters: map[string]string{"level": "5"}}, func(p *gongzhi.Place) error {
			comms = append(comms, web.Option{Value: p.Code, Label: p.Name})
			return nil
		}); err != nil {
			return nil, err
		}
		if _, err := s.svc.Grids(ctx, web.ActorOf(r), gongzhi.ListOptions{Filters: map[string]string{}, Limit: 500}, func(g *gongzhi.Grid) error {
			grids = append(grids, web.Option{Value: strconv.FormatInt(g.ID, 10), Label: g.CommunityName + " " + g.Name})
			return nil
		}); err != nil {
			return nil, err
		}
	} else {
		if _, err := s.svc.PublicPlaces(ctx, "", gongzhi.ListOptions{Filters: map[string]string{"level": "5"}, Limit: 500}, func(p *gongzhi.Place) error {
			comms = append(comms, web.Option{Value: p.Code, Label: p.Name})
			return nil
		}); err != nil {
			return nil, err
		}
	}
	fields := []web.Field{}
	if staff {
		srcs := []web.Option{}
		for _, x := range []string{gongzhi.SourcePatrol, gongzhi.SourcePhone, gongzhi.SourceHotline, gongzhi.SourceTopic} {
			srcs = append(srcs, web.Option{Value: x, Label: web.T(lang, "event.source."+x)})
		}
		fields = append(fields, web.Field{Name: "source", Label: web.T(lang, "event.source"), Type: "select", Options: srcs, Value: val("source"), Error: errs["source"]},
			web.Field{Name: "source_ref", Label: web.T(lang, "event.source_ref"), Type: "text", Value: val("source_ref"), Error: errs["source_ref"], Help: web.T(lang, "event.source_ref_help")})
	}
	fields = append(fields,
		web.Field{Name: "category_id", Label: web.T(lang, "event.category"), Type: "select", Required: true, Options: copts, Value: val("category_id"), Error: errs["category_id"]},
		web.Field{Name: "title", Label: web.T(lang, "event.title"), Type: "text", Required: true, Wide: true, Value: val("title"), Error: errs["title"]},
		web.Field{Name: "description", Label: web.T(lang, "event.description"), Type: "textarea", Wide: true, Value: val("description"), Error: errs["description"]})
	if staff {
		fields = append(fields, web.Field{Name: "grid_id", Label: web.T(lang, "event.grid"), Type: "select", Options: grids, Value: val("grid_id"), Error: errs["grid_id"]},
			web.Field{Name: "household_id", Label: web.T(lang, "event.household_id"), Type: "number", Value: val("household_id"), Error: errs["household_id"]})
	}
	fields = append(fields,
		web.Field{Name: "community_code", Label: web.T(lang, "event.community"), Type: "select", Options: comms, Value: val("community_code"), Error: errs["community_code"],
			Help: web.T(lang, "event.place_help")},
		web.Field{Name: "address", Label: web.T(lang, "event.address"), Type: "text", Wide: true, Value: val("address"), Error: errs["address"]},
		web.Field{Name: "lat", Label: web.T(lang, "event.lat"), Type: "text", Value: val("lat"), Error: errs["lat"]},
		web.Field{Name: "lon", Label: web.T(lang, "event.lon"), Type: "text", Value: val("lon"), Error: errs["lon"]},
		web.Field{Name: "file", Label: web.T(lang, "event.photo"), Type: "file", Error: errs["file"], Help: web.T(lang, "event.photo_help:"+web.SizeText(s.UploadLimit(gongzhi.MaxEvidenceSize)))})
	if staff || action != "/events" {
		fields = append(fields, web.Field{Name: "reporter_name", Label: web.T(lang, "event.reporter_name"), Type: "text", Value: val("reporter_name"), Error: errs["reporter_name"]},
			web.Field{Name: "reporter_phone", Label: web.T(lang, "event.reporter_phone"), Type: "tel", Value: val("reporter_phone"), Error: errs["reporter_phone"],
				Help: web.T(lang, "event.reporter_help")})
	}
	return &web.FormView{Action: action, Submit: web.T(lang, "event.submit"), Multipart: true, Fields: fields}, nil
}

func parseCoord(v string) (*float64, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, false
	}
	return &f, true
}

// newFromForm reads a report from a page's form; bad coordinates are refused here.
func newFromForm(r *http.Request) (gongzhi.NewEvent, error) {
	n := gongzhi.NewEvent{Source: r.FormValue("source"), SourceRef: r.FormValue("source_ref"), CommunityCode: r.FormValue("community_code"),
		Address: r.FormValue("address"), Title: r.FormValue("title"), Description: r.FormValue("description"),
		ReporterName: r.FormValue("reporter_name"), ReporterPhone: strings.TrimSpace(r.FormValue("reporter_phone"))}
	n.CategoryID, _ = strconv.ParseInt(r.FormValue("category_id"), 10, 64)
	n.GridID, _ = strconv.ParseInt(r.FormValue("grid_id"), 10, 64)
	n.HouseholdID, _ = strconv.ParseInt(r.FormValue("household_id"), 10, 64)
	f := gongzhi.FieldErrors{}
	var ok bool
	if n.Lat, ok = parseCoord(r.FormValue("lat")); !ok {
		f.Add("lat", "event.lat_range")
	}
	if n.Lon, ok = parseCoord(r.FormValue("lon")); !ok {
		f.Add("lon", "event.lon_range")
	}
	return n, f.Err()
}

// photoExts are the pictures an event takes (gongzhi.EvidenceExts without the PDF).
var photoExts = []string{".jpg", ".jpeg", ".png", ".gif", ".webp"}

// receivePhoto stores the request's optional "file" as a photo: a picture by its extension and
// bytes, at most MaxEvidenceSize. No file is no photo.
func (s *Server) receivePhoto(w http.ResponseWriter, r *http.Request) ([]events.Photo, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, nil
	}
	if r.MultipartForm != nil && len(r.MultipartForm.File["file"]) == 0 && !web.UploadCut(r) {
		return nil, nil
	}
	up, err := s.ReceiveUpload(w, r, s.UploadLimit(gongzhi.MaxEvidenceSize), func(name string) bool {
		return slices.Contains(photoExts, strings.ToLower(filepath.Ext(name)))
	}, "event.photo_type")
	if err != nil {
		if e := gongzhi.AsError(err); e.Code == gongzhi.EINVALID && e.Fields["file"] == "err.no_file" {
			return nil, nil
		}
		return nil, err
	}
	if !strings.HasPrefix(up.ContentType, "image/") {
		return nil, gongzhi.Invalid("file", "event.photo_type")
	}
	return []events.Photo{{SHA256: up.SHA256, Name: up.Name, ContentType: up.ContentType, Size: up.Size}}, nil
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) error {
	ac, ctx := web.ActorOf(r), r.Context()
	var n gongzhi.NewEvent
	var err error
	var photos []events.Photo
	if web.IsAPIPath(r) {
		err = s.Decode(w, r, &n)
	} else {
		if photos, err = s.receivePhoto(w, r); err == nil {
			n, err = newFromForm(r)
		}
	}
	var e *gongzhi.Event
	if err == nil {
		if n.Source == "" && !events.ReportsAsResident(ac) {
			n.Source = gongzhi.SourcePatrol
		}
		e, err = s.svc.ReportEvent(ctx, ac, n, photos)
	}
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, receipt{ID: e.ID, Code: e.Code, State: e.State})
		return nil
	}
	if fe, again := refusedAgain(err); again {
		return s.renderNew(w, r, web.StatusOf[fe.Code], fe)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, href(e.ID), web.T(web.LangOf(r), "event.reported_flash:"+e.Code))
}

// ---- an event

func (s *Server) detail(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		e, err := s.svc.Event(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, e)
		return nil
	}
	return s.renderDetail(w, r, id, http.StatusOK, nil)
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	st, err := s.svc.EventHistory(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	lang := web.LangOf(r)
	for i := range st {
		st[i].Note.Text = web.NoteText(lang, st[i].Note)
	}
	if st == nil {
		st = []gongzhi.EventStep{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.EventStep]{Items: st})
	return nil
}

func duration(lang string, secs int64) string {
	d := time.Duration(secs) * time.Second
	if d >= 24*time.Hour {
		return web.T(lang, fmt.Sprintf("event.days:%.1f", d.Hours()/24))
	}
	return web.T(lang, fmt.Sprintf("event.hours:%.1f", d.Hours()))
}

func (s *Server) renderDetail(w http.ResponseWriter, r *http.Request, id int64, status int, fe *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	e, err := s.svc.Event(ctx, ac, id)
	if err != nil {
		return err
	}
	dept, err := s.svc.DepartmentOf(ctx, ac)
	if err != nil {
		return err
	}
	base := href(id)
	rows := []web.Kv{
		{Label: web.T(lang, "event.state"), Value: stateText(lang, e)},
		{Label: web.T(lang, "event.category"), Value: e.CategoryName + " · " + web.T(lang, "event.urgency."+e.Urgency)},
		{Label: web.T(lang, "event.source"), Value: web.T(lang, "event.source."+e.Source) + strings.TrimSpace(" "+e.SourceRef)},
		{Label: web.T(lang, "event.place"), Value: strings.TrimSpace(e.CommunityName + " " + e.GridName + " " + e.Address)},
	}
	if s.svc.SourceHref != nil {
		if h := s.svc.SourceHref(ac, e); h != "" { // a household visit's finding, say: back to it
			rows[2].Value, rows[2].Href = web.T(lang, "event.source."+e.Source), h
		}
	}
	if e.Lat != nil && e.Lon != nil {
		rows = append(rows, web.Kv{Label: web.T(lang, "event.coordinates"), Value: fmt.Sprintf("%.6f, %.6f", *e.Lat, *e.Lon)})
	}
	if e.Description != "" {
		rows = append(rows, web.Kv{Label: web.T(lang, "event.description"), Value: e.Description})
	}
	if e.MediaURL != "" {
		rows = append(rows, web.Kv{Label: web.T(lang, "event.media_url"), Value: e.MediaURL})
	}
	if e.ReporterName != "" || e.ReporterPhone != "" {
		rows = append(rows, web.Kv{Label: web.T(lang, "event.reporter"), Value: strings.TrimSpace(e.ReporterName + " " + e.ReporterPhone)})
	}
	rows = append(rows, web.Kv{Label: web.T(lang, "event.handler"), Value: handler(lang, e)})
	if gongzhi.EventOpen(e.State) {
		rows = append(rows, web.Kv{Label: web.T(lang, "event.step_due"), Value: when(e.StepDueAt)})
	}
	if !e.DueAt.IsZero() {
		rows = append(rows, web.Kv{Label: web.T(lang, "event.due"), Value: when(e.DueAt)})
	}
	if e.Escalation > 0 {
		rows = append(rows, web.Kv{Label: web.T(lang, "event.escalation"), Value: web.T(lang, fmt.Sprintf("event.escalation.%d", e.Escalation)) + " · " + when(e.EscalatedAt)})
	}
	if e.Returns > 0 || e.Reopens > 0 {
		rows = append(rows, web.Kv{Label: web.T(lang, "event.returns"), Value: web.T(lang, fmt.Sprintf("event.returns_text:%d", e.Returns)) + " · " +
			web.T(lang, fmt.Sprintf("event.reopens_text:%d", e.Reopens))})
	}
	if e.Rating > 0 {
		rows = append(rows, web.Kv{Label: web.T(lang, "event.rating"), Value: strings.Repeat("★", e.Rating) + " " + e.RatingComment})
	}
	main := section{Rows: rows}
	if e.Code != "" {
		main.Intro = web.T(lang, "event.code_is:"+e.Code)
	}
	for _, f := range e.Files {
		main.Photos = append(main.Photos, base+"/photos/"+f.SHA256)
	}
	v := &pageView{Tools: []web.Kv{{Label: web.T(lang, "event.back"), Href: "/events"}}, Sections: []section{main}}
	var forms []*web.FormView
	reason := func(label string, required bool) web.Field {
		return web.Field{Name: "reason", Label: label, Type: "textarea", Wide: true, Required: required}
	}
	photo := web.Field{Name: "file", Label: web.T(lang, "event.photo"), Type: "file", Help: web.T(lang, "event.photo_help:"+web.SizeText(s.UploadLimit(gongzhi.MaxEvidenceSize)))}
	switch {
	case e.State == gongzhi.EventCollected && events.MayRegisterEvents(ac):
		forms = append(forms, &web.FormView{Action: base + "/register", Submit: web.T(lang, "event.do.register"), Fields: []web.Field{reason(web.T(lang, "event.note"), false)}},
			&web.FormView{Action: base + "/reject", Submit: web.T(lang, "event.do.reject"), Fields: []web.Field{reason(web.T(lang, "event.reject_reason"), true)}})
	case e.State == gongzhi.EventRegistered && events.MayDispatchEvents(ac):
		depts, err := s.svc.Departments(ctx, ac)
		if err != nil {
			return err
		}
		opts, responsible := []web.Option{}, categoryDept(ctx, s, e.CategoryID)
		for _, d := range depts {
			if d.ID == responsible || slices.Contains(d.Categories, e.CategoryID) {
				opts = append(opts, web.Option{Value: strconv.FormatInt(d.ID, 10), Label: d.Name})
			}
		}
		opts = append(opts, web.Option{Value: "grid", Label: web.T(lang, "event.in_grid")})
		forms = append(forms, &web.FormView{Action: base + "/dispatch", Submit: web.T(lang, "event.do.dispatch"), Fields: []web.Field{
			{Name: "department_id", Label: web.T(lang, "event.department"), Type: "select", Options: opts, Required: true},
			reason(web.T(lang, "event.note"), false)}})
	case events.MayHandleEvent(ac, dept, e):
		forms = append(forms, &web.FormView{Action: base + "/handle", Submit: web.T(lang, "event.do.handle"), Multipart: true, Fields: []web.Field{
			reason(web.T(lang, "event.result"), true), photo}})
		if events.MayReturnEvent(ac, dept, e) {
			forms = append(forms, &web.FormView{Action: base + "/return", Submit: web.T(lang, "event.do.return"), Fields: []web.Field{reason(web.T(lang, "event.return_reason"), true)}})
		}
	case e.State == gongzhi.EventHandled && events.MayVerifyEvents(ac):
		forms = append(forms, &web.FormView{Action: base + "/verify", Submit: web.T(lang, "event.do.verify"), Multipart: true, Fields: []web.Field{
			{Name: "solved", Label: web.T(lang, "event.solved"), Type: "select", Options: []web.Option{{Value: "true", Label: web.T(lang, "event.solved_yes")},
				{Value: "false", Label: web.T(lang, "event.solved_no")}}},
			reason(web.T(lang, "event.note"), false), photo}})
	case e.State == gongzhi.EventVerified && events.MayCloseEvents(ac):
		forms = append(forms, &web.FormView{Action: base + "/close", Submit: web.T(lang, "event.do.close"), Fields: []web.Field{reason(web.T(lang, "event.note"), false)}})
	case e.State == gongzhi.EventClosed && e.Rating == 0 && ac.Has(gongzhi.RoleResident):
		ok, err := s.svc.MayRate(ctx, ac, e)
		if err != nil {
			return err
		}
		if ok {
			forms = append(forms, rateForm(lang, base+"/rate", ""))
		}
	}
	if len(forms) > 0 {
		v.Sections = append(v.Sections, section{ID: "next-step", Title: web.T(lang, "event.next_step"), Forms: forms})
	}
	if events.MayReadEventHistory(ac) {
		hist, err := s.svc.EventHistory(ctx, ac, id)
		if err != nil {
			return err
		}
		v.Sections = append(v.Sections, historySection(lang, hist))
	}
	s.render(w, r, status, "#"+strconv.FormatInt(e.ID, 10)+" "+e.Title, "/events", v, fe)
	return nil
}

func categoryDept(ctx context.Context, s *Server, catID int64) int64 {
	c, err := s.svc.Category(ctx, catID, "")
	if err != nil {
		return 0
	}
	return c.DepartmentID
}

func rateForm(lang, action, code string) *web.FormView {
	f := &web.FormView{Action: action, Submit: web.T(lang, "event.do.rate"), Fields: []web.Field{
		{Name: "rating", Label: web.T(lang, "event.rating"), Type: "select", Required: true, Options: []web.Option{{Value: "5", Label: "★★★★★"},
			{Value: "4", Label: "★★★★"}, {Value: "3", Label: "★★★"}, {Value: "2", Label: "★★"}, {Value: "1", Label: "★"}}},
		{Name: "comment", Label: web.T(lang, "event.comment"), Type: "textarea", Wide: true}}}
	if code != "" {
		f.Fields = append(f.Fields, web.Field{Name: "code", Type: "hidden", Value: code})
	}
	return f
}

func historySection(lang string, hist []gongzhi.EventStep) section {
	sec := section{Title: web.T(lang, "event.history"), Cols: []string{web.T(lang, "event.when"), web.T(lang, "event.step"), web.T(lang, "event.by"),
		web.T(lang, "event.took"), web.T(lang, "event.note")}}
	for _, h := range hist {
		took := "—"
		if h.Seconds > 0 {
			took = duration(lang, h.Seconds)
			if !h.OnTime {
				took += " · " + web.T(lang, "event.late")
			}
		}
		by := h.Username
		if h.Role != "" {
			by = strings.TrimSpace(by + " " + web.T(lang, "role.short."+h.Role))
		}
		sec.Table = append(sec.Table, []web.Cell{{Text: when(h.At)}, {Text: web.T(lang, "event.action."+h.Action)}, {Text: by}, {Text: took},
			{Text: web.NoteText(lang, h.Note)}})
	}
	return sec
}

func (s *Server) photo(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	f, err := s.svc.EventPhoto(r.Context(), web.ActorOf(r), id, r.PathValue("sum"))
	if err != nil {
		return err
	}
	fh, err := s.Files.Open(f.SHA256)
	if err != nil {
		return gongzhi.NotFound()
	}
	defer fh.Close()
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", f.At, fh)
	return nil
}

// move takes a step of the workflow: the same handler for the page's forms and the API.
func (s *Server) move(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	step := r.PathValue("step")
	if !slices.Contains(steps, step) {
		return gongzhi.NotFound()
	}
	ac, ctx := web.ActorOf(r), r.Context()
	var req stepRequest
	var photos []events.Photo
	if web.IsAPIPath(r) && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if r.ContentLength != 0 {
			err = s.Decode(w, r, &req)
		}
	} else {
		if photos, err = s.receivePhoto(w, r); err == nil {
			req.Reason, req.Comment = r.FormValue("reason"), r.FormValue("comment")
			if d := r.FormValue("department_id"); d == "grid" {
				req.InGrid = true
			} else {
				req.DepartmentID, _ = strconv.ParseInt(d, 10, 64)
			}
			if v := r.FormValue("in_grid"); v == "true" {
				req.InGrid = true
			}
			if v := r.FormValue("solved"); v != "" {
				b := v == "true"
				req.Solved = &b
			}
			req.Rating, _ = strconv.Atoi(r.FormValue("rating"))
		}
	}
	var e *gongzhi.Event
	if err == nil {
		switch step {
		case "register":
			e, err = s.svc.Register(ctx, ac, id, req.Reason)
		case "reject":
			e, err = s.svc.Reject(ctx, ac, id, req.Reason)
		case "dispatch":
			e, err = s.svc.Dispatch(ctx, ac, id, req.DepartmentID, req.InGrid, req.Reason)
		case "return":
			e, err = s.svc.SendBack(ctx, ac, id, req.Reason)
		case "handle":
			e, err = s.svc.Handle(ctx, ac, id, req.Reason, photos)
		case "verify":
			solved := req.Solved == nil || *req.Solved
			e, err = s.svc.Verify(ctx, ac, id, solved, req.Reason, photos)
		case "close":
			e, err = s.svc.Close(ctx, ac, id, req.Reason)
		case "rate":
			if err = s.svc.Rate(ctx, ac, id, req.Rating, req.Comment); err == nil {
				e, err = s.svc.Event(ctx, ac, id)
			}
		}
	}
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, e)
		return nil
	}
	if fe, again := refusedAgain(err); again {
		return s.renderDetail(w, r, id, web.StatusOf[fe.Code], fe)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, href(id), web.T(web.LangOf(r), "event.flash."+step))
}
