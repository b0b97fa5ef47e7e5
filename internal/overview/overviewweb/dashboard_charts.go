// Charts drawn by the server as inline SVG (no script, nothing from the internet), for the
// dashboards and the public pages: horizontal bars (overlaid series, an optional marker per
// bar), vertical bars, a heat-map grid and a line with an interval band. Every chart is a
// <figure> with an SVG that has a <title> and a <desc>, a legend in HTML, and the same figures
// as a table in a <details> beneath it, so a screen reader, a printout and a phone all get the
// numbers. Sizes are in SVG user units close to CSS pixels on a phone; a chart wider than a phone
// scrolls sideways rather than shrinking its text.
package overviewweb

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// chartColors: the brand red for what needs attention, blues and greens for money and progress.
const (
	svgColBudget   = "#d9e2ec"
	svgColContract = "#7aa7e0"
	svgColPaid     = "#1f5fbf"
	svgColProgress = "#0f7b45"
	svgColBehind   = "#b42318"
	svgColMarker   = "#1f2933"
	svgColInk      = "#1f2933"
	svgColMuted    = "#616e7c"
	svgColGrid     = "#e4e7eb"
)

// chart is one figure: its SVG, its legend and its table.
type svgChart struct {
	ID       string
	Title    string
	Caption  string
	SVG      template.HTML
	Width    int // the SVG's width in user units; wider than a phone scrolls
	Legend   []svgLegend
	Head     []string
	Rows     [][]string
	TableTip string // the summary line of the table
}

type svgLegend struct {
	Color, Label string
	Line         bool // a marker line rather than a swatch
}

var svgEsc = template.HTMLEscapeString

// HTML renders the figure.
func (c *svgChart) HTML() template.HTML {
	if c == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="dash-fig" id="%s">`, svgEsc(c.ID))
	fmt.Fprintf(&b, `<figcaption class="dash-title">%s</figcaption>`, svgEsc(c.Title))
	if c.Width > 400 {
		fmt.Fprintf(&b, `<div class="dash-scroll">%s</div>`, c.SVG)
	} else {
		b.WriteString(string(c.SVG))
	}
	if len(c.Legend) > 0 {
		b.WriteString(`<ul class="dash-legend">`)
		for _, l := range c.Legend {
			mark := `<rect x="1" y="1" width="12" height="12" rx="2" fill="%s" stroke="#bcccdc"></rect>`
			if l.Line {
				mark = `<rect x="6" y="0" width="3" height="14" fill="%s"></rect>`
			}
			fmt.Fprintf(&b, `<li><svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">`+mark+`</svg>%s</li>`, svgEsc(l.Color), svgEsc(l.Label))
		}
		b.WriteString(`</ul>`)
	}
	if c.Caption != "" {
		fmt.Fprintf(&b, `<p class="dash-caption">%s</p>`, svgEsc(c.Caption))
	}
	if len(c.Rows) > 0 {
		fmt.Fprintf(&b, `<details class="dash-table"><summary>%s</summary><div class="table-wrap"><table><thead><tr>`, svgEsc(c.TableTip))
		for _, h := range c.Head {
			fmt.Fprintf(&b, `<th>%s</th>`, svgEsc(h))
		}
		b.WriteString(`</tr></thead><tbody>`)
		for _, r := range c.Rows {
			b.WriteString(`<tr>`)
			for i, v := range r {
				label := ""
				if i < len(c.Head) {
					label = c.Head[i]
				}
				cls := ""
				if i > 0 {
					cls = ` class="num"`
				}
				fmt.Fprintf(&b, `<td data-label="%s"%s>%s</td>`, svgEsc(label), cls, svgEsc(v))
			}
			b.WriteString(`</tr>`)
		}
		b.WriteString(`</tbody></table></div></details>`)
	}
	b.WriteString(`</figure>`)
	return template.HTML(b.String())
}

// svgOpen starts an accessible SVG of w × h user units.
func svgOpen(b *strings.Builder, id, title, desc string, w, h int) {
	fmt.Fprintf(b, `<svg class="dash-svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`,
		w, h, w, h, svgEsc(id), svgEsc(id))
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, svgEsc(id), svgEsc(title), svgEsc(id), svgEsc(desc))
}

// textWidth estimates the width of text at size: CJK characters are square, others about half.
func svgTextWidth(s string, size int) int {
	w := 0
	for _, r := range s {
		if r < 0x2E80 {
			w += size * 6 / 10
		} else {
			w += size
		}
	}
	return w
}

