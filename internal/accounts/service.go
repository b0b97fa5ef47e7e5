// Package accounts runs accounts under the separation of duties: signing in and out, sessions kept
// in the database, API tokens, passwords, the first-run setup and the administrators' work on
// accounts.
package accounts

import (
	"gongzhi/internal/kernel"
)

// Service is the accounts capability's service layer. It builds on the ones below it, whose methods
// it offers as its own.
type Service struct {
	*kernel.Kernel
	hashes *hashGate // bounds the password hashes running at once (hashes.go)
}

// New returns the service over the ones below it.
func New(k *kernel.Kernel) *Service {
	return &Service{Kernel: k, hashes: newHashGate(k.Cfg.HashSlots, k.Cfg.HashWait, k.Cfg.Argon2.Memory)}
}
