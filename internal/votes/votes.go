// Votes: rules, opening, ballots by every channel, closing with quorum and threshold.
//
// Who may do what (rules.go):
//   - community staff: create a vote of their community (on one of its accepted topics, or on
//     proposals of its own) and open it (its rules and electorate freeze); with grid workers,
//     enter paper and proxy ballots at a meeting and witness the ballots another staff account
//     entered;
//   - resident (account linked to their registry record): votes online while the vote is open,
//     if they are in its electorate; learns their tracker (secret ballot) once;
//   - the supervision committee (auditor) and staff: read who voted, without choices;
//   - anyone: the results, a tracker's check and the recount, from the public ledger;
//   - the closing job (system): closes each vote at its closing time with its result.
//
// Once: a vote moves draft → open → closed by conditional UPDATEs; the database's triggers
// refuse any change of its rules, options or electorate once it left draft; vote_ballots'
// primary key (vote, voter) refuses a second ballot of a voter (a person, or a household) under
// any concurrency and across channels; a paper ballot counts once, witnessed by another account.
//
// Errors: a vote outside the caller's scope answers ENOTFOUND; a role that may never act
// EFORBIDDEN; bad rules or a bad choice EINVALID naming the field; a move the state or the clock
// forbids ECONFLICT (vote.not_open, vote.closed, vote.already_voted, vote.not_elector, …).

package votes

import (
	"context"
	"crypto/rand"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
)

// Audit entities.
const (
	ResVotes     = "votes"
	ResBallots   = "vote_ballots"
	ResDecisions = "vote_decisions"
)

// scope is the places whose votes the actor reads: staff their place, a resident their
// community.
func (a *Service) scope(ctx context.Context, ac *gongzhi.Actor) (store.Scope, error) {
	if err := kernel.Allow(ac, MayReadVotes(ac)); err != nil {
		return store.Scope{}, err
	}
	if ac.Has(gongzhi.RoleResident) {
		l, err := kernel.LinkedOf(ctx, a.DB.Q(), ac)
		if err != nil || l.Person == 0 || l.Community == "" {
			return store.Scope{None: true}, err
		}
		return store.Scope{Prefix: l.Community}, nil
	}
	return kernel.PlaceScope(ac), nil
}

// adultBorn is the last birth year counted as 18 or older in the year t falls in (China time),
// as the registry keeps birth years.
func adultBorn(t time.Time) int { return t.In(gongzhi.ChinaTime).Year() - 18 }

// CreateVote records a draft vote of the staff member's community. Refuses (EINVALID) bad rules
// (Vote.Validate) and a topic, body, meeting or owner body that is not the community's
// (topic_id / body_id / meeting_id / owner_body_id: vote.unknown).
func (a *Service) CreateVote(ctx context.Context, ac *gongzhi.Actor, v *gongzhi.Vote) error {
	if err := kernel.Allow(ac, MayManageVotes(ac)); err != nil {
		return err
	}
	if !ac.IsSystem() || v.PlaceCode == "" {
		v.PlaceCode = ac.ScopeCode
	}
	var checks gongzhi.Checks
	checks.Check(v.Validate())
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		lvl, err := q.PlaceExists(ctx, v.PlaceCode)
		if err != nil {
			return err
		}
		if lvl != gongzhi.LevelCommunity {
			return gongzhi.Invalid("place_code", "place.not_community")
		}
		if err := a.checkRefs(ctx, q, v, &checks); err != nil {
			return err
		}
		if err := checks.Err(); err != nil {
			return err
		}
		if err := q.InsertVote(ctx, v, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResVotes, kernel.Id10(v.ID), nil, v, "")
	})
}

// checkRefs checks that the vote's topic, bodies and meeting belong to its community.
func (a *Service) checkRefs(ctx context.Context, q *store.Q, v *gongzhi.Vote, checks *gongzhi.Checks) error {
	if v.TopicID > 0 {
		place, _, err := q.TopicInPlace(ctx, v.TopicID)
		if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return err
		}
		if place != v.PlaceCode {
			checks.Check(gongzhi.Invalid("topic_id", "vote.unknown"))
		}
	}
	for field, id := range map[string]int64{"body_id": v.BodyID, "owner_body_id": v.OwnerBodyID} {
		if id <= 0 || (field == "body_id" && v.Electorate != gongzhi.ElectorateBody) {
			continue
		}
		place, _, err := q.BodyPlace(ctx, id)
		if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return err
		}
		if place != v.PlaceCode {
			checks.Check(gongzhi.Invalid(field, "vote.unknown"))
		}
	}
	if v.Electorate != gongzhi.ElectorateBody {
		v.BodyID = 0
	}
	if v.Electorate == gongzhi.ElectorateMeeting || v.MeetingID > 0 {
		place, err := q.MeetingPlace(ctx, v.MeetingID)
		if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return err
		}
		if place != v.PlaceCode {
			checks.Check(gongzhi.Invalid("meeting_id", "vote.unknown"))
		}
	}
	return nil
}

