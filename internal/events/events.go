// Grid events through the seven steps (docs/events.md).
//
// Who may do what (rules.go):
//   - anyone, without an account: report a problem with a photo and its place (throttled per
//     client address), follow it by its tracking code, evaluate it there once closed; read the
//     public list of a community's reports and the public statistics — nothing personal.
//   - resident: report signed in, list and read their own, evaluate.
//   - grid worker: collect on patrol (or from a household visit, Report), handle what is solved
//     in the grid, verify handled events on site.
//   - community staff, the street office (the centre): register (立案) or reject with a reason,
//     dispatch to a department that handles the category or to the grid, close verified events.
//   - department (职能部门): handle what is dispatched to it and report back with evidence, or
//     send it back with a reason.
//   - street office: categories, departments and their accounts.
//
// Every step is a conditional UPDATE on the old state (store.MoveEvent): of identical concurrent
// requests one moves the event, the others get ECONFLICT state: event.state_changed. Every step
// is timed (how long the state it left lasted, and whether within its deadline) and kept as a
// line of history with a note code. Deadlines count working hours of the office calendar
// (gongzhi.WorkingDeadline). An overdue step escalates (grid → community → street → district)
// by the scheduled job (EscalateOverdueEvents), never on a read.

package events

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"slices"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/purchase"
	"gongzhi/internal/store"
)

// Audit entities.
const (
	ResEvents          = "events"
	ResEventCategories = "event_categories"
	ResDepartments     = "departments"
)

// Throttles of anonymous reports and tracking.
var (
	ReportIPLimit  = 5 // anonymous reports per client address per ReportIPWindow
	ReportIPWindow = time.Hour
	TrackFailLimit = 20 // failed tracking requests per client address per hour
	throttleReport = "event_report"
	throttleTrack  = "event_track"
)

// New is what a report gives (gongzhi.NewEvent): used by Report.
type New = gongzhi.NewEvent

// Photo is a stored upload to attach to a step (from the web kit's upload, by its SHA-256).
type Photo struct {
	SHA256      string
	Name        string
	ContentType string
	Size        int64
}

// deptOf returns the department of a department account, 0 for any other actor.
func deptOf(ctx context.Context, q *store.Q, ac *gongzhi.Actor) (int64, error) {
	if !ac.Has(gongzhi.RoleDepartment) {
		return 0, nil
	}
	return q.DepartmentOfUser(ctx, ac.User.ID)
}

// eventScope is what the actor sees of events.
func eventScope(ctx context.Context, q *store.Q, ac *gongzhi.Actor) (store.EventScope, error) {
	if err := kernel.Allow(ac, MayReadEvents(ac)); err != nil {
		return store.EventScope{}, err
	}
	switch {
	case ac.IsSystem():
		return store.EventScope{}, nil
	case ac.Has(gongzhi.RoleResident):
		return store.EventScope{UserID: ac.User.ID}, nil
	case ac.Has(gongzhi.RoleDepartment):
		d, err := deptOf(ctx, q, ac)
		if err != nil || d == 0 {
			return store.EventScope{None: true}, err
		}
		return store.EventScope{DeptID: d}, nil
	}
	s := kernel.PlaceScope(ac)
	return store.EventScope{Prefix: s.Prefix, None: s.None}, nil
}

// view opens a stored event for the actor: the reporter's contact in full for the reporter and
// the system, the name for the centre, masked for everyone else; the tracking code for the
// reporter and staff of its place.
func (a *Service) view(ac *gongzhi.Actor, r *store.EventRow) *gongzhi.Event {
	e := *r.Event
	e.Overdue = e.IsOverdue(a.NowUTC())
	name, _ := a.Box.Open(r.NameEnc, "events.reporter_name")
	phone, _ := a.Box.Open(r.PhoneEnc, "events.reporter_phone")
	own := ac != nil && ac.User != nil && e.ReporterUserID != 0 && ac.User.ID == e.ReporterUserID
	switch {
	case own || ac.IsSystem():
		e.ReporterName, e.ReporterPhone = name, phone
	case MayRegisterEvents(ac):
		e.ReporterName, e.ReporterPhone = name, gongzhi.MaskPhone(phone)
	default:
		e.ReporterName, e.ReporterPhone = gongzhi.MaskName(name), gongzhi.MaskPhone(phone)
	}
	if !own && !ac.IsSystem() && !MayRegisterEvents(ac) && !ac.Has(gongzhi.RoleGridWorker) {
		e.Code = ""
	}
	return &e
}

// auditEvent is what the audit log keeps of an event: never the reporter's contact or code.
func auditEvent(e *gongzhi.Event) any {
	if e == nil {
		return nil
	}
	x := *e
	x.ReporterName, x.ReporterPhone, x.Code, x.Files = "", "", "", nil
	return &x
}

// code returns a random tracking code.
func code() string {
	const alpha = gongzhi.ComplaintCodeAlphabet
	b := make([]byte, gongzhi.EventCodeLen)
	var buf [32]byte
	for i := 0; i < len(b); {
		if _, err := rand.Read(buf[:]); err != nil {
			panic(err)
		}
		for _, x := range buf {
			if x < 248 && i < len(b) { // 248 = 8 × 31: every letter equally likely
				b[i] = alpha[int(x)%len(alpha)]
				i++
			}
		}
	}
	return string(b)
}

