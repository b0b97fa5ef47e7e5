// Dashboards (docs/domain.md §8): the street's view of what its money bought and whether
// it is being delivered, and a provider's view of its own contracts.
//
// Who may see what:
//   - purchaser, hub, auditor (place-scoped): the street dashboard of their place and below —
//     coverage of communities × target groups by services in force, money by category and by
//     budget level, payments by month, indicator progress of each signed contract, open and
//     overdue items, satisfaction over time.
//   - provider (organization-scoped): the same figures for its own contracts only.
//   - everyone else: EFORBIDDEN; the anonymous caller: EUNAUTHORIZED.
//
// The street figures come from a handful of aggregate queries (needs and money are grouped in
// SQL; signed contracts are read once with their terms), so the page costs the same with one
// contract or a year of ledger data for fifty.

package overview

import (
	"context"
	"slices"
	"strconv"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/vouchers"
)

// Dashboard is one dashboard document: every block of the page, as the API returns it.
type Dashboard struct {
	Kind         string                      `json:"kind"` // the level of the caller's place ("province", "city", "district", "street", "community"), or "provider"
	Year         int                         `json:"year"`
	AsOf         string                      `json:"as_of"` // the day coverage and elapsed time are computed for
	PlaceCode    string                      `json:"place_code,omitempty"`
	PlaceName    string                      `json:"place_name,omitempty"`
	OrgID        int64                       `json:"org_id,omitempty"`
	OrgName      string                      `json:"org_name,omitempty"`
	Coverage     *gongzhi.Coverage           `json:"coverage,omitempty"`
	ByCategory   []gongzhi.MoneyRow          `json:"by_category"`
	ByLevel      []gongzhi.MoneyRow          `json:"by_level"`
	Total        gongzhi.MoneyRow            `json:"total"`
	PaidByMonth  []gongzhi.MonthMoney        `json:"paid_by_month"`
	Contracts    []gongzhi.ContractStatus    `json:"contracts"`
	Behind       int                         `json:"behind"`
	Progress     []gongzhi.IndicatorProgress `json:"progress"`
	Attention    []kernel.Todo               `json:"attention"`
	Satisfaction []gongzhi.SatisfactionPoint `json:"satisfaction"`
	Vouchers     *vouchers.Figures           `json:"vouchers,omitempty"` // a place's service vouchers this month and in all (those who read their report)
}

// DashboardAsOf is the day a dashboard of fiscal year year looks at: today in the current year,
// the year's last day for a past year and its first day for a future one.
func DashboardAsOf(today string, year int) string {
	y := strconv.Itoa(year)
	switch {
	case len(today) >= 4 && today[:4] == y:
		return today
	case len(today) >= 4 && today[:4] > y:
		return y + "-12-31"
	}
	return y + "-01-01"
}

