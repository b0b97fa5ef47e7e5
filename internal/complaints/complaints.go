// Complaints and inquiries (投诉/问询), run like a public-service hotline (12345 工单).
//
// Who may do what:
//   - anyone, without an account: submit one with a contact name and phone (throttled per client
//     address and per phone), follow it with the tracking code and the phone's last four digits,
//     rate the answer there; read the public monthly aggregate.
//   - resident: submit signed in (the contact is the account's), list and read their own, rate.
//   - provider (organization-scoped): reads and answers the complaints routed to it; it keeps
//     reading one reopened after a low rating (the office answers it then), not one re-routed away.
//   - hub (place-scoped): reads its place's complaints; answers those routed to the hub and those
//     escalated to it (level ≥ 1); re-routes with a reason; reveals a contact's phone (audited).
//   - purchaser, the street office (place-scoped): like the hub, and answers those routed to the
//     office, escalated to it (level 2) or reopened after a low rating.
//   - auditor, community staff: read their place's complaints (contacts masked), never write.
//
// Routing: a complaint about a contract goes to its provider, one about the hub's work to the
// hub, anything else to the street office. Deadlines count working days of the office calendar
// (gongzhi.ComplaintAnswerDays by kind). Escalation runs on a schedule (internal/jobs), never on
// a read: EscalateOverdueComplaints raises each overdue complaint once — to the hub at its
// deadline, to the office ComplaintEscalateDays working days later — even under concurrent
// calls; an answer runs it first, inside the answer's transaction, so that whoever the
// complaint waits for by then is the one who may answer. A rating of gongzhi.LowRating or less
// reopens the complaint for a second, final answer by the street office, due within
// gongzhi.ComplaintReanswerDays working days; any other rating closes it. A complaint is rated
// once.
//
// A complaint outside the caller's scope answers ENOTFOUND; a role that may never act gets
// EFORBIDDEN; a move the state or route forbids gets ECONFLICT naming the field and reason; bad
// input EINVALID; too many submissions ETOOMANY. Every write is one transaction with its audit
// entry and a line of the complaint's history.

package complaints

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"sort"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/purchase"
	"gongzhi/internal/store"
)

// ResComplaints is the audit entity of complaints.
const ResComplaints = "complaints"

// Throttles of submissions and tracking requests.
var (
	ComplaintIPLimit     = 5 // submissions per client address per ComplaintIPWindow
	ComplaintIPWindow    = time.Hour
	ComplaintPhoneLimit  = 5 // submissions per phone per ComplaintPhoneWindow
	ComplaintPhoneWindow = 24 * time.Hour
	ComplaintTrackLimit  = 20 // failed tracking requests per client address per hour
)

// complaintScope is what the actor sees of complaints.
func complaintScope(ac *gongzhi.Actor) (store.ComplaintScope, error) {
	if err := kernel.Allow(ac, MayReadComplaints(ac)); err != nil {
		return store.ComplaintScope{}, err
	}
	switch {
	case ac.IsSystem():
		return store.ComplaintScope{}, nil
	case ac.Has(gongzhi.RoleResident):
		return store.ComplaintScope{UserID: ac.User.ID}, nil
	case ac.Has(gongzhi.RoleProvider):
		if ac.User.OrgID == 0 {
			return store.ComplaintScope{None: true}, nil
		}
		return store.ComplaintScope{OrgID: ac.User.OrgID}, nil
	}
	s := kernel.PlaceScope(ac)
	return store.ComplaintScope{Prefix: s.Prefix, None: s.None}, nil
}

