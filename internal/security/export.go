// The audit log's export for the audit administrator: a date range, a user and an action,
// read in batches so that memory stays flat however long the range; the export itself is audited.

package security

import (
	"context"
	"strings"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// exportBatch is how many entries an export reads at a time.
const exportBatch = 1000

// ExportFilter is what an export asks for: the days from and to (YYYY-MM-DD, China time, both
// included; empty: unbounded), one user's entries (a username) and one action.
type ExportFilter struct {
	From   string `json:"from"`
	To     string `json:"to"`
	User   string `json:"user"`
	Action string `json:"action"`
	Format string `json:"format"` // xlsx (default) or csv
}

// ExportFormats are the formats an export is written in.
var ExportFormats = []string{"xlsx", "csv"}

func (f *ExportFilter) check() (store.AuditFilter, error) {
	fe := gongzhi.FieldErrors{}
	var out store.AuditFilter
	f.From, f.To, f.User, f.Action = strings.TrimSpace(f.From), strings.TrimSpace(f.To), strings.TrimSpace(f.User), strings.TrimSpace(f.Action)
	if f.From != "" {
		if t, ok := gongzhi.ParseDate(f.From); ok {
			out.From = t
		} else {
			fe.Add("from", "date.format")
		}
	}
	if f.To != "" {
		if t, ok := gongzhi.ParseDate(f.To); ok {
			out.To = t.AddDate(0, 0, 1)
		} else {
			fe.Add("to", "date.format")
		}
	}
	if !out.From.IsZero() && !out.To.IsZero() && !out.From.Before(out.To) {
		fe.Add("to", "audit.range")
	}
	if len(f.User) > 64 {
		fe.Add("user", "too_long:64")
	}
	if len(f.Action) > 64 {
		fe.Add("action", "too_long:64")
	}
	if f.Format == "" {
		f.Format = "xlsx"
	}
	if f.Format != "xlsx" && f.Format != "csv" {
		fe.Add("format", "audit.format")
	}
	out.User, out.Action = f.User, f.Action
	return out, fe.Err()
}

// ExportAudit records the export in the log, then returns the reader of its entries: each call
// of read passes every matching entry to each, in id order, a batch at a time (no rows are held
// open while each runs). The audit administrator only.
func (a *Service) ExportAudit(ctx context.Context, ac *gongzhi.Actor, f *ExportFilter) (read func(ctx context.Context, each func(*gongzhi.AuditEntry) error) error, err error) {
	if err := kernel.Allow(ac, MayExportAudit(ac)); err != nil {
		return nil, err
	}
	sf, err := f.check()
	if err != nil {
		return nil, err
	}
	note := "format=" + f.Format + "; from=" + f.From + "; to=" + f.To + "; user=" + f.User + "; action=" + f.Action
	if err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		return a.WriteAudit(ctx, q, ac, "export", ResAudit, "", nil, nil, note)
	}); err != nil {
		return nil, err
	}
	return func(ctx context.Context, each func(*gongzhi.AuditEntry) error) error {
		var after int64
		for {
			batch, err := a.DB.Q().AuditBatch(ctx, sf, after, exportBatch)
			if err != nil {
				return err
			}
			for _, e := range batch {
				gongzhi.MaskAuditEntry(e) // entries older than the masking too
				if err := each(e); err != nil {
					return err
				}
			}
			if len(batch) < exportBatch {
				return nil
			}
			after = batch[len(batch)-1].ID
		}
	}, nil
}
