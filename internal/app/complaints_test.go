// Tests of complaints and inquiries (complaints.go) on SQLite and, when GONGZHI_TEST_POSTGRES is
// set, PostgreSQL: submission with and without an account, routing, deadlines in working days,
// who may answer, tracking, rating, escalation with the injected clock, throttling, masking.

package app_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/complaints"
	"gongzhi/internal/jobs"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// cmpFix is the purchase fixture with two signed contracts: contracts[i] of providers[i], both
// covering 葛塘街道.
type cmpFix struct {
	*purFix
	contracts []*gongzhi.Contract
}

func cmpSetup(t testing.TB, db *store.DB) *cmpFix {
	t.Helper()
	f := purSetup(t, db, purOptions{orgs: 2, experts: 3, budget: gongzhi.Yuan(1_000_000)})
	c := f.call(gongzhi.Yuan(300_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
	apps := []*gongzhi.Application{f.apply(c, 0, gongzhi.Yuan(90_000)), f.apply(c, 1, gongzhi.Yuan(60_000))}
	f.closeAndReview(c, 3, 4)
	f.scoreAll(c, apps, func(app, m int) gongzhi.Points { return gongzhi.Points(9000 - app*300) })
	f.publish(c, 0)
	f.finalize(c)
	cf := &cmpFix{purFix: f}
	for i, ap := range apps {
		cf.contracts = append(cf.contracts, f.sign(ap.ID, f.providers[i]))
	}
	return cf
}

// anon is a member of the public at an address.
func anon(ip string) *gongzhi.Actor { return &gongzhi.Actor{IP: ip, Via: "web"} }

func (f *cmpFix) submit(ac *gongzhi.Actor, c *gongzhi.Complaint) *gongzhi.Complaint {
	f.t.Helper()
	f.must(f.a.SubmitComplaint(f.ctx, ac, c))
	return c
}

func cmpNew(kind string) *gongzhi.Complaint {
	return &gongzhi.Complaint{Kind: kind, CommunityCode: purZhongshan, Subject: "助餐服务送餐不及时",
		Description: "最近两周送餐经常晚一个多小时，饭菜都凉了。", ContactName: "李秀英", ContactPhone: "13812345678"}
}

func TestComplaintSubmit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := cmpSetup(t, db)
		ctx, a := f.ctx, f.a
		// Without an account the contact is required, and the phone must be a phone.
		c := cmpNew("complaint")
		c.ContactName, c.ContactPhone = "", ""
		err := a.SubmitComplaint(ctx, anon("10.0.0.1"), c)
		purIs(t, err, gongzhi.EINVALID, "contact_name", "required")
		purIs(t, err, gongzhi.EINVALID, "contact_phone", "required")
		c = cmpNew("complaint")
		c.ContactPhone = "138-call-me"
		purIs(t, a.SubmitComplaint(ctx, anon("10.0.0.1"), c), gongzhi.EINVALID, "contact_phone", "phone.format")
		c = cmpNew("gossip")
		c.Subject = ""
		err = a.SubmitComplaint(ctx, anon("10.0.0.1"), c)
		purIs(t, err, gongzhi.EINVALID, "kind", "choice")
		purIs(t, err, gongzhi.EINVALID, "subject", "required")
		c = cmpNew("complaint")
		c.CommunityCode = purStreet
		purIs(t, a.SubmitComplaint(ctx, anon("10.0.0.1"), c), gongzhi.EINVALID, "community_code", "place.not_community")
		c.CommunityCode = "320116004099"
		purIs(t, a.SubmitComplaint(ctx, anon("10.0.0.1"), c), gongzhi.EINVALID, "community_code", "place.missing")
		// A contract of another street, or an unknown one, is refused.
		c = cmpNew("complaint")
		c.CommunityCode, c.ContractID = purNeighbourC, f.contracts[0].ID
		purIs(t, a.SubmitComplaint(ctx, anon("10.0.0.1"), c), gongzhi.EINVALID, "contract_id", "complaint.contract_unknown")
		c.CommunityCode, c.ContractID = purZhongshan, 999999
		purIs(t, a.SubmitComplaint(ctx, anon("10.0.0.1"), c), gongzhi.EINVALID, "contract_id", "complaint.contract_unknown")

		// Routing: the contract's provider, the hub, or the office.
		toProvider := cmpNew("complaint")
		toProvider.ContractID = f.contracts[0].ID
		f.submit(anon("10.0.0.2"), toProvider)
		if toProvider.Route != gongzhi.RouteProvider || toProvider.OrgID != f.orgs[0] || toProvider.State != gongzhi.ComplaintOpen {
			t.Fatalf("routed %+v", toProvider)
		}
		if len(toProvider.Code) != gongzhi.ComplaintCodeLen || strings.Trim(toProvider.Code, gongzhi.ComplaintCodeAlphabet) != "" {
			t.Fatalf("tracking code %q", toProvider.Code)
		}
		toHub := cmpNew("inquiry")
		toHub.AboutHub = true
		if f.submit(anon("10.0.0.3"), toHub).Route != gongzhi.RouteHub {
			t.Fatalf("about the hub: %+v", toHub)
		}
		toOffice := cmpNew("suggestion")
		if f.submit(anon("10.0.0.4"), toOffice).Route != gongzhi.RouteOffice {
			t.Fatalf("otherwise: %+v", toOffice)
		}
		if toHub.Code == toOffice.Code {
			t.Fatal("two complaints share a code")
		}
		// A signed-in resident's contact is the account's; only the resident sees the code.
		f.resident.User.Phone = "13900001111"
		mine := cmpNew("inquiry")
		mine.ContactName, mine.ContactPhone = "", ""
		f.submit(f.resident, mine)
		got, err := a.Complaint(ctx, f.resident, mine.ID)
		f.must(err)
		if got.ContactName != f.resident.User.DisplayName || got.ContactPhone != "13900001111" || got.Code != mine.Code || got.UserID != f.resident.User.ID {
			t.Fatalf("resident's own %+v", got)
		}
		_, err = a.Complaint(ctx, f.resident, toOffice.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		var ids []int64
		_, err = a.Complaints(ctx, f.resident, store.ListOptions{}, func(c *gongzhi.Complaint) error { ids = append(ids, c.ID); return nil })
		f.must(err)
		if len(ids) != 1 || ids[0] != mine.ID {
			t.Fatalf("resident lists %v", ids)
		}

		// Scope: the office and the hub see the street's; a provider those routed to it; another
		// street's office nothing; the community its community's, masked.
		count := func(ac *gongzhi.Actor) int {
			n, err := a.Complaints(ctx, ac, store.ListOptions{}, func(*gongzhi.Complaint) error { return nil })
			f.must(err)
			return n
		}
		if n := count(f.purchaser); n != 4 {
			t.Fatalf("purchaser sees %d", n)
		}
		if n := count(f.hub); n != 4 {
			t.Fatalf("hub sees %d", n)
		}
		if count(f.providers[0]) != 1 || count(f.providers[1]) != 0 || count(f.other) != 0 || count(f.community) != 4 {
			t.Fatal("scopes")
		}
		_, err = a.Complaint(ctx, f.other, toOffice.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		gw := f.user(gongzhi.RoleGridWorker, purZhongshan, 0)
		_, err = a.Complaint(ctx, gw, toOffice.ID)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		_, err = a.Complaint(ctx, nil, toOffice.ID)
		purIs(t, err, gongzhi.EUNAUTHORIZED, "", "")

		// The contact is sealed in storage: neither the name nor the phone is in the row.
		var nameEnc, phoneEnc string
		f.must(db.Q().QueryRow(ctx, (`SELECT contact_name_enc, contact_phone_enc FROM complaints WHERE id = ?`),
			toOffice.ID).Scan(&nameEnc, &phoneEnc))
		if strings.Contains(nameEnc, "李秀英") || strings.Contains(phoneEnc, "13812345678") || phoneEnc == "" {
			t.Fatalf("contact stored in clear: %q %q", nameEnc, phoneEnc)
		}
	})
}

func TestComplaintMaskingAndReveal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := cmpSetup(t, db)
		ctx, a := f.ctx, f.a
		c := cmpNew("complaint")
		c.ContractID = f.contracts[0].ID
		f.submit(anon("10.0.1.1"), c)
		pv, err := a.Complaint(ctx, f.providers[0], c.ID)
		f.must(err)
		if pv.ContactPhone != "138****5678" || pv.ContactName != "李**" || !pv.PhoneMasked || pv.Code != "" {
			t.Fatalf("provider sees %q %q code %q", pv.ContactName, pv.ContactPhone, pv.Code)
		}
		hv, err := a.Complaint(ctx, f.hub, c.ID)
		f.must(err)
		if hv.ContactPhone != "138****5678" || hv.ContactName != "李秀英" || hv.Code != "" {
			t.Fatalf("hub sees %q %q code %q", hv.ContactName, hv.ContactPhone, hv.Code)
		}
		for _, ac := range []*gongzhi.Actor{f.auditor, f.community} {
			v, err := a.Complaint(ctx, ac, c.ID)
			f.must(err)
			if v.ContactPhone != "138****5678" || v.ContactName != "李**" {
				t.Fatalf("%s sees %q %q", ac.Role(), v.ContactName, v.ContactPhone)
			}
		}
		_, _, err = a.RevealComplaintContact(ctx, f.providers[0], c.ID)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		_, _, err = a.RevealComplaintContact(ctx, f.other, c.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		name, phone, err := a.RevealComplaintContact(ctx, f.hub, c.ID)
		f.must(err)
		if name != "李秀英" || phone != "13812345678" {
			t.Fatalf("revealed %q %q", name, phone)
		}
		hist, err := a.ComplaintHistory(ctx, f.purchaser, c.ID)
		f.must(err)
		if last := hist[len(hist)-1]; last.Action != "revealed" || last.Username != f.hub.User.Username {
			t.Fatalf("history ends %+v", last)
		}
		var audited int
		f.must(db.Q().QueryRow(ctx, (`SELECT COUNT(*) FROM audit_log WHERE action = 'view_sensitive' AND entity = 'complaints' AND entity_id = ?`),
			strconv.FormatInt(c.ID, 10)).Scan(&audited))
		if audited != 1 {
			t.Fatalf("%d reveals audited", audited)
		}
		// The audit log never holds the contact.
		var leaks int
		f.must(db.Q().QueryRow(ctx, (`SELECT COUNT(*) FROM audit_log WHERE entity = 'complaints' AND (after LIKE ? OR after LIKE ?)`),
			"%13812345678%", "%李秀英%").Scan(&leaks))
		if leaks != 0 {
			t.Fatal("the audit log holds the contact")
		}
	})
}

