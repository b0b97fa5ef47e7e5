// 12345 hotline work orders imported from Excel (docs/events.md): every row or none, each work
// order once, each problem by line and column.

package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/store/storetest/demodb"
)

func hotlineSheet(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	all := append([][]any{{"工单编号", "事件类别", "社区", "地址", "诉求标题", "诉求内容", "来电人", "联系电话"}}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func importSheet(t *testing.T, e *env, tok string, sheet []byte) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "12345.xlsx")
	fw.Write(sheet)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/events/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return res.StatusCode, out
}

func TestHotlineImport(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	tok := e.token("zs-community")
	count := func() int {
		var n int
		if err := e.app.DB.Q().QueryRow(t.Context(), `SELECT COUNT(*) FROM events WHERE source = 'hotline'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	good := [][]any{
		{"H2026120701", "环境卫生", "中山社区", "中山路 8 号", "楼下垃圾无人清运", "已三天", "李先生", "13900001111"},
		{"H2026120702", "市政设施", "320116004001", "", "井盖松动", "", "", ""},
	}
	if st, out := importSheet(t, e, tok, hotlineSheet(t, good)); st != 200 || out["imported"] != float64(2) {
		t.Fatalf("import: %d %v", st, out)
	}
	if count() != before+2 {
		t.Fatalf("%d hotline events, want %d", count(), before+2)
	}
	// again: every order was imported before; with an unknown community and a category not in
	// the list, the problems come back by row and nothing is written
	bad := append(good, []any{"H2026120703", "不存在的类别", "火星社区", "", "标题", "", "", ""})
	st, out := importSheet(t, e, tok, hotlineSheet(t, bad))
	if st != 422 {
		t.Fatalf("import again: %d %v", st, out)
	}
	fields := out["error"].(map[string]any)["fields"].(map[string]any)
	for _, k := range []string{"row 2 order", "row 3 order", "row 4 category", "row 4 community"} {
		if fields[k] == nil {
			t.Errorf("no problem %s in %v", k, fields)
		}
	}
	if count() != before+2 {
		t.Fatalf("a refused import wrote %d events", count()-before-2)
	}
	// a resident may not import
	if st, _ := importSheet(t, e, e.token("zs-resident"), hotlineSheet(t, good)); st != 403 {
		t.Fatalf("resident import: %d", st)
	}
}
