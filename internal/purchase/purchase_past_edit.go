// Corrections and deletions of imported past contracts (issue 11, item 3's leftovers): the office
// that imported them fixes a field its records had wrong, or removes a row that should not have
// been imported, with a reason, audited, once per version of the row.

package purchase

import (
	"context"
	"slices"
	"strings"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// PastCorrection is a past contract as it should be, the version it corrects and the reason. The
// API's PATCH starts from the contract as stored (PastCorrectionOf), so fields it leaves out stay
// as they are.
type PastCorrection struct {
	Version      int           `json:"version"` // the version read; a correction of another is refused
	Reason       string        `json:"reason"`
	FiscalYear   int           `json:"fiscal_year"`
	CategoryCode string        `json:"category_code"`
	CreditCode   string        `json:"credit_code"` // the provider, by its code in the registry
	ProviderName string        `json:"provider_name"`
	Title        string        `json:"title"`
	ContractNo   string        `json:"contract_no"`
	Amount       gongzhi.Money `json:"amount"`
	SignedOn     string        `json:"signed_on"`
	StartOn      string        `json:"start_on"`
	EndOn        string        `json:"end_on"`
	Communities  []string      `json:"communities"` // place codes
	State        string        `json:"state"`
	Notes        string        `json:"notes"`
}

// PastCorrectionOf is the correction that changes nothing of p: where a PATCH starts.
func PastCorrectionOf(p *gongzhi.PastContract) *PastCorrection {
	return &PastCorrection{Version: p.Version, FiscalYear: p.FiscalYear, CategoryCode: p.CategoryCode, CreditCode: p.CreditCode,
		ProviderName: p.ProviderName, Title: p.Title, ContractNo: p.ContractNo, Amount: p.Amount, SignedOn: p.SignedOn,
		StartOn: p.StartOn, EndOn: p.EndOn, Communities: slices.Clone(p.Communities), State: p.State, Notes: p.Notes}
}

// PastContract returns one past contract the actor may read (see PastContracts).
func (a *Service) PastContract(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.PastContract, error) {
	if err := kernel.Allow(ac, MayReadPastContracts(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetPastContract(ctx, kernel.OrgScope(ac), id)
}

// pastVersionChanged is the refusal of a correction or deletion of a version that is no longer
// the row's: someone else corrected (or deleted) it first.
func pastVersionChanged() error {
	return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "past.version_changed", Fields: map[string]string{"version": "past.version_changed"}}
}

// CorrectPastContract saves a correction of a past contract of the actor's place (or below). The
// purchaser may (MayCorrectPastContracts). It needs a reason, and the version the correction was
// made from: of concurrent corrections of one version exactly one is saved (a conditional UPDATE
// on the version), the others get ECONFLICT on "version". The fields are checked as the import
// checks them — the provider must be in the registry by its credit code, the category in the
// catalog, the communities under the place — every failed field at once, and a correction that
// would make it a duplicate of another (ContractNo, or provider and title) is refused with
// ECONFLICT. One "update" audit entry keeps the before, the after and the reason.
func (a *Service) CorrectPastContract(ctx context.Context, ac *gongzhi.Actor, id int64, c *PastCorrection) (*gongzhi.PastContract, error) {
	if err := kernel.Allow(ac, MayCorrectPastContracts(ac)); err != nil {
		return nil, err
	}
	var ck gongzhi.Checks
	reason, r := gongzhi.CheckText(c.Reason, 500, true)
	if r != "" {
		ck.Check(gongzhi.Invalid("reason", r))
	}
	if c.Version <= 0 {
		ck.Check(gongzhi.Invalid("version", "required"))
	}
	thisYear := a.Now().In(gongzhi.ChinaTime).Year()
	var after *gongzhi.PastContract
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetPastContract(ctx, kernel.PlaceScope(ac), id)
		if err != nil {
			return err
		}
		p := &gongzhi.PastContract{ID: id, PlaceCode: before.PlaceCode, FiscalYear: c.FiscalYear, CategoryCode: strings.TrimSpace(c.CategoryCode),
			ProviderName: strings.TrimSpace(c.ProviderName), Title: c.Title, ContractNo: strings.TrimSpace(c.ContractNo), Amount: c.Amount,
			SignedOn: strings.TrimSpace(c.SignedOn), StartOn: strings.TrimSpace(c.StartOn), EndOn: strings.TrimSpace(c.EndOn),
			State: c.State, Notes: c.Notes, Imported: true, CreatedAt: before.CreatedAt}
		if code := gongzhi.NormalizeCreditCode(c.CreditCode); code == "" {
			ck.Check(gongzhi.Invalid("credit_code", "required"))
		} else if reason := gongzhi.ValidateCreditCode(code); reason != "" {
			ck.Check(gongzhi.Invalid("credit_code", reason))
		} else if orgs, err := q.OrgsByCreditCode(ctx, []string{code}); err != nil {
			return err
		} else if o, ok := orgs[code]; !ok {
			ck.Check(gongzhi.Invalid("credit_code", "past.org_missing"))
		} else {
			p.OrgID, p.CreditCode = o.ID, code
			if p.ProviderName == "" {
				p.ProviderName = o.Name
			}
		}
		if p.CategoryCode != "" {
			if _, err := q.GetServiceCategory(ctx, p.CategoryCode); gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
				ck.Check(gongzhi.Invalid("category_code", "past.category_missing"))
			} else if err != nil {
				return err
			}
		}
		prefix := ""
		if lvl, err := q.PlaceExists(ctx, p.PlaceCode); err != nil {
			return err
		} else if lvl > 0 {
			prefix = gongzhi.PlacePrefix(p.PlaceCode, lvl)
		}
		for _, code := range c.Communities {
			code = strings.TrimSpace(code)
			if code == "" || slices.Contains(p.Communities, code) {
				continue
			}
			lvl, err := q.PlaceExists(ctx, code)
			if err != nil {
				return err
			}
			switch {
			case lvl == 0:
				ck.Check(gongzhi.Invalid("communities", "place.missing"))
			case lvl != gongzhi.LevelCommunity:
				ck.Check(gongzhi.Invalid("communities", "past.not_community"))
			case !strings.HasPrefix(code, prefix):
				ck.Check(gongzhi.Invalid("communities", "past.community_outside"))
			}
			p.Communities = append(p.Communities, code)
		}
		if err := ck.Check(p.Validate(thisYear)); err != nil {
			return err
		}
		if !ck.Failed("version") && c.Version != before.Version {
			return pastVersionChanged()
		}
		if err := ck.Err(); err != nil {
			return err
		}
		_, col := pastDupKey(p)
		if taken, err := q.PastContractTaken(ctx, p, id); err != nil {
			return err
		} else if taken {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{col: "past.taken"}}
		}
		ok, err := q.UpdatePastContract(ctx, p, c.Version, a.NowUTC())
		if err != nil {
			if store.IsUnique(err, "") {
				return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{col: "past.taken"}}
			}
			return err
		}
		if !ok {
			return pastVersionChanged()
		}
		after = p
		return a.WriteAudit(ctx, q, ac, "update", ResPastContracts, kernel.Id10(id), before, p, gongzhi.TextNote(reason).String())
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// DeletePastContract removes a past contract of the actor's place (or below), which then no
// longer counts in the funding report or the provider's history. The purchaser may
// (MayCorrectPastContracts), with a reason and the version it read: of concurrent deletions (or a
// deletion and a correction) exactly one succeeds, by a DELETE conditional on the version; the
// others get ECONFLICT on "version" (or ENOTFOUND once the row is gone). One "delete" audit
// entry keeps the contract as it was and the reason.
func (a *Service) DeletePastContract(ctx context.Context, ac *gongzhi.Actor, id int64, version int, reason string) error {
	if err := kernel.Allow(ac, MayCorrectPastContracts(ac)); err != nil {
		return err
	}
	var ck gongzhi.Checks
	reason, r := gongzhi.CheckText(reason, 500, true)
	if r != "" {
		ck.Check(gongzhi.Invalid("reason", r))
	}
	if version <= 0 {
		ck.Check(gongzhi.Invalid("version", "required"))
	}
	if err := ck.Err(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		before, err := q.GetPastContract(ctx, kernel.PlaceScope(ac), id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return pastVersionChanged()
		}
		ok, err := q.DeletePastContract(ctx, id, version)
		if err != nil {
			return err
		}
		if !ok {
			return pastVersionChanged()
		}
		return a.WriteAudit(ctx, q, ac, "delete", ResPastContracts, kernel.Id10(id), before, nil, gongzhi.TextNote(reason).String())
	})
}
