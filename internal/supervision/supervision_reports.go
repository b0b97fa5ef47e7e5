// The monthly supervision report (督导月报) of a street: figures aggregated from the month's
// inspections, findings, rectification orders, talks and meetings, stored as a snapshot when
// generated, with a narrative written from those figures. It can be regenerated and its
// narrative edited until it is published; published reports are public and must hold no
// personal data.

package supervision

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/kernel"
	"gongzhi/internal/store"
)

// checkNames are the checklist items' names in the report's narrative (written in Chinese,
// the language of the street's public documents).
var checkNames = map[string]string{
	"ledger_true": "台账完整真实", "recipients_match": "服务对象与人口数据相符", "evidence_complete": "活动照片/签到表齐全",
	"staffing": "人员配置到位", "funds_compliant": "经费使用合规", "on_plan": "按计划推进", "satisfaction": "服务对象满意",
	"safety": "安全管理",
}

var severityNames = map[string]string{gongzhi.SeverityMinor: "一般", gongzhi.SeverityMajor: "较重", gongzhi.SeveritySerious: "严重"}

// reportPlace is the place a caller's reports are about: its own place (a street, or a district, city or province).
func reportPlace(ac *gongzhi.Actor) (string, error) {
	if actorPlace(ac) == "" {
		return "", gongzhi.Invalid("place_code", "required")
	}
	return actorPlace(ac), nil
}

// actorPlace is the place the caller acts for: its scope's place (a token limited to a place
// narrows it), else its account's.
func actorPlace(ac *gongzhi.Actor) string {
	if ac.ScopeCode != "" {
		return ac.ScopeCode
	}
	return ac.User.PlaceCode
}

// reportFigures aggregates the month's supervision records within prefix.
func (a *Service) reportFigures(ctx context.Context, q *store.Q, prefix, month string) (gongzhi.ReportFigures, error) {
	f := gongzhi.ReportFigures{FindingsByCheck: map[string]int{}, FindingsBySeverity: map[string]int{}}
	s := store.Scope{Prefix: prefix}
	today := a.Today()
	lines := map[int64]*gongzhi.ReportLine{}
	var order []int64
	progress := 0
	if _, err := q.ListInspections(ctx, s, store.ListOptions{Filters: map[string]string{"month": month}}, func(in *gongzhi.Inspection) error {
		f.InspectionsDue++
		l := &gongzhi.ReportLine{ContractTitle: in.ContractTitle, ProviderName: in.ProviderName, State: in.State}
		if in.State == gongzhi.InspectionDone {
			f.InspectionsDone++
			progress += in.ProgressPct
			l.ProgressPct = in.ProgressPct
		} else if in.DueOn < today {
			f.InspectionsOverdue++
		}
		for _, c := range in.Checklist {
			if c.Result == gongzhi.CheckFinding {
				f.Findings++
				l.Findings++
				f.FindingsByCheck[c.Key]++
				f.FindingsBySeverity[c.Severity]++
			}
		}
		lines[in.ContractID] = l
		order = append(order, in.ContractID)
		return nil
	}); err != nil {
		return f, err
	}
	f.Contracts = len(order)
	if f.InspectionsDone > 0 {
		f.AvgProgressPct = progress / f.InspectionsDone
	}
	if _, err := q.ListRectifications(ctx, s, store.ListOptions{Filters: map[string]string{"month": month}}, func(x *gongzhi.Rectification) error {
		f.RectRaised++
		switch {
		case x.State == gongzhi.RectClosed:
			f.RectClosed++
		default:
			f.RectOpen++
			if l := lines[x.ContractID]; l != nil {
				l.RectOpen++
			}
		}
		if x.Escalated {
			f.RectEscalated++
		}
		return nil
	}); err != nil {
		return f, err
	}
	var err error
	if f.Talks, err = q.ListTalks(ctx, s, store.ListOptions{Filters: map[string]string{"month": month}}, func(*gongzhi.Talk) error { return nil }); err != nil {
		return f, err
	}
	if f.Meetings, err = q.ListMeetings(ctx, s, store.ListOptions{Filters: map[string]string{"month": month}}, func(*gongzhi.Meeting) error { return nil }); err != nil {
		return f, err
	}
	if _, err := q.ListMeetingActions(ctx, s, store.ListOptions{Filters: map[string]string{"month": month}}, func(x *gongzhi.MeetingAction) error {
		f.ActionsDue++
		if x.State == gongzhi.ActionDone {
			f.ActionsDone++
		} else if x.Deadline < today {
			f.ActionsOverdue++
		}
		return nil
	}); err != nil {
		return f, err
	}
	for _, id := range order {
		f.ByContract = append(f.ByContract, *lines[id])
	}
	return f, nil
}

