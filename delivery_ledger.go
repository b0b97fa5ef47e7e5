// The service ledger (服务台账) and satisfaction sampling (满意度抽查), docs/domain.md §4:
// what a provider records of every activity of a signed contract, the evidence files kept
// with their SHA-256, the indicator progress computed from the ledger, the sample size for a
// margin of error, the stratified draw with a recorded seed, and the Wilson interval of a rate.

package gongzhi

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kinds of activity recorded in the ledger.
const (
	ActivityCasework  = "casework"  // 个案
	ActivityGroup     = "group"     // 小组
	ActivityCommunity = "community" // 社区活动
	ActivityTraining  = "training"  // 培训
)

// ActivityKinds lists the kinds in display order.
var ActivityKinds = []string{ActivityCasework, ActivityGroup, ActivityCommunity, ActivityTraining}

// States of a ledger entry: entries are never deleted, only corrected or voided.
const (
	EntryActive = "active"
	EntryVoided = "voided"
)

// What an indicator counts (Indicator.Measure). "entries" counts entries of every kind (only
// when the office chooses it), "entries:KIND" entries of one kind, "tag:TAG" entries carrying a
// tag (ServiceEntry.Tags), such as 上门探访.
const (
	MeasureEntries        = "entries"
	MeasureTagPrefix      = "tag:"
	MeasureVisits         = "visits"          // 人次: named participants plus counted ones, per entry
	MeasurePeople         = "people"          // 人: distinct named participants
	MeasureVolunteerHours = "volunteer_hours" // 小时
	MeasureSatisfaction   = "satisfaction"    // %: from sampling and ratings
	MeasureNone           = "none"            // not computed from the ledger
)

// Measures lists the measures an indicator may name (plus "entries:KIND" and "tag:TAG").
var Measures = []string{MeasureEntries, MeasureVisits, MeasurePeople, MeasureVolunteerHours, MeasureSatisfaction, MeasureNone}

// MaxEvidenceSize is the largest evidence file accepted, for the ledger and for answers to
// rectification orders alike: 10 MiB.
const MaxEvidenceSize = 10 << 20

// Volunteer is one volunteer of an activity and the minutes they served.
type Volunteer struct {
	PersonID int64  `json:"person_id,omitempty"`
	Name     string `json:"name"`
	Minutes  int    `json:"minutes"`
}

// Participant is a named participant: a resident of the registry.
type Participant struct {
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	PlaceCode string `json:"place_code"`
}

