// The maps: grid boundaries drawn as inline SVG, each grid shaded by its visit rate or by its
// open events and linking to its page. Nothing is loaded from elsewhere: no tiles, no script.

package gridworkweb

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/gridwork"
	"gongzhi/internal/web"
)

// shades are the fills of the visit-rate bands, from none visited to all, with the band's lower
// bound; a grid without households is grey.
var shades = []struct {
	min  float64
	fill string
}{{0, "#fde0dd"}, {0.25, "#fbb4b9"}, {0.5, "#c6dbef"}, {0.75, "#6baed6"}, {0.9, "#2171b5"}}

func shadeOf(r gongzhi.VisitRate) string {
	if r.Households == 0 {
		return "#e0e0e0"
	}
	fill := shades[0].fill
	for _, s := range shades {
		if r.Rate >= s.min {
			fill = s.fill
		}
	}
	return fill
}

// eventShades are the fills of the open-event bands (none, 1, 2–3, 4–5, 6 and more), with the
// band's lower bound.
var eventShades = []struct {
	min  int
	fill string
}{{0, "#edf8e9"}, {1, "#fee6ce"}, {2, "#fdae6b"}, {4, "#f16913"}, {6, "#a63603"}}

func eventShadeOf(n int) string {
	fill := eventShades[0].fill
	for _, s := range eventShades {
		if n >= s.min {
			fill = s.fill
		}
	}
	return fill
}

func pct(r gongzhi.VisitRate) string {
	return strconv.FormatFloat(math.Round(r.Rate*1000)/10, 'f', -1, 64) + "%"
}

// mapSVG draws the grids in an equirectangular projection scaled by the cosine of the middle
// latitude, 600 units wide, each grid a link to its page with its name, rate and open events as
// its title, shaded by its visit rate or, byEvents, by its open events.
func mapSVG(lang string, grids []gridwork.MapGrid, byEvents bool) template.HTML {
	if len(grids) == 0 {
		return ""
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, g := range grids {
		minX, minY = math.Min(minX, g.MinLng), math.Min(minY, g.MinLat)
		maxX, maxY = math.Max(maxX, g.MaxLng), math.Max(maxY, g.MaxLat)
	}
	k := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	w, h := (maxX-minX)*k, maxY-minY
	if w <= 0 || h <= 0 {
		return ""
	}
	// at most 600 wide and 450 high: a street's blocks fill the width, one grid's strip the height
	scale := math.Min(600/w, 450/h)
	width, height := w*scale, h*scale
	pt := func(p [2]float64) string {
		return strconv.FormatFloat((p[0]-minX)*k*scale, 'f', 1, 64) + "," + strconv.FormatFloat((maxY-p[1])*scale, 'f', 1, 64)
	}
	var b strings.Builder
	// the box is always 600 wide, the drawing centred in it, so that a narrow grid keeps its
	// proportions on a phone instead of being stretched to the width
	off := (600 - width) / 2
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="dash-svg" viewBox="%.0f -4 608 %.0f" width="100%%" role="img" aria-label="%s">`,
		-4-off, height+8, template.HTMLEscapeString(web.T(lang, "gridwork.map")))
	for _, g := range grids {
		var d strings.Builder
		for _, ring := range g.Rings {
			for i, p := range ring {
				if i == 0 {
					d.WriteString("M")
				} else {
					d.WriteString(" L")
				}
				d.WriteString(pt(p))
			}
			d.WriteString(" Z ")
		}
		title := g.GridName + " · " + web.T(lang, "gridwork.rate") + " " + pct(g.Rate)
		fill := shadeOf(g.Rate)
		if byEvents {
			title += " · " + web.T(lang, "gridwork.open_events:"+strconv.Itoa(g.OpenEvents))
			fill = eventShadeOf(g.OpenEvents)
		}
		fmt.Fprintf(&b, `<a href="/gridwork/grids/%d"><path d="%s" fill="%s" fill-rule="evenodd" stroke="#333" stroke-width="1"><title>%s</title></path>`,
			g.GridID, d.String(), fill, template.HTMLEscapeString(title))
		// the grid's name at the middle of its box
		cx, cy := pt([2]float64{(g.MinLng + g.MaxLng) / 2, (g.MinLat + g.MaxLat) / 2}), ""
		x, y, _ := strings.Cut(cx, ",")
		cy = y
		label := g.GridName
		if i := strings.LastIndex(label, "社区"); i > 0 && len(grids) > 1 {
			label = label[i+len("社区"):] // 第1网格: the community is the map's
		}
		if len(grids) > 12 {
			label = g.GridCode // a street's map: the number, the title says the rest
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="13" text-anchor="middle" fill="#111">%s</text></a>`, x, cy, template.HTMLEscapeString(label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// legendSVG is the key of the shades: of the visit rate or, byEvents, of the open events.
func legendSVG(lang string, byEvents bool) template.HTML {
	var b strings.Builder
	labels := []string{"0–25%", "25–50%", "50–75%", "75–90%", "≥ 90%"}
	fills := make([]string, 0, len(shades))
	for _, s := range shades {
		fills = append(fills, s.fill)
	}
	key := "gridwork.legend"
	if byEvents {
		labels, fills, key = []string{"0", "1", "2–3", "4–5", "≥ 6"}, fills[:0], "gridwork.legend_events"
		for _, s := range eventShades {
			fills = append(fills, s.fill)
		}
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="dash-svg" viewBox="0 0 360 44" width="100%%" role="img" aria-label="%s">`,
		template.HTMLEscapeString(web.T(lang, key)))
	for i, fill := range fills {
		fmt.Fprintf(&b, `<rect x="%d" y="0" width="70" height="16" fill="%s" stroke="#333" stroke-width="0.5"/><text x="%d" y="34" font-size="12" text-anchor="middle">%s</text>`,
			i*72, fill, i*72+35, labels[i])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
