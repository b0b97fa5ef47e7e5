// Issue 11, item 1: accounts linked to the people they are by the role that owns the records
// (the purchaser its pool's experts, the hub social workers), found by name with ID numbers
// masked; the paper score sheet of a panel member without an account, entered once by the
// purchaser (the review's secretary) and recorded as entered by them; a removal that finds the
// pool exhausted.

package app_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func TestAccountLinks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 1, experts: 3})
		ctx, a := f.ctx, f.a
		ex := f.user(gongzhi.RoleExpert, "320116000000", 0) // an expert's account made by the system administrator, not linked
		admin := &gongzhi.Actor{User: &gongzhi.User{ID: 999, Username: "admin-sys", Role: gongzhi.RoleSysAdmin}}

		// who may: the purchaser links experts; the system administrator, who sees no registry
		// data, may not; the hub links social workers, not experts
		purIs(t, a.LinkExpertAccount(ctx, admin, ex.User.ID, f.experts[0]), gongzhi.EFORBIDDEN, "", "")
		_, err := a.LinkAccount(ctx, admin, ex.User.ID, f.experts[0])
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		_, err = a.LinkAccount(ctx, f.hub, ex.User.ID, f.experts[0])
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, err = a.AccountLinks(ctx, f.hub, gongzhi.RoleExpert, store.ListOptions{}, func(*gongzhi.AccountLink) error { return nil })
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		// the neighbouring street's purchaser reaches the district's expert accounts but not this
		// street's experts; nobody reaches a resident's account through the expert rule
		_, err = a.LinkAccount(ctx, f.other, ex.User.ID, f.experts[0])
		purIs(t, err, gongzhi.EINVALID, "person_id", "expert.not_expert")
		_, err = a.AccountLink(ctx, f.purchaser, f.resident.User.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")

		// the purchaser lists the expert accounts, not linked first
		unlinked := func() []string {
			var out []string
			_, err := a.AccountLinks(ctx, f.purchaser, "", store.ListOptions{Filters: map[string]string{"linked": "0"}}, func(l *gongzhi.AccountLink) error {
				if l.Role != gongzhi.RoleExpert || l.PersonID != 0 {
					t.Errorf("an unlinked expert account listed as %+v", l)
				}
				out = append(out, l.Username)
				return nil
			})
			f.must(err)
			return out
		}
		if got := unlinked(); len(got) != 1 || got[0] != ex.User.Username {
			t.Fatalf("unlinked expert accounts %v, want [%s]", got, ex.User.Username)
		}
		// finds the expert by name, not by id, among the experts only
		found, err := a.LinkCandidates(ctx, f.purchaser, ex.User.ID, "专家02")
		f.must(err)
		if len(found) != 1 || found[0].ID != f.experts[1] || found[0].Kind != "expert" || found[0].IDNumber != "" {
			t.Fatalf("candidates for 专家02: %+v", found)
		}
		all, err := a.LinkCandidates(ctx, f.purchaser, ex.User.ID, "")
		f.must(err)
		if len(all) != 3 {
			t.Fatalf("%d candidates, want the 3 experts of the pool", len(all))
		}
		// links, audited; a person who is not an expert is refused
		_, err = a.LinkAccount(ctx, f.purchaser, ex.User.ID, f.resident.User.ID+1_000_000)
		purIs(t, err, gongzhi.EINVALID, "person_id", "expert.not_expert")
		// a person has one account: 专家02 is linked to its own account, which is named; once
		// that account is unlinked, the new one may be linked
		holder := f.expertAc[f.experts[1]]
		_, err = a.LinkAccount(ctx, f.purchaser, ex.User.ID, f.experts[1])
		purIs(t, err, gongzhi.ECONFLICT, "person_id", "link.person_taken:"+holder.User.Username)
		if id, err := a.DB.Q().UserPersonID(ctx, ex.User.ID); err != nil || id != 0 {
			t.Fatalf("the refused link was written: %d %v", id, err)
		}
		_, err = a.LinkAccount(ctx, f.purchaser, holder.User.ID, 0)
		f.must(err)
		l, err := a.LinkAccount(ctx, f.purchaser, ex.User.ID, f.experts[1])
		f.must(err)
		if l.PersonID != f.experts[1] || l.PersonName != "专家02" {
			t.Fatalf("linked %+v", l)
		}
		if got := unlinked(); len(got) != 1 || got[0] != holder.User.Username {
			t.Fatalf("unlinked %v, want only the account unlinked [%s]", got, holder.User.Username)
		}
		if _, err := a.ReviewAssignments(ctx, ex); err != nil {
			t.Fatalf("the linked expert cannot see its reviews: %v", err)
		}
		var audited int
		_, err = a.DB.Q().ListAudit(ctx, store.ListOptions{Limit: 100, Filters: map[string]string{"entity": "users", "entity_id": fmt.Sprint(ex.User.ID)}},
			func(e *gongzhi.AuditEntry) error {
				if e.UserID == f.purchaser.User.ID {
					audited++
				}
				return nil
			})
		f.must(err)
		if audited != 1 {
			t.Errorf("%d audit entries of the purchaser's link, want 1", audited)
		}
		// and unlinks
		l, err = a.LinkAccount(ctx, f.purchaser, ex.User.ID, 0)
		f.must(err)
		if l.PersonID != 0 {
			t.Fatalf("unlinked %+v", l)
		}
		_, err = a.ReviewAssignments(ctx, ex)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")

		// the hub links a social worker's account to the social worker, not to an expert
		sw := &gongzhi.Person{Kind: "social_worker", Name: "社工甲", PlaceCode: purZhongshan}
		f.must(a.CreatePerson(ctx, f.sys, sw))
		swAc := f.user(gongzhi.RoleSocialWorker, purStreet, 0)
		_, err = a.LinkAccount(ctx, f.hub, swAc.User.ID, f.experts[0])
		purIs(t, err, gongzhi.EINVALID, "person_id", "social_worker.not_social_worker")
		_, err = a.LinkAccount(ctx, f.community, swAc.User.ID, sw.ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		l, err = a.LinkAccount(ctx, f.hub, swAc.User.ID, sw.ID)
		f.must(err)
		if l.PersonID != sw.ID || l.Role != gongzhi.RoleSocialWorker {
			t.Fatalf("social worker linked %+v", l)
		}
	})
}

