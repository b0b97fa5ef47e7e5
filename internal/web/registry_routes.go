// Registry pages besides the generic resources: target groups and the Excel imports of
// organizations and people.
package web

import (
	"errors"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/registry"
	"gongzhi/internal/xlsx"
)

func (s *Server) targetGroups(w http.ResponseWriter, r *http.Request) error {
	return s.renderTargetGroups(w, r, http.StatusOK, &gongzhi.TargetGroup{}, nil)
}

func (s *Server) renderTargetGroups(w http.ResponseWriter, r *http.Request, status int, t *gongzhi.TargetGroup, e *gongzhi.Error) error {
	ac, lang := actorOf(r), langOf(r)
	groups, err := s.app.TargetGroups(r.Context(), ac)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, status, map[string]any{"items": groups})
		return nil
	}
	lv := listView{Action: "/target-groups", Total: len(groups), Page: 1}
	pageLinks(r, &lv, []colDef{{T(lang, "target_group.code"), ""}, {T(lang, "target_group.name"), ""}, {T(lang, "target_group.name_en"), ""}, {T(lang, "target_group.builtin"), ""}}, 0)
	for _, g := range groups {
		lv.Rows = append(lv.Rows, []cell{{Text: g.Code}, {Text: g.Name}, {Text: g.NameEn}, {Text: yesNo(lang, g.Builtin)}})
	}
	data := struct {
		listView
		Form *formView
	}{lv, nil}
	if canWrite(ac, "target_groups") {
		errs := map[string]string{}
		if e != nil {
			for k, v := range e.Fields {
				errs[k] = T(lang, v)
			}
		}
		data.Form = &formView{Action: "/target-groups", Submit: T(lang, "action.create"), Fields: []field{
			{Name: "code", Label: T(lang, "target_group.code"), Type: "text", Value: t.Code, Error: errs["code"], Required: true},
			{Name: "name", Label: T(lang, "target_group.name"), Type: "text", Value: t.Name, Error: errs["name"], Required: true},
			{Name: "name_en", Label: T(lang, "target_group.name_en"), Type: "text", Value: t.NameEn, Error: errs["name_en"]},
		}}
	}
	s.render(w, r, status, "target_groups", &page{Title: T(lang, "nav.target_groups"), Active: "/target-groups", Data: &data, Error: e})
	return nil
}

func (s *Server) saveTargetGroup(w http.ResponseWriter, r *http.Request) error {
	t := &gongzhi.TargetGroup{}
	err := s.decode(w, r, t)
	if err == nil {
		err = s.app.SaveTargetGroup(r.Context(), actorOf(r), t, true)
	}
	if e := gongzhi.AsError(err); err != nil && len(e.Fields) > 0 && !isAPIPath(r) {
		return s.renderTargetGroups(w, r, statusOf[e.Code], t, e)
	} else if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusCreated, t)
		return nil
	}
	return s.redirect(w, r, "/target-groups", T(langOf(r), "saved"))
}

type importData struct {
	*formView
	TemplateURL string
	Problems    []importProblem
}

type importProblem struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func importColumns(kind string) []xlsx.Column {
	if kind == "people" {
		return registry.PeopleColumns()
	}
	return registry.OrgColumns()
}

func (s *Server) importForm(kind, lang string) *importData {
	return &importData{
		formView: &formView{Action: "/" + kind + "/import", Submit: T(lang, "action.upload"), Multipart: true, Cancel: "/" + kind,
			Fields: []field{{Name: "file", Label: "Excel (.xlsx)", Type: "file", Required: true, Wide: true}}},
		TemplateURL: "/" + kind + "/import-template.xlsx",
	}
}

func (s *Server) importPage(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := actorOf(r), langOf(r)
		if !canWrite(ac, kind) {
			return gongzhi.Forbidden()
		}
		s.render(w, r, http.StatusOK, "import", &page{Title: T(lang, "action.import") + " · " + T(lang, "nav."+kind), Active: "/" + kind, Data: s.importForm(kind, lang)})
		return nil
	}
}

