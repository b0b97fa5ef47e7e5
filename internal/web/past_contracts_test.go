package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongzhi"
	"gongzhi/internal/purchase"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// pastRow is one past contract written to a test sheet, by column key of
// purchase.PastContractColumns.
type pastRow map[string]string

// pastSheet writes rows under the template's Chinese headers, as an office fills it in.
func pastSheet(t *testing.T, rows []pastRow) []byte {
	t.Helper()
	cols := purchase.PastContractColumns()
	f := excelize.NewFile()
	defer f.Close()
	sh := "历史合同"
	f.SetSheetName("Sheet1", sh)
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue(sh, cell, c.Header)
	}
	for r, row := range rows {
		for i, c := range cols {
			v, ok := row[c.Key]
			if !ok {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			if c.Key == "fiscal_year" || c.Key == "amount" { // numbers as an office types them: number cells
				var n float64
				if _, err := fmt.Sscan(v, &n); err == nil {
					f.SetCellValue(sh, cell, n)
					continue
				}
			}
			f.SetCellValue(sh, cell, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPastContractsImportAndReport is issue 11's third "done when": an office imports 256 past
// contracts from an Excel file on its first day and reads the funding report for 2017 and 2018
// through the API, with counts, totals and shares; a bad row refuses the whole file with its row
// number, and nothing is written. The imported contracts are marked as imported, appear in the
// provider's history, and never become live contracts.
func TestPastContractsImportAndReport(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tok := e.token("gt-purchaser")

		// the street's providers, by credit code, and the catalog's first four categories
		var providers []*gongzhi.Organization
		_, err := e.app.Organizations(t.Context(), gongzhi.SystemActor("test"), store.ListOptions{}, func(o *gongzhi.Organization) error {
			if o.CreditCode != "" {
				providers = append(providers, o)
			}
			return nil
		})
		if err != nil || len(providers) < 3 {
			t.Fatalf("providers: %d, %v", len(providers), err)
		}
		cats, err := e.app.ServiceCategories(t.Context(), false)
		if err != nil || len(cats) < 4 {
			t.Fatalf("categories: %d, %v", len(cats), err)
		}
		communities := []string{"中山社区", "接待寺社区", "320116004007", "芳庭社区居委会"}
		contractsBefore := e.call(tok, "GET", "/api/v1/contracts", nil)
		pastBefore := offNum(e.call(tok, "GET", "/api/v1/past-contracts", nil).Body["total"]) // the demo's own, of recent years

		// 256 contracts: 2017 and 2018, four categories, amounts that differ
		type key struct {
			year int
			cat  string
		}
		wantN, wantAmount := map[key]int{}, map[key]int64{}
		yearAmount := map[int]int64{}
		var rows []pastRow
		for i := range 256 {
			year := 2017 + i%2
			cat := cats[(i/2)%4]
			amount := int64(50_000+(i*7919)%250_000)*100 + int64(i%100) // fen, with some cents
			o := providers[i%len(providers)]
			catCell := cat.Name
			if i%5 == 0 {
				catCell = cat.Code // by code too
			}
			state := "已完成"
			if i%17 == 0 {
				state = "已终止"
			}
			rows = append(rows, pastRow{"fiscal_year": fmt.Sprint(year), "category": catCell, "credit_code": o.CreditCode,
				"title": fmt.Sprintf("%d年第%d号购买服务项目", year, i+1), "amount": gongzhi.Money(amount).String(),
				"signed_on": fmt.Sprintf("%d-03-%02d", year, 1+i%28), "start_on": fmt.Sprintf("%d-04-01", year), "end_on": fmt.Sprintf("%d-12-31", year),
				"communities": communities[i%4] + "、" + communities[(i+1)%4], "state": state})
			k := key{year, cat.Code}
			wantN[k]++
			wantAmount[k] += amount
			yearAmount[year] += amount
		}

		// a bad row refuses the whole file: row 40 of the sheet (data row 39) has a bad amount,
		// row 101 an unknown provider; nothing is written
		bad := make([]pastRow, len(rows))
		for i, r := range rows {
			bad[i] = pastRow{}
			for k, v := range r {
				bad[i][k] = v
			}
		}
		bad[38]["amount"] = "十万"
		bad[99]["credit_code"] = validCredit("52320116MJ9999999")
		res := uploadFile(t, e, tok, "/api/v1/past-contracts/import", "past.xlsx", pastSheet(t, bad))
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad file: %d %s", res.Status, res.Raw)
		}
		problems, _ := res.Body["problems"].([]any)
		got := map[string]string{}
		for _, p := range problems {
			m := p.(map[string]any)
			got[fmt.Sprintf("%v %v", m["line"], m["field"])] = fmt.Sprint(m["code"])
		}
		if len(got) != 2 || got["40 amount"] != "money.format" || got["101 credit_code"] != "past.org_missing" {
			t.Fatalf("problems: %v (%s)", got, res.Raw)
		}
		if code, fields := errOf(res); code != gongzhi.EINVALID || fields["row 40 amount"].Code != "money.format" {
			t.Fatalf("error: %s %v", code, fields)
		}
		if r := e.call(tok, "GET", "/api/v1/past-contracts", nil); r.Status != 200 || offNum(r.Body["total"]) != pastBefore {
			t.Fatalf("a refused file wrote: %s", r.Raw)
		}
		if r := e.call(tok, "GET", "/api/v1/reports/funding?from=2017&to=2018", nil); r.Status != 200 || len(r.Body["years"].([]any)) != 0 {
			t.Fatalf("a refused file counts in the report: %s", r.Raw)
		}

		// the good file goes in whole
		good := pastSheet(t, rows)
		res = uploadFile(t, e, tok, "/api/v1/past-contracts/import", "past.xlsx", good)
		if res.Status != http.StatusOK || offNum(res.Body["imported"]) != 256 {
			t.Fatalf("import: %d %s", res.Status, res.Raw)
		}
		if n := offNum(e.call(tok, "GET", "/api/v1/past-contracts", nil).Body["total"]); n != pastBefore+256 {
			t.Fatalf("past contracts after the import: %d, want %d", n, pastBefore+256)
		}

		// the funding report for 2017 and 2018: counts, totals and shares
		rep := e.call(tok, "GET", "/api/v1/reports/funding?from=2017&to=2018&unit=wan", nil)
		if rep.Status != 200 || rep.Body["unit"] != "wan" || offNum(rep.Body["unit_fen"]) != 1_000_000 {
			t.Fatalf("report: %d %s", rep.Status, rep.Raw)
		}
		years := rep.Body["years"].([]any)
		if len(years) != 2 {
			t.Fatalf("report years: %s", rep.Raw)
		}
		for i, yv := range years {
			y := yv.(map[string]any)
			year := 2017 + i
			if offNum(y["year"]) != int64(year) || offNum(y["contracts"]) != 128 || offNum(y["imported"]) != 128 || offNum(y["amount"]) != yearAmount[year] {
				t.Fatalf("%d: %v, want 128 contracts, all imported, %d fen", year, y, yearAmount[year])
			}
			catsOut := y["categories"].([]any)
			if len(catsOut) != 4 {
				t.Fatalf("%d: %d categories", year, len(catsOut))
			}
			var shares int64
			prev := int64(-1)
			for _, cv := range catsOut {
				c := cv.(map[string]any)
				k := key{year, c["category_code"].(string)}
				n, amount, share := offNum(c["contracts"]), offNum(c["amount"]), offNum(c["share_bp"])
				if n != int64(wantN[k]) || offNum(c["imported"]) != n || amount != wantAmount[k] {
					t.Errorf("%d %s: %v, want %d contracts, %d fen", year, k.cat, c, wantN[k], wantAmount[k])
				}
				if exact := float64(amount) * 10000 / float64(yearAmount[year]); float64(share) < exact-1 || float64(share) > exact+1 {
					t.Errorf("%d %s: share %d bp, amount says %.2f", year, k.cat, share, exact)
				}
				if prev >= 0 && amount > prev {
					t.Errorf("%d: categories not largest first", year)
				}
				prev = amount
				shares += share
			}
			if shares != 10000 {
				t.Errorf("%d: shares add up to %d bp", year, shares)
			}
		}

		// the Excel export of the report writes numbers: amounts in 万元, shares as fractions
		if r := e.call(tok, "GET", "/api/v1/reports/funding.xlsx?from=2017&to=2018&unit=wan", nil); r.Status != 200 {
			t.Fatalf("export: %d", r.Status)
		} else {
			f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
			if err != nil {
				t.Fatal(err)
			}
			sh := f.GetSheetName(0)
			all, _ := f.GetRows(sh, excelize.Options{RawCellValue: true})
			var total2017 string
			for _, row := range all {
				if len(row) > 6 && row[0] == "2017" && row[2] == "" {
					total2017 = row[5]
				}
			}
			want := strconv.FormatFloat(float64(yearAmount[2017])/1_000_000, 'f', -1, 64)
			if total2017 != want {
				t.Errorf("2017 total in the export: %q, want the number %s", total2017, want)
			}
			if typ, _ := f.GetCellType(sh, "F2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("amount cell type %v, want a number", typ)
			}
			f.Close()
		}

		// imported twice: refused, every row already there
		res = uploadFile(t, e, tok, "/api/v1/past-contracts/import", "past.xlsx", good)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Raw), `"past.taken"`) {
			t.Fatalf("second import: %d %s", res.Status, res.Raw)
		}

		// marked as imported, in the provider's history, never live contracts
		list := e.call(tok, "GET", fmt.Sprintf("/api/v1/past-contracts?org=%d&per_page=200", providers[0].ID), nil)
		items := offItems(list)
		if list.Status != 200 || len(items) == 0 || items[0]["imported"] != true || offNum(items[0]["org_id"]) != providers[0].ID {
			t.Fatalf("provider's past contracts: %s", list.Raw)
		}
		if after := e.call(tok, "GET", "/api/v1/contracts", nil); offNum(after.Body["total"]) != offNum(contractsBefore.Body["total"]) {
			t.Fatalf("past contracts became live contracts: %v → %v", contractsBefore.Body["total"], after.Body["total"])
		}
		b := loginBrowser(t, e, "gt-purchaser")
		var local *gongzhi.Organization // a provider the street's registry shows
		for _, o := range providers {
			if strings.HasPrefix(o.PlaceCode, "320116004") {
				local = o
				break
			}
		}
		if local == nil {
			t.Fatal("no provider of the street")
		}
		page := offPage(t, b, "gt-purchaser", fmt.Sprintf("/organizations/%d", local.ID), 200)
		if !strings.Contains(page, "历史合同（导入）") || !strings.Contains(page, `class="mark-imported"`) {
			t.Error("the organization page shows no imported history")
		}
		page = offPage(t, b, "gt-purchaser", "/reports?from=2017&to=2018&unit=wan", 200)
		if !strings.Contains(page, "万元") || !strings.Contains(page, "其中 128 份为导入的历史合同") {
			t.Error("the report page shows neither 万元 nor the imported contracts")
		}
		offPage(t, b, "gt-purchaser", "/past-contracts", 200)
		offPage(t, b, "gt-purchaser", "/past-contracts/import", 200)
	})
}

