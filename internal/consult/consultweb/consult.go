// Resident consultation: the routes, the views and the handlers. The same handlers answer the
// pages and the JSON API.

package consultweb

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/consult"
	"gongzhi/internal/web"
)

func (s *Server) routes() {
	s.Handle("GET /consult", web.Changed, s.home)
	s.Handle("POST /consult/bodies", web.Changed, s.createBody)
	s.Handle("GET /consult/bodies/{id}", web.Changed, s.body)
	s.Handle("POST /consult/bodies/{id}/members", web.Changed, s.addMember)
	s.Handle("POST /consult/members/{id}/end", web.Changed, s.endMember)
	s.Handle("POST /consult/topics", web.Changed, s.raise)
	s.Handle("GET /consult/topics/{id}", web.Public, s.topic)
	s.Handle("POST /consult/topics/{id}/accept", web.Changed, s.accept)
	s.Handle("POST /consult/topics/{id}/merge", web.Changed, s.merge)
	s.Handle("POST /consult/topics/{id}/decline", web.Changed, s.decline)
	s.Handle("POST /consult/topics/{id}/support", web.Changed, s.support)
	s.Handle("POST /consult/topics/{id}/comments", web.Changed, s.comment)
	s.Handle("POST /consult/comments/{id}/hide", web.Changed, s.hide)
	s.Handle("POST /consult/meetings", web.Changed, s.createMeeting)
	s.Handle("GET /consult/meetings/{id}", web.Public, s.meeting)
	s.Handle("GET /consult/meetings/{id}/sheet", web.Public, s.sheet)
	s.Handle("GET /consult/meetings/{id}/minutes.xlsx", web.Public, s.minutesXLSX)
	s.Handle("POST /consult/meetings/{id}/signin-open", web.Changed, s.openSignIn)
	s.Handle("POST /consult/meetings/{id}/attendees", web.Changed, s.staffSignIn)
	s.Handle("POST /consult/meetings/{id}/speakers", web.Changed, s.addSpeaker)
	s.Handle("POST /consult/meetings/{id}/proposals", web.Changed, s.tableProposal)
	s.Handle("POST /consult/meetings/{id}/minutes", web.Changed, s.minutes)
	s.Handle("POST /consult/meetings/{id}/cancel", web.Changed, s.cancel)
	s.Handle("GET /consult/signin/{key}", web.Changed, s.signInPage)
	s.Handle("POST /consult/signin/{key}", web.Changed, s.signInByCode)
	s.Handle("POST /consult/contests", web.Changed, s.createContest)
	s.Handle("GET /consult/contests/{id}", web.Public, s.contest)
	s.Handle("POST /consult/contests/{id}/ideas", web.Changed, s.submitIdea)
	s.Handle("POST /consult/ideas/{id}/support", web.Changed, s.supportIdea)
	s.Handle("POST /consult/ideas/{id}/shortlist", web.Changed, s.shortlist)
	s.Handle("GET /public/consult", web.Public, s.publicIndex)
	s.Handle("GET /public/consult/{community}", web.Public, s.public)

	s.Api("GET /api/v1/consult/bodies", s.apiBodies)
	s.Api("POST /api/v1/consult/bodies", s.createBody)
	s.Api("GET /api/v1/consult/bodies/{id}", s.body)
	s.Api("POST /api/v1/consult/bodies/{id}/members", s.addMember)
	s.Api("POST /api/v1/consult/members/{id}/end", s.endMember)
	s.Api("GET /api/v1/consult/topics", s.apiTopics)
	s.Api("POST /api/v1/consult/topics", s.raise)
	s.Api("GET /api/v1/consult/topics/{id}", s.topic)
	s.Api("POST /api/v1/consult/topics/{id}/accept", s.accept)
	s.Api("POST /api/v1/consult/topics/{id}/merge", s.merge)
	s.Api("POST /api/v1/consult/topics/{id}/decline", s.decline)
	s.Api("POST /api/v1/consult/topics/{id}/support", s.support)
	s.Api("POST /api/v1/consult/topics/{id}/comments", s.comment)
	s.Api("POST /api/v1/consult/comments/{id}/hide", s.hide)
	s.Api("GET /api/v1/consult/meetings", s.apiMeetings)
	s.Api("POST /api/v1/consult/meetings", s.createMeeting)
	s.Api("GET /api/v1/consult/meetings/{id}", s.meeting)
	s.Api("GET /api/v1/consult/meetings/{id}/minutes.xlsx", s.minutesXLSX)
	s.Api("POST /api/v1/consult/meetings/{id}/signin-open", s.openSignIn)
	s.Api("POST /api/v1/consult/meetings/{id}/attendees", s.staffSignIn)
	s.Api("POST /api/v1/consult/meetings/{id}/speakers", s.addSpeaker)
	s.Api("POST /api/v1/consult/meetings/{id}/proposals", s.tableProposal)
	s.Api("POST /api/v1/consult/meetings/{id}/minutes", s.minutes)
	s.Api("POST /api/v1/consult/meetings/{id}/cancel", s.cancel)
	s.Api("POST /api/v1/consult/signin", s.signInByCode)
	s.Api("GET /api/v1/consult/contests", s.apiContests)
	s.Api("POST /api/v1/consult/contests", s.createContest)
	s.Api("GET /api/v1/consult/contests/{id}", s.contest)
	s.Api("POST /api/v1/consult/contests/{id}/ideas", s.submitIdea)
	s.Api("POST /api/v1/consult/ideas/{id}/support", s.supportIdea)
	s.Api("POST /api/v1/consult/ideas/{id}/shortlist", s.shortlist)
	s.ApiPublic("GET /api/v1/public/consult/{community}", s.public)
}

// ---- views

type pathStep struct{ Head, Note, Href, Class string }

type item struct {
	Head, Note, Text string
	Muted            bool
	Form             *web.FormView
}

type section struct {
	ID, Title, Intro, Text string
	QR                     template.HTML
	Rows                   []web.Kv
	Path                   []pathStep
	Cols                   []string
	Table                  [][]web.Cell
	Items                  []item
	Forms                  []*web.FormView
}

type pageView struct {
	Back     string
	Links    []web.Kv
	Problems []string
	Sections []section
}

func href(prefix string, id int64) string { return prefix + strconv.FormatInt(id, 10) }

func t(lang, key string) string { return web.T(lang, key) }

func day(ts interface{ Format(string) string }) string { return ts.Format("2006-01-02") }

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, title string, v *pageView, e *gongzhi.Error) {
	lang := web.LangOf(r)
	if e != nil {
		for _, reason := range e.Fields {
			v.Problems = append(v.Problems, t(lang, reason))
		}
		if len(e.Fields) == 0 {
			v.Problems = append(v.Problems, t(lang, e.Message))
		}
	}
	active := "/consult"
	if strings.HasPrefix(r.URL.Path, "/public/") {
		active = "/public"
	}
	s.Render(w, r, status, "consult_page", &web.Page{Title: title, Active: active, Data: v, Error: e})
}

// answer finishes a write: JSON for the API; for a page, a refusal of the input is shown on the
// page again (again renders it), anything else goes back to to with a message.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error, again func(*gongzhi.Error) error, to, flash string) error {
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, status, v)
		return nil
	}
	if e := gongzhi.AsError(err); err != nil && again != nil && (e.Code == gongzhi.EINVALID || e.Code == gongzhi.ECONFLICT || e.Code == gongzhi.EFORBIDDEN && e.Message != "err.forbidden") {
		return again(e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, to, t(web.LangOf(r), flash))
}

// fieldErrs are a refusal's reasons by field, translated, and the value sent back for each field
// when the form is shown again.
func fieldErrs(lang string, r *http.Request, e *gongzhi.Error) (map[string]string, func(string) string) {
	errs := map[string]string{}
	if e != nil {
		for k, v := range e.Fields {
			errs[k] = t(lang, v)
		}
	}
	return errs, func(k string) string {
		if e == nil {
			return ""
		}
		return r.FormValue(k)
	}
}

func options(lang, prefix string, codes []string) []web.Option {
	out := []web.Option{{Value: "", Label: "—"}}
	for _, c := range codes {
		out = append(out, web.Option{Value: c, Label: t(lang, prefix+c)})
	}
	return out
}

// community is the community a page is about: ?community=, else the caller's own.
func (s *Server) community(r *http.Request) string {
	if c := r.URL.Query().Get("community"); c != "" {
		return c
	}
	return s.svc.MyCommunity(r.Context(), web.ActorOf(r))
}

func (s *Server) peopleOptions(r *http.Request, code string) []web.Option {
	opts := []web.Option{{Value: "", Label: "—"}}
	ppl, err := s.svc.CommunityPeople(r.Context(), web.ActorOf(r), code)
	if err != nil {
		return opts
	}
	for _, p := range ppl {
		opts = append(opts, web.Option{Value: p[0], Label: p[1] + " #" + p[0]})
	}
	return opts
}

func topicState(lang string, tp *gongzhi.Topic) string {
	st := t(lang, "consult.topic_state."+tp.State)
	if tp.Overdue {
		st += " · " + t(lang, "consult.overdue")
	}
	return st
}

