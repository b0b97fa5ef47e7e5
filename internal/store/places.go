// Places: the division tree, with bulk upsert for the national list.

package store

import (
	"context"
	"database/sql"
	"time"

	"gongzhi"
)

const placeCols = `p.code, p.name, p.level, COALESCE(p.parent_code, ''), COALESCE(pp.name, ''), p.updated_at,
	(SELECT COUNT(*) FROM places c WHERE c.parent_code = p.code)`

func scanPlace(s scanner) (*gongzhi.Place, error) {
	var p gongzhi.Place
	err := s.Scan(&p.Code, &p.Name, &p.Level, &p.ParentCode, &p.ParentName, &p.UpdatedAt, &p.Children)
	return &p, mapErr(err)
}

func placeScope(w *where, col string, s Scope) {
	if s.None {
		w.add("1 = 0")
	} else if s.Prefix != "" {
		w.under(col, s.Prefix)
	}
}

// GetPlace returns a place within scope.
func (q *Q) GetPlace(ctx context.Context, s Scope, code string) (*gongzhi.Place, error) {
	w := &where{}
	w.add("p.code = ?", code)
	placeScope(w, "p.code", s)
	return scanPlace(q.QueryRow(ctx, "SELECT "+placeCols+" FROM places p LEFT JOIN places pp ON pp.code = p.parent_code"+w.sql(), w.args...))
}

// PlaceExists reports whether a code is on the list, ignoring scope.
func (q *Q) PlaceExists(ctx context.Context, code string) (level int, err error) {
	err = q.QueryRow(ctx, `SELECT level FROM places WHERE code = ?`, code).Scan(&level)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return level, mapErr(err)
}

var placeSorts = map[string]string{"code": "p.code", "name": "p.name", "level": "p.level", "updated_at": "p.updated_at"}

// ListPlaces lists places. Filters: level, parent (code of the direct parent), under (prefix).
func (q *Q) ListPlaces(ctx context.Context, s Scope, opts ListOptions, each func(*gongzhi.Place) error) (int, error) {
	w := &where{}
	placeScope(w, "p.code", s)
	w.search(opts.Q, "p.name", "p.code")
	if v := opts.Filters["level"]; v != "" {
		w.add("p.level = ?", atoiOr(v, -1))
	}
	if v := opts.Filters["parent"]; v != "" {
		w.add("p.parent_code = ?", v)
	}
	if v := opts.Filters["under"]; v != "" {
		lvl, _ := q.PlaceExists(ctx, v)
		w.under("p.code", gongzhi.PlacePrefix(v, lvl))
		w.add("p.code <> ?", v)
	}
	return list(ctx, q, placeCols, "places p LEFT JOIN places pp ON pp.code = p.parent_code", w,
		orderBy(opts, placeSorts, "p.code", "p.code"), opts, scanPlace, each)
}

// PlacesAtLevel are the codes and names of the places of a level within scope, by code: a
// dashboard's communities (a city's 289 in a fraction of ListPlaces's time, which also counts
// each place's children and names its parent).
func (q *Q) PlacesAtLevel(ctx context.Context, s Scope, level int) ([]gongzhi.NamedCode, error) {
	w := &where{}
	placeScope(w, "p.code", s)
	w.add("p.level = ?", level)
	rows, err := q.Query(ctx, `SELECT p.code, p.name FROM places p`+w.sql()+` ORDER BY p.code`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []gongzhi.NamedCode{}
	for rows.Next() {
		var n gongzhi.NamedCode
		if err := rows.Scan(&n.Code, &n.Name); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, n)
	}
	return out, mapErr(rows.Err())
}

// InsertPlace adds one place.
func (q *Q) InsertPlace(ctx context.Context, p *gongzhi.Place, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO places (code, name, level, parent_code, updated_at) VALUES (?, ?, ?, ?, ?)`,
		p.Code, p.Name, p.Level, nullStr(p.ParentCode), now.UTC())
	return err
}

// UpdatePlaceName renames a place.
func (q *Q) UpdatePlaceName(ctx context.Context, code, name string, now time.Time) error {
	_, err := q.Exec(ctx, `UPDATE places SET name = ?, updated_at = ? WHERE code = ?`, name, now.UTC(), code)
	return err
}

// UpsertPlaces inserts new places and renames or re-parents changed ones, leaving identical rows
// untouched, and reports how many rows it inserted or changed. Rows go in batches of one
// multi-row statement each.
func (q *Q) UpsertPlaces(ctx context.Context, ps []gongzhi.Place, now time.Time) (changed int64, err error) {
	const batch = 500 // 5 parameters a row: within SQLite's and PostgreSQL's limits
	for start := 0; start < len(ps); start += batch {
		end := min(start+batch, len(ps))
		var b []byte
		args := make([]any, 0, (end-start)*5)
		b = append(b, "INSERT INTO places (code, name, level, parent_code, updated_at) VALUES "...)
		for i := start; i < end; i++ {
			if i > start {
				b = append(b, ',')
			}
			b = append(b, "(?, ?, ?, ?, ?)"...)
			p := &ps[i]
			args = append(args, p.Code, p.Name, p.Level, nullStr(p.ParentCode), now.UTC())
		}
		b = append(b, ` ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
			parent_code = excluded.parent_code, updated_at = excluded.updated_at
			WHERE places.name <> excluded.name OR places.level <> excluded.level
			OR COALESCE(places.parent_code, '') <> COALESCE(excluded.parent_code, '')`...)
		res, err := q.Exec(ctx, string(b), args...)
		if err != nil {
			return changed, err
		}
		n, _ := res.RowsAffected()
		changed += n
	}
	return changed, nil
}

// CountPlaces returns the number of places.
func (q *Q) CountPlaces(ctx context.Context) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM places`).Scan(&n)
	return n, mapErr(err)
}

func atoiOr(s string, def int) int {
	n := 0
	if s == "" {
		return def
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return def
		}
	}
	return n
}
