// Evaluation (评估, docs/domain.md §7): the indicator system of a call — dimensions with
// weights adding to 100, each with sub-indicators whose maximum points add up to the dimension's
// weight and the evidence each looks at —, the grade thresholds, what a grade means for the next
// calls (months of ineligibility after 不合格, bonus points after 优秀), the panel a round needs,
// the members' score sheets and the result: per sub-indicator the mean of the members' scores
// (the trimmed mean with five members or more), dimension scores, a total out of 100 and the
// grade. Everything here is pure.

package gongzhi

import (
	"strconv"
	"strings"
	"time"
)

// Evaluation rounds.
const (
	RoundMid   = "mid"   // 中期评估
	RoundFinal = "final" // 结项评估
)

// EvalRounds are the rounds, in order.
var EvalRounds = []string{RoundMid, RoundFinal}

// Evaluation states: members score; the purchaser finalizes the result (final say); the
// purchaser publishes it.
const (
	EvalScoring   = "scoring"
	EvalFinalized = "finalized"
	EvalPublished = "published"
)

// Grades, best first. The values are codes; messages "eval.grade.CODE" name them (优秀 …).
const (
	GradeExcellent = "excellent" // 优秀
	GradeGood      = "good"      // 良好
	GradePass      = "pass"      // 合格
	GradeFail      = "fail"      // 不合格
)

// EvalGrades are the grades, best first.
var EvalGrades = []string{GradeExcellent, GradeGood, GradePass, GradeFail}

// Kinds of panel members.
const (
	MemberEvaluator = "evaluator" // 评估机构人员
	MemberOfficial  = "official"  // 区民政官员
	MemberIncubator = "incubator" // 区孵化中心
	MemberExpert    = "expert"    // 外部专家
	MemberResident  = "resident"  // 居民代表
	MemberOrgRep    = "org_rep"   // 社会组织代表
)

// MemberKinds are the kinds of panel members.
var MemberKinds = []string{MemberEvaluator, MemberOfficial, MemberIncubator, MemberExpert, MemberResident, MemberOrgRep}

// EvalIndicator is a sub-indicator: what is scored, its maximum in whole points and the records
// the panel looks at.
type EvalIndicator struct {
	Name     string `json:"name"`
	Max      int    `json:"max"`
	Evidence string `json:"evidence"`
}

// EvalDimension is a dimension of the indicator system with its weight (points out of 100).
type EvalDimension struct {
	Name       string          `json:"name"`
	Weight     int             `json:"weight"`
	Indicators []EvalIndicator `json:"indicators"`
}

// PanelRule is the composition a round's panel needs: at least MinMembers members and, per
// kind, at least that many members of the kind.
type PanelRule struct {
	MinMembers int            `json:"min_members"`
	Kinds      map[string]int `json:"kinds"`
}

// EvalScheme is a call's evaluation scheme (评估指标体系). The purchaser edits it until the first
// evaluation of the call starts; each evaluation keeps a copy of the scheme it started with.
type EvalScheme struct {
	CallID     int64           `json:"call_id"`
	Dimensions []EvalDimension `json:"dimensions"`
	Excellent  Points          `json:"excellent"` // 优秀 from this total (hundredths)
	Good       Points          `json:"good"`      // 良好
	Pass       Points          `json:"pass"`      // 合格; below it 不合格
	BarMonths  int             `json:"bar_months"`
	Bonus      Points          `json:"bonus"` // points an 优秀 provider gets in calls opened within a year
	Panel      PanelRule       `json:"panel"`
	Locked     bool            `json:"locked"` // an evaluation of the call has started
	UpdatedAt  time.Time       `json:"updated_at"`
}

