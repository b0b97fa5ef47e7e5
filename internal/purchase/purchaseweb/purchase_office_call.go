// The call page: the heart of the office's workflow. It shows a call's state, timeline, budget
// and terms, a history of its state changes, and — as buttons and small forms — the moves the
// current state allows: open, close, cancel; the preliminary review of each application (hub
// and purchaser); the panel draw with its seed and the experts excluded and why; starting the
// review; the ranking after the scores; the award proposal with a threshold and its
// adjustments within the budget and the bands; publishing the notice (with the date it ends in
// working days); objections and their answers; making the awards final; and generating the
// contracts. Every action is also an API endpoint; a refused action comes back on the page,
// beside its form, with the reason in words.

package purchaseweb

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
)

func (s *Server) offCallRoutes() {
	s.offCallListRoutes()
	s.Handle("GET /calls/{id}", web.Changed, s.OffWrap(s.offCallPage))
	s.Handle("GET /calls/{id}/history", web.Changed, s.OffWrap(s.offCallHistory))
	s.Handle("GET /calls/{id}/applications/{app}", web.Changed, s.OffWrap(s.offAppPage))
	s.Api("GET /api/v1/calls/{id}", s.OffWrap(s.offCallGet))
	s.Api("GET /api/v1/calls/{id}/history", s.OffWrap(s.offCallHistory))
	s.Api("GET /api/v1/calls/{id}/needs", s.OffWrap(s.offCallNeeds))
	s.Api("GET /api/v1/calls/{id}/applications", s.OffWrap(s.offCallApps))
	s.Api("GET /api/v1/calls/{id}/applications/{app}", s.OffWrap(s.offAppPage))
	s.Api("GET /api/v1/calls/{id}/applications/{app}/scores", s.OffWrap(s.offAppScores))
	s.Api("GET /api/v1/calls/{id}/applications/{app}/history", s.OffWrap(s.offAppHistory))
	s.Api("GET /api/v1/calls/{id}/panel", s.OffWrap(s.offPanelGet))
	s.Api("GET /api/v1/calls/{id}/ranking", s.OffWrap(s.offRankingGet))
	s.Api("GET /api/v1/calls/{id}/awards", s.OffWrap(s.offAwardsGet))
	s.Api("GET /api/v1/calls/{id}/objections", s.OffWrap(s.offObjectionsGet))

	for _, a := range s.offCallActions() {
		s.Handle("POST /calls/{id}/"+a.path, web.Changed, s.OffWrap(s.offCallPost(a)))
		s.Api("POST /api/v1/calls/{id}/"+a.path, s.OffWrap(s.offCallPost(a)))
	}
}

// ---- reading

func (s *Server) offCallGet(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, s.svc.Call)
}

func (s *Server) offCallNeeds(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	needs, err := s.svc.CallNeeds(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if needs == nil {
		needs = []*gongzhi.Need{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[*gongzhi.Need]{Items: needs})
	return nil
}

// offCallApplications lists a call's applications the caller sees (every submitted one for staff).
func (s *Server) offCallApplications(r *http.Request, callID int64) ([]*gongzhi.Application, error) {
	var apps []*gongzhi.Application
	_, err := s.svc.Applications(r.Context(), web.ActorOf(r), gongzhi.ListOptions{Filters: map[string]string{"call": strconv.FormatInt(callID, 10)}},
		func(a *gongzhi.Application) error { apps = append(apps, a); return nil })
	return apps, err
}

func (s *Server) offCallApps(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if _, err := s.svc.Call(r.Context(), web.ActorOf(r), id); err != nil {
		return err
	}
	opts, pg := web.ListOptions(r, "state", "states", "category")
	opts.Filters["call"] = strconv.FormatInt(id, 10)
	return web.WriteList(w, opts, pg, web.ListOf(r.Context(), web.ActorOf(r), s.svc.Applications))
}

// offCallApp returns an application of the call in the path, as the caller may see it.
func (s *Server) offCallApp(r *http.Request) (*gongzhi.Application, error) {
	id, err := web.PathID(r)
	if err != nil {
		return nil, err
	}
	appID, err := web.ParseID(r.PathValue("app"))
	if err != nil {
		return nil, err
	}
	ap, err := s.svc.Application(r.Context(), web.ActorOf(r), appID)
	if err != nil {
		return nil, err
	}
	if ap.CallID != id {
		return nil, gongzhi.NotFound()
	}
	return ap, nil
}

func (s *Server) offAppScores(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.offCallApp(r)
	if err != nil {
		return err
	}
	scores, err := s.svc.Scores(r.Context(), web.ActorOf(r), ap.ID)
	if err != nil {
		return err
	}
	if scores == nil {
		scores = []gongzhi.Score{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Score]{Items: scores})
	return nil
}

func (s *Server) offAppHistory(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.offCallApp(r)
	if err != nil {
		return err
	}
	hist, err := s.svc.ApplicationHistory(r.Context(), web.ActorOf(r), ap.ID)
	if err != nil {
		return err
	}
	if hist == nil {
		hist = []gongzhi.StateChange{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.StateChange]{Items: web.WithNoteTexts(web.LangOf(r), hist)})
	return nil
}

func (s *Server) offPanelGet(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, s.svc.Panel)
}

func (s *Server) offRankingGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	rs, err := s.svc.Ranking(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []gongzhi.Ranked{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Ranked]{Items: rs})
	return nil
}

