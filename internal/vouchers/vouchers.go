// Service vouchers: schemes, issuing, PINs, choice of provider, redemption, statements, expiry,
// ratings and the report.
//
// Who may do what (rules.go):
//   - purchaser (place-scoped): creates a scheme for its place on one of its budgets; issues its
//     vouchers to every eligible resident in one batch or to one resident; drafts, approves and
//     pays the monthly statements; reads the report.
//   - community staff: print voucher sheets (a new one-time PIN each) for their residents.
//   - resident (account linked to their registry record): reads their own and their household's
//     vouchers, chooses an admitted provider, takes a new PIN on the phone, rates the service.
//   - provider: redeems a voucher by its serial with the resident's PIN, linking an entry of its
//     own service ledger; reads the vouchers chosen by or redeemed at it and its statements.
//
// Money: issuing reserves the face value of every voucher in the scheme's budget (a batch the
// budget cannot cover is refused whole: budget.insufficient); paying a statement moves its sum
// from reserved to spent; an expired voucher releases its face value (a scheduled job).
//
// Once: a voucher moves issued → redeemed by a conditional UPDATE under its row lock, and
// voucher_redemptions' primary key refuses a second redemption in any case; statements are
// unique per scheme, provider and month and move draft → approved → paid once each.
//
// Errors: a voucher or scheme outside the caller's scope answers ENOTFOUND; a role that may never
// act EFORBIDDEN; a wrong PIN EINVALID (pin: voucher.pin_wrong), and VoucherPINFailures wrong
// ones in a row lock the voucher for VoucherPINLock (ETOOMANY); a move the state forbids
// ECONFLICT naming the field and reason. Every write is one transaction with its audit entry.

package vouchers

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"slices"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// Audit entities.
const (
	ResSchemes    = "voucher_schemes"
	ResVouchers   = "vouchers"
	ResStatements = "voucher_statements"
)

// ---- scopes

func (a *Service) voucherScope(ctx context.Context, ac *gongzhi.Actor) (store.VoucherScope, error) {
	if err := kernel.Allow(ac, MayReadVouchers(ac)); err != nil {
		return store.VoucherScope{}, err
	}
	switch {
	case ac.IsSystem():
		return store.VoucherScope{}, nil
	case ac.Has(gongzhi.RoleResident):
		l, err := kernel.LinkedOf(ctx, a.DB.Q(), ac)
		if err != nil || l.Person == 0 {
			return store.VoucherScope{None: true}, err
		}
		return store.VoucherScope{PersonID: l.Person, HouseholdID: l.Household}, nil
	case ac.Has(gongzhi.RoleProvider):
		if ac.User.OrgID == 0 {
			return store.VoucherScope{None: true}, nil
		}
		return store.VoucherScope{OrgID: ac.User.OrgID}, nil
	}
	s := kernel.PlaceScope(ac)
	return store.VoucherScope{Prefix: s.Prefix, None: s.None}, nil
}

// schemeScope is the places whose schemes the actor reads (a provider: every place, then only
// the schemes admitting it; community staff: every place, then only the schemes of a place
// above their community that cover it, see coversCommunity).
func schemeScope(ac *gongzhi.Actor) (store.Scope, error) {
	if err := kernel.Allow(ac, MayReadVoucherSchemes(ac)); err != nil {
		return store.Scope{}, err
	}
	if ac.Has(gongzhi.RoleProvider) || ac.Has(gongzhi.RoleCommunity) {
		return store.Scope{}, nil
	}
	return kernel.PlaceScope(ac), nil
}

// coversCommunity reports whether a scheme reaches the community of community staff: a scheme of
// their street (or a place above it) whose communities include theirs, or name none. Staff print
// the sheets of their residents' vouchers from it.
func coversCommunity(ac *gongzhi.Actor, s *gongzhi.VoucherScheme) bool {
	c := ac.ScopeCode
	return c != "" && strings.HasPrefix(c, strings.TrimRight(s.PlaceCode, "0")) && (len(s.Communities) == 0 || slices.Contains(s.Communities, c))
}

// ---- schemes