// reportBody writes the narrative from the figures alone: no person is ever named.
func reportBody(place, month string, f gongzhi.ReportFigures) string {
	var b strings.Builder
	y, m, _ := strings.Cut(month, "-")
	fmt.Fprintf(&b, "%s年%s月，%s对辖区内%d个在履行期的政府购买社会服务项目开展了月度督导，应督导%d次，已完成%d次", y, strings.TrimPrefix(m, "0"),
		place, f.Contracts, f.InspectionsDue, f.InspectionsDone)
	if f.InspectionsOverdue > 0 {
		fmt.Fprintf(&b, "，逾期未督导%d次", f.InspectionsOverdue)
	}
	b.WriteString("。")
	if f.InspectionsDone > 0 {
		fmt.Fprintf(&b, "已督导项目平均进度%d%%。", f.AvgProgressPct)
	}
	b.WriteString("\n\n")
	if f.Findings == 0 {
		b.WriteString("本月督导未发现问题。")
	} else {
		fmt.Fprintf(&b, "本月督导共发现问题%d项", f.Findings)
		var keys []string
		for k := range f.FindingsByCheck {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if f.FindingsByCheck[keys[i]] != f.FindingsByCheck[keys[j]] {
				return f.FindingsByCheck[keys[i]] > f.FindingsByCheck[keys[j]]
			}
			return keys[i] < keys[j]
		})
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s%d项", checkNames[k], f.FindingsByCheck[k]))
		}
		b.WriteString("，其中" + strings.Join(parts, "、"))
		var sev []string
		for _, s := range gongzhi.Severities {
			if n := f.FindingsBySeverity[s]; n > 0 {
				sev = append(sev, fmt.Sprintf("%s%d项", severityNames[s], n))
			}
		}
		if len(sev) > 0 {
			b.WriteString("；按严重程度分，" + strings.Join(sev, "、"))
		}
		b.WriteString("。")
	}
	fmt.Fprintf(&b, "\n\n本月下达整改通知%d份，已验收销号%d份，尚未完成%d份", f.RectRaised, f.RectClosed, f.RectOpen)
	if f.RectEscalated > 0 {
		fmt.Fprintf(&b, "，其中逾期未整改并已报街道办事处%d份", f.RectEscalated)
	}
	b.WriteString("。")
	if f.Talks > 0 {
		fmt.Fprintf(&b, "开展约谈%d次。", f.Talks)
	}
	if f.Meetings > 0 {
		fmt.Fprintf(&b, "\n\n召开联席会议%d次，形成待办事项%d项，已办结%d项", f.Meetings, f.ActionsDue, f.ActionsDone)
		if f.ActionsOverdue > 0 {
			fmt.Fprintf(&b, "，逾期%d项", f.ActionsOverdue)
		}
		b.WriteString("。")
	}
	b.WriteString("\n\n下一步，枢纽将继续按月督导，跟踪整改落实情况，督促各项目按计划推进。")
	return b.String()
}

