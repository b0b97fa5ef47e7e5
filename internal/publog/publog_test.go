package publog_test

import (
	"context"
	"os"
	"testing"

	"gongzhi/internal/publog"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// newLog returns the log of a fresh database with a fixed secret key.
func newLog(t testing.TB, db *store.DB) *publog.Log {
	t.Helper()
	return newLogKey(t, db, 0)
}

// newLogKey returns the log of db with a secret key of bytes k.
func newLogKey(t testing.TB, db *store.DB, k byte) *publog.Log {
	t.Helper()
	key := make([]byte, secret.KeySize)
	for i := range key {
		key[i] = k
	}
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	l, err := publog.New(db, box, "gongzhi.example/test")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// appendN appends n records, each in a transaction of its own.
func appendN(t testing.TB, db *store.DB, from, n int) []int64 {
	t.Helper()
	var seqs []int64
	for i := from; i < from+n; i++ {
		err := db.Transact(context.Background(), func(ctx context.Context, q *store.Q) error {
			seq, err := publog.Append(ctx, q, publog.Record{Type: "test.counted", Version: 1,
				Body: map[string]any{"i": i, "who": publog.Pseudonym([]byte("k"), int64(i)), "tags": []string{"a", "b"}}})
			seqs = append(seqs, seq)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return seqs
}

func TestEncode(t *testing.T) {
	r := publog.Record{Type: "payment.made", Version: 1, Body: map[string]any{"amount_fen": int64(12345), "contract": "HT-1<2>", "b": true}}
	got, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"payment.made","v":1,"body":{"amount_fen":12345,"b":true,"contract":"HT-1<2>"}}`
	if string(got) != want {
		t.Fatalf("Encode = %s, want %s", got, want)
	}
	back, err := publog.Decode(got)
	if err != nil || back.Type != r.Type {
		t.Fatalf("Decode = %+v, %v", back, err)
	}
	if _, err := publog.Decode([]byte(`{"type":"payment.made","v":1,"body":{"b":true,"amount_fen":12345}}`)); err == nil {
		t.Fatal("Decode accepted unsorted keys")
	}
	for name, bad := range map[string]publog.Record{
		"type":    {Type: "Payment", Version: 1},
		"version": {Type: "a.b", Version: 0},
		"float":   {Type: "a.b", Version: 1, Body: map[string]any{"x": 1.5}},
		"field":   {Type: "a.b", Version: 1, Body: map[string]any{"X y": 1}},
	} {
		if _, err := bad.Encode(); err == nil {
			t.Errorf("%s: Encode accepted %+v", name, bad)
		}
	}
}

func TestPseudonym(t *testing.T) {
	a, b := publog.Pseudonym([]byte("k1"), 7), publog.Pseudonym([]byte("k1"), 7)
	if a != b || len(a) != 26 {
		t.Fatalf("pseudonym %q, %q", a, b)
	}
	if a == publog.Pseudonym([]byte("k2"), 7) || a == publog.Pseudonym([]byte("k1"), 8) {
		t.Fatal("pseudonyms collide across keys or people")
	}
}

func TestAppendOutsideTransaction(t *testing.T) {
	db := storetest.SQLite(t)
	if _, err := publog.Append(context.Background(), db.Q(), publog.Record{Type: "a.b", Version: 1}); err == nil {
		t.Fatal("Append outside a transaction was accepted")
	}
}

// A rolled-back transaction takes its record with it.
func TestAppendRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := os.ErrInvalid
		err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			if _, err := publog.Append(ctx, q, publog.Record{Type: "a.b", Version: 1}); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatal(err)
		}
		var n int
		if err := db.Q().QueryRow(ctx, `SELECT COUNT(*) FROM publog_records`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("records after rollback: %d, %v", n, err)
		}
	})
}