// CreateScheme records a scheme for the purchaser's place on one of its budgets. Refuses
// (EINVALID) a budget, community, target group, category or provider that does not exist or is
// outside the place (budget_id / communities / target_groups / categories / providers:
// voucher.unknown), and (ECONFLICT budget_id: voucher.overspend:AMOUNT) a scheme whose vouchers
// for everyone eligible today, at the per-person limit, would cost more than the budget has
// available.
func (a *Service) CreateScheme(ctx context.Context, ac *gongzhi.Actor, s *gongzhi.VoucherScheme) error {
	if err := kernel.Allow(ac, MayManageVoucherSchemes(ac)); err != nil {
		return err
	}
	s.PlaceCode = ac.ScopeCode
	if ac.IsSystem() && s.PlaceCode == "" {
		return gongzhi.Invalid("place_code", "required")
	}
	var checks gongzhi.Checks
	checks.Check(s.Validate())
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		b, err := a.checkRefs(ctx, q, ac, s, &checks)
		if err != nil {
			return err
		}
		if err := checks.Err(); err != nil {
			return err
		}
		people, err := q.EligiblePeople(ctx, s, a.maxBirthYear(s))
		if err != nil {
			return err
		}
		if need := gongzhi.Money(len(people)*s.PerPerson) * s.FaceValue; need > b.Available() {
			return gongzhi.Refused("budget_id", "voucher.overspend:"+need.Format())
		}
		if err := q.InsertVoucherScheme(ctx, s, kernel.UserID(ac), a.NowUTC()); err != nil {
			return err
		}
		s.BudgetName, s.PlaceName = b.Name, b.PlaceName
		return a.WriteAudit(ctx, q, ac, "create", ResSchemes, kernel.Id10(s.ID), nil, s, "")
	})
}

// checkRefs checks a scheme's references against storage: its budget (one of the purchaser's),
// communities within its place, target groups, catalog categories and providers that exist.
// Each refusal is added to checks (field: voucher.unknown); the budget is returned when found.
func (a *Service) checkRefs(ctx context.Context, q *store.Q, ac *gongzhi.Actor, s *gongzhi.VoucherScheme, checks *gongzhi.Checks) (*gongzhi.Budget, error) {
	scope := kernel.PlaceScope(ac)
	var b *gongzhi.Budget
	if !checks.Failed("budget_id") {
		var err error
		if b, err = q.GetBudget(ctx, scope, s.BudgetID); gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			checks.Check(gongzhi.Invalid("budget_id", "voucher.unknown"))
		} else if err != nil {
			return nil, err
		}
	}
	prefix := strings.TrimRight(s.PlaceCode, "0")
	for _, c := range s.Communities {
		lvl, err := q.PlaceExists(ctx, c)
		if err != nil {
			return nil, err
		}
		if lvl != 5 || !strings.HasPrefix(c, prefix) {
			checks.Check(gongzhi.Invalid("communities", "voucher.unknown"))
			break
		}
	}
	groups, err := q.ListTargetGroups(ctx)
	if err != nil {
		return nil, err
	}
	for _, g := range s.TargetGroups {
		if !slices.ContainsFunc(groups, func(t gongzhi.TargetGroup) bool { return t.Code == g }) {
			checks.Check(gongzhi.Invalid("target_groups", "voucher.unknown"))
			break
		}
	}
	for _, c := range s.Categories {
		if _, err := q.GetServiceCategory(ctx, c); gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			checks.Check(gongzhi.Invalid("categories", "voucher.unknown"))
			break
		} else if err != nil {
			return nil, err
		}
	}
	for _, o := range s.Providers {
		if o <= 0 {
			continue
		}
		if _, err := q.GetOrganization(ctx, store.Scope{}, o); gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			checks.Check(gongzhi.Invalid("providers", "voucher.unknown"))
			break
		} else if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// maxBirthYear is the last birth year the scheme's minimum age admits this year.
func (a *Service) maxBirthYear(s *gongzhi.VoucherScheme) int {
	return a.Now().In(gongzhi.ChinaTime).Year() - s.MinAge
}

