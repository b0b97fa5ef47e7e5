package publogweb

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"gongzhi"
	"gongzhi/internal/publog"
	"gongzhi/internal/web"
)

func (s *Server) routes() {
	s.Handle("GET /log/checkpoint", web.Public, s.logResource)
	s.Handle("GET /log/tile/", web.Public, s.logResource)
	s.Handle("GET /public/ledger", web.Public, s.ledgerPage)
	s.Handle("GET /public/ledger/receipts/{seq}", web.Public, s.receiptPage)
	s.ApiPublic("GET /api/v1/public/ledger", s.apiLedger)
	s.ApiPublic("GET /api/v1/public/ledger/receipts/{seq}", s.apiReceipt)
}

// logResource serves /log/checkpoint and the tiles: text/plain for the checkpoint, kept a few
// seconds at most; full tiles immutable for a year; partial tiles briefly.
func (s *Server) logResource(w http.ResponseWriter, r *http.Request) error {
	path := strings.TrimPrefix(r.URL.Path, "/log/")
	b, immutable, err := s.log.ServeLog(r.Context(), path)
	if err != nil {
		if gongzhi.ErrorCode(err) == gongzhi.ENOTFOUND {
			http.NotFound(w, r)
			return nil
		}
		return err
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	switch {
	case path == "checkpoint":
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Cache-Control", "no-cache, max-age=2")
	case immutable:
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	default:
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Cache-Control", "public, max-age=5")
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, err = w.Write(b)
	return err
}

// ledgerView is the ledger page's data.
type ledgerView struct {
	*publog.Overview
	Records []recordView
}

type recordView struct {
	publog.Item
	Name string // the type in words
}

func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request) error {
	if !publog.MayReadLedger(web.ActorOf(r)) {
		return gongzhi.Forbidden()
	}
	lang := web.LangOf(r)
	o, err := s.log.Overview(r.Context())
	if err != nil {
		return err
	}
	v := &ledgerView{Overview: o}
	for _, it := range o.Recent {
		v.Records = append(v.Records, recordView{Item: it, Name: typeName(lang, it.Type)})
	}
	s.Render(w, r, http.StatusOK, "ledger", &web.Page{Title: web.T(lang, "publog.title"), Active: "/public", Data: v})
	return nil
}

// typeName is a record type in words, the type itself when it has none.
func typeName(lang, typ string) string {
	if t := web.T(lang, "publog.type."+typ); t != "publog.type."+typ {
		return t
	}
	return typ
}

// receiptView is the receipt page's data.
type receiptView struct {
	Seq    int64
	Index  int64
	Name   string
	Record string
	Text   string
	QR     template.HTML
	Size   int64
	Origin string
	VKey   string
}

func (s *Server) receipt(r *http.Request) (*publog.Receipt, int64, error) {
	if !publog.MayReadLedger(web.ActorOf(r)) {
		return nil, 0, gongzhi.Forbidden()
	}
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq <= 0 {
		return nil, 0, gongzhi.NotFound()
	}
	rc, err := s.log.Receipt(r.Context(), seq)
	return rc, seq, err
}

func (s *Server) receiptPage(w http.ResponseWriter, r *http.Request) error {
	rc, seq, err := s.receipt(r)
	if err != nil {
		return err
	}
	lang := web.LangOf(r)
	text := rc.Text()
	if r.URL.Query().Get("format") == "text" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="receipt-%d.tlog-proof"`, seq))
		_, err := w.Write([]byte(text))
		return err
	}
	qr, err := qrSVG(text)
	if err != nil {
		return err
	}
	c, err := publog.ParseCheckpoint(strings.SplitN(rc.Checkpoint, "\n\n", 2)[0] + "\n")
	if err != nil {
		return err
	}
	rec, _ := publog.Decode(rc.Record)
	v := &receiptView{Seq: seq, Index: rc.Index, Name: typeName(lang, rec.Type), Record: string(rc.Record), Text: text, QR: qr,
		Size: c.Size, Origin: s.log.Origin, VKey: s.log.VKey}
	s.Render(w, r, http.StatusOK, "ledger_receipt", &web.Page{Title: web.T(lang, "publog.receipt_title"), Active: "/public", Data: v})
	return nil
}

// receiptBody is a receipt as the API returns it.
type receiptBody struct {
	Seq     int64  `json:"seq"`
	Index   int64  `json:"index"`
	Record  string `json:"record"`
	Receipt string `json:"receipt"` // the text form
	VKey    string `json:"vkey"`
}

func (s *Server) apiLedger(w http.ResponseWriter, r *http.Request) error {
	if !publog.MayReadLedger(web.ActorOf(r)) {
		return gongzhi.Forbidden()
	}
	o, err := s.log.Overview(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) apiReceipt(w http.ResponseWriter, r *http.Request) error {
	rc, seq, err := s.receipt(r)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, receiptBody{Seq: seq, Index: rc.Index, Record: string(rc.Record), Receipt: rc.Text(), VKey: s.log.VKey})
	return nil
}

// qrSVG draws a receipt as a QR code (web.QRSVG).
func qrSVG(text string) (template.HTML, error) { return web.QRSVG(text, 320, true) }
