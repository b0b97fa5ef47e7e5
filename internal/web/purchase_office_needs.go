// Needs (需求征集) in the office's pages and the API: the list with search, filters, sorting,
// pages and an Excel export; recording a need heard at a visit, a reception, a salon or a grid
// report; one need with its history; and the needs map — community × target group × category,
// counted, coloured by how many needs each cell holds.
package web

import (
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

// offNeedFilters are the filters of the needs list, the map and the export.
var offNeedFilters = []string{"target_group", "category_code", "source", "place", "answered", "year", "call"}

func (s *Server) offNeedRoutes() {
	s.handle("GET /needs", changed, s.offWrap(s.offNeedsList))
	s.handle("GET /needs/export.xlsx", changed, s.offWrap(s.offNeedsExport))
	s.handle("GET /needs/map", changed, s.offWrap(s.offNeedsMap))
	s.handle("GET /needs/new", changed, s.offWrap(s.offNeedForm))
	s.handle("POST /needs/new", changed, s.offWrap(s.offNeedSave))
	s.handle("GET /needs/{id}", changed, s.offWrap(s.offNeedDetail))
	s.api("GET /api/v1/needs", s.offWrap(s.offNeedsList))
	s.api("GET /api/v1/needs.xlsx", s.offWrap(s.offNeedsExport))
	s.api("GET /api/v1/needs/map", s.offWrap(s.offNeedsMap))
	s.api("POST /api/v1/needs", s.offWrap(s.offNeedSave))
	s.api("GET /api/v1/needs/{id}", s.offWrap(s.offNeedDetail))
	s.api("GET /api/v1/needs/{id}/history", s.offWrap(s.offNeedHistory))
}

func offNeedHref(id int64) string { return "/needs/" + strconv.FormatInt(id, 10) }

// offNeedsFilterBar is the filter form of the needs list and map.
func (s *Server) offNeedsFilterBar(r *http.Request, l *offLabels, withPlace bool) []field {
	lang := l.lang
	all := T(lang, "list.all")
	f := []field{
		filterSelect(r, "category_code", T(lang, "need.category_code"), s.offCategoryOptions(r, l, true, all)),
		filterSelect(r, "target_group", T(lang, "need.target_group"), s.offGroupOptions(r, l, all)),
		filterSelect(r, "source", T(lang, "need.source"), enumOptions(lang, "need.source", gongzhi.NeedSources, true)),
		filterSelect(r, "answered", T(lang, "need.answered"), []option{{"", all}, {"1", T(lang, "need.answered.1")}, {"0", T(lang, "need.answered.0")}}),
		{Name: "year", Label: T(lang, "need.year"), Type: "number", Value: r.URL.Query().Get("year")},
	}
	if withPlace {
		names := s.placeOptions(r, gongzhi.LevelCommunity)
		if len(names) > 1 {
			f = append([]field{filterSelect(r, "place", T(lang, "need.community_code"), offWithBlank(all, names))}, f...)
		}
	}
	return f
}

func (s *Server) offNeedsList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, pg := listOptions(r, offNeedFilters...)
	if isAPIPath(r) {
		return writeList(w, opts, pg, listOf(r.Context(), ac, s.app.Needs))
	}
	l := s.offLabelsFor(r)
	lv := &listView{Action: "/needs", Q: opts.Q}
	total, err := s.app.Needs(r.Context(), ac, opts, func(n *gongzhi.Need) error {
		lv.Rows = append(lv.Rows, []cell{
			{Text: offShowDate(n.CreatedAt), Href: offNeedHref(n.ID)}, {Text: n.CommunityName}, {Text: l.group(n.TargetGroup)},
			{Text: l.category(n.CategoryCode)}, {Text: offTruncate(n.Description, 60), Href: offNeedHref(n.ID)},
			{Text: strconv.Itoa(n.PeopleAffected), Class: "num"}, {Text: T(lang, "need.source."+n.Source)},
			{Text: T(lang, "need.answered."+offBoolDigit(n.Answered))}, {Text: n.RecordedBy}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	pageLinks(r, lv, []colDef{{T(lang, "need.created_at"), "created_at"}, {T(lang, "need.community_code"), "community"},
		{T(lang, "need.target_group"), ""}, {T(lang, "need.category_code"), ""}, {T(lang, "need.description"), ""},
		{T(lang, "need.people_affected"), "people_affected"}, {T(lang, "need.source"), ""}, {T(lang, "need.answered"), ""},
		{T(lang, "need.recorded_by"), ""}}, opts.Limit)
	lv.Filters = s.offNeedsFilterBar(r, l, true)
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/needs/export.xlsx?" + q.Encode()
	if ac.Has(gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleCommunity, gongzhi.RoleGridWorker) {
		lv.NewURL = "/needs/new"
	}
	lp := &offListPage{listView: lv, Links: []actionLink{{Label: T(lang, "need.map"), Href: "/needs/map?" + q.Encode()},
		{Label: T(lang, "need.unanswered"), Href: "/needs?answered=0"}}}
	s.render(w, r, http.StatusOK, "p_office_list", &page{Title: T(lang, "nav.needs"), Active: "/needs", Data: lp})
	return nil
}

func offBoolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (s *Server) offNeedsExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, _ := listOptions(r, offNeedFilters...)
	opts.Limit, opts.Offset = 0, 0
	l := s.offLabelsFor(r)
	var rows [][]any
	if _, err := s.app.Needs(r.Context(), ac, opts, func(n *gongzhi.Need) error {
		rows = append(rows, []any{n.ID, n.CreatedAt.In(chinaTime), n.CommunityName, n.CommunityCode, l.group(n.TargetGroup),
			l.category(n.CategoryCode), n.Description, n.PeopleAffected, T(lang, "need.source."+n.Source),
			T(lang, "need.answered."+offBoolDigit(n.Answered)), n.RecordedBy, n.ContactName, n.ContactPhone})
		return nil
	}); err != nil {
		return err
	}
	offSendXLSX(w, offXlsxName("needs"))
	headers := []string{"ID", T(lang, "need.created_at"), T(lang, "need.community_code"), T(lang, "place.code"), T(lang, "need.target_group"),
		T(lang, "need.category_code"), T(lang, "need.description"), T(lang, "need.people_affected"), T(lang, "need.source"),
		T(lang, "need.answered"), T(lang, "need.recorded_by"), T(lang, "need.contact_name"), T(lang, "need.contact_phone")}
	return xlsx.Export(w, T(lang, "nav.needs"), headers, offRowsSeq(rows))
}

// offNeedFields are the inputs of the need form.
func (s *Server) offNeedFields(r *http.Request, l *offLabels, n *gongzhi.Need, errs map[string]string) []field {
	lang := l.lang
	communities := s.placeOptions(r, gongzhi.LevelCommunity)
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
	return []field{
		{Name: "community_code", Label: T(lang, "need.community_code"), Type: "select", Value: n.CommunityCode,
			Options: offWithBlank("—", communities), Error: errs["community_code"], Required: true},
		{Name: "source", Label: T(lang, "need.source"), Type: "select", Value: n.Source,
			Options: offWithBlank("—", enumOptions(lang, "need.source", gongzhi.NeedSources, false)), Error: errs["source"], Required: true},
		{Name: "target_group", Label: T(lang, "need.target_group"), Type: "select", Value: n.TargetGroup,
			Options: s.offGroupOptions(r, l, "—"), Error: errs["target_group"], Required: true},
		{Name: "category_code", Label: T(lang, "need.category_code"), Type: "select", Value: n.CategoryCode,
			Options: s.offCategoryOptions(r, l, false, "—"), Error: errs["category_code"], Required: true},
		{Name: "description", Label: T(lang, "need.description"), Type: "textarea", Value: n.Description, Error: errs["description"],
			Required: true, Wide: true, Help: T(lang, "need.description_help")},
		{Name: "people_affected", Label: T(lang, "need.people_affected"), Type: "number", Value: people, Error: errs["people_affected"], Required: true},
		{Name: "contact_name", Label: T(lang, "need.contact_name"), Type: "text", Value: n.ContactName, Error: errs["contact_name"]},
		{Name: "contact_phone", Label: T(lang, "need.contact_phone"), Type: "tel", Value: n.ContactPhone, Error: errs["contact_phone"],
			Help: T(lang, "need.contact_help")},
	}
}

func (s *Server) offRenderNeedForm(w http.ResponseWriter, r *http.Request, status int, n *gongzhi.Need, e *gongzhi.Error) {
	lang := langOf(r)
	l := s.offLabelsFor(r)
	fv := &formView{Action: "/needs/new", Cancel: "/needs", Submit: T(lang, "action.save"), Intro: T(lang, "need.form_intro"),
		Fields: s.offNeedFields(r, l, n, offFieldErrs(lang, e))}
	s.render(w, r, status, "form", &page{Title: T(lang, "need.new"), Active: "/needs", Data: fv, Error: e})
}

func (s *Server) offNeedForm(w http.ResponseWriter, r *http.Request) error {
	if !actorOf(r).Has(gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleCommunity, gongzhi.RoleGridWorker) {
		return gongzhi.Forbidden()
	}
	s.offRenderNeedForm(w, r, http.StatusOK, &gongzhi.Need{}, nil)
	return nil
}

func (s *Server) offNeedSave(w http.ResponseWriter, r *http.Request) error {
	n := &gongzhi.Need{}
	err := s.decode(w, r, n)
	if err == nil {
		err = s.app.RecordNeed(r.Context(), actorOf(r), n)
	}
	if isAPIPath(r) {
		if err != nil {
			return err
		}
		stored, err := s.app.Need(r.Context(), actorOf(r), n.ID)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/needs/"+strconv.FormatInt(n.ID, 10))
		writeJSON(w, http.StatusCreated, stored)
		return nil
	}
	if e, ok := offFormError(err); ok {
		s.offRenderNeedForm(w, r, statusOf[e.Code], n, e)
		return nil
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, offNeedHref(n.ID), T(langOf(r), "need.recorded"))
}

// offRecordHistory reads the state history of a need or a budget the caller was allowed to open.
// The service layer has no reader for it yet, so the web layer asks storage directly, after the
// service's own scope check.
func (s *Server) offRecordHistory(r *http.Request, entity string, id int64) ([]gongzhi.StateChange, error) {
	return s.app.DB.Q().ListStateChanges(r.Context(), store.HistoryFilter{Entity: entity, EntityID: id})
}

func (s *Server) offNeedDetail(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := s.app.Need(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, n)
		return nil
	}
	l := s.offLabelsFor(r)
	hist, err := s.offRecordHistory(r, "need", id)
	if err != nil {
		return err
	}
	dv := &detailView{Rows: []kv{
		{Label: T(lang, "need.community_code"), Value: n.CommunityName + T(lang, "p.open") + n.CommunityCode + T(lang, "p.close")},
		{Label: T(lang, "need.target_group"), Value: l.group(n.TargetGroup)},
		{Label: T(lang, "need.category_code"), Value: l.category(n.CategoryCode)},
		{Label: T(lang, "need.people_affected"), Value: strconv.Itoa(n.PeopleAffected)},
		{Label: T(lang, "need.source"), Value: T(lang, "need.source."+n.Source)},
		{Label: T(lang, "need.answered"), Value: T(lang, "need.answered."+offBoolDigit(n.Answered))},
		{Label: T(lang, "need.description"), Value: n.Description},
		{Label: T(lang, "need.recorded_by"), Value: n.RecordedBy},
		{Label: T(lang, "need.created_at"), Value: offShowTime(n.CreatedAt)},
	}, ShowHistory: true, History: offHistoryOf(lang, hist)}
	if n.ContactName != "" || n.ContactPhone != "" {
		dv.Rows = append(dv.Rows, kv{Label: T(lang, "need.contact_name"), Value: n.ContactName},
			kv{Label: T(lang, "need.contact_phone"), Value: n.ContactPhone})
	}
	dv.Actions = []actionLink{{Label: T(lang, "action.back"), Href: "/needs"}}
	s.render(w, r, http.StatusOK, "detail", &page{Title: T(lang, "need.title") + " #" + strconv.FormatInt(id, 10), Active: "/needs", Data: dv})
	return nil
}

func (s *Server) offNeedHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.app.Need(r.Context(), actorOf(r), id); err != nil {
		return err
	}
	hist, err := s.offRecordHistory(r, "need", id)
	if err != nil {
		return err
	}
	if hist == nil {
		hist = []gongzhi.StateChange{}
	}
	writeJSON(w, http.StatusOK, itemsOf[gongzhi.StateChange]{Items: hist})
	return nil
}

// ---- the needs map

// offNeedsMapView is the needs map: one row per community and target group, one column per
// category, each cell the number of needs with its heat class.
type offNeedsMapView struct {
	Filters     []field
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
	ac, lang := actorOf(r), langOf(r)
	opts, _ := listOptions(r, offNeedFilters...)
	cells, err := s.app.NeedsMap(r.Context(), ac, opts)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		if cells == nil {
			cells = []gongzhi.NeedsCell{}
		}
		writeJSON(w, http.StatusOK, itemsOf[gongzhi.NeedsCell]{Items: cells})
		return nil
	}
	l := s.offLabelsFor(r)
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
	for _, o := range s.offCategoryOptions(r, l, true, "") {
		if catSet[o.Value] {
			cats = append(cats, o.Value)
			delete(catSet, o.Value)
		}
	}
	cats = append(cats, offSortedKeys(catSet)...)
	q := r.URL.Query()
	link := func(community, group, cat string) string {
		lq := cloneQuery(q)
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
		CSS: officeCSSURL(), Communities: len(communities)}
	for _, c := range cats {
		v.Columns = append(v.Columns, l.category(c))
	}
	colTotals := make([]offMapCell, len(cats))
	cellOf := func(label string, c gongzhi.NeedsCell, href string) offMapCell {
		return offMapCell{Label: label, Needs: c.Needs, People: c.People, Answered: c.Answered, Heat: offHeat(c.Needs, biggest), Href: href,
			Title: T(lang, "need.people_affected") + " " + strconv.Itoa(c.People) + " · " + T(lang, "need.answered.1") + " " + strconv.Itoa(c.Answered)}
	}
	for _, k := range order {
		row := offNeedsMapRow{Community: names[k.community], Group: l.group(k.group)}
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
		row.Total = offMapCell{Label: T(lang, "need.map_total"), Needs: tot.Needs, People: tot.People, Answered: tot.Answered}
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
	v.Total.Label = T(lang, "need.map_total")
	v.Legend = offHeatLegend(biggest)
	s.render(w, r, http.StatusOK, "p_office_needs_map", &page{Title: T(lang, "need.map"), Active: "/needs", Data: v})
	return nil
}
