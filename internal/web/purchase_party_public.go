// The public pages (信息公开): no account needed. Open calls with their timeline, bands and
// criteria; a call's published notice with the awards, the notice period and the objections'
// outcome; the objection form anyone may file during the notice; the needs form for residents;
// and the purchaser's on-time payment rate. Nothing here shows a resident's personal data: needs
// appear only as counts by community, target group and category, and objections without who
// filed them or what they wrote, only with the office's answer.
package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
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

func (s *Server) ppPublicRow(ctx context.Context, lang string, c *gongzhi.Call) ppPublicCallRow {
	row := ppPublicCallRow{ID: c.ID, Title: c.Title, Kind: enumLabel(lang, "party.kind", c.Kind), Place: c.PlaceName,
		Categories: s.ppCategoryNames(ctx, lang, c.Categories), Amount: ppYuan(lang, c.Amount), Bands: ppBandsText(lang, c),
		Opens: ppDatetimeCN(c.OpensAt), Closes: ppDatetimeCN(c.ClosesAt), ReviewBy: ppDatetimeCN(c.ReviewBy), State: ppCallStateLabel(lang, c.State),
		Applications: c.Applications, CanApply: c.AcceptsAt(s.app.Now())}
	if !c.NoticeEndsAt.IsZero() {
		row.NoticeUntil = ppDateCN(c.NoticeEndsAt.Add(-time.Second))
	}
	return row
}

func (s *Server) ppPublicIndex(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), langOf(r)
	d := &ppPublicIndexPage{}
	if _, err := s.app.OpenCalls(ctx, store.ListOptions{Sort: "closes_at", Limit: 200}, func(c *gongzhi.Call) error {
		d.Open = append(d.Open, s.ppPublicRow(ctx, lang, c))
		return nil
	}); err != nil {
		return err
	}
	if _, err := s.app.Calls(ctx, nil, store.ListOptions{Limit: 100}, func(c *gongzhi.Call) error {
		if c.State != gongzhi.CallOpen {
			d.Results = append(d.Results, s.ppPublicRow(ctx, lang, c))
		}
		return nil
	}); err != nil {
		return err
	}
	rates, err := s.ppRates(ctx, lang, "")
	if err != nil {
		return err
	}
	d.Rates = rates
	s.render(w, r, http.StatusOK, "p_party_public", &page{Title: T(lang, "nav.public"), Active: "/public", Data: d})
	return nil
}

