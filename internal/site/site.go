// Package site assembles Gongzhi's web server from the kit and every capability's part. A new
// capability adds its part to the list below: that is its one line of wiring.
package site

import (
	"log/slog"

	"gongzhi/internal/accounts/accountsweb"
	"gongzhi/internal/app"
	"gongzhi/internal/complaints/complaintsweb"
	"gongzhi/internal/evaluation/evaluationweb"
	"gongzhi/internal/jobs/jobsweb"
	"gongzhi/internal/ledger/ledgerweb"
	"gongzhi/internal/overview/overviewweb"
	"gongzhi/internal/purchase/purchaseweb"
	"gongzhi/internal/registry/registryweb"
	"gongzhi/internal/supervision/supervisionweb"
	"gongzhi/internal/web"
)

// Parts are the capabilities' shares of the server, in the order they register.
var Parts = []web.Part{
	accountsweb.Part,
	registryweb.Part,
	purchaseweb.Part,
	ledgerweb.Part,
	supervisionweb.Part,
	complaintsweb.Part,
	evaluationweb.Part,
	overviewweb.Part,
	jobsweb.Part,
}

// New builds the web server with every capability.
func New(a *app.App, log *slog.Logger, opts web.Options) (*web.Server, error) {
	return web.New(a, log, opts, Parts...)
}
