package kernel

import (
	"fmt"
	"time"
)

// MinAuditRetentionDays is the least retention of the audit log: 等保 2.0 level 3 asks for six
// months, and 183 days covers any six.
const MinAuditRetentionDays = 183

// AuditPolicy is how the audit log is kept and watched (internal/security; docs/audit.md).
// The zero value of a field takes its default.
type AuditPolicy struct {
	RetentionDays int    // entries older than this many days are removed by the daily job (default 365, at least 183)
	Hash          string // integrity hash of the seals: "sha256" (default) or "sm3"

	FailedLogins       int           // failed sign-ins of one account, or from one address, in one window that raise an alarm (default 10)
	FailedLoginsWindow time.Duration // the window, clock-aligned (default 1 hour)
	WorkStart, WorkEnd time.Duration // working hours after midnight, China time (default 08:00–19:00)
	BulkReveals        int           // ID numbers revealed by one user in one hour above which an alarm is raised (default 20)
}

// WithDefaults returns the policy with the defaults filled in.
func (p AuditPolicy) WithDefaults() AuditPolicy {
	if p.RetentionDays == 0 {
		p.RetentionDays = 365
	}
	if p.Hash == "" {
		p.Hash = "sha256"
	}
	if p.FailedLogins == 0 {
		p.FailedLogins = 10
	}
	if p.FailedLoginsWindow == 0 {
		p.FailedLoginsWindow = time.Hour
	}
	if p.WorkStart == 0 && p.WorkEnd == 0 {
		p.WorkStart, p.WorkEnd = 8*time.Hour, 19*time.Hour
	}
	if p.BulkReveals == 0 {
		p.BulkReveals = 20
	}
	return p
}

// Check refuses a policy the law or the code cannot keep.
func (p AuditPolicy) Check() error {
	p = p.WithDefaults()
	switch {
	case p.RetentionDays < MinAuditRetentionDays:
		return fmt.Errorf("audit retention must be at least %d days (six months), not %d", MinAuditRetentionDays, p.RetentionDays)
	case p.Hash != "sha256" && p.Hash != "sm3":
		return fmt.Errorf("integrity hash must be sha256 or sm3, not %q", p.Hash)
	case p.FailedLogins < 1 || p.BulkReveals < 1:
		return fmt.Errorf("alarm thresholds must be at least 1")
	case p.FailedLoginsWindow < time.Minute || 24*time.Hour%p.FailedLoginsWindow != 0:
		return fmt.Errorf("the failed sign-ins window must divide a day (1m, 5m, 15m, 1h…), not %s", p.FailedLoginsWindow)
	case p.WorkStart < 0 || p.WorkEnd > 24*time.Hour || p.WorkStart >= p.WorkEnd:
		return fmt.Errorf("working hours must be a range within one day")
	}
	return nil
}
