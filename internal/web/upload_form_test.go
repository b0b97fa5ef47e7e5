// Tests of the one upload form (issue 11, item 9): the limit it states is the limit the server
// applies, and a file refused (too large, of a type not taken) is answered on the same page,
// beside the file field, with that limit, for an application's attachments and ledger evidence.

package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

// upload posts a file through a page's upload form, as a browser does.
func (b *browser) upload(path, csrf, name string, data []byte) (int, string) {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.e.srv.URL)
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusSeeOther {
		return res.StatusCode, res.Header.Get("Location")
	}
	return res.StatusCode, string(raw)
}

func TestUploadFormLimitAndInlineErrors(t *testing.T) {
	t.Parallel()
	f := newPartyFix(t, demodb.SQLite(t))
	// the test server takes uploads of at most 1 MiB (newEnv), less than an attachment's own 50 MiB
	limit := web.SizeText(min(1<<20, int64(gongzhi.MaxAttachmentSize)))
	if limit != "1 MiB" {
		t.Fatalf("limit %q", limit)
	}
	tok := f.e.token("gt-provider")
	r := f.e.call(tok, "POST", "/api/v1/applications", appBody(f.call.ID, "上传测试", 50000))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := int64(r.Body["id"].(float64))
	b := f.signedIn("gt-provider")
	page := fmt.Sprintf("/applications/%d", id)
	_, body := b.get(page)
	if !strings.Contains(body, "不超过 "+limit) || strings.Contains(body, "50MB") || strings.Contains(body, "50 MB") {
		t.Fatal("the upload form does not state the server's limit")
	}
	csrf := b.csrf(page)
	action := page + "/attachments/upload"

	big := append([]byte("%PDF-1.4\n"), make([]byte, 1<<20)...)
	st, body := b.upload(action, csrf, "大文件.pdf", big)
	fieldAt := strings.Index(body, `id="field-file"`)
	if st != http.StatusRequestEntityTooLarge || fieldAt < 0 || !strings.Contains(body[fieldAt:], "文件过大：每个文件不超过 "+limit) ||
		!strings.Contains(body, "<h1>上传测试</h1>") {
		t.Fatalf("too large: %d, the error beside the file field: %v", st, fieldAt >= 0)
	}
	st, body = b.upload(action, csrf, "程序.pdf", []byte("MZ\x90\x00 not a pdf"))
	fieldAt = strings.Index(body, `id="field-file"`)
	if st != http.StatusUnprocessableEntity || fieldAt < 0 || !strings.Contains(body[fieldAt:min(len(body), fieldAt+800)], `class="field-error"`) {
		t.Fatalf("wrong type: %d", st)
	}
	if ap, _ := f.e.app.Application(f.ctx, f.sys, id); len(ap.Attachments) != 0 {
		t.Fatalf("refused files attached: %d", len(ap.Attachments))
	}
	// a good file is attached, and the same one again is refused beside the field
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("方案"), 100)...)
	if st, loc := b.upload(action, csrf, "方案.pdf", pdf); st != http.StatusSeeOther || loc != page {
		t.Fatalf("upload: %d %s", st, loc)
	}
	st, body = b.upload(action, csrf, "方案.pdf", pdf)
	if fieldAt = strings.Index(body, `id="field-file"`); st != http.StatusConflict || fieldAt < 0 || !strings.Contains(body[fieldAt:min(len(body), fieldAt+800)], `class="field-error"`) {
		t.Fatalf("the same file again: %d", st)
	}
	// the API keeps its codes: 413 naming the field and the limit
	r = uploadFile(t, f.e, tok, fmt.Sprintf("/api/v1/applications/%d/attachments/upload", id), "大文件.pdf", big)
	code, fields := errOf(r)
	if r.Status != http.StatusRequestEntityTooLarge || code != gongzhi.ETOOLARGE || !fieldIs(fields["file"], "zh-CN", "upload.too_large:"+limit) {
		t.Fatalf("API too large: %d %s", r.Status, r.Raw)
	}
}
