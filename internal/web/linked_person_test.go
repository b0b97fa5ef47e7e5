// Issue 10: the person an account is linked to is read with the account when a request is
// authenticated (kernel.LinkedOf), so that a resident's home page does not read it once per
// capability that asks.

package web_test

import (
	"context"
	"reflect"
	"sync/atomic"
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestLinkedPersonReadWithAccount(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		res, err := e.app.TokenActor(ctx, e.token("zs-resident"), "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		want, err := e.app.DB.Q().UserLink(ctx, res.User.ID)
		if err != nil || want.Person == 0 || want.Household == 0 || want.Community == "" {
			t.Fatalf("the demo resident's link %+v %v", want, err)
		}
		if res.Linked == nil || *res.Linked != want {
			t.Fatalf("the token's actor carries %+v, want %+v", res.Linked, want)
		}
		// an account linked to no one carries an empty link, not none: nothing to read again
		com, err := e.app.TokenActor(ctx, e.token("zs-community"), "127.0.0.1")
		if err != nil || com.Linked == nil || *com.Linked != (gongzhi.PersonLink{}) {
			t.Fatalf("the community worker's link %+v %v", com.Linked, err)
		}

		// the home page's to-dos: the same with the link carried as read again, in fewer statements
		todos := func(ac *gongzhi.Actor) (any, int64) {
			var n atomic.Int64
			todos, stats, err := e.app.OverviewService.Todos(store.CountingStatements(ctx, &n), ac)
			if err != nil {
				t.Fatal(err)
			}
			return []any{todos, stats}, n.Load()
		}
		bare := *res
		bare.Linked = nil
		todos(res) // the lists' totals kept (store's counts_kept.go), for both runs alike
		got, carried := todos(res)
		again, read := todos(&bare)
		if !reflect.DeepEqual(got, again) {
			t.Fatalf("to-dos with the carried link %+v, read again %+v", got, again)
		}
		// overview's services to rate, votes' scope and to-dos each read the link when not carried
		if read-carried < 3 {
			t.Fatalf("the resident's to-dos ran %d statements with the link carried, %d reading it", carried, read)
		}
		t.Logf("resident's to-dos: %d statements, %d when each capability reads the link", carried, read)
	})
}
