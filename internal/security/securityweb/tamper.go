// The tamper alarms' page and API: what the public ledger's monitor found (the monitor_log job;
// docs/ledger.md, "Tamper alarms"), for the auditor, the audit administrator and the security
// administrator.

package securityweb

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"gongzhi/internal/security"
	"gongzhi/internal/web"
)

// tamperRow is a tamper alarm's line on the page; Record names a ledger record by its type's
// name (the ledger page's) and its index, the raw subject otherwise.
type tamperRow struct {
	*security.Alarm
	Kind, Reason, Record string
	Fields               []fieldDiff // the comparison, when it names fields (publog.Differ's form)
}

// fieldDiff is a field whose value on the ledger differs from the database's.
type fieldDiff struct{ Name, Ledger, Database string }

// differRe reads one field of publog.Differ's text: "name: ledger X, database Y".
var differRe = regexp.MustCompile(`^([a-z0-9_]+): ledger (.*), database (.*)$`)

// fieldsOf reads the fields of a comparison in publog.Differ's form; nil for any other text.
func fieldsOf(detail string) []fieldDiff {
	var out []fieldDiff
	for _, part := range strings.Split(detail, "; ") {
		m := differRe.FindStringSubmatch(part)
		if m == nil {
			return nil
		}
		out = append(out, fieldDiff{m[1], m[2], m[3]})
	}
	return out
}

// recordName is how the page names the subject of a tamper alarm: "付款 #10" for "#10
// payment.made".
func recordName(lang string, a *security.Alarm) string {
	idx, typ, ok := strings.Cut(a.Subject, " ")
	if a.Kind != security.AlarmLedgerRecord || !ok {
		return a.Subject
	}
	if name := web.T(lang, "publog.type."+typ); name != "publog.type."+typ {
		typ = name
	}
	return typ + " " + idx
}

type tamperView struct {
	web.ListView
	Alarms []tamperRow
}

func (s *Server) tamper(w http.ResponseWriter, r *http.Request) error {
	ac, lang := web.ActorOf(r), web.LangOf(r)
	opts, pg := web.ListOptions(r, "kind", "open")
	if web.IsAPIPath(r) {
		return web.WriteList(w, opts, pg, web.ListOf(r.Context(), ac, s.svc.TamperAlarms))
	}
	v := &tamperView{ListView: web.ListView{Action: "/tamper-alarms", Q: opts.Q, Note: web.T(lang, "tamper.intro")}}
	total, err := s.svc.TamperAlarms(r.Context(), ac, opts, func(a *security.Alarm) error {
		v.Alarms = append(v.Alarms, tamperRow{Alarm: a, Kind: web.T(lang, "alarms.kind."+a.Kind), Reason: web.T(lang, "alarms.reason."+a.Reason),
			Record: recordName(lang, a), Fields: fieldsOf(a.Detail)})
		return nil
	})
	if err != nil {
		return err
	}
	v.Total, v.Page = total, pg
	web.PageLinks(r, &v.ListView, nil, opts.Limit)
	kinds := []web.Option{{Value: "", Label: web.T(lang, "list.all")}}
	for _, k := range security.TamperKinds {
		kinds = append(kinds, web.Option{Value: k, Label: web.T(lang, "alarms.kind."+k)})
	}
	v.Filters = []web.Field{
		web.FilterSelect(r, "kind", web.T(lang, "alarms.col.kind"), kinds),
		web.FilterSelect(r, "open", web.T(lang, "alarms.col.state"), []web.Option{{Value: "", Label: web.T(lang, "list.all")},
			{Value: "1", Label: web.T(lang, "alarms.open")}}),
	}
	s.Render(w, r, http.StatusOK, "tamper", &web.Page{Title: web.T(lang, "nav.tamper_alarms"), Active: "/tamper-alarms", Data: v})
	return nil
}

// alarmDetail is what the security administrator's list says of an alarm: for a tamper alarm,
// what differs and how many checks found it.
func alarmDetail(lang string, a *security.Alarm) string {
	d := web.T(lang, "alarms.detail."+a.Kind+":"+strconv.Itoa(a.Count))
	if a.Reason != "" {
		d = web.T(lang, "alarms.reason."+a.Reason) + " · " + d
	}
	return d
}
