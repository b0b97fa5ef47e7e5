// Bulk loading: multi-row inserts of grids, households, ledger entries and their participants
// for the city generator (internal/citygen) and the bulk imports, in statements of a few hundred
// rows each, inside the caller's transaction. People go through InsertPeopleBatch (people.go),
// so that every column people carry is filled in one place.

package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gongzhi"
)

// rowsPerStatement keeps a multi-row statement under SQLite's 32,766 and PostgreSQL's 65,535
// parameters.
func rowsPerStatement(cols int) int { return min(1000, 30000/cols) }

// multiInsert runs "head VALUES (…), (…) tail" for n rows of cols parameters each, asking row(i)
// for the arguments of row i, in statements of rowsPerStatement rows; each statement's result
// rows (a RETURNING tail) go to scan.
func (q *Q) multiInsert(ctx context.Context, head, tail string, cols, n int, row func(i int, args []any) []any,
	scan func(r *Rows) error) error {
	per := rowsPerStatement(cols)
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var b strings.Builder
		b.Grow(len(head) + (end-start)*(len(one)+1) + len(tail))
		b.WriteString(head)
		b.WriteString(" VALUES ")
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteByte(',')
			}
			b.WriteString(one)
			args = row(i, args)
		}
		b.WriteString(tail)
		if scan == nil {
			if _, err := q.Exec(ctx, b.String(), args...); err != nil {
				return err
			}
			continue
		}
		rows, err := q.Query(ctx, b.String(), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// InsertGridsBatch adds grids and sets their IDs. Codes must be unique within each community.
func (q *Q) InsertGridsBatch(ctx context.Context, gs []*gongzhi.Grid, now time.Time) error {
	byKey := make(map[string]*gongzhi.Grid, len(gs))
	for _, g := range gs {
		byKey[g.CommunityCode+"\x00"+g.Code] = g
	}
	t := now.UTC()
	return q.multiInsert(ctx, `INSERT INTO grids (community_code, code, name, leader, phone, team, notes, created_at, updated_at)`,
		` RETURNING id, community_code, code`, 9, len(gs), func(i int, args []any) []any {
			g := gs[i]
			return append(args, g.CommunityCode, g.Code, g.Name, g.Leader, g.Phone, g.Team, g.Notes, t, t)
		}, func(r *Rows) error {
			var id int64
			var community, code string
			if err := r.Scan(&id, &community, &code); err != nil {
				return mapErr(err)
			}
			if g := byKey[community+"\x00"+code]; g != nil {
				g.ID, g.UpdatedAt = id, now
			}
			return nil
		})
}

// InsertHouseholdsBatch adds households and sets their IDs. Every household needs a code
// (户编号), unique within its community: the IDs are matched back by it.
func (q *Q) InsertHouseholdsBatch(ctx context.Context, hs []*gongzhi.Household, now time.Time) error {
	byKey := make(map[string]*gongzhi.Household, len(hs))
	for _, h := range hs {
		if h.Code == "" {
			return fmt.Errorf("store: bulk household without a code: %s", h.Address)
		}
		byKey[h.CommunityCode+"\x00"+h.Code] = h
	}
	t := now.UTC()
	return q.multiInsert(ctx, `INSERT INTO households (community_code, grid_id, code, address, head_name, phone, members, notes, created_at, updated_at)`,
		` RETURNING id, community_code, code`, 10, len(hs), func(i int, args []any) []any {
			h := hs[i]
			return append(args, h.CommunityCode, nullID(h.GridID), h.Code, h.Address, h.HeadName, h.Phone, h.Members, h.Notes, t, t)
		}, func(r *Rows) error {
			var id int64
			var community, code string
			if err := r.Scan(&id, &community, &code); err != nil {
				return mapErr(err)
			}
			if h := byKey[community+"\x00"+code]; h != nil {
				h.ID, h.UpdatedAt = id, now
			}
			return nil
		})
}

// ResidentIDs returns the IDs of the residents registered in a community, in ID order.
func (q *Q) ResidentIDs(ctx context.Context, community string) ([]int64, error) {
	return q.ids(ctx, `SELECT id FROM people WHERE place_code = ? AND kind = 'resident' ORDER BY id`, community)
}

// NextID returns one more than the largest ID of a table (one of the bulk-loaded tables), for a
// loader that numbers its rows itself while it is the only writer.
func (q *Q) NextID(ctx context.Context, table string) (int64, error) {
	switch table {
	case "service_entries", "grid_members", "events":
	default:
		return 0, fmt.Errorf("store: NextID of %q", table)
	}
	var id int64
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM `+table).Scan(&id)
	return id, mapErr(err)
}

// BulkEntry is a ledger entry with its named participants, as the city generator writes them.
type BulkEntry struct {
	gongzhi.ServiceEntry
	CreatedAt time.Time
}

// InsertEntriesBatch adds ledger entries with the IDs they carry (from NextID) and their named
// participants (PersonID and PlaceCode of each). It writes no audit rows: it is for loading
// generated history, not for the write path (internal/ledger). Call FixSequence afterwards.
func (q *Q) InsertEntriesBatch(ctx context.Context, es []BulkEntry) error {
	err := q.multiInsert(ctx, `INSERT INTO service_entries (id, contract_id, org_id, place_code, kind, title, held_on, start_time,
		end_time, minutes, venue, communities, target_groups, counted, visits, volunteers, volunteer_minutes, summary, state,
		version, created_name, created_at, updated_at)`, "", 23, len(es), func(i int, args []any) []any {
		e := &es[i]
		t := e.CreatedAt.UTC()
		return append(args, e.ID, e.ContractID, e.OrgID, e.PlaceCode, e.Kind, e.Title, e.HeldOn, e.StartTime, e.EndTime,
			e.Minutes, e.Venue, joinList(e.Communities), joinList(e.TargetGroups), e.Counted, e.Visits, "[]", 0, e.Summary,
			gongzhi.EntryActive, 1, e.CreatedBy, t, t)
	}, nil)
	if err != nil {
		return err
	}
	ids := make([]int64, len(es))
	held := make([]string, len(es))
	comms := make([][]string, len(es))
	for i := range es {
		ids[i], held[i], comms[i] = es[i].ID, es[i].HeldOn, es[i].Communities
	}
	if err := q.insertEntryCommunities(ctx, ids, held, comms); err != nil {
		return err
	}
	type part struct {
		entry, contract, person int64
		place                   string
	}
	var ps []part
	for i := range es {
		for _, p := range es[i].Participants {
			ps = append(ps, part{es[i].ID, es[i].ContractID, p.PersonID, p.PlaceCode})
		}
	}
	return q.multiInsert(ctx, `INSERT INTO service_entry_people (entry_id, contract_id, person_id, place_code)`, "", 4, len(ps),
		func(i int, args []any) []any {
			return append(args, ps[i].entry, ps[i].contract, ps[i].person, ps[i].place)
		}, nil)
}

// FixSequence moves PostgreSQL's identity sequence of a table past the IDs a bulk load set
// itself (SQLite's AUTOINCREMENT follows by itself).
func (q *Q) FixSequence(ctx context.Context, table string) error {
	if q.d != Postgres {
		return nil
	}
	_, err := q.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT COALESCE(MAX(id), 1) FROM `+table+`))`)
	return err
}

