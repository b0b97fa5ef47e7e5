// Package evaluation evaluates projects: each call's indicator system, mid-term and final rounds,
// panels, score sheets, grades and their consequences (bars and bonuses).
package evaluation

import (
	"gongzhi/internal/ledger"
)

// Service is the evaluation capability's service layer. It builds on the ones below it, whose methods
// it offers as its own.
type Service struct {
	*ledger.Service
}

// New returns the service over the ones below it.
func New(l *ledger.Service) *Service { return &Service{l} }
