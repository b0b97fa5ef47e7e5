// The ledger's kept totals (migrations 0015 and 0036): per contract, the active entries of each
// kind with their visits and volunteer minutes, the entries of each kind carrying each tag, and
// the distinct people they name, updated in the transaction of every ledger write (InsertEntry,
// UpdateEntry) so that the dashboard's indicator progress reads a few rows per contract instead
// of recounting every participation or reading every entry's tags (docs/domain.md §4.2: progress
// is computed from the ledger, never typed in). RebuildLedgerTotals recomputes them from the
// ledger; RecountLedgerTotals counts without them (tests compare both).
//
// Concurrent writers on PostgreSQL stay exact: every change is an atomic upsert or UPDATE of
// the rows it touches (row locks until commit), and a person's row in ledger_recipients counts
// the active entries naming them, so "new person" is the upsert that leaves it at 1 and "person
// gone" the DELETE of a row back at 0; SQLite has a single writer.

package store

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"gongzhi"
)

// ledgerChange is what one entry adds to (sign 1) or takes from (sign -1) its contract's totals.
type ledgerChange struct {
	contractID              int64
	kind                    string
	visits, volunteerMinute int64
	people                  []int64
	tags                    []string
}

// totalRow is a row of ledger_totals a change adds to: its kind's (tag "") or one of its tags'.
type totalRow struct {
	tag                              string
	entries, visits, volunteerMinute int64
}

// rows are the ledger_totals rows of the change, its kind's first, then its tags' in order, each
// tag once (counted as often as the entry carries it, as a recount counts it).
func (c ledgerChange) rows(sign int64) []totalRow {
	out := []totalRow{{"", sign, sign * c.visits, sign * c.volunteerMinute}}
	tags := slices.Clone(c.tags)
	slices.Sort(tags) // the same lock order in every writer
	for _, t := range tags {
		if t == "" {
			continue
		}
		if last := &out[len(out)-1]; last.tag == t {
			last.entries += sign
			continue
		}
		out = append(out, totalRow{t, sign, 0, 0})
	}
	return out
}

const upsertTotalsHead = `INSERT INTO ledger_totals (contract_id, kind, tag, entries, visits, volunteer_minutes)`

const upsertTotalsTail = ` ON CONFLICT (contract_id, kind, tag) DO UPDATE SET entries = ledger_totals.entries + excluded.entries,
		visits = ledger_totals.visits + excluded.visits, volunteer_minutes = ledger_totals.volunteer_minutes + excluded.volunteer_minutes`

