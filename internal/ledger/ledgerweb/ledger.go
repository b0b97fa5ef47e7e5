// The service ledger in the pages and the API: the list of entries in scope (filters, search,
// pagination, Excel), the entry form of a contract, an entry with its evidence (thumbnails and
// downloads) and its history, correction and voiding with a reason, evidence uploads (images
// and PDF, at most 10 MiB, stored under their SHA-256), and a contract's ledger with the
// progress of its indicators computed from the entries. Sampling and residents' ratings are in
// ledger_survey.go.

package ledgerweb

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/ledger"
	"gongzhi/internal/web"
	"gongzhi/internal/xlsx"
)

var ledgerFilters = []string{"contract", "kind", "community", "month", "state"}

func ledgerHref(id int64) string { return "/ledger/" + web.FmtInt(id) }

func (s *Server) ledgerRoutes() {
	s.Handle("GET /ledger", web.Changed, s.ledgerList)
	s.Handle("GET /ledger/export.xlsx", web.Changed, s.ledgerExport)
	s.Handle("GET /ledger/new", web.Changed, s.ledgerNew)
	s.Handle("POST /ledger/new", web.Changed, s.ledgerCreate)
	s.Handle("GET /ledger/{id}", web.Changed, s.ledgerEntry)
	s.Handle("POST /ledger/{id}/correct", web.Changed, s.ledgerCorrect)
	s.Handle("POST /ledger/{id}/void", web.Changed, s.ledgerVoid)
	s.Handle("POST /ledger/{id}/evidence", web.Changed, s.ledgerUpload)
	s.Handle("GET /ledger/{id}/evidence/{file}", web.Changed, s.ledgerDownload)
	s.Handle("GET /ledger/contracts/{id}", web.Changed, s.ledgerContract)
	s.Api("GET /api/v1/ledger", s.ledgerList)
	s.Api("GET /api/v1/ledger.xlsx", s.ledgerExport)
	s.Api("POST /api/v1/ledger", s.ledgerCreate)
	s.Api("GET /api/v1/ledger/{id}", s.ledgerEntry)
	s.Api("PUT /api/v1/ledger/{id}", s.ledgerCorrect)
	s.Api("POST /api/v1/ledger/{id}/void", s.ledgerVoid)
	s.Api("GET /api/v1/ledger/{id}/evidence", s.ledgerEvidenceList)
	s.Api("POST /api/v1/ledger/{id}/evidence", s.ledgerUpload)
	s.Api("GET /api/v1/ledger/{id}/evidence/{file}/download", s.ledgerDownload)
	s.Api("GET /api/v1/ledger/contracts/{id}/progress", s.ledgerContract)
	s.Api("GET /api/v1/ledger/summary/{id}/{month}", s.ledgerMonthAPI)
	s.surveyRoutes()
	s.accountLinkRoutes()
}

// ledgerReq is an entry as the API and the form send it; reason is required for a correction.
type ledgerReq struct {
	ContractID     int64               `json:"contract_id"`
	Kind           string              `json:"kind"`
	Title          string              `json:"title"`
	HeldOn         string              `json:"held_on"`
	StartTime      string              `json:"start_time"`
	EndTime        string              `json:"end_time"`
	Minutes        int                 `json:"minutes"`
	Venue          string              `json:"venue"`
	Communities    []string            `json:"communities"`
	TargetGroups   []string            `json:"target_groups"`
	ParticipantIDs []int64             `json:"participant_ids"`
	Counted        int                 `json:"counted"`
	Volunteers     []gongzhi.Volunteer `json:"volunteers"`
	Tags           []string            `json:"tags"`
	Summary        string              `json:"summary"`
	Reason         string              `json:"reason,omitempty"`
}

func (q *ledgerReq) entry() *gongzhi.ServiceEntry {
	return &gongzhi.ServiceEntry{ContractID: q.ContractID, Kind: q.Kind, Title: q.Title, HeldOn: q.HeldOn, StartTime: q.StartTime,
		EndTime: q.EndTime, Minutes: q.Minutes, Venue: q.Venue, Communities: q.Communities, TargetGroups: q.TargetGroups,
		ParticipantIDs: q.ParticipantIDs, Counted: q.Counted, Volunteers: q.Volunteers, Tags: q.Tags, Summary: q.Summary}
}

func reqOf(e *gongzhi.ServiceEntry) *ledgerReq {
	return &ledgerReq{ContractID: e.ContractID, Kind: e.Kind, Title: e.Title, HeldOn: e.HeldOn, StartTime: e.StartTime, EndTime: e.EndTime,
		Minutes: e.Minutes, Venue: e.Venue, Communities: e.Communities, TargetGroups: e.TargetGroups, ParticipantIDs: e.ParticipantIDs,
		Counted: e.Counted, Volunteers: e.Volunteers, Tags: e.Tags, Summary: e.Summary}
}

// volunteerUnits are the unit suffixes a volunteer's time may carry in the form, in minutes.
var volunteerUnits = map[string]int{"分钟": 1, "分": 1, "min": 1, "mins": 1, "minutes": 1, "小时": 60, "时": 60, "h": 60, "hr": 60, "hrs": 60, "hours": 60}

