// Places, grids and households in the UI and the API.

package registryweb

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/registry"
	"gongzhi/internal/web"
)

func (s *Server) placeResource() *web.Resource[*gongzhi.Place] {
	a := s.svc
	return &web.Resource[*gongzhi.Place]{
		Name: "places", TitleKey: "nav.places", ItemKey: "place", MayWrite: registry.MayWritePlaces, NoDelete: true,
		Filters: []string{"level", "parent", "under"},
		List: func(ctx context.Context, ac *gongzhi.Actor, o gongzhi.ListOptions, each func(*gongzhi.Place) error) (int, error) {
			return a.Places(ctx, ac, o, each)
		},
		Get:    a.Place,
		Create: a.CreatePlace,
		Update: func(ctx context.Context, ac *gongzhi.Actor, code string, p *gongzhi.Place) error {
			p.Code, p.Level = code, -1 // the edit form only renames
			return a.RenamePlace(ctx, ac, code, p.Name)
		},
		NewT:  func() *gongzhi.Place { return &gongzhi.Place{} },
		IdOf:  func(p *gongzhi.Place) string { return p.Code },
		Title: func(p *gongzhi.Place) string { return p.Name },
		Columns: func(lang string) []web.ColDef {
			return []web.ColDef{{Label: web.T(lang, "place.code"), Sort: "code"}, {Label: web.T(lang, "place.name"), Sort: "name"}, {Label: web.T(lang, "place.level"), Sort: "level"},
				{Label: web.T(lang, "place.parent"), Sort: ""}, {Label: web.T(lang, "place.children"), Sort: ""}}
		},
		Row: func(lang string, p *gongzhi.Place) []web.Cell {
			return []web.Cell{{Text: p.Code, Href: "/places/" + p.Code}, {Text: p.Name}, {Text: web.T(lang, "place.level."+strconv.Itoa(p.Level))},
				{Text: p.ParentName}, {Text: strconv.Itoa(p.Children), Class: "num"}}
		},
		FilterBar: func(r *http.Request, lang string) []web.Field {
			opts := []web.Option{{Value: "", Label: web.T(lang, "list.all")}}
			for l := 1; l <= 5; l++ {
				opts = append(opts, web.Option{Value: strconv.Itoa(l), Label: web.T(lang, "place.level."+strconv.Itoa(l))})
			}
			return []web.Field{web.FilterSelect(r, "level", web.T(lang, "place.level"), opts)}
		},
		Export: func(lang string) ([]string, func(*gongzhi.Place) []any) {
			return []string{web.T(lang, "place.code"), web.T(lang, "place.name"), web.T(lang, "place.level"), web.T(lang, "place.parent_code"), web.T(lang, "place.parent")},
				func(p *gongzhi.Place) []any {
					return []any{p.Code, p.Name, web.T(lang, "place.level."+strconv.Itoa(p.Level)), p.ParentCode, p.ParentName}
				}
		},
		Fields: func(r *http.Request, lang string, p *gongzhi.Place, errs map[string]string) []web.Field {
			if p.Code != "" && p.Level != 0 { // editing: only the name changes
				return []web.Field{{Name: "name", Label: web.T(lang, "place.name"), Type: "text", Value: p.Name, Error: errs["name"], Required: true}}
			}
			if p.ParentCode == "" {
				p.ParentCode = r.URL.Query().Get("parent")
			}
			return []web.Field{
				{Name: "parent_code", Label: web.T(lang, "place.parent_code"), Type: "select", Value: p.ParentCode,
					Options: s.PlaceOptions(r, gongzhi.LevelDistrict, gongzhi.LevelStreet), Error: errs["parent_code"], Required: true},
				{Name: "code", Label: web.T(lang, "place.code"), Type: "text", Value: p.Code, Error: errs["code"], Required: true, Help: web.T(lang, "place.code_format")},
				{Name: "name", Label: web.T(lang, "place.name"), Type: "text", Value: p.Name, Error: errs["name"], Required: true},
			}
		},
		Detail: func(r *http.Request, lang string, p *gongzhi.Place) (web.DetailView, error) {
			ac := web.ActorOf(r)
			dv := web.DetailView{Rows: []web.Kv{
				{Label: web.T(lang, "place.code"), Value: p.Code},
				{Label: web.T(lang, "place.level"), Value: web.T(lang, "place.level."+strconv.Itoa(p.Level))},
				{Label: web.T(lang, "place.parent"), Value: p.ParentName, Href: placeHref(ac, p.ParentCode)},
				{Label: web.T(lang, "place.children"), Value: strconv.Itoa(p.Children)},
			}}
			if p.Children > 0 {
				rel := web.Related{Title: web.T(lang, "place.children")}
				rel.List.Columns = []web.ListCol{{Label: web.T(lang, "place.code")}, {Label: web.T(lang, "place.name")}}
				n, err := s.svc.Places(r.Context(), ac, gongzhi.ListOptions{Filters: map[string]string{"parent": p.Code}, Limit: 50},
					func(c *gongzhi.Place) error {
						rel.List.Rows = append(rel.List.Rows, []web.Cell{{Text: c.Code, Href: "/places/" + c.Code}, {Text: c.Name}})
						return nil
					})
				if err != nil {
					return dv, err
				}
				if n > 50 {
					rel.More = "/places?parent=" + p.Code
				}
				dv.Related = append(dv.Related, rel)
			}
			if p.Level == gongzhi.LevelCommunity && registry.MayReadGrids(ac) {
				rel := web.Related{Title: web.T(lang, "nav.grids")}
				rel.List.Columns = []web.ListCol{{Label: web.T(lang, "grid.code")}, {Label: web.T(lang, "grid.name")}, {Label: web.T(lang, "grid.leader")}, {Label: web.T(lang, "grid.households")}}
				n, err := s.svc.Grids(r.Context(), ac, gongzhi.ListOptions{Filters: map[string]string{"community": p.Code}, Limit: 100}, func(g *gongzhi.Grid) error {
					rel.List.Rows = append(rel.List.Rows, []web.Cell{{Text: g.Code}, {Text: g.Name, Href: "/grids/" + strconv.FormatInt(g.ID, 10)},
						{Text: g.Leader}, {Text: strconv.Itoa(g.Households)}})
					return nil
				})
				if err != nil {
					return dv, err
				}
				if n > 100 {
					rel.More = "/grids?community=" + p.Code
				}
				dv.Related = append(dv.Related, rel)
			}
			if p.Level < gongzhi.LevelCommunity && registry.MayWritePlaces(ac) {
				dv.Actions = append(dv.Actions, web.ActionLink{Label: web.T(lang, "action.create") + " · " + web.T(lang, "place.level."+strconv.Itoa(p.Level+1)), Href: "/places/new?parent=" + p.Code})
			}
			return dv, nil
		},
	}
}

