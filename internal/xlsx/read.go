// Read parses an uploaded .xlsx into rows keyed by Column.Key: it refuses
// files that are not Excel, finds and matches the header row, enforces the
// row limit, turns number cells back into the text users see, and reports
// missing columns, empty required cells and values outside the choices.

package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

const (
	// headerScanRows is how many rows from the top are searched for the
	// header row (lists kept by hand often start with a title row or two).
	headerScanRows = 10
	// unzipSizeLimit bounds the unpacked size of an upload (zip bombs).
	unzipSizeLimit = 512 << 20
)

// Read parses an uploaded .xlsx (its size already limited by the caller).
//
// It uses the first visible worksheet. The header row is the row among the
// first 10 that matches the most column headers; headers match ignoring
// '*' marks, blanks, letter case and full-width/half-width differences, and
// columns may come in any order; unknown columns are ignored. Rows below the
// header whose known cells are all empty are skipped. Values are trimmed
// text: numbers come back as the digits users see, in plain decimal without
// thousands separators (an 18-digit ID stays 18 digits, never 3.2E+17;
// "000000"-style formats keep their leading zeros), date cells as
// 2006-01-02, 2006-01-02 15:04[:05] or 15:04[:05] as their format shows,
// booleans as TRUE/FALSE; text cells exactly as typed. A vertically merged
// cell gives its value to every row it spans. Values matching a Choice (with
// the same folding as headers) come back spelled as the Choice.
//
// Errors:
//   - ErrNotExcel (wrapped) if the data is not a readable .xlsx workbook;
//   - ErrNoHeader (wrapped, listing the expected headers) if no header matches;
//   - ErrTooManyRows (wrapped) if there are more than maxRows data rows
//     (maxRows <= 0: no limit);
//   - Errors, with rows == nil, if required columns are missing or a column
//     appears twice;
//   - Errors, with all rows, if cells are refused (ReasonRequired,
//     ReasonNotInChoices, ReasonDigitsLost): the rows are returned so the
//     caller can append its own checks to the same list, but nothing may be
//     imported unless the final list is empty.
func Read(r io.Reader, cols []Column, maxRows int) (rows []Row, err error) {
	if err := checkColumns(cols); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if err := sniff(data); err != nil {
		return nil, err
	}
	// excelize is not hardened against hostile files; never let one crash
	// the server.
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, notExcel("文件内容已损坏 (corrupt workbook)", fmt.Errorf("%v", p))
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: unzipSizeLimit})
	if err != nil {
		return nil, notExcel("无法打开工作簿 (cannot open workbook)", err)
	}
	defer f.Close()
	sheet, err := firstVisibleSheet(f)
	if err != nil {
		return nil, err
	}
	rd := &reader{f: f, sheet: sheet, cols: cols, formats: map[int]numFormat{}}
	if err := rd.scan(maxRows); err != nil {
		return nil, err
	}
	if parts, err := newZipParts(data); err == nil && cellInfoPass {
		// On failure rd.info stays nil and cells are looked up through
		// excelize instead, which loads the whole worksheet.
		_ = rd.scanCellInfo(parts)
	}
	return rd.finish()
}

// cellInfoPass is turned off by tests to exercise the excelize fallback.
var cellInfoPass = true