// Scheme returns a scheme: staff within their place, a provider one that admits it.
func (a *Service) Scheme(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.VoucherScheme, error) {
	sc, err := schemeScope(ac)
	if err != nil {
		return nil, err
	}
	s, err := a.DB.Q().GetVoucherScheme(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	if ac.Has(gongzhi.RoleProvider) && !slices.Contains(s.Providers, ac.User.OrgID) || ac.Has(gongzhi.RoleCommunity) && !coversCommunity(ac, s) {
		return nil, gongzhi.NotFound()
	}
	return s, nil
}

// Schemes lists the schemes the actor reads, newest first.
func (a *Service) Schemes(ctx context.Context, ac *gongzhi.Actor) ([]*gongzhi.VoucherScheme, error) {
	sc, err := schemeScope(ac)
	if err != nil {
		return nil, err
	}
	var org int64
	var community string
	switch {
	case ac.Has(gongzhi.RoleProvider):
		if org = ac.User.OrgID; org == 0 {
			return nil, nil
		}
	case ac.Has(gongzhi.RoleCommunity):
		if community = ac.ScopeCode; community == "" {
			return nil, nil
		}
	}
	return a.DB.Q().ListVoucherSchemes(ctx, sc, org, community)
}

// SchemeProviders returns the names of a scheme's admitted providers, by id.
func (a *Service) SchemeProviders(ctx context.Context, s *gongzhi.VoucherScheme) (map[int64]string, error) {
	out := map[int64]string{}
	for _, id := range s.Providers {
		o, err := a.DB.Q().GetOrganization(ctx, store.Scope{}, id)
		if err != nil {
			return nil, err
		}
		out[id] = o.Name
	}
	return out, nil
}

// ---- issuing

// newSerial returns a random serial of VoucherSerialLen characters (80 bits).
func newSerial() string {
	const alpha = gongzhi.VoucherAlphabet // 32 letters: every byte maps evenly
	var buf [gongzhi.VoucherSerialLen]byte
	if _, err := rand.Read(buf[:]); err != nil {
		panic(err)
	}
	for i, x := range buf {
		buf[i] = alpha[int(x)%len(alpha)]
	}
	return string(buf[:])
}

// newPIN returns a random PIN of VoucherPINLen digits.
func newPIN() string {
	b := make([]byte, 0, gongzhi.VoucherPINLen)
	var buf [16]byte
	for len(b) < gongzhi.VoucherPINLen {
		if _, err := rand.Read(buf[:]); err != nil {
			panic(err)
		}
		for _, x := range buf {
			if x < 250 && len(b) < gongzhi.VoucherPINLen { // 250 = 25 × 10: every digit equally likely
				b = append(b, '0'+x%10)
			}
		}
	}
	return string(b)
}

func (a *Service) pinHash(serial, pin string) string {
	return a.Box.Hash(serial+":"+pin, "vouchers.pin")
}

// NormalizeSerial drops spaces and dashes and upper-cases a typed or scanned serial.
func NormalizeSerial(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(s)))
}

// moveMoney moves a scheme's money on its budget (purchase's MoveMoney), a refusal naming the
// scheme's field budget_id.
func (a *Service) moveMoney(ctx context.Context, q *store.Q, ac *gongzhi.Actor, e gongzhi.LedgerEntry) error {
	return a.MoveMoney(ctx, q, ac, e, "budget_id")
}

// lockScheme locks a scheme the purchaser manages.
func (a *Service) lockScheme(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.VoucherScheme, error) {
	if err := q.LockRow(ctx, "voucher_schemes", id); err != nil {
		return nil, err
	}
	return q.GetVoucherScheme(ctx, kernel.PlaceScope(ac), id)
}

// issue inserts n vouchers for a person and records each.
func (a *Service) issue(ctx context.Context, q *store.Q, s *gongzhi.VoucherScheme, p store.EligiblePerson, n int, out *[]*gongzhi.Voucher) error {
	now := a.NowUTC()
	for i := range n {
		v := &gongzhi.Voucher{SchemeID: s.ID, SchemeName: s.Name, Serial: newSerial(), PersonID: p.ID, HouseholdID: p.HouseholdID,
			CommunityCode: p.PlaceCode, Seq: p.Held + i + 1, FaceValue: s.FaceValue, ValidUntil: s.ValidUntil, State: gongzhi.VoucherIssued,
			IssuedAt: now}
		if err := q.InsertVoucher(ctx, v, ""); err != nil {
			return err
		}
		if err := a.publish(ctx, q, RecIssued, v.ID, map[string]any{"voucher_id": v.ID, "scheme_id": s.ID, "serial_sha256": serialDigest(v.Serial),
			"face_value_fen": int64(v.FaceValue), "holder": a.pseudonym(p.ID), "community": v.CommunityCode, "valid_until": v.ValidUntil}); err != nil {
			return err
		}
		*out = append(*out, v)
	}
	return nil
}

