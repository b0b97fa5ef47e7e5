// Evaluation (评估, docs/domain.md §7): each call's indicator system, the mid-term and final
// rounds of its signed contracts, the panels, the members' score sheets, the result and grade,
// publication, and what the grade means for the next calls.
//
// Who may do what:
//   - purchaser (place-scoped): edits a call's scheme until the call's first evaluation starts;
//     starts rounds; finalizes a result (final say: it may set another grade than the computed
//     one, with a note); publishes it. Publishing a final round graded 不合格 bars the provider
//     for the scheme's months (org_ineligibility, which calls that exclude ineligible
//     organizations enforce); an 优秀 one earns the provider the scheme's bonus points in the
//     ranking of calls opened within a year (RankCall adds them).
//   - hub (place-scoped): starts rounds and, as the panel's secretary, transcribes the score
//     sheets of members without an account; reads everything of its place.
//   - auditor: reads everything of its place.
//   - panel members with an account (experts linked to their expert person, staff): see the
//     rounds they sit on and hand in their own score sheet once.
//   - provider: its own rounds once finalized, without the members' sheets.
//   - the public: published results only, without members.
//
// Panel members are accounts or named people without one. An account member is refused when it
// belongs to the evaluated provider (a provider or social worker account of that organization,
// an expert whose person works there) or, for an expert, when a conflict of interest with the
// provider was recorded in any call's review (review_conflicts). A named member whose
// affiliation is the provider's name is refused likewise.

package evaluation

import (
	"context"
	"slices"
	"strings"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/publog"
	"gongzhi/internal/purchase"
	"gongzhi/internal/store"
)

// Audit entities of evaluation.
const (
	ResEvalSchemes = "evaluation_schemes"
	ResEvaluations = "evaluations"
	ResEvalSheets  = "evaluation_members"
)

// EvalScheme returns a call's scheme, the default when none is stored, with Locked set once an
// evaluation of the call has started. The purchaser, the hub and the auditor may, for a call
// within scope.
func (a *Service) EvalScheme(ctx context.Context, ac *gongzhi.Actor, callID int64) (*gongzhi.EvalScheme, error) {
	if err := kernel.Allow(ac, MayReadEvaluations(ac)); err != nil {
		return nil, err
	}
	q := a.DB.Q()
	if _, err := q.GetCall(ctx, kernel.PlaceScope(ac), callID); err != nil {
		return nil, err
	}
	return evalScheme(ctx, q, callID)
}

func evalScheme(ctx context.Context, q *store.Q, callID int64) (*gongzhi.EvalScheme, error) {
	s, err := q.GetEvalScheme(ctx, callID)
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		d := gongzhi.DefaultEvalScheme()
		s, err = &d, nil
	}
	if err != nil {
		return nil, err
	}
	s.CallID = callID
	s.Locked, err = q.EvalStarted(ctx, callID)
	return s, err
}

// SaveEvalScheme replaces a call's scheme. Only the purchaser may, for a call within scope
// (ENOTFOUND otherwise), until the call's first evaluation starts (ECONFLICT scheme:
// eval.scheme_locked). EINVALID for a scheme that does not validate (weights not adding to 100,
// names missing or repeated, thresholds not descending …).
func (a *Service) SaveEvalScheme(ctx context.Context, ac *gongzhi.Actor, s *gongzhi.EvalScheme) error {
	if err := kernel.Allow(ac, MayGrade(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := a.LockCall(ctx, q, ac, s.CallID); err != nil {
			return err
		}
		before, err := evalScheme(ctx, q, s.CallID)
		if err != nil {
			return err
		}
		if before.Locked {
			return gongzhi.Refused("scheme", "eval.scheme_locked")
		}
		if err := s.Validate(); err != nil {
			return err
		}
		if err := q.PutEvalScheme(ctx, s, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResEvalSchemes, kernel.Id10(s.CallID), before, s, "")
	})
}

