// Satisfaction sampling and residents' ratings in the pages and the API: the surveys of the
// street with the draw form, a survey's sample with answer entry and results (rate and 95%
// Wilson interval, overall and per community), the services a resident took part in with their
// rating (下评上), and the link from a resident's account to their person record, which
// community staff make.
package web

import (
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
)

func surveyHref(id int64) string { return "/surveys/" + fmtInt(id) }

func (s *Server) surveyRoutes() {
	s.handle("GET /surveys", changed, s.surveyList)
	s.handle("GET /surveys/new", changed, s.surveyNew)
	s.handle("POST /surveys/new", changed, s.surveyDraw)
	s.handle("GET /surveys/{id}", changed, s.surveyPage)
	s.handle("POST /surveys/{id}/answers", changed, s.surveyAnswer)
	s.handle("GET /my-services", changed, s.myServices)
	s.handle("POST /my-services/{id}/rating", changed, s.myRate)
	s.handle("GET /resident-links", changed, s.residentLinkForm)
	s.handle("POST /resident-links", changed, s.residentLink)
	s.api("GET /api/v1/surveys", s.surveyList)
	s.api("POST /api/v1/surveys", s.surveyDraw)
	s.api("GET /api/v1/surveys/{id}", s.surveyPage)
	s.api("POST /api/v1/surveys/{id}/answers", s.surveyAnswer)
	s.api("GET /api/v1/my-services", s.myServices)
	s.api("POST /api/v1/my-services/{id}/rating", s.myRate)
	s.api("POST /api/v1/resident-links", s.residentLink)
	s.api("GET /api/v1/satisfaction", s.satisfactionAPI)
	s.api("GET /api/v1/ledger/progress", s.progressAPI)
}

func rateText(r *gongzhi.Rate) string {
	if r == nil || r.Responses == 0 {
		return "—"
	}
	return gongzhi.FormatBP(r.RateBP) + "（95% CI " + gongzhi.FormatBP(r.LowBP) + " – " + gongzhi.FormatBP(r.HighBP) + "，n=" + strconv.Itoa(r.Responses) + "）"
}

