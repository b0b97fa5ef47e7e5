// Package secret holds Gongzhi's cryptography: encryption of sensitive personal data at rest with
// a key from configuration (AES-256-GCM, or SM4-GCM under the national-cryptography setting),
// keyed hashes for looking such data up without decrypting (HMAC-SHA256 or HMAC-SM3), the
// integrity hash (SHA-256 or SM3), argon2id password hashes, and random tokens for sessions and
// API access.
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
	"hash"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
	"golang.org/x/crypto/argon2"
)

// KeySize is the length of the master key in bytes.
const KeySize = 32

// Field ciphers: the algorithm that seals sensitive values at rest and the keyed hash that
// looks them up. AES is the default; SM4 answers GB/T 39786 (商用密码) where it is required.
const (
	CipherAES = "aes" // AES-256-GCM, lookup hashes HMAC-SHA256; sealed values start "v1:"
	CipherSM4 = "sm4" // SM4-GCM (GB/T 32907), lookup hashes HMAC-SM3 (GB/T 32905); sealed values start "sm4:"
)

// Ciphers lists the field ciphers, the default first.
var Ciphers = []string{CipherAES, CipherSM4}

// prefixes name the cipher of a sealed value. "v1:" is AES-256-GCM: the format every value had
// before the cipher became a choice, kept so that no existing value needs rewriting.
var prefixes = map[string]string{CipherAES: "v1:", CipherSM4: "sm4:"}

// Prefix returns the prefix of the values sealed with a cipher ("" for an unknown cipher).
func Prefix(cipher string) string { return prefixes[cipher] }

// SealedWith returns the cipher that sealed a value ("" when it is no sealed value).
func SealedWith(sealed string) string {
	for c, p := range prefixes {
		if strings.HasPrefix(sealed, p) {
			return c
		}
	}
	return ""
}

// Box encrypts and hashes sensitive values with keys derived from one master key. It opens values
// sealed with either cipher, whatever it is set to; it seals and hashes with its own cipher.
type Box struct {
	cipher string
	aeads  map[string]cipher.AEAD // by cipher
	hashes map[string]hashKey     // by cipher
}

type hashKey struct {
	h   func() hash.Hash
	key []byte
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

// NewBox derives the encryption and hashing keys from a master key; the box seals with AES.
func NewBox(master []byte) (*Box, error) { return NewBoxWith(master, CipherAES) }

// NewBoxWith derives the keys of both ciphers from a master key; the box seals and hashes with
// the cipher named (aes or sm4). The AES keys are derived with HMAC-SHA256 as they always were;
// the SM4 key and the HMAC-SM3 key are derived with HMAC-SM3, so that the SM setting uses no
// other algorithm on personal data.
func NewBoxWith(master []byte, cipherName string) (*Box, error) {
	if len(master) != KeySize {
		return nil, errors.New("secret: master key must be 32 bytes")
	}
	if _, ok := prefixes[cipherName]; !ok {
		return nil, fmt.Errorf("secret: unknown field cipher %q: use %s", cipherName, strings.Join(Ciphers, " or "))
	}
	ab, err := aes.NewCipher(derive(sha256.New, master, "gongzhi field encryption v1"))
	if err != nil {
		return nil, err
	}
	sb, err := sm4.NewCipher(derive(sm3.New, master, "gongzhi field encryption sm4 v1")[:sm4.BlockSize])
	if err != nil {
		return nil, err
	}
	b := &Box{cipher: cipherName, aeads: map[string]cipher.AEAD{}, hashes: map[string]hashKey{
		CipherAES: {sha256.New, derive(sha256.New, master, "gongzhi lookup hash v1")},
		CipherSM4: {sm3.New, derive(sm3.New, master, "gongzhi lookup hash sm3 v1")},
	}}
	for c, block := range map[string]cipher.Block{CipherAES: ab, CipherSM4: sb} {
		if b.aeads[c], err = cipher.NewGCM(block); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// With returns a box with the same keys that seals and hashes with another cipher.
func (b *Box) With(cipherName string) (*Box, error) {
	if _, ok := prefixes[cipherName]; !ok {
		return nil, fmt.Errorf("secret: unknown field cipher %q: use %s", cipherName, strings.Join(Ciphers, " or "))
	}
	c := *b
	c.cipher = cipherName
	return &c, nil
}

// Cipher names the cipher the box seals and hashes with.
func (b *Box) Cipher() string { return b.cipher }

// DeriveKey returns a 32-byte key for another purpose (a label such as "gongzhi public log
// signing v1"), derived with HMAC-SHA256 from the box's keys: stable for one master key whatever
// the field cipher, independent of every other label's key, and useless for recovering the master.
func (b *Box) DeriveKey(label string) []byte {
	return derive(sha256.New, b.hashes[CipherAES].key, "derived: "+label)
}

func derive(h func() hash.Hash, master []byte, label string) []byte {
	m := hmac.New(h, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plain text with the box's cipher; the result is the cipher's prefix ("v1:" or
// "sm4:") and base64 of nonce and cipher text. The context (for example "people.id_number") is
// bound as additional data, so a value cannot be moved to another column unnoticed.
func (b *Box) Seal(plain, context string) string {
	aead := b.aeads[b.cipher]
	nonce := Random(aead.NonceSize())
	out := aead.Seal(nonce, nonce, []byte(plain), []byte(context))
	return prefixes[b.cipher] + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts what Seal produced with the same context, with the cipher its prefix names.
func (b *Box) Open(sealed, context string) (string, error) {
	c := SealedWith(sealed)
	if c == "" {
		return "", errors.New("secret: unknown format")
	}
	aead := b.aeads[c]
	data, err := base64.RawStdEncoding.DecodeString(sealed[len(prefixes[c]):])
	if err != nil || len(data) < aead.NonceSize() {
		return "", errors.New("secret: corrupt value")
	}
	plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(context))
	if err != nil {
		return "", errors.New("secret: cannot decrypt (wrong key?)")
	}
	return string(plain), nil
}

// Hash returns a keyed hash of a value (HMAC-SHA256, or HMAC-SM3 when the box seals with SM4),
// equal for equal values, useless without the key. Both are 64 hex characters: which one a
// stored hash is follows from the cipher of the value it was stored with.
func (b *Box) Hash(value, context string) string {
	k := b.hashes[b.cipher]
	m := hmac.New(k.h, k.key)
	m.Write([]byte(context))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// Integrity hashes: the unkeyed digest that chains and checks records (the audit log's hash
// chain, the ledger's digests). SM3 answers GB/T 39786; SHA-256 is the default.
const (
	IntegritySHA256 = "sha256"
	IntegritySM3    = "sm3"
)

// IntegrityHashes lists the integrity hashes, the default first.
var IntegrityHashes = []string{IntegritySHA256, IntegritySM3}

// IntegrityHash returns the constructor of the integrity hash named (sha256 or sm3; "" is
// sha256). Both give 32 bytes.
func IntegrityHash(name string) (func() hash.Hash, error) {
	switch name {
	case IntegritySHA256, "":
		return sha256.New, nil
	case IntegritySM3:
		return sm3.New, nil
	}
	return nil, fmt.Errorf("unknown integrity hash %q: use %s", name, strings.Join(IntegrityHashes, " or "))
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
