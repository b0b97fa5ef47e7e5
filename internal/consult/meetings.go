// Meetings (议事会, 听证会, 评议会, 恳谈会): called by community staff with an agenda, perhaps on a
// topic and of a body; sign-in runs at the door, where residents scan a QR code with their
// signed-in phone (the code carries the meeting's sign-in key, made when sign-in opens and
// cleared when the minutes are recorded), or staff sign a person of the registry in; speakers,
// proposals tabled and the minutes are recorded; the minutes end the meeting (held), once.
//
// Once: a person signs in once per meeting (consult_attendees' primary key: ECONFLICT
// person_id: consult.already_signed_in); planned → open → held and planned/open → cancelled
// move by conditional UPDATEs on the old state (ECONFLICT state: consult.meeting_state).

package consult

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"slices"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

const meetingCols = `m.id, m.place_code, COALESCE((SELECT pl.name FROM places pl WHERE pl.code = m.place_code), ''), COALESCE(m.body_id, 0),
	COALESCE((SELECT b.name FROM consult_bodies b WHERE b.id = m.body_id), ''), COALESCE(m.topic_id, 0),
	COALESCE((SELECT t.title FROM consult_topics t WHERE t.id = m.topic_id), ''), m.kind, m.title, m.starts_at, m.location, m.agenda,
	m.minutes, m.state, m.signin_key, (SELECT COUNT(*) FROM consult_attendees a WHERE a.meeting_id = m.id), m.created_at, m.updated_at`

func scanMeeting(sc interface{ Scan(...any) error }) (*gongzhi.ConsultMeeting, error) {
	var m gongzhi.ConsultMeeting
	err := sc.Scan(&m.ID, &m.PlaceCode, &m.PlaceName, &m.BodyID, &m.BodyName, &m.TopicID, &m.TopicTitle, &m.Kind, &m.Title, &m.StartsAt,
		&m.Location, &m.Agenda, &m.Minutes, &m.State, &m.SigninKey, &m.Attendees, &m.CreatedAt, &m.UpdatedAt)
	if err == sql.ErrNoRows {
		return nil, gongzhi.NotFound()
	}
	return &m, err
}

func meetingAudit(m *gongzhi.ConsultMeeting) map[string]any {
	return map[string]any{"place_code": m.PlaceCode, "body_id": m.BodyID, "topic_id": m.TopicID, "kind": m.Kind, "title": m.Title,
		"starts_at": m.StartsAt, "venue": m.Location, "agenda": m.Agenda, "state": m.State}
}

// CreateMeeting calls a meeting of a community (community staff): a body and a topic, if given,
// must be the community's.
func (a *Service) CreateMeeting(ctx context.Context, ac *gongzhi.Actor, m *gongzhi.ConsultMeeting) error {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return err
	}
	if m.PlaceCode == "" {
		m.PlaceCode = ac.ScopeCode
	}
	var checks gongzhi.Checks
	checks.Check(m.Validate())
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if err := checks.Check(community(ctx, q, ac, m.PlaceCode)); err != nil {
			return err
		}
		for _, ref := range []struct {
			field, table string
			id           int64
		}{{"body_id", "consult_bodies", m.BodyID}, {"topic_id", "consult_topics", m.TopicID}} {
			if ref.id == 0 {
				continue
			}
			var code string
			err := q.QueryRow(ctx, `SELECT place_code FROM `+ref.table+` WHERE id = ?`, ref.id).Scan(&code)
			if err == sql.ErrNoRows || err == nil && code != m.PlaceCode {
				checks.Check(gongzhi.Invalid(ref.field, "consult.unknown"))
			} else if err != nil {
				return err
			}
		}
		if err := checks.Err(); err != nil {
			return err
		}
		now := a.NowUTC()
		m.State = gongzhi.MeetingPlanned
		id, err := q.InsertID(ctx, `INSERT INTO consult_meetings (place_code, body_id, topic_id, kind, title, starts_at, location, agenda, state,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.PlaceCode, nullID(m.BodyID), nullID(m.TopicID),
			m.Kind, m.Title, m.StartsAt.UTC(), m.Location, m.Agenda, m.State, nullID(kernel.UserID(ac)), now, now)
		if err != nil {
			return err
		}
		if err := a.WriteAudit(ctx, q, ac, "create", ResMeetings, kernel.Id10(id), nil, meetingAudit(m), ""); err != nil {
			return err
		}
		saved, err := scanMeeting(q.QueryRow(ctx, `SELECT `+meetingCols+` FROM consult_meetings m WHERE m.id = ?`, id))
		if err != nil {
			return err
		}
		*m = *saved
		return nil
	})
}

// ConsultMeeting returns a meeting (anyone; place-scoped staff within their place). The sign-in
// key is kept only for the community's staff, who show its QR code at the door.
func (a *Service) ConsultMeeting(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.ConsultMeeting, error) {
	m, err := scanMeeting(a.DB.Q().QueryRow(ctx, `SELECT `+meetingCols+` FROM consult_meetings m WHERE m.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if staffOutside(ac, m.PlaceCode) {
		return nil, gongzhi.NotFound()
	}
	if !(MayManageConsultation(ac) && kernel.InPlace(ac, m.PlaceCode)) {
		m.SigninKey = ""
	}
	return m, nil
}

