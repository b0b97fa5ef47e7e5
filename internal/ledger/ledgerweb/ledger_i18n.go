package ledgerweb

import (
	"net/http"

	"gongzhi"
	"gongzhi/internal/web"
)

func ledgerAPIDocs() map[string]web.ApiDoc {
	f := ledgerFilters
	return map[string]web.ApiDoc{
		"GET /api/v1/ledger":                               {Summary: "List ledger entries you may read (provider: its own; purchaser, hub, auditor: within the place; community staff: entries serving their community)", Resp: gongzhi.ServiceEntry{}, List: true, Filters: f},
		"GET /api/v1/ledger.xlsx":                          {Summary: "Export ledger entries to Excel (same filters as the list)", Binary: true, Filters: f},
		"POST /api/v1/ledger":                              {Summary: "Record an activity on one of your signed contracts (provider; social worker of the provider): within the contract period, not in the future, only communities the contract serves, participants residents of those communities", Req: ledgerReq{}, Resp: gongzhi.ServiceEntry{}, Status: http.StatusCreated},
		"GET /api/v1/ledger/{id}":                          {Summary: "One entry with participants, evidence and its earlier versions (history)", Resp: gongzhi.ServiceEntry{}},
		"PUT /api/v1/ledger/{id}":                          {Summary: "Correct an entry with a reason (the entry as it stood is kept in its history)", Req: ledgerReq{}, Resp: gongzhi.ServiceEntry{}},
		"POST /api/v1/ledger/{id}/void":                    {Summary: "Void an entry with a reason: it stays in the ledger and counts no more", Req: voidReq{}, Resp: gongzhi.ServiceEntry{}},
		"GET /api/v1/ledger/{id}/evidence":                 {Summary: "An entry's evidence files with their SHA-256", Resp: web.ItemsOf[gongzhi.Evidence]{}},
		"POST /api/v1/ledger/{id}/evidence":                {Summary: "Upload an evidence file (image or PDF, at most 10 MiB; the type is sniffed from the content)", Upload: true, Resp: gongzhi.Evidence{}, Status: http.StatusCreated},
		"GET /api/v1/ledger/{id}/evidence/{file}/download": {Summary: "Download an evidence file (header X-Content-SHA256 carries its digest)", Binary: true},
		"GET /api/v1/ledger/contracts/{id}/progress":       {Summary: "A contract's indicator progress computed from its ledger (provider: its own; purchaser, hub, auditor; community staff: contracts serving their community)", Resp: ledgerProgressBody{}},
		"GET /api/v1/ledger/summary/{id}/{month}":          {Summary: "A contract's ledger in one month (YYYY-MM): entries by kind, participant visits, distinct people, volunteer hours, evidence files", Resp: gongzhi.LedgerMonthSummary{}},
		"GET /api/v1/ledger/progress":                      {Summary: "Indicator progress of every signed contract of a fiscal year within your scope (query fiscal_year)", Resp: web.ItemsOf[gongzhi.IndicatorProgress]{}, Filters: []string{"fiscal_year"}},
		"GET /api/v1/satisfaction":                         {Summary: "Satisfaction per month (query from, to: YYYY-MM) from survey answers and residents' ratings, with 95% Wilson intervals", Resp: web.ItemsOf[gongzhi.SatisfactionPoint]{}, Filters: []string{"from", "to"}},
		"GET /api/v1/surveys":                              {Summary: "List satisfaction surveys within your place (hub, purchaser, auditor)", Resp: gongzhi.Survey{}, List: true, Filters: []string{"contract"}},
		"POST /api/v1/surveys":                             {Summary: "Draw a sample of a contract's recipients for a margin of error (margin_bp, 500 = ±5% at 95% confidence), stratified by community, with a recorded seed (hub, purchaser)", Req: surveyReq{}, Resp: gongzhi.Survey{}, Status: http.StatusCreated},
		"GET /api/v1/surveys/{id}":                         {Summary: "A survey with its sample, answers and results (rate and Wilson interval, overall and per community)", Resp: gongzhi.Survey{}},
		"POST /api/v1/surveys/{id}/answers":                {Summary: "Record a sampled person's answer: satisfied, unsatisfied or unreachable, or a score 1–5 (4 and 5 count as satisfied), and a comment", Req: answerReq{}, Resp: gongzhi.SurveySample{}},
		"GET /api/v1/my-services":                          {Summary: "The ledger entries the signed-in resident took part in, with their ratings (resident account linked to a person)", Resp: web.ItemsOf[gongzhi.MyService]{}},
		"POST /api/v1/my-services/{id}/rating":             {Summary: "Rate a service you took part in, once (score 1–5 and a comment)", Req: rateReq{}, Resp: gongzhi.ServiceRating{}, Status: http.StatusCreated},
		"POST /api/v1/resident-links":                      {Summary: "Link a resident account (user_id or username) to a resident of your community (community staff); person_id 0 unlinks", Req: linkReq{}},
		"GET /api/v1/account-links":                        {Summary: "Accounts you may link to the people they are, with the person each is linked to (ID number masked): the purchaser experts' accounts of its pool (its place, below and above), the hub social workers', community staff residents' (query role: expert, social_worker, resident; default the first you may link; linked: 1 or 0)", Resp: gongzhi.AccountLink{}, List: true, Filters: []string{"role", "linked"}},
		"GET /api/v1/users/{id}/person":                    {Summary: "One account you may link, with the person it is linked to", Resp: gongzhi.AccountLink{}},
		"GET /api/v1/users/{id}/person/candidates":         {Summary: "People the account may be linked to: of its role's kind (expert, social worker, resident), within your reach, whose name contains q; at most 20, ID numbers masked, no phone numbers", Resp: web.ItemsOf[linkCandidateBody]{}, Filters: []string{"q"}},
		"PUT /api/v1/users/{id}/person":                    {Summary: "Link the account to a person (purchaser: an expert of its pool to an expert's account; hub: a social worker; community staff: a resident of the community); audited. A person has one account: a person linked to another account answers 409 (person_id: link.person_taken, naming that account); the same link again answers 409 (link.already_linked)", Req: accountLinkReq{}, Resp: gongzhi.AccountLink{}},
		"DELETE /api/v1/users/{id}/person":                 {Summary: "Unlink the account from its person (same callers as PUT); audited; an account not linked answers 409 (person_id: link.unlinked_already)", Status: http.StatusNoContent},
	}
}

func init() {
	web.AddAPIDocs(ledgerAPIDocs())
}
