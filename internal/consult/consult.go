// Bodies and their members, topics and their answers, residents' comments, counter-proposals
// and supports.
//
// Who may do what (rules.go):
//   - community staff (scoped to their community): keep bodies and members; enter topics raised on
//     paper, by a committee or from a need; answer topics for the deliberation committee (accept,
//     merge into another, decline with a reason code); hide a comment with a reason code.
//   - grid workers: raise topics from their grid, in a community of their scope.
//   - residents (account linked to their registry record): raise topics in their own community,
//     comment, propose and support there — a resident of another community is refused
//     (EFORBIDDEN consult.not_your_community), an account not linked to a record too
//     (consult.not_linked).
//   - anyone: reads topics, comments (hidden ones without their text) and the path of a topic.
//
// Once: a topic moves raised → accepted / merged / declined by a conditional UPDATE on its old
// state (a second answer is ECONFLICT state: consult.already_answered); a resident supports a
// topic once (consult_supports' primary key: ECONFLICT support: consult.already_supported),
// and its count moves in the same transaction.
//
// Errors: a record outside the caller's community answers ENOTFOUND; bad input EINVALID naming
// the field and reason, and writes nothing. Every write is one transaction with its audit entry.

package consult

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// Audit entities.
const (
	ResBodies   = "consult_bodies"
	ResMembers  = "consult_members"
	ResTopics   = "consult_topics"
	ResComments = "consult_comments"
	ResMeetings = "consult_meetings"
	ResContests = "consult_contests"
	ResIdeas    = "consult_ideas"
)

// ---- communities and residents

// community checks that code is a community (level 5) the caller may act in.
func community(ctx context.Context, q *store.Q, ac *gongzhi.Actor, code string) error {
	lvl, err := q.PlaceExists(ctx, code)
	if err != nil {
		return err
	}
	if lvl != 5 {
		return gongzhi.Invalid("place_code", "consult.not_a_community")
	}
	if !kernel.InPlace(ac, code) {
		return gongzhi.NotFound()
	}
	return nil
}

// resident is the registry record of a signed-in resident: their person, name and community.
type resident struct {
	PersonID  int64
	Name      string
	Community string
}

// residentOf returns the caller's registry record; a resident account linked to none is refused.
func residentOf(ctx context.Context, q *store.Q, ac *gongzhi.Actor) (*resident, error) {
	var r resident
	err := q.QueryRow(ctx, `SELECT p.id, p.name, COALESCE(h.community_code, p.place_code) FROM users u
		JOIN people p ON p.id = u.person_id LEFT JOIN households h ON h.id = p.household_id WHERE u.id = ?`,
		ac.User.ID).Scan(&r.PersonID, &r.Name, &r.Community)
	if err == sql.ErrNoRows {
		return nil, &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: "consult.not_linked"}
	}
	return &r, err
}

// residentIn returns the caller's record when they live in the community, else refuses them.
func residentIn(ctx context.Context, q *store.Q, ac *gongzhi.Actor, code string) (*resident, error) {
	r, err := residentOf(ctx, q, ac)
	if err != nil {
		return nil, err
	}
	if r.Community != code {
		return nil, &gongzhi.Error{Code: gongzhi.EFORBIDDEN, Message: "consult.not_your_community"}
	}
	return r, nil
}

// personIn returns the name of a registry person living in the community (EINVALID field:
// consult.person_not_here otherwise).
func personIn(ctx context.Context, q *store.Q, field string, personID int64, code string) (string, error) {
	var name, comm string
	err := q.QueryRow(ctx, `SELECT p.name, COALESCE(h.community_code, p.place_code) FROM people p
		LEFT JOIN households h ON h.id = p.household_id WHERE p.id = ?`, personID).Scan(&name, &comm)
	if err == sql.ErrNoRows || err == nil && comm != code {
		return "", gongzhi.Invalid(field, "consult.person_not_here")
	}
	return name, err
}

