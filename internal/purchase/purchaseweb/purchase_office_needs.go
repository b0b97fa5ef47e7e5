// Needs (需求征集) in the office's pages and the API: the list with search, filters, sorting,
// pages and an Excel export; recording a need heard at a visit, a reception, a salon or a grid
// report; one need with its history; and the needs map — community × target group × category,
// counted, coloured by how many needs each cell holds.

package purchaseweb

import (
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

// offNeedFilters are the filters of the needs list, the map and the export.
var offNeedFilters = []string{"target_group", "category_code", "source", "place", "answered", "year", "call"}

func (s *Server) offNeedRoutes() {
	s.Handle("GET /needs", web.Changed, s.OffWrap(s.offNeedsList))
	s.Handle("GET /needs/export.xlsx", web.Changed, s.OffWrap(s.offNeedsExport))
	s.Handle("GET /needs/map", web.Changed, s.OffWrap(s.offNeedsMap))
	s.Handle("GET /needs/new", web.Changed, s.OffWrap(s.offNeedForm))
	s.Handle("POST /needs/new", web.Changed, s.OffWrap(s.offNeedSave))
	s.Handle("GET /needs/{id}", web.Changed, s.OffWrap(s.offNeedDetail))
	s.Api("GET /api/v1/needs", s.OffWrap(s.offNeedsList))
	s.Api("GET /api/v1/needs.xlsx", s.OffWrap(s.offNeedsExport))
	s.Api("GET /api/v1/needs/map", s.OffWrap(s.offNeedsMap))
	s.Api("POST /api/v1/needs", s.OffWrap(s.offNeedSave))
	s.Api("GET /api/v1/needs/{id}", s.OffWrap(s.offNeedDetail))
	s.Api("GET /api/v1/needs/{id}/history", s.OffWrap(s.offNeedHistory))
}

func offNeedHref(id int64) string { return "/needs/" + strconv.FormatInt(id, 10) }

// offNeedsFilterBar is the filter form of the needs list and map.
func (s *Server) offNeedsFilterBar(r *http.Request, l *web.OffLabels, withPlace bool) []web.Field {
	lang := l.Lang
	all := web.T(lang, "list.all")
	f := []web.Field{
		web.FilterSelect(r, "category_code", web.T(lang, "need.category_code"), s.OffCategoryOptions(r, l, true, all)),
		web.FilterSelect(r, "target_group", web.T(lang, "need.target_group"), s.OffGroupOptions(r, l, all)),
		web.FilterSelect(r, "source", web.T(lang, "need.source"), web.EnumOptions(lang, "need.source", gongzhi.NeedSources, true)),
		web.FilterSelect(r, "answered", web.T(lang, "need.answered"), []web.Option{{Value: "", Label: all}, {Value: "1", Label: web.T(lang, "need.answered.1")}, {Value: "0", Label: web.T(lang, "need.answered.0")}}),
		{Name: "year", Label: web.T(lang, "need.year"), Type: "number", Value: r.URL.Query().Get("year")},
	}
	if withPlace {
		names := s.PlaceOptions(r, gongzhi.LevelCommunity)
		if len(names) > 1 {
			f = append([]web.Field{web.FilterSelect(r, "place", web.T(lang, "need.community_code"), web.OffWithBlank(all, names))}, f...)
		}
	}
	return f
}

func (s *Server) offNeedsList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, offNeedFilters...)
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.Needs))
	}
	l := s.OffLabelsFor(r)
	lv := &web.ListView{Action: "/needs", Q: opts.Q}
	total, err := s.svc.Needs(r.Context(), ac, opts, func(n *gongzhi.Need) error {
		lv.Rows = append(lv.Rows, []web.Cell{
			{Text: web.OffShowDate(n.CreatedAt), Href: offNeedHref(n.ID)}, {Text: n.CommunityName}, {Text: l.Group(n.TargetGroup)},
			{Text: l.Category(n.CategoryCode)}, {Text: web.OffTruncate(n.Description, 60), Href: offNeedHref(n.ID)},
			{Text: strconv.Itoa(n.PeopleAffected), Class: "num"}, {Text: web.T(lang, "need.source."+n.Source)},
			{Text: web.T(lang, "need.answered."+offBoolDigit(n.Answered))}, {Text: n.RecordedBy}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	web.PageLinks(r, lv, []web.ColDef{{Label: web.T(lang, "need.created_at"), Sort: "created_at"}, {Label: web.T(lang, "need.community_code"), Sort: "community"},
		{Label: web.T(lang, "need.target_group"), Sort: ""}, {Label: web.T(lang, "need.category_code"), Sort: ""}, {Label: web.T(lang, "need.description"), Sort: ""},
		{Label: web.T(lang, "need.people_affected"), Sort: "people_affected"}, {Label: web.T(lang, "need.source"), Sort: ""}, {Label: web.T(lang, "need.answered"), Sort: ""},
		{Label: web.T(lang, "need.recorded_by"), Sort: ""}}, opts.Limit)
	lv.Filters = s.offNeedsFilterBar(r, l, true)
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/needs/export.xlsx?" + q.Encode()
	if purchase.MayRecordNeed(ac) {
		lv.NewURL = "/needs/new"
	}
	lp := &web.OffListPage{ListView: lv, Links: []web.ActionLink{{Label: web.T(lang, "need.map"), Href: "/needs/map?" + q.Encode()},
		{Label: web.T(lang, "need.unanswered"), Href: "/needs?answered=0"}}}
	s.Render(w, r, http.StatusOK, "p_office_list", &web.Page{Title: web.T(lang, "nav.needs"), Active: "/needs", Data: lp})
	return nil
}

func offBoolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (s *Server) offNeedsExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, _ := web.ListOptions(r, offNeedFilters...)
	opts.Limit, opts.Offset = 0, 0
	l := s.OffLabelsFor(r)
	var rows [][]any
	if _, err := s.svc.Needs(r.Context(), ac, opts, func(n *gongzhi.Need) error {
		rows = append(rows, []any{n.ID, n.CreatedAt.In(web.ChinaTime), n.CommunityName, n.CommunityCode, l.Group(n.TargetGroup),
			l.Category(n.CategoryCode), n.Description, n.PeopleAffected, web.T(lang, "need.source."+n.Source),
			web.T(lang, "need.answered."+offBoolDigit(n.Answered)), n.RecordedBy, n.ContactName, n.ContactPhone})
		return nil
	}); err != nil {
		return err
	}
	web.OffSendXLSX(w, web.OffXlsxName("needs"))
	headers := []string{"ID", web.T(lang, "need.created_at"), web.T(lang, "need.community_code"), web.T(lang, "place.code"), web.T(lang, "need.target_group"),
		web.T(lang, "need.category_code"), web.T(lang, "need.description"), web.T(lang, "need.people_affected"), web.T(lang, "need.source"),
		web.T(lang, "need.answered"), web.T(lang, "need.recorded_by"), web.T(lang, "need.contact_name"), web.T(lang, "need.contact_phone")}
	return xlsx.Export(w, web.T(lang, "nav.needs"), headers, web.OffRowsSeq(rows))
}

// offNeedFields are the inputs of the need form.
func (s *Server) offNeedFields(r *http.Request, l *web.OffLabels, n *gongzhi.Need, errs map[string]string) []web.Field {
	lang := l.Lang
	communities := s.PlaceOptions(r, gongzhi.LevelCommunity)
	if n.CommunityCode == "" && len(communities) == 1 {
		n.CommunityCode = communities[0].Value
	}
	people := ""
	if n.PeopleAffected != 0 {
		people = strconv.Itoa(n.PeopleAffected)
	}
	if v, ok := r.PostForm["people_affected"]; ok && len(v) > 0 {
		people = v[0] // as typed, even when it is not a number
	}
	return []web.Field{
		{Name: "community_code", Label: web.T(lang, "need.community_code"), Type: "select", Value: n.CommunityCode,
			Options: web.OffWithBlank("—", communities), Error: errs["community_code"], Required: true},
		{Name: "source", Label: web.T(lang, "need.source"), Type: "select", Value: n.Source,
			Options: web.OffWithBlank("—", web.EnumOptions(lang, "need.source", gongzhi.NeedSources, false)), Error: errs["source"], Required: true},
		{Name: "target_group", Label: web.T(lang, "need.target_group"), Type: "select", Value: n.TargetGroup,
			Options: s.OffGroupOptions(r, l, "—"), Error: errs["target_group"], Required: true},
		{Name: "category_code", Label: web.T(lang, "need.category_code"), Type: "select", Value: n.CategoryCode,
			Options: s.OffCategoryOptions(r, l, false, "—"), Error: errs["category_code"], Required: true},
		{Name: "description", Label: web.T(lang, "need.description"), Type: "textarea", Value: n.Description, Error: errs["description"],
			Required: true, Wide: true, Help: web.T(lang, "need.description_help")},
		{Name: "people_affected", Label: web.T(lang, "need.people_affected"), Type: "number", Value: people, Error: errs["people_affected"], Required: true},
		{Name: "contact_name", Label: web.T(lang, "need.contact_name"), Type: "text", Value: n.ContactName, Error: errs["contact_name"]},
		{Name: "contact_phone", Label: web.T(lang, "need.contact_phone"), Type: "tel", Value: n.ContactPhone, Error: errs["contact_phone"],
			Help: web.T(lang, "need.contact_help")},
	}
}

func (s *Server) offRenderNeedForm(w http.ResponseWriter, r *http.Request, status int, n *gongzhi.Need, e *gongzhi.Error) {
	lang := web.LangOf(r)
	l := s.OffLabelsFor(r)
	fv := &web.FormView{Action: "/needs/new", Cancel: "/needs", Submit: web.T(lang, "action.save"), Intro: web.T(lang, "need.form_intro"),
		Fields: s.offNeedFields(r, l, n, web.OffFieldErrs(lang, e))}
	s.Render(w, r, status, "form", &web.Page{Title: web.T(lang, "need.new"), Active: "/needs", Data: fv, Error: e})
}

func (s *Server) offNeedForm(w http.ResponseWriter, r *http.Request) error {
	if !purchase.MayRecordNeed(web.ActorOf(r)) {
		return gongzhi.Forbidden()
	}
	s.offRenderNeedForm(w, r, http.StatusOK, &gongzhi.Need{}, nil)
	return nil
}

func (s *Server) offNeedSave(w http.ResponseWriter, r *http.Request) error {
	n := &gongzhi.Need{}
	err := s.Decode(w, r, n)
	if err == nil {
		err = s.svc.RecordNeed(r.Context(), web.ActorOf(r), n)
	}
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		stored, err := s.svc.Need(r.Context(), web.ActorOf(r), n.ID)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/needs/"+strconv.FormatInt(n.ID, 10))
		web.WriteJSON(w, http.StatusCreated, stored)
		return nil
	}
	if e, ok := web.OffFormError(err); ok {
		s.offRenderNeedForm(w, r, web.StatusOf[e.Code], n, e)
		return nil
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, offNeedHref(n.ID), web.T(web.LangOf(r), "need.recorded"))
}

func (s *Server) offNeedDetail(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	n, err := s.svc.Need(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, n)
		return nil
	}
	l := s.OffLabelsFor(r)
	hist, err := s.svc.NeedHistory(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	dv := &web.DetailView{Rows: []web.Kv{
		{Label: web.T(lang, "need.community_code"), Value: n.CommunityName + web.T(lang, "p.open") + n.CommunityCode + web.T(lang, "p.close")},
		{Label: web.T(lang, "need.target_group"), Value: l.Group(n.TargetGroup)},
		{Label: web.T(lang, "need.category_code"), Value: l.Category(n.CategoryCode)},
		{Label: web.T(lang, "need.people_affected"), Value: strconv.Itoa(n.PeopleAffected)},
		{Label: web.T(lang, "need.source"), Value: web.T(lang, "need.source."+n.Source)},
		{Label: web.T(lang, "need.answered"), Value: web.T(lang, "need.answered."+offBoolDigit(n.Answered))},
		{Label: web.T(lang, "need.description"), Value: n.Description},
		{Label: web.T(lang, "need.recorded_by"), Value: n.RecordedBy},
		{Label: web.T(lang, "need.created_at"), Value: web.OffShowTime(n.CreatedAt)},
	}, ShowHistory: true, History: web.OffHistoryOf(lang, hist)}
	if n.ContactName != "" || n.ContactPhone != "" {
		dv.Rows = append(dv.Rows, web.Kv{Label: web.T(lang, "need.contact_name"), Value: n.ContactName},
			web.Kv{Label: web.T(lang, "need.contact_phone"), Value: n.ContactPhone})
	}
	dv.Rows = append(dv.Rows, web.Kv{Label: web.T(lang, "needs.public.state"), Value: offNeedPublished(lang, n)})
	dv.Actions = []web.ActionLink{{Label: web.T(lang, "action.back"), Href: "/needs"}}
	if n.PublishedAt.IsZero() && purchase.MayPublishNeed(ac) {
		dv.Actions = append(dv.Actions, web.ActionLink{Label: web.T(lang, "needs.public.publish"), Href: offNeedHref(id) + "/publish", Post: true,
			Confirm: web.T(lang, "needs.public.publish_confirm")})
	} else if !n.PublishedAt.IsZero() {
		dv.Actions = append(dv.Actions, web.ActionLink{Label: web.T(lang, "needs.public.view"), Href: "/public/needs/" + web.FmtInt(id)})
	}
	s.Render(w, r, http.StatusOK, "detail", &web.Page{Title: web.T(lang, "need.title") + " #" + strconv.FormatInt(id, 10), Active: "/needs", Data: dv})
	return nil
}

// offNeedPublished says whether a need is published, when, and how many residents support it.
func offNeedPublished(lang string, n *gongzhi.Need) string {
	if n.PublishedAt.IsZero() {
		return web.T(lang, "needs.public.not_published")
	}
	return web.T(lang, "needs.public.published_at:"+web.OffShowTime(n.PublishedAt)) + " · " + web.T(lang, "needs.public.supports") + " " +
		web.FmtInt(int64(n.Supports))
}

func (s *Server) offNeedHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	hist, err := s.svc.NeedHistory(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if hist == nil {
		hist = []gongzhi.StateChange{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.StateChange]{Items: web.WithNoteTexts(web.LangOf(r), hist)})
	return nil
}

// ---- the needs map

// offNeedsMapView is the needs map: one row per community and target group, one column per
// category, each cell the number of needs with its heat class.
type offNeedsMapView struct {
	Filters     []web.Field
	Action      string
	Columns     []string
	Rows        []offNeedsMapRow
	Totals      []offMapCell
	Total       offMapCell
	Legend      []offMapCell
	Empty       bool
	ListURL     string
	CSS         string
	Communities int
}

type offNeedsMapRow struct {
	Community string
	Group     string
	Cells     []offMapCell
	Total     offMapCell
}

type offMapCell struct {
	Label    string // the column, for phones
	Needs    int
	People   int
	Answered int
	Heat     int
	Href     string
	Title    string
}

// offHeat puts a count on a 0–5 scale relative to the largest cell: ceil(5n/top).
func offHeat(n, top int) int {
	if n <= 0 || top <= 0 {
		return 0
	}
	return min(max((n*5+top-1)/top, 1), 5)
}

// offHeatLegend lists the heat classes in use with the smallest count of each.
func offHeatLegend(top int) []offMapCell {
	var out []offMapCell
	seen := map[int]bool{}
	for h := 5; h >= 0; h-- {
		lo := 0
		if h > 0 {
			lo = (top*(h-1))/5 + 1
		}
		if h > 0 && lo > top || seen[lo] {
			continue
		}
		seen[lo] = true
		out = append([]offMapCell{{Heat: h, Needs: lo}}, out...)
	}
	return out
}

func (s *Server) offNeedsMap(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, _ := web.ListOptions(r, offNeedFilters...)
	cells, err := s.svc.NeedsMap(r.Context(), ac, opts)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if cells == nil {
			cells = []gongzhi.NeedsCell{}
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.NeedsCell]{Items: cells})
		return nil
	}
	l := s.OffLabelsFor(r)
	catSet := map[string]bool{}
	type rowKey struct{ community, group string }
	var order []rowKey
	byRow := map[rowKey]map[string]gongzhi.NeedsCell{}
	names := map[string]string{}
	biggest := 0
	communities := map[string]bool{}
	for _, c := range cells {
		catSet[c.CategoryCode] = true
		k := rowKey{c.CommunityCode, c.TargetGroup}
		if byRow[k] == nil {
			byRow[k] = map[string]gongzhi.NeedsCell{}
			order = append(order, k)
		}
		byRow[k][c.CategoryCode] = c
		names[c.CommunityCode] = c.CommunityName
		biggest = max(biggest, c.Needs)
		communities[c.CommunityCode] = true
	}
	// categories in catalog order
	var cats []string
	for _, o := range s.OffCategoryOptions(r, l, true, "") {
		if catSet[o.Value] {
			cats = append(cats, o.Value)
			delete(catSet, o.Value)
		}
	}
	cats = append(cats, web.OffSortedKeys(catSet)...)
	q := r.URL.Query()
	link := func(community, group, cat string) string {
		lq := web.CloneQuery(q)
		lq.Del("page")
		if community != "" {
			lq.Set("place", community)
		}
		if group != "" {
			lq.Set("target_group", group)
		}
		if cat != "" {
			lq.Set("category_code", cat)
		}
		return "/needs?" + lq.Encode()
	}
	v := &offNeedsMapView{Action: "/needs/map", Filters: s.offNeedsFilterBar(r, l, true), Empty: len(cells) == 0, ListURL: link("", "", ""),
		CSS: web.OfficeCSSURL(), Communities: len(communities)}
	for _, c := range cats {
		v.Columns = append(v.Columns, l.Category(c))
	}
	colTotals := make([]offMapCell, len(cats))
	cellOf := func(label string, c gongzhi.NeedsCell, href string) offMapCell {
		return offMapCell{Label: label, Needs: c.Needs, People: c.People, Answered: c.Answered, Heat: offHeat(c.Needs, biggest), Href: href,
			Title: web.T(lang, "need.people_affected") + " " + strconv.Itoa(c.People) + " · " + web.T(lang, "need.answered.1") + " " + strconv.Itoa(c.Answered)}
	}
	for _, k := range order {
		row := offNeedsMapRow{Community: names[k.community], Group: l.Group(k.group)}
		var tot gongzhi.NeedsCell
		for i, cat := range cats {
			c := byRow[k][cat]
			mc := cellOf(v.Columns[i], c, "")
			if c.Needs > 0 {
				mc.Href = link(k.community, k.group, cat)
			}
			row.Cells = append(row.Cells, mc)
			tot.Needs += c.Needs
			tot.People += c.People
			tot.Answered += c.Answered
			colTotals[i].Needs += c.Needs
			colTotals[i].People += c.People
			colTotals[i].Answered += c.Answered
		}
		row.Total = offMapCell{Label: web.T(lang, "need.map_total"), Needs: tot.Needs, People: tot.People, Answered: tot.Answered}
		v.Rows = append(v.Rows, row)
		v.Total.Needs += tot.Needs
		v.Total.People += tot.People
		v.Total.Answered += tot.Answered
	}
	for i := range colTotals {
		colTotals[i].Label = v.Columns[i]
		colTotals[i].Href = link("", "", cats[i])
	}
	v.Totals = colTotals
	v.Total.Label = web.T(lang, "need.map_total")
	v.Legend = offHeatLegend(biggest)
	s.Render(w, r, http.StatusOK, "p_office_needs_map", &web.Page{Title: web.T(lang, "need.map"), Active: "/needs", Data: v})
	return nil
}