// Vote returns a vote the actor reads with its options; once closed, with each option's votes
// and whether it was chosen.
func (a *Service) Vote(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Vote, error) {
	sc, err := a.scope(ctx, ac)
	if err != nil {
		return nil, err
	}
	return a.readVote(ctx, a.DB.Q(), sc, id)
}

func (a *Service) readVote(ctx context.Context, q *store.Q, sc store.Scope, id int64) (*gongzhi.Vote, error) {
	v, err := q.GetVote(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	switch v.State {
	case gongzhi.VoteOpen:
		if v.Cast, err = q.CountBallots(ctx, id); err != nil {
			return nil, err
		}
	case gongzhi.VoteClosed:
		cs, err := q.VoteChoices(ctx, id)
		if err != nil {
			return nil, err
		}
		t := v.Count(v.Electors, choicesOf(cs))
		for i := range v.Options {
			v.Options[i].Votes = t.Counts[i]
			v.Options[i].Chosen = containsInt(t.Chosen, i+1)
		}
	}
	return v, nil
}

func choicesOf(cs []store.VoteChoice) [][]int {
	out := make([][]int, len(cs))
	for i, c := range cs {
		out[i] = c.Choice
	}
	return out
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Votes lists the votes the actor reads, newest first (state: "" for all).
func (a *Service) Votes(ctx context.Context, ac *gongzhi.Actor, state string) ([]*gongzhi.Vote, error) {
	sc, err := a.scope(ctx, ac)
	if err != nil {
		return nil, err
	}
	return a.DB.Q().ListVotes(ctx, sc, state)
}

// UpdateDraft changes a draft vote's wording, times, quorum, threshold and secrecy (staff of its
// community). Once it opened, ECONFLICT (state: vote.frozen): the database refuses it too.
func (a *Service) UpdateDraft(ctx context.Context, ac *gongzhi.Actor, v *gongzhi.Vote) error {
	if err := kernel.Allow(ac, MayManageVotes(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.LockRow(ctx, "votes", v.ID); err != nil {
			return err
		}
		old, err := q.GetVote(ctx, kernel.PlaceScope(ac), v.ID)
		if err != nil {
			return err
		}
		if old.State != gongzhi.VoteDraft {
			return gongzhi.Refused("state", "vote.frozen")
		}
		n := *old
		n.Title, n.Body, n.OpensAt, n.ClosesAt, n.QuorumPct, n.Threshold, n.ThresholdBase, n.Secret, n.Proxies =
			v.Title, v.Body, v.OpensAt, v.ClosesAt, v.QuorumPct, v.Threshold, v.ThresholdBase, v.Secret, v.Proxies
		if err := n.Validate(); err != nil {
			return err
		}
		if err := q.SetVoteDraft(ctx, &n, a.NowUTC()); err != nil {
			if store.IsVoteFrozen(err) {
				return gongzhi.Refused("state", "vote.frozen")
			}
			return err
		}
		*v = n
		return a.WriteAudit(ctx, q, ac, "update", ResVotes, kernel.Id10(v.ID), old, &n, "")
	})
}

// OpenVote opens a draft vote (staff of its community), once: its electorate is drawn from the
// registry as of the opening time and fixed, and its rules freeze (the database refuses any
// change of them from then on). A vote on a topic moves the topic from accepted to voting.
// Refuses (ECONFLICT) a vote not in draft (state: vote.not_draft), a closing time already past
// (closes_at: vote.closes_past), an empty electorate (electorate: vote.no_electors) and a topic
// not accepted (topic_id: vote.topic_not_accepted).
func (a *Service) OpenVote(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Vote, error) {
	if err := kernel.Allow(ac, MayManageVotes(ac)); err != nil {
		return nil, err
	}
	var out *gongzhi.Vote
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.LockRow(ctx, "votes", id); err != nil {
			return err
		}
		v, err := q.GetVote(ctx, kernel.PlaceScope(ac), id)
		if err != nil {
			return err
		}
		if v.State != gongzhi.VoteDraft {
			return gongzhi.Refused("state", "vote.not_draft")
		}
		now := a.NowUTC()
		if !v.ClosesAt.After(now) {
			return gongzhi.Refused("closes_at", "vote.closes_past")
		}
		n, err := q.FillElectorate(ctx, v, adultBorn(maxTime(v.OpensAt, now)))
		if err != nil {
			return err
		}
		if n == 0 {
			return gongzhi.Refused("electorate", "vote.no_electors")
		}
		if v.TopicID > 0 {
			ok, err := q.MoveTopic(ctx, v.TopicID, "accepted", "voting", now)
			if err != nil {
				return err
			}
			if !ok {
				return gongzhi.Refused("topic_id", "vote.topic_not_accepted")
			}
		}
		if err := q.OpenVote(ctx, id, n, kernel.UserID(ac), now); err != nil {
			return err
		}
		if out, err = a.readVote(ctx, q, store.Scope{}, id); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "open", ResVotes, kernel.Id10(id), map[string]any{"state": gongzhi.VoteDraft},
			map[string]any{"state": gongzhi.VoteOpen, "electors": n}, "")
	})
	return out, err
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// newTracker returns a random tracker code of VoteTrackerLen letters (60 bits).
func newTracker() string {
	const alpha = gongzhi.VoteTrackerAlphabet
	var buf [gongzhi.VoteTrackerLen]byte
	if _, err := rand.Read(buf[:]); err != nil {
		panic(err)
	}
	for i, x := range buf {
		buf[i] = alpha[int(x)%len(alpha)]
	}
	return string(buf[:])
}

