// The ledger's kept totals (migration 0015): per contract, the active entries of each kind with
// their visits and volunteer minutes, and the distinct people they name, updated in the
// transaction of every ledger write (InsertEntry, UpdateEntry) so that the dashboard's indicator
// progress reads a few rows per contract instead of recounting every participation
// (docs/domain.md §4.2: progress is computed from the ledger, never typed in). RebuildLedgerTotals
// recomputes them from the ledger; RecountLedgerTotals counts without them (tests compare both).
//
// Concurrent writers on PostgreSQL stay exact: every change is an atomic upsert or UPDATE of
// the rows it touches (row locks until commit), and a person's row in ledger_recipients counts
// the active entries naming them, so "new person" is the upsert that leaves it at 1 and "person
// gone" the DELETE of a row back at 0; SQLite has a single writer.

package store

import (
	"context"
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
}

func inList(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

// applyLedgerChange adds (sign 1) or takes away (sign -1) one active entry from the kept totals.
func (q *Q) applyLedgerChange(ctx context.Context, c ledgerChange, sign int64) error {
	if _, err := q.Exec(ctx, `INSERT INTO ledger_totals (contract_id, kind, entries, visits, volunteer_minutes) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (contract_id, kind) DO UPDATE SET entries = ledger_totals.entries + excluded.entries,
		visits = ledger_totals.visits + excluded.visits, volunteer_minutes = ledger_totals.volunteer_minutes + excluded.volunteer_minutes`,
		c.contractID, c.kind, sign, sign*c.visits, sign*c.volunteerMinute); err != nil {
		return err
	}
	people := slices.Clone(c.people)
	slices.Sort(people) // the same lock order in every writer
	people = slices.Compact(people)
	if len(people) == 0 {
		return nil
	}
	var delta int64
	if sign > 0 {
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
		`INSERT INTO ledger_totals (contract_id, kind, entries, visits, volunteer_minutes)
			SELECT contract_id, kind, COUNT(*), COALESCE(SUM(visits), 0), COALESCE(SUM(volunteer_minutes), 0)
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
	return nil
}

// LedgerTotalsByContract returns the kept totals of each of the contracts (the dashboard's
// indicator progress): entries by kind, visits, volunteer minutes and distinct named people of
// its active entries, as LedgerTotals gives for one contract over its whole ledger. Contracts
// without active entries are missing from the map.
func (q *Q) LedgerTotalsByContract(ctx context.Context, ids []int64) (map[int64]*gongzhi.LedgerTotals, error) {
	return q.LedgerTotalsTagged(ctx, ids, nil)
}

// LedgerTotalsTagged is LedgerTotalsByContract with the entries by tag (ByTag) counted only for
// the contracts for which tagged answers true (nil: all): tags are not kept totals but read from
// each active entry of the contract, so a dashboard asks them only of the contracts that have an
// indicator counting by tag (issue 10: reading a city's million entries on every render).
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
		rows, err := q.Query(ctx, `SELECT contract_id, kind, entries, visits, volunteer_minutes FROM ledger_totals
			WHERE contract_id IN `+in+` AND entries > 0`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, n, visits, mins int64
			var kind string
			if err := rows.Scan(&id, &kind, &n, &visits, &mins); err != nil {
				rows.Close()
				return nil, mapErr(err)
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
		var targs []any
		for _, id := range chunk {
			if tagged == nil || tagged(id) {
				targs = append(targs, id)
			}
		}
		tw := &where{}
		tw.add("e.contract_id IN "+inList(len(targs)), targs...)
		tw.add("e.state = 'active'")
		if len(targs) == 0 {
			// no contract of the chunk counts by tag
		} else if err := q.tagTotals(ctx, tw, func(id int64, tag string) {
			t := get(id)
			if t.ByTag == nil {
				t.ByTag = map[string]int64{}
			}
			t.ByTag[tag]++
		}); err != nil {
			return nil, err
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
