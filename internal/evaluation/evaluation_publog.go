// Evaluation's record on the public ledger (internal/publog; docs/ledger.md): each grade
// published, appended in the transaction that publishes it, and checked against its row by
// `gongzhi log verify --db`.

package evaluation

import (
	"context"

	"gongzhi"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
)

// RecEvaluationPublished is the ledger record of a published grade.
const RecEvaluationPublished = "evaluation.published"

func evaluationRecord(e *gongzhi.Evaluation, publishedOn string) publog.Record {
	return publog.Record{Type: RecEvaluationPublished, Version: 1, Body: map[string]any{
		"evaluation_id": e.ID, "contract_id": e.ContractID, "call_id": e.CallID, "org_id": e.OrgID, "org": e.OrgName,
		"round": e.Round, "grade": e.Grade, "total_hundredths": int64(e.Total), "published_on": publishedOn}}
}

func init() {
	publog.RegisterCheck(RecEvaluationPublished, 1, func(ctx context.Context, q *store.Q, r publog.Record) (string, error) {
		e, err := q.GetEvaluation(ctx, store.EvalScope{}, r.Int("evaluation_id"))
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return "the evaluation is gone", nil
		} else if err != nil {
			return "", err
		}
		var d publog.Differ
		d.Field("contract_id", r.Int("contract_id"), e.ContractID)
		d.Field("org_id", r.Int("org_id"), e.OrgID)
		d.Field("round", r.Str("round"), e.Round)
		d.Field("grade", r.Str("grade"), e.Grade)
		d.Field("total_hundredths", r.Int("total_hundredths"), int64(e.Total))
		d.Field("state", gongzhi.EvalPublished, e.State)
		return d.String(), nil
	})
}