func (s *Server) surveyList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	opts, pg := listOptions(r, "contract")
	if isAPIPath(r) {
		return writeList(w, opts, pg, listOf(r.Context(), ac, s.app.Surveys))
	}
	lv := &listView{Action: "/surveys", Q: opts.Q}
	total, err := s.app.Surveys(r.Context(), ac, opts, func(x *gongzhi.Survey) error {
		lv.Rows = append(lv.Rows, []cell{{Text: offShowTime(x.CreatedAt), Href: surveyHref(x.ID)}, {Text: x.ContractTitle, Href: "/ledger/contracts/" + fmtInt(x.ContractID)},
			{Text: "±" + gongzhi.FormatBP(x.MarginBP)}, {Text: strconv.Itoa(x.Population), Class: "num"}, {Text: strconv.Itoa(x.Size), Class: "num"},
			{Text: strconv.Itoa(x.Answered) + " / " + strconv.Itoa(x.Size), Class: "num"}, {Text: strconv.FormatUint(x.Seed, 10)}, {Text: x.CreatedBy}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	pageLinks(r, lv, []colDef{{T(lang, "survey.created_at"), "created_at"}, {T(lang, "ledger.contract"), ""}, {T(lang, "survey.margin"), ""},
		{T(lang, "survey.population"), ""}, {T(lang, "survey.size"), "size"}, {T(lang, "survey.answered"), ""}, {T(lang, "survey.seed"), ""},
		{T(lang, "ledger.created_by"), ""}}, opts.Limit)
	v := &surveysView{List: lv}
	if ac.Has(gongzhi.RoleHub, gongzhi.RolePurchaser) {
		fv, err := s.surveyDrawForm(r, &surveyReq{MarginBP: 500}, nil)
		if err != nil {
			return err
		}
		v.Draw = fv
	}
	s.render(w, r, http.StatusOK, "ledger_surveys", &page{Title: T(lang, "nav.surveys"), Active: "/surveys", Data: v})
	return nil
}

type surveysView struct {
	Draw *formView
	List *listView
}

type surveyReq struct {
	ContractID int64  `json:"contract_id"`
	MarginBP   int    `json:"margin_bp"`
	Seed       string `json:"seed"` // decimal; empty for a random one (recorded)
	Note       string `json:"note"`
}

func (s *Server) surveyForm(w http.ResponseWriter, r *http.Request, req *surveyReq, e *gongzhi.Error) error {
	lang := langOf(r)
	if err := mustHub(actorOf(r)); err != nil {
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
	s.render(w, r, status, "form", &page{Title: T(lang, "survey.new"), Active: "/surveys", Data: fv, Error: e})
	return nil
}

// surveyDrawForm is the draw form: a contract, a margin of error, a seed, a note.
func (s *Server) surveyDrawForm(r *http.Request, req *surveyReq, e *gongzhi.Error) (*formView, error) {
	ac, lang := actorOf(r), langOf(r)
	contracts, err := s.app.LedgerContracts(r.Context(), ac)
	if err != nil {
		return nil, err
	}
	var opts []option
	for _, c := range contracts {
		opts = append(opts, option{fmtInt(c.ID), c.Title + " · " + c.ProviderName})
	}
	errs := offFieldErrs(lang, e)
	margins := []option{{"500", "±5%"}, {"1000", "±10%"}, {"300", "±3%"}}
	fv := &formView{Action: "/surveys/new", Cancel: "/surveys", Submit: T(lang, "survey.draw"), Intro: T(lang, "survey.formula")}
	fv.Fields = []field{
		{Name: "contract_id", Label: T(lang, "ledger.contract"), Type: "select", Value: fmtInt(req.ContractID), Options: opts, Required: true, Error: errs["contract_id"]},
		{Name: "margin_bp", Label: T(lang, "survey.margin"), Type: "select", Value: strconv.Itoa(req.MarginBP), Options: margins, Required: true, Error: errs["margin_bp"]},
		{Name: "seed", Label: T(lang, "survey.seed"), Type: "text", Value: req.Seed, Error: errs["seed"], Help: T(lang, "survey.seed_help")},
		{Name: "note", Label: T(lang, "survey.note"), Type: "textarea", Value: req.Note, Error: errs["note"], Wide: true},
	}
	return fv, nil
}

func mustHub(ac *gongzhi.Actor) error {
	if !ac.Has(gongzhi.RoleHub, gongzhi.RolePurchaser) {
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
	if err := s.decode(w, r, &req); err != nil {
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
		sv, err = s.app.DrawSurvey(r.Context(), actorOf(r), req.ContractID, req.MarginBP, seed, req.Note)
	}
	if err != nil {
		if fe, ok := offFormError(err); ok && !isAPIPath(r) {
			return s.surveyForm(w, r, &req, fe)
		}
		return err
	}
	if isAPIPath(r) {
		offWriteSaved(w, true, "/api/v1/surveys/"+fmtInt(sv.ID), sv)
		return nil
	}
	return s.redirect(w, r, surveyHref(sv.ID), T(langOf(r), "survey.drawn"))
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
	Answers  []option
	Scores   []option
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
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ac, lang := actorOf(r), langOf(r)
	sv, err := s.app.Survey(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, sv)
		return nil
	}
	v := &surveyView{Survey: sv, Margin: "±" + gongzhi.FormatBP(sv.MarginBP), Seed: strconv.FormatUint(sv.Seed, 10), Overall: rateText(sv.Overall),
		Answer: surveyHref(sv.ID) + "/answers", CanWrite: ac.Has(gongzhi.RoleHub, gongzhi.RolePurchaser),
		Answers: append([]option{{"", "—"}}, enumOptions(lang, "survey.answer", gongzhi.Answers, false)...)}
	v.Scores = []option{{"", "—"}}
	for i := 1; i <= 5; i++ {
		v.Scores = append(v.Scores, option{strconv.Itoa(i), strconv.Itoa(i)})
	}
	rows := append([]gongzhi.Rate{}, *sv.Overall)
	rows[0].Label = T(lang, "survey.overall")
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
			row.Answer = T(lang, "survey.answer."+x.Answer)
		}
		if x.Score > 0 {
			row.Score = strconv.Itoa(x.Score)
		}
		v.Samples = append(v.Samples, row)
	}
	s.render(w, r, http.StatusOK, "ledger_survey", &page{Title: T(lang, "survey.title") + " · " + sv.ContractTitle, Active: "/surveys", Data: v})
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
	id, err := s.decodeAt(w, r, &req)
	if err != nil {
		return err
	}
	x := &gongzhi.SurveySample{SurveyID: id, PersonID: req.PersonID, Answer: req.Answer, Score: req.Score, Comment: req.Comment}
	if err := s.app.AnswerSample(r.Context(), actorOf(r), x); err != nil {
		if fe, ok := offFormError(err); ok && !isAPIPath(r) {
			return s.redirect(w, r, surveyHref(id), offErrText(langOf(r), fe))
		}
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, x)
		return nil
	}
	return s.redirect(w, r, surveyHref(id)+"#p"+fmtInt(req.PersonID), T(langOf(r), "saved"))
}

// ---- residents

type myServicesView struct {
	Items  []myServiceRow
	Scores []option
}

type myServiceRow struct {
	gongzhi.MyService
	KindLabel string
	Action    string
	Stars     string
}

func (s *Server) myServices(w http.ResponseWriter, r *http.Request) error {
	ac, lang := actorOf(r), langOf(r)
	items, err := s.app.MyServices(r.Context(), ac)
	if err != nil {
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, itemsOf[gongzhi.MyService]{Items: items})
		return nil
	}
	v := &myServicesView{}
	for i := 5; i >= 1; i-- {
		v.Scores = append(v.Scores, option{strconv.Itoa(i), strings.Repeat("★", i) + strings.Repeat("☆", 5-i)})
	}
	for _, it := range items {
		row := myServiceRow{MyService: it, KindLabel: T(lang, "ledger.kind."+it.Kind), Action: "/my-services/" + fmtInt(it.EntryID) + "/rating"}
		if it.Rating != nil {
			row.Stars = strings.Repeat("★", it.Rating.Score) + strings.Repeat("☆", 5-it.Rating.Score)
		}
		v.Items = append(v.Items, row)
	}
	s.render(w, r, http.StatusOK, "ledger_my_services", &page{Title: T(lang, "nav.my_services"), Active: "/my-services", Data: v})
	return nil
}