// TestExportsWriteAmountsAsNumbers: the office's Excel exports of calls, contracts and budgets
// write amounts as numbers formatted #,##0.00, equal to the amounts the API gives (issue 11,
// item 14), so that a sheet adds them up.
func TestExportsWriteAmountsAsNumbers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demodb.SQLite(t))
	tok := e.token("gt-purchaser")
	for _, tt := range []struct {
		list, export, field string
		col                 int // 1-based column of the amount in the sheet
	}{
		{"/api/v1/contracts", "/api/v1/contracts.xlsx", "amount", 8},
		{"/api/v1/budgets", "/api/v1/budgets.xlsx", "amount", 7},
		{"/api/v1/calls", "/api/v1/calls.xlsx", "amount", 9},
	} {
		items := offItems(e.call(tok, "GET", tt.list+"?per_page=1", nil))
		if len(items) == 0 {
			t.Fatalf("%s: the demo has none", tt.list)
		}
		r := e.call(tok, "GET", tt.export, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d", tt.export, r.Status)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
		if err != nil {
			t.Fatal(err)
		}
		sh := f.GetSheetName(0)
		cell, _ := excelize.CoordinatesToCellName(tt.col, 2)
		raw, _ := f.GetCellValue(sh, cell, excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue(sh, cell)
		if typ, _ := f.GetCellType(sh, cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s %s: cell type %v, want a number", tt.export, cell, typ)
		}
		want := gongzhi.Money(offNum(items[0][tt.field]))
		if raw != strconv.FormatFloat(float64(want)/100, 'f', -1, 64) || shown != want.Format() {
			t.Errorf("%s %s: holds %q shown %q, want %v shown %s", tt.export, cell, raw, shown, float64(want)/100, want.Format())
		}
		f.Close()
	}
	// the roll-up by place: each place's own amount and subtotal, numbers in the unit asked for
	year := e.app.Now().In(gongzhi.ChinaTime).Year()
	rep := e.call(tok, "GET", fmt.Sprintf("/api/v1/reports/funding?from=%d&to=%d", year, year), nil)
	years, _ := rep.Body["years"].([]any)
	if len(years) != 1 {
		t.Fatalf("the demo's report of %d: %s", year, rep.Raw)
	}
	places, _ := years[0].(map[string]any)["places"].([]any)
	if len(places) == 0 {
		t.Fatalf("no places in the report: %s", rep.Raw)
	}
	first := places[0].(map[string]any)
	r := e.call(tok, "GET", fmt.Sprintf("/api/v1/reports/funding-by-place.xlsx?from=%d&to=%d&unit=wan", year, year), nil)
	f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
	if r.Status != 200 || err != nil {
		t.Fatalf("funding-by-place.xlsx: %d %v", r.Status, err)
	}
	defer f.Close()
	sh := f.GetSheetName(0)
	for cell, field := range map[string]string{"F2": "amount", "H2": "total_amount"} {
		raw, _ := f.GetCellValue(sh, cell, excelize.Options{RawCellValue: true})
		if want := strconv.FormatFloat(float64(offNum(first[field]))/1_000_000, 'f', -1, 64); raw != want {
			t.Errorf("funding-by-place.xlsx %s: %q, want the number %s (万元)", cell, raw, want)
		}
		if typ, _ := f.GetCellType(sh, cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("funding-by-place.xlsx %s: type %v, want a number", cell, typ)
		}
	}
	if head, _ := f.GetCellValue(sh, "F1"); !strings.Contains(head, "万元") {
		t.Errorf("funding-by-place.xlsx header %q names no 万元", head)
	}
}