func (s *Server) importTemplate(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !canWrite(actorOf(r), kind) {
			return gongzhi.Forbidden()
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+kind+`-template.xlsx"`)
		return xlsx.Template(w, T("zh-CN", "nav."+kind), importColumns(kind), nil)
	}
}

func (s *Server) importUpload(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := actorOf(r), langOf(r)
		if !canWrite(ac, kind) {
			return gongzhi.Forbidden()
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxUpload+1<<16)
		file, _, err := r.FormFile("file")
		if err != nil {
			if errors.Is(err, http.ErrMissingFile) {
				return gongzhi.Invalid("file", "err.no_file")
			}
			return uploadErr(err, s.opts.MaxUpload)
		}
		defer file.Close()
		n, err := s.app.ImportExcel(r.Context(), ac, kind, file, 200_000)
		var rowErrs xlsx.Errors
		switch {
		case err == nil:
		case errors.As(err, &rowErrs):
			problems := make([]importProblem, 0, len(rowErrs))
			for _, e := range rowErrs {
				problems = append(problems, importProblem{Line: e.Line, Column: e.Column, Field: e.Key, Reason: T(lang, e.Reason)})
			}
			if isAPIPath(r) {
				fields := map[string]string{}
				for _, p := range problems {
					fields["row "+strconv.Itoa(p.Line)+" "+p.Field] = p.Reason
				}
				writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": apiError{Code: gongzhi.EINVALID,
					Message: T(lang, "err.import:"+strconv.Itoa(len(problems))), Fields: fields}, "problems": problems})
				return nil
			}
			d := s.importForm(kind, lang)
			d.Problems = problems
			s.render(w, r, http.StatusUnprocessableEntity, "import", &page{Title: T(lang, "action.import") + " · " + T(lang, "nav."+kind), Active: "/" + kind, Data: d})
			return nil
		case errors.Is(err, xlsx.ErrNotExcel):
			return gongzhi.Invalid("file", "err.not_excel")
		case errors.Is(err, xlsx.ErrNoHeader), errors.Is(err, xlsx.ErrTooManyRows):
			return &gongzhi.Error{Code: gongzhi.EINVALID, Message: err.Error(), Fields: map[string]string{"file": err.Error()}}
		default:
			return err
		}
		if isAPIPath(r) {
			writeJSON(w, http.StatusOK, map[string]int{"imported": n})
			return nil
		}
		return s.redirect(w, r, "/"+kind, T(lang, "imported:"+strconv.Itoa(n)))
	}
}

// registryRoutes registers the registry's records, ID reveals, target groups and imports.
func (s *Server) registryRoutes() {
	register(s, s.placeResource())
	register(s, s.gridResource())
	register(s, s.householdResource())
	register(s, s.orgResource())
	register(s, s.personResource())
	s.handle("POST /people/{id}/reveal", changed, s.revealID)
	s.api("POST /api/v1/people/{id}/reveal", s.revealID)
	for _, kind := range []string{"organizations", "people"} {
		s.handle("GET /"+kind+"/import", changed, s.importPage(kind))
		s.handle("POST /"+kind+"/import", changed, s.importUpload(kind))
		s.handle("GET /"+kind+"/import-template.xlsx", changed, s.importTemplate(kind))
		s.api("POST /api/v1/"+kind+"/import", s.importUpload(kind))
		s.api("GET /api/v1/"+kind+"/import-template.xlsx", s.importTemplate(kind))
	}
	s.handle("GET /target-groups", changed, s.targetGroups)
	s.handle("POST /target-groups", changed, s.saveTargetGroup)
	s.api("GET /api/v1/target-groups", s.targetGroups)
	s.api("POST /api/v1/target-groups", s.saveTargetGroup)
}
