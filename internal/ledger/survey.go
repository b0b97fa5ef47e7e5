// Satisfaction sampling (满意度抽查, docs/domain.md §4.3) and residents' own ratings (下评上):
// the hub (or the purchaser) draws a sample of a contract's recipients — the distinct named
// participants of its ledger — sized for a margin of error at 95% confidence, stratified by
// community, with the seed recorded so that anyone can draw it again; it records each sampled
// person's answer; the result is a satisfaction rate with its Wilson interval, overall and per
// community. A resident whose account is linked to their person record (by community staff)
// rates, once, each service they took part in. Both feed the satisfaction trend.

package ledger

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"slices"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// surveyScope: the hub, the purchaser and the auditor read surveys within their place.
func surveyScope(ac *gongzhi.Actor) (store.Scope, error) {
	if err := kernel.Allow(ac, MayReadSurveys(ac)); err != nil {
		return store.Scope{}, err
	}
	if ac.IsSystem() {
		return store.Scope{}, nil
	}
	return kernel.PlaceScope(ac), nil
}

// SurveyMargins are the margins of error offered, in basis points.
var SurveyMargins = []int{300, 500, 1000}

// DrawSurvey draws a sample of a signed contract's recipients for a margin of error (basis
// points, 100–2000) with seed (0: a random one, recorded). Refuses (ECONFLICT contract_id)
// an unsigned contract (ledger.contract_unsigned) and one without named recipients
// (survey.no_recipients).
func (a *Service) DrawSurvey(ctx context.Context, ac *gongzhi.Actor, contractID int64, marginBP int, seed uint64, note string) (*gongzhi.Survey, error) {
	if err := kernel.Allow(ac, MayRunSurveys(ac)); err != nil {
		return nil, err
	}
	if marginBP < 100 || marginBP > 2000 {
		return nil, gongzhi.Invalid("margin_bp", "range:100-2000")
	}
	note, r := gongzhi.CheckText(note, 1000, false)
	if r != "" {
		return nil, gongzhi.Invalid("note", r)
	}
	if seed == 0 {
		var b [8]byte
		rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:]) | 1
	}
	s := &gongzhi.Survey{MarginBP: marginBP, Seed: seed, Note: note, CreatedBy: kernel.ActorName(ac)}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ct, err := q.GetContract(ctx, kernel.PlaceScope(ac), contractID)
		if err != nil {
			return err
		}
		if ct.State != gongzhi.ContractSigned {
			return gongzhi.Refused("contract_id", "ledger.contract_unsigned")
		}
		pop, err := q.Recipients(ctx, contractID)
		if err != nil {
			return err
		}
		if len(pop) == 0 {
			return gongzhi.Refused("contract_id", "survey.no_recipients")
		}
		s.ContractID, s.ContractTitle, s.OrgID, s.PlaceCode = ct.ID, ct.Title, ct.OrgID, ct.PlaceCode
		s.Population = len(pop)
		s.Size = gongzhi.SampleSize(len(pop), marginBP)
		for _, x := range gongzhi.DrawSample(pop, s.Size, seed) {
			s.Samples = append(s.Samples, gongzhi.SurveySample{PersonID: x.PersonID, Name: x.Name, PlaceCode: x.PlaceCode})
		}
		if err := q.InsertSurvey(ctx, s, a.NowUTC()); err != nil {
			return err
		}
		audit := *s
		audit.Samples = nil
		return a.WriteAudit(ctx, q, ac, "create", ResSurveys, kernel.Id10(s.ID), nil, &audit, "")
	})
	if err != nil {
		return nil, err
	}
	return a.Survey(ctx, ac, s.ID)
}

