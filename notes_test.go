package gongzhi

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestNotes(t *testing.T) {
	n := NoteOf("paid_late", 2, Yuan(20_000), "2027-03-02", "2027-02-28")
	if n.Code != "paid_late" || !slices.Equal(n.Args, []string{"2", "2000000", "2027-03-02", "2027-02-28"}) || n.Check() != nil {
		t.Fatalf("NoteOf: %+v %v", n, n.Check())
	}
	back, err := ParseNote(n.Code, n.ArgsJSON())
	if err != nil || back.Code != n.Code || !slices.Equal(back.Args, n.Args) {
		t.Fatalf("stored and read back: %+v %v", back, err)
	}
	if s := NoteOf("eval_bonus", "启明", Points(300), int64(41)).String(); s != `eval_bonus ["启明","300","41"]` {
		t.Fatalf("String: %s", s)
	}
	if !TextNote("").IsZero() || TextNote("理由").String() != "理由" || TextNote("理由").Check() != nil {
		t.Fatal("TextNote")
	}
	if b, _ := json.Marshal(NoteOf("final", 3)); string(b) != `{"code":"final","args":["3"]}` {
		t.Fatalf("JSON: %s", b)
	}
	empty, err := ParseNote("", "[]")
	if err != nil || !empty.IsZero() || empty.Check() != nil || empty.ArgsJSON() != "[]" {
		t.Fatalf("the empty note: %+v %v", empty, err)
	}
	for name, bad := range map[string]Note{
		"unknown code":        NoteOf("nonsense"),
		"too few arguments":   NoteOf("paid_on_time", 1, Yuan(1)),
		"too many arguments":  NoteOf("final", 1, 2),
		"money not in fen":    NoteOf("amount", "20,000.00"),
		"a date that is not":  NoteOf("rect_deadline", "2027-02-30"),
		"a month that is not": NoteOf("month", "2027-13"),
		"a count in words":    NoteOf("final", "three"),
		"arguments, no code":  {Args: []string{"x"}},
	} {
		if bad.Check() == nil {
			t.Errorf("%s: %+v passes", name, bad)
		}
	}
	if _, err := ParseNote("final", "not json"); err == nil {
		t.Error("bad stored arguments read")
	}
}