// volunteerMinutes reads a volunteer's time from the form: whole minutes ("90"), or a number
// with a unit ("90分钟", "1.5小时", "2h"), hours rounded to the minute. A bare number with a
// fraction ("1.5") is refused: minutes are whole, and hours must say so.
func volunteerMinutes(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	per := 1
	for u, m := range volunteerUnits {
		if n, ok := strings.CutSuffix(s, u); ok && n != "" {
			if _, err := strconv.ParseFloat(n, 64); err == nil {
				s, per = n, m
				break
			}
		}
	}
	if per == 1 {
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	h, err := strconv.ParseFloat(s, 64)
	if err != nil || h < 0 || h > 24*365 {
		return 0, false
	}
	return int(math.Round(h * float64(per))), true
}

// readLedgerReq reads an entry from JSON (API) or the form (UI). In the form, volunteers are
// one per line: "name time" or "#person-id time", the time in minutes or with a unit
// ("张三 90", "张三 90分钟", "张三 1.5小时"; see volunteerMinutes).
func (s *Server) readLedgerReq(w http.ResponseWriter, r *http.Request) (*ledgerReq, gongzhi.FieldErrors, error) {
	q := &ledgerReq{}
	f := gongzhi.FieldErrors{}
	if web.IsAPIPath(r) {
		return q, f, web.DecodeJSON(w, r, q)
	}
	if err := r.ParseForm(); err != nil {
		return nil, nil, gongzhi.Invalid("form", "bad_text")
	}
	v := r.PostForm
	num := func(name string) int {
		x := strings.TrimSpace(v.Get(name))
		if x == "" {
			return 0
		}
		n, err := strconv.Atoi(x)
		if err != nil {
			f.Add(name, "number")
		}
		return n
	}
	q.ContractID = int64(num("contract_id"))
	q.Kind, q.Title, q.HeldOn = v.Get("kind"), v.Get("title"), v.Get("held_on")
	q.StartTime, q.EndTime, q.Venue, q.Summary, q.Reason = v.Get("start_time"), v.Get("end_time"), v.Get("venue"), v.Get("summary"), v.Get("reason")
	q.Minutes, q.Counted = num("minutes"), num("counted")
	q.Communities, q.TargetGroups = v["communities"], v["target_groups"]
	q.Tags = gongzhi.SplitTags(v.Get("tags"))
	for _, x := range v["participant_ids"] {
		for _, part := range strings.FieldsFunc(x, func(c rune) bool { return c == ',' || c == ' ' || c == '，' || c == '\n' }) {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil {
				f.Add("participant_ids", "number")
				continue
			}
			q.ParticipantIDs = append(q.ParticipantIDs, id)
		}
	}
	for i, line := range strings.Split(v.Get("volunteers"), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		fs := strings.Fields(strings.ReplaceAll(line, "，", " "))
		if len(fs) > 2 && volunteerUnits[strings.ToLower(fs[len(fs)-1])] != 0 { // "张三 1.5 小时"
			fs = append(fs[:len(fs)-2], fs[len(fs)-2]+fs[len(fs)-1])
		}
		mins, ok := volunteerMinutes(fs[len(fs)-1])
		if len(fs) < 2 || !ok {
			f.Add("volunteers", "ledger.volunteer_line:"+strconv.Itoa(i+1))
			continue
		}
		vol := gongzhi.Volunteer{Name: strings.Join(fs[:len(fs)-1], " "), Minutes: mins}
		if id, ok := strings.CutPrefix(vol.Name, "#"); ok {
			if n, err := strconv.ParseInt(id, 10, 64); err == nil {
				vol.PersonID, vol.Name = n, ""
			}
		}
		q.Volunteers = append(q.Volunteers, vol)
	}
	return q, f, nil
}

// ---- the list

func (s *Server) ledgerList(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, ledgerFilters...)
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.Entries))
	}
	names := s.OffPlaceNames(r.Context(), ac, gongzhi.LevelCommunity)
	lv := &web.ListView{Action: "/ledger", Q: opts.Q}
	total, err := s.svc.Entries(r.Context(), ac, opts, func(e *gongzhi.ServiceEntry) error {
		lv.Rows = append(lv.Rows, []web.Cell{{Text: e.HeldOn}, {Text: e.Title, Href: ledgerHref(e.ID)}, {Text: web.T(lang, "ledger.kind."+e.Kind)},
			{Text: e.ContractTitle, Href: "/ledger/contracts/" + web.FmtInt(e.ContractID)}, {Text: e.ProviderName}, {Text: placeList(names, e.Communities)},
			{Text: strconv.Itoa(e.Visits), Class: "num"}, {Text: web.T(lang, "ledger.state."+e.State)}})
		return nil
	})
	if err != nil {
		return err
	}
	lv.Total, lv.Page = total, pg
	web.PageLinks(r, lv, []web.ColDef{{Label: web.T(lang, "ledger.held_on"), Sort: "held_on"}, {Label: web.T(lang, "ledger.title"), Sort: "title"}, {Label: web.T(lang, "ledger.kind"), Sort: "kind"},
		{Label: web.T(lang, "ledger.contract"), Sort: ""}, {Label: web.T(lang, "ledger.provider"), Sort: ""}, {Label: web.T(lang, "ledger.communities"), Sort: ""},
		{Label: web.T(lang, "ledger.visits"), Sort: "visits"}, {Label: web.T(lang, "ledger.state"), Sort: ""}}, opts.Limit)
	var contractOpts []web.Option
	// the contract filter: a role that reads entries but not contracts' progress (community staff)
	// gets no contract choices
	contracts, err := s.svc.LedgerContracts(r.Context(), ac)
	if err != nil && gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
		return err
	}
	contractOpts = append(contractOpts, web.Option{Value: "", Label: web.T(lang, "list.all")})
	for _, c := range contracts {
		contractOpts = append(contractOpts, web.Option{Value: web.FmtInt(c.ID), Label: c.Title})
	}
	commOpts := []web.Option{{Value: "", Label: web.T(lang, "list.all")}}
	for _, c := range web.OffSortedKeys(names) {
		commOpts = append(commOpts, web.Option{Value: c, Label: names[c]})
	}
	lv.Filters = []web.Field{
		web.FilterSelect(r, "contract", web.T(lang, "ledger.contract"), contractOpts),
		web.FilterSelect(r, "kind", web.T(lang, "ledger.kind"), web.EnumOptions(lang, "ledger.kind", gongzhi.ActivityKinds, true)),
		web.FilterSelect(r, "community", web.T(lang, "ledger.communities"), commOpts),
		{Name: "month", Label: web.T(lang, "ledger.month"), Type: "month", Value: r.URL.Query().Get("month")},
		web.FilterSelect(r, "state", web.T(lang, "ledger.state"), web.EnumOptions(lang, "ledger.state", []string{gongzhi.EntryActive, gongzhi.EntryVoided}, true)),
	}
	q := r.URL.Query()
	q.Del("page")
	lv.ExportURL = "/ledger/export.xlsx?" + q.Encode()
	if ledger.MayRecordEntries(ac) {
		lv.NewURL = "/ledger/new"
		if c := r.URL.Query().Get("contract"); c != "" {
			lv.NewURL += "?contract=" + url.QueryEscape(c)
		}
	}
	lp := &web.OffListPage{ListView: lv}
	for _, c := range contracts {
		lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "ledger.progress_of:"+c.Title), Href: "/ledger/contracts/" + web.FmtInt(c.ID)})
		if len(lp.Links) >= 8 {
			break
		}
	}
	if ledger.MayRunSurveys(ac) {
		lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "nav.surveys"), Href: "/surveys"})
	}
	if ledger.MayLinkResidents(ac) {
		lp.Links = append(lp.Links, web.ActionLink{Label: web.T(lang, "resident.link"), Href: "/resident-links"})
	}
	s.Render(w, r, http.StatusOK, "p_office_list", &web.Page{Title: web.T(lang, "nav.ledger"), Active: "/ledger", Data: lp})
	return nil
}

