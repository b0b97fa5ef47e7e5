// Messages of the evaluations' note codes (gongzhi.NoteCodes), shown in a call's history.
package evaluationweb

import "gongzhi/internal/web"

func init() { web.AddMessages(noteMessages) }

var noteMessages = map[string][2]string{
	"note.eval_round":       {"%s", "%s"},
	"note.eval_grade":       {"评估等级：%s", "grade: %s"},
	"note.eval_grade_total": {"评估等级：%s，总分 %s", "grade: %s, total %s"},
}
