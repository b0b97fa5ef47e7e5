package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm4"
)

func TestBox(t *testing.T) {
	key, err := ParseKey(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewBox(key)
	s := b.Seal("32011619800101001X", "people.id_number")
	if got, err := b.Open(s, "people.id_number"); err != nil || got != "32011619800101001X" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := b.Open(s, "other.column"); err == nil {
		t.Fatal("opened with the wrong context")
	}
	// two seals of the same text differ (a fresh nonce each time); two hashes agree
	if s1, s2 := b.Seal("x", "c"), b.Seal("x", "c"); s1 == s2 {
		t.Fatal("sealing is deterministic")
	}
	if h1, h2 := b.Hash("x", "c"), b.Hash("x", "c"); h1 != h2 || h1 == b.Hash("y", "c") {
		t.Fatal("hash")
	}
	other, _ := NewBox(Random(32))
	if _, err := other.Open(s, "people.id_number"); err == nil {
		t.Fatal("opened with another key")
	}
	if _, err := ParseKey("short"); err == nil {
		t.Fatal("accepted a short key")
	}
}

func TestPassword(t *testing.T) {
	a := Argon2{Time: 1, Memory: 1024, Threads: 1}
	h := a.HashPassword("Correct-Horse-9")
	if !CheckPassword(h, "Correct-Horse-9") || CheckPassword(h, "Correct-Horse-8") || CheckPassword("garbage", "x") {
		t.Fatal("password check")
	}
}

func TestSM4Box(t *testing.T) {
	key, _ := ParseKey(NewKey())
	aesBox, _ := NewBox(key)
	smBox, err := NewBoxWith(key, CipherSM4)
	if err != nil {
		t.Fatal(err)
	}
	if aesBox.Cipher() != CipherAES || smBox.Cipher() != CipherSM4 {
		t.Fatalf("ciphers %q %q", aesBox.Cipher(), smBox.Cipher())
	}
	s := smBox.Seal("32011619800101001X", "people.id_number")
	if !strings.HasPrefix(s, "sm4:") || SealedWith(s) != CipherSM4 {
		t.Fatalf("SM4 value %q names %q", s, SealedWith(s))
	}
	a := aesBox.Seal("32011619800101001X", "people.id_number")
	if !strings.HasPrefix(a, "v1:") || SealedWith(a) != CipherAES {
		t.Fatalf("AES value %q names %q", a, SealedWith(a))
	}
	// either box opens what either sealed: a database is readable while it is being switched
	for _, b := range []*Box{aesBox, smBox} {
		for _, v := range []string{s, a} {
			if got, err := b.Open(v, "people.id_number"); err != nil || got != "32011619800101001X" {
				t.Fatalf("%s box opening %.8s…: %q %v", b.Cipher(), v, got, err)
			}
			if _, err := b.Open(v, "complaints.contact_name"); err == nil {
				t.Fatalf("%s box opened %.8s… with the wrong context", b.Cipher(), v)
			}
		}
	}
	// a value whose prefix is changed does not open with the other cipher
	if _, err := aesBox.Open("v1:"+strings.TrimPrefix(s, "sm4:"), "people.id_number"); err == nil {
		t.Fatal("an SM4 value opened as AES")
	}
	other, _ := NewBoxWith(Random(32), CipherSM4)
	if _, err := other.Open(s, "people.id_number"); err == nil {
		t.Fatal("opened with another key")
	}
	// the lookup hashes differ by cipher, each stable; With switches both ways
	h1, h2 := aesBox.Hash("x", "c"), smBox.Hash("x", "c")
	if h1 == h2 || len(h2) != 64 || h2 != smBox.Hash("x", "c") || h2 == smBox.Hash("y", "c") {
		t.Fatalf("hashes %s %s", h1, h2)
	}
	if back, _ := smBox.With(CipherAES); back.Hash("x", "c") != h1 || !strings.HasPrefix(back.Seal("x", "c"), "v1:") {
		t.Fatal("With(aes)")
	}
	if _, err := NewBoxWith(key, "des"); err == nil {
		t.Fatal("unknown cipher accepted")
	}
	if _, err := aesBox.With("rot13"); err == nil {
		t.Fatal("unknown cipher accepted by With")
	}
}

// TestAESUnchanged: values sealed and hashed before the cipher became a choice still open and
// still match: the AES keys are derived and used as they always were.
func TestAESUnchanged(t *testing.T) {
	master := Random(KeySize)
	derived := func(label string) []byte {
		m := hmac.New(sha256.New, master)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	block, _ := aes.NewCipher(derived("gongzhi field encryption v1"))
	aead, _ := cipher.NewGCM(block)
	nonce := Random(aead.NonceSize())
	old := "v1:" + base64.RawStdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte("320116198001010011"), []byte("people.id_number")))
	m := hmac.New(sha256.New, derived("gongzhi lookup hash v1"))
	m.Write([]byte("people.id_number\x00320116198001010011"))
	oldHash := hex.EncodeToString(m.Sum(nil))
	for _, c := range Ciphers {
		b, _ := NewBoxWith(master, c)
		if got, err := b.Open(old, "people.id_number"); err != nil || got != "320116198001010011" {
			t.Fatalf("%s box on an old value: %q %v", c, got, err)
		}
	}
	b, _ := NewBox(master)
	if b.Hash("320116198001010011", "people.id_number") != oldHash {
		t.Fatal("the AES lookup hash changed")
	}
}

// TestGMKnownAnswers checks the SM3 and SM4 implementations against the standards' examples
// (GB/T 32905-2016 appendix A, GB/T 32907-2016 appendix A).
func TestGMKnownAnswers(t *testing.T) {
	h, err := IntegrityHash(IntegritySM3)
	if err != nil {
		t.Fatal(err)
	}
	d := h()
	d.Write([]byte("abc"))
	if got := hex.EncodeToString(d.Sum(nil)); got != "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0" {
		t.Fatalf("SM3(abc) = %s", got)
	}
	k, _ := hex.DecodeString("0123456789abcdeffedcba9876543210")
	block, err := sm4.NewCipher(k)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 16)
	block.Encrypt(out, k)
	if got := hex.EncodeToString(out); got != "681edf34d206965e86b3e94f536e4246" {
		t.Fatalf("SM4 = %s", got)
	}
	for _, name := range []string{"", IntegritySHA256} {
		if h, err := IntegrityHash(name); err != nil || h().Size() != sha256.Size {
			t.Fatalf("IntegrityHash(%q): %v", name, err)
		}
	}
	if _, err := IntegrityHash("md5"); err == nil {
		t.Fatal("md5 accepted as an integrity hash")
	}
}