func placeList(names map[string]string, codes []string) string {
	var out []string
	for _, c := range codes {
		if n := names[c]; n != "" {
			out = append(out, n)
		} else {
			out = append(out, c)
		}
	}
	return strings.Join(out, "、")
}

func (s *Server) ledgerExport(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, _ := web.ListOptions(r, ledgerFilters...)
	opts.Limit, opts.Offset = 0, 0
	names := s.OffPlaceNames(r.Context(), ac, gongzhi.LevelCommunity)
	var rows [][]any
	if _, err := s.svc.Entries(r.Context(), ac, opts, func(e *gongzhi.ServiceEntry) error {
		rows = append(rows, []any{e.ID, e.HeldOn, e.StartTime, e.EndTime, e.Minutes, web.T(lang, "ledger.kind."+e.Kind), e.Title, e.ContractTitle,
			e.ProviderName, e.Venue, placeList(names, e.Communities), e.Visits, e.Counted, float64(e.VolunteerMinutes()) / 60, e.Summary,
			web.T(lang, "ledger.state."+e.State), e.Version, e.CreatedBy})
		return nil
	}); err != nil {
		return err
	}
	web.OffSendXLSX(w, web.OffXlsxName("ledger"))
	headers := []string{"ID", web.T(lang, "ledger.held_on"), web.T(lang, "ledger.start_time"), web.T(lang, "ledger.end_time"), web.T(lang, "ledger.minutes"),
		web.T(lang, "ledger.kind"), web.T(lang, "ledger.title"), web.T(lang, "ledger.contract"), web.T(lang, "ledger.provider"), web.T(lang, "ledger.venue"),
		web.T(lang, "ledger.communities"), web.T(lang, "ledger.visits"), web.T(lang, "ledger.counted"), web.T(lang, "ledger.volunteer_hours"),
		web.T(lang, "ledger.summary"), web.T(lang, "ledger.state"), web.T(lang, "ledger.version"), web.T(lang, "ledger.created_by")}
	return xlsx.Export(w, web.T(lang, "nav.ledger"), headers, web.OffRowsSeq(rows))
}

// ---- the entry form

func (s *Server) ledgerNew(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.URL.Query().Get("contract"), 10, 64)
	if id == 0 {
		return s.ledgerPickContract(w, r)
	}
	req := &ledgerReq{ContractID: id, HeldOn: gongzhi.DateOf(s.svc.Now()), Kind: gongzhi.ActivityGroup}
	return s.ledgerForm(w, r, "/ledger/new", req, nil, false)
}

