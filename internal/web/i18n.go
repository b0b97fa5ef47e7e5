// Messages in Chinese (the default) and English. Keys are stable identifiers used by templates,
// handlers and the domain's error reasons ("key" or "key:arg").
//
// The texts live in files, one per language, beside the code that uses them: the kit's in
// internal/web/messages, each capability's in its web package's messages directory (zh-CN.json
// and en.json). A file is one JSON object from key to text; a text about a number of things may
// instead give its plural forms, {"one": "…", "other": "…"}, where "%d" stands for the count
// (English uses "one" for exactly 1; Chinese has one form). "%s" is filled with the arguments in
// order. Each package adds its files from init (AddMessageFiles), so the catalogue is complete
// before main runs and T reads it without a lock. The README's "Messages" says how to add one.

package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Languages the UI speaks; the first is the default.
var Languages = []string{"zh-CN", "en"}

func langIndex(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}

// pluralCategories are the plural forms each language distinguishes besides "other", in the
// order of Languages: English says "1 call is" and "3 calls are"; Chinese has one form.
var pluralCategories = [][]string{{}, {"one"}}

// message is one key's text in every language, by the index of Languages.
type message struct {
	text    [2]forms
	counted bool   // some language gives plural forms: "%d" is the count
	source  string // the file that defines it, for error messages
}

// forms are a text's plural forms; a text that is not about a count has only other.
type forms struct {
	one, other string
	plural     bool // given as an object of plural forms
}

// pick chooses the form for n things in the language at index i.
func (m *message) pick(i, n int) string {
	f := m.text[i]
	if n == 1 && f.one != "" {
		return f.one
	}
	return f.other
}

// messageCatalogue is every message by key, and what is wrong with the files read into it.
type messageCatalogue struct {
	messages map[string]*message
	problems []error
}

// catalogue is the process's messages. It is written only by AddMessageFiles (and AddMessages)
// during package initialization and only read afterwards.
var catalogue = &messageCatalogue{messages: map[string]*message{}}

//go:embed messages
var kitMessages embed.FS

func init() { AddMessageFiles("internal/web", kitMessages) }

// T translates a message key into lang. "key:arg" fills the first %s in the message with arg,
// or, for a message with plural forms, is a count: "todo.calls_open:1" picks the form for one
// and fills %d. Unknown keys are shown as they are.
func T(lang, key string) string { return catalogue.t(lang, key) }

func (c *messageCatalogue) t(lang, key string) string {
	k, arg, hasArg := strings.Cut(key, ":")
	m, ok := c.messages[k]
	if !ok {
		m, ok = c.messages[key]
		if !ok {
			return key
		}
		hasArg = false
	}
	i := langIndex(lang)
	if !hasArg {
		return m.pick(i, 0)
	}
	if m.counted {
		n, err := strconv.Atoi(arg)
		if err != nil {
			n = 0
		}
		return fill(m.pick(i, n), arg, nil)
	}
	return fill(m.pick(i, 0), "", []string{arg})
}

// TN translates a message about n things: it picks the plural form for n ("1 call is taking
// applications", "3 calls are …"), fills %d with n and each %s with the next of args. A message
// without plural forms is filled the same way.
func TN(lang, key string, n int, args ...string) string { return catalogue.tn(lang, key, n, args...) }

func (c *messageCatalogue) tn(lang, key string, n int, args ...string) string {
	m, ok := c.messages[key]
	if !ok {
		return key
	}
	return fill(m.pick(langIndex(lang), n), strconv.Itoa(n), args)
}

// fill puts count in place of every %d and args in place of the %s, in one pass so that an
// argument's own text is never read as a placeholder. Missing arguments leave %s as it is.
func fill(s, count string, args []string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 || i == len(s)-1 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		switch s[i+1] {
		case 'd':
			if count != "" {
				b.WriteString(count)
			} else {
				b.WriteString("%d")
			}
			s = s[i+2:]
		case 's':
			if len(args) > 0 {
				b.WriteString(args[0])
				args = args[1:]
			} else {
				b.WriteString("%s")
			}
			s = s[i+2:]
		default:
			b.WriteByte('%')
			s = s[i+1:]
		}
	}
}

