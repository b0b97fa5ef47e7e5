// Restoring a SQLite backup: the backup is copied beside the database, checked (a Gongzhi
// database of a schema this binary knows, intact), and renamed over the database in one step.

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// PrepareRestore copies the backup file to a temporary file beside the SQLite database at
// target and checks the copy: PRAGMA integrity_check answers ok, and its schema_migrations are
// this binary's migrations (same numbers, same names), none newer. It returns the copy's path
// and schema version; CommitRestore puts the copy in place, DiscardRestore removes it.
func PrepareRestore(ctx context.Context, file, target string) (tmp string, version int, err error) {
	if _, err := os.Stat(file); err != nil {
		return "", 0, err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o750); err != nil {
		return "", 0, err
	}
	tmp = fmt.Sprintf("%s.restoring-%d", target, time.Now().UnixNano())
	if err := copyFile(file, tmp); err != nil {
		os.Remove(tmp)
		return "", 0, err
	}
	version, err = checkBackup(ctx, tmp)
	if err != nil {
		DiscardRestore(tmp)
		return "", 0, fmt.Errorf("%s: %w", file, err)
	}
	return tmp, version, nil
}

// DiscardRestore removes a prepared copy.
func DiscardRestore(tmp string) {
	for _, s := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(tmp + s)
	}
}

// CommitRestore renames the prepared copy over target. An existing target is refused unless
// force, and then kept aside as TARGET.before-restore-TIME (returned); a target that another
// connection holds open (a running server) is always refused.
func CommitRestore(ctx context.Context, tmp, target string, force bool) (aside string, err error) {
	inUse, err := SQLiteInUse(ctx, target)
	if err != nil {
		return "", err
	}
	if inUse {
		return "", fmt.Errorf("%s is in use (a gongzhi server or another command has it open): stop it first", target)
	}
	if _, err := os.Stat(target); err == nil {
		if !force {
			return "", fmt.Errorf("%s exists: --force replaces it, keeping the old file aside", target)
		}
		aside = target + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(target, aside); err != nil {
			return "", err
		}
		for _, s := range []string{"-wal", "-shm"} { // left by a crash; they belong to the old file
			if _, err := os.Stat(target + s); err == nil {
				if err := os.Rename(target+s, aside+s); err != nil {
					return aside, err
				}
			}
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return aside, err
	}
	return aside, syncDir(filepath.Dir(target))
}

// checkBackup checks a SQLite file as PrepareRestore describes, returning its schema version.
func checkBackup(ctx context.Context, path string) (int, error) {
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var ok string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil {
		return 0, fmt.Errorf("not a readable SQLite database: %w", err)
	}
	if ok != "ok" {
		return 0, fmt.Errorf("integrity check failed: %s", ok)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, errors.New("not a Gongzhi database (no schema_migrations)")
	}
	ms, err := Migrations()
	if err != nil {
		return 0, err
	}
	rows, err := conn.QueryContext(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	version := 0
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			return 0, err
		}
		if v > len(ms) {
			return 0, fmt.Errorf("its schema is version %d but this gongzhi binary knows only up to %d: restore it with a newer gongzhi", v, len(ms))
		}
		if v < 1 || ms[v-1].Name != name {
			return 0, fmt.Errorf("not a Gongzhi database: its migration %d is %q, not %q", v, name, ms[max(v, 1)-1].Name)
		}
		version = v
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if version == 0 {
		return 0, errors.New("not a Gongzhi database (no migration applied)")
	}
	return version, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
