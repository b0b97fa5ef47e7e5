// The office's pages: event categories (responsible department, deadline, urgency), the
// departments with the categories they handle and their accounts, and the performance figures.

package eventsweb

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"gongzhi"
	"gongzhi/internal/events"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

func (s *Server) apiCategories(w http.ResponseWriter, r *http.Request) error {
	cats, err := s.svc.Categories(r.Context(), false)
	if err != nil {
		return err
	}
	items := make([]gongzhi.EventCategory, 0, len(cats))
	for _, c := range cats {
		items = append(items, *c)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.EventCategory]{Items: items})
	return nil
}

func (s *Server) apiDepartments(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.svc.Departments(r.Context(), web.ActorOf(r))
	if err != nil {
		return err
	}
	items := make([]gongzhi.Department, 0, len(ds))
	for _, d := range ds {
		items = append(items, *d)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Department]{Items: items})
	return nil
}

func (s *Server) office(w http.ResponseWriter, r *http.Request) error {
	return s.renderOffice(w, r, http.StatusOK, nil)
}

func (s *Server) renderOffice(w http.ResponseWriter, r *http.Request, status int, fe *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	if !events.MayReadEvents(ac) || ac.Has(gongzhi.RoleResident) {
		return gongzhi.Forbidden()
	}
	cats, err := s.svc.Categories(ctx, false)
	if err != nil {
		return err
	}
	depts, err := s.svc.Departments(ctx, ac)
	if err != nil {
		return err
	}
	catName := map[int64]string{}
	for _, c := range cats {
		catName[c.ID] = c.Name
	}
	csec := section{Title: web.T(lang, "event.categories"), Cols: []string{web.T(lang, "event.category_code"), web.T(lang, "event.category"),
		web.T(lang, "event.responsible"), web.T(lang, "event.deadline_hours"), web.T(lang, "event.urgency"), web.T(lang, "event.active")}}
	for _, c := range cats {
		active := web.T(lang, "event.yes")
		if !c.Active {
			active = web.T(lang, "event.no")
		}
		csec.Table = append(csec.Table, []web.Cell{{Text: c.Code}, {Text: c.Name}, {Text: or(c.DepartmentName, "—")},
			{Text: strconv.Itoa(c.DeadlineHours)}, {Text: web.T(lang, "event.urgency."+c.Urgency)}, {Text: active}})
	}
	dsec := section{Title: web.T(lang, "event.departments"), Cols: []string{web.T(lang, "event.department"), web.T(lang, "event.dept_place"),
		web.T(lang, "event.dept_phone"), web.T(lang, "event.dept_handles")}}
	for _, d := range depts {
		var names []string
		for _, c := range d.Categories {
			names = append(names, catName[c])
		}
		dsec.Table = append(dsec.Table, []web.Cell{{Text: d.Name}, {Text: d.PlaceName}, {Text: d.Phone}, {Text: join(names)}})
	}
	v := &pageView{Tools: []web.Kv{{Label: web.T(lang, "event.back"), Href: "/events"}}, Sections: []section{csec, dsec}}
	if events.MayManageEventCategories(ac) {
		errs := map[string]string{}
		if fe != nil {
			for k, x := range fe.Fields {
				errs[k] = web.T(lang, x)
			}
		}
		dopts := []web.Option{{Value: "", Label: "—"}}
		for _, d := range depts {
			dopts = append(dopts, web.Option{Value: strconv.FormatInt(d.ID, 10), Label: d.Name})
		}
		copts := []web.Option{{Value: "", Label: web.T(lang, "event.new_category")}}
		mopts := []web.Option{}
		for _, c := range cats {
			copts = append(copts, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
			mopts = append(mopts, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
		}
		v.Sections = append(v.Sections, section{Title: web.T(lang, "event.edit_category"), Forms: []*web.FormView{{Action: "/events/categories",
			Submit: web.T(lang, "event.save"), Intro: web.T(lang, "event.edit_category_help"), Fields: []web.Field{
				{Name: "id", Label: web.T(lang, "event.category"), Type: "select", Options: copts},
				{Name: "code", Label: web.T(lang, "event.category_code"), Type: "text", Error: errs["code"]},
				{Name: "name", Label: web.T(lang, "event.category_name"), Type: "text", Required: true, Error: errs["name"]},
				{Name: "department_id", Label: web.T(lang, "event.responsible"), Type: "select", Options: dopts, Error: errs["department_id"]},
				{Name: "deadline_hours", Label: web.T(lang, "event.deadline_hours"), Type: "number", Required: true, Value: "40", Error: errs["deadline_hours"]},
				{Name: "urgency", Label: web.T(lang, "event.urgency"), Type: "select", Options: web.EnumOptions(lang, "event.urgency", gongzhi.EventUrgencies, false), Error: errs["urgency"]},
				{Name: "active", Label: web.T(lang, "event.active"), Type: "checkbox", Value: "true"},
			}}}})
		var places []web.Option
		if _, err := s.svc.Places(ctx, ac, gongzhi.ListOptions{Filters: map[string]string{}, Limit: 50}, func(p *gongzhi.Place) error {
			if p.Level <= 4 {
				places = append(places, web.Option{Value: p.Code, Label: p.Name})
			}
			return nil
		}); err != nil {
			return err
		}
		v.Sections = append(v.Sections, section{Title: web.T(lang, "event.new_department"), Forms: []*web.FormView{{Action: "/events/departments",
			Submit: web.T(lang, "event.save"), Fields: []web.Field{
				{Name: "name", Label: web.T(lang, "event.dept_name"), Type: "text", Required: true, Error: errs["name"]},
				{Name: "place_code", Label: web.T(lang, "event.dept_place"), Type: "select", Options: places, Error: errs["place_code"]},
				{Name: "phone", Label: web.T(lang, "event.dept_phone"), Type: "tel", Error: errs["phone"]},
				{Name: "categories", Label: web.T(lang, "event.dept_handles"), Type: "multi", Options: mopts, Wide: true},
			}}}})
		if len(depts) > 0 {
			v.Sections = append(v.Sections, section{Title: web.T(lang, "event.dept_account"), Forms: []*web.FormView{{Action: "/events/departments/0/accounts",
				Submit: web.T(lang, "event.link"), Intro: web.T(lang, "event.dept_account_help"), Fields: []web.Field{
					{Name: "department_id", Label: web.T(lang, "event.department"), Type: "select", Options: dopts[1:]},
					{Name: "username", Label: web.T(lang, "event.username"), Type: "text", Required: true, Error: errs["username"]},
				}}}})
		}
	}
	s.render(w, r, status, web.T(lang, "event.title_office"), "/events", v, fe)
	return nil
}

func or(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "、"
		}
		out += s
	}
	return out
}

