// Votes and decisions: the routes, the API documentation and the handlers. The same handlers
// answer the pages and the JSON API.

package votesweb

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/votes"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

func (s *Server) routes() {
	s.Handle("GET /votes", web.Changed, s.home)
	s.Handle("POST /votes", web.Changed, s.create)
	s.Handle("GET /votes/{id}", web.Changed, s.vote)
	s.Handle("POST /votes/{id}/open", web.Changed, s.open)
	s.Handle("POST /votes/{id}/ballots", web.Changed, s.cast)
	s.Handle("POST /votes/{id}/paper", web.Changed, s.paper)
	s.Handle("POST /votes/{id}/witness", web.Changed, s.witness)
	s.Handle("GET /votes/{id}/voters", web.Changed, s.voters)
	s.Handle("GET /votes/{id}/result.xlsx", web.Changed, s.export)
	s.Handle("GET /public/votes/{id}", web.Public, s.public)
	s.Handle("GET /public/votes/{id}/notice", web.Public, s.notice)
	s.Handle("GET /public/decisions/{id}", web.Public, s.publicDecision)
	s.Handle("GET /decisions/{id}", web.Changed, s.decision)
	s.Handle("POST /decisions/{id}/tasks", web.Changed, s.addTask)
	s.Handle("POST /decisions/{id}/tasks/{task}/done", web.Changed, s.finishTask)
	s.Handle("POST /decisions/{id}/complete", web.Changed, s.complete)
	s.Handle("POST /decisions/{id}/review", web.Changed, s.review)
	s.Handle("POST /decisions/{id}/rate", web.Changed, s.rate)
	s.Handle("POST /decisions/{id}/need", web.Changed, s.need)

	s.Api("GET /api/v1/votes", s.apiVotes)
	s.Api("POST /api/v1/votes", s.create)
	s.Api("GET /api/v1/votes/{id}", s.vote)
	s.Api("POST /api/v1/votes/{id}/open", s.open)
	s.Api("POST /api/v1/votes/{id}/ballots", s.cast)
	s.Api("POST /api/v1/votes/{id}/paper", s.paper)
	s.Api("GET /api/v1/votes/{id}/pending", s.apiPending)
	s.Api("POST /api/v1/votes/{id}/witness", s.witness)
	s.Api("GET /api/v1/votes/{id}/voters", s.voters)
	s.ApiPublic("GET /api/v1/public/votes/{id}", s.public)
	s.ApiPublic("GET /api/v1/public/votes/{id}/trackers/{tracker}", s.apiTracker)
	s.ApiPublic("GET /api/v1/public/decisions/{id}", s.publicDecision)
	s.Api("GET /api/v1/decisions", s.apiDecisions)
	s.Api("GET /api/v1/decisions/{id}", s.decision)
	s.Api("POST /api/v1/decisions/{id}/tasks", s.addTask)
	s.Api("POST /api/v1/decisions/{id}/tasks/{task}/done", s.finishTask)
	s.Api("POST /api/v1/decisions/{id}/complete", s.complete)
	s.Api("POST /api/v1/decisions/{id}/review", s.review)
	s.Api("POST /api/v1/decisions/{id}/rate", s.rate)
	s.Api("POST /api/v1/decisions/{id}/need", s.need)
}

// API bodies.
type voteRequest struct {
	Title         string        `json:"title"`
	Body          string        `json:"body"`
	TopicID       int64         `json:"topic_id"`
	Electorate    string        `json:"electorate"`
	BodyID        int64         `json:"body_id"`
	MeetingID     int64         `json:"meeting_id"`
	BallotKind    string        `json:"ballot_kind"`
	MaxChoices    int           `json:"max_choices"`
	Budget        gongzhi.Money `json:"budget"` // fen
	Options       []optionReq   `json:"options"`
	OpensAt       time.Time     `json:"opens_at"`
	ClosesAt      time.Time     `json:"closes_at"`
	QuorumPct     int           `json:"quorum_pct"`
	Threshold     string        `json:"threshold"`
	ThresholdBase string        `json:"threshold_base"`
	Secret        bool          `json:"secret"`
	Proxies       bool          `json:"proxies"`
	OwnerBodyID   int64         `json:"owner_body_id"`
}

type optionReq struct {
	Label string        `json:"label"`
	Cost  gongzhi.Money `json:"cost"` // fen
}

// voteForm is the page's form of a vote: times in China time, options one a line ("label" or
// "label | cost in yuan").
type voteForm struct {
	Title         string `json:"title"`
	Body          string `json:"body"`
	TopicID       int64  `json:"topic_id"`
	Electorate    string `json:"electorate"`
	BodyID        int64  `json:"body_id"`
	MeetingID     int64  `json:"meeting_id"`
	BallotKind    string `json:"ballot_kind"`
	MaxChoices    int    `json:"max_choices"`
	Budget        string `json:"budget"`
	Options       string `json:"options"`
	OpensAt       string `json:"opens_at"`
	ClosesAt      string `json:"closes_at"`
	QuorumPct     int    `json:"quorum_pct"`
	Threshold     string `json:"threshold"`
	ThresholdBase string `json:"threshold_base"`
	Secret        bool   `json:"secret"`
	Proxies       bool   `json:"proxies"`
	OwnerBodyID   int64  `json:"owner_body_id"`
}

type castRequest struct {
	Choice []int `json:"choice"` // option positions, from 1
}

type castForm struct {
	Choice []string `json:"choice"`
}

type paperForm struct {
	PersonID      int64    `json:"person_id"`
	ProxyPersonID int64    `json:"proxy_person_id"`
	Choice        []string `json:"choice"`
}

type witnessRequest struct {
	Voter string `json:"voter"` // p<person> or h<household>, as the pending list names it
}

type taskRequest struct {
	Title string `json:"title"`
	DueOn string `json:"due_on"`
}

type noteRequest struct {
	Note string `json:"note"`
}

type reviewRequest struct {
	Accept bool   `json:"accept"`
	Note   string `json:"note"`
}

type rateRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

type pendingItem struct {
	Voter     string    `json:"voter"`
	PersonID  int64     `json:"person_id"`
	Person    string    `json:"person"`
	Channel   string    `json:"channel"`
	Choice    []int     `json:"choice"`
	EnteredBy string    `json:"entered_by"`
	CastAt    time.Time `json:"cast_at"`
}

