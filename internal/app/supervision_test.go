package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/jobs"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// supContracts gives two signed contracts, one per provider, with the clock just after signing.
func supContracts(t *testing.T, db *store.DB) (*purFix, []*gongzhi.Contract) {
	f := purSetup(t, db, purOptions{orgs: 2, experts: 3, budget: gongzhi.Yuan(400_000)})
	c := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
	apps := []*gongzhi.Application{f.apply(c, 0, gongzhi.Yuan(80_000)), f.apply(c, 1, gongzhi.Yuan(60_000))}
	f.closeAndReview(c, 3, 9)
	f.scoreAll(c, apps, func(app, m int) gongzhi.Points { return gongzhi.Points(8500 - app*500) })
	f.publish(c, 0)
	f.finalize(c)
	return f, []*gongzhi.Contract{f.sign(apps[0].ID, f.providers[0]), f.sign(apps[1].ID, f.providers[1])}
}

func nextMonth(m string) string {
	t, _ := gongzhi.ParseMonth(m)
	return gongzhi.MonthOf(t.AddDate(0, 1, 0))
}

func dayIn(month string, day int) time.Time {
	t, _ := gongzhi.ParseDate(fmt.Sprintf("%s-%02d", month, day))
	return t.Add(10 * time.Hour)
}

func hasTodo(ts []kernel.Todo, key string, n int) bool {
	return slices.ContainsFunc(ts, func(x kernel.Todo) bool { return x.Key == key && x.Count == n })
}

func supInspections(t *testing.T, f *purFix, ac *gongzhi.Actor, filters map[string]string) []*gongzhi.Inspection {
	t.Helper()
	var out []*gongzhi.Inspection
	_, err := f.a.Inspections(f.ctx, ac, store.ListOptions{Filters: filters}, func(in *gongzhi.Inspection) error { out = append(out, in); return nil })
	f.must(err)
	return out
}

func supRecord(finding bool) gongzhi.InspectionRecord {
	rec := gongzhi.InspectionRecord{ProgressPct: 40, Progress: "已开展助餐服务12次，覆盖老人35人。", Difficulties: "志愿者不足", Results: "服务记录完整"}
	for _, k := range gongzhi.DefaultChecklist {
		rec.Checklist = append(rec.Checklist, gongzhi.CheckItem{Key: k, Result: gongzhi.CheckOK})
	}
	if finding {
		rec.Checklist[2] = gongzhi.CheckItem{Key: gongzhi.DefaultChecklist[2], Result: gongzhi.CheckFinding, Severity: gongzhi.SeverityMajor, Note: "10月活动签到表缺失"}
	}
	return rec
}

