// Package demo loads a fresh Gongzhi instance with a realistic demo street: 葛塘街道 of Luhe
// district, Nanjing, with its eight communities, their grids, households and residents, the
// social organizations, social workers, volunteers and experts of its governance community, and
// one account per role; plus a little of the neighbouring 长芦街道 so that scoping can be shown.
// Every record goes through the service layer (package app) as the command-line actor, so it is
// validated and audited like any other write; only generation is done here.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/store"
)

// Account is a demo account, to print for whoever runs the demo.
type Account struct {
	Username    string
	Role        string
	Password    string
	DisplayName string
	Scope       string // the place or organization the account is scoped to, for people
}

// Counts are the numbers of records Seed wrote.
type Counts struct {
	Places, Grids, Households, Residents, Organizations, SocialWorkers, Volunteers, Experts, Accounts int
}

// Result describes a seeded instance.
type Result struct {
	Street        string // 江苏省南京市六合区葛塘街道（320116004000）
	StreetCode    string
	Neighbour     string // 长芦街道（320116005000）: its records are outside every 葛塘 account's scope
	NeighbourCode string
	Password      string // shared by every demo account; each must change it at first sign-in
	Accounts      []Account
	Counts        Counts
	Elapsed       time.Duration
}

// ErrNotFresh is returned when the instance already has accounts or registry records.
var ErrNotFresh = errors.New("demo: the instance already has accounts or registry records; seed a fresh database")