// DefaultEvalScheme is the scheme a call starts with: the eight dimensions of docs/domain.md
// §7.1, 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, two years of ineligibility after 不合格, 3 bonus
// points after 优秀, and a panel of at least three with an expert and a residents'
// representative.
func DefaultEvalScheme() EvalScheme {
	ind := func(name string, max int, evidence string) EvalIndicator {
		return EvalIndicator{Name: name, Max: max, Evidence: evidence}
	}
	return EvalScheme{
		Dimensions: []EvalDimension{
			{Name: "机构管理", Weight: 10, Indicators: []EvalIndicator{
				ind("项目管理制度健全并执行", 5, "机构制度文件、项目管理记录"),
				ind("项目档案完整规范", 5, "项目档案、合同及变更记录")}},
			{Name: "团队建设", Weight: 10, Indicators: []EvalIndicator{
				ind("项目人员按合同配备且稳定", 5, "人员名单、劳动合同、考勤记录"),
				ind("人员培训与专业督导", 5, "培训记录、督导记录")}},
			{Name: "服务开展", Weight: 20, Indicators: []EvalIndicator{
				ind("活动按计划完成率", 10, "服务台账、合同产出指标进度"),
				ind("台账完整性与真实性", 5, "服务台账、签到表、活动照片"),
				ind("服务覆盖合同约定的社区与人群", 5, "服务台账、服务对象名册")}},
			{Name: "服务成效", Weight: 20, Indicators: []EvalIndicator{
				ind("合同成效指标达成情况", 10, "合同成效指标进度、个案记录"),
				ind("服务对象问题改善情况", 10, "个案评估记录、前后测问卷")}},
			{Name: "服务评价", Weight: 15, Indicators: []EvalIndicator{
				ind("服务对象满意度抽查结果", 10, "满意度抽查"),
				ind("投诉处理及时与整改落实", 5, "投诉记录、整改记录、督导记录")}},
			{Name: "资源募集", Weight: 5, Indicators: []EvalIndicator{
				ind("配套资金与物资募集", 3, "捐赠票据、物资登记"),
				ind("志愿者动员与服务时长", 2, "服务台账志愿者记录")}},
			{Name: "创新创意", Weight: 5, Indicators: []EvalIndicator{
				ind("服务模式创新与可推广性", 5, "项目总结、宣传报道")}},
			{Name: "财务管理", Weight: 15, Indicators: []EvalIndicator{
				ind("资金使用符合预算", 8, "财务凭证、预算执行表"),
				ind("财务凭证规范、专款专用", 7, "财务凭证、银行流水、审计报告")}},
		},
		Excellent: 9000, Good: 8000, Pass: 6000, BarMonths: 24, Bonus: 300,
		Panel: PanelRule{MinMembers: 3, Kinds: map[string]int{MemberExpert: 1, MemberResident: 1}},
	}
}

// Count returns how many sub-indicators the scheme has.
func (s *EvalScheme) Count() int {
	n := 0
	for _, d := range s.Dimensions {
		n += len(d.Indicators)
	}
	return n
}

// Flat returns the sub-indicators in order with the index of their dimension.
func (s *EvalScheme) Flat() ([]EvalIndicator, []int) {
	var out []EvalIndicator
	var dims []int
	for i, d := range s.Dimensions {
		for _, ind := range d.Indicators {
			out = append(out, ind)
			dims = append(dims, i)
		}
	}
	return out, dims
}