func apiDocs() map[string]web.ApiDoc {
	return map[string]web.ApiDoc{
		"GET /api/v1/votes": {Summary: "Votes: staff of their place, the supervision committee, residents of their community (query state)",
			Resp: web.ItemsOf[gongzhi.Vote]{}, Filters: []string{"state"}},
		"POST /api/v1/votes": {Summary: "Create a draft vote of the staff member's community: electorate, ballot kind, options (a budget's with their costs in fen), " +
			"times, quorum (percent of the electorate), threshold and its base, open or secret ballot, proxies", Req: voteRequest{}, Resp: gongzhi.Vote{}, Status: http.StatusCreated},
		"GET /api/v1/votes/{id}":       {Summary: "A vote with its rules; once closed its counts, quorum and result", Resp: gongzhi.Vote{}},
		"POST /api/v1/votes/{id}/open": {Summary: "Open a draft vote, once: its electorate is fixed from the registry and its rules freeze (the database refuses any change of them)", Resp: gongzhi.Vote{}},
		"POST /api/v1/votes/{id}/ballots": {Summary: "Cast one's ballot online (resident in the electorate), once by any channel; answers the tracker (secret ballot) or pseudonym, shown once",
			Req: castRequest{}, Resp: gongzhi.CastReceipt{}, Status: http.StatusCreated},
		"POST /api/v1/votes/{id}/paper": {Summary: "Enter a paper (or proxy) ballot at a meeting (staff); it counts once another staff account witnesses it",
			Req: votes.PaperBallot{}, Status: http.StatusCreated},
		"GET /api/v1/votes/{id}/pending": {Summary: "Paper ballots awaiting a witness, with their choices to compare with the paper (staff)", Resp: web.ItemsOf[pendingItem]{}},
		"POST /api/v1/votes/{id}/witness": {Summary: "Witness a paper ballot another staff account entered: it counts and goes on the public ledger, once; answers the tracker for the voter's slip",
			Req: witnessRequest{}, Resp: gongzhi.CastReceipt{}},
		"GET /api/v1/votes/{id}/voters": {Summary: "Who voted, by which channel, never what they chose (supervision committee, staff)", Resp: web.ItemsOf[gongzhi.VoterEntry]{}},
		"GET /api/v1/public/votes/{id}": {Summary: "A vote that has opened: rules, turnout and, once closed, its result (anyone)", Resp: gongzhi.Vote{}, Public: true},
		"GET /api/v1/public/votes/{id}/trackers/{tracker}": {Summary: "Whether the vote counted a tracker (or an open ballot's pseudonym), with its choice and ledger record (anyone)",
			Resp: votes.TrackerCheck{}, Public: true},
		"GET /api/v1/decisions": {Summary: "Decisions passed votes became, with progress (query need: the decision a need came from)", Resp: web.ItemsOf[gongzhi.Decision]{},
			Filters: []string{"need"}},
		"GET /api/v1/public/decisions/{id}":             {Summary: "A decision's public page: owner body, tasks, progress, review and rating (anyone)", Resp: gongzhi.Decision{}, Public: true},
		"GET /api/v1/decisions/{id}":                    {Summary: "A decision with its tasks, progress, review and ratings", Resp: gongzhi.Decision{}},
		"POST /api/v1/decisions/{id}/tasks":             {Summary: "Add a task with its deadline to a decision in progress (staff)", Req: taskRequest{}, Resp: gongzhi.Decision{}, Status: http.StatusCreated},
		"POST /api/v1/decisions/{id}/tasks/{task}/done": {Summary: "Record a task done today, once (staff)", Req: noteRequest{}, Resp: gongzhi.Decision{}},
		"POST /api/v1/decisions/{id}/complete":          {Summary: "Report a decision completed when all its tasks are done (staff)", Resp: gongzhi.Decision{}},
		"POST /api/v1/decisions/{id}/review":            {Summary: "The supervision committee's review of a completed decision: accepted, or back in progress with a note", Req: reviewRequest{}, Resp: gongzhi.Decision{}},
		"POST /api/v1/decisions/{id}/rate":              {Summary: "Rate a decision of one's community, once, 1–5 (resident)", Req: rateRequest{}, Resp: gongzhi.Decision{}},
		"POST /api/v1/decisions/{id}/need":              {Summary: "Turn a decision into a need of the purchase workflow, once, linked both ways (staff)", Req: votes.NeedRequest{}, Resp: gongzhi.Need{}, Status: http.StatusCreated},
	}
}

func init() { web.AddAPIDocs(apiDocs()) }

// ---- views

type form struct {
	*web.FormView
	Get bool
}

type section struct {
	ID, Title, Big, Class string
	Intro                 []string
	Chart                 template.HTML
	Rows                  []web.Kv
	Cols                  []string
	Table                 [][]web.Cell
	Forms                 []form
}

type link struct{ Label, Href string }

type pageView struct {
	Tools    []link
	Problems []string
	Sections []section
}

func href(prefix string, id int64) string { return prefix + strconv.FormatInt(id, 10) }

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, title, active string, v *pageView, e *gongzhi.Error) {
	lang := web.LangOf(r)
	if e != nil {
		for _, reason := range e.Fields {
			v.Problems = append(v.Problems, web.T(lang, reason))
		}
		if len(e.Fields) == 0 {
			v.Problems = append(v.Problems, web.T(lang, e.Message))
		}
	}
	s.Render(w, r, status, "votes_page", &web.Page{Title: title, Active: active, Data: v, Error: e})
}

// answer finishes a write: JSON for the API; for a page, a refusal is shown on the page again
// (again renders it), anything else goes on to to with a message.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, v any, err error, again func(*gongzhi.Error) error, to, flash string) error {
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		if v == nil {
			w.WriteHeader(status)
			return nil
		}
		web.WriteJSON(w, status, v)
		return nil
	}
	if e := gongzhi.AsError(err); err != nil && again != nil && (e.Code == gongzhi.EINVALID || e.Code == gongzhi.ECONFLICT || e.Code == gongzhi.ETOOMANY) {
		return again(e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, to, web.T(web.LangOf(r), flash))
}

func chinaTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(gongzhi.ChinaTime).Format("2006-01-02 15:04")
}

func optionLabel(lang string, v *gongzhi.Vote, o gongzhi.VoteOption) string {
	if v.BallotKind == gongzhi.BallotYesNo {
		return web.T(lang, "vote.answer."+o.Label)
	}
	if v.BallotKind == gongzhi.BallotBudget {
		return o.Label + "（" + web.T(lang, "vote.yuan:"+o.Cost.Format()) + "）"
	}
	return o.Label
}

func choiceText(lang string, v *gongzhi.Vote, c []int) string {
	var out []string
	for _, p := range c {
		if p >= 1 && p <= len(v.Options) {
			out = append(out, optionLabel(lang, v, v.Options[p-1]))
		}
	}
	return strings.Join(out, "、")
}

func stateText(lang string, v *gongzhi.Vote) string {
	if v.State == gongzhi.VoteClosed {
		if v.Passed {
			return web.T(lang, "vote.state.passed")
		}
		return web.T(lang, "vote.state.failed")
	}
	return web.T(lang, "vote.state."+v.State)
}