// IssueVouchers issues, in one transaction, to every resident the scheme admits as many
// vouchers as bring them to the per-person limit, reserving their face value in the budget.
// Refuses (ECONFLICT) a scheme past its last day (scheme: voucher.scheme_ended), a batch the
// budget cannot cover (budget_id: budget.insufficient:AVAILABLE) and a batch with nobody left
// to issue to (scheme: voucher.none_to_issue). Returns the vouchers issued (without PINs: a
// sheet or the resident's phone makes one).
func (a *Service) IssueVouchers(ctx context.Context, ac *gongzhi.Actor, schemeID int64) ([]*gongzhi.Voucher, error) {
	if err := kernel.Allow(ac, MayManageVoucherSchemes(ac)); err != nil {
		return nil, err
	}
	var out []*gongzhi.Voucher
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		out = nil
		s, err := a.lockScheme(ctx, q, ac, schemeID)
		if err != nil {
			return err
		}
		if s.ValidUntil < a.Today() {
			return gongzhi.Refused("scheme", "voucher.scheme_ended")
		}
		people, err := q.EligiblePeople(ctx, s, a.maxBirthYear(s))
		if err != nil {
			return err
		}
		total := 0
		for _, p := range people {
			total += max(s.PerPerson-p.Held, 0)
		}
		if total == 0 {
			return gongzhi.Refused("scheme", "voucher.none_to_issue")
		}
		if err := a.moveMoney(ctx, q, ac, gongzhi.LedgerEntry{BudgetID: s.BudgetID, Kind: gongzhi.LedgerReserve,
			Amount: gongzhi.Money(total) * s.FaceValue, Note: gongzhi.NoteOf("voucher_issue", s.Name, total)}); err != nil {
			return err
		}
		for _, p := range people {
			if err := a.issue(ctx, q, s, p, max(s.PerPerson-p.Held, 0), &out); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "issue", ResSchemes, kernel.Id10(s.ID), nil,
			map[string]any{"vouchers": total, "amount": gongzhi.Money(total) * s.FaceValue}, "")
	})
	return out, err
}

// IssueVoucher issues one voucher of the scheme to one resident it admits (EINVALID person_id:
// voucher.not_eligible otherwise), refused at the per-person limit (ECONFLICT person_id:
// voucher.limit_reached) and, like a batch, past the scheme's end or beyond the budget.
func (a *Service) IssueVoucher(ctx context.Context, ac *gongzhi.Actor, schemeID, personID int64) (*gongzhi.Voucher, error) {
	if err := kernel.Allow(ac, MayManageVoucherSchemes(ac)); err != nil {
		return nil, err
	}
	var out []*gongzhi.Voucher
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		out = nil
		s, err := a.lockScheme(ctx, q, ac, schemeID)
		if err != nil {
			return err
		}
		if s.ValidUntil < a.Today() {
			return gongzhi.Refused("scheme", "voucher.scheme_ended")
		}
		if err := q.LockRow(ctx, "people", personID); gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return gongzhi.Invalid("person_id", "voucher.not_eligible")
		} else if err != nil {
			return err
		}
		p, err := q.EligiblePerson(ctx, s, a.maxBirthYear(s), personID)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return gongzhi.Invalid("person_id", "voucher.not_eligible")
		} else if err != nil {
			return err
		}
		if p.Held >= s.PerPerson {
			return gongzhi.Refused("person_id", "voucher.limit_reached")
		}
		if err := a.moveMoney(ctx, q, ac, gongzhi.LedgerEntry{BudgetID: s.BudgetID, Kind: gongzhi.LedgerReserve, Amount: s.FaceValue,
			Note: gongzhi.NoteOf("voucher_issue", s.Name, 1)}); err != nil {
			return err
		}
		if err := a.issue(ctx, q, s, *p, 1, &out); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResVouchers, kernel.Id10(out[0].ID), nil, auditVoucher(out[0]), "")
	})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// auditVoucher is what the audit log keeps of a voucher: never its PIN.
func auditVoucher(v *gongzhi.Voucher) any {
	x := *v
	x.PIN, x.PersonName = "", ""
	return &x
}

// ---- reading

