// Evaluation pages and API (评估, docs/domain.md §7): the list of rounds (with the signed
// contracts still to evaluate), starting a round with its panel, a round's page (panel, scoring
// progress, result, finalize and publish), the score sheet (a member's own, or the secretary's
// transcription of a member without an account), the printable report, each call's scheme
// editor, and the published results for everyone under /public/evaluations. Every action has its
// JSON twin under /api/v1.

package evaluationweb

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/evaluation"
	"gongzhi/internal/web"
)

func (s *Server) evaluationRoutes() {
	s.Handle("GET /evaluations", web.Changed, s.evList)
	s.Handle("GET /evaluations/new", web.Changed, s.evNew)
	s.Handle("POST /evaluations/new", web.Changed, s.evCreate)
	s.Handle("GET /evaluations/{id}", web.Changed, s.evDetail)
	// /evaluations/{id}/score, /report, /finalize, /publish: one pattern each way, because
	// /evaluations/schemes/{id} would otherwise overlap /evaluations/{id}/score.
	s.Handle("GET /evaluations/{id}/{page}", web.Changed, s.evSub(map[string]web.Handler{"score": s.evScorePage, "report": s.evReport}))
	s.Handle("POST /evaluations/{id}/{page}", web.Changed, s.evSub(map[string]web.Handler{"score": s.evScore, "finalize": s.evFinalize, "publish": s.evPublish}))
	s.Handle("GET /evaluations/schemes/{id}", web.Changed, s.evSchemePage)
	s.Handle("POST /evaluations/schemes/{id}", web.Changed, s.evSchemeSave)
	s.Handle("GET /public/evaluations", web.Public, s.evPublicList)
	s.Handle("GET /public/evaluations/{id}", web.Public, s.evPublicDetail)

	s.Api("GET /api/v1/evaluations", s.evApiList)
	s.Api("POST /api/v1/evaluations", s.evApiCreate)
	s.Api("GET /api/v1/evaluations/mid-term-due", s.evApiDue)
	s.Api("GET /api/v1/evaluations/{id}", s.evApiGet)
	s.Api("POST /api/v1/evaluations/{id}/sheets", s.evApiSheet)
	s.Api("POST /api/v1/evaluations/{id}/finalize", s.evApiFinalize)
	s.Api("POST /api/v1/evaluations/{id}/publish", s.evApiPublish)
	s.Api("GET /api/v1/evaluation-schemes/{id}", s.evApiScheme)
	s.Api("PUT /api/v1/evaluation-schemes/{id}", s.evApiSchemeSave)
	s.ApiPublic("GET /api/v1/public/evaluations", s.evApiPublicList)
	s.ApiPublic("GET /api/v1/public/evaluations/{id}", s.evApiPublicGet)
}

// ---- API

type evSheetRequest struct {
	MemberID int64            `json:"member_id"` // 0: the caller's own seat; else a member without an account (secretary)
	Scores   []gongzhi.Points `json:"scores"`    // hundredths of a point, one per sub-indicator in the scheme's order
	Comments []string         `json:"comments"`
}

type evFinalizeRequest struct {
	Grade     string `json:"grade"` // empty: the computed grade
	GradeNote string `json:"grade_note"`
	Strengths string `json:"strengths"`
	Problems  string `json:"problems"`
}

func evaluationAPIDocs() map[string]web.ApiDoc {
	filters := []string{"contract", "call", "org", "round", "state", "grade", "member"}
	return map[string]web.ApiDoc{
		"GET /api/v1/evaluations": {Summary: "List evaluation rounds: staff those of their place, a provider its own once finalized, a panel member the rounds it sits on (member=me: only those)",
			Resp: gongzhi.Evaluation{}, List: true, Filters: filters},
		"POST /api/v1/evaluations": {Summary: "Start a mid-term or final round of a signed contract with its panel (purchaser, hub): members are accounts (user_id or username) or named members without an account",
			Req: gongzhi.Evaluation{}, Resp: gongzhi.Evaluation{}, Status: http.StatusCreated},
		"GET /api/v1/evaluations/mid-term-due": {Summary: "Signed contracts past their mid-term date without a mid-term round (purchaser, hub, auditor)", Resp: web.ItemsOf[gongzhi.Contract]{}},
		"GET /api/v1/evaluations/{id}":         {Summary: "A round: scheme, panel and sheets (staff), own sheet (member), result once finalized (provider)", Resp: gongzhi.Evaluation{}},
		"POST /api/v1/evaluations/{id}/sheets": {Summary: "Hand in a score sheet once: the caller's own, or (purchaser, hub) a member without an account; 409 eval.already_scored the second time",
			Req: evSheetRequest{}, Resp: gongzhi.EvalMember{}, Status: http.StatusCreated},
		"POST /api/v1/evaluations/{id}/finalize": {Summary: "Finalize the result once every sheet is in (purchaser): computed total, grade (or another with a note), strengths and problems; again until published",
			Req: evFinalizeRequest{}, Resp: gongzhi.Evaluation{}},
		"POST /api/v1/evaluations/{id}/publish": {Summary: "Publish a finalized result (purchaser); refused with personal data in the text. A final 不合格 bars the provider; a final 优秀 gives bonus points in calls opened within a year",
			Resp: gongzhi.Evaluation{}},
		"GET /api/v1/evaluation-schemes/{id}": {Summary: "A call's evaluation scheme (id is the call's): dimensions, sub-indicators, weights, evidence, thresholds, ineligibility months, bonus, panel rule", Resp: gongzhi.EvalScheme{}},
		"PUT /api/v1/evaluation-schemes/{id}": {Summary: "Replace a call's evaluation scheme (purchaser) until its first evaluation starts", Req: gongzhi.EvalScheme{}, Resp: gongzhi.EvalScheme{}},
		"GET /api/v1/public/evaluations":      {Summary: "Published evaluation results (no account needed)", Public: true, List: true, Resp: gongzhi.Evaluation{}, Filters: []string{"round", "grade"}},
		"GET /api/v1/public/evaluations/{id}": {Summary: "A published evaluation result with dimension and sub-indicator scores, without members (no account needed)", Public: true, Resp: gongzhi.Evaluation{}},
	}
}

