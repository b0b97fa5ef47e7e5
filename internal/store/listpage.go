// Paging a list at any size: keyset (seek) cursors built from the list's own ORDER BY, counts
// that stop at gongzhi.MaxCount, and exports read in chunks (docs/lists.md).

package store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongzhi"
)

// exportChunk is how many rows an export (opts.Limit == 0) reads per query: the rows are closed
// between chunks, so a callback may read the database, and memory holds one chunk at a time.
const exportChunk = 1000

// orderKey is one key of an ORDER BY clause.
type orderKey struct {
	expr string
	desc bool
}

// parseOrder splits " ORDER BY a DESC, COALESCE(b, ”), c.id" into its keys.
func parseOrder(order string) []orderKey {
	s := strings.TrimSpace(order)
	s = strings.TrimSpace(strings.TrimPrefix(s, "ORDER BY"))
	var keys []orderKey
	depth, from := 0, 0
	add := func(part string) {
		part = strings.TrimSpace(part)
		up := strings.ToUpper(part)
		k := orderKey{expr: part}
		switch {
		case strings.HasSuffix(up, " DESC"):
			k = orderKey{expr: strings.TrimSpace(part[:len(part)-5]), desc: true}
		case strings.HasSuffix(up, " ASC"):
			k.expr = strings.TrimSpace(part[:len(part)-4])
		}
		if k.expr != "" {
			keys = append(keys, k)
		}
	}
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				add(s[from:i])
				from = i + 1
			}
		}
	}
	add(s[from:])
	return keys
}

func orderSQL(keys []orderKey, flip bool) string {
	var b strings.Builder
	b.WriteString(" ORDER BY ")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.expr)
		if k.desc != flip {
			b.WriteString(" DESC")
		}
	}
	return b.String()
}

// uniqueKeys are order keys other than an id that name one row (a place's code).
var uniqueKeys = map[string]bool{"p.code": true}

// seekable reports whether the order ends with a key unique to a row, so that the key values of
// a row name its place in the order exactly.
func seekable(keys []orderKey) bool {
	if len(keys) == 0 {
		return false
	}
	last := keys[len(keys)-1].expr
	return last == "id" || strings.HasSuffix(last, ".id") || uniqueKeys[last]
}

// cursor is what an after= or before= value carries: the hash of the order it was made under,
// and the order keys of the row it names, or an offset when a key was NULL.
type cursor struct {
	H string     `json:"h"`
	K [][]string `json:"k,omitempty"`
	O int        `json:"o,omitempty"`
}

