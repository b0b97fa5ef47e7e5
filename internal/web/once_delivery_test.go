// Fifty identical requests released together to each state-changing API action of delivery —
// inspections, rectification orders, supervision reports, meeting actions, complaints and
// evaluations — decide once: one success, 49 conflicts, one line of history and one audit entry,
// on SQLite and on PostgreSQL. Records are taken from the demo street or driven to the stage
// through the API.

package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/complaints"
	"gongzhi/internal/evaluation"
	"gongzhi/internal/jobs"
	"gongzhi/internal/ledger"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/supervision"
)

// delivOnce is the demo street at the present time, frozen, with the API's address.
type delivOnce struct {
	*offFix
	base string // the API's address
}

func newDelivOnce(t *testing.T, db *store.DB) *delivOnce {
	f := newOffFix(t, db)
	f.at(time.Now())
	return &delivOnce{offFix: f, base: f.e.srv.URL + "/api/v1"}
}

// once fails unless the burst got one answer ok and 49 conflicts.
func (f *delivOnce) once(what string, got map[int]int, ok int) {
	f.t.Helper()
	if got[ok] != 1 || got[409] != 49 {
		f.t.Fatalf("50 identical %s answered %v, want one %d and 49 409", what, got, ok)
	}
}

// history counts the lines of a record's state history by their new state.
func (f *delivOnce) history(entity string, id int64) map[string]int {
	f.t.Helper()
	hs, err := f.e.app.DB.Q().ListStateChanges(f.ctx, store.HistoryFilter{Entity: entity, EntityID: id})
	f.must(err)
	out := map[string]int{}
	for _, h := range hs {
		out[h.To]++
	}
	return out
}

// audit counts the audit entries of a record by action and note.
func (f *delivOnce) audit(entity string, id int64) map[string]int {
	f.t.Helper()
	out := map[string]int{}
	_, err := f.e.app.DB.Q().ListAudit(context.Background(), store.ListOptions{Filters: map[string]string{"entity": entity,
		"entity_id": strconv.FormatInt(id, 10)}}, func(e *gongzhi.AuditEntry) error {
		out[e.Action+" "+e.Note]++
		return nil
	})
	f.must(err)
	return out
}

// same fails unless got counts exactly what want does.
func (f *delivOnce) same(what string, got, want map[string]int) {
	f.t.Helper()
	if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) {
		f.t.Fatalf("%s: %v, want %v", what, got, want)
	}
}

// inDays is the date n days after date.
func inDays(date string, n int) string {
	d, _ := gongzhi.ParseDate(date)
	return gongzhi.DateOf(d.AddDate(0, 0, n))
}

func sorted(m map[string]int) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(out)
	return out
}

// oncePanel is a round's panel of named members without accounts, as the default scheme wants it.
var oncePanel = []map[string]string{
	{"kind": gongzhi.MemberExpert, "name": "专家甲", "affiliation": "南京大学"},
	{"kind": gongzhi.MemberResident, "name": "居民代表乙", "affiliation": "中山社区"},
	{"kind": gongzhi.MemberEvaluator, "name": "评估师丙", "affiliation": "南京众益评估中心"},
}

