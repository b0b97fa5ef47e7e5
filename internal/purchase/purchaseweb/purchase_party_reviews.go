// Experts' reviews (评审): the calls whose panel draw examined the expert, the declaration of no
// conflict (or of a conflict, with the reason) before any application is shown, the applications
// to score, and a score form per application with one input per criterion; other experts'
// scores appear only once the expert has submitted their own.

package purchaseweb

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
)

type ppScoreRequest struct {
	Criteria []any  `json:"criteria"` // hundredths of a point (integer) or points ("18.5"), in the call's order
	Comment  string `json:"comment"`
}

// ppReviewItem is an application to score and whether the expert has scored it.
type ppReviewItem struct {
	Application *gongzhi.Application `json:"application"`
	Scored      bool                 `json:"scored"`
	Total       gongzhi.Points       `json:"total"` // the expert's own total, once scored
}

func ppMustExpert(ac *gongzhi.Actor) error {
	if !purchase.MayReview(ac) {
		return gongzhi.Forbidden()
	}
	return nil
}

// ppAssignment returns the expert's assignment for one call; ENOTFOUND when the draw never
// examined them.
func (s *Server) ppAssignment(ctx context.Context, ac *gongzhi.Actor, callID int64) (*purchase.ReviewAssignment, error) {
	all, err := s.svc.ReviewAssignments(ctx, ac)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Call.ID == callID {
			return &all[i], nil
		}
	}
	return nil, gongzhi.NotFound()
}

