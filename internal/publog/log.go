// The instance's log: its origin line, its checkpoint signing key (derived from the instance's
// secret key, so kept exactly like it, and the same on every instance of one database) and its
// pseudonym key.

package publog

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"gongzhi/internal/secret"
	"gongzhi/internal/store"
)

// SigningKeyLabel is the label the checkpoint key's Ed25519 seed is derived with from the
// instance's secret key (secret.Box.DeriveKey).
const SigningKeyLabel = "gongzhi public log signing ed25519 v1"

// TileHeight is the C2SP tlog-tiles height: 256 hashes or entries a full tile.
const TileHeight = 8

// Log is the instance's public ledger as the app wires it.
type Log struct {
	DB *store.DB
	// Origin is the checkpoint's first line and the key's name, "gongzhi.example/<instance>".
	Origin string
	// VKey is the verifier key in the signed-note text form (name+hash+base64 key), printed by
	// `gongzhi log key` and on the ledger page.
	VKey     string
	Verifier note.Verifier
	// Now is the clock (time.Now unless a test sets it).
	Now func() time.Time

	signer    note.Signer
	pseudoKey []byte
}

// New returns the instance's log over db with keys derived from box (the instance's secret key).
// origin "" becomes the placeholder "gongzhi.example/" and the first 8 hex digits of the SHA-256
// of the public key, so that each instance's origin differs without configuration; a real
// instance configures its public address (OriginFromURL) or an origin of its own.
func New(db *store.DB, box *secret.Box, origin string) (*Log, error) {
	seed := box.DeriveKey(SigningKeyLabel)
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	if origin == "" {
		h := sha256.Sum256(pub)
		origin = PlaceholderOrigin + hex.EncodeToString(h[:4])
	}
	if strings.ContainsAny(origin, " \t\n+") || origin == "" {
		return nil, fmt.Errorf("publog: origin %q must be one word without '+'", origin)
	}
	skey, vkey, err := note.GenerateKey(bytes.NewReader(seed), origin)
	if err != nil {
		return nil, err
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	return &Log{DB: db, Origin: origin, VKey: vkey, Verifier: v, Now: time.Now, signer: s,
		pseudoKey: box.DeriveKey(PseudonymKeyLabel)}, nil
}

// Pseudonym is the person's pseudonym on this instance's ledger (the package's Pseudonym with
// the instance's key).
func (l *Log) Pseudonym(personID int64) string { return Pseudonym(l.pseudoKey, personID) }

// PseudonymKey returns the instance's pseudonym key, for Pseudonym.
func (l *Log) PseudonymKey() []byte { return l.pseudoKey }

// Checkpoint is a parsed C2SP tlog-checkpoint body.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Text returns the checkpoint body: origin, size and base64 root hash, each on a line.
func (c Checkpoint) Text() string {
	return c.Origin + "\n" + strconv.FormatInt(c.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n"
}

// ParseCheckpoint reads a checkpoint body (extension lines after the third are allowed and
// ignored, as C2SP says).
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 || lines[0] == "" {
		return Checkpoint{}, errors.New("checkpoint: need origin, size and root hash lines")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return Checkpoint{}, errors.New("checkpoint: bad tree size")
	}
	h, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return Checkpoint{}, errors.New("checkpoint: bad root hash")
	}
	c := Checkpoint{Origin: lines[0], Size: n}
	copy(c.Root[:], h)
	return c, nil
}

// OpenCheckpoint verifies a signed checkpoint with the verifier key vkey and checks its origin
// is the key's name; it returns the checkpoint.
func OpenCheckpoint(signed []byte, vkey string) (Checkpoint, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("verifier key: %w", err)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("checkpoint origin %q is not the key's %q", c.Origin, v.Name())
	}
	return c, nil
}

// emptyRoot is RFC 6962's hash of the empty tree, SHA-256 of nothing.
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

// sign signs a checkpoint as a C2SP signed note.
func (l *Log) sign(c Checkpoint) (string, error) {
	b, err := note.Sign(&note.Note{Text: c.Text()}, l.signer)
	return string(b), err
}

// PlaceholderOrigin starts the origin a log gets when none is configured: a placeholder that
// names no real address (`serve` warns about it).
const PlaceholderOrigin = "gongzhi.example/"

// Placeholder reports whether the log's origin is the placeholder.
func (l *Log) Placeholder() bool { return strings.HasPrefix(l.Origin, PlaceholderOrigin) }

// OriginFromURL derives a log's origin from the instance's public address, as C2SP
// tlog-checkpoint advises (a schema-less URL): "https://gongzhi.gedang.gov.cn/" gives
// "gongzhi.gedang.gov.cn", "https://x.gov.cn/gongzhi" gives "x.gov.cn/gongzhi". The host is
// lower-cased; a query, a fragment, user information or a '+' are refused.
func OriginFromURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("publog: %q is not an http(s) address without a query", s)
	}
	o := strings.ToLower(u.Host) + strings.TrimSuffix(u.EscapedPath(), "/")
	if strings.ContainsAny(o, " \t\n+") {
		return "", fmt.Errorf("publog: the origin %q may hold no space or '+'", o)
	}
	return o, nil
}