// Analyze refreshes the planner's statistics after a bulk load. On PostgreSQL it vacuums too:
// a freshly loaded table's pages are not yet marked all-visible, so an index-only scan (a list's
// bounded count) would still read every row from the table. It runs outside a transaction.
func (q *Q) Analyze(ctx context.Context) error {
	stmt := `ANALYZE`
	if q.d == Postgres {
		stmt = `VACUUM (ANALYZE)`
	}
	_, err := q.Exec(ctx, stmt)
	return err
}

// AnalyzeTables refreshes the planner's statistics of a few tables during a bulk load. A table a
// migration analyzed while it was empty is known to PostgreSQL as empty, and a check of a
// foreign key into it then scans it instead of reading its index: a load that writes the rows of
// such a table and then rows that refer to them slows with every batch until the statistics
// say otherwise. Tables are names of the code, not input.
func (q *Q) AnalyzeTables(ctx context.Context, tables ...string) error {
	for _, t := range tables {
		if _, err := q.Exec(ctx, `ANALYZE `+t); err != nil {
			return err
		}
	}
	return nil
}

// GridCodes returns the grids of a community: grid number → ID.
func (q *Q) GridCodes(ctx context.Context, community string) (map[string]int64, error) {
	return q.codes(ctx, `SELECT code, id FROM grids WHERE community_code = ?`, community)
}

// HouseholdCodes returns the households of a community that have a code: code → ID.
func (q *Q) HouseholdCodes(ctx context.Context, community string) (map[string]int64, error) {
	return q.codes(ctx, `SELECT code, id FROM households WHERE community_code = ? AND code <> ''`, community)
}

func (q *Q) codes(ctx context.Context, query, community string) (map[string]int64, error) {
	rows, err := q.Query(ctx, query, community)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return nil, mapErr(err)
		}
		m[code] = id
	}
	return m, mapErr(rows.Err())
}

// BulkCache gives the transaction's SQLite connection a page cache of 256 MiB for a bulk load,
// so that the indexes of a million rows are not written back and read again through the
// default 2 MiB cache (no effect on PostgreSQL). It lasts as long as the connection.
func (q *Q) BulkCache(ctx context.Context) error {
	if q.d != SQLite {
		return nil
	}
	_, err := q.Exec(ctx, `PRAGMA cache_size = -262144`)
	return err
}
