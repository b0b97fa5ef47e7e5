// Reports of the purchase workflow (docs/domain.md §3.10, §8, §9): funding by category and fiscal
// year with each category's share of the year, the needs each funded project answers and those
// left unanswered, and a call's full history. The funding report and the needs answered are
// disclosed information anyone may read; the history is for the purchaser, the hub and the
// auditor.

package purchase

import (
	"context"
	"maps"
	"slices"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// FundingByCategory returns the signed contracts at placeCode and below, with the past contracts
// imported from the office's records (counted in Imported), by fiscal year (from
// to to, inclusive) and category: number of contracts, total amount, and each category's share
// of the year's total in basis points (largest-remainder rounding, so a year's shares add up to
// exactly 100.00%). Categories come largest amount first. Each year is also rolled up over the
// places below placeCode (see fundingByPlace): a province sees its own purchases, each city,
// district and street below it with its subtotal, and the total of each level. Anyone may read
// it, without an account. ENOTFOUND for an unknown place; EINVALID (to: range:…) for more than
// 50 years or a reversed range.
func (a *Service) FundingByCategory(ctx context.Context, placeCode string, from, to int) ([]gongzhi.FundingYear, error) {
	if to < from || to-from >= 50 {
		return nil, gongzhi.Invalid("to", "range:"+kernel.Itoa(from)+"-"+kernel.Itoa(from+49))
	}
	q := a.DB.Q()
	prefix, _, err := kernel.PlacePrefix(ctx, q, placeCode)
	if err != nil {
		return nil, err
	}
	rows, err := q.FundingByCategory(ctx, prefix, from, to)
	if err != nil {
		return nil, err
	}
	past, err := q.PastFundingByCategory(ctx, prefix, from, to)
	if err != nil {
		return nil, err
	}
	rows = mergeFunding(rows, past)
	cats, err := q.ListServiceCategories(ctx, false)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, c := range cats {
		names[c.Code] = c.Name
	}
	var out []gongzhi.FundingYear
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Year != r.Year {
			out = append(out, gongzhi.FundingYear{Year: r.Year})
		}
		y := &out[len(out)-1]
		if r.CategoryName = names[r.CategoryCode]; r.CategoryName == "" {
			r.CategoryName = r.CategoryCode
		}
		y.Contracts += r.Contracts
		y.Amount += r.Amount
		y.Imported += r.Imported
		y.Categories = append(y.Categories, r)
	}
	for i := range out {
		y := &out[i]
		slices.SortStableFunc(y.Categories, func(a, b gongzhi.FundingRow) int {
			switch {
			case a.Amount > b.Amount:
				return -1
			case a.Amount < b.Amount:
				return 1
			}
			return 0
		})
		amounts := make([]gongzhi.Money, len(y.Categories))
		for j, c := range y.Categories {
			amounts[j] = c.Amount
		}
		for j, bp := range gongzhi.SharesBP(amounts) {
			y.Categories[j].ShareBP = bp
		}
	}
	if err := fundingByPlace(ctx, q, placeCode, prefix, from, to, out); err != nil {
		return nil, err
	}
	return out, nil
}

// fundingLevel is the level key of a place of division level lvl in the funding report: its
// budget level, or "community".
func fundingLevel(lvl int) string {
	if l := gongzhi.BudgetLevelOf(lvl); l != "" {
		return l
	}
	return "community"
}