func (s *Server) officeDone(w http.ResponseWriter, r *http.Request, status int, v any, err error) error {
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, status, v)
		return nil
	}
	if fe, again := refusedAgain(err); again {
		return s.renderOffice(w, r, web.StatusOf[fe.Code], fe)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/events/categories", web.T(web.LangOf(r), "event.saved_flash"))
}

func (s *Server) saveCategory(w http.ResponseWriter, r *http.Request) error {
	var c gongzhi.EventCategory
	var err error
	if web.IsAPIPath(r) {
		err = s.Decode(w, r, &c)
	} else {
		c.ID, _ = strconv.ParseInt(r.FormValue("id"), 10, 64)
		c.Code, c.Name, c.Urgency = r.FormValue("code"), r.FormValue("name"), r.FormValue("urgency")
		c.DepartmentID, _ = strconv.ParseInt(r.FormValue("department_id"), 10, 64)
		c.DeadlineHours, _ = strconv.Atoi(r.FormValue("deadline_hours"))
		c.Active = r.FormValue("active") == "true"
		if c.ID != 0 && c.Code == "" {
			c.Code = "keep"
		}
	}
	if err == nil {
		err = s.svc.SaveCategory(r.Context(), web.ActorOf(r), &c)
	}
	return s.officeDone(w, r, http.StatusOK, &c, err)
}

func (s *Server) saveDepartment(w http.ResponseWriter, r *http.Request) error {
	var d gongzhi.Department
	var err error
	if web.IsAPIPath(r) {
		err = s.Decode(w, r, &d)
	} else {
		d.Name, d.PlaceCode, d.Phone = r.FormValue("name"), r.FormValue("place_code"), r.FormValue("phone")
		for _, c := range r.Form["categories"] {
			id, _ := strconv.ParseInt(c, 10, 64)
			d.Categories = append(d.Categories, id)
		}
	}
	if err == nil {
		err = s.svc.SaveDepartment(r.Context(), web.ActorOf(r), &d)
	}
	return s.officeDone(w, r, http.StatusOK, &d, err)
}