// ppReviewItems lists the applications an expert scores, with the expert's own total where scored.
func (s *Server) ppReviewItems(ctx context.Context, ac *gongzhi.Actor, callID int64) ([]ppReviewItem, error) {
	apps, err := s.svc.ReviewApplications(ctx, ac, callID)
	if err != nil {
		return nil, err
	}
	person, err := s.svc.ExpertPersonID(ctx, ac)
	if err != nil {
		return nil, err
	}
	out := make([]ppReviewItem, 0, len(apps))
	for _, ap := range apps {
		it := ppReviewItem{Application: ap}
		if scores, err := s.svc.Scores(ctx, ac, ap.ID); err == nil {
			for _, sc := range scores {
				if sc.PersonID == person {
					it.Scored, it.Total = true, sc.Total
				}
			}
		} else if gongzhi.AsError(err).Fields["application_id"] != "review.scores_hidden" {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

func ppMemberStatus(lang string, m gongzhi.PanelMember) string {
	switch {
	case !m.Active():
		s := web.T(lang, "party.member.excluded")
		if m.Reason != "" {
			s += ppParen(lang, web.T(lang, "party.excluded."+m.Reason))
		}
		return s
	case m.DeclaredAt.IsZero():
		return web.T(lang, "party.member.to_declare")
	}
	return web.T(lang, "party.member.declared:"+ppDatetimeCN(m.DeclaredAt))
}

func ppCallStateLabel(lang, st string) string {
	if web.PpHas("party.state.call." + st) {
		return web.T(lang, "party.state.call."+st)
	}
	return st
}

// ---- pages

type ppReviewsPage struct {
	List web.ListView
	Note string
}

func (s *Server) ppReviews(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if err := ppMustExpert(ac); err != nil {
		return err
	}
	data := &ppReviewsPage{List: web.ListView{Page: 1}}
	all, err := s.svc.ReviewAssignments(r.Context(), ac)
	if e := gongzhi.AsError(err); err != nil && e.Message == "expert.not_linked" {
		data.Note = web.T(lang, "expert.not_linked")
	} else if err != nil {
		return err
	}
	for _, ra := range all {
		pending := "—"
		if ra.Member.Active() && !ra.Member.DeclaredAt.IsZero() {
			pending = strconv.Itoa(ra.Pending)
		}
		data.List.Rows = append(data.List.Rows, []web.Cell{
			{Text: ra.Call.Title, Href: "/reviews/" + web.FmtInt(ra.Call.ID)},
			{Text: ppCallStateLabel(lang, ra.Call.State)},
			{Text: ppMemberStatus(lang, ra.Member)},
			{Text: strconv.Itoa(len(ra.Applicants)), Class: "num"},
			{Text: pending, Class: "num"},
			{Text: ppDatetimeCN(ra.Call.ReviewBy)},
		})
	}
	data.List.Total = len(all)
	web.PageLinks(r, &data.List, []web.ColDef{{Label: web.T(lang, "party.call"), Sort: ""}, {Label: web.T(lang, "party.call_state"), Sort: ""}, {Label: web.T(lang, "party.my_status"), Sort: ""},
		{Label: web.T(lang, "party.applicants"), Sort: ""}, {Label: web.T(lang, "party.to_score"), Sort: ""}, {Label: web.T(lang, "party.review_by"), Sort: ""}}, 0)
	s.Render(w, r, http.StatusOK, "p_party_reviews", &web.Page{Title: web.T(lang, "nav.reviews"), Active: "/reviews", Data: data})
	return nil
}

type ppReviewPage struct {
	Rows       []web.Kv
	Criteria   ppTableView
	Applicants ppTableView
	Declare    bool // may declare now
	Declared   bool
	Excluded   bool
	NoConflict string // action of the no-conflict form
	Conflict   *web.FormView
	Items      web.ListView
	Note       string
}

func (s *Server) ppReview(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.ppRenderReview(w, r, id, nil)
}

func (s *Server) ppRenderReview(w http.ResponseWriter, r *http.Request, callID int64, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ctx := r.Context()
	if err := ppMustExpert(ac); err != nil {
		return err
	}
	ra, err := s.ppAssignment(ctx, ac, callID)
	if err != nil {
		return err
	}
	c, m := ra.Call, ra.Member
	d := &ppReviewPage{Excluded: !m.Active(), Declared: m.Active() && !m.DeclaredAt.IsZero()}
	d.Rows = []web.Kv{
		{Label: web.T(lang, "party.call"), Value: c.Title, Href: "/public/calls/" + web.FmtInt(c.ID)},
		{Label: web.T(lang, "party.call_state"), Value: ppCallStateLabel(lang, c.State)},
		{Label: web.T(lang, "party.my_status"), Value: ppMemberStatus(lang, m)},
		{Label: web.T(lang, "party.review_by"), Value: ppDatetimeCN(c.ReviewBy)},
		{Label: web.T(lang, "party.aggregation"), Value: web.T(lang, "party.aggregation."+c.Aggregation)},
	}
	if m.Detail != "" && !m.Active() {
		d.Rows = append(d.Rows, web.Kv{Label: web.T(lang, "party.reason"), Value: m.Detail})
	}
	d.Criteria = ppCriteriaTable(lang, c)
	reviewable := c.State == gongzhi.CallClosed || c.State == gongzhi.CallReviewing
	if m.Active() && reviewable {
		d.Declare = !d.Declared
		d.NoConflict = "/reviews/" + web.FmtInt(c.ID) + "/no-conflict"
		var opts []web.Option
		for _, ap := range ra.Applicants {
			opts = append(opts, web.Option{Value: web.FmtInt(ap.ApplicationID), Label: ap.OrgName + " · " + ap.Title})
		}
		errs := web.PpTranslated(lang, e)
		d.Conflict = &web.FormView{Action: "/reviews/" + web.FmtInt(c.ID) + "/conflict", Submit: web.T(lang, "party.declare_conflict"), Fields: []web.Field{
			{Name: "application_ids", Label: web.T(lang, "party.conflict_with"), Type: "multi", Options: opts, Error: errs["application_ids"], Required: true, Wide: true},
			{Name: "reason", Label: web.T(lang, "party.conflict_reason"), Type: "textarea", Error: errs["reason"], Required: true, Wide: true,
				Help: web.T(lang, "party.conflict_help")},
		}}
		if e != nil && e.Fields["panel"] != "" {
			d.Note = web.T(lang, e.Fields["panel"])
		}
	}
	d.Applicants = ppTableView{Title: web.T(lang, "party.applicants"), Columns: []string{web.T(lang, "party.org"), web.T(lang, "party.app.title")}}
	for _, ap := range ra.Applicants {
		d.Applicants.Rows = append(d.Applicants.Rows, []string{ap.OrgName, ap.Title})
	}
	if d.Declared {
		items, err := s.ppReviewItems(ctx, ac, c.ID)
		if err != nil {
			return err
		}
		for _, it := range items {
			ap := it.Application
			st := web.T(lang, "party.not_scored")
			if it.Scored {
				st = web.T(lang, "party.scored:"+it.Total.String())
			}
			d.Items.Rows = append(d.Items.Rows, []web.Cell{
				{Text: ap.Title, Href: "/reviews/" + web.FmtInt(c.ID) + "/applications/" + web.FmtInt(ap.ID)},
				{Text: ap.OrgName}, {Text: ap.Requested.Format(), Class: "num"}, {Text: st}})
		}
		d.Items.Total, d.Items.Page = len(items), 1
		web.PageLinks(r, &d.Items, []web.ColDef{{Label: web.T(lang, "party.app.title"), Sort: ""}, {Label: web.T(lang, "party.org"), Sort: ""}, {Label: web.T(lang, "party.app.requested"), Sort: ""},
			{Label: web.T(lang, "party.my_score"), Sort: ""}}, 0)
		if c.State == gongzhi.CallClosed {
			d.Note = web.T(lang, "party.review_not_started")
		}
	}
	status := http.StatusOK
	if e != nil {
		status = web.PpStatusFor(e)
	}
	s.Render(w, r, status, "p_party_review", &web.Page{Title: c.Title, Active: "/reviews", Data: d, Error: e})
	return nil
}

func ppCriteriaTable(lang string, c *gongzhi.Call) ppTableView {
	t := ppTableView{Title: web.T(lang, "party.criteria"), Columns: []string{"#", web.T(lang, "party.criterion"), web.T(lang, "party.weight"), web.T(lang, "party.description")}}
	for i, cr := range c.Criteria {
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), cr.Name, strconv.Itoa(cr.Weight), cr.Description})
	}
	return t
}