func (s *Server) gridResource() *web.Resource[*gongzhi.Grid] {
	a := s.svc
	return &web.Resource[*gongzhi.Grid]{
		Name: "grids", TitleKey: "nav.grids", ItemKey: "grid", MayWrite: registry.MayWriteGrids, MayDelete: registry.MayWriteGrids,
		Filters: []string{"community"},
		List: func(ctx context.Context, ac *gongzhi.Actor, o gongzhi.ListOptions, each func(*gongzhi.Grid) error) (int, error) {
			return a.Grids(ctx, ac, o, each)
		},
		Get: func(ctx context.Context, ac *gongzhi.Actor, id string) (*gongzhi.Grid, error) {
			n, err := web.ParseID(id)
			if err != nil {
				return nil, err
			}
			return a.Grid(ctx, ac, n)
		},
		Create: func(ctx context.Context, ac *gongzhi.Actor, g *gongzhi.Grid) error {
			g.ID = 0
			return a.SaveGrid(ctx, ac, g)
		},
		Update: func(ctx context.Context, ac *gongzhi.Actor, id string, g *gongzhi.Grid) error {
			n, err := web.ParseID(id)
			if err != nil {
				return err
			}
			g.ID = n
			return a.SaveGrid(ctx, ac, g)
		},
		Del: func(ctx context.Context, ac *gongzhi.Actor, id string) error {
			n, err := web.ParseID(id)
			if err != nil {
				return err
			}
			return a.DeleteGrid(ctx, ac, n)
		},
		NewT:  func() *gongzhi.Grid { return &gongzhi.Grid{} },
		IdOf:  func(g *gongzhi.Grid) string { return strconv.FormatInt(g.ID, 10) },
		Title: func(g *gongzhi.Grid) string { return g.Name },
		Columns: func(lang string) []web.ColDef {
			return []web.ColDef{{Label: web.T(lang, "grid.community_code"), Sort: "code"}, {Label: web.T(lang, "grid.code"), Sort: ""}, {Label: web.T(lang, "grid.name"), Sort: "name"},
				{Label: web.T(lang, "grid.leader"), Sort: ""}, {Label: web.T(lang, "grid.phone"), Sort: ""}, {Label: web.T(lang, "grid.households"), Sort: ""}}
		},
		Row: func(lang string, g *gongzhi.Grid) []web.Cell {
			return []web.Cell{{Text: g.CommunityName}, {Text: g.Code}, {Text: g.Name, Href: "/grids/" + strconv.FormatInt(g.ID, 10)},
				{Text: g.Leader}, {Text: g.Phone}, {Text: strconv.Itoa(g.Households), Class: "num"}}
		},
		FilterBar: func(r *http.Request, lang string) []web.Field {
			return []web.Field{web.FilterSelect(r, "community", web.T(lang, "grid.community_code"), append([]web.Option{{Value: "", Label: web.T(lang, "list.all")}}, s.PlaceOptions(r, gongzhi.LevelCommunity)...))}
		},
		Export: func(lang string) ([]string, func(*gongzhi.Grid) []any) {
			return []string{web.T(lang, "grid.community_code"), web.T(lang, "grid.code"), web.T(lang, "grid.name"), web.T(lang, "grid.leader"), web.T(lang, "grid.phone"),
					web.T(lang, "grid.team"), web.T(lang, "grid.households"), web.T(lang, "grid.notes")}, func(g *gongzhi.Grid) []any {
					return []any{g.CommunityName, g.Code, g.Name, g.Leader, g.Phone, g.Team, g.Households, g.Notes}
				}
		},
		Fields: func(r *http.Request, lang string, g *gongzhi.Grid, errs map[string]string) []web.Field {
			if g.CommunityCode == "" {
				g.CommunityCode = r.URL.Query().Get("community")
			}
			return []web.Field{
				{Name: "community_code", Label: web.T(lang, "grid.community_code"), Type: "select", Value: g.CommunityCode, Options: s.PlaceOptions(r, gongzhi.LevelCommunity), Error: errs["community_code"], Required: true},
				{Name: "code", Label: web.T(lang, "grid.code"), Type: "text", Value: g.Code, Error: errs["code"], Required: true},
				{Name: "name", Label: web.T(lang, "grid.name"), Type: "text", Value: g.Name, Error: errs["name"], Required: true},
				{Name: "leader", Label: web.T(lang, "grid.leader"), Type: "text", Value: g.Leader, Error: errs["leader"]},
				{Name: "phone", Label: web.T(lang, "grid.phone"), Type: "tel", Value: g.Phone, Error: errs["phone"]},
				{Name: "team", Label: web.T(lang, "grid.team"), Type: "textarea", Value: g.Team, Error: errs["team"], Wide: true},
				{Name: "notes", Label: web.T(lang, "grid.notes"), Type: "textarea", Value: g.Notes, Error: errs["notes"], Wide: true},
			}
		},
		Detail: func(r *http.Request, lang string, g *gongzhi.Grid) (web.DetailView, error) {
			ac := web.ActorOf(r)
			dv := web.DetailView{Rows: []web.Kv{
				{Label: web.T(lang, "grid.community_code"), Value: g.CommunityName, Href: placeHref(ac, g.CommunityCode)},
				{Label: web.T(lang, "grid.code"), Value: g.Code},
				{Label: web.T(lang, "grid.leader"), Value: g.Leader},
				{Label: web.T(lang, "grid.phone"), Value: g.Phone},
				{Label: web.T(lang, "grid.team"), Value: g.Team},
				{Label: web.T(lang, "grid.households"), Value: strconv.Itoa(g.Households), Href: "/households?grid=" + strconv.FormatInt(g.ID, 10)},
				{Label: web.T(lang, "grid.notes"), Value: g.Notes},
			}}
			return dv, nil
		},
	}
}

