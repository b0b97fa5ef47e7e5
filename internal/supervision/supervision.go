// Monthly supervision (docs/domain.md §5): the inspection every signed contract gets in each
// month of its period, rectification orders (整改) raised from findings or talks, one-to-one
// talks (约谈), joint meetings (联席会议) with action items, and the monthly supervision report
// of a street. Meetings are in supervision_meetings.go, reports in supervision_reports.go.
//
// Who may do what:
//   - hub (the inspector) and purchaser, within their place: record inspections, raise, verify
//     and reopen rectification orders, record talks and meetings, generate, edit and publish the
//     monthly report.
//   - purchaser (the street office) only, within its place: set a new deadline, with a reason, on
//     an order not closed, typically one escalated to it (ExtendRectification).
//   - auditor: reads what the purchaser reads, never writes.
//   - provider (organization-scoped): reads its own contracts' inspections once they are done,
//     its rectification orders (and answers them), its talks, the meetings it attended and the
//     action items it owns (and marks them done).
//   - the public: published monthly reports only.
//
// Inspections are created idempotently (EnsureInspections) by scheduled work (internal/jobs),
// never by a read; each is due on the 25th of its month (gongzhi.InspectionDueDay) and is
// overdue after that day until recorded. A rectification order moves open → answered (the
// provider) → closed (the inspector verifies) or back to open (the inspector reopens with a
// reason); it can never be closed unanswered nor by the provider. An order still open after its
// deadline is escalated to the street office (flag, state history, purchaser's to-do) by
// scheduled work too (EscalateOverdue).
//
// A record outside the caller's scope answers ENOTFOUND like a missing one; a role that may
// never act gets EFORBIDDEN; a move the state or the clock forbids gets ECONFLICT naming the
// field and the reason; bad input gets EINVALID. Every write is one transaction with its audit
// entry and, for every state change, a line of state history (purchase_history).

package supervision

import (
	"context"
	"slices"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/purchase"
	"gongzhi/internal/store"
)

// Audit entities of supervision.
const (
	ResInspections    = "inspections"
	ResRectifications = "rectifications"
	ResTalks          = "talks"
	ResMeetings       = "meetings"
	ResMeetingActions = "meeting_actions"
	ResSupReports     = "supervision_reports"
)

// supScope is what supervision records the caller sees: a provider its own organization's,
// the purchaser, the hub and the auditor those of places within scope.
func supScope(ac *gongzhi.Actor) (store.Scope, error) { return purchase.ContractScope(ac) }

// ---- inspections