// fundingByPlace fills each year's Levels and Places: the contracts signed by each place at
// placeCode and below (the call's place signs), summed by level, and each place with what it
// signed itself and its subtotal with the places below it. A place with nothing signed at it
// or below it is left out; the report's place is always first when anything was signed.
func fundingByPlace(ctx context.Context, q *store.Q, placeCode, prefix string, from, to int, years []gongzhi.FundingYear) error {
	rows, err := q.FundingByPlace(ctx, prefix, from, to)
	if err != nil {
		return err
	}
	top := gongzhi.LevelOfCode(placeCode)
	codes := map[string]bool{}
	for _, r := range rows {
		for l := top; l <= gongzhi.LevelOfCode(r.PlaceCode); l++ {
			codes[gongzhi.AncestorCode(r.PlaceCode, l)] = true
		}
	}
	names, err := q.PlaceNames(ctx, slices.Sorted(maps.Keys(codes)))
	if err != nil {
		return err
	}
	for i := range years {
		y := &years[i]
		levels := map[string]*gongzhi.FundingLevel{}
		places := map[string]*gongzhi.FundingPlace{}
		for _, r := range rows {
			if r.Year != y.Year {
				continue
			}
			lvl := gongzhi.LevelOfCode(r.PlaceCode)
			key := fundingLevel(lvl)
			if levels[key] == nil {
				levels[key] = &gongzhi.FundingLevel{Level: key}
			}
			levels[key].Contracts += r.Contracts
			levels[key].Amount += r.Amount
			for l := top; l <= lvl; l++ {
				code := gongzhi.AncestorCode(r.PlaceCode, l)
				p := places[code]
				if p == nil {
					p = &gongzhi.FundingPlace{PlaceCode: code, PlaceName: names[code], Level: fundingLevel(l)}
					if p.PlaceName == "" {
						p.PlaceName = code
					}
					places[code] = p
				}
				p.TotalContracts += r.Contracts
				p.TotalAmount += r.Amount
				if l == lvl {
					p.Contracts += r.Contracts
					p.Amount += r.Amount
				}
			}
		}
		y.Levels, y.Places = []gongzhi.FundingLevel{}, []gongzhi.FundingPlace{}
		for _, key := range append(slices.Clone(gongzhi.BudgetLevels), "community") {
			if l := levels[key]; l != nil {
				y.Levels = append(y.Levels, *l)
			}
		}
		amounts := make([]gongzhi.Money, len(y.Levels))
		for j, l := range y.Levels {
			amounts[j] = l.Amount
		}
		for j, bp := range gongzhi.SharesBP(amounts) {
			y.Levels[j].ShareBP = bp
		}
		for _, code := range slices.Sorted(maps.Keys(places)) {
			y.Places = append(y.Places, *places[code])
		}
	}
	return nil
}

// mergeFunding adds the imported past contracts' rows to the live ones: both are ordered by year
// and category, and so is the result; a category of a year present in both is one row.
func mergeFunding(live, past []gongzhi.FundingRow) []gongzhi.FundingRow {
	if len(past) == 0 {
		return live
	}
	out := make([]gongzhi.FundingRow, 0, len(live)+len(past))
	i, j := 0, 0
	for i < len(live) || j < len(past) {
		switch {
		case j == len(past) || i < len(live) && (live[i].Year < past[j].Year || live[i].Year == past[j].Year && live[i].CategoryCode < past[j].CategoryCode):
			out = append(out, live[i])
			i++
		case i == len(live) || live[i].Year != past[j].Year || live[i].CategoryCode != past[j].CategoryCode:
			out = append(out, past[j])
			j++
		default:
			r := live[i]
			r.Contracts += past[j].Contracts
			r.Amount += past[j].Amount
			r.Imported += past[j].Imported
			out = append(out, r)
			i, j = i+1, j+1
		}
	}
	return out
}

// NeedsAnswered returns the funded projects of calls at placeCode and below (callID 0: every
// call) with the needs each answers — what every funded project shows. Anyone may read it,
// without an account; contacts of the needs are shown only to staff who record needs.
// ENOTFOUND for an unknown place.
func (a *Service) NeedsAnswered(ctx context.Context, ac *gongzhi.Actor, placeCode string, callID int64) ([]gongzhi.ProjectNeeds, error) {
	q := a.DB.Q()
	prefix, _, err := kernel.PlacePrefix(ctx, q, placeCode)
	if err != nil {
		return nil, err
	}
	ps, err := q.FundedProjects(ctx, prefix, callID)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		for j, n := range ps[i].Needs {
			ps[i].Needs[j] = stripNeed(ac, n)
		}
	}
	return ps, nil
}

// NeedsUnanswered lists the needs within scope that no funded project answers yet. Same roles
// and filters as Needs.
func (a *Service) NeedsUnanswered(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Need) error) (int, error) {
	f := map[string]string{}
	for k, v := range opts.Filters {
		f[k] = v
	}
	f["answered"] = "0"
	opts.Filters = f
	return a.Needs(ctx, ac, opts, each)
}

// CallHistory returns every state change of a call and of its applications, panel, scores,
// awards, objections, contracts and payments, in time order. The purchaser, the hub and the
// auditor may, within scope.
func (a *Service) CallHistory(ctx context.Context, ac *gongzhi.Actor, callID int64) ([]gongzhi.StateChange, error) {
	if err := kernel.Allow(ac, MayReadPurchases(ac)); err != nil {
		return nil, err
	}
	if _, err := a.DB.Q().GetCall(ctx, kernel.PlaceScope(ac), callID); err != nil {
		return nil, err
	}
	return a.DB.Q().ListStateChanges(ctx, store.HistoryFilter{CallID: callID})
}
