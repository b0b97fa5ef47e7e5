// Codes: the check-character rules of the unified social credit code (GB 32100-2015), the
// citizen ID number (GB 11643-1999) and the 12-digit statistical division code, with the masking
// rule for ID numbers on screen.

package gongzhi

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY" // 31 characters: no I, O, Z, S, V

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeCheck returns the check character for the first 17 characters of a unified social
// credit code, or 0 if they contain a character outside the code's alphabet.
func CreditCodeCheck(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCharset, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * creditWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditCharset[c]
}

// NormalizeCreditCode upper-cases and trims a credit code typed by a person.
func NormalizeCreditCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// ValidateCreditCode checks a normalized unified social credit code and returns "" or a reason key.
func ValidateCreditCode(code string) string {
	if code == "" {
		return "required"
	}
	if len(code) != 18 {
		return "credit_code.length"
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(creditCharset, code[i]) < 0 {
			return "credit_code.charset"
		}
	}
	for i := 2; i < 8; i++ { // positions 3–8: the registering authority's division code
		if code[i] < '0' || code[i] > '9' {
			return "credit_code.division"
		}
	}
	if CreditCodeCheck(code[:17]) != code[17] {
		return "credit_code.check"
	}
	return ""
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idChecks = "10X98765432"

// IDNumberCheck returns the check character for the first 17 digits of an ID number, or 0.
func IDNumberCheck(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idChecks[sum%11]
}

// NormalizeIDNumber trims and upper-cases the final x.
func NormalizeIDNumber(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// ValidateIDNumber checks an 18-character citizen ID number: digits, a real birth date not in
// the future, and the check character. It returns "" or a reason key.
func ValidateIDNumber(id string, now time.Time) string {
	if id == "" {
		return "required"
	}
	if len(id) != 18 {
		return "id_number.length"
	}
	for i := 0; i < 17; i++ {
		if id[i] < '0' || id[i] > '9' {
			return "id_number.charset"
		}
	}
	if c := id[17]; (c < '0' || c > '9') && c != 'X' {
		return "id_number.charset"
	}
	birth, err := time.Parse("20060102", id[6:14])
	if err != nil || birth.Year() < 1900 || birth.After(now) {
		return "id_number.birth"
	}
	if IDNumberCheck(id[:17]) != id[17] {
		return "id_number.check"
	}
	return ""
}

// MaskIDNumber shows the first 3 and last 4 characters: 320***********123X.
func MaskIDNumber(id string) string {
	if len(id) < 8 {
		return strings.Repeat("*", len(id))
	}
	return id[:3] + strings.Repeat("*", len(id)-7) + id[len(id)-4:]
}

// MaskPhone shows the first 3 and last 4 digits of a mobile number.
func MaskPhone(p string) string {
	if len(p) < 8 {
		return p
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// Division levels, from the 12-digit statistical division code.
const (
	LevelProvince  = 1
	LevelCity      = 2
	LevelDistrict  = 3
	LevelStreet    = 4
	LevelCommunity = 5
)

var levelDigits = [6]int{0, 2, 4, 6, 9, 12}

// PlacePrefix returns the significant digits of a code at a level: a street's 9, a city's 4.
// Every place below it has a code that starts with this prefix.
func PlacePrefix(code string, level int) string {
	if level < 1 || level > 5 || len(code) < levelDigits[level] {
		return code
	}
	return code[:levelDigits[level]]
}

// AncestorCode returns the code of the place at level (LevelProvince … LevelCommunity) that
// holds the place code: 320116004001 at LevelDistrict is 320116000000. A code at or above level
// is returned as it is.
func AncestorCode(code string, level int) string {
	if level < 1 || level > 5 || len(code) != 12 {
		return code
	}
	return code[:levelDigits[level]] + strings.Repeat("0", 12-levelDigits[level])
}

// LevelOfCode is the division level of a well-formed place code, read from its digits: the
// level of its last non-zero group (0 for a code of zeros or of the wrong length).
func LevelOfCode(code string) int {
	if len(code) != 12 {
		return 0
	}
	for lvl := LevelCommunity; lvl >= LevelProvince; lvl-- {
		if strings.Trim(code[levelDigits[lvl-1]:levelDigits[lvl]], "0") != "" {
			return lvl
		}
	}
	return 0
}

// ValidatePlaceCode checks a code of a place at level whose parent has parentCode at level-1.
// It returns the field and reason of the first problem, or "", "".
func ValidatePlaceCode(code string, level int, parentCode string) (field, reason string) {
	if len(code) != 12 || strings.Trim(code, "0123456789") != "" {
		return "code", "place.code_format"
	}
	if level < 1 || level > 5 {
		return "level", "place.level_invalid"
	}
	own := code[levelDigits[level-1]:levelDigits[level]]
	if strings.Trim(code[levelDigits[level]:], "0") != "" || strings.Trim(own, "0") == "" {
		return "code", "place.code_level"
	}
	if level == 1 {
		if parentCode != "" {
			return "parent_code", "place.parent_level"
		}
		return "", ""
	}
	if parentCode == "" {
		return "parent_code", "required"
	}
	if !strings.HasPrefix(code, PlacePrefix(parentCode, level-1)) || strings.Trim(parentCode[levelDigits[level-1]:], "0") != "" {
		return "parent_code", "place.parent_prefix"
	}
	return "", ""
}

// OneLineMax is the longest text that is one line: names, titles, codes, venues. Longer text
// (descriptions, minutes, reasons) may hold newlines and tabs.
const OneLineMax = 200

// CheckText trims s and checks it is within max runes and holds only text; returns the trimmed
// text and a reason. Text of at most OneLineMax runes is one line (see TextReason).
func CheckText(s string, max int, required bool) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" && required {
		return s, "required"
	}
	if r := TextReason(s, max > OneLineMax); r != "" {
		return s, r
	}
	if utf8.RuneCountInString(s) > max {
		return s, "too_long:" + strconv.Itoa(max)
	}
	return s, ""
}

// TextReason says why s is not text a person typed, or "": invalid UTF-8 ("bad_utf8"), a control
// character ("control_char": C0, DEL and C1; multi-line text keeps newline, carriage return and
// tab, one-line text none of them) or a bidirectional override or isolate ("bidi_char": U+202A–
// U+202E, U+2066–U+2069, which can make text read other than it is stored).
func TextReason(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "bad_utf8"
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			if !multiline {
				return "control_char"
			}
		case r < 0x20, r >= 0x7f && r <= 0x9f:
			return "control_char"
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return "bidi_char"
		}
	}
	return ""
}

// ValidatePhone accepts a mainland mobile number or a landline with area code; "" is allowed.
func ValidatePhone(p string) string {
	if p == "" {
		return ""
	}
	digits := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == ' ' || r == '+':
		default:
			return "phone.format"
		}
	}
	if digits < 7 || digits > 15 {
		return "phone.format"
	}
	return ""
}
