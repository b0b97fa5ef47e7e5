package store_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
)

// TestMigrateNotes builds, on each database, a schema-4 database holding every note shape the
// services wrote before notes were data, migrates it, and checks that each sentence became its
// code and arguments (or, unreadable, the code "legacy" with the sentence kept whole), that award
// lines gained the application they named, and that the old columns are gone.
func TestMigrateNotes(t *testing.T) {
	ctx := context.Background()
	run := func(t *testing.T, dsn string) {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.MigrateTo(ctx, 4); err != nil {
			t.Fatal(err)
		}
		if v, err := db.SchemaVersion(ctx); err != nil || v != 4 {
			t.Fatalf("schema version %d, %v", v, err)
		}
		testMigrateNotes(t, db)
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "sqlite:"+filepath.Join(t.TempDir(), "old.db")) })
	t.Run("postgres", func(t *testing.T) { run(t, storetest.PostgresDSN(t)) })
}

type oldLine struct {
	entity, from, to, note string
	appID                  int64 // application_id as the old line stored it
	code                   string
	args                   []string
	wantApp                int64 // application_id after the migration
}

func testMigrateNotes(t *testing.T, db *store.DB) {
	ctx := context.Background()
	q := db.Q()
	now := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := q.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO places (code, name, level, updated_at) VALUES ('320116004000', '葛塘街道', 4, ?)`, now)
	exec(`INSERT INTO organizations (id, name, type, reg_state, origin, place_code, created_at, updated_at)
		VALUES (1, '启明社工', 'social_work', 'registered', 'local', '320116004000', ?, ?)`, now, now)
	exec(`INSERT INTO budgets (id, place_code, fiscal_year, level, fund, name, amount, created_at, updated_at)
		VALUES (1, '320116004000', 2026, 'street', 'fiscal', '公益创投', 30000000, ?, ?)`, now, now)
	exec(`INSERT INTO calls (id, place_code, kind, title, budget_id, amount, opens_at, closes_at, state, cancel_reason, created_at, updated_at)
		VALUES (1, '320116004000', 'venture', '公益创投', 1, 10000000, ?, ?, 'cancelled', '上级要求暂停', ?, ?)`, now, now, now, now)
	for _, id := range []int{12, 13} {
		exec(`INSERT INTO applications (id, call_id, org_id, title, created_at, updated_at) VALUES (?, 1, 1, '项目', ?, ?)`, id, now, now)
	}
	exec(`INSERT INTO awards (id, call_id, application_id, org_id, amount, state, note, overturn_reason, created_at, updated_at)
		VALUES (1, 1, 12, 1, 4500000, 'overturned', 'proposal', 'call cancelled', ?, ?)`, now, now)
	exec(`INSERT INTO awards (id, call_id, application_id, org_id, amount, state, note, overturn_reason, created_at, updated_at)
		VALUES (2, 1, 13, 1, 2000000, 'overturned', '压缩宣传费', '异议成立', ?, ?)`, now, now)
	exec(`INSERT INTO complaints (id, code, kind, community_code, subject, description, route, state, due_at, escalate_at, first_due_at,
		created_at, updated_at) VALUES (1, 'A1B2C3D4E5', 'complaint', '320116004000', '噪音', '活动太吵', 'office', 'open', ?, ?, ?, ?, ?)`,
		now, now, now, now, now)

	lines := []oldLine{
		{"need", "", "recorded", "household_visit", 0, "need_source", []string{"household_visit"}, 0},
		{"need", "", "recorded", "by phone", 0, "legacy", []string{"by phone"}, 0},
		{"budget", "", "created", "300,000.00", 0, "amount", []string{"30000000"}, 0},
		{"budget", "300,000.00", "350,000.00", "amount", 0, "budget_amount", []string{}, 0},
		{"call", "draft", "open", "reserved 100,000.00", 0, "reserved", []string{"10000000"}, 0},
		{"call", "open", "closed", "", 0, "", []string{}, 0},
		{"call", "closed", "reviewing", "3 eligible, panel of 5", 0, "review_started", []string{"3", "5"}, 0},
		{"call", "reviewing", "notice", "2 funded, 65,000.00, notice until 2026-12-08", 0, "published", []string{"2", "6500000", "2026-12-08"}, 0},
		{"call", "notice", "final", "2 awards final", 0, "final", []string{"2"}, 0},
		{"call", "notice", "cancelled", "version 2", 0, "text", []string{"version 2"}, 0}, // a person's words stay words
		{"call", "notice", "final", "reserved 1,2", 0, "legacy", []string{"reserved 1,2"}, 0},
		{"panel", "", "drawn", "seed -4242, pool 9, examined 6", 0, "drawn", []string{"-4242", "9", "6"}, 0},
		{"panel", "drawn", "drawn", "pool exhausted: no replacement", 0, "pool_exhausted", []string{}, 0},
		{"panel_member", "", "selected", "replacement, seq 7", 0, "replacement", []string{"7"}, 0},
		{"panel_member", "selected", "excluded", "removed: 出差，无法参加\n另请他人", 0, "panel_excluded", []string{"removed", "出差，无法参加\n另请他人"}, 0},
		{"score", "", "submitted", "application 12", 0, "score_for", []string{"12"}, 0},
		{"ranking", "", "ranked", "3 applications, rule trim_mean", 0, "ranked", []string{"3", "trim_mean"}, 0},
		{"ranking", "", "ranked", "eval.bonus_note 葛塘第2社会工作服务中心 +3.00 (#41)", 0, "eval_bonus", []string{"葛塘第2社会工作服务中心", "300", "41"}, 0},
		{"award", "", "proposed", "application 12: 45,000.00", 0, "award_amount", []string{"12", "4500000", ""}, 12},
		{"award", "proposed", "proposed", "application 13: 20,000.00 按小型档最低额资助", 0, "award_amount", []string{"13", "2000000", "按小型档最低额资助"}, 13},
		{"award", "", "proposed", "application 13: 20,000.00 ", 13, "award_amount", []string{"13", "2000000", ""}, 13},
		{"award", "proposed", "removed", "unfunded.decision 与街道重点工作不符", 0, "award_removed", []string{"unfunded.decision", "与街道重点工作不符"}, 0},
		{"award", "proposed", "removed", "unfunded.budget_exhausted ", 0, "award_removed", []string{"unfunded.budget_exhausted", ""}, 0},
		{"award", "proposed", "published", "45,000.00", 12, "amount", []string{"4500000"}, 12},
		{"award", "published", "overturned", "异议成立，撤销资助", 12, "text", []string{"异议成立，撤销资助"}, 12},
		{"application", "draft", "submitted", "", 12, "", []string{}, 12},
		{"application", "submitted", "withdrawn", "机构人员变动", 12, "text", []string{"机构人员变动"}, 12},
		{"application", "submitted", "rejected", "材料不全", 12, "text", []string{"材料不全"}, 12},
		{"application", "eligible", "not_funded", "unfunded.budget_exhausted", 13, "unfunded", []string{"unfunded.budget_exhausted"}, 13},
		{"application", "awarded", "not_funded", "上级要求暂停", 12, "text", []string{"上级要求暂停"}, 12},
		{"objection", "open", "answered", "upheld", 12, "upheld", []string{}, 12},
		{"objection", "open", "answered", "not upheld", 0, "not_upheld", []string{}, 0},
		{"objection", "open", "answered", "upheld, award overturned", 12, "overturned", []string{}, 12},
		{"contract", "", "draft", "45,000.00", 12, "amount", []string{"4500000"}, 12},
		{"contract", "draft", "signed", "1,234,567.89", 12, "amount", []string{"123456789"}, 12},
		{"contract_version", "", "pending", "version 2: 增加一次活动", 12, "version_reason", []string{"2", "增加一次活动"}, 12},
		{"contract_version", "pending", "purchaser_confirmed", "version 2", 12, "version", []string{"2"}, 12},
		{"payment", "", "paid", "portion 1: 25,000.00 on 2026-11-28, on time", 12, "paid_on_time", []string{"1", "2500000", "2026-11-28"}, 12},
		{"payment", "", "paid", "portion 2: 20,000.00 on 2027-03-02, late (due 2027-02-28)", 12, "paid_late", []string{"2", "2000000", "2027-03-02", "2027-02-28"}, 12},
		{"evaluation", "", "open", "eval.round.mid", 0, "eval_round", []string{"mid"}, 0},
		{"evaluation", "scoring", "finalized", "eval.grade.good 85.50", 0, "eval_grade_total", []string{"good", "8550"}, 0},
		{"evaluation", "finalized", "published", "eval.grade.excellent", 0, "eval_grade", []string{"excellent"}, 0},
		{"inspection", "pending", "done", "2026-12", 0, "month", []string{"2026-12"}, 0},
		{"supervision_report", "", "draft", "2026-12", 0, "month", []string{"2026-12"}, 0},
		{"rectification", "", "open", "2027-01-12", 0, "rect_deadline", []string{"2027-01-12"}, 0},
		{"rectification", "open", "escalated", "2027-01-12", 0, "rect_missed", []string{"2027-01-12"}, 0},
		{"rectification", "open", "extended", "2027-01-30 机构人员变动，同意延期", 0, "rect_extended", []string{"2027-01-30", "机构人员变动，同意延期"}, 0},
		{"rectification", "answered", "closed", "现场核查属实", 0, "text", []string{"现场核查属实"}, 0},
		{"rectification", "open", "extended", "2027-02-30 日期不对", 0, "legacy", []string{"2027-02-30 日期不对"}, 0},
		{"meeting_action", "", "open", "2027-01-15", 0, "action_deadline", []string{"2027-01-15"}, 0},
		{"meeting_action", "open", "done", "台账已完善", 0, "text", []string{"台账已完善"}, 0},
		{"something_new", "", "done", "a sentence nobody parses", 0, "legacy", []string{"a sentence nobody parses"}, 0},
	}
	for i, l := range lines {
		exec(`INSERT INTO purchase_history (at, call_id, application_id, entity, entity_id, from_state, to_state, username, note)
			VALUES (?, 1, ?, ?, ?, ?, ?, 'getang', ?)`, now.Add(time.Duration(i)*time.Second), nullable(l.appID), l.entity, i+1, l.from, l.to, l.note)
	}
	ledger := []struct {
		note, code string
		args       []string
	}{
		{"call opened", "call_opened", []string{}},
		{"call cancelled", "call_cancelled", []string{}},
		{"awarded less than the call's amount", "released_rest", []string{}},
		{"award overturned", "award_overturned", []string{}},
		{"amendment 2", "amendment", []string{"2"}},
		{"portion 1", "portion", []string{"1"}},
		{"", "", []string{}},
		{"moved by hand", "legacy", []string{"moved by hand"}},
	}
	for i, l := range ledger {
		exec(`INSERT INTO budget_ledger (budget_id, call_id, kind, amount, at, username, note) VALUES (1, 1, 'reserve', 100, ?, 'getang', ?)`,
			now.Add(time.Duration(i)*time.Second), l.note)
	}
	complaint := []struct {
		action, note, code string
		args               []string
	}{
		{"submitted", "office", "route", []string{"office"}},
		{"escalated", "level 1", "escalation", []string{"1"}},
		{"revealed", "contact", "contact", []string{}},
		{"answered", "round 2", "answer_round", []string{"2"}},
		{"routed", "office → provider (启明社工 (葛塘)): 属该项目服务内容", "rerouted_org", []string{"office", "provider", "启明社工 (葛塘)", "属该项目服务内容"}},
		{"routed", "provider → hub: 涉及两家机构", "rerouted", []string{"provider", "hub", "涉及两家机构"}},
		{"rated", "2/5", "rating", []string{"2"}},
		{"reopened", "hub → office", "route_change", []string{"hub", "office"}},
		{"closed", "", "", []string{}},
		{"rated", "6/5", "legacy", []string{"6/5"}},
	}
	for i, l := range complaint {
		exec(`INSERT INTO complaint_history (complaint_id, at, action, username, note) VALUES (1, ?, ?, 'hub', ?)`,
			now.Add(time.Duration(i)*time.Second), l.action, l.note)
	}

	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := db.SchemaVersion(ctx); err != nil || v != store.LatestVersion() {
		t.Fatalf("schema version %d, %v", v, err)
	}

	hist, err := q.ListStateChanges(ctx, store.HistoryFilter{CallID: 1})
	if err != nil || len(hist) != len(lines) {
		t.Fatalf("history: %d lines, %v", len(hist), err)
	}
	for i, l := range lines {
		h := hist[i]
		if h.Note.Code != l.code || !reflect.DeepEqual(h.Note.Args, l.args) || h.AppID != l.wantApp {
			t.Errorf("%s %s→%s %q: became %q %q (application %d), want %q %q (application %d)", l.entity, l.from, l.to, l.note,
				h.Note.Code, h.Note.Args, h.AppID, l.code, l.args, l.wantApp)
		}
		if err := h.Note.Check(); err != nil {
			t.Errorf("%q: %v", l.note, err)
		}
	}
	led, err := q.ListLedger(ctx, 1)
	if err != nil || len(led) != len(ledger) {
		t.Fatalf("ledger: %d entries, %v", len(led), err)
	}
	for i, l := range ledger {
		if led[i].Note.Code != l.code || !reflect.DeepEqual(led[i].Note.Args, l.args) {
			t.Errorf("ledger %q: became %q %q, want %q %q", l.note, led[i].Note.Code, led[i].Note.Args, l.code, l.args)
		}
	}
	ch, err := q.ComplaintHistory(ctx, 1)
	if err != nil || len(ch) != len(complaint) {
		t.Fatalf("complaint history: %d lines, %v", len(ch), err)
	}
	for i, l := range complaint {
		if ch[i].Note.Code != l.code || !reflect.DeepEqual(ch[i].Note.Args, l.args) {
			t.Errorf("complaint %s %q: became %q %q, want %q %q", l.action, l.note, ch[i].Note.Code, ch[i].Note.Args, l.code, l.args)
		}
	}
	for _, table := range []string{"purchase_history", "budget_ledger", "complaint_history"} {
		if _, err := q.Exec(ctx, `SELECT note FROM `+table); err == nil {
			t.Errorf("%s still has its note column", table)
		}
	}
	if w, err := q.AwardOf(ctx, 12); err != nil || w.OverturnReason != "上级要求暂停" || w.Note != "" {
		t.Errorf("award cancelled with its call: %+v %v", w, err)
	}
	if w, err := q.AwardOf(ctx, 13); err != nil || w.OverturnReason != "异议成立" || w.Note != "压缩宣传费" {
		t.Errorf("award overturned on an objection: %+v %v", w, err)
	}
}

func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