// Seed loads the demo street into a fresh instance. The same seed always gives the same street
// (names, codes, addresses, ID numbers); record IDs and timestamps come from the database and
// the clock. Places already on the instance (an imported national list) are kept as they are.
// Seed refuses, with ErrNotFresh, an instance that has any account, grid, household,
// organization or person.
func Seed(ctx context.Context, a *app.App, seed int64) (*Result, error) {
	start := time.Now()
	ac := gongzhi.SystemActor("demo")
	if err := checkFresh(ctx, a, ac); err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, pl := range placeSpecs {
		if p, err := a.Place(ctx, ac, pl.Code); err == nil {
			names[pl.Code] = p.Name
		} else if gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
			return nil, err
		}
	}
	p := newPlan(seed, names)
	res := &Result{StreetCode: StreetCode, NeighbourCode: NeighbourCode, Password: Password}
	for _, pl := range p.places {
		switch pl.Code {
		case StreetCode:
			res.Street = fullName(p, pl.Code)
		case NeighbourCode:
			res.Neighbour = pl.Name + "（" + pl.Code + "）"
		}
		if _, ok := names[pl.Code]; ok {
			continue
		}
		if err := a.CreatePlace(ctx, ac, &pl); err != nil {
			return nil, fmt.Errorf("demo: place %s %s: %w", pl.Code, pl.Name, err)
		}
		res.Counts.Places++
	}
	if err := checkGroups(ctx, a, ac, p); err != nil {
		return nil, err
	}

	orgIDs := map[string]int64{}
	for i := range p.orgs {
		o := &p.orgs[i].o
		if err := a.CreateOrganization(ctx, ac, o); err != nil {
			return nil, fmt.Errorf("demo: organization %s: %w", o.Name, err)
		}
		orgIDs[p.orgs[i].key] = o.ID
		res.Counts.Organizations++
	}

	for _, c := range p.communities {
		for _, gp := range c.grids {
			if err := a.SaveGrid(ctx, ac, &gp.g); err != nil {
				return nil, fmt.Errorf("demo: grid %s: %w", gp.g.Name, err)
			}
			res.Counts.Grids++
			for _, hp := range gp.households {
				if !hp.noGrid {
					hp.h.GridID = gp.g.ID
				}
				if err := a.SaveHousehold(ctx, ac, &hp.h); err != nil {
					return nil, fmt.Errorf("demo: household %s: %w", hp.h.Address, err)
				}
				res.Counts.Households++
				for i := range hp.residents {
					r := &hp.residents[i]
					r.HouseholdID = hp.h.ID
					if err := a.CreatePerson(ctx, ac, r); err != nil {
						return nil, fmt.Errorf("demo: resident %s of %s: %w", r.Name, hp.h.Address, err)
					}
					res.Counts.Residents++
				}
			}
		}
	}

	var expertPerson int64 // the demo expert account's own record in the pool: one with no affiliated organization
	var expertPool []int64 // every expert of the demo, the pool a panel of the street is drawn from
	for i := range p.staff {
		s := &p.staff[i]
		s.p.OrgID = orgIDs[s.org]
		if err := a.CreatePerson(ctx, ac, &s.p); err != nil {
			return nil, fmt.Errorf("demo: %s %s: %w", s.p.Kind, s.p.Name, err)
		}
		switch s.p.Kind {
		case "social_worker":
			res.Counts.SocialWorkers++
		case "volunteer":
			res.Counts.Volunteers++
		case "expert":
			res.Counts.Experts++
			expertPool = append(expertPool, s.p.ID)
			if expertPerson == 0 && s.p.OrgID == 0 {
				expertPerson = s.p.ID
			}
		}
	}

	for i := range p.accounts {
		ap := &p.accounts[i]
		ap.u.OrgID = orgIDs[ap.org]
		if _, err := a.CreateUser(ctx, ac, &ap.u, Password); err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", ap.u.Username, err)
		}
		if ap.u.Role == gongzhi.RoleExpert && expertPerson != 0 {
			if err := a.LinkExpertAccount(ctx, ac, ap.u.ID, expertPerson); err != nil {
				return nil, fmt.Errorf("demo: link expert account %s: %w", ap.u.Username, err)
			}
		}
		res.Accounts = append(res.Accounts, Account{Username: ap.u.Username, Role: ap.u.Role, Password: Password,
			DisplayName: ap.u.DisplayName, Scope: ap.scope})
		res.Counts.Accounts++
	}
	// the purchaser's year so far: budget, needs heard, calls open, closed, in review and in notice
	pu, _, err := a.DB.Q().UserByUsername(ctx, "gt-purchaser")
	if err != nil {
		return nil, fmt.Errorf("demo: purchaser: %w", err)
	}
	pac := &gongzhi.Actor{User: pu, Via: "demo"}
	if err := a.ScopeFor(ctx, pac); err != nil {
		return nil, err
	}
	if err := StreetCatalog(ctx, a, ac); err != nil {
		return nil, err
	}
	if err := seedDelivered(ctx, a, pac, orgIDs, a.Now()); err != nil {
		return nil, fmt.Errorf("demo: projects in service: %w", err)
	}
	if err := seedDelivery(ctx, a, p, orgIDs, seed); err != nil {
		return nil, fmt.Errorf("demo: delivery: %w", err)
	}
	if err := seedPurchasing(ctx, a, pac, orgIDs, a.Now()); err != nil {
		return nil, fmt.Errorf("demo: purchasing: %w", err)
	}
	if err := seedProvince(ctx, a, p, orgIDs, a.Now(), seed); err != nil {
		return nil, fmt.Errorf("demo: the province's purchases: %w", err)
	}
	if err := seedPast(ctx, a, pac, p); err != nil {
		return nil, fmt.Errorf("demo: past contracts: %w", err)
	}
	if err := seedStages(ctx, a, pac, orgIDs, expertPool, expertPerson, a.Now()); err != nil {
		return nil, fmt.Errorf("demo: calls at every stage: %w", err)
	}
	if err := seedVouchers(ctx, a, pac, orgIDs, a.Now()); err != nil {
		return nil, fmt.Errorf("demo: service vouchers: %w", err)
	}
	if err := seedConsult(ctx, a, a.Now()); err != nil {
		return nil, fmt.Errorf("demo: consultation: %w", err)
	}
	if err := seedVotes(ctx, a, a.Now()); err != nil {
		return nil, fmt.Errorf("demo: votes: %w", err)
	}
	if err := seedGridWork(ctx, a, p, seed, a.Now()); err != nil {
		return nil, fmt.Errorf("demo: grid work: %w", err)
	}
	if err := seedEvents(ctx, a); err != nil {
		return nil, fmt.Errorf("demo: grid events: %w", err)
	}
	if err := sealAndCheck(ctx, a); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// checkFresh refuses an instance with accounts or registry records other than places.
