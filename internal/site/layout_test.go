package site_test

// The layout's dependency rules (README, Layout), checked on `go list` of the module: services
// build only on the ones below them; a capability's web package imports only the kit, the domain,
// its own service and the helpers; the kit imports no service; and no package holds more than a
// fifth of the module's code.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "gongzhi"

// serviceRank orders the service packages: each may import only those of a lower rank.
var serviceRank = map[string]int{
	"internal/kernel":      0,
	"internal/accounts":    1,
	"internal/security":    1,
	"internal/registry":    2,
	"internal/purchase":    3,
	"internal/ledger":      4,
	"internal/supervision": 5,
	"internal/complaints":  5,
	"internal/evaluation":  5,
	"internal/vouchers":    5,
	"internal/votes":       5,
	"internal/consult":     4,
	"internal/events":      4,
	"internal/gridwork":    4,
	"internal/overview":    6,
}

// helpers are packages of no layer, which services and web packages alike may import.
var helpers = map[string]bool{
	"internal/store": true, "internal/secret": true, "internal/files": true, "internal/xlsx": true, "internal/division": true,
	"internal/publog": true, // the public ledger: every service appends its records in its own transactions
}

// webHelpers are the helpers a web package may import (never storage).
var webHelpers = map[string]bool{"internal/files": true, "internal/xlsx": true, "internal/division": true}

type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
}

// modulePackages lists the module's packages with `go list -json`.
func modulePackages(t *testing.T) []listedPackage {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("SKIPPING: no go command to list the packages")
	}
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// rel is a module path relative to the module ("internal/web"; "" for the domain).
func rel(path string) string {
	if path == module {
		return ""
	}
	return strings.TrimPrefix(path, module+"/")
}

// inModule reports whether an import path is one of the module's packages.
func inModule(path string) bool { return path == module || strings.HasPrefix(path, module+"/") }

// webPackageOf returns the capability of a web package ("purchase" for
// internal/purchase/purchaseweb).
func webPackageOf(p string) (string, bool) {
	parts := strings.Split(p, "/")
	if len(parts) == 3 && parts[0] == "internal" && parts[2] == parts[1]+"web" {
		return parts[1], true
	}
	return "", false
}

func TestLayoutDependencies(t *testing.T) {
	for _, p := range modulePackages(t) {
		me := rel(p.ImportPath)
		for _, imp := range p.Imports {
			if !inModule(imp) {
				continue
			}
			dep := rel(imp)
			switch rank, isService := serviceRank[me]; {
			case isService:
				depRank, depService := serviceRank[dep]
				if !(dep == "" || helpers[dep] || depService && depRank < rank) {
					t.Errorf("service %s imports %s: a service builds only on lower services, storage, the domain and helpers", me, dep)
				}
			case me == "internal/web":
				if !(dep == "" || webHelpers[dep]) {
					t.Errorf("the kit imports %s: it imports no capability, no service and no storage", dep)
				}
			default:
				if c, ok := webPackageOf(me); ok && !(dep == "" || dep == "internal/web" || dep == "internal/"+c || webHelpers[dep]) {
					t.Errorf("%s imports %s: a capability's web package imports only the kit, the domain, its own service (internal/%s) and helpers",
						me, dep, c)
				}
			}
		}
	}
}

// TestNoPackageTooLarge keeps every package under a fifth of the module's non-test Go lines.
func TestNoPackageTooLarge(t *testing.T) {
	lines := map[string]int{}
	total := 0
	for _, p := range modulePackages(t) {
		for _, f := range p.GoFiles {
			n := countLines(t, filepath.Join(p.Dir, f))
			lines[p.ImportPath] += n
			total += n
		}
	}
	for path, n := range lines {
		if n*5 > total {
			t.Errorf("%s holds %d of the module's %d lines of Go (more than 20%%): split it", path, n, total)
		}
	}
}

func countLines(t *testing.T, name string) int {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
