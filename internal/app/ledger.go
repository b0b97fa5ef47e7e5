package app

import (
	"context"

	"gongzhi"
)

// ledgerItems returns this part's to-dos for the actor's role and attention lines for its scope.
func (a *App) ledgerItems(ctx context.Context, ac *gongzhi.Actor) (todos, attention []Todo, err error) {
	return nil, nil, nil
}

// ProgressInScope returns the indicator progress, computed from the ledger, of every signed
// contract of fiscal year year within the actor's scope (a provider: its own contracts).
func (a *App) ProgressInScope(ctx context.Context, ac *gongzhi.Actor, year int) ([]gongzhi.IndicatorProgress, error) {
	return nil, nil
}

// SatisfactionTrend returns satisfaction per month from..to (YYYY-MM, inclusive) within the
// actor's scope: sampled recipients' answers and residents' own ratings.
func (a *App) SatisfactionTrend(ctx context.Context, ac *gongzhi.Actor, from, to string) ([]gongzhi.SatisfactionPoint, error) {
	return nil, nil
}
