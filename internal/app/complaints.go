package app

import (
	"context"

	"gongzhi"
)

// complaintItems returns this part's to-dos for the actor's role and attention lines for its scope.
func (a *App) complaintItems(ctx context.Context, ac *gongzhi.Actor) (todos, attention []Todo, err error) {
	return nil, nil, nil
}
