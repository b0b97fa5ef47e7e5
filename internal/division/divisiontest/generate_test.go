// Tests of the synthetic list: valid, parents first, about the real national size with 31
// provinces, deterministic, and its arguments and write errors checked.

package divisiontest

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"gongzhi/internal/division"
)

const realTotal = 665276

func TestGenerate(t *testing.T) {
	provinces := 31
	if testing.Short() {
		provinces = 2
	}
	var buf bytes.Buffer
	rows, err := Generate(&buf, provinces)
	if err != nil {
		t.Fatal(err)
	}
	r, err := division.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if r.Format() != division.FormatGeneric {
		t.Fatalf("Format = %v", r.Format())
	}
	seen := make(map[string]bool, rows)
	var perLevel [6]int
	n := 0
	for {
		d, err := r.Next() // Next validates every row
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if seen[d.Code] {
			t.Fatalf("duplicate code %s", d.Code)
		}
		if d.ParentCode != "" && !seen[d.ParentCode] {
			t.Fatalf("%s appears before its parent %s", d.Code, d.ParentCode)
		}
		seen[d.Code] = true
		perLevel[d.Level]++
		n++
	}
	if n != rows {
		t.Fatalf("read %d rows, Generate reported %d", n, rows)
	}
	if len(r.Skipped()) != 0 {
		t.Fatalf("skipped %v", r.Skipped())
	}
	t.Logf("provinces=%d: %d rows, per level %v", provinces, rows, perLevel[1:])
	if perLevel[1] != provinces {
		t.Errorf("provinces = %d, want %d", perLevel[1], provinces)
	}
	if provinces == 31 {
		if lo, hi := realTotal*95/100, realTotal*105/100; rows < lo || rows > hi {
			t.Errorf("rows = %d, want within ±5%% of %d", rows, realTotal)
		}
	}

	var again bytes.Buffer
	if _, err := Generate(&again, provinces); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("Generate is not deterministic")
	}
}

func TestGenerateArgs(t *testing.T) {
	tests := []struct {
		name      string
		provinces int
		wantErr   bool
	}{
		{"zero", 0, false},
		{"one", 1, false},
		{"max", MaxGenerateProvinces, false},
		{"negative", -1, true},
		{"too many", MaxGenerateProvinces + 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if testing.Short() && tt.provinces > 2 {
				t.Skip("large output")
			}
			rows, err := Generate(io.Discard, tt.provinces)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Generate(%d) = %d, %v", tt.provinces, rows, err)
			}
			if tt.provinces == 0 && rows != 0 {
				t.Errorf("rows = %d, want 0", rows)
			}
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestGenerateWriteError(t *testing.T) {
	if _, err := Generate(failWriter{}, 1); err == nil {
		t.Fatal("want write error")
	}
}
