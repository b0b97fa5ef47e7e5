// The moves of a call, each one a form on the call page and an API endpoint: open, close,
// cancel; the preliminary review; the panel draw, a member's removal and a recorded conflict;
// starting the review; ranking; proposing, setting and removing awards; publishing the notice;
// answering objections; making the awards final; generating contracts. The UI posts a form and
// is sent back to the call page; the API posts JSON and gets the changed record.

package purchaseweb

import (
	"context"
	"encoding/json"
	"gongzhi/internal/web"
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
)

// offCallAction is one move of a call.
type offCallAction struct {
	path   string // after /calls/{id}/
	key    func(r *http.Request) string
	anchor string
	flash  string
	run    func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, callID int64) (any, error)
}

// Requests of the call's moves (the API's JSON bodies; the UI's forms have the same names).
type (
	offCancelReq struct {
		Reason string `json:"reason"`
	}
	offPrelimReq struct {
		Eligible bool   `json:"eligible"`
		Reason   string `json:"reason"`
	}
	offDrawReq struct {
		Size   int      `json:"size"`
		Fields []string `json:"fields"`
		Seed   int64    `json:"seed"` // 0: a random seed, recorded
	}
	offMemberReq struct {
		PersonID int64  `json:"person_id"`
		Reason   string `json:"reason"`
	}
	offConflictReq struct {
		PersonID int64  `json:"person_id"`
		OrgID    int64  `json:"org_id"`
		Reason   string `json:"reason"`
	}
	offProposeReq struct {
		Threshold json.Number `json:"threshold"` // points, at most two decimals: "60" or 60.5
	}
	offSetAwardReq struct {
		ApplicationID  int64         `json:"application_id"`
		Amount         gongzhi.Money `json:"amount"`
		Note           string        `json:"note"`
		PriceException string        `json:"price_exception,omitempty"` // why the amount lies outside the category's price range
	}
	offRemoveAwardReq struct {
		ApplicationID int64  `json:"application_id"`
		Reason        string `json:"reason"`
		Note          string `json:"note"`
	}
	offAnswerReq struct {
		Answer   string `json:"answer"`
		Upheld   bool   `json:"upheld"`
		Overturn bool   `json:"overturn"`
	}
	offContractReq struct {
		AwardID       int64  `json:"award_id"` // 0: every live award without a contract
		PurchaserName string `json:"purchaser_name"`
	}
	// offPaperScoreReq is a panel member's paper score sheet for one application, as the
	// secretary (the purchaser) enters it.
	offPaperScoreReq struct {
		PersonID int64  `json:"person_id"`
		Criteria []any  `json:"criteria"` // hundredths of a point (integer) or points ("18.5"), in the call's order
		Comment  string `json:"comment"`
		Declared bool   `json:"declared"` // the sheet carries the member's signed declaration of no conflict
	}
	offReplacementBody struct {
		Replacement *gongzhi.PanelMember `json:"replacement"`
		// PoolExhausted: the member was removed, but the expert pool had no one left to draw
		PoolExhausted bool `json:"pool_exhausted,omitempty"`
	}
)

// offFormID reads an id from a form value.
func offFormID(f gongzhi.FieldErrors, name, v string) int64 {
	v = strings.TrimSpace(v)
	if v == "" {
		f.Add(name, "required")
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		f.Add(name, "choice")
	}
	return n
}

// offIn decodes an action's request: JSON for the API, the form for the UI (by parse).
func (s *Server) offIn(w http.ResponseWriter, r *http.Request, v any, parse func(f gongzhi.FieldErrors)) error {
	if web.IsAPIPath(r) {
		return s.Decode(w, r, v)
	}
	if err := r.ParseForm(); err != nil {
		return gongzhi.Invalid("form", "bad_text")
	}
	f := gongzhi.FieldErrors{}
	parse(f)
	return f.Err()
}

func offFixedKey(k string) func(*http.Request) string { return func(*http.Request) string { return k } }

