// ParseDate turns the dates people type into Excel text cells ("2024/1/5",
// "2024年1月5日", "20240105", ...) and the dates Read returns into time.Time,
// so that importers validate dates the same way.

package xlsx

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	dateSeparators = strings.NewReplacer("年", "-", "月", "-", "日", "", "号", "", "/", "-", ".", "-", "时", ":", "分", ":", "秒", "")
	datePattern    = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$`)
	compactDate    = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
)

// ParseDate parses a date with an optional time of day in loc. It accepts
// 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, 20240105, each optionally
// followed by a time such as 08:30 or 08:30:15 (full-width digits too).
// Impossible dates such as 2024-02-30 are refused.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	in := s
	s = strings.TrimSpace(dateSeparators.Replace(FoldWidth(cleanValue(s))))
	s = strings.TrimSuffix(s, ":")
	if m := compactDate.FindStringSubmatch(s); m != nil {
		s = m[1] + "-" + m[2] + "-" + m[3]
	}
	m := datePattern.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("日期格式不正确，应为 2024-01-05 (invalid date %q)", in)
	}
	n := make([]int, 6)
	for i := range n {
		if m[i+1] != "" {
			n[i], _ = strconv.Atoi(m[i+1])
		}
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, loc)
	if t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] || t.Hour() != n[3] || t.Minute() != n[4] || t.Second() != n[5] {
		return time.Time{}, fmt.Errorf("日期不存在 (no such date %q)", in)
	}
	return t, nil
}