// complaintView opens a stored complaint for the actor: the contact in full for its own
// submitter, the name in full and the phone masked for the hub and the office (the full phone
// through RevealComplaintContact), both masked for everyone else; the tracking code only for
// its submitter.
func (a *Service) complaintView(ac *gongzhi.Actor, r *store.ComplaintRow) *gongzhi.Complaint {
	c := *r.Complaint
	c.Overdue = c.IsOverdue(a.NowUTC())
	name, _ := a.Box.Open(r.NameEnc, "complaints.contact_name")
	phone, _ := a.Box.Open(r.PhoneEnc, "complaints.contact_phone")
	own := ac != nil && ac.User != nil && c.UserID != 0 && ac.User.ID == c.UserID
	switch {
	case own || ac.IsSystem():
		c.ContactName, c.ContactPhone = name, phone
	case MayHandleComplaints(ac):
		c.ContactName, c.ContactPhone, c.PhoneMasked = name, gongzhi.MaskPhone(phone), true
	default:
		c.ContactName, c.ContactPhone, c.PhoneMasked = gongzhi.MaskName(name), gongzhi.MaskPhone(phone), true
	}
	if !own && !ac.IsSystem() {
		c.Code = ""
	}
	return &c
}

// complaintCode returns a random tracking code.
func complaintCode() string {
	const alpha = gongzhi.ComplaintCodeAlphabet
	b := make([]byte, gongzhi.ComplaintCodeLen)
	// 248 = 8 × 31: bytes at or above it are dropped so that every letter is equally likely.
	var buf [32]byte
	for i := 0; i < len(b); {
		if _, err := rand.Read(buf[:]); err != nil {
			panic(err)
		}
		for _, x := range buf {
			if x < 248 && i < len(b) {
				b[i] = alpha[int(x)%len(alpha)]
				i++
			}
		}
	}
	return string(b)
}

// complaintEvent appends a line of history inside the caller's transaction.
func (a *Service) complaintEvent(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64, action, from, to string, note gongzhi.Note) error {
	uid, name, role := kernel.Identity(ac)
	if ac.IsSystem() {
		uid = 0
	}
	return q.InsertComplaintEvent(ctx, id, &gongzhi.ComplaintEvent{At: a.NowUTC(), Action: action, From: from, To: to, Username: name,
		Role: role, Note: note}, uid)
}

// auditComplaint is what the audit log keeps of a complaint: never the contact.
func auditComplaint(c *gongzhi.Complaint) any {
	if c == nil {
		return nil
	}
	x := *c
	x.ContactName, x.ContactPhone, x.Code, x.Answers = "", "", "", nil
	return &x
}

// routeTo resolves where a complaint goes: the provider of a signed contract covering the
// community, the hub, or the office. EINVALID contract_id: complaint.contract_unknown
// for a contract that is not signed or whose purchaser's place does not hold the community.
func routeTo(ctx context.Context, q *store.Q, c *gongzhi.Complaint) error {
	switch {
	case c.ContractID != 0:
		ct, err := q.GetContract(ctx, store.Scope{}, c.ContractID)
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			return gongzhi.Invalid("contract_id", "complaint.contract_unknown")
		} else if err != nil {
			return err
		}
		prefix, _, err := kernel.PlacePrefix(ctx, q, ct.PlaceCode)
		if err != nil || ct.State != gongzhi.ContractSigned || !strings.HasPrefix(c.CommunityCode, prefix) {
			return gongzhi.Invalid("contract_id", "complaint.contract_unknown")
		}
		c.Route, c.OrgID, c.OrgName, c.ContractTitle, c.AboutHub = gongzhi.RouteProvider, ct.OrgID, ct.ProviderName, ct.Title, false
	case c.AboutHub:
		c.Route, c.OrgID, c.OrgName, c.ContractTitle = gongzhi.RouteHub, 0, "", ""
	default:
		c.Route, c.OrgID, c.OrgName, c.ContractTitle = gongzhi.RouteOffice, 0, "", ""
	}
	return nil
}

