// The results' charts: horizontal bars drawn as SVG on the server, so that they show without
// JavaScript, print, and fit a phone (the drawing scales to its box).

package votesweb

import (
	"fmt"
	"html/template"
	"strings"
)

type bar struct {
	Label  string
	Value  int
	Chosen bool
}

// hbars draws one bar per option, its length its share of total, chosen ones in the accent
// colour. Labels are escaped.
func hbars(title string, bars []bar, total int) template.HTML {
	const w, rowH, labelW = 360, 34, 0
	h := rowH*len(bars) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="vote-bars" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, template.HTMLEscapeString(title))
	fmt.Fprintf(&b, `<title>%s</title>`, template.HTMLEscapeString(title))
	for i, x := range bars {
		y := 4 + i*rowH
		share := 0.0
		if total > 0 {
			share = float64(x.Value) / float64(total)
		}
		fill := "#9aa7b5"
		if x.Chosen {
			fill = "#c0392b"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#222">%s</text>`, labelW, y+11, template.HTMLEscapeString(x.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="12" fill="#eef1f4"/>`, labelW, y+15, w-70)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="12" fill="%s"/>`, labelW, y+15, share*float64(w-70), fill)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#222">%d（%.1f%%）</text>`, w-66, y+25, x.Value, share*100)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// progressBar draws a decision's progress.
func progressBar(pct int) template.HTML {
	return template.HTML(fmt.Sprintf(`<svg class="vote-progress" viewBox="0 0 300 14" role="img" aria-label="%d%%" xmlns="http://www.w3.org/2000/svg">`+
		`<rect width="300" height="14" fill="#eef1f4"/><rect width="%d" height="14" fill="#2e7d32"/></svg>`, pct, pct*3))
}
