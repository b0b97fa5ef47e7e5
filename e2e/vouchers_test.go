package e2e

// TestVoucherJourney is issue 12's "done when" for service vouchers, every step through the
// pages as people do it: the purchaser creates a scheme for elderly people living alone in 中山社区
// through the form and issues its vouchers; the resident (signed in on a phone) chooses a
// provider and takes a one-time PIN; the provider records the service in its ledger (台账) and
// redeems the voucher with the code and the PIN, linking that entry; the purchaser drafts,
// approves and pays the month's statement; the resident opens the receipt of the redemption on
// the public ledger and `gongzhi log verify` (the real command, against the test server's URL,
// with the receipt and the public key the page shows) accepts it, and refuses it with one byte
// changed. On SQLite, and on PostgreSQL too when GONGZHI_TEST_POSTGRES is set.

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/store/storetest/demodb"
)

func TestVoucherJourney(t *testing.T) {
	requireBrowser(t)
	gongzhiBin := buildGongzhi(t)
	t.Run("sqlite", func(t *testing.T) { voucherJourney(t, sqliteServer(t), gongzhiBin) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(storetest.EnvPostgres) == "" {
			t.Skip("SKIPPING the PostgreSQL journey: set " + storetest.EnvPostgres)
		}
		voucherJourney(t, startServer(t, demodb.Postgres(t)), gongzhiBin)
	})
}

// buildGongzhi builds the gongzhi command, as a user who checks a receipt has it.
func buildGongzhi(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gongzhi")
	out, err := exec.Command("go", "build", "-o", bin, "gongzhi/cmd/gongzhi").CombinedOutput()
	if err != nil {
		t.Fatalf("go build ./cmd/gongzhi: %v\n%s", err, out)
	}
	return bin
}