// SubmitComplaint records a complaint, inquiry or suggestion and returns its tracking code in
// c.Code. A signed-in resident's contact is the account's name and phone; anyone else — the
// public without an account, or staff recording a phone call — must give a contact name and a
// valid phone (EINVALID contact_name/contact_phone: required, phone.format). The community must
// be a community (EINVALID community_code: place.missing, place.not_community); the contract, if
// named, a signed contract of a place holding it (contract_id: complaint.contract_unknown). More than
// ComplaintIPLimit submissions from one address within an hour, or ComplaintPhoneLimit for one
// phone within a day, answer ETOOMANY.
func (a *Service) SubmitComplaint(ctx context.Context, ac *gongzhi.Actor, c *gongzhi.Complaint) error {
	resident := FilesAsResident(ac)
	if resident {
		c.ContactName, c.ContactPhone, c.UserID = ac.User.DisplayName, ac.User.Phone, ac.User.ID
	} else {
		c.UserID = 0
	}
	if err := c.Validate(!resident); err != nil {
		return err
	}
	now := a.NowUTC()
	ip := ""
	if ac != nil {
		ip = ac.IP
	}
	phoneHash := ""
	if d := gongzhi.PhoneDigits(c.ContactPhone); d != "" {
		phoneHash = a.Box.Hash(d, "complaints.contact_phone")
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if ip != "" {
			if err := q.LockComplaintThrottle(ctx, "ip", ip); err != nil {
				return err
			}
			if n, err := q.ComplaintThrottle(ctx, "ip", ip, now.Add(-ComplaintIPWindow)); err != nil {
				return err
			} else if n >= ComplaintIPLimit {
				return &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "complaint.too_many"}
			}
		}
		if phoneHash != "" {
			if err := q.LockComplaintThrottle(ctx, "phone", phoneHash); err != nil {
				return err
			}
			if n, err := q.ComplaintThrottle(ctx, "phone", phoneHash, now.Add(-ComplaintPhoneWindow)); err != nil {
				return err
			} else if n >= ComplaintPhoneLimit {
				return &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "complaint.too_many"}
			}
		}
		if err := purchase.CommunityExists(ctx, q, c.CommunityCode); err != nil {
			return err
		}
		if err := routeTo(ctx, q, c); err != nil {
			return err
		}
		cal, err := a.Calendar(ctx, q)
		if err != nil {
			return err
		}
		c.DueAt, c.EscalateAt = gongzhi.ComplaintDeadlines(cal, now, gongzhi.ComplaintAnswerDays[c.Kind])
		c.State, c.Escalation, c.Code = gongzhi.ComplaintOpen, 0, complaintCode()
		if err := q.InsertComplaint(ctx, c, a.Box.Seal(c.ContactName, "complaints.contact_name"),
			a.Box.Seal(c.ContactPhone, "complaints.contact_phone"), gongzhi.PhoneLast4(c.ContactPhone), phoneHash, now); err != nil {
			return err
		}
		if ip != "" {
			if err := q.AddComplaintThrottle(ctx, "ip", ip, now); err != nil {
				return err
			}
		}
		if phoneHash != "" {
			if err := q.AddComplaintThrottle(ctx, "phone", phoneHash, now); err != nil {
				return err
			}
		}
		if err := q.PruneComplaintThrottle(ctx, now.Add(-2*max(ComplaintIPWindow, ComplaintPhoneWindow))); err != nil {
			return err
		}
		if err := a.complaintEvent(ctx, q, ac, c.ID, "submitted", "", gongzhi.ComplaintOpen, gongzhi.NoteOf("route", c.Route)); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResComplaints, kernel.Id10(c.ID), nil, auditComplaint(c), "")
	})
}

// EscalateOverdueComplaints raises the complaints still waiting for an answer at now: to the hub
// (level 1) past the deadline, to the street office (level 2) past escalate_at. Each complaint
// is raised once per level whatever the number of concurrent callers; it returns how many were
// raised by this call.
func (a *Service) EscalateOverdueComplaints(ctx context.Context, now time.Time) (int, error) {
	if due, err := a.DB.Q().ComplaintsToEscalate(ctx, now); err != nil || !due {
		return 0, err
	}
	n := 0
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		n, err = a.escalate(ctx, q, now)
		return err
	})
	return n, err
}

