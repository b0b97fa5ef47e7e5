// Social organizations in the UI and the API.
package web

import (
	"context"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/store"
)

func (s *Server) orgResource() *resource[*gongzhi.Organization] {
	a := s.app
	return &resource[*gongzhi.Organization]{
		name: "organizations", titleKey: "nav.organizations", itemKey: "org", perm: "organizations",
		filters: []string{"type", "reg_state", "origin", "grade", "incubation", "service_field", "place"},
		list: func(ctx context.Context, ac *gongzhi.Actor, o store.ListOptions, each func(*gongzhi.Organization) error) (int, error) {
			return a.Organizations(ctx, ac, o, each)
		},
		get: func(ctx context.Context, ac *gongzhi.Actor, id string) (*gongzhi.Organization, error) {
			n, err := parseID(id)
			if err != nil {
				return nil, err
			}
			return a.Organization(ctx, ac, n)
		},
		create: a.CreateOrganization,
		update: func(ctx context.Context, ac *gongzhi.Actor, id string, o *gongzhi.Organization) error {
			n, err := parseID(id)
			if err != nil {
				return err
			}
			o.ID = n
			return a.UpdateOrganization(ctx, ac, o)
		},
		del: func(ctx context.Context, ac *gongzhi.Actor, id string) error {
			n, err := parseID(id)
			if err != nil {
				return err
			}
			return a.DeleteOrganization(ctx, ac, n)
		},
		newT:      func() *gongzhi.Organization { return &gongzhi.Organization{} },
		idOf:      func(o *gongzhi.Organization) string { return strconv.FormatInt(o.ID, 10) },
		title:     func(o *gongzhi.Organization) string { return o.Name },
		canCreate: func(ac *gongzhi.Actor) bool { return !gongzhi.OrgScoped(ac.Role()) },
		columns: func(lang string) []colDef {
			return []colDef{{T(lang, "org.name"), "name"}, {T(lang, "org.credit_code"), "credit_code"}, {T(lang, "org.type"), "type"},
				{T(lang, "org.reg_state"), ""}, {T(lang, "org.origin"), ""}, {T(lang, "org.grade"), "grade"},
				{T(lang, "org.incubation"), "incubation"}, {T(lang, "org.staff"), "staff"}, {T(lang, "org.place_code"), ""}}
		},
		row: func(lang string, o *gongzhi.Organization) []cell {
			return []cell{{Text: o.Name, Href: "/organizations/" + strconv.FormatInt(o.ID, 10)}, {Text: o.CreditCode},
				{Text: enumLabel(lang, "org.type", o.Type)}, {Text: enumLabel(lang, "org.reg_state", o.RegState)},
				{Text: enumLabel(lang, "org.origin", o.Origin)}, {Text: enumLabel(lang, "org.grade", o.Grade)},
				{Text: enumLabel(lang, "org.incubation", o.Incubation)}, {Text: strconv.Itoa(o.Staff), Class: "num"}, {Text: o.PlaceName}}
		},
		filterBar: func(r *http.Request, lang string) []field {
			return []field{
				filterSelect(r, "type", T(lang, "org.type"), enumOptions(lang, "org.type", gongzhi.OrgTypes, true)),
				filterSelect(r, "reg_state", T(lang, "org.reg_state"), enumOptions(lang, "org.reg_state", gongzhi.OrgRegStates, true)),
				filterSelect(r, "origin", T(lang, "org.origin"), enumOptions(lang, "org.origin", gongzhi.OrgOrigins, true)),
				filterSelect(r, "grade", T(lang, "org.grade"), enumOptions(lang, "org.grade", gongzhi.OrgGrades[1:], true)),
				filterSelect(r, "incubation", T(lang, "org.incubation"), enumOptions(lang, "org.incubation", gongzhi.OrgIncubations, true)),
				filterSelect(r, "service_field", T(lang, "org.service_fields"), enumOptions(lang, "field", gongzhi.ServiceFields, true)),
			}
		},
		export: func(lang string) ([]string, func(*gongzhi.Organization) []any) {
			h := []string{T(lang, "org.name"), T(lang, "org.credit_code"), T(lang, "org.type"), T(lang, "org.reg_state"), T(lang, "org.origin"),
				T(lang, "org.legal_rep"), T(lang, "org.contact_name"), T(lang, "org.contact_phone"), T(lang, "org.email"), T(lang, "org.address"),
				T(lang, "org.place_code"), T(lang, "org.service_fields"), T(lang, "org.staff"), T(lang, "org.licensed_sw"), T(lang, "org.grade"),
				T(lang, "org.incubation"), T(lang, "org.registered_on"), T(lang, "org.notes")}
			return h, func(o *gongzhi.Organization) []any {
				return []any{o.Name, o.CreditCode, enumLabel(lang, "org.type", o.Type), enumLabel(lang, "org.reg_state", o.RegState),
					enumLabel(lang, "org.origin", o.Origin), o.LegalRep, o.ContactName, o.ContactPhone, o.Email, o.Address, o.PlaceName,
					enumLabels(lang, "field", o.ServiceFields), o.Staff, o.LicensedSW, enumLabel(lang, "org.grade", o.Grade),
					enumLabel(lang, "org.incubation", o.Incubation), o.RegisteredOn, o.Notes}
			}
		},
		fields: func(r *http.Request, lang string, o *gongzhi.Organization, errs map[string]string) []field {
			if o.PlaceCode == "" {
				if ac := actorOf(r); ac != nil {
					o.PlaceCode = ac.ScopeCode
				}
			}
			if o.Incubation == "" {
				o.Incubation = "none"
			}
			provider := gongzhi.OrgScoped(actorOf(r).Role())
			f := []field{
				{Name: "name", Label: T(lang, "org.name"), Type: "text", Value: o.Name, Error: errs["name"], Required: true, Wide: true},
				{Name: "credit_code", Label: T(lang, "org.credit_code"), Type: "text", Value: o.CreditCode, Error: errs["credit_code"], Help: T(lang, "org.credit_help")},
				{Name: "type", Label: T(lang, "org.type"), Type: "select", Value: o.Type, Options: enumOptions(lang, "org.type", gongzhi.OrgTypes, false), Error: errs["type"], Required: true},
				{Name: "reg_state", Label: T(lang, "org.reg_state"), Type: "select", Value: o.RegState, Options: enumOptions(lang, "org.reg_state", gongzhi.OrgRegStates, false), Error: errs["reg_state"], Required: true},
				{Name: "origin", Label: T(lang, "org.origin"), Type: "select", Value: o.Origin, Options: enumOptions(lang, "org.origin", gongzhi.OrgOrigins, false), Error: errs["origin"], Required: true},
				{Name: "place_code", Label: T(lang, "org.place_code"), Type: "select", Value: o.PlaceCode, Options: s.placeOptions(r, gongzhi.LevelDistrict, gongzhi.LevelStreet, gongzhi.LevelCommunity), Error: errs["place_code"], Required: true},
				{Name: "grade", Label: T(lang, "org.grade"), Type: "select", Value: o.Grade, Options: enumOptions(lang, "org.grade", gongzhi.OrgGrades, false), Error: errs["grade"]},
				{Name: "incubation", Label: T(lang, "org.incubation"), Type: "select", Value: o.Incubation, Options: enumOptions(lang, "org.incubation", gongzhi.OrgIncubations, false), Error: errs["incubation"]},
				{Name: "registered_on", Label: T(lang, "org.registered_on"), Type: "date", Value: o.RegisteredOn, Error: errs["registered_on"]},
				{Name: "legal_rep", Label: T(lang, "org.legal_rep"), Type: "text", Value: o.LegalRep, Error: errs["legal_rep"]},
				{Name: "contact_name", Label: T(lang, "org.contact_name"), Type: "text", Value: o.ContactName, Error: errs["contact_name"]},
				{Name: "contact_phone", Label: T(lang, "org.contact_phone"), Type: "tel", Value: o.ContactPhone, Error: errs["contact_phone"]},
				{Name: "email", Label: T(lang, "org.email"), Type: "email", Value: o.Email, Error: errs["email"]},
				{Name: "address", Label: T(lang, "org.address"), Type: "text", Value: o.Address, Error: errs["address"]},
				{Name: "staff", Label: T(lang, "org.staff"), Type: "number", Value: strconv.Itoa(o.Staff), Error: errs["staff"]},
				{Name: "licensed_sw", Label: T(lang, "org.licensed_sw"), Type: "number", Value: strconv.Itoa(o.LicensedSW), Error: errs["licensed_sw"]},
				{Name: "service_fields", Label: T(lang, "org.service_fields"), Type: "multi", Values: o.ServiceFields, Options: enumOptions(lang, "field", gongzhi.ServiceFields, false), Error: errs["service_fields"], Wide: true},
				{Name: "notes", Label: T(lang, "org.notes"), Type: "textarea", Value: o.Notes, Error: errs["notes"], Wide: true},
			}
			if provider { // registration facts are kept by the office: shown, not editable
				for i := range f {
					switch f[i].Name {
					case "name", "credit_code", "type", "reg_state", "origin", "place_code", "grade", "incubation", "registered_on":
						f[i].Type, f[i].Help, f[i].Required = "hidden", "", false
					}
				}
			}
			return f
		},
		detail: func(r *http.Request, lang string, o *gongzhi.Organization) detailView {
			dv := detailView{Rows: []kv{
				{Label: T(lang, "org.credit_code"), Value: o.CreditCode},
				{Label: T(lang, "org.type"), Value: enumLabel(lang, "org.type", o.Type)},
				{Label: T(lang, "org.reg_state"), Value: enumLabel(lang, "org.reg_state", o.RegState)},
				{Label: T(lang, "org.origin"), Value: enumLabel(lang, "org.origin", o.Origin)},
				{Label: T(lang, "org.grade"), Value: enumLabel(lang, "org.grade", o.Grade)},
				{Label: T(lang, "org.incubation"), Value: enumLabel(lang, "org.incubation", o.Incubation)},
				{Label: T(lang, "org.registered_on"), Value: o.RegisteredOn},
				{Label: T(lang, "org.place_code"), Value: o.PlaceName, Href: placeHref(actorOf(r), o.PlaceCode)},
				{Label: T(lang, "org.legal_rep"), Value: o.LegalRep},
				{Label: T(lang, "org.contact_name"), Value: o.ContactName},
				{Label: T(lang, "org.contact_phone"), Value: o.ContactPhone},
				{Label: T(lang, "org.email"), Value: o.Email},
				{Label: T(lang, "org.address"), Value: o.Address},
				{Label: T(lang, "org.service_fields"), Value: enumLabels(lang, "field", o.ServiceFields)},
				{Label: T(lang, "org.staff"), Value: strconv.Itoa(o.Staff)},
				{Label: T(lang, "org.licensed_sw"), Value: strconv.Itoa(o.LicensedSW)},
				{Label: T(lang, "org.notes"), Value: o.Notes},
			}}
			if canRead(actorOf(r), "people") {
				rel := related{Title: T(lang, "nav.people")}
				rel.List.Columns = []listCol{{Label: T(lang, "person.name")}, {Label: T(lang, "person.kind")}, {Label: T(lang, "person.licence")}}
				n, _ := s.app.People(r.Context(), actorOf(r), store.ListOptions{Filters: map[string]string{"org": strconv.FormatInt(o.ID, 10)}, Limit: 20},
					func(p *gongzhi.Person) error {
						rel.List.Rows = append(rel.List.Rows, []cell{{Text: p.Name, Href: "/people/" + strconv.FormatInt(p.ID, 10)},
							{Text: enumLabel(lang, "person.kind", p.Kind)}, {Text: enumLabel(lang, "person.licence", p.Licence)}})
						return nil
					})
				if n > 20 {
					rel.More = "/people?org=" + strconv.FormatInt(o.ID, 10)
				}
				dv.Related = append(dv.Related, rel)
			}
			return dv
		},
	}
}

// placeHref links to a place's page when the actor can open it.
func placeHref(ac *gongzhi.Actor, code string) string {
	if ac != nil && ac.SeesPlace(code) {
		return "/places/" + code
	}
	return ""
}
