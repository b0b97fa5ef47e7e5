package web_test

// Accounts, tokens and households change once, whatever arrives at the same time (issue 11):
// fifty identical requests released together to link an account to a person, to unlink it, to
// add a resident to a household, to make a token of one name and to revoke a token — exactly one
// succeeds, the others get 409 naming the field, and exactly one audit entry is written. On
// SQLite and on PostgreSQL.

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

func TestOnceAccounts(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		f := newPartyFix(t, db)
		o := &onceFix{partyFix: f, db: db}
		e, a, ctx := f.e, f.e.app, context.Background()
		// a full token of the purchaser that lives long enough to make others
		_, pur, err := a.IssueToken(ctx, f.pur, accounts.TokenSpec{Name: "once-accounts", Days: 30, Scope: gongzhi.TokenFull})
		f.must(err)

		// link: a new expert account and a new expert of the street's pool
		ex := &gongzhi.Person{Kind: "expert", Name: "并发专家", PlaceCode: demo.StreetCode, ExpertFields: []string{"social_work"}, Affiliation: "南京大学"}
		f.must(a.CreatePerson(ctx, f.sys, ex))
		person := ex.ID
		u := &gongzhi.User{Username: "once-expert", DisplayName: "并发专家", Role: gongzhi.RoleExpert, PlaceCode: demo.DistrictCode}
		_, err = a.CreateUser(ctx, f.sys, u, "")
		f.must(err)
		link := fmt.Sprintf("/api/v1/users/%d/person", u.ID)
		o.once("link", onceReq{pur, "PUT", link, jsonOf(map[string]any{"person_id": person})}, 200, "person_id", "link.already_linked", written{0, 1})
		// a second account for the same person is refused, naming the account that holds it
		u2 := &gongzhi.User{Username: "once-expert-2", DisplayName: "并发专家二", Role: gongzhi.RoleExpert, PlaceCode: demo.DistrictCode}
		_, err = a.CreateUser(ctx, f.sys, u2, "")
		f.must(err)
		r := e.call(pur, "PUT", fmt.Sprintf("/api/v1/users/%d/person", u2.ID), map[string]any{"person_id": person})
		if code, fields := errOf(r); r.Status != http.StatusConflict || code != gongzhi.ECONFLICT || !fieldIs(fields["person_id"], "zh-CN", "link.person_taken:once-expert") {
			t.Fatalf("a second account for one person: %d %s", r.Status, r.Raw)
		}
		var n int
		f.must(db.Q().QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE person_id = ?`, person).Scan(&n))
		if n != 1 {
			t.Fatalf("%d accounts linked to one person", n)
		}
		// unlink
		o.once("unlink", onceReq{pur, "DELETE", link, ""}, 204, "person_id", "link.unlinked_already", written{0, 1})
		f.must(db.Q().QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE person_id = ?`, person).Scan(&n))
		if n != 0 {
			t.Fatalf("%d accounts linked after the unlink", n)
		}

		// a household member: a resident of the community, added to a new household once
		com := e.token("zs-community")
		r = e.call(com, "POST", "/api/v1/households", map[string]any{"community_code": demo.ZhongshanCode, "address": "中山花园 3 栋 202 室",
			"head_name": "并发户主", "members": 2})
		if r.Status != http.StatusCreated {
			t.Fatalf("household: %d %s", r.Status, r.Raw)
		}
		hid := int64(r.Body["id"].(float64))
		res := &gongzhi.Person{Kind: "resident", Name: "并发居民", PlaceCode: demo.ZhongshanCode, Gender: "male", BirthYear: 1979,
			IDNumber: withCheckDigit("32011619790612431")}
		f.must(a.CreatePerson(ctx, f.sys, res))
		o.once("member", onceReq{com, "POST", fmt.Sprintf("/api/v1/households/%d/members", hid), jsonOf(map[string]any{"person_id": res.ID})},
			200, "person_id", "household.member_already", written{0, 1})
		p, err := a.Person(ctx, f.sys, res.ID)
		if err != nil || p.HouseholdID != hid {
			t.Fatalf("the member's household: %v %d", err, p.HouseholdID)
		}

		// a token's name is unique among the account's live tokens
		won := o.once("token", onceReq{pur, "POST", "/api/v1/tokens", jsonOf(map[string]any{"name": "夜间同步", "days": 1, "scope": "read"})},
			201, "name", "token.name_taken", written{0, 1})
		f.must(db.Q().QueryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND name = ?`, f.pur.User.ID, "夜间同步").Scan(&n))
		if n != 1 {
			t.Fatalf("%d tokens named 夜间同步", n)
		}
		id := int64(won["token"].(map[string]any)["id"].(float64))

		// revoke: once; the second says it was revoked already, and when
		o.once("revoke", onceReq{pur, "POST", fmt.Sprintf("/api/v1/tokens/%d/revoke", id), ""}, 200, "id", "token.already_revoked", written{0, 1})
		r = e.call(pur, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), nil)
		_, fields := errOf(r)
		var at string
		list, err := a.Tokens(ctx, f.pur)
		f.must(err)
		for _, tk := range list {
			if tk.ID == id {
				at = tk.RevokedAt.UTC().Format("2006-01-02T15:04:05Z07:00")
			}
		}
		if r.Status != http.StatusConflict || at == "" || !fieldIs(fields["id"], "zh-CN", "token.already_revoked:"+at) {
			t.Fatalf("a second revoke: %d %s (revoked at %s)", r.Status, r.Raw, at)
		}
		// the name is free again once its token is revoked
		if r := e.call(pur, "POST", "/api/v1/tokens", map[string]any{"name": "夜间同步", "days": 1, "scope": "read"}); r.Status != http.StatusCreated {
			t.Fatalf("the name of a revoked token: %d %s", r.Status, r.Raw)
		}
	})
}
