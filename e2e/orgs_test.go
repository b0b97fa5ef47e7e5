package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// validCreditCode completes a 17-character prefix with its GB 32100-2015 check character.
func validCreditCode(t *testing.T, first17 string) string {
	t.Helper()
	c := gongzhi.CreditCodeCheck(first17)
	if c == 0 {
		t.Fatalf("bad credit code prefix %q", first17)
	}
	return first17 + string(c)
}

// wrongCheck replaces the check character with another character of the code's alphabet, so
// that only the check fails.
func wrongCheck(code string) string {
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	i := strings.IndexByte(charset, code[17])
	return code[:17] + string(charset[(i+1)%len(charset)])
}

// TestPurchaserRegistersOrganization: the street's purchaser registers a social organization
// through the form, is told beside the field that the credit code's check character is wrong
// (keeping what was typed), corrects it, finds the organization with the search box and exports
// the list to Excel.
func TestPurchaserRegistersOrganization(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	b := newBrowser(t, srv.Base)
	b.login("gt-purchaser")
	b.shot("01-home")

	const name = "葛塘街道邻里守望互助服务社"
	good := validCreditCode(t, "52320116MJ"+"A7K2D9Q")
	bad := wrongCheck(good)

	b.menu("/organizations", "社会组织")
	if h := b.text("main h1"); h != "社会组织" {
		t.Errorf("list heading %q, want 社会组织", h)
	}

	// 新建.
	if got := b.text(`main .tools a[href="/organizations/new"]`); got != "新建" {
		t.Errorf("the create button reads %q, want 新建", got)
	}
	if st := b.load("click 新建", chromedp.Click(chromedp.CSS(`main .tools a[href="/organizations/new"]`))); st != http.StatusOK {
		b.fatal("/organizations/new: status %d", st)
	}
	if p := b.path(); p != "/organizations/new" {
		b.fatal("新建 led to %s", p)
	}
	b.do("fill the form with a wrong credit code",
		chromedp.SendKeys(chromedp.ID("in-name"), name),
		chromedp.SendKeys(chromedp.ID("in-credit_code"), bad),
		chromedp.SetValue(chromedp.ID("in-type"), "community"),
		chromedp.SetValue(chromedp.ID("in-reg_state"), "registered"),
		chromedp.SetValue(chromedp.ID("in-origin"), "local"),
		chromedp.SetValue(chromedp.ID("in-place_code"), demo.StreetCode),
	)
	b.shot("02-form-filled")
	st := b.load("submit with a wrong credit code", chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)))
	b.shot("03-form-error")
	if st != http.StatusUnprocessableEntity {
		t.Errorf("submitting a wrong credit code: status %d, want 422", st)
	}
	if p := b.path(); p != "/organizations/new" {
		b.fatal("after the wrong credit code the browser is at %s, want the form again", p)
	}
	if msg := b.text("#field-credit_code p.field-error"); !strings.Contains(msg, "校验位错误") {
		t.Errorf("error beside the credit code reads %q, want 校验位错误…", msg)
	}
	if cls := eval[string](b, `document.getElementById("field-credit_code").className`); !strings.Contains(cls, "has-error") {
		t.Errorf("the credit code field is not marked as wrong: class %q", cls)
	}
	// the summary above the form counts the problems and names each field
	if box := b.text("main .error-box"); !strings.Contains(box, "有 1 处需要修改") || !strings.Contains(box, "统一社会信用代码：校验位错误") {
		t.Errorf("no summary naming the field above the form: %q", box)
	}
	if n := eval[int](b, `document.querySelectorAll("p.field-error").length`); n != 1 {
		t.Errorf("%d fields marked wrong, want only the credit code", n)
	}
	for sel, want := range map[string]string{
		"#in-name": name, "#in-credit_code": bad, "#in-type": "community", "#in-reg_state": "registered",
		"#in-origin": "local", "#in-place_code": demo.StreetCode,
	} {
		if got := b.value(sel); got != want {
			t.Errorf("after the error %s holds %q, want the typed %q", sel, got, want)
		}
	}
	if f := eval[string](b, `document.activeElement ? document.activeElement.id : ""`); f != "in-credit_code" {
		t.Logf("focus is on %q after the error (app.js focuses the first wrong field)", f)
	}

	// Correct the check character and save.
	b.do("correct the credit code",
		chromedp.Clear(chromedp.ID("in-credit_code")),
		chromedp.SendKeys(chromedp.ID("in-credit_code"), good),
	)
	st = b.load("submit the corrected form", chromedp.Click(chromedp.CSS(`main form.grid-form button[type="submit"]`)))
	b.shot("04-detail")
	detail := b.path()
	if st != http.StatusOK || !regexp.MustCompile(`^/organizations/[0-9]+$`).MatchString(detail) {
		b.fatal("after saving: status %d at %s, want 200 at /organizations/{id}", st, detail)
	}
	if h := b.text("main h1"); h != name {
		t.Errorf("detail page heading %q, want %q", h, name)
	}
	if flash := b.text("main .flash"); !strings.Contains(flash, "已保存") {
		t.Errorf("no confirmation after saving: %q", flash)
	}
	page := b.text("main")
	for _, want := range []string{good, "社区社会组织", "已登记", "本土", "葛塘街道"} {
		if !strings.Contains(page, want) {
			t.Errorf("detail page does not show %q", want)
		}
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(detail, "/organizations/"), 10, 64)
	stored, err := srv.App.DB.Q().GetOrganization(context.Background(), store.Scope{}, id)
	if err != nil {
		t.Fatalf("organization %d is not in the database: %v", id, err)
	}
	if stored.Name != name || stored.CreditCode != good || stored.PlaceCode != demo.StreetCode {
		t.Errorf("stored %q %q %q", stored.Name, stored.CreditCode, stored.PlaceCode)
	}

	// Back to the list, and search for it.
	b.menu("/organizations", "社会组织")
	st = b.load("search",
		chromedp.SendKeys(chromedp.CSS(`main form.filters input[name="q"]`), "邻里守望"),
		chromedp.Click(chromedp.CSS(`main form.filters button[type="submit"]`)),
	)
	b.shot("05-search")
	if st != http.StatusOK {
		b.fatal("search: status %d", st)
	}
	if q := b.value(`main form.filters input[name="q"]`); q != "邻里守望" {
		t.Errorf("the search box holds %q after searching", q)
	}
	if c := b.text("main p.count"); c != "共 1 条" {
		t.Errorf("count line %q, want 共 1 条", c)
	}
	rows := eval[[]string](b, `Array.from(document.querySelectorAll("main table tbody tr")).map(r => r.innerText)`)
	if len(rows) != 1 || !strings.Contains(rows[0], name) || !strings.Contains(rows[0], good) {
		t.Errorf("search result rows %q, want one row with %s %s", rows, name, good)
	}
	if href := eval[string](b, `(document.querySelector("main table tbody tr a") || {}).getAttribute("href")`); href != detail {
		t.Errorf("the row links to %q, want %q", href, detail)
	}

	// 导出 Excel: the link keeps the search; fetch it with the browser's session.
	if got := b.text("#export"); got != "导出 Excel" {
		t.Errorf("the export link reads %q, want 导出 Excel", got)
	}
	href := eval[string](b, `document.getElementById("export").href`) // absolute
	u, err := url.Parse(href)
	if err != nil {
		t.Fatalf("export href %q: %v", href, err)
	}
	if u.Path != "/organizations/export.xlsx" || u.Query().Get("q") != "邻里守望" {
		t.Errorf("export link %q does not export the searched list", href)
	}
	status, hdr, body := b.get(b.client(), u.RequestURI())
	if status != http.StatusOK {
		t.Fatalf("export: status %d: %.300s", status, body)
	}
	if ct := hdr.Get("Content-Type"); ct != xlsxType {
		t.Errorf("export Content-Type %q, want %s", ct, xlsxType)
	}
	if cd := hdr.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("export Content-Disposition %q", cd)
	}
	if dir := os.Getenv(envScreenshots); dir != "" {
		os.WriteFile(dir+"/"+t.Name()+"-export.xlsx", body, 0o644)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the export is not an Excel workbook: %v", err)
	}
	defer f.Close()
	var found, dataRows int
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatalf("sheet %s: %v", sheet, err)
		}
		t.Logf("sheet %q: %d rows; header %q", sheet, len(rows), first(rows))
		for i, r := range rows {
			if i == 0 {
				continue
			}
			dataRows++
			line := strings.Join(r, "|")
			if strings.Contains(line, name) && strings.Contains(line, good) {
				found++
			}
		}
	}
	if found != 1 {
		t.Errorf("the export has %d rows with %s and %s, want 1", found, name, good)
	}
	if dataRows != 1 {
		t.Errorf("the export of the searched list has %d data rows, want 1", dataRows)
	}
}