// fit shortens s with an ellipsis to at most width at size.
func svgFit(s string, size, width int) string {
	if svgTextWidth(s, size) <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 1 && svgTextWidth(string(rs)+"…", size) > width {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// svgBar is one bar of a horizontal bar chart: one value per series, drawn from zero and overlaid
// in order (so the largest, like a budget, comes first and the smallest, like what was paid,
// last), a note at the right, and an optional marker (such as the expected progress).
type svgBar struct {
	Label  string
	Note   string
	Values []int64
	Marker int64 // < 0: none
	Alert  bool  // drawn in the alert colour
	Tip    string
}

// svgHBars draws horizontal bars scaled to top (0: the largest value or marker).
func svgHBars(id, title, desc string, colors []string, bars []svgBar, top int64) template.HTML {
	const w, rowH, size = 360, 44, 13
	if top <= 0 {
		for _, bar := range bars {
			for _, v := range bar.Values {
				top = max(top, v)
			}
			top = max(top, bar.Marker)
		}
	}
	h := rowH*len(bars) + 4
	var b strings.Builder
	svgOpen(&b, id, title, desc, w, h)
	for i, bar := range bars {
		y := i*rowH + 2
		noteW := svgTextWidth(bar.Note, 12)
		fmt.Fprintf(&b, `<g><title>%s</title>`, svgEsc(bar.Tip))
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="%d" fill="%s">%s</text>`, y+14, size, svgColInk, svgEsc(svgFit(bar.Label, size, w-noteW-10)))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="%s" text-anchor="end">%s</text>`, w, y+14, svgColMuted, svgEsc(bar.Note))
		fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="16" rx="2" fill="#f0f4f8"></rect>`, y+21, w)
		for j, v := range bar.Values {
			bw := svgScale(v, top, w)
			col := colors[min(j, len(colors)-1)]
			if bar.Alert && j == len(bar.Values)-1 {
				col = svgColBehind
			}
			if bw > 0 {
				fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="16" rx="2" fill="%s"></rect>`, y+21, bw, col)
			}
		}
		if bar.Marker >= 0 {
			x := min(svgScale(bar.Marker, top, w), w-1)
			fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="2"></line>`, x, x, y+17, y+41, svgColMarker)
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func svgScale(v, top int64, w int) int {
	if top <= 0 || v <= 0 {
		return 0
	}
	return max(int(min(v, top)*int64(w)/top), 2)
}

// svgVBars draws one series of vertical bars, one per label, with three grid lines labelled by
// format.
func svgVBars(id, title, desc, color string, labels []string, values []int64, format func(int64) string) template.HTML {
	const w, h, left, bottom, top = 360, 200, 52, 22, 10
	var hi int64
	for _, v := range values {
		hi = max(hi, v)
	}
	if hi == 0 {
		hi = 1
	}
	var b strings.Builder
	svgOpen(&b, id, title, desc, w, h)
	plotH := h - bottom - top
	for i := 0; i <= 2; i++ {
		y := top + plotH - plotH*i/2
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s"></line>`, left, w, y, y, svgColGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s" text-anchor="end">%s</text>`, left-4, y+4, svgColMuted, svgEsc(format(hi*int64(i)/2)))
	}
	n := max(len(labels), 1)
	slot := (w - left) / n
	bw := max(slot*6/10, 4)
	for i, l := range labels {
		x := left + i*slot + (slot-bw)/2
		v := int64(0)
		if i < len(values) {
			v = values[i]
		}
		bh := 0
		if v > 0 {
			bh = max(int(v*int64(plotH)/hi), 2)
		}
		fmt.Fprintf(&b, `<g><title>%s：%s</title>`, svgEsc(l), svgEsc(format(v)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"></rect>`, x, top+plotH-bh, bw, bh, color)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s" text-anchor="middle">%s</text></g>`, x+bw/2, h-6, svgColInk, svgEsc(l))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// svgCell is one cell of a heat-map grid.
type svgCell struct {
	Text  string
	Level int // 0 (empty) to 4 (most)
	Alert bool
	Tip   string
}

var svgHeatFills = []string{"#ffffff", "#d3f0e0", "#9fdcbc", "#5cbf8d", "#0f7b45"}

// svgHeat draws a grid of rows × columns, column names written vertically so that Chinese names
// stay upright and legible.
func svgHeat(id, title, desc string, rows, cols []string, cells [][]svgCell) (template.HTML, int) {
	const rowH, svgColW, size = 28, 40, 13
	labelW := 40
	for _, r := range rows {
		labelW = max(labelW, min(svgTextWidth(r, size)+8, 140))
	}
	headH := 20
	for _, c := range cols {
		headH = max(headH, svgTextWidth(c, size+1)+10)
	}
	headH = min(headH, 150)
	w, h := labelW+svgColW*len(cols)+2, headH+rowH*len(rows)+2
	var b strings.Builder
	svgOpen(&b, id, title, desc, w, h)
	for j, c := range cols {
		x := labelW + j*svgColW + svgColW/2
		fmt.Fprintf(&b, `<text x="%d" y="4" font-size="%d" fill="%s" writing-mode="tb" dominant-baseline="middle">%s</text>`,
			x, size, svgColInk, svgEsc(svgFit(c, size+1, headH-10)))
	}
	for i, r := range rows {
		y := headH + i*rowH
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="%d" fill="%s">%s</text>`, y+rowH/2+5, size, svgColInk, svgEsc(svgFit(r, size, labelW-6)))
		for j := range cols {
			c := svgCell{}
			if i < len(cells) && j < len(cells[i]) {
				c = cells[i][j]
			}
			x := labelW + j*svgColW
			fill, stroke, ink := svgHeatFills[min(max(c.Level, 0), 4)], svgColGrid, svgColInk
			if c.Level >= 3 {
				ink = "#ffffff"
			}
			if c.Alert {
				fill, stroke, ink = "#fde8e8", svgColBehind, svgColBehind
			}
			fmt.Fprintf(&b, `<g><title>%s</title><rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="%s"></rect>`,
				svgEsc(c.Tip), x+1, y+1, svgColW-2, rowH-2, fill, stroke)
			if c.Text != "" {
				fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="%s" text-anchor="middle" font-weight="700">%s</text>`, x+svgColW/2, y+rowH/2+5, ink, svgEsc(c.Text))
			}
			b.WriteString(`</g>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), w
}

// svgPoint is one point of a line with its interval; Has is false where there is no figure.
type svgPoint struct {
	Has           bool
	Value, Lo, Hi int // basis points
	Tip           string
}

// svgLineBand draws a line from 0 to 100% (values in basis points) with a shaded interval band,
// one point per label; gaps break the line and the band.
func svgLineBand(id, title, desc string, labels []string, pts []svgPoint) template.HTML {
	const w, h, left, bottom, top = 360, 200, 40, 22, 10
	plotH, plotW := h-bottom-top, w-left-10
	var b strings.Builder
	svgOpen(&b, id, title, desc, w, h)
	for _, pct := range []int{0, 50, 100} {
		y := top + plotH - plotH*pct/100
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s"></line>`, left, w, y, y, svgColGrid)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s" text-anchor="end">%d%%</text>`, left-4, y+4, svgColMuted, pct)
	}
	n := max(len(labels), 1)
	xOf := func(i int) int {
		if n == 1 {
			return left + plotW/2
		}
		return left + 5 + i*(plotW-10)/(n-1)
	}
	yOf := func(bp int) int { return top + plotH - plotH*min(max(bp, 0), 10000)/10000 }
	// runs of consecutive points
	var runs [][]int
	var cur []int
	for i := range labels {
		if i < len(pts) && pts[i].Has {
			cur = append(cur, i)
			continue
		}
		if len(cur) > 0 {
			runs = append(runs, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	for _, run := range runs {
		var band, line []string
		for _, i := range run {
			band = append(band, fmt.Sprintf("%d,%d", xOf(i), yOf(pts[i].Hi)))
			line = append(line, fmt.Sprintf("%d,%d", xOf(i), yOf(pts[i].Value)))
		}
		for k := len(run) - 1; k >= 0; k-- {
			band = append(band, fmt.Sprintf("%d,%d", xOf(run[k]), yOf(pts[run[k]].Lo)))
		}
		if len(run) == 1 {
			i := run[0]
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="8" height="%d" fill="%s" opacity="0.25"></rect>`, xOf(i)-4, yOf(pts[i].Hi), max(yOf(pts[i].Lo)-yOf(pts[i].Hi), 1), svgColPaid)
		} else {
			fmt.Fprintf(&b, `<polygon points="%s" fill="%s" opacity="0.2"></polygon>`, strings.Join(band, " "), svgColPaid)
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"></polyline>`, strings.Join(line, " "), svgColPaid)
		}
		for _, i := range run {
			fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="3.5" fill="%s"><title>%s</title></circle>`, xOf(i), yOf(pts[i].Value), svgColPaid, svgEsc(pts[i].Tip))
		}
	}
	step := 1
	if n > 12 {
		step = (n + 11) / 12
	}
	for i, l := range labels {
		if i%step == 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s" text-anchor="middle">%s</text>`, xOf(i), h-6, svgColInk, svgEsc(l))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// bpText shows basis points as a percentage with no decimals ("73%").
func svgPct(bp int) string { return strconv.Itoa((bp+50)/100) + "%" }
