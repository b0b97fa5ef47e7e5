// CSV sheets for the imports: the same columns as the Excel templates (xlsx.Column), read from a
// UTF-8, comma-separated file whose first line holds the headers, for lists too large for a
// workbook. Problems are reported like xlsx.Read reports them: by line and column.

package registry

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"gongzhi/internal/xlsx"
)

// readCSV reads the rows of a CSV file with the given columns. Headers are matched like the
// template's (with or without the '*' of a required column), or by column key. A missing
// required column, a duplicate column or an empty required cell is a problem of its line; they
// come back together as xlsx.Errors with the rows read. More than maxRows data rows (0: no
// limit) is xlsx.ErrTooManyRows.
func readCSV(r io.Reader, cols []xlsx.Column, maxRows int) ([]xlsx.Row, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	if bom, _ := br.Peek(3); string(bom) == "\xef\xbb\xbf" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, xlsx.ErrNoHeader
	} else if err != nil {
		return nil, fmt.Errorf("%w: %v", xlsx.ErrNoHeader, err)
	}
	keyAt := make([]string, len(header)) // column index → key ("" if not ours)
	seen := map[string]bool{}
	var errs xlsx.Errors
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(xlsx.FoldWidth(h)), "*"))
		for _, c := range cols {
			if h == xlsx.FoldWidth(c.Header) || h == c.Key {
				if seen[c.Key] {
					errs.Add(1, c, xlsx.ReasonDuplicateColumn)
				}
				seen[c.Key] = true
				keyAt[i] = c.Key
			}
		}
	}
	if len(seen) == 0 {
		return nil, xlsx.ErrNoHeader
	}
	for _, c := range cols {
		if c.Required && !seen[c.Key] {
			errs.Add(1, c, xlsx.ReasonMissingColumn)
		}
	}
	var rows []xlsx.Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%w: line %d: %v", xlsx.ErrNotExcel, pe.Line, pe.Err)
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		vals := make(map[string]string, len(cols))
		empty := true
		for i, v := range rec {
			if i < len(keyAt) && keyAt[i] != "" {
				v = strings.TrimSpace(v)
				vals[keyAt[i]] = v
				if v != "" {
					empty = false
				}
			}
		}
		if empty {
			continue
		}
		for k := range seen {
			if _, ok := vals[k]; !ok {
				vals[k] = "" // a short line: the column is present, the cell empty
			}
		}
		if maxRows > 0 && len(rows) == maxRows {
			return nil, xlsx.ErrTooManyRows
		}
		for _, c := range cols {
			if c.Required && seen[c.Key] && vals[c.Key] == "" {
				errs.Add(line, c, xlsx.ReasonRequired)
			}
		}
		rows = append(rows, xlsx.Row{Line: line, Values: vals})
	}
	if len(errs) > 0 {
		return rows, errs
	}
	return rows, nil
}

// ReadCSV is readCSV for the imports of other capabilities (the past contracts).
func ReadCSV(r io.Reader, cols []xlsx.Column, maxRows int) ([]xlsx.Row, error) {
	return readCSV(r, cols, maxRows)
}
