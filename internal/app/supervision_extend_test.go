package app_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/jobs"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// The street office sets a new deadline on an order escalated to it: the order stays open, the
// escalation stays in the history, the provider sees the new deadline.
func TestSupervisionExtendRectification(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts := supContracts(t, db)
		ctx, a := f.ctx, f.a
		month := nextMonth(gongzhi.MonthOf(f.clock()))
		f.at(dayIn(month, 12))
		_, err := a.EnsureInspections(ctx, f.hub, month)
		f.must(err)
		ins := supInspections(t, f, f.hub, map[string]string{"month": month, "contract": fmt.Sprint(cts[0].ID)})[0]
		rec := supRecord(true)
		rec.InspectedOn = gongzhi.DateOf(f.clock())
		_, err = a.RecordInspection(ctx, f.hub, ins.ID, rec)
		f.must(err)
		x, err := a.RaiseRectification(ctx, f.hub, ins.ID, gongzhi.RectificationOrder{CheckKey: gongzhi.DefaultChecklist[2],
			Requirement: "三日内补交签到表", Deadline: gongzhi.DateOf(f.clock())})
		f.must(err)
		f.advance(48 * time.Hour)
		_, err = jobs.EscalateRectifications(ctx, a, f.clock())
		f.must(err)
		newDeadline := gongzhi.DateOf(f.clock().AddDate(0, 0, 10))

		// refusals
		for _, ac := range []*gongzhi.Actor{f.hub, f.providers[0], f.auditor} {
			_, err = a.ExtendRectification(ctx, ac, x.ID, newDeadline, "街道同意延期")
			purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		}
		_, err = a.ExtendRectification(ctx, f.other, x.ID, newDeadline, "街道同意延期")
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, err = a.ExtendRectification(ctx, f.purchaser, x.ID, gongzhi.DateOf(f.clock().AddDate(0, 0, -1)), "街道同意延期")
		purIs(t, err, gongzhi.ECONFLICT, "deadline", "rect.deadline_past")
		_, err = a.ExtendRectification(ctx, f.purchaser, x.ID, "2026-13-40", "街道同意延期")
		purIs(t, err, gongzhi.EINVALID, "deadline", "date.format")
		_, err = a.ExtendRectification(ctx, f.purchaser, x.ID, newDeadline, " ")
		purIs(t, err, gongzhi.EINVALID, "reason", "required")

		y, err := a.ExtendRectification(ctx, f.purchaser, x.ID, newDeadline, "机构人员变动，街道同意延期")
		f.must(err)
		if y.State != gongzhi.RectOpen || y.Deadline != newDeadline || y.Overdue || y.Escalated {
			t.Fatalf("extended order %+v", y)
		}
		p, err := a.Rectification(ctx, f.providers[0], x.ID)
		f.must(err)
		if p.Deadline != newDeadline {
			t.Fatalf("provider sees deadline %s", p.Deadline)
		}
		hist, err := a.RectificationHistory(ctx, f.purchaser, x.ID)
		f.must(err)
		var states []string
		for _, h := range hist {
			states = append(states, h.To)
		}
		if fmt.Sprint(states) != "[open escalated extended]" || hist[2].Note.Code != "rect_extended" ||
			!slices.Equal(hist[2].Note.Args, []string{newDeadline, "机构人员变动，街道同意延期"}) {
			t.Fatalf("history %+v", hist)
		}
		todos, _, err := a.DeliveryItems(ctx, f.purchaser)
		f.must(err)
		if hasTodo(todos, "todo.rect_escalated", 1) {
			t.Fatalf("still escalated after the new deadline: %+v", todos)
		}

		// a closed order cannot get a new deadline
		_, err = a.AnswerRectification(ctx, f.providers[0], x.ID, "已补交签到表", nil)
		f.must(err)
		_, err = a.VerifyRectification(ctx, f.hub, x.ID, "")
		f.must(err)
		_, err = a.ExtendRectification(ctx, f.purchaser, x.ID, newDeadline, "再延期")
		purIs(t, err, gongzhi.ECONFLICT, "state", "rect.closed")
	})
}
