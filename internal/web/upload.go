// Uploads: the one way a form takes a file (application attachments, ledger evidence, answers to
// rectification orders). The limit a form states and the limit the server applies are the same
// number (UploadLimit), and a refused file (missing, of a type not taken, too large) comes back
// as a reason beside the form's file field ("file"), for the page to show the form again.

package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

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
// was refused.
type UploadWidget struct {
	Action string
	Label  string
	Accept string
	Error  string
	Submit string
}

// ReceiveUpload reads the request's "file" and stores it, at most limit bytes (UploadLimit), of a
// name nameOK accepts (nil: any the file store takes). A refusal names the field "file": no file
// (err.no_file), too large (ETOOLARGE, upload.too_large:LIMIT), a type not taken (typeReason);
// any other error is the file store's.
func (s *Server) ReceiveUpload(w http.ResponseWriter, r *http.Request, limit int64, nameOK func(string) bool, typeReason string) (*Upload, error) {
	if r.MultipartForm == nil {
		r.Body = http.MaxBytesReader(w, r.Body, limit+1<<16)
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || strings.Contains(err.Error(), "too large") {
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
