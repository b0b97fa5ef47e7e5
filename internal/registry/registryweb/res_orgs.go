// Social organizations in the UI and the API.

package registryweb

import (
	"context"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/registry"
	"gongzhi/internal/web"
)

func (s *Server) orgResource() *web.Resource[*gongzhi.Organization] {
	a := s.svc
	return &web.Resource[*gongzhi.Organization]{
		Name: "organizations", TitleKey: "nav.organizations", ItemKey: "org", MayWrite: registry.MayWriteOrganizations,
		Filters: []string{"type", "reg_state", "origin", "grade", "incubation", "service_field", "place"},
		List: func(ctx context.Context, ac *gongzhi.Actor, o gongzhi.ListOptions, each func(*gongzhi.Organization) error) (int, error) {
			return a.Organizations(ctx, ac, o, each)
		},
		Get: func(ctx context.Context, ac *gongzhi.Actor, id string) (*gongzhi.Organization, error) {
			n, err := web.ParseID(id)
			if err != nil {
				return nil, err
			}
			return a.Organization(ctx, ac, n)
		},
		Create: a.CreateOrganization,
		Update: func(ctx context.Context, ac *gongzhi.Actor, id string, o *gongzhi.Organization) error {
			n, err := web.ParseID(id)
			if err != nil {
				return err
			}
			o.ID = n
			return a.UpdateOrganization(ctx, ac, o)
		},
		Del: func(ctx context.Context, ac *gongzhi.Actor, id string) error {
			n, err := web.ParseID(id)
			if err != nil {
				return err
			}
			return a.DeleteOrganization(ctx, ac, n)
		},
		NewT:      func() *gongzhi.Organization { return &gongzhi.Organization{} },
		IdOf:      func(o *gongzhi.Organization) string { return strconv.FormatInt(o.ID, 10) },
		Title:     func(o *gongzhi.Organization) string { return o.Name },
		MayCreate: registry.MayRegisterOrganizations, MayDelete: registry.MayRegisterOrganizations,
		Columns: func(lang string) []web.ColDef {
			return []web.ColDef{{Label: web.T(lang, "org.name"), Sort: "name"}, {Label: web.T(lang, "org.credit_code"), Sort: "credit_code"}, {Label: web.T(lang, "org.type"), Sort: "type"},
				{Label: web.T(lang, "org.reg_state"), Sort: ""}, {Label: web.T(lang, "org.origin"), Sort: ""}, {Label: web.T(lang, "org.grade"), Sort: "grade"},
				{Label: web.T(lang, "org.incubation"), Sort: "incubation"}, {Label: web.T(lang, "org.staff"), Sort: "staff"}, {Label: web.T(lang, "org.place_code"), Sort: ""}}
		},
		Row: func(lang string, o *gongzhi.Organization) []web.Cell {
			return []web.Cell{{Text: o.Name, Href: "/organizations/" + strconv.FormatInt(o.ID, 10)}, {Text: o.CreditCode},
				{Text: web.EnumLabel(lang, "org.type", o.Type)}, {Text: web.EnumLabel(lang, "org.reg_state", o.RegState)},
				{Text: web.EnumLabel(lang, "org.origin", o.Origin)}, {Text: web.EnumLabel(lang, "org.grade", o.Grade)},
				{Text: web.EnumLabel(lang, "org.incubation", o.Incubation)}, {Text: strconv.Itoa(o.Staff), Class: "num"}, {Text: o.PlaceName}}
		},
		FilterBar: func(r *http.Request, lang string) []web.Field {
			return []web.Field{
				web.FilterSelect(r, "type", web.T(lang, "org.type"), web.EnumOptions(lang, "org.type", gongzhi.OrgTypes, true)),
				web.FilterSelect(r, "reg_state", web.T(lang, "org.reg_state"), web.EnumOptions(lang, "org.reg_state", gongzhi.OrgRegStates, true)),
				web.FilterSelect(r, "origin", web.T(lang, "org.origin"), web.EnumOptions(lang, "org.origin", gongzhi.OrgOrigins, true)),
				web.FilterSelect(r, "grade", web.T(lang, "org.grade"), web.EnumOptions(lang, "org.grade", gongzhi.OrgGrades[1:], true)),
				web.FilterSelect(r, "incubation", web.T(lang, "org.incubation"), web.EnumOptions(lang, "org.incubation", gongzhi.OrgIncubations, true)),
				web.FilterSelect(r, "service_field", web.T(lang, "org.service_fields"), web.EnumOptions(lang, "field", gongzhi.ServiceFields, true)),
			}
		},
		Export: func(lang string) ([]string, func(*gongzhi.Organization) []any) {
			h := []string{web.T(lang, "org.name"), web.T(lang, "org.credit_code"), web.T(lang, "org.type"), web.T(lang, "org.reg_state"), web.T(lang, "org.origin"),
				web.T(lang, "org.legal_rep"), web.T(lang, "org.contact_name"), web.T(lang, "org.contact_phone"), web.T(lang, "org.email"), web.T(lang, "org.address"),
				web.T(lang, "org.place_code"), web.T(lang, "org.service_fields"), web.T(lang, "org.staff"), web.T(lang, "org.licensed_sw"), web.T(lang, "org.grade"),
				web.T(lang, "org.incubation"), web.T(lang, "org.registered_on"), web.T(lang, "org.notes")}
			return h, func(o *gongzhi.Organization) []any {
				return []any{o.Name, o.CreditCode, web.EnumLabel(lang, "org.type", o.Type), web.EnumLabel(lang, "org.reg_state", o.RegState),
					web.EnumLabel(lang, "org.origin", o.Origin), o.LegalRep, o.ContactName, o.ContactPhone, o.Email, o.Address, o.PlaceName,
					web.EnumLabels(lang, "field", o.ServiceFields), o.Staff, o.LicensedSW, web.EnumLabel(lang, "org.grade", o.Grade),
					web.EnumLabel(lang, "org.incubation", o.Incubation), o.RegisteredOn, o.Notes}
			}
		},
		Fields: func(r *http.Request, lang string, o *gongzhi.Organization, errs map[string]string) []web.Field {
			if o.PlaceCode == "" {
				if ac := web.ActorOf(r); ac != nil {
					o.PlaceCode = ac.ScopeCode
				}
			}
			if o.Incubation == "" {
				o.Incubation = "none"
			}
			provider := gongzhi.OrgScoped(web.ActorOf(r).Role())
			f := []web.Field{
				{Name: "name", Label: web.T(lang, "org.name"), Type: "text", Value: o.Name, Error: errs["name"], Required: true, Wide: true},
				{Name: "credit_code", Label: web.T(lang, "org.credit_code"), Type: "text", Value: o.CreditCode, Error: errs["credit_code"], Help: web.T(lang, "org.credit_help")},
				{Name: "type", Label: web.T(lang, "org.type"), Type: "select", Value: o.Type, Options: web.EnumOptions(lang, "org.type", gongzhi.OrgTypes, false), Error: errs["type"], Required: true},
				{Name: "reg_state", Label: web.T(lang, "org.reg_state"), Type: "select", Value: o.RegState, Options: web.EnumOptions(lang, "org.reg_state", gongzhi.OrgRegStates, false), Error: errs["reg_state"], Required: true},
				{Name: "origin", Label: web.T(lang, "org.origin"), Type: "select", Value: o.Origin, Options: web.EnumOptions(lang, "org.origin", gongzhi.OrgOrigins, false), Error: errs["origin"], Required: true},
				{Name: "place_code", Label: web.T(lang, "org.place_code"), Type: "select", Value: o.PlaceCode, Options: s.PlaceOptions(r, gongzhi.LevelDistrict, gongzhi.LevelStreet, gongzhi.LevelCommunity), Error: errs["place_code"], Required: true},
				{Name: "grade", Label: web.T(lang, "org.grade"), Type: "select", Value: o.Grade, Options: web.EnumOptions(lang, "org.grade", gongzhi.OrgGrades, false), Error: errs["grade"]},
				{Name: "incubation", Label: web.T(lang, "org.incubation"), Type: "select", Value: o.Incubation, Options: web.EnumOptions(lang, "org.incubation", gongzhi.OrgIncubations, false), Error: errs["incubation"]},
				{Name: "registered_on", Label: web.T(lang, "org.registered_on"), Type: "date", Value: o.RegisteredOn, Error: errs["registered_on"]},
				{Name: "legal_rep", Label: web.T(lang, "org.legal_rep"), Type: "text", Value: o.LegalRep, Error: errs["legal_rep"]},
				{Name: "contact_name", Label: web.T(lang, "org.contact_name"), Type: "text", Value: o.ContactName, Error: errs["contact_name"]},
				{Name: "contact_phone", Label: web.T(lang, "org.contact_phone"), Type: "tel", Value: o.ContactPhone, Error: errs["contact_phone"]},
				{Name: "email", Label: web.T(lang, "org.email"), Type: "email", Value: o.Email, Error: errs["email"]},
				{Name: "address", Label: web.T(lang, "org.address"), Type: "text", Value: o.Address, Error: errs["address"]},
				{Name: "staff", Label: web.T(lang, "org.staff"), Type: "number", Value: strconv.Itoa(o.Staff), Error: errs["staff"]},
				{Name: "licensed_sw", Label: web.T(lang, "org.licensed_sw"), Type: "number", Value: strconv.Itoa(o.LicensedSW), Error: errs["licensed_sw"]},
				{Name: "service_fields", Label: web.T(lang, "org.service_fields"), Type: "multi", Values: o.ServiceFields, Options: web.EnumOptions(lang, "field", gongzhi.ServiceFields, false), Error: errs["service_fields"], Wide: true},
				{Name: "notes", Label: web.T(lang, "org.notes"), Type: "textarea", Value: o.Notes, Error: errs["notes"], Wide: true},
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
		Detail: func(r *http.Request, lang string, o *gongzhi.Organization) (web.DetailView, error) {
			dv := web.DetailView{Rows: []web.Kv{
				{Label: web.T(lang, "org.credit_code"), Value: o.CreditCode},
				{Label: web.T(lang, "org.type"), Value: web.EnumLabel(lang, "org.type", o.Type)},
				{Label: web.T(lang, "org.reg_state"), Value: web.EnumLabel(lang, "org.reg_state", o.RegState)},
				{Label: web.T(lang, "org.origin"), Value: web.EnumLabel(lang, "org.origin", o.Origin)},
				{Label: web.T(lang, "org.grade"), Value: web.EnumLabel(lang, "org.grade", o.Grade)},
				{Label: web.T(lang, "org.incubation"), Value: web.EnumLabel(lang, "org.incubation", o.Incubation)},
				{Label: web.T(lang, "org.registered_on"), Value: o.RegisteredOn},
				{Label: web.T(lang, "org.place_code"), Value: o.PlaceName, Href: placeHref(web.ActorOf(r), o.PlaceCode)},
				{Label: web.T(lang, "org.legal_rep"), Value: o.LegalRep},
				{Label: web.T(lang, "org.contact_name"), Value: o.ContactName},
				{Label: web.T(lang, "org.contact_phone"), Value: o.ContactPhone},
				{Label: web.T(lang, "org.email"), Value: o.Email},
				{Label: web.T(lang, "org.address"), Value: o.Address},
				{Label: web.T(lang, "org.service_fields"), Value: web.EnumLabels(lang, "field", o.ServiceFields)},
				{Label: web.T(lang, "org.staff"), Value: strconv.Itoa(o.Staff)},
				{Label: web.T(lang, "org.licensed_sw"), Value: strconv.Itoa(o.LicensedSW)},
				{Label: web.T(lang, "org.notes"), Value: o.Notes},
			}}
			if o.CreatedByImport != "" {
				dv.Rows = append(dv.Rows, web.Kv{Label: web.T(lang, "org.created_by_import"), Value: web.T(lang, "org.created_by_import."+o.CreatedByImport)})
			}
			if registry.MayReadPeople(web.ActorOf(r)) {
				rel := web.Related{Title: web.T(lang, "nav.people")}
				rel.List.Columns = []web.ListCol{{Label: web.T(lang, "person.name")}, {Label: web.T(lang, "person.kind")}, {Label: web.T(lang, "person.licence")}}
				n, err := s.svc.People(r.Context(), web.ActorOf(r), gongzhi.ListOptions{Filters: map[string]string{"org": strconv.FormatInt(o.ID, 10)}, Limit: 20},
					func(p *gongzhi.Person) error {
						rel.List.Rows = append(rel.List.Rows, []web.Cell{{Text: p.Name, Href: "/people/" + strconv.FormatInt(p.ID, 10)},
							{Text: web.EnumLabel(lang, "person.kind", p.Kind)}, {Text: web.EnumLabel(lang, "person.licence", p.Licence)}})
						return nil
					})
				if err != nil {
					return dv, err
				}
				if n > 20 {
					rel.More = "/people?org=" + strconv.FormatInt(o.ID, 10)
				}
				dv.Related = append(dv.Related, rel)
			}
			return dv, nil
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
