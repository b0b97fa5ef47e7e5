// People (residents, social workers, volunteers, experts) in the UI and the API. ID numbers are
// shown masked; roles allowed to see them can reveal one, and that view is audited.

package registryweb

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/registry"
	"gongzhi/internal/web"
)

func (s *Server) targetGroupOptions(r *http.Request, lang string, withAll bool) []web.Option {
	var out []web.Option
	if withAll {
		out = append(out, web.Option{Value: "", Label: web.T(lang, "list.all")})
	}
	groups, err := s.svc.TargetGroups(r.Context(), web.ActorOf(r))
	s.LogListError(r, "target group options", err)
	for _, g := range groups {
		name := g.Name
		if lang == "en" && g.NameEn != "" {
			name = g.NameEn
		}
		out = append(out, web.Option{Value: g.Code, Label: name})
	}
	return out
}

func (s *Server) targetGroupLabels(r *http.Request, lang string, codes []string) string {
	names := map[string]string{}
	for _, o := range s.targetGroupOptions(r, lang, false) {
		names[o.Value] = o.Label
	}
	out := ""
	for i, c := range codes {
		if i > 0 {
			out += "、"
		}
		if n, ok := names[c]; ok {
			out += n
		} else {
			out += c
		}
	}
	return out
}

func (s *Server) personResource() *web.Resource[*gongzhi.Person] {
	a := s.svc
	return &web.Resource[*gongzhi.Person]{
		Name: "people", TitleKey: "nav.people", ItemKey: "person", MayWrite: registry.MayWritePeople, MayDelete: registry.MayDeletePeople, MayChange: registry.MayKeepPerson,
		Filters: []string{"kind", "gender", "licence", "expert_field", "target_group", "org", "place", "household", "id_number"},
		List: func(ctx context.Context, ac *gongzhi.Actor, o gongzhi.ListOptions, each func(*gongzhi.Person) error) (int, error) {
			return a.People(ctx, ac, o, each)
		},
		Get: func(ctx context.Context, ac *gongzhi.Actor, id string) (*gongzhi.Person, error) {
			n, err := web.ParseID(id)
			if err != nil {
				return nil, err
			}
			return a.Person(ctx, ac, n)
		},
		Create: a.CreatePerson,
		Update: func(ctx context.Context, ac *gongzhi.Actor, id string, p *gongzhi.Person) error {
			n, err := web.ParseID(id)
			if err != nil {
				return err
			}
			p.ID = n
			return a.UpdatePerson(ctx, ac, p)
		},
		Del: func(ctx context.Context, ac *gongzhi.Actor, id string) error {
			n, err := web.ParseID(id)
			if err != nil {
				return err
			}
			return a.DeletePerson(ctx, ac, n)
		},
		NewT:  func() *gongzhi.Person { return &gongzhi.Person{} },
		IdOf:  func(p *gongzhi.Person) string { return strconv.FormatInt(p.ID, 10) },
		Title: func(p *gongzhi.Person) string { return p.Name },
		Columns: func(lang string) []web.ColDef {
			return []web.ColDef{{Label: web.T(lang, "person.name"), Sort: "name"}, {Label: web.T(lang, "person.kind"), Sort: "kind"}, {Label: web.T(lang, "person.gender"), Sort: ""},
				{Label: web.T(lang, "person.birth_year"), Sort: "birth_year"}, {Label: web.T(lang, "person.id_number"), Sort: ""}, {Label: web.T(lang, "person.phone"), Sort: ""},
				{Label: web.T(lang, "person.place_code"), Sort: ""}, {Label: web.T(lang, "person.org_id"), Sort: ""}, {Label: web.T(lang, "person.volunteer_hours"), Sort: "volunteer_hours"}}
		},
		Row: func(lang string, p *gongzhi.Person) []web.Cell {
			return []web.Cell{{Text: p.Name, Href: "/people/" + strconv.FormatInt(p.ID, 10)}, {Text: web.EnumLabel(lang, "person.kind", p.Kind)},
				{Text: web.EnumLabel(lang, "person.gender", p.Gender)}, {Text: yearText(p.BirthYear)}, {Text: p.IDMasked},
				{Text: gongzhi.MaskPhone(p.Phone)}, {Text: p.PlaceName}, {Text: p.OrgName}, {Text: hoursText(p.VolunteerHours), Class: "num"}}
		},
		FilterBar: func(r *http.Request, lang string) []web.Field {
			return []web.Field{
				web.FilterSelect(r, "kind", web.T(lang, "person.kind"), web.EnumOptions(lang, "person.kind", gongzhi.PersonKinds, true)),
				web.FilterSelect(r, "gender", web.T(lang, "person.gender"), web.EnumOptions(lang, "person.gender", gongzhi.Genders[1:], true)),
				web.FilterSelect(r, "licence", web.T(lang, "person.licence"), web.EnumOptions(lang, "person.licence", gongzhi.Licences[1:], true)),
				web.FilterSelect(r, "expert_field", web.T(lang, "person.expert_fields"), web.EnumOptions(lang, "field", gongzhi.ExpertFields, true)),
				web.FilterSelect(r, "target_group", web.T(lang, "person.target_groups"), s.targetGroupOptions(r, lang, true)),
				{Name: "id_number", Label: web.T(lang, "person.id_number"), Type: "search", Value: r.URL.Query().Get("id_number")},
			}
		},
		Export: func(lang string) ([]string, func(*gongzhi.Person) []any) {
			h := []string{web.T(lang, "person.name"), web.T(lang, "person.kind"), web.T(lang, "person.gender"), web.T(lang, "person.birth_year"),
				web.T(lang, "person.id_number"), web.T(lang, "person.phone"), web.T(lang, "person.place_code"), web.T(lang, "person.household_id"),
				web.T(lang, "person.org_id"), web.T(lang, "person.licence"), web.T(lang, "person.expert_fields"), web.T(lang, "person.affiliation"),
				web.T(lang, "person.volunteer_hours"), web.T(lang, "person.target_groups"), web.T(lang, "person.notes")}
			return h, func(p *gongzhi.Person) []any {
				// exports carry masked ID numbers and phones: a spreadsheet leaves the audit trail behind
				return []any{p.Name, web.EnumLabel(lang, "person.kind", p.Kind), web.EnumLabel(lang, "person.gender", p.Gender), yearCell(p.BirthYear),
					p.IDMasked, gongzhi.MaskPhone(p.Phone), p.PlaceName, p.HouseholdAddr, p.OrgName, web.EnumLabel(lang, "person.licence", p.Licence),
					web.EnumLabels(lang, "field", p.ExpertFields), p.Affiliation, p.VolunteerHours, joinCodes(p.TargetGroups), p.Notes}
			}
		},
		Fields: func(r *http.Request, lang string, p *gongzhi.Person, errs map[string]string) []web.Field {
			ac := web.ActorOf(r)
			kinds := registry.PersonKindsFor(ac)
			if p.ID == 0 && r.Method == http.MethodGet {
				s.prefillPerson(r, p, kinds)
			}
			if p.PlaceCode == "" {
				p.PlaceCode = ac.ScopeCode
			}
			if p.Kind == "" {
				p.Kind = kinds[0]
			}
			// when: the field applies to these kinds only (shown for them, see personFieldKinds)
			when := func(f web.Field) web.Field {
				if ks := personFieldKinds[f.Name]; ks != "" {
					f.When, f.WhenValues = "kind", ks
					f.Hidden = !slices.Contains(strings.Fields(ks), p.Kind) && f.Error == ""
				}
				return f
			}
			f := []web.Field{
				{Name: "name", Label: web.T(lang, "person.name"), Type: "text", Value: p.Name, Error: errs["name"], Required: true},
				{Name: "kind", Label: web.T(lang, "person.kind"), Type: "select", Value: p.Kind, Options: web.EnumOptions(lang, "person.kind", kinds, false), Error: errs["kind"], Required: true,
					Refresh: web.T(lang, "person.kind_refresh")},
				{Name: "id_number", Label: web.T(lang, "person.id_number") + maskedSuffix(p), Type: "text", Value: p.IDNumber, Error: errs["id_number"], Help: web.T(lang, "person.id_help")},
				{Name: "gender", Label: web.T(lang, "person.gender"), Type: "select", Value: p.Gender, Options: web.EnumOptions(lang, "person.gender", gongzhi.Genders, false), Error: errs["gender"],
					Help: web.T(lang, "person.gender_help")},
				{Name: "phone", Label: web.T(lang, "person.phone"), Type: "tel", Value: p.Phone, Error: errs["phone"]},
				{Name: "place_code", Label: web.T(lang, "person.place_code"), Type: "select", Value: p.PlaceCode, Options: s.PlaceOptions(r, gongzhi.LevelStreet, gongzhi.LevelCommunity), Error: errs["place_code"], Required: true},
				when(s.householdField(r, lang, p, errs["household_id"])),
			}
			if errs["birth_year"] != "" {
				// only an API client sends a birth year; a form shows the one the ID number gives
				f = append(f, web.Field{Name: "birth_year", Label: web.T(lang, "person.birth_year"), Type: "number", Value: yearText(p.BirthYear), Error: errs["birth_year"]})
			}
			if !gongzhi.OrgScoped(ac.Role()) {
				f = append(f, when(web.Field{Name: "org_id", Label: web.T(lang, "person.org_id"), Type: "select", Value: web.IdText(p.OrgID), Options: s.OrgOptions(r, lang), Error: errs["org_id"]}))
			}
			f = append(f,
				when(web.Field{Name: "licence", Label: web.T(lang, "person.licence"), Type: "select", Value: p.Licence, Options: web.EnumOptions(lang, "person.licence", gongzhi.Licences, false), Error: errs["licence"]}),
				when(web.Field{Name: "affiliation", Label: web.T(lang, "person.affiliation"), Type: "text", Value: p.Affiliation, Error: errs["affiliation"]}),
				when(web.Field{Name: "volunteer_hours", Label: web.T(lang, "person.volunteer_hours"), Type: "number", Value: hoursText(p.VolunteerHours), Error: errs["volunteer_hours"]}),
				when(web.Field{Name: "expert_fields", Label: web.T(lang, "person.expert_fields"), Type: "multi", Values: p.ExpertFields, Options: web.EnumOptions(lang, "field", gongzhi.ExpertFields, false), Error: errs["expert_fields"], Wide: true}),
				when(web.Field{Name: "target_groups", Label: web.T(lang, "person.target_groups"), Type: "multi", Values: p.TargetGroups, Options: s.targetGroupOptions(r, lang, false), Error: errs["target_groups"], Wide: true}),
				web.Field{Name: "notes", Label: web.T(lang, "person.notes"), Type: "textarea", Value: p.Notes, Error: errs["notes"], Wide: true},
			)
			return f
		},
		Detail: func(r *http.Request, lang string, p *gongzhi.Person) (web.DetailView, error) {
			ac := web.ActorOf(r)
			idRow := web.Kv{Label: web.T(lang, "person.id_number"), Value: p.IDMasked}
			if p.IDMasked != "" && registry.MayRevealID(ac) {
				idRow.Form = &web.InlineForm{Action: "/people/" + strconv.FormatInt(p.ID, 10) + "/reveal", Label: web.T(lang, "action.reveal")}
			}
			rows := []web.Kv{
				{Label: web.T(lang, "person.kind"), Value: web.EnumLabel(lang, "person.kind", p.Kind)},
				idRow,
				{Label: web.T(lang, "person.gender"), Value: web.EnumLabel(lang, "person.gender", p.Gender)},
				{Label: web.T(lang, "person.birth_year"), Value: yearText(p.BirthYear)},
				{Label: web.T(lang, "person.phone"), Value: p.Phone},
				{Label: web.T(lang, "person.place_code"), Value: p.PlaceName, Href: placeHref(ac, p.PlaceCode)},
				{Label: web.T(lang, "person.household_id"), Value: p.HouseholdAddr, Href: idHref("/households/", p.HouseholdID, registry.MayReadHouseholds(ac))},
				{Label: web.T(lang, "person.org_id"), Value: p.OrgName, Href: idHref("/organizations/", p.OrgID, true)},
				{Label: web.T(lang, "person.licence"), Value: web.EnumLabel(lang, "person.licence", p.Licence)},
				{Label: web.T(lang, "person.expert_fields"), Value: web.EnumLabels(lang, "field", p.ExpertFields)},
				{Label: web.T(lang, "person.affiliation"), Value: p.Affiliation},
				{Label: web.T(lang, "person.volunteer_hours"), Value: hoursText(p.VolunteerHours)},
				{Label: web.T(lang, "person.target_groups"), Value: s.targetGroupLabels(r, lang, p.TargetGroups)},
				{Label: web.T(lang, "person.notes"), Value: p.Notes},
			}
			return web.DetailView{Rows: rows}, nil
		},
	}
}

