// The Go step of migration 0006_notes: the English sentences the service layer used to write as
// notes of the state history, the budgets' ledger and the complaints' history, read once into a
// code and its arguments (gongzhi.Note). Each shape the services wrote is read where it was
// written — by the record and the move of the line — so a person's words that happen to look
// like a set phrase stay words. Anything else is kept whole as the code "legacy".

package store

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gongzhi"
)

// migrateNotes rewrites the notes of purchase_history, budget_ledger and complaint_history.
func migrateNotes(ctx context.Context, q *Q) error {
	type line struct {
		id               int64
		entity, from, to string // for complaint_history, entity is the line's action
		note             string
		appID            int64
	}
	read := func(query string, scan func(*line, interface{ Scan(...any) error }) error) ([]line, error) {
		rows, err := q.Query(ctx, query)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []line
		for rows.Next() {
			var l line
			if err := scan(&l, rows); err != nil {
				return nil, err
			}
			out = append(out, l)
		}
		return out, rows.Err()
	}

	hist, err := read(`SELECT id, entity, from_state, to_state, note, COALESCE(application_id, 0) FROM purchase_history WHERE note <> ''`,
		func(l *line, s interface{ Scan(...any) error }) error {
			return s.Scan(&l.id, &l.entity, &l.from, &l.to, &l.note, &l.appID)
		})
	if err != nil {
		return err
	}
	for _, l := range hist {
		n, app := oldHistoryNote(l.entity, l.from, l.to, l.note)
		if app != 0 && l.appID == 0 {
			if _, err := q.Exec(ctx, `UPDATE purchase_history SET note_code = ?, note_args = ?, application_id = ? WHERE id = ?`,
				n.Code, n.ArgsJSON(), app, l.id); err != nil {
				return err
			}
			continue
		}
		if _, err := q.Exec(ctx, `UPDATE purchase_history SET note_code = ?, note_args = ? WHERE id = ?`, n.Code, n.ArgsJSON(), l.id); err != nil {
			return err
		}
	}

	ledger, err := read(`SELECT id, note FROM budget_ledger WHERE note <> ''`, func(l *line, s interface{ Scan(...any) error }) error {
		return s.Scan(&l.id, &l.note)
	})
	if err != nil {
		return err
	}
	for _, l := range ledger {
		n := oldLedgerNote(l.note)
		if _, err := q.Exec(ctx, `UPDATE budget_ledger SET note_code = ?, note_args = ? WHERE id = ?`, n.Code, n.ArgsJSON(), l.id); err != nil {
			return err
		}
	}

	complaints, err := read(`SELECT id, action, note FROM complaint_history WHERE note <> ''`, func(l *line, s interface{ Scan(...any) error }) error {
		return s.Scan(&l.id, &l.entity, &l.note)
	})
	if err != nil {
		return err
	}
	for _, l := range complaints {
		n := oldComplaintNote(l.entity, l.note)
		if _, err := q.Exec(ctx, `UPDATE complaint_history SET note_code = ?, note_args = ? WHERE id = ?`, n.Code, n.ArgsJSON(), l.id); err != nil {
			return err
		}
	}
	return nil
}

// The sentences the services wrote before notes were data.
var (
	oldMoney       = `(\d{1,3}(?:,\d{3})*\.\d\d)`
	oldDate        = `(\d{4}-\d{2}-\d{2})`
	oldRoute       = `(office|hub|provider)`
	oldReserved    = regexp.MustCompile(`^reserved ` + oldMoney + `$`)
	oldReview      = regexp.MustCompile(`^(\d+) eligible, panel of (\d+)$`)
	oldPublished   = regexp.MustCompile(`^(\d+) funded, ` + oldMoney + `, notice until ` + oldDate + `$`)
	oldFinal       = regexp.MustCompile(`^(\d+) awards final$`)
	oldDrawn       = regexp.MustCompile(`^seed (-?\d+), pool (\d+), examined (\d+)$`)
	oldReplacement = regexp.MustCompile(`^replacement, seq (\d+)$`)
	oldExcluded    = regexp.MustCompile(`(?s)^(affiliated|declared|removed): (.*)$`)
	oldScore       = regexp.MustCompile(`^application (\d+)$`)
	oldRanked      = regexp.MustCompile(`^(\d+) applications, rule (\w+)$`)
	oldBonus       = regexp.MustCompile(`(?s)^eval\.bonus_note (.*) \+(\d+\.\d\d) \(#(\d+)\)$`)
	oldAward       = regexp.MustCompile(`(?s)^application (\d+): ` + oldMoney + `(?: (.*))?$`)
	oldRemoved     = regexp.MustCompile(`(?s)^(unfunded\.[a-z_]+)(?: (.*))?$`)
	oldUnfunded    = regexp.MustCompile(`^unfunded\.[a-z_]+$`)
	oldVersion     = regexp.MustCompile(`^version (\d+)$`)
	oldVersionWhy  = regexp.MustCompile(`(?s)^version (\d+): (.*)$`)
	oldOnTime      = regexp.MustCompile(`^portion (\d+): ` + oldMoney + ` on ` + oldDate + `, on time$`)
	oldLate        = regexp.MustCompile(`^portion (\d+): ` + oldMoney + ` on ` + oldDate + `, late \(due ` + oldDate + `\)$`)
	oldEvalRound   = regexp.MustCompile(`^eval\.round\.([a-z_]+)$`)
	oldEvalGrade   = regexp.MustCompile(`^eval\.grade\.([a-z_]+)$`)
	oldEvalTotal   = regexp.MustCompile(`^eval\.grade\.([a-z_]+) (-?\d+\.\d\d)$`)
	oldMonth       = regexp.MustCompile(`^\d{4}-\d{2}$`)
	oldDay         = regexp.MustCompile(`^` + oldDate + `$`)
	oldExtended    = regexp.MustCompile(`(?s)^` + oldDate + ` (.*)$`)
	oldAmendment   = regexp.MustCompile(`^amendment (\d+)$`)
	oldPortion     = regexp.MustCompile(`^portion (\d+)$`)
	oldLevel       = regexp.MustCompile(`^level (\d+)$`)
	oldRound       = regexp.MustCompile(`^round (\d+)$`)
	oldRerouted    = regexp.MustCompile(`(?s)^` + oldRoute + ` → ` + oldRoute + `(?: \((.*?)\))?: (.*)$`)
	oldReopened    = regexp.MustCompile(`^` + oldRoute + ` → ` + oldRoute + `$`)
	oldRating      = regexp.MustCompile(`^([1-5])/5$`)
)

