package e2e

// TestVoucherPagesLook opens every voucher page of the demo street as the purchaser, the
// provider, the resident and the community worker, on a 1280 px desktop and a 390 px phone: each
// answers 200 with its messages translated, nothing scrolls sideways on the phone, and
// GONGZHI_SCREENSHOTS keeps a picture of each.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/demo"
)

func TestVoucherPagesLook(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	ctx := context.Background()
	q := srv.App.DB.Q()
	id := func(query string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := q.QueryRow(ctx, query, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	scheme := id(`SELECT id FROM voucher_schemes WHERE name = ?`, demo.VoucherSchemeName)
	spent := id(`SELECT v.id FROM vouchers v JOIN users u ON u.person_id = v.person_id WHERE u.username = 'zs-resident' AND v.state = 'redeemed'`)
	unused := id(`SELECT MIN(v.id) FROM vouchers v JOIN users u ON u.person_id = v.person_id WHERE u.username = 'zs-resident' AND v.state = 'issued'`)
	receipt := id(`SELECT log_seq FROM voucher_redemptions WHERE voucher_id = ?`, spent)
	pages := map[string][]string{
		"gt-purchaser": {"/vouchers", fmt.Sprintf("/vouchers/schemes/%d", scheme), fmt.Sprintf("/vouchers/schemes/%d/edit", scheme), "/vouchers/report",
			"/vouchers/report?by=month", fmt.Sprintf("/vouchers/%d", spent), "/dashboard"},
		"gt-provider":  {"/vouchers", fmt.Sprintf("/vouchers/schemes/%d", scheme), fmt.Sprintf("/vouchers/%d", spent)},
		"zs-resident":  {"/vouchers", fmt.Sprintf("/vouchers/%d", spent), fmt.Sprintf("/vouchers/%d", unused), "/public/vouchers"},
		"zs-community": {"/vouchers", fmt.Sprintf("/vouchers/schemes/%d", scheme), fmt.Sprintf("/vouchers/%d", unused)},
	}
	// one browser for every few pages (a browser's steps share browserTimeout)
	signedIn := map[string]bool{}
	for _, who := range []string{"gt-purchaser", "gt-provider", "zs-resident", "zs-community"} {
		for _, phone := range []bool{false, true} {
			for part := range slices.Chunk(pages[who], 4) {
				t.Run(fmt.Sprintf("%s/phone=%v", who, phone), func(t *testing.T) {
					b := newBrowser(t, srv.Base)
					if phone {
						b.do("a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
					}
					if signedIn[who] {
						b.relogin(who)
					} else {
						b.login(who)
						signedIn[who] = true
					}
					for _, p := range part {
						if st := b.open(p); st != http.StatusOK {
							b.fatal("%s: %d", p, st)
						}
						name := strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(strings.Trim(p, "/"))
						if phone {
							checkNoSidewaysScroll(t, b, p)
							b.shot("phone-" + name)
						} else {
							b.shot("desktop-" + name)
						}
					}
				})
			}
		}
	}
	// community staff print the sheet of the resident's unused voucher, on a phone
	t.Run("zs-community/sheets", func(t *testing.T) {
		b := newBrowser(t, srv.Base)
		b.do("a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
		b.relogin("zs-community")
		b.open(fmt.Sprintf("/vouchers/schemes/%d", scheme))
		b.do("choose 中山社区", chromedp.SetValue(chromedp.ID("in-community"), demo.ZhongshanCode))
		b.press("print the sheets", `form[action$="/sheets"] button`, http.StatusOK)
		if n := b.count(".voucher-sheet"); n == 0 {
			b.fatal("no sheet")
		}
		checkNoSidewaysScroll(t, b, "sheets")
		b.shot("phone-sheets")
	})
	// the receipt of the demo resident's spent voucher, on a phone, as anyone
	b := newBrowser(t, srv.Base)
	b.do("a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
	b.untranslated["voucher.redeemed"] = true                // the record itself, shown as data
	if _, err := srv.App.PubLog.Integrate(ctx); err != nil { // as the server does every second
		t.Fatal(err)
	}
	if st := b.open(fmt.Sprintf("/public/ledger/receipts/%d", receipt)); st != http.StatusOK {
		b.fatal("receipt: %d", st)
	}
	checkNoSidewaysScroll(t, b, "receipt")
	b.shot("phone-receipt")
}
