// Messages of supervision's note codes (gongzhi.NoteCodes), shown in the history of inspections,
// rectification orders, meetings' action items and monthly reports.
package supervisionweb

import "gongzhi/internal/web"

func init() { web.AddMessages(noteMessages) }

var noteMessages = map[string][2]string{
	"note.month":           {"%s", "%s"},
	"note.rect_deadline":   {"整改期限 %s", "deadline %s"},
	"note.rect_missed":     {"逾期未整改（原期限 %s）", "overdue (deadline was %s)"},
	"note.rect_extended":   {"新整改期限 %s；理由：%s", "new deadline %s; reason: %s"},
	"note.action_deadline": {"完成期限 %s", "due %s"},
}
