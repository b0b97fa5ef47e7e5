// Household visits (入户走访): the plan, the overdue households, the visit form's record, its
// findings turned into needs or grid events, and the visit figures per grid, community and
// street.
//
// The plan (docs/grids.md): every household of a grid is visited at least once a quarter, a
// vulnerable one (a member in gongzhi.VulnerableGroups: living alone, disabled, in hardship) once
// a month. A household is overdue when it was never visited or its last visit is older than
// its interval (gongzhi.VisitIntervalDays, VulnerableVisitIntervalDays).
//
// Who may do what (rules.go): grid workers and community staff record visits of the households
// of their grids and turn findings into needs and events; purchasers, community staff and grid workers read
// visits; everyone who reads the grids reads the figures.
//
// Once: a finding becomes one need — a conditional UPDATE (need_id IS NULL) in the transaction
// that records the need, and visit_findings' UNIQUE need_id — refusing a second time with
// ECONFLICT (need_id: visit.finding_taken) and writing nothing. A finding becomes one event the
// same way (event_id IS NULL, UNIQUE event_id; event_id: visit.finding_event_taken), the event
// reported through the ReportEvent hook inside the finding's transaction.

package gridwork

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// states reads households' visit states and decides which are overdue on today and how many
// visits the period asks of each.
func (a *Service) states(ctx context.Context, q *store.Q, s store.Scope, f store.HouseholdFilter, from, until, today time.Time) ([]*gongzhi.HouseholdVisitState, error) {
	hs, err := q.HouseholdVisitStates(ctx, s, f, from.Format(time.DateOnly), until.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	months := 0
	for m := from; m.Before(until); m = m.AddDate(0, 1, 0) {
		months++
	}
	day := today.Format(time.DateOnly)
	for _, h := range hs {
		interval := gongzhi.VisitIntervalDays
		h.Required = 1
		if h.Vulnerable {
			interval, h.Required = gongzhi.VulnerableVisitIntervalDays, months
		}
		if h.LastVisit == "" {
			h.Overdue = true
			continue
		}
		last, _ := time.Parse(time.DateOnly, h.LastVisit)
		h.DueOn = last.AddDate(0, 0, interval).Format(time.DateOnly)
		h.Overdue = h.DueOn < day
	}
	return hs, nil
}

// rateOf sums households' states into figures: vulnerable households count as visited this
// month when their last visit is in today's month.
func rateOf(hs []*gongzhi.HouseholdVisitState, today time.Time) gongzhi.VisitRate {
	var r gongzhi.VisitRate
	month := today.Format("2006-01")
	for _, h := range hs {
		r.Households++
		r.Visits += h.Visits
		if h.Visits > 0 {
			r.Visited++
		}
		if h.Vulnerable {
			r.Vulnerable++
			if len(h.LastVisit) >= 7 && h.LastVisit[:7] == month {
				r.VulnerableVisited++
			}
		}
	}
	r.SetRate()
	return r
}

// MyGrids returns the grids a grid worker's account works in: those whose team holds the person
// its account is linked to; nil (every grid of its place) for an account linked to no team
// member and for other roles.
func (a *Service) MyGrids(ctx context.Context, ac *gongzhi.Actor) ([]int64, error) {
	if !ac.Has(gongzhi.RoleGridWorker) || ac.User == nil {
		return nil, nil
	}
	q := a.DB.Q()
	l, err := kernel.LinkedOf(ctx, q, ac)
	pid := l.Person
	if err != nil || pid == 0 {
		return nil, err
	}
	ids, err := q.GridsOfPerson(ctx, pid)
	if len(ids) == 0 {
		return nil, err
	}
	return ids, err
}

// Overdue lists the households overdue for a visit today: of the caller's own grids (MyGrids) or,
// for those without, every grid of its place; of one grid if gridID is set.
func (a *Service) Overdue(ctx context.Context, ac *gongzhi.Actor, gridID int64) ([]*gongzhi.HouseholdVisitState, error) {
	if err := kernel.Allow(ac, MayReadVisits(ac)); err != nil {
		return nil, err
	}
	f := store.HouseholdFilter{}
	if gridID != 0 {
		f.GridIDs = []int64{gridID}
	} else {
		mine, err := a.MyGrids(ctx, ac)
		if err != nil {
			return nil, err
		}
		f.GridIDs = mine
	}
	today := a.NowUTC().In(gongzhi.ChinaTime)
	_, from, until := gongzhi.Quarter(today)
	hs, err := a.states(ctx, a.DB.Q(), kernel.PlaceScope(ac), f, from, until, today)
	if err != nil {
		return nil, err
	}
	out := []*gongzhi.HouseholdVisitState{}
	for _, h := range hs {
		if h.Overdue {
			out = append(out, h)
		}
	}
	// the vulnerable first, then the longest waiting
	slices.SortStableFunc(out, func(x, y *gongzhi.HouseholdVisitState) int {
		if x.Vulnerable != y.Vulnerable {
			if x.Vulnerable {
				return -1
			}
			return 1
		}
		switch {
		case x.LastVisit < y.LastVisit:
			return -1
		case x.LastVisit > y.LastVisit:
			return 1
		}
		return 0
	})
	return out, nil
}

// VisitPlan is a grid's visit plan for a quarter: each household with the visits the plan asks
// (one, or one a month if vulnerable) and those made.
type VisitPlan struct {
	GridID     int64                          `json:"grid_id"`
	GridName   string                         `json:"grid_name"`
	Period     string                         `json:"period"`
	From       string                         `json:"from"`
	Until      string                         `json:"until"` // the last day
	Required   int                            `json:"required"`
	Done       int                            `json:"done"` // visits made, at most the required ones per household
	Households []*gongzhi.HouseholdVisitState `json:"households"`
}

// Plan returns a grid's visit plan for a quarter ("2026Q4"; "" for today's). Refuses an unknown
// period (EINVALID period: visit.period).
func (a *Service) Plan(ctx context.Context, ac *gongzhi.Actor, gridID int64, period string) (*VisitPlan, error) {
	if err := kernel.Allow(ac, MayReadVisits(ac)); err != nil {
		return nil, err
	}
	today := a.NowUTC().In(gongzhi.ChinaTime)
	name, from, until := gongzhi.Quarter(today)
	if period != "" && period != name {
		var ok bool
		if from, until, ok = gongzhi.ParseQuarter(period); !ok {
			return nil, gongzhi.Invalid("period", "visit.period")
		}
		name = period
	}
	q := a.DB.Q()
	g, err := q.GetGrid(ctx, kernel.PlaceScope(ac), gridID)
	if err != nil {
		return nil, err
	}
	hs, err := a.states(ctx, q, kernel.PlaceScope(ac), store.HouseholdFilter{GridIDs: []int64{gridID}}, from, until, today)
	if err != nil {
		return nil, err
	}
	p := &VisitPlan{GridID: gridID, GridName: g.Name, Period: name, From: from.Format(time.DateOnly),
		Until: until.AddDate(0, 0, -1).Format(time.DateOnly), Households: hs}
	if p.Households == nil {
		p.Households = []*gongzhi.HouseholdVisitState{}
	}
	for _, h := range hs {
		p.Required += h.Required
		p.Done += min(h.Visits, h.Required)
	}
	return p, nil
}

// RecordVisit records a visit of a household of a grid in the caller's place: the people met
// must be members of the household; the day must not be in the future. Refuses a household
// outside scope or without a grid (EINVALID household_id: visit.household_unknown), a person not
// of the household (people_met: visit.not_member), a day to come (visited_on: visit.future).
func (a *Service) RecordVisit(ctx context.Context, ac *gongzhi.Actor, v *gongzhi.Visit) error {
	if err := kernel.Allow(ac, MayVisit(ac)); err != nil {
		return err
	}
	var ck gongzhi.Checks
	ck.Check(v.Validate())
	today := a.Today()
	if !ck.Failed("visited_on") && v.VisitedOn > today {
		ck.Check(gongzhi.Invalid("visited_on", "visit.future"))
	}
	v.RecordedName = kernel.ActorName(ac)
	if ac.User.DisplayName != "" {
		v.RecordedName = ac.User.DisplayName
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		return a.recordVisitIn(ctx, q, ac, v, &ck)
	})
}