// rulesRows describes a vote's rules.
func rulesRows(lang string, v *gongzhi.Vote) []web.Kv {
	elect := web.T(lang, "vote.electorate."+v.Electorate)
	if v.Electors > 0 {
		elect += web.T(lang, fmt.Sprintf("vote.electors_n:%d", v.Electors))
	}
	kind := web.T(lang, "vote.kind."+v.BallotKind)
	switch v.BallotKind {
	case gongzhi.BallotUpTo:
		kind += web.T(lang, fmt.Sprintf("vote.up_to_k:%d", v.MaxChoices))
	case gongzhi.BallotBudget:
		kind += web.T(lang, "vote.budget_total:"+v.Budget.Format())
	}
	rows := []web.Kv{
		{Label: web.T(lang, "vote.community"), Value: v.PlaceName},
		{Label: web.T(lang, "vote.state"), Value: stateText(lang, v)},
		{Label: web.T(lang, "vote.time"), Value: chinaTime(v.OpensAt) + " – " + chinaTime(v.ClosesAt)},
		{Label: web.T(lang, "vote.electorate"), Value: elect},
		{Label: web.T(lang, "vote.ballot_kind"), Value: kind},
		{Label: web.T(lang, "vote.quorum"), Value: web.T(lang, fmt.Sprintf("vote.quorum_text:%d", v.QuorumPct))},
		{Label: web.T(lang, "vote.threshold"), Value: web.T(lang, "vote.threshold."+v.Threshold) + web.T(lang, "vote.base."+v.ThresholdBase)},
		{Label: web.T(lang, "vote.secrecy"), Value: web.T(lang, map[bool]string{true: "vote.secret", false: "vote.open_ballot"}[v.Secret])},
		{Label: web.T(lang, "vote.proxies"), Value: web.T(lang, map[bool]string{true: "vote.proxies_yes", false: "vote.proxies_no"}[v.Proxies])},
	}
	if v.TopicTitle != "" {
		rows = append([]web.Kv{{Label: web.T(lang, "vote.topic"), Value: v.TopicTitle}}, rows...)
	}
	if v.Body != "" {
		rows = append(rows, web.Kv{Label: web.T(lang, "vote.body"), Value: v.Body})
	}
	return rows
}

// resultSection shows a vote's turnout, quorum, result and the chart of its options' votes.
func resultSection(lang string, v *gongzhi.Vote) section {
	sec := section{Title: web.T(lang, "vote.result"), Class: "vote-result"}
	if v.State != gongzhi.VoteClosed {
		sec.Intro = []string{web.TN(lang, "vote.turnout_so_far", 0, strconv.Itoa(v.Cast), strconv.Itoa(v.Electors))}
		return sec
	}
	pct := 0.0
	if v.Electors > 0 {
		pct = float64(v.Cast) * 100 / float64(v.Electors)
	}
	sec.Rows = []web.Kv{
		{Label: web.T(lang, "vote.turnout"), Value: web.TN(lang, "vote.turnout_text", 0, strconv.Itoa(v.Cast), strconv.Itoa(v.Electors), fmt.Sprintf("%.1f", pct))},
		{Label: web.T(lang, "vote.quorum"), Value: web.T(lang, map[bool]string{true: "vote.quorum_met", false: "vote.quorum_missed"}[v.QuorumMet])},
		{Label: web.T(lang, "vote.outcome"), Value: stateText(lang, v)},
	}
	var bars []bar
	sec.Cols = []string{web.T(lang, "vote.option"), web.T(lang, "vote.votes"), web.T(lang, "vote.chosen")}
	for _, o := range v.Options {
		bars = append(bars, bar{Label: optionLabel(lang, v, o), Value: o.Votes, Chosen: o.Chosen})
		chosen := ""
		if o.Chosen {
			chosen = "✓"
		}
		sec.Table = append(sec.Table, []web.Cell{{Text: optionLabel(lang, v, o)}, {Text: strconv.Itoa(o.Votes)}, {Text: chosen}})
	}
	sec.Chart = hbars(web.T(lang, "vote.chart_title"), bars, v.Cast)
	return sec
}

// honesty states what the secret mode gives and what it does not.
func honesty(lang string, v *gongzhi.Vote) section {
	if v.Secret {
		return section{Title: web.T(lang, "vote.secrecy_title"), Intro: []string{web.T(lang, "vote.secret_gives"), web.T(lang, "vote.secret_not"),
			web.T(lang, "vote.secret_paper")}}
	}
	return section{Title: web.T(lang, "vote.secrecy_title"), Intro: []string{web.T(lang, "vote.open_gives")}}
}

// ---- list and create

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	return s.renderHome(w, r, http.StatusOK, nil)
}

func (s *Server) renderHome(w http.ResponseWriter, r *http.Request, status int, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	list, err := s.svc.Votes(ctx, ac, "")
	if err != nil {
		return err
	}
	v := &pageView{}
	sec := section{Title: web.T(lang, "vote.list"), Cols: []string{web.T(lang, "vote.title_col"), web.T(lang, "vote.community"),
		web.T(lang, "vote.time"), web.T(lang, "vote.state"), web.T(lang, "vote.turnout")}}
	for _, x := range list {
		sec.Table = append(sec.Table, []web.Cell{{Text: x.Title, Href: href("/votes/", x.ID)}, {Text: x.PlaceName},
			{Text: chinaTime(x.OpensAt) + " – " + chinaTime(x.ClosesAt)}, {Text: stateText(lang, x)}, {Text: turnout(x)}})
	}
	if ac.Has(gongzhi.RoleResident) && len(list) == 0 {
		sec.Intro = []string{web.T(lang, "vote.none_yet")}
	}
	v.Sections = append(v.Sections, sec)
	ds, err := s.svc.Decisions(ctx, ac)
	if err != nil {
		return err
	}
	dsec := section{Title: web.T(lang, "vote.decisions"), Cols: []string{web.T(lang, "vote.decision"), web.T(lang, "vote.community"),
		web.T(lang, "vote.owner"), web.T(lang, "vote.progress"), web.T(lang, "vote.state")}}
	for _, d := range ds {
		dsec.Table = append(dsec.Table, []web.Cell{{Text: d.Title, Href: href("/decisions/", d.ID)}, {Text: d.PlaceName}, {Text: d.OwnerBody},
			{Text: strconv.Itoa(d.Progress) + "%"}, {Text: web.T(lang, "vote.decision."+d.State)}})
	}
	v.Sections = append(v.Sections, dsec)
	if votes.MayManageVotes(ac) {
		v.Sections = append(v.Sections, section{ID: "new-vote", Title: web.T(lang, "vote.new"), Forms: []form{{FormView: s.voteForm(r, e)}}})
	}
	s.render(w, r, status, web.T(lang, "vote.title"), "/votes", v, e)
	return nil
}

func turnout(v *gongzhi.Vote) string {
	if v.State == gongzhi.VoteDraft {
		return ""
	}
	return strconv.Itoa(v.Cast) + " / " + strconv.Itoa(v.Electors)
}

func (s *Server) apiVotes(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Votes(r.Context(), web.ActorOf(r), r.URL.Query().Get("state"))
	if err != nil {
		return err
	}
	items := make([]gongzhi.Vote, 0, len(list))
	for _, x := range list {
		items = append(items, *x)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Vote]{Items: items})
	return nil
}

func options(lang, prefix string, values []string) []web.Option {
	out := make([]web.Option, len(values))
	for i, x := range values {
		out[i] = web.Option{Value: x, Label: web.T(lang, prefix+x)}
	}
	return out
}