func orderHash(order string) string {
	h := sha256.Sum256([]byte(order))
	return base64.RawURLEncoding.EncodeToString(h[:6])
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// keyCursor names the row whose order keys are vals; it falls back to an offset when a key is
// NULL or of a type a cursor does not carry.
func keyCursor(h string, vals []any, offset int) string {
	c := cursor{H: h}
	for _, v := range vals {
		var tv []string
		switch x := v.(type) {
		case int64:
			tv = []string{"i", strconv.FormatInt(x, 10)}
		case float64:
			tv = []string{"f", strconv.FormatFloat(x, 'g', -1, 64)}
		case string:
			tv = []string{"s", x}
		case []byte:
			tv = []string{"s", string(x)}
		case bool:
			tv = []string{"b", strconv.FormatBool(x)}
		case time.Time:
			tv = []string{"t", x.Format(time.RFC3339Nano)}
		default:
			return encodeCursor(cursor{H: h, O: max(offset, 0)})
		}
		c.K = append(c.K, tv)
	}
	if len(c.K) == 0 {
		return encodeCursor(cursor{H: h, O: max(offset, 0)})
	}
	return encodeCursor(c)
}

// badCursor is the error for a cursor that is not one this list made (or made under another sort).
func badCursor(field string) error { return gongzhi.Invalid(field, "err.cursor") }

func decodeCursor(field, s, h string, nkeys int) (vals []any, offset int, err error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.H != h || c.O < 0 {
		return nil, 0, badCursor(field)
	}
	if len(c.K) == 0 {
		return nil, c.O, nil
	}
	if len(c.K) != nkeys {
		return nil, 0, badCursor(field)
	}
	for _, tv := range c.K {
		if len(tv) != 2 {
			return nil, 0, badCursor(field)
		}
		var v any
		var perr error
		switch tv[0] {
		case "i":
			v, perr = strconv.ParseInt(tv[1], 10, 64)
		case "f":
			v, perr = strconv.ParseFloat(tv[1], 64)
		case "s":
			v = tv[1]
		case "b":
			v, perr = strconv.ParseBool(tv[1])
		case "t":
			v, perr = time.Parse(time.RFC3339Nano, tv[1])
		default:
			perr = strconv.ErrSyntax
		}
		if perr != nil {
			return nil, 0, badCursor(field)
		}
		vals = append(vals, v)
	}
	return vals, 0, nil
}

// notNull reports whether an order key is a row's key, never NULL.
func notNull(k orderKey) bool {
	return k.expr == "id" || strings.HasSuffix(k.expr, ".id") || uniqueKeys[k.expr]
}

// seek is the condition for the rows after vals in the order keys (before them when back). When
// every key is a row's key and they run the same way it is one comparison, which both databases
// answer with an index range; else the expanded form, where a key that may be NULL also takes
// the NULL rows on the side the database sorts them (PostgreSQL: NULL after every value;
// SQLite: before).
func seek(keys []orderKey, vals []any, back bool, pg bool) (string, []any) {
	same := true
	for _, k := range keys {
		same = same && k.desc == keys[0].desc && notNull(k)
	}
	after := func(k orderKey) bool { return k.desc == back } // "after" means a larger value
	op := func(k orderKey) string {
		if after(k) {
			return " > "
		}
		return " < "
	}
	if same {
		if len(keys) == 1 {
			return keys[0].expr + op(keys[0]) + "?", vals
		}
		exprs := make([]string, len(keys))
		marks := make([]string, len(keys))
		for i, k := range keys {
			exprs[i], marks[i] = k.expr, "?"
		}
		return "(" + strings.Join(exprs, ", ") + ")" + op(keys[0]) + "(" + strings.Join(marks, ", ") + ")", vals
	}
	var ors []string
	var args []any
	for i := range keys {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, keys[j].expr+" = ?")
			args = append(args, vals[j])
		}
		c := keys[i].expr + op(keys[i]) + "?"
		if !notNull(keys[i]) && after(keys[i]) == pg {
			c = "(" + c + " OR " + keys[i].expr + " IS NULL)"
		}
		ands = append(ands, c)
		args = append(args, vals[i])
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}

// keyScanner appends the order keys to the columns a list's scan function reads.
type keyScanner struct {
	s    scanner
	keys []any
	ptrs []any
}

func (k *keyScanner) Scan(dest ...any) error {
	return k.s.Scan(append(dest[:len(dest):len(dest)], k.ptrs...)...)
}

// toOne matches a LEFT JOIN of one row by its key, which a count may leave out when nothing
// else names the joined table.
var toOne = regexp.MustCompile(`(?is)\s+LEFT\s+JOIN\s+(\w+)\s+(\w+)\s+ON\s+(\w+)\.(id|code)\s*=\s*[\w.]+`)

var nextJoinWord = regexp.MustCompile(`(?is)^\s*($|LEFT\b|JOIN\b|INNER\b|CROSS\b)`)

// countFrom drops from the FROM clause the LEFT JOINs of one row by key (a place's name, a
// household's address) that the conditions do not use: they cannot change how many rows match.
// The answer depends on the two texts only, which a list repeats on every request, so it is
// kept (the regular expressions cost more than the count of a small list).
func countFrom(from, cond string) string {
	key := from + "\x00" + cond
	countFroms.Lock()
	v, ok := countFroms.m[key]
	countFroms.Unlock()
	if ok {
		return v
	}
	v = countFromUncached(from, cond)
	countFroms.Lock()
	if countFroms.m == nil || len(countFroms.m) >= 2000 { // texts vary with the filters given: bounded
		countFroms.m = map[string]string{}
	}
	countFroms.m[key] = v
	countFroms.Unlock()
	return v
}

var countFroms struct {
	sync.Mutex
	m map[string]string
}

func countFromUncached(from, cond string) string {
	for {
		changed := false
		for _, m := range toOne.FindAllStringSubmatchIndex(from, -1) {
			alias := from[m[4]:m[5]]
			if from[m[6]:m[7]] != alias || !nextJoinWord.MatchString(from[m[1]:]) {
				continue
			}
			rest := from[:m[0]] + from[m[1]:]
			uses := regexp.MustCompile(`\b` + regexp.QuoteMeta(alias) + `\.`)
			if uses.MatchString(rest) || uses.MatchString(cond) {
				continue
			}
			from, changed = rest, true
			break
		}
		if !changed {
			return from
		}
	}
}

