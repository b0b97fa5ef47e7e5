// Complaints and inquiries (投诉/问询): the routes, the API documentation and the messages. The
// staff pages (list, detail with the answer, re-route, reveal and rating forms) are in
// complaints_pages.go, the public pages (submission without an account, tracking and rating by
// code, the monthly aggregate) in complaints_public.go.

package complaintsweb

import (
	"net/http"
	"time"

	"gongzhi"
	"gongzhi/internal/complaints"
	"gongzhi/internal/web"
)

func (s *Server) complaintRoutes() {
	s.Handle("GET /complaints", web.Changed, s.cmpList)
	s.Handle("GET /complaints/export.xlsx", web.Changed, s.cmpExport)
	s.Handle("GET /complaints/{id}", web.Changed, s.cmpDetail)
	s.Handle("POST /complaints/{id}/answer", web.Changed, s.cmpAnswer)
	s.Handle("POST /complaints/{id}/route", web.Changed, s.cmpRoute)
	s.Handle("POST /complaints/{id}/reveal", web.Changed, s.cmpReveal)
	s.Handle("POST /complaints/{id}/rate", web.Changed, s.cmpRate)
	s.Handle("GET /public/complaints", web.Public, s.cmpPublicForm)
	s.Handle("POST /public/complaints", web.Public, s.cmpPublicSubmit)
	s.Handle("GET /public/complaints/track", web.Public, s.cmpTrackForm)
	s.Handle("POST /public/complaints/track", web.Public, s.cmpTrack)
	s.Handle("POST /public/complaints/rate", web.Public, s.cmpPublicRate)

	s.Api("GET /api/v1/complaints", s.cmpList)
	s.Api("POST /api/v1/complaints", s.cmpPublicSubmit)
	s.Api("GET /api/v1/complaints/{id}", s.cmpDetail)
	s.Api("GET /api/v1/complaints/{id}/history", s.cmpAPIHistory)
	s.Api("POST /api/v1/complaints/{id}/answer", s.cmpAnswer)
	s.Api("POST /api/v1/complaints/{id}/route", s.cmpRoute)
	s.Api("POST /api/v1/complaints/{id}/reveal", s.cmpReveal)
	s.Api("POST /api/v1/complaints/{id}/rate", s.cmpRate)
	s.ApiPublic("POST /api/v1/public/complaints", s.cmpPublicSubmit)
	s.ApiPublic("POST /api/v1/public/complaints/track", s.cmpTrack)
	s.ApiPublic("POST /api/v1/public/complaints/rate", s.cmpPublicRate)
	s.ApiPublic("GET /api/v1/public/complaints/stats", s.cmpAPIStats)
	s.ApiPublic("GET /api/v1/public/complaints/contracts", s.cmpAPIContracts)
}

// API bodies.
type cmpSubmitRequest struct {
	Kind          string `json:"kind"`
	CommunityCode string `json:"community_code"`
	ContractID    int64  `json:"contract_id"`
	AboutHub      bool   `json:"about_hub"`
	Concerning    string `json:"concerning"` // the form's one choice: "", "hub" or a contract id
	Subject       string `json:"subject"`
	Description   string `json:"description"`
	ContactName   string `json:"contact_name"`
	ContactPhone  string `json:"contact_phone"`
}

type cmpReceipt struct {
	ID    int64     `json:"id"`
	Code  string    `json:"code"`
	State string    `json:"state"`
	Route string    `json:"route"`
	DueAt time.Time `json:"due_at"`
}

type cmpAnswerRequest struct {
	Answer string `json:"answer"`
}

type cmpRateRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

type cmpTrackRequest struct {
	Code   string `json:"code"`
	Phone4 string `json:"phone4"`
}

type cmpPublicRateRequest struct {
	Code    string `json:"code"`
	Phone4  string `json:"phone4"`
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

type cmpContact struct {
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
}

func complaintAPIDocs() map[string]web.ApiDoc {
	filters := []string{"state", "kind", "route", "overdue", "escalated", "org", "community", "contract"}
	return map[string]web.ApiDoc{
		"GET /api/v1/complaints": {Summary: "List complaints and inquiries within scope (office, hub, auditor and community staff: their place; provider: " +
			"those routed to it; resident: their own). Overdue ones are escalated by a scheduled job, not by this read.", Resp: gongzhi.Complaint{}, List: true, Filters: filters},
		"POST /api/v1/complaints": {Summary: "Submit a complaint, inquiry or suggestion as a signed-in resident (the contact is the account's); " +
			"answers the tracking code", Req: cmpSubmitRequest{}, Resp: cmpReceipt{}, Status: http.StatusCreated},
		"GET /api/v1/complaints/{id}":         {Summary: "A complaint with its answers; the contact masked except for its submitter", Resp: gongzhi.Complaint{}},
		"GET /api/v1/complaints/{id}/history": {Summary: "A complaint's history: submission, routing, escalation, answers, rating, reveals", Resp: web.ItemsOf[gongzhi.ComplaintEvent]{}},
		"POST /api/v1/complaints/{id}/answer": {Summary: "Answer a complaint (the party it waits for: its provider, the hub, the street office)", Req: cmpAnswerRequest{}, Resp: gongzhi.Complaint{}},
		"POST /api/v1/complaints/{id}/route":  {Summary: "Re-route a waiting complaint to the office, the hub or a contract's provider, with a reason (hub, purchaser)", Req: complaints.RouteTarget{}, Resp: gongzhi.Complaint{}},
		"POST /api/v1/complaints/{id}/reveal": {Summary: "Reveal a complaint's full contact (hub, purchaser; audited)", Resp: cmpContact{}},
		"POST /api/v1/complaints/{id}/rate":   {Summary: "Rate the answer of one's own complaint, once, 1–5 (resident); 2 or less reopens it for the office", Req: cmpRateRequest{}, Resp: gongzhi.Complaint{}},
		"POST /api/v1/public/complaints": {Summary: "Submit a complaint, inquiry or suggestion without an account: contact name and phone required; " +
			"throttled per address and phone. Answers the tracking code", Req: cmpSubmitRequest{}, Resp: cmpReceipt{}, Public: true, Status: http.StatusCreated},
		"POST /api/v1/public/complaints/track": {Summary: "Follow a complaint by its tracking code and the last four digits of its phone (not found for either wrong)",
			Req: cmpTrackRequest{}, Resp: gongzhi.Complaint{}, Public: true},
		"POST /api/v1/public/complaints/rate": {Summary: "Rate the answer by tracking code and phone suffix, once, 1–5", Req: cmpPublicRateRequest{}, Resp: gongzhi.Complaint{}, Public: true},
		"GET /api/v1/public/complaints/stats": {Summary: "Monthly aggregate: counts by kind, answered on time, average rating (query place, months)",
			Resp: web.ItemsOf[gongzhi.ComplaintMonth]{}, Public: true},
		"GET /api/v1/public/complaints/contracts": {Summary: "Signed contracts a complaint may concern: title and provider only", Resp: web.ItemsOf[gongzhi.PublicContract]{}, Public: true},
	}
}

func init() {
	web.AddAPIDocs(complaintAPIDocs())
}
