// Operations on a stopped installation: rekey (switch the field cipher of an existing database)
// and restore (put a SQLite backup in place).

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"

	"gongzhi"
	"gongzhi/internal/app"
	"gongzhi/internal/kernel"
	"gongzhi/internal/secret"
	"gongzhi/internal/store"
)

// cmdRekey re-encrypts every sealed value of the database with the configured field cipher and
// recomputes the lookup hashes. The servers must be stopped: on SQLite a database another
// connection holds open is refused; on PostgreSQL the rekey holds the migration lock, and a server
// started meanwhile with either setting refuses to start until the database is all in its cipher.
// Values stay readable throughout (every box opens both ciphers); an interrupted rekey resumes.
func cmdRekey(ctx context.Context, args []string, stdout io.Writer) error {
	var batch *int
	c, fs, err := parseConfig("rekey", args, func(fs *flag.FlagSet) {
		batch = fs.Int("batch", 500, "rows re-encrypted per transaction")
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: gongzhi rekey [--db …] [--secret-key …] --field-cipher aes|sm4")
	}
	key, err := c.existingSecretKey()
	if err != nil {
		return err
	}
	if key == nil {
		return errors.New("no secret key: give the key the database is encrypted under (--secret-key or DATA_DIR/secret.key)")
	}
	box, err := secret.NewBoxWith(key, c.FieldCipher)
	if err != nil {
		return err
	}
	if err := refuseInUse(ctx, c.DB); err != nil {
		return err
	}
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	a := app.New(db, box, kernel.Config{}, newLogger(c, io.Discard))
	ac := gongzhi.SystemActor("cli")
	rep, err := db.Rekey(ctx, box, store.RekeyOptions{Batch: *batch, OnBatch: func(ctx context.Context, q *store.Q, table string, ids []int64) error {
		return a.WriteAudit(ctx, q, ac, "rekey", table, "", nil, map[string]any{"field_cipher": box.Cipher(), "ids": ids}, "")
	}})
	if rep != nil {
		tables := make([]string, 0, len(rep.Rows))
		for t := range rep.Rows {
			tables = append(tables, t)
		}
		sort.Strings(tables)
		for _, t := range tables {
			fmt.Fprintf(stdout, "%s: %d rows re-encrypted with %s", t, rep.Rows[t], box.Cipher())
			if n := rep.Skipped[t]; n > 0 {
				fmt.Fprintf(stdout, " (%d changed meanwhile by someone else)", n)
			}
			fmt.Fprintln(stdout)
		}
	}
	if err != nil {
		return fmt.Errorf("%w\nnothing is lost: what was re-encrypted stays readable; run rekey again to finish", err)
	}
	fmt.Fprintf(stdout, "every sealed value is now %s; start the servers with --field-cipher %s (GONGZHI_FIELD_CIPHER=%s)\n",
		box.Cipher(), box.Cipher(), box.Cipher())
	return nil
}

// refuseInUse refuses a SQLite database that another connection holds open.
func refuseInUse(ctx context.Context, dsn string) error {
	d, path, err := store.ParseDSN(dsn)
	if err != nil || d != store.SQLite {
		return err
	}
	inUse, err := store.SQLiteInUse(ctx, path)
	if err != nil {
		return err
	}
	if inUse {
		return fmt.Errorf("%s is in use (a gongzhi server or another command has it open): stop it first", path)
	}
	return nil
}

// cmdRestore puts a SQLite backup (made by `gongzhi backup`) in place of the database: the file
// is copied beside it and checked (integrity_check; a Gongzhi schema this binary knows; the
// configured secret key opens its personal data), then renamed over it in one step. A database in
// use is refused; an existing one is replaced only with --force, and kept aside.
func cmdRestore(ctx context.Context, args []string, stdout io.Writer) error {
	var force *bool
	c, fs, err := parseConfig("restore", args, func(fs *flag.FlagSet) {
		force = fs.Bool("force", false, "replace an existing database, keeping it aside as DB.before-restore-TIME")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: gongzhi restore [--db sqlite:PATH] [--force] FILE")
	}
	d, target, err := store.ParseDSN(c.DB)
	if err != nil {
		return err
	}
	if d != store.SQLite {
		return errors.New("restore is for SQLite; for PostgreSQL use pg_restore or point-in-time recovery (docs/operations.md)")
	}
	if err := refuseInUse(ctx, c.DB); err != nil {
		return err
	}
	tmp, version, err := store.PrepareRestore(ctx, fs.Arg(0), target)
	if err != nil {
		return err
	}
	keyNote, err := checkRestoreKey(ctx, c, tmp)
	if err != nil {
		store.DiscardRestore(tmp)
		return err
	}
	aside, err := store.CommitRestore(ctx, tmp, target, *force)
	if err != nil {
		store.DiscardRestore(tmp)
		return err
	}
	fmt.Fprintf(stdout, "restored %s to %s (schema version %d; this gongzhi knows %d and migrates the rest at start)\n",
		fs.Arg(0), target, version, store.LatestVersion())
	if aside != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", aside)
	}
	fmt.Fprintln(stdout, keyNote)
	return nil
}

// checkRestoreKey opens one sealed value of the prepared copy with the configured secret key:
// a backup restored under another key would keep its ID numbers unreadable.
func checkRestoreKey(ctx context.Context, c *Config, path string) (string, error) {
	key, err := c.existingSecretKey()
	if err != nil {
		return "", err
	}
	if key == nil {
		return "warning: no secret key configured; put the key in use when the backup was taken in DATA_DIR/secret.key or GONGZHI_SECRET_KEY", nil
	}
	box, err := secret.NewBox(key)
	if err != nil {
		return "", err
	}
	db, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	sample, label, err := db.Q().SealedSample(ctx)
	if err != nil {
		return "", err
	}
	if sample == "" {
		return "the backup holds no encrypted personal data", nil
	}
	if _, err := box.Open(sample, label); err != nil {
		return "", errors.New("the configured secret key does not open the backup's personal data: give the key that was in use when the backup was taken (--secret-key or DATA_DIR/secret.key)")
	}
	return "the configured secret key opens the backup's personal data", nil
}