// ConsultMeetings lists a community's meetings (anyone), or those of the caller's place
// (community ""), latest first. topic > 0 keeps one topic's.
func (a *Service) ConsultMeetings(ctx context.Context, ac *gongzhi.Actor, community string, topic int64) ([]*gongzhi.ConsultMeeting, error) {
	var where []string
	var args []any
	switch {
	case topic > 0:
		where, args = append(where, "m.topic_id = ?"), append(args, topic)
	case community != "":
		if staffOutside(ac, community) {
			return nil, gongzhi.NotFound()
		}
		where, args = append(where, "m.place_code = ?"), append(args, community)
	case ac == nil || ac.User == nil || !MayReadConsultation(ac):
		return nil, gongzhi.Invalid("community", "required")
	case !ac.IsSystem():
		where, args = append(where, "m.place_code LIKE ?"), append(args, ac.Scope+"%")
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := a.DB.Q().Query(ctx, `SELECT `+meetingCols+` FROM consult_meetings m`+w+` ORDER BY m.starts_at DESC, m.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*gongzhi.ConsultMeeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		m.SigninKey = ""
		out = append(out, m)
	}
	return out, rows.Err()
}

// lockMeeting reads a meeting of the caller's place for a change inside the transaction.
func lockMeeting(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.ConsultMeeting, error) {
	if err := q.LockRow(ctx, "consult_meetings", id); err != nil {
		return nil, err
	}
	m, err := scanMeeting(q.QueryRow(ctx, `SELECT `+meetingCols+` FROM consult_meetings m WHERE m.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if !ac.Has(gongzhi.RoleResident) && !kernel.InPlace(ac, m.PlaceCode) {
		return nil, gongzhi.NotFound()
	}
	return m, nil
}

// moveMeeting changes a meeting's state from one of from, once, with the columns set.
func (a *Service) moveMeeting(ctx context.Context, q *store.Q, ac *gongzhi.Actor, m *gongzhi.ConsultMeeting, to string, set string, args []any, from ...string) error {
	if !slices.Contains(from, m.State) {
		return conflict("state", "consult.meeting_state")
	}
	now := a.NowUTC()
	all := append([]any{to, now}, args...)
	all = append(all, m.ID, m.State)
	res, err := q.Exec(ctx, `UPDATE consult_meetings SET state = ?, updated_at = ?`+set+` WHERE id = ? AND state = ?`, all...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return conflict("state", "consult.meeting_state")
	}
	old := m.State
	m.State, m.UpdatedAt = to, now
	return a.WriteAudit(ctx, q, ac, "update", ResMeetings, kernel.Id10(m.ID), map[string]any{"state": old}, map[string]any{"state": to}, "")
}

// OpenSignIn opens a planned meeting's sign-in: a new key for the door's QR code.
func (a *Service) OpenSignIn(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.ConsultMeeting, error) {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return nil, err
	}
	var m *gongzhi.ConsultMeeting
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		if m, err = lockMeeting(ctx, q, ac, id); err != nil {
			return err
		}
		key := newKey()
		if err := a.moveMeeting(ctx, q, ac, m, gongzhi.MeetingOpen, ", signin_key = ?", []any{key}, gongzhi.MeetingPlanned); err != nil {
			return err
		}
		m.SigninKey = key
		return nil
	})
	return m, err
}