// activeContracts returns the signed contracts within scope whose version in force covers
// month.
func (a *Service) activeContracts(ctx context.Context, q *store.Q, s store.Scope, month string) ([]*gongzhi.Contract, error) {
	var cts []*gongzhi.Contract
	if _, err := q.ListContracts(ctx, s, store.ListOptions{Filters: map[string]string{"state": gongzhi.ContractSigned}},
		func(c *gongzhi.Contract) error { cts = append(cts, c); return nil }); err != nil {
		return nil, err
	}
	var out []*gongzhi.Contract
	for _, c := range cts {
		vs, err := q.ListContractVersions(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.State == gongzhi.VersionEffective && gongzhi.PeriodCovers(v.Terms.StartOn, v.Terms.EndOn, month) {
				c.Current = v
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// EnsureInspections creates the inspections of month (YYYY-MM) for every signed contract within
// the caller's place whose period covers it, due on the 25th; existing ones are left alone, so
// it may run any number of times. Staff only (EFORBIDDEN otherwise); EINVALID month. Returns
// how many it created. The scheduled job (internal/jobs) runs it as the system actor for every
// place; generating a month's report runs it for the caller's place.
func (a *Service) EnsureInspections(ctx context.Context, ac *gongzhi.Actor, month string) (int, error) {
	if err := kernel.Allow(ac, MayOversee(ac)); err != nil {
		return 0, err
	}
	if _, ok := gongzhi.ParseMonth(month); !ok {
		return 0, gongzhi.Invalid("month", "month.format")
	}
	s := kernel.PlaceScope(ac)
	q := a.DB.Q()
	cts, err := a.activeContracts(ctx, q, s, month)
	if err != nil || len(cts) == 0 {
		return 0, err
	}
	have := map[int64]bool{}
	if _, err := q.ListInspections(ctx, s, store.ListOptions{Filters: map[string]string{"month": month}},
		func(in *gongzhi.Inspection) error { have[in.ContractID] = true; return nil }); err != nil {
		return 0, err
	}
	var missing []*gongzhi.Contract
	for _, c := range cts {
		if !have[c.ID] {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	n := 0
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		n = 0
		for _, c := range missing {
			in := &gongzhi.Inspection{ContractID: c.ID, OrgID: c.OrgID, PlaceCode: c.PlaceCode, Month: month, DueOn: gongzhi.MonthDueOn(month)}
			added, err := q.EnsureInspection(ctx, in, a.NowUTC())
			if err != nil {
				return err
			}
			if added {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		return a.WriteAudit(ctx, q, ac, "create", ResInspections, month, nil, map[string]any{"month": month, "created": n}, "monthly inspections")
	})
	return n, err
}

// Inspections lists inspections within scope (a provider only those done). Filters: see
// store.ListInspections.
func (a *Service) Inspections(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Inspection) error) (int, error) {
	s, err := supScope(ac)
	if err != nil {
		return 0, err
	}
	if SeesDoneInspectionsOnly(ac) {
		opts.Filters = withFilter(opts.Filters, "state", gongzhi.InspectionDone)
	}
	today := a.Today()
	return a.DB.Q().ListInspections(ctx, s, opts, func(in *gongzhi.Inspection) error {
		in.Overdue = in.State == gongzhi.InspectionDue && in.DueOn < today
		return each(in)
	})
}

func withFilter(f map[string]string, k, v string) map[string]string {
	out := map[string]string{}
	for x, y := range f {
		out[x] = y
	}
	out[k] = v
	return out
}

// Inspection returns one inspection within scope; a provider sees its own once done.
func (a *Service) Inspection(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Inspection, error) {
	return a.loadInspection(ctx, a.DB.Q(), ac, id)
}

func (a *Service) loadInspection(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Inspection, error) {
	s, err := supScope(ac)
	if err != nil {
		return nil, err
	}
	in, err := q.GetInspection(ctx, s, id)
	if err != nil {
		return nil, err
	}
	if SeesDoneInspectionsOnly(ac) && in.State != gongzhi.InspectionDone {
		return nil, gongzhi.NotFound()
	}
	in.Overdue = in.State == gongzhi.InspectionDue && in.DueOn < a.Today()
	return in, nil
}

// lockInspection locks an inspection within scope and reads it after the lock, so that what a
// change decides on is what no one else can change before it commits.
func (a *Service) lockInspection(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Inspection, error) {
	if _, err := a.loadInspection(ctx, q, ac, id); err != nil {
		return nil, err
	}
	if err := q.LockRow(ctx, "inspections", id); err != nil {
		return nil, err
	}
	return a.loadInspection(ctx, q, ac, id)
}

// sameRecord reports whether rec records nothing the inspection does not already hold.
func sameRecord(in *gongzhi.Inspection, rec gongzhi.InspectionRecord) bool {
	return in.InspectedOn == rec.InspectedOn && in.ProgressPct == rec.ProgressPct && in.Progress == rec.Progress &&
		in.Difficulties == rec.Difficulties && in.Results == rec.Results && slices.Equal(in.Checklist, rec.Checklist)
}

// RecordInspection records (or corrects) an inspection: progress against plan, difficulties,
// results and the checklist's findings; the inspection is then done. The hub or the purchaser
// within scope (EFORBIDDEN for others); EINVALID for a bad record (see InspectionRecord);
// ECONFLICT inspected_on (inspection.future) for a date after today, or inspected_on
// (inspection.before_month) for one before the month began, and state (inspection.unchanged)
// for a correction that changes nothing (the same record sent twice is recorded once).
func (a *Service) RecordInspection(ctx context.Context, ac *gongzhi.Actor, id int64, rec gongzhi.InspectionRecord) (*gongzhi.Inspection, error) {
	if err := kernel.Allow(ac, MayInspect(ac)); err != nil {
		return nil, err
	}
	if err := rec.Validate(); err != nil {
		return nil, err
	}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		in, err := a.lockInspection(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if in.State == gongzhi.InspectionDone && sameRecord(in, rec) {
			return gongzhi.Refused("state", "inspection.unchanged")
		}
		if rec.InspectedOn > a.Today() {
			return gongzhi.Refused("inspected_on", "inspection.future")
		}
		if rec.InspectedOn[:7] < in.Month {
			return gongzhi.Refused("inspected_on", "inspection.before_month")
		}
		before := *in
		from := in.State
		in.State, in.InspectedOn, in.ProgressPct, in.Progress = gongzhi.InspectionDone, rec.InspectedOn, rec.ProgressPct, rec.Progress
		in.Difficulties, in.Results, in.Checklist, in.Inspector = rec.Difficulties, rec.Results, rec.Checklist, kernel.ActorName(ac)
		if err := q.UpdateInspection(ctx, in, a.NowUTC()); err != nil {
			return err
		}
		if from != in.State {
			if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "inspection", EntityID: id, From: from, To: in.State,
				Note: gongzhi.NoteOf("month", in.Month)}); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "update", ResInspections, kernel.Id10(id), before, in, "")
	})
	if err != nil {
		return nil, err
	}
	return a.Inspection(ctx, ac, id)
}

// ---- rectifications

// RaiseRectification raises an order from a finding of a recorded inspection. The hub or the
// purchaser within scope. Refuses (ECONFLICT) an inspection not yet recorded (state:
// inspection.not_done), a checklist item that is not a finding (check_key:
// rect.not_a_finding) and a finding with an order not closed yet (check_key: rect.raised: one
// open order per finding, whatever arrives at once; a new one once it is closed); EINVALID
// requirement or deadline (a date not before today).
func (a *Service) RaiseRectification(ctx context.Context, ac *gongzhi.Actor, inspectionID int64, o gongzhi.RectificationOrder) (*gongzhi.Rectification, error) {
	if err := kernel.Allow(ac, MayInspect(ac)); err != nil {
		return nil, err
	}
	var x *gongzhi.Rectification
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		in, err := a.lockInspection(ctx, q, ac, inspectionID)
		if err != nil {
			return err
		}
		if in.State != gongzhi.InspectionDone {
			return gongzhi.Refused("state", "inspection.not_done")
		}
		i := slices.IndexFunc(in.Checklist, func(c gongzhi.CheckItem) bool { return c.Key == o.CheckKey })
		if i < 0 || in.Checklist[i].Result != gongzhi.CheckFinding {
			return gongzhi.Refused("check_key", "rect.not_a_finding")
		}
		if n, err := q.ListRectifications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"inspection": kernel.Id10(in.ID),
			"check_key": o.CheckKey, "state": "active"}, Limit: 1}, func(*gongzhi.Rectification) error { return nil }); err != nil {
			return err
		} else if n > 0 {
			return gongzhi.Refused("check_key", "rect.raised")
		}
		if o.Severity == "" {
			o.Severity = in.Checklist[i].Severity
		}
		if err := o.Validate(a.Today()); err != nil {
			return err
		}
		x = &gongzhi.Rectification{InspectionID: in.ID, CheckKey: o.CheckKey, ContractID: in.ContractID, OrgID: in.OrgID,
			PlaceCode: in.PlaceCode, Month: gongzhi.MonthOf(a.NowUTC()), Severity: o.Severity, Requirement: o.Requirement,
			Deadline: o.Deadline, CreatedBy: kernel.ActorName(ac)}
		err = a.insertRect(ctx, q, ac, x)
		if store.IsUnique(err, "") {
			return gongzhi.Refused("check_key", "rect.raised")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return a.Rectification(ctx, ac, x.ID)
}

