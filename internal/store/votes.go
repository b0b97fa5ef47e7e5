// Storage of votes (表决), their electorates, ballots and counted choices, and the decisions
// (决议) passed votes become (migration 0029, docs/votes.md).

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gongzhi"
)

// voteRuleColumns are the columns the votes_frozen triggers keep as they were once a vote opens.
var voteRuleColumns = []string{"place_code", "topic_id", "title", "body", "electorate", "body_id", "meeting_id", "ballot_kind",
	"max_choices", "budget_fen", "opens_at", "closes_at", "quorum_pct", "threshold", "threshold_base", "secret", "proxies",
	"owner_body_id", "electorate_size", "created_by", "created_at"}

// VoteFrozen is the text the triggers raise; IsVoteFrozen recognizes it.
const VoteFrozen = "vote.frozen"

// IsVoteFrozen reports whether err is a trigger's refusal to change a vote's frozen rules.
func IsVoteFrozen(err error) bool { return err != nil && strings.Contains(err.Error(), VoteFrozen) }

// migrateVotesFrozen creates the triggers that freeze a vote's rules once it leaves draft: an
// UPDATE of a rule column (or back to draft), and any INSERT, UPDATE or DELETE of its options
// and electors, is refused by the database itself (0029_votes.sql).
func migrateVotesFrozen(ctx context.Context, q *Q) error {
	var stmts []string
	if q.d == Postgres {
		var changed []string
		for _, c := range voteRuleColumns {
			changed = append(changed, "NEW."+c+" IS DISTINCT FROM OLD."+c)
		}
		stmts = []string{
			`CREATE FUNCTION votes_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state <> 'draft' AND (NEW.state = 'draft' OR ` + strings.Join(changed, " OR ") + `) THEN
    RAISE EXCEPTION '` + VoteFrozen + `' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$`,
			`CREATE TRIGGER votes_frozen BEFORE UPDATE ON votes FOR EACH ROW EXECUTE FUNCTION votes_frozen()`,
			`CREATE FUNCTION vote_rules_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v BIGINT;
BEGIN
  IF TG_OP = 'DELETE' THEN v := OLD.vote_id; ELSE v := NEW.vote_id; END IF;
  IF (SELECT state FROM votes WHERE id = v) <> 'draft' THEN
    RAISE EXCEPTION '` + VoteFrozen + `' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$`,
			`CREATE TRIGGER vote_options_frozen BEFORE INSERT OR UPDATE OR DELETE ON vote_options FOR EACH ROW EXECUTE FUNCTION vote_rules_frozen()`,
			`CREATE TRIGGER vote_electors_frozen BEFORE INSERT OR UPDATE OR DELETE ON vote_electors FOR EACH ROW EXECUTE FUNCTION vote_rules_frozen()`,
		}
	} else {
		var changed []string
		for _, c := range voteRuleColumns {
			changed = append(changed, "NEW."+c+" IS NOT OLD."+c)
		}
		raise := ` BEGIN SELECT RAISE(ABORT, '` + VoteFrozen + `'); END`
		stmts = []string{`CREATE TRIGGER votes_frozen BEFORE UPDATE ON votes WHEN OLD.state <> 'draft' AND (NEW.state = 'draft' OR ` +
			strings.Join(changed, " OR ") + `)` + raise}
		for _, t := range []string{"vote_options", "vote_electors"} {
			stmts = append(stmts,
				`CREATE TRIGGER `+t+`_frozen_insert BEFORE INSERT ON `+t+` WHEN (SELECT state FROM votes WHERE id = NEW.vote_id) <> 'draft'`+raise,
				`CREATE TRIGGER `+t+`_frozen_update BEFORE UPDATE ON `+t+` WHEN (SELECT state FROM votes WHERE id = OLD.vote_id) <> 'draft'`+raise,
				`CREATE TRIGGER `+t+`_frozen_delete BEFORE DELETE ON `+t+` WHEN (SELECT state FROM votes WHERE id = OLD.vote_id) <> 'draft'`+raise)
		}
	}
	for _, s := range stmts {
		if _, err := q.x.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%w\n%s", err, s)
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// InsertVote adds a draft vote with its options.
func (q *Q) InsertVote(ctx context.Context, v *gongzhi.Vote, userID int64, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO votes (place_code, topic_id, title, body, electorate, body_id, meeting_id, ballot_kind,
		max_choices, budget_fen, opens_at, closes_at, quorum_pct, threshold, threshold_base, secret, proxies, owner_body_id, state,
		created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.PlaceCode, nullID(v.TopicID), v.Title, v.Body, v.Electorate, nullID(v.BodyID), nullID(v.MeetingID), v.BallotKind,
		v.MaxChoices, int64(v.Budget), v.OpensAt.UTC(), v.ClosesAt.UTC(), v.QuorumPct, v.Threshold, v.ThresholdBase, b2i(v.Secret),
		b2i(v.Proxies), nullID(v.OwnerBodyID), gongzhi.VoteDraft, nullID(userID), now, now)
	if err != nil {
		return err
	}
	v.ID, v.State, v.CreatedAt, v.UpdatedAt = id, gongzhi.VoteDraft, now, now
	for _, o := range v.Options {
		if _, err := q.Exec(ctx, `INSERT INTO vote_options (vote_id, position, label, cost_fen) VALUES (?, ?, ?, ?)`,
			id, o.Position, o.Label, int64(o.Cost)); err != nil {
			return err
		}
	}
	return nil
}

const voteCols = `v.id, v.place_code, COALESCE(pl.name, ''), COALESCE(v.topic_id, 0), COALESCE(t.title, ''), v.title, v.body,
	v.electorate, COALESCE(v.body_id, 0), COALESCE(v.meeting_id, 0), v.ballot_kind, v.max_choices, v.budget_fen, v.opens_at,
	v.closes_at, v.quorum_pct, v.threshold, v.threshold_base, v.secret, v.proxies, COALESCE(v.owner_body_id, 0), v.state,
	v.electorate_size, v.cast_count, v.quorum_met, v.passed, v.result, v.opened_at, v.closed_at, v.created_at, v.updated_at,
	COALESCE((SELECT d.id FROM vote_decisions d WHERE d.vote_id = v.id), 0)
	FROM votes v LEFT JOIN places pl ON pl.code = v.place_code LEFT JOIN consult_topics t ON t.id = v.topic_id`

func scanVote(row interface{ Scan(...any) error }) (*gongzhi.Vote, error) {
	var v gongzhi.Vote
	var budget int64
	var secret, proxies, quorum, passed int
	var result string
	var opened, closed sql.NullTime
	err := row.Scan(&v.ID, &v.PlaceCode, &v.PlaceName, &v.TopicID, &v.TopicTitle, &v.Title, &v.Body, &v.Electorate, &v.BodyID,
		&v.MeetingID, &v.BallotKind, &v.MaxChoices, &budget, &v.OpensAt, &v.ClosesAt, &v.QuorumPct, &v.Threshold, &v.ThresholdBase,
		&secret, &proxies, &v.OwnerBodyID, &v.State, &v.Electors, &v.Cast, &quorum, &passed, &result, &opened, &closed,
		&v.CreatedAt, &v.UpdatedAt, &v.DecisionID)
	if err != nil {
		return nil, mapErr(err)
	}
	v.Budget, v.Secret, v.Proxies, v.QuorumMet, v.Passed = gongzhi.Money(budget), secret == 1, proxies == 1, quorum == 1, passed == 1
	v.OpenedAt, v.ClosedAt = opened.Time, closed.Time
	v.ResultSeq, _ = strconv.ParseInt(result, 10, 64)
	return &v, nil
}

// GetVote returns a vote within scope (the place prefix of its community) with its options;
// ENOTFOUND otherwise.
func (q *Q) GetVote(ctx context.Context, sc Scope, id int64) (*gongzhi.Vote, error) {
	if sc.None {
		return nil, gongzhi.NotFound()
	}
	where, args := scopeRange("v.place_code", sc.Prefix)
	v, err := scanVote(q.QueryRow(ctx, `SELECT `+voteCols+` WHERE v.id = ? AND `+where, append([]any{id}, args...)...))
	if err != nil {
		return nil, err
	}
	return v, q.voteOptions(ctx, v)
}

func (q *Q) voteOptions(ctx context.Context, v *gongzhi.Vote) error {
	rows, err := q.Query(ctx, `SELECT position, label, cost_fen FROM vote_options WHERE vote_id = ? ORDER BY position`, v.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	v.Options = nil
	for rows.Next() {
		var o gongzhi.VoteOption
		var cost int64
		if err := rows.Scan(&o.Position, &o.Label, &cost); err != nil {
			return mapErr(err)
		}
		o.Cost = gongzhi.Money(cost)
		v.Options = append(v.Options, o)
	}
	if err := rows.Err(); err != nil {
		return mapErr(err)
	}
	return mapErr(q.QueryRow(ctx, `SELECT COUNT(*) FROM vote_ballots WHERE vote_id = ? AND state = ?`, v.ID, gongzhi.BallotPending).Scan(&v.Pending))
}

// ListVotes lists the votes within scope, newest first (state: one state, "" all).
func (q *Q) ListVotes(ctx context.Context, sc Scope, state string) ([]*gongzhi.Vote, error) {
	if sc.None {
		return nil, nil
	}
	where, args := scopeRange("v.place_code", sc.Prefix)
	if state != "" {
		where += " AND v.state = ?"
		args = append(args, state)
	}
	rows, err := q.Query(ctx, `SELECT `+voteCols+` WHERE `+where+` ORDER BY v.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Vote
	for rows.Next() {
		v, err := scanVote(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// ShareVote takes a shared lock on a vote's row for the rest of the transaction (PostgreSQL: FOR
// SHARE; SQLite's write transaction holds the database): ballots of one vote go on together,
// while closing it (an UPDATE) waits for them and they wait for it.
func (q *Q) ShareVote(ctx context.Context, id int64) (string, error) {
	lock := ""
	if q.d == Postgres {
		lock = " FOR SHARE"
	}
	var state string
	err := q.QueryRow(ctx, `SELECT state FROM votes WHERE id = ?`+lock, id).Scan(&state)
	return state, mapErr(err)
}

// SetVoteDraft updates a draft vote's rules and options (refused by the triggers once it opened).
func (q *Q) SetVoteDraft(ctx context.Context, v *gongzhi.Vote, now time.Time) error {
	if err := changed(q.Exec(ctx, `UPDATE votes SET title = ?, body = ?, opens_at = ?, closes_at = ?, quorum_pct = ?, threshold = ?,
		threshold_base = ?, secret = ?, proxies = ?, updated_at = ? WHERE id = ? AND state = ?`, v.Title, v.Body, v.OpensAt.UTC(),
		v.ClosesAt.UTC(), v.QuorumPct, v.Threshold, v.ThresholdBase, b2i(v.Secret), b2i(v.Proxies), now, v.ID, gongzhi.VoteDraft)); err != nil {
		return err
	}
	return nil
}

// FillElectorate records a draft vote's electorate from the registry as of the opening year
// (adults: born in maxBirthYear or before) and returns its size.
func (q *Q) FillElectorate(ctx context.Context, v *gongzhi.Vote, maxBirthYear int) (int, error) {
	where, args := scopeRange("h.community_code", v.PlaceCode)
	var res sql.Result
	var err error
	switch v.Electorate {
	case gongzhi.ElectorateResidents:
		res, err = q.Exec(ctx, `INSERT INTO vote_electors (vote_id, voter, person_id, household_id)
			SELECT CAST(? AS BIGINT), 'p' || CAST(p.id AS TEXT), p.id, p.household_id FROM people p JOIN households h ON h.id = p.household_id
			WHERE `+where+` AND p.birth_year > 0 AND p.birth_year <= ?`, append(append([]any{v.ID}, args...), maxBirthYear)...)
	case gongzhi.ElectorateHouseholds:
		res, err = q.Exec(ctx, `INSERT INTO vote_electors (vote_id, voter, household_id)
			SELECT CAST(? AS BIGINT), 'h' || CAST(h.id AS TEXT), h.id FROM households h WHERE `+where+` AND EXISTS (SELECT 1 FROM people p
			WHERE p.household_id = h.id AND p.birth_year > 0 AND p.birth_year <= ?)`, append(append([]any{v.ID}, args...), maxBirthYear)...)
	case gongzhi.ElectorateBody:
		today := gongzhi.DateOf(v.OpensAt)
		res, err = q.Exec(ctx, `INSERT INTO vote_electors (vote_id, voter, person_id, household_id)
			SELECT DISTINCT CAST(? AS BIGINT), 'p' || CAST(p.id AS TEXT), p.id, p.household_id FROM consult_members m JOIN people p ON p.id = m.person_id
			WHERE m.body_id = ? AND m.term_from <= ? AND (m.term_until = '' OR m.term_until >= ?)`, v.ID, v.BodyID, today, today)
	case gongzhi.ElectorateMeeting:
		res, err = q.Exec(ctx, `INSERT INTO vote_electors (vote_id, voter, person_id, household_id)
			SELECT CAST(? AS BIGINT), 'p' || CAST(p.id AS TEXT), p.id, p.household_id FROM consult_attendees a JOIN people p ON p.id = a.person_id
			WHERE a.meeting_id = ?`, v.ID, v.MeetingID)
	default:
		return 0, fmt.Errorf("votes: electorate %q", v.Electorate)
	}
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), mapErr(err)
}

// OpenVote moves a draft vote to open with its electorate's size, once.
func (q *Q) OpenVote(ctx context.Context, id int64, electors int, userID int64, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE votes SET state = ?, electorate_size = ?, opened_by = ?, opened_at = ?, updated_at = ?
		WHERE id = ? AND state = ?`, gongzhi.VoteOpen, electors, nullID(userID), now, now, id, gongzhi.VoteDraft))
}

// MoveTopic moves a consultation topic from one state to another by a conditional UPDATE
// (accepted → voting when its vote opens, voting → decided when it closes); false when the
// topic was not in the from state.
func (q *Q) MoveTopic(ctx context.Context, id int64, from, to string, now time.Time) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE consult_topics SET state = ?, updated_at = ? WHERE id = ? AND state = ?`, to, now, id, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// TopicInPlace returns a topic's place and state (ENOTFOUND for none).
func (q *Q) TopicInPlace(ctx context.Context, id int64) (place, state string, err error) {
	err = q.QueryRow(ctx, `SELECT place_code, state FROM consult_topics WHERE id = ?`, id).Scan(&place, &state)
	return place, state, mapErr(err)
}

// BodyPlace returns a body's community (ENOTFOUND for none).
func (q *Q) BodyPlace(ctx context.Context, id int64) (string, string, error) {
	var place, name string
	err := q.QueryRow(ctx, `SELECT place_code, name FROM consult_bodies WHERE id = ?`, id).Scan(&place, &name)
	return place, name, mapErr(err)
}

// MeetingPlace returns a meeting's community (ENOTFOUND for none).
func (q *Q) MeetingPlace(ctx context.Context, id int64) (string, error) {
	var place string
	err := q.QueryRow(ctx, `SELECT place_code FROM consult_meetings WHERE id = ?`, id).Scan(&place)
	return place, mapErr(err)
}

// Elector is a person's place in a vote's electorate.
type Elector struct {
	Voter       string // p<person> or h<household>
	PersonID    int64
	HouseholdID int64
}

// ElectorOf returns the elector a person votes as, ENOTFOUND when they are outside the
// electorate: their own line, or (household votes) their household's if they are an adult of
// it (born in maxBirthYear or before).
func (q *Q) ElectorOf(ctx context.Context, v *gongzhi.Vote, personID int64, maxBirthYear int) (*Elector, error) {
	e := &Elector{PersonID: personID}
	var err error
	if v.Electorate == gongzhi.ElectorateHouseholds {
		err = q.QueryRow(ctx, `SELECT e.voter, e.household_id FROM people p JOIN vote_electors e ON e.vote_id = ? AND e.household_id = p.household_id
			WHERE p.id = ? AND p.birth_year > 0 AND p.birth_year <= ?`, v.ID, personID, maxBirthYear).Scan(&e.Voter, &e.HouseholdID)
	} else {
		var h sql.NullInt64
		err = q.QueryRow(ctx, `SELECT voter, household_id FROM vote_electors WHERE vote_id = ? AND voter = ?`, v.ID,
			"p"+strconv.FormatInt(personID, 10)).Scan(&e.Voter, &h)
		e.HouseholdID = h.Int64
	}
	return e, mapErr(err)
}

// InsertBallot records who voted; the primary key (vote, voter) refuses a second ballot
// (ErrUnique), as the unique index refuses a second proxy held by one person.
func (q *Q) InsertBallot(ctx context.Context, voteID int64, e *Elector, channel, state, pendingChoice string, proxy, enteredBy int64, at time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO vote_ballots (vote_id, voter, person_id, channel, state, pending_choice, proxy_person_id, entered_by, cast_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, voteID, e.Voter, e.PersonID, channel, state, pendingChoice, nullID(proxy), nullID(enteredBy), at)
	return err
}

// InsertChoice records a counted choice under its tracker (or pseudonym) with its ledger record.
func (q *Q) InsertChoice(ctx context.Context, voteID int64, tracker, choice, channel string, seq int64) error {
	_, err := q.Exec(ctx, `INSERT INTO vote_choices (vote_id, tracker, choice, channel, seq) VALUES (?, ?, ?, ?, ?)`,
		voteID, tracker, choice, channel, seq)
	return err
}

// PendingBallot is a paper or proxy ballot awaiting its witness.
type PendingBallot struct {
	Voter      string
	PersonID   int64
	PersonName string
	Channel    string
	Choice     string
	EnteredBy  int64
	Entered    string
	CastAt     time.Time
}

// PendingBallots lists a vote's paper ballots awaiting a witness (with their choices: the
// witness compares them with the paper).
func (q *Q) PendingBallots(ctx context.Context, voteID int64) ([]PendingBallot, error) {
	rows, err := q.Query(ctx, `SELECT b.voter, b.person_id, p.name, b.channel, b.pending_choice, COALESCE(b.entered_by, 0),
		COALESCE(u.username, ''), b.cast_at FROM vote_ballots b JOIN people p ON p.id = b.person_id LEFT JOIN users u ON u.id = b.entered_by
		WHERE b.vote_id = ? AND b.state = ? ORDER BY b.cast_at, b.voter`, voteID, gongzhi.BallotPending)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PendingBallot
	for rows.Next() {
		var b PendingBallot
		if err := rows.Scan(&b.Voter, &b.PersonID, &b.PersonName, &b.Channel, &b.Choice, &b.EnteredBy, &b.Entered, &b.CastAt); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, b)
	}
	return out, mapErr(rows.Err())
}

// WitnessBallot moves a pending ballot to counted, once, by another account than the one that
// entered it (ECONFLICT state.changed when it is not pending, or was entered by witness).
func (q *Q) WitnessBallot(ctx context.Context, voteID int64, voter string, witness int64) (*PendingBallot, error) {
	var b PendingBallot
	err := q.QueryRow(ctx, `SELECT voter, person_id, channel, pending_choice, COALESCE(entered_by, 0) FROM vote_ballots
		WHERE vote_id = ? AND voter = ? AND state = ?`+q.forUpdate(), voteID, voter, gongzhi.BallotPending).
		Scan(&b.Voter, &b.PersonID, &b.Channel, &b.Choice, &b.EnteredBy)
	if err != nil {
		return nil, mapErr(err)
	}
	if b.EnteredBy == witness {
		return &b, nil
	}
	return &b, changed(q.Exec(ctx, `UPDATE vote_ballots SET state = ?, pending_choice = '', witnessed_by = ? WHERE vote_id = ? AND voter = ?
		AND state = ? AND (entered_by IS NULL OR entered_by <> ?)`, gongzhi.BallotCounted, witness, voteID, voter, gongzhi.BallotPending, witness))
}

// VoteChoice is one counted choice.
type VoteChoice struct {
	Tracker string
	Choice  []int
	Channel string
	Seq     int64
}

// VoteChoices returns a vote's counted choices by tracker.
func (q *Q) VoteChoices(ctx context.Context, voteID int64) ([]VoteChoice, error) {
	rows, err := q.Query(ctx, `SELECT tracker, choice, channel, seq FROM vote_choices WHERE vote_id = ? ORDER BY tracker`, voteID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VoteChoice
	for rows.Next() {
		var c VoteChoice
		var s string
		if err := rows.Scan(&c.Tracker, &s, &c.Channel, &c.Seq); err != nil {
			return nil, mapErr(err)
		}
		c.Choice = gongzhi.DecodeChoice(s)
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// VoteChoice returns one counted choice by tracker (ENOTFOUND for none).
func (q *Q) VoteChoiceOf(ctx context.Context, voteID int64, tracker string) (*VoteChoice, error) {
	var c VoteChoice
	var s string
	err := q.QueryRow(ctx, `SELECT tracker, choice, channel, seq FROM vote_choices WHERE vote_id = ? AND tracker = ?`, voteID, tracker).
		Scan(&c.Tracker, &s, &c.Channel, &c.Seq)
	c.Choice = gongzhi.DecodeChoice(s)
	return &c, mapErr(err)
}

// CountBallots returns how many ballots a vote has counted.
func (q *Q) CountBallots(ctx context.Context, voteID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM vote_choices WHERE vote_id = ?`, voteID).Scan(&n)
	return n, mapErr(err)
}