// Survey returns a survey with its sample, answers and results within the caller's place.
func (a *Service) Survey(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Survey, error) {
	sc, err := surveyScope(ac)
	if err != nil {
		return nil, err
	}
	s, err := a.DB.Q().GetSurvey(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	surveyResults(s)
	return s, nil
}

// surveyResults computes the overall rate and the rate per community of the answered samples
// (unreachable people are left out).
func surveyResults(s *gongzhi.Survey) {
	type acc struct{ sat, n int }
	per := map[string]*acc{}
	names := map[string]string{}
	var all acc
	for _, x := range s.Samples {
		if x.Answer != gongzhi.AnswerSatisfied && x.Answer != gongzhi.AnswerUnsatisfied {
			continue
		}
		if per[x.PlaceCode] == nil {
			per[x.PlaceCode] = &acc{}
		}
		names[x.PlaceCode] = x.PlaceName
		per[x.PlaceCode].n++
		all.n++
		if x.Answer == gongzhi.AnswerSatisfied {
			per[x.PlaceCode].sat++
			all.sat++
		}
	}
	r := gongzhi.NewRate("", all.sat, all.n)
	s.Overall = &r
	codes := make([]string, 0, len(per))
	for c := range per {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		label := names[c]
		if label == "" {
			label = c
		}
		s.ByCommunity = append(s.ByCommunity, gongzhi.NewRate(label, per[c].sat, per[c].n))
	}
}

// Surveys lists surveys within the caller's place. Filters: contract.
func (a *Service) Surveys(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Survey) error) (int, error) {
	sc, err := surveyScope(ac)
	if err != nil {
		return 0, err
	}
	return a.DB.Q().ListSurveys(ctx, sc, opts, each)
}

// AnswerSample records (or corrects) a sampled person's answer: satisfied, unsatisfied or
// unreachable, or a 1–5 score (4 and 5 count as satisfied), and a comment. A person not in the
// sample is ENOTFOUND.
func (a *Service) AnswerSample(ctx context.Context, ac *gongzhi.Actor, x *gongzhi.SurveySample) error {
	if err := kernel.Allow(ac, MayRunSurveys(ac)); err != nil {
		return err
	}
	if err := x.Normalize(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := q.GetSurvey(ctx, kernel.PlaceScope(ac), x.SurveyID); err != nil {
			return err
		}
		x.AnsweredBy = kernel.ActorName(ac)
		if err := q.AnswerSample(ctx, x, a.NowUTC()); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResSurveys, kernel.Id10(x.SurveyID), nil, x, "answer")
	})
}

// contractSatisfaction is a contract's satisfaction from every survey answer and rating.
func (a *Service) contractSatisfaction(ctx context.Context, q *store.Q, contractID int64) (gongzhi.Rate, error) {
	var sat, n int
	err := q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN ss.answer = 'satisfied' THEN 1 ELSE 0 END), 0)
		FROM survey_samples ss JOIN surveys s ON s.id = ss.survey_id
		WHERE s.contract_id = ? AND ss.answer IN ('satisfied', 'unsatisfied')`, contractID).Scan(&n, &sat)
	if err != nil {
		return gongzhi.Rate{}, err
	}
	var rn, rsat int
	if err := q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN score >= 4 THEN 1 ELSE 0 END), 0) FROM service_ratings
		WHERE contract_id = ?`, contractID).Scan(&rn, &rsat); err != nil {
		return gongzhi.Rate{}, err
	}
	return gongzhi.NewRate("", sat+rsat, n+rn), nil
}

// SatisfactionTrend returns satisfaction per month from..to (YYYY-MM, inclusive) within the
// actor's scope: sampled recipients' answers and residents' own ratings (a score of 4 or 5, or
// "satisfied", counts as satisfied), each month with its Wilson interval.
func (a *Service) SatisfactionTrend(ctx context.Context, ac *gongzhi.Actor, from, to string) ([]gongzhi.SatisfactionPoint, error) {
	s, err := progressScope(ac)
	if err != nil {
		return nil, err
	}
	start, err1 := time.ParseInLocation("2006-01", from, gongzhi.ChinaTime)
	end, err2 := time.ParseInLocation("2006-01", to, gongzhi.ChinaTime)
	if err1 != nil || err2 != nil || end.Before(start) {
		return nil, gongzhi.Invalid("from", "ledger.month_format")
	}
	end = end.AddDate(0, 1, 0)
	var bounds []time.Time
	for m := start; !m.After(end); m = m.AddDate(0, 1, 0) {
		bounds = append(bounds, m)
	}
	per, err := a.DB.Q().SatisfactionByMonth(ctx, s, bounds)
	if err != nil {
		return nil, err
	}
	out := []gongzhi.SatisfactionPoint{}
	for i, c := range per {
		p := gongzhi.SatisfactionPoint{Month: bounds[i].Format("2006-01")}
		if c.Responses > 0 {
			r := gongzhi.NewRate("", c.Satisfied, c.Responses)
			p.Responses, p.Satisfied, p.RateBP, p.LowBP, p.HighBP = r.Responses, r.Satisfied, r.RateBP, r.LowBP, r.HighBP
		}
		out = append(out, p)
	}
	return out, nil
}

