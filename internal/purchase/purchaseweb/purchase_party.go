// Buying social services, the parties' side: providers' applications, experts' reviews and the
// public pages (open calls, notices, objections, the public needs form) (issue 3).
//
// Providers work under /applications, experts under /reviews, and anyone, without an account,
// under /public. Every action has its JSON twin under /api/v1: the providers' and experts' routes
// are registered with s.api (token or session) and documented in partyAPIDocs; the public ones
// under /api/v1/public are registered with s.handle(…, public, …) because they need no account,
// and are therefore not part of the OpenAPI document (which describes the signed-in API).

package purchaseweb

import (
	"net/http"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/web"
)

func (s *Server) purchasePartyRoutes() {
	// providers: applications
	s.Handle("GET /applications", web.Changed, s.ppApps)
	s.Handle("GET /applications/new", web.Changed, s.ppAppNew)
	s.Handle("POST /applications/new", web.Changed, s.ppAppSave(true))
	s.Handle("GET /applications/{id}", web.Changed, s.ppAppDetail)
	s.Handle("GET /applications/{id}/edit", web.Changed, s.ppAppEdit)
	s.Handle("POST /applications/{id}/edit", web.Changed, s.ppAppSave(false))
	s.Handle("POST /applications/{id}/submit", web.Changed, s.ppAppSubmit)
	s.Handle("POST /applications/{id}/withdraw", web.Changed, s.ppAppWithdraw)
	s.Handle("POST /applications/{id}/attachments/{att}/remove", web.Changed, s.ppAttachmentRemove)

	s.Api("GET /api/v1/applications", s.ppApiApps)
	s.Api("POST /api/v1/applications", s.ppApiAppCreate)
	s.Api("GET /api/v1/applications/{id}", s.ppApiApp)
	s.Api("PUT /api/v1/applications/{id}", s.ppApiAppUpdate)
	s.Api("POST /api/v1/applications/{id}/submit", s.ppApiAppSubmit)
	s.Api("POST /api/v1/applications/{id}/withdraw", s.ppApiAppWithdraw)
	s.Api("GET /api/v1/applications/{id}/history", s.ppApiAppHistory)
	s.Api("GET /api/v1/applications/{id}/progress", s.ppApiAppProgress)
	s.Api("POST /api/v1/applications/{id}/attachments", s.ppApiAttachmentAdd)
	s.Api("DELETE /api/v1/applications/{id}/attachments/{att}", s.ppApiAttachmentRemove)

	// experts: reviews
	s.Handle("GET /reviews", web.Changed, s.ppReviews)
	s.Handle("GET /reviews/{id}", web.Changed, s.ppReview)
	s.Handle("POST /reviews/{id}/no-conflict", web.Changed, s.ppNoConflict)
	s.Handle("POST /reviews/{id}/conflict", web.Changed, s.ppConflict)
	s.Handle("GET /reviews/{id}/applications/{app}", web.Changed, s.ppScorePage)
	s.Handle("POST /reviews/{id}/applications/{app}/score", web.Changed, s.ppScore)

	s.Api("GET /api/v1/reviews", s.ppApiReviews)
	s.Api("GET /api/v1/reviews/{id}", s.ppApiReview)
	s.Api("POST /api/v1/reviews/{id}/no-conflict", s.ppNoConflict)
	s.Api("POST /api/v1/reviews/{id}/conflict", s.ppConflict)
	s.Api("GET /api/v1/reviews/{id}/applications", s.ppApiReviewApps)
	s.Api("GET /api/v1/applications/{id}/scores", s.ppApiScores)
	s.Api("POST /api/v1/applications/{id}/scores", s.ppApiScoreSubmit)

	// the public: no account needed
	s.Handle("GET /public", web.Public, s.ppPublicIndex)
	s.Handle("GET /public/calls/{id}", web.Public, s.ppPublicCall)
	s.Handle("POST /public/calls/{id}/objections", web.Public, s.ppPublicObjection)
	s.Handle("GET /public/needs", web.Public, s.ppPublicNeedForm)
	s.Handle("POST /public/needs", web.Public, s.ppPublicNeed)
	s.Handle("GET /public/payments", web.Public, s.ppPublicPayments)

	s.ApiPublic("GET /api/v1/public/calls", s.ppApiPublicCalls)
	s.ApiPublic("GET /api/v1/public/calls/{id}", s.ppApiPublicCall)
	s.ApiPublic("GET /api/v1/public/calls/{id}/notice", s.ppApiPublicNotice)
	s.ApiPublic("GET /api/v1/public/calls/{id}/objections", s.ppApiPublicObjections)
	s.ApiPublic("POST /api/v1/public/calls/{id}/objections", s.ppPublicObjection)
	s.ApiPublic("GET /api/v1/public/communities", s.ppApiPublicCommunities)
	s.ApiPublic("POST /api/v1/public/needs", s.ppPublicNeed)
	s.ApiPublic("GET /api/v1/public/on-time-rate", s.ppApiPublicOnTime)
}

// ---- API documentation

