// A published monthly supervision report names none of the month's ledger participants nor the
// contacts of the month's complaints (the names the ledger and the complaints keep).

package app_test

import (
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func TestSupervisionReportOtherPartsNames(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := ledSetup(t, db)
		ctx, a := f.ctx, f.a
		// 居民01 takes part in an entry early in the contract's period
		e := f.entry(f.ct, gongzhi.ActivityCasework, 1, f.zs[0:1], 0)
		f.must(a.RecordEntry(ctx, f.providers[0], e))
		month := e.HeldOn[:7]
		r, err := a.GenerateSupervisionReport(ctx, f.hub, month)
		f.must(err)
		if found := gongzhi.FindPersonalData(reportBody(r), "居民01"); len(found) != 0 {
			t.Fatalf("generated report holds %v", found)
		}
		_, err = a.EditSupervisionReport(ctx, f.hub, r.ID, r.Title, r.Body+"\n居民01对个案服务很满意。")
		f.must(err)
		_, err = a.PublishSupervisionReport(ctx, f.hub, r.ID)
		purIs(t, err, gongzhi.ECONFLICT, "body", "personal.name:居民01")
		// without the name it publishes
		_, err = a.EditSupervisionReport(ctx, f.hub, r.ID, r.Title, r.Body+"\n服务对象对个案服务很满意。")
		f.must(err)
		_, err = a.PublishSupervisionReport(ctx, f.hub, r.ID)
		f.must(err)

		// a complaint this month: its contact's name is refused in this month's report
		c := &gongzhi.Complaint{Kind: gongzhi.ComplaintKindComplaint, CommunityCode: purZhongshan, Subject: "助餐服务送餐不及时",
			Description: "最近两周送餐经常晚一个多小时，饭菜都凉了。", ContactName: "李秀英", ContactPhone: "13812345678"}
		f.must(a.SubmitComplaint(ctx, &gongzhi.Actor{IP: "10.0.0.9", Via: "web"}, c))
		now := gongzhi.DateOf(f.clock())[:7]
		r, err = a.GenerateSupervisionReport(ctx, f.hub, now)
		f.must(err)
		_, err = a.EditSupervisionReport(ctx, f.hub, r.ID, r.Title, r.Body+"\n李秀英反映送餐不及时。")
		f.must(err)
		_, err = a.PublishSupervisionReport(ctx, f.hub, r.ID)
		purIs(t, err, gongzhi.ECONFLICT, "body", "personal.name:李秀英")
	})
}

func reportBody(r *gongzhi.SupervisionReport) string { return r.Title + "\n" + r.Body }
