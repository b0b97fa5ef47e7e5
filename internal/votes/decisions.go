// Decisions (决议): what a passed vote became, carried out by its owner body in tasks with
// deadlines, reported completed by the residents' committee, reviewed by the supervision
// committee, rated by residents once each, and possibly turned into a need of the purchase
// workflow (居民点单 → 政府买单), linked both ways.

package votes

import (
	"context"
	"slices"
	"strings"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// Decision returns a decision the actor reads, with its tasks and progress.
func (a *Service) Decision(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Decision, error) {
	sc, err := a.scope(ctx, ac)
	if err != nil {
		return nil, err
	}
	return a.DB.Q().GetDecision(ctx, sc, id)
}

// PublicDecision returns any decision for its public page (docs/votes.md): a decision is what
// residents voted for, so its owner, tasks, progress, review and rating are public.
func (a *Service) PublicDecision(ctx context.Context, id int64) (*gongzhi.Decision, error) {
	return a.DB.Q().GetDecision(ctx, store.Scope{}, id)
}

// Decisions lists the decisions the actor reads, newest first.
func (a *Service) Decisions(ctx context.Context, ac *gongzhi.Actor) ([]*gongzhi.Decision, error) {
	sc, err := a.scope(ctx, ac)
	if err != nil {
		return nil, err
	}
	return a.DB.Q().ListDecisions(ctx, sc)
}

// DecisionOfNeed returns the id of the decision a need came from (0: none), for a need the
// actor reads: the link from the purchase workflow back to the decision.
func (a *Service) DecisionOfNeed(ctx context.Context, ac *gongzhi.Actor, needID int64) (int64, error) {
	if _, err := a.Need(ctx, ac, needID); err != nil {
		return 0, err
	}
	return a.DB.Q().DecisionOfNeed(ctx, needID)
}

// lockDecision locks a decision within the staff member's place.
func (a *Service) lockDecision(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Decision, error) {
	if err := q.LockRow(ctx, "vote_decisions", id); err != nil {
		return nil, err
	}
	return q.GetDecision(ctx, kernel.PlaceScope(ac), id)
}

// AddTask adds a task with its deadline to a decision in progress (staff). EINVALID for a bad
// title or date; ECONFLICT (state: vote.decision_closed) once it was reported completed.
func (a *Service) AddTask(ctx context.Context, ac *gongzhi.Actor, id int64, t *gongzhi.DecisionTask) error {
	if err := kernel.Allow(ac, MayManageDecisions(ac)); err != nil {
		return err
	}
	f := gongzhi.FieldErrors{}
	var r string
	if t.Title, r = gongzhi.CheckText(t.Title, 200, true); r != "" {
		f.Add("title", r)
	}
	t.DueOn = strings.TrimSpace(t.DueOn)
	if _, ok := gongzhi.ParseDate(t.DueOn); !ok {
		f.Add("due_on", "date.format")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		d, err := a.lockDecision(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if d.State != gongzhi.DecisionInProgress {
			return gongzhi.Refused("state", "vote.decision_closed")
		}
		if err := q.InsertDecisionTask(ctx, id, t, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "add_task", ResDecisions, kernel.Id10(id), nil, t, "")
	})
}

// FinishTask records a task of a decision done today with a note (staff), once (ECONFLICT
// state: state.changed for one already done).
func (a *Service) FinishTask(ctx context.Context, ac *gongzhi.Actor, id, taskID int64, note string) error {
	if err := kernel.Allow(ac, MayManageDecisions(ac)); err != nil {
		return err
	}
	note, r := gongzhi.CheckText(note, 1000, false)
	if r != "" {
		return gongzhi.Invalid("note", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		d, err := a.lockDecision(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(d.Tasks, func(t gongzhi.DecisionTask) bool { return t.ID == taskID }) {
			return gongzhi.NotFound()
		}
		if err := q.FinishDecisionTask(ctx, id, taskID, a.Today(), note, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "finish_task", ResDecisions, kernel.Id10(id), nil, map[string]any{"task_id": taskID, "note": note}, "")
	})
}

// CompleteDecision reports a decision completed (staff), once, when it has tasks and all are
// done (ECONFLICT tasks: vote.tasks_open otherwise).
func (a *Service) CompleteDecision(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayManageDecisions(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		d, err := a.lockDecision(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if len(d.Tasks) == 0 || d.Progress < 100 {
			return gongzhi.Refused("tasks", "vote.tasks_open")
		}
		if err := q.MoveDecision(ctx, id, gongzhi.DecisionInProgress, gongzhi.DecisionCompleted, "", 0, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "complete", ResDecisions, kernel.Id10(id), map[string]any{"state": d.State},
			map[string]any{"state": gongzhi.DecisionCompleted}, "")
	})
}

// ReviewDecision is the supervision committee's review of a completed decision, once: accepted,
// or sent back in progress with the note saying what is missing (required then).
func (a *Service) ReviewDecision(ctx context.Context, ac *gongzhi.Actor, id int64, accept bool, note string) error {
	if err := kernel.Allow(ac, MayReviewDecisions(ac)); err != nil {
		return err
	}
	note, r := gongzhi.CheckText(note, 1000, !accept)
	if r != "" {
		return gongzhi.Invalid("note", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		d, err := a.lockDecision(ctx, q, ac, id)
		if err != nil {
			return err
		}
		to := gongzhi.DecisionAccepted
		if !accept {
			to = gongzhi.DecisionInProgress
		}
		if d.State != gongzhi.DecisionCompleted {
			return gongzhi.Refused("state", "vote.not_completed")
		}
		if err := q.MoveDecision(ctx, id, gongzhi.DecisionCompleted, to, note, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "review", ResDecisions, kernel.Id10(id), map[string]any{"state": d.State},
			map[string]any{"state": to, "review_note": note}, "")
	})
}

// RateDecision records a resident's rating (1–5) of a decision of their community, once
// (ECONFLICT person: vote.already_rated for a second).
func (a *Service) RateDecision(ctx context.Context, ac *gongzhi.Actor, id int64, rating int, comment string) error {
	if err := kernel.Allow(ac, MayRateDecisions(ac)); err != nil {
		return err
	}
	f := gongzhi.FieldErrors{}
	if rating < 1 || rating > 5 {
		f.Add("rating", "vote.rating_range")
	}
	comment, r := gongzhi.CheckText(comment, 500, false)
	if r != "" {
		f.Add("comment", r)
	}
	if err := f.Err(); err != nil {
		return err
	}
	sc, err := a.scope(ctx, ac)
	if err != nil {
		return err
	}
	l, err := kernel.LinkedOf(ctx, a.DB.Q(), ac)
	if err != nil {
		return err
	}
	person := l.Person
	if person == 0 {
		return gongzhi.Refused("person", "vote.not_linked")
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := q.GetDecision(ctx, sc, id); err != nil {
			return err
		}
		if err := q.RateDecision(ctx, id, person, rating, comment, a.NowUTC()); err != nil {
			if store.IsUnique(err, "") {
				return gongzhi.Refused("person", "vote.already_rated")
			}
			return err
		}
		return a.WriteAudit(ctx, q, ac, "rate", ResDecisions, kernel.Id10(id), nil, map[string]any{"rating": rating}, "")
	})
}

// NeedRequest names what the purchase workflow needs to know of a decision turned into a need.
type NeedRequest struct {
	TargetGroup    string `json:"target_group"`
	CategoryCode   string `json:"category_code"`
	PeopleAffected int    `json:"people_affected"`
}

// MakeNeed turns a decision into a need of its community in the purchase workflow (staff who
// record needs), once (ECONFLICT need: vote.need_exists for a second), in one transaction: the
// need (source salon: a consultation of residents; its description names the decision) and the
// decision's link to it. The need's page and API find the decision back (DecisionOfNeed).
func (a *Service) MakeNeed(ctx context.Context, ac *gongzhi.Actor, id int64, req NeedRequest) (*gongzhi.Need, error) {
	if err := kernel.Allow(ac, MayManageDecisions(ac)); err != nil {
		return nil, err
	}
	var out *gongzhi.Need
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		d, err := a.lockDecision(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if d.NeedID != 0 {
			return gongzhi.Refused("need", "vote.need_exists")
		}
		n := &gongzhi.Need{CommunityCode: d.PlaceCode, TargetGroup: req.TargetGroup, CategoryCode: req.CategoryCode,
			Description: "决议 #" + kernel.Id10(d.ID) + "：" + d.Title, PeopleAffected: max(req.PeopleAffected, 1), Source: "salon",
			RecordedBy: ac.User.Username}
		var ck gongzhi.Checks
		ck.Check(n.Validate(false))
		groups, err := q.ListTargetGroups(ctx)
		if err != nil {
			return err
		}
		if !ck.Failed("target_group") && !slices.ContainsFunc(groups, func(g gongzhi.TargetGroup) bool { return g.Code == n.TargetGroup }) {
			ck.Check(gongzhi.Invalid("target_group", "choice"))
		}
		if c, err := q.GetServiceCategory(ctx, n.CategoryCode); !ck.Failed("category_code") && (err != nil || !c.Active) {
			ck.Check(gongzhi.Invalid("category_code", "choice"))
		}
		if err := ck.Err(); err != nil {
			return err
		}
		now := a.NowUTC()
		if err := q.InsertNeed(ctx, n, kernel.UserID(ac), now); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "need", EntityID: n.ID, To: "recorded", Note: gongzhi.NoteOf("need_source", n.Source)}); err != nil {
			return err
		}
		if err := a.WriteAudit(ctx, q, ac, "create", "needs", kernel.Id10(n.ID), nil, n, ""); err != nil {
			return err
		}
		if err := q.LinkDecisionNeed(ctx, id, n.ID, now); err != nil {
			return err
		}
		out = n
		return a.WriteAudit(ctx, q, ac, "make_need", ResDecisions, kernel.Id10(id), nil, map[string]any{"need_id": n.ID}, "")
	})
	return out, err
}
