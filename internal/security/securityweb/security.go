// The security alarms' page and API, and the audit log's export.

package securityweb

import (
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/security"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

func (s *Server) routes() {
	s.Handle("GET /security/alarms", web.Changed, s.alarms)
	s.Api("GET /api/v1/security/alarms", s.alarms)
	s.Handle("POST /security/alarms/{id}/ack", web.Changed, s.ack)
	s.Api("POST /api/v1/security/alarms/{id}/ack", s.ack)
	s.Handle("GET /tamper-alarms", web.Changed, s.tamper)
	s.Api("GET /api/v1/tamper-alarms", s.tamper)
	s.Handle("GET /audit/export", web.Changed, s.exportPage)
	s.Handle("POST /audit/export", web.Changed, s.export)
	s.Api("POST /api/v1/audit/export", s.export)
}

// alarmRow is an alarm's line on the page.
type alarmRow struct {
	*security.Alarm
	Kind, Detail string
}

type alarmsView struct {
	web.ListView
	Alarms []alarmRow
}

func (s *Server) alarms(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, "kind", "open")
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.Alarms))
	}
	v := &alarmsView{ListView: web.ListView{Action: "/security/alarms", Q: opts.Q, Note: web.T(lang, "alarms.intro")}}
	total, err := s.svc.Alarms(r.Context(), ac, opts, func(a *security.Alarm) error {
		v.Alarms = append(v.Alarms, alarmRow{Alarm: a, Kind: web.T(lang, "alarms.kind."+a.Kind), Detail: alarmDetail(lang, a)})
		return nil
	})
	if err != nil {
		return err
	}
	v.Total, v.Page = total, pg
	web.PageLinks(r, &v.ListView, nil, opts.Limit)
	kinds := []web.Option{{Value: "", Label: web.T(lang, "list.all")}}
	for _, k := range security.AlarmKinds {
		kinds = append(kinds, web.Option{Value: k, Label: web.T(lang, "alarms.kind."+k)})
	}
	v.Filters = []web.Field{
		web.FilterSelect(r, "kind", web.T(lang, "alarms.col.kind"), kinds),
		web.FilterSelect(r, "open", web.T(lang, "alarms.col.state"), []web.Option{{Value: "", Label: web.T(lang, "list.all")},
			{Value: "1", Label: web.T(lang, "alarms.open")}}),
	}
	s.Render(w, r, http.StatusOK, "alarms", &web.Page{Title: web.T(lang, "nav.alarms"), Active: "/security/alarms", Data: v})
	return nil
}

func (s *Server) ack(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	a, err := s.svc.AckAlarm(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, a)
		return nil
	}
	return s.Redirect(w, r, "/security/alarms?open=1", web.T(web.LangOf(r), "alarms.acked"))
}

// exportPage is the export's form, filled from the audit page's filters.
func (s *Server) exportPage(w http.ResponseWriter, r *http.Request) error {
	if !security.MayExportAudit(web.ActorOf(r)) {
		return gongzhi.Forbidden()
	}
	q := r.URL.Query()
	f := &security.ExportFilter{From: q.Get("from"), To: q.Get("to"), User: q.Get("user"), Action: q.Get("action"), Format: q.Get("format")}
	return s.renderExport(w, r, http.StatusOK, f, nil)
}

func (s *Server) renderExport(w http.ResponseWriter, r *http.Request, status int, f *security.ExportFilter, e *gongzhi.Error) error {
	lang := web.LangOf(r)
	errs := web.OffFieldErrs(lang, e)
	formats := []web.Option{{Value: "xlsx", Label: web.T(lang, "export.format.xlsx")}, {Value: "csv", Label: web.T(lang, "export.format.csv")}}
	fv := &web.FormView{Action: "/audit/export", Cancel: "/audit", Submit: web.T(lang, "export.submit"), Intro: web.T(lang, "export.intro"), Fields: []web.Field{
		{Name: "from", Label: web.T(lang, "audit.from"), Type: "date", Value: f.From, Error: errs["from"]},
		{Name: "to", Label: web.T(lang, "audit.to"), Type: "date", Value: f.To, Error: errs["to"]},
		{Name: "user", Label: web.T(lang, "audit.user"), Type: "text", Value: f.User, Error: errs["user"]},
		{Name: "action", Label: web.T(lang, "audit.action"), Type: "text", Value: f.Action, Error: errs["action"]},
		{Name: "format", Label: web.T(lang, "export.format"), Type: "select", Value: f.Format, Values: []string{f.Format}, Options: formats, Error: errs["format"], Required: true},
	}}
	s.Render(w, r, status, "form", &web.Page{Title: web.T(lang, "export.title"), Active: "/audit", Data: fv, Error: e})
	return nil
}

// export records the export, then streams the entries as .xlsx (excelize's stream writer) or
// CSV (UTF-8 with a byte-order mark, for Excel), reading the log a batch at a time.
func (s *Server) export(w http.ResponseWriter, r *http.Request) error {
	var f security.ExportFilter
	if err := s.Decode(w, r, &f); err != nil {
		return err
	}
	ac, lang := web.ActorOf(r), web.LangOf(r)
	read, err := s.svc.ExportAudit(r.Context(), ac, &f)
	if err != nil {
		if e := gongzhi.AsError(err); e.Code == gongzhi.EINVALID && !web.IsAPIPath(r) {
			return s.renderExport(w, r, web.StatusOf[e.Code], &f, e)
		}
		return err
	}
	headers := []string{web.T(lang, "audit.at"), web.T(lang, "audit.user"), web.T(lang, "audit.role"), web.T(lang, "audit.ip"), "via", web.T(lang, "audit.action"),
		web.T(lang, "audit.entity"), web.T(lang, "audit.entity_id"), web.T(lang, "audit.before"), web.T(lang, "audit.after"), web.T(lang, "audit.note"), "id"}
	row := func(e *gongzhi.AuditEntry) []any {
		return []any{e.At.In(gongzhi.ChinaTime), e.Username, e.Role, e.IP, e.Via, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.Note, strconv.FormatInt(e.ID, 10)}
	}
	name := "audit-" + time.Now().In(gongzhi.ChinaTime).Format("20060102-150405")
	if f.Format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		w.Write([]byte("\ufeff"))
		cw := csv.NewWriter(w)
		cw.Write(headers)
		rec := make([]string, len(headers))
		err := read(r.Context(), func(e *gongzhi.AuditEntry) error {
			for i, v := range row(e) {
				rec[i] = csvCell(v)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
			return nil
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
		if err != nil { // the download has begun: cut it short rather than append an error page
			abort(err)
		}
		return nil
	}
	rows := func(yield func([]any) bool) {
		err := read(r.Context(), func(e *gongzhi.AuditEntry) error {
			if !yield(row(e)) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			abort(err) // never a partial workbook that looks whole
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	if err := xlsx.Export(w, web.T(lang, "nav.audit"), headers, rows); err != nil {
		abort(err)
	}
	return nil
}

var errStop = errors.New("stop")

// abort cuts a download short once it has begun (the server drops the connection), rather than
// append an error page to it.
func abort(err error) {
	slog.Default().Error("audit export", "err", err)
	panic(http.ErrAbortHandler)
}

// csvCell writes a value as text; a text that a spreadsheet would run as a formula is quoted
// with an apostrophe.
func csvCell(v any) string {
	var s string
	switch x := v.(type) {
	case time.Time:
		s = x.Format(time.DateTime)
	case string:
		s = x
	default:
		s = fmt.Sprint(x)
	}
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		s = "'" + s
	}
	return s
}
