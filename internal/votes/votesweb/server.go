// Package votesweb serves votes (表决) and decisions (决议) in the pages and the JSON API, on the
// web kit: a community's votes, the ballot on a phone with its tracker slip, paper ballots and
// their witnesses, who voted, results with a chart, the Excel export and the printable 公示
// sheet, the public result with a tracker check, and decisions followed to the end.
package votesweb

import (
	"embed"

	"gongzhi/internal/votes"
	"gongzhi/internal/web"
)

// Server is the votes pages' and API's handlers on the kit's server, over its service.
type Server struct {
	*web.Server
	svc *votes.Service
}

//go:embed templates
var templates embed.FS

//go:embed messages
var messageFiles embed.FS

func init() { web.AddMessageFiles("internal/votes/votesweb", messageFiles) }

// Part is the votes pages' and API's share of the server, calling svc.
func Part(svc *votes.Service) web.Part {
	return web.Part{Name: "votes", Dir: "internal/votes/votesweb", Templates: templates,
		Routes: func(k *web.Server) { (&Server{k, svc}).routes() },
		Nav: []web.NavLink{
			{Key: "nav.votes", Href: "/votes", Show: votes.MayReadVotes, Order: 280},
		}}
}
