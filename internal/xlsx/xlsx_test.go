// Tests for package xlsx: template round trips, number cells read back as
// digits, header matching, refusal of non-Excel uploads, row limits, and a
// 100,000-row streamed export with its benchmark.

package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var residentCols = []Column{
	{Key: "name", Header: "姓名", Required: true, Note: "与身份证一致"},
	{Key: "id_card", Header: "身份证号", Required: true, Note: "18 位，末位可为 X"},
	{Key: "gender", Header: "性别", Choices: []string{"男", "女"}},
	{Key: "phone", Header: "联系电话"},
	{Key: "birth", Header: "出生日期", Note: "格式 2024-01-05"},
	{Key: "building", Header: "楼栋", Width: 8},
}

// build makes an .xlsx in memory with excelize.
func build(t testing.TB, fill func(f *excelize.File, sheet string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f, "Sheet1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// setRows writes rows of strings (and other values) from A1.
func setRows(t testing.TB, f *excelize.File, sheet string, rows ...[]any) {
	t.Helper()
	for i, r := range rows {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
}

func openBytes(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestTemplateRoundTrip(t *testing.T) {
	longChoices := make([]string, 60)
	for i := range longChoices {
		longChoices[i] = fmt.Sprintf("第%02d网格（社区）", i+1)
	}
	example := map[string]string{
		"name": "张三", "id_card": "32010219900101123X", "gender": "男",
		"phone": "13812345678", "birth": "1990-01-01", "building": "3栋",
	}
	tests := []struct {
		name     string
		cols     []Column
		example  map[string]string
		wantRows []map[string]string
	}{
		{"with example", residentCols, example, []map[string]string{example}},
		{"without example", residentCols, nil, nil},
		{
			"long choices use hidden sheet",
			append([]Column{{Key: "grid", Header: "所属网格", Required: true, Choices: longChoices}}, residentCols...),
			map[string]string{"grid": longChoices[41], "name": "李四", "id_card": "320102199001011234"},
			[]map[string]string{{"grid": longChoices[41], "name": "李四", "id_card": "320102199001011234",
				"gender": "", "phone": "", "birth": "", "building": ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Template(&buf, "居民名单", tt.cols, tt.example); err != nil {
				t.Fatal(err)
			}
			f := openBytes(t, buf.Bytes())
			if got := f.GetSheetList(); len(got) < 2 || got[0] != "居民名单" || !contains(got, InfoSheet) {
				t.Fatalf("sheets = %v", got)
			}
			// Required headers carry '*'; Read must still match them.
			h, _ := f.GetCellValue("居民名单", "A1")
			if want := tt.cols[0].Header + "*"; h != want {
				t.Errorf("A1 = %q, want %q", h, want)
			}
			rows, err := Read(bytes.NewReader(buf.Bytes()), tt.cols, 100)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if len(rows) != len(tt.wantRows) {
				t.Fatalf("got %d rows, want %d: %+v", len(rows), len(tt.wantRows), rows)
			}
			for i, want := range tt.wantRows {
				if rows[i].Line != 2 {
					t.Errorf("row %d line = %d, want 2", i, rows[i].Line)
				}
				for k, v := range want {
					if got := rows[i].Values[k]; got != v {
						t.Errorf("%s = %q, want %q", k, got, v)
					}
				}
			}
		})
	}
}

func TestTemplateFeatures(t *testing.T) {
	long := make([]string, 40)
	for i := range long {
		long[i] = fmt.Sprintf("选项%02d-很长的名称", i)
	}
	cols := []Column{
		{Key: "a", Header: "性别", Required: true, Choices: []string{"男", "女"}, Note: "请选择"},
		{Key: "b", Header: "网格", Choices: long},
		{Key: "c", Header: "备注", Note: "随便写"},
		{Key: "d", Header: "无说明"},
	}
	var buf bytes.Buffer
	if err := Template(&buf, "名单", cols, nil); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	dvs, err := f.GetDataValidations("名单")
	if err != nil {
		t.Fatal(err)
	}
	bySqref := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		bySqref[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv
	}
	tests := []struct {
		name        string
		cell        string
		wantType    string
		wantFormula string // substring
		wantPrompt  bool
	}{
		{"inline dropdown", "A2", "list", `"男,女"`, true},
		{"long dropdown from hidden sheet", "B2", "list", "'" + choicesSheet + "'!$A$1:$A$40", false},
		{"prompt only", "C2", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dv := bySqref[tt.cell]
			if dv == nil {
				t.Fatalf("no data validation at %s; have %v", tt.cell, keys(bySqref))
			}
			if dv.Type != tt.wantType {
				t.Errorf("type = %q, want %q", dv.Type, tt.wantType)
			}
			if !strings.Contains(dv.Formula1, tt.wantFormula) {
				t.Errorf("formula = %q, want it to contain %q", dv.Formula1, tt.wantFormula)
			}
			if dv.ShowInputMessage != tt.wantPrompt {
				t.Errorf("ShowInputMessage = %v, want %v", dv.ShowInputMessage, tt.wantPrompt)
			}
		})
	}
	if _, ok := bySqref["D2"]; ok {
		t.Error("column without choices or note got a data validation")
	}
	t.Run("hidden choices sheet", func(t *testing.T) {
		visible, err := f.GetSheetVisible(choicesSheet)
		if err != nil || visible {
			t.Fatalf("visible=%v err=%v", visible, err)
		}
		v, _ := f.GetCellValue(choicesSheet, "A40")
		if v != long[39] {
			t.Errorf("A40 = %q", v)
		}
	})
	t.Run("comments", func(t *testing.T) {
		cs, err := f.GetComments("名单")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range cs {
			var s strings.Builder
			for _, p := range c.Paragraph {
				s.WriteString(p.Text)
			}
			got[c.Cell] = c.Text + s.String()
		}
		if !strings.Contains(got["A1"], "请选择") || !strings.Contains(got["C1"], "随便写") || got["B1"] != "" {
			t.Errorf("comments = %v", got)
		}
	})
	t.Run("frozen header", func(t *testing.T) {
		p, err := f.GetPanes("名单")
		if err != nil {
			t.Fatal(err)
		}
		if !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
			t.Errorf("panes = %+v", p)
		}
	})
	t.Run("info sheet", func(t *testing.T) {
		rows, err := f.GetRows(InfoSheet)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, r := range rows {
			if len(r) >= 4 && r[0] == "性别" && r[1] == "是" && r[2] == "男、女" && r[3] == "请选择" {
				found = true
			}
		}
		if !found {
			t.Errorf("说明 sheet lacks the 性别 line: %q", rows)
		}
	})
	t.Run("data columns are text", func(t *testing.T) {
		sid, err := f.GetColStyle("名单", "A")
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(sid)
		if err != nil || st.NumFmt != 49 {
			t.Errorf("column style numFmt = %v (err %v), want 49 (@)", st.NumFmt, err)
		}
	})
}

func TestTemplateRejectsBadColumns(t *testing.T) {
	tests := []struct {
		name    string
		cols    []Column
		example map[string]string
	}{
		{"no columns", nil, nil},
		{"empty key", []Column{{Header: "姓名"}}, nil},
		{"duplicate key", []Column{{Key: "a", Header: "甲"}, {Key: "a", Header: "乙"}}, nil},
		{"duplicate header after folding", []Column{{Key: "a", Header: "电话"}, {Key: "b", Header: " 电话* "}}, nil},
		{"unknown example key", []Column{{Key: "a", Header: "甲"}}, map[string]string{"zz": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Template(&bytes.Buffer{}, "x", tt.cols, tt.example); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestReadNumberCells(t *testing.T) {
	cols := []Column{{Key: "k", Header: "名称"}, {Key: "v", Header: "值"}}
	data := build(t, func(f *excelize.File, s string) {
		style := func(st *excelize.Style) int {
			id, err := f.NewStyle(st)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		cnDate := `yyyy"年"m"月"d"日"`
		zip6 := "000000"
		iso := "yyyy-mm-dd hh:mm"
		styles := map[string]int{
			"date14":    style(&excelize.Style{NumFmt: 14}),
			"cn date":   style(&excelize.Style{CustomNumFmt: &cnDate}),
			"datetime":  style(&excelize.Style{CustomNumFmt: &iso}),
			"zip":       style(&excelize.Style{CustomNumFmt: &zip6}),
			"fmt0":      style(&excelize.Style{NumFmt: 1}),
			"thousands": style(&excelize.Style{NumFmt: 4}),
			"text":      style(&excelize.Style{NumFmt: 49}),
		}
		setRows(t, f, s, []any{"名称", "值"})
		rows := []struct {
			name  string
			value any
			style string
		}{
			{"id int", int64(320102199001011234), ""},
			{"phone int", 13812345678, ""},
			{"id float", 3.20102199001011e17, ""},
			{"id excel", rawNumber("3.20102199001011E+17"), ""}, // what Excel stores after typing 18 digits
			{"phone excel", rawNumber("1.3812345678E+10"), ""},
			{"float noise", 0.1 + 0.2, ""},
			{"negative", -12.5, ""},
			{"date14", time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC), "date14"},
			{"cn date", time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC), "cn date"},
			{"datetime", time.Date(2024, 3, 9, 8, 30, 0, 0, time.UTC), "datetime"},
			{"zip", 10020, "zip"},
			{"fmt0", 12.6, "fmt0"},
			{"id fmt0", int64(320102199001011234), "fmt0"},
			{"id thousands", int64(320102199001011234), "thousands"},
			{"phone text-formatted number", 13812345678, "text"},
			{"thousands", 1234567.5, "thousands"},
			{"text digits", "00123", "text"},
			{"text decimal", "1.50", ""},
			{"bool", true, ""},
			{"id with X", "32010219900101123X", ""},
		}
		for i, r := range rows {
			line := i + 2
			if err := f.SetCellStr(s, fmt.Sprintf("A%d", line), r.name); err != nil {
				t.Fatal(err)
			}
			cell := fmt.Sprintf("B%d", line)
			if raw, ok := r.value.(rawNumber); ok {
				if err := f.SetCellDefault(s, cell, string(raw)); err != nil {
					t.Fatal(err)
				}
			} else if err := f.SetCellValue(s, cell, r.value); err != nil {
				t.Fatal(err)
			}
			if r.style != "" {
				if err := f.SetCellStyle(s, cell, cell, styles[r.style]); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
	tests := []struct{ name, want string }{
		{"id int", "320102199001011234"},
		{"phone int", "13812345678"},
		{"id float", "320102199001011000"},
		{"id excel", "320102199001011000"},
		{"phone excel", "13812345678"},
		{"float noise", "0.3"},
		{"negative", "-12.5"},
		{"date14", "2024-01-05"},
		{"cn date", "2023-12-31"},
		{"datetime", "2024-03-09 08:30"},
		{"zip", "010020"},
		{"fmt0", "13"},
		{"id fmt0", "320102199001011234"},
		{"id thousands", "320102199001011234"},
		{"phone text-formatted number", "13812345678"},
		{"thousands", "1234567.5"},
		{"text digits", "00123"},
		{"text decimal", "1.50"},
		{"bool", "TRUE"},
		{"id with X", "32010219900101123X"},
	}
	forEachPass(t, func(t *testing.T) {
		rows, err := Read(bytes.NewReader(data), cols, 0)
		// Only the 18 digits Excel rounded are refused.
		wantErrs := Errors{{Line: 5, Column: "值", Key: "v", Reason: ReasonDigitsLost}}
		var errs Errors
		if !errors.As(err, &errs) || fmt.Sprint(errs) != fmt.Sprint(wantErrs) {
			t.Errorf("err = %v, want %v", err, wantErrs)
		}
		got := map[string]string{}
		for _, r := range rows {
			got[r.Values["k"]] = r.Values["v"]
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got[tt.name] != tt.want {
					t.Errorf("got %q, want %q", got[tt.name], tt.want)
				}
			})
		}
	})
}

// rawNumber is a number cell written with exactly this stored text.
type rawNumber string

// forEachPass runs fn with Read's own cell-info pass and with the excelize
// lookups it falls back on.
func forEachPass(t *testing.T, fn func(t *testing.T)) {
	for _, pass := range []bool{true, false} {
		name := "stream pass"
		if !pass {
			name = "excelize fallback"
		}
		t.Run(name, func(t *testing.T) {
			defer func(old bool) { cellInfoPass = old }(cellInfoPass)
			cellInfoPass = pass
			fn(t)
		})
	}
}

func TestReadRows(t *testing.T) {
	cols := []Column{
		{Key: "name", Header: "姓名", Required: true},
		{Key: "id", Header: "身份证号", Required: true},
		{Key: "gender", Header: "性别", Choices: []string{"男", "女"}},
		{Key: "note", Header: "备注"},
	}
	type want struct {
		lines  []int
		values []map[string]string
		errs   Errors // exact, when the read fails with Errors
		is     error  // errors.Is target
		msg    string // substring of the error message
	}
	tests := []struct {
		name string
		rows [][]any
		want want
	}{
		{
			name: "empty rows skipped, lines kept",
			rows: [][]any{
				{"姓名*", "身份证号*", "性别", "备注"},
				{"张三", "110101199003071234", "男", ""},
				{},
				{"", "  ", "", "\u3000"},
				{"李四", "110101199003075678", "女", "三楼"},
			},
			want: want{lines: []int{2, 5}, values: []map[string]string{
				{"name": "张三", "id": "110101199003071234", "gender": "男", "note": ""},
				{"name": "李四", "id": "110101199003075678", "gender": "女", "note": "三楼"},
			}},
		},
		{
			name: "headers: full-width star, spaces, order, title row, unknown column",
			rows: [][]any{
				{"幸福社区居民花名册"},
				{"序号", " 身份证号＊ ", "姓　名*", "其他", "备注"},
				{"1", "110101199003071234", " 张三 ", "x", "\u200b住户\u00a0"},
			},
			want: want{lines: []int{3}, values: []map[string]string{
				{"name": "张三", "id": "110101199003071234", "note": "住户"},
			}},
		},
		{
			name: "missing required column",
			rows: [][]any{
				{"姓名", "性别"},
				{"张三", "男"},
			},
			want: want{errs: Errors{{Line: 1, Column: "身份证号", Key: "id", Reason: ReasonMissingColumn}}},
		},
		{
			name: "duplicate column",
			rows: [][]any{
				{"姓名", "身份证号", "姓名"},
				{"张三", "1", "李四"},
			},
			want: want{errs: Errors{{Line: 1, Column: "姓名", Key: "name", Reason: ReasonDuplicateColumn}}},
		},
		{
			name: "no matching header",
			rows: [][]any{
				{"名字", "证件"},
				{"张三", "1"},
			},
			want: want{is: ErrNoHeader, msg: "姓名*、身份证号*、性别、备注"},
		},
		{
			name: "empty sheet",
			rows: nil,
			want: want{is: ErrNoHeader},
		},
		{
			name: "required empty and bad choice",
			rows: [][]any{
				{"姓名", "身份证号", "性别"},
				{"张三", "", "男"},
				{"", "2", "未知"},
				{"王五", "3", " 女 "},
			},
			want: want{
				lines: []int{2, 3, 4},
				values: []map[string]string{
					{"name": "张三", "id": "", "gender": "男"},
					{"name": "", "id": "2", "gender": "未知"},
					{"name": "王五", "id": "3", "gender": "女"},
				},
				errs: Errors{
					{Line: 2, Column: "身份证号", Key: "id", Reason: ReasonRequired},
					{Line: 3, Column: "姓名", Key: "name", Reason: ReasonRequired},
					{Line: 3, Column: "性别", Key: "gender", Reason: ReasonNotInChoices([]string{"男", "女"})},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := build(t, func(f *excelize.File, s string) { setRows(t, f, s, tt.rows...) })
			rows, err := Read(bytes.NewReader(data), cols, 100)
			if tt.want.is != nil {
				if !errors.Is(err, tt.want.is) {
					t.Fatalf("err = %v, want %v", err, tt.want.is)
				}
				if !strings.Contains(err.Error(), tt.want.msg) {
					t.Errorf("message %q lacks %q", err, tt.want.msg)
				}
				return
			}
			if tt.want.errs != nil {
				var errs Errors
				if !errors.As(err, &errs) {
					t.Fatalf("err = %v, want Errors", err)
				}
				if fmt.Sprint(errs) != fmt.Sprint(tt.want.errs) {
					t.Errorf("errors:\n%v\nwant:\n%v", errs, tt.want.errs)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(tt.want.lines) {
				t.Fatalf("got %d rows %+v, want lines %v", len(rows), rows, tt.want.lines)
			}
			for i, r := range rows {
				if r.Line != tt.want.lines[i] {
					t.Errorf("row %d: line %d, want %d", i, r.Line, tt.want.lines[i])
				}
				if fmt.Sprint(r.Values) != fmt.Sprint(tt.want.values[i]) {
					t.Errorf("row %d: %v, want %v", i, r.Values, tt.want.values[i])
				}
			}
		})
	}
}

func TestReadMergedCells(t *testing.T) {
	cols := []Column{{Key: "house", Header: "户号"}, {Key: "name", Header: "姓名"}}
	data := build(t, func(f *excelize.File, s string) {
		setRows(t, f, s, []any{"户号", "姓名"}, []any{"101", "张三"}, []any{nil, "张小三"},
			[]any{102, "李四"}, []any{nil, "李小四"}, []any{"103", nil}, []any{nil, nil})
		for _, m := range [][2]string{{"A2", "A3"}, {"A4", "A5"}, {"A6", "B7"}} {
			if err := f.MergeCell(s, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	})
	forEachPass(t, func(t *testing.T) {
		rows, err := Read(bytes.NewReader(data), cols, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.Values["house"]+"/"+r.Values["name"])
		}
		if want := "[101/张三 101/张小三 102/李四 102/李小四 103/]"; fmt.Sprint(got) != want {
			t.Errorf("got %v, want %s", got, want)
		}
	})
}

func TestReadPicksFirstVisibleSheet(t *testing.T) {
	data := build(t, func(f *excelize.File, s string) {
		setRows(t, f, s, []any{"姓名"}, []any{"隐藏表的人"})
		idx, err := f.NewSheet("名单")
		if err != nil {
			t.Fatal(err)
		}
		setRows(t, f, "名单", []any{"姓名"}, []any{"张三"})
		f.SetActiveSheet(idx) // excelize will not hide the active sheet
		if err := f.SetSheetVisible(s, false); err != nil {
			t.Fatal(err)
		}
	})
	rows, err := Read(bytes.NewReader(data), []Column{{Key: "name", Header: "姓名"}}, 10)
	if err != nil || len(rows) != 1 || rows[0].Values["name"] != "张三" {
		t.Fatalf("rows %v, err %v", rows, err)
	}
}

// rewriteZip copies an .xlsx, passing each part through edit.
func rewriteZip(t *testing.T, data []byte, edit func(name string, body []byte) (string, []byte)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		name, body := edit(f.Name, body)
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSheetPath(t *testing.T) {
	base := build(t, func(f *excelize.File, s string) {
		f.SetSheetName(s, "居民")
		setRows(t, f, "居民", []any{"编号"}, []any{int64(320102199001011234)})
	})
	tests := []struct {
		name string
		edit func(name string, body []byte) (string, []byte)
		want string
	}{
		{"excelize default", func(n string, b []byte) (string, []byte) { return n, b }, "xl/worksheets/sheet1.xml"},
		{"absolute target", func(n string, b []byte) (string, []byte) {
			return n, bytes.ReplaceAll(b, []byte(`Target="worksheets/sheet1.xml"`), []byte(`Target="/xl/worksheets/sheet1.xml"`))
		}, "xl/worksheets/sheet1.xml"},
		{"other part names", func(n string, b []byte) (string, []byte) {
			b = bytes.ReplaceAll(b, []byte(`worksheets/sheet1.xml`), []byte(`ws/data.xml`))
			return strings.Replace(n, "worksheets/sheet1.xml", "ws/data.xml", 1), b
		}, "xl/ws/data.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := rewriteZip(t, base, tt.edit)
			parts, err := newZipParts(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parts.sheetPath("居民")
			if err != nil || got != tt.want {
				t.Fatalf("sheetPath = %q, %v; want %q", got, err, tt.want)
			}
			rows, err := Read(bytes.NewReader(data), []Column{{Key: "id", Header: "编号"}}, 10)
			if err != nil || len(rows) != 1 || rows[0].Values["id"] != "320102199001011234" {
				t.Fatalf("Read: %v, %v", rows, err)
			}
		})
	}
}

func TestReadNotExcel(t *testing.T) {
	zipOf := func(files map[string]string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range files {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
		zw.Close()
		return buf.Bytes()
	}
	random := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(r.UintN(256))
	}
	good := build(t, func(f *excelize.File, s string) { setRows(t, f, s, []any{"姓名"}, []any{"张三"}) })
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "空"},
		{"plain text", []byte("姓名,身份证号\n张三,110101199003071234\n"), "CSV"},
		{"GBK csv", []byte("\xd0\xd5\xc3\xfb,\xc9\xed\xb7\xdd\xd6\xa4\xba\xc5\r\n"), "CSV"},
		{"random bytes", random, ".xlsx"},
		{"png renamed", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), random...), ".xlsx"},
		{"old xls / encrypted", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, random...), ".xls"},
		{"zip that is not xlsx", zipOf(map[string]string{"readme.txt": "hello"}), "压缩"},
		{"docx", zipOf(map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}), "Word"},
		{"truncated xlsx", good[:len(good)/2], ""},
		{"xlsx with broken workbook", zipOf(map[string]string{
			"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook><sheets><sheet",
		}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := Read(bytes.NewReader(tt.data), []Column{{Key: "name", Header: "姓名"}}, 10)
			if !errors.Is(err, ErrNotExcel) {
				t.Fatalf("err = %v (rows %v), want ErrNotExcel", err, rows)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q lacks %q", err, tt.msg)
			}
		})
	}
}

func TestReadMaxRows(t *testing.T) {
	cols := []Column{{Key: "n", Header: "编号", Required: true}}
	data := build(t, func(f *excelize.File, s string) {
		rows := [][]any{{"编号"}}
		for i := range 50 {
			rows = append(rows, []any{fmt.Sprint(i)})
			if i%10 == 0 {
				rows = append(rows, []any{}) // blank rows do not count
			}
		}
		setRows(t, f, s, rows...)
	})
	tests := []struct {
		name    string
		maxRows int
		wantErr bool
	}{
		{"under limit", 100, false},
		{"exactly at limit", 50, false},
		{"one over", 49, true},
		{"far over", 5, true},
		{"no limit", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := Read(bytes.NewReader(data), cols, tt.maxRows)
			if tt.wantErr {
				if !errors.Is(err, ErrTooManyRows) || !strings.Contains(err.Error(), fmt.Sprint(tt.maxRows)) {
					t.Fatalf("err = %v, want ErrTooManyRows naming %d", err, tt.maxRows)
				}
				return
			}
			if err != nil || len(rows) != 50 {
				t.Fatalf("got %d rows, err %v", len(rows), err)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	var errs Errors
	if errs.Err() != nil {
		t.Fatal("empty Errors.Err() != nil")
	}
	for i := range 12 {
		errs.Add(i+2, Column{Key: "name", Header: "姓名"}, ReasonRequired)
	}
	errs.Add(0, Column{}, "文件有误")
	msg := errs.Err().Error()
	for _, want := range []string{"第 2 行「姓名」：必填 (required)", "共 13 处错误"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if got := errs[12].Error(); got != "文件有误" {
		t.Errorf("file-level error = %q", got)
	}
}

func TestExportValues(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	s := "指针"
	var nilPtr *string
	type status string
	var buf bytes.Buffer
	row := []any{
		"320102199001011234", "00123", 42, int64(1234567890123456789), 3.25,
		time.Date(2024, 1, 5, 0, 0, 0, 0, cst), time.Date(2024, 1, 5, 23, 30, 15, 0, cst),
		true, nilPtr, &s, status("已核实"), time.Time{}, nil, "含\x0b控制符", 999_999_999_999_999,
	}
	headers := []string{"身份证号", "编码", "数量", "大整数", "小数", "日期", "时间", "是否", "空指针", "指针", "状态", "零时间", "空", "控制符", "15 位"}
	if err := Export(&buf, "导出", headers, func(yield func([]any) bool) { yield(row) }); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	tests := []struct {
		cell, want string
		typ        excelize.CellType
	}{
		{"A1", "身份证号", excelize.CellTypeInlineString},
		{"A2", "320102199001011234", excelize.CellTypeInlineString},
		{"B2", "00123", excelize.CellTypeInlineString},
		{"C2", "42", excelize.CellTypeUnset},
		{"D2", "1234567890123456789", excelize.CellTypeInlineString},
		{"E2", "3.25", excelize.CellTypeUnset},
		{"F2", "2024-01-05", excelize.CellTypeUnset},
		{"G2", "2024-01-05 23:30:15", excelize.CellTypeUnset},
		{"H2", "是", excelize.CellTypeInlineString},
		{"I2", "", excelize.CellTypeUnset},
		{"J2", "指针", excelize.CellTypeInlineString},
		{"K2", "已核实", excelize.CellTypeInlineString},
		{"L2", "", excelize.CellTypeUnset},
		{"M2", "", excelize.CellTypeUnset},
		{"N2", "含\uFFFD控制符", excelize.CellTypeInlineString},
		{"O2", "999999999999999", excelize.CellTypeUnset},
	}
	for _, tt := range tests {
		t.Run(tt.cell, func(t *testing.T) {
			got, err := f.GetCellValue("导出", tt.cell)
			if err != nil || got != tt.want {
				t.Errorf("value = %q (err %v), want %q", got, err, tt.want)
			}
			if typ, _ := f.GetCellType("导出", tt.cell); typ != tt.typ {
				t.Errorf("type = %v, want %v", typ, tt.typ)
			}
		})
	}
	p, err := f.GetPanes("导出")
	if err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("panes = %+v, %v", p, err)
	}
	if w, _ := f.GetColWidth("导出", "A"); w < 18 {
		t.Errorf("column A width = %v, too narrow for an ID", w)
	}
	// Read gives back the same text.
	rows, err := Read(bytes.NewReader(buf.Bytes()), []Column{
		{Key: "id", Header: "身份证号"}, {Key: "n", Header: "数量"}, {Key: "d", Header: "日期"}, {Key: "t", Header: "时间"},
	}, 0)
	if err != nil || len(rows) != 1 {
		t.Fatalf("Read: %v %v", rows, err)
	}
	if got := fmt.Sprint(rows[0].Values); got != "map[d:2024-01-05 id:320102199001011234 n:42 t:2024-01-05 23:30:15]" {
		t.Errorf("Read back %s", got)
	}
}

// TestExportAmounts: amounts and shares are numbers with their formats, not text — an office adds
// them up in Excel (issue 11, item 14).
func TestExportAmounts(t *testing.T) {
	var buf bytes.Buffer
	row := []any{Amount(1234567.5), Share(0.6), Amount(0.05), 7}
	if err := Export(&buf, "报表", []string{"金额（元）", "占比", "小额", "合同数"}, func(yield func([]any) bool) { yield(row) }); err != nil {
		t.Fatal(err)
	}
	f := openBytes(t, buf.Bytes())
	for _, tt := range []struct{ cell, shown, raw string }{
		{"A2", "1,234,567.50", "1234567.5"}, {"B2", "60.00%", "0.6"}, {"C2", "0.05", "0.05"}, {"D2", "7", "7"},
	} {
		if typ, _ := f.GetCellType("报表", tt.cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s: type %v, want a number", tt.cell, typ)
		}
		if got, err := f.GetCellValue("报表", tt.cell); err != nil || got != tt.shown {
			t.Errorf("%s shown as %q (%v), want %q", tt.cell, got, err, tt.shown)
		}
		if got, err := f.GetCellValue("报表", tt.cell, excelize.Options{RawCellValue: true}); err != nil || got != tt.raw {
			t.Errorf("%s holds %q (%v), want %q", tt.cell, got, err, tt.raw)
		}
	}
}

// exportRows yields n rows of typical list data.
func exportRows(n int) func(yield func([]any) bool) {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return func(yield func([]any) bool) {
		row := make([]any, 6)
		for i := range n {
			row[0] = fmt.Sprintf("3201021990%08d", i)
			row[1] = "居民" + fmt.Sprint(i)
			row[2] = i
			row[3] = float64(i) / 4
			row[4] = base.Add(time.Duration(i) * time.Hour)
			row[5] = "网格" + fmt.Sprint(i%17)
			if !yield(row) {
				return
			}
		}
	}
}

// exportTime is how Read shows the 登记时间 of row i of exportRows.
func exportTime(i int) string {
	return time.Date(2024, 1, 1, i, 0, 0, 0, time.UTC).Format(time.DateTime)
}

var exportHeaders = []string{"身份证号", "姓名", "序号", "面积", "登记时间", "网格"}

func TestExport100k(t *testing.T) {
	if testing.Short() {
		t.Skip("100k rows")
	}
	const n = 100_000
	path := filepath.Join(t.TempDir(), "big.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// Sample the heap while rows are produced: it must stay flat.
	var heap []uint64
	rows := func(yield func([]any) bool) {
		i := 0
		for r := range exportRows(n) {
			if i%20_000 == 0 {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				heap = append(heap, ms.HeapAlloc)
			}
			i++
			if !yield(r) {
				return
			}
		}
	}
	if err := Export(out, "居民", exportHeaders, rows); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	for _, h := range heap[1:] {
		if h > heap[1]+48<<20 {
			t.Errorf("heap grew from %d MiB to %d MiB while streaming", heap[1]>>20, h>>20)
		}
	}
	t.Logf("heap samples (MiB): %v", mib(heap))

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cols := []Column{
		{Key: "id", Header: "身份证号"}, {Key: "seq", Header: "序号"},
		{Key: "area", Header: "面积"}, {Key: "at", Header: "登记时间"},
	}
	got, err := Read(bytes.NewReader(data), cols, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("read %d rows, want %d", len(got), n)
	}
	tests := []struct {
		i                 int
		id, seq, area, at string
	}{
		{0, "320102199000000000", "0", "0", "2024-01-01"},
		{1, "320102199000000001", "1", "0.25", "2024-01-01 01:00:00"},
		{54_321, "320102199000054321", "54321", "13580.25", exportTime(54_321)},
		{n - 1, "320102199000099999", "99999", "24999.75", exportTime(n - 1)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint("row ", tt.i), func(t *testing.T) {
			r := got[tt.i]
			if r.Line != tt.i+2 {
				t.Errorf("line %d, want %d", r.Line, tt.i+2)
			}
			want := map[string]string{"id": tt.id, "seq": tt.seq, "area": tt.area, "at": tt.at}
			if fmt.Sprint(r.Values) != fmt.Sprint(want) {
				t.Errorf("got %v, want %v", r.Values, want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"2024-01-05", "2024-01-05 00:00:00", true},
		{"2024/1/5", "2024-01-05 00:00:00", true},
		{"2024.1.5", "2024-01-05 00:00:00", true},
		{"2024年1月5日", "2024-01-05 00:00:00", true},
		{"２０２４年１月５日", "2024-01-05 00:00:00", true},
		{"20240105", "2024-01-05 00:00:00", true},
		{"2024-01-05 08:30", "2024-01-05 08:30:00", true},
		{"2024-01-05 08:30:15", "2024-01-05 08:30:15", true},
		{"2024-02-30", "", false},
		{"1/5/2024", "", false},
		{"明天", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in, time.UTC)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && got.Format(time.DateTime) != tt.want {
				t.Errorf("got %s, want %s", got.Format(time.DateTime), tt.want)
			}
		})
	}
}

func BenchmarkExport100k(b *testing.B) {
	const n = 100_000
	rows := 0
	for b.Loop() {
		if err := Export(discard{}, "居民", exportHeaders, exportRows(n)); err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func keys[V any](m map[string]V) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	return k
}

func mib(xs []uint64) []uint64 {
	out := make([]uint64, len(xs))
	for i, x := range xs {
		out[i] = x >> 20
	}
	return out
}
