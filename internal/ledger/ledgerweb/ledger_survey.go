// Satisfaction sampling and residents' ratings in the pages and the API: the surveys of the
// street with the draw form, a survey's sample with answer entry and results (rate and 95%
// Wilson interval, overall and per community), the services a resident took part in with their
// rating (下评上), and the link from a resident's account to their person record, which
// community staff make.

package ledgerweb

import (
	"gongzhi/internal/ledger"
	"gongzhi/internal/web"
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
)

func surveyHref(id int64) string { return "/surveys/" + web.FmtInt(id) }

func (s *Server) surveyRoutes() {
	s.Handle("GET /surveys", web.Changed, s.surveyList)
	s.Handle("GET /surveys/new", web.Changed, s.surveyNew)
	s.Handle("POST /surveys/new", web.Changed, s.surveyDraw)
	s.Handle("GET /surveys/{id}", web.Changed, s.surveyPage)
	s.Handle("POST /surveys/{id}/answers", web.Changed, s.surveyAnswer)
	s.Handle("GET /my-services", web.Changed, s.myServices)
	s.Handle("POST /my-services/{id}/rating", web.Changed, s.myRate)
	s.Handle("GET /resident-links", web.Changed, s.residentLinkForm)
	s.Handle("POST /resident-links", web.Changed, s.residentLink)
	s.Api("GET /api/v1/surveys", s.surveyList)
	s.Api("POST /api/v1/surveys", s.surveyDraw)
	s.Api("GET /api/v1/surveys/{id}", s.surveyPage)
	s.Api("POST /api/v1/surveys/{id}/answers", s.surveyAnswer)
	s.Api("GET /api/v1/my-services", s.myServices)
	s.Api("POST /api/v1/my-services/{id}/rating", s.myRate)
	s.Api("POST /api/v1/resident-links", s.residentLink)
	s.Api("GET /api/v1/satisfaction", s.satisfactionAPI)
	s.Api("GET /api/v1/ledger/progress", s.progressAPI)
}

func rateText(r *gongzhi.Rate) string {
	if r == nil || r.Responses == 0 {
		return "—"
	}
	return gongzhi.FormatBP(r.RateBP) + "（95% CI " + gongzhi.FormatBP(r.LowBP) + " – " + gongzhi.FormatBP(r.HighBP) + "，n=" + strconv.Itoa(r.Responses) + "）"
}