// deadlines returns a step's deadline n working hours from now and its escalation times: the
// community at the deadline, the street and the district each EscalateStepHours later.
func deadlines(cal *gongzhi.Calendar, now time.Time, hours int) (time.Time, [3]time.Time) {
	due := gongzhi.WorkingDeadline(cal, now, hours)
	e2 := gongzhi.WorkingDeadline(cal, due, gongzhi.EscalateStepHours)
	e3 := gongzhi.WorkingDeadline(cal, e2, gongzhi.EscalateStepHours)
	return due, [3]time.Time{due, e2, e3}
}

// step appends a line of history inside the caller's transaction, timing the state it leaves.
func (a *Service) step(ctx context.Context, q *store.Q, ac *gongzhi.Actor, e *gongzhi.Event, action, to string, note gongzhi.Note) error {
	uid, name, role := kernel.Identity(ac)
	if ac.IsSystem() {
		uid = 0
	}
	now := a.NowUTC()
	st := &gongzhi.EventStep{At: now, Action: action, From: e.State, To: to, Username: name, Role: role, Note: note, OnTime: true}
	if e.ID != 0 && !e.StepStartedAt.IsZero() && action != "reported" {
		st.Seconds = int64(now.Sub(e.StepStartedAt) / time.Second)
		st.OnTime = !now.After(e.StepDueAt)
	}
	return q.InsertEventStep(ctx, e.ID, st, uid)
}

// ---- collect

// Report records an event inside the caller's transaction and returns it with its tracking
// code: the one entry for every source. A household visit's finding becomes an event by
// Report(ctx, q, ac, events.New{Source: gongzhi.SourceVisit, SourceRef: visitID, GridID: …,
// HouseholdID: …, CategoryCode: …, Title: …}) in the visit's own transaction.
//
// The category must exist and be active (EINVALID category_id: event.category_unknown); the
// place is a grid within the caller's scope (grid_id: event.grid_unknown, its community taken
// from it) or a community (community_code: place.missing, place.not_community), the household
// one of the grid (household_id: event.household_unknown). A signed-in resident's contact is
// the account's. Staff sources (patrol, phone, hotline, visit, topic) need an actor who may
// collect (EFORBIDDEN); online and open311 reports may come from anyone. The event waits to be
// registered within RegisterHours working hours.
func (a *Service) Report(ctx context.Context, q *store.Q, ac *gongzhi.Actor, n New) (*gongzhi.Event, error) {
	if n.Source == "" {
		n.Source = gongzhi.SourceOnline
	}
	if ReportsAsResident(ac) {
		n.Source, n.ReporterName, n.ReporterPhone = gongzhi.SourceOnline, ac.User.DisplayName, ac.User.Phone
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	staff := n.Source != gongzhi.SourceOnline && n.Source != gongzhi.SourceOpen311
	if staff {
		if err := kernel.Allow(ac, MayCollectEvents(ac) && !ReportsAsResident(ac)); err != nil {
			return nil, err
		}
	}
	cat, err := q.GetEventCategory(ctx, n.CategoryID, n.CategoryCode)
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND || (err == nil && !cat.Active) {
		return nil, gongzhi.Invalid("category_id", "event.category_unknown")
	} else if err != nil {
		return nil, err
	}
	e := &gongzhi.Event{Source: n.Source, SourceRef: n.SourceRef, CategoryID: cat.ID, CategoryCode: cat.Code, CategoryName: cat.Name,
		Urgency: cat.Urgency, CommunityCode: n.CommunityCode, GridID: n.GridID, HouseholdID: n.HouseholdID, Address: n.Address,
		Lat: n.Lat, Lon: n.Lon, Title: n.Title, Description: n.Description, MediaURL: n.MediaURL, State: gongzhi.EventCollected,
		CreatedBy: kernel.UserID(ac)}
	if ReportsAsResident(ac) {
		e.ReporterUserID = ac.User.ID
	}
	// staff see grids of their place; anyone else names a grid of any community
	gs := store.Scope{}
	if staff && !ac.IsSystem() {
		gs = kernel.PlaceScope(ac)
	}
	if n.GridID != 0 {
		g, err := q.GetGrid(ctx, gs, n.GridID)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return nil, gongzhi.Invalid("grid_id", "event.grid_unknown")
		} else if err != nil {
			return nil, err
		}
		if n.CommunityCode != "" && n.CommunityCode != g.CommunityCode {
			return nil, gongzhi.Invalid("grid_id", "event.grid_unknown")
		}
		e.CommunityCode, e.GridName = g.CommunityCode, g.Name
	} else {
		if err := purchase.CommunityExists(ctx, q, n.CommunityCode); err != nil {
			return nil, err
		}
		if staff && !kernel.InPlace(ac, n.CommunityCode) {
			return nil, gongzhi.Invalid("community_code", "event.grid_unknown")
		}
	}
	if n.HouseholdID != 0 {
		h, err := q.GetHousehold(ctx, gs, n.HouseholdID)
		if err != nil || h.CommunityCode != e.CommunityCode || (e.GridID != 0 && h.GridID != e.GridID) {
			if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
				return nil, err
			}
			return nil, gongzhi.Invalid("household_id", "event.household_unknown")
		}
	}
	cal, err := a.Calendar(ctx, q)
	if err != nil {
		return nil, err
	}
	now := a.NowUTC()
	due, esc := deadlines(cal, now, gongzhi.RegisterHours)
	e.StepDueAt, e.Code = due, code()
	if err := q.InsertEvent(ctx, e, a.Box.Seal(n.ReporterName, "events.reporter_name"), a.Box.Seal(n.ReporterPhone, "events.reporter_phone"),
		esc, now); err != nil {
		return nil, err
	}
	e.State = ""
	if err := a.step(ctx, q, ac, e, "reported", gongzhi.EventCollected, gongzhi.NoteOf("event_source", n.Source)); err != nil {
		return nil, err
	}
	e.State = gongzhi.EventCollected
	if err := a.WriteAudit(ctx, q, ac, "create", ResEvents, kernel.Id10(e.ID), nil, auditEvent(e), ""); err != nil {
		return nil, err
	}
	return e, nil
}