func TestComplaintDeadlines(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := cmpSetup(t, db)
		ctx, a := f.ctx, f.a
		// Wednesday 9 December 2026 is a holiday of the office calendar.
		f.must(a.SetHoliday(ctx, f.purchaser, &gongzhi.Holiday{Day: "2026-12-09", Name: "测试假日"}))
		// Monday 7 December 2026, 10:00 China Standard Time.
		f.at(time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC))
		cst := func(d string) time.Time {
			t, _ := time.ParseInLocation(time.DateOnly, d, gongzhi.ChinaTime)
			return t
		}
		// A complaint: Mon, Tue, (Wed off), Thu, Fri, Mon → due at midnight starting Tuesday 15th.
		c := f.submit(anon("10.0.2.1"), cmpNew("complaint"))
		if !c.DueAt.Equal(cst("2026-12-15")) {
			t.Fatalf("complaint due %v", c.DueAt.In(gongzhi.ChinaTime))
		}
		// Escalation to the office two working days later: Tue, Wed → midnight starting Thursday 17th.
		if !c.EscalateAt.Equal(cst("2026-12-17")) {
			t.Fatalf("escalates %v", c.EscalateAt.In(gongzhi.ChinaTime))
		}
		// An inquiry: Mon, Tue, Thu → due at midnight starting Friday 11th.
		q := f.submit(anon("10.0.2.2"), cmpNew("inquiry"))
		if !q.DueAt.Equal(cst("2026-12-11")) {
			t.Fatalf("inquiry due %v", q.DueAt.In(gongzhi.ChinaTime))
		}
	})
}