func (s *Server) offAwardsGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ws, err := s.svc.Awards(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if ws == nil {
		ws = []*gongzhi.Award{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[*gongzhi.Award]{Items: ws})
	return nil
}

func (s *Server) offObjectionsGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	os, err := s.svc.Objections(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if os == nil {
		os = []*gongzhi.Objection{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[*gongzhi.Objection]{Items: os})
	return nil
}

// ---- the call's history

func (s *Server) offCallHistory(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	hist, err := s.svc.CallHistory(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if hist == nil {
			hist = []gongzhi.StateChange{}
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.StateChange]{Items: web.WithNoteTexts(web.LangOf(r), hist)})
		return nil
	}
	c, err := s.svc.Call(r.Context(), ac, id)
	if err != nil {
		return err
	}
	dv := &web.DetailView{Rows: []web.Kv{{Label: web.T(lang, "call.title"), Value: c.Title, Href: offCallHref(id)},
		{Label: web.T(lang, "call.state"), Value: web.T(lang, "call.state."+c.State)},
		{Label: web.T(lang, "call.history_count"), Value: strconv.Itoa(len(hist))}},
		Actions:     []web.ActionLink{{Label: web.T(lang, "action.back"), Href: offCallHref(id)}},
		ShowHistory: true, History: web.OffHistoryOf(lang, hist)}
	s.Render(w, r, http.StatusOK, "detail", &web.Page{Title: web.T(lang, "call.history") + " · " + c.Title, Active: "/calls", Data: dv})
	return nil
}

// ---- the page

// offCallView is everything the call page shows.
type offCallView struct {
	CSS         string
	ID          int64
	Title       string
	State       string
	StateLabel  string
	Cancelled   string
	Summary     []web.Kv
	Steps       []offCallStep
	Bands       []web.Kv
	Criteria    []gongzhi.Criterion
	Aggregation string
	Eligibility []string
	Rules       []string
	Needs       []web.Cell
	History     []web.HistoryRow
	HistoryURL  string
	Staff       bool
	ErrText     string

	Edit    string
	Buttons []offCallButton
	Cancel  *web.OffMiniForm
	// an open call before its deadline: what happens next, and closing early with a reason
	Waiting    string
	CloseEarly *web.OffMiniForm

	Apps       []offAppRow
	AppsNote   string
	PrelimOpen bool

	ShowPanel     bool
	Draw          *web.OffMiniForm
	FieldOptions  []web.Option
	Panel         *offPanelView
	Remove        *web.OffMiniForm
	MemberOptions []web.Option
	Conflict      *web.OffMiniForm
	ExpertOptions []web.Option
	OrgOptions    []web.Option

	ShowRanking bool
	Ranked      bool
	Ranking     []offRankRow
	Propose     *web.OffMiniForm
	Adjust      bool
	Reasons     []web.Option
	Totals      string
	OverBudget  bool

	PublishNote    string
	NoticeNote     string
	ShowObjections bool
	Objections     []offObjectionRow

	ShowAwards bool
	Awards     []offAwardRow
}

// offCallButton is a move with no input: open, close, start review, rank, publish, finalize.
type offCallButton struct {
	Label   string
	Note    string
	Form    *web.OffMiniForm
	Primary bool
	Confirm string
	Hidden  []offHidden // fields sent with the button
}

// offHidden is a hidden field of a form.
type offHidden struct{ Name, Value string }

type offCallStep struct {
	Label, When   string
	Done, Current bool
}

type offAppRow struct {
	ID        int64
	Title     string
	Href      string
	Org       string
	Category  string
	Requested string
	Band      string
	State     string
	StateCode string
	Submitted string
	Reason    string
	Eligible  *web.OffMiniForm
	Reject    *web.OffMiniForm
}

type offPanelView struct {
	Seed     string
	Pool     int
	DrawnAt  string
	Size     int
	Fields   string
	Selected int
	Excluded int
	Verified bool
	Eligible int
	Members  []offMemberRow
	// Exhausted: every expert of the draw's pool has been examined, so a member taken off now
	// has no replacement; the page tells the purchaser so, with what it can do, until the review ends
	Exhausted string
}

type offMemberRow struct {
	Seq         int
	Name        string
	Affiliation string
	Fields      string
	Outcome     string
	OutcomeCode string
	Reason      string
	Declared    string
	Scored      int
}

type offRankRow struct {
	Rank       int
	Title      string
	Href       string
	Org        string
	Score      string
	Scores     int
	Requested  string
	Band       string
	Award      string
	AwardState string
	AwardCode  string
	Exception  string // why the award lies outside its category's price range
	Unfunded   string
	Set        *web.OffMiniForm
	Remove     *web.OffMiniForm
}

type offObjectionRow struct {
	ID        int64
	Filed     string
	Name      string
	Contact   string
	Target    string
	Body      string
	State     string
	StateCode string
	Answer    string
	Outcome   string
	Answered  string
	Form      *web.OffMiniForm
	// Overturnable: the objection targets an award (not the whole call), which an upheld answer
	// may overturn
	Overturnable bool
}

type offAwardRow struct {
	Rank      int
	Title     string
	Org       string
	Amount    string
	State     string
	StateCode string
	Note      string
	Contract  string
	Generate  *web.OffMiniForm
}

func (s *Server) offCallPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.offRenderCall(w, r, http.StatusOK, id, nil)
}

