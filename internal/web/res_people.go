// People (residents, social workers, volunteers, experts) in the UI and the API. ID numbers are
// shown masked; roles allowed to see them can reveal one, and that view is audited.
package web

import (
	"context"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/registry"
	"gongzhi/internal/store"
)

func (s *Server) targetGroupOptions(r *http.Request, lang string, withAll bool) []option {
	var out []option
	if withAll {
		out = append(out, option{"", T(lang, "list.all")})
	}
	groups, _ := s.app.TargetGroups(r.Context(), actorOf(r))
	for _, g := range groups {
		name := g.Name
		if lang == "en" && g.NameEn != "" {
			name = g.NameEn
		}
		out = append(out, option{g.Code, name})
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

func (s *Server) personResource() *resource[*gongzhi.Person] {
	a := s.app
	return &resource[*gongzhi.Person]{
		name: "people", titleKey: "nav.people", itemKey: "person", perm: "people",
		filters: []string{"kind", "gender", "licence", "expert_field", "target_group", "org", "place", "household", "id_number"},
		list: func(ctx context.Context, ac *gongzhi.Actor, o store.ListOptions, each func(*gongzhi.Person) error) (int, error) {
			return a.People(ctx, ac, o, each)
		},
		get: func(ctx context.Context, ac *gongzhi.Actor, id string) (*gongzhi.Person, error) {
			n, err := parseID(id)
			if err != nil {
				return nil, err
			}
			return a.Person(ctx, ac, n)
		},
		create: a.CreatePerson,
		update: func(ctx context.Context, ac *gongzhi.Actor, id string, p *gongzhi.Person) error {
			n, err := parseID(id)
			if err != nil {
				return err
			}
			p.ID = n
			return a.UpdatePerson(ctx, ac, p)
		},
		del: func(ctx context.Context, ac *gongzhi.Actor, id string) error {
			n, err := parseID(id)
			if err != nil {
				return err
			}
			return a.DeletePerson(ctx, ac, n)
		},
		newT:  func() *gongzhi.Person { return &gongzhi.Person{} },
		idOf:  func(p *gongzhi.Person) string { return strconv.FormatInt(p.ID, 10) },
		title: func(p *gongzhi.Person) string { return p.Name },
		columns: func(lang string) []colDef {
			return []colDef{{T(lang, "person.name"), "name"}, {T(lang, "person.kind"), "kind"}, {T(lang, "person.gender"), ""},
				{T(lang, "person.birth_year"), "birth_year"}, {T(lang, "person.id_number"), ""}, {T(lang, "person.phone"), ""},
				{T(lang, "person.place_code"), ""}, {T(lang, "person.org_id"), ""}, {T(lang, "person.volunteer_hours"), "volunteer_hours"}}
		},
		row: func(lang string, p *gongzhi.Person) []cell {
			return []cell{{Text: p.Name, Href: "/people/" + strconv.FormatInt(p.ID, 10)}, {Text: enumLabel(lang, "person.kind", p.Kind)},
				{Text: enumLabel(lang, "person.gender", p.Gender)}, {Text: yearText(p.BirthYear)}, {Text: p.IDMasked},
				{Text: gongzhi.MaskPhone(p.Phone)}, {Text: p.PlaceName}, {Text: p.OrgName}, {Text: hoursText(p.VolunteerHours), Class: "num"}}
		},
		filterBar: func(r *http.Request, lang string) []field {
			return []field{
				filterSelect(r, "kind", T(lang, "person.kind"), enumOptions(lang, "person.kind", gongzhi.PersonKinds, true)),
				filterSelect(r, "gender", T(lang, "person.gender"), enumOptions(lang, "person.gender", gongzhi.Genders[1:], true)),
				filterSelect(r, "licence", T(lang, "person.licence"), enumOptions(lang, "person.licence", gongzhi.Licences[1:], true)),
				filterSelect(r, "expert_field", T(lang, "person.expert_fields"), enumOptions(lang, "field", gongzhi.ExpertFields, true)),
				filterSelect(r, "target_group", T(lang, "person.target_groups"), s.targetGroupOptions(r, lang, true)),
				{Name: "id_number", Label: T(lang, "person.id_number"), Type: "search", Value: r.URL.Query().Get("id_number")},
			}
		},
		export: func(lang string) ([]string, func(*gongzhi.Person) []any) {
			h := []string{T(lang, "person.name"), T(lang, "person.kind"), T(lang, "person.gender"), T(lang, "person.birth_year"),
				T(lang, "person.id_number"), T(lang, "person.phone"), T(lang, "person.place_code"), T(lang, "person.household_id"),
				T(lang, "person.org_id"), T(lang, "person.licence"), T(lang, "person.expert_fields"), T(lang, "person.affiliation"),
				T(lang, "person.volunteer_hours"), T(lang, "person.target_groups"), T(lang, "person.notes")}
			return h, func(p *gongzhi.Person) []any {
				// exports carry masked ID numbers and phones: a spreadsheet leaves the audit trail behind
				return []any{p.Name, enumLabel(lang, "person.kind", p.Kind), enumLabel(lang, "person.gender", p.Gender), yearText(p.BirthYear),
					p.IDMasked, gongzhi.MaskPhone(p.Phone), p.PlaceName, p.HouseholdAddr, p.OrgName, enumLabel(lang, "person.licence", p.Licence),
					enumLabels(lang, "field", p.ExpertFields), p.Affiliation, p.VolunteerHours, joinCodes(p.TargetGroups), p.Notes}
			}
		},
		fields: func(r *http.Request, lang string, p *gongzhi.Person, errs map[string]string) []field {
			ac := actorOf(r)
			if p.PlaceCode == "" {
				p.PlaceCode = ac.ScopeCode
			}
			kinds := registry.PersonKindsFor(ac)
			if p.Kind == "" {
				p.Kind = kinds[0]
			}
			f := []field{
				{Name: "name", Label: T(lang, "person.name"), Type: "text", Value: p.Name, Error: errs["name"], Required: true},
				{Name: "kind", Label: T(lang, "person.kind"), Type: "select", Value: p.Kind, Options: enumOptions(lang, "person.kind", kinds, false), Error: errs["kind"], Required: true},
				{Name: "id_number", Label: T(lang, "person.id_number") + maskedSuffix(p), Type: "text", Value: p.IDNumber, Error: errs["id_number"], Help: T(lang, "person.id_help")},
				{Name: "gender", Label: T(lang, "person.gender"), Type: "select", Value: p.Gender, Options: enumOptions(lang, "person.gender", gongzhi.Genders, false), Error: errs["gender"]},
				{Name: "phone", Label: T(lang, "person.phone"), Type: "tel", Value: p.Phone, Error: errs["phone"]},
				{Name: "place_code", Label: T(lang, "person.place_code"), Type: "select", Value: p.PlaceCode, Options: s.placeOptions(r, gongzhi.LevelStreet, gongzhi.LevelCommunity), Error: errs["place_code"], Required: true},
				{Name: "household_id", Label: T(lang, "person.household_id"), Type: "number", Value: idText(p.HouseholdID), Error: errs["household_id"]},
			}
			if !gongzhi.OrgScoped(ac.Role()) {
				f = append(f, field{Name: "org_id", Label: T(lang, "person.org_id"), Type: "select", Value: idText(p.OrgID), Options: s.orgOptions(r, lang), Error: errs["org_id"]})
			}
			f = append(f,
				field{Name: "licence", Label: T(lang, "person.licence"), Type: "select", Value: p.Licence, Options: enumOptions(lang, "person.licence", gongzhi.Licences, false), Error: errs["licence"]},
				field{Name: "affiliation", Label: T(lang, "person.affiliation"), Type: "text", Value: p.Affiliation, Error: errs["affiliation"]},
				field{Name: "volunteer_hours", Label: T(lang, "person.volunteer_hours"), Type: "number", Value: hoursText(p.VolunteerHours), Error: errs["volunteer_hours"]},
				field{Name: "expert_fields", Label: T(lang, "person.expert_fields"), Type: "multi", Values: p.ExpertFields, Options: enumOptions(lang, "field", gongzhi.ExpertFields, false), Error: errs["expert_fields"], Wide: true},
				field{Name: "target_groups", Label: T(lang, "person.target_groups"), Type: "multi", Values: p.TargetGroups, Options: s.targetGroupOptions(r, lang, false), Error: errs["target_groups"], Wide: true},
				field{Name: "notes", Label: T(lang, "person.notes"), Type: "textarea", Value: p.Notes, Error: errs["notes"], Wide: true},
			)
			return f
		},
		detail: func(r *http.Request, lang string, p *gongzhi.Person) detailView {
			ac := actorOf(r)
			idRow := kv{Label: T(lang, "person.id_number"), Value: p.IDMasked}
			if p.IDMasked != "" && kernel.CanRevealID(ac) {
				idRow.Form = &inlineForm{Action: "/people/" + strconv.FormatInt(p.ID, 10) + "/reveal", Label: T(lang, "action.reveal")}
			}
			rows := []kv{
				{Label: T(lang, "person.kind"), Value: enumLabel(lang, "person.kind", p.Kind)},
				idRow,
				{Label: T(lang, "person.gender"), Value: enumLabel(lang, "person.gender", p.Gender)},
				{Label: T(lang, "person.birth_year"), Value: yearText(p.BirthYear)},
				{Label: T(lang, "person.phone"), Value: p.Phone},
				{Label: T(lang, "person.place_code"), Value: p.PlaceName, Href: placeHref(ac, p.PlaceCode)},
				{Label: T(lang, "person.household_id"), Value: p.HouseholdAddr, Href: idHref("/households/", p.HouseholdID, canRead(ac, "households"))},
				{Label: T(lang, "person.org_id"), Value: p.OrgName, Href: idHref("/organizations/", p.OrgID, true)},
				{Label: T(lang, "person.licence"), Value: enumLabel(lang, "person.licence", p.Licence)},
				{Label: T(lang, "person.expert_fields"), Value: enumLabels(lang, "field", p.ExpertFields)},
				{Label: T(lang, "person.affiliation"), Value: p.Affiliation},
				{Label: T(lang, "person.volunteer_hours"), Value: hoursText(p.VolunteerHours)},
				{Label: T(lang, "person.target_groups"), Value: s.targetGroupLabels(r, lang, p.TargetGroups)},
				{Label: T(lang, "person.notes"), Value: p.Notes},
			}
			return detailView{Rows: rows}
		},
	}
}

func maskedSuffix(p *gongzhi.Person) string {
	if p.IDMasked != "" {
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
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ac, lang := actorOf(r), langOf(r)
	plain, err := s.app.RevealIDNumber(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, map[string]string{"id_number": plain})
		return nil
	}
	p, err := s.app.Person(r.Context(), ac, id)
	if err != nil {
		return err
	}
	res := s.personResource()
	dv := res.detail(r, lang, p)
	for i := range dv.Rows {
		if dv.Rows[i].Form != nil {
			dv.Rows[i].Value, dv.Rows[i].Form = plain, nil
		}
	}
	dv.Actions = []actionLink{{Label: T(lang, "action.back"), Href: "/people/" + strconv.FormatInt(id, 10)}}
	s.render(w, r, http.StatusOK, "detail", &page{Title: p.Name, Active: "/people", Data: &dv})
	return nil
}