func (a *Service) insertRect(ctx context.Context, q *store.Q, ac *gongzhi.Actor, x *gongzhi.Rectification) error {
	if err := q.InsertRectification(ctx, x, a.NowUTC()); err != nil {
		return err
	}
	if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "rectification", EntityID: x.ID, To: gongzhi.RectOpen,
		Note: gongzhi.NoteOf("rect_deadline", x.Deadline)}); err != nil {
		return err
	}
	return a.WriteAudit(ctx, q, ac, "create", ResRectifications, kernel.Id10(x.ID), nil, x, "")
}

// Rectifications lists orders within scope. Filters: see store.ListRectifications.
func (a *Service) Rectifications(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Rectification) error) (int, error) {
	s, err := supScope(ac)
	if err != nil {
		return 0, err
	}
	today := a.Today()
	return a.DB.Q().ListRectifications(ctx, s, opts, func(x *gongzhi.Rectification) error {
		x.Overdue = x.State != gongzhi.RectClosed && x.Deadline < today
		return each(x)
	})
}

// Rectification returns one order within scope.
func (a *Service) Rectification(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Rectification, error) {
	return a.loadRect(ctx, a.DB.Q(), ac, id)
}

func (a *Service) loadRect(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Rectification, error) {
	s, err := supScope(ac)
	if err != nil {
		return nil, err
	}
	x, err := q.GetRectification(ctx, s, id)
	if err != nil {
		return nil, err
	}
	x.Overdue = x.State != gongzhi.RectClosed && x.Deadline < a.Today()
	return x, nil
}

