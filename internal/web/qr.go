// QR codes drawn here as SVG (TOTP enrolment, vouchers, ledger receipts): nothing is fetched from
// elsewhere.

package web

import (
	"errors"
	"fmt"
	"html/template"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// QRSVG draws text as a QR code in SVG, width px wide (0: as wide as its box). Long texts (a
// ledger receipt) use the low error correction so that the code stays readable on a phone;
// others the medium one.
func QRSVG(text string, width int, long bool) (template.HTML, error) {
	level := qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium)
	if long {
		level = qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionLow)
	}
	qr, err := qrcode.NewWith(text, level)
	if err != nil {
		return "", err
	}
	sw := svgWriter{width: width}
	if err := qr.Save(&sw); err != nil {
		return "", err
	}
	if sw.b.Len() == 0 {
		return "", errors.New("qr: nothing drawn")
	}
	return template.HTML(sw.b.String()), nil
}

// svgWriter is a qrcode.Writer that draws the matrix as one SVG path (a rectangle per run of
// dark modules in a row), with a quiet zone of four modules.
type svgWriter struct {
	b     strings.Builder
	width int
}

func (sw *svgWriter) Write(m qrcode.Matrix) error {
	const quiet = 4
	bits := m.Bitmap()
	n := len(bits) + 2*quiet
	size := ""
	if sw.width > 0 {
		size = fmt.Sprintf(` width="%d" height="%d"`, sw.width, sw.width)
	}
	fmt.Fprintf(&sw.b, `<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d"%s role="img" aria-label="QR" shape-rendering="crispEdges">`, n, n, size)
	fmt.Fprintf(&sw.b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bits {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&sw.b, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
			x += run - 1
		}
	}
	sw.b.WriteString(`"/></svg>`)
	return nil
}

func (sw *svgWriter) Close() error { return nil }
