// Shared view helpers: labels for enumerations, option lists, change history lines.

package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"gongzhi"
)

// enumLabel translates an enumeration value: "org.type" + "professional".
func EnumLabel(lang, prefix, v string) string { return T(lang, prefix+"."+v) }

func EnumLabels(lang, prefix string, vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = EnumLabel(lang, prefix, v)
	}
	return strings.Join(out, "、")
}

// enumOptions lists an enumeration's values as options; withAll adds an "all" option first
// (for filters).
func EnumOptions(lang, prefix string, vs []string, withAll bool) []Option {
	var out []Option
	if withAll {
		out = append(out, Option{"", T(lang, "list.all")})
	}
	for _, v := range vs {
		out = append(out, Option{v, EnumLabel(lang, prefix, v)})
	}
	return out
}

func FilterSelect(r *http.Request, name, label string, opts []Option) Field {
	return Field{Name: name, Label: label, Type: "select", Value: r.URL.Query().Get(name), Options: opts}
}

// placeOptions lists the places an actor may assign records to, at the given levels. The list is
// not cut: the actor's place scope bounds it (a street's communities, a district's streets).
func (s *Server) PlaceOptions(r *http.Request, levels ...int) []Option {
	var out []Option
	for _, lvl := range levels {
		_, err := s.services.Places(r.Context(), ActorOf(r), gongzhi.ListOptions{Filters: map[string]string{"level": fmt.Sprint(lvl)}},
			func(p *gongzhi.Place) error {
				out = append(out, Option{p.Code, p.Name + " (" + p.Code + ")"})
				return nil
			})
		s.LogListError(r, "place options", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}

// orgOptions lists organizations in scope; blank first. The list is not cut: the actor's scope
// bounds it.
func (s *Server) OrgOptions(r *http.Request, lang string) []Option {
	out := []Option{{"", "—"}}
	_, err := s.services.Organizations(r.Context(), ActorOf(r), gongzhi.ListOptions{Sort: "name"}, func(o *gongzhi.Organization) error {
		out = append(out, Option{FmtInt(o.ID), o.Name})
		return nil
	})
	s.LogListError(r, "organization options", err)
	return out
}

// OptionCap is the most choices a form lists when they come from the whole instance rather than
// the account's scope (the place and organization the system administrator gives an account);
// SuggestField says so when there are more.
const OptionCap = 500

// SuggestField returns a select field unchanged when its options are every choice there is
// (total of them, not counting a blank first option), or else as a text input that suggests the
// options listed and says how many choices there are in all: the person types the code, or part
// of the name, and picks a suggestion.
func SuggestField(lang string, f Field, total int) Field {
	listed := len(f.Options)
	if listed > 0 && f.Options[0].Value == "" {
		listed--
	}
	if total <= listed {
		return f
	}
	f.Type = "suggest"
	hint := OffTr(lang, "list.capped", strconv.Itoa(listed), strconv.Itoa(total))
	if f.Help != "" {
		hint = f.Help + " " + hint
	}
	f.Help = hint
	return f
}

// LogListError logs the failure of a list that a page shows for convenience — a dropdown's
// choices, names for labels — and still renders without. A refusal (the role may not read that
// list) is expected and not logged; any other error is, with the request's path when r is given.
func (s *Server) LogListError(r *http.Request, what string, err error) {
	switch gongzhi.ErrorCode(err) {
	case "", gongzhi.EFORBIDDEN, gongzhi.EUNAUTHORIZED, gongzhi.ENOTFOUND:
		return
	}
	path := ""
	if r != nil {
		path = r.URL.Path
	}
	s.log.Error("list for a page", "list", what, "path", path, "err", err)
}

// historyRows turns audit entries into readable change lines: "联系电话: 025-1 → 025-2".
func historyRows(lang string, entries []*gongzhi.AuditEntry, itemKey string) []HistoryRow {
	var out []HistoryRow
	for _, e := range entries {
		h := HistoryRow{At: e.At, Who: e.Username, Action: T(lang, "action."+e.Action+".past")}
		var before, after map[string]any
		json.Unmarshal([]byte(e.Before), &before)
		json.Unmarshal([]byte(e.After), &after)
		if e.Action == "update" {
			keys := map[string]bool{}
			for k := range before {
				keys[k] = true
			}
			for k := range after {
				keys[k] = true
			}
			var names []string
			for k := range keys {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if skipHistoryKey(k) {
					continue
				}
				b, a := fmt.Sprint(show(before[k])), fmt.Sprint(show(after[k]))
				if b != a {
					h.Changes = append(h.Changes, fmt.Sprintf("%s: %s → %s", T(lang, itemKey+"."+k), b, a))
				}
			}
		}
		if e.Note != "" {
			h.Changes = append(h.Changes, e.Note)
		}
		out = append(out, h)
	}
	return out
}

func skipHistoryKey(k string) bool {
	switch k {
	case "updated_at", "created_at", "id", "place_name", "org_name", "community_name", "grid_name", "parent_name",
		"household_address", "children", "households", "last_login_at", "failed_logins", "locked_until":
		return true
	}
	return false
}

func show(v any) any {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		if x == "" {
			return "—"
		}
	case []any:
		if len(x) == 0 {
			return "—"
		}
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, "、")
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	}
	return v
}

func YesNo(lang string, b bool) string {
	if b {
		return T(lang, "yes")
	}
	return T(lang, "no")
}
