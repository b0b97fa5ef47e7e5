// The audit log's integrity: each closed day sealed once in a hash chain, the retention purge,
// and the check that `gongzhi audit verify` runs (docs/audit.md).

package security

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/publog"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
)

// SealGrace is how long after a day ends (midnight, China time) it is sealed, so that no
// transaction that wrote an entry of that day is still open.
const SealGrace = 15 * time.Minute

// ResAudit is how the audit log names its own sealing, purging and exporting.
const ResAudit = kernel.ResAudit

// newHash returns the integrity hash of a name: "sha256" or "sm3" (GB/T 32905), the system's one
// selector (secret.IntegrityHash).
func newHash(name string) (hash.Hash, error) {
	if name == "" {
		return nil, fmt.Errorf("unknown integrity hash %q", name)
	}
	h, err := secret.IntegrityHash(name)
	if err != nil {
		return nil, err
	}
	return h(), nil
}

// entryHash is the hash of an entry's canonical encoding: every column, each as its length
// (4 bytes, big-endian) and its bytes, the time in UTC to the microsecond.
func entryHash(h hash.Hash, e *gongzhi.AuditEntry) string {
	h.Reset()
	field := func(s string) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field("gongzhi-audit-entry-v1")
	field(strconv.FormatInt(e.ID, 10))
	field(e.At.UTC().Format("2006-01-02T15:04:05.000000Z"))
	field(strconv.FormatInt(e.UserID, 10))
	for _, s := range []string{e.Username, e.Role, e.IP, e.Via, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.Note} {
		field(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// dayDigest is the digest over a day's recorded entry hashes, in id order.
func dayDigest(h hash.Hash, day string, entries []store.SealedEntry) string {
	h.Reset()
	fmt.Fprintf(h, "gongzhi-audit-day-v1\n%s\n", day)
	for _, e := range entries {
		fmt.Fprintf(h, "%d %s\n", e.ID, e.Hash)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// chainOf is a seal's chain value: its fields chained with the previous seal's.
func chainOf(h hash.Hash, s *store.AuditSeal) string {
	h.Reset()
	fmt.Fprintf(h, "gongzhi-audit-chain-v1\n%s\n%s\n%d\n%d\n%d\n%s\n%s\n", s.Prev, s.Day, s.Count, s.FirstID, s.LastID, s.Digest, s.Algorithm)
	return hex.EncodeToString(h.Sum(nil))
}

// dayStart is the midnight (China time) that starts t's day.
func dayStart(t time.Time) time.Time {
	c := t.In(gongzhi.ChinaTime)
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, gongzhi.ChinaTime)
}

func parseDay(day string) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, day, gongzhi.ChinaTime)
	return t
}

// SealAudit seals every closed day not yet sealed, in order, each once (several instances may
// run it at once: the day's seal is unique, and the one that finds it written stops). The first
// seal starts at the day of the earliest entry. Returns how many days it sealed.
func (a *Service) SealAudit(ctx context.Context, now time.Time) (int, error) {
	if clock := a.Now(); clock.Before(now) {
		now = clock // never seal a day the clock has not closed: its own entry would fall in it
	}
	open := dayStart(now.Add(-SealGrace)) // the first day not yet closed
	sealed := 0
	var lastDay string
	for {
		done := false
		err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
			last, err := q.LastAuditSeal(ctx)
			if err != nil {
				return err
			}
			var day time.Time
			prev := ""
			if last != nil {
				day, prev = parseDay(last.Day).AddDate(0, 0, 1), last.Chain
			} else {
				first, err := q.FirstAuditAt(ctx)
				if err != nil {
					return err
				}
				if first.IsZero() {
					done = true
					return nil
				}
				day = dayStart(first)
			}
			if !day.Before(open) {
				done = true
				return nil
			}
			h, err := newHash(a.Cfg.Audit.Hash)
			if err != nil {
				return err
			}
			s := &store.AuditSeal{Day: day.Format(time.DateOnly), Prev: prev, Algorithm: a.Cfg.Audit.Hash, SealedAt: a.NowUTC()}
			var rec []store.SealedEntry // an entry's id and hash only: a day of large entries is never held whole
			if err := q.EachAuditBetween(ctx, day, day.AddDate(0, 0, 1), func(e *gongzhi.AuditEntry) error {
				rec = append(rec, store.SealedEntry{ID: e.ID, Day: s.Day, Hash: entryHash(h, e)})
				return nil
			}); err != nil {
				return err
			}
			if s.Count = len(rec); s.Count > 0 {
				s.FirstID, s.LastID = rec[0].ID, rec[len(rec)-1].ID
			}
			s.Digest = dayDigest(h, s.Day, rec)
			s.Chain = chainOf(h, s)
			ok, err := q.InsertAuditSeal(ctx, s, rec)
			if err != nil {
				return err
			}
			if !ok { // another instance sealed it: it carries on
				done = true
				return nil
			}
			if _, err := publog.Append(ctx, q, sealRecord(s)); err != nil {
				return err
			}
			sealed++
			lastDay = s.Day
			return nil
		})
		if err != nil || done {
			if sealed > 0 && err == nil {
				err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
					return a.WriteAudit(ctx, q, gongzhi.SystemActor("auto"), "seal", ResAudit, lastDay, nil, nil, "days="+strconv.Itoa(sealed))
				})
			}
			return sealed, err
		}
	}
}