// personFieldKinds are the kinds of people a field of the person form applies to; the form shows
// it for those only (a field not listed applies to everyone). A hidden field keeps its value.
var personFieldKinds = map[string]string{
	"household_id":    "resident",
	"target_groups":   "resident",
	"org_id":          "social_worker volunteer expert",
	"licence":         "social_worker",
	"volunteer_hours": "volunteer",
	"expert_fields":   "expert",
	"affiliation":     "expert",
}

// prefillPerson fills a new person's form from the link that opened it: a household's "register
// a new member" link names the household (and so the community) and the kind.
func (s *Server) prefillPerson(r *http.Request, p *gongzhi.Person, kinds []string) {
	q := r.URL.Query()
	if k := q.Get("kind"); slices.Contains(kinds, k) {
		p.Kind = k
	}
	if id, err := strconv.ParseInt(q.Get("household_id"), 10, 64); err == nil && id > 0 {
		if h, err := s.svc.Household(r.Context(), web.ActorOf(r), id); err == nil {
			p.HouseholdID, p.PlaceCode = h.ID, h.CommunityCode
		}
	}
}

// maskedSuffix names the stored ID number, masked, in the label of a saved person's ID field.
func maskedSuffix(p *gongzhi.Person) string {
	if p.ID != 0 && p.IDMasked != "" {
		return " (" + p.IDMasked + ")"
	}
	return ""
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// yearCell is a birth year for the export: a number, or an empty cell when unknown.
func yearCell(y int) any {
	if y == 0 {
		return nil
	}
	return y
}

func hoursText(h float64) string {
	if h == 0 {
		return ""
	}
	return strconv.FormatFloat(h, 'f', -1, 64)
}

func idHref(prefix string, id int64, ok bool) string {
	if id == 0 || !ok {
		return ""
	}
	return prefix + strconv.FormatInt(id, 10)
}

func joinCodes(cs []string) string {
	out := ""
	for i, c := range cs {
		if i > 0 {
			out += ","
		}
		out += c
	}
	return out
}

// revealID shows a person's full ID number once, to a role allowed to see it; the view is audited.
func (s *Server) revealID(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac, lang := web.ActorOf(r), web.LangOf(r)
	plain, err := s.svc.RevealIDNumber(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, map[string]string{"id_number": plain})
		return nil
	}
	p, err := s.svc.Person(r.Context(), ac, id)
	if err != nil {
		return err
	}
	res := s.personResource()
	dv, err := res.Detail(r, lang, p)
	if err != nil {
		return err
	}
	for i := range dv.Rows {
		if dv.Rows[i].Form != nil {
			dv.Rows[i].Value, dv.Rows[i].Form = plain, nil
		}
	}
	dv.Actions = []web.ActionLink{{Label: web.T(lang, "action.back"), Href: "/people/" + strconv.FormatInt(id, 10)}}
	s.Render(w, r, http.StatusOK, "detail", &web.Page{Title: p.Name, Active: "/people", Data: &dv})
	return nil
}