func (s *Server) voteForm(r *http.Request, e *gongzhi.Error) *web.FormView {
	lang := web.LangOf(r)
	errs := map[string]string{}
	if e != nil {
		for k, v := range e.Fields {
			errs[k] = web.T(lang, v)
		}
	}
	// a fresh form starts from the query: the topic, meeting or idea contest that offers the vote
	// (/votes?topic_id=…, ?meeting_id=…&electorate=meeting, ?title=…&options=…) fills it in
	val := func(k, def string) string {
		if e != nil {
			return r.FormValue(k)
		}
		if x := r.URL.Query().Get(k); x != "" {
			return x
		}
		return def
	}
	now := s.svc.Now().In(gongzhi.ChinaTime).Truncate(time.Hour)
	return &web.FormView{Action: "/votes", Submit: web.T(lang, "vote.create"), Fields: []web.Field{
		{Name: "title", Label: web.T(lang, "vote.title_col"), Type: "text", Required: true, Wide: true, Value: val("title", ""), Error: errs["title"]},
		{Name: "body", Label: web.T(lang, "vote.body"), Type: "textarea", Wide: true, Value: val("body", ""), Error: errs["body"]},
		{Name: "electorate", Label: web.T(lang, "vote.electorate"), Type: "select", Required: true, Options: options(lang, "vote.electorate.", gongzhi.Electorates),
			Value: val("electorate", gongzhi.ElectorateHouseholds), Error: errs["electorate"]},
		{Name: "body_id", Label: web.T(lang, "vote.body_id"), Type: "number", Value: val("body_id", ""), Error: errs["body_id"], Help: web.T(lang, "vote.body_id_help")},
		{Name: "meeting_id", Label: web.T(lang, "vote.meeting_id"), Type: "number", Value: val("meeting_id", ""), Error: errs["meeting_id"]},
		{Name: "topic_id", Label: web.T(lang, "vote.topic_id"), Type: "number", Value: val("topic_id", ""), Error: errs["topic_id"]},
		{Name: "ballot_kind", Label: web.T(lang, "vote.ballot_kind"), Type: "select", Required: true, Options: options(lang, "vote.kind.", gongzhi.BallotKinds),
			Value: val("ballot_kind", gongzhi.BallotYesNo), Error: errs["ballot_kind"]},
		{Name: "options", Label: web.T(lang, "vote.options"), Type: "textarea", Wide: true, Value: val("options", ""), Error: errs["options"], Help: web.T(lang, "vote.options_help")},
		{Name: "max_choices", Label: web.T(lang, "vote.max_choices"), Type: "number", Value: val("max_choices", ""), Error: errs["max_choices"]},
		{Name: "budget", Label: web.T(lang, "vote.budget_yuan"), Type: "text", Value: val("budget", ""), Error: errs["budget"]},
		{Name: "opens_at", Label: web.T(lang, "vote.opens_at"), Type: "datetime-local", Required: true, Value: val("opens_at", now.Add(time.Hour).Format("2006-01-02T15:04")), Error: errs["opens_at"]},
		{Name: "closes_at", Label: web.T(lang, "vote.closes_at"), Type: "datetime-local", Required: true, Value: val("closes_at", now.Add(7*24*time.Hour).Format("2006-01-02T15:04")), Error: errs["closes_at"]},
		{Name: "quorum_pct", Label: web.T(lang, "vote.quorum_pct"), Type: "number", Required: true, Value: val("quorum_pct", "50"), Error: errs["quorum_pct"]},
		{Name: "threshold", Label: web.T(lang, "vote.threshold"), Type: "select", Required: true, Options: options(lang, "vote.threshold.", []string{gongzhi.ThresholdMajority, gongzhi.ThresholdTwoThirds}),
			Value: val("threshold", gongzhi.ThresholdMajority), Error: errs["threshold"]},
		{Name: "threshold_base", Label: web.T(lang, "vote.threshold_base"), Type: "select", Required: true, Options: options(lang, "vote.base.", []string{gongzhi.BaseCast, gongzhi.BaseElectorate}),
			Value: val("threshold_base", gongzhi.BaseCast), Error: errs["threshold_base"]},
		{Name: "owner_body_id", Label: web.T(lang, "vote.owner_body_id"), Type: "number", Value: val("owner_body_id", ""), Error: errs["owner_body_id"]},
		{Name: "secret", Label: web.T(lang, "vote.secret_check"), Type: "checkbox", Value: val("secret", "true"), Error: errs["secret"]},
		{Name: "proxies", Label: web.T(lang, "vote.proxies_check"), Type: "checkbox", Value: val("proxies", ""), Error: errs["proxies"]},
	}}
}

// parseLocal reads a datetime-local value in China time (zero when empty or malformed, which
// Validate refuses as required).
func parseLocal(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(s), gongzhi.ChinaTime)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) error {
	var v gongzhi.Vote
	var err error
	if web.IsAPIPath(r) {
		var req voteRequest
		if err = s.Decode(w, r, &req); err == nil {
			v = gongzhi.Vote{Title: req.Title, Body: req.Body, TopicID: req.TopicID, Electorate: req.Electorate, BodyID: req.BodyID,
				MeetingID: req.MeetingID, BallotKind: req.BallotKind, MaxChoices: req.MaxChoices, Budget: req.Budget, OpensAt: req.OpensAt,
				ClosesAt: req.ClosesAt, QuorumPct: req.QuorumPct, Threshold: req.Threshold, ThresholdBase: req.ThresholdBase,
				Secret: req.Secret, Proxies: req.Proxies, OwnerBodyID: req.OwnerBodyID}
			for _, o := range req.Options {
				v.Options = append(v.Options, gongzhi.VoteOption{Label: o.Label, Cost: o.Cost})
			}
		}
	} else {
		var f voteForm
		if err = s.Decode(w, r, &f); err == nil {
			v = gongzhi.Vote{Title: f.Title, Body: f.Body, TopicID: f.TopicID, Electorate: f.Electorate, BodyID: f.BodyID,
				MeetingID: f.MeetingID, BallotKind: f.BallotKind, MaxChoices: f.MaxChoices, OpensAt: parseLocal(f.OpensAt),
				ClosesAt: parseLocal(f.ClosesAt), QuorumPct: f.QuorumPct, Threshold: f.Threshold, ThresholdBase: f.ThresholdBase,
				Secret: f.Secret, Proxies: f.Proxies, OwnerBodyID: f.OwnerBodyID}
			if strings.TrimSpace(f.Budget) != "" {
				m, reason := gongzhi.ParseMoney(f.Budget)
				if reason != "" {
					m = -1
				}
				v.Budget = m
			}
			for _, line := range strings.Split(f.Options, "\n") {
				label, cost, _ := strings.Cut(line, "|")
				o := gongzhi.VoteOption{Label: strings.TrimSpace(label)}
				if strings.TrimSpace(cost) != "" {
					if m, reason := gongzhi.ParseMoney(strings.TrimSpace(cost)); reason == "" {
						o.Cost = m
					} else {
						o.Cost = -1
					}
				}
				v.Options = append(v.Options, o)
			}
		}
	}
	if err == nil {
		err = s.svc.CreateVote(r.Context(), web.ActorOf(r), &v)
	}
	return s.answer(w, r, http.StatusCreated, &v, err, func(e *gongzhi.Error) error { return s.renderHome(w, r, web.StatusOf[e.Code], e) },
		href("/votes/", v.ID), "vote.created_flash")
}