// ReportEvent records a report in a transaction of its own with its photos (see Report). An
// anonymous report (no account) is throttled: more than ReportIPLimit from one client address
// within ReportIPWindow answer ETOOMANY.
func (a *Service) ReportEvent(ctx context.Context, ac *gongzhi.Actor, n New, photos []Photo) (*gongzhi.Event, error) {
	var out *gongzhi.Event
	now := a.NowUTC()
	anonymous := ac == nil || ac.User == nil
	ip := ""
	if ac != nil {
		ip = ac.IP
	}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if anonymous && ip != "" {
			slot, err := q.TakeComplaintThrottle(ctx, throttleReport, ip, now.Add(-ReportIPWindow), ReportIPLimit, now)
			if err != nil {
				return err
			}
			if slot == 0 {
				return &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "event.too_many"}
			}
		}
		e, err := a.Report(ctx, q, ac, n)
		if err != nil {
			return err
		}
		if err := a.attach(ctx, q, e, gongzhi.EventCollected, photos); err != nil {
			return err
		}
		out = e
		return nil
	})
	return out, err
}

func (a *Service) attach(ctx context.Context, q *store.Q, e *gongzhi.Event, step string, photos []Photo) error {
	for _, p := range photos {
		f := &gongzhi.EventFile{Step: step, SHA256: p.SHA256, Name: p.Name, ContentType: p.ContentType, Size: p.Size, At: a.NowUTC()}
		if err := q.InsertEventFile(ctx, e.ID, f); err != nil {
			return err
		}
		e.Files = append(e.Files, *f)
	}
	return nil
}

// ---- reads

// Events lists the events the actor sees (store.ListEvents filters).
func (a *Service) Events(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Event) error) (int, error) {
	q := a.DB.Q()
	s, err := eventScope(ctx, q, ac)
	if err != nil {
		return 0, err
	}
	return q.ListEvents(ctx, s, opts, a.NowUTC(), func(r *store.EventRow) error { return each(a.view(ac, r)) })
}

// GridEvents returns the events of a grid the actor sees, for the grid's page: the open and
// overdue counts and the latest n. nil for those who do not read events.
func (a *Service) GridEvents(ctx context.Context, ac *gongzhi.Actor, gridID int64, n int) (*gongzhi.GridEvents, error) {
	if !MayReadEvents(ac) {
		return nil, nil
	}
	q := a.DB.Q()
	s, err := eventScope(ctx, q, ac)
	if err != nil {
		return nil, err
	}
	out := &gongzhi.GridEvents{Latest: []*gongzhi.Event{}}
	// the two figures in one statement, and the latest without a total: two statements
	if out.Open, out.Overdue, err = q.GridEventCounts(ctx, s, gridID, a.NowUTC()); err != nil {
		return nil, err
	}
	grid := kernel.Id10(gridID)
	if _, err = a.Events(ctx, ac, store.ListOptions{Filters: map[string]string{"grid": grid}, Limit: n, NoCount: true}, func(e *gongzhi.Event) error {
		out.Latest = append(out.Latest, e)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// OpenByGrid counts the open events of each grid under a place code prefix that the actor
// sees, for the grid map's shading (docs/grids.md §2); nil for those who do not read events.
func (a *Service) OpenByGrid(ctx context.Context, ac *gongzhi.Actor, prefix string) (map[int64]int, error) {
	if !MayReadEvents(ac) || ac.Has(gongzhi.RoleResident) {
		return nil, nil
	}
	q := a.DB.Q()
	s, err := eventScope(ctx, q, ac)
	if err != nil {
		return nil, err
	}
	return q.OpenEventsByGrid(ctx, s, prefix)
}

// Event returns an event the actor sees, with its photos (ENOTFOUND otherwise).
func (a *Service) Event(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Event, error) {
	q := a.DB.Q()
	s, err := eventScope(ctx, q, ac)
	if err != nil {
		return nil, err
	}
	r, err := q.GetEvent(ctx, s, id)
	if err != nil {
		return nil, err
	}
	e := a.view(ac, r)
	if e.Files, err = q.EventFiles(ctx, id); err != nil {
		return nil, err
	}
	return e, nil
}

// EventHistory returns an event's timed steps, to whoever reads the event.
func (a *Service) EventHistory(ctx context.Context, ac *gongzhi.Actor, id int64) ([]gongzhi.EventStep, error) {
	if _, err := a.Event(ctx, ac, id); err != nil {
		return nil, err
	}
	steps, err := a.DB.Q().EventSteps(ctx, id)
	if err != nil {
		return nil, err
	}
	for i := range steps {
		// residents see roles, not staff's names; only the centre sees which resident reported
		if ac.Has(gongzhi.RoleResident) || (steps[i].Role == gongzhi.RoleResident && !MayRegisterEvents(ac) && !ac.IsSystem()) {
			steps[i].Username = ""
		}
	}
	return steps, nil
}

// EventPhoto returns a photo of an event the actor sees (ENOTFOUND otherwise).
func (a *Service) EventPhoto(ctx context.Context, ac *gongzhi.Actor, id int64, sha string) (*gongzhi.EventFile, error) {
	if _, err := a.Event(ctx, ac, id); err != nil {
		return nil, err
	}
	return a.DB.Q().EventFile(ctx, id, sha)
}

// DepartmentOf returns the department of a department account (0 for any other).
func (a *Service) DepartmentOf(ctx context.Context, ac *gongzhi.Actor) (int64, error) {
	return deptOf(ctx, a.DB.Q(), ac)
}

// ---- the steps

// move runs one step: locks the event within the actor's scope, checks it with ok (which may
// refuse), moves it by a conditional UPDATE from its state, appends the timed history line and
// the audit entry. A lost race answers ECONFLICT state: event.state_changed.
func (a *Service) move(ctx context.Context, ac *gongzhi.Actor, id int64, action, reason string, photos []Photo, photoStep string,
	plan func(ctx context.Context, q *store.Q, e *gongzhi.Event, dept int64, cal *gongzhi.Calendar, now time.Time) (store.EventMove, gongzhi.Note, error)) (*gongzhi.Event, error) {
	var out *gongzhi.Event
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		s, err := eventScope(ctx, q, ac)
		if err != nil {
			return err
		}
		r, err := q.LockEvent(ctx, s, id)
		if err != nil {
			return err
		}
		e := r.Event
		before := *e
		dept, err := deptOf(ctx, q, ac)
		if err != nil {
			return err
		}
		cal, err := a.Calendar(ctx, q)
		if err != nil {
			return err
		}
		now := a.NowUTC()
		m, note, err := plan(ctx, q, e, dept, cal, now)
		if err != nil {
			return err
		}
		m.ID, m.From = id, e.State
		ok, err := q.MoveEvent(ctx, m, now)
		if err != nil {
			return err
		}
		if !ok {
			return stateChanged()
		}
		if err := a.step(ctx, q, ac, e, action, m.To, note); err != nil {
			return err
		}
		if err := a.attach(ctx, q, e, photoStep, photos); err != nil {
			return err
		}
		r2, err := q.GetEvent(ctx, store.EventScope{}, id)
		if err != nil {
			return err
		}
		out = a.view(ac, r2)
		out.Files = e.Files
		return a.WriteAudit(ctx, q, ac, action, ResEvents, kernel.Id10(id), auditEvent(&before), auditEvent(out), reason)
	})
	return out, err
}

func stateChanged() error {
	return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"state": "event.state_changed"}}
}