// fen reads an amount as Money.Format wrote it, as fen.
func fen(s string) string {
	m, r := gongzhi.ParseMoney(s)
	if r != "" {
		return ""
	}
	return gongzhi.NoteOf("", m).Args[0]
}

// hundredths reads points as Points.String wrote them, as hundredths.
func hundredths(s string) string {
	p, r := gongzhi.ParsePoints(strings.TrimPrefix(s, "-"))
	if r != "" {
		return ""
	}
	if strings.HasPrefix(s, "-") {
		p = -p
	}
	return gongzhi.NoteOf("", p).Args[0]
}

// legacy keeps a sentence the migration cannot read.
func legacy(s string) gongzhi.Note { return gongzhi.NoteOf("legacy", s) }

// checked returns n if it is a valid note, and the sentence kept whole otherwise (an amount too
// large to read, a date that is no date).
func checked(n gongzhi.Note, s string) gongzhi.Note {
	if n.Check() != nil {
		return legacy(s)
	}
	return n
}

// oldHistoryNote reads a note of purchase_history by the record and the move of its line, and
// returns the application an award's line named.
func oldHistoryNote(entity, from, to, s string) (gongzhi.Note, int64) {
	var app int64
	n := func() gongzhi.Note {
		switch entity {
		case "need":
			if slices.Contains(gongzhi.NeedSources, s) {
				return gongzhi.NoteOf("need_source", s)
			}
		case "budget":
			if s == "amount" {
				return gongzhi.NoteOf("budget_amount")
			}
			if to == "created" && fen(s) != "" {
				return gongzhi.NoteOf("amount", fen(s))
			}
		case "call":
			if m := oldReserved.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("reserved", fen(m[1]))
			}
			if m := oldReview.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("review_started", m[1], m[2])
			}
			if m := oldPublished.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("published", m[1], fen(m[2]), m[3])
			}
			if m := oldFinal.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("final", m[1])
			}
			if to == gongzhi.CallCancelled {
				return gongzhi.TextNote(s)
			}
		case "panel":
			if m := oldDrawn.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("drawn", m[1], m[2], m[3])
			}
			if s == "pool exhausted: no replacement" {
				return gongzhi.NoteOf("pool_exhausted")
			}
		case "panel_member":
			if m := oldReplacement.FindStringSubmatch(s); m != nil && to == gongzhi.PanelSelected {
				return gongzhi.NoteOf("replacement", m[1])
			}
			if m := oldExcluded.FindStringSubmatch(s); m != nil && to == gongzhi.PanelExcluded {
				return gongzhi.NoteOf("panel_excluded", m[1], m[2])
			}
		case "score":
			if m := oldScore.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("score_for", m[1])
			}
		case "ranking":
			if m := oldRanked.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("ranked", m[1], m[2])
			}
			if m := oldBonus.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("eval_bonus", m[1], hundredths(m[2]), m[3])
			}
		case "award":
			switch to {
			case gongzhi.AwardProposed:
				if m := oldAward.FindStringSubmatch(s); m != nil {
					app, _ = strconv.ParseInt(m[1], 10, 64)
					return gongzhi.NoteOf("award_amount", m[1], fen(m[2]), strings.TrimSpace(m[3]))
				}
			case "removed":
				if m := oldRemoved.FindStringSubmatch(s); m != nil {
					return gongzhi.NoteOf("award_removed", m[1], strings.TrimSpace(m[2]))
				}
			case gongzhi.AwardPublished:
				if fen(s) != "" {
					return gongzhi.NoteOf("amount", fen(s))
				}
			case gongzhi.AwardOverturned:
				return gongzhi.TextNote(s)
			}
		case "application":
			if to == gongzhi.AppNotFunded && oldUnfunded.MatchString(s) {
				return gongzhi.NoteOf("unfunded", s)
			}
			// a withdrawal's, a preliminary review's or a cancelled call's reason
			if to == gongzhi.AppWithdrawn || to == gongzhi.AppRejected || to == gongzhi.AppEligible || to == gongzhi.AppNotFunded {
				return gongzhi.TextNote(s)
			}
		case "objection":
			switch s {
			case "upheld":
				return gongzhi.NoteOf("upheld")
			case "not upheld":
				return gongzhi.NoteOf("not_upheld")
			case "upheld, award overturned":
				return gongzhi.NoteOf("overturned")
			}
		case "contract":
			if fen(s) != "" {
				return gongzhi.NoteOf("amount", fen(s))
			}
		case "contract_version":
			if m := oldVersion.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("version", m[1])
			}
			if m := oldVersionWhy.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("version_reason", m[1], m[2])
			}
		case "payment":
			if m := oldOnTime.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("paid_on_time", m[1], fen(m[2]), m[3])
			}
			if m := oldLate.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("paid_late", m[1], fen(m[2]), m[3], m[4])
			}
		case "evaluation":
			if m := oldEvalRound.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("eval_round", m[1])
			}
			if m := oldEvalGrade.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("eval_grade", m[1])
			}
			if m := oldEvalTotal.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("eval_grade_total", m[1], hundredths(m[2]))
			}
		case "inspection", "supervision_report":
			if oldMonth.MatchString(s) {
				return gongzhi.NoteOf("month", s)
			}
		case "rectification":
			switch {
			case to == "escalated" && oldDay.MatchString(s):
				return gongzhi.NoteOf("rect_missed", s)
			case to == "extended":
				if m := oldExtended.FindStringSubmatch(s); m != nil {
					return gongzhi.NoteOf("rect_extended", m[1], m[2])
				}
			case from == "" && oldDay.MatchString(s):
				return gongzhi.NoteOf("rect_deadline", s)
			case from != "": // the verification's note or the reason for reopening
				return gongzhi.TextNote(s)
			}
		case "meeting_action":
			if from == "" && oldDay.MatchString(s) {
				return gongzhi.NoteOf("action_deadline", s)
			}
			if from != "" { // what was done
				return gongzhi.TextNote(s)
			}
		}
		return legacy(s)
	}()
	n = checked(n, s)
	if n.Code != "award_amount" {
		app = 0
	}
	return n, app
}

