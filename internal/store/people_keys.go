// People's search keys and target-group rows: written beside every person on every write path
// (InsertPerson, UpdatePerson, InsertPeopleBatch), filled for stored people by migration 0013,
// and the conditions that search and filter with them through indexes (docs/lists.md).

package store

import (
	"context"
	"strings"
	"unicode"
)

// prefixRange is the condition "col starts with prefix" as an index range, in byte order on
// both databases (PostgreSQL compares in the "C" collation; the index is built so).
func (q *Q) prefixRange(col, prefix string) (string, []any) {
	if q.Dialect() == Postgres {
		col += ` COLLATE "C"`
	}
	return col + " >= ? AND " + col + " < ?", []any{prefix, prefix + "\U0010FFFF"}
}

// personSearch adds the search of a list of people: letters are the start of a name's pinyin
// (zhang, zhangwei) or of its initials (zw); digits the start of a phone number; anything else
// the start of the name (张, 张伟). The matches are first counted on their indexes, up to
// fewRows: few matches are written as "id IN (the index ranges)", which both planners start
// from; many (a common surname: 王 is one person in fifteen) are a check of each row, with no
// index, while the list walks its scope in its index order, where matches come often enough to
// fill a page soon, and the list's total then stops at walkCount (docs/lists.md).
func (q *Q) personSearch(ctx context.Context, w *where, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	letters, digits := true, true
	for _, r := range text {
		letters = letters && r < unicode.MaxASCII && unicode.IsLetter(r)
		digits = digits && r >= '0' && r <= '9'
	}
	cols := []string{"name"}
	switch {
	case letters:
		text = strings.ToLower(text)
		cols = []string{"name_py", "name_initials"}
	case digits:
		cols = []string{"phone"}
	}
	var ranges, counted, checks []string
	var args []any
	for _, c := range cols {
		r, a := q.prefixRange(c, text)
		ranges = append(ranges, "SELECT id FROM people WHERE "+r)
		// counted as the column itself, which its index holds: PostgreSQL's indexes do not hold
		// the id, and fetching each row to read it cost a common pinyin 90 ms at city scale
		counted = append(counted, "SELECT "+c+" FROM people WHERE "+r)
		args = append(args, a...)
		noIndex := "+pe." + c // SQLite: a unary + keeps the planner off the column's index
		if q.Dialect() == Postgres {
			noIndex = "(pe." + c + " || '')"
		}
		chk, _ := q.prefixRange(noIndex, text)
		checks = append(checks, "("+chk+")")
	}
	matches := strings.Join(ranges, " UNION ALL ")
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (`+strings.Join(counted, " UNION ALL ")+` LIMIT `+itoa(fewRows+1)+`) few`, args...).Scan(&n); err != nil {
		return mapErr(err)
	}
	if n <= fewRows {
		if q.Dialect() == Postgres {
			// PostgreSQL estimates a name's range from its histogram, for some names a hundred
			// times too many, and then walks the scope in its order probing each person for the
			// name (陶浩然 in the city: 145 people, 119,911 probed, 175 ms). Given the ids
			// themselves it starts from them: 3 ms.
			ids, err := q.ids(ctx, matches, args...)
			if err != nil {
				return err
			}
			w.add("pe.id = ANY(?)", ids)
			return nil
		}
		w.add("pe.id IN ("+matches+")", args...)
		return nil
	}
	w.add("("+strings.Join(checks, " OR ")+")", args...)
	w.countCap = walkCount
	return nil
}

// fewRows is how many matches of a filter count as few: a list starts from so few matches and
// sorts them, rather than walk its scope in order looking for them.
const fewRows = 2000

// walkCount is where the total of a list that checks each row of its scope (a common name or
// target group) stops: each row counted is a row read and checked, so beyond it the list says
// "more than walkCount" (docs/lists.md).
const walkCount = 500

// targetGroupFilter adds the filter "in target group code". A group of few people (counted up
// to fewRows on the index person_target_groups_code) is the list of its members, which the
// database starts from; a large group is a check of each row while the list
// walks its scope in order, where members are frequent enough to fill a page soon.
func (q *Q) targetGroupFilter(ctx context.Context, w *where, code string) error {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 AS one FROM person_target_groups WHERE code = ? LIMIT `+itoa(fewRows+1)+`) few`, code).Scan(&n)
	if err != nil {
		return mapErr(err)
	}
	if n <= fewRows {
		w.add("pe.id IN (SELECT person_id FROM person_target_groups WHERE code = ?)", code)
	} else {
		// the row's own list of groups (kept with its rows): a check of the row itself, which no
		// planner turns into a scan of the group's rows and a sort
		w.add("pe.target_groups LIKE ?", "%,"+code+",%")
		w.countCap = walkCount
	}
	return nil
}

