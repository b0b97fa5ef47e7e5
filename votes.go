// Votes (表决) and decisions (决议), docs/domain.md §6 and docs/votes.md: a community's vote on a
// topic or a list of proposals, its rules frozen once it opens, one ballot per voter (a person,
// or a household for household-representative votes), every counted ballot on the public
// ledger so that anyone can recount it, and the decision a passed vote becomes, followed to
// the end.

package gongzhi

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Electorates: who may vote.
const (
	ElectorateResidents  = "residents18" // residents of the community aged 18 or more, one vote each
	ElectorateHouseholds = "households"  // household representatives: one vote per household, cast by any adult of it
	ElectorateBody       = "body"        // members of a body in term on the day it opens
	ElectorateMeeting    = "meeting"     // attendees of a meeting
)

// Electorates in display order.
var Electorates = []string{ElectorateResidents, ElectorateHouseholds, ElectorateBody, ElectorateMeeting}

// Ballot kinds.
const (
	BallotYesNo  = "yes_no" // 赞成 / 反对 / 弃权
	BallotOneOf  = "one_of" // one of N options
	BallotUpTo   = "up_to"  // up to K of N options
	BallotBudget = "budget" // participatory budget: options whose costs fit the total
)

// BallotKinds in display order.
var BallotKinds = []string{BallotYesNo, BallotOneOf, BallotUpTo, BallotBudget}

// Thresholds and their bases.
const (
	ThresholdMajority  = "majority"   // more than half
	ThresholdTwoThirds = "two_thirds" // at least two thirds
	BaseCast           = "cast"       // of the ballots cast (abstentions included)
	BaseElectorate     = "electorate" // of the whole electorate
)

// Vote states.
const (
	VoteDraft  = "draft"
	VoteOpen   = "open"
	VoteClosed = "closed"
)

// Ballot channels and states.
const (
	ChannelOnline = "online"
	ChannelPaper  = "paper"
	ChannelProxy  = "proxy"

	BallotPending = "pending" // a paper or proxy ballot entered, not yet witnessed
	BallotCounted = "counted"
)

// Decision states.
const (
	DecisionInProgress = "in_progress"
	DecisionCompleted  = "completed" // the owner says it is done
	DecisionAccepted   = "accepted"  // the supervision committee reviewed and accepted it
)

// Vote limits.
const (
	VoteMaxOptions = 30
	VoteTrackerLen = 12
	// VoteTrackerAlphabet has 32 letters, no look-alikes: each byte maps evenly.
	VoteTrackerAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
)

// VoteOption is one option of a vote, numbered from 1.
type VoteOption struct {
	Position int    `json:"position"`
	Label    string `json:"label"`
	Cost     Money  `json:"cost"`  // fen, participatory budgets only
	Votes    int    `json:"votes"` // counted ballots choosing it (once closed; live counts are not shown)
	Chosen   bool   `json:"chosen"`
}

