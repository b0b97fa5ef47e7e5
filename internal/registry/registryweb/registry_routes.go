// Registry pages besides the generic resources: target groups and the Excel imports of
// organizations and people.

package registryweb

import (
	"errors"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/registry"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

func (s *Server) targetGroups(w http.ResponseWriter, r *http.Request) error {
	return s.renderTargetGroups(w, r, http.StatusOK, &gongzhi.TargetGroup{}, nil)
}

func (s *Server) renderTargetGroups(w http.ResponseWriter, r *http.Request, status int, t *gongzhi.TargetGroup, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	groups, err := s.svc.TargetGroups(r.Context(), ac)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, status, map[string]any{"items": groups})
		return nil
	}
	lv := web.ListView{Action: "/target-groups", Total: len(groups), Page: 1}
	web.PageLinks(r, &lv, []web.ColDef{{Label: web.T(lang, "target_group.code"), Sort: ""}, {Label: web.T(lang, "target_group.name"), Sort: ""}, {Label: web.T(lang, "target_group.name_en"), Sort: ""}, {Label: web.T(lang, "target_group.builtin"), Sort: ""}}, 0)
	for _, g := range groups {
		lv.Rows = append(lv.Rows, []web.Cell{{Text: g.Code}, {Text: g.Name}, {Text: g.NameEn}, {Text: web.YesNo(lang, g.Builtin)}})
	}
	data := struct {
		web.ListView
		Form *web.FormView
	}{lv, nil}
	if registry.MayWriteTargetGroups(ac) {
		errs := map[string]string{}
		if e != nil {
			for k, v := range e.Fields {
				errs[k] = web.T(lang, v)
			}
		}
		data.Form = &web.FormView{Action: "/target-groups", Submit: web.T(lang, "action.create"), Fields: []web.Field{
			{Name: "code", Label: web.T(lang, "target_group.code"), Type: "text", Value: t.Code, Error: errs["code"], Required: true},
			{Name: "name", Label: web.T(lang, "target_group.name"), Type: "text", Value: t.Name, Error: errs["name"], Required: true},
			{Name: "name_en", Label: web.T(lang, "target_group.name_en"), Type: "text", Value: t.NameEn, Error: errs["name_en"]},
		}}
	}
	s.Render(w, r, status, "target_groups", &web.Page{Title: web.T(lang, "nav.target_groups"), Active: "/target-groups", Data: &data, Error: e})
	return nil
}

func (s *Server) saveTargetGroup(w http.ResponseWriter, r *http.Request) error {
	t := &gongzhi.TargetGroup{}
	err := s.Decode(w, r, t)
	if err == nil {
		err = s.svc.SaveTargetGroup(r.Context(), web.ActorOf(r), t, true)
	}
	if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 && !web.IsAPIPath(r) {
		return s.renderTargetGroups(w, r, web.StatusOf[e.Code], t, e)
	} else if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusCreated, t)
		return nil
	}
	return s.Redirect(w, r, "/target-groups", web.T(web.LangOf(r), "saved"))
}

type importData struct {
	*web.FormView
	TemplateURL string
	Problems    []importProblem
}

type importProblem struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func importColumns(kind string) []xlsx.Column { return registry.ImportColumns(kind) }

func (s *Server) importForm(kind, lang string) *importData {
	return &importData{
		FormView: &web.FormView{Action: "/" + kind + "/import", Submit: web.T(lang, "action.upload"), Multipart: true, Cancel: "/" + kind,
			Fields: []web.Field{{Name: "file", Label: "Excel (.xlsx) / CSV", Type: "file", Required: true, Wide: true}}},
		TemplateURL: "/" + kind + "/import-template.xlsx",
	}
}

// mayImport is the rule for importing organizations, people, grids or households: the rule for
// keeping them.
func mayImport(kind string) func(*gongzhi.Actor) bool {
	switch kind {
	case "organizations":
		return registry.MayWriteOrganizations
	case "grids":
		return registry.MayWriteGrids
	case "households":
		return registry.MayWriteHouseholds
	}
	return registry.MayWritePeople
}

func (s *Server) importPage(kind string) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := web.ActorOf(r), web.LangOf(r)
		if !mayImport(kind)(ac) {
			return gongzhi.Forbidden()
		}
		s.Render(w, r, http.StatusOK, "import", &web.Page{Title: web.T(lang, "action.import") + " · " + web.T(lang, "nav."+kind), Active: "/" + kind, Data: s.importForm(kind, lang)})
		return nil
	}
}

