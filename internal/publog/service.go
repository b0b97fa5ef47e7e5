// What the ledger's public page and API show: the log's key and origin, its latest checkpoint,
// the latest records, and receipts.

package publog

import (
	"context"
	"strings"
	"time"

	"gongzhi"
)

// Overview is the ledger's public summary.
type Overview struct {
	Origin     string    `json:"origin"`
	VKey       string    `json:"vkey"`
	Size       int64     `json:"size"`
	Root       string    `json:"root"`
	Checkpoint string    `json:"checkpoint"` // the signed note
	SignedAt   time.Time `json:"signed_at,omitzero"`
	Pending    int       `json:"pending"`
	Recent     []Item    `json:"recent"`
}

// Item is one integrated record as the page lists it.
type Item struct {
	Seq     int64  `json:"seq"`
	Index   int64  `json:"index"`
	Type    string `json:"type"`
	Version int    `json:"version"`
	Entry   string `json:"entry"` // the canonical bytes
}

// recentShown is how many of the latest records the page lists.
const recentShown = 20

// Overview returns the ledger's key, origin, latest checkpoint and latest records. Anyone may
// read it (MayReadLedger).
func (l *Log) Overview(ctx context.Context) (*Overview, error) {
	q := l.DB.Q()
	o := &Overview{Origin: l.Origin, VKey: l.VKey, Recent: []Item{}}
	signed, at, err := q.LatestLogCheckpoint(ctx)
	switch {
	case gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND:
	case err != nil:
		return nil, err
	default:
		body, _, _ := strings.Cut(signed, "\n\n")
		c, err := ParseCheckpoint(body + "\n")
		if err != nil {
			return nil, err
		}
		o.Checkpoint, o.Size, o.Root, o.SignedAt = signed, c.Size, c.Root.String(), at
	}
	if o.Pending, err = q.CountPendingLogRecords(ctx); err != nil {
		return nil, err
	}
	recs, err := q.IntegratedLogRecords(ctx, o.Size, recentShown)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		o.Recent = append(o.Recent, Item{Seq: r.Seq, Index: r.Index, Type: r.Type, Version: r.Version, Entry: r.Entry})
	}
	return o, nil
}

// Receipt returns the receipt of the record with sequence number seq against the latest
// checkpoint. Records hold no personal data and the log is public, so anyone may have any
// record's receipt (MayReadLedger); ENOTFOUND for an unknown record or one still pending.
func (l *Log) Receipt(ctx context.Context, seq int64) (*Receipt, error) {
	return MakeReceipt(ctx, l.DB.Q(), seq)
}

// ServeLog returns a resource of the log under /log/ (see Serve).
func (l *Log) ServeLog(ctx context.Context, path string) ([]byte, bool, error) {
	return Serve(ctx, l.DB.Q(), path)
}
