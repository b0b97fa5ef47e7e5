// Idea contests (金点子): community staff open a call for ideas with a theme and a period;
// residents of the community submit ideas and support them (once each: consult_idea_supports'
// primary key) while it runs; the committee shortlists ideas with a reason code, once each.

package consult

import (
	"context"
	"database/sql"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

const contestCols = `c.id, c.place_code, COALESCE((SELECT pl.name FROM places pl WHERE pl.code = c.place_code), ''), c.title, c.theme,
	c.opens_on, c.closes_on, (SELECT COUNT(*) FROM consult_ideas i WHERE i.contest_id = c.id), c.created_at, c.updated_at`

func scanContest(sc interface{ Scan(...any) error }) (*gongzhi.Contest, error) {
	var c gongzhi.Contest
	err := sc.Scan(&c.ID, &c.PlaceCode, &c.PlaceName, &c.Title, &c.Theme, &c.OpensOn, &c.ClosesOn, &c.Ideas, &c.CreatedAt, &c.UpdatedAt)
	if err == sql.ErrNoRows {
		return nil, gongzhi.NotFound()
	}
	return &c, err
}

// CreateContest opens an idea contest of a community (community staff).
func (a *Service) CreateContest(ctx context.Context, ac *gongzhi.Actor, c *gongzhi.Contest) error {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return err
	}
	if c.PlaceCode == "" {
		c.PlaceCode = ac.ScopeCode
	}
	var checks gongzhi.Checks
	checks.Check(c.Validate())
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := checks.Check(community(ctx, q, ac, c.PlaceCode)); err != nil {
			return err
		}
		if err := checks.Err(); err != nil {
			return err
		}
		now := a.NowUTC()
		id, err := q.InsertID(ctx, `INSERT INTO consult_contests (place_code, title, theme, opens_on, closes_on, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.PlaceCode, c.Title, c.Theme, c.OpensOn, c.ClosesOn, nullID(kernel.UserID(ac)), now, now)
		if err != nil {
			return err
		}
		c.ID, c.CreatedAt, c.UpdatedAt = id, now, now
		return a.WriteAudit(ctx, q, ac, "create", ResContests, kernel.Id10(id), nil, map[string]any{"place_code": c.PlaceCode,
			"title": c.Title, "theme": c.Theme, "opens_on": c.OpensOn, "closes_on": c.ClosesOn}, "")
	})
}

// Contest returns an idea contest (anyone; place-scoped staff within their place).
func (a *Service) Contest(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Contest, error) {
	c, err := scanContest(a.DB.Q().QueryRow(ctx, `SELECT `+contestCols+` FROM consult_contests c WHERE c.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if staffOutside(ac, c.PlaceCode) {
		return nil, gongzhi.NotFound()
	}
	return c, nil
}

// Contests lists a community's idea contests (anyone), or those of the caller's place.
func (a *Service) Contests(ctx context.Context, ac *gongzhi.Actor, community string) ([]*gongzhi.Contest, error) {
	w, args := "", []any{}
	switch {
	case community != "":
		if staffOutside(ac, community) {
			return nil, gongzhi.NotFound()
		}
		w, args = " WHERE c.place_code = ?", append(args, community)
	case ac == nil || ac.User == nil || !MayReadConsultation(ac):
		return nil, gongzhi.Invalid("community", "required")
	case !ac.IsSystem():
		w, args = " WHERE c.place_code LIKE ?", append(args, ac.Scope+"%")
	}
	rows, err := a.DB.Q().Query(ctx, `SELECT `+contestCols+` FROM consult_contests c`+w+` ORDER BY c.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Contest
	for rows.Next() {
		c, err := scanContest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SubmitIdea records a resident's idea in a running contest of their community (ECONFLICT
// contest_id: consult.contest_closed outside its period).
func (a *Service) SubmitIdea(ctx context.Context, ac *gongzhi.Actor, i *gongzhi.Idea) error {
	if err := kernel.Allow(ac, MayDeliberate(ac)); err != nil {
		return err
	}
	f := gongzhi.FieldErrors{}
	var r string
	if i.Title, r = gongzhi.CheckText(i.Title, 100, true); r != "" {
		f.Add("title", r)
	}
	if i.Body, r = gongzhi.CheckText(i.Body, 3000, false); r != "" {
		f.Add("body", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := scanContest(q.QueryRow(ctx, `SELECT `+contestCols+` FROM consult_contests c WHERE c.id = ?`, i.ContestID))
		if err != nil {
			return err
		}
		res, err := residentIn(ctx, q, ac, c.PlaceCode)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if !c.OpenOn(a.Today()) {
			return conflict("contest_id", "consult.contest_closed")
		}
		now := a.NowUTC()
		id, err := q.InsertID(ctx, `INSERT INTO consult_ideas (contest_id, person_id, user_id, title, body, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, i.ContestID, res.PersonID, ac.User.ID, i.Title, i.Body, now, now)
		if err != nil {
			return err
		}
		i.ID, i.PersonID, i.Author, i.CreatedAt = id, res.PersonID, gongzhi.MaskName(res.Name), now
		return a.WriteAudit(ctx, q, ac, "create", ResIdeas, kernel.Id10(id), nil, map[string]any{"contest_id": i.ContestID, "title": i.Title, "body": i.Body}, "")
	})
}