func (s *Server) evApiList(w http.ResponseWriter, r *http.Request) error {
	opts, pg := web.ListOptions(r, "contract", "call", "org", "round", "state", "grade", "member")
	return web.WriteList(w, opts, pg, web.ListOf(r.Context(), web.ActorOf(r), s.svc.Evaluations))
}

func (s *Server) evApiCreate(w http.ResponseWriter, r *http.Request) error {
	var e gongzhi.Evaluation
	if err := s.Decode(w, r, &e); err != nil {
		return err
	}
	if err := s.svc.StartEvaluation(r.Context(), web.ActorOf(r), &e); err != nil {
		return err
	}
	return s.evApiWrite(w, r, http.StatusCreated, e.ID)
}

func (s *Server) evApiWrite(w http.ResponseWriter, r *http.Request, status int, id int64) error {
	e, err := s.svc.Evaluation(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, status, e)
	return nil
}

func (s *Server) evApiGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.evApiWrite(w, r, http.StatusOK, id)
}

func (s *Server) evApiDue(w http.ResponseWriter, r *http.Request) error {
	cts, err := s.svc.MidTermDue(r.Context(), web.ActorOf(r))
	if err != nil {
		return err
	}
	if cts == nil {
		cts = []*gongzhi.Contract{}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": cts})
	return nil
}

func (s *Server) evApiSheet(w http.ResponseWriter, r *http.Request) error {
	var req evSheetRequest
	id, err := s.DecodeAt(w, r, &req)
	if err != nil {
		return err
	}
	m, err := s.svc.SubmitEvalSheet(r.Context(), web.ActorOf(r), id, req.MemberID, req.Scores, req.Comments)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) evApiFinalize(w http.ResponseWriter, r *http.Request) error {
	var req evFinalizeRequest
	id, err := s.DecodeAt(w, r, &req)
	if err != nil {
		return err
	}
	if _, err := s.svc.FinalizeEvaluation(r.Context(), web.ActorOf(r), id, gongzhi.Evaluation{Grade: req.Grade, GradeNote: req.GradeNote,
		Strengths: req.Strengths, Problems: req.Problems}); err != nil {
		return err
	}
	return s.evApiWrite(w, r, http.StatusOK, id)
}

func (s *Server) evApiPublish(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if _, err := s.svc.PublishEvaluation(r.Context(), web.ActorOf(r), id); err != nil {
		return err
	}
	return s.evApiWrite(w, r, http.StatusOK, id)
}

func (s *Server) evApiScheme(w http.ResponseWriter, r *http.Request) error {
	return web.GetJSON(w, r, s.svc.EvalScheme)
}

func (s *Server) evApiSchemeSave(w http.ResponseWriter, r *http.Request) error {
	var sc gongzhi.EvalScheme
	id, err := s.DecodeAt(w, r, &sc)
	if err != nil {
		return err
	}
	sc.CallID = id
	if err := s.svc.SaveEvalScheme(r.Context(), web.ActorOf(r), &sc); err != nil {
		return err
	}
	return s.evApiScheme(w, r)
}

func (s *Server) evApiPublicList(w http.ResponseWriter, r *http.Request) error {
	opts, pg := web.ListOptions(r, "round", "grade")
	return web.WriteList(w, opts, pg, func(o gongzhi.ListOptions, each func(*gongzhi.Evaluation) error) (int, error) {
		return s.svc.PublicEvaluations(r.Context(), o, each)
	})
}

func (s *Server) evApiPublicGet(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	e, err := s.svc.PublicEvaluation(r.Context(), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, e)
	return nil
}

// ---- helpers

// evSub dispatches /evaluations/{id}/{page} to the handler of the page; other pages are not found.
func (s *Server) evSub(pages map[string]web.Handler) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		h, ok := pages[r.PathValue("page")]
		if !ok {
			return gongzhi.NotFound()
		}
		return h(w, r)
	}
}

func evRound(lang, r string) string   { return web.T(lang, "eval.round."+r) }
func evState(lang, st string) string  { return web.T(lang, "eval.state."+st) }
func evKind(lang, k string) string    { return web.T(lang, "eval.kind."+k) }
func evGradeOf(lang, g string) string { return web.T(lang, "eval.grade."+g) }

func evMayStart(ac *gongzhi.Actor) bool { return evaluation.MayStartEvaluation(ac) }

// evErrors turns an error's field reasons into lines "field: reason" for an error box.
func evErrors(lang string, e *gongzhi.Error) []string {
	if e == nil {
		return nil
	}
	var out []string
	for k, v := range e.Fields {
		out = append(out, evFieldLabel(lang, k)+"："+web.T(lang, web.OffLocalReason(lang, v)))
	}
	sortStrings(out)
	return out
}