func (s *Server) householdResource() *web.Resource[*gongzhi.Household] {
	a := s.svc
	return &web.Resource[*gongzhi.Household]{
		Name: "households", TitleKey: "nav.households", ItemKey: "household", MayWrite: registry.MayWriteHouseholds, MayDelete: registry.MayWriteHouseholds,
		Filters: []string{"community", "grid", "no_grid"},
		List: func(ctx context.Context, ac *gongzhi.Actor, o gongzhi.ListOptions, each func(*gongzhi.Household) error) (int, error) {
			return a.Households(ctx, ac, o, each)
		},
		Get: func(ctx context.Context, ac *gongzhi.Actor, id string) (*gongzhi.Household, error) {
			n, err := web.ParseID(id)
			if err != nil {
				return nil, err
			}
			return a.Household(ctx, ac, n)
		},
		Create: func(ctx context.Context, ac *gongzhi.Actor, h *gongzhi.Household) error {
			h.ID = 0
			return a.SaveHousehold(ctx, ac, h)
		},
		Update: func(ctx context.Context, ac *gongzhi.Actor, id string, h *gongzhi.Household) error {
			n, err := web.ParseID(id)
			if err != nil {
				return err
			}
			h.ID = n
			return a.SaveHousehold(ctx, ac, h)
		},
		Del: func(ctx context.Context, ac *gongzhi.Actor, id string) error {
			n, err := web.ParseID(id)
			if err != nil {
				return err
			}
			return a.DeleteHousehold(ctx, ac, n)
		},
		NewT:  func() *gongzhi.Household { return &gongzhi.Household{} },
		IdOf:  func(h *gongzhi.Household) string { return strconv.FormatInt(h.ID, 10) },
		Title: func(h *gongzhi.Household) string { return h.Address },
		Columns: func(lang string) []web.ColDef {
			return []web.ColDef{{Label: web.T(lang, "household.address"), Sort: "address"}, {Label: web.T(lang, "household.head_name"), Sort: "head_name"},
				{Label: web.T(lang, "household.members"), Sort: "members"}, {Label: web.T(lang, "household.community_code"), Sort: ""}, {Label: web.T(lang, "household.grid_id"), Sort: ""}}
		},
		Row: func(lang string, h *gongzhi.Household) []web.Cell {
			grid := h.GridName
			if grid == "" {
				grid = web.T(lang, "household.no_grid")
			}
			return []web.Cell{{Text: h.Address, Href: "/households/" + strconv.FormatInt(h.ID, 10)}, {Text: h.HeadName},
				{Text: strconv.Itoa(h.Members), Class: "num"}, {Text: h.CommunityName}, {Text: grid}}
		},
		FilterBar: func(r *http.Request, lang string) []web.Field {
			return []web.Field{
				web.FilterSelect(r, "community", web.T(lang, "household.community_code"), append([]web.Option{{Value: "", Label: web.T(lang, "list.all")}}, s.PlaceOptions(r, gongzhi.LevelCommunity)...)),
				web.FilterSelect(r, "no_grid", web.T(lang, "household.no_grid"), []web.Option{{Value: "", Label: web.T(lang, "list.all")}, {Value: "1", Label: web.T(lang, "household.no_grid")}}),
			}
		},
		Export: func(lang string) ([]string, func(*gongzhi.Household) []any) {
			return []string{web.T(lang, "household.community_code"), web.T(lang, "household.grid_id"), web.T(lang, "household.address"), web.T(lang, "household.head_name"),
					web.T(lang, "household.phone"), web.T(lang, "household.members"), web.T(lang, "household.notes")}, func(h *gongzhi.Household) []any {
					return []any{h.CommunityName, h.GridName, h.Address, h.HeadName, gongzhi.MaskPhone(h.Phone), h.Members, h.Notes}
				}
		},
		Fields: func(r *http.Request, lang string, h *gongzhi.Household, errs map[string]string) []web.Field {
			if h.CommunityCode == "" {
				h.CommunityCode = r.URL.Query().Get("community")
			}
			// every grid within the actor's scope: the scope bounds them
			grids := []web.Option{{Value: "0", Label: "—"}}
			_, err := s.svc.Grids(r.Context(), web.ActorOf(r), gongzhi.ListOptions{}, func(g *gongzhi.Grid) error {
				grids = append(grids, web.Option{Value: strconv.FormatInt(g.ID, 10), Label: g.CommunityName + " · " + g.Name})
				return nil
			})
			s.LogListError(r, "grid options", err)
			return []web.Field{
				{Name: "community_code", Label: web.T(lang, "household.community_code"), Type: "select", Value: h.CommunityCode, Options: s.PlaceOptions(r, gongzhi.LevelCommunity), Error: errs["community_code"], Required: true},
				{Name: "grid_id", Label: web.T(lang, "household.grid_id"), Type: "select", Value: strconv.FormatInt(h.GridID, 10), Options: grids, Error: errs["grid_id"]},
				{Name: "code", Label: web.T(lang, "household.code"), Type: "text", Value: h.Code, Error: errs["code"]},
				{Name: "address", Label: web.T(lang, "household.address"), Type: "text", Value: h.Address, Error: errs["address"], Required: true, Wide: true},
				{Name: "head_name", Label: web.T(lang, "household.head_name"), Type: "text", Value: h.HeadName, Error: errs["head_name"]},
				{Name: "phone", Label: web.T(lang, "household.phone"), Type: "tel", Value: h.Phone, Error: errs["phone"]},
				{Name: "members", Label: web.T(lang, "household.members"), Type: "number", Value: strconv.Itoa(h.Members), Error: errs["members"]},
				{Name: "notes", Label: web.T(lang, "household.notes"), Type: "textarea", Value: h.Notes, Error: errs["notes"], Wide: true},
			}
		},
		Detail: func(r *http.Request, lang string, h *gongzhi.Household) (web.DetailView, error) {
			ac := web.ActorOf(r)
			dv := web.DetailView{Rows: []web.Kv{
				{Label: web.T(lang, "household.community_code"), Value: h.CommunityName, Href: placeHref(ac, h.CommunityCode)},
				{Label: web.T(lang, "household.grid_id"), Value: h.GridName, Href: idHref("/grids/", h.GridID, registry.MayReadGrids(ac))},
				{Label: web.T(lang, "household.code"), Value: h.Code},
				{Label: web.T(lang, "household.head_name"), Value: h.HeadName},
				{Label: web.T(lang, "household.phone"), Value: h.Phone},
				{Label: web.T(lang, "household.members"), Value: strconv.Itoa(h.Members)},
				{Label: web.T(lang, "household.notes"), Value: h.Notes},
			}}
			if registry.MayReadPeople(ac) {
				rel := web.Related{Title: web.T(lang, "nav.people")}
				rel.List.Columns = []web.ListCol{{Label: web.T(lang, "person.name")}, {Label: web.T(lang, "person.gender")}, {Label: web.T(lang, "person.birth_year")}, {Label: web.T(lang, "person.id_number")}}
				n, err := s.svc.People(r.Context(), ac, gongzhi.ListOptions{Filters: map[string]string{"household": strconv.FormatInt(h.ID, 10)}, Limit: 50}, func(p *gongzhi.Person) error {
					rel.List.Rows = append(rel.List.Rows, []web.Cell{{Text: p.Name, Href: "/people/" + strconv.FormatInt(p.ID, 10)},
						{Text: web.EnumLabel(lang, "person.gender", p.Gender)}, {Text: yearText(p.BirthYear)}, {Text: p.IDMasked}})
					return nil
				})
				if err != nil {
					return dv, err
				}
				if n > 50 {
					rel.More = "/people?household=" + strconv.FormatInt(h.ID, 10)
				}
				if registry.MayAddHouseholdMember(ac) {
					rel.Form = s.memberForm(r, lang, h)
				}
				dv.Related = append(dv.Related, rel)
			}
			return dv, nil
		},
	}
}

