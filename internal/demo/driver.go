// The one driver that runs a call through the purchase services as an office would, on a clock
// it moves step by step: budget, call, applications, preliminary review, a drawn panel whose
// members declare no conflict, scores, ranking, awards, notice, final, contracts confirmed by
// both parties and payments as their portions fall due (docs/domain.md §3). The demo's calls at
// every stage (stages.go), its projects in service (delivered.go), the province's purchases
// (province.go) and the generated city's years of purchases (internal/citygen) all use it.

package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
)

// Driver drives calls for one purchaser. While it drives, the services' clock is Clock: every
// step happens at Clock, which the driver and its caller move forward.
type Driver struct {
	Ctx       context.Context
	A         *app.App
	Purchaser *gongzhi.Actor
	Clock     time.Time
}

// NewDriver sets a's clock to the driver's and returns the driver and the function that puts
// a's clock back.
func NewDriver(ctx context.Context, a *app.App, purchaser *gongzhi.Actor, clock time.Time) (*Driver, func()) {
	d := &Driver{Ctx: ctx, A: a, Purchaser: purchaser, Clock: clock}
	saved := a.Now
	a.Now = func() time.Time { return d.Clock }
	return d, func() { a.Now = saved }
}

// Step moves the clock forward by dur.
func (d *Driver) Step(dur time.Duration) { d.Clock = d.Clock.Add(dur) }

// Budget creates the budget a call draws on.
func (d *Driver) Budget(b *gongzhi.Budget) error {
	if err := d.A.CreateBudget(d.Ctx, d.Purchaser, b); err != nil {
		return fmt.Errorf("budget: %w", err)
	}
	return nil
}

// Open creates the call and opens it for applications.
func (d *Driver) Open(c *gongzhi.Call) error {
	if err := d.A.CreateCall(d.Ctx, d.Purchaser, c); err != nil {
		return fmt.Errorf("call %s: %w", c.Title, err)
	}
	if err := d.A.OpenCall(d.Ctx, d.Purchaser, c.ID); err != nil {
		return fmt.Errorf("open %s: %w", c.Title, err)
	}
	return nil
}

// A Bid is an application its provider writes and submits.
type Bid struct {
	Provider    *gongzhi.Actor
	Application *gongzhi.Application
}

// Apply writes and submits each bid's application to the call, an hour apart, and returns the
// applications' ids in the bids' order.
func (d *Driver) Apply(c *gongzhi.Call, bids []Bid) ([]int64, error) {
	var ids []int64
	for _, b := range bids {
		ap := b.Application
		ap.CallID = c.ID
		if err := d.A.CreateApplication(d.Ctx, b.Provider, ap); err != nil {
			return nil, fmt.Errorf("application %s: %w", ap.Title, err)
		}
		if err := d.A.SubmitApplication(d.Ctx, b.Provider, ap.ID); err != nil {
			return nil, fmt.Errorf("submit %s: %w", ap.Title, err)
		}
		ids = append(ids, ap.ID)
		d.Step(time.Hour)
	}
	return ids, nil
}

// Close closes the call an hour after its deadline.
func (d *Driver) Close(c *gongzhi.Call) error {
	d.Clock = c.ClosesAt.Add(time.Hour)
	if err := d.A.CloseCall(d.Ctx, d.Purchaser, c.ID); err != nil {
		return fmt.Errorf("close %s: %w", c.Title, err)
	}
	return nil
}

// Panel passes every application in the preliminary review by reviewer, draws a panel of
// three with seed a day later, has each active member declare no conflict as the actor expert
// returns for it, and starts the review. It returns the members' actors in draw order.
func (d *Driver) Panel(c *gongzhi.Call, apps []int64, reviewer *gongzhi.Actor, seed int64,
	expert func(m gongzhi.PanelMember) (*gongzhi.Actor, error)) ([]*gongzhi.Actor, error) {
	for _, id := range apps {
		if err := d.A.PrelimReview(d.Ctx, reviewer, id, true, ""); err != nil {
			return nil, fmt.Errorf("prelim: %w", err)
		}
	}
	d.Step(24 * time.Hour)
	draw, err := d.A.DrawPanel(d.Ctx, d.Purchaser, c.ID, 3, nil, seed)
	if err != nil {
		return nil, fmt.Errorf("panel: %w", err)
	}
	var experts []*gongzhi.Actor
	for _, m := range draw.Members {
		if !m.Active() {
			continue
		}
		ex, err := expert(m)
		if err != nil {
			return nil, err
		}
		if err := d.A.DeclareNoConflict(d.Ctx, ex, c.ID); err != nil {
			return nil, fmt.Errorf("declare: %w", err)
		}
		experts = append(experts, ex)
	}
	if err := d.A.StartReview(d.Ctx, d.Purchaser, c.ID); err != nil {
		return nil, fmt.Errorf("start review: %w", err)
	}
	return experts, nil
}