// CommunityPeople lists the registry's people of a community (id and name) for the pages' pickers
// (members, staff sign-in). Staff of the place only.
func (a *Service) CommunityPeople(ctx context.Context, ac *gongzhi.Actor, code string) ([][2]string, error) {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return nil, err
	}
	q := a.DB.Q()
	if err := community(ctx, q, ac, code); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT p.id, p.name FROM people p LEFT JOIN households h ON h.id = p.household_id
		WHERE COALESCE(h.community_code, p.place_code) = ? AND p.kind = 'resident' ORDER BY p.id LIMIT 2000`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out = append(out, [2]string{strconv.FormatInt(id, 10), name})
	}
	return out, rows.Err()
}

// ConsultCommunities lists the communities within the caller's place that have a body or a
// topic (anyone: every such community), at most 1,000.
func (a *Service) ConsultCommunities(ctx context.Context, ac *gongzhi.Actor) ([][2]string, error) {
	w, args := `level = 5 AND (EXISTS (SELECT 1 FROM consult_bodies b WHERE b.place_code = places.code)
		OR EXISTS (SELECT 1 FROM consult_topics t WHERE t.place_code = places.code))`, []any{}
	if ac != nil && ac.User != nil && !ac.IsSystem() && ac.Scope != "" {
		w, args = w+" AND code LIKE ?", append(args, ac.Scope+"%")
	}
	rows, err := a.DB.Q().Query(ctx, `SELECT code, name FROM places WHERE `+w+` ORDER BY code LIMIT 1000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out = append(out, [2]string{c, n})
	}
	return out, rows.Err()
}

// CommunityName is a community's name (ENOTFOUND for a code that is not a community).
func (a *Service) CommunityName(ctx context.Context, code string) (string, error) {
	var n string
	err := a.DB.Q().QueryRow(ctx, `SELECT name FROM places WHERE code = ? AND level = 5`, code).Scan(&n)
	if err == sql.ErrNoRows {
		return "", gongzhi.NotFound()
	}
	return n, err
}

// ---- bodies and members

const bodyCols = `b.id, b.place_code, COALESCE((SELECT pl.name FROM places pl WHERE pl.code = b.place_code), ''), b.kind, b.name, b.notes,
	(SELECT COUNT(*) FROM consult_members m WHERE m.body_id = b.id AND (m.term_until = '' OR m.term_until >= ?)), b.created_at, b.updated_at`

func scanBody(sc interface{ Scan(...any) error }) (*gongzhi.Body, error) {
	var b gongzhi.Body
	err := sc.Scan(&b.ID, &b.PlaceCode, &b.PlaceName, &b.Kind, &b.Name, &b.Notes, &b.Members, &b.CreatedAt, &b.UpdatedAt)
	if err == sql.ErrNoRows {
		return nil, gongzhi.NotFound()
	}
	return &b, err
}

func bodyAudit(b *gongzhi.Body) map[string]any {
	return map[string]any{"place_code": b.PlaceCode, "kind": b.Kind, "name": b.Name, "notes": b.Notes}
}