// requestLang picks the language: the "lang" cookie set by the language switch, else Chinese.
// API clients may ask for English with "Accept-Language: en".
func requestLang(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "en" || c.Value == "zh-CN") {
		return c.Value
	}
	if strings.HasPrefix(r.URL.Path, "/api/") && strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "en") {
		return "en"
	}
	return "zh-CN"
}

// AddMessageFiles adds a package's messages to the catalogue: fsys holds messages/zh-CN.json and
// messages/en.json, and dir names the package in the repository ("internal/purchase/purchaseweb")
// for error messages. Call it from the package's init, with the directory embedded:
//
//	//go:embed messages
//	var messageFiles embed.FS
//
//	func init() { web.AddMessageFiles("internal/purchase/purchaseweb", messageFiles) }
//
// A file that is missing or does not parse, a key defined twice (in one file or in two
// packages), a key missing in a language or arguments that differ between the languages are
// kept as problems: New refuses to start while there are any, and a test lists them.
func AddMessageFiles(dir string, fsys fs.FS) { catalogue.addFiles(dir, fsys) }

func (c *messageCatalogue) addFiles(dir string, fsys fs.FS) {
	ms, problems := readMessageFiles(dir, fsys)
	c.problems = append(c.problems, problems...)
	for _, k := range slices.Sorted(maps.Keys(ms)) {
		c.add(k, ms[k])
	}
}

// add adds one message; a key defined before is a problem, and the first definition stays.
func (c *messageCatalogue) add(k string, m *message) {
	if old, ok := c.messages[k]; ok {
		c.problems = append(c.problems, fmt.Errorf("message %q is defined in %s and in %s", k, old.source, m.source))
		return
	}
	c.messages[k] = m
}

// AddMessages adds messages written as Go maps (key → {Chinese, English}).
//
// Deprecated: messages live in files (AddMessageFiles); this is kept only so that a branch
// written before the move still builds. Its keys are reported by MessagesFromGo, and a test fails
// until they are moved into the package's messages files.
func AddMessages(ms ...map[string][2]string) {
	for _, more := range ms {
		for _, k := range slices.Sorted(maps.Keys(more)) {
			v := more[k]
			catalogue.add(k, &message{text: [2]forms{{other: v[0]}, {other: v[1]}}, source: goMapSource})
		}
	}
}

const goMapSource = "a Go map (AddMessages)"

// MessageProblems lists what is wrong with the message files: New refuses to start while there
// is anything.
func MessageProblems() []error { return slices.Clone(catalogue.problems) }