// StartEvaluation starts a round (mid or final) of a signed contract's evaluation with its
// panel, once per contract and round. The purchaser and the hub may, for a contract within
// scope (ENOTFOUND otherwise). The round copies the call's scheme, which is locked from then on.
// Refuses: EINVALID round (choice), a panel short of the scheme's composition (members:
// eval.panel_size:MIN or eval.panel_kind.KIND:N), a member account (user_id, or username) that
// does not exist or is disabled (members.N.user_id or .username: eval.no_account), an expert account not linked to its person
// (members.N.user_id: expert.not_linked), a member twice (members.N: eval.duplicate);
// ECONFLICT for a contract not signed (contract_id: eval.contract_not_signed), a round that
// exists (round: eval.round_exists), a member of the provider (members.N:
// eval.member_of_provider) or an expert with a recorded conflict of interest with it
// (members.N: eval.member_conflict).
func (a *Service) StartEvaluation(ctx context.Context, ac *gongzhi.Actor, e *gongzhi.Evaluation) error {
	if err := kernel.Allow(ac, MayStartEvaluation(ac)); err != nil {
		return err
	}
	if !slices.Contains(gongzhi.EvalRounds, e.Round) {
		return gongzhi.Invalid("round", "choice")
	}
	f := gongzhi.FieldErrors{}
	for i := range e.Members {
		if err := e.Members[i].Validate(); err != nil {
			for k, v := range gongzhi.AsError(err).Fields {
				f.Add("members."+kernel.Itoa(i)+"."+k, v)
			}
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ct, err := a.LoadContract(ctx, q, ac, e.ContractID)
		if err != nil {
			return err
		}
		// the call first, as SaveEvalScheme locks it: the scheme copied is the one no concurrent
		// save changes (it is locked once this round commits); then the contract, read again
		if err := q.LockRow(ctx, "calls", ct.CallID); err != nil {
			return err
		}
		if err := q.LockRow(ctx, "contracts", ct.ID); err != nil {
			return err
		}
		if ct, err = a.LoadContract(ctx, q, ac, e.ContractID); err != nil {
			return err
		}
		if ct.State != gongzhi.ContractSigned {
			return gongzhi.Refused("contract_id", "eval.contract_not_signed")
		}
		if _, err := q.ListEvaluations(ctx, store.EvalScope{}, store.ListOptions{Filters: map[string]string{"contract": kernel.Id10(ct.ID),
			"round": e.Round}, Limit: 1}, func(*gongzhi.Evaluation) error { return gongzhi.Refused("round", "eval.round_exists") }); err != nil {
			return err
		}
		org, err := q.GetOrganization(ctx, store.Scope{}, ct.OrgID)
		if err != nil {
			return err
		}
		scheme, err := evalScheme(ctx, q, ct.CallID)
		if err != nil {
			return err
		}
		if err := a.checkPanel(ctx, q, e.Members, ct.OrgID, org.Name); err != nil {
			return err
		}
		kinds := make([]string, len(e.Members))
		for i, m := range e.Members {
			kinds[i] = m.Kind
		}
		if r := scheme.Panel.PanelMissing(kinds); r != "" {
			return gongzhi.Invalid("members", r)
		}
		e.CallID, e.OrgID, e.PlaceCode, e.Scheme, e.CreatedBy = ct.CallID, ct.OrgID, ct.PlaceCode, *scheme, kernel.ActorName(ac)
		e.ContractTitle, e.OrgName, e.CallTitle = ct.Title, org.Name, ct.CallTitle
		if err := q.InsertEvaluation(ctx, e, kernel.UserID(ac), a.NowUTC()); err != nil {
			if store.IsUnique(err, "") {
				return gongzhi.Refused("round", "eval.round_exists")
			}
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: ct.CallID, Entity: "evaluation", EntityID: e.ID, To: e.State,
			Note: gongzhi.NoteOf("eval_round", e.Round)}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResEvaluations, kernel.Id10(e.ID), nil, e, "")
	})
}