func (a *Service) lockRect(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Rectification, error) {
	if _, err := a.loadRect(ctx, q, ac, id); err != nil {
		return nil, err
	}
	if err := q.LockRow(ctx, "rectifications", id); err != nil {
		return nil, err
	}
	return a.loadRect(ctx, q, ac, id)
}

// RectificationHistory returns an order's state history. Same visibility as Rectification.
func (a *Service) RectificationHistory(ctx context.Context, ac *gongzhi.Actor, id int64) ([]gongzhi.StateChange, error) {
	if _, err := a.Rectification(ctx, ac, id); err != nil {
		return nil, err
	}
	return a.DB.Q().ListStateChanges(ctx, store.HistoryFilter{Entity: "rectification", EntityID: id})
}

// AnswerRectification is the provider's answer to its order: what it did, with optional
// evidence (content hashes of image or PDF files already stored). Only the provider the order
// is addressed to (another provider's order answers ENOTFOUND; other roles EFORBIDDEN).
// Refuses (ECONFLICT state) an order already answered (rect.answered) or closed (rect.closed);
// EINVALID answer.
func (a *Service) AnswerRectification(ctx context.Context, ac *gongzhi.Actor, id int64, answer string, evidence []string) (*gongzhi.Rectification, error) {
	if err := kernel.Allow(ac, MayAnswerRectifications(ac)); err != nil {
		return nil, err
	}
	answer, r := gongzhi.CheckText(answer, 4000, true)
	if r != "" {
		return nil, gongzhi.Invalid("answer", r)
	}
	if len(evidence) > 20 {
		return nil, gongzhi.Invalid("evidence", "sup.too_many:20")
	}
	for _, e := range evidence {
		if !gongzhi.IsContentHash(e) {
			return nil, gongzhi.Invalid("evidence", "rect.evidence_hash")
		}
	}
	return a.moveRect(ctx, ac, id, func(x *gongzhi.Rectification) error {
		if err := rectAnswerable(x); err != nil {
			return err
		}
		x.State, x.Answer, x.AnsweredAt = gongzhi.RectAnswered, answer, a.NowUTC()
		for _, e := range evidence {
			if !slices.Contains(x.Evidence, e) {
				x.Evidence = append(x.Evidence, e)
			}
		}
		return nil
	}, "")
}