// ledgerPickContract lists the caller's signed contracts to record an entry on.
func (s *Server) ledgerPickContract(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if !ledger.MayRecordEntries(ac) {
		return gongzhi.Forbidden()
	}
	// the contract filter: a role that reads entries but not contracts' progress (community staff)
	// gets no contract choices
	contracts, err := s.svc.LedgerContracts(r.Context(), ac)
	if err != nil && gongzhi.ErrorCode(err) != gongzhi.EFORBIDDEN {
		return err
	}
	lv := &web.ListView{Action: "/ledger/new", Total: len(contracts), Page: 1, Pages: 1,
		Columns: []web.ListCol{{Label: web.T(lang, "ledger.contract")}, {Label: web.T(lang, "ledger.provider")}, {Label: web.T(lang, "action.create")}}}
	for _, c := range contracts {
		lv.Rows = append(lv.Rows, []web.Cell{{Text: c.Title, Href: "/ledger/contracts/" + web.FmtInt(c.ID)}, {Text: c.ProviderName},
			{Text: web.T(lang, "ledger.new"), Href: "/ledger/new?contract=" + web.FmtInt(c.ID)}})
	}
	s.Render(w, r, http.StatusOK, "p_office_list", &web.Page{Title: web.T(lang, "ledger.pick_contract"), Active: "/ledger", Data: &web.OffListPage{ListView: lv}})
	return nil
}

// ledgerForm renders the entry form (a new entry, or a correction of entry) with errors.
func (s *Server) ledgerForm(w http.ResponseWriter, r *http.Request, action string, req *ledgerReq, e *gongzhi.Error, correct bool) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ct, served, people, err := s.svc.LedgerChoices(r.Context(), ac, req.ContractID)
	if err != nil {
		return err
	}
	errs := web.OffFieldErrs(lang, e)
	names := s.OffPlaceNames(r.Context(), ac, gongzhi.LevelCommunity)
	var comm []web.Option
	for _, c := range served {
		comm = append(comm, web.Option{Value: c, Label: placeList(names, []string{c})})
	}
	var ppl []web.Option
	for _, p := range people {
		label := p.Name
		if len(served) > 1 {
			label += "（" + placeList(names, []string{p.PlaceCode}) + "）"
		}
		ppl = append(ppl, web.Option{Value: web.FmtInt(p.PersonID), Label: label})
	}
	if len(served) == 1 && len(req.Communities) == 0 && !correct {
		req.Communities = served
	}
	ids := make([]string, 0, len(req.ParticipantIDs))
	for _, id := range req.ParticipantIDs {
		ids = append(ids, web.FmtInt(id))
	}
	var vols []string
	for _, v := range req.Volunteers {
		n := v.Name
		if v.PersonID != 0 {
			n = "#" + web.FmtInt(v.PersonID)
		}
		vols = append(vols, n+" "+strconv.Itoa(v.Minutes))
	}
	l := s.OffLabelsFor(r)
	numText := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	period := ""
	if ct.Current != nil {
		period = ct.Current.Terms.StartOn + " — " + ct.Current.Terms.EndOn
	}
	fv := &web.FormView{Action: action, Cancel: "/ledger/contracts/" + web.FmtInt(ct.ID), Submit: web.T(lang, "action.save"),
		Intro: ct.Title + " · " + web.T(lang, "ledger.period") + " " + period}
	fv.Fields = []web.Field{
		{Name: "contract_id", Type: "hidden", Value: web.FmtInt(ct.ID)},
		{Name: "kind", Label: web.T(lang, "ledger.kind"), Type: "select", Value: req.Kind, Options: web.EnumOptions(lang, "ledger.kind", gongzhi.ActivityKinds, false), Required: true, Error: errs["kind"]},
		{Name: "title", Label: web.T(lang, "ledger.title"), Type: "text", Value: req.Title, Required: true, Error: errs["title"]},
		{Name: "held_on", Label: web.T(lang, "ledger.held_on"), Type: "date", Value: req.HeldOn, Required: true, Error: errs["held_on"]},
		{Name: "start_time", Label: web.T(lang, "ledger.start_time"), Type: "time", Value: req.StartTime, Error: errs["start_time"]},
		{Name: "end_time", Label: web.T(lang, "ledger.end_time"), Type: "time", Value: req.EndTime, Error: errs["end_time"]},
		{Name: "minutes", Label: web.T(lang, "ledger.minutes"), Type: "number", Value: numText(req.Minutes), Error: errs["minutes"], Help: web.T(lang, "ledger.minutes_help")},
		{Name: "venue", Label: web.T(lang, "ledger.venue"), Type: "text", Value: req.Venue, Error: errs["venue"]},
		{Name: "communities", Label: web.T(lang, "ledger.communities"), Type: "multi", Values: req.Communities, Options: comm, Required: true, Error: errs["communities"], Wide: true},
		{Name: "target_groups", Label: web.T(lang, "ledger.target_groups"), Type: "multi", Values: req.TargetGroups, Options: s.OffGroupOptions(r, l, ""), Error: errs["target_groups"], Wide: true},
		{Name: "participant_ids", Label: web.T(lang, "ledger.participants"), Type: "multi", Values: ids, Options: ppl, Error: errs["participant_ids"], Wide: true, Help: web.T(lang, "ledger.participants_help")},
		{Name: "counted", Label: web.T(lang, "ledger.counted"), Type: "number", Value: numText(req.Counted), Error: errs["counted"], Help: web.T(lang, "ledger.counted_help")},
		{Name: "volunteers", Label: web.T(lang, "ledger.volunteers"), Type: "textarea", Value: strings.Join(vols, "\n"), Error: firstErr(errs, "volunteers"), Help: web.T(lang, "ledger.volunteers_help"), Wide: true},
		{Name: "tags", Label: web.T(lang, "ledger.tags"), Type: "text", Value: strings.Join(req.Tags, "、"), Error: firstErr(errs, "tags"), Help: ledgerTagsHelp(lang, ct), Wide: true},
		{Name: "summary", Label: web.T(lang, "ledger.summary"), Type: "textarea", Value: req.Summary, Required: true, Error: errs["summary"], Wide: true},
	}
	title := web.T(lang, "ledger.new")
	if correct {
		title = web.T(lang, "ledger.correct")
		fv.Fields = append(fv.Fields, web.Field{Name: "reason", Label: web.T(lang, "ledger.reason"), Type: "textarea", Value: req.Reason, Required: true, Error: errs["reason"], Wide: true})
	}
	if msg := errs["contract_id"]; msg != "" {
		fv.Intro += " — " + msg
	}
	status := http.StatusOK
	if e != nil {
		status = http.StatusUnprocessableEntity
	}
	s.Render(w, r, status, "form", &web.Page{Title: title, Active: "/ledger", Data: fv, Error: e})
	return nil
}

