// Verification anyone can run against any instance (`gongzhi log verify URL`): the signed
// checkpoint, the whole tree recomputed from the entry bundles, every hash tile compared with
// it, and consistency with the last checkpoint the verifier saw.

package publog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// Fetcher returns the resource at a path under the log's prefix ("checkpoint", "tile/0/000",
// "tile/entries/x001/002.p/7").
type Fetcher func(ctx context.Context, path string) ([]byte, error)

// HTTPFetcher fetches from a log served at prefix ("https://host/log/").
func HTTPFetcher(c *http.Client, prefix string) Fetcher {
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	prefix = strings.TrimSuffix(prefix, "/") + "/"
	return func(ctx context.Context, path string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, prefix+path, nil)
		if err != nil {
			return nil, err
		}
		res, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s", prefix+path, res.Status)
		}
		return io.ReadAll(io.LimitReader(res.Body, 1<<24))
	}
}

// TileReader reads a log's tiles through a Fetcher, for tlog.TileHashReader, which checks
// each tile it reads against the tree hash it was given.
type TileReader struct {
	Ctx   context.Context
	Fetch Fetcher
}

// Height is C2SP's tile height, 8.
func (t *TileReader) Height() int { return TileHeight }

// ReadTiles fetches the tiles.
func (t *TileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, x := range tiles {
		b, err := t.Fetch(t.Ctx, TilePath(x.L, x.N, x.W))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// SaveTiles keeps nothing.
func (t *TileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// Verified is what Verify checked.
type Verified struct {
	Checkpoint Checkpoint
	Signed     string
	// Previous is the checkpoint the verifier had seen before, nil for a first run.
	Previous *Checkpoint
	// Records are the log's records in index order when Verify was asked to keep them.
	Records [][]byte
}

// Verify fetches the log's checkpoint and checks its signature with vkey; fetches every entry
// bundle and recomputes the tree from the records (RFC 6962, tlog.StoredHashes), requiring its
// root to be the checkpoint's; compares every hash tile with the recomputed hashes; and, given
// the checkpoint seen last (signed note, "" for none), proves the new tree consistent with it
// (tlog.ProveTree and tlog.CheckTree). keep keeps the records for the caller (the operator's
// comparison with the database).
func Verify(ctx context.Context, fetch Fetcher, vkey, previous string, keep bool) (*Verified, error) {
	signed, err := fetch(ctx, "checkpoint")
	if err != nil {
		return nil, err
	}
	c, err := OpenCheckpoint(signed, vkey)
	if err != nil {
		return nil, err
	}
	v := &Verified{Checkpoint: c, Signed: string(signed)}
	var prev *Checkpoint
	if previous != "" {
		p, err := OpenCheckpoint([]byte(previous), vkey)
		if err != nil {
			return nil, fmt.Errorf("the checkpoint seen before: %w", err)
		}
		if p.Size > c.Size {
			return nil, fmt.Errorf("the log shrank: %d records now, %d at the checkpoint seen before", c.Size, p.Size)
		}
		prev, v.Previous = &p, &p
	}
	hashes := make([]tlog.Hash, 0, tlog.StoredHashCount(c.Size))
	mem := tlog.HashReaderFunc(func(ids []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(ids))
		for i, id := range ids {
			if id < 0 || id >= int64(len(hashes)) {
				return nil, fmt.Errorf("hash %d not computed", id)
			}
			out[i] = hashes[id]
		}
		return out, nil
	})
	for n := int64(0); n<<TileHeight < c.Size; n++ {
		w := int(min(c.Size-n<<TileHeight, 1<<TileHeight))
		b, err := fetch(ctx, TilePath(-1, n, w))
		if err != nil {
			return nil, err
		}
		es, err := SplitBundle(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", TilePath(-1, n, w), err)
		}
		if len(es) != w {
			return nil, fmt.Errorf("%s: %d entries, want %d", TilePath(-1, n, w), len(es), w)
		}
		for i, e := range es {
			hs, err := tlog.StoredHashes(n<<TileHeight+int64(i), e, mem)
			if err != nil {
				return nil, err
			}
			hashes = append(hashes, hs...)
			if keep {
				v.Records = append(v.Records, e)
			}
		}
	}
	root := emptyRoot
	if c.Size > 0 {
		if root, err = tlog.TreeHash(c.Size, mem); err != nil {
			return nil, err
		}
	}
	if root != c.Root {
		return nil, fmt.Errorf("the records do not make the checkpoint's tree: root %s, checkpoint %s", root, c.Root)
	}
	for _, t := range tlog.NewTiles(TileHeight, 0, c.Size) {
		want, err := tlog.ReadTileData(t, mem)
		if err != nil {
			return nil, err
		}
		got, err := fetch(ctx, TilePath(t.L, t.N, t.W))
		if err != nil {
			return nil, err
		}
		if string(got) != string(want) {
			return nil, fmt.Errorf("tile %s differs from the tree the records make", TilePath(t.L, t.N, t.W))
		}
	}
	if prev != nil && prev.Size > 0 {
		p, err := tlog.ProveTree(c.Size, prev.Size, mem)
		if err != nil {
			return nil, err
		}
		if err := tlog.CheckTree(p, c.Size, c.Root, prev.Size, prev.Root); err != nil {
			return nil, fmt.Errorf("the log is not consistent with the checkpoint seen before (size %d): %w", prev.Size, err)
		}
	}
	return v, nil
}

// ErrInconsistent is returned by CheckConsistency for a new checkpoint that does not extend an
// old one.
var ErrInconsistent = errors.New("checkpoints are not consistent")

// CheckConsistency proves, with a tile reader authenticated against the new checkpoint
// (tlog.TileHashReader), that the new checkpoint's tree extends the old one's.
func CheckConsistency(ctx context.Context, fetch Fetcher, old, new Checkpoint) error {
	if old.Size > new.Size {
		return ErrInconsistent
	}
	if old.Size == 0 {
		return nil
	}
	hr := tlog.TileHashReader(tlog.Tree{N: new.Size, Hash: new.Root}, &TileReader{Ctx: ctx, Fetch: fetch})
	p, err := tlog.ProveTree(new.Size, old.Size, hr)
	if err != nil {
		return err
	}
	if err := tlog.CheckTree(p, new.Size, new.Root, old.Size, old.Root); err != nil {
		return fmt.Errorf("%w: %v", ErrInconsistent, err)
	}
	return nil
}