// Vote is a community's vote with its rules and, once closed, its result.
type Vote struct {
	ID            int64        `json:"id"`
	PlaceCode     string       `json:"place_code"` // the community
	PlaceName     string       `json:"place_name"`
	TopicID       int64        `json:"topic_id"` // 0: none
	TopicTitle    string       `json:"topic_title"`
	Title         string       `json:"title"`
	Body          string       `json:"body"`
	Electorate    string       `json:"electorate"`
	BodyID        int64        `json:"body_id"`    // electorate "body"
	MeetingID     int64        `json:"meeting_id"` // electorate "meeting"; also where paper ballots are cast
	BallotKind    string       `json:"ballot_kind"`
	MaxChoices    int          `json:"max_choices"` // up_to: K
	Budget        Money        `json:"budget"`      // budget: the total, fen
	OpensAt       time.Time    `json:"opens_at"`
	ClosesAt      time.Time    `json:"closes_at"`
	QuorumPct     int          `json:"quorum_pct"`
	Threshold     string       `json:"threshold"`
	ThresholdBase string       `json:"threshold_base"`
	Secret        bool         `json:"secret"`
	Proxies       bool         `json:"proxies"`
	OwnerBodyID   int64        `json:"owner_body_id"` // the body that carries out the decision, 0: the residents' committee decides later
	Options       []VoteOption `json:"options"`
	State         string       `json:"state"`
	Electors      int          `json:"electors"` // the electorate's size, fixed at opening
	Cast          int          `json:"cast"`     // ballots counted (closed votes; open ones: turnout so far)
	Pending       int          `json:"pending"`  // paper ballots awaiting a witness
	QuorumMet     bool         `json:"quorum_met"`
	Passed        bool         `json:"passed"`
	ResultSeq     int64        `json:"result_seq"` // the vote.result record's sequence number on the ledger
	DecisionID    int64        `json:"decision_id"`
	OpenedAt      time.Time    `json:"opened_at,omitzero"`
	ClosedAt      time.Time    `json:"closed_at,omitzero"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
}

// Validate normalizes and checks a vote's own rules (its references are checked against
// storage by the service). Options of a yes/no vote are set here.
func (v *Vote) Validate() error {
	f := FieldErrors{}
	var r string
	if v.Title, r = CheckText(v.Title, 100, true); r != "" {
		f.Add("title", r)
	}
	if v.Body, r = CheckText(v.Body, 4000, false); r != "" {
		f.Add("body", r)
	}
	if !slices.Contains(Electorates, v.Electorate) {
		f.Add("electorate", "choice")
	}
	if v.Electorate == ElectorateBody && v.BodyID <= 0 {
		f.Add("body_id", "required")
	}
	if v.Electorate == ElectorateMeeting && v.MeetingID <= 0 {
		f.Add("meeting_id", "required")
	}
	if !slices.Contains(BallotKinds, v.BallotKind) {
		f.Add("ballot_kind", "choice")
	}
	if v.BallotKind == BallotYesNo {
		v.Options = []VoteOption{{Position: 1, Label: "yes"}, {Position: 2, Label: "no"}, {Position: 3, Label: "abstain"}}
	} else {
		var opts []VoteOption
		for _, o := range v.Options {
			l, r := CheckText(o.Label, 100, false)
			if r != "" {
				f.Add("options", r)
			}
			if l == "" {
				continue
			}
			if v.BallotKind == BallotBudget && (o.Cost <= 0 || o.Cost > MaxMoney) {
				f.Add("options", "vote.option_cost")
			}
			if v.BallotKind != BallotBudget {
				o.Cost = 0
			}
			opts = append(opts, VoteOption{Position: len(opts) + 1, Label: l, Cost: o.Cost})
		}
		v.Options = opts
		if len(opts) < 2 || len(opts) > VoteMaxOptions {
			f.Add("options", "vote.options_count")
		}
	}
	switch v.BallotKind {
	case BallotUpTo:
		if v.MaxChoices < 1 || v.MaxChoices > len(v.Options) {
			f.Add("max_choices", "vote.max_choices_range")
		}
	case BallotBudget:
		if v.Budget <= 0 || v.Budget > MaxMoney {
			f.Add("budget", "money.positive")
		}
		v.MaxChoices = len(v.Options)
	default:
		v.MaxChoices = 1
	}
	if v.BallotKind != BallotBudget {
		v.Budget = 0
	}
	if v.OpensAt.IsZero() {
		f.Add("opens_at", "required")
	}
	if v.ClosesAt.IsZero() {
		f.Add("closes_at", "required")
	} else if !v.ClosesAt.After(v.OpensAt) {
		f.Add("closes_at", "vote.closes_before_opens")
	}
	if v.QuorumPct < 0 || v.QuorumPct > 100 {
		f.Add("quorum_pct", "vote.percent")
	}
	if v.Threshold != ThresholdMajority && v.Threshold != ThresholdTwoThirds {
		f.Add("threshold", "choice")
	}
	if v.ThresholdBase != BaseCast && v.ThresholdBase != BaseElectorate {
		f.Add("threshold_base", "choice")
	}
	return f.Err()
}

// CheckChoice checks one ballot's choice (option positions) against the vote's kind: one option
// for yes/no and one-of, 1 to K distinct ones for up-to, and for a budget distinct ones whose
// costs fit the total (vote.over_budget:TOTAL otherwise). Returns the positions sorted.
func (v *Vote) CheckChoice(choice []int) ([]int, error) {
	c := slices.Clone(choice)
	slices.Sort(c)
	if len(c) == 0 {
		return nil, Invalid("choice", "required")
	}
	if len(slices.Compact(slices.Clone(c))) != len(c) {
		return nil, Invalid("choice", "vote.choice_twice")
	}
	for _, p := range c {
		if p < 1 || p > len(v.Options) {
			return nil, Invalid("choice", "vote.choice_unknown")
		}
	}
	switch v.BallotKind {
	case BallotYesNo, BallotOneOf:
		if len(c) != 1 {
			return nil, Invalid("choice", "vote.choose_one")
		}
	case BallotUpTo:
		if len(c) > v.MaxChoices {
			return nil, Invalid("choice", "vote.too_many:"+strconv.Itoa(v.MaxChoices))
		}
	case BallotBudget:
		var total Money
		for _, p := range c {
			total += v.Options[p-1].Cost
		}
		if total > v.Budget {
			return nil, Invalid("choice", "vote.over_budget:"+total.Format())
		}
	}
	return c, nil
}

// EncodeChoice is a choice as stored: positions, comma-separated.
func EncodeChoice(c []int) string {
	s := make([]string, len(c))
	for i, p := range c {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ",")
}

// DecodeChoice reads a stored choice.
func DecodeChoice(s string) []int {
	var out []int
	for _, x := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(x); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// Tally is a vote's result computed from its counted choices: the same function closes the vote
// and recounts it from the ledger.
type Tally struct {
	Electors  int   `json:"electors"`
	Cast      int   `json:"cast"`
	Counts    []int `json:"counts"` // by position - 1
	QuorumMet bool  `json:"quorum_met"`
	Chosen    []int `json:"chosen"` // positions, in the order chosen
	Passed    bool  `json:"passed"`
}

// Count computes the result of choices under the vote's rules. Quorum: cast × 100 ≥ quorum_pct ×
// electors. Threshold, of the base (cast or electors): majority means votes × 2 > base, two
// thirds votes × 3 ≥ base × 2. A yes/no vote passes when "yes" (position 1) meets the threshold;
// one-of chooses the most-voted option if it meets it; up-to chooses, most-voted first, up to K
// options that meet it; a budget funds, most-voted first, the options that meet it while they
// fit the total. Ties go to the lower position. Nothing passes without the quorum.
func (v *Vote) Count(electors int, choices [][]int) Tally {
	t := Tally{Electors: electors, Cast: len(choices), Counts: make([]int, len(v.Options))}
	for _, c := range choices {
		for _, p := range c {
			if p >= 1 && p <= len(t.Counts) {
				t.Counts[p-1]++
			}
		}
	}
	t.QuorumMet = t.Cast*100 >= v.QuorumPct*electors
	base := t.Cast
	if v.ThresholdBase == BaseElectorate {
		base = electors
	}
	meets := func(n int) bool {
		if v.Threshold == ThresholdTwoThirds {
			return n > 0 && n*3 >= base*2
		}
		return n*2 > base
	}
	order := make([]int, len(v.Options))
	for i := range order {
		order[i] = i + 1
	}
	if v.BallotKind != BallotYesNo {
		slices.SortStableFunc(order, func(a, b int) int { return t.Counts[b-1] - t.Counts[a-1] })
	}
	if t.QuorumMet {
		var spent Money
		for _, p := range order {
			if !meets(t.Counts[p-1]) {
				continue
			}
			switch v.BallotKind {
			case BallotYesNo:
				if p == 1 {
					t.Chosen = append(t.Chosen, p)
				}
			case BallotOneOf:
				if len(t.Chosen) == 0 {
					t.Chosen = append(t.Chosen, p)
				}
			case BallotUpTo:
				if len(t.Chosen) < v.MaxChoices {
					t.Chosen = append(t.Chosen, p)
				}
			case BallotBudget:
				if spent+v.Options[p-1].Cost <= v.Budget {
					spent += v.Options[p-1].Cost
					t.Chosen = append(t.Chosen, p)
				}
			}
			if v.BallotKind == BallotYesNo || v.BallotKind == BallotOneOf {
				break
			}
		}
	}
	t.Passed = len(t.Chosen) > 0
	return t
}

// VoterEntry is one line of the list of who voted (without choices), for the supervision
// committee checking eligibility.
type VoterEntry struct {
	Voter       string    `json:"voter"` // p<person> or h<household>
	PersonID    int64     `json:"person_id"`
	PersonName  string    `json:"person_name"`
	HouseholdID int64     `json:"household_id"`
	Address     string    `json:"address"`
	Channel     string    `json:"channel"`
	State       string    `json:"state"`
	ProxyName   string    `json:"proxy_name"`
	EnteredBy   string    `json:"entered_by"`
	WitnessedBy string    `json:"witnessed_by"`
	CastAt      time.Time `json:"cast_at"`
}

// CastReceipt is what a voter gets back: their tracker (secret ballot) or pseudonym (open
// ballot), the choice, and the ledger record's sequence number for a receipt.
type CastReceipt struct {
	VoteID  int64     `json:"vote_id"`
	Tracker string    `json:"tracker"`
	Choice  []int     `json:"choice"`
	Channel string    `json:"channel"`
	State   string    `json:"state"` // counted, or pending a witness (paper)
	Seq     int64     `json:"seq"`   // 0 while pending
	At      time.Time `json:"at"`
}

// Decision is what a passed vote became.
type Decision struct {
	ID          int64          `json:"id"`
	VoteID      int64          `json:"vote_id"`
	PlaceCode   string         `json:"place_code"`
	PlaceName   string         `json:"place_name"`
	Title       string         `json:"title"`
	OwnerBodyID int64          `json:"owner_body_id"`
	OwnerBody   string         `json:"owner_body"`
	State       string         `json:"state"`
	NeedID      int64          `json:"need_id"`
	ReviewNote  string         `json:"review_note"`
	ReviewedAt  time.Time      `json:"reviewed_at,omitzero"`
	Progress    int            `json:"progress"` // percent of tasks done
	Tasks       []DecisionTask `json:"tasks"`
	Ratings     int            `json:"ratings"`
	Rating      float64        `json:"rating"` // average, 0 when none
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// DecisionTask is one task of a decision with its deadline.
type DecisionTask struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	DueOn  string `json:"due_on"`
	DoneOn string `json:"done_on"`
	Note   string `json:"note"`
}