// firstErr returns the reason of a field or of its first sub-field (volunteers.0.name).
func firstErr(errs map[string]string, name string) string {
	if v := errs[name]; v != "" {
		return v
	}
	keys := web.OffSortedKeys(errs)
	for _, k := range keys {
		if strings.HasPrefix(k, name+".") {
			return errs[k]
		}
	}
	return ""
}

func (s *Server) ledgerCreate(w http.ResponseWriter, r *http.Request) error {
	req, parsed, err := s.readLedgerReq(w, r)
	if err != nil {
		return err
	}
	e := req.entry()
	if len(parsed) > 0 {
		err = parsed.Err()
	} else {
		err = s.svc.RecordEntry(r.Context(), web.ActorOf(r), e)
	}
	if err != nil {
		if fe, ok := web.OffFormError(err); ok && !web.IsAPIPath(r) {
			return s.ledgerForm(w, r, "/ledger/new", req, fe, false)
		}
		return err
	}
	if web.IsAPIPath(r) {
		web.OffWriteSaved(w, true, "/api/v1/ledger/"+web.FmtInt(e.ID), e)
		return nil
	}
	return s.Redirect(w, r, ledgerHref(e.ID), web.T(web.LangOf(r), "saved"))
}

func (s *Server) ledgerCorrect(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	req, parsed, err := s.readLedgerReq(w, r)
	if err != nil {
		return err
	}
	old, _, err := s.svc.Entry(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	req.ContractID = old.ContractID
	e := req.entry()
	if len(parsed) > 0 {
		err = parsed.Err()
	} else {
		err = s.svc.CorrectEntry(r.Context(), web.ActorOf(r), id, e, req.Reason)
	}
	if err != nil {
		if fe, ok := web.OffFormError(err); ok && !web.IsAPIPath(r) {
			return s.ledgerForm(w, r, ledgerHref(id)+"/correct", req, fe, true)
		}
		return err
	}
	return s.ledgerChanged(w, r, id, "saved")
}

// ledgerChanged answers a change to entry id: the entry as it is now on the API, otherwise the
// entry's page with the flash message key.
func (s *Server) ledgerChanged(w http.ResponseWriter, r *http.Request, id int64, flash string) error {
	if web.IsAPIPath(r) {
		got, _, err := s.svc.Entry(r.Context(), web.ActorOf(r), id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, got)
		return nil
	}
	return s.Redirect(w, r, ledgerHref(id), web.T(web.LangOf(r), flash))
}

type voidReq struct {
	Reason string `json:"reason"`
}

func (s *Server) ledgerVoid(w http.ResponseWriter, r *http.Request) error {
	var req voidReq
	id, err := s.DecodeAt(w, r, &req)
	if err != nil {
		return err
	}
	if err := s.svc.VoidEntry(r.Context(), web.ActorOf(r), id, req.Reason); err != nil {
		if fe, ok := web.OffFormError(err); ok && !web.IsAPIPath(r) {
			return s.Redirect(w, r, ledgerHref(id), web.OffErrText(web.LangOf(r), fe))
		}
		return err
	}
	return s.ledgerChanged(w, r, id, "ledger.voided_done")
}

// ---- one entry

type ledgerEntryView struct {
	Detail   web.DetailView
	Entry    *gongzhi.ServiceEntry
	Images   []ledgerFile
	Files    []ledgerFile
	Upload   *web.UploadWidget
	Void     string
	Correct  *web.FormView
	Versions []ledgerVersion
	ErrText  string
}

type ledgerFile struct {
	Name, Href, Thumb, Size, SHA256, Type string
}

type ledgerVersion struct {
	Version          int
	Action, By, At   string
	Reason, Snapshot string
}

func (s *Server) ledgerEntry(w http.ResponseWriter, r *http.Request) error {
	return s.ledgerEntryPage(w, r, http.StatusOK, nil)
}

// ledgerEntryPage renders an entry's page; upErr, if set, is the refusal of a file uploaded to it,
// shown beside the upload form.
func (s *Server) ledgerEntryPage(w http.ResponseWriter, r *http.Request, status int, upErr *gongzhi.Error) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac, lang := web.ActorOf(r), web.LangOf(r)
	e, versions, err := s.svc.Entry(r.Context(), ac, id)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		type withHistory struct {
			*gongzhi.ServiceEntry
			History []gongzhi.EntryVersion `json:"history"`
		}
		if versions == nil {
			versions = []gongzhi.EntryVersion{}
		}
		web.WriteJSON(w, http.StatusOK, withHistory{e, versions})
		return nil
	}
	if r.URL.Query().Get("correct") == "1" {
		return s.ledgerForm(w, r, ledgerHref(id)+"/correct", reqOf(e), nil, true)
	}
	names := s.OffPlaceNames(r.Context(), ac, gongzhi.LevelCommunity)
	l := s.OffLabelsFor(r)
	var people []string
	for _, p := range e.Participants {
		people = append(people, p.Name)
	}
	var vols []string
	for _, v := range e.Volunteers {
		vols = append(vols, fmt.Sprintf("%s %s", v.Name, ledgerHours(lang, v.Minutes)))
	}
	when := e.HeldOn
	if e.StartTime != "" {
		when += " " + e.StartTime + "–" + e.EndTime
	}
	v := &ledgerEntryView{Entry: e}
	v.Detail.Rows = []web.Kv{
		{Label: web.T(lang, "ledger.contract"), Value: e.ContractTitle, Href: "/ledger/contracts/" + web.FmtInt(e.ContractID)},
		{Label: web.T(lang, "ledger.provider"), Value: e.ProviderName},
		{Label: web.T(lang, "ledger.kind"), Value: web.T(lang, "ledger.kind."+e.Kind)},
		{Label: web.T(lang, "ledger.held_on"), Value: when},
		{Label: web.T(lang, "ledger.duration"), Value: ledgerHours(lang, e.Minutes)},
		{Label: web.T(lang, "ledger.venue"), Value: e.Venue},
		{Label: web.T(lang, "ledger.communities"), Value: placeList(names, e.Communities)},
		{Label: web.T(lang, "ledger.target_groups"), Value: l.GroupList(e.TargetGroups)},
		{Label: web.T(lang, "ledger.participants"), Value: strings.Join(people, "、")},
		{Label: web.T(lang, "ledger.counted"), Value: strconv.Itoa(e.Counted)},
		{Label: web.T(lang, "ledger.visits"), Value: strconv.Itoa(e.Visits)},
		{Label: web.T(lang, "ledger.volunteers"), Value: strings.Join(vols, "；")},
		{Label: web.T(lang, "ledger.tags"), Value: strings.Join(e.Tags, "、")},
		{Label: web.T(lang, "ledger.summary"), Value: e.Summary},
		{Label: web.T(lang, "ledger.state"), Value: web.T(lang, "ledger.state."+e.State)},
		{Label: web.T(lang, "ledger.version"), Value: strconv.Itoa(e.Version)},
		{Label: web.T(lang, "ledger.created_by"), Value: e.CreatedBy + " · " + web.OffShowTime(e.CreatedAt)},
	}
	if e.Reason != "" {
		v.Detail.Rows = append(v.Detail.Rows, web.Kv{Label: web.T(lang, "ledger.reason"), Value: e.Reason})
	}
	for _, ev := range e.Evidence {
		f := ledgerFile{Name: ev.Name, Href: fmt.Sprintf("/ledger/%d/evidence/%d", e.ID, ev.ID), Size: ledgerSize(ev.Size), SHA256: ev.SHA256, Type: ev.ContentType}
		if strings.HasPrefix(ev.ContentType, "image/") {
			f.Thumb = f.Href + "?inline=1"
			v.Images = append(v.Images, f)
		} else {
			v.Files = append(v.Files, f)
		}
	}
	if _, writer := ledgerWriterOf(ac, e); writer && e.State == gongzhi.EntryActive {
		v.Upload = &web.UploadWidget{Action: ledgerHref(e.ID) + "/evidence", Submit: web.T(lang, "ledger.upload"), Accept: "image/*,.pdf",
			Label: web.T(lang, "ledger.file:"+web.SizeText(s.UploadLimit(gongzhi.MaxEvidenceSize)))}
		if upErr != nil {
			v.Upload.Error = web.T(lang, web.PpFirstNonEmpty(upErr.Fields["file"], upErr.Fields["sha256"], upErr.Message))
		}
		v.Void = ledgerHref(e.ID) + "/void"
		v.Detail.Actions = []web.ActionLink{{Label: web.T(lang, "ledger.correct"), Href: ledgerHref(e.ID) + "?correct=1"}}
	}
	for i := len(versions) - 1; i >= 0; i-- {
		x := versions[i]
		v.Versions = append(v.Versions, ledgerVersion{Version: x.Version, Action: web.T(lang, "ledger.action."+x.Action), By: x.By, At: web.OffShowTime(x.CreatedAt),
			Reason: x.Reason, Snapshot: fmt.Sprintf("%s · %s · %s %d", x.Entry.HeldOn, x.Entry.Title, web.T(lang, "ledger.visits"), x.Entry.Visits)})
	}
	s.Render(w, r, status, "ledger_entry", &web.Page{Title: e.Title, Active: "/ledger", Data: v})
	return nil
}

