// Storage tests of the purchase tables on SQLite and PostgreSQL: the seeded catalog, the
// database's own refusal to overspend a budget, row locks, the expert-account link, batched
// ranking and reason updates, and the order of the state history.

package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func TestPurchaseStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
		q := db.Q()
		cats, err := q.ListServiceCategories(ctx, true)
		if err != nil || len(cats) != 8 {
			t.Fatalf("catalog: %d, %v", len(cats), err)
		}
		if c := cats[7]; c.Code != "poverty_county_social_work" || c.Name != "国贫县社会工作服务" || c.PriceMin != gongzhi.Yuan(100_000) || !c.Builtin {
			t.Fatalf("catalog entry %+v", c)
		}
		places := []gongzhi.Place{
			{Code: "320000000000", Name: "江苏省", Level: 1},
			{Code: "320116004000", Name: "葛塘街道", Level: 4, ParentCode: "320000000000"},
		}
		if _, err := q.UpsertPlaces(ctx, places, now); err != nil {
			t.Fatal(err)
		}
		b := &gongzhi.Budget{PlaceCode: "320116004000", FiscalYear: 2026, Level: "street", Fund: "lottery", Name: "福彩公益金", Amount: gongzhi.Yuan(100)}
		if err := q.InsertBudget(ctx, b, now); err != nil {
			t.Fatal(err)
		}
		move := func(reserve, spend gongzhi.Money) error {
			return db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
				if err := q.LockRow(ctx, "budgets", b.ID); err != nil {
					return err
				}
				return q.MoveBudgetMoney(ctx, &gongzhi.LedgerEntry{BudgetID: b.ID, Kind: gongzhi.LedgerReserve, Amount: reserve, At: now}, reserve, spend, 0)
			})
		}
		if err := move(gongzhi.Yuan(60), 0); err != nil {
			t.Fatal(err)
		}
		if err := move(0, gongzhi.Yuan(40)+1); err == nil {
			t.Fatal("the database let a budget be overspent by one fen")
		}
		if err := move(gongzhi.Yuan(40), 0); err != nil {
			t.Fatal(err)
		}
		got, err := q.GetBudget(ctx, store.Scope{Prefix: "320116004"}, b.ID)
		if err != nil || got.Available() != 0 || got.Reserved != gongzhi.Yuan(100) {
			t.Fatalf("budget %+v %v", got, err)
		}
		if _, err := q.GetBudget(ctx, store.Scope{Prefix: "320116005"}, b.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("out of scope: %v", err)
		}
		ledger, err := q.ListLedger(ctx, b.ID)
		if err != nil || len(ledger) != 2 {
			t.Fatalf("ledger %d %v (the refused move must leave no line)", len(ledger), err)
		}
		if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.LockRow(ctx, "budgets", 999) }); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("lock of a missing row: %v", err)
		}

		org := &gongzhi.Organization{Name: "测试机构", Type: "professional", RegState: "preparing", Origin: "local", PlaceCode: "320116004000"}
		if err := q.InsertOrganization(ctx, org, now); err != nil {
			t.Fatal(err)
		}
		c := &gongzhi.Call{PlaceCode: "320116004000", Kind: "commission", Title: "测试", Categories: []string{"staff_training"}, BudgetID: b.ID,
			Amount: gongzhi.Yuan(100), Bands: []gongzhi.FundingBand{{Min: 1, Max: gongzhi.Yuan(100)}}, OpensAt: now, ClosesAt: now.Add(time.Hour),
			Criteria: gongzhi.DefaultCriteria(), Aggregation: gongzhi.AggTrimMean, NoticeDays: 5}
		if err := q.InsertCall(ctx, c, 0, now); err != nil {
			t.Fatal(err)
		}
		var rs []gongzhi.Ranked
		reasons := map[int64]string{}
		for i := range 450 {
			ap := &gongzhi.Application{CallID: c.ID, OrgID: org.ID, Title: fmt.Sprint("项目", i), Band: -1}
			if err := q.InsertApplication(ctx, ap, 0, now); err != nil {
				t.Fatal(err)
			}
			rs = append(rs, gongzhi.Ranked{ApplicationID: ap.ID, Score: gongzhi.Points(10000 - i), Scores: 5, Rank: i + 1})
			reasons[ap.ID] = gongzhi.UnfundedBudget
		}
		err = db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			if err := q.SetRanking(ctx, c.ID, rs, now); err != nil {
				return err
			}
			return q.SetUnfundedMany(ctx, reasons, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		_, err = q.ListApplications(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"call": fmt.Sprint(c.ID)}, Sort: "rank"},
			func(ap *gongzhi.Application) error {
				n++
				if ap.Rank != n || ap.Score != gongzhi.Points(10001-n) || ap.UnfundedReason != gongzhi.UnfundedBudget {
					t.Fatalf("application %d: rank %d score %d reason %q", ap.ID, ap.Rank, ap.Score, ap.UnfundedReason)
				}
				return nil
			})
		if err != nil || n != 450 {
			t.Fatalf("%d ranked, %v", n, err)
		}

		for i, at := range []time.Time{now.Add(2 * time.Second), now, now.Add(time.Second)} {
			if err := q.InsertStateChange(ctx, &gongzhi.StateChange{At: at, CallID: c.ID, Entity: "call", EntityID: c.ID, To: fmt.Sprint(i), Username: "t"}); err != nil {
				t.Fatal(err)
			}
		}
		hist, err := q.ListStateChanges(ctx, store.HistoryFilter{CallID: c.ID})
		if err != nil || len(hist) != 3 || hist[0].To != "1" || hist[1].To != "2" || hist[2].To != "0" {
			t.Fatalf("history %+v %v", hist, err)
		}

		p := &gongzhi.Person{Kind: "expert", Name: "专家", PlaceCode: "320116004000", ExpertFields: []string{"law"}}
		if err := q.InsertPerson(ctx, p, store.PersonSecret{}, now); err != nil {
			t.Fatal(err)
		}
		u := &gongzhi.User{Username: "expert-1", DisplayName: "专家", Role: gongzhi.RoleExpert, PlaceCode: "320116004000"}
		if err := q.InsertUser(ctx, u, "x", now); err != nil {
			t.Fatal(err)
		}
		if id, err := q.UserPersonID(ctx, u.ID); err != nil || id != 0 {
			t.Fatalf("unlinked: %d %v", id, err)
		}
		if err := q.SetUserPerson(ctx, u.ID, p.ID, now); err != nil {
			t.Fatal(err)
		}
		if id, err := q.UserPersonID(ctx, u.ID); err != nil || id != p.ID {
			t.Fatalf("linked: %d %v", id, err)
		}
	})
}
