// The public complaint pages (no account needed): the submission form with the monthly
// aggregate, the receipt with the tracking code, and the tracking page where the submitter
// follows the case and rates the answer. Nothing here shows anyone else's contact or text: the
// tracking page needs the code and the phone's last four digits, and answers "not found" alike
// for a wrong code and a wrong suffix.

package complaintsweb

import (
	"fmt"
	"gongzhi/internal/complaints"
	"gongzhi/internal/web"
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
)

type cmpPublicView struct {
	Form    *web.FormView
	Pick    *web.CommunityPick
	Stats   []cmpStatRow
	Receipt *cmpReceiptView
}

type cmpReceiptView struct {
	Text, Code, Due, Handler, Contract string
}

type cmpStatRow struct {
	Month, Total, Kinds, Answered, OnTime, Rating string
	Bar                                           int // on-time rate in percent, for the bar
}

// cmpSubmitForm is the complaint form and its community picker (web.CommunityPick): the form is
// shown once a community is chosen.
func (s *Server) cmpSubmitForm(r *http.Request, req *cmpSubmitRequest, errs map[string]string) (*web.FormView, *web.CommunityPick, error) {
	ctx, ac, lang := r.Context(), web.ActorOf(r), web.LangOf(r)
	pick, err := s.PickCommunity(ctx, "/public/complaints", req.CommunityCode, r.URL.Query())
	if err != nil {
		return nil, nil, err
	}
	pick.Error = errs["community_code"]
	about := []web.Option{{Value: "", Label: web.T(lang, "complaint.concerning_none")}, {Value: "hub", Label: web.T(lang, "complaint.concerning_hub")}}
	// the contracts of the chosen community and the places above it (the form is shown once one
	// is chosen), not every contract of the instance
	var cs []gongzhi.PublicContract
	if pick.Chosen != nil {
		if cs, err = s.svc.PublicContractsCovering(ctx, pick.Chosen.Code); err != nil {
			return nil, nil, err
		}
	}
	for _, c := range cs {
		about = append(about, web.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Title + " — " + c.Provider})
	}
	kinds := web.EnumOptions(lang, "complaint.kind", gongzhi.ComplaintKinds, false)
	if req.Kind == "" {
		req.Kind = gongzhi.ComplaintKindComplaint
	}
	concerning := req.Concerning
	if concerning == "" && req.ContractID != 0 {
		concerning = strconv.FormatInt(req.ContractID, 10)
	}
	concernErr := errs["contract_id"]
	f := &web.FormView{Action: "/public/complaints", Submit: web.T(lang, "complaint.submit"), Intro: web.T(lang, "complaint.intro"), Fields: []web.Field{
		{Name: "kind", Label: web.T(lang, "complaint.kind"), Type: "select", Value: req.Kind, Options: kinds, Error: errs["kind"], Required: true},
		pick.Field(),
		{Name: "concerning", Label: web.T(lang, "complaint.concerning"), Type: "select", Value: concerning, Options: about, Error: concernErr,
			Help: web.T(lang, "complaint.concerning_help"), Wide: true},
		{Name: "subject", Label: web.T(lang, "complaint.subject"), Type: "text", Value: req.Subject, Error: errs["subject"], Required: true, Wide: true},
		{Name: "description", Label: web.T(lang, "complaint.description"), Type: "textarea", Value: req.Description, Error: errs["description"],
			Required: true, Wide: true},
	}}
	if complaints.FilesAsResident(ac) {
		f.Intro += " " + web.T(lang, "complaint.intro_resident")
	} else {
		f.Fields = append(f.Fields,
			web.Field{Name: "contact_name", Label: web.T(lang, "complaint.contact_name"), Type: "text", Value: req.ContactName, Error: errs["contact_name"], Required: true},
			web.Field{Name: "contact_phone", Label: web.T(lang, "complaint.contact_phone"), Type: "tel", Value: req.ContactPhone, Error: errs["contact_phone"],
				Required: true, Help: web.T(lang, "complaint.contact_private")})
	}
	return f, pick, nil
}