func reasonText(lang string, r gongzhi.Reason) string {
	if r.Code == "" {
		return ""
	}
	out := t(lang, r.Code)
	if len(r.Args) > 0 {
		out += "：" + strings.Join(r.Args, " ")
	}
	return out
}

// ---- home

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	return s.renderHome(w, r, http.StatusOK, "", nil)
}

// renderHome shows a community's consultation for staff and residents; form names the form a
// refusal e belongs to.
func (s *Server) renderHome(w http.ResponseWriter, r *http.Request, status int, form string, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	code := s.community(r)
	if form != "" && r.FormValue("place_code") != "" {
		code = r.FormValue("place_code")
	}
	v := &pageView{}
	if consult.MayReadConsultation(ac) {
		comms, err := s.svc.ConsultCommunities(ctx, ac)
		if err != nil {
			return err
		}
		if s.svc.MyCommunity(ctx, ac) == "" { // staff of a wider place choose a community
			sec := section{Title: t(lang, "consult.communities")}
			for _, c := range comms {
				sec.Rows = append(sec.Rows, web.Kv{Label: c[1], Value: t(lang, "consult.open"), Href: "/consult?community=" + c[0]})
			}
			if code == "" {
				overdue, err := s.svc.Topics(ctx, ac, consult.TopicFilter{Overdue: true})
				if err != nil {
					return err
				}
				sec.Intro = t(lang, fmt.Sprintf("consult.overdue_count:%d", len(overdue)))
				v.Sections = append(v.Sections, sec, s.topicsSection(lang, overdue, t(lang, "consult.overdue_topics"), true))
				s.render(w, r, status, t(lang, "consult.title"), v, e)
				return nil
			}
			v.Back = "/consult"
		}
	}
	if code == "" {
		v.Sections = append(v.Sections, section{Intro: t(lang, "consult.no_community")})
		s.render(w, r, status, t(lang, "consult.title"), v, e)
		return nil
	}
	name, err := s.svc.CommunityName(ctx, code)
	if err != nil {
		return err
	}
	v.Links = []web.Kv{{Label: t(lang, "consult.public_page"), Href: "/public/consult/" + code}}
	manage := consult.MayManageConsultationOf(ac, code)
	errFor := func(f string) *gongzhi.Error {
		if form == f {
			return e
		}
		return nil
	}

	topics, err := s.svc.Topics(ctx, ac, consult.TopicFilter{Community: code})
	if err != nil {
		return err
	}
	v.Sections = append(v.Sections, s.topicsSection(lang, topics, t(lang, "consult.topics"), false))
	if consult.MayRaiseTopics(ac) {
		v.Sections = append(v.Sections, section{ID: "raise", Title: t(lang, "consult.raise_title"), Forms: []*web.FormView{s.raiseForm(r, code, manage, errFor("raise"))}})
	}

	meetings, err := s.svc.ConsultMeetings(ctx, ac, code, 0)
	if err != nil {
		return err
	}
	msec := s.meetingsSection(lang, meetings)
	if manage {
		msec.Forms = append(msec.Forms, s.meetingForm(r, code, topics, errFor("meeting")))
	}
	v.Sections = append(v.Sections, msec)

	contests, err := s.svc.Contests(ctx, ac, code)
	if err != nil {
		return err
	}
	csec := s.contestsSection(lang, contests)
	if manage {
		errs, val := fieldErrs(lang, r, errFor("contest"))
		csec.Forms = append(csec.Forms, &web.FormView{Action: "/consult/contests", Submit: t(lang, "consult.create_contest"), Fields: []web.Field{
			{Name: "place_code", Type: "hidden", Value: code},
			{Name: "title", Label: t(lang, "consult.title_field"), Type: "text", Required: true, Wide: true, Value: val("title"), Error: errs["title"]},
			{Name: "theme", Label: t(lang, "consult.theme"), Type: "textarea", Wide: true, Value: val("theme"), Error: errs["theme"]},
			{Name: "opens_on", Label: t(lang, "consult.opens_on"), Type: "date", Required: true, Value: val("opens_on"), Error: errs["opens_on"]},
			{Name: "closes_on", Label: t(lang, "consult.closes_on"), Type: "date", Required: true, Value: val("closes_on"), Error: errs["closes_on"]},
		}})
	}
	v.Sections = append(v.Sections, csec)

	bodies, err := s.svc.ConsultBodies(ctx, ac, code)
	if err != nil {
		return err
	}
	bsec := bodiesSection(lang, bodies)
	if manage {
		errs, val := fieldErrs(lang, r, errFor("body"))
		bsec.Forms = append(bsec.Forms, &web.FormView{Action: "/consult/bodies", Submit: t(lang, "consult.create_body"), Fields: []web.Field{
			{Name: "place_code", Type: "hidden", Value: code},
			{Name: "kind", Label: t(lang, "consult.body_kind"), Type: "select", Required: true, Options: options(lang, "consult.body.", gongzhi.BodyKinds),
				Value: val("kind"), Error: errs["kind"]},
			{Name: "name", Label: t(lang, "consult.name"), Type: "text", Required: true, Value: val("name"), Error: errs["name"]},
			{Name: "notes", Label: t(lang, "consult.notes"), Type: "textarea", Wide: true, Value: val("notes"), Error: errs["notes"]},
		}})
	}
	v.Sections = append(v.Sections, bsec)
	s.render(w, r, status, name+" · "+t(lang, "consult.title"), v, e)
	return nil
}

// topicsSection lists topics, with a community column when they are of several communities.
func (s *Server) topicsSection(lang string, topics []*gongzhi.Topic, title string, several bool) section {
	sec := section{ID: "topics", Title: title, Cols: []string{t(lang, "consult.topic"), t(lang, "consult.source"),
		t(lang, "consult.state"), t(lang, "consult.supports"), t(lang, "consult.comments"), t(lang, "consult.accept_by")}}
	if several {
		sec.Cols = append(sec.Cols[:1], append([]string{t(lang, "consult.community")}, sec.Cols[1:]...)...)
	}
	for _, tp := range topics {
		cls := ""
		if tp.Overdue {
			cls = "overdue"
		}
		row := []web.Cell{{Text: tp.Title, Href: href("/consult/topics/", tp.ID)},
			{Text: t(lang, "consult.source."+tp.Source)}, {Text: topicState(lang, tp), Class: cls}, {Text: strconv.Itoa(tp.Supports)},
			{Text: strconv.Itoa(tp.Comments)}, {Text: tp.AcceptBy, Class: cls}}
		if several {
			row = append(row[:1], append([]web.Cell{{Text: tp.PlaceName}}, row[1:]...)...)
		}
		sec.Table = append(sec.Table, row)
	}
	return sec
}

func (s *Server) meetingsSection(lang string, ms []*gongzhi.ConsultMeeting) section {
	sec := section{ID: "meetings", Title: t(lang, "consult.meetings"), Cols: []string{t(lang, "consult.meeting"), t(lang, "consult.meeting_kind"),
		t(lang, "consult.starts_at"), t(lang, "consult.location"), t(lang, "consult.state"), t(lang, "consult.attendees")}}
	for _, m := range ms {
		sec.Table = append(sec.Table, []web.Cell{{Text: m.Title, Href: href("/consult/meetings/", m.ID)}, {Text: t(lang, "consult.meeting_kind."+m.Kind)},
			{Text: m.StartsAt.In(gongzhi.ChinaTime).Format("2006-01-02 15:04")}, {Text: m.Location}, {Text: t(lang, "consult.meeting_state."+m.State)},
			{Text: strconv.Itoa(m.Attendees)}})
	}
	return sec
}

func (s *Server) contestsSection(lang string, cs []*gongzhi.Contest) section {
	sec := section{ID: "contests", Title: t(lang, "consult.contests"), Cols: []string{t(lang, "consult.contest"), t(lang, "consult.period"), t(lang, "consult.ideas")}}
	for _, c := range cs {
		sec.Table = append(sec.Table, []web.Cell{{Text: c.Title, Href: href("/consult/contests/", c.ID)}, {Text: c.OpensOn + " – " + c.ClosesOn},
			{Text: strconv.Itoa(c.Ideas)}})
	}
	return sec
}

// linksSection lists a community's votes and decisions, newest first.
func linksSection(lang string, ls []gongzhi.TopicLink) section {
	sec := section{ID: "votes", Title: t(lang, "consult.votes_decisions"), Cols: []string{t(lang, "consult.title_field"), t(lang, "consult.link_kind"),
		t(lang, "consult.state"), t(lang, "consult.link_at")}}
	for _, l := range slices.Backward(ls) {
		at := ""
		if !l.At.IsZero() {
			at = day(l.At.In(gongzhi.ChinaTime))
		}
		sec.Table = append(sec.Table, []web.Cell{{Text: l.Title, Href: l.Href}, {Text: t(lang, "consult.link."+l.Kind)}, {Text: t(lang, l.State)}, {Text: at}})
	}
	return sec
}

func bodiesSection(lang string, bs []*gongzhi.Body) section {
	sec := section{ID: "bodies", Title: t(lang, "consult.bodies"), Cols: []string{t(lang, "consult.body"), t(lang, "consult.body_kind"), t(lang, "consult.members_serving")}}
	for _, b := range bs {
		sec.Table = append(sec.Table, []web.Cell{{Text: b.Name, Href: href("/consult/bodies/", b.ID)}, {Text: t(lang, "consult.body."+b.Kind)},
			{Text: strconv.Itoa(b.Members)}})
	}
	return sec
}

func (s *Server) raiseForm(r *http.Request, code string, manage bool, e *gongzhi.Error) *web.FormView {
	lang := web.LangOf(r)
	errs, val := fieldErrs(lang, r, e)
	f := &web.FormView{Action: "/consult/topics", Submit: t(lang, "consult.raise"), Intro: t(lang, fmt.Sprintf("consult.raise_help:%d", gongzhi.TopicAnswerDays)),
		Fields: []web.Field{
			{Name: "place_code", Type: "hidden", Value: code},
			{Name: "title", Label: t(lang, "consult.title_field"), Type: "text", Required: true, Wide: true, Value: val("title"), Error: errs["title"]},
			{Name: "body", Label: t(lang, "consult.body_text"), Type: "textarea", Wide: true, Value: val("body"), Error: errs["body"]},
		}}
	if manage {
		bodies, _ := s.svc.ConsultBodies(r.Context(), web.ActorOf(r), code)
		bopts := []web.Option{{Value: "", Label: "—"}}
		for _, b := range bodies {
			bopts = append(bopts, web.Option{Value: strconv.FormatInt(b.ID, 10), Label: b.Name})
		}
		f.Fields = append(f.Fields,
			web.Field{Name: "source", Label: t(lang, "consult.source"), Type: "select", Required: true, Value: val("source"), Error: errs["source"],
				Options: options(lang, "consult.source.", []string{gongzhi.TopicFromPaper, gongzhi.TopicFromCommittee, gongzhi.TopicFromNeed})},
			web.Field{Name: "person_id", Label: t(lang, "consult.paper_person"), Type: "select", Options: s.peopleOptions(r, code), Value: val("person_id"),
				Error: errs["person_id"], When: "source", WhenValues: gongzhi.TopicFromPaper},
			web.Field{Name: "body_id", Label: t(lang, "consult.body"), Type: "select", Options: bopts, Value: val("body_id"), Error: errs["body_id"],
				When: "source", WhenValues: gongzhi.TopicFromCommittee},
			web.Field{Name: "need_id", Label: t(lang, "consult.need_id"), Type: "number", Value: val("need_id"), Error: errs["need_id"],
				When: "source", WhenValues: gongzhi.TopicFromNeed})
	}
	return f
}

func (s *Server) meetingForm(r *http.Request, code string, topics []*gongzhi.Topic, e *gongzhi.Error) *web.FormView {
	lang := web.LangOf(r)
	errs, val := fieldErrs(lang, r, e)
	topts := []web.Option{{Value: "", Label: "—"}}
	for _, tp := range topics {
		if tp.Open() {
			topts = append(topts, web.Option{Value: strconv.FormatInt(tp.ID, 10), Label: tp.Title})
		}
	}
	bodies, _ := s.svc.ConsultBodies(r.Context(), web.ActorOf(r), code)
	bopts := []web.Option{{Value: "", Label: "—"}}
	for _, b := range bodies {
		bopts = append(bopts, web.Option{Value: strconv.FormatInt(b.ID, 10), Label: b.Name})
	}
	topic := val("topic_id")
	if topic == "" {
		topic = r.URL.Query().Get("topic")
	}
	return &web.FormView{Action: "/consult/meetings", Submit: t(lang, "consult.create_meeting"), Fields: []web.Field{
		{Name: "place_code", Type: "hidden", Value: code},
		{Name: "kind", Label: t(lang, "consult.meeting_kind"), Type: "select", Required: true, Options: options(lang, "consult.meeting_kind.", gongzhi.MeetingKinds),
			Value: val("kind"), Error: errs["kind"]},
		{Name: "title", Label: t(lang, "consult.title_field"), Type: "text", Required: true, Wide: true, Value: val("title"), Error: errs["title"]},
		{Name: "starts_at", Label: t(lang, "consult.starts_at"), Type: "datetime-local", Required: true, Value: val("starts_at"), Error: errs["starts_at"]},
		{Name: "location", Label: t(lang, "consult.location"), Type: "text", Value: val("location"), Error: errs["location"]},
		{Name: "topic_id", Label: t(lang, "consult.topic"), Type: "select", Options: topts, Value: topic, Error: errs["topic_id"]},
		{Name: "body_id", Label: t(lang, "consult.body"), Type: "select", Options: bopts, Value: val("body_id"), Error: errs["body_id"]},
		{Name: "agenda", Label: t(lang, "consult.agenda"), Type: "textarea", Wide: true, Value: val("agenda"), Error: errs["agenda"]},
	}}
}

// ---- bodies

type bodyRequest struct {
	PlaceCode string `json:"place_code"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Notes     string `json:"notes"`
}

type memberRequest struct {
	PersonID  int64  `json:"person_id"`
	Role      string `json:"role"`
	TermFrom  string `json:"term_from"`
	TermUntil string `json:"term_until"`
}

type endRequest struct {
	TermUntil string `json:"term_until"`
}

type bodyView struct {
	*gongzhi.Body
	MemberList []gongzhi.Member `json:"member_list"`
}

func (s *Server) apiBodies(w http.ResponseWriter, r *http.Request) error {
	bs, err := s.svc.ConsultBodies(r.Context(), web.ActorOf(r), s.community(r))
	if err != nil {
		return err
	}
	items := make([]gongzhi.Body, 0, len(bs))
	for _, b := range bs {
		items = append(items, *b)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Body]{Items: items})
	return nil
}

func (s *Server) createBody(w http.ResponseWriter, r *http.Request) error {
	var req bodyRequest
	b := &gongzhi.Body{}
	err := s.Decode(w, r, &req)
	if err == nil {
		b = &gongzhi.Body{PlaceCode: req.PlaceCode, Kind: req.Kind, Name: req.Name, Notes: req.Notes}
		err = s.svc.CreateBody(r.Context(), web.ActorOf(r), b)
	}
	return s.answer(w, r, http.StatusCreated, b, err, func(e *gongzhi.Error) error { return s.renderHome(w, r, web.StatusOf[e.Code], "body", e) },
		href("/consult/bodies/", b.ID), "consult.saved_flash")
}

func (s *Server) body(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		b, ms, err := s.svc.ConsultBody(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		if ms == nil {
			ms = []gongzhi.Member{}
		}
		web.WriteJSON(w, http.StatusOK, bodyView{b, ms})
		return nil
	}
	return s.renderBody(w, r, id, http.StatusOK, nil)
}

func (s *Server) renderBody(w http.ResponseWriter, r *http.Request, id int64, status int, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	b, ms, err := s.svc.ConsultBody(r.Context(), ac, id)
	if err != nil {
		return err
	}
	manage := consult.MayManageConsultationOf(ac, b.PlaceCode)
	v := &pageView{Back: "/consult?community=" + b.PlaceCode, Sections: []section{{Rows: []web.Kv{
		{Label: t(lang, "consult.community"), Value: b.PlaceName},
		{Label: t(lang, "consult.body_kind"), Value: t(lang, "consult.body."+b.Kind)},
		{Label: t(lang, "consult.members_serving"), Value: strconv.Itoa(b.Members)},
	}, Text: b.Notes}}}
	msec := section{Title: t(lang, "consult.members"), Cols: []string{t(lang, "consult.member"), t(lang, "consult.role"), t(lang, "consult.term")}}
	today := s.svc.Today()
	for _, m := range ms {
		term := m.TermFrom + " – " + m.TermUntil
		if m.TermUntil == "" || m.TermUntil >= today {
			term += " · " + t(lang, "consult.serving")
		}
		msec.Table = append(msec.Table, []web.Cell{{Text: m.PersonName}, {Text: t(lang, "consult.role."+m.Role)}, {Text: term}})
		if manage && m.TermUntil == "" {
			msec.Items = append(msec.Items, item{Head: m.PersonName, Note: t(lang, "consult.role."+m.Role), Form: &web.FormView{
				Action: href("/consult/members/", m.ID) + "/end", Submit: t(lang, "consult.end_term"), Fields: []web.Field{
					{Name: "term_until", Label: t(lang, "consult.term_until"), Type: "date", Required: true, Value: today}}}})
		}
	}
	if manage {
		errs, val := fieldErrs(lang, r, e)
		msec.Forms = append(msec.Forms, &web.FormView{Action: href("/consult/bodies/", id) + "/members", Submit: t(lang, "consult.add_member"),
			Intro: t(lang, "consult.add_member_help"), Fields: []web.Field{
				{Name: "person_id", Label: t(lang, "consult.member"), Type: "select", Required: true, Options: s.peopleOptions(r, b.PlaceCode),
					Value: val("person_id"), Error: errs["person_id"]},
				{Name: "role", Label: t(lang, "consult.role"), Type: "select", Required: true, Options: options(lang, "consult.role.", gongzhi.MemberRoles),
					Value: val("role"), Error: errs["role"]},
				{Name: "term_from", Label: t(lang, "consult.term_from"), Type: "date", Required: true, Value: val("term_from"), Error: errs["term_from"]},
				{Name: "term_until", Label: t(lang, "consult.term_until"), Type: "date", Value: val("term_until"), Error: errs["term_until"]},
			}})
	}
	v.Sections = append(v.Sections, msec)
	s.render(w, r, status, b.Name, v, e)
	return nil
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req memberRequest
	m := &gongzhi.Member{BodyID: id}
	if err = s.Decode(w, r, &req); err == nil {
		m.PersonID, m.Role, m.TermFrom, m.TermUntil = req.PersonID, req.Role, req.TermFrom, req.TermUntil
		err = s.svc.AddMember(r.Context(), web.ActorOf(r), m)
	}
	return s.answer(w, r, http.StatusCreated, m, err, func(e *gongzhi.Error) error { return s.renderBody(w, r, id, web.StatusOf[e.Code], e) },
		href("/consult/bodies/", id), "consult.saved_flash")
}

func (s *Server) endMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req endRequest
	if err = s.Decode(w, r, &req); err == nil {
		err = s.svc.EndMember(r.Context(), web.ActorOf(r), id, req.TermUntil)
	}
	back := r.Referer()
	if !strings.Contains(back, "/consult/bodies/") {
		back = "/consult"
	}
	return s.answer(w, r, http.StatusOK, map[string]any{"id": id, "term_until": req.TermUntil}, err, nil, web.SafeNext(pathOf(back)), "consult.saved_flash")
}

// pathOf is the path of a URL (a Referer), for a redirect back within the site.
func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.Index(u, "/"); j >= 0 {
			return u[j:]
		}
		return "/"
	}
	return u
}

// ---- topics

type topicRequest struct {
	PlaceCode string `json:"place_code"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	Source    string `json:"source"`
	PersonID  int64  `json:"person_id"`
	BodyID    int64  `json:"body_id"`
	NeedID    int64  `json:"need_id"`
}

