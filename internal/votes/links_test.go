package votes_test

// A topic's path shows its votes and decisions (docs/votes.md), on both databases: the demo's
// open vote on the lift links to its ballot page, the closed participatory budget to its public
// result and the decision it became; a draft vote is nobody's business yet.

import (
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestTopicLinks(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newFix(t, db)
		ctx, q := f.ctx, db.Q()
		var open, openTopic, closed, closedTopic, decision int64
		if err := q.QueryRow(ctx, `SELECT id, topic_id FROM votes WHERE title = ?`, demo.VoteOpenTitle).Scan(&open, &openTopic); err != nil {
			t.Fatal(err)
		}
		if err := q.QueryRow(ctx, `SELECT v.id, v.topic_id, d.id FROM votes v JOIN vote_decisions d ON d.vote_id = v.id WHERE v.title = ?`,
			demo.VoteClosedTitle).Scan(&closed, &closedTopic, &decision); err != nil {
			t.Fatal(err)
		}
		ls, err := f.a.TopicLinks(ctx, openTopic)
		if err != nil || len(ls) != 1 || ls[0].Kind != "vote" || ls[0].Title != demo.VoteOpenTitle || ls[0].State != "vote.state.open" ||
			ls[0].Href != "/votes/"+itoa(open) || ls[0].At.IsZero() {
			t.Fatalf("the open vote's topic: %+v %v", ls, err)
		}
		ls, err = f.a.TopicLinks(ctx, closedTopic)
		if err != nil || len(ls) != 2 || ls[0].State != "vote.state.passed" || ls[0].Href != "/public/votes/"+itoa(closed) ||
			ls[1].Kind != "decision" || ls[1].Href != "/public/decisions/"+itoa(decision) || ls[1].State != "vote.decision."+gongzhi.DecisionInProgress {
			t.Fatalf("the closed vote's topic: %+v %v", ls, err)
		}
		// the community's public page lists both votes and the decision, linked the same way
		cl, err := f.a.CommunityLinks(ctx, demo.ZhongshanCode)
		if err != nil {
			t.Fatal(err)
		}
		hrefs := map[string]string{}
		for _, l := range cl {
			hrefs[l.Href] = l.State
		}
		if hrefs["/votes/"+itoa(open)] != "vote.state.open" || hrefs["/public/votes/"+itoa(closed)] != "vote.state.passed" ||
			hrefs["/public/decisions/"+itoa(decision)] != "vote.decision."+gongzhi.DecisionInProgress {
			t.Fatalf("the community's links: %+v", cl)
		}
		if other, err := f.a.CommunityLinks(ctx, demo.StreetCode); err != nil || len(other) != 0 {
			t.Fatalf("the street's own links: %+v %v", other, err)
		}

		// a draft on an accepted topic shows nothing until it opens
		topic, err := q.VotesFixtureTopic(ctx, demo.ZhongshanCode, "楼道照明", "accepted", f.now)
		if err != nil {
			t.Fatal(err)
		}
		v := &gongzhi.Vote{Title: "是否更换楼道灯", TopicID: topic, Electorate: gongzhi.ElectorateHouseholds, BallotKind: gongzhi.BallotYesNo,
			QuorumPct: 1, Threshold: gongzhi.ThresholdMajority, ThresholdBase: gongzhi.BaseCast, OpensAt: f.now, ClosesAt: f.now.Add(24 * time.Hour)}
		if err := f.a.CreateVote(ctx, f.staff, v); err != nil {
			t.Fatal(err)
		}
		if ls, err := f.a.TopicLinks(ctx, topic); err != nil || len(ls) != 0 {
			t.Fatalf("a draft shown on the topic's path: %+v %v", ls, err)
		}
		if _, err := f.a.OpenVote(ctx, f.staff, v.ID); err != nil {
			t.Fatal(err)
		}
		if ls, err := f.a.TopicLinks(ctx, topic); err != nil || len(ls) != 1 || ls[0].Href != "/votes/"+itoa(v.ID) {
			t.Fatalf("the opened vote: %+v %v", ls, err)
		}
	})
}
