// Template databases: a database is migrated and seeded once, and each test gets a copy of it.
//
// SQLite: the template is a file under $TMPDIR/gongzhi-test-templates/<source>/<name>.db, shared
// by every test binary of a `go test ./...` run. <source> is a hash of the module's files (every
// file but version control, build leftovers and Markdown; test files included, so a change to the
// migrations, the seed or anything the seed calls gives a new directory), the Go version and the
// platform; a test binary run outside the module's tree hashes its own executable instead. A
// template is also rebuilt when it is older than TemplateMaxAge or was built on another day in
// China, so data seeded relative to the clock stays as recent as a seed run by the test would
// make it. It is built under a temporary name and renamed into place, so nobody ever reads a half
// written template; one builder at a time holds <name>.lock, and the others wait for its result.
// Each test copies the file into its own temporary directory. The directories of other sources
// are removed once nobody has written to them for 3 hours.
//
// PostgreSQL: the template is a database gz_tmpl_<name>_<pid>_<random>, migrated and seeded once
// per test binary; each test's database is made from it with CREATE DATABASE … TEMPLATE and
// dropped when the test ends. The templates are dropped by Main when the test binary ends, so a
// package whose tests use PostgreSQL templates runs its tests through Main in its TestMain.

package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"gongzhi"
	"gongzhi/internal/store"
)

// Seed fills a freshly migrated database that becomes a template. The template's name stands for
// its seed: every caller that passes a name must seed the same way (use a new name for a new seed).
// It must write everything a test needs into the database: a secret key or a clock it depends on
// belongs to the seed, and the tests that use the template must use the same.
type Seed func(ctx context.Context, db *store.DB) error

// TemplateMaxAge is how old a SQLite template may be before it is built again.
const TemplateMaxAge = time.Hour

// TemplateDir is where SQLite templates are kept, one directory per source hash.
func TemplateDir() string { return filepath.Join(os.TempDir(), "gongzhi-test-templates") }

// Template returns a SQLite database in tb's temporary directory, a copy of the template name:
// migrated and filled by seed (nil: only migrated).
func Template(tb testing.TB, name string, seed Seed) *store.DB {
	tb.Helper()
	src, err := sqliteTemplate(name, seed)
	if err != nil {
		tb.Fatalf("template %s: %v", name, err)
	}
	path := filepath.Join(tb.TempDir(), "test.db")
	if err := copyFile(src, path); err != nil {
		tb.Fatalf("template %s: %v", name, err)
	}
	db, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// PostgresTemplate returns a PostgreSQL database of tb's own, a copy of the template name:
// migrated and filled by seed (nil: only migrated). It is dropped when the test ends. It skips
// the test, loudly, when GONGZHI_TEST_POSTGRES is unset, and fails it unless the test binary runs
// its tests through Main.
func PostgresTemplate(tb testing.TB, name string, seed Seed) *store.DB {
	tb.Helper()
	base := postgresBase(tb)
	if !mainRunning.Load() {
		tb.Fatal("storetest.PostgresTemplate: the package's TestMain must run the tests with storetest.Main, which drops the templates at the end")
	}
	tmpl, err := pgTemplate(base, name, seed)
	if err != nil {
		tb.Fatalf("template %s: %v", name, err)
	}
	var b [6]byte
	rand.Read(b[:])
	dbname := "gz_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if err := pgCreateFrom(admin, dbname, tmpl); err != nil {
		admin.Close()
		tb.Fatalf("template %s: %v", name, err)
	}
	tb.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS ` + dbname + ` WITH (FORCE)`)
		admin.Close()
	})
	dsn, err := pgDatabaseURL(base, dbname)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// EachSeeded runs fn as parallel subtests on a copy of the template name (see Template) on
// SQLite and on PostgreSQL (skipped when not configured).
func EachSeeded(t *testing.T, name string, seed Seed, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, Template(t, name, seed))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, PostgresTemplate(t, name, seed))
	})
}

// EachSeededB runs a benchmark on a copy of the template name on SQLite and on PostgreSQL.
func EachSeededB(b *testing.B, name string, seed Seed, fn func(b *testing.B, db *store.DB)) {
	b.Helper()
	b.Run("sqlite", func(b *testing.B) { fn(b, Template(b, name, seed)) })
	b.Run("postgres", func(b *testing.B) { fn(b, PostgresTemplate(b, name, seed)) })
}

// Main runs the tests and then drops the PostgreSQL templates they made. Call it from TestMain
// in place of m.Run.
func Main(m *testing.M) int {
	mainRunning.Store(true)
	code := m.Run()
	if err := dropPGTemplates(); err != nil {
		fmt.Fprintln(os.Stderr, "storetest: dropping the PostgreSQL templates:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

var mainRunning atomic.Bool

// ---- SQLite ----

var sqliteTemplates struct {
	sync.Mutex
	paths map[string]string // name → a template checked in this process
}

// sqliteTemplate returns the path of the template name, building it if needed.
func sqliteTemplate(name string, seed Seed) (string, error) {
	if !validName.MatchString(name) {
		return "", fmt.Errorf("template name %q: use letters, digits, - and _", name)
	}
	sqliteTemplates.Lock()
	defer sqliteTemplates.Unlock()
	if p, ok := sqliteTemplates.paths[name]; ok {
		return p, nil
	}
	src, err := sourceHash()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(TemplateDir(), src)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	cleanTemplates.Do(func() { removeOld(TemplateDir(), dir) })
	path := filepath.Join(dir, name+".db")
	if !fresh(path) {
		if err := buildSQLite(dir, path, seed); err != nil {
			return "", err
		}
	}
	if sqliteTemplates.paths == nil {
		sqliteTemplates.paths = map[string]string{}
	}
	sqliteTemplates.paths[name] = path
	return path, nil
}

var cleanTemplates sync.Once

// removeOld removes, from the directory of templates, the templates of other sources and builds
// left behind that nobody has written for 3 hours: a test binary that still used one would have
// run for longer than CI lets it, and one of today's sources makes its own templates again.
func removeOld(root, current string) {
	olds, _ := filepath.Glob(filepath.Join(root, "*"))
	builds, _ := filepath.Glob(filepath.Join(current, "build-*"))
	for _, p := range append(olds, builds...) {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() && p != current && time.Since(fi.ModTime()) > 3*time.Hour {
			os.RemoveAll(p)
		}
	}
}

var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,30}$`)

// fresh reports whether the template at path exists, is younger than TemplateMaxAge and was built
// on today's date in China.
func fresh(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	built, now := fi.ModTime(), time.Now()
	return now.Sub(built) < TemplateMaxAge && built.Before(now.Add(time.Minute)) &&
		built.In(gongzhi.ChinaTime).Format(time.DateOnly) == now.In(gongzhi.ChinaTime).Format(time.DateOnly)
}

// buildSQLite builds the template at path, or waits for another process building it.
func buildSQLite(dir, path string, seed Seed) error {
	lock := strings.TrimSuffix(path, ".db") + ".lock"
	for deadline := time.Now().Add(5 * time.Minute); ; {
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return err
		}
		// another process is building it: wait for its template, or take over a lock left behind
		if fresh(path) {
			return nil
		}
		if fi, err := os.Stat(lock); err == nil && time.Since(fi.ModTime()) > 3*time.Minute || time.Now().After(deadline) {
			os.Remove(lock)
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer os.Remove(lock)
	if fresh(path) { // built while we waited for the lock
		return nil
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	file := filepath.Join(tmp, "template.db")
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+file)
	if err != nil {
		return err
	}
	err = migrateAndSeed(ctx, db, seed)
	if err == nil {
		_, err = db.SQL.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if fi, err := os.Stat(file + "-wal"); err == nil && fi.Size() > 0 {
		return errors.New("the template's write-ahead log was not checkpointed")
	}
	return os.Rename(file, path)
}

func migrateAndSeed(ctx context.Context, db *store.DB, seed Seed) error {
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if seed != nil {
		return seed(ctx, db)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

var srcHash struct {
	once sync.Once
	hash string
	err  error
}

// sourceHash identifies the code a template is built by: the module's files, or, outside the
// module's tree, the test binary itself; with the Go version and the platform.
func sourceHash() (string, error) {
	srcHash.once.Do(func() {
		h := sha256.New()
		fmt.Fprintf(h, "%s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
		if root := moduleRoot(); root != "" {
			srcHash.err = hashTree(h, root)
		} else {
			srcHash.err = hashExecutable(h)
		}
		srcHash.hash = hex.EncodeToString(h.Sum(nil))[:20]
	})
	return srcHash.hash, srcHash.err
}

// moduleRoot is the directory of the go.mod of module gongzhi above the working directory (a test
// runs in its package's directory), or "".
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			if strings.HasPrefix(string(b), "module gongzhi\n") {
				return dir
			}
			return ""
		}
		up := filepath.Dir(dir)
		if up == dir {
			return ""
		}
		dir = up
	}
}

// hashTree hashes the names and contents of the module's files, leaving out hidden files and
// directories, what a build or a run leaves in the tree (.gitignore's patterns) and the
// documentation (Markdown), which no seed reads: go test's cache counts the files a test opens,
// and an edit of the README need not run the tests again.
func hashTree(h io.Writer, root string) error {
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if path != root && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "data" || rel == "tmp" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || rel == "gongzhi" {
			return nil
		}
		for _, suffix := range []string{".md", ".db", ".db-wal", ".db-shm", ".db-journal", ".test", ".prof", ".out", "~", ".swp"} {
			if strings.HasSuffix(name, suffix) {
				return nil
			}
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, rel := range files {
		f, err := os.Open(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) { // removed meanwhile
				continue
			}
			return err
		}
		fmt.Fprintf(h, "%s\x00", rel)
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprint(h, "\x00")
	}
	return nil
}

func hashExecutable(h io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	f, err := os.Open(exe)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintf(h, "executable\x00")
	_, err = io.Copy(h, f)
	return err
}

// ---- PostgreSQL ----

var pgTemplates struct {
	sync.Mutex
	names map[string]string // template name → database name
	base  string            // the server they are on (GONGZHI_TEST_POSTGRES)
}

// pgCreate serializes CREATE DATABASE … TEMPLATE in this process.
var pgCreate sync.Mutex

// pgTemplate returns the database of the template name on the server base, making it if needed.
func pgTemplate(base, name string, seed Seed) (string, error) {
	if !validName.MatchString(name) {
		return "", fmt.Errorf("template name %q: use letters, digits, - and _", name)
	}
	pgTemplates.Lock()
	defer pgTemplates.Unlock()
	if d, ok := pgTemplates.names[name]; ok {
		return d, nil
	}
	var b [4]byte
	rand.Read(b[:])
	dbname := fmt.Sprintf("gz_tmpl_%s_%d_%s", strings.ToLower(strings.ReplaceAll(name, "-", "_")), os.Getpid(), hex.EncodeToString(b[:]))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + dbname); err != nil {
		return "", err
	}
	if pgTemplates.names == nil {
		pgTemplates.names = map[string]string{}
	}
	pgTemplates.names[name], pgTemplates.base = dbname, base // from now on Main drops it
	dsn, err := pgDatabaseURL(base, dbname)
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return "", err
	}
	err = migrateAndSeed(ctx, db, seed)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		delete(pgTemplates.names, name) // a later test tries again; Main drops this one
		pgTemplates.names["failed "+dbname] = dbname
		return "", err
	}
	// nobody connects to a template: CREATE DATABASE … TEMPLATE refuses a template in use
	if _, err := admin.Exec(`ALTER DATABASE ` + dbname + ` WITH ALLOW_CONNECTIONS false`); err != nil {
		return "", err
	}
	return dbname, nil
}

