// Notes as data: what a line of history or of a budget's ledger says is a code and its
// arguments (NoteCodes), shown in the reader's language by the web layer, never an English
// sentence a reader has to translate back.

package gongzhi

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Note is what a line of history or of a budget's ledger says, as data: a code and its
// arguments, never a sentence. The web layer shows it in the reader's language from the
// message "note.CODE", each argument formatted by its kind (NoteCodes); the API returns the code
// and the arguments as they are stored, and the text it showed. Stored in the columns note_code
// and note_args (a JSON array of strings) of purchase_history, budget_ledger and
// complaint_history.
type Note struct {
	Code string   `json:"code"` // one of NoteCodes; "" for a line that says nothing more
	Args []string `json:"args"` // the arguments in the order NoteCodes gives their kinds
	// Text is the note in the reader's language, filled in by the API for its answer; never stored.
	Text string `json:"text,omitempty"`
}

// Kinds of a note's arguments: how each is stored (always as a string) and shown.
const (
	ArgCount  = "count"  // a whole number, "1234", shown grouped for the language: 1,234
	ArgNumber = "number" // a record's number, a sequence, a version, a seed: "-42", shown as it is
	ArgMoney  = "money"  // an amount in fen, "2000000", shown as yuan: 20,000.00 元 / ¥20,000.00
	ArgPoints = "points" // a score in hundredths of a point, "300", shown as 3.00
	ArgDate   = "date"   // a date, YYYY-MM-DD
	ArgMonth  = "month"  // a month, YYYY-MM
	ArgText   = "text"   // words a person wrote, or a name: shown as written
	// ArgCode followed by a message prefix ("code:complaint.route.") is a code shown by the message
	// PREFIX+CODE; with no prefix ("code:") the argument is a message key itself.
	ArgCode = "code:"
)

// NoteCodes are every note code with the kinds of its arguments. A code is stable: what a line
// says is changed by adding a code, never by changing one; the messages that show them are
// "note.CODE". Old English notes the migration of schema version 5 could not read are kept as
// "legacy" with the sentence as it was written.
var NoteCodes = map[string][]string{
	// any record
	"text":   {ArgText}, // the words a person gave with the change: a reason, an answer, what was done
	"legacy": {ArgText}, // a note written before notes were data, kept as it was written

	// needs and budgets (purchase_history)
	"need_source":   {ArgCode + "need.source."}, // a need recorded, with where it came from (NeedSources)
	"amount":        {ArgMoney},                 // the amount of a budget created, a contract drafted or signed, an award published
	"budget_amount": {},                         // a budget's amount changed (the line's from and to are the amounts)

	// a call and its review (purchase_history)
	"reserved":        {ArgMoney},                                // a call opened: the money reserved from its budget
	"closed_early":    {ArgDate, ArgText},                        // a call closed before its deadline: the deadline it had, the reason
	"review_started":  {ArgCount, ArgCount},                      // eligible applications, active panel members
	"drawn":           {ArgNumber, ArgCount, ArgCount},           // the panel drawn: seed, pool size, experts examined
	"pool_exhausted":  {},                                        // no expert left to replace one taken off the panel
	"replacement":     {ArgNumber},                               // an expert drawn as a replacement: position in the draw order
	"panel_excluded":  {ArgCode + "panel.reason.", ArgText},      // an expert taken off the panel: reason (Excluded*), detail
	"score_for":       {ArgNumber},                               // an expert's score of the application with this id
	"ranked":          {ArgCount, ArgCode + "call.aggregation."}, // applications ranked, by the call's aggregation rule
	"eval_bonus":      {ArgText, ArgPoints, ArgNumber},           // an organization's evaluation bonus in the ranking: name, bonus, evaluation id
	"award_amount":    {ArgNumber, ArgMoney, ArgText},            // an award proposed or set: application id, amount, the purchaser's note
	"award_removed":   {ArgCode, ArgText},                        // an award taken away: the reason (Unfunded*), the purchaser's note
	"unfunded":        {ArgCode},                                 // an application not funded, for the reason (Unfunded*)
	"published":       {ArgCount, ArgMoney, ArgDate},             // results published: awards, their sum, the notice's last day
	"final":           {ArgCount},                                // awards made final
	"upheld":          {},                                        // an objection answered: upheld
	"not_upheld":      {},                                        // an objection answered: not upheld
	"overturned":      {},                                        // an objection answered: upheld, and the award overturned
	"version":         {ArgNumber},                               // a contract version confirmed or in force
	"version_reason":  {ArgNumber, ArgText},                      // a contract amendment proposed, with its reason
	"price_exception": {ArgMoney, ArgText},                       // an amount outside its category's price range (a request, an award, an amendment), with the reason recorded
	"paid_on_time":    {ArgNumber, ArgMoney, ArgDate},            // a portion paid (1-based), amount, date, by its due date
	"paid_late":       {ArgNumber, ArgMoney, ArgDate, ArgDate},   // a portion paid late: portion, amount, date, the due date

	// a budget's ledger (budget_ledger)
	"call_opened":      {},          // reserved for a call opened
	"call_cancelled":   {},          // a cancelled call's reservation released
	"released_rest":    {},          // awards below the call's amount: the rest released
	"award_overturned": {},          // an overturned award's money released
	"amendment":        {ArgNumber}, // a contract amendment (its version) reserved or released the difference
	"portion":          {ArgNumber}, // a portion (1-based) paid

	// evaluations (purchase_history)
	"eval_round":       {ArgCode + "eval.round."},            // an evaluation opened, for its round
	"eval_grade":       {ArgCode + "eval.grade."},            // an evaluation published with its grade
	"eval_grade_total": {ArgCode + "eval.grade.", ArgPoints}, // an evaluation finalized: grade and total

	// supervision (purchase_history)
	"month":           {ArgMonth},         // an inspection done or a monthly report drafted or published, for its month
	"rect_deadline":   {ArgDate},          // a rectification order issued with its deadline
	"rect_missed":     {ArgDate},          // an order escalated: the deadline it missed
	"rect_extended":   {ArgDate, ArgText}, // an order given a new deadline, with the reason
	"action_deadline": {ArgDate},          // a meeting's action item recorded with its deadline

	// complaints (complaint_history)
	"route":        {ArgCode + "complaint.route."},                                                 // submitted to this route
	"escalation":   {ArgCode + "complaint.escalation."},                                            // escalated to this level
	"contact":      {},                                                                             // the complainant's contact revealed
	"answer_round": {ArgCode + "complaint.answer_round."},                                          // answered, in this round
	"rerouted":     {ArgCode + "complaint.route.", ArgCode + "complaint.route.", ArgText},          // routed elsewhere: from, to, reason
	"rerouted_org": {ArgCode + "complaint.route.", ArgCode + "complaint.route.", ArgText, ArgText}, // routed to a provider: from, to, the provider, reason
	"route_change": {ArgCode + "complaint.route.", ArgCode + "complaint.route."},                   // reopened: from the route to another
	"rating":       {ArgNumber},                                                                    // rated, out of 5

	// past contracts (the audit log's notes)
	"past_import": {ArgCount, ArgMoney},  // past contracts imported: how many, their sum
	"past_year":   {ArgNumber, ArgCount}, // of an import: a fiscal year and how many of its contracts
	"past_orgs":   {ArgCount},            // of an import: providers registered because the registry lacked them

	// service vouchers (budget_ledger)
	"voucher_issue":  {ArgText, ArgCount},           // vouchers of the scheme (its name) issued: how many
	"voucher_settle": {ArgText, ArgMonth, ArgCount}, // a provider's statement paid: the provider, the month, vouchers
	"voucher_expire": {ArgText, ArgCount},           // vouchers of the scheme expired unspent: how many
}