// newKey is an unguessable sign-in key (130 bits, base32 without padding).
func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// RecordMinutes records a meeting's minutes and ends it (held), once; the sign-in key is
// cleared, so the door's code no longer signs anyone in.
func (a *Service) RecordMinutes(ctx context.Context, ac *gongzhi.Actor, id int64, minutes string) (*gongzhi.ConsultMeeting, error) {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return nil, err
	}
	minutes, r := gongzhi.CheckText(minutes, 20000, true)
	if r != "" {
		return nil, gongzhi.Invalid("minutes", r)
	}
	var m *gongzhi.ConsultMeeting
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		if m, err = lockMeeting(ctx, q, ac, id); err != nil {
			return err
		}
		if err := a.moveMeeting(ctx, q, ac, m, gongzhi.MeetingHeld, ", minutes = ?, signin_key = ''", []any{minutes},
			gongzhi.MeetingPlanned, gongzhi.MeetingOpen); err != nil {
			return err
		}
		m.Minutes, m.SigninKey = minutes, ""
		return a.WriteAudit(ctx, q, ac, "update", ResMeetings, kernel.Id10(id), nil, map[string]any{"minutes": minutes}, "")
	})
	return m, err
}

// CancelMeeting cancels a meeting not yet held.
func (a *Service) CancelMeeting(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.ConsultMeeting, error) {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return nil, err
	}
	var m *gongzhi.ConsultMeeting
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		if m, err = lockMeeting(ctx, q, ac, id); err != nil {
			return err
		}
		return a.moveMeeting(ctx, q, ac, m, gongzhi.MeetingCancelled, ", signin_key = ''", nil, gongzhi.MeetingPlanned, gongzhi.MeetingOpen)
	})
	return m, err
}

// signIn records one attendee, once.
func (a *Service) signIn(ctx context.Context, q *store.Q, ac *gongzhi.Actor, m *gongzhi.ConsultMeeting, personID int64, how string) error {
	now := a.NowUTC()
	var by any
	if how == "staff" {
		by = nullID(kernel.UserID(ac))
	}
	_, err := q.Exec(ctx, `INSERT INTO consult_attendees (meeting_id, person_id, how, signed_by, signed_at) VALUES (?, ?, ?, ?, ?)`,
		m.ID, personID, how, by, now)
	if store.IsUnique(err, "") {
		return conflict("person_id", "consult.already_signed_in")
	} else if err != nil {
		return err
	}
	return a.WriteAudit(ctx, q, ac, "create", ResMeetings, kernel.Id10(m.ID), nil,
		map[string]any{"meeting_id": m.ID, "person_id": personID, "how": how}, "")
}

// SignInByStaff signs a person of the meeting's community in (community staff), while the
// meeting is planned or open.
func (a *Service) SignInByStaff(ctx context.Context, ac *gongzhi.Actor, id, personID int64) error {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return err
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		m, err := lockMeeting(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if _, err := personIn(ctx, q, "person_id", personID, m.PlaceCode); err != nil {
			return err
		}
		if m.State != gongzhi.MeetingPlanned && m.State != gongzhi.MeetingOpen {
			return conflict("state", "consult.meeting_state")
		}
		return a.signIn(ctx, q, ac, m, personID, "staff")
	})
}

