package gongzhi

import (
	"strings"
	"testing"
)

func TestMaskAuditText(t *testing.T) {
	for _, c := range []struct {
		name, in string
		hidden   []string
		kept     []string
	}{
		{"household phone", `{"id":7,"address":"幸福路 3 号","phone":"13912345678"}`, []string{"13912345678", "12345"}, []string{"139", "5678", "幸福路 3 号"}},
		{"complaint contact", `{"contact_name":"李小红","contact_phone":"+86 139-1234-5678","text":"楼道灯坏了"}`, []string{"李小红", "1234"}, []string{"李**", "楼道灯坏了"}},
		{"id in a note", `revealed 320106199001011234 for case 5`, []string{"320106199001011234", "19900101"}, []string{"320***********1234", "case 5"}},
		{"landline", `电话 025-84561234`, []string{"84561234"}, []string{"025"}},
		{"nested case record", `{"members":[{"name":"王五","phone":"13800001111","id_number":"32010619900101123X"}]}`, []string{"13800001111", "32010619900101123X"}, []string{"王五", "138", "123X"}},
		{"objection contact", `{"contact":"wang@example.cn"}`, []string{"wang@example.cn"}, nil},
		{"amounts stay", `{"amount":12345678901,"credit_code":"12320000466003876T"}`, nil, []string{"12345678901", "12320000466003876T"}},
	} {
		out := MaskAuditText(c.in)
		for _, h := range c.hidden {
			if strings.Contains(out, h) {
				t.Errorf("%s: %q shows %q", c.name, out, h)
			}
		}
		for _, k := range c.kept {
			if !strings.Contains(out, k) {
				t.Errorf("%s: %q lost %q", c.name, out, k)
			}
		}
	}
}

// An entry without personal data is kept exactly as written; one with it keeps its numbers exact.
func TestMaskAuditTextKeepsTheRest(t *testing.T) {
	in := `{"b":1,"a":"<x> & y","amount":9007199254740993}`
	if out := MaskAuditText(in); out != in {
		t.Fatalf("changed: %s", out)
	}
	out := MaskAuditText(`{"amount":9007199254740993,"phone":"13912345678","note":"<b>"}`)
	if !strings.Contains(out, `"amount":9007199254740993`) || !strings.Contains(out, `"note":"<b>"`) || strings.Contains(out, "13912345678") {
		t.Fatalf("masked: %s", out)
	}
}

// The shortcut (nothingToMask) gives what the full masking gives, text by text.
func TestMaskAuditTextShortcut(t *testing.T) {
	for _, in := range []string{
		`{"id":7,"address":"幸福路 3 号","phone":"13912345678"}`,
		`{"contact_name":"李小红","contact_phone":"+86 139-1234-5678","text":"楼道灯坏了"}`,
		`revealed 320106199001011234 for case 5`, `电话 025-84561234`, `{"contact":"wang@example.cn"}`,
		`{"members":[{"name":"王五","phone":"13800001111","id_number":"32010619900101123X"}]}`,
		`{"amount":12345678901,"credit_code":"12320000466003876T"}`, `{"b":1,"a":"<x> & y","amount":9007199254740993}`,
		`{"title":"助老活动","held_on":"2026-11-05","start_time":"09:00","participants":[{"person_id":12,"name":"张三","place_code":"320116004001"}],"summary":"ok"}`,
		`{"note":"call 139 1234 5678 today"}`, `{"note":"\u0031\u0033\u0039\u0031\u0032\u0033\u0034\u0035\u0036\u0037\u0038"}`,
		`{"phone":""}`, `["a","b"]`, `plain text`, `{"x":"0571-8888888"}`, `{"x":13912345678}`, `not json {`, `{"complainant":"王"}`,
	} {
		if got, want := MaskAuditText(in), maskAuditText(in); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

// mayHoldNumber is true of every text in which one of the patterns finds a number.
func TestMayHoldNumber(t *testing.T) {
	for _, in := range []string{"13912345678", "a+86 139-1234-5678.", "8613912345678", "86-139 1234 5678", "1391234-5678", "139-12345678",
		"320106199001011234", "32010619900101123X", "320106900101123", "025-84561234", "0571-8888888", "x 0571-88888888 y",
		"(+86)13800001111", "8613800001111x", "tel:86 13800001111"} {
		matched := idNumberRe.MatchString(in) || mobileRe.MatchString(in) || landlineRe.MatchString(in)
		if !matched {
			t.Errorf("%q: no pattern matches; pick another example", in)
		}
		if !mayHoldNumber(in) {
			t.Errorf("mayHoldNumber(%q) = false, but a pattern matches", in)
		}
	}
	for _, in := range []string{`{"place_code":"330903001001","held_on":"2026-11-05","at":"2026-12-06T19:57:21.417481313Z","minutes":120}`, "12345678901"} {
		if mayHoldNumber(in) {
			t.Errorf("mayHoldNumber(%q) = true", in)
		}
	}
}

// The same over many random strings of digits, separators and the characters around numbers.
func TestMayHoldNumberRandom(t *testing.T) {
	const alphabet = "0123456789013-+ X8a\""
	r := uint64(1)
	for range 200000 {
		var b []byte
		r = r*6364136223846793005 + 1442695040888963407
		n := int(r>>33) % 30
		for range n {
			r = r*6364136223846793005 + 1442695040888963407
			b = append(b, alphabet[int(r>>33)%len(alphabet)])
		}
		in := string(b)
		if (idNumberRe.MatchString(in) || mobileRe.MatchString(in) || landlineRe.MatchString(in)) && !mayHoldNumber(in) {
			t.Fatalf("mayHoldNumber(%q) = false, but a pattern matches", in)
		}
	}
}