// CloseVote moves an open vote to closed with its result, once; pending paper ballots that no
// one witnessed are dropped (they never counted).
func (q *Q) CloseVote(ctx context.Context, id int64, cast int, quorum, passed bool, resultSeq int64, now time.Time) error {
	if err := changed(q.Exec(ctx, `UPDATE votes SET state = ?, cast_count = ?, quorum_met = ?, passed = ?, result = ?, closed_at = ?,
		updated_at = ? WHERE id = ? AND state = ?`, gongzhi.VoteClosed, cast, b2i(quorum), b2i(passed), strconv.FormatInt(resultSeq, 10),
		now, now, id, gongzhi.VoteOpen)); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `DELETE FROM vote_ballots WHERE vote_id = ? AND state = ?`, id, gongzhi.BallotPending)
	return err
}

// DueVotes returns the open votes whose closing time has passed.
func (q *Q) DueVotes(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM votes WHERE state = ? AND closes_at <= ? ORDER BY id`, gongzhi.VoteOpen, now.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, id)
	}
	return out, mapErr(rows.Err())
}

// Voters lists who voted in a vote (never what they chose), by time.
func (q *Q) Voters(ctx context.Context, voteID int64) ([]gongzhi.VoterEntry, error) {
	rows, err := q.Query(ctx, `SELECT b.voter, b.person_id, p.name, COALESCE(p.household_id, 0), COALESCE(h.address, ''), b.channel, b.state,
		COALESCE(px.name, ''), COALESCE(ue.username, ''), COALESCE(uw.username, ''), b.cast_at
		FROM vote_ballots b JOIN people p ON p.id = b.person_id LEFT JOIN households h ON h.id = p.household_id
		LEFT JOIN people px ON px.id = b.proxy_person_id LEFT JOIN users ue ON ue.id = b.entered_by LEFT JOIN users uw ON uw.id = b.witnessed_by
		WHERE b.vote_id = ? ORDER BY b.cast_at, b.voter`, voteID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.VoterEntry
	for rows.Next() {
		var e gongzhi.VoterEntry
		if err := rows.Scan(&e.Voter, &e.PersonID, &e.PersonName, &e.HouseholdID, &e.Address, &e.Channel, &e.State, &e.ProxyName,
			&e.EnteredBy, &e.WitnessedBy, &e.CastAt); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// PersonCommunity returns the community a person lives in (their household's; else their
// place), "" for none.
func (q *Q) PersonCommunity(ctx context.Context, personID int64) (string, error) {
	var c string
	err := q.QueryRow(ctx, `SELECT COALESCE(h.community_code, p.place_code) FROM people p LEFT JOIN households h ON h.id = p.household_id
		WHERE p.id = ?`, personID).Scan(&c)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return c, mapErr(err)
}

// PersonInCommunity reports whether a person lives in the community (prefix).
func (q *Q) PersonInCommunity(ctx context.Context, personID int64, community string) (bool, error) {
	c, err := q.PersonCommunity(ctx, personID)
	return err == nil && c != "" && strings.HasPrefix(c, strings.TrimRight(community, "0")), err
}

// ---- decisions

// InsertDecision records the decision a passed vote became.
func (q *Q) InsertDecision(ctx context.Context, d *gongzhi.Decision, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO vote_decisions (vote_id, place_code, title, owner_body_id, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, d.VoteID, d.PlaceCode, d.Title, nullID(d.OwnerBodyID), gongzhi.DecisionInProgress, now, now)
	d.ID, d.State, d.CreatedAt, d.UpdatedAt = id, gongzhi.DecisionInProgress, now, now
	return err
}

const decisionCols = `d.id, d.vote_id, d.place_code, COALESCE(pl.name, ''), d.title, COALESCE(d.owner_body_id, 0), COALESCE(b.name, ''),
	d.state, COALESCE(d.need_id, 0), d.review_note, d.reviewed_at, d.created_at, d.updated_at,
	(SELECT COUNT(*) FROM decision_ratings r WHERE r.decision_id = d.id), (SELECT COALESCE(SUM(r.rating), 0) FROM decision_ratings r WHERE r.decision_id = d.id)
	FROM vote_decisions d LEFT JOIN places pl ON pl.code = d.place_code LEFT JOIN consult_bodies b ON b.id = d.owner_body_id`

func scanDecision(row interface{ Scan(...any) error }) (*gongzhi.Decision, error) {
	var d gongzhi.Decision
	var reviewed sql.NullTime
	var sum int
	if err := row.Scan(&d.ID, &d.VoteID, &d.PlaceCode, &d.PlaceName, &d.Title, &d.OwnerBodyID, &d.OwnerBody, &d.State, &d.NeedID,
		&d.ReviewNote, &reviewed, &d.CreatedAt, &d.UpdatedAt, &d.Ratings, &sum); err != nil {
		return nil, mapErr(err)
	}
	d.ReviewedAt = reviewed.Time
	if d.Ratings > 0 {
		d.Rating = float64(sum) / float64(d.Ratings)
	}
	return &d, nil
}

// GetDecision returns a decision within scope with its tasks and progress.
func (q *Q) GetDecision(ctx context.Context, sc Scope, id int64) (*gongzhi.Decision, error) {
	if sc.None {
		return nil, gongzhi.NotFound()
	}
	where, args := scopeRange("d.place_code", sc.Prefix)
	d, err := scanDecision(q.QueryRow(ctx, `SELECT `+decisionCols+` WHERE d.id = ? AND `+where, append([]any{id}, args...)...))
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id, title, due_on, done_on, note FROM decision_tasks WHERE decision_id = ? ORDER BY due_on, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	done := 0
	for rows.Next() {
		var t gongzhi.DecisionTask
		if err := rows.Scan(&t.ID, &t.Title, &t.DueOn, &t.DoneOn, &t.Note); err != nil {
			return nil, mapErr(err)
		}
		if t.DoneOn != "" {
			done++
		}
		d.Tasks = append(d.Tasks, t)
	}
	if len(d.Tasks) > 0 {
		d.Progress = done * 100 / len(d.Tasks)
	}
	return d, mapErr(rows.Err())
}

// ListDecisions lists the decisions within scope, newest first.
func (q *Q) ListDecisions(ctx context.Context, sc Scope) ([]*gongzhi.Decision, error) {
	if sc.None {
		return nil, nil
	}
	where, args := scopeRange("d.place_code", sc.Prefix)
	rows, err := q.Query(ctx, `SELECT `+decisionCols+` WHERE `+where+` ORDER BY d.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Decision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	for _, d := range out {
		var n, done int
		if err := q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN done_on <> '' THEN 1 ELSE 0 END), 0) FROM decision_tasks
			WHERE decision_id = ?`, d.ID).Scan(&n, &done); err != nil {
			return nil, mapErr(err)
		}
		if n > 0 {
			d.Progress = done * 100 / n
		}
	}
	return out, nil
}

// InsertDecisionTask adds a task to a decision.
func (q *Q) InsertDecisionTask(ctx context.Context, decisionID int64, t *gongzhi.DecisionTask, now time.Time) error {
	id, err := q.InsertID(ctx, `INSERT INTO decision_tasks (decision_id, title, due_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		decisionID, t.Title, t.DueOn, now, now)
	t.ID = id
	return err
}