// CreateBody records a body of a community (community staff of that community).
func (a *Service) CreateBody(ctx context.Context, ac *gongzhi.Actor, b *gongzhi.Body) error {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return err
	}
	if b.PlaceCode == "" {
		b.PlaceCode = ac.ScopeCode
	}
	var checks gongzhi.Checks
	checks.Check(b.Validate())
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := checks.Check(community(ctx, q, ac, b.PlaceCode)); err != nil {
			return err
		}
		if err := checks.Err(); err != nil {
			return err
		}
		now := a.NowUTC()
		id, err := q.InsertID(ctx, `INSERT INTO consult_bodies (place_code, kind, name, notes, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, b.PlaceCode, b.Kind, b.Name, b.Notes, nullID(kernel.UserID(ac)), now, now)
		if err != nil {
			return err
		}
		b.ID, b.CreatedAt, b.UpdatedAt = id, now, now
		return a.WriteAudit(ctx, q, ac, "create", ResBodies, kernel.Id10(id), nil, bodyAudit(b), "")
	})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ConsultBody returns a body with its members, within the caller's place (anyone: any body).
func (a *Service) ConsultBody(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Body, []gongzhi.Member, error) {
	q := a.DB.Q()
	b, err := scanBody(q.QueryRow(ctx, `SELECT `+bodyCols+` FROM consult_bodies b WHERE b.id = ?`, a.Today(), id))
	if err != nil {
		return nil, nil, err
	}
	if staffOutside(ac, b.PlaceCode) {
		return nil, nil, gongzhi.NotFound()
	}
	rows, err := q.Query(ctx, `SELECT m.id, m.body_id, m.person_id, p.name, m.role, m.term_from, m.term_until, m.created_at
		FROM consult_members m JOIN people p ON p.id = m.person_id WHERE m.body_id = ? ORDER BY m.term_until = '' DESC, m.id`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ms []gongzhi.Member
	full := seesNames(ac, b.PlaceCode)
	for rows.Next() {
		var m gongzhi.Member
		if err := rows.Scan(&m.ID, &m.BodyID, &m.PersonID, &m.PersonName, &m.Role, &m.TermFrom, &m.TermUntil, &m.CreatedAt); err != nil {
			return nil, nil, err
		}
		if !full {
			m.PersonName, m.PersonID = gongzhi.MaskName(m.PersonName), 0
		}
		ms = append(ms, m)
	}
	return b, ms, rows.Err()
}

// staffOutside reports whether a signed-in place-scoped staff member asks for a record outside
// their place (which they see as missing, as everywhere). Residents and visitors read every
// community's public consultation.
func staffOutside(ac *gongzhi.Actor, code string) bool {
	return ac != nil && ac.User != nil && MayReadConsultation(ac) && !kernel.InPlace(ac, code)
}

// seesNames reports whether the caller reads full names of a community's members and attendees.
func seesNames(ac *gongzhi.Actor, code string) bool {
	return ac != nil && ac.User != nil && MayReadConsultation(ac) && kernel.InPlace(ac, code)
}

// ConsultBodies lists the bodies of a community.
func (a *Service) ConsultBodies(ctx context.Context, ac *gongzhi.Actor, code string) ([]*gongzhi.Body, error) {
	if staffOutside(ac, code) {
		return nil, gongzhi.NotFound()
	}
	rows, err := a.DB.Q().Query(ctx, `SELECT `+bodyCols+` FROM consult_bodies b WHERE b.place_code = ? ORDER BY b.id`, a.Today(), code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Body
	for rows.Next() {
		b, err := scanBody(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// AddMember puts a person of the body's community on it for a term (community staff). The same
// person from the same day twice is ECONFLICT (person_id: consult.member_twice).
func (a *Service) AddMember(ctx context.Context, ac *gongzhi.Actor, m *gongzhi.Member) error {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return err
	}
	var checks gongzhi.Checks
	checks.Check(m.Validate())
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var code string
		if err := q.QueryRow(ctx, `SELECT place_code FROM consult_bodies WHERE id = ?`, m.BodyID).Scan(&code); err != nil {
			if err == sql.ErrNoRows {
				return gongzhi.NotFound()
			}
			return err
		}
		if !kernel.InPlace(ac, code) {
			return gongzhi.NotFound()
		}
		if !checks.Failed("person_id") {
			name, err := personIn(ctx, q, "person_id", m.PersonID, code)
			if err := checks.Check(err); err != nil {
				return err
			}
			m.PersonName = name
		}
		if err := checks.Err(); err != nil {
			return err
		}
		now := a.NowUTC()
		id, err := q.InsertID(ctx, `INSERT INTO consult_members (body_id, person_id, role, term_from, term_until, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, m.BodyID, m.PersonID, m.Role, m.TermFrom, m.TermUntil, now)
		if store.IsUnique(err, "") {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "consult.member_twice", Fields: map[string]string{"person_id": "consult.member_twice"}}
		} else if err != nil {
			return err
		}
		m.ID, m.CreatedAt = id, now
		return a.WriteAudit(ctx, q, ac, "create", ResMembers, kernel.Id10(id), nil, map[string]any{"body_id": m.BodyID,
			"person_id": m.PersonID, "role": m.Role, "term_from": m.TermFrom, "term_until": m.TermUntil}, "")
	})
}

// EndMember ends a member's term on a day (community staff).
func (a *Service) EndMember(ctx context.Context, ac *gongzhi.Actor, memberID int64, until string) error {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return err
	}
	if _, err := time.Parse(time.DateOnly, until); err != nil {
		return gongzhi.Invalid("term_until", "date.format")
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var code, from, old string
		err := q.QueryRow(ctx, `SELECT b.place_code, m.term_from, m.term_until FROM consult_members m JOIN consult_bodies b ON b.id = m.body_id
			WHERE m.id = ?`, memberID).Scan(&code, &from, &old)
		if err == sql.ErrNoRows || err == nil && !kernel.InPlace(ac, code) {
			return gongzhi.NotFound()
		} else if err != nil {
			return err
		}
		if until < from {
			return gongzhi.Invalid("term_until", "consult.term_order")
		}
		res, err := q.Exec(ctx, `UPDATE consult_members SET term_until = ? WHERE id = ? AND term_until = ?`, until, memberID, old)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return conflict("term_until", "consult.changed")
		}
		return a.WriteAudit(ctx, q, ac, "update", ResMembers, kernel.Id10(memberID), map[string]any{"term_until": old},
			map[string]any{"term_until": until}, "")
	})
}

func conflict(field, reason string) error {
	return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: reason, Fields: map[string]string{field: reason}}
}

// ---- topics

