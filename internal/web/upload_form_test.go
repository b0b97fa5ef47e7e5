// Tests of the one upload form (issue 11, item 9): the limit it states is the limit the server
// applies, and a file refused (too large, of a type not taken) is answered on the same page,
// beside the file field, with that limit, for an application's attachments and ledger evidence.

package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

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

// An application's attachments can be removed from its page until it is submitted: a CSRF form
// beside each, audited; after submission no button, and a stale form is refused on the page with
// a reason saying attachments change only before submission.
func TestApplicationPageRemovesAttachmentUntilSubmitted(t *testing.T) {
	t.Parallel()
	f := newPartyFix(t, demodb.SQLite(t))
	tok := f.e.token("gt-provider")
	r := f.e.call(tok, "POST", "/api/v1/applications", appBody(f.call.ID, "附件删除测试", 50000))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := int64(r.Body["id"].(float64))
	b := f.signedIn("gt-provider")
	page := fmt.Sprintf("/applications/%d", id)
	csrf := b.csrf(page)
	for _, name := range []string{"方案.pdf", "预算.pdf"} {
		pdf := append([]byte("%PDF-1.4\n"), []byte(name)...)
		if st, loc := b.upload(page+"/attachments/upload", csrf, name, pdf); st != http.StatusSeeOther || loc != page {
			t.Fatalf("upload %s: %d %s", name, st, loc)
		}
	}
	ap, err := f.e.app.Application(f.ctx, f.sys, id)
	if err != nil || len(ap.Attachments) != 2 {
		t.Fatalf("attachments: %v %v", ap, err)
	}
	first, second := ap.Attachments[0].ID, ap.Attachments[1].ID
	_, body := b.get(page)
	remove := func(att int64) string { return fmt.Sprintf("%s/attachments/%d/remove", page, att) }
	if !strings.Contains(body, `action="`+remove(first)+`"`) || !strings.Contains(body, `action="`+remove(second)+`"`) {
		t.Fatal("the draft's page has no remove form beside each attachment")
	}
	// without the CSRF token: refused, nothing removed
	if st, _ := b.post(remove(first), nil); st != http.StatusForbidden {
		t.Fatalf("remove without csrf: %d", st)
	}
	audits := countAudit(t, f.e, `entity = 'applications' AND note = 'attachment removed'`)
	if st, loc := b.post(remove(first), url.Values{"csrf": {csrf}}); st != http.StatusSeeOther || loc != page {
		t.Fatalf("remove: %d %s", st, loc)
	}
	if ap, _ = f.e.app.Application(f.ctx, f.sys, id); len(ap.Attachments) != 1 || ap.Attachments[0].ID != second {
		t.Fatalf("after removal: %d attachments", len(ap.Attachments))
	}
	if got := countAudit(t, f.e, `entity = 'applications' AND note = 'attachment removed'`); got != audits+1 {
		t.Fatalf("removal audited %d times", got-audits)
	}
	// submitted: no remove button, and a stale form is refused with the reason
	if r := f.e.call(tok, "POST", fmt.Sprintf("/api/v1/applications/%d/submit", id), nil); r.Status != 200 {
		t.Fatalf("submit: %d %s", r.Status, r.Raw)
	}
	if _, body = b.get(page); strings.Contains(body, "/remove\"") {
		t.Fatal("a submitted application's page offers to remove an attachment")
	}
	st, body := b.post(remove(second), url.Values{"csrf": {csrf}})
	if st != http.StatusConflict || !strings.Contains(body, "申报书提交后不能再添加或删除附件") || !strings.Contains(body, "<h1>附件删除测试</h1>") {
		t.Fatalf("remove after submission: %d", st)
	}
	if ap, _ = f.e.app.Application(f.ctx, f.sys, id); len(ap.Attachments) != 1 {
		t.Fatalf("removed after submission: %d attachments left", len(ap.Attachments))
	}
}

