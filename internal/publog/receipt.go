// Receipts: a record with the proof that the log holds it, verifiable offline with the log's
// public key (docs/ledger.md, "Receipts").
//
// The text form is a header line, the record's canonical bytes on one line, an empty line, and a
// C2SP tlog-proof (c2sp.org/tlog-proof@v1: the index, the RFC 6962 inclusion proof from the
// leaf's sibling up, an empty line, the signed checkpoint verbatim):
//
//	gongzhi.receipt@v1
//	{"type":"payment.made","v":1,"body":{…}}
//
//	c2sp.org/tlog-proof@v1
//	index 41
//	<base64 hash>
//	…
//
//	gongzhi.example/1a2b3c4d
//	42
//	<base64 root>
//
//	— gongzhi.example/1a2b3c4d <base64 signature>

package publog

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"gongzhi/internal/store"
)

const (
	receiptHeader = "gongzhi.receipt@v1"
	proofHeader   = "c2sp.org/tlog-proof@v1"
)

// Receipt is a record, its leaf index, the inclusion proof and the signed checkpoint it is
// proved against.
type Receipt struct {
	Record     []byte
	Index      int64
	Proof      tlog.RecordProof
	Checkpoint string // signed note
}

// MakeReceipt returns the receipt of the record with sequence number seq against the latest
// checkpoint; ENOTFOUND while the record is still pending.
func MakeReceipt(ctx context.Context, q *store.Q, seq int64) (*Receipt, error) {
	e, err := EntryBySeq(ctx, q, seq)
	if err != nil {
		return nil, err
	}
	signed, c, err := LatestCheckpoint(ctx, q)
	if err != nil {
		return nil, err
	}
	if err := checkSize(e.Index, c.Size); err != nil {
		return nil, err
	}
	p, err := tlog.ProveRecord(c.Size, e.Index, storeHashReader(ctx, q))
	if err != nil {
		return nil, err
	}
	return &Receipt{Record: e.Data, Index: e.Index, Proof: p, Checkpoint: signed}, nil
}

// Text returns the receipt's text form.
func (r *Receipt) Text() string {
	var b strings.Builder
	b.WriteString(receiptHeader + "\n")
	b.Write(r.Record)
	b.WriteString("\n\n" + proofHeader + "\nindex " + strconv.FormatInt(r.Index, 10) + "\n")
	for _, h := range r.Proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	b.WriteString("\n" + r.Checkpoint)
	return b.String()
}

// ParseReceipt reads a receipt's text form (line ends \r\n are read as \n).
func ParseReceipt(text []byte) (*Receipt, error) {
	s := strings.ReplaceAll(string(text), "\r\n", "\n")
	head, rest, ok := strings.Cut(s, "\n")
	if !ok || head != receiptHeader {
		return nil, errors.New("receipt: first line must be " + receiptHeader)
	}
	rec, rest, ok := strings.Cut(rest, "\n\n")
	if !ok || rec == "" || strings.Contains(rec, "\n") {
		return nil, errors.New("receipt: the record must be one line followed by an empty line")
	}
	r := &Receipt{Record: []byte(rec)}
	lines := strings.Split(rest, "\n")
	if len(lines) < 3 || lines[0] != proofHeader {
		return nil, errors.New("receipt: no " + proofHeader + " after the record")
	}
	i := 1
	if strings.HasPrefix(lines[i], "extra ") {
		i++
	}
	idx, ok := strings.CutPrefix(lines[i], "index ")
	n, err := strconv.ParseInt(idx, 10, 64)
	if !ok || err != nil || n < 0 || strconv.FormatInt(n, 10) != idx {
		return nil, errors.New("receipt: bad index line")
	}
	r.Index = n
	for i++; i < len(lines) && lines[i] != ""; i++ {
		h, err := base64.StdEncoding.Strict().DecodeString(lines[i])
		if err != nil || len(h) != tlog.HashSize {
			return nil, fmt.Errorf("receipt: bad proof hash on line %d", i+1)
		}
		r.Proof = append(r.Proof, tlog.Hash(h))
	}
	if i >= len(lines) {
		return nil, errors.New("receipt: no checkpoint")
	}
	r.Checkpoint = strings.Join(lines[i+1:], "\n")
	return r, nil
}

// VerifyReceipt checks a receipt offline with the log's verifier key: the checkpoint's
// signature and origin, the inclusion proof of the record's hash at its index in the
// checkpoint's tree, and that the record is a canonical record. It returns the record and the
// checkpoint.
func VerifyReceipt(text []byte, vkey string) (Record, Checkpoint, *Receipt, error) {
	r, err := ParseReceipt(text)
	if err != nil {
		return Record{}, Checkpoint{}, nil, err
	}
	c, err := OpenCheckpoint([]byte(r.Checkpoint), vkey)
	if err != nil {
		return Record{}, Checkpoint{}, nil, err
	}
	if err := checkSize(r.Index, c.Size); err != nil {
		return Record{}, c, nil, err
	}
	if err := tlog.CheckRecord(r.Proof, c.Size, c.Root, r.Index, tlog.RecordHash(r.Record)); err != nil {
		return Record{}, c, nil, fmt.Errorf("receipt: the record is not at index %d of the checkpoint's tree: %w", r.Index, err)
	}
	rec, err := Decode(r.Record)
	if err != nil {
		return Record{}, c, nil, err
	}
	return rec, c, r, nil
}
