package gongzhi

import (
	"testing"
	"time"
)

func TestCreditCode(t *testing.T) {
	valid := "91350100M000100Y43" // a published example of GB 32100-2015
	if r := ValidateCreditCode(valid); r != "" {
		t.Fatalf("published example rejected: %s", r)
	}
	prefix := "52320116MJ0000001"
	good := prefix + string(CreditCodeCheck(prefix))
	for _, tc := range []struct {
		name, code, want string
	}{
		{"valid", good, ""},
		{"empty", "", "required"},
		{"short", good[:17], "credit_code.length"},
		{"wrong check", good[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(indexOf(good[17])+1)%31]), "credit_code.check"},
		{"letter I", "52320116MJ000000I1", "credit_code.charset"},
		{"division letters", "5232A116MJ00000011", "credit_code.division"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidateCreditCode(tc.code); got != tc.want {
				t.Fatalf("ValidateCreditCode(%q) = %q, want %q", tc.code, got, tc.want)
			}
		})
	}
}

func indexOf(c byte) int {
	const cs = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for i := range cs {
		if cs[i] == c {
			return i
		}
	}
	return -1
}

func TestIDNumber(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	good := "11010519491231002X" // the standard's own example
	if r := ValidateIDNumber(good, now); r != "" {
		t.Fatalf("standard example rejected: %s", r)
	}
	for _, tc := range []struct{ name, id, want string }{
		{"valid", good, ""},
		{"empty", "", "required"},
		{"15 digits", "110105491231002", "id_number.length"},
		{"bad check", "110105194912310021", "id_number.check"},
		{"letters", "11010519491231A02X", "id_number.charset"},
		{"bad date", "110105194913310028", "id_number.birth"},
		{"future birth", "110105203001010011", "id_number.birth"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidateIDNumber(tc.id, now); got != tc.want {
				t.Fatalf("ValidateIDNumber(%q) = %q, want %q", tc.id, got, tc.want)
			}
		})
	}
	if m := MaskIDNumber(good); m != "110***********002X" {
		t.Fatalf("mask: %s", m)
	}
}

func TestPlaceCode(t *testing.T) {
	for _, tc := range []struct {
		name, code, parent string
		level              int
		field              string
	}{
		{"province", "320000000000", "", 1, ""},
		{"community", "320116004001", "320116004000", 5, ""},
		{"street", "320116004000", "320116000000", 4, ""},
		{"parent mismatch", "320116005001", "320116004000", 5, "parent_code"},
		{"not 12 digits", "32011600400", "320116000000", 4, "code"},
		{"digits below level", "320116004001", "320116000000", 4, "code"},
		{"missing parent", "320116004001", "", 5, "parent_code"},
		{"zero segment", "320116004000", "320116004000", 5, "code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			field, _ := ValidatePlaceCode(tc.code, tc.level, tc.parent)
			if field != tc.field {
				t.Fatalf("field %q, want %q", field, tc.field)
			}
		})
	}
}

func TestPasswordPolicy(t *testing.T) {
	for _, tc := range []struct{ pw, user, want string }{
		{"Gongzhi-Demo-2026", "gt-purchaser", ""},
		{"short1A", "x", "password.short"},
		{"alllowercaseletters", "x", "password.classes"},
		{"Xgt-purchaser9", "gt-purchaser", "password.username"},
	} {
		if got := CheckPassword(tc.pw, tc.user); got != tc.want {
			t.Errorf("CheckPassword(%q) = %q, want %q", tc.pw, got, tc.want)
		}
	}
}

func TestTextReason(t *testing.T) {
	for _, c := range []struct {
		s         string
		multiline bool
		want      string
	}{
		{"中山社区", false, ""},
		{"a\tb", false, "control_char"},
		{"a\nb", false, "control_char"},
		{"a\r\nb\tc", true, ""},
		{"bell\a", true, "control_char"},
		{"esc\x1b[0m", true, "control_char"},
		{"del\x7f", true, "control_char"},
		{"c1\u0085", true, "control_char"},
		{"abc\u202Egpj.exe", false, "bidi_char"},
		{"\u2067x\u2069", true, "bidi_char"},
		{"\u200f rtl mark", false, ""}, // a mark, not an override: Arabic and Hebrew need it
		{"bad\xffutf8", true, "bad_utf8"},
	} {
		if got := TextReason(c.s, c.multiline); got != c.want {
			t.Errorf("TextReason(%q, %v) = %q, want %q", c.s, c.multiline, got, c.want)
		}
	}
	if _, r := CheckText("标题\n第二行", 200, true); r != "control_char" {
		t.Errorf("a title of two lines: %q", r)
	}
	if _, r := CheckText("说明\n第二行", 2000, true); r != "" {
		t.Errorf("a description of two lines: %q", r)
	}
}

func TestParseDateRange(t *testing.T) {
	for s, ok := range map[string]bool{"2026-12-31": true, "1900-01-01": true, "2100-12-31": true, "1899-12-31": false, "2101-01-01": false, "9999-12-31": false, "0001-01-01": false} {
		if _, got := ParseDate(s); got != ok {
			t.Errorf("ParseDate(%s) ok = %v, want %v", s, got, ok)
		}
	}
}