// A body larger than the server's upload limit is cut off before the handler runs (while the CSRF
// token is read): the form is still answered on its own page, beside the file field, with the
// real limit, nothing attached; a cut-off post whose token cannot be read is answered by a page
// naming the limit and linking back to the form.
func TestUploadCutOffAnsweredOnTheForm(t *testing.T) {
	t.Parallel()
	f := newPartyFix(t, demodb.SQLite(t))
	limit := web.SizeText(min(1<<20, int64(gongzhi.MaxAttachmentSize))) // newEnv's MaxUpload
	tok := f.e.token("gt-provider")
	r := f.e.call(tok, "POST", "/api/v1/applications", appBody(f.call.ID, "大文件测试", 50000))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := int64(r.Body["id"].(float64))
	b := f.signedIn("gt-provider")
	page := fmt.Sprintf("/applications/%d", id)
	csrf := b.csrf(page)
	huge := append([]byte("%PDF-1.4\n"), make([]byte, 3<<20)...) // three times the limit: cut off while reading the token
	st, body := b.upload(page+"/attachments/upload", csrf, "扫描件.pdf", huge)
	field := fileField(body)
	if st != http.StatusRequestEntityTooLarge || !strings.Contains(field, "文件过大：每个文件不超过 "+limit) || !strings.Contains(body, "<h1>大文件测试</h1>") {
		t.Fatalf("cut off: %d, beside the field: %q", st, field)
	}
	if ap, _ := f.e.app.Application(f.ctx, f.sys, id); len(ap.Attachments) != 0 {
		t.Fatalf("a cut-off file was attached: %d", len(ap.Attachments))
	}
	// the token is not among the fields received: refused, on a page naming the limit with a link back
	st, body = b.uploadWith(page+"/attachments/upload", url.Values{}, "扫描件.pdf", huge)
	if st != http.StatusRequestEntityTooLarge || !strings.Contains(body, "上传内容过大（上限 "+limit+"）") || !strings.Contains(body, `<a href="`+page+`" class="button">返回</a>`) {
		t.Fatalf("cut off without a token: %d\n%s", st, body)
	}
	if ap, _ := f.e.app.Application(f.ctx, f.sys, id); len(ap.Attachments) != 0 {
		t.Fatalf("a cut-off file without a token was attached: %d", len(ap.Attachments))
	}
	// a wrong token is refused as such (the fields were read), nothing attached
	if st, _ = b.upload(page+"/attachments/upload", "not-the-token", "扫描件.pdf", huge); st != http.StatusRequestEntityTooLarge {
		t.Fatalf("cut off with a wrong token: %d", st)
	}
	if ap, _ := f.e.app.Application(f.ctx, f.sys, id); len(ap.Attachments) != 0 {
		t.Fatalf("a file with a wrong token was attached: %d", len(ap.Attachments))
	}
}

// A body far over the limit (a scanned folder of 24 MiB against the test server's 1 MiB), sent
// as a browser sends it (the whole body, at the speed of a network, before it reads the answer),
// is still answered with the form's page, not a reset connection: the server reads and discards
// the rest of the body before it answers, up to a bound.
func TestUploadFarOverTheLimitIsAnswered(t *testing.T) {
	t.Parallel()
	f := newPartyFix(t, demodb.SQLite(t))
	limit := web.SizeText(min(1<<20, int64(gongzhi.MaxAttachmentSize)))
	tok := f.e.token("gt-provider")
	r := f.e.call(tok, "POST", "/api/v1/applications", appBody(f.call.ID, "超大文件", 50000))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := int64(r.Body["id"].(float64))
	b := f.signedIn("gt-provider")
	page := fmt.Sprintf("/applications/%d", id)
	csrf := b.csrf(page)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "扫描件.pdf")
	fw.Write(append([]byte("%PDF-1.4\n"), make([]byte, 24<<20)...))
	mw.Close()
	u, _ := url.Parse(f.e.srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var cookies []string
	for _, c := range b.c.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	fmt.Fprintf(conn, "POST %s/attachments/upload HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nCookie: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		page, u.Host, f.e.srv.URL, strings.Join(cookies, "; "), mw.FormDataContentType(), body.Len())
	// 24 MiB in 96 chunks a few milliseconds apart: longer than the server's wait before it closes
	raw := body.Bytes()
	for len(raw) > 0 {
		n := min(len(raw), 256<<10)
		if _, err := conn.Write(raw[:n]); err != nil {
			t.Fatalf("the server stopped reading the body with %d bytes left: %v", len(raw), err)
		}
		raw = raw[n:]
		time.Sleep(10 * time.Millisecond)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer after the whole body: %v", err)
	}
	defer res.Body.Close()
	html, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(fileField(string(html)), "文件过大：每个文件不超过 "+limit) {
		t.Fatalf("answer: %d, beside the field: %q", res.StatusCode, fileField(string(html)))
	}
}