// CanAnswerRectification checks, before an evidence file is stored, that the caller may answer
// the order now: the provider it is addressed to, while it is open. Same errors as
// AnswerRectification.
func (a *Service) CanAnswerRectification(ctx context.Context, ac *gongzhi.Actor, id int64) error {
	if err := kernel.Allow(ac, MayAnswerRectifications(ac)); err != nil {
		return err
	}
	x, err := a.Rectification(ctx, ac, id)
	if err != nil {
		return err
	}
	return rectAnswerable(x)
}

// rectAnswerable refuses (ECONFLICT state) an order already answered (rect.answered) or closed
// (rect.closed).
func rectAnswerable(x *gongzhi.Rectification) error {
	switch x.State {
	case gongzhi.RectAnswered:
		return gongzhi.Refused("state", "rect.answered")
	case gongzhi.RectClosed:
		return gongzhi.Refused("state", "rect.closed")
	}
	return nil
}

// rectCheckable refuses (ECONFLICT state) an order not answered (rect.not_answered) or closed
// (rect.closed).
func rectCheckable(x *gongzhi.Rectification) error {
	switch x.State {
	case gongzhi.RectOpen:
		return gongzhi.Refused("state", "rect.not_answered")
	case gongzhi.RectClosed:
		return gongzhi.Refused("state", "rect.closed")
	}
	return nil
}

// VerifyRectification closes an answered order after checking the answer on site. The hub or
// the purchaser within scope; a provider can never close an order (EFORBIDDEN). Refuses
// (ECONFLICT state) an order never answered or reopened and not answered again
// (rect.not_answered) and one already closed (rect.closed).
func (a *Service) VerifyRectification(ctx context.Context, ac *gongzhi.Actor, id int64, note string) (*gongzhi.Rectification, error) {
	if err := kernel.Allow(ac, MayInspect(ac)); err != nil {
		return nil, err
	}
	note, r := gongzhi.CheckText(note, 1000, false)
	if r != "" {
		return nil, gongzhi.Invalid("note", r)
	}
	return a.moveRect(ctx, ac, id, func(x *gongzhi.Rectification) error {
		if err := rectCheckable(x); err != nil {
			return err
		}
		x.State, x.VerifiedBy, x.ClosedAt = gongzhi.RectClosed, kernel.ActorName(ac), a.NowUTC()
		return nil
	}, note)
}

// ReopenRectification sends an answered order back to the provider with a reason. The hub or
// the purchaser within scope. Refuses (ECONFLICT state) an order not answered
// (rect.not_answered) or closed (rect.closed); EINVALID reason (required).
func (a *Service) ReopenRectification(ctx context.Context, ac *gongzhi.Actor, id int64, reason string) (*gongzhi.Rectification, error) {
	if err := kernel.Allow(ac, MayInspect(ac)); err != nil {
		return nil, err
	}
	reason, r := gongzhi.CheckText(reason, 1000, true)
	if r != "" {
		return nil, gongzhi.Invalid("reason", r)
	}
	return a.moveRect(ctx, ac, id, func(x *gongzhi.Rectification) error {
		if err := rectCheckable(x); err != nil {
			return err
		}
		x.State, x.ReopenReason = gongzhi.RectOpen, reason
		return nil
	}, reason)
}

