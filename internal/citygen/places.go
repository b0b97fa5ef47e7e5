// The fixed facts of the generated city: 舟山市 (330900) with its four real districts and
// counties and their real streets, towns and townships. Street and community codes are numbered
// in order (plausible, not the official ones); community names are composed from place words of
// the islands.

package citygen

import (
	"fmt"
	"strings"
)

// Codes of the generated city.
const (
	ProvinceCode = "330000000000"
	CityCode     = "330900000000"
)

type districtSpec struct {
	code, name string // 12-digit code
	area       string // 6-digit area code of ID numbers and credit codes
	streets    []string
}

// districts lists 舟山市's districts and counties with their streets (街道), towns (镇) and
// townships (乡): 36 in all.
var districts = []districtSpec{
	{"330902000000", "定海区", "330902", strings.Fields(`解放街道 昌国街道 环南街道 城东街道 盐仓街道 临城街道 岑港街道 马岙街道 双桥街道 小沙街道 金塘镇 白泉镇`)},
	{"330903000000", "普陀区", "330903", strings.Fields(`沈家门街道 东港街道 朱家尖街道 展茅街道 六横镇 桃花镇 虾峙镇 东极镇 普陀山镇 登步乡`)},
	{"330921000000", "岱山县", "330921", strings.Fields(`高亭镇 东沙镇 岱西镇 岱东镇 衢山镇 长涂镇 秀山乡`)},
	{"330922000000", "嵊泗县", "330922", strings.Fields(`菜园镇 嵊山镇 洋山镇 五龙乡 黄龙乡 枸杞乡 花鸟乡`)},
}

// Words community and estate names are made of.
var (
	placeWords = strings.Fields(`海 港 湾 岙 山 桥 塘 浦 滨 澜 舟 城 东 南 西 北 新 和 平 安 兴 盛 昌 隆 福 金 银 沙 礁 岛
		渔 帆 潮 定 普 岱 泗 蓬 莱 青 碧 云 月 星 晨 阳 春 秋 翠 竹 松 柏 梅 兰 荷 芦 花 鸟 龙 凤 鹤 德 仁 义 礼 文 华 光 明 泉`)
	estateSuffix = strings.Fields(`小区 花园 新村 公寓 家园 苑 雅苑 景苑 名苑 嘉园`)
	roadSuffix   = strings.Fields(`路 路 路 街 大道 弄`)
)

// isTown reports whether a street is a town or township, whose communities are mostly villages.
func isTown(street string) bool {
	return strings.HasSuffix(street, "镇") || strings.HasSuffix(street, "乡")
}

// twoWords returns a two-character name not yet in used.
func (c *city) twoWords(used map[string]bool) string {
	for i := 0; ; i++ {
		s := placeWords[c.r.IntN(len(placeWords))] + placeWords[c.r.IntN(len(placeWords))]
		if i > 200 {
			s += fmt.Sprint(i)
		}
		if !used[s] && []rune(s)[0] != []rune(s)[1] {
			used[s] = true
			return s
		}
	}
}
