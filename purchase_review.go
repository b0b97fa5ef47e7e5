// Expert review and awards (docs/domain.md §3.6–3.7): the reproducible panel draw with conflicts
// of interest excluded and replaced, experts' scores in hundredths of a point, aggregation
// (trimmed mean by default), a deterministic ranking, the automatic award proposal within the
// budget and the bands, the reasons an application goes unfunded, and objections to the notice.
// Everything here is pure: the same inputs always give the same panel, ranking and proposal.

package gongzhi

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ---- points

// Points is a score in hundredths of a point: 8550 is 85.50 points. Scores are integers so that
// aggregation and ranking are exact and repeatable on any machine.
type Points int64

// String formats points with two decimals: "85.50".
func (p Points) String() string {
	neg := p < 0
	if neg {
		p = -p
	}
	s := strconv.FormatInt(int64(p/100), 10) + "." + string(rune('0'+p%100/10)) + string(rune('0'+p%10))
	if neg {
		return "-" + s
	}
	return s
}

// ParsePoints reads "8", "8.5" or "8.25" (at most two decimals) and returns "" or "points.format".
func ParsePoints(s string) (Points, string) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || dot && frac == "" || len(frac) > 2 || len(whole) > 6 ||
		strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, "points.format"
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, _ := strconv.ParseInt(whole, 10, 64)
	fr, _ := strconv.ParseInt(frac, 10, 64)
	return Points(w*100 + fr), ""
}

// ---- the panel draw

// DrawOrder returns the expert pool in the order a seed gives. It is the published algorithm
// anyone can repeat:
//
//  1. sort the pool's person IDs in ascending order;
//  2. take a PCG-DXSM generator seeded with (uint64(seed), 0) — math/rand/v2's rand.NewPCG;
//  3. Fisher–Yates from the end: for i = n−1 down to 1, draw u = the generator's next Uint64(),
//     let j = u mod (i+1), and swap positions i and j.
//
// The same seed and the same pool always give the same order.
func DrawOrder(pool []int64, seed int64) []int64 {
	ids := slices.Clone(pool)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	src := rand.NewPCG(uint64(seed), 0)
	for i := len(ids) - 1; i > 0; i-- {
		j := int(src.Uint64() % uint64(i+1))
		ids[i], ids[j] = ids[j], ids[i]
	}
	return ids
}

// Panel outcomes and the reasons an expert is excluded.
const (
	PanelSelected = "selected"
	PanelExcluded = "excluded"

	ExcludedAffiliated = "affiliated" // affiliated (people.org_id) with an applicant organization
	ExcludedDeclared   = "declared"   // a conflict declared by the expert, or recorded by the purchaser
	ExcludedRemoved    = "removed"    // removed by the purchaser (unavailable, ill …), reason in the detail
)

// PanelMember is one expert examined by the draw, in draw order (Seq), selected or excluded.
type PanelMember struct {
	CallID      int64     `json:"call_id"`
	Seq         int       `json:"seq"` // position in DrawOrder, from 0
	PersonID    int64     `json:"person_id"`
	Name        string    `json:"name"`
	Affiliation string    `json:"affiliation"`
	Fields      []string  `json:"fields"`
	Outcome     string    `json:"outcome"`
	Reason      string    `json:"reason,omitempty"`
	Detail      string    `json:"detail,omitempty"`      // which organization, or the purchaser's words
	DeclaredAt  time.Time `json:"declared_at"`           // declared no conflict: may now see the applications
	ExcludedAt  time.Time `json:"excluded_at,omitempty"` // excluded after being selected
	Scored      int       `json:"scored"`                // applications scored
}

// Active reports whether the member sits on the panel.
func (m *PanelMember) Active() bool { return m.Outcome == PanelSelected }