// pgCreateFrom creates the database dbname as a copy of tmpl. PostgreSQL refuses to copy a
// template while another session is connected to it (autovacuum, say); it tries again then.
func pgCreateFrom(admin *sql.DB, dbname, tmpl string) error {
	pgCreate.Lock()
	defer pgCreate.Unlock()
	for attempt := 0; ; attempt++ {
		_, err := admin.Exec(`CREATE DATABASE ` + dbname + ` TEMPLATE ` + tmpl)
		var pe *pgconn.PgError
		if err != nil && attempt < 50 && errors.As(err, &pe) && pe.Code == "55006" { // object_in_use
			time.Sleep(100 * time.Millisecond)
			continue
		}
		return err
	}
}

// dropPGTemplates drops the templates this process made.
func dropPGTemplates() error {
	pgTemplates.Lock()
	defer pgTemplates.Unlock()
	if len(pgTemplates.names) == 0 {
		return nil
	}
	admin, err := sql.Open("pgx", pgTemplates.base)
	if err != nil {
		return err
	}
	defer admin.Close()
	var errs []error
	for _, dbname := range pgTemplates.names {
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + dbname + ` WITH (FORCE)`); err != nil {
			errs = append(errs, err)
		}
	}
	pgTemplates.names = nil
	return errors.Join(errs...)
}

// pgDatabaseURL is base with its database replaced by dbname.
func pgDatabaseURL(base, dbname string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + dbname
	return u.String(), nil
}