func checkFresh(ctx context.Context, a *app.App, ac *gongzhi.Actor) error {
	if n, err := a.DB.Q().CountUsers(ctx); err != nil {
		return err
	} else if n > 0 {
		return ErrNotFresh
	}
	one := store.ListOptions{Limit: 1}
	for _, count := range []func() (int, error){
		func() (int, error) { return a.Grids(ctx, ac, one, func(*gongzhi.Grid) error { return nil }) },
		func() (int, error) { return a.Households(ctx, ac, one, func(*gongzhi.Household) error { return nil }) },
		func() (int, error) {
			return a.Organizations(ctx, ac, one, func(*gongzhi.Organization) error { return nil })
		},
		func() (int, error) { return a.People(ctx, ac, one, func(*gongzhi.Person) error { return nil }) },
	} {
		if n, err := count(); err != nil {
			return err
		} else if n > 0 {
			return ErrNotFresh
		}
	}
	return nil
}

// checkGroups makes sure the target groups the residents are tagged with are on the instance
// (they are built in, but an office may have renamed or reordered its own list).
func checkGroups(ctx context.Context, a *app.App, ac *gongzhi.Actor, p *plan) error {
	groups, err := a.TargetGroups(ctx, ac)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, g := range groups {
		have[g.Code] = true
	}
	for _, c := range p.communities {
		for _, gp := range c.grids {
			for _, hp := range gp.households {
				for _, r := range hp.residents {
					for _, code := range r.TargetGroups {
						if !have[code] {
							return fmt.Errorf("demo: the target group %q is missing on this instance", code)
						}
					}
				}
			}
		}
	}
	return nil
}

// fullName spells a place with its ancestors: 江苏省南京市六合区葛塘街道（320116004000）.
func fullName(p *plan, code string) string {
	var b strings.Builder
	for _, pl := range p.places {
		if strings.HasPrefix(code, gongzhi.PlacePrefix(pl.Code, pl.Level)) {
			b.WriteString(pl.Name)
		}
	}
	return b.String() + "（" + code + "）"
}

// Print writes the accounts and what was loaded, for the person who ran the demo.
func (r *Result) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Demo street: %s\n", r.Street)
	fmt.Fprintf(tw, "Neighbouring street (outside the demo accounts' scope): %s\n", r.Neighbour)
	c := r.Counts
	fmt.Fprintf(tw, "Loaded %d places, %d organizations, %d grids, %d households, %d residents, %d social workers, %d volunteers, %d experts, %d accounts in %s.\n\n",
		c.Places, c.Organizations, c.Grids, c.Households, c.Residents, c.SocialWorkers, c.Volunteers, c.Experts, c.Accounts,
		r.Elapsed.Round(10*time.Millisecond))
	// Chinese text is twice as wide as tabwriter thinks, so it goes in the last column only.
	fmt.Fprintln(tw, "USERNAME\tROLE\tNAME — SCOPE")
	for _, a := range r.Accounts {
		fmt.Fprintf(tw, "%s\t%s\t%s — %s\n", a.Username, a.Role, a.DisplayName, a.Scope)
	}
	fmt.Fprintf(tw, "\nEvery account's password is %s; each must change it at first sign-in.\n", r.Password)
	fmt.Fprintln(tw, "The three administrators (admin-sys, admin-sec, admin-audit) also set up two-step sign-in right after the password:\n"+
		"scan the QR code with an authenticator app, or type the key shown beside it, and enter its 6-digit code.")
	return tw.Flush()
}
