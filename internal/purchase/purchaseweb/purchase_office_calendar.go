// The office calendar in the office's pages and the API: public holidays that fall on weekdays
// and weekend days worked in exchange (调休). Notice periods, answer deadlines and every other
// period counted in working days use it, so the purchaser keeps it up to date each year when the
// State Council publishes the holiday schedule. Anyone signed in may read it.

package purchaseweb

import (
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
	"net/http"
	"strconv"
	"time"

	"gongzhi"
)

func (s *Server) offCalendarRoutes() {
	s.Handle("GET /calendar", web.Changed, s.OffWrap(s.offCalendar))
	s.Handle("POST /calendar", web.Changed, s.OffWrap(s.offCalendarSave))
	s.Handle("POST /calendar/{day}/delete", web.Changed, s.OffWrap(s.offCalendarDelete))
	s.Api("GET /api/v1/holidays", s.OffWrap(s.offCalendar))
	s.Api("PUT /api/v1/holidays/{day}", s.OffWrap(s.offCalendarSave))
	s.Api("DELETE /api/v1/holidays/{day}", s.OffWrap(s.offCalendarDelete))
}

// offCalendarView is the calendar page.
type offCalendarView struct {
	Year      int
	Prev      int
	Next      int
	Days      []offCalendarDay
	Workdays  string
	CanEdit   bool
	Form      *web.FormView
	Intro     string
	WeekNames []string
}

type offCalendarDay struct {
	gongzhi.Holiday
	Weekday string
}

var weekdayNames = [2][7]string{{"日", "一", "二", "三", "四", "五", "六"}, {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}}

func (s *Server) offCalendar(w http.ResponseWriter, r *http.Request) error {
	return s.offRenderCalendar(w, r, http.StatusOK, &gongzhi.Holiday{}, nil)
}

func (s *Server) offRenderCalendar(w http.ResponseWriter, r *http.Request, status int, h *gongzhi.Holiday, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	year := s.svc.Now().In(gongzhi.ChinaTime).Year()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	from, to := strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
	days, err := s.svc.Holidays(r.Context(), from, to)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if days == nil {
			days = []gongzhi.Holiday{}
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Holiday]{Items: days})
		return nil
	}
	en := 0
	if lang == "en" {
		en = 1
	}
	v := &offCalendarView{Year: year, Prev: year - 1, Next: year + 1, CanEdit: purchase.MayPurchase(ac), Intro: web.T(lang, "calendar.intro")}
	for _, d := range days {
		t, _ := gongzhi.ParseDate(d.Day)
		v.Days = append(v.Days, offCalendarDay{Holiday: d, Weekday: weekdayNames[en][t.Weekday()]})
	}
	start := time.Date(year, 1, 1, 0, 0, 0, 0, gongzhi.ChinaTime)
	v.Workdays = web.OffTr(lang, "calendar.workdays", strconv.Itoa(year),
		strconv.Itoa(gongzhi.NewCalendar(days).WorkdaysBetween(start, start.AddDate(1, 0, 0))))
	if v.CanEdit {
		errs := web.OffFieldErrs(lang, e)
		workday := ""
		if h.Workday {
			workday = "true"
		}
		v.Form = &web.FormView{Action: "/calendar?year=" + strconv.Itoa(year), Submit: web.T(lang, "action.save"), Fields: []web.Field{
			{Name: "day", Label: web.T(lang, "calendar.day"), Type: "date", Value: h.Day, Error: errs["day"], Required: true},
			{Name: "name", Label: web.T(lang, "calendar.name"), Type: "text", Value: h.Name, Error: errs["name"]},
			{Name: "workday", Label: web.T(lang, "calendar.workday_help"), Type: "checkbox", Value: workday, Error: errs["workday"]},
		}}
	}
	s.Render(w, r, status, "p_office_calendar", &web.Page{Title: web.T(lang, "nav.calendar"), Active: "/calls", Data: v, Error: e})
	return nil
}

func (s *Server) offCalendarSave(w http.ResponseWriter, r *http.Request) error {
	h := &gongzhi.Holiday{}
	if web.IsAPIPath(r) {
		if err := s.Decode(w, r, h); err != nil {
			return err
		}
		h.Day = r.PathValue("day")
	} else {
		h = &gongzhi.Holiday{Day: r.PostFormValue("day"), Name: r.PostFormValue("name"), Workday: r.PostFormValue("workday") == "true"}
	}
	err := s.svc.SetHoliday(r.Context(), web.ActorOf(r), h)
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, h)
		return nil
	}
	if e, ok := web.OffFormError(err); ok {
		return s.offRenderCalendar(w, r, web.StatusOf[e.Code], h, e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/calendar?year="+h.Day[:4], web.T(web.LangOf(r), "saved"))
}

func (s *Server) offCalendarDelete(w http.ResponseWriter, r *http.Request) error {
	day := r.PathValue("day")
	if _, ok := gongzhi.ParseDate(day); !ok {
		return gongzhi.NotFound()
	}
	if err := s.svc.DeleteHoliday(r.Context(), web.ActorOf(r), day); err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return s.Redirect(w, r, "/calendar?year="+day[:4], web.T(web.LangOf(r), "saved"))
}
