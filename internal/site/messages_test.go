package site_test

import (
	"errors"
	"gongzhi"
	"gongzhi/internal/app"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gongzhi/internal/site"
	"gongzhi/internal/web"
)

// The message files of the kit and of every part, as this binary loaded them: none may define a
// key twice (in one file or across packages), leave a key out of a language, fail to parse or give
// the languages different arguments. web.New refuses to start on any of these; this test names
// them all.
func TestMessageFiles(t *testing.T) {
	if err := errors.Join(web.MessageProblems()...); err != nil {
		t.Fatal(err)
	}
	if keys := web.MessagesFromGo(); len(keys) > 0 {
		t.Fatalf("messages added from Go maps with web.AddMessages: move them into the package's messages/zh-CN.json and messages/en.json (README, Messages): %s",
			strings.Join(keys, ", "))
	}
	if n := len(web.MessageKeys()); n < 2000 {
		t.Fatalf("only %d messages loaded", n)
	}
}

var (
	// {{t $lang "key"}}, {{t .Lang "key"}}, (t $.Lang "key"), {{tn $lang "key" .N}}
	templateKey = regexp.MustCompile(`\btn?\s+(?:\$\w*|\$?\.\w+)\s+"([^"]+)"`)
	// {{printf "%d" .N | printf "key:%s" | t $lang}}
	templatePrintfKey = regexp.MustCompile(`printf\s+"([^"%]+):%s"\s*\|\s*tn?\b`)
)

// Every key a template names literally is in the catalogue (the kit's templates and each part's).
func TestTemplateMessageKeysExist(t *testing.T) {
	dirs := map[string]fs.FS{"internal/web/templates": os.DirFS("../web/templates")}
	for _, p := range site.Parts(&app.App{}) {
		sub, err := fs.Sub(p.Templates, "templates")
		if err != nil {
			t.Fatal(err)
		}
		dirs[p.Dir+"/templates"] = sub
	}
	seen := 0
	for dir, fsys := range dirs {
		names, err := fs.Glob(fsys, "*.html")
		if err != nil || len(names) == 0 {
			t.Fatalf("%s: no templates (%v)", dir, err)
		}
		for _, name := range names {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
				keys = append(keys, m[1])
			}
			for _, m := range templatePrintfKey.FindAllStringSubmatch(string(b), -1) {
				keys = append(keys, m[1])
			}
			for _, k := range keys {
				seen++
				if !hasMessage(k) {
					t.Errorf("%s/%s: no message %q", dir, name, k)
				}
			}
		}
	}
	if seen < 1000 {
		t.Fatalf("found only %d message keys in the templates: is the pattern still right?", seen)
	}
}

// goKey is a literal key given whole to T, TN or OffTr: web.T(lang, "ledger.contract").
var goKey = regexp.MustCompile(`\b(?:T|TN|OffTr)\(\s*\w+,\s*"([a-z][a-z0-9_.]*[a-z0-9_])"\s*[,)]`)

// Every key the web code gives whole to T, TN or OffTr is in the catalogue.
func TestGoMessageKeysExist(t *testing.T) {
	files, err := filepath.Glob("../web/*.go")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("../*/*web/*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !hasMessage(m[1]) {
				t.Errorf("%s: no message %q", f, m[1])
			}
		}
	}
	if seen < 1000 {
		t.Fatalf("found only %d message keys in the web code: is the pattern still right?", seen)
	}
}

// hasMessage reports whether T knows key, "key:arg" included.
func hasMessage(key string) bool {
	if web.PpHas(key) {
		return true
	}
	k, _, ok := strings.Cut(key, ":")
	return ok && web.PpHas(k)
}

// English counts read as English: "1 call is", "3 calls are"; Chinese keeps its one form.
func TestMessagePlurals(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{web.TN("en", "todo.calls_open", 1), "call is taking applications"},
		{web.TN("en", "todo.calls_open", 3), "calls are taking applications"},
		{web.TN("zh-CN", "todo.calls_open", 1), "个项目征集正在接受申报"},
		{web.TN("zh-CN", "todo.calls_open", 3), "个项目征集正在接受申报"},
		{web.TN("en", "todo.failed_logins", 1), "failed sign-in in the last 24 hours"},
		{web.T("en", "notice.objections_open:1"), "1 objection is not yet answered"},
		{web.T("en", "notice.objections_open:3"), "3 objections are not yet answered"},
		{web.T("zh-CN", "notice.objections_open:3"), "还有 3 件异议未答复"},
		{web.T("en", "imported:1"), "1 record imported."},
		{web.T("en", "imported:12"), "12 records imported."},
		{web.TN("en", "unit.people", 1), "1 person"},
		{web.TN("zh-CN", "unit.people", 5), "5人"},
		{web.TN("en", "dash.cell_tip", 1, web.TN("en", "dash.cell_tip.needs", 2), web.TN("en", "dash.cell_tip.people", 1)),
			"1 contract in force, 2 needs (1 person)"},
		{web.TN("zh-CN", "dash.cell_tip", 1, web.TN("zh-CN", "dash.cell_tip.needs", 2), web.TN("zh-CN", "dash.cell_tip.people", 1)),
			"在执行合同 1 个，需求 2 条（涉及 1 人）"},
		{web.TN("en", "contract.rate_note", 1, "2026-03-01", "1", "0", "0"), "as of 2026-03-01: 1 portion due, 1 on time, 0 late, 0 unpaid"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	// every to-do and attention line about a count has its English forms
	for _, k := range web.MessageKeys() {
		if !strings.HasPrefix(k, "todo.") && !strings.HasPrefix(k, "attention.") && !strings.HasPrefix(k, "attn.") {
			continue
		}
		if one, other := web.TN("en", k, 1), web.TN("en", k, 2); one == other &&
			!slices.Contains([]string{"todo.title", "todo.none", "todo.stats", "todo.change_password", "todo.org_profile"}, k) {
			t.Errorf("%s: one form for 1 and 2 in English: %q", k, one)
		}
	}
}

// TestNotePlurals: a history note about a number of things reads right in English for one and
// for several.
func TestNotePlurals(t *testing.T) {
	for _, c := range []struct {
		lang string
		note gongzhi.Note
		want string
	}{
		{"en", gongzhi.Note{Code: "final", Args: []string{"1"}}, "1 award final"},
		{"en", gongzhi.Note{Code: "final", Args: []string{"3"}}, "3 awards final"},
		{"zh-CN", gongzhi.Note{Code: "final", Args: []string{"3"}}, "3 项资助确定"},
		{"en", gongzhi.Note{Code: "review_started", Args: []string{"1", "5"}}, "1 application to the experts, a panel of 5"},
		{"en", gongzhi.Note{Code: "review_started", Args: []string{"1200", "5"}}, "1,200 applications to the experts, a panel of 5"},
	} {
		if got := web.NoteText(c.lang, c.note); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.lang, c.note, got, c.want)
		}
	}
}
