package web_test

import (
	"slices"
	"strings"
	"testing"

	"gongzhi"
	_ "gongzhi/internal/site" // every capability's messages
	"gongzhi/internal/web"
)

// noteSamples are an argument of each kind and what it shows as in each language.
var noteSamples = map[string]struct{ arg, zh, en string }{
	gongzhi.ArgCount:  {"12345", "12,345", "12,345"},
	gongzhi.ArgNumber: {"-4242", "-4242", "-4242"},
	gongzhi.ArgMoney:  {"2000050", "20,000.50 元", "¥20,000.50"},
	gongzhi.ArgPoints: {"8550", "85.50", "85.50"},
	gongzhi.ArgDate:   {"2026-11-28", "2026-11-28", "2026-11-28"},
	gongzhi.ArgMonth:  {"2026-03", "2026年3月", "March 2026"},
	gongzhi.ArgText:   {"机构人员变动，同意延期", "机构人员变动，同意延期", "机构人员变动，同意延期"},
}

// noteCodeSamples are a code each code-kind argument may hold, by its message prefix.
var noteCodeSamples = map[string]string{
	"need.source.":            gongzhi.NeedSources[0],
	"panel.reason.":           gongzhi.ExcludedRemoved,
	"call.aggregation.":       gongzhi.AggMean,
	"":                        gongzhi.UnfundedDecision,
	"eval.round.":             gongzhi.RoundFinal,
	"eval.grade.":             gongzhi.GradeGood,
	"complaint.route.":        gongzhi.RouteHub,
	"complaint.escalation.":   "2",
	"complaint.answer_round.": "2",
	"event.source.":           gongzhi.SourcePatrol,
	"event.escalation.":       "3",
}

// TestNoteMessages checks that every note code has a message in both languages that takes its
// arguments — each shown formatted for the language, codes by their own messages — and that a
// note from a newer binary without a message is shown as data rather than lost.
func TestNoteMessages(t *testing.T) {
	t.Parallel()
	for code, kinds := range gongzhi.NoteCodes {
		n := gongzhi.Note{Code: code}
		want := map[string][]string{}
		for _, k := range kinds {
			if prefix, ok := strings.CutPrefix(k, gongzhi.ArgCode); ok {
				v, known := noteCodeSamples[prefix]
				if !known {
					t.Fatalf("note %s: no sample code for the prefix %q", code, prefix)
				}
				n.Args = append(n.Args, v)
				for _, lang := range web.Languages {
					if web.T(lang, prefix+v) == prefix+v {
						t.Errorf("note %s: no message %s%s", code, prefix, v)
					}
					want[lang] = append(want[lang], web.T(lang, prefix+v))
				}
				continue
			}
			s, known := noteSamples[k]
			if !known {
				t.Fatalf("note %s: unknown argument kind %q", code, k)
			}
			n.Args = append(n.Args, s.arg)
			want["zh-CN"], want["en"] = append(want["zh-CN"], s.zh), append(want["en"], s.en)
		}
		if err := n.Check(); err != nil {
			t.Errorf("sample note: %v", err)
		}
		for _, lang := range web.Languages {
			if web.T(lang, "note."+code) == "note."+code {
				t.Errorf("note %s has no message in %s", code, lang)
				continue
			}
			got := web.NoteText(lang, n)
			if got == "" || strings.Contains(got, "%!") || strings.Contains(got, "note.") {
				t.Errorf("note %s in %s: %q", code, lang, got)
			}
			for _, w := range want[lang] {
				if !strings.Contains(got, w) {
					t.Errorf("note %s in %s: %q lacks %q", code, lang, got, w)
				}
			}
		}
	}
	if got := web.NoteText("zh-CN", gongzhi.NoteOf("paid_on_time", 1, gongzhi.Yuan(25_000), "2026-11-28")); got != "第 1 期：25,000.00 元，2026-11-28 支付，按时" {
		t.Errorf("a payment's note: %q", got)
	}
	if got := web.NoteText("en", gongzhi.NoteOf("paid_late", 2, gongzhi.Yuan(20_000), "2027-03-02", "2027-02-28")); got != "portion 2: ¥20,000.00 paid on 2027-03-02, late (due 2027-02-28)" {
		t.Errorf("a late payment's note: %q", got)
	}
	if got := web.NoteText("zh-CN", gongzhi.NoteOf("award_amount", 12, gongzhi.Yuan(45_000), "")); got != "申报 #12：45,000.00 元" {
		t.Errorf("an award without a note: %q", got)
	}
	if got := web.NoteText("en", gongzhi.Note{Code: "from_the_future", Args: []string{"7", "x"}}); got != "from_the_future 7 x" {
		t.Errorf("an unknown note: %q", got)
	}
	if got := web.NoteText("en", gongzhi.Note{}); got != "" {
		t.Errorf("the empty note: %q", got)
	}
	hs := web.WithNoteTexts("en", []gongzhi.StateChange{{Note: gongzhi.NoteOf("final", 3)}, {}})
	if hs[0].Note.Text != "3 awards final" || hs[1].Note.Text != "" || !slices.Equal(hs[0].Note.Args, []string{"3"}) {
		t.Errorf("API notes %+v", hs)
	}
}