// ---- a vote

func (s *Server) vote(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		v, err := s.svc.Vote(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, v)
		return nil
	}
	return s.renderVote(w, r, id, http.StatusOK, nil)
}

func (s *Server) renderVote(w http.ResponseWriter, r *http.Request, id int64, status int, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	v, err := s.svc.Vote(ctx, ac, id)
	if err != nil {
		return err
	}
	base := href("/votes/", id)
	pv := &pageView{Tools: []link{{web.T(lang, "vote.back"), "/votes"}}}
	if v.State != gongzhi.VoteDraft {
		pv.Tools = append(pv.Tools, link{web.T(lang, "vote.public_page"), href("/public/votes/", id)})
	}
	if v.State == gongzhi.VoteClosed {
		pv.Tools = append(pv.Tools, link{web.T(lang, "vote.notice"), href("/public/votes/", id) + "/notice"}, link{web.T(lang, "vote.export"), base + "/result.xlsx"})
	}
	if v.DecisionID != 0 {
		pv.Tools = append(pv.Tools, link{web.T(lang, "vote.decision_open"), href("/decisions/", v.DecisionID)})
	}
	pv.Sections = append(pv.Sections, section{Rows: rulesRows(lang, v)})
	now := s.svc.NowUTC()
	accepting := v.State == gongzhi.VoteOpen && !now.Before(v.OpensAt) && now.Before(v.ClosesAt)
	if votes.MayCastBallot(ac) && accepting {
		pv.Sections = append(pv.Sections, section{Title: web.T(lang, "vote.your_ballot"), Class: "vote-ballot",
			Forms: []form{{FormView: ballotForm(lang, v, base+"/ballots", e)}}})
	}
	if v.State != gongzhi.VoteDraft {
		pv.Sections = append(pv.Sections, resultSection(lang, v))
	}
	if votes.MayManageVotes(ac) || votes.MayEnterBallots(ac) {
		switch {
		case v.State == gongzhi.VoteDraft && votes.MayManageVotes(ac):
			pv.Sections = append(pv.Sections, section{Title: web.T(lang, "vote.open_title"), Forms: []form{{FormView: &web.FormView{Action: base + "/open",
				Submit: web.T(lang, "vote.open"), Intro: web.T(lang, "vote.open_help")}}}})
		case accepting && votes.MayEnterBallots(ac):
			f := ballotForm(lang, v, base+"/paper", e)
			f.Intro, f.Submit = web.T(lang, "vote.paper_help"), web.T(lang, "vote.paper_enter")
			f.Fields = append([]web.Field{{Name: "person_id", Label: web.T(lang, "vote.person_id"), Type: "number", Required: true}}, f.Fields...)
			if v.Proxies {
				f.Fields = append(f.Fields, web.Field{Name: "proxy_person_id", Label: web.T(lang, "vote.proxy_person_id"), Type: "number"})
			}
			sec := section{Title: web.T(lang, "vote.paper_title"), Forms: []form{{FormView: f}}}
			pend, err := s.svc.PendingBallots(ctx, ac, id)
			if err != nil {
				return err
			}
			sec.Cols = []string{web.T(lang, "vote.voter"), web.T(lang, "vote.channel"), web.T(lang, "vote.choice"), web.T(lang, "vote.entered_by")}
			for _, p := range pend {
				sec.Table = append(sec.Table, []web.Cell{{Text: p.PersonName}, {Text: web.T(lang, "vote.channel."+p.Channel)},
					{Text: choiceText(lang, v, gongzhi.DecodeChoice(p.Choice))}, {Text: p.Entered}})
				if p.EnteredBy != ac.User.ID {
					sec.Forms = append(sec.Forms, form{FormView: &web.FormView{Action: base + "/witness", Submit: web.T(lang, "vote.witness:"+p.PersonName),
						Fields: []web.Field{{Name: "voter", Type: "hidden", Value: p.Voter}}}})
				}
			}
			pv.Sections = append(pv.Sections, sec)
		}
	}
	if votes.MayReadVoters(ac) && v.State != gongzhi.VoteDraft {
		pv.Tools = append(pv.Tools, link{web.T(lang, "vote.voters"), base + "/voters"})
	}
	pv.Sections = append(pv.Sections, honesty(lang, v))
	s.render(w, r, status, v.Title, "/votes", pv, e)
	return nil
}

// ballotForm is the ballot: a select for one answer, check boxes for several.
func ballotForm(lang string, v *gongzhi.Vote, action string, e *gongzhi.Error) *web.FormView {
	var opts []web.Option
	for _, o := range v.Options {
		opts = append(opts, web.Option{Value: strconv.Itoa(o.Position), Label: optionLabel(lang, v, o)})
	}
	f := web.Field{Name: "choice", Label: web.T(lang, "vote.choice"), Required: true, Wide: true, Options: opts}
	if e != nil {
		if r := e.Fields["choice"]; r != "" {
			f.Error = web.T(lang, r)
		}
	}
	switch v.BallotKind {
	case gongzhi.BallotUpTo:
		f.Type, f.Help = "multi", web.T(lang, fmt.Sprintf("vote.choose_up_to:%d", v.MaxChoices))
	case gongzhi.BallotBudget:
		f.Type, f.Help = "multi", web.T(lang, "vote.choose_budget:"+v.Budget.Format())
	default:
		f.Type, f.Options = "select", append([]web.Option{{Value: "", Label: "—"}}, opts...)
	}
	return &web.FormView{Action: action, Submit: web.T(lang, "vote.cast"), Fields: []web.Field{f}}
}

func (s *Server) open(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.OpenVote(r.Context(), web.ActorOf(r), id)
	return s.answer(w, r, http.StatusOK, v, err, func(e *gongzhi.Error) error { return s.renderVote(w, r, id, web.StatusOf[e.Code], e) },
		href("/votes/", id), "vote.opened_flash")
}

func positions(xs []string) []int {
	var out []int
	for _, x := range xs {
		n, err := strconv.Atoi(x)
		if err != nil {
			n = -1 // refused as vote.choice_unknown
		}
		out = append(out, n)
	}
	return out
}

func (s *Server) cast(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var choice []int
	if web.IsAPIPath(r) {
		var req castRequest
		err = s.Decode(w, r, &req)
		choice = req.Choice
	} else {
		var f castForm
		err = s.Decode(w, r, &f)
		choice = positions(f.Choice)
	}
	var rc *gongzhi.CastReceipt
	if err == nil {
		rc, err = s.svc.Cast(r.Context(), web.ActorOf(r), id, choice)
	}
	if web.IsAPIPath(r) || err != nil {
		return s.answer(w, r, http.StatusCreated, rc, err, func(e *gongzhi.Error) error { return s.renderVote(w, r, id, web.StatusOf[e.Code], e) }, "", "")
	}
	return s.renderSlip(w, r, id, rc)
}