// Dashboard returns the caller's dashboard for fiscal year year: the place dashboard for the
// purchaser, the hub and the auditor (their place and below), the provider's own contracts for
// a provider. Other roles get EFORBIDDEN.
func (a *Service) Dashboard(ctx context.Context, ac *gongzhi.Actor, year int) (*Dashboard, error) {
	if err := kernel.SignedIn(ac); err != nil {
		return nil, err
	}
	d := &Dashboard{Year: year, AsOf: DashboardAsOf(a.Today(), year)}
	var s store.Scope
	switch {
	case ac.Has(gongzhi.RoleProvider):
		d.Kind, d.OrgID, d.OrgName = "provider", ac.User.OrgID, ac.User.OrgName
		s = kernel.OrgScope(ac)
	case MayReadStreetDashboard(ac):
		d.Kind, d.PlaceCode, d.PlaceName = PlaceKind(ac.ScopeCode), ac.ScopeCode, ac.User.PlaceName
		s = kernel.PlaceScope(ac)
	default:
		return nil, gongzhi.Forbidden()
	}
	q := a.DB.Q()
	if d.Kind != "provider" && vouchers.MayReadVoucherReport(ac) {
		f, err := vouchers.FiguresOf(ctx, q, s, a.NowUTC())
		if err != nil {
			return nil, err
		}
		d.Vouchers = f
	}
	// signed contracts of the year, and those in force on the day looked at (coverage)
	var rows []*store.ContractRow
	opts := store.ListOptions{Filters: map[string]string{"year_from": strconv.Itoa(year - 1), "year_to": strconv.Itoa(year + 1)}}
	if _, err := q.ListSignedContracts(ctx, s, opts, func(r *store.ContractRow) error { rows = append(rows, r); return nil }); err != nil {
		return nil, err
	}
	if err := a.dashMoney(ctx, q, d, s, year); err != nil {
		return nil, err
	}
	progress, err := a.ProgressInScope(ctx, ac, year)
	if err != nil {
		return nil, err
	}
	d.Progress = dashNonNil(progress)
	avg, n := gongzhi.AverageProgress(progress)
	d.Contracts = []gongzhi.ContractStatus{}
	for _, r := range rows {
		t := r.Terms
		active := gongzhi.Covers(t.StartOn, t.EndOn, d.AsOf)
		if r.FiscalYear != year && !active {
			continue
		}
		cs := gongzhi.ContractStatus{ContractID: r.ID, Title: r.Title, OrgID: r.OrgID, ProviderName: r.ProviderName, CategoryCode: r.CategoryCode,
			Amount: r.Amount, Paid: r.Paid, StartOn: t.StartOn, EndOn: t.EndOn, ElapsedBP: gongzhi.ElapsedBP(t.StartOn, t.EndOn, d.AsOf),
			Indicators: n[r.ID], ProgressBP: avg[r.ID], Active: active}
		cs.Behind = cs.Indicators > 0 && gongzhi.IsBehind(cs.ProgressBP, cs.ElapsedBP)
		if cs.Behind {
			d.Behind++
		}
		d.Contracts = append(d.Contracts, cs)
	}
	if d.Kind != "provider" {
		if d.Coverage, err = a.dashCoverage(ctx, q, s, rows, d.AsOf); err != nil {
			return nil, err
		}
	}
	_, attention, err := a.DeliveryItems(ctx, ac)
	if err != nil {
		return nil, err
	}
	d.Attention = dashNonNil(attention)
	y := strconv.Itoa(year)
	sat, err := a.SatisfactionTrend(ctx, ac, y+"-01", y+"-12")
	if err != nil {
		return nil, err
	}
	d.Satisfaction = dashNonNil(sat)
	return d, nil
}

// PlaceKind is the dashboard kind of a place-scoped dashboard: the division level of the place
// (the budget levels "province" … "street", or "community"); "street" for a code it cannot read,
// as every place dashboard was before other levels bought services.
func PlaceKind(code string) string {
	lvl := gongzhi.LevelOfCode(code)
	if lvl == gongzhi.LevelCommunity {
		return "community"
	}
	if k := gongzhi.BudgetLevelOf(lvl); k != "" {
		return k
	}
	return "street"
}

func dashNonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// dashMoney fills the money blocks: by category, by budget level (with the budgets of the
// place), the year's total and the payments by month.
func (a *Service) dashMoney(ctx context.Context, q *store.Q, d *Dashboard, s store.Scope, year int) error {
	var err error
	if d.ByCategory, err = q.MoneyByCategory(ctx, s, year); err != nil {
		return err
	}
	cats, err := a.ServiceCategories(ctx, false)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, c := range cats {
		names[c.Code] = c.Name
	}
	for i := range d.ByCategory {
		d.ByCategory[i].Name = names[d.ByCategory[i].Key]
		if d.ByCategory[i].Name == "" {
			d.ByCategory[i].Name = d.ByCategory[i].Key
		}
		d.Total.Contracts += d.ByCategory[i].Contracts
		d.Total.Contracted += d.ByCategory[i].Contracted
		d.Total.Paid += d.ByCategory[i].Paid
	}
	d.ByCategory = dashNonNil(d.ByCategory)
	levels, err := q.MoneyByLevel(ctx, s, year)
	if err != nil {
		return err
	}
	budgets := map[string]gongzhi.Money{}
	if d.Kind != "provider" && !s.None {
		if budgets, err = q.BudgetsByLevel(ctx, s.Prefix, year); err != nil {
			return err
		}
	}
	d.ByLevel = []gongzhi.MoneyRow{}
	for _, lv := range append(slices.Clone(gongzhi.BudgetLevels), "") {
		row := gongzhi.MoneyRow{Key: lv, Budgeted: budgets[lv]}
		for _, l := range levels {
			if l.Key == lv {
				row.Contracts, row.Contracted, row.Paid = l.Contracts, l.Contracted, l.Paid
			}
		}
		if row.Budgeted != 0 || row.Contracts != 0 {
			d.Total.Budgeted += row.Budgeted
			d.ByLevel = append(d.ByLevel, row)
		}
	}
	d.Total.Key = "total"
	if d.PaidByMonth, err = q.PaidByMonth(ctx, s, year); err != nil {
		return err
	}
	d.PaidByMonth = dashNonNil(d.PaidByMonth)
	return nil
}

// dashCoverage builds the grid of communities × target groups: services from the signed
// contracts in force on asOf (each serves the communities and target groups of its
// application), needs from the needs recorded in each community.
func (a *Service) dashCoverage(ctx context.Context, q *store.Q, s store.Scope, rows []*store.ContractRow, asOf string) (*gongzhi.Coverage, error) {
	cov := &gongzhi.Coverage{Communities: []gongzhi.NamedCode{}, Groups: []gongzhi.NamedCode{}, Cells: []gongzhi.CoverageCell{}}
	if s.None {
		return cov, nil
	}
	var err error
	if cov.Communities, err = q.PlacesAtLevel(ctx, store.Scope{Prefix: s.Prefix}, gongzhi.LevelCommunity); err != nil {
		return nil, err
	}
	groups, err := q.ListTargetGroups(ctx)
	if err != nil {
		return nil, err
	}
	type key struct{ c, g string }
	cells := map[key]*gongzhi.CoverageCell{}
	cell := func(c, g string) *gongzhi.CoverageCell {
		k := key{c, g}
		if cells[k] == nil {
			cells[k] = &gongzhi.CoverageCell{CommunityCode: c, TargetGroup: g}
		}
		return cells[k]
	}
	for _, r := range rows {
		if !gongzhi.Covers(r.Terms.StartOn, r.Terms.EndOn, asOf) {
			continue
		}
		cov.Active++
		for _, c := range r.Communities {
			for _, g := range r.TargetGroups {
				cell(c, g).Services++
			}
		}
	}
	needs, err := q.NeedsByCell(ctx, s.Prefix)
	if err != nil {
		return nil, err
	}
	for _, n := range needs {
		c := cell(n.CommunityCode, n.TargetGroup)
		c.Needs, c.People = n.Needs, n.People
	}
	// the groups shown: those with a service or a need, in the registry's order
	used := map[string]bool{}
	inScope := map[string]bool{}
	for _, c := range cov.Communities {
		inScope[c.Code] = true
	}
	for k := range cells {
		if inScope[k.c] {
			used[k.g] = true
		}
	}
	for _, g := range groups {
		if used[g.Code] {
			cov.Groups = append(cov.Groups, gongzhi.NamedCode{Code: g.Code, Name: g.Name})
		}
	}
	for _, c := range cov.Communities {
		for _, g := range cov.Groups {
			if x := cells[key{c.Code, g.Code}]; x != nil {
				x.Gap = x.Needs > 0 && x.Services == 0
				if x.Gap {
					cov.Gaps++
				}
				cov.Cells = append(cov.Cells, *x)
			}
		}
	}
	return cov, nil
}
