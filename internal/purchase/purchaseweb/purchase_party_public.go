// The public pages (信息公开): no account needed. Open calls with their timeline, bands and
// criteria; a call's published notice with the awards, the notice period and the objections'
// outcome; the objection form anyone may file during the notice; the needs form for residents;
// and the purchaser's on-time payment rate. Nothing here shows a resident's personal data: needs
// appear only as counts by community, target group and category, and objections without who
// filed them or what they wrote, only with the office's answer.

package purchaseweb

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/web"
)

type ppPublicCallRow struct {
	ID                                     int64
	Title, Kind, Place, Categories, Amount string
	Bands, Opens, Closes, ReviewBy, State  string
	NoticeUntil                            string
	Applications                           int
	CanApply                               bool
}

type ppRateRow struct {
	Place                     string
	Due, OnTime, Late, Unpaid int
	Rate, AsOf                string
}

type ppPublicIndexPage struct {
	Open    []ppPublicCallRow
	Results []ppPublicCallRow
	Rates   []ppRateRow
}

// ppPublicRow is a call's row; catNames is the page's category namer (web.Server.PpCategoryNamer).
func (s *Server) ppPublicRow(lang string, catNames func([]string) string, c *gongzhi.Call) ppPublicCallRow {
	row := ppPublicCallRow{ID: c.ID, Title: c.Title, Kind: web.EnumLabel(lang, "party.kind", c.Kind), Place: c.PlaceName,
		Categories: catNames(c.Categories), Amount: ppYuan(lang, c.Amount), Bands: ppBandsText(lang, c),
		Opens: ppDatetimeCN(c.OpensAt), Closes: ppDatetimeCN(c.ClosesAt), ReviewBy: ppDatetimeCN(c.ReviewBy), State: ppCallStateLabel(lang, c.State),
		Applications: c.Applications, CanApply: c.AcceptsAt(s.svc.Now())}
	if !c.NoticeEndsAt.IsZero() {
		row.NoticeUntil = ppDateCN(c.NoticeEndsAt.Add(-time.Second))
	}
	return row
}

// ppPublicIndex is the public index: the same for every visitor, computed once per version of
// the public data (web.PublicCached).
func (s *Server) ppPublicIndex(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.LangOf(r)
	d, err := web.PublicCached(ctx, s.Server, "public.index:"+lang, func(ctx context.Context) (*ppPublicIndexPage, error) {
		d := &ppPublicIndexPage{}
		catNames := s.PpCategoryNamer(ctx, lang)
		if _, err := s.svc.OpenCalls(ctx, gongzhi.ListOptions{Sort: "closes_at", Limit: 200}, func(c *gongzhi.Call) error {
			d.Open = append(d.Open, s.ppPublicRow(lang, catNames, c))
			return nil
		}); err != nil {
			return nil, err
		}
		if _, err := s.svc.Calls(ctx, nil, gongzhi.ListOptions{Limit: 100}, func(c *gongzhi.Call) error {
			if c.State != gongzhi.CallOpen {
				d.Results = append(d.Results, s.ppPublicRow(lang, catNames, c))
			}
			return nil
		}); err != nil {
			return nil, err
		}
		rates, err := s.ppRates(ctx, lang, "")
		if err != nil {
			return nil, err
		}
		d.Rates = rates
		return d, nil
	})
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "p_party_public", &web.Page{Title: web.T(lang, "nav.public"), Active: "/public", Data: d})
	return nil
}

// ppRatePlaces are the places whose purchaser's payment record is shown: those of the public
// calls, or, before there is any, the place of every purchaser on the instance (a province,
// city, district or street office alike).
func (s *Server) ppRatePlaces(ctx context.Context) ([]string, error) {
	codes, err := s.svc.PublicCallPlaces(ctx)
	if err != nil {
		return nil, err
	}
	if len(codes) == 0 {
		if codes, err = s.svc.PurchaserPlaces(ctx); err != nil {
			return nil, err
		}
	}
	slices.Sort(codes)
	return codes, nil
}

