// Shared pieces of the office's purchase pages: money in yuan (parsed into fen with the domain's
// parser, never through a float), dates and times in China Standard Time, labels of the
// workflow's states and codes, errors made readable (refused state moves name the state in
// words) and placed beside the form that caused them, and the small inline forms of the call page.

package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/xlsx"
)

// offTr translates a message with several arguments, filling its %s in order.
func OffTr(lang, key string, args ...string) string {
	s := T(lang, key)
	for _, a := range args {
		s = strings.Replace(s, "%s", a, 1)
	}
	return s
}

// offYuan shows an amount of money: "¥20,000.00".
func OffYuan(m gongzhi.Money) string { return "¥" + m.Format() }

// offParseYuan reads a form value in yuan ("20000", "20,000.50", "2万") into fen, recording the
// domain's reason for a bad one under name. An empty value is 0 (and "required" if required).
func OffParseYuan(f gongzhi.FieldErrors, name, v string, required bool) gongzhi.Money {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			f.Add(name, "money.positive")
		}
		return 0
	}
	m, r := gongzhi.ParseMoney(v)
	if r != "" {
		f.Add(name, r)
	}
	return m
}

// offMoneyValue is an amount as a form shows it back: plain yuan, empty for zero.
func OffMoneyValue(m gongzhi.Money) string {
	if m == 0 {
		return ""
	}
	return m.String()
}

// offParseInt reads a whole number from a form value (empty: 0).
func OffParseInt(f gongzhi.FieldErrors, name, v string) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.Add(name, "number")
	}
	return n
}

// offParsePercent reads a share in percent ("50", "33.33") into basis points, without floats.
func OffParsePercent(f gongzhi.FieldErrors, name, v string) int {
	p, r := gongzhi.ParsePoints(strings.TrimSuffix(strings.TrimSpace(v), "%"))
	if r != "" {
		f.Add(name, "number")
		return 0
	}
	return int(p)
}

// offPercentValue shows basis points as a percentage for a form: 5000 → "50", 3333 → "33.33".
func OffPercentValue(bp int) string {
	s := gongzhi.Points(bp).String()
	return strings.TrimSuffix(strings.TrimRight(strings.TrimRight(s, "0"), "."), ".")
}

// offDateTimeLayout is what <input type="datetime-local"> sends.
const offDateTimeLayout = "2006-01-02T15:04"

// offParseDateTime reads a date and time in China Standard Time: "2026-12-01T09:00",
// "2026-12-01 09:00", or a bare date, which means the start of that day — or, with endOfDay,
// the midnight that ends it (a deadline "on 15 December" runs through that day).
func OffParseDateTime(f gongzhi.FieldErrors, name, v string, endOfDay bool) time.Time {
	v = strings.TrimSpace(strings.Replace(v, " ", "T", 1))
	if v == "" {
		return time.Time{}
	}
	if t, err := time.ParseInLocation(offDateTimeLayout, v, gongzhi.ChinaTime); err == nil {
		return t
	}
	if t, err := time.ParseInLocation(offDateTimeLayout+":05", v, gongzhi.ChinaTime); err == nil {
		return t
	}
	if d, ok := gongzhi.ParseDate(v); ok {
		if endOfDay {
			return d.AddDate(0, 0, 1)
		}
		return d
	}
	f.Add(name, "datetime.format")
	return time.Time{}
}

// offDateTimeValue shows a time for a datetime-local input.
func OffDateTimeValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(gongzhi.ChinaTime).Format(offDateTimeLayout)
}

// offShowTime shows a time as the office reads it: "2026-12-01 09:00".
func OffShowTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(gongzhi.ChinaTime).Format("2006-01-02 15:04")
}

// offShowDate shows the date of a time.
func OffShowDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return gongzhi.DateOf(t)
}