func (s *Server) offCallActions() []offCallAction {
	a := s.svc
	simple := func(path, anchor string, do func(ctx context.Context, ac *gongzhi.Actor, id int64) error) offCallAction {
		return offCallAction{path: path, key: offFixedKey(path), anchor: anchor, flash: "call.done." + path,
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				return nil, do(r.Context(), ac, id)
			}}
	}
	return []offCallAction{
		simple("open", "", a.OpenCall),
		simple("close", "applications", a.CloseCall),
		simple("review", "panel", a.StartReview),
		simple("publish", "objections", a.PublishAwards),
		simple("finalize", "awards", a.FinalizeCall),
		{path: "close-early", key: offFixedKey("close-early"), anchor: "applications", flash: "call.done.close",
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				var req offCancelReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) { req.Reason = r.PostFormValue("reason") }); err != nil {
					return nil, err
				}
				return nil, a.CloseCallEarly(r.Context(), ac, id, req.Reason)
			}},
		{path: "cancel", key: offFixedKey("cancel"), flash: "call.done.cancel",
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				var req offCancelReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) { req.Reason = r.PostFormValue("reason") }); err != nil {
					return nil, err
				}
				return nil, a.CancelCall(r.Context(), ac, id, req.Reason)
			}},
		{path: "rank", key: offFixedKey("rank"), anchor: "ranking", flash: "call.done.rank",
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				rs, err := a.RankCall(r.Context(), ac, id)
				if rs == nil {
					rs = []gongzhi.Ranked{}
				}
				return web.ItemsOf[gongzhi.Ranked]{Items: rs}, err
			}},
		{path: "applications/{app}/paper-score", anchor: "applications", flash: "call.done.paper_score",
			key: func(r *http.Request) string { return "paper-" + r.PathValue("app") },
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				ap, err := s.offCallApp(r)
				if err != nil {
					return nil, err
				}
				var req offPaperScoreReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) {
					req.PersonID = offFormID(f, "person_id", r.PostFormValue("person_id"))
					req.Comment, req.Declared = r.PostFormValue("comment"), r.PostFormValue("declared") != ""
					for i := 0; r.PostForm.Has("criteria." + strconv.Itoa(i)); i++ {
						req.Criteria = append(req.Criteria, r.PostFormValue("criteria."+strconv.Itoa(i)))
					}
				}); err != nil {
					return nil, err
				}
				errs := gongzhi.FieldErrors{}
				pts := make([]gongzhi.Points, len(req.Criteria))
				for i, v := range req.Criteria {
					p, reason := ppPoints(v)
					if reason != "" {
						errs.Add("criteria."+strconv.Itoa(i), reason)
					}
					pts[i] = p
				}
				if err := errs.Err(); err != nil {
					return nil, err
				}
				return a.EnterPaperScore(r.Context(), ac, ap.ID, req.PersonID, pts, req.Comment, req.Declared)
			}},
		{path: "applications/{app}/prelim", anchor: "applications", flash: "call.done.prelim",
			key: func(r *http.Request) string { return "prelim-" + r.PathValue("app") },
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				ap, err := s.offCallApp(r)
				if err != nil {
					return nil, err
				}
				var req offPrelimReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) {
					req.Eligible, req.Reason = r.PostFormValue("decision") == "eligible", r.PostFormValue("reason")
				}); err != nil {
					return nil, err
				}
				if err := a.PrelimReview(r.Context(), ac, ap.ID, req.Eligible, req.Reason); err != nil {
					return nil, err
				}
				return a.Application(r.Context(), ac, ap.ID)
			}},
		{path: "panel", key: offFixedKey("panel"), anchor: "panel", flash: "call.done.panel",
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				var req offDrawReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) {
					req.Size = web.OffParseInt(f, "size", r.PostFormValue("size"))
					req.Fields = r.PostForm["fields"]
					if v := strings.TrimSpace(r.PostFormValue("seed")); v != "" {
						n, err := strconv.ParseInt(v, 10, 64)
						if err != nil {
							f.Add("seed", "number")
						}
						req.Seed = n
					}
				}); err != nil {
					return nil, err
				}
				return a.DrawPanel(r.Context(), ac, id, req.Size, req.Fields, req.Seed)
			}},
		{path: "panel/remove", key: offFixedKey("remove-member"), anchor: "panel", flash: "call.done.remove",
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				var req offMemberReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) {
					req.PersonID, req.Reason = offFormID(f, "person_id", r.PostFormValue("person_id")), r.PostFormValue("reason")
				}); err != nil {
					return nil, err
				}
				m, err := a.RemovePanelMember(r.Context(), ac, id, req.PersonID, req.Reason)
				return offReplacementBody{Replacement: m, PoolExhausted: err == nil && m == nil}, err
			}},
		{path: "conflicts", key: offFixedKey("conflict"), anchor: "panel", flash: "call.done.conflict",
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				var req offConflictReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) {
					req.PersonID, req.OrgID = offFormID(f, "person_id", r.PostFormValue("person_id")), offFormID(f, "org_id", r.PostFormValue("org_id"))
					req.Reason = r.PostFormValue("reason")
				}); err != nil {
					return nil, err
				}
				m, exhausted, err := a.RecordConflict(r.Context(), ac, id, req.PersonID, req.OrgID, req.Reason)
				return offReplacementBody{Replacement: m, PoolExhausted: exhausted}, err
			}},
		{path: "awards/propose", key: offFixedKey("propose"), anchor: "ranking", flash: "call.done.propose",
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				var req offProposeReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) { req.Threshold = json.Number(r.PostFormValue("threshold")) }); err != nil {
					return nil, err
				}
				threshold := gongzhi.Points(0)
				if t := strings.TrimSpace(req.Threshold.String()); t != "" {
					p, reason := gongzhi.ParsePoints(t)
					if reason != "" {
						return nil, gongzhi.Invalid("threshold", reason)
					}
					threshold = p
				}
				props, err := a.ProposeAwards(r.Context(), ac, id, threshold)
				if props == nil {
					props = []gongzhi.Proposal{}
				}
				return web.ItemsOf[gongzhi.Proposal]{Items: props}, err
			}},
		{path: "awards/set", anchor: "ranking", flash: "call.done.award",
			key: func(r *http.Request) string { return "award-" + r.PostFormValue("application_id") },
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				var req offSetAwardReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) {
					req.ApplicationID = offFormID(f, "application_id", r.PostFormValue("application_id"))
					req.Amount = web.OffParseYuan(f, "amount", r.PostFormValue("amount"), true)
					req.Note, req.PriceException = r.PostFormValue("note"), r.PostFormValue("price_exception")
				}); err != nil {
					return nil, err
				}
				if err := a.SetAwardPriced(r.Context(), ac, id, req.ApplicationID, req.Amount, req.Note, req.PriceException); err != nil {
					return nil, err
				}
				return s.offAwardsBody(r, id)
			}},
		{path: "awards/remove", anchor: "ranking", flash: "call.done.unaward",
			key: func(r *http.Request) string { return "unaward-" + r.PostFormValue("application_id") },
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				var req offRemoveAwardReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) {
					req.ApplicationID = offFormID(f, "application_id", r.PostFormValue("application_id"))
					req.Reason, req.Note = r.PostFormValue("reason"), r.PostFormValue("note")
				}); err != nil {
					return nil, err
				}
				if err := a.RemoveAward(r.Context(), ac, id, req.ApplicationID, req.Reason, req.Note); err != nil {
					return nil, err
				}
				return s.offAwardsBody(r, id)
			}},
		{path: "objections/{oid}/answer", anchor: "objections", flash: "call.done.answer",
			key: func(r *http.Request) string { return "answer-" + r.PathValue("oid") },
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				oid, err := web.ParseID(r.PathValue("oid"))
				if err != nil {
					return nil, err
				}
				objs, err := a.Objections(r.Context(), ac, id)
				if err != nil {
					return nil, err
				}
				found := false
				for _, o := range objs {
					found = found || o.ID == oid
				}
				if !found {
					return nil, gongzhi.NotFound()
				}
				var req offAnswerReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) {
					req.Answer = r.PostFormValue("answer")
					req.Upheld, req.Overturn = r.PostFormValue("upheld") == "true", r.PostFormValue("overturn") == "true"
				}); err != nil {
					return nil, err
				}
				if err := a.AnswerObjection(r.Context(), ac, oid, req.Answer, req.Upheld, req.Overturn); err != nil {
					return nil, err
				}
				objs, err = a.Objections(r.Context(), ac, id)
				return web.ItemsOf[*gongzhi.Objection]{Items: objs}, err
			}},
		{path: "contracts", anchor: "awards", flash: "call.done.contracts",
			key: func(r *http.Request) string {
				if v := r.PostFormValue("award_id"); v != "" {
					return "contract-" + v
				}
				return "contracts"
			},
			run: func(w http.ResponseWriter, r *http.Request, ac *gongzhi.Actor, id int64) (any, error) {
				var req offContractReq
				if err := s.offIn(w, r, &req, func(f gongzhi.FieldErrors) {
					if v := r.PostFormValue("award_id"); v != "" {
						req.AwardID = offFormID(f, "award_id", v)
					}
					req.PurchaserName = r.PostFormValue("purchaser_name")
				}); err != nil {
					return nil, err
				}
				return s.offGenerateContracts(r, ac, id, req)
			}},
	}
}