// ppOnTimeRates is the payment record of the purchaser of place, or of every purchaser with
// public calls (place ""; the same for everyone: cached, web.PublicCached).
func (s *Server) ppOnTimeRates(ctx context.Context, place string) ([]*gongzhi.OnTimeRate, error) {
	if place == "" {
		return web.PublicCached(ctx, s.Server, "ontime", func(ctx context.Context) ([]*gongzhi.OnTimeRate, error) {
			codes, err := s.ppRatePlaces(ctx)
			if err != nil {
				return nil, err
			}
			return s.ppOnTimeRatesOf(ctx, codes)
		})
	}
	return s.ppOnTimeRatesOf(ctx, []string{place})
}

func (s *Server) ppOnTimeRatesOf(ctx context.Context, codes []string) ([]*gongzhi.OnTimeRate, error) {
	out := make([]*gongzhi.OnTimeRate, 0, len(codes))
	for _, code := range codes {
		rt, err := s.svc.OwnOnTimeRate(ctx, code)
		if err != nil {
			return nil, err
		}
		out = append(out, rt)
	}
	return out, nil
}

func (s *Server) ppRates(ctx context.Context, lang, place string) ([]ppRateRow, error) {
	if place == "" {
		return web.PublicCached(ctx, s.Server, "rates:"+lang, func(ctx context.Context) ([]ppRateRow, error) { return s.ppRatesOf(ctx, lang, place) })
	}
	return s.ppRatesOf(ctx, lang, place)
}

func (s *Server) ppRatesOf(ctx context.Context, lang, place string) ([]ppRateRow, error) {
	rs, err := s.ppOnTimeRates(ctx, place)
	if err != nil {
		return nil, err
	}
	out := make([]ppRateRow, 0, len(rs))
	for _, rt := range rs {
		name := rt.PlaceCode
		if p, err := s.svc.PublicPlace(ctx, rt.PlaceCode); err == nil {
			name = p.Name
		}
		row := ppRateRow{Place: name, Due: rt.Due, OnTime: rt.OnTime, Late: rt.Late, Unpaid: rt.Unpaid, AsOf: rt.AsOf, Rate: gongzhi.FormatBP(rt.RateBP)}
		if rt.Due == 0 {
			row.Rate = web.T(lang, "party.nothing_due")
		}
		out = append(out, row)
	}
	return out, nil
}

type ppPublicCallPage struct {
	Call        ppPublicCallRow
	Rows        []web.Kv
	Eligibility []string
	Criteria    ppTableView
	Needs       ppTableView
	Notice      *ppNoticeView
	Form        *web.FormView
	FormNote    string
	SignInHint  bool // an anonymous visitor is told that providers sign in to apply
}

type ppNoticeView struct {
	Period     string
	Final      bool
	Awards     ppTableView
	Total      string
	Objections int
	Open       int
	Answers    ppTableView
}

func (s *Server) ppPublicCall(w http.ResponseWriter, r *http.Request) error {
	return s.ppRenderPublicCall(w, r, nil, nil)
}