// ledgerWriterOf reports whether the actor may change an entry (its organization's).
func ledgerWriterOf(ac *gongzhi.Actor, e *gongzhi.ServiceEntry) (int64, bool) {
	if !ledger.MayRecordEntryFor(ac, e.OrgID) {
		return 0, false
	}
	return ac.User.OrgID, true
}

func ledgerHours(lang string, minutes int) string {
	if minutes == 0 {
		return "—"
	}
	h := float64(minutes) / 60
	return strconv.FormatFloat(h, 'f', -1, 64) + " " + web.T(lang, "ledger.hours")
}

func ledgerSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// ---- evidence

func (s *Server) ledgerEvidenceList(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	e, _, err := s.svc.Entry(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	items := e.Evidence
	if items == nil {
		items = []gongzhi.Evidence{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.Evidence]{Items: items})
	return nil
}

// ledgerUpload stores an evidence file: the entry must be the caller's own and active before
// anything is stored; only images and PDF by name and by content; at most 10 MiB.
func (s *Server) ledgerUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac, lang := web.ActorOf(r), web.LangOf(r)
	if _, err := s.svc.EntryForEvidence(r.Context(), ac, id); err != nil {
		return err
	}
	limit := s.UploadLimit(gongzhi.MaxEvidenceSize)
	up, err := s.ReceiveUpload(w, r, limit, gongzhi.EvidenceNameOK, "ledger.evidence_type")
	if err != nil {
		if gongzhi.ErrorCode(err) == gongzhi.ETOOLARGE {
			err = &gongzhi.Error{Code: gongzhi.ETOOLARGE, Message: "err.too_large:" + web.SizeText(limit), Fields: map[string]string{"file": "ledger.evidence_size:" + web.SizeText(limit)}}
		}
		return s.ledgerUploadFail(w, r, id, err)
	}
	ev := &gongzhi.Evidence{Name: up.Name, Size: up.Size, SHA256: up.SHA256, ContentType: up.ContentType}
	if err := s.svc.AddEvidence(r.Context(), ac, id, ev); err != nil {
		return s.ledgerUploadFail(w, r, id, err)
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusCreated, ev)
		return nil
	}
	return s.Redirect(w, r, ledgerHref(id), web.T(lang, "saved"))
}

