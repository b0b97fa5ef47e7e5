// Personal data in the audit log (issue 11): the log keeps who changed what, never a person's
// full ID number, phone number or a complainant's or resident's contact name. MaskAuditText is
// applied when an entry is written (kernel.WriteAudit) and again whenever one is read (the audit
// page and API, a record's history, the export), so entries written before it are masked too.

package gongzhi

import (
	"encoding/json"
	"regexp"
	"strings"
)

var (
	// an 18-character resident ID number (GB 11643) or an old 15-digit one, not inside a longer number
	idNumberRe = regexp.MustCompile(`(^|[^0-9])([1-9][0-9]{5}(?:[0-9]{11}[0-9Xx]|[0-9]{9}))([^0-9Xx]|$)`)
	// a mainland mobile number, optionally with +86, not inside a longer number
	mobileRe = regexp.MustCompile(`(^|[^0-9])((?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2})([^0-9]|$)`)
	// a landline: area code and number
	landlineRe = regexp.MustCompile(`(^|[^0-9])(0[1-9][0-9]{1,2}-[0-9]{7,8})([^0-9]|$)`)
)

// maskedNameKeys are the JSON fields holding a private person's name in an audited record: the
// contact of a complaint, a need or an objection (staff and organizations' names stay).
var maskedNameKeys = map[string]bool{"contact_name": true, "complainant": true, "complainant_name": true}

// maskedKeys are JSON fields whose whole value is personal data, masked whatever it looks like.
var maskedKeys = map[string]bool{"id_number": true, "phone": true, "contact_phone": true, "contact": true, "mobile": true}

// quotedMaskedKeys are the personal fields' names as they appear in JSON text.
var quotedMaskedKeys = func() []string {
	var out []string
	for _, m := range []map[string]bool{maskedKeys, maskedNameKeys} {
		for k := range m {
			out = append(out, `"`+k+`"`)
		}
	}
	return out
}()

// MaskAuditText masks ID numbers and phone numbers anywhere in s, and, when s is a JSON object
// or array, every value of the personal fields (maskedKeys, maskedNameKeys).
func MaskAuditText(s string) string {
	if s == "" || nothingToMask(s) {
		return s
	}
	return maskAuditText(s)
}

// maskAuditText is MaskAuditText without its shortcut.
func maskAuditText(s string) string {
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		var v any
		dec := json.NewDecoder(strings.NewReader(t))
		dec.UseNumber() // amounts and ids stay exactly as written
		if err := dec.Decode(&v); err == nil && !dec.More() {
			var b strings.Builder
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if orig, err := canonical(v); err == nil {
				if err := enc.Encode(maskJSON(v, "")); err == nil {
					if out := strings.TrimSuffix(b.String(), "\n"); out != orig {
						return out
					}
					return s // nothing personal in it: kept as written
				}
			}
		}
	}
	return maskNumbers(s)
}

// MaskAuditEntry masks an entry's before, after and note (MaskAuditText).
func MaskAuditEntry(e *AuditEntry) {
	e.Before, e.After, e.Note = MaskAuditText(e.Before), MaskAuditText(e.After), MaskAuditText(e.Note)
}

// nothingToMask reports, cheaply, that MaskAuditText would return s as it is: no ID or phone
// number anywhere in the text, no personal field's name, and no \u escape (which could spell a
// digit that the text does not show). Every write's audit row passes through MaskAuditText, and
// decoding and encoding its JSON twice cost a ledger write as much as its audit row's insert
// (issue 10). A number inside a JSON string is a match in the text too (the quotes around a
// value are not digits, as the patterns' edges ask), so if the text has none, no value has one.
func nothingToMask(s string) bool {
	if strings.Contains(s, `\u`) {
		return false
	}
	for _, k := range quotedMaskedKeys {
		if strings.Contains(s, k) {
			return false
		}
	}
	return !mayHoldNumber(s)
}

// mayHoldNumber reports whether s has a run of digits that one of the three patterns could match
// (a necessary condition, much cheaper than the patterns): a run of 15, 17 or 18 digits not
// starting with 0 (an ID number); a run of 3, 7 or 11 digits starting 1[3-9], or of 5, 9 or 13
// starting 861[3-9] (a mobile number: 3 digits and two groups of 4, each group maybe after a
// separator, maybe with 86 ahead); a run of 3 or 4 digits starting with 0 followed by '-' (a
// landline's area code).
func mayHoldNumber(s string) bool {
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	mobile := func(r string) bool { return r[0] == '1' && r[1] >= '3' && r[1] <= '9' }
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		switch r := s[i:j]; len(r) {
		case 15, 17, 18:
			if r[0] != '0' {
				return true
			}
		case 3, 7, 11:
			if mobile(r) || len(r) == 3 && r[0] == '0' && j < len(s) && s[j] == '-' {
				return true
			}
		case 4:
			if r[0] == '0' && j < len(s) && s[j] == '-' {
				return true
			}
		case 5, 9, 13:
			if r[:2] == "86" && mobile(r[2:]) {
				return true
			}
		}
		i = j
	}
	return false
}

// canonical is v encoded as MaskAuditText encodes it, to tell whether masking changed anything.
func canonical(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n"), err
}

func maskJSON(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			x[k] = maskJSON(val, k)
		}
		return x
	case []any:
		for i := range x {
			x[i] = maskJSON(x[i], key)
		}
		return x
	case string:
		switch {
		case x == "":
			return x
		case maskedNameKeys[key]:
			return MaskName(x)
		case key == "id_number":
			return MaskIDNumber(x)
		case maskedKeys[key]:
			if masked := maskNumbers(x); masked != x {
				return masked
			}
			return maskAny(x)
		}
		return maskNumbers(x)
	}
	return v
}

// maskNumbers masks the ID, mobile and landline numbers in free text.
func maskNumbers(s string) string {
	s = idNumberRe.ReplaceAllStringFunc(s, func(m string) string {
		p := idNumberRe.FindStringSubmatch(m)
		return p[1] + MaskIDNumber(p[2]) + p[3]
	})
	for _, re := range []*regexp.Regexp{mobileRe, landlineRe} {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			p := re.FindStringSubmatch(m)
			return p[1] + maskAny(p[2]) + p[3]
		})
	}
	return s
}

// maskAny keeps the first three and last four characters of a value of eight or more (the first
// and last for shorter ones) and stars the rest.
func maskAny(s string) string {
	r := []rune(s)
	switch {
	case len(r) >= 8:
		return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
	case len(r) > 2:
		return string(r[:1]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1:])
	}
	return strings.Repeat("*", len(r))
}