// GenerateSupervisionReport generates (or regenerates) the caller's place's report for month
// from the month's records: the figures snapshot and a fresh narrative. The hub or the
// purchaser. EINVALID month; ECONFLICT state (report.published) once published.
func (a *Service) GenerateSupervisionReport(ctx context.Context, ac *gongzhi.Actor, month string) (*gongzhi.SupervisionReport, error) {
	if err := kernel.Allow(ac, MayInspect(ac)); err != nil {
		return nil, err
	}
	if _, ok := gongzhi.ParseMonth(month); !ok {
		return nil, gongzhi.Invalid("month", "month.format")
	}
	place, err := reportPlace(ac)
	if err != nil {
		return nil, err
	}
	if _, err := a.EnsureInspections(ctx, ac, month); err != nil {
		return nil, err
	}
	var id int64
	err = a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		prefix, _, err := kernel.PlacePrefix(ctx, q, place)
		if err != nil {
			return err
		}
		p, err := q.GetPlace(ctx, store.Scope{}, place)
		if err != nil {
			return err
		}
		r := &gongzhi.SupervisionReport{PlaceCode: place, Month: month}
		if r.Figures, err = a.reportFigures(ctx, q, prefix, month); err != nil {
			return err
		}
		y, m, _ := strings.Cut(month, "-")
		r.Title = fmt.Sprintf("%s%s年%s月政府购买社会服务项目督导月报", p.Name, y, strings.TrimPrefix(m, "0"))
		r.Body = reportBody(p.Name, month, r.Figures)
		r.GeneratedAt, r.GeneratedBy = a.NowUTC(), kernel.ActorName(ac)
		// the first of any number of concurrent calls adds the report; the others regenerate it
		// under its lock, read after the lock: never one published meanwhile
		created, err := q.AddSupervisionReport(ctx, r)
		if err != nil {
			return err
		}
		id = r.ID
		if created {
			if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "supervision_report", EntityID: r.ID, To: gongzhi.ReportDraft, Note: gongzhi.NoteOf("month", month)}); err != nil {
				return err
			}
			return a.WriteAudit(ctx, q, ac, "create", ResSupReports, kernel.Id10(r.ID), nil, r, "")
		}
		old, err := q.FindSupervisionReport(ctx, place, month)
		if err != nil {
			return err
		}
		if err := q.LockRow(ctx, "supervision_reports", old.ID); err != nil {
			return err
		}
		if old, err = q.FindSupervisionReport(ctx, place, month); err != nil {
			return err
		}
		if old.State == gongzhi.ReportPublished {
			return gongzhi.Refused("state", "report.published")
		}
		id, r.ID, r.State = old.ID, old.ID, old.State
		if err := q.SaveSupervisionReport(ctx, r); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResSupReports, kernel.Id10(r.ID), old, r, "regenerated")
	})
	if err != nil {
		return nil, err
	}
	return a.SupervisionReport(ctx, ac, id)
}

// SupervisionReport returns a report within the caller's place (staff only; a provider gets
// ENOTFOUND: it reads published reports on the public pages).
func (a *Service) SupervisionReport(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.SupervisionReport, error) {
	if err := kernel.Allow(ac, MayOversee(ac)); err != nil {
		return nil, err
	}
	return a.DB.Q().GetSupervisionReport(ctx, kernel.PlaceScope(ac), id)
}

// SupervisionReportFor returns the caller's place's report of month, ENOTFOUND if none was
// generated.
func (a *Service) SupervisionReportFor(ctx context.Context, ac *gongzhi.Actor, month string) (*gongzhi.SupervisionReport, error) {
	if err := kernel.Allow(ac, MayOversee(ac)); err != nil {
		return nil, err
	}
	place, err := reportPlace(ac)
	if err != nil {
		return nil, err
	}
	return a.DB.Q().FindSupervisionReport(ctx, place, month)
}

// SupervisionReports lists reports within the caller's place. Filters: state, month.
func (a *Service) SupervisionReports(ctx context.Context, ac *gongzhi.Actor, opts store.ListOptions, each func(*gongzhi.SupervisionReport) error) (int, error) {
	if err := kernel.Allow(ac, MayOversee(ac)); err != nil {
		return 0, err
	}
	return a.DB.Q().ListSupervisionReports(ctx, kernel.PlaceScope(ac), opts, each)
}