type mergeRequest struct {
	Into int64 `json:"into"`
}

type reasonRequest struct {
	Reason string `json:"reason"`
	Words  string `json:"words"`
}

type commentRequest struct {
	Kind string `json:"kind"`
	Body string `json:"body"`
}

// topicView is a topic with its deliberation, as the API answers it.
type topicView struct {
	*gongzhi.Topic
	CommentList []gongzhi.Comment         `json:"comment_list"`
	Meetings    []*gongzhi.ConsultMeeting `json:"meetings"`
	Links       []gongzhi.TopicLink       `json:"links"`
}

func (s *Server) apiTopics(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ts, err := s.svc.Topics(r.Context(), web.ActorOf(r), consult.TopicFilter{Community: q.Get("community"), State: q.Get("state"), Overdue: q.Get("overdue") == "true"})
	if err != nil {
		return err
	}
	items := make([]gongzhi.Topic, 0, len(ts))
	for _, x := range ts {
		items = append(items, *x)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Topic]{Items: items})
	return nil
}

func (s *Server) raise(w http.ResponseWriter, r *http.Request) error {
	var req topicRequest
	tp := &gongzhi.Topic{}
	err := s.Decode(w, r, &req)
	if err == nil {
		tp = &gongzhi.Topic{PlaceCode: req.PlaceCode, Title: req.Title, Body: req.Body, Source: req.Source, PersonID: req.PersonID,
			BodyID: req.BodyID, NeedID: req.NeedID}
		err = s.svc.RaiseTopic(r.Context(), web.ActorOf(r), tp)
	}
	return s.answer(w, r, http.StatusCreated, tp, err, func(e *gongzhi.Error) error { return s.renderHome(w, r, web.StatusOf[e.Code], "raise", e) },
		href("/consult/topics/", tp.ID), "consult.raised_flash")
}

func (s *Server) topic(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		ac, ctx := web.ActorOf(r), r.Context()
		tp, err := s.svc.Topic(ctx, ac, id)
		if err != nil {
			return err
		}
		cs, err := s.svc.Comments(ctx, ac, id)
		if err != nil {
			return err
		}
		ms, err := s.svc.ConsultMeetings(ctx, ac, "", id)
		if err != nil {
			return err
		}
		ls, err := s.svc.TopicLinks(ctx, id)
		if err != nil {
			return err
		}
		if cs == nil {
			cs = []gongzhi.Comment{}
		}
		if ms == nil {
			ms = []*gongzhi.ConsultMeeting{}
		}
		if ls == nil {
			ls = []gongzhi.TopicLink{}
		}
		web.WriteJSON(w, http.StatusOK, topicView{tp, cs, ms, ls})
		return nil
	}
	return s.renderTopic(w, r, id, http.StatusOK, "", nil)
}