// Score gives the scores of the panel's i-th member for at most n of the applications it sees
// (n < 0: all), the j-th totalling total(i, j) split over the call's criteria by weight.
func (d *Driver) Score(c *gongzhi.Call, ex *gongzhi.Actor, i, n int, total func(i, j int) gongzhi.Points, comment string) error {
	visible, err := d.A.ReviewApplications(d.Ctx, ex, c.ID)
	if err != nil {
		return err
	}
	for j, ap := range visible {
		if n >= 0 && j >= n {
			break
		}
		t := total(i, j)
		scores := make([]gongzhi.Points, len(c.Criteria))
		var given gongzhi.Points
		for k, cr := range c.Criteria {
			if k == len(c.Criteria)-1 {
				scores[k] = t - given
				break
			}
			scores[k] = t * gongzhi.Points(cr.Weight) / 100
			given += scores[k]
		}
		if _, err := d.A.SubmitScores(d.Ctx, ex, ap.ID, scores, comment); err != nil {
			return fmt.Errorf("scores: %w", err)
		}
	}
	return nil
}

// Propose ranks the call and proposes awards for the applications scoring at least threshold.
func (d *Driver) Propose(c *gongzhi.Call, threshold gongzhi.Points) error {
	if _, err := d.A.RankCall(d.Ctx, d.Purchaser, c.ID); err != nil {
		return fmt.Errorf("rank: %w", err)
	}
	if _, err := d.A.ProposeAwards(d.Ctx, d.Purchaser, c.ID, threshold); err != nil {
		return fmt.Errorf("propose: %w", err)
	}
	return nil
}