// ExtendRectification sets a new deadline on an order, with a reason: what the street office does
// with an order escalated to it. The purchaser only (other roles EFORBIDDEN), within its place
// (an order elsewhere answers ENOTFOUND). The order keeps its state; the escalation flag is
// cleared (the street office has acted; a new deadline missed escalates again) and the earlier
// escalation stays in the history, where a line "extended" notes the new deadline and the reason
// (the note rect_extended). Refuses (ECONFLICT) a closed order (state: rect.closed) and a deadline
// before today (deadline: rect.deadline_past) and, on an order not escalated, the deadline it
// has already (deadline: rect.deadline_same: the same extension sent twice is made once);
// EINVALID deadline (date.format) or reason (required).
func (a *Service) ExtendRectification(ctx context.Context, ac *gongzhi.Actor, id int64, deadline, reason string) (*gongzhi.Rectification, error) {
	if err := kernel.Allow(ac, MayExtendRectifications(ac)); err != nil {
		return nil, err
	}
	f := gongzhi.FieldErrors{}
	if _, ok := gongzhi.ParseDate(deadline); !ok {
		f.Add("deadline", "date.format")
	}
	reason, r := gongzhi.CheckText(reason, 1000, true)
	if r != "" {
		f.Add("reason", r)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var x *gongzhi.Rectification
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		if x, err = a.lockRect(ctx, q, ac, id); err != nil {
			return err
		}
		if x.State == gongzhi.RectClosed {
			return gongzhi.Refused("state", "rect.closed")
		}
		if deadline < a.Today() {
			return gongzhi.Refused("deadline", "rect.deadline_past")
		}
		if deadline == x.Deadline && !x.Escalated {
			return gongzhi.Refused("deadline", "rect.deadline_same")
		}
		before := *x
		x.Deadline, x.Escalated = deadline, false
		if err := q.UpdateRectification(ctx, x, a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "rectification", EntityID: id, From: x.State, To: "extended",
			Note: gongzhi.NoteOf("rect_extended", deadline, reason)}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "extend", ResRectifications, kernel.Id10(id), before, x, reason)
	})
	if err != nil {
		return nil, err
	}
	return a.Rectification(ctx, ac, id)
}

// moveRect runs one state move of an order in a transaction with its history and audit.
func (a *Service) moveRect(ctx context.Context, ac *gongzhi.Actor, id int64, move func(*gongzhi.Rectification) error, note string) (*gongzhi.Rectification, error) {
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		x, err := a.lockRect(ctx, q, ac, id)
		if err != nil {
			return err
		}
		before := *x
		if err := move(x); err != nil {
			return err
		}
		if err := q.UpdateRectification(ctx, x, a.NowUTC()); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "rectification", EntityID: id, From: before.State, To: x.State,
			Note: gongzhi.TextNote(note)}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResRectifications, kernel.Id10(id), before, x, note)
	})
	if err != nil {
		return nil, err
	}
	return a.Rectification(ctx, ac, id)
}