// RetentionDays is the retention in force: the configured one, never below six months.
func (a *Service) RetentionDays() int {
	return max(a.Cfg.Audit.RetentionDays, kernel.MinAuditRetentionDays)
}

// PurgeAudit removes the entries of the days older than the retention (whole days, China time)
// and records that it did in the log itself. The seals of the days removed stay, marked purged,
// so that the chain of seals can still be checked. Returns how many entries it removed.
func (a *Service) PurgeAudit(ctx context.Context, now time.Time) (int, error) {
	days := a.RetentionDays()
	before := dayStart(now).AddDate(0, 0, -days)
	beforeDay := before.Format(time.DateOnly)
	var n int
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		var err error
		if n, err = q.PurgeAudit(ctx, before, beforeDay, a.NowUTC()); err != nil || n == 0 {
			return err
		}
		return a.WriteAudit(ctx, q, gongzhi.SystemActor("auto"), "purge", ResAudit, beforeDay, nil, nil,
			"entries="+strconv.Itoa(n)+"; retention_days="+strconv.Itoa(days))
	})
	return n, err
}

// Problem is one thing `gongzhi audit verify` found wrong.
type Problem struct {
	Day     string // the sealed day concerned
	EntryID int64  // the entry concerned, 0 for a seal's own problem
	Kind    string // changed, added, removed, seal_altered, chain_broken, seal_missing, purged_early, unknown_hash
	Detail  string
}

