package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi"
	"gongzhi/internal/store"
	"gongzhi/internal/store/storetest/demodb"
	"gongzhi/internal/web"
)

// uploadWith posts a form with a file and other fields, as a browser does (the file omitted when
// name is empty).
func (b *browser) uploadWith(path string, fields url.Values, name string, data []byte) (int, string) {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
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

// fileField is the shared upload field of a page (the "upload-file" template), or "".
func fileField(body string) string {
	i := strings.Index(body, `id="field-file"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</div>\n")
	j = strings.Index(body[i+j+1:], "</div>") + i + j + 1 // the field's own closing tag, after its select-row
	return body[i:j]
}

// The answer to a rectification order takes its evidence through the shared upload field: it
// states the server's real limit, is optional, and a file refused (too large, of a wrong type) is
// answered beside it on the same page with the answer typed kept; a good file is recorded.
func TestRectificationAnswerUsesUploadField(t *testing.T) {
	t.Parallel()
	f := newOffFix(t, demodb.SQLite(t))
	ct1, _ := supSigned(t, f)
	a, ctx := f.e.app, f.ctx
	p1 := f.provider("同心")
	var ins int64
	find := func() {
		_, err := a.Inspections(ctx, f.hub, store.ListOptions{Filters: map[string]string{"month": "2027-01", "contract": fmt.Sprint(ct1)}},
			func(in *gongzhi.Inspection) error { ins = in.ID; return nil })
		f.must(err)
	}
	if find(); ins == 0 {
		_, err := a.EnsureInspections(ctx, f.hub, "2027-01")
		f.must(err)
		find()
	}
	rec := gongzhi.InspectionRecord{InspectedOn: "2027-01-10", ProgressPct: 40, Progress: "已开展助餐服务12次", Results: "服务记录基本完整"}
	for _, k := range gongzhi.DefaultChecklist {
		rec.Checklist = append(rec.Checklist, gongzhi.CheckItem{Key: k, Result: gongzhi.CheckOK})
	}
	rec.Checklist[2] = gongzhi.CheckItem{Key: gongzhi.DefaultChecklist[2], Result: gongzhi.CheckFinding, Severity: gongzhi.SeverityMajor, Note: "签到表缺失"}
	_, err := a.RecordInspection(ctx, f.hub, ins, rec)
	f.must(err)
	x, err := a.RaiseRectification(ctx, f.hub, ins, gongzhi.RectificationOrder{CheckKey: gongzhi.DefaultChecklist[2], Requirement: "补齐签到表", Deadline: "2027-01-20"})
	f.must(err)
	rpath := fmt.Sprintf("/supervision/rectifications/%d", x.ID)
	b := supBrowser(f, p1)
	limit := web.SizeText(min(1<<20, int64(gongzhi.MaxEvidenceSize))) // the test server's upload limit (newEnv)
	body := offPage(t, b, "provider", rpath, 200)
	field := fileField(body)
	if field == "" || !strings.Contains(field, "不超过 "+limit) || strings.Contains(field, " required") || strings.Contains(field, "<button") {
		t.Fatalf("the answer form's file field is not the shared, optional one stating the limit: %q", field)
	}
	if !strings.Contains(body, `accept=".jpg,.jpeg,.png,.gif,.webp,.pdf"`) {
		t.Fatal("the file field does not offer pictures and PDF")
	}
	csrf := b.csrf(rpath)
	form := url.Values{"csrf": {csrf}, "answer": {"已补齐签到表并归档"}}

	big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 1<<20)...)
	st, body := b.uploadWith(rpath+"/answer", form, "签到表.png", big)
	if field = fileField(body); st != http.StatusRequestEntityTooLarge || !strings.Contains(field, `class="field-error"`) || !strings.Contains(field, limit) ||
		!strings.Contains(body, "已补齐签到表并归档</textarea>") {
		t.Fatalf("too large: %d, beside the field: %q", st, field)
	}
	// a body so large it is cut off before the handler runs: the same answer, on the same form
	huge := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 3<<20)...)
	st, body = b.uploadWith(rpath+"/answer", form, "签到表.png", huge)
	if field = fileField(body); st != http.StatusRequestEntityTooLarge || !strings.Contains(field, "文件过大：每个文件不超过 "+limit) ||
		!strings.Contains(body, "已补齐签到表并归档</textarea>") {
		t.Fatalf("cut off: %d, beside the field: %q", st, field)
	}
	st, body = b.uploadWith(rpath+"/answer", form, "签到表.docx", []byte("PK\x03\x04 not a picture"))
	if field = fileField(body); st != http.StatusUnprocessableEntity || !strings.Contains(field, `class="field-error"`) || !strings.Contains(field, "PDF") {
		t.Fatalf("wrong type: %d, beside the field: %q", st, field)
	}
	if x, _ = a.Rectification(ctx, f.hub, x.ID); x.State != gongzhi.RectOpen || len(x.Evidence) != 0 {
		t.Fatalf("a refused file answered the order: %s %v", x.State, x.Evidence)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 200)...)
	if st, loc := b.uploadWith(rpath+"/answer", form, "签到表.png", png); st != http.StatusSeeOther || loc != rpath {
		t.Fatalf("answer with evidence: %d %s", st, loc)
	}
	if x, _ = a.Rectification(ctx, f.hub, x.ID); x.State != gongzhi.RectAnswered || len(x.Evidence) != 1 {
		t.Fatalf("answered: %s, evidence %v", x.State, x.Evidence)
	}
}
