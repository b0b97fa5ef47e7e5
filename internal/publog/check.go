// The operator's monitor (`gongzhi log verify --db`): every record on the log compared with the
// database — the ledger's own rows first, then the business rows each record describes, by the
// check its capability registered for the record's type. A row edited directly in the database
// (a payment's amount, a seal of the audit log) no longer matches the record the log holds and
// signed, and is reported.

package publog

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"gongzhi/internal/store"
)

// Check compares a record with the database rows it describes and returns what differs ("" when
// nothing does). A row the record names that no longer exists is a difference.
type Check func(ctx context.Context, q *store.Q, rec Record) (string, error)

var checks = struct {
	sync.Mutex
	by map[string]Check // by "type/version"
}{by: map[string]Check{}}

// RegisterCheck registers the check of a record type and version; the capability that appends
// such records registers it (in its package's init).
func RegisterCheck(typ string, version int, c Check) {
	checks.Lock()
	defer checks.Unlock()
	checks.by[typ+"/"+strconv.Itoa(version)] = c
}

func checkOf(typ string, version int) Check {
	checks.Lock()
	defer checks.Unlock()
	return checks.by[typ+"/"+strconv.Itoa(version)]
}

// Difference is one record that differs from the database.
type Difference struct {
	Index  int64
	Type   string
	Kind   string // record_changed, record_missing, row_differs, unchecked
	Detail string
}

func (d Difference) String() string {
	return fmt.Sprintf("#%d %s %s: %s", d.Index, d.Type, d.Kind, d.Detail)
}

// CompareDB compares the log's records (leaves, in index order, as Verify kept them) with the
// database: each must be the entry of its row in publog_records, and match the business rows it
// describes. Types without a registered check are counted as unchecked, not as differences.
func CompareDB(ctx context.Context, q *store.Q, leaves [][]byte) (diffs []Difference, unchecked map[string]int, err error) {
	recs, err := q.IntegratedLogRecords(ctx, int64(len(leaves)), 0)
	if err != nil {
		return nil, nil, err
	}
	stored := make(map[int64]string, len(recs))
	for _, r := range recs {
		stored[r.Index] = r.Entry
	}
	unchecked = map[string]int{}
	for i, leaf := range leaves {
		idx := int64(i)
		rec, err := Decode(leaf)
		if err != nil {
			diffs = append(diffs, Difference{Index: idx, Kind: "record_changed", Detail: err.Error()})
			continue
		}
		switch e, ok := stored[idx]; {
		case !ok:
			diffs = append(diffs, Difference{Index: idx, Type: rec.Type, Kind: "record_missing", Detail: "no row in publog_records"})
		case e != string(leaf):
			diffs = append(diffs, Difference{Index: idx, Type: rec.Type, Kind: "record_changed", Detail: "publog_records holds " + e})
		}
		c := checkOf(rec.Type, rec.Version)
		if c == nil {
			unchecked[rec.Type+" v"+strconv.Itoa(rec.Version)]++
			continue
		}
		d, err := c(ctx, q, rec)
		if err != nil {
			return diffs, unchecked, fmt.Errorf("check record %d (%s): %w", idx, rec.Type, err)
		}
		if d != "" {
			diffs = append(diffs, Difference{Index: idx, Type: rec.Type, Kind: "row_differs", Detail: d})
		}
	}
	sort.SliceStable(diffs, func(i, j int) bool { return diffs[i].Index < diffs[j].Index })
	return diffs, unchecked, nil
}

// Int reads an integer field of a decoded record (0 when absent or not an integer).
func (r Record) Int(field string) int64 {
	switch v := r.Body[field].(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case interface{ Int64() (int64, error) }: // json.Number
		n, _ := v.Int64()
		return n
	}
	return 0
}

// Str reads a string field of a record ("" when absent or not a string).
func (r Record) Str(field string) string {
	s, _ := r.Body[field].(string)
	return s
}

// Differ collects the fields of a record that differ from a row's: Field(name, want, got) for
// each, then String.
type Differ struct{ out []string }

// Field notes a field whose value in the record (rec) differs from the database's (db).
func (d *Differ) Field(name string, rec, db any) {
	if fmt.Sprint(rec) != fmt.Sprint(db) {
		d.out = append(d.out, fmt.Sprintf("%s: ledger %v, database %v", name, rec, db))
	}
}

// String is the differences, "" for none.
func (d *Differ) String() string {
	s := ""
	for i, x := range d.out {
		if i > 0 {
			s += "; "
		}
		s += x
	}
	return s
}