func (s *Server) ppRenderPublicCall(w http.ResponseWriter, r *http.Request, typed *ppObjectionRequest, e *gongzhi.Error) error {
	ctx, lang := r.Context(), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, err := s.svc.Call(ctx, nil, id)
	if err != nil {
		return err
	}
	catNames := s.PpCategoryNamer(ctx, lang)
	d := &ppPublicCallPage{Call: s.ppPublicRow(lang, catNames, c), Eligibility: c.Eligibility}
	// the apply link is for providers only: another signed-in role would get 403
	if ac := web.ActorOf(r); ac != nil && ac.User != nil {
		d.Call.CanApply = d.Call.CanApply && ppMustProvider(ac) == nil
	} else {
		d.SignInHint = d.Call.CanApply
	}
	d.Rows = []web.Kv{
		{Label: web.T(lang, "party.call_state"), Value: ppCallStateLabel(lang, c.State)},
		{Label: web.T(lang, "party.kind_label"), Value: d.Call.Kind},
		{Label: web.T(lang, "party.purchaser"), Value: c.PlaceName},
		{Label: web.T(lang, "party.categories"), Value: d.Call.Categories},
		{Label: web.T(lang, "party.amount"), Value: d.Call.Amount},
		{Label: web.T(lang, "party.bands"), Value: d.Call.Bands},
		{Label: web.T(lang, "party.opens_at"), Value: d.Call.Opens},
		{Label: web.T(lang, "party.closes_at"), Value: d.Call.Closes},
		{Label: web.T(lang, "party.review_by"), Value: d.Call.ReviewBy},
		{Label: web.T(lang, "party.notice_days"), Value: web.T(lang, "party.workdays:"+strconv.Itoa(c.NoticeDays))},
		{Label: web.T(lang, "party.aggregation"), Value: web.T(lang, "party.aggregation."+c.Aggregation)},
		{Label: web.T(lang, "party.applications_count"), Value: strconv.Itoa(c.Applications)},
	}
	if c.RequireRegistered {
		d.Eligibility = append(slices.Clone(d.Eligibility), web.T(lang, "party.require_registered"))
	}
	if c.MinGrade != "" {
		d.Eligibility = append(d.Eligibility, web.T(lang, "party.min_grade:"+c.MinGrade))
	}
	if c.ExcludeIneligible {
		d.Eligibility = append(d.Eligibility, web.T(lang, "party.exclude_barred"))
	}
	d.Criteria = ppCriteriaTable(lang, c)
	if needs, err := s.svc.CallNeeds(ctx, nil, id); err == nil && len(needs) > 0 {
		groups := s.PpGroupNames(ctx, lang)
		d.Needs = ppTableView{Title: web.T(lang, "party.needs_answered"), Columns: []string{web.T(lang, "party.community"), web.T(lang, "party.target_group"),
			web.T(lang, "party.app.category"), web.T(lang, "party.people_affected")}}
		for _, n := range needs {
			d.Needs.Rows = append(d.Needs.Rows, []string{n.CommunityName, web.PpFirstNonEmpty(groups[n.TargetGroup], n.TargetGroup),
				catNames([]string{n.CategoryCode}), strconv.Itoa(n.PeopleAffected)})
		}
	}
	if c.State == gongzhi.CallNotice || c.State == gongzhi.CallFinal {
		n, err := s.svc.Notice(ctx, nil, id)
		if err != nil {
			return err
		}
		nv := &ppNoticeView{Final: n.Final, Objections: n.Objections, Open: n.OpenObjections,
			Period: ppDateCN(c.NoticeStartsAt) + " — " + ppDateCN(c.NoticeEndsAt.Add(-time.Second))}
		nv.Awards = ppTableView{Columns: []string{web.T(lang, "party.rank"), web.T(lang, "party.org"), web.T(lang, "party.app.title"), web.T(lang, "party.app.category"),
			web.T(lang, "party.score"), web.T(lang, "party.award_amount"), web.T(lang, "party.state")}}
		var total gongzhi.Money
		var opts []web.Option
		opts = append(opts, web.Option{Value: "0", Label: web.T(lang, "party.objection_whole")})
		for _, a := range n.Awards {
			st := web.T(lang, "party.state.award."+a.State)
			if a.State == gongzhi.AwardOverturned && a.OverturnReason != "" {
				st += ppColon(lang) + a.OverturnReason
			} else if a.State != gongzhi.AwardOverturned {
				total += a.Amount
			}
			nv.Awards.Rows = append(nv.Awards.Rows, []string{strconv.Itoa(a.Rank), a.OrgName, a.Title, catNames(ppNonEmpty(a.CategoryCode)),
				a.Score.String(), a.Amount.Format(), st})
			opts = append(opts, web.Option{Value: web.FmtInt(a.ApplicationID), Label: a.OrgName + " · " + a.Title})
		}
		nv.Total = ppYuan(lang, total)
		objs, err := s.svc.Objections(ctx, nil, id)
		if err != nil {
			return err
		}
		titles := map[int64]string{}
		for _, a := range n.Awards {
			titles[a.ApplicationID] = a.OrgName + " · " + a.Title
		}
		nv.Answers = ppTableView{Columns: []string{web.T(lang, "party.filed_at"), web.T(lang, "party.objection_about"), web.T(lang, "party.state"), web.T(lang, "party.answer")}}
		for _, o := range objs {
			about := web.T(lang, "party.objection_whole")
			if o.ApplicationID != 0 {
				about = web.PpFirstNonEmpty(titles[o.ApplicationID], web.T(lang, "party.objection_result"))
			}
			st := web.T(lang, "party.state.objection."+o.State)
			if o.State == gongzhi.ObjectionAnswered {
				st = ppYesNoLabel(lang, o.Upheld, "party.upheld", "party.not_upheld")
				if o.Overturned {
					st += web.T(lang, "party.comma") + web.T(lang, "party.overturned")
				}
			}
			nv.Answers.Rows = append(nv.Answers.Rows, []string{ppDatetimeCN(o.FiledAt), about, st, web.PpFirstNonEmpty(o.Answer, "—")})
		}
		d.Notice = nv
		if c.State == gongzhi.CallNotice && s.svc.Now().Before(c.NoticeEndsAt) {
			if typed == nil {
				typed = &ppObjectionRequest{}
			}
			errs := web.PpTranslated(lang, e)
			d.Form = &web.FormView{Action: "/public/calls/" + web.FmtInt(id) + "/objections", Submit: web.T(lang, "party.file_objection"),
				Intro: web.T(lang, "party.objection_intro:"+ppDateCN(c.NoticeEndsAt.Add(-time.Second))), Fields: []web.Field{
					{Name: "application_id", Label: web.T(lang, "party.objection_about"), Type: "select", Value: web.FmtInt(typed.ApplicationID), Options: opts,
						Error: errs["application_id"], Wide: true},
					{Name: "name", Label: web.T(lang, "party.your_name"), Type: "text", Value: typed.Name, Error: errs["name"], Required: true},
					{Name: "contact", Label: web.T(lang, "party.your_contact"), Type: "text", Value: typed.Contact, Error: errs["contact"], Required: true,
						Help: web.T(lang, "party.contact_private")},
					{Name: "body", Label: web.T(lang, "party.objection_body"), Type: "textarea", Value: typed.Body, Error: errs["body"], Required: true, Wide: true},
				}}
		} else if c.State == gongzhi.CallNotice {
			d.FormNote = web.T(lang, "objection.period_over")
		}
		if e != nil && e.Fields["call_id"] != "" {
			d.FormNote = web.T(lang, e.Fields["call_id"])
		}
	}
	status := http.StatusOK
	if e != nil {
		status = web.PpStatusFor(e)
	}
	s.Render(w, r, status, "p_party_public_call", &web.Page{Title: c.Title, Active: "/public", Data: d, Error: e})
	return nil
}