// ---- residents

// LinkResidentAccount links an account of role resident to the resident it belongs to
// (personID 0 unlinks), so that the resident can see and rate the services they took part in.
// Community staff may, for a resident of their community (ENOTFOUND otherwise); the system
// administrator may for anyone. EINVALID (role: resident.account_role) for an account of
// another role, (person_id: resident.not_resident) for a person who is not a resident.
func (a *Service) LinkResidentAccount(ctx context.Context, ac *gongzhi.Actor, userID, personID int64) error {
	if err := kernel.Allow(ac, MayLinkResidents(ac)); err != nil {
		return err
	}
	return a.LinkAccountPerson(ctx, ac, userID, personID, "resident_link",
		func(u *gongzhi.User) error {
			if !MayLinkResidentOf(ac, u.PlaceCode) {
				return gongzhi.NotFound()
			}
			if u.Role != gongzhi.RoleResident {
				return gongzhi.Invalid("role", "resident.account_role")
			}
			return nil
		},
		func(p *gongzhi.Person, err error) error {
			if err != nil || !MayLinkResidentOf(ac, p.PlaceCode) {
				return gongzhi.NotFound()
			}
			if p.Kind != "resident" {
				return gongzhi.Invalid("person_id", "resident.not_resident")
			}
			return nil
		})
}

// residentPerson returns the person a resident account is linked to, or EFORBIDDEN
// (resident.not_linked).
func (a *Service) residentPerson(ctx context.Context, ac *gongzhi.Actor) (int64, error) {
	return a.LinkedPerson(ctx, ac, MayRateServices(ac), "resident.not_linked")
}

// MyServices lists the ledger entries the signed-in resident took part in, with their ratings.
func (a *Service) MyServices(ctx context.Context, ac *gongzhi.Actor) ([]gongzhi.MyService, error) {
	pid, err := a.residentPerson(ctx, ac)
	if err != nil {
		return nil, err
	}
	out, err := a.DB.Q().MyServices(ctx, pid)
	if out == nil {
		out = []gongzhi.MyService{}
	}
	return out, err
}

// RateService records the resident's rating (1–5 and a comment) of an entry they took part in
// (ENOTFOUND otherwise), once: a second rating is ECONFLICT (entry_id: rating.already_rated).
func (a *Service) RateService(ctx context.Context, ac *gongzhi.Actor, r *gongzhi.ServiceRating) error {
	pid, err := a.residentPerson(ctx, ac)
	if err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		ok, err := q.TookPart(ctx, r.EntryID, pid)
		if err != nil {
			return err
		}
		if !ok {
			return gongzhi.NotFound()
		}
		e, err := q.GetEntry(ctx, store.EntryScope{}, r.EntryID)
		if err != nil {
			return err
		}
		r.PersonID, r.PlaceCode = pid, e.PlaceCode
		if err := q.InsertRating(ctx, r, e.ContractID, kernel.UserID(ac), a.NowUTC()); err != nil {
			if store.IsUnique(err, "") {
				return gongzhi.Refused("entry_id", "rating.already_rated")
			}
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResRatings, kernel.Id10(r.ID), nil, r, "")
	})
}

// ResidentAccountID finds a resident account by username for community staff (within their
// place) and the system administrator; ENOTFOUND otherwise.
func (a *Service) ResidentAccountID(ctx context.Context, ac *gongzhi.Actor, username string) (int64, error) {
	if err := kernel.Allow(ac, MayLinkResidents(ac)); err != nil {
		return 0, err
	}
	u, _, err := a.DB.Q().UserByUsername(ctx, username)
	if err != nil {
		return 0, err
	}
	if u.Role != gongzhi.RoleResident || !MayLinkResidentOf(ac, u.PlaceCode) {
		return 0, gongzhi.NotFound()
	}
	return u.ID, nil
}