func TestPaperScoreSheet(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 2, experts: 3})
		ctx, a := f.ctx, f.a
		paper := f.experts[2]
		// the third expert has no account any more: the purchaser unlinks it
		f.must(a.LinkExpertAccount(ctx, f.purchaser, f.expertAc[paper].User.ID, 0))
		c := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		ap := f.apply(c, 0, gongzhi.Yuan(50_000))
		f.at(c.ClosesAt.Add(time.Hour))
		f.must(a.CloseCall(ctx, f.purchaser, c.ID))
		f.must(a.PrelimReview(ctx, f.hub, ap.ID, true, ""))
		_, err := a.DrawPanel(ctx, f.purchaser, c.ID, 3, nil, 5)
		f.must(err)
		for _, p := range f.experts[:2] {
			f.must(a.DeclareNoConflict(ctx, f.expertAc[p], c.ID))
		}
		f.must(a.StartReview(ctx, f.purchaser, c.ID))
		c, err = a.Call(ctx, f.purchaser, c.ID)
		f.must(err)
		for _, p := range f.experts[:2] {
			_, err := a.SubmitScores(ctx, f.expertAc[p], ap.ID, purScores(c, 8000), "")
			f.must(err)
		}
		_, err = a.RankCall(ctx, f.purchaser, c.ID)
		purIs(t, err, gongzhi.ECONFLICT, "scores", "review.incomplete:1")

		members, err := a.PaperMembers(ctx, f.purchaser, ap.ID)
		f.must(err)
		if len(members) != 1 || members[0].PersonID != paper {
			t.Fatalf("paper members %+v, want only %d", members, paper)
		}
		// who may: the purchaser of the place, not a provider, not another street's purchaser
		_, err = a.EnterPaperScore(ctx, f.providers[0], ap.ID, paper, purScores(c, 7000), "", true)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
		_, err = a.EnterPaperScore(ctx, f.other, ap.ID, paper, purScores(c, 7000), "", true)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		// a member with an account scores in person; a sheet without the signed declaration is refused
		_, err = a.EnterPaperScore(ctx, f.purchaser, ap.ID, f.experts[0], purScores(c, 7000), "", true)
		purIs(t, err, gongzhi.ECONFLICT, "person_id", "review.member_has_account")
		_, err = a.EnterPaperScore(ctx, f.purchaser, ap.ID, paper, purScores(c, 7000), "", false)
		purIs(t, err, gongzhi.EINVALID, "declared", "review.paper_declaration")
		_, err = a.EnterPaperScore(ctx, f.purchaser, ap.ID, paper, purScores(c, 7000)[:2], "", true)
		purIs(t, err, gongzhi.EINVALID, "criteria", fmt.Sprintf("review.criteria_count:%d", len(c.Criteria)))

		s, err := a.EnterPaperScore(ctx, f.purchaser, ap.ID, paper, purScores(c, 7000), "纸质评分表第 3 份", true)
		f.must(err)
		if s.EnteredBy != f.purchaser.User.DisplayName || s.PersonID != paper || s.Total != 7000 {
			t.Fatalf("paper score %+v", s)
		}
		// once per member and application
		_, err = a.EnterPaperScore(ctx, f.purchaser, ap.ID, paper, purScores(c, 6000), "", true)
		purIs(t, err, gongzhi.ECONFLICT, "application_id", "review.already_scored")
		scores, err := a.Scores(ctx, f.hub, ap.ID)
		f.must(err)
		onPaper := 0
		for _, sc := range scores {
			if sc.EnteredBy != "" {
				onPaper++
				if sc.PersonID != paper || sc.EnteredBy != f.purchaser.User.DisplayName {
					t.Errorf("paper score %+v", sc)
				}
			}
		}
		if len(scores) != 3 || onPaper != 1 {
			t.Fatalf("%d scores, %d on paper; want 3, 1", len(scores), onPaper)
		}
		if members, err := a.PaperMembers(ctx, f.purchaser, ap.ID); err != nil || len(members) != 0 {
			t.Fatalf("paper members after the sheet: %+v %v", members, err)
		}
		// the panel member declared on paper
		d, err := a.Panel(ctx, f.purchaser, c.ID)
		f.must(err)
		for _, m := range d.Members {
			if m.PersonID == paper && m.DeclaredAt.IsZero() {
				t.Error("the paper sheet's declaration is not recorded")
			}
		}
		rs, err := a.RankCall(ctx, f.purchaser, c.ID)
		f.must(err)
		if len(rs) != 1 || rs[0].Scores != 3 {
			t.Fatalf("ranking %+v", rs)
		}
	})
}

