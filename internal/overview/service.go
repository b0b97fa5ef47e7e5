// Package overview reads across every capability: the dashboards, the public disclosure
// section and each role's to-do list.
package overview

import (
	"context"

	"gongzhi"
	"gongzhi/internal/complaints"
	"gongzhi/internal/evaluation"
	"gongzhi/internal/kernel"
	"gongzhi/internal/ledger"
	"gongzhi/internal/supervision"
)

type (
	ledgerService      = ledger.Service
	supervisionService = supervision.Service
	complaintsService  = complaints.Service
	evaluationService  = evaluation.Service
)

// Service is the overview's service layer. It reads what the capabilities below it keep, whose
// methods it offers as its own.
type Service struct {
	*kernel.Kernel
	*ledgerService
	*supervisionService
	*complaintsService
	*evaluationService
	// More are the to-do items of capabilities built above the overview (grid work's overdue
	// visits), asked after its own for every role but the administrators.
	More []func(ctx context.Context, ac *gongzhi.Actor) ([]kernel.Todo, error)
}

// New returns the overview over the capabilities it reads.
func New(l *ledger.Service, s *supervision.Service, c *complaints.Service, e *evaluation.Service) *Service {
	return &Service{Kernel: l.Kernel, ledgerService: l, supervisionService: s, complaintsService: c, evaluationService: e}
}