func notIn(state string) error {
	return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"state": "event.wrong_state:" + state}}
}

func checkReason(reason string, required bool) (string, error) {
	reason, r := gongzhi.CheckText(reason, 1000, required)
	if r != "" {
		return "", gongzhi.Invalid("reason", r)
	}
	return reason, nil
}

func textNote(s string) gongzhi.Note {
	if s == "" {
		return gongzhi.Note{}
	}
	return gongzhi.NoteOf("text", s)
}

// Register registers (立案) a collected event: the centre within its place (EFORBIDDEN for
// others, ENOTFOUND out of scope, ECONFLICT state in any other state). It waits to be
// dispatched within DispatchHours.
func (a *Service) Register(ctx context.Context, ac *gongzhi.Actor, id int64, note string) (*gongzhi.Event, error) {
	if err := kernel.Allow(ac, MayRegisterEvents(ac)); err != nil {
		return nil, err
	}
	note, err := checkReason(note, false)
	if err != nil {
		return nil, err
	}
	return a.move(ctx, ac, id, "registered", note, nil, "", func(_ context.Context, _ *store.Q, e *gongzhi.Event, _ int64, cal *gongzhi.Calendar, now time.Time) (store.EventMove, gongzhi.Note, error) {
		if e.State != gongzhi.EventCollected {
			return store.EventMove{}, gongzhi.Note{}, notIn(e.State)
		}
		due, esc := deadlines(cal, now, gongzhi.DispatchHours)
		return store.EventMove{To: gongzhi.EventRegistered, StepDue: due, Esc: esc, Stamp: "registered_at"}, textNote(note), nil
	})
}

// Reject refuses to register a collected event, with a reason (EINVALID reason: required): the
// centre within its place. Final.
func (a *Service) Reject(ctx context.Context, ac *gongzhi.Actor, id int64, reason string) (*gongzhi.Event, error) {
	if err := kernel.Allow(ac, MayRegisterEvents(ac)); err != nil {
		return nil, err
	}
	reason, err := checkReason(reason, true)
	if err != nil {
		return nil, err
	}
	return a.move(ctx, ac, id, "rejected", reason, nil, "", func(_ context.Context, _ *store.Q, e *gongzhi.Event, _ int64, _ *gongzhi.Calendar, now time.Time) (store.EventMove, gongzhi.Note, error) {
		if e.State != gongzhi.EventCollected {
			return store.EventMove{}, gongzhi.Note{}, notIn(e.State)
		}
		return store.EventMove{To: gongzhi.EventRejected, StepDue: now, Esc: [3]time.Time{now, now, now}, Stamp: "closed_at"}, textNote(reason), nil
	})
}

