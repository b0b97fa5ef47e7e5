// A topic's path (docs/consultation.md, docs/votes.md): the votes held on a consultation topic
// and the decisions they became, registered with consult so that the topic's page, staff and
// public alike, shows raised → accepted → comments → meetings → vote → result → decision; and a
// community's votes and decisions for its public consultation page.

package votes

import (
	"context"
	"database/sql"
	"strconv"

	"gongzhi"
	"gongzhi/internal/consult"
	"gongzhi/internal/store"
)

func init() {
	consult.RegisterTopicLinks(TopicLinks)
	consult.RegisterCommunityLinks(CommunityLinks)
}

// TopicLinks are the votes on a topic that have opened (a draft is nobody's business yet) and
// the decisions they became, oldest first. State is a message key (vote.state.*,
// vote.decision.*): the topic's page translates it. An open vote links to its ballot page
// (residents sign in there to vote); a closed one to its public result; a decision to its
// public page.
func TopicLinks(ctx context.Context, q *store.Q, topicID int64) ([]gongzhi.TopicLink, error) {
	return voteLinks(ctx, q, `v.topic_id = ?`, topicID)
}

// CommunityLinks are the votes of a community that have opened and the decisions they became,
// oldest first, linked as TopicLinks links them.
func CommunityLinks(ctx context.Context, q *store.Q, community string) ([]gongzhi.TopicLink, error) {
	return voteLinks(ctx, q, `v.place_code = ?`, community)
}

func voteLinks(ctx context.Context, q *store.Q, where string, arg any) ([]gongzhi.TopicLink, error) {
	rows, err := q.Query(ctx, `SELECT v.id, v.title, v.state, v.passed, v.opened_at, v.closed_at,
		COALESCE(d.id, 0), COALESCE(d.title, ''), COALESCE(d.state, ''), d.created_at
		FROM votes v LEFT JOIN vote_decisions d ON d.vote_id = v.id
		WHERE `+where+` AND v.state <> ? ORDER BY v.id`, arg, gongzhi.VoteDraft)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.TopicLink
	for rows.Next() {
		var id, decision int64
		var title, state, dTitle, dState string
		var passed int
		var opened, closed, decided sql.NullTime
		if err := rows.Scan(&id, &title, &state, &passed, &opened, &closed, &decision, &dTitle, &dState, &decided); err != nil {
			return nil, err
		}
		l := gongzhi.TopicLink{Kind: "vote", Title: title, Href: "/votes/" + strconv.FormatInt(id, 10), State: "vote.state." + state}
		if opened.Valid {
			l.At = opened.Time
		}
		if state == gongzhi.VoteClosed {
			l.Href, l.State = "/public/votes/"+strconv.FormatInt(id, 10), "vote.state.failed"
			if passed == 1 {
				l.State = "vote.state.passed"
			}
			if closed.Valid {
				l.At = closed.Time
			}
		}
		out = append(out, l)
		if decision != 0 {
			d := gongzhi.TopicLink{Kind: "decision", Title: dTitle, Href: "/public/decisions/" + strconv.FormatInt(decision, 10), State: "vote.decision." + dState}
			if decided.Valid {
				d.At = decided.Time
			}
			out = append(out, d)
		}
	}
	return out, rows.Err()
}
