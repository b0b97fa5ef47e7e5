// The purchase reports that are disclosed information (docs/domain.md §9): the funding report
// and the needs each funded project answers, readable by anyone without an account or token, for
// a place named in the request (issue 11). Contacts of needs are never in them. The staff's
// /api/v1/reports/… need an account: they default to the caller's own area.

package purchaseweb

import (
	"net/http"
	"strconv"

	"gongzhi"
	"gongzhi/internal/web"
)

func init() {
	web.AddAPIDocs(map[string]web.ApiDoc{
		"GET /api/v1/public/reports/funding":        {Summary: "Funding by category and fiscal year of a place and the places under it: contracts, amount and share (?place: default the top place of the instance; ?from, ?to; no account needed)", Public: true, Resp: offFundingBody{}},
		"GET /api/v1/public/reports/needs-answered": {Summary: "Funded projects of a place with the needs each answers, without contacts (?place: default the top place of the instance; ?call; no account needed)", Public: true, Resp: web.ItemsOf[gongzhi.ProjectNeeds]{}},
	})
}

func (s *Server) publicReportRoutes() {
	s.ApiPublic("GET /api/v1/public/reports/funding", s.publicFunding)
	s.ApiPublic("GET /api/v1/public/reports/needs-answered", s.publicNeedsAnswered)
}

// publicPlace is the report's ?place; without one, the instance's top place (the first, in code
// order, of the highest level it holds): the public has no area of its own.
func (s *Server) publicPlace(r *http.Request) (string, error) {
	if p := r.URL.Query().Get("place"); p != "" {
		return p, nil
	}
	for lvl := 1; lvl <= 5; lvl++ {
		code := ""
		_, err := s.svc.PublicPlaces(r.Context(), "", gongzhi.ListOptions{Filters: map[string]string{"level": strconv.Itoa(lvl)}, Sort: "code", Limit: 1},
			func(p *gongzhi.Place) error {
				if code == "" {
					code = p.Code
				}
				return nil
			})
		if err != nil {
			return "", err
		}
		if code != "" {
			return code, nil
		}
	}
	return "", gongzhi.Invalid("place", "required")
}

func (s *Server) publicFunding(w http.ResponseWriter, r *http.Request) error {
	place, err := s.publicPlace(r)
	if err != nil {
		return err
	}
	from, to := s.offYears(r)
	years, err := s.svc.FundingByCategory(r.Context(), place, from, to)
	if err != nil {
		return err
	}
	if years == nil {
		years = []gongzhi.FundingYear{}
	}
	u := offUnitOf(r)
	web.WriteJSON(w, http.StatusOK, offFundingBody{PlaceCode: place, From: from, To: to, Years: years, Unit: u.Name, UnitFen: int64(u.Fen)})
	return nil
}

func (s *Server) publicNeedsAnswered(w http.ResponseWriter, r *http.Request) error {
	place, err := s.publicPlace(r)
	if err != nil {
		return err
	}
	var callID int64
	if v := r.URL.Query().Get("call"); v != "" {
		callID, _ = strconv.ParseInt(v, 10, 64)
	}
	// the anonymous caller: stripNeed leaves out every contact
	ps, err := s.svc.NeedsAnswered(r.Context(), nil, place, callID)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []gongzhi.ProjectNeeds{}
	}
	web.WriteJSON(w, http.StatusOK, web.ItemsOf[gongzhi.ProjectNeeds]{Items: ps})
	return nil
}