// Dispatch sends a registered event to a department that handles its category (EINVALID
// department_id: event.dept_not_handling for one that does not, event.dept_unknown for none
// such), or to be solved in the grid (inGrid). The handling deadline is the category's, in
// working hours from now. The centre within its place.
func (a *Service) Dispatch(ctx context.Context, ac *gongzhi.Actor, id, deptID int64, inGrid bool, note string) (*gongzhi.Event, error) {
	if err := kernel.Allow(ac, MayDispatchEvents(ac)); err != nil {
		return nil, err
	}
	note, err := checkReason(note, false)
	if err != nil {
		return nil, err
	}
	if !inGrid && deptID == 0 {
		return nil, gongzhi.Invalid("department_id", "required")
	}
	if inGrid {
		deptID = 0
	}
	return a.move(ctx, ac, id, "dispatched", note, nil, "", func(ctx context.Context, q *store.Q, e *gongzhi.Event, _ int64, cal *gongzhi.Calendar, now time.Time) (store.EventMove, gongzhi.Note, error) {
		if e.State != gongzhi.EventRegistered {
			return store.EventMove{}, gongzhi.Note{}, notIn(e.State)
		}
		n := gongzhi.NoteOf("event_in_grid")
		if !inGrid {
			d, err := q.GetDepartment(ctx, deptID)
			if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
				return store.EventMove{}, n, gongzhi.Invalid("department_id", "event.dept_unknown")
			} else if err != nil {
				return store.EventMove{}, n, err
			}
			ok, err := q.DepartmentHandles(ctx, deptID, e.CategoryID)
			if err != nil {
				return store.EventMove{}, n, err
			}
			if !ok {
				return store.EventMove{}, n, gongzhi.Invalid("department_id", "event.dept_not_handling")
			}
			n = gongzhi.NoteOf("event_dept", d.Name)
		}
		cat, err := q.GetEventCategory(ctx, e.CategoryID, "")
		if err != nil {
			return store.EventMove{}, n, err
		}
		due, esc := deadlines(cal, now, cat.DeadlineHours)
		return store.EventMove{To: gongzhi.EventHandling, StepDue: due, Esc: esc, Stamp: "dispatched_at", Dispatch: true, DeptID: deptID,
			InGrid: inGrid, DueAt: due}, n, nil
	})
}

// SendBack returns an event dispatched to the caller's department to the centre, with a reason
// (EINVALID reason: required); it waits to be dispatched again and counts as a return.
func (a *Service) SendBack(ctx context.Context, ac *gongzhi.Actor, id int64, reason string) (*gongzhi.Event, error) {
	if err := kernel.Allow(ac, kernel.HasRole(ac, gongzhi.RoleDepartment)); err != nil {
		return nil, err
	}
	reason, err := checkReason(reason, true)
	if err != nil {
		return nil, err
	}
	return a.move(ctx, ac, id, "returned", reason, nil, "", func(_ context.Context, _ *store.Q, e *gongzhi.Event, dept int64, cal *gongzhi.Calendar, now time.Time) (store.EventMove, gongzhi.Note, error) {
		if !MayReturnEvent(ac, dept, e) {
			return store.EventMove{}, gongzhi.Note{}, notIn(e.State)
		}
		due, esc := deadlines(cal, now, gongzhi.DispatchHours)
		return store.EventMove{To: gongzhi.EventRegistered, StepDue: due, Esc: esc, Return: true}, textNote(reason), nil
	})
}

// Handle reports an event handled, with what was done (EINVALID reason: required) and photos
// as evidence: the department it is dispatched to, or the grid worker or community staff for
// one solved in the grid. It waits for verification on site within VerifyHours.
func (a *Service) Handle(ctx context.Context, ac *gongzhi.Actor, id int64, result string, photos []Photo) (*gongzhi.Event, error) {
	if err := kernel.Allow(ac, MayHandleEvents(ac)); err != nil {
		return nil, err
	}
	result, err := checkReason(result, true)
	if err != nil {
		return nil, err
	}
	return a.move(ctx, ac, id, "handled", result, photos, gongzhi.EventHandled, func(_ context.Context, _ *store.Q, e *gongzhi.Event, dept int64, cal *gongzhi.Calendar, now time.Time) (store.EventMove, gongzhi.Note, error) {
		if !MayHandleEvent(ac, dept, e) {
			if e.State == gongzhi.EventHandling {
				return store.EventMove{}, gongzhi.Note{}, &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict",
					Fields: map[string]string{"department_id": "event.not_yours"}}
			}
			return store.EventMove{}, gongzhi.Note{}, notIn(e.State)
		}
		due, esc := deadlines(cal, now, gongzhi.VerifyHours)
		return store.EventMove{To: gongzhi.EventHandled, StepDue: due, Esc: esc, Stamp: "handled_at"}, textNote(result), nil
	})
}

// Verify records the grid worker's check on site of a handled event: solved (it waits to be
// closed within CloseHours), or not (back to handling by the same department, within the
// category's deadline again, counted as a reopening; EINVALID reason: required then).
func (a *Service) Verify(ctx context.Context, ac *gongzhi.Actor, id int64, solved bool, note string, photos []Photo) (*gongzhi.Event, error) {
	if err := kernel.Allow(ac, MayVerifyEvents(ac)); err != nil {
		return nil, err
	}
	note, err := checkReason(note, !solved)
	if err != nil {
		return nil, err
	}
	action := "verified"
	if !solved {
		action = "reopened"
	}
	return a.move(ctx, ac, id, action, note, photos, gongzhi.EventVerified, func(ctx context.Context, q *store.Q, e *gongzhi.Event, _ int64, cal *gongzhi.Calendar, now time.Time) (store.EventMove, gongzhi.Note, error) {
		if e.State != gongzhi.EventHandled {
			return store.EventMove{}, gongzhi.Note{}, notIn(e.State)
		}
		if solved {
			due, esc := deadlines(cal, now, gongzhi.CloseHours)
			return store.EventMove{To: gongzhi.EventVerified, StepDue: due, Esc: esc, Stamp: "verified_at"}, textNote(note), nil
		}
		cat, err := q.GetEventCategory(ctx, e.CategoryID, "")
		if err != nil {
			return store.EventMove{}, gongzhi.Note{}, err
		}
		due, esc := deadlines(cal, now, cat.DeadlineHours)
		return store.EventMove{To: gongzhi.EventHandling, StepDue: due, Esc: esc, Reopen: true}, textNote(note), nil
	})
}

