// Tamper alarms: the public ledger's monitor (publog.Log.Monitor, the comparison `gongzhi log
// verify --db` makes) and the audit log's check against its daily seals (VerifyAudit), run by
// the monitor_log job, raise what they find as security alarms of their own kinds, once per
// difference; the auditor and the audit administrator read them on their page, the security
// administrator among the other alarms (docs/ledger.md, "Tamper alarms").

package security

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/publog"
	"gongzhi/internal/store"
)

// Tamper alarm kinds.
const (
	// AlarmLedgerRecord: a record of the public ledger differs from the database rows it
	// describes, or from its own row (subject "#<index> <type>").
	AlarmLedgerRecord = "ledger_record"
	// AlarmLedgerLog: the log itself does not verify (subject "log").
	AlarmLedgerLog = "ledger_log"
	// AlarmAuditEntry: an audit entry, or a day's seal, differs from what was sealed (subject
	// "<day>" or "<day> #<entry id>").
	AlarmAuditEntry = "audit_entry"
)

// TamperKinds are the tamper alarms' kinds, in the order of the page's filter.
var TamperKinds = []string{AlarmLedgerRecord, AlarmLedgerLog, AlarmAuditEntry}

// maxDetail bounds the evidence an alarm keeps.
const maxDetail = 2000

// MonitorLedger runs the ledger's monitor over l and the audit log's check against its seals,
// and raises each difference as a tamper alarm, once (an alarm found again by a later run has
// its count and last time brought up to date, in one conditional statement). It writes nothing
// when nothing differs. Returns how many new alarms it raised.
func (a *Service) MonitorLedger(ctx context.Context, l *publog.Log, now time.Time) (int, error) {
	diffs, err := l.Monitor(ctx)
	if err != nil {
		return 0, err
	}
	var found []*Alarm
	at := a.NowUTC()
	// alarm notes a difference; what tells it from another difference of the same subject and
	// reason (which is detail, unless kept apart as key) makes its window
	alarm := func(kind, subject, reason, detail, key string) {
		if len(detail) > maxDetail {
			detail = detail[:maxDetail] + "…"
		}
		h := sha256.Sum256([]byte(reason + "\n" + detail + "\n" + key))
		found = append(found, &Alarm{Kind: kind, Subject: subject, Window: hex.EncodeToString(h[:8]), Count: 1,
			FirstAt: at, LastAt: at, CreatedAt: at, Reason: reason, Detail: detail})
	}
	for _, d := range diffs {
		if d.Kind == publog.KindLogInvalid {
			alarm(AlarmLedgerLog, "log", d.Kind, d.Detail, "")
			continue
		}
		alarm(AlarmLedgerRecord, "#"+strconv.FormatInt(d.Index, 10)+" "+d.Type, d.Kind, d.Detail, "")
	}
	rep, err := a.VerifyAudit(ctx, now)
	if err != nil {
		return 0, err
	}
	for _, p := range rep.Problems {
		subject := p.Day
		if p.EntryID != 0 {
			subject += " #" + strconv.FormatInt(p.EntryID, 10)
		}
		alarm(AlarmAuditEntry, subject, p.Kind, "", p.Detail) // the code says what: changed, added, removed, seal_altered, …
	}
	created := 0
	for _, al := range found {
		err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			isNew, err := q.RaiseTamperAlarm(ctx, al)
			if err != nil || !isNew {
				return err
			}
			created++
			return a.WriteAudit(ctx, q, gongzhi.SystemActor("auto"), "alarm", ResAlarms, al.Kind+" "+al.Subject+" "+al.Window, nil, nil, al.Reason)
		})
		if err != nil {
			return created, err
		}
	}
	return created, nil
}

// TamperAlarms lists the tamper alarms, newest first (filters: kind, open), to those who may
// read them (MayReadTamperAlarms).
func (a *Service) TamperAlarms(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*Alarm) error) (int, error) {
	if err := kernel.Allow(ac, MayReadTamperAlarms(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListAlarms(ctx, opts, each, TamperKinds...)
}

// CountOpenTamperAlarms counts the tamper alarms nobody has acknowledged yet, for the home page
// of those who may read them (0 for anyone else).
func (a *Service) CountOpenTamperAlarms(ctx context.Context, ac *gongzhi.Actor) (int, error) {
	if !MayReadTamperAlarms(ac) {
		return 0, nil
	}
	return a.DB.Q().CountOpenAlarmsOf(ctx, TamperKinds)
}
