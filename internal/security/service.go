// Package security keeps the audit log as 等保 2.0 level 3 asks (docs/audit.md): retained for the
// configured time and no less than six months (the daily purge is the only deletion the log
// sees), sealed day by day in a hash chain that `gongzhi audit verify` checks, exported for the
// audit administrator, and watched for the security administrator, whose alarms (repeated
// failed sign-ins, administrators at work off hours, bulk reveals of ID numbers) a job raises
// from the log.
package security

import (
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// Service is the security capability's service layer, on the kernel.
type Service struct {
	*kernel.Kernel
}

// New returns the service over the kernel.
func New(k *kernel.Kernel) *Service { return &Service{k} }

// Alarm is an alarm for the security administrator.
type Alarm = store.SecurityAlarm

// Audit entity names of this capability.
const (
	ResAlarms = "security_alarms"
)

// Alarm kinds.
const (
	AlarmFailedLoginsAccount = "failed_logins_account"
	AlarmFailedLoginsIP      = "failed_logins_ip"
	AlarmOffHoursAdmin       = "off_hours_admin"
	AlarmBulkIDReveals       = "bulk_id_reveals"
)

// AlarmKinds are the kinds of alarm, in the order of the page's filter.
var AlarmKinds = []string{AlarmFailedLoginsAccount, AlarmFailedLoginsIP, AlarmOffHoursAdmin, AlarmBulkIDReveals,
	AlarmLedgerRecord, AlarmLedgerLog, AlarmAuditEntry}
