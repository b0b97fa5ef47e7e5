// Template writes the blank import templates that street office staff
// download, fill in and upload again: header row, dropdowns, notes and an
// instructions sheet.

package xlsx

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// InfoSheet is the name of the instructions sheet added by Template.
const InfoSheet = "说明"

// choicesSheet holds dropdown lists too long (or containing commas) for an
// inline list; it is hidden.
const choicesSheet = "_选项"

// Excel limits for data validation messages (UTF-16 units).
const (
	maxPromptTitle = 32
	maxPromptText  = 255
	maxInlineList  = 255
)

// Template writes an .xlsx import template to w.
//
// The first sheet (sheetName, made acceptable to Excel) has a bold, frozen
// header row; required headers end with a red '*'. Every data column is
// formatted as text so that ID numbers, phone numbers and codes keep their
// digits. Columns with Choices get a dropdown, columns with a Note get a
// header comment and an input prompt. If example is not nil, row 2 holds it
// (keyed by Column.Key; it is a real data row, and the instructions ask users
// to delete it). A second sheet "说明" lists every column, whether it is
// required, its choices and its note.
func Template(w io.Writer, sheetName string, cols []Column, example map[string]string) (err error) {
	if err := checkColumns(cols); err != nil {
		return err
	}
	sheetName = cleanSheetName(sheetName)
	if sheetName == InfoSheet || sheetName == choicesSheet {
		return fmt.Errorf("xlsx: sheet name %q is reserved", sheetName)
	}
	for k := range example {
		if !hasKey(cols, k) {
			return fmt.Errorf("xlsx: example has unknown key %q", k)
		}
	}

	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	t := &templateWriter{f: f, sheet: sheetName, cols: cols}
	if err := t.styles(); err != nil {
		return err
	}
	if err := t.dataSheet(example); err != nil {
		return err
	}
	if err := t.infoSheet(example != nil); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

type templateWriter struct {
	f     *excelize.File
	sheet string
	cols  []Column

	textStyle, headerStyle, exampleStyle   int
	titleStyle, infoHeaderStyle, infoStyle int
	choicesCol                             int // next free column in choicesSheet
}

func (t *templateWriter) styles() error {
	border := []excelize.Border{
		{Type: "left", Color: "B7C4D6", Style: 1},
		{Type: "right", Color: "B7C4D6", Style: 1},
		{Type: "top", Color: "B7C4D6", Style: 1},
		{Type: "bottom", Color: "B7C4D6", Style: 1},
	}
	text := 49 // "@": keep what users type as text
	var err error
	newStyle := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = t.f.NewStyle(s)
		return id
	}
	t.textStyle = newStyle(&excelize.Style{NumFmt: text})
	t.headerStyle = newStyle(&excelize.Style{
		NumFmt:    text,
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	t.exampleStyle = newStyle(&excelize.Style{NumFmt: text, Font: &excelize.Font{Color: "808080", Italic: true}})
	t.titleStyle = newStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	t.infoHeaderStyle = newStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    border,
		Alignment: &excelize.Alignment{Vertical: "center"},
	})
	t.infoStyle = newStyle(&excelize.Style{
		Border:    border,
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	})
	return err
}

func (t *templateWriter) dataSheet(example map[string]string) error {
	f, sheet := t.f, t.sheet
	last, _ := excelize.ColumnNumberToName(len(t.cols))
	// Column style first: SetColStyle also restyles existing cells.
	if err := f.SetColStyle(sheet, "A:"+last, t.textStyle); err != nil {
		return err
	}
	for i, c := range t.cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		cell := name + "1"
		if c.Required {
			err := f.SetCellRichText(sheet, cell, []excelize.RichTextRun{
				{Text: c.Header, Font: &excelize.Font{Bold: true}},
				{Text: "*", Font: &excelize.Font{Bold: true, Color: "FF0000"}},
			})
			if err != nil {
				return err
			}
		} else if err := f.SetCellStr(sheet, cell, c.Header); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell, cell, t.headerStyle); err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, name, name, columnWidth(c, example[c.Key])); err != nil {
			return err
		}
		if c.Note != "" {
			err := f.AddComment(sheet, excelize.Comment{
				Cell:      cell,
				Author:    "填写说明",
				Paragraph: []excelize.RichTextRun{{Text: c.Note}},
				Width:     240,
				Height:    uint(40 + 15*(int(displayWidth(c.Note))/40)),
			})
			if err != nil {
				return err
			}
		}
		if err := t.validation(i, c); err != nil {
			return err
		}
		if v, ok := example[c.Key]; ok && v != "" {
			if err := f.SetCellStr(sheet, name+"2", v); err != nil {
				return err
			}
		}
	}
	if example != nil {
		if err := f.SetCellStyle(sheet, "A2", last+"2", t.exampleStyle); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(sheet, 1, 24); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
}

