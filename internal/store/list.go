// Listing: scopes, search, filters, sorting and pagination, shared by every list query.

package store

import (
	"strings"

	"gongzhi"
)

// Scope limits what a query returns to what the caller may see. The zero Scope sees everything
// and is only for the command line; the service layer always sets one for a signed-in caller.
type Scope struct {
	Prefix string // place-code prefix: the caller's place and everything below it
	OrgID  int64  // organization-scoped callers see their own organization's records
	None   bool   // sees nothing (administrators have no registry access)
}

// ListOptions are a list page's search, filters, sort and page (defined in the domain, so that
// the web layer names them without importing storage).
type ListOptions = gongzhi.ListOptions

// Page is one page of a list with the total that matched.
type Page[T any] struct {
	Items []T
	Total int
}

type where struct {
	parts []string
	args  []any
	// countCap, when set, bounds the list's count lower than gongzhi.MaxCount: a condition that
	// no index serves (a common name searched while the list walks its scope in order) costs a
	// row read per row counted, so its total stops sooner (docs/lists.md).
	countCap int
	// ranges are the place prefixes added by under, by column: where the range's first argument is.
	ranges map[string]int
}

func (w *where) add(clause string, args ...any) {
	w.parts = append(w.parts, clause)
	w.args = append(w.args, args...)
}

// under limits col to the codes under prefix (scopeRange). A second prefix on the same column
// (a filter within the reader's scope) narrows the range already there instead of adding one:
// SQLite plans without the values bound (qpsg.go), so of two ranges on one index it
// would walk the first, the scope's, and test the filter's row by row. A prefix outside the
// other matches nothing.
func (w *where) under(col, prefix string) {
	if i, ok := w.ranges[col]; ok {
		had := w.args[i].(string)
		switch {
		case strings.HasPrefix(prefix, had):
			w.args[i], w.args[i+1] = prefix, prefix+":"
		case strings.HasPrefix(had, prefix):
		default:
			w.add("1 = 0")
		}
		return
	}
	if w.ranges == nil {
		w.ranges = map[string]int{}
	}
	w.ranges[col] = len(w.args)
	c, a := scopeRange(col, prefix)
	w.add(c, a...)
}

// scope limits the rows to what s sees: nothing, its organization's (orgCol), or those at its
// place and below (placeCol).
func (w *where) scope(s Scope, orgCol, placeCol string) {
	switch {
	case s.None:
		w.add("1 = 0")
	case s.OrgID != 0:
		w.add(orgCol+" = ?", s.OrgID)
	case s.Prefix != "":
		w.under(placeCol, s.Prefix)
	}
}

func (w *where) sql() string {
	if len(w.parts) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.parts, " AND ")
}

// search adds a case-insensitive substring match over columns.
func (w *where) search(q string, cols ...string) {
	q = strings.TrimSpace(q)
	if q == "" {
		return
	}
	var ors []string
	var args []any
	for _, c := range cols {
		ors = append(ors, "LOWER("+c+") LIKE ? ESCAPE '\\'")
		args = append(args, likeArg(q))
	}
	w.add("("+strings.Join(ors, " OR ")+")", args...)
}

// orderBy returns an ORDER BY clause for an allowed sort key, falling back to def; tie is the
// list table's own key, which breaks ties so that pages are stable.
func orderBy(opts ListOptions, allowed map[string]string, def, tie string) string {
	col, ok := allowed[opts.Sort]
	if !ok {
		return " ORDER BY " + def
	}
	dir := " ASC"
	if opts.Desc {
		dir = " DESC"
	}
	// a sort of several columns ("pe.name_py, pe.name") runs each the same way
	return " ORDER BY " + strings.ReplaceAll(col, ", ", dir+", ") + dir + ", " + tie + dir
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// scanner is *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }
