// Package votes runs the consultation's votes (表决) and decisions (决议), docs/votes.md and
// docs/domain.md §6: a community's vote on a topic or a list of proposals (a participatory
// budget among them) with rules frozen once it opens, one ballot per voter across channels
// (online, paper witnessed by a second staff account, proxies where allowed), every counted
// ballot and the result on the public ledger so that anyone can recount it, and the decision a
// passed vote becomes, followed to the end.
package votes

import (
	"gongzhi/internal/ledger"
)

// Service is the votes capability's service layer, over the ones below it (the registry, needs
// and budgets), whose methods it offers as its own.
type Service struct {
	*ledger.Service
}

// New returns the service over the ones below it.
func New(l *ledger.Service) *Service { return &Service{l} }
