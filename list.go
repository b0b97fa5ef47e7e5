// Lists: what a list page or an API list asks for — a search, filters, a sort and a page — as
// every service's list method takes it; what the public section shows of a contract; and a line
// of a to-do list.

package gongzhi

// ListOptions are a list page's search, filters, sort and page.
type ListOptions struct {
	Q       string
	Filters map[string]string
	Sort    string
	Desc    bool
	Limit   int // 0: no limit (exports, read in chunks)
	Offset  int
	// After and Before are opaque cursors (keyset pagination): the page after the row After
	// names, or the page before the row Before names, in the list's order. A cursor is only
	// valid with the sort it was made under; the store refuses another as an invalid field.
	After, Before string
	// Info, when set, is filled in by the list query: the cursors of the pages around the one
	// returned and whether the total is exact.
	Info *ListInfo
	// CountOnly asks for the total alone (a to-do count): with a Limit, no row is read and
	// none is handed to the list's callback.
	CountOnly bool
	// NoCount skips the total a caller does not show (Open311 answers up to 1,000 requests
	// without one); the list's count is then only how many rows it handed over.
	NoCount bool
}

// ListInfo is what a list query tells about the page it returned besides its rows.
type ListInfo struct {
	Next       string // cursor of the page after this one ("" on the last page)
	Prev       string // cursor of the page before this one ("" on the first page)
	TotalExact bool   // false: the total is a lower bound (counting stopped at MaxCount)
}

// MaxCount is where a list stops counting the rows that match: a list of more rows says "more
// than MaxCount" rather than scan them all on every request.
const MaxCount = 10000

// MaxOffset is the deepest row a list reaches by page number ((page-1) × per_page); deeper pages
// are reached with the cursors of ListInfo (after=, before=). An offset reads and skips every
// row before it: at 2,000 a page stays within its time at any size (docs/lists.md).
const MaxOffset = 2000

// PublicContract is what the public section shows of a signed contract: its title and its
// provider, never the people in it.
type PublicContract struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Provider  string `json:"provider"`
	PlaceCode string `json:"place_code"`
	OrgID     int64  `json:"-"`
}

// Todo is one line of a to-do list: a count of things to deal with and where to deal with them.
type Todo struct {
	Key   string `json:"key"`   // message key
	Count int    `json:"count"` // 0 for a single item
	Href  string `json:"href"`
	Extra string `json:"extra,omitempty"`
}

// PublicVersion names the state of what anonymous public pages show, for the web kit's cache of
// them: Head is the last audited write they can show, Window the clock's window (pages whose
// content depends on the time are recomputed once a window). A new Head means the data changed;
// a new Window alone means only the clock moved.
type PublicVersion struct {
	Head   int64
	Window int64
}
