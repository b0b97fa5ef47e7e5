// Package publogweb serves the public ledger (internal/publog; docs/ledger.md) on the web kit:
// the log itself as C2SP tlog-tiles under /log/ (the signed checkpoint, hash tiles and entry
// bundles; full tiles immutable and cacheable; no account needed), the page that explains in
// plain Chinese what the ledger proves and how to check a receipt (/public/ledger, with the
// public key and origin and the latest records), each record's receipt as text and QR code,
// and the same under /api/v1/public/ledger.
package publogweb

import (
	"embed"

	"gongzhi/internal/publog"
	"gongzhi/internal/web"
)

// Server is the ledger's pages and API on the kit's server, over the instance's log.
type Server struct {
	*web.Server
	log *publog.Log
}

//go:embed templates
var templates embed.FS

// messageFiles are the ledger pages' messages, one file per language.
//
//go:embed messages
var messageFiles embed.FS

// Part is the ledger's share of the server.
func Part(l *publog.Log) web.Part {
	return web.Part{Name: "publog", Dir: "internal/publog/publogweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, l}).routes() }}
}

func init() {
	web.AddMessageFiles("internal/publog/publogweb", messageFiles)
	web.AddAPIDocs(map[string]web.ApiDoc{
		"GET /api/v1/public/ledger": {Summary: "The public ledger (no account needed): its origin and verifier key, the latest signed checkpoint, " +
			"how many records wait for integration, and the latest records", Public: true, Resp: publog.Overview{}},
		"GET /api/v1/public/ledger/receipts/{seq}": {Summary: "A record's receipt against the latest checkpoint (no account needed): the record, its index, " +
			"the inclusion proof and the signed checkpoint, as text (C2SP tlog-proof inside; docs/ledger.md); 404 while the record is pending",
			Public: true, Resp: receiptBody{}},
	})
}