func TestComplaintAnswerAndRate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := cmpSetup(t, db)
		ctx, a := f.ctx, f.a
		c := cmpNew("complaint")
		c.ContractID = f.contracts[0].ID
		f.submit(anon("10.0.3.1"), c)
		code := c.Code
		// Rating before an answer is refused; tracking needs the right suffix.
		purIs(t, a.RateComplaintByCode(ctx, anon("10.0.3.1"), code, "5678", 5, ""), gongzhi.ECONFLICT, "state", "complaint.not_answered")
		_, err := a.TrackComplaint(ctx, anon("10.0.3.1"), code, "1234")
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		if e := gongzhi.AsError(err); len(e.Fields) != 0 || e.Message != "complaint.track_not_found" {
			t.Fatalf("the refusal says more than not found: %+v", e)
		}
		_, err = a.TrackComplaint(ctx, anon("10.0.3.1"), "ZZZZZZZZZZ", "5678")
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		purIs(t, a.RateComplaintByCode(ctx, anon("10.0.3.1"), code, "0000", 5, ""), gongzhi.ENOTFOUND, "", "")
		_, err = a.TrackComplaint(ctx, anon("10.0.3.1"), "", "")
		purIs(t, err, gongzhi.EINVALID, "code", "required")
		tr, err := a.TrackComplaint(ctx, anon("10.0.3.1"), strings.ToLower(code[:5])+"-"+code[5:], "5678")
		f.must(err)
		if tr.ID != c.ID || tr.State != gongzhi.ComplaintOpen || tr.ContactPhone != "138****5678" || tr.OrgName == "" {
			t.Fatalf("tracked %+v", tr)
		}

		// Who may answer: another provider does not even see it; the hub and the office wait
		// for escalation; community staff never answer.
		purIs(t, a.AnswerComplaint(ctx, f.providers[1], c.ID, "已处理"), gongzhi.ENOTFOUND, "", "")
		purIs(t, a.AnswerComplaint(ctx, f.hub, c.ID, "已处理"), gongzhi.ECONFLICT, "route", "complaint.not_yours")
		purIs(t, a.AnswerComplaint(ctx, f.purchaser, c.ID, "已处理"), gongzhi.ECONFLICT, "route", "complaint.not_yours")
		purIs(t, a.AnswerComplaint(ctx, f.community, c.ID, "已处理"), gongzhi.EFORBIDDEN, "", "")
		purIs(t, a.AnswerComplaint(ctx, f.providers[0], c.ID, " "), gongzhi.EINVALID, "answer", "required")
		f.must(a.AnswerComplaint(ctx, f.providers[0], c.ID, "已与送餐员沟通，调整了配送路线，今后11:30前送达。"))
		purIs(t, a.AnswerComplaint(ctx, f.providers[0], c.ID, "再答一次"), gongzhi.ECONFLICT, "state", "complaint.not_waiting")

		// Rating: 1–5, once.
		purIs(t, a.RateComplaintByCode(ctx, anon("10.0.3.1"), code, "5678", 6, ""), gongzhi.EINVALID, "rating", "complaint.rating_range")
		f.must(a.RateComplaintByCode(ctx, anon("10.0.3.1"), code, "5678", 4, "改进很快"))
		purIs(t, a.RateComplaintByCode(ctx, anon("10.0.3.1"), code, "5678", 5, ""), gongzhi.ECONFLICT, "rating", "complaint.already_rated")
		got, err := a.Complaint(ctx, f.purchaser, c.ID)
		f.must(err)
		if got.State != gongzhi.ComplaintClosed || got.Rating != 4 || len(got.Answers) != 1 || got.Answers[0].Role != gongzhi.RoleProvider || got.AnsweredAt.IsZero() {
			t.Fatalf("after rating %+v", got)
		}

		// A low rating reopens it for the office's second, final answer.
		low := cmpNew("complaint")
		low.ContractID = f.contracts[0].ID
		low.ContactPhone = "13700007777"
		f.submit(anon("10.0.3.2"), low)
		f.must(a.AnswerComplaint(ctx, f.providers[0], low.ID, "已处理。"))
		f.resident.User.Phone = "13900001111"
		purIs(t, a.RateComplaint(ctx, f.resident, low.ID, 1, ""), gongzhi.ENOTFOUND, "", "")
		f.must(a.RateComplaintByCode(ctx, anon("10.0.3.2"), low.Code, "7777", 1, "根本没解决"))
		got, err = a.Complaint(ctx, f.purchaser, low.ID)
		f.must(err)
		if got.State != gongzhi.ComplaintReopened || got.Route != gongzhi.RouteOffice || !got.DueAt.After(f.clock()) {
			t.Fatalf("after a low rating %+v", got)
		}
		// The provider still reads it but the second answer is the office's.
		if pv, err := a.Complaint(ctx, f.providers[0], low.ID); err != nil || pv.State != gongzhi.ComplaintReopened {
			t.Fatalf("the provider after a low rating: %+v %v", pv, err)
		}
		purIs(t, a.AnswerComplaint(ctx, f.providers[0], low.ID, "再答"), gongzhi.ECONFLICT, "route", "complaint.not_yours")
		purIs(t, a.AnswerComplaint(ctx, f.hub, low.ID, "复核"), gongzhi.ECONFLICT, "route", "complaint.not_yours")
		purIs(t, a.RouteComplaint(ctx, f.hub, low.ID, complaints.RouteTarget{Route: "hub", Reason: "转枢纽"}), gongzhi.ECONFLICT, "state", "complaint.not_open")
		f.must(a.AnswerComplaint(ctx, f.purchaser, low.ID, "街道已约谈承接方并现场核实，已整改。"))
		got, err = a.Complaint(ctx, f.purchaser, low.ID)
		f.must(err)
		if got.State != gongzhi.ComplaintClosed || len(got.Answers) != 2 || got.Answers[1].Round != 2 || got.Rating != 1 {
			t.Fatalf("after the second answer %+v", got)
		}
		purIs(t, a.RateComplaintByCode(ctx, anon("10.0.3.2"), low.Code, "7777", 5, ""), gongzhi.ECONFLICT, "rating", "complaint.already_rated")
		hist, err := a.ComplaintHistory(ctx, f.hub, low.ID)
		f.must(err)
		var actions []string
		for _, h := range hist {
			actions = append(actions, h.Action)
		}
		if strings.Join(actions, ",") != "submitted,answered,rated,reopened,answered" {
			t.Fatalf("history %v", actions)
		}
		_, err = a.ComplaintHistory(ctx, f.resident, low.ID)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")

		// A signed-in resident rates their own.
		mine := cmpNew("inquiry")
		mine.AboutHub = true
		f.submit(f.resident, mine)
		f.must(a.AnswerComplaint(ctx, f.hub, mine.ID, "活动每周三下午在中山社区活动中心举行。"))
		f.must(a.RateComplaint(ctx, f.resident, mine.ID, 5, ""))
		purIs(t, a.RateComplaint(ctx, f.resident, mine.ID, 5, ""), gongzhi.ECONFLICT, "rating", "complaint.already_rated")

		// The public aggregate: three this month, all answered on time, average rating (4+1+5)/3.
		stats, err := a.ComplaintStats(ctx, purStreet, 12)
		f.must(err)
		if len(stats) != 1 || stats[0].Total != 3 || stats[0].ByKind["complaint"] != 2 || stats[0].Answered != 3 || stats[0].OnTime != 3 ||
			stats[0].Rated != 3 || stats[0].AverageRating < 3.33 || stats[0].AverageRating > 3.34 {
			t.Fatalf("stats %+v", stats)
		}
	})
}

