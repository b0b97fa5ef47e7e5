package app_test

import (
	"testing"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// The public needs form takes PublicFormLimit needs an hour from one anonymous address, then
// refuses with ETOOMANY, writing nothing; another address, a signed-in resident and the next hour
// are not held back.
func TestPublicFormThrottle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := purSetup(t, db, purOptions{})
		ctx, a := f.ctx, f.a
		send := func(ac *gongzhi.Actor) error {
			n := &gongzhi.Need{CommunityCode: purZhongshan, TargetGroup: "elderly", CategoryCode: "elderly_home_care",
				Description: "楼道灯坏了，老人夜里出门不便。", PeopleAffected: 12, ContactName: "王大爷", ContactPhone: "13912345678"}
			return a.SubmitNeedPublic(ctx, ac, n)
		}
		anon := &gongzhi.Actor{IP: "198.51.100.7", Via: "web"}
		for i := range kernel.PublicFormLimit {
			if err := send(anon); err != nil {
				t.Fatalf("need %d: %v", i+1, err)
			}
		}
		count := func() int {
			n, err := a.Needs(ctx, f.hub, store.ListOptions{Limit: 1}, func(*gongzhi.Need) error { return nil })
			f.must(err)
			return n
		}
		before := count()
		if err := send(anon); gongzhi.ErrorCode(err) != gongzhi.ETOOMANY {
			t.Fatalf("need %d from one address: %v, want too many", kernel.PublicFormLimit+1, err)
		}
		if count() != before {
			t.Fatal("a refused need was written")
		}
		f.must(send(&gongzhi.Actor{IP: "198.51.100.8", Via: "web"}))
		f.must(send(f.resident))
		f.advance(kernel.PublicFormWindow)
		f.must(send(anon))
	})
}