// oldLedgerNote reads a note of budget_ledger.
func oldLedgerNote(s string) gongzhi.Note {
	switch s {
	case "call opened":
		return gongzhi.NoteOf("call_opened")
	case "call cancelled":
		return gongzhi.NoteOf("call_cancelled")
	case "awarded less than the call's amount":
		return gongzhi.NoteOf("released_rest")
	case "award overturned":
		return gongzhi.NoteOf("award_overturned")
	}
	if m := oldAmendment.FindStringSubmatch(s); m != nil {
		return checked(gongzhi.NoteOf("amendment", m[1]), s)
	}
	if m := oldPortion.FindStringSubmatch(s); m != nil {
		return checked(gongzhi.NoteOf("portion", m[1]), s)
	}
	return legacy(s)
}

// oldComplaintNote reads a note of complaint_history by the line's action.
func oldComplaintNote(action, s string) gongzhi.Note {
	n := func() gongzhi.Note {
		switch action {
		case "submitted":
			if slices.Contains(gongzhi.ComplaintRoutes, s) {
				return gongzhi.NoteOf("route", s)
			}
		case "escalated":
			if m := oldLevel.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("escalation", m[1])
			}
		case "revealed":
			if s == "contact" {
				return gongzhi.NoteOf("contact")
			}
		case "answered":
			if m := oldRound.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("answer_round", m[1])
			}
		case "routed":
			if m := oldRerouted.FindStringSubmatch(s); m != nil {
				if m[3] != "" {
					return gongzhi.NoteOf("rerouted_org", m[1], m[2], m[3], m[4])
				}
				return gongzhi.NoteOf("rerouted", m[1], m[2], m[4])
			}
		case "rated":
			if m := oldRating.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("rating", m[1])
			}
		case "reopened":
			if m := oldReopened.FindStringSubmatch(s); m != nil {
				return gongzhi.NoteOf("route_change", m[1], m[2])
			}
		}
		return legacy(s)
	}()
	return checked(n, s)
}
