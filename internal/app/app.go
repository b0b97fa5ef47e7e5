// Package app assembles Gongzhi's service layer: the kernel (transactions, audit, scopes, clock)
// and one service per capability, each built on the ones below it. The web server, the command
// line and the demo hold an *App and call the capabilities through it.
package app

import (
	"context"
	"log/slog"
	"time"

	"gongzhi"
	"gongzhi/internal/accounts"
	"gongzhi/internal/complaints"
	"gongzhi/internal/consult"
	"gongzhi/internal/evaluation"
	"gongzhi/internal/events"
	"gongzhi/internal/gridwork"
	"gongzhi/internal/kernel"
	"gongzhi/internal/ledger"
	"gongzhi/internal/overview"
	"gongzhi/internal/publog"
	"gongzhi/internal/purchase"
	"gongzhi/internal/registry"
	"gongzhi/internal/secret"
	"gongzhi/internal/security"
	"gongzhi/internal/store"
	"gongzhi/internal/supervision"
	"gongzhi/internal/votes"
	"gongzhi/internal/vouchers"
)

// App is every capability's service over one kernel.
// Each capability's methods are the App's own; the fields name each one.
type App struct {
	*kernel.Kernel
	*AccountsService
	*RegistryService
	*PurchaseService
	*LedgerService
	*SupervisionService
	*ComplaintsService
	*EvaluationService
	*OverviewService
	*SecurityService
	*VouchersService
	*ConsultService
	*VotesService
	*EventsService
	*GridworkService
	// PubLog is the instance's public ledger (internal/publog): its keys, origin and integration.
	PubLog *publog.Log
}

// The capabilities' services, by name.
type (
	AccountsService    = accounts.Service
	RegistryService    = registry.Service
	PurchaseService    = purchase.Service
	LedgerService      = ledger.Service
	SupervisionService = supervision.Service
	ComplaintsService  = complaints.Service
	EvaluationService  = evaluation.Service
	OverviewService    = overview.Service
	SecurityService    = security.Service
	VouchersService    = vouchers.Service
	ConsultService     = consult.Service
	VotesService       = votes.Service
	EventsService      = events.Service
	GridworkService    = gridwork.Service
)

// New returns the service layer with defaults filled in.
func New(db *store.DB, box *secret.Box, cfg kernel.Config, log *slog.Logger) *App {
	k := kernel.New(db, box, cfg, log)
	a := &App{Kernel: k}
	a.AccountsService = accounts.New(k)
	a.RegistryService = registry.New(a.AccountsService)
	a.PurchaseService = purchase.New(a.RegistryService)
	a.LedgerService = ledger.New(a.PurchaseService)
	// the ledger's writes, several a second, leave the cached public pages, which never show them
	k.PublicSkips = []string{ledger.ResLedger, ledger.ResEvidence}
	a.SupervisionService = supervision.New(a.LedgerService)
	a.ComplaintsService = complaints.New(a.LedgerService)
	a.EvaluationService = evaluation.New(a.LedgerService)
	a.OverviewService = overview.New(a.LedgerService, a.SupervisionService, a.ComplaintsService, a.EvaluationService)
	a.SecurityService = security.New(k)
	a.VouchersService = vouchers.New(a.LedgerService)
	a.ConsultService = consult.New(a.PurchaseService)
	a.VotesService = votes.New(a.LedgerService)
	a.EventsService = events.NewService(a.PurchaseService)
	a.GridworkService = gridwork.New(a.PurchaseService)
	// a visit's finding becomes a grid event through the events capability (docs/grids.md)
	a.GridworkService.ReportEvent, a.GridworkService.EventCategories = a.EventsService.Report, func(ctx context.Context) ([]*gongzhi.EventCategory, error) {
		return a.EventsService.Categories(ctx, true)
	}
	a.GridworkService.GridEvents, a.GridworkService.OpenEventsByGrid = a.EventsService.GridEvents, a.EventsService.OpenByGrid
	a.EventsService.SourceHref = gridwork.FindingHref
	a.OverviewService.More = append(a.OverviewService.More, a.GridworkService.Todos, a.EventsService.Todos, a.ConsultService.Todos,
		a.VotesService.Todos)
	pl, err := publog.New(db, box, cfg.LogOrigin)
	if err != nil { // an origin the configuration should have refused: the derived one instead
		log.Error("public ledger origin", "err", err)
		pl, _ = publog.New(db, box, "")
	}
	pl.Now = func() time.Time { return k.Now() }
	a.PubLog = pl
	return a
}