func TestSupervisionInspections(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts := supContracts(t, db)
		ctx, a := f.ctx, f.a
		month := nextMonth(gongzhi.MonthOf(f.clock()))
		f.at(dayIn(month, 10))
		n, err := a.EnsureInspections(ctx, f.hub, month)
		f.must(err)
		if n != 2 {
			t.Fatalf("created %d inspections, want one per active contract", n)
		}
		if n, err := a.EnsureInspections(ctx, f.hub, month); err != nil || n != 0 {
			t.Fatalf("second run created %d (%v)", n, err)
		}
		_, err = a.EnsureInspections(ctx, f.providers[0], month)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		_, err = a.EnsureInspections(ctx, f.hub, "2026-13")
		purIs(t, err, gongzhi.EINVALID, "month", "month.format")
		// A month outside the contracts' periods has none.
		if n, err := a.EnsureInspections(ctx, f.hub, "2020-01"); err != nil || n != 0 {
			t.Fatalf("2020-01: %d %v", n, err)
		}
		all := supInspections(t, f, f.hub, map[string]string{"month": month})
		if len(all) != 2 || all[0].DueOn != month+"-25" || all[0].Overdue {
			t.Fatalf("inspections %+v", all)
		}
		if got := supInspections(t, f, f.providers[0], nil); len(got) != 0 {
			t.Fatalf("a provider sees %d inspections not yet done", len(got))
		}
		_, err = a.Inspection(ctx, f.providers[0], all[0].ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")

		// Overdue after the 25th, on the hub's to-do list and the attention lines.
		f.at(dayIn(month, 26))
		today := gongzhi.DateOf(f.clock())
		if got := supInspections(t, f, f.hub, map[string]string{"overdue": today}); len(got) != 2 || !got[0].Overdue {
			t.Fatalf("overdue %+v", got)
		}
		// Reading the to-dos creates nothing; the scheduled job also creates last month's (the
		// contracts began then), all overdue now.
		todos, _, err := a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if !hasTodo(todos, "todo.inspections_overdue", 2) {
			t.Fatalf("hub's to-dos before the job %+v", todos)
		}
		if n, err := jobs.CreateInspections(ctx, a, f.clock()); err != nil || n != 2 {
			t.Fatalf("the job created %d: %v", n, err)
		}
		todos, attn, err := a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if !hasTodo(todos, "todo.inspections_overdue", 4) || !hasTodo(attn, "attn.inspections_overdue", 4) || hasTodo(todos, "todo.inspections_due", 2) {
			t.Fatalf("hub's to-dos %+v attention %+v", todos, attn)
		}
		f.at(dayIn(month, 20))
		todos, _, err = a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if !hasTodo(todos, "todo.inspections_overdue", 2) || !hasTodo(todos, "todo.inspections_due", 2) {
			t.Fatalf("hub's to-dos on the 20th %+v", todos)
		}
		f.at(dayIn(month, 26))

		// Recording: the inspector only; a finding needs a severity and a note.
		var ins *gongzhi.Inspection
		for _, in := range all {
			if in.ContractID == cts[0].ID {
				ins = in
			}
		}
		_, err = a.RecordInspection(ctx, f.providers[0], ins.ID, supRecord(true))
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		bad := supRecord(true)
		bad.Checklist[2].Note = ""
		bad.InspectedOn = today
		_, err = a.RecordInspection(ctx, f.hub, ins.ID, bad)
		purIs(t, err, gongzhi.EINVALID, "checklist.2.note", "required")
		rec := supRecord(true)
		rec.InspectedOn = gongzhi.DateOf(f.clock().AddDate(0, 0, 1))
		_, err = a.RecordInspection(ctx, f.hub, ins.ID, rec)
		purIs(t, err, gongzhi.ECONFLICT, "inspected_on", "inspection.future")
		rec.InspectedOn = today
		got, err := a.RecordInspection(ctx, f.hub, ins.ID, rec)
		f.must(err)
		if got.State != gongzhi.InspectionDone || got.Findings() != 1 || got.Overdue || got.Inspector == "" {
			t.Fatalf("recorded %+v", got)
		}
		if got := supInspections(t, f, f.providers[0], nil); len(got) != 1 {
			t.Fatalf("the provider sees %d done inspections", len(got))
		}
		if got := supInspections(t, f, f.providers[1], nil); len(got) != 0 {
			t.Fatalf("another provider sees %d", len(got))
		}
		_, err = a.Inspection(ctx, f.providers[1], ins.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
	})
}