// MessagesFromGo lists the keys added with the deprecated AddMessages, sorted.
func MessagesFromGo() []string {
	var out []string
	for k, m := range catalogue.messages {
		if m.source == goMapSource {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// MessageKeys lists every key of the catalogue, sorted.
func MessageKeys() []string { return slices.Sorted(maps.Keys(catalogue.messages)) }

// MessagePrefixes returns the first parts of the catalogue's keys ("nav", "eval", "personal" …),
// sorted: tests use them to spot a key a page shows untranslated.
func MessagePrefixes() []string {
	seen := map[string]bool{}
	for k := range catalogue.messages {
		if p, _, ok := strings.Cut(k, "."); ok && p != "" {
			seen[p] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// readMessageFiles reads one package's messages, one file per language, and checks them against
// each other: every key in every language, the same arguments everywhere.
func readMessageFiles(dir string, fsys fs.FS) (map[string]*message, []error) {
	var problems []error
	texts := make([]map[string]forms, len(Languages))
	for i, lang := range Languages {
		name := "messages/" + lang + ".json"
		path := dir + "/" + name
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", path, err))
			continue
		}
		texts[i], err = parseMessageFile(data, lang)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", path, err))
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	out := map[string]*message{}
	for i, lang := range Languages {
		for k, f := range texts[i] {
			m := out[k]
			if m == nil {
				m = &message{source: dir + "/messages/" + lang + ".json"}
				out[k] = m
			}
			m.text[i] = f
			m.counted = m.counted || f.plural
		}
	}
	for _, k := range slices.Sorted(maps.Keys(out)) {
		if err := checkMessage(k, out[k], texts); err != nil {
			problems = append(problems, fmt.Errorf("%s/messages: %w", dir, err))
			delete(out, k)
		}
	}
	return out, problems
}

// checkMessage checks one key across the languages: present in each, every form with the same
// number of %s, every "other" form with the same number of %d (a "one" form may leave the count
// out: "a call is waiting"), and %d only where plural forms are given.
func checkMessage(k string, m *message, texts []map[string]forms) error {
	var errs []error
	type args struct{ s, d int }
	count := func(s string) args { return args{strings.Count(s, "%s"), strings.Count(s, "%d")} }
	var ref *args
	var refLang string
	for i, lang := range Languages {
		f, ok := texts[i][k]
		if !ok {
			errs = append(errs, fmt.Errorf("message %q is missing in %s", k, lang))
			continue
		}
		other := count(f.other)
		if ref == nil {
			ref, refLang = &other, lang
		} else if other != *ref {
			errs = append(errs, fmt.Errorf("message %q: %d×%%s and %d×%%d in %s, but %d×%%s and %d×%%d in %s", k, ref.s, ref.d, refLang, other.s, other.d, lang))
		}
		if one := count(f.one); f.one != "" && (one.s != ref.s || one.d != 0 && one.d != ref.d) {
			errs = append(errs, fmt.Errorf("message %q: %d×%%s and %d×%%d in %s, but %d×%%s and %d×%%d in its form \"one\" in %s", k, ref.s, ref.d, refLang, one.s, one.d, lang))
		}
		if !m.counted && other.d > 0 {
			errs = append(errs, fmt.Errorf("message %q in %s: %%d stands for a count, but no language gives plural forms", k, lang))
		}
	}
	return errors.Join(errs...)
}

// parseMessageFile reads one language's file: an object from key to a text or to an object of
// plural forms. Unlike encoding/json's maps, a key given twice is an error.
func parseMessageFile(data []byte, lang string) (map[string]forms, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	where := func() string { return "line " + strconv.Itoa(1+bytes.Count(data[:dec.InputOffset()], []byte("\n"))) }
	out := map[string]forms{}
	err := readObject(dec, where, func(key string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch v := tok.(type) {
		case string:
			if v == "" {
				return fmt.Errorf("%s: message %q is empty", where(), key)
			}
			out[key] = forms{other: v}
			return nil
		case json.Delim:
			if v != '{' {
				return fmt.Errorf("%s: message %q: want a text or an object of plural forms", where(), key)
			}
			got := map[string]string{}
			err := readFields(dec, where, func(form string) error {
				var s string
				if err := dec.Decode(&s); err != nil {
					return fmt.Errorf("%s: message %q: form %q: want a text", where(), key, form)
				}
				got[form] = s
				return nil
			})
			if err != nil {
				return err
			}
			return pluralForms(key, lang, got, out)
		}
		return fmt.Errorf("%s: message %q: want a text or an object of plural forms", where(), key)
	})
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("line %d: %w", 1+bytes.Count(data[:se.Offset], []byte("\n")), err)
		}
		return nil, err
	}
	return out, nil
}

// pluralForms checks an object of plural forms against the language's categories and records it.
func pluralForms(key, lang string, got map[string]string, out map[string]forms) error {
	if got["other"] == "" {
		return fmt.Errorf("message %q: plural forms need \"other\"", key)
	}
	if _, ok := got["one"]; ok && got["one"] == "" {
		return fmt.Errorf("message %q: the form \"one\" is empty", key)
	}
	cats := pluralCategories[langIndex(lang)]
	for form := range got {
		if form != "other" && !slices.Contains(cats, form) {
			return fmt.Errorf("message %q: %s has no plural form %q (it has %q)", key, lang, form, append(slices.Clone(cats), "other"))
		}
	}
	out[key] = forms{one: got["one"], other: got["other"], plural: true}
	return nil
}

// readObject reads a whole JSON document that is one object, calling each for every key; the
// value is for each to read. A key given twice is an error.
func readObject(dec *json.Decoder, where func() string, each func(key string) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%s: want an object of messages", where())
	}
	if err := readFields(dec, where, each); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%s: text after the object", where())
	}
	return nil
}

// readFields reads the rest of an object whose '{' has been read; a key given twice is an error.
func readFields(dec *json.Decoder, where func() string, each func(key string) error) error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		if seen[key] {
			return fmt.Errorf("%s: %q is given twice", where(), key)
		}
		seen[key] = true
		if err := each(key); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}
