// Delivering and holding to account (docs/domain.md §4–9). The ledger is in ledger.go,
// supervision, rectification, talks and joint meetings in supervision.go, complaints in
// complaints.go, evaluation in evaluation.go. Each contributes to-do lines for its roles and
// attention lines (open or overdue items within the caller's scope) for the dashboards.

package overview

import (
	"context"
	"gongzhi/internal/kernel"

	"gongzhi"
)

// DeliveryItems gathers the delivery to-dos of the actor's role and the attention lines of
// the actor's scope: open and overdue rectifications, inspections, complaints, meeting actions
// and evaluations.
func (a *Service) DeliveryItems(ctx context.Context, ac *gongzhi.Actor) (todos, attention []kernel.Todo, err error) {
	for _, f := range []func(context.Context, *gongzhi.Actor) ([]kernel.Todo, []kernel.Todo, error){
		a.LedgerItems, a.SupervisionItems, a.ComplaintItems, a.EvaluationItems,
	} {
		t, at, err := f(ctx, ac)
		if err != nil {
			return nil, nil, err
		}
		todos = append(todos, t...)
		attention = append(attention, at...)
	}
	return todos, attention, nil
}