// Voucher returns a voucher within the actor's scope, the holder's name masked for a provider.
func (a *Service) Voucher(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Voucher, error) {
	sc, err := a.voucherScope(ctx, ac)
	if err != nil {
		return nil, err
	}
	r, err := a.DB.Q().GetVoucher(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	return view(ac, r.Voucher), nil
}

func view(ac *gongzhi.Actor, v *gongzhi.Voucher) *gongzhi.Voucher {
	if ac.Has(gongzhi.RoleProvider) || ac.Has(gongzhi.RoleAuditor) {
		v.PersonName = gongzhi.MaskName(v.PersonName)
	}
	return v
}

// Vouchers lists the vouchers within the actor's scope. Filters: scheme, state, community,
// person.
func (a *Service) Vouchers(ctx context.Context, ac *gongzhi.Actor, filters map[string]string, each func(*gongzhi.Voucher) error) error {
	sc, err := a.voucherScope(ctx, ac)
	if err != nil {
		return err
	}
	delete(filters, "ids")
	return a.DB.Q().ListVouchers(ctx, sc, filters, func(v *gongzhi.Voucher) error { return each(view(ac, v)) })
}

// ---- PINs

// PrintSheets makes a new one-time PIN for each issued voucher of the scheme in the community
// (community staff and purchasers, within their place; ids, when given, narrows to those) and
// returns the vouchers with their PINs for the printed sheet. The PINs are kept only as keyed
// hashes: a sheet printed again replaces them.
func (a *Service) PrintSheets(ctx context.Context, ac *gongzhi.Actor, schemeID int64, community string, ids string) ([]*gongzhi.Voucher, error) {
	if err := kernel.Allow(ac, MayPrintVoucherSheets(ac)); err != nil {
		return nil, err
	}
	sc, err := a.voucherScope(ctx, ac)
	if err != nil {
		return nil, err
	}
	var out []*gongzhi.Voucher
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		out = nil
		f := map[string]string{"scheme": kernel.Id10(schemeID), "state": gongzhi.VoucherIssued, "community": community, "ids": ids}
		if err := q.ListVouchers(ctx, sc, f, func(v *gongzhi.Voucher) error { out = append(out, v); return nil }); err != nil {
			return err
		}
		for _, v := range out {
			v.PIN = newPIN()
			if err := q.SetVoucherPIN(ctx, v.ID, a.pinHash(v.Serial, v.PIN)); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "print", ResSchemes, kernel.Id10(schemeID), nil,
			map[string]any{"vouchers": len(out), "community": community}, "")
	})
	return out, err
}

// holderScope is the vouchers a resident holds: their own and their household's (read before
// the transaction that changes one).
func (a *Service) holderScope(ctx context.Context, ac *gongzhi.Actor) (store.VoucherScope, error) {
	if err := kernel.Allow(ac, MayHoldVouchers(ac)); err != nil {
		return store.VoucherScope{}, err
	}
	return a.voucherScope(ctx, ac)
}

// holderVoucher locks a voucher within the holder's scope.
func holderVoucher(ctx context.Context, q *store.Q, sc store.VoucherScope, id int64) (*store.VoucherRow, error) {
	if _, err := q.GetVoucher(ctx, sc, id); err != nil {
		return nil, err
	}
	return q.LockVoucher(ctx, sc, id)
}

// NewPIN makes a new one-time PIN for the resident's own (or household's) issued voucher and
// returns it once (ECONFLICT state: voucher.not_issued for one spent or expired).
func (a *Service) NewPIN(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Voucher, error) {
	sc, err := a.holderScope(ctx, ac)
	if err != nil {
		return nil, err
	}
	var out *gongzhi.Voucher
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		r, err := holderVoucher(ctx, q, sc, id)
		if err != nil {
			return err
		}
		if r.State != gongzhi.VoucherIssued {
			return gongzhi.Refused("state", "voucher.not_issued")
		}
		out = r.Voucher
		out.PIN = newPIN()
		if err := q.SetVoucherPIN(ctx, id, a.pinHash(out.Serial, out.PIN)); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "pin", ResVouchers, kernel.Id10(id), nil, nil, "")
	})
	return out, err
}