func TestRemoveMemberPoolExhausted(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 1, experts: 3})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		f.apply(c, 0, gongzhi.Yuan(50_000))
		f.closeAndReview(c, 3, 7)
		repl, err := a.RemovePanelMember(ctx, f.purchaser, c.ID, f.experts[0], "出差无法参加")
		f.must(err)
		if repl != nil {
			t.Fatalf("a replacement %+v drawn from a pool of three on a panel of three", repl)
		}
		hist, err := a.CallHistory(ctx, f.purchaser, c.ID)
		f.must(err)
		if last := hist[len(hist)-1]; last.Note.Code != "pool_exhausted" {
			t.Fatalf("the history ends %+v, want the pool exhausted", last)
		}
	})
}

// TestRecordConflictPoolExhausted: a conflict recorded for a member of a panel that holds every
// expert of the pool takes the member off with no replacement, and says so (exhausted), as the
// history does; a conflict with no member to take off says nothing is exhausted.
func TestRecordConflictPoolExhausted(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 2, experts: 3})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		f.apply(c, 0, gongzhi.Yuan(50_000))
		f.closeAndReview(c, 3, 7)
		// a conflict with an organization that did not apply: nobody is taken off
		repl, exhausted, err := a.RecordConflict(ctx, f.purchaser, c.ID, f.experts[1], f.orgs[1], "其配偶在该机构任职")
		f.must(err)
		if repl != nil || exhausted {
			t.Fatalf("a conflict with a non-applicant: replacement %+v, exhausted %v", repl, exhausted)
		}
		repl, exhausted, err = a.RecordConflict(ctx, f.purchaser, c.ID, f.experts[0], f.orgs[0], "曾任该机构理事")
		f.must(err)
		if repl != nil || !exhausted {
			t.Fatalf("a conflict on a panel of the whole pool: replacement %+v, exhausted %v", repl, exhausted)
		}
		d, err := a.Panel(ctx, f.purchaser, c.ID)
		f.must(err)
		active := 0
		for _, m := range d.Members {
			if m.Active() {
				active++
			}
		}
		if active != 2 {
			t.Fatalf("%d members left, want 2", active)
		}
		hist, err := a.CallHistory(ctx, f.purchaser, c.ID)
		f.must(err)
		if last := hist[len(hist)-1]; last.Note.Code != "pool_exhausted" {
			t.Fatalf("the history ends %+v, want the pool exhausted", last)
		}
	})
}

// TestScoresMissingCountsAsRankCall: the call page's count of missing scores (ScoresMissing) is
// the count RankCall refuses with, at every step of a review: none in, some in, a member who
// is taken off for a conflict with an applicant, all in.
func TestScoresMissingCountsAsRankCall(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{orgs: 2, experts: 3})
		ctx, a := f.ctx, f.a
		c := f.call(gongzhi.Yuan(200_000), gongzhi.Yuan(20_000), gongzhi.Yuan(90_000))
		apps := []*gongzhi.Application{f.apply(c, 0, gongzhi.Yuan(50_000)), f.apply(c, 1, gongzhi.Yuan(40_000))}
		f.closeAndReview(c, 3, 5)
		same := func(want int) {
			t.Helper()
			n, err := a.ScoresMissing(ctx, f.purchaser, c.ID)
			f.must(err)
			if n != want {
				t.Fatalf("ScoresMissing %d, want %d", n, want)
			}
			_, err = a.RankCall(ctx, f.purchaser, c.ID)
			if want == 0 {
				f.must(err)
				return
			}
			purIs(t, err, gongzhi.ECONFLICT, "scores", "review.incomplete:"+strconv.Itoa(want))
		}
		same(6) // three members, two applications
		members := f.active(c.ID)
		cc, err := a.Call(ctx, f.purchaser, c.ID)
		f.must(err)
		_, err = a.SubmitScores(ctx, f.expertAc[members[0]], apps[0].ID, purScores(cc, 8000), "")
		f.must(err)
		same(5)
		// the second member turns out to have a conflict with an applicant: taken off the panel,
		// with no one left in the pool of three to replace them

		_, _, err = a.RecordConflict(ctx, f.purchaser, c.ID, members[1], apps[1].OrgID, "曾任该机构理事")
		f.must(err)
		same(3) // two members left: 2 × 2 − 1 scored
		f.scoreAll(c, apps, func(app, m int) gongzhi.Points { return 7000 })
		same(0)
	})
}
