// The service ledger (服务台账, docs/domain.md §4.1–4.2): a provider records every activity of its
// own signed contracts — kind, date, time, venue, communities, target groups, participants from
// the registry or counted, volunteers with their minutes, a summary — and keeps evidence files
// (images and PDF) with their SHA-256. Entries are never deleted: a correction keeps the earlier
// version with its reason, voiding keeps the entry with its reason. Indicator progress is
// computed from the ledger, never typed in.
//
// Who may do what:
//   - provider (its organization): records, corrects and voids entries of its own signed
//     contracts, adds evidence; reads its own entries.
//   - social worker with an organization: the same for that organization's contracts; without
//     one, an empty ledger.
//   - purchaser, hub, auditor: read the entries of contracts within their place.
//   - community staff: read the entries serving their community, and the progress and monthly
//     sums of contracts serving it (progressContract).
//   - everyone else: EFORBIDDEN.

package ledger

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// Audit entities of the ledger and sampling.
const (
	ResLedger   = "service_entries"
	ResEvidence = "service_evidence"
	ResSurveys  = "surveys"
	ResRatings  = "service_ratings"
)

// ledgerWriter reports whether the actor records entries for an organization, and which.
func ledgerWriter(ac *gongzhi.Actor) (int64, bool) {
	if !MayRecordEntries(ac) {
		return 0, false
	}
	return ac.User.OrgID, true
}

// ledgerScope is which entries the caller reads.
func ledgerScope(ac *gongzhi.Actor) (store.EntryScope, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return store.EntryScope{}, err
	}
	if ac.IsSystem() {
		return store.EntryScope{}, nil
	}
	if org, ok := ledgerWriter(ac); ok {
		return store.EntryScope{Scope: store.Scope{OrgID: org}}, nil
	}
	switch {
	case MayReadLedgers(ac):
		return store.EntryScope{Scope: kernel.PlaceScope(ac)}, nil
	case ac.Has(gongzhi.RoleSocialWorker):
		// a social worker reads its organization's entries; an account without one sees none
		return store.EntryScope{Scope: store.Scope{None: true}}, nil
	case ac.Has(gongzhi.RoleCommunity):
		if ac.Scope == "" {
			return store.EntryScope{Scope: store.Scope{None: true}}, nil
		}
		return store.EntryScope{Community: ac.Scope}, nil
	}
	return store.EntryScope{}, gongzhi.Forbidden()
}

func mustWriteLedger(ac *gongzhi.Actor) (store.EntryScope, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return store.EntryScope{}, err
	}
	if ac.IsSystem() {
		return store.EntryScope{}, nil
	}
	org, ok := ledgerWriter(ac)
	if !ok {
		return store.EntryScope{}, gongzhi.Forbidden()
	}
	return store.EntryScope{Scope: store.Scope{OrgID: org}}, nil
}

// contractInForce reads a contract within s with its version in force (nil before signing).
func contractInForce(ctx context.Context, q *store.Q, s store.Scope, id int64) (*gongzhi.Contract, error) {
	ct, _, err := q.ContractInForce(ctx, s, id)
	return ct, err
}

