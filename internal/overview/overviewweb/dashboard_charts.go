// Charts drawn by the server as inline SVG (no script, nothing from the internet), for the
// dashboards and the public pages: horizontal bars (overlaid series, an optional marker per
// bar), vertical bars, a heat-map grid and a line with an interval band. Every chart is a
// <figure> with an SVG that has a <title> and a <desc>, a legend in HTML, and the same figures
// as a table in a <details> beneath it, so a screen reader, a printout and a phone all get the
// numbers. Sizes are in SVG user units close to CSS pixels on a phone; a chart wider than a phone
// scrolls sideways rather than shrinking its text.

package overviewweb

import (
	_ "embed"
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

//go:embed fragments.tmpl
var fragmentsText string

// fragments are the charts' and the disclosure tables' templates (fragments.tmpl).
var fragments = template.Must(template.New("fragments").Parse(fragmentsText))

// renderFragment executes one of the fragments. What html/template writes is escaped as its
// context requires, so it is safe to insert into a page as it is.
func renderFragment(name string, data any) template.HTML {
	var b strings.Builder
	if err := fragments.ExecuteTemplate(&b, name, data); err != nil {
		// the fragments and their data are fixed at compile time: a failure is a programming error
		panic(fmt.Sprintf("overviewweb: fragment %s: %v", name, err))
	}
	return template.HTML(b.String())
}

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

// HTML renders the figure.
func (c *svgChart) HTML() template.HTML {
	if c == nil {
		return ""
	}
	return renderFragment("svg_figure", c)
}

// svgTD is one cell of a chart's table: the column's name (for narrow screens), the figure, and
// whether it is a number (every column but the first).
type svgTD struct {
	Label, Text string
	Num         bool
}

// TableRows are the rows of the chart's table.
func (c *svgChart) TableRows() [][]svgTD {
	out := make([][]svgTD, len(c.Rows))
	for i, r := range c.Rows {
		for j, v := range r {
			label := ""
			if j < len(c.Head) {
				label = c.Head[j]
			}
			out[i] = append(out[i], svgTD{Label: label, Text: v, Num: j > 0})
		}
	}
	return out
}

// svgFrame is an accessible SVG of W × H user units with its title and description.
type svgFrame struct {
	ID, Title, Desc string
	W, H            int
}

// svgRect, svgLine and svgText are shapes placed by the chart functions.
type svgRect struct {
	X, Y, W, H int
	Fill       string
}

type svgLine struct {
	X1, X2, Y1, Y2 int
	Stroke         string
}

type svgText struct {
	X, Y int
	Text string
}

// svgGridLine is a horizontal grid line with its label at the left.
type svgGridLine struct {
	svgLine
	TextX, TextY int
	Text         string
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

// svgHBarRow is one bar as drawn: its texts' baseline, the bars' top, the series' rectangles and
// the marker.
type svgHBarRow struct {
	Tip, Label, Note string
	TextY, BarY      int
	Bars             []svgRect
	Marker           *svgLine
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
	v := struct {
		Frame      svgFrame
		Size       int
		Ink, Muted string
		Rows       []svgHBarRow
	}{Frame: svgFrame{ID: id, Title: title, Desc: desc, W: w, H: rowH*len(bars) + 4}, Size: size, Ink: svgColInk, Muted: svgColMuted}
	for i, bar := range bars {
		y := i*rowH + 2
		noteW := svgTextWidth(bar.Note, 12)
		row := svgHBarRow{Tip: bar.Tip, Label: svgFit(bar.Label, size, w-noteW-10), Note: bar.Note, TextY: y + 14, BarY: y + 21}
		for j, val := range bar.Values {
			bw := svgScale(val, top, w)
			col := colors[min(j, len(colors)-1)]
			if bar.Alert && j == len(bar.Values)-1 {
				col = svgColBehind
			}
			if bw > 0 {
				row.Bars = append(row.Bars, svgRect{X: 0, Y: y + 21, W: bw, H: 16, Fill: col})
			}
		}
		if bar.Marker >= 0 {
			x := min(svgScale(bar.Marker, top, w), w-1)
			row.Marker = &svgLine{X1: x, X2: x, Y1: y + 17, Y2: y + 41, Stroke: svgColMarker}
		}
		v.Rows = append(v.Rows, row)
	}
	return renderFragment("svg_hbars", v)
}

func svgScale(v, top int64, w int) int {
	if top <= 0 || v <= 0 {
		return 0
	}
	return max(int(min(v, top)*int64(w)/top), 2)
}

// svgVBar is one vertical bar as drawn, with its label beneath.
type svgVBar struct {
	svgRect
	Label, Value string
	TextX, TextY int
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
	v := struct {
		Frame      svgFrame
		Ink, Muted string
		Grid       []svgGridLine
		Bars       []svgVBar
	}{Frame: svgFrame{ID: id, Title: title, Desc: desc, W: w, H: h}, Ink: svgColInk, Muted: svgColMuted}
	plotH := h - bottom - top
	for i := 0; i <= 2; i++ {
		y := top + plotH - plotH*i/2
		v.Grid = append(v.Grid, svgGridLine{svgLine: svgLine{X1: left, X2: w, Y1: y, Y2: y, Stroke: svgColGrid}, TextX: left - 4, TextY: y + 4,
			Text: format(hi * int64(i) / 2)})
	}
	n := max(len(labels), 1)
	slot := (w - left) / n
	bw := max(slot*6/10, 4)
	for i, l := range labels {
		x := left + i*slot + (slot-bw)/2
		val := int64(0)
		if i < len(values) {
			val = values[i]
		}
		bh := 0
		if val > 0 {
			bh = max(int(val*int64(plotH)/hi), 2)
		}
		v.Bars = append(v.Bars, svgVBar{svgRect: svgRect{X: x, Y: top + plotH - bh, W: bw, H: bh, Fill: color}, Label: l, Value: format(val),
			TextX: x + bw/2, TextY: h - 6})
	}
	return renderFragment("svg_vbars", v)
}

// svgCell is one cell of a heat-map grid.
type svgCell struct {
	Text  string
	Level int // 0 (empty) to 4 (most)
	Alert bool
	Tip   string
}

var svgHeatFills = []string{"#ffffff", "#d3f0e0", "#9fdcbc", "#5cbf8d", "#0f7b45"}

// svgHeatCell is one cell of the heat map as drawn.
type svgHeatCell struct {
	svgRect
	Stroke, Ink, Tip, Text string
	TextX, TextY           int
}

// svgHeatRow is one row of the heat map as drawn: its label and its cells.
type svgHeatRow struct {
	Label string
	TextY int
	Cells []svgHeatCell
}

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
	v := struct {
		Frame svgFrame
		Size  int
		Ink   string
		Cols  []svgText
		Rows  []svgHeatRow
	}{Frame: svgFrame{ID: id, Title: title, Desc: desc, W: w, H: h}, Size: size, Ink: svgColInk}
	for j, c := range cols {
		v.Cols = append(v.Cols, svgText{X: labelW + j*svgColW + svgColW/2, Text: svgFit(c, size+1, headH-10)})
	}
	for i, r := range rows {
		y := headH + i*rowH
		row := svgHeatRow{Label: svgFit(r, size, labelW-6), TextY: y + rowH/2 + 5}
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
			row.Cells = append(row.Cells, svgHeatCell{svgRect: svgRect{X: x + 1, Y: y + 1, W: svgColW - 2, H: rowH - 2, Fill: fill}, Stroke: stroke, Ink: ink,
				Tip: c.Tip, Text: c.Text, TextX: x + svgColW/2, TextY: y + rowH/2 + 5})
		}
		v.Rows = append(v.Rows, row)
	}
	return renderFragment("svg_heat", v), w
}