// validation adds the dropdown and/or the input prompt of column i.
func (t *templateWriter) validation(i int, c Column) error {
	if len(c.Choices) == 0 && c.Note == "" {
		return nil
	}
	name, _ := excelize.ColumnNumberToName(i + 1)
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", name, name, excelize.TotalRows)
	if c.Note != "" {
		dv.SetInput(truncUTF16(c.Header, maxPromptTitle), truncUTF16(c.Note, maxPromptText))
	}
	if len(c.Choices) > 0 {
		inline := strings.Join(c.Choices, ",")
		if utf16Len(inline) <= maxInlineList && !strings.ContainsAny(inline, `"`) && !hasCommaInChoice(c.Choices) {
			if err := dv.SetDropList(c.Choices); err != nil {
				return err
			}
		} else {
			ref, err := t.choicesRange(c.Choices)
			if err != nil {
				return err
			}
			dv.SetSqrefDropList(ref)
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "输入有误",
			truncUTF16("请从下拉列表中选择："+strings.Join(c.Choices, "、"), maxPromptText))
	}
	return t.f.AddDataValidation(t.sheet, dv)
}

func hasCommaInChoice(choices []string) bool {
	for _, c := range choices {
		if strings.Contains(c, ",") {
			return true
		}
	}
	return false
}

// choicesRange writes choices to the next column of the hidden choices sheet
// and returns an absolute reference to them.
func (t *templateWriter) choicesRange(choices []string) (string, error) {
	f := t.f
	if t.choicesCol == 0 {
		if _, err := f.NewSheet(choicesSheet); err != nil {
			return "", err
		}
		if err := f.SetSheetVisible(choicesSheet, false); err != nil {
			return "", err
		}
	}
	t.choicesCol++
	name, _ := excelize.ColumnNumberToName(t.choicesCol)
	for i, c := range choices {
		if err := f.SetCellStr(choicesSheet, fmt.Sprintf("%s%d", name, i+1), c); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("'%s'!$%s$1:$%s$%d", choicesSheet, name, name, len(choices)), nil
}

// infoSheet writes the "说明" sheet.
func (t *templateWriter) infoSheet(hasExample bool) error {
	f, s := t.f, InfoSheet
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	notes := []string{
		fmt.Sprintf("请在「%s」工作表中填写数据。第 1 行是表头，请勿修改表头文字；不需要的列可以留空。", t.sheet),
		"表头带 * 的列为必填项。",
		"身份证号、手机号、统一社会信用代码等请按文本填写（模板已设为文本格式），不要改成数字或科学计数法。",
		"日期请按 2024-01-05 的格式填写。",
		"请不要合并单元格，不要在数据之间插入空行或小计行。",
	}
	if hasExample {
		notes = append(notes, "第 2 行是示例数据（灰色字），正式导入前请删除。")
	}
	if hasChoices(t.cols) {
		notes = append(notes, "有下拉箭头的列，请从下拉列表中选择。")
	}
	if err := f.SetCellStr(s, "A1", "填写说明"); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, "A1", "A1", t.titleStyle); err != nil {
		return err
	}
	row := 2
	for i, n := range notes {
		cell := fmt.Sprintf("A%d", row)
		if err := f.SetCellStr(s, cell, fmt.Sprintf("%d. %s", i+1, n)); err != nil {
			return err
		}
		row++
	}
	row++
	head := []any{"列名", "是否必填", "可选值", "填写说明"}
	cell := fmt.Sprintf("A%d", row)
	if err := f.SetSheetRow(s, cell, &head); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, cell, fmt.Sprintf("D%d", row), t.infoHeaderStyle); err != nil {
		return err
	}
	first := row + 1
	for _, c := range t.cols {
		row++
		req := "否"
		if c.Required {
			req = "是"
		}
		vals := []any{c.Header, req, strings.Join(c.Choices, "、"), c.Note}
		if err := f.SetSheetRow(s, fmt.Sprintf("A%d", row), &vals); err != nil {
			return err
		}
		// Row height for the wrapped text: spreadsheet programs do not
		// always fit rows they did not write themselves.
		lines := max(1, int(math.Ceil(max(displayWidth(vals[2].(string))/28, displayWidth(c.Note)/58))))
		if err := f.SetRowHeight(s, row, min(float64(18*lines), 400)); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(s, fmt.Sprintf("A%d", first), fmt.Sprintf("D%d", row), t.infoStyle); err != nil {
		return err
	}
	for col, w := range map[string]float64{"A": 24, "B": 10, "C": 30, "D": 60} {
		if err := f.SetColWidth(s, col, col, w); err != nil {
			return err
		}
	}
	return nil
}

func hasChoices(cols []Column) bool {
	for _, c := range cols {
		if len(c.Choices) > 0 {
			return true
		}
	}
	return false
}

func hasKey(cols []Column, key string) bool {
	for _, c := range cols {
		if c.Key == key {
			return true
		}
	}
	return false
}

// columnWidth is c.Width, or a width that fits the header, the example
// value and the choices.
func columnWidth(c Column, example string) float64 {
	if c.Width > 0 {
		return c.Width
	}
	w := max(displayWidth(c.Header), displayWidth(example)) + 4
	for _, ch := range c.Choices {
		w = max(w, displayWidth(ch)+4)
	}
	return min(max(w, 12), 50)
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// truncUTF16 cuts s to at most n UTF-16 units, ending with "…" if cut.
func truncUTF16(s string, n int) string {
	if utf16Len(s) <= n {
		return s
	}
	used := 0
	for i, r := range s {
		if used+utf16.RuneLen(r)+1 > n {
			return s[:i] + "…"
		}
		used += utf16.RuneLen(r)
	}
	return s
}
