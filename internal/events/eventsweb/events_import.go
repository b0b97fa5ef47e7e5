// 12345 hotline transfers imported from Excel: the page, the template and the import, every row
// or none, with each problem by line and column.

package eventsweb

import (
	"errors"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/events"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

type importProblem struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Field  string `json:"field"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

type imported struct {
	Imported int `json:"imported"`
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderImport(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, status int, problems []importProblem, fe *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !events.MayImportHotline(ac) {
		return gongzhi.Forbidden()
	}
	v := &pageView{Tools: []web.Kv{{Label: web.T(lang, "event.back"), Href: "/events"}, {Label: web.T(lang, "event.import_template"), Href: "/events/import-template.xlsx"}},
		Sections: []section{{Intro: web.T(lang, "event.import_intro"), Forms: []*web.FormView{{Action: "/events/import", Submit: web.T(lang, "event.import_do"),
			Multipart: true, Fields: []web.Field{{Name: "file", Label: "Excel (.xlsx)", Type: "file", Required: true, Wide: true}}}}}}}
	if len(problems) > 0 {
		sec := section{Title: web.T(lang, "event.import_problems"), Cols: []string{web.T(lang, "event.import_line"), web.T(lang, "event.import_column"),
			web.T(lang, "event.import_reason")}}
		for _, p := range problems {
			sec.Table = append(sec.Table, []web.Cell{{Text: strconv.Itoa(p.Line)}, {Text: p.Column}, {Text: p.Reason}})
		}
		v.Sections = append(v.Sections, sec)
	}
	s.render(w, r, status, web.T(lang, "event.import_title"), "/events", v, fe)
	return nil
}

func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) error {
	if !events.MayImportHotline(web.ActorOf(r)) {
		return gongzhi.Forbidden()
	}
	cats, err := s.svc.Categories(r.Context(), true)
	if err != nil {
		return err
	}
	web.OffSendXLSX(w, "hotline-12345-template.xlsx")
	return xlsx.Template(w, "12345工单", events.HotlineColumns(cats), map[string]string{"order": "2026120700318", "category": "环境卫生",
		"community": "中山社区", "address": "中山社区农贸市场东门", "title": "农贸市场门口占道经营", "description": "市民反映早高峰占道经营严重",
		"caller": "王女士", "phone": "13951234567"})
}

func (s *Server) importHotline(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !events.MayImportHotline(ac) {
		return gongzhi.Forbidden()
	}
	file, _, err := web.ImportFile(w, r, s.Opts.MaxUpload)
	if err != nil {
		return err
	}
	defer file.Close()
	n, err := s.svc.ImportHotline(r.Context(), ac, file, 10_000)
	var rowErrs xlsx.Errors
	switch {
	case err == nil:
	case errors.As(err, &rowErrs):
		problems := make([]importProblem, 0, len(rowErrs))
		fields := map[string]web.FieldError{}
		for _, e := range rowErrs {
			problems = append(problems, importProblem{Line: e.Line, Column: e.Column, Field: e.Key, Code: web.ReasonCode(e.Reason), Reason: web.T(lang, e.Reason)})
			fields["row "+strconv.Itoa(e.Line)+" "+e.Key] = web.FieldErrorOf(lang, e.Reason)
		}
		if web.IsAPIPath(r) {
			web.WriteJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": web.ApiError{Code: gongzhi.EINVALID,
				Message: web.T(lang, "err.import:"+strconv.Itoa(len(problems))), Fields: fields}, "problems": problems})
			return nil
		}
		return s.renderImport(w, r, http.StatusUnprocessableEntity, problems, nil)
	case errors.Is(err, xlsx.ErrNotExcel):
		return gongzhi.Invalid("file", "err.not_excel")
	case errors.Is(err, xlsx.ErrNoHeader), errors.Is(err, xlsx.ErrTooManyRows):
		return &gongzhi.Error{Code: gongzhi.EINVALID, Message: err.Error(), Fields: map[string]string{"file": err.Error()}}
	default:
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, imported{Imported: n})
		return nil
	}
	return s.Redirect(w, r, "/events?source=hotline", web.T(lang, "event.imported_flash:"+strconv.Itoa(n)))
}