func notExcel(msg string, cause error) error {
	if cause != nil {
		return fmt.Errorf("%w：%s: %v", ErrNotExcel, msg, cause)
	}
	return fmt.Errorf("%w：%s", ErrNotExcel, msg)
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// sniff refuses what is obviously not an .xlsx, with a message that tells
// the user what they uploaded and what to do.
func sniff(data []byte) error {
	switch {
	case len(data) == 0:
		return notExcel("文件是空的 (empty file)", nil)
	case bytes.HasPrefix(data, oleMagic):
		return notExcel("这是旧版 .xls 文件或加密的文件，请在 Excel 中“另存为” .xlsx 格式并取消密码后再上传 (old .xls or encrypted file; save as .xlsx)", nil)
	case !bytes.HasPrefix(data, zipMagic):
		if looksLikeText(data[:min(len(data), 512)]) {
			return notExcel("这是文本或 CSV 文件，请在 Excel 中“另存为” .xlsx 格式后再上传 (text/CSV file; save as .xlsx)", nil)
		}
		return notExcel("请上传用 Excel 或 WPS 保存的 .xlsx 文件 (please upload an .xlsx file)", nil)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return notExcel("文件已损坏 (corrupt zip)", err)
	}
	for _, zf := range zr.File {
		name := strings.ToLower(zf.Name)
		if strings.HasPrefix(name, "xl/") && strings.Contains(name, "workbook") {
			return nil
		}
	}
	return notExcel("这个压缩文件不是 Excel 工作簿，可能是 Word 文档或其他压缩包 (zip is not an Excel workbook)", nil)
}

// looksLikeText reports data without control characters other than tab and
// line breaks: UTF-8 or GBK text such as a CSV saved by Excel.
func looksLikeText(head []byte) bool {
	for _, b := range head {
		if b < '\t' || (b > '\r' && b < ' ') || b == 0x7F {
			return false
		}
	}
	return true
}

// firstVisibleSheet is the first worksheet that is not hidden.
func firstVisibleSheet(f *excelize.File) (string, error) {
	for _, s := range f.GetSheetList() {
		if visible, err := f.GetSheetVisible(s); err == nil && visible {
			return s, nil
		}
	}
	return "", notExcel("工作簿中没有可见的工作表 (no visible worksheet)", nil)
}

type reader struct {
	f     *excelize.File
	sheet string
	cols  []Column

	headerLine int
	colOf      []int // per cols index: 0-based sheet column, -1 if absent
	data       []rawRow

	// From the second pass (scanCellInfo); nil if it failed.
	info   [][]cellInfo // per data row, per cols index
	merges [][4]int     // merged ranges: col1, row1, col2, row2 (1-based)

	date1904 bool
	formats  map[int]numFormat // by style ID
}

type rawRow struct {
	line  int
	cells []string // raw cell values by 0-based sheet column (scan), by cols index (after)
}

// scan streams the sheet once with raw values: finds the header, keeps the
// non-empty data rows and stops as soon as there are more than maxRows, so
// a huge sheet is refused before it is loaded into memory.
func (rd *reader) scan(maxRows int) error {
	it, err := rd.f.Rows(rd.sheet)
	if err != nil {
		return notExcel("无法读取工作表 (cannot read worksheet)", err)
	}
	defer it.Close()
	var top []rawRow // candidate header rows
	line := 0
	for it.Next() {
		line++
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return notExcel("无法读取工作表 (cannot read worksheet)", err)
		}
		if rd.colOf == nil {
			if !allBlank(cells) {
				top = append(top, rawRow{line, cells})
			}
			if line < headerScanRows {
				continue
			}
			if err := rd.header(top); err != nil {
				return err
			}
			for _, r := range top {
				if r.line > rd.headerLine {
					if err := rd.add(r, maxRows); err != nil {
						return err
					}
				}
			}
			continue
		}
		if err := rd.add(rawRow{line, cells}, maxRows); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return notExcel("无法读取工作表 (cannot read worksheet)", err)
	}
	if rd.colOf == nil { // fewer rows than headerScanRows
		if err := rd.header(top); err != nil {
			return err
		}
		for _, r := range top {
			if r.line > rd.headerLine {
				if err := rd.add(r, maxRows); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func allBlank(cells []string) bool {
	for _, c := range cells {
		if cleanValue(c) != "" {
			return false
		}
	}
	return true
}

// header picks the candidate row matching the most headers and maps columns.
func (rd *reader) header(top []rawRow) error {
	byNorm := make(map[string]int, len(rd.cols))
	for i, c := range rd.cols {
		byNorm[normHeader(c.Header)] = i
	}
	best, bestN := -1, 0
	for i, r := range top {
		seen := map[int]bool{}
		for _, cell := range r.cells {
			if ci, ok := byNorm[normHeader(cell)]; ok {
				seen[ci] = true
			}
		}
		if len(seen) > bestN {
			best, bestN = i, len(seen)
		}
	}
	if best < 0 {
		want := make([]string, len(rd.cols))
		for i, c := range rd.cols {
			want[i] = c.Header
			if c.Required {
				want[i] += "*"
			}
		}
		return fmt.Errorf("%w：前 %d 行中没有与模板一致的列名，请使用导入模板。应有的列 (expected headers)：%s",
			ErrNoHeader, headerScanRows, strings.Join(want, "、"))
	}
	h := top[best]
	rd.headerLine = h.line
	rd.colOf = make([]int, len(rd.cols))
	for i := range rd.colOf {
		rd.colOf[i] = -1
	}
	var errs Errors
	for j, cell := range h.cells {
		ci, ok := byNorm[normHeader(cell)]
		if !ok {
			continue
		}
		if rd.colOf[ci] >= 0 {
			errs.Add(h.line, rd.cols[ci], ReasonDuplicateColumn)
			continue
		}
		rd.colOf[ci] = j
	}
	for i, c := range rd.cols {
		if c.Required && rd.colOf[i] < 0 {
			errs.Add(h.line, c, ReasonMissingColumn)
		}
	}
	return errs.Err()
}

// add keeps a data row (raw values by cols index) unless all known cells are
// blank.
func (rd *reader) add(r rawRow, maxRows int) error {
	vals := make([]string, len(rd.cols))
	blank := true
	for i, j := range rd.colOf {
		if j >= 0 && j < len(r.cells) {
			vals[i] = r.cells[j]
			if blank && cleanValue(vals[i]) != "" {
				blank = false
			}
		}
	}
	if blank {
		return nil
	}
	if maxRows > 0 && len(rd.data) >= maxRows {
		return fmt.Errorf("%w：数据超过 %d 行，请分批导入 (more than %d rows; split the file)", ErrTooManyRows, maxRows, maxRows)
	}
	rd.data = append(rd.data, rawRow{r.line, vals})
	return nil
}

// finish converts number cells, spreads merged cells and validates.
func (rd *reader) finish() ([]Row, error) {
	if p, err := rd.f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		rd.date1904 = *p.Date1904
	}
	lost := map[[2]int]bool{} // data row, column: digits lost to Excel
	for k, r := range rd.data {
		for i, raw := range r.cells {
			if raw != "" && looksNumeric(raw) {
				var l bool
				r.cells[i], l = rd.numberText(rd.cellInfo(k, i), raw)
				if l {
					lost[[2]int{k, i}] = true
				}
			}
		}
	}
	rd.spreadMerged()
	var errs Errors
	rows := make([]Row, 0, len(rd.data))
	for k, r := range rd.data {
		row := Row{Line: r.line, Values: make(map[string]string, len(rd.cols))}
		for i, c := range rd.cols {
			if rd.colOf[i] < 0 {
				continue
			}
			if lost[[2]int{k, i}] {
				errs.Add(r.line, c, ReasonDigitsLost)
			}
			v := cleanValue(r.cells[i])
			if v != "" && len(c.Choices) > 0 {
				if canon, ok := matchChoice(c.Choices, v); ok {
					v = canon
				} else {
					errs.Add(r.line, c, ReasonNotInChoices(c.Choices))
				}
			}
			if v == "" && c.Required {
				errs.Add(r.line, c, ReasonRequired)
			}
			row.Values[c.Key] = v
		}
		rows = append(rows, row)
	}
	return rows, errs.Err()
}

func matchChoice(choices []string, v string) (string, bool) {
	nv := normHeader(v)
	for _, c := range choices {
		if c == v || normHeader(c) == nv {
			return c, true
		}
	}
	return "", false
}

// spreadMerged copies the value of a vertically merged cell's top-left cell
// to the rows below it within the merge, as users see one value there.
func (rd *reader) spreadMerged() {
	merges := rd.merges
	if rd.info == nil { // second pass failed: ask excelize
		mcs, err := rd.f.GetMergeCells(rd.sheet, true)
		if err != nil {
			return // merges are a convenience; never fail the import on them
		}
		for _, m := range mcs {
			c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if err1 == nil && err2 == nil {
				merges = append(merges, [4]int{c1, r1, c2, r2})
			}
		}
	}
	if len(merges) == 0 {
		return
	}
	idxOfLine := make(map[int]int, len(rd.data))
	for i, r := range rd.data {
		idxOfLine[r.line] = i
	}
	colIdx := make(map[int]int, len(rd.cols)) // 1-based sheet column -> cols index
	for i, j := range rd.colOf {
		if j >= 0 {
			colIdx[j+1] = i
		}
	}
	for _, m := range merges {
		c1, r1, r2 := m[0], m[1], m[3]
		if r1 <= rd.headerLine {
			continue
		}
		ci, ok := colIdx[c1]
		if !ok {
			continue
		}
		top, ok := idxOfLine[r1]
		if !ok {
			continue // top-left row is blank: nothing to spread
		}
		v := rd.data[top].cells[ci]
		for line := r1 + 1; line <= r2; line++ {
			if k, ok := idxOfLine[line]; ok && cleanValue(rd.data[k].cells[ci]) == "" {
				rd.data[k].cells[ci] = v
			}
		}
	}
}

// looksNumeric is a cheap filter for cells that may be number cells; only
// those are looked up for type and format.
func looksNumeric(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

// cellInfo returns the type and style of data row k, column i: from the
// second pass, or looked up through excelize if that pass failed or missed
// the cell.
func (rd *reader) cellInfo(k, i int) cellInfo {
	if rd.info != nil && rd.info[k][i].ok {
		return rd.info[k][i]
	}
	axis, err := excelize.CoordinatesToCellName(rd.colOf[i]+1, rd.data[k].line)
	if err != nil {
		return cellInfo{t: "s"}
	}
	ci := cellInfo{t: "s", ok: true}
	if t, err := rd.f.GetCellType(rd.sheet, axis); err == nil {
		switch t {
		case excelize.CellTypeUnset, excelize.CellTypeNumber:
			ci.t = "n"
		case excelize.CellTypeBool:
			ci.t = "b"
		}
	}
	if s, err := rd.f.GetCellStyle(rd.sheet, axis); err == nil {
		ci.s = s
	}
	return ci
}

// numberText returns the text users see for a raw cell value that looks
// like a number: text cells are returned as is. lost reports a number of 16
// or more digits that the spreadsheet program stored rounded to 15
// significant digits (an ID or bank card number typed into a number cell):
// its last digits are gone and only the user can restore them.
func (rd *reader) numberText(ci cellInfo, raw string) (text string, lost bool) {
	switch ci.t {
	case "b":
		switch raw {
		case "1":
			return "TRUE", false
		case "0":
			return "FALSE", false
		}
		return raw, false
	case "", "n":
	default:
		return raw, false
	}
	nf, ok := rd.formats[ci.s]
	if !ok {
		nf = rd.styleFormat(ci.s)
		rd.formats[ci.s] = nf
	}
	text = nf.text(raw, rd.date1904)
	if nf.kind == kindGeneral || nf.kind == kindZeroPad {
		if strings.ContainsAny(raw, "eE") {
			v, err := strconv.ParseFloat(raw, 64)
			lost = err == nil && math.Abs(v) >= 1e15
		}
	}
	return text, lost
}

// numFormat is what Read needs to know about a cell's number format.
type numFormat struct {
	kind    numKind
	seconds bool // date/time formats: show seconds
	pad     int  // kindZeroPad: total digits, e.g. 6 for "000000"
}

type numKind uint8

const (
	kindGeneral  numKind = iota // plain decimal
	kindDate                    // 2006-01-02
	kindTime                    // 15:04[:05]
	kindDateTime                // 2006-01-02 15:04[:05]
	kindZeroPad                 // integer left-padded with zeros ("000000")
)

// builtinFormats classifies the built-in number formats that are dates,
// times or zero padding (IDs 27-36 and 50-58 are the zh-CN date/time ones).
var builtinFormats = map[int]numFormat{
	1:  {kind: kindZeroPad, pad: 1},
	14: {kind: kindDate}, 15: {kind: kindDate}, 16: {kind: kindDate}, 17: {kind: kindDate},
	18: {kind: kindTime}, 19: {kind: kindTime, seconds: true}, 20: {kind: kindTime}, 21: {kind: kindTime, seconds: true},
	22: {kind: kindDateTime},
	27: {kind: kindDate}, 28: {kind: kindDate}, 29: {kind: kindDate}, 30: {kind: kindDate}, 31: {kind: kindDate},
	32: {kind: kindTime}, 33: {kind: kindTime, seconds: true}, 34: {kind: kindTime}, 35: {kind: kindTime, seconds: true},
	36: {kind: kindDate},
	45: {kind: kindTime, seconds: true}, 46: {kind: kindTime, seconds: true}, 47: {kind: kindTime, seconds: true},
	50: {kind: kindDate}, 51: {kind: kindDate}, 52: {kind: kindDate}, 53: {kind: kindDate}, 54: {kind: kindDate},
	55: {kind: kindTime}, 56: {kind: kindTime, seconds: true}, 57: {kind: kindDate}, 58: {kind: kindDate},
}

func (rd *reader) styleFormat(sid int) numFormat {
	if sid == 0 {
		return numFormat{}
	}
	st, err := rd.f.GetStyle(sid)
	if err != nil || st == nil {
		return numFormat{}
	}
	if st.CustomNumFmt != nil {
		return classifyFormat(*st.CustomNumFmt)
	}
	return builtinFormats[st.NumFmt]
}

var zeroPadFormat = regexp.MustCompile(`^0+$`)

// classifyFormat inspects a custom number format code.
func classifyFormat(code string) numFormat {
	code, _, _ = strings.Cut(code, ";") // the positive-number section
	// Drop quoted literals, escaped characters and [..] (colors, locales,
	// conditions, elapsed-time brackets lose only their brackets).
	var b strings.Builder
	inQuote, inBracket := false, false
	bracket := strings.Builder{}
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case inBracket:
			if c == ']' {
				inBracket = false
				if s := strings.ToLower(bracket.String()); strings.Trim(s, "hms") == "" {
					b.WriteString(s) // [h], [mm], [ss]
				}
				bracket.Reset()
			} else {
				bracket.WriteByte(c)
			}
		case c == '"':
			inQuote = true
		case c == '[':
			inBracket = true
		case c == '\\' || c == '_' || c == '*':
			i++ // escaped or padding character
		default:
			b.WriteByte(c)
		}
	}
	s := strings.ToLower(b.String())
	if zeroPadFormat.MatchString(s) {
		return numFormat{kind: kindZeroPad, pad: len(s)}
	}
	if s == "general" || s == "@" {
		return numFormat{}
	}
	hasDate := strings.ContainsAny(s, "yd")
	hasTime := strings.ContainsAny(s, "hs")
	if !hasDate && !hasTime && strings.Contains(s, "m") && !strings.ContainsAny(s, "0#?") {
		hasDate = true // "mmm", "mm" alone: month
	}
	seconds := strings.Contains(s, "s")
	switch {
	case hasDate && hasTime:
		return numFormat{kind: kindDateTime, seconds: seconds}
	case hasDate:
		return numFormat{kind: kindDate}
	case hasTime:
		return numFormat{kind: kindTime, seconds: seconds}
	}
	return numFormat{}
}

// text renders a raw number value.
func (nf numFormat) text(raw string, date1904 bool) string {
	switch nf.kind {
	case kindDate, kindTime, kindDateTime:
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || v < 0 {
			return plainNumber(raw)
		}
		t, err := excelize.ExcelDateToTime(v, date1904)
		if err != nil {
			return plainNumber(raw)
		}
		t = t.Round(time.Second)
		tf := "15:04"
		if nf.seconds {
			tf = "15:04:05"
		}
		switch nf.kind {
		case kindDate:
			return t.Format(time.DateOnly)
		case kindTime:
			return t.Format(tf)
		default:
			return t.Format(time.DateOnly + " " + tf)
		}
	case kindZeroPad:
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || v < 0 || v >= 1e15 {
			return plainNumber(raw)
		}
		s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
		if len(s) < nf.pad {
			s = strings.Repeat("0", nf.pad-len(s)) + s
		}
		return s
	}
	return plainNumber(raw)
}

var integerText = regexp.MustCompile(`^[+-]?[0-9]+$`)

// plainNumber writes a stored number the way Excel's General format would,
// but never in scientific notation: exact digits for integers (excelize and
// other generators store 18-digit IDs exactly), at most 15 significant
// digits otherwise (Excel's precision; drops float noise like
// 0.30000000000000004).
func plainNumber(raw string) string {
	if integerText.MatchString(raw) {
		return strings.TrimPrefix(raw, "+")
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return raw
	}
	if math.Abs(v) >= 1e15 && v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}
