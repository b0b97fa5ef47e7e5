// Delivering and holding to account (docs/domain.md §4–9): the figures shared by the
// ledger, supervision, complaints and evaluation, which dashboards and public pages read.

package gongzhi

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// IndicatorProgress is how far one of a contract's indicators has come, computed from the
// service ledger and never typed in.
type IndicatorProgress struct {
	ContractID    int64  `json:"contract_id"`
	ContractTitle string `json:"contract_title"`
	OrgID         int64  `json:"org_id"`
	Kind          string `json:"kind"`  // "output" or "outcome"
	Index         int    `json:"index"` // position in the contract's outputs or outcomes
	Name          string `json:"name"`
	Unit          string `json:"unit"`
	Target        int64  `json:"target"`
	Done          int64  `json:"done"`
	DoneBP        int    `json:"done_bp"` // Done / Target in basis points, not capped at 10000
}

// SatisfactionPoint is satisfaction in one month: answers from sampled recipients and ratings
// residents gave the services they took part in, with a 95% confidence interval.
type SatisfactionPoint struct {
	Month     string `json:"month"` // YYYY-MM
	Responses int    `json:"responses"`
	Satisfied int    `json:"satisfied"`
	RateBP    int    `json:"rate_bp"`
	LowBP     int    `json:"low_bp"`
	HighBP    int    `json:"high_bp"`
}

// Personal data that must never appear in what is published (docs/domain.md §2.3, §9).
var (
	idNumberLike = regexp.MustCompile(`(^|[^0-9])([1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx])($|[^0-9])`)
	mobileLike   = regexp.MustCompile(`(^|[^0-9])(1[3-9][0-9]{9})($|[^0-9])`)
	landlineLike = regexp.MustCompile(`(^|[^0-9])(0[1-9][0-9]{1,2}-[2-8][0-9]{6,7})($|[^0-9])`)
)

// FindPersonalData returns the reasons text may not be published: "personal.id_number" for a
// resident ID number with a valid check character, "personal.phone" for a mobile or landline
// number, and "personal.name:NAME" for each of names (the people a caller knows appear in the
// record, such as a project's participants) found in text. Names shorter than two characters are
// ignored. The result is sorted and has no duplicates.
func FindPersonalData(text string, names ...string) []string {
	found := map[string]bool{}
	// every pattern holds a run of at least seven digits (a landline's number after its area
	// code): a text without one, as most titles are, skips the regular expressions
	if hasDigitRun(text, 7) {
		for _, m := range idNumberLike.FindAllStringSubmatch(text, -1) {
			id := strings.ToUpper(m[2])
			if IDNumberCheck(id[:17]) == id[17] {
				found["personal.id_number"] = true
			}
		}
		if mobileLike.MatchString(text) || landlineLike.MatchString(text) {
			found["personal.phone"] = true
		}
	}
	for _, n := range names {
		if n = strings.TrimSpace(n); utf8.RuneCountInString(n) >= 2 && strings.Contains(text, n) {
			found["personal.name:"+n] = true
		}
	}
	out := make([]string, 0, len(found))
	for k := range found {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// hasDigitRun reports whether text holds n ASCII digits in a row.
func hasDigitRun(text string, n int) bool {
	run := 0
	for i := 0; i < len(text); i++ {
		if text[i] >= '0' && text[i] <= '9' {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}