// NormalizeTracker drops spaces and dashes and upper-cases a typed tracker.
func NormalizeTracker(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(s)))
}

// openForBallots takes the vote's shared lock and checks it accepts ballots now: ECONFLICT
// state: vote.not_open before it opens (or before its opening time), vote.closed after.
func (a *Service) openForBallots(ctx context.Context, q *store.Q, sc store.Scope, id int64) (*gongzhi.Vote, error) {
	if _, err := q.ShareVote(ctx, id); err != nil {
		return nil, err
	}
	v, err := q.GetVote(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	return v, a.accepting(v.State, v)
}

// accepting refuses a ballot for a vote in state that is not open or outside its voting time.
func (a *Service) accepting(state string, v *gongzhi.Vote) error {
	now := a.NowUTC()
	switch {
	case state == gongzhi.VoteClosed || state == gongzhi.VoteOpen && !now.Before(v.ClosesAt):
		return gongzhi.Refused("state", "vote.closed")
	case state != gongzhi.VoteOpen || now.Before(v.OpensAt):
		return gongzhi.Refused("state", "vote.not_open")
	}
	return nil
}

// count records a counted choice with its ledger record (ballot.cast) and returns the receipt:
// a new random tracker for a secret ballot, the voter's pseudonym for an open one.
func (a *Service) count(ctx context.Context, q *store.Q, v *gongzhi.Vote, e *store.Elector, choice []int, channel string) (*gongzhi.CastReceipt, error) {
	tracker := newTracker()
	if !v.Secret {
		tracker = a.voterPseudonym(e)
	}
	body := map[string]any{"vote_id": v.ID, "choice": toInt64s(choice), "channel": channel}
	if v.Secret {
		body["tracker"] = tracker
	} else {
		body["voter"] = tracker
	}
	seq, err := publog.Append(ctx, q, publog.Record{Type: RecBallot, Version: RecordVersion, Body: body})
	if err != nil {
		return nil, err
	}
	if err := q.InsertChoice(ctx, v.ID, tracker, gongzhi.EncodeChoice(choice), channel, seq); err != nil {
		return nil, err
	}
	return &gongzhi.CastReceipt{VoteID: v.ID, Tracker: tracker, Choice: choice, Channel: channel, State: gongzhi.BallotCounted,
		Seq: seq, At: a.NowUTC()}, nil
}

func toInt64s(xs []int) []int64 {
	out := make([]int64, len(xs))
	for i, x := range xs {
		out[i] = int64(x)
	}
	return out
}

// elector returns the elector a person votes as, ECONFLICT (person: vote.not_elector) outside.
func elector(ctx context.Context, q *store.Q, v *gongzhi.Vote, personID int64, field string) (*store.Elector, error) {
	e, err := q.ElectorOf(ctx, v, personID, adultBorn(v.OpenedAt))
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		return nil, gongzhi.Refused(field, "vote.not_elector")
	}
	return e, err
}

