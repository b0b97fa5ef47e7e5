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

// nestedPanic runs fn and returns what it panicked with.
func nestedPanic(fn func()) (p any) {
	defer func() { p = recover() }()
	fn()
	return nil
}

// A statement started while the goroutine holds open rows panics in tests, on the pool and in a
// transaction; once the rows are closed (or read to the end), statements run again; a list's
// callback may read, because list closes its rows before the first callback.
func TestNoReadWhileRowsOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
		places := []gongzhi.Place{
			{Code: "320000000000", Name: "江苏省", Level: 1},
			{Code: "320100000000", Name: "南京市", Level: 2, ParentCode: "320000000000"},
		}
		if _, err := db.Q().UpsertPlaces(ctx, places, now); err != nil {
			t.Fatal(err)
		}
		q := db.Q()
		rows, err := q.Query(ctx, `SELECT code FROM places ORDER BY code`)
		if err != nil {
			t.Fatal(err)
		}
		p := nestedPanic(func() { q.QueryRow(ctx, `SELECT COUNT(*) FROM places`).Scan(new(int)) })
		if err, _ := p.(error); !errors.Is(err, store.ErrNestedRead) {
			t.Fatalf("a read with rows open on the pool: panic %v, want ErrNestedRead", p)
		}
		for rows.Next() {
		}
		// read to the end: released
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM places`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("count after the rows ended: %d %v", n, err)
		}
		rows.Close()

		err = db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			rows, err := q.Query(ctx, `SELECT code FROM places ORDER BY code`)
			if err != nil {
				return err
			}
			p := nestedPanic(func() { q.Exec(ctx, `UPDATE places SET name = name WHERE code = ?`, "320000000000") })
			if err, _ := p.(error); !errors.Is(err, store.ErrNestedRead) {
				t.Errorf("a write with rows open in a transaction: panic %v, want ErrNestedRead", p)
			}
			rows.Close()
			_, err = q.Exec(ctx, `UPDATE places SET name = name WHERE code = ?`, "320000000000")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		// another goroutine's open rows are no concern of this one
		rows, err = q.Query(ctx, `SELECT code FROM places ORDER BY code`)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error)
		go func() { done <- q.QueryRow(ctx, `SELECT COUNT(*) FROM places`).Scan(new(int)) }()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		rows.Close()

		// a list's callback reads freely
		var names []string
		if _, err := q.ListPlaces(ctx, store.Scope{}, store.ListOptions{}, func(pl *gongzhi.Place) error {
			got, err := q.GetPlace(ctx, store.Scope{}, pl.Code)
			if err == nil {
				names = append(names, got.Name)
			}
			return err
		}); err != nil || len(names) != 2 {
			t.Fatalf("list with reads in its callback: %v %v", names, err)
		}
	})
}