// ChooseProvider records the admitted provider the resident chose for their issued voucher
// (EINVALID org_id: voucher.provider_not_admitted for another; ECONFLICT state:
// voucher.not_issued once spent or expired). Only the chosen provider may then redeem it.
func (a *Service) ChooseProvider(ctx context.Context, ac *gongzhi.Actor, id, orgID int64) (*gongzhi.Voucher, error) {
	sc, err := a.holderScope(ctx, ac)
	if err != nil {
		return nil, err
	}
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		r, err := holderVoucher(ctx, q, sc, id)
		if err != nil {
			return err
		}
		if r.State != gongzhi.VoucherIssued {
			return gongzhi.Refused("state", "voucher.not_issued")
		}
		s, err := q.GetVoucherScheme(ctx, store.Scope{}, r.SchemeID)
		if err != nil {
			return err
		}
		if !slices.Contains(s.Providers, orgID) {
			return gongzhi.Invalid("org_id", "voucher.provider_not_admitted")
		}
		if err := q.ChooseVoucherProvider(ctx, id, orgID); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "choose", ResVouchers, kernel.Id10(id), map[string]any{"org_id": r.ChosenOrgID},
			map[string]any{"org_id": orgID}, "")
	})
	if err != nil {
		return nil, err
	}
	return a.Voucher(ctx, ac, id)
}

// ---- redemption

// RedeemRequest is what a provider types or scans at the service.
type RedeemRequest struct {
	Serial  string `json:"serial"`
	PIN     string `json:"pin"`
	EntryID int64  `json:"entry_id"` // the entry of the provider's service ledger (台账) recording the service; 0: none yet
}

// Redeem spends a voucher at the caller's organization, once. The serial must name a voucher
// (ENOTFOUND) whose PIN matches (EINVALID pin: voucher.pin_wrong, counted: VoucherPINFailures
// wrong ones in a row lock it for VoucherPINLock, ETOOMANY); it must be issued (ECONFLICT
// state: voucher.already_redeemed / voucher.expired), within its dates (serial:
// voucher.expired / voucher.not_yet_valid), the caller admitted by its scheme (org:
// voucher.provider_not_admitted) and, if the resident chose a provider, the one chosen (org:
// voucher.chosen_other). The ledger entry, if given, must be one of the caller's in force
// (EINVALID entry_id: voucher.entry_unknown).
func (a *Service) Redeem(ctx context.Context, ac *gongzhi.Actor, req RedeemRequest) (*gongzhi.Voucher, error) {
	if err := kernel.Allow(ac, MayRedeemVouchers(ac)); err != nil {
		return nil, err
	}
	org := ac.User.OrgID
	if org == 0 && !ac.IsSystem() {
		return nil, gongzhi.Forbidden()
	}
	serial, pin := NormalizeSerial(req.Serial), strings.TrimSpace(req.PIN)
	f := gongzhi.FieldErrors{}
	if len(serial) != gongzhi.VoucherSerialLen || strings.Trim(serial, gongzhi.VoucherAlphabet) != "" {
		f.Add("serial", "voucher.serial_format")
	}
	if len(pin) != gongzhi.VoucherPINLen || strings.Trim(pin, "0123456789") != "" {
		f.Add("pin", "voucher.pin_format")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *gongzhi.Voucher
	var refused error
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		refused = nil
		r, err := q.LockVoucherBySerial(ctx, serial)
		if err != nil {
			return err
		}
		now := a.NowUTC()
		if r.PINLockedUntil.After(now) {
			refused = &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "voucher.pin_locked"}
			return nil
		}
		if r.PINHash == "" || subtle.ConstantTimeCompare([]byte(r.PINHash), []byte(a.pinHash(serial, pin))) != 1 {
			var until time.Time
			if r.PINFailures+1 >= gongzhi.VoucherPINFailures {
				until = now.Add(gongzhi.VoucherPINLock)
			}
			if err := q.VoucherPINFailed(ctx, r.ID, until); err != nil {
				return err
			}
			refused = gongzhi.Invalid("pin", "voucher.pin_wrong")
			return a.WriteAudit(ctx, q, ac, "pin_failed", ResVouchers, kernel.Id10(r.ID), nil, nil, "")
		}
		switch r.State {
		case gongzhi.VoucherIssued:
		case gongzhi.VoucherExpired:
			return gongzhi.Refused("state", "voucher.expired")
		default:
			return gongzhi.Refused("state", "voucher.already_redeemed")
		}
		today := a.Today()
		if r.ValidUntil < today {
			return gongzhi.Refused("serial", "voucher.expired")
		}
		s, err := q.GetVoucherScheme(ctx, store.Scope{}, r.SchemeID)
		if err != nil {
			return err
		}
		if s.ValidFrom > today {
			return gongzhi.Refused("serial", "voucher.not_yet_valid")
		}
		if !slices.Contains(s.Providers, org) {
			return gongzhi.Refused("org", "voucher.provider_not_admitted")
		}
		if r.ChosenOrgID != 0 && r.ChosenOrgID != org {
			return gongzhi.Refused("org", "voucher.chosen_other")
		}
		if req.EntryID != 0 {
			if ok, err := q.EntryOfOrg(ctx, req.EntryID, org); err != nil {
				return err
			} else if !ok {
				return gongzhi.Invalid("entry_id", "voucher.entry_unknown")
			}
		}
		if err := q.MoveVoucher(ctx, r.ID, gongzhi.VoucherIssued, gongzhi.VoucherRedeemed, now); err != nil {
			return gongzhi.Refused("state", "voucher.already_redeemed")
		}
		if r.ChosenOrgID == 0 {
			if _, err := q.Exec(ctx, `UPDATE vouchers SET chosen_org_id = ? WHERE id = ?`, org, r.ID); err != nil {
				return err
			}
		}
		red := &gongzhi.Redemption{VoucherID: r.ID, OrgID: org, EntryID: req.EntryID, Amount: r.FaceValue, Month: gongzhi.MonthOf(now),
			Username: kernel.ActorName(ac), At: now}
		if err := q.InsertRedemption(ctx, r.Voucher, red, kernel.UserID(ac)); err != nil {
			if store.IsUnique(err, "") {
				return gongzhi.Refused("state", "voucher.already_redeemed")
			}
			return err
		}
		if err := a.publish(ctx, q, RecRedeemed, r.ID, map[string]any{"voucher_id": r.ID, "serial_sha256": serialDigest(r.Serial), "org_id": org, "entry_id": req.EntryID,
			"amount_fen": int64(r.FaceValue), "month": red.Month}); err != nil {
			return err
		}
		if err := a.WriteAudit(ctx, q, ac, "redeem", ResVouchers, kernel.Id10(r.ID), map[string]any{"state": gongzhi.VoucherIssued},
			map[string]any{"state": gongzhi.VoucherRedeemed, "org_id": org, "entry_id": req.EntryID}, ""); err != nil {
			return err
		}
		got, err := q.GetVoucher(ctx, store.VoucherScope{}, r.ID)
		if err != nil {
			return err
		}
		out = view(ac, got.Voucher)
		return nil
	})
	if err == nil && refused != nil {
		return nil, refused
	}
	return out, err
}

