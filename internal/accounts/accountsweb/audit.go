// The audit log as a register (issue 11): each entry says when, who (the account's name and
// role, not its username), what was done (the action and the kind of record in words), to which
// record (a link to that record's whole trail in the log), and what changed, field by field
// (label: old → new) instead of raw JSON. Personal data is masked (gongzhi.MaskAuditText) on the
// way in and on the way out. The API answers the entries as stored, masked the same way.

package accountsweb

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/web"
)

// auditRow is one entry of the register.
type auditRow struct {
	At, Who, Role, Action, Record, RecordHref, Source string
	Changes                                           []string
}

type auditView struct {
	*web.ListView
	Rows   []auditRow
	Record string // the record the register is filtered to, in words ("" for none)
}

// auditActions are the actions offered in the filter, in the order of the select.
var auditActions = []string{"create", "update", "delete", "import", "answer", "escalate", "rate", "publish", "route", "void", "extend", "acknowledge",
	"view_sensitive", "export", "login", "login_failed", "login_pending", "logout", "password_change", "password_reset", "unlock", "end_sessions", "end_session",
	"disable_inactive", "revoke", "totp_start", "totp_enable", "totp_disable", "totp_reset", "seal", "purge", "alarm"}

// auditEntities are the kinds of record offered in the filter.
var auditEntities = []string{"places", "grids", "households", "people", "organizations", "target_groups", "users", "api_tokens", "needs", "service_categories",
	"budgets", "calls", "applications", "panels", "review_scores", "awards", "objections", "contracts", "payments", "org_ineligibility", "holidays",
	"service_entries", "service_evidence", "service_ratings", "surveys", "inspections", "rectifications", "talks", "meetings", "meeting_actions",
	"supervision_reports", "complaints", "evaluation_schemes", "evaluations", "evaluation_members", "expert_links", "security_alarms", "audit",
	"past_contracts"}

// label is the message key's text, or fallback when no catalogue defines it.
func label(lang, key, fallback string) string {
	if t := web.T(lang, key); t != key {
		return t
	}
	return fallback
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, web.AuditFilters...)
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.Audit))
	}
	var entries []*gongzhi.AuditEntry
	total, err := s.svc.Audit(r.Context(), ac, opts, func(e *gongzhi.AuditEntry) error {
		c := *e
		entries = append(entries, &c)
		return nil
	})
	if err != nil {
		return err
	}
	var ids []int64
	for _, e := range entries {
		if e.UserID != 0 {
			ids = append(ids, e.UserID)
		}
	}
	names, err := s.svc.AuditNames(r.Context(), ac, ids)
	if err != nil {
		return err
	}
	var byNames []string
	for _, e := range entries {
		byNames = append(byNames, byValues(e.Before)...)
		byNames = append(byNames, byValues(e.After)...)
	}
	people, err := s.svc.AuditNamesOf(r.Context(), ac, byNames)
	if err != nil {
		return err
	}
	lv := &web.ListView{Action: "/audit", Q: opts.Q, Total: total, Page: pg}
	web.PageLinks(r, lv, []web.ColDef{{Label: web.T(lang, "audit.at"), Sort: "at"}}, opts.Limit)
	v := &auditView{ListView: lv}
	vn := &valueNames{cats: s.PpCategoryNamer(r.Context(), lang), people: people}
	for _, e := range entries {
		v.Rows = append(v.Rows, auditRowOf(lang, e, names, vn))
	}
	actions := []web.Option{{Value: "", Label: web.T(lang, "list.all")}}
	for _, a := range auditActions {
		actions = append(actions, web.Option{Value: a, Label: label(lang, "audit.action."+a, a)})
	}
	kinds := []web.Option{{Value: "", Label: web.T(lang, "list.all")}}
	for _, k := range auditEntities {
		kinds = append(kinds, web.Option{Value: k, Label: label(lang, "audit.entity."+k, k)})
	}
	sort.SliceStable(kinds[1:], func(i, j int) bool { return kinds[1+i].Label < kinds[1+j].Label })
	q := r.URL.Query()
	lv.Filters = []web.Field{
		web.FilterSelect(r, "action", web.T(lang, "audit.action"), actions),
		web.FilterSelect(r, "entity", web.T(lang, "audit.entity"), kinds),
		{Name: "entity_id", Label: web.T(lang, "audit.entity_id"), Type: "text", Value: q.Get("entity_id")},
		{Name: "user", Label: web.T(lang, "audit.username"), Type: "text", Value: q.Get("user")},
		{Name: "from", Label: web.T(lang, "audit.from"), Type: "date", Value: q.Get("from")},
		{Name: "to", Label: web.T(lang, "audit.to"), Type: "date", Value: q.Get("to")},
	}
	if ent, id := q.Get("entity"), q.Get("entity_id"); ent != "" && id != "" {
		v.Record = label(lang, "audit.entity."+ent, ent) + " #" + id
	}
	q.Del("page")
	lv.ExportURL = "/audit/export?" + q.Encode() // the export's form (securityweb): the export is audited, so it is a POST
	s.Render(w, r, http.StatusOK, "audit", &web.Page{Title: web.T(lang, "nav.audit"), Active: "/audit", Data: v})
	return nil
}