func (s *Server) renderTopic(w http.ResponseWriter, r *http.Request, id int64, status int, form string, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	tp, err := s.svc.Topic(ctx, ac, id)
	if err != nil {
		return err
	}
	cs, err := s.svc.Comments(ctx, ac, id)
	if err != nil {
		return err
	}
	ms, err := s.svc.ConsultMeetings(ctx, ac, "", id)
	if err != nil {
		return err
	}
	links, err := s.svc.TopicLinks(ctx, id)
	if err != nil {
		return err
	}
	manage := consult.MayManageConsultationOf(ac, tp.PlaceCode)
	errFor := func(f string) *gongzhi.Error {
		if form == f {
			return e
		}
		return nil
	}
	back := "/public/consult/" + tp.PlaceCode
	if ac != nil {
		back = "/consult?community=" + tp.PlaceCode
	}
	main := section{Rows: []web.Kv{
		{Label: t(lang, "consult.community"), Value: tp.PlaceName, Href: "/public/consult/" + tp.PlaceCode},
		{Label: t(lang, "consult.source"), Value: t(lang, "consult.source."+tp.Source)},
		{Label: t(lang, "consult.state"), Value: topicState(lang, tp)},
		{Label: t(lang, "consult.supports"), Value: strconv.Itoa(tp.Supports)},
	}, Text: tp.Body}
	if tp.RaisedBy != "" {
		main.Rows = append(main.Rows, web.Kv{Label: t(lang, "consult.raised_by"), Value: tp.RaisedBy})
	}
	if tp.BodyName != "" {
		main.Rows = append(main.Rows, web.Kv{Label: t(lang, "consult.body"), Value: tp.BodyName, Href: href("/consult/bodies/", tp.BodyID)})
	}
	if tp.NeedID != 0 {
		main.Rows = append(main.Rows, web.Kv{Label: t(lang, "consult.need"), Value: "#" + strconv.FormatInt(tp.NeedID, 10), Href: href("/needs/", tp.NeedID)})
	}
	if tp.MergedInto != 0 {
		main.Rows = append(main.Rows, web.Kv{Label: t(lang, "consult.merged_into"), Value: "#" + strconv.FormatInt(tp.MergedInto, 10), Href: href("/consult/topics/", tp.MergedInto)})
	}
	if rs := reasonText(lang, tp.Reason); rs != "" && tp.State == gongzhi.TopicDeclined {
		main.Rows = append(main.Rows, web.Kv{Label: t(lang, "consult.reason"), Value: rs})
	}
	v := &pageView{Back: back, Sections: []section{main}}

	// the whole path: raised → answered → comments → meetings → votes and decisions
	path := section{Title: t(lang, "consult.path")}
	path.Path = append(path.Path, pathStep{Head: t(lang, "consult.step.raised"), Note: day(tp.CreatedAt.In(gongzhi.ChinaTime)) + " · " +
		t(lang, "consult.source."+tp.Source)})
	switch {
	case tp.AnsweredAt != nil:
		// the answer, not today's state: a topic voted on or decided was accepted first
		answer := tp.State
		if answer == gongzhi.TopicVoting || answer == gongzhi.TopicDecided || answer == gongzhi.TopicClosed {
			answer = gongzhi.TopicAccepted
		}
		st := pathStep{Head: t(lang, "consult.topic_state."+answer), Note: day(tp.AnsweredAt.In(gongzhi.ChinaTime))}
		if tp.AnsweredLate {
			st.Note += " · " + t(lang, "consult.answered_late:"+tp.AcceptBy)
			st.Class = "late"
		}
		path.Path = append(path.Path, st)
	case tp.Overdue:
		path.Path = append(path.Path, pathStep{Head: t(lang, "consult.overdue"), Note: t(lang, "consult.due:"+tp.AcceptBy), Class: "late"})
	default:
		path.Path = append(path.Path, pathStep{Head: t(lang, "consult.awaiting_answer"), Note: t(lang, "consult.due:"+tp.AcceptBy)})
	}
	visible, proposals := 0, 0
	for _, c := range cs {
		if !c.Hidden {
			visible++
			if c.Kind == gongzhi.CommentProposal {
				proposals++
			}
		}
	}
	if visible > 0 {
		path.Path = append(path.Path, pathStep{Head: web.TN(lang, "consult.step.comments", visible, strconv.Itoa(proposals)), Href: "#comments"})
	}
	for _, m := range ms {
		path.Path = append(path.Path, pathStep{Head: t(lang, "consult.meeting_kind."+m.Kind) + "：" + m.Title,
			Note: m.StartsAt.In(gongzhi.ChinaTime).Format("2006-01-02 15:04") + " · " + t(lang, "consult.meeting_state."+m.State), Href: href("/consult/meetings/", m.ID)})
	}
	for _, l := range links {
		path.Path = append(path.Path, pathStep{Head: t(lang, "consult.link."+l.Kind) + "：" + l.Title, Note: day(l.At.In(gongzhi.ChinaTime)) + " · " + t(lang, l.State), Href: l.Href})
	}
	v.Sections = append(v.Sections, path)

	if manage && tp.State == gongzhi.TopicRaised {
		errs, val := fieldErrs(lang, r, errFor("answer"))
		others, _ := s.svc.Topics(ctx, ac, consult.TopicFilter{Community: tp.PlaceCode, State: "open"})
		mopts := []web.Option{{Value: "", Label: "—"}}
		for _, o := range others {
			if o.ID != tp.ID {
				mopts = append(mopts, web.Option{Value: strconv.FormatInt(o.ID, 10), Label: o.Title})
			}
		}
		base := href("/consult/topics/", id)
		v.Sections = append(v.Sections, section{ID: "answer", Title: t(lang, "consult.answer_title"), Intro: t(lang, "consult.answer_help:"+tp.AcceptBy), Forms: []*web.FormView{
			{Action: base + "/accept", Submit: t(lang, "consult.accept")},
			{Action: base + "/merge", Submit: t(lang, "consult.merge"), Fields: []web.Field{
				{Name: "into", Label: t(lang, "consult.merge_into"), Type: "select", Required: true, Options: mopts, Value: val("into"), Error: errs["into"]}}},
			{Action: base + "/decline", Submit: t(lang, "consult.decline"), Fields: []web.Field{
				{Name: "reason", Label: t(lang, "consult.reason"), Type: "select", Required: true, Options: options(lang, "consult.decline.", gongzhi.DeclineReasons),
					Value: val("reason"), Error: errs["reason"]},
				{Name: "words", Label: t(lang, "consult.words"), Type: "text", Wide: true, Value: val("words"), Error: errs["words"], Help: t(lang, "consult.words_help")}}},
		}})
	}
	if manage && tp.Open() {
		v.Links = append(v.Links, web.Kv{Label: t(lang, "consult.call_meeting"), Href: "/consult?community=" + tp.PlaceCode + "&topic=" + strconv.FormatInt(id, 10) + "#meetings"})
	}
	if manage && tp.State == gongzhi.TopicAccepted {
		// a vote on the topic (docs/votes.md): the votes page's form, filled in with the topic
		v.Links = append(v.Links, web.Kv{Label: t(lang, "consult.open_vote"), Href: "/votes?" + url.Values{"topic_id": {strconv.FormatInt(id, 10)},
			"title": {tp.Title}}.Encode() + "#new-vote"})
	}

	csec := section{ID: "comments", Title: t(lang, "consult.comments")}
	for _, c := range cs {
		it := item{Head: c.Author, Note: day(c.CreatedAt.In(gongzhi.ChinaTime)) + " · " + t(lang, "consult.comment_kind."+c.Kind), Text: c.Body}
		if c.Hidden {
			it.Muted = true
			it.Note += " · " + t(lang, "consult.hidden:"+reasonText(lang, c.HiddenReason))
		} else if manage {
			it.Form = &web.FormView{Action: href("/consult/comments/", c.ID) + "/hide", Submit: t(lang, "consult.hide"), Fields: []web.Field{
				{Name: "reason", Label: t(lang, "consult.reason"), Type: "select", Required: true, Options: options(lang, "consult.moderation.", gongzhi.ModerationReasons)},
				{Name: "words", Label: t(lang, "consult.words"), Type: "text"}}}
		}
		csec.Items = append(csec.Items, it)
	}
	if len(cs) == 0 {
		csec.Intro = t(lang, "consult.no_comments")
	}
	switch {
	case !tp.Open():
	case consult.MayDeliberate(ac) && s.svc.MyCommunity(ctx, ac) != tp.PlaceCode:
		csec.Intro = t(lang, "consult.not_your_community")
	case consult.MayDeliberate(ac):
		errs, val := fieldErrs(lang, r, errFor("comment"))
		csec.Forms = append(csec.Forms, &web.FormView{Action: href("/consult/topics/", id) + "/comments", Submit: t(lang, "consult.post_comment"), Fields: []web.Field{
			{Name: "kind", Label: t(lang, "consult.comment_kind"), Type: "select", Options: []web.Option{
				{Value: gongzhi.CommentPlain, Label: t(lang, "consult.comment_kind.comment")}, {Value: gongzhi.CommentProposal, Label: t(lang, "consult.comment_kind.proposal")}},
				Value: val("kind")},
			{Name: "body", Label: t(lang, "consult.your_comment"), Type: "textarea", Required: true, Wide: true, Value: val("body"), Error: errs["body"]}}})
		if !s.svc.Supported(ctx, ac, id) {
			v.Sections = append(v.Sections, section{ID: "support", Forms: []*web.FormView{{Action: href("/consult/topics/", id) + "/support",
				Submit: t(lang, "consult.support"), Intro: t(lang, "consult.support_help")}}})
		} else {
			v.Sections = append(v.Sections, section{ID: "support", Intro: t(lang, "consult.supported")})
		}
	case ac == nil:
		csec.Rows = []web.Kv{{Label: t(lang, "consult.take_part"), Value: t(lang, "consult.sign_in"), Href: "/login?next=" + r.URL.Path}}
	}
	v.Sections = append(v.Sections, csec)
	s.render(w, r, status, tp.Title, v, e)
	return nil
}

func (s *Server) topicAction(w http.ResponseWriter, r *http.Request, form, flash string, do func(id int64) (any, error)) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := do(id)
	return s.answer(w, r, http.StatusOK, v, err, func(e *gongzhi.Error) error { return s.renderTopic(w, r, id, web.StatusOf[e.Code], form, e) },
		href("/consult/topics/", id), flash)
}

func (s *Server) accept(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "answer", "consult.accepted_flash", func(id int64) (any, error) {
		return s.svc.AcceptTopic(r.Context(), web.ActorOf(r), id)
	})
}

func (s *Server) merge(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "answer", "consult.merged_flash", func(id int64) (any, error) {
		var req mergeRequest
		if err := s.Decode(w, r, &req); err != nil {
			return nil, err
		}
		return s.svc.MergeTopic(r.Context(), web.ActorOf(r), id, req.Into)
	})
}

func (s *Server) decline(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "answer", "consult.declined_flash", func(id int64) (any, error) {
		var req reasonRequest
		if err := s.Decode(w, r, &req); err != nil {
			return nil, err
		}
		return s.svc.DeclineTopic(r.Context(), web.ActorOf(r), id, req.Reason, req.Words)
	})
}

func (s *Server) support(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, "support", "consult.supported_flash", func(id int64) (any, error) {
		return s.svc.SupportTopic(r.Context(), web.ActorOf(r), id)
	})
}

func (s *Server) comment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req commentRequest
	c := &gongzhi.Comment{TopicID: id}
	if err = s.Decode(w, r, &req); err == nil {
		c.Kind, c.Body = req.Kind, req.Body
		err = s.svc.Comment(r.Context(), web.ActorOf(r), c)
	}
	return s.answer(w, r, http.StatusCreated, c, err, func(e *gongzhi.Error) error { return s.renderTopic(w, r, id, web.StatusOf[e.Code], "comment", e) },
		href("/consult/topics/", id)+"#comments", "consult.commented_flash")
}

func (s *Server) hide(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req reasonRequest
	var topic int64
	if err = s.Decode(w, r, &req); err == nil {
		topic, err = s.svc.HideComment(r.Context(), web.ActorOf(r), id, req.Reason, req.Words)
	}
	if err != nil && !web.IsAPIPath(r) && topic != 0 {
		return s.renderTopic(w, r, topic, web.StatusOf[gongzhi.AsError(err).Code], "hide", gongzhi.AsError(err))
	}
	return s.answer(w, r, http.StatusOK, map[string]any{"id": id, "topic_id": topic, "hidden": true}, err, nil,
		href("/consult/topics/", topic)+"#comments", "consult.hidden_flash")
}

// ---- meetings

