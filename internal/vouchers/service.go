// Package vouchers runs service vouchers (服务券, docs/vouchers.md): a purchaser's schemes,
// issuing to the registry's eligible residents, redemption at an admitted provider with the
// resident's one-time PIN, monthly statements settled through the budget, expiry, residents'
// ratings, the report and the public provider shares.
package vouchers

import (
	"gongzhi/internal/ledger"
	"gongzhi/internal/store"
)

// Service is the vouchers capability's service layer. It builds on the ones below it (the
// registry, budgets and the service ledger), whose methods it offers as its own.
type Service struct {
	*ledger.Service
}

// New returns the service over the ones below it.
func New(l *ledger.Service) *Service { return &Service{l} }

// EligibleMatch is one resident a scheme admits, as the picker of "issue one" lists them: the
// store's own, named here so that the web package needs no storage import.
type EligibleMatch = store.EligibleMatch