type ppWithdrawRequest struct {
	Reason string `json:"reason"`
}

type ppConflictRequest struct {
	ApplicationIDs []int64 `json:"application_ids"`
	Reason         string  `json:"reason"`
}

type ppReviewStatus struct {
	Status      string               `json:"status"`
	Member      *gongzhi.PanelMember `json:"member,omitempty"`
	Replacement *gongzhi.PanelMember `json:"replacement,omitempty"`
}

// ppProgressBody is where an application stands: each step of the workflow, the preliminary
// review's reason and, once the results are published, the award.
type ppProgressBody struct {
	Application *gongzhi.Application `json:"application"`
	CallState   string               `json:"call_state"`
	ClosesAt    string               `json:"closes_at"`
	Open        bool                 `json:"open"` // the call takes submissions and withdrawals now
	Steps       []ppAppStep          `json:"steps"`
	Award       *gongzhi.Award       `json:"award,omitempty"`
}

type ppStateHistory struct {
	Items []gongzhi.StateChange `json:"items"`
}

type ppScoresBody struct {
	Items []gongzhi.Score `json:"items"`
}

// partyAPIDocs documents the API routes of this file for the OpenAPI document.
func partyAPIDocs() map[string]web.ApiDoc {
	appFilters := []string{"call", "state", "states", "category"}
	return map[string]web.ApiDoc{
		"GET /api/v1/applications": {Summary: "List applications: a provider its own organization's (drafts included); the purchaser, hub and auditor the submitted ones in scope",
			Resp: gongzhi.Application{}, List: true, Filters: appFilters},
		"POST /api/v1/applications": {Summary: "Start a draft application to an open call before its deadline (provider). Money: integer fen, or a string of yuan (\"20000\", \"2万\"); budget lines must add up to the request",
			Req: gongzhi.Application{}, Resp: gongzhi.Application{}, Status: http.StatusCreated},
		"GET /api/v1/applications/{id}":                      {Summary: "An application with its attachments (its provider, staff in scope, a panel expert who declared no conflict)", Resp: gongzhi.Application{}},
		"PUT /api/v1/applications/{id}":                      {Summary: "Replace a draft application before the deadline (provider)", Req: gongzhi.Application{}, Resp: gongzhi.Application{}},
		"POST /api/v1/applications/{id}/submit":              {Summary: "Submit a complete draft before the deadline (provider); 409 application.deadline_passed after it", Resp: gongzhi.Application{}},
		"POST /api/v1/applications/{id}/withdraw":            {Summary: "Withdraw a draft or submitted application before the deadline (provider); the body is optional; answers 200", Req: ppWithdrawRequest{}, Resp: gongzhi.Application{}},
		"GET /api/v1/applications/{id}/history":              {Summary: "Every state change of an application, its award, contract and payments", Resp: ppStateHistory{}},
		"GET /api/v1/applications/{id}/progress":             {Summary: "Where an application stands: each step, the preliminary review's reason, the award", Resp: ppProgressBody{}},
		"POST /api/v1/applications/{id}/attachments":         {Summary: "Record an attachment's metadata (name, size, sha256, content_type) on a draft (provider)", Req: gongzhi.Attachment{}, Resp: gongzhi.Attachment{}, Status: http.StatusCreated},
		"DELETE /api/v1/applications/{id}/attachments/{att}": {Summary: "Remove an attachment from a draft (provider)"},
		"GET /api/v1/reviews":                                {Summary: "The expert's review assignments: the calls whose panel draw examined them", Resp: web.ItemsOf[purchase.ReviewAssignment]{}},
		"GET /api/v1/reviews/{id}":                           {Summary: "The expert's assignment for one call (id is the call's)", Resp: purchase.ReviewAssignment{}},
		"POST /api/v1/reviews/{id}/no-conflict":              {Summary: "Declare no conflict of interest with any applicant of the call (expert); only then are the applications shown", Resp: ppReviewStatus{}},
		"POST /api/v1/reviews/{id}/conflict":                 {Summary: "Declare a conflict of interest with the organizations of some applications, with the reason (expert): excluded and replaced; answers 200", Req: ppConflictRequest{}, Resp: ppReviewStatus{}},
		"GET /api/v1/reviews/{id}/applications":              {Summary: "The applications of a call the expert scores, with whether each is scored", Resp: web.ItemsOf[ppReviewItem]{}},
		"GET /api/v1/applications/{id}/scores":               {Summary: "The experts' scores of an application (staff; a panel expert only after submitting their own). Points are hundredths", Resp: ppScoresBody{}},
		"POST /api/v1/applications/{id}/scores":              {Summary: "Submit the expert's scores, once: criteria in the call's order, each an integer of hundredths of a point or a string of points (\"18.5\"), 0..weight", Req: ppScoreRequest{}, Resp: gongzhi.Score{}, Status: http.StatusCreated},
	}
}

// ---- shared helpers

func ppYuan(lang string, m gongzhi.Money) string {
	return web.T(lang, "party.yuan:"+m.Format())
}
