// Package events runs grid events (事件, docs/events.md, docs/events.md) through the seven
// steps of the urban-grid workflow (GB/T 30428): collect → register (立案) or reject → dispatch
// to a functional department or solve in the grid → handle and report back with evidence →
// verify on site → close → evaluate; with deadlines in working hours of the office calendar,
// escalation of overdue steps by a scheduled job, residents' reports and tracking without an
// account, the categories and departments the office keeps, and the performance figures.
package events

import (
	"gongzhi"
	"gongzhi/internal/purchase"
)

// Service is the events capability's service layer. It builds on the ones below it (the
// registry's grids and households, the office calendar), whose methods it offers as its own.
type Service struct {
	*purchase.Service

	// SourceHref, set by the wiring (internal/app), returns the page of an event's source the
	// actor may read (a household visit's finding, docs/grids.md), or "".
	SourceHref func(ac *gongzhi.Actor, e *gongzhi.Event) string

	kept keptStats // the monthly figures (stats.go)
}

// NewService returns the service over the ones below it.
func NewService(p *purchase.Service) *Service { return &Service{Service: p} }
