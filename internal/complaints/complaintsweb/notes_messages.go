// Messages of the complaints' note codes (gongzhi.NoteCodes), shown in a complaint's history.
package complaintsweb

import "gongzhi/internal/web"

func init() { web.AddMessages(noteMessages) }

var noteMessages = map[string][2]string{
	"note.route":        {"承办方：%s", "Handled by: %s"},
	"note.escalation":   {"%s", "%s"},
	"note.contact":      {"查看联系人完整信息", "the full contact viewed"},
	"note.answer_round": {"%s", "%s"},
	"note.rerouted":     {"%s → %s：%s", "%s → %s: %s"},
	"note.rerouted_org": {"%s → %s（%s）：%s", "%s → %s (%s): %s"},
	"note.route_change": {"%s → %s", "%s → %s"},
	"note.rating":       {"%s 分（满分5分）", "%s of 5"},
}