// householdPickMax is the most households a household select lists: the matches of what was
// typed, or the first ones of the community when nothing was.
const householdPickMax = 30

// householdLabel names a household in a select: its address, and its head if known.
func householdLabel(h *gongzhi.Household) string {
	if h.HeadName != "" {
		return h.Address + " · " + h.HeadName
	}
	return h.Address
}

// householdMatches lists the households of a community (in the actor's scope) whose address or
// head matches q, at most householdPickMax, by address.
func (s *Server) householdMatches(r *http.Request, community, q string) []web.PickOption {
	out := []web.PickOption{}
	if len(community) != 12 {
		return out
	}
	_, err := s.svc.Households(r.Context(), web.ActorOf(r), gongzhi.ListOptions{Q: web.TruncateRunes(strings.TrimSpace(q), 100),
		Filters: map[string]string{"community": community}, Sort: "address", Limit: householdPickMax},
		func(h *gongzhi.Household) error {
			out = append(out, web.PickOption{Value: strconv.FormatInt(h.ID, 10), Label: householdLabel(h)})
			return nil
		})
	s.LogListError(r, "household matches", err)
	return out
}

// householdField is a resident's household picked by its address: a search box and a select of
// the matches in the person's community, the household chosen now kept first.
func (s *Server) householdField(r *http.Request, lang string, p *gongzhi.Person, errText string) web.Field {
	typed := r.FormValue("household_q")
	opts := []web.Option{{Value: "", Label: web.T(lang, "household.none")}}
	if p.HouseholdID != 0 {
		label := p.HouseholdAddr
		if h, err := s.svc.Household(r.Context(), web.ActorOf(r), p.HouseholdID); err == nil {
			label = householdLabel(h)
		}
		if label == "" {
			label = "#" + strconv.FormatInt(p.HouseholdID, 10)
		}
		opts = append(opts, web.Option{Value: strconv.FormatInt(p.HouseholdID, 10), Label: label})
	}
	for _, m := range s.householdMatches(r, p.PlaceCode, typed) {
		if m.Value != web.IdText(p.HouseholdID) {
			opts = append(opts, web.Option(m))
		}
	}
	help := web.T(lang, "household.pick_help")
	if typed != "" && len(opts) == 1 {
		help = web.T(lang, "household.pick_none") + " " + help
	}
	return web.Field{Name: "household_id", Label: web.T(lang, "person.household_id"), Type: "select", Value: web.IdText(p.HouseholdID), Options: opts,
		Error: errText, Help: help, Search: &web.FieldSearch{Name: "household_q", Value: typed, Label: web.T(lang, "household.pick_search"),
			Button: web.T(lang, "household.pick_find"), Source: "/households/pick", Scope: "place_code"}}
}