func (s *Server) surveyList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, "contract")
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.Surveys))
	}
	lv := &web.ListView{Action: "/surveys", Q: opts.Q}
	total, err := s.svc.Surveys(r.Context(), ac, opts, func(x *gongzhi.Survey) error {
		lv.Rows = append(lv.Rows, []web.Cell{{Text: web.OffShowTime(x.CreatedAt), Href: surveyHref(x.ID)}, {Text: x.ContractTitle, Href: "/ledger/contracts/" + web.FmtInt(x.ContractID)},
			{Text: "±" + gongzhi.FormatBP(x.MarginBP)}, {Text: strconv.Itoa(x.Population), Class: "num"}, {Text: strconv.Itoa(x.Size), Class: "num"},
			{Text: strconv.Itoa(x.Answered) + " / " + strconv.Itoa(x.Size), Class: "num"}, {Text: strconv.FormatUint(x.Seed, 10)}, {Text: x.CreatedBy}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	web.PageLinks(r, lv, []web.ColDef{{Label: web.T(lang, "survey.created_at"), Sort: "created_at"}, {Label: web.T(lang, "ledger.contract"), Sort: ""}, {Label: web.T(lang, "survey.margin"), Sort: ""},
		{Label: web.T(lang, "survey.population"), Sort: ""}, {Label: web.T(lang, "survey.size"), Sort: "size"}, {Label: web.T(lang, "survey.answered"), Sort: ""}, {Label: web.T(lang, "survey.seed"), Sort: ""},
		{Label: web.T(lang, "ledger.created_by"), Sort: ""}}, opts.Limit)
	v := &surveysView{List: lv}
	if ledger.MayRunSurveys(ac) {
		fv, err := s.surveyDrawForm(r, &surveyReq{MarginBP: 500}, nil)
		if err != nil {
			return err
		}
		v.Draw = fv
	}
	s.Render(w, r, http.StatusOK, "ledger_surveys", &web.Page{Title: web.T(lang, "nav.surveys"), Active: "/surveys", Data: v})
	return nil
}

type surveysView struct {
	Draw *web.FormView
	List *web.ListView
}

type surveyReq struct {
	ContractID int64  `json:"contract_id"`
	MarginBP   int    `json:"margin_bp"`
	Seed       string `json:"seed"` // decimal; empty for a random one (recorded)
	Note       string `json:"note"`
}

func (s *Server) surveyForm(w http.ResponseWriter, r *http.Request, req *surveyReq, e *gongzhi.Error) error {
	lang := web.LangOf(r)
	if err := mustHub(web.ActorOf(r)); err != nil {
		return err
	}
	fv, err := s.surveyDrawForm(r, req, e)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if e != nil {
		status = http.StatusUnprocessableEntity
	}
	s.Render(w, r, status, "form", &web.Page{Title: web.T(lang, "survey.new"), Active: "/surveys", Data: fv, Error: e})
	return nil
}

// surveyDrawForm is the draw form: a contract, a margin of error, a seed, a note.
func (s *Server) surveyDrawForm(r *http.Request, req *surveyReq, e *gongzhi.Error) (*web.FormView, error) {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	contracts, err := s.svc.LedgerContracts(r.Context(), ac)
	if err != nil {
		return nil, err
	}
	var opts []web.Option
	for _, c := range contracts {
		opts = append(opts, web.Option{Value: web.FmtInt(c.ID), Label: c.Title + " · " + c.ProviderName})
	}
	errs := web.OffFieldErrs(lang, e)
	margins := []web.Option{{Value: "500", Label: "±5%"}, {Value: "1000", Label: "±10%"}, {Value: "300", Label: "±3%"}}
	fv := &web.FormView{Action: "/surveys/new", Cancel: "/surveys", Submit: web.T(lang, "survey.draw"), Intro: web.T(lang, "survey.formula")}
	fv.Fields = []web.Field{
		{Name: "contract_id", Label: web.T(lang, "ledger.contract"), Type: "select", Value: web.FmtInt(req.ContractID), Options: opts, Required: true, Error: errs["contract_id"]},
		{Name: "margin_bp", Label: web.T(lang, "survey.margin"), Type: "select", Value: strconv.Itoa(req.MarginBP), Options: margins, Required: true, Error: errs["margin_bp"]},
		{Name: "seed", Label: web.T(lang, "survey.seed"), Type: "text", Value: req.Seed, Error: errs["seed"], Help: web.T(lang, "survey.seed_help")},
		{Name: "note", Label: web.T(lang, "survey.note"), Type: "textarea", Value: req.Note, Error: errs["note"], Wide: true},
	}
	return fv, nil
}

func mustHub(ac *gongzhi.Actor) error {
	if !ledger.MayRunSurveys(ac) {
		return gongzhi.Forbidden()
	}
	return nil
}

func (s *Server) surveyNew(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.URL.Query().Get("contract"), 10, 64)
	return s.surveyForm(w, r, &surveyReq{ContractID: id, MarginBP: 500}, nil)
}

func (s *Server) surveyDraw(w http.ResponseWriter, r *http.Request) error {
	var req surveyReq
	if err := s.Decode(w, r, &req); err != nil {
		return err
	}
	var seed uint64
	var err error
	if strings.TrimSpace(req.Seed) != "" {
		seed, err = strconv.ParseUint(strings.TrimSpace(req.Seed), 10, 64)
		if err != nil || seed == 0 {
			err = gongzhi.Invalid("seed", "number")
		}
	}
	var sv *gongzhi.Survey
	if err == nil {
		sv, err = s.svc.DrawSurvey(r.Context(), web.ActorOf(r), req.ContractID, req.MarginBP, seed, req.Note)
	}
	if err != nil {
		if fe, ok := web.OffFormError(err); ok && !web.IsAPIPath(r) {
			return s.surveyForm(w, r, &req, fe)
		}
		return err
	}
	if web.IsAPIPath(r) {
		web.OffWriteSaved(w, true, "/api/v1/surveys/"+web.FmtInt(sv.ID), sv)
		return nil
	}
	return s.Redirect(w, r, surveyHref(sv.ID), web.T(web.LangOf(r), "survey.drawn"))
}

type surveyView struct {
	Survey   *gongzhi.Survey
	Margin   string
	Seed     string
	Overall  string
	Rows     []surveyRateRow
	Samples  []surveySampleRow
	Answer   string
	CanWrite bool
	Answers  []web.Option
	Scores   []web.Option
}

type surveyRateRow struct {
	Label, Rate, Interval string
	Responses             int
	Low, Width, Point     int // for the interval bar, 0–100
}

type surveySampleRow struct {
	PersonID                     int64
	Name, Place, Answer, Comment string
	Score                        string
	AnswerCode                   string
	Done                         bool
}

func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac, lang := web.ActorOf(r), web.LangOf(r)
	sv, err := s.svc.Survey(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, sv)
		return nil
	}
	v := &surveyView{Survey: sv, Margin: "±" + gongzhi.FormatBP(sv.MarginBP), Seed: strconv.FormatUint(sv.Seed, 10), Overall: rateText(sv.Overall),
		Answer: surveyHref(sv.ID) + "/answers", CanWrite: ledger.MayRunSurveys(ac),
		Answers: append([]web.Option{{Value: "", Label: "—"}}, web.EnumOptions(lang, "survey.answer", gongzhi.Answers, false)...)}
	v.Scores = []web.Option{{Value: "", Label: "—"}}
	for i := 1; i <= 5; i++ {
		v.Scores = append(v.Scores, web.Option{Value: strconv.Itoa(i), Label: strconv.Itoa(i)})
	}
	rows := append([]gongzhi.Rate{}, *sv.Overall)
	rows[0].Label = web.T(lang, "survey.overall")
	rows = append(rows, sv.ByCommunity...)
	for _, x := range rows {
		row := surveyRateRow{Label: x.Label, Responses: x.Responses, Rate: "—", Interval: "—"}
		if x.Responses > 0 {
			row.Rate = gongzhi.FormatBP(x.RateBP)
			row.Interval = gongzhi.FormatBP(x.LowBP) + " – " + gongzhi.FormatBP(x.HighBP)
			row.Low, row.Width, row.Point = x.LowBP/100, max((x.HighBP-x.LowBP)/100, 1), min(x.RateBP/100, 99)
		}
		v.Rows = append(v.Rows, row)
	}
	for _, x := range sv.Samples {
		row := surveySampleRow{PersonID: x.PersonID, Name: x.Name, Place: x.PlaceName, Comment: x.Comment, AnswerCode: x.Answer, Done: x.Answer != ""}
		if x.Answer != "" {
			row.Answer = web.T(lang, "survey.answer."+x.Answer)
		}
		if x.Score > 0 {
			row.Score = strconv.Itoa(x.Score)
		}
		v.Samples = append(v.Samples, row)
	}
	s.Render(w, r, http.StatusOK, "ledger_survey", &web.Page{Title: web.T(lang, "survey.title") + " · " + sv.ContractTitle, Active: "/surveys", Data: v})
	return nil
}

