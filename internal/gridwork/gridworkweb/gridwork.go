// Grid work: the routes, the API documentation and the handlers. The same handlers answer the
// pages and the JSON API where they can.

package gridworkweb

import (
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/gridwork"
	"gongzhi/internal/web"
)

func (s *Server) routes() {
	s.Handle("GET /gridwork", web.Changed, s.index)
	s.Handle("GET /gridwork/map", web.Changed, s.mapPage)
	s.Handle("POST /gridwork/boundaries", web.Changed, s.importBoundaries)
	s.Handle("GET /gridwork/grids/{id}", web.Changed, s.grid)
	s.Handle("POST /gridwork/grids/{id}/members", web.Changed, s.addMember)
	s.Handle("POST /gridwork/members/{id}/delete", web.Changed, s.removeMember)
	s.Handle("POST /gridwork/grids/{id}/duties", web.Changed, s.addDuty)
	s.Handle("POST /gridwork/duties/{id}/delete", web.Changed, s.removeDuty)
	s.Handle("GET /gridwork/grids/{id}/plan", web.Changed, s.plan)
	s.Handle("GET /gridwork/grids/{id}/pick", web.Changed, s.pick)
	s.Handle("GET /gridwork/overdue", web.Changed, s.overdue)
	s.Handle("GET /gridwork/visits/new", web.Changed, s.visitForm)
	s.Handle("POST /gridwork/visits", web.Changed, s.recordVisit)
	s.Handle("GET /gridwork/visits/{id}", web.Changed, s.visit)
	s.Handle("GET /gridwork/visits/{id}/photo", web.Changed, s.photo)
	s.Handle("POST /gridwork/findings/{id}/need", web.Changed, s.findingToNeed)
	s.Handle("POST /gridwork/findings/{id}/event", web.Changed, s.findingToEvent)

	s.Api("GET /api/v1/gridwork/rates", s.apiRates)
	s.Api("GET /api/v1/gridwork/map", s.apiMap)
	s.Api("POST /api/v1/gridwork/boundaries", s.importBoundaries)
	s.Api("GET /api/v1/gridwork/grids/{id}", s.grid)
	s.Api("POST /api/v1/gridwork/grids/{id}/members", s.addMember)
	s.Api("DELETE /api/v1/gridwork/members/{id}", s.removeMember)
	s.Api("POST /api/v1/gridwork/grids/{id}/duties", s.addDuty)
	s.Api("DELETE /api/v1/gridwork/duties/{id}", s.removeDuty)
	s.Api("GET /api/v1/gridwork/grids/{id}/plan", s.plan)
	s.Api("GET /api/v1/gridwork/overdue", s.overdue)
	s.Api("GET /api/v1/gridwork/visits", s.apiVisits)
	s.Api("POST /api/v1/gridwork/visits", s.recordVisit)
	s.Api("POST /api/v1/gridwork/photos", s.apiPhoto)
	s.Api("GET /api/v1/gridwork/visits/{id}", s.visit)
	s.Api("POST /api/v1/gridwork/findings/{id}/need", s.findingToNeed)
	s.Api("POST /api/v1/gridwork/findings/{id}/event", s.findingToEvent)
}

// API bodies.
type memberRequest struct {
	PersonID int64  `json:"person_id"`
	Post     string `json:"post"`
	BackupOf int64  `json:"backup_of"`
}

type dutyRequest struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Post   string `json:"post"`
}

type findingRequest struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
}

type visitRequest struct {
	HouseholdID int64            `json:"household_id"`
	VisitedOn   string           `json:"visited_on"`
	PeopleMet   []int64          `json:"people_met"`
	Situation   string           `json:"situation"`
	Photo       string           `json:"photo"` // SHA-256 of a photo uploaded to /api/v1/gridwork/photos
	Findings    []findingRequest `json:"findings"`
	// EventCategory, if set, reports the first finding as a grid event of that category in the
	// visit's own transaction; the answer's finding then carries its event_id.
	EventCategory string `json:"event_category"`
}

// visitForm is the phone form of a visit: one finding, people met as chosen, a photo as a file.
type visitForm struct {
	HouseholdID int64    `json:"household_id"`
	VisitedOn   string   `json:"visited_on"`
	PeopleMet   []string `json:"people_met"`
	Situation   string   `json:"situation"`
	FindingKind string   `json:"finding_kind"`
	Finding     string   `json:"finding"`
	// EventCategory, if set, reports the finding as a grid event of that category in the
	// visit's own transaction (gridwork.Service.RecordVisitEvent).
	EventCategory string `json:"event_category"`
	Then          string `json:"then"`
}