// EditSupervisionReport replaces a draft report's title and narrative. The hub or the
// purchaser within scope. ECONFLICT state (report.published) once published; EINVALID title or
// body.
func (a *Service) EditSupervisionReport(ctx context.Context, ac *gongzhi.Actor, id int64, title, body string) (*gongzhi.SupervisionReport, error) {
	if err := kernel.Allow(ac, MayInspect(ac)); err != nil {
		return nil, err
	}
	f := gongzhi.FieldErrors{}
	var r string
	if title, r = gongzhi.CheckText(title, 200, true); r != "" {
		f.Add("title", r)
	}
	if body, r = gongzhi.CheckText(body, 20000, true); r != "" {
		f.Add("body", r)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		rep, err := a.lockReport(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if rep.State == gongzhi.ReportPublished {
			return gongzhi.Refused("state", "report.published")
		}
		before := *rep
		rep.Title, rep.Body = title, body
		if err := q.SaveSupervisionReport(ctx, rep); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "update", ResSupReports, kernel.Id10(id), before, rep, "edited")
	})
	if err != nil {
		return nil, err
	}
	return a.SupervisionReport(ctx, ac, id)
}

func (a *Service) lockReport(ctx context.Context, q *store.Q, ac *gongzhi.Actor, id int64) (*gongzhi.SupervisionReport, error) {
	if _, err := q.GetSupervisionReport(ctx, kernel.PlaceScope(ac), id); err != nil {
		return nil, err
	}
	if err := q.LockRow(ctx, "supervision_reports", id); err != nil {
		return nil, err
	}
	return q.GetSupervisionReport(ctx, kernel.PlaceScope(ac), id)
}

