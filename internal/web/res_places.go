// Places, grids and households in the UI and the API.
package web

import (
	"context"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/store"
)

func (s *Server) placeResource() *resource[*gongzhi.Place] {
	a := s.app
	return &resource[*gongzhi.Place]{
		name: "places", titleKey: "nav.places", itemKey: "place", perm: "places", noDelete: true,
		filters: []string{"level", "parent", "under"},
		list: func(ctx context.Context, ac *gongzhi.Actor, o store.ListOptions, each func(*gongzhi.Place) error) (int, error) {
			return a.Places(ctx, ac, o, each)
		},
		get:    a.Place,
		create: a.CreatePlace,
		update: func(ctx context.Context, ac *gongzhi.Actor, code string, p *gongzhi.Place) error {
			p.Code, p.Level = code, -1 // the edit form only renames
			return a.RenamePlace(ctx, ac, code, p.Name)
		},
		newT:  func() *gongzhi.Place { return &gongzhi.Place{} },
		idOf:  func(p *gongzhi.Place) string { return p.Code },
		title: func(p *gongzhi.Place) string { return p.Name },
		columns: func(lang string) []colDef {
			return []colDef{{T(lang, "place.code"), "code"}, {T(lang, "place.name"), "name"}, {T(lang, "place.level"), "level"},
				{T(lang, "place.parent"), ""}, {T(lang, "place.children"), ""}}
		},
		row: func(lang string, p *gongzhi.Place) []cell {
			return []cell{{Text: p.Code, Href: "/places/" + p.Code}, {Text: p.Name}, {Text: T(lang, "place.level."+strconv.Itoa(p.Level))},
				{Text: p.ParentName}, {Text: strconv.Itoa(p.Children), Class: "num"}}
		},
		filterBar: func(r *http.Request, lang string) []field {
			opts := []option{{"", T(lang, "list.all")}}
			for l := 1; l <= 5; l++ {
				opts = append(opts, option{strconv.Itoa(l), T(lang, "place.level."+strconv.Itoa(l))})
			}
			return []field{filterSelect(r, "level", T(lang, "place.level"), opts)}
		},
		export: func(lang string) ([]string, func(*gongzhi.Place) []any) {
			return []string{T(lang, "place.code"), T(lang, "place.name"), T(lang, "place.level"), T(lang, "place.parent_code"), T(lang, "place.parent")},
				func(p *gongzhi.Place) []any {
					return []any{p.Code, p.Name, T(lang, "place.level."+strconv.Itoa(p.Level)), p.ParentCode, p.ParentName}
				}
		},
		fields: func(r *http.Request, lang string, p *gongzhi.Place, errs map[string]string) []field {
			if p.Code != "" && p.Level != 0 { // editing: only the name changes
				return []field{{Name: "name", Label: T(lang, "place.name"), Type: "text", Value: p.Name, Error: errs["name"], Required: true}}
			}
			if p.ParentCode == "" {
				p.ParentCode = r.URL.Query().Get("parent")
			}
			return []field{
				{Name: "parent_code", Label: T(lang, "place.parent_code"), Type: "select", Value: p.ParentCode,
					Options: s.placeOptions(r, gongzhi.LevelDistrict, gongzhi.LevelStreet), Error: errs["parent_code"], Required: true},
				{Name: "code", Label: T(lang, "place.code"), Type: "text", Value: p.Code, Error: errs["code"], Required: true, Help: T(lang, "place.code_format")},
				{Name: "name", Label: T(lang, "place.name"), Type: "text", Value: p.Name, Error: errs["name"], Required: true},
			}
		},
		detail: func(r *http.Request, lang string, p *gongzhi.Place) detailView {
			ac := actorOf(r)
			dv := detailView{Rows: []kv{
				{Label: T(lang, "place.code"), Value: p.Code},
				{Label: T(lang, "place.level"), Value: T(lang, "place.level."+strconv.Itoa(p.Level))},
				{Label: T(lang, "place.parent"), Value: p.ParentName, Href: placeHref(ac, p.ParentCode)},
				{Label: T(lang, "place.children"), Value: strconv.Itoa(p.Children)},
			}}
			if p.Children > 0 {
				rel := related{Title: T(lang, "place.children")}
				rel.List.Columns = []listCol{{Label: T(lang, "place.code")}, {Label: T(lang, "place.name")}}
				n, _ := s.app.Places(r.Context(), ac, store.ListOptions{Filters: map[string]string{"parent": p.Code}, Limit: 50},
					func(c *gongzhi.Place) error {
						rel.List.Rows = append(rel.List.Rows, []cell{{Text: c.Code, Href: "/places/" + c.Code}, {Text: c.Name}})
						return nil
					})
				if n > 50 {
					rel.More = "/places?parent=" + p.Code
				}
				dv.Related = append(dv.Related, rel)
			}
			if p.Level == gongzhi.LevelCommunity && canRead(ac, "grids") {
				rel := related{Title: T(lang, "nav.grids")}
				rel.List.Columns = []listCol{{Label: T(lang, "grid.code")}, {Label: T(lang, "grid.name")}, {Label: T(lang, "grid.leader")}, {Label: T(lang, "grid.households")}}
				s.app.Grids(r.Context(), ac, store.ListOptions{Filters: map[string]string{"community": p.Code}, Limit: 100}, func(g *gongzhi.Grid) error {
					rel.List.Rows = append(rel.List.Rows, []cell{{Text: g.Code}, {Text: g.Name, Href: "/grids/" + strconv.FormatInt(g.ID, 10)},
						{Text: g.Leader}, {Text: strconv.Itoa(g.Households)}})
					return nil
				})
				dv.Related = append(dv.Related, rel)
			}
			if p.Level < gongzhi.LevelCommunity && canWrite(ac, "places") {
				dv.Actions = append(dv.Actions, actionLink{Label: T(lang, "action.create") + " · " + T(lang, "place.level."+strconv.Itoa(p.Level+1)), Href: "/places/new?parent=" + p.Code})
			}
			return dv
		},
	}
}

