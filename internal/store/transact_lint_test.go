package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTransactionHandleOnly checks, over the whole module's non-test code, the rule that makes the
// connection pool unreachable inside a transaction (see store.DB.Q):
//   - every Transact call passes a function literal whose first parameter is named like the
//     context passed to Transact, so that the transaction's marked context shadows the caller's
//     and every statement made with it is refused by the pool;
//   - inside that literal nothing asks the pool for a handle (a call to a method Q with no
//     arguments, as in a.DB.Q()) or makes a fresh context that would lose the mark;
//   - outside the command and the test helpers no code makes a context from nothing
//     (context.Background, context.TODO), so a callee cannot drop the mark either
//     (context.WithoutCancel keeps it).
func TestTransactionHandleOnly(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	var bad []string
	report := func(n ast.Node, format string) {
		bad = append(bad, fset.Position(n.Pos()).String()+": "+format)
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); strings.HasPrefix(name, ".") && path != root || name == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		slash := filepath.ToSlash(path)
		freshAllowed := strings.Contains(slash, "/cmd/") || strings.Contains(slash, "/storetest/") ||
			strings.Contains(slash, "/e2e/")
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if isFreshContext(call) && !freshAllowed {
				report(call, "a context made from nothing can drop a transaction's mark: pass the caller's ctx")
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Transact" || len(call.Args) != 2 {
				return true
			}
			lit, ok := call.Args[1].(*ast.FuncLit)
			if !ok {
				report(call, "Transact takes a function literal, so that its context parameter can be checked")
				return true
			}
			outer, ok := call.Args[0].(*ast.Ident)
			params := lit.Type.Params.List
			if !ok || len(params) == 0 || len(params[0].Names) == 0 || params[0].Names[0].Name != outer.Name {
				report(call, "the function passed to Transact must name its context parameter like the context it is given, so that it shadows it")
			}
			ast.Inspect(lit.Body, func(n ast.Node) bool {
				c, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if s, ok := c.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == "Q" && len(c.Args) == 0 {
					report(c, "the pool's handle (….Q()) used inside a transaction: use the transaction's q")
				}
				if isFreshContext(c) {
					report(c, "a fresh context inside a transaction loses its mark")
				}
				return true
			})
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Error(b)
	}
}

func isFreshContext(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || pkg.Name != "context" {
		return false
	}
	switch sel.Sel.Name {
	case "Background", "TODO":
		return true
	}
	return false
}