func (a *Service) escalate(ctx context.Context, q *store.Q, now time.Time) (int, error) {
	raised, err := q.EscalateComplaints(ctx, now)
	if err != nil {
		return 0, err
	}
	sys := gongzhi.SystemActor("auto")
	for _, e := range raised {
		note := gongzhi.NoteOf("escalation", e.Level)
		if err := a.complaintEvent(ctx, q, sys, e.ID, "escalated", e.State, e.State, note); err != nil {
			return 0, err
		}
		if err := a.WriteAudit(ctx, q, sys, "escalate", ResComplaints, kernel.Id10(e.ID), nil, nil, note.String()); err != nil {
			return 0, err
		}
	}
	return len(raised), nil
}

// Complaints lists the complaints within the caller's scope (see the header). Filters: see
// store.ListComplaints.
func (a *Service) Complaints(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Complaint) error) (int, error) {
	s, err := complaintScope(ac)
	if err != nil {
		return 0, err
	}
	return a.DB.Q().ListComplaints(ctx, s, opts, a.NowUTC(), func(r *store.ComplaintRow) error { return each(a.complaintView(ac, r)) })
}

// Complaint returns one complaint within scope with its answers.
func (a *Service) Complaint(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Complaint, error) {
	s, err := complaintScope(ac)
	if err != nil {
		return nil, err
	}
	q := a.DB.Q()
	r, err := q.GetComplaint(ctx, s, id)
	if err != nil {
		return nil, err
	}
	c := a.complaintView(ac, r)
	if c.Answers, err = q.ComplaintAnswers(ctx, id); err != nil {
		return nil, err
	}
	return c, nil
}

// ComplaintHistory returns a complaint's history to the staff who read it (purchaser, hub,
// auditor, community staff) and to the provider it is routed to; a resident follows the state
// and the answers instead (EFORBIDDEN).
func (a *Service) ComplaintHistory(ctx context.Context, ac *gongzhi.Actor, id int64) ([]gongzhi.ComplaintEvent, error) {
	if !MayReadComplaintHistory(ac) {
		return nil, gongzhi.Forbidden()
	}
	s, err := complaintScope(ac)
	if err != nil {
		return nil, err
	}
	q := a.DB.Q()
	if _, err := q.GetComplaint(ctx, s, id); err != nil {
		return nil, err
	}
	return q.ComplaintHistory(ctx, id)
}

// RevealComplaintContact returns a complaint's full contact name and phone to the hub or the
// office (EFORBIDDEN for anyone else), within scope, and records the view in the audit log and
// the complaint's history.
func (a *Service) RevealComplaintContact(ctx context.Context, ac *gongzhi.Actor, id int64) (name, phone string, err error) {
	if err := kernel.Allow(ac, MayHandleComplaints(ac)); err != nil {
		return "", "", err
	}
	s, err := complaintScope(ac)
	if err != nil {
		return "", "", err
	}
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		r, err := q.GetComplaint(ctx, s, id)
		if err != nil {
			return err
		}
		if name, err = a.Box.Open(r.NameEnc, "complaints.contact_name"); err != nil {
			return err
		}
		if phone, err = a.Box.Open(r.PhoneEnc, "complaints.contact_phone"); err != nil {
			return err
		}
		if err := a.complaintEvent(ctx, q, ac, id, "revealed", r.State, r.State, gongzhi.NoteOf("contact")); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "view_sensitive", ResComplaints, kernel.Id10(id), nil, nil, "contact")
	})
	return name, phone, err
}

