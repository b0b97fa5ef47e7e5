package store

import (
	"fmt"
	"testing"
)

// TestPlacesWritten: a list whose only values are its place ranges' bounds has them written into
// its statement as literals, and only when they are a place code's digits (listQuery).
func TestPlacesWritten(t *testing.T) {
	street := func() *where {
		w := &where{}
		w.under("pe.place_code", "330902001")
		return w
	}
	w := street()
	w.add("pe.kind = 'resident'")
	cond, ok := w.placesWritten()
	if want := " WHERE pe.place_code >= '330902001' AND pe.place_code < '330902001:' AND pe.kind = 'resident'"; !ok || cond != want {
		t.Fatalf("street: %q %v, want %q", cond, ok, want)
	}
	// a filter within it narrows the same range: still its bounds alone
	w = street()
	w.under("pe.place_code", "330902001003")
	if cond, ok := w.placesWritten(); !ok || cond != " WHERE pe.place_code >= '330902001003' AND pe.place_code < '330902001003:'" {
		t.Fatalf("a community within the street: %q %v", cond, ok)
	}
	for name, w := range map[string]*where{
		"a typed place that is not digits": func() *where { w := street(); w.under("pe.place_code", "330902001'--"); return w }(),
		"another value":                    func() *where { w := street(); w.add("pe.household_id = ?", 1); return w }(),
		"no range":                         func() *where { w := &where{}; w.add("pe.household_id = ?", 1); return w }(),
		"nothing":                          {},
	} {
		if cond, ok := w.placesWritten(); ok {
			t.Errorf("%s: written as %q", name, cond)
		}
	}
	// on SQLite the statement is as built, with its values
	q := &Q{d: SQLite}
	if cond, args := q.listQuery(street()); cond != street().sql() || len(args) != 2 {
		t.Errorf("SQLite: %q %v", cond, args)
	}
}

// TestCommunitiesEqual: on PostgreSQL a community's range is written as an equality, whose
// generic plan PostgreSQL keeps; a wider range stays a range; the arguments follow.
func TestCommunitiesEqual(t *testing.T) {
	w := &where{}
	w.add("h.grid_id = ?", 7)
	w.under("h.community_code", "330902001")
	w.under("h.community_code", "330902001003") // a filter within the street narrows the range
	w.under("g.place_code", "330902")
	w.add("h.head_name LIKE ?", "%王%")
	e := w.communitiesEqual()
	want := " WHERE h.grid_id = ? AND h.community_code = ? AND g.place_code >= ? AND g.place_code < ? AND h.head_name LIKE ?"
	if e.sql() != want || fmt.Sprint(e.args) != "[7 330902001003 330902 330902: %王%]" {
		t.Fatalf("got %q %v, want %q", e.sql(), e.args, want)
	}
	if i, ok := e.ranges["g.place_code"]; !ok || e.args[i] != "330902" || len(e.ranges) != 1 {
		t.Fatalf("ranges %v", e.ranges)
	}
	// the list keeps its plan when the community is its only value
	c := &where{}
	c.under("h.community_code", "330902001003")
	q := &Q{d: Postgres}
	if cond, args := q.listQuery(c); cond != " WHERE h.community_code = ?" || len(args) != 1 {
		t.Fatalf("a community's list on PostgreSQL: %q %v", cond, args)
	}
}