const topicCols = `t.id, t.place_code, COALESCE((SELECT pl.name FROM places pl WHERE pl.code = t.place_code), ''), t.title, t.body, t.source,
	COALESCE((SELECT p.name FROM people p WHERE p.id = t.raised_by_person), ''), COALESCE(t.raised_by_person, 0), COALESCE(t.raised_by_user, 0),
	COALESCE(t.need_id, 0), COALESCE(t.body_id, 0), COALESCE((SELECT b.name FROM consult_bodies b WHERE b.id = t.body_id), ''),
	t.state, t.accept_by, COALESCE(t.merged_into, 0), t.reason, t.supports,
	(SELECT COUNT(*) FROM consult_comments c WHERE c.topic_id = t.id AND NOT c.hidden), t.answered_at, t.created_at, t.updated_at`

func (a *Service) scanTopic(sc interface{ Scan(...any) error }) (*gongzhi.Topic, error) {
	var t gongzhi.Topic
	var reason string
	var answered sql.NullTime
	err := sc.Scan(&t.ID, &t.PlaceCode, &t.PlaceName, &t.Title, &t.Body, &t.Source, &t.RaisedBy, &t.PersonID, &t.UserID, &t.NeedID,
		&t.BodyID, &t.BodyName, &t.State, &t.AcceptBy, &t.MergedInto, &reason, &t.Supports, &t.Comments, &answered, &t.CreatedAt, &t.UpdatedAt)
	if err == sql.ErrNoRows {
		return nil, gongzhi.NotFound()
	} else if err != nil {
		return nil, err
	}
	t.RaisedBy = gongzhi.MaskName(t.RaisedBy)
	t.Reason = gongzhi.DecodeReason(reason)
	if answered.Valid {
		at := answered.Time
		t.AnsweredAt = &at
		t.AnsweredLate = gongzhi.DateOf(at) > t.AcceptBy
	}
	t.Overdue = t.State == gongzhi.TopicRaised && a.Today() > t.AcceptBy
	return &t, nil
}

// acceptBy is the last working day of the committee's answer to a topic raised at now.
func (a *Service) acceptBy(ctx context.Context, q *store.Q, now time.Time) (string, error) {
	cal, err := a.Calendar(ctx, q)
	if err != nil {
		return "", err
	}
	return gongzhi.DateOf(cal.NoticeEnd(now, gongzhi.TopicAnswerDays).Add(-time.Hour)), nil
}

