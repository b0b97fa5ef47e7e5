// Tests of every refusal of the purchase workflow at the service level, on both databases, as
// table tests stage by stage of one call's life — open, deadline, closed, drawn, reviewing,
// ranked, notice, after notice, signed: submitting after the deadline, scoring with a conflict,
// scoring twice, awarding beyond the budget or outside the bands, signing before the notice
// ends, paying more than the contract, and the scope rules that answer ENOTFOUND.

package app_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// purCase is one named expectation: run returns the error to check.
type purCase struct {
	name                string
	run                 func() error
	code, field, reason string
}

func purCases(t *testing.T, stage string, cases []purCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(stage+"/"+tc.name, func(t *testing.T) {
			err := tc.run()
			if tc.code == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			purIs(t, err, tc.code, tc.field, tc.reason)
		})
	}
}

func TestPurchaseRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 6, experts: 8, budget: gongzhi.Yuan(300_000)})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(180_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		var apps []*gongzhi.Application
		for i := range 4 {
			apps = append(apps, f.apply(c, i, gongzhi.Yuan(50_000)))
		}
		late := purApplication(c, "迟到的项目", gongzhi.Yuan(30_000))
		f.must(a.CreateApplication(ctx, f.providers[4], late))
		// Provider 5's organization is only filed (备案), not registered.
		org5, err := a.Organization(ctx, f.sys, f.orgs[5])
		f.must(err)
		org5.RegState = "filed"
		f.must(a.UpdateOrganization(ctx, f.sys, org5))
		filed := purApplication(c, "备案组织的项目", gongzhi.Yuan(30_000))
		f.must(a.CreateApplication(ctx, f.providers[5], filed))
		barred := purApplication(c, "被取消资格组织的项目", gongzhi.Yuan(30_000))
		f.must(a.BarOrganization(ctx, f.purchaser, &gongzhi.Ineligibility{OrgID: f.orgs[4], Until: "2027-06-30", Reason: "2025年度评估不合格"}))
		second := &gongzhi.Call{PlaceCode: purStreet, Kind: "commission", Title: "委托项目", Categories: []string{"staff_training"},
			BudgetID: f.budget.ID, Amount: gongzhi.Yuan(150_000), Bands: []gongzhi.FundingBand{{Min: gongzhi.Yuan(10_000), Max: gongzhi.Yuan(150_000)}},
			OpensAt: f.clock(), ClosesAt: f.clock().Add(48 * time.Hour)}
		f.must(a.CreateCall(ctx, f.purchaser, second))

		purCases(t, "open", []purCase{
			{"update an open call", func() error { c.Title = "改名"; return a.UpdateCall(ctx, f.purchaser, c) }, gongzhi.ECONFLICT, "state", "state.illegal:open"},
			{"open a call the budget cannot cover", func() error { return a.OpenCall(ctx, f.purchaser, second.ID) },
				gongzhi.ECONFLICT, "amount", "budget.insufficient:120,000.00"},
			{"close before the deadline", func() error { return a.CloseCall(ctx, f.purchaser, c.ID) }, gongzhi.ECONFLICT, "closes_at", "call.deadline_not_passed"},
			{"submit for an organization not registered", func() error { return a.SubmitApplication(ctx, f.providers[5], filed.ID) },
				gongzhi.ECONFLICT, "org_id", "eligibility.not_registered"},
			{"apply while barred", func() error {
				f.must(a.CreateApplication(ctx, f.providers[4], barred))
				return a.SubmitApplication(ctx, f.providers[4], barred.ID)
			}, gongzhi.ECONFLICT, "org_id", "eligibility.barred:2027-06-30"},
			{"budget lines that do not add up", func() error {
				ap := purApplication(c, "预算不平", gongzhi.Yuan(40_000))
				ap.BudgetLines[0].Amount--
				return a.CreateApplication(ctx, f.providers[0], ap)
			}, gongzhi.EINVALID, "budget_lines", "application.budget_sum:39,999.99"},
			{"request outside the bands", func() error {
				ap := purApplication(c, "超出档位", gongzhi.Yuan(95_000))
				return a.CreateApplication(ctx, f.providers[0], ap)
			}, gongzhi.EINVALID, "requested", "application.outside_bands"},
			{"community of another street", func() error {
				ap := purApplication(c, "跨街道", gongzhi.Yuan(40_000))
				ap.Communities = []string{purNeighbourC}
				return a.CreateApplication(ctx, f.providers[0], ap)
			}, gongzhi.EINVALID, "communities", "application.community_not_in_call"},
			{"submit an incomplete draft", func() error {
				ap := &gongzhi.Application{CallID: c.ID, Title: "只有标题"}
				f.must(a.CreateApplication(ctx, f.providers[0], ap))
				return a.SubmitApplication(ctx, f.providers[0], ap.ID)
			}, gongzhi.EINVALID, "activity_plan", "required"},
			{"another provider's application", func() error { _, err := a.Application(ctx, f.providers[1], apps[0].ID); return err }, gongzhi.ENOTFOUND, "", ""},
			{"another provider withdraws it", func() error { return a.WithdrawApplication(ctx, f.providers[1], apps[0].ID, "") }, gongzhi.ENOTFOUND, "", ""},
			{"the neighbouring street's purchaser", func() error { _, err := a.Call(ctx, f.other, c.ID); return err }, gongzhi.ENOTFOUND, "", ""},
			{"the neighbouring street closes it", func() error { return a.CloseCall(ctx, f.other, c.ID) }, gongzhi.ENOTFOUND, "", ""},
			{"the public sees no draft call", func() error { _, err := a.Call(ctx, nil, second.ID); return err }, gongzhi.ENOTFOUND, "", ""},
			{"a provider opens a call", func() error { return a.OpenCall(ctx, f.providers[0], second.ID) }, gongzhi.EFORBIDDEN, "", ""},
			{"staff see no drafts", func() error { _, err := a.Application(ctx, f.hub, late.ID); return err }, gongzhi.ENOTFOUND, "", ""},
			{"prelim review while open", func() error { return a.PrelimReview(ctx, f.hub, apps[0].ID, true, "") }, gongzhi.ECONFLICT, "call_id", "state.illegal:open"},
		})

		// The deadline, by the server's clock.
		f.at(c.ClosesAt)
		purCases(t, "deadline", []purCase{
			{"submit after the deadline", func() error { return a.SubmitApplication(ctx, f.providers[4], late.ID) },
				gongzhi.ECONFLICT, "call_id", "application.deadline_passed"},
			{"start an application after the deadline", func() error {
				return a.CreateApplication(ctx, f.providers[4], purApplication(c, "更迟", gongzhi.Yuan(30_000)))
			}, gongzhi.ECONFLICT, "call_id", "application.deadline_passed"},
			{"edit a draft after the deadline", func() error { late.Title = "改"; return a.UpdateApplication(ctx, f.providers[4], late) },
				gongzhi.ECONFLICT, "call_id", "application.deadline_passed"},
			{"withdraw after the deadline", func() error { return a.WithdrawApplication(ctx, f.providers[3], apps[3].ID, "") },
				gongzhi.ECONFLICT, "call_id", "application.deadline_passed"},
			{"close at the deadline", func() error { return a.CloseCall(ctx, f.purchaser, c.ID) }, "", "", ""},
		})

		expert := f.expertAc[f.experts[0]]
		purCases(t, "closed", []purCase{
			{"reject without a reason", func() error { return a.PrelimReview(ctx, f.hub, apps[3].ID, false, " ") }, gongzhi.EINVALID, "reason", "required"},
			{"review a draft", func() error { return a.PrelimReview(ctx, f.hub, late.ID, true, "") }, gongzhi.ENOTFOUND, "", ""},
			{"start review before the preliminary review", func() error { return a.StartReview(ctx, f.purchaser, c.ID) },
				gongzhi.ECONFLICT, "applications", "review.prelim_incomplete:4"},
			{"a provider does the preliminary review", func() error { return a.PrelimReview(ctx, f.providers[0], apps[0].ID, true, "") }, gongzhi.EFORBIDDEN, "", ""},
			{"an expert not on any panel", func() error { _, err := a.ReviewApplications(ctx, expert, c.ID); return err }, gongzhi.ENOTFOUND, "", ""},
			{"draw a panel larger than the pool", func() error { _, err := a.DrawPanel(ctx, f.purchaser, c.ID, 9, nil, 1); return err },
				gongzhi.ECONFLICT, "size", "panel.pool_too_small:8"},
		})
		for _, ap := range apps[:3] {
			f.must(a.PrelimReview(ctx, f.hub, ap.ID, true, ""))
		}
		f.must(a.PrelimReview(ctx, f.purchaser, apps[3].ID, true, ""))
		d, err := a.DrawPanel(ctx, f.purchaser, c.ID, 3, nil, 42)
		f.must(err)
		var members []int64
		for _, m := range d.Members {
			if m.Active() {
				members = append(members, m.PersonID)
			}
		}
		m0, m1, m2 := f.expertAc[members[0]], f.expertAc[members[1]], f.expertAc[members[2]]
		purCases(t, "drawn", []purCase{
			{"draw twice", func() error { _, err := a.DrawPanel(ctx, f.purchaser, c.ID, 3, nil, 43); return err }, gongzhi.ECONFLICT, "panel", "panel.already_drawn"},
			{"see applications before declaring", func() error { _, err := a.ReviewApplications(ctx, m0, c.ID); return err },
				gongzhi.ECONFLICT, "panel", "review.declare_first"},
			{"read an application before declaring", func() error { _, err := a.Application(ctx, m0, apps[0].ID); return err }, gongzhi.ENOTFOUND, "", ""},
			{"review twice on one application", func() error { return a.PrelimReview(ctx, f.hub, apps[0].ID, false, "材料不全") },
				gongzhi.ECONFLICT, "state", "state.illegal:eligible"},
		})
		for _, m := range []*gongzhi.Actor{m0, m1, m2} {
			f.must(a.DeclareNoConflict(ctx, m, c.ID))
		}
		f.must(a.StartReview(ctx, f.purchaser, c.ID))
		// Member 2 turns out to be a board member of provider 3: declared, excluded, replaced.
		repl, err := a.DeclareConflict(ctx, m2, c.ID, []int64{apps[3].ID}, "本人为该机构理事")
		f.must(err)
		if repl == nil || repl.PersonID == members[2] {
			t.Fatalf("no replacement for the declared conflict: %+v", repl)
		}
		m3 := f.expertAc[repl.PersonID]
		f.must(a.DeclareNoConflict(ctx, m3, c.ID))
		// Member 1 joins provider 0 after the draw: the registry now ties them to the applicant.
		p1, err := a.Person(ctx, f.sys, members[1])
		f.must(err)
		p1.OrgID = f.orgs[0]
		f.must(a.UpdatePerson(ctx, f.sys, p1))
		full := purScores(c, 8000)

		purCases(t, "reviewing", []purCase{
			{"score an application one is affiliated with", func() error { _, err := a.SubmitScores(ctx, m1, apps[0].ID, full, ""); return err },
				gongzhi.ECONFLICT, "application_id", "review.conflict"},
			{"score after declaring a conflict", func() error { _, err := a.SubmitScores(ctx, m2, apps[3].ID, full, ""); return err },
				gongzhi.ECONFLICT, "application_id", "review.conflict"},
			{"an excluded member scores another", func() error { _, err := a.SubmitScores(ctx, m2, apps[1].ID, full, ""); return err },
				gongzhi.ECONFLICT, "panel", "panel.excluded"},
			{"the conflicted application is hidden", func() error { _, err := a.Application(ctx, m1, apps[0].ID); return err }, gongzhi.ENOTFOUND, "", ""},
			{"a score above a criterion's weight", func() error {
				s := slices.Clone(full)
				s[0] = 2001
				_, err := a.SubmitScores(ctx, m0, apps[0].ID, s, "")
				return err
			}, gongzhi.EINVALID, "criteria.0", "range:0-20"},
			{"too few criteria", func() error { _, err := a.SubmitScores(ctx, m0, apps[0].ID, full[:3], ""); return err },
				gongzhi.EINVALID, "criteria", "review.criteria_count:5"},
			{"others' scores before one's own", func() error { _, err := a.Scores(ctx, m0, apps[0].ID); return err },
				gongzhi.ECONFLICT, "application_id", "review.scores_hidden"},
			{"score", func() error { _, err := a.SubmitScores(ctx, m0, apps[0].ID, full, "方案扎实"); return err }, "", "", ""},
			{"score twice", func() error { _, err := a.SubmitScores(ctx, m0, apps[0].ID, full, ""); return err },
				gongzhi.ECONFLICT, "application_id", "review.already_scored"},
			{"others' scores after one's own", func() error { _, err := a.Scores(ctx, m0, apps[0].ID); return err }, "", "", ""},
			{"a provider reads scores", func() error { _, err := a.Scores(ctx, f.providers[0], apps[0].ID); return err }, gongzhi.EFORBIDDEN, "", ""},
			{"rank before everyone has scored", func() error { _, err := a.RankCall(ctx, f.purchaser, c.ID); return err },
				gongzhi.ECONFLICT, "scores", "review.incomplete:10"},
			{"propose before ranking", func() error { _, err := a.ProposeAwards(ctx, f.purchaser, c.ID, 0); return err },
				gongzhi.ECONFLICT, "ranking", "award.not_ranked"},
		})
		// Everyone scores what they may: m0 all four, m1 all but provider 0's, m3 all four.
		f.scoreAll(c, apps, func(app, member int) gongzhi.Points { return gongzhi.Points(9000 - 500*app - 100*member) })
		rs, err := a.RankCall(ctx, f.purchaser, c.ID)
		f.must(err)
		if len(rs) != 4 || rs[0].ApplicationID != apps[0].ID || rs[0].Scores != 2 || rs[1].Scores != 3 {
			t.Fatalf("ranking %+v", rs)
		}
		purCases(t, "ranked", []purCase{
			{"publish with applications neither funded nor explained", func() error { return a.PublishAwards(ctx, f.purchaser, c.ID) },
				gongzhi.ECONFLICT, "awards", "award.reason_missing:4"},
			{"propose", func() error {
				props, err := a.ProposeAwards(ctx, f.purchaser, c.ID, 0)
				if err == nil && (props[3].Amount != 0 || props[3].Reason != gongzhi.UnfundedBudget) {
					return fmt.Errorf("proposal %+v", props)
				}
				return err
			}, "", "", ""},
			{"award above the request", func() error { return a.SetAward(ctx, f.purchaser, c.ID, apps[3].ID, gongzhi.Yuan(50_000)+1, "") },
				gongzhi.EINVALID, "amount", "award.exceeds_request"},
			{"award outside the bands", func() error { return a.SetAward(ctx, f.purchaser, c.ID, apps[0].ID, gongzhi.Yuan(10_000), "") },
				gongzhi.EINVALID, "amount", "award.outside_bands"},
			{"award beyond the budget", func() error { return a.SetAward(ctx, f.purchaser, c.ID, apps[3].ID, gongzhi.Yuan(40_000), "") },
				gongzhi.ECONFLICT, "amount", "award.exceeds_budget:30,000.00"},
			{"award what is left", func() error {
				return a.SetAward(ctx, f.purchaser, c.ID, apps[3].ID, gongzhi.Yuan(30_000), "按剩余预算资助")
			}, "", "", ""},
			{"raise another beyond the budget", func() error { return a.SetAward(ctx, f.purchaser, c.ID, apps[3].ID, gongzhi.Yuan(30_000)+1, "") },
				gongzhi.ECONFLICT, "amount", "award.exceeds_budget:30,000.00"},
			{"award a rejected application", func() error { return a.SetAward(ctx, f.purchaser, c.ID, late.ID, gongzhi.Yuan(30_000), "") }, gongzhi.ECONFLICT, "application_id", "award.not_eligible"},
			{"remove with an unknown reason", func() error { return a.RemoveAward(ctx, f.purchaser, c.ID, apps[3].ID, "dislike", "") }, gongzhi.EINVALID, "reason", "choice"},
			{"remove for a decision without saying why", func() error {
				return a.RemoveAward(ctx, f.purchaser, c.ID, apps[3].ID, gongzhi.UnfundedDecision, "")
			}, gongzhi.EINVALID, "note", "required"},
			{"remove", func() error {
				return a.RemoveAward(ctx, f.purchaser, c.ID, apps[3].ID, gongzhi.UnfundedDecision, "与区级项目重复资助")
			}, "", "", ""},
		})
		f.must(a.PublishAwards(ctx, f.purchaser, c.ID))
		awards, err := a.Awards(ctx, nil, c.ID)
		f.must(err)
		if len(awards) != 3 {
			t.Fatalf("published %d awards", len(awards))
		}
		obj := &gongzhi.Objection{CallID: c.ID, ApplicationID: apps[0].ID, Name: "李先生", Contact: "13900001111", Body: "该机构同一团队在邻街道重复申报。"}
		f.must(a.FileObjection(ctx, nil, obj))
		purCases(t, "notice", []purCase{
			// an objection may yet overturn an award in notice: its contract waits for the final results
			{"draft a contract during the notice", func() error { _, err := a.GenerateContract(ctx, f.purchaser, awards[1].ID, ""); return err },
				gongzhi.ECONFLICT, "award_id", "contract.award_not_final"},
			{"finalize before the notice ends", func() error { return a.FinalizeCall(ctx, f.purchaser, c.ID) },
				gongzhi.ECONFLICT, "notice_ends_at", "notice.not_over:2026-11-18"},
			{"object to an unfunded draft", func() error {
				return a.FileObjection(ctx, nil, &gongzhi.Objection{CallID: c.ID, ApplicationID: late.ID, Name: "x", Contact: "y", Body: "z"})
			}, gongzhi.EINVALID, "application_id", "choice"},
			{"object without a contact", func() error {
				return a.FileObjection(ctx, nil, &gongzhi.Objection{CallID: c.ID, Name: "x", Body: "z"})
			}, gongzhi.EINVALID, "contact", "required"},
			{"overturn without upholding", func() error { return a.AnswerObjection(ctx, f.purchaser, obj.ID, "经核查不属实", false, true) },
				gongzhi.EINVALID, "overturn", "objection.overturn_needs_upheld"},
			{"the hub answers", func() error { return a.AnswerObjection(ctx, f.hub, obj.ID, "x", false, false) }, gongzhi.EFORBIDDEN, "", ""},
		})
		f.at(time.Date(2026, 11, 19, 0, 0, 0, 0, gongzhi.ChinaTime))
		purCases(t, "after notice", []purCase{
			{"object after the notice", func() error {
				return a.FileObjection(ctx, nil, &gongzhi.Objection{CallID: c.ID, Name: "x", Contact: "y", Body: "z"})
			}, gongzhi.ECONFLICT, "call_id", "objection.period_over"},
			{"finalize with an objection open", func() error { return a.FinalizeCall(ctx, f.purchaser, c.ID) },
				gongzhi.ECONFLICT, "objections", "notice.objections_open:1"},
			{"draft a contract before the awards are final", func() error { _, err := a.GenerateContract(ctx, f.purchaser, awards[1].ID, ""); return err },
				gongzhi.ECONFLICT, "award_id", "contract.award_not_final"},
			{"answer", func() error {
				return a.AnswerObjection(ctx, f.purchaser, obj.ID, "经核查，两项目服务对象不同，不属重复申报。", false, false)
			}, "", "", ""},
			{"answer twice", func() error { return a.AnswerObjection(ctx, f.purchaser, obj.ID, "x", false, false) },
				gongzhi.ECONFLICT, "state", "state.illegal:answered"},
			{"finalize", func() error { return a.FinalizeCall(ctx, f.purchaser, c.ID) }, "", "", ""},
		})
		ct, err := a.GenerateContract(ctx, f.purchaser, awards[1].ID, "")
		f.must(err)
		purCases(t, "final", []purCase{
			{"a second contract for one award", func() error { _, err := a.GenerateContract(ctx, f.purchaser, awards[1].ID, ""); return err },
				gongzhi.ECONFLICT, "award_id", "contract.exists"},
			{"the purchaser signs", func() error { return a.ConfirmContract(ctx, f.purchaser, ct.ID) }, "", "", ""},
			{"the purchaser signs twice", func() error { return a.ConfirmContract(ctx, f.purchaser, ct.ID) },
				gongzhi.ECONFLICT, "version", "contract.already_confirmed"},
			{"another provider signs", func() error { return a.ConfirmContract(ctx, f.providers[0], ct.ID) }, gongzhi.ENOTFOUND, "", ""},
			{"pay before both have signed", func() error {
				_, err := a.RecordPayment(ctx, f.purchaser, ct.ID, 0, gongzhi.Yuan(1000), "2026-11-19", "")
				return err
			}, gongzhi.ECONFLICT, "contract_id", "contract.not_signed"},
			{"the provider signs", func() error { return a.ConfirmContract(ctx, f.providers[1], ct.ID) }, "", "", ""},
		})
		ct, err = a.Contract(ctx, f.providers[1], ct.ID)
		f.must(err)
		if ct.State != gongzhi.ContractSigned || ct.Amount != awards[1].Amount {
			t.Fatalf("contract %+v", ct)
		}
		p := ct.Current.Terms.Portions
		purCases(t, "signed", []purCase{
			{"pay more than the contract", func() error {
				_, err := a.RecordPayment(ctx, f.purchaser, ct.ID, 0, ct.Amount+1, "2026-11-19", "")
				return err
			}, gongzhi.ECONFLICT, "amount", "payment.exceeds_contract:" + ct.Amount.Format()},
			{"pay more than the portion", func() error {
				_, err := a.RecordPayment(ctx, f.purchaser, ct.ID, 0, p[0].Amount+1, "2026-11-19", "")
				return err
			}, gongzhi.ECONFLICT, "amount", "payment.exceeds_portion:" + p[0].Amount.Format()},
			{"pay in the future", func() error {
				_, err := a.RecordPayment(ctx, f.purchaser, ct.ID, 0, p[0].Amount, "2026-11-20", "")
				return err
			}, gongzhi.EINVALID, "paid_on", "payment.future_date"},
			{"pay before signing", func() error {
				_, err := a.RecordPayment(ctx, f.purchaser, ct.ID, 0, p[0].Amount, "2026-11-18", "")
				return err
			}, gongzhi.EINVALID, "paid_on", "payment.before_signing"},
			{"a portion that does not exist", func() error {
				_, err := a.RecordPayment(ctx, f.purchaser, ct.ID, 3, gongzhi.Yuan(1), "2026-11-19", "")
				return err
			}, gongzhi.EINVALID, "portion", "choice"},
			{"the provider records a payment", func() error {
				_, err := a.RecordPayment(ctx, f.providers[1], ct.ID, 0, p[0].Amount, "2026-11-19", "")
				return err
			}, gongzhi.EFORBIDDEN, "", ""},
			{"pay the first portion", func() error {
				_, err := a.RecordPayment(ctx, f.purchaser, ct.ID, 0, p[0].Amount, "2026-11-19", "首期")
				return err
			}, "", "", ""},
			{"pay it again", func() error {
				_, err := a.RecordPayment(ctx, f.purchaser, ct.ID, 0, gongzhi.Yuan(1), "2026-11-19", "")
				return err
			}, gongzhi.ECONFLICT, "amount", "payment.exceeds_portion:0.00"},
			{"cancel a call with a contract", func() error { return a.CancelCall(ctx, f.purchaser, c.ID, "x") }, gongzhi.ECONFLICT, "state", "state.illegal:final"},
		})
		f.budgetNow()
	})
}