// WalkDraw examines order from position start and selects experts until need are selected or
// the order runs out. conflict returns the reason ("" for none) and a detail for an expert;
// conflicted experts are recorded as excluded and the walk goes on, which is how they are
// replaced. It returns the examined members (with Seq set) and how many were selected.
func WalkDraw(order []int64, start, need int, conflict func(personID int64) (reason, detail string)) ([]PanelMember, int) {
	var out []PanelMember
	selected := 0
	for i := start; i < len(order) && selected < need; i++ {
		m := PanelMember{Seq: i, PersonID: order[i], Outcome: PanelSelected}
		if reason, detail := conflict(order[i]); reason != "" {
			m.Outcome, m.Reason, m.Detail = PanelExcluded, reason, detail
		} else {
			selected++
		}
		out = append(out, m)
	}
	return out, selected
}

// PanelDraw is the record of a call's draw: the seed, the pool and every expert examined.
type PanelDraw struct {
	CallID  int64         `json:"call_id"`
	Seed    int64         `json:"seed"`
	Size    int           `json:"size"`
	Fields  []string      `json:"fields"`
	Pool    []int64       `json:"pool"` // person IDs, ascending: with the seed, enough to repeat the draw
	DrawnAt time.Time     `json:"drawn_at"`
	Members []PanelMember `json:"members"` // in draw order
}

// Verify repeats a recorded draw: every examined expert must sit at their place in
// DrawOrder(Pool, Seed), and the examined experts must be the first ones of that order. It
// reports the first position that does not match, or -1 when the record is the draw.
func (d *PanelDraw) Verify() int {
	order := DrawOrder(d.Pool, d.Seed)
	for i, m := range d.Members {
		if m.Seq != i || i >= len(order) || order[i] != m.PersonID {
			return i
		}
	}
	return -1
}

// ---- scores

// Score is one expert's scores for one application, one per criterion, submitted once.
type Score struct {
	ID            int64     `json:"id"`
	CallID        int64     `json:"call_id"`
	ApplicationID int64     `json:"application_id"`
	PersonID      int64     `json:"person_id"`
	ExpertName    string    `json:"expert_name"`
	Criteria      []Points  `json:"criteria"`
	Total         Points    `json:"total"`
	Comment       string    `json:"comment"`
	SubmittedAt   time.Time `json:"submitted_at"`
	// EnteredBy is the display name of the purchaser who transcribed the score from the panel
	// member's paper sheet; "" when the expert submitted it with their own account.
	EnteredBy string `json:"entered_by,omitempty"`
}

// Validate checks the scores against the call's criteria (0..weight each) and sets Total.
func (s *Score) Validate(c *Call) error {
	f := FieldErrors{}
	if len(s.Criteria) != len(c.Criteria) {
		f.Add("criteria", "review.criteria_count:"+strconv.Itoa(len(c.Criteria)))
	}
	s.Total = 0
	for i, p := range s.Criteria {
		if i >= len(c.Criteria) {
			break
		}
		if w := Points(c.Criteria[i].Weight) * 100; p < 0 || p > w {
			f.Add("criteria."+strconv.Itoa(i), "range:0-"+strconv.Itoa(c.Criteria[i].Weight))
		}
		s.Total += p
	}
	var r string
	if s.Comment, r = CheckText(s.Comment, 2000, false); r != "" {
		f.Add("comment", r)
	}
	return f.Err()
}

// Aggregate combines experts' totals by a call's rule. trim_mean drops one highest and one
// lowest total and averages the rest; with fewer than three totals nothing can be dropped and
// it is the plain mean. The mean is rounded half up to the hundredth. No totals give 0.
func Aggregate(rule string, totals []Points) Points {
	if len(totals) == 0 {
		return 0
	}
	var sum, lo, hi Points = 0, totals[0], totals[0]
	for _, t := range totals {
		sum += t
		lo, hi = min(lo, t), max(hi, t)
	}
	return AggregateStats(rule, len(totals), sum, lo, hi)
}

// AggregateStats is Aggregate from the count, sum, lowest and highest of the totals, which a
// database can compute without sending every score.
func AggregateStats(rule string, n int, sum, lo, hi Points) Points {
	if n <= 0 {
		return 0
	}
	if rule == AggTrimMean && n >= 3 {
		sum -= lo + hi
		n -= 2
	}
	return (2*sum + Points(n)) / (2 * Points(n))
}

