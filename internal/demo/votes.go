// The demo street's votes (表决, docs/votes.md) in 中山社区: a participatory budget of the
// community's 为民服务专项资金 voted by household representatives a month ago, paper ballots
// entered at the meeting and witnessed by the grid worker, closed on time with its result on
// the public ledger, and the decision it became in progress; and a household vote on adding a
// lift, open now, in which zs-resident can vote. The consultation's bodies and topics are made
// with the votes' fixture helpers until the consultation service writes them.

package demo

import (
	"context"
	"fmt"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/votes"
)

// Demo votes' titles.
const (
	VoteClosedTitle = "2026年中山社区为民服务专项资金微项目"
	VoteOpenTitle   = "中山社区3号楼是否加装电梯"
)

func seedVotes(ctx context.Context, a *app.App, now time.Time) error {
	staff, err := demoActor(ctx, a, "zs-community")
	if err != nil {
		return err
	}
	grid, err := demoActor(ctx, a, "zs-grid")
	if err != nil {
		return err
	}
	q := a.DB.Q()
	month := now.AddDate(0, -1, 0)
	// the residents' committee the consultation demo set up carries out the decision (a body of
	// its own only if there is none)
	var committee int64
	err = q.QueryRow(ctx, `SELECT COALESCE(MIN(id), 0) FROM consult_bodies WHERE place_code = ? AND kind = ?`, ZhongshanCode, gongzhi.BodyResidents).Scan(&committee)
	if err != nil {
		return err
	}
	if committee == 0 {
		if committee, err = q.VotesFixtureBody(ctx, ZhongshanCode, gongzhi.BodyResidents, "中山社区居民委员会", month); err != nil {
			return err
		}
	}
	topicBudget, err := q.VotesFixtureTopic(ctx, ZhongshanCode, "用好为民服务专项资金：今年办哪几件实事", "accepted", month)
	if err != nil {
		return err
	}
	topicLift, err := q.VotesFixtureTopic(ctx, ZhongshanCode, "3号楼加装电梯", "accepted", now.AddDate(0, 0, -10))
	if err != nil {
		return err
	}
	// one adult per household of 中山社区, in order
	rows, err := q.Query(ctx, `SELECT MIN(p.id) FROM people p JOIN households h ON h.id = p.household_id WHERE h.community_code = ?
		AND p.birth_year > 0 AND p.birth_year <= ? GROUP BY h.id ORDER BY MIN(p.id)`, ZhongshanCode, month.In(gongzhi.ChinaTime).Year()-18)
	if err != nil {
		return err
	}
	var reps []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		reps = append(reps, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// a month ago: the participatory budget, open for a week
	saved := a.Now
	defer func() { a.Now = saved }()
	clock := month
	a.Now = func() time.Time { return clock }
	b := &gongzhi.Vote{Title: VoteClosedTitle, TopicID: topicBudget, Body: "社区为民服务专项资金今年可用于微项目 20 万元，请每户代表在下列项目中选择，所选项目合计不超过 20 万元。得票过半数的项目按得票多少依次安排，直至用完资金。",
		Electorate: gongzhi.ElectorateHouseholds, BallotKind: gongzhi.BallotBudget, Budget: gongzhi.Yuan(200_000),
		Options: []gongzhi.VoteOption{{Label: "老旧楼道照明改造", Cost: gongzhi.Yuan(60_000)}, {Label: "社区小广场健身器材更新", Cost: gongzhi.Yuan(50_000)},
			{Label: "非机动车充电棚", Cost: gongzhi.Yuan(80_000)}, {Label: "儿童游乐区安全地垫", Cost: gongzhi.Yuan(30_000)},
			{Label: "老年食堂适老化改造", Cost: gongzhi.Yuan(90_000)}},
		OpensAt: month.Add(-time.Hour), ClosesAt: month.Add(7 * 24 * time.Hour), QuorumPct: 50, Threshold: gongzhi.ThresholdMajority,
		ThresholdBase: gongzhi.BaseCast, Secret: true, Proxies: true, OwnerBodyID: committee}
	if err := a.CreateVote(ctx, staff, b); err != nil {
		return fmt.Errorf("vote: %w", err)
	}
	if _, err := a.OpenVote(ctx, staff, b.ID); err != nil {
		return fmt.Errorf("open: %w", err)
	}
	// two thirds of the households vote on paper at the residents' meeting
	choices := [][]int{{1, 2, 4}, {1, 3}, {1, 4, 5}, {2, 3, 4}, {1, 2, 4}, {3, 5}, {1, 4}}
	for i, p := range reps[:len(reps)*2/3] {
		clock = month.Add(time.Duration(24+i) * time.Hour)
		if err := a.EnterPaper(ctx, staff, b.ID, votes.PaperBallot{PersonID: p, Choice: choices[i%len(choices)]}); err != nil {
			return fmt.Errorf("paper ballot: %w", err)
		}
		if _, err := a.Witness(ctx, grid, b.ID, fmt.Sprintf("h%d", householdOf(ctx, a, p))); err != nil {
			return fmt.Errorf("witness: %w", err)
		}
	}
	clock = b.ClosesAt.Add(time.Minute)
	if _, err := a.CloseDue(ctx, gongzhi.SystemActor("demo")); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	v, err := a.Vote(ctx, staff, b.ID)
	if err != nil || v.DecisionID == 0 {
		return fmt.Errorf("demo: the participatory budget did not pass (%v)", err)
	}
	// its decision: tasks with deadlines, the first done
	for i, t := range []string{"确定楼道照明改造的楼栋清单并询价", "健身器材采购与安装", "儿童游乐区地垫铺设", "完工验收并公示资金使用"} {
		if err := a.AddTask(ctx, staff, v.DecisionID, &gongzhi.DecisionTask{Title: t, DueOn: gongzhi.DateOf(clock.AddDate(0, 0, 14*(i+1)))}); err != nil {
			return fmt.Errorf("task: %w", err)
		}
	}
	clock = now.AddDate(0, 0, -5)
	d, err := a.Decision(ctx, staff, v.DecisionID)
	if err != nil {
		return err
	}
	if err := a.FinishTask(ctx, staff, d.ID, d.Tasks[0].ID, "已确定 1、2、5、7 号楼，三家询价后选定最低价。"); err != nil {
		return fmt.Errorf("task done: %w", err)
	}

	// now: the lift, one household one vote, open for a week; a few paper ballots already in
	clock = now
	l := &gongzhi.Vote{Title: VoteOpenTitle, TopicID: topicLift, Body: "3号楼加装电梯由居民自筹与政府补贴共同出资。按户表决，参与户数过半且赞成票超过三分之二方可实施。",
		Electorate: gongzhi.ElectorateHouseholds, BallotKind: gongzhi.BallotYesNo, OpensAt: now.Add(-2 * time.Hour), ClosesAt: now.Add(7 * 24 * time.Hour),
		QuorumPct: 50, Threshold: gongzhi.ThresholdTwoThirds, ThresholdBase: gongzhi.BaseCast, Secret: true, OwnerBodyID: committee}
	if err := a.CreateVote(ctx, staff, l); err != nil {
		return fmt.Errorf("vote: %w", err)
	}
	if _, err := a.OpenVote(ctx, staff, l.ID); err != nil {
		return fmt.Errorf("open: %w", err)
	}
	res, err := demoActor(ctx, a, "zs-resident")
	if err != nil {
		return err
	}
	link, err := q.UserLink(ctx, res.User.ID)
	if err != nil {
		return err
	}
	own := link.Household
	n := 0
	for _, p := range reps {
		if n == 5 {
			break
		}
		h := householdOf(ctx, a, p)
		if h == own {
			continue
		}
		if err := a.EnterPaper(ctx, staff, l.ID, votes.PaperBallot{PersonID: p, Choice: []int{1 + n%3/2}}); err != nil {
			return fmt.Errorf("paper ballot: %w", err)
		}
		if _, err := a.Witness(ctx, grid, l.ID, fmt.Sprintf("h%d", h)); err != nil {
			return fmt.Errorf("witness: %w", err)
		}
		n++
	}
	return nil
}

// householdOf is a person's household (0 for none).
func householdOf(ctx context.Context, a *app.App, person int64) int64 {
	var h int64
	a.DB.Q().QueryRow(ctx, `SELECT COALESCE(household_id, 0) FROM people WHERE id = ?`, person).Scan(&h)
	return h
}