// RecordVisitEvent records a visit (see RecordVisit) and, in the same transaction, turns its
// first finding into a grid event (see FindingToEvent): the visit form's "report as an event"
// option. Refuses a visit without a finding (EINVALID findings: visit.event_no_finding); any
// refusal writes nothing, neither the visit nor the event.
func (a *Service) RecordVisitEvent(ctx context.Context, ac *gongzhi.Actor, v *gongzhi.Visit, req EventOfFinding) (*gongzhi.Event, error) {
	if err := kernel.Allow(ac, MayVisit(ac) && MayTurnFindingIntoEvent(ac)); err != nil {
		return nil, err
	}
	var ck gongzhi.Checks
	ck.Check(v.Validate())
	if !ck.Failed("visited_on") && v.VisitedOn > a.Today() {
		ck.Check(gongzhi.Invalid("visited_on", "visit.future"))
	}
	if len(v.Findings) == 0 && !ck.Failed("findings") {
		ck.Check(gongzhi.Invalid("findings", "visit.event_no_finding"))
	}
	v.RecordedName = kernel.ActorName(ac)
	if ac.User.DisplayName != "" {
		v.RecordedName = ac.User.DisplayName
	}
	var e *gongzhi.Event
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := a.recordVisitIn(ctx, q, ac, v, &ck); err != nil {
			return err
		}
		var err error
		e, err = a.findingToEventIn(ctx, q, ac, v.Findings[0].ID, req)
		if err == nil {
			v.Findings[0].EventID = e.ID
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// recordVisitIn is RecordVisit's transaction: the checks that need the database, then the
// visit, its findings and the audit entry.
func (a *Service) recordVisitIn(ctx context.Context, q *store.Q, ac *gongzhi.Actor, v *gongzhi.Visit, ck *gongzhi.Checks) error {
	if !ck.Failed("household_id") {
		h, err := q.GetHousehold(ctx, kernel.PlaceScope(ac), v.HouseholdID)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND || (err == nil && h.GridID == 0) {
			ck.Check(gongzhi.Invalid("household_id", "visit.household_unknown"))
		} else if err != nil {
			return err
		} else {
			v.GridID, v.CommunityCode, v.Address, v.GridName = h.GridID, h.CommunityCode, h.Address, h.GridName
			v.PeopleNames = nil
			for _, pid := range v.PeopleMet {
				p, err := q.GetPerson(ctx, kernel.OrgScope(ac), pid)
				if err != nil || p.HouseholdID != h.ID {
					ck.Check(gongzhi.Invalid("people_met", "visit.not_member"))
					break
				}
				v.PeopleNames = append(v.PeopleNames, p.Name)
			}
		}
	}
	if err := ck.Err(); err != nil {
		return err
	}
	if err := q.InsertVisit(ctx, v, kernel.UserID(ac), a.NowUTC()); err != nil {
		return err
	}
	return a.WriteAudit(ctx, q, ac, "create", ResVisits, kernel.Id10(v.ID), nil, v, "")
}

// Visit returns a visit in scope with its findings.
func (a *Service) Visit(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Visit, error) {
	if err := kernel.Allow(ac, MayReadVisits(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetVisit(ctx, kernel.PlaceScope(ac), id)
}

// Visits lists visits in scope, the latest first: of a grid or a household if set.
func (a *Service) Visits(ctx context.Context, ac *gongzhi.Actor, f store.VisitFilter) ([]*gongzhi.Visit, error) {
	if err := kernel.Allow(ac, MayReadVisits(ac)); err != nil {
		return nil, err
	}
	out, err := a.DB.Q().ListVisits(ctx, kernel.PlaceScope(ac), f)
	if out == nil {
		out = []*gongzhi.Visit{}
	}
	return out, err
}

// NeedOfFinding is what turning a finding into a need asks: the target group and the catalog
// category of the need, and how many people it touches (the household's members if 0). The
// description is the finding's; the contact, the household's head.
type NeedOfFinding struct {
	TargetGroup    string `json:"target_group"`
	CategoryCode   string `json:"category_code"`
	PeopleAffected int    `json:"people_affected"`
}

// FindingToNeed turns a visit's finding into a need of the household's community (source
// household_visit), once, in one transaction: the need with its history and audit, and the
// finding's link to it. A second time answers ECONFLICT (need_id: visit.finding_taken) and
// writes nothing; a bad target group or category EINVALID naming it.
func (a *Service) FindingToNeed(ctx context.Context, ac *gongzhi.Actor, findingID int64, req NeedOfFinding) (*gongzhi.Need, error) {
	if err := kernel.Allow(ac, MayTurnFindingIntoNeed(ac)); err != nil {
		return nil, err
	}
	var n *gongzhi.Need
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		f, err := q.GetFinding(ctx, kernel.PlaceScope(ac), findingID)
		if err != nil {
			return err
		}
		if f.NeedID != 0 {
			return gongzhi.Refused("need_id", "visit.finding_taken")
		}
		n = &gongzhi.Need{CommunityCode: f.CommunityCode, TargetGroup: req.TargetGroup, CategoryCode: req.CategoryCode,
			Description: f.Description, PeopleAffected: req.PeopleAffected, Source: "household_visit",
			ContactName: f.HeadName, ContactPhone: f.Phone}
		if n.PeopleAffected <= 0 {
			n.PeopleAffected = max(f.Members, 1)
		}
		if err := a.RecordNeedIn(ctx, q, ac, n); err != nil {
			return err
		}
		if ok, err := q.SetFindingNeed(ctx, findingID, n.ID); store.IsUnique(err, "") || (err == nil && !ok) {
			return gongzhi.Refused("need_id", "visit.finding_taken")
		} else if err != nil {
			return err
		}
		after := f.VisitFinding
		after.NeedID = n.ID
		return a.WriteAudit(ctx, q, ac, "update", ResFindings, kernel.Id10(findingID), &f.VisitFinding, &after, "")
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// Finding returns a finding in scope with its visit's grid, household and community: what an
// event reported from it needs to know.
func (a *Service) Finding(ctx context.Context, ac *gongzhi.Actor, id int64) (*store.FindingPlace, error) {
	if err := kernel.Allow(ac, MayReadVisits(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetFinding(ctx, kernel.PlaceScope(ac), id)
}

// LinkFindingEvent records, inside the transaction q that reported an event from a finding,
// that the finding became event eventID — once (ECONFLICT event_id: visit.finding_event_taken).
// FindingToEvent calls it after ReportEvent in the same transaction. It writes the finding's
// audit entry.
func (a *Service) LinkFindingEvent(ctx context.Context, q *store.Q, ac *gongzhi.Actor, findingID, eventID int64) error {
	if err := kernel.Allow(ac, MayVisit(ac)); err != nil {
		return err
	}
	f, err := q.GetFinding(ctx, kernel.PlaceScope(ac), findingID)
	if err != nil {
		return err
	}
	if ok, err := q.SetFindingEvent(ctx, findingID, eventID); store.IsUnique(err, "") || (err == nil && !ok) {
		return gongzhi.Refused("event_id", "visit.finding_event_taken")
	} else if err != nil {
		return err
	}
	after := f.VisitFinding
	after.EventID = eventID
	return a.WriteAudit(ctx, q, ac, "update", ResFindings, kernel.Id10(findingID), &f.VisitFinding, &after, "")
}

// EventOfFinding is what turning a finding into a grid event asks: the event category (by
// default the one DefaultEventCategory picks for the finding's kind) and a title (by default the
// finding's first words). The description is the finding's; the place, the visit's grid and
// household; the reporter, the household's head.
type EventOfFinding struct {
	CategoryCode string `json:"category_code"`
	Title        string `json:"title"`
}

// DefaultEventCategory is the event category a finding of a kind proposes: a need found at a
// household is a livelihood request (民生诉求), a problem goes to "other" (其他事项) until the
// grid worker picks a closer one.
func DefaultEventCategory(kind string) string {
	if kind == "need" {
		return "livelihood"
	}
	return "other"
}

// eventTitleRunes is how much of a finding's description makes an event's default title.
const eventTitleRunes = 30

// FindingRef is an event's source reference for a finding: "visit/finding" (docs/events.md),
// which the event's page turns back into a link to the visit's finding.
func FindingRef(visitID, findingID int64) string {
	return kernel.Id10(visitID) + "/" + kernel.Id10(findingID)
}

// FindingHref returns the page of the finding an event reported from a visit came from (its
// source reference, FindingRef), if the actor reads visits; "" otherwise.
func FindingHref(ac *gongzhi.Actor, e *gongzhi.Event) string {
	v, f, ok := strings.Cut(e.SourceRef, "/")
	if !ok || e.Source != gongzhi.SourceVisit || !MayReadVisits(ac) {
		return ""
	}
	vid, err1 := strconv.ParseInt(v, 10, 64)
	fid, err2 := strconv.ParseInt(f, 10, 64)
	if err1 != nil || err2 != nil {
		return ""
	}
	return "/gridwork/visits/" + kernel.Id10(vid) + "#finding-" + kernel.Id10(fid)
}

// FindingToEvent turns a visit's finding into a grid event (source visit), once, in one
// transaction: the event reported through the events capability (its history, audit and
// registration deadline) and the finding's link to it. A second time answers ECONFLICT
// (event_id: visit.finding_event_taken) and writes nothing; a category that is not an active
// event category EINVALID (category_id: event.category_unknown); without the events capability
// wired in, EINVALID (event_id: visit.events_off).
func (a *Service) FindingToEvent(ctx context.Context, ac *gongzhi.Actor, findingID int64, req EventOfFinding) (*gongzhi.Event, error) {
	if err := kernel.Allow(ac, MayTurnFindingIntoEvent(ac)); err != nil {
		return nil, err
	}
	var e *gongzhi.Event
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		e, err = a.findingToEventIn(ctx, q, ac, findingID, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// findingToEventIn is FindingToEvent inside the caller's transaction.
func (a *Service) findingToEventIn(ctx context.Context, q *store.Q, ac *gongzhi.Actor, findingID int64, req EventOfFinding) (*gongzhi.Event, error) {
	if a.ReportEvent == nil {
		return nil, gongzhi.Invalid("event_id", "visit.events_off")
	}
	f, err := q.GetFinding(ctx, kernel.PlaceScope(ac), findingID)
	if err != nil {
		return nil, err
	}
	if f.EventID != 0 {
		return nil, gongzhi.Refused("event_id", "visit.finding_event_taken")
	}
	n := gongzhi.NewEvent{Source: gongzhi.SourceVisit, SourceRef: FindingRef(f.VisitID, f.ID), CategoryCode: req.CategoryCode,
		GridID: f.GridID, HouseholdID: f.HouseholdID, CommunityCode: f.CommunityCode, Title: req.Title, Description: f.Description,
		ReporterName: f.HeadName, ReporterPhone: f.Phone}
	if n.CategoryCode == "" {
		n.CategoryCode = DefaultEventCategory(f.Kind)
	}
	if strings.TrimSpace(n.Title) == "" {
		n.Title = shorten(f.Description, eventTitleRunes)
	}
	if h, err := q.GetHousehold(ctx, kernel.PlaceScope(ac), f.HouseholdID); err == nil {
		n.Address = h.Address
	}
	e, err := a.ReportEvent(ctx, q, ac, n)
	if err != nil {
		return nil, err
	}
	if err := a.LinkFindingEvent(ctx, q, ac, findingID, e.ID); err != nil {
		return nil, err
	}
	return e, nil
}

// shorten returns the first line of s cut to n characters, marked with an ellipsis if cut.
func shorten(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// VisitRates are the visit figures of a quarter under a place: per grid, per community and in
// total.
type VisitRates struct {
	Place       string              `json:"place"`
	Period      string              `json:"period"`
	Grids       []gongzhi.VisitRate `json:"grids"`
	Communities []gongzhi.VisitRate `json:"communities"`
	Total       gongzhi.VisitRate   `json:"total"`
}

// Rates returns the visit figures of a quarter ("" for today's) for the grids under a place in
// scope ("" for the caller's own place): households visited at least once in the quarter, and
// vulnerable households visited in its last month (this month, for today's quarter).
func (a *Service) Rates(ctx context.Context, ac *gongzhi.Actor, place, period string) (*VisitRates, error) {
	if err := kernel.Allow(ac, MayReadGridWork(ac)); err != nil {
		return nil, err
	}
	today := a.NowUTC().In(gongzhi.ChinaTime)
	name, from, until := gongzhi.Quarter(today)
	monthFrom := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	if period != "" && period != name {
		var ok bool
		if from, until, ok = gongzhi.ParseQuarter(period); !ok {
			return nil, gongzhi.Invalid("period", "visit.period")
		}
		name, monthFrom = period, until.AddDate(0, -1, 0)
	}
	q := a.DB.Q()
	under, pname, err := a.placeUnder(ctx, q, ac, place)
	if err != nil {
		return nil, err
	}
	counts, err := q.VisitCounts(ctx, kernel.PlaceScope(ac), under, from.Format(time.DateOnly), until.Format(time.DateOnly), monthFrom.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	out := &VisitRates{Place: place, Period: name, Grids: []gongzhi.VisitRate{}, Communities: []gongzhi.VisitRate{}}
	out.Total = gongzhi.VisitRate{Code: place, Name: pname}
	for _, c := range counts {
		r := gongzhi.VisitRate{Code: kernel.Id10(c.GridID), GridID: c.GridID, Name: c.GridName, Households: c.Households, Visited: c.Visited,
			Vulnerable: c.Vulnerable, VulnerableVisited: c.VulnerableVisited, Visits: c.Visits}
		r.SetRate()
		out.Grids = append(out.Grids, r)
		if n := len(out.Communities); n == 0 || out.Communities[n-1].Code != c.CommunityCode {
			out.Communities = append(out.Communities, gongzhi.VisitRate{Code: c.CommunityCode, Name: c.CommunityName})
		}
		for _, t := range []*gongzhi.VisitRate{&out.Communities[len(out.Communities)-1], &out.Total} {
			t.Households += c.Households
			t.Visited += c.Visited
			t.Vulnerable += c.Vulnerable
			t.VulnerableVisited += c.VulnerableVisited
			t.Visits += c.Visits
		}
	}
	for i := range out.Communities {
		out.Communities[i].SetRate()
	}
	out.Total.SetRate()
	return out, nil
}

// placeUnder resolves a place in scope ("" for the caller's own) into its code prefix and name.
func (a *Service) placeUnder(ctx context.Context, q *store.Q, ac *gongzhi.Actor, place string) (string, string, error) {
	if place == "" {
		if ac.ScopeCode == "" {
			return "", "", nil
		}
		place = ac.ScopeCode
	}
	p, err := q.GetPlace(ctx, kernel.PlaceScope(ac), place)
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		return "", "", gongzhi.Invalid("place", "place.missing")
	} else if err != nil {
		return "", "", err
	}
	prefix, _, err := kernel.PlacePrefix(ctx, q, p.Code)
	return prefix, p.Name, err
}

// Todos are grid work's items of the home page's to-do list: for grid workers and community
// staff, the households overdue for a visit (of their own grids, MyGrids).
func (a *Service) Todos(ctx context.Context, ac *gongzhi.Actor) ([]kernel.Todo, error) {
	if !ac.Has(gongzhi.RoleGridWorker, gongzhi.RoleCommunity) {
		return nil, nil
	}
	n, err := a.OverdueCount(ctx, ac)
	if err != nil || n == 0 {
		return nil, err
	}
	return []kernel.Todo{{Key: "todo.visits_overdue", Count: n, Href: "/gridwork/overdue"}}, nil
}

// OverdueCount is how many households Overdue(ctx, ac, 0) lists, counted by the database
// without reading each household's state (a community: over a thousand households).
func (a *Service) OverdueCount(ctx context.Context, ac *gongzhi.Actor) (int, error) {
	if err := kernel.Allow(ac, MayReadVisits(ac)); err != nil {
		return 0, err
	}
	mine, err := a.MyGrids(ctx, ac)
	if err != nil {
		return 0, err
	}
	day, _ := time.Parse(time.DateOnly, a.NowUTC().In(gongzhi.ChinaTime).Format(time.DateOnly))
	// overdue: the last visit plus the interval is before today, that is no visit on or after
	// today less the interval (states)
	regular := day.AddDate(0, 0, -gongzhi.VisitIntervalDays).Format(time.DateOnly)
	vulnerable := day.AddDate(0, 0, -gongzhi.VulnerableVisitIntervalDays).Format(time.DateOnly)
	return a.DB.Q().CountOverdueHouseholds(ctx, kernel.PlaceScope(ac), store.HouseholdFilter{GridIDs: mine}, regular, vulnerable)
}
