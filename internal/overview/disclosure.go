// Public disclosure (信息公开, docs/domain.md §9): what anyone may read without an account —
// signed contracts as summaries, the final awards of calls and the payments made. Contracts carry
// organizations only (the purchaser and the provider); payments carry no note and no recorder;
// free text typed by an office (titles, indicator names) is published only when it carries no
// ID number or phone number (gongzhi.Redact). Drafts, proposals and anything before the notice
// period has ended are never shown.

package overview

import (
	"context"
	"slices"
	"strconv"

	"gongzhi"
	"gongzhi/internal/store"
)

// Redacted replaces published free text that carries personal data.
const Redacted = "（已隐去）"

// disclosureNames are the display names of categories, target groups and places used by the
// summaries.
type disclosureNames struct {
	categories, groups, places map[string]string
}

func (a *Service) disclosureNames(ctx context.Context, q *store.Q, places []string) (*disclosureNames, error) {
	n := &disclosureNames{categories: map[string]string{}, groups: map[string]string{}}
	cats, err := a.ServiceCategories(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		n.categories[c.Code] = c.Name
	}
	gs, err := q.ListTargetGroups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		n.groups[g.Code] = g.Name
	}
	slices.Sort(places)
	if n.places, err = q.PlaceNames(ctx, slices.Compact(places)); err != nil {
		return nil, err
	}
	return n, nil
}

func dsOrCode(names map[string]string, code string) string {
	if n := names[code]; n != "" {
		return n
	}
	return code
}

func (n *disclosureNames) summary(r *store.ContractRow) *gongzhi.ContractSummary {
	t := r.Terms
	s := &gongzhi.ContractSummary{ID: r.ID, Title: gongzhi.Redact(r.Title, Redacted), CallID: r.CallID, CallTitle: gongzhi.Redact(r.CallTitle, Redacted),
		OrgID: r.OrgID, ProviderName: r.ProviderName, PurchaserName: gongzhi.Redact(r.PurchaserName, Redacted), PlaceCode: r.PlaceCode,
		PlaceName: dsOrCode(n.places, r.PlaceCode), FiscalYear: r.FiscalYear, CategoryCode: r.CategoryCode,
		CategoryName: dsOrCode(n.categories, r.CategoryCode), Amount: r.Amount, Paid: r.Paid, StartOn: t.StartOn, EndOn: t.EndOn,
		Communities: []gongzhi.NamedCode{}, TargetGroups: []gongzhi.NamedCode{}, Outputs: dsRedactIndicators(t.Outputs),
		Outcomes: dsRedactIndicators(t.Outcomes), Portions: []gongzhi.Portion{}}
	if !r.SignedAt.IsZero() {
		s.SignedOn = gongzhi.DateOf(r.SignedAt)
	}
	for _, c := range r.Communities {
		s.Communities = append(s.Communities, gongzhi.NamedCode{Code: c, Name: dsOrCode(n.places, c)})
	}
	for _, g := range r.TargetGroups {
		s.TargetGroups = append(s.TargetGroups, gongzhi.NamedCode{Code: g, Name: dsOrCode(n.groups, g)})
	}
	return s
}

func dsRedactIndicators(in []gongzhi.Indicator) []gongzhi.Indicator {
	out := make([]gongzhi.Indicator, 0, len(in))
	for _, i := range in {
		i.Name, i.Unit = gongzhi.Redact(i.Name, Redacted), gongzhi.Redact(i.Unit, Redacted)
		out = append(out, i)
	}
	return out
}

// DisclosedContracts lists signed contracts as public summaries (without their payment
// portions), newest signature first. Filters: fiscal_year, category, place. Anyone may call it.
func (a *Service) DisclosedContracts(ctx context.Context, opts store.ListOptions) ([]*gongzhi.ContractSummary, int, error) {
	q := a.DB.Q()
	var rows []*store.ContractRow
	delete(opts.Filters, "id")
	delete(opts.Filters, "org")
	total, err := q.ListSignedContracts(ctx, store.Scope{}, opts, func(r *store.ContractRow) error { rows = append(rows, r); return nil })
	if err != nil {
		return nil, 0, err
	}
	var places []string
	for _, r := range rows {
		places = append(append(places, r.PlaceCode), r.Communities...)
	}
	names, err := a.disclosureNames(ctx, q, places)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*gongzhi.ContractSummary, 0, len(rows))
	for _, r := range rows {
		out = append(out, names.summary(r))
	}
	return out, total, nil
}

// DisclosedContract returns one signed contract as its public summary, with its payment
// portions and what has been paid towards each and when. A draft contract answers ENOTFOUND.
func (a *Service) DisclosedContract(ctx context.Context, id int64) (*gongzhi.ContractSummary, error) {
	q := a.DB.Q()
	var row *store.ContractRow
	_, err := q.ListSignedContracts(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"id": strconv.FormatInt(id, 10)}, Limit: 1},
		func(r *store.ContractRow) error { row = r; return nil })
	if err != nil {
		return nil, err
	}
	if row == nil {
		return nil, gongzhi.NotFound()
	}
	names, err := a.disclosureNames(ctx, q, append([]string{row.PlaceCode}, row.Communities...))
	if err != nil {
		return nil, err
	}
	s := names.summary(row)
	paid, err := q.PortionsPaid(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, p := range row.Terms.Portions {
		p.Paid, p.PaidOn = paid[p.Index].Paid, paid[p.Index].LastOn
		s.Portions = append(s.Portions, p)
	}
	return s, nil
}

// PaymentsMade lists the payments made on signed contracts, newest first. Filters: contract,
// place, year. Anyone may call it.
func (a *Service) PaymentsMade(ctx context.Context, opts store.ListOptions) ([]*gongzhi.PaymentMade, int, error) {
	out := []*gongzhi.PaymentMade{}
	total, err := a.DB.Q().ListPaymentsMade(ctx, opts, func(p *gongzhi.PaymentMade) error {
		p.Title = gongzhi.Redact(p.Title, Redacted)
		out = append(out, p)
		return nil
	})
	return out, total, err
}

// FinalAwards lists the awards made final at the end of their call's notice period, newest call
// first. Filters: place, call. Anyone may call it.
func (a *Service) FinalAwards(ctx context.Context, opts store.ListOptions) ([]*gongzhi.FinalAward, int, error) {
	out := []*gongzhi.FinalAward{}
	total, err := a.DB.Q().ListFinalAwards(ctx, opts, func(f *gongzhi.FinalAward) error {
		f.Title, f.CallTitle = gongzhi.Redact(f.Title, Redacted), gongzhi.Redact(f.CallTitle, Redacted)
		out = append(out, f)
		return nil
	})
	return out, total, err
}
