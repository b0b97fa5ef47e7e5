// Barring an organization from calls (禁入) by hand and lifting a bar, in the office's pages and
// the API. A 不合格 final grade bars an organization on its own (internal/evaluation); for
// anything else — a serious breach of contract, say — the purchaser of the place bars it here
// with the reason and the last day, or lifts a bar early. Calls that exclude barred
// organizations refuse their applications while a bar is in force (docs/domain.md §7.4). Every
// bar, in force, ended or lifted, stays listed on the organization's page, and every decision is
// written to the audit log. The purchaser, the hub and the auditor may read the bars.

package purchaseweb

import (
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
)

func init() {
	web.AddAPIDocs(barAPIDocs())
}

func (s *Server) offBarRoutes() {
	s.Handle("GET /organizations/{id}/bars", web.Changed, s.OffWrap(s.offBars))
	s.Handle("POST /organizations/{id}/bars", web.Changed, s.OffWrap(s.offBarSave))
	s.Handle("POST /organizations/{id}/bars/{bar}/lift", web.Changed, s.OffWrap(s.offBarLift))
	s.Api("GET /api/v1/organizations/{id}/bars", s.OffWrap(s.offBars))
	s.Api("POST /api/v1/organizations/{id}/bars", s.OffWrap(s.offBarSave))
	s.Api("POST /api/v1/organizations/{id}/bars/{bar}/lift", s.OffWrap(s.offBarLift))
	s.AddSection("organizations", s.orgBars)
}

// orgBars is the organization's bars from calls decided within the actor's scope, in force,
// ended or lifted, newest first, on the registry's organization page, with a link to the bars
// page that decides and lifts them; nothing for a caller who may not read bars.
func (s *Server) orgBars(r *http.Request, lang, id string) (*web.Related, []web.ActionLink, error) {
	ac := web.ActorOf(r)
	if !purchase.MayReadPurchases(ac) {
		return nil, nil, nil
	}
	orgID, err := web.ParseID(id)
	if err != nil {
		return nil, nil, err
	}
	rel := &web.Related{Title: web.T(lang, "bar.title")}
	rel.List.Columns = []web.ListCol{{Label: web.T(lang, "bar.period")}, {Label: web.T(lang, "bar.reason")}, {Label: web.T(lang, "bar.state")}}
	bars, err := s.svc.Bars(r.Context(), ac, orgID)
	if err != nil {
		return nil, nil, err
	}
	today := s.svc.Today()
	for _, b := range bars {
		rel.List.Rows = append(rel.List.Rows, []web.Cell{{Text: gongzhi.DateOf(b.CreatedAt) + " – " + b.Until}, {Text: b.Reason},
			{Text: web.T(lang, "bar."+b.StateOn(today))}})
	}
	return rel, []web.ActionLink{{Label: web.T(lang, "bar.title"), Href: "/organizations/" + id + "/bars"}}, nil
}

// barAPIDocs are the bar operations of the OpenAPI document.
func barAPIDocs() map[string]web.ApiDoc {
	bars := "/api/v1/organizations/{id}/bars"
	return map[string]web.ApiDoc{
		"GET " + bars:                  {Summary: "An organization's bars from calls decided within your scope, newest first, in force, ended or lifted (purchaser, hub, auditor)", Resp: web.ItemsOf[gongzhi.Ineligibility]{}},
		"POST " + bars:                 {Summary: "Bar an organization from calls until a day (inclusive), with the reason (purchaser of the place)", Req: offBarReq{}, Resp: gongzhi.Ineligibility{}, Status: http.StatusCreated},
		"POST " + bars + "/{bar}/lift": {Summary: "Lift a bar early (purchaser of the place that decided it)", Resp: gongzhi.Ineligibility{}},
	}
}

// offBarReq is the body of a bar through the API.
type offBarReq struct {
	Until  string `json:"until"` // YYYY-MM-DD, inclusive
	Reason string `json:"reason"`
}

// offBarsView is the page of an organization's bars.
type offBarsView struct {
	OrgID   int64
	OrgHref string
	Intro   string
	Bars    []offBarRow
	CanEdit bool
	Form    *web.FormView
}

// offBarRow is one bar as the page shows it.
type offBarRow struct {
	*gongzhi.Ineligibility
	Period  string
	State   string
	InForce bool
}