// MeetingByKey returns the meeting whose door code carries key, while its sign-in is open
// (ENOTFOUND otherwise: a code of a finished meeting signs no one in).
func (a *Service) MeetingByKey(ctx context.Context, key string) (*gongzhi.ConsultMeeting, error) {
	if key == "" {
		return nil, gongzhi.NotFound()
	}
	m, err := scanMeeting(a.DB.Q().QueryRow(ctx, `SELECT `+meetingCols+` FROM consult_meetings m WHERE m.signin_key = ? AND m.state = 'open'`, key))
	if err != nil {
		return nil, err
	}
	m.SigninKey = ""
	return m, nil
}

// SignInByCode signs the signed-in resident in at the meeting whose door code carries key: a
// resident of the meeting's community, once.
func (a *Service) SignInByCode(ctx context.Context, ac *gongzhi.Actor, key string) (*gongzhi.ConsultMeeting, error) {
	if err := kernel.Allow(ac, MayDeliberate(ac)); err != nil {
		return nil, err
	}
	var m *gongzhi.ConsultMeeting
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var id int64
		err := q.QueryRow(ctx, `SELECT id FROM consult_meetings WHERE signin_key = ? AND state = 'open'`, key).Scan(&id)
		if err == sql.ErrNoRows || key == "" {
			return gongzhi.NotFound()
		} else if err != nil {
			return err
		}
		if m, err = lockMeeting(ctx, q, ac, id); err != nil {
			return err
		}
		if m.State != gongzhi.MeetingOpen {
			return gongzhi.NotFound()
		}
		r, err := residentIn(ctx, q, ac, m.PlaceCode)
		if err != nil {
			return err
		}
		m.SigninKey = ""
		return a.signIn(ctx, q, ac, m, r.PersonID, "qr")
	})
	return m, err
}

