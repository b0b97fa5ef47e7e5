package app_test

import (
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// Community staff read the progress and the monthly sums of contracts serving their community,
// and no other (ENOTFOUND).
func TestLedgerCommunityReadsProgress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, cts := supContracts(t, db)
		ctx, a := f.ctx, f.a
		month := gongzhi.MonthOf(f.clock())
		if _, _, err := a.ContractProgress(ctx, f.community, cts[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.LedgerMonth(ctx, f.community, cts[0].ID, month); err != nil {
			t.Fatal(err)
		}
		other := f.user(gongzhi.RoleCommunity, "320116004002", 0)
		_, _, err := a.ContractProgress(ctx, other, cts[0].ID)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, err = a.LedgerMonth(ctx, other, cts[0].ID, month)
		purIs(t, err, gongzhi.ENOTFOUND, "", "")
		_, _, err = a.ContractProgress(ctx, f.resident, cts[0].ID)
		purIs(t, err, gongzhi.EFORBIDDEN, "", "")
	})
}