// offRenderCall renders the call page; fs, if set, is a failed submission to show beside its form.
func (s *Server) offRenderCall(w http.ResponseWriter, r *http.Request, status int, id int64, fs *web.OffFormState) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ctx := r.Context()
	c, err := s.svc.Call(ctx, ac, id)
	if err != nil {
		return err
	}
	l := s.OffLabelsFor(r)
	staff := purchase.MayReadPurchases(ac)
	buyer := purchase.MayPurchase(ac)
	base := offCallHref(id)
	v := &offCallView{CSS: web.OfficeCSSURL(), ID: id, Title: c.Title, State: c.State, StateLabel: web.T(lang, "call.state."+c.State), Staff: staff,
		HistoryURL: base + "/history", Aggregation: web.T(lang, "call.aggregation."+c.Aggregation), Criteria: c.Criteria, Eligibility: c.Eligibility}
	if fs != nil {
		v.ErrText = web.OffErrText(lang, fs.Err)
	}
	if c.State == gongzhi.CallCancelled {
		v.Cancelled = c.CancelReason
	}

	// summary, bands, rules, needs
	budget := web.Kv{Label: web.T(lang, "call.budget_id"), Value: c.BudgetName}
	if staff {
		budget.Href = offBudgetHref(c.BudgetID)
	}
	v.Summary = []web.Kv{
		{Label: web.T(lang, "call.kind"), Value: web.T(lang, "call.kind."+c.Kind)},
		{Label: web.T(lang, "call.place_code"), Value: c.PlaceName},
		{Label: web.T(lang, "call.fiscal_year"), Value: strconv.Itoa(c.FiscalYear)},
		budget,
		{Label: web.T(lang, "call.amount"), Value: web.OffYuan(c.Amount)},
		{Label: web.T(lang, "call.reserved"), Value: web.OffYuan(c.Reserved)},
		{Label: web.T(lang, "call.awarded"), Value: web.OffYuan(c.Awarded)},
		{Label: web.T(lang, "call.categories"), Value: l.CategoryList(c.Categories)},
		{Label: web.T(lang, "call.applications"), Value: strconv.Itoa(c.Applications)},
		{Label: web.T(lang, "call.notice_days"), Value: web.T(lang, "call.workdays:"+strconv.Itoa(c.NoticeDays))},
	}
	if c.Description != "" {
		v.Summary = append(v.Summary, web.Kv{Label: web.T(lang, "call.description"), Value: c.Description})
	}
	for i, b := range c.Bands {
		name := b.Name
		if name == "" {
			name = web.T(lang, "call.band") + " " + strconv.Itoa(i+1)
		}
		v.Bands = append(v.Bands, web.Kv{Label: name, Value: web.OffYuan(b.Min) + " – " + web.OffYuan(b.Max)})
	}
	if c.RequireRegistered {
		v.Rules = append(v.Rules, web.T(lang, "call.require_registered"))
	}
	if c.MinGrade != "" {
		v.Rules = append(v.Rules, web.T(lang, "call.min_grade")+web.T(lang, "p.colon")+web.T(lang, "org.grade."+c.MinGrade))
	}
	if c.ExcludeIneligible {
		v.Rules = append(v.Rules, web.T(lang, "call.exclude_ineligible"))
	}
	if needs, err := s.svc.CallNeeds(ctx, ac, id); err == nil {
		for _, n := range needs {
			nc := web.Cell{Text: n.CommunityName + " · " + l.Group(n.TargetGroup) + " · " + l.Category(n.CategoryCode) + web.T(lang, "p.colon") + web.OffTruncate(n.Description, 50)}
			if staff {
				nc.Href = offNeedHref(n.ID)
			}
			v.Needs = append(v.Needs, nc)
		}
	}

	// the steps of the timeline
	cur := slices.Index(offCallStates, c.State)
	when := map[string]string{
		gongzhi.CallDraft:     web.OffShowDate(c.CreatedAt),
		gongzhi.CallOpen:      web.OffShowTime(c.OpensAt),
		gongzhi.CallClosed:    web.OffShowTime(c.ClosesAt),
		gongzhi.CallReviewing: web.OffShowTime(c.ReviewBy),
		gongzhi.CallNotice:    "",
		gongzhi.CallFinal:     "",
	}
	if !c.NoticeStartsAt.IsZero() {
		when[gongzhi.CallNotice] = web.OffShowDate(c.NoticeStartsAt) + " – " + web.OffLastNoticeDay(c.NoticeEndsAt)
	}
	for i, st := range offCallStates[:6] {
		step := offCallStep{Label: web.T(lang, "call.step."+st), When: when[st]}
		if c.State != gongzhi.CallCancelled {
			step.Done, step.Current = i < cur, i == cur
		}
		v.Steps = append(v.Steps, step)
	}

	// the call's own state changes (the full history is a page of its own)
	if staff {
		if hist, err := s.svc.CallHistory(ctx, ac, id); err == nil {
			var own []gongzhi.StateChange
			for _, h := range hist {
				if h.Entity == "call" || h.Entity == "panel" || h.Entity == "ranking" {
					own = append(own, h)
				}
			}
			v.History = web.OffHistoryOf(lang, own)
		}
	}

	button := func(key, label, note string, primary bool, confirm string) {
		v.Buttons = append(v.Buttons, offCallButton{Label: label, Note: note, Primary: primary, Confirm: confirm,
			Form: fs.Mini(key, base+"/"+key, nil)})
	}
	if buyer {
		switch c.State {
		case gongzhi.CallDraft:
			v.Edit = base + "/edit"
			button("open", web.T(lang, "call.do.open"), web.T(lang, "call.open_note:"+web.OffYuan(c.Amount)), true, "")
		case gongzhi.CallOpen:
			if s.svc.NowUTC().Before(c.ClosesAt) {
				// applications are still coming in: closing is for later, or early with a reason
				v.Waiting = web.T(lang, "call.open_waiting:"+web.OffShowTime(c.ClosesAt))
				v.CloseEarly = fs.Mini("close-early", base+"/close-early", nil)
			} else {
				button("close", web.T(lang, "call.do.close"), web.T(lang, "call.close_note:"+web.OffShowTime(c.ClosesAt)), true, "")
			}
		case gongzhi.CallClosed:
			// starting the review is offered below, once the preliminary review is done and the
			// panel drawn
		case gongzhi.CallReviewing:
			// ranking is offered once every score is in; until then the page says how many are missing
			if missing, err := s.svc.ScoresMissing(ctx, ac, id); err != nil {
				return err
			} else if missing > 0 {
				v.Waiting = web.TN(lang, "call.scores_waiting", missing)
			} else {
				button("rank", web.T(lang, "call.do.rank"), web.T(lang, "call.rank_note"), false, "")
			}
		case gongzhi.CallNotice:
			// finalizing waits for the notice's end and every objection's answer; the contracts
			// wait for the final results
			objs, err := s.svc.Objections(ctx, ac, id)
			if err != nil {
				return err
			}
			open := 0
			for _, o := range objs {
				if o.State == gongzhi.ObjectionOpen {
					open++
				}
			}
			if s.svc.NowUTC().Before(c.NoticeEndsAt) {
				v.Waiting = web.T(lang, "call.notice_waiting:"+web.OffLastNoticeDay(c.NoticeEndsAt))
			} else if open > 0 {
				v.Waiting = web.TN(lang, "call.objections_waiting", open)
			} else {
				note := web.T(lang, "call.finalize_note:"+web.OffLastNoticeDay(c.NoticeEndsAt))
				button("finalize", web.T(lang, "call.do.finalize"), note, true, "")
			}
		}
		if slices.Contains(gongzhi.CallMoves[c.State], gongzhi.CallCancelled) {
			v.Cancel = fs.Mini("cancel", base+"/cancel", nil)
		}
	}

	var apps []*gongzhi.Application
	if purchase.MayReadApplications(ac) {
		if apps, err = s.offCallApplications(r, id); err != nil {
			return err
		}
	}
	// applications and the preliminary review
	if staff && c.State != gongzhi.CallDraft {
		v.PrelimOpen = purchase.MayPrelim(ac) && c.State == gongzhi.CallClosed
		counts := map[string]int{}
		for _, ap := range apps {
			counts[ap.State]++
			row := offAppRow{ID: ap.ID, Title: ap.Title, Href: base + "/applications/" + strconv.FormatInt(ap.ID, 10), Org: ap.OrgName,
				Category: l.Category(ap.CategoryCode), Requested: web.OffYuan(ap.Requested), Band: offBandName(lang, c, ap.Band),
				State: web.T(lang, "app.state."+ap.State), StateCode: ap.State, Submitted: web.OffShowTime(ap.SubmittedAt), Reason: ap.PrelimReason}
			if ap.UnfundedReason != "" {
				row.Reason = strings.TrimSpace(web.T(lang, ap.UnfundedReason) + " " + ap.UnfundedNote)
			}
			if v.PrelimOpen && ap.State == gongzhi.AppSubmitted {
				key := "prelim-" + strconv.FormatInt(ap.ID, 10)
				action := row.Href + "/prelim"
				row.Eligible = fs.Mini(key, action, map[string]string{"decision": "eligible"})
				row.Reject = fs.Mini(key, action, map[string]string{"decision": "reject"})
			}
			v.Apps = append(v.Apps, row)
		}
		var parts []string
		for _, st := range []string{gongzhi.AppSubmitted, gongzhi.AppEligible, gongzhi.AppRejected, gongzhi.AppAwarded, gongzhi.AppNotFunded} {
			if counts[st] > 0 {
				parts = append(parts, web.T(lang, "app.state."+st)+" "+strconv.Itoa(counts[st]))
			}
		}
		v.AppsNote = strings.Join(parts, " · ")
	}

	// the panel
	eligible := 0
	for _, ap := range apps {
		if ap.State == gongzhi.AppEligible || ap.State == gongzhi.AppAwarded || ap.State == gongzhi.AppNotFunded {
			eligible++
		}
	}
	if staff && slices.Contains([]string{gongzhi.CallClosed, gongzhi.CallReviewing, gongzhi.CallNotice, gongzhi.CallFinal}, c.State) {
		v.ShowPanel = true
		if d, err := s.svc.Panel(ctx, ac, id); err == nil {
			v.Panel = offPanelOf(lang, d, eligible)
			if buyer && (c.State == gongzhi.CallClosed || c.State == gongzhi.CallReviewing) && len(d.Pool) > 0 && len(d.Members) >= len(d.Pool) {
				v.Panel.Exhausted = web.TN(lang, "panel.exhausted", 0, strconv.Itoa(len(d.Pool)), strconv.Itoa(v.Panel.Selected), strconv.Itoa(min(d.Size, 3)))
			}
			if buyer && (c.State == gongzhi.CallClosed || c.State == gongzhi.CallReviewing) {
				for _, m := range d.Members {
					if m.Active() && m.Scored == 0 {
						v.MemberOptions = append(v.MemberOptions, web.Option{Value: strconv.FormatInt(m.PersonID, 10), Label: m.Name})
					}
				}
				if len(v.MemberOptions) > 0 {
					v.Remove = fs.Mini("remove-member", base+"/panel/remove", nil)
				}
			}
		} else if gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return err
		} else if buyer && c.State == gongzhi.CallClosed {
			v.Draw = fs.Mini("panel", base+"/panel", map[string]string{"size": "5"})
			v.FieldOptions = web.EnumOptions(lang, "field", gongzhi.ExpertFields, false)
		}
		if buyer && (c.State == gongzhi.CallClosed || c.State == gongzhi.CallReviewing) {
			v.Conflict = fs.Mini("conflict", base+"/conflicts", nil)
			if v.ExpertOptions, err = s.offExpertOptions(r); err != nil {
				return err
			}
			seen := map[int64]bool{}
			for _, ap := range apps {
				if !seen[ap.OrgID] && ap.State != gongzhi.AppDraft && ap.State != gongzhi.AppWithdrawn {
					seen[ap.OrgID] = true
					v.OrgOptions = append(v.OrgOptions, web.Option{Value: strconv.FormatInt(ap.OrgID, 10), Label: ap.OrgName})
				}
			}
		}
	}

	// a closed call: the review starts once every application has had its preliminary review and
	// the panel is drawn; until then the page says which of the two it waits for
	if buyer && c.State == gongzhi.CallClosed {
		pending := 0
		for _, ap := range apps {
			if ap.State == gongzhi.AppSubmitted {
				pending++
			}
		}
		switch {
		case pending > 0:
			v.Waiting = web.TN(lang, "call.prelim_waiting", pending)
		case v.Panel == nil:
			v.Waiting = web.T(lang, "call.panel_waiting")
		default:
			button("review", web.T(lang, "call.do.review"), web.T(lang, "call.review_note"), true, "")
		}
	}

	// ranking and awards
	awards := map[int64]*gongzhi.Award{}
	var awardList []*gongzhi.Award
	if staff || c.State == gongzhi.CallNotice || c.State == gongzhi.CallFinal {
		if awardList, err = s.svc.Awards(ctx, ac, id); err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return err
		}
		for _, a := range awardList {
			if a.State != gongzhi.AwardOverturned {
				awards[a.ApplicationID] = a
			}
		}
	}
	if staff && slices.Contains([]string{gongzhi.CallReviewing, gongzhi.CallNotice, gongzhi.CallFinal}, c.State) {
		v.ShowRanking = true
		rs, err := s.svc.Ranking(ctx, ac, id)
		if err != nil {
			return err
		}
		v.Ranked = len(rs) > 0
		v.Adjust = buyer && c.State == gongzhi.CallReviewing && v.Ranked
		byID := map[int64]*gongzhi.Application{}
		for _, ap := range apps {
			byID[ap.ID] = ap
		}
		v.Reasons = nil
		for _, k := range gongzhi.UnfundedReasons {
			v.Reasons = append(v.Reasons, web.Option{Value: k, Label: web.T(lang, k)})
		}
		for _, rk := range rs {
			ap := byID[rk.ApplicationID]
			row := offRankRow{Rank: rk.Rank, Title: rk.Title, Href: base + "/applications/" + strconv.FormatInt(rk.ApplicationID, 10),
				Org: rk.OrgName, Score: rk.Score.String(), Scores: rk.Scores, Requested: web.OffYuan(rk.Requested), Band: offBandName(lang, c, rk.Band)}
			if w := awards[rk.ApplicationID]; w != nil {
				row.Award, row.AwardState, row.AwardCode = web.OffYuan(w.Amount), web.T(lang, "award.state."+w.State), w.State
				row.Exception = w.PriceException
			} else if ap != nil && ap.UnfundedReason != "" {
				row.Unfunded = strings.TrimSpace(web.T(lang, ap.UnfundedReason) + " " + ap.UnfundedNote)
			}
			if v.Adjust {
				key := strconv.FormatInt(rk.ApplicationID, 10)
				amount := rk.Requested
				if w := awards[rk.ApplicationID]; w != nil {
					amount = w.Amount
				}
				exception := ""
				if w := awards[rk.ApplicationID]; w != nil {
					exception = w.PriceException
				} else if ap != nil {
					exception = ap.PriceException
				}
				row.Set = fs.Mini("award-"+key, base+"/awards/set", map[string]string{"application_id": key, "amount": amount.String(), "price_exception": exception})
				reason := gongzhi.UnfundedDecision
				if ap != nil && ap.UnfundedReason != "" {
					reason = ap.UnfundedReason
				}
				row.Remove = fs.Mini("unaward-"+key, base+"/awards/remove", map[string]string{"application_id": key, "reason": reason})
			}
			v.Ranking = append(v.Ranking, row)
		}
		if v.Adjust {
			v.Propose = fs.Mini("propose", base+"/awards/propose", map[string]string{"threshold": "60"})
		}
		v.Totals = web.T(lang, "call.amount") + " " + web.OffYuan(c.Amount) + " · " + web.T(lang, "call.awarded") + " " + web.OffYuan(c.Awarded) + " · " +
			web.T(lang, "call.left") + " " + web.OffYuan(c.Amount-c.Awarded)
		v.OverBudget = c.Awarded > c.Amount
		if buyer && c.State == gongzhi.CallReviewing && v.Ranked {
			end := c.NoticeDays
			if days, err := s.svc.Holidays(ctx, "", ""); err == nil {
				ends := gongzhi.NewCalendar(days).NoticeEnd(s.svc.Now(), end)
				v.PublishNote = web.TN(lang, "call.publish_note", c.NoticeDays, web.OffLastNoticeDay(ends))
			}
			v.Buttons = append(v.Buttons, offCallButton{Label: web.T(lang, "call.do.publish"), Note: v.PublishNote, Primary: true,
				Form: fs.Mini("publish", base+"/publish", nil)})
		}
	}

	// the notice and objections
	if c.State == gongzhi.CallNotice || c.State == gongzhi.CallFinal {
		v.NoticeNote = web.TN(lang, "call.notice_period", c.NoticeDays, web.OffShowDate(c.NoticeStartsAt), web.OffLastNoticeDay(c.NoticeEndsAt))
	}
	if staff && (c.State == gongzhi.CallNotice || c.State == gongzhi.CallFinal) {
		v.ShowObjections = true
		objs, err := s.svc.Objections(ctx, ac, id)
		if err != nil {
			return err
		}
		titles := map[int64]string{}
		for _, ap := range apps {
			titles[ap.ID] = ap.Title + web.T(lang, "p.open") + ap.OrgName + web.T(lang, "p.close")
		}
		for _, o := range objs {
			row := offObjectionRow{ID: o.ID, Filed: web.OffShowTime(o.FiledAt), Name: o.Name, Contact: o.Contact, Body: o.Body,
				State: web.T(lang, "objection.state."+o.State), StateCode: gongzhi.VersionPending, Answer: o.Answer, Answered: web.OffShowTime(o.AnsweredAt)}
			if o.State == gongzhi.ObjectionAnswered {
				row.StateCode = gongzhi.ObjectionAnswered
			}
			row.Target = web.T(lang, "objection.whole_call")
			if o.ApplicationID != 0 {
				row.Target, row.Overturnable = titles[o.ApplicationID], true
			}
			if o.State == gongzhi.ObjectionAnswered {
				row.Outcome = web.T(lang, "objection.not_upheld")
				if o.Upheld {
					row.Outcome = web.T(lang, "objection.upheld")
				}
				if o.Overturned {
					row.Outcome += web.T(lang, "p.comma") + web.T(lang, "objection.overturned")
				}
				if o.AnsweredBy != "" {
					row.Answered += " · " + o.AnsweredBy
				}
			}
			if buyer && c.State == gongzhi.CallNotice && o.State == gongzhi.ObjectionOpen {
				row.Form = fs.Mini("answer-"+strconv.FormatInt(o.ID, 10), base+"/objections/"+strconv.FormatInt(o.ID, 10)+"/answer", nil)
			}
			v.Objections = append(v.Objections, row)
		}
	}

	// awards and contracts; the purchaser (甲方) is named as the office's account is
	purchaserName := c.PlaceName
	if buyer && ac.User != nil && ac.User.DisplayName != "" {
		purchaserName = ac.User.DisplayName
	}
	if c.State == gongzhi.CallNotice || c.State == gongzhi.CallFinal {
		v.ShowAwards = true
		generate := 0
		for _, w := range awardList {
			row := offAwardRow{Rank: w.Rank, Title: w.Title, Org: w.OrgName, Amount: web.OffYuan(w.Amount), State: web.T(lang, "award.state."+w.State),
				StateCode: w.State, Note: w.OverturnReason}
			if w.ContractID != 0 && purchase.MayOpenContract(ac, w.OrgID) {
				row.Contract = web.OffContractHref(w.ContractID)
			}
			// drafted once the award is final (GenerateContract): in the notice an objection may
			// still overturn it, and the next-step box says what the call waits for
			if buyer && w.ContractID == 0 && w.State == gongzhi.AwardFinal {
				row.Generate = fs.Mini("contract-"+strconv.FormatInt(w.ID, 10), base+"/contracts",
					map[string]string{"award_id": strconv.FormatInt(w.ID, 10), "purchaser_name": purchaserName})
				generate++
			}
			v.Awards = append(v.Awards, row)
		}
		if generate > 1 {
			v.Buttons = append(v.Buttons, offCallButton{Label: web.T(lang, "call.do.contracts:"+strconv.Itoa(generate)),
				Note: web.T(lang, "call.contracts_note"), Form: fs.Mini("contracts", base+"/contracts", nil),
				Hidden: []offHidden{{"purchaser_name", purchaserName}}})
		}
	}

	var e *gongzhi.Error
	if fs != nil {
		e = fs.Err
	}
	s.Render(w, r, status, "p_office_call", &web.Page{Title: c.Title, Active: "/calls", Data: v, Error: e})
	return nil
}

