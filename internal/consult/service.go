// Package consult runs resident consultation (议事协商, docs/consultation.md): a community's
// bodies (一委三会 and other councils) and their members from the registry, topics (议题) raised
// by residents, staff, grid workers, committees or from needs and answered by the deliberation
// committee within a deadline in working days, residents' comments, counter-proposals and
// supports, meetings with QR or staff sign-in, speakers, tabled proposals and minutes, and idea
// contests (金点子). Votes and decisions on topics are another capability's (see TopicLinks).
package consult

import (
	"gongzhi/internal/purchase"
)

// Service is the consultation capability's service layer, on the purchase service (the office
// calendar of working days, residents' needs) and the registry below it.
type Service struct {
	*purchase.Service
}

// New returns the service over the purchase service.
func New(p *purchase.Service) *Service { return &Service{p} }