func (s *Server) linkAccount(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var req linkRequest
	var err error
	if web.IsAPIPath(r) {
		err = s.Decode(w, r, &req)
	} else {
		req.Username = r.FormValue("username")
		id, _ = strconv.ParseInt(r.FormValue("department_id"), 10, 64)
	}
	if id <= 0 {
		return gongzhi.NotFound()
	}
	if err == nil {
		err = s.svc.LinkDepartmentAccount(r.Context(), web.ActorOf(r), id, req.Username)
	}
	var d *gongzhi.Department
	if err == nil {
		ds, derr := s.svc.Departments(r.Context(), web.ActorOf(r))
		if derr != nil {
			return derr
		}
		for _, x := range ds {
			if x.ID == id {
				d = x
			}
		}
	}
	return s.officeDone(w, r, http.StatusOK, d, err)
}

// ---- performance

func (s *Server) stats(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	p, err := s.svc.Performance(r.Context(), ac, r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, p)
		return nil
	}
	v := &pageView{Tools: []web.Kv{{Label: web.T(lang, "event.back"), Href: "/events"}, {Label: web.T(lang, "event.stats_export"),
		Href: "/events/stats.xlsx?month=" + p.Month}, {Label: web.T(lang, "event.report"), Href: "/events/report?month=" + p.Month}}, Sections: perfSections(lang, p)}
	s.render(w, r, http.StatusOK, web.T(lang, "event.title_stats:"+p.Month), "/events", v, nil)
	return nil
}

