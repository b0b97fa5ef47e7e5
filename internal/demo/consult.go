// The demo community's consultation (议事协商, docs/consultation.md): 中山社区's 一委三会 and a
// building council with their members; a resident's topic accepted and under deliberation, with
// residents' comments, a counter-proposal and supports, and a hearing held on it with QR and
// staff sign-in, speakers, proposals and minutes; a committee's topic accepted after a
// deliberation meeting, ready for a vote; a topic declined with a reason; one raised weeks ago
// and still unanswered (overdue); and an idea contest with ideas, supports and a shortlist. All
// of it through the consultation service, as the people would, on a clock moved back to when
// they did it.

package demo

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
)

// Demo consultation records the tests and the browser test look for.
const (
	ConsultTopicTitle    = "小区南门加装电动自行车充电桩"
	ConsultHearingTitle  = "电动自行车充电桩选址听证会"
	ConsultReadyTitle    = "3栋加装电梯及费用分摊方案"
	ConsultContestTitle  = "“我为社区微更新出点子”金点子征集"
	consultResidentCount = 3 // resident accounts besides zs-resident, who comment, support and sign in
)

func seedConsult(ctx context.Context, a *app.App, now time.Time) error {
	svc := a.ConsultService
	saved := a.Now
	defer func() { a.Now = saved }()
	at := func(days int, hour int) time.Time {
		d := now.In(gongzhi.ChinaTime).AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, gongzhi.ChinaTime)
	}
	clock := func(t time.Time) { a.Now = func() time.Time { return t } }

	com, err := demoActor(ctx, a, "zs-community")
	if err != nil {
		return err
	}
	grid, err := demoActor(ctx, a, "zs-grid")
	if err != nil {
		return err
	}
	res, err := demoActor(ctx, a, "zs-resident")
	if err != nil {
		return err
	}
	people, err := svc.CommunityPeople(ctx, com, ZhongshanCode)
	if err != nil {
		return err
	}
	if len(people) < 40 {
		return fmt.Errorf("consultation: only %d residents in 中山社区", len(people))
	}
	// everyone below is a resident other than zs-resident's own record
	var resPerson string
	if err := a.DB.Q().QueryRow(ctx, `SELECT COALESCE(person_id, 0) FROM users WHERE id = ?`, res.User.ID).Scan(&resPerson); err != nil {
		return err
	}
	people = slices.DeleteFunc(people, func(p [2]string) bool { return p[0] == resPerson })
	pid := func(i int) int64 { n, _ := strconv.ParseInt(people[i][0], 10, 64); return n }
	// residents who signed up for accounts of their own, linked by the community office
	residents := []*gongzhi.Actor{res}
	sys := gongzhi.SystemActor("demo")
	for i, k := 0, 0; k < consultResidentCount && i < len(people); i++ {
		u := &gongzhi.User{Username: fmt.Sprintf("zs-resident%d", k+2), DisplayName: people[i][1], Role: gongzhi.RoleResident, PlaceCode: ZhongshanCode}
		if _, err := a.CreateUser(ctx, sys, u, Password+"-"+strconv.Itoa(k)); err != nil {
			return fmt.Errorf("consultation: resident account: %w", err)
		}
		if err := a.LinkResidentAccount(ctx, com, u.ID, pid(i)); err != nil {
			return fmt.Errorf("consultation: link resident account: %w", err)
		}
		ac, err := demoActor(ctx, a, u.Username)
		if err != nil {
			return err
		}
		residents = append(residents, ac)
		k++
	}

	// 一委三会 and a building council, with members from the registry
	clock(at(-60, 10))
	type member struct {
		i    int
		role string
	}
	bodies := []struct {
		kind, name string
		members    []member
	}{
		{gongzhi.BodyParty, "中山社区党委", []member{{10, "director"}, {11, "deputy"}, {12, "member"}}},
		{gongzhi.BodyDeliberation, "中山社区居民议事委员会", []member{{13, "director"}, {14, "deputy"}, {15, "member"}, {16, "resident_rep"}, {17, "resident_rep"}}},
		{gongzhi.BodyResidents, "中山社区居民委员会", []member{{18, "director"}, {19, "deputy"}, {20, "member"}}},
		{gongzhi.BodySupervision, "中山社区居务监督委员会", []member{{21, "director"}, {22, "member"}, {23, "member"}}},
		{gongzhi.BodyBuilding, "3栋楼栋议事会", []member{{24, "building_head"}, {25, "resident_rep"}, {26, "resident_rep"}}},
	}
	ids := map[string]int64{}
	for _, b := range bodies {
		body := &gongzhi.Body{PlaceCode: ZhongshanCode, Kind: b.kind, Name: b.name}
		if err := svc.CreateBody(ctx, com, body); err != nil {
			return fmt.Errorf("consultation: body %s: %w", b.name, err)
		}
		ids[b.kind] = body.ID
		for _, m := range b.members {
			if err := svc.AddMember(ctx, com, &gongzhi.Member{BodyID: body.ID, PersonID: pid(m.i), Role: m.role,
				TermFrom: fmt.Sprintf("%d-01-01", now.In(gongzhi.ChinaTime).Year()-1)}); err != nil {
				return fmt.Errorf("consultation: member of %s: %w", b.name, err)
			}
		}
	}

	// a resident's topic, accepted and under deliberation
	clock(at(-12, 9))
	charging := &gongzhi.Topic{Title: ConsultTopicTitle, Body: "不少居民把电动自行车推进楼道、拉线充电，去年隔壁小区就因此起火。" +
		"建议在南门车棚加装智能充电桩，按次扫码付费，夜间有照明和监控。"}
	if err := svc.RaiseTopic(ctx, res, charging); err != nil {
		return fmt.Errorf("consultation: topic: %w", err)
	}
	clock(at(-10, 15))
	if _, err := svc.AcceptTopic(ctx, com, charging.ID); err != nil {
		return err
	}
	comments := []struct {
		who        int
		kind, body string
	}{
		{1, gongzhi.CommentPlain, "支持！我家就在一楼，楼道里天天有人充电，晚上都不敢睡。"},
		{2, gongzhi.CommentPlain, "南门车棚离5栋、6栋太远，老人推车不方便，能不能两边都装？"},
		{0, gongzhi.CommentProposal, "反方案：南门装10个口，北门空地再装6个口，费用从社区为民服务专项资金出一部分，其余按次收费。"},
		{3, gongzhi.CommentPlain, "希望收费标准公示，别比外面贵。"},
	}
	for i, c := range comments {
		clock(at(-9+i, 20))
		if err := svc.Comment(ctx, residents[c.who], &gongzhi.Comment{TopicID: charging.ID, Kind: c.kind, Body: c.body}); err != nil {
			return fmt.Errorf("consultation: comment: %w", err)
		}
	}
	clock(at(-8, 21))
	off := &gongzhi.Comment{TopicID: charging.ID, Body: "有需要装充电桩的联系我，电话13800000000，价格优惠。"}
	if err := svc.Comment(ctx, residents[2], off); err != nil {
		return err
	}
	clock(at(-7, 9))
	if _, err := svc.HideComment(ctx, com, off.ID, "advertising", ""); err != nil {
		return err
	}
	for _, r := range residents {
		if _, err := svc.SupportTopic(ctx, r, charging.ID); err != nil {
			return fmt.Errorf("consultation: support: %w", err)
		}
	}

	// the hearing: QR code at the door for residents with phones, staff for the others
	clock(at(-6, 10))
	hearing := &gongzhi.ConsultMeeting{PlaceCode: ZhongshanCode, BodyID: ids[gongzhi.BodyDeliberation], TopicID: charging.ID, Kind: gongzhi.MeetingHearing,
		Title: ConsultHearingTitle, StartsAt: at(-3, 19), Location: "中山社区党群服务中心二楼会议室",
		Agenda: "一、议事委员会介绍南门、北门两个选址方案\n二、供电公司说明容量与安全要求\n三、居民代表发言\n四、形成提交表决的方案"}
	if err := svc.CreateMeeting(ctx, com, hearing); err != nil {
		return fmt.Errorf("consultation: hearing: %w", err)
	}
	clock(at(-3, 18))
	opened, err := svc.OpenSignIn(ctx, com, hearing.ID)
	if err != nil {
		return err
	}
	for _, r := range residents {
		if _, err := svc.SignInByCode(ctx, r, opened.SigninKey); err != nil {
			return fmt.Errorf("consultation: QR sign-in: %w", err)
		}
	}
	for i := 13; i < 20; i++ { // the committee's members and residents without a phone, signed in by staff
		if err := svc.SignInByStaff(ctx, com, hearing.ID, pid(i)); err != nil {
			return fmt.Errorf("consultation: staff sign-in: %w", err)
		}
	}
	clock(at(-3, 20))
	for _, sp := range []gongzhi.ConsultSpeaker{
		{PersonID: pid(13), Summary: "介绍两个选址方案：南门车棚可装10个口，北门空地可装6个口，两处合计预算约4.2万元。"},
		{Name: "供电公司 王工", Summary: "南门变压器余量可以支持16个口；北门需新拉一路电缆。"},
		{PersonID: pid(16), Summary: "5栋、6栋老人多，赞成两处都装，北门先装4个口。"},
	} {
		sp.MeetingID = hearing.ID
		if err := svc.AddSpeaker(ctx, com, &sp); err != nil {
			return fmt.Errorf("consultation: speaker: %w", err)
		}
	}
	for _, p := range []gongzhi.TabledProposal{
		{Title: "方案一：只在南门车棚装10个口", TabledBy: "议事委员会", Body: "预算约2.6万元。"},
		{Title: "方案二：南门10个口、北门6个口", TabledBy: "居民代表", Body: "预算约4.2万元，北门需新拉电缆。"},
	} {
		p.MeetingID = hearing.ID
		if err := svc.TableProposal(ctx, com, &p); err != nil {
			return fmt.Errorf("consultation: proposal: %w", err)
		}
	}
	clock(at(-3, 21))
	if _, err := svc.RecordMinutes(ctx, com, hearing.ID, "听证会于19:00召开，到会居民及代表共"+strconv.Itoa(len(residents)+7)+"人。\n"+
		"与会居民一致认为楼道充电隐患突出，应尽快加装充电桩；对选址形成两个方案（见提交的方案）。\n"+
		"会议决定：两个方案提交居民户代表表决，表决前在社区公示栏和本平台公示七天。"); err != nil {
		return fmt.Errorf("consultation: minutes: %w", err)
	}

	// a committee's topic, accepted after a deliberation meeting: ready for a vote
	clock(at(-20, 9))
	lift := &gongzhi.Topic{PlaceCode: ZhongshanCode, Source: gongzhi.TopicFromCommittee, BodyID: ids[gongzhi.BodyBuilding], Title: ConsultReadyTitle,
		Body: "3栋共18户，已有14户签字同意加装电梯。需议定电梯井位置和各楼层费用分摊比例。"}
	if err := svc.RaiseTopic(ctx, com, lift); err != nil {
		return fmt.Errorf("consultation: committee topic: %w", err)
	}
	clock(at(-18, 10))
	if _, err := svc.AcceptTopic(ctx, com, lift.ID); err != nil {
		return err
	}
	meet := &gongzhi.ConsultMeeting{PlaceCode: ZhongshanCode, BodyID: ids[gongzhi.BodyBuilding], TopicID: lift.ID, Kind: gongzhi.MeetingDeliberation,
		Title: "3栋加装电梯楼栋议事会", StartsAt: at(-14, 19), Location: "3栋一楼架空层", Agenda: "一、设计单位介绍方案\n二、议定费用分摊比例"}
	if err := svc.CreateMeeting(ctx, com, meet); err != nil {
		return err
	}
	clock(at(-14, 19))
	for i := 24; i < 34; i++ {
		if err := svc.SignInByStaff(ctx, com, meet.ID, pid(i)); err != nil {
			return err
		}
	}
	for _, p := range []gongzhi.TabledProposal{
		{Title: "分摊方案A：一楼不出资，二楼起逐层递增5%", TabledBy: "楼栋议事会"},
		{Title: "分摊方案B：一、二楼不出资，三楼起均摊", TabledBy: "部分住户"},
	} {
		p.MeetingID = meet.ID
		if err := svc.TableProposal(ctx, com, &p); err != nil {
			return err
		}
	}
	clock(at(-14, 21))
	if _, err := svc.RecordMinutes(ctx, com, meet.ID, "到会住户10户。设计单位介绍了北侧井道方案，住户无异议。\n费用分摊形成A、B两个方案，提交3栋全体住户表决。"); err != nil {
		return err
	}

	// a grid worker's topic, declined with a reason
	clock(at(-16, 11))
	door := &gongzhi.Topic{PlaceCode: ZhongshanCode, Title: "为2栋502住户更换入户门锁", Body: "住户反映门锁老化。"}
	if err := svc.RaiseTopic(ctx, grid, door); err != nil {
		return err
	}
	clock(at(-15, 16))
	if _, err := svc.DeclineTopic(ctx, com, door.ID, "private_matter", "已联系物业上门维修"); err != nil {
		return err
	}

	// a resident's paper topic raised weeks ago and still unanswered: overdue
	clock(at(-21, 10))
	paper := &gongzhi.Topic{PlaceCode: ZhongshanCode, Source: gongzhi.TopicFromPaper, PersonID: pid(30), Title: "楼道堆物清理与消防通道",
		Body: "（居民书面提交）4栋楼道堆放纸箱和旧家具，消防通道不畅。"}
	if err := svc.RaiseTopic(ctx, com, paper); err != nil {
		return err
	}
	// and one raised yesterday, waiting within its deadline
	clock(at(-1, 20))
	if err := svc.RaiseTopic(ctx, residents[1], &gongzhi.Topic{Title: "社区广场晚间广场舞音量", Body: "希望约定晚上八点半后降低音量。"}); err != nil {
		return err
	}

	// an idea contest
	clock(at(-10, 9))
	contest := &gongzhi.Contest{PlaceCode: ZhongshanCode, Title: ConsultContestTitle, Theme: "围绕口袋公园、楼道微改造、邻里互助空间，征集居民的金点子。入围点子将提交居民议事会和户代表表决。",
		OpensOn: gongzhi.DateOf(at(-10, 9)), ClosesOn: gongzhi.DateOf(at(20, 9))}
	if err := svc.CreateContest(ctx, com, contest); err != nil {
		return fmt.Errorf("consultation: contest: %w", err)
	}
	var ideas []int64
	for i, x := range []struct{ title, body string }{
		{"废弃花坛改造成共享菜园", "由楼栋认领，孩子和老人一起种菜。"},
		{"单元门口加装爱心座椅", "方便老人上下楼歇脚。"},
		{"建一个社区工具角", "梯子、电钻等不常用工具大家共享，登记借用。"},
	} {
		clock(at(-9+i, 20))
		idea := &gongzhi.Idea{ContestID: contest.ID, Title: x.title, Body: x.body}
		if err := svc.SubmitIdea(ctx, residents[i%len(residents)], idea); err != nil {
			return fmt.Errorf("consultation: idea: %w", err)
		}
		ideas = append(ideas, idea.ID)
	}
	clock(at(-5, 20))
	for i, r := range residents {
		for j := 0; j <= i && j < len(ideas); j++ {
			if _, err := svc.SupportIdea(ctx, r, ideas[j]); err != nil {
				return fmt.Errorf("consultation: idea support: %w", err)
			}
		}
	}
	clock(at(-2, 10))
	if _, err := svc.ShortlistIdea(ctx, com, ideas[0], "widely_supported", ""); err != nil {
		return err
	}
	return nil
}
