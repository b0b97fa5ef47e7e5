// Past contracts (issue 11, item 3): the concluded purchases of earlier years that an office
// brings from its own records, from an Excel sheet made with its template (Chinese headers) or
// a CSV file with the same headers, every row or none. They count in the funding report and
// appear in the provider's history, marked as imported. They are kept apart from live contracts
// (store: past_contracts), so no delivery workflow — versions, payment portions and their
// reminders, the ledger, inspections, evaluations — can take them for contracts in force.

package purchase

import (
	"cmp"
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/registry"
	"gongzhi/internal/store"
	"gongzhi/internal/xlsx"
)

// ResPastContracts names past contracts in the audit log.
const ResPastContracts = "past_contracts"

// PastStateLabels are the template's choices for the state column.
var PastStateLabels = map[string]string{gongzhi.PastCompleted: "已完成", gongzhi.PastTerminated: "已终止"}

// PastContractColumns are the columns of the past contracts' template, in its order.
func PastContractColumns() []xlsx.Column {
	return []xlsx.Column{
		{Key: "fiscal_year", Header: "年度", Required: true, Note: "合同所属财政年度，如 2017", Width: 8},
		{Key: "category", Header: "服务类别", Required: true, Note: "购买目录中的类别名称或代码，如 社区老人居家养老服务", Width: 26},
		{Key: "credit_code", Header: "承接方统一社会信用代码", Required: true, Note: "18位，校验位须正确；名录中没有的承接方，填写承接方名称即随导入登记到名录（标记为往年合同导入）", Width: 22},
		{Key: "provider", Header: "承接方名称", Note: "信用代码已在名录中时可不填，填写时记为当年的名称；不在名录中时必填，用于登记该组织", Width: 24},
		{Key: "title", Header: "项目名称", Required: true, Width: 30},
		{Key: "contract_no", Header: "合同编号", Note: "可不填；填写时同一购买方同一年度的合同编号不得重复，不填时同一年度同一承接方的项目名称不得重复", Width: 18},
		{Key: "amount", Header: "合同金额（元）", Required: true, Note: "元，如 200000、200,000.00 或 20万", Width: 14},
		{Key: "signed_on", Header: "签订日期", Note: "如 2017-03-01", Width: 12},
		{Key: "start_on", Header: "服务开始日期", Note: "如 2017-03-01", Width: 12},
		{Key: "end_on", Header: "服务结束日期", Note: "如 2017-12-31", Width: 12},
		{Key: "communities", Header: "服务社区", Note: "社区名称或12位代码，多个用、分隔；须在购买方辖区内", Width: 26},
		{Key: "state", Header: "状态", Required: true, Choices: []string{"已完成", "已终止"}, Note: "已完成 或 已终止"},
		{Key: "place", Header: "购买方（区划代码或名称）", Note: "可不填：默认为本单位所在地", Width: 20},
		{Key: "notes", Header: "备注", Width: 30},
	}
}

// pastProblems collects one row's problems by column key, the first reason per column.
type pastProblems map[string]string

func (p pastProblems) add(key, reason string) {
	if _, ok := p[key]; !ok {
		p[key] = reason
	}
}

// pastColumn names the template column of a field of gongzhi.PastContract.
func pastColumn(field string) string {
	switch field {
	case "category_code":
		return "category"
	case "org_id":
		return "credit_code"
	case "provider_name":
		return "provider"
	case "place_code":
		return "place"
	}
	return field
}