// offLastNoticeDay is the last day of a notice that ends at the midnight after it.
func OffLastNoticeDay(ends time.Time) string {
	if ends.IsZero() {
		return ""
	}
	return gongzhi.DateOf(ends.Add(-time.Nanosecond))
}

// offMergeErrs joins the field errors of parsing a form with those of validating the record, the
// parsing ones first: the user sees every problem at once.
func OffMergeErrs(parsed gongzhi.FieldErrors, err error) error {
	if len(parsed) == 0 {
		return err
	}
	if e, ok := err.(*gongzhi.Error); ok && e.Code == gongzhi.EINVALID {
		for k, v := range e.Fields {
			parsed.Add(k, v)
		}
	}
	return parsed.Err()
}

// stateWords are the state arguments of "state.illegal:STATE" put into words.
func offStateWord(lang, state string) string {
	if k := "state." + state; T(lang, k) != k {
		return T(lang, k)
	}
	return state
}

// offLocalReason makes a reason key readable where its argument is a code: "state.illegal:open"
// names the state in words.
func OffLocalReason(lang, reason string) string {
	if st, ok := strings.CutPrefix(reason, "state.illegal:"); ok {
		return "state.illegal:" + offStateWord(lang, st)
	}
	return reason
}

// offLocalize rewrites a service error's reasons for lang (see localReason); the error page and
// the API's body translate them as usual.
func offLocalize(lang string, err error) error {
	e, ok := err.(*gongzhi.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = map[string]string{}
	for k, v := range e.Fields {
		c.Fields[k] = OffLocalReason(lang, v)
	}
	return &c
}

// oh wraps an office handler so that refused moves name states in words.
func (s *Server) OffWrap(h Handler) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		return offLocalize(LangOf(r), h(w, r))
	}
}

// offFieldErrs translates an error's field reasons for a form.
func OffFieldErrs(lang string, e *gongzhi.Error) map[string]string {
	errs := map[string]string{}
	if e != nil {
		for k, v := range e.Fields {
			errs[k] = T(lang, OffLocalReason(lang, v))
		}
	}
	return errs
}

// offErrText is an error as one line: its message and every field's reason.
func OffErrText(lang string, e *gongzhi.Error) string {
	if e == nil {
		return ""
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, T(lang, OffLocalReason(lang, e.Fields[k])))
	}
	if len(parts) == 0 {
		return T(lang, e.Message)
	}
	return strings.Join(parts, "；")
}

// offFormError reports whether err should be shown beside a form (bad input, a refused move, a
// file too large) rather than as an error page.
func OffFormError(err error) (*gongzhi.Error, bool) {
	if err == nil {
		return nil, false
	}
	e := gongzhi.AsError(err)
	return e, (e.Code == gongzhi.EINVALID || e.Code == gongzhi.ECONFLICT || e.Code == gongzhi.ETOOLARGE) && len(e.Fields) > 0
}

// offMiniForm is one small form of a page (an award's amount, an objection's answer): where it
// posts, the values it shows (typed ones kept after an error) and its errors.
type OffMiniForm struct {
	Action string
	Val    map[string]string
	Err    map[string]string
	Errors string // every reason of a failed submission, for forms too small to place them
}

// V returns a value of the form.
func (m *OffMiniForm) V(k string) string { return m.Val[k] }

// E returns the error of a field of the form.
func (m *OffMiniForm) E(k string) string { return m.Err[k] }

// offFormState carries a failed submission back to the page that shows the form.
type OffFormState struct {
	Key  string // which form failed
	Err  *gongzhi.Error
	Vals url.Values
	Lang string
}

// mini builds a form; if it is the one that failed, it keeps the typed values and the errors.
func (fs *OffFormState) Mini(key, action string, defaults map[string]string) *OffMiniForm {
	m := &OffMiniForm{Action: action, Val: map[string]string{}, Err: map[string]string{}}
	for k, v := range defaults {
		m.Val[k] = v
	}
	if fs != nil && fs.Key == key {
		for k := range fs.Vals {
			if k != "csrf" {
				m.Val[k] = fs.Vals.Get(k)
			}
		}
		m.Err = OffFieldErrs(fs.Lang, fs.Err)
		m.Errors = OffErrText(fs.Lang, fs.Err)
	}
	return m
}