// AnswerComplaint records the answer of the party the complaint waits for. The provider, the hub
// and the purchaser may (EFORBIDDEN otherwise); a complaint outside scope — another provider's —
// answers ENOTFOUND. ECONFLICT state: complaint.not_waiting when it waits for no answer; route:
// complaint.not_yours when it waits for someone else. EINVALID answer: required or too long.
func (a *Service) AnswerComplaint(ctx context.Context, ac *gongzhi.Actor, id int64, body string) error {
	if err := kernel.Allow(ac, MayAnswerComplaints(ac)); err != nil {
		return err
	}
	s, err := complaintScope(ac)
	if err != nil {
		return err
	}
	body, reason := gongzhi.CheckText(body, 2000, true)
	if reason != "" {
		return gongzhi.Invalid("answer", reason)
	}
	now := a.NowUTC()
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := a.escalate(ctx, q, now); err != nil {
			return err
		}
		r, err := q.LockComplaint(ctx, s, id)
		if err != nil {
			return err
		}
		c := r.Complaint
		if !c.Open() {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"state": "complaint.not_waiting"}}
		}
		if !mayAnswer(ac, c) {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"route": "complaint.not_yours"}}
		}
		ans := &gongzhi.ComplaintAnswer{Round: 1, Body: body, Role: ac.Role()}
		to := gongzhi.ComplaintAnswered
		if c.State == gongzhi.ComplaintReopened {
			ans.Round, to = 2, gongzhi.ComplaintClosed
		}
		// the answering office: the provider's organization, or the place of the purchaser or
		// hub (whatever its level) that answers
		if ac.Has(gongzhi.RoleProvider) {
			ans.OrgName, ans.OrgID = c.OrgName, c.OrgID
		} else {
			ans.PlaceCode = ac.ScopeCode
		}
		ok, err := q.InsertComplaintAnswer(ctx, id, ans, kernel.UserID(ac), to, now)
		if err != nil {
			return err
		}
		if !ok {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"state": "complaint.not_waiting"}}
		}
		if err := a.complaintEvent(ctx, q, ac, id, "answered", c.State, to, gongzhi.NoteOf("answer_round", ans.Round)); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "answer", ResComplaints, kernel.Id10(id), nil, ans, "")
	})
}

// RouteTarget is where staff send a complaint: the office, the hub, or a contract's provider.
type RouteTarget struct {
	Route      string `json:"route"` // office, hub, provider
	ContractID int64  `json:"contract_id"`
	Reason     string `json:"reason"`
}

// RouteComplaint sends a waiting complaint elsewhere, with a reason. The hub and the purchaser
// may (EFORBIDDEN otherwise), within scope (ENOTFOUND). EINVALID reason: required; route: choice;
// contract_id: required or complaint.contract_unknown. ECONFLICT state: complaint.not_open for a
// complaint that is answered, reopened (the office's) or closed; route: complaint.same_route.
// The deadline keeps running from the submission.
func (a *Service) RouteComplaint(ctx context.Context, ac *gongzhi.Actor, id int64, t RouteTarget) error {
	if err := kernel.Allow(ac, MayHandleComplaints(ac)); err != nil {
		return err
	}
	s, err := complaintScope(ac)
	if err != nil {
		return err
	}
	f := gongzhi.FieldErrors{}
	var r string
	if t.Reason, r = gongzhi.CheckText(t.Reason, 500, true); r != "" {
		f.Add("reason", r)
	}
	switch t.Route {
	case gongzhi.RouteOffice, gongzhi.RouteHub:
		t.ContractID = 0
	case gongzhi.RouteProvider:
		if t.ContractID == 0 {
			f.Add("contract_id", "required")
		}
	default:
		f.Add("route", "choice")
	}
	if err := f.Err(); err != nil {
		return err
	}
	now := a.NowUTC()
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		row, err := q.LockComplaint(ctx, s, id)
		if err != nil {
			return err
		}
		c := row.Complaint
		before := *c
		if c.State != gongzhi.ComplaintOpen {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"state": "complaint.not_open"}}
		}
		c.ContractID, c.AboutHub = t.ContractID, t.Route == gongzhi.RouteHub
		if err := routeTo(ctx, q, c); err != nil {
			return err
		}
		if c.Route == before.Route && c.OrgID == before.OrgID && c.ContractID == before.ContractID {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"route": "complaint.same_route"}}
		}
		if err := q.SetComplaintRoute(ctx, c, now); err != nil {
			return err
		}
		note := gongzhi.NoteOf("rerouted", before.Route, c.Route, t.Reason)
		if c.OrgName != "" && c.Route == gongzhi.RouteProvider {
			note = gongzhi.NoteOf("rerouted_org", before.Route, c.Route, c.OrgName, t.Reason)
		}
		if err := a.complaintEvent(ctx, q, ac, id, "routed", c.State, c.State, note); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "route", ResComplaints, kernel.Id10(id), auditComplaint(&before), auditComplaint(c), t.Reason)
	})
}

