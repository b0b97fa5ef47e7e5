// The names a published monthly supervision report must not contain, kept by the ledger and the
// complaints: the month's ledger participants and the sealed contacts of the month's complaints.

package store

import (
	"context"
	"time"
)

// LedgerParticipantNames returns the names of the registry's people who took part in ledger
// entries held in [from, to] (YYYY-MM-DD) by contracts whose entries lie at prefix and below.
func (q *Q) LedgerParticipantNames(ctx context.Context, prefix, from, to string) ([]string, error) {
	w := &where{}
	w.under("se.place_code", prefix)
	w.add("se.held_on >= ? AND se.held_on <= ?", from, to)
	return q.queryStrings(ctx, `SELECT DISTINCT p.name FROM service_entry_people sp
		JOIN service_entries se ON se.id = sp.entry_id JOIN people p ON p.id = sp.person_id`+w.sql(), w.args...)
}

// ComplaintNamesSealed returns the sealed contact names of the complaints about communities at
// prefix and below submitted in [from, to).
func (q *Q) ComplaintNamesSealed(ctx context.Context, prefix string, from, to time.Time) ([]string, error) {
	w := &where{}
	w.under("community_code", prefix)
	w.add("created_at >= ? AND created_at < ?", from.UTC(), to.UTC())
	w.add("contact_name_enc <> ''")
	return q.queryStrings(ctx, `SELECT contact_name_enc FROM complaints`+w.sql(), w.args...)
}

// queryStrings runs a query of one text column and returns its values.
func (q *Q) queryStrings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, n)
	}
	return out, mapErr(rows.Err())
}