// householdPick answers the household search box as one types: the households of the community
// named by scope whose address or head matches q, as JSON options.
func (s *Server) householdPick(w http.ResponseWriter, r *http.Request) error {
	if !registry.MayReadHouseholds(web.ActorOf(r)) {
		return gongzhi.Forbidden()
	}
	q := r.URL.Query()
	web.WriteJSON(w, http.StatusOK, s.householdMatches(r, q.Get("scope"), q.Get("q")))
	return nil
}

// memberForm adds a member to a household: a resident of its community picked from those the
// search box finds (by name or whole ID number; the first ones when nothing is typed), or a link
// to register a new resident already linked to the household.
func (s *Server) memberForm(r *http.Request, lang string, h *gongzhi.Household) *web.RelatedForm {
	typed := strings.TrimSpace(r.FormValue("member_q"))
	opts := []web.Option{{Value: "", Label: "—"}}
	_, err := s.svc.People(r.Context(), web.ActorOf(r), gongzhi.ListOptions{Q: web.TruncateRunes(typed, 100),
		Filters: map[string]string{"place": h.CommunityCode, "kind": "resident"}, Sort: "name", Limit: householdPickMax},
		func(p *gongzhi.Person) error {
			if p.HouseholdID == h.ID {
				return nil
			}
			label := p.Name
			if p.IDMasked != "" {
				label += " · " + p.IDMasked
			}
			if p.HouseholdAddr != "" {
				label += " · " + web.T(lang, "household.member_now") + p.HouseholdAddr
			}
			opts = append(opts, web.Option{Value: strconv.FormatInt(p.ID, 10), Label: label})
			return nil
		})
	s.LogListError(r, "household member choices", err)
	help := web.T(lang, "household.member_help")
	if typed != "" && len(opts) == 1 {
		help = web.T(lang, "household.member_none") + " " + help
	}
	id := strconv.FormatInt(h.ID, 10)
	return &web.RelatedForm{Title: web.T(lang, "household.add_member"),
		Search: &web.FieldSearch{Name: "member_q", Value: typed, Label: web.T(lang, "household.member_search"), Button: web.T(lang, "household.pick_find")},
		Action: "/households/" + id + "/members", Submit: web.T(lang, "household.add_member_submit"),
		Fields: []web.Field{{Name: "person_id", Label: web.T(lang, "household.member_pick"), Type: "select", Options: opts, Required: true, Help: help, Wide: true}},
		Links:  []web.ActionLink{{Label: web.T(lang, "household.member_new"), Href: "/people/new?kind=resident&household_id=" + id}},
	}
}