func TestComplaintRoute(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := cmpSetup(t, db)
		ctx, a := f.ctx, f.a
		c := f.submit(anon("10.0.4.1"), cmpNew("complaint"))
		purIs(t, a.RouteComplaint(ctx, f.providers[0], c.ID, complaints.RouteTarget{Route: "hub", Reason: "x"}), gongzhi.EFORBIDDEN, "", "")
		purIs(t, a.RouteComplaint(ctx, f.hub, c.ID, complaints.RouteTarget{Route: "provider", ContractID: f.contracts[1].ID}), gongzhi.EINVALID, "reason", "required")
		purIs(t, a.RouteComplaint(ctx, f.hub, c.ID, complaints.RouteTarget{Route: "nowhere", Reason: "x"}), gongzhi.EINVALID, "route", "choice")
		purIs(t, a.RouteComplaint(ctx, f.hub, c.ID, complaints.RouteTarget{Route: "provider", Reason: "x"}), gongzhi.EINVALID, "contract_id", "required")
		purIs(t, a.RouteComplaint(ctx, f.hub, c.ID, complaints.RouteTarget{Route: "office", Reason: "x"}), gongzhi.ECONFLICT, "route", "complaint.same_route")
		purIs(t, a.RouteComplaint(ctx, f.other, c.ID, complaints.RouteTarget{Route: "hub", Reason: "x"}), gongzhi.ENOTFOUND, "", "")
		f.must(a.RouteComplaint(ctx, f.hub, c.ID, complaints.RouteTarget{Route: "provider", ContractID: f.contracts[1].ID, Reason: "涉及第二家机构的助餐点"}))
		got, err := a.Complaint(ctx, f.providers[1], c.ID)
		f.must(err)
		if got.Route != gongzhi.RouteProvider || got.OrgID != f.orgs[1] || got.ContractID != f.contracts[1].ID || !got.DueAt.Equal(c.DueAt) {
			t.Fatalf("re-routed %+v", got)
		}
		hist, err := a.ComplaintHistory(ctx, f.providers[1], c.ID)
		f.must(err)
		if last := hist[len(hist)-1]; last.Action != "routed" || last.Note.Code != "rerouted_org" ||
			!slices.Equal(last.Note.Args, []string{"office", "provider", got.OrgName, "涉及第二家机构的助餐点"}) {
			t.Fatalf("history ends %+v", last)
		}
		f.must(a.AnswerComplaint(ctx, f.providers[1], c.ID, "已核实处理。"))
		purIs(t, a.RouteComplaint(ctx, f.purchaser, c.ID, complaints.RouteTarget{Route: "office", Reason: "x"}), gongzhi.ECONFLICT, "state", "complaint.not_open")
		// Re-routed away from a provider, it is no longer the provider's to see.
		c2 := cmpNew("complaint")
		c2.ContractID = f.contracts[0].ID
		f.submit(anon("10.0.4.2"), c2)
		f.must(a.RouteComplaint(ctx, f.purchaser, c2.ID, complaints.RouteTarget{Route: "hub", Reason: "实为枢纽组织活动"}))
		_, err = a.Complaint(ctx, f.providers[0], c2.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		f.must(a.AnswerComplaint(ctx, f.hub, c2.ID, "已答复。"))
	})
}