// NoteOf makes a note. Arguments are written as their kinds store them: an int or int64 as a
// decimal, Money as fen, Points as hundredths, a string as it is. NoteOf("") is the empty note.
func NoteOf(code string, args ...any) Note {
	n := Note{Code: code, Args: make([]string, len(args))}
	for i, a := range args {
		switch v := a.(type) {
		case Money:
			n.Args[i] = strconv.FormatInt(int64(v), 10)
		case Points:
			n.Args[i] = strconv.FormatInt(int64(v), 10)
		case int:
			n.Args[i] = strconv.Itoa(v)
		case int64:
			n.Args[i] = strconv.FormatInt(v, 10)
		case string:
			n.Args[i] = v
		default:
			n.Args[i] = fmt.Sprint(v)
		}
	}
	return n
}

// TextNote is the note of a person's own words; empty words make the empty note.
func TextNote(s string) Note {
	if s == "" {
		return Note{}
	}
	return NoteOf("text", s)
}

// IsZero reports whether the note says nothing.
func (n Note) IsZero() bool { return n.Code == "" }

// Check returns nil for a note whose code is known and whose arguments fit their kinds, and an
// error naming the problem otherwise: a line of history is never written with a note no reader
// could show.
func (n Note) Check() error {
	if n.Code == "" {
		if len(n.Args) > 0 {
			return fmt.Errorf("note: arguments without a code")
		}
		return nil
	}
	kinds, ok := NoteCodes[n.Code]
	if !ok {
		return fmt.Errorf("note: unknown code %q", n.Code)
	}
	if len(n.Args) != len(kinds) {
		return fmt.Errorf("note %s: %d arguments, want %d", n.Code, len(n.Args), len(kinds))
	}
	for i, a := range n.Args {
		if !argFits(kinds[i], a) {
			return fmt.Errorf("note %s: argument %d %q is not a %s", n.Code, i+1, a, kinds[i])
		}
	}
	return nil
}

func argFits(kind, a string) bool {
	switch kind {
	case ArgCount, ArgNumber, ArgMoney, ArgPoints:
		_, err := strconv.ParseInt(a, 10, 64)
		return err == nil
	case ArgDate:
		_, ok := ParseDate(a)
		return ok
	case ArgMonth:
		_, ok := ParseDate(a + "-01")
		return ok && len(a) == 7
	}
	return true
}

// ArgsJSON is the arguments as the note_args column stores them: a JSON array of strings.
func (n Note) ArgsJSON() string {
	if len(n.Args) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(n.Args)
	return string(b)
}

// ParseNote reads a note from its stored columns.
func ParseNote(code, args string) (Note, error) {
	n := Note{Code: code, Args: []string{}}
	if args != "" {
		if err := json.Unmarshal([]byte(args), &n.Args); err != nil {
			return Note{}, fmt.Errorf("note %s: arguments %q: %w", code, args, err)
		}
	}
	return n, nil
}

// String is the note for logs and the audit trail, where nothing is translated: the words alone
// for a note of words, otherwise the code and its arguments, `paid_on_time ["1","2500000","2026-11-28"]`.
func (n Note) String() string {
	switch {
	case n.Code == "":
		return ""
	case n.Code == "text" || n.Code == "legacy":
		return strings.Join(n.Args, "")
	}
	return n.Code + " " + n.ArgsJSON()
}