// Ranked is one application's place in a call's ranking.
type Ranked struct {
	ApplicationID int64     `json:"application_id"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	Title         string    `json:"title"`
	Score         Points    `json:"score"`
	Scores        int       `json:"scores"`
	SubmittedAt   time.Time `json:"submitted_at"`
	Requested     Money     `json:"requested"`
	Band          int       `json:"band"`
	Rank          int       `json:"rank"`
}

// RankOrder sorts a ranking and numbers it from 1: higher aggregated score first; ties go to the
// earlier submission, then to the lower application ID, so that no two share a rank and the
// order never depends on the database.
func RankOrder(rs []Ranked) {
	slices.SortFunc(rs, func(a, b Ranked) int {
		switch {
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		case !a.SubmittedAt.Equal(b.SubmittedAt):
			return a.SubmittedAt.Compare(b.SubmittedAt)
		case a.ApplicationID < b.ApplicationID:
			return -1
		case a.ApplicationID > b.ApplicationID:
			return 1
		}
		return 0
	})
	for i := range rs {
		rs[i].Rank = i + 1
	}
}

// Why an eligible application is not funded. The values are message keys.
const (
	UnfundedBudget    = "unfunded.budget_exhausted" // the budget ran out before its rank
	UnfundedThreshold = "unfunded.below_threshold"  // its score is below the call's threshold
	UnfundedBands     = "unfunded.outside_bands"    // its request fits none of the bands
	UnfundedObjection = "unfunded.objection_upheld" // an upheld objection overturned its award
	UnfundedDecision  = "unfunded.decision"         // the purchaser decided otherwise; the note says why
	// the award would lie outside the category's price range, which allows no exception here
	UnfundedPriceRange = "unfunded.price_range"
)

// UnfundedReasons are the reasons a purchaser may give by hand.
var UnfundedReasons = []string{UnfundedBudget, UnfundedThreshold, UnfundedBands, UnfundedDecision}

// Proposal is the automatic proposal's decision for one ranked application.
type Proposal struct {
	ApplicationID  int64  `json:"application_id"`
	Amount         Money  `json:"amount"` // 0: not funded
	Reason         string `json:"reason"` // why not funded
	PriceException string `json:"price_exception,omitempty"`
}

// PriceRule is what the catalog says of one application's award: its category and the reason
// the application gave for a request outside the category's price range.
type PriceRule struct {
	Category *ServiceCategory
	Reason   string
}

// ClipToBand returns amount clipped into band.
func ClipToBand(amount Money, b FundingBand) Money { return min(max(amount, b.Min), b.Max) }

// ProposeAwards walks a ranking in rank order and funds each application whose score reaches
// threshold with its request clipped to its band, while what is left of the call's amount
// covers it. The first application the money cannot cover ends the funding: it and every
// application after it are not funded for budget_exhausted (or below_threshold, where that
// applies first). The purchaser adjusts the proposal afterwards; every adjustment is recorded.
func ProposeAwards(c *Call, ranked []Ranked, threshold Points) []Proposal {
	return ProposeAwardsPriced(c, ranked, threshold, nil)
}

// ProposeAwardsPriced is ProposeAwards that also keeps each award within its category's price
// range (rules by application ID; none: no range): an amount outside the range is moved into
// it when that stays within the band and the request; otherwise, where the category allows
// exceptions and the application gave a reason, the award keeps the amount with that reason;
// else the application is not funded (unfunded.price_range).
func ProposeAwardsPriced(c *Call, ranked []Ranked, threshold Points, rules map[int64]PriceRule) []Proposal {
	left := c.Amount
	exhausted := false
	out := make([]Proposal, 0, len(ranked))
	for _, r := range ranked {
		p := Proposal{ApplicationID: r.ApplicationID}
		band := r.Band
		if band < 0 || band >= len(c.Bands) {
			band = c.BandFor(r.Requested)
		}
		switch {
		case r.Score < threshold:
			p.Reason = UnfundedThreshold
		case band < 0:
			p.Reason = UnfundedBands
		case exhausted:
			p.Reason = UnfundedBudget
		default:
			amt := ClipToBand(r.Requested, c.Bands[band])
			if rule, ok := rules[r.ApplicationID]; ok && rule.Category != nil && rule.Category.OutsideRange(amt) != "" {
				in := rule.Category.ClipToRange(amt)
				switch {
				case rule.Category.OutsideRange(in) == "" && in <= r.Requested && c.BandFor(in) == band:
					amt = in
				case rule.Category.AllowExceptions && rule.Reason != "":
					p.PriceException = rule.Reason
				default:
					p.Reason = UnfundedPriceRange
					out = append(out, p)
					continue
				}
			}
			if amt > left {
				exhausted, p.Reason = true, UnfundedBudget
			} else {
				p.Amount = amt
				left -= amt
			}
		}
		out = append(out, p)
	}
	return out
}

// Award is a grant to an application: proposed, published in the notice, final, or overturned.
type Award struct {
	ID             int64     `json:"id"`
	CallID         int64     `json:"call_id"`
	ApplicationID  int64     `json:"application_id"`
	OrgID          int64     `json:"org_id"`
	OrgName        string    `json:"org_name"`
	Title          string    `json:"title"`
	CategoryCode   string    `json:"category_code"`
	Rank           int       `json:"rank"`
	Score          Points    `json:"score"`
	Requested      Money     `json:"requested"`
	Amount         Money     `json:"amount"`
	State          string    `json:"state"`
	Note           string    `json:"note,omitempty"`            // why the purchaser changed the proposed amount
	PriceException string    `json:"price_exception,omitempty"` // why the amount lies outside its category's price range
	OverturnReason string    `json:"overturn_reason,omitempty"`
	ContractID     int64     `json:"contract_id,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// CheckAward checks an amount a purchaser gives an application: within one of the call's bands
// and not above the request. It returns the field's reason key or "".
func CheckAward(c *Call, requested, amount Money) string {
	switch {
	case amount <= 0:
		return "money.positive"
	case amount > requested:
		return "award.exceeds_request"
	case c.BandFor(amount) < 0:
		return "award.outside_bands"
	}
	return ""
}

// ---- the public notice and objections

// Objection is an objection (异议) to a published result, filed by anyone with a contact, and
// answered by the purchaser. An upheld objection against an award may overturn it.
type Objection struct {
	ID            int64     `json:"id"`
	CallID        int64     `json:"call_id"`
	ApplicationID int64     `json:"application_id"` // the result objected to; 0 for the call as a whole
	Name          string    `json:"name"`
	Contact       string    `json:"contact,omitempty"` // shown to the purchaser only
	Body          string    `json:"body"`
	State         string    `json:"state"`
	FiledAt       time.Time `json:"filed_at"`
	Answer        string    `json:"answer"`
	Upheld        bool      `json:"upheld"`
	Overturned    bool      `json:"overturned"`
	AnsweredBy    string    `json:"answered_by,omitempty"`
	AnsweredAt    time.Time `json:"answered_at"`
}

// Validate checks an objection as filed.
func (o *Objection) Validate() error {
	f := FieldErrors{}
	var r string
	if o.Name, r = CheckText(o.Name, 50, true); r != "" {
		f.Add("name", r)
	}
	if o.Contact, r = CheckText(o.Contact, 100, true); r != "" {
		f.Add("contact", r)
	}
	if o.Body, r = CheckText(o.Body, 5000, true); r != "" {
		f.Add("body", r)
	}
	return f.Err()
}

// Notice is what the public sees of a call's results: the awards in rank order and the
// notice period, with how many objections were filed and how many are still open.
type Notice struct {
	Call           *Call    `json:"call"`
	Awards         []*Award `json:"awards"`
	Objections     int      `json:"objections"`
	OpenObjections int      `json:"open_objections"`
	Final          bool     `json:"final"`
}
