// The error summary of a refused form: every reason of the refusal at once, at the top of the
// form, each naming its field and linking to it, so that a person sees all that is wrong in one
// go (each field also shows its own reason beside it).

package web

import (
	"maps"
	"slices"
	"strings"

	"gongzhi"
)

// SummaryItem is one line of a form's error summary: the field's label (empty for a reason that
// belongs to no field), the link to the field's input and the reason in words.
type SummaryItem struct {
	Label string
	Href  string
	Text  string
}

// ErrorSummary lists the reasons of e, in lang, for a form made of the field lists groups: the
// fields in the order the form shows them, then the reasons of fields the form does not show
// (a conflict with another record, a rule about the whole request, a row of a table), sorted by
// key. A reason of a table row ("bands.2.name") links to the table ("#field-bands").
func ErrorSummary(lang string, e *gongzhi.Error, groups ...[]Field) []SummaryItem {
	if e == nil {
		return nil
	}
	var out []SummaryItem
	done := map[string]bool{}
	for _, fs := range groups {
		for _, f := range fs {
			reason, ok := e.Fields[f.Name]
			if !ok || done[f.Name] {
				continue
			}
			done[f.Name] = true
			href := "#in-" + f.Name
			if f.Type == "hidden" {
				href = ""
			}
			out = append(out, SummaryItem{Label: strings.TrimSpace(f.Label), Href: href, Text: T(lang, OffLocalReason(lang, reason))})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		if done[k] {
			continue
		}
		top, _, _ := strings.Cut(k, ".")
		it := SummaryItem{Text: T(lang, OffLocalReason(lang, e.Fields[k]))}
		if top != "" && top != "state" && top != "version" && top != "id" {
			it.Href = "#field-" + top
		}
		out = append(out, it)
	}
	// where the rule that refused a field is changed (a category's price range in the catalog)
	for _, k := range slices.Sorted(maps.Keys(e.Links)) {
		if reason, ok := e.Fields[k]; ok {
			out = append(out, SummaryItem{Href: e.Links[k], Text: T(lang, "fix."+ReasonCode(reason))})
		}
	}
	if len(out) == 0 && e.Message != "" && e.Message != "err.invalid" {
		out = append(out, SummaryItem{Text: T(lang, e.Message)})
	}
	return out
}

// summaryFuncs is ErrorSummary for templates: the page's error and any number of field lists.
func summaryFunc(lang string, e *gongzhi.Error, groups ...[]Field) []SummaryItem {
	return ErrorSummary(lang, e, groups...)
}