// checkPanel resolves the members' accounts and refuses members of the provider and conflicted
// experts.
func (a *Service) checkPanel(ctx context.Context, q *store.Q, members []gongzhi.EvalMember, orgID int64, orgName string) error {
	users := map[int64]bool{}
	names := map[string]bool{}
	for i := range members {
		m := &members[i]
		k := "members." + kernel.Itoa(i)
		if m.UserID == 0 && m.Username != "" {
			u, _, err := q.UserByUsername(ctx, m.Username)
			if err != nil {
				return gongzhi.Invalid(k+".username", "eval.no_account")
			}
			m.UserID = u.ID
		}
		if m.UserID != 0 {
			u, err := q.GetUser(ctx, m.UserID)
			if err != nil || u.Disabled {
				return gongzhi.Invalid(k+".user_id", "eval.no_account")
			}
			if users[u.ID] {
				return gongzhi.Invalid(k, "eval.duplicate")
			}
			users[u.ID] = true
			m.Name = u.DisplayName
			if m.Name == "" {
				m.Name = u.Username
			}
			if u.OrgID == orgID && (u.Role == gongzhi.RoleProvider || u.Role == gongzhi.RoleSocialWorker) {
				return gongzhi.Refused(k, "eval.member_of_provider")
			}
			if u.Role == gongzhi.RoleExpert {
				if m.PersonID, err = q.UserPersonID(ctx, u.ID); err != nil {
					return err
				}
				if m.PersonID == 0 {
					return gongzhi.Invalid(k+".user_id", "expert.not_linked")
				}
				if p, err := q.GetPerson(ctx, store.Scope{}, m.PersonID); err == nil {
					m.Name = p.Name
					if m.Affiliation == "" {
						m.Affiliation = p.Affiliation
					}
				}
			} else {
				m.PersonID = 0
			}
		} else {
			if names[m.Name] {
				return gongzhi.Invalid(k, "eval.duplicate")
			}
			names[m.Name] = true
			if m.PersonID != 0 {
				if _, err := q.GetPerson(ctx, store.Scope{}, m.PersonID); err != nil {
					return gongzhi.Invalid(k+".person_id", "choice")
				}
			}
		}
		if strings.TrimSpace(m.Affiliation) != "" && strings.TrimSpace(m.Affiliation) == orgName {
			return gongzhi.Refused(k, "eval.member_of_provider")
		}
		if m.PersonID != 0 {
			org, err := q.PersonOrg(ctx, m.PersonID)
			if err != nil {
				return err
			}
			if org == orgID {
				return gongzhi.Refused(k, "eval.member_of_provider")
			}
			conflict, err := q.RecordedConflict(ctx, m.PersonID, orgID)
			if err != nil {
				return err
			}
			if conflict {
				return gongzhi.Refused(k, "eval.member_conflict")
			}
		}
	}
	return nil
}

// evalAccess is how the caller sees a round.
type evalAccess int

const (
	evalNone     evalAccess = iota
	evalStaff               // purchaser, hub, auditor of the place: everything
	evalMember              // a panel member with an account: the scheme and their own sheet
	evalProvider            // the evaluated provider: the result once finalized
)

// lockStaffEval locks a round for a change by the staff and reads it; ENOTFOUND for a round the
// caller may not see as staff.
func (a *Service) lockStaffEval(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Evaluation, error) {
	if err := q.LockRow(ctx, "evaluations", id); err != nil {
		return nil, err
	}
	e, acc, err := a.loadEval(ctx, q, ac, id)
	if err != nil {
		return nil, err
	}
	if acc != evalStaff {
		return nil, gongzhi.NotFound()
	}
	return e, nil
}

