// Package purchase buys social services: needs, the catalog, budgets, calls, applications,
// preliminary review, expert panels and scores, awards and the public notice, contracts, payments
// and the purchase reports.
package purchase

import (
	"gongzhi"
	"gongzhi/internal/registry"
)

// Service is the purchase capability's service layer. It builds on the ones below it, whose methods
// it offers as its own.
type Service struct {
	*registry.Service
}

// New returns the service over the ones below it.
func New(r *registry.Service) *Service { return &Service{r} }

// PurchaseLevels are the division levels whose offices buy services — a province, a city, a
// district or a street — and so the places a budget or a call can be at. A purchaser scoped to
// one of them runs the purchase of its place and of every place below it.
var PurchaseLevels = []int{gongzhi.LevelProvince, gongzhi.LevelCity, gongzhi.LevelDistrict, gongzhi.LevelStreet}
