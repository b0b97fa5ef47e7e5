// Names exports the demo's generator of plausible values to the city generator
// (internal/citygen), so that a city's residents are named like the demo street's.

package demo

// Names draws names, birth dates and credit codes from one seeded source.
type Names struct{ g *gen }

// NewNames returns a generator for a seed; the same seed gives the same sequence.
func NewNames(seed int64) *Names { return &Names{g: newGen(seed)} }

// Surname draws a surname.
func (n *Names) Surname() string { return pick(n.g, surnames) }

// Name returns a full name fitting the birth year and gender; surname "" draws one.
func (n *Names) Name(surname string, birthYear int, male bool) string {
	return n.g.name(surname, birthYear, male)
}

// Birth returns a birth date for someone of about age in the demo's reference year.
func (n *Names) Birth(age int) (y, m, d int) { return n.g.birth(age) }

// RefYear is the year ages are computed against.
const RefYear = refYear

// CreditCode returns an unused credit code of a social organization (民办非企业单位) registered
// at a division (6 digits).
func (n *Names) CreditCode(division string) string { return n.g.creditCode(regNonProfit, division) }

// IntN returns a number in [0, k).
func (n *Names) IntN(k int) int { return n.g.r.IntN(k) }

// Float64 returns a number in [0, 1).
func (n *Names) Float64() float64 { return n.g.r.Float64() }