// reportNames are the names of people who appear in the month's supervision records of a
// place: talk and meeting attendees, named owners of action items, the project teams of the
// contracts inspected, and the contact people and registered staff of their organizations. A published report must name none of them.
func (a *Service) reportNames(ctx context.Context, q *store.Q, prefix, month string) ([]string, error) {
	var names []string
	s := store.Scope{Prefix: prefix}
	f := map[string]string{"month": month}
	orgs := map[int64]bool{}
	if _, err := q.ListTalks(ctx, s, store.ListOptions{Filters: f}, func(t *gongzhi.Talk) error {
		for _, x := range t.Attendees {
			names = append(names, x.Name)
		}
		orgs[t.OrgID] = true
		return nil
	}); err != nil {
		return nil, err
	}
	if _, err := q.ListMeetings(ctx, s, store.ListOptions{Filters: f}, func(m *gongzhi.Meeting) error {
		for _, x := range m.Attendees {
			names = append(names, x.Name)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if _, err := q.ListMeetingActions(ctx, s, store.ListOptions{Filters: f}, func(x *gongzhi.MeetingAction) error {
		names = append(names, x.OwnerName)
		return nil
	}); err != nil {
		return nil, err
	}
	contracts := map[int64]bool{}
	if _, err := q.ListInspections(ctx, s, store.ListOptions{Filters: f}, func(in *gongzhi.Inspection) error {
		orgs[in.OrgID], contracts[in.ContractID] = true, true
		return nil
	}); err != nil {
		return nil, err
	}
	// the project teams named in the contracts' applications
	for id := range contracts {
		ct, err := q.GetContract(ctx, store.Scope{}, id)
		if err != nil {
			return nil, err
		}
		ap, err := q.GetApplication(ctx, store.Scope{}, ct.ApplicationID)
		if err != nil {
			return nil, err
		}
		for _, m := range ap.Team {
			names = append(names, m.Name)
		}
	}
	// the organizations' contact people and the people of the registry who work for them
	for id := range orgs {
		o, err := q.GetOrganization(ctx, store.Scope{}, id)
		if err != nil {
			return nil, err
		}
		names = append(names, o.ContactName)
		if _, err := q.ListPeople(ctx, store.Scope{}, store.ListOptions{Filters: map[string]string{"org": kernel.Id10(id)}},
			func(p *gongzhi.Person) error { names = append(names, p.Name); return nil }); err != nil {
			return nil, err
		}
	}
	more, err := a.supervisionExtraNames(ctx, q, prefix, month)
	return append(names, more...), err
}

// supervisionExtraNames are the names kept by the other parts: the people of the registry who
// took part in the month's ledger entries at the place, and the contact names (opened from
// their seal) of the complaints submitted about its communities that month.
func (a *Service) supervisionExtraNames(ctx context.Context, q *store.Q, prefix, month string) ([]string, error) {
	start, err := time.ParseInLocation("2006-01", month, gongzhi.ChinaTime)
	if err != nil {
		return nil, gongzhi.Invalid("month", "ledger.month_format")
	}
	end := start.AddDate(0, 1, 0)
	names, err := q.LedgerParticipantNames(ctx, prefix, start.Format(time.DateOnly), end.AddDate(0, 0, -1).Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	sealed, err := q.ComplaintNamesSealed(ctx, prefix, start, end)
	if err != nil {
		return nil, err
	}
	for _, enc := range sealed {
		name, err := a.Box.Open(enc, "complaints.contact_name")
		if err != nil {
			return nil, err
		}
		if name != "" {
			names = append(names, name)
		}
	}
	return names, nil
}

// reportText is everything a published report shows.
func reportText(r *gongzhi.SupervisionReport) string {
	var b strings.Builder
	b.WriteString(r.Title + "\n" + r.Body + "\n")
	for _, l := range r.Figures.ByContract {
		b.WriteString(l.ContractTitle + "\n" + l.ProviderName + "\n")
	}
	return b.String()
}

// PublishSupervisionReport publishes a draft report on the public pages. The hub or the
// purchaser within scope. Refuses (ECONFLICT) a report already published (state:
// report.already_published) and one whose text holds personal data (body: the first reason of
// gongzhi.FindPersonalData — an ID number, a phone number, or the name of a person in the
// month's records).
func (a *Service) PublishSupervisionReport(ctx context.Context, ac *gongzhi.Actor, id int64) (*gongzhi.SupervisionReport, error) {
	if err := kernel.Allow(ac, MayInspect(ac)); err != nil {
		return nil, err
	}
	err := a.DB.Transact(ctx, func(ctx context.Context, q *store.Q) error {
		rep, err := a.lockReport(ctx, q, ac, id)
		if err != nil {
			return err
		}
		if rep.State == gongzhi.ReportPublished {
			return gongzhi.Refused("state", "report.already_published")
		}
		prefix, _, err := kernel.PlacePrefix(ctx, q, rep.PlaceCode)
		if err != nil {
			return err
		}
		names, err := a.reportNames(ctx, q, prefix, rep.Month)
		if err != nil {
			return err
		}
		if found := gongzhi.FindPersonalData(reportText(rep), names...); len(found) > 0 {
			return gongzhi.Refused("body", found[0])
		}
		rep.State, rep.PublishedAt, rep.PublishedBy = gongzhi.ReportPublished, a.NowUTC(), kernel.ActorName(ac)
		if err := q.SaveSupervisionReport(ctx, rep); err != nil {
			return err
		}
		if err := a.Change(ctx, q, ac, gongzhi.StateChange{Entity: "supervision_report", EntityID: id, From: gongzhi.ReportDraft,
			To: gongzhi.ReportPublished, Note: gongzhi.NoteOf("month", rep.Month)}); err != nil {
			return err
		}
		return a.WriteAudit(ctx, q, ac, "publish", ResSupReports, kernel.Id10(id), nil, map[string]any{"month": rep.Month}, "")
	})
	if err != nil {
		return nil, err
	}
	return a.SupervisionReport(ctx, ac, id)
}

// PublicSupervisionReports lists published reports for anyone, newest month first.
func (a *Service) PublicSupervisionReports(ctx context.Context, opts store.ListOptions, each func(*gongzhi.SupervisionReport) error) (int, error) {
	opts.Filters = withFilter(opts.Filters, "state", gongzhi.ReportPublished)
	return a.DB.Q().ListSupervisionReports(ctx, store.Scope{}, opts, each)
}

// PublicSupervisionReport returns a published report for anyone (ENOTFOUND for a draft).
func (a *Service) PublicSupervisionReport(ctx context.Context, id int64) (*gongzhi.SupervisionReport, error) {
	r, err := a.DB.Q().GetSupervisionReport(ctx, store.Scope{}, id)
	if err != nil {
		return nil, err
	}
	if r.State != gongzhi.ReportPublished {
		return nil, gongzhi.NotFound()
	}
	return r, nil
}