// loadEval reads a round with its members and decides what the caller sees; ENOTFOUND for a
// round the caller may not see.
func (a *Service) loadEval(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Evaluation, evalAccess, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return nil, evalNone, err
	}
	e, err := q.GetEvaluation(ctx, store.EvalScope{}, id)
	if err != nil {
		return nil, evalNone, err
	}
	members, err := q.EvalMembers(ctx, id)
	if err != nil {
		return nil, evalNone, err
	}
	e.Members = members
	switch {
	case MayOverseeEvaluation(ac, e):
		return e, evalStaff, nil
	case slices.ContainsFunc(members, func(m gongzhi.EvalMember) bool { return m.UserID == ac.User.ID }):
		return e, evalMember, nil
	case MaySeeOwnEvaluation(ac, e):
		return e, evalProvider, nil
	}
	return nil, evalNone, gongzhi.NotFound()
}

// view shapes a round for the caller: staff see every sheet and the result so far; a member
// sees the others' names and progress but only their own sheet, and no result before it is
// finalized; the provider sees the result without the members.
func (a *Service) viewEval(ac *gongzhi.Actor, e *gongzhi.Evaluation, acc evalAccess) *gongzhi.Evaluation {
	res := gongzhi.ComputeEvalResult(&e.Scheme, e.Members)
	switch acc {
	case evalStaff:
		e.Result = &res
	case evalMember:
		for i := range e.Members {
			if e.Members[i].UserID != ac.User.ID {
				e.Members[i].Scores, e.Members[i].Comments, e.Members[i].Total = nil, nil, 0
			}
		}
		if e.State != gongzhi.EvalScoring {
			e.Result = &res
		}
	case evalProvider:
		e.Members = nil
		e.Result = &res
	}
	return e
}

// Evaluation returns a round as the caller may see it (see viewEval); ENOTFOUND outside scope.
func (a *Service) Evaluation(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Evaluation, error) {
	e, acc, err := a.loadEval(ctx, a.DB.Q(), ac, id)
	if err != nil {
		return nil, err
	}
	return a.viewEval(ac, e, acc), nil
}

// Evaluations lists rounds: staff those of their place; a provider its own once finalized;
// anyone else the rounds whose panel they sit on. Filters: see store.ListEvaluations (plus
// member=me for staff: only the rounds they sit on).
func (a *Service) Evaluations(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Evaluation) error) (int, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return 0, err
	}
	var s store.EvalScope
	switch {
	case ac.IsSystem():
	case MayReadEvaluations(ac):
		s.Scope = kernel.PlaceScope(ac)
	case SeesOwnEvaluations(ac):
		s.Scope = kernel.OrgScope(ac)
		s.States = OwnEvaluationStates
	default:
		s.MemberUserID = ac.User.ID
	}
	if opts.Filters["member"] == "me" && ac.User.ID != 0 {
		s.MemberUserID = ac.User.ID
	}
	return a.DB.Q().ListEvaluations(ctx, s, opts, each)
}

