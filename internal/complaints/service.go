// Package complaints receives residents' complaints and inquiries, routes them, holds them to a
// deadline in working days, escalates the overdue ones and takes the residents' ratings of the
// answers.
package complaints

import (
	"gongzhi/internal/ledger"
)

// Service is the complaints capability's service layer. It builds on the ones below it, whose methods
// it offers as its own.
type Service struct {
	*ledger.Service
}

// New returns the service over the ones below it.
func New(l *ledger.Service) *Service { return &Service{l} }
