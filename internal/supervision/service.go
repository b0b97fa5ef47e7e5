// Package supervision runs monthly supervision: inspections, rectification orders, talks, joint
// meetings and the monthly supervision report.
package supervision

import (
	"gongzhi/internal/ledger"
)

// Service is the supervision capability's service layer. It builds on the ones below it, whose methods
// it offers as its own.
type Service struct {
	*ledger.Service
}

// New returns the service over the ones below it.
func New(l *ledger.Service) *Service { return &Service{l} }
