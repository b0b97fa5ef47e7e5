// Buying social services, the office's side: needs, catalog, budgets, calls, review, awards,
// notice, contracts, payments and reports (issue 3). Routes registered by purchaseOfficeRoutes.
//
// The purchaser and the hub work under /needs, /budgets, /catalog, /calls, /contracts and
// /reports (the pages the navigation links); each page's action has its JSON twin under
// /api/v1, documented in officeAPIDocs. The handlers live in purchase_office_*.go; identifiers
// of this side start with "off" so that they never meet the parties' side's names.

package purchaseweb

import (
	"encoding/json"
	"gongzhi/internal/web"
	"net/http"

	"gongzhi"
)

func (s *Server) purchaseOfficeRoutes() {
	s.offNeedRoutes()
	s.offBudgetRoutes()
	s.offCallRoutes()
	s.offContractRoutes()
	s.offReportRoutes()
	s.offCalendarRoutes()
	s.offBarRoutes()
	s.offPastRoutes()
}

// Documentation-only shapes of some responses.
type (
	offReplacementDoc struct {
		Replacement *gongzhi.PanelMember `json:"replacement"`
		// PoolExhausted: the member was taken off the panel (removed, or in conflict with an
		// applicant), but the draw's pool had no one left to draw
		PoolExhausted bool `json:"pool_exhausted,omitempty"`
	}
	offThresholdDoc struct {
		Threshold json.Number `json:"threshold"`
	}
)