func TestComplaintEscalation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := cmpSetup(t, db)
		ctx, a := f.ctx, f.a
		f.at(time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)) // Monday 10:00
		c := cmpNew("complaint")
		c.ContractID = f.contracts[0].ID
		f.submit(anon("10.0.5.1"), c)
		answered := f.submit(anon("10.0.5.2"), cmpNew("inquiry"))
		f.must(a.AnswerComplaint(ctx, f.purchaser, answered.ID, "已答复。"))
		// Not yet due: nothing happens.
		if n, err := a.EscalateOverdueComplaints(ctx, c.DueAt.Add(-time.Second)); err != nil || n != 0 {
			t.Fatalf("escalated %d before the deadline: %v", n, err)
		}
		// Past the deadline, eight concurrent callers raise it once, to the hub.
		f.at(c.DueAt.Add(time.Hour))
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := a.EscalateOverdueComplaints(ctx, f.clock())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total != 1 {
			t.Fatalf("raised %d times", total)
		}
		got, err := a.Complaint(ctx, f.hub, c.ID)
		f.must(err)
		if got.Escalation != 1 || !got.Overdue || got.EscalatedAt.IsZero() {
			t.Fatalf("escalated %+v", got)
		}
		todos, attention, err := a.DeliveryItems(ctx, f.hub)
		f.must(err)
		if !cmpHas(todos, "todo.complaints_escalated", 1) || !cmpHas(attention, "attention.complaints_overdue", 1) {
			t.Fatalf("hub's to-dos %+v attention %+v", todos, attention)
		}
		todos, _, err = a.DeliveryItems(ctx, f.providers[0])
		f.must(err)
		if !cmpHas(todos, "todo.complaints_overdue", 1) || !cmpHas(todos, "todo.complaints_to_answer", 1) {
			t.Fatalf("provider's to-dos %+v", todos)
		}
		// Two working days later the scheduled job gives it to the office; reading lists and pages
		// before the job runs escalates nothing.
		f.at(c.EscalateAt.Add(time.Minute))
		todos, _, err = a.DeliveryItems(ctx, f.purchaser)
		f.must(err)
		if cmpHas(todos, "todo.complaints_escalated", 1) {
			t.Fatalf("a read escalated: purchaser's to-dos %+v", todos)
		}
		if n, err := jobs.EscalateComplaints(ctx, a, f.clock()); err != nil || n != 1 {
			t.Fatalf("the job raised %d: %v", n, err)
		}
		todos, attention, err = a.DeliveryItems(ctx, f.purchaser)
		f.must(err)
		if !cmpHas(todos, "todo.complaints_escalated", 1) || !cmpHas(attention, "attention.complaints_escalated", 1) {
			t.Fatalf("purchaser's to-dos %+v attention %+v", todos, attention)
		}
		if n, err := a.EscalateOverdueComplaints(ctx, f.clock()); err != nil || n != 0 {
			t.Fatalf("escalated again: %d %v", n, err)
		}
		hist, err := a.ComplaintHistory(ctx, f.purchaser, c.ID)
		f.must(err)
		var levels []string
		for _, h := range hist {
			if h.Action == "escalated" {
				levels = append(levels, h.Note.String())
			}
		}
		if strings.Join(levels, ",") != `escalation ["1"],escalation ["2"]` {
			t.Fatalf("escalations %v", levels)
		}
		// Escalated, the hub and the office may answer in the provider's place.
		f.must(a.AnswerComplaint(ctx, f.hub, c.ID, "枢纽督办：已责成承接方整改。"))
		got, err = a.Complaint(ctx, f.purchaser, c.ID)
		f.must(err)
		if got.State != gongzhi.ComplaintAnswered || got.Overdue {
			t.Fatalf("answered %+v", got)
		}
		stats, err := a.ComplaintStats(ctx, "", 12)
		f.must(err)
		if len(stats) != 1 || stats[0].Answered != 2 || stats[0].OnTime != 1 || stats[0].OnTimeRate != 0.5 {
			t.Fatalf("stats %+v", stats)
		}
	})
}