func TestSupervisionRectifications(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts := supContracts(t, db)
		ctx, a := f.ctx, f.a
		month := nextMonth(gongzhi.MonthOf(f.clock()))
		f.at(dayIn(month, 12))
		today := gongzhi.DateOf(f.clock())
		_, err := a.EnsureInspections(ctx, f.hub, month)
		f.must(err)
		ins := supInspections(t, f, f.hub, map[string]string{"month": month, "contract": fmt.Sprint(cts[0].ID)})[0]
		order := gongzhi.RectificationOrder{CheckKey: gongzhi.DefaultChecklist[2], Requirement: "补齐10月活动签到表并建立归档制度", Deadline: gongzhi.DateOf(f.clock().AddDate(0, 0, 5))}
		_, err = a.RaiseRectification(ctx, f.hub, ins.ID, order)
		purIs(t, err, gongzhi.ECONFLICT, "state", "inspection.not_done")
		rec := supRecord(true)
		rec.InspectedOn = today
		_, err = a.RecordInspection(ctx, f.hub, ins.ID, rec)
		f.must(err)
		_, err = a.RaiseRectification(ctx, f.hub, ins.ID, gongzhi.RectificationOrder{CheckKey: gongzhi.DefaultChecklist[0], Requirement: "x", Deadline: order.Deadline})
		purIs(t, err, gongzhi.ECONFLICT, "check_key", "rect.not_a_finding")
		_, err = a.RaiseRectification(ctx, f.hub, ins.ID, gongzhi.RectificationOrder{CheckKey: order.CheckKey, Requirement: "x", Deadline: "2020-01-01"})
		purIs(t, err, gongzhi.EINVALID, "deadline", "rect.deadline_past")
		_, err = a.RaiseRectification(ctx, f.providers[0], ins.ID, order)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		x, err := a.RaiseRectification(ctx, f.hub, ins.ID, order)
		f.must(err)
		if x.State != gongzhi.RectOpen || x.Severity != gongzhi.SeverityMajor || x.OrgID != cts[0].OrgID {
			t.Fatalf("order %+v", x)
		}
		todos, _, err := a.DeliveryItems(ctx, f.providers[0])
		f.must(err)
		if !hasTodo(todos, "todo.rect_mine", 1) {
			t.Fatalf("provider's to-dos %+v", todos)
		}

		// Closing without verification is refused: never answered, or by the provider.
		_, err = a.VerifyRectification(ctx, f.hub, x.ID, "")
		purIs(t, err, gongzhi.ECONFLICT, "state", "rect.not_answered")
		_, err = a.VerifyRectification(ctx, f.providers[0], x.ID, "")
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		// Another provider's order does not exist for it.
		_, err = a.AnswerRectification(ctx, f.providers[1], x.ID, "已整改", nil)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, err = a.Rectification(ctx, f.providers[1], x.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, err = a.AnswerRectification(ctx, f.hub, x.ID, "已整改", nil)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		_, err = a.AnswerRectification(ctx, f.providers[0], x.ID, " ", nil)
		purIs(t, err, gongzhi.EINVALID, "answer", "required")
		_, err = a.AnswerRectification(ctx, f.providers[0], x.ID, "已补齐", []string{"abc"})
		purIs(t, err, gongzhi.EINVALID, "evidence", "rect.evidence_hash")
		x, err = a.AnswerRectification(ctx, f.providers[0], x.ID, "已补齐签到表，建立月度归档。", []string{strings.Repeat("ab", 32)})
		f.must(err)
		if x.State != gongzhi.RectAnswered || x.AnsweredAt.IsZero() || len(x.Evidence) != 1 {
			t.Fatalf("answered %+v", x)
		}
		_, err = a.AnswerRectification(ctx, f.providers[0], x.ID, "再答", nil)
		purIs(t, err, gongzhi.ECONFLICT, "state", "rect.answered")
		todos, _, err = a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if !hasTodo(todos, "todo.rect_to_verify", 1) {
			t.Fatalf("hub's to-dos %+v", todos)
		}
		_, err = a.ReopenRectification(ctx, f.hub, x.ID, "")
		purIs(t, err, gongzhi.EINVALID, "reason", "required")
		x, err = a.ReopenRectification(ctx, f.hub, x.ID, "签到表无日期")
		f.must(err)
		if x.State != gongzhi.RectOpen || x.ReopenReason == "" {
			t.Fatalf("reopened %+v", x)
		}
		_, err = a.VerifyRectification(ctx, f.hub, x.ID, "")
		purIs(t, err, gongzhi.ECONFLICT, "state", "rect.not_answered")
		_, err = a.AnswerRectification(ctx, f.providers[0], x.ID, "已补注日期。", nil)
		f.must(err)
		x, err = a.VerifyRectification(ctx, f.hub, x.ID, "现场核查属实")
		f.must(err)
		if x.State != gongzhi.RectClosed || x.VerifiedBy == "" || x.ClosedAt.IsZero() {
			t.Fatalf("closed %+v", x)
		}
		_, err = a.VerifyRectification(ctx, f.hub, x.ID, "")
		purIs(t, err, gongzhi.ECONFLICT, "state", "rect.closed")
		hist, err := a.RectificationHistory(ctx, f.providers[0], x.ID)
		f.must(err)
		var states []string
		for _, h := range hist {
			states = append(states, h.To)
		}
		if fmt.Sprint(states) != "[open answered open answered closed]" {
			t.Fatalf("history %v", states)
		}

		// Escalation: an order still open after its deadline goes to the street office once.
		y, err := a.RaiseRectification(ctx, f.hub, ins.ID, gongzhi.RectificationOrder{CheckKey: order.CheckKey, Requirement: "三日内补交", Deadline: today})
		f.must(err)
		todos, _, err = a.DeliveryItems(ctx, f.purchaser)
		f.must(err)
		if hasTodo(todos, "todo.rect_escalated", 1) {
			t.Fatal("escalated before its deadline")
		}
		f.advance(48 * time.Hour)
		// overdue now, but reading escalates nothing: the scheduled job does
		todos, attn, err := a.DeliveryItems(ctx, f.purchaser)
		f.must(err)
		if hasTodo(todos, "todo.rect_escalated", 1) || !hasTodo(attn, "attn.rect_overdue", 1) {
			t.Fatalf("purchaser's to-dos before the job %+v attention %+v", todos, attn)
		}
		if n, err := jobs.EscalateRectifications(ctx, a, f.clock()); err != nil || n != 1 {
			t.Fatalf("the job escalated %d: %v", n, err)
		}
		todos, attn, err = a.DeliveryItems(ctx, f.purchaser)
		f.must(err)
		if !hasTodo(todos, "todo.rect_escalated", 1) || !hasTodo(attn, "attn.rect_overdue", 1) {
			t.Fatalf("purchaser's to-dos %+v attention %+v", todos, attn)
		}
		if n, err := jobs.EscalateRectifications(ctx, a, f.clock()); err != nil || n != 0 { // once only
			t.Fatalf("escalated again: %d %v", n, err)
		}
		y, err = a.Rectification(ctx, f.hub, y.ID)
		f.must(err)
		if !y.Escalated || !y.Overdue {
			t.Fatalf("not escalated: %+v", y)
		}
		hist, err = a.RectificationHistory(ctx, f.hub, y.ID)
		f.must(err)
		if len(hist) != 2 || hist[1].To != "escalated" {
			t.Fatalf("escalation history %+v", hist)
		}

		// A talk with a follow-up order.
		talk, err := a.RecordTalk(ctx, f.hub, gongzhi.TalkInput{Date: gongzhi.DateOf(f.clock()), ContractID: cts[0].ID,
			Attendees: []gongzhi.Attendee{{Name: "王建国", Role: "机构负责人"}, {Name: "赵敏", Role: "枢纽督导"}},
			Reason:    "整改逾期", Conclusions: "机构承诺一周内完成整改", Requirement: "一周内完成签到表整改", Deadline: gongzhi.DateOf(f.clock().AddDate(0, 0, 7))})
		f.must(err)
		if talk.RectificationID == 0 || len(talk.Attendees) != 2 {
			t.Fatalf("talk %+v", talk)
		}
		_, err = a.RecordTalk(ctx, f.hub, gongzhi.TalkInput{Date: "2026-01-01", ContractID: cts[0].ID})
		purIs(t, err, gongzhi.EINVALID, "attendees", "required")
		_, err = a.Talk(ctx, f.providers[1], talk.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		if _, err := a.Talk(ctx, f.providers[0], talk.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSupervisionMeetingsAndReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts := supContracts(t, db)
		ctx, a := f.ctx, f.a
		month := nextMonth(gongzhi.MonthOf(f.clock()))
		f.at(dayIn(month, 5))
		today := gongzhi.DateOf(f.clock())
		m, err := a.RecordMeeting(ctx, f.hub, gongzhi.MeetingInput{Date: today, Title: "第三季度联席会议", Venue: "街道会议室",
			Attendees: []gongzhi.Attendee{{Name: "李梅", Role: "街道社会事务办"}}, OrgIDs: []int64{f.orgs[0]}, Minutes: "通报督导情况", Decisions: "加强台账管理",
			Actions: []gongzhi.ActionInput{{Text: "完善台账", OwnerOrgID: f.orgs[0], Deadline: gongzhi.DateOf(f.clock().AddDate(0, 0, 10))},
				{Text: "组织培训", OwnerName: "李梅", Deadline: gongzhi.DateOf(f.clock().AddDate(0, 0, 3))}}})
		f.must(err)
		if len(m.Actions) != 2 || len(m.OrgIDs) != 1 {
			t.Fatalf("meeting %+v", m)
		}
		_, err = a.RecordMeeting(ctx, f.providers[0], gongzhi.MeetingInput{})
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		_, err = a.RecordMeeting(ctx, f.hub, gongzhi.MeetingInput{Date: today, Title: "x", Minutes: "y", Actions: []gongzhi.ActionInput{{Text: "z", Deadline: today}}})
		purIs(t, err, gongzhi.EINVALID, "actions.0.owner", "required")
		if _, err := a.Meeting(ctx, f.providers[0], m.ID); err != nil {
			t.Fatal(err)
		}
		_, err = a.Meeting(ctx, f.providers[1], m.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, err = a.CompleteMeetingAction(ctx, f.providers[1], m.ID, m.Actions[0].ID, "done")
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, err = a.CompleteMeetingAction(ctx, f.providers[0], m.ID, m.Actions[1].ID, "done")
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		todos, _, err := a.DeliveryItems(ctx, f.providers[0])
		f.must(err)
		if !hasTodo(todos, "todo.actions_mine", 1) {
			t.Fatalf("provider's to-dos %+v", todos)
		}
		// Overdue actions are listed until done.
		f.advance(5 * 24 * time.Hour)
		var overdue []*gongzhi.MeetingAction
		_, err = a.MeetingActions(ctx, f.hub, store.ListOptions{Filters: map[string]string{"overdue": gongzhi.DateOf(f.clock())}},
			func(x *gongzhi.MeetingAction) error { overdue = append(overdue, x); return nil })
		f.must(err)
		if len(overdue) != 1 || overdue[0].OwnerName != "李梅" || !overdue[0].Overdue {
			t.Fatalf("overdue actions %+v", overdue)
		}
		_, err = a.CompleteMeetingAction(ctx, f.hub, m.ID, m.Actions[1].ID, "")
		purIs(t, err, gongzhi.EINVALID, "note", "required")
		_, err = a.CompleteMeetingAction(ctx, f.hub, m.ID, m.Actions[1].ID, "已于本周完成培训")
		f.must(err)
		_, err = a.CompleteMeetingAction(ctx, f.hub, m.ID, m.Actions[1].ID, "again")
		purIs(t, err, gongzhi.ECONFLICT, "state", "action.done")
		x, err := a.CompleteMeetingAction(ctx, f.providers[0], m.ID, m.Actions[0].ID, "台账已完善")
		f.must(err)
		if x.State != gongzhi.ActionDone || x.DoneBy == "" {
			t.Fatalf("done %+v", x)
		}
		m, err = a.Meeting(ctx, f.hub, m.ID)
		f.must(err)
		for _, x := range m.Actions {
			if x.State != gongzhi.ActionDone || x.Overdue {
				t.Fatalf("action %+v", x)
			}
		}

		// The month's report: an inspection with a finding, a talk naming people.
		_, err = a.EnsureInspections(ctx, f.hub, month)
		f.must(err)
		ins := supInspections(t, f, f.hub, map[string]string{"month": month, "contract": fmt.Sprint(cts[0].ID)})[0]
		rec := supRecord(true)
		rec.InspectedOn = gongzhi.DateOf(f.clock())
		_, err = a.RecordInspection(ctx, f.hub, ins.ID, rec)
		f.must(err)
		_, err = a.RecordTalk(ctx, f.hub, gongzhi.TalkInput{Date: gongzhi.DateOf(f.clock()), ContractID: cts[0].ID,
			Attendees: []gongzhi.Attendee{{Name: "王建国", Role: "机构负责人"}}, Reason: "签到表缺失", Conclusions: "限期整改"})
		f.must(err)
		_, err = a.GenerateSupervisionReport(ctx, f.providers[0], month)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		r, err := a.GenerateSupervisionReport(ctx, f.hub, month)
		f.must(err)
		fg := r.Figures
		if fg.Contracts != 2 || fg.InspectionsDone != 1 || fg.Findings != 1 || fg.Talks != 1 || fg.Meetings != 1 || fg.ActionsDone != 2 || r.State != gongzhi.ReportDraft {
			t.Fatalf("figures %+v", fg)
		}
		if found := gongzhi.FindPersonalData(r.Body, "王建国", "李梅"); len(found) != 0 {
			t.Fatalf("generated narrative holds %v:\n%s", found, r.Body)
		}
		id := gongzhi.IDNumberCheck("32011619800101123")
		for _, c := range []struct{ text, reason string }{
			{"走访对象身份证号32011619800101123" + string(id), "personal.id_number"},
			{"联系电话13912345678", "personal.phone"},
			{"约谈了王建国", "personal.name:王建国"},
			{"感谢李梅的组织", "personal.name:李梅"},
			{"项目负责人王芳表现突出", "personal.name:王芳"},
		} {
			_, err := a.EditSupervisionReport(ctx, f.hub, r.ID, r.Title, r.Body+"\n"+c.text)
			f.must(err)
			_, err = a.PublishSupervisionReport(ctx, f.hub, r.ID)
			purIs(t, err, gongzhi.ECONFLICT, "body", c.reason)
		}
		_, err = a.EditSupervisionReport(ctx, f.hub, r.ID, r.Title, r.Body+"\n本月整体情况良好。")
		f.must(err)
		_, err = a.PublishSupervisionReport(ctx, f.providers[0], r.ID)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		r, err = a.PublishSupervisionReport(ctx, f.purchaser, r.ID)
		f.must(err)
		if r.State != gongzhi.ReportPublished || r.PublishedBy == "" {
			t.Fatalf("published %+v", r)
		}
		_, err = a.PublishSupervisionReport(ctx, f.hub, r.ID)
		purIs(t, err, gongzhi.ECONFLICT, "state", "report.already_published")
		_, err = a.GenerateSupervisionReport(ctx, f.hub, month)
		purIs(t, err, gongzhi.ECONFLICT, "state", "report.published")
		_, err = a.EditSupervisionReport(ctx, f.hub, r.ID, "x", "y")
		purIs(t, err, gongzhi.ECONFLICT, "state", "report.published")
		var pub []*gongzhi.SupervisionReport
		_, err = a.PublicSupervisionReports(ctx, store.ListOptions{}, func(r *gongzhi.SupervisionReport) error { pub = append(pub, r); return nil })
		f.must(err)
		if len(pub) != 1 || pub[0].PlaceName != "葛塘街道" {
			t.Fatalf("public %+v", pub)
		}
		// A draft is not public.
		draft, err := a.GenerateSupervisionReport(ctx, f.hub, nextMonth(month))
		f.must(err)
		_, err = a.PublicSupervisionReport(ctx, draft.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
	})
}