// Cast records a signed-in resident's ballot online, once: refused (ECONFLICT) outside the
// voting time (state: vote.not_open / vote.closed), outside the electorate (person:
// vote.not_elector) and for a voter who already voted by any channel (person:
// vote.already_voted — for a household vote, when anyone of the household did); a choice the
// ballot kind does not allow is EINVALID (choice: …, vote.over_budget:TOTAL for a budget over
// the total). The answer holds the tracker, shown to the voter once.
func (a *Service) Cast(ctx context.Context, ac *gongzhi.Actor, id int64, choice []int) (*gongzhi.CastReceipt, error) {
	if err := kernel.Allow(ac, MayCastBallot(ac)); err != nil {
		return nil, err
	}
	sc, err := a.scope(ctx, ac)
	if err != nil {
		return nil, err
	}
	l, err := kernel.LinkedOf(ctx, a.DB.Q(), ac)
	if err != nil {
		return nil, err
	}
	person := l.Person
	if person == 0 {
		return nil, gongzhi.Refused("person", "vote.not_linked")
	}
	// The rules, options and electorate are frozen once the vote opens: they are read before
	// the write transaction, which only takes the vote's shared lock to check it is still open.
	q0 := a.DB.Q()
	v, err := q0.GetVote(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	if err := a.accepting(v.State, v); err != nil {
		return nil, err
	}
	c, err := v.CheckChoice(choice)
	if err != nil {
		return nil, err
	}
	e, err := elector(ctx, q0, v, person, "person")
	if err != nil {
		return nil, err
	}
	var out *gongzhi.CastReceipt
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		state, err := q.ShareVote(ctx, id)
		if err != nil {
			return err
		}
		if err := a.accepting(state, v); err != nil {
			return err
		}
		if err := q.InsertBallot(ctx, id, e, gongzhi.ChannelOnline, gongzhi.BallotCounted, "", 0, 0, a.NowUTC()); err != nil {
			if store.IsUnique(err, "") {
				return gongzhi.Refused("person", "vote.already_voted")
			}
			return err
		}
		if out, err = a.count(ctx, q, v, e, c, gongzhi.ChannelOnline); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "cast", ResBallots, kernel.Id10(id)+"/"+e.Voter, nil,
			map[string]any{"vote_id": id, "voter": e.Voter, "channel": gongzhi.ChannelOnline}, "")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PaperBallot is a paper (or proxy) ballot as staff type it at the meeting.
type PaperBallot struct {
	PersonID      int64 `json:"person_id"`       // the voter (for a household vote: the representative who cast it)
	ProxyPersonID int64 `json:"proxy_person_id"` // who held the voter's proxy (0: the voter in person)
	Choice        []int `json:"choice"`
}

// EnterPaper records a paper ballot entered by staff of the community; it counts only once a
// second, different staff account witnesses it (Witness). The same refusals as Cast apply, and
// (ECONFLICT proxy_person_id) a proxy where the rules allow none (vote.no_proxies), held by the
// voter themself or by someone already holding one (vote.proxy_taken), or outside the
// community (vote.not_elector).
func (a *Service) EnterPaper(ctx context.Context, ac *gongzhi.Actor, id int64, b PaperBallot) error {
	if err := kernel.Allow(ac, MayEnterBallots(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		v, err := a.openForBallots(ctx, q, kernel.PlaceScope(ac), id)
		if err != nil {
			return err
		}
		c, err := v.CheckChoice(b.Choice)
		if err != nil {
			return err
		}
		if b.PersonID <= 0 {
			return gongzhi.Invalid("person_id", "required")
		}
		e, err := elector(ctx, q, v, b.PersonID, "person_id")
		if err != nil {
			return err
		}
		channel := gongzhi.ChannelPaper
		if b.ProxyPersonID != 0 {
			channel = gongzhi.ChannelProxy
			if !v.Proxies {
				return gongzhi.Refused("proxy_person_id", "vote.no_proxies")
			}
			if b.ProxyPersonID == b.PersonID {
				return gongzhi.Refused("proxy_person_id", "vote.proxy_taken")
			}
			if ok, err := q.PersonInCommunity(ctx, b.ProxyPersonID, v.PlaceCode); err != nil {
				return err
			} else if !ok {
				return gongzhi.Refused("proxy_person_id", "vote.not_elector")
			}
		}
		if err := q.InsertBallot(ctx, id, e, channel, gongzhi.BallotPending, gongzhi.EncodeChoice(c), b.ProxyPersonID, kernel.UserID(ac), a.NowUTC()); err != nil {
			if store.IsUnique(err, "proxy_person_id") {
				return gongzhi.Refused("proxy_person_id", "vote.proxy_taken")
			}
			if store.IsUnique(err, "") {
				return gongzhi.Refused("person_id", "vote.already_voted")
			}
			return err
		}
		return a.WriteAudit(ctx, q, ac, "enter", ResBallots, kernel.Id10(id)+"/"+e.Voter, nil,
			map[string]any{"vote_id": id, "voter": e.Voter, "channel": channel, "proxy_person_id": b.ProxyPersonID}, "")
	})
}

// PendingBallots lists a vote's paper ballots awaiting a witness, with their choices (the
// witness compares each with the paper), to staff of its community.
func (a *Service) PendingBallots(ctx context.Context, ac *gongzhi.Actor, id int64) ([]store.PendingBallot, error) {
	if err := kernel.Allow(ac, MayEnterBallots(ac)); err != nil {
		return nil, err
	}
	if _, err := a.DB.Q().GetVote(ctx, kernel.PlaceScope(ac), id); err != nil {
		return nil, err
	}
	return a.DB.Q().PendingBallots(ctx, id)
}

// Witness confirms a pending paper ballot, which then counts and goes on the ledger, once:
// refused (ECONFLICT witness: vote.same_staff) to the account that entered it, and (state:
// state.changed) for one already witnessed. The answer holds the tracker for the voter's slip.
func (a *Service) Witness(ctx context.Context, ac *gongzhi.Actor, id int64, voter string) (*gongzhi.CastReceipt, error) {
	if err := kernel.Allow(ac, MayEnterBallots(ac)); err != nil {
		return nil, err
	}
	var out *gongzhi.CastReceipt
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		v, err := a.openForBallots(ctx, q, kernel.PlaceScope(ac), id)
		if err != nil {
			return err
		}
		b, err := q.WitnessBallot(ctx, id, voter, kernel.UserID(ac))
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return gongzhi.Refused("state", "state.changed")
		} else if err != nil {
			return err
		}
		if b.EnteredBy == kernel.UserID(ac) {
			return gongzhi.Refused("witness", "vote.same_staff")
		}
		e := &store.Elector{Voter: b.Voter, PersonID: b.PersonID}
		if strings.HasPrefix(b.Voter, "h") {
			e.HouseholdID, _ = strconv.ParseInt(b.Voter[1:], 10, 64)
		}
		if out, err = a.count(ctx, q, v, e, gongzhi.DecodeChoice(b.Choice), b.Channel); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "witness", ResBallots, kernel.Id10(id)+"/"+voter, map[string]any{"state": gongzhi.BallotPending},
			map[string]any{"state": gongzhi.BallotCounted}, "")
	})
	return out, err
}