func cmpHas(items []kernel.Todo, key string, n int) bool {
	for _, t := range items {
		if t.Key == key && t.Count == n {
			return true
		}
	}
	return false
}

func TestComplaintThrottle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := cmpSetup(t, db)
		ctx, a := f.ctx, f.a
		for range complaints.ComplaintIPLimit {
			f.submit(anon("10.0.6.1"), cmpNew("inquiry"))
		}
		other := cmpNew("inquiry")
		other.ContactPhone = "13600006666"
		purIs(t, a.SubmitComplaint(ctx, anon("10.0.6.1"), other), gongzhi.ETOOMANY, "", "")
		purIs(t, a.SubmitComplaint(ctx, anon("10.0.6.2"), cmpNew("inquiry")), gongzhi.ETOOMANY, "", "")
		f.submit(anon("10.0.6.2"), other)
		// An hour later the address may send again; the phone waits a day.
		f.advance(time.Hour + time.Minute)
		other2 := cmpNew("inquiry")
		other2.ContactPhone = "13600006667"
		f.submit(anon("10.0.6.1"), other2)
		purIs(t, a.SubmitComplaint(ctx, anon("10.0.6.3"), cmpNew("inquiry")), gongzhi.ETOOMANY, "", "")
		// Concurrent submissions from one new address: exactly the limit pass.
		var wg sync.WaitGroup
		var mu sync.Mutex
		passed, throttled := 0, 0
		for i := range 2 * complaints.ComplaintIPLimit {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := cmpNew("suggestion")
				c.ContactPhone = fmt.Sprintf("1350000%04d", i)
				err := a.SubmitComplaint(ctx, anon("10.0.6.7"), c)
				mu.Lock()
				defer mu.Unlock()
				switch gongzhi.ErrorCode(err) {
				case "":
					passed++
				case gongzhi.ETOOMANY:
					throttled++
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if passed != complaints.ComplaintIPLimit || throttled != complaints.ComplaintIPLimit {
			t.Fatalf("%d passed, %d throttled", passed, throttled)
		}
		// Guessing tracking codes is throttled too.
		for range complaints.ComplaintTrackLimit {
			_, err := a.TrackComplaint(ctx, anon("10.0.6.9"), "ABCDEFGHJK", "0000")
			purIs(t, err, gongzhi.ENOTFOUND, "", "")
		}
		_, err := a.TrackComplaint(ctx, anon("10.0.6.9"), other.Code, "6666")
		purIs(t, err, gongzhi.ETOOMANY, "", "")
		if _, err := a.TrackComplaint(ctx, anon("10.0.6.8"), other.Code, "6666"); err != nil {
			t.Fatal(err)
		}
	})
}
