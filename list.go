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
	Limit   int // 0: no limit (exports)
	Offset  int
}

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