// checkEntry checks an entry against its contract and the registry: the contract is signed
// (ECONFLICT contract_id: ledger.contract_unsigned), the date is within its period
// (held_on: ledger.outside_period:START–END) and not in the future (held_on: ledger.future), the
// communities are among those the application serves (communities:
// ledger.community_not_covered:CODE), the participants are residents (EINVALID participant_ids:
// ledger.person_unknown:ID) of those communities (ECONFLICT participant_ids:
// ledger.person_outside:ID); volunteers given by id take their names from the registry.
// ct.Served are the communities the contract's application serves; people are those the entry
// names (participants and volunteers), read with the contract. The entry's own refusals (err,
// of its Validate and a correction's reason) are named with these, every failed field at once.
func (a *Service) checkEntry(ct *store.LedgerContract, people map[int64]store.LedgerPerson, e *gongzhi.ServiceEntry, err error) error {
	var ck gongzhi.Checks
	if err := ck.Check(err); err != nil {
		return err
	}
	if ct.State != gongzhi.ContractSigned || !ct.InForce {
		ck.Check(gongzhi.Refused("contract_id", "ledger.contract_unsigned"))
		return ck.Err()
	}
	t, served := ct, ct.Served
	switch {
	case ck.Failed("held_on"):
	case e.HeldOn > a.Today():
		ck.Check(gongzhi.Refused("held_on", "ledger.future"))
	case e.HeldOn < t.StartOn || e.HeldOn > t.EndOn:
		ck.Check(gongzhi.Refused("held_on", "ledger.outside_period:"+t.StartOn+" — "+t.EndOn))
	}
	if !ck.Failed("communities") {
		for _, c := range e.Communities {
			if !slices.Contains(served, c) {
				ck.Check(gongzhi.Refused("communities", "ledger.community_not_covered:"+c))
				break
			}
		}
	}
	e.Participants = nil
	for _, id := range e.ParticipantIDs {
		if ck.Failed("participant_ids") {
			break
		}
		p, ok := people[id]
		if !ok || p.Kind != "resident" {
			ck.Check(gongzhi.Invalid("participant_ids", "ledger.person_unknown:"+kernel.Id10(id)))
			break
		}
		if !slices.ContainsFunc(e.Communities, func(c string) bool { return strings.HasPrefix(p.PlaceCode, communityPrefix(c)) }) {
			ck.Check(gongzhi.Refused("participant_ids", "ledger.person_outside:"+kernel.Id10(id)))
			break
		}
		e.Participants = append(e.Participants, gongzhi.Participant{PersonID: p.ID, Name: p.Name, PlaceCode: p.PlaceCode})
	}
	for i, v := range e.Volunteers {
		if v.PersonID == 0 {
			continue
		}
		p, ok := people[v.PersonID]
		if k := "volunteers." + kernel.Itoa(i) + ".person_id"; !ok {
			if !ck.Failed(k) {
				ck.Check(gongzhi.Invalid(k, "ledger.person_unknown:"+kernel.Id10(v.PersonID)))
			}
			continue
		}
		e.Volunteers[i].Name = p.Name
	}
	if err := ck.Err(); err != nil {
		return err
	}
	e.Visits = len(e.Participants) + e.Counted
	e.ContractID, e.OrgID, e.PlaceCode, e.ContractTitle, e.ProviderName = ct.ID, ct.OrgID, ct.PlaceCode, ct.Title, ct.ProviderName
	return nil
}

// namedPeople are the people of the registry an entry names: its participants and the
// volunteers given by id (read with the contract, LedgerContractOf).
func namedPeople(e *gongzhi.ServiceEntry) []int64 {
	ids := slices.Clone(e.ParticipantIDs)
	for _, v := range e.Volunteers {
		if v.PersonID != 0 {
			ids = append(ids, v.PersonID)
		}
	}
	return ids
}

// communityPrefix is the significant part of a community code (12 digits, trailing zeros of a
// community are significant: the code itself).
func communityPrefix(code string) string { return code }

// RecordEntry adds an entry to the ledger of one of the caller's own signed contracts.
// Refusals: see checkEntry; another provider's contract is ENOTFOUND.
func (a *Service) RecordEntry(ctx context.Context, ac *gongzhi.Actor, e *gongzhi.ServiceEntry) error {
	s, err := mustWriteLedger(ac)
	if err != nil {
		return err
	}
	verr := e.Validate() // its refusals are named with the contract's, at once
	if e.ContractID == 0 && verr != nil {
		return verr
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ct, people, err := q.LedgerContractOf(ctx, s.Scope, e.ContractID, namedPeople(e))
		if err != nil {
			if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
				if verr != nil { // the entry's own refusals, the contract's with them
					f := gongzhi.FieldErrors{"contract_id": "err.not_found"}
					f.Merge(verr)
					return f.Err()
				}
				return &gongzhi.Error{Code: gongzhi.ENOTFOUND, Message: "err.not_found", Fields: map[string]string{"contract_id": "err.not_found"}}
			}
			return err
		}
		if err := a.checkEntry(ct, people, e, verr); err != nil {
			return err
		}
		e.CreatedBy = kernel.ActorName(ac)
		if err := q.InsertEntry(ctx, e, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResLedger, kernel.Id10(e.ID), nil, e, "")
	})
}