// RateComplaint records the signed-in resident's rating of their own complaint (ENOTFOUND for
// anyone else's). See rate for the rules.
func (a *Service) RateComplaint(ctx context.Context, ac *gongzhi.Actor, id int64, rating int, comment string) error {
	if err := kernel.Allow(ac, MayRateComplaints(ac)); err != nil {
		return err
	}
	s, err := complaintScope(ac)
	if err != nil {
		return err
	}
	comment, err = gongzhi.CheckRating(rating, comment)
	if err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		r, err := q.LockComplaint(ctx, s, id)
		if err != nil {
			return err
		}
		return a.rate(ctx, q, ac, r.Complaint, rating, comment)
	})
}

// RateComplaintByCode records the submitter's rating through the tracking page: the code and the
// phone's last four digits identify the complaint (ENOTFOUND otherwise, throttled like Track).
func (a *Service) RateComplaintByCode(ctx context.Context, ac *gongzhi.Actor, code, phone4 string, rating int, comment string) error {
	comment, err := gongzhi.CheckRating(rating, comment)
	if err != nil {
		return err
	}
	r, err := a.trackRow(ctx, ac, code, phone4)
	if err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		r, err := q.LockComplaint(ctx, store.ComplaintScope{}, r.ID)
		if err != nil {
			return err
		}
		return a.rate(ctx, q, ac, r.Complaint, rating, comment)
	})
}

// rate records a rating once, only after an answer: ECONFLICT rating: complaint.already_rated
// for a second rating, state: complaint.not_answered before the answer. A rating of LowRating or
// less of a first answer reopens the complaint for the street office's second answer; anything
// else closes it.
func (a *Service) rate(ctx context.Context, q *store.Q, ac *gongzhi.Actor, c *gongzhi.Complaint, rating int, comment string) error {
	if c.Rating != 0 {
		return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"rating": "complaint.already_rated"}}
	}
	if c.State != gongzhi.ComplaintAnswered {
		return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"state": "complaint.not_answered"}}
	}
	now := a.NowUTC()
	to := gongzhi.ComplaintClosed
	if rating <= gongzhi.LowRating {
		to = gongzhi.ComplaintReopened
	}
	ok, err := q.RateComplaint(ctx, c.ID, rating, comment, to, now)
	if err != nil {
		return err
	}
	if !ok {
		return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.conflict", Fields: map[string]string{"rating": "complaint.already_rated"}}
	}
	if err := a.complaintEvent(ctx, q, ac, c.ID, "rated", c.State, to, gongzhi.NoteOf("rating", rating)); err != nil {
		return err
	}
	if to == gongzhi.ComplaintReopened {
		cal, err := a.Calendar(ctx, q)
		if err != nil {
			return err
		}
		due, esc := gongzhi.ComplaintDeadlines(cal, now, gongzhi.ComplaintReanswerDays)
		if err := q.ReopenComplaint(ctx, c.ID, due, esc, now); err != nil {
			return err
		}
		if err := a.complaintEvent(ctx, q, ac, c.ID, "reopened", gongzhi.ComplaintAnswered, to, gongzhi.NoteOf("route_change", c.Route, gongzhi.RouteOffice)); err != nil {
			return err
		}
	}
	return a.WriteAudit(ctx, q, ac, "rate", ResComplaints, kernel.Id10(c.ID), nil, map[string]any{"rating": rating, "comment": comment}, "")
}