func (p Problem) String() string {
	s := p.Day + " " + p.Kind
	if p.EntryID != 0 {
		s += " entry " + strconv.FormatInt(p.EntryID, 10)
	}
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// Report is what `gongzhi audit verify` found: the seals checked, the days whose entries were
// recomputed, the problems, and the entries not sealed yet.
type Report struct {
	Seals         int
	DaysChecked   int
	Entries       int // entries recomputed
	Purged        int // seals of days whose entries the retention removed
	FirstDay      string
	LastDay       string
	Unsealed      int
	UnsealedSince string
	Problems      []Problem
}

// OK reports whether nothing was wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// VerifyAudit recomputes every sealed day still retained and the chain of seals, and names every
// entry changed, added or removed since its day was sealed. It reads through the pool and
// writes nothing (the command line runs it; it needs no actor).
func (a *Service) VerifyAudit(ctx context.Context, now time.Time) (*Report, error) {
	q := a.DB.Q()
	seals, err := q.AuditSeals(ctx)
	if err != nil {
		return nil, err
	}
	r := &Report{Seals: len(seals)}
	add := func(day string, id int64, kind, detail string) {
		r.Problems = append(r.Problems, Problem{Day: day, EntryID: id, Kind: kind, Detail: detail})
	}
	earliestPurge := dayStart(now).AddDate(0, 0, -kernel.MinAuditRetentionDays)
	prev, prevDay := "", ""
	for _, s := range seals {
		day := parseDay(s.Day)
		if prevDay != "" {
			if want := parseDay(prevDay).AddDate(0, 0, 1).Format(time.DateOnly); s.Day != want {
				add(s.Day, 0, "seal_missing", "no seal for the days from "+want)
			}
		}
		if s.Prev != prev {
			add(s.Day, 0, "chain_broken", "the seal does not follow the one before it")
		}
		prev, prevDay = s.Chain, s.Day
		h, err := newHash(s.Algorithm)
		if err != nil {
			add(s.Day, 0, "unknown_hash", s.Algorithm)
			continue
		}
		if chainOf(h, s) != s.Chain {
			add(s.Day, 0, "seal_altered", "the seal's fields do not give its chain value")
		}
		if !s.PurgedAt.IsZero() {
			r.Purged++
			if !day.Before(earliestPurge) {
				add(s.Day, 0, "purged_early", "the day's entries were removed before six months had passed")
			}
			if err := q.EachAuditBetween(ctx, day, day.AddDate(0, 0, 1), func(e *gongzhi.AuditEntry) error {
				add(s.Day, e.ID, "added", "an entry in a day whose entries were purged")
				return nil
			}); err != nil {
				return nil, err
			}
			continue
		}
		r.DaysChecked++
		n, err := a.verifyDay(ctx, q, h, s, add)
		if err != nil {
			return nil, err
		}
		r.Entries += n
	}
	if len(seals) > 0 {
		r.FirstDay, r.LastDay = seals[0].Day, seals[len(seals)-1].Day
		if err := q.EachAuditBetween(ctx, time.Unix(0, 0), parseDay(r.FirstDay), func(e *gongzhi.AuditEntry) error {
			add(e.At.In(gongzhi.ChinaTime).Format(time.DateOnly), e.ID, "added", "an entry before the first sealed day")
			return nil
		}); err != nil {
			return nil, err
		}
		since := parseDay(r.LastDay).AddDate(0, 0, 1)
		r.UnsealedSince = since.Format(time.DateOnly)
		if r.Unsealed, err = q.CountAuditBetween(ctx, since, time.Time{}); err != nil {
			return nil, err
		}
	} else if r.Unsealed, err = q.CountAuditBetween(ctx, time.Unix(0, 0), time.Time{}); err != nil {
		return nil, err
	}
	return r, nil
}

// verifyDay compares a sealed day's entries with the hashes its seal recorded, reading the
// entries one at a time. Returns how many entries the day holds.
func (a *Service) verifyDay(ctx context.Context, q *store.Q, h hash.Hash, s *store.AuditSeal,
	add func(day string, id int64, kind, detail string)) (int, error) {
	rec, err := q.SealedEntries(ctx, s.Day)
	if err != nil {
		return 0, err
	}
	switch {
	case dayDigest(h, s.Day, rec) != s.Digest:
		add(s.Day, 0, "seal_altered", "the recorded entry hashes do not give the day's digest")
	case len(rec) != s.Count || (len(rec) > 0 && (rec[0].ID != s.FirstID || rec[len(rec)-1].ID != s.LastID)):
		add(s.Day, 0, "seal_altered", "the recorded entries do not match the seal's count or ids")
	}
	recorded := make(map[int64]string, len(rec))
	for _, e := range rec {
		recorded[e.ID] = e.Hash
	}
	present := make(map[int64]bool, len(rec))
	var unrecorded []int64
	n := 0
	if err := q.EachAuditBetween(ctx, parseDay(s.Day), parseDay(s.Day).AddDate(0, 0, 1), func(e *gongzhi.AuditEntry) error {
		n++
		present[e.ID] = true
		want, ok := recorded[e.ID]
		switch {
		case ok && want != entryHash(h, e):
			add(s.Day, e.ID, "changed", "the entry differs from what was sealed")
		case !ok:
			unrecorded = append(unrecorded, e.ID)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	// the rows are closed: now each odd entry can be looked up
	for _, id := range unrecorded {
		other, err := q.SealedEntry(ctx, id)
		if err != nil {
			return 0, err
		}
		if other == nil { // else moved here from another sealed day: reported under that day
			add(s.Day, id, "added", "an entry that was not there when the day was sealed")
		}
	}
	for _, e := range rec {
		if present[e.ID] {
			continue
		}
		moved, err := q.AuditEntry(ctx, e.ID)
		if err != nil {
			return 0, err
		}
		if moved != nil {
			add(s.Day, e.ID, "changed", "the entry's time was moved to "+moved.At.In(gongzhi.ChinaTime).Format(time.DateTime))
		} else {
			add(s.Day, e.ID, "removed", "the entry was deleted")
		}
	}
	return n, nil
}
