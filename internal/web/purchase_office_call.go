// The call page: the heart of the office's workflow. It shows a call's state, timeline, budget
// and terms, a history of its state changes, and — as buttons and small forms — the moves the
// current state allows: open, close, cancel; the preliminary review of each application (hub
// and purchaser); the panel draw with its seed and the experts excluded and why; starting the
// review; the ranking after the scores; the award proposal with a threshold and its
// adjustments within the budget and the bands; publishing the notice (with the date it ends in
// working days); objections and their answers; making the awards final; and generating the
// contracts. Every action is also an API endpoint; a refused action comes back on the page,
// beside its form, with the reason in words.
package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/store"
)

func (s *Server) offCallRoutes() {
	s.offCallListRoutes()
	s.handle("GET /calls/{id}", changed, s.offWrap(s.offCallPage))
	s.handle("GET /calls/{id}/history", changed, s.offWrap(s.offCallHistory))
	s.handle("GET /calls/{id}/applications/{app}", changed, s.offWrap(s.offAppPage))
	s.api("GET /api/v1/calls/{id}", s.offWrap(s.offCallGet))
	s.api("GET /api/v1/calls/{id}/history", s.offWrap(s.offCallHistory))
	s.api("GET /api/v1/calls/{id}/needs", s.offWrap(s.offCallNeeds))
	s.api("GET /api/v1/calls/{id}/applications", s.offWrap(s.offCallApps))
	s.api("GET /api/v1/calls/{id}/applications/{app}", s.offWrap(s.offAppPage))
	s.api("GET /api/v1/calls/{id}/applications/{app}/scores", s.offWrap(s.offAppScores))
	s.api("GET /api/v1/calls/{id}/applications/{app}/history", s.offWrap(s.offAppHistory))
	s.api("GET /api/v1/calls/{id}/panel", s.offWrap(s.offPanelGet))
	s.api("GET /api/v1/calls/{id}/ranking", s.offWrap(s.offRankingGet))
	s.api("GET /api/v1/calls/{id}/awards", s.offWrap(s.offAwardsGet))
	s.api("GET /api/v1/calls/{id}/objections", s.offWrap(s.offObjectionsGet))

	for _, a := range s.offCallActions() {
		s.handle("POST /calls/{id}/"+a.path, changed, s.offWrap(s.offCallPost(a)))
		s.api("POST /api/v1/calls/{id}/"+a.path, s.offWrap(s.offCallPost(a)))
	}
}

// ---- reading

func (s *Server) offCallGet(w http.ResponseWriter, r *http.Request) error {
	return getJSON(w, r, s.app.Call)
}

func (s *Server) offCallNeeds(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	needs, err := s.app.CallNeeds(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if needs == nil {
		needs = []*gongzhi.Need{}
	}
	writeJSON(w, http.StatusOK, itemsOf[*gongzhi.Need]{Items: needs})
	return nil
}

// offCallApplications lists a call's applications the caller sees (every submitted one for staff).
func (s *Server) offCallApplications(r *http.Request, callID int64) ([]*gongzhi.Application, error) {
	var apps []*gongzhi.Application
	_, err := s.app.Applications(r.Context(), actorOf(r), store.ListOptions{Filters: map[string]string{"call": strconv.FormatInt(callID, 10)}},
		func(a *gongzhi.Application) error { apps = append(apps, a); return nil })
	return apps, err
}

func (s *Server) offCallApps(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := s.app.Call(r.Context(), actorOf(r), id); err != nil {
		return err
	}
	opts, pg := listOptions(r, "state", "states", "category")
	opts.Filters["call"] = strconv.FormatInt(id, 10)
	return writeList(w, opts, pg, listOf(r.Context(), actorOf(r), s.app.Applications))
}

// offCallApp returns an application of the call in the path, as the caller may see it.
func (s *Server) offCallApp(r *http.Request) (*gongzhi.Application, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	appID, err := parseID(r.PathValue("app"))
	if err != nil {
		return nil, err
	}
	ap, err := s.app.Application(r.Context(), actorOf(r), appID)
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
	scores, err := s.app.Scores(r.Context(), actorOf(r), ap.ID)
	if err != nil {
		return err
	}
	if scores == nil {
		scores = []gongzhi.Score{}
	}
	writeJSON(w, http.StatusOK, itemsOf[gongzhi.Score]{Items: scores})
	return nil
}

func (s *Server) offAppHistory(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.offCallApp(r)
	if err != nil {
		return err
	}
	hist, err := s.app.ApplicationHistory(r.Context(), actorOf(r), ap.ID)
	if err != nil {
		return err
	}
	if hist == nil {
		hist = []gongzhi.StateChange{}
	}
	writeJSON(w, http.StatusOK, itemsOf[gongzhi.StateChange]{Items: hist})
	return nil
}

func (s *Server) offPanelGet(w http.ResponseWriter, r *http.Request) error {
	return getJSON(w, r, s.app.Panel)
}

func (s *Server) offRankingGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rs, err := s.app.Ranking(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []gongzhi.Ranked{}
	}
	writeJSON(w, http.StatusOK, itemsOf[gongzhi.Ranked]{Items: rs})
	return nil
}