type answerReq struct {
	PersonID int64  `json:"person_id"`
	Answer   string `json:"answer"`
	Score    int    `json:"score"`
	Comment  string `json:"comment"`
}

func (s *Server) surveyAnswer(w http.ResponseWriter, r *http.Request) error {
	var req answerReq
	id, err := s.DecodeAt(w, r, &req)
	if err != nil {
		return err
	}
	x := &gongzhi.SurveySample{SurveyID: id, PersonID: req.PersonID, Answer: req.Answer, Score: req.Score, Comment: req.Comment}
	if err := s.svc.AnswerSample(r.Context(), web.ActorOf(r), x); err != nil {
		if fe, ok := web.OffFormError(err); ok && !web.IsAPIPath(r) {
			return s.Redirect(w, r, surveyHref(id), web.OffErrText(web.LangOf(r), fe))
		}
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, x)
		return nil
	}
	return s.Redirect(w, r, surveyHref(id)+"#p"+web.FmtInt(req.PersonID), web.T(web.LangOf(r), "saved"))
}

// ---- residents

type myServicesView struct {
	Items  []myServiceRow
	Scores []web.Option
}

type myServiceRow struct {
	gongzhi.MyService
	KindLabel string
	Action    string
	Stars     string
}

func (s *Server) myServices(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	items, err := s.svc.MyServices(r.Context(), ac)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.MyService]{Items: items})
		return nil
	}
	v := &myServicesView{}
	for i := 5; i >= 1; i-- {
		v.Scores = append(v.Scores, web.Option{Value: strconv.Itoa(i), Label: strings.Repeat("★", i) + strings.Repeat("☆", 5-i)})
	}
	for _, it := range items {
		row := myServiceRow{MyService: it, KindLabel: web.T(lang, "ledger.kind."+it.Kind), Action: "/my-services/" + web.FmtInt(it.EntryID) + "/rating"}
		if it.Rating != nil {
			row.Stars = strings.Repeat("★", it.Rating.Score) + strings.Repeat("☆", 5-it.Rating.Score)
		}
		v.Items = append(v.Items, row)
	}
	s.Render(w, r, http.StatusOK, "ledger_my_services", &web.Page{Title: web.T(lang, "nav.my_services"), Active: "/my-services", Data: v})
	return nil
}