// boundedCount counts the rows of from+w, stopping at gongzhi.MaxCount+1 (w.countCap+1 when
// the condition sets a lower cap). A count past its cap is kept for a while (capped.go), an exact
// one until the next write (counts_kept.go).
func (q *Q) boundedCount(ctx context.Context, from string, w *where) (int, bool, error) {
	limit := gongzhi.MaxCount
	if w.countCap > 0 {
		limit = min(limit, w.countCap)
	}
	query := "SELECT COUNT(*) FROM (SELECT 1 AS one FROM " + countFrom(from, w.sql()) + w.sql() + " LIMIT " + itoa(limit+1) + ") counted"
	key := cappedKey(query, w.args)
	if q.counts.has(key) {
		return limit, false, nil
	}
	head, window, keep, err := q.countVersion(ctx, query)
	if err != nil {
		return 0, false, err
	}
	if keep {
		if n, ok := q.kept.get(key, head, window); ok {
			return n, true, nil
		}
	}
	cond, args := q.listQuery(w)
	query = "SELECT COUNT(*) FROM (SELECT 1 AS one FROM " + countFrom(from, cond) + cond + " LIMIT " + itoa(limit+1) + ") counted"
	var n int
	if err := q.QueryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, false, mapErr(err)
	}
	if n > limit {
		q.counts.keep(key)
		return limit, false, nil
	}
	if keep {
		q.kept.keep(key, keptCount{head: head, window: window, n: n})
	}
	return n, true, nil
}

// listQuery returns the condition and arguments of a list's page or count with w (docs/lists.md
// "Plans"):
//   - w narrow: as they are; the statement stays prepared and PostgreSQL may keep one generic
//     plan for it;
//   - on PostgreSQL, w's only values the bounds of place ranges (a street's or a city's lists
//     unfiltered): those bounds written into the statement, which stays prepared, one for each
//     place; with no value left to guess, its plan is the one made for that place's range, kept;
//   - else as they are, planned for their values at each run (valued).
func (q *Q) listQuery(w *where) (string, []any) {
	if q.d != Postgres {
		return w.sql(), w.args
	}
	w = w.communitiesEqual()
	if w.narrow() {
		return w.sql(), w.args
	}
	if cond, ok := w.placesWritten(); ok {
		return cond, nil
	}
	return w.sql(), q.valued(w.args)
}

// communitiesEqual returns w with the range of each community's whole code (under with a
// community's twelve digits) written as the equality it is, col = ?, for PostgreSQL: a generic
// plan estimates an equality from the column's distinct values, a community's share, and is
// kept; of a range it guesses a share of its own, above what the values bound give, so
// PostgreSQL planned a community's range for its values at every run although its statement
// stayed prepared.
func (w *where) communitiesEqual() *where {
	eq := map[string]bool{}
	for col, i := range w.ranges {
		if p, ok := w.args[i].(string); ok && len(p) == placeCodeLen {
			eq[col] = true
		}
	}
	if len(eq) == 0 {
		return w
	}
	out := &where{countCap: w.countCap}
	arg := 0
	for _, part := range w.parts {
		n := strings.Count(part, "?") // SQL in this package never puts ? in a literal (rebind)
		args := w.args[arg : arg+n]
		arg += n
		col, ranged := w.rangeOf(part)
		switch {
		case ranged && eq[col]:
			out.add(col+" = ?", args[0])
		case ranged:
			if out.ranges == nil {
				out.ranges = map[string]int{}
			}
			out.ranges[col] = len(out.args)
			out.add(part, args...)
		default:
			out.add(part, args...)
		}
	}
	return out
}

// rangeOf returns the column of a condition of w that is a place range added by under.
func (w *where) rangeOf(part string) (string, bool) {
	for col := range w.ranges {
		if c, _ := scopeRange(col, ""); c == part {
			return col, true
		}
	}
	return "", false
}