// trackRow finds a complaint by its tracking code and the last four digits of its phone. A
// wrong code and a wrong suffix both answer ENOTFOUND; after ComplaintTrackLimit failures from
// one address within an hour, ETOOMANY. Each request from an address takes a failure's place
// in the throttle before the lookup (counted and taken under the address's lock), and a request
// that finds its complaint gives it back: concurrent guesses cannot all pass the same count.
func (a *Service) trackRow(ctx context.Context, ac *gongzhi.Actor, code, phone4 string) (*store.ComplaintRow, error) {
	ip := ""
	if ac != nil {
		ip = ac.IP
	}
	code = gongzhi.NormalizeComplaintCode(code)
	phone4 = strings.TrimSpace(phone4)
	f := gongzhi.FieldErrors{}
	if code == "" {
		f.Add("code", "required")
	}
	if phone4 == "" {
		f.Add("phone4", "required")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := a.NowUTC()
	var slot int64
	if ip != "" {
		if err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			var err error
			slot, err = q.TakeComplaintThrottle(ctx, "track", ip, now.Add(-time.Hour), ComplaintTrackLimit, now)
			if err == nil && slot == 0 {
				return &gongzhi.Error{Code: gongzhi.ETOOMANY, Message: "complaint.too_many"}
			}
			return err
		}); err != nil {
			return nil, err
		}
	}
	r, err := a.DB.Q().ComplaintByCode(ctx, code)
	if err != nil && gongzhi.ErrorCode(err) != gongzhi.ENOTFOUND {
		return nil, err
	}
	if err != nil || r.Last4 == "" || subtle.ConstantTimeCompare([]byte(r.Last4), []byte(phone4)) != 1 {
		return nil, &gongzhi.Error{Code: gongzhi.ENOTFOUND, Message: "complaint.track_not_found"}
	}
	if slot != 0 {
		if err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error { return q.GiveBackComplaintThrottle(ctx, slot) }); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// TrackComplaint returns a complaint to whoever holds its tracking code and the last four
// digits of its phone: its state, deadline, answers and rating, with the contact masked.
func (a *Service) TrackComplaint(ctx context.Context, ac *gongzhi.Actor, code, phone4 string) (*gongzhi.Complaint, error) {
	r, err := a.trackRow(ctx, ac, code, phone4)
	if err != nil {
		return nil, err
	}
	c := *r.Complaint
	c.Overdue = c.IsOverdue(a.NowUTC())
	name, _ := a.Box.Open(r.NameEnc, "complaints.contact_name")
	phone, _ := a.Box.Open(r.PhoneEnc, "complaints.contact_phone")
	c.ContactName, c.ContactPhone, c.PhoneMasked, c.UserID = gongzhi.MaskName(name), gongzhi.MaskPhone(phone), true, 0
	if c.Answers, err = a.DB.Q().ComplaintAnswers(ctx, c.ID); err != nil {
		return nil, err
	}
	return &c, nil
}

// PublicContractsCovering lists the signed contracts a complaint from a community may concern:
// those of the community and of the places above it (title and provider). Anyone may.
func (a *Service) PublicContractsCovering(ctx context.Context, community string) ([]store.PublicContract, error) {
	return a.DB.Q().SignedContractsCovering(ctx, community)
}

// PublicContracts lists the signed contracts anyone may name in a complaint: title and provider.
func (a *Service) PublicContracts(ctx context.Context) ([]store.PublicContract, error) {
	return a.DB.Q().SignedContracts(ctx)
}

