package store

// SQLite's planner stability guarantee (qpsg.go) is on for every connection of the pool: a
// statement is planned from the statistics alone, whatever value is bound, so the kept
// statements are not planned anew at each use.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

func TestSQLitePlannerStable(t *testing.T) {
	ctx := context.Background()
	db, run := bareSQLite(t, "qpsg.db")
	// skewed: a is 1 on every row but five, b spreads evenly (200 rows a value)
	for _, s := range []string{`CREATE TABLE skew (id INTEGER PRIMARY KEY, a INT, b INT)`, `CREATE INDEX skew_a ON skew (a)`, `CREATE INDEX skew_b ON skew (b)`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
		 INSERT INTO skew (a, b) SELECT CASE WHEN i <= 5 THEN i + 1 ELSE 1 END, i % 100 FROM n`, `ANALYZE`} {
		run(s)
	}
	plan := func(c *sql.Conn, a int) string {
		rows, err := c.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT id FROM skew WHERE a = ? AND b = ?`, a, 7)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			out = append(out, detail)
		}
		return strings.Join(out, "; ")
	}
	// several connections at once, so that the pool opens more than one
	var conns []*sql.Conn
	for range 3 {
		c, err := db.SQL.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i, c := range conns {
		var on bool
		if err := c.Raw(func(dc any) error {
			sc, ok := dc.(*stmtConn)
			if !ok {
				return fmt.Errorf("the connection is a %T, not one keeping its statements", dc)
			}
			on = qpsg(sc.sqliteConn, false)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !on {
			t.Errorf("connection %d: the planner's stability guarantee is off", i)
		}
		if common, rare := plan(c, 1), plan(c, 2); common != rare {
			t.Errorf("connection %d: the plan follows the bound value: %q for the common one, %q for the rare one", i, common, rare)
		}
	}
}

// TestWhereUnder: a second place prefix on one column narrows the range already there (SQLite
// plans one range per index without the values), a wider one leaves it, one outside it matches
// nothing; another column keeps a range of its own.
func TestWhereUnder(t *testing.T) {
	for _, c := range []struct {
		prefixes []string
		sql      string
		args     []any
	}{
		{[]string{"3309"}, " WHERE h.community_code >= ? AND h.community_code < ?", []any{"3309", "3309:"}},
		{[]string{"3309", "330902001001"}, " WHERE h.community_code >= ? AND h.community_code < ?", []any{"330902001001", "330902001001:"}},
		{[]string{"330902", "3309"}, " WHERE h.community_code >= ? AND h.community_code < ?", []any{"330902", "330902:"}},
		{[]string{"330902", "330903"}, " WHERE h.community_code >= ? AND h.community_code < ? AND 1 = 0", []any{"330902", "330902:"}},
	} {
		w := &where{}
		for _, p := range c.prefixes {
			w.under("h.community_code", p)
		}
		if w.sql() != c.sql || fmt.Sprint(w.args) != fmt.Sprint(c.args) {
			t.Errorf("%v: %q %v, want %q %v", c.prefixes, w.sql(), w.args, c.sql, c.args)
		}
	}
	w := &where{}
	w.under("h.community_code", "3309")
	w.under("v.community_code", "330902")
	if n := strings.Count(w.sql(), ">= ?"); n != 2 || fmt.Sprint(w.args) != "[3309 3309: 330902 330902:]" {
		t.Errorf("two columns: %q %v", w.sql(), w.args)
	}
}