func (s *Server) offAwardsGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ws, err := s.app.Awards(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if ws == nil {
		ws = []*gongzhi.Award{}
	}
	writeJSON(w, http.StatusOK, itemsOf[*gongzhi.Award]{Items: ws})
	return nil
}

func (s *Server) offObjectionsGet(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	os, err := s.app.Objections(r.Context(), actorOf(r), id)
	if err != nil {
		return err
	}
	if os == nil {
		os = []*gongzhi.Objection{}
	}
	writeJSON(w, http.StatusOK, itemsOf[*gongzhi.Objection]{Items: os})
	return nil
}

// ---- the call's history

func (s *Server) offCallHistory(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	id, err := pathID(r)
	if err != nil {
		return err
	}
	hist, err := s.app.CallHistory(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		if hist == nil {
			hist = []gongzhi.StateChange{}
		}
		writeJSON(w, http.StatusOK, itemsOf[gongzhi.StateChange]{Items: hist})
		return nil
	}
	c, err := s.app.Call(r.Context(), ac, id)
	if err != nil {
		return err
	}
	dv := &detailView{Rows: []kv{{Label: T(lang, "call.title"), Value: c.Title, Href: offCallHref(id)},
		{Label: T(lang, "call.state"), Value: T(lang, "call.state."+c.State)},
		{Label: T(lang, "call.history_count"), Value: strconv.Itoa(len(hist))}},
		Actions:     []actionLink{{Label: T(lang, "action.back"), Href: offCallHref(id)}},
		ShowHistory: true, History: offHistoryOf(lang, hist)}
	s.render(w, r, http.StatusOK, "detail", &page{Title: T(lang, "call.history") + " · " + c.Title, Active: "/calls", Data: dv})
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
	Summary     []kv
	Steps       []offCallStep
	Bands       []kv
	Criteria    []gongzhi.Criterion
	Aggregation string
	Eligibility []string
	Rules       []string
	Needs       []cell
	History     []historyRow
	HistoryURL  string
	Staff       bool
	ErrText     string

	Edit    string
	Buttons []offCallButton
	Cancel  *offMiniForm

	Apps       []offAppRow
	AppsNote   string
	PrelimOpen bool

	ShowPanel     bool
	Draw          *offMiniForm
	FieldOptions  []option
	Panel         *offPanelView
	Remove        *offMiniForm
	MemberOptions []option
	Conflict      *offMiniForm
	ExpertOptions []option
	OrgOptions    []option

	ShowRanking bool
	Ranked      bool
	Ranking     []offRankRow
	Propose     *offMiniForm
	Adjust      bool
	Reasons     []option
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
	Form    *offMiniForm
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
	Eligible  *offMiniForm
	Reject    *offMiniForm
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
	Unfunded   string
	Set        *offMiniForm
	Remove     *offMiniForm
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
	Form      *offMiniForm
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
	Generate  *offMiniForm
}

func (s *Server) offCallPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.offRenderCall(w, r, http.StatusOK, id, nil)
}