// Evidence is a file kept with a ledger entry (photos, sign-in sheets).
type Evidence struct {
	ID          int64     `json:"id"`
	EntryID     int64     `json:"entry_id"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ContentType string    `json:"content_type"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// EvidenceExtensions are the file names accepted as evidence: images and PDF.
var EvidenceExtensions = []string{".jpg", ".jpeg", ".png", ".webp", ".gif", ".pdf"}

// EvidenceNameOK reports whether a file name has an accepted extension.
func EvidenceNameOK(name string) bool {
	return slices.Contains(EvidenceExtensions, strings.ToLower(filepath.Ext(name)))
}

// EvidenceTypeOK reports whether a sniffed content type is an image or PDF.
func EvidenceTypeOK(ct string) bool {
	return strings.HasPrefix(ct, "image/") || ct == "application/pdf"
}

// ServiceEntry is one activity in the ledger of a signed contract.
type ServiceEntry struct {
	ID             int64         `json:"id"`
	ContractID     int64         `json:"contract_id"`
	ContractTitle  string        `json:"contract_title"`
	OrgID          int64         `json:"org_id"`
	ProviderName   string        `json:"provider_name"`
	PlaceCode      string        `json:"place_code"` // the contract's place
	Kind           string        `json:"kind"`
	Title          string        `json:"title"`
	HeldOn         string        `json:"held_on"`    // YYYY-MM-DD
	StartTime      string        `json:"start_time"` // HH:MM, optional
	EndTime        string        `json:"end_time"`
	Minutes        int           `json:"minutes"` // duration; computed from start and end when both are given
	Venue          string        `json:"venue"`
	Communities    []string      `json:"communities"`
	TargetGroups   []string      `json:"target_groups"`
	ParticipantIDs []int64       `json:"participant_ids,omitempty"` // on the way in
	Participants   []Participant `json:"participants"`
	Counted        int           `json:"counted"` // participants counted without names
	Visits         int           `json:"visits"`  // named + counted (read only)
	Volunteers     []Volunteer   `json:"volunteers"`
	Tags           []string      `json:"tags"` // what the activity was, for indicators that count by tag (上门探访)
	Summary        string        `json:"summary"`
	State          string        `json:"state"`
	Version        int           `json:"version"`
	Reason         string        `json:"reason,omitempty"` // of the last correction or the voiding
	Evidence       []Evidence    `json:"evidence,omitempty"`
	CreatedBy      string        `json:"created_by"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

// EntryVersion is an entry as it stood before a correction or voiding.
type EntryVersion struct {
	EntryID   int64         `json:"entry_id"`
	Version   int           `json:"version"`
	Entry     *ServiceEntry `json:"entry"`
	Reason    string        `json:"reason"`
	Action    string        `json:"action"` // correct, void
	By        string        `json:"by"`
	CreatedAt time.Time     `json:"created_at"`
}

func parseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// VolunteerMinutes sums the volunteers' minutes.
func (e *ServiceEntry) VolunteerMinutes() int {
	n := 0
	for _, v := range e.Volunteers {
		n += v.Minutes
	}
	return n
}

// Validate normalizes and checks an entry's own fields (the contract, the period, the
// communities and the people are checked against storage by the service layer).
func (e *ServiceEntry) Validate() error {
	f := FieldErrors{}
	var r string
	if !slices.Contains(ActivityKinds, e.Kind) {
		f.Add("kind", "choice")
	}
	if e.Title, r = CheckText(e.Title, 200, true); r != "" {
		f.Add("title", r)
	}
	if _, ok := ParseDate(e.HeldOn); !ok {
		f.Add("held_on", "date.format")
	}
	e.StartTime, e.EndTime = strings.TrimSpace(e.StartTime), strings.TrimSpace(e.EndTime)
	s, okS := parseClock(e.StartTime)
	en, okE := parseClock(e.EndTime)
	if e.StartTime != "" && !okS {
		f.Add("start_time", "ledger.time_format")
	}
	if e.EndTime != "" && !okE {
		f.Add("end_time", "ledger.time_format")
	}
	if okS && okE {
		if en <= s {
			f.Add("end_time", "ledger.end_before_start")
		} else {
			e.Minutes = en - s
		}
	}
	if e.Minutes < 0 || e.Minutes > 24*60 {
		f.Add("minutes", "range:0-1440")
	}
	if e.Venue, r = CheckText(e.Venue, 200, false); r != "" {
		f.Add("venue", r)
	}
	e.Communities = dedupe(e.Communities)
	if len(e.Communities) == 0 {
		f.Add("communities", "required")
	}
	e.TargetGroups = dedupe(e.TargetGroups)
	if e.Counted < 0 || e.Counted > 100000 {
		f.Add("counted", "range:0-100000")
	}
	slices.Sort(e.ParticipantIDs)
	e.ParticipantIDs = slices.Compact(e.ParticipantIDs)
	if len(e.ParticipantIDs) > 2000 {
		f.Add("participant_ids", "too_many:2000")
	}
	if len(e.ParticipantIDs) == 0 && e.Counted == 0 && e.Kind != ActivityTraining {
		f.Add("counted", "ledger.no_participants")
	}
	for i := range e.Volunteers {
		k := "volunteers." + strconv.Itoa(i)
		v := &e.Volunteers[i]
		if v.Name, r = CheckText(v.Name, 64, v.PersonID == 0); r != "" {
			f.Add(k+".name", r)
		}
		if v.Minutes <= 0 || v.Minutes > 24*60 {
			f.Add(k+".minutes", "range:1-1440")
		}
	}
	if e.Summary, r = CheckText(e.Summary, 5000, true); r != "" {
		f.Add("summary", r)
	}
	e.Tags = dedupe(e.Tags)
	if len(e.Tags) > MaxEntryTags {
		f.Add("tags", "too_many:"+strconv.Itoa(MaxEntryTags))
	}
	for i, t := range e.Tags {
		if r := CheckTag(t); r != "" {
			f.Add("tags."+strconv.Itoa(i), r)
		}
	}
	return f.Err()
}

// MaxEntryTags is how many tags an entry may carry.
const MaxEntryTags = 5

// CheckTag checks one tag of a ledger entry or of an indicator: 1 to 20 characters, no comma
// (tags are stored between commas) and no colon. It returns the reason key or "".
func CheckTag(t string) string {
	t2, r := CheckText(t, 20, true)
	switch {
	case r != "":
		return r
	case t2 != t || strings.ContainsAny(t, ",，:："):
		return "ledger.tag_format"
	}
	return ""
}

// SplitTags splits a comma-, 、- or space-separated list of tags as typed in a form.
func SplitTags(s string) []string {
	return dedupe(strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\u3000'
	}))
}

func dedupe(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// CheckReason checks the reason for a correction or a voiding.
func CheckReason(s string) (string, error) {
	s, r := CheckText(s, 1000, true)
	if r != "" {
		return s, Invalid("reason", r)
	}
	return s, nil
}

// LedgerMonthSummary is what a contract's ledger holds for one month: what the monthly
// inspection reads.
type LedgerMonthSummary struct {
	ContractID       int64          `json:"contract_id"`
	Month            string         `json:"month"` // YYYY-MM
	Entries          int            `json:"entries"`
	ByKind           map[string]int `json:"by_kind"`
	Visits           int64          `json:"visits"`
	People           int64          `json:"people"`
	VolunteerMinutes int64          `json:"volunteer_minutes"`
	VolunteerHours   float64        `json:"volunteer_hours"`
	Evidence         int            `json:"evidence"`
}

// LedgerTotals are the sums of a contract's active entries that indicators count.
type LedgerTotals struct {
	Entries          int64            `json:"entries"`
	ByKind           map[string]int64 `json:"by_kind"`
	ByTag            map[string]int64 `json:"by_tag,omitempty"` // active entries carrying each tag
	Visits           int64            `json:"visits"`
	People           int64            `json:"people"`
	VolunteerMinutes int64            `json:"volunteer_minutes"`
}

// everyKindWords are the words in an indicator's name that say it counts activities of every
// kind (各类活动).
var everyKindWords = []string{"各类", "全部", "所有"}

// kindWords are the words in an indicator's name that point at a kind of activity.
var kindWords = []struct {
	kind  string
	words []string
}{
	{ActivityCasework, []string{"个案"}},
	{ActivityGroup, []string{"小组"}},
	{ActivityTraining, []string{"培训"}},
	{ActivityCommunity, []string{"社区活动"}},
}

// IndicatorMeasure returns what an indicator counts: its Measure if set, otherwise inferred
// from its unit — 次/场/节/期/个 → entries of the kind its name implies (个案, 小组, 培训,
// 社区活动), every entry when it says so (各类活动), or none when it implies neither: an indicator such as 上门探访 counts only the
// entries it describes, so the office chooses its kind or tag, never every entry of the
// contract by default; 人次 → visits, 人/户/名 → distinct people, 小时 → volunteer hours, % →
// satisfaction when the name says 满意, else none.
func IndicatorMeasure(ind Indicator) string {
	if m := strings.TrimSpace(ind.Measure); m != "" {
		return m
	}
	unit := strings.TrimSpace(ind.Unit)
	switch {
	case unit == "人次":
		return MeasureVisits
	case unit == "人" || unit == "户" || unit == "名":
		return MeasurePeople
	case unit == "小时" || unit == "时" || unit == "h":
		return MeasureVolunteerHours
	case unit == "%" || unit == "％":
		if strings.Contains(ind.Name, "满意") {
			return MeasureSatisfaction
		}
		return MeasureNone
	case unit == "次" || unit == "场" || unit == "节" || unit == "期" || unit == "个" || unit == "项":
		for _, w := range everyKindWords {
			if strings.Contains(ind.Name, w) {
				return MeasureEntries
			}
		}
		for _, kw := range kindWords {
			for _, w := range kw.words {
				if strings.Contains(ind.Name, w) {
					return MeasureEntries + ":" + kw.kind
				}
			}
		}
		return MeasureNone
	}
	return MeasureNone
}

// countUnits are the units of an indicator that counts activities (次, 场, …).
var countUnits = []string{"次", "场", "节", "期", "个", "项"}

// IndicatorUnchosen reports whether an indicator counts activities (its unit is 次, 场, 节, 期,
// 个 or 项) but counts nothing because no measure was chosen and its name names no kind of
// activity (上门探访 by 次): until the office chooses a kind or a tag in the contract's terms
// its progress stays 0, which pages must say rather than show silently.
func IndicatorUnchosen(ind Indicator) bool {
	return strings.TrimSpace(ind.Measure) == "" && slices.Contains(countUnits, strings.TrimSpace(ind.Unit)) &&
		IndicatorMeasure(ind) == MeasureNone
}

// UnchosenIndicators returns the names of the terms' indicators that count nothing until the
// office chooses what they count (IndicatorUnchosen), outputs first.
func UnchosenIndicators(t ContractTerms) []string {
	var out []string
	for _, xs := range [][]Indicator{t.Outputs, t.Outcomes} {
		for _, ind := range xs {
			if IndicatorUnchosen(ind) {
				out = append(out, ind.Name)
			}
		}
	}
	return out
}

// ValidMeasure reports whether m is a measure an indicator may name ("" infers one).
func ValidMeasure(m string) bool {
	if m == "" || slices.Contains(Measures, m) {
		return true
	}
	if t, ok := strings.CutPrefix(m, MeasureTagPrefix); ok {
		return CheckTag(t) == ""
	}
	k, ok := strings.CutPrefix(m, MeasureEntries+":")
	return ok && slices.Contains(ActivityKinds, k)
}

// MeasureDone returns what the ledger totals say of a measure, and false for measures the
// ledger does not count (satisfaction, none). Volunteer hours are rounded down.
func MeasureDone(m string, t LedgerTotals) (int64, bool) {
	switch m {
	case MeasureEntries:
		return t.Entries, true
	case MeasureVisits:
		return t.Visits, true
	case MeasurePeople:
		return t.People, true
	case MeasureVolunteerHours:
		return t.VolunteerMinutes / 60, true
	}
	if k, ok := strings.CutPrefix(m, MeasureEntries+":"); ok {
		return t.ByKind[k], true
	}
	if tag, ok := strings.CutPrefix(m, MeasureTagPrefix); ok {
		return t.ByTag[tag], true
	}
	return 0, false
}

// ProgressBP is done/target in basis points (not capped), 0 for a target of 0.
func ProgressBP(done, target int64) int {
	if target <= 0 {
		return 0
	}
	return int(done * 10000 / target)
}

// ---- satisfaction sampling

// Survey answers.
const (
	AnswerSatisfied   = "satisfied"
	AnswerUnsatisfied = "unsatisfied"
	AnswerUnreachable = "unreachable"
)

// Answers lists the survey answers.
var Answers = []string{AnswerSatisfied, AnswerUnsatisfied, AnswerUnreachable}

// Recipient is one member of a sampling population: a named participant of a contract's ledger.
type Recipient struct {
	PersonID  int64  `json:"person_id"`
	Name      string `json:"name"`
	PlaceCode string `json:"place_code"` // the community the person belongs to: the stratum
}

// Z95 is the normal quantile for 95% confidence.
const Z95 = 1.959963984540054

// SampleSize is the number of people to sample from a population of n for a margin of error
// of marginBP basis points (500 = 5%) at 95% confidence, with p = 0.5: n0 = z²·p(1−p)/e², then
// corrected for the finite population, n0/(1+(n0−1)/N), rounded up and capped at N. z is 1.96
// as in the usual tables.
func SampleSize(n, marginBP int) int {
	if n <= 0 || marginBP <= 0 {
		return 0
	}
	e := float64(marginBP) / 10000
	n0 := 1.96 * 1.96 * 0.25 / (e * e)
	size := int(math.Ceil(n0/(1+(n0-1)/float64(n)) - 1e-9))
	return min(max(size, 1), n)
}

// Allocate divides a sample of size n among strata of the given sizes in proportion to them,
// by the largest remainder (ties to the earlier stratum); no stratum gets more than it has.
func Allocate(sizes []int, n int) []int {
	total := 0
	for _, s := range sizes {
		total += s
	}
	out := make([]int, len(sizes))
	if total == 0 || n <= 0 {
		return out
	}
	n = min(n, total)
	type rem struct {
		i int
		r int
	}
	var rems []rem
	given := 0
	for i, s := range sizes {
		out[i] = s * n / total
		given += out[i]
		rems = append(rems, rem{i, s * n % total})
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < n; k = (k + 1) % len(rems) {
		if i := rems[k].i; out[i] < sizes[i] {
			out[i]++
			given++
		}
	}
	return out
}

// DrawSample draws n recipients stratified by community (PlaceCode), allocated in proportion
// (see Allocate), with a PCG generator seeded from seed: the population is sorted by person id,
// the strata by code, and each stratum is shuffled, so the same seed and population give the
// same sample. The result is sorted by community, then person id.
func DrawSample(pop []Recipient, n int, seed uint64) []Recipient {
	sorted := slices.Clone(pop)
	slices.SortFunc(sorted, func(a, b Recipient) int { return int(sign(a.PersonID - b.PersonID)) })
	strata := map[string][]Recipient{}
	var codes []string
	for _, r := range sorted {
		if _, ok := strata[r.PlaceCode]; !ok {
			codes = append(codes, r.PlaceCode)
		}
		strata[r.PlaceCode] = append(strata[r.PlaceCode], r)
	}
	slices.Sort(codes)
	sizes := make([]int, len(codes))
	for i, c := range codes {
		sizes[i] = len(strata[c])
	}
	alloc := Allocate(sizes, n)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var out []Recipient
	for i, c := range codes {
		s := strata[c]
		rng.Shuffle(len(s), func(a, b int) { s[a], s[b] = s[b], s[a] })
		pick := slices.Clone(s[:alloc[i]])
		slices.SortFunc(pick, func(a, b Recipient) int { return int(sign(a.PersonID - b.PersonID)) })
		out = append(out, pick...)
	}
	return out
}

func sign(x int64) int64 {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// Wilson returns the Wilson score interval at 95% confidence of s successes in n trials, as
// fractions; (0, 0) for n = 0.
func Wilson(s, n int) (lo, hi float64) {
	if n <= 0 {
		return 0, 0
	}
	z := Z95
	p := float64(s) / float64(n)
	nn := float64(n)
	den := 1 + z*z/nn
	centre := (p + z*z/(2*nn)) / den
	half := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / den
	return max(0, centre-half), min(1, centre+half)
}

// Rate is a satisfaction rate with its Wilson interval, in basis points.
type Rate struct {
	Label     string `json:"label,omitempty"`
	Responses int    `json:"responses"`
	Satisfied int    `json:"satisfied"`
	RateBP    int    `json:"rate_bp"`
	LowBP     int    `json:"low_bp"`
	HighBP    int    `json:"high_bp"`
}

// NewRate computes a rate and its interval.
func NewRate(label string, satisfied, responses int) Rate {
	r := Rate{Label: label, Responses: responses, Satisfied: satisfied}
	if responses > 0 {
		lo, hi := Wilson(satisfied, responses)
		r.RateBP = int(math.Round(float64(satisfied) * 10000 / float64(responses)))
		r.LowBP, r.HighBP = int(math.Round(lo*10000)), int(math.Round(hi*10000))
	}
	return r
}

// Survey is a satisfaction sampling of one contract's recipients.
type Survey struct {
	ID            int64          `json:"id"`
	ContractID    int64          `json:"contract_id"`
	ContractTitle string         `json:"contract_title"`
	OrgID         int64          `json:"org_id"`
	PlaceCode     string         `json:"place_code"`
	MarginBP      int            `json:"margin_bp"` // 500 = ±5% at 95% confidence
	Seed          uint64         `json:"seed"`
	Population    int            `json:"population"`
	Size          int            `json:"size"`
	Answered      int            `json:"answered"`
	Note          string         `json:"note"`
	CreatedBy     string         `json:"created_by"`
	CreatedAt     time.Time      `json:"created_at"`
	Samples       []SurveySample `json:"samples,omitempty"`
	Overall       *Rate          `json:"overall,omitempty"`
	ByCommunity   []Rate         `json:"by_community,omitempty"`
}

// SurveySample is one sampled person and their answer.
type SurveySample struct {
	SurveyID   int64     `json:"survey_id"`
	PersonID   int64     `json:"person_id"`
	Name       string    `json:"name"`
	PlaceCode  string    `json:"place_code"`
	PlaceName  string    `json:"place_name"`
	Answer     string    `json:"answer"` // "" until answered
	Score      int       `json:"score"`  // 1–5, 0 when not given
	Comment    string    `json:"comment"`
	AnsweredBy string    `json:"answered_by"`
	AnsweredAt time.Time `json:"answered_at"`
}

// Normalize derives the answer from a score when one is given (≥4 satisfied) and checks it.
func (s *SurveySample) Normalize() error {
	f := FieldErrors{}
	var r string
	if s.Score < 0 || s.Score > 5 {
		f.Add("score", "range:1-5")
	} else if s.Score > 0 && s.Answer != AnswerUnreachable {
		s.Answer = AnswerUnsatisfied
		if s.Score >= 4 {
			s.Answer = AnswerSatisfied
		}
	}
	if !slices.Contains(Answers, s.Answer) {
		f.Add("answer", "choice")
	}
	if s.Answer == AnswerUnreachable {
		s.Score = 0
	}
	if s.Comment, r = CheckText(s.Comment, 1000, false); r != "" {
		f.Add("comment", r)
	}
	return f.Err()
}

// ServiceRating is a resident's own rating of a service they took part in (下评上).
type ServiceRating struct {
	ID        int64     `json:"id"`
	EntryID   int64     `json:"entry_id"`
	PersonID  int64     `json:"person_id"`
	Score     int       `json:"score"` // 1–5
	Comment   string    `json:"comment"`
	PlaceCode string    `json:"place_code"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a rating.
func (r *ServiceRating) Validate() error {
	f := FieldErrors{}
	var why string
	if r.Score < 1 || r.Score > 5 {
		f.Add("score", "range:1-5")
	}
	if r.Comment, why = CheckText(r.Comment, 1000, false); why != "" {
		f.Add("comment", why)
	}
	return f.Err()
}

// MyService is a ledger entry a resident took part in, with their rating if given.
type MyService struct {
	EntryID       int64          `json:"entry_id"`
	ContractTitle string         `json:"contract_title"`
	ProviderName  string         `json:"provider_name"`
	Kind          string         `json:"kind"`
	Title         string         `json:"title"`
	HeldOn        string         `json:"held_on"`
	Venue         string         `json:"venue"`
	Rating        *ServiceRating `json:"rating,omitempty"`
}