// geoJSON documents the boundaries' body: a GeoJSON FeatureCollection of Polygons.
type geoJSON struct {
	Type     string `json:"type"` // FeatureCollection
	Features []struct {
		Type       string            `json:"type"` // Feature
		Properties map[string]string `json:"properties"`
		Geometry   struct {
			Type        string         `json:"type"` // Polygon
			Coordinates [][][2]float64 `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

type imported struct {
	Grids int `json:"grids"`
}

type photoAnswer struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

func apiDocs() map[string]web.ApiDoc {
	return map[string]web.ApiDoc{
		"GET /api/v1/gridwork/rates": {Summary: "Visit figures of a quarter per grid, community and in total under a place (query place, period such as 2026Q4)",
			Resp: gridwork.VisitRates{}, Filters: []string{"place", "period"}},
		"GET /api/v1/gridwork/map": {Summary: "The grids under a place with their boundaries and this quarter's visit figures (query place)",
			Resp: gridwork.Map{}, Filters: []string{"place"}},
		"POST /api/v1/gridwork/boundaries": {Summary: "Import grid boundaries of a place (query place) from a GeoJSON FeatureCollection of Polygons, properties grid_code " +
			"(and community_code above a community), all or nothing; bad geometry is refused naming the feature (community staff, purchasers)",
			Req: geoJSON{}, Resp: imported{}, Filters: []string{"place"}},
		"GET /api/v1/gridwork/grids/{id}": {Summary: "A grid's page: its team, responsibility list, this quarter's visit figures and (for those who read visits) its households with their last visit",
			Resp: gridwork.GridPage{}},
		"POST /api/v1/gridwork/grids/{id}/members": {Summary: "Put a person of the registry on the grid's team in a post, standing in for another member (A/B post) if backup_of is set, once (community staff)",
			Req: memberRequest{}, Resp: gongzhi.GridMember{}, Status: http.StatusCreated},
		"DELETE /api/v1/gridwork/members/{id}":    {Summary: "Take a member off its grid's team (community staff)"},
		"POST /api/v1/gridwork/grids/{id}/duties": {Summary: "Add a line to the grid's responsibility list (community staff)", Req: dutyRequest{}, Resp: gongzhi.GridDuty{}, Status: http.StatusCreated},
		"DELETE /api/v1/gridwork/duties/{id}":     {Summary: "Remove a line of a grid's responsibility list (community staff)"},
		"GET /api/v1/gridwork/grids/{id}/plan": {Summary: "The grid's visit plan for a quarter (query period): every household once, a vulnerable one every month, with the visits made",
			Resp: gridwork.VisitPlan{}, Filters: []string{"period"}},
		"GET /api/v1/gridwork/overdue": {Summary: "Households overdue for a visit: of the caller's own grids, or of one grid (query grid)",
			Resp: web.ItemsOf[gongzhi.HouseholdVisitState]{}, Filters: []string{"grid"}},
		"GET /api/v1/gridwork/visits": {Summary: "Visits, the latest first (query grid, household)", Resp: web.ItemsOf[gongzhi.Visit]{}, Filters: []string{"grid", "household"}},
		"POST /api/v1/gridwork/visits": {Summary: "Record a household visit: the people met of the household, the situation, findings and a photo uploaded before (grid workers, community staff)",
			Req: visitRequest{}, Resp: gongzhi.Visit{}, Status: http.StatusCreated},
		"POST /api/v1/gridwork/photos":     {Summary: "Upload a visit's photo (an image, at most 10 MiB); answers its SHA-256 for the visit", Upload: true, Resp: photoAnswer{}, Status: http.StatusCreated},
		"GET /api/v1/gridwork/visits/{id}": {Summary: "A visit with its findings", Resp: gongzhi.Visit{}},
		"POST /api/v1/gridwork/findings/{id}/need": {Summary: "Turn a visit's finding into a need of the household's community (source household_visit), once",
			Req: gridwork.NeedOfFinding{}, Resp: gongzhi.Need{}, Status: http.StatusCreated},
		"POST /api/v1/gridwork/findings/{id}/event": {Summary: "Turn a visit's finding into a grid event (source visit) of the visit's grid and household, once: " +
			"category_code (default livelihood for a need, other for a problem) and title (default the finding's first words); a second time answers 409",
			Req: gridwork.EventOfFinding{}, Resp: gongzhi.Event{}, Status: http.StatusCreated},
	}
}

func init() { web.AddAPIDocs(apiDocs()) }

// ---- views

type section struct {
	ID, Title, Intro string
	SVG              template.HTML
	Rows             []web.Kv
	Cols             []string
	Table            [][]web.Cell
	Buttons          []web.Kv // Href a POST action, Label its button
	Forms            []*web.FormView
}

type pageView struct {
	Links    []web.Kv
	Problems []string
	Sections []section
}

func href(prefix string, id int64) string { return prefix + strconv.FormatInt(id, 10) }

// render renders a page of sections; e is a refusal to show above them.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, title string, v *pageView, e *gongzhi.Error) error {
	lang := web.LangOf(r)
	if e != nil {
		for _, reason := range e.Fields {
			v.Problems = append(v.Problems, web.T(lang, reason))
		}
		if len(e.Fields) == 0 {
			v.Problems = append(v.Problems, web.T(lang, e.Message))
		}
	}
	s.Render(w, r, status, "gridwork_page", &web.Page{Title: title, Active: "/gridwork", Data: v, Error: e})
	return nil
}

// answer answers an action: JSON for the API, else a redirect with a flash, or the page again
// (again) for a refusal the user can fix.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error, again func(*gongzhi.Error) error, to, flash string) error {
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		if v == nil {
			w.WriteHeader(status)
			return nil
		}
		web.WriteJSON(w, status, v)
		return nil
	}
	if e := gongzhi.AsError(err); err != nil && again != nil && (e.Code == gongzhi.EINVALID || e.Code == gongzhi.ECONFLICT || e.Code == gongzhi.ETOOLARGE) {
		return again(e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, to, web.T(web.LangOf(r), flash))
}

func rateText(lang string, r gongzhi.VisitRate) string {
	return strconv.Itoa(r.Visited) + "/" + strconv.Itoa(r.Households) + " (" + pct(r) + ")"
}

func vulnerableText(lang string, r gongzhi.VisitRate) string {
	return strconv.Itoa(r.VulnerableVisited) + "/" + strconv.Itoa(r.Vulnerable)
}

func postText(lang, post string) string {
	if post == "" {
		return web.T(lang, "gridwork.post.all")
	}
	return web.T(lang, "gridwork.post."+post)
}

func postOptions(lang string, withAll bool) []web.Option {
	var out []web.Option
	if withAll {
		out = append(out, web.Option{Value: "", Label: web.T(lang, "gridwork.post.all")})
	}
	for _, p := range gongzhi.GridPosts {
		out = append(out, web.Option{Value: p, Label: web.T(lang, "gridwork.post."+p)})
	}
	return out
}

func errsOf(lang string, e *gongzhi.Error) map[string]string {
	out := map[string]string{}
	if e != nil {
		for k, v := range e.Fields {
			out[k] = web.T(lang, v)
		}
	}
	return out
}

// ---- index: the figures of the caller's place and the way to the rest

func (s *Server) index(w http.ResponseWriter, r *http.Request) error {
	return s.renderIndex(w, r, http.StatusOK, nil)
}

func (s *Server) renderIndex(w http.ResponseWriter, r *http.Request, status int, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	rates, err := s.svc.Rates(r.Context(), ac, r.URL.Query().Get("place"), r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	v := &pageView{Links: []web.Kv{{Label: web.T(lang, "gridwork.map"), Href: "/gridwork/map"}}}
	if gridwork.MayReadVisits(ac) {
		v.Links = append(v.Links, web.Kv{Label: web.T(lang, "gridwork.overdue"), Href: "/gridwork/overdue"})
	}
	tot := section{Title: web.T(lang, "gridwork.figures:"+rates.Period), Rows: []web.Kv{
		{Label: web.T(lang, "gridwork.place"), Value: rates.Total.Name},
		{Label: web.T(lang, "gridwork.rate"), Value: rateText(lang, rates.Total)},
		{Label: web.T(lang, "gridwork.vulnerable_month"), Value: vulnerableText(lang, rates.Total)},
		{Label: web.T(lang, "gridwork.visits"), Value: strconv.Itoa(rates.Total.Visits)},
	}}
	v.Sections = append(v.Sections, tot)
	cols := []string{web.T(lang, "gridwork.community"), web.T(lang, "gridwork.households"), web.T(lang, "gridwork.rate"), web.T(lang, "gridwork.vulnerable_month")}
	com := section{Title: web.T(lang, "gridwork.by_community"), Cols: cols}
	for _, c := range rates.Communities {
		com.Table = append(com.Table, []web.Cell{{Text: c.Name, Href: "/gridwork/map?place=" + c.Code}, {Text: strconv.Itoa(c.Households)},
			{Text: rateText(lang, c)}, {Text: vulnerableText(lang, c)}})
	}
	if len(rates.Communities) > 1 {
		v.Sections = append(v.Sections, com)
	}
	grid := section{Title: web.T(lang, "gridwork.by_grid"), Cols: []string{web.T(lang, "gridwork.grid"), web.T(lang, "gridwork.households"),
		web.T(lang, "gridwork.rate"), web.T(lang, "gridwork.vulnerable_month")}}
	for _, g := range rates.Grids {
		grid.Table = append(grid.Table, []web.Cell{{Text: g.Name, Href: href("/gridwork/grids/", g.GridID)}, {Text: strconv.Itoa(g.Households)},
			{Text: rateText(lang, g)}, {Text: vulnerableText(lang, g)}})
	}
	v.Sections = append(v.Sections, grid)
	if gridwork.MayImportBoundaries(ac) {
		errs := errsOf(lang, e)
		file := ""
		if e != nil {
			for k, m := range errs {
				if k != "place" {
					file += m + " "
				}
			}
		}
		v.Sections = append(v.Sections, section{Title: web.T(lang, "gridwork.import"), Forms: []*web.FormView{{
			Action: "/gridwork/boundaries", Submit: web.T(lang, "gridwork.import_submit"), Multipart: true, Intro: web.T(lang, "gridwork.import_help"),
			Fields: []web.Field{
				{Name: "place", Label: web.T(lang, "gridwork.place_code"), Type: "text", Value: ac.ScopeCode, Required: true, Error: errs["place"]},
				{Name: "file", Label: web.T(lang, "gridwork.geojson_file"), Type: "file", Required: true, Error: strings.TrimSpace(file)},
			}}}})
	}
	return s.render(w, r, status, web.T(lang, "nav.gridwork"), v, e)
}

func (s *Server) apiRates(w http.ResponseWriter, r *http.Request) error {
	rates, err := s.svc.Rates(r.Context(), web.ActorOf(r), r.URL.Query().Get("place"), r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rates)
	return nil
}

// ---- maps and boundaries

func (s *Server) mapPage(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	m, err := s.svc.GridMap(r.Context(), ac, r.URL.Query().Get("place"))
	if err != nil {
		return err
	}
	v := &pageView{Links: []web.Kv{{Label: web.T(lang, "gridwork.back"), Href: "/gridwork"}}}
	// shaded by the visit rate, or by the open events for those who read them: a choice of links
	byEvents := m.Events && r.URL.Query().Get("shade") == "events"
	intro := web.T(lang, "gridwork.map_help")
	if m.Events {
		base := "/gridwork/map?place=" + url.QueryEscape(m.Place)
		v.Links = append(v.Links, web.Kv{Label: web.T(lang, "gridwork.shade_visits"), Href: base}, web.Kv{Label: web.T(lang, "gridwork.shade_events"), Href: base + "&shade=events"})
		if byEvents {
			intro = web.T(lang, "gridwork.map_help_events")
		}
	}
	sec := section{Title: m.Name + " · " + web.T(lang, "gridwork.figures:"+m.Period), SVG: mapSVG(lang, m.Grids, byEvents), Intro: intro}
	if byEvents {
		sec.Title = m.Name + " · " + web.T(lang, "gridwork.open_events_title")
	}
	if sec.SVG == "" {
		sec.Intro = web.T(lang, "gridwork.map_empty")
	}
	v.Sections = append(v.Sections, sec, section{SVG: legendSVG(lang, byEvents)})
	if len(m.Unmapped) > 0 {
		un := section{Title: web.T(lang, "gridwork.unmapped"), Cols: []string{web.T(lang, "gridwork.grid"), web.T(lang, "gridwork.rate")}}
		for _, g := range m.Unmapped {
			un.Table = append(un.Table, []web.Cell{{Text: g.Name, Href: href("/gridwork/grids/", g.GridID)}, {Text: rateText(lang, g)}})
		}
		v.Sections = append(v.Sections, un)
	}
	return s.render(w, r, http.StatusOK, web.T(lang, "gridwork.map"), v, nil)
}

func (s *Server) apiMap(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.GridMap(r.Context(), web.ActorOf(r), r.URL.Query().Get("place"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) importBoundaries(w http.ResponseWriter, r *http.Request) error {
	ac := web.ActorOf(r)
	var data []byte
	var place string
	var err error
	if web.IsAPIPath(r) {
		place = r.URL.Query().Get("place")
		data, err = io.ReadAll(http.MaxBytesReader(w, r.Body, gridwork.MaxBoundaryFile))
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &gongzhi.Error{Code: gongzhi.ETOOLARGE, Message: "err.too_large:5 MiB"}
		} else if err != nil {
			return gongzhi.Invalid("geojson", "geo.bad_json")
		}
	} else {
		f, _, ferr := web.ImportFile(w, r, gridwork.MaxBoundaryFile)
		place = r.FormValue("place")
		if ferr != nil {
			err = ferr
		} else {
			defer f.Close()
			data, err = io.ReadAll(io.LimitReader(f, gridwork.MaxBoundaryFile+1))
		}
	}
	var n int
	if err == nil {
		n, err = s.svc.ImportBoundaries(r.Context(), ac, place, data)
	}
	return s.answer(w, r, http.StatusOK, imported{Grids: n}, err, func(e *gongzhi.Error) error { return s.renderIndex(w, r, web.StatusOf[e.Code], e) },
		"/gridwork/map?place="+url.QueryEscape(place), "gridwork.imported_flash")
}

// ---- the grid page

func (s *Server) grid(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		p, err := s.svc.GridPage(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, p)
		return nil
	}
	return s.renderGrid(w, r, http.StatusOK, id, "", nil)
}

// renderGrid shows a grid's page; form names the form a refusal e belongs to.
func (s *Server) renderGrid(w http.ResponseWriter, r *http.Request, status int, id int64, form string, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	p, err := s.svc.GridPage(ctx, ac, id)
	if err != nil {
		return err
	}
	g := p.Grid
	v := &pageView{Links: []web.Kv{{Label: web.T(lang, "gridwork.back"), Href: "/gridwork"},
		{Label: web.T(lang, "gridwork.map"), Href: "/gridwork/map?place=" + g.CommunityCode}}}
	if gridwork.MayReadVisits(ac) {
		v.Links = append(v.Links, web.Kv{Label: web.T(lang, "gridwork.plan"), Href: href("/gridwork/grids/", id) + "/plan"})
	}
	if gridwork.MayVisit(ac) {
		v.Links = append(v.Links, web.Kv{Label: web.T(lang, "gridwork.visit_new"), Href: "/gridwork/visits/new?grid=" + strconv.FormatInt(id, 10)})
	}
	sum := section{Rows: []web.Kv{
		{Label: web.T(lang, "gridwork.community"), Value: g.CommunityName},
		{Label: web.T(lang, "gridwork.grid_code"), Value: g.Code},
		{Label: web.T(lang, "gridwork.households"), Value: strconv.Itoa(g.Households)},
		{Label: web.T(lang, "gridwork.figures:"+p.Period), Value: rateText(lang, p.Rate)},
		{Label: web.T(lang, "gridwork.vulnerable_month"), Value: vulnerableText(lang, p.Rate)},
	}}
	// the registry's free text, kept readable beside the team
	if g.Leader != "" {
		sum.Rows = append(sum.Rows, web.Kv{Label: web.T(lang, "gridwork.leader_text"), Value: g.Leader + " " + g.Phone})
	}
	if g.Team != "" {
		sum.Rows = append(sum.Rows, web.Kv{Label: web.T(lang, "gridwork.team_text"), Value: g.Team})
	}
	sum.Rows = append(sum.Rows, web.Kv{Label: web.T(lang, "gridwork.registry_page"), Value: g.Name, Href: href("/grids/", id)})
	if p.Shape != nil {
		sum.SVG = mapSVG(lang, []gridwork.MapGrid{{GridShape: p.Shape, Rate: p.Rate}}, false)
	}
	v.Sections = append(v.Sections, sum)

	keep := gridwork.MayKeepGridTeams(ac)
	team := section{ID: "team", Title: web.T(lang, "gridwork.team"), Cols: []string{web.T(lang, "gridwork.person"), web.T(lang, "gridwork.post"),
		web.T(lang, "gridwork.phone"), web.T(lang, "gridwork.backup_of")}}
	for _, m := range p.Members {
		team.Table = append(team.Table, []web.Cell{{Text: m.PersonName}, {Text: postText(lang, m.Post)}, {Text: m.Phone}, {Text: m.BackupName}})
		if keep {
			team.Buttons = append(team.Buttons, web.Kv{Href: href("/gridwork/members/", m.ID) + "/delete", Label: web.T(lang, "gridwork.remove:"+m.PersonName)})
		}
	}
	if keep {
		errs := map[string]string{}
		if form == "member" {
			errs = errsOf(lang, e)
		}
		typed := strings.TrimSpace(r.FormValue("person_q"))
		matches, err := s.personMatches(r, g.CommunityCode, typed)
		if err != nil {
			return err
		}
		people := []web.Option{{Value: "", Label: web.T(lang, "gridwork.choose")}}
		for _, m := range matches {
			people = append(people, web.Option(m))
		}
		help := web.T(lang, "gridwork.person_help")
		if typed != "" && len(matches) == 0 {
			help = web.T(lang, "gridwork.person_none") + " " + help
		}
		backups := []web.Option{{Value: "", Label: web.T(lang, "gridwork.backup_none")}}
		for _, m := range p.Members {
			backups = append(backups, web.Option{Value: strconv.FormatInt(m.ID, 10), Label: m.PersonName + " · " + postText(lang, m.Post)})
		}
		team.Forms = append(team.Forms, &web.FormView{Action: href("/gridwork/grids/", id) + "/members", Submit: web.T(lang, "gridwork.member_add"), Fields: []web.Field{
			{Name: "person_id", Label: web.T(lang, "gridwork.person"), Type: "select", Options: people, Required: true, Value: r.FormValue("person_id"), Error: errs["person_id"],
				Help: help, Search: &web.FieldSearch{Name: "person_q", Value: typed, Label: web.T(lang, "gridwork.person_search"),
					Button: web.T(lang, "gridwork.person_find"), Source: href("/gridwork/grids/", id) + "/pick"}},
			{Name: "post", Label: web.T(lang, "gridwork.post"), Type: "select", Options: postOptions(lang, false), Required: true, Value: r.FormValue("post"), Error: errs["post"]},
			{Name: "backup_of", Label: web.T(lang, "gridwork.backup_of"), Type: "select", Options: backups, Value: r.FormValue("backup_of"), Error: errs["backup_of"],
				Help: web.T(lang, "gridwork.backup_help")},
		}})
	}
	v.Sections = append(v.Sections, team)

	duties := section{ID: "duties", Title: web.T(lang, "gridwork.duties"), Cols: []string{web.T(lang, "gridwork.duty"), web.T(lang, "gridwork.duty_detail"), web.T(lang, "gridwork.post")}}
	for _, d := range p.Duties {
		duties.Table = append(duties.Table, []web.Cell{{Text: d.Title}, {Text: d.Detail}, {Text: postText(lang, d.Post)}})
		if keep {
			duties.Buttons = append(duties.Buttons, web.Kv{Href: href("/gridwork/duties/", d.ID) + "/delete", Label: web.T(lang, "gridwork.remove:"+d.Title)})
		}
	}
	if keep {
		errs := map[string]string{}
		if form == "duty" {
			errs = errsOf(lang, e)
		}
		duties.Forms = append(duties.Forms, &web.FormView{Action: href("/gridwork/grids/", id) + "/duties", Submit: web.T(lang, "gridwork.duty_add"), Fields: []web.Field{
			{Name: "title", Label: web.T(lang, "gridwork.duty"), Type: "text", Required: true, Value: r.FormValue("title"), Error: errs["title"]},
			{Name: "detail", Label: web.T(lang, "gridwork.duty_detail"), Type: "textarea", Value: r.FormValue("detail"), Error: errs["detail"], Wide: true},
			{Name: "post", Label: web.T(lang, "gridwork.post"), Type: "select", Options: postOptions(lang, true), Value: r.FormValue("post"), Error: errs["post"]},
		}})
	}
	v.Sections = append(v.Sections, duties)

	if ev := p.Events; ev != nil {
		gid := strconv.FormatInt(id, 10)
		sec := section{ID: "events", Title: web.T(lang, "gridwork.events"), Rows: []web.Kv{
			{Label: web.T(lang, "gridwork.events_open"), Value: strconv.Itoa(ev.Open), Href: "/events?grid=" + gid + "&state=open"},
			{Label: web.T(lang, "gridwork.events_overdue"), Value: strconv.Itoa(ev.Overdue), Href: "/events?grid=" + gid + "&overdue=1"},
		}, Cols: []string{web.T(lang, "gridwork.event_title"), web.T(lang, "gridwork.event_category"), web.T(lang, "gridwork.event_state"),
			web.T(lang, "gridwork.event_reported")}}
		for _, e := range ev.Latest {
			state := web.T(lang, "event.state."+e.State)
			if e.Overdue {
				state += " · " + web.T(lang, "event.overdue")
			}
			sec.Table = append(sec.Table, []web.Cell{{Text: e.Title, Href: "/events/" + strconv.FormatInt(e.ID, 10)}, {Text: e.CategoryName},
				{Text: state}, {Text: e.CreatedAt.In(gongzhi.ChinaTime).Format(time.DateOnly)}})
		}
		v.Sections = append(v.Sections, sec)
	}

	if gridwork.MayReadVisits(ac) {
		hs := section{ID: "households", Title: web.T(lang, "gridwork.households"), Cols: householdCols(lang)}
		for _, h := range p.Households {
			hs.Table = append(hs.Table, householdRow(lang, h, gridwork.MayVisit(ac)))
		}
		v.Sections = append(v.Sections, hs)
		visits, err := s.svc.Visits(ctx, ac, gridwork.VisitFilter{GridID: id, Limit: 20})
		if err != nil {
			return err
		}
		v.Sections = append(v.Sections, visitsSection(lang, web.T(lang, "gridwork.recent_visits"), visits))
	}
	return s.render(w, r, status, g.Name, v, e)
}

func householdCols(lang string) []string {
	return []string{web.T(lang, "gridwork.address"), web.T(lang, "gridwork.head"), web.T(lang, "gridwork.last_visit"), web.T(lang, "gridwork.due_on"),
		web.T(lang, "gridwork.state")}
}

func householdRow(lang string, h *gongzhi.HouseholdVisitState, mayVisit bool) []web.Cell {
	state := web.T(lang, "gridwork.state.ok")
	class := ""
	if h.Overdue {
		state, class = web.T(lang, "gridwork.state.overdue"), "warn"
	}
	if h.Vulnerable {
		state += " · " + web.T(lang, "gridwork.vulnerable")
	}
	last, due := h.LastVisit, h.DueOn
	if last == "" {
		last, due = web.T(lang, "gridwork.never"), web.T(lang, "gridwork.now")
	}
	addr := web.Cell{Text: h.Address}
	if mayVisit {
		addr.Href = "/gridwork/visits/new?household=" + strconv.FormatInt(h.HouseholdID, 10)
	}
	return []web.Cell{addr, {Text: h.HeadName}, {Text: last}, {Text: due}, {Text: state, Class: class}}
}

func visitsSection(lang, title string, visits []*gongzhi.Visit) section {
	sec := section{Title: title, Cols: []string{web.T(lang, "gridwork.visited_on"), web.T(lang, "gridwork.address"), web.T(lang, "gridwork.situation"),
		web.T(lang, "gridwork.recorded_by")}}
	for _, vi := range visits {
		sec.Table = append(sec.Table, []web.Cell{{Text: vi.VisitedOn, Href: href("/gridwork/visits/", vi.ID)}, {Text: vi.Address},
			{Text: web.TruncateRunes(vi.Situation, 40)}, {Text: vi.RecordedName}})
	}
	return sec
}

// memberPickMax is how many people the team form's choice lists: those the search box finds, by
// name first (a community has thousands of residents; listing them all cost a page render 24 ms
// of processor time at city scale and still left most of them out).
const memberPickMax = 30

// personMatches are the people of a community whose name, pinyin or whole ID number matches q
// (the first ones by name when q is empty), as choices for a grid's team.
func (s *Server) personMatches(r *http.Request, community, q string) ([]web.PickOption, error) {
	lang, out := web.LangOf(r), []web.PickOption{}
	_, err := s.svc.People(r.Context(), web.ActorOf(r), gongzhi.ListOptions{Q: web.TruncateRunes(q, 100),
		Filters: map[string]string{"place": community}, Limit: memberPickMax, Sort: "name", NoCount: true},
		func(pe *gongzhi.Person) error {
			out = append(out, web.PickOption{Value: strconv.FormatInt(pe.ID, 10), Label: pe.Name + " · " + web.T(lang, "person.kind."+pe.Kind)})
			return nil
		})
	return out, err
}

// pick answers the team form's search box as one types: the people of the grid's community that
// match q, as JSON options (community staff who keep the grid's team).
func (s *Server) pick(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac := web.ActorOf(r)
	if !gridwork.MayKeepGridTeams(ac) {
		return gongzhi.Forbidden()
	}
	g, err := s.svc.Grid(r.Context(), ac, id)
	if err != nil {
		return err
	}
	out, err := s.personMatches(r, g.CommunityCode, strings.TrimSpace(r.URL.Query().Get("q")))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.Refreshing(r) { // the search box's button: the page again, its choices narrowed
		return s.renderGrid(w, r, http.StatusOK, id, "", nil)
	}
	var req memberRequest
	var m *gongzhi.GridMember
	if err = s.Decode(w, r, &req); err == nil {
		m = &gongzhi.GridMember{GridID: id, PersonID: req.PersonID, Post: req.Post, BackupOf: req.BackupOf}
		err = s.svc.AddMember(r.Context(), web.ActorOf(r), m)
	}
	return s.answer(w, r, http.StatusCreated, m, err, func(e *gongzhi.Error) error { return s.renderGrid(w, r, web.StatusOf[e.Code], id, "member", e) },
		href("/gridwork/grids/", id)+"#team", "gridwork.member_added")
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac := web.ActorOf(r)
	back := "/gridwork"
	if m, gerr := s.svc.DB.Q().GetGridMember(r.Context(), id); gerr == nil {
		back = href("/gridwork/grids/", m.GridID) + "#team"
	}
	err = s.svc.RemoveMember(r.Context(), ac, id)
	return s.answer(w, r, http.StatusNoContent, nil, err, nil, back, "gridwork.member_removed")
}

func (s *Server) addDuty(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req dutyRequest
	var d *gongzhi.GridDuty
	if err = s.Decode(w, r, &req); err == nil {
		d = &gongzhi.GridDuty{GridID: id, Title: req.Title, Detail: req.Detail, Post: req.Post}
		err = s.svc.AddDuty(r.Context(), web.ActorOf(r), d)
	}
	return s.answer(w, r, http.StatusCreated, d, err, func(e *gongzhi.Error) error { return s.renderGrid(w, r, web.StatusOf[e.Code], id, "duty", e) },
		href("/gridwork/grids/", id)+"#duties", "gridwork.duty_added")
}

func (s *Server) removeDuty(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	back := "/gridwork"
	if d, gerr := s.svc.DB.Q().GetGridDuty(r.Context(), id); gerr == nil {
		back = href("/gridwork/grids/", d.GridID) + "#duties"
	}
	err = s.svc.RemoveDuty(r.Context(), web.ActorOf(r), id)
	return s.answer(w, r, http.StatusNoContent, nil, err, nil, back, "gridwork.duty_removed")
}

// ---- plan and overdue households

func (s *Server) plan(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac, lang := web.ActorOf(r), web.LangOf(r)
	p, err := s.svc.Plan(r.Context(), ac, id, r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, p)
		return nil
	}
	v := &pageView{Links: []web.Kv{{Label: web.T(lang, "gridwork.back_grid"), Href: href("/gridwork/grids/", id)}}}
	sec := section{Title: web.T(lang, "gridwork.plan_of:"+p.Period), Intro: web.T(lang, "gridwork.plan_help"), Rows: []web.Kv{
		{Label: web.T(lang, "gridwork.period"), Value: p.From + " – " + p.Until},
		{Label: web.T(lang, "gridwork.plan_done"), Value: strconv.Itoa(p.Done) + "/" + strconv.Itoa(p.Required)},
	}, Cols: []string{web.T(lang, "gridwork.address"), web.T(lang, "gridwork.head"), web.T(lang, "gridwork.required"), web.T(lang, "gridwork.done"),
		web.T(lang, "gridwork.last_visit")}}
	for _, h := range p.Households {
		name := h.HeadName
		if h.Vulnerable {
			name += " · " + web.T(lang, "gridwork.vulnerable")
		}
		class := ""
		if h.Visits < h.Required {
			class = "warn"
		}
		sec.Table = append(sec.Table, []web.Cell{{Text: h.Address}, {Text: name}, {Text: strconv.Itoa(h.Required)}, {Text: strconv.Itoa(h.Visits), Class: class},
			{Text: h.LastVisit}})
	}
	v.Sections = append(v.Sections, sec)
	return s.render(w, r, http.StatusOK, p.GridName, v, nil)
}

func (s *Server) overdue(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	var gid int64
	if g := r.URL.Query().Get("grid"); g != "" {
		var err error
		if gid, err = strconv.ParseInt(g, 10, 64); err != nil || gid <= 0 {
			return gongzhi.Invalid("grid", "number")
		}
	}
	hs, err := s.svc.Overdue(r.Context(), ac, gid)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[*gongzhi.HouseholdVisitState]{Items: hs})
		return nil
	}
	v := &pageView{Links: []web.Kv{{Label: web.T(lang, "gridwork.back"), Href: "/gridwork"}}}
	sec := section{Title: web.T(lang, "gridwork.overdue_count:"+strconv.Itoa(len(hs))), Intro: web.T(lang, "gridwork.overdue_help"),
		Cols: append([]string{web.T(lang, "gridwork.grid")}, householdCols(lang)...)}
	for _, h := range hs {
		sec.Table = append(sec.Table, append([]web.Cell{{Text: h.GridName, Href: href("/gridwork/grids/", h.GridID)}}, householdRow(lang, h, gridwork.MayVisit(ac))...))
	}
	v.Sections = append(v.Sections, sec)
	return s.render(w, r, http.StatusOK, web.T(lang, "gridwork.overdue"), v, nil)
}

// ---- visits

func (s *Server) apiVisits(w http.ResponseWriter, r *http.Request) error {
	var f gridwork.VisitFilter
	for k, p := range map[string]*int64{"grid": &f.GridID, "household": &f.HouseholdID} {
		if v := r.URL.Query().Get(k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return gongzhi.Invalid(k, "number")
			}
			*p = n
		}
	}
	vs, err := s.svc.Visits(r.Context(), web.ActorOf(r), f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[*gongzhi.Visit]{Items: vs})
	return nil
}

func (s *Server) visitForm(w http.ResponseWriter, r *http.Request) error {
	var f visitForm
	if h := r.URL.Query().Get("household"); h != "" {
		f.HouseholdID, _ = strconv.ParseInt(h, 10, 64)
	}
	return s.renderVisitForm(w, r, http.StatusOK, &f, nil)
}

// renderVisitForm shows the phone form of a visit: the household chosen from the grid's list
// (of the grid asked, the household's grid or the caller's own grids), the people met from the
// household, the situation, one finding and a photo.
func (s *Server) renderVisitForm(w http.ResponseWriter, r *http.Request, status int, f *visitForm, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	if !gridwork.MayVisit(ac) {
		return gongzhi.Forbidden()
	}
	var gid int64
	if g := r.URL.Query().Get("grid"); g != "" {
		gid, _ = strconv.ParseInt(g, 10, 64)
	}
	if f.HouseholdID != 0 {
		if h, err := s.svc.Household(ctx, ac, f.HouseholdID); err == nil {
			gid = h.GridID
		}
	}
	var list []*gongzhi.HouseholdVisitState
	var err error
	if gid != 0 {
		p, perr := s.svc.Plan(ctx, ac, gid, "")
		if perr != nil {
			return perr
		}
		list = p.Households
	} else if list, err = s.svc.Overdue(ctx, ac, 0); err != nil {
		return err
	}
	errs := errsOf(lang, e)
	opts := []web.Option{{Value: "", Label: web.T(lang, "gridwork.choose")}}
	for _, h := range list {
		label := h.Address + " · " + h.HeadName
		if h.Overdue {
			label += " · " + web.T(lang, "gridwork.state.overdue")
		}
		opts = append(opts, web.Option{Value: strconv.FormatInt(h.HouseholdID, 10), Label: label})
	}
	hid := ""
	if f.HouseholdID != 0 {
		hid = strconv.FormatInt(f.HouseholdID, 10)
	}
	fields := []web.Field{{Name: "household_id", Label: web.T(lang, "gridwork.household"), Type: "select", Options: opts, Value: hid, Required: true,
		Error: errs["household_id"], Refresh: web.T(lang, "gridwork.show_members")}}
	if f.HouseholdID != 0 {
		var members []web.Option
		if _, err := s.svc.People(ctx, ac, gongzhi.ListOptions{Filters: map[string]string{"household": hid}, Limit: 50}, func(p *gongzhi.Person) error {
			members = append(members, web.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Name})
			return nil
		}); err != nil {
			return err
		}
		if len(members) > 0 {
			fields = append(fields, web.Field{Name: "people_met", Label: web.T(lang, "gridwork.people_met"), Type: "multi", Options: members, Values: f.PeopleMet,
				Error: errs["people_met"], Wide: true})
		}
	}
	day := f.VisitedOn
	if day == "" {
		day = s.svc.Today()
	}
	kinds := []web.Option{{Value: "", Label: web.T(lang, "gridwork.finding_none")}}
	for _, k := range gongzhi.FindingKinds {
		kinds = append(kinds, web.Option{Value: k, Label: web.T(lang, "gridwork.finding."+k)})
	}
	fields = append(fields,
		web.Field{Name: "visited_on", Label: web.T(lang, "gridwork.visited_on"), Type: "date", Value: day, Required: true, Error: errs["visited_on"]},
		web.Field{Name: "situation", Label: web.T(lang, "gridwork.situation"), Type: "textarea", Value: f.Situation, Required: true, Error: errs["situation"], Wide: true},
		web.Field{Name: "finding_kind", Label: web.T(lang, "gridwork.finding_kind"), Type: "select", Options: kinds, Value: f.FindingKind, Error: errs["findings"]},
		web.Field{Name: "finding", Label: web.T(lang, "gridwork.finding"), Type: "textarea", Value: f.Finding, Wide: true, Help: web.T(lang, "gridwork.finding_help")},
	)
	if gridwork.MayTurnFindingIntoEvent(ac) && s.svc.EventCategories != nil {
		cats, err := s.svc.EventCategories(ctx)
		if err != nil {
			return err
		}
		opts := []web.Option{{Value: "", Label: web.T(lang, "gridwork.event_none")}}
		for _, c := range cats {
			opts = append(opts, web.Option{Value: c.Code, Label: eventCategoryLabel(lang, c)})
		}
		fields = append(fields, web.Field{Name: "event_category", Label: web.T(lang, "gridwork.event_category"), Type: "select", Options: opts,
			Value: f.EventCategory, Error: errs["category_id"] + errs["event_id"], Help: web.T(lang, "gridwork.event_category_help")})
	}
	fields = append(fields,
		web.Field{Name: "file", Label: web.T(lang, "gridwork.photo"), Type: "file", Error: errs["file"] + errs["photo"], Help: web.T(lang, "gridwork.photo_help")},
	)
	v := &pageView{Links: []web.Kv{{Label: web.T(lang, "gridwork.overdue"), Href: "/gridwork/overdue"}}}
	v.Sections = append(v.Sections, section{Forms: []*web.FormView{{Action: "/gridwork/visits", Submit: web.T(lang, "gridwork.visit_save"),
		Multipart: true, Fields: fields}}})
	return s.render(w, r, status, web.T(lang, "gridwork.visit_new"), v, e)
}

// photoExts are the photo types a visit takes.
var photoExts = []string{".jpg", ".jpeg", ".png", ".gif", ".webp"}

func photoNameOK(name string) bool {
	name = strings.ToLower(name)
	return slices.ContainsFunc(photoExts, func(x string) bool { return strings.HasSuffix(name, x) })
}

func (s *Server) recordVisit(w http.ResponseWriter, r *http.Request) error {
	ac := web.ActorOf(r)
	v := &gongzhi.Visit{}
	if web.IsAPIPath(r) {
		var req visitRequest
		err := s.Decode(w, r, &req)
		if err == nil {
			v = &gongzhi.Visit{HouseholdID: req.HouseholdID, VisitedOn: req.VisitedOn, PeopleMet: req.PeopleMet, Situation: req.Situation, Photo: req.Photo}
			for _, f := range req.Findings {
				v.Findings = append(v.Findings, gongzhi.VisitFinding{Kind: f.Kind, Description: f.Description})
			}
			if req.EventCategory != "" {
				_, err = s.svc.RecordVisitEvent(r.Context(), ac, v, gridwork.EventOfFinding{CategoryCode: req.EventCategory})
			} else {
				err = s.svc.RecordVisit(r.Context(), ac, v)
			}
		}
		return s.answer(w, r, http.StatusCreated, v, err, nil, "", "")
	}
	if !gridwork.MayVisit(ac) {
		return gongzhi.Forbidden()
	}
	var f visitForm
	up, uerr := s.ReceiveUpload(w, r, s.UploadLimit(gongzhi.MaxEvidenceSize), photoNameOK, "gridwork.photo_type")
	if e := gongzhi.AsError(uerr); uerr != nil && e.Fields["file"] == "err.no_file" {
		uerr = nil
	}
	err := s.Decode(w, r, &f)
	if err == nil && f.Then == "refresh" {
		return s.renderVisitForm(w, r, http.StatusOK, &f, nil)
	}
	if err == nil && uerr != nil {
		err = uerr
	}
	if err == nil {
		v = &gongzhi.Visit{HouseholdID: f.HouseholdID, VisitedOn: f.VisitedOn, Situation: f.Situation}
		for _, p := range f.PeopleMet {
			id, perr := strconv.ParseInt(p, 10, 64)
			if perr != nil {
				err = gongzhi.Invalid("people_met", "number")
				break
			}
			v.PeopleMet = append(v.PeopleMet, id)
		}
		if up != nil {
			v.Photo = up.SHA256
		}
		if strings.TrimSpace(f.Finding) != "" || f.FindingKind != "" {
			v.Findings = []gongzhi.VisitFinding{{Kind: f.FindingKind, Description: f.Finding}}
		}
		if err == nil && f.EventCategory != "" {
			var ev *gongzhi.Event
			if ev, err = s.svc.RecordVisitEvent(r.Context(), ac, v, gridwork.EventOfFinding{CategoryCode: f.EventCategory}); err == nil {
				return s.Redirect(w, r, "/events/"+strconv.FormatInt(ev.ID, 10), web.T(web.LangOf(r), "gridwork.visit_event_saved"))
			}
		} else if err == nil {
			err = s.svc.RecordVisit(r.Context(), ac, v)
		}
	}
	return s.answer(w, r, http.StatusCreated, v, err, func(e *gongzhi.Error) error { return s.renderVisitForm(w, r, web.StatusOf[e.Code], &f, e) },
		href("/gridwork/visits/", v.ID), "gridwork.visit_saved")
}

func (s *Server) apiPhoto(w http.ResponseWriter, r *http.Request) error {
	ac := web.ActorOf(r)
	if !gridwork.MayVisit(ac) {
		return gongzhi.Forbidden()
	}
	up, err := s.ReceiveUpload(w, r, s.UploadLimit(gongzhi.MaxEvidenceSize), photoNameOK, "gridwork.photo_type")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(up.ContentType, "image/") {
		return gongzhi.Invalid("file", "gridwork.photo_type")
	}
	web.WriteJSON(w, http.StatusCreated, photoAnswer{SHA256: up.SHA256, Size: up.Size})
	return nil
}

func (s *Server) visit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		vi, err := s.svc.Visit(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, vi)
		return nil
	}
	return s.renderVisit(w, r, http.StatusOK, id, 0, nil)
}

// renderVisit shows a visit with its findings, each with its need and its event (or the forms
// that make them); finding names the finding a refusal e is about.
func (s *Server) renderVisit(w http.ResponseWriter, r *http.Request, status int, id, finding int64, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	vi, err := s.svc.Visit(ctx, ac, id)
	if err != nil {
		return err
	}
	v := &pageView{Links: []web.Kv{{Label: web.T(lang, "gridwork.back_grid"), Href: href("/gridwork/grids/", vi.GridID)},
		{Label: web.T(lang, "gridwork.overdue"), Href: "/gridwork/overdue"}}}
	sum := section{Rows: []web.Kv{
		{Label: web.T(lang, "gridwork.grid"), Value: vi.GridName, Href: href("/gridwork/grids/", vi.GridID)},
		{Label: web.T(lang, "gridwork.address"), Value: vi.Address},
		{Label: web.T(lang, "gridwork.visited_on"), Value: vi.VisitedOn},
		{Label: web.T(lang, "gridwork.people_met"), Value: strings.Join(vi.PeopleNames, "、")},
		{Label: web.T(lang, "gridwork.situation"), Value: vi.Situation},
		{Label: web.T(lang, "gridwork.recorded_by"), Value: vi.RecordedName},
	}}
	if vi.Photo != "" {
		sum.Rows = append(sum.Rows, web.Kv{Label: web.T(lang, "gridwork.photo"), Value: web.T(lang, "gridwork.photo_open"), Href: href("/gridwork/visits/", id) + "/photo"})
	}
	v.Sections = append(v.Sections, sum)
	var groups []gongzhi.TargetGroup
	var cats []*gongzhi.ServiceCategory
	var ecats []*gongzhi.EventCategory
	if gridwork.MayTurnFindingIntoEvent(ac) && s.svc.EventCategories != nil {
		if ecats, err = s.svc.EventCategories(ctx); err != nil {
			return err
		}
	}
	if gridwork.MayTurnFindingIntoNeed(ac) {
		if groups, err = s.svc.TargetGroups(ctx, ac); err != nil {
			return err
		}
		if cats, err = s.svc.ServiceCategories(ctx, true); err != nil {
			return err
		}
	}
	for i, f := range vi.Findings {
		sec := section{ID: "finding-" + strconv.FormatInt(f.ID, 10), Title: web.T(lang, "gridwork.finding_n:"+strconv.Itoa(i+1)) + " · " + web.T(lang, "gridwork.finding."+f.Kind),
			Rows: []web.Kv{{Label: web.T(lang, "gridwork.finding"), Value: f.Description}}}
		switch {
		case f.NeedID != 0:
			sec.Rows = append(sec.Rows, web.Kv{Label: web.T(lang, "gridwork.need"), Value: web.T(lang, "gridwork.need_n:"+strconv.FormatInt(f.NeedID, 10)),
				Href: href("/needs/", f.NeedID)})
		case gridwork.MayTurnFindingIntoNeed(ac):
			errs := map[string]string{}
			if finding == f.ID {
				errs = errsOf(lang, e)
			}
			gopts := []web.Option{{Value: "", Label: web.T(lang, "gridwork.choose")}}
			for _, g := range groups {
				label := g.Name
				if lang == "en" && g.NameEn != "" {
					label = g.NameEn
				}
				gopts = append(gopts, web.Option{Value: g.Code, Label: label})
			}
			copts := []web.Option{{Value: "", Label: web.T(lang, "gridwork.choose")}}
			for _, c := range cats {
				label := c.Name
				if lang == "en" && c.NameEn != "" {
					label = c.NameEn
				}
				copts = append(copts, web.Option{Value: c.Code, Label: label})
			}
			sec.Forms = append(sec.Forms, &web.FormView{Action: href("/gridwork/findings/", f.ID) + "/need", Submit: web.T(lang, "gridwork.to_need"),
				Intro: web.T(lang, "gridwork.to_need_help"), Fields: []web.Field{
					{Name: "target_group", Label: web.T(lang, "gridwork.target_group"), Type: "select", Options: gopts, Required: true, Error: errs["target_group"]},
					{Name: "category_code", Label: web.T(lang, "gridwork.category"), Type: "select", Options: copts, Required: true, Error: errs["category_code"]},
					{Name: "people_affected", Label: web.T(lang, "gridwork.people_affected"), Type: "number", Error: errs["people_affected"],
						Help: web.T(lang, "gridwork.people_affected_help")},
				}})
		}
		switch {
		case f.EventID != 0:
			sec.Rows = append(sec.Rows, web.Kv{Label: web.T(lang, "gridwork.event"), Value: web.T(lang, "gridwork.event_n:"+strconv.FormatInt(f.EventID, 10)),
				Href: "/events/" + strconv.FormatInt(f.EventID, 10)})
		case len(ecats) > 0:
			errs := map[string]string{}
			if finding == f.ID {
				errs = errsOf(lang, e)
			}
			def := gridwork.DefaultEventCategory(f.Kind)
			opts := []web.Option{}
			for _, c := range ecats {
				opts = append(opts, web.Option{Value: c.Code, Label: eventCategoryLabel(lang, c)})
			}
			sec.Forms = append(sec.Forms, &web.FormView{Action: href("/gridwork/findings/", f.ID) + "/event", Submit: web.T(lang, "gridwork.to_event"),
				Intro: web.T(lang, "gridwork.to_event_help"), Fields: []web.Field{
					{Name: "category_code", Label: web.T(lang, "gridwork.event_category"), Type: "select", Options: opts, Value: def, Required: true,
						Error: errs["category_id"] + errs["event_id"]},
					{Name: "title", Label: web.T(lang, "gridwork.event_title"), Error: errs["title"], Help: web.T(lang, "gridwork.event_title_help")},
				}})
		}
		v.Sections = append(v.Sections, sec)
	}
	return s.render(w, r, status, web.T(lang, "gridwork.visit_title:"+vi.Address), v, e)
}

func (s *Server) photo(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	vi, err := s.svc.Visit(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if vi.Photo == "" {
		return gongzhi.NotFound()
	}
	f, err := s.Files.Open(vi.Photo)
	if err != nil {
		return gongzhi.NotFound()
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := f.Read(head)
	if _, err := f.Seek(0, 0); err != nil {
		return err
	}
	w.Header().Set("Content-Type", http.DetectContentType(head[:n]))
	http.ServeContent(w, r, "", vi.CreatedAt, f)
	return nil
}

func (s *Server) findingToNeed(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req gridwork.NeedOfFinding
	var n *gongzhi.Need
	if err = s.Decode(w, r, &req); err == nil {
		n, err = s.svc.FindingToNeed(r.Context(), web.ActorOf(r), id, req)
	}
	to := "/gridwork"
	if n != nil {
		to = href("/needs/", n.ID)
	}
	return s.answer(w, r, http.StatusCreated, n, err, func(e *gongzhi.Error) error {
		f, ferr := s.svc.Finding(r.Context(), web.ActorOf(r), id)
		if ferr != nil {
			return ferr
		}
		return s.renderVisit(w, r, web.StatusOf[e.Code], f.VisitID, id, e)
	}, to, "gridwork.need_made")
}

// eventCategoryLabel names an event category in the page's language.
func eventCategoryLabel(lang string, c *gongzhi.EventCategory) string {
	if lang == "en" && c.NameEn != "" {
		return c.NameEn
	}
	return c.Name
}

func (s *Server) findingToEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req gridwork.EventOfFinding
	var ev *gongzhi.Event
	if err = s.Decode(w, r, &req); err == nil {
		ev, err = s.svc.FindingToEvent(r.Context(), web.ActorOf(r), id, req)
	}
	to := "/gridwork"
	if ev != nil {
		to = "/events/" + strconv.FormatInt(ev.ID, 10)
	}
	return s.answer(w, r, http.StatusCreated, ev, err, func(e *gongzhi.Error) error {
		f, ferr := s.svc.Finding(r.Context(), web.ActorOf(r), id)
		if ferr != nil {
			return ferr
		}
		return s.renderVisit(w, r, web.StatusOf[e.Code], f.VisitID, id, e)
	}, to, "gridwork.event_made")
}