// placesWritten returns w's condition with the bounds of its place ranges written in as
// literals, when those are all its values and every bound is a place code's digits (a prefix,
// or a prefix and ":"): nothing a caller typed reaches the statement's text otherwise.
func (w *where) placesWritten() (string, bool) {
	if len(w.ranges) == 0 || len(w.args) != 2*len(w.ranges) {
		return "", false
	}
	for _, i := range w.ranges {
		lo, ok1 := w.args[i].(string)
		hi, ok2 := w.args[i+1].(string)
		if !ok1 || !ok2 || lo == "" || hi != lo+":" || strings.Trim(lo, "0123456789") != "" {
			return "", false
		}
	}
	var b strings.Builder
	arg := 0
	for _, c := range w.sql() { // SQL in this package never puts ? in a literal (rebind)
		if c != '?' {
			b.WriteRune(c)
			continue
		}
		b.WriteString("'" + w.args[arg].(string) + "'")
		arg++
	}
	return b.String(), arg == len(w.args)
}

// narrow reports whether w's rows are few whatever its values, so that a plan made without them
// serves them all: its only comparisons are the ranges of a community's places (under with a
// community's whole code), or none. A wider place range (a city's is three hundred communities),
// a name's prefix or a span of dates is planned for its values: a generic plan guesses any range
// at a few rows, and took a city's for a grid's.
func (w *where) narrow() bool {
	cond := w.sql()
	cmp := 0
	for _, op := range []string{" >= ?", " > ?", " <= ?", " < ?"} {
		cmp += strings.Count(cond, op)
	}
	communities := 0
	for _, i := range w.ranges {
		if p, ok := w.args[i].(string); ok && len(p) == placeCodeLen {
			communities++
		}
	}
	return cmp == 2*communities
}

// placeCodeLen is the length of a place's whole code; a community's prefix is all of it
// (gongzhi.ValidatePlaceCode).
const placeCodeLen = 12

// listRow is a scanned row with its order keys.
type listRow[T any] struct {
	v    T
	keys []any
}

