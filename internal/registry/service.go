// Package registry keeps the registry of the governance community: places, grids, households,
// organizations, people and target groups, their bulk imports, and the link between an account and
// its person.
package registry

import (
	"gongzhi/internal/accounts"
)

// Service is the registry capability's service layer. It builds on the ones below it, whose methods
// it offers as its own.
type Service struct {
	*accounts.Service
}

// New returns the service over the ones below it.
func New(a *accounts.Service) *Service { return &Service{a} }