// Close closes a verified event: the centre within its place. An event not verified on site
// cannot be closed (ECONFLICT state).
func (a *Service) Close(ctx context.Context, ac *gongzhi.Actor, id int64, note string) (*gongzhi.Event, error) {
	if err := kernel.Allow(ac, MayCloseEvents(ac)); err != nil {
		return nil, err
	}
	note, err := checkReason(note, false)
	if err != nil {
		return nil, err
	}
	return a.move(ctx, ac, id, "closed", note, nil, "", func(_ context.Context, _ *store.Q, e *gongzhi.Event, _ int64, _ *gongzhi.Calendar, now time.Time) (store.EventMove, gongzhi.Note, error) {
		if e.State != gongzhi.EventVerified {
			return store.EventMove{}, gongzhi.Note{}, notIn(e.State)
		}
		return store.EventMove{To: gongzhi.EventClosed, StepDue: now, Esc: [3]time.Time{now, now, now}, Stamp: "closed_at"}, textNote(note), nil
	})
}

// ---- evaluate

// Rate records a signed-in resident's evaluation of a closed event they may rate (MayRateEvent:
// their own report, or one a visit to their household found; ENOTFOUND for anyone else's), once (ECONFLICT rating: event.already_rated; state: event.not_closed before closing).
func (a *Service) Rate(ctx context.Context, ac *gongzhi.Actor, id int64, rating int, comment string) error {
	if err := kernel.Allow(ac, kernel.HasRole(ac, gongzhi.RoleResident)); err != nil {
		return err
	}
	comment, err := gongzhi.CheckRating(rating, comment)
	if err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		s, err := eventScope(ctx, q, ac)
		if err != nil {
			return err
		}
		r, err := q.LockEvent(ctx, s, id)
		if err != nil {
			return err
		}
		return a.rate(ctx, q, ac, r.Event, rating, comment, "")
	})
}

// RateByCode records the reporter's evaluation through the tracking page: the code identifies
// the event (ENOTFOUND otherwise, throttled like Track).
func (a *Service) RateByCode(ctx context.Context, ac *gongzhi.Actor, code string, rating int, comment string) error {
	comment, err := gongzhi.CheckRating(rating, comment)
	if err != nil {
		return err
	}
	r, err := a.trackRow(ctx, ac, code)
	if err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		r, err := q.LockEvent(ctx, store.EventScope{}, r.ID)
		if err != nil {
			return err
		}
		return a.rate(ctx, q, ac, r.Event, rating, comment, code)
	})
}

// MayRate reports whether the actor may evaluate the event now (MayRateEvent, with whether the
// actor's own record lives in the household a visit found it in): the page and the API ask it.
func (a *Service) MayRate(ctx context.Context, ac *gongzhi.Actor, e *gongzhi.Event) (bool, error) {
	return a.mayRate(ctx, a.DB.Q(), ac, e)
}

func (a *Service) mayRate(ctx context.Context, q *store.Q, ac *gongzhi.Actor, e *gongzhi.Event) (bool, error) {
	if !ac.Has(gongzhi.RoleResident) {
		return false, nil
	}
	visited := false
	if e.Source == gongzhi.SourceVisit && e.HouseholdID != 0 {
		var err error
		if visited, err = q.InVisitedHousehold(ctx, ac.User.ID, e.HouseholdID); err != nil {
			return false, err
		}
	}
	return MayRateEvent(ac, e, visited), nil
}

// rate records an evaluation: a signed-in resident's when MayRateEvent allows it (ENOTFOUND
// for an event that is not theirs to rate), anyone's with the tracking code.
func (a *Service) rate(ctx context.Context, q *store.Q, ac *gongzhi.Actor, e *gongzhi.Event, rating int, comment, byCode string) error {
	if e.Rating != 0 {
		return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"rating": "event.already_rated"}}
	}
	if e.State != gongzhi.EventClosed {
		return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"state": "event.not_closed"}}
	}
	if byCode == "" {
		ok, err := a.mayRate(ctx, q, ac, e)
		if err != nil {
			return err
		}
		if !ok {
			return gongzhi.NotFound()
		}
	}
	ok, err := q.RateEvent(ctx, e.ID, rating, comment, a.NowUTC())
	if err != nil {
		return err
	}
	if !ok {
		return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"rating": "event.already_rated"}}
	}
	e.StepStartedAt = time.Time{}
	if err := a.step(ctx, q, ac, e, "rated", e.State, gongzhi.NoteOf("event_rating", rating)); err != nil {
		return err
	}
	return a.WriteAudit(ctx, q, ac, "rate", ResEvents, kernel.Id10(e.ID), nil, map[string]any{"rating": rating, "comment": comment}, "")
}

// ---- tracking and the public list

