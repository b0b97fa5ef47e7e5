package overviewweb

// Tests of the chart helpers with figures the stubs of other parts do not produce yet:
// indicator progress with a contract behind schedule, and satisfaction with its interval.

import (
	"encoding/xml"
	"strings"
	"testing"

	"gongzhi"
)

// wellFormed parses an SVG as XML.
func svgWellFormed(t *testing.T, what, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("%s is not well-formed XML: %v\n%s", what, err, svg)
		}
	}
}

func TestChartProgressBehind(t *testing.T) {
	ch := dashProgressChart("zh-CN", []gongzhi.ContractStatus{
		{ContractID: 1, Title: "长者助餐", ElapsedBP: 6000, Indicators: 3, ProgressBP: 3000, Behind: true, Active: true},
		{ContractID: 2, Title: "四点半课堂", ElapsedBP: 6000, Indicators: 2, ProgressBP: 6500, Active: true},
		{ContractID: 3, Title: "没有台账的项目<&>", ElapsedBP: 1000, Active: true},
	})
	svg := string(ch.SVG)
	svgWellFormed(t, "progress", svg)
	for _, want := range []string{`<title id="chart-progress-t">指标进度</title>`, `fill="` + svgColBehind + `"`, `fill="` + svgColProgress + `"`, "完成 30% · 应达 60%",
		"没有台账的项目&lt;&amp;&gt;", `stroke="` + svgColMarker + `"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("progress chart lacks %s", want)
		}
	}
	// the marker of 60% sits at 60% of the width
	if !strings.Contains(svg, `x1="216" x2="216"`) {
		t.Errorf("marker not at 60%%: %s", svg)
	}
	html := string(ch.HTML())
	for _, want := range []string{"<table>", "滞后", "正常", "暂无台账数据"} {
		if !strings.Contains(html, want) {
			t.Errorf("progress table lacks %s", want)
		}
	}
}

func TestChartSatisfactionBand(t *testing.T) {
	ch := dashSatisfactionChart("zh-CN", 2026, []gongzhi.SatisfactionPoint{
		{Month: "2026-03", Responses: 80, Satisfied: 70, RateBP: 8750, LowBP: 8000, HighBP: 9300},
		{Month: "2026-04", Responses: 90, Satisfied: 81, RateBP: 9000, LowBP: 8400, HighBP: 9500},
		{Month: "2026-06", Responses: 40, Satisfied: 30, RateBP: 7500, LowBP: 6200, HighBP: 8600},
	})
	svg := string(ch.SVG)
	svgWellFormed(t, "satisfaction", svg)
	if strings.Count(svg, "<polygon") != 1 || strings.Count(svg, "<polyline") != 1 || strings.Count(svg, "<circle") != 3 {
		t.Errorf("want one band and one line for March–April and a lone point for June: %s", svg)
	}
	if !strings.Contains(svg, "2026-06：75%（62%–86%，样本 40）") {
		t.Errorf("the June point has no tooltip: %s", svg)
	}
	if len(ch.Rows) != 3 || ch.Rows[0][2] != "80%–93%" {
		t.Errorf("table rows: %v", ch.Rows)
	}
}

func TestChartsWellFormed(t *testing.T) {
	heat, w := svgHeat("h", "覆盖", "说明", []string{"中山社区居委会", "长城社区村委会"}, []string{"独居老人", "留守儿童"},
		[][]svgCell{{{Text: "2", Level: 2, Tip: "a"}, {Text: "缺", Alert: true, Tip: "b"}}, {{}, {Text: "1", Level: 1}}})
	svgWellFormed(t, "heat", string(heat))
	if w < 150 || !strings.Contains(string(heat), `writing-mode="tb"`) {
		t.Errorf("heat grid: width %d", w)
	}
	svgWellFormed(t, "vbar", string(svgVBars("v", "每月", "说明", svgColPaid, []string{"1", "2", "3"}, []int64{0, 500, 1000}, func(v int64) string { return "x" })))
	svgWellFormed(t, "svgBar", string(svgHBars("b", "钱", "说明", []string{svgColContract, svgColPaid}, []svgBar{{Label: "类别", Values: []int64{100, 50}, Marker: -1}}, 0)))
	svgWellFormed(t, "empty line", string(svgLineBand("l", "满意度", "说明", []string{"1", "2"}, nil)))
	if got := svgFit("南京市六合区同心社会工作服务中心", 13, 80); !strings.HasSuffix(got, "…") || svgTextWidth(got, 13) > 80 {
		t.Errorf("fit: %q", got)
	}
}
