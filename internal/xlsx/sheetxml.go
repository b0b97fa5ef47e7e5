// A second streaming pass over a worksheet's XML that collects what
// excelize's row iterator does not expose (each cell's type and style, and
// the merged ranges), so Read never loads a whole worksheet into memory.

package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxPartSize bounds the small package parts (relationships, workbook) read
// here.
const maxPartSize = 16 << 20

// cellInfo is a cell's type attribute ("" or "n" number, "s", "str",
// "inlineStr", "b", "e", "d") and style index.
type cellInfo struct {
	t  string
	s  int
	ok bool // the cell was seen
}

// zipParts indexes a package's parts by normalized name.
type zipParts map[string]*zip.File

func newZipParts(data []byte) (zipParts, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	parts := make(zipParts, len(zr.File))
	for _, f := range zr.File {
		parts[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))] = f
	}
	return parts, nil
}

func (p zipParts) open(name string) (io.ReadCloser, error) {
	f, ok := p[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("xlsx: part %s not found", name)
	}
	return f.Open()
}

// decode unmarshals a small part.
func (p zipParts) decode(name string, v any) error {
	rc, err := p.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, maxPartSize)).Decode(v)
}

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbook struct {
	Sheets []struct {
		Name  string     `xml:"name,attr"`
		Attrs []xml.Attr `xml:",any,attr"`
	} `xml:"sheets>sheet"`
}

// sheetPath finds the part holding the named worksheet, as excelize does:
// package rels -> workbook -> workbook rels.
func (p zipParts) sheetPath(sheet string) (string, error) {
	wb := "xl/workbook.xml"
	var root xmlRels
	if err := p.decode("_rels/.rels", &root); err == nil {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wb = strings.TrimPrefix(r.Target, "/")
			}
		}
	}
	var book xmlWorkbook
	if err := p.decode(wb, &book); err != nil {
		return "", err
	}
	dir := path.Dir(wb)
	var rels xmlRels
	if err := p.decode(path.Join(dir, "_rels", path.Base(wb)+".rels"), &rels); err != nil {
		return "", err
	}
	for _, s := range book.Sheets {
		if !strings.EqualFold(s.Name, sheet) {
			continue
		}
		var id string
		for _, a := range s.Attrs {
			if a.Name.Local == "id" {
				id = a.Value
			}
		}
		for _, r := range rels.Rels {
			if r.ID == id && id != "" {
				target := strings.ReplaceAll(r.Target, `\`, "/")
				if strings.HasPrefix(target, "/") {
					return strings.TrimPrefix(path.Clean(target), "/"), nil
				}
				return strings.TrimPrefix(path.Join(dir, target), "/"), nil
			}
		}
	}
	return "", fmt.Errorf("xlsx: worksheet %q not found in package", sheet)
}

// scanCellInfo streams the sheet XML and fills rd.info for the kept data
// rows and matched columns, and rd.merges.
func (rd *reader) scanCellInfo(parts zipParts) error {
	name, err := parts.sheetPath(rd.sheet)
	if err != nil {
		return err
	}
	rc, err := parts.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()

	rowOf := make(map[int]int, len(rd.data)) // line -> index in rd.data
	for i, r := range rd.data {
		rowOf[r.line] = i
	}
	colOf := make(map[int]int, len(rd.cols)) // 1-based sheet column -> cols index
	for i, j := range rd.colOf {
		if j >= 0 {
			colOf[j+1] = i
		}
	}
	info := make([][]cellInfo, len(rd.data))
	for i := range info {
		info[i] = make([]cellInfo, len(rd.cols))
	}
	var merges [][4]int

	d := xml.NewDecoder(rc)
	line, col := 0, 0
	var cur []cellInfo // info row of the current line, nil if not kept
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "row":
			line++
			if v := attr(se, "r"); v != "" {
				if n, err := strconv.Atoi(v); err == nil {
					line = n
				}
			}
			col = 0
			cur = nil
			if i, ok := rowOf[line]; ok {
				cur = info[i]
			}
		case "c":
			col++
			if v := attr(se, "r"); v != "" {
				if c, _, err := excelize.CellNameToCoordinates(v); err == nil {
					col = c
				}
			}
			if cur == nil {
				continue
			}
			if i, ok := colOf[col]; ok {
				ci := cellInfo{t: attr(se, "t"), ok: true}
				if v := attr(se, "s"); v != "" {
					ci.s, _ = strconv.Atoi(v)
				}
				cur[i] = ci
			}
		case "mergeCell":
			ref := attr(se, "ref")
			first, last, _ := strings.Cut(ref, ":")
			if last == "" {
				last = first
			}
			c1, r1, err1 := excelize.CellNameToCoordinates(first)
			c2, r2, err2 := excelize.CellNameToCoordinates(last)
			if err := errors.Join(err1, err2); err == nil {
				merges = append(merges, [4]int{min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)})
			}
		}
	}
	rd.info, rd.merges = info, merges
	return nil
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