type rateReq struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

func (s *Server) myRate(w http.ResponseWriter, r *http.Request) error {
	var req rateReq
	id, err := s.DecodeAt(w, r, &req)
	if err != nil {
		return err
	}
	rt := &gongzhi.ServiceRating{EntryID: id, Score: req.Score, Comment: req.Comment}
	if err := s.svc.RateService(r.Context(), web.ActorOf(r), rt); err != nil {
		if fe, ok := web.OffFormError(err); ok && !web.IsAPIPath(r) {
			return s.Redirect(w, r, "/my-services", web.OffErrText(web.LangOf(r), fe))
		}
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusCreated, rt)
		return nil
	}
	return s.Redirect(w, r, "/my-services", web.T(web.LangOf(r), "rating.thanks"))
}

type linkReq struct {
	Username string `json:"username"`
	UserID   int64  `json:"user_id"`
	PersonID int64  `json:"person_id"`
}

func (s *Server) residentLinkForm(w http.ResponseWriter, r *http.Request) error {
	return s.residentLinkRender(w, r, &linkReq{}, nil)
}

func (s *Server) residentLinkRender(w http.ResponseWriter, r *http.Request, req *linkReq, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !ledger.MayLinkResidents(ac) {
		return gongzhi.Forbidden()
	}
	errs := web.OffFieldErrs(lang, e)
	person := ""
	if req.PersonID != 0 {
		person = web.FmtInt(req.PersonID)
	}
	fv := &web.FormView{Action: "/resident-links", Cancel: "/ledger", Submit: web.T(lang, "action.save"), Intro: web.T(lang, "resident.link_intro")}
	fv.Fields = []web.Field{
		{Name: "username", Label: web.T(lang, "resident.username"), Type: "text", Value: req.Username, Required: true, Error: errs["username"] + errs["role"] + errs["user_id"]},
		{Name: "person_id", Label: web.T(lang, "resident.person_id"), Type: "number", Value: person, Error: errs["person_id"], Help: web.T(lang, "resident.person_help")},
	}
	status := http.StatusOK
	if e != nil {
		status = http.StatusUnprocessableEntity
	}
	s.Render(w, r, status, "form", &web.Page{Title: web.T(lang, "resident.link"), Active: "/ledger", Data: fv, Error: e})
	return nil
}

func (s *Server) residentLink(w http.ResponseWriter, r *http.Request) error {
	var req linkReq
	if err := s.Decode(w, r, &req); err != nil {
		return err
	}
	ac := web.ActorOf(r)
	err := func() error {
		if req.UserID == 0 {
			if strings.TrimSpace(req.Username) == "" {
				return gongzhi.Invalid("username", "required")
			}
			id, err := s.svc.ResidentAccountID(r.Context(), ac, strings.TrimSpace(req.Username))
			if err != nil {
				if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
					return gongzhi.Invalid("username", "resident.no_account")
				}
				return err
			}
			req.UserID = id
		}
		return s.svc.LinkResidentAccount(r.Context(), ac, req.UserID, req.PersonID)
	}()
	if err != nil {
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND && !web.IsAPIPath(r) {
			err = gongzhi.Invalid("person_id", "resident.not_found")
		}
		if fe, ok := web.OffFormError(err); ok && !web.IsAPIPath(r) {
			return s.residentLinkRender(w, r, &req, fe)
		}
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, map[string]int64{"user_id": req.UserID, "person_id": req.PersonID})
		return nil
	}
	return s.Redirect(w, r, "/ledger", web.T(web.LangOf(r), "saved"))
}

// ---- figures for dashboards

func (s *Server) satisfactionAPI(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pts, err := s.svc.SatisfactionTrend(r.Context(), web.ActorOf(r), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.SatisfactionPoint]{Items: pts})
	return nil
}

func (s *Server) progressAPI(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.URL.Query().Get("fiscal_year"))
	if err != nil {
		return gongzhi.Invalid("fiscal_year", "number")
	}
	ps, err := s.svc.ProgressInScope(r.Context(), web.ActorOf(r), year)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.IndicatorProgress]{Items: ps})
	return nil
}
