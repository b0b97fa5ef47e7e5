package consult

import (
	"context"

	"gongzhi"
	"gongzhi/internal/kernel"
)

// Todos are the home page's items of consultation (docs/consultation.md) for the community staff
// who answer for the deliberation committee: topics raised and not yet answered, and among them
// those past their answer deadline.
func (a *Service) Todos(ctx context.Context, ac *gongzhi.Actor) ([]kernel.Todo, error) {
	if !MayManageConsultation(ac) {
		return nil, nil
	}
	raised, err := a.Topics(ctx, ac, TopicFilter{State: gongzhi.TopicRaised})
	if err != nil {
		return nil, err
	}
	late, err := a.Topics(ctx, ac, TopicFilter{Overdue: true})
	if err != nil {
		return nil, err
	}
	var out []kernel.Todo
	if len(late) > 0 {
		out = append(out, kernel.Todo{Key: "todo.topics_overdue", Count: len(late), Href: "/consult"})
	}
	if n := len(raised) - len(late); n > 0 {
		out = append(out, kernel.Todo{Key: "todo.topics_to_answer", Count: n, Href: "/consult"})
	}
	return out, nil
}
