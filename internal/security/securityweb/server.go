// Package securityweb serves the security administrator's alarms and the audit administrator's
// export of the audit log, in the pages and the JSON API, on the web kit.
package securityweb

import (
	"embed"

	"gongzhi/internal/security"
	"gongzhi/internal/web"
)

// Server is the security pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *security.Service
}

//go:embed templates
var templates embed.FS

// Part is the security pages' and API's share of the server, calling svc.
func Part(svc *security.Service) web.Part {
	return web.Part{Name: "security", Dir: "internal/security/securityweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).routes() },
		Nav: []web.NavLink{
			{Key: "nav.alarms", Href: "/security/alarms", Show: security.MayReadAlarms, Order: 935},
			{Key: "nav.tamper_alarms", Href: "/tamper-alarms", Show: security.MayReadTamperAlarms, Order: 936},
		}}
}

func init() {
	web.AddMessageFiles("internal/security/securityweb", messageFiles)
	web.AddAPIDocs(map[string]web.ApiDoc{
		"GET /api/v1/security/alarms": {Summary: "The security alarms (security administrator): repeated failed sign-ins, administrators' writes " +
			"off hours, bulk reveals of ID numbers; newest first", Resp: security.Alarm{}, List: true, Filters: []string{"kind", "open"}},
		"GET /api/v1/tamper-alarms": {Summary: "The tamper alarms (auditor, audit and security administrators): public ledger records that differ from " +
			"the database, a ledger that fails verification, audit entries that differ from their day's seal; each with what differs, " +
			"when it was first and last found; newest first", Resp: security.Alarm{}, List: true, Filters: []string{"kind", "open"}},
		"POST /api/v1/security/alarms/{id}/ack": {Summary: "Acknowledge a security alarm (security administrator), once", Resp: security.Alarm{}},
		"POST /api/v1/audit/export": {Summary: "Export the audit log (audit administrator) as .xlsx or CSV, by date range, user and action; " +
			"the export is itself audited", Req: security.ExportFilter{}, Binary: true},
	})
}

// messageFiles are the security pages' messages, one file per language.
//
//go:embed messages
var messageFiles embed.FS
