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