// ppRatePlaces are the places whose purchaser's payment record is shown: those of the public
// calls, or, before there is any, every street (乡镇/街道) on the instance.
func (s *Server) ppRatePlaces(ctx context.Context) ([]string, error) {
	var codes []string
	if _, err := s.app.Calls(ctx, nil, store.ListOptions{Limit: 1000}, func(c *gongzhi.Call) error {
		if !slices.Contains(codes, c.PlaceCode) {
			codes = append(codes, c.PlaceCode)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if len(codes) == 0 {
		if _, err := s.app.DB.Q().ListPlaces(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"level": "4"}, Sort: "code", Limit: 50},
			func(p *gongzhi.Place) error { codes = append(codes, p.Code); return nil }); err != nil {
			return nil, err
		}
	}
	slices.Sort(codes)
	return codes, nil
}

func (s *Server) ppOnTimeRates(ctx context.Context, place string) ([]*gongzhi.OnTimeRate, error) {
	codes := []string{place}
	if place == "" {
		var err error
		if codes, err = s.ppRatePlaces(ctx); err != nil {
			return nil, err
		}
	}
	out := make([]*gongzhi.OnTimeRate, 0, len(codes))
	for _, code := range codes {
		rt, err := s.app.OnTimeRate(ctx, code)
		if err != nil {
			return nil, err
		}
		out = append(out, rt)
	}
	return out, nil
}

func (s *Server) ppRates(ctx context.Context, lang, place string) ([]ppRateRow, error) {
	rs, err := s.ppOnTimeRates(ctx, place)
	if err != nil {
		return nil, err
	}
	out := make([]ppRateRow, 0, len(rs))
	for _, rt := range rs {
		name := rt.PlaceCode
		if p, err := s.app.DB.Q().GetPlace(ctx, store.Scope{}, rt.PlaceCode); err == nil {
			name = p.Name
		}
		row := ppRateRow{Place: name, Due: rt.Due, OnTime: rt.OnTime, Late: rt.Late, Unpaid: rt.Unpaid, AsOf: rt.AsOf, Rate: gongzhi.FormatBP(rt.RateBP)}
		if rt.Due == 0 {
			row.Rate = T(lang, "party.nothing_due")
		}
		out = append(out, row)
	}
	return out, nil
}

type ppPublicCallPage struct {
	Call        ppPublicCallRow
	Rows        []kv
	Eligibility []string
	Criteria    ppTableView
	Needs       ppTableView
	Notice      *ppNoticeView
	Form        *formView
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
	ctx, lang := r.Context(), langOf(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.app.Call(ctx, nil, id)
	if err != nil {
		return err
	}
	d := &ppPublicCallPage{Call: s.ppPublicRow(ctx, lang, c), Eligibility: c.Eligibility}
	// the apply link is for providers only: another signed-in role would get 403
	if ac := actorOf(r); ac != nil && ac.User != nil {
		d.Call.CanApply = d.Call.CanApply && ppMustProvider(ac) == nil
	} else {
		d.SignInHint = d.Call.CanApply
	}
	d.Rows = []kv{
		{Label: T(lang, "party.call_state"), Value: ppCallStateLabel(lang, c.State)},
		{Label: T(lang, "party.kind_label"), Value: d.Call.Kind},
		{Label: T(lang, "party.purchaser"), Value: c.PlaceName},
		{Label: T(lang, "party.categories"), Value: d.Call.Categories},
		{Label: T(lang, "party.amount"), Value: d.Call.Amount},
		{Label: T(lang, "party.bands"), Value: d.Call.Bands},
		{Label: T(lang, "party.opens_at"), Value: d.Call.Opens},
		{Label: T(lang, "party.closes_at"), Value: d.Call.Closes},
		{Label: T(lang, "party.review_by"), Value: d.Call.ReviewBy},
		{Label: T(lang, "party.notice_days"), Value: T(lang, "party.workdays:"+strconv.Itoa(c.NoticeDays))},
		{Label: T(lang, "party.aggregation"), Value: T(lang, "party.aggregation."+c.Aggregation)},
		{Label: T(lang, "party.applications_count"), Value: strconv.Itoa(c.Applications)},
	}
	if c.RequireRegistered {
		d.Eligibility = append(slices.Clone(d.Eligibility), T(lang, "party.require_registered"))
	}
	if c.MinGrade != "" {
		d.Eligibility = append(d.Eligibility, T(lang, "party.min_grade:"+c.MinGrade))
	}
	if c.ExcludeIneligible {
		d.Eligibility = append(d.Eligibility, T(lang, "party.exclude_barred"))
	}
	d.Criteria = ppCriteriaTable(lang, c)
	if needs, err := s.app.CallNeeds(ctx, nil, id); err == nil && len(needs) > 0 {
		groups := s.ppGroupNames(ctx, lang)
		d.Needs = ppTableView{Title: T(lang, "party.needs_answered"), Columns: []string{T(lang, "party.community"), T(lang, "party.target_group"),
			T(lang, "party.app.category"), T(lang, "party.people_affected")}}
		for _, n := range needs {
			d.Needs.Rows = append(d.Needs.Rows, []string{n.CommunityName, ppFirstNonEmpty(groups[n.TargetGroup], n.TargetGroup),
				s.ppCategoryNames(ctx, lang, []string{n.CategoryCode}), strconv.Itoa(n.PeopleAffected)})
		}
	}
	if c.State == gongzhi.CallNotice || c.State == gongzhi.CallFinal {
		n, err := s.app.Notice(ctx, nil, id)
		if err != nil {
			return err
		}
		nv := &ppNoticeView{Final: n.Final, Objections: n.Objections, Open: n.OpenObjections,
			Period: ppDateCN(c.NoticeStartsAt) + " — " + ppDateCN(c.NoticeEndsAt.Add(-time.Second))}
		nv.Awards = ppTableView{Columns: []string{T(lang, "party.rank"), T(lang, "party.org"), T(lang, "party.app.title"), T(lang, "party.app.category"),
			T(lang, "party.score"), T(lang, "party.award_amount"), T(lang, "party.state")}}
		var total gongzhi.Money
		var opts []option
		opts = append(opts, option{"0", T(lang, "party.objection_whole")})
		for _, a := range n.Awards {
			st := T(lang, "party.state.award."+a.State)
			if a.State == gongzhi.AwardOverturned && a.OverturnReason != "" {
				st += ppColon(lang) + a.OverturnReason
			} else if a.State != gongzhi.AwardOverturned {
				total += a.Amount
			}
			nv.Awards.Rows = append(nv.Awards.Rows, []string{strconv.Itoa(a.Rank), a.OrgName, a.Title, s.ppCategoryNames(ctx, lang, ppNonEmpty(a.CategoryCode)),
				a.Score.String(), a.Amount.Format(), st})
			opts = append(opts, option{fmtInt(a.ApplicationID), a.OrgName + " · " + a.Title})
		}
		nv.Total = ppYuan(lang, total)
		objs, err := s.app.Objections(ctx, nil, id)
		if err != nil {
			return err
		}
		titles := map[int64]string{}
		for _, a := range n.Awards {
			titles[a.ApplicationID] = a.OrgName + " · " + a.Title
		}
		nv.Answers = ppTableView{Columns: []string{T(lang, "party.filed_at"), T(lang, "party.objection_about"), T(lang, "party.state"), T(lang, "party.answer")}}
		for _, o := range objs {
			about := T(lang, "party.objection_whole")
			if o.ApplicationID != 0 {
				about = ppFirstNonEmpty(titles[o.ApplicationID], T(lang, "party.objection_result"))
			}
			st := T(lang, "party.state.objection."+o.State)
			if o.State == gongzhi.ObjectionAnswered {
				st = ppYesNoLabel(lang, o.Upheld, "party.upheld", "party.not_upheld")
				if o.Overturned {
					st += T(lang, "party.comma") + T(lang, "party.overturned")
				}
			}
			nv.Answers.Rows = append(nv.Answers.Rows, []string{ppDatetimeCN(o.FiledAt), about, st, ppFirstNonEmpty(o.Answer, "—")})
		}
		d.Notice = nv
		if c.State == gongzhi.CallNotice && s.app.Now().Before(c.NoticeEndsAt) {
			if typed == nil {
				typed = &ppObjectionRequest{}
			}
			errs := ppTranslated(lang, e)
			d.Form = &formView{Action: "/public/calls/" + fmtInt(id) + "/objections", Submit: T(lang, "party.file_objection"),
				Intro: T(lang, "party.objection_intro:"+ppDateCN(c.NoticeEndsAt.Add(-time.Second))), Fields: []field{
					{Name: "application_id", Label: T(lang, "party.objection_about"), Type: "select", Value: fmtInt(typed.ApplicationID), Options: opts,
						Error: errs["application_id"], Wide: true},
					{Name: "name", Label: T(lang, "party.your_name"), Type: "text", Value: typed.Name, Error: errs["name"], Required: true},
					{Name: "contact", Label: T(lang, "party.your_contact"), Type: "text", Value: typed.Contact, Error: errs["contact"], Required: true,
						Help: T(lang, "party.contact_private")},
					{Name: "body", Label: T(lang, "party.objection_body"), Type: "textarea", Value: typed.Body, Error: errs["body"], Required: true, Wide: true},
				}}
		} else if c.State == gongzhi.CallNotice {
			d.FormNote = T(lang, "objection.period_over")
		}
		if e != nil && e.Fields["call_id"] != "" {
			d.FormNote = T(lang, e.Fields["call_id"])
		}
	}
	status := http.StatusOK
	if e != nil {
		status = ppStatusFor(e)
	}
	s.render(w, r, status, "p_party_public_call", &page{Title: c.Title, Active: "/public", Data: d, Error: e})
	return nil
}

func ppYesNoLabel(lang string, b bool, yes, no string) string {
	if b {
		return T(lang, yes)
	}
	return T(lang, no)
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
	lang := langOf(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req ppObjectionRequest
	err = s.decode(w, r, &req)
	o := &gongzhi.Objection{CallID: id, ApplicationID: req.ApplicationID, Name: req.Name, Contact: req.Contact, Body: req.Body}
	if err == nil {
		err = s.app.FileObjection(r.Context(), ppAnonymous(r), o)
	}
	if isAPIPath(r) {
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, ppObjectionReceipt{ID: o.ID, CallID: o.CallID, ApplicationID: o.ApplicationID, State: o.State, FiledAt: o.FiledAt})
		return nil
	}
	if e, ok := ppFieldErr(err); ok {
		return s.ppRenderPublicCall(w, r, &req, e)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/public/calls/"+fmtInt(id), T(lang, "party.objection_filed"))
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

func (s *Server) ppNeedForm(ctx context.Context, lang string, req *ppPublicNeedRequest, errs map[string]string) (*formView, error) {
	comms, err := s.ppCommunities(ctx)
	if err != nil {
		return nil, err
	}
	commOpts := []option{{"", "—"}}
	for _, c := range comms {
		commOpts = append(commOpts, option{c.Code, strings.TrimSpace(c.StreetName + " " + c.Name)})
	}
	groupOpts := []option{{"", "—"}}
	gs, err := s.app.DB.Q().ListTargetGroups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		groupOpts = append(groupOpts, option{g.Code, ppPick(lang, g.Name, g.NameEn)})
	}
	catOpts := []option{{"", "—"}}
	cats, err := s.app.ServiceCategories(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		catOpts = append(catOpts, option{c.Code, ppPick(lang, c.Name, c.NameEn)})
	}
	people := ""
	if req.PeopleAffected > 0 {
		people = strconv.Itoa(req.PeopleAffected)
	}
	return &formView{Action: "/public/needs", Submit: T(lang, "party.send_need"), Intro: T(lang, "party.need_intro"), Cancel: "/public", Fields: []field{
		{Name: "community_code", Label: T(lang, "party.community"), Type: "select", Value: req.CommunityCode, Options: commOpts, Error: errs["community_code"], Required: true},
		{Name: "target_group", Label: T(lang, "party.target_group"), Type: "select", Value: req.TargetGroup, Options: groupOpts, Error: errs["target_group"], Required: true},
		{Name: "category_code", Label: T(lang, "party.need_category"), Type: "select", Value: req.CategoryCode, Options: catOpts, Error: errs["category_code"], Required: true},
		{Name: "people_affected", Label: T(lang, "party.people_affected"), Type: "number", Value: people, Error: errs["people_affected"], Required: true},
		{Name: "description", Label: T(lang, "party.need_description"), Type: "textarea", Value: req.Description, Error: errs["description"], Required: true, Wide: true,
			Help: T(lang, "party.need_description_help")},
		{Name: "contact_name", Label: T(lang, "party.your_name"), Type: "text", Value: req.ContactName, Error: errs["contact_name"], Required: true},
		{Name: "contact_phone", Label: T(lang, "party.your_phone"), Type: "text", Value: req.ContactPhone, Error: errs["contact_phone"], Required: true,
			Help: T(lang, "party.contact_private")},
	}}, nil
}

func (s *Server) ppPublicNeedForm(w http.ResponseWriter, r *http.Request) error {
	lang := langOf(r)
	f, err := s.ppNeedForm(r.Context(), lang, &ppPublicNeedRequest{CommunityCode: r.URL.Query().Get("community")}, nil)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "p_party_public_need", &page{Title: T(lang, "party.need_title"), Active: "/public", Data: f})
	return nil
}

func (s *Server) ppPublicNeed(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), langOf(r)
	var req ppPublicNeedRequest
	err := s.decode(w, r, &req)
	n := &gongzhi.Need{CommunityCode: strings.TrimSpace(req.CommunityCode), TargetGroup: req.TargetGroup, CategoryCode: req.CategoryCode,
		Description: req.Description, PeopleAffected: req.PeopleAffected, ContactName: req.ContactName, ContactPhone: req.ContactPhone}
	if err == nil {
		err = s.app.SubmitNeedPublic(ctx, ppAnonymous(r), n)
	}
	if isAPIPath(r) {
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, ppNeedReceipt{ID: n.ID, CreatedAt: n.CreatedAt})
		return nil
	}
	if e, ok := ppFieldErr(err); ok {
		f, ferr := s.ppNeedForm(ctx, lang, &req, ppTranslated(lang, e))
		if ferr != nil {
			return ferr
		}
		s.render(w, r, ppStatusFor(e), "p_party_public_need", &page{Title: T(lang, "party.need_title"), Active: "/public", Data: f, Error: e})
		return nil
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/public/needs", T(lang, "party.need_received"))
}

// ---- payments

type ppPaymentsPage struct {
	Rates []ppRateRow
}

func (s *Server) ppPublicPayments(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), langOf(r)
	rates, err := s.ppRates(ctx, lang, strings.TrimSpace(r.URL.Query().Get("place")))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "p_party_public_payments", &page{Title: T(lang, "party.payments_title"), Active: "/public", Data: &ppPaymentsPage{Rates: rates}})
	return nil
}