func first(rows [][]string) []string {
	if len(rows) == 0 {
		return nil
	}
	return rows[0]
}

// TestProviderCannotReachOtherProvider: a provider sees its own organization only; another
// provider's organization is "not found" in the UI and the API, exactly like an id that does
// not exist, and its name shows nowhere. It runs on PostgreSQL when GONGZHI_TEST_POSTGRES is
// set, so that the scope's SQL is checked there too.
func TestProviderCannotReachOtherProvider(t *testing.T) {
	requireBrowser(t)
	var srv *server
	if os.Getenv(storetest.EnvPostgres) != "" {
		srv = startServer(t, demodb.Postgres(t))
	} else {
		srv = sqliteServer(t)
	}
	ctx := context.Background()
	q := srv.App.DB.Q()
	orgOf := func(username string) *gongzhi.Organization {
		u, _, err := q.UserByUsername(ctx, username)
		if err != nil {
			t.Fatalf("user %s: %v", username, err)
		}
		if u.OrgID == 0 {
			t.Fatalf("%s has no organization", username)
		}
		o, err := q.GetOrganization(ctx, store.Scope{}, u.OrgID)
		if err != nil {
			t.Fatalf("organization of %s: %v", username, err)
		}
		return o
	}
	own, other := orgOf("gt-provider"), orgOf("gt-provider2")
	if own.ID == other.ID {
		t.Fatal("the two providers share an organization")
	}
	otherID := strconv.FormatInt(other.ID, 10)

	b := newBrowser(t, srv.Base)
	b.login("gt-provider")

	b.menu("/organizations", "社会组织")
	b.shot("01-own-list")
	rows := eval[[]string](b, `Array.from(document.querySelectorAll("main table tbody tr")).map(r => r.innerText)`)
	if len(rows) != 1 || !strings.Contains(rows[0], own.Name) {
		t.Errorf("gt-provider's list has rows %q, want exactly its own %s", rows, own.Name)
	}
	if c := b.text("main p.count"); c != "共 1 条" {
		t.Errorf("count line %q, want 共 1 条", c)
	}
	if n := eval[int](b, `document.querySelectorAll('main .tools a[href="/organizations/new"]').length`); n != 0 {
		t.Errorf("a provider is offered 新建 on the organization list")
	}
	if strings.Contains(b.html(), other.Name) {
		t.Errorf("the list page shows the other organization's name %s", other.Name)
	}

	for _, path := range []string{"/organizations/" + otherID, "/organizations/" + otherID + "/edit", "/organizations/999999"} {
		st := b.open(path)
		b.shot("02-" + strings.ReplaceAll(strings.TrimPrefix(path, "/organizations/"), "/", "-"))
		if st != http.StatusNotFound {
			t.Errorf("GET %s as gt-provider: status %d, want 404", path, st)
		}
		if title := b.title(); !strings.Contains(title, "记录不存在") {
			t.Errorf("GET %s: title %q, want the not-found page (记录不存在)", path, title)
		}
		if h := b.text("main h1"); !strings.Contains(h, "记录不存在") {
			t.Errorf("GET %s: heading %q, want 记录不存在", path, h)
		}
		html := b.html()
		for _, secret := range []string{other.Name, other.CreditCode, other.ContactPhone, other.Address} {
			if secret != "" && strings.Contains(html, secret) {
				t.Errorf("GET %s shows the other organization's %q", path, secret)
			}
		}
	}

	// The API with the browser's session cookie: the same 404 body as for an id that does not
	// exist, so a provider cannot even tell that the record is there.
	c := b.client()
	apiOther, hOther, bodyOther := b.get(c, "/api/v1/organizations/"+otherID)
	apiNone, _, bodyNone := b.get(c, "/api/v1/organizations/999999")
	apiOwn, _, bodyOwn := b.get(c, "/api/v1/organizations/"+strconv.FormatInt(own.ID, 10))
	if apiOwn != http.StatusOK || !strings.Contains(string(bodyOwn), own.Name) {
		t.Errorf("GET own organization through the API: %d %.200s", apiOwn, bodyOwn)
	}
	if apiOther != http.StatusNotFound {
		t.Errorf("GET /api/v1/organizations/%s: status %d, want 404: %.300s", otherID, apiOther, bodyOther)
	}
	if ct := hOther.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("API error Content-Type %q", ct)
	}
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(bodyOther, &e); err != nil || e.Error.Code != "not_found" || e.Error.Message == "" {
		t.Errorf("API error body %s: want {\"error\":{\"code\":\"not_found\",\"message\":…}} (%v)", bodyOther, err)
	}
	if apiOther != apiNone || !bytes.Equal(bodyOther, bodyNone) {
		t.Errorf("another provider's organization answers %d %s, an id that does not exist %d %s: they must be identical",
			apiOther, bodyOther, apiNone, bodyNone)
	}
	if bytes.Contains(bodyOther, []byte(other.Name)) {
		t.Errorf("the API error names the other organization")
	}
}
