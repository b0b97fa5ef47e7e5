package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongzhi/internal/secret"
	"gongzhi/internal/store"
)

// The command line resets an account's second factor: its authenticator goes, and an unknown
// account is refused.
func TestUserResetTOTP(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "g.db")
	data := filepath.Join(dir, "data")
	if _, err := runCmd(t, "user", "add", "--db", db, "--data-dir", data, "admin-sec", "secadmin"); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	u, _, err := s.Q().UserByUsername(ctx, "admin-sec")
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(data, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	master, err := secret.ParseKey(string(key))
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox(master)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Q().PutPendingTOTP(ctx, u.ID, box.Seal("JBSWY3DPEHPK3PXP", "user_totp.secret"), u.CreatedAt); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd(t, "user", "reset-2fa", "--db", db, "--data-dir", data, "admin-sec"); err != nil || !strings.Contains(out, "reset the second factor of admin-sec") {
		t.Fatalf("reset-2fa: %q %v", out, err)
	}
	if _, err := s.Q().GetTOTP(ctx, u.ID); err == nil {
		t.Fatal("the authenticator is still there")
	}
	if _, err := runCmd(t, "user", "reset-2fa", "--db", db, "--data-dir", data, "nobody"); err == nil {
		t.Fatal("an unknown account was reset")
	}
}
