// Package xlsx is Gongzhi's generic, store-independent Excel (.xlsx) import
// and export for the lists that street offices keep in spreadsheets
// (residents, enterprises, volunteers, ...). It has no database code: callers
// describe their columns with [Column], hand out import templates made by
// [Template], parse uploads with [Read] into string maps, validate them, and
// stream lists out with [Export].
//
// User-facing messages are Chinese with a short English equivalent, e.g.
// "必填 (required)".
package xlsx

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Column describes one column of an import template or export.
type Column struct {
	Key      string   // machine key, e.g. "credit_code"
	Header   string   // header text shown in the sheet, e.g. "统一社会信用代码"
	Required bool     // the cell must not be empty; the template marks the header with '*'
	Choices  []string // closed list: the template gets a dropdown, Read rejects other values
	Note     string   // format hint: header comment, input prompt and the "说明" sheet
	Width    float64  // column width in Excel character units; 0 picks one from the text
}

// Row is one non-empty data row read from a sheet.
type Row struct {
	// Line is the 1-based spreadsheet row number, as shown at the left of
	// the sheet, for error messages.
	Line int
	// Values is keyed by Column.Key and holds trimmed text. A column that is
	// present in the sheet always has a key (possibly ""); a column that is
	// absent from the sheet has none.
	Values map[string]string
}

// Sentinel errors returned (wrapped, with a detailed Chinese message) by Read.
// Test with errors.Is.
var (
	// ErrNotExcel: the upload is not a readable .xlsx workbook (text, CSV,
	// an image, an old .xls, an encrypted or corrupt file, a zip of
	// something else).
	ErrNotExcel = errors.New("不是有效的 Excel (.xlsx) 文件 (not an .xlsx file)")
	// ErrNoHeader: no row among the first rows matches any expected header.
	ErrNoHeader = errors.New("找不到表头 (header row not found)")
	// ErrTooManyRows: more data rows than the caller's limit.
	ErrTooManyRows = errors.New("数据行数超过上限 (too many rows)")
)

// Reasons used in RowError.Reason by Read. Callers may use their own.
const (
	ReasonRequired        = "必填 (required)"
	ReasonMissingColumn   = "缺少此列 (column missing)"
	ReasonDuplicateColumn = "此列重复出现 (duplicate column)"
	// ReasonDigitsLost: a long number (ID, bank card) was typed into a
	// number cell and Excel kept only its first 15 digits.
	ReasonDigitsLost = "数字超过 15 位，Excel 已把末尾几位变成 0，请把该列设为“文本”格式后重新填写 (more than 15 digits; Excel lost the last digits, re-enter as text)"
)

// ReasonNotInChoices is the reason for a value outside Column.Choices.
func ReasonNotInChoices(choices []string) string {
	return "须为以下之一 (must be one of)：" + strings.Join(choices, "、")
}

// RowError names the row, the column (header text) and the reason a value
// was refused.
type RowError struct {
	Line   int    // 1-based spreadsheet row; 0 if the error is about the whole file
	Column string // header text as shown to the user, e.g. "统一社会信用代码"
	Key    string // Column.Key
	Reason string // e.g. ReasonRequired
}

// Error formats the error for users, e.g. "第 5 行「姓名」：必填 (required)".
func (e RowError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "第 %d 行", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "「%s」", e.Column)
	}
	if b.Len() > 0 {
		b.WriteString("：")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Errors collects RowErrors and implements error. Nothing may be imported
// unless it is empty. Callers append their own checks with Add, then use Err.
type Errors []RowError

// maxErrorsInMessage bounds Errors.Error; the full list is the slice itself.
const maxErrorsInMessage = 10

// Error lists the first errors, one per line, and the total.
func (e Errors) Error() string {
	if len(e) == 0 {
		return "没有错误 (no errors)"
	}
	var b strings.Builder
	for i, re := range e {
		if i == maxErrorsInMessage {
			fmt.Fprintf(&b, "\n…… 共 %d 处错误 (%d errors in total)", len(e), len(e))
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(re.Error())
	}
	return b.String()
}

// Add appends an error for line and col (col may be the zero Column for a
// row-level error).
func (e *Errors) Add(line int, col Column, reason string) {
	*e = append(*e, RowError{Line: line, Column: col.Header, Key: col.Key, Reason: reason})
}

// Err returns e as an error, or nil (an untyped nil) if e is empty.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// FoldWidth maps full-width ASCII forms (Ａ１，（ etc.) and the ideographic
// space to their half-width equivalents; other text is unchanged. Useful to
// normalize IDs, phone numbers and codes typed with a Chinese IME.
func FoldWidth(s string) string {
	if !strings.ContainsFunc(s, isFullWidth) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			return r - 0xFEE0
		}
		return r
	}, s)
}

func isFullWidth(r rune) bool { return r == '\u3000' || (r >= '\uFF01' && r <= '\uFF5E') }

// isBlank reports spaces, including no-break, ideographic and zero-width ones
// that sneak in when text is pasted from web pages or chat apps.
func isBlank(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return true
	}
	return unicode.IsSpace(r)
}

// cleanValue trims blanks around a cell value.
func cleanValue(s string) string { return strings.TrimFunc(s, isBlank) }

// normHeader is the key headers and choices are matched by: width-folded,
// without any blanks, without leading/trailing '*' (required marks), and
// lower-cased.
func normHeader(s string) string {
	s = FoldWidth(s)
	s = strings.Map(func(r rune) rune {
		if isBlank(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	return strings.Trim(s, "*")
}

// checkColumns rejects programmer errors in a column list.
func checkColumns(cols []Column) error {
	if len(cols) == 0 {
		return errors.New("xlsx: no columns")
	}
	keys := make(map[string]bool, len(cols))
	headers := make(map[string]bool, len(cols))
	for i, c := range cols {
		if c.Key == "" {
			return fmt.Errorf("xlsx: column %d (%q) has no Key", i, c.Header)
		}
		if keys[c.Key] {
			return fmt.Errorf("xlsx: duplicate column key %q", c.Key)
		}
		keys[c.Key] = true
		h := normHeader(c.Header)
		if h == "" {
			return fmt.Errorf("xlsx: column %q has no Header", c.Key)
		}
		if headers[h] {
			return fmt.Errorf("xlsx: duplicate column header %q", c.Header)
		}
		headers[h] = true
	}
	return nil
}

// displayWidth estimates the width of s in Excel character units: CJK and
// full-width characters count double.
func displayWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// sheetNameReplacer removes the characters Excel refuses in sheet names.
var sheetNameReplacer = strings.NewReplacer("[", "(", "]", ")", ":", "：", "*", "_", "?", "？", "/", "_", `\`, "_")

// cleanSheetName makes name acceptable to Excel: no []:*?/\, no leading or
// trailing apostrophe, at most 31 characters, "Sheet1" if empty.
func cleanSheetName(name string) string {
	name = strings.Trim(strings.TrimSpace(sheetNameReplacer.Replace(name)), "'")
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if name == "" {
		name = "Sheet1"
	}
	return name
}