// trackRow finds an event by its tracking code. A wrong code answers ENOTFOUND; after
// TrackFailLimit failures from one address within an hour, ETOOMANY (each request takes a
// failure's place before the lookup and gives it back when it finds its event).
func (a *Service) trackRow(ctx context.Context, ac *gongzhi.Actor, code string) (*store.EventRow, error) {
	code = gongzhi.NormalizeComplaintCode(code)
	if code == "" {
		return nil, gongzhi.Invalid("code", "required")
	}
	ip := ""
	if ac != nil {
		ip = ac.IP
	}
	now := a.NowUTC()
	var slot int64
	if ip != "" {
		if err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			var err error
			slot, err = q.TakeComplaintThrottle(ctx, throttleTrack, ip, now.Add(-time.Hour), TrackFailLimit, now)
			if err == nil && slot == 0 {
				return &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "event.too_many"}
			}
			return err
		}); err != nil {
			return nil, err
		}
	}
	r, err := a.DB.Q().EventByCode(ctx, code)
	if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
		return nil, err
	}
	if err != nil || subtle.ConstantTimeCompare([]byte(r.Code), []byte(code)) != 1 {
		return nil, &gongzhi.Error{Code: gongzhi.ENOTFOUND, Message: "event.track_not_found"}
	}
	if slot != 0 {
		if err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.GiveBackComplaintThrottle(ctx, slot) }); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Tracked is what the tracking page shows of an event: its public face, the deadline of the
// step, the timed steps without names, and whether it may be evaluated.
type Tracked struct {
	Event   gongzhi.PublicEvent `json:"event"`
	Code    string              `json:"code"`
	StepDue time.Time           `json:"step_due_at"`
	Steps   []gongzhi.EventStep `json:"steps"`
	CanRate bool                `json:"can_rate"`
}

// Track returns an event to whoever holds its tracking code: nothing personal.
func (a *Service) Track(ctx context.Context, ac *gongzhi.Actor, code string) (*Tracked, error) {
	r, err := a.trackRow(ctx, ac, code)
	if err != nil {
		return nil, err
	}
	steps, err := a.DB.Q().EventSteps(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for i := range steps {
		steps[i].Username = ""
		if steps[i].Note.Code == "text" { // staff's words may name people: the tracking page shows the steps only
			steps[i].Note = gongzhi.Note{}
		}
	}
	return &Tracked{Event: publicOf(r.Event), Code: r.Code, StepDue: r.StepDueAt, Steps: steps,
		CanRate: r.State == gongzhi.EventClosed && r.Rating == 0}, nil
}

func publicOf(e *gongzhi.Event) gongzhi.PublicEvent {
	return gongzhi.PublicEvent{ID: e.ID, CategoryName: e.CategoryName, CommunityName: e.CommunityName, GridName: e.GridName,
		Title: e.Title, State: e.State, CreatedAt: e.CreatedAt, ClosedAt: e.ClosedAt, Rating: e.Rating}
}

// PublicEvents lists the reports of a community (or every community under a place) for anyone:
// category, grid, title, state and dates, never the reporter or the description.
func (a *Service) PublicEvents(ctx context.Context, place string, limit int) ([]gongzhi.PublicEvent, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	s := store.EventScope{}
	if place != "" {
		p, _, err := kernel.PlacePrefix(ctx, a.DB.Q(), place)
		if err != nil {
			return nil, err
		}
		s.Prefix = p
	}
	out := []gongzhi.PublicEvent{}
	_, err := a.DB.Q().ListEvents(ctx, s, store.ListOptions{Filters: map[string]string{}, Limit: limit}, a.NowUTC(), func(r *store.EventRow) error {
		out = append(out, publicOf(r.Event))
		return nil
	})
	return out, err
}

// PublicEventsFiltered lists events for the Open311 server: the standard filters (ids,
// service code, created from/to, status open/closed), at most limit after skipping offset,
// newest first, nothing personal beyond what a report shows.
func (a *Service) PublicEventsFiltered(ctx context.Context, f map[string]string, limit, offset int, each func(*gongzhi.Event) error) error {
	_, err := a.DB.Q().ListEvents(ctx, store.EventScope{}, store.ListOptions{Filters: f, Limit: limit, Offset: offset, NoCount: true}, a.NowUTC(), func(r *store.EventRow) error {
		e := *r.Event
		e.ReporterName, e.ReporterPhone, e.Code = "", "", ""
		return each(&e)
	})
	return err
}

// PublicEvent returns one event for the Open311 server (ENOTFOUND for none), nothing personal.
func (a *Service) PublicEvent(ctx context.Context, id int64) (*gongzhi.Event, error) {
	r, err := a.DB.Q().GetEvent(ctx, store.EventScope{}, id)
	if err != nil {
		return nil, err
	}
	e := *r.Event
	e.ReporterName, e.ReporterPhone, e.Code = "", "", ""
	return &e, nil
}

// EventIDByToken returns the id of the event an Open311 client's token names (the token is the
// event's tracking code; ENOTFOUND for none).
func (a *Service) EventIDByToken(ctx context.Context, token string) (int64, error) {
	r, err := a.DB.Q().EventByCode(ctx, gongzhi.NormalizeComplaintCode(token))
	if err != nil {
		return 0, err
	}
	return r.ID, nil
}

// ---- escalation

// EscalateOverdueEvents raises every open event whose step is overdue at now: to the community
// at the step's deadline, to the street and to the district department later (EscalateStepHours
// working hours each). Each event is raised once per level whatever the number of concurrent
// callers; it returns how many levels this call raised.
func (a *Service) EscalateOverdueEvents(ctx context.Context, now time.Time) (int, error) {
	if due, err := a.DB.Q().EventsToEscalate(ctx, now); err != nil || !due {
		return 0, err
	}
	n := 0
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		raised, err := q.EscalateEvents(ctx, now)
		if err != nil {
			return err
		}
		sys := gongzhi.SystemActor("auto")
		for _, x := range raised {
			e := &gongzhi.Event{ID: x.ID, State: x.State}
			if err := a.step(ctx, q, sys, e, "escalated", x.State, gongzhi.NoteOf("event_escalated", x.Level)); err != nil {
				return err
			}
			if err := a.WriteAudit(ctx, q, sys, "escalate", ResEvents, kernel.Id10(x.ID), nil, map[string]any{"escalation": x.Level}, ""); err != nil {
				return err
			}
		}
		n = len(raised)
		return nil
	})
	return n, err
}