// offRenderCall renders the call page; fs, if set, is a failed submission to show beside its form.
func (s *Server) offRenderCall(w http.ResponseWriter, r *http.Request, status int, id int64, fs *offFormState) error {
	ac, lang := actorOf(r), langOf(r)
	ctx := r.Context()
	c, err := s.app.Call(ctx, ac, id)
	if err != nil {
		return err
	}
	l := s.offLabelsFor(r)
	staff := ac.IsSystem() || ac.Has(gongzhi.RolePurchaser, gongzhi.RoleHub, gongzhi.RoleAuditor)
	buyer := offIsPurchaser(ac)
	base := offCallHref(id)
	v := &offCallView{CSS: officeCSSURL(), ID: id, Title: c.Title, State: c.State, StateLabel: T(lang, "call.state."+c.State), Staff: staff,
		HistoryURL: base + "/history", Aggregation: T(lang, "call.aggregation."+c.Aggregation), Criteria: c.Criteria, Eligibility: c.Eligibility}
	if fs != nil {
		v.ErrText = offErrText(lang, fs.Err)
	}
	if c.State == gongzhi.CallCancelled {
		v.Cancelled = c.CancelReason
	}

	// summary, bands, rules, needs
	budget := kv{Label: T(lang, "call.budget_id"), Value: c.BudgetName}
	if staff {
		budget.Href = offBudgetHref(c.BudgetID)
	}
	v.Summary = []kv{
		{Label: T(lang, "call.kind"), Value: T(lang, "call.kind."+c.Kind)},
		{Label: T(lang, "call.place_code"), Value: c.PlaceName},
		{Label: T(lang, "call.fiscal_year"), Value: strconv.Itoa(c.FiscalYear)},
		budget,
		{Label: T(lang, "call.amount"), Value: offYuan(c.Amount)},
		{Label: T(lang, "call.reserved"), Value: offYuan(c.Reserved)},
		{Label: T(lang, "call.awarded"), Value: offYuan(c.Awarded)},
		{Label: T(lang, "call.categories"), Value: l.categoryList(c.Categories)},
		{Label: T(lang, "call.applications"), Value: strconv.Itoa(c.Applications)},
		{Label: T(lang, "call.notice_days"), Value: T(lang, "call.workdays:"+strconv.Itoa(c.NoticeDays))},
	}
	if c.Description != "" {
		v.Summary = append(v.Summary, kv{Label: T(lang, "call.description"), Value: c.Description})
	}
	for i, b := range c.Bands {
		name := b.Name
		if name == "" {
			name = T(lang, "call.band") + " " + strconv.Itoa(i+1)
		}
		v.Bands = append(v.Bands, kv{Label: name, Value: offYuan(b.Min) + " – " + offYuan(b.Max)})
	}
	if c.RequireRegistered {
		v.Rules = append(v.Rules, T(lang, "call.require_registered"))
	}
	if c.MinGrade != "" {
		v.Rules = append(v.Rules, T(lang, "call.min_grade")+T(lang, "p.colon")+T(lang, "org.grade."+c.MinGrade))
	}
	if c.ExcludeIneligible {
		v.Rules = append(v.Rules, T(lang, "call.exclude_ineligible"))
	}
	if needs, err := s.app.CallNeeds(ctx, ac, id); err == nil {
		for _, n := range needs {
			nc := cell{Text: n.CommunityName + " · " + l.group(n.TargetGroup) + " · " + l.category(n.CategoryCode) + T(lang, "p.colon") + offTruncate(n.Description, 50)}
			if staff {
				nc.Href = offNeedHref(n.ID)
			}
			v.Needs = append(v.Needs, nc)
		}
	}

	// the steps of the timeline
	cur := slices.Index(offCallStates, c.State)
	when := map[string]string{
		gongzhi.CallDraft:     offShowDate(c.CreatedAt),
		gongzhi.CallOpen:      offShowTime(c.OpensAt),
		gongzhi.CallClosed:    offShowTime(c.ClosesAt),
		gongzhi.CallReviewing: offShowTime(c.ReviewBy),
		gongzhi.CallNotice:    "",
		gongzhi.CallFinal:     "",
	}
	if !c.NoticeStartsAt.IsZero() {
		when[gongzhi.CallNotice] = offShowDate(c.NoticeStartsAt) + " – " + offLastNoticeDay(c.NoticeEndsAt)
	}
	for i, st := range offCallStates[:6] {
		step := offCallStep{Label: T(lang, "call.step."+st), When: when[st]}
		if c.State != gongzhi.CallCancelled {
			step.Done, step.Current = i < cur, i == cur
		}
		v.Steps = append(v.Steps, step)
	}

	// the call's own state changes (the full history is a page of its own)
	if staff {
		if hist, err := s.app.CallHistory(ctx, ac, id); err == nil {
			var own []gongzhi.StateChange
			for _, h := range hist {
				if h.Entity == "call" || h.Entity == "panel" || h.Entity == "ranking" {
					own = append(own, h)
				}
			}
			v.History = offHistoryOf(lang, own)
		}
	}

	button := func(key, label, note string, primary bool, confirm string) {
		v.Buttons = append(v.Buttons, offCallButton{Label: label, Note: note, Primary: primary, Confirm: confirm,
			Form: fs.mini(key, base+"/"+key, nil)})
	}
	if buyer {
		switch c.State {
		case gongzhi.CallDraft:
			v.Edit = base + "/edit"
			button("open", T(lang, "call.do.open"), T(lang, "call.open_note:"+offYuan(c.Amount)), true, "")
		case gongzhi.CallOpen:
			button("close", T(lang, "call.do.close"), T(lang, "call.close_note:"+offShowTime(c.ClosesAt)), true, "")
		case gongzhi.CallClosed:
			button("review", T(lang, "call.do.review"), T(lang, "call.review_note"), true, "")
		case gongzhi.CallReviewing:
			button("rank", T(lang, "call.do.rank"), T(lang, "call.rank_note"), false, "")
		case gongzhi.CallNotice:
			note := T(lang, "call.finalize_note:"+offLastNoticeDay(c.NoticeEndsAt))
			button("finalize", T(lang, "call.do.finalize"), note, true, "")
		}
		if slices.Contains(gongzhi.CallMoves[c.State], gongzhi.CallCancelled) {
			v.Cancel = fs.mini("cancel", base+"/cancel", nil)
		}
	}

	var apps []*gongzhi.Application
	if staff || ac.Has(gongzhi.RoleProvider) {
		if apps, err = s.offCallApplications(r, id); err != nil {
			return err
		}
	}
	// applications and the preliminary review
	if staff && c.State != gongzhi.CallDraft {
		v.PrelimOpen = offMayPrelim(ac) && c.State == gongzhi.CallClosed
		counts := map[string]int{}
		for _, ap := range apps {
			counts[ap.State]++
			row := offAppRow{ID: ap.ID, Title: ap.Title, Href: base + "/applications/" + strconv.FormatInt(ap.ID, 10), Org: ap.OrgName,
				Category: l.category(ap.CategoryCode), Requested: offYuan(ap.Requested), Band: offBandName(lang, c, ap.Band),
				State: T(lang, "app.state."+ap.State), StateCode: ap.State, Submitted: offShowTime(ap.SubmittedAt), Reason: ap.PrelimReason}
			if ap.UnfundedReason != "" {
				row.Reason = strings.TrimSpace(T(lang, ap.UnfundedReason) + " " + ap.UnfundedNote)
			}
			if v.PrelimOpen && ap.State == gongzhi.AppSubmitted {
				key := "prelim-" + strconv.FormatInt(ap.ID, 10)
				action := row.Href + "/prelim"
				row.Eligible = fs.mini(key, action, map[string]string{"decision": "eligible"})
				row.Reject = fs.mini(key, action, map[string]string{"decision": "reject"})
			}
			v.Apps = append(v.Apps, row)
		}
		var parts []string
		for _, st := range []string{gongzhi.AppSubmitted, gongzhi.AppEligible, gongzhi.AppRejected, gongzhi.AppAwarded, gongzhi.AppNotFunded} {
			if counts[st] > 0 {
				parts = append(parts, T(lang, "app.state."+st)+" "+strconv.Itoa(counts[st]))
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
		if d, err := s.app.Panel(ctx, ac, id); err == nil {
			v.Panel = offPanelOf(lang, d, eligible)
			if buyer && (c.State == gongzhi.CallClosed || c.State == gongzhi.CallReviewing) {
				for _, m := range d.Members {
					if m.Active() && m.Scored == 0 {
						v.MemberOptions = append(v.MemberOptions, option{strconv.FormatInt(m.PersonID, 10), m.Name})
					}
				}
				if len(v.MemberOptions) > 0 {
					v.Remove = fs.mini("remove-member", base+"/panel/remove", nil)
				}
			}
		} else if gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return err
		} else if buyer && c.State == gongzhi.CallClosed {
			v.Draw = fs.mini("panel", base+"/panel", map[string]string{"size": "5"})
			v.FieldOptions = enumOptions(lang, "field", gongzhi.ExpertFields, false)
		}
		if buyer && (c.State == gongzhi.CallClosed || c.State == gongzhi.CallReviewing) {
			v.Conflict = fs.mini("conflict", base+"/conflicts", nil)
			v.ExpertOptions = s.offExpertOptions(r)
			seen := map[int64]bool{}
			for _, ap := range apps {
				if !seen[ap.OrgID] && ap.State != gongzhi.AppDraft && ap.State != gongzhi.AppWithdrawn {
					seen[ap.OrgID] = true
					v.OrgOptions = append(v.OrgOptions, option{strconv.FormatInt(ap.OrgID, 10), ap.OrgName})
				}
			}
		}
	}

	// ranking and awards
	awards := map[int64]*gongzhi.Award{}
	var awardList []*gongzhi.Award
	if staff || c.State == gongzhi.CallNotice || c.State == gongzhi.CallFinal {
		if awardList, err = s.app.Awards(ctx, ac, id); err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
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
		rs, err := s.app.Ranking(ctx, ac, id)
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
			v.Reasons = append(v.Reasons, option{k, T(lang, k)})
		}
		for _, rk := range rs {
			ap := byID[rk.ApplicationID]
			row := offRankRow{Rank: rk.Rank, Title: rk.Title, Href: base + "/applications/" + strconv.FormatInt(rk.ApplicationID, 10),
				Org: rk.OrgName, Score: rk.Score.String(), Scores: rk.Scores, Requested: offYuan(rk.Requested), Band: offBandName(lang, c, rk.Band)}
			if w := awards[rk.ApplicationID]; w != nil {
				row.Award, row.AwardState, row.AwardCode = offYuan(w.Amount), T(lang, "award.state."+w.State), w.State
			} else if ap != nil && ap.UnfundedReason != "" {
				row.Unfunded = strings.TrimSpace(T(lang, ap.UnfundedReason) + " " + ap.UnfundedNote)
			}
			if v.Adjust {
				key := strconv.FormatInt(rk.ApplicationID, 10)
				amount := rk.Requested
				if w := awards[rk.ApplicationID]; w != nil {
					amount = w.Amount
				}
				row.Set = fs.mini("award-"+key, base+"/awards/set", map[string]string{"application_id": key, "amount": amount.String()})
				reason := gongzhi.UnfundedDecision
				if ap != nil && ap.UnfundedReason != "" {
					reason = ap.UnfundedReason
				}
				row.Remove = fs.mini("unaward-"+key, base+"/awards/remove", map[string]string{"application_id": key, "reason": reason})
			}
			v.Ranking = append(v.Ranking, row)
		}
		if v.Adjust {
			v.Propose = fs.mini("propose", base+"/awards/propose", map[string]string{"threshold": "60"})
		}
		v.Totals = T(lang, "call.amount") + " " + offYuan(c.Amount) + " · " + T(lang, "call.awarded") + " " + offYuan(c.Awarded) + " · " +
			T(lang, "call.left") + " " + offYuan(c.Amount-c.Awarded)
		v.OverBudget = c.Awarded > c.Amount
		if buyer && c.State == gongzhi.CallReviewing && v.Ranked {
			end := c.NoticeDays
			if days, err := s.app.Holidays(ctx, "", ""); err == nil {
				ends := gongzhi.NewCalendar(days).NoticeEnd(s.app.Now(), end)
				v.PublishNote = offTr(lang, "call.publish_note", strconv.Itoa(c.NoticeDays), offLastNoticeDay(ends))
			}
			v.Buttons = append(v.Buttons, offCallButton{Label: T(lang, "call.do.publish"), Note: v.PublishNote, Primary: true,
				Form: fs.mini("publish", base+"/publish", nil)})
		}
	}

	// the notice and objections
	if c.State == gongzhi.CallNotice || c.State == gongzhi.CallFinal {
		v.NoticeNote = offTr(lang, "call.notice_period", offShowDate(c.NoticeStartsAt), offLastNoticeDay(c.NoticeEndsAt), strconv.Itoa(c.NoticeDays))
	}
	if staff && (c.State == gongzhi.CallNotice || c.State == gongzhi.CallFinal) {
		v.ShowObjections = true
		objs, err := s.app.Objections(ctx, ac, id)
		if err != nil {
			return err
		}
		titles := map[int64]string{}
		for _, ap := range apps {
			titles[ap.ID] = ap.Title + T(lang, "p.open") + ap.OrgName + T(lang, "p.close")
		}
		for _, o := range objs {
			row := offObjectionRow{ID: o.ID, Filed: offShowTime(o.FiledAt), Name: o.Name, Contact: o.Contact, Body: o.Body,
				State: T(lang, "objection.state."+o.State), StateCode: gongzhi.VersionPending, Answer: o.Answer, Answered: offShowTime(o.AnsweredAt)}
			if o.State == gongzhi.ObjectionAnswered {
				row.StateCode = gongzhi.ObjectionAnswered
			}
			row.Target = T(lang, "objection.whole_call")
			if o.ApplicationID != 0 {
				row.Target = titles[o.ApplicationID]
			}
			if o.State == gongzhi.ObjectionAnswered {
				row.Outcome = T(lang, "objection.not_upheld")
				if o.Upheld {
					row.Outcome = T(lang, "objection.upheld")
				}
				if o.Overturned {
					row.Outcome += T(lang, "p.comma") + T(lang, "objection.overturned")
				}
				if o.AnsweredBy != "" {
					row.Answered += " · " + o.AnsweredBy
				}
			}
			if buyer && c.State == gongzhi.CallNotice && o.State == gongzhi.ObjectionOpen {
				row.Form = fs.mini("answer-"+strconv.FormatInt(o.ID, 10), base+"/objections/"+strconv.FormatInt(o.ID, 10)+"/answer", nil)
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
			row := offAwardRow{Rank: w.Rank, Title: w.Title, Org: w.OrgName, Amount: offYuan(w.Amount), State: T(lang, "award.state."+w.State),
				StateCode: w.State, Note: w.OverturnReason}
			if w.ContractID != 0 && (staff || ac.Has(gongzhi.RoleProvider) && ac.User.OrgID == w.OrgID) {
				row.Contract = offContractHref(w.ContractID)
			}
			if buyer && w.ContractID == 0 && (w.State == gongzhi.AwardPublished || w.State == gongzhi.AwardFinal) {
				row.Generate = fs.mini("contract-"+strconv.FormatInt(w.ID, 10), base+"/contracts",
					map[string]string{"award_id": strconv.FormatInt(w.ID, 10), "purchaser_name": purchaserName})
				generate++
			}
			v.Awards = append(v.Awards, row)
		}
		if generate > 1 {
			v.Buttons = append(v.Buttons, offCallButton{Label: T(lang, "call.do.contracts:"+strconv.Itoa(generate)),
				Note: T(lang, "call.contracts_note"), Form: fs.mini("contracts", base+"/contracts", nil),
				Hidden: []offHidden{{"purchaser_name", purchaserName}}})
		}
	}

	var e *gongzhi.Error
	if fs != nil {
		e = fs.Err
	}
	s.render(w, r, status, "p_office_call", &page{Title: c.Title, Active: "/calls", Data: v, Error: e})
	return nil
}

// offBandName names the band an amount falls in.
func offBandName(lang string, c *gongzhi.Call, i int) string {
	if i < 0 || i >= len(c.Bands) {
		return T(lang, "call.no_band")
	}
	if n := c.Bands[i].Name; n != "" {
		return n
	}
	return T(lang, "call.band") + " " + strconv.Itoa(i+1)
}

// offPanelOf shows a draw: its seed and pool, and every expert it examined, in draw order.
func offPanelOf(lang string, d *gongzhi.PanelDraw, eligible int) *offPanelView {
	p := &offPanelView{Seed: strconv.FormatInt(d.Seed, 10), Pool: len(d.Pool), DrawnAt: offShowTime(d.DrawnAt), Size: d.Size,
		Fields: enumLabels(lang, "field", d.Fields), Verified: d.Verify() < 0, Eligible: eligible}
	if p.Fields == "" {
		p.Fields = T(lang, "panel.all_fields")
	}
	for _, m := range d.Members {
		row := offMemberRow{Seq: m.Seq + 1, Name: m.Name, Affiliation: m.Affiliation, Fields: enumLabels(lang, "field", m.Fields),
			Outcome: T(lang, "panel.outcome."+m.Outcome), OutcomeCode: m.Outcome, Declared: offShowTime(m.DeclaredAt), Scored: m.Scored}
		if m.Reason != "" {
			row.Reason = T(lang, "panel.reason."+m.Reason)
			if m.Detail != "" {
				row.Reason += T(lang, "p.colon") + m.Detail
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

// offExpertOptions lists the experts within the purchaser's scope.
func (s *Server) offExpertOptions(r *http.Request) []option {
	var out []option
	lang := langOf(r)
	s.app.People(r.Context(), actorOf(r), store.ListOptions{Filters: map[string]string{"kind": "expert"}, Limit: 500, Sort: "name"},
		func(p *gongzhi.Person) error {
			label := p.Name
			if p.Affiliation != "" {
				label += T(lang, "p.open") + p.Affiliation + T(lang, "p.close")
			}
			out = append(out, option{strconv.FormatInt(p.ID, 10), label})
			return nil
		})
	return out
}

// ---- the application, as staff read it

type offAppView struct {
	CSS        string
	Rows       []kv
	Lines      [][]string
	LinesSum   string
	Team       [][]string
	Outputs    [][]string
	Outcomes   [][]string
	Needs      []cell
	Files      [][]string
	Criteria   []string
	Scores     [][]string
	ScoresNote string
	History    []historyRow
	Eligible   *offMiniForm
	Reject     *offMiniForm
	Back       string
	ErrText    string
}

func (s *Server) offAppPage(w http.ResponseWriter, r *http.Request) error {
	return s.offRenderApp(w, r, http.StatusOK, nil)
}

func (s *Server) offRenderApp(w http.ResponseWriter, r *http.Request, status int, fs *offFormState) error {
	ac, lang := actorOf(r), langOf(r)
	ap, err := s.offCallApp(r)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, ap)
		return nil
	}
	c, err := s.app.Call(r.Context(), ac, ap.CallID)
	if err != nil {
		return err
	}
	l := s.offLabelsFor(r)
	communities := s.offPlaceNames(r.Context(), ac, gongzhi.LevelCommunity)
	var comms []string
	for _, code := range ap.Communities {
		if n := communities[code]; n != "" {
			comms = append(comms, n)
		} else {
			comms = append(comms, code)
		}
	}
	base := offCallHref(c.ID)
	v := &offAppView{CSS: officeCSSURL(), Back: base}
	if fs != nil {
		v.ErrText = offErrText(lang, fs.Err)
	}
	v.Rows = []kv{
		{Label: T(lang, "app.call"), Value: c.Title, Href: base},
		{Label: T(lang, "app.org"), Value: ap.OrgName},
		{Label: T(lang, "app.state"), Value: T(lang, "app.state."+ap.State)},
		{Label: T(lang, "app.category"), Value: l.category(ap.CategoryCode)},
		{Label: T(lang, "app.target_groups"), Value: l.groupList(ap.TargetGroups)},
		{Label: T(lang, "app.communities"), Value: strings.Join(comms, T(lang, "p.sep"))},
		{Label: T(lang, "app.beneficiaries"), Value: strconv.Itoa(ap.Beneficiaries)},
		{Label: T(lang, "app.requested"), Value: offYuan(ap.Requested) + T(lang, "p.open") + offBandName(lang, c, ap.Band) + T(lang, "p.close")},
		{Label: T(lang, "app.submitted_at"), Value: offShowTime(ap.SubmittedAt)},
		{Label: T(lang, "app.contact"), Value: strings.TrimSpace(ap.ContactName + " " + ap.ContactPhone)},
	}
	if ap.PrelimReason != "" {
		v.Rows = append(v.Rows, kv{Label: T(lang, "app.prelim_reason"), Value: ap.PrelimReason})
	}
	if ap.Rank > 0 {
		v.Rows = append(v.Rows, kv{Label: T(lang, "app.rank"), Value: strconv.Itoa(ap.Rank)},
			kv{Label: T(lang, "app.score"), Value: ap.Score.String() + T(lang, "p.open") + T(lang, "app.scores_n:"+strconv.Itoa(ap.Scores)) + T(lang, "p.close")})
	}
	if ap.Awarded > 0 {
		v.Rows = append(v.Rows, kv{Label: T(lang, "app.awarded"), Value: offYuan(ap.Awarded)})
	}
	if ap.UnfundedReason != "" {
		v.Rows = append(v.Rows, kv{Label: T(lang, "app.unfunded"), Value: strings.TrimSpace(T(lang, ap.UnfundedReason) + " " + ap.UnfundedNote)})
	}
	v.Rows = append(v.Rows, kv{Label: T(lang, "app.summary"), Value: ap.Summary}, kv{Label: T(lang, "app.activity_plan"), Value: ap.ActivityPlan})
	var sum gongzhi.Money
	for _, bl := range ap.BudgetLines {
		v.Lines = append(v.Lines, []string{bl.Item, offYuan(bl.Amount), bl.Note})
		sum += bl.Amount
	}
	v.LinesSum = offYuan(sum)
	for _, m := range ap.Team {
		v.Team = append(v.Team, []string{m.Name, m.Role, m.Qualification})
	}
	for _, x := range ap.Outputs {
		v.Outputs = append(v.Outputs, []string{x.Name, strconv.FormatInt(x.Target, 10) + " " + x.Unit})
	}
	for _, x := range ap.Outcomes {
		v.Outcomes = append(v.Outcomes, []string{x.Name, strconv.FormatInt(x.Target, 10) + " " + x.Unit})
	}
	if needs, err := s.app.CallNeeds(r.Context(), ac, c.ID); err == nil {
		for _, n := range needs {
			if slices.Contains(ap.NeedIDs, n.ID) {
				v.Needs = append(v.Needs, cell{Text: n.CommunityName + " · " + l.category(n.CategoryCode) + T(lang, "p.colon") + offTruncate(n.Description, 60),
					Href: offNeedHref(n.ID)})
			}
		}
	}
	for _, f := range ap.Attachments {
		v.Files = append(v.Files, []string{f.Name, strconv.FormatInt((f.Size+1023)/1024, 10) + " KB", offShowTime(f.UploadedAt)})
	}
	for _, cr := range c.Criteria {
		v.Criteria = append(v.Criteria, cr.Name+T(lang, "p.open")+strconv.Itoa(cr.Weight)+T(lang, "p.close"))
	}
	if scores, err := s.app.Scores(r.Context(), ac, ap.ID); err == nil {
		for _, sc := range scores {
			row := []string{sc.ExpertName}
			for _, p := range sc.Criteria {
				row = append(row, p.String())
			}
			row = append(row, sc.Total.String(), sc.Comment, offShowTime(sc.SubmittedAt))
			v.Scores = append(v.Scores, row)
		}
		if len(scores) > 0 {
			v.ScoresNote = T(lang, "app.scores_rule:"+T(lang, "call.aggregation."+c.Aggregation))
		}
	}
	if hist, err := s.app.ApplicationHistory(r.Context(), ac, ap.ID); err == nil {
		v.History = offHistoryOf(lang, hist)
	}
	if offMayPrelim(ac) && c.State == gongzhi.CallClosed && ap.State == gongzhi.AppSubmitted {
		key := "prelim-" + strconv.FormatInt(ap.ID, 10)
		action := base + "/applications/" + strconv.FormatInt(ap.ID, 10) + "/prelim"
		v.Eligible = fs.mini(key, action, map[string]string{"decision": "eligible", "from": "app"})
		v.Reject = fs.mini(key, action, map[string]string{"decision": "reject", "from": "app"})
	}
	var e *gongzhi.Error
	if fs != nil {
		e = fs.Err
	}
	s.render(w, r, status, "p_office_app", &page{Title: ap.Title, Active: "/calls", Data: v, Error: e})
	return nil
}