// ---- API

func (s *Server) ppApiPublicCalls(w http.ResponseWriter, r *http.Request) error {
	opts, pg := listOptions(r, "state", "kind", "category")
	if opts.Sort == "" {
		opts.Sort = "closes_at"
	}
	return writeList(w, opts, pg, listOf(r.Context(), nil, s.app.Calls))
}

func (s *Server) ppApiPublicCall(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.app.Call(r.Context(), nil, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) ppApiPublicNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := s.app.Notice(r.Context(), nil, id)
	if err != nil {
		return err
	}
	if n.Awards == nil {
		n.Awards = []*gongzhi.Award{}
	}
	writeJSON(w, http.StatusOK, n)
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
	id, err := pathID(r)
	if err != nil {
		return err
	}
	objs, err := s.app.Objections(r.Context(), nil, id)
	if err != nil {
		return err
	}
	out := make([]ppPublicObjectionView, 0, len(objs))
	for _, o := range objs {
		out = append(out, ppPublicObjectionView{ID: o.ID, ApplicationID: o.ApplicationID, State: o.State, FiledAt: o.FiledAt, Answer: o.Answer,
			Upheld: o.Upheld, Overturned: o.Overturned, AnsweredAt: o.AnsweredAt})
	}
	writeJSON(w, http.StatusOK, itemsOf[ppPublicObjectionView]{Items: out})
	return nil
}

func (s *Server) ppApiPublicCommunities(w http.ResponseWriter, r *http.Request) error {
	comms, err := s.ppCommunities(r.Context())
	if err != nil {
		return err
	}
	if comms == nil {
		comms = []ppCommunity{}
	}
	writeJSON(w, http.StatusOK, itemsOf[ppCommunity]{Items: comms})
	return nil
}

func (s *Server) ppApiPublicOnTime(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.ppOnTimeRates(r.Context(), strings.TrimSpace(r.URL.Query().Get("place")))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, itemsOf[*gongzhi.OnTimeRate]{Items: rs})
	return nil
}