// offBarOrg returns the organization of the path, once the caller can see it.
func (s *Server) offBarOrg(r *http.Request) (*gongzhi.Organization, error) {
	id, err := web.ParseID(r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return s.svc.Organization(r.Context(), web.ActorOf(r), id)
}

func (s *Server) offBars(w http.ResponseWriter, r *http.Request) error {
	return s.offRenderBars(w, r, http.StatusOK, &offBarReq{}, nil)
}

func (s *Server) offRenderBars(w http.ResponseWriter, r *http.Request, status int, in *offBarReq, e *gongzhi.Error) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	o, err := s.offBarOrg(r)
	if err != nil {
		return err
	}
	bars, err := s.svc.Bars(r.Context(), ac, o.ID)
	if err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		if bars == nil {
			bars = []*gongzhi.Ineligibility{}
		}
		web.WriteJSON(w, http.StatusOK, web.ItemsOf[*gongzhi.Ineligibility]{Items: bars})
		return nil
	}
	id := strconv.FormatInt(o.ID, 10)
	v := &offBarsView{OrgID: o.ID, OrgHref: "/organizations/" + id, Intro: web.T(lang, "bar.intro"), CanEdit: purchase.MayPurchase(ac)}
	today := s.svc.Today()
	for _, b := range bars {
		state := b.StateOn(today)
		v.Bars = append(v.Bars, offBarRow{Ineligibility: b, Period: web.OffShowDate(b.CreatedAt) + " – " + b.Until,
			State: web.T(lang, "bar."+state), InForce: state == "in_force"})
	}
	if v.CanEdit {
		errs := web.OffFieldErrs(lang, e)
		v.Form = &web.FormView{Action: "/organizations/" + id + "/bars", Submit: web.T(lang, "bar.add"), Fields: []web.Field{
			{Name: "until", Label: web.T(lang, "bar.until"), Type: "date", Value: in.Until, Error: errs["until"], Required: true},
			{Name: "reason", Label: web.T(lang, "bar.reason"), Type: "textarea", Value: in.Reason, Error: errs["reason"], Required: true, Wide: true},
		}}
	}
	s.Render(w, r, status, "p_office_bars", &web.Page{Title: web.T(lang, "bar.title") + " · " + o.Name, Active: "/organizations", Data: v, Error: e})
	return nil
}

func (s *Server) offBarSave(w http.ResponseWriter, r *http.Request) error {
	in := &offBarReq{}
	if web.IsAPIPath(r) {
		if err := s.Decode(w, r, in); err != nil {
			return err
		}
	} else {
		in.Until, in.Reason = r.PostFormValue("until"), r.PostFormValue("reason")
	}
	id, err := web.ParseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	bar := &gongzhi.Ineligibility{OrgID: id, Until: in.Until, Reason: in.Reason}
	err = s.svc.BarOrganization(r.Context(), web.ActorOf(r), bar)
	if web.IsAPIPath(r) {
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, bar)
		return nil
	}
	if e, ok := web.OffFormError(err); ok {
		return s.offRenderBars(w, r, web.StatusOf[e.Code], in, e)
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, "/organizations/"+strconv.FormatInt(id, 10)+"/bars", web.T(web.LangOf(r), "bar.done"))
}

// offBarLift lifts a bar of the organization of the path; a bar of another organization is not
// found.
func (s *Server) offBarLift(w http.ResponseWriter, r *http.Request) error {
	ac := web.ActorOf(r)
	o, err := s.offBarOrg(r)
	if err != nil {
		return err
	}
	barID, err := web.ParseID(r.PathValue("bar"))
	if err != nil {
		return err
	}
	bars, err := s.svc.Bars(r.Context(), ac, o.ID)
	if err != nil {
		return err
	}
	var bar *gongzhi.Ineligibility
	for _, b := range bars {
		if b.ID == barID {
			bar = b
		}
	}
	if bar == nil {
		return gongzhi.NotFound()
	}
	if err := s.svc.LiftBar(r.Context(), ac, barID); err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		bar.Lifted = true
		web.WriteJSON(w, http.StatusOK, bar)
		return nil
	}
	return s.Redirect(w, r, "/organizations/"+strconv.FormatInt(o.ID, 10)+"/bars", web.T(web.LangOf(r), "bar.done_lift"))
}