// ---- labels

// offLabels are the names of the codes a purchase page shows, in one language.
type OffLabels struct {
	Lang       string
	categories map[string]string
	groups     map[string]string
}

// offLabelsFor loads the catalog's and the target groups' names.
func (s *Server) OffLabelsFor(r *http.Request) *OffLabels {
	lang := LangOf(r)
	l := &OffLabels{Lang: lang, categories: map[string]string{}, groups: map[string]string{}}
	cats, err := s.services.ServiceCategories(r.Context(), false)
	s.LogListError(r, "category names", err)
	for _, c := range cats {
		l.categories[c.Code] = c.Name
		if lang == "en" && c.NameEn != "" {
			l.categories[c.Code] = c.NameEn
		}
	}
	if ac := ActorOf(r); ac != nil {
		groups, err := s.services.TargetGroups(r.Context(), ac)
		s.LogListError(r, "target group names", err)
		for _, g := range groups {
			l.groups[g.Code] = g.Name
			if lang == "en" && g.NameEn != "" {
				l.groups[g.Code] = g.NameEn
			}
		}
	}
	return l
}

func (l *OffLabels) Category(code string) string {
	if n := l.categories[code]; n != "" {
		return n
	}
	return code
}

func (l *OffLabels) CategoryList(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = l.Category(c)
	}
	return strings.Join(out, T(l.Lang, "p.sep"))
}

func (l *OffLabels) Group(code string) string {
	if n := l.groups[code]; n != "" {
		return n
	}
	return code
}

func (l *OffLabels) GroupList(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = l.Group(c)
	}
	return strings.Join(out, T(l.Lang, "p.sep"))
}

// offCategoryOptions lists the catalog (active entries only, unless all) as options.
func (s *Server) OffCategoryOptions(r *http.Request, l *OffLabels, all bool, blank string) []Option {
	var out []Option
	if blank != "" {
		out = append(out, Option{"", blank})
	}
	cats, err := s.services.ServiceCategories(r.Context(), !all)
	s.LogListError(r, "category options", err)
	for _, c := range cats {
		out = append(out, Option{c.Code, l.Category(c.Code)})
	}
	return out
}

// offGroupOptions lists the target groups as options.
func (s *Server) OffGroupOptions(r *http.Request, l *OffLabels, blank string) []Option {
	var out []Option
	if blank != "" {
		out = append(out, Option{"", blank})
	}
	groups, err := s.services.TargetGroups(r.Context(), ActorOf(r))
	s.LogListError(r, "target group options", err)
	for _, g := range groups {
		out = append(out, Option{g.Code, l.Group(g.Code)})
	}
	return out
}

// offPlaceNames maps the codes of places within the actor's scope at levels to their names (none
// for a role that may not read places). The actor's scope bounds the list, so it is not cut.
func (s *Server) OffPlaceNames(ctx context.Context, ac *gongzhi.Actor, levels ...int) map[string]string {
	out := map[string]string{}
	for _, lvl := range levels {
		names, err := s.services.PlaceNamesAt(ctx, ac, lvl)
		s.LogListError(nil, "place names", err)
		for _, n := range names {
			out[n.Code] = n.Name
		}
	}
	return out
}

// offWithBlank puts a blank choice before options.
func OffWithBlank(label string, opts []Option) []Option {
	return append([]Option{{"", label}}, opts...)
}