// ---- categories and departments

// Categories lists the event categories (active ones only, if activeOnly); anyone may.
func (a *Service) Categories(ctx context.Context, activeOnly bool) ([]*gongzhi.EventCategory, error) {
	return a.DB.Q().EventCategories(ctx, activeOnly)
}

// Category returns a category by id or code; anyone may.
func (a *Service) Category(ctx context.Context, id int64, code string) (*gongzhi.EventCategory, error) {
	return a.DB.Q().GetEventCategory(ctx, id, code)
}

// SaveCategory creates (ID 0) or edits a category: the street office (EFORBIDDEN otherwise).
// EINVALID name, code, deadline_hours, urgency; department_id: event.dept_unknown; ECONFLICT
// code: event.code_taken.
func (a *Service) SaveCategory(ctx context.Context, ac *gongzhi.Actor, c *gongzhi.EventCategory) error {
	if err := kernel.Allow(ac, MayManageEventCategories(ac)); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var before *gongzhi.EventCategory
		if c.ID != 0 {
			b, err := q.GetEventCategory(ctx, c.ID, "")
			if err != nil {
				return err
			}
			before, c.Code = b, b.Code
		}
		if c.DepartmentID != 0 {
			if _, err := q.GetDepartment(ctx, c.DepartmentID); err != nil {
				return gongzhi.Invalid("department_id", "event.dept_unknown")
			}
		}
		if err := q.SaveEventCategory(ctx, c, a.NowUTC()); err != nil {
			if store.IsUnique(err, "") {
				return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"code": "event.code_taken"}}
			}
			return err
		}
		action := "update"
		if before == nil {
			action = "create"
		}
		return a.WriteAudit(ctx, q, ac, action, ResEventCategories, kernel.Id10(c.ID), before, c, "")
	})
}

// Departments lists the departments an actor deals with: those of its place, of the places
// above it (a district's departments serve its streets) and below it. Staff only.
func (a *Service) Departments(ctx context.Context, ac *gongzhi.Actor) ([]*gongzhi.Department, error) {
	if err := kernel.Allow(ac, MayReadEvents(ac) && !ac.Has(gongzhi.RoleResident)); err != nil {
		return nil, err
	}
	if ac.IsSystem() || ac.Scope == "" {
		return a.DB.Q().Departments(ctx, "")
	}
	// a department above the reader's place sits at one of its ancestors' codes
	var above []string
	for lvl := gongzhi.LevelProvince; lvl <= gongzhi.LevelCommunity; lvl++ {
		if c := gongzhi.AncestorCode(ac.ScopeCode, lvl); !slices.Contains(above, c) {
			above = append(above, c)
		}
	}
	return a.DB.Q().Departments(ctx, ac.Scope, above...)
}

// SaveDepartment creates (ID 0) or edits a department of the street office's place or a place
// below or above it (EINVALID place_code: event.place_outside), with the categories it
// handles besides those it is responsible for.
func (a *Service) SaveDepartment(ctx context.Context, ac *gongzhi.Actor, d *gongzhi.Department) error {
	if err := kernel.Allow(ac, MayManageEventCategories(ac)); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var before *gongzhi.Department
		if d.ID != 0 {
			b, err := q.GetDepartment(ctx, d.ID)
			if err != nil {
				return err
			}
			before, d.PlaceCode = b, b.PlaceCode
		}
		p, _, err := kernel.PlacePrefix(ctx, q, d.PlaceCode)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return gongzhi.Invalid("place_code", "place.missing")
		} else if err != nil {
			return err
		}
		if !ac.IsSystem() && !strings.HasPrefix(d.PlaceCode, ac.Scope) && !strings.HasPrefix(ac.ScopeCode, p) {
			return gongzhi.Invalid("place_code", "event.place_outside")
		}
		for _, c := range d.Categories {
			if _, err := q.GetEventCategory(ctx, c, ""); err != nil {
				return gongzhi.Invalid("categories", "event.category_unknown")
			}
		}
		if err := q.SaveDepartment(ctx, d, a.NowUTC()); err != nil {
			if store.IsUnique(err, "") {
				return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"name": "event.dept_taken"}}
			}
			return err
		}
		action := "update"
		if before == nil {
			action = "create"
		}
		return a.WriteAudit(ctx, q, ac, action, ResDepartments, kernel.Id10(d.ID), before, d, "")
	})
}

// LinkDepartmentAccount makes a department account (role department) work for a department:
// the street office (EINVALID username: event.not_department_account for another role or
// none).
func (a *Service) LinkDepartmentAccount(ctx context.Context, ac *gongzhi.Actor, deptID int64, username string) error {
	if err := kernel.Allow(ac, MayManageEventCategories(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := q.GetDepartment(ctx, deptID); err != nil {
			return err
		}
		u, _, err := q.UserByUsername(ctx, strings.TrimSpace(username))
		if err != nil || u.Role != gongzhi.RoleDepartment {
			if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
				return err
			}
			return gongzhi.Invalid("username", "event.not_department_account")
		}
		if err := q.SetDepartmentAccount(ctx, u.ID, deptID); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "link", ResDepartments, kernel.Id10(deptID), nil, map[string]any{"user_id": u.ID, "username": u.Username}, "")
	})
}