// offBandName names the band an amount falls in.
func offBandName(lang string, c *gongzhi.Call, i int) string {
	if i < 0 || i >= len(c.Bands) {
		return web.T(lang, "call.no_band")
	}
	if n := c.Bands[i].Name; n != "" {
		return n
	}
	return web.T(lang, "call.band") + " " + strconv.Itoa(i+1)
}

// offPanelOf shows a draw: its seed and pool, and every expert it examined, in draw order.
func offPanelOf(lang string, d *gongzhi.PanelDraw, eligible int) *offPanelView {
	p := &offPanelView{Seed: strconv.FormatInt(d.Seed, 10), Pool: len(d.Pool), DrawnAt: web.OffShowTime(d.DrawnAt), Size: d.Size,
		Fields: web.EnumLabels(lang, "field", d.Fields), Verified: d.Verify() < 0, Eligible: eligible}
	if p.Fields == "" {
		p.Fields = web.T(lang, "panel.all_fields")
	}
	for _, m := range d.Members {
		row := offMemberRow{Seq: m.Seq + 1, Name: m.Name, Affiliation: m.Affiliation, Fields: web.EnumLabels(lang, "field", m.Fields),
			Outcome: web.T(lang, "panel.outcome."+m.Outcome), OutcomeCode: m.Outcome, Declared: web.OffShowTime(m.DeclaredAt), Scored: m.Scored}
		if m.Reason != "" {
			row.Reason = web.T(lang, "panel.reason."+m.Reason)
			if m.Detail != "" {
				row.Reason += web.T(lang, "p.colon") + m.Detail
			}
		}
		if m.Active() {
			p.Selected++
		} else {
			p.Excluded++
		}
		p.Members = append(p.Members, row)
	}
	return p
}

