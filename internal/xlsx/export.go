// Export streams a list (residents, enterprises, ...) to an .xlsx with
// excelize's StreamWriter, keeping memory flat for 100,000+ rows.

package xlsx

import (
	"fmt"
	"io"
	"iter"
	"math"
	"reflect"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// widthSampleRows is how many leading rows are buffered to size columns
// (the stream writer needs widths before the first row).
const widthSampleRows = 100

// Export writes one sheet to w: a bold, frozen header row, then one row per
// item of rows, with column widths fitted to the header and the first 100
// rows. rows may reuse its slice between items; a nil rows writes the header
// only.
//
// Cell values:
//   - string, []byte, fmt.Stringer, error: text, never turned into numbers
//     (IDs and codes keep their digits and leading zeros); "" is an empty cell;
//   - Amount: a number with two decimals and thousands separators (#,##0.00);
//   - Share: a fraction shown as a percentage with two decimals (0.00%);
//   - int and uint types, float32, float64: numbers, except integers of 16
//     or more digits, written as text because Excel keeps only 15 significant
//     digits; NaN and ±Inf are empty cells;
//   - time.Time: a date cell shown as 2006-01-02, or 2006-01-02 15:04:05 if it
//     has a time of day, in the value's own location; the zero time is empty;
//   - time.Duration: shown as [h]:mm:ss;
//   - bool: "是" / "否";
//   - nil and nil pointers: empty; other pointers are dereferenced; other
//     types are written with fmt.Sprint.
//
// Excel holds at most 1,048,575 rows below the header; more is
// ErrTooManyRows.
func Export(w io.Writer, sheetName string, headers []string, rows iter.Seq[[]any]) (err error) {
	sheetName = cleanSheetName(sheetName)
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		return err
	}
	ex := &exporter{sw: sw, headers: headers}
	if err := ex.styles(f); err != nil {
		return err
	}
	var sample [][]any
	if rows != nil {
		for row := range rows {
			cells := make([]any, len(row))
			for i, v := range row {
				cells[i] = ex.cell(v)
			}
			if sample != nil || ex.line == 0 {
				sample = append(sample, cells)
				if len(sample) < widthSampleRows {
					continue
				}
				if err := ex.start(sample); err != nil {
					return err
				}
				sample = nil
				continue
			}
			if err := ex.write(cells); err != nil {
				return err
			}
		}
	}
	if ex.line == 0 {
		if err := ex.start(sample); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// Amount is a sum of money in the unit the sheet's header names (元 or 万元): Export writes it as
// a number shown with two decimals and thousands separators, never as text, so that the office
// can add it up.
type Amount float64

// Share is a fraction of a whole (0.25 for 25%): Export writes it as a number shown as a
// percentage with two decimals.
type Share float64

type exporter struct {
	sw      *excelize.StreamWriter
	headers []string
	line    int // last row written; 0 before the header

	header, text, date, dateTime, duration, amount, share int
}

func (ex *exporter) styles(f *excelize.File) error {
	var err error
	newStyle := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	date, dateTime, duration := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "[h]:mm:ss"
	ex.header = newStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border: []excelize.Border{
			{Type: "bottom", Color: "8EA9DB", Style: 1},
		},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	ex.text = newStyle(&excelize.Style{NumFmt: 49})
	ex.date = newStyle(&excelize.Style{CustomNumFmt: &date})
	ex.dateTime = newStyle(&excelize.Style{CustomNumFmt: &dateTime})
	ex.duration = newStyle(&excelize.Style{CustomNumFmt: &duration})
	ex.amount = newStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	ex.share = newStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	return err
}

// start sizes the columns from the header and sample, freezes and writes the
// header row, then the sample rows.
func (ex *exporter) start(sample [][]any) error {
	ncol := len(ex.headers)
	for _, r := range sample {
		ncol = max(ncol, len(r))
	}
	widths := make([]float64, ncol)
	for i, h := range ex.headers {
		widths[i] = displayWidth(h) + 2 // bold
	}
	for _, r := range sample {
		for i, c := range r {
			widths[i] = max(widths[i], ex.cellWidth(c))
		}
	}
	for i, wd := range widths {
		if err := ex.sw.SetColWidth(i+1, i+1, min(max(wd+2, 8), 50)); err != nil {
			return err
		}
	}
	if err := ex.sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	head := make([]any, len(ex.headers))
	for i, h := range ex.headers {
		head[i] = excelize.Cell{StyleID: ex.header, Value: h}
	}
	if err := ex.sw.SetRow("A1", head, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	ex.line = 1
	for _, r := range sample {
		if err := ex.write(r); err != nil {
			return err
		}
	}
	return nil
}

func (ex *exporter) write(cells []any) error {
	if ex.line >= excelize.TotalRows {
		return fmt.Errorf("%w：超过 Excel 单个工作表的上限 %d 行 (Excel sheet limit)", ErrTooManyRows, excelize.TotalRows-1)
	}
	ex.line++
	return ex.sw.SetRow("A"+strconv.Itoa(ex.line), cells)
}

// cellWidth estimates the displayed width of a converted cell.
func (ex *exporter) cellWidth(c any) float64 {
	cell, ok := c.(excelize.Cell)
	if !ok {
		return 0
	}
	switch cell.StyleID {
	case ex.amount:
		return float64(len(strconv.FormatFloat(cell.Value.(float64), 'f', 2, 64))) * 4 / 3
	case ex.share:
		return 8
	case ex.date:
		return 10
	case ex.dateTime:
		return 19
	}
	switch v := cell.Value.(type) {
	case string:
		return displayWidth(v)
	case time.Duration:
		return 9
	default:
		return float64(len(fmt.Sprint(v)))
	}
}

// maxExactInt is the first integer with 16 digits; Excel shows only 15
// significant digits, so larger integers are written as text.
const maxExactInt = 1e15

// cell converts a caller's value into what the stream writer gets: nil for
// an empty cell, or an excelize.Cell.
func (ex *exporter) cell(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return ex.textCell(x)
	case []byte:
		return ex.textCell(string(x))
	case Amount:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil
		}
		return excelize.Cell{StyleID: ex.amount, Value: float64(x)}
	case Share:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil
		}
		return excelize.Cell{StyleID: ex.share, Value: float64(x)}
	case bool:
		if x {
			return ex.textCell("是")
		}
		return ex.textCell("否")
	case int:
		return ex.intCell(int64(x))
	case int8, int16, int32, uint8, uint16, uint32:
		return excelize.Cell{Value: x}
	case int64:
		return ex.intCell(x)
	case uint:
		return ex.uintCell(uint64(x))
	case uint64:
		return ex.uintCell(x)
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil
		}
		return excelize.Cell{Value: x}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return excelize.Cell{Value: x}
	case time.Time:
		if x.IsZero() {
			return nil
		}
		style := ex.dateTime
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			style = ex.date
		}
		return excelize.Cell{StyleID: style, Value: x}
	case time.Duration:
		return excelize.Cell{StyleID: ex.duration, Value: x}
	case fmt.Stringer:
		if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return nil
		}
		return ex.textCell(x.String())
	case error:
		return ex.textCell(x.Error())
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return ex.cell(rv.Elem().Interface())
	case reflect.String:
		return ex.textCell(rv.String())
	case reflect.Bool:
		return ex.cell(rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ex.intCell(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ex.uintCell(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return ex.cell(rv.Float())
	}
	return ex.textCell(fmt.Sprint(v))
}

func (ex *exporter) textCell(s string) any {
	if s == "" {
		return nil
	}
	return excelize.Cell{StyleID: ex.text, Value: s}
}

func (ex *exporter) intCell(n int64) any {
	if n >= maxExactInt || n <= -maxExactInt {
		return ex.textCell(strconv.FormatInt(n, 10))
	}
	return excelize.Cell{Value: n}
}

func (ex *exporter) uintCell(n uint64) any {
	if n >= maxExactInt {
		return ex.textCell(strconv.FormatUint(n, 10))
	}
	return excelize.Cell{Value: n}
}
