// Package ledger keeps the service ledger (台账) of signed contracts, the indicator progress computed
// from it, satisfaction sampling and residents' ratings.
package ledger

import (
	"gongzhi/internal/purchase"
)

// Service is the ledger capability's service layer. It builds on the ones below it, whose methods
// it offers as its own.
type Service struct {
	*purchase.Service
}

// New returns the service over the ones below it.
func New(p *purchase.Service) *Service { return &Service{p} }
