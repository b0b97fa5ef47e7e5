// Uploads: the one way a form takes a file (application attachments, ledger evidence, answers to
// rectification orders). The limit a form states and the limit the server applies are the same
// number (UploadLimit), and a refused file (missing, of a type not taken, too large) comes back
// as a reason beside the form's file field ("file"), for the page to show the form again.

package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"gongzhi"
	"gongzhi/internal/files"
)

// UploadLimit is the largest file a form takes for a record whose own limit is max (for example
// gongzhi.MaxAttachmentSize): the smaller of it and the server's limit on uploads.
func (s *Server) UploadLimit(max int64) int64 { return min(s.Opts.MaxUpload, max) }

// SizeText writes a limit in bytes for people: "10 MiB", "512 KiB".
func SizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// Upload is a file received and stored in the file store.
type Upload struct {
	Name        string
	SHA256      string
	Size        int64
	ContentType string
}

// UploadWidget is the file field of an upload form (the "upload" template): where it posts, the
// label naming the types taken and the limit, what the file input accepts, and the reason a file
// was refused. A form that takes a file with other fields places the field alone (the
// "upload-file" template, without Action and Submit); Optional when a file is not required.
type UploadWidget struct {
	Action   string
	Label    string
	Accept   string
	Error    string
	Submit   string
	Optional bool
}

// ReceiveUpload reads the request's "file" and stores it, at most limit bytes (UploadLimit), of a
// name nameOK accepts (nil: any the file store takes). A refusal names the field "file": no file
// (err.no_file), too large (ETOOLARGE, upload.too_large:LIMIT), a type not taken (typeReason);
// any other error is the file store's.
func (s *Server) ReceiveUpload(w http.ResponseWriter, r *http.Request, limit int64, nameOK func(string) bool, typeReason string) (*Upload, error) {
	if UploadCut(r) {
		return nil, TooLarge(limit)
	}
	orig := r.Body
	if r.MultipartForm == nil {
		r.Body = http.MaxBytesReader(w, r.Body, limit+1<<16)
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || strings.Contains(err.Error(), "too large") {
			discardRest(w, orig)
			return nil, TooLarge(limit)
		}
		return nil, gongzhi.Invalid("file", "err.no_file")
	}
	defer file.Close()
	if nameOK != nil && !nameOK(hdr.Filename) {
		return nil, gongzhi.Invalid("file", typeReason)
	}
	sum, size, ct, err := s.Files.Put(hdr.Filename, file, limit)
	switch {
	case errors.Is(err, files.ErrTooLarge):
		return nil, TooLarge(limit)
	case errors.Is(err, files.ErrType):
		return nil, gongzhi.Invalid("file", typeReason)
	case err != nil:
		return nil, err
	}
	return &Upload{Name: hdr.Filename, SHA256: sum, Size: size, ContentType: ct}, nil
}

// TooLarge refuses a file larger than limit, naming the field "file" and the limit.
func TooLarge(limit int64) *gongzhi.Error {
	return &gongzhi.Error{Code: gongzhi.ETOOLARGE, Message: "err.too_large:" + SizeText(limit),
		Fields: map[string]string{"file": "upload.too_large:" + SizeText(limit)}}
}

// UploadCut tells whether the request's body was larger than the server's upload limit and cut
// off there before the handler ran (checkCSRF): its file is missing, to be refused as too large
// (ReceiveUpload does; a handler reading the file itself must ask).
func UploadCut(r *http.Request) bool { cut, _ := r.Context().Value(keyUploadCut).(bool); return cut }

// ImportFile opens the "file" of an import (a spreadsheet the handler reads itself, as a stream),
// limited to limit bytes: refused as too large beyond it (cut off before the handler or read past
// it), EINVALID (file: err.no_file) without one. csv tells whether it is named .csv. The caller
// closes the file.
func ImportFile(w http.ResponseWriter, r *http.Request, limit int64) (f multipart.File, csv bool, err error) {
	orig := r.Body
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<16)
	if UploadCut(r) {
		return nil, false, TooLarge(limit)
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		if errors.Is(err, http.ErrMissingFile) {
			return nil, false, gongzhi.Invalid("file", "err.no_file")
		}
		err = UploadErr(err, limit)
		if gongzhi.ErrorCode(err) == gongzhi.ETOOLARGE {
			discardRest(w, orig)
		}
		return nil, false, err
	}
	return f, strings.EqualFold(path.Ext(fh.Filename), ".csv"), nil
}

// uploadDrain bounds what is read and thrown away of a body over the limit, and drainTime how
// long: a browser sends the whole body before it reads the answer, and a server that closes the
// connection while the body still arrives resets it, so the person sees "connection reset"
// instead of the form's page naming the limit. Beyond the bound (a body larger than the limit by
// more than uploadDrain, or one sent too slowly), the connection is closed as before.
const (
	uploadDrain = 256 << 20
	drainTime   = 60 * time.Second
)

// discardRest reads and discards the rest of a request body that was refused as too large
// (body is the request's own body, under any limit put on it), within uploadDrain and drainTime.
func discardRest(w http.ResponseWriter, body io.Reader) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(drainTime))
	_, _ = io.CopyN(io.Discard, body, uploadDrain)
}

// uploadHead is how much of a multipart body is kept to read the form's fields before its file
// when the body is too large.
const uploadHead = 64 << 10

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	buf bytes.Buffer
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - h.buf.Len(); room > 0 {
		h.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (h *headBuffer) Bytes() []byte { return h.buf.Bytes() }

type readCloser struct {
	io.Reader
	io.Closer
}

// leadingValues reads the fields of a multipart body that come before its first file, from the
// body's head (what was received of it); a field cut off is left out.
func leadingValues(r *http.Request, head []byte) url.Values {
	vals := url.Values{}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return vals
	}
	mr := multipart.NewReader(bytes.NewReader(head), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil || p.FileName() != "" || p.FormName() == "" {
			return vals
		}
		v, err := io.ReadAll(p)
		if err != nil {
			return vals
		}
		vals.Add(p.FormName(), string(v))
	}
}

// formPage is the page of the form a post came from: the referring page when it is this site's,
// otherwise the post's own address up to its last number, the record whose page has the form
// ("/applications/7/attachments/upload" → "/applications/7"), or without its last step.
func formPage(r *http.Request) string {
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/") {
		if ref.RawQuery != "" {
			return ref.Path + "?" + ref.RawQuery
		}
		return ref.Path
	}
	steps := strings.Split(strings.TrimSuffix(r.URL.Path, "/"), "/")
	for i := len(steps) - 2; i > 0; i-- {
		if _, err := strconv.ParseInt(steps[i], 10, 64); err == nil {
			return strings.Join(steps[:i+1], "/")
		}
	}
	if len(steps) > 2 {
		return strings.Join(steps[:len(steps)-1], "/")
	}
	return "/"
}
