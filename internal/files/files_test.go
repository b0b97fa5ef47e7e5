package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestPutOpen(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 1000)...)
	sum, size, ct, err := s.Put("方案.pdf", bytes.NewReader(pdf), 1<<20)
	want := sha256.Sum256(pdf)
	if err != nil || sum != hex.EncodeToString(want[:]) || size != int64(len(pdf)) || ct != "application/pdf" {
		t.Fatalf("put: %s %d %s %v", sum, size, ct, err)
	}
	if again, _, _, err := s.Put("copy.pdf", bytes.NewReader(pdf), 1<<20); err != nil || again != sum {
		t.Fatalf("same content again: %v", err)
	}
	f, err := s.Open(sum)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, pdf) {
		t.Fatal("content changed")
	}
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"too large", pdf, ErrTooLarge},
		{"script named pdf", []byte("#!/bin/sh\nrm -rf /\n"), ErrType},
		{"exe", []byte("MZ\x90\x00"), ErrType},
		{"empty", nil, ErrType},
	} {
		name := "a.pdf"
		if tc.name == "exe" {
			name = "a.exe"
		}
		if _, _, _, err := s.Put(name, bytes.NewReader(tc.data), 500); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := s.Open("../../etc/passwd"); err == nil {
		t.Fatal("opened a path")
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	if err := (&Store{Dir: filepath.Join(dir, "files")}).Check(); err != nil {
		t.Fatal(err)
	}
	ro := filepath.Join(dir, "ro")
	if err := os.MkdirAll(filepath.Join(ro, "tmp"), 0o500); err != nil {
		t.Fatal(err)
	}
	os.Chmod(ro, 0o500)
	os.Chmod(filepath.Join(ro, "tmp"), 0o500)
	t.Cleanup(func() { os.Chmod(filepath.Join(ro, "tmp"), 0o700); os.Chmod(ro, 0o700) })
	if os.Getuid() != 0 {
		if err := (&Store{Dir: ro}).Check(); err == nil {
			t.Error("a read-only directory passed the check")
		}
	}
}
