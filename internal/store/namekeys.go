// Name search keys: a person's name in pinyin (zhangwei) and its initials (zw), kept beside the
// name on every write, so that a search typed as 张, 张伟, zhang or zw is an index range
// (docs/lists.md, search). A surname read otherwise than its common reading (单 shan, 曾 zeng)
// is read as a surname.

package store

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// surnameReadings are the readings of characters and compound surnames that read otherwise as
// a surname than in common words.
var surnameReadings = map[string][]string{
	"单": {"shan"}, "曾": {"zeng"}, "解": {"xie"}, "区": {"ou"}, "仇": {"qiu"}, "朴": {"piao"}, "查": {"zha"},
	"盖": {"ge"}, "缪": {"miao"}, "乐": {"yue"}, "覃": {"qin"}, "翟": {"zhai"}, "秘": {"bi"}, "召": {"shao"},
	"折": {"she"}, "种": {"chong"}, "繁": {"po"}, "员": {"yun"}, "黑": {"he"}, "柏": {"bai"}, "薄": {"bo"},
	"贲": {"ben"}, "句": {"gou"}, "阚": {"kan"}, "隗": {"wei"}, "冼": {"xian"}, "莘": {"shen"}, "眭": {"sui"},
	"逄": {"pang"}, "佴": {"nai"}, "那": {"na"}, "车": {"che"}, "石": {"shi"}, "盛": {"sheng"}, "重": {"chong"},
	"沈": {"shen"}, "宁": {"ning"}, "华": {"hua"}, "任": {"ren"}, "纪": {"ji"}, "尉": {"wei"}, "藏": {"zang"},
	"长": {"chang"}, "朝": {"chao"}, "都": {"du"}, "万": {"wan"}, "燕": {"yan"}, "殷": {"yin"}, "蔚": {"yu"},
	"尉迟": {"yu", "chi"}, "长孙": {"zhang", "sun"}, "万俟": {"mo", "qi"}, "单于": {"chan", "yu"},
	"澹台": {"tan", "tai"}, "令狐": {"ling", "hu"},
}

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Fallback = func(r rune, _ pinyin.Args) []string {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return []string{strings.ToLower(string(r))}
		}
		return nil
	}
	return a
}()

// nameKeys returns a name's pinyin without spaces and its initials, in lower case.
func nameKeys(name string) (py, initials string) {
	name = strings.TrimSpace(name)
	var syl []string
	rest := name
	for _, n := range []int{2, 1} { // compound surnames first
		rs := []rune(rest)
		if len(rs) < n {
			continue
		}
		if r, ok := surnameReadings[string(rs[:n])]; ok && r != nil {
			syl = append(syl, r...)
			rest = string(rs[n:])
			break
		}
	}
	syl = append(syl, pinyin.LazyPinyin(rest, pinyinArgs)...)
	var b, ini strings.Builder
	for _, s := range syl {
		b.WriteString(s)
		if s != "" {
			ini.WriteByte(s[0])
		}
	}
	return b.String(), ini.String()
}