// offTruncate shortens text for a table cell.
func OffTruncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// offHistoryOf turns state changes into the lines of a timeline: who moved which record from
// which state to which, and the note.
func OffHistoryOf(lang string, hs []gongzhi.StateChange) []HistoryRow {
	out := make([]HistoryRow, 0, len(hs))
	for _, h := range hs {
		who := PpFirstNonEmpty(h.DisplayName, h.Username)
		if h.Role != "" {
			who += T(lang, "p.open") + T(lang, "role.short."+h.Role) + T(lang, "p.close")
		}
		what := T(lang, "entity."+h.Entity)
		if h.EntityID != 0 && h.Entity != "call" && h.Entity != "panel" && h.Entity != "ranking" {
			what += " #" + strconv.FormatInt(h.EntityID, 10)
		}
		move := offEntityState(lang, h.Entity, h.To)
		if h.From != "" {
			move = offEntityState(lang, h.Entity, h.From) + " → " + move
		}
		row := HistoryRow{At: h.At, Who: who, Action: what + T(lang, "p.colon") + move}
		if t := NoteText(lang, h.Note); t != "" {
			row.Changes = []string{t}
		}
		out = append(out, row)
	}
	return out
}

// offStatePrefixes name the message prefix of each entity's states.
var offStatePrefixes = map[string]string{"call": "call.state.", "application": "app.state.", "award": "award.state.",
	"objection": "objection.state.", "contract": "contract.state.", "contract_version": "version.state.", "panel_member": "panel.outcome."}

// offEntityState names a state of an entity in words: an objection's "open" is not a call's.
func offEntityState(lang, entity, state string) string {
	if p := offStatePrefixes[entity]; p != "" {
		if k := p + state; T(lang, k) != k {
			return T(lang, k)
		}
	}
	return offStateWord(lang, state)
}

// offXlsxName is an export's file name with the time it was made.
func OffXlsxName(base string) string {
	return base + "-" + time.Now().In(ChinaTime).Format("20060102-1504") + ".xlsx"
}

