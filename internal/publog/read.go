// Reading the log as C2SP tlog-tiles serves it: the latest checkpoint, hash tiles and entry
// bundles by their paths, and the hashes of the tree for proofs.

package publog

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"gongzhi"
	"gongzhi/internal/store"
)

// LatestCheckpoint returns the latest signed checkpoint and its body; ENOTFOUND before the
// first integration.
func LatestCheckpoint(ctx context.Context, q *store.Q) (string, Checkpoint, error) {
	signed, _, err := q.LatestLogCheckpoint(ctx)
	if err != nil {
		return "", Checkpoint{}, err
	}
	body, _, _ := strings.Cut(signed, "\n\n")
	c, err := ParseCheckpoint(body + "\n")
	return signed, c, err
}

// TilePath returns a tile's path under the log's prefix in C2SP tlog-tiles form:
// "tile/<L>/<N>[.p/<W>]", or "tile/entries/<N>[.p/<W>]" for level -1, N in groups of three
// digits ("x001/234"). A full tile has width 256 (or 0).
func TilePath(level int, n int64, width int) string {
	t := tlog.Tile{H: TileHeight, L: level, N: n, W: width}
	if width == 0 {
		t.W = 1 << TileHeight
	}
	p := strings.TrimPrefix(t.Path(), "tile/8/") // tlog writes sumdb's paths: tile/H/L/N
	if rest, ok := strings.CutPrefix(p, "data/"); ok {
		return "tile/entries/" + rest
	}
	return "tile/" + p
}

// ParseTilePath reads a C2SP tile path ("tile/0/x001/234.p/5", "tile/entries/000"): the level
// (-1 for entries), the number and the width (256 for a full tile).
func ParseTilePath(path string) (level int, n int64, width int, err error) {
	rest, ok := strings.CutPrefix(path, "tile/")
	if !ok {
		return 0, 0, 0, errors.New("not a tile path")
	}
	if r, ok := strings.CutPrefix(rest, "entries/"); ok {
		rest = "data/" + r
	}
	t, err := tlog.ParseTilePath("tile/8/" + rest)
	if err != nil {
		return 0, 0, 0, err
	}
	if t.L > 63 {
		return 0, 0, 0, errors.New("level too high")
	}
	return t.L, t.N, t.W, nil
}

// ReadTile returns a tile of a level (-1: an entry bundle) and number at a width (256: full).
// A narrower partial tile is the prefix of the stored one. ENOTFOUND for a tile the log has not
// reached.
func ReadTile(ctx context.Context, q *store.Q, level int, n int64, width int) ([]byte, error) {
	w, data, err := q.LogTile(ctx, level, n)
	if err != nil {
		return nil, err
	}
	if w < width || width < 1 {
		return nil, gongzhi.NotFound()
	}
	if level >= 0 {
		return data[:width*tlog.HashSize], nil
	}
	return bundlePrefix(data, width)
}

// bundlePrefix returns the first k entries of an entry bundle.
func bundlePrefix(b []byte, k int) ([]byte, error) {
	off := 0
	for i := 0; i < k; i++ {
		if off+2 > len(b) {
			return nil, errors.New("publog: short entry bundle")
		}
		off += 2 + int(binary.BigEndian.Uint16(b[off:]))
	}
	if off > len(b) {
		return nil, errors.New("publog: short entry bundle")
	}
	return b[:off], nil
}

// SplitBundle returns the entries of an entry bundle.
func SplitBundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("entry bundle: truncated length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, errors.New("entry bundle: truncated entry")
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}

// Entry is an integrated record as the log holds it.
type Entry struct {
	Seq   int64
	Index int64
	Data  []byte
}

// EntryBySeq returns the integrated record of a sequence number; ENOTFOUND while it is pending.
func EntryBySeq(ctx context.Context, q *store.Q, seq int64) (Entry, error) {
	e := Entry{Seq: seq}
	r, err := q.LogRecordBySeq(ctx, seq)
	if err != nil {
		return e, err
	}
	if r.Index < 0 {
		return e, gongzhi.NotFound()
	}
	e.Index, e.Data = r.Index, []byte(r.Entry)
	return e, nil
}

// checkSize refuses an index beyond a tree.
func checkSize(idx, size int64) error {
	if idx < 0 || idx >= size {
		return fmt.Errorf("publog: index %d outside the tree of %d", idx, size)
	}
	return nil
}

// Serve returns the resource at a path under the log's prefix, as /log/ serves it: the latest
// signed checkpoint at "checkpoint", hash tiles and entry bundles at their C2SP paths. It also
// reports whether the resource is immutable (a full tile). ENOTFOUND for anything else.
func Serve(ctx context.Context, q *store.Q, path string) ([]byte, bool, error) {
	if path == "checkpoint" {
		signed, _, err := LatestCheckpoint(ctx, q)
		return []byte(signed), false, err
	}
	level, n, w, err := ParseTilePath(path)
	if err != nil || TilePath(level, n, w) != path {
		return nil, false, gongzhi.NotFound()
	}
	b, err := ReadTile(ctx, q, level, n, w)
	return b, w == 1<<TileHeight, err
}

// DBFetcher is a Fetcher reading the log straight from the database (tests, and the operator's
// `gongzhi log verify --db` without a URL).
func DBFetcher(q *store.Q) Fetcher {
	return func(ctx context.Context, path string) ([]byte, error) {
		b, _, err := Serve(ctx, q, path)
		return b, err
	}
}