// SubmitEvalSheet hands in a score sheet, once: one score per sub-indicator of the round's
// scheme (0..max, hundredths), each with an optional comment. memberID 0 is the caller's own
// seat on the panel (ENOTFOUND when the caller does not sit on it); otherwise the purchaser or
// the hub of the place transcribes the paper sheet of a member without an account (ECONFLICT
// member_id: eval.member_has_account for a member who scores themselves). Refuses ECONFLICT
// for a round no longer scoring (state: state.illegal:STATE) and a second sheet (scores:
// eval.already_scored); EINVALID for scores out of range (scores.N: range:0-MAX) or of the
// wrong count (scores: eval.scores_count:N).
func (a *Service) SubmitEvalSheet(ctx context.Context, ac *gongzhi.Actor, evalID, memberID int64, scores []gongzhi.Points, comments []string) (*gongzhi.EvalMember, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return nil, err
	}
	var out *gongzhi.EvalMember
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.LockRow(ctx, "evaluations", evalID); err != nil {
			return err
		}
		e, acc, err := a.loadEval(ctx, q, ac, evalID)
		if err != nil {
			return err
		}
		var m *gongzhi.EvalMember
		for i := range e.Members {
			if memberID == 0 && e.Members[i].UserID == ac.User.ID || memberID != 0 && e.Members[i].ID == memberID {
				m = &e.Members[i]
			}
		}
		switch {
		case m == nil:
			return gongzhi.NotFound()
		case memberID != 0 && (acc != evalStaff || !MayStartEvaluation(ac)):
			if acc == evalStaff {
				return gongzhi.Forbidden()
			}
			return gongzhi.NotFound()
		case memberID != 0 && m.UserID != 0:
			return gongzhi.Refused("member_id", "eval.member_has_account")
		}
		if e.State != gongzhi.EvalScoring {
			return gongzhi.Refused("state", "state.illegal:"+e.State)
		}
		if m.Scored() {
			return gongzhi.Refused("scores", "eval.already_scored")
		}
		total, err := gongzhi.CheckSheet(&e.Scheme, scores, comments)
		if err != nil {
			return err
		}
		entered := ""
		if memberID != 0 {
			entered = kernel.ActorName(ac)
		}
		ok, err := q.SetEvalSheet(ctx, m.ID, scores, comments, total, entered, a.NowUTC())
		if err != nil {
			return err
		}
		if !ok {
			return gongzhi.Refused("scores", "eval.already_scored")
		}
		m.Scores, m.Comments, m.Total, m.EnteredBy, m.ScoredAt = scores, comments, total, entered, a.NowUTC()
		out = m
		return a.WriteAudit(ctx, q, ac, "create", ResEvalSheets, kernel.Id10(m.ID), nil, m, "evaluation "+kernel.Id10(evalID))
	})
	return out, err
}

// FinalizeEvaluation records the result once every member has handed in a sheet: the total
// computed from the sheets, the grade by the scheme's thresholds — or the grade the purchaser
// decides, with a note saying why when it differs —, and the strengths and problems found.
// Only the purchaser may, within scope, and may finalize again (to correct the text) until the
// result is published. Refuses ECONFLICT for a published round (state: state.illegal:published),
// with sheets missing (scores: eval.incomplete:N) or for a finalized round that the same result
// would leave as it is (state: eval.unchanged: the same result sent twice is recorded once); EINVALID for a grade
// that differs without a note (grade_note: required) or bad text.
func (a *Service) FinalizeEvaluation(ctx context.Context, ac *gongzhi.Actor, id int64, in gongzhi.Evaluation) (*gongzhi.Evaluation, error) {
	if err := kernel.Allow(ac, MayGrade(ac)); err != nil {
		return nil, err
	}
	if err := in.ValidateFindings(); err != nil {
		return nil, err
	}
	var out *gongzhi.Evaluation
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		e, err := a.lockStaffEval(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if e.State == gongzhi.EvalPublished {
			return gongzhi.Refused("state", "state.illegal:"+e.State)
		}
		missing := 0
		for _, m := range e.Members {
			if !m.Scored() {
				missing++
			}
		}
		if missing > 0 {
			return gongzhi.Refused("scores", "eval.incomplete:"+kernel.Itoa(missing))
		}
		res := gongzhi.ComputeEvalResult(&e.Scheme, e.Members)
		before := *e
		e.Total, e.Grade, e.GradeNote, e.Strengths, e.Problems = res.Total, res.Grade, "", in.Strengths, in.Problems
		if in.Grade != "" && in.Grade != res.Grade {
			if in.GradeNote == "" {
				return gongzhi.Invalid("grade_note", "required")
			}
			e.Grade, e.GradeNote = in.Grade, in.GradeNote
		}
		if before.State == gongzhi.EvalFinalized && e.Total == before.Total && e.Grade == before.Grade && e.GradeNote == before.GradeNote &&
			e.Strengths == before.Strengths && e.Problems == before.Problems {
			return gongzhi.Refused("state", "eval.unchanged")
		}
		if err := q.FinalizeEvaluation(ctx, e, a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: e.CallID, Entity: "evaluation", EntityID: e.ID, From: before.State,
			To: e.State, Note: gongzhi.NoteOf("eval_grade_total", e.Grade, e.Total)}); err != nil {
			return err
		}
		e.Result = &res
		out = e
		before.Members = nil
		return a.WriteAudit(ctx, q, ac, "update", ResEvaluations, kernel.Id10(e.ID), &before, map[string]any{"state": e.State, "total": e.Total,
			"grade": e.Grade, "grade_note": e.GradeNote}, "finalized")
	})
	return out, err
}