// valueNames names what the register shows by code: service categories (cats, nil: codes shown
// as they are) and the people of the "*_by" fields (people, by username or account id).
type valueNames struct {
	cats   func([]string) string
	people map[string]string
}

// byField tells whether a field names who did something: its value is a username or an account
// id ("recorded_by", "hidden_by", "entered_by"…), shown by the account's name.
func byField(k string) bool { return strings.HasSuffix(k, "_by") && k != "review_by" }

// byValues are the values of the "*_by" fields of a stored before or after, as text.
func byValues(s string) []string {
	var out []string
	for k, v := range jsonObject(s) {
		if !byField(k) {
			continue
		}
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case float64:
			out = append(out, strconv.FormatInt(int64(x), 10))
		}
	}
	return out
}

// auditRowOf puts one entry in words.
func auditRowOf(lang string, e *gongzhi.AuditEntry, names map[int64]string, vn *valueNames) auditRow {
	row := auditRow{At: fmtTime(e.At), Action: label(lang, "audit.action."+e.Action, e.Action)}
	switch {
	case names[e.UserID] != "":
		row.Who = names[e.UserID]
	case e.UserID == 0 && e.Username == "system":
		row.Who = web.T(lang, "audit.system")
	case e.Username == "anonymous" || e.Username == "":
		row.Who = web.T(lang, "audit.anonymous")
	default:
		row.Who = e.Username
	}
	if e.Role != "" && e.UserID != 0 {
		row.Role = web.T(lang, "role."+e.Role)
	}
	if e.Entity != "" {
		row.Record = label(lang, "audit.entity."+e.Entity, e.Entity)
		if e.EntityID != "" {
			row.Record += " #" + e.EntityID
			row.RecordHref = "/audit?" + url.Values{"entity": {e.Entity}, "entity_id": {e.EntityID}}.Encode()
		}
	}
	row.Source = strings.TrimSpace(e.IP + " · " + label(lang, "audit.via."+e.Via, e.Via))
	row.Source = strings.Trim(row.Source, " ·")
	row.Changes = auditChanges(lang, e, vn)
	return row
}

// hiddenFields are bookkeeping fields a reader of the register does not need.
var hiddenFields = map[string]bool{"updated_at": true, "created_at": true, "id": true, "place_name": true, "org_name": true, "community_name": true,
	"grid_name": true, "parent_name": true, "household_address": true, "children": true, "households": true, "last_login_at": true,
	"failed_logins": true, "locked_until": true, "last_login_ip": true, "password_changed_at": true, "phone_masked": true}

// maxCreated is how many fields of a new record the register shows.
const maxCreated = 8

