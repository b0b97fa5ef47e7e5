package publogweb_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"gongzhi/internal/app"
	"gongzhi/internal/publog"
	"gongzhi/internal/site"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

// c2spClient reads a log over HTTP as the C2SP specifications describe it, with nothing of
// Gongzhi's own: paths built from tlog-tiles, checkpoints read from tlog-checkpoint and opened
// with sumdb/note, proofs checked by sumdb/tlog.
type c2spClient struct {
	t    *testing.T
	base string // ".../log/"
}

func (c *c2spClient) get(path string) []byte {
	c.t.Helper()
	res, err := http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		c.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return b
}

// tileIndex is tlog-tiles' <N>: three-digit path elements, all but the last prefixed with x.
func tileIndex(n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/", n%1000) + s
	}
	return s
}

func tilePath(level string, n int64, w int) string {
	p := "tile/" + level + "/" + tileIndex(n)
	if w < 256 {
		p += ".p/" + strconv.Itoa(w)
	}
	return p
}

func (c *c2spClient) Height() int { return 8 }

func (c *c2spClient) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		out[i] = c.get(tilePath(strconv.Itoa(t.L), t.N, t.W))
	}
	return out, nil
}

func (c *c2spClient) SaveTiles([]tlog.Tile, [][]byte) {}

// checkpoint opens a signed checkpoint with the verifier key and reads its three lines.
func (c *c2spClient) checkpoint(signed []byte, vkey string) tlog.Tree {
	c.t.Helper()
	v, err := note.NewVerifier(vkey)
	if err != nil {
		c.t.Fatal(err)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		c.t.Fatalf("checkpoint signature: %v\n%s", err, signed)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) != 4 || lines[3] != "" || lines[0] != v.Name() {
		c.t.Fatalf("checkpoint body %q (origin must be the key's name %q)", n.Text, v.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	root, err2 := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || err2 != nil || len(root) != 32 {
		c.t.Fatalf("checkpoint body %q", n.Text)
	}
	return tlog.Tree{N: size, Hash: tlog.Hash(root)}
}

// entries reads the records of an entry bundle: each a big-endian uint16 length and its bytes.
func (c *c2spClient) entries(n int64, w int) [][]byte {
	c.t.Helper()
	b := c.get(tilePath("entries", n, w))
	var out [][]byte
	for len(b) > 0 {
		l := int(binary.BigEndian.Uint16(b))
		out, b = append(out, b[2:2+l]), b[2+l:]
	}
	if len(out) != w {
		c.t.Fatalf("entry bundle %d.p/%d holds %d entries", n, w, len(out))
	}
	return out
}

// TestC2SPIndependently checks the served log with an independent client: every hash tile is
// authenticated against the signed checkpoint by tlog.TileHashReader and gives its root; every
// entry bundle is read and a sample of its records proved at their indexes; a later checkpoint is proved consistent
// with an earlier one (and a forged earlier one is not); and a receipt's C2SP tlog-proof,
// parsed by hand, proves its record, and fails with any byte of the record changed.
func TestC2SPIndependently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(db, demodb.Box(), demodb.Config, slog.New(slog.DiscardHandler))
		var seqs []int64
		add := func(n int) {
			for i := range n {
				if err := db.Transact(ctx, func(ctx context.Context, q *store.Q) error {
					seq, err := publog.Append(ctx, q, publog.Record{Type: "payment.made", Version: 1, Body: map[string]any{"payment_id": len(seqs) + i, "amount_fen": 100}})
					seqs = append(seqs, seq)
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := a.PubLog.Integrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		srv, err := site.New(a, slog.New(slog.DiscardHandler), web.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		c := &c2spClient{t: t, base: ts.URL + "/log/"}
		vkey := a.PubLog.VKey

		add(300)
		old := c.checkpoint(c.get("checkpoint"), vkey)
		add(213) // the second level-0 tile full, a partial third
		tree := c.checkpoint(c.get("checkpoint"), vkey)
		if old.N != 300 || tree.N != 513 {
			t.Fatalf("tree sizes %d, %d", old.N, tree.N)
		}
		hr := tlog.TileHashReader(tree, c)
		if root, err := tlog.TreeHash(tree.N, hr); err != nil || root != tree.Hash {
			t.Fatalf("the tiles give root %v (%v), the checkpoint %v", root, err, tree.Hash)
		}
		for n := int64(0); n*256 < tree.N; n++ {
			w := int(min(tree.N-n*256, 256))
			for i, e := range c.entries(n, w) {
				idx := n*256 + int64(i)
				if i%37 != 0 && idx != tree.N-1 && i != 255 {
					continue // a sample of the records, the last of each tile and of the tree among them
				}
				p, err := tlog.ProveRecord(tree.N, idx, hr)
				if err != nil {
					t.Fatal(err)
				}
				if err := tlog.CheckRecord(p, tree.N, tree.Hash, idx, tlog.RecordHash(e)); err != nil {
					t.Fatalf("record %d: %v", idx, err)
				}
			}
		}
		p, err := tlog.ProveTree(tree.N, old.N, hr)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckTree(p, tree.N, tree.Hash, old.N, old.Hash); err != nil {
			t.Fatalf("the later checkpoint is not consistent with the earlier: %v", err)
		}
		forged := old
		forged.Hash[5] ^= 0x20
		if tlog.CheckTree(p, tree.N, tree.Hash, forged.N, forged.Hash) == nil {
			t.Fatal("a forged earlier checkpoint passed as consistent")
		}

		// a receipt: the record, then a C2SP tlog-proof (index, proof hashes, checkpoint)
		text := string((&c2spClient{t: t, base: ts.URL}).get(fmt.Sprintf("/public/ledger/receipts/%d?format=text", seqs[257])))
		head, rest, _ := strings.Cut(text, "\n")
		record, rest, _ := strings.Cut(rest, "\n\n")
		proofText, signed, _ := strings.Cut(rest, "\n\n")
		lines := strings.Split(proofText, "\n")
		if head != "gongzhi.receipt@v1" || lines[0] != "c2sp.org/tlog-proof@v1" || !strings.HasPrefix(lines[1], "index ") {
			t.Fatalf("receipt:\n%s", text)
		}
		idx, err := strconv.ParseInt(strings.TrimPrefix(lines[1], "index "), 10, 64)
		if err != nil || idx != 257 {
			t.Fatalf("receipt index %q", lines[1])
		}
		var proof tlog.RecordProof
		for _, l := range lines[2:] {
			h, err := base64.StdEncoding.DecodeString(l)
			if err != nil || len(h) != 32 {
				t.Fatalf("proof line %q", l)
			}
			proof = append(proof, tlog.Hash(h))
		}
		rt := c.checkpoint([]byte(signed), vkey)
		if err := tlog.CheckRecord(proof, rt.N, rt.Hash, idx, tlog.RecordHash([]byte(record))); err != nil {
			t.Fatalf("the receipt does not prove its record: %v", err)
		}
		for i := range len(record) {
			b := []byte(record)
			b[i] ^= 0x01
			if tlog.CheckRecord(proof, rt.N, rt.Hash, idx, tlog.RecordHash(b)) == nil {
				t.Fatalf("the receipt proves its record with byte %d changed", i)
			}
		}
	})
}
