// Attachments of applications: uploaded files kept in the content-addressed file store, their
// name, size, type and SHA-256 recorded by the service layer; downloads only for those who may
// see the application.

package purchaseweb

import (
	"net/http"
	"net/url"
	"strconv"

	"gongzhi"
	"gongzhi/internal/web"
)

// uploadAttachment stores a file and attaches it to a draft application (the provider's own).
func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	ac, lang := web.ActorOf(r), web.LangOf(r)
	// the application must be the caller's own before anything is stored
	if _, err := s.svc.Application(r.Context(), ac, id); err != nil {
		return err
	}
	up, err := s.ReceiveUpload(w, r, s.UploadLimit(gongzhi.MaxAttachmentSize), nil, "attachment.type")
	var att *gongzhi.Attachment
	if err == nil {
		att = &gongzhi.Attachment{Name: up.Name, Size: up.Size, SHA256: up.SHA256, ContentType: up.ContentType}
		err = s.svc.AddAttachment(r.Context(), ac, id, att)
	}
	if e, ok := web.PpFieldErr(err); ok && !web.IsAPIPath(r) {
		if e.Code == gongzhi.ECONFLICT && e.Fields["sha256"] != "" {
			e = &gongzhi.Error{Code: e.Code, Message: e.Message, Fields: map[string]string{"file": e.Fields["sha256"]}}
		}
		return s.ppRenderAppDetail(w, r, id, e) // the refusal beside the upload form
	} else if err != nil {
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
