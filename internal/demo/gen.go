// Generators of plausible demo values: Chinese names by generation and gender, phone numbers,
// birth dates, citizen ID numbers (GB 11643, area 320116, check digit from gongzhi.IDNumberCheck)
// and unified social credit codes (GB 32100, with the GB 11714 organization code inside them and
// the check character from gongzhi.CreditCodeCheck). Everything draws from one seeded PCG source,
// so a seed always yields the same street.

package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"gongzhi"
)

// refYear is the year the demo street "lives in": ages, and so target groups, are computed
// against it rather than against the clock, so that a seed always gives the same data.
const refYear = 2026

// Birth years allowed for generated residents.
const (
	minBirthYear = 1935
	maxBirthYear = 2018
)

// gen holds the random source and the values already handed out that must stay unique.
type gen struct {
	r       *rand.Rand
	ids     map[string]bool // ID numbers
	credits map[string]bool // credit codes
	phones  map[string]bool
}

func newGen(seed int64) *gen {
	return &gen{
		r:       rand.New(rand.NewPCG(uint64(seed), 0x676f6e677a6869)), // "gongzhi"
		ids:     map[string]bool{},
		credits: map[string]bool{},
		phones:  map[string]bool{},
	}
}

// intn returns a number in [lo, hi].
func (g *gen) intn(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// Surnames common around Nanjing, the most frequent listed more than once.
var surnames = strings.Fields(`王 王 王 张 张 张 陈 陈 陈 李 李 刘 刘 朱 朱 徐 徐 周 周 吴 吴 孙 孙 杨 杨
	沈 胡 黄 丁 许 蒋 陆 葛 马 高 赵 钱 顾 戴 夏 汪 孔 唐 韩 姚 邵 曹 潘 袁 陶 冯 范 魏 卞 卢 程 仇 郭 宋 殷 方 翟 季 尹 谢 仲 邢`)

// Given names by the decade people were born in: names follow fashions closely enough that a
// 秀英 born in 2015 or a 子轩 born in 1940 would look wrong on a demo screen.
var givenNames = map[string][2][]string{ // era → {male, female}
	"old": {
		strings.Fields(`德宝 长富 国华 福林 有才 金生 树林 永庆 广发 志高 宝山 春生 根宝 炳南 玉堂 德顺 家富 友林 正祥 桂林`),
		strings.Fields(`秀英 桂英 玉兰 凤英 桂兰 秀兰 素珍 玉珍 兰英 翠英 金凤 桂芳 淑贞 月娥 巧云 银凤 秀珍 玉英 凤兰 招娣`),
	},
	"mid": {
		strings.Fields(`建国 建华 国强 卫东 红兵 建军 志刚 立新 振华 永红 学军 海林 明华 跃进 新民 国平 建平 爱民 文革 卫国`),
		strings.Fields(`红梅 秀芳 丽华 建英 卫红 春兰 美华 金花 小红 玉梅 爱华 淑芬 桂香 晓燕 海燕 红英 丽萍 秀琴 建芳 志英`),
	},
	"young": {
		strings.Fields(`伟 磊 军 勇 涛 斌 鹏 超 杰 俊杰 海峰 晓东 志强 文斌 宏伟 亮 刚 健 飞 俊`),
		strings.Fields(`静 丽 敏 婷 燕 芳 娟 晶晶 丹丹 雪梅 晓琳 倩 慧 莉莉 佳 婷婷 艳 琳 蕾 霞`),
	},
	"new": {
		strings.Fields(`子轩 浩然 宇航 梓豪 俊熙 一鸣 睿 子墨 晨阳 浩宇 思远 博文 皓轩 铭泽 天佑 嘉懿 宇泽 奕辰 明轩 俊宇`),
		strings.Fields(`欣怡 梓涵 雨桐 可馨 思琪 诗涵 一诺 语嫣 若汐 梦瑶 子涵 佳怡 雨萱 紫萱 沐晴 安琪 欣妍 诗雨 梓萱 书瑶`),
	},
}

func era(birthYear int) string {
	switch {
	case birthYear < 1956:
		return "old"
	case birthYear < 1976:
		return "mid"
	case birthYear < 1996:
		return "young"
	}
	return "new"
}

// given returns a given name fitting the birth year and gender.
func (g *gen) given(birthYear int, male bool) string {
	n := givenNames[era(birthYear)]
	if male {
		return pick(g, n[0])
	}
	return pick(g, n[1])
}

// name returns a full name; surname "" draws one.
func (g *gen) name(surname string, birthYear int, male bool) string {
	if surname == "" {
		surname = pick(g, surnames)
	}
	return surname + g.given(birthYear, male)
}

// adultName returns the name of an adult of random gender aged lo to hi, for contacts and staff.
func (g *gen) adultName(lo, hi int) (name string, male bool) {
	male = g.chance(0.5)
	return g.name("", refYear-g.intn(lo, hi), male), male
}

var mobilePrefixes = strings.Fields(`133 135 136 137 138 139 150 151 152 157 158 159 177 180 181 182 183 187 188 189 199`)

// mobile returns an unused mainland mobile number.
func (g *gen) mobile() string {
	for {
		p := pick(g, mobilePrefixes) + fmt.Sprintf("%08d", g.r.IntN(100000000))
		if !g.phones[p] {
			g.phones[p] = true
			return p
		}
	}
}

// landline returns a Nanjing number on an exchange of Luhe (025-57xxxxxx).
func (g *gen) landline() string {
	return fmt.Sprintf("025-57%06d", g.r.IntN(1000000))
}

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// birth returns a birth date for someone of about age in refYear, within the allowed years.
func (g *gen) birth(age int) (y, m, d int) {
	y = min(max(refYear-age, minBirthYear), maxBirthYear)
	m = g.intn(1, 12)
	days := monthDays[m]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return y, m, g.intn(1, days)
}

// idNumber returns an unused 18-digit citizen ID number registered in Luhe district (320116):
// the birth date, a two-digit sequence, a gender digit (odd for men) and the check character.
func (g *gen) idNumber(y, m, d int, male bool) string {
	for {
		sex := 2 * g.r.IntN(5)
		if male {
			sex++
		}
		first := fmt.Sprintf("320116%04d%02d%02d%02d%d", y, m, d, g.r.IntN(100), sex)
		id := first + string(gongzhi.IDNumberCheck(first))
		if !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
}

// The alphabet of credit codes: digits and capitals without I, O, Z, S, V.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// orgCodeCheck is the check character of an 8-character organization code (GB 11714-1997),
// which forms characters 9–17 of a credit code together with its check.
func orgCodeCheck(body string) byte {
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// Kinds of registration, the first two characters of a credit code.
const (
	regSocialGroup = "51" // 民政, 社会团体: associations, volunteer teams
	regNonProfit   = "52" // 民政, 民办非企业单位 / 社会服务机构: social-work centers
	regCompany     = "91" // 市场监管, 企业: a social enterprise is a company
)

// creditCode returns an unused unified social credit code for the kind of registration at the
// registering authority's division. Civil-affairs registrations carry organization codes that
// begin with "MJ", companies registered since 2015 ones that begin with "MA".
func (g *gen) creditCode(kind, division string) string {
	for {
		var body string
		if kind == regCompany {
			b := []byte("MA")
			for len(b) < 8 {
				b = append(b, creditAlphabet[g.r.IntN(len(creditAlphabet))])
			}
			body = string(b)
		} else {
			body = fmt.Sprintf("MJ%06d", g.r.IntN(1000000))
		}
		first := kind + division + body + string(orgCodeCheck(body))
		code := first + string(gongzhi.CreditCodeCheck(first))
		if !g.credits[code] {
			g.credits[code] = true
			return code
		}
	}
}

// date returns a date in a year as YYYY-MM-DD.
func (g *gen) date(year int) string {
	m := g.intn(1, 12)
	return fmt.Sprintf("%04d-%02d-%02d", year, m, g.intn(1, monthDays[m]))
}