func inList(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

// applyLedgerChange adds (sign 1) or takes away (sign -1) one active entry from the kept totals.
func (q *Q) applyLedgerChange(ctx context.Context, c ledgerChange, sign int64) error {
	rs := c.rows(sign)
	if err := q.multiInsert(ctx, upsertTotalsHead, upsertTotalsTail, 6, len(rs), func(i int, args []any) []any {
		return append(args, c.contractID, c.kind, rs[i].tag, rs[i].entries, rs[i].visits, rs[i].volunteerMinute)
	}, nil); err != nil {
		return err
	}
	people := slices.Clone(c.people)
	slices.Sort(people) // the same lock order in every writer
	people = slices.Compact(people)
	if len(people) == 0 {
		return nil
	}
	var delta int64
	if sign > 0 && q.d == SQLite {
		// SQLite's one writer holds the database: the people already counted are one UPDATE,
		// and only when some are new an INSERT of those (an Exec each, cheaper than the
		// upsert's RETURNING rows that a concurrent PostgreSQL writer needs)
		args := make([]any, 0, 1+len(people))
		args = append(args, c.contractID)
		for _, p := range people {
			args = append(args, p)
		}
		res, err := q.Exec(ctx, `UPDATE ledger_recipients SET entries = entries + 1 WHERE contract_id = ? AND person_id IN `+inList(len(people)), args...)
		if err != nil {
			return err
		}
		seen, err := res.RowsAffected()
		if err != nil {
			return mapErr(err)
		}
		if int(seen) < len(people) {
			if err := q.multiInsert(ctx, `INSERT INTO ledger_recipients (contract_id, person_id, entries)`, ` ON CONFLICT (contract_id, person_id) DO NOTHING`,
				3, len(people), func(i int, args []any) []any { return append(args, c.contractID, people[i], 1) }, nil); err != nil {
				return err
			}
			delta = int64(len(people)) - seen
		}
	} else if sign > 0 {
		var b strings.Builder
		args := make([]any, 0, 2*len(people))
		b.WriteString(`INSERT INTO ledger_recipients (contract_id, person_id, entries) VALUES `)
		for i, p := range people {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, 1)")
			args = append(args, c.contractID, p)
		}
		b.WriteString(` ON CONFLICT (contract_id, person_id) DO UPDATE SET entries = ledger_recipients.entries + 1 RETURNING entries`)
		rows, err := q.Query(ctx, b.String(), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n int64
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return mapErr(err)
			}
			if n == 1 {
				delta++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return mapErr(err)
		}
	} else {
		args := make([]any, 0, 1+len(people))
		args = append(args, c.contractID)
		for _, p := range people {
			args = append(args, p)
		}
		in := inList(len(people))
		if _, err := q.Exec(ctx, `UPDATE ledger_recipients SET entries = entries - 1 WHERE contract_id = ? AND person_id IN `+in, args...); err != nil {
			return err
		}
		res, err := q.Exec(ctx, `DELETE FROM ledger_recipients WHERE contract_id = ? AND person_id IN `+in+` AND entries <= 0`, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return mapErr(err)
		}
		delta = -n
	}
	if delta == 0 {
		return nil
	}
	_, err := q.Exec(ctx, `INSERT INTO ledger_people (contract_id, people) VALUES (?, ?)
		ON CONFLICT (contract_id) DO UPDATE SET people = ledger_people.people + excluded.people`, c.contractID, delta)
	return err
}

// RebuildLedgerTotals recomputes the kept totals from the ledger. It runs in a transaction
// (db.Transact) with no ledger write under way: migration 0015 and bulk loaders after loading
// call it; on PostgreSQL it locks the ledger against writers until it commits.
func (q *Q) RebuildLedgerTotals(ctx context.Context) error {
	stmts := []string{
		`DELETE FROM ledger_people`,
		`DELETE FROM ledger_recipients`,
		`DELETE FROM ledger_totals`,
		`INSERT INTO ledger_totals (contract_id, kind, tag, entries, visits, volunteer_minutes)
			SELECT contract_id, kind, '', COUNT(*), COALESCE(SUM(visits), 0), COALESCE(SUM(volunteer_minutes), 0)
			FROM service_entries WHERE state = 'active' GROUP BY contract_id, kind`,
		`INSERT INTO ledger_recipients (contract_id, person_id, entries)
			SELECT e.contract_id, sp.person_id, COUNT(*) FROM service_entry_people sp JOIN service_entries e ON e.id = sp.entry_id
			WHERE e.state = 'active' GROUP BY e.contract_id, sp.person_id`,
		`INSERT INTO ledger_people (contract_id, people) SELECT contract_id, COUNT(*) FROM ledger_recipients GROUP BY contract_id`,
	}
	if q.d == Postgres && q.tx != nil {
		stmts = append([]string{`LOCK TABLE service_entries, service_entry_people IN SHARE MODE`,
			`LOCK TABLE ledger_totals, ledger_recipients, ledger_people IN EXCLUSIVE MODE`}, stmts...)
	}
	for _, s := range stmts {
		if _, err := q.Exec(ctx, s); err != nil {
			return err
		}
	}
	return q.rebuildTagTotals(ctx)
}