// Validate checks a scheme: at least one dimension; names present, at most 100 characters and
// not repeated (eval.duplicate); dimension weights positive and adding to 100
// (eval.weights_sum:SUM); each dimension with sub-indicators whose maximum points are positive
// and add up to its weight (eval.indicators_sum:SUM); thresholds within 0–100 and descending
// (eval.thresholds_order); months of ineligibility 0–120; bonus 0–20 points; a panel of 1–30
// members with known kinds whose required counts fit in the minimum (eval.panel_kinds:SUM).
func (s *EvalScheme) Validate() error {
	f := FieldErrors{}
	var r string
	if len(s.Dimensions) == 0 {
		f.Add("dimensions", "required")
	}
	seen := map[string]bool{}
	sum := 0
	for i := range s.Dimensions {
		d := &s.Dimensions[i]
		k := "dimensions." + strconv.Itoa(i)
		if d.Name, r = CheckText(d.Name, 100, true); r != "" {
			f.Add(k+".name", r)
		} else if seen[d.Name] {
			f.Add(k+".name", "eval.duplicate")
		}
		seen[d.Name] = true
		if d.Weight <= 0 || d.Weight > 100 {
			f.Add(k+".weight", "range:1-100")
		}
		sum += d.Weight
		if len(d.Indicators) == 0 {
			f.Add(k+".indicators", "required")
			continue
		}
		isum := 0
		for j := range d.Indicators {
			in := &d.Indicators[j]
			kj := k + ".indicators." + strconv.Itoa(j)
			if in.Name, r = CheckText(in.Name, 100, true); r != "" {
				f.Add(kj+".name", r)
			} else if seen[d.Name+"/"+in.Name] {
				f.Add(kj+".name", "eval.duplicate")
			}
			seen[d.Name+"/"+in.Name] = true
			if in.Max <= 0 || in.Max > 100 {
				f.Add(kj+".max", "range:1-100")
			}
			isum += in.Max
			if in.Evidence, r = CheckText(in.Evidence, 200, false); r != "" {
				f.Add(kj+".evidence", r)
			}
		}
		if isum != d.Weight && d.Weight > 0 {
			f.Add(k+".indicators", "eval.indicators_sum:"+strconv.Itoa(isum))
		}
	}
	if len(s.Dimensions) > 0 && sum != 100 {
		f.Add("dimensions", "eval.weights_sum:"+strconv.Itoa(sum))
	}
	for _, t := range []struct {
		name string
		p    Points
	}{{"excellent", s.Excellent}, {"good", s.Good}, {"pass", s.Pass}} {
		if t.p < 0 || t.p > 10000 {
			f.Add(t.name, "range:0-100")
		}
	}
	if !(s.Excellent > s.Good && s.Good > s.Pass) {
		f.Add("excellent", "eval.thresholds_order")
	}
	if s.BarMonths < 0 || s.BarMonths > 120 {
		f.Add("bar_months", "range:0-120")
	}
	if s.Bonus < 0 || s.Bonus > 2000 {
		f.Add("bonus", "range:0-20")
	}
	if s.Panel.MinMembers < 1 || s.Panel.MinMembers > 30 {
		f.Add("panel.min_members", "range:1-30")
	}
	ks := 0
	for k, n := range s.Panel.Kinds {
		if !contains(MemberKinds, k) {
			f.Add("panel.kinds", "choice")
		} else if n < 0 || n > 30 {
			f.Add("panel.kinds."+k, "range:0-30")
		}
		ks += n
	}
	if ks > 30 {
		f.Add("panel.kinds", "eval.panel_kinds:"+strconv.Itoa(ks))
	}
	return f.Err()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Grade returns the grade of a total by the scheme's thresholds: 优秀 from Excellent, 良好 from
// Good, 合格 from Pass, 不合格 below.
func (s *EvalScheme) Grade(total Points) string {
	switch {
	case total >= s.Excellent:
		return GradeExcellent
	case total >= s.Good:
		return GradeGood
	case total >= s.Pass:
		return GradePass
	}
	return GradeFail
}

// PanelMissing checks a panel's kinds against the rule and returns the first shortfall as a
// reason ("eval.panel_size:MIN" or "eval.panel_kind.KIND:N"), or "".
func (r PanelRule) PanelMissing(kinds []string) string {
	if len(kinds) < r.MinMembers {
		return "eval.panel_size:" + strconv.Itoa(r.MinMembers)
	}
	for _, k := range MemberKinds {
		need := r.Kinds[k]
		have := 0
		for _, x := range kinds {
			if x == k {
				have++
			}
		}
		if have < need {
			return "eval.panel_kind." + k + ":" + strconv.Itoa(need)
		}
	}
	return ""
}

// EvalMember is a member of a round's panel. A member is either an account (UserID; an expert
// account also names its expert person, PersonID) who scores on their own score sheet, or a
// named member without an account (UserID 0) whose paper score sheet the secretary — the
// purchaser or the hub — transcribes (EnteredBy names who did).
type EvalMember struct {
	ID           int64     `json:"id"`
	EvaluationID int64     `json:"evaluation_id"`
	Seq          int       `json:"seq"`
	Kind         string    `json:"kind"`
	Name         string    `json:"name"`
	Affiliation  string    `json:"affiliation"`
	UserID       int64     `json:"user_id,omitempty"`
	Username     string    `json:"username,omitempty"` // on starting a round: the member's account by name, instead of user_id
	PersonID     int64     `json:"person_id,omitempty"`
	Scores       []Points  `json:"scores,omitempty"`   // one per sub-indicator, in the scheme's order
	Comments     []string  `json:"comments,omitempty"` // one per sub-indicator
	Total        Points    `json:"total"`
	EnteredBy    string    `json:"entered_by,omitempty"`
	ScoredAt     time.Time `json:"scored_at"`
}

// Scored reports whether the member has handed in a score sheet.
func (m *EvalMember) Scored() bool { return !m.ScoredAt.IsZero() }

// Validate checks a member as named on the panel.
func (m *EvalMember) Validate() error {
	f := FieldErrors{}
	var r string
	if !contains(MemberKinds, m.Kind) {
		f.Add("kind", "choice")
	}
	m.Username = strings.TrimSpace(m.Username)
	if m.UserID == 0 && m.Username == "" {
		if m.Name, r = CheckText(m.Name, 50, true); r != "" {
			f.Add("name", r)
		}
	}
	if m.Affiliation, r = CheckText(m.Affiliation, 100, false); r != "" {
		f.Add("affiliation", r)
	}
	return f.Err()
}

// CheckSheet checks a member's score sheet against a scheme — one score per sub-indicator,
// each 0..max (range:0-MAX on scores.N), comments at most 500 characters — and returns the
// total.
func CheckSheet(s *EvalScheme, scores []Points, comments []string) (Points, error) {
	f := FieldErrors{}
	flat, _ := s.Flat()
	if len(scores) != len(flat) {
		f.Add("scores", "eval.scores_count:"+strconv.Itoa(len(flat)))
		return 0, f.Err()
	}
	var total Points
	for i, p := range scores {
		if p < 0 || p > Points(flat[i].Max)*100 {
			f.Add("scores."+strconv.Itoa(i), "range:0-"+strconv.Itoa(flat[i].Max))
		}
		total += p
	}
	if len(comments) > len(flat) {
		f.Add("comments", "eval.scores_count:"+strconv.Itoa(len(flat)))
	}
	for i := range comments {
		var r string
		if comments[i], r = CheckText(comments[i], 500, false); r != "" {
			f.Add("comments."+strconv.Itoa(i), r)
		}
	}
	return total, f.Err()
}

// EvalScore is the panel's score of one sub-indicator or dimension.
type EvalScore struct {
	Dimension int    `json:"dimension"` // index of the dimension
	Name      string `json:"name"`
	Max       Points `json:"max"`
	Score     Points `json:"score"`
	Evidence  string `json:"evidence,omitempty"`
}

// EvalResult is a round's result from the score sheets handed in.
type EvalResult struct {
	Rule       string      `json:"rule"` // mean, or trim_mean with five sheets or more
	Sheets     int         `json:"sheets"`
	Members    int         `json:"members"`
	Indicators []EvalScore `json:"indicators"`
	Dimensions []EvalScore `json:"dimensions"`
	Total      Points      `json:"total"`
	Grade      string      `json:"grade"`
}

// ComputeEvalResult aggregates the score sheets handed in: per sub-indicator the mean of the
// members' scores, rounded half up to the hundredth — with five sheets or more the trimmed mean,
// dropping one highest and one lowest score (as the expert review does) —, dimension scores as
// the sum of their sub-indicators, the total as the sum of all, and the grade by the scheme's
// thresholds.
func ComputeEvalResult(s *EvalScheme, members []EvalMember) EvalResult {
	flat, dims := s.Flat()
	res := EvalResult{Rule: AggMean, Members: len(members)}
	var sheets []EvalMember
	for _, m := range members {
		if m.Scored() && len(m.Scores) == len(flat) {
			sheets = append(sheets, m)
		}
	}
	res.Sheets = len(sheets)
	if len(sheets) >= 5 {
		res.Rule = AggTrimMean
	}
	for i, d := range s.Dimensions {
		res.Dimensions = append(res.Dimensions, EvalScore{Dimension: i, Name: d.Name, Max: Points(d.Weight) * 100})
	}
	for k, in := range flat {
		vals := make([]Points, 0, len(sheets))
		for _, m := range sheets {
			vals = append(vals, m.Scores[k])
		}
		sc := Aggregate(res.Rule, vals)
		res.Indicators = append(res.Indicators, EvalScore{Dimension: dims[k], Name: in.Name, Max: Points(in.Max) * 100, Score: sc, Evidence: in.Evidence})
		res.Dimensions[dims[k]].Score += sc
		res.Total += sc
	}
	res.Grade = s.Grade(res.Total)
	return res
}

// Evaluation is one round (mid-term or final) of a signed contract's evaluation.
type Evaluation struct {
	ID            int64        `json:"id"`
	ContractID    int64        `json:"contract_id"`
	ContractTitle string       `json:"contract_title"`
	CallID        int64        `json:"call_id"`
	CallTitle     string       `json:"call_title"`
	OrgID         int64        `json:"org_id"`
	OrgName       string       `json:"org_name"`
	PlaceCode     string       `json:"place_code"`
	Round         string       `json:"round"`
	State         string       `json:"state"`
	Scheme        EvalScheme   `json:"scheme"` // as it was when the round started
	Members       []EvalMember `json:"members,omitempty"`
	Result        *EvalResult  `json:"result,omitempty"` // from the sheets handed in so far (staff), or the final result
	Total         Points       `json:"total"`            // the purchaser's final result
	Grade         string       `json:"grade"`
	GradeNote     string       `json:"grade_note,omitempty"` // why the purchaser's grade differs from the computed one
	Strengths     string       `json:"strengths"`
	Problems      string       `json:"problems"`
	Bonus         Points       `json:"bonus"`        // after an 优秀 final round, for the provider's next calls
	BarredUntil   string       `json:"barred_until"` // after a 不合格 final round
	CreatedBy     string       `json:"created_by"`
	CreatedAt     time.Time    `json:"created_at"`
	FinalizedAt   time.Time    `json:"finalized_at"`
	PublishedAt   time.Time    `json:"published_at"`
}

// ValidateFindings checks what the purchaser writes with the result: strengths, problems, the
// note on a grade that differs from the computed one, and that grade.
func (e *Evaluation) ValidateFindings() error {
	f := FieldErrors{}
	var r string
	if e.Strengths, r = CheckText(e.Strengths, 5000, false); r != "" {
		f.Add("strengths", r)
	}
	if e.Problems, r = CheckText(e.Problems, 5000, false); r != "" {
		f.Add("problems", r)
	}
	if e.GradeNote, r = CheckText(e.GradeNote, 1000, false); r != "" {
		f.Add("grade_note", r)
	}
	if e.Grade != "" && !contains(EvalGrades, e.Grade) {
		f.Add("grade", "choice")
	}
	return f.Err()
}

// PublicText is every text of an evaluation that publishing discloses.
func (e *Evaluation) PublicText() string {
	parts := []string{e.Strengths, e.Problems, e.GradeNote}
	return strings.Join(parts, "\n")
}

// AddMonths returns the date months after a YYYY-MM-DD date — the last day of the month where
// the day does not exist (31 January + 1 month is 28 February) —, or "" for a bad date.
func AddMonths(date string, months int) string {
	t, ok := ParseDate(date)
	if !ok {
		return ""
	}
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1).Format(time.DateOnly)
}