// auditChanges is what an entry changed, one line a field — "label: old → new" for a change,
// "label: value" for a new or deleted record — and its note in words.
func auditChanges(lang string, e *gongzhi.AuditEntry, vn *valueNames) []string {
	var out []string
	showValue := func(lang, k string, v any) string { return showValueOf(lang, k, v, vn) }
	before, after := jsonObject(e.Before), jsonObject(e.After)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		if !hiddenFields[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	switch {
	case before != nil && after != nil:
		for _, k := range names {
			b, a := showValue(lang, k, before[k]), showValue(lang, k, after[k])
			if b != a {
				out = append(out, fieldLabel(lang, e.Entity, k)+web.T(lang, "p.colon")+b+" → "+a)
			}
		}
	case after != nil || before != nil:
		obj := after
		if obj == nil {
			obj = before
		}
		for _, k := range names {
			if v := showValue(lang, k, obj[k]); v != "—" && len(out) < maxCreated {
				out = append(out, fieldLabel(lang, e.Entity, k)+web.T(lang, "p.colon")+v)
			}
		}
	case e.After != "":
		out = append(out, web.TruncateRunes(e.After, 160))
	}
	if n := noteText(lang, e.Note); n != "" {
		out = append(out, n)
	}
	return out
}

// jsonObject reads a stored before or after as an object; nil for none or anything else.
func jsonObject(s string) map[string]any {
	if s == "" || s == "null" {
		return nil
	}
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return m
}

// fieldLabel names a field: the register's own label, else the record's, else the field's name.
func fieldLabel(lang, entity, k string) string {
	if t := label(lang, "audit.field."+k, ""); t != "" {
		return t
	}
	return k
}

// moneyFields hold amounts in fen, shown in yuan.
var moneyFields = map[string]bool{"amount": true, "total": true, "reserved": true, "spent": true, "requested": true, "fund": true, "awarded": true,
	"price_min": true, "price_max": true, "paid": true, "total_amount": true, "budgeted": true, "contracted": true}

var zeroTime = regexp.MustCompile(`^0001-01-01T`)

// categoryFields hold service category codes, shown by the categories' names.
var categoryFields = map[string]bool{"category_code": true, "categories": true}

// codeValues are the fields whose values are codes of a list with its own labels: the message
// key is the prefix and the code ("person.gender.female" → 女).
var codeValues = map[string]string{"gender": "person.gender.", "licence": "person.licence.", "expert_fields": "field.", "service_fields": "field.",
	"source": "need.source.", "fund": "budget.fund.", "level": "budget.level."}

// showValueOf formats a field's value: "—" for none, states, roles, categories and other codes
// in words, amounts in yuan, times shortened, and an object (a funding band, a budget line) as
// its fields in words, never as JSON.
func showValueOf(lang, k string, v any, vn *valueNames) string {
	showValue := func(lang, k string, v any) string { return showValueOf(lang, k, v, vn) }
	if vn == nil {
		vn = &valueNames{}
	}
	cats := vn.cats
	if byField(k) {
		key := fmt.Sprint(v)
		if f, ok := v.(float64); ok {
			key = strconv.FormatInt(int64(f), 10)
		}
		if n := vn.people[key]; n != "" {
			return n
		}
	}
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		switch {
		case x == "" || zeroTime.MatchString(x):
			return "—"
		case x == "anonymous" && byField(k):
			return web.T(lang, "audit.anonymous")
		case k == "role":
			return label(lang, "role."+x, x)
		case k == "state" || k == "kind" || k == "route" || k == "scope" || k == "aggregation":
			return label(lang, "audit.value."+x, x)
		case categoryFields[k] && cats != nil:
			return web.TruncateRunes(cats([]string{x}), 80)
		case codeValues[k] != "":
			return label(lang, codeValues[k]+x, x)
		case len(x) >= 19 && x[4] == '-' && x[10] == 'T':
			return strings.Replace(x[:16], "T", " ", 1)
		}
		return web.TruncateRunes(x, 80)
	case bool:
		return web.YesNo(lang, x)
	case float64:
		if moneyFields[k] {
			return web.OffYuan(gongzhi.Money(int64(x)))
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		if len(x) == 0 {
			return "—"
		}
		parts := make([]string, 0, len(x))
		for _, p := range x {
			parts = append(parts, showValue(lang, k, p))
		}
		return web.TruncateRunes(strings.Join(parts, "、"), 80)
	case map[string]any:
		return web.TruncateRunes(objectText(lang, x, showValue), 80)
	}
	return fmt.Sprint(v)
}

// objectText puts an object held in a field in words: its name (name, item or label) first, a
// range of amounts as "min–max", then its other fields as "label：value", skipping empty ones.
func objectText(lang string, x map[string]any, show func(lang, k string, v any) string) string {
	var head string
	for _, k := range []string{"name", "item", "label", "title"} {
		if s, ok := x[k].(string); ok && s != "" {
			head = s
			break
		}
	}
	var parts []string
	_, hasMin := x["min"]
	_, hasMax := x["max"]
	if hasMin && hasMax {
		parts = append(parts, show(lang, "amount", x["min"])+"–"+show(lang, "amount", x["max"]))
	}
	keys := make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "name", "item", "label", "title", "min", "max":
			continue
		}
		if hiddenFields[k] {
			continue
		}
		if v := show(lang, k, x[k]); v != "—" {
			if k == "amount" {
				parts = append(parts, v)
			} else {
				parts = append(parts, fieldLabel(lang, "", k)+web.T(lang, "p.colon")+v)
			}
		}
	}
	rest := strings.Join(parts, web.T(lang, "audit.note_sep"))
	switch {
	case head == "":
		return rest
	case rest == "":
		return head
	}
	return head + " " + rest
}