// offAwardsBody is a call's awards as the API returns them after a change.
func (s *Server) offAwardsBody(r *http.Request, callID int64) (any, error) {
	ws, err := s.svc.Awards(r.Context(), web.ActorOf(r), callID)
	if ws == nil {
		ws = []*gongzhi.Award{}
	}
	return web.ItemsOf[*gongzhi.Award]{Items: ws}, err
}

// offGenerateContracts drafts the contract of one award of the call, or of every live award that
// has none yet (stopping at the first refusal: an award still in notice is refused,
// contract.award_not_final).
func (s *Server) offGenerateContracts(r *http.Request, ac *gongzhi.Actor, callID int64, req offContractReq) (any, error) {
	ws, err := s.svc.Awards(r.Context(), ac, callID)
	if err != nil {
		return nil, err
	}
	var out []*gongzhi.Contract
	for _, w := range ws {
		if req.AwardID != 0 && w.ID != req.AwardID {
			continue
		}
		if req.AwardID == 0 && (w.ContractID != 0 || w.State == gongzhi.AwardOverturned || w.State == gongzhi.AwardProposed) {
			continue
		}
		ct, err := s.svc.GenerateContract(r.Context(), ac, w.ID, req.PurchaserName)
		if err != nil {
			return nil, err
		}
		out = append(out, ct)
	}
	if req.AwardID != 0 && len(out) == 0 {
		return nil, gongzhi.NotFound()
	}
	if out == nil {
		out = []*gongzhi.Contract{}
	}
	return web.ItemsOf[*gongzhi.Contract]{Items: out}, nil
}