func (s *Server) gridResource() *resource[*gongzhi.Grid] {
	a := s.app
	return &resource[*gongzhi.Grid]{
		name: "grids", titleKey: "nav.grids", itemKey: "grid", perm: "grids",
		filters: []string{"community"},
		list: func(ctx context.Context, ac *gongzhi.Actor, o store.ListOptions, each func(*gongzhi.Grid) error) (int, error) {
			return a.Grids(ctx, ac, o, each)
		},
		get: func(ctx context.Context, ac *gongzhi.Actor, id string) (*gongzhi.Grid, error) {
			n, err := parseID(id)
			if err != nil {
				return nil, err
			}
			return a.Grid(ctx, ac, n)
		},
		create: func(ctx context.Context, ac *gongzhi.Actor, g *gongzhi.Grid) error {
			g.ID = 0
			return a.SaveGrid(ctx, ac, g)
		},
		update: func(ctx context.Context, ac *gongzhi.Actor, id string, g *gongzhi.Grid) error {
			n, err := parseID(id)
			if err != nil {
				return err
			}
			g.ID = n
			return a.SaveGrid(ctx, ac, g)
		},
		del: func(ctx context.Context, ac *gongzhi.Actor, id string) error {
			n, err := parseID(id)
			if err != nil {
				return err
			}
			return a.DeleteGrid(ctx, ac, n)
		},
		newT:  func() *gongzhi.Grid { return &gongzhi.Grid{} },
		idOf:  func(g *gongzhi.Grid) string { return strconv.FormatInt(g.ID, 10) },
		title: func(g *gongzhi.Grid) string { return g.Name },
		columns: func(lang string) []colDef {
			return []colDef{{T(lang, "grid.community_code"), "code"}, {T(lang, "grid.code"), ""}, {T(lang, "grid.name"), "name"},
				{T(lang, "grid.leader"), ""}, {T(lang, "grid.phone"), ""}, {T(lang, "grid.households"), ""}}
		},
		row: func(lang string, g *gongzhi.Grid) []cell {
			return []cell{{Text: g.CommunityName}, {Text: g.Code}, {Text: g.Name, Href: "/grids/" + strconv.FormatInt(g.ID, 10)},
				{Text: g.Leader}, {Text: g.Phone}, {Text: strconv.Itoa(g.Households), Class: "num"}}
		},
		filterBar: func(r *http.Request, lang string) []field {
			return []field{filterSelect(r, "community", T(lang, "grid.community_code"), append([]option{{"", T(lang, "list.all")}}, s.placeOptions(r, gongzhi.LevelCommunity)...))}
		},
		export: func(lang string) ([]string, func(*gongzhi.Grid) []any) {
			return []string{T(lang, "grid.community_code"), T(lang, "grid.code"), T(lang, "grid.name"), T(lang, "grid.leader"), T(lang, "grid.phone"),
					T(lang, "grid.team"), T(lang, "grid.households"), T(lang, "grid.notes")}, func(g *gongzhi.Grid) []any {
					return []any{g.CommunityName, g.Code, g.Name, g.Leader, g.Phone, g.Team, g.Households, g.Notes}
				}
		},
		fields: func(r *http.Request, lang string, g *gongzhi.Grid, errs map[string]string) []field {
			if g.CommunityCode == "" {
				g.CommunityCode = r.URL.Query().Get("community")
			}
			return []field{
				{Name: "community_code", Label: T(lang, "grid.community_code"), Type: "select", Value: g.CommunityCode, Options: s.placeOptions(r, gongzhi.LevelCommunity), Error: errs["community_code"], Required: true},
				{Name: "code", Label: T(lang, "grid.code"), Type: "text", Value: g.Code, Error: errs["code"], Required: true},
				{Name: "name", Label: T(lang, "grid.name"), Type: "text", Value: g.Name, Error: errs["name"], Required: true},
				{Name: "leader", Label: T(lang, "grid.leader"), Type: "text", Value: g.Leader, Error: errs["leader"]},
				{Name: "phone", Label: T(lang, "grid.phone"), Type: "tel", Value: g.Phone, Error: errs["phone"]},
				{Name: "team", Label: T(lang, "grid.team"), Type: "textarea", Value: g.Team, Error: errs["team"], Wide: true},
				{Name: "notes", Label: T(lang, "grid.notes"), Type: "textarea", Value: g.Notes, Error: errs["notes"], Wide: true},
			}
		},
		detail: func(r *http.Request, lang string, g *gongzhi.Grid) detailView {
			ac := actorOf(r)
			dv := detailView{Rows: []kv{
				{Label: T(lang, "grid.community_code"), Value: g.CommunityName, Href: placeHref(ac, g.CommunityCode)},
				{Label: T(lang, "grid.code"), Value: g.Code},
				{Label: T(lang, "grid.leader"), Value: g.Leader},
				{Label: T(lang, "grid.phone"), Value: g.Phone},
				{Label: T(lang, "grid.team"), Value: g.Team},
				{Label: T(lang, "grid.households"), Value: strconv.Itoa(g.Households), Href: "/households?grid=" + strconv.FormatInt(g.ID, 10)},
				{Label: T(lang, "grid.notes"), Value: g.Notes},
			}}
			return dv
		},
	}
}