// ImportPastContracts records the past contracts of a sheet (rows as read with
// PastContractColumns), every row or none. The purchaser may, for its place and the places under
// it (an empty place column means its own place; the command line must name it). Each row
// names a year from 2000 to this year, a category of the catalog, a provider by its unified
// social credit code (its check digit right), a title, a positive amount, optional dates with the
// service ending after it starts, the communities served (under the purchaser's place) and a
// state (已完成 or 已终止). A provider the registry lacks (anywhere: providers of years past may
// come from elsewhere) is registered by the same transaction when the row names it, on the
// registry of the row's place and marked as created by the import (Organization.CreatedByImport),
// each with its own "create" audit entry; without a name the row is refused. A contract is
// recorded once, so a file imported twice is refused rather than counted twice: with a contract
// number, once per place, year and number; without one, once per place, year, provider and title.
//
// If any row is bad it returns xlsx.Errors naming every problem (line, column, reason code such
// as "required", "past.year:2026", "past.org_missing", "past.duplicate_in_file:5") and writes
// nothing; otherwise, unless checkOnly, all rows go in one transaction with one "import" audit
// entry. It returns the number of contracts imported.
func (a *Service) ImportPastContracts(ctx context.Context, ac *gongzhi.Actor, rows []xlsx.Row, checkOnly bool) (int, error) {
	if err := kernel.Allow(ac, MayImportPastContracts(ac)); err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, &gongzhi.Error{Code: gongzhi.EINVALID, Message: "import.empty"}
	}
	q := a.DB.Q()
	cols := PastContractColumns()
	thisYear := a.Now().In(gongzhi.ChinaTime).Year()
	cats, err := q.ListServiceCategories(ctx, false)
	if err != nil {
		return 0, err
	}
	catIdx := map[string]string{}
	for _, c := range cats {
		for _, k := range []string{c.Code, c.Name, c.NameEn} {
			if k != "" {
				catIdx[foldKey(k)] = c.Code
			}
		}
	}
	var codes []string
	for _, r := range rows {
		if c := gongzhi.NormalizeCreditCode(xlsx.FoldWidth(pastCell(r, "credit_code"))); c != "" {
			codes = append(codes, c)
		}
	}
	slices.Sort(codes)
	orgs, err := q.OrgsByCreditCode(ctx, slices.Compact(codes))
	if err != nil {
		return 0, err
	}
	// providers the registry lacks, registered by the import: by credit code, each with a
	// placeholder ID (negative) until it is inserted
	newOrgs := map[string]*gongzhi.Organization{}
	var newOrder []string
	resolve := a.PlaceResolver(ac)
	type placeInfo struct {
		prefix, reason string
		level          int
	}
	places := map[string]placeInfo{}
	placeOf := func(code string) (placeInfo, error) {
		if pi, ok := places[code]; ok {
			return pi, nil
		}
		var pi placeInfo
		if err := registry.InScope(ac, "place", code); err != nil {
			pi.reason = "place.out_of_scope"
		} else if lvl, err := q.PlaceExists(ctx, code); err != nil {
			return pi, err
		} else if lvl == 0 {
			pi.reason = "place.missing"
		} else {
			pi.prefix, pi.level = gongzhi.PlacePrefix(code, lvl), lvl
		}
		places[code] = pi
		return pi, nil
	}
	stateIdx := map[string]string{}
	for code, label := range PastStateLabels {
		stateIdx[label], stateIdx[code] = code, code
	}
	out := make([]*gongzhi.PastContract, len(rows))
	firstLine := map[string]int{}
	var errs xlsx.Errors
	for i, r := range rows {
		if i&255 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		p := pastProblems{}
		pc := &gongzhi.PastContract{Title: pastCell(r, "title"), Notes: pastCell(r, "notes"), Imported: true}
		if v := xlsx.FoldWidth(pastCell(r, "fiscal_year")); v != "" {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(v, "年"), ".0"))
			if err != nil {
				p.add("fiscal_year", "number.format")
			}
			pc.FiscalYear = n
		}
		// the purchaser's place
		pv := pastCell(r, "place")
		var prefix string
		if pv == "" {
			pc.PlaceCode = ac.ScopeCode
			if pc.PlaceCode == "" {
				p.add("place", "required")
			}
		} else {
			code, reason, err := resolve(ctx, pv)
			if err != nil {
				return 0, err
			}
			if reason != "" {
				p.add("place", reason)
			}
			pc.PlaceCode = code
		}
		if pc.PlaceCode != "" && p["place"] == "" {
			pi, err := placeOf(pc.PlaceCode)
			if err != nil {
				return 0, err
			}
			if pi.reason != "" {
				p.add("place", pi.reason)
			}
			prefix = pi.prefix
		}
		if v := pastCell(r, "category"); v != "" {
			if code, ok := catIdx[foldKey(v)]; ok {
				pc.CategoryCode = code
			} else {
				p.add("category", "past.category_missing")
			}
		}
		if v := pastCell(r, "credit_code"); v != "" {
			code := gongzhi.NormalizeCreditCode(xlsx.FoldWidth(v))
			if reason := gongzhi.ValidateCreditCode(code); reason != "" {
				p.add("credit_code", reason)
			} else if o, ok := orgs[code]; ok {
				pc.OrgID, pc.CreditCode, pc.ProviderName = o.ID, code, o.Name
			} else if o, ok := newOrgs[code]; ok {
				pc.OrgID, pc.CreditCode, pc.ProviderName = o.ID, code, o.Name
			} else if name := pastCell(r, "provider"); name == "" {
				p.add("credit_code", "past.org_missing")
			} else if pc.PlaceCode != "" && p["place"] == "" {
				o := pastNewOrg(code, name, pc.PlaceCode)
				if err := o.Validate(); err != nil {
					var e *gongzhi.Error
					if !errors.As(err, &e) {
						return 0, err
					}
					for f, reason := range e.Fields {
						if f == "name" {
							p.add("provider", reason)
						} else {
							p.add("credit_code", reason)
						}
					}
				} else {
					o.ID = -int64(len(newOrder) + 1)
					newOrgs[code], newOrder = o, append(newOrder, code)
					pc.OrgID, pc.CreditCode, pc.ProviderName = o.ID, code, o.Name
				}
			}
		}
		if v := pastCell(r, "provider"); v != "" {
			pc.ProviderName = v
		}
		pc.ContractNo = xlsx.FoldWidth(pastCell(r, "contract_no"))
		if v := pastCell(r, "amount"); v != "" {
			m, reason := gongzhi.ParseMoney(v)
			if reason != "" {
				p.add("amount", reason)
			}
			pc.Amount = m
		}
		pc.SignedOn = pastDate(p, r, "signed_on")
		pc.StartOn = pastDate(p, r, "start_on")
		pc.EndOn = pastDate(p, r, "end_on")
		for _, v := range pastSplit(pastCell(r, "communities")) {
			code, reason, err := resolve(ctx, v)
			if err != nil {
				return 0, err
			}
			if reason == "" {
				if pi, err := placeOf(code); err != nil {
					return 0, err
				} else if pi.reason != "" {
					reason = pi.reason
				} else if pi.level != gongzhi.LevelCommunity {
					reason = "past.not_community"
				} else if prefix != "" && !strings.HasPrefix(code, prefix) {
					reason = "past.community_outside"
				}
			}
			if reason != "" {
				p.add("communities", reason)
			} else if !slices.Contains(pc.Communities, code) {
				pc.Communities = append(pc.Communities, code)
			}
		}
		if v := pastCell(r, "state"); v != "" {
			if code, ok := stateIdx[v]; ok {
				pc.State = code
			} else {
				p.add("state", "choice")
			}
		} else {
			p.add("state", "required")
		}
		if err := pc.Validate(thisYear); err != nil {
			var e *gongzhi.Error
			if !errors.As(err, &e) || len(e.Fields) == 0 {
				return 0, err
			}
			for f, reason := range e.Fields {
				p.add(pastColumn(f), reason)
			}
		}
		if len(p) == 0 {
			key, col := pastDupKey(pc)
			if first, ok := firstLine[key]; ok {
				p.add(col, "past.duplicate_in_file:"+strconv.Itoa(first))
			} else if taken, err := q.PastContractTaken(ctx, pc, 0); err != nil {
				return 0, err
			} else if taken {
				p.add(col, "past.taken")
			} else {
				firstLine[key] = r.Line
			}
		}
		for _, c := range cols {
			if reason, ok := p[c.Key]; ok {
				errs.Add(r.Line, c, reason)
			}
		}
		out[i] = pc
	}
	if len(errs) > 0 {
		return 0, errs
	}
	if checkOnly {
		return 0, nil
	}
	var userID int64
	if ac.User != nil {
		userID = ac.User.ID
	}
	now := a.NowUTC()
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ids := map[int64]int64{} // placeholder → registered ID
		for _, code := range newOrder {
			o := newOrgs[code]
			tmp := o.ID
			o.ID = 0
			if err := q.InsertOrganization(ctx, o, now); err != nil {
				if store.IsUnique(err, "") { // registered meanwhile: the file is checked again
					return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"credit_code": "credit_code.taken"}}
				}
				return err
			}
			ids[tmp] = o.ID
			if err := a.WriteAudit(ctx, q, ac, "create", kernel.ResOrgs, kernel.Id10(o.ID), nil, o, gongzhi.NoteOf("past_orgs", 1).String()); err != nil {
				return err
			}
		}
		for _, pc := range out {
			if id, ok := ids[pc.OrgID]; ok {
				pc.OrgID = id
			}
		}
		if err := q.InsertPastContracts(ctx, out, userID, now); err != nil {
			if store.IsUnique(err, "") {
				return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"title": "past.taken"}}
			}
			return err
		}
		var total gongzhi.Money
		years := map[int]int{}
		for _, pc := range out {
			total += pc.Amount
			years[pc.FiscalYear]++
		}
		return a.WriteAudit(ctx, q, ac, "import", ResPastContracts, "", nil, nil, gongzhi.PastImportNote(len(out), total, years, len(newOrder)))
	})
	if err != nil {
		return 0, err
	}
	return len(out), nil
}