// ideaContest returns an idea with its contest for a change.
func (a *Service) ideaContest(ctx context.Context, q *store.Q, id int64) (*gongzhi.Contest, error) {
	if err := q.LockRow(ctx, "consult_ideas", id); err != nil {
		return nil, err
	}
	return scanContest(q.QueryRow(ctx, `SELECT `+contestCols+` FROM consult_contests c WHERE c.id = (SELECT contest_id FROM consult_ideas WHERE id = ?)`, id))
}

// SupportIdea records a resident's support of an idea of a running contest of their community,
// once (ECONFLICT support: consult.already_supported).
func (a *Service) SupportIdea(ctx context.Context, ac *gongzhi.Actor, id int64) (int64, error) {
	if err := kernel.Allow(ac, MayDeliberate(ac)); err != nil {
		return 0, err
	}
	var contest int64
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.ideaContest(ctx, q, id)
		if err != nil {
			return err
		}
		contest = c.ID
		r, err := residentIn(ctx, q, ac, c.PlaceCode)
		if err != nil {
			return err
		}
		if !c.OpenOn(a.Today()) {
			return conflict("contest_id", "consult.contest_closed")
		}
		if _, err := q.Exec(ctx, `INSERT INTO consult_idea_supports (idea_id, person_id, created_at) VALUES (?, ?, ?)`, id, r.PersonID, a.NowUTC()); store.IsUnique(err, "") {
			return conflict("support", "consult.already_supported")
		} else if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE consult_ideas SET supports = supports + 1 WHERE id = ?`, id); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResIdeas, kernel.Id10(id), nil, map[string]any{"support": r.PersonID}, "")
	})
	return contest, err
}

// ShortlistIdea puts an idea on its contest's shortlist with a reason code
// (gongzhi.ShortlistReasons) and optional words, once (community staff for the committee).
func (a *Service) ShortlistIdea(ctx context.Context, ac *gongzhi.Actor, id int64, code, words string) (int64, error) {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return 0, err
	}
	reason, err := checkReason("reason", code, words, gongzhi.ShortlistReasons, "consult.shortlist.")
	if err != nil {
		return 0, err
	}
	var contest int64
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		c, err := a.ideaContest(ctx, q, id)
		if err != nil {
			return err
		}
		if !kernel.InPlace(ac, c.PlaceCode) {
			return gongzhi.NotFound()
		}
		contest = c.ID
		res, err := q.Exec(ctx, `UPDATE consult_ideas SET shortlisted = TRUE, shortlist_reason = ?, updated_at = ? WHERE id = ? AND NOT shortlisted`,
			reason.Encode(), a.NowUTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return conflict("shortlisted", "consult.already_shortlisted")
		}
		return a.WriteAudit(ctx, q, ac, "update", ResIdeas, kernel.Id10(id), map[string]any{"shortlisted": false},
			map[string]any{"shortlisted": true, "shortlist_reason": reason.Key()}, "")
	})
	return contest, err
}

// Ideas lists a contest's ideas, the most supported first.
func (a *Service) Ideas(ctx context.Context, contestID int64) ([]gongzhi.Idea, error) {
	rows, err := a.DB.Q().Query(ctx, `SELECT i.id, i.contest_id, p.name, i.person_id, i.title, i.body, i.supports, i.shortlisted, i.shortlist_reason,
		i.created_at FROM consult_ideas i JOIN people p ON p.id = i.person_id WHERE i.contest_id = ? ORDER BY i.shortlisted DESC, i.supports DESC, i.id`, contestID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.Idea
	for rows.Next() {
		var i gongzhi.Idea
		var reason string
		if err := rows.Scan(&i.ID, &i.ContestID, &i.Author, &i.PersonID, &i.Title, &i.Body, &i.Supports, &i.Shortlisted, &reason, &i.CreatedAt); err != nil {
			return nil, err
		}
		i.Author, i.ShortlistReason = gongzhi.MaskName(i.Author), gongzhi.DecodeReason(reason)
		out = append(out, i)
	}
	return out, rows.Err()
}