// memberAdd is the request to add an existing person to a household.
type memberAdd struct {
	PersonID int64 `json:"person_id"`
}

// addMember adds an existing resident of a household's community to the household (the
// household page's form and the API); a refusal shows on the household page.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	var m memberAdd
	id, err := s.DecodeAt(w, r, &m)
	if err == nil {
		err = s.svc.AddHouseholdMember(r.Context(), ac, id, m.PersonID)
	}
	if e, ok := web.PpFieldErr(err); ok && !web.IsAPIPath(r) {
		h, gerr := s.svc.Household(r.Context(), ac, id)
		if gerr != nil {
			return gerr
		}
		return s.householdResource().RenderDetail(s.Server, w, r, web.PpStatusFor(e), h, e)
	} else if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		p, err := s.svc.Person(r.Context(), ac, m.PersonID)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, p)
		return nil
	}
	return s.Redirect(w, r, "/households/"+strconv.FormatInt(id, 10), web.T(lang, "household.member_added"))
}

// householdAPIDocs are the household page's operations in the API.
func householdAPIDocs() map[string]web.ApiDoc {
	return map[string]web.ApiDoc{
		"POST /api/v1/households/{id}/members": {Summary: "Add an existing resident of the household's community to the household (community staff, grid workers); once: a resident already of the household answers 409 (person_id: household.member_already)",
			Req: memberAdd{}, Resp: gongzhi.Person{}},
	}
}