// offExpertOptions lists the experts within the purchaser's scope, every one: the scope bounds
// the pool.
func (s *Server) offExpertOptions(r *http.Request) ([]web.Option, error) {
	var out []web.Option
	lang := web.LangOf(r)
	_, err := s.svc.People(r.Context(), web.ActorOf(r), gongzhi.ListOptions{Filters: map[string]string{"kind": "expert"}, Sort: "name"},
		func(p *gongzhi.Person) error {
			label := p.Name
			if p.Affiliation != "" {
				label += web.T(lang, "p.open") + p.Affiliation + web.T(lang, "p.close")
			}
			out = append(out, web.Option{Value: strconv.FormatInt(p.ID, 10), Label: label})
			return nil
		})
	return out, err
}

// ---- the application, as staff read it

type offAppView struct {
	CSS        string
	Rows       []web.Kv
	Lines      [][]string
	LinesSum   string
	Team       [][]string
	Outputs    [][]string
	Outcomes   [][]string
	Needs      []web.Cell
	Files      [][]string
	Criteria   []string
	Scores     [][]string
	ScoreCols  []string // the scores table's column labels, for each cell on a phone
	ScoresNote string
	History    []web.HistoryRow
	Eligible   *web.OffMiniForm
	Reject     *web.OffMiniForm
	Paper      *offPaperForm
	Back       string
	ErrText    string
}

