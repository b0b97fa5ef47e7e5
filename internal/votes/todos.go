package votes

import (
	"context"
	"errors"

	"gongzhi"
	"gongzhi/internal/kernel"
)

// Todos are the home page's items of votes (docs/votes.md): for a resident, the open votes they
// may still vote in; for staff who enter paper ballots, the ballots waiting for a second staff
// member's witness (those they entered themselves are another's to witness).
func (a *Service) Todos(ctx context.Context, ac *gongzhi.Actor) ([]kernel.Todo, error) {
	switch {
	case MayCastBallot(ac):
		l, err := kernel.LinkedOf(ctx, a.DB.Q(), ac)
		if err != nil || l.Person == 0 {
			return nil, err
		}
		p := l.Person
		vs, err := a.Votes(ctx, ac, gongzhi.VoteOpen)
		if err != nil {
			return nil, err
		}
		n, q := 0, a.DB.Q()
		for _, v := range vs {
			e, err := q.ElectorOf(ctx, v, p, adultBorn(a.NowUTC()))
			if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
				continue
			} else if err != nil {
				return nil, err
			}
			voted, err := q.HasBallot(ctx, v.ID, e.Voter)
			if err != nil {
				return nil, err
			}
			if !voted {
				n++
			}
		}
		return todo("todo.votes_to_cast", n, "/votes"), nil
	case MayEnterBallots(ac):
		vs, err := a.Votes(ctx, ac, gongzhi.VoteOpen)
		if err != nil {
			return nil, err
		}
		n, href := 0, "/votes"
		for _, v := range vs {
			ps, err := a.PendingBallots(ctx, ac, v.ID)
			if errors.Is(err, context.Canceled) {
				return nil, err
			} else if err != nil {
				continue // a vote the actor may read but not witness in
			}
			for _, b := range ps {
				if b.EnteredBy == ac.User.ID {
					continue // a second staff member witnesses it
				}
				if n == 0 {
					href = "/votes/" + kernel.Id10(v.ID)
				}
				n++
			}
		}
		return todo("todo.ballots_to_witness", n, href), nil
	}
	return nil, nil
}

func todo(key string, n int, href string) []kernel.Todo {
	if n == 0 {
		return nil
	}
	return []kernel.Todo{{Key: key, Count: n, Href: href}}
}