// first is the first item list gives in the demo street; the test fails without one.
func first[T any](t *testing.T, what string, list func(each func(T) error) (int, error)) T {
	t.Helper()
	var out T
	found := false
	if _, err := list(func(x T) error {
		if !found {
			out, found = x, true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("no %s in the demo street", what)
	}
	return out
}

func TestSupervisionDecidedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDelivOnce(t, db)
		a, ctx := f.e.app, f.ctx
		_, err := jobs.CreateInspections(ctx, a, a.Now())
		f.must(err)
		month, today := gongzhi.MonthOf(a.NowUTC()), a.Today()
		in := first(t, "inspection due this month", func(each func(*gongzhi.Inspection) error) (int, error) {
			return a.Inspections(ctx, f.hub, store.ListOptions{Filters: map[string]string{"month": month, "state": gongzhi.InspectionDue}}, each)
		})
		prov := f.account("once-provider", gongzhi.RoleProvider, "", in.OrgID)
		hub, pur, ptok := f.e.token("gt-hub"), f.e.token("gt-purchaser"), f.e.token(prov.User.Username)

		// the record: one moves the inspection to done, the same record again changes nothing
		var checks []gongzhi.CheckItem
		for _, k := range gongzhi.DefaultChecklist {
			c := gongzhi.CheckItem{Key: k, Result: gongzhi.CheckOK}
			if k == "evidence_complete" {
				c = gongzhi.CheckItem{Key: k, Result: gongzhi.CheckFinding, Severity: gongzhi.SeverityMajor, Note: "签到表缺页"}
			}
			checks = append(checks, c)
		}
		rec := jsonOf(gongzhi.InspectionRecord{InspectedOn: today, ProgressPct: 40, Progress: "按计划推进", Checklist: checks})
		f.once("records", burstMethod(t, "PUT", hub, fmt.Sprintf("%s/inspections/%d", f.base, in.ID), rec), 200)
		offRefused(t, f.e.call(hub, "PUT", fmt.Sprintf("/api/v1/inspections/%d", in.ID), json.RawMessage(rec)), 409, "conflict", "state", "无需重复提交")
		// the same record sent again from the page is refused there, saying why
		page := fmt.Sprintf("/supervision/inspections/%d", in.ID)
		st, body := supPost(t, f.browser("gt-hub", false), page, page, url.Values{"inspected_on": {today}, "progress_pct": {"40"},
			"progress": {"按计划推进"}, "result.evidence_complete": {"finding"}, "severity.evidence_complete": {"major"},
			"note.evidence_complete": {"签到表缺页"}})
		if st != http.StatusConflict || !strings.Contains(body, "督导记录与已保存的相同，无需重复提交") {
			t.Fatalf("the same record on the page: %d %s", st, tagRe.ReplaceAllString(body, " "))
		}
		f.same("the inspection's history", f.history("inspection", in.ID), map[string]int{gongzhi.InspectionDone: 1})
		f.same("the inspection's audit", f.audit(supervision.ResInspections, in.ID), map[string]int{"update ": 1})

		// one order per finding
		order := jsonOf(map[string]any{"check_key": "evidence_complete", "requirement": "补齐签到表", "deadline": inDays(today, 10)})
		f.once("raises", burst(t, hub, fmt.Sprintf("%s/inspections/%d/rectifications", f.base, in.ID), order), 201)
		var rects []int64
		_, err = a.Rectifications(ctx, f.hub, store.ListOptions{Filters: map[string]string{"inspection": strconv.FormatInt(in.ID, 10)}},
			func(x *gongzhi.Rectification) error { rects = append(rects, x.ID); return nil })
		f.must(err)
		if len(rects) != 1 {
			t.Fatalf("%d orders raised from one finding", len(rects))
		}
		offRefused(t, f.e.call(hub, "POST", fmt.Sprintf("/api/v1/inspections/%d/rectifications", in.ID), json.RawMessage(order)), 409,
			"conflict", "check_key", "已有未销号的整改通知")
		x := fmt.Sprintf("%s/rectifications/%d", f.base, rects[0])
		f.once("answers", burst(t, ptok, x+"/answer", `{"answer":"已补齐签到表"}`), 200)
		f.once("reopens", burst(t, hub, x+"/reopen", `{"reason":"签到表无日期"}`), 200)
		f.api(ptok, "POST", "/api/v1/rectifications/"+strconv.FormatInt(rects[0], 10)+"/answer", map[string]any{"answer": "已补注日期"}, 200)
		f.once("verifications", burst(t, hub, x+"/verify", `{"note":"现场核查属实"}`), 200)
		f.same("the order's history", f.history("rectification", rects[0]),
			map[string]int{gongzhi.RectOpen: 2, gongzhi.RectAnswered: 2, gongzhi.RectClosed: 1})
		f.same("the order's audit", f.audit(supervision.ResRectifications, rects[0]),
			map[string]int{"create ": 1, "update ": 2, "update 签到表无日期": 1, "update 现场核查属实": 1})

		// once closed, the finding may have a new order; the street office extends it once
		r := f.api(hub, "POST", fmt.Sprintf("/api/v1/inspections/%d/rectifications", in.ID), map[string]any{"check_key": "evidence_complete",
			"requirement": "建立签到表月度归档", "deadline": inDays(today, 5)}, 201)
		y := int64(r.Body["id"].(float64))
		f.once("extensions", burst(t, pur, fmt.Sprintf("%s/rectifications/%d/extend", f.base, y),
			jsonOf(map[string]string{"deadline": inDays(today, 20), "reason": "涉及多个社区，需协调"})), 200)
		f.same("the second order's history", f.history("rectification", y), map[string]int{gongzhi.RectOpen: 1, "extended": 1})
		offRefused(t, f.e.call(pur, "POST", fmt.Sprintf("/api/v1/rectifications/%d/extend", y), map[string]string{"deadline": inDays(today, 20),
			"reason": "涉及多个社区，需协调"}), 409, "conflict", "deadline", "与原期限相同")

		// the month's report: generated by all, added once; published once, then never regenerated
		gen := burst(t, hub, f.base+"/supervision-reports", jsonOf(map[string]string{"month": month}))
		if gen[200] != 50 {
			t.Fatalf("50 generations of the month's report answered %v, want 50 200", gen)
		}
		rep, err := a.SupervisionReportFor(ctx, f.hub, month)
		f.must(err)
		if h := f.history("supervision_report", rep.ID); h[gongzhi.ReportDraft] != 1 {
			t.Fatalf("the report's history %v, want it added once", h)
		}
		if n := f.audit(supervision.ResSupReports, rep.ID); n["create "] != 1 || n["update regenerated"] != 49 {
			t.Fatalf("the report's audit %v, want one create and 49 regenerations", n)
		}
		f.once("publications", burst(t, hub, fmt.Sprintf("%s/supervision-reports/%d/publish", f.base, rep.ID), ""), 200)
		f.same("the report's history", f.history("supervision_report", rep.ID), map[string]int{gongzhi.ReportDraft: 1, gongzhi.ReportPublished: 1})
		offRefused(t, f.e.call(hub, "POST", "/api/v1/supervision-reports", map[string]string{"month": month}), 409, "conflict", "state", "")
		if rep, err = a.SupervisionReportFor(ctx, f.hub, month); err != nil || rep.State != gongzhi.ReportPublished {
			t.Fatalf("the report after a refused regeneration: %v %v", rep, err)
		}

		// a meeting's action item is done once
		act := first(t, "open action item", func(each func(*gongzhi.MeetingAction) error) (int, error) {
			return a.MeetingActions(ctx, f.hub, store.ListOptions{Filters: map[string]string{"state": gongzhi.ActionOpen}}, each)
		})
		f.once("completions", burst(t, hub, fmt.Sprintf("%s/meetings/%d/actions/%d/done", f.base, act.MeetingID, act.ID), `{"note":"已办结"}`), 200)
		f.same("the action's history", f.history("meeting_action", act.ID), map[string]int{gongzhi.ActionOpen: 1, gongzhi.ActionDone: 1})
		f.same("the action's audit", f.audit(supervision.ResMeetingActions, act.ID), map[string]int{"update 已办结": 1})
	})
}

func TestComplaintsDecidedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDelivOnce(t, db)
		a, ctx := f.e.app, f.ctx
		res, hub, pur := f.e.token("zs-resident"), f.e.token("gt-hub"), f.e.token("gt-purchaser")
		r := f.api(res, "POST", "/api/v1/complaints", map[string]any{"kind": "complaint", "community_code": f.e.user("zs-resident").PlaceCode,
			"subject": "活动室晚上不开放", "description": "工作日晚上活动室总是锁着。"}, 201)
		id := int64(r.Body["id"].(float64))
		c := fmt.Sprintf("%s/complaints/%d", f.base, id)

		f.once("re-routings", burst(t, hub, c+"/route", `{"route":"hub","reason":"属枢纽管理的场地"}`), 200)
		f.once("answers", burst(t, hub, c+"/answer", `{"answer":"已与社区商定晚间开放时间"}`), 200)
		f.once("ratings", burst(t, res, c+"/rate", `{"rating":1,"comment":"仍然不开"}`), 200) // reopens it for the office
		f.once("second answers", burst(t, pur, c+"/answer", `{"answer":"街道已督促社区每周二、四晚开放"}`), 200)
		hs, err := a.ComplaintHistory(ctx, f.pur, id)
		f.must(err)
		lines := map[string]int{}
		for _, h := range hs {
			lines[h.Action+" "+h.To]++
		}
		f.same("the complaint's history", lines, map[string]int{"submitted open": 1, "routed open": 1, "answered answered": 1,
			"rated reopened": 1, "reopened reopened": 1, "answered closed": 1})
		f.same("the complaint's audit", f.audit(complaints.ResComplaints, id), map[string]int{"create ": 1, "route 属枢纽管理的场地": 1,
			"answer ": 2, "rate ": 1})

		// fifty wrong tracking codes at once from one address: no more are looked up than the
		// limit lets through, the others are refused before the lookup
		bad := burst(t, "", f.base+"/public/complaints/track", `{"code":"ZZZZZZZZ","phone4":"0000"}`)
		if bad[404] != complaints.ComplaintTrackLimit || bad[429] != 50-complaints.ComplaintTrackLimit {
			t.Fatalf("50 wrong tracking requests answered %v, want %d 404 and the rest 429", bad, complaints.ComplaintTrackLimit)
		}
	})
}

func TestEvaluationDecidedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDelivOnce(t, db)
		a, ctx := f.e.app, f.ctx
		pur, hub := f.e.token("gt-purchaser"), f.e.token("gt-hub")
		// a signed contract of the demo street without a final round
		ct := first(t, "signed contract", func(each func(*gongzhi.Contract) error) (int, error) {
			return a.Contracts(ctx, f.pur, store.ListOptions{Filters: map[string]string{"state": gongzhi.ContractSigned}}, each)
		})
		start := jsonOf(map[string]any{"contract_id": ct.ID, "round": gongzhi.RoundFinal, "members": oncePanel})
		f.once("starts", burst(t, pur, f.base+"/evaluations", start), 201)
		var ids []int64
		_, err := a.Evaluations(ctx, f.pur, store.ListOptions{Filters: map[string]string{"contract": strconv.FormatInt(ct.ID, 10),
			"round": gongzhi.RoundFinal}}, func(e *gongzhi.Evaluation) error { ids = append(ids, e.ID); return nil })
		f.must(err)
		if len(ids) != 1 {
			t.Fatalf("%d final rounds started", len(ids))
		}
		ev, err := a.Evaluation(ctx, f.pur, ids[0])
		f.must(err)
		// the call's scheme is locked now
		sc := f.api(pur, "GET", fmt.Sprintf("/api/v1/evaluation-schemes/%d", ct.CallID), nil, 200)
		offRefused(t, f.e.call(pur, "PUT", fmt.Sprintf("/api/v1/evaluation-schemes/%d", ct.CallID), sc.Body), 409, "conflict", "scheme", "")

		flat, _ := ev.Scheme.Flat()
		scores := make([]int64, len(flat))
		for i, in := range flat {
			scores[i] = int64(in.Max) * 90
		}
		e := fmt.Sprintf("%s/evaluations/%d", f.base, ev.ID)
		for i, m := range ev.Members {
			sheet := jsonOf(map[string]any{"member_id": m.ID, "scores": scores})
			if i == 0 {
				f.once("sheets", burst(t, hub, e+"/sheets", sheet), 201)
			} else {
				f.api(hub, "POST", fmt.Sprintf("/api/v1/evaluations/%d/sheets", ev.ID), json.RawMessage(sheet), 201)
			}
			f.same("the sheet's audit", f.audit(evaluation.ResEvalSheets, m.ID), map[string]int{"create evaluation " + strconv.FormatInt(ev.ID, 10): 1})
		}
		f.once("finalizations", burst(t, pur, e+"/finalize", `{"strengths":"按计划完成服务","problems":"台账填写需规范"}`), 200)
		offRefused(t, f.e.call(pur, "POST", fmt.Sprintf("/api/v1/evaluations/%d/finalize", ev.ID), map[string]string{"strengths": "按计划完成服务",
			"problems": "台账填写需规范"}), 409, "conflict", "state", "无需重复提交")
		f.once("publications", burst(t, pur, e+"/publish", ""), 200)
		f.same("the round's history", f.history("evaluation", ev.ID), map[string]int{gongzhi.EvalScoring: 1, gongzhi.EvalFinalized: 1,
			gongzhi.EvalPublished: 1})
		f.same("the round's audit", f.audit(evaluation.ResEvaluations, ev.ID), map[string]int{"create ": 1, "update finalized": 1,
			"update published": 1})
	})
}

func TestLedgerDecidedOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newDelivOnce(t, db)
		a, ctx := f.e.app, f.ctx
		prov := f.actor("gt-provider")
		ptok, res := f.e.token("gt-provider"), f.e.token("zs-resident")
		entry := first(t, "active ledger entry of the demo provider", func(each func(*gongzhi.ServiceEntry) error) (int, error) {
			return a.Entries(ctx, prov, store.ListOptions{Filters: map[string]string{"state": gongzhi.EntryActive}}, each)
		})
		// the same evidence file fifty times at once is kept once
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 300)...)
		up := burstUpload(t, ptok, fmt.Sprintf("%s/ledger/%d/evidence", f.base, entry.ID), "签到表.png", png)
		f.once("uploads", up, 201)
		evs, err := a.DB.Q().ListEvidence(ctx, entry.ID)
		f.must(err)
		n := 0
		for _, ev := range evs {
			if ev.Name == "签到表.png" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("the file is kept %d times", n)
		}
		// voided once; no evidence lands on it afterwards
		f.once("voids", burst(t, ptok, fmt.Sprintf("%s/ledger/%d/void", f.base, entry.ID), `{"reason":"重复录入"}`), 200)
		if got := f.audit(ledger.ResLedger, entry.ID); got["void 重复录入"] != 1 {
			t.Fatalf("the entry's audit %v, want one void", got)
		}
		if up := burstUpload(t, ptok, fmt.Sprintf("%s/ledger/%d/evidence", f.base, entry.ID), "照片.png", append(png, 1)); up[409] != 50 {
			t.Fatalf("evidence on a voided entry answered %v", up)
		}

		// a resident rates a service once
		mine, err := a.MyServices(ctx, f.actor("zs-resident"))
		f.must(err)
		var rate int64
		for _, m := range mine {
			if m.Rating == nil && rate == 0 {
				rate = m.EntryID
			}
		}
		if rate == 0 {
			t.Fatal("the demo resident has no service left to rate")
		}
		f.once("ratings", burst(t, res, fmt.Sprintf("%s/my-services/%d/rating", f.base, rate), `{"score":4,"comment":"很好"}`), 201)
		if mine, err = a.MyServices(ctx, f.actor("zs-resident")); err != nil {
			t.Fatal(err)
		}
		rated := 0
		for _, m := range mine {
			if m.EntryID == rate && m.Rating != nil {
				rated++
			}
		}
		if rated != 1 {
			t.Fatalf("the service is rated %d times", rated)
		}
	})
}

// burstUpload sends n = 50 identical uploads of a file at once and counts the answers by status.
func burstUpload(t *testing.T, tok, url, name string, content []byte) map[int]int {
	t.Helper()
	return burstOf(t, func() *http.Request {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
		mw.Close()
		req, _ := http.NewRequest("POST", url, &body)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return req
	})
}

// A round started while the call's scheme is being saved, each save with another bonus, copies
// the scheme that stays: a save either lands before the start, and the round copies it, or is
// refused after it.
func TestEvaluationSchemeSavedOrLockedUnderConcurrency(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newOffFix(t, db)
		ct := evSigned(f)
		pur, base := f.e.token("gt-purchaser"), f.e.srv.URL+"/api/v1"
		sc := f.api(pur, "GET", fmt.Sprintf("/api/v1/evaluation-schemes/%d", ct.CallID), nil, 200)
		start := jsonOf(map[string]any{"contract_id": ct.ID, "round": gongzhi.RoundMid, "members": oncePanel})
		var k atomic.Int32
		got := burstOf(t, func() *http.Request {
			// each save a bonus of its own, so that the last one saved shows
			i := k.Add(1)
			scheme := maps.Clone(sc.Body)
			scheme["bonus"] = 100 + i
			method, url, body := "PUT", fmt.Sprintf("%s/evaluation-schemes/%d", base, ct.CallID), jsonOf(scheme)
			if i == 25 {
				method, url, body = "POST", base+"/evaluations", start
			}
			req, _ := http.NewRequest(method, url, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+pur)
			req.Header.Set("Content-Type", "application/json")
			return req
		})
		if got[201] != 1 || got[200]+got[409] != 49 {
			t.Fatalf("a start among 49 saves answered %v", got)
		}
		var ids []int64
		_, err := f.e.app.Evaluations(f.ctx, f.pur, store.ListOptions{Filters: map[string]string{"contract": strconv.FormatInt(ct.ID, 10)}},
			func(e *gongzhi.Evaluation) error { ids = append(ids, e.ID); return nil })
		f.must(err)
		if len(ids) != 1 {
			t.Fatalf("%d rounds started", len(ids))
		}
		ev, err := f.e.app.Evaluation(f.ctx, f.pur, ids[0])
		f.must(err)
		stored, err := f.e.app.EvalScheme(f.ctx, f.pur, ct.CallID)
		f.must(err)
		if !stored.Locked || ev.Scheme.Bonus != stored.Bonus || jsonOf(ev.Scheme.Dimensions) != jsonOf(stored.Dimensions) {
			t.Fatalf("the round copied a bonus of %v, the call's scheme has %v (locked %v)", ev.Scheme.Bonus, stored.Bonus, stored.Locked)
		}
	})
}
