// The public pages: report a problem without an account (with a photo and its place), follow it
// by its tracking code and evaluate it there, the community's list of reports and the public
// statistics — nothing personal anywhere.

package eventsweb

import (
	"context"
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/events"
	"gongzhi/internal/web"
)

func (s *Server) publicHome(w http.ResponseWriter, r *http.Request) error {
	place := r.URL.Query().Get("place")
	if web.IsAPIPath(r) {
		list, err := s.publicEvents(r.Context(), place, 100)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.PublicEvent]{Items: list})
		return nil
	}
	return s.renderPublic(w, r, http.StatusOK, nil)
}

// publicEvents are the latest n reports under place for anyone, the same for everyone: kept
// under the public data's version as the other public pages are (web.PublicCached).
func (s *Server) publicEvents(ctx context.Context, place string, n int) ([]gongzhi.PublicEvent, error) {
	return web.PublicCached(ctx, s.Server, "events.public:"+place+":"+strconv.Itoa(n), func(ctx context.Context) ([]gongzhi.PublicEvent, error) {
		return s.svc.PublicEvents(ctx, place, n)
	})
}

func (s *Server) renderPublic(w http.ResponseWriter, r *http.Request, status int, fe *gongzhi.Error) error {
	lang, ctx := web.LangOf(r), r.Context()
	place := r.URL.Query().Get("place")
	f, err := s.reportForm(r, "/public/events", fe, false)
	if err != nil {
		return err
	}
	v := &pageView{Tools: []web.Kv{{Label: web.T(lang, "event.track"), Href: "/public/events/track"}},
		Sections: []section{{ID: "report", Title: web.T(lang, "event.public_report"), Intro: web.T(lang, "event.public_report_intro"), Forms: []*web.FormView{f}}}}
	list, err := s.publicEvents(ctx, place, 50)
	if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
		return err
	}
	sec := section{ID: "reports", Title: web.T(lang, "event.public_list"), Cols: []string{"#", web.T(lang, "event.title"), web.T(lang, "event.category"),
		web.T(lang, "event.place"), web.T(lang, "event.state"), web.T(lang, "event.reported_at")}}
	for _, e := range list {
		sec.Table = append(sec.Table, []web.Cell{{Text: strconv.FormatInt(e.ID, 10)}, {Text: e.Title}, {Text: e.CategoryName},
			{Text: e.CommunityName + " " + e.GridName}, {Text: web.T(lang, "event.state."+e.State)}, {Text: when(e.CreatedAt)}})
	}
	v.Sections = append(v.Sections, sec)
	if p, err := s.svc.PublicPerformance(ctx, place, ""); err == nil {
		st := perfSections(lang, p)[0]
		st.Title = web.T(lang, "event.public_stats:"+p.Month)
		v.Sections = append(v.Sections, st)
	}
	s.render(w, r, status, web.T(lang, "event.title_public"), "", v, fe)
	return nil
}

func (s *Server) publicReport(w http.ResponseWriter, r *http.Request) error {
	ac, ctx := web.ActorOf(r), r.Context()
	if ac == nil {
		ac = &gongzhi.Actor{IP: web.ClientIP(r), Via: "web"}
	}
	var n gongzhi.NewEvent
	var err error
	var photos []events.Photo
	if web.IsAPIPath(r) {
		err = s.Decode(w, r, &n)
	} else if photos, err = s.receivePhoto(w, r); err == nil {
		n, err = newFromForm(r)
	}
	if ac.User == nil || !events.ReportsAsResident(ac) {
		n.Source = gongzhi.SourceOnline
	}
	var e *gongzhi.Event
	if err == nil {
		if ac.User != nil && !events.ReportsAsResident(ac) {
			ac = &gongzhi.Actor{IP: ac.IP, Via: ac.Via} // staff report as anyone here; their own form is /events/new
		}
		e, err = s.svc.ReportEvent(ctx, ac, n, photos)
	}
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, receipt{ID: e.ID, Code: e.Code, State: e.State})
		return nil
	}
	if fe, again := refusedAgain(err); again {
		return s.renderPublic(w, r, web.StatusOf[fe.Code], fe)
	} else if err != nil {
		return err
	}
	lang := web.LangOf(r)
	v := &pageView{Tools: []web.Kv{{Label: web.T(lang, "event.track"), Href: "/public/events/track"}},
		Sections: []section{{Title: web.T(lang, "event.received"), Intro: web.T(lang, "event.received_intro"), Big: e.Code}}}
	s.render(w, r, http.StatusCreated, web.T(lang, "event.received"), "", v, nil)
	return nil
}