// CorrectEntry replaces an active entry with a corrected one, keeping the entry as it stood
// with the reason. The same checks as RecordEntry apply; a voided entry is ECONFLICT
// (state: ledger.voided).
func (a *Service) CorrectEntry(ctx context.Context, ac *gongzhi.Actor, id int64, e *gongzhi.ServiceEntry, reason string) error {
	s, err := mustWriteLedger(ac)
	if err != nil {
		return err
	}
	reason, rerr := gongzhi.CheckReason(reason)
	f := gongzhi.FieldErrors{} // the entry's and the reason's refusals, named with the contract's at once
	for _, x := range []error{e.Validate(), rerr} {
		if x != nil {
			for k, v := range gongzhi.AsError(x).Fields {
				f.Add(k, v)
			}
		}
	}
	verr := f.Err()
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		old, err := lockActiveEntry(ctx, q, s, id)
		if err != nil {
			return err
		}
		ct, people, err := q.LedgerContractOf(ctx, store.Scope{}, old.ContractID, namedPeople(e))
		if err != nil {
			return err
		}
		if err := a.checkEntry(ct, people, e, verr); err != nil {
			return err
		}
		if err := q.InsertEntryVersion(ctx, &gongzhi.EntryVersion{EntryID: id, Version: old.Version, Entry: old, Reason: reason,
			Action: "correct", By: kernel.ActorName(ac), CreatedAt: a.NowUTC()}); err != nil {
			return err
		}
		e.ID, e.State, e.Version, e.Reason, e.CreatedBy, e.CreatedAt = id, gongzhi.EntryActive, old.Version+1, reason, old.CreatedBy, old.CreatedAt
		if err := q.UpdateEntry(ctx, e, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResLedger, kernel.Id10(id), old, e, reason)
	})
}

// lockActiveEntry locks entry id within s for a change and reads it; a voided entry is
// ECONFLICT (state: ledger.voided).
func lockActiveEntry(ctx context.Context, q *store.Q, s store.EntryScope, id int64) (*gongzhi.ServiceEntry, error) {
	if err := q.LockRow(ctx, "service_entries", id); err != nil {
		return nil, err
	}
	old, err := q.GetEntry(ctx, s, id)
	if err != nil {
		return nil, err
	}
	if old.State != gongzhi.EntryActive {
		return nil, gongzhi.Refused("state", "ledger.voided")
	}
	return old, nil
}

// VoidEntry voids an entry with a reason: it stays in the ledger, counts no more. A voided
// entry is ECONFLICT (state: ledger.voided).
func (a *Service) VoidEntry(ctx context.Context, ac *gongzhi.Actor, id int64, reason string) error {
	s, err := mustWriteLedger(ac)
	if err != nil {
		return err
	}
	reason, err = gongzhi.CheckReason(reason)
	if err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		old, err := lockActiveEntry(ctx, q, s, id)
		if err != nil {
			return err
		}
		if err := q.InsertEntryVersion(ctx, &gongzhi.EntryVersion{EntryID: id, Version: old.Version, Entry: old, Reason: reason,
			Action: "void", By: kernel.ActorName(ac), CreatedAt: a.NowUTC()}); err != nil {
			return err
		}
		e := *old
		e.State, e.Version, e.Reason = gongzhi.EntryVoided, old.Version+1, reason
		if err := q.UpdateEntry(ctx, &e, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "void", ResLedger, kernel.Id10(id), old, &e, reason)
	})
}

// Entry returns an entry the caller may read, with its participants, evidence and earlier
// versions (oldest first).
func (a *Service) Entry(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.ServiceEntry, []gongzhi.EntryVersion, error) {
	s, err := ledgerScope(ac)
	if err != nil {
		return nil, nil, err
	}
	q := a.DB.Q()
	e, err := q.GetEntry(ctx, s, id)
	if err != nil {
		return nil, nil, err
	}
	vs, err := q.ListEntryVersions(ctx, id)
	return e, vs, err
}

// Entries lists the entries the caller may read. Filters: contract, kind, community, month,
// state, org.
func (a *Service) Entries(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.ServiceEntry) error) (int, error) {
	s, err := ledgerScope(ac)
	if err != nil {
		return 0, err
	}
	return a.DB.Q().ListEntries(ctx, s, opts, each)
}

// EntryForEvidence returns an active entry the caller may add evidence to (before the file is
// stored).
func (a *Service) EntryForEvidence(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.ServiceEntry, error) {
	s, err := mustWriteLedger(ac)
	if err != nil {
		return nil, err
	}
	e, err := a.DB.Q().GetEntry(ctx, s, id)
	if err != nil {
		return nil, err
	}
	if e.State != gongzhi.EntryActive {
		return nil, gongzhi.Refused("state", "ledger.voided")
	}
	return e, nil
}