// Voters lists who voted in a vote, without choices (the supervision committee's check of
// eligibility), to the auditor and staff within their place.
func (a *Service) Voters(ctx context.Context, ac *gongzhi.Actor, id int64) ([]gongzhi.VoterEntry, error) {
	if err := kernel.Allow(ac, MayReadVoters(ac)); err != nil {
		return nil, err
	}
	if _, err := a.DB.Q().GetVote(ctx, kernel.PlaceScope(ac), id); err != nil {
		return nil, err
	}
	return a.DB.Q().Voters(ctx, id)
}

// TrackerCheck is what anyone learns of a tracker (or an open ballot's pseudonym): whether the
// vote counted it, with which choice, and its ledger record.
type TrackerCheck struct {
	VoteID  int64  `json:"vote_id"`
	Tracker string `json:"tracker"`
	Counted bool   `json:"counted"`
	Choice  []int  `json:"choice"`
	Seq     int64  `json:"seq"`
	Index   int64  `json:"index"` // leaf index on the log, -1 while pending
}

// CheckTracker answers whether a vote counted a tracker (public: trackers are on the ledger).
// ENOTFOUND for a vote not open or closed.
func (a *Service) CheckTracker(ctx context.Context, id int64, tracker string) (*TrackerCheck, error) {
	q := a.DB.Q()
	v, err := q.GetVote(ctx, store.Scope{}, id)
	if err != nil {
		return nil, err
	}
	if v.State == gongzhi.VoteDraft {
		return nil, gongzhi.NotFound()
	}
	t := strings.TrimSpace(tracker)
	if v.Secret {
		t = NormalizeTracker(t)
	}
	out := &TrackerCheck{VoteID: id, Tracker: t, Index: -1}
	c, err := q.VoteChoiceOf(ctx, id, t)
	if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
		return out, nil
	} else if err != nil {
		return nil, err
	}
	out.Counted, out.Choice, out.Seq = true, c.Choice, c.Seq
	if idx, ok, err := publog.Index(ctx, q, c.Seq); err != nil {
		return nil, err
	} else if ok {
		out.Index = idx
	}
	return out, nil
}

