// The communities a ledger entry served, as rows (service_entry_communities, migration 0016):
// a community worker's ledger and the community filter read them through an index instead of
// matching the entry's list of communities with LIKE over every entry (docs/lists.md).

package store

import (
	"context"
)

// setEntryCommunities writes the rows of an entry's communities, each with the day it was held
// (a community's ledger reads them in that order, migration 0038); replace drops the old ones
// first (a corrected entry, whose day may have changed).
func (q *Q) setEntryCommunities(ctx context.Context, id int64, heldOn string, communities []string, replace bool) error {
	if replace {
		if _, err := q.Exec(ctx, `DELETE FROM service_entry_communities WHERE entry_id = ?`, id); err != nil {
			return err
		}
	}
	return q.insertEntryCommunities(ctx, []int64{id}, []string{heldOn}, [][]string{communities})
}

// insertEntryCommunities adds the rows of many entries' communities, heldOn[i] the day entry
// ids[i] was held; heldOn nil for migration 0016's rows, made before migration 0038 gave them
// their day (and filled it).
func (q *Q) insertEntryCommunities(ctx context.Context, ids []int64, heldOn []string, communities [][]string) error {
	type row struct {
		code, held string
		id         int64
	}
	var rs []row
	for i, id := range ids {
		seen := map[string]bool{}
		for _, c := range communities[i] {
			if c != "" && !seen[c] {
				seen[c] = true
				r := row{code: c, id: id}
				if heldOn != nil {
					r.held = heldOn[i]
				}
				rs = append(rs, r)
			}
		}
	}
	if heldOn == nil {
		return q.multiInsert(ctx, `INSERT INTO service_entry_communities (community_code, entry_id)`, "", 2, len(rs),
			func(i int, args []any) []any { return append(args, rs[i].code, rs[i].id) }, nil)
	}
	return q.multiInsert(ctx, `INSERT INTO service_entry_communities (community_code, entry_id, held_on)`, "", 3, len(rs),
		func(i int, args []any) []any { return append(args, rs[i].code, rs[i].id, rs[i].held) }, nil)
}

// fillEntryCommunities is migration 0016's Go step: the rows of every stored entry, read 5,000
// entries at a time.
func (q *Q) fillEntryCommunities(ctx context.Context) error {
	var last int64
	for {
		rows, err := q.Query(ctx, `SELECT id, communities FROM service_entries WHERE id > ? ORDER BY id LIMIT 5000`, last)
		if err != nil {
			return err
		}
		var ids []int64
		var comms [][]string
		for rows.Next() {
			var id int64
			var c string
			if err := rows.Scan(&id, &c); err != nil {
				rows.Close()
				return mapErr(err)
			}
			ids, comms = append(ids, id), append(comms, splitList(c))
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return mapErr(err)
		}
		if len(ids) == 0 {
			return nil
		}
		if err := q.insertEntryCommunities(ctx, ids, nil, comms); err != nil {
			return err
		}
		last = ids[len(ids)-1]
	}
}