func (s *Server) ppNoConflict(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	err = s.svc.DeclareNoConflict(r.Context(), ac, id)
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		ra, err := s.ppAssignment(r.Context(), ac, id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, ppReviewStatus{Status: "declared_no_conflict", Member: &ra.Member})
		return nil
	}
	if e, ok := web.PpFieldErr(err); ok {
		return s.ppRenderReview(w, r, id, e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/reviews/"+web.FmtInt(id), web.T(lang, "party.no_conflict_done"))
}

func (s *Server) ppConflict(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req ppConflictRequest
	if web.IsAPIPath(r) {
		if err := s.Decode(w, r, &req); err != nil {
			return err
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return gongzhi.Invalid("form", "bad_text")
		}
		req.Reason = r.PostFormValue("reason")
		for _, v := range r.PostForm["application_ids"] {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				req.ApplicationIDs = append(req.ApplicationIDs, n)
			}
		}
	}
	repl, err := s.svc.DeclareConflict(r.Context(), ac, id, req.ApplicationIDs, req.Reason)
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, ppReviewStatus{Status: "conflict_declared", Replacement: repl})
		return nil
	}
	if e, ok := web.PpFieldErr(err); ok {
		return s.ppRenderReview(w, r, id, e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/reviews/"+web.FmtInt(id), web.T(lang, "party.conflict_done"))
}

// ---- scoring

type ppScoreView struct {
	Criteria ppTableView
	Form     *web.FormView
	Scores   ppTableView
	Done     bool
	Note     string
}

func (s *Server) ppScorePage(w http.ResponseWriter, r *http.Request) error {
	return s.ppRenderScore(w, r, nil, nil)
}

// ppReviewApp returns the application {app} of the call {id} as the expert may see it.
func (s *Server) ppReviewApp(r *http.Request) (*gongzhi.Application, error) { return s.offCallApp(r) }

func (s *Server) ppRenderScore(w http.ResponseWriter, r *http.Request, typed []string, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ctx := r.Context()
	if err := ppMustExpert(ac); err != nil {
		return err
	}
	ap, err := s.ppReviewApp(r)
	if err != nil {
		return err
	}
	c, err := s.svc.Call(ctx, ac, ap.CallID)
	if err != nil {
		return err
	}
	v := &ppAppView{App: ap, State: ppAppStateLabel(lang, ap.State), Back: "/reviews/" + web.FmtInt(c.ID)}
	s.ppAppContent(ctx, ac, lang, ap, c, v)
	sv := &ppScoreView{Criteria: ppCriteriaTable(lang, c)}
	v.Review = sv
	scores, err := s.svc.Scores(ctx, ac, ap.ID)
	switch {
	case err == nil:
		sv.Done = true
		sv.Scores = ppScoresTable(lang, c, scores)
	case gongzhi.AsError(err).Fields["application_id"] == "review.scores_hidden":
		if c.State != gongzhi.CallReviewing {
			sv.Note = web.T(lang, "party.review_not_started")
			break
		}
		errs := web.PpTranslated(lang, e)
		f := &web.FormView{Action: "/reviews/" + web.FmtInt(c.ID) + "/applications/" + web.FmtInt(ap.ID) + "/score", Submit: web.T(lang, "party.submit_scores"),
			Intro: web.T(lang, "party.score_intro")}
		for i, cr := range c.Criteria {
			name := "criteria." + strconv.Itoa(i)
			val := ""
			if i < len(typed) {
				val = typed[i]
			}
			f.Fields = append(f.Fields, web.Field{Name: name, Label: cr.Name + ppParen(lang, "0–"+strconv.Itoa(cr.Weight)),
				Type: "number", Value: val, Error: errs[name], Required: true, Help: cr.Description})
		}
		comment := ""
		if len(typed) > len(c.Criteria) {
			comment = typed[len(c.Criteria)]
		}
		f.Fields = append(f.Fields, web.Field{Name: "comment", Label: web.T(lang, "party.comment"), Type: "textarea", Value: comment, Error: errs["comment"], Wide: true})
		sv.Form = f
		if e != nil {
			for k, reason := range e.Fields {
				if !strings.HasPrefix(k, "criteria.") && k != "comment" {
					sv.Note = web.T(lang, reason)
				}
			}
		}
	default:
		return err
	}
	status := http.StatusOK
	if e != nil {
		status = web.PpStatusFor(e)
	}
	s.Render(w, r, status, "p_party_app", &web.Page{Title: ap.Title, Active: "/reviews", Data: v, Error: e})
	return nil
}

func ppScoresTable(lang string, c *gongzhi.Call, scores []gongzhi.Score) ppTableView {
	t := ppTableView{Title: web.T(lang, "party.all_scores"), Columns: []string{web.T(lang, "party.expert")}}
	for _, cr := range c.Criteria {
		t.Columns = append(t.Columns, cr.Name+ppParen(lang, strconv.Itoa(cr.Weight)))
	}
	t.Columns = append(t.Columns, web.T(lang, "party.total"), web.T(lang, "party.comment"), web.T(lang, "party.submitted_at"))
	for _, sc := range scores {
		row := []string{sc.ExpertName}
		for i := range c.Criteria {
			p := "—"
			if i < len(sc.Criteria) {
				p = sc.Criteria[i].String()
			}
			row = append(row, p)
		}
		row = append(row, sc.Total.String(), sc.Comment, ppDatetimeCN(sc.SubmittedAt))
		t.Rows = append(t.Rows, row)
	}
	return t
}

func (s *Server) ppScore(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if err := ppMustExpert(ac); err != nil {
		return err
	}
	ap, err := s.ppReviewApp(r)
	if err != nil {
		return err
	}
	c, err := s.svc.Call(r.Context(), ac, ap.CallID)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return gongzhi.Invalid("form", "bad_text")
	}
	errs := gongzhi.FieldErrors{}
	typed := make([]string, 0, len(c.Criteria)+1)
	pts := make([]gongzhi.Points, len(c.Criteria))
	for i := range c.Criteria {
		name := "criteria." + strconv.Itoa(i)
		v := strings.TrimSpace(r.PostFormValue(name))
		typed = append(typed, v)
		if v == "" {
			errs.Add(name, "required")
			continue
		}
		p, reason := gongzhi.ParsePoints(v)
		if reason != "" {
			errs.Add(name, reason)
		}
		pts[i] = p
	}
	comment := r.PostFormValue("comment")
	typed = append(typed, comment)
	if len(errs) > 0 {
		return s.ppRenderScore(w, r, typed, gongzhi.AsError(errs.Err()))
	}
	_, err = s.svc.SubmitScores(r.Context(), ac, ap.ID, pts, comment)
	if e, ok := web.PpFieldErr(err); ok {
		return s.ppRenderScore(w, r, typed, e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/reviews/"+web.FmtInt(c.ID)+"/applications/"+web.FmtInt(ap.ID), web.T(lang, "party.scores_saved"))
}

// ---- API

func (s *Server) ppApiReviews(w http.ResponseWriter, r *http.Request) error {
	all, err := s.svc.ReviewAssignments(r.Context(), web.ActorOf(r))
	if err != nil {
		return err
	}
	if all == nil {
		all = []purchase.ReviewAssignment{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[purchase.ReviewAssignment]{Items: all})
	return nil
}

func (s *Server) ppApiReview(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ra, err := s.ppAssignment(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, ra)
	return nil
}

func (s *Server) ppApiReviewApps(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	items, err := s.ppReviewItems(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[ppReviewItem]{Items: items})
	return nil
}

func (s *Server) ppApiScores(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	scores, err := s.svc.Scores(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if scores == nil {
		scores = []gongzhi.Score{}
	}
	web.WriteJSON(w, http.StatusOK, ppScoresBody{Items: scores})
	return nil
}

// ppPoints reads one criterion's points from JSON: an integer of hundredths, or a string of points.
func ppPoints(v any) (gongzhi.Points, string) {
	switch x := v.(type) {
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1e12 {
			return 0, "points.format"
		}
		return gongzhi.Points(x), ""
	case string:
		return gongzhi.ParsePoints(x)
	}
	return 0, "points.format"
}

func (s *Server) ppApiScoreSubmit(w http.ResponseWriter, r *http.Request) error {
	var req ppScoreRequest
	id, err := s.DecodeAt(w, r, &req)
	if err != nil {
		return err
	}
	errs := gongzhi.FieldErrors{}
	pts := make([]gongzhi.Points, len(req.Criteria))
	for i, v := range req.Criteria {
		p, reason := ppPoints(v)
		if reason != "" {
			errs.Add("criteria."+strconv.Itoa(i), reason)
		}
		pts[i] = p
	}
	if err := errs.Err(); err != nil {
		return err
	}
	sc, err := s.svc.SubmitScores(r.Context(), web.ActorOf(r), id, pts, req.Comment)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, sc)
	return nil
}