// AddEvidence records a stored evidence file of an entry: only an image or PDF (EINVALID file:
// ledger.evidence_type), at most MaxEvidenceSize (ETOOLARGE), each file once (ECONFLICT file:
// ledger.evidence_exists); a voided entry is ECONFLICT (state: ledger.voided).
func (a *Service) AddEvidence(ctx context.Context, ac *gongzhi.Actor, id int64, ev *gongzhi.Evidence) error {
	s, err := mustWriteLedger(ac)
	if err != nil {
		return err
	}
	if !gongzhi.EvidenceNameOK(ev.Name) || !gongzhi.EvidenceTypeOK(ev.ContentType) {
		return gongzhi.Invalid("file", "ledger.evidence_type")
	}
	if ev.Size > gongzhi.MaxEvidenceSize {
		return &gongzhi.Error{Code: gongzhi.ETOOLARGE, Message: "err.too_large:10 MiB", Fields: map[string]string{"file": "ledger.evidence_size:10 MiB"}}
	}
	if len(ev.SHA256) != 64 {
		return gongzhi.Invalid("sha256", "invalid")
	}
	name, r := gongzhi.CheckText(ev.Name, 200, true)
	if r != "" {
		return gongzhi.Invalid("file", r)
	}
	ev.Name = name
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		// locked like a void: evidence never lands on an entry voided meanwhile
		if _, err := lockActiveEntry(ctx, q, s, id); err != nil {
			return err
		}
		ev.EntryID, ev.UploadedBy, ev.UploadedAt = id, kernel.ActorName(ac), a.NowUTC()
		if err := q.InsertEvidence(ctx, ev); err != nil {
			if store.IsUnique(err, "") {
				return gongzhi.Refused("file", "ledger.evidence_exists")
			}
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResEvidence, kernel.Id10(ev.ID), nil, ev, "entry "+kernel.Id10(id))
	})
}

// ---- progress

// progressReaders read a contract's progress: its provider, and staff within the place.
func progressScope(ac *gongzhi.Actor) (store.Scope, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return store.Scope{}, err
	}
	if ac.IsSystem() {
		return store.Scope{}, nil
	}
	if org, ok := ledgerWriter(ac); ok {
		return store.Scope{OrgID: org}, nil
	}
	if MayReadLedgers(ac) {
		return kernel.PlaceScope(ac), nil
	}
	return store.Scope{}, gongzhi.Forbidden()
}

// progressContract reads a contract (with its version in force) whose progress the actor may
// read: within progressScope, or, for community staff, one whose application serves a community
// within its scope. Any other answers ENOTFOUND like a missing one.
func (a *Service) progressContract(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Contract, error) {
	if _, writer := ledgerWriter(ac); kernel.SignedIn(ac) == nil && !writer && !MayReadLedgers(ac) && ac.Has(gongzhi.RoleCommunity) {
		if ac.Scope == "" {
			return nil, gongzhi.NotFound()
		}
		served, err := q.ContractCommunities(ctx, id)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(served, func(c string) bool { return strings.HasPrefix(c, ac.Scope) }) {
			return nil, gongzhi.NotFound()
		}
		return contractInForce(ctx, q, store.Scope{}, id)
	}
	s, err := progressScope(ac)
	if err != nil {
		return nil, err
	}
	return contractInForce(ctx, q, s, id)
}

func (a *Service) progressOf(ctx context.Context, q *store.Q, ct *gongzhi.Contract) ([]gongzhi.IndicatorProgress, error) {
	if ct.Current == nil {
		return nil, nil
	}
	t, _, err := q.LedgerTotals(ctx, ct.ID, "", "")
	if err != nil {
		return nil, err
	}
	return a.progressWith(ctx, q, ct, t)
}