func (s *Server) householdResource() *resource[*gongzhi.Household] {
	a := s.app
	return &resource[*gongzhi.Household]{
		name: "households", titleKey: "nav.households", itemKey: "household", perm: "households",
		filters: []string{"community", "grid", "no_grid"},
		list: func(ctx context.Context, ac *gongzhi.Actor, o store.ListOptions, each func(*gongzhi.Household) error) (int, error) {
			return a.Households(ctx, ac, o, each)
		},
		get: func(ctx context.Context, ac *gongzhi.Actor, id string) (*gongzhi.Household, error) {
			n, err := parseID(id)
			if err != nil {
				return nil, err
			}
			return a.Household(ctx, ac, n)
		},
		create: func(ctx context.Context, ac *gongzhi.Actor, h *gongzhi.Household) error {
			h.ID = 0
			return a.SaveHousehold(ctx, ac, h)
		},
		update: func(ctx context.Context, ac *gongzhi.Actor, id string, h *gongzhi.Household) error {
			n, err := parseID(id)
			if err != nil {
				return err
			}
			h.ID = n
			return a.SaveHousehold(ctx, ac, h)
		},
		del: func(ctx context.Context, ac *gongzhi.Actor, id string) error {
			n, err := parseID(id)
			if err != nil {
				return err
			}
			return a.DeleteHousehold(ctx, ac, n)
		},
		newT:  func() *gongzhi.Household { return &gongzhi.Household{} },
		idOf:  func(h *gongzhi.Household) string { return strconv.FormatInt(h.ID, 10) },
		title: func(h *gongzhi.Household) string { return h.Address },
		columns: func(lang string) []colDef {
			return []colDef{{T(lang, "household.address"), "address"}, {T(lang, "household.head_name"), "head_name"},
				{T(lang, "household.members"), "members"}, {T(lang, "household.community_code"), ""}, {T(lang, "household.grid_id"), ""}}
		},
		row: func(lang string, h *gongzhi.Household) []cell {
			grid := h.GridName
			if grid == "" {
				grid = T(lang, "household.no_grid")
			}
			return []cell{{Text: h.Address, Href: "/households/" + strconv.FormatInt(h.ID, 10)}, {Text: h.HeadName},
				{Text: strconv.Itoa(h.Members), Class: "num"}, {Text: h.CommunityName}, {Text: grid}}
		},
		filterBar: func(r *http.Request, lang string) []field {
			return []field{
				filterSelect(r, "community", T(lang, "household.community_code"), append([]option{{"", T(lang, "list.all")}}, s.placeOptions(r, gongzhi.LevelCommunity)...)),
				filterSelect(r, "no_grid", T(lang, "household.no_grid"), []option{{"", T(lang, "list.all")}, {"1", T(lang, "household.no_grid")}}),
			}
		},
		export: func(lang string) ([]string, func(*gongzhi.Household) []any) {
			return []string{T(lang, "household.community_code"), T(lang, "household.grid_id"), T(lang, "household.address"), T(lang, "household.head_name"),
					T(lang, "household.phone"), T(lang, "household.members"), T(lang, "household.notes")}, func(h *gongzhi.Household) []any {
					return []any{h.CommunityName, h.GridName, h.Address, h.HeadName, gongzhi.MaskPhone(h.Phone), h.Members, h.Notes}
				}
		},
		fields: func(r *http.Request, lang string, h *gongzhi.Household, errs map[string]string) []field {
			if h.CommunityCode == "" {
				h.CommunityCode = r.URL.Query().Get("community")
			}
			grids := []option{{"0", "—"}}
			s.app.Grids(r.Context(), actorOf(r), store.ListOptions{Limit: 1000}, func(g *gongzhi.Grid) error {
				grids = append(grids, option{strconv.FormatInt(g.ID, 10), g.CommunityName + " · " + g.Name})
				return nil
			})
			return []field{
				{Name: "community_code", Label: T(lang, "household.community_code"), Type: "select", Value: h.CommunityCode, Options: s.placeOptions(r, gongzhi.LevelCommunity), Error: errs["community_code"], Required: true},
				{Name: "grid_id", Label: T(lang, "household.grid_id"), Type: "select", Value: strconv.FormatInt(h.GridID, 10), Options: grids, Error: errs["grid_id"]},
				{Name: "address", Label: T(lang, "household.address"), Type: "text", Value: h.Address, Error: errs["address"], Required: true, Wide: true},
				{Name: "head_name", Label: T(lang, "household.head_name"), Type: "text", Value: h.HeadName, Error: errs["head_name"]},
				{Name: "phone", Label: T(lang, "household.phone"), Type: "tel", Value: h.Phone, Error: errs["phone"]},
				{Name: "members", Label: T(lang, "household.members"), Type: "number", Value: strconv.Itoa(h.Members), Error: errs["members"]},
				{Name: "notes", Label: T(lang, "household.notes"), Type: "textarea", Value: h.Notes, Error: errs["notes"], Wide: true},
			}
		},
		detail: func(r *http.Request, lang string, h *gongzhi.Household) detailView {
			ac := actorOf(r)
			dv := detailView{Rows: []kv{
				{Label: T(lang, "household.community_code"), Value: h.CommunityName, Href: placeHref(ac, h.CommunityCode)},
				{Label: T(lang, "household.grid_id"), Value: h.GridName, Href: idHref("/grids/", h.GridID, canRead(ac, "grids"))},
				{Label: T(lang, "household.head_name"), Value: h.HeadName},
				{Label: T(lang, "household.phone"), Value: h.Phone},
				{Label: T(lang, "household.members"), Value: strconv.Itoa(h.Members)},
				{Label: T(lang, "household.notes"), Value: h.Notes},
			}}
			if canRead(ac, "people") {
				rel := related{Title: T(lang, "nav.people")}
				rel.List.Columns = []listCol{{Label: T(lang, "person.name")}, {Label: T(lang, "person.gender")}, {Label: T(lang, "person.birth_year")}, {Label: T(lang, "person.id_number")}}
				s.app.People(r.Context(), ac, store.ListOptions{Filters: map[string]string{"household": strconv.FormatInt(h.ID, 10)}, Limit: 50}, func(p *gongzhi.Person) error {
					rel.List.Rows = append(rel.List.Rows, []cell{{Text: p.Name, Href: "/people/" + strconv.FormatInt(p.ID, 10)},
						{Text: enumLabel(lang, "person.gender", p.Gender)}, {Text: yearText(p.BirthYear)}, {Text: p.IDMasked}})
					return nil
				})
				dv.Related = append(dv.Related, rel)
			}
			return dv
		},
	}
}