// EscalateOverdue escalates to the street office every order within the caller's scope still
// open after its deadline: the flag is set once, with a line of history ("escalated") and an
// audit entry, both by the system (the rule escalates, not the caller). The scheduled job
// (internal/jobs) runs it as the system actor, which sees every place; a read never does.
// Returns how many it escalated.
func (a *Service) EscalateOverdue(ctx context.Context, ac *gongzhi.Actor) (int, error) {
	s, err := supScope(ac)
	if err != nil {
		return 0, err
	}
	today := a.Today()
	var ids []int64
	if _, err := a.DB.Q().ListRectifications(ctx, s, store.ListOptions{Filters: map[string]string{"state": gongzhi.RectOpen, "overdue": today}},
		func(x *gongzhi.Rectification) error {
			if !x.Escalated {
				ids = append(ids, x.ID)
			}
			return nil
		}); err != nil || len(ids) == 0 {
		return 0, err
	}
	sys := gongzhi.SystemActor("auto")
	n := 0
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		n = 0
		for _, id := range ids {
			if err := q.LockRow(ctx, "rectifications", id); err != nil {
				return err
			}
			x, err := q.GetRectification(ctx, store.Scope{}, id)
			if err != nil {
				return err
			}
			if x.Escalated || x.State != gongzhi.RectOpen || x.Deadline >= today {
				continue
			}
			x.Escalated = true
			if err := q.UpdateRectification(ctx, x, a.NowUTC()); err != nil {
				return err
			}
			// the rule escalates, not whoever's visit found the order overdue
			if err := a.Change(ctx, q, sys, gongzhi.StateChange{Entity: "rectification", EntityID: id, From: x.State, To: "escalated",
				Note: gongzhi.NoteOf("rect_missed", x.Deadline)}); err != nil {
				return err
			}
			if err := a.WriteAudit(ctx, q, sys, "escalate", ResRectifications, kernel.Id10(id), nil, map[string]any{"deadline": x.Deadline}, "overdue"); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// ---- talks

// RecordTalk records a one-to-one talk (约谈) with the provider of a signed contract within
// scope, with its attendees, reason and conclusions, and, when a requirement is given, a
// follow-up rectification order with its deadline. The hub or the purchaser. EINVALID for a bad
// talk; ECONFLICT contract_id (talk.contract_not_signed) for a contract not signed.
func (a *Service) RecordTalk(ctx context.Context, ac *gongzhi.Actor, in gongzhi.TalkInput) (*gongzhi.Talk, error) {
	if err := kernel.Allow(ac, MayInspect(ac)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var order *gongzhi.RectificationOrder
	if in.Requirement != "" || in.Deadline != "" {
		order = &gongzhi.RectificationOrder{Requirement: in.Requirement, Deadline: in.Deadline}
		if err := order.Validate(a.Today()); err != nil {
			return nil, err
		}
	}
	var t *gongzhi.Talk
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ct, err := q.GetContract(ctx, kernel.PlaceScope(ac), in.ContractID)
		if err != nil {
			if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
				return gongzhi.Invalid("contract_id", "sup.not_found")
			}
			return err
		}
		if ct.State != gongzhi.ContractSigned {
			return gongzhi.Refused("contract_id", "talk.contract_not_signed")
		}
		t = &gongzhi.Talk{Date: in.Date, ContractID: ct.ID, OrgID: ct.OrgID, PlaceCode: ct.PlaceCode, Attendees: in.Attendees,
			Reason: in.Reason, Conclusions: in.Conclusions, CreatedBy: kernel.ActorName(ac)}
		if err := q.InsertTalk(ctx, t, a.NowUTC()); err != nil {
			return err
		}
		if order != nil {
			x := &gongzhi.Rectification{TalkID: t.ID, ContractID: ct.ID, OrgID: ct.OrgID, PlaceCode: ct.PlaceCode,
				Month: gongzhi.MonthOf(a.NowUTC()), Severity: order.Severity, Requirement: order.Requirement, Deadline: order.Deadline,
				CreatedBy: kernel.ActorName(ac)}
			if err := a.insertRect(ctx, q, ac, x); err != nil {
				return err
			}
			if err := q.SetTalkRectification(ctx, t.ID, x.ID); err != nil {
				return err
			}
			t.RectificationID = x.ID
		}
		return a.WriteAudit(ctx, q, ac, "create", ResTalks, kernel.Id10(t.ID), nil, t, "")
	})
	if err != nil {
		return nil, err
	}
	return a.Talk(ctx, ac, t.ID)
}

// Talks lists talks within scope. Filters: see store.ListTalks.
func (a *Service) Talks(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Talk) error) (int, error) {
	s, err := supScope(ac)
	if err != nil {
		return 0, err
	}
	return a.DB.Q().ListTalks(ctx, s, opts, each)
}

// Talk returns one talk within scope.
func (a *Service) Talk(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Talk, error) {
	s, err := supScope(ac)
	if err != nil {
		return nil, err
	}
	return a.DB.Q().GetTalk(ctx, s, id)
}