// offCallPost runs a move: the API answers with the changed record (the call unless the move
// returns something else); the UI goes back to the call page with a message, or shows the
// refusal beside the form that was sent.
func (s *Server) offCallPost(a offCallAction) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ac, lang := web.ActorOf(r), web.LangOf(r)
		id, err := web.PathID(r)
		if err != nil {
			return err
		}
		res, err := a.run(w, r, ac, id)
		if web.IsAPIPath(r) {
			if err != nil {
				return err
			}
			if res == nil {
				if res, err = s.svc.Call(r.Context(), ac, id); err != nil {
					return err
				}
			}
			web.WriteJSON(w, http.StatusOK, res)
			return nil
		}
		fromApp := r.PostFormValue("from") == "app"
		if e, ok := web.OffFormError(err); ok {
			fs := &web.OffFormState{Key: a.key(r), Err: e, Vals: r.PostForm, Lang: lang}
			if fromApp {
				return s.offRenderApp(w, r, web.StatusOf[e.Code], fs)
			}
			return s.offRenderCall(w, r, web.StatusOf[e.Code], id, fs)
		} else if err != nil {
			return err
		}
		to := offCallHref(id)
		if fromApp {
			to += "/applications/" + r.PathValue("app")
		} else if a.anchor != "" {
			to += "#" + a.anchor
		}
		if a.path == "contracts" {
			if body, ok := res.(web.ItemsOf[*gongzhi.Contract]); ok && len(body.Items) == 1 {
				to = web.OffContractHref(body.Items[0].ID)
			}
		}
		flash := a.flash
		if body, ok := res.(offReplacementBody); ok {
			switch {
			case body.PoolExhausted:
				flash += "_exhausted" // not "a replacement was drawn": there was no one left
			case body.Replacement != nil && a.path == "conflicts":
				flash += "_replaced" // the member in conflict was taken off and replaced
			}
		}
		return s.Redirect(w, r, to, web.T(lang, flash))
	}
}