func (s *Server) importTemplate(kind string) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !mayImport(kind)(web.ActorOf(r)) {
			return gongzhi.Forbidden()
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+kind+`-template.xlsx"`)
		return xlsx.Template(w, web.T("zh-CN", "nav."+kind), importColumns(kind), nil)
	}
}

func (s *Server) importUpload(kind string) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := web.ActorOf(r), web.LangOf(r)
		if !mayImport(kind)(ac) {
			return gongzhi.Forbidden()
		}
		file, csv, err := web.ImportFile(w, r, s.Opts.MaxUpload)
		if err != nil {
			return err
		}
		defer file.Close()
		importFile, maxRows := s.svc.ImportExcel, 200_000
		if csv {
			importFile, maxRows = s.svc.ImportCSV, 1_000_000 // large lists: the households of a whole city
		}
		n, err := importFile(r.Context(), ac, kind, file, maxRows)
		var rowErrs xlsx.Errors
		switch {
		case err == nil:
		case errors.As(err, &rowErrs):
			problems := make([]importProblem, 0, len(rowErrs))
			for _, e := range rowErrs {
				problems = append(problems, importProblem{Line: e.Line, Column: e.Column, Field: e.Key, Reason: web.T(lang, e.Reason)})
			}
			if web.IsAPIPath(r) {
				fields := map[string]web.FieldError{}
				for _, e := range rowErrs {
					fields["row "+strconv.Itoa(e.Line)+" "+e.Key] = web.FieldErrorOf(lang, e.Reason)
				}
				web.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": web.ApiError{Code: gongzhi.EINVALID,
					Message: web.T(lang, "err.import:"+strconv.Itoa(len(problems))), Fields: fields}, "problems": problems})
				return nil
			}
			d := s.importForm(kind, lang)
			d.Problems = problems
			s.Render(w, r, http.StatusUnprocessableEntity, "import", &web.Page{Title: web.T(lang, "action.import") + " · " + web.T(lang, "nav."+kind), Active: "/" + kind, Data: d})
			return nil
		case errors.Is(err, xlsx.ErrNotExcel):
			return gongzhi.Invalid("file", "err.not_excel")
		case errors.Is(err, xlsx.ErrNoHeader), errors.Is(err, xlsx.ErrTooManyRows):
			return &gongzhi.Error{Code: gongzhi.EINVALID, Message: err.Error(), Fields: map[string]string{"file": err.Error()}}
		default:
			return err
		}
		if web.IsAPIPath(r) {
			web.WriteJSON(w, http.StatusOK, map[string]int{"imported": n})
			return nil
		}
		return s.Redirect(w, r, "/"+kind, web.T(lang, "imported:"+strconv.Itoa(n)))
	}
}

// registryRoutes registers the registry's records, ID reveals, target groups and imports.
func (s *Server) registryRoutes() {
	web.Register(s.Server, s.placeResource())
	web.Register(s.Server, s.gridResource())
	s.Handle("GET /households/pick", web.Changed, s.householdPick)
	s.Handle("POST /households/{id}/members", web.Changed, s.addMember)
	s.Api("POST /api/v1/households/{id}/members", s.addMember)
	web.Register(s.Server, s.householdResource())
	web.Register(s.Server, s.orgResource())
	web.Register(s.Server, s.personResource())
	s.Handle("POST /people/{id}/reveal", web.Changed, s.revealID)
	s.Api("POST /api/v1/people/{id}/reveal", s.revealID)
	for _, kind := range []string{"organizations", "people", "grids", "households"} {
		s.Handle("GET /"+kind+"/import", web.Changed, s.importPage(kind))
		s.Handle("POST /"+kind+"/import", web.Changed, s.importUpload(kind))
		s.Handle("GET /"+kind+"/import-template.xlsx", web.Changed, s.importTemplate(kind))
		s.Api("POST /api/v1/"+kind+"/import", s.importUpload(kind))
		s.Api("GET /api/v1/"+kind+"/import-template.xlsx", s.importTemplate(kind))
	}
	s.Handle("GET /target-groups", web.Changed, s.targetGroups)
	s.Handle("POST /target-groups", web.Changed, s.saveTargetGroup)
	s.Api("GET /api/v1/target-groups", s.targetGroups)
	s.Api("POST /api/v1/target-groups", s.saveTargetGroup)
}