func ppYesNoLabel(lang string, b bool, yes, no string) string {
	if b {
		return web.T(lang, yes)
	}
	return web.T(lang, no)
}

type ppObjectionRequest struct {
	ApplicationID int64  `json:"application_id"` // 0: the call's results as a whole
	Name          string `json:"name"`
	Contact       string `json:"contact"`
	Body          string `json:"body"`
}

type ppObjectionReceipt struct {
	ID            int64     `json:"id"`
	CallID        int64     `json:"call_id"`
	ApplicationID int64     `json:"application_id"`
	State         string    `json:"state"`
	FiledAt       time.Time `json:"filed_at"`
}

func (s *Server) ppPublicObjection(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req ppObjectionRequest
	err = s.Decode(w, r, &req)
	o := &gongzhi.Objection{CallID: id, ApplicationID: req.ApplicationID, Name: req.Name, Contact: req.Contact, Body: req.Body}
	if err == nil {
		err = s.svc.FileObjection(r.Context(), web.PpAnonymous(r), o)
	}
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, ppObjectionReceipt{ID: o.ID, CallID: o.CallID, ApplicationID: o.ApplicationID, State: o.State, FiledAt: o.FiledAt})
		return nil
	}
	if e, ok := web.PpFieldErr(err); ok {
		return s.ppRenderPublicCall(w, r, &req, e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/public/calls/"+web.FmtInt(id), web.T(lang, "party.objection_filed"))
}

// ---- the needs form

type ppPublicNeedRequest struct {
	CommunityCode  string `json:"community_code"`
	TargetGroup    string `json:"target_group"`
	CategoryCode   string `json:"category_code"`
	Description    string `json:"description"`
	PeopleAffected int    `json:"people_affected"`
	ContactName    string `json:"contact_name"`
	ContactPhone   string `json:"contact_phone"`
}

type ppNeedReceipt struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
}

