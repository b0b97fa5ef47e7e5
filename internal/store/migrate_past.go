// The Go step of migration 0023_past_corrections: the rebuilt past_contracts table's identity
// sequence on PostgreSQL, and the past-contract imports' audit notes, written as an English
// sentence ("12 rows, 3220000.00 yuan, years 2019 (4) 2020 (8)") before they were note codes,
// read once into gongzhi.PastImportNote. Entries of a sealed day are left as they were written:
// their hashes are in the seal chain, and `gongzhi audit verify` would rightly call a rewrite
// tampering; the audit register still reads those.

package store

import (
	"context"
	"regexp"
	"strconv"

	"gongzhi"
)

// oldPastImportNote is the sentence the import wrote before notes were codes.
var oldPastImportNote = regexp.MustCompile(`^(\d+) rows, ([0-9]+)\.([0-9]{2}) yuan, years((?: \d{4} \(\d+\))*)$`)

var oldPastImportYear = regexp.MustCompile(`(\d{4}) \((\d+)\)`)

// PastImportNoteOf reads an import's old sentence into its note codes; ok is false for anything
// else (a note already in codes, or words the import never wrote).
func PastImportNoteOf(note string) (string, bool) {
	m := oldPastImportNote.FindStringSubmatch(note)
	if m == nil {
		return "", false
	}
	rows, err1 := strconv.Atoi(m[1])
	yuan, err2 := strconv.ParseInt(m[2], 10, 64)
	fen, err3 := strconv.ParseInt(m[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return "", false
	}
	years := map[int]int{}
	for _, y := range oldPastImportYear.FindAllStringSubmatch(m[4], -1) {
		year, _ := strconv.Atoi(y[1])
		n, _ := strconv.Atoi(y[2])
		years[year] += n
	}
	return gongzhi.PastImportNote(rows, gongzhi.Money(yuan*100+fen), years, 0), true
}

func migratePastCorrections(ctx context.Context, q *Q) error {
	if err := q.FixSequence(ctx, "past_contracts"); err != nil {
		return err
	}
	type entry struct {
		id   int64
		note string
	}
	rows, err := q.Query(ctx, `SELECT id, note FROM audit_log WHERE entity = 'past_contracts' AND action = 'import'
		AND id NOT IN (SELECT entry_id FROM audit_seal_entries) ORDER BY id`)
	if err != nil {
		return err
	}
	var es []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.note); err != nil {
			rows.Close()
			return mapErr(err)
		}
		es = append(es, e)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return mapErr(err)
	}
	for _, e := range es {
		if note, ok := PastImportNoteOf(e.note); ok {
			if _, err := q.Exec(ctx, `UPDATE audit_log SET note = ? WHERE id = ?`, note, e.id); err != nil {
				return err
			}
		}
	}
	return nil
}
