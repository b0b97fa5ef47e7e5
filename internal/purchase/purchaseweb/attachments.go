// Attachments of applications: uploaded files kept in the content-addressed file store, their
// name, size, type and SHA-256 recorded by the service layer; downloads only for those who may
// see the application.

package purchaseweb

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"gongzhi"
	"gongzhi/internal/files"
	"gongzhi/internal/web"
)

// uploadAttachment stores a file and attaches it to a draft application (the provider's own).
func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac, lang := web.ActorOf(r), web.LangOf(r)
	limit := min(s.Opts.MaxUpload, int64(gongzhi.MaxAttachmentSize))
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<16)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		if errors.Is(err, http.ErrMissingFile) {
			return gongzhi.Invalid("file", "err.no_file")
		}
		return web.UploadErr(err, limit)
	}
	defer file.Close()
	// the application must be the caller's own, and a draft, before anything is stored
	if _, err := s.svc.Application(r.Context(), ac, id); err != nil {
		return err
	}
	sum, size, ct, err := s.Files.Put(hdr.Filename, file, limit)
	switch {
	case errors.Is(err, files.ErrTooLarge):
		return &gongzhi.Error{Code: gongzhi.ETOOLARGE, Message: "err.too_large:" + strconv.FormatInt(limit>>20, 10) + " MiB"}
	case errors.Is(err, files.ErrType):
		return gongzhi.Invalid("file", "attachment.type")
	case err != nil:
		return err
	}
	att := &gongzhi.Attachment{Name: hdr.Filename, Size: size, SHA256: sum, ContentType: ct}
	if err := s.svc.AddAttachment(r.Context(), ac, id, att); err != nil {
		return err
	}
	if web.IsAPIPath(r) {
		web.WriteJSON(w, http.StatusCreated, att)
		return nil
	}
	return s.Redirect(w, r, "/applications/"+web.FmtInt(id), web.T(lang, "saved"))
}

// downloadAttachment sends an attachment's file to whoever may see the application.
func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	attID, err := strconv.ParseInt(r.PathValue("att"), 10, 64)
	if err != nil {
		return gongzhi.NotFound()
	}
	ap, err := s.svc.Application(r.Context(), web.ActorOf(r), id)
	if err != nil {
		return err
	}
	for _, a := range ap.Attachments {
		if a.ID != attID {
			continue
		}
		f, err := s.Files.Open(a.SHA256)
		if err != nil {
			return gongzhi.NotFound() // metadata recorded without a stored file
		}
		defer f.Close()
		w.Header().Set("Content-Type", a.ContentType)
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(a.Name))
		w.Header().Set("X-Content-SHA256", a.SHA256)
		http.ServeContent(w, r, "", a.UploadedAt, f)
		return nil
	}
	return gongzhi.NotFound()
}