// ppNeedPage is the needs form: first the community (web.CommunityPick), then the need.
type ppNeedPage struct {
	Pick *web.CommunityPick
	Form *web.FormView
}

func (s *Server) ppNeedForm(r *http.Request, lang string, req *ppPublicNeedRequest, errs map[string]string) (*ppNeedPage, error) {
	ctx := r.Context()
	pick, err := s.PickCommunity(ctx, "/public/needs", req.CommunityCode, r.URL.Query())
	if err != nil {
		return nil, err
	}
	pick.Error = errs["community_code"]
	groupOpts := []web.Option{{Value: "", Label: "—"}}
	gs, err := s.svc.PublicTargetGroups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		groupOpts = append(groupOpts, web.Option{Value: g.Code, Label: web.PpPick(lang, g.Name, g.NameEn)})
	}
	catOpts := []web.Option{{Value: "", Label: "—"}}
	cats, err := s.svc.ServiceCategories(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		catOpts = append(catOpts, web.Option{Value: c.Code, Label: web.PpPick(lang, c.Name, c.NameEn)})
	}
	people := ""
	if req.PeopleAffected > 0 {
		people = strconv.Itoa(req.PeopleAffected)
	}
	return &ppNeedPage{Pick: pick, Form: &web.FormView{Action: "/public/needs", Submit: web.T(lang, "party.send_need"), Intro: web.T(lang, "party.need_intro"), Cancel: "/public", Fields: []web.Field{
		pick.Field(),
		{Name: "target_group", Label: web.T(lang, "party.target_group"), Type: "select", Value: req.TargetGroup, Options: groupOpts, Error: errs["target_group"], Required: true},
		{Name: "category_code", Label: web.T(lang, "party.need_category"), Type: "select", Value: req.CategoryCode, Options: catOpts, Error: errs["category_code"], Required: true},
		{Name: "people_affected", Label: web.T(lang, "party.people_affected"), Type: "number", Value: people, Error: errs["people_affected"], Required: true},
		{Name: "description", Label: web.T(lang, "party.need_description"), Type: "textarea", Value: req.Description, Error: errs["description"], Required: true, Wide: true,
			Help: web.T(lang, "party.need_description_help")},
		{Name: "contact_name", Label: web.T(lang, "party.your_name"), Type: "text", Value: req.ContactName, Error: errs["contact_name"], Required: true},
		{Name: "contact_phone", Label: web.T(lang, "party.your_phone"), Type: "text", Value: req.ContactPhone, Error: errs["contact_phone"], Required: true,
			Help: web.T(lang, "party.contact_private")},
	}}}, nil
}

func (s *Server) ppPublicNeedForm(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	f, err := s.ppNeedForm(r, lang, &ppPublicNeedRequest{CommunityCode: r.URL.Query().Get("community")}, nil)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "p_party_public_need", &web.Page{Title: web.T(lang, "party.need_title"), Active: "/public", Data: f})
	return nil
}