// renderSlip shows the voter their tracker once, as a printable slip.
func (s *Server) renderSlip(w http.ResponseWriter, r *http.Request, id int64, rc *gongzhi.CastReceipt) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	v, err := s.svc.Vote(r.Context(), ac, id)
	if err != nil {
		return err
	}
	intro := []string{web.T(lang, "vote.slip_open")}
	if v.Secret {
		intro = []string{web.T(lang, "vote.slip_secret"), web.T(lang, "vote.secret_not")}
	}
	pv := &pageView{Tools: []link{{web.T(lang, "vote.back_vote"), href("/votes/", id)}}, Sections: []section{{Title: web.T(lang, "vote.slip_title"),
		Class: "vote-slip", Big: rc.Tracker, Intro: intro, Rows: []web.Kv{
			{Label: web.T(lang, "vote.title_col"), Value: v.Title},
			{Label: web.T(lang, "vote.choice"), Value: choiceText(lang, v, rc.Choice)},
			{Label: web.T(lang, "vote.channel"), Value: web.T(lang, "vote.channel."+rc.Channel)},
			{Label: web.T(lang, "vote.cast_at"), Value: chinaTime(rc.At)},
			{Label: web.T(lang, "vote.check_at"), Value: "/public/votes/" + strconv.FormatInt(id, 10) + "?tracker=" + rc.Tracker,
				Href: "/public/votes/" + strconv.FormatInt(id, 10) + "?tracker=" + rc.Tracker},
			{Label: web.T(lang, "vote.receipt"), Value: web.T(lang, "vote.receipt_open"), Href: href("/public/ledger/receipts/", rc.Seq)},
		}}}}
	s.render(w, r, http.StatusCreated, web.T(lang, "vote.slip_title"), "/votes", pv, nil)
	return nil
}

func (s *Server) paper(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var b votes.PaperBallot
	if web.IsAPIPath(r) {
		err = s.Decode(w, r, &b)
	} else {
		var f paperForm
		err = s.Decode(w, r, &f)
		b = votes.PaperBallot{PersonID: f.PersonID, ProxyPersonID: f.ProxyPersonID, Choice: positions(f.Choice)}
	}
	if err == nil {
		err = s.svc.EnterPaper(r.Context(), web.ActorOf(r), id, b)
	}
	return s.answer(w, r, http.StatusCreated, nil, err, func(e *gongzhi.Error) error { return s.renderVote(w, r, id, web.StatusOf[e.Code], e) },
		href("/votes/", id), "vote.paper_flash")
}

func (s *Server) apiPending(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	list, err := s.svc.PendingBallots(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	items := make([]pendingItem, 0, len(list))
	for _, p := range list {
		items = append(items, pendingItem{Voter: p.Voter, PersonID: p.PersonID, Person: p.PersonName, Channel: p.Channel,
			Choice: gongzhi.DecodeChoice(p.Choice), EnteredBy: p.Entered, CastAt: p.CastAt})
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[pendingItem]{Items: items})
	return nil
}

func (s *Server) witness(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req witnessRequest
	var rc *gongzhi.CastReceipt
	if err = s.Decode(w, r, &req); err == nil {
		rc, err = s.svc.Witness(r.Context(), web.ActorOf(r), id, strings.TrimSpace(req.Voter))
	}
	if web.IsAPIPath(r) || err != nil {
		return s.answer(w, r, http.StatusOK, rc, err, func(e *gongzhi.Error) error { return s.renderVote(w, r, id, web.StatusOf[e.Code], e) }, "", "")
	}
	return s.renderSlip(w, r, id, rc)
}

func (s *Server) voters(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	list, err := s.svc.Voters(ctx, ac, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if list == nil {
			list = []gongzhi.VoterEntry{}
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.VoterEntry]{Items: list})
		return nil
	}
	v, err := s.svc.Vote(ctx, ac, id)
	if err != nil {
		return err
	}
	sec := section{Title: web.T(lang, fmt.Sprintf("vote.voters_count:%d", len(list))), Intro: []string{web.T(lang, "vote.voters_intro")},
		Cols: []string{web.T(lang, "vote.voter"), web.T(lang, "vote.address"), web.T(lang, "vote.channel"), web.T(lang, "vote.ballot_state"),
			web.T(lang, "vote.proxy"), web.T(lang, "vote.entered_by"), web.T(lang, "vote.witnessed_by"), web.T(lang, "vote.cast_at")}}
	for _, x := range list {
		name := x.PersonName
		if ac.Has(gongzhi.RoleAuditor) {
			name = gongzhi.MaskName(name)
		}
		sec.Table = append(sec.Table, []web.Cell{{Text: name}, {Text: x.Address}, {Text: web.T(lang, "vote.channel."+x.Channel)},
			{Text: web.T(lang, "vote.ballot."+x.State)}, {Text: x.ProxyName}, {Text: x.EnteredBy}, {Text: x.WitnessedBy}, {Text: chinaTime(x.CastAt)}})
	}
	s.render(w, r, http.StatusOK, v.Title, "/votes", &pageView{Tools: []link{{web.T(lang, "vote.back_vote"), href("/votes/", id)}}, Sections: []section{sec}}, nil)
	return nil
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	lang := web.LangOf(r)
	v, err := s.svc.Vote(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	if v.State != gongzhi.VoteClosed {
		return gongzhi.Refused("state", "vote.not_closed")
	}
	var rows [][]any
	for _, o := range v.Options {
		rows = append(rows, []any{o.Position, optionLabel(lang, v, o), o.Votes, map[bool]string{true: "✓"}[o.Chosen]})
	}
	rows = append(rows, []any{"", web.T(lang, "vote.turnout"), v.Cast, strconv.Itoa(v.Electors)}, []any{"", web.T(lang, "vote.outcome"), stateText(lang, v), ""})
	web.OffSendXLSX(w, web.OffXlsxName("vote-"+strconv.FormatInt(id, 10)))
	return xlsx.Export(w, web.T(lang, "vote.result"), []string{"#", web.T(lang, "vote.option"), web.T(lang, "vote.votes"), web.T(lang, "vote.chosen")},
		web.OffRowsSeq(rows))
}

// ---- public

func (s *Server) public(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.PublicVote(r.Context(), id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, v)
		return nil
	}
	lang := web.LangOf(r)
	pv := &pageView{Sections: []section{{Rows: rulesRows(lang, v)}, resultSection(lang, v)}}
	if v.State == gongzhi.VoteOpen {
		// residents vote on the vote's own page (signing in first if they have not)
		pv.Tools = append(pv.Tools, link{web.T(lang, "vote.go_vote"), href("/votes/", id)})
	}
	if v.DecisionID != 0 {
		pv.Tools = append(pv.Tools, link{web.T(lang, "vote.decision_public"), href("/public/decisions/", v.DecisionID)})
	}
	if v.State == gongzhi.VoteClosed {
		pv.Tools = append(pv.Tools, link{web.T(lang, "vote.notice"), href("/public/votes/", id) + "/notice"})
		pv.Sections[1].Intro = append(pv.Sections[1].Intro, web.T(lang, fmt.Sprintf("vote.recount_cmd:%d", id)))
		if v.ResultSeq > 0 {
			pv.Sections[1].Rows = append(pv.Sections[1].Rows, web.Kv{Label: web.T(lang, "vote.receipt"), Value: web.T(lang, "vote.receipt_open"),
				Href: href("/public/ledger/receipts/", v.ResultSeq)})
		}
	}
	check := section{Title: web.T(lang, "vote.check_title"), Intro: []string{web.T(lang, "vote.check_help")},
		Forms: []form{{Get: true, FormView: &web.FormView{Action: href("/public/votes/", id), Submit: web.T(lang, "vote.check"), Fields: []web.Field{
			{Name: "tracker", Label: web.T(lang, "vote.tracker"), Type: "text", Required: true, Value: r.URL.Query().Get("tracker")}}}}}}
	if t := strings.TrimSpace(r.URL.Query().Get("tracker")); t != "" {
		tc, err := s.svc.CheckTracker(r.Context(), id, t)
		if err != nil {
			return err
		}
		if tc.Counted {
			check.Big = web.T(lang, "vote.tracker_counted:"+choiceText(lang, v, tc.Choice))
			check.Rows = []web.Kv{{Label: web.T(lang, "vote.receipt"), Value: web.T(lang, "vote.receipt_open"), Href: href("/public/ledger/receipts/", tc.Seq)}}
		} else {
			check.Big = web.T(lang, "vote.tracker_unknown")
		}
	}
	pv.Sections = append(pv.Sections, check, honesty(lang, v))
	s.render(w, r, http.StatusOK, v.Title, "", pv, nil)
	return nil
}

