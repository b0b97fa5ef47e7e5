package publogweb_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/app"
	"gongzhi/internal/publog"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The log is served under /log/ as C2SP tlog-tiles (checked over HTTP by Verify and by tlog's
// tile reader), full tiles immutable; the ledger page, a receipt's page, its text and the API
// answer without an account.
func TestServeLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(db, demodb.Box(), demodb.Config, slog.New(slog.DiscardHandler))
		var seqs []int64
		for i := range 300 {
			if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
				seq, err := publog.Append(ctx, q, publog.Record{Type: "payment.made", Version: 1, Body: map[string]any{"payment_id": i, "amount_fen": 100 * i}})
				seqs = append(seqs, seq)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.PubLog.Integrate(ctx); err != nil {
			t.Fatal(err)
		}
		srv, err := site.New(a, slog.New(slog.DiscardHandler), web.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		get := func(path string, status int) (*http.Response, string) {
			t.Helper()
			res, err := http.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != status {
				t.Fatalf("GET %s: %d, want %d\n%.400s", path, res.StatusCode, status, b)
			}
			return res, string(b)
		}
		v, err := publog.Verify(ctx, publog.HTTPFetcher(nil, ts.URL+"/log/"), a.PubLog.VKey, "", false)
		if err != nil || v.Checkpoint.Size != 300 {
			t.Fatalf("Verify over HTTP: %+v, %v", v, err)
		}
		res, _ := get("/log/tile/0/000", 200)
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("full tile Cache-Control %q", cc)
		}
		res, body := get("/log/tile/0/001.p/44", 200)
		if len(body) != 44*32 || strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("partial tile: %d bytes, Cache-Control %q", len(body), res.Header.Get("Cache-Control"))
		}
		get("/log/tile/entries/000", 200)
		get("/log/tile/entries/001.p/44", 200)
		get("/log/tile/entries/001.p/45", 404)
		get("/log/tile/0/001", 404)
		res, body = get("/log/checkpoint", 200)
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") || !strings.HasPrefix(body, a.PubLog.Origin+"\n300\n") {
			t.Errorf("checkpoint %q: %q", res.Header.Get("Content-Type"), body)
		}
		_, page := get("/public/ledger", 200)
		for _, want := range []string{"公开账本", strings.ReplaceAll(a.PubLog.VKey, "+", "&#43;"), "/public/ledger/receipts/" + strconv.FormatInt(seqs[299], 10)} {
			if !strings.Contains(page, want) {
				t.Errorf("ledger page lacks %q", want)
			}
		}
		seq := strconv.FormatInt(seqs[7], 10)
		_, page = get("/public/ledger/receipts/"+seq, 200)
		if !strings.Contains(page, "<svg") || !strings.Contains(page, "c2sp.org/tlog-proof@v1") {
			t.Error("receipt page lacks its QR code or its text")
		}
		_, text := get("/public/ledger/receipts/"+seq+"?format=text", 200)
		rec, _, r, err := publog.VerifyReceipt([]byte(text), a.PubLog.VKey)
		if err != nil || r.Index != 7 || rec.Int("payment_id") != 7 {
			t.Fatalf("receipt %v %+v: %v", r, rec, err)
		}
		_, js := get("/api/v1/public/ledger", 200)
		var o publog.Overview
		if err := json.Unmarshal([]byte(js), &o); err != nil || o.Size != 300 || o.VKey != a.PubLog.VKey || len(o.Recent) == 0 {
			t.Fatalf("API: %+v %v", o, err)
		}
		_, js = get("/api/v1/public/ledger/receipts/"+seq, 200)
		var rb struct{ Receipt string }
		if err := json.Unmarshal([]byte(js), &rb); err != nil || rb.Receipt != text {
			t.Fatalf("API receipt differs from the page's text: %v", err)
		}
		get("/public/ledger/receipts/999999", 404)
	})
}
