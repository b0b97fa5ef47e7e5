package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// TestComplaintStore: scopes of the list, the answer and the rating each happen once, and
// escalation raises a complaint once per level and only while it waits for an answer.
func TestComplaintStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		places := []gongzhi.Place{
			{Code: "320000000000", Name: "江苏省", Level: 1},
			{Code: "320100000000", Name: "南京市", Level: 2, ParentCode: "320000000000"},
			{Code: "320116000000", Name: "六合区", Level: 3, ParentCode: "320100000000"},
			{Code: "320116004000", Name: "葛塘街道", Level: 4, ParentCode: "320116000000"},
			{Code: "320116004001", Name: "中山社区居委会", Level: 5, ParentCode: "320116004000"},
			{Code: "320116005000", Name: "长芦街道", Level: 4, ParentCode: "320116000000"},
			{Code: "320116005001", Name: "玉带社区居委会", Level: 5, ParentCode: "320116005000"},
		}
		if _, err := db.Q().UpsertPlaces(ctx, places, now); err != nil {
			t.Fatal(err)
		}
		add := func(code, community string, due time.Time) *gongzhi.Complaint {
			c := &gongzhi.Complaint{Code: code, Kind: "complaint", CommunityCode: community, Subject: "s", Description: "d",
				Route: gongzhi.RouteOffice, State: gongzhi.ComplaintOpen, DueAt: due, EscalateAt: due.Add(48 * time.Hour)}
			if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
				return q.InsertComplaint(ctx, c, "n", "p", "5678", "h", now)
			}); err != nil {
				t.Fatal(err)
			}
			return c
		}
		a := add("AAAAAAAAAA", "320116004001", now.Add(time.Hour))
		b := add("BBBBBBBBBB", "320116005001", now.Add(time.Hour))
		if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			return q.InsertComplaint(ctx, &gongzhi.Complaint{Code: "AAAAAAAAAA", Kind: "inquiry",
				CommunityCode: "320116004001", Subject: "s", Description: "d", Route: "office", State: "open", DueAt: now, EscalateAt: now}, "", "", "", "", now)
		}); !errors.As(err, new(*store.UniqueError)) {
			t.Fatalf("a duplicate tracking code: %v", err)
		}
		n, err := db.Q().ListComplaints(ctx, store.ComplaintScope{Prefix: "320116004"}, store.ListOptions{}, now, func(*store.ComplaintRow) error { return nil })
		if err != nil || n != 1 {
			t.Fatalf("street scope: %d %v", n, err)
		}
		r, err := db.Q().ComplaintByCode(ctx, "BBBBBBBBBB")
		if err != nil || r.ID != b.ID || r.Last4 != "5678" || r.CommunityName != "玉带社区居委会" {
			t.Fatalf("by code: %+v %v", r, err)
		}
		// Answer once.
		var first, second bool
		err = db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			ans := &gongzhi.ComplaintAnswer{Round: 1, Body: "ok", Role: gongzhi.RolePurchaser}
			if first, err = q.InsertComplaintAnswer(ctx, a.ID, ans, 0, gongzhi.ComplaintAnswered, now); err != nil {
				return err
			}
			second, err = q.InsertComplaintAnswer(ctx, a.ID, ans, 0, gongzhi.ComplaintAnswered, now)
			return err
		})
		if err != nil || !first || second {
			t.Fatalf("answers: %v %v %v", first, second, err)
		}
		// Rate once.
		err = db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			if first, err = q.RateComplaint(ctx, a.ID, 5, "", gongzhi.ComplaintClosed, now); err != nil {
				return err
			}
			second, err = q.RateComplaint(ctx, a.ID, 1, "", gongzhi.ComplaintClosed, now)
			return err
		})
		if err != nil || !first || second {
			t.Fatalf("ratings: %v %v %v", first, second, err)
		}
		// Escalation: b (still waiting) once per level; a (answered) never.
		escalate := func(at time.Time) []store.EscalatedComplaint {
			var out []store.EscalatedComplaint
			if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
				var err error
				out, err = q.EscalateComplaints(ctx, at)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if due, _ := db.Q().ComplaintsToEscalate(ctx, now); due || len(escalate(now)) != 0 {
			t.Fatal("escalated before the deadline")
		}
		later := now.Add(2 * time.Hour)
		if due, _ := db.Q().ComplaintsToEscalate(ctx, later); !due {
			t.Fatal("nothing to escalate past the deadline")
		}
		if e := escalate(later); len(e) != 1 || e[0].ID != b.ID || e[0].Level != 1 {
			t.Fatalf("level 1: %+v", e)
		}
		if e := escalate(later); len(e) != 0 {
			t.Fatalf("again: %+v", e)
		}
		if e := escalate(now.Add(72 * time.Hour)); len(e) != 1 || e[0].Level != 2 {
			t.Fatalf("level 2: %+v", e)
		}
		n, _ = db.Q().ListComplaints(ctx, store.ComplaintScope{}, store.ListOptions{Filters: map[string]string{"escalated": "2"}}, later,
			func(*store.ComplaintRow) error { return nil })
		if n != 1 {
			t.Fatalf("escalated filter: %d", n)
		}
	})
}
