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
