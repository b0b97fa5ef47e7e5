package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer written by a server goroutine and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The integration done-when line of issue 11: a token made by `gongzhi token create` works
// against a running `gongzhi serve` within its scope, is listed by `gongzhi token list`, and is
// refused with 401 once `gongzhi token revoke` revoked it.
func TestTokenCommandsAgainstServer(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "g.db")
	data := filepath.Join(dir, "data")
	flags := []string{"--db", db, "--data-dir", data}
	if out, err := runCmd(t, append([]string{"user", "add", "--password", "Integrate-2026-x"}, append(flags, "feeder", "sysadmin")...)...); err != nil {
		t.Fatalf("user add: %s %v", out, err)
	}
	// flags after the username, as the usage line writes them
	out, err := runCmd(t, append([]string{"token", "create", "feeder", "--name", "nightly feed", "--expires", "30d", "--scope", "read"}, flags...)...)
	if err != nil {
		t.Fatalf("token create: %s %v", out, err)
	}
	secret := regexp.MustCompile(`(?m)^gz_\S+$`).FindString(out)
	id := regexp.MustCompile(`created token (\d+) "nightly feed" for feeder: scope read, expires `).FindStringSubmatch(out)
	if secret == "" || id == nil {
		t.Fatalf("token create printed no token: %q", out)
	}
	if out, err := runCmd(t, append([]string{"token", "create", "feeder", "--name", "x", "--expires", "0d"}, flags...)...); err == nil {
		t.Fatalf("a token without a lifetime: %s", out)
	}
	if out, err := runCmd(t, append([]string{"token", "create", "nobody", "--name", "x"}, flags...)...); err == nil {
		t.Fatalf("a token for a missing account: %s", out)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var stdout lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, flags...), &stdout, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	addr := regexp.MustCompile(`serving on (http://\S+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := addr.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("server did not start: %q", stdout.String())
	}
	call := func(method, path string, body string) (int, map[string]any) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Authorization", "Bearer "+secret)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		m := map[string]any{}
		json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m
	}
	st, me := call("GET", "/api/v1/me", "")
	if u, _ := me["user"].(map[string]any); st != 200 || u["username"] != "feeder" {
		t.Fatalf("GET /api/v1/me with the token: %d %v", st, me)
	}
	if st, m := call("POST", "/api/v1/tokens", `{"name":"more","days":1,"scope":"read"}`); st != http.StatusForbidden {
		t.Fatalf("a read token wrote: %d %v", st, m)
	}
	out, err = runCmd(t, append([]string{"token", "list", "feeder"}, flags...)...)
	if err != nil || !strings.Contains(out, "nightly feed") || !strings.Contains(out, "active") || strings.Contains(out, secret) {
		t.Fatalf("token list: %s %v", out, err)
	}
	if out, err := runCmd(t, append([]string{"token", "revoke", id[1]}, flags...)...); err != nil || !strings.Contains(out, "revoked token "+id[1]) {
		t.Fatalf("token revoke: %s %v", out, err)
	}
	if st, m := call("GET", "/api/v1/me", ""); st != http.StatusUnauthorized {
		t.Fatalf("a revoked token: %d %v", st, m)
	}
	out, err = runCmd(t, append([]string{"token", "list", "feeder"}, flags...)...)
	if err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("token list after revoke: %s %v", out, err)
	}
	if out, err := runCmd(t, append([]string{"token", "revoke", id[1]}, flags...)...); err == nil || !strings.Contains(err.Error(), "already revoked at 20") {
		t.Fatalf("revoked twice: %s %v", out, err)
	}
	// --place: a token limited to a place must be within the account's area (the system
	// administrator has none, and this database no such place)
	if out, err := runCmd(t, append([]string{"token", "create", "feeder", "--name", "placed", "--place", "320116004001"}, flags...)...); err == nil || !strings.Contains(err.Error(), "place_code") {
		t.Fatalf("a token over a place outside the account's area: %s %v", out, err)
	}
}