// PublishEvaluation publishes a finalized result for everyone to see, without the members.
// Only the purchaser may, within scope. Refuses ECONFLICT for a round not finalized (state:
// state.illegal:STATE) and EINVALID for text with personal data (strengths, problems or
// grade_note: personal.id_number, personal.phone, personal.name:NAME — members' names count).
// Publishing a final round graded 不合格 bars the provider from calls for the scheme's months;
// an 优秀 one records the scheme's bonus for the ranking of the provider's next calls.
func (a *Service) PublishEvaluation(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Evaluation, error) {
	if err := kernel.Allow(ac, MayGrade(ac)); err != nil {
		return nil, err
	}
	var out *gongzhi.Evaluation
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		e, err := a.lockStaffEval(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if e.State != gongzhi.EvalFinalized {
			return gongzhi.Refused("state", "state.illegal:"+e.State)
		}
		var names []string
		for _, m := range e.Members {
			names = append(names, m.Name)
		}
		f := gongzhi.FieldErrors{}
		for field, text := range map[string]string{"strengths": e.Strengths, "problems": e.Problems, "grade_note": e.GradeNote} {
			if found := gongzhi.FindPersonalData(text, names...); len(found) > 0 {
				f.Add(field, found[0])
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if e.Round == gongzhi.RoundFinal {
			switch e.Grade {
			case gongzhi.GradeFail:
				if e.Scheme.BarMonths > 0 {
					bar := &gongzhi.Ineligibility{OrgID: e.OrgID, OrgName: e.OrgName, PlaceCode: e.PlaceCode,
						Until:  gongzhi.AddMonths(a.Today(), e.Scheme.BarMonths),
						Reason: "结项评估不合格（" + e.ContractTitle + "，评估 #" + kernel.Id10(e.ID) + "）"}
					if err := q.InsertIneligibility(ctx, bar, kernel.UserID(ac), a.NowUTC()); err != nil {
						return err
					}
					if err := a.WriteAudit(ctx, q, ac, "create", purchase.ResIneligible, kernel.Id10(bar.ID), nil, bar, "evaluation "+kernel.Id10(e.ID)); err != nil {
						return err
					}
					e.BarredUntil = bar.Until
				}
			case gongzhi.GradeExcellent:
				e.Bonus = e.Scheme.Bonus
			}
		}
		if err := q.PublishEvaluation(ctx, e, a.NowUTC()); err != nil {
			return err
		}
		if _, err := publog.Append(ctx, q, evaluationRecord(e, a.Today())); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{CallID: e.CallID, Entity: "evaluation", EntityID: e.ID, From: gongzhi.EvalFinalized,
			To: gongzhi.EvalPublished, Note: gongzhi.NoteOf("eval_grade", e.Grade)}); err != nil {
			return err
		}
		out = a.viewEval(ac, e, evalStaff)
		return a.WriteAudit(ctx, q, ac, "update", ResEvaluations, kernel.Id10(e.ID), map[string]string{"state": gongzhi.EvalFinalized},
			map[string]any{"state": e.State, "bonus": e.Bonus, "barred_until": e.BarredUntil}, "published")
	})
	return out, err
}

// publicEval strips a published round to what the public sees: no members, no notes on them.
func publicEval(e *gongzhi.Evaluation) *gongzhi.Evaluation {
	res := gongzhi.ComputeEvalResult(&e.Scheme, e.Members)
	res.Members, res.Sheets = len(e.Members), 0
	e.Result, e.Members, e.CreatedBy = &res, nil, ""
	return e
}

