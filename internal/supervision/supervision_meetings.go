// Joint meetings (联席会议) of the street office, the hub and providers: minutes, decisions and
// action items with an owner (an organization or a named person) and a deadline, tracked until
// done. Permissions are in supervision.go's header.

package supervision

import (
	"context"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// RecordMeeting records a joint meeting at the caller's place with its attendees, the
// organizations that attended, minutes, decisions and action items. The hub or the purchaser
// (EFORBIDDEN otherwise); EINVALID for a bad meeting or an organization outside scope
// (org_ids / actions.N.owner_org_id: not_found).
func (a *Service) RecordMeeting(ctx context.Context, ac *gongzhi.Actor, in gongzhi.MeetingInput) (*gongzhi.Meeting, error) {
	if err := kernel.Allow(ac, MayInspect(ac)); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	place := actorPlace(ac)
	if place == "" {
		return nil, gongzhi.Invalid("place_code", "required")
	}
	m := &gongzhi.Meeting{PlaceCode: place, Date: in.Date, Title: in.Title, Venue: in.Venue, Attendees: in.Attendees,
		Minutes: in.Minutes, Decisions: in.Decisions, CreatedBy: kernel.ActorName(ac)}
	if m.Attendees == nil {
		m.Attendees = []gongzhi.Attendee{}
	}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		seen := map[int64]bool{}
		for _, o := range in.OrgIDs {
			if _, err := q.GetOrganization(ctx, kernel.PlaceScope(ac), o); err != nil {
				return gongzhi.Invalid("org_ids", "sup.not_found")
			}
			if !seen[o] {
				m.OrgIDs = append(m.OrgIDs, o)
				seen[o] = true
			}
		}
		for i, x := range in.Actions {
			if x.OwnerOrgID != 0 {
				if _, err := q.GetOrganization(ctx, kernel.PlaceScope(ac), x.OwnerOrgID); err != nil {
					return gongzhi.Invalid("actions."+kernel.Itoa(i)+".owner_org_id", "sup.not_found")
				}
			}
			m.Actions = append(m.Actions, &gongzhi.MeetingAction{Text: x.Text, OwnerOrgID: x.OwnerOrgID, OwnerName: x.OwnerName,
				Deadline: x.Deadline})
		}
		if err := q.InsertMeeting(ctx, m, a.NowUTC()); err != nil {
			return err
		}
		for _, x := range m.Actions {
			if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "meeting_action", EntityID: x.ID, To: gongzhi.ActionOpen,
				Note: gongzhi.NoteOf("action_deadline", x.Deadline)}); err != nil {
				return err
			}
		}
		return a.WriteAudit(ctx, q, ac, "create", ResMeetings, kernel.Id10(m.ID), nil, m, "")
	})
	if err != nil {
		return nil, err
	}
	return a.Meeting(ctx, ac, m.ID)
}

// Meetings lists meetings within scope: the place's for staff, for a provider those its
// organization attended or owns an action of. Filters: month.
func (a *Service) Meetings(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.Meeting) error) (int, error) {
	s, err := supScope(ac)
	if err != nil {
		return 0, err
	}
	return a.DB.Q().ListMeetings(ctx, s, opts, each)
}

// Meeting returns one meeting within scope with its action items (overdue ones marked).
func (a *Service) Meeting(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.Meeting, error) {
	s, err := supScope(ac)
	if err != nil {
		return nil, err
	}
	m, err := a.DB.Q().GetMeeting(ctx, s, id)
	if err != nil {
		return nil, err
	}
	today := a.Today()
	for _, x := range m.Actions {
		x.Overdue = x.State == gongzhi.ActionOpen && x.Deadline < today
	}
	return m, nil
}

// MeetingActions lists action items within scope: the place's for staff, those it owns for a
// provider. Filters: see store.ListMeetingActions.
func (a *Service) MeetingActions(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.MeetingAction) error) (int, error) {
	s, err := supScope(ac)
	if err != nil {
		return 0, err
	}
	today := a.Today()
	return a.DB.Q().ListMeetingActions(ctx, s, opts, func(x *gongzhi.MeetingAction) error {
		x.Overdue = x.State == gongzhi.ActionOpen && x.Deadline < today
		return each(x)
	})
}

// AddMeetingAction adds an action item to a meeting within scope. The hub or the purchaser.
func (a *Service) AddMeetingAction(ctx context.Context, ac *gongzhi.Actor, meetingID int64, in gongzhi.ActionInput) (*gongzhi.MeetingAction, error) {
	if err := kernel.Allow(ac, MayInspect(ac)); err != nil {
		return nil, err
	}
	f := gongzhi.FieldErrors{}
	in.Validate(f, "")
	if err := f.Err(); err != nil {
		return nil, err
	}
	var x *gongzhi.MeetingAction
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		m, err := q.GetMeeting(ctx, kernel.PlaceScope(ac), meetingID)
		if err != nil {
			return err
		}
		if in.OwnerOrgID != 0 {
			if _, err := q.GetOrganization(ctx, kernel.PlaceScope(ac), in.OwnerOrgID); err != nil {
				return gongzhi.Invalid("owner_org_id", "sup.not_found")
			}
		}
		x = &gongzhi.MeetingAction{MeetingID: m.ID, Text: in.Text, OwnerOrgID: in.OwnerOrgID, OwnerName: in.OwnerName, Deadline: in.Deadline}
		if err := q.InsertMeetingAction(ctx, m.PlaceCode, x); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "meeting_action", EntityID: x.ID, To: gongzhi.ActionOpen,
			Note: gongzhi.NoteOf("action_deadline", x.Deadline)}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "create", ResMeetingActions, kernel.Id10(x.ID), nil, x, "")
	})
	return x, err
}

// CompleteMeetingAction marks an action item done with a note saying what was done. The hub or
// the purchaser within the meeting's place, or the provider that owns the item (another
// provider's item answers ENOTFOUND). Refuses (ECONFLICT state: action.done) an item already
// done; EINVALID note (required).
func (a *Service) CompleteMeetingAction(ctx context.Context, ac *gongzhi.Actor, meetingID, actionID int64, note string) (*gongzhi.MeetingAction, error) {
	if err := kernel.Allow(ac, MayCompleteActions(ac)); err != nil {
		return nil, err
	}
	note, r := gongzhi.CheckText(note, 1000, true)
	if r != "" {
		return nil, gongzhi.Invalid("note", r)
	}
	var x *gongzhi.MeetingAction
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		s, err := supScope(ac)
		if err != nil {
			return err
		}
		if _, err := q.GetMeeting(ctx, s, meetingID); err != nil {
			return err
		}
		if err := q.LockRow(ctx, "meeting_actions", actionID); err != nil {
			return err
		}
		if x, err = q.GetMeetingAction(ctx, actionID); err != nil {
			return err
		}
		if x.MeetingID != meetingID || !MayCompleteAction(ac, x.OwnerOrgID) {
			return gongzhi.NotFound()
		}
		if x.State == gongzhi.ActionDone {
			return gongzhi.Refused("state", "action.done")
		}
		before := *x
		x.State, x.Note, x.DoneAt, x.DoneBy = gongzhi.ActionDone, note, a.NowUTC(), kernel.ActorName(ac)
		if err := q.UpdateMeetingAction(ctx, x); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "meeting_action", EntityID: x.ID, From: before.State, To: x.State,
			Note: gongzhi.TextNote(note)}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResMeetingActions, kernel.Id10(x.ID), before, x, note)
	})
	return x, err
}