// setPersonTargetGroups replaces the target-group rows of person id.
func (q *Q) setPersonTargetGroups(ctx context.Context, id int64, groups []string, replace bool) error {
	if replace {
		if _, err := q.Exec(ctx, `DELETE FROM person_target_groups WHERE person_id = ?`, id); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, g := range groups {
		if g == "" || seen[g] {
			continue
		}
		seen[g] = true
		if _, err := q.Exec(ctx, `INSERT INTO person_target_groups (person_id, code) VALUES (?, ?)`, id, g); err != nil {
			return err
		}
	}
	return nil
}

// insertTargetGroupRows adds the target-group rows of many people in multi-row statements.
func (q *Q) insertTargetGroupRows(ctx context.Context, ids []int64, groups [][]string) error {
	const batch = 400
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		b := []byte(`INSERT INTO person_target_groups (person_id, code) VALUES `)
		for i := 0; i < len(args)/2; i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, "(?, ?)"...)
		}
		_, err := q.Exec(ctx, string(b), args...)
		args = args[:0]
		return err
	}
	for i, id := range ids {
		seen := map[string]bool{}
		for _, g := range groups[i] {
			if g == "" || seen[g] {
				continue
			}
			seen[g] = true
			args = append(args, id, g)
			if len(args) >= batch*2 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// migrateListKeys is migration 0013's Go step: every stored person's name keys and target-group
// rows, then the byte-order indexes of names and phone numbers.
func migrateListKeys(ctx context.Context, q *Q) error {
	type person struct {
		id           int64
		name, groups string
	}
	var last int64
	for {
		var chunk []person
		rows, err := q.Query(ctx, `SELECT id, name, target_groups FROM people WHERE id > ? ORDER BY id LIMIT 2000`, last)
		if err != nil {
			return err
		}
		for rows.Next() {
			var p person
			if err := rows.Scan(&p.id, &p.name, &p.groups); err != nil {
				rows.Close()
				return mapErr(err)
			}
			chunk = append(chunk, p)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return mapErr(err)
		}
		if len(chunk) == 0 {
			break
		}
		ids := make([]int64, len(chunk))
		groups := make([][]string, len(chunk))
		for i, p := range chunk {
			py, ini := nameKeys(p.name)
			if _, err := q.Exec(ctx, `UPDATE people SET name_py = ?, name_initials = ? WHERE id = ?`, py, ini, p.id); err != nil {
				return err
			}
			ids[i], groups[i] = p.id, splitList(p.groups)
		}
		if err := q.insertTargetGroupRows(ctx, ids, groups); err != nil {
			return err
		}
		last = chunk[len(chunk)-1].id
	}
	collate := ""
	if q.Dialect() == Postgres {
		collate = ` COLLATE "C"`
	}
	for _, ix := range []string{
		`CREATE INDEX people_name ON people (name` + collate + `)`,
		`CREATE INDEX people_phone ON people (phone` + collate + `)`,
		`CREATE INDEX households_head ON households (head_name` + collate + `)`,
	} {
		if _, err := q.Exec(ctx, ix); err != nil {
			return err
		}
	}
	return nil
}