// svgPoint is one point of a line with its interval; Has is false where there is no figure.
type svgPoint struct {
	Has           bool
	Value, Lo, Hi int // basis points
	Tip           string
}

// svgRun is one run of consecutive points of a line as drawn: a lone point's interval as a
// rectangle, or the band and the line through the points, and the points themselves.
type svgRun struct {
	Lone       *svgRect
	Band, Line string
	Points     []svgDot
}

// svgDot is one point of a line, with its tooltip.
type svgDot struct {
	X, Y int
	Tip  string
}

// svgLineBand draws a line from 0 to 100% (values in basis points) with a shaded interval band,
// one point per label; gaps break the line and the band.
func svgLineBand(id, title, desc string, labels []string, pts []svgPoint) template.HTML {
	const w, h, left, bottom, top = 360, 200, 40, 22, 10
	plotH, plotW := h-bottom-top, w-left-10
	v := struct {
		Frame             svgFrame
		Ink, Muted, Color string
		Grid              []svgGridLine
		Runs              []svgRun
		Labels            []svgText
	}{Frame: svgFrame{ID: id, Title: title, Desc: desc, W: w, H: h}, Ink: svgColInk, Muted: svgColMuted, Color: svgColPaid}
	for _, pct := range []int{0, 50, 100} {
		y := top + plotH - plotH*pct/100
		v.Grid = append(v.Grid, svgGridLine{svgLine: svgLine{X1: left, X2: w, Y1: y, Y2: y, Stroke: svgColGrid}, TextX: left - 4, TextY: y + 4,
			Text: strconv.Itoa(pct) + "%"})
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
		var r svgRun
		if len(run) == 1 {
			i := run[0]
			r.Lone = &svgRect{X: xOf(i) - 4, Y: yOf(pts[i].Hi), W: 8, H: max(yOf(pts[i].Lo)-yOf(pts[i].Hi), 1), Fill: svgColPaid}
		} else {
			r.Band, r.Line = strings.Join(band, " "), strings.Join(line, " ")
		}
		for _, i := range run {
			r.Points = append(r.Points, svgDot{X: xOf(i), Y: yOf(pts[i].Value), Tip: pts[i].Tip})
		}
		v.Runs = append(v.Runs, r)
	}
	step := 1
	if n > 12 {
		step = (n + 11) / 12
	}
	for i, l := range labels {
		if i%step == 0 {
			v.Labels = append(v.Labels, svgText{X: xOf(i), Y: h - 6, Text: l})
		}
	}
	return renderFragment("svg_line", v)
}

// bpText shows basis points as a percentage with no decimals ("73%").
func svgPct(bp int) string { return strconv.Itoa((bp+50)/100) + "%" }