// progressWith computes the progress of a contract's indicators from its ledger totals t.
func (a *Service) progressWith(ctx context.Context, q *store.Q, ct *gongzhi.Contract, t gongzhi.LedgerTotals) ([]gongzhi.IndicatorProgress, error) {
	var err error
	out := progressOf(ct, t, func() (gongzhi.Rate, error) {
		var r gongzhi.Rate
		r, err = a.contractSatisfaction(ctx, q, ct.ID)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// progressOf is a contract's indicator progress from its ledger totals; satisfaction is asked
// for only when an indicator measures it.
func progressOf(ct *gongzhi.Contract, t gongzhi.LedgerTotals, satisfaction func() (gongzhi.Rate, error)) []gongzhi.IndicatorProgress {
	if ct.Current == nil {
		return nil
	}
	var sat *gongzhi.Rate
	var out []gongzhi.IndicatorProgress
	for _, group := range []struct {
		kind string
		xs   []gongzhi.Indicator
	}{{"output", ct.Current.Terms.Outputs}, {"outcome", ct.Current.Terms.Outcomes}} {
		for i, ind := range group.xs {
			p := gongzhi.IndicatorProgress{ContractID: ct.ID, ContractTitle: ct.Title, OrgID: ct.OrgID, Kind: group.kind, Index: i,
				Name: ind.Name, Unit: ind.Unit, Target: ind.Target}
			m := gongzhi.IndicatorMeasure(ind)
			if done, ok := gongzhi.MeasureDone(m, t); ok {
				p.Done = done
			} else if m == gongzhi.MeasureSatisfaction {
				if sat == nil {
					r, err := satisfaction()
					if err != nil {
						return nil
					}
					sat = &r
				}
				p.Done = int64(math.Round(float64(sat.RateBP) / 100))
			}
			p.DoneBP = gongzhi.ProgressBP(p.Done, p.Target)
			out = append(out, p)
		}
	}
	return out
}

// ContractProgress returns the progress of a contract's indicators computed from its ledger:
// its provider, staff within the place and community staff of a community it serves may read it.
func (a *Service) ContractProgress(ctx context.Context, ac *gongzhi.Actor, contractID int64) (*gongzhi.Contract, []gongzhi.IndicatorProgress, error) {
	q := a.DB.Q()
	ct, err := a.progressContract(ctx, q, ac, contractID)
	if err != nil {
		return nil, nil, err
	}
	p, err := a.progressOf(ctx, q, ct)
	return ct, p, err
}

// ProgressInScope returns the indicator progress, computed from the ledger, of every signed
// contract of fiscal year year within the actor's scope (a provider: its own contracts).
func (a *Service) ProgressInScope(ctx context.Context, ac *gongzhi.Actor, year int) ([]gongzhi.IndicatorProgress, error) {
	s, err := progressScope(ac)
	if err != nil {
		return nil, err
	}
	q := a.DB.Q()
	ids, err := q.SignedContractIDs(ctx, s, year)
	if err != nil {
		return nil, err
	}
	// their terms in force read at once
	cts, err := q.ContractsInForce(ctx, ids)
	if err != nil {
		return nil, err
	}
	// and the ledger of all of them summed at once, not per contract; entries by tag only for
	// the contracts with an indicator counting by tag (read from the entries, not kept)
	totals, err := q.LedgerTotalsTagged(ctx, ids, func(id int64) bool { return countsByTag(cts[id]) })
	if err != nil {
		return nil, err
	}
	// and their satisfaction
	sats, err := q.SatisfactionCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []gongzhi.IndicatorProgress{}
	for _, id := range ids {
		ct := cts[id]
		if ct == nil {
			continue
		}
		t := gongzhi.LedgerTotals{ByKind: map[string]int64{}}
		if totals[id] != nil {
			t = *totals[id]
		}
		sat := gongzhi.NewRate("", sats[id][0], sats[id][1])
		out = append(out, progressOf(ct, t, func() (gongzhi.Rate, error) { return sat, nil })...)
	}
	return out, nil
}

// LedgerMonth sums a contract's ledger for one month (YYYY-MM): entries by kind, participant
// visits, distinct people, volunteer hours, evidence files. Same visibility as ContractProgress.
func (a *Service) LedgerMonth(ctx context.Context, ac *gongzhi.Actor, contractID int64, month string) (gongzhi.LedgerMonthSummary, error) {
	out := gongzhi.LedgerMonthSummary{ContractID: contractID, Month: month, ByKind: map[string]int{}}
	start, err := time.Parse("2006-01", month)
	if err != nil {
		return out, gongzhi.Invalid("month", "ledger.month_format")
	}
	q := a.DB.Q()
	if _, err := a.progressContract(ctx, q, ac, contractID); err != nil {
		return out, err
	}
	t, files, err := q.LedgerTotals(ctx, contractID, start.Format(time.DateOnly), start.AddDate(0, 1, -1).Format(time.DateOnly))
	if err != nil {
		return out, err
	}
	out.Entries, out.Visits, out.People, out.VolunteerMinutes, out.Evidence = int(t.Entries), t.Visits, t.People, t.VolunteerMinutes, files
	out.VolunteerHours = math.Round(float64(t.VolunteerMinutes)/60*10) / 10
	for k, n := range t.ByKind {
		out.ByKind[k] = int(n)
	}
	return out, nil
}

// ---- to-dos

// ledgerItems returns this part's to-dos for the actor's role and attention lines for its scope.
func (a *Service) LedgerItems(ctx context.Context, ac *gongzhi.Actor) (todos, attention []kernel.Todo, err error) {
	if ac == nil || ac.User == nil || ac.IsSystem() {
		return nil, nil, nil
	}
	q := a.DB.Q()
	now := a.NowUTC().In(gongzhi.ChinaTime)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, gongzhi.ChinaTime)
	from, to := first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly)
	if org, ok := ledgerWriter(ac); ok {
		n, err := q.ContractsWithoutEntries(ctx, store.Scope{OrgID: org}, from, to)
		if err != nil {
			return nil, nil, err
		}
		if n > 0 {
			todos = append(todos, kernel.Todo{Key: "todo.ledger_missing", Count: n, Href: "/ledger"})
		}
		// the months before this one (up to a year back) in which a contract in force has no
		// entry: the ledger is kept month by month, and a month left empty is overdue
		overdue := 0
		for m := 1; m <= 12; m++ {
			f := first.AddDate(0, -m, 0)
			k, err := q.ContractsWithoutEntries(ctx, store.Scope{OrgID: org}, f.Format(time.DateOnly), f.AddDate(0, 1, -1).Format(time.DateOnly))
			if err != nil {
				return nil, nil, err
			}
			overdue += k
		}
		if overdue > 0 {
			todos = append(todos, kernel.Todo{Key: "todo.ledger_overdue", Count: overdue, Href: "/ledger"})
		}
		return todos, nil, nil
	}
	if !MayReadLedgers(ac) {
		return nil, nil, nil
	}
	s := kernel.PlaceScope(ac)
	if MayRunSurveys(ac) {
		n, err := q.SurveysOpen(ctx, s)
		if err != nil {
			return nil, nil, err
		}
		if n > 0 {
			todos = append(todos, kernel.Todo{Key: "todo.surveys_open", Count: n, Href: "/surveys"})
		}
	}
	n, err := q.ContractsWithoutEntries(ctx, s, from, to)
	if err != nil {
		return nil, nil, err
	}
	if n > 0 {
		attention = append(attention, kernel.Todo{Key: "attention.ledger_missing", Count: n, Href: "/ledger"})
	}
	return todos, attention, nil
}

// LedgerChoices returns what the entry form of a contract offers a writer: the contract with its
// terms, the communities its application serves, and the residents of those communities (at
// most 500, by name).
func (a *Service) LedgerChoices(ctx context.Context, ac *gongzhi.Actor, contractID int64) (*gongzhi.Contract, []string, []gongzhi.Participant, error) {
	s, err := mustWriteLedger(ac)
	if err != nil {
		return nil, nil, nil, err
	}
	q := a.DB.Q()
	ct, err := contractInForce(ctx, q, s.Scope, contractID)
	if err != nil {
		return nil, nil, nil, err
	}
	served, err := q.ContractCommunities(ctx, contractID)
	if err != nil {
		return nil, nil, nil, err
	}
	var people []gongzhi.Participant
	for _, c := range served {
		_, err := q.ListPeople(ctx, store.Scope{Prefix: c}, store.ListOptions{Filters: map[string]string{"kind": "resident"}, Sort: "name", Limit: 500},
			func(p *gongzhi.Person) error {
				if len(people) < 500 {
					people = append(people, gongzhi.Participant{PersonID: p.ID, Name: p.Name, PlaceCode: p.PlaceCode})
				}
				return nil
			})
		if err != nil {
			return nil, nil, nil, err
		}
	}
	return ct, served, people, nil
}

// LedgerContracts lists the signed contracts the caller reads the ledger of (a writer: its
// own; staff: within their place), newest first, with their heads only (store.ContractHeads):
// id, organization, place, fiscal year, category, title, provider, amount and state.
func (a *Service) LedgerContracts(ctx context.Context, ac *gongzhi.Actor) ([]*gongzhi.Contract, error) {
	s, err := progressScope(ac)
	if err != nil {
		return nil, err
	}
	return a.DB.Q().ContractHeads(ctx, s, gongzhi.ContractSigned)
}

// countsByTag reports whether a contract's terms in force have an indicator counting the
// entries that carry a tag.
func countsByTag(ct *gongzhi.Contract) bool {
	if ct == nil || ct.Current == nil {
		return false
	}
	for _, xs := range [][]gongzhi.Indicator{ct.Current.Terms.Outputs, ct.Current.Terms.Outcomes} {
		for _, ind := range xs {
			if strings.HasPrefix(gongzhi.IndicatorMeasure(ind), gongzhi.MeasureTagPrefix) {
				return true
			}
		}
	}
	return false
}
