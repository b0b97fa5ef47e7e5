// Notes of history and ledger lines (gongzhi.Note) put into the reader's language: the message
// "note.CODE" with its arguments filled in, each formatted by its kind — money, dates, months,
// counts and points as the language writes them, codes by their own messages, a person's words
// as written. Messages use fmt's verbs: %s in order, or %[2]s where a language needs the
// arguments in another order.

package web

import (
	"fmt"
	"strconv"
	"strings"

	"gongzhi"
)

// NoteText is a note in lang; "" for the empty note. A code without a message (a note written
// by a newer binary) shows the code and its arguments as they are.
func NoteText(lang string, n gongzhi.Note) string {
	if n.Code == "" {
		return ""
	}
	kinds := gongzhi.NoteCodes[n.Code]
	msg, ok := noteMessage(lang, "note."+n.Code, n, kinds)
	if !ok || len(kinds) != len(n.Args) {
		return strings.TrimSpace(n.Code + " " + strings.Join(n.Args, " "))
	}
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		args[i] = NoteArg(lang, kinds[i], a)
	}
	return strings.TrimSpace(fmt.Sprintf(msg, args...))
}

// WithNoteTexts fills in the text of each line's note for an API answer.
func WithNoteTexts(lang string, hs []gongzhi.StateChange) []gongzhi.StateChange {
	for i := range hs {
		hs[i].Note.Text = NoteText(lang, hs[i].Note)
	}
	return hs
}

// NoteArg formats one argument of a note by its kind (gongzhi.NoteCodes); one it cannot read is
// shown as stored.
func NoteArg(lang, kind, v string) string {
	switch kind {
	case gongzhi.ArgCount:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return groupDigits(n)
		}
	case gongzhi.ArgMoney:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return T(lang, "note.yuan:"+gongzhi.Money(n).Format())
		}
	case gongzhi.ArgPoints:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return gongzhi.Points(n).String()
		}
	case gongzhi.ArgMonth:
		if y, m, ok := strings.Cut(v, "-"); ok && len(y) == 4 && len(m) == 2 {
			if mm, err := strconv.Atoi(m); err == nil && mm >= 1 && mm <= 12 {
				return fmt.Sprintf(T(lang, "note.month_of"), y, strconv.Itoa(mm), T(lang, "note.month_name."+strconv.Itoa(mm)))
			}
		}
	default:
		if prefix, ok := strings.CutPrefix(kind, gongzhi.ArgCode); ok {
			if t, ok := messageOf(lang, prefix+v); ok {
				return t
			}
		}
	}
	return v // numbers, dates (YYYY-MM-DD in both languages, as every page shows them) and words
}

// messageOf returns the message of key (a key without an argument) in lang and whether there
// is one.
// messageOf is a message without arguments, if the catalogue has the key.
func messageOf(lang, key string) (string, bool) {
	if !PpHas(key) {
		return "", false
	}
	return T(lang, key), true
}

// noteMessage is a note's message in lang: for a message with plural forms, the form for the
// note's first count, with that count's %d read as the formatted argument it receives.
func noteMessage(lang, key string, n gongzhi.Note, kinds []string) (string, bool) {
	m, ok := catalogue.messages[key]
	if !ok {
		return "", false
	}
	count := -1
	for i, k := range kinds {
		if k == gongzhi.ArgCount && i < len(n.Args) {
			if v, err := strconv.Atoi(n.Args[i]); err == nil {
				count = v
			}
			break
		}
	}
	s := m.pick(langIndex(lang), count)
	if s == "" {
		s = m.pick(0, count)
	}
	return strings.ReplaceAll(s, "%d", "%s"), true
}

// groupDigits writes a whole number with thousands separators: 1234567 → 1,234,567.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