// PublicVote returns a vote that has opened (anyone: results and verification are public),
// ENOTFOUND for a draft.
func (a *Service) PublicVote(ctx context.Context, id int64) (*gongzhi.Vote, error) {
	v, err := a.readVote(ctx, a.DB.Q(), store.Scope{}, id)
	if err != nil {
		return nil, err
	}
	if v.State == gongzhi.VoteDraft {
		return nil, gongzhi.NotFound()
	}
	return v, nil
}

// ---- closing

// CloseDue closes every open vote past its closing time (the close_votes job, as the system):
// each in its own transaction, once. Returns how many it closed.
func (a *Service) CloseDue(ctx context.Context, ac *gongzhi.Actor) (int, error) {
	ids, err := a.DB.Q().DueVotes(ctx, a.NowUTC())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		closed, err := a.closeVote(ctx, ac, id)
		if err != nil {
			return n, err
		}
		if closed {
			n++
		}
	}
	return n, nil
}

// closeVote closes one vote past its closing time: counts its choices, computes quorum and
// threshold (Vote.Count), appends the vote.result record, moves its topic from voting to
// decided, and makes the decision of a vote that passed. False when another run closed it.
func (a *Service) closeVote(ctx context.Context, ac *gongzhi.Actor, id int64) (bool, error) {
	closed := false
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		closed = false
		if err := q.LockRow(ctx, "votes", id); err != nil {
			return err
		}
		v, err := q.GetVote(ctx, store.Scope{}, id)
		if err != nil {
			return err
		}
		now := a.NowUTC()
		if v.State != gongzhi.VoteOpen || now.Before(v.ClosesAt) {
			return nil
		}
		cs, err := q.VoteChoices(ctx, id)
		if err != nil {
			return err
		}
		t := v.Count(v.Electors, choicesOf(cs))
		seq, err := publog.Append(ctx, q, publog.Record{Type: RecResult, Version: RecordVersion, Body: resultBody(v, t, cs)})
		if err != nil {
			return err
		}
		if err := q.CloseVote(ctx, id, t.Cast, t.QuorumMet, t.Passed, seq, now); err != nil {
			return err
		}
		if v.TopicID > 0 {
			if _, err := q.MoveTopic(ctx, v.TopicID, "voting", "decided", now); err != nil {
				return err
			}
		}
		if t.Passed {
			d := &gongzhi.Decision{VoteID: id, PlaceCode: v.PlaceCode, Title: v.Title, OwnerBodyID: v.OwnerBodyID}
			if err := q.InsertDecision(ctx, d, now); err != nil {
				return err
			}
			if err := a.WriteAudit(ctx, q, ac, "create", ResDecisions, kernel.Id10(d.ID), nil, d, ""); err != nil {
				return err
			}
		}
		closed = true
		return a.WriteAudit(ctx, q, ac, "close", ResVotes, kernel.Id10(id), map[string]any{"state": gongzhi.VoteOpen},
			map[string]any{"state": gongzhi.VoteClosed, "cast": t.Cast, "quorum_met": t.QuorumMet, "passed": t.Passed}, "")
	})
	return closed, err
}
