// Alarms for the security administrator, raised by a job from the audit log (pages only read
// them): repeated failed sign-ins of one account or from one address in a window, writes by an
// administrator outside working hours or on a day the office does not work, and one user
// revealing many ID numbers in an hour. Each alarm is raised once per kind, subject and window.

package security

import (
	"context"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// alarmLookback is how far back each run of the alarms job reads the log: a day and more, from
// a midnight, so that every window it counts is whole and a day the job missed is caught up.
const alarmLookback = 26 * time.Hour

// hourLayout names an hour's window, dayLayout a day's.
const (
	hourLayout = "2006-01-02 15:04"
	dayLayout  = time.DateOnly
)

type alarmKey struct{ kind, subject, window string }

// window is the clock-aligned window (China time) of length d that t falls in, and its name.
func window(t time.Time, d time.Duration) string {
	day := dayStart(t)
	return day.Add(t.Sub(day).Truncate(d)).Format(hourLayout)
}

// failedUsername is the account a failed sign-in named, "" for an unknown one.
func failedUsername(e *gongzhi.AuditEntry) string {
	if e.EntityID == "" {
		return ""
	}
	u, ok := strings.CutPrefix(e.Note, "username=")
	if !ok {
		return ""
	}
	u, _ = strings.CutSuffix(u, "; account locked")
	return u
}

// RaiseAlarms reads the log of the last day and raises the alarms it finds, each once; an alarm
// raised before only has its count brought up to date. Returns how many new alarms it raised.
func (a *Service) RaiseAlarms(ctx context.Context, now time.Time) (int, error) {
	p := a.Cfg.Audit
	since := dayStart(now.Add(-alarmLookback))
	q := a.DB.Q()
	counts := map[alarmKey]*Alarm{}
	note := func(kind, subject, win string, at time.Time) {
		k := alarmKey{kind, subject, win}
		al := counts[k]
		if al == nil {
			al = &Alarm{Kind: kind, Subject: subject, Window: win, FirstAt: at}
			counts[k] = al
		}
		al.Count++
		al.LastAt = at
	}

	failed, err := q.AuditSince(ctx, since, []string{"login_failed"}, nil)
	if err != nil {
		return 0, err
	}
	for _, e := range failed {
		w := window(e.At, p.FailedLoginsWindow)
		if u := failedUsername(e); u != "" {
			note(AlarmFailedLoginsAccount, u, w, e.At)
		}
		if e.IP != "" {
			note(AlarmFailedLoginsIP, e.IP, w, e.At)
		}
	}

	reveals, err := q.AuditSince(ctx, since, []string{"view_sensitive"}, nil)
	if err != nil {
		return 0, err
	}
	for _, e := range reveals {
		if e.Entity == kernel.ResPeople && e.Note == "id_number" && e.UserID != 0 {
			note(AlarmBulkIDReveals, e.Username, window(e.At, time.Hour), e.At)
		}
	}

	admins, err := q.AuditSince(ctx, since, nil, []string{gongzhi.RoleSysAdmin, gongzhi.RoleSecAdmin, gongzhi.RoleAuditAdmin})
	if err != nil {
		return 0, err
	}
	holidays, err := q.ListHolidays(ctx, since.Format(dayLayout), dayStart(now).AddDate(0, 0, 1).Format(dayLayout))
	if err != nil {
		return 0, err
	}
	cal := gongzhi.NewCalendar(holidays)
	for _, e := range admins {
		switch e.Action {
		case "login", "logout", "login_failed":
			continue // signing in and out changes nothing
		}
		if e.UserID == 0 {
			continue // the system's own scheduled work
		}
		day := dayStart(e.At)
		if tod := e.At.Sub(day); !cal.IsWorkday(day) || tod < p.WorkStart || tod >= p.WorkEnd {
			note(AlarmOffHoursAdmin, e.Username, day.Format(dayLayout), e.At)
		}
	}

	created := 0
	at := a.NowUTC()
	for _, al := range counts {
		switch al.Kind {
		case AlarmFailedLoginsAccount, AlarmFailedLoginsIP:
			if al.Count < p.FailedLogins {
				continue
			}
		case AlarmBulkIDReveals:
			if al.Count <= p.BulkReveals {
				continue
			}
		}
		al.CreatedAt = at
		err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			isNew, err := q.RaiseAlarm(ctx, al)
			if err != nil || !isNew {
				return err
			}
			created++
			return a.WriteAudit(ctx, q, gongzhi.SystemActor("auto"), "alarm", ResAlarms, al.Kind+" "+al.Subject+" "+al.Window, nil, nil, "")
		})
		if err != nil {
			return created, err
		}
	}
	return created, nil
}

// Alarms lists the security alarms, newest first, to the security administrator.
func (a *Service) Alarms(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*Alarm) error) (int, error) {
	if err := kernel.Allow(ac, MayReadAlarms(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListAlarms(ctx, opts, each)
}

// AckAlarm acknowledges an alarm, once: acknowledging it again is ECONFLICT, with nothing written.
func (a *Service) AckAlarm(ctx context.Context, ac *gongzhi.Actor, id int64) (*Alarm, error) {
	if err := kernel.Allow(ac, MayAckAlarms(ac)); err != nil {
		return nil, err
	}
	var al *Alarm
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		if _, err := q.GetAlarm(ctx, id); err != nil {
			return err
		}
		ok, err := q.AckAlarm(ctx, id, ac.User.ID, ac.User.Username, a.NowUTC())
		if err != nil {
			return err
		}
		if !ok {
			return &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "alarm.already_acked"}
		}
		if al, err = q.GetAlarm(ctx, id); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "acknowledge", ResAlarms, kernel.Id10(id), nil, nil, al.Kind)
	})
	return al, err
}