// offSendXLSX sets the headers of an Excel download.
func OffSendXLSX(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

// offRowsSeq yields rows for xlsx.Export.
// OffAmount is an amount for an Excel export: a number of yuan shown with two decimals and
// thousands separators (issue 11, item 14), not the text String gives.
func OffAmount(m gongzhi.Money) xlsx.Amount { return xlsx.Amount(float64(m) / 100) }

func OffRowsSeq(rows [][]any) func(func([]any) bool) {
	return func(yield func([]any) bool) {
		for _, row := range rows {
			if !yield(row) {
				return
			}
		}
	}
}

// offListPage is a list with links to related pages (the needs map, the catalog).
type OffListPage struct {
	*ListView
	Links []ActionLink
	Warn  string // a warning above the list (the catalog's built-in price ranges)
}

// officeCSS is the stylesheet of the purchase pages: the needs map's heat colours, the call
// page's steps and small forms, the bar chart, and the print layout of a contract.
const officeCSS = `
.p-links { display:flex; flex-wrap:wrap; gap:.5rem; margin:.25rem 0 .75rem; }
.badge { display:inline-block; padding:.05rem .5rem; border-radius:999px; font-size:.8rem; background:#e4e7eb; color:var(--ink); white-space:nowrap; }
.badge.s-imported { background:#fff3c4; color:#6b4e00; }
.badge.s-open, .badge.s-selected, .badge.s-eligible, .badge.s-awarded, .badge.s-final, .badge.s-signed, .badge.s-effective, .badge.s-answered, .badge.s-published { background:#d3f9e4; color:#054f31; }
.badge.s-rejected, .badge.s-cancelled, .badge.s-not_funded, .badge.s-overturned, .badge.s-excluded, .badge.s-superseded { background:#ffe3e3; color:#8a1c1c; }
.badge.s-notice, .badge.s-reviewing, .badge.s-closed, .badge.s-pending, .badge.s-proposed, .badge.s-submitted { background:#fff3c4; color:#6b4e00; }
.steps { list-style:none; display:flex; flex-wrap:wrap; gap:.25rem; padding:0; margin:.5rem 0 1rem; counter-reset:step; }
.steps li { flex:1 1 7rem; background:#fff; border:1px solid var(--line); border-top:4px solid var(--line); border-radius:4px; padding:.35rem .5rem; font-size:.85rem; }
.steps li.done { border-top-color:var(--ok); }
.steps li.current { border-top-color:var(--brand); font-weight:700; }
.steps li small { display:block; color:var(--muted); font-weight:400; }
.p-section { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.75rem 1rem; margin:1rem 0; }
.p-section > h2 { margin-top:0; }
.p-section .table-wrap { border:none; }
.p-form { display:flex; flex-wrap:wrap; align-items:flex-end; gap:.5rem; margin:.5rem 0; }
.p-form label { flex:1 1 10rem; }
.p-form label.small { flex:0 1 7rem; }
.p-form label.check { flex:0 0 auto; }
.p-form label.grow { flex-basis:100%; } /* a text to write (an objection's answer) takes its own row */
.p-form label.grow textarea { width:100%; }
.p-form .field-error { flex-basis:100%; }
.p-form button { white-space:nowrap; flex:0 0 auto; }
td .p-form { margin:.15rem 0; }
td .p-form input { flex:1 1 6rem; min-width:6rem; width:auto; }
td .p-form select { flex:1 1 8rem; min-width:8rem; width:auto; }
td.adjust { min-width:24rem; }
td.prelim { min-width:16rem; }
.nowrap { white-space:nowrap; }
@media (max-width: 640px) {
  .table-wrap td > div { flex:1; min-width:0; overflow-wrap:anywhere; }
  td.adjust, td.prelim { min-width:0; }
  td .p-form input, td .p-form select { min-width:0; width:4rem; flex:1 1 4rem; }
  .p-section { padding:.75rem .6rem; }
  table.map td[class*="heat-"]::before { color:inherit; opacity:.85; }
}
.p-muted { color:var(--muted); font-size:.85rem; }
.p-sum { font-variant-numeric:tabular-nums; font-weight:700; }
.p-depth-1 { padding-left:1.2em; } .p-depth-2 { padding-left:2.4em; } .p-depth-3 { padding-left:3.6em; } .p-depth-4 { padding-left:4.8em; }
.p-warn { background:#fff8e1; border:1px solid #e0b400; padding:.5rem .75rem; border-radius:4px; }
.heat-0 { background:#fff; }
.heat-1 { background:#fff1e6; }
.heat-2 { background:#ffd8bf; }
.heat-3 { background:#ffb38a; }
.heat-4 { background:#f97f51; color:#fff; }
.heat-5 { background:#c0392b; color:#fff; }
.heat-4 a, .heat-5 a { color:#fff; }
table.map td a { font-weight:700; }
.heat-legend { display:flex; gap:.25rem; align-items:center; font-size:.8rem; margin:.5rem 0; flex-wrap:wrap; }
.heat-legend span { display:inline-block; min-width:2.2rem; text-align:center; border:1px solid var(--line); border-radius:3px; padding:0 .25rem; }
table.map td.num, table.map th.num { text-align:center; }
.chart { width:100%; max-width:640px; height:auto; background:#fff; }
figure { margin:.5rem 0 1rem; }
.rows-table input, .rows-table select { min-width:5rem; }
.rows-table td { padding:.25rem .35rem; }
.contract h1 { text-align:center; }
.contract .parties { display:grid; grid-template-columns:1fr; gap:.5rem; }
@media (min-width:700px) { .contract .parties { grid-template-columns:1fr 1fr; } }
.contract .party { border:1px solid var(--line); border-radius:6px; padding:.5rem .75rem; background:#fff; }
.contract .clause { white-space:pre-wrap; }
.print-hint { color:var(--muted); font-size:.85rem; }
@media print {
  header.top, footer, .no-print, .tools, .flash, .print-hint { display:none !important; }
  body { background:#fff; font-size:12pt; }
  main { max-width:none; padding:0; }
  .p-section, .table-wrap, dl.detail, .contract .party { border:none; }
  .table-wrap table thead { display:table-header-group !important; }
  .table-wrap table tr { display:table-row !important; }
  .table-wrap table td { display:table-cell !important; border-bottom:1px solid #999; }
  .table-wrap table td[data-label]::before { content:none !important; }
  th, td { border-bottom:1px solid #999; }
  a { color:inherit; text-decoration:none; }
  .contract section { break-inside:avoid; }
}
`

// officeCSSVersion busts caches when the stylesheet changes.
var officeCSSVersion = strconv.FormatUint(uint64(offFnv32(officeCSS)), 36)

func offFnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// offServeOfficeCSS serves the stylesheet of the purchase pages.
func (s *Server) OffServeOfficeCSS(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	if r.URL.Query().Get("v") != "" {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	_, err := w.Write([]byte(officeCSS))
	return err
}

// officeCSSURL is the stylesheet's address, for the templates.
func OfficeCSSURL() string { return "/purchase-office.css?v=" + officeCSSVersion }

// offSortedKeys returns a map's keys in order.
func OffSortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// offWriteSaved answers an API save: 201 Created with the new record's Location, or 200 for a
// change to an existing one.
func OffWriteSaved(w http.ResponseWriter, create bool, location string, v any) {
	status := http.StatusOK
	if create {
		status = http.StatusCreated
		w.Header().Set("Location", location)
	}
	WriteJSON(w, status, v)
}

// offRecordSave is how one office record is created or changed, from a form or from the API:
// the steps that differ between budgets, calls and catalog entries. offSave runs them in the
// one order they share.
type OffRecordSave[R any] struct {
	// load finds the stored record of an update (ENOTFOUND outside the caller's scope) and
	// returns what copies onto the request the fields it may not change, such as the id.
	Load     func(r *http.Request) (keep func(*R), err error)
	FromForm func(r *http.Request) (*R, OffRawValues, gongzhi.FieldErrors)
	Validate func(*R) error
	Save     func(r *http.Request, t *R) error
	// saved is the API's answer: the record as stored, and where it lives
	Saved func(r *http.Request, t *R) (body any, location string, err error)
	Form  func(w http.ResponseWriter, r *http.Request, status int, t *R, raw OffRawValues, e *gongzhi.Error)
	Href  func(t *R) string
}

// offSave creates (create) or changes a record: decoded from JSON for the API, parsed from the
// form otherwise. Input the form cannot parse is reported together with the record's own
// validation; a refused form is shown again with what was typed and the reasons beside the
// fields, and nothing is written.
func OffSave[R any](s *Server, w http.ResponseWriter, r *http.Request, create bool, op OffRecordSave[R]) error {
	var keep func(*R)
	if !create {
		var err error
		if keep, err = op.Load(r); err != nil {
			return err
		}
	}
	var t *R
	var err error
	var parsed gongzhi.FieldErrors
	var raw OffRawValues
	if IsAPIPath(r) {
		t = new(R)
		err = s.Decode(w, r, t)
	} else {
		t, raw, parsed = op.FromForm(r)
	}
	if keep != nil {
		keep(t)
	}
	if len(parsed) > 0 {
		err = OffMergeErrs(parsed, op.Validate(t))
	}
	if err == nil {
		err = op.Save(r, t)
	}
	if IsAPIPath(r) {
		if err != nil {
			return err
		}
		body, location, err := op.Saved(r, t)
		if err != nil {
			return err
		}
		OffWriteSaved(w, create, location, body)
		return nil
	}
	if e, ok := OffFormError(err); ok {
		op.Form(w, r, StatusOf[e.Code], t, raw, e)
		return nil
	} else if err != nil {
		return err
	}
	return s.Redirect(w, r, op.Href(t), T(LangOf(r), "saved"))
}
