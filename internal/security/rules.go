// Who may export the audit log and see the security alarms: one predicate per rule, asked by the
// service methods (to refuse) and by the pages (to show or hide a link or a button).

package security

import (
	"gongzhi"
	"gongzhi/internal/kernel"
)

// MayExportAudit: only the audit administrator, who reads the audit log, exports it.
func MayExportAudit(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleAuditAdmin) }

// MayReadAlarms: only the security administrator sees the security alarms.
func MayReadAlarms(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleSecAdmin) }

// MayAckAlarms: the security administrator acknowledges the alarms they have looked into.
func MayAckAlarms(ac *gongzhi.Actor) bool { return kernel.HasRole(ac, gongzhi.RoleSecAdmin) }

// MayReadTamperAlarms: the auditor (the supervision committee, who checks the ledger of money and
// votes), the audit administrator (whose audit log the seals protect) and the security
// administrator (among the other alarms) see what the ledger's monitor found. They show no
// personal data: a record's index and type, the fields that differ, an audit entry's number.
func MayReadTamperAlarms(ac *gongzhi.Actor) bool {
	return kernel.HasRole(ac, gongzhi.RoleAuditor) || kernel.HasRole(ac, gongzhi.RoleAuditAdmin) || kernel.HasRole(ac, gongzhi.RoleSecAdmin)
}
