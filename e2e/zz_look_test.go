package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

func TestZZLook(t *testing.T) {
	requireBrowser(t)
	srv := sqliteServer(t)
	b := newBrowser(t, srv.Base)
	b.login("gt-purchaser")
	b.open("/calendar")
	b.shot("calendar")
	b.do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.open("/calendar")
	b.shot("calendar-phone")
	b.open("/contracts")
	b.shot("contracts-phone")
}
