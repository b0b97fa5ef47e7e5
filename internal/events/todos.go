package events

import (
	"context"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// Todos are the home page's items of grid events (docs/events.md), one per step waiting for the
// actor: the centre registers, dispatches and closes; a department handles what was dispatched
// to it; a grid worker verifies handled events on site; a resident evaluates the closed events
// they may rate (their reports and those a visit to their household found, MayRateEvent).
func (a *Service) Todos(ctx context.Context, ac *gongzhi.Actor) ([]kernel.Todo, error) {
	if !MayReadEvents(ac) {
		return nil, nil
	}
	if ac.Has(gongzhi.RoleResident) {
		n, err := a.Events(ctx, ac, store.ListOptions{Limit: 1, CountOnly: true, Filters: map[string]string{"state": gongzhi.EventClosed, "rated": "0"}},
			func(*gongzhi.Event) error { return nil })
		if err != nil || n == 0 {
			return nil, err
		}
		return []kernel.Todo{{Key: "todo.events_to_rate", Count: n, Href: "/events?state=" + gongzhi.EventClosed + "&rated=0"}}, nil
	}
	var steps [][2]string // state, message key
	switch {
	case MayRegisterEvents(ac):
		steps = [][2]string{{gongzhi.EventCollected, "todo.events_to_register"}, {gongzhi.EventRegistered, "todo.events_to_dispatch"},
			{gongzhi.EventVerified, "todo.events_to_close"}}
	case ac.Has(gongzhi.RoleDepartment):
		steps = [][2]string{{gongzhi.EventHandling, "todo.events_to_handle"}}
	case MayVerifyEvents(ac):
		steps = [][2]string{{gongzhi.EventHandled, "todo.events_to_verify"}}
	}
	var out []kernel.Todo
	for _, s := range steps {
		n, err := a.Events(ctx, ac, store.ListOptions{Limit: 1, CountOnly: true, Filters: map[string]string{"state": s[0]}},
			func(*gongzhi.Event) error { return nil })
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, kernel.Todo{Key: s[1], Count: n, Href: "/events?state=" + s[0]})
		}
	}
	return out, nil
}
