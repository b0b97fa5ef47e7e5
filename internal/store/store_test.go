package store_test

import (
	"context"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func TestMigrationsNumbered(t *testing.T) {
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || store.LatestVersion() != len(ms) {
		t.Fatalf("migrations: %d, latest %d", len(ms), store.LatestVersion())
	}
}

func TestStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
		// migrating again applies nothing
		if n, err := db.Migrate(ctx); err != nil || n != 0 {
			t.Fatalf("second migrate: %d, %v", n, err)
		}
		places := []gongzhi.Place{
			{Code: "320000000000", Name: "江苏省", Level: 1},
			{Code: "320100000000", Name: "南京市", Level: 2, ParentCode: "320000000000"},
			{Code: "320116000000", Name: "六合区", Level: 3, ParentCode: "320100000000"},
			{Code: "320116004000", Name: "葛塘街道", Level: 4, ParentCode: "320116000000"},
			{Code: "320116004001", Name: "中山社区居委会", Level: 5, ParentCode: "320116004000"},
			{Code: "320116005001", Name: "别的社区", Level: 5, ParentCode: "320116004000"},
		}
		n, err := db.Q().UpsertPlaces(ctx, places, now)
		if err != nil || n != int64(len(places)) {
			t.Fatalf("upsert: %d, %v", n, err)
		}
		if n, err := db.Q().UpsertPlaces(ctx, places, now.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("second upsert changed %d rows, %v", n, err)
		}
		places[4].Name = "中山社区"
		if n, err := db.Q().UpsertPlaces(ctx, places, now); err != nil || n != 1 {
			t.Fatalf("rename upsert changed %d rows, %v", n, err)
		}
		street := store.Scope{Prefix: "320116004"}
		p, err := collectPlaces(db, street)
		if err != nil || len(p) != 2 {
			t.Fatalf("scoped places: %v %v", p, err)
		}
		if _, err := db.Q().GetPlace(ctx, street, "320116005001"); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("out of scope place: %v", err)
		}
		got, err := db.Q().GetPlace(ctx, street, "320116004001")
		if err != nil || got.Name != "中山社区" || got.ParentName != "葛塘街道" {
			t.Fatalf("get place: %+v %v", got, err)
		}

		o := &gongzhi.Organization{Name: "测试社工", CreditCode: "52320116MJ0000001X", Type: "professional", RegState: "registered",
			Origin: "local", PlaceCode: "320116004000", ServiceFields: []string{"elderly"}, Incubation: "none"}
		if err := db.Q().InsertOrganization(ctx, o, now); err != nil {
			t.Fatal(err)
		}
		o2 := *o
		err = db.Q().InsertOrganization(ctx, &o2, now)
		if !store.IsUnique(err, "credit_code") {
			t.Fatalf("duplicate credit code: %v", err)
		}
		err = db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			o3 := *o
			o3.CreditCode = ""
			o3.Name = "rolled back"
			if err := q.InsertOrganization(ctx, &o3, now); err != nil {
				return err
			}
			return gongzhi.Invalid("x", "y")
		})
		if gongzhi.ErrorCode(err) != gongzhi.EINVALID {
			t.Fatal(err)
		}
		page, err := collectOrgs(ctx, db.Q(), store.Scope{}, store.ListOptions{Q: "rolled"})
		if err != nil || page.Total != 0 {
			t.Fatalf("rolled back org visible: %+v %v", page, err)
		}
		page, err = collectOrgs(ctx, db.Q(), street, store.ListOptions{Filters: map[string]string{"service_field": "elderly"}, Limit: 10})
		if err != nil || page.Total != 1 || page.Items[0].CreatedAt.IsZero() {
			t.Fatalf("orgs: %+v %v", page, err)
		}
		if _, err := db.Q().GetOrganization(ctx, store.Scope{OrgID: o.ID + 1}, o.ID); gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			t.Fatalf("other org visible: %v", err)
		}
		// time round trip
		u := &gongzhi.User{Username: "u1", DisplayName: "U", Role: gongzhi.RolePurchaser, PlaceCode: "320116004000"}
		if err := db.Q().InsertUser(ctx, u, "hash", now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Q().RecordLoginFailure(ctx, u.ID, 1, now.Add(time.Minute), false); err != nil {
			t.Fatal(err)
		}
		gu, err := db.Q().GetUser(ctx, u.ID)
		if err != nil || !gu.LockedUntil.Equal(now.Add(time.Minute)) || !gu.Locked(now) || !gu.CreatedAt.Equal(now) {
			t.Fatalf("user: %+v %v", gu, err)
		}
	})
}

func collectPlaces(db *store.DB, s store.Scope) ([]*gongzhi.Place, error) {
	var out []*gongzhi.Place
	_, err := db.Q().ListPlaces(context.Background(), s, store.ListOptions{}, func(p *gongzhi.Place) error { out = append(out, p); return nil })
	return out, err
}

// collectOrgs gathers one page of organizations as ListOrganizations passes them.
func collectOrgs(ctx context.Context, q *store.Q, s store.Scope, opts store.ListOptions) (store.Page[*gongzhi.Organization], error) {
	var p store.Page[*gongzhi.Organization]
	total, err := q.ListOrganizations(ctx, s, opts, func(o *gongzhi.Organization) error { p.Items = append(p.Items, o); return nil })
	p.Total = total
	return p, err
}

// TestPoolRefusedInTx: a statement on the pool with a transaction's context panics with
// ErrPoolInTx instead of waiting for a second connection (see DB.Q).
func TestPoolRefusedInTx(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var got any
		err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			defer func() { got = recover() }()
			var n int
			return db.Q().QueryRow(ctx, `SELECT 1`).Scan(&n)
		})
		if got != store.ErrPoolInTx {
			t.Fatalf("pool inside a transaction: recovered %v (err %v), want ErrPoolInTx", got, err)
		}
		var n int
		if err := db.Q().QueryRow(ctx, `SELECT 1`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("pool outside a transaction: %d, %v", n, err)
		}
	})
}
