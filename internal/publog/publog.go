// Package publog is the instance's public ledger (公开账本, issue 12 part 1; DOMAIN.md §8;
// docs/ledger.md): an append-only Merkle log served as C2SP tlog-tiles under /log/, with RFC 6962
// hashing and proofs from golang.org/x/mod/sumdb/tlog and checkpoints signed as C2SP signed
// notes with golang.org/x/mod/sumdb/note (Ed25519).
//
// A capability adds a record with Append in the same transaction as the change it records, so
// there is never a change without its record. The record waits as pending; Integrate (the
// integration job, every second on each instance and every minute as a River job) gives pending
// records their leaf indexes in batches under one row lock, stores the tree's hashes and tiles
// and signs a new checkpoint. Records name people only by Pseudonym.
package publog

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"gongzhi"
	"gongzhi/internal/store"
)

// Record is one canonical entry of the ledger: a type ("voucher.issued", "payment.made", …), the
// version of that type's fields, and a body of plain fields: strings, booleans, integers (money
// in fen), and lists of strings or integers. No personal data: people appear only as Pseudonym
// values. docs/ledger.md lists the types, their versions and fields.
type Record struct {
	Type    string
	Version int
	Body    map[string]any
}

var (
	typeRE  = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)
	fieldRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// Validate refuses a record that cannot be encoded canonically: a malformed type, a version
// below 1, a field name not in snake case, or a value of another kind than the plain ones
// (floats are refused: amounts are integers in fen).
func (r Record) Validate() error {
	if !typeRE.MatchString(r.Type) {
		return gongzhi.Invalid("type", "format")
	}
	if r.Version < 1 {
		return gongzhi.Invalid("version", "range")
	}
	for k, v := range r.Body {
		if !fieldRE.MatchString(k) {
			return gongzhi.Invalid("body", "field_name")
		}
		switch v.(type) {
		case nil, string, bool, int, int32, int64, uint32, []string, []int64, []int:
		default:
			return gongzhi.Invalid("body."+k, "kind")
		}
	}
	return nil
}

// entry is the JSON form of a record on the log.
type entry struct {
	Type    string         `json:"type"`
	Version int            `json:"v"`
	Body    map[string]any `json:"body"`
}

// Encode returns the record's canonical bytes, the leaf data of the log: one line of JSON
// {"type":…,"v":…,"body":{…}} with the body's keys sorted, no insignificant space and no HTML
// escaping. Every implementation that decodes it gets the same fields back.
func (r Record) Encode() ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	body := r.Body
	if body == nil {
		body = map[string]any{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(entry{r.Type, r.Version, body}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Decode parses a record's canonical bytes (numbers come back as json.Number) and checks that
// they are canonical: encoding the result again gives the same bytes.
func Decode(data []byte) (Record, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	d.DisallowUnknownFields()
	var e entry
	if err := d.Decode(&e); err != nil {
		return Record{}, fmt.Errorf("publog: not a record: %w", err)
	}
	r := Record(e)
	plain := map[string]any{}
	for k, v := range e.Body {
		plain[k] = plainValue(v)
	}
	again, err := Record{Type: e.Type, Version: e.Version, Body: plain}.Encode()
	if err != nil {
		return Record{}, err
	}
	if !bytes.Equal(again, data) {
		return Record{}, fmt.Errorf("publog: record is not in canonical form")
	}
	return r, nil
}

// plainValue turns a decoded JSON value back into a kind Validate accepts.
func plainValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n
		}
		return string(x) // refused as a string of a different encoding: not canonical
	case []any:
		var ss []string
		var ns []int64
		for _, e := range x {
			switch y := e.(type) {
			case string:
				ss = append(ss, y)
			case json.Number:
				n, _ := strconv.ParseInt(string(y), 10, 64)
				ns = append(ns, n)
			}
		}
		if len(ns) > 0 {
			return ns
		}
		if ss == nil {
			ss = []string{}
		}
		return ss
	}
	return v
}

// Append adds rec to the ledger in the caller's transaction (q must be a transaction's handle)
// and returns its sequence number, which names it until and after integration; its leaf index
// (Index) follows once the integration job has run. Never a change without its record: if the
// transaction rolls back, the record goes with it. EINVALID for a record Validate refuses.
func Append(ctx context.Context, q *store.Q, rec Record) (int64, error) {
	if !q.InTx() {
		return 0, fmt.Errorf("publog: Append outside a transaction")
	}
	data, err := rec.Encode()
	if err != nil {
		return 0, err
	}
	seq, err := q.InsertLogRecord(ctx, rec.Type, rec.Version, string(data), time.Now())
	if err == nil {
		q.AfterCommit(committed)
	}
	return seq, err
}

// Index returns the leaf index of the record with sequence number seq, and false while it is
// still pending. ENOTFOUND for an unknown seq.
func Index(ctx context.Context, q *store.Q, seq int64) (int64, bool, error) {
	r, err := q.LogRecordBySeq(ctx, seq)
	if err != nil || r.Index < 0 {
		return 0, false, err
	}
	return r.Index, true, nil
}

// PseudonymKeyLabel is the label the pseudonym key is derived with from the instance's secret
// key (secret.Box.DeriveKey).
const PseudonymKeyLabel = "gongzhi public log pseudonyms v1"

// Pseudonym is a person's per-instance pseudonym on the ledger: "p-" and 24 hex digits of
// HMAC-SHA256 with key (derived from the instance's secret key: Log.PseudonymKey) over the
// person's id. Stable for one instance, not reversible without the key, different on another
// instance. The *Log the app wires has the same as a method.
func Pseudonym(key []byte, personID int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("person\x00" + strconv.FormatInt(personID, 10)))
	return "p-" + hex.EncodeToString(m.Sum(nil)[:12])
}
