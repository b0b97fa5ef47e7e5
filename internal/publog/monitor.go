// The monitor: the operator's comparison (`gongzhi log verify --db`) run from the database with
// the instance's own key, for the monitor_log job that raises what it finds as tamper alarms
// (internal/security; docs/ledger.md, "Tamper alarms").

package publog

import (
	"context"
	"fmt"
)

// KindLogInvalid is the kind of the Difference Monitor reports when the log itself does not
// verify (a tile, an entry bundle or a checkpoint changed in the database); its Index is -1.
const KindLogInvalid = "log_invalid"

// Monitor verifies the log as the database serves it (the checkpoint's signature with the
// instance's key, the tree recomputed from the entry bundles, every tile) and compares every
// record with the database rows it describes (CompareDB). A log that does not verify is one
// difference of kind KindLogInvalid. It writes nothing; types without a check are not
// differences.
func (l *Log) Monitor(ctx context.Context) ([]Difference, error) {
	q := l.DB.Q()
	v, err := Verify(ctx, DBFetcher(q), l.VKey, "", true)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if _, _, cerr := LatestCheckpoint(ctx, q); cerr != nil {
			return nil, fmt.Errorf("publog: monitor: %w", err) // no log yet, or no database: not tampering
		}
		return []Difference{{Index: -1, Type: "log", Kind: KindLogInvalid, Detail: err.Error()}}, nil
	}
	diffs, _, err := CompareDB(ctx, q, v.Records)
	return diffs, err
}