func (s *Server) trackForm(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	v := &pageView{Tools: []web.Kv{{Label: web.T(lang, "event.public_report"), Href: "/public/events"}}, Sections: []section{{
		Forms: []*web.FormView{{Action: "/public/events/track", Submit: web.T(lang, "event.track"), Fields: []web.Field{
			{Name: "code", Label: web.T(lang, "event.code"), Type: "text", Required: true}}}}}}}
	s.render(w, r, http.StatusOK, web.T(lang, "event.track"), "", v, nil)
	return nil
}

func anon(r *http.Request) *gongzhi.Actor {
	if ac := web.ActorOf(r); ac != nil {
		return ac
	}
	return &gongzhi.Actor{IP: web.ClientIP(r), Via: "web"}
}

func (s *Server) track(w http.ResponseWriter, r *http.Request) error {
	var req trackRequest
	var err error
	if web.IsAPIPath(r) {
		err = s.Decode(w, r, &req)
	} else {
		req.Code = r.FormValue("code")
	}
	var t *events.Tracked
	if err == nil {
		t, err = s.svc.Track(r.Context(), anon(r), req.Code)
	}
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, t)
		return nil
	}
	return s.renderTracked(w, r, t, err)
}

func (s *Server) renderTracked(w http.ResponseWriter, r *http.Request, t *events.Tracked, err error) error {
	lang := web.LangOf(r)
	fe, again := refusedAgain(err)
	if err != nil && !again && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
		return err
	}
	v := &pageView{Tools: []web.Kv{{Label: web.T(lang, "event.public_report"), Href: "/public/events"}}}
	status := http.StatusOK
	if err != nil {
		if fe == nil {
			fe = gongzhi.AsError(err)
		}
		status = web.StatusOf[fe.Code]
		v.Sections = append(v.Sections, section{Forms: []*web.FormView{{Action: "/public/events/track", Submit: web.T(lang, "event.track"), Fields: []web.Field{
			{Name: "code", Label: web.T(lang, "event.code"), Type: "text", Required: true, Value: r.FormValue("code")}}}}})
		s.render(w, r, status, web.T(lang, "event.track"), "", v, fe)
		return nil
	}
	e := t.Event
	main := section{Rows: []web.Kv{{Label: web.T(lang, "event.title"), Value: e.Title}, {Label: web.T(lang, "event.category"), Value: e.CategoryName},
		{Label: web.T(lang, "event.place"), Value: e.CommunityName + " " + e.GridName}, {Label: web.T(lang, "event.state"), Value: web.T(lang, "event.state."+e.State)},
		{Label: web.T(lang, "event.step_due"), Value: when(t.StepDue)}}}
	if e.Rating > 0 {
		main.Rows = append(main.Rows, web.Kv{Label: web.T(lang, "event.rating"), Value: stars(e.Rating)})
	}
	v.Sections = append(v.Sections, main)
	if t.CanRate {
		v.Sections = append(v.Sections, section{ID: "rate", Title: web.T(lang, "event.rate_title"), Forms: []*web.FormView{rateForm(lang, "/public/events/rate", t.Code)}})
	}
	v.Sections = append(v.Sections, historySection(lang, t.Steps))
	s.render(w, r, status, web.T(lang, "event.track"), "", v, nil)
	return nil
}

func stars(n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += "★"
	}
	return out
}

func (s *Server) publicRate(w http.ResponseWriter, r *http.Request) error {
	var req rateCodeRequest
	var err error
	if web.IsAPIPath(r) {
		err = s.Decode(w, r, &req)
	} else {
		req.Code, req.Comment = r.FormValue("code"), r.FormValue("comment")
		req.Rating, _ = strconv.Atoi(r.FormValue("rating"))
	}
	ac := anon(r)
	if err == nil {
		err = s.svc.RateByCode(r.Context(), ac, req.Code, req.Rating, req.Comment)
	}
	var t *events.Tracked
	if err == nil {
		t, err = s.svc.Track(r.Context(), ac, req.Code)
	}
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, t)
		return nil
	}
	return s.renderTracked(w, r, t, err)
}

func (s *Server) publicStats(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.PublicPerformance(r.Context(), r.URL.Query().Get("place"), r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, p)
	return nil
}