// ---- to-dos

// supervisionItems returns this part's to-dos for the actor's role and attention lines for its
// scope: for the hub, inspections due this month and overdue, answers awaiting verification,
// overdue orders and overdue meeting actions; for the purchaser, escalated orders and overdue
// meeting actions; for a provider, its open orders and the meeting actions
// it owns. Attention lines: open and overdue orders, overdue inspections and meeting actions.
func (a *Service) SupervisionItems(ctx context.Context, ac *gongzhi.Actor) (todos, attention []kernel.Todo, err error) {
	if _, serr := supScope(ac); serr != nil {
		return nil, nil, nil
	}
	staff := MayOversee(ac)
	today, month := a.Today(), gongzhi.MonthOf(a.NowUTC())
	count := func(list func(store.ListOptions) (int, error), f map[string]string) int {
		if err != nil {
			return 0
		}
		var n int
		n, err = list(store.ListOptions{Filters: f, Limit: 1, CountOnly: true})
		return n
	}
	insp := func(o store.ListOptions) (int, error) {
		return a.Inspections(ctx, ac, o, func(*gongzhi.Inspection) error { return nil })
	}
	s, _ := supScope(ac)
	rect := func(o store.ListOptions) (int, error) {
		return a.DB.Q().ListRectifications(ctx, s, o, func(*gongzhi.Rectification) error { return nil })
	}
	actions := func(o store.ListOptions) (int, error) {
		as := s
		if staff {
			as = kernel.PlaceScope(ac)
		}
		return a.DB.Q().ListMeetingActions(ctx, as, o, func(*gongzhi.MeetingAction) error { return nil })
	}
	add := func(list *[]kernel.Todo, key string, n int, href string) {
		if n > 0 {
			*list = append(*list, kernel.Todo{Key: key, Count: n, Href: href})
		}
	}
	switch ac.Role() {
	case gongzhi.RoleHub:
		add(&todos, "todo.inspections_overdue", count(insp, map[string]string{"overdue": today}), "/supervision?overdue=1")
		due := count(insp, map[string]string{"month": month, "due_from": today})
		add(&todos, "todo.inspections_due", due, "/supervision?month="+month)
		add(&todos, "todo.rect_to_verify", count(rect, map[string]string{"state": gongzhi.RectAnswered}), "/supervision?rect=answered#rectifications")
		add(&todos, "todo.rect_overdue", count(rect, map[string]string{"overdue": today}), "/supervision?rect=overdue#rectifications")
		add(&todos, "todo.actions_overdue", count(actions, map[string]string{"overdue": today}), "/meetings?actions=overdue#actions")
	case gongzhi.RolePurchaser:
		add(&todos, "todo.rect_escalated", count(rect, map[string]string{"escalated": "1"}), "/supervision?rect=escalated#rectifications")
		add(&todos, "todo.actions_overdue", count(actions, map[string]string{"overdue": today}), "/meetings?actions=overdue#actions")
	case gongzhi.RoleProvider:
		add(&todos, "todo.rect_mine", count(rect, map[string]string{"state": gongzhi.RectOpen}), "/supervision?rect=open#rectifications")
		add(&todos, "todo.actions_mine", count(actions, map[string]string{"state": gongzhi.ActionOpen}), "/meetings")
	}
	add(&attention, "attn.rect_open", count(rect, map[string]string{"state": "active"}), "/supervision?rect=active#rectifications")
	add(&attention, "attn.rect_overdue", count(rect, map[string]string{"overdue": today}), "/supervision?rect=overdue#rectifications")
	if staff {
		add(&attention, "attn.inspections_overdue", count(insp, map[string]string{"overdue": today}), "/supervision?overdue=1")
	}
	add(&attention, "attn.actions_overdue", count(actions, map[string]string{"overdue": today}), "/meetings?actions=overdue#actions")
	return todos, attention, err
}