// RaiseTopic records a topic. A resident raises it in their own community (source resident,
// place_code theirs); community staff enter a paper one for a resident of the community
// (person_id), a committee's (body_id, a body of the community) or a need's (need_id, a need of
// the community); a grid worker raises one from a community of their scope (source grid). The
// committee's answer is due within gongzhi.TopicAnswerDays working days.
func (a *Service) RaiseTopic(ctx context.Context, ac *gongzhi.Actor, t *gongzhi.Topic) error {
	if err := kernel.Allow(ac, MayRaiseTopics(ac)); err != nil {
		return err
	}
	switch ac.Role() {
	case gongzhi.RoleResident:
		t.Source = gongzhi.TopicFromResident
	case gongzhi.RoleGridWorker:
		t.Source = gongzhi.TopicFromGrid
	case gongzhi.RoleCommunity:
		if t.Source == gongzhi.TopicFromResident || t.Source == gongzhi.TopicFromGrid {
			t.Source = gongzhi.TopicFromPaper
		}
		if t.PlaceCode == "" {
			t.PlaceCode = ac.ScopeCode
		}
	}
	var checks gongzhi.Checks
	checks.Check(t.Validate())
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if ac.Has(gongzhi.RoleResident) {
			r, err := residentOf(ctx, q, ac)
			if err != nil {
				return err
			}
			t.PlaceCode, t.PersonID = r.Community, r.PersonID
		} else if err := checks.Check(community(ctx, q, ac, t.PlaceCode)); err != nil {
			return err
		}
		if !ac.Has(gongzhi.RoleResident) && t.Source != gongzhi.TopicFromPaper {
			t.PersonID = 0 // only a paper topic names its resident
		}
		switch t.Source {
		case gongzhi.TopicFromPaper:
			if _, err := personIn(ctx, q, "person_id", t.PersonID, t.PlaceCode); checks.Check(err) != nil {
				return err
			}
		case gongzhi.TopicFromCommittee:
			var code string
			err := q.QueryRow(ctx, `SELECT place_code FROM consult_bodies WHERE id = ?`, t.BodyID).Scan(&code)
			if err == sql.ErrNoRows || err == nil && code != t.PlaceCode {
				checks.Check(gongzhi.Invalid("body_id", "consult.unknown"))
			} else if err != nil {
				return err
			}
		case gongzhi.TopicFromNeed:
			var code string
			err := q.QueryRow(ctx, `SELECT community_code FROM needs WHERE id = ?`, t.NeedID).Scan(&code)
			if err == sql.ErrNoRows || err == nil && code != t.PlaceCode {
				checks.Check(gongzhi.Invalid("need_id", "consult.unknown"))
			} else if err != nil {
				return err
			}
		}
		if t.Source != gongzhi.TopicFromCommittee {
			t.BodyID = 0
		}
		if t.Source != gongzhi.TopicFromNeed {
			t.NeedID = 0
		}
		if err := checks.Err(); err != nil {
			return err
		}
		now := a.NowUTC()
		by, err := a.acceptBy(ctx, q, now)
		if err != nil {
			return err
		}
		t.State, t.AcceptBy, t.UserID = gongzhi.TopicRaised, by, kernel.UserID(ac)
		id, err := q.InsertID(ctx, `INSERT INTO consult_topics (place_code, title, body, source, raised_by_person, raised_by_user, need_id, body_id,
			state, accept_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.PlaceCode, t.Title, t.Body, t.Source,
			nullID(t.PersonID), nullID(t.UserID), nullID(t.NeedID), nullID(t.BodyID), t.State, t.AcceptBy, now, now)
		if err != nil {
			return err
		}
		if err := a.WriteAudit(ctx, q, ac, "create", ResTopics, kernel.Id10(id), nil, map[string]any{"place_code": t.PlaceCode, "title": t.Title,
			"body": t.Body, "source": t.Source, "person_id": t.PersonID, "need_id": t.NeedID, "body_id": t.BodyID, "state": t.State,
			"accept_by": t.AcceptBy}, ""); err != nil {
			return err
		}
		saved, err := a.scanTopic(q.QueryRow(ctx, `SELECT `+topicCols+` FROM consult_topics t WHERE t.id = ?`, id))
		if err != nil {
			return err
		}
		*t = *saved
		return nil
	})
}

// Topic returns a topic. Anyone reads it; place-scoped staff only within their place.
func (a *Service) Topic(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Topic, error) {
	t, err := a.scanTopic(a.DB.Q().QueryRow(ctx, `SELECT `+topicCols+` FROM consult_topics t WHERE t.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if staffOutside(ac, t.PlaceCode) {
		return nil, gongzhi.NotFound()
	}
	return t, nil
}

// TopicFilter narrows a list of topics.
type TopicFilter struct {
	Community string // a community's topics; "" for every community in the caller's place
	State     string // one state, "open" (raised or accepted) or "" for all
	Overdue   bool   // only those unanswered past their deadline
}

// Topics lists topics, newest first: a community's (anyone), or those of the caller's place.
func (a *Service) Topics(ctx context.Context, ac *gongzhi.Actor, f TopicFilter) ([]*gongzhi.Topic, error) {
	var where []string
	var args []any
	switch {
	case f.Community != "":
		if staffOutside(ac, f.Community) {
			return nil, gongzhi.NotFound()
		}
		where, args = append(where, "t.place_code = ?"), append(args, f.Community)
	case ac == nil || ac.User == nil || !MayReadConsultation(ac):
		return nil, gongzhi.Invalid("community", "required")
	case !ac.IsSystem():
		where, args = append(where, "t.place_code LIKE ?"), append(args, ac.Scope+"%")
	}
	switch f.State {
	case "":
	case "open":
		where = append(where, "t.state IN ('raised', 'accepted')")
	default:
		if !slices.Contains(gongzhi.TopicStates, f.State) {
			return nil, gongzhi.Invalid("state", "consult.unknown")
		}
		where, args = append(where, "t.state = ?"), append(args, f.State)
	}
	if f.Overdue {
		where, args = append(where, "t.state = 'raised' AND t.accept_by < ?"), append(args, a.Today())
	}
	sqlw := ""
	if len(where) > 0 {
		sqlw = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := a.DB.Q().Query(ctx, `SELECT `+topicCols+` FROM consult_topics t`+sqlw+` ORDER BY t.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.Topic
	for rows.Next() {
		t, err := a.scanTopic(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// lockTopic reads a topic for a change inside the transaction, within the caller's place.
func (a *Service) lockTopic(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Topic, error) {
	if err := q.LockRow(ctx, "consult_topics", id); err != nil {
		return nil, err
	}
	t, err := a.scanTopic(q.QueryRow(ctx, `SELECT `+topicCols+` FROM consult_topics t WHERE t.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if !ac.Has(gongzhi.RoleResident) && !kernel.InPlace(ac, t.PlaceCode) {
		return nil, gongzhi.NotFound()
	}
	return t, nil
}

// answer moves a raised topic to its answer, once.
func (a *Service) answer(ctx context.Context, q *store.Q, ac *gongzhi.Actor, t *gongzhi.Topic, to string, merged int64, reason gongzhi.Reason) error {
	now := a.NowUTC()
	res, err := q.Exec(ctx, `UPDATE consult_topics SET state = ?, merged_into = ?, reason = ?, answered_at = ?, updated_at = ?
		WHERE id = ? AND state = 'raised'`, to, nullID(merged), reason.Encode(), now, now, t.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return conflict("state", "consult.already_answered")
	}
	before := map[string]any{"state": t.State}
	after := map[string]any{"state": to}
	if merged != 0 {
		after["merged_into"] = merged
	}
	if reason.Code != "" {
		after["reason"] = reason.Key()
	}
	t.State, t.MergedInto, t.Reason, t.AnsweredAt = to, merged, reason, &now
	return a.WriteAudit(ctx, q, ac, "update", ResTopics, kernel.Id10(t.ID), before, after, "")
}

func (a *Service) raisedTopic(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.Topic, error) {
	t, err := a.lockTopic(ctx, q, ac, id)
	if err != nil {
		return nil, err
	}
	if t.State != gongzhi.TopicRaised {
		return nil, conflict("state", "consult.already_answered")
	}
	return t, nil
}

// AcceptTopic accepts (受理) a raised topic for deliberation, once (community staff acting for
// the deliberation committee).
func (a *Service) AcceptTopic(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Topic, error) {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return nil, err
	}
	var t *gongzhi.Topic
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		if t, err = a.raisedTopic(ctx, q, ac, id); err != nil {
			return err
		}
		return a.answer(ctx, q, ac, t, gongzhi.TopicAccepted, 0, gongzhi.Reason{})
	})
	return t, err
}

