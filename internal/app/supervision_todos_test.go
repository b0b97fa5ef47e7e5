package app_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/jobs"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// Overdue orders and overdue joint-meeting actions reach the hub's to-do list, overdue actions
// the purchaser's, each linking to the filtered list.
func TestSupervisionOverdueTodos(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts := supContracts(t, db)
		ctx, a := f.ctx, f.a
		month := nextMonth(gongzhi.MonthOf(f.clock()))
		f.at(dayIn(month, 5))
		today := gongzhi.DateOf(f.clock())
		_, err := a.RecordMeeting(ctx, f.hub, gongzhi.MeetingInput{Date: today, Title: "联席会议", Venue: "街道会议室",
			Attendees: []gongzhi.Attendee{{Name: "李梅", Role: "街道社会事务办"}}, Minutes: "通报督导情况",
			Actions: []gongzhi.ActionInput{{Text: "组织培训", OwnerName: "李梅", Deadline: gongzhi.DateOf(f.clock().AddDate(0, 0, 3))}}})
		f.must(err)
		_, err = a.EnsureInspections(ctx, f.hub, month)
		f.must(err)
		ins := supInspections(t, f, f.hub, map[string]string{"month": month, "contract": fmt.Sprint(cts[0].ID)})[0]
		rec := supRecord(true)
		rec.InspectedOn = today
		_, err = a.RecordInspection(ctx, f.hub, ins.ID, rec)
		f.must(err)
		_, err = a.RaiseRectification(ctx, f.hub, ins.ID, gongzhi.RectificationOrder{CheckKey: gongzhi.DefaultChecklist[2],
			Requirement: "补交签到表", Deadline: gongzhi.DateOf(f.clock().AddDate(0, 0, 2))})
		f.must(err)
		has := func(ts []kernel.Todo, key string, n int, href string) bool {
			return slices.ContainsFunc(ts, func(x kernel.Todo) bool { return x.Key == key && x.Count == n && x.Href == href })
		}
		todos, _, err := a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if slices.ContainsFunc(todos, func(x kernel.Todo) bool { return x.Key == "todo.rect_overdue" || x.Key == "todo.actions_overdue" }) {
			t.Fatalf("overdue before any deadline: %+v", todos)
		}
		f.advance(5 * 24 * time.Hour)
		todos, _, err = a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if !has(todos, "todo.rect_overdue", 1, "/supervision?rect=overdue#rectifications") ||
			!has(todos, "todo.actions_overdue", 1, "/meetings?actions=overdue#actions") {
			t.Fatalf("hub's to-dos %+v", todos)
		}
		// the order reaches the purchaser once the scheduled job has escalated it
		if n, err := jobs.EscalateRectifications(ctx, a, f.clock()); err != nil || n != 1 {
			t.Fatalf("the job escalated %d: %v", n, err)
		}
		todos, _, err = a.DeliveryItems(ctx, f.purchaser)
		f.must(err)
		if !has(todos, "todo.actions_overdue", 1, "/meetings?actions=overdue#actions") || !hasTodo(todos, "todo.rect_escalated", 1) {
			t.Fatalf("purchaser's to-dos %+v", todos)
		}
	})
}
