package secret

import "testing"

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