// ---- ratings

// Rate records the holder's rating (1–5) of the service a spent voucher bought, once
// (ECONFLICT state: voucher.not_rateable for one not spent or already rated).
func (a *Service) Rate(ctx context.Context, ac *gongzhi.Actor, id int64, rating int, comment string) (*gongzhi.Voucher, error) {
	f := gongzhi.FieldErrors{}
	if rating < 1 || rating > 5 {
		f.Add("rating", "voucher.rating_range")
	}
	comment, r := gongzhi.CheckText(comment, 500, false)
	if r != "" {
		f.Add("comment", r)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	sc, err := a.holderScope(ctx, ac)
	if err != nil {
		return nil, err
	}
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := holderVoucher(ctx, q, sc, id); err != nil {
			return err
		}
		if err := q.RateVoucher(ctx, id, rating, comment, a.NowUTC()); err != nil {
			return gongzhi.Refused("state", "voucher.not_rateable")
		}
		return a.WriteAudit(ctx, q, ac, "rate", ResVouchers, kernel.Id10(id), nil, map[string]any{"rating": rating}, "")
	})
	if err != nil {
		return nil, err
	}
	return a.Voucher(ctx, ac, id)
}

// VoucherProviders returns the providers a voucher's scheme admits (ids in order, names by id),
// for a voucher the actor reads.
func (a *Service) VoucherProviders(ctx context.Context, ac *gongzhi.Actor, id int64) ([]int64, map[int64]string, error) {
	v, err := a.Voucher(ctx, ac, id)
	if err != nil {
		return nil, nil, err
	}
	s, err := a.DB.Q().GetVoucherScheme(ctx, store.Scope{}, v.SchemeID)
	if err != nil {
		return nil, nil, err
	}
	names, err := a.SchemeProviders(ctx, s)
	return s.Providers, names, err
}