// PublicEvaluations lists published results, newest first. Anyone may, without an account.
func (a *Service) PublicEvaluations(ctx context.Context, opts store.ListOptions, each func(*gongzhi.Evaluation) error) (int, error) {
	if opts.Sort == "" {
		opts.Sort, opts.Desc = "published_at", true
	}
	return a.DB.Q().ListEvaluations(ctx, store.EvalScope{States: []string{gongzhi.EvalPublished}}, opts, func(e *gongzhi.Evaluation) error {
		e.CreatedBy = ""
		return each(e)
	})
}

// PublicEvaluation returns a published result with its dimension and sub-indicator scores and
// no members; ENOTFOUND for anything not published.
func (a *Service) PublicEvaluation(ctx context.Context, id int64) (*gongzhi.Evaluation, error) {
	q := a.DB.Q()
	e, err := q.GetEvaluation(ctx, store.EvalScope{States: []string{gongzhi.EvalPublished}}, id)
	if err != nil {
		return nil, err
	}
	if e.Members, err = q.EvalMembers(ctx, id); err != nil {
		return nil, err
	}
	return publicEval(e), nil
}

// ---- to-dos and attention lines

// evaluationItems: a panel member's rounds to score; the purchaser's rounds with every sheet in,
// to finalize, and finalized ones to publish; the hub's signed contracts past their mid-term
// date without a mid-term round. Attention: rounds of the scope still scoring.
func (a *Service) EvaluationItems(ctx context.Context, ac *gongzhi.Actor) (todos, attention []kernel.Todo, err error) {
	if ac == nil || ac.User == nil || ac.User.ID == 0 {
		return nil, nil, nil
	}
	q := a.DB.Q()
	toScore, toFinalize, toPublish, scoring := 0, 0, 0, 0
	mine, err := evalsOf(ctx, q, store.EvalScope{MemberUserID: ac.User.ID, States: []string{gongzhi.EvalScoring}})
	if err != nil {
		return nil, nil, err
	}
	for _, e := range mine {
		for _, m := range e.Members {
			if m.UserID == ac.User.ID && !m.Scored() {
				toScore++
			}
		}
	}
	if toScore > 0 {
		todos = append(todos, kernel.Todo{Key: "todo.eval.to_score", Count: toScore, Href: "/evaluations?member=me"})
	}
	if !MayReadEvaluations(ac) {
		return todos, nil, nil
	}
	s := store.EvalScope{Scope: kernel.PlaceScope(ac), States: []string{gongzhi.EvalScoring, gongzhi.EvalFinalized}}
	open, err := evalsOf(ctx, q, s)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range open {
		if e.State == gongzhi.EvalFinalized {
			toPublish++
			continue
		}
		scoring++
		if !slices.ContainsFunc(e.Members, func(m gongzhi.EvalMember) bool { return !m.Scored() }) {
			toFinalize++
		}
	}
	switch ac.Role() {
	case gongzhi.RolePurchaser:
		if toFinalize > 0 {
			todos = append(todos, kernel.Todo{Key: "todo.eval.to_finalize", Count: toFinalize, Href: "/evaluations?state=scoring"})
		}
		if toPublish > 0 {
			todos = append(todos, kernel.Todo{Key: "todo.eval.to_publish", Count: toPublish, Href: "/evaluations?state=finalized"})
		}
	case gongzhi.RoleHub:
		due, err := a.midTermDueIDs(ctx, q, ac)
		if err != nil {
			return nil, nil, err
		}
		if len(due) > 0 {
			todos = append(todos, kernel.Todo{Key: "todo.eval.mid_due", Count: len(due), Href: "/evaluations?due=mid"})
		}
	}
	if scoring > 0 {
		attention = append(attention, kernel.Todo{Key: "attention.eval.scoring", Count: scoring, Href: "/evaluations?state=scoring"})
	}
	return todos, attention, nil
}