// FinishDecisionTask marks a task of the decision done, once (ECONFLICT state.changed otherwise).
func (q *Q) FinishDecisionTask(ctx context.Context, decisionID, taskID int64, doneOn, note string, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE decision_tasks SET done_on = ?, note = ?, updated_at = ? WHERE id = ? AND decision_id = ? AND done_on = ''`,
		doneOn, note, now, taskID, decisionID))
}

// MoveDecision moves a decision from one state to another, once, with the review's note and
// reviewer when given.
func (q *Q) MoveDecision(ctx context.Context, id int64, from, to, note string, reviewer int64, now time.Time) error {
	if reviewer != 0 {
		return changed(q.Exec(ctx, `UPDATE vote_decisions SET state = ?, review_note = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ?
			WHERE id = ? AND state = ?`, to, note, reviewer, now, now, id, from))
	}
	return changed(q.Exec(ctx, `UPDATE vote_decisions SET state = ?, updated_at = ? WHERE id = ? AND state = ?`, to, now, id, from))
}

// LinkDecisionNeed links a decision to the need it became, once.
func (q *Q) LinkDecisionNeed(ctx context.Context, id, needID int64, now time.Time) error {
	return changed(q.Exec(ctx, `UPDATE vote_decisions SET need_id = ?, updated_at = ? WHERE id = ? AND need_id IS NULL`, needID, now, id))
}

// DecisionOfNeed returns the decision a need came from, 0 for none.
func (q *Q) DecisionOfNeed(ctx context.Context, needID int64) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM vote_decisions WHERE need_id = ?`, needID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, mapErr(err)
}

// RateDecision records a resident's rating of a decision; the primary key refuses a second.
func (q *Q) RateDecision(ctx context.Context, decisionID, personID int64, rating int, comment string, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO decision_ratings (decision_id, person_id, rating, comment, created_at) VALUES (?, ?, ?, ?, ?)`,
		decisionID, personID, rating, comment, now)
	return err
}

// HasBallot reports whether a voter (p<person> or h<household>) has a ballot in a vote, counted
// or waiting for its witness.
func (q *Q) HasBallot(ctx context.Context, voteID int64, voter string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM vote_ballots WHERE vote_id = ? AND voter = ?`, voteID, voter).Scan(&n)
	return n > 0, err
}