func (s *Server) ledgerUploadFail(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if web.IsAPIPath(r) {
		return err
	}
	e := gongzhi.AsError(err)
	if e.Code == gongzhi.EINVALID || e.Code == gongzhi.ETOOLARGE || e.Code == gongzhi.ECONFLICT {
		return s.ledgerEntryPage(w, r, web.PpStatusFor(e), e) // the refusal beside the upload form
	}
	return err
}

func (s *Server) ledgerDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	fileID, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		return gongzhi.NotFound()
	}
	e, _, err := s.svc.Entry(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(e.Evidence, func(ev gongzhi.Evidence) bool { return ev.ID == fileID })
	if i < 0 {
		return gongzhi.NotFound()
	}
	ev := e.Evidence[i]
	f, err := s.Files.Open(ev.SHA256)
	if err != nil {
		return gongzhi.NotFound()
	}
	defer f.Close()
	disp := "attachment"
	if r.URL.Query().Get("inline") == "1" && strings.HasPrefix(ev.ContentType, "image/") {
		disp = "inline"
	}
	w.Header().Set("Content-Type", ev.ContentType)
	w.Header().Set("Content-Disposition", disp+"; filename*=UTF-8''"+url.PathEscape(ev.Name))
	w.Header().Set("X-Content-SHA256", ev.SHA256)
	http.ServeContent(w, r, "", ev.UploadedAt, f)
	return nil
}

// ---- a contract's ledger and progress

type ledgerProgressRow struct {
	Name, Kind, Measure, Target, Done, Percent string
	Bar                                        int // 0–100, for the bar's width
	Over                                       bool
}

type ledgerMonthRow struct {
	Month                                           string
	Entries, Visits, People, Hours, Evidence, Kinds string
	Href                                            string
}

type ledgerContractView struct {
	Contract  *gongzhi.Contract
	Period    string
	Progress  []ledgerProgressRow
	Months    []ledgerMonthRow
	NewURL    string
	ListURL   string
	SurveyURL string
}

type ledgerProgressBody struct {
	ContractID int64                       `json:"contract_id"`
	Title      string                      `json:"title"`
	StartOn    string                      `json:"start_on"`
	EndOn      string                      `json:"end_on"`
	Items      []gongzhi.IndicatorProgress `json:"items"`
}

