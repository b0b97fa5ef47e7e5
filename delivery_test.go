package gongzhi

import (
	"slices"
	"testing"
)

func TestFindPersonalData(t *testing.T) {
	for _, c := range []struct {
		text  string
		names []string
		want  []string
	}{
		{"本月开展小组活动12节，服务120人次。", nil, []string{}},
		{"服务对象身份证 11010519491231002X 已核实", nil, []string{"personal.id_number"}},
		{"编号 110105194912310021 不是有效身份证", nil, []string{}},
		{"联系电话13812345678", nil, []string{"personal.phone"}},
		{"座机 025-58001234 值班", nil, []string{"personal.phone"}},
		{"座机0580-2345678", nil, []string{"personal.phone"}}, // the shortest run of digits a pattern holds: seven
		{"编号 0580-234567", nil, []string{}},
		{"合同金额 13812345678901 分", nil, []string{}},
		{"王秀英老人反映送餐不及时", []string{"王秀英", "李", ""}, []string{"personal.name:王秀英"}},
	} {
		got := FindPersonalData(c.text, c.names...)
		if !slices.Equal(got, c.want) {
			t.Errorf("FindPersonalData(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