// noteText puts an entry's note in words: each of its parts ("; ") that is a note code with
// arguments (`published ["5","28500000","2026-08-03"]`) or a known phrase of the log
// (audit.note.*), the others as written.
func noteText(lang, note string) string {
	if note == "" {
		return ""
	}
	parts := strings.Split(note, "; ")
	for i, p := range parts {
		parts[i] = notePart(lang, p)
	}
	return strings.Join(parts, web.T(lang, "audit.note_sep"))
}

// pastImportNote is the English sentence an import of past contracts wrote before its note was
// note codes (gongzhi.PastImportNote; migration 0023 rewrote the entries not yet sealed). It is
// read only for entries of sealed days, which are never rewritten.
var pastImportNote = regexp.MustCompile(`^(\d+) rows, ([0-9.]+) yuan, years((?: \d{4} \(\d+\))*)$`)

var pastImportYear = regexp.MustCompile(`(\d{4}) \((\d+)\)`)

func notePart(lang, note string) string {
	// a phrase with its detail after a colon ("need comment hidden: 理由"); a phrase that holds
	// a colon itself ("second step: code") has a label of its own, and its head has none
	if head, rest, ok := strings.Cut(note, ": "); ok {
		if t := label(lang, "audit.note."+head, ""); t != "" {
			return t + web.T(lang, "p.colon") + rest
		}
	}
	if t := label(lang, "audit.note."+note, ""); t != "" {
		return t
	}
	if m := pastImportNote.FindStringSubmatch(note); m != nil {
		var years []string
		for _, y := range pastImportYear.FindAllStringSubmatch(m[3], -1) {
			n, _ := strconv.Atoi(y[2])
			years = append(years, web.TN(lang, "audit.note.past_year", n, y[1]))
		}
		amount := m[2]
		if f, err := strconv.ParseFloat(m[2], 64); err == nil {
			amount = web.OffYuan(gongzhi.Money(int64(f*100 + 0.5)))
		}
		n, _ := strconv.Atoi(m[1])
		return web.TN(lang, "audit.note.past_import", n, amount) + strings.Join(years, web.T(lang, "audit.list_sep"))
	}
	// key=value ("username=zhang", "days=3")
	if k, v, ok := strings.Cut(note, "="); ok && !strings.ContainsAny(k, " [") {
		if t := label(lang, "audit.note_key."+k, ""); t != "" {
			return t + web.T(lang, "p.colon") + v
		}
	}
	code, args, _ := strings.Cut(note, " ")
	if _, ok := gongzhi.NoteCodes[code]; ok && (args == "" || strings.HasPrefix(args, "[")) {
		if n, err := gongzhi.ParseNote(code, args); err == nil {
			if t := web.NoteText(lang, n); t != "" {
				return t
			}
		}
	}
	return note
}

// fieldName is what a field's name looks like; a map keyed otherwise is keyed by data.
var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// AuditFieldKeys are the field names the register labels in a stored before or after: its
// fields, and the fields of the objects it holds (a funding band, a budget line), less the
// bookkeeping fields it hides. A field without an audit.field label shows as its code.
func AuditFieldKeys(stored string) []string {
	var out []string
	var walk func(v any, top bool)
	walk = func(v any, top bool) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if hiddenFields[k] || !fieldName.MatchString(k) {
					continue // bookkeeping, or a map keyed by data ("award 4"), not by field
				}
				switch k {
				case "name", "item", "label", "title", "min", "max":
					if !top {
						continue // an object's name and range are shown without a label
					}
				}
				out = append(out, k)
				walk(y, false)
			}
		case []any:
			for _, y := range x {
				walk(y, false)
			}
		}
	}
	if m := jsonObject(stored); m != nil {
		walk(m, true)
	}
	return out
}

// AuditFieldLabelled tells whether the register names field k in words in lang.
func AuditFieldLabelled(lang, k string) bool { return label(lang, "audit.field."+k, "") != "" }