// offPaperForm is the secretary's form for a panel member's paper score sheet of one
// application: the members without an account still to score it, and the call's criteria.
type offPaperForm struct {
	Form     *web.OffMiniForm
	Members  []web.Option
	Criteria []offPaperCriterion
}

type offPaperCriterion struct{ Name, Label, Max string }

func (s *Server) offAppPage(w http.ResponseWriter, r *http.Request) error {
	return s.offRenderApp(w, r, http.StatusOK, nil)
}

func (s *Server) offRenderApp(w http.ResponseWriter, r *http.Request, status int, fs *web.OffFormState) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ap, err := s.offCallApp(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, ap)
		return nil
	}
	c, err := s.svc.Call(r.Context(), ac, ap.CallID)
	if err != nil {
		return err
	}
	l := s.OffLabelsFor(r)
	communities := s.OffPlaceNames(r.Context(), ac, gongzhi.LevelCommunity)
	var comms []string
	for _, code := range ap.Communities {
		if n := communities[code]; n != "" {
			comms = append(comms, n)
		} else {
			comms = append(comms, code)
		}
	}
	base := offCallHref(c.ID)
	v := &offAppView{CSS: web.OfficeCSSURL(), Back: base}
	if fs != nil {
		v.ErrText = web.OffErrText(lang, fs.Err)
	}
	v.Rows = []web.Kv{
		{Label: web.T(lang, "app.call"), Value: c.Title, Href: base},
		{Label: web.T(lang, "app.org"), Value: ap.OrgName},
		{Label: web.T(lang, "app.state"), Value: web.T(lang, "app.state."+ap.State)},
		{Label: web.T(lang, "app.category"), Value: l.Category(ap.CategoryCode)},
		{Label: web.T(lang, "app.target_groups"), Value: l.GroupList(ap.TargetGroups)},
		{Label: web.T(lang, "app.communities"), Value: strings.Join(comms, web.T(lang, "p.sep"))},
		{Label: web.T(lang, "app.beneficiaries"), Value: strconv.Itoa(ap.Beneficiaries)},
		{Label: web.T(lang, "app.requested"), Value: web.OffYuan(ap.Requested) + web.T(lang, "p.open") + offBandName(lang, c, ap.Band) + web.T(lang, "p.close")},
		{Label: web.T(lang, "app.submitted_at"), Value: web.OffShowTime(ap.SubmittedAt)},
		{Label: web.T(lang, "app.contact"), Value: strings.TrimSpace(ap.ContactName + " " + ap.ContactPhone)},
	}
	if ap.PrelimReason != "" {
		v.Rows = append(v.Rows, web.Kv{Label: web.T(lang, "app.prelim_reason"), Value: ap.PrelimReason})
	}
	if ap.Rank > 0 {
		v.Rows = append(v.Rows, web.Kv{Label: web.T(lang, "app.rank"), Value: strconv.Itoa(ap.Rank)},
			web.Kv{Label: web.T(lang, "app.score"), Value: ap.Score.String() + web.T(lang, "p.open") + web.T(lang, "app.scores_n:"+strconv.Itoa(ap.Scores)) + web.T(lang, "p.close")})
	}
	if ap.Awarded > 0 {
		v.Rows = append(v.Rows, web.Kv{Label: web.T(lang, "app.awarded"), Value: web.OffYuan(ap.Awarded)})
	}
	if ap.UnfundedReason != "" {
		v.Rows = append(v.Rows, web.Kv{Label: web.T(lang, "app.unfunded"), Value: strings.TrimSpace(web.T(lang, ap.UnfundedReason) + " " + ap.UnfundedNote)})
	}
	v.Rows = append(v.Rows, web.Kv{Label: web.T(lang, "app.summary"), Value: ap.Summary}, web.Kv{Label: web.T(lang, "app.activity_plan"), Value: ap.ActivityPlan})
	var sum gongzhi.Money
	for _, bl := range ap.BudgetLines {
		v.Lines = append(v.Lines, []string{bl.Item, web.OffYuan(bl.Amount), bl.Note})
		sum += bl.Amount
	}
	v.LinesSum = web.OffYuan(sum)
	for _, m := range ap.Team {
		v.Team = append(v.Team, []string{m.Name, m.Role, m.Qualification})
	}
	for _, x := range ap.Outputs {
		v.Outputs = append(v.Outputs, []string{x.Name, strconv.FormatInt(x.Target, 10) + " " + x.Unit})
	}
	for _, x := range ap.Outcomes {
		v.Outcomes = append(v.Outcomes, []string{x.Name, strconv.FormatInt(x.Target, 10) + " " + x.Unit})
	}
	if needs, err := s.svc.CallNeeds(r.Context(), ac, c.ID); err == nil {
		for _, n := range needs {
			if slices.Contains(ap.NeedIDs, n.ID) {
				v.Needs = append(v.Needs, web.Cell{Text: n.CommunityName + " · " + l.Category(n.CategoryCode) + web.T(lang, "p.colon") + web.OffTruncate(n.Description, 60),
					Href: offNeedHref(n.ID)})
			}
		}
	}
	for _, f := range ap.Attachments {
		v.Files = append(v.Files, []string{f.Name, strconv.FormatInt((f.Size+1023)/1024, 10) + " KB", web.OffShowTime(f.UploadedAt)})
	}
	for _, cr := range c.Criteria {
		v.Criteria = append(v.Criteria, cr.Name+web.T(lang, "p.open")+strconv.Itoa(cr.Weight)+web.T(lang, "p.close"))
	}
	if scores, err := s.svc.Scores(r.Context(), ac, ap.ID); err == nil {
		for _, sc := range scores {
			row := []string{sc.ExpertName}
			for _, p := range sc.Criteria {
				row = append(row, p.String())
			}
			at := web.OffShowTime(sc.SubmittedAt)
			if sc.EnteredBy != "" {
				at += web.T(lang, "p.open") + web.T(lang, "app.paper_entered_by:"+sc.EnteredBy) + web.T(lang, "p.close")
			}
			row = append(row, sc.Total.String(), sc.Comment, at)
			v.Scores = append(v.Scores, row)
		}
		if len(scores) > 0 {
			v.ScoresNote = web.T(lang, "app.scores_rule:"+web.T(lang, "call.aggregation."+c.Aggregation))
			v.ScoreCols = append(append([]string{web.T(lang, "panel.expert")}, v.Criteria...), web.T(lang, "app.total"), web.T(lang, "app.comment"), web.T(lang, "app.scored_at"))
		}
	}
	if hist, err := s.svc.ApplicationHistory(r.Context(), ac, ap.ID); err == nil {
		v.History = web.OffHistoryOf(lang, hist)
	}
	if purchase.MayEnterPaperScores(ac) && c.State == gongzhi.CallReviewing && ap.State == gongzhi.AppEligible {
		members, err := s.svc.PaperMembers(r.Context(), ac, ap.ID)
		if err != nil {
			return err
		}
		if len(members) > 0 {
			key := "paper-" + strconv.FormatInt(ap.ID, 10)
			pf := &offPaperForm{Form: fs.Mini(key, base+"/applications/"+strconv.FormatInt(ap.ID, 10)+"/paper-score", map[string]string{"from": "app"})}
			for _, m := range members {
				pf.Members = append(pf.Members, web.Option{Value: strconv.FormatInt(m.PersonID, 10), Label: m.Name + " · " + m.Affiliation})
			}
			for i, cr := range c.Criteria {
				pf.Criteria = append(pf.Criteria, offPaperCriterion{Name: "criteria." + strconv.Itoa(i), Label: v.Criteria[i], Max: strconv.Itoa(cr.Weight)})
			}
			v.Paper = pf
		}
	}
	if purchase.MayPrelim(ac) && c.State == gongzhi.CallClosed && ap.State == gongzhi.AppSubmitted {
		key := "prelim-" + strconv.FormatInt(ap.ID, 10)
		action := base + "/applications/" + strconv.FormatInt(ap.ID, 10) + "/prelim"
		v.Eligible = fs.Mini(key, action, map[string]string{"decision": "eligible", "from": "app"})
		v.Reject = fs.Mini(key, action, map[string]string{"decision": "reject", "from": "app"})
	}
	var e *gongzhi.Error
	if fs != nil {
		e = fs.Err
	}
	s.Render(w, r, status, "p_office_app", &web.Page{Title: ap.Title, Active: "/calls", Data: v, Error: e})
	return nil
}
