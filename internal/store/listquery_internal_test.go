package store

import "testing"

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