// officeAPIDocs documents the API routes of this file for the OpenAPI document.
func officeAPIDocs() map[string]web.ApiDoc {
	calls := "/api/v1/calls/{id}"
	return map[string]web.ApiDoc{
		// the office calendar
		"GET /api/v1/holidays":          {Summary: "The office calendar of a year (?year=, default this year): public holidays on weekdays and weekend days worked in exchange", Resp: web.ItemsOf[gongzhi.Holiday]{}, Filters: []string{"year"}},
		"PUT /api/v1/holidays/{day}":    {Summary: "Set a calendar day (YYYY-MM-DD): a holiday, or a worked weekend day with workday true (purchaser)", Req: gongzhi.Holiday{}, Resp: gongzhi.Holiday{}},
		"DELETE /api/v1/holidays/{day}": {Summary: "Return a day to the Monday–Friday rule (purchaser)"},

		// needs
		"GET /api/v1/needs":              {Summary: "List needs within your scope (purchaser, hub, community, grid worker, auditor)", Resp: gongzhi.Need{}, List: true, Filters: offNeedFilters},
		"GET /api/v1/needs.xlsx":         {Summary: "Export needs to Excel (same filters as the list)", Binary: true, Filters: offNeedFilters},
		"GET /api/v1/needs/map":          {Summary: "The needs map: needs counted by community × target group × category (same filters as the list)", Resp: web.ItemsOf[gongzhi.NeedsCell]{}},
		"POST /api/v1/needs":             {Summary: "Record a need heard by staff (purchaser, hub, community, grid worker)", Req: gongzhi.Need{}, Resp: gongzhi.Need{}, Status: http.StatusCreated},
		"GET /api/v1/needs/{id}":         {Summary: "Get one need", Resp: gongzhi.Need{}},
		"GET /api/v1/needs/{id}/history": {Summary: "State history of one need", Resp: web.ItemsOf[gongzhi.StateChange]{}},

		// budgets and the catalog
		"GET /api/v1/budgets":             {Summary: "List budgets within your scope with what is available (purchaser, hub, auditor)", Resp: offBudgetView{}, List: true, Filters: offBudgetFilters},
		"GET /api/v1/budgets.xlsx":        {Summary: "Export budgets to Excel (same filters as the list)", Binary: true, Filters: offBudgetFilters},
		"POST /api/v1/budgets":            {Summary: "Create a budget (purchaser); amount in fen, or a string in yuan", Req: gongzhi.Budget{}, Resp: offBudgetView{}, Status: http.StatusCreated},
		"GET /api/v1/budgets/{id}":        {Summary: "Get one budget with what is available", Resp: offBudgetView{}},
		"PUT /api/v1/budgets/{id}":        {Summary: "Change a budget's name, year, level, fund, notes or amount (purchaser)", Req: gongzhi.Budget{}, Resp: offBudgetView{}},
		"GET /api/v1/budgets/{id}/ledger": {Summary: "A budget's ledger: reservations, releases and payments", Resp: web.ItemsOf[gongzhi.LedgerEntry]{}},
		"GET /api/v1/catalog":             {Summary: "The purchase catalog: service categories with standards and price ranges", Resp: web.ItemsOf[gongzhi.ServiceCategory]{}},
		"POST /api/v1/catalog":            {Summary: "Add a service category to the catalog (purchaser)", Req: gongzhi.ServiceCategory{}, Resp: gongzhi.ServiceCategory{}, Status: http.StatusCreated},
		"PUT /api/v1/catalog/{code}":      {Summary: "Change a service category: names, standard, price range, whether amounts outside it are allowed with a reason (allow_exceptions), active (purchaser)", Req: gongzhi.ServiceCategory{}, Resp: gongzhi.ServiceCategory{}},

		// calls
		"GET /api/v1/calls":                                 {Summary: "List calls (staff: every call within scope; others: calls open or past it)", Resp: gongzhi.Call{}, List: true, Filters: offCallFilters},
		"GET /api/v1/calls.xlsx":                            {Summary: "Export calls to Excel (same filters as the list)", Binary: true, Filters: offCallFilters},
		"POST /api/v1/calls":                                {Summary: "Write a draft call (purchaser)", Req: gongzhi.Call{}, Resp: gongzhi.Call{}, Status: http.StatusCreated},
		"GET " + calls:                                      {Summary: "Get one call", Resp: gongzhi.Call{}},
		"PUT " + calls:                                      {Summary: "Save a draft call's terms (purchaser; drafts only)", Req: gongzhi.Call{}, Resp: gongzhi.Call{}},
		"GET " + calls + "/history":                         {Summary: "A call's full state history: the call, applications, panel, scores, awards, objections, contracts, payments", Resp: web.ItemsOf[gongzhi.StateChange]{}},
		"GET " + calls + "/needs":                           {Summary: "The needs a call answers", Resp: web.ItemsOf[gongzhi.Need]{}},
		"GET " + calls + "/applications":                    {Summary: "A call's submitted applications (staff)", Resp: gongzhi.Application{}, List: true, Filters: []string{"state", "states", "category"}},
		"GET " + calls + "/applications/{app}":              {Summary: "One application of the call", Resp: gongzhi.Application{}},
		"GET " + calls + "/applications/{app}/scores":       {Summary: "The experts' scores of an application (staff)", Resp: web.ItemsOf[gongzhi.Score]{}},
		"GET " + calls + "/applications/{app}/history":      {Summary: "An application's state history", Resp: web.ItemsOf[gongzhi.StateChange]{}},
		"POST " + calls + "/applications/{app}/prelim":      {Summary: "Preliminary review: eligible, or rejected with the reason the provider sees (hub, purchaser; call closed)", Req: offPrelimReq{}, Resp: gongzhi.Application{}},
		"POST " + calls + "/applications/{app}/paper-score": {Summary: "Enter a panel member's paper score sheet for one application: a member without an account (person_id), their criteria scores in the call's order and comment, declared: the sheet carries their signed declaration of no conflict (purchaser, the review's secretary; call in review). Once per member and application; the score records who entered it (entered_by). 409 person_id review.member_has_account for a member with an account", Req: offPaperScoreReq{}, Resp: gongzhi.Score{}},
		"GET " + calls + "/panel":                           {Summary: "The panel draw: seed, pool and every expert examined, selected or excluded with the reason", Resp: gongzhi.PanelDraw{}},
		"POST " + calls + "/panel":                          {Summary: "Draw the review panel with a recorded seed (purchaser; call closed)", Req: offDrawReq{}, Resp: gongzhi.PanelDraw{}},
		"POST " + calls + "/panel/remove":                   {Summary: "Take a member who has scored nothing off the panel, with the reason; the replacement is drawn in the same order (purchaser). replacement null with pool_exhausted true: the expert pool had no one left to draw", Req: offMemberReq{}, Resp: offReplacementDoc{}},
		"POST " + calls + "/conflicts":                      {Summary: "Record an expert's conflict of interest with an organization (purchaser); a panel member in conflict with an applicant is taken off and replaced in the same order. replacement null: no member was taken off, or, with pool_exhausted true, the expert pool had no one left to draw", Req: offConflictReq{}, Resp: offReplacementDoc{}},
		"POST " + calls + "/open":                           {Summary: "Open a draft call and reserve its amount from the budget (purchaser)", Resp: gongzhi.Call{}},
		"POST " + calls + "/close":                          {Summary: "Close an open call after its deadline (purchaser)", Resp: gongzhi.Call{}},
		"POST " + calls + "/close-early":                    {Summary: "Close an open call before its deadline, with the reason kept in its history (purchaser)", Req: offCancelReq{}, Resp: gongzhi.Call{}},
		"POST " + calls + "/cancel":                         {Summary: "Cancel a call with the reason; reservations are released (purchaser)", Req: offCancelReq{}, Resp: gongzhi.Call{}},
		"POST " + calls + "/review":                         {Summary: "Start the expert review once every application has had its preliminary review and the panel is drawn (purchaser)", Resp: gongzhi.Call{}},
		"POST " + calls + "/rank":                           {Summary: "Aggregate the scores by the call's rule and rank the applications (purchaser)", Resp: web.ItemsOf[gongzhi.Ranked]{}},
		"GET " + calls + "/ranking":                         {Summary: "A call's ranking", Resp: web.ItemsOf[gongzhi.Ranked]{}},
		"GET " + calls + "/awards":                          {Summary: "A call's awards in rank order", Resp: web.ItemsOf[gongzhi.Award]{}},
		"POST " + calls + "/awards/propose":                 {Summary: "Propose awards in rank order within the call's amount and bands, from a score threshold (purchaser)", Req: offThresholdDoc{}, Resp: web.ItemsOf[gongzhi.Proposal]{}},
		"POST " + calls + "/awards/set":                     {Summary: "Give or change an application's award within the bands, the request and the call's amount (purchaser)", Req: offSetAwardReq{}, Resp: web.ItemsOf[gongzhi.Award]{}},
		"POST " + calls + "/awards/remove":                  {Summary: "Take an application out of the awards with the reason it is not funded (purchaser)", Req: offRemoveAwardReq{}, Resp: web.ItemsOf[gongzhi.Award]{}},
		"POST " + calls + "/publish":                        {Summary: "Publish the results for the public notice, counted in working days (purchaser)", Resp: gongzhi.Call{}},
		"GET " + calls + "/objections":                      {Summary: "Objections to a call's results (staff see who filed them)", Resp: web.ItemsOf[gongzhi.Objection]{}},
		"POST " + calls + "/objections/{oid}/answer":        {Summary: "Answer an objection, upheld or not; an upheld one may overturn the award (purchaser)", Req: offAnswerReq{}, Resp: web.ItemsOf[gongzhi.Objection]{}},
		"POST " + calls + "/finalize":                       {Summary: "Make the awards final once the notice is over and every objection answered (purchaser)", Resp: gongzhi.Call{}},
		"POST " + calls + "/contracts":                      {Summary: "Generate the contract of an award (award_id), or of every live award without one (purchaser)", Req: offContractReq{}, Resp: web.ItemsOf[gongzhi.Contract]{}},

		// contracts and payments
		"GET /api/v1/contracts":                {Summary: "List contracts (staff: within scope; a provider: its own)", Resp: gongzhi.Contract{}, List: true, Filters: offContractFilters},
		"GET /api/v1/contracts.xlsx":           {Summary: "Export contracts to Excel (same filters as the list)", Binary: true, Filters: offContractFilters},
		"GET /api/v1/contracts/{id}":           {Summary: "A contract with the version in force (or its draft), any pending amendment, and what was paid per portion", Resp: gongzhi.Contract{}},
		"GET /api/v1/contracts/{id}/versions":  {Summary: "Every version of a contract with its confirmations", Resp: web.ItemsOf[gongzhi.ContractVersion]{}},
		"POST /api/v1/contracts/{id}/confirm":  {Summary: "Confirm the version waiting for your side (purchaser or provider)", Resp: gongzhi.Contract{}},
		"PUT /api/v1/contracts/{id}/terms":     {Summary: "Replace the terms of the version waiting for confirmation, before either side confirms (purchaser)", Req: gongzhi.ContractTerms{}, Resp: gongzhi.Contract{}},
		"POST /api/v1/contracts/{id}/amend":    {Summary: "Amend a signed contract: new terms with the reason, as a new version (purchaser). An amount outside the category's price range is refused (422 amount price.below_min / price.above_max) unless the category allows exceptions and price_exception gives the reason (422 price_exception price.exception_reason without one); an unchanged amount keeps the reason of the version in force", Req: offTermsReq{}, Resp: gongzhi.ContractVersion{}},
		"GET /api/v1/contracts/{id}/payments":  {Summary: "A contract's payments", Resp: web.ItemsOf[gongzhi.Payment]{}},
		"POST /api/v1/contracts/{id}/payments": {Summary: "Record a payment against a portion of a signed contract (purchaser)", Req: offPaymentReq{}, Resp: gongzhi.Payment{}, Status: http.StatusCreated},

		// reports
		"GET /api/v1/reports/funding":        {Summary: "Funding by category and fiscal year: contracts (imported past contracts included and counted in imported), amount in fen and share, rolled up by level and by place below ?place with subtotals (?place, ?from, ?to, ?unit=yuan|wan; default: your own area). Needs an account; anyone reads a place's report at /api/v1/public/reports/funding", Resp: offFundingBody{}},
		"GET /api/v1/reports/funding.xlsx":   {Summary: "Funding by category and fiscal year as Excel, amounts as numbers in 元 or 万元 (?place, ?from, ?to, ?unit=yuan|wan)", Binary: true},
		"GET /api/v1/reports/needs-answered": {Summary: "Funded projects with the needs each answers (?place, ?call)", Resp: web.ItemsOf[gongzhi.ProjectNeeds]{}},
		"GET /api/v1/reports/on-time":        {Summary: "The on-time payment rate at ?place and below", Resp: gongzhi.OnTimeRate{}},

		// the funding report's roll-up by place
		"GET /api/v1/reports/funding-by-place.xlsx": {Summary: "Funding rolled up by place as Excel: each place's own contracts and its subtotal with the places below, amounts as numbers in 元 or 万元 (?place, ?from, ?to, ?unit=yuan|wan)", Binary: true},
	}
}

func init() {
	web.AddAPIDocs(officeAPIDocs(), partyAPIDocs())
}

// purchaseRoutes registers the purchase pages and API: the office's side, the parties' side and
// the attachments of applications.
func (s *Server) purchaseRoutes() {
	s.purchaseOfficeRoutes()
	s.purchasePartyRoutes()
	s.publicNeedRoutes()
	s.Handle("POST /applications/{id}/attachments/upload", web.Changed, s.uploadAttachment)
	s.Handle("GET /applications/{id}/attachments/{att}", web.Changed, s.downloadAttachment)
	s.Api("POST /api/v1/applications/{id}/attachments/upload", s.uploadAttachment)
	s.Api("GET /api/v1/applications/{id}/attachments/{att}", s.downloadAttachment)
}