func (s *Server) ledgerContract(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac, lang := web.ActorOf(r), web.LangOf(r)
	ct, progress, err := s.svc.ContractProgress(r.Context(), ac, id)
	if err != nil {
		return err
	}
	body := ledgerProgressBody{ContractID: ct.ID, Title: ct.Title, Items: progress}
	if body.Items == nil {
		body.Items = []gongzhi.IndicatorProgress{}
	}
	if ct.Current != nil {
		body.StartOn, body.EndOn = ct.Current.Terms.StartOn, ct.Current.Terms.EndOn
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusOK, body)
		return nil
	}
	v := &ledgerContractView{Contract: ct, Period: body.StartOn + " — " + body.EndOn,
		ListURL: "/ledger?contract=" + web.FmtInt(ct.ID)}
	if ct.Current != nil {
		all := append(slices.Clone(ct.Current.Terms.Outputs), ct.Current.Terms.Outcomes...)
		for i, p := range progress {
			m := ""
			if i < len(all) {
				m = gongzhi.IndicatorMeasure(all[i])
			}
			row := ledgerProgressRow{Name: p.Name, Kind: web.T(lang, "ledger.indicator."+p.Kind), Measure: ledgerMeasureLabel(lang, m),
				Target: strconv.FormatInt(p.Target, 10) + " " + p.Unit, Done: strconv.FormatInt(p.Done, 10) + " " + p.Unit,
				Percent: gongzhi.FormatBP(p.DoneBP), Bar: min(p.DoneBP/100, 100), Over: p.DoneBP >= 10000}
			switch {
			case m == gongzhi.MeasureNone:
				row.Done, row.Percent, row.Bar = "—", "—", 0
			case m == gongzhi.MeasureSatisfaction && p.Done == 0:
				row.Done, row.Percent, row.Bar = web.T(lang, "ledger.no_data"), "—", 0
			}
			v.Progress = append(v.Progress, row)
		}
		start, _ := gongzhi.ParseDate(body.StartOn)
		end, _ := gongzhi.ParseDate(body.EndOn)
		today, _ := gongzhi.ParseDate(gongzhi.DateOf(s.svc.Now()))
		if end.After(today) {
			end = today
		}
		for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, gongzhi.ChinaTime); !m.After(end); m = m.AddDate(0, 1, 0) {
			month := m.Format("2006-01")
			sum, err := s.svc.LedgerMonth(r.Context(), ac, ct.ID, month)
			if err != nil {
				return err
			}
			var kinds []string
			for _, k := range gongzhi.ActivityKinds {
				if n := sum.ByKind[k]; n > 0 {
					kinds = append(kinds, web.T(lang, "ledger.kind."+k)+" "+strconv.Itoa(n))
				}
			}
			v.Months = append(v.Months, ledgerMonthRow{Month: month, Entries: strconv.Itoa(sum.Entries), Visits: strconv.FormatInt(sum.Visits, 10),
				People: strconv.FormatInt(sum.People, 10), Hours: strconv.FormatFloat(sum.VolunteerHours, 'f', -1, 64),
				Evidence: strconv.Itoa(sum.Evidence), Kinds: strings.Join(kinds, "、"), Href: "/ledger?contract=" + web.FmtInt(ct.ID) + "&month=" + month})
		}
		slices.Reverse(v.Months)
	}
	if _, ok := ledgerWriterOf(ac, &gongzhi.ServiceEntry{OrgID: ct.OrgID}); ok && ct.State == gongzhi.ContractSigned {
		v.NewURL = "/ledger/new?contract=" + web.FmtInt(ct.ID)
	}
	if ledger.MayRunSurveys(ac) {
		v.SurveyURL = "/surveys/new?contract=" + web.FmtInt(ct.ID)
	}
	s.Render(w, r, http.StatusOK, "ledger_contract", &web.Page{Title: ct.Title, Active: "/ledger", Data: v})
	return nil
}

// ledgerTagsHelp says how tags are typed and which tags the contract's indicators count.
func ledgerTagsHelp(lang string, ct *gongzhi.Contract) string {
	help := web.T(lang, "ledger.tags_help")
	if ct == nil || ct.Current == nil {
		return help
	}
	var tags []string
	for _, ind := range append(slices.Clone(ct.Current.Terms.Outputs), ct.Current.Terms.Outcomes...) {
		if t, ok := strings.CutPrefix(gongzhi.IndicatorMeasure(ind), gongzhi.MeasureTagPrefix); ok && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	if len(tags) > 0 {
		help += " " + web.T(lang, "ledger.tags_counted:"+strings.Join(tags, "、"))
	}
	return help
}

func ledgerMeasureLabel(lang, m string) string {
	if t, ok := strings.CutPrefix(m, gongzhi.MeasureTagPrefix); ok {
		return web.T(lang, "ledger.measure.tag:"+t)
	}
	if k, ok := strings.CutPrefix(m, gongzhi.MeasureEntries+":"); ok {
		return web.T(lang, "ledger.measure.entries_of:"+web.T(lang, "ledger.kind."+k))
	}
	return web.T(lang, "ledger.measure."+m)
}

func (s *Server) ledgerMonthAPI(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	sum, err := s.svc.LedgerMonth(r.Context(), web.ActorOf(r), id, r.PathValue("month"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, sum)
	return nil
}
