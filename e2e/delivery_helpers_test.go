// Service-layer fixtures shared by the delivery journeys (complaints, ledger, evaluation,
// supervision, dashboard): demo accounts as actors, expert accounts for a drawn panel, and the
// end of a call from ranking to signed contracts.

package e2e

import (
	"context"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
)

// fatalOn returns a function that fails t at once on an error.
func fatalOn(t *testing.T) func(error) {
	return func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// serviceActor is a demo account as the service layer sees it.
func serviceActor(t *testing.T, a *app.App, username string) *gongzhi.Actor {
	t.Helper()
	u, _, err := a.DB.Q().UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return scopedActor(t, a, u)
}

// scopedActor is the actor of account u, its scope loaded.
func scopedActor(t *testing.T, a *app.App, u *gongzhi.User) *gongzhi.Actor {
	t.Helper()
	ac := &gongzhi.Actor{User: u, Via: "test"}
	if err := a.ScopeFor(context.Background(), ac); err != nil {
		t.Fatal(err)
	}
	return ac
}

// expertAccount makes an expert account username for the pool member person, linked to it, or
// returns the account the person is already linked to (a person has one account; the demo made
// some).
func expertAccount(t *testing.T, a *app.App, username, place string, person int64) *gongzhi.Actor {
	t.Helper()
	ctx, sys, must := context.Background(), gongzhi.SystemActor("test"), fatalOn(t)
	if holder, _, err := a.DB.Q().PersonHolder(ctx, person); err != nil || holder != 0 {
		must(err)
		u, err := a.DB.Q().GetUser(ctx, holder)
		must(err)
		return scopedActor(t, a, u)
	}
	u := &gongzhi.User{Username: username, DisplayName: "专家", Role: gongzhi.RoleExpert, PlaceCode: place}
	_, err := a.CreateUser(ctx, sys, u, "")
	must(err)
	must(a.LinkExpertAccount(ctx, sys, u.ID, person))
	return scopedActor(t, a, u)
}

// signAwards ranks a reviewed call, proposes the awards over threshold and publishes them,
// moves the clock (forward) to after past the end of the notice period, finalizes the call, and
// generates each award's contract in purchaser's name, confirmed by pur and by prov(award). It
// returns the contracts as generated, in the order of the awards.
func signAwards(t *testing.T, a *app.App, pur *gongzhi.Actor, callID int64, threshold gongzhi.Points, forward func(time.Duration),
	after time.Duration, purchaser string, prov func(*gongzhi.Award) *gongzhi.Actor) []*gongzhi.Contract {
	t.Helper()
	ctx, must := context.Background(), fatalOn(t)
	_, err := a.RankCall(ctx, pur, callID)
	must(err)
	_, err = a.ProposeAwards(ctx, pur, callID, threshold)
	must(err)
	must(a.PublishAwards(ctx, pur, callID))
	c, err := a.Call(ctx, pur, callID)
	must(err)
	forward(c.NoticeEndsAt.Sub(a.Now()) + after)
	must(a.FinalizeCall(ctx, pur, callID))
	awards, err := a.Awards(ctx, pur, callID)
	must(err)
	var out []*gongzhi.Contract
	for _, w := range awards {
		ct, err := a.GenerateContract(ctx, pur, w.ID, purchaser)
		must(err)
		must(a.ConfirmContract(ctx, pur, ct.ID))
		must(a.ConfirmContract(ctx, prov(w), ct.ID))
		out = append(out, ct)
	}
	return out
}
