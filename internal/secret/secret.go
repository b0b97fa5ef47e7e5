// Package secret holds Gongzhi's cryptography: AES-256-GCM encryption of sensitive personal data
// at rest with a key from configuration, keyed hashes for looking such data up without decrypting,
// argon2id password hashes, and random tokens for sessions and API access.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// KeySize is the length of the master key in bytes.
const KeySize = 32

// Box encrypts and hashes sensitive values with keys derived from one master key.
type Box struct {
	aead    cipher.AEAD
	hashKey []byte
}

// ParseKey decodes a master key given as 64 hex characters or standard base64 of 32 bytes.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	return nil, errors.New("the secret key must be 32 bytes, written as 64 hex characters or base64")
}

// NewKey returns a fresh random master key as hex.
func NewKey() string { return hex.EncodeToString(Random(KeySize)) }

// NewBox derives the encryption and hashing keys from a master key.
func NewBox(master []byte) (*Box, error) {
	if len(master) != KeySize {
		return nil, errors.New("secret: master key must be 32 bytes")
	}
	block, err := aes.NewCipher(derive(master, "gongzhi field encryption v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead, hashKey: derive(master, "gongzhi lookup hash v1")}, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plain text; the result is "v1:" and base64 of nonce and cipher text. The
// context (for example "people.id_number") is bound as additional data, so a value cannot be
// moved to another column unnoticed.
func (b *Box) Seal(plain, context string) string {
	nonce := Random(b.aead.NonceSize())
	out := b.aead.Seal(nonce, nonce, []byte(plain), []byte(context))
	return "v1:" + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts what Seal produced with the same context.
func (b *Box) Open(sealed, context string) (string, error) {
	raw, ok := strings.CutPrefix(sealed, "v1:")
	if !ok {
		return "", errors.New("secret: unknown format")
	}
	data, err := base64.RawStdEncoding.DecodeString(raw)
	if err != nil || len(data) < b.aead.NonceSize() {
		return "", errors.New("secret: corrupt value")
	}
	plain, err := b.aead.Open(nil, data[:b.aead.NonceSize()], data[b.aead.NonceSize():], []byte(context))
	if err != nil {
		return "", errors.New("secret: cannot decrypt (wrong key?)")
	}
	return string(plain), nil
}

// Hash returns a keyed hash of a value, equal for equal values, useless without the key.
func (b *Box) Hash(value, context string) string {
	m := hmac.New(sha256.New, b.hashKey)
	m.Write([]byte(context))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// Random returns n random bytes.
func Random(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

// Token returns a random URL-safe token of 32 bytes of entropy.
func Token() string { return base64.RawURLEncoding.EncodeToString(Random(32)) }

// SHA256 returns the hex SHA-256 of s; sessions and API tokens are stored by this hash.
func SHA256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Argon2 parameters. Production: t=1, m=64 MiB, p=2 (about 0.2 s on two cores).
type Argon2 struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultArgon2 is the production cost.
var DefaultArgon2 = Argon2{Time: 1, Memory: 64 * 1024, Threads: 2}

// HashPassword returns an argon2id hash in the PHC string format.
func (a Argon2) HashPassword(pw string) string {
	salt := Random(16)
	key := argon2.IDKey([]byte(pw), salt, a.Time, a.Memory, a.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, a.Memory, a.Time, a.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether pw matches a hash made by HashPassword, with the hash's own cost.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<22 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