type meetingRequest struct {
	PlaceCode string `json:"place_code"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	StartsAt  string `json:"starts_at"` // RFC 3339, or 2006-01-02T15:04 in China Standard Time
	Location  string `json:"location"`
	Agenda    string `json:"agenda"`
	TopicID   int64  `json:"topic_id"`
	BodyID    int64  `json:"body_id"`
}

type personRequest struct {
	PersonID int64 `json:"person_id"`
}

type speakerRequest struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	Summary  string `json:"summary"`
}

type proposalRequest struct {
	Title    string `json:"title"`
	Body     string `json:"body"`
	TabledBy string `json:"tabled_by"`
}

type minutesRequest struct {
	Minutes string `json:"minutes"`
}

type signInRequest struct {
	Key string `json:"key"`
}

// meetingView is a meeting with its attendance, speakers and proposals, as the API answers it;
// the sign-in URL only for the community's staff while sign-in is open.
type meetingView struct {
	*gongzhi.ConsultMeeting
	SignInURL     string                    `json:"signin_url,omitempty"`
	AttendeeList  []gongzhi.ConsultAttendee `json:"attendee_list"`
	Speakers      []gongzhi.ConsultSpeaker  `json:"speakers"`
	ProposalsList []gongzhi.TabledProposal  `json:"proposals"`
}

func (s *Server) apiMeetings(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.svc.ConsultMeetings(r.Context(), web.ActorOf(r), s.community(r), 0)
	if err != nil {
		return err
	}
	items := make([]gongzhi.ConsultMeeting, 0, len(ms))
	for _, m := range ms {
		items = append(items, *m)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.ConsultMeeting]{Items: items})
	return nil
}

func (s *Server) createMeeting(w http.ResponseWriter, r *http.Request) error {
	var req meetingRequest
	m := &gongzhi.ConsultMeeting{}
	err := s.Decode(w, r, &req)
	if err == nil {
		m = &gongzhi.ConsultMeeting{PlaceCode: req.PlaceCode, Kind: req.Kind, Title: req.Title, Location: req.Location, Agenda: req.Agenda,
			TopicID: req.TopicID, BodyID: req.BodyID}
		var ok bool
		if m.StartsAt, ok = consult.ParseMeetingTime(req.StartsAt); !ok && req.StartsAt != "" {
			err = gongzhi.Invalid("starts_at", "consult.time_format")
		}
		if err == nil {
			err = s.svc.CreateMeeting(r.Context(), web.ActorOf(r), m)
		}
	}
	return s.answer(w, r, http.StatusCreated, m, err, func(e *gongzhi.Error) error { return s.renderHome(w, r, web.StatusOf[e.Code], "meeting", e) },
		href("/consult/meetings/", m.ID), "consult.saved_flash")
}

// signInURL is the address the door's QR code carries: this server's, as the request reached it.
func signInURL(r *http.Request, key string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/consult/signin/" + key
}

func (s *Server) meetingData(r *http.Request, id int64) (*meetingView, error) {
	ac, ctx := web.ActorOf(r), r.Context()
	m, err := s.svc.ConsultMeeting(ctx, ac, id)
	if err != nil {
		return nil, err
	}
	v := &meetingView{ConsultMeeting: m}
	if m.SigninKey != "" {
		v.SignInURL = signInURL(r, m.SigninKey)
	}
	if v.AttendeeList, err = s.svc.Attendees(ctx, ac, m); err != nil {
		return nil, err
	}
	if v.Speakers, err = s.svc.Speakers(ctx, ac, m); err != nil {
		return nil, err
	}
	if v.ProposalsList, err = s.svc.Proposals(ctx, m.ID); err != nil {
		return nil, err
	}
	if v.AttendeeList == nil {
		v.AttendeeList = []gongzhi.ConsultAttendee{}
	}
	if v.Speakers == nil {
		v.Speakers = []gongzhi.ConsultSpeaker{}
	}
	if v.ProposalsList == nil {
		v.ProposalsList = []gongzhi.TabledProposal{}
	}
	return v, nil
}

func (s *Server) meeting(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		v, err := s.meetingData(r, id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, v)
		return nil
	}
	return s.renderMeeting(w, r, id, http.StatusOK, "", nil)
}

func (s *Server) renderMeeting(w http.ResponseWriter, r *http.Request, id int64, status int, form string, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	mv, err := s.meetingData(r, id)
	if err != nil {
		return err
	}
	m := mv.ConsultMeeting
	manage := consult.MayManageConsultationOf(ac, m.PlaceCode)
	errFor := func(f string) *gongzhi.Error {
		if form == f {
			return e
		}
		return nil
	}
	base := href("/consult/meetings/", id)
	v := &pageView{Back: "/public/consult/" + m.PlaceCode, Links: []web.Kv{{Label: t(lang, "consult.print_sheet"), Href: base + "/sheet"},
		{Label: t(lang, "consult.export_xlsx"), Href: base + "/minutes.xlsx"}}}
	if ac != nil {
		v.Back = "/consult?community=" + m.PlaceCode
	}
	main := section{Rows: []web.Kv{
		{Label: t(lang, "consult.meeting_kind"), Value: t(lang, "consult.meeting_kind."+m.Kind)},
		{Label: t(lang, "consult.community"), Value: m.PlaceName, Href: "/public/consult/" + m.PlaceCode},
		{Label: t(lang, "consult.starts_at"), Value: m.StartsAt.In(gongzhi.ChinaTime).Format("2006-01-02 15:04")},
		{Label: t(lang, "consult.location"), Value: m.Location},
		{Label: t(lang, "consult.state"), Value: t(lang, "consult.meeting_state."+m.State)},
		{Label: t(lang, "consult.attendees"), Value: strconv.Itoa(m.Attendees)},
	}}
	if m.TopicID != 0 {
		main.Rows = append(main.Rows, web.Kv{Label: t(lang, "consult.topic"), Value: m.TopicTitle, Href: href("/consult/topics/", m.TopicID)})
	}
	if manage && m.Attendees > 0 {
		// a vote of the meeting's attendees (docs/votes.md), on its topic when it has one
		q := url.Values{"meeting_id": {strconv.FormatInt(id, 10)}, "electorate": {gongzhi.ElectorateMeeting}, "title": {m.Title}}
		if m.TopicID != 0 {
			q.Set("topic_id", strconv.FormatInt(m.TopicID, 10))
		}
		v.Links = append(v.Links, web.Kv{Label: t(lang, "consult.attendees_vote"), Href: "/votes?" + q.Encode() + "#new-vote"})
	}
	if m.BodyName != "" {
		main.Rows = append(main.Rows, web.Kv{Label: t(lang, "consult.body"), Value: m.BodyName, Href: href("/consult/bodies/", m.BodyID)})
	}
	v.Sections = append(v.Sections, main)
	if m.Agenda != "" {
		v.Sections = append(v.Sections, section{Title: t(lang, "consult.agenda"), Text: m.Agenda})
	}
	open := m.State == gongzhi.MeetingPlanned || m.State == gongzhi.MeetingOpen
	if manage && m.State == gongzhi.MeetingPlanned {
		v.Sections = append(v.Sections, section{ID: "signin", Title: t(lang, "consult.signin_title"), Forms: []*web.FormView{
			{Action: base + "/signin-open", Submit: t(lang, "consult.open_signin"), Intro: t(lang, "consult.open_signin_help")}}})
	}
	if manage && mv.SignInURL != "" {
		qr, _ := web.QRSVG(mv.SignInURL, 280, false)
		v.Sections = append(v.Sections, section{ID: "signin", Title: t(lang, "consult.signin_title"), Intro: t(lang, "consult.qr_help"), QR: qr,
			Rows: []web.Kv{{Label: t(lang, "consult.signin_link"), Value: mv.SignInURL, Href: mv.SignInURL}}})
	}
	asec := section{ID: "attendees", Title: t(lang, "consult.attendance"), Cols: []string{t(lang, "consult.attendee"), t(lang, "consult.how"), t(lang, "consult.signed_at")}}
	for _, a := range mv.AttendeeList {
		asec.Table = append(asec.Table, []web.Cell{{Text: a.Name}, {Text: t(lang, "consult.how."+a.How)}, {Text: a.SignedAt.In(gongzhi.ChinaTime).Format("15:04")}})
	}
	if manage && open {
		errs, _ := fieldErrs(lang, r, errFor("attendee"))
		asec.Forms = append(asec.Forms, &web.FormView{Action: base + "/attendees", Submit: t(lang, "consult.staff_signin"), Fields: []web.Field{
			{Name: "person_id", Label: t(lang, "consult.attendee"), Type: "select", Required: true, Options: s.peopleOptions(r, m.PlaceCode), Error: errs["person_id"]}}})
	}
	v.Sections = append(v.Sections, asec)

	ssec := section{ID: "speakers", Title: t(lang, "consult.speakers")}
	for _, sp := range mv.Speakers {
		ssec.Items = append(ssec.Items, item{Head: sp.Name, Text: sp.Summary})
	}
	psec := section{ID: "proposals", Title: t(lang, "consult.proposals")}
	for _, p := range mv.ProposalsList {
		psec.Items = append(psec.Items, item{Head: p.Title, Note: p.TabledBy, Text: p.Body})
	}
	if manage && m.State != gongzhi.MeetingCancelled {
		errs, val := fieldErrs(lang, r, errFor("speaker"))
		ssec.Forms = append(ssec.Forms, &web.FormView{Action: base + "/speakers", Submit: t(lang, "consult.add_speaker"), Fields: []web.Field{
			{Name: "person_id", Label: t(lang, "consult.speaker"), Type: "select", Options: s.peopleOptions(r, m.PlaceCode), Value: val("person_id"), Error: errs["person_id"]},
			{Name: "name", Label: t(lang, "consult.guest_name"), Type: "text", Value: val("name"), Error: errs["name"], Help: t(lang, "consult.guest_help")},
			{Name: "summary", Label: t(lang, "consult.summary"), Type: "textarea", Required: true, Wide: true, Value: val("summary"), Error: errs["summary"]}}})
		perrs, pval := fieldErrs(lang, r, errFor("proposal"))
		psec.Forms = append(psec.Forms, &web.FormView{Action: base + "/proposals", Submit: t(lang, "consult.table_proposal"), Fields: []web.Field{
			{Name: "title", Label: t(lang, "consult.title_field"), Type: "text", Required: true, Wide: true, Value: pval("title"), Error: perrs["title"]},
			{Name: "tabled_by", Label: t(lang, "consult.tabled_by"), Type: "text", Value: pval("tabled_by"), Error: perrs["tabled_by"]},
			{Name: "body", Label: t(lang, "consult.body_text"), Type: "textarea", Wide: true, Value: pval("body"), Error: perrs["body"]}}})
	}
	if len(ssec.Items) > 0 || len(ssec.Forms) > 0 {
		v.Sections = append(v.Sections, ssec)
	}
	if len(psec.Items) > 0 || len(psec.Forms) > 0 {
		v.Sections = append(v.Sections, psec)
	}
	msec := section{ID: "minutes", Title: t(lang, "consult.minutes"), Text: m.Minutes}
	if m.Minutes == "" {
		msec.Intro = t(lang, "consult.no_minutes")
	}
	if manage && open {
		errs, val := fieldErrs(lang, r, errFor("minutes"))
		msec.Forms = append(msec.Forms, &web.FormView{Action: base + "/minutes", Submit: t(lang, "consult.record_minutes"), Intro: t(lang, "consult.minutes_help"),
			Fields: []web.Field{{Name: "minutes", Label: t(lang, "consult.minutes"), Type: "textarea", Required: true, Wide: true, Value: val("minutes"), Error: errs["minutes"]}}},
			&web.FormView{Action: base + "/cancel", Submit: t(lang, "consult.cancel_meeting")})
	}
	v.Sections = append(v.Sections, msec)
	s.render(w, r, status, m.Title, v, e)
	return nil
}

func (s *Server) meetingAction(w http.ResponseWriter, r *http.Request, form, flash string, status int, do func(id int64) (any, error)) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := do(id)
	return s.answer(w, r, status, v, err, func(e *gongzhi.Error) error { return s.renderMeeting(w, r, id, web.StatusOf[e.Code], form, e) },
		href("/consult/meetings/", id)+"#"+form, flash)
}

func (s *Server) openSignIn(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "signin", "consult.signin_opened_flash", http.StatusOK, func(id int64) (any, error) {
		if _, err := s.svc.OpenSignIn(r.Context(), web.ActorOf(r), id); err != nil {
			return nil, err
		}
		return s.meetingData(r, id)
	})
}

func (s *Server) staffSignIn(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "attendees", "consult.signed_in_flash", http.StatusCreated, func(id int64) (any, error) {
		var req personRequest
		if err := s.Decode(w, r, &req); err != nil {
			return nil, err
		}
		if err := s.svc.SignInByStaff(r.Context(), web.ActorOf(r), id, req.PersonID); err != nil {
			return nil, err
		}
		return map[string]any{"meeting_id": id, "person_id": req.PersonID, "how": "staff"}, nil
	})
}

func (s *Server) addSpeaker(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "speakers", "consult.saved_flash", http.StatusCreated, func(id int64) (any, error) {
		var req speakerRequest
		if err := s.Decode(w, r, &req); err != nil {
			return nil, err
		}
		sp := &gongzhi.ConsultSpeaker{MeetingID: id, PersonID: req.PersonID, Name: req.Name, Summary: req.Summary}
		return sp, s.svc.AddSpeaker(r.Context(), web.ActorOf(r), sp)
	})
}

func (s *Server) tableProposal(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "proposals", "consult.saved_flash", http.StatusCreated, func(id int64) (any, error) {
		var req proposalRequest
		if err := s.Decode(w, r, &req); err != nil {
			return nil, err
		}
		p := &gongzhi.TabledProposal{MeetingID: id, Title: req.Title, Body: req.Body, TabledBy: req.TabledBy}
		return p, s.svc.TableProposal(r.Context(), web.ActorOf(r), p)
	})
}

func (s *Server) minutes(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "minutes", "consult.minutes_flash", http.StatusOK, func(id int64) (any, error) {
		var req minutesRequest
		if err := s.Decode(w, r, &req); err != nil {
			return nil, err
		}
		return s.svc.RecordMinutes(r.Context(), web.ActorOf(r), id, req.Minutes)
	})
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(w, r, "minutes", "consult.cancelled_flash", http.StatusOK, func(id int64) (any, error) {
		return s.svc.CancelMeeting(r.Context(), web.ActorOf(r), id)
	})
}

// signInPage is where the door's QR code leads a resident's phone: the meeting, and the button
// that signs them in.
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSignIn(w, r, http.StatusOK, nil)
}

func (s *Server) renderSignIn(w http.ResponseWriter, r *http.Request, status int, e *gongzhi.Error) error {
	lang, key := web.LangOf(r), r.PathValue("key")
	m, err := s.svc.MeetingByKey(r.Context(), key)
	if err != nil {
		return err
	}
	v := &pageView{Sections: []section{{Rows: []web.Kv{
		{Label: t(lang, "consult.meeting_kind"), Value: t(lang, "consult.meeting_kind."+m.Kind)},
		{Label: t(lang, "consult.community"), Value: m.PlaceName},
		{Label: t(lang, "consult.starts_at"), Value: m.StartsAt.In(gongzhi.ChinaTime).Format("2006-01-02 15:04")},
		{Label: t(lang, "consult.location"), Value: m.Location},
	}}}}
	if consult.MayDeliberate(web.ActorOf(r)) {
		v.Sections[0].Forms = []*web.FormView{{Action: "/consult/signin/" + key, Submit: t(lang, "consult.sign_me_in"), Intro: t(lang, "consult.sign_me_in_help")}}
	} else {
		v.Sections[0].Intro = t(lang, "consult.signin_residents_only")
	}
	s.render(w, r, status, t(lang, "consult.signin_title")+" · "+m.Title, v, e)
	return nil
}

func (s *Server) signInByCode(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if web.IsAPIPath(r) {
		var req signInRequest
		if err := s.Decode(w, r, &req); err != nil {
			return err
		}
		key = req.Key
	}
	m, err := s.svc.SignInByCode(r.Context(), web.ActorOf(r), key)
	to := "/consult"
	if m != nil {
		to = href("/consult/meetings/", m.ID)
	}
	return s.answer(w, r, http.StatusCreated, m, err, func(e *gongzhi.Error) error { return s.renderSignIn(w, r, web.StatusOf[e.Code], e) },
		to, "consult.signed_in_flash")
}

// ---- contests

type contestRequest struct {
	PlaceCode string `json:"place_code"`
	Title     string `json:"title"`
	Theme     string `json:"theme"`
	OpensOn   string `json:"opens_on"`
	ClosesOn  string `json:"closes_on"`
}

type ideaRequest struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

type contestView struct {
	*gongzhi.Contest
	IdeaList []gongzhi.Idea `json:"idea_list"`
}

func (s *Server) apiContests(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.svc.Contests(r.Context(), web.ActorOf(r), s.community(r))
	if err != nil {
		return err
	}
	items := make([]gongzhi.Contest, 0, len(cs))
	for _, c := range cs {
		items = append(items, *c)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Contest]{Items: items})
	return nil
}

func (s *Server) createContest(w http.ResponseWriter, r *http.Request) error {
	var req contestRequest
	c := &gongzhi.Contest{}
	err := s.Decode(w, r, &req)
	if err == nil {
		c = &gongzhi.Contest{PlaceCode: req.PlaceCode, Title: req.Title, Theme: req.Theme, OpensOn: req.OpensOn, ClosesOn: req.ClosesOn}
		err = s.svc.CreateContest(r.Context(), web.ActorOf(r), c)
	}
	return s.answer(w, r, http.StatusCreated, c, err, func(e *gongzhi.Error) error { return s.renderHome(w, r, web.StatusOf[e.Code], "contest", e) },
		href("/consult/contests/", c.ID), "consult.saved_flash")
}

func (s *Server) contest(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		c, err := s.svc.Contest(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		ideas, err := s.svc.Ideas(r.Context(), id)
		if err != nil {
			return err
		}
		if ideas == nil {
			ideas = []gongzhi.Idea{}
		}
		web.WriteJSON(w, http.StatusOK, contestView{c, ideas})
		return nil
	}
	return s.renderContest(w, r, id, http.StatusOK, nil)
}

func (s *Server) renderContest(w http.ResponseWriter, r *http.Request, id int64, status int, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	c, err := s.svc.Contest(ctx, ac, id)
	if err != nil {
		return err
	}
	ideas, err := s.svc.Ideas(ctx, id)
	if err != nil {
		return err
	}
	manage := consult.MayManageConsultationOf(ac, c.PlaceCode)
	running := c.OpenOn(s.svc.Today())
	state := t(lang, "consult.contest_closed_state")
	if running {
		state = t(lang, "consult.contest_running")
	} else if s.svc.Today() < c.OpensOn {
		state = t(lang, "consult.contest_not_yet")
	}
	v := &pageView{Back: "/public/consult/" + c.PlaceCode, Sections: []section{{Rows: []web.Kv{
		{Label: t(lang, "consult.community"), Value: c.PlaceName, Href: "/public/consult/" + c.PlaceCode},
		{Label: t(lang, "consult.period"), Value: c.OpensOn + " – " + c.ClosesOn},
		{Label: t(lang, "consult.state"), Value: state},
		{Label: t(lang, "consult.ideas"), Value: strconv.Itoa(c.Ideas)},
	}, Text: c.Theme}}}
	if ac != nil {
		v.Back = "/consult?community=" + c.PlaceCode
	}
	isec := section{ID: "ideas", Title: t(lang, "consult.ideas")}
	for _, i := range ideas {
		it := item{Head: i.Title, Note: i.Author + " · " + t(lang, fmt.Sprintf("consult.supports_n:%d", i.Supports)), Text: i.Body}
		if i.Shortlisted {
			it.Note += " · " + t(lang, "consult.shortlisted:"+reasonText(lang, i.ShortlistReason))
		}
		switch {
		case manage && !i.Shortlisted:
			it.Form = &web.FormView{Action: href("/consult/ideas/", i.ID) + "/shortlist", Submit: t(lang, "consult.shortlist"), Fields: []web.Field{
				{Name: "reason", Label: t(lang, "consult.reason"), Type: "select", Required: true, Options: options(lang, "consult.shortlist.", gongzhi.ShortlistReasons)},
				{Name: "words", Label: t(lang, "consult.words"), Type: "text"}}}
		case consult.MayDeliberate(ac) && running:
			it.Form = &web.FormView{Action: href("/consult/ideas/", i.ID) + "/support", Submit: t(lang, "consult.support")}
		}
		isec.Items = append(isec.Items, it)
	}
	if len(ideas) == 0 {
		isec.Intro = t(lang, "consult.no_ideas")
	}
	if manage {
		// the shortlist can go to a vote (docs/consultation.md): one of the shortlisted ideas
		var opts []string
		for _, i := range ideas {
			if i.Shortlisted {
				opts = append(opts, strings.ReplaceAll(i.Title, "|", "/"))
			}
		}
		if len(opts) >= 2 {
			v.Links = append(v.Links, web.Kv{Label: t(lang, "consult.shortlist_vote"), Href: "/votes?" + url.Values{"title": {c.Title},
				"ballot_kind": {gongzhi.BallotOneOf}, "options": {strings.Join(opts, "\n")}}.Encode() + "#new-vote"})
		}
	}
	if consult.MayDeliberate(ac) && running {
		errs, val := fieldErrs(lang, r, e)
		isec.Forms = append(isec.Forms, &web.FormView{Action: href("/consult/contests/", id) + "/ideas", Submit: t(lang, "consult.submit_idea"), Fields: []web.Field{
			{Name: "title", Label: t(lang, "consult.title_field"), Type: "text", Required: true, Wide: true, Value: val("title"), Error: errs["title"]},
			{Name: "body", Label: t(lang, "consult.body_text"), Type: "textarea", Wide: true, Value: val("body"), Error: errs["body"]}}})
	} else if ac == nil && running {
		isec.Rows = []web.Kv{{Label: t(lang, "consult.take_part"), Value: t(lang, "consult.sign_in"), Href: "/login?next=" + r.URL.Path}}
	}
	v.Sections = append(v.Sections, isec)
	s.render(w, r, status, c.Title, v, e)
	return nil
}

func (s *Server) submitIdea(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req ideaRequest
	i := &gongzhi.Idea{ContestID: id}
	if err = s.Decode(w, r, &req); err == nil {
		i.Title, i.Body = req.Title, req.Body
		err = s.svc.SubmitIdea(r.Context(), web.ActorOf(r), i)
	}
	return s.answer(w, r, http.StatusCreated, i, err, func(e *gongzhi.Error) error { return s.renderContest(w, r, id, web.StatusOf[e.Code], e) },
		href("/consult/contests/", id)+"#ideas", "consult.idea_flash")
}

func (s *Server) supportIdea(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	contest, err := s.svc.SupportIdea(r.Context(), web.ActorOf(r), id)
	if err != nil && !web.IsAPIPath(r) && contest != 0 {
		return s.renderContest(w, r, contest, web.StatusOf[gongzhi.AsError(err).Code], gongzhi.AsError(err))
	}
	return s.answer(w, r, http.StatusOK, map[string]any{"id": id, "contest_id": contest, "supported": true}, err, nil,
		href("/consult/contests/", contest)+"#ideas", "consult.supported_flash")
}

func (s *Server) shortlist(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req reasonRequest
	var contest int64
	if err = s.Decode(w, r, &req); err == nil {
		contest, err = s.svc.ShortlistIdea(r.Context(), web.ActorOf(r), id, req.Reason, req.Words)
	}
	if err != nil && !web.IsAPIPath(r) && contest != 0 {
		return s.renderContest(w, r, contest, web.StatusOf[gongzhi.AsError(err).Code], gongzhi.AsError(err))
	}
	return s.answer(w, r, http.StatusOK, map[string]any{"id": id, "contest_id": contest, "shortlisted": true}, err, nil,
		href("/consult/contests/", contest)+"#ideas", "consult.shortlisted_flash")
}

// ---- public

// publicView is a community's public consultation, as the API answers it.
type publicView struct {
	Community string                   `json:"community"`
	Name      string                   `json:"name"`
	Topics    []gongzhi.Topic          `json:"topics"`
	Meetings  []gongzhi.ConsultMeeting `json:"meetings"`
	Contests  []gongzhi.Contest        `json:"contests"`
	Bodies    []gongzhi.Body           `json:"bodies"`
	Links     []gongzhi.TopicLink      `json:"links"` // votes that have opened and their decisions
}

func (s *Server) publicIndex(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	comms, err := s.svc.ConsultCommunities(r.Context(), nil)
	if err != nil {
		return err
	}
	sec := section{Intro: t(lang, "consult.public_intro")}
	for _, c := range comms {
		sec.Rows = append(sec.Rows, web.Kv{Label: c[1], Value: t(lang, "consult.open"), Href: "/public/consult/" + c[0]})
	}
	s.render(w, r, http.StatusOK, t(lang, "consult.public_title"), &pageView{Back: "/public", Sections: []section{sec}}, nil)
	return nil
}

func (s *Server) public(w http.ResponseWriter, r *http.Request) error {
	lang, ctx, code := web.LangOf(r), r.Context(), r.PathValue("community")
	name, err := s.svc.CommunityName(ctx, code)
	if err != nil {
		return err
	}
	// the public page reads as a visitor reads it, whoever is signed in
	topics, err := s.svc.Topics(ctx, nil, consult.TopicFilter{Community: code})
	if err != nil {
		return err
	}
	meetings, err := s.svc.ConsultMeetings(ctx, nil, code, 0)
	if err != nil {
		return err
	}
	contests, err := s.svc.Contests(ctx, nil, code)
	if err != nil {
		return err
	}
	bodies, err := s.svc.ConsultBodies(ctx, nil, code)
	if err != nil {
		return err
	}
	links, err := s.svc.CommunityLinks(ctx, code)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		v := publicView{Community: code, Name: name, Topics: []gongzhi.Topic{}, Meetings: []gongzhi.ConsultMeeting{}, Contests: []gongzhi.Contest{}, Bodies: []gongzhi.Body{},
			Links: append([]gongzhi.TopicLink{}, links...)}
		for _, x := range topics {
			v.Topics = append(v.Topics, *x)
		}
		for _, x := range meetings {
			v.Meetings = append(v.Meetings, *x)
		}
		for _, x := range contests {
			v.Contests = append(v.Contests, *x)
		}
		for _, x := range bodies {
			v.Bodies = append(v.Bodies, *x)
		}
		web.WriteJSON(w, http.StatusOK, v)
		return nil
	}
	var open, rest []*gongzhi.Topic
	for _, tp := range topics {
		if tp.Open() {
			open = append(open, tp)
		} else {
			rest = append(rest, tp)
		}
	}
	v := &pageView{Back: "/public/consult"}
	if web.ActorOf(r) != nil {
		v.Links = []web.Kv{{Label: t(lang, "consult.take_part"), Href: "/consult?community=" + code}}
	}
	intro := section{Intro: t(lang, "consult.public_community_intro")}
	v.Sections = append(v.Sections, intro)
	osec := s.topicsSection(lang, open, t(lang, "consult.open_topics"), false)
	v.Sections = append(v.Sections, osec, s.meetingsSection(lang, meetings), linksSection(lang, links), s.contestsSection(lang, contests))
	if len(rest) > 0 {
		v.Sections = append(v.Sections, s.topicsSection(lang, rest, t(lang, "consult.answered_topics"), false))
	}
	v.Sections = append(v.Sections, bodiesSection(lang, bodies))
	s.render(w, r, http.StatusOK, name+" · "+t(lang, "consult.public_title"), v, nil)
	return nil
}
