package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/demo"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
)

// TestDashboardKindIsThePlaceLevel: the dashboard's kind names the level of the caller's place —
// "province" for the province's purchaser, "street" for the street's — and a place dashboard of
// any level has its coverage; the province's page shows the place blocks too.
func TestDashboardKindIsThePlaceLevel(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for who, want := range map[string]string{demo.ProvincePurchaser: "province", "gt-purchaser": "street", "gt-provider": "provider"} {
			r := e.call(e.token(who), "GET", "/api/v1/dashboard", nil)
			if r.Status != http.StatusOK || r.Body["kind"] != want {
				t.Errorf("%s: kind %v, want %s (%d %s)", who, r.Body["kind"], want, r.Status, r.Raw)
			}
			if _, ok := r.Body["coverage"]; ok != (want != "provider") {
				t.Errorf("%s: coverage present %v: %s", who, ok, r.Raw)
			}
		}
		ac := &gongzhi.Actor{User: &gongzhi.User{Role: gongzhi.RolePurchaser, PlaceCode: demo.DistrictCode}, Via: "test"}
		if err := e.app.ScopeFor(context.Background(), ac); err != nil {
			t.Fatal(err)
		}
		d, err := e.app.Dashboard(context.Background(), ac, 2026)
		if err != nil || d.Kind != "district" || d.Coverage == nil {
			t.Errorf("district purchaser: %v %+v", err, d)
		}
	})
}

// TestOnTimeRatesBeforeAnyPublicCall: before any call is public, the public payment record lists
// the purchasers' own places at every level (the demo's province and street), not every street of
// the instance (长芦街道 has no purchaser).
func TestOnTimeRatesBeforeAnyPublicCall(t *testing.T) {
	t.Parallel()
	demodb.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := db.Q().Exec(context.Background(), `UPDATE calls SET state = 'draft'`); err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, db)
		r := e.call("", "GET", "/api/v1/public/on-time-rate", nil)
		items, _ := r.Body["items"].([]any)
		var codes []string
		for _, it := range items {
			codes = append(codes, it.(map[string]any)["place_code"].(string))
		}
		if r.Status != http.StatusOK || strings.Join(codes, ",") != demo.ProvinceCode+","+demo.StreetCode {
			t.Errorf("on-time rate before any public call: %d %v %s", r.Status, codes, r.Raw)
		}
		_, page := e.browser().get("/public")
		if !strings.Contains(page, "江苏省") || strings.Contains(page, "长芦街道") {
			t.Errorf("/public names other places than the purchasers'")
		}
	})
}