type rateReq struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

func (s *Server) myRate(w http.ResponseWriter, r *http.Request) error {
	var req rateReq
	id, err := s.decodeAt(w, r, &req)
	if err != nil {
		return err
	}
	rt := &gongzhi.ServiceRating{EntryID: id, Score: req.Score, Comment: req.Comment}
	if err := s.app.RateService(r.Context(), actorOf(r), rt); err != nil {
		if fe, ok := offFormError(err); ok && !isAPIPath(r) {
			return s.redirect(w, r, "/my-services", offErrText(langOf(r), fe))
		}
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusCreated, rt)
		return nil
	}
	return s.redirect(w, r, "/my-services", T(langOf(r), "rating.thanks"))
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
	ac, lang := actorOf(r), langOf(r)
	if !ac.Has(gongzhi.RoleCommunity, gongzhi.RoleSysAdmin) {
		return gongzhi.Forbidden()
	}
	errs := offFieldErrs(lang, e)
	person := ""
	if req.PersonID != 0 {
		person = fmtInt(req.PersonID)
	}
	fv := &formView{Action: "/resident-links", Cancel: "/ledger", Submit: T(lang, "action.save"), Intro: T(lang, "resident.link_intro")}
	fv.Fields = []field{
		{Name: "username", Label: T(lang, "resident.username"), Type: "text", Value: req.Username, Required: true, Error: errs["username"] + errs["role"] + errs["user_id"]},
		{Name: "person_id", Label: T(lang, "resident.person_id"), Type: "number", Value: person, Error: errs["person_id"], Help: T(lang, "resident.person_help")},
	}
	status := http.StatusOK
	if e != nil {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "form", &page{Title: T(lang, "resident.link"), Active: "/ledger", Data: fv, Error: e})
	return nil
}

func (s *Server) residentLink(w http.ResponseWriter, r *http.Request) error {
	var req linkReq
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	ac := actorOf(r)
	err := func() error {
		if req.UserID == 0 {
			if strings.TrimSpace(req.Username) == "" {
				return gongzhi.Invalid("username", "required")
			}
			id, err := s.app.ResidentAccountID(r.Context(), ac, strings.TrimSpace(req.Username))
			if err != nil {
				if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
					return gongzhi.Invalid("username", "resident.no_account")
				}
				return err
			}
			req.UserID = id
		}
		return s.app.LinkResidentAccount(r.Context(), ac, req.UserID, req.PersonID)
	}()
	if err != nil {
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND && !isAPIPath(r) {
			err = gongzhi.Invalid("person_id", "resident.not_found")
		}
		if fe, ok := offFormError(err); ok && !isAPIPath(r) {
			return s.residentLinkRender(w, r, &req, fe)
		}
		return err
	}
	if isAPIPath(r) {
		writeJSON(w, http.StatusOK, map[string]int64{"user_id": req.UserID, "person_id": req.PersonID})
		return nil
	}
	return s.redirect(w, r, "/ledger", T(langOf(r), "saved"))
}

// ---- figures for dashboards

func (s *Server) satisfactionAPI(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pts, err := s.app.SatisfactionTrend(r.Context(), actorOf(r), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, itemsOf[gongzhi.SatisfactionPoint]{Items: pts})
	return nil
}

func (s *Server) progressAPI(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.URL.Query().Get("fiscal_year"))
	if err != nil {
		return gongzhi.Invalid("fiscal_year", "number")
	}
	ps, err := s.app.ProgressInScope(r.Context(), actorOf(r), year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, itemsOf[gongzhi.IndicatorProgress]{Items: ps})
	return nil
}
