// Consultation rows for the votes' tests and demo until the consultation service (bodies,
// topics, meetings: docs/domain.md §6) writes them: plain inserts into the shared tables of
// migration 0027, named as fixtures so that nothing else takes them for that service.

package store

import (
	"context"
	"time"
)

// VotesFixtureBody adds a body of a community.
func (q *Q) VotesFixtureBody(ctx context.Context, place, kind, name string, now time.Time) (int64, error) {
	return q.InsertID(ctx, `INSERT INTO consult_bodies (place_code, kind, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		place, kind, name, now, now)
}

// VotesFixtureMember adds a member of a body for a term (term_until "" while serving).
func (q *Q) VotesFixtureMember(ctx context.Context, body, person int64, role, from, until string, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO consult_members (body_id, person_id, role, term_from, term_until, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		body, person, role, from, until, now)
	return err
}

// VotesFixtureTopic adds a topic of a community in a state.
func (q *Q) VotesFixtureTopic(ctx context.Context, place, title, state string, now time.Time) (int64, error) {
	return q.InsertID(ctx, `INSERT INTO consult_topics (place_code, title, source, state, created_at, updated_at) VALUES (?, ?, 'committee', ?, ?, ?)`,
		place, title, state, now, now)
}

// VotesFixtureMeeting adds a held meeting of a community with its attendees.
func (q *Q) VotesFixtureMeeting(ctx context.Context, place, title string, attendees []int64, now time.Time) (int64, error) {
	id, err := q.InsertID(ctx, `INSERT INTO consult_meetings (place_code, kind, title, starts_at, state, created_at, updated_at)
		VALUES (?, 'deliberation', ?, ?, 'held', ?, ?)`, place, title, now, now, now)
	if err != nil {
		return 0, err
	}
	for _, p := range attendees {
		if _, err := q.Exec(ctx, `INSERT INTO consult_attendees (meeting_id, person_id, how, signed_at) VALUES (?, ?, 'staff', ?)`, id, p, now); err != nil {
			return 0, err
		}
	}
	return id, nil
}