// fetch runs one query of a list and reads its rows, then closes them.
func fetch[T any](ctx context.Context, q *Q, selectCols, from string, w *where, keys []orderKey, flip bool,
	limit, offset int, scan func(scanner) (T, error)) ([]listRow[T], error) {
	cols := selectCols
	for _, k := range keys {
		cols += ", " + k.expr
	}
	cond, args := q.listQuery(w)
	query := "SELECT " + cols + " FROM " + from + cond + orderSQL(keys, flip)
	if limit > 0 {
		query += " LIMIT " + itoa(limit)
		if offset > 0 {
			query += " OFFSET " + itoa(offset)
		}
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var got []listRow[T]
	for rows.Next() {
		ks := &keyScanner{s: rows, keys: make([]any, len(keys))}
		for i := range ks.keys {
			ks.ptrs = append(ks.ptrs, &ks.keys[i])
		}
		v, err := scan(ks)
		if err != nil {
			return nil, err
		}
		got = append(got, listRow[T]{v, ks.keys})
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	return got, nil
}

// withSeek returns w and the condition for the rows after (or before) vals.
func withSeek(q *Q, w *where, keys []orderKey, vals []any, back bool) *where {
	c, a := seek(keys, vals, back, q.Dialect() == Postgres)
	w2 := &where{parts: slices.Clone(w.parts), args: slices.Clone(w.args)}
	w2.add(c, a...)
	return w2
}

// list runs a list query, calling each per row, and returns the total that matched: exact up
// to gongzhi.MaxCount, and gongzhi.MaxCount with opts.Info.TotalExact false beyond.
//
// A page is opts.Limit rows from opts.Offset, or after the cursor opts.After, or before
// opts.Before; opts.Info (if set) gets the cursors of the pages around it. An export
// (opts.Limit 0) reads every row in chunks of exportChunk, in keyset order when the order ends
// with a row's key.
//
// Every row of a query is read and the rows are closed before the first call of each:
// callbacks are handed service and renderer code, which may read the database, and a read while
// these rows are still open would need a second connection (see rows.go).
func list[T any](ctx context.Context, q *Q, selectCols, from string, w *where, order string, opts ListOptions,
	scan func(scanner) (T, error), each func(T) error) (int, error) {
	return listWith(ctx, q, selectCols, from, w, order, opts, scan, nil, each)
}

// listWith is list with prep, which completes the rows of each query (a page, an export's
// chunk) at once, after their rows are closed and before each sees them: a lookup for the
// page's rows in one query instead of one per row.
func listWith[T any](ctx context.Context, q *Q, selectCols, from string, w *where, order string, opts ListOptions,
	scan func(scanner) (T, error), prep func([]T) error, each func(T) error) (int, error) {
	keys := parseOrder(order)
	h := orderHash(order)
	keyed := seekable(keys)
	info := opts.Info
	if info == nil {
		info = &gongzhi.ListInfo{}
	}
	*info = gongzhi.ListInfo{TotalExact: true}
	if opts.Limit <= 0 {
		return listAll(ctx, q, selectCols, from, w, keys, keyed, scan, prep, each)
	}
	if opts.CountOnly {
		n, exact, err := q.boundedCount(ctx, from, w)
		info.TotalExact = exact
		return n, err
	}
	limit, offset := opts.Limit, max(opts.Offset, 0)
	if offset > gongzhi.MaxOffset {
		return 0, gongzhi.Invalid("page", "err.page_deep")
	}
	back, seeked := false, false
	cw := w
	cur, field := opts.After, "after"
	if cur == "" && opts.Before != "" {
		cur, field, back = opts.Before, "before", true
	}
	if cur != "" {
		vals, off, err := decodeCursor(field, cur, h, len(keys))
		if err != nil {
			return 0, err
		}
		if vals == nil {
			if back {
				// an offset cursor always names the first row of the page it leads to
				back = false
			}
			offset = off
		} else {
			if !keyed {
				return 0, badCursor(field)
			}
			cw, offset, seeked = withSeek(q, w, keys, vals, back), 0, true
		}
	}
	got, err := fetch(ctx, q, selectCols, from, cw, keys, back, limit+1, offset, scan)
	if err != nil {
		return 0, err
	}
	more := len(got) > limit
	if more {
		got = got[:limit]
	}
	if back {
		slices.Reverse(got)
	}
	if len(got) > 0 {
		first, last := got[0], got[len(got)-1]
		cursorOf := func(r listRow[T], off int) string {
			if !keyed {
				return encodeCursor(cursor{H: h, O: max(off, 0)})
			}
			return keyCursor(h, r.keys, off)
		}
		// offsets serve only the fallback (a NULL key): a page reached by keys has none
		if (back && more) || (!back && (offset > 0 || seeked)) {
			info.Prev = cursorOf(first, offset-limit)
		}
		if (!back && more) || back {
			info.Next = cursorOf(last, offset+limit)
		}
		if !keyed {
			if info.Prev != "" {
				info.Prev = encodeCursor(cursor{H: h, O: max(offset-limit, 0)})
			}
			if info.Next != "" {
				info.Next = encodeCursor(cursor{H: h, O: offset + limit})
			}
		}
	}
	if err := prepRows(got, prep); err != nil {
		return 0, err
	}
	for _, r := range got {
		if err := each(r.v); err != nil {
			return 0, err
		}
	}
	if opts.NoCount || cur == "" && offset == 0 && !more {
		return len(got), nil
	}
	n, exact, err := q.boundedCount(ctx, from, w)
	info.TotalExact = exact
	return n, err
}

// listAll reads every row of a list in chunks, calling each between chunks.
func listAll[T any](ctx context.Context, q *Q, selectCols, from string, w *where, keys []orderKey, keyed bool,
	scan func(scanner) (T, error), prep func([]T) error, each func(T) error) (int, error) {
	n, offset := 0, 0
	cw := w
	for {
		got, err := fetch(ctx, q, selectCols, from, cw, keys, false, exportChunk, offset, scan)
		if err != nil {
			return 0, err
		}
		if err := prepRows(got, prep); err != nil {
			return 0, err
		}
		for _, r := range got {
			if err := each(r.v); err != nil {
				return 0, err
			}
		}
		n += len(got)
		if len(got) < exportChunk {
			return n, nil
		}
		last := got[len(got)-1].keys
		if keyed && !slices.Contains(last, nil) {
			cw, offset = withSeek(q, w, keys, last, false), 0
		} else {
			offset += exportChunk
		}
	}
}

func prepRows[T any](got []listRow[T], prep func([]T) error) error {
	if prep == nil || len(got) == 0 {
		return nil
	}
	vs := make([]T, len(got))
	for i, r := range got {
		vs[i] = r.v
	}
	return prep(vs)
}
