// Package site assembles Gongzhi's web server from the kit and every capability's part. A new
// capability adds its part to the list below: that is its one line of wiring.
package site

import (
	"log/slog"

	"gongzhi/internal/accounts/accountsweb"
	"gongzhi/internal/app"
	"gongzhi/internal/complaints/complaintsweb"
	"gongzhi/internal/consult/consultweb"
	"gongzhi/internal/evaluation/evaluationweb"
	"gongzhi/internal/events/eventsweb"
	"gongzhi/internal/events/open311"
	"gongzhi/internal/gridwork/gridworkweb"
	"gongzhi/internal/jobs"
	"gongzhi/internal/jobs/jobsweb"
	"gongzhi/internal/ledger/ledgerweb"
	"gongzhi/internal/overview/overviewweb"
	"gongzhi/internal/publog/publogweb"
	"gongzhi/internal/purchase/purchaseweb"
	"gongzhi/internal/registry/registryweb"
	"gongzhi/internal/security/securityweb"
	"gongzhi/internal/supervision/supervisionweb"
	"gongzhi/internal/votes/votesweb"
	"gongzhi/internal/vouchers/vouchersweb"
	"gongzhi/internal/web"
)

// Parts are the capabilities' shares of the server over a's services, in the order they
// register.
func Parts(a *app.App) []web.Part {
	return []web.Part{
		accountsweb.Part(a.AccountsService),
		registryweb.Part(a.RegistryService),
		purchaseweb.Part(a.PurchaseService),
		ledgerweb.Part(a.LedgerService),
		supervisionweb.Part(a.SupervisionService),
		complaintsweb.Part(a.ComplaintsService),
		evaluationweb.Part(a.EvaluationService),
		overviewweb.Part(a.OverviewService),
		jobsweb.Part(jobs.NewService(a)),
		securityweb.Part(a.SecurityService),
		vouchersweb.Part(a.VouchersService),
		consultweb.Part(a.ConsultService),
		votesweb.Part(a.VotesService),
		eventsweb.Part(a.EventsService),
		open311.Part(a.EventsService),
		gridworkweb.Part(a.GridworkService),
		publogweb.Part(a.PubLog),
	}
}

// New builds the web server with every capability.
func New(a *app.App, log *slog.Logger, opts web.Options) (*web.Server, error) {
	return web.New(a, log, opts, Parts(a)...)
}