func (s *Server) apiTracker(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	tc, err := s.svc.CheckTracker(r.Context(), id, r.PathValue("tracker"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, tc)
	return nil
}

// notice is the printable 公示 sheet of a closed vote's result.
func (s *Server) notice(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.PublicVote(r.Context(), id)
	if err != nil {
		return err
	}
	if v.State != gongzhi.VoteClosed {
		return gongzhi.NotFound()
	}
	lang := web.LangOf(r)
	res := resultSection(lang, v)
	res.Title = ""
	pv := &pageView{Sections: []section{
		{Class: "vote-notice", Intro: []string{web.TN(lang, "vote.notice_intro", 0, v.PlaceName, v.Title)}, Rows: rulesRows(lang, v)},
		res,
		{Intro: []string{web.T(lang, fmt.Sprintf("vote.notice_verify:%d", id)), web.T(lang, "vote.notice_sign:"+v.PlaceName),
			gongzhi.DateOf(v.ClosedAt)}},
	}}
	s.render(w, r, http.StatusOK, web.T(lang, "vote.notice_title"), "", pv, nil)
	return nil
}

// ---- decisions

func (s *Server) apiDecisions(w http.ResponseWriter, r *http.Request) error {
	ac, ctx := web.ActorOf(r), r.Context()
	if n := r.URL.Query().Get("need"); n != "" {
		needID, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			return gongzhi.Invalid("need", "number")
		}
		id, err := s.svc.DecisionOfNeed(ctx, ac, needID)
		if err != nil {
			return err
		}
		items := []gongzhi.Decision{}
		if id != 0 {
			d, err := s.svc.Decision(ctx, ac, id)
			if err != nil {
				return err
			}
			items = append(items, *d)
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Decision]{Items: items})
		return nil
	}
	list, err := s.svc.Decisions(ctx, ac)
	if err != nil {
		return err
	}
	items := make([]gongzhi.Decision, 0, len(list))
	for _, d := range list {
		items = append(items, *d)
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Decision]{Items: items})
	return nil
}

func (s *Server) decision(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		d, err := s.svc.Decision(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, d)
		return nil
	}
	return s.renderDecision(w, r, id, http.StatusOK, nil)
}

func (s *Server) renderDecision(w http.ResponseWriter, r *http.Request, id int64, status int, e *gongzhi.Error) error {
	ac, lang, ctx := web.ActorOf(r), web.LangOf(r), r.Context()
	d, err := s.svc.Decision(ctx, ac, id)
	if err != nil {
		return err
	}
	base := href("/decisions/", id)
	pv := &pageView{Tools: []link{{web.T(lang, "vote.back"), "/votes"}, {web.T(lang, "vote.from_vote"), href("/votes/", d.VoteID)},
		{web.T(lang, "vote.decision_public"), href("/public/decisions/", id)}}}
	main, tasks := decisionSections(lang, d, s.svc.Today())
	if d.NeedID != 0 {
		main.Rows = append(main.Rows, web.Kv{Label: web.T(lang, "vote.need"), Value: "#" + strconv.FormatInt(d.NeedID, 10), Href: href("/needs/", d.NeedID)})
	}
	pv.Sections = append(pv.Sections, main)
	manage := votes.MayManageDecisions(ac) && d.State == gongzhi.DecisionInProgress
	for _, t := range d.Tasks {
		if manage && t.DoneOn == "" {
			tasks.Forms = append(tasks.Forms, form{FormView: &web.FormView{Action: base + "/tasks/" + strconv.FormatInt(t.ID, 10) + "/done",
				Submit: web.T(lang, "vote.task_done:"+t.Title), Fields: []web.Field{{Name: "note", Label: web.T(lang, "vote.note"), Type: "text", Wide: true}}}})
		}
	}
	if manage {
		tasks.Forms = append(tasks.Forms, form{FormView: &web.FormView{Action: base + "/tasks", Submit: web.T(lang, "vote.add_task"), Fields: []web.Field{
			{Name: "title", Label: web.T(lang, "vote.task"), Type: "text", Required: true, Wide: true},
			{Name: "due_on", Label: web.T(lang, "vote.due_on"), Type: "date", Required: true}}}},
			form{FormView: &web.FormView{Action: base + "/complete", Submit: web.T(lang, "vote.complete"), Intro: web.T(lang, "vote.complete_help")}})
	}
	pv.Sections = append(pv.Sections, tasks)
	if votes.MayReviewDecisions(ac) && d.State == gongzhi.DecisionCompleted {
		pv.Sections = append(pv.Sections, section{Title: web.T(lang, "vote.review_title"), Forms: []form{{FormView: &web.FormView{Action: base + "/review",
			Submit: web.T(lang, "vote.review"), Fields: []web.Field{
				{Name: "accept", Label: web.T(lang, "vote.accept"), Type: "checkbox", Value: "true"},
				{Name: "note", Label: web.T(lang, "vote.review_note"), Type: "textarea", Wide: true}}}}}})
	}
	if votes.MayRateDecisions(ac) {
		pv.Sections = append(pv.Sections, section{Title: web.T(lang, "vote.rate_title"), Forms: []form{{FormView: &web.FormView{Action: base + "/rate",
			Submit: web.T(lang, "vote.rate"), Fields: []web.Field{
				{Name: "rating", Label: web.T(lang, "vote.rating"), Type: "select", Required: true, Options: []web.Option{{Value: "5", Label: "★★★★★"},
					{Value: "4", Label: "★★★★"}, {Value: "3", Label: "★★★"}, {Value: "2", Label: "★★"}, {Value: "1", Label: "★"}}},
				{Name: "comment", Label: web.T(lang, "vote.comment"), Type: "text", Wide: true}}}}}})
	}
	if votes.MayManageDecisions(ac) && d.NeedID == 0 {
		groups, err := s.svc.TargetGroups(ctx, ac)
		if err != nil {
			return err
		}
		var gopts []web.Option
		for _, g := range groups {
			gopts = append(gopts, web.Option{Value: g.Code, Label: g.Name})
		}
		cats, err := s.svc.ServiceCategories(ctx, true)
		if err != nil {
			return err
		}
		var copts []web.Option
		for _, c := range cats {
			copts = append(copts, web.Option{Value: c.Code, Label: c.Name})
		}
		pv.Sections = append(pv.Sections, section{Title: web.T(lang, "vote.need_title"), Forms: []form{{FormView: &web.FormView{Action: base + "/need",
			Submit: web.T(lang, "vote.make_need"), Intro: web.T(lang, "vote.need_help"), Fields: []web.Field{
				{Name: "target_group", Label: web.T(lang, "vote.target_group"), Type: "select", Required: true, Options: gopts},
				{Name: "category_code", Label: web.T(lang, "vote.category"), Type: "select", Required: true, Options: copts},
				{Name: "people_affected", Label: web.T(lang, "vote.people_affected"), Type: "number", Value: "1"}}}}}})
	}
	s.render(w, r, status, d.Title, "/votes", pv, e)
	return nil
}

