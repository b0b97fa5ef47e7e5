// The version of what anonymous public pages show, for the web kit's cache of them
// (internal/web/public_cache.go).

package kernel

import (
	"context"

	"gongzhi"
)

// PublicWindow is how many seconds of the clock one version of the public data covers: pages
// whose content depends on the time (a call that takes applications until its deadline) are
// recomputed at least this often.
const PublicWindow = 10

// PublicVersion names the state of the data anonymous public pages show: the last audited write
// (every write is audited, so any change of a call, contract, payment, complaint, place or
// catalog entry gives a new version) and the clock's window of PublicWindow seconds.
//
// Writes of the entities in PublicSkips are left out: the application names the service
// ledger's there, as providers write entries all day, a city's several a second under load, and
// each one emptied the cache of pages that never show an entry (the calls, their results, the
// purchasers' payment record, the communities to choose from). A cached public page that came to
// show the ledger would need them back.
func (a *Kernel) PublicVersion(ctx context.Context) (gongzhi.PublicVersion, error) {
	head, err := a.DB.Q().AuditHead(ctx, a.PublicSkips...)
	if err != nil {
		return gongzhi.PublicVersion{}, err
	}
	return gongzhi.PublicVersion{Head: head, Window: a.Now().Unix() / PublicWindow}, nil
}