// MergeTopic merges a raised topic into another open topic of the same community, once.
func (a *Service) MergeTopic(ctx context.Context, ac *gongzhi.Actor, id, into int64) (*gongzhi.Topic, error) {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return nil, err
	}
	var t *gongzhi.Topic
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		if t, err = a.raisedTopic(ctx, q, ac, id); err != nil {
			return err
		}
		var code, state string
		err = q.QueryRow(ctx, `SELECT place_code, state FROM consult_topics WHERE id = ?`, into).Scan(&code, &state)
		if err == sql.ErrNoRows || err == nil && (code != t.PlaceCode || into == id || !(state == gongzhi.TopicRaised || state == gongzhi.TopicAccepted)) {
			return gongzhi.Invalid("into", "consult.merge_target")
		} else if err != nil {
			return err
		}
		return a.answer(ctx, q, ac, t, gongzhi.TopicMerged, into, gongzhi.Reason{Code: "consult.reason.merged", Args: []string{kernel.Id10(into)}})
	})
	return t, err
}

// DeclineTopic declines a raised topic with a reason code (gongzhi.DeclineReasons) and, for
// "other", the committee's words as its argument, once.
func (a *Service) DeclineTopic(ctx context.Context, ac *gongzhi.Actor, id int64, code, words string) (*gongzhi.Topic, error) {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return nil, err
	}
	reason, err := checkReason("reason", code, words, gongzhi.DeclineReasons, "consult.decline.")
	if err != nil {
		return nil, err
	}
	var t *gongzhi.Topic
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		if t, err = a.raisedTopic(ctx, q, ac, id); err != nil {
			return err
		}
		return a.answer(ctx, q, ac, t, gongzhi.TopicDeclined, 0, reason)
	})
	return t, err
}

// checkReason makes a stored reason of a code from codes and optional words (required for
// "other"); the words are the reason's one argument.
func checkReason(field, code, words string, codes []string, prefix string) (gongzhi.Reason, error) {
	f := gongzhi.FieldErrors{}
	if !slices.Contains(codes, code) {
		f.Add(field, "consult.reason_invalid")
	}
	words, r := gongzhi.CheckText(words, 500, code == "other")
	if r != "" {
		f.Add("words", r)
	}
	if err := f.Err(); err != nil {
		return gongzhi.Reason{}, err
	}
	reason := gongzhi.Reason{Code: prefix + code}
	if words != "" {
		reason.Args = []string{strings.ReplaceAll(words, ":", "：")}
	}
	return reason, nil
}