// Publish publishes the proposed awards for public notice.
func (d *Driver) Publish(c *gongzhi.Call) error {
	if err := d.A.PublishAwards(d.Ctx, d.Purchaser, c.ID); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// Finalize makes the awards final an hour after the notice ends and returns them.
func (d *Driver) Finalize(c *gongzhi.Call) ([]*gongzhi.Award, error) {
	c, err := d.A.Call(d.Ctx, d.Purchaser, c.ID)
	if err != nil {
		return nil, err
	}
	d.Clock = c.NoticeEndsAt.Add(time.Hour)
	if err := d.A.FinalizeCall(d.Ctx, d.Purchaser, c.ID); err != nil {
		return nil, fmt.Errorf("finalize: %w", err)
	}
	return d.A.Awards(d.Ctx, d.Purchaser, c.ID)
}

// Sign generates the award's contract with party as the purchaser's name, confirms it as the
// purchaser and then as provider, and returns it as signed.
func (d *Driver) Sign(w *gongzhi.Award, party string, provider *gongzhi.Actor) (*gongzhi.Contract, error) {
	ct, err := d.A.GenerateContract(d.Ctx, d.Purchaser, w.ID, party)
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	if err := d.A.ConfirmContract(d.Ctx, d.Purchaser, ct.ID); err != nil {
		return nil, fmt.Errorf("confirm: %w", err)
	}
	if err := d.A.ConfirmContract(d.Ctx, provider, ct.ID); err != nil {
		return nil, fmt.Errorf("confirm: %w", err)
	}
	return d.A.Contract(d.Ctx, d.Purchaser, ct.ID)
}

// A Payment is a contract's portion paid on a day.
type Payment struct {
	Contract int64
	Portion  int
	Amount   gongzhi.Money
	On       time.Time
}

// Pay records the payments in date order, each on its day (the clock moves to it when later).
func (d *Driver) Pay(pays []Payment) error {
	slices.SortStableFunc(pays, func(x, y Payment) int { return x.On.Compare(y.On) })
	for _, py := range pays {
		if py.On.After(d.Clock) {
			d.Clock = py.On
		}
		if _, err := d.A.RecordPayment(d.Ctx, d.Purchaser, py.Contract, py.Portion, py.Amount,
			py.On.In(gongzhi.ChinaTime).Format(time.DateOnly), "按合同约定拨付"); err != nil {
			return fmt.Errorf("payment: %w", err)
		}
	}
	return nil
}

// A Purchase is a call run in full: from its opening at the driver's clock to contracts signed
// and the portions due by Until paid.
type Purchase struct {
	Budget    *gongzhi.Budget // created first; the call draws on it
	Call      *gongzhi.Call   // opened at the driver's clock
	ApplyFrom time.Duration   // how long after the opening the first application comes in
	Bids      []Bid
	Reviewer  *gongzhi.Actor // the preliminary review's
	Seed      int64          // the panel's draw
	Expert    func(m gongzhi.PanelMember) (*gongzhi.Actor, error)
	Total     func(i, j int) gongzhi.Points // the i-th member's total for the j-th application
	Comment   string                        // the experts' comment
	Threshold gongzhi.Points                // the awards' score threshold
	Party     string                        // the purchaser's name on the contracts
	Until     time.Time                     // payments are made for portions due by then
	// Paid says whether the portion of bid's contract is paid and on which day; nil: every
	// portion due by Until is paid on its due day.
	Paid func(bid int, po gongzhi.Portion, due time.Time) (time.Time, bool)
}

// A Signed contract and the index of the bid it came from.
type Signed struct {
	Bid      int
	Contract *gongzhi.Contract
}

// Run runs the purchase: the budget and the call at the clock, applications from ApplyFrom
// on, the call closed at its deadline, preliminary review and panel, scores two days into the
// review, ranking, awards and their publication a day later, final after the notice, contracts
// a day after the final, then the payments. It returns the contracts in the awards' order.
func (d *Driver) Run(p *Purchase) ([]Signed, error) {
	if p.Budget != nil {
		if err := d.Budget(p.Budget); err != nil {
			return nil, err
		}
		p.Call.BudgetID = p.Budget.ID
	}
	c := p.Call
	if err := d.Open(c); err != nil {
		return nil, err
	}
	d.Step(p.ApplyFrom)
	ids, err := d.Apply(c, p.Bids)
	if err != nil {
		return nil, err
	}
	bidOf := map[int64]int{}
	for i, id := range ids {
		bidOf[id] = i
	}
	if err := d.Close(c); err != nil {
		return nil, err
	}
	experts, err := d.Panel(c, ids, p.Reviewer, p.Seed, p.Expert)
	if err != nil {
		return nil, err
	}
	d.Step(2 * 24 * time.Hour)
	if c, err = d.A.Call(d.Ctx, d.Purchaser, c.ID); err != nil {
		return nil, err
	}
	for i, ex := range experts {
		if err := d.Score(c, ex, i, -1, p.Total, p.Comment); err != nil {
			return nil, err
		}
	}
	d.Step(24 * time.Hour)
	if err := d.Propose(c, p.Threshold); err != nil {
		return nil, err
	}
	if err := d.Publish(c); err != nil {
		return nil, err
	}
	awards, err := d.Finalize(c)
	if err != nil {
		return nil, err
	}
	d.Step(24 * time.Hour)
	var signed []Signed
	var pays []Payment
	for _, w := range awards {
		i, ok := bidOf[w.ApplicationID]
		if !ok {
			continue
		}
		ct, err := d.Sign(w, p.Party, p.Bids[i].Provider)
		if err != nil {
			return nil, err
		}
		signed = append(signed, Signed{Bid: i, Contract: ct})
		for _, po := range ct.Current.Terms.Portions {
			due, _ := gongzhi.ParseDate(po.DueOn)
			on, pay := due, !due.After(p.Until)
			if p.Paid != nil {
				on, pay = p.Paid(i, po, due)
			}
			if pay {
				pays = append(pays, Payment{ct.ID, po.Index, po.Amount, on})
			}
		}
	}
	return signed, d.Pay(pays)
}