// evalsOf reads the rounds of a scope with their members.
func evalsOf(ctx context.Context, q *store.Q, s store.EvalScope) ([]*gongzhi.Evaluation, error) {
	var out []*gongzhi.Evaluation
	if _, err := q.ListEvaluations(ctx, s, store.ListOptions{}, func(e *gongzhi.Evaluation) error { out = append(out, e); return nil }); err != nil {
		return nil, err
	}
	for _, e := range out {
		ms, err := q.EvalMembers(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		e.Members = ms
	}
	return out, nil
}

// MidTermDate is the date a contract's mid-term evaluation is due: the first milestone whose
// name mentions 中期, or else the middle of the service period.
func MidTermDate(ct *gongzhi.Contract) string {
	if ct.Current == nil {
		return ""
	}
	t := ct.Current.Terms
	for _, m := range t.Milestones {
		if strings.Contains(m.Name, "中期") {
			return m.Due
		}
	}
	s, ok1 := gongzhi.ParseDate(t.StartOn)
	e, ok2 := gongzhi.ParseDate(t.EndOn)
	if !ok1 || !ok2 {
		return ""
	}
	return gongzhi.DateOf(s.Add(e.Sub(s) / 2))
}

// midTermDue returns the signed contracts within scope past their mid-term date without a
// mid-term round.
func (a *Service) midTermDue(ctx context.Context, q *store.Q, ac *gongzhi.Actor) ([]*gongzhi.Contract, error) {
	ids, err := a.midTermDueIDs(ctx, q, ac)
	if err != nil {
		return nil, err
	}
	out := make([]*gongzhi.Contract, 0, len(ids))
	for _, id := range ids {
		ct, err := a.LoadContract(ctx, q, ac, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ct)
	}
	return out, nil
}

// midTermDueIDs returns the ids of the contracts midTermDue returns, reading the terms in force
// of every signed contract without a mid-term round at once instead of each whole contract.
func (a *Service) midTermDueIDs(ctx context.Context, q *store.Q, ac *gongzhi.Actor) ([]int64, error) {
	ids, err := q.ContractsWithoutRound(ctx, kernel.PlaceScope(ac), gongzhi.RoundMid)
	if err != nil {
		return nil, err
	}
	vs, err := q.EffectiveVersions(ctx, ids)
	if err != nil {
		return nil, err
	}
	today := a.Today()
	var out []int64
	for _, id := range ids {
		if d := MidTermDate(&gongzhi.Contract{Current: vs[id]}); d != "" && d <= today {
			out = append(out, id)
		}
	}
	return out, nil
}

// MidTermDates returns the mid-term date (MidTermDate) of each of the contracts ids that has
// terms in force, and the rounds each has started, in a few queries for a page of contracts.
func (a *Service) MidTermDates(ctx context.Context, ac *gongzhi.Actor, ids []int64) (dates map[int64]string, rounds map[int64]map[string]bool, err error) {
	if err := kernel.Allow(ac, MayReadEvaluations(ac)); err != nil {
		return nil, nil, err
	}
	q := a.DB.Q()
	vs, err := q.EffectiveVersions(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	dates = make(map[int64]string, len(vs))
	for id, v := range vs {
		dates[id] = MidTermDate(&gongzhi.Contract{Current: v})
	}
	rounds, err = q.EvalRounds(ctx, ids)
	return dates, rounds, err
}

// MidTermDue lists the signed contracts within scope past their mid-term date without a
// mid-term round. The purchaser, the hub and the auditor may.
func (a *Service) MidTermDue(ctx context.Context, ac *gongzhi.Actor) ([]*gongzhi.Contract, error) {
	if err := kernel.Allow(ac, MayReadEvaluations(ac)); err != nil {
		return nil, err
	}
	return a.midTermDue(ctx, a.DB.Q(), ac)
}