// report is the printable monthly report (docs/events.md "Monthly report"): the month's figures
// beside the month before's, then by department, grid and category and the hot spots — the
// same figures as the stats page (Service.Performance, no query of its own), laid out for paper
// (print CSS: no navigation, no buttons), with the month's Excel sheet.
func (s *Server) report(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	p, err := s.svc.Performance(r.Context(), ac, r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	t0, _ := time.ParseInLocation("2006-01", p.Month, gongzhi.ChinaTime)
	prevMonth, nextMonth := t0.AddDate(0, -1, 0).Format("2006-01"), t0.AddDate(0, 1, 0).Format("2006-01")
	prev, err := s.svc.Performance(r.Context(), ac, prevMonth)
	if err != nil {
		return err
	}
	v := &pageView{Report: true, Tools: []web.Kv{{Label: web.T(lang, "event.report_prev:"+prevMonth), Href: "/events/report?month=" + prevMonth},
		{Label: web.T(lang, "event.report_next:"+nextMonth), Href: "/events/report?month=" + nextMonth},
		{Label: web.T(lang, "event.stats_export"), Href: "/events/stats.xlsx?month=" + p.Month}}}
	row := func(key string, f func(events.PerfRow) string) []web.Cell {
		return []web.Cell{{Text: web.T(lang, key)}, {Text: f(p.Total), Class: "num"}, {Text: f(prev.Total), Class: "num"}}
	}
	n := func(f func(events.PerfRow) int) func(events.PerfRow) string {
		return func(x events.PerfRow) string { return strconv.Itoa(f(x)) }
	}
	sum := section{Title: web.T(lang, "event.report_summary"), Intro: web.T(lang, "event.report_intro:"+s.svc.NowUTC().In(gongzhi.ChinaTime).Format(time.DateOnly)),
		Cols: []string{web.T(lang, "event.report_figure"), p.Month, prevMonth}, Table: [][]web.Cell{
			row("event.stats_events", n(func(x events.PerfRow) int { return x.Events })),
			row("event.stats_closed", n(func(x events.PerfRow) int { return x.Closed })),
			row("event.stats_median", median),
			row("event.stats_p90", p90),
			row("event.stats_on_time", onTime),
			row("event.stats_returns_only", n(func(x events.PerfRow) int { return x.Returns })),
			row("event.stats_reopens_only", n(func(x events.PerfRow) int { return x.Reopens })),
		}}
	v.Sections = append([]section{sum}, perfSections(lang, p)[1:]...)
	s.render(w, r, http.StatusOK, web.T(lang, "event.title_report:"+p.Month), "/events", v, nil)
	return nil
}

// onTime is a row's on-time rate, and the median and 90th percentile hours of its handling:
// "—" for a row with nothing handled yet, whose rate and hours are not 0 but not known.
func onTime(x events.PerfRow) string {
	if x.Handled == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", x.OnTimeRate*100)
}

func median(x events.PerfRow) string { return handledHours(x, x.MedianHours) }

func p90(x events.PerfRow) string { return handledHours(x, x.P90Hours) }

func handledHours(x events.PerfRow, h float64) string {
	if x.Handled == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", h)
}

func perfSections(lang string, p *events.Performance) []section {
	t := p.Total
	out := []section{{Title: web.T(lang, "event.stats_total"), Rows: []web.Kv{
		{Label: web.T(lang, "event.stats_events"), Value: strconv.Itoa(t.Events)},
		{Label: web.T(lang, "event.stats_closed"), Value: strconv.Itoa(t.Closed)},
		{Label: web.T(lang, "event.stats_median"), Value: median(t)},
		{Label: web.T(lang, "event.stats_p90"), Value: p90(t)},
		{Label: web.T(lang, "event.stats_on_time"), Value: onTime(t)},
		{Label: web.T(lang, "event.stats_returns"), Value: strconv.Itoa(t.Returns) + " / " + strconv.Itoa(t.Reopens)},
	}}}
	cols := []string{web.T(lang, "event.stats_name"), web.T(lang, "event.stats_events"), web.T(lang, "event.stats_closed"), web.T(lang, "event.stats_median"),
		web.T(lang, "event.stats_p90"), web.T(lang, "event.stats_on_time"), web.T(lang, "event.stats_returns")}
	for _, g := range []struct {
		key  string
		rows []events.PerfRow
	}{{"event.stats_by_department", p.ByDepartment}, {"event.stats_by_grid", p.ByGrid}, {"event.stats_by_category", p.ByCategory}} {
		sec := section{Title: web.T(lang, g.key), Cols: cols}
		for _, x := range g.rows {
			sec.Table = append(sec.Table, []web.Cell{{Text: x.Name}, {Text: strconv.Itoa(x.Events)}, {Text: strconv.Itoa(x.Closed)}, {Text: median(x)},
				{Text: p90(x)}, {Text: onTime(x)}, {Text: strconv.Itoa(x.Returns) + " / " + strconv.Itoa(x.Reopens)}})
		}
		out = append(out, sec)
	}
	hot := section{Title: web.T(lang, "event.stats_hot"), Cols: []string{web.T(lang, "event.grid"), web.T(lang, "event.category"), web.T(lang, "event.stats_events")}}
	for _, h := range p.HotSpots {
		hot.Table = append(hot.Table, []web.Cell{{Text: h.Grid}, {Text: h.Category}, {Text: strconv.Itoa(h.Events)}})
	}
	return append(out, hot)
}

// statsExport is the month's figures as an Excel sheet: one row per department, grid and
// category, with the overall figures first; rates as percentages, times in hours.
func (s *Server) statsExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	p, err := s.svc.Performance(r.Context(), ac, r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	web.OffSendXLSX(w, "events-"+p.Month+".xlsx")
	headers := []string{web.T(lang, "event.stats_group"), web.T(lang, "event.stats_name"), web.T(lang, "event.stats_events"), web.T(lang, "event.stats_closed"),
		web.T(lang, "event.stats_median"), web.T(lang, "event.stats_p90"), web.T(lang, "event.stats_on_time"), web.T(lang, "event.stats_returns_only"),
		web.T(lang, "event.stats_reopens_only")}
	rows := func(yield func([]any) bool) {
		row := func(group string, x events.PerfRow) []any {
			return []any{group, x.Name, x.Events, x.Closed, x.MedianHours, x.P90Hours, xlsx.Share(x.OnTimeRate), x.Returns, x.Reopens}
		}
		total := p.Total
		total.Name = p.Month
		if !yield(row(web.T(lang, "event.stats_total"), total)) {
			return
		}
		for _, g := range []struct {
			key  string
			rows []events.PerfRow
		}{{"event.stats_by_department", p.ByDepartment}, {"event.stats_by_grid", p.ByGrid}, {"event.stats_by_category", p.ByCategory}} {
			for _, x := range g.rows {
				if !yield(row(web.T(lang, g.key), x)) {
					return
				}
			}
		}
	}
	return xlsx.Export(w, web.T(lang, "event.title_stats:"+p.Month), headers, rows)
}