// ImportPastContractsFile reads an uploaded sheet of past contracts — Excel (.xlsx), or CSV
// (UTF-8, the template's headers in the first line) when csv is set — and imports it like
// ImportPastContracts: every row or none. Problems found while reading the sheet (an empty
// required cell, a state not among the choices) and the import's own are reported together,
// by line and column, so the office fixes the file in one pass.
func (a *Service) ImportPastContractsFile(ctx context.Context, ac *gongzhi.Actor, r io.Reader, csv bool, maxRows int) (int, error) {
	if err := kernel.Allow(ac, MayImportPastContracts(ac)); err != nil {
		return 0, err
	}
	var rows []xlsx.Row
	var err error
	if csv {
		rows, err = registry.ReadCSV(r, PastContractColumns(), maxRows)
	} else {
		rows, err = xlsx.Read(r, PastContractColumns(), maxRows)
	}
	var readErrs xlsx.Errors
	if err != nil && (!errors.As(err, &readErrs) || rows == nil) {
		return 0, err
	}
	if len(readErrs) == 0 {
		return a.ImportPastContracts(ctx, ac, rows, false)
	}
	for i := range readErrs {
		readErrs[i].Reason = readReasonCode(readErrs[i].Reason)
	}
	// with problems in the sheet itself the rows are only checked, never written
	_, err = a.ImportPastContracts(ctx, ac, rows, true)
	all := append(xlsx.Errors(nil), readErrs...)
	seen := map[string]bool{}
	for _, e := range readErrs {
		seen[strconv.Itoa(e.Line)+"\x00"+e.Key] = true
	}
	var more xlsx.Errors
	if errors.As(err, &more) {
		for _, e := range more {
			if !seen[strconv.Itoa(e.Line)+"\x00"+e.Key] {
				all = append(all, e)
			}
		}
	} else if err != nil && gongzhi.ErrorCode(err) != gongzhi.EINVALID {
		return 0, err
	}
	slices.SortStableFunc(all, func(x, y xlsx.RowError) int { return cmp.Compare(x.Line, y.Line) })
	return 0, all
}