// runGongzhi runs the command with args outside any instance's configuration and returns its
// output and whether it succeeded.
func runGongzhi(t *testing.T, bin string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GONGZHI_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// dd is the value of the detail row labelled label on the page ("" when none).
func (b *browser) dd(label string) string {
	return eval[string](b, `(() => { for (const d of document.querySelectorAll("main dl.detail dt")) {
		if (d.innerText.trim() === `+jsString(label)+`) return d.nextElementSibling.innerText.trim(); } return ""; })()`)
}

// optionValue is the value of the first option of a select whose label contains text.
func (b *browser) optionValue(sel, text string) string {
	b.t.Helper()
	v := eval[string](b, `(() => { for (const o of document.querySelectorAll(`+jsString(sel+" option")+`)) {
		if (o.textContent.includes(`+jsString(text)+`)) return o.value; } return ""; })()`)
	if v == "" {
		b.fatal("%s offers no %q: %s", sel, text, b.mainText())
	}
	return v
}

func voucherJourney(t *testing.T, srv *server, bin string) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go srv.App.PubLog.Run(ctx, 200*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil))) // as the server does every second
	today := srv.App.Today()
	year := today[:4]
	const scheme = "中山社区独居老人助浴券"

	// the purchaser creates the scheme through the form and issues its vouchers
	p := newBrowser(t, srv.Base)
	p.login("gt-purchaser")
	p.menu("/vouchers", "服务券")
	p.do("fill in the scheme",
		chromedp.SendKeys(chromedp.ID("in-name"), scheme),
		chromedp.SetValue(chromedp.ID("in-budget_id"), p.optionValue("#in-budget_id", "居家养老服务券资金")),
		chromedp.SendKeys(chromedp.ID("in-face_value"), "30"),
		chromedp.SendKeys(chromedp.ID("in-per_person"), "1"),
		chromedp.SetValue(chromedp.ID("in-valid_from"), year+"-01-01"),
		chromedp.SetValue(chromedp.ID("in-valid_until"), year+"-12-31"),
		chromedp.SendKeys(chromedp.ID("in-min_age"), "60"),
	)
	p.check("eligibility, category and provider", "living_alone", "true", "target_groups", "elderly_alone", "communities", demo.ZhongshanCode,
		"categories", "elderly_home_care")
	p.check("admit 同心", "providers", eval[string](p, `(() => { for (const l of document.querySelectorAll("#in-providers label")) {
		if (l.innerText.includes("同心")) return l.querySelector("input").value; } return ""; })()`))
	p.shot("scheme-form")
	p.press("create the scheme", `form[action="/vouchers/schemes"] button[type="submit"]`, http.StatusOK)
	schemePath := p.path()
	if !strings.HasPrefix(schemePath, "/vouchers/schemes/") {
		p.fatal("after creating the scheme: at %s: %s", schemePath, p.mainText())
	}
	p.expect("the new scheme", "方案已创建", scheme, "独居", "中山社区")
	p.press("issue to everyone eligible", `form[action$="/issue"] button`, http.StatusOK)
	p.expect("the issued scheme", "服务券已发放")
	if n := p.dd("数量"); !regexp.MustCompile(`已发放 [1-9]\d* 张`).MatchString(n) {
		p.fatal("the scheme's counts after issuing: %q", n)
	}
	p.shot("scheme-issued")

	// the resident, on a phone, chooses 同心 and takes a PIN
	r := newBrowser(t, srv.Base)
	r.do("a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	r.login("zs-resident")
	r.menu("/vouchers", "服务券")
	voucherPath := r.followRow("open the new voucher", scheme, "/vouchers/")
	checkNoSidewaysScroll(t, r, voucherPath)
	r.do("choose 同心", chromedp.SetValue(chromedp.ID("in-org_id"), r.optionValue("#in-org_id", "同心")))
	r.press("choose the provider", `form[action$="/choose"] button`, http.StatusOK)
	r.expect("the voucher", "已选择服务机构", "同心")
	r.press("take a PIN", `form[action$="/pin"] button`, http.StatusOK)
	pin := r.text("#voucher-pin")
	serial := r.dd("券号")
	if !regexp.MustCompile(`^\d{6}$`).MatchString(pin) || len(strings.ReplaceAll(serial, "-", "")) != gongzhi.VoucherSerialLen {
		r.fatal("PIN %q, serial %q", pin, serial)
	}
	r.shot("pin")

	// the provider records the service in its ledger and redeems the voucher with the code and
	// the PIN, linking that entry
	v := newBrowser(t, srv.Base)
	v.login("gt-provider")
	v.menu("/vouchers", "服务券")
	v.press("record the service first", `main a[href="/ledger/new"]`, http.StatusOK)
	v.followRow("the contract", monthContract, "/ledger/new?contract=")
	const service = "助浴上门服务（服务券）"
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.ID("in-title"), service),
		chromedp.SetValue(chromedp.ID("in-held_on"), today),
		chromedp.SendKeys(chromedp.ID("in-counted"), "1"),
		chromedp.SendKeys(chromedp.ID("in-summary"), "凭服务券上门为独居老人助浴一次，约一小时。"),
	}
	for _, sel := range []string{`#in-target_groups input[value="elderly_alone"]`, `#in-communities input[value="` + demo.ZhongshanCode + `"]`} {
		if v.count(sel) > 0 && !eval[bool](v, `document.querySelector(`+jsString(sel)+`).checked`) {
			steps = append(steps, chromedp.Click(chromedp.CSS(sel)))
		}
	}
	v.do("fill in the service", steps...)
	v.press("save the service", `main form.grid-form button[type="submit"]`, http.StatusOK)
	if p := v.path(); !strings.HasPrefix(p, "/ledger/") || strings.HasPrefix(p, "/ledger/new") {
		v.fatal("after recording the service: at %s: %s", p, v.mainText())
	}
	v.menu("/vouchers", "服务券")
	v.do("type the code and the PIN, choose the entry",
		chromedp.SendKeys(chromedp.ID("in-serial"), strings.ToLower(serial)),
		chromedp.SendKeys(chromedp.ID("in-pin"), pin),
		chromedp.SetValue(chromedp.ID("in-entry_id"), v.optionValue("#in-entry_id", service)),
	)
	v.shot("redeem")
	v.press("redeem", `form[action="/vouchers/redeem"] button[type="submit"]`, http.StatusOK)
	if v.path() != voucherPath {
		v.fatal("after redeeming: at %s, want %s: %s", v.path(), voucherPath, v.mainText())
	}
	v.expect("the redeemed voucher", "服务券已核销", "已使用", service)
	v.shot("redeemed")

	// the purchaser drafts, approves and pays the month's statement
	p = newBrowser(t, srv.Base)
	p.relogin("gt-purchaser")
	if st := p.open(schemePath); st != http.StatusOK {
		p.fatal("the scheme: %d", st)
	}
	if m := p.value("#in-month"); m != gongzhi.MonthOf(srv.App.NowUTC()) {
		p.fatal("the statement's month is %q", m)
	}
	p.press("draft the month's statement", `form[action$="/statements"] button`, http.StatusOK)
	p.expect("the drafted statement", "结算单已生成", "同心", "待审核")
	p.press("approve it", `form[action$="/approve"] button`, http.StatusOK)
	p.expect("the approved statement", "结算单已审核", "已审核")
	if d := p.value(`form[action$="/pay"] input[name="paid_on"]`); d != today {
		p.fatal("the payment's date is %q", d)
	}
	p.press("pay it", `form[action$="/pay"] button`, http.StatusOK)
	p.expect("the paid statement", "已登记支付", "已支付 "+today)
	p.shot("paid")

	// the resident opens the receipt of the redemption and checks it with gongzhi log verify
	r = newBrowser(t, srv.Base)
	r.do("a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	r.relogin("zs-resident")
	if st := r.open(voucherPath); st != http.StatusOK {
		r.fatal("the voucher: %d", st)
	}
	r.expect("the spent voucher", "已结算", "公开账本回执", service)
	checkNoSidewaysScroll(t, r, voucherPath)
	r.shot("voucher-spent")
	links := eval[[]string](r, `Array.from(document.querySelectorAll("main dl.detail div")).filter(d => d.innerText.includes("查看回执")).map(d => d.innerText)`)
	if len(links) != 3 {
		r.fatal("the voucher's receipts: %v", links)
	}
	redeemed := eval[string](r, `(() => { for (const d of document.querySelectorAll("main dl.detail div")) {
		if (d.querySelector("dt").innerText.trim() === "使用" && d.querySelector("a")) return d.querySelector("a").getAttribute("href"); } return ""; })()`)
	// the receipt shows the record itself, whose type ("voucher.redeemed") is data, not a message
	// of the UI left untranslated; the page names the type in words besides
	for _, typ := range []string{"voucher.issued", "voucher.redeemed", "voucher.settled"} {
		r.untranslated[typ] = true
	}
	r.press("open the receipt of the redemption", `main a[href="`+redeemed+`"]`, http.StatusOK)
	r.expect("the receipt", "voucher.redeemed", "服务券使用")
	checkNoSidewaysScroll(t, r, redeemed)
	r.shot("receipt")
	vkey := regexp.MustCompile(`--vkey '([^']+)'`).FindStringSubmatch(r.text("main"))
	if vkey == nil {
		r.fatal("the receipt page does not show the public key: %s", r.mainText())
	}
	st, _, text := r.get(r.client(), redeemed+"?format=text")
	if st != http.StatusOK || !bytes.Contains(text, []byte(`"type":"voucher.redeemed"`)) {
		t.Fatalf("the receipt's text: %d %s", st, text)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "receipt.tlog-proof")
	if err := os.WriteFile(file, text, 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "checkpoint")
	out, ok := runGongzhi(t, bin, "log", "verify", "--vkey", vkey[1], "--state", state, "--receipt", file, srv.Base+"/log/")
	if !ok || !strings.Contains(out, "OK: the receipt proves record") || !strings.Contains(out, "voucher.redeemed") {
		t.Fatalf("gongzhi log verify refuses the receipt:\n%s", out)
	}
	t.Logf("gongzhi log verify:\n%s", out)
	// one byte changed: the amount of the record
	changed := bytes.Replace(text, []byte(`"amount_fen":3000`), []byte(`"amount_fen":3001`), 1)
	if bytes.Equal(changed, text) {
		t.Fatalf("the receipt holds no amount of 3000 fen: %s", text)
	}
	if err := os.WriteFile(file, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, ok := runGongzhi(t, bin, "log", "verify", "--vkey", vkey[1], "--state", state, "--receipt", file); ok || !strings.Contains(out, "RECEIPT INVALID") {
		t.Fatalf("gongzhi log verify accepts a changed receipt:\n%s", out)
	}
}