// evFieldLabel names a field of an evaluation form: "dimensions.2.indicators.0.max" is "维度 3 ·
// 指标 1 · 满分".
func evFieldLabel(lang, key string) string {
	parts := strings.Split(key, ".")
	var out []string
	for i := 0; i < len(parts); i++ {
		p := parts[i]
		if i+1 < len(parts) {
			if n, err := strconv.Atoi(parts[i+1]); err == nil {
				out = append(out, web.T(lang, "eval.f."+p+":"+strconv.Itoa(n+1)))
				i++
				continue
			}
		}
		if kind, ok := strings.CutPrefix(p, "kind_"); ok {
			out = append(out, web.T(lang, "eval.kind."+kind))
		} else if web.PpHas("eval.f." + p + "_all") {
			out = append(out, web.T(lang, "eval.f."+p+"_all"))
		} else if web.PpHas("eval.f." + p) {
			out = append(out, web.T(lang, "eval.f."+p))
		} else {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

func sortStrings(xs []string) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// evPct is a score's share of its maximum in percent (0–100) for bars.
func evPct(p, mx gongzhi.Points) int {
	if mx <= 0 {
		return 0
	}
	return int(min(100, max(0, p*100/mx)))
}

// ---- the list

type evListPage struct {
	List      web.ListView
	Contracts []evContractRow
	Schemes   []web.Option // call id → title
	Due       bool
	MayStart  bool // the caller may start a round (the auditor reads only)
	// MoreContracts: more signed contracts than the evContractsShown listed (the contracts list
	// has them all)
	MoreContracts bool
}

type evContractRow struct {
	ID                  int64
	Title, Org, MidDate string
	HasMid, HasFinal    bool
	MidDue              bool
}

func (s *Server) evList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ctx := r.Context()
	opts, pg := web.ListOptions(r, "round", "state", "grade", "member", "contract")
	d := &evListPage{List: web.ListView{Page: pg, Action: "/evaluations", Q: opts.Q}, MayStart: evMayStart(ac)}
	total, err := s.svc.Evaluations(ctx, ac, opts, func(e *gongzhi.Evaluation) error {
		grade := "—"
		if e.State != gongzhi.EvalScoring && (e.Grade != "") {
			grade = evGradeOf(lang, e.Grade) + " · " + e.Total.String()
		}
		d.List.Rows = append(d.List.Rows, []web.Cell{
			{Text: e.ContractTitle, Href: "/evaluations/" + web.FmtInt(e.ID)},
			{Text: e.OrgName}, {Text: evRound(lang, e.Round)}, {Text: evState(lang, e.State)}, {Text: grade},
			{Text: web.OffShowDate(e.CreatedAt)},
		})
		return nil
	})
	if err != nil {
		return err
	}
	d.List.Total = total
	d.List.Filters = []web.Field{
		{Name: "round", Label: web.T(lang, "eval.round"), Type: "select", Value: opts.Filters["round"], Options: evOptions(lang, "eval.round.", gongzhi.EvalRounds)},
		{Name: "state", Label: web.T(lang, "eval.state"), Type: "select", Value: opts.Filters["state"],
			Options: evOptions(lang, "eval.state.", []string{gongzhi.EvalScoring, gongzhi.EvalFinalized, gongzhi.EvalPublished})},
		{Name: "grade", Label: web.T(lang, "eval.grade"), Type: "select", Value: opts.Filters["grade"], Options: evOptions(lang, "eval.grade.", gongzhi.EvalGrades)},
	}
	web.PageLinks(r, &d.List, []web.ColDef{{Label: web.T(lang, "eval.contract"), Sort: ""}, {Label: web.T(lang, "eval.provider"), Sort: ""}, {Label: web.T(lang, "eval.round"), Sort: ""},
		{Label: web.T(lang, "eval.state"), Sort: ""}, {Label: web.T(lang, "eval.grade"), Sort: ""}, {Label: web.T(lang, "eval.started"), Sort: "created_at"}}, opts.Limit)
	if evaluation.MayReadEvaluations(ac) {
		if err := s.evContracts(ctx, ac, d, r.URL.Query().Get("due") == "mid"); err != nil {
			return err
		}
	}
	s.Render(w, r, http.StatusOK, "evaluation_list", &web.Page{Title: web.T(lang, "nav.evaluations"), Active: "/evaluations", Data: d})
	return nil
}

func evOptions(lang, prefix string, codes []string) []web.Option {
	out := []web.Option{{Value: "", Label: web.T(lang, "eval.all")}}
	for _, c := range codes {
		out = append(out, web.Option{Value: c, Label: web.T(lang, prefix+c)})
	}
	return out
}

// evContractsShown is how many signed contracts the evaluations page lists (the most recent);
// the contracts list has them all.
const evContractsShown = 100

// evContracts fills the most recent signed contracts of the place (evContractsShown of them;
// with ?due=mid those past their mid-term date without a mid-term round) with their rounds, and
// the calls of those contracts, whose schemes staff may open. The terms and rounds of the shown
// contracts are read in a few queries, not per contract.
func (s *Server) evContracts(ctx context.Context, ac *gongzhi.Actor, d *evListPage, dueOnly bool) error {
	f := map[string]string{"state": gongzhi.ContractSigned}
	var due []*gongzhi.Contract
	if dueOnly {
		var err error
		if due, err = s.svc.MidTermDue(ctx, ac); err != nil {
			return err
		}
	}
	var cts []*gongzhi.Contract
	if dueOnly {
		cts = due[:min(len(due), evContractsShown)]
		d.MoreContracts = len(due) > len(cts)
	} else {
		n, err := s.svc.Contracts(ctx, ac, gongzhi.ListOptions{Filters: f, Limit: evContractsShown}, func(ct *gongzhi.Contract) error {
			cts = append(cts, ct)
			return nil
		})
		if err != nil {
			return err
		}
		d.MoreContracts = n > len(cts)
	}
	ids := make([]int64, len(cts))
	for i, ct := range cts {
		ids[i] = ct.ID
	}
	dates, rounds, err := s.svc.MidTermDates(ctx, ac, ids)
	if err != nil {
		return err
	}
	today := s.svc.Today()
	calls := map[int64]bool{}
	for _, ct := range cts {
		if !calls[ct.CallID] {
			calls[ct.CallID] = true
			d.Schemes = append(d.Schemes, web.Option{Value: web.FmtInt(ct.CallID), Label: ct.CallTitle})
		}
		mid := dates[ct.ID]
		d.Contracts = append(d.Contracts, evContractRow{ID: ct.ID, Title: ct.Title, Org: ct.ProviderName, MidDate: mid,
			HasMid: rounds[ct.ID][gongzhi.RoundMid], HasFinal: rounds[ct.ID][gongzhi.RoundFinal],
			MidDue: mid != "" && mid <= today && !rounds[ct.ID][gongzhi.RoundMid]})
	}
	d.Due = dueOnly
	return nil
}

// ---- starting a round

type evNewPage struct {
	Contract *gongzhi.Contract
	Scheme   *gongzhi.EvalScheme
	Round    string
	Rounds   []web.Option
	Kinds    []web.Option
	Rows     []evNewRow
	Errors   []string
	Rule     string
}

type evNewRow struct {
	I, N int
	M    gongzhi.EvalMember
}

func (s *Server) evNew(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	id, _ := strconv.ParseInt(q.Get("contract"), 10, 64)
	rows := make([]gongzhi.EvalMember, 6)
	rows[0].Kind, rows[1].Kind, rows[2].Kind = gongzhi.MemberExpert, gongzhi.MemberResident, gongzhi.MemberOfficial
	return s.evRenderNew(w, r, id, q.Get("round"), rows, nil)
}

func (s *Server) evRenderNew(w http.ResponseWriter, r *http.Request, contractID int64, round string, rows []gongzhi.EvalMember, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !evMayStart(ac) {
		return gongzhi.Forbidden()
	}
	ct, err := s.svc.Contract(r.Context(), ac, contractID)
	if err != nil {
		return err
	}
	sc, err := s.svc.EvalScheme(r.Context(), ac, ct.CallID)
	if err != nil {
		return err
	}
	if round != gongzhi.RoundMid && round != gongzhi.RoundFinal {
		round = gongzhi.RoundMid
	}
	d := &evNewPage{Contract: ct, Scheme: sc, Round: round, Errors: evErrors(lang, e),
		Rounds: evOptions(lang, "eval.round.", gongzhi.EvalRounds)[1:], Kinds: evOptions(lang, "eval.kind.", gongzhi.MemberKinds)[1:]}
	for i, m := range rows {
		d.Rows = append(d.Rows, evNewRow{I: i, N: i + 1, M: m})
	}
	var need []string
	for _, k := range gongzhi.MemberKinds {
		if n := sc.Panel.Kinds[k]; n > 0 {
			need = append(need, evKind(lang, k)+" ≥ "+strconv.Itoa(n))
		}
	}
	d.Rule = web.TN(lang, "eval.panel_rule", sc.Panel.MinMembers, strings.Join(need, "，"))
	status := http.StatusOK
	if e != nil {
		status = web.PpStatusFor(e)
	}
	s.Render(w, r, status, "evaluation_new", &web.Page{Title: web.T(lang, "eval.new_title"), Active: "/evaluations", Data: d, Error: e})
	return nil
}

func (s *Server) evCreate(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if err := r.ParseForm(); err != nil {
		return gongzhi.Invalid("form", "bad_text")
	}
	id, _ := strconv.ParseInt(r.PostFormValue("contract"), 10, 64)
	e := &gongzhi.Evaluation{ContractID: id, Round: r.PostFormValue("round")}
	var rows []gongzhi.EvalMember
	for i := 0; i < 30; i++ {
		k := strconv.Itoa(i)
		if _, ok := r.PostForm["kind_"+k]; !ok {
			break
		}
		m := gongzhi.EvalMember{Kind: r.PostFormValue("kind_" + k), Username: strings.TrimSpace(r.PostFormValue("username_" + k)),
			Name: strings.TrimSpace(r.PostFormValue("name_" + k)), Affiliation: strings.TrimSpace(r.PostFormValue("affiliation_" + k))}
		rows = append(rows, m)
		if m.Username != "" || m.Name != "" {
			e.Members = append(e.Members, m)
		}
	}
	err := s.svc.StartEvaluation(r.Context(), ac, e)
	if ge, ok := web.PpFieldErr(err); ok {
		return s.evRenderNew(w, r, id, e.Round, rows, ge)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/evaluations/"+web.FmtInt(e.ID), web.T(lang, "eval.started_flash"))
}

// ---- a round

type evDetailPage struct {
	E         *gongzhi.Evaluation
	Rows      []web.Kv
	Members   []evMemberRow
	Staff     bool
	Result    *evResultView
	ScoreURL  string // the caller's own sheet to hand in
	Finalize  bool
	Publish   bool
	Grades    []web.Option
	Errors    []string
	Form      evFinalizeRequest
	ReportURL string
}

type evMemberRow struct {
	Name, Kind, Account, Status, Total, Entered, Action, ActionURL string
}

type evResultView struct {
	Dimensions []evBar
	Indicators []evBar
	Total      string
	Grade      string
	GradeCode  string
	Rule       string
	Computed   string
}

type evBar struct {
	Dimension string
	Name      string
	Evidence  string
	Score     string
	Max       string
	Pct       int
}

func evResult(lang string, e *gongzhi.Evaluation) *evResultView {
	res := e.Result
	if res == nil || e.State == gongzhi.EvalScoring && res.Sheets == 0 {
		return nil // no total nor grade before a sheet is in
	}
	v := &evResultView{Total: res.Total.String(), Grade: evGradeOf(lang, res.Grade), GradeCode: res.Grade,
		Rule: web.T(lang, "eval.rule."+res.Rule)}
	if e.State != gongzhi.EvalScoring {
		v.Total, v.Grade, v.GradeCode = e.Total.String(), evGradeOf(lang, e.Grade), e.Grade
		if e.Grade != res.Grade {
			v.Computed = web.OffTr(lang, "eval.computed", res.Total.String(), evGradeOf(lang, res.Grade))
		}
	}
	for _, d := range res.Dimensions {
		v.Dimensions = append(v.Dimensions, evBar{Name: d.Name, Score: d.Score.String(), Max: d.Max.String(), Pct: evPct(d.Score, d.Max)})
	}
	for _, in := range res.Indicators {
		dn := ""
		if in.Dimension < len(e.Scheme.Dimensions) {
			dn = e.Scheme.Dimensions[in.Dimension].Name
		}
		v.Indicators = append(v.Indicators, evBar{Dimension: dn, Name: in.Name, Evidence: in.Evidence, Score: in.Score.String(),
			Max: in.Max.String(), Pct: evPct(in.Score, in.Max)})
	}
	return v
}

func (s *Server) evDetail(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.evRenderDetail(w, r, id, nil, nil)
}

func (s *Server) evRenderDetail(w http.ResponseWriter, r *http.Request, id int64, form *evFinalizeRequest, ge *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	e, err := s.svc.Evaluation(r.Context(), ac, id)
	if err != nil {
		return err
	}
	staff := e.Result != nil && e.Members != nil && !evIsMemberOnly(ac, e)
	d := &evDetailPage{E: e, Staff: staff, Errors: evErrors(lang, ge), ReportURL: "/evaluations/" + web.FmtInt(id) + "/report"}
	d.Rows = []web.Kv{
		{Label: web.T(lang, "eval.contract"), Value: e.ContractTitle},
		{Label: web.T(lang, "eval.provider"), Value: e.OrgName},
		{Label: web.T(lang, "eval.call"), Value: e.CallTitle},
		{Label: web.T(lang, "eval.round"), Value: evRound(lang, e.Round)},
		{Label: web.T(lang, "eval.state"), Value: evState(lang, e.State)},
		{Label: web.T(lang, "eval.started"), Value: web.OffShowDate(e.CreatedAt)},
	}
	if staff {
		d.Rows = append(d.Rows, web.Kv{Label: web.T(lang, "eval.scheme"), Value: web.T(lang, "eval.scheme_view"), Href: "/evaluations/schemes/" + web.FmtInt(e.CallID)})
	}
	if !e.PublishedAt.IsZero() {
		d.Rows = append(d.Rows, web.Kv{Label: web.T(lang, "eval.published"), Value: web.OffShowDate(e.PublishedAt), Href: "/public/evaluations/" + web.FmtInt(e.ID)})
	}
	if e.BarredUntil != "" {
		d.Rows = append(d.Rows, web.Kv{Label: web.T(lang, "eval.barred_until"), Value: e.BarredUntil})
	}
	if e.Bonus > 0 {
		d.Rows = append(d.Rows, web.Kv{Label: web.T(lang, "eval.bonus"), Value: "+" + e.Bonus.String()})
	}
	mayTranscribe := staff && e.State == gongzhi.EvalScoring && evMayStart(ac)
	allIn := true
	for _, m := range e.Members {
		row := evMemberRow{Name: m.Name, Kind: evKind(lang, m.Kind), Account: web.T(lang, "eval.named"), Status: web.T(lang, "eval.not_scored")}
		if m.Affiliation != "" {
			row.Name += "（" + m.Affiliation + "）"
		}
		if m.UserID != 0 {
			row.Account = web.T(lang, "eval.account")
		}
		if m.Scored() {
			row.Status = web.OffTr(lang, "eval.scored_at", web.OffShowDate(m.ScoredAt))
			if m.Scores != nil {
				row.Total = m.Total.String()
			}
			if m.EnteredBy != "" {
				row.Entered = web.OffTr(lang, "eval.entered_by", m.EnteredBy)
			}
		} else {
			allIn = false
		}
		if !m.Scored() && e.State == gongzhi.EvalScoring {
			switch {
			case m.UserID != 0 && ac.User != nil && m.UserID == ac.User.ID:
				row.Action, row.ActionURL = web.T(lang, "eval.do.score"), "/evaluations/"+web.FmtInt(id)+"/score"
				d.ScoreURL = row.ActionURL
			case m.UserID == 0 && mayTranscribe:
				row.Action, row.ActionURL = web.T(lang, "eval.do.transcribe"), "/evaluations/"+web.FmtInt(id)+"/score?member="+web.FmtInt(m.ID)
			}
		}
		d.Members = append(d.Members, row)
	}
	d.Result = evResult(lang, e)
	buyer := evaluation.MayGrade(ac) && staff
	d.Finalize = buyer && allIn && (e.State == gongzhi.EvalScoring || e.State == gongzhi.EvalFinalized)
	d.Publish = buyer && e.State == gongzhi.EvalFinalized
	d.Grades = append([]web.Option{{Value: "", Label: web.T(lang, "eval.grade_computed")}}, evOptions(lang, "eval.grade.", gongzhi.EvalGrades)[1:]...)
	d.Form = evFinalizeRequest{Grade: "", GradeNote: e.GradeNote, Strengths: e.Strengths, Problems: e.Problems}
	if e.State == gongzhi.EvalFinalized && e.Result != nil && e.Grade != e.Result.Grade {
		d.Form.Grade = e.Grade
	}
	if form != nil {
		d.Form = *form
	}
	status := http.StatusOK
	if ge != nil {
		status = web.PpStatusFor(ge)
	}
	title := e.ContractTitle + " · " + evRound(lang, e.Round)
	s.Render(w, r, status, "evaluation_detail", &web.Page{Title: title, Active: "/evaluations", Data: d, Error: ge})
	return nil
}

// evIsMemberOnly reports whether the caller sees the round only as a panel member.
func evIsMemberOnly(ac *gongzhi.Actor, e *gongzhi.Evaluation) bool {
	if ac == nil || ac.User == nil || ac.IsSystem() {
		return false
	}
	return !evaluation.MayOverseeEvaluation(ac, e)
}

// evFormID reads the id in the path of a form post and parses the form; EINVALID (form:
// bad_text) for a form that cannot be read.
func evFormID(r *http.Request) (int64, error) {
	id, err := web.PathID(r)
	if err != nil {
		return 0, err
	}
	if err := r.ParseForm(); err != nil {
		return 0, gongzhi.Invalid("form", "bad_text")
	}
	return id, nil
}

func (s *Server) evFinalize(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := evFormID(r)
	if err != nil {
		return err
	}
	req := evFinalizeRequest{Grade: r.PostFormValue("grade"), GradeNote: r.PostFormValue("grade_note"),
		Strengths: r.PostFormValue("strengths"), Problems: r.PostFormValue("problems")}
	_, err = s.svc.FinalizeEvaluation(r.Context(), ac, id, gongzhi.Evaluation{Grade: req.Grade, GradeNote: req.GradeNote,
		Strengths: req.Strengths, Problems: req.Problems})
	if ge, ok := web.PpFieldErr(err); ok {
		return s.evRenderDetail(w, r, id, &req, ge)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/evaluations/"+web.FmtInt(id), web.T(lang, "eval.finalized_flash"))
}

func (s *Server) evPublish(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	_, err = s.svc.PublishEvaluation(r.Context(), ac, id)
	if ge, ok := web.PpFieldErr(err); ok {
		return s.evRenderDetail(w, r, id, nil, ge)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/evaluations/"+web.FmtInt(id), web.T(lang, "eval.published_flash"))
}

// ---- the score sheet

type evScorePage struct {
	E        *gongzhi.Evaluation
	Member   string
	MemberID int64
	Rows     []evSheetRow
	Errors   []string
	Action   string
}

type evSheetRow struct {
	Index                       int
	Dimension, Name, Evidence   string
	Max                         int
	First                       bool // first sub-indicator of its dimension
	Weight                      int
	Span                        int
	Score, Comment, Error, Help string
}

func (s *Server) evScorePage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	member, _ := strconv.ParseInt(r.URL.Query().Get("member"), 10, 64)
	return s.evRenderScore(w, r, id, member, nil, nil, nil)
}

func (s *Server) evRenderScore(w http.ResponseWriter, r *http.Request, id, member int64, typed, comments []string, ge *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	e, err := s.svc.Evaluation(r.Context(), ac, id)
	if err != nil {
		return err
	}
	d := &evScorePage{E: e, MemberID: member, Action: "/evaluations/" + web.FmtInt(id) + "/score"}
	found := false
	for _, m := range e.Members {
		if member == 0 && ac.User != nil && m.UserID == ac.User.ID || member != 0 && m.ID == member {
			d.Member, found = m.Name+" · "+evKind(lang, m.Kind), true
		}
	}
	if !found {
		return gongzhi.NotFound()
	}
	errs := web.OffFieldErrs(lang, ge)
	k := 0
	for _, dim := range e.Scheme.Dimensions {
		for j, in := range dim.Indicators {
			row := evSheetRow{Index: k, Dimension: dim.Name, Name: in.Name, Evidence: in.Evidence, Max: in.Max, First: j == 0,
				Weight: dim.Weight, Span: len(dim.Indicators), Error: errs["scores."+strconv.Itoa(k)]}
			if k < len(typed) {
				row.Score = typed[k]
			}
			if k < len(comments) {
				row.Comment = comments[k]
			}
			d.Rows = append(d.Rows, row)
			k++
		}
	}
	if ge != nil {
		d.Errors = evErrors(lang, ge)
	}
	status := http.StatusOK
	if ge != nil {
		status = web.PpStatusFor(ge)
	}
	s.Render(w, r, status, "evaluation_score", &web.Page{Title: web.T(lang, "eval.sheet_title"), Active: "/evaluations", Data: d, Error: ge})
	return nil
}

func (s *Server) evScore(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := evFormID(r)
	if err != nil {
		return err
	}
	member, _ := strconv.ParseInt(r.PostFormValue("member"), 10, 64)
	var typed, comments []string
	var scores []gongzhi.Points
	f := gongzhi.FieldErrors{}
	for i := 0; i < 200; i++ {
		k := strconv.Itoa(i)
		v, ok := r.PostForm["score_"+k]
		if !ok {
			break
		}
		typed = append(typed, strings.TrimSpace(v[0]))
		comments = append(comments, r.PostFormValue("comment_"+k))
		p, reason := gongzhi.ParsePoints(v[0])
		if strings.TrimSpace(v[0]) == "" {
			reason = "required"
		}
		if reason != "" {
			f.Add("scores."+k, reason)
		}
		scores = append(scores, p)
	}
	err = f.Err()
	if err == nil {
		_, err = s.svc.SubmitEvalSheet(r.Context(), ac, id, member, scores, comments)
	}
	if ge, ok := web.PpFieldErr(err); ok {
		return s.evRenderScore(w, r, id, member, typed, comments, ge)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/evaluations/"+web.FmtInt(id), web.T(lang, "eval.sheet_flash"))
}

// ---- the report (printable), also the public result page

type evReportPage struct {
	E       *gongzhi.Evaluation
	Rows    []web.Kv
	Result  *evResultView
	Public  bool
	Members []evMemberRow
	Back    string
}

func (s *Server) evReport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	e, err := s.svc.Evaluation(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if e.Result == nil || e.State == gongzhi.EvalScoring && (evIsMemberOnly(ac, e) || e.Result.Sheets == 0) {
		return gongzhi.NotFound()
	}
	if evIsMemberOnly(ac, e) {
		e.Members = nil // members see their own sheet only, on the round's page
	}
	return s.evRenderReport(w, r, e, false, "/evaluations/"+web.FmtInt(id), lang)
}

func (s *Server) evRenderReport(w http.ResponseWriter, r *http.Request, e *gongzhi.Evaluation, public bool, back, lang string) error {
	d := &evReportPage{E: e, Public: public, Result: evResult(lang, e), Back: back}
	d.Rows = []web.Kv{
		{Label: web.T(lang, "eval.contract"), Value: e.ContractTitle},
		{Label: web.T(lang, "eval.provider"), Value: e.OrgName},
		{Label: web.T(lang, "eval.call"), Value: e.CallTitle},
		{Label: web.T(lang, "eval.round"), Value: evRound(lang, e.Round)},
	}
	if !e.PublishedAt.IsZero() {
		d.Rows = append(d.Rows, web.Kv{Label: web.T(lang, "eval.published"), Value: web.OffShowDate(e.PublishedAt)})
	} else if !e.FinalizedAt.IsZero() {
		d.Rows = append(d.Rows, web.Kv{Label: web.T(lang, "eval.finalized"), Value: web.OffShowDate(e.FinalizedAt)})
	}
	if !public {
		for _, m := range e.Members {
			d.Members = append(d.Members, evMemberRow{Name: m.Name, Kind: evKind(lang, m.Kind), Total: m.Total.String()})
		}
	}
	title := web.T(lang, "eval.report_title") + " · " + e.OrgName
	active := "/evaluations"
	if public {
		active = "/public"
	}
	s.Render(w, r, http.StatusOK, "evaluation_report", &web.Page{Title: title, Active: active, Data: d})
	return nil
}

// ---- the scheme editor

type evSchemePage struct {
	Call     *gongzhi.Call
	Scheme   *gongzhi.EvalScheme
	Rows     []evSchemeRow
	Edit     bool
	Errors   []string
	Form     map[string]string
	Kinds    []evKindCount
	Weights  []evBar
	Action   string
	Locked   bool
	TotalMax int
}

type evSchemeRow struct {
	Index                     int
	Dimension, Name, Evidence string
	Max                       string
}

type evKindCount struct {
	Code, Label, Value string
}

func (s *Server) evSchemePage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	return s.evRenderScheme(w, r, id, nil, nil, nil)
}

func (s *Server) evRenderScheme(w http.ResponseWriter, r *http.Request, callID int64, typed []evSchemeRow, form map[string]string, ge *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	sc, err := s.svc.EvalScheme(r.Context(), ac, callID)
	if err != nil {
		return err
	}
	c, err := s.svc.Call(r.Context(), ac, callID)
	if err != nil {
		return err
	}
	d := &evSchemePage{Call: c, Scheme: sc, Edit: evaluation.MayGrade(ac) && !sc.Locked, Locked: sc.Locked, Errors: evErrors(lang, ge),
		Action: "/evaluations/schemes/" + web.FmtInt(callID)}
	if typed != nil {
		d.Rows = typed
	} else {
		for _, dim := range sc.Dimensions {
			for _, in := range dim.Indicators {
				d.Rows = append(d.Rows, evSchemeRow{Dimension: dim.Name, Name: in.Name, Evidence: in.Evidence, Max: strconv.Itoa(in.Max)})
			}
		}
	}
	if d.Edit {
		for range 4 {
			d.Rows = append(d.Rows, evSchemeRow{})
		}
	}
	for i := range d.Rows {
		d.Rows[i].Index = i
	}
	for _, dim := range sc.Dimensions {
		d.Weights = append(d.Weights, evBar{Name: dim.Name, Score: strconv.Itoa(dim.Weight), Pct: dim.Weight})
		d.TotalMax += dim.Weight
	}
	d.Form = map[string]string{"excellent": sc.Excellent.String(), "good": sc.Good.String(), "pass": sc.Pass.String(),
		"bar_months": strconv.Itoa(sc.BarMonths), "bonus": sc.Bonus.String(), "min_members": strconv.Itoa(sc.Panel.MinMembers)}
	for k, v := range form {
		d.Form[k] = v
	}
	for _, k := range gongzhi.MemberKinds {
		v := strconv.Itoa(sc.Panel.Kinds[k])
		if fv, ok := form["kind_"+k]; ok {
			v = fv
		}
		d.Kinds = append(d.Kinds, evKindCount{Code: k, Label: evKind(lang, k), Value: v})
	}
	status := http.StatusOK
	if ge != nil {
		status = web.PpStatusFor(ge)
	}
	s.Render(w, r, status, "evaluation_scheme", &web.Page{Title: web.T(lang, "eval.scheme_title") + " · " + c.Title, Active: "/evaluations", Data: d, Error: ge})
	return nil
}

func (s *Server) evSchemeSave(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	id, err := evFormID(r)
	if err != nil {
		return err
	}
	sc := gongzhi.EvalScheme{CallID: id, Panel: gongzhi.PanelRule{Kinds: map[string]int{}}}
	f := gongzhi.FieldErrors{}
	var rows []evSchemeRow
	index := map[string]int{}
	for i := 0; i < 200; i++ {
		k := strconv.Itoa(i)
		if _, ok := r.PostForm["dim_"+k]; !ok {
			break
		}
		row := evSchemeRow{Dimension: strings.TrimSpace(r.PostFormValue("dim_" + k)), Name: strings.TrimSpace(r.PostFormValue("ind_" + k)),
			Evidence: strings.TrimSpace(r.PostFormValue("evid_" + k)), Max: strings.TrimSpace(r.PostFormValue("max_" + k))}
		rows = append(rows, row)
		if row.Dimension == "" && row.Name == "" && row.Evidence == "" && row.Max == "" {
			continue
		}
		max, err := strconv.Atoi(row.Max)
		if err != nil {
			f.Add("rows."+k+".max", "number")
		}
		di, ok := index[row.Dimension]
		if !ok {
			di = len(sc.Dimensions)
			index[row.Dimension] = di
			sc.Dimensions = append(sc.Dimensions, gongzhi.EvalDimension{Name: row.Dimension})
		}
		sc.Dimensions[di].Indicators = append(sc.Dimensions[di].Indicators, gongzhi.EvalIndicator{Name: row.Name, Max: max, Evidence: row.Evidence})
		sc.Dimensions[di].Weight += max
	}
	form := map[string]string{}
	points := func(name string) gongzhi.Points {
		v := strings.TrimSpace(r.PostFormValue(name))
		form[name] = v
		p, reason := gongzhi.ParsePoints(v)
		if reason != "" {
			f.Add(name, reason)
		}
		return p
	}
	ints := func(name string) int {
		v := strings.TrimSpace(r.PostFormValue(name))
		form[name] = v
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Add(name, "number")
		}
		return n
	}
	sc.Excellent, sc.Good, sc.Pass, sc.Bonus = points("excellent"), points("good"), points("pass"), points("bonus")
	sc.BarMonths, sc.Panel.MinMembers = ints("bar_months"), ints("min_members")
	for _, k := range gongzhi.MemberKinds {
		if strings.TrimSpace(r.PostFormValue("kind_"+k)) == "" {
			continue // none required
		}
		if n := ints("kind_" + k); n > 0 {
			sc.Panel.Kinds[k] = n
		}
	}
	err = f.Err()
	if err == nil {
		err = s.svc.SaveEvalScheme(r.Context(), ac, &sc)
	}
	if ge, ok := web.PpFieldErr(err); ok {
		return s.evRenderScheme(w, r, id, rows, form, ge)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/evaluations/schemes/"+web.FmtInt(id), web.T(lang, "eval.scheme_saved"))
}

// ---- public

func (s *Server) evPublicList(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	opts, pg := web.ListOptions(r, "round", "grade")
	lv := web.ListView{Page: pg, Action: "/public/evaluations", Q: opts.Q}
	total, err := s.svc.PublicEvaluations(r.Context(), opts, func(e *gongzhi.Evaluation) error {
		lv.Rows = append(lv.Rows, []web.Cell{
			{Text: e.ContractTitle, Href: "/public/evaluations/" + web.FmtInt(e.ID)},
			{Text: e.OrgName}, {Text: evRound(lang, e.Round)}, {Text: e.Total.String(), Class: "num"},
			{Text: evGradeOf(lang, e.Grade)}, {Text: web.OffShowDate(e.PublishedAt)},
		})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total = total
	lv.Filters = []web.Field{
		{Name: "round", Label: web.T(lang, "eval.round"), Type: "select", Value: opts.Filters["round"], Options: evOptions(lang, "eval.round.", gongzhi.EvalRounds)},
		{Name: "grade", Label: web.T(lang, "eval.grade"), Type: "select", Value: opts.Filters["grade"], Options: evOptions(lang, "eval.grade.", gongzhi.EvalGrades)},
	}
	lv.Note = web.T(lang, "eval.public_intro")
	web.PageLinks(r, &lv, []web.ColDef{{Label: web.T(lang, "eval.project"), Sort: ""}, {Label: web.T(lang, "eval.provider"), Sort: ""}, {Label: web.T(lang, "eval.round"), Sort: ""},
		{Label: web.T(lang, "eval.total"), Sort: "total"}, {Label: web.T(lang, "eval.grade"), Sort: ""}, {Label: web.T(lang, "eval.published"), Sort: "published_at"}}, opts.Limit)
	s.Render(w, r, http.StatusOK, "list", &web.Page{Title: web.T(lang, "eval.public_title"), Active: "/public", Data: &lv})
	return nil
}

func (s *Server) evPublicDetail(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	e, err := s.svc.PublicEvaluation(r.Context(), id)
	if err != nil {
		return err
	}
	return s.evRenderReport(w, r, e, true, "/public/evaluations", web.LangOf(r))
}

func init() {
	web.AddAPIDocs(evaluationAPIDocs())
}