// Attendees lists who signed in at a meeting; names are masked except for the place's staff.
func (a *Service) Attendees(ctx context.Context, ac *gongzhi.Actor, m *gongzhi.ConsultMeeting) ([]gongzhi.ConsultAttendee, error) {
	rows, err := a.DB.Q().Query(ctx, `SELECT a.meeting_id, a.person_id, p.name, a.how, a.signed_at FROM consult_attendees a
		JOIN people p ON p.id = a.person_id WHERE a.meeting_id = ? ORDER BY a.signed_at, a.person_id`, m.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	full := seesNames(ac, m.PlaceCode)
	var out []gongzhi.ConsultAttendee
	for rows.Next() {
		var x gongzhi.ConsultAttendee
		if err := rows.Scan(&x.MeetingID, &x.PersonID, &x.Name, &x.How, &x.SignedAt); err != nil {
			return nil, err
		}
		if !full {
			x.Name, x.PersonID = gongzhi.MaskName(x.Name), 0
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// AddSpeaker records who spoke at a meeting (a person of the community, or a guest's name) and
// the gist of it (community staff).
func (a *Service) AddSpeaker(ctx context.Context, ac *gongzhi.Actor, sp *gongzhi.ConsultSpeaker) error {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return err
	}
	f := gongzhi.FieldErrors{}
	var r string
	if sp.Name, r = gongzhi.CheckText(sp.Name, 64, sp.PersonID == 0); r != "" {
		f.Add("name", r)
	}
	if sp.Summary, r = gongzhi.CheckText(sp.Summary, 3000, true); r != "" {
		f.Add("summary", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		m, err := lockMeeting(ctx, q, ac, sp.MeetingID)
		if err != nil {
			return err
		}
		if sp.PersonID != 0 {
			name, err := personIn(ctx, q, "person_id", sp.PersonID, m.PlaceCode)
			if err := f.Merge(err); err != nil {
				return err
			}
			if name != "" {
				sp.Name = name
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if m.State == gongzhi.MeetingCancelled {
			return conflict("state", "consult.meeting_state")
		}
		now := a.NowUTC()
		id, err := q.InsertID(ctx, `INSERT INTO consult_speakers (meeting_id, person_id, name, summary, created_at) VALUES (?, ?, ?, ?, ?)`,
			sp.MeetingID, nullID(sp.PersonID), sp.Name, sp.Summary, now)
		if err != nil {
			return err
		}
		sp.ID, sp.CreatedAt = id, now
		return a.WriteAudit(ctx, q, ac, "create", ResMeetings, kernel.Id10(sp.MeetingID), nil,
			map[string]any{"meeting_id": sp.MeetingID, "person_id": sp.PersonID, "name": sp.Name, "summary": sp.Summary}, "")
	})
}

// Speakers lists a meeting's speakers; names of residents are masked except for the place's staff.
func (a *Service) Speakers(ctx context.Context, ac *gongzhi.Actor, m *gongzhi.ConsultMeeting) ([]gongzhi.ConsultSpeaker, error) {
	rows, err := a.DB.Q().Query(ctx, `SELECT id, meeting_id, COALESCE(person_id, 0), name, summary, created_at FROM consult_speakers
		WHERE meeting_id = ? ORDER BY id`, m.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	full := seesNames(ac, m.PlaceCode)
	var out []gongzhi.ConsultSpeaker
	for rows.Next() {
		var s gongzhi.ConsultSpeaker
		if err := rows.Scan(&s.ID, &s.MeetingID, &s.PersonID, &s.Name, &s.Summary, &s.CreatedAt); err != nil {
			return nil, err
		}
		if !full && s.PersonID != 0 {
			s.Name, s.PersonID = gongzhi.MaskName(s.Name), 0
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// TableProposal records a proposal tabled at a meeting (community staff).
func (a *Service) TableProposal(ctx context.Context, ac *gongzhi.Actor, p *gongzhi.TabledProposal) error {
	if err := kernel.Allow(ac, MayManageConsultation(ac)); err != nil {
		return err
	}
	f := gongzhi.FieldErrors{}
	var r string
	if p.Title, r = gongzhi.CheckText(p.Title, 100, true); r != "" {
		f.Add("title", r)
	}
	if p.Body, r = gongzhi.CheckText(p.Body, 5000, false); r != "" {
		f.Add("body", r)
	}
	if p.TabledBy, r = gongzhi.CheckText(p.TabledBy, 64, false); r != "" {
		f.Add("tabled_by", r)
	}
	return a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		m, err := lockMeeting(ctx, q, ac, p.MeetingID)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if m.State == gongzhi.MeetingCancelled {
			return conflict("state", "consult.meeting_state")
		}
		now := a.NowUTC()
		id, err := q.InsertID(ctx, `INSERT INTO consult_proposals (meeting_id, title, body, tabled_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			p.MeetingID, p.Title, p.Body, p.TabledBy, now)
		if err != nil {
			return err
		}
		p.ID, p.CreatedAt = id, now
		return a.WriteAudit(ctx, q, ac, "create", ResMeetings, kernel.Id10(p.MeetingID), nil,
			map[string]any{"meeting_id": p.MeetingID, "title": p.Title, "body": p.Body, "tabled_by": p.TabledBy}, "")
	})
}

// Proposals lists the proposals tabled at a meeting.
func (a *Service) Proposals(ctx context.Context, meetingID int64) ([]gongzhi.TabledProposal, error) {
	rows, err := a.DB.Q().Query(ctx, `SELECT id, meeting_id, title, body, tabled_by, created_at FROM consult_proposals WHERE meeting_id = ? ORDER BY id`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []gongzhi.TabledProposal
	for rows.Next() {
		var p gongzhi.TabledProposal
		if err := rows.Scan(&p.ID, &p.MeetingID, &p.Title, &p.Body, &p.TabledBy, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ParseMeetingTime reads a meeting's start as the pages send it (2006-01-02T15:04, China
// Standard Time) or as RFC 3339.
func ParseMeetingTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, gongzhi.ChinaTime); err == nil {
		return t, true
	}
	return time.Time{}, false
}
