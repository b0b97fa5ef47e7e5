// What the ledger's public page and API show: the log's key and origin, its latest checkpoint,
// the latest records, and receipts.

package publog

import (
	"context"
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
	signed, c, err := LatestCheckpoint(ctx, q)
	switch {
	case gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND:
	case err != nil:
		return nil, err
	default:
		o.Checkpoint, o.Size, o.Root = signed, c.Size, c.Root.String()
		if err := q.QueryRow(ctx, `SELECT created_at FROM publog_checkpoints WHERE size = ?`, c.Size).Scan(&o.SignedAt); err != nil {
			return nil, storeErr(err)
		}
	}
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM publog_records WHERE idx IS NULL`).Scan(&o.Pending); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id, idx, type, version, entry FROM publog_records WHERE idx IS NOT NULL AND idx < ?
		ORDER BY idx DESC LIMIT ?`, o.Size, recentShown)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.Seq, &it.Index, &it.Type, &it.Version, &it.Entry); err != nil {
			return nil, err
		}
		o.Recent = append(o.Recent, it)
	}
	return o, rows.Err()
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
