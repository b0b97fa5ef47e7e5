// Shared view helpers: labels for enumerations, option lists, change history lines.
package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"gongzhi"
	"gongzhi/internal/store"
)

// enumLabel translates an enumeration value: "org.type" + "professional".
func enumLabel(lang, prefix, v string) string { return T(lang, prefix+"."+v) }

func enumLabels(lang, prefix string, vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = enumLabel(lang, prefix, v)
	}
	return strings.Join(out, "、")
}

// enumOptions lists an enumeration's values as options; withAll adds an "all" option first
// (for filters).
func enumOptions(lang, prefix string, vs []string, withAll bool) []option {
	var out []option
	if withAll {
		out = append(out, option{"", T(lang, "list.all")})
	}
	for _, v := range vs {
		out = append(out, option{v, enumLabel(lang, prefix, v)})
	}
	return out
}

func filterSelect(r *http.Request, name, label string, opts []option) field {
	return field{Name: name, Label: label, Type: "select", Value: r.URL.Query().Get(name), Options: opts}
}

// placeOptions lists the places an actor may assign records to, at the given levels.
func (s *Server) placeOptions(r *http.Request, levels ...int) []option {
	var out []option
	for _, lvl := range levels {
		s.app.Places(r.Context(), actorOf(r), store.ListOptions{Filters: map[string]string{"level": fmt.Sprint(lvl)}, Limit: 500},
			func(p *gongzhi.Place) error {
				out = append(out, option{p.Code, p.Name + " (" + p.Code + ")"})
				return nil
			})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Value < out[j].Value })
	return out
}

// orgOptions lists organizations in scope; blank first.
func (s *Server) orgOptions(r *http.Request, lang string) []option {
	out := []option{{"", "—"}}
	s.app.Organizations(r.Context(), actorOf(r), store.ListOptions{Limit: 500, Sort: "name"}, func(o *gongzhi.Organization) error {
		out = append(out, option{fmtInt(o.ID), o.Name})
		return nil
	})
	return out
}

// historyRows turns audit entries into readable change lines: "联系电话: 025-1 → 025-2".
func historyRows(lang string, entries []*gongzhi.AuditEntry, itemKey string) []historyRow {
	var out []historyRow
	for _, e := range entries {
		h := historyRow{At: e.At, Who: e.Username, Action: T(lang, "action."+e.Action+".past")}
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

// textField, selectField and friends build form fields for a record.
func textField(name, label, value, errMsg string, required bool) field {
	return field{Name: name, Label: label, Type: "text", Value: value, Error: errMsg, Required: required}
}

func yesNo(lang string, b bool) string {
	if b {
		return T(lang, "yes")
	}
	return T(lang, "no")
}