// ComplaintStats is the public monthly aggregate of the last months (by submission) for the
// communities under a place ("" for all): counts by kind, how many were answered and how many
// of those on time, the on-time rate and the average rating. Nothing personal.
func (a *Service) ComplaintStats(ctx context.Context, place string, months int) ([]gongzhi.ComplaintMonth, error) {
	if months <= 0 || months > 36 {
		months = 12
	}
	prefix := ""
	if place != "" {
		p, _, err := kernel.PlacePrefix(ctx, a.DB.Q(), place)
		if err != nil {
			return nil, err
		}
		prefix = p
	}
	now := a.NowUTC().In(gongzhi.ChinaTime)
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, gongzhi.ChinaTime).AddDate(0, -(months - 1), 0)
	rows, err := a.DB.Q().ComplaintStats(ctx, prefix, start)
	if err != nil {
		return nil, err
	}
	by := map[string]*gongzhi.ComplaintMonth{}
	var sums = map[string]int{}
	for _, r := range rows {
		m := r.CreatedAt.In(gongzhi.ChinaTime).Format("2006-01")
		cm := by[m]
		if cm == nil {
			cm = &gongzhi.ComplaintMonth{Month: m, ByKind: map[string]int{}}
			by[m] = cm
		}
		cm.Total++
		cm.ByKind[r.Kind]++
		if !r.AnsweredAt.IsZero() {
			cm.Answered++
			if !r.AnsweredAt.After(r.FirstDueAt) {
				cm.OnTime++
			}
		}
		if r.Rating > 0 {
			cm.Rated++
			sums[m] += r.Rating
		}
	}
	out := make([]gongzhi.ComplaintMonth, 0, len(by))
	for m, cm := range by {
		if cm.Answered > 0 {
			cm.OnTimeRate = float64(cm.OnTime) / float64(cm.Answered)
		}
		if cm.Rated > 0 {
			cm.AverageRating = float64(sums[m]) / float64(cm.Rated)
		}
		out = append(out, *cm)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month < out[j].Month })
	return out, nil
}

// complaintItems returns this part's to-dos for the actor's role and attention lines for its scope.
func (a *Service) ComplaintItems(ctx context.Context, ac *gongzhi.Actor) (todos, attention []kernel.Todo, err error) {
	if !MayReadComplaints(ac) || ac.IsSystem() {
		return nil, nil, nil
	}
	s, err := complaintScope(ac)
	if err != nil {
		return nil, nil, err
	}
	q, now := a.DB.Q(), a.NowUTC()
	count := func(f map[string]string) int {
		if err != nil {
			return 0
		}
		var n int
		n, err = q.ListComplaints(ctx, s, store.ListOptions{Filters: f, Limit: 1, CountOnly: true}, now, func(*store.ComplaintRow) error { return nil })
		return n
	}
	add := func(list *[]kernel.Todo, key string, f map[string]string, href string) {
		if n := count(f); n > 0 {
			*list = append(*list, kernel.Todo{Key: key, Count: n, Href: href})
		}
	}
	switch ac.Role() {
	case gongzhi.RoleProvider:
		add(&todos, "todo.complaints_to_answer", map[string]string{"state": "open"}, "/complaints?state=open")
		add(&todos, "todo.complaints_overdue", map[string]string{"overdue": "1", "state": "open"}, "/complaints?overdue=1&state=open")
	case gongzhi.RoleHub:
		add(&todos, "todo.complaints_to_answer", map[string]string{"state": "open", "route": "hub"}, "/complaints?state=open&route=hub")
		add(&todos, "todo.complaints_escalated", map[string]string{"escalated": "1", "state": "open"}, "/complaints?escalated=1&state=open")
	case gongzhi.RolePurchaser:
		add(&todos, "todo.complaints_to_answer", map[string]string{"state": "open", "route": "office"}, "/complaints?state=open&route=office")
		add(&todos, "todo.complaints_reopened", map[string]string{"state": "reopened"}, "/complaints?state=reopened")
		add(&todos, "todo.complaints_escalated", map[string]string{"escalated": "2"}, "/complaints?escalated=2")
	case gongzhi.RoleResident:
		add(&todos, "todo.complaints_to_rate", map[string]string{"state": "answered"}, "/complaints?state=answered")
	}
	if !ac.Has(gongzhi.RoleResident) {
		add(&attention, "attention.complaints_open", map[string]string{"state": "waiting"}, "/complaints?state=waiting")
		add(&attention, "attention.complaints_overdue", map[string]string{"overdue": "1"}, "/complaints?overdue=1")
		add(&attention, "attention.complaints_escalated", map[string]string{"escalated": "1"}, "/complaints?escalated=1")
	}
	return todos, attention, err
}