// SupportTopic records the resident's support of an open topic of their community, once
// (ECONFLICT support: consult.already_supported).
func (a *Service) SupportTopic(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Topic, error) {
	if err := kernel.Allow(ac, MayDeliberate(ac)); err != nil {
		return nil, err
	}
	var t *gongzhi.Topic
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		if t, err = a.lockTopic(ctx, q, ac, id); err != nil {
			return err
		}
		r, err := residentIn(ctx, q, ac, t.PlaceCode)
		if err != nil {
			return err
		}
		if !t.Open() {
			return conflict("state", "consult.topic_closed")
		}
		now := a.NowUTC()
		if _, err := q.Exec(ctx, `INSERT INTO consult_supports (topic_id, person_id, created_at) VALUES (?, ?, ?)`, id, r.PersonID, now); store.IsUnique(err, "") {
			return conflict("support", "consult.already_supported")
		} else if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE consult_topics SET supports = supports + 1 WHERE id = ?`, id); err != nil {
			return err
		}
		t.Supports++
		return a.WriteAudit(ctx, q, ac, "create", ResTopics, kernel.Id10(id), nil, map[string]any{"support": r.PersonID, "supports": t.Supports}, "")
	})
	return t, err
}

// Supported reports whether the signed-in resident supports the topic.
func (a *Service) Supported(ctx context.Context, ac *gongzhi.Actor, id int64) bool {
	if !MayDeliberate(ac) || ac.IsSystem() {
		return false
	}
	var n int
	_ = a.DB.Q().QueryRow(ctx, `SELECT COUNT(*) FROM consult_supports s JOIN users u ON u.person_id = s.person_id
		WHERE s.topic_id = ? AND u.id = ?`, id, ac.User.ID).Scan(&n)
	return n > 0
}

// Comment records a resident's comment or counter-proposal on an open topic of their community.
func (a *Service) Comment(ctx context.Context, ac *gongzhi.Actor, c *gongzhi.Comment) error {
	if err := kernel.Allow(ac, MayDeliberate(ac)); err != nil {
		return err
	}
	f := gongzhi.FieldErrors{}
	if c.Kind == "" {
		c.Kind = gongzhi.CommentPlain
	}
	if c.Kind != gongzhi.CommentPlain && c.Kind != gongzhi.CommentProposal {
		f.Add("kind", "consult.kind_invalid")
	}
	var r string
	if c.Body, r = gongzhi.CheckText(c.Body, 3000, true); r != "" {
		f.Add("body", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		t, err := a.lockTopic(ctx, q, ac, c.TopicID)
		if err != nil {
			return err
		}
		res, err := residentIn(ctx, q, ac, t.PlaceCode)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if !t.Open() {
			return conflict("state", "consult.topic_closed")
		}
		now := a.NowUTC()
		id, err := q.InsertID(ctx, `INSERT INTO consult_comments (topic_id, person_id, user_id, kind, body, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.TopicID, res.PersonID, ac.User.ID, c.Kind, c.Body, now, now)
		if err != nil {
			return err
		}
		c.ID, c.PersonID, c.Author, c.CreatedAt = id, res.PersonID, gongzhi.MaskName(res.Name), now
		return a.WriteAudit(ctx, q, ac, "create", ResComments, kernel.Id10(id), nil, map[string]any{"topic_id": c.TopicID, "kind": c.Kind, "body": c.Body}, "")
	})
}