// rebuildTagTotals adds the rows of the tags (ledger_totals with a tag) from the active entries
// that carry tags, read 5,000 at a time: the list of an entry's tags is split here, alike on both
// databases.
func (q *Q) rebuildTagTotals(ctx context.Context) error {
	type key struct {
		contract  int64
		kind, tag string
	}
	counts := map[key]int64{}
	var last int64
	for {
		rows, err := q.Query(ctx, `SELECT id, contract_id, kind, tags FROM service_entries
			WHERE id > ? AND state = 'active' AND tags <> '' ORDER BY id LIMIT 5000`, last)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var id, contract int64
			var kind, tags string
			if err := rows.Scan(&id, &contract, &kind, &tags); err != nil {
				rows.Close()
				return mapErr(err)
			}
			for _, t := range splitList(tags) {
				if t != "" {
					counts[key{contract, kind, t}]++
				}
			}
			last, n = id, n+1
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return mapErr(err)
		}
		if n == 0 {
			break
		}
	}
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.contract, b.contract), strings.Compare(a.kind, b.kind), strings.Compare(a.tag, b.tag))
	})
	return q.multiInsert(ctx, upsertTotalsHead, "", 6, len(keys), func(i int, args []any) []any {
		k := keys[i]
		return append(args, k.contract, k.kind, k.tag, counts[k], 0, 0)
	}, nil)
}

// rebuildLedgerTotals0015 is migration 0015's Go step. It fills nothing: migration 0036 drops
// the tables 0015 made and rebuilds their successors from the ledger (RebuildLedgerTotals), which
// reads columns 0015's ledger_totals lacks.
func rebuildLedgerTotals0015(context.Context, *Q) error { return nil }

// LedgerTotalsByContract returns the kept totals of each of the contracts (the dashboard's
// indicator progress): entries by kind, visits, volunteer minutes and distinct named people of
// its active entries, as LedgerTotals gives for one contract over its whole ledger. Contracts
// without active entries are missing from the map.
func (q *Q) LedgerTotalsByContract(ctx context.Context, ids []int64) (map[int64]*gongzhi.LedgerTotals, error) {
	return q.LedgerTotalsTagged(ctx, ids, nil)
}

// LedgerTotalsTagged is LedgerTotalsByContract with the entries by tag (ByTag) given only for
// the contracts for which tagged answers true (nil: all); both are kept totals (migration 0036),
// read together.
func (q *Q) LedgerTotalsTagged(ctx context.Context, ids []int64, tagged func(id int64) bool) (map[int64]*gongzhi.LedgerTotals, error) {
	out := map[int64]*gongzhi.LedgerTotals{}
	get := func(id int64) *gongzhi.LedgerTotals {
		if out[id] == nil {
			out[id] = &gongzhi.LedgerTotals{ByKind: map[string]int64{}}
		}
		return out[id]
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		in := inList(len(chunk))
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.Query(ctx, `SELECT contract_id, kind, tag, entries, visits, volunteer_minutes FROM ledger_totals
			WHERE contract_id IN `+in+` AND entries > 0`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, n, visits, mins int64
			var kind, tag string
			if err := rows.Scan(&id, &kind, &tag, &n, &visits, &mins); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			if tag != "" {
				if tagged == nil || tagged(id) {
					t := get(id)
					if t.ByTag == nil {
						t.ByTag = map[string]int64{}
					}
					t.ByTag[tag] += n
				}
				continue
			}
			t := get(id)
			t.ByKind[kind] = n
			t.Entries += n
			t.Visits += visits
			t.VolunteerMinutes += mins
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
		rows, err = q.Query(ctx, `SELECT contract_id, people FROM ledger_people WHERE contract_id IN `+in+` AND people > 0`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, n int64
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			get(id).People = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

// RecountLedgerTotals counts, from the ledger itself, what LedgerTotalsByContract keeps (a
// check of the kept totals; it reads every participation of the contracts).
func (q *Q) RecountLedgerTotals(ctx context.Context, ids []int64) (map[int64]*gongzhi.LedgerTotals, error) {
	out := map[int64]*gongzhi.LedgerTotals{}
	for _, id := range ids {
		t, _, err := q.LedgerTotals(ctx, id, "", "")
		if err != nil {
			return nil, err
		}
		if t.Entries > 0 || t.People > 0 {
			out[id] = &t
		}
	}
	return out, nil
}
