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
