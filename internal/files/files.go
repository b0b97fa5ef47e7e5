// Package files keeps uploaded files (application attachments now; ledger evidence later) in the
// data directory, addressed by the SHA-256 of their content: the same file is stored once, a
// stored file is never changed, and the digest recorded in the database proves which file it was.
//
// Several app instances share one directory (a network file system mounted by each; README,
// "Running a province", says why the contents are not kept in the database). Nothing here needs
// a lock: an upload is written to a temporary file in the directory's own tmp/ (so on the same
// file system) and renamed to its digest's name, which is atomic; two instances storing the
// same content at once rename two identical files to one name, and a reader sees the whole
// file or none.
package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// Store is a content-addressed directory of files.
type Store struct {
	Dir string
}

// ErrTooLarge is returned when a file is larger than the limit given to Put.
var ErrTooLarge = errors.New("files: too large")

// ErrType is returned for a file whose kind is not accepted.
var ErrType = errors.New("files: kind of file not accepted")

// Kinds accepted as attachments: documents, spreadsheets and pictures, by extension, each with
// the content types its bytes may sniff as.
var accepted = map[string][]string{
	".pdf":  {"application/pdf"},
	".jpg":  {"image/jpeg"},
	".jpeg": {"image/jpeg"},
	".png":  {"image/png"},
	".gif":  {"image/gif"},
	".webp": {"image/webp"},
	".docx": {"application/zip"},
	".xlsx": {"application/zip"},
	".pptx": {"application/zip"},
	".doc":  {"application/x-ole-storage"},
	".xls":  {"application/x-ole-storage"},
	".txt":  {"text/plain; charset=utf-8", "text/plain; charset=utf-16le", "text/plain; charset=utf-16be"},
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Sniff returns the content type of a file's first bytes and whether a file with that name
// and those bytes is accepted: the extension must be a known kind and the bytes must be that kind.
func Sniff(name string, head []byte) (string, bool) {
	ct := http.DetectContentType(head)
	if bytes.HasPrefix(head, oleMagic) {
		ct = "application/x-ole-storage"
	}
	for _, want := range accepted[strings.ToLower(filepath.Ext(name))] {
		if ct == want {
			return ct, true
		}
	}
	return ct, false
}

// Put stores r's content, at most max bytes, checking its kind against name. It returns the
// content's SHA-256 (hex), its size and its sniffed content type.
func (s *Store) Put(name string, r io.Reader, max int64) (sum string, size int64, contentType string, err error) {
	if err := os.MkdirAll(filepath.Join(s.Dir, "tmp"), 0o750); err != nil {
		return "", 0, "", err
	}
	tmp, err := os.CreateTemp(filepath.Join(s.Dir, "tmp"), "upload-")
	if err != nil {
		return "", 0, "", err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", 0, "", err
	}
	head = head[:n]
	contentType, ok := Sniff(name, head)
	if !ok || n == 0 {
		return "", 0, contentType, ErrType
	}
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	if _, err := w.Write(head); err != nil {
		return "", 0, "", err
	}
	copied, err := io.Copy(w, io.LimitReader(r, max-int64(n)+1))
	if err != nil {
		return "", 0, "", err
	}
	size = int64(n) + copied
	if size > max {
		return "", 0, "", ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, "", err
	}
	sum = hex.EncodeToString(h.Sum(nil))
	dst := s.path(sum)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return "", 0, "", err
	}
	if _, err := os.Stat(dst); err == nil {
		return sum, size, contentType, nil // the same content is already stored
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, "", err
	}
	return sum, size, contentType, nil
}

// Check makes sure the directory exists and takes files, so that a server with a missing or
// read-only mount refuses to start rather than failing its first upload.
func (s *Store) Check() error {
	if err := os.MkdirAll(filepath.Join(s.Dir, "tmp"), 0o750); err != nil {
		return fmt.Errorf("files directory: %w", err)
	}
	f, err := os.CreateTemp(filepath.Join(s.Dir, "tmp"), "check-")
	if err != nil {
		return fmt.Errorf("files directory %s is not writable: %w", s.Dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Open returns a stored file by its SHA-256.
func (s *Store) Open(sum string) (*os.File, error) {
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return nil, fmt.Errorf("files: bad digest %q", sum)
	}
	return os.Open(s.path(sum))
}

func (s *Store) path(sum string) string { return filepath.Join(s.Dir, sum[:2], sum[2:]) }
