// A check of the whole repository rather than of the domain: every package has exactly one
// package comment, so that `go doc` prints it alone.

package gongzhi

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestOnePackageComment parses the package clause of every .go file in the module. A file's
// comment directly above `package` is a package comment: each package must have exactly one,
// starting "Package NAME " ("Command NAME " for a command), in one of its non-test files; the
// other files keep their file comment apart with a blank line. A package made of test files
// only (external tests, the browser tests) has at most one.
func TestOnePackageComment(t *testing.T) {
	type pkg struct {
		hasSource     bool
		source, tests []string // files whose comment is a package comment
		wrongStart    []string
	}
	pkgs := map[string]*pkg{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		key := filepath.Dir(path) + " " + f.Name.Name
		p := pkgs[key]
		if p == nil {
			p = &pkg{}
			pkgs[key] = p
		}
		test := strings.HasSuffix(path, "_test.go")
		if !test {
			p.hasSource = true
		}
		if f.Doc == nil {
			return nil
		}
		if test {
			p.tests = append(p.tests, path)
		} else {
			p.source = append(p.source, path)
		}
		want := "Package " + f.Name.Name + " "
		if f.Name.Name == "main" {
			want = "Command " + filepath.Base(filepath.Dir(path)) + " "
		}
		if !strings.HasPrefix(f.Doc.Text(), want) {
			p.wrongStart = append(p.wrongStart, path+` (want "`+want+`…")`)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(pkgs))
	for k := range pkgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := pkgs[k]
		switch {
		case p.hasSource && len(p.source) != 1:
			t.Errorf("package %s: %d package comments in %v, want one: put a blank line between a file comment and `package`", k, len(p.source), p.source)
		case p.hasSource && len(p.tests) > 0:
			t.Errorf("package %s: test files %v carry a package comment: put a blank line between the file comment and `package`", k, p.tests)
		case !p.hasSource && len(p.tests) > 1:
			t.Errorf("test package %s: %d package comments in %v, want at most one", k, len(p.tests), p.tests)
		}
		for _, w := range p.wrongStart {
			t.Errorf("package %s: the package comment of %s", k, w)
		}
	}
	if len(pkgs) < 20 {
		t.Errorf("found only %d packages: is the test running at the module's root?", len(pkgs))
	}
}