func (s *Server) cmpStats(r *http.Request) ([]cmpStatRow, error) {
	lang := web.LangOf(r)
	months, err := s.svc.ComplaintStats(r.Context(), "", 12)
	if err != nil {
		return nil, err
	}
	var out []cmpStatRow
	for i := len(months) - 1; i >= 0; i-- {
		m := months[i]
		var kinds []string
		for _, k := range gongzhi.ComplaintKinds {
			if n := m.ByKind[k]; n > 0 {
				kinds = append(kinds, web.T(lang, "complaint.kind."+k)+" "+strconv.Itoa(n))
			}
		}
		row := cmpStatRow{Month: m.Month, Total: strconv.Itoa(m.Total), Kinds: strings.Join(kinds, " · "), Answered: strconv.Itoa(m.Answered),
			OnTime: "—", Rating: "—", Bar: int(m.OnTimeRate*100 + 0.5)}
		if m.Answered > 0 {
			row.OnTime = fmt.Sprintf("%.0f%%", m.OnTimeRate*100)
		}
		if m.Rated > 0 {
			row.Rating = fmt.Sprintf("%.1f", m.AverageRating)
		}
		out = append(out, row)
	}
	return out, nil
}

func (s *Server) cmpPublicForm(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	f, pick, err := s.cmpSubmitForm(r, &cmpSubmitRequest{CommunityCode: r.URL.Query().Get("community")}, nil)
	if err != nil {
		return err
	}
	stats, err := s.cmpStats(r)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, "complaints_public", &web.Page{Title: web.T(lang, "complaint.title_public"), Active: "/public", Data: &cmpPublicView{Form: f, Pick: pick, Stats: stats}})
	return nil
}

// cmpPublicSubmit takes a submission from the public form, the public API, or a signed-in
// resident's API call.
func (s *Server) cmpPublicSubmit(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	var req cmpSubmitRequest
	err := s.Decode(w, r, &req)
	c := &gongzhi.Complaint{Kind: req.Kind, CommunityCode: req.CommunityCode, ContractID: req.ContractID, AboutHub: req.AboutHub,
		Subject: req.Subject, Description: req.Description, ContactName: req.ContactName, ContactPhone: req.ContactPhone}
	switch v := strings.TrimSpace(req.Concerning); {
	case v == "hub":
		c.AboutHub = true
	case v != "":
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n <= 0 {
			err = gongzhi.Invalid("contract_id", "complaint.contract_unknown")
		}
		c.ContractID = n
	}
	if err == nil {
		err = s.svc.SubmitComplaint(r.Context(), web.PpAnonymous(r), c)
	}
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, cmpReceipt{ID: c.ID, Code: c.Code, State: c.State, Route: c.Route, DueAt: c.DueAt})
		return nil
	}
	if e, ok := web.PpFieldErr(err); ok {
		f, pick, ferr := s.cmpSubmitForm(r, &req, web.PpTranslated(lang, e))
		if ferr != nil {
			return ferr
		}
		stats, serr := s.cmpStats(r)
		if serr != nil {
			return serr
		}
		s.Render(w, r, web.PpStatusFor(e), "complaints_public", &web.Page{Title: web.T(lang, "complaint.title_public"), Active: "/public",
			Data: &cmpPublicView{Form: f, Pick: pick, Stats: stats}, Error: e})
		return nil
	} else if err != nil {
		return err
	}
	rc := &cmpReceiptView{Text: web.T(lang, "complaint.receipt_text:"+web.T(lang, "complaint.kind."+c.Kind)), Code: c.Code,
		Due: cmpDueDay(lang, c.DueAt), Handler: cmpHandler(lang, c), Contract: c.ContractTitle}
	s.Render(w, r, http.StatusCreated, "complaints_public", &web.Page{Title: web.T(lang, "complaint.title_receipt"), Active: "/public",
		Data: &cmpPublicView{Receipt: rc}})
	return nil
}

// ---- tracking and rating

type cmpTrackView struct {
	Form     *web.FormView
	Result   *cmpTrackResult
	RateForm *web.FormView
}

type cmpTrackResult struct {
	Subject, StateClass, StateText, Desc string
	Rows                                 []web.Kv
	Answers                              []cmpAnswerView
}

func cmpTrackFormView(lang, code, phone4 string, errs map[string]string) *web.FormView {
	return &web.FormView{Action: "/public/complaints/track", Submit: web.T(lang, "complaint.do_track"), Intro: web.T(lang, "complaint.code_help"), Fields: []web.Field{
		{Name: "code", Label: web.T(lang, "complaint.code"), Type: "text", Value: code, Required: true, Error: errs["code"]},
		{Name: "phone4", Label: web.T(lang, "complaint.phone4"), Type: "text", Value: phone4, Required: true, Error: errs["phone4"]},
	}}
}