func (s *Server) ppPublicNeed(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.LangOf(r)
	var req ppPublicNeedRequest
	err := s.Decode(w, r, &req)
	n := &gongzhi.Need{CommunityCode: strings.TrimSpace(req.CommunityCode), TargetGroup: req.TargetGroup, CategoryCode: req.CategoryCode,
		Description: req.Description, PeopleAffected: req.PeopleAffected, ContactName: req.ContactName, ContactPhone: req.ContactPhone}
	if err == nil {
		err = s.svc.SubmitNeedPublic(ctx, web.PpAnonymous(r), n)
	}
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, ppNeedReceipt{ID: n.ID, CreatedAt: n.CreatedAt})
		return nil
	}
	if e, ok := web.PpFieldErr(err); ok {
		f, ferr := s.ppNeedForm(r, lang, &req, web.PpTranslated(lang, e))
		if ferr != nil {
			return ferr
		}
		s.Render(w, r, web.PpStatusFor(e), "p_party_public_need", &web.Page{Title: web.T(lang, "party.need_title"), Active: "/public", Data: f, Error: e})
		return nil
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/public/needs", web.T(lang, "party.need_received"))
}

// ---- payments

type ppPaymentsPage struct {
	Rates []ppRateRow
}

func (s *Server) ppPublicPayments(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), web.LangOf(r)
	rates, err := s.ppRates(ctx, lang, strings.TrimSpace(r.URL.Query().Get("place")))
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "p_party_public_payments", &web.Page{Title: web.T(lang, "party.payments_title"), Active: "/public", Data: &ppPaymentsPage{Rates: rates}})
	return nil
}

// ---- API

func (s *Server) ppApiPublicCalls(w http.ResponseWriter, r *http.Request) error {
	opts, pg := web.ListOptions(r, "state", "kind", "category")
	if opts.Sort == "" {
		opts.Sort = "closes_at"
	}
	return web.WriteList(w, opts, pg, web.ListOf(r.Context(), nil, s.svc.Calls))
}

func (s *Server) ppApiPublicCall(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	c, err := s.svc.Call(r.Context(), nil, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) ppApiPublicNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	n, err := s.svc.Notice(r.Context(), nil, id)
	if err != nil {
		return err
	}
	if n.Awards == nil {
		n.Awards = []*gongzhi.Award{}
	}
	web.WriteJSON(w, http.StatusOK, n)
	return nil
}

// ppPublicObjectionView is an objection as the public sees it: when, about what, and the office's
// answer; never who filed it or what they wrote.
type ppPublicObjectionView struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	State         string    `json:"state"`
	FiledAt       time.Time `json:"filed_at"`
	Answer        string    `json:"answer"`
	Upheld        bool      `json:"upheld"`
	Overturned    bool      `json:"overturned"`
	AnsweredAt    time.Time `json:"answered_at"`
}

func (s *Server) ppApiPublicObjections(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	objs, err := s.svc.Objections(r.Context(), nil, id)
	if err != nil {
		return err
	}
	out := make([]ppPublicObjectionView, 0, len(objs))
	for _, o := range objs {
		out = append(out, ppPublicObjectionView{ID: o.ID, ApplicationID: o.ApplicationID, State: o.State, FiledAt: o.FiledAt, Answer: o.Answer,
			Upheld: o.Upheld, Overturned: o.Overturned, AnsweredAt: o.AnsweredAt})
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[ppPublicObjectionView]{Items: out})
	return nil
}

func (s *Server) ppApiPublicCommunities(w http.ResponseWriter, r *http.Request) error {
	comms, err := s.PpCommunities(r.Context())
	if err != nil {
		return err
	}
	if comms == nil {
		comms = []web.PpCommunity{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[web.PpCommunity]{Items: comms})
	return nil
}

func (s *Server) ppApiPublicOnTime(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.ppOnTimeRates(r.Context(), strings.TrimSpace(r.URL.Query().Get("place")))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[*gongzhi.OnTimeRate]{Items: rs})
	return nil
}
