// Package jobsweb serves the operator's page of the scheduled jobs (internal/jobs) and its JSON
// API, on the web kit: each job's schedule, last run and result, recent failures with their
// errors, and next run. The system administrator's.
package jobsweb

import (
	"embed"

	"gongzhi/internal/jobs"
	"gongzhi/internal/web"
)

// Server is the jobs page's and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *jobs.Service
}

//go:embed templates
var templates embed.FS

// Part is the jobs page's and API's share of the server, calling svc.
func Part(svc *jobs.Service) web.Part {
	return web.Part{Name: "jobs", Dir: "internal/jobs/jobsweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).routes() },
		Nav: []web.NavLink{
			{Key: "nav.jobs", Href: "/jobs", Show: jobs.MayReadJobs, Order: 910},
		}}
}

func init() {
	web.AddMessageFiles("internal/jobs/jobsweb", messageFiles)
	web.AddAPIDocs(map[string]web.ApiDoc{
		"GET /api/v1/jobs": {Summary: "The scheduled jobs (system administrator): each one's schedule, last run and how many records it created or " +
			"escalated, recent failures with their errors, and next run", Resp: web.ItemsOf[jobs.Status]{}},
	})
}

// messageFiles are the jobs page's messages, one file per language.
//
//go:embed messages
var messageFiles embed.FS
