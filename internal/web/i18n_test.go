package web

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// messageFS is a package's messages directory with the given files ("" leaves a file out).
func messageFS(zh, en string) fstest.MapFS {
	fsys := fstest.MapFS{}
	if zh != "" {
		fsys["messages/zh-CN.json"] = &fstest.MapFile{Data: []byte(zh)}
	}
	if en != "" {
		fsys["messages/en.json"] = &fstest.MapFile{Data: []byte(en)}
	}
	return fsys
}

func newTestCatalogue(t *testing.T, fsys ...fstest.MapFS) *messageCatalogue {
	t.Helper()
	c := &messageCatalogue{messages: map[string]*message{}}
	for i, f := range fsys {
		c.addFiles("internal/part"+string(rune('a'+i)), f)
	}
	return c
}

func TestMessageFilesProblems(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, zh, en string
		want         string // a part of the problem; "" for none
	}{
		{"good", `{"a.b": "甲 %s", "c": "%d 个", "d": "乙"}`,
			`{"a.b": "A %s", "c": {"one": "%d thing", "other": "%d things"}, "d": "B"}`, ""},
		{"one form without the count", `{"c": "%d 个电话"}`, `{"c": {"one": "a call", "other": "%d calls"}}`, ""},
		{"English with only other", `{"c": "%d 个"}`, `{"c": {"other": "%d of them"}}`, ""},
		{"missing in a language", `{"a": "甲", "b": "乙"}`, `{"a": "A"}`, `message "b" is missing in en`},
		{"missing in Chinese", `{"a": "甲"}`, `{"a": "A", "b": "B"}`, `message "b" is missing in zh-CN`},
		{"file does not parse", `{"a": "甲"}`, "{\n  \"a\": \"A\",\n}", "internal/parta/messages/en.json: line 3"},
		{"file is not an object", `{"a": "甲"}`, `["A"]`, "want an object of messages"},
		{"text after the object", `{"a": "甲"} {}`, `{"a": "A"}`, "text after the object"},
		{"file missing", `{"a": "甲"}`, "", "internal/parta/messages/en.json"},
		{"key twice in a file", `{"a": "甲", "a": "乙"}`, `{"a": "A"}`, `"a" is given twice`},
		{"empty text", `{"a": ""}`, `{"a": "A"}`, `message "a" is empty`},
		{"a number for a text", `{"a": 1}`, `{"a": "A"}`, "want a text or an object of plural forms"},
		{"%s counts differ", `{"a": "甲 %s"}`, `{"a": "A"}`, "1×%s and 0×%d in zh-CN, but 0×%s and 0×%d in en"},
		{"%s counts differ in a form", `{"c": "%d 个 %s"}`, `{"c": {"one": "%d call", "other": "%d calls %s"}}`, `in its form "one" in en`},
		{"%d counts differ", `{"c": "%d 个"}`, `{"c": {"one": "one", "other": "many"}}`, "but 0×%s and 0×%d in en"},
		{"a count without plural forms", `{"a": "%d 个"}`, `{"a": "%d things"}`, "%d stands for a count"},
		{"a plural form the language lacks", `{"c": {"one": "%d 个", "other": "%d 个"}}`, `{"c": {"one": "%d call", "other": "%d calls"}}`,
			`zh-CN has no plural form "one"`},
		{"plural forms without other", `{"c": "%d 个"}`, `{"c": {"one": "%d call"}}`, `plural forms need "other"`},
		{"a plural form twice", `{"c": "%d 个"}`, `{"c": {"one": "%d call", "one": "a call", "other": "%d calls"}}`, `"one" is given twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCatalogue(t, messageFS(tc.zh, tc.en))
			err := errors.Join(c.problems...)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("problems in good files: %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("no problem found, want %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("problem %q, want one with %q", err, tc.want)
			}
			if tc.want != "" && c.messages["b"] != nil && strings.Contains(tc.want, `"b"`) {
				t.Fatal("a message with a problem reached the catalogue")
			}
		})
	}
}

func TestMessageDefinedInTwoPackages(t *testing.T) {
	t.Parallel()
	c := newTestCatalogue(t,
		messageFS(`{"err.conflict": "当前不能执行此操作", "a": "甲"}`, `{"err.conflict": "This cannot be done now", "a": "A"}`),
		messageFS(`{"err.conflict": "操作未完成"}`, `{"err.conflict": "Not done"}`))
	err := errors.Join(c.problems...)
	if err == nil || !strings.Contains(err.Error(), `message "err.conflict" is defined in internal/parta/messages/zh-CN.json and in internal/partb/messages/zh-CN.json`) {
		t.Fatalf("problems: %v", err)
	}
	if got := c.t("zh-CN", "err.conflict"); got != "当前不能执行此操作" {
		t.Fatalf("the first definition should stay: %q", got)
	}
}

func TestTranslateWithArgumentsAndPlurals(t *testing.T) {
	t.Parallel()
	c := newTestCatalogue(t, messageFS(
		`{"todo.calls_open": "个项目征集正在接受申报", "review.incomplete": "还有 %d 份评分未完成", "note": "%s 的 %s：100%", "rate": "截至 %s：到期 %d 期，按时 %s 期"}`,
		`{"todo.calls_open": {"one": "call is taking applications", "other": "calls are taking applications"},
		  "review.incomplete": {"one": "%d score is missing", "other": "%d scores are missing"},
		  "note": "%s of %s: 100%", "rate": {"one": "as of %s: %d portion due, %s on time", "other": "as of %s: %d portions due, %s on time"}}`))
	if err := errors.Join(c.problems...); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ got, want string }{
		{c.tn("en", "todo.calls_open", 1), "call is taking applications"},
		{c.tn("en", "todo.calls_open", 3), "calls are taking applications"},
		{c.tn("en", "todo.calls_open", 0), "calls are taking applications"},
		{c.tn("zh-CN", "todo.calls_open", 1), "个项目征集正在接受申报"},
		{c.t("en", "todo.calls_open"), "calls are taking applications"},
		{c.t("en", "review.incomplete:1"), "1 score is missing"},
		{c.t("en", "review.incomplete:3"), "3 scores are missing"},
		{c.t("zh-CN", "review.incomplete:1"), "还有 1 份评分未完成"},
		{c.tn("en", "review.incomplete", 1), "1 score is missing"},
		{c.tn("en", "rate", 1, "2026-03-01", "1"), "as of 2026-03-01: 1 portion due, 1 on time"},
		{c.tn("en", "rate", 2, "2026-03-01", "1"), "as of 2026-03-01: 2 portions due, 1 on time"},
		{c.tn("zh-CN", "rate", 2, "2026-03-01", "1"), "截至 2026-03-01：到期 2 期，按时 1 期"},
		// the first %s only, as before; a literal % stays; an argument's own %s is not filled
		{c.t("en", "note:x"), "x of %s: 100%"},
		{c.tn("en", "note", 0, "%s", "B"), "%s of B: 100%"},
		{c.t("en", "no.such.key"), "no.such.key"},
		{c.tn("en", "no.such.key", 2), "no.such.key"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
