package e2e

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/web"
)

// TestProvinceFundingReport (issue 11, done when): the demo's province-level purchaser, 江苏省民政厅,
// signs in and sees the funding report rolled up over the places below it — its own contracts,
// then 南京市, 六合区 and 葛塘街道 with their subtotals, and the total of each level — on a desktop
// and on a phone; a place's name opens that place's own report; the street's purchaser sees
// nothing of the province's.
func TestProvinceFundingReport(t *testing.T) {
	requireBrowser(t)
	s := sqliteServer(t)
	ctx := context.Background()
	// what the report must show, from the signed contracts each purchaser sees
	year := s.App.Now().In(gongzhi.ChinaTime).Year()
	type sum struct {
		n      int
		amount gongzhi.Money
	}
	own, below := map[string]sum{}, map[string]sum{}
	var total sum
	prov := serviceActor(t, s.App, demo.ProvincePurchaser)
	if _, err := s.App.Contracts(ctx, prov, store.ListOptions{}, func(c *gongzhi.Contract) error {
		if c.State != "signed" || c.FiscalYear != year {
			return nil
		}
		o := own[c.PlaceCode]
		own[c.PlaceCode] = sum{o.n + 1, o.amount + c.Amount}
		for lvl := gongzhi.LevelProvince; lvl <= gongzhi.LevelOfCode(c.PlaceCode); lvl++ {
			code := gongzhi.AncestorCode(c.PlaceCode, lvl)
			b := below[code]
			below[code] = sum{b.n + 1, b.amount + c.Amount}
		}
		total = sum{total.n + 1, total.amount + c.Amount}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if own[demo.ProvinceCode].n == 0 || own[demo.StreetCode].n == 0 {
		t.Fatalf("the demo has no signed contracts of %d at both the province and the street: %+v", year, own)
	}
	if below[demo.ProvinceCode] != total || below[demo.CityCode] != below[demo.DistrictCode] {
		t.Fatalf("the demo's contracts do not add up: %+v", below)
	}

	b := newBrowser(t, s.Base)
	b.login(demo.ProvincePurchaser)
	b.menu("/reports", "统计报表")
	if p := b.path(); p != "/reports" {
		b.fatal("the menu's report link leads to %s", p)
	}
	if h := b.text("main h1"); !strings.Contains(h, "江苏省") {
		b.fatal("the report does not say it covers the province: %q", h)
	}
	// the year's total covers every contract below the province
	yearHead := b.text("main h3")
	if want := strconv.Itoa(year) + " · " + web.OffYuan(total.amount); !strings.HasPrefix(yearHead, want) {
		b.fatal("the year's heading %q, want it to start with %q", yearHead, want)
	}
	// by place: the province first, then each place below with its own and its subtotal
	rows := eval[[][]string](b, `[...document.querySelector("table.report-places").tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText.trim()))`)
	wantRows := []struct {
		code, name, level string
	}{
		{demo.ProvinceCode, "江苏省", "省级"},
		{demo.CityCode, "南京市", "市级"},
		{demo.DistrictCode, "六合区", "区级"},
		{demo.StreetCode, "葛塘街道", "街道"},
	}
	if len(rows) != len(wantRows) {
		b.fatal("the roll-up by place has %d rows, want %d: %v", len(rows), len(wantRows), rows)
	}
	for i, w := range wantRows {
		o, sub := own[w.code], below[w.code]
		want := []string{w.name, w.level, strconv.Itoa(o.n), web.OffYuan(o.amount), strconv.Itoa(sub.n), web.OffYuan(sub.amount)}
		if strings.Join(rows[i], "|") != strings.Join(want, "|") {
			t.Errorf("roll-up row %d: %q, want %q", i, rows[i], want)
		}
	}
	// by level: the province's own and the street's, with shares
	levels := eval[[][]string](b, `[...document.querySelector("table.report-levels").tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText.trim()))`)
	if len(levels) != 2 || levels[0][0] != "省级" || levels[0][2] != web.OffYuan(own[demo.ProvinceCode].amount) ||
		levels[1][0] != "街道" || levels[1][2] != web.OffYuan(own[demo.StreetCode].amount) {
		t.Errorf("the roll-up by level: %q", levels)
	}
	b.shot("province-desktop")

	// the roll-up by place as Excel: the same lines, amounts as numbers of yuan
	st, hdr, body := b.get(b.client(), "/reports/funding-by-place.xlsx")
	if st != http.StatusOK || !strings.Contains(hdr.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("the roll-up's Excel export: status %d, type %q", st, hdr.Get("Content-Type"))
	}
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := book.GetRows(book.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet) != 1+len(wantRows) {
		t.Fatalf("the roll-up's Excel export has %d rows: %q", len(sheet), sheet)
	}
	for i, w := range wantRows {
		row, o, sub := sheet[i+1], own[w.code], below[w.code]
		if len(row) < 8 || row[1] != w.name || row[2] != w.code || row[4] != strconv.Itoa(o.n) || row[6] != strconv.Itoa(sub.n) {
			t.Errorf("the roll-up's Excel row %d: %q", i+1, row)
		}
	}

	// on a phone the same tables, without sideways scrolling
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	b.open("/reports")
	checkNoSidewaysScroll(t, b, "the province's funding report")
	b.shot("province-phone")
	b.do("back to a desktop", chromedp.EmulateViewport(1280, 900))

	// the street's name opens the street's own report: its contracts only
	if st := b.load("open 葛塘街道's report", chromedp.Click(chromedp.CSS(`table.report-places a[href*="place=`+demo.StreetCode+`"]`))); st != http.StatusOK {
		b.fatal("the street's report: status %d", st)
	}
	if h := b.text("main h1"); !strings.Contains(h, "葛塘街道") {
		b.fatal("the street's report heading: %q", h)
	}
	if yh, want := b.text("main h3"), strconv.Itoa(year)+" · "+web.OffYuan(own[demo.StreetCode].amount); !strings.HasPrefix(yh, want) {
		b.fatal("the street's year heading %q, want it to start with %q", yh, want)
	}
	if b.visible("table.report-places") {
		t.Errorf("the street's report rolls up places though only the street signed")
	}
	b.shot("street")

	// the street's purchaser sees its own street only, even when it asks for the province
	sb := newBrowser(t, s.Base)
	sb.login("gt-purchaser")
	sb.open("/reports?place=" + demo.ProvinceCode)
	if h := sb.text("main h1"); strings.Contains(h, "江苏省") || !strings.Contains(h, "葛塘街道") {
		t.Errorf("the street's purchaser asked for the province's report and got %q", h)
	}
	if yh, want := sb.text("main h3"), strconv.Itoa(year)+" · "+web.OffYuan(own[demo.StreetCode].amount); !strings.HasPrefix(yh, want) {
		t.Errorf("the street's purchaser's year heading %q, want it to start with %q", yh, want)
	}
}
