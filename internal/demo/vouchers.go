// The demo street's service vouchers (服务券, docs/domain.md §8): a scheme of 葛塘街道 for
// elderly people living alone in 中山社区, its vouchers issued to every eligible resident out of a
// budget of its own, a few of them redeemed at 同心 with the PINs of their printed sheets and
// linked to its service ledger. The demo resident (zs-resident, who lives alone in 中山社区)
// holds two of them: one spent at 同心 with the PIN taken on the phone and rated, whose
// receipts are on the public ledger, and one still unused, for a newcomer to choose a provider
// and take a PIN.

package demo

import (
	"context"
	"fmt"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/store"
	"gongzhi/internal/vouchers"
)

// VoucherSchemeName is the demo's voucher scheme.
const VoucherSchemeName = "中山社区独居老人居家服务券"

func seedVouchers(ctx context.Context, a *app.App, pac *gongzhi.Actor, orgIDs map[string]int64, now time.Time) error {
	year := now.In(gongzhi.ChinaTime).Year()
	b := &gongzhi.Budget{PlaceCode: StreetCode, FiscalYear: year, Level: "street", Fund: "fiscal", Name: "居家养老服务券资金",
		Amount: gongzhi.Yuan(60_000)}
	if err := a.CreateBudget(ctx, pac, b); err != nil {
		return fmt.Errorf("budget: %w", err)
	}
	s := &gongzhi.VoucherScheme{Name: VoucherSchemeName, BudgetID: b.ID, FaceValue: gongzhi.Yuan(50), TargetGroups: []string{"elderly_alone"},
		MinAge: 60, Communities: []string{ZhongshanCode}, LivingAlone: true, Categories: []string{"elderly_home_care"},
		Providers: []int64{orgIDs["tongxin"], orgIDs["xiyanghong"]}, ValidFrom: fmt.Sprintf("%d-01-01", year),
		ValidUntil: fmt.Sprintf("%d-12-31", year+1), PerPerson: 4}
	if err := a.CreateScheme(ctx, pac, s); err != nil {
		return fmt.Errorf("scheme: %w", err)
	}
	vs, err := a.IssueVouchers(ctx, pac, s.ID)
	if err != nil {
		return fmt.Errorf("issue: %w", err)
	}
	prov, err := demoActor(ctx, a, "gt-provider")
	if err != nil {
		return err
	}
	var entry int64
	if _, err := a.Entries(ctx, prov, store.ListOptions{Limit: 1, Filters: map[string]string{}}, func(e *gongzhi.ServiceEntry) error {
		entry = e.ID
		return nil
	}); err != nil {
		return err
	}
	// every fourth voucher, up to five, spent at 同心 with the PIN of its printed sheet
	spent := 0
	for i := 0; i < len(vs) && spent < 5; i += 4 {
		sheet, err := a.PrintSheets(ctx, pac, s.ID, vs[i].CommunityCode, fmt.Sprint(vs[i].ID))
		if err != nil || len(sheet) != 1 {
			return fmt.Errorf("sheet: %v", err)
		}
		v, err := a.Redeem(ctx, prov, vouchers.RedeemRequest{Serial: sheet[0].Serial, PIN: sheet[0].PIN, EntryID: entry})
		if err != nil {
			return fmt.Errorf("redeem: %w", err)
		}
		_ = v
		spent++
	}
	return seedResidentVouchers(ctx, a, s, prov, entry)
}

// seedResidentVouchers takes the demo resident through one voucher, as the resident and the
// provider would on their phones: the resident chooses 同心 and takes a PIN, 同心 redeems it
// linking its service ledger, the resident rates the service. The other vouchers stay unused.
func seedResidentVouchers(ctx context.Context, a *app.App, s *gongzhi.VoucherScheme, prov *gongzhi.Actor, entry int64) error {
	res, err := demoActor(ctx, a, "zs-resident")
	if err != nil {
		return err
	}
	var held []*gongzhi.Voucher
	if err := a.Vouchers(ctx, res, map[string]string{"scheme": fmt.Sprint(s.ID), "state": gongzhi.VoucherIssued}, func(v *gongzhi.Voucher) error {
		held = append(held, v)
		return nil
	}); err != nil {
		return err
	}
	if len(held) < 2 {
		return fmt.Errorf("the demo resident holds %d unused vouchers of %s, want 2 or more (linked to the registry? eligible?)", len(held), s.Name)
	}
	v := held[len(held)-1] // the first issued (the list is newest first)
	if _, err := a.ChooseProvider(ctx, res, v.ID, prov.User.OrgID); err != nil {
		return fmt.Errorf("resident chooses: %w", err)
	}
	withPIN, err := a.NewPIN(ctx, res, v.ID)
	if err != nil {
		return fmt.Errorf("resident's PIN: %w", err)
	}
	if _, err := a.Redeem(ctx, prov, vouchers.RedeemRequest{Serial: withPIN.Serial, PIN: withPIN.PIN, EntryID: entry}); err != nil {
		return fmt.Errorf("redeem the resident's voucher: %w", err)
	}
	if _, err := a.VouchersService.Rate(ctx, res, v.ID, 5, "小李上门很准时，帮我打扫了屋子，还陪我聊了会儿天。"); err != nil {
		return fmt.Errorf("resident rates: %w", err)
	}
	return nil
}

// demoActor is a demo account acting, with its scope.
func demoActor(ctx context.Context, a *app.App, username string) (*gongzhi.Actor, error) {
	u, _, err := a.DB.Q().UserByUsername(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("demo: %s: %w", username, err)
	}
	ac := &gongzhi.Actor{User: u, Via: "demo"}
	return ac, a.ScopeFor(ctx, ac)
}