func (s *Server) cmpTrackForm(w http.ResponseWriter, r *http.Request) error {
	lang := web.LangOf(r)
	s.Render(w, r, http.StatusOK, "complaints_track", &web.Page{Title: web.T(lang, "complaint.title_track"), Active: "/public",
		Data: &cmpTrackView{Form: cmpTrackFormView(lang, "", "", nil)}})
	return nil
}

// cmpShowTracked renders the tracking page with the complaint found by code and phone suffix,
// or with the refusal e of the tracking or rating form.
func (s *Server) cmpShowTracked(w http.ResponseWriter, r *http.Request, code, phone4 string, e *gongzhi.Error, flash string) error {
	lang := web.LangOf(r)
	v := &cmpTrackView{Form: cmpTrackFormView(lang, code, phone4, nil)}
	p := &web.Page{Title: web.T(lang, "complaint.title_track"), Active: "/public", Data: v, Flash: flash}
	status := http.StatusOK
	c, err := s.svc.TrackComplaint(r.Context(), web.PpAnonymous(r), code, phone4)
	if err != nil {
		te := gongzhi.AsError(err)
		switch te.Code {
		case gongzhi.EINVALID, gongzhi.ENOTFOUND, gongzhi.ETOOMANY:
		default:
			return err
		}
		v.Form = cmpTrackFormView(lang, code, phone4, web.PpTranslated(lang, te))
		p.Error, status = te, web.StatusOf[te.Code]
		s.Render(w, r, status, "complaints_track", p)
		return nil
	}
	res := &cmpTrackResult{Subject: c.Subject, StateClass: "s-" + c.State, StateText: cmpStateText(lang, c), Desc: c.Description,
		Rows: cmpRows(lang, c), Answers: cmpAnswerViews(lang, c)}
	v.Result = res
	if c.State == gongzhi.ComplaintAnswered && c.Rating == 0 {
		errs := map[string]string{}
		if e != nil {
			errs = web.PpTranslated(lang, e)
			p.Error, status = e, web.StatusOf[e.Code]
		}
		v.RateForm = cmpRateForm(lang, "/public/complaints/rate", []web.Field{{Name: "code", Type: "hidden", Value: code},
			{Name: "phone4", Type: "hidden", Value: phone4}}, errs)
	} else if e != nil {
		p.Error, status = e, web.StatusOf[e.Code]
	}
	s.Render(w, r, status, "complaints_track", p)
	return nil
}

func (s *Server) cmpTrack(w http.ResponseWriter, r *http.Request) error {
	var req cmpTrackRequest
	if err := s.Decode(w, r, &req); err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		c, err := s.svc.TrackComplaint(r.Context(), web.PpAnonymous(r), req.Code, req.Phone4)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, c)
		return nil
	}
	return s.cmpShowTracked(w, r, req.Code, req.Phone4, nil, "")
}

func (s *Server) cmpPublicRate(w http.ResponseWriter, r *http.Request) error {
	var req cmpPublicRateRequest
	err := s.Decode(w, r, &req)
	if err == nil {
		err = s.svc.RateComplaintByCode(r.Context(), web.PpAnonymous(r), req.Code, req.Phone4, req.Rating, req.Comment)
	}
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		c, err := s.svc.TrackComplaint(r.Context(), web.PpAnonymous(r), req.Code, req.Phone4)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, c)
		return nil
	}
	if err != nil {
		e := gongzhi.AsError(err)
		if e.Code != gongzhi.EINVALID && e.Code != gongzhi.ECONFLICT {
			return err
		}
		return s.cmpShowTracked(w, r, req.Code, req.Phone4, e, "")
	}
	return s.cmpShowTracked(w, r, req.Code, req.Phone4, nil, web.T(web.LangOf(r), "complaint.rated_flash"))
}

func (s *Server) cmpAPIStats(w http.ResponseWriter, r *http.Request) error {
	months, _ := strconv.Atoi(r.URL.Query().Get("months"))
	stats, err := s.svc.ComplaintStats(r.Context(), strings.TrimSpace(r.URL.Query().Get("place")), months)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.ComplaintMonth]{Items: stats})
	return nil
}