// PastContracts lists the past contracts the actor may read: a purchaser's, hub's or auditor's
// place and below, or a provider's own organization. Filters: org, fiscal_year, category, state,
// place.
func (a *Service) PastContracts(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.PastContract) error) (int, error) {
	if err := kernel.Allow(ac, MayReadPastContracts(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListPastContracts(ctx, kernel.OrgScope(ac), opts, each)
}

// readReasonCode turns the sheet reader's reasons (sentences) into the reason codes the import
// reports.
func readReasonCode(reason string) string {
	switch {
	case reason == xlsx.ReasonRequired:
		return "required"
	case reason == xlsx.ReasonMissingColumn:
		return "past.column_missing"
	case reason == xlsx.ReasonDuplicateColumn:
		return "past.column_duplicate"
	case reason == xlsx.ReasonDigitsLost:
		return "past.digits_lost"
	case strings.HasPrefix(reason, "须为以下之一"):
		return "choice"
	}
	return reason
}

func pastCell(r xlsx.Row, key string) string { return strings.TrimSpace(r.Values[key]) }

// pastDupKey is what makes two past contracts the same one, and the column a duplicate is
// reported on: with a contract number, the place, year and number; without one, the place,
// year, provider and title (the table's two partial unique indexes).
func pastDupKey(pc *gongzhi.PastContract) (key, column string) {
	if pc.ContractNo != "" {
		return "no\x00" + pc.PlaceCode + "\x00" + strconv.Itoa(pc.FiscalYear) + "\x00" + pc.ContractNo, "contract_no"
	}
	return "t\x00" + pc.PlaceCode + "\x00" + strconv.Itoa(pc.FiscalYear) + "\x00" + strconv.FormatInt(pc.OrgID, 10) + "\x00" + pc.Title, "title"
}

// pastNewOrg is the organization an import registers for a provider the registry lacks: named
// as the row names it, on the registry of the row's place. What the credit code says is used:
// its first digit is the registering authority (9: market regulation, an enterprise; otherwise
// civil affairs, a professional social organization, registered), and its digits 3–8 the county
// it was registered in (local when in the same city as the place, external otherwise). The
// office corrects the rest on the organization's page.
func pastNewOrg(code, name, placeCode string) *gongzhi.Organization {
	o := &gongzhi.Organization{Name: name, CreditCode: code, Type: "professional", RegState: "registered", Origin: "external",
		PlaceCode: placeCode, CreatedByImport: ResPastContracts}
	if strings.HasPrefix(code, "9") {
		o.Type = "enterprise"
	}
	if len(code) == 18 && len(placeCode) >= 4 && code[2:6] == placeCode[:4] {
		o.Origin = "local"
	}
	return o
}

func pastDate(p pastProblems, r xlsx.Row, key string) string {
	v := pastCell(r, key)
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

// pastSplit splits a cell naming several communities.
func pastSplit(s string) []string {
	return strings.FieldsFunc(xlsx.FoldWidth(s), func(r rune) bool {
		return strings.ContainsRune("、,;/|，；", r) || unicode.IsSpace(r)
	})
}

// foldKey is how a category is matched: full-width folded, spaces dropped, case ignored.
func foldKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(xlsx.FoldWidth(s)), ""))
}