// decisionSections are a decision's facts and its tasks, as its staff and public pages show them.
func decisionSections(lang string, d *gongzhi.Decision, today string) (section, section) {
	rating := web.T(lang, "vote.no_ratings")
	if d.Ratings > 0 {
		rating = web.TN(lang, "vote.rating_text", 0, fmt.Sprintf("%.1f", d.Rating), strconv.Itoa(d.Ratings))
	}
	main := section{Rows: []web.Kv{
		{Label: web.T(lang, "vote.community"), Value: d.PlaceName},
		{Label: web.T(lang, "vote.owner"), Value: d.OwnerBody},
		{Label: web.T(lang, "vote.state"), Value: web.T(lang, "vote.decision."+d.State)},
		{Label: web.T(lang, "vote.progress"), Value: strconv.Itoa(d.Progress) + "%"},
		{Label: web.T(lang, "vote.rating"), Value: rating},
	}}
	main.Chart = progressBar(d.Progress)
	if d.ReviewNote != "" {
		main.Rows = append(main.Rows, web.Kv{Label: web.T(lang, "vote.review_note"), Value: d.ReviewNote})
	}
	tasks := section{Title: web.T(lang, "vote.tasks"), Cols: []string{web.T(lang, "vote.task"), web.T(lang, "vote.due_on"), web.T(lang, "vote.done_on"), web.T(lang, "vote.note")}}
	for _, t := range d.Tasks {
		due := t.DueOn
		if t.DoneOn == "" && t.DueOn < today {
			due += web.T(lang, "vote.overdue")
		}
		tasks.Table = append(tasks.Table, []web.Cell{{Text: t.Title}, {Text: due}, {Text: t.DoneOn}, {Text: t.Note}})
	}
	return main, tasks
}

// publicDecision is a decision's public page (anyone): what the residents voted for and how far
// it has come, with links to the vote's public result and, for staff, the decision's own page.
func (s *Server) publicDecision(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	d, err := s.svc.PublicDecision(r.Context(), id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, d)
		return nil
	}
	lang, ac := web.LangOf(r), web.ActorOf(r)
	pv := &pageView{Tools: []link{{web.T(lang, "vote.from_vote"), href("/public/votes/", d.VoteID)}}}
	if votes.MayReadVotes(ac) {
		pv.Tools = append(pv.Tools, link{web.T(lang, "vote.decision_manage"), href("/decisions/", id)})
	}
	main, tasks := decisionSections(lang, d, s.svc.Today())
	pv.Sections = append(pv.Sections, main, tasks)
	s.render(w, r, http.StatusOK, d.Title, "", pv, nil)
	return nil
}

// decisionAnswer answers a decision's write: the decision as it is now (API), or its page.
func (s *Server) decisionAnswer(w http.ResponseWriter, r *http.Request, id int64, status int, err error, flash string) error {
	var d *gongzhi.Decision
	if err == nil && web.IsAPIPath(r) {
		d, err = s.svc.Decision(r.Context(), web.ActorOf(r), id)
	}
	return s.answer(w, r, status, d, err, func(e *gongzhi.Error) error { return s.renderDecision(w, r, id, web.StatusOf[e.Code], e) },
		href("/decisions/", id), flash)
}

func (s *Server) addTask(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req taskRequest
	if err = s.Decode(w, r, &req); err == nil {
		err = s.svc.AddTask(r.Context(), web.ActorOf(r), id, &gongzhi.DecisionTask{Title: req.Title, DueOn: req.DueOn})
	}
	return s.decisionAnswer(w, r, id, http.StatusCreated, err, "vote.saved_flash")
}

func (s *Server) finishTask(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	task, err := strconv.ParseInt(r.PathValue("task"), 10, 64)
	if err != nil {
		return gongzhi.NotFound()
	}
	var req noteRequest
	if err = s.Decode(w, r, &req); err == nil {
		err = s.svc.FinishTask(r.Context(), web.ActorOf(r), id, task, req.Note)
	}
	return s.decisionAnswer(w, r, id, http.StatusOK, err, "vote.saved_flash")
}

func (s *Server) complete(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	err = s.svc.CompleteDecision(r.Context(), web.ActorOf(r), id)
	return s.decisionAnswer(w, r, id, http.StatusOK, err, "vote.saved_flash")
}

func (s *Server) review(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req reviewRequest
	if err = s.Decode(w, r, &req); err == nil {
		err = s.svc.ReviewDecision(r.Context(), web.ActorOf(r), id, req.Accept, req.Note)
	}
	return s.decisionAnswer(w, r, id, http.StatusOK, err, "vote.saved_flash")
}

func (s *Server) rate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req rateRequest
	if err = s.Decode(w, r, &req); err == nil {
		err = s.svc.RateDecision(r.Context(), web.ActorOf(r), id, req.Rating, req.Comment)
	}
	return s.decisionAnswer(w, r, id, http.StatusOK, err, "vote.rated_flash")
}

func (s *Server) need(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	var req votes.NeedRequest
	var n *gongzhi.Need
	if err = s.Decode(w, r, &req); err == nil {
		n, err = s.svc.MakeNeed(r.Context(), web.ActorOf(r), id, req)
	}
	to := href("/decisions/", id)
	if n != nil {
		to = href("/needs/", n.ID)
	}
	return s.answer(w, r, http.StatusCreated, n, err, func(e *gongzhi.Error) error { return s.renderDecision(w, r, id, web.StatusOf[e.Code], e) },
		to, "vote.need_flash")
}