// Comments lists a topic's comments, oldest first. A hidden comment keeps its text only for the
// community's staff.
func (a *Service) Comments(ctx context.Context, ac *gongzhi.Actor, topicID int64) ([]gongzhi.Comment, error) {
	t, err := a.Topic(ctx, ac, topicID)
	if err != nil {
		return nil, err
	}
	staff := MayManageConsultation(ac) && kernel.InPlace(ac, t.PlaceCode)
	rows, err := a.DB.Q().Query(ctx, `SELECT c.id, c.topic_id, p.name, c.person_id, c.kind, c.body, c.hidden, c.hidden_reason, c.created_at
		FROM consult_comments c JOIN people p ON p.id = c.person_id WHERE c.topic_id = ? ORDER BY c.id`, topicID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.Comment
	for rows.Next() {
		var c gongzhi.Comment
		var reason string
		if err := rows.Scan(&c.ID, &c.TopicID, &c.Author, &c.PersonID, &c.Kind, &c.Body, &c.Hidden, &reason, &c.CreatedAt); err != nil {
			return nil, err
		}
		c.Author, c.HiddenReason = gongzhi.MaskName(c.Author), gongzhi.DecodeReason(reason)
		if c.Hidden && !staff {
			c.Body = ""
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// HideComment hides a comment with a reason code (gongzhi.ModerationReasons), once; it is kept,
// never deleted (community staff).
func (a *Service) HideComment(ctx context.Context, ac *gongzhi.Actor, id int64, code, words string) (int64, error) {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return 0, err
	}
	reason, err := checkReason("reason", code, words, gongzhi.ModerationReasons, "consult.moderation.")
	if err != nil {
		return 0, err
	}
	var topic int64
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var code string
		err := q.QueryRow(ctx, `SELECT c.topic_id, t.place_code FROM consult_comments c JOIN consult_topics t ON t.id = c.topic_id
			WHERE c.id = ?`, id).Scan(&topic, &code)
		if err == sql.ErrNoRows || err == nil && !kernel.InPlace(ac, code) {
			return gongzhi.NotFound()
		} else if err != nil {
			return err
		}
		now := a.NowUTC()
		res, err := q.Exec(ctx, `UPDATE consult_comments SET hidden = TRUE, hidden_reason = ?, hidden_by = ?, updated_at = ? WHERE id = ? AND NOT hidden`,
			reason.Encode(), nullID(kernel.UserID(ac)), now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return conflict("hidden", "consult.already_hidden")
		}
		return a.WriteAudit(ctx, q, ac, "update", ResComments, kernel.Id10(id), map[string]any{"hidden": false},
			map[string]any{"hidden": true, "hidden_reason": reason.Key()}, "")
	})
	return topic, err
}

// ---- a topic's path

// TopicLinker gives the records elsewhere that carry a topic further (votes, decisions); the
// capability that keeps them registers it (RegisterTopicLinks) so the topic's path shows them.
type TopicLinker func(ctx context.Context, q *store.Q, topicID int64) ([]gongzhi.TopicLink, error)

// CommunityLinker gives a community's records kept elsewhere that its public consultation page
// lists (votes that have opened, decisions); registered with RegisterCommunityLinks.
type CommunityLinker func(ctx context.Context, q *store.Q, community string) ([]gongzhi.TopicLink, error)

// linkers holds the registered sources of links, keyed by what they link from.
type linkers[K any] struct {
	sync.Mutex
	all []func(context.Context, *store.Q, K) ([]gongzhi.TopicLink, error)
}

func (l *linkers[K]) add(f func(context.Context, *store.Q, K) ([]gongzhi.TopicLink, error)) {
	l.Lock()
	defer l.Unlock()
	l.all = append(l.all, f)
}

func (l *linkers[K]) links(ctx context.Context, q *store.Q, k K) ([]gongzhi.TopicLink, error) {
	l.Lock()
	all := slices.Clone(l.all)
	l.Unlock()
	var out []gongzhi.TopicLink
	for _, f := range all {
		ls, err := f(ctx, q, k)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	return out, nil
}

var (
	topicLinkers     linkers[int64]
	communityLinkers linkers[string]
)

// RegisterTopicLinks adds a source of a topic's further links (in the registering package's init).
func RegisterTopicLinks(l TopicLinker) { topicLinkers.add(l) }

// RegisterCommunityLinks adds a source of a community's public links (in the registering
// package's init).
func RegisterCommunityLinks(l CommunityLinker) { communityLinkers.add(l) }

// TopicLinks are the votes, decisions and other records registered as carrying the topic further.
func (a *Service) TopicLinks(ctx context.Context, topicID int64) ([]gongzhi.TopicLink, error) {
	return topicLinkers.links(ctx, a.DB.Q(), topicID)
}

// CommunityLinks are a community's votes, decisions and other public records kept by the
// capabilities registered with RegisterCommunityLinks (docs/consultation.md: the public page).
func (a *Service) CommunityLinks(ctx context.Context, community string) ([]gongzhi.TopicLink, error) {
	return communityLinkers.links(ctx, a.DB.Q(), community)
}

// MyCommunity is the community a caller's consultation pages start at: a resident's own, the
// community of community staff and grid workers ("" for callers of a wider place).
func (a *Service) MyCommunity(ctx context.Context, ac *gongzhi.Actor) string {
	switch {
	case ac == nil || ac.User == nil:
		return ""
	case ac.Has(gongzhi.RoleResident):
		if r, err := residentOf(ctx, a.DB.Q(), ac); err == nil {
			return r.Community
		}
		return ""
	}
	if gongzhi.LevelOfCode(ac.ScopeCode) == 5 {
		return ac.ScopeCode
	}
	return ""
}
